"""The eighty-ninth hunt's programs at kinks and NaN: ``np.where`` over ``np.sqrt`` and
``np.log`` (the untaken branch's derivative NaN), ``np.maximum`` of a value and itself,
``abs`` at 0, ``sort``/``argmax``/``max`` with ties, ``np.linalg.norm`` of zeros, ``x ** 0.5``
at 0, powers of negative bases, ``median``, ``percentile``, ``fmax``, ``hypot``,
``copysign``, ``mod``/``fmod``/``remainder``. Each program is ``f(x, w)`` of a float array
``x`` (4 or 6 items) and a float ``w``."""
import numpy as np


def kk_where_sqrt(x, w):
    return np.sum(np.where(x > 0, np.sqrt(x), 0.0) * w)


def kk_where_log(x, w):
    return np.sum(np.where(x > 0, np.log(np.abs(x)), x) * w)


def kk_maximum_tie(x, w):
    return np.sum(np.maximum(x, x) * w)


def kk_abs_zero(x, w):
    y = x * 1.0
    y[0] = 0.0
    return np.sum(np.abs(y) * w) + np.sum(x)


def kk_sort(x, w):
    return np.sum(np.sort(x) * np.arange(x.size) * w)


def kk_argmax(x, w):
    return x[np.argmax(x)] * w


def kk_norm_zero(x, w):
    return np.linalg.norm(x * 0.0) * w + np.sum(x)


def kk_sqrt_pow_zero(x, w):
    return np.sum((x * 0.0) ** 0.5) * w + np.sum(x)


def kk_power_negative_base(x, w):
    return np.sum(np.power(x, 3.0) * w)


def kk_power_neg_base_int_array(x, w):
    return np.sum(np.power(x, np.array([2, 3] * (x.size // 2))) * w)


def kk_max_ties(x, w):
    y = np.concatenate([x, x])
    return np.max(y) * w


def kk_median(x, w):
    return np.median(x) * w


def kk_percentile(x, w):
    return np.percentile(x, 30) * w


def kk_nanmax(x, w):
    return np.nanmax(x) * w


def kk_ptp(x, w):
    return np.ptp(x) * w


def kk_sign(x, w):
    return np.sum(np.sign(x) * x * w)


def kk_fmax(x, w):
    return np.sum(np.fmax(x, w))


def kk_minimum_broadcast(x, w):
    return np.sum(np.minimum(x, w) * x)


def kk_hypot_zero(x, w):
    return np.sum(np.hypot(x, w))


def kk_arctan2(x, w):
    return np.sum(np.arctan2(x, w))


def kk_logaddexp(x, w):
    return np.sum(np.logaddexp(x, w))


def kk_cbrt(x, w):
    return np.sum(np.cbrt(x) * w)


def kk_copysign(x, w):
    return np.sum(np.copysign(x, -w) * x)


def kk_mod(x, w):
    return np.sum(np.mod(x, w) * x)


def kk_fmod(x, w):
    return np.sum(np.fmod(x, 0.5) * w)


def kk_remainder(x, w):
    return np.sum(np.remainder(x * w, 0.5))


CASES = [(name, f) for name, f in list(globals().items())
         if name.startswith(('kk_',)) and callable(f)]
