"""Bad input gets a message saying what is wrong and what to do instead: a tangent given
for an object of a plain class (not a dataclass), and a function an object holds that the
calling code chose at run time (refused at the user's line that chose it, with the method
line that calls it as context). What the messages advise is checked to work, against
central finite differences."""

import dataclasses
import functools
import inspect
import os

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp
from hunt5_programs import Layer, m14, m17


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
    with pytest.raises(TypeError) as error:
        astgrad.hvp(loss)(P, X, V)
    message = str(error.value)
    assert message.startswith("hvp: v is an object of the class Params, as argument 0 is; Params is "
                              "not a dataclass")
    assert "@dataclasses.dataclass" in message and 'wrt="p.w" takes a v of that array\'s shape' in message
    with pytest.raises(TypeError, match=r"hvp: v is of shape \(3,\), but argument 0 is an object of the "
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
    with pytest.raises(TypeError, match=r"jvp: tangent 0 is an object of the class Params, as primal 0 "
                                         r"is; .* or pass None as its tangent to hold it constant$"):
        astgrad.jvp(loss, (P, X), (V, np.ones(3)))
    value, tangent = astgrad.jvp(loss, (P, X), (None, V.w))
    assert value == pytest.approx(loss(P, X), rel=1e-12)
    expected = numerical_jvp(lambda x: loss(P, x), (X,), (V.w,))
    assert_close(tangent, expected, rtol=1e-5, atol=1e-7)


class Layer2:
    """A plain class whose instances are called (a layer), holding its weights in slots."""
    __slots__ = ("W",)

    def __init__(self, W):
        self.W = W

    def __call__(self, x):
        return np.tanh(self.W * x)


class Config:
    """A plain class holding no float: it has no derivative."""
    def __init__(self):
        self.name, self.power = "square", 2


def _through_layers(layers, x):
    return np.sum(layers[1](x) * layers[0].w)


@dataclasses.dataclass
class Holding:
    p: Params
    c: float


def _held_loss(h, x):
    return loss(h.p, x) * h.c


def _config_loss(c, x):
    return np.sum(x ** c.power)


_REFUSED = {     # each transform asked for a derivative by a plain object holding floats
    "grad": lambda: astgrad.grad(loss)(P, X),
    "value_and_grad": lambda: astgrad.value_and_grad(loss, wrt=(1, 0))(P, X),
    "vjp": lambda: astgrad.vjp(loss, P, X),
    "jacobian": lambda: astgrad.jacobian(loss)(P, X),
    "hessian": lambda: astgrad.hessian(loss)(P, X),
}


@pytest.mark.parametrize("transform", list(_REFUSED))
def test_a_derivative_by_a_plain_object_is_refused_naming_the_argument_and_its_class(transform):
    with pytest.raises(TypeError) as error:
        _REFUSED[transform]()
    message = str(error.value)
    assert message.startswith(f"{transform}: argument 'p' is an object of the class Params, which is not a "
                              "dataclass")
    assert "@dataclasses.dataclass" in message
    if transform == "vjp":
        assert "pass the arrays it holds (p.w) as arguments" in message and "closing over it" in message
    else:
        assert 'wrt="p.w"' in message


def test_a_plain_object_inside_a_differentiated_argument_is_refused_with_its_place():
    with pytest.raises(TypeError, match=r"grad: argument 'h' \(at h\.p\) is an object of the class Params, .*"
                                        r'wrt="h\.p\.w"'):
        astgrad.grad(_held_loss)(Holding(P, 1.5), X)
    layers = [P, Layer2(V.w)]
    with pytest.raises(TypeError, match=r"argument 'layers' \(at layers\[0\]\) is an object of the class "
                                        r"Params, .*pass the arrays it holds \(layers\[0\]\.w\) as arguments"):
        astgrad.grad(_through_layers)(layers, X)
    with pytest.raises(TypeError, match=r"argument 'layers' \(at layers\[1\]\) is an object of the class Layer2"):
        astgrad.grad(_through_layers)([ParamsRecord(P.w, P.b), Layer2(V.w)], X)


def test_what_the_plain_object_message_advises_matches_finite_differences():
    for g in (astgrad.grad(loss, wrt="p.w"), astgrad.grad(_held_loss, wrt="h.p.w")):
        got = g(P, X) if g.function is loss else g(Holding(P, 1.5), X)
        scale = 1.0 if g.function is loss else 1.5
        assert_close(got, scale * numerical_grad(lambda w: loss_of_w(w, P.b, X), (P.w,), wrt=0), rtol=1e-5, atol=1e-7)
    record = astgrad.grad(loss)(ParamsRecord(P.w, P.b), X)
    assert_close(record.b, numerical_grad(lambda b: loss_of_w(P.w, b, X), (P.b,), wrt=0), rtol=1e-5, atol=1e-7)


def test_a_plain_object_not_differentiated_or_holding_no_float_keeps_working():
    expected = numerical_grad(lambda x: loss(P, x), (X,), wrt=0)
    assert_close(astgrad.grad(loss, wrt=1)(P, X), expected, rtol=1e-5, atol=1e-7)
    value, g = astgrad.value_and_grad(loss, wrt="x")(P, X)
    assert value == pytest.approx(loss(P, X), rel=1e-12)
    assert_close(g, expected, rtol=1e-5, atol=1e-7)
    assert_close(astgrad.jacobian(loss, wrt=1)(P, X), expected, rtol=1e-5, atol=1e-7)
    c, y = Config(), np.array([0.5, 2.0])
    g = astgrad.grad(_config_loss, wrt=(0, 1))(c, y)
    assert g[0] is None     # no float in it: no derivative, as for a string
    assert_close(g[1], 2 * y, rtol=1e-12, atol=1e-12)


def _exported(f, name, **options):
    namespace = {"__name__": "exported"}
    exec(compile(astgrad.export(f, **options), "exported.py", "exec"), namespace)
    return namespace[name]


def test_an_exported_gradient_refuses_a_plain_object_as_astgrad_does():
    g = _exported(loss, "grad_loss")
    with pytest.raises(TypeError, match=r"grad_loss: argument 'p' is an object of the class Params, which is "
                                        r'not a dataclass; .*wrt="p\.w"'):
        g(P, X)
    expected = numerical_grad(lambda b: loss_of_w(P.w, b, X), (P.b,), wrt=0)
    assert_close(g(ParamsRecord(P.w, P.b), X).b, expected, rtol=1e-5, atol=1e-7)     # a ParamsRecord, as grad gives
    by_path = _exported(loss, "grad_loss_parts", wrt="p.w")
    assert_close(by_path(P, X), numerical_grad(lambda w: loss_of_w(w, P.b, X), (P.w,), wrt=0), rtol=1e-5, atol=1e-7)
    assert "plain_objects_refused" not in astgrad.export(loss_of_w)     # no attribute read: no check


def _sine_and_scale(h, w):
    return h * w + np.sin(h)


class ScaledLayer:
    """m14's layer written as the message advises: the function at module level, the value
    it reads handed to the object."""
    def __init__(self, W, act, scale):
        self.W = W
        self.act = act
        self.scale = scale

    def __call__(self, h):
        return self.act(self.W * h, self.scale)


def _m14_as_advised(x, w):
    layers = [ScaledLayer(1.5, _sine_and_scale, w), Layer(w)]
    h = x
    for layer in layers:
        h = layer(h)
    return np.sum(h)


def lambda_reading_a_variable_rebound_after(x, w):
    s = w
    layers = [Layer(1.5, lambda h: h * s + np.sin(h)), Layer(w)]
    s = w * 2.0         # Python's lambda reads this value when the layer calls it
    h = x
    for layer in layers:
        h = layer(h)
    return np.sum(h)


def test_a_lambda_reading_a_variable_rebound_after_it_is_refused_saying_what_to_do():
    fn = lambda_reading_a_variable_rebound_after
    with pytest.raises(astgrad.TransformError) as error:
        astgrad.grad(fn, wrt=(0, 1))(*XW)
    message = str(error.value)
    assert f"test_argument_messages.py:{_line_of(fn, 'layers = [')}:" in message
    assert "lambda handed to Layer(), to keep in the object it builds" in message
    assert "define the function at module level and pass the values it reads to the object" in message


def test_a_lambda_reading_a_variable_handed_to_a_constructor_is_the_function_written_as_advised():
    got = astgrad.grad(m14, wrt=(0, 1))(*XW)
    want = astgrad.grad(_m14_as_advised, wrt=(0, 1))(*XW)
    for i in (0, 1):
        assert_close(want[i], numerical_grad(_m14_as_advised, XW, wrt=i), rtol=1e-5, atol=1e-7)
        assert_close(got[i], want[i], rtol=1e-12, atol=1e-12)


def _line_of(fn, text):
    lines, first = inspect.getsourcelines(fn)
    return first + next(i for i, line in enumerate(lines) if text in line)


def _held_refusal(fn, x, w):
    with pytest.raises(astgrad.TransformError) as error:
        astgrad.grad(fn)(x, w)
    return error.value


XW = (np.array([0.5, -0.2, 0.3]), np.array([0.1, 0.2, 0.3]))


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


def chosen_or_given(x, w, given):
    act = np.tanh
    if x[0] > 0:
        act = given
    return np.sum(Layer(w, act)(x) * x)


def test_a_function_the_code_may_be_given_is_refused_at_the_lines_choosing_it():
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(chosen_or_given)(*XW, np.sin)
    error = info.value
    first, second = _line_of(chosen_or_given, "act = np.tanh"), _line_of(chosen_or_given, "act = given")
    call_line = _line_of(Layer.__call__, "self.act(h)")
    assert (os.path.basename(error.filename), error.lineno) == ("test_argument_messages.py", first)
    assert f"the variable 'act' holds (assigned on lines {first} and {second})" in error.reason
    assert f"which Layer() stores in an attribute and hunt5_programs.py:{call_line} calls " \
           "(`h = self.act(h)`)" in error.reason
    assert "build the object in each branch" in error.reason


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_building_the_object_in_each_branch_as_advised_matches_finite_differences(sign):
    x, w = XW[0] * sign, XW[1]
    for wrt in (0, 1):
        assert_close(astgrad.grad(built_in_each_branch, wrt=wrt)(x, w),
                     numerical_grad(built_in_each_branch, (x, w), wrt=wrt), rtol=1e-5, atol=1e-7)
    for chosen in (m17, chosen_by_statements):      # the function chosen in a variable, as Python calls it
        assert_close(astgrad.grad(chosen, wrt=1)(x, w), numerical_grad(chosen, (x, w), wrt=1), rtol=1e-5, atol=1e-7)


# -- a complex argument is named by its parameter ----------------------------------------------------

def scaled(x, c):
    return np.sum(x * np.abs(c))


@pytest.mark.parametrize("make", [
    lambda: astgrad.grad(functools.partial(scaled, c=1j))(X),          # a keyword the partial binds
    lambda: astgrad.jacobian(functools.partial(scaled, c=np.array([1j])))(X),
    lambda: astgrad.grad(scaled)(X, c=2 + 1j),
])
def test_a_complex_argument_is_refused_naming_its_parameter(make):
    with pytest.raises(TypeError, match=r": the argument 'c' is complex \(complex(128)?\); .* Pass the real and "
                                        "imaginary parts as two real arguments"):
        make()
