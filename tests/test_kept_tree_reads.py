"""A helper's effects on its arguments are read from the normalized tree kept for its
own generation (not a copy): that tree must carry no fact the analysis records, and the
gradients of functions calling helpers that do and do not change what they are given
must stay right."""

import gast
import numpy as np
import pytest

import astgrad
from astgrad import prepared
from astgrad.core import anno, syntax as S
from astgrad.core.anno import Key
from astgrad.frontend.object_layouts import all_nodes_of
from fd import numerical_grad, numerical_jvp

_RECORDED = (Key.UNSHARED, Key.LIVE_OUT, Key.TOUCHED_SINCE_MADE, Key.UNTOUCHED_CONSTANTS)


def scales(x, y):
    t = x * y
    t[0] = t[0] * 2.0       # a change in place: analysed on a copy
    return np.sin(t) + y


def smooth(x, y):
    a = x * y
    if np.sum(a) > 0.0:
        a = np.tanh(a) * y
    else:
        a = a * 0.5 + x
    return a * x


def caller(x, y):
    return np.sum(scales(x, y) * smooth(y, x))


@pytest.mark.parametrize("n", [3, 6])
def test_gradients_of_a_function_calling_both_helpers(n):
    x, y = np.linspace(0.1, 0.9, n), np.linspace(-0.5, 0.7, n)
    for wrt in (0, 1):
        expected = numerical_grad(caller, (x, y), wrt=wrt)
        np.testing.assert_allclose(astgrad.grad(caller, wrt)(x, y), expected, rtol=1e-6, atol=1e-8)
        value, gradient = astgrad.value_and_grad(caller, wrt)(x, y)
        np.testing.assert_allclose(value, caller(x, y), rtol=1e-12)
        np.testing.assert_allclose(gradient, expected, rtol=1e-6, atol=1e-8)
    dx, dy = np.cos(np.arange(n)), np.sin(np.arange(n) + 1.0)
    _, tangent = astgrad.jvp(caller, (x, y), (dx, dy))
    np.testing.assert_allclose(tangent, numerical_jvp(caller, (x, y), (dx, dy)), rtol=1e-6, atol=1e-8)
    hessian = astgrad.hessian(caller)(x, y)
    columns = [numerical_grad(lambda a: astgrad.grad(caller)(a, y), (x,), seed=np.eye(n)[i]) for i in range(n)]
    np.testing.assert_allclose(hessian, np.array(columns), rtol=1e-5, atol=1e-7)


def test_the_kept_trees_carry_no_recorded_fact():
    x, y = np.linspace(0.1, 0.9, 4), np.linspace(-0.5, 0.7, 4)
    astgrad.grad(caller)(x, y)
    for helper in (scales, smooth):
        tree = prepared.pristine(helper)
        assert tree is not None, helper.__name__
        marked = [node for node in gast.walk(tree) if any(anno.has(node, key) for key in _RECORDED)]
        assert marked == [], helper.__name__


def test_the_node_list_is_the_walk_of_the_tree():
    tree = gast.parse("def f(a, b):\n    c = a.size + b[0]\n    return c < a\n").body[0]
    first = all_nodes_of(tree)
    again = all_nodes_of(tree)
    assert first == again == S.all_nodes(tree)
    assert len(first) > 10
