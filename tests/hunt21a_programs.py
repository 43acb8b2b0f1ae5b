"""Programs of the twenty-first acceptance hunt (first half): ordinary code an outsider
writes, aimed at the newest class code: operators and protocols of user classes run as
method calls (with subclasses, ``super()``, ``__slots__``, properties, class attributes),
iteration through ``__iter__``, methods changing dicts of lists on self, the first-match
idiom over objects, local classes, and methods or helpers raising part-way inside a
``try`` body. Every entry of CASES is (name, f, args, wrt): astgrad must give Python's
derivative, or refuse. Used by tests/test_hunt21a_programs.py."""

import contextlib

import numpy as np

from program_cases import case_table, refusal_table

X3 = np.array([0.3, -0.4, 0.9])
CASES, case = case_table((X3, 0.8))
REFUSED, refused = refusal_table((X3, 0.8))      # astgrad cannot follow these, and says so


class Vec:
    scale = 2.0

    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __add__(self, o):
        return Vec(self.a + o.a, self.b + o.b)

    def __sub__(self, o):
        return Vec(self.a - o.a, self.b - o.b)

    def __mul__(self, k):
        return Vec(self.a * k, self.b * k)

    __rmul__ = __mul__

    def __neg__(self):
        return Vec(-self.a, -self.b)

    def __abs__(self):
        return np.sqrt(np.sum(self.a ** 2) + self.b ** 2)

    def __matmul__(self, o):
        return np.sum(self.a * o.a) + self.b * o.b

    def total(self):
        return np.sum(self.a) * self.b * self.scale

    @property
    def norm2(self):
        return self @ self


class Vec2(Vec):
    scale = 3.0

    def total(self):
        return super().total() + np.sum(self.a ** 2)


# -- operators, properties and class attributes ---------------------------------------------

@case("o01 __rmul__ = __mul__ (an alias in the class body) and a class attribute read by total")
def o01(x, w):
    v = Vec(x, w)
    return (w * v).total() + (v * w).total()


@case("o02 @ run through a property")
def o02(x, w):
    v = Vec(np.sin(x), w)
    return v.norm2 * w


@case("o03 a subclass's class attribute read by the method it inherits, and super().total()")
def o03(x, w):
    return Vec2(x, w).total() + Vec(x, w).total()


@case("o04 abs() of an object of a class defining __abs__, not carrying a derivative in abs")
def o04(x, w):
    return abs(Vec(x, w)) * w


@case("o05 -(v - u) chained")
def o05(x, w):
    v = Vec(x, w)
    u = Vec(np.cos(x), w * w)
    return (-(v - u)).total()


class Slot:
    __slots__ = ("a", "b")

    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __add__(self, o):
        return Slot(self.a + o.a, self.b * o.b)

    def val(self):
        return np.sum(self.a ** 2) * self.b


@case("o06 + on a class with __slots__")
def o06(x, w):
    return (Slot(x, w) + Slot(x * w, w)).val()


# -- methods and helpers raising part-way in a try body -------------------------------------

class Failing:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def scale_then_check(self, k):
        self.b = self.b * k
        if k > 0.5:
            raise ValueError("too large")
        return k

    def check_then_scale(self, k):
        if k > 0.5:
            raise ValueError("too large")
        self.b = self.b * k
        return k

    def scale_then_look_up(self, table, k):
        self.b = self.b * k
        return table[k > 0.5]

    def total(self):
        return np.sum(self.a) * self.b


_CAUGHT = r"a call of (Failing\.\w+|Groups\.add|advance) in the body of a try with except: it changes (the object it " \
          r"is called on|the list pos) and may raise after that, and Python keeps the change when the exception is " \
          r"caught; call it before or after the try statement, or raise before the change"


@refused("e01 a method scaling self.b, then raising: the handler and the rest see the new self.b (a wrong derivative, with no error, before)", _CAUGHT)
def e01(x, w):
    v = Failing(x, w)
    try:
        v.scale_then_check(w)
    except ValueError:
        pass
    return v.total()


@case("e02 the same method raising before it changes self")
def e02(x, w):
    v = Failing(x, w)
    try:
        v.check_then_scale(w)
    except ValueError:
        pass
    return v.total()


@refused("e03 a KeyError from a dict read after the change (a wrong derivative, with no error, before)", _CAUGHT)
def e03(x, w):
    v = Failing(x, w)
    try:
        v.scale_then_look_up({False: 1.0}, w)
    except KeyError:
        pass
    return v.total()


@refused("e04 the try inside a loop: each step's change kept (a wrong derivative, with no error, before)", _CAUGHT)
def e04(x, w):
    v = Failing(x, w)
    t = 0.0
    for k in range(3):
        try:
            t = t + v.scale_then_check(w)
        except ValueError:
            t = t + v.total()
    return t


class Groups:
    def __init__(self):
        self.m = {}

    def add(self, k, v):
        self.m.setdefault(k, []).append(v)
        if len(self.m[k]) > 1:
            raise IndexError("full")

    def total(self):
        return sum(np.sum(v) for vs in self.m.values() for v in vs)


@refused("e05 a dict of lists on self appended to, then a raise (a wrong derivative, with no error, before)", _CAUGHT)
def e05(x, w):
    g = Groups()
    g.add("a", x * w)
    try:
        g.add("a", x * x)
    except IndexError:
        pass
    return g.total() * w


def advance(step, pos):
    pos[0] = pos[0] * step
    if pos[0] > 0.3:
        raise ValueError("too far")
    return pos[0]


@refused("e06 a helper keeping its place in a list it is given, raising after it moved on (a wrong derivative, with no error, before)", _CAUGHT)
def e06(x, w):
    pos = [w]
    t = 0.0
    try:
        t = advance(w, pos)
    except ValueError:
        t = 1.0
    return pos[0] * np.sum(x) + t


@case("e07 an operator method raising (it changes nothing), caught")
def e07(x, w):
    a = Guarded(x, w)
    try:
        r = a + a
    except ValueError:
        r = Guarded(x * 2.0, w)
    return r.val()


class Guarded:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __add__(self, o):
        if self.b > 0.5:
            raise ValueError("too large")
        return Guarded(self.a + o.a, self.b + o.b)

    def val(self):
        return np.sum(self.a ** 2) * self.b


# -- exceptions a with statement or a finally body drops --------------------------------------

@case("w01 with contextlib.suppress: the statements before the raise keep their effects (it raised past the "
      "gradient call before)")
def w01(x, w):
    v = x * w
    with contextlib.suppress(ValueError):
        v = v * w
        if w > 0.5:
            raise ValueError("too large")
        v = v * 100.0
    return np.sum(v)


@case("w02 a suppress after another manager, catching a KeyError of a dict read, bound by as (it raised past the "
      "gradient call before)")
def w02(x, w):
    y = x * w
    with np.errstate(divide="ignore"), contextlib.suppress(ZeroDivisionError, KeyError) as nothing:
        y = y / w
        y = y * {1: 2.0}[w > 0.5]
        y = y * 3.0
    return np.sum(y ** 2) + (nothing is None)


@case("w03 a suppress whose body does not raise")
def w03(x, w):
    y = x * w
    with contextlib.suppress(ZeroDivisionError):
        y = y / w
    return np.sum(y ** 2)


@case("w07 a suppress in a loop body, raising on some items")
def w07(x, w):
    t = 0.0
    for v in x:
        with contextlib.suppress(ValueError):
            t = t + v * w
            if v > 0.5:
                raise ValueError("too large")
            t = t * w
    return t


@case("w08 nested suppresses, the inner one's exception caught by the outer")
def w08(x, w):
    t = np.sum(x) * w
    with contextlib.suppress(KeyError):
        t = t * w
        with contextlib.suppress(ValueError):
            t = t + 1.0
            raise KeyError("k")
        t = t * 100.0
    return t


@case("w09 a suppress in a try body, its exception not suppressed but caught by the try")
def w09(x, w):
    t = np.sum(x) * w
    try:
        with contextlib.suppress(KeyError):
            t = t * w
            raise ValueError("v")
    except ValueError:
        t = t + 1.0
    return t


@refused("w04 a suppress around a method changing its object, then raising",
         r"a call of Failing\.scale_then_check in the body of a with contextlib\.suppress: it changes the object")
def w04(x, w):
    v = Failing(x, w)
    with contextlib.suppress(ValueError):
        v.scale_then_check(w)
    return v.total()


class Quiet:
    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        return kind is ValueError


@refused("w05 a manager of a class whose __exit__ may suppress (it raised past the gradient call before)",
         r"a with statement over a Quiet, whose __exit__ may suppress an exception its body raises; catch the "
         r"exception with try/except inside the with body")
def w05(x, w):
    t = np.sum(x) * w
    with Quiet():
        t = t * w
        if w > 0.5:
            raise ValueError("too large")
    return t


@refused("w06 return in a finally body drops the exception (it raised past the gradient call before)",
         r"return in a finally body; return after the try statement")
def w06(x, w):
    v = Failing(x, w)
    try:
        v.scale_then_check(0.2)
        raise ValueError("always")
    finally:
        return v.total()


def suppressed_in_a_loop(x, w):
    """(not in CASES: tests/test_hunt21a_programs.py) a suppress whose body has a loop, as
    a with statement: where the body raises, the derivative stops, saying so."""
    t = 0.0
    with contextlib.suppress(ValueError):
        for v in x:
            t = t + v * w
            if v > 0.5:
                raise ValueError("too large")
    return t


# -- the first-match idiom over objects --------------------------------------------------------

class Steps:
    def __init__(self, a, k):
        self.a = a
        self.k = k

    def __iter__(self):
        return iter([self.a, self.a * self.k, self.a * self.k ** 2])


def summed_steps(x, w):
    """(not in CASES: tests/test_hunt21a_programs.py redefines Steps.__iter__ between calls)"""
    return sum(np.sum(v) for v in Steps(x * w, w))


class Corners:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __iter__(self):
        yield self.a
        yield self.b * 2.0


@case("f01 next((...) for v in obj if ...) over an object iterating by its __iter__ (it stopped reading an item "
      "through __getitem__ before)")
def f01(x, w):
    return next((np.sum(v) * w for v in Steps(x, w) if np.sum(v) > 0.5), 0.0)


@case("f02 the first match over a generator __iter__, no default")
def f02(x, w):
    c = Corners(x * w, np.sin(x))
    return np.sum(next(v for v in c if np.sum(v) < 0.9))


@refused("f03 the first match picking an object from a list of objects of two classes",
         r"no (adjoint|tangent) rule for \.total\(\); astgrad cannot differentiate through it")
def f03(x, w):
    vs = [Vec(x, w), Vec2(x * w, 2.0), Vec(x * 3.0, w * w)]
    v = next((u for u in vs if np.sum(u.a) > 0.5), vs[0])
    return v.total() * w


# -- a method assigning self on an object not followed from state to state --------------------

class Grower:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def grow(self, k):
        self.b = self.b * k
        return self

    def total(self):
        return np.sum(self.a) * self.b


class Shell:
    def __init__(self, inner, w):
        self.inner = inner
        self.w = w

    def total(self):
        return self.inner.total() * self.w


def grow_it(v, k):
    v.grow(k)


_UNFOLLOWED = r"the method call \.grow\(\) of a Grower, which assigns self\.b, on an object astgrad does not follow " \
              r"from state to state .*; call it on a name bound once to an object the function builds"


@refused("u01 the method called on an item of a list holding the object (a wrong derivative, with no error, before)",
         _UNFOLLOWED)
def u01(x, w):
    v = Grower(x, w)
    vs = [v]
    vs[0].grow(w)
    return v.total()


@refused("u02 the method called in a helper given the object (a wrong derivative, with no error, before)",
         _UNFOLLOWED)
def u02(x, w):
    v = Grower(x, w)
    grow_it(v, w)
    return v.total()


u02.refused_in = grow_it        # the refusal names the helper's line


@refused("u03 the method called on an object another one holds (a wrong derivative, with no error, before)",
         _UNFOLLOWED)
def u03(x, w):
    s = Shell(Grower(x, w), 2.0)
    s.inner.grow(w)
    return s.total()


@case("u04 the bound method taken first, then called")
def u04(x, w):
    v = Grower(x, w)
    g = v.grow
    g(w)
    return v.total()


@refused("u05 the method called on a conditional expression choosing the object, each a name read otherwise than as "
         "name.attr (a wrong derivative, with no error, before)", _UNFOLLOWED)
def u05(x, w):
    a = Grower(x, w)
    b = Grower(x * 2.0, 1.0)
    (a if w > 0.5 else b).grow(w)
    return a.total() + b.total()


# -- v[i] = x on an object whose class writes items with code of its own -----------------------

class Cells:
    def __init__(self, a):
        self.a = a

    def __getitem__(self, i):
        return self.a[i]

    def __setitem__(self, i, v):
        self.a[i] = v

    def total(self):
        return np.sum(self.a ** 2)


_SETITEM = r"the call of Cells\.__setitem__ changes the object it is called on in place \(an assignment into an " \
           r"element at .*hunt21a_programs\.py:\d+: self\.a\[i\] = v\)"


@refused("i01 v[0] = x running Cells.__setitem__, which writes into the array the object holds (a wrong derivative, "
         "with no error, before: the write was taken for a dict's)", _SETITEM)
def i01(x, w):
    c = Cells(x * w)
    c[0] = w * 3.0
    return c.total()


@refused("i02 the array the object was given, read after v[0] = x wrote into it (a wrong derivative, with no error, "
         "before)", _SETITEM)
def i02(x, w):
    y = x * w
    c = Cells(y)
    c[0] = w * 3.0
    return np.sum(y * x)


class Stepper:
    def __init__(self, h):
        self.h = h
        self.steps = 0

    def step(self, w):
        if w > 2.0:
            raise ValueError("too large")
        self.h = np.tanh(self.h * w)
        self.steps += 1
        return self.h


@case("e08 a method raising only before it changes self (counting, returning what it stored), in a try body")
def e08(x, w):
    s = Stepper(x)
    try:
        y = s.step(w)
    except ValueError:
        y = x
    return np.sum(y * s.h) + s.steps
