"""Complex values met at run time by the rules of a real program's operations.

A global that holds a complex number (or is rebound to one) is not seen when the code is
generated; the rules it then reaches must follow the convention of complex values (see
``runtime.abs_slope``), or fail loudly. Two did neither: the builtin ``abs`` took the
derivative of a real abs (``abs(1j * x * x)`` gave -2x for 2x), and the derivative of
``K ** x`` by the exponent compared the base with 0 (a bare TypeError for a Python
complex, and the log of 1 for a complex array with a negative real part). And abs's
slope ``conj(z)/|z|`` was taken as constant, as sign(x) is for real values: the Hessian
through abs of a complex value was 0. ``numpy.vdot`` conjugates its first operand; its
adjoint did not (a wrong gradient, the tangent right). ``numpy.var`` and ``std`` of a
complex value are the mean of ``|a - mean(a)| ** 2``: their derivatives took the deviation
without its conjugate (a wrong gradient, a complex tangent). The rules of eigh, eigvalsh,
cholesky, qr and svd are written for real matrices: a complex one gave wrong gradients, and
is refused now.
"""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp
from program_files import load

SOURCE = """
import numpy as np

K = 1j
C = np.array([-1.0 + 1.0j, 0.5 - 2.0j, 2.0 + 0.0j, 0.0 + 0.0j])


def builtin_abs(x):
    return np.sum(abs(K * x * x) + abs(C[0] * x))


def complex_base_power(x):
    return np.sum(np.abs(C[:3] ** x) + np.real(C[:3] ** (x * x)))


def python_complex_base(x):
    return abs(K ** x * x)


def imag_attribute(x):
    u = K * x + 0.3
    return np.sum(u.imag * u.real + np.abs(u).imag)


def angle_of(x):
    return np.sum(np.angle(K * x + 0.3))


def norm_of(x):
    return np.linalg.norm(K * x + 0.3)


def real_angle(x):
    return np.sum(np.angle(x - 0.5) * x)


def abs_of_complex(x):
    return np.sum(np.abs(K * x + 0.3))


def vdot_of_complex(x):
    return (np.abs(np.vdot(C[:3] * x + 0.2, C[:3] * x * x)) + np.abs(np.vdot(x, C[:3]))
            + np.abs(np.vecdot(C[:3] * x, x * x + C[:3])) + np.abs(np.linalg.vecdot(C[1:] * x, C[:3])))


def spread_of_complex(x):
    u = C[:3] * x + 0.3
    return (np.var(u) + np.abs(np.std(u * x, ddof=1)) + u.var() * u.std() + np.nanvar(u * x) + np.nanstd(u + x)
            + np.sum(np.var(u[:, None] * x, axis=0)))


B = np.array([[0.9 + 0.3j, 0.2, -0.4j], [0.1, 1.3 - 0.2j, 0.5], [-0.3j, 0.4, 0.7 + 0.1j]])
H = B @ B.conj().T + np.eye(3)


def eigh_of_complex(x):
    w, v = np.linalg.eigh(H + np.diag(x))
    return np.sum(w ** 3) + np.abs(v[0, 0]) ** 2


def eigvalsh_of_complex(x):
    return np.sum(np.linalg.eigvalsh(H + np.diag(x)) ** 2)


def cholesky_of_complex(x):
    return np.sum(np.abs(np.linalg.cholesky(H + np.diag(x))) ** 2)


def qr_of_complex(x):
    q, r = np.linalg.qr(B * x)
    return np.sum(np.abs(r) ** 2) + np.abs(q[0, 0])


def svd_of_complex(x):
    u, s, vh = np.linalg.svd(B * x)
    return np.sum(s ** 2) + np.abs(u[0, 0] * vh[0, 0])


def singular_values_of_complex(x):
    return np.sum(np.linalg.svd(B * x, compute_uv=False) ** 3)


def einsum_of_complex(x):
    return np.abs(np.einsum("i,i->", C[:3], x))


def builtin_abs_of_complex(x):
    return np.sum(abs(C[:3] * x + 0.3) * x)
"""

X = np.array([0.8, -0.3, 1.1])


@pytest.mark.parametrize("name, x", [("builtin_abs", X), ("complex_base_power", X), ("python_complex_base", 1.028),
                                     ("imag_attribute", X), ("real_angle", X), ("vdot_of_complex", X),
                                     ("spread_of_complex", X)])
def test_gradients_and_tangents_through_complex_values(name, x):
    fn = load(SOURCE, name)
    assert_close(astgrad.grad(fn)(x), numerical_grad(fn, (x,), 0), rtol=1e-7, atol=1e-9)
    tangent = np.linspace(-1.0, 0.5, 3) if isinstance(x, np.ndarray) else 0.5
    assert_close(astgrad.jvp(fn, (x,), (tangent,))[1], numerical_jvp(fn, (x,), (tangent,)), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name, message", [("angle_of", "numpy.angle of real values only"),
                                           ("norm_of", "norms of real arrays only")])
def test_what_has_no_rule_for_complex_values_says_so_when_it_meets_one(name, message):
    fn = load(SOURCE, name)
    with pytest.raises(TypeError, match=message):
        astgrad.grad(fn)(X)
    with pytest.raises(TypeError, match=message):
        astgrad.jvp(fn, (X,), (np.ones(3),))


@pytest.mark.parametrize("name", ["abs_of_complex", "builtin_abs_of_complex", "vdot_of_complex",
                                  "spread_of_complex"])
def test_second_order_through_a_complex_global(name):
    """abs_slope(z) = conj(z)/|z|, the factor of abs's derivative, changes with a complex z
    (it was taken as constant, as sign is for real values: the Hessian came out 0)."""
    fn = load(SOURCE, name)
    gradient = astgrad.grad(fn)
    expected = np.stack([numerical_grad(lambda v: gradient(v)[k], (X,), 0) for k in range(3)])
    assert np.abs(expected).max() > 0.1
    assert_close(astgrad.hessian(fn)(X), expected, rtol=1e-5, atol=1e-7)
    weights = np.array([0.5, -1.0, 2.0])
    by_grad = astgrad.grad(lambda v: np.sum(gradient(v) * weights))(X)
    assert_close(by_grad, expected.T @ weights, rtol=1e-5, atol=1e-7)
    _, product = astgrad.jvp(gradient, (X,), (weights,))
    assert_close(product, expected @ weights, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name, what", [
    ("eigh_of_complex", "numpy.linalg.eigh"), ("eigvalsh_of_complex", "numpy.linalg.eigvalsh"),
    ("cholesky_of_complex", "numpy.linalg.cholesky"), ("qr_of_complex", "numpy.linalg.qr"),
    ("svd_of_complex", "numpy.linalg.svd"), ("singular_values_of_complex", "numpy.linalg.svd")])
def test_decompositions_of_a_complex_matrix_are_refused(name, what):
    """Their rules are written for real matrices (transposes, not conjugate transposes): a
    complex matrix gave wrong gradients; now both modes say so."""
    fn = load(SOURCE, name)
    with pytest.raises(TypeError, match=f"differentiates {what} of real matrices only"):
        astgrad.grad(fn)(X)
    with pytest.raises(TypeError, match=f"differentiates {what} of real matrices only"):
        astgrad.jvp(fn, (X,), (np.ones(3),))


def test_a_complex_adjoint_reaching_a_real_argument_keeps_its_real_part():
    """einsum's adjoint was not projected on a real operand (refused when the gradient came
    out complex); it keeps the real part now, as JAX and autograd define it."""
    fn = load(SOURCE, "einsum_of_complex")
    found = astgrad.grad(fn)(X)
    assert found.dtype == np.float64
    assert_close(found, numerical_grad(fn, (X,), 0), rtol=1e-7, atol=1e-9)


def test_abs_of_a_complex_value_is_refused_past_the_second_derivative():
    gradient = astgrad.grad(load(SOURCE, "abs_of_complex"))
    second = astgrad.grad(lambda v: gradient(v)[0])
    with pytest.raises(TypeError, match="abs of a complex value at most twice"):
        astgrad.grad(lambda v: second(v)[1])(X)


POWER = """
import numpy as np
import astgrad

W = np.array([1.0, -2.0, 0.5])


def power(b, x):
    return np.sum(b ** x * W)


def by_exponent(b, x):
    return np.sum(astgrad.grad(power, 1)(b, x) * W)
"""


def test_power_second_order_through_the_log_of_its_base():
    """d/db of the derivative by the exponent needs d log(b)/db = 1/b: the helper
    keeping log's argument positive has a derivative of its own."""
    by_exponent = load(POWER, "by_exponent")
    b, x = np.array([0.5, 1.5, 2.5]), np.array([0.3, 2.0, -1.0])
    assert_close(astgrad.grad(by_exponent, (0, 1))(b, x), numerical_grad(by_exponent, (b, x), (0, 1)),
                 rtol=1e-6, atol=1e-8)
    power = load(POWER, "power")
    hessian = astgrad.hessian(power, 1)(b, x)
    assert_close(np.diag(hessian), W_VALUES * b ** x * np.log(b) ** 2, rtol=1e-12)


W_VALUES = np.array([1.0, -2.0, 0.5])


PARTS = np.array([1 + 2j, 0.5 - 1j, 2j])


def parts_of_a_tuple_of_mixed_arrays(x):
    # numpy.imag / numpy.real of a tuple of a complex and a real array: the adjoint is
    # taken item by item (it raised an internal TypeError on the tuple's dtype)
    a, b = np.imag(np.atleast_1d(x * PARTS, x * 2.0))
    c, d = np.real(np.atleast_1d(x * PARTS, x * 2.0))
    return np.sum(a ** 2) + np.sum(b * x) + np.sum(c * d)


def test_parts_of_a_tuple_of_mixed_arrays_match_finite_differences():
    x = np.array([0.3, -0.4, 0.9])
    expected = numerical_grad(parts_of_a_tuple_of_mixed_arrays, x)
    assert_close(astgrad.grad(parts_of_a_tuple_of_mixed_arrays)(x), expected)
    _, tangent = astgrad.jvp(parts_of_a_tuple_of_mixed_arrays, (x,), (np.ones(3),))
    assert_close(tangent, np.sum(expected))
