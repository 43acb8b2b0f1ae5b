"""Refusals that name the user's file, line and construct in the user's words, and say what
to write instead: a method changing its object called through a functools.partial, a
gradient called inside another differentiated function, a check made when a second
derivative runs, and ``xs.pop(0)`` on a list argument."""

import functools

import numpy as np
import pytest

import astgrad
from astgrad import tracebacks
from astgrad.core.functions import underlying
from hunt64_programs import Scaler
from hunt64_programs import g08 as stepped_through_a_partial     # p = functools.partial(Scaler.step, s); p(w)
from test_noticed13 import where as _place

X6 = np.arange(1.0, 7.0)
W = 0.5


def stepped_through_its_method(x, w):
    s = Scaler(x * 1.0)
    p = functools.partial(s.step)
    p(w)
    return np.sum(s.W * x)


def test_a_partial_of_a_method_changing_its_object_names_the_object_not_the_argument_given():
    # it said "the call of step changes its argument w in place": w is what p is called with
    with pytest.raises(astgrad.TransformError) as raised:
        astgrad.grad(stepped_through_a_partial, wrt=(0, 1))(X6[:3], W)
    message = str(raised.value)
    assert message.startswith(f"{_place(stepped_through_a_partial, 'p(w)')}: the call of step changes 's', "
                              "the argument the functools.partial p holds, in place"), message
    assert f"{_place(Scaler.step, 'self.W = self.W * w')}: self.W = self.W * w" in message
    assert "argument w" not in message
    assert "(p = functools.partial(s.step)) or call it on the object (s.step(...))" in message
    # the rewrite it advises is followed: d/dw sum(x * w * x) = sum(x * x), d/dx = 2 * w * x
    gx, gw = astgrad.grad(stepped_through_its_method, wrt=(0, 1))(X6[:3], W)
    np.testing.assert_allclose(gx, 2.0 * W * X6[:3], rtol=1e-12)
    np.testing.assert_allclose(gw, np.sum(X6[:3] ** 2), rtol=1e-12)


def written_through_a_view(x, w):
    y = x.reshape(2, 3)
    y[1, 1] = w
    return np.sum(x * x)


gradient_written_through_a_view = astgrad.grad(written_through_a_view)


def calls_the_gradient(x, w):
    return np.sum(gradient_written_through_a_view(x, w) * x)


def test_a_gradient_called_inside_names_the_users_array_not_astgrads_own_name():
    # it said "the call of grad_written_through_a_view changes 'y_new', ... Make
    # grad_written_through_a_view return the new value ... (x = grad_written_through_a_view(x, ...))"
    with pytest.raises(astgrad.TransformError) as raised:
        astgrad.grad(calls_the_gradient)(X6.copy(), W)
    message = str(raised.value)
    assert message.startswith(f"{_place(calls_the_gradient, 'return np.sum')}: the call of "
                              "grad_written_through_a_view (astgrad's grad of written_through_a_view) "
                              "changes 'y', which may hold or share its argument 'w', in place"), message
    assert f"{_place(written_through_a_view, 'y[1, 1] = w')}: y[1, 1] = w" in message
    assert "y_new" not in message and "return the new value" not in message
    assert "astgrad.hessian(written_through_a_view), or a transform of the grad: " \
           "astgrad.jvp(gradient_written_through_a_view, ...)" in message
    assert "write into a copy in written_through_a_view (y = y.copy() before the write)" in message


def test_a_check_made_when_a_second_derivative_runs_names_the_users_line():
    # it named the line of the first derivative's code: "<astgrad grad of written_through_a_view #3>:9"
    for second in (astgrad.hessian(written_through_a_view, wrt=1),
                   astgrad.grad(astgrad.grad(written_through_a_view, wrt=0), wrt=1)):
        with pytest.raises(TypeError) as raised:
            second(X6.astype(object), W)
        message = str(raised.value)
        assert message.startswith(f"astgrad: {_place(written_through_a_view, 'y[1, 1] = w')}: this stores into "
                                  "an element of the argument 'x'"), message
        assert "<astgrad" not in message
        assert "Pass an array of numbers" in message


def test_a_runtime_refusal_naming_a_generated_line_leaves_an_entry_point_naming_the_users_line():
    # a check made before the user's line was known (code generated from generated code)
    # names the generated line; leaving astgrad it names the user's line that one was made from
    gradient = gradient_written_through_a_view
    generated = underlying(gradient).__code__.co_filename
    line = next(k for k, text in enumerate(gradient.source.splitlines(), 1) if "[1, 1] = w" in text)
    refusal = tracebacks.shortened(TypeError(f"astgrad: {generated}:{line}: this stores into an element"))
    assert str(refusal) == f"astgrad: {_place(written_through_a_view, 'y[1, 1] = w')}: this stores into an element"


def pops_the_first(xs):
    first = xs.pop(0)
    return first * 2.0 + xs[0] * 3.0


def pops_at(xs, i):
    v = xs.pop(i)
    return v * 2.0 + xs[0] * 3.0


def reads_the_first_and_the_rest(xs):
    first = xs[0]
    xs = xs[1:]
    return first * 2.0 + xs[0] * 3.0


def reads_at_and_the_rest(xs, i):
    v = xs[i]
    xs = list(xs[:i]) + xs[i + 1:]
    return v * 2.0 + xs[0] * 3.0


@pytest.mark.parametrize("f, args, text, rewrite, rest", [
    (pops_the_first, (), "xs.pop(0)", reads_the_first_and_the_rest, "(v = xs[0]; xs = xs[1:])"),
    (pops_at, (1,), "xs.pop(i)", reads_at_and_the_rest, "(v = xs[i]; xs = list(xs[:i]) + xs[i + 1:])"),
])
def test_a_pop_from_a_list_argument_is_named_a_pop(f, args, text, rewrite, rest):
    # it said "assignment into an element of 'xs' ... write into a copy (xs = xs.copy())",
    # which is refused as well
    with pytest.raises(astgrad.TransformError) as raised:
        astgrad.grad(f)([1.0, 2.0, 4.0], *args)
    message = str(raised.value)
    assert message.startswith(f"{_place(f, text)}: pop from 'xs' while another name may share its memory"), message
    assert "assignment into an element" not in message and "xs.copy()" not in message
    assert f"Read the item and build the rest as a new list instead, which changes no list another name holds " \
           f"{rest}" in message
    # the rewrite it advises is followed: the item counts twice, the next one three times
    got = astgrad.grad(rewrite)([1.0, 2.0, 4.0], *args)
    want = [2.0, 3.0, 0.0] if not args else [3.0, 2.0, 0.0]
    np.testing.assert_allclose(got, want, rtol=0, atol=0)
