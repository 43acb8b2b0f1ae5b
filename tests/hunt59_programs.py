"""The fifty-ninth hunt's programs: a function or bound method that travels (held in a
list, tuple, dict, set or an object's attribute, built by a comprehension, taken by
``getattr``, a default argument of a nested def or lambda, returned from a helper,
``functools.partial`` of a method, ``operator.methodcaller``, ``map`` of a method) and is
called, for its effect or its value; and what an object holds in an attribute
(``functools.partial``, another object's bound method). Each is (name, f, args, wrt);
tests/test_held_method_values.py checks them against central finite differences."""

import functools
import operator
import re

import numpy as np

from hunt58_programs import Accumulator     # (a method of your class: acc.add)

X4 = np.array([0.7, -1.3, 0.4, 2.1])
W = 0.8
# ---- a bound method of a local value, held in a container and called for its effect
def m01(x, w):
    a = x * 1.0
    ops = [a.__imul__]
    ops[0](w)
    return np.sum(a * a)


def m02(x, w):
    xs = []
    ops = [xs.append]
    for v in x:
        ops[0](v * w)
    return sum(xs)


def m03(x, w):
    a = x * 1.0
    ops = {"fill": a.fill}
    ops["fill"](w)
    return np.sum(a * x)


def m04(x, w):
    a = x * 1.0
    ops = (a.__setitem__,)
    ops[0](1, w)
    return np.sum(a * a)


def m05(x, w):
    a = x * 1.0
    for op in [a.__iadd__]:
        op(w)
    return np.sum(a * a)


def m06(x, w):
    a = x * w
    ops = {a.sort}
    for op in ops:
        op()
    return np.sum(a * np.arange(4.0))


def m07(x, w):
    a = x * 1.0
    ops = [a.__setitem__ for _ in range(1)]
    ops[0](2, w)
    return np.sum(a * a)


def m08(x, w):
    a = x * 1.0
    ops = [getattr(a, "fill")]
    ops[0](w)
    return np.sum(a * x)


def m09(x, w):
    a = x * 1.0

    def put(v, setter=a.__setitem__):
        setter(0, v)
    put(w)
    return np.sum(a * a)


def m10(x, w):
    xs = []
    add = lambda v, app=xs.append: app(v)      # noqa: E731
    for v in x:
        add(v * w)
    return sum(xs)


def _imul_of(a):
    return a.__imul__


def m11(x, w):
    a = x * 1.0
    _imul_of(a)(w)
    return np.sum(a * a)


def m12(x, w):
    a = x * 1.0
    f = _imul_of(a)
    f(w)
    return np.sum(a * a)


def m13(x, w):
    a = x * 1.0
    put = functools.partial(a.__setitem__, 0)
    put(w)
    return np.sum(a * a)


def m14(x, w):
    a = x * 1.0
    operator.methodcaller("fill", w)(a)
    return np.sum(a * x)


def m15(x, w):
    xs = []
    list(map(xs.append, x * w))
    return sum(xs)


def m16(x, w):
    a = x * 1.0
    ops = [a.__imul__]
    f = ops[0]
    f(w)
    return np.sum(a * a)


def m17(x, w):
    a = x * 1.0
    f, = [a.__imul__]
    f(w)
    return np.sum(a * a)


class Box:
    pass


def m18(x, w):
    a = x * 1.0
    box = Box()
    box.op = a.fill
    box.op(w)
    return np.sum(a * x)


def m19(x, w):
    d = {}
    ops = [d.__setitem__]
    ops[0]("a", x[0] * w)
    return d["a"] + w


def m20(x, w):
    a = x * 1.0
    ops = [a.__imul__, a.__iadd__]
    for op in ops:
        op(w)
    return np.sum(a * a)


def m21(x, w):
    xs = [x * 1.0]
    ops = [xs[0].__imul__]
    ops[0](w)
    return np.sum(xs[0] * xs[0])


def m22(x, w):
    xs = []
    ops = {"add": xs.append}
    ops.get("add")(x[0] * w)
    return xs[0] + w


def m23(x, w):
    a = x * 1.0
    ops = [a.__imul__]
    ops[0](w)
    ops[0](w)
    return np.sum(a)


def m24(x, w):
    a = x * 1.0
    if (ops := [a.__imul__]) and w > 0:
        ops[0](w)
    return np.sum(a * a)


def m25(x, w):
    xs = []
    put = functools.partial(xs.append)
    put(x[1] * w)
    return xs[0] * w


def m26(x, w):
    a = x * 1.0
    ops = [a.__imul__]
    r = ops[0](w)       # its value used, also
    return np.sum(a * r)


def m27(x, w):
    a = x * 1.0
    f = [a.__setitem__][0]
    f(3, w * w)
    return np.sum(a * a)


def m28(x, w):
    a = x * 1.0
    apply = lambda f, v: f(v)      # noqa: E731
    apply(a.__imul__, w)
    return np.sum(a * a)


def _call(f, v):
    f(v)


def m29(x, w):
    a = x * 1.0
    _call(a.__imul__, w)
    return np.sum(a * a)


def m30(x, w):
    a = x * 1.0
    ops = [a.fill]
    [op(w) for op in ops]
    return np.sum(a * x)


# ---- a bound method called for its value (changes nothing)
def v01(x, w):
    a = x * w
    fs = [a.sum]
    return fs[0]() * w


def v02(x, w):
    a = x * w
    fs = {"dot": a.dot}
    return fs["dot"](x)


def v03(x, w):
    a = x * w
    f = functools.partial(a.dot)
    return f(x) + w


def v04(x, w):
    a = x * w
    return operator.methodcaller("sum")(a) * w


def v05(x, w):
    a = x * w
    fs = [a.copy]
    b = fs[0]()
    return np.sum(b * b)


def v06(x, w):
    a = x * w
    return sum(map(a.__mul__, [1.0, 2.0]))[0]


def v07(x, w):
    a = x * w
    return _imul_of(a)(1.0)[1] if False else np.sum(a * a)


# ---- functions (not bound methods of the function's values) in containers: followed
def f01(x, w):
    fs = [np.sin, np.cos]
    return np.sum(fs[0](x) * w + fs[1](x))


def f02(x, w):
    fs = {"s": lambda z: z * w}
    return np.sum(fs["s"](x) ** 2)


def f03(x, w):
    g = functools.partial(np.multiply, w)
    return np.sum(g(x) ** 2)


def f04(x, w):
    fs = (np.tanh,)
    return np.sum(fs[0](x * w))


def f05(x, w):
    fs = [lambda z, k=k: z * k * w for k in (1.0, 2.0)]
    return np.sum(fs[0](x) + fs[1](x) ** 2)


# ---- what an object holds in an attribute
def _scaled(z, k=1.0):
    return z * k


class Scaler:
    def __init__(self, k):
        self.k = k

    def up(self, z):
        return z * self.k


class HoldsPartial:
    def __init__(self):
        self.f = functools.partial(_scaled, k=2.0)

    def __call__(self, z):
        return self.f(z)


class HoldsOthersMethod:
    def __init__(self, other):
        self.f = other.up

    def __call__(self, z):
        return self.f(z)


class Counter:
    def __init__(self):
        self.n = 0.0

    def bump(self, v):
        self.n = self.n + v


class HoldsOthersChange:
    def __init__(self, other):
        self.f = other.bump

    def __call__(self, z):
        self.f(z)
        return z


class HoldsPartialOfMethod:
    def __init__(self, other):
        self.f = functools.partial(other.up)

    def __call__(self, z):
        return self.f(z)


def o01(x, w):
    h = HoldsPartial()
    return np.sum(h(x * w) ** 2)


def o02(x, w):
    h = HoldsOthersMethod(Scaler(3.0))
    return np.sum(h(x * w) ** 2)


def o03(x, w):
    s = Scaler(w)
    h = HoldsOthersMethod(s)
    return np.sum(h(x) ** 2)


def o04(x, w):
    c = Counter()
    h = HoldsOthersChange(c)
    h(x[0] * w)
    return c.n * w


def o05(x, w):
    h = HoldsPartialOfMethod(Scaler(2.0))
    return np.sum(h(x * w) ** 2)


def o06(x, w):
    h = HoldsPartial()
    h.f = functools.partial(_scaled, k=w)
    return np.sum(h(x) ** 2)


class HoldsPartialOfArray:
    def __init__(self, a):
        self.f = functools.partial(np.multiply, a)

    def apply(self, z):
        return self.f(z)


def o07(x, w):
    h = HoldsPartialOfArray(x)
    return np.sum(h.apply(x * w) ** 2)


class HoldsOwnPartial:
    def __init__(self, k):
        self.k = k
        self.f = functools.partial(HoldsOwnPartial.scale, self)

    def scale(self, z):
        return z * self.k


def o08(x, w):
    h = HoldsOwnPartial(w)
    return np.sum(h.f(x) ** 2)


def o09(x, w):
    xs = []
    box = Box()
    box.add = xs.append
    box.add(x[0] * w)
    return xs[0] * w


def u01(x, w):
    acc = Accumulator()
    ops = [acc.add]             # a method of your class, in a list
    ops[0](x[0] * w)
    return acc.total + w


def u02(x, w):
    s = Scaler(w)
    fs = [s.up]
    return np.sum(fs[0](x) ** 2)


def u03(x, w):
    acc = Accumulator()
    _call(acc.add, x[1] * w)
    return acc.total * w


def m31(x, w):
    a = x * 1.0
    if w > 0:
        f = a.fill
    else:
        f = a.fill
    g = f
    ops = [g]
    ops[0](w)
    return np.sum(a * x)


# ---- an object given as an argument whose attribute holds another object's bound method
class Pair:
    def __init__(self):
        self.k = 2.0

    def up(self, z):
        return z * self.k


def a01(x, w, h):
    return np.sum(h(x * w) ** 2)        # h.__call__ calls self.f: Scaler.up of the other


def a02(x, w, h):
    return np.sum(h.f(x * w) ** 2)


def a03(x, w, h, c):
    r = h(x[0] * w)                     # Counter.bump assigns c.n: refused
    return c.n * w + r


class PartialHolder:
    def __init__(self, f):
        self.f = f

    def __call__(self, z):
        return self.f(z) + self.f(z, k=0.5)     # a keyword given in the call overrides the bound one


def a05(x, w, h):
    return np.sum(h(x * w) ** 2)


HELD = HoldsOthersMethod(Scaler(2.5))          # a global instance


def a04(x, w):
    return np.sum(HELD(x * w) ** 2)


PAIR_A, PAIR_B = Pair(), Pair()
PAIR_A.f, PAIR_B.g = PAIR_B.up, PAIR_A.up       # each holds the other's method
_COUNTER = Counter()
HELD_BY_ARGUMENT = [("a01", a01, (X4, W, HoldsOthersMethod(Scaler(3.0))), (0, 1)),
                    ("a02", a02, (X4, W, HoldsOthersMethod(Scaler(-1.5))), (0, 1)),
                    ("a02-cycle", a02, (X4, W, PAIR_A), (0, 1)), ("a04", a04, (X4, W), (0, 1)),
                    ("a05", a05, (X4, W, PartialHolder(functools.partial(_scaled, k=2.0))), (0, 1)),
                    ("a02-partial-args", a02, (X4, W, PartialHolder(functools.partial(np.multiply, 3.0))), (0, 1))]
A03 = ("a03", a03, (X4, W, HoldsOthersChange(_COUNTER), _COUNTER),
       r"a call of Counter\.bump, a method of another object held in the attribute \.f, which assigns the "
       r"attribute 'n'")


# each of these but m14, m18, m26 and o09 (refused, not naming the method) gave a wrong
# gradient with no error; refused now, naming the method and the line taking it (m11, m12:
# a helper returns it, refused where it is called for its effect, naming the helper, or in the helper)
_TAKEN = r"the method {} taken as a value \({}\)"
_CALLED = r"calling the method a\.__imul__ that _imul_of returns"
SAYS = {
    "m01": ("a.__imul__", "held in a list"), "m02": ("xs.append", "held in a list"), "m03": ("a.fill", "held in a dict"),
    "m04": ("a.__setitem__", "held in a tuple"), "m05": ("a.__iadd__", "held in a list"),
    "m06": ("a.sort", "held in a set"), "m07": ("a.__setitem__", "built by a comprehension"),
    "m08": ("a.fill", "held in a list"), "m09": ("a.__setitem__", "a default argument"),
    "m10": ("xs.append", "a default argument"), "m11": _CALLED, "m12": _CALLED,
    "m13": ("a.__setitem__", "handed to a call"), "m14": ("operator.methodcaller('fill')", "called on a value"),
    "m15": ("xs.append", "handed to a call"), "m16": ("a.__imul__", "held in a list"),
    "m17": ("a.__imul__", "held in a list"), "m18": ("a.fill", "stored"), "m19": ("d.__setitem__", "held in a list"),
    "m20": ("a.__imul__", "held in a list"), "m21": ("xs[0].__imul__", "held in a list"),
    "m22": ("xs.append", "held in a dict"), "m23": ("a.__imul__", "held in a list"),
    "m24": ("a.__imul__", "held in a list"), "m25": ("xs.append", "handed to a call"),
    "m26": ("a.__imul__", "held in a list"), "m27": ("a.__setitem__", "held in a list"),
    "m28": ("a.__imul__", "handed to a call"), "m29": ("a.__imul__", "handed to a call"),
    "m30": ("a.fill", "held in a list"), "m31": ("a.fill", "held in a list"), "o09": ("xs.append", "stored"),
    "o04": r"the call of HoldsOthersChange.__call__, made for its effect .* \(.*hunt59_programs.py:\d+: self.f\(z\)\)",
}
REFUSED = [(name, globals()[name], (X4, W),
            says if isinstance(says, str) else _TAKEN.format(*(re.escape(part) for part in says)))
           for name, says in SAYS.items()]
# followed, as before: functions (not methods of the function's values) in containers, and
# methods of objects of the user's classes in a list or handed to a helper
CASES = [(name, globals()[name], (X4, W), (0, 1)) for name in ("f01", "f02", "f03", "f04", "f05", "u01", "u02", "u03")]
# every program, for a census (right / refused / wrong) in every mode
ALL = [f for name, f in sorted(globals().items()) if name[:1] in "mvfou" and name[1:].isdigit()]
