"""NumPy functions added to the rule table together: the nan-quantiles (nanmedian,
nanquantile, nanpercentile), ufunc.outer of every two-argument ufunc with a rule,
add.reduceat, multiply.reduceat, maximum.reduceat and minimum.reduceat, extract and
linalg.cond.

Each is checked end to end against central finite differences in float64 (reverse mode
with a random cotangent, forward mode with random tangents: tests/rule_harness.py) over
several shapes, axes and keepdims, and to second order (the generated gradient
differentiated again in both modes); then the values at the documented special points
(docs/api.md, "Numbers at special points") and the refusals.
"""

import itertools

import numpy as np
import pytest

import astgrad
from astgrad.rules import registry
from fd import assert_close
from rule_harness import check_derivatives
from test_rules_reductions import _second, _second_nan, check, normal, second_order, with_nan

RNG = np.random.default_rng(20261206)


def positive(*shape):
    return RNG.uniform(0.5, 2.0, shape)


# ---------------------------------------------------------------------------------
# the nan-quantiles: every axis form, with and without NaN
# ---------------------------------------------------------------------------------

def n_median(x, axis, keepdims): return np.nanmedian(x, axis=axis, keepdims=keepdims)
def n_quantiles(x, axis, keepdims): return np.nanquantile(x, np.array([0.1, 0.55, 0.9]), axis, keepdims=keepdims)
def n_percentile(x, axis, keepdims): return np.nanpercentile(x, 63.0, axis=axis, keepdims=keepdims)


NAN_QUANTILES = [n_median, n_quantiles, n_percentile]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2)], ids=str)
@pytest.mark.parametrize("f", NAN_QUANTILES, ids=lambda f: f.__name__)
def test_nan_quantile(f, axis, keepdims):
    check(f, (with_nan(2, 3, 4), axis, keepdims), wrt=0)
    check(f, (normal(2, 3, 4), axis, keepdims), wrt=0)        # without NaN: the quantile's own


def q_nanquantile(x, q): return np.nanquantile(x, q, axis=0, method="midpoint")
def q_nanpercentile(x, q): return np.nanpercentile(x, q)


def test_nan_quantile_with_respect_to_q():
    check_derivatives(q_nanquantile, (normal(5, 3), np.array([0.23, 0.71])), rng=RNG)
    check_derivatives(q_nanpercentile, (normal(4, 3), 41.0), rng=RNG)


def o_nanmedian(x): return np.nanmedian(x, axis=0) + np.nanquantile(x * x, 0.3, axis=1).sum()
def o_nanpercentile_q(x): return np.nanpercentile(x, np.nanmax(x) * 10.0 + 40.0)


@pytest.mark.parametrize("op", [o_nanmedian, o_nanpercentile_q], ids=lambda f: f.__name__)
def test_nan_quantile_second_order(op):
    check(second_order(op, _second_nan), (with_nan(3, 4),), rtol=1e-5, atol=1e-5)


def nanmedian_of(x): return np.nanmedian(x)
def nanmedian_rows(x): return np.sum(np.nanmedian(x, axis=1))
def nanpercentile_of(x, q): return np.nanpercentile(x, q)


def test_nan_quantiles_at_special_points():
    # the NaN is left out: the median of four values splits between the middle two
    assert_close(astgrad.grad(nanmedian_of)(np.array([4.0, np.nan, 1.0, 3.0, 2.0])), [0.0, 0.0, 0.0, 0.5, 0.5])
    # an all-NaN row has a NaN median, and its elements derivative 0
    with pytest.warns(RuntimeWarning):
        g = astgrad.grad(nanmedian_rows)(np.array([[np.nan, np.nan], [1.0, 2.0]]))
    assert_close(g, [[0.0, 0.0], [0.5, 0.5]])
    # a knot of the values that are not NaN: (3 - 1) * 0.5 = 1, the second smallest, and 0 for q
    gx, gq = astgrad.grad(nanpercentile_of, (0, 1))(np.array([3.0, np.nan, 1.0, 2.0]), 50.0)
    assert_close(gx, [0.0, 0.0, 0.0, 1.0])
    assert gq == 0.0
    _, t = astgrad.jvp(nanmedian_of, (np.array([4.0, np.nan, 1.0, 3.0, 2.0]),), (np.arange(1.0, 6.0),))
    assert_close(t, 4.5)            # the tangents of 3.0 and 2.0, halved


# ---------------------------------------------------------------------------------
# ufunc.outer: every ufunc of two arguments with a rule, over shapes of both operands
# ---------------------------------------------------------------------------------

def outer_ufuncs():
    """The ufuncs whose .outer has a rule (ldexp takes integer exponents: its own case)."""
    found = []
    for record in list(registry.PRIMITIVES.values()):
        function = record.function
        owner = getattr(function, "__self__", None)
        if isinstance(owner, np.ufunc) and function.__name__ == "outer" and record.adjoint is not None:
            if owner is not np.ldexp and getattr(np, owner.__name__, None) is owner and owner not in found:
                found.append(owner)
    return sorted(found, key=lambda u: u.__name__)


def outer_call(x, y): return UFUNC.outer(x, y)       # noqa: F821  (UFUNC bound per case)


SHAPES = [((3,), (4,)), ((2, 3), (2,)), ((), (2, 2)), ((3,), ())]


def test_every_binary_ufunc_with_a_rule_has_outer():
    names = {u.__name__ for u in outer_ufuncs()}
    assert {"add", "subtract", "multiply", "divide", "power", "maximum", "minimum", "hypot", "arctan2"} <= names


@pytest.mark.parametrize("ufunc", outer_ufuncs(), ids=lambda u: u.__name__)
def test_outer(ufunc):
    import types
    f = types.FunctionType(outer_call.__code__, {**globals(), "UFUNC": ufunc}, f"{ufunc.__name__}_outer")
    for sx, sy in SHAPES:
        x, y = positive(*sx), positive(*sy) + 0.1        # no ties between x and y (maximum, fmod)
        check_derivatives(f, (float(x) if sx == () else x, float(y) if sy == () else y), rng=RNG)


def ldexp_outer(x): return np.ldexp.outer(x, np.array([1, -2, 3]))
def sub_outer(x): return np.subtract.outer(x[:2], x * x)
def pow_outer(x): return np.power.outer(np.abs(x) + 0.5, x[1:])
def div_outer(x): return np.divide.outer(x, np.cos(x) + 2.0)


def test_outer_first_argument_only_and_second_order():
    check_derivatives(ldexp_outer, (normal(2, 2),), rng=RNG)
    for op in (sub_outer, pow_outer, div_outer):
        check(second_order(op, _second), (normal(3),), rtol=1e-5, atol=1e-5)


def lists_given(x, w):
    return (np.sum(np.multiply.outer([w, 1.0], x) ** 2) + np.sum(np.subtract.outer(x, (w, 2.0 * w)) ** 3)
            + np.nanmedian([w, x[0], x[1] * 2.0]) + np.sum(np.add.reduceat([w, x[0], x[1], w * w], [0, 2]) ** 2))


def test_lists_written_as_operands():
    check_derivatives(lists_given, (normal(3), 0.7), rng=RNG)
    check(second_order(lambda v: lists_given(v, 0.7), _second), (normal(3),), rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------------------------
# add.reduceat and extract
# ---------------------------------------------------------------------------------

def r_segments(x): return np.add.reduceat(x, [0, 2, 3])
def r_axis1(x): return np.add.reduceat(x, np.array([0, 3, 1, 4]), axis=1)     # 3 >= 1: one element
def r_repeated(x): return np.add.reduceat(x, [1, 1, 0], 0)
def r_last_axis(x): return np.add.reduceat(x * x, [0, 2], axis=-1)
def m_segments(x): return np.maximum.reduceat(x, [0, 2, 3])
def m_axis1(x): return np.minimum.reduceat(x * x, np.array([0, 3, 1, 4]), axis=1)
def p_segments(x): return np.multiply.reduceat(x, [0, 2, 3])
def p_axis1(x): return np.multiply.reduceat(x, np.array([0, 3, 1, 4]), axis=1)
def e_mask(x): return np.extract(x > 0.0, x)
def e_integers(x): return np.extract(np.array([[1, 0, 2], [0, 0, 1]]), x * 2.0)
def e_other(x): return np.extract(x[0] > 0.0, x[1])


@pytest.mark.parametrize("f, shape", [
    (r_segments, (5,)), (r_axis1, (3, 6)), (r_repeated, (4, 2)), (r_last_axis, (2, 2, 3)),
    (m_segments, (5,)), (m_axis1, (3, 6)), (p_segments, (5,)), (p_axis1, (3, 6)), (e_mask, (3, 4)), (e_integers, (2, 3)), (e_other, (2, 5)),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_reduceat_and_extract(f, shape):
    check_derivatives(f, (normal(*shape),), rng=RNG)


def o_reduceat(x): return np.add.reduceat(x * x, [0, 2, 1], axis=1)
def o_extract(x): return np.extract(x > 0.2, x * x)
def o_maximum_reduceat(x): return np.maximum.reduceat(x * x, [0, 2, 1], axis=1) * x[:, :3]
def o_multiply_reduceat(x): return np.multiply.reduceat(x, [0, 2, 1], axis=1) * x[:, :3]


@pytest.mark.parametrize("op", [o_reduceat, o_extract, o_maximum_reduceat, o_multiply_reduceat],
                         ids=lambda f: f.__name__)
def test_reduceat_and_extract_second_order(op):
    check(second_order(op, _second), (normal(3, 4),), rtol=1e-5, atol=1e-5)


def maximum_segments(x): return np.maximum.reduceat(x, [0, 3])


def test_maximum_reduceat_splits_ties_evenly():
    x = np.array([1.0, 2.0, 2.0, 5.0, 5.0])
    assert_close(astgrad.grad(lambda v: np.sum(maximum_segments(v)))(x), [0.0, 0.5, 0.5, 0.5, 0.5])
    _, t = astgrad.jvp(maximum_segments, (x,), (np.arange(1.0, 6.0),))
    assert_close(t, [2.5, 4.5])


def test_multiply_reduceat_through_zeros():
    # the product of the others in the segment, exact where an element is 0
    check_derivatives(p_segments, (np.array([1.5, 0.0, 2.0, 0.0, -1.0]),), rng=RNG)
    assert_close(astgrad.grad(lambda v: np.sum(p_segments(v)))(np.array([1.5, 0.0, 2.0, 0.0, 0.0])),
                 [0.0, 1.5, 1.0, 0.0, 0.0])


# ---------------------------------------------------------------------------------
# linalg.cond
# ---------------------------------------------------------------------------------

def c_default(x): return np.linalg.cond(x)
def c_two(x): return np.linalg.cond(x, 2)
def c_minus_two(x): return np.linalg.cond(x, -2)
def c_fro(x): return np.linalg.cond(x, "fro")
def c_nuc(x): return np.linalg.cond(x, "nuc")


@pytest.mark.parametrize("f, shapes", [
    (c_default, [(3, 3), (2, 4, 4), (3, 5)]), (c_two, [(3, 3), (4, 2)]), (c_minus_two, [(2, 3, 3), (3, 4)]),
    (c_fro, [(3, 3), (2, 3, 3)]), (c_nuc, [(3, 3), (2, 3, 3)]),
], ids=lambda v: getattr(v, "__name__", ""))
def test_cond(f, shapes):
    for shape in shapes:
        check_derivatives(f, (normal(*shape) + 2.0 * np.eye(*shape[-2:]),), rng=RNG)


def o_cond(x): return np.linalg.cond(x + 3.0 * np.eye(3))[None] * x
def o_cond_fro(x): return np.linalg.cond(x + 3.0 * np.eye(3), "fro") * x
def o_cond_nuc(x): return np.linalg.cond(np.stack([x, x.T]) + 3.0 * np.eye(3), "nuc")


@pytest.mark.parametrize("op", [o_cond, o_cond_fro, o_cond_nuc], ids=lambda f: f.__name__)
def test_cond_second_order(op):
    check(second_order(op, _second), (normal(3, 3),), rtol=1e-4, atol=1e-5)


def c_one(x): return np.linalg.cond(x, 1)
def c_minus_one(x): return np.linalg.cond(x, p=-1)
def c_inf(x): return np.linalg.cond(x, np.inf)
def c_given(x, p): return np.linalg.cond(x, p)
def c_one_written_out(x): return np.linalg.norm(x, 1) * np.linalg.norm(np.linalg.inv(x), 1)


@pytest.mark.parametrize("f, p", [(c_one, "1"), (c_minus_one, "-1"), (c_inf, "inf")], ids=lambda v: str(v))
def test_cond_other_constant_p_refused_when_transformed(f, p):
    # a constant p is refused before any code runs, in both modes
    x = normal(3, 3) + 2.0 * np.eye(3)
    words = rf"test_rules_more_numpy.py:\d+: .*p=None, 2, -2, 'fro' and 'nuc'.*numpy.linalg.norm\(x, {p}\) \* "
    with pytest.raises(astgrad.TransformError, match=words):
        astgrad.grad(f)
    with pytest.raises(astgrad.TransformError, match=words):
        astgrad.jvp(f, (x,), (x,))


def test_cond_other_p_refused_with_what_to_write():
    # a p known only when the code runs is refused then
    x = normal(3, 3) + 2.0 * np.eye(3)
    with pytest.raises(NotImplementedError, match=r"test_rules_more_numpy.py:\d+.*numpy.linalg.norm\(x, 1\) \* "):
        astgrad.grad(c_given)(x, 1)
    with pytest.raises(NotImplementedError, match="p=None, 2, -2, 'fro' and 'nuc'"):
        astgrad.jvp(lambda v: c_given(v, -np.inf), (x,), (x,))
    # what the message advises is followed
    check_derivatives(c_one_written_out, (x,), rng=RNG)
    assert_close(c_one_written_out(x), np.linalg.cond(x, 1), rtol=1e-12)


# ---------------------------------------------------------------------------------
# a ufunc method without a rule is offered no other function
# ---------------------------------------------------------------------------------

def heaviside_outer(x): return np.sum(np.heaviside.outer(x, x) * x)
def logaddexp_reduceat(x): return np.sum(np.logaddexp.reduceat(x, [0, 2]))


@pytest.mark.parametrize("f, name", [(heaviside_outer, "numpy.heaviside.outer"),
                                     (logaddexp_reduceat, "numpy.logaddexp.reduceat")])
def test_no_did_you_mean_for_a_ufunc_method(f, name):
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(f)(normal(4))
    message = str(caught.value)
    assert f"no adjoint rule for {name}" in message and "did you mean" not in message


# ---------------------------------------------------------------------------------
# an argument a rule does not take: the function named as written
# ---------------------------------------------------------------------------------

def outer_with_dtype(x): return np.sum(np.multiply.outer(x, x, dtype=np.float32))


def test_argument_a_rule_does_not_take_names_the_function_as_written():
    for transform in (lambda: astgrad.grad(outer_with_dtype)(normal(3)),
                      lambda: astgrad.jvp(outer_with_dtype, (normal(3),), (normal(3),))):
        with pytest.raises(astgrad.TransformError, match=r"test_rules_more_numpy.py:\d+: cannot apply the derivative "
                                                          r"rule of numpy\.multiply\.outer: .*'dtype'"):
            transform()


# ---------------------------------------------------------------------------------
# compress and fromiter
# ---------------------------------------------------------------------------------

def k_flat(x): return np.compress(np.array([1, 0, 1, 1, 0, 1]), x)
def k_axis0(x): return np.compress([True, False, True], x, axis=0) * x[:2].sum()
def k_chosen_by_data(x): return np.compress(x[0] > 0.0, x * x, axis=-1)
def k_method(x): return x.compress([False, True], axis=1)
def i_generator(x): return np.fromiter((v * v for v in x), float)
def i_list(x): return np.fromiter([x[0], x[1] * 2.0, 3.0], np.float64) * x[2]
def i_array(x): return np.fromiter(x, dtype=float) * x
def i_integers(x): return np.sum(np.fromiter((v * 3.0 for v in x), int)) * x


@pytest.mark.parametrize("f, shape", [
    (k_flat, (2, 3)), (k_axis0, (3, 2)), (k_chosen_by_data, (2, 5)), (k_method, (2, 3, 2)),
    (i_generator, (4,)), (i_list, (3,)), (i_array, (3,)), (i_integers, (3,)),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_compress_and_fromiter(f, shape):
    check_derivatives(f, (normal(*shape),), rng=RNG)


def o_compress(x): return np.compress([True, False, True], x * x, axis=1) * x[:, :2]
def o_fromiter(x): return np.fromiter((np.sin(v) * v for v in x[0]), float) * x[1]


@pytest.mark.parametrize("op", [o_compress, o_fromiter], ids=lambda f: f.__name__)
def test_compress_and_fromiter_second_order(op):
    check(second_order(op, _second), (normal(3, 3),), rtol=1e-5, atol=1e-5)


def fromiter_count(x): return np.fromiter((v * v for v in x), float, 2)
def fromiter_islice(x): return np.fromiter(itertools.islice((v * v for v in x), 2), float)


def test_fromiter_with_a_count_is_refused_at_its_line():
    with pytest.raises(astgrad.TransformError, match=r"test_rules_more_numpy.py:\d+: cannot apply the derivative "
                                                      r"rule of fromiter: .*itertools.islice\(items, n\)"):
        astgrad.grad(lambda v: np.sum(fromiter_count(v)))(normal(3))
    # what it advises is followed
    check_derivatives(fromiter_islice, (normal(3),), rng=RNG)
    assert_close(fromiter_islice(np.arange(3.0)), fromiter_count(np.arange(3.0)))


# ---------------------------------------------------------------------------------
# ufunc.accumulate of every two-argument ufunc, from its partials
# ---------------------------------------------------------------------------------

def accumulate_call(x): return UFUNC.accumulate(x, axis=AXIS)       # noqa: F821  (bound per case)


def accumulated(ufunc, axis):
    import types
    return types.FunctionType(accumulate_call.__code__, {**globals(), "UFUNC": ufunc, "AXIS": axis},
                              f"{ufunc.__name__}_accumulate")


def test_every_binary_ufunc_with_a_rule_has_accumulate():
    for ufunc in outer_ufuncs():
        assert registry.rule_key(ufunc.accumulate) in registry.ADJOINTS, ufunc.__name__
        assert registry.rule_key(ufunc.accumulate) in registry.TANGENTS, ufunc.__name__


@pytest.mark.parametrize("ufunc", outer_ufuncs(), ids=lambda u: u.__name__)
def test_accumulate(ufunc):
    for shape, axis in (((5,), 0), ((3, 4), 1), ((4, 2, 3), -3)):
        # values in [0.5, 2]: no ties (maximum), no overflow (power), no exact multiples (fmod)
        x = positive(*shape)
        check_derivatives(accumulated(ufunc, axis), (x,), rng=RNG)


def a_logaddexp(x): return np.logaddexp.accumulate(x * x, axis=1) * x
def a_divide(x): return np.divide.accumulate(np.exp(x), 0) * x
def a_subtract(x): return np.subtract.accumulate(x * x, axis=-1)
def a_hypot(x): return np.hypot.accumulate(x) + x
def a_fmax(x): return np.fmax.accumulate(x * x, axis=1) * x


@pytest.mark.parametrize("op", [a_logaddexp, a_divide, a_subtract, a_hypot, a_fmax], ids=lambda f: f.__name__)
def test_accumulate_second_order(op):
    check(second_order(op, _second), (normal(3, 4),), rtol=1e-5, atol=1e-5)


def test_accumulate_hessian_and_float32():
    f = lambda v: np.sum(np.logaddexp.accumulate(v * v) ** 2)       # noqa: E731
    x = normal(4)
    h = astgrad.hessian(f)(x)
    eps = 1e-5
    g = astgrad.grad(f)
    numeric = np.stack([(g(x + eps * e) - g(x - eps * e)) / (2 * eps) for e in np.eye(4)])
    assert_close(h, numeric, rtol=1e-5, atol=1e-6)
    x32 = x.astype(np.float32)
    assert astgrad.grad(f)(x32).dtype == np.float32


def a_axis_none(x): return np.divide.accumulate(x, axis=None)     # NumPy takes it for a 1-d array


def test_accumulate_axis_none_of_a_vector():
    check_derivatives(a_axis_none, (positive(4),), rng=RNG)


def logaddexp_reduce(x): return np.logaddexp.reduce(x, axis=1)
def logaddexp_last(x): return np.take(np.logaddexp.accumulate(x, 1), -1, 1)
def divide_segments(x): return np.divide.reduceat(x, [0, 2])
def divide_segments_written_out(x): return np.stack([np.divide.accumulate(x[0:2])[-1], np.divide.accumulate(x[2:])[-1]])


def test_reduce_and_reduceat_of_a_ufunc_with_accumulate_advise_it():
    for f, words in ((logaddexp_reduce, r"numpy\.logaddexp\.reduce: astgrad follows numpy\.logaddexp\.accumulate"),
                     (divide_segments, r"numpy\.divide\.reduceat: .*for each segment x\[i:j\]")):
        with pytest.raises(astgrad.TransformError, match=r"test_rules_more_numpy.py:\d+: no adjoint rule for " + words):
            astgrad.grad(lambda v: np.sum(f(v)))(positive(4))
    # what it advises is followed
    x = positive(3, 4)
    assert_close(logaddexp_last(x), logaddexp_reduce(x), rtol=1e-12)
    check_derivatives(logaddexp_last, (x,), rng=RNG)
    x = positive(5)
    assert_close(divide_segments_written_out(x), divide_segments(x), rtol=1e-12)
    check_derivatives(divide_segments_written_out, (x,), rng=RNG)
