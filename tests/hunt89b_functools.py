"""The eighty-ninth hunt's programs on functools and itertools: ``singledispatch``,
``lru_cache``/``cache``, ``cached_property``, ``wraps``, ``reduce``, ``partial``,
``partialmethod``, ``total_ordering`` (one writing ``__le__``), ``accumulate``, ``chain``,
``starmap``, ``pairwise``, ``islice``, ``map`` over a method, generators consumed by ``sum`` and
``np.stack``, ``sorted``/``max`` with a key (one writing). Each program is ``f(x, w)`` of a float
array ``x`` (4 or 6 items) and a float ``w``."""
import collections
import functools
import itertools
import operator

import numpy as np


@functools.singledispatch
def scale(v):
    return v * 2.0


@scale.register(float)
def _(v):
    return v * 3.0


@scale.register(np.ndarray)
def _(v):
    return np.sin(v)


def ft_singledispatch(x, w):
    return np.sum(scale(x)) * scale(w)


@functools.lru_cache(maxsize=None)
def coef(n):
    return 1.0 / (n + 1)


def ft_lru_cache_int(x, w):
    return np.sum(x * coef(2)) * w


@functools.lru_cache(maxsize=None)
def cached_w(w):
    return w * w


def ft_lru_cache_float(x, w):
    return np.sum(x) * cached_w(w)


@functools.cache
def cached_sq(w):
    return np.sin(w)


def ft_cache_float(x, w):
    return np.sum(x) * cached_sq(w)


class Model:
    def __init__(self, x):
        self.x = x

    @functools.cached_property
    def norm(self):
        return np.sum(self.x ** 2)


def ft_cached_property(x, w):
    m = Model(x * w)
    return m.norm + m.norm


def ft_cached_property_stale(x, w):
    m = Model(x * 1.0)
    a = m.norm
    m.x = x * w
    return a + m.norm + np.sum(m.x)


def log_calls(f):
    @functools.wraps(f)
    def inner(*args, **kwargs):
        return f(*args, **kwargs)
    return inner


@log_calls
def helper(x, w):
    return np.sin(x) * w


def ft_wraps(x, w):
    return np.sum(helper(x, w))


def ft_reduce_lambda(x, w):
    return np.sum(functools.reduce(lambda a, b: a * b + w, [x, x * 2.0, x * 3.0]))


def ft_reduce_mul(x, w):
    return functools.reduce(operator.mul, [np.sum(x), w, 3.0])


def ft_reduce_init(x, w):
    return np.sum(functools.reduce(lambda a, b: a + b * w, [x, x * x], np.zeros_like(x)))


def ft_partial(x, w):
    p = functools.partial(np.power, x)
    return np.sum(p(2.0)) * w


def ft_partial_kw(x, w):
    def f(a, b, c=1.0):
        return a * b + c
    p = functools.partial(f, c=w)
    return np.sum(p(x, x))


class Calc:
    def __init__(self, k):
        self.k = k

    def _mul(self, v, c):
        return v * c * self.k

    triple = functools.partialmethod(_mul, c=3.0)


def ft_partialmethod(x, w):
    return np.sum(Calc(w).triple(x))


@functools.total_ordering
class Item:
    def __init__(self, v):
        self.v = v

    def __eq__(self, o):
        return np.sum(self.v) == np.sum(o.v)

    def __lt__(self, o):
        return np.sum(self.v) < np.sum(o.v)


def ft_total_ordering_max(x, w):
    a, b = Item(x * w), Item(x * 2.0)
    best = a if a >= b else b
    return np.sum(best.v)


def ft_total_ordering_sorted(x, w):
    items = [Item(x * w), Item(x * 2.0), Item(x * 0.1)]
    s = sorted(items)
    return np.sum(s[0].v) + np.sum(s[-1].v * 3.0)


@functools.total_ordering
class WriteLe:
    def __init__(self, v):
        self.v = v

    def __eq__(self, o):
        return False

    def __le__(self, o):
        self.v[0] = self.v[0] * 2.0
        return np.sum(self.v) <= np.sum(o.v)


def ft_total_ordering_writing(x, w):
    a, b = WriteLe(x * w), WriteLe(x * 2.0)
    if a > b:
        return np.sum(a.v)
    return np.sum(a.v * b.v)


def ft_accumulate(x, w):
    parts = list(itertools.accumulate([x, x * w, x * x]))
    return np.sum(parts[-1] * parts[1])


def ft_accumulate_func(x, w):
    parts = list(itertools.accumulate([x, x * w, x * x], lambda a, b: a * b))
    return np.sum(parts[-1])


def ft_chain(x, w):
    s = 0.0
    for v in itertools.chain([x, x * w], [x * x]):
        s = s + np.sum(v)
    return s


def ft_starmap(x, w):
    return np.sum(sum(itertools.starmap(lambda a, b: a * b, [(x, w), (x, x)])))


def ft_pairwise(x, w):
    s = 0.0
    for a, b in itertools.pairwise([x, x * w, x * x]):
        s = s + np.sum(a * b)
    return s


def ft_islice(x, w):
    s = 0.0
    for v in itertools.islice([x, x * w, x * x, x * 3.0], 1, 3):
        s = s + np.sum(v)
    return s


def ft_map_method(x, w):
    class P:
        def __init__(self, v):
            self.v = v

        def val(self):
            return np.sum(self.v ** 2)
    ps = [P(x), P(x * w)]
    return sum(map(P.val, ps))


def ft_generator_sum(x, w):
    return sum(np.sum(x ** k) * w for k in range(3))


def ft_generator_stack(x, w):
    return np.sum(np.stack(list(x * k * w for k in range(3))))


def ft_sorted_key_writing(x, w):
    buf = x * 1.0

    def key(v):
        buf[0] = buf[0] * 2.0
        return np.sum(v)
    vs = sorted([x * w, x * 2.0], key=key)
    return np.sum(vs[0] * buf)


def ft_sorted_key(x, w):
    vs = sorted([x * w, x * 2.0, -x], key=lambda v: np.sum(v))
    return np.sum(vs[0] * 2.0 + vs[-1])


def ft_max_key(x, w):
    v = max([x * w, x * 2.0], key=np.sum)
    return np.sum(v * v)


def ft_reduce_add_gen(x, w):
    return np.sum(functools.reduce(np.add, (x * k for k in (w, 2.0, 3.0))))


def ft_it_sorted_chain(x, w):
    vs = sorted(itertools.chain([x[0] * w, x[1]], [x[2] * x[3]]))
    return vs[0] + 2.0 * vs[-1]


def ft_it_max_islice(x, w):
    return max(itertools.islice([x[0] * w, x[1], x[2]], 0, 2)) * w


def ft_it_any_deque(x, w):
    q = collections.deque([x[0] * w, x[1]])
    return np.sum(x) * w if any(q) else np.sum(x)


def ft_it_sorted_deque_of_floats(x, w):
    vs = sorted(collections.deque([float(x[0]) * w, float(x[1])]))
    return vs[0] * 3.0 + vs[1]


CASES = [(k, v) for k, v in list(globals().items()) if k.startswith("ft_")]
