"""analysis/dataflow.py's liveness (sets kept as bits of an int) and activity's reach."""

import gast

from astgrad.analysis import activity
from astgrad.analysis import dataflow
from astgrad.core import anno
from astgrad.core import syntax as S
from astgrad.core.anno import Key

LOOP = """
a = x * 2.0
t = 0.0
for k in ks:
    s = t * a
    t = s + x
    u = a * 3.0
b = t + 1.0
"""


def _live_out(body):
    return {stmt.targets[0].id if isinstance(stmt, gast.Assign) else type(stmt).__name__:
            anno.get(stmt, Key.LIVE_OUT) for stmt in S.statements(body)}


def test_liveness_over_a_loop_reaches_its_fixed_point():
    body = S.parse_stmts(LOOP)
    live_in = dataflow.liveness(body, {"b"})
    live = _live_out(body)
    assert live_in == {"x", "ks"}
    assert live["a"] == {"a", "x", "ks"}
    assert live["t"] == {"a", "t", "x", "ks"}
    # t is read by the next pass: live at the end of the body, as a and x are (not k)
    assert live["u"] == {"a", "t", "x", "ks"}
    assert live["s"] == {"a", "s", "x", "ks"}
    assert live["For"] == {"t"}
    assert live["b"] == {"b"}


def test_live_sets_behave_as_frozen_sets():
    body = S.parse_stmts(LOOP)
    dataflow.liveness(body, {"b"})
    live = anno.get(body[0], Key.LIVE_OUT)
    assert "a" in live and "b" not in live and "nowhere" not in live
    assert sorted(live) == ["a", "ks", "x"] and len(live) == 3
    assert live == frozenset({"a", "ks", "x"}) and frozenset({"a", "ks", "x"}) == live
    assert {"a", "b"} & live == {"a"} and live & {"a", "b"} == {"a"}
    assert live - {"a"} == {"ks", "x"} and {"a", "q"} - live == {"q"}
    assert not live.isdisjoint({"x"}) and live.isdisjoint({"q"})
    assert isinstance(live - {"a"}, frozenset)


def test_dead_code_in_a_loop_goes_and_what_it_read_may_go_too():
    body = S.parse_stmts(LOOP)
    kept = dataflow.eliminate_dead_code(body, {"b"})
    names = [stmt.targets[0].id for stmt in S.statements(kept) if isinstance(stmt, gast.Assign)]
    assert names == ["a", "t", "s", "t", "b"]       # u is never read


def test_an_assignment_dead_in_a_loops_first_pass_stays_when_the_next_pass_reads_it():
    # a's value is read by the next pass only: liveness finds `a = x * k` dead in its
    # first pass over the body, live at the fixed point; the sweep must see the latter
    body = S.parse_stmts("s = 0.0\na = 0.0\nfor k in ks:\n    s = s + a\n    a = x * k\n    u = x * 3.0\nb = s\n")
    kept = dataflow.eliminate_dead_code(body, {"b"})
    assert [stmt.targets[0].id for stmt in S.statements(kept) if isinstance(stmt, gast.Assign)] \
        == ["s", "a", "s", "a", "b"]        # u is never read


def test_reach_follows_edges_against_their_order():
    # each edge reached only from a later one: a pass over the edges in order adds one name
    edges = [({f"v{i + 1}"}, {f"v{i}"}) for i in range(50)]
    assert activity._reach({"v50"}, edges) == {f"v{i}" for i in range(51)}
    assert activity._reach({"v0"}, edges) == {"v0"}
    # any source reaches all targets, and loops feed back
    assert activity._reach({"b"}, [({"a", "b"}, {"c", "d"}), ({"d"}, {"a"}), ({"q"}, {"r"})]) \
        == {"a", "b", "c", "d"}


BRANCHY_LOOP = """
a = x * 2.0
t = 0.0
for k in ks:
    if k > 1:
        s = t * a
    else:
        s = a + 1.0
    t = s + x
    j = 0
    while j < k:
        t = t * 0.5
        j = j + 1
b = t + 1.0
"""


def test_dead_code_elimination_finds_what_liveness_annotates():
    # no statement here is dead: the table of the elimination's run holds, for every
    # statement, whether a name it writes is live after it as liveness annotates it; the
    # same walk recording whole masks (record_liveness) holds, for every statement and
    # name, what liveness writes on the statement
    annotated, eliminated = S.parse_stmts(BRANCHY_LOOP), S.parse_stmts(BRANCHY_LOOP)
    dataflow.liveness(annotated, {"b"})
    facts = dataflow.StatementFacts()
    kept = dataflow.eliminate_dead_code(eliminated, {"b"}, facts=facts)
    assert len(list(S.statements(kept))) == len(list(S.statements(annotated)))
    names = S.names_in(gast.Module(body=annotated, type_ignores=[])) | {"nowhere"}
    for mine, theirs in zip(S.statements(kept), S.statements(annotated)):
        live = anno.get(theirs, Key.LIVE_OUT)
        assert facts.writes_live(mine) == bool(dataflow.writes(mine) & live)
        assert anno.get(mine, Key.LIVE_OUT) is None      # the elimination annotates nothing
    recorded = dataflow.StatementFacts()
    dataflow.record_liveness(kept, {"b"}, recorded)
    for mine, theirs in zip(S.statements(kept), S.statements(annotated)):
        live = anno.get(theirs, Key.LIVE_OUT)
        assert {name for name in names if name in recorded.live_names(mine)} == live
        assert recorded.writes_live(mine) == bool(dataflow.writes(mine) & live)
    # a statement its run never reached keeps every name it writes live: never taken for dead
    stray = S.parse_stmts("u = x * 3.0")[0]
    assert facts.writes_live(stray) and recorded.writes_live(stray)


NESTED_READS = """
a = x * 2.0
t = 0.0
for k in ks:
    for j in js:
        s = t * a
        u = w * 3.0
        t = s + y
    v = t * z
    t = v + 1.0
b = t + 1.0
"""


def test_names_read_in_a_loop_and_never_written_there_stay_live_through_it():
    # a, w, y, z and js are read in the loops and not after them: live through every pass
    # without a name of the body's being written, they are carried past the body (not
    # walked again); the verdicts are liveness's all the same
    facts = dataflow.StatementFacts()
    kept = dataflow.eliminate_dead_code(S.parse_stmts(NESTED_READS), {"b"}, facts=facts)
    assert [stmt.targets[0].id for stmt in S.statements(kept) if isinstance(stmt, gast.Assign)] \
        == ["a", "t", "s", "t", "v", "t", "b"]      # u is never read, nor w then
    annotated = [S.copy(stmt) for stmt in kept]
    live_in = dataflow.liveness(annotated, {"b"})
    assert live_in == {"x", "ks", "js", "y", "z"}
    for mine, theirs in zip(S.statements(kept), S.statements(annotated)):
        assert facts.writes_live(mine) == bool(dataflow.writes(mine) & anno.get(theirs, Key.LIVE_OUT))
    assert anno.get(annotated[2].body[0].body[0], Key.LIVE_OUT) == {"s", "a", "ks", "js", "y", "z"}


SAVED = """
t_stack = []
t = 0.0
for k in ks:
    t_stack.append(t)
    t = x * 2.0
for k in ks:
    READ
    t = t_stack.pop()
    d = d + 1.0
return d
"""


def _saved_body(read):
    body = S.parse_stmts(SAVED.replace("READ", read))
    push, pop = body[2].body[0], body[3].body[1]
    anno.set(push, Key.SAVE_ID, 7)
    anno.set(push.value, Key.METHOD, "append")
    anno.set(pop, Key.RESTORE_ID, 7)
    anno.set(pop.value, Key.METHOD, "pop")
    return body


def _assigned(body):
    return [stmt.targets[0].id for stmt in S.statements(body) if isinstance(stmt, gast.Assign)]


def test_a_push_goes_with_its_pop_when_nothing_reads_the_value_back():
    from astgrad.backend import dead_code
    found = []
    original = dead_code._dead_saves

    def recorded(*args):
        found.append(original(*args))
        return found[-1]
    dead_code._dead_saves = recorded
    try:
        kept = dead_code.remove_dead_code(_saved_body("d = d * 2.0"))
    finally:
        dead_code._dead_saves = original
    assert _assigned(kept) == ["d", "d"]
    assert not any(isinstance(stmt, gast.Expr) for stmt in S.statements(kept))
    assert found == [set()]     # the liveness run removed the pair itself, and what the push read


def test_a_pop_read_by_the_next_pass_of_its_loop_keeps_its_push():
    from astgrad.backend.dead_code import remove_dead_code
    kept = remove_dead_code(_saved_body("d = d * t"))
    assert _assigned(kept) == ["t_stack", "t", "t", "d", "t", "d"]
    assert sum(isinstance(stmt, gast.Expr) for stmt in S.statements(kept)) == 1
