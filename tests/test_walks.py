"""The tree walks every pass uses (core/syntax.py) find what ``gast.walk`` finds, and the
shape analyses' optimistic fixed point (analysis/fixed_point.py) finds the same facts
whether or not it is told which names each value mentions, taking facts back too (also
told which value each fact came from). The annotation keys the walks' callers read
(core/anno.py) stay one object each when copied or pickled. The closure names generated
code holds (pipeline.held_closure_names, which reads the emitted text before it walks)
are those a walk of the whole tree finds only called."""

import random
import types

import gast
import pytest
from hypothesis import given, strategies as st

from astgrad import pipeline
from astgrad.analysis import fixed_point
from astgrad.backend import emit
from astgrad.core import anno
from astgrad.core import syntax as S
from astgrad.core import walk

SOURCE = '''
def f(x: "ann", y=g(1), *args, k: int = 2, **kw):
    a = x * y + np.sum(x[1:2, ::3], axis=0) - -x ** 2
    b, c = (a, [v for v in range(3) if v > h(v)])
    d = {a: b, **kw} if a < b <= c else (lambda t=u(0): t + w(1))(a)
    x.attr[0] += f(*args, key=q(1), **kw) @ a
    del d[0], b
    for i, j in zip(a, b):
        while not (i and j or k):
            if c is not None:
                return f"{a!r} {g(b):>{w}}"
            else:
                k = r(c)
    else:
        h(a, key=e(2))
    def inner(p: z(1) = m(2)):
        return p
    return a
'''

_OPERATORS = (gast.expr_context, gast.operator, gast.unaryop, gast.cmpop, gast.boolop)


def nodes_of(tree):
    return [tree] + [stmt for stmt in gast.walk(tree) if isinstance(stmt, gast.stmt)]


@pytest.mark.parametrize("index", range(len(nodes_of(gast.parse(SOURCE)))))
def test_the_walks_find_what_gast_walk_finds(index):
    node = nodes_of(gast.parse(SOURCE))[index]
    every = list(gast.walk(node))
    assert [id(n) for n in S.walk_nodes(node)] == [id(n) for n in every]      # its order too
    assert sorted(map(id, S.name_nodes(node))) == sorted(id(n) for n in every if isinstance(n, gast.Name))
    assert sorted(map(id, S.call_nodes(node))) == sorted(id(n) for n in every if isinstance(n, gast.Call))
    # operand_nodes: walk_nodes' breadth-first order without operators and contexts
    assert [id(n) for n in S.operand_nodes(node)] == \
        [id(n) for n in S.walk_nodes(node) if not isinstance(n, _OPERATORS)]
    assert S.names_in(node) == {n.id for n in every if isinstance(n, gast.Name)}
    assert [id(n) for n in S.statement_nodes(node)] == [id(n) for n in every if n is node or isinstance(n, _BLOCKS)]
    # only_called: the names named only as a call's function (g, h, zip, ...; not w, also
    # read as a value, nor x, read, nor k, written), and a name named nowhere
    called = {id(n.func) for n in every if isinstance(n, gast.Call)}
    named = {n.id for n in every if isinstance(n, gast.Name)}
    assert S.only_called(node, named | {"absent"}) == \
        {name for name in named if all(id(n) in called for n in every if isinstance(n, gast.Name) and n.id == name)} \
        | {"absent"}


_BLOCKS = (gast.stmt, gast.excepthandler, gast.match_case)

BLOCKS = '''
def f(x, k):
    try:
        a = x
        with g(x) as w, h() as v:
            b = [lambda t: t for t in w]
    except (ValueError, KeyError) as e:
        c = 1 if x else 2
        try:
            pass
        finally:
            d = 3
    else:
        class C:
            q = 1
            def m(self):
                r = 2
                return r
    finally:
        while x:
            s = x
        else:
            u = 0
    match k:
        case [1, y]:
            z = y
        case {"a": y} if y:
            for i in y:
                z = i
            else:
                z = 0
        case _:
            z = None
    return a
'''


@pytest.mark.parametrize("index", range(len(nodes_of(gast.parse(BLOCKS)))))
def test_statement_nodes_are_the_statements_handlers_and_cases_walk_nodes_gives(index):
    node = nodes_of(gast.parse(BLOCKS))[index]
    # in walk_nodes' (breadth-first) order: the assignments a walk for them finds come as before
    assert [id(n) for n in S.statement_nodes(node)] == \
        [id(n) for n in S.walk_nodes(node) if n is node or isinstance(n, _BLOCKS)]


PLAIN = '''
def f(x, y):
    a = x * y
    b = -a
    c = a
    d = 2.0
    e = a + 1
    x.attr = a
    g = np.sin(a)
    h = a[0]
    i, j = a, b
    k = x * y + 1
    m = -(x + y)
    n = x < y
    p: int = 2
    q = r = a
    np.sin(a)
'''


def test_plain_operands_are_the_leaves_of_a_statement_holding_nothing_else():
    """What S.plain_operands names is all a walk looking for calls, attributes or reads
    would find: the callers skip the walk of such a statement."""
    plain = []
    for stmt in gast.parse(PLAIN).body[0].body:
        operands = S.plain_operands(stmt)
        below = [n for n in gast.walk(stmt) if not isinstance(n, _OPERATORS)]
        holds_only_leaves = isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and all(
            isinstance(n, (gast.Assign, gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp)) for n in below) \
            and len([n for n in below if isinstance(n, (gast.BinOp, gast.UnaryOp))]) <= 1
        assert (operands is not None) == holds_only_leaves, gast.dump(stmt)
        if operands is not None:
            plain.append(stmt.targets[0].id)
            leaves = [n for n in gast.walk(stmt.value) if isinstance(n, (gast.Name, gast.Constant))]
            assert sorted(map(id, operands)) == sorted(map(id, leaves))
    assert plain == ["a", "b", "c", "d", "e"]


def test_name_nodes_of_a_plain_statement_come_in_the_order_of_the_walk():
    """name_nodes answers ``a OP b`` and its assignment without the walk: in the walk's
    order still (met inside a Module or an Expr, they are walked)."""
    for stmt in gast.parse(PLAIN).body[0].body:
        assert [id(n) for n in S.name_nodes(stmt)] == \
            [id(n) for n in S.name_nodes(gast.Module(body=[stmt], type_ignores=[]))], gast.dump(stmt)
        if isinstance(stmt, gast.Assign):
            assert [id(n) for n in S.name_nodes(stmt.value)] == \
                [id(n) for n in S.name_nodes(gast.Expr(value=stmt.value))], gast.dump(stmt)


HELPERS = '''
def d(x, p):
    "unbroadcast, named in a string"
    t = unbroadcast(x, p) + x.unreduce(p) + np.arange(3)
    u = act(t)
    g = act
    return unreduce(scale(u), p)
'''


# a name the text first writes in comments and a string (more places than are looked
# at first), read as a value only in the last statement; and one read as a value far down
FAR = '''
def d(x):
    "np, named in a string"
    a = sin(x)
    b = sin(a)
    if a > 0:
        c = cos(b)
    else:
        c = numpy.cos(b)
    return np.sum(c)
'''


@pytest.mark.parametrize("source", [SOURCE, HELPERS, FAR], ids=["every_construct", "helpers", "far"])
def test_the_closure_names_held_are_those_only_called_in_the_whole_tree(source):
    # pipeline.held_closure_names reads the emitted text first, and walks only for the
    # names it names otherwise too: in a comment (scale), a string (unbroadcast), as a
    # value (act, np), a parameter (p); an attribute (x.unreduce), a longer word
    # (arange) or a name named nowhere (absent) change nothing. It looks first where
    # the text names them (the statement holding a comment proves nothing)
    tree = gast.parse(source).body[0]
    for position in (1, 1, 3):
        tree.body.insert(position, emit.comment("scale, np and numpy, named in a comment"))
    text = emit.to_source(tree)
    names = S.names_in(tree) | {"unbroadcast", "unreduce", "scale", "range", "absent"}
    front = types.SimpleNamespace(dependencies=[((name,), (object(),)) for name in sorted(names)],
                                  freevars=tuple(names), source=types.SimpleNamespace(closure=names))
    held = pipeline.held_closure_names(front, tree, text)
    assert held == tuple(sorted(S.only_called(tree, names)))
    if source is HELPERS:
        assert held == ("absent", "range", "scale", "unbroadcast", "unreduce")
    if source is FAR:
        assert held == ("absent", "cos", "range", "scale", "sin", "unbroadcast", "unreduce")


def test_rewrite_statements_rewrites_as_rewrite_blocks_and_rebuilds_only_the_blocks_it_changes():
    # the same text as rewrite_blocks with a function changing the wanted statements
    # alone (one removed, one doubled, one in a nested block replaced), and the blocks
    # holding none of them are the very lists they were
    def program():
        tree = gast.parse(FAR.replace("return", "for k in x:\n        d = k\n    return")).body[0]
        wanted = {tree.body[1], tree.body[2], tree.body[3].orelse[0]}
        return tree, wanted

    def change(stmt):
        if isinstance(stmt, gast.If):
            return stmt
        return [] if stmt.targets[0].id == "a" else [stmt, stmt] if stmt.targets[0].id == "b" else gast.Pass()

    tree, wanted = program()
    expected = walk.rewrite_blocks(tree.body, lambda stmt: change(stmt) if stmt in wanted else stmt)
    tree, wanted = program()
    loop_body, if_body = tree.body[4].body, tree.body[3].body
    body = list(tree.body)
    rewritten = walk.rewrite_statements(tree.body, {id(stmt) for stmt in wanted}, change)
    assert tree.body == body        # (its own block is not changed)
    assert gast.dump(gast.Module(body=rewritten, type_ignores=[])) == gast.dump(gast.Module(body=expected, type_ignores=[]))
    assert rewritten[3].body is if_body and rewritten[4].body is loop_body
    assert isinstance(rewritten[3].orelse[0], gast.Pass)


def _old_assume(definitions, facts, fact_of):
    """The fixed point without ``mentions``: every round looks at every name."""
    changed = True
    while changed:
        changed = False
        for name, values in definitions.items():
            if name in facts:
                continue
            for value in values:
                found = fact_of(value) if value is not None else None
                if found is not None:
                    facts[name] = found
                    changed = True
                    break


@given(st.integers(0, 2 ** 32 - 1), st.integers(2, 30))
def test_assume_finds_the_same_facts_told_what_each_value_mentions(seed, count):
    rng = random.Random(seed)
    names = [f"n{i}" for i in range(count)]
    # a value: (kind, the names it reads); its fact: "first" gives the first known fact of
    # what it reads, "all" the fact of the first only if every one it reads has one,
    # "sum" a new fact from them all, "none" never one; some names start with a fact
    kinds = ("first", "all", "sum", "none")
    definitions = {name: [None if rng.random() < 0.1 else
                          (rng.choice(kinds), tuple(rng.sample(names, rng.randint(0, min(3, count)))))
                          for _ in range(rng.randint(1, 3))]
                   for name in names}
    start = {name: rng.randint(0, 3) for name in rng.sample(names, rng.randint(1, min(3, count)))}

    def fact_of_in(facts):
        def fact_of(value):
            kind, reads = value
            known = [facts[r] for r in reads if r in facts]
            if kind == "first":
                return known[0] if known else None
            if kind == "all":
                return known[0] if known and len(known) == len(reads) else None
            if kind == "sum":
                return sum(known) % 5 if known else None
            return None
        return fact_of

    expected, found = dict(start), dict(start)
    _old_assume(definitions, expected, fact_of_in(expected))
    fixed_point.assume(definitions, found, fact_of_in(found), mentions=lambda value: value[1])
    assert found == expected
    # told by readers an earlier fixed point over the same definitions found (which count
    # the names that have a fact from the start too)
    readers, earlier = fixed_point.Readers(definitions, lambda value: value[1]), {}
    fixed_point.assume(definitions, earlier, fact_of_in(earlier), mentions=readers)
    shared = dict(start)
    fixed_point.assume(definitions, shared, fact_of_in(shared), mentions=readers)
    assert shared == expected


def _old_retract(definitions, facts, fact_of):
    """Taking facts back without ``mentions``: every round looks at every name."""
    changed = True
    while changed:
        changed = False
        for name, values in definitions.items():
            current = facts.get(name)
            if current is not None and current != fixed_point.UNKNOWN \
                    and any(value is None or fact_of(value) != current for value in values):
                facts[name] = fixed_point.UNKNOWN
                changed = True


def _random_definitions(rng, names, kinds):
    """name -> one to three values, each None (not an expression) or (one of ``kinds``,
    up to three of ``names`` it reads)."""
    return {name: [None if rng.random() < 0.05 else
                   (rng.choice(kinds), tuple(rng.sample(names, rng.randint(0, min(3, len(names))))))
                   for _ in range(rng.randint(1, 3))]
            for name in names}


class _Retractions(dict):
    """Facts that log which names lose theirs, in order."""

    def __init__(self, facts):
        super().__init__(facts)
        self.lost = []

    def __setitem__(self, name, fact):
        self.lost.append(name)
        super().__setitem__(name, fact)


def _first_fact_in(facts):
    """fact_of for values (kind, the names it reads): "first" has the first fact of what
    it reads, "all" that one only if every name it reads still has a fact, "constant" its own."""
    def fact_of(value):
        kind, reads = value
        known = [facts[r] for r in reads if facts.get(r, fixed_point.UNKNOWN) != fixed_point.UNKNOWN]
        if kind == "constant":
            return 0
        if kind == "all" and len(known) < len(reads):
            return None
        return known[0] if known else None
    return fact_of


@given(st.integers(0, 2 ** 32 - 1), st.integers(2, 30))
def test_retract_takes_back_the_same_facts_in_the_same_order_told_what_each_value_mentions(seed, count):
    rng = random.Random(seed)
    names = [f"n{i}" for i in range(count)]
    # a value: (kind, the names it reads): "first" has the first fact of what it reads,
    # "all" that one only if every name it reads still has a fact, "constant" its own
    definitions = _random_definitions(rng, names, ("first", "all", "constant"))
    start = {name: rng.randint(0, 1) for name in names if rng.random() < 0.9}

    expected, found = _Retractions(start), _Retractions(start)
    _old_retract(definitions, expected, _first_fact_in(expected))
    fixed_point.retract(definitions, found, _first_fact_in(found), mentions=lambda value: value[1])
    assert found == expected and found.lost == expected.lost


def test_annotation_keys_are_singletons_with_distinct_descriptions():
    import copy
    import pickle
    keys = [value for value in vars(anno.Key).values() if isinstance(value, anno.Key)]
    assert len(keys) > 30 and len({key.value for key in keys}) == len(keys)
    assert all(getattr(anno.Key, key.name) is key for key in keys)
    node = S.name("x")
    anno.set(node, anno.Key.SAVE, 1)
    copied = S.copy(node)
    assert anno.get(copied, anno.Key.SAVE) == 1 and list(anno.annotations(copied)) == [anno.Key.SAVE]
    assert copy.deepcopy(anno.Key.SAVE) is anno.Key.SAVE
    assert pickle.loads(pickle.dumps(anno.Key.LIVE_OUT)) is anno.Key.LIVE_OUT
    with pytest.raises(TypeError):
        anno.set(node, "SAVE", 1)


def test_a_repeated_key_description_is_refused():
    class Keys(anno.Key):
        __slots__ = ()
        FIRST = "the same words"
        SECOND = "the same words"
    with pytest.raises(ValueError, match="SECOND and FIRST"):
        anno._make_members(Keys)


@given(st.integers(0, 2 ** 32 - 1), st.integers(2, 30))
def test_retract_told_what_assume_settled_takes_back_the_same_facts(seed, count):
    # the first round of retract does not compute again the fact of the value assume took
    # a name's fact from: as for the shape classes, a value's fact is None once a name it
    # reads has lost its own, and else the same ("all", "min"), or its own ("constant")
    rng = random.Random(seed)
    names = [f"n{i}" for i in range(count)]
    definitions = _random_definitions(rng, names, ("all", "min", "constant"))
    start = {name: rng.randint(0, 2) for name in rng.sample(names, rng.randint(1, min(4, count)))}

    def fact_of_in(facts):
        def fact_of(value):
            kind, reads = value
            known = [facts.get(r, fixed_point.UNKNOWN) for r in reads]
            if kind == "constant" or fixed_point.UNKNOWN in known:
                return 0 if kind == "constant" else None
            return (known[0] if kind == "all" else min(known)) if known else 1
        return fact_of

    mentions = fixed_point.Readers(definitions, lambda value: value[1])
    expected, found, settled = dict(start), dict(start), {}
    fixed_point.assume(definitions, expected, fact_of_in(expected), mentions)
    fixed_point.assume(definitions, found, fact_of_in(found), mentions, settled)
    assert found == expected and set(settled) == set(found) - set(start)
    fixed_point.retract(definitions, expected, fact_of_in(expected), mentions=mentions)
    fixed_point.retract(definitions, found, fact_of_in(found), mentions=mentions, settled=settled)
    assert found == expected


@given(st.integers(0, 2 ** 32 - 1), st.integers(2, 30))
def test_readers_that_name_more_than_a_value_reads_find_the_same_facts(seed, count):
    # the layouts are found with the readers of the shape classes, whose values also
    # mention the names pushed on a stack they pop: extra names cost looks, never facts
    rng = random.Random(seed)
    names = [f"n{i}" for i in range(count)]
    definitions = _random_definitions(rng, names, ("first", "all", "constant"))
    extra = {id(value): tuple(rng.sample(names, rng.randint(0, min(3, count))))
             for values in definitions.values() for value in values if value is not None}
    start = {name: rng.randint(0, 2) for name in rng.sample(names, rng.randint(1, min(4, count)))}

    exact = fixed_point.Readers(definitions, lambda value: value[1])
    more = fixed_point.Readers(definitions, lambda value: value[1] + extra[id(value)])
    expected, found = _Retractions(start), _Retractions(start)
    fixed_point.assume(definitions, expected, _first_fact_in(expected), exact)
    fixed_point.assume(definitions, found, _first_fact_in(found), more)
    assert found == expected and found.lost == expected.lost
    fixed_point.retract(definitions, expected, _first_fact_in(expected), mentions=exact)
    fixed_point.retract(definitions, found, _first_fact_in(found), mentions=more)
    assert found == expected and found.lost == expected.lost
