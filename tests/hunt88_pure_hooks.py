"""The eighty-eighth hunt's programs on an object of the user's whose operator and
conversion hooks change nothing and return values carrying a derivative (``~v``,
``operator.mul(v, w)``, ``pow(v, 2)``, ``divmod``, ``sum([v, v])``, ``int(v)``,
``round(v)``, ``math.floor(v)``, ``"{}".format(v)``, ``u in [v]``): the answer is
Python's, or a refusal naming the user's line. Each program is ``f(x, w)`` of a float
array ``x`` (4 or 6 items) and a float ``w``."""
import math
import operator

import numpy as np


class Vec:
    def __init__(self, d):
        self.d = d

    def __invert__(self):
        return self.d * 2.0

    def __neg__(self):
        return -self.d

    def __mul__(self, v):
        return self.d * v

    def __rmul__(self, v):
        return self.d * v

    def __pow__(self, k):
        return self.d ** k

    def __radd__(self, k):
        return self.d + k

    def __add__(self, k):
        return self.d + k

    def __divmod__(self, k):
        return (self.d / k, self.d * 0.0)

    def __floordiv__(self, k):
        return self.d / k

    def __eq__(self, other):
        return False

    def __int__(self):
        return 2

    def __round__(self, n=None):
        return 2

    def __floor__(self):
        return 2

    def __format__(self, spec):
        return "v"

    def __bool__(self):
        return True

    def __float__(self):
        return float(np.sum(self.d ** 2))

    def __contains__(self, k):
        return False

    def __repr__(self):
        return "v"

    def __and__(self, k):
        return self.d * 3.0

    def __matmul__(self, k):
        return self.d @ k


def pv_invert(x, w):
    v = Vec(x * w)
    return np.sum(~v * x)


def pv_neg(x, w):
    v = Vec(x * w)
    return np.sum(-v * x)


def pv_operator_mul(x, w):
    v = Vec(np.sin(x))
    return np.sum(operator.mul(v, w) * x)


def pv_operator_neg(x, w):
    v = Vec(x * w)
    return np.sum(operator.neg(v) * x)


def pv_operator_invert(x, w):
    v = Vec(x * w)
    return np.sum(operator.invert(v) * x)


def pv_operator_pow(x, w):
    v = Vec(x * w)
    return np.sum(operator.pow(v, 2))


def pv_pow_builtin(x, w):
    v = Vec(x * w)
    return np.sum(pow(v, 2))


def pv_divmod(x, w):
    v = Vec(x * w)
    return np.sum(divmod(v, 2.0)[0] * x)


def pv_operator_floordiv(x, w):
    v = Vec(x * w)
    return np.sum(operator.floordiv(v, 2.0) * x)


def pv_sum_builtin(x, w):
    v = Vec(x * w)
    return np.sum(sum([v]) * x)


def pv_sum_start(x, w):
    v = Vec(x * w)
    return np.sum(sum([v], 1.5) * x)


def pv_sum_start_keyword(x, w):
    v = Vec(np.sin(x))
    return np.sum(sum((v,), start=w) * x)


def pv_sum_of_plain_arrays(x, w):
    return np.sum(sum([x, x * w]) * x)


def pv_operator_add(x, w):
    v = Vec(np.cos(x))
    return np.sum(operator.add(v, w) * x)


def pv_operator_iadd(x, w):
    v = Vec(np.cos(x))
    return np.sum(operator.iadd(v, w) * x)


def pv_operator_matmul(x, w):
    v = Vec(x * w)
    return operator.matmul(v, x)


def pv_and(x, w):
    v = Vec(x * w)
    return np.sum((v & 1) * x)


def pv_operator_and(x, w):
    v = Vec(x * w)
    return np.sum(operator.and_(v, 1) * x)


def pv_int(x, w):
    v = Vec(x * w)
    return int(v) * w + np.sum(v.d * x)


def pv_round(x, w):
    v = Vec(x * w)
    return round(v) * w + np.sum(v.d * x)


def pv_math_floor(x, w):
    v = Vec(x * w)
    return math.floor(v) * w + np.sum(v.d * x)


def pv_str_format(x, w):
    v = Vec(x * w)
    return len("{}".format(v)) * w + np.sum(v.d * x)


def pv_in_display(x, w):
    v = Vec(x * w)
    s = w if 3.0 in [v, 2.0] else 0.0
    return s + np.sum(v.d * x)


def pv_not_operator(x, w):
    v = Vec(x * w)
    s = w if operator.not_(v) else 2.0 * w
    return s + np.sum(v.d * x)


def pv_functools_reduce(x, w):
    import functools
    v = Vec(x * w)
    return np.sum(functools.reduce(operator.add, [v, 1.0]) * x)


def pv_map_operator(x, w):
    v = Vec(x * w)
    return np.sum(list(map(operator.neg, [v]))[0] * x)


def pv_np_negative(x, w):
    v = Vec(x * w)
    return np.sum(np.negative(v.d) * x)


def pv_mul_in_loop(x, w):
    v = Vec(x * w)
    s = 0.0
    for k in range(2):
        s = s + np.sum(operator.mul(v, x[k]))
    return s


def pv_math_sqrt(x, w):
    v = Vec(x * w)
    return math.sqrt(v) * x[0]


def pv_math_atan2(x, w):
    v = Vec(np.sin(x))
    return math.atan2(v, w) * x[1]


def pv_math_isclose(x, w):
    v = Vec(x * w)
    s = w if math.isclose(v, 2.0) else 2.0 * w
    return s + np.sum(v.d * x)


def pv_math_fsum(x, w):
    v = Vec(x * w)
    return math.fsum([v, x[0]]) * x[1]


def pv_math_prod(x, w):
    v = Vec(x * w)
    return np.sum(math.prod([v, 2.0])) * x[1]


def pv_math_exp_in_loop(x, w):
    v = Vec(x * 0.1)
    s = 0.0
    for k in range(2):
        s = s + math.exp(v) * x[k] * w
    return s


def pv_float_then_math(x, w):
    v = Vec(x * w)
    return math.log1p(float(v)) * x[2]


def pv_percent_r(x, w):
    v = Vec(x * w)
    return len("%r" % (v,)) * w + np.sum(v.d * x)


def pv_operator_contains(x, w):
    v = Vec(x * w)
    s = w if operator.contains(v, 1.0) else 2.0 * w
    return s + np.sum(v.d * x)


CASES = [(name, f) for name, f in list(globals().items()) if name.startswith("pv_") and callable(f)]
