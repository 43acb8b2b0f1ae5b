"""Rules for calls between the other tables: builtin ``pow``, ``ndarray.item``,
``where=`` of sum and mean, ``numpy.trapezoid``, ufunc reductions, ``numpy.interp``,
``numpy.convolve`` and ``numpy.correlate``; reverse and forward mode against central finite differences in
float64, and second order (the generated gradient differentiated again).
"""

import re
import types

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_hessian
from rule_harness import check_derivatives

RNG = np.random.default_rng(20261203)


def normal(*shape):
    return float(RNG.standard_normal()) if not shape else RNG.standard_normal(shape)


def positive(*shape):
    return float(RNG.uniform(0.5, 2.0)) if not shape else RNG.uniform(0.5, 2.0, shape)


def check(f, args, wrt=None):
    check_derivatives(f, args, wrt, rtol=1e-5, atol=1e-6, rng=RNG)


def _scalar(x):
    return np.sum(np.sin(OP(x)))


def _second(x):
    return np.sum(FIRST(x) * np.cos(x))


def second_order(op):
    """x -> <cos x, grad(sum(sin(op(x))))(x)>: its derivatives need the rules of op's
    adjoint (and of the helpers that adjoint calls)."""
    scalar = types.FunctionType(_scalar.__code__, {**globals(), "OP": op}, "_scalar")
    return types.FunctionType(_second.__code__, {**globals(), "FIRST": astgrad.grad(scalar)}, "_second")


# -- builtin pow and ndarray.item ------------------------------------------------------

def b_pow(x, y): return pow(x, y)
def b_pow_int(x): return pow(x, 2) + pow(x, 3.0)
def b_item(x): return x.item() * x
def b_item_slice(x): return x[1:2].item() ** 2 + np.sum(x).item()


@pytest.mark.parametrize("shapes", [((), ()), ((3,), ()), ((2, 3), (3,)), ((3, 1), (1, 4))], ids=str)
def test_builtin_pow(shapes):
    check(b_pow, (positive(*shapes[0]), normal(*shapes[1])))


def test_builtin_pow_constant_power():
    check(b_pow_int, (normal(2, 3),))
    check(b_pow_int, (normal(),))


@pytest.mark.parametrize("f, shape", [(b_item, (1,)), (b_item, (1, 1)), (b_item, ()), (b_item_slice, (4,))],
                         ids=str)
def test_item(f, shape):
    check(f, (normal(*shape) if shape else np.array(normal()),))


def b_item_index(x): return x.item(1) * x + np.sin(x.item(-1)) ** 2
def b_item_indices(x): return x.item(1, 2) * x.item((0, 1)) * np.sum(x) + x.item(-2) * x


@pytest.mark.parametrize("f, shape", [(b_item_index, (3,)), (b_item_index, (2, 3)), (b_item_indices, (2, 3))],
                         ids=str)
def test_item_with_an_index(f, shape):
    check(f, (normal(*shape),))
    check(second_order(f), (normal(*shape),))


def test_item_with_an_index_reads_what_numpy_reads():
    x = np.float32([[1.0, 2.0], [3.0, 4.0]])
    g = astgrad.grad(lambda a: a.item(3) * a.item(0, 1) * a.item((1, 0)))(x)
    assert g.dtype == np.float32
    assert np.array_equal(g, np.float32([[0.0, 12.0], [8.0, 6.0]]))
    with pytest.raises(IndexError):                     # as x.item(4) raises
        astgrad.grad(lambda a: a.item(4))(x)


# -- where= of sum and mean --------------------------------------------------------------

def w_sum(x, m): return np.sum(x * x, where=m)
def w_sum_axis(x, m): return np.sum(np.sin(x), axis=0, where=m)
def w_sum_method(x, m): return (x ** 3).sum(axis=1, keepdims=True, where=m)
def w_mean(x, m): return np.mean(x * x, where=m)
def w_mean_axis(x, m): return np.mean(np.exp(x), axis=-1, where=m, keepdims=True)
def w_mean_method(x, m): return (x * x).mean(axis=0, where=m)


def mask(*shape):
    """A random mask keeping at least one element of each row and column (no empty mean)."""
    m = RNG.uniform(size=shape) > 0.5
    if len(shape) == 2:
        m[np.arange(shape[0]), np.arange(shape[0]) % shape[1]] = True
        m[0, :] = True
    return m


@pytest.mark.parametrize("mask_shape", [(3, 4), (4,), (3, 1)], ids=str)
@pytest.mark.parametrize("f", [w_sum, w_sum_axis, w_sum_method], ids=lambda f: f.__name__)
def test_where_sum(f, mask_shape):
    check(f, (normal(3, 4), mask(*mask_shape)), wrt=0)


@pytest.mark.parametrize("f", [w_mean, w_mean_axis, w_mean_method], ids=lambda f: f.__name__)
def test_where_mean(f):
    check(f, (normal(3, 4), mask(3, 4)), wrt=0)
    check(f, (normal(3, 4), np.ones(4, dtype=bool)), wrt=0)


def test_where_masks_the_gradient_exactly():
    m = np.array([True, False, True, False])
    g = astgrad.grad(w_mean)(np.array([1.0, 2.0, 3.0, 4.0]), m)
    assert_close(g, [1.0, 0.0, 3.0, 0.0], rtol=0, atol=0)


def w_sum_fixed(x): return np.sum(x * x, where=x > 0.0) + np.mean(np.sin(x), axis=0, where=MASK)


MASK = np.array([[True, False, True, True], [False, True, True, False], [True, True, False, True]])


def test_where_second_order():
    check(second_order(w_sum_fixed), (normal(3, 4),))


def w_ufunc(x, y):
    return np.sum(np.fmod(x, y, where=x > 0.0))     # the refused line


def w_ufunc_written_out(x, y):
    return np.sum(np.where(x > 0.0, np.fmod(x, y), 0.0))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_ufunc_with_where_is_refused_with_advice_and_the_next_call_works(mode):
    x, y = np.array([1.5, -2.0, 0.7]), np.array([0.7, 0.9, 0.4])
    with pytest.raises(astgrad.TransformError) as error:
        if mode == "grad":
            astgrad.grad(w_ufunc)(x, y)
        else:
            astgrad.jvp(w_ufunc, (x, y), (np.ones(3), np.ones(3)))
    assert error.value.lineno == w_ufunc.__code__.co_firstlineno + 1
    assert error.value.filename == __file__
    assert "unexpected keyword argument 'where'; numpy.fmod(..., where=mask) leaves" in str(error.value)
    assert "write numpy.where(mask, numpy.fmod(x1, x2), fill) instead" in str(error.value)
    assert_close(astgrad.grad(w_ufunc_written_out)(x, y), [1.0, 0.0, 1.0], rtol=0, atol=0)


def w_ufunc_into_out(x, y):
    z = np.zeros(3)
    np.fmod(x, y, out=z, where=x > 0.0)
    return np.sum(z)


def test_a_ufunc_with_out_and_where_keeps_outs_values_where_the_mask_is_false():
    x, y = np.array([1.5, -2.0, 0.7]), np.array([0.7, 0.9, 0.4])
    check(w_ufunc_into_out, (x, y))
    assert_close(astgrad.grad(w_ufunc_into_out)(x, y), [1.0, 0.0, 1.0], rtol=0, atol=0)


def w_reduction_into_out(x):
    z = np.zeros(())
    np.sum(x, out=z, where=x > 0.0)
    return z


def test_a_reduction_with_out_and_where_is_refused_saying_to_use_its_value():
    with pytest.raises(astgrad.TransformError, match=re.escape(
            "sum(..., out=y, where=mask); use the return value instead: y = sum(..., where=mask)")) as error:
        astgrad.grad(w_reduction_into_out)(np.array([1.5, -2.0, 0.7]))
    assert error.value.lineno == w_reduction_into_out.__code__.co_firstlineno + 2


# -- numpy.trapezoid (numpy.trapz where NumPy still has it) --------------------------------

TRAPEZOID = getattr(np, "trapezoid", None) or np.trapz


def t_plain(y): return TRAPEZOID(y * y)
def t_dx(y, dx): return TRAPEZOID(np.sin(y), dx=dx)
def t_x(y, x): return TRAPEZOID(y, x)
def t_x_axis(y, x): return TRAPEZOID(y * y, x=x, axis=0)
def t_x_keyword_axis(y, x): return TRAPEZOID(np.exp(y), x=x, axis=-2)
def t_dx_axis(y, dx): return TRAPEZOID(y, dx=dx, axis=1)


@pytest.mark.parametrize("f, shapes", [
    (t_plain, [(5,)]), (t_plain, [(3, 4)]), (t_dx, [(4,), ()]), (t_dx, [(2, 5), (2, 1)]),
    (t_x, [(5,), (5,)]), (t_x, [(3, 5), (5,)]), (t_x, [(3, 5), (3, 5)]), (t_x_axis, [(4, 2), (4,)]),
    (t_x_axis, [(4, 3), (4, 3)]), (t_x_keyword_axis, [(2, 4, 3), (4,)]), (t_dx_axis, [(3, 4, 2), (3, 1, 1)]),
    (t_plain, [(1,)]),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_trapezoid(f, shapes):
    args = [normal(*shapes[0])] + [normal(*s) if s else positive() for s in shapes[1:]]
    if f in (t_x, t_x_axis, t_x_keyword_axis):      # sample points in increasing order
        axis = 0 if f is t_x_axis else -2 if f is t_x_keyword_axis else -1
        args[1] = np.cumsum(positive(*shapes[1]), axis=axis if len(shapes[1]) > 1 else 0)
    check(f, tuple(args))


def test_trapezoid_x_given_ignores_dx():
    g = astgrad.grad(lambda y, x, dx: TRAPEZOID(y, x, dx), (0, 1, 2))
    _, _, g_dx = g(np.array([1.0, 2.0, 4.0]), np.array([0.0, 1.0, 3.0]), 0.5)
    assert g_dx == 0.0


def t_second(y): return TRAPEZOID(y * y, x=np.cumsum(y * y + 1.0, axis=-1))
def t_second_dx(y): return TRAPEZOID(np.sin(y), dx=y[..., :1] + 2.0, axis=-1)


@pytest.mark.parametrize("f", [t_second, t_second_dx], ids=lambda f: f.__name__)
def test_trapezoid_second_order(f):
    check(second_order(f), (normal(2, 4),))


# -- numpy.polyval and numpy.polyder --------------------------------------------------------

def p_value(p, x): return np.polyval(p, x)
def p_slope(p, x): return np.polyval(p, x) * np.polyval(np.polyder(p), x)
def p_second(p): return np.polyder(p, 2) * np.sum(p)
def p_list(x): return np.polyval([0.5, -1.0, 2.0], x)
def p_fit(p, x): return np.sum((np.polyval(p, x) - np.cos(x)) ** 2) + np.polyval(np.polyder(p, 3), 0.5)
def p_int(p): return np.polyint(p) * np.sum(p)
def p_series(x, c): return np.polynomial.polynomial.polyval(x, c) * c[0]         # c[0] + c[1] x + ...
def p_int_k(p, k): return np.polyint(p * p, 2, k) * k[0]              # a constant per integration
def p_int_k_scalar(p, k): return np.polyval(np.polyint(p, 3, k * k), 0.7)  # one constant for all three
def p_int_k_extra(p, k): return np.polyint(p, 1, k)                    # constants past the m-th unused


@pytest.mark.parametrize("f, shapes", [
    (p_value, [(4,), (5,)]), (p_value, [(3,), ()]), (p_value, [(1,), (2, 3)]), (p_slope, [(4,), (3,)]),
    (p_slope, [(2,), (2, 2)]), (p_second, [(5,)]), (p_second, [(2,)]), (p_list, [(3,)]), (p_fit, [(5,), (4,)]),
    (p_series, [(2, 3), (4,)]), (p_series, [(), (3,)]), (p_int, [(4,)]), (p_int_k, [(3,), (2,)]), (p_int_k_scalar, [(4,), ()]), (p_int_k_extra, [(2,), (3,)]),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_polynomials(f, shapes):
    check(f, tuple(normal(*s) for s in shapes))


def p_hessian(z): return p_fit(z[:4], z[4:]) + np.sum(p_slope(z[:4], z[4:]) ** 2) + p_int_k_scalar(z[:4], z[5])\
    + np.sum(p_series(z[4:], z[:3]))


def test_polynomials_second_order():
    z = normal(7)
    assert_close(astgrad.hessian(p_hessian)(z), numerical_hessian(astgrad.grad(p_hessian), (z,)), rtol=1e-4, atol=1e-5)
    check(second_order(p_list), (normal(3),))


def p_matrix(p, x): return np.sum(np.polyval(p, x))


def p_int_none(p):
    y = np.polyint(p, 0)        # p itself, not a copy
    y[0] = 3.0 * y[0]
    return np.sum(p * p)


def test_writing_into_polyint_of_order_zero_is_refused():
    with pytest.raises(astgrad.TransformError, match="may share its memory"):
        astgrad.grad(p_int_none)(normal(2))


def test_polyval_of_a_matrix_of_coefficients_is_refused_by_name():
    with pytest.raises(NotImplementedError, match="1-D array of coefficients"):
        astgrad.grad(p_matrix)(normal(3, 2), normal(2))
    with pytest.raises(NotImplementedError, match="1-D array of coefficients"):
        astgrad.grad(p_series_matrix)(normal(2), normal(3, 2))


def p_series_matrix(x, c): return np.sum(np.polynomial.polynomial.polyval(x, c))


# -- numpy.interp --------------------------------------------------------------------------

XP = np.array([-1.0, -0.2, 0.5, 0.9, 2.0])


def i_x(x): return np.interp(x, XP, [0.3, -1.0, 2.0, 0.5, 1.5])
def i_fp(x, fp): return np.interp(x, XP, fp)
def i_left_right(x, fp, left, right): return np.interp(x, XP, fp, left=left, right=right)
def i_period(x, fp): return np.interp(x, [0.1, 2.5, 1.0, 4.0], fp, period=5.0)
def i_list(fp): return np.interp([0.1, 0.5, -3.0], [0.0, 0.3, 0.6], fp)


def away_from_knots(*shape):
    """Points in (-2.5, 2.5) not within 0.01 of a knot of XP (nor of the period's)."""
    x = RNG.uniform(-2.5, 2.5, shape)
    knots = np.concatenate([XP, [0.1, 2.5, 1.0, 4.0, -4.0, -2.5, -1.0]])
    near = np.min(np.abs(np.subtract.outer(x, knots)), axis=-1) < 0.01
    return np.where(near, x + 0.05, x)


@pytest.mark.parametrize("shape", [(), (7,), (2, 5)], ids=str)
def test_interp(shape):
    x = away_from_knots(*shape)
    check(i_x, (x,))
    check(i_fp, (x, normal(5)))
    check(i_left_right, (x, normal(5), normal(), normal()))
    check(i_period, (x, normal(4)))


def test_interp_list_arguments():
    check(i_list, (normal(3),))


def test_interp_at_knots_takes_the_segment_on_the_right():
    g = astgrad.grad(i_x)
    # slopes of the segments: -1.625, 4.2857, -3.75, 0.909; at the last knot the last segment's
    assert_close([g(-0.2), g(0.5), g(2.0), g(-1.0), g(-1.5), g(2.5)],
                 [(2.0 + 1.0) / 0.7, (0.5 - 2.0) / 0.4, (1.5 - 0.5) / 1.1, (-1.0 - 0.3) / 0.8, 0.0, 0.0])


def test_interp_sample_positions_are_refused():
    def f(xp):
        return np.interp(0.3, xp, [1.0, 2.0])
    with pytest.raises(astgrad.TransformError, match="sample positions"):
        astgrad.grad(f)(np.array([0.0, 1.0]))


def i_second(x): return np.interp(x, XP, np.cos(x[:5]), left=x[0] * 2.0) * x


def test_interp_second_order():
    check(second_order(i_second), (away_from_knots(6),))


# -- numpy.convolve ------------------------------------------------------------------------

def c_full(a, v): return np.convolve(a, v)
def c_same(a, v): return np.convolve(a, v, "same")
def c_valid(a, v): return np.convolve(a, v, mode="valid")
def c_constant(a): return np.convolve(a, [0.5, 1.0, -0.3])


@pytest.mark.parametrize("n, m", [(5, 3), (3, 5), (4, 4), (1, 3), (6, 2)], ids=str)
@pytest.mark.parametrize("f", [c_full, c_same, c_valid], ids=lambda f: f.__name__)
def test_convolve(f, n, m):
    check(f, (normal(n), normal(m)))


def c_second(a): return np.convolve(a * a, a[:3], "same") * np.convolve(a, [1.0, -2.0])[1:]


def test_convolve_second_order():
    check(c_constant, (normal(4),))
    check(second_order(c_second), (normal(5),))


# -- numpy.correlate: "same" with the longer v centres the other way than convolve ---------

def r_full(a, v): return np.correlate(a, v, "full")
def r_same(a, v): return np.correlate(a, v, mode="same")
def r_valid(a, v): return np.correlate(a, v)


@pytest.mark.parametrize("n, m", [(5, 3), (2, 5), (4, 4), (1, 3), (6, 7)], ids=str)
@pytest.mark.parametrize("f", [r_full, r_same, r_valid], ids=lambda f: f.__name__)
def test_correlate(f, n, m):
    check(f, (normal(n), normal(m)))


def r_second(a): return np.correlate(a * a, a[:4], "same") * np.correlate(a, [1.0, -2.0], "full")[1:]


def test_correlate_second_order():
    check(second_order(r_second), (normal(2),))
    check(second_order(r_second), (normal(5),))


# -- ufunc reductions and divmod -------------------------------------------------------------

def u_max(x): return np.maximum.reduce(x)
def u_min_axis(x): return np.minimum.reduce(x, axis=-1, keepdims=True)
def u_add(x): return np.add.reduce(x * x, axis=-1)
def u_multiply(x): return np.multiply.reduce(x)
def u_running_max(x): return np.maximum.accumulate(x) * x
def u_running_min(x): return np.minimum.accumulate(x, axis=-1) ** 2
def u_divmod(x, y): return np.divmod(x, y)[1] * 2.0 + np.divmod(x, y)[0] * x
def u_builtin_divmod(a, b): q, r = divmod(a, b); return r * r + q * a


@pytest.mark.parametrize("f", [u_max, u_min_axis, u_add, u_multiply, u_running_max, u_running_min],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape", [(4,), (3, 4)], ids=str)
def test_ufunc_reduce(f, shape):
    check(f, (normal(*shape),))


def test_ufunc_reduce_splits_ties():
    assert_close(astgrad.grad(u_max)(np.array([1.0, 3.0, 3.0])), [0.0, 0.5, 0.5], rtol=0, atol=0)


def test_running_extremum_ties_go_to_the_first():
    # NumPy keeps the running value where an item ties it: the first of tied items is the one
    assert_close(astgrad.grad(lambda x: np.sum(np.maximum.accumulate(x)))(np.array([1.0, 3.0, 2.0, 3.0])),
                 [1.0, 3.0, 0.0, 0.0], rtol=0, atol=0)
    _, forward = astgrad.jvp(u_running_min, (np.array([[2.0, 1.0, 1.0]]),), (np.array([[1.0, 10.0, 100.0]]),))
    assert_close(forward, [[4.0, 20.0, 20.0]], rtol=0, atol=0)


def test_ufunc_reduce_second_order():
    check(second_order(u_max), (normal(3, 4),))     # multiply.reduce's helpers are prod's
    check(second_order(u_running_max), (normal(3, 4),))


def test_divmod():
    # away from the jumps of the quotient: x / y not within 0.05 of an integer
    y = positive(3, 4)
    x = (np.floor(normal(3, 4) * 3.0) + RNG.uniform(0.1, 0.9, (3, 4))) * y
    check(u_divmod, (x, y))
    check(u_divmod, (x, 0.7 + 0.0 * positive()))
    check(u_builtin_divmod, (2.7, 0.8))
    check(u_builtin_divmod, (-1.3, 0.5))


# -- numpy.sign: piecewise constant for real values, x / |x| for complex ones ----------------

Z = np.array([1.0 + 1.0j, 2.0 - 0.5j, -0.3 + 0.8j])


def s_real(x): return np.sign(x) * x * x
def s_real_sum(x): return np.sum(np.sign(x) * x * x)
def s_complex(x): return np.real(np.sign(x + Z)) + 2.0 * np.imag(np.sign(Z * x))
def s_complex_sum(x): return np.sum(np.real(np.sign(x * x + Z)))


def test_sign_of_real_values_is_piecewise_constant():
    check(s_real, (RNG.uniform(0.3, 2.0, 4) * np.array([1.0, -1.0, 1.0, -1.0]),))
    check(second_order(s_real), (RNG.uniform(0.3, 2.0, 4) * np.array([1.0, -1.0, 1.0, -1.0]),))


def test_sign_of_complex_values_is_differentiated():
    # a complex global is seen only when the code runs: sign(z) = z / |z| changes with z
    check(s_complex, (normal(3),))
    g = astgrad.grad(s_complex_sum)(np.array([0.3, -0.4, 0.9]))
    assert np.all(np.abs(g) > 1e-3)


def test_sign_of_complex_values_second_order_is_refused():
    with pytest.raises(TypeError, match="numpy.sign of a complex value"):
        astgrad.hessian(s_complex_sum)(np.array([0.3, -0.4, 0.9]))


# -- numpy.cov ---------------------------------------------------------------------------------

AW = np.array([1.0, 2.0, 0.5, 1.0, 3.0])
FW = np.array([1, 2, 1, 3, 1])


def v_plain(m): return np.cov(m)
def v_pair(m, y): return np.cov(m, y)
def v_columns(m): return np.cov(m, rowvar=False, bias=True)
def v_weighted(m): return np.cov(m, aweights=AW, ddof=2)
def v_frequencies(m, y): return np.cov(m, y, fweights=FW, bias=True)


@pytest.mark.parametrize("f, shapes", [
    (v_plain, [(3, 5)]), (v_plain, [(5,)]), (v_pair, [(2, 5), (5,)]), (v_pair, [(5,), (5,)]),
    (v_columns, [(5, 3)]), (v_weighted, [(3, 5)]), (v_frequencies, [(2, 5), (3, 5)]),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_cov(f, shapes):
    check(f, tuple(normal(*s) for s in shapes))


def test_cov_weights_have_no_rule():
    def f(w):
        return np.sum(np.cov(np.arange(6.0).reshape(2, 3) ** 2, aweights=w))
    with pytest.raises(astgrad.TransformError, match="weights"):
        astgrad.grad(f)(np.ones(3))


def v_second(m): return np.cov(m * m, m[:1])


def test_cov_second_order():
    check(second_order(v_second), (normal(2, 4),))
    check(second_order(v_weighted), (normal(3, 5),))


# -- numpy.corrcoef ----------------------------------------------------------------------------

def r_plain(x): return np.corrcoef(x)
def r_pair(x, y): return np.corrcoef(x, y)
def r_columns(x): return np.corrcoef(x, rowvar=False)
def r_one(x): return np.corrcoef(x) * x


@pytest.mark.parametrize("f, shapes", [
    (r_plain, [(3, 5)]), (r_pair, [(2, 5), (5,)]), (r_pair, [(5,), (5,)]), (r_columns, [(6, 3)]), (r_one, [(4,)]),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_corrcoef(f, shapes):
    check(f, tuple(normal(*s) for s in shapes))


def test_corrcoef_second_order():
    check(second_order(r_plain), (normal(3, 5),))


def test_corrcoef_change_is_the_transpose_of_its_adjoint():
    from astgrad import runtime
    x = normal(3, 6)
    c, r = np.cov(x), np.corrcoef(x)
    dc, g = normal(3, 3), normal(3, 3)
    assert np.isclose(np.sum(g * runtime.corr_change(dc, c, r)), np.sum(runtime.corr_change_adjoint(g, c, r) * dc))


# -- numpy.bincount with weights ----------------------------------------------------------------

def n_bincount(w): return np.bincount(np.array([0, 2, 2, 4, 0]), weights=w * w, minlength=7)


def test_bincount_weights():
    check(n_bincount, (normal(5),))
    check(second_order(n_bincount), (normal(5),))

