"""Reductions and statistics (rules/reduction_rules.py) end to end.

Each case is a small function defined here (astgrad reads its source). ``check`` runs
the generated gradient and jvp code against central finite differences in float64
(tests/rule_harness.check_derivatives), over several shapes and axis forms; second
order differentiates the generated gradient again; float32 inputs give float32
derivatives; and the values at points where the derivative does not exist are the
documented ones (docs/api.md, "Numbers at special points").
"""

import types

import numpy as np
import pytest

import astgrad
from astgrad.caching import forward_derivative
from astgrad.core.functions import seed_parameter
from astgrad.zero_safe import run_derivative
from fd import assert_close, numerical_grad, numerical_jvp
from rule_harness import check_derivatives

RNG = np.random.default_rng(20240917)


def normal(*shape):
    return RNG.standard_normal(shape)


def positive(*shape):
    return RNG.uniform(0.5, 2.0, shape)


def with_nan(*shape):
    """Normal numbers with NaN in about one place in four: only where the sum of the
    indices is odd, so no line along any axis is all NaN."""
    x = RNG.standard_normal(shape)
    x[(RNG.uniform(size=shape) < 0.5) & (np.indices(shape).sum(axis=0) % 2 == 1)] = np.nan
    return x


def check(f, args, wrt=None, rtol=1e-5, atol=1e-6):
    """Reverse and forward mode against central finite differences. Where the first
    argument holds NaN, finite differences give NaN: there the gradient must be exactly
    0, elsewhere equal the finite difference."""
    x = args[0]
    if not (isinstance(x, np.ndarray) and np.isnan(x).any()):
        check_derivatives(f, args, wrt, rtol=rtol, atol=atol, rng=RNG)
        return
    nan = np.isnan(x)
    seed = RNG.standard_normal(np.shape(f(*args)))
    gradient = astgrad.grad(f, 0).plain       # with the zero-safe twin, as grad(f) runs it
    g = run_derivative(gradient, *args, **{seed_parameter(gradient): seed})
    assert np.all(g[nan] == 0.0), "the derivative at a NaN element is not 0"
    expected = numerical_grad(f, args, wrt=0, seed=seed)
    assert_close(g[~nan], expected[~nan], rtol=rtol, atol=atol, msg=f"reverse mode of {f.__name__}")
    # forward mode: a tangent at a NaN element changes nothing (NaN + h t is NaN)
    tangent = RNG.standard_normal(x.shape)
    compiled = forward_derivative(f, (0,))
    code = compiled.__code__
    name = code.co_varnames[code.co_argcount]
    _, jvp = run_derivative(compiled, *args, **{name: tangent})
    expected = numerical_jvp(f, args, (tangent,) + (None,) * (len(args) - 1))
    assert_close(jvp, expected, rtol=rtol, atol=atol, msg=f"forward mode of {f.__name__}")


# ---------------------------------------------------------------------------------
# every axis form, with and without keepdims
# ---------------------------------------------------------------------------------

def r_median(x, axis, keepdims): return np.median(x, axis=axis, keepdims=keepdims)
def r_quantile(x, axis, keepdims): return np.quantile(x, 0.37, axis=axis, keepdims=keepdims)
def r_quantiles(x, axis, keepdims): return np.quantile(x, np.array([0.1, 0.55, 0.9]), axis, keepdims=keepdims)
def r_percentile(x, axis, keepdims): return np.percentile(x, 63.0, axis=axis, keepdims=keepdims)
def r_ptp(x, axis, keepdims): return np.ptp(x, axis=axis, keepdims=keepdims)
def r_average(x, axis, keepdims): return np.average(x, axis=axis, keepdims=keepdims)
def r_average_full_weights(x, axis, keepdims): return np.average(x, axis, x * x + 0.5, keepdims=keepdims)
def r_std_ddof(x, axis, keepdims): return np.std(x, axis=axis, ddof=1, keepdims=keepdims)
def r_var_correction(x, axis, keepdims): return np.var(x, axis=axis, correction=1, keepdims=keepdims)
def m_std_ddof(x, axis, keepdims): return x.std(axis, ddof=1, keepdims=keepdims)
def m_var(x, axis, keepdims): return x.var(axis=axis, keepdims=keepdims)
def r_nansum(x, axis, keepdims): return np.nansum(x, axis=axis, keepdims=keepdims)
def r_nanmean(x, axis, keepdims): return np.nanmean(x, axis=axis, keepdims=keepdims)
def r_nanprod(x, axis, keepdims): return np.nanprod(x, axis=axis, keepdims=keepdims)
def r_nanmax(x, axis, keepdims): return np.nanmax(x, axis=axis, keepdims=keepdims)
def r_nanmin(x, axis, keepdims): return np.nanmin(x, axis=axis, keepdims=keepdims)
def r_nanvar(x, axis, keepdims): return np.nanvar(x, axis=axis, keepdims=keepdims)
def r_nanstd(x, axis, keepdims): return np.nanstd(x, axis=axis, keepdims=keepdims)


AXES = [None, 0, -1, (0, 2), (-1, 0)]
REDUCTIONS = [
    (r_median, normal), (r_quantile, normal), (r_quantiles, normal), (r_percentile, normal),
    (r_ptp, normal), (r_average, normal), (r_average_full_weights, normal), (r_std_ddof, normal),
    (r_var_correction, normal), (m_std_ddof, normal), (m_var, normal), (r_nansum, with_nan),
    (r_nanmean, with_nan), (r_nanprod, with_nan), (r_nanmax, with_nan), (r_nanmin, with_nan),
    (r_nanvar, with_nan), (r_nanstd, with_nan),
]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("f, data", REDUCTIONS, ids=[f.__name__ for f, _ in REDUCTIONS])
def test_reduction(f, data, axis, keepdims):
    check(f, (data(2, 3, 4), axis, keepdims), wrt=0)


# initial= of sum, prod, max and min: a number taking part in every reduction; for max and
# min it wins in some rows and loses in others (a tie with it splits the derivative)
def i_sum(x, v): return np.sum(x, axis=1, initial=v) * x[:, 0] + np.sum(x * x, initial=v * v)
def i_prod(x, v): return np.prod(x, axis=0, initial=v) + x.prod(initial=1.5)
def i_max(x, v): return np.max(x, axis=1, keepdims=True, initial=v) * x + x.max(initial=v)
def i_min(x, v): return np.min(x, axis=0, initial=-v) + np.amin(x, initial=v) + np.sum(np.amax(x, axis=1, initial=v))


@pytest.mark.parametrize("f", [i_sum, i_prod, i_max, i_min], ids=lambda f: f.__name__)
def test_initial(f):
    x = normal(3, 4)
    check(f, (x, float(np.median(x))))
    check(second_order(lambda a: f(a, 0.3)), (normal(3, 4),), rtol=1e-5, atol=1e-5)


def test_a_tie_with_initial_splits_the_derivative():
    x = np.array([0.8, -0.2, 0.8])
    da, dv = astgrad.grad(lambda a, v: np.max(a, initial=v), (0, 1))(x, 0.8)
    assert np.array_equal(da, np.array([1.0, 0.0, 1.0]) / 3.0) and dv == 1.0 / 3.0
    assert astgrad.grad(lambda v: np.min(x[:0], initial=v))(0.5) == 1.0       # nothing but initial


def r_nanvar_ddof(x): return np.nanvar(x, axis=-1, ddof=1)
def r_nanstd_correction(x): return np.nanstd(x, axis=(0, 2), correction=1.5, keepdims=True)


@pytest.mark.parametrize("f", [r_nanvar_ddof, r_nanstd_correction], ids=lambda f: f.__name__)
def test_nan_variance_ddof(f):
    check(f, (with_nan(2, 3, 4),))


def r_median_1d(x): return np.median(x)
def r_median_even(x): return np.median(x, axis=1)


@pytest.mark.parametrize("f, shape", [(r_median_1d, (5,)), (r_median_1d, (6,)), (r_median_even, (3, 4))],
                         ids=["odd", "even", "even-rows"])
def test_median_counts(f, shape):
    check(f, (normal(*shape),))


# ---------------------------------------------------------------------------------
# weights and quantiles as inputs
# ---------------------------------------------------------------------------------

def w_along_axis(x, w): return np.average(x, axis=1, weights=w)
def w_along_negative_axis(x, w): return np.average(x, axis=-1, weights=w, keepdims=True)
def w_along_axes(x, w): return np.average(x, axis=(2, 0), weights=w)
def w_full(x, w): return np.average(x, weights=w)
def w_full_axis(x, w): return np.average(x, axis=0, weights=w)


@pytest.mark.parametrize("f, x_shape, w_shape", [
    (w_along_axis, (3, 4), (4,)), (w_along_axis, (2, 4, 3), (4,)), (w_along_negative_axis, (2, 3, 5), (5,)),
    (w_along_axes, (2, 3, 4), (4, 2)), (w_full, (3, 4), (3, 4)), (w_full_axis, (3, 4), (3, 4)),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_average_weights(f, x_shape, w_shape):
    check(f, (normal(*x_shape), positive(*w_shape)), wrt=(0, 1))


def q_quantile(x, q): return np.quantile(x, q, axis=0)
def q_quantile_keepdims(x, q): return np.quantile(x, q, axis=(0, 1), keepdims=True)
def q_percentile(x, q): return np.percentile(x, q)


@pytest.mark.parametrize("f, q", [
    (q_quantile, 0.3), (q_quantile, np.array([0.2, 0.7])), (q_quantile_keepdims, np.array([0.05, 0.52, 0.81])),
    (q_percentile, 41.0), (q_percentile, np.array([12.0, 88.0])),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_quantile_in_q(f, q):
    check(f, (normal(5, 3), q), wrt=(0, 1))


def methods(x): return (np.quantile(x, 0.3, axis=0, method="lower") + np.quantile(x, 0.3, axis=0, method="higher")
                        + np.quantile(x, 0.3, axis=0, method="midpoint")
                        + np.quantile(x, 0.8, axis=0, method="nearest"))


def test_quantile_methods():
    check(methods, (normal(6, 2),))


def unknown_method(x): return np.quantile(x, 0.3, method="weibull")


def test_quantile_method_without_a_rule_is_refused_when_run():
    with pytest.raises(NotImplementedError, match="method='weibull'"):
        astgrad.grad(unknown_method)(normal(5))


# ---------------------------------------------------------------------------------
# sort, partition, cumulative products and sums, differences, gradient
# ---------------------------------------------------------------------------------

def s_sort(x): return np.sort(x)
def s_sort_axis0(x): return np.sort(x, axis=0)
def s_sort_flat(x): return np.sort(x, axis=None)
def s_partition(x): return np.partition(x, 2)
def s_partition_axis0(x): return np.partition(x, (0, 2), axis=0)
def c_cumprod(x): return np.cumprod(x)
def c_cumprod_axis(x): return np.cumprod(x, axis=-2)
def c_cumprod_method(x): return x.cumprod(1)
def c_nancumsum(x): return np.nancumsum(x, axis=1)
def c_nancumsum_flat(x): return np.nancumsum(x)
def c_nancumprod(x): return np.nancumprod(x, axis=0)
def c_nancumprod_flat(x): return np.nancumprod(x)
def d_diff(x): return np.diff(x)
def d_diff_axis(x): return np.diff(x, 2, axis=0)
def d_diff_prepend(x): return np.diff(x, prepend=0.5, append=x[:, :1] * 2.0)
def d_diff_three(x): return np.diff(x, n=3, axis=-1, append=x)
def g_gradient(x):
    rows, columns = np.gradient(x)
    return rows + 3.0 * columns


def g_gradient_spacing(x): return np.gradient(x, 0.5, axis=-1, edge_order=2)
def g_gradient_coordinates(x): return np.gradient(x, np.array([0.0, 0.5, 1.5, 1.75, 3.0]), axis=1)
def g_gradient_two(x): return np.gradient(x, 2.0, 0.5, edge_order=2)[1]
def g_gradient_tuple_axis(x):
    columns, rows = np.gradient(x, axis=(1, 0))
    return columns * rows


ARRAY_FUNCTIONS = [
    (s_sort, normal), (s_sort_axis0, normal), (s_sort_flat, normal), (s_partition, normal),
    (s_partition_axis0, normal), (c_cumprod, normal), (c_cumprod_axis, normal), (c_cumprod_method, normal),
    (c_nancumsum, with_nan), (c_nancumsum_flat, with_nan), (c_nancumprod, with_nan),
    (c_nancumprod_flat, with_nan), (d_diff, normal), (d_diff_axis, normal), (d_diff_prepend, normal),
    (d_diff_three, normal), (g_gradient, normal), (g_gradient_spacing, normal), (g_gradient_coordinates, normal),
    (g_gradient_two, normal), (g_gradient_tuple_axis, normal),
]


@pytest.mark.parametrize("f, data", ARRAY_FUNCTIONS, ids=[f.__name__ for f, _ in ARRAY_FUNCTIONS])
def test_array_function(f, data):
    check(f, (data(4, 5),))


def g_gradient_1d(x): return np.gradient(x, edge_order=2)


def test_gradient_of_a_vector_and_of_a_short_axis():
    check(g_gradient_1d, (normal(6),))
    check(g_gradient, (normal(2, 3),))


def test_cumprod_with_zeros_is_exact():
    x = np.array([[2.0, 0.0, 3.0, 0.5], [0.0, 0.0, 1.5, -2.0], [1.0, 4.0, 0.0, 2.0]])
    check(c_cumprod_method, (x,))
    check(c_cumprod, (x,))
    check(c_nancumprod, (np.where(x == 3.0, np.nan, x),))
    # d cumprod[3] / d x[1] = 2 * 3 * 0.5 with x[1] = 0: no 0 / 0
    assert_close(astgrad.grad(lambda v: np.cumprod(v)[3])(x[0]), [0.0, 3.0, 0.0, 0.0])


def gradient_of_spacing(h, x): return np.sum(np.gradient(x, h))


def gradient_over_spacing(h, x): return np.sum(np.sin(np.gradient(x, axis=0) / h))


def test_gradient_follows_a_spacing_with_a_derivative():
    # (tests/test_gradient_spacing.py checks coordinates, axes and every mode)
    x = normal(4)
    for program in (gradient_of_spacing, gradient_over_spacing):
        assert_close(astgrad.grad(program)(0.5, x), numerical_grad(program, (0.5, x)))


def average_returned(x): return np.average(x, returned=True)[0]


def test_average_returned_is_refused():
    with pytest.raises(astgrad.TransformError, match="returned"):
        astgrad.grad(average_returned)(normal(4))


# ---------------------------------------------------------------------------------
# NaN elements of the nan-functions have derivative 0
# ---------------------------------------------------------------------------------

def n_all(x):
    return (np.nansum(x) + np.nanmean(x, axis=0).sum() + np.nanprod(x, axis=1).sum() + np.nanmax(x)
            + np.nanmin(x, axis=0).sum() + np.nanvar(x) + np.nanstd(x, axis=1).sum() + np.nancumsum(x).sum()
            + np.nancumprod(x, axis=1).sum())


def test_derivative_at_nan_is_zero():
    x = with_nan(3, 4)
    x[1, 2] = np.nan
    g = astgrad.grad(n_all)(x)
    assert np.all(np.isfinite(g))
    assert np.all(g[np.isnan(x)] == 0.0)
    _, t = astgrad.jvp(n_all, (x,), (np.where(np.isnan(x), 1.0, 0.0),))
    assert t == 0.0


# ---------------------------------------------------------------------------------
# second order: the generated derivatives differentiated again
# ---------------------------------------------------------------------------------

def _scalar(x):
    return np.sum(np.sin(OP(x)))      # noqa: F821  (OP is bound by second_order)


def _second(x):
    return np.sum(FIRST(x) * np.cos(x))       # noqa: F821


def _second_nan(x):
    return np.sum(np.where(np.isnan(x), 0.0, FIRST(x) * np.cos(x)))       # noqa: F821


def second_order(op, outer=_second):
    """x -> <cos x, grad(sum(sin(op(x))))(x)>: its derivatives need the derivatives of
    op's adjoint and of every helper that adjoint calls. (_second_nan leaves out the NaN
    elements of x, where cos x is NaN.)"""
    scalar = types.FunctionType(_scalar.__code__, {**globals(), "OP": op}, "_scalar")
    return types.FunctionType(outer.__code__, {**globals(), "FIRST": astgrad.grad(scalar)}, outer.__name__)


def o_median(x): return np.median(x, axis=0)
def o_quantiles(x): return np.quantile(x, np.array([0.3, 0.8]), axis=1, keepdims=True)
def o_percentile_q(x): return np.percentile(x, x[0, 0] * 10.0 + 40.0)
def o_average(x): return np.average(x, axis=1, weights=x[0] * x[0] + 1.0)
def o_std(x): return np.std(x, axis=(0, 1), ddof=1)
def o_var_method(x): return x.var(-1, keepdims=True)
def o_ptp(x): return np.ptp(x, axis=0) * x[0]
def o_sort(x): return np.sort(x, axis=0) * x
def o_partition(x): return np.partition(x * x, 1, axis=None)
def o_nan(x): return np.nanvar(x, axis=0) + np.nanstd(x) + np.nanmean(x * x, axis=1).sum() + np.nanmax(x * x)
def o_nanprod(x): return np.nanprod(x, axis=1) + np.nansum(x * x)
def o_cumprod(x): return np.cumprod(x, axis=1)
def o_nancumprod(x): return np.nancumprod(x) + np.nancumsum(x * x)
def o_diff(x): return np.diff(x * x, 2, prepend=x[:, :1])
def o_gradient(x): return np.gradient(x * x, 0.5)[0]


SECOND_ORDER = [
    (o_median, normal), (o_quantiles, normal), (o_percentile_q, normal), (o_average, normal), (o_std, normal),
    (o_var_method, normal), (o_ptp, normal), (o_sort, normal), (o_partition, normal), (o_nan, with_nan),
    (o_nanprod, with_nan), (o_cumprod, normal), (o_nancumprod, with_nan), (o_diff, normal), (o_gradient, normal),
]


@pytest.mark.parametrize("op, data", SECOND_ORDER, ids=[op.__name__ for op, _ in SECOND_ORDER])
def test_second_order(op, data):
    outer = _second_nan if data is with_nan else _second
    check(second_order(op, outer), (data(3, 4),), rtol=1e-5, atol=1e-5)


def c_product_term(v): return np.cumprod(v)[3] * v[2] + np.sum(np.cumprod(v * v))


C1, C2 = np.array([0.3, -1.2, 0.7, 2.0]), np.array([1.1, 0.4, -0.6, 0.9])
FIRST_C = astgrad.grad(c_product_term)
def c_second(v): return np.sum(FIRST_C(v) * C1)
SECOND_C = astgrad.grad(c_second)
def c_third(v): return np.sum(SECOND_C(v) * C2)


def test_third_order_of_cumprod_with_zeros():
    """grad(c_third) is a third derivative of cumprod, checked at zeros of its input."""
    check(c_third, (np.array([1.5, 0.0, -0.5, 0.0]),))
    check(c_third, (normal(4),))


# ---------------------------------------------------------------------------------
# float32 stays float32
# ---------------------------------------------------------------------------------

def f_many(x):
    return (np.median(x, axis=0) + np.quantile(x, 0.4, axis=0) + np.percentile(x, 70.0, axis=0)
            + np.average(x, axis=0, weights=x[:, 0] + 2.0) + np.ptp(x, axis=0) + np.std(x, axis=0, ddof=1)
            + np.sort(x, axis=0)[0] + np.partition(x, 1, axis=0)[1] + np.nansum(x, axis=0)
            + np.nanmean(x, axis=0) + np.nanprod(x, axis=0) + np.nanmax(x, axis=0) + np.nanvar(x, axis=0)
            + np.nanstd(x, axis=0) + np.cumprod(x, axis=0)[2] + np.nancumsum(x, axis=0)[1]
            + np.nancumprod(x, axis=0)[2] + np.diff(x, axis=0, prepend=1.0)[1] + np.gradient(x, 0.5)[0][1])


def f32_scalar(x): return np.sum(f_many(x))
F32_FIRST = astgrad.grad(f32_scalar)
def f32_second(x): return np.sum(F32_FIRST(x) ** 2)


def test_float32_stays_float32():
    x = normal(4, 3).astype(np.float32)
    gradient = astgrad.grad(f_many).plain
    g = gradient(x, **{seed_parameter(gradient): np.ones(3, dtype=np.float32)})
    assert g.dtype == np.float32
    _, t = forward_derivative(f_many, (0,))(x, **{"d_x": np.ones_like(x)})
    assert t.dtype == np.float32
    assert astgrad.grad(f32_second)(x).dtype == np.float32


# ---------------------------------------------------------------------------------
# values where the derivative does not exist (docs/api.md, "Numbers at special points")
# ---------------------------------------------------------------------------------

def seeded(f, x, seed):
    gradient = astgrad.grad(f).plain
    return gradient(x, **{seed_parameter(gradient): seed})


def test_sort_with_ties_follows_the_stable_order():
    x = np.array([1.0, 3.0, 1.0, 2.0, 3.0])
    # sorted: x[0], x[2], x[3], x[1], x[4]
    assert_close(seeded(s_sort, x, np.array([10.0, 20.0, 30.0, 40.0, 50.0])), [10.0, 40.0, 20.0, 30.0, 50.0])
    _, t = astgrad.jvp(s_sort, (x,), (np.array([1.0, 2.0, 3.0, 4.0, 5.0]),))
    assert_close(t, [1.0, 3.0, 4.0, 2.0, 5.0])


def p_partition_one(x): return np.partition(x, 1)


def test_partition_moves_each_derivative_with_its_element():
    x = np.array([4.0, 1.0, 3.0, 1.0, 2.0])
    y = np.partition(x, 1)
    seed = np.arange(1.0, 6.0)
    g = seeded(p_partition_one, x, seed)
    # each element's derivative is the seed of the slot it landed in (ties in index order)
    for value in np.unique(x):
        assert sorted(g[x == value]) == sorted(seed[y == value])


def test_median_of_an_even_count_splits_between_the_middle_two():
    assert_close(astgrad.grad(r_median_1d)(np.array([4.0, 1.0, 3.0, 2.0])), [0.0, 0.0, 0.5, 0.5])
    assert_close(astgrad.grad(r_median_1d)(np.array([1.0, 2.0, 2.0, 5.0])), [0.0, 0.5, 0.5, 0.0])
    # an odd count with the middle value tied: 1 to the first of the tied elements
    assert_close(astgrad.grad(r_median_1d)(np.array([2.0, 1.0, 2.0])), [1.0, 0.0, 0.0])


def max_of(x): return np.max(x)
def nanmax_of(x): return np.nanmax(x)
def ptp_of(x): return np.ptp(x)


def test_max_nanmax_and_ptp_split_ties_evenly():
    x = np.array([1.0, 3.0, 3.0, -2.0, np.nan])
    assert_close(astgrad.grad(max_of)(x[:4]), [0.0, 0.5, 0.5, 0.0])
    assert_close(astgrad.grad(nanmax_of)(x), [0.0, 0.5, 0.5, 0.0, 0.0])
    assert_close(astgrad.grad(ptp_of)(np.array([1.0, 3.0, 3.0, 1.0])), [-0.5, 0.5, 0.5, -0.5])


def percentile_of(x, q): return np.percentile(x, q)


def test_percentile_at_a_knot():
    x = np.array([1.0, 5.0, 2.0, 4.0, 3.0])
    # q = 25: (n - 1) * q / 100 = 1, exactly the second smallest element (2.0, at index 2)
    gx, gq = astgrad.grad(percentile_of, (0, 1))(x, 25.0)
    assert_close(gx, [0.0, 0.0, 1.0, 0.0, 0.0])
    assert gq == 0.0
    # between knots: the value moves by (3 - 2) * 4 / 100 per unit of q
    gx, gq = astgrad.grad(percentile_of, (0, 1))(x, 30.0)
    assert_close(gx, [0.0, 0.0, 0.8, 0.0, 0.2])
    assert_close(gq, 0.04)
