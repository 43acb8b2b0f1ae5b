"""The emit stage writes a function's body straight from its gast tree
(backend/unparse.py): the text must be exactly what ``ast.unparse`` gives the
converted tree, on this Python version, for every construct it writes; anything else
goes through ``ast.unparse`` itself."""

import ast
import math
import textwrap

import gast
import pytest
from hypothesis import given, strategies as st

from astgrad.backend import emit, unparse
from astgrad.core import anno
from astgrad.core.anno import Key


def stdlib_text(fn_def):
    tree = emit.to_stdlib(gast.Module(body=[fn_def], type_ignores=[]))
    emit._number_statements(tree.body)
    return ast.unparse(tree)


def fast_text(fn_def):
    lines = [emit._header(fn_def)]
    unparse.body_lines(fn_def.body, 1, lines)      # raises Unsupported where it would fall back
    return "\n".join(lines)


def function(source):
    return gast.parse(textwrap.dedent(source)).body[0]


SOURCES = [
    """
    def f(x, y, *args, d_f=1.0, **kw):
        a = x * y + 2 ** -x ** 2 - (x - y) - -(-x)
        b = (x + y) * (x - y) / (x // y) % 3 @ y
        c = x ** (y ** 2), (x ** y) ** 2, -x ** 2, (-x) ** 2, not x, not (x and y)
        d = x if y else (x if y else y), (x if y else y) if 0 else 1
        e = x < y <= 3 != (x == y), x in y, x not in y, x is None, x is not None
        g = x and y or (x or y) and not y, (x or y) or x, x and (y and x)
        h = x[1], x[1:2], x[::2], x[1, 2], x[:, None], x[()], x[(1,)], x[...], x[-1:], x[a:b:c]
        i = 3 .real, (3.0).real, 'a'.upper(), x.T.shape, (x + y).sum(axis=0, keepdims=True)
        j = [x, y], [], {}, {1: x, **y}, {x, y}, set(), (), (x,), (x, y)
        k = f(*x, **y), f(x, *y), f(a=1), np.sum(x, axis=(0, 1))
        l = 1e400, -1e400, float('nan'), 1j, 2.5, 10, True, None, b'b', 'it''s', "q\\"uote\\n"
        m = x | y ^ x & y << 1 >> 2, ~x, +x, -(x + 1), (x * y) * z, x * (y * z), x - (y - z)
        a, b = (c, d)
        a = b = c
        [a, b] = x
        x[0] = y
        x[0, 1] += y
        x.a -= 1
        del x[0], y
        del a
        return (a, b)
    """,
    """
    def g(x):
        # not a docstring: a comment call below
        if x:
            pass
        elif y:
            x = 1
        else:
            if z:
                y = 2
            else:
                y = 3
        if a:
            b = 1
        else:
            c = 2
            if d:
                e = 3
        for i in range(3):
            continue
        else:
            x = 1
        for (i, j) in zip(a, b):
            break
        for i, *j in k:
            pass
        while x < 3:
            x = x + 1
        else:
            pass
        assert x, 'message'
        assert x
        raise ValueError(x) from None
        raise
        global gx
        f(x)
        x
        'a string'
        return
    """,
]


@pytest.mark.parametrize("source", SOURCES)
def test_the_body_is_written_as_ast_unparse_writes_it(source):
    fn_def = function(source)
    assert fast_text(fn_def) == stdlib_text(fn_def)


@pytest.mark.parametrize("source", [
    "def f(x):\n    return [y for y in x]\n",          # a comprehension
    "def f(x):\n    return lambda: x\n",                # a lambda
    "def f(x):\n    return f'{x}'\n",                   # an f-string
    "def f(x):\n    with x:\n        pass\n",          # a with block
    "def f(x):\n    def g():\n        pass\n",         # a nested def
    "def f(x):\n    try:\n        pass\n    except E:\n        pass\n",
])
def test_what_it_does_not_write_goes_through_ast_unparse(source):
    fn_def = function(source)
    with pytest.raises(unparse.Unsupported):
        fast_text(fn_def)
    assert emit._text(function(source))[0] == stdlib_text(function(source))


def test_a_leading_string_is_written_as_ast_unparse_writes_a_docstring():
    source = "def f(x):\n    'doc\\nstring'\n    return x\n"
    assert emit._text(function(source))[0] == stdlib_text(function(source))


@pytest.mark.parametrize("source", SOURCES)
def test_each_statement_starts_where_the_text_parsed_back_has_it(source):
    fn_def = function(source)
    fn_def.body[-1:-1] = [emit.comment("line 2: a comment"), emit.comment("line 3: and the one kept")]
    fn_def.body.insert(0, emit.comment("line 1: x"))
    text = emit.to_source(fn_def)
    written = [(line, min(indent, 2)) for line, indent in anno.get(fn_def, Key.EMITTED_STARTS)]
    assert written == emit.emitted_starts(function(source), text)       # parsed: no starts written


def _nested_in_scope(source, name, free):
    """The reference: the def's parsed tree put inside a function defining ``free``."""
    scope = ast.parse(f"def __astgrad_scope__({', '.join(sorted(free))}):\n    pass\n").body[0]
    scope.body = ast.parse(source).body
    code = compile(ast.Module(body=[scope], type_ignores=[]), "reference", "exec")
    return emit._nested_code(emit._nested_code(code, "__astgrad_scope__"), name)


def _in_file(code, filename):
    consts = tuple(_in_file(c, filename) if hasattr(c, "co_consts") else c for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


@pytest.mark.parametrize("source", [
    "def f(x, y=(1, 2), *, d_f=1.0):\n    a = [t * b for t in x]\n    g = lambda q: q + c\n"
    "    s = \"\"\"two\nlines\"\"\"\n    return (a,\n  g(b), s)\n",
    "def f(x):\n    try:\n        y = x.real\n    except AttributeError:\n        y = b\n    return y\n",
    "@dec\ndef f(x):\n    return x * b\n",
])
def test_the_compiled_code_has_the_lines_and_columns_of_its_text(source):
    code = emit.compile_closure(source, "f", {"b", "c", "unused"}, "test")
    assert "b" in code.co_freevars and "unused" not in code.co_freevars
    assert _in_file(code, "reference") == _nested_in_scope(source, "f", {"b", "c", "unused"})


def test_the_header_keeps_decorators_defaults_and_annotations():
    source = "@dec(1)\n@other\ndef f(x: int, /, y=(1, 2), *, z=-1.5) -> float:\n    return x\n"
    assert fast_text(function(source)) == stdlib_text(function(source))


_NAMES = st.sampled_from(["x", "y", "d_x"]).map(lambda name: gast.Name(name, gast.Load(), None, None))
_NUMBERS = st.sampled_from([0, 1, -2, 2.5, 1e300 * 10, -math.inf, 1j, True, None, "s", (1,), (), (1, 2.0)])
_CONSTANTS = _NUMBERS.map(lambda value: gast.Constant(value, None))
_BINOPS = st.sampled_from([gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow, gast.MatMult, gast.FloorDiv,
                           gast.Mod, gast.BitOr, gast.BitAnd, gast.BitXor, gast.LShift])
_UNARY = st.sampled_from([gast.USub, gast.UAdd, gast.Not, gast.Invert])


def _compound(inner):
    load = gast.Load()
    return st.one_of(
        st.builds(lambda l, op, r: gast.BinOp(l, op(), r), inner, _BINOPS, inner),
        st.builds(lambda op, v: gast.UnaryOp(op(), v), _UNARY, inner),
        st.builds(lambda a, b: gast.Compare(a, [gast.Lt()], [b]), inner, inner),
        st.builds(lambda vs, op: gast.BoolOp(op(), vs), st.lists(inner, min_size=2, max_size=3),
                  st.sampled_from([gast.And, gast.Or])),
        st.builds(lambda a, b, c: gast.IfExp(a, b, c), inner, inner, inner),
        st.builds(lambda v: gast.Attribute(v, "T", load), inner),
        st.builds(lambda f, args: gast.Call(f, args, []), inner, st.lists(inner, max_size=2)),
        st.builds(lambda v, i: gast.Subscript(v, i, load), inner, inner),
        st.builds(lambda v, elts: gast.Subscript(v, gast.Tuple(elts, load), load), inner,
                  st.lists(inner, min_size=1, max_size=2)),
        st.builds(lambda elts: gast.Tuple(elts, load), st.lists(inner, max_size=2)),
        st.builds(lambda elts: gast.List(elts, load), st.lists(inner, max_size=2)),
        st.builds(lambda v: gast.Starred(v, load), inner),
    )


_EXPRESSIONS = st.recursive(st.one_of(_NAMES, _CONSTANTS), _compound, max_leaves=8)


@given(_EXPRESSIONS)
def test_random_expressions_are_written_as_ast_unparse_writes_them(value):
    fn_def = function("def f(x):\n    pass\n")
    fn_def.body = [gast.Assign([gast.Name("t", gast.Store(), None, None)], value, None),
                   gast.Expr(value), gast.Return(value)]
    assert fast_text(fn_def) == stdlib_text(fn_def)


def _negative(value):
    return gast.Constant(value, None)


_X = gast.Name("x", gast.Load(), None, None)


@pytest.mark.parametrize("value, tree", [
    (4.0, gast.BinOp(_negative(-2.0), gast.Pow(), _X)),                   # (-2.0) ** x, not -(2.0 ** x)
    (9, gast.BinOp(_negative(-3), gast.Pow(), gast.Constant(2, None))),
    (-0.0, gast.BinOp(_negative(-0.0), gast.Pow(), gast.Constant(1, None))),
    (-1.0, gast.BinOp(_negative(-1.0), gast.Pow(), gast.Constant(3, None))),
    (2.0, gast.Call(gast.Attribute(_negative(-2.0), "__abs__", gast.Load()), [], [])),
    (3, gast.Call(gast.Attribute(_negative(-3), "__abs__", gast.Load()), [], [])),
    (-4.0, gast.BinOp(_negative(-2.0), gast.Mult(), _X)),
    (0.25, gast.BinOp(_X, gast.Pow(), _negative(-2))),
])
def test_a_negative_number_is_written_as_python_reads_it(value, tree):
    # a folded (-2.0) ** x is Constant(-2.0) ** x, which ast.unparse writes as -2.0 ** x
    fn_def = function("def f(x):\n    pass\n")
    fn_def.body = [gast.Return(tree)]
    text = fast_text(fn_def)
    assert text == stdlib_text(fn_def)
    scope = {}
    exec(text, scope)
    result = scope["f"](2.0)
    assert result == value and math.copysign(1.0, result) == math.copysign(1.0, value), text
