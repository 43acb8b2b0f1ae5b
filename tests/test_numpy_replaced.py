"""A NumPy function the user replaces (a notebook's ``np.cos = my_cos``) after the
derivative was generated changes only the user's own calls: every call astgrad writes
(a rule's ``numpy.cos``, ``numpy.s_``, ``numpy.ones_like``, the optimizer's
``numpy.outer``, a rule's ``numpy.linalg.solve``, ``math.cos``) reads NumPy as astgrad
found it, in every mode and backend, from the disk cache and on the tape. The printed
derivatives show that NumPy as ``numpy`` where the function has no other use for the
name, else as ``original_numpy``.

Each replacement gives wrong values, so a call that read it would show; expected values
are finite differences taken before the replacement (the functions differentiated never
call what is replaced).
"""

import math
import sys
import threading

import numpy as np
import pytest

import astgrad
import numpy_names
import numpy_star_import
from astgrad import disk_cache, pipeline
from fd import assert_close, numerical_grad, numerical_jvp

X = np.array([0.1, 0.7, -1.3])
SIN, COS = np.sin, np.cos


def wrong(*args, **kwargs):
    """What a replaced NumPy function returns: nothing like what it replaced."""
    return np.full(np.shape(args[0]), 7.0)


# -- the names the printed derivatives give NumPy --------------------------------------

def _printed(f, *args):
    gradient = astgrad.grad(f)
    gradient(*args)
    return gradient.source.splitlines()


PRINTED = [
    (numpy_names.np_sines, "d_x = d_np_sines * numpy.cos(x)"),
    (numpy_names.numpy_sines, "d_x = d_numpy_sines * original_numpy.cos(x)"),
    (numpy_names.both_sines, "d_x = d_both_sines * original_numpy.cos(x)"),
    (numpy_names.local_numpy, "d_numpy = d_local_numpy * original_numpy.cos(numpy)"),
    (numpy_names.scaled_by(3.0), "d_x = d_t_1 * original_numpy.cos(x)"),
    (numpy_star_import.star_sines, "d_x = d_star_sines * numpy.cos(x)"),
]


@pytest.mark.parametrize("f, line", PRINTED, ids=[f.__name__ for f, _ in PRINTED])
def test_a_rules_numpy_is_numpy_unless_the_function_uses_that_name(f, line):
    assert "    " + line in _printed(f, X)
    assert_close(astgrad.grad(f)(X), numerical_grad(f, (X,)))


def test_the_printed_derivatives_of_a_function_using_the_name_numpy():
    assert _printed(numpy_names.numpy_sines, X) == [
        "def grad_numpy_sines(x, *, d_numpy_sines=1.0):",
        "    # line 15: return numpy.sum(numpy.sin(x))",
        "    d_x = d_numpy_sines * original_numpy.cos(x)",
        "    return d_x"]
    assert _printed(astgrad.grad(numpy_names.numpy_sines), 0.3) == [
        "def grad_grad_numpy_sines(x, *, d_numpy_sines=1.0, dd_d_x=1.0):",
        "    d_t = unreduce(d_numpy_sines, numpy.sin(x))",
        "    # line 6: d_x = d_t * original_numpy.cos(x)",
        "    dd_t_1 = d_t * dd_d_x",
        "    del d_t",
        "    dd_x = -dd_t_1 * original_numpy.sin(x)",
        "    return dd_x"]


def test_a_rules_math_is_original_math_where_the_function_uses_math():
    assert _printed(numpy_names.math_sine, 0.3) == [
        "def grad_math_sine(x, *, d_math_sine=1.0):",
        "    # line 34: return math.sin(x) * 2.0",
        "    d_x = d_math_sine * 2.0 * original_math.cos(x)",
        "    return d_x"]


# -- every call astgrad writes, replaced after the code was generated --------------------

def sliced(x):
    return np.sum(np.sin(x[1:3] * 2.0))


def one_element(a, b):
    return a @ b


def matrix_vector(m, v):
    return np.sum(np.tanh(m @ v))


def cholesky_weighted(a, w):
    return np.sum(np.linalg.cholesky(a @ a.T + 3.0 * np.eye(3)) * w)


class _AnyIndex:
    def __getitem__(self, index):
        return slice(None)


M = np.array([[1.0, 0.2, -0.3], [0.1, 0.9, 0.4], [-0.2, 0.3, 1.1]])
V = np.array([0.3, -0.2, 0.5])
ROW, COLUMN = np.array([[0.5, -1.0, 2.0]]), np.array([[0.3], [0.4], [-0.6]])
# (function, arguments, wrt, the NumPy attribute only astgrad's code calls, the text showing it)
SITES = [
    (sliced, (np.linspace(0.1, 0.9, 5),), 0, (np, "s_", _AnyIndex()), "numpy.s_[1:3]"),
    (one_element, (ROW, COLUMN), (0, 1), (np, "ones_like", wrong), "numpy.ones_like("),
    (matrix_vector, (M, V), 0, (np, "outer", wrong), "numpy.outer("),
    (cholesky_weighted, (M, M), 0, (np.linalg, "solve", wrong), "numpy.linalg.solve("),
    (numpy_names.math_sine, (0.3,), 0, (math, "cos", wrong), "original_math.cos("),
]


@pytest.mark.parametrize("f, args, wrt, replaced, text", SITES, ids=[site[0].__name__ for site in SITES])
def test_a_call_astgrad_writes_reads_numpy_as_astgrad_found_it(monkeypatch, f, args, wrt, replaced, text):
    expected = numerical_grad(f, args, wrt)
    gradient = astgrad.grad(f, wrt)
    gradient(*args)
    assert text in gradient.source
    monkeypatch.setattr(*replaced)
    assert_close(gradient(*args), expected)


def test_forward_and_second_order_code_read_numpy_as_astgrad_found_it(monkeypatch):
    f = numpy_names.numpy_sines
    tangent = numerical_jvp(f, (X,), (np.ones(3),))
    second = astgrad.grad(astgrad.grad(f))
    assert_close(second(0.7), -SIN(0.7))
    assert_close(astgrad.jvp(f, (X,), (np.ones(3),))[1], tangent)
    monkeypatch.setattr(np, "cos", wrong)       # only the rules call it: the code is kept
    assert_close(second(0.7), -SIN(0.7))
    assert_close(astgrad.jvp(f, (X,), (np.ones(3),))[1], tangent)
    monkeypatch.setattr(np, "sin", COS)         # the user's own numpy.sin(x) is cos now
    assert_close(astgrad.jvp(f, (X,), (np.ones(3),))[1], -np.sum(SIN(X)))
    assert_close(second(0.7), -COS(0.7))


def test_threads_generating_while_cos_is_replaced_all_get_numpys_cos(monkeypatch):
    astgrad.clear_cache()
    monkeypatch.setattr(np, "cos", wrong)
    functions = [numpy_names.np_sines, numpy_names.numpy_sines, numpy_names.both_sines,
                 numpy_names.local_numpy] * 2
    results = [None] * len(functions)

    def run(i):
        results[i] = astgrad.grad(functions[i])(X)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(functions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for f, result in zip(functions, results):
        factor = 2.0 if f is numpy_names.local_numpy else 1.0
        assert_close(result, factor * COS(factor * X))


# -- the tape, numba, the disk cache, export -----------------------------------------

def test_the_tapes_programs_read_numpy_as_astgrad_found_it(monkeypatch):
    def gradients():
        x = astgrad.tensor(X, requires_grad=True)
        (g,) = astgrad.autograd.grad(np.sum(np.sin(x) * x), [x], create_graph=True)
        (h,) = astgrad.autograd.grad(np.sum(g), [x])
        return g.detach().numpy(), h.detach().numpy()

    expected = (COS(X) * X + SIN(X), 2.0 * COS(X) - SIN(X) * X)
    assert_close(gradients(), expected)
    monkeypatch.setattr(np, "cos", wrong)      # the programs recorded above are reused
    assert_close(gradients(), expected)


def hyperbolic(x):
    return np.sum(np.sinh(x) * x)


def test_numba_compiles_a_rules_numpy_as_astgrad_found_it(monkeypatch):
    numba = pytest.importorskip("numba")
    numba.njit(lambda v: np.cosh(v))(0.5)      # numba reads NumPy's ufuncs at its first compile
    expected = numerical_grad(hyperbolic, (X,))
    assert_close(astgrad.grad(hyperbolic)(X), expected)         # the code generated
    cosh = np.cosh
    monkeypatch.setattr(np, "cosh", np.sinh)    # a function numba compiles, with wrong values
    assert_close(astgrad.grad(hyperbolic, backend="numba")(X), expected)     # and compiled
    from astgrad.backend import numba_helpers
    assert numba_helpers.numpy_for_numba().cosh is cosh     # whenever numba first compiles
    slope = numerical_grad(numpy_names.math_sine, (0.3,))
    monkeypatch.setattr(math, "cos", math.sin)
    assert_close(astgrad.grad(numpy_names.math_sine, backend="numba")(0.3), slope)


def test_a_disk_cache_entry_written_before_a_replacement_is_right_after_it(tmp_path, monkeypatch):
    from astgrad.rules import optional, registry
    monkeypatch.setitem(optional._trusted, "version", registry.VERSION[0])   # see test_disk_cache.py
    import disk_cache_target
    x, y = np.linspace(0.1, 0.5, 4), np.linspace(0.2, 0.3, 4)
    expected = numerical_grad(disk_cache_target.f, (x, y))
    generated = []
    back = pipeline.back
    monkeypatch.setattr(pipeline, "back", lambda made, key: generated.append(key) or back(made, key))
    disk_cache.configure_cache(enabled=True, directory=str(tmp_path))
    try:
        astgrad.clear_cache()
        assert_close(astgrad.grad(disk_cache_target.f)(x, y), expected)
        assert generated
        monkeypatch.setattr(np, "cos", wrong)
        astgrad.clear_cache()
        generated.clear()
        assert_close(astgrad.grad(disk_cache_target.f)(x, y), expected)
        assert generated == []                  # the code came from disk
    finally:
        disk_cache.configure_cache(enabled=False)
        disk_cache._settings["directory"] = None
        astgrad.clear_cache()


def test_an_exported_derivative_imports_numpy_under_the_names_its_code_reads():
    text = astgrad.export(numpy_names.numpy_sines)
    imports = {line for line in text.splitlines() if line.startswith(("import ", "from "))}
    # the standard library's functools and math: the fallback on the zero-safe twin; copy: the
    # gradient of a dataclass argument given as an object of its class, as grad does (dataclasses
    # is imported by the helper reading its fields, where a program has one)
    assert imports == {"import copy", "import functools", "import math", "import numbers",
                       "import numpy", "import numpy as original_numpy"}
    assert "    d_x = d_t * original_numpy.cos(x)" in text.splitlines()
    namespace = {}
    exec(compile(text, "<exported>", "exec"), namespace)
    assert_close(namespace["grad_numpy_sines"](X), COS(X))


def test_an_exported_caller_and_callee_naming_numpy_differently_import_numpy_under_each_name():
    f = numpy_names.calls_loop_of_sines
    text = astgrad.export(f)
    imports = {line for line in text.splitlines() if line.startswith(("import ", "from "))}
    own = {line for line in imports if "numpy" in line}
    # (the callee's value comes from its value code, exported with its derivative: not imported)
    assert own == {"import numpy", "import numpy as np", "import numpy as original_numpy"}
    # the runtime helpers copied into the module import only the standard library
    assert all(line.startswith("import ") and line.split()[1] in sys.stdlib_module_names for line in imports - own)
    namespace = {}
    exec(compile(text, "<exported>", "exec"), namespace)
    assert_close(namespace["grad_calls_loop_of_sines"](X), numerical_grad(f, (X,)))


def test_a_numpy_function_only_a_runtime_helper_calls_reads_numpy_as_astgrad_found_it(monkeypatch):
    x = np.linspace(0.1, 0.9, 5)
    expected = numerical_grad(sliced, (x,))
    gradient = astgrad.grad(sliced)
    assert "unreduce(" in gradient.source
    monkeypatch.setattr(np, "broadcast_to", lambda a, shape, **options: np.full(shape, 7.0))
    assert_close(gradient(x), expected)
