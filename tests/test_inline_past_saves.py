"""A temporary read once is written into its reader even where reverse mode's saves of
the reader's target stand in between (``a_saved = a`` / ``a_stack.append(a)``, then
``a = t``): the forward sweep reads as the user wrote it (``a = a + b``). The saves
change no name the temporary's value reads, so the value is the same. Differentiated
again, the self-reference ``a = a + b`` is split with its value computed above the save,
so the second order restores from that save instead of saving ``a`` a second time."""

import ast
import re

import gast
import numpy as np
import pytest

import astgrad
from astgrad import caching
from astgrad.backend.optimize import inline_single_use
from astgrad.core import anno
from astgrad.core import syntax as S
from astgrad.core.anno import Key
from fd import assert_close, numerical_grad, numerical_hessian


def _inlined(text, saves):
    """``inline_single_use`` of ``text`` whose statements at positions ``saves`` are saves."""
    body = S.parse_stmts(text)
    for position in saves:
        anno.set(body[position], Key.SAVE_ID, position)
    inline_single_use(body)
    return ast.unparse(gast.gast_to_ast(gast.Module(body=body, type_ignores=[]))).splitlines()


@pytest.mark.parametrize("text, saves, expected", [
    ("t = a + b\na_saved = a\na = t", [1], ["a_saved = a", "a = a + b"]),
    ("t = a * 0.5\na_stack.append(a)\na = t", [1], ["a_stack.append(a)", "a = a * 0.5"]),
    ("t = a + b\na_saved = a\nb_saved = b\na = t", [1, 2], ["a_saved = a", "b_saved = b", "a = a + b"]),
    # the save changes a name the value reads: the value stays above it
    ("t = s + b\ns = a\ny = t", [1], ["t = s + b", "s = a", "y = t"]),
    # not a save: the temporary is read by the very next statement only
    ("t = a + b\nc = a\na = t", [], ["t = a + b", "c = a", "a = t"]),
    # past saves only into a plain ``a = t``, and only arithmetic (no call)
    ("t = a * 0.5\na_stack.append(a)\na = t + b", [1], ["t = a * 0.5", "a_stack.append(a)", "a = t + b"]),
    ("t = f(a)\na_saved = a\na = t", [1], ["t = f(a)", "a_saved = a", "a = t"]),
])
def test_inline_past_saves(text, saves, expected):
    assert _inlined(text, saves) == expected


def poly(x, n):
    total = 0.0
    for i in range(n):
        total = total + x
        x = x * x
    return np.sum(total)


def branchy(x, y):
    a = x * y
    if np.sum(a) > -2.0:
        a = np.sin(a) * y
    else:
        a = a * 0.5 + x
    b = a * x
    a = a + b * 0.1
    if np.sum(a) > -1.0:
        a = np.cos(a) * y
    else:
        a = a * 0.5 + x
    a = a + a * x * 0.1
    return np.sum(a)


def _saves_twice(source):
    """Consecutive lines ``u = a`` and ``v = a`` (two saves of one value)."""
    lines = [line.strip() for line in source.splitlines()]
    copies = [re.fullmatch(r"(\w+) = (\w+)", line) for line in lines]
    return [(lines[k], lines[k + 1]) for k in range(len(lines) - 1)
            if copies[k] and copies[k + 1] and copies[k].group(2) == copies[k + 1].group(2)]


def test_a_loop_reads_as_written_and_both_orders_are_right():
    source = caching.generate_reverse(poly, (0,), False).source
    assert "x_stack.append(x)\n        x = x * x\n" in source
    assert "        total = total + x\n" in source
    x = np.array([0.3, -0.4, 0.5])
    assert_close(astgrad.grad(poly)(x, 3), numerical_grad(lambda v: poly(v, 3), (x,)))
    assert_close(astgrad.hessian(poly)(x, 3), numerical_hessian(astgrad.grad(poly), [x, 3]), rtol=1e-4)


def test_the_second_order_saves_an_overwritten_value_once():
    first = caching.generate_reverse(branchy, (0,), False)
    # a save right before the assignment that overwrites a (b = a * x is inlined into it)
    assert re.search(r"a_saved_?\d* = a\n    a = a \+ a \* x \* 0\.1\n", first.source)
    second = caching.generate_reverse(first, (0,), False)
    assert _saves_twice(second.source) == []
    rng = np.random.default_rng(3)
    for shape in ((4,), (2, 3)):
        x, y = rng.uniform(-1, 1, shape), rng.uniform(-1, 1, shape)
        assert_close(astgrad.grad(branchy)(x, y), numerical_grad(branchy, (x, y)))
        exact = astgrad.hessian(branchy)(x, y).reshape(x.size, x.size)
        assert_close(exact, numerical_hessian(astgrad.grad(branchy), [x, y]), rtol=1e-4, atol=1e-5)
