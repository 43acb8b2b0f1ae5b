"""Exporting a function that reads closure variables (a function defined inside another):
each cell's value is frozen into the exported module as a literal (numbers, strings,
containers of them, small NumPy arrays), or imported (a module-level function or class);
anything else is refused naming the variable. The exported module, imported from its
file (it does not import astgrad), gives astgrad's values in each mode."""

import importlib.util

import numpy as np
import pytest

import astgrad
from astgrad.exporting import ExportError, _derivative
from export_lint import lint_problems
from fd import assert_close, numerical_grad, numerical_jvp
from outsider_programs import (CONVNET_IMAGES, CONVNET_LABELS, CONVNET_LAYERS, CONVNET_PARSER, convnet_loss_given_layers,
                               convnet_num_weights, piecewise_np)

R = np.random.default_rng(52)


def squash(z):
    return np.tanh(z) * 1.5


class Scaler:
    factor = 0.5

    @staticmethod
    def apply(z):
        return z * Scaler.factor


def _with_literals():
    k = 3.0
    W = R.normal(size=(2, 3))
    cfg = {"a": (1, 2.5), "b": [0.5]}
    half = np.float32(0.5)
    name = "sum"
    scale = 1.25        # the name of a helper the exported module defines: given another name

    def loss(x):
        total = np.sum(np.sin(W @ x) * k) + cfg["a"][1] * np.sum(x ** 3) * cfg["b"][0] * scale
        return total * half if name == "sum" else total
    return loss


def _with_functions():
    act, kind = squash, Scaler

    def loss(x):
        return np.sum(act(x) * kind.apply(x) ** 2)
    return loss


PROGRAMS = {"literals": _with_literals(), "functions": _with_functions()}


def _imported(text, path):
    assert lint_problems(text) == []
    assert "import astgrad" not in text and "from astgrad" not in text
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _exported(fn, mode, order, tmp_path):
    text = astgrad.export(fn, 0, mode=mode, order=order)
    compiled = _derivative(fn, 0, mode, order)
    module = _imported(text, tmp_path / f"closure_{mode}_{order}.py")
    return text, getattr(module, compiled.__code__.co_name), list(compiled.__code__.co_varnames)


@pytest.mark.parametrize("mode,order", [("reverse", 1), ("forward", 1), ("reverse", 2), ("forward", 2)])
@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_closure_values_are_frozen_into_the_exported_module(program, mode, order, tmp_path):
    fn = PROGRAMS[program]
    x, v = R.normal(size=3), R.normal(size=3)
    text, exported, _ = _exported(fn, mode, order, tmp_path)
    seed = {} if (mode, order) == ("reverse", 1) else {_seed_name(exported): v}
    got = exported(x, **seed)
    if order == 2:
        expected = astgrad.hvp(fn)(x, v)
        got = got[1] if mode == "forward" else got
        assert_close(expected, numerical_jvp(astgrad.grad(fn), (x,), (v,)), 1e-6, 1e-7)
    elif mode == "forward":
        expected = numerical_jvp(fn, (x,), (v,))
        got = got[1]
    else:
        expected = numerical_grad(fn, (x,))
    assert_close(got, expected, 1e-6, 1e-7)
    if program == "literals":
        assert "Closure variables frozen at export: W (an array of shape (2, 3), float64)" in " ".join(text.split())
    else:       # imported from their module where the code reads them, not frozen
        assert "Closure variables frozen" not in text
        # (the forward sweep calls kind.apply's value code, value_apply, which reads Scaler by its own name)
        assert "from test_export_closures import Scaler\n" in text or (mode, order) != ("reverse", 1)


def _seed_name(exported):
    """The last keyword of the exported derivative: the seed of the gradient it
    differentiates (``dd_d_x``), or its tangent."""
    import inspect
    return list(inspect.signature(exported).parameters)[-1]


def test_a_cell_rebound_after_export_keeps_its_exported_value(tmp_path):
    factor = 2.0

    def loss(x):
        return np.sum(x ** 2) * factor

    text, exported, _ = _exported(loss, "reverse", 1, tmp_path)
    assert "factor = 2.0" in text
    assert "a later rebinding of them (nonlocal), or a change in place, is not seen" in " ".join(text.split())
    factor = 5.0      # noqa: F841 - the cell loss reads, rebound
    x = R.normal(size=3)
    assert_close(exported(x), 4.0 * x, 1e-14, 0)
    assert_close(astgrad.grad(loss)(x), 10.0 * x, 1e-14, 0)


def _big():
    W = np.ones(1001)

    def loss(x):
        return np.sum(W * x)
    return loss


def _holding_an_object():
    rng = np.random.default_rng(0)

    def loss(x):
        return np.sum(x * rng.bit_generator.state["state"]["state"])
    return loss


def _nan_array():
    W = np.array([1.0, np.nan])

    def loss(x):
        return np.sum(np.where(np.isnan(W), 0.0, W) * x)
    return loss


@pytest.mark.parametrize("make,variable", [(_big, "W"), (_holding_an_object, "rng"),
                                           (_nan_array, "W")], ids=lambda c: getattr(c, "__name__", c))
def test_a_cell_the_module_cannot_write_is_refused(make, variable, tmp_path):
    loss = make()
    with pytest.raises(ExportError, match=f"closure variable {variable!r}") as refused:
        astgrad.export(loss)
    message = str(refused.value)
    assert message.startswith(f"{__file__}:{loss.__code__.co_firstlineno}: ")
    assert "at most 1000 finite numbers" in message and "Pass the value as an argument" in message
    # nothing is left half-written: the next export works
    _, exported, _ = _exported(_with_functions(), "reverse", 1, tmp_path)
    x = R.normal(size=3)
    assert_close(exported(x), astgrad.grad(PROGRAMS["functions"])(x), 1e-12, 1e-14)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_name_numpy_and_a_helper_share_is_given_another_name(mode, tmp_path):
    """np.piecewise's generated code reads NumPy's zeros_like and astgrad's helper of that
    name: the module imports NumPy's under another name (it was an ExportError)."""
    x, w, v = np.array([-1.0, 0.3, 0.8, 2.0]), 1.5, R.normal(size=4)
    text, exported, _ = _exported(piecewise_np, mode, 1, tmp_path)
    assert "from numpy import zeros_like as " in text and "def zeros_like(" in text
    if mode == "reverse":
        assert_close(exported(x, w), numerical_grad(piecewise_np, (x, w)), 1e-6, 1e-7)
    else:
        _, got = exported(x, w, **{_seed_name(exported): v})
        assert_close(got, numerical_jvp(lambda a: piecewise_np(a, w), (x,), (v,)), 1e-6, 1e-7)


@pytest.mark.parametrize("mode,order", [("reverse", 1), ("forward", 1), ("reverse", 2), ("forward", 2)])
def test_an_object_argument_read_as_a_dict_by_a_differentiated_key_is_refused_at_export(mode, order):
    """Export is given no arguments, so an argument's .get() is read as a dict's (a dict
    given there is followed). Keyed by the differentiated argument, as a31 (the LeNet
    loss given its weights parser: parser.get(W_vect, layer)) calls it, it is no dict's
    get: refused at export naming the line (the exported module raised a TypeError
    when it was called with the parser)."""
    with pytest.raises(astgrad.TransformError, match=r"outsider_programs.py:\d+: astgrad.export writes the "
                                                     r"derivative of convnet_loss_given_layers before it is called"
                       ) as refused:
        astgrad.export(convnet_loss_given_layers, 0, mode=mode, order=order)
    assert "parser.get(W_vect, layer)" in str(refused.value)
    args = (0.3 * np.cos(np.arange(convnet_num_weights) * 1.1), CONVNET_IMAGES, CONVNET_LABELS, CONVNET_LAYERS,
            CONVNET_PARSER)
    assert_close(astgrad.grad(convnet_loss_given_layers)(*args), numerical_grad(convnet_loss_given_layers, args),
                 1e-6, 1e-7)


def loss_with_a_local_class(x, w):
    class Lin:
        def __init__(self, w):
            self.w = w

        def f(self, x):
            return np.sum(self.w * np.sin(x))
    return Lin(w).f(x) ** 2


def test_a_class_defined_in_the_function_is_refused_saying_where_to_define_it():
    with pytest.raises(ExportError, match=r"Lin = test_export_closures.loss_with_a_local_class.<locals>.Lin, a class "
                                          r"defined inside a function, which another module cannot import; define it "
                                          r"at module level") as refused:
        astgrad.export(loss_with_a_local_class)
    assert str(refused.value).startswith(f"{__file__}:{loss_with_a_local_class.__code__.co_firstlineno}: ")
