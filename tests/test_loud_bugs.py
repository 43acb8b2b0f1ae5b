"""Errors that were not clear and output that was not quiet: each case at its root.

- a list argument in forward mode and forward over reverse (hvp, jvp and jacobian of a
  gradient): NumPy reads a list operand as an array, and so must the tangent's arithmetic;
- NumPy's warnings of the derivative's own arithmetic are left out, the user's shown once;
- an in-place write into an int array names its operator; a global that cannot be followed
  is refused; export imports an object a module-level name holds.
"""

import math
import warnings

import numpy as np
import pytest

import astgrad
from astgrad.derivative_warnings import SUPPORTED as SORTS_WARNINGS
from fd import assert_close, numerical_hessian, numerical_jvp


# -- lists in forward mode and forward over reverse --------------------------------------

def _dot_helper(x):
    return np.dot(x, x)


def _square_helper(x):
    return np.sum(np.square(x))


LIST_PROGRAMS = {
    "dot in a helper": lambda x: _dot_helper(x) * x[0],
    "square in a helper": lambda x: _square_helper(x) * x[1],
    "log": lambda x: np.sum(np.log(x)) * x[0],
    "power and divide": lambda x: np.sum(np.power(x, 3) / 3.0) + np.sum(np.divide(1.0, x)),
    "multiply two lists": lambda x: np.sum(np.multiply(x, x) * np.sin(x)),
    "array times a list": lambda x: np.sum(np.array([1.0, 3.0]) * x * x),
    "matmul": lambda x: np.matmul(x, x) * np.tanh(x[1]),
    "hypot and arctan2": lambda x: np.sum(np.hypot(x, 2.0)) + np.sum(np.arctan2(x, 2.0)),
    "list built in f": lambda x: np.sum(np.square([x[0] * x[1], 2.0 * x[0]])),
    "list concatenated": lambda x: np.sum(np.square(x + [2.0])) * x[0],
    "list repeated by a number written": lambda x: np.sum(np.sin(x * 2)) * 3.0 - 2 * x[1] ** 3,
    "list beside itself": lambda x: np.sum(np.cos(x + x)) * x[1] ** 2,
    "numbers written beside arrays": lambda x: np.sum(np.multiply(x, 2.0) * 0.5 + np.tanh(x) / 3.0) ** 2,
}


@pytest.mark.parametrize("name", sorted(LIST_PROGRAMS))
def test_lists_in_forward_mode_and_forward_over_reverse(name):
    f = LIST_PROGRAMS[name]
    x, v = [1.2, 0.7], [0.3, -0.9]
    gradient = astgrad.grad(f)
    assert type(gradient(x)) is list

    on_lists = lambda g: lambda y: np.array(g(list(y)))         # noqa: E731  (f sees lists, as called)
    value, tangent = astgrad.jvp(f, (x,), (v,))
    assert_close(value, f(x))
    assert_close(tangent, numerical_jvp(on_lists(f), (np.array(x),), (np.array(v),)))

    plain_gradient = on_lists(gradient)
    expected = numerical_jvp(plain_gradient, (np.array(x),), (np.array(v),))
    product = astgrad.hvp(f)(x, v)
    assert type(product) is list                # lists where the argument is a list, as grad gives
    assert_close(np.array(product), expected, atol=1e-5)
    _, of_gradient = astgrad.jvp(gradient, (x,), (v,))
    assert type(of_gradient) is list
    assert_close(np.array(of_gradient), expected, atol=1e-5)

    hessian = numerical_hessian(plain_gradient, (np.array(x),))
    assert_close(astgrad.jacobian(gradient)(x), hessian, atol=1e-5)
    assert_close(astgrad.hessian(f)(x), hessian, atol=1e-5)


# -- an in-place write of a float result into an int array --------------------------------

def _scaled_counts(x):
    counts = np.arange(3)           # NumPy refuses the float product in the int array below
    counts *= x
    return np.sum(counts)


def _shifted_counts(x):
    counts = np.arange(3)
    counts -= x
    return np.sum(counts)


@pytest.mark.parametrize("f, ufunc, written", [(_scaled_counts, "multiply", "counts *= x"),
                                                (_shifted_counts, "subtract", "counts -= x")])
def test_an_int_array_written_in_place_names_the_operator_and_the_line(f, ufunc, written):
    with pytest.raises(TypeError, match=f"Cannot cast ufunc '{ufunc}' output") as plain:
        f(2.5)
    with pytest.raises(TypeError) as derivative:
        astgrad.grad(f)(2.5)
    assert str(derivative.value) == str(plain.value)        # NumPy's own message, the ufunc of the operator
    note = " ".join(getattr(derivative.value, "__notes__", ()))
    assert f"test_loud_bugs.py:{f.__code__.co_firstlineno + 2}: {written}: {written.split()[1]} writes" in note
    assert "y = x.astype(float)" in note
    assert_close(astgrad.grad(lambda x: np.sum(np.arange(3) * x))(2.5), 3.0)       # the next call works


# -- a global whose own code raises if run ---------------------------------------------------

class _UnreadableValues(dict):
    def values(self):
        raise RuntimeError("values are not for reading")


_SETTINGS = _UnreadableValues(scale=1)
_K = 2.0


def _scaled_by_settings(x):
    return x * _K + len(_SETTINGS)


def test_a_global_whose_own_code_raises_is_read_without_running_it():
    # astgrad reads what a dict subclass holds by dict's own iteration, running no code of
    # the user's (its values() would raise), and follows it: the pullback keeps _K as vjp read it
    global _K
    out, pullback = astgrad.vjp(_scaled_by_settings, 3.0)
    try:
        _K = 5.0
        assert_close((out, pullback(1.0)), (7.0, (2.0,)))
    finally:
        _K = 2.0
    with pytest.raises(RuntimeError, match="values are not for reading"):
        _SETTINGS.values()          # (the user's own method still raises where it is called)


# -- export of a closure holding an object a module-level name holds -----------------------

def _closing_over(layer):
    def loss(x):
        return np.sum(layer.forward(x) ** 2)
    return loss


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_export_imports_an_object_a_module_level_name_holds(mode, tmp_path):
    import importlib.util

    from astgrad.exporting import ExportError
    from export_globals_model import SQUASH, Squash
    loss = _closing_over(SQUASH)
    path = tmp_path / f"closed_over_{mode}.py"
    astgrad.export(loss, 0, mode=mode, path=str(path))
    text = path.read_text()
    assert "from export_globals_model import SQUASH as layer" in text
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x, v = np.array([0.3, -1.2, 0.8]), np.array([1.0, 0.5, -2.0])
    if mode == "reverse":
        assert_close(module.grad_loss(x), astgrad.grad(loss)(x), 1e-12, 0)
    else:
        assert_close(module.jvp_loss(x, d_x=v)[1], numerical_jvp(loss, (x,), (v,)))

    local = _closing_over(Squash(0.3))          # no module-level name holds it: refused, saying what to do
    with pytest.raises(ExportError, match=r"closure variable 'layer', which holds .*Squash.*bind it to a "
                                                  r"name at the top level of that module"):
        astgrad.export(local, 0, mode=mode)


# -- warnings: the derivative's own arithmetic is quiet, the user's code warns as called -----

def _log_times_x(x):
    return np.sum(np.log(x) * x)


needs_positions = pytest.mark.skipif(not SORTS_WARNINGS, reason="Python 3.10 has no instruction positions: "
                                                                "every warning is shown")


@needs_positions
@pytest.mark.parametrize("call, expected", [
    (lambda: astgrad.grad(math.asin)(1.0), math.inf),
    (lambda: astgrad.grad(np.sqrt)(0.0), math.inf),
    (lambda: astgrad.grad(lambda x: np.log(x))(0.0), math.inf),
    (lambda: astgrad.jvp(np.sqrt, (0.0,), (1.0,))[1], math.inf),
    (lambda: astgrad.hessian(lambda x: np.sum(np.sqrt(x)))(np.array([0.0, 4.0]))[0, 0], -math.inf),
])
def test_the_derivatives_own_arithmetic_warns_nothing(call, expected):
    before = np.geterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert call() == expected               # the value stays: inf where the derivative is infinite
    assert np.geterr() == before


@needs_positions
def test_the_users_own_warnings_appear_as_a_plain_call_gives_them():
    x = np.array([0.0, 1.0])
    with warnings.catch_warnings(record=True) as plain:
        warnings.simplefilter("always")
        _log_times_x(x)
    said = [str(w.message) for w in plain]
    assert said == ["divide by zero encountered in log", "invalid value encountered in multiply"]
    # grad computes no value: log(x) * x does not run, and its warning does not appear
    for transform, expected in [(lambda: astgrad.grad(_log_times_x)(x), said[:1]),
                                (lambda: astgrad.value_and_grad(_log_times_x)(x), said),
                                (lambda: astgrad.jvp(_log_times_x, (x,), (x,)), said)]:
        with warnings.catch_warnings(record=True) as derived:
            warnings.simplefilter("always")
            transform()
        assert [str(w.message) for w in derived] == expected
        assert {(w.filename, w.lineno) for w in derived} == {(__file__, _log_times_x.__code__.co_firstlineno + 1)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_close(astgrad.grad(_log_times_x)(np.array([1.0, 2.0])), np.log([1.0, 2.0]) + 1.0)
