"""Exported derivatives of what astgrad differentiates through twins of the user's helpers,
and their arguments' and results' types, as in process:

- a helper keeping state in a list it is handed (``rebuild(params, vector, [0])``) and a
  recursive helper memoising into a dict (``fib(x, n, memo)``): the exported module once
  lacked the helper the twin runs (NameError), and a callee named like a local of its
  caller's code was read as that local;
- a bool differentiated: grad's TypeError, where the exported gradient returned None; a
  tangent for an int or a bool: jvp's ValueError, where the exported jvp gave a derivative;
- the jvp of a gradient: the gradient and its tangent typed as grad gives them (float32
  for a float32 argument, where the exported module gave float64);
- a differentiated argument the function rebinds (``x = x - step``): the gradient shaped
  like the argument as given, where the exported module returned None;
- a write with an advanced index of a value sharing the array's memory
  (``y[[0, 1]] = y[1:3]``), whose derivative asks how this NumPy writes such a value
  (write_order.py): the export stopped with a LookupError, the module's probe not copied.
The twins' modules run where astgrad is not installed (test_export.py's fresh environment)."""

import importlib
import importlib.util
import inspect
import os
import sys

import numpy as np
import pytest

import astgrad
from astgrad import write_order
from fd import assert_close, numerical_grad, numerical_hessian
from program_files import load
from test_export import _run_exported, bare_python  # noqa: F401,F811 - bare_python is a fixture

PROGRAMS = """
import numpy as np

def rebuild(template, vector, pos):
    if isinstance(template, dict):
        return {k: rebuild(template[k], vector, pos) for k in sorted(template)}
    size = template.size
    start = pos[0]
    pos[0] = start + size
    return vector[start:start + size].reshape(template.shape)

def unflattened_loss(vector, template):
    p = rebuild(template, vector, [0])
    return np.sum(np.sin(p["a"]) * p["b"][0]) + np.sum(p["a"] ** 3)

def fib(x, n, memo):
    if n in memo:
        return memo[n]
    if n < 2:
        v = x
    else:
        v = fib(x, n - 1, memo) * 0.5 + np.sin(fib(x, n - 2, memo))
    memo[n] = v
    return v

def memoised(x):
    return fib(x, 3, {}) * x

def scaled(x, flag):
    return np.sum(x * 2.0) if flag else np.sum(x)

def widened(x):
    return np.sum(np.tanh(x @ np.ones((2, 2))) * x)

def lifted(x):
    return np.tanh(x) * np.float64(1.5)

def descended(x, w):
    for _ in range(3):
        x = x - 0.1 * (x - w) ** 3
    return np.sum(x ** 2)

def overlapping_write(x):
    y = x * 1.0
    y[[0, 1]] = y[1:3]
    return np.sum(y ** 2)
"""

def _program(name):
    """The program ``name``, from a module importable by its name (as an exported module imports it)."""
    path = inspect.getfile(load(PROGRAMS, name))
    if os.path.dirname(path) not in sys.path:
        sys.path.append(os.path.dirname(path))
    module_name = os.path.splitext(os.path.basename(path))[0]
    return getattr(importlib.import_module(module_name), name)


TEMPLATE = {"a": np.zeros(2), "b": np.zeros((1,))}
VECTOR = np.array([0.3, -0.5, 0.7])


def _export(fn, mode="reverse", order=1, wrt=0):
    """The exported module's file (next to the program's, which it imports) and its derivative."""
    prefix = "grad_" * order if mode == "reverse" else "jvp_" + "grad_" * (order - 1)
    path = os.path.join(os.path.dirname(inspect.getfile(fn)), f"{prefix}{fn.__module__}.py")
    astgrad.export(fn, wrt, mode=mode, order=order, path=path)
    spec = importlib.util.spec_from_file_location(f"{prefix}{fn.__module__}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return path, getattr(module, prefix + fn.__name__)


@pytest.mark.parametrize("name, args", [("unflattened_loss", (VECTOR, TEMPLATE)), ("memoised", (0.4,))])
def test_a_twin_running_the_users_helper_exports_and_runs_without_astgrad(name, args, tmp_path, bare_python):
    fn = _program(name)
    expected = numerical_grad(fn, args, 0)
    path, exported = _export(fn)
    assert_close(exported(*args), expected)
    got, loaded, _, _ = _run_exported(bare_python, path, f"grad_{name}", args, {}, tmp_path)
    assert loaded == [] and "import astgrad" not in open(path).read()
    assert_close(np.asarray(got), expected)
    assert_close(exported(*args), astgrad.grad(fn)(*args), rtol=1e-12, atol=1e-14)
    tangent = np.linspace(0.5, -1.0, np.size(args[0])).reshape(np.shape(args[0]))
    first = next(iter(inspect.signature(fn).parameters))
    value, derivative = _export(fn, "forward")[1](*args, **{f"d_{first}": tangent})
    assert_close(value, fn(*args)) and assert_close(derivative, np.sum(expected * tangent))


def test_the_memoised_helper_s_second_derivative_exports():
    fn = _program("memoised")
    second = float(np.squeeze(numerical_hessian(astgrad.grad(fn), (0.4,))))
    assert_close(_export(fn, order=2)[1](0.4), second, rtol=1e-4)


@pytest.mark.parametrize("mode, order, flag", [("reverse", 1, True), ("reverse", 2, np.array([True, False])),
                                               ("forward", 2, np.bool_(True))])
def test_a_bool_differentiated_raises_grad_s_error(mode, order, flag):
    fn = _program("scaled")
    exported = _export(fn, mode, order)[1]
    with pytest.raises(TypeError) as in_process:
        astgrad.grad(fn)(flag, True)
    seeds = {"dd_x": np.ones(np.shape(flag))} if mode == "forward" else {}
    with pytest.raises(TypeError) as exported_error:
        exported(flag, True, **seeds)
    assert str(exported_error.value) == str(in_process.value)
    assert "grad: argument 0 is a bool" in str(in_process.value)
    x = np.array([0.3, -0.2]) if np.ndim(flag) else 0.3      # the next call works
    assert_close(_export(fn)[1](x, True), numerical_grad(fn, (x, True), 0))


@pytest.mark.parametrize("x, tangent", [(True, 1.0), (np.array([1, 2]), np.ones(2)), (3, 0.0)],
                         ids=["bool", "int-array", "int-zero-tangent"])
def test_a_tangent_for_an_int_or_a_bool_is_refused_as_jvp_refuses_it(x, tangent):
    fn = _program("scaled")
    exported = _export(fn, "forward")[1]
    if not np.any(tangent):     # a zero tangent for a constant: its derivative is 0, as in process
        assert_close(exported(x, True, d_x=tangent)[1], astgrad.jvp(fn, (x, True), (tangent, None))[1])
        return
    with pytest.raises(ValueError) as in_process:
        astgrad.jvp(fn, (x, True), (tangent, None))
    with pytest.raises(ValueError) as exported_error:
        exported(x, True, d_x=tangent)
    assert str(exported_error.value) == str(in_process.value) and "jvp: tangent 0 is " in str(in_process.value)
    assert_close(exported(np.array([0.3, 0.1]), True, d_x=np.ones(2))[1], 4.0)     # the next call works


@pytest.mark.parametrize("x", [np.array([0.3, -0.6], np.float32), np.float32(0.4)], ids=["array", "scalar"])
def test_the_jvp_of_a_gradient_is_typed_as_in_process(x):
    fn = _program("widened" if np.ndim(x) else "lifted")
    v = np.ones_like(x) * np.float32(0.5)
    gradient, tangent = _export(fn, "forward", order=2)[1](x, dd_x=v)
    in_process = astgrad.hvp(fn)(x, v)
    assert type(tangent) is type(in_process) and np.asarray(tangent).dtype == np.float32
    assert np.asarray(gradient).dtype == np.asarray(astgrad.grad(fn)(x)).dtype == np.float32
    assert_close(tangent, in_process, rtol=1e-5) and assert_close(gradient, astgrad.grad(fn)(x), rtol=1e-5)


@pytest.mark.parametrize("mode, order", [("reverse", 1), ("forward", 2)])
def test_an_argument_the_function_rebinds_shapes_the_gradient(mode, order):
    fn = _program("descended")
    x, w = np.array([0.3, -0.4, 0.9]), 0.8
    expected = numerical_grad(fn, (x, w), 0)
    if mode == "reverse":
        assert_close(_export(fn, mode, order)[1](x, w), expected)
        return
    v = np.array([1.0, 0.5, -1.0])
    gradient, tangent = _export(fn, mode, order)[1](x, w, dd_x=v)
    assert_close(gradient, expected) and assert_close(tangent, astgrad.hvp(fn)(x, w, v), rtol=1e-10)


def test_a_write_whose_value_shares_the_arrays_memory_exports_and_runs_without_astgrad(tmp_path, bare_python):
    fn = _program("overlapping_write")
    x = np.array([0.3, -0.7, 0.5, 1.1])
    expected = numerical_grad(fn, (x,), 0)
    path, exported = _export(fn)
    if not write_order.reads_first("positions"):
        # this NumPy writes such a value element by element: refused when the code runs,
        # by the exported module as in process
        for gradient in (exported, astgrad.grad(fn)):
            with pytest.raises(ValueError, match="shares y's memory"):
                gradient(x.copy())
        return
    assert_close(exported(x.copy()), expected)
    got, loaded, _, _ = _run_exported(bare_python, path, "grad_overlapping_write", (x,), {}, tmp_path)
    assert loaded == [] and "import astgrad" not in open(path).read()
    assert_close(np.asarray(got), expected)
    second = numerical_hessian(astgrad.grad(fn), (x,))
    seed = np.array([1.0, -0.5, 2.0, 0.25])     # the exported grad of grad: a Hessian-vector product
    assert_close(_export(fn, order=2)[1](x.copy(), dd_d_x=seed), second @ seed, rtol=1e-4, atol=1e-6)
