"""Everyday Python that used to fail late where Python runs fine: ``xs.pop(i)`` with
an index on a list of differentiated values, and the errors Python itself gives for a
bad index; the fields of a dataclass's gradient taken inside differentiated code
(``astgrad.grad(loss)(params).W``). Reverse, forward and second order, against finite
differences."""

import dataclasses

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


def _check(f, x):
    """Reverse and forward mode and second order against finite differences."""
    assert_close(astgrad.grad(f)(x), numerical_grad(f, (x,)))
    tangent = np.full_like(x, 0.5)
    value, derivative = astgrad.jvp(f, (x,), (tangent,))
    assert_close(value, f(x))
    assert_close(derivative, numerical_jvp(f, (x,), (tangent,)))
    expected = numerical_hessian(astgrad.grad(f), (x,)).reshape(np.shape(x) * 2)
    assert_close(astgrad.hessian(f)(x), expected)


def pop_first(x):
    ys = [x, x * 2.0, np.sin(x)]
    ys.pop(0)
    return np.sum(ys[0] * ys[1])


def pop_negative_kept(x):
    ys = [x, np.cos(x) * 2.0, x * 3.0]
    v = ys.pop(-2)
    return np.sum(ys[0] * ys[1] + v * v * len(ys))


def pop_in_loop(x):
    ys = [x * k for k in range(1, 5)]
    total = 0.0
    while len(ys) > 1:
        v = ys.pop(len(ys) // 2)
        total = total + np.sum(np.sin(v) * ys[0])
    return total + np.sum(ys[0] ** 2)


@pytest.mark.parametrize("f", [pop_first, pop_negative_kept, pop_in_loop])
@pytest.mark.parametrize("shape", [(), (3,)])
def test_pop_with_an_index(f, shape):
    x = np.random.default_rng(3).normal(size=shape) + 0.2
    _check(f, x)


def pop_out_of_range(x):
    ys = [x, x * 2.0]
    return ys.pop(2)


def pop_of_a_dict(x):
    d = {"a": x}
    return d.pop("a")


def test_pop_with_a_bad_index_raises_as_python_does():
    with pytest.raises(IndexError, match="pop index out of range"):
        astgrad.grad(pop_out_of_range)(0.3)


def test_pop_with_a_key_on_a_dict_is_a_clear_error():
    with pytest.raises(TypeError, match=r"test_breadth_fixes.py:\d+: .pop\(i\) was differentiated as"):
        astgrad.grad(pop_of_a_dict)(0.3)


# -- a dataclass's gradient read inside differentiated code ---------------------------

@dataclasses.dataclass
class Params:
    W: np.ndarray
    b: np.ndarray
    label: int


def params_loss(p, x):
    return np.sum(np.sin(p.W * x)) * np.sum(p.W)


def reads_gradient_fields(w):
    p = Params(w, w * 2.0, 3)
    g = astgrad.grad(params_loss)(p, np.linspace(0.2, 0.9, w.shape[-1]))
    return np.sum(g.W * w) + np.sum(g.b * w) + g.label       # b, label: no derivative, zero


def steps_with_gradient(w):
    p = Params(w, np.cos(w), 0)
    for _ in range(2):
        g = astgrad.grad(params_loss)(p, w)
        p = Params(p.W - 0.1 * g.W, p.b + g.b, p.label)
    return np.sum(p.W * p.W) + np.sum(p.b)


@pytest.mark.parametrize("f", [reads_gradient_fields, steps_with_gradient])
@pytest.mark.parametrize("shape", [(3,), (2, 3)])
def test_dataclass_gradient_fields_inside_differentiated_code(f, shape):
    w = np.random.default_rng(5).normal(size=shape)
    _check(f, w)
