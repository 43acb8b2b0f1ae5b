"""Programs of the twenty-second acceptance hunt (second half): ordinary code aimed at the
newest constructs: iterator classes (two iterators over one object, ``next(it, default)``,
``__len__``, ``reversed``, ``max``/``sorted`` with a key, early exits), methods returning
``self`` (chains, builders, ``p = p.step(g)`` in loops, ``__iadd__``/``__imul__`` through
an alias, ``type(self)(...)``), dicts of lists on ``self``, list comprehensions and dict
comprehensions in the body of a ``try`` that raises part-way (in a branch, in a loop),
generator expressions held in a name and advanced by ``next``, ``starmap`` with defaults,
deques and ufuncs with ``out=``/``where=``. Every entry of CASES is (name, f, args, wrt):
astgrad must give Python's derivative, or refuse. Used by tests/test_hunt22b_programs.py."""

import itertools
from collections import deque

import numpy as np

from program_cases import case_table
from test_iterator_classes import Seq

X3 = np.array([0.3, -0.4, 0.9])
CASES, case = case_table((X3, 0.7))


# -- comprehensions in the body of a try that raises part-way ---------------------------------

@case("t01 a list comprehension in a try body, the next statement raising IndexError before using it")
def t01(x, w):
    try:
        ys = [v * w for v in x]
        z = ys[5]
    except IndexError:
        z = w * 2.0
    return z + np.sum(x)


@case("t02 a dict comprehension in a try body, the next statement raising KeyError")
def t02(x, w):
    try:
        d = {i: v * w for i, v in enumerate(x)}
        r = d[7]
    except KeyError:
        r = w
    return r * np.sum(x)


@case("t03 a list comprehension in a branch of an if in a try body, the next statement raising")
def t03(x, w):
    try:
        if w > 0:
            ys = [v * w for v in x]
            z = ys[5]
        else:
            z = w
    except IndexError:
        z = w * 2.0
    return z + np.sum(x)


@case("t04 a list comprehension in a try body in a loop, raising on the last pass only")
def t04(x, w):
    out = 0.0
    for i in range(3):
        try:
            ys = [v * w for v in x]
            out = out + ys[i + 1]
        except IndexError:
            out = out + w
    return out


@case("t05 comprehensions chained in a try body, the handler reading the first")
def t05(x, w):
    try:
        ys = [v * w for v in x]
        zs = [y * y for y in ys]
        r = zs[4]
    except IndexError:
        r = sum(ys) * 2.0
    return r * np.sum(x)


def boom(v):
    if v > 0.5:
        raise ValueError("too large")
    return v * 2.0


@case("t06 a comprehension calling a helper that raises part-way, in a try body")
def t06(x, w):
    ys = []
    try:
        ys = [boom(v * w) for v in x]
    except ValueError:
        pass
    return sum(ys) + w * np.sum(x)


def pair(x, w):
    return [x * w, np.sin(x)]


def named(x, w):
    return {"a": x * w, "b": w}


@case("t07 a helper's list, then a helper's dict, each bound in a try body whose next statement raises")
def t07(x, w):
    try:
        ys = pair(x, w)
        z = ys[3]
    except IndexError:
        z = w
    try:
        d = named(x, w)
        r = d["c"]
    except KeyError:
        r = w * 3.0
    return np.sum(z * r)


@case("t08 a comprehension in a try body, a raise in an if after it skipping the statement using it")
def t08(x, w):
    z = w
    try:
        ys = [v * w for v in x]
        if w > 0.5:
            raise ValueError("too large")
        z = ys[0]
    except ValueError:
        z = z * 2.0
    return np.sum(z)


@case("t09 a comprehension in a try body in a loop, a raise on one pass only")
def t09(x, w):
    s = 0.0
    for k in range(4):
        try:
            ys = [v * w * k for v in x]
            if k == 2:
                raise ValueError("two")
            s = s + ys[k % 3]
        except ValueError:
            s = s * w
    return s


@case("t10 a list bound in a try body, bound again in an if that does not run, the next statement raising")
def t10(x, w):
    try:
        ys = [v * w for v in x]
        if w > 5.0:
            ys = [w, w * w]
        r = ys[9]
    except IndexError:
        r = w
    return r * np.sum(x)


# -- iterator classes -------------------------------------------------------------------------

class Scaled(Seq):
    """test_iterator_classes.Seq (a counter over a list attribute, each item ``w`` over it)
    with a method changing ``w``."""
    def setw(self, w):
        self.w = w


class Sized(Scaled):
    def __len__(self):
        return len(self.data)


class After(Seq):
    """Reads its counter after the move."""
    def __next__(self):
        if self.i >= len(self.data):
            raise StopIteration
        self.i += 1
        return self.data[self.i - 1] * self.i


class Redefined(Seq):
    """(tests/test_hunt22b_programs.py gives it a __next__ of its own between calls)"""


@case("i01 next(it, default) past the end, twice")
def i01(x, w):
    it = iter(Scaled([x + 2.0, w], w))
    a = next(it, 5.0)
    b = next(it, 5.0)
    c = next(it, 5.0)
    d = next(it, w)
    return np.sum(a * b) + c * d


@case("i02 a method changing the object between two loops over it")
def i02(x, w):
    q = Scaled([x, x * 2.0], w)
    s = 0.0
    for c in q:
        s = s + np.sum(c)
    q.setw(w * w)
    for c in q:
        s = s + np.sum(c * c)
    return s


@case("i03 len() through __len__, and a loop over the object after a loop over its range")
def i03(x, w):
    q = Sized([x + 2.0, w + 1.0], w)
    s = 0.0
    for k in range(len(q)):
        s = s + k * w
    for c in q:
        s = s + np.sum(c)
    return s * len(q)


@case("i04 reversed(list(q)) and a, b = q after an attribute changes")
def i04(x, w):
    q = Scaled([x + 2.0, w + 1.0], w)
    r = list(reversed(list(q)))
    q.w = 2.0
    a, b = q
    return np.sum(r[0] * 2.0 + r[1] + a * b)


@case("i05 max and sorted with a key, min and max of numbers")
def i05(x, w):
    q = Scaled([x, w, x * x], w)
    m = max(q, key=lambda v: np.sum(v))
    s = sorted(q, key=lambda v: np.sum(v))[0]
    n = Scaled([x[0], w, x[1]], w)
    return np.sum(m + s) + min(n) * max(n)


@case("i06 the counter read after its move; an early return from a loop over the object")
def i06(x, w):
    s = np.sum(sum(After([x, w, x * w], 1.0)))
    for c in Scaled([x, x * w, w], w):
        if np.sum(c) > 1.5:
            return s + np.sum(c) * w
    return s


@case("i07 a while loop ended by except StopIteration, and zip of two objects")
def i07(x, w):
    it = iter(Scaled([x, w], w))
    s = 0.0
    while True:
        try:
            v = next(it)
        except StopIteration:
            break
        s = s + np.sum(v * v)
    return s + sum(np.sum(a * b) for a, b in zip(Scaled([x, w], w), Scaled([w, x], x[0])))


# -- methods returning self ---------------------------------------------------------------

class Vec:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def scale(self, k):
        self.a = self.a * k
        self.b = self.b * k
        return self

    def shift(self, c):
        self.a = self.a + c
        return self

    def norm(self):
        return np.sum(self.a ** 2) + self.b ** 2

    def __iadd__(self, o):
        self.a = self.a + o.a
        self.b = self.b + o.b
        return self

    def __imul__(self, k):
        self.a = self.a * k
        self.b = self.b * k
        return self


class Vec2(Vec):
    def norm(self):
        return np.sum(np.sin(self.a)) + self.b


class Step:
    def __init__(self, x):
        self.x = x

    def step(self, g):
        self.x = self.x - 0.1 * g * self.x
        return self


class Model:
    def __init__(self):
        self.terms = []

    def add(self, t):
        self.terms.append(t)
        return self

    def value(self):
        s = 0.0
        for t in self.terms:
            s = s + np.sum(t)
        return s


class Twice:
    def __init__(self, a):
        self.a = a

    def doubled(self):
        return type(self)(self.a * 2.0)

    def value(self):
        return np.sum(self.a)


@case("s01 an alias seeing += and *= (__iadd__, __imul__ returning self)")
def s01(x, w):
    v = Vec(x, w)
    u = v
    v += Vec(x * w, 1.0)
    v *= w
    return u.norm()


@case("s02 a method returning self bound to a second name, then called through it")
def s02(x, w):
    v = Vec(x, w)
    u = v.scale(w)
    u.shift(1.0)
    return v.norm() + u.norm()


@case("s03 p = p.step(g) in a for loop and in a while loop, a subclass's chain")
def s03(x, w):
    t = Vec2(x, w).scale(w).norm()
    p = Step(x)
    for _ in range(3):
        p = p.step(w)
    v = Vec(x, w)
    k = 0
    while k < 2:
        v = v.scale(w)
        k += 1
    return np.sum(p.x) + v.norm() + t


@case("s04 a builder, a chain in an if test, type(self)(...) chained")
def s04(x, w):
    v = Vec(x, w)
    s = Model().add(x).add(x * w).add(np.sin(x)).value()
    if v.scale(w).norm() > 0.5:
        s = s + v.norm() * 2.0
    return s + Twice(x * w).doubled().doubled().value()


@case("s05 a chain first in a tuple, then the object read")
def s05(x, w):
    v = Vec(x, w)
    t = (v.scale(w).norm(), v.norm())
    a = v.norm()
    v.scale(w).shift(x)
    return t[0] * t[1] + a + v.norm()


# -- dicts of lists on self ---------------------------------------------------------------

class Log:
    def __init__(self):
        self.h = {"a": [], "b": []}

    def put(self, k, v):
        self.h[k].append(v)

    def cut(self, k):
        self.h[k][1:] = []

    def take(self, k):
        return self.h[k].pop()

    def total(self):
        s = 0.0
        for k in self.h:
            for v in self.h[k]:
                s = s + np.sum(v)
        return s


@case("d01 appends and pops on lists in a dict on self, in a loop")
def d01(x, w):
    g = Log()
    for i in range(3):
        g.put("a", x * (w + i))
    g.put("b", w)
    a = g.take("a")
    b = g.take("a")
    return np.sum(a * b) + g.total()


@case("d02 a slice write emptying a list in a dict on self")
def d02(x, w):
    g = Log()
    g.put("a", x * w)
    g.put("a", np.sin(x))
    g.cut("a")
    return g.total()


# -- held generators, starmap, deques, ufuncs ---------------------------------------------------

@case("g01 a held generator expression reading a name rebound between two next calls")
def g01(x, w):
    k = 1.0
    g = (v * k * w for v in x)
    a = next(g)
    k = w
    b = next(g)
    return a + b


@case("g02 a held generator with a condition, defaults past its end, StopIteration caught")
def g02(x, w):
    g = (v * w for v in x if v > 0)
    a = next(g)
    b = next(g, w)
    c = next(g, w * 2.0)
    h = (v * w for v in x)
    d = next(h)
    try:
        next(h)
        next(h)
        d = d * next(h)
    except StopIteration:
        d = d + w
    return a * b * c * d


@case("g03 a generator expression over an object of an iterator class, advanced by next: its own item")
def g03(x, w):
    g = (c * w for c in Seq([x + 2.0, w + 1.0], w))
    return np.sum(next(g) * next(g, 1.0))


@case("g04 the same with a condition, and in a try body where StopIteration is caught")
def g04(x, w):
    q = Seq([x + 2.0, w + 1.0, x * w + 3.0], w)
    g = (c * c * w for c in q if np.sum(c) > 0.7)
    a = next(g)
    h = (np.sin(c) + w for c in Seq([x + 2.0, w + 1.0], w))
    try:
        b = next(h) * next(h)
        b = b * next(h)
    except StopIteration:
        b = b * w
    return np.sum(a) + np.sum(b)


@case("g05 the same where __next__ raises and an except catches it: the generator is finished, as Python's is")
def g05(x, w):
    g = (c * w for c in Seq([2.0, 0.0, 4.0], w))       # the second item is w / 0.0
    a = next(g)
    try:
        b = next(g)
    except ZeroDivisionError:
        b = w * 3.0
    c = next(g, 1.0)
    try:
        d = next(g)
    except StopIteration:
        d = 5.0
    return a * b * c * d + np.sum(x * w)


class Pairs(Seq):
    """Each item a tuple (``w`` over an item, ``w``)."""
    def __next__(self):
        if self.i >= len(self.data):
            raise StopIteration
        v = (self.w / self.data[self.i], self.w)
        self.i += 1
        return v


def unpacked_pairs(x, w):
    """(not in CASES: tests/test_hunt22b_programs.py, refused)"""
    g = (a * b for a, b in Pairs([x + 2.0, w + 1.0], w))
    return np.sum(next(g))


def fma(a, b=2.0):
    return a * b


def fma3(a, b, c=0.5):
    return a * b + c


@case("m01 starmap of functions with defaults, some filled, in a loop")
def m01(x, w):
    s = sum(itertools.starmap(fma, [(x[0],), (w,)])) + sum(itertools.starmap(fma3, [(x[0], w, 1.0), (w, x[1])]))
    for r in itertools.starmap(fma, [(x[0], w), (w,)]):
        s = s + r * r
    return s


@case("q01 a deque with maxlen: appendleft, append, pop, popleft, extend")
def q01(x, w):
    d = deque([x[0], w], maxlen=3)
    d.appendleft(w * 2.0)
    d.append(x[2])
    a = d.pop()
    b = d.popleft()
    e = deque([x[0], w], maxlen=2)
    e.extend([w * 5.0, x[1]])
    return a * b + sum(d) + e[0] * e[1]


@case("u01 ufuncs with out= and where= into new arrays and into the array they read")
def u01(x, w):
    y = np.zeros(3)
    np.multiply(x, w, out=y, where=x > 0)
    z = x * 1.0
    np.multiply(z, w, out=z, where=np.array([True, False, True]))
    np.add(z, z, out=z)
    u = np.empty(3)
    u[:] = w
    np.exp(x, out=u, where=x < 0)
    return np.sum(y * y) + np.sum(z ** 2) + np.sum(u)


def summed(x, w):
    """(not in CASES: tests/test_hunt22b_programs.py redefines Redefined.__next__ between calls)"""
    s = 0.0
    for c in Redefined([x, w], w):
        s = s + np.sum(c)
    it = iter(Redefined([x * w, x], w))
    return s + np.sum(next(it) * next(it, 1.0))
