"""SciPy rules (scipy.special, scipy.stats and scipy.linalg), run only where SciPy is installed.

* Every rule on its own: the tangent template against central finite differences, the
  adjoint template as its transpose (<c, J t> == <J^T c, t>), on random inputs inside
  the domain, over several shapes and broadcasting.
* End to end: reverse and forward mode of user functions against finite differences,
  and second order (forward over reverse, reverse over reverse) against finite
  differences of the first-order gradient.
* Points outside the domain give SciPy's value and no exception; refused derivatives
  raise TransformError; ``import astgrad`` works with SciPy hidden.
"""

import math
import os
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

special = pytest.importorskip("scipy.special")
stats = pytest.importorskip("scipy.stats")
linalg = pytest.importorskip("scipy.linalg")

import astgrad  # noqa: E402
from astgrad.rules import optional, registry  # noqa: E402
from astgrad.special_functions import log_ndtr_gap, log_ndtr_slope, scipy_polygamma  # noqa: E402
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp  # noqa: E402
from rule_harness import check_derivatives, inner, run_adjoint, run_tangent  # noqa: E402

optional.load_imported()        # the engine does this when it resolves a scipy name

RNG = np.random.default_rng(11)
SCIPY_MODULES = ("astgrad.rules.scipy_special", "astgrad.rules.scipy_stats", "astgrad.rules.scipy_linalg")


def N(*shape):
    return float(RNG.standard_normal()) if not shape else RNG.standard_normal(shape)


def R(low, high):
    """Uniform in [low, high), of the given shape."""
    def draw(*shape):
        return float(RNG.uniform(low, high)) if not shape else RNG.uniform(low, high, shape)
    return draw


P = R(0.5, 3.0)         # positive, away from poles
U = R(-0.8, 0.8)        # inside (-1, 1)
Q = R(0.15, 0.85)       # inside (0, 1)


def spd(k):
    a = RNG.standard_normal((k, k))
    return a @ a.T + k * np.eye(k)


def simplex(k, *n):
    x = RNG.uniform(0.2, 1.0, (k,) + n)
    return x / np.sum(x, axis=0)


def simplex_direction(x):
    """A random direction that keeps each column of x on the simplex (SciPy checks it)."""
    t = RNG.standard_normal(np.shape(x))
    return t - np.mean(t, axis=0)


def lopsided(k, *batch):
    """A positive definite matrix (or stack) plus noise above the diagonal: what the
    Cholesky and symmetric solvers read is one triangle of it."""
    a = RNG.standard_normal(batch + (k, k))
    return a @ np.swapaxes(a, -1, -2) + k * np.eye(k) + np.triu(RNG.standard_normal(batch + (k, k)), 1)


def symmetric(x):
    t = RNG.standard_normal(np.shape(x))
    return t + t.T


# (primitive, args maker, kwargs, {parameter: tangent maker} for constrained arguments)
UNARY = [(special.gammaln, P), (special.gammaln, R(-2.8, -2.2)), (special.digamma, P), (special.gamma, P),
         (special.erf, N), (special.erfc, N), (special.erfinv, U), (special.erfcx, R(-3, 3)),
         (special.log_ndtr, R(-6, 6)), (special.log_ndtr, R(-40, -30)), (special.expit, R(-6, 6)),
         (special.ndtr, R(-4, 4)), (special.ndtri, R(0.05, 0.95)),
         (special.logit, Q), (special.i0, R(-3, 3)), (special.i1, R(-3, 3)),
         (special.exp2, N), (special.exp10, R(-1, 1)), (special.expm1, N), (special.cbrt, R(-3, 3))]
BINARY = [(special.beta, P, P), (special.betaln, P, P), (special.xlogy, N, P), (special.xlog1py, N, R(-0.5, 2))]
SHAPES = [(), (3,), (2, 3)]
BROADCAST = [((3,), ()), ((), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3))]

CASES = (
    [(f, (lambda d=d, s=s: (d(*s),)), {}, {}) for f, d in UNARY for s in SHAPES]
    + [(f, (lambda a=a, b=b, s=s: (a(*s[0]), b(*s[1]))), {}, {}) for f, a, b in BINARY for s in BROADCAST]
    + [(f.outer, (lambda a=a, b=b: (a(2), b(3))), {}, {}) for f, a, b in BINARY]       # ufunc.outer of them
    # ufunc.accumulate of them, on (0.2, 0.5): every running value stays where each is defined (betaln > 0);
    # drawn from a generator of their own, so the later tests' draws stay as they were
    + [(f.accumulate, (lambda: (np.random.default_rng(72).uniform(0.2, 0.5, (4, 2)),)), {}, {}) for f, _, _ in BINARY]
    + [(special.polygamma, lambda n=n: (n, P(4)), {}, {}) for n in (1, 2)]
    + [(scipy_polygamma, lambda: (1, P(4), "digamma"), {}, {})]
    # log_ndtr's slope and its sum with x: each formula of theirs (x > 0, x <= 0, the series below -100)
    + [(fn, lambda: (np.concatenate([R(-6, 6)(4), R(-300, -100)(2)]),), {}, {}) for fn in (log_ndtr_slope, log_ndtr_gap)]
    + [(special.iv, lambda: (1.5, P(2, 3)), {}, {}), (special.iv, lambda: (np.array([0.0, 2.5]), P(3, 1)), {}, {})]
    + [(special.logsumexp, lambda: (N(3, 4),), kw, {}) for kw in (
        {}, {"axis": 0}, {"axis": -1, "keepdims": True}, {"axis": (0, 1)}, {"keepdims": True})]
    + [(special.logsumexp, lambda: (N(3, 4), 1, P(4)), {}, {}),
       (special.logsumexp, lambda: (N(4), 1, P(3, 4)), {"keepdims": True}, {}),
       (special.logsumexp, lambda: (N(3, 4), None, P(3, 4)), {}, {})]
    + [(fn, lambda: (N(3, 4),), kw, {}) for fn in (special.softmax, special.log_softmax)
       for kw in ({}, {"axis": 0}, {"axis": -1}, {"axis": (0, 1)})]
    # scipy.stats
    + [(fn, lambda: (N(4), N(), P()), {}, {}) for fn in (stats.norm.logpdf, stats.norm.pdf, stats.norm.cdf)]
    + [(fn, lambda: (N(2, 3), N(3), P(2, 1)), {}, {}) for fn in (stats.norm.logpdf, stats.norm.pdf, stats.norm.cdf)]
    + [(stats.norm.logpdf, lambda: (N(3),), {}, {})]
    + [(fn, lambda: (N(4), R(1.5, 6)(), N(), P()), {}, {}) for fn in (stats.t.logpdf, stats.t.pdf)]
    + [(fn, lambda: (N(2, 3), R(1.5, 6)(3), N(2, 1), P()), {}, {}) for fn in (stats.t.logpdf, stats.t.pdf)]
    + [(stats.t.cdf, lambda: (N(2, 3), 3.0, N(3), P(2, 1)), {}, {})]
    + [(fn, lambda: (R(1.0, 4.0)(5), P(), R(-0.5, 0.5)(), P()), {}, {})
       for fn in (stats.gamma.logpdf, stats.gamma.pdf)]
    + [(fn, lambda: (R(0.5, 4.0)(2, 3), P(3), 0.0, P(2, 1)), {}, {}) for fn in (stats.gamma.logpdf, stats.gamma.pdf)]
    + [(stats.gamma.cdf, lambda: (R(0.5, 4.0)(2, 3), 2.5, R(-0.3, 0.3)(3), P()), {}, {})]
    + [(fn, lambda: (Q(5), P(), P()), {}, {}) for fn in (stats.beta.logpdf, stats.beta.pdf)]
    + [(fn, lambda: (R(0.1, 1.1)(2, 3), P(3), P(2, 1), R(-0.2, -0.1)(), R(1.4, 1.5)()), {}, {})
       for fn in (stats.beta.logpdf, stats.beta.pdf)]
    + [(stats.beta.cdf, lambda: (R(0.1, 1.1)(2, 3), 2.0, 3.0, R(-0.2, -0.1)(3), R(1.4, 1.5)()), {}, {})]
    + [(fn, lambda: (np.array([0, 1, 3, 7]), P(4)), {}, {}) for fn in (stats.poisson.logpmf, stats.poisson.pmf)]
    + [(stats.poisson.logpmf, lambda: (np.array([[2], [5]]), P(3), 1), {}, {})]
    + [(fn, lambda x=x: (x, N(3) * 0.3, spd(3)), {}, {"cov": symmetric})
       for fn in (stats.multivariate_normal.logpdf, stats.multivariate_normal.pdf)
       for x in (N(4, 3) * 0.5, N(3) * 0.5, N(2, 2, 3) * 0.5, N(1, 3) * 0.5)]
    + [(stats.multivariate_normal.logpdf, lambda: (N(5) * 0.5, N(), spd(1)), {}, {"cov": symmetric})]
    + [(fn, lambda x=x: (x, P(3)), {}, {"x": simplex_direction})
       for fn in (stats.dirichlet.logpdf, stats.dirichlet.pdf) for x in (simplex(3), simplex(3, 4))]
    # scipy.linalg: one triangle of a is read, so a need not be symmetric
    + [(linalg.cholesky, lambda: (lopsided(3),), kw, {}) for kw in ({}, {"lower": True})]
    + [(linalg.cholesky, lambda: (lopsided(3, 2),), {"lower": True}, {})]
    + [(linalg.cho_factor, lambda: (lopsided(4),), kw, {}) for kw in ({}, {"lower": True}, {"check_finite": False})]
    + [(linalg.cho_factor, lambda: (lopsided(3, 2),), {}, {})]
    + [(linalg.cho_solve, lambda b=b, low=low: (linalg.cho_factor(lopsided(3), lower=low), b), {}, {})
       for low in (True, False) for b in (N(3), N(3, 2))]
    + [(linalg.solve_triangular, lambda b=b: (lopsided(3), b), kw, {}) for b in (N(3), N(3, 2)) for kw in (
        {}, {"lower": True}, {"trans": "T"}, {"trans": 1, "lower": True, "unit_diagonal": True}, {"trans": "C"})]
    + [(linalg.solve, lambda b=b: (lopsided(3), b), kw, {}) for b in (N(3), N(3, 2)) for kw in (
        {}, {"assume_a": "gen", "transposed": True}, {"assume_a": "sym"}, {"assume_a": "pos", "lower": True},
        {"assume_a": "her", "transposed": True})]
    # numpy.linalg's math under SciPy's arguments: eigh and eigvalsh read one triangle
    + [(linalg.det, lambda s=s: (N(*s),), {}, {}) for s in ((3, 3), (2, 3, 3))]
    + [(linalg.inv, lambda: (lopsided(3),), kw, {}) for kw in ({}, {"check_finite": False, "assume_a": "gen"})]
    # (SciPy's default driver, 'evr', may flip an eigenvector's sign under a change of 1e-6:
    # finite differences of the vectors need 'evd', whose signs are continuous)
    + [(linalg.eigh, lambda: (lopsided(3),), kw, {}) for kw in ({"driver": "evd"}, {"lower": False, "driver": "evd"})]
    + [(linalg.eigvalsh, lambda: (lopsided(3),), kw, {}) for kw in ({}, {"lower": False, "driver": "evd"})]
    + [(linalg.pinv, lambda s=s: (N(*s),), kw, {}) for s, kw in (((4, 3), {}), ((3, 4), {"check_finite": False}))]
    + [(linalg.expm, lambda s=s: (0.5 * N(*s),), {}, {}) for s in ((3, 3), (2, 3, 3))]
    + [(linalg.norm, lambda s=s: (N(*s),), kw, {}) for s, kw in (
        ((4, 3), {}), ((4, 3), {"ord": "nuc", "check_finite": False}), ((4, 3), {"axis": 0, "ord": 3}), ((5,), {"ord": 1}))]
    + [(linalg.svdvals, lambda: (N(4, 3),), {}, {})]
    + [(linalg.svd, lambda s=s: (N(*s),), kw, {}) for s, kw in (
        ((4, 3), {"full_matrices": False}), ((3, 3), {}), ((2, 3, 4), {"full_matrices": False, "check_finite": False}))]
    # qr of full-rank square and tall matrices (mode='r' returns (r,), with zero rows under a tall one's r),
    # lstsq of full-rank tall, square and wide ones (residues: a number for a 1-D b, none for a square a)
    + [(linalg.qr, lambda s=s: (N(*s),), kw, {}) for s, kw in (
        ((4, 3), {"mode": "economic"}), ((3, 3), {}), ((4, 3), {"mode": "r", "check_finite": False}),
        ((2, 4, 3), {"mode": "economic"}), ((2, 4, 3), {"mode": "r"}), ((1, 3, 3), {"mode": "r"}))]
    + [(linalg.lstsq, lambda s=s: (N(*s[0]), N(*s[1])), {}, {}) for s in (
        ((5, 3), (5,)), ((5, 3), (5, 2)), ((3, 3), (3, 2)), ((2, 4), (2,)))]
    + [(linalg.lu_factor, lambda: (N(4, 4),), {}, {})]
    + [(linalg.lu_solve, lambda b=b: (linalg.lu_factor(N(3, 3)), b), kw, {}) for b, kw in (
        (N(3), {}), (N(3, 2), {"trans": 1}), (N(3), {"trans": 2}))]
    # the helpers these rules call (triangle, solve_read): tests/test_runtime.py, which runs without SciPy
)
# complex results (eigvals) and the helpers of a rule differentiated once: tested on their own below
COMPLEX_CASES = (linalg.eigvals, astgrad.runtime.eigvals_change)


def _case_id(case):
    primitive, _, kwargs, _ = case
    name = getattr(primitive, "__name__", "?")
    owner = getattr(primitive, "__self__", None)
    if owner is not None:           # a distribution's method: norm.logpdf, multivariate_normal.pdf
        return f"{type(owner).__name__.removesuffix('_gen')}.{name}"
    return name + (f"-{sorted(kwargs)}" if kwargs else "")


def _refused(template):
    """The parameters whose derivative the template refuses with ``unsupported``."""
    import gast
    refused = set()
    for stmt in template.body:
        calls = [node for node in gast.walk(stmt) if isinstance(node, gast.Call)]
        if any(isinstance(c.func, gast.Name) and c.func.id == "unsupported" for c in calls):
            refused |= {registry.derivative_ref(n) for n in gast.walk(stmt.value)} - {None}
    return refused


def _floats(v):
    return isinstance(v, float) or (isinstance(v, np.ndarray) and v.dtype.kind == "f")


def _float_items(value, like):
    """The items of ``value`` where the tuple ``like`` (cho_factor's (c, lower)) holds
    floats (a list for a stack); ``value`` itself when ``like`` is not a tuple."""
    return [v for v, item in zip(value, like) if _floats(item)] if isinstance(like, (tuple, list)) else value


def _random_like(y):
    if isinstance(y, (tuple, list)):
        return [_random_like(item) if _floats(item) else 0.0 for item in y]
    return N(*np.shape(y)) if np.ndim(y) else N()


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_tangent_matches_finite_differences_and_adjoint_is_its_transpose(case):
    primitive, make_args, kwargs, directions = case
    args = make_args()
    template = registry.TANGENTS[registry.rule_key(primitive)]
    bound = template.signature.bind(*args, **kwargs).arguments
    skip = _refused(template)   # integer orders and counts, cdfs in shape parameters
    active = {name: value for name, value in bound.items() if _floats(value) and name not in skip}
    tangents = {name: directions.get(name, lambda v: N(*np.shape(v)) if np.ndim(v) else N())(value)
                for name, value in active.items()}
    y, jvp = run_tangent(primitive, args, kwargs, tangents)

    names = list(template.signature.parameters)[:len(args)]
    expected = numerical_jvp(lambda *a: _float_items(primitive(*a, **kwargs), y), tuple(args),
                             tuple(tangents.get(name) for name in names))
    assert_close(_float_items(jvp, y), expected, rtol=1e-5, atol=1e-6, msg="tangent template vs finite differences")

    cotangent = _random_like(y)
    _, adjoints = run_adjoint(primitive, args, kwargs, cotangent, wrt=set(active))
    for name, value in adjoints.items():
        assert np.shape(value) == np.shape(active[name]), f"adjoint of {name} has shape {np.shape(value)}"
    lhs = inner(cotangent, jvp)
    rhs = sum(inner(adjoints[name], t) for name, t in tangents.items())
    assert math.isclose(lhs, rhs, rel_tol=1e-9, abs_tol=1e-9), f"<c, jvp> = {lhs} but <vjp, t> = {rhs}"


def test_every_scipy_rule_has_a_case():
    covered = {registry.rule_key(case[0]) for case in CASES} | {registry.rule_key(f) for f in COMPLEX_CASES}
    missing = sorted(registry.describe(key) for key, template in registry.TANGENTS.items()
                     if template.fn.__module__ in SCIPY_MODULES and key not in covered)
    assert not missing, f"add a case to CASES for: {missing}"


def test_eigvals_tangent_matches_finite_differences_and_its_adjoint_pairs_with_its_real_part():
    a = np.array([[0.6, -1.1, 0.3], [0.9, 0.2, -0.4], [0.1, 0.5, -0.7]])     # a complex pair and a real one
    t, c, h = N(3, 3), N(3) + 1j * N(3), 1e-6

    def eigvals(m):         # in the order of eigvals(a): each the nearest of the changed matrix's
        found = linalg.eigvals(m)
        return found[np.argmin(np.abs(linalg.eigvals(a)[:, None] - found[None, :]), axis=1)]
    expected = (eigvals(a + h * t) - eigvals(a - h * t)) / (2 * h)
    assert np.iscomplexobj(expected) and np.abs(expected.imag).max() > 0.1
    y, jvp = run_tangent(linalg.eigvals, (a,), {}, {"a": t})
    assert_close(jvp, expected, rtol=1e-5, atol=1e-6)
    _, adjoints = run_adjoint(linalg.eigvals, (a,), {}, c, wrt={"a"})
    # the adjoint of a complex value is dL/d(re) - 1j dL/d(im): <adjoint, t> = re(sum(c * jvp))
    assert math.isclose(float(np.sum(adjoints["a"] * t)), float(np.real(np.sum(c * jvp))), rel_tol=1e-9)


def test_the_helper_of_eigvals_refuses_every_derivative():
    helper = astgrad.runtime.eigvals_change
    import gast
    for table in (registry.ADJOINTS, registry.TANGENTS):
        template = table[registry.rule_key(helper)]
        refs = set()
        for stmt in template.body:
            assert any(isinstance(c, gast.Call) and getattr(c.func, "id", None) == "unsupported"
                       for c in gast.walk(stmt.value))
            refs |= {registry.derivative_ref(n) for n in gast.walk(stmt)} - {None}
        assert refs == {"r", "change", "a", "w"}


def test_scipy_norm_borrows_numpys_templates_and_leaves_numpys_rule_alone():
    scipy_norm = registry.ADJOINTS[registry.rule_key(linalg.norm)].parse()
    numpy_norm = registry.ADJOINTS[registry.rule_key(np.linalg.norm)].parse()
    assert list(scipy_norm.signature.parameters) == ["a", "ord", "axis", "keepdims", "check_finite"]
    assert list(numpy_norm.signature.parameters) == ["x", "ord", "axis", "keepdims"]
    assert numpy_norm.fn.__code__.co_filename.endswith("linalg_rules.py")
    assert registry.ADJOINTS[registry.rule_key(np.linalg.norm)] is numpy_norm


def test_scipy_templates_call_only_functions_with_rules():
    from test_runtime import _problems
    problems = {f"{t.kind} {registry.describe(key)}": _problems(t)
                for table in (registry.ADJOINTS, registry.TANGENTS) for key, t in table.items()
                if t.fn.__module__ in SCIPY_MODULES and _problems(t)}
    assert not problems, problems


# digamma's derivative is polygamma(1, x), which SciPy computes in float64 only
@pytest.mark.parametrize("fn", [special.gammaln, special.erf, special.expit, special.i1, special.logit],
                         ids=lambda f: f.__name__)
def test_elementwise_adjoints_keep_float32(fn):
    x = np.linspace(0.2, 0.8, 4, dtype=np.float32)
    _, adjoints = run_adjoint(fn, (x,), {}, np.ones(4, np.float32), wrt={"x"})
    assert adjoints["x"].dtype == np.float32


# ---------------------------------------------------------------------------------
# end to end: user functions in both modes, and second order
# ---------------------------------------------------------------------------------

def special_mix(x, w):
    return np.sum(special.gammaln(x * x + 1.0) * w) + special.logsumexp(x * w, axis=None) \
        + np.sum(special.log_softmax(x, axis=-1) * w) + np.sum(special.xlogy(w, x * x + 0.5))


def bessel_erf(x):
    return np.sum(special.i0(x) * special.erf(x) + special.i1(x) * special.expit(x)
                  + special.erfinv(x / 4.0) + special.polygamma(1, x * x + 1.0) + special.log_ndtr(3.0 * x)
                  + special.ndtr(x) * special.ndtri(special.expit(x)))


def t_likelihood(params, data):
    loc, log_scale, log_df = params[0], params[1], params[2]
    return np.sum(stats.t.logpdf(data, np.exp(log_df), loc, np.exp(log_scale)))


def gaussian_mixture(means, data):
    components = stats.norm.logpdf(data[:, None], means[None, :], 0.7)
    return np.sum(special.logsumexp(components, axis=1, b=np.array([0.3, 0.7])))


def densities(x, a):
    return (np.sum(stats.gamma.logpdf(x, a, scale=1.5)) + np.sum(stats.beta.pdf(x / 4.0, a, 2.0))
            + np.sum(stats.norm.cdf(x, a, 2.0)) + np.sum(stats.poisson.logpmf(COUNTS, x)))


COUNTS = np.array([0, 2, 5])


def mvn_likelihood(root, mean, points):
    cov = root @ root.T + 0.5 * np.eye(3)
    return np.sum(stats.multivariate_normal.logpdf(points, mean, cov))


def dirichlet_likelihood(log_alpha, raw):
    x = np.exp(raw) / np.sum(np.exp(raw), axis=0)
    return np.sum(stats.dirichlet.logpdf(x, np.exp(log_alpha)))


GP_X = np.linspace(-1.0, 1.0, 5)


def gp_kernel(theta):
    return np.exp(theta[0]) * np.exp(-0.5 * np.subtract.outer(GP_X, GP_X) ** 2 / np.exp(2.0 * theta[1])) \
        + (np.exp(theta[2]) + 0.1) * np.eye(5)


def gp_cho_factor(theta, y):
    c, low = linalg.cho_factor(gp_kernel(theta), lower=True)
    upper = linalg.cho_factor(gp_kernel(theta) + 0.5 * np.outer(y, y))
    return 0.5 * y @ linalg.cho_solve((c, low), y) + np.sum(np.log(np.diag(c))) \
        + y @ linalg.cho_solve(upper, y) + 0.1 * np.sum(upper[0])     # the other triangle too


def gp_triangular(theta, y):
    k = gp_kernel(theta)
    z = linalg.solve_triangular(linalg.cholesky(k, lower=True), y, lower=True)
    w = linalg.solve_triangular(linalg.cholesky(k), np.stack([y, y ** 2], axis=1), trans="T", unit_diagonal=True)
    return z @ z + 0.1 * np.sum(w ** 2)


def gp_solve(theta, y):
    k = gp_kernel(theta)
    return y @ linalg.solve(k, y, assume_a="pos") + np.sum(linalg.solve(k + np.triu(k, 1), y, transposed=True) ** 2)


def cho_solve_with_garbage(m, b):
    """cho_solve reads the factor's triangle only: what m puts above it has no effect."""
    factor = np.linalg.cholesky(m @ m.T + 3.0 * np.eye(3)) + np.triu(m, 1)
    return np.sum(linalg.cho_solve((factor, True), b) ** 2)


def test_cho_solve_of_a_factor_with_garbage_in_its_other_triangle():
    check_derivatives(cho_solve_with_garbage, (N(3, 3), N(3, 2)))


def linalg_mix(m, w):
    """det, inv, eigh (the upper triangle of its argument ignored), eigvalsh, pinv, expm, norm, svdvals, svd."""
    a = m @ m.T + 3.0 * np.eye(3)
    values, vectors = linalg.eigh(a + np.triu(m, 1), lower=True)
    return np.log(linalg.det(a)) + np.sum(linalg.inv(a) * w) + values @ w[0] + vectors[:, 0] ** 2 @ w[1] \
        + np.sum(linalg.eigvalsh(a + np.tril(m, -1), lower=False) ** 2) + np.sum(linalg.pinv(m[:, :2], rtol=1e-9) * w[:2]) \
        + np.sum(linalg.expm(0.3 * m) * w) + linalg.norm(m, "nuc") + linalg.norm(a=m, axis=0) @ w[2] \
        + np.sum(linalg.svdvals(m) ** 3) + linalg.svd(m)[0][:, 0] ** 2 @ w[0] + np.sum(special.exp2(m) + special.exp10(0.2 * m) * special.expm1(w)
                                                    + special.cbrt(m * m + 1.0))


def factorizations(m, w):
    """qr (economic of a tall matrix, r alone, full of a square one), lu_factor with
    lu_solve (both ways, b a vector and a matrix) and lstsq (solution, residues and
    singular values)."""
    tall = np.vstack([m, w[:1]]) + np.eye(4, 3)
    q, r = linalg.qr(tall, mode="economic")
    (r_only,) = linalg.qr(tall, mode="r")
    qs, rs = linalg.qr(m + 2.0 * np.eye(3))
    lu_and_piv = linalg.lu_factor(m + w)
    x = linalg.lu_solve(lu_and_piv, w[0])
    xt = linalg.lu_solve(lu_and_piv, w[1:].T, trans=1)
    solution, residues, rank, values = linalg.lstsq(tall, np.array([1.0, -0.5, 0.3, 2.0]) * m[0, 0])
    return np.sum(q * np.vstack([w, w[:1]])) + np.sum(r * w) + np.sum(r_only ** 3) + np.sum(np.sin(qs)) \
        + rs[0, 1] + x @ w[2] + np.sum(xt ** 2) + np.sum(np.log(np.abs(np.diag(lu_and_piv[0])))) \
        + solution @ w[0] + residues + np.sum(values ** 2)


END_TO_END = [
    (linalg_mix, lambda: (N(3, 3) * 0.5, N(3, 3))),
    (factorizations, lambda: (N(3, 3) * 0.5, N(3, 3))),
    (gp_cho_factor, lambda: (N(3) * 0.3, N(5))),
    (gp_triangular, lambda: (N(3) * 0.3, N(5))),
    (gp_solve, lambda: (N(3) * 0.3, N(5))),
    (special_mix, lambda: (N(2, 3), P(3))),
    (bessel_erf, lambda: (U(5),)),
    (t_likelihood, lambda: (np.array([0.2, -0.3, 1.2]), N(6))),
    (gaussian_mixture, lambda: (np.array([-1.0, 1.5]), N(7))),
    (densities, lambda: (R(0.5, 3.5)(3), P(3))),
    (mvn_likelihood, lambda: (N(3, 3) * 0.5, N(3) * 0.3, N(4, 3))),
    (dirichlet_likelihood, lambda: (N(3) * 0.3, N(3, 4))),
]


@pytest.mark.parametrize("f, make_args", END_TO_END, ids=[f.__name__ for f, _ in END_TO_END])
def test_reverse_and_forward_mode_match_finite_differences(f, make_args):
    args = make_args()
    wrt = (0,) if f in (t_likelihood, gaussian_mixture) else None
    check_derivatives(f, args, wrt=wrt, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("f, make_args", END_TO_END, ids=[f.__name__ for f, _ in END_TO_END])
def test_second_order_matches_finite_differences_of_the_gradient(f, make_args):
    args = make_args()
    gradient = astgrad.grad(f)
    expected = numerical_hessian(gradient, args)
    hessian = astgrad.hessian(f)(*args)             # forward over reverse
    size = np.size(args[0])
    assert_close(np.reshape(hessian, (size, size)), expected, rtol=1e-4, atol=1e-5)


def hessian_vector(x, v):
    return np.sum(astgrad.grad(special_mix)(x, WEIGHTS) * v)


WEIGHTS = np.array([0.5, 1.5, 2.0])


def test_reverse_over_reverse():
    x, v = N(2, 3), N(2, 3)
    expected = numerical_jvp(lambda x: astgrad.grad(special_mix)(x, WEIGHTS), (x,), (v,))
    assert_close(astgrad.grad(hessian_vector)(x, v), expected, rtol=1e-4, atol=1e-5)


def digamma_chain(x):
    return special.gammaln(x) * 2.0


def test_third_order_of_gammaln_is_polygamma():
    third = astgrad.grad(astgrad.grad(astgrad.grad(digamma_chain)))
    assert math.isclose(third(1.7), 2.0 * special.polygamma(2, 1.7), rel_tol=1e-12)


def norm_at(x):
    return stats.norm.logpdf(x, 1.0, 2.0)


NORM = stats.norm
NORM_LOGPDF = stats.norm.logpdf


def norm_by_alias(x):
    return NORM.logpdf(x, 1.0, 2.0)


def norm_by_method(x):
    return NORM_LOGPDF(x, 1.0, 2.0)


@pytest.mark.parametrize("f", [norm_at, norm_by_alias, norm_by_method], ids=lambda f: f.__name__)
def test_the_rule_is_found_by_object_however_it_is_spelled(f):
    assert math.isclose(astgrad.grad(f)(0.4), -(0.4 - 1.0) / 4.0, rel_tol=1e-12)
    assert math.isclose(astgrad.jvp(f, (0.4,), (1.0,))[1], -(0.4 - 1.0) / 4.0, rel_tol=1e-12)


# ---------------------------------------------------------------------------------
# domain: SciPy's value, the derivative's natural value, never an exception
# ---------------------------------------------------------------------------------

def gammaln_at(x):
    return special.gammaln(x)


def logit_at(x):
    return special.logit(x)


def gamma_logpdf_at(x):
    return stats.gamma.logpdf(x, 2.0)


def beta_logpdf_at(x):
    return stats.beta.logpdf(x, 2.0, 3.0)


def poisson_at(mu):
    return np.sum(stats.poisson.logpmf(np.array([-1, 2]), mu))


def norm_scale(s):
    return stats.norm.logpdf(0.3, 0.0, s)


def xlogy_at(y):
    return special.xlogy(0.0, y) + special.xlogy(2.0, y)


def erfinv_at(x):
    return special.erfinv(x)


def poisson_at_zero(mu):
    return stats.poisson.logpmf(0, mu)


def lse_of_nothing(x):
    return special.logsumexp(np.array([x, x]))


@pytest.mark.parametrize("f, x, value, derivative", [
    (gammaln_at, 0.0, np.inf, -np.inf),             # a pole: digamma(0) is -inf in SciPy
    (gammaln_at, -1.0, np.inf, np.nan),             # and digamma(-1) is nan
    (logit_at, 0.0, -np.inf, np.inf),
    (logit_at, 1.5, np.nan, -4.0 / 3.0),            # outside [0, 1]: the formula's value
    (gamma_logpdf_at, -1.0, -np.inf, 0.0),          # outside the support: constant -inf
    (beta_logpdf_at, 1.5, -np.inf, 0.0),
    (norm_scale, -1.0, np.nan, -(0.09 - 1.0)),      # scale < 0: nan value, the formula's derivative
    (xlogy_at, 0.0, -np.inf, np.inf),
    (erfinv_at, 1.0, np.inf, np.inf),
    (gamma_logpdf_at, 0.0, -np.inf, 0.0),           # on the boundary, Python floats: no ZeroDivisionError
    (norm_scale, 0.0, np.nan, np.inf),
    (poisson_at_zero, 0.0, 0.0, np.nan),            # mu = 0, k = 0: 0 / 0
    (lse_of_nothing, -np.inf, -np.inf, np.nan),     # all terms -inf
])
def test_out_of_domain_values(f, x, value, derivative):
    with np.errstate(all="ignore"):
        got_value, got = astgrad.value_and_grad(f)(x)
        _, forward = astgrad.jvp(f, (x,), (1.0,))
    np.testing.assert_equal(got_value, value)
    np.testing.assert_allclose(got, derivative, rtol=1e-12)
    np.testing.assert_allclose(forward, derivative, rtol=1e-12)


def test_poisson_outside_the_support_has_zero_derivative():
    # k = -1 has probability 0 (logpmf -inf, constant in mu); k = 2 gives 2 / mu - 1
    value, g = astgrad.value_and_grad(poisson_at)(np.array([0.5, 2.0]))
    assert value == -np.inf
    np.testing.assert_allclose(g, [0.0, 2.0 / 2.0 - 1.0])


def log_ndtr_at(x):
    return special.log_ndtr(x)


@pytest.mark.parametrize("x, derivative", [
    (-1e200, 1e200),                 # value -inf, but pdf / cdf is about -x: finite
    (-40.0, 40.024968847207),        # -x + 1 / x - 2 / x**3 + ...: exp(-x * x / 2) cancels
    (40.0, 0.0), (1e10, 0.0),        # pdf / cdf underflows to its limit 0, not nan
])
def test_log_ndtr_derivative_is_finite_in_the_tails(x, derivative):
    _, g = astgrad.value_and_grad(log_ndtr_at)(x)
    _, forward = astgrad.jvp(log_ndtr_at, (x,), (1.0,))
    np.testing.assert_allclose([g, forward], derivative, rtol=1e-12)


def sum_of_log_ndtr(x):
    return np.sum(special.log_ndtr(x))


def test_log_ndtr_second_derivative_is_quiet_and_right_in_the_tails():
    """-s * (x + s) for the slope s = pdf / cdf: far right both are 0 (erfcx(-x / sqrt(2))
    overflowed, 0 * inf warned and gave nan), far left x + s is about -1 / x, which the
    sum of x and s (about -x) lost to cancellation (-19073 at -1e10)."""
    x = np.array([-1e10, -40.0, 0.0, 10.0, 40.0])
    second = [-1.0, -0.9993773316214086, -2.0 / np.pi, -7.694598626706419e-22, 0.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hessian = astgrad.hessian(sum_of_log_ndtr)(x)
        _, forward = astgrad.jvp(astgrad.grad(sum_of_log_ndtr), (x,), (np.ones(5),))
    np.testing.assert_allclose(np.diag(hessian), second, rtol=1e-12, atol=0.0)
    np.testing.assert_allclose(forward, second, rtol=1e-12, atol=0.0)
    assert np.count_nonzero(hessian - np.diag(np.diag(hessian))) == 0


# ---------------------------------------------------------------------------------
# refusals
# ---------------------------------------------------------------------------------

def t_cdf_df(df):
    return stats.t.cdf(0.3, df)


def gamma_cdf_shape(a):
    return stats.gamma.cdf(1.2, a)


def polygamma_order(n, x):
    return special.polygamma(n, x)


def mvn_singular(x):
    return stats.multivariate_normal.logpdf(x, np.zeros(2), np.eye(2), allow_singular=True)


@pytest.mark.parametrize("f, args, words", [
    (t_cdf_df, (3.0,), "not in df"),
    (gamma_cdf_shape, (2.0,), "not in a"),
    (polygamma_order, (1.0, 2.0), "is an integer"),
    (mvn_singular, (np.ones(2),), "allow_singular"),
])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_refused_derivatives_raise_transform_error(f, args, words, mode):
    with pytest.raises(astgrad.TransformError, match=words):
        if mode == "grad":
            astgrad.grad(f)(*args)
        else:
            astgrad.jvp(f, args, tuple(1.0 if isinstance(a, float) else np.ones(2) for a in args))


def cho_overwritten(a):
    c, low = linalg.cho_factor(a @ a.T + 3.0 * np.eye(3), overwrite_a=True)
    return np.sum(c)


def solve_diagonal(a):
    return np.sum(linalg.solve(a + 3.0 * np.eye(3), np.ones(3), assume_a="diagonal"))


def triangular_stack(a):
    return np.sum(linalg.solve_triangular(a + 3.0 * np.eye(3), np.ones((2, 3, 1)), lower=True))


def det_overwritten(a):
    return linalg.det(a, overwrite_a=True)


def eigh_values_only(a):
    return np.sum(linalg.eigh(a + a.T, eigvals_only=True))


def eigh_generalized(a):
    return np.sum(linalg.eigh(a + a.T, np.eye(3) * 2.0)[0])


def inv_positive(a):
    return np.sum(linalg.inv(a @ a.T + 3.0 * np.eye(3), assume_a="pos"))


def eigvalsh_subset(a):
    return np.sum(linalg.eigvalsh(a + a.T, subset_by_index=(0, 1)))


def svd_overwritten(a):
    return np.sum(linalg.svd(a, overwrite_a=True, lapack_driver="gesvd")[1])


def pinv_rank(a):
    p, rank = linalg.pinv(a, return_rank=True)
    return np.sum(p) * rank


def qr_pivoted(a):
    return np.sum(linalg.qr(a, pivoting=True)[1])


def qr_raw(a):
    return np.sum(linalg.qr(a, mode="raw")[1])


def qr_full_of_tall(a):
    return np.sum(linalg.qr(np.vstack([a, a[:1]]))[1])


def qr_of_wide(a):
    return np.sum(linalg.qr(a[:2], mode="economic")[1])


def lstsq_gelsy(a):
    return np.sum(linalg.lstsq(a, a[0], lapack_driver="gelsy")[0])


def lstsq_rank_deficient(a):
    return np.sum(linalg.lstsq(np.outer(a[0], a[1]), a[2])[0])


def lu_solve_overwritten(a):
    return np.sum(linalg.lu_solve(linalg.lu_factor(a + 3.0 * np.eye(3)), a[0], overwrite_b=True))


def lu_of_a_stack(a):
    return np.sum(linalg.lu_factor(np.stack([a, a.T]) + 3.0 * np.eye(3))[0])


def eig_of(a):
    return np.sum(linalg.eig(a)[1])


def eigvals_of(a):         # (a real-valued function of them is followed: tests/test_leftovers_round51.py)
    return np.sum(linalg.eigvals(a))


# refused when code is made (what is written as a literal), with the line; or when the
# derivative runs (values: a shape, a rank, an array for b, a tuple)
GENERATION, RUN = astgrad.TransformError, NotImplementedError
LINALG_REFUSALS = [
    (cho_overwritten, GENERATION, "overwrite_a=True"), (solve_diagonal, GENERATION, "assume_a='diagonal'"),
    (triangular_stack, RUN, "a 2-D matrix; this one has shape (2, 3, 3)"),
    (det_overwritten, GENERATION, "scipy.linalg.det with overwrite_a=True"),
    (eigh_values_only, GENERATION, "eigvals_only=True: call scipy.linalg.eigvalsh(a)"),
    (eigh_generalized, RUN, "with b=...: the generalized problem has no rule"),
    (inv_positive, GENERATION, "scipy.linalg.inv is not supported with assume_a='pos': drop assume_a"),
    (eigvalsh_subset, RUN, "subset_by_index=(0, 1): compute every eigenpair"),
    (pinv_rank, GENERATION, "return_rank=True: drop return_rank"),
    (svd_overwritten, GENERATION, "scipy.linalg.svd with overwrite_a=True"),
    (qr_pivoted, GENERATION, "pivoting=True: drop pivoting, or find the permutation p outside"),
    (qr_raw, GENERATION, "not for mode='raw' (use mode='economic')"),
    (qr_full_of_tall, RUN, "mode='full') of a 4x3 matrix has no derivative"),
    (qr_of_wide, RUN, "this one is 2x3. Factor its first 2 columns"),
    (lstsq_gelsy, GENERATION, "lapack_driver='gelsy', which returns no singular values; drop lapack_driver"),
    (lstsq_rank_deficient, RUN, "where a has full rank; this 3x3 matrix has rank 1"),
    (lu_solve_overwritten, GENERATION, "scipy.linalg.lu_solve with overwrite_a=True or overwrite_b=True"),
    (lu_of_a_stack, RUN, "supported for a 2-D matrix; this one has shape (2, 3, 3)"),
    (eig_of, GENERATION, "scipy.linalg.eig returns complex eigenvectors, each known only up to a complex factor, "
                         "whose derivatives astgrad does not follow: for the eigenvalues alone call "
                         "scipy.linalg.eigvals"),
    (eigvals_of, GENERATION, "here one reaches the function's result (return a real value). Take "
                             "numpy.real/numpy.imag/numpy.abs first"),
]


def inverse_sum(a):
    return np.sum(linalg.inv(a + 3.0 * np.eye(3)))


@pytest.mark.parametrize("f, error, words", LINALG_REFUSALS, ids=[f.__name__ for f, _, _ in LINALG_REFUSALS])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_scipy_linalg_refusals_name_what_to_change(f, error, words, mode):
    a = N(2, 3, 3) * 0.2 if f is triangular_stack else N(3, 3) * 0.2
    with pytest.raises(error, match=re.escape(words)) as refusal:
        if mode == "grad":
            astgrad.grad(f)(a)
        else:
            astgrad.jvp(f, (a,), (np.ones_like(a),))
    # each refused call is on its function's first line
    assert f"test_rules_scipy.py:{f.__code__.co_firstlineno + 1}:" in str(refusal.value)
    a = N(3, 3) * 0.2                   # and the next derivative works
    assert_close(astgrad.grad(inverse_sum)(a), numerical_grad(inverse_sum, (a,)), rtol=1e-6, atol=1e-8)


def lse_sign(a):
    value, sign = special.logsumexp(a, return_sign=True)
    return value * sign


def test_logsumexp_with_return_sign_stops_with_a_clear_message():
    with pytest.raises((ValueError, astgrad.TransformError), match="return_sign"):
        astgrad.grad(lse_sign)(np.array([0.1, 0.2]))


# ---------------------------------------------------------------------------------
# SciPy stays optional
# ---------------------------------------------------------------------------------

HIDE_SCIPY = textwrap.dedent("""
    import importlib.abc, sys

    class NoScipy(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "scipy" or name.startswith("scipy."):
                raise ModuleNotFoundError(f"No module named {name!r}")
            return None

    sys.meta_path.insert(0, NoScipy())
    import numpy as np
    import astgrad
    from astgrad.rules import registry

    def f(x):
        return np.sum(np.sin(x) * x)

    print(astgrad.grad(f)(np.array([0.5, 1.0])))
    assert "scipy" not in sys.modules
    assert not any("scipy" in (t.fn.__module__ or "") for t in registry.ADJOINTS.values())
    print("ok")
""")


def test_astgrad_imports_and_works_without_scipy(tmp_path):
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root / "src"))
    script = tmp_path / "no_scipy.py"
    script.write_text(HIDE_SCIPY)
    result = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


def test_importing_astgrad_does_not_import_scipy():
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root / "src"))
    code = "import sys, astgrad; print('scipy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


C3 = np.array([1.0 + 0.5j, 1.0, 2.0 - 1.0j])


def digamma_of_complex(x):
    return np.sum(np.real(special.digamma(x * C3)))


def gamma_of_complex(x):
    return np.sum(np.abs(special.gamma(x * C3)))


def test_digamma_of_a_complex_value_is_refused_naming_it():
    """SciPy's polygamma (digamma's derivative) takes real values only: astgrad says so,
    naming the function, instead of SciPy's TypeError about '_zeta'. The first derivative
    of gamma (gamma times digamma) is SciPy's value; its second needs polygamma too."""
    x = np.array([0.3, 0.5, 0.7])
    message = r"derivative of scipy.special.digamma at a complex value needs polygamma\(1, z\)"
    for transform in (astgrad.grad, astgrad.hessian):
        with pytest.raises(TypeError, match=message):
            transform(digamma_of_complex)(x)
    with pytest.raises(TypeError, match=message):
        astgrad.hessian(gamma_of_complex)(x)
    h = 1e-6 * np.eye(3)
    fd = [(gamma_of_complex(x + e) - gamma_of_complex(x - e)) / 2e-6 for e in h]
    np.testing.assert_allclose(astgrad.grad(gamma_of_complex)(x), fd, rtol=1e-6)
