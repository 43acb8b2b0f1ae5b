"""Everyday Python that used to fail late where Python runs fine: ``xs.pop(i)`` with
an index on a list of differentiated values, and the errors Python itself gives for a
bad index; the fields of a dataclass's gradient taken inside differentiated code
(``astgrad.grad(loss)(params).W``). Reverse, forward and second order, against finite
differences."""

import copy
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


def pop_of_a_copied_dict(x):
    d = copy.copy({"a": x})         # a dict astgrad cannot tell is one when it generates the code
    return d.pop("a")


def test_pop_with_a_bad_index_raises_as_python_does():
    with pytest.raises(IndexError, match="pop index out of range"):
        astgrad.grad(pop_out_of_range)(0.3)


def test_pop_with_a_key_on_a_dict_is_a_clear_error():
    # on a dict the function made, d.pop(key) is the dict's (tests/test_method_dicts.py)
    assert astgrad.grad(pop_of_a_dict)(0.3) == 1.0
    with pytest.raises(TypeError, match=r"test_breadth_fixes.py:\d+: .pop\(i\) was differentiated as"):
        astgrad.grad(pop_of_a_copied_dict)(0.3)


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


# -- a list changed through one name and read through another -------------------------

def alias_appended_in_loop(x):
    ys = []
    zs = ys
    for k in range(3):
        zs.append(np.sin(x) * (k + 1.0))
    return sum(np.sum(v * v) for v in ys) + len(ys)


def alias_popped(x):
    ys = [x, x * 2.0, np.cos(x)]
    zs = ys
    last = ys.pop()
    return np.sum(zs[0] * zs[1] * last) * len(zs)


def alias_popped_with_index(x):
    ys = [x, np.cos(x), x * 3.0]
    zs = ys
    first = ys.pop(0)
    return np.sum(zs[0] * zs[1] + first) * len(zs)


@pytest.mark.parametrize("f", [alias_appended_in_loop, alias_popped])
@pytest.mark.parametrize("shape", [(), (3,)])
def test_list_changed_through_an_alias(f, shape):
    x = np.random.default_rng(7).normal(size=shape)
    _check(f, x)


def test_list_popped_with_an_index_through_an_alias_first_order():
    x = np.random.default_rng(8).normal(size=3)
    f = alias_popped_with_index
    assert_close(astgrad.grad(f)(x), numerical_grad(f, (x,)))
    tangent = np.full_like(x, 0.5)
    assert_close(astgrad.jvp(f, (x,), (tangent,))[1], numerical_jvp(f, (x,), (tangent,)))


# -- a transform of a bound method inside differentiated code -------------------------

class Model:
    def __init__(self, w):
        self.w = w

    def loss(self, x):
        return np.sum(np.sin(self.w * x)) * self.scale(x)

    def scale(self, x):
        return np.sum(x * x) + 1.0


MODEL = Model(np.array([1.0, -2.0, 0.5]))


def grad_of_method(x):
    g = astgrad.grad(MODEL.loss)(x)
    return np.sum(g * x)


def grad_of_method_by_name(x):
    g = astgrad.grad(MODEL.loss, wrt="x")(x)
    return np.sum(np.cos(g))


def jvp_of_method(x):
    y, t = astgrad.jvp(MODEL.loss, (x,), (x * 2.0,))
    return t * y


@pytest.mark.parametrize("f", [grad_of_method, grad_of_method_by_name, jvp_of_method])
def test_transform_of_a_bound_method_inside_differentiated_code(f):
    x = np.random.default_rng(9).normal(size=3)
    _check(f, x)


class Callable:
    def __call__(self, x):
        return np.sum(np.sin(x))


CALLABLE = Callable()


def grad_of_method_wrt_attribute(x):
    return np.sum(astgrad.grad(MODEL.loss, wrt="self.w")(x))


def grad_of_callable_object(x):
    return np.sum(astgrad.grad(CALLABLE)(x))


def test_transform_of_a_method_wrt_an_attribute_inside_differentiated_code():
    # the gradient is made when the code is generated, for the object MODEL holds then
    _check(grad_of_method_wrt_attribute, np.random.default_rng(10).normal(size=3))


def test_transform_of_a_callable_object_inside_differentiated_code():
    _check(grad_of_callable_object, np.random.default_rng(11).normal(size=3))
