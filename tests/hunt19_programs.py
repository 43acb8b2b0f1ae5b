"""Programs of the nineteenth acceptance hunt: ordinary numerical code an outsider writes,
aimed at what changed last: generator expressions held in a name and advanced by next
(with try/except, StopIteration, defaults, items that raise), names a loop or branch may
leave unbound (and the order in which Python names them), generators held on objects,
aliases rebound before an in-place write, methods changing containers on self,
zip/starmap/sorted/dict merges/match/walrus, and kinks, dtypes, 0-d, empty and size-1
arrays. Every entry of CASES is (name, f, args, wrt): astgrad must give Python's
derivative, or refuse. Used by tests/test_hunt19_programs.py."""

import dataclasses
import itertools
import math

import numpy as np

from program_cases import case_table

X3 = np.array([0.3, -0.4, 0.9])
W23 = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.4]])
W33 = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.4], [-0.6, 0.2, 0.7]])
CASES, case = case_table((X3, 0.8))


# -- generator expressions held in a name, advanced by next ----------------------------------

@case("g01 the first two terms of a series taken by next, the third with a default past the end")
def g01(x, w):
    g = (v * w for v in x[:2])
    a = next(g)
    b = next(g)
    c = next(g, w * w)
    return a * b + np.sin(c)


@case("g02 a running sum over a generator drained in a while loop ended by StopIteration")
def g02(x, w):
    g = (np.tanh(v * w) for v in x)
    total = 0.0
    while True:
        try:
            total = total + next(g) ** 2
        except StopIteration:
            break
    return total


@case("g03 a scale read by the generator where next runs it, changed between the calls")
def g03(x, w):
    s = w
    g = (v * s for v in x)
    a = next(g)
    s = s * 3.0
    b = next(g)
    return a + b * b


@case("g04 a reciprocal series whose second item divides by zero, caught; next afterwards gives the default")
def g04(x, w):
    xs = [w, 0.0, 2.0 * w]
    g = (1.0 / v for v in xs)
    a = next(g)
    try:
        b = next(g)
    except ZeroDivisionError:
        b = w * w
    c = next(g, x[0] * w)
    return a + b + c


@case("g05 pairs from zip taken by next from a generator of products")
def g05(x, w):
    g = (a * b for a, b in zip(x, x[::-1] * w))
    first = next(g)
    second = next(g)
    return first * second + next(g)


@case("g06 next inside try with the default computed in the except")
def g06(x, w):
    g = (v + w for v in x[3:])
    try:
        head = next(g)
    except StopIteration:
        head = np.sum(x) * w
    return head ** 2


# -- names a loop that ran no pass or a branch not taken leaves unbound -----------------------

@case("u01 the last item of a loop over a slice, with a fallback where the slice is empty")
def u01(x, w):
    for v in x[1:]:
        last = v * w
    for v in x[:0]:
        last = v
    return last * np.sum(x)


@case("u02 a name bound only in a branch taken, read in a second test of the same condition")
def u02(x, w):
    if w > 0.5:
        scale = np.exp(w)
    y = x * w
    if w > 0.5:
        y = y * scale
    return np.sum(y ** 2)


@case("u03 the unbound name caught as NameError and replaced")
def u03(x, w):
    for k in range(int(w)):
        acc = x * k
    try:
        out = acc * w
    except NameError:
        out = x * w * 2.0
    return np.sum(np.sin(out))


@case("u04 a loop variable read after a loop that ran")
def u04(x, w):
    total = 0.0
    for i in range(3):
        total = total + x[i] * w ** i
    return total * x[i]


# -- generators held on an object ---------------------------------------------------------------

class Dropout:
    def __init__(self, p):
        self.p = p
        self.rs = np.random.RandomState(4)

    def __call__(self, h):
        mask = self.rs.rand(*h.shape) > self.p
        return h * mask / (1.0 - self.p)


@case("r01 dropout with a RandomState held on the layer, seeded in its __init__, drawn twice")
def r01(x, w):
    drop = Dropout(0.3)
    h = np.tanh(x * w)
    return np.sum(drop(h) ** 2) + np.sum(drop(h * w))


# -- aliases rebound before an in-place write ---------------------------------------------------

@case("a01 an alias rebound to a product before the original is updated in place")
def a01(x, w):
    y = x * w
    z = y
    z = z * w
    y += 1.0
    return np.sum(z * y)


# -- generators held on an object (continued) -------------------------------------------------

class Sampler:
    def __init__(self):
        self.rng = np.random.default_rng(3)

    def mask(self, h):
        return h * (self.rng.random(h.shape) > 0.3)

    def pick(self, h):
        return h[self.rng.integers(0, h.shape[0])]


@case("r02 a Generator on self drawing a mask and an index, in turn")
def r02(x, w):
    s = Sampler()
    return np.sum(s.mask(x * w) ** 2) * s.pick(x) + s.pick(x * w)


# -- zip(strict=True), starmap, sorted with keys, dict merges, match, walrus ---------------------

@case("z01 a dot product over zip(strict=True)")
def z01(x, w):
    return sum(a * b for a, b in zip(x, np.cos(x * w), strict=True)) * w


@case("z02 starmap over pairs of coordinates")
def z02(x, w):
    pairs = zip(x, x * w)
    return sum(itertools.starmap(lambda a, b: a * np.exp(b), pairs))


@case("z03 the two largest terms by sorted with a key of their size")
def z03(x, w):
    terms = sorted(x * w, key=abs, reverse=True)
    return terms[0] * terms[1]


@case("z04 indices sorted by a key reading the inputs")
def z04(x, w):
    order = sorted(range(3), key=lambda i: x[i] * w)
    return x[order[0]] * w + x[order[2]] ** 2


@case("z05 parameters merged from two dicts with ** and |")
def z05(x, w):
    base = {"a": x[0], "b": x[1] * w}
    over = {"b": w * w, "c": x[2]}
    p = {**base, **over}
    q = base | {"a": w}
    q |= {"c": np.sin(w)}
    return p["a"] * p["b"] + p["c"] + q["a"] * q["b"] + q["c"]


@case("z06 a match on the shape and a guard on a value")
def z06(x, w):
    match x.shape:
        case (n,) if n > 2:
            y = x * w
        case _:
            y = x
    s = float(np.sum(y))
    match s:
        case v if v > 0:
            return v * w
        case _:
            return -s * w


@case("z07 match on a tuple of values with a capture")
def z07(x, w):
    pair = (x[0] * w, "square")
    match pair:
        case (v, "square"):
            return v * v + w
        case (v, _):
            return v


@case("z08 a walrus in a comprehension carrying a running product out of it")
def z08(x, w):
    acc = w
    ys = [acc := acc * v for v in x]
    return acc + sum(ys)


@case("z09 a walrus in a while test")
def z09(x, w):
    y = x * w
    n = 0
    while (s := np.sum(y ** 2)) > 0.05 and n < 4:
        y = y * 0.5
        n += 1
    return s + np.sum(y)


# -- numerics: kinks, NaN in an untaken branch, dtypes, 0-d, empty, size-1 axes ---------------

@case("n01 where choosing sqrt on the positive part, NaN in the branch not taken")
def n01(x, w):
    return np.sum(np.where(x > 0, np.sqrt(np.abs(x) * w) * np.sign(x), x * w))


@case("n02 where with log of a value negative in the branch not taken")
def n02(x, w):
    return np.sum(np.where(x * w > 0, np.log(x * w), (x * w) ** 2))


@case("n03 clip with a bound at the input and maximum against a scalar")
def n03(x, w):
    return np.sum(np.clip(x * w, -0.25, 0.5) ** 2) + np.sum(np.maximum(x, 0.1) * w) + np.abs(w - 0.3)


@case("n04 integer arrays mixed in: weights, exponents and a floor division")
def n04(x, w):
    k = np.arange(1, 4)
    return np.sum(x ** k * w) + np.sum((k // 2) * x * w) + np.sum(np.power(w, k))


@case("n06 0-d arrays from asarray and np.float64, indexed with ()")
def n06(x, w):
    s = np.asarray(w)
    t = np.array(np.sum(x) * s)
    return t[()] * s + np.float64(w) * np.sum(x * s)


@case("n07 empty pieces: a slice of nothing summed and concatenated")
def n07(x, w):
    e = x[:0] * w
    return np.sum(e) + np.sum(np.concatenate([e, x * w]) ** 2) + np.prod(e) * w


@case("n08 broadcasting over size-1 axes: outer products, keepdims and a reshaped row")
def n08(x, w):
    outer = x[:, None] * x[None, :] * w
    col = np.sum(W33 * x.reshape(1, 3), axis=1, keepdims=True)
    return np.sum(outer @ col) + np.sum(np.tanh(col + x) * w)


@case("g09 the name a generator iterates rebound after it was made")
def g09(x, w):
    xs = x * w
    g = (v * 2.0 for v in xs)
    xs = xs * 10.0
    a = next(g)
    b = next(g)
    return a * b + np.sum(xs)


@case("g10 next in a loop accumulating")
def g10(x, w):
    g = (np.sin(v * w) for v in x)
    acc = 0.0
    for k in range(2):
        acc = acc * w + next(g)
    return acc + next(g)


@case("g11 next in a branch")
def g11(x, w):
    g = (v * w for v in x)
    a = next(g)
    if a > 0:
        b = next(g)
    else:
        b = w
    return a * b + next(g, 0.0)


@case("g12 rows of a matrix taken by next")
def g12(x, w):
    g = (row @ x for row in W33 * w)
    return next(g) * next(g) + next(g) ** 2


@case("g13 the walrus idiom: while (v := next(g, None)) is not None")
def g13(x, w):
    g = (v * w for v in x)
    total = 0.0
    while (v := next(g, None)) is not None:
        total = total + v * v
    return total


@case("g14 items over range indices reading the input")
def g14(x, w):
    g = (x[i] * w ** i for i in range(3))
    a = next(g)
    b = next(g)
    return a + b * next(g)


@case("g15 a generator taken one item with a default that is itself an item")
def g15(x, w):
    g = (v * w for v in x[:1])
    a = next(g)
    b = next(g, a * 2.0)
    c = next(g, b + 1.0)
    return a + b * c


@case("u05 a while loop that may not run, its name caught as unbound")
def u05(x, w):
    n = 0
    while n < int(w):
        r = x * n
        n += 1
    try:
        out = np.sum(r) * w
    except UnboundLocalError:
        out = np.sum(x) * w * w
    return out


@case("u06 a name bound in a try whose first statement raised")
def u06(x, w):
    try:
        bad = np.sum(x) / {}["missing"]
    except KeyError:
        pass
    try:
        return bad * w
    except NameError:
        return np.sum(x * w)


@case("u07 a for-else binding the name only where no break happened")
def u07(x, w):
    for v in x:
        if v * w > 0.5:
            found = v * w
            break
    else:
        found = np.sum(x) * w
    return found * w


@case("u08 a name bound before a zero-trip loop keeps its value")
def u08(x, w):
    y = x * w
    for k in range(0):
        y = np.sin(y)
    return np.sum(y ** 2)


class Logger:
    def __init__(self):
        self.items = []

    def add(self, v):
        self.items.append(v * 2.0)

    def mean(self):
        return sum(self.items) / len(self.items)


@case("c04 a logger appending to self.items, read by a mean")
def c04(x, w):
    log = Logger()
    for v in x:
        log.add(v * w)
    return log.mean() * w + log.items[0] ** 2


class Moments:
    def __init__(self):
        self.m = {}

    def step(self, k, g):
        self.m[k] = 0.9 * self.m.get(k, 0.0) + 0.1 * g
        return self.m[k]


@case("c05 an optimizer keeping its moments by name in self.m")
def c05(x, w):
    opt = Moments()
    p = x * w
    for t in range(3):
        p = p - opt.step("p", np.sin(p))
    return np.sum(p ** 2)


class Stack:
    def __init__(self):
        self.stack = []

    def push(self, v):
        self.stack.append(v)

    def pop(self):
        return self.stack.pop()


@case("c06 a stack on self, pushed and popped")
def c06(x, w):
    s = Stack()
    s.push(x * w)
    s.push(np.sin(x))
    top = s.pop()
    s.push(top * w)
    return np.sum(s.pop() * s.pop())


class Cache:
    def __init__(self):
        self.m = {}

    def get(self, k, v):
        return self.m.setdefault(k, v)


@case("c07 setdefault on self.m keeping the first value")
def c07(x, w):
    c = Cache()
    a = c.get("a", x * w)
    b = c.get("a", x * 3.0)
    return np.sum(a * b)


@dataclasses.dataclass
class Point:
    a: float
    b: float


@case("z12 match on a class pattern with keywords")
def z12(x, w):
    p = Point(x[0] * w, x[1] + w)
    match p:
        case Point(a=u, b=v) if u > 10:
            return u
        case Point(a=u, b=v):
            return u * v


@case("z13 a walrus in a comprehension's condition")
def z13(x, w):
    kept = [y for v in x if (y := v * w) > -0.1]
    return sum(kept) * y


@case("z14 dict(d, **more) and update")
def z14(x, w):
    d = {"a": x[0], "b": x[1]}
    e = dict(d, c=x[2] * w)
    e.update(a=w * w)
    e.update({"b": e["b"] * w})
    return e["a"] * e["b"] + e["c"] ** 2


@case("z15 sorted pairs with a key and max by a key")
def z15(x, w):
    pairs = sorted(zip(x * w, range(3)), key=lambda p: -p[0])
    best = max(x * w, key=lambda v: v * v)
    return pairs[0][0] * best + pairs[-1][0]


@case("z16 starmap of a named helper over pairs with pow")
def z16(x, w):
    return sum(itertools.starmap(pow, zip(np.abs(x) + w, (1, 2, 3))))


@case("n10 where with sqrt of a negative in the branch not taken")
def n10(x, w):
    return np.sum(np.where(x > 0, np.sqrt(x * w), 0.0))


@case("n11 where with an inf in the branch not taken")
def n11(x, w):
    return np.sum(np.where(x > 0, w * x, 1.0 / (x - 0.3)))


@case("n12 a 0-d array argument", args=(X3, np.array(0.8)))
def n12(x, w):
    return np.sum(np.tanh(x * w)) * w


@case("n13 a shape-(1,) weight broadcast over the input", args=(X3, np.array([0.8])))
def n13(x, w):
    return np.sum(np.exp(x * w) * w)


@case("n14 a column and a row broadcast to a matrix", args=(X3.reshape(3, 1), np.array([[0.8, 1.1, -0.3]])))
def n14(x, w):
    return np.sum(np.tanh(x * w + W33) ** 2)


@case("n15 abs, maximum and minimum away from their kinks")
def n15(x, w):
    return np.sum(np.abs(x * w) + np.maximum(x, -x * w) - np.minimum(x * x, w * 0.25))


@case("n16 clip with array bounds and the input beyond both")
def n16(x, w):
    return np.sum(np.clip(x * w, [-0.1, -0.2, 0.0], [0.1, 0.2, 0.5]) * x)


@case("n17 integer powers, a bool mask as a weight and an int count")
def n17(x, w):
    mask = x > 0
    n = np.count_nonzero(mask)
    return np.sum(mask * x * w) * n + np.sum(x ** 3) * w ** 2


@case("n18 float32 arithmetic cast back, exact to first order in float64", args=(X3, 0.75))
def n18(x, w):
    return np.sum(np.float32(2.0) * x * w)


@case("h01 a generator whose item reads a name bound only after it was made")
def h01(x, w):
    g = (v * t for v in x)        # noqa: F821 - t is read where next runs the item
    t = w * 2.0
    a = next(g)
    t = t + x[2]
    return a + next(g)


@case("h02 a generator over a list of arrays")
def h02(x, w):
    g = (a * w for a in [x, np.sin(x)])
    return np.sum(next(g) * next(g))


@case("h03 a generator over the keys of a dict")
def h03(x, w):
    d = {"a": x[0], "b": x[1] * w}
    g = (d[k] * w for k in d)
    return next(g) + next(g) ** 2


@case("h04 a generator over enumerate")
def h04(x, w):
    g = ((i + 1) * v * w for i, v in enumerate(x))
    a = next(g)
    b = next(g)
    return a * b


@case("h05 two generators over the same items, interleaved")
def h05(x, w):
    g = (v * w for v in x)
    h = (v + w for v in x)
    a = next(g)
    b = next(h)
    c = next(g)
    d = next(h)
    return a * b + c * d


@case("h08 max and sum over generators")
def h08(x, w):
    return max(v * w for v in x) + sum(np.sin(v) * w for v in x)


@case("h10 a generator over range(len(x)) read by next with a default past the end")
def h10(x, w):
    g = (x[i] * w for i in range(len(x) - 1))
    a = next(g)
    b = next(g)
    c = next(g, -w)
    return a * b * c


@case("u10 a loop variable that shadows an argument, over an empty slice: the argument stays")
def u10(x, w):
    for w in x[:0]:
        pass
    return np.sum(x) * w


@case("u11 a loop variable that shadows an argument, over items: the last item")
def u11(x, w):
    y = x * w
    for w in y[1:]:
        pass
    return np.sum(y) * w


@case("u12 a conditional expression reading a name only bound where the test holds")
def u12(x, w):
    if w > 0.5:
        big = np.exp(w)
    return np.sum(x) * (big if w > 0.5 else 1.0)


@case("u13 a loop that breaks before binding on its first pass")
def u13(x, w):
    for v in x:
        if v * w < 0.5:
            break
        hit = v
    try:
        return hit * w
    except UnboundLocalError:
        return np.sum(x * w)


@case("u14 a name bound in a with block")
def u14(x, w):
    with np.errstate(divide="ignore"):
        r = np.log(np.abs(x)) * w
    return np.sum(r ** 2)


@case("u15 a name bound in a loop over a list that turns out empty, read in an else")
def u15(x, w):
    found = w
    for v in [v for v in x if v > 5.0]:
        found = v
    else:
        found = found * 2.0
    return found * np.sum(x)


@case("e01 an item raising IndexError is not replaced by next's default; the generator is then finished")
def e01(x, w):
    g = (x[i] * w for i in range(5))
    a = next(g)
    b = next(g)
    c = next(g)
    try:
        d = next(g, 100.0)
    except IndexError:
        d = w * w
    e = next(g, 3.0 * w)
    return a * b + c + d + e


@case("e02 draining a generator in a range loop with two excepts: the item error, then StopIteration")
def e02(x, w):
    xs = [w, 0.0, 2.0 * w]
    g = (1.0 / v for v in xs)
    total = x[0]
    for k in range(4):
        try:
            total = total + next(g)
        except ZeroDivisionError:
            total = total * w
        except StopIteration:
            total = total + 2.0 * w
    return total


@case("e03 math.sqrt of a negative item raising ValueError, caught; next afterwards raises StopIteration")
def e03(x, w):
    g = (math.sqrt(v * w) for v in (x[0], x[1], x[2]))
    a = next(g)
    try:
        b = next(g)
    except ValueError:
        b = -w
    try:
        c = next(g)
    except StopIteration:
        c = x[2] * 10.0
    return a + b * c


@case("e04 a generator whose item reads a loop variable, advanced inside the loop")
def e04(x, w):
    g = (v * k for v in x * w)    # noqa: F821 - k is read where next runs the item
    total = 0.0
    for k in range(1, 4):
        total = total + next(g) * w
    return total


@case("e05 next's default evaluated even when an item is there")
def e05(x, w):
    g = (v * w for v in x)
    a = next(g, np.sum(x) * w)
    b = next(g, a * a)
    return a * b


def gen(xs, w):
    for v in xs:
        yield v * w


@case("e06 a generator expression over a generator function's items")
def e06(x, w):
    g = (np.sin(v) for v in gen(x, w))
    return next(g) * next(g)


@case("e07 StopIteration caught around a whole block of nexts")
def e07(x, w):
    g = (v * w for v in x[:2])
    total = 0.0
    try:
        total = total + next(g)
        total = total * next(g)
        total = total + next(g)
        total = total * 100.0
    except StopIteration:
        total = total + w
    return total


@case("e08 a generator read in a conditional expression's branches")
def e08(x, w):
    g = (v * w for v in x)
    a = next(g)
    b = next(g) if a > 0 else w
    c = next(g, w) if b < 0 else next(g, 2.0 * w)
    return a + b * c


class Acc:
    def __init__(self):
        self.m = {"a": 0.0}

    def add(self, v):
        self.m["a"] += v
        return self.m["a"]


@case("s03 self.m[k] += v on a dict attribute")
def s03(x, w):
    acc = Acc()
    first = acc.add(x[0] * w)
    second = acc.add(x[1] * w * w)
    return first * second + acc.m["a"]


class Counter:
    def __init__(self):
        self.count = 0
        self.total = 0.0

    def see(self, v):
        self.count += 1
        self.total = self.total + v


@case("s06 a counter and running total on self, read as a mean")
def s06(x, w):
    c = Counter()
    for v in x * w:
        c.see(v * v)
    return c.total / c.count


def which(e):
    return str(e).split("'")[1]


@case("o01 a sum of two unbound names: Python names the left one")
def o01(x, w):
    for k in range(0):
        a = x
        b = x
    try:
        r = b * w + a
    except UnboundLocalError as e:
        r = x * w if which(e) == "b" else x * 2.0
    return np.sum(r ** 2)


@case("o02 an item write: the value is evaluated before the index")
def o02(x, w):
    y = x * w
    if w > 5.0:
        i = 0
        v = w
    try:
        y[i] = v
    except UnboundLocalError as e:
        y = y * (w if which(e) == "v" else 3.0)
    return np.sum(y ** 2)


@case("o03 a call's arguments left to right")
def o03(x, w):
    if w > 5.0:
        p = x
        q = x
    try:
        r = np.maximum(q, p)
    except UnboundLocalError as e:
        r = x * w if which(e) == "q" else x
    return np.sum(np.sin(r))


@case("o04 a dict display: key before value")
def o04(x, w):
    if w > 5.0:
        key = "a"
        val = x
    try:
        d = {key: val}
        r = d["a"]
    except UnboundLocalError as e:
        r = x * w if which(e) == "key" else x * 3.0
    return np.sum(r * r)


@case("o05 a conditional expression: the test first")
def o05(x, w):
    if w > 5.0:
        t = True
        a = x
    try:
        r = a if t else x
    except UnboundLocalError as e:
        r = x * w * w if which(e) == "t" else x
    return np.sum(r)


@case("o07 a subscript: the object before the index")
def o07(x, w):
    if w > 5.0:
        arr = x
        j = 1
    try:
        r = arr[j] * w
    except UnboundLocalError as e:
        r = np.sum(x) * w * (2.0 if which(e) == "arr" else 5.0)
    return r


@case("o08 a bare read of a name in a try, to test that it is bound")
def o08(x, w):
    if w > 5.0:
        v = w
    try:
        v
        r = x * w
    except NameError:
        r = x * 2.0
    return np.sum(r * r)


@case("o09 a bare read of a name bound, in a try, then used")
def o09(x, w):
    if w < 5.0:
        v = x * w
    try:
        v
        r = v * w
    except NameError:
        r = x * 2.0
    return np.sum(r * r)


@case("o10 an if on an array in a try: the truth value raises ValueError, caught")
def o10(x, w):
    y = x * w
    try:
        if y > 0.0:
            r = y * 2.0
        else:
            r = y * 3.0
    except ValueError:
        r = np.sin(y)
    return np.sum(r)


# -- unpacking, swaps and chained assignments; try bodies raising part-way ----------------------

@case("p01 unpacking too many values raises before binding any target")
def p01(x, w):
    a = w
    try:
        a, b = x * w
    except ValueError:
        pass
    return a * np.sum(x)


@case("p03 swapping two rows of a matrix through views (NumPy's gotcha: both rows become the second)", args=(W23, 0.8))
def p03(x, w):
    y = x * w
    y[0], y[1] = y[1], y[0]
    return np.sum(y * np.arange(6.0).reshape(2, 3))


@case("p04 swapping two items of a vector (numbers: a real swap)")
def p04(x, w):
    y = x * w
    y[0], y[2] = y[2], y[0]
    return np.sum(y * np.arange(3.0))


@case("p05 a chained assignment of an array, then an in-place update through one name")
def p05(x, w):
    a = b = x * w
    a += x
    return np.sum(a * b)


@case("p06 a chained item assignment")
def p06(x, w):
    y = x * w
    y[0] = y[1] = w * w
    return np.sum(y ** 2)


@case("p07 an assert in a try, caught")
def p07(x, w):
    y = x * w
    try:
        assert np.all(y > 0), "negative"
        r = np.log(y)
    except AssertionError:
        r = y ** 2
    return np.sum(r)


@case("p08 unpacking in a for loop over pairs")
def p08(x, w):
    total = 0.0
    for a, b in zip(x, x[1:] * w):
        total = total + a * b
    return total


@case("p09 swapping names")
def p09(x, w):
    a, b = x * w, np.sin(x)
    a, b = b, a
    return np.sum(a * 2.0 + b * 3.0)


@case("p11 a key missing in a dict inside a nested if, in a try")
def p11(x, w):
    d = {"a": x * w}
    try:
        if w > 0.5:
            r = d["b"]
        else:
            r = d["a"]
    except KeyError:
        r = d["a"] * 2.0
    return np.sum(r ** 2)


@case("p12 a try inside an if inside a try")
def p12(x, w):
    y = x * w
    try:
        if w > 0.5:
            try:
                r = y[5]
            except IndexError:
                r = y[0] * w
        else:
            r = y[1]
        s = r * y[7]
    except IndexError:
        s = r * 3.0
    return s


@case("p13 an augmented assignment of a name bound only in a branch, in a try")
def p13(x, w):
    if w > 5.0:
        acc = x * 1.0
    try:
        acc += x
    except UnboundLocalError:
        acc = x * w
    return np.sum(acc ** 2)


@case("p14 a deleted item then a KeyError caught")
def p14(x, w):
    d = {"a": x[0] * w, "b": x[1]}
    del d["a"]
    try:
        v = d["a"]
    except KeyError:
        v = d["b"] * w
    return v * w


@case("q01 an item write of names a zero-trip loop leaves unbound: the value is named")
def q01(x, w):
    y = x * w
    for k in range(int(w) - 1):
        i = k
        v = x[k] * w
    try:
        y[i] = v
    except UnboundLocalError as e:
        y = y * (w if which(e) == "v" else 3.0)
    return np.sum(y ** 2)


@case("q04 an if on a name a zero-trip loop leaves unbound, in a try")
def q04(x, w):
    for k in range(int(w) - 1):
        flag = k > 0
    try:
        if flag:
            r = x * w
        else:
            r = x
    except UnboundLocalError:
        r = np.sin(x * w)
    return np.sum(r)


@case("q06 a bare read of a name a zero-trip loop leaves unbound")
def q06(x, w):
    for k in range(int(w) - 1):
        last = x[k] * w
    try:
        last
        r = last * w
    except NameError:
        r = np.sum(x) * w * w
    return r


@case("q07 a flag bound by a loop that ran, tested by an if whose branch binds a name in a loop before reading it")
def q07(x, w):
    for k in range(int(w) + 1):
        flag = k >= 0
    if flag:
        for j in range(2):
            z = np.sin(x * w * (j + 1))
        r = z * w
    else:
        r = x
    return np.sum(r)


@case("q08 an item write whose index a zero-trip loop leaves unbound, its value bound: the index is named")
def q08(x, w):
    y = x * w
    v = w * w
    for k in range(int(w) - 1):
        i = k
    try:
        y[i] = v
    except UnboundLocalError as e:
        y = y * (w if which(e) == "i" else 3.0)
    return np.sum(y ** 2)


# -- remainders, integer casts, 0-d arrays written by index, masked softmax, norms ------------

@case("m01 remainders: % of floats, np.fmod, divmod")
def m01(x, w):
    q, r = divmod(x[2] * w * 5.0, 1.0)
    return np.sum((x * w * 3.0) % 1.0) + np.sum(np.fmod(x * w * 4.0, 0.7)) + r * q + np.sum(np.remainder(x * 5.0, w))


@case("m02 integer casts in the middle: floor, round, astype(int)")
def m02(x, w):
    k = (x * w * 10.0).astype(int)
    return np.sum(k * x * w) + np.sum(np.floor(x * 7.0) * w) + np.sum(np.round(x * w, 1) * x)


@case("m03 where choosing an int in one branch")
def m03(x, w):
    return np.sum(np.where(x > 0, 1, x * w) * x)


@case("m04 maximum of an int array and floats")
def m04(x, w):
    return np.sum(np.maximum(np.array([0, 1, 0]), x * w * 3.0) ** 2)


@case("m05 a 0-d array indexed and updated in place")
def m05(x, w):
    s = np.array(0.0)
    for v in x:
        s += v * w
    s[()] = s * w
    return float(s)


@case("m07 log-sum-exp by hand with the max subtracted")
def m07(x, w):
    z = x * w * 4.0
    m = np.max(z)
    return m + np.log(np.sum(np.exp(z - m)))


@case("m08 a softmax with a mask of -inf")
def m08(x, w):
    z = np.where(x > 0, x * w, -np.inf)
    e = np.exp(z - np.max(z))
    p = e / np.sum(e)
    return np.sum(p * np.arange(3.0))


@case("m09 norms: of a difference, the max-abs, and a Frobenius of an outer")
def m09(x, w):
    return np.linalg.norm(x - w) + np.linalg.norm(x * w, ord=np.inf) + np.linalg.norm(np.outer(x, x) * w)


@case("m10 hypot, arctan2 and copysign")
def m10(x, w):
    return np.sum(np.hypot(x, w) + np.arctan2(x, w) + np.copysign(x * w, x - 0.1))


# -- range loops differentiated with checkpoint= (not in CASES: tests/test_hunt19_programs.py) ----

def next_in_a_range_loop(x, w):
    g = (np.sin(v * w) for v in np.concatenate([x, x * w]))
    acc = 0.0
    for k in range(5):
        acc = acc * w + next(g)
    return acc


def alias_rebound_in_a_range_loop(x, w):
    y = x * w
    for k in range(4):
        z = y
        z = z * w
        y += z * 0.1
    return np.sum(y * y)


class Adam:
    def __init__(self):
        self.m = {}
        self.t = 0

    def step(self, k, p, g):
        self.t += 1
        self.m[k] = 0.9 * self.m.get(k, 0.0) + 0.1 * g
        return p - 0.1 * self.m[k] / (1.0 - 0.9 ** self.t)


def optimizer_on_self_in_a_range_loop(x, w):
    opt = Adam()
    p = x * w
    for t in range(4):
        p = opt.step("p", p, np.sin(p) * w)
    return np.sum(p ** 2)


def bound_on_odd_passes_read_on_the_next(x, w):
    y = x * w
    for k in range(5):
        if k % 2 == 1:
            prev = y
        y = np.sin(y) * w
    return np.sum(y * prev)


def walrus_in_a_range_loop(x, w):
    y = x * w
    for k in range(4):
        if (s := np.sum(y ** 2)) > 0.1:
            y = y * 0.9
        y = y + s * 0.01
    return np.sum(y)


CHECKPOINTED = [next_in_a_range_loop, alias_rebound_in_a_range_loop, optimizer_on_self_in_a_range_loop,
                bound_on_odd_passes_read_on_the_next, walrus_in_a_range_loop]


def alias_kept_by_a_branch_not_taken(x, w):     # not in CASES: refused
    y = x * w
    z = y
    if w > 1.0:
        z = z * w
    y += x
    return np.sum(z * z)


def branches_on_a_flag_a_loop_may_not_bind(x, w):     # not in CASES: raises where the loop ran no pass
    for k in range(int(w) - 1):
        flag = k > 0
    if flag:
        r = x * w
    else:
        r = x
    return np.sum(r)


def returns_what_a_loop_may_not_bind(x, w):     # not in CASES: raises where the loop ran no pass
    for k in range(int(w) - 1):
        r = np.sum(x * k)
    return r


def loops_a_count_a_loop_may_not_bind(x, w):    # not in CASES: raises where the loop ran no pass
    for k in range(int(w) - 1):
        n = k + 1
    for i in range(n):
        x = x * w
    return np.sum(x)
