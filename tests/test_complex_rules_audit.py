"""Every elementwise rule of the table on complex values, against central differences.

For each NumPy ufunc and scipy.special function with a derivative rule, and each way a
complex value can reach it (the only operand, either operand beside a real array, both
operands), the gradient and the tangent of ``sum(real(w)) + sum(imag(w)) / 2`` for
``w = f(x * C)`` by a real x are compared with central differences: a rule must give the
right value or refuse (an error), never a wrong number. It found numpy.arccosh's
derivative on the wrong branch for Re z < 0. The same file checks numpy.linalg.det and
slogdet of a complex matrix (det's cofactors were formed with transposes where a complex
SVD needs conjugate transposes; slogdet's sign was taken as constant), and numpy.stack
and vstack of one array (a sequence of rows), whose derivative was wrong for real values
too, math.prod of complex items (its derivative dropped their imaginary parts), and the
tangents of numpy.full_like with a complex fill and of math.fsum of complex NumPy numbers,
which keep the real parts (the tangents kept the imaginary parts too).

With SciPy installed, scipy.linalg's rules are checked on complex matrices the same way:
each gives the right value (det, inv, expm, pinv, solve, solve_triangular, at second
order too) or refuses complex matrices by name (eigh, svd, norm, cholesky, ...). The rules
whose function NumPy or SciPy computes on real values only (np.modf, scipy.special.exp2)
raise on a complex value, never return a number.
"""

import importlib.util

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp
from program_files import load

HEAD = """
import numpy as np

C = np.array([0.6 + 0.8j, -0.5 + 1.1j, 1.2 - 0.4j])
D = np.array([0.35 - 0.9j, 0.8 + 0.2j, -0.7 - 0.6j])
Y = np.array([0.9, 1.3, 0.6])
"""
C = np.array([0.6 + 0.8j, -0.5 + 1.1j, 1.2 - 0.4j])
D = np.array([0.35 - 0.9j, 0.8 + 0.2j, -0.7 - 0.6j])
Y = np.array([0.9, 1.3, 0.6])
X = np.array([0.45, 0.7, 0.9])
T = np.array([0.3, -0.8, 0.5])
CALLS = {"unary": "{f}(x * C)", "complex_real": "{f}(x * C, Y)", "real_complex": "{f}(Y, x * C)",
         "both": "{f}(x * C, x[::-1] * D)"}


def _values(kind):
    z = X * C
    return {"unary": (z,), "complex_real": (z, Y), "real_complex": (Y, z), "both": (z, X[::-1] * D)}[kind]


def _cases():
    """(public name, call kind) for each elementwise rule NumPy or SciPy computes on complex values."""
    import importlib
    cases = []
    for rule in astgrad.rules():
        module, _, name = rule.name.rpartition(".")
        if rule.kind != "elementwise" or module not in ("numpy", "scipy.special"):
            continue
        fn = getattr(importlib.import_module(module), name)
        nin = getattr(fn, "nin", None)
        for kind in CALLS:
            if nin is not None and (nin == 1) != (kind == "unary"):
                continue
            try:
                with np.errstate(all="ignore"):
                    out = np.asarray(fn(*_values(kind)))
            except (TypeError, ValueError):
                continue            # NumPy itself takes no complex value here
            if out.dtype.kind in "fc":
                cases.append((rule.name, kind))
    return cases


CASES = _cases()
needs_scipy = pytest.mark.skipif(importlib.util.find_spec("scipy") is None, reason="SciPy is not installed")


def _program(name, kind):
    call = CALLS[kind].format(f=name.replace("numpy.", "np."))
    imports = "import scipy.special\n" if name.startswith("scipy.") else ""
    return load(imports + HEAD + f"\ndef f(x):\n    w = {call}\n    return np.sum(np.real(w)) + 0.5 * np.sum(np.imag(w))\n", "f")


def test_the_audit_covers_the_elementwise_rules():
    assert len(CASES) > 60
    assert ("numpy.arccosh", "unary") in CASES and ("numpy.multiply", "both") in CASES


@needs_scipy
def test_the_audit_covers_scipys_elementwise_rules_when_scipy_is_installed():
    # astgrad registers SciPy's rules when a program first uses SciPy; rules() loads them
    scipy_cases = {case for case in CASES if case[0].startswith("scipy.special.")}
    assert {("scipy.special.erf", "unary"), ("scipy.special.expm1", "unary"),
            ("scipy.special.xlogy", "both")} <= scipy_cases and len(scipy_cases) >= 12


@pytest.mark.parametrize("name, kind", CASES)
def test_an_elementwise_rule_on_complex_values_is_right_or_refused(name, kind):
    fn = _program(name, kind)
    with np.errstate(all="ignore"):
        expected_gradient = numerical_grad(fn, (X.copy(),), 0)
        expected_tangent = numerical_jvp(fn, (X.copy(),), (T,))
        for compute, expected in ((lambda: astgrad.grad(fn)(X.copy()), expected_gradient),
                                  (lambda: astgrad.jvp(fn, (X.copy(),), (T,))[1], expected_tangent)):
            try:
                found = compute()
            except (TypeError, astgrad.TransformError):
                continue            # refused: not a wrong value
            assert_close(found, expected, rtol=1e-5, atol=1e-6)


MATRICES = """
import math
import warnings

import numpy as np

C = np.array([0.6 + 0.8j, -0.5 + 1.1j, 1.2 - 0.4j])
B = np.array([[0.9 + 0.3j, 0.2, -0.4j], [0.1, 1.3 - 0.2j, 0.5], [-0.3j, 0.4, 0.7 + 0.1j]])


def det_abs(x):
    return np.abs(np.linalg.det(np.outer(x, C) + B))


def det_parts(x):
    return np.real(np.linalg.det(B * x)) + np.imag(np.linalg.det(B + np.outer(x[::-1], C)))


def slogdet_log(x):
    return np.linalg.slogdet(B + np.outer(x, C))[1]


def slogdet_sign(x):
    sign, log = np.linalg.slogdet(B + np.outer(x, C))
    return np.real(sign) * log + np.imag(sign)


def slogdet_real(x):
    sign, log = np.linalg.slogdet(np.real(B) + np.outer(x, np.real(C)))
    return sign * log + sign


W = np.array([0.6, -0.5, 1.2])
V = np.array([1.0, 2.0, 3.0])


def stack_rows(x):
    return np.sum(np.stack(x * W) * V)


def vstack_rows(x):
    return np.sum(np.vstack(x * W) * V)


def stack_complex_rows(x):
    w = np.stack(x * C)
    return np.sum(np.real(w)) + 0.5 * np.sum(np.imag(w))


def product_of_complex_items(x):
    return np.abs(math.prod(x * C)) + np.real(math.prod([x[0] * C[1], x[2]]))


def real_parts_kept(x):
    # a complex fill of a float array, math.fsum of complex NumPy numbers: the real parts
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        return np.sum(np.full_like(W, x[0] * C[1]) * V) + math.fsum(x * C) * x[1]
"""
MATRIX_NAMES = ["det_abs", "det_parts", "slogdet_log", "slogdet_sign", "slogdet_real", "stack_rows",
                "vstack_rows", "stack_complex_rows", "product_of_complex_items",
                "real_parts_kept"]


@pytest.mark.parametrize("name", MATRIX_NAMES)
def test_determinants_of_complex_matrices_products_and_stacks_of_rows(name):
    fn = load(MATRICES, name)
    gradient = astgrad.grad(fn)
    assert_close(gradient(X), numerical_grad(fn, (X,), 0), rtol=1e-6, atol=1e-8)
    assert_close(astgrad.jvp(fn, (X,), (T,))[1], numerical_jvp(fn, (X,), (T,)), rtol=1e-6, atol=1e-8)
    expected = np.stack([numerical_grad(lambda v: gradient(v)[k], (X,), 0) for k in range(3)])
    assert_close(astgrad.hessian(fn)(X), expected, rtol=1e-5, atol=1e-6)


SCIPY_LINALG = """
import numpy as np
import scipy.linalg as sl

C = np.array([0.6 + 0.8j, -0.5 + 1.1j, 1.2 - 0.4j])
B = np.array([[0.9 + 0.3j, 0.2, -0.4j], [0.1, 1.3 - 0.2j, 0.5], [-0.3j, 0.4, 0.7 + 0.1j]])
H = B @ B.conj().T + 3 * np.eye(3)
K = np.array([1.0, 2.0, 3.0])


def parts(w):
    return np.sum(np.real(w)) + 0.5 * np.sum(np.imag(w))


def square(x):
    return B + np.outer(x, C)


def hermitian(x):
    a = np.outer(x, C)
    return H + a + a.conj().T


def det(x): return parts(sl.det(square(x)))
def inv(x): return parts(sl.inv(square(x)) * C)
def expm(x): return parts(sl.expm(0.3 * square(x)) * C)
def pinv(x): return parts(sl.pinv(square(x)) * C)
def solve(x): return parts(sl.solve(square(x), C * x))
def solve_triangular(x): return parts(sl.solve_triangular(np.triu(square(x)), C * x))
def solve_triangular_transposed(x): return parts(sl.solve_triangular(np.tril(square(x)), C * x, trans=1, lower=True))
def solve_triangular_conjugated(x): return parts(sl.solve_triangular(np.triu(square(x)), C * x, trans=2))
def eigh(x): return parts(sl.eigh(hermitian(x))[0] * K)
def eigvalsh(x): return parts(sl.eigvalsh(hermitian(x)) * K)
def svd(x): return parts(sl.svd(square(x))[1] * K)
def svdvals(x): return parts(sl.svdvals(square(x)) * K)
def norm(x): return sl.norm(square(x))
def norm_2(x): return sl.norm(x * C, 2)
def cholesky(x): return parts(sl.cholesky(hermitian(x)) * C)
def cho_solve(x): return parts(sl.cho_solve(sl.cho_factor(hermitian(x)), C * x))
"""
# the rules that refuse complex matrices, and what their message says
LINALG_REFUSED = {"solve_triangular_conjugated": "solve_triangular with trans=2 of real matri",
                  "eigh": "eigh of real matrices only", "eigvalsh": "eigvalsh of real matrices only",
                  "svd": "svd of real matrices only", "svdvals": "svdvals of real matrices only",
                  "norm": "norms of real arrays only", "norm_2": "norms of real arrays only",
                  "cholesky": "cholesky of real matrices only", "cho_solve": "cho_(factor|solve) of real matrices only"}
LINALG_RIGHT = ["det", "inv", "expm", "pinv", "solve", "solve_triangular", "solve_triangular_transposed"]


@needs_scipy
@pytest.mark.parametrize("name", LINALG_RIGHT + sorted(LINALG_REFUSED))
def test_a_scipy_linalg_rule_on_complex_matrices_is_right_or_refused_by_name(name):
    fn = load(SCIPY_LINALG, name)
    if name in LINALG_REFUSED:
        for compute in (lambda: astgrad.grad(fn)(X), lambda: astgrad.jvp(fn, (X,), (T,))):
            with pytest.raises(TypeError, match=r"astgrad_program\S*\.py:\d+: .*" + LINALG_REFUSED[name]):
                compute()
        return
    gradient = astgrad.grad(fn)
    assert_close(gradient(X), numerical_grad(fn, (X,), 0), rtol=1e-6, atol=1e-8)
    assert_close(astgrad.jvp(fn, (X,), (T,))[1], numerical_jvp(fn, (X,), (T,)), rtol=1e-6, atol=1e-8)
    assert_close(astgrad.hessian(fn)(X), numerical_hessian(gradient, (X,)), rtol=1e-5, atol=1e-6)


REAL_ONLY = {"modf": "np.modf(z)[0]", "frexp": "np.frexp(z)[0]", "nextafter": "np.nextafter(z, 1.0)",
             "spacing": "np.spacing(z)", "exp2": "sp.exp2(z)", "exp10": "sp.exp10(z)", "cbrt": "sp.cbrt(z)"}


@needs_scipy
@pytest.mark.parametrize("which", sorted(REAL_ONLY))
def test_a_function_computed_on_real_values_only_raises_on_a_complex_value(which):
    fn = load("import numpy as np\nimport scipy.special as sp\n\nC = np.array([0.6 + 0.8j, -0.5 + 1.1j])\n\n\n"
              f"def f(x):\n    z = x * C\n    return np.sum(np.real({REAL_ONLY[which]}))\n", "f")
    for compute in (lambda: astgrad.grad(fn)(X[:2]), lambda: astgrad.jvp(fn, (X[:2],), (T[:2],))):
        with pytest.raises(TypeError, match=f"ufunc '{which}' not supported for the input types"):
            compute()
