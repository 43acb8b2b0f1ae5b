"""Second and third derivatives of np.linalg.det, at invertible, singular (rank n-1 and
n-2), near-singular and stacked matrices, n = 1..4.

det is a polynomial in the entries of its matrix, so its derivatives exist everywhere,
and central finite differences are valid at singular matrices too. det is also affine
in each single entry, so its mixed derivatives along distinct entries are exact
differences with step 1: d2 det / da_p da_q = det(a + e_p + e_q) - det(a + e_p) -
det(a + e_q) + det(a), and likewise over the 8 corners for a third derivative. Those
give a reference that no step size spoils.
"""

import itertools

import numpy as np
import pytest

import astgrad
from astgrad import runtime as rt
from astgrad.errors import TransformError
from fd import assert_close, numerical_jvp
from rule_harness import inner, run_adjoint, run_tangent

RNG = np.random.default_rng(20261207)

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def of_rank(n, rank, rng):
    if rank == 0:
        return np.zeros((n, n))
    return rng.normal(size=(n, rank)) @ rng.normal(size=(rank, n))


def _matrices():
    rng = np.random.default_rng(7)
    cases = []
    for n in (1, 2, 3, 4):
        for rank in sorted({n, n - 1, max(n - 2, 0)}, reverse=True):
            cases.append((f"n{n}_rank{rank}", of_rank(n, rank, rng)))
        cases.append((f"n{n}_near_singular", of_rank(n, n - 1, rng) + 1e-9 * rng.normal(size=(n, n))))
    cases.append(("integer_rank2", np.arange(1.0, 10.0).reshape(3, 3)))
    cases.append(("diagonal_with_zeros", np.diag([2.0, 0.0, 0.0, 3.0])))
    return cases


MATRICES = _matrices()
IDS = [name for name, _ in MATRICES]
POINTS = [a for _, a in MATRICES]


# -- the programs ----------------------------------------------------------------------------

def det(a):
    return np.linalg.det(a)


def det_squared(a):
    return np.linalg.det(a) ** 2


def det_times_a(a):
    return np.sum(np.linalg.det(a) * a)


def det_of_stack(a):
    return np.sum(np.linalg.det(a) * np.arange(1.0, a.shape[0] + 1))


PROGRAMS = [det, det_squared, det_times_a]


# -- exact references for det ------------------------------------------------------------------

def _basis(n):
    return [np.eye(n * n)[p].reshape(n, n) for p in range(n * n)]


def exact_mixed_derivative(a, entries):
    """d^k det / da_{p1} ... da_{pk} for distinct flat entries: det is affine in each
    entry, so this is the alternating sum of det over the corners of the unit cube."""
    if len(set(entries)) < len(entries):
        return 0.0
    n = a.shape[0]
    total = 0.0
    for corner in itertools.product((0, 1), repeat=len(entries)):
        shifted = a.copy().ravel()
        for p, c in zip(entries, corner):
            shifted[p] += c
        total += (-1) ** (len(entries) - sum(corner)) * np.linalg.det(shifted.reshape(n, n))
    return total


def exact_hessian_of_det(a):
    n2 = a.size
    return np.array([[exact_mixed_derivative(a, (p, q)) for q in range(n2)] for p in range(n2)])


def hessian_by_differences(f, a):
    """Columns: central differences of the (first-order, already checked) gradient."""
    gradient = astgrad.grad(f)
    return np.stack([numerical_jvp(gradient, (a,), (e,)).ravel() for e in _basis(a.shape[0])], axis=-1)


# -- second order ------------------------------------------------------------------------------

@pytest.mark.parametrize("a", POINTS, ids=IDS)
def test_hessian_of_det_is_exact(a):
    n2 = a.size
    hessian = astgrad.hessian(det)(a).reshape(n2, n2)
    assert np.all(np.isfinite(hessian))
    assert_close(hessian, exact_hessian_of_det(a), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("a", POINTS, ids=IDS)
@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
def test_hessian_matches_finite_differences(f, a):
    n2 = a.size
    hessian = astgrad.hessian(f)(a).reshape(n2, n2)
    assert np.all(np.isfinite(hessian))
    assert_close(hessian, hessian_by_differences(f, a), rtol=1e-5, atol=1e-6)
    assert_close(hessian, hessian.T, rtol=1e-10, atol=1e-10)


DIRECTION = {}


def _direction(n):
    if n not in DIRECTION:
        DIRECTION[n] = RNG.normal(size=(n, n))
    return DIRECTION[n]


def det_gradient_along(a):
    return np.sum(astgrad.grad(det)(a) * _direction(a.shape[0]))


def det_squared_gradient_along(a):
    return np.sum(astgrad.grad(det_squared)(a) * _direction(a.shape[0]))


def det_times_a_gradient_along(a):
    return np.sum(astgrad.grad(det_times_a)(a) * _direction(a.shape[0]))


ALONG = {det: det_gradient_along, det_squared: det_squared_gradient_along,
         det_times_a: det_times_a_gradient_along}


@pytest.mark.parametrize("a", POINTS, ids=IDS)
@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
def test_jvp_of_grad_equals_grad_of_grad(f, a):
    v = _direction(a.shape[0])
    forward_over_reverse = astgrad.jvp(astgrad.grad(f), (a,), (v,))[1]
    reverse_over_reverse = astgrad.grad(ALONG[f])(a)
    assert_close(forward_over_reverse, reverse_over_reverse, rtol=1e-9, atol=1e-9)
    assert_close(forward_over_reverse, numerical_jvp(astgrad.grad(f), (a,), (v,)), rtol=1e-5, atol=1e-6)


def test_hessian_on_a_stack_of_invertible_and_singular_matrices():
    rng = np.random.default_rng(11)
    stack = np.stack([of_rank(3, 3, rng), of_rank(3, 2, rng), of_rank(3, 1, rng), np.zeros((3, 3))])
    hessian = astgrad.hessian(det_of_stack)(stack).reshape(36, 36)
    expected = np.stack([numerical_jvp(astgrad.grad(det_of_stack), (stack,), (e.reshape(stack.shape),)).ravel()
                         for e in np.eye(36)], axis=-1)
    assert_close(hessian, expected, rtol=1e-5, atol=1e-6)
    for k, a in enumerate(stack):       # no coupling between the matrices of the stack
        block = hessian[9 * k:9 * k + 9, 9 * k:9 * k + 9]
        assert_close(block, (k + 1) * exact_hessian_of_det(a), rtol=1e-9, atol=1e-9)


def test_hessian_keeps_float32_at_a_singular_matrix():
    a = np.arange(1.0, 10.0).reshape(3, 3)
    hessian = astgrad.hessian(det)(a.astype(np.float32))
    assert hessian.dtype == np.float32
    assert_close(hessian.reshape(9, 9), exact_hessian_of_det(a), rtol=1e-4, atol=1e-4)


# -- third order -------------------------------------------------------------------------------

def det_entry_01(a):
    return astgrad.grad(det)(a)[0, min(1, a.shape[0] - 1)]


def det_entry_01_then_10(a):
    return astgrad.grad(det_entry_01)(a)[min(1, a.shape[0] - 1), 0]


def det_squared_entry_01(a):
    return astgrad.grad(det_squared)(a)[0, min(1, a.shape[0] - 1)]


@pytest.mark.parametrize("a", POINTS, ids=IDS)
def test_third_derivative_of_det_is_exact(a):
    n = a.shape[0]
    n2, p = n * n, min(1, n - 1)        # p: the flat index of entry [0, 1]
    expected = np.array([[exact_mixed_derivative(a, (p, q, r)) for r in range(n2)] for q in range(n2)])
    forward_over_reverse = astgrad.hessian(det_entry_01)(a).reshape(n2, n2)
    assert_close(forward_over_reverse, expected, rtol=1e-9, atol=1e-9)
    reverse_cubed = astgrad.grad(det_entry_01_then_10)(a).ravel()
    assert_close(reverse_cubed, expected[min(1, n - 1) * n], rtol=1e-9, atol=1e-9)   # row of entry [1, 0]


@pytest.mark.parametrize("a", POINTS, ids=IDS)
def test_third_derivative_of_det_squared_matches_finite_differences(a):
    n2 = a.size
    third = astgrad.hessian(det_squared_entry_01)(a).reshape(n2, n2)
    assert_close(third, hessian_by_differences(det_squared_entry_01, a), rtol=1e-5, atol=1e-6)


def det_third_order(a):
    return astgrad.grad(det_entry_01_then_10)(a)[2, 2]


def test_fourth_derivative_is_refused_clearly():
    a = np.arange(1.0, 10.0).reshape(3, 3)
    with pytest.raises(TransformError, match="past the third order"):
        astgrad.grad(det_third_order)(a)
    with pytest.raises(TransformError, match="past the third order"):
        astgrad.jvp(det_third_order, (a,), (np.ones((3, 3)),))


# -- the rules of the third-derivative helper in its linear arguments --------------------------

@pytest.mark.parametrize("a", [POINTS[IDS.index("n4_rank2")], POINTS[IDS.index("n3_rank3")]], ids=["rank2", "rank3"])
def test_cofactors_second_change_rules_for_its_directions(a):
    n = a.shape[0]
    h, k, th, tk, c = (RNG.normal(size=(n, n)) for _ in range(5))
    _, jvp = run_tangent(rt.cofactors_second_change, (a, h, k), {}, {"h": th, "k": tk})
    expected = numerical_jvp(lambda h, k: rt.cofactors_second_change(a, h, k), (h, k), (th, tk))
    assert_close(jvp, expected, rtol=1e-6, atol=1e-8)
    _, adjoints = run_adjoint(rt.cofactors_second_change, (a, h, k), {}, c, wrt={"h", "k"})
    assert np.isclose(inner(c, jvp), inner(adjoints["h"], th) + inner(adjoints["k"], tk), rtol=1e-10)
