"""Bad input gets a message saying what is wrong and what to do instead: a tangent given
for an object of a plain class (not a dataclass), and a function an object holds that the
calling code chose at run time (refused at the user's line that chose it, with the method
line that calls it as context). What the messages advise is checked to work, against
central finite differences."""

import dataclasses
import inspect
import os

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp
from hunt5_programs import Layer, m17


class Params:
    def __init__(self, w, b):
        self.w = w
        self.b = b


@dataclasses.dataclass
class ParamsRecord:
    w: np.ndarray
    b: np.ndarray


def loss(p, x):
    return np.sum(np.tanh(p.w * x + p.b) ** 2)


def loss_of_w(w, b, x):
    return loss(Params(w, b), x)


X = np.array([0.4, -1.2, 0.7])
P = Params(np.array([0.5, -0.3, 0.9]), np.array([0.1, 0.2, -0.4]))
V = Params(np.array([1.0, -0.5, 0.25]), np.array([0.3, 0.0, 1.0]))


def test_hvp_of_a_plain_object_says_what_it_is_and_what_to_pass():
    with pytest.raises(ValueError) as error:
        astgrad.hvp(loss)(P, X, V)
    message = str(error.value)
    assert message.startswith("hvp: v is an object of the class Params, as argument 0 is; Params is "
                              "not a dataclass")
    assert "@dataclasses.dataclass" in message and 'wrt="p.w" takes a v of that array\'s shape' in message
    with pytest.raises(ValueError, match=r"hvp: v is of shape \(3,\), but argument 0 is an object of the "
                                         r"class Params"):
        astgrad.hvp(loss)(P, X, V.w)


def test_what_the_hvp_message_advises_matches_finite_differences():
    product = astgrad.hvp(loss, wrt="p.w")(P, X, V.w)
    gradient = astgrad.grad(loss_of_w)
    expected = numerical_jvp(lambda w: gradient(w, P.b, X), (P.w,), (V.w,))
    assert_close(product, expected, rtol=1e-5, atol=1e-7)
    record = astgrad.hvp(loss)(ParamsRecord(P.w, P.b), X, ParamsRecord(V.w, V.b))
    both = astgrad.grad(loss_of_w, wrt=(0, 1))
    for got, i in ((record.w, 0), (record.b, 1)):
        expected = numerical_jvp(lambda w, b: both(w, b, X)[i], (P.w, P.b), (V.w, V.b))
        assert_close(got, expected, rtol=1e-5, atol=1e-7)


def test_jvp_of_a_plain_object_says_to_pass_none_which_holds_it_constant():
    with pytest.raises(ValueError, match=r"jvp: tangent 0 is an object of the class Params, as primal 0 "
                                         r"is; .* or pass None as its tangent to hold it constant$"):
        astgrad.jvp(loss, (P, X), (V, np.ones(3)))
    value, tangent = astgrad.jvp(loss, (P, X), (None, V.w))
    assert value == pytest.approx(loss(P, X), rel=1e-12)
    expected = numerical_jvp(lambda x: loss(P, x), (X,), (V.w,))
    assert_close(tangent, expected, rtol=1e-5, atol=1e-7)


def _line_of(fn, text):
    lines, first = inspect.getsourcelines(fn)
    return first + next(i for i, line in enumerate(lines) if text in line)


def _held_refusal(fn, x, w):
    with pytest.raises(astgrad.TransformError) as error:
        astgrad.grad(fn)(x, w)
    return error.value


XW = (np.array([0.5, -0.2, 0.3]), np.array([0.1, 0.2, 0.3]))


def test_a_function_chosen_by_a_branch_on_the_data_is_refused_at_the_line_choosing_it():
    error = _held_refusal(m17, *XW)
    call_line = _line_of(Layer.__call__, "self.act(h)")
    assert (error.filename, error.lineno) == (inspect.getsourcefile(m17), _line_of(m17, "act = np.tanh"))
    assert error.line.strip() == "act = np.tanh if x[0] > 0 else None"
    assert f"which Layer() stores in an attribute and hunt5_programs.py:{call_line} calls " \
           "(`h = self.act(h)`)" in error.reason
    assert "build the object in each branch" in error.reason


def chosen_by_statements(x, w):
    if x[0] > 0:
        act = np.tanh
    else:
        act = None
    return np.sum(Layer(w, act)(x) * x)


def built_in_each_branch(x, w):
    if x[0] > 0:
        out = Layer(w, np.tanh)(x)
    else:
        out = Layer(w)(x)
    return np.sum(out * x)


def test_a_function_chosen_by_an_if_statement_names_both_assignments():
    error = _held_refusal(chosen_by_statements, *XW)
    first, second = _line_of(chosen_by_statements, "act = np.tanh"), _line_of(chosen_by_statements, "act = None")
    assert (os.path.basename(error.filename), error.lineno) == ("test_argument_messages.py", first)
    assert f"the variable 'act' holds (assigned on lines {first} and {second})" in error.reason


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_building_the_object_in_each_branch_as_advised_matches_finite_differences(sign):
    x, w = XW[0] * sign, XW[1]
    for wrt in (0, 1):
        assert_close(astgrad.grad(built_in_each_branch, wrt=wrt)(x, w),
                     numerical_grad(built_in_each_branch, (x, w), wrt=wrt), rtol=1e-5, atol=1e-7)
