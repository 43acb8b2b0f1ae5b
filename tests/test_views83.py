"""Dict copies of dict copies in every spelling, followed: ``c = s.copy()`` then
``e = dict(c)``, ``e = {**c}``, ``e = copy.copy(c)`` or ``e = c.copy()``, and ``s["a"] *= w``
changes the one array ``s``, ``c`` and ``e`` hold there, as in Python (``dict(c)`` and
``{**c}`` were refused in words or when the code ran). What Python does is checked first
(the dicts' items are the very arrays), so a test would catch a wrong claim; each program is
then checked in grad, value_and_grad, vjp and jvp against central differences of the
function, and in hessian and the jvp of the gradient against central differences of the
gradient, at two shapes. Also the oracle itself: an argument laid out in Fortran order (a
transposed array) whose reshape the function writes, where NumPy copies rather than views,
is perturbed in its own layout, so the differences agree with astgrad's derivatives."""

import copy

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from fd import numerical_grad, numerical_hessian, numerical_jvp


def dict_of_a_copy_scaled(x, w):
    s = {"a": x * 1.0, "b": x + 1.0}
    c = s.copy()
    e = dict(c)                     # e["a"] is c["a"] is s["a"]
    s["a"] *= w
    return np.sum(e["a"] ** 2) + np.sum(c["a"] * s["b"])


def display_of_a_copy_scaled(x, w):
    s = {"a": np.sin(x), "b": x * 2.0}
    c = dict(s)
    e = {**c}
    s["b"] += w * s["a"]
    e["a"] *= w                     # s and c show it too
    return np.sum(s["a"] ** 3) + np.sum(e["b"] * c["a"])


def copy_copy_of_a_copy_in_a_loop(x, w):
    s = {"a": x * 1.0}
    c = {**s}
    e = copy.copy(c)
    for _ in range(2):
        c["a"] *= w
    return np.sum(s["a"] ** 3) + np.sum(e["a"] * x)


def dict_of_a_copy_given_another(x, w):
    s = {"a": np.cos(x), "b": x * 1.0}
    c = s.copy()
    e = dict(c)
    e["a"] = x * 3.0                # e holds a new array there: s["a"] *= w leaves it
    s["a"] *= w
    s["b"] -= w * e["a"]            # c["b"] and e["b"] show this one
    return np.sum(e["a"] ** 2) + np.sum(c["b"] * c["a"]) + np.sum(e["b"] ** 2)


def dict_of_a_copy_scaled_in_a_branch(x, w):
    s = {"a": x * 1.0}
    c = s.copy()
    e = dict(c)
    if w > 0.5:
        e["a"] *= w
    return np.sum(s["a"] ** 2) + np.sum(c["a"] * x)


PROGRAMS = [dict_of_a_copy_scaled, display_of_a_copy_scaled, copy_copy_of_a_copy_in_a_loop,
            dict_of_a_copy_given_another, dict_of_a_copy_scaled_in_a_branch]
SHAPES = [(2, 4), (4, 6)]
FIRST = ("grad", "value_and_grad", "vjp", "jvp")


def start(shape):
    return np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape) + 0.1


@pytest.mark.parametrize("mode", FIRST)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
def test_each_dict_holding_the_array_shows_the_change(f, shape, mode):
    check(mode, f, (start(shape), 0.8), (0, 1))


@pytest.mark.parametrize("wrt", [0, 1])
@pytest.mark.parametrize("mode", ["hessian", "jvp_of_grad"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
def test_the_second_order_shows_it_too(f, shape, mode, wrt):
    check(mode, f, (start(shape), 0.8), (wrt,))


def test_the_values_are_pythons():
    x = start((4, 6))
    for f in PROGRAMS:
        value, _ = astgrad.value_and_grad(f, wrt=1)(x, 0.8)
        assert value == pytest.approx(f(x.copy(), 0.8), rel=1e-14), f.__name__


@pytest.mark.parametrize("spell", [dict, copy.copy, lambda c: {**c}, lambda c: c.copy()],
                         ids=["dict", "copy.copy", "display", "method"])
def test_python_copies_of_a_copy_hold_the_very_arrays(spell):
    x = start((2, 4))
    s = {"a": x * 1.0}
    c = s.copy()
    e = spell(c)
    assert e is not c and e["a"] is s["a"]
    s["a"] *= 0.8
    assert np.array_equal(e["a"], x * 0.8)


# -- the oracle keeps an argument's layout --------------------------------------------------

def reshape_of_the_argument_written(x, w):
    y = x * 1.0                     # laid out as x is: in Fortran order for a transposed x
    z = y.reshape(-1)               # a copy of a Fortran-ordered y, a view of a C-ordered one
    z[0] = w * z[1]
    return np.sum(y ** 2) + np.sum(z ** 3)


def test_numpy_copies_a_fortran_arrays_reshape():
    x = start((4, 2)).T
    assert x.flags.f_contiguous and not x.flags.c_contiguous
    y = x * 1.0
    assert y.flags.f_contiguous and not np.shares_memory(y.reshape(-1), y)
    c = start((2, 4))
    assert np.shares_memory(c.reshape(-1), c)


@pytest.mark.parametrize("shape", [(4, 2), (6, 4)], ids=str)
def test_the_oracle_perturbs_in_the_arguments_layout(shape):
    x = start(shape).T              # Fortran order: reshape copies, y keeps its first element
    f = reshape_of_the_argument_written
    grad = astgrad.grad(f, wrt=0)(x, 0.8)
    np.testing.assert_allclose(grad, numerical_grad(f, (x, 0.8), wrt=0), rtol=1e-5, atol=1e-6)
    assert grad[0, 0] != pytest.approx(0.0)      # the element a view would overwrite counts here
    tangent = np.cos(np.arange(x.size, dtype=float)).reshape(x.shape)
    _, d = astgrad.jvp(f, (x, 0.8), (tangent, 0.0))
    np.testing.assert_allclose(d, numerical_jvp(f, (x, 0.8), (tangent, None)), rtol=1e-5, atol=1e-6)
    hessian = astgrad.hessian(f, wrt=0)(x, 0.8)
    want = numerical_hessian(astgrad.grad(f, wrt=0), (x, 0.8), wrt=0)
    np.testing.assert_allclose(np.reshape(hessian, want.shape), want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("mode", FIRST + ("hessian", "jvp_of_grad"))
@pytest.mark.parametrize("shape", [(4, 2), (6, 4)], ids=str)
def test_a_transposed_argument_whose_reshape_is_written(shape, mode):
    check(mode, reshape_of_the_argument_written, (start(shape).T, 0.8), (0, 1) if mode in FIRST else (0,))
