"""Programs for tests/test_trust89b.py: a helper ``g(x, b)`` reached through a lambda
with ``*args`` (``h = lambda x: g(x, *args)``), so astgrad does not know ``b``'s class
when it makes the code, where ``b`` is compared, iterated, unpacked, indexed, tested
with ``in`` or converted. Each helper is written once and made for a class ``K``:
``Writing`` (each hook doubles the array the object was handed: Python runs it once,
astgrad's code would run it again) or ``Reading`` (the hooks read only)."""

import numpy as np


class Writing:
    """Each hook doubles ``self.a``, the caller's array."""

    def __init__(self, a):
        self.a = a

    def __lt__(self, other):
        self.a *= 2.0
        return True

    def __le__(self, other):
        self.a *= 2.0
        return True

    def __gt__(self, other):
        self.a *= 2.0
        return False

    def __ge__(self, other):
        self.a *= 2.0
        return False

    def __eq__(self, other):
        self.a *= 2.0
        return False

    def __hash__(self):
        self.a *= 2.0
        return 7

    def __iter__(self):
        self.a *= 2.0
        return iter([1.0, 2.0])

    def __getitem__(self, i):
        self.a *= 2.0
        return [1.0, 2.0][i]

    def __contains__(self, k):
        self.a *= 2.0
        return True

    def __float__(self):
        self.a *= 2.0
        return 1.5

    def __int__(self):
        self.a *= 2.0
        return 2

    def __str__(self):
        self.a *= 2.0
        return "w"

    def __repr__(self):
        self.a *= 2.0
        return "w"

    def __format__(self, spec):
        self.a *= 2.0
        return "w"


class Reading:
    """The same hooks, reading only."""

    def __init__(self, a):
        self.a = a
        self.items = [1.0, 2.0]

    def __lt__(self, other):
        return self.a[0] < other

    def __le__(self, other):
        return self.a[0] <= other

    def __gt__(self, other):
        return self.a[0] > other

    def __ge__(self, other):
        return self.a[0] >= other

    def __eq__(self, other):
        return self.a[0] == other

    def __hash__(self):
        return 7

    def __iter__(self):
        return iter(self.items)

    def __getitem__(self, i):
        return self.items[i]

    def __contains__(self, k):
        return k in self.items

    def __float__(self):
        return 1.5

    def __int__(self):
        return 2

    def __str__(self):
        return "r"

    def __repr__(self):
        return "r"

    def __format__(self, spec):
        return "r"


def lt(x, b):
    n = 2.0 if b < 3.0 else 1.0             # the hook
    return np.sum(b.a * x * x) * n


def reflected_ge(x, b):
    n = 2.0 if 3.0 >= b else 1.0            # the hook
    return np.sum(b.a * x * x) * n


def eq(x, b):
    n = 2.0 if b == 0.5 else 1.0            # the hook
    return np.sum(b.a * x * x) * n


def chained(x, b):
    n = 2.0 if -1.0 < b <= 3.0 else 1.0     # the hook
    return np.sum(b.a * x * x) * n


def loop(x, b):
    t = 0.0
    for k in b:                             # the hook
        t = t + k
    return np.sum(b.a * x * x) * t


def unpacked(x, b):
    p, q = b                                # the hook
    return np.sum(b.a * x * x) * (p + q)


def listed(x, b):
    ks = list(b)                            # the hook
    return np.sum(b.a * x * x) * ks[1]


def zipped(x, b):
    t = 0.0
    for k, xi in zip(b, x):                 # the hook
        t = t + k * xi
    return np.sum(b.a * x) * t


def enumerated(x, b):
    t = 0.0
    for i, k in enumerate(b):               # the hook
        t = t + k * x[i]
    return np.sum(b.a * x) * t


def comprehension(x, b):
    ks = [k * 2.0 for k in b]               # the hook
    return np.sum(b.a * x * x) * ks[0]


def item(x, b):
    k = b[1]                                # the hook
    return np.sum(b.a * x * x) * k


def item_in_loop(x, b):
    t = 0.0
    for i in range(2):
        t = t + b[i] * x[i]                 # the hook
    return np.sum(b.a * x) * t


def contains(x, b):
    n = 2.0 if 1.0 in b else 1.0            # the hook
    return np.sum(b.a * x * x) * n


def as_float(x, b):
    k = float(b)                            # the hook
    return np.sum(b.a * x * x) * k


def as_int(x, b):
    k = int(b)                              # the hook
    return np.sum(b.a * x * x) * k


def as_str(x, b):
    s = str(b)                              # the hook
    return np.sum(b.a * x * x) * len(s)


def formatted(x, b):
    s = f"{b}"                              # the hook
    return np.sum(b.a * x * x) * len(s)


def as_repr(x, b):
    s = repr(b)                             # the hook
    return np.sum(b.a * x * x) * len(s)


def dict_key(x, b):
    d = {b: 2.0}                            # the hook
    return np.sum(b.a * x * x) * len(d)


HELPERS = (lt, reflected_ge, eq, chained, loop, unpacked, listed, zipped, enumerated, comprehension, item,
           item_in_loop, contains, as_float, as_int, as_str, formatted, as_repr, dict_key)


def through_lambda(helper):
    """``loss(w, *args)`` calling ``helper`` through a lambda with ``*args``."""
    def loss(w, *args):
        h = lambda x: helper(x, *args)      # noqa: E731
        return h(w)
    loss.__name__ = f"{helper.__name__}_through_lambda"
    return loss


def through_function_value(w, b, helper):
    """``helper`` given as a value: its parameter ``b`` has no known class either."""
    return helper(w, b)


class Generated:
    """An ``__iter__`` that is a generator over an attribute, and one over ``yield from``:
    they read only."""

    def __init__(self, a):
        self.a = a
        self.items = [1.0, 2.0]

    def __iter__(self):
        for k in self.items:
            yield k


class YieldedFrom(Generated):
    def __iter__(self):
        yield from self.items
