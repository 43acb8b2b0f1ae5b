"""astgrad.export of the fourth hunt's programs (tests/hunt4_programs.py): the module
written, loaded and run; exported modules for local functions calling each other,
recursive helpers in forward mode of order 2, classmethods and properties; exported
second derivatives called with their default seeds, and of a bound method; export of a
``*args`` function refused with a reason.

Split from test_hunt4_programs.py (a program campaign, run on one Python:
.ci/campaigns.txt): export writes a module's text, partly by the standard library's
``ast.unparse``, and loads it, which differs between Pythons, so these run on every Python.
"""

import inspect

import numpy as np
import pytest

import astgrad
from astgrad.exporting import _derivative
from breadth_modes import copies
from fd import assert_close, numerical_grad
from hunt4_programs import CASES, Portfolio
from program_files import import_file
from test_hunt4_programs import AT_A_KINK, REFUSED


_EXPORTED_MODULES = {}


def _exported(f, wrt, mode, order, tmp_path):
    """The exported derivative (loaded from the module written; each exported once) and
    its keyword-only tangent parameters."""
    key = (f, wrt, mode, order)
    if key not in _EXPORTED_MODULES:
        _EXPORTED_MODULES[key] = _export(f, wrt, mode, order, tmp_path)
    return _EXPORTED_MODULES[key]


def _export(f, wrt, mode, order, tmp_path):
    path = tmp_path / f"exported_{f.__name__}.py"
    astgrad.export(f, wrt, mode=mode, order=order, path=str(path))
    compiled = _derivative(f, wrt, mode, order)
    module = import_file(path)
    required = [p.name for p in inspect.signature(compiled).parameters.values()
                if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    return getattr(module, compiled.__code__.co_name), required


# every sixth program, and those whose export the hunt found failing: local functions
# calling each other (d15), a classmethod (f05), a property (f06). Not exported: d17,
# whose helper is decorated by a wrapper reading the function it wraps from its closure
# (ExportError says so), and g21, which rebinds a global
NOT_EXPORTED = tuple(REFUSED) + ("d17 ", "g21 ")
EXPORTED = [c for k, c in enumerate(CASES) if (k % 6 == 0 and not c[0].startswith(NOT_EXPORTED))
            or c[0].startswith(("d15 ", "f05 ", "f06 "))]
# Here, on every Python: the programs whose export the hunt found failing, each export's
# path once. The sample of every sixth program through the same paths (ENGINE_*) is in
# test_hunt4_exports_sample.py, on the default Python alone (.ci/campaigns.txt).
FOUND = [c for c in EXPORTED if c[0].startswith(("d15 ", "f05 ", "f06 "))]
ENGINE_GRADIENTS = [c for c in EXPORTED if c not in FOUND]


def test_export_refuses_a_helper_whose_wrapper_reads_a_closure(tmp_path):
    f = next(f for name, f, *_ in CASES if name.startswith("d17 "))
    with pytest.raises(astgrad.exporting.ExportError, match="closure variable 'f'"):
        astgrad.export(f, (0, 1))


def params(cases):
    return [pytest.param(*c, id=c[0].split()[0]) for c in cases]


@pytest.mark.parametrize("name, f, args, wrt", params(FOUND))
def test_exported_gradient(name, f, args, wrt, tmp_path):
    check_exported_gradient(f, args, wrt, tmp_path)


def check_exported_gradient(f, args, wrt, tmp_path):
    gradient, _ = _exported(f, tuple(wrt), "reverse", 1, tmp_path)
    got = gradient(*copies(args))
    for i, g in zip(wrt, got):
        assert_close(g, numerical_grad(lambda *a: f(*copies(a)), copies(args), wrt=i))


KINKS = [c for c in CASES if c[0].startswith(AT_A_KINK)]


@pytest.mark.parametrize("name, f, args, wrt", params(KINKS))
def test_exported_derivative_at_a_kink_is_astgrads(name, f, args, wrt, tmp_path):
    """At a kink, where the plain code of a derivative gives NaN (sqrt(x * x) at 0: an
    infinite local derivative times 0), astgrad answers with its zero-safe twin; the
    exported module holds the twin and falls back on it too (it returned NaN)."""
    gradient, _ = _exported(f, tuple(wrt), "reverse", 1, tmp_path)
    got = gradient(*copies(args))
    for i, g, expected in zip(wrt, got, astgrad.grad(f, tuple(wrt))(*copies(args))):
        np.testing.assert_allclose(g, expected, rtol=1e-14)
        assert_close(g, numerical_grad(lambda *a: f(*copies(a)), copies(args), wrt=i))
    product, tangents = _exported(f, wrt[0], "forward", 1, tmp_path)
    v = np.linspace(-1.0, 1.0, np.size(args[wrt[0]])).reshape(np.shape(args[wrt[0]])) + 0.3
    v = v if isinstance(args[wrt[0]], np.ndarray) else float(v)
    zero = [np.zeros_like(a) * 0.0 if isinstance(a, np.ndarray) else 0.0 for a in args]
    _, expected = astgrad.jvp(f, copies(args), tuple(v if i == wrt[0] else t for i, t in enumerate(zero)))
    np.testing.assert_allclose(product(*copies(args), **{tangents[0]: v})[1], expected, rtol=1e-14)


def test_the_plain_code_at_a_kink_gives_nan():
    """What the exported fallback is for: c21's plain code gives NaN at 0 in both modes."""
    name, f, args, wrt = next(c for c in KINKS if c[0].startswith("c21 "))
    with np.errstate(all="ignore"):
        assert np.isnan(_derivative(f, tuple(wrt), "reverse", 1)(*args)[0])
        assert np.isnan(_derivative(f, 0, "forward", 1)(*args, d_x=1.0)[1])


# and recursive helpers: the jvp of a recursive gradient calls itself by the name of the
# jvp that calls it first, which the module gives to that one
RECURSIVE = [c for c in CASES if c[0].startswith(("d13 ", "d14 ", "d16 "))]
ENGINE_PRODUCTS = EXPORTED[::3]


@pytest.mark.parametrize("name, f, args, wrt", params(RECURSIVE))
def test_exported_hessian_vector_product(name, f, args, wrt, tmp_path):
    check_exported_hessian_vector_product(f, args, wrt, tmp_path)


def check_exported_hessian_vector_product(f, args, wrt, tmp_path):
    i = wrt[0]
    v = np.linspace(-1.0, 1.0, np.size(args[i])).reshape(np.shape(args[i])) + 0.3
    v = v if isinstance(args[i], np.ndarray) else float(v)
    product, tangents = _exported(f, i, "forward", 2, tmp_path)
    assert len(tangents) == 1
    _, got = product(*copies(args), **{tangents[0]: v})
    assert_close(got, astgrad.hvp(f, wrt=i)(*copies(args), v), 1e-6, 1e-8)


# the second derivative (reverse mode, order 2) called with its default seeds: the seed of
# the gradient's output, 1.0, stands for 1 in each of its elements (the generated code
# takes it shaped like the gradient: a scalar gave wrong values, c16 and b13, or a
# TypeError where the code indexes it)
SECOND = [c for c in CASES if c[0].startswith(("a14 ", "b13 ", "c15 ", "c16 "))]
ENGINE_SECOND = EXPORTED[1::4]


@pytest.mark.parametrize("name, f, args, wrt", params(SECOND))
def test_exported_second_derivative_with_its_default_seeds(name, f, args, wrt, tmp_path):
    check_exported_second_derivative(f, args, wrt, tmp_path)


def check_exported_second_derivative(f, args, wrt, tmp_path):
    i = wrt[0]
    second, _ = _exported(f, i, "reverse", 2, tmp_path)
    ones = np.ones(np.shape(args[i])) if isinstance(args[i], np.ndarray) else 1.0
    assert_close(second(*copies(args)), astgrad.hvp(f, wrt=i)(*copies(args), ones), 1e-6, 1e-8)


def test_exported_second_derivative_in_two_arguments_with_its_default_seeds(tmp_path):
    name, f, args, wrt = next(c for c in CASES if c[0].startswith("c16 "))
    second, _ = _exported(f, (0, 1), "reverse", 2, tmp_path)
    gradient = astgrad.grad(f, wrt=(0, 1))

    def gradient_sum(*a):
        return sum(np.sum(g) for g in gradient(*copies(a)))
    got = second(*copies(args))
    for i in (0, 1):
        assert_close(got[i], numerical_grad(gradient_sum, copies(args), wrt=i), 1e-5, 1e-6)


def _star(x, *ws):
    return np.sum(x * ws[0]) + ws[1] ** 2


def test_export_of_a_function_taking_star_args_says_why_not():
    """Its derivative depends on how many arguments a call gives (it raised AttributeError
    from astgrad's internals)."""
    with pytest.raises(astgrad.exporting.ExportError, match=r"_star takes \*args or \*\*kwargs"):
        astgrad.export(_star, 2)


def test_exported_second_derivative_of_a_bound_method(tmp_path):
    """export(model.sharpe, 0, order=2): the gradient's code takes the receiver first, so
    the second differentiation counts wrt after it (it differentiated with respect to the
    object, and returned its attributes' derivatives)."""
    model = Portfolio()
    x = np.array([0.55, 0.2, 0.85])
    second, _ = _exported(model.sharpe, 0, "reverse", 2, tmp_path)
    assert_close(second(model, x.copy()), astgrad.hvp(model.sharpe)(x, np.ones(3)), 1e-6, 1e-8)
    third, _ = _exported(model.sharpe, 0, "reverse", 3, tmp_path)
    hvp = astgrad.hvp(model.sharpe)
    want = numerical_grad(lambda v: np.sum(hvp(v, np.ones(3))), (x.copy(),))
    assert_close(third(model, x.copy()), want, 1e-5, 1e-6)
