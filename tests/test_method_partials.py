"""Methods of objects used as values, and stores of slices into other arrays.

- ``functools.partial`` of a method of an object the function builds (handed to a helper,
  called after the object's attribute changes: Python reads ``self`` when the method
  runs) and of a method of an argument object; an object the function builds holding a
  method of an argument object, handed to a helper. Refused on the base code (``*args
  unpacking in a call``; ``holds neither a method of its class nor ...``).
- ``y[0] = x[1::2]`` into an argument ``y`` (an array of numbers copies the values in),
  then a fancy write into ``x``: refused on the base code as if ``y`` held the view; now
  followed, and refused when the code runs where ``y`` is a list (which does hold it).
- A refusal that waits for the arguments raises the same TransformError, with the same
  words, from grad, jvp, vjp and hessian (jvp, vjp and hessian raised a subclass before).
"""

import functools

import numpy as np
import pytest

import astgrad
from breadth_modes import copies
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

MODES = ("grad", "vjp", "jvp", "hessian")


def check(mode, f, args, wrt):
    """``mode`` of ``f`` at ``args`` (differentiated by the positions ``wrt``, arrays; the
    others held by a partial) against central differences (second order: of astgrad's
    gradient, itself checked by grad); the caller's arrays left as they were."""
    rng = np.random.default_rng(7)
    held = [i for i in range(len(args)) if i not in wrt]
    assert held == list(range(len(held)))
    g = functools.partial(f, *args[:len(held)]) if held else f
    given = tuple(args[i] for i in wrt)
    plain = lambda *a: g(*copies(a))       # noqa: E731 - f writes into its arguments
    before = copies(given)
    expected = [numerical_grad(plain, copies(given), wrt=k) for k in range(len(given))]
    if mode == "grad":
        for got, want in zip(astgrad.grad(g, wrt=tuple(range(len(given))))(*given), expected):
            assert_close(got, want)
    elif mode == "vjp":
        out, pullback = astgrad.vjp(g, *given)
        cotangent = float(rng.standard_normal())
        assert_close(out, plain(*given), 1e-12, 1e-12)
        for got, want in zip(pullback(cotangent), expected):
            assert_close(got, cotangent * want)
    elif mode == "jvp":
        tangents = tuple(rng.standard_normal(np.shape(a)) if np.ndim(a) else float(rng.standard_normal()) for a in given)
        value, d = astgrad.jvp(g, given, tangents)
        assert_close(value, plain(*given), 1e-12, 1e-12)
        assert_close(d, numerical_jvp(plain, copies(given), tangents))
    else:
        gradient = astgrad.grad(g, wrt=tuple(range(len(given))))
        want = numerical_hessian(lambda *a: gradient(*copies(a))[0], copies(given))
        assert_close(np.reshape(astgrad.hessian(g)(*given), np.shape(want)), want, 1e-4, 1e-5)
    for arg, was in zip(given, before):
        assert np.array_equal(arg, was), "a transform changed the caller's array"


class Model:
    def __init__(self, w):
        self.w = w

    def loss(self, x, scale=1.0):
        return scale * np.sum(np.sin(self.w * x))


class Holder:
    def __init__(self, fn):
        self.fn = fn


def apply(fn, x):
    return fn(x * 0.5)


def held_call(h, x):
    return h.fn(x) * 2.0


def methods_as_values(m, x):
    p = Model(x * 0.3)
    f = functools.partial(p.loss, scale=2.0)        # a method of an object built here
    g = functools.partial(m.loss, scale=0.5)        # a method of an argument object
    h = Holder(m.loss)                              # held by an object built here
    total = apply(f, x) + g(x) + held_call(h, x)
    p.w = x * x                                     # f reads the new w when it runs
    return total + f(x)


def slice_into_argument(x, y):
    y[0] = x[1::2]                                  # NumPy copies the values into y
    x[[0, 2]] = y[0] * 3.0
    return np.sum(x * x) + np.sum(y * y)


def slice_into_an_array_made_here(x):
    z = np.zeros_like(x).reshape(2, 2)              # an array of numbers, as x is
    z[1] = x[:2]
    x[[0, 2]] = z[1] * 3.0
    return np.sum(x * x) + np.sum(z * z)


def changed_after_taken(x):
    m = Model(x)
    h = Holder(m.loss)
    m.w = x * 2.0
    return held_call(h, x)


def pops_argument(xs, x):
    first = xs[0]
    xs.pop(0)
    return first * x + xs[0]


@pytest.mark.parametrize("mode", MODES)
def test_methods_of_objects_as_values(mode):
    m = Model(np.array([0.4, -1.2, 2.0]))
    check(mode, methods_as_values, (m, np.array([0.3, 0.5, 0.7])), [1])


@pytest.mark.parametrize("mode", MODES)
def test_a_slice_stored_into_an_argument_array(mode):
    check(mode, slice_into_argument, (np.array([0.3, 0.5, 0.7, 1.1]), np.full((2, 2), 0.25)), [0, 1])


def test_a_slice_stored_into_an_array_the_function_makes():
    check("grad", slice_into_an_array_made_here, (np.array([0.3, 0.5, 0.7, 1.1]),), [0])


def test_a_slice_stored_into_a_list_argument_is_refused_when_the_code_runs():
    with pytest.raises(TypeError, match=r"test_method_partials\.py:\d+: this stores into an element of the "
                                        r"argument 'y', which .* 'y' is a list, which holds the value stored"):
        astgrad.grad(slice_into_argument, wrt=(0, 1))(np.ones(4), [[1.0, 2.0], [3.0, 4.0]])   # the code the grad test made


def test_a_held_method_of_an_object_changed_after_is_refused_saying_what_is_followed():
    with pytest.raises(astgrad.TransformError, match=r"a bound method of another object \(o\.step\) is followed "
                                                     r"where nothing changes that object after the method is taken"):
        astgrad.grad(changed_after_taken)(np.ones(3))


def test_a_refusal_waiting_for_the_arguments_is_the_same_from_every_transform():
    xs, x = [1.0, 2.0, 3.0], 0.3
    calls = {"grad": lambda: astgrad.grad(pops_argument, wrt=1)(list(xs), x),
             "jvp": lambda: astgrad.jvp(pops_argument, (list(xs), x), ([0.0] * 3, 1.0)),
             "vjp": lambda: astgrad.vjp(pops_argument, list(xs), x),
             "hessian": lambda: astgrad.hessian(pops_argument, wrt=1)(list(xs), x)}
    raised = {}
    for name, call in calls.items():
        with pytest.raises(astgrad.TransformError) as error:
            call()
        raised[name] = (type(error.value), str(error.value))
    assert set(raised.values()) == {(astgrad.TransformError, raised["grad"][1])}, raised
    assert "test_method_partials.py:" in raised["grad"][1]
