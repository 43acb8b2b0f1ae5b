"""The eighty-eighth hunt's programs on the hooks Python runs by itself on an object of the
user's whose hook writes into the array it was handed: ``__eq__``/``__ne__``/``__le__``
(``v == u``, ``list.index``, ``u in [v]``), ``__float__``/``__int__``/``__round__``,
``__iter__`` (unpacking, ``list(v)``, ``zip``, ``f(*v)``), ``keys`` (``{**v}``), ``__enter__``,
``__array__``, ``__setitem__``, ``__delitem__``, ``__reversed__``, ``%`` and ``str.format``,
``and``/``or``, ``__hash__`` through a set's ``add``. Each program is ``f(x, w)`` of a float
array ``x`` (4 or 6 items) and a float ``w``."""
import math
import operator

import numpy as np


class Hooky:
    def __init__(self, d):
        self.d = d

    def _bump(self):
        self.d[0] = self.d[0] * 3.0

    def __eq__(self, other):
        self._bump()
        return False

    def __ne__(self, other):
        self._bump()
        return True

    def __le__(self, other):
        self._bump()
        return True

    def __ge__(self, other):
        self._bump()
        return True

    def __gt__(self, other):
        self._bump()
        return True

    __hash__ = object.__hash__

    def __float__(self):
        self._bump()
        return 2.0

    def __int__(self):
        self._bump()
        return 2

    def __round__(self, n=None):
        self._bump()
        return 2

    def __floor__(self):
        self._bump()
        return 2

    def __iter__(self):
        self._bump()
        return iter([1.0, 2.0])

    def keys(self):
        self._bump()
        return ["k"]

    def __getitem__(self, k):
        return 1.0

    def __setitem__(self, k, v):
        self._bump()

    def __delitem__(self, k):
        self._bump()

    def __reversed__(self):
        self._bump()
        return iter([2.0, 1.0])

    def __enter__(self):
        self._bump()
        return self

    def __exit__(self, *exc):
        return False

    def __str__(self):
        return "h"

    def __repr__(self):
        self._bump()
        return "h"

    def __index__(self):
        self._bump()
        return 1

    def __contains__(self, k):
        self._bump()
        return False

    def __len__(self):
        self._bump()
        return 2

    def __length_hint__(self):
        self._bump()
        return 2

    def __bytes__(self):
        self._bump()
        return b"h"

    def __format__(self, spec):
        self._bump()
        return "h"

    def __bool__(self):
        self._bump()
        return True

    def __array__(self, dtype=None, copy=None):
        self._bump()
        return np.ones(2)

    def __neg__(self):
        self._bump()
        return 1.0

    def __pos__(self):
        self._bump()
        return 1.0

    def __invert__(self):
        self._bump()
        return 1.0

    def __pow__(self, k):
        self._bump()
        return 1.0

    def __rsub__(self, k):
        self._bump()
        return 1.0

    def __truediv__(self, k):
        self._bump()
        return 1.0

    def __and__(self, k):
        self._bump()
        return 1.0

    def __ror__(self, k):
        self._bump()
        return 1.0

    def __xor__(self, k):
        self._bump()
        return 1.0

    def __lshift__(self, k):
        self._bump()
        return 1.0

    def __rrshift__(self, k):
        self._bump()
        return 1.0

    def __floordiv__(self, k):
        self._bump()
        return 1.0

    def __divmod__(self, k):
        self._bump()
        return (1.0, 0.0)

    def __ceil__(self):
        self._bump()
        return 2

    def __trunc__(self):
        self._bump()
        return 2

    def __complex__(self):
        self._bump()
        return 2j

    def __radd__(self, k):
        self._bump()
        return k + 1.0


def _hooked(body):
    def program(x, w):
        buf = x * 1.0
        h = Hooky(buf)
        s = body(h, w)
        return s + np.sum(buf * x)
    return program


def hh_eq(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = w if h == 1.0 else 2.0 * w
    return s + np.sum(buf * x)


def hh_ne(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = w if h != 1.0 else 2.0 * w
    return s + np.sum(buf * x)


def hh_le(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = w if h <= 1.0 else 2.0 * w
    return s + np.sum(buf * x)


def hh_reflected_ge(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = w if 1.0 <= h else 2.0 * w
    return s + np.sum(buf * x)


def hh_list_index(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    k = [1.0, h].index(h)
    return k * w + np.sum(buf * x)


def hh_in_list_display(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = w if 3.0 in [h, 2.0] else 0.0
    return s + np.sum(buf * x)


def hh_float(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return float(h) * w + np.sum(buf * x)


def hh_int(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return int(h) * w + np.sum(buf * x)


def hh_round(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return round(h) * w + np.sum(buf * x)


def hh_math_floor(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return math.floor(h) * w + np.sum(buf * x)


def hh_unpack(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    a, b = h
    return a * w + b + np.sum(buf * x)


def hh_list_of(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return len(list(h)) * w + np.sum(buf * x)


def hh_tuple_of(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return tuple(h)[0] * w + np.sum(buf * x)


def hh_for_loop(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = 0.0
    for v in h:
        s = s + v * w
    return s + np.sum(buf * x)


def hh_zip(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = 0.0
    for a, b in zip(h, [1.0, 2.0]):
        s = s + a * b * w
    return s + np.sum(buf * x)


def hh_enumerate(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = 0.0
    for k, a in enumerate(h):
        s = s + a * w
    return s + np.sum(buf * x)


def _two(a, b):
    return a + b


def hh_star_call(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return _two(*h) * w + np.sum(buf * x)


def hh_star_list(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return len([*h]) * w + np.sum(buf * x)


def hh_double_star(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    m = {**h}
    return m["k"] * w + np.sum(buf * x)


def hh_dict_of(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    m = dict(h)
    return m["k"] * w + np.sum(buf * x)


def hh_setitem(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    h[0] = 1.0
    return w + np.sum(buf * x)


def hh_delitem(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    del h[0]
    return w + np.sum(buf * x)


def hh_reversed(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return next(reversed(h)) * w + np.sum(buf * x)


def hh_iter_next(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return next(iter(h)) * w + np.sum(buf * x)


def hh_with(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    with h:
        s = w * 2.0
    return s + np.sum(buf * x)


def hh_percent(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return len("%s" % (h,)) * w + np.sum(buf * x)


def hh_str_format(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return len("{}".format(h)) * w + np.sum(buf * x)


def hh_and(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = (h and w) * 2.0
    return s + np.sum(buf * x)


def hh_or(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = w if (h or None) is h else 0.0
    return s + np.sum(buf * x)


def hh_not_operator(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = w if operator.not_(h) else 2.0 * w
    return s + np.sum(buf * x)


def hh_truth_operator(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = w if operator.truth(h) else 2.0 * w
    return s + np.sum(buf * x)


def hh_asarray(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return np.sum(np.asarray(h)) * w + np.sum(buf * x)


def hh_set_add(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = set()
    s.add(h)
    return len(s) * w + np.sum(buf * x)


def hh_neg(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return (-h) * w + np.sum(buf * x)


def hh_pos(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return (+h) * w + np.sum(buf * x)


def hh_invert(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return (~h) * w + np.sum(buf * x)


def hh_pow(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return (h ** 2) * w + np.sum(buf * x)


def hh_rsub(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return (1.0 - h) * w + np.sum(buf * x)


def hh_truediv(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return (h / 2.0) * w + np.sum(buf * x)


def hh_sum_builtin(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return sum([h, h]) * w + np.sum(buf * x)


def hh_max_two(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    m = max(h, 1.0)
    return w * (m is h) + np.sum(buf * x)


def hh_min_two(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    m = min(1.0, h)
    return w * (m is h) + np.sum(buf * x)


def hh_in_tuple(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = w if 3.0 in (h,) else 0.0
    return s + np.sum(buf * x)


def hh_list_count(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return [h, 2.0].count(5.0) * w + np.sum(buf * x)


def hh_list_remove(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    vs = [h, 2.0]
    vs.remove(2.0)
    return len(vs) * w + np.sum(buf * x)


def hh_format_spec(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return len(f"{h:>3}") * w + np.sum(buf * x)


def hh_bool_in_loop(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = 0.0
    for _ in range(2):
        if h:
            s = s + w
    return s + np.sum(buf * x)


def hh_eq_after_read(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    t = np.sum(buf * x)
    s = w if h == 1.0 else 2.0 * w
    return s + t + np.sum(buf)


def hh_compare_chain(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = w if 0.0 <= h <= 2.0 else 2.0 * w
    return s + np.sum(buf * x)


def hh_is_none(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = w if h is not None else 0.0
    return s + np.sum(buf * x)


def hh_and_operator(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return (h & 1) * w + np.sum(buf * x)


def hh_ror(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return (1 | h) * w + np.sum(buf * x)


def hh_xor(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return (h ^ 1) * w + np.sum(buf * x)


def hh_lshift(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return (h << 1) * w + np.sum(buf * x)


def hh_rrshift(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return (1 >> h) * w + np.sum(buf * x)


def hh_floordiv(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return (h // 2) * w + np.sum(buf * x)


def hh_divmod(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return divmod(h, 2)[0] * w + np.sum(buf * x)


def hh_pow_builtin(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return pow(h, 2) * w + np.sum(buf * x)


def hh_math_ceil(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return math.ceil(h) * w + np.sum(buf * x)


def hh_math_trunc(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return math.trunc(h) * w + np.sum(buf * x)


def hh_complex(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return complex(h).imag * w + np.sum(buf * x)


def hh_operator_neg(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return operator.neg(h) * w + np.sum(buf * x)


def hh_operator_eq(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = w if operator.eq(h, 1.0) else 2.0 * w
    return s + np.sum(buf * x)


def hh_operator_invert(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return operator.invert(h) * w + np.sum(buf * x)


def hh_operator_floordiv(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return operator.floordiv(h, 2) * w + np.sum(buf * x)


def hh_format_builtin_spec(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return len(format(h, ">3")) * w + np.sum(buf * x)


def hh_not_in_display(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = w if 3.0 not in [2.0, h] else 0.0
    return s + np.sum(buf * x)


def hh_object_in_display(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = w if h in [2.0, 3.0] else 0.0
    return s + np.sum(buf * x)


def hh_percent_d(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return len("%d" % h) * w + np.sum(buf * x)


def hh_percent_f(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return len("%f" % h) * w + np.sum(buf * x)


def hh_percent_r(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return len("%r" % (h,)) * w + np.sum(buf * x)


def hh_ascii(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return len(ascii(h)) * w + np.sum(buf * x)


def hh_bytes(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return len(bytes(h)) * w + np.sum(buf * x)


def hh_math_sqrt(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return math.sqrt(h) * w + np.sum(buf * x)


def hh_math_isclose(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = w if math.isclose(h, 2.0) else 0.0
    return s + np.sum(buf * x)


def hh_math_fsum(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return math.fsum([h, 1.0]) * w + np.sum(buf * x)


def hh_np_float64(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return float(np.float64(h)) * w + np.sum(buf * x)


def hh_operator_contains(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = w if operator.contains(h, 1.0) else 0.0
    return s + np.sum(buf * x)


def hh_operator_length_hint(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return operator.length_hint(h) * w + np.sum(buf * x)


def hh_operator_getitem(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return operator.getitem(h, 0) * w + np.sum(buf * x)


def hh_operator_setitem(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    operator.setitem(h, 0, 1.0)
    return w + np.sum(buf * x)


def hh_list_index_into(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return [1.0, 2.0, 3.0][h] * w + np.sum(buf * x)


def hh_array_index(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return x[h] * w + np.sum(buf * x)


def hh_range_stop(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = 0.0
    for k in range(h):
        s = s + w
    return s + np.sum(buf * x)


def hh_len_in_loop(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = 0.0
    for _ in range(2):
        s = s + len(h) * w
    return s + np.sum(buf * x)


def hh_contains_in(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    s = w if 1.0 in h else 0.0
    return s + np.sum(buf * x)


def hh_repr(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return len(repr(h)) * w + np.sum(buf * x)


def hh_fstring_repr(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return len(f"{h!r}") * w + np.sum(buf * x)


def hh_int_of_attribute_holder(x, w):
    buf = x * 1.0
    box = Holder(Hooky(buf))
    return int(box.h) * w + np.sum(buf * x)


def hh_in_display_of_attribute(x, w):
    buf = x * 1.0
    box = Holder(Hooky(buf))
    s = w if 3.0 in [box.h] else 0.0
    return s + np.sum(buf * x)


def hh_operator_invert_writing(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return operator.invert(h) * w + np.sum(buf * x)


def hh_sum_display_writing(x, w):
    buf = x * 1.0
    h = Hooky(buf)
    return sum([h]) * w + np.sum(buf * x)


class Holder:
    def __init__(self, h):
        self.h = h


CASES = [(name, f) for name, f in list(globals().items()) if name.startswith("hh_") and callable(f)]
