"""core/walk.py: the one walker over nested statement blocks."""

import ast

import gast

from astgrad.core import syntax as S
from astgrad.core import walk


def _body(text):
    return S.parse_stmts(text)


def _source(body):
    module = gast.gast_to_ast(gast.Module(body=body, type_ignores=[]))
    return ast.unparse(ast.fix_missing_locations(module))


def _names(stmts):
    return [s.targets[0].id for s in stmts if isinstance(s, gast.Assign)]


NESTED = """
a = 1
if c:
    b = 2
    for i in r:
        d = 3
else:
    e = 4
while w:
    f = 5
try:
    g = 6
except E:
    h = 7
finally:
    k = 8
def inner():
    hidden = 9
"""


def test_walk_statements_visits_nested_blocks_in_source_order():
    assert _names(walk.walk_statements(_body(NESTED))) == list("abdefghk")


def test_walk_statements_does_not_enter_definitions():
    stmts = list(walk.walk_statements(_body(NESTED)))
    assert isinstance(stmts[-1], gast.FunctionDef)
    assert "hidden" not in _names(stmts)


def test_walk_blocks_yields_every_statement_list_outer_first():
    blocks = list(walk.walk_blocks(_body(NESTED)))
    firsts = [_names(block[:1]) for block in blocks if block]     # empty else blocks too
    assert firsts == [["a"], ["b"], ["d"], ["e"], ["f"], ["g"], ["h"], ["k"]]


def test_walk_blocks_walks_a_nest_deeper_than_the_recursion_limit():
    # one generator for the whole walk: a block is not handed up through a generator
    # per level around it (which made a nest of ifs quadratic in its depth)
    inner = [gast.Pass()]
    for _ in range(5000):
        inner = [gast.If(test=gast.Name(id="c", ctx=gast.Load(), annotation=None, type_comment=None),
                         body=inner, orelse=[])]
    blocks = list(walk.walk_blocks(inner))
    assert len(blocks) == 2 * 5000 + 1
    assert blocks[0] is inner and isinstance(blocks[5000][0], gast.Pass)     # each body, outer first
    assert all(block == [] for block in blocks[5001:])                     # then the else blocks


def test_walk_blocks_walks_what_a_caller_put_into_a_yielded_block():
    body = _body(NESTED)
    seen = []
    for block in walk.walk_blocks(body):
        seen.append(_names(block[:1]))
        if _names(block[:1]) == ["d"]:
            block.append(_body("if q:\n    m = 1\n")[0])
    assert seen[:5] == [["a"], ["b"], ["d"], ["m"], []]


def test_rewrite_blocks_replaces_removes_and_expands_at_any_depth():
    def fn(stmt):
        if isinstance(stmt, gast.Assign) and stmt.targets[0].id in ("d", "e"):
            return []
        if isinstance(stmt, gast.Assign) and stmt.targets[0].id == "b":
            return [stmt, S.assign("b2", S.name("b"))]
        return stmt
    body = _body("a = 1\nif c:\n    b = 2\n    for i in r:\n        d = 3\nelse:\n    e = 4\n")
    out = walk.rewrite_blocks(body, fn)
    assert _source(out) == "a = 1\nif c:\n    b = 2\n    b2 = b\n    for i in r:\n        pass"


def test_rewrite_blocks_sees_a_statement_after_its_inner_blocks_in_source_order():
    seen = []

    def fn(stmt):
        seen.append(type(stmt).__name__ if not isinstance(stmt, gast.Assign) else stmt.targets[0].id)
        return stmt
    walk.rewrite_blocks(_body("a = 1\nif c:\n    b = 2\nelse:\n    e = 4\nf = 5\n"), fn)
    assert seen == ["a", "b", "e", "If", "f"]


def test_rewrite_blocks_reaches_handlers_and_finally():
    body = _body("try:\n    g = 6\nexcept E:\n    h = 7\nfinally:\n    k = 8\n")
    out = walk.rewrite_blocks(body, lambda s: [] if isinstance(s, gast.Assign) else s)
    assert _source(out) == "try:\n    pass\nexcept E:\n    pass"


def test_rewrite_each_block_sees_whole_blocks_inner_first():
    seen = []

    def fn(block):
        seen.append(_names(block))
        return block[:1]
    out = walk.rewrite_each_block(_body("a = 1\nz = 0\nif c:\n    b = 2\n    y = 0\n"), fn)
    assert seen == [["b", "y"], [], ["a", "z"]]     # the empty else block too
    assert _source(out) == "a = 1"
