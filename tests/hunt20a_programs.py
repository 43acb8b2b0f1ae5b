"""Programs of the twentieth acceptance hunt (first half): ordinary code an outsider writes,
aimed at what changed last: operators of user classes run as method calls (reflected
operators with a subclass, in-place operators, an operator that writes self, ``__eq__``
as a value, an operator returning another class, methods returning self), methods
changing dicts of lists on self, several views of one array (reshape, ``.T``, strided
slices, ``np.asarray``), aliases ended by a copy or by for/tuple targets. Every entry of
CASES is (name, f, args, wrt): astgrad must give Python's derivative, or refuse. Used by
tests/test_hunt20a_programs.py."""

import numpy as np

from program_cases import case_table

X3 = np.array([0.3, -0.4, 0.9])
X4 = np.array([0.3, -0.4, 0.9, 0.5])
CASES, case = case_table((X3, 0.8))
REFUSED = []       # (name, f, args, what the refusal says): astgrad cannot follow these, and says so


def refused(name, says, args=(X3, 0.8)):
    def deco(f):
        REFUSED.append((name, f, args, says))
        return f
    return deco


class V:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __add__(self, other):
        return V(self.a + other.a, self.b + other.b)

    def __mul__(self, k):
        return V(self.a * k, self.b * k)

    def __rmul__(self, k):
        return V(self.a * k * 2.0, self.b * k * 2.0)     # deliberately not __mul__

    def __iadd__(self, other):
        self.a = self.a + other.a
        self.b = self.b * other.b
        return self

    def __eq__(self, other):
        return np.sum((self.a - other.a) ** 2) + (self.b - other.b) ** 2

    def __neg__(self):
        return W(-self.a, self.b)

    def scale(self, k):
        self.a = self.a * k
        self.b = self.b * k
        return self

    def total(self):
        return np.sum(self.a) * self.b


class SubV(V):
    def __rmul__(self, k):
        return SubV(self.a * k * 3.0, self.b)

    def __mul__(self, k):
        return SubV(self.a * k, self.b * k)


class W(V):
    def total(self):
        return np.sum(np.sin(self.a)) + self.b ** 2

    def __add__(self, other):
        return W(self.a * other.b, self.b + np.sum(other.a))


class Acc:
    def __init__(self, w):
        self.w = w
        self.n = 0

    def __add__(self, v):
        self.w = self.w + v       # an operator that writes self, returning self
        self.n += 1
        return self

    def __call__(self, v):
        return self.w * v


# -- operators of user classes --------------------------------------------------------------

@case("c01 float * V runs V.__rmul__, which is not __mul__")
def c01(x, w):
    v = V(x, w)
    return (3.0 * v).total() + (v * 3.0).total()


@case("c02 float * SubV runs the subclass's __rmul__")
def c02(x, w):
    v = SubV(x, w)
    u = 2.0 * v
    return u.total() + (v * w).total()


@case("c03 v += u runs __iadd__ which writes self and returns it; the other name sees it")
def c03(x, w):
    v = V(x, w)
    keep = v
    v += V(x * w, w + 1.0)
    return keep.total() + v.total()


@case("c05 -v gives a W whose __add__ and total differ from V's")
def c05(x, w):
    v = V(x, w)
    n = -v
    m = n + v
    return m.total() + n.total()


@case("c06 a method returning self, chained")
def c06(x, w):
    v = V(x, w)
    r = v.scale(w).scale(2.0)
    return r.total() + v.total()


@refused("c07 an operator that writes self and returns it, in a loop", r"a call of a function value it does not know")
def c07(x, w):
    acc = Acc(x)
    for k in range(3):
        acc = acc + x * w
    return np.sum(acc(w)) + acc.n


@case("c08 a + b where the left operand's class has no __add__ for it: SubV on the left")
def c08(x, w):
    s = SubV(x, w)
    v = V(x * w, w)
    return (s + v).total() + (v + s).total()


@case("c09 the same method called twice per loop step")
def c09(x, w):
    v = V(x, w)
    t = 0.0
    for k in range(3):
        v = v.scale(0.9)
        t = t + v.total() * v.total()
    return t


@case("c10 acc = vs[0], then acc = acc + v over the rest of a list of V: V.__add__ each step")
def c10(x, w):
    vs = [V(x * k, w) for k in (1.0, 2.0, 3.0)]
    acc = vs[0]
    for v in vs[1:]:
        acc = acc + v
    return acc.total()


class Near:
    """Comparisons giving a soft value, as a fuzzy-logic class would."""
    def __init__(self, a):
        self.a = a

    def __lt__(self, other):
        return np.tanh(np.sum(other.a - self.a))

    def __gt__(self, k):
        return np.tanh(np.sum(self.a) - k)

    def __ne__(self, other):
        return np.sum((self.a - other.a) ** 2)


@case("c11 v == u used as a number: V.__eq__ returns a distance")
def c11(x, w):
    v = V(x, w)
    u = V(np.sin(x), w * w)
    d = v == u
    return d * w + (u == v)


@case("c12 3.0 < n runs Near.__gt__, the reflected method; n < m runs __lt__, n != m __ne__")
def c12(x, w):
    n = Near(x * w)
    m = Near(np.cos(x))
    return (w < n) + (n < m) * w + (m != n)


@case("c13 a soft comparison in a loop, and a plain one in an if")
def c13(x, w):
    n = Near(x)
    t = 0.0
    for k in range(3):
        m = Near(x * w ** k)
        t = t + (n < m) ** 2
        if np.sum(x) < w + 0.5:
            t = t + (m > 0.2)
    return t


# -- dicts of lists on self ----------------------------------------------------------------

class Log:
    def __init__(self):
        self.d = {"a": [], "b": []}

    def add(self, key, v):
        self.d[key].append(v)
        return self

    def take(self, key):
        return self.d[key].pop()

    def total(self):
        return sum(sum(np.sum(v) for v in vs) for vs in self.d.values())


@case("d01 a dict of lists read after a pop (a chain of methods returning self)")
def d01(x, w):
    log = Log()
    log.add("a", x * w).add("a", x ** 2).add("b", np.sin(x))
    last = log.take("a")
    return log.total() + np.sum(last * w)


@refused("d02 a list in the dict aliased by a name, appended through the dict",
         r"the call of Log\.add changes the object it is called on in place")
def d02(x, w):
    log = Log()
    lst = log.d["a"]
    log.add("a", x * w)
    lst.append(x * x)
    return log.total() + np.sum(lst[0])


@refused("d03 a list moved from one key to another, then the first key cleared",
         r"the call of Log\.add changes the object it is called on in place")
def d03(x, w):
    log = Log()
    log.add("a", x * w).add("a", np.cos(x))
    log.d["b"] = log.d["a"]
    log.d["a"] = []
    log.add("b", x * 3.0)
    return log.total() + len(log.d["a"])


@case("d04 a dict of lists filled in a loop, one method per step twice")
def d04(x, w):
    log = Log()
    for k in range(3):
        log.add("a", x * w ** k)
        log.add("b", log.d["a"][-1] * w)
    return log.total()


@case("d05 setdefault on a dict of lists")
def d05(x, w):
    d = {}
    for k, v in enumerate(x):
        d.setdefault(k % 2, []).append(v * w)
    return sum(sum(vs) ** 2 for vs in d.values())


# -- several views of one array -------------------------------------------------------------

@case("v01 a reshape view written, the original read", (X4, 0.8))
def v01(x, w):
    y = x * w
    m = y.reshape(2, 2)
    m[0, 1] = m[1, 0] * w
    return np.sum(y ** 2)


# v02 (not in CASES: tests/test_hunt20a_programs.py checks it to second order)
def v02(x, w):
    y = (x * w).reshape(2, 2)
    t = y.T
    t[0] = np.sin(t[1])
    return np.sum(y * y) + y[0, 1]


@case("v03 two strided views of one array, one written", (X4, 0.8))
def v03(x, w):
    y = x * w
    even = y[::2]
    odd = y[1::2]
    even *= odd
    return np.sum(y ** 2) + np.sum(even)


@refused("v04 np.asarray is the same array: written through it",
         r"assignment into an element of 'z' while another name may share its memory")
def v04(x, w):
    y = x * w
    z = np.asarray(y)
    z[0] = z[1] ** 2
    return np.sum(y * x)


@case("v05 a view of a view of a view", (X4, 0.8))
def v05(x, w):
    y = np.sin(x) * w
    a = y.reshape(2, 2)
    b = a.T
    c = b[:, 0]
    c += w
    return np.sum(y ** 2)


@case("v06 a reversed view written in place from the other end")
def v06(x, w):
    y = x * w
    r = y[::-1]
    r[0] = r[2] * 2.0
    return np.sum(y * y)


@case("v07 ravel of a contiguous array is a view: written through it (refused before, followed now)")
def v07(x, w):
    y = np.outer(x, x)[:2] * w
    r = y.ravel()
    r[1] = r[0] ** 2
    return np.sum(y ** 2)


@refused("v08 a view kept on an object, written via a method",
         r"augmented assignment to an attribute of self in Holder\.bump")
def v08(x, w):
    y = x * w
    h = Holder(y[1:])
    h.bump(w)
    return np.sum(y ** 2)


class Holder:
    def __init__(self, view):
        self.view = view

    def bump(self, k):
        self.view *= k


# -- aliases ended by a copy or a target ----------------------------------------------------

@case("a01 z = z.copy() in a loop, then z written")
def a01(x, w):
    y = x * w
    z = y
    for k in range(2):
        z = z.copy()
        z[k] = z[k] * w
    return np.sum(y * z)


@case("a02 z = np.array(z) ends the alias")
def a02(x, w):
    y = x * w
    z = y
    z = np.array(z)
    z += 1.0
    return np.sum(y * z)


@case("a03 a tuple target rebinding two aliases to copies")
def a03(x, w):
    y = x * w
    a, b = y, y
    a, b = a.copy(), b * 2.0
    a[0] = w
    return np.sum(y * a * b)


@refused("a04 a for target over copies of rows",
         r"augmented assignment .* on 'r' while another name may share its memory",
         (np.array([[0.3, -0.4], [0.9, 0.5]]), 0.8))
def a04(m, w):
    y = m * w
    out = 0.0
    for r in y.copy():
        r *= w
        out = out + np.sum(r)
    return out + np.sum(y ** 2)


@case("a05 the alias copied with np.copy in one step, written after the loop")
def a05(x, w):
    y = x * w
    z = y
    for k in range(2):
        y = y + z
        z = np.copy(z)
    z[0] = 5.0
    return np.sum(y * z)


# -- comparisons astgrad cannot decide when it generates the code ---------------------------

class SoftNear(Near):
    def __gt__(self, other):
        return np.tanh(np.sum(self.a) - np.sum(other.a)) * 2.0


class Picky(Near):
    def __lt__(self, other):
        if not isinstance(other, Picky):
            return NotImplemented
        return np.sum(other.a - self.a)


@refused("r01 a chained comparison of soft values", r"a chained comparison with a Near")
def r01(x, w):
    m = Near(x)
    n = Near(x * w)
    k = Near(x * 2.0)
    return m < n < k


@refused("r02 a right operand of a subclass: Python tries its reflected method first",
         r"the comparison < with a right operand of SoftNear, a subclass of the left operand's class")
def r02(x, w):
    n = Near(x)
    m = SoftNear(x * w)
    return n < m


@refused("r03 a __lt__ that may return NotImplemented", r"the comparison < on a Picky, whose __lt__ may return "
         r"NotImplemented")
def r03(x, w):
    n = Picky(x)
    m = Picky(x * w)
    return n < m


@case("r04 == on two V a tuple assignment binds: V.__eq__ runs, as for names bound one by one")
def r04(x, w):
    a, b = V(x, w), V(x * x, w * w)
    return a == b


def compared_items_of_a_dict(x, w):
    """(not in CASES: tests/test_hunt20a_programs.py) == on items of a dict: their class
    is not known where the comparison is, and V.__eq__ returns a distance."""
    d = {"p": V(x, w), "q": V(x * x, w * w)}
    return d["p"] == d["q"]
