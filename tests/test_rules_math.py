"""The rules of the ``math`` module and of the builtins abs, min, max, sum, float,
against central finite differences."""

import math

import numpy as np
import pytest

import astgrad
from fd import assert_close
from rule_harness import check_derivatives

RNG = np.random.default_rng(7)


def check(f, args, wrt=None, rtol=1e-5, atol=1e-6):
    """Reverse and forward mode of f against central finite differences."""
    check_derivatives(f, args, wrt, rtol=rtol, atol=atol, rng=RNG)


def m_sin(x): return math.sin(x)
def m_cos(x): return math.cos(x)
def m_tan(x): return math.tan(x)
def m_asin(x): return math.asin(x)
def m_acos(x): return math.acos(x)
def m_atan(x): return math.atan(x)
def m_sinh(x): return math.sinh(x)
def m_cosh(x): return math.cosh(x)
def m_tanh(x): return math.tanh(x)
def m_exp(x): return math.exp(x)
def m_expm1(x): return math.expm1(x)
def m_log(x): return math.log(x)
def m_log1p(x): return math.log1p(x)
def m_log2(x): return math.log2(x)
def m_log10(x): return math.log10(x)
def m_sqrt(x): return math.sqrt(x)
def m_fabs(x): return math.fabs(x)
def m_log_base(x, b): return math.log(x, b)
def m_pow(x, y): return math.pow(x, y)
def m_atan2(y, x): return math.atan2(y, x)
def m_hypot(x, y): return math.hypot(x, y)
def m_composite(x, y):
    return math.exp(math.sin(x) * y) + math.sqrt(x * x + 1.0) * math.cos(y) - math.log(1.0 + math.tanh(y) ** 2)


UNIT, POSITIVE, ANY, NEGATIVE = (-0.8, 0.8), (0.5, 2.5), (-2.0, 2.0), (-2.0, -0.5)

CASES = [
    (m_sin, [ANY]), (m_cos, [ANY]), (m_tan, [UNIT]), (m_asin, [UNIT]), (m_acos, [UNIT]),
    (m_atan, [ANY]), (m_sinh, [ANY]), (m_cosh, [ANY]), (m_tanh, [ANY]), (m_exp, [ANY]),
    (m_expm1, [ANY]), (m_log, [POSITIVE]), (m_log1p, [POSITIVE]), (m_log2, [POSITIVE]),
    (m_log10, [POSITIVE]), (m_sqrt, [POSITIVE]), (m_fabs, [POSITIVE]), (m_fabs, [NEGATIVE]),
    (m_log_base, [POSITIVE, (1.5, 4.0)]), (m_log_base, [POSITIVE, (0.2, 0.8)]),
    (m_pow, [POSITIVE, ANY]), (m_atan2, [ANY, POSITIVE]),
    (m_atan2, [ANY, NEGATIVE]), (m_hypot, [ANY, POSITIVE]), (m_composite, [POSITIVE, ANY]),
]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("f, domains", CASES, ids=[f.__name__ for f, _ in CASES])
def test_math(f, domains, seed):
    rng = np.random.default_rng(seed)
    args = tuple(float(rng.uniform(lo, hi)) for lo, hi in domains)
    check(f, args)


def m_pow_integer_exponent(x):
    return math.pow(x, 2)


def test_math_pow_negative_base_integer_exponent():
    check(m_pow_integer_exponent, (-1.5,))


# ---------------------------------------------------------------------------------
# builtins
# ---------------------------------------------------------------------------------

def b_abs(x): return abs(x)
def b_abs_array(x): return abs(x) * x
def b_max(x, y): return max(x, y) * y
def b_min(x, y): return min(x, y) * x
def b_max_const(x): return max(x, 0.0)
def b_sum_list(x, y): return sum([x, y, x * y])
def b_sum_start(x, y): return sum([x, y], x)
def b_sum_tuple_arrays(x, y): return sum((x, y * 2.0))
def b_sum_array_rows(x): return sum(x)
def b_sum_generator(x): return sum(x[i] * x[i] for i in range(3))
def b_float(x): return float(x) * 3.0
def b_float_array(x): return float(x[1]) * x


@pytest.mark.parametrize("f, args", [
    (b_abs, (1.3,)), (b_abs, (-0.7,)), (b_abs_array, (np.array([1.5, -0.5, 2.0]),)),
    (b_max, (0.3, -1.2)), (b_max, (-0.3, 1.2)), (b_min, (0.3, -1.2)), (b_min, (-0.3, 1.2)),
    (b_max_const, (1.1,)), (b_max_const, (-1.1,)),
    (b_sum_list, (0.4, -1.3)), (b_sum_start, (0.4, -1.3)),
    (b_sum_tuple_arrays, (np.array([1.0, 2.0]), np.array([[0.5, -1.0], [3.0, 0.1]]))),
    (b_sum_array_rows, (np.arange(12.0).reshape(3, 4) / 7.0,)),
    (b_sum_generator, (np.array([0.3, -1.0, 2.0, 4.0]),)),
    (b_float, (0.8,)), (b_float, (np.array(0.8),)),
    (b_float_array, (np.array([0.5, -1.5, 2.5]),)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_builtins(f, args):
    check(f, args)


def test_builtin_max_min_split_ties_evenly():
    assert_close(astgrad.grad(b_max_const)(0.0), 0.5)
    assert_close(astgrad.grad(b_max, (0, 1))(2.0, 2.0), (1.0, 3.0))
