"""Programs for tests/test_breadth_acceptance3.py, written item by item from the issue
text (each construct in several small variations: ``g = lambda z: z * w``, ``apply(f, x)``,
bound methods, static and class methods, properties, ``__call__``, partials, ``*args``,
``**kwargs``, keyword-only parameters, ``zip(*xs)``, ``map``, ``sorted``, ``sum``/``max``/``min``,
recursion, dict methods and constructors, comprehensions, list ``+``/``*``, starred assignment,
the walrus, namedtuples, ``for``/``while ... else``, ``assert``, ``match``, ``try/finally``,
``with``, globals, writes into arguments, ``y = x; y *= x``), then longer programs in other
domains: physics time-stepping, optimisation through an inner solver, probabilistic models
with string-keyed configs, small text and tabular feature pipelines. Each is a function
whose last parameter is ``w``; ``CASES`` holds (name, function, arguments, positions to
differentiate). Names start with h (closures and lambdas), k (methods and classes),
p (calls), q (containers), t (statements), u (writes into arguments), r (longer programs),
v (more variations)."""
import contextlib, dataclasses, functools, math, operator
from collections import namedtuple, OrderedDict
from typing import NamedTuple
import numpy as np

X3 = np.array([0.3, -0.4, 0.9])
W3 = np.array([0.7, 1.1, -0.5])
M23 = np.array([[0.2, -0.5, 0.4], [0.9, 0.1, -0.3]])
X4 = np.array([0.25, 0.5, -0.75, 1.2])
CASES = []
NESTED_WRITES = []      # d[a][b] = v: differentiated to first and second order


def case(name, args, wrt=(0, 1), into=CASES):
    def deco(f):
        into.append((name, f, args, wrt))
        return f
    return deco

# ---- from q1

# ---- item 1: the literal examples first
@case("h01 g = lambda z: z * w scalar", (0.3, 0.8))
def h01(x, w):
    g = lambda z: z * w
    return g(x) + g(x * x)

@case("h02 g = lambda z: z * w vector in np.sum", (X3, 0.8))
def h02(x, w):
    g = lambda z: z * w
    return np.sum(np.sin(g(x)))

@case("h03 g = lambda z: z * w applied twice", (X3, 0.8))
def h03(x, w):
    g = lambda z: z * w
    return np.sum(g(g(x)) ** 2)

@case("h04 lambda z: z * w in while loop", (0.3, 0.8))
def h04(x, w):
    g = lambda z: z * w
    k = 0
    while k < 3:
        x = np.sin(g(x))
        k += 1
    return x

def apply(f, x):
    return f(x)

@case("h05 apply(f, x) with a lambda", (X3, 0.8))
def h05(x, w):
    return np.sum(apply(lambda z: z * w, x))

@case("h06 apply(f, x) with np.tanh", (X3, 0.8))
def h06(x, w):
    return np.sum(apply(np.tanh, x * w))

@case("h07 apply(f, x) with a local def", (X3, 0.8))
def h07(x, w):
    def sq(z):
        return z * z * w
    return np.sum(apply(sq, x))

@case("h08 apply of apply", (X3, 0.8))
def h08(x, w):
    return np.sum(apply(lambda v: apply(np.exp, v * w), x))

@case("h09 local helper used in a for loop", (X3, 0.8))
def h09(x, w):
    def step(v, k):
        return v + 0.1 * k * np.sin(v * w)
    for k in range(4):
        x = step(x, k)
    return np.sum(x)

@case("h10 helper reads an outer non-differentiated array", (X3, 0.8))
def h10(x, w):
    c = np.arange(3.0)
    def h(v):
        return np.sum(c * v)
    return h(x * w) + h(x ** 2)

@case("h12 returned closure from a local factory", (X3, 0.8))
def h12(x, w):
    def make(a):
        def inner(v):
            return np.exp(a * v)
        return inner
    f1 = make(w)
    f2 = make(2.0)
    return np.sum(f1(x) + f2(x))

def make_affine(a, b):
    return lambda v: a * v + b

@case("h13 module factory returning a lambda over w", (X3, 0.8))
def h13(x, w):
    f = make_affine(w, x)
    return np.sum(f(x) ** 2)

@case("h14 nonlocal running total in loop with branch", (X3, 0.8))
def h14(x, w):
    total = 0.0
    def add(v):
        nonlocal total
        if v > 0:
            total = total + v * w
        else:
            total = total - v
    for xi in x:
        add(xi)
    return total

@case("h15 nonlocal array state", (X3, 0.8))
def h15(x, w):
    state = np.zeros(3)
    def push(v):
        nonlocal state
        state = 0.5 * state + v
    push(x)
    push(x * w)
    push(np.sin(x))
    return np.sum(state ** 2)

@case("h16 lambda with default capturing w", (X3, 0.8))
def h16(x, w):
    f = lambda z, s=w: z * s
    return np.sum(f(x)) + np.sum(f(x, 2.0))

@case("h17 lambda returning a tuple", (X3, 0.8))
def h17(x, w):
    split = lambda v: (np.sum(v), np.prod(v) * w)
    a, b = split(x)
    return a * b

@case("h18 dict of functions chosen by string", (X3, 0.8))
def h18(x, w):
    acts = {"tanh": np.tanh, "sq": lambda v: v * v, "lin": lambda v: w * v}
    y = x
    for name in ("lin", "tanh", "sq", "lin"):
        y = acts[name](y)
    return np.sum(y)

@case("h20 recursive local def", (0.3, 0.8))
def h20(x, w):
    def power(v, n):
        if n == 0:
            return 1.0
        return v * power(v, n - 1)
    return power(x * w, 3) + power(x, 2)

def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper

@logged
def decorated_helper(v, w):
    return np.sin(v) * w

@case("h21 decorated module helper (wraps)", (X3, 0.8))
def h21(x, w):
    return np.sum(decorated_helper(x, w))

@case("h22 lambda with conditional expression", (X3, 0.8))
def h22(x, w):
    f = lambda v: v * w if w > 0.5 else v / w
    return np.sum(f(x) ** 2)

@case("h23 closure over a tuple unpacked", (X3, 0.8))
def h23(x, w):
    a, b = w, 2 * w
    def f(v):
        return a * v + b * v * v
    return np.sum(f(x))

@case("h24 closure called with keywords", (X3, 0.8))
def h24(x, w):
    def f(v, *, scale, shift=0.0):
        return v * scale + shift
    return np.sum(f(x, scale=w) + f(shift=w, v=x, scale=1.0))

@case("h26 map of local def over list of arrays", (X3, 0.8))
def h26(x, w):
    def norm(v):
        return np.sqrt(np.sum(v * v) + w)
    return sum(map(norm, [x, 2 * x, x * w]))

@case("h27 closure reads w changed after def", (X3, 0.8))
def h27(x, w):
    s = w
    f = lambda v: v * s
    s = s * 2.0
    return np.sum(f(x))

@case("h28 nested three levels with nonlocal", (0.3, 0.8))
def h28(x, w):
    acc = 0.0
    def outer(v):
        def inner(u):
            nonlocal acc
            acc = acc + u * w
            return u
        return inner(v) + inner(v * v)
    y = outer(x)
    return y * acc

# ---- item 2: methods and classes
class Model:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def forward(self, x):
        return np.tanh(self.W @ x + self.b)

    def loss(self, x, w):
        return np.sum(self.forward(x * w) ** 2) + self.penalty(w)

    def penalty(self, w):
        return 0.1 * w * w * np.sum(self.W ** 2)

MODEL = Model(np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]]), np.array([0.1, -0.2]))

@case("k01 grad(obj.method) bound method", (X3, 0.8))
def k01(x, w):
    return MODEL.loss(x, w)

k01b = MODEL.loss
CASES.append(("k01b bound method itself", k01b, (X3, 0.8), (0, 1)))

class Scaler:
    factor = 3.0

    def __init__(self, a):
        self.a = a

    @staticmethod
    def sq(v):
        return v * v

    @classmethod
    def make(cls, a):
        return cls(a)

    @classmethod
    def scaled(cls, v):
        return cls.factor * v

    @property
    def a2(self):
        return self.a * 2.0

    def run(self, x, w):
        return np.sum(self.sq(x) * w + self.scaled(x) * self.a2)

SC = Scaler(0.5)
CASES.append(("k02 static/class/property via bound method", SC.run, (X3, 0.8), (0, 1)))

@case("k03 staticmethod called through the class", (X3, 0.8))
def k03(x, w):
    return np.sum(Scaler.sq(x * w)) + np.sum(Scaler.scaled(x))

@case("k04 classmethod called through an instance", (X3, 0.8))
def k04(x, w):
    return np.sum(SC.scaled(x * w)) * SC.a2

class Poly:
    def __init__(self, coefs):
        self.coefs = coefs

    def __call__(self, v):
        out = 0.0
        for c in reversed(self.coefs):
            out = out * v + c
        return out

POLY = Poly([0.5, -1.0, 0.25])

@case("k05 __call__ object global", (X3, 0.8))
def k05(x, w):
    return np.sum(POLY(x * w))


class Base:
    def __init__(self, s):
        self.s = s

    def f(self, v):
        return v * self.s

    def total(self, x, w):
        return np.sum(self.f(x) * w)

class Child(Base):
    def f(self, v):
        return super().f(v) + np.sin(v)

CASES.append(("k08 inherited method with super()", Child(1.5).total, (X3, 0.8), (0, 1)))

@dataclasses.dataclass
class Params:
    W: np.ndarray
    b: float

    def apply(self, x):
        return self.W * x + self.b

@case("k10 dataclass field read and arithmetic", (X3, 0.8))
def k10(x, w):
    p = Params(x, w)
    return np.sum(p.W ** 2) * p.b

class Counter:
    def __init__(self):
        self.scale = 2.0

    def twice(self, v):
        return self.once(self.once(v))

    def once(self, v):
        return np.sin(v) * self.scale

CNT = Counter()

@case("k11 method calling method twice", (X3, 0.8))
def k11(x, w):
    return np.sum(CNT.twice(x * w))

@case("k12 Class.method(obj, ...) unbound call", (X3, 0.8))
def k12(x, w):
    return Model.loss(MODEL, x, w)


# ---- from q2

def scaled_sin(v, a, b=1.0):
    return b * np.sin(a * v)

@case("p01 partial with positional binding w", (X3, 0.8))
def p01(x, w):
    f = functools.partial(scaled_sin, a=w)
    return np.sum(f(x)) + np.sum(f(x, b=w))

@case("p02 partial of np.power binding the base", (X3, 0.8))
def p02(x, w):
    power_of = functools.partial(np.power, x * w)
    return np.sum(power_of(2.0)) + np.sum(power_of(3.0))

@case("p03 partial stacked on partial", (X3, 0.8))
def p03(x, w):
    f = functools.partial(scaled_sin, b=2.0)
    g = functools.partial(f, a=w)
    return np.sum(g(x))

@case("p04 partial with first positional bound to x", (X3, 0.8))
def p04(x, w):
    f = functools.partial(scaled_sin, x)
    return np.sum(f(w)) + np.sum(f(2.0, w))

def total(*args):
    s = 0.0
    for a in args:
        s = s + np.sum(a)
    return s

@case("p05 *args definition with several arrays", (X3, 0.8))
def p05(x, w):
    return total(x, x * w, np.sin(x))

@case("p07 *args call from a tuple plus extra", (X3, 0.8))
def p07(x, w):
    t = (x, w)
    return total(*t, x * w)

def weighted(x, **kw):
    out = x
    for k, v in sorted(kw.items()):
        out = out * v if k.startswith("m") else out + v
    return out

@case("p08 **kwargs loop over sorted items", (X3, 0.8))
def p08(x, w):
    return np.sum(weighted(x, m1=w, a=0.5, m2=2.0))

@case("p09 **kwargs from a dict spread", (X3, 0.8))
def p09(x, w):
    opts = {"m": w, "a": x}
    return np.sum(weighted(x, **opts))

def kwonly(x, *, w, power=2):
    return np.sum(x ** power) * w

@case("p10 keyword-only params", (X3, 0.8))
def p10(x, w):
    return kwonly(x, w=w) + kwonly(x, power=3, w=w * w)

def mixed(a, /, b, *rest, c=1.0, **kw):
    s = a * b * c
    for r in rest:
        s = s + r
    for v in kw.values():
        s = s * v
    return s

@case("p11 positional-only, *rest, kw default, **kw", (X3, 0.8))
def p11(x, w):
    return np.sum(mixed(x, w, x, 2.0, c=w, d=0.5))

@case("p12 zip(*xs) on a list of tuples of scalars", (X3, 0.8))
def p12(x, w):
    pairs = [(x[0], w), (x[1], 2.0), (x[2], w * w)]
    a, b = zip(*pairs)
    return sum(ai * bi for ai, bi in zip(a, b))

@case("p13 zip(*xs) transpose of a list of lists", (X3, 0.8))
def p13(x, w):
    rows = [[x[0], x[1]], [x[2] * w, w]]
    cols = list(zip(*rows))
    return sum(c[0] * c[1] for c in cols)

@case("p14 map with lambda to list", (X3, 0.8))
def p14(x, w):
    ys = list(map(lambda v: v * w + 1.0, x))
    return ys[0] * ys[1] + ys[2]

@case("p15 map with lambda two iterables", (X3, 0.8))
def p15(x, w):
    return sum(map(lambda a, b: a * b, x, W3 * w))

@case("p16 sorted with key abs on scalars", (X3, 0.8))
def p16(x, w):
    ys = sorted(x * w, key=abs)
    return ys[0] + 2.0 * ys[1] + 3.0 * ys[2]

@case("p17 sorted arrays by key lambda max", (X3, 0.8))
def p17(x, w):
    arrs = [x, x * w, np.sin(x) + 0.05]
    ordered = sorted(arrs, key=lambda a: float(np.max(a)))
    return np.sum(ordered[0] * 1.0 + ordered[-1] * 2.0)

@case("p18 sum over list of arrays", (X3, 0.8))
def p18(x, w):
    return np.sum(sum([x, x * w, x ** 2]))

@case("p20 max([a, b, c]) scalars", (0.3, 0.8))
def p20(x, w):
    a = x * w
    b = x + 0.9
    c = np.sin(w)
    return max([a, b, c]) * min([a, b, c])

@case("p21 max(a, b, c) positional and key", (X3, 0.8))
def p21(x, w):
    m = max(x[0] * w, x[1], x[2] * 2.0)
    n = min(x, key=lambda v: (v - 0.1) ** 2)
    return m * n

@case("p22 sum with start", (X3, 0.8))
def p22(x, w):
    return np.sum(sum([x, x], np.ones(3) * w))

def depth_sum(v, n):
    if n == 0:
        return np.sum(v)
    return depth_sum(np.sin(v), n - 1) + np.sum(v) * 0.5

@case("p23 recursion with base case on n", (X3, 0.8))
def p23(x, w):
    return depth_sum(x * w, 3)

def halve(v, w):
    if np.max(np.abs(v)) < 0.2:
        return v * w
    return halve(v / 2.0, w) + v * 0.1

@case("p24 recursion stopping on a value test", (X3, 0.8))
def p24(x, w):
    return np.sum(halve(x, w))

def fib_like(a, b, n):
    if n <= 1:
        return b
    return fib_like(b, a + b * 0.5, n - 1)

@case("p25 recursion carrying two values", (0.3, 0.8))
def p25(x, w):
    return fib_like(x, w, 5)

# ---- item 4 containers
@case("q01 dict.get present and missing", (X3, 0.8))
def q01(x, w):
    d = {"a": x * w, "b": w}
    return np.sum(d.get("a", 0.0) + d.get("c", x) * d.get("b"))

@case("q02 .items() accumulate with key test", (X3, 0.8))
def q02(x, w):
    d = {"lin": x * w, "quad": x * x, "const": np.ones(3)}
    s = 0.0
    for k, v in d.items():
        if k != "const":
            s = s + np.sum(v)
    return s

@case("q03 .values() and .keys() together", (X3, 0.8))
def q03(x, w):
    d = {"a": x, "b": x * w}
    n = len(list(d.keys()))
    return sum(np.sum(v) for v in d.values()) / n

@case("q04 dict(zip(keys, values))", (X3, 0.8))
def q04(x, w):
    d = dict(zip(["p", "q", "r"], [x[0] * w, x[1], x[2] * w]))
    return d["p"] * d["q"] + d["r"]

@case("q05 dict(a=..., b=...)", (X3, 0.8))
def q05(x, w):
    d = dict(a=x, b=w)
    return np.sum(d["a"] * d["b"])

@case("q06 list(...) of array and tuple(...) of generator", (X3, 0.8))
def q06(x, w):
    xs = list(x * w)
    t = tuple(v * v for v in xs)
    return xs[0] + t[1] + t[2]

@case("q07 dict comprehension with condition", (X3, 0.8))
def q07(x, w):
    d = {i: x[i] * w for i in range(3) if i != 1}
    return sum(d.values()) * d[0]

@case("q08 set comprehension of keys then lookup", (X3, 0.8))
def q08(x, w):
    keys = {k % 2 for k in range(5)}
    vals = {0: x * w, 1: x}
    return sum(np.sum(vals[k]) for k in sorted(keys))

@case("q09 list + list and list * int", (X3, 0.8))
def q09(x, w):
    a = [x * w] + [x]
    b = [w] * 3
    return np.sum(a[0] * a[1]) + sum(b)

@case("q10 [0.0] * n then fill", (X3, 0.8))
def q10(x, w):
    out = [0.0] * 3
    for i in range(3):
        out[i] = x[i] * w
    return out[0] * out[1] + out[2]

@case("q11 a, *rest = xs", (X3, 0.8))
def q11(x, w):
    xs = [x * w, x, np.sin(x)]
    a, *rest = xs
    return np.sum(a) * np.sum(rest[1]) + np.sum(rest[0])

@case("q12 *init, last = xs", (X4, 0.8))
def q12(x, w):
    *init, last = list(x * w)
    return sum(init) * last

@case("q13 walrus in expression", (X3, 0.8))
def q13(x, w):
    return np.sum((y := x * w) * y) + np.sum(y)

@case("q14 walrus in list comprehension", (X3, 0.8))
def q14(x, w):
    ys = [z for v in x if (z := v * w) > -10.0]
    return sum(ys) * ys[0]

@case("q15 nested dict of list of tuples", (X3, 0.8))
def q15(x, w):
    s = {"layers": [(x, w), (x * w, 1.0)], "bias": {"b": w}}
    total = s["bias"]["b"]
    for a, b in s["layers"]:
        total = total + np.sum(a) * b
    return total

def split_stats(v):
    return {"mean": np.mean(v), "parts": [v[:1], v[1:]], "pair": (np.max(v), np.min(v))}

@case("q16 helper returning nested structure", (X3, 0.8))
def q16(x, w):
    s = split_stats(x * w)
    return s["mean"] + np.sum(s["parts"][1]) * s["pair"][0]

Gauss = namedtuple("Gauss", ["mu", "sigma"])

@case("q17 namedtuple by field and index", (X3, 0.8))
def q17(x, w):
    g = Gauss(x * w, w)
    return np.sum(((x - g.mu) / g[1]) ** 2)

class State(NamedTuple):
    pos: np.ndarray
    vel: np.ndarray

@case("q18 typing.NamedTuple in loop, unpacked", (X3, 0.8))
def q18(x, w):
    s = State(x, x * w)
    for _ in range(3):
        p, v = s
        s = State(p + 0.1 * v, v - 0.1 * p)
    return np.sum(s.pos ** 2) + np.sum(s.vel)

@case("q20 tuple + tuple and slicing", (X3, 0.8))
def q20(x, w):
    t = (x[0], x[1]) + (x[2] * w,)
    u = t[1:] * 2
    return sum(u) + t[0] * w

@case("q21 list of lists comprehension flatten", (M23, 0.8))
def q21(m, w):
    flat = [v * w for row in m for v in row]
    return sum(flat[::2]) * flat[1]

@case("q22 dict comprehension over items with transform", (X3, 0.8))
def q22(x, w):
    base = {"a": x, "b": x * 2.0}
    scaled = {k: v * w for k, v in base.items()}
    return np.sum(scaled["a"] * scaled["b"])

@case("q23 enumerate with start and list index", (X4, 0.8))
def q23(x, w):
    s = 0.0
    for i, v in enumerate(list(x), start=1):
        s = s + i * v * w
    return s

@case("q24 reversed list and index()", (X3, 0.8))
def q24(x, w):
    names = ["a", "b", "c"]
    vals = list(reversed([x[0], x[1] * w, x[2]]))
    return vals[names.index("b")] * w + vals[0]

# ---- from q3

@case("t01 for-else search with break taken", (X3, 0.8))
def t01(x, w):
    y = x * w
    for i in range(3):
        if y[i] > 0.5:
            found = y[i]
            break
    else:
        found = np.sum(y)
    return found * w

@case("t02 for-else search not found", (X3, 0.8))
def t02(x, w):
    y = x * w
    for v in y:
        if v > 10.0:
            r = v
            break
    else:
        r = np.sum(y ** 2)
    return r

@case("t03 while-else convergence loop", (0.3, 0.8))
def t03(x, w):
    k = 0
    y = x
    while k < 20:
        y_new = 0.5 * (y + w / (y + 1.0))
        if abs(y_new - y) < 1e-12:
            break
        y = y_new
        k += 1
    else:
        y = y * 1.0
    return y * x

@case("t04 while-else without break", (X3, 0.8))
def t04(x, w):
    i = 0
    s = 0.0
    while i < 3:
        s = s + x[i] * w
        i += 1
    else:
        s = s * 2.0
    return s

@case("t05 assert on shapes and values", (X3, 0.8))
def t05(x, w):
    assert x.ndim == 1, "vector expected"
    y = x * w
    assert np.all(np.isfinite(y))
    assert w > 0
    return np.sum(y ** 2)

@case("t06 match on int literal cases", (X3, 0.8))
def t06(x, w):
    n = len(x)
    match n:
        case 2:
            return np.sum(x) * w
        case 3:
            return np.sum(x ** 2) * w
        case _:
            return w

@case("t07 match string in loop", (X3, 0.8))
def t07(x, w):
    y = x
    for op in ("scale", "sin", "square", "nop"):
        match op:
            case "scale":
                y = y * w
            case "sin":
                y = np.sin(y)
            case "square":
                y = y * y
            case _:
                pass
    return np.sum(y)

@case("t08 match with guard", (0.3, 0.8))
def t08(x, w):
    match x:
        case v if v > 0.5:
            return v * w
        case v if v > 0.0:
            return v * v * w
        case _:
            return w

@case("t09 match tuple pattern with capture", (X3, 0.8))
def t09(x, w):
    pair = (x * w, "sum")
    match pair:
        case (v, "sum"):
            return np.sum(v)
        case (v, "max"):
            return np.max(v)

@case("t10 try/finally plain", (X3, 0.8))
def t10(x, w):
    y = 0.0
    try:
        y = np.sum(np.sin(x * w))
    finally:
        z = 1.0
    return y * z

@case("t11 try/finally in helper with return in try", (X3, 0.8))
def t11(x, w):
    def h(v):
        try:
            return np.exp(v)
        finally:
            pass
    return np.sum(h(x * w))

@case("t12 with np.errstate divide ignore", (X3, 0.8))
def t12(x, w):
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.log(x * x * w)
    return np.sum(y)

@case("t13 with np.errstate around loop", (X3, 0.8))
def t13(x, w):
    s = 0.0
    with np.errstate(over="ignore"):
        for v in x:
            s = s + np.exp(v * w)
    return s

COEF = np.array([1.0, -0.5, 0.25])
TABLE = {"a": 2.0, "b": 0.5}
LIMIT = 3

@case("t14 global reads: array, dict, int", (X3, 0.8))
def t14(x, w):
    s = 0.0
    for i in range(LIMIT):
        s = s + COEF[i] * x[i] * TABLE["a"] * w
    return s + TABLE["b"]

@case("t15 global statement read only", (X3, 0.8))
def t15(x, w):
    global COEF
    return np.sum(COEF * x * w)

@case("t16 pass, continue and nested if/elif", (X4, 0.8))
def t16(x, w):
    s = 0.0
    for v in x:
        if v < 0:
            continue
        elif v > 1.0:
            s = s + v * w
        else:
            pass
        s = s + v
    return s

# ---- item 6
@case("u01 x[0] = a * b on an argument", (X3, 0.8))
def u01(x, w):
    x[0] = x[1] * w
    return np.sum(x ** 2)

@case("u02 x[1:] = ... slice write into argument", (X3, 0.8))
def u02(x, w):
    x[1:] = x[:2] * w
    return np.sum(np.sin(x))

@case("u03 x += ... on argument array", (X3, 0.8))
def u03(x, w):
    x += w
    x *= x
    return np.sum(x)

@case("u04 y = x; y *= x floats", (0.3, 0.8))
def u04(x, w):
    y = x
    y *= x
    y *= w
    return y + x

@case("u05 y = x; y *= x arrays", (X3, 0.8))
def u05(x, w):
    y = x
    y *= x
    return np.sum(y) * w + np.sum(x)

@case("u06 y = x; y = y * x arrays (no alias)", (X3, 0.8))
def u06(x, w):
    y = x
    y = y * x
    return np.sum(y * w) + np.sum(x)

@case("u07 write into argument in a loop", (X3, 0.8))
def u07(x, w):
    for i in range(1, 3):
        x[i] = x[i - 1] * w + x[i]
    return np.sum(x)

@case("u08 write into 2d argument row", (M23, 0.8))
def u08(m, w):
    m[0] = m[1] * w
    m[1, 2] = m[0, 0] * m[0, 1]
    return np.sum(m ** 2)

@case("u09 helper writes into its argument", (X3, 0.8))
def u09(x, w):
    def fill(a, v):
        a[0] = v
        return a
    y = fill(x.copy(), w)
    return np.sum(y * x)

@case("u10 x[0] = a * b where a, b from x", (X3, 0.8))
def u10(x, w):
    a = x[1]
    b = x[2] * w
    x[0] = a * b
    return np.sum(x * x)

@case("u11 alias of argument written through", (X3, 0.8))
def u11(x, w):
    y = x
    y[2] = w * 3.0
    return np.sum(x * y)

@case("u12 view of argument written", (X3, 0.8))
def u12(x, w):
    v = x[1:]
    v[0] = v[0] * w
    return np.sum(x ** 2)

@case("u13 floats augmented chain", (0.3, 0.8))
def u13(x, w):
    y = x
    y += w
    y **= 2
    y /= (1.0 + x)
    y -= x
    return y

@case("u14 x *= scalar then used with original alias", (X3, 0.8))
def u14(x, w):
    orig = x
    x = x * 1.0
    x *= w
    return np.sum(x * orig)

# ---- from q4

# --- physics
Particle = namedtuple("Particle", "q p m")

def spring_force(q, k):
    return -k * q

@case("r01 verlet of a spring chain with namedtuple state", (X3, 0.8))
def r01(x, w):
    s = Particle(x, np.zeros(3), 1.5)
    dt = 0.1
    for _ in range(5):
        f = spring_force(s.q, w)
        p_half = s.p + 0.5 * dt * f
        q = s.q + dt * p_half / s.m
        p = p_half + 0.5 * dt * spring_force(q, w)
        s = s._replace(q=q, p=p)
    return 0.5 * np.sum(s.p ** 2) / s.m + 0.5 * w * np.sum(s.q ** 2)

def pendulum_rhs(state, params):
    theta, omega = state
    return omega, -params["g"] / params["L"] * np.sin(theta) - params.get("damp", 0.0) * omega

@case("r02 rk2 pendulum with params dict and tuple state", (0.3, 0.8))
def r02(x, w):
    params = {"g": 9.81, "L": 1.0 + w, "damp": 0.1 * w}
    state = (x, 0.0)
    dt = 0.05
    for _ in range(6):
        k1 = pendulum_rhs(state, params)
        mid = tuple(s + 0.5 * dt * k for s, k in zip(state, k1))
        k2 = pendulum_rhs(mid, params)
        state = tuple(s + dt * k for s, k in zip(state, k2))
    theta, omega = state
    return theta ** 2 + 0.1 * omega

@dataclasses.dataclass
class Body:
    pos: np.ndarray
    vel: np.ndarray
    mass: float

def gravity(bodies, G):
    forces = []
    for i, a in enumerate(bodies):
        f = np.zeros(2)
        for j, b in enumerate(bodies):
            if i == j:
                continue
            d = b.pos - a.pos
            r2 = np.sum(d * d) + 0.1
            f = f + G * a.mass * b.mass * d / r2 ** 1.5
        forces.append(f)
    return forces

@case("r03 n-body euler with dataclass bodies", (X4, 0.8))
def r03(x, w):
    bodies = [Body(x[:2], np.zeros(2), 1.0), Body(x[2:], np.array([0.1, 0.0]), w)]
    for _ in range(3):
        fs = gravity(bodies, 1.0)
        bodies = [Body(b.pos + 0.1 * b.vel, b.vel + 0.1 * f / b.mass, b.mass) for b, f in zip(bodies, fs)]
    return sum(np.sum(b.pos ** 2) for b in bodies)

# --- optimisation through an inner solver
def inner_gd(loss_grad, z, lr, steps):
    for _ in range(steps):
        z = z - lr * loss_grad(z)
    return z

@case("r06 unrolled inner gradient descent (bilevel)", (X3, 0.8))
def r06(x, w):
    target = x
    gradient = lambda z: 2.0 * (z - target) + w * z
    z = inner_gd(gradient, np.zeros(3), 0.1, 8)
    return np.sum((z - 1.0) ** 2)

@case("r07 newton solve of w*z + z**3 = x, fixed iterations", (0.3, 0.8))
def r07(x, w):
    z = x
    for _ in range(6):
        fz = w * z + z ** 3 - x
        dfz = w + 3 * z ** 2
        z = z - fz / dfz
    return z ** 2

@case("r08 inner solve with tolerance and for-else", (0.3, 0.8))
def r08(x, w):
    z = 0.5
    for it in range(50):
        z_new = math.cos(z * w) * 0.5 + x
        if abs(z_new - z) < 1e-13:
            z = z_new
            break
        z = z_new
    else:
        raise RuntimeError("no convergence")
    return z * x

def ridge_solve(A, y, lam):
    n = A.shape[1]
    return np.linalg.solve(A.T @ A + lam * np.eye(n), A.T @ y)

@case("r09 ridge inner solve, validation loss", (M23, 0.8))
def r09(m, w):
    A = np.vstack([m, m ** 2])
    y = np.array([0.1, -0.2, 0.3, 0.05])
    beta = ridge_solve(A, y, w)
    return np.sum((A @ beta - y) ** 2) + 0.01 * np.sum(beta ** 2)

@case("r10 adam-like optimizer state dict", (X3, 0.8))
def r10(x, w):
    state = {"m": np.zeros(3), "v": np.zeros(3), "t": 0}
    p = x.copy()
    for _ in range(4):
        g = 2.0 * (p - w)
        state["t"] += 1
        state["m"] = 0.9 * state["m"] + 0.1 * g
        state["v"] = 0.99 * state["v"] + 0.01 * g * g
        mhat = state["m"] / (1 - 0.9 ** state["t"])
        vhat = state["v"] / (1 - 0.99 ** state["t"])
        p = p - 0.1 * mhat / (np.sqrt(vhat) + 1e-3)
    return np.sum(p ** 2)

# --- probabilistic models with string-keyed configs

@case("r13 mixture with softmax weights and logsumexp by hand", (X4, 0.8))
def r13(x, w):
    comps = {"a": (-0.5, 0.7), "b": (w, 1.2), "c": (1.0, w + 0.3)}
    logits = np.array([0.1, w, -0.2])
    logw = logits - np.log(np.sum(np.exp(logits)))
    out = 0.0
    for xi in x:
        terms = [lw - 0.5 * ((xi - mu) / s) ** 2 - np.log(s)
                 for lw, (mu, s) in zip(logw, comps.values())]
        m = max(terms)
        out = out + m + np.log(sum(np.exp(t - m) for t in terms))
    return out

@case("r14 reparameterised VI with config.get defaults", (X3, 0.8))
def r14(x, w):
    cfg = {"n_samples": 3, "eps": [0.1, -0.5, 0.8]}
    mu, log_s = x[0] * w, x[1]
    elbo = 0.0
    for k in range(cfg.get("n_samples", 1)):
        z = mu + np.exp(log_s) * cfg["eps"][k]
        elbo = elbo + (-0.5 * (z - x[2]) ** 2) / cfg.get("n_samples", 1)
    return elbo + log_s * cfg.get("entropy_weight", 1.0)

# --- text / tabular feature pipelines
DOCS = ["the cat sat", "the dog ran", "a cat ran fast"]
VOCAB = {w: i for i, w in enumerate(sorted({t for d in DOCS for t in d.split()}))}

def bag_of_words(doc):
    v = np.zeros(len(VOCAB))
    for tok in doc.split():
        v[VOCAB[tok]] += 1.0
    return v

@case("r15 bag of words logistic loss", (np.linspace(-0.5, 0.5, 7), 0.8))
def r15(x, w):
    labels = {"the cat sat": 1.0, "the dog ran": 0.0, "a cat ran fast": 1.0}
    loss = 0.0
    for doc in DOCS:
        z = bag_of_words(doc) @ x * w
        p = 1.0 / (1.0 + np.exp(-z))
        y = labels[doc]
        loss = loss - (y * np.log(p) + (1 - y) * np.log(1 - p))
    return loss

ROWS = [{"age": 30.0, "income": 2.0, "city": "a"},
        {"age": 45.0, "income": 3.5, "city": "b"},
        {"age": 22.0, "income": 1.0, "city": "a"}]

def featurize(row, stats):
    feats = {"age": (row["age"] - stats["age"][0]) / stats["age"][1],
             "income": np.log(row["income"])}
    feats.update({f"city_{c}": float(row["city"] == c) for c in ("a", "b")})
    return feats

@case("r16 tabular rows -> feature dicts -> linear model", (np.array([0.3, -0.2, 0.5, 0.1]), 0.8))
def r16(x, w):
    ages = [r["age"] for r in ROWS]
    stats = {"age": (sum(ages) / len(ages), 10.0)}
    names = ["age", "income", "city_a", "city_b"]
    coef = dict(zip(names, x))
    total = 0.0
    for row in ROWS:
        f = featurize(row, stats)
        score = sum(coef[k] * f[k] for k in names) * w
        total = total + score ** 2
    return total

@case("r17 char n-gram counts weighted", (X4, 0.8))
def r17(x, w):
    text = "abcab"
    grams = {}
    for i in range(len(text) - 1):
        g = text[i:i + 2]
        grams[g] = grams.get(g, 0) + 1
    keys = sorted(grams)
    s = 0.0
    for j, k in enumerate(keys):
        s = s + grams[k] * x[j] * w
    return s ** 2

@case("r18 column normalise with dict of columns and zip(*rows)", (M23, 0.8))
def r18(m, w):
    rows = [tuple(r) for r in m]
    cols = dict(zip(["c0", "c1", "c2"], zip(*rows)))
    normed = {k: [(v - sum(vs) / len(vs)) * w for v in vs] for k, vs in cols.items()}
    return sum(sum(v ** 2 for v in vs) for vs in normed.values())

# --- small layered models
def dense(params, name, h, act=np.tanh):
    return act(params[name + ".W"] @ h + params[name + ".b"])

@case("r19 mlp with string-keyed params and activation kwarg", (X3, 0.8))
def r19(x, w):
    params = {"l1.W": np.outer(W3, W3) * w, "l1.b": np.ones(3) * 0.1,
              "l2.W": np.eye(3) * 0.5, "l2.b": np.zeros(3)}
    h = dense(params, "l1", x)
    h = dense(params, "l2", h, act=lambda z: z * z)
    return np.sum(h)

@case("r20 attention over a list of keys with max subtraction", (X3, 0.8))
def r20(x, w):
    keys = [x, x * w, np.cos(x)]
    scores = [np.dot(k, W3) for k in keys]
    m = max(scores)
    ws = [np.exp(s - m) for s in scores]
    z = sum(ws)
    return np.sum(sum(wi / z * k for wi, k in zip(ws, keys)))

# ---- from q6

@case("v01 lambdas with default capture in comprehension", (X3, 0.8))
def v01(x, w):
    fs = [lambda v, k=k: v * k * w for k in range(1, 4)]
    return sum(np.sum(f(x)) for f in fs)

@case("v02 closure over nonlocal counter called in loop, second order", (0.3, 0.8))
def v02(x, w):
    acc = x
    def bump(v):
        nonlocal acc
        acc = acc * v + w
        return acc
    for _ in range(3):
        bump(x)
    return acc * acc

@case("v03 local def with default referencing w at def time", (X3, 0.8))
def v03(x, w):
    def f(v, s=w * 2.0):
        return v * s
    w = w * 10.0   # the default was evaluated before
    return np.sum(f(x)) + w

@case("v04 local def calling module function and a lambda arg", (X3, 0.8))
def v04(x, w):
    def compose(f, g):
        return lambda v: f(g(v))
    h = compose(np.sin, lambda v: v * w)
    return np.sum(h(x))

@case("v05 nested def shadowing an outer name", (X3, 0.8))
def v05(x, w):
    y = x * 2.0
    def inner(x):
        y = x * w
        return y
    return np.sum(inner(y) + y)

@case("v07 max with key and default on empty filter", (X3, 0.8))
def v07(x, w):
    vals = [v * w for v in x]
    big = max((v for v in vals if v > 100.0), default=0.0)
    best = max(vals, key=lambda v: -abs(v - 0.2))
    return big + best

@case("v08 min of generator with arrays' sums", (X3, 0.8))
def v08(x, w):
    return min(np.sum(x * k * w) for k in (1.0, 2.0, -1.0)) + min(x[0], x[1] * w)

@case("v09 sum of generator with array start", (X3, 0.8))
def v09(x, w):
    return np.sum(sum((x * k for k in range(3)), np.zeros(3) + w))

def rec_sum(xs, acc=0.0, *, scale=1.0):
    if not xs:
        return acc
    return rec_sum(xs[1:], acc + xs[0] * scale, scale=scale)

@case("v10 recursion with defaults and keyword-only", (X3, 0.8))
def v10(x, w):
    return rec_sum(list(x), scale=w) * rec_sum([x[0], w])

@case("v11 dict.get default computed from w", (X3, 0.8))
def v11(x, w):
    d = {"a": x}
    return np.sum(d.get("a", x * 0.0) * d.get("b", w))

@case("v12 list(d) keys and tuple(d.values())", (X3, 0.8))
def v12(x, w):
    d = {"p": x[0] * w, "q": x[1], "r": x[2] * w * w}
    ks = list(d)
    vs = tuple(d.values())
    return sum(vs[i] * (i + 1) for i in range(len(ks)))

@case("v13 dict of dicts updated in loop", (X3, 0.8), into=NESTED_WRITES)
def v13(x, w):
    stats = {"a": {"m": 0.0, "s": 0.0}, "b": {"m": 0.0, "s": 0.0}}
    for i, v in enumerate(x):
        key = "a" if i % 2 == 0 else "b"
        stats[key]["m"] = stats[key]["m"] + v * w
        stats[key]["s"] = stats[key]["s"] + v * v
    return stats["a"]["m"] * stats["b"]["s"] + stats["b"]["m"]

@case("v14 acc = acc + [v] in loop", (X3, 0.8))
def v14(x, w):
    acc = []
    for v in x:
        acc = acc + [v * w]
    return acc[0] * acc[2] + sum(acc)

@case("v15 nested starred unpack of pairs", (X3, 0.8))
def v15(x, w):
    pairs = [(x[0], w), (x[1], x[2]), (w, w)]
    (a, b), *rest = pairs
    return a * b + sum(p * q for p, q in rest)

@case("v16 walrus in while condition on arrays", (X3, 0.8))
def v16(x, w):
    y = x
    k = 0
    while (n := np.sum(y * y)) > 0.01 and k < 5:
        y = y * 0.5 * w
        k += 1
    return n + np.sum(y)


@dataclasses.dataclass
class Cfg2:
    kind: str
    scale: float

@case("v19 match class pattern on dataclass", (X3, 0.8))
def v19(x, w):
    c = Cfg2("lin", w)
    match c:
        case Cfg2(kind="sq", scale=s):
            return np.sum(x * x) * s
        case Cfg2(kind="lin", scale=s):
            return np.sum(x) * s
    return 0.0

@case("v20 match mapping pattern on config dict", (X3, 0.8))
def v20(x, w):
    cfg = {"loss": "l2", "weight": w}
    match cfg:
        case {"loss": "l1", "weight": c}:
            return np.sum(np.abs(x)) * c
        case {"loss": "l2", "weight": c}:
            return np.sum(x ** 2) * c
    return w

@case("v21 try/finally with loop and break inside try", (X3, 0.8))
def v21(x, w):
    s = 0.0
    try:
        for v in x:
            if v > 0.8:
                break
            s = s + v * w
    finally:
        s = s * 2.0
    return s

@case("v22 with several context managers", (X3, 0.8))
def v22(x, w):
    with np.errstate(divide="ignore"), contextlib.nullcontext():
        y = np.sum(np.exp(x * w))
    with contextlib.suppress(ZeroDivisionError):
        y = y + 1.0
    return y

@case("v23 assert with walrus and message", (X3, 0.8))
def v23(x, w):
    assert (n := len(x)) == 3, f"got {n}"
    return np.sum(x * w) * n

@case("v24 for-else inside while-else", (X3, 0.8))
def v24(x, w):
    k = 0
    total = 0.0
    while k < 2:
        for v in x:
            if v > 5.0:
                break
            total = total + v * w
        else:
            total = total * 1.5
        k += 1
    else:
        total = total + w
    return total

@case("v29 augmented assign on float argument then reuse", (0.3, 0.8))
def v29(x, w):
    orig = x
    x *= w
    x += orig
    return x * orig

@case("v30 OrderedDict iteration", (X3, 0.8))
def v30(x, w):
    d = OrderedDict()
    d["first"] = x * w
    d["second"] = np.sin(x)
    return sum(np.sum(v) * (i + 1) for i, v in enumerate(d.values()))

@case("v32 str-keyed lookups built with f-strings", (X3, 0.8))
def v32(x, w):
    p = {f"w{i}": x[i] * w for i in range(3)}
    return sum(p[f"w{i}"] ** 2 for i in range(3))

@case("v33 chained comparisons selecting a branch", (0.3, 0.8))
def v33(x, w):
    if 0.0 < x < 0.5 <= w:
        return x * w
    return x + w

@case("v34 isinstance on float vs array args", (X3, 0.8))
def v34(x, w):
    total = 0.0
    for v in (x, w):
        total = total + (np.sum(v ** 2) if isinstance(v, np.ndarray) else v ** 3)
    return total

@case("v35 all/any with generator", (X3, 0.8))
def v35(x, w):
    if all(v < 1.0 for v in x) and any(v < 0 for v in x):
        return np.sum(x * w)
    return w

@case("v36 lambda in default argument of a local def", (X3, 0.8))
def v36(x, w):
    def run(v, f=lambda z: z * 2.0):
        return f(v) * w
    return np.sum(run(x)) + np.sum(run(x, np.sin))

@case("v37 global dict of arrays read", (X3, 0.8))
def v37(x, w):
    return np.sum(TABLE_ARR["a"] * x * w) + TABLE_ARR.get("z", 0.0)

TABLE_ARR = {"a": np.array([1.0, 2.0, 3.0])}

@case("v38 divmod, int(), round in control", (X4, 0.8))
def v38(x, w):
    q, r = divmod(len(x), 3)
    s = 0.0
    for i in range(q + r):
        s = s + x[i] * w ** (i + 1)
    return s + round(2.7)

@case("v39 zip(*matrix) of an array", (M23, 0.8))
def v39(m, w):
    cols = list(zip(*m))
    return sum(c[0] * c[1] * w for c in cols)

@case("v40 map of partial and sorted with itemgetter reverse", (X3, 0.8))
def v40(x, w):
    f = functools.partial(np.multiply, w)
    ys = list(map(f, x))
    pairs = sorted(zip(ys, range(3)), key=operator.itemgetter(1), reverse=True)
    return pairs[0][0] * 2 + pairs[2][0]


# ---- variations of what the programs above found
@case("w01 list of lists written row by row in a loop", (X3, 0.8), into=NESTED_WRITES)
def w01(x, w):
    grid = [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
    for i in range(3):
        grid[i][0] = x[i] * w
        grid[i][1] = grid[i][0] ** 2 + x[i]
    return sum(row[0] * row[1] for row in grid)


@case("w02 dict of lists written by key then index", (X3, 0.8), into=NESTED_WRITES)
def w02(x, w):
    hist = {"lo": [0.0, 0.0], "hi": [0.0, 0.0]}
    for v in x:
        key = "hi" if v > 0 else "lo"
        hist[key][0] = hist[key][0] + v * w
        hist[key][1] = hist[key][1] + v * v
    return hist["hi"][0] * hist["lo"][1] + hist["lo"][0]


@case("w03 nested dict of arrays, an element written", (X3, 0.8), into=NESTED_WRITES)
def w03(x, w):
    layers = {"l1": x * w, "l2": np.ones(3)}
    layers["l2"][1] = x[0] * w
    return np.sum(layers["l1"] * layers["l2"])


@case("w04 tuple slices concatenated and repeated", (X3, 0.8))
def w04(x, w):
    t = (x[0] * w, x[1], x[2] * w)
    u = t[:2] + t[1:] * 2
    return sum(v * (i + 1) for i, v in enumerate(u))


@case("w05 classmethod through a global instance in a loop", (X3, 0.8))
def w05(x, w):
    s = 0.0
    for v in x:
        s = s + SC.scaled(v * w) * SC.a2
    return s


@case("w06 string methods of keys from sorted items", (X3, 0.8))
def w06(x, w):
    coef = {"w_a": w, "b_x": 0.5, "w_c": 2.0}
    s = 0.0
    for k, v in sorted(coef.items()):
        if k.upper().startswith("W") and k.endswith(("a", "c")):
            s = s + np.sum(x * v)
        else:
            s = s + v
    return s


@dataclasses.dataclass
class Site:
    pos: np.ndarray
    charge: float


@case("w07 pair energies over a list of dataclasses, skipping i == j", (X4, 0.8))
def w07(x, w):
    sites = [Site(x[:2], 1.0), Site(x[2:], w), Site(x[1:3], -0.5)]
    e = 0.0
    for i, a in enumerate(sites):
        for j, b in enumerate(sites):
            if i == j:
                continue
            e = e + a.charge * b.charge / (np.sum((a.pos - b.pos) ** 2) + 0.5)
    return e


@case("w08 list of dataclasses where one item gets no derivative", (X4, 0.8))
def w08(x, w):
    sites = [Site(x[:2], 1.0), Site(x[2:], w)]
    e = 0.0
    for i in range(2):
        s = sites[i]
        if i > 0:
            e = e + np.sum(s.pos * s.pos) * s.charge
    return e


@case("w09 namedtuple states, only the last one read", (X3, 0.8))
def w09(x, w):
    states = [Particle(x, x * w, 1.0), Particle(x * 2.0, x, w)]
    return np.sum(states[-1].q * states[-1].p) * states[-1].m


@case("w10 map with operator.itemgetter and attrgetter", (X3, 0.8))
def w10(x, w):
    pts = [(x[0], w), (x[1], x[2])]
    firsts = list(map(operator.itemgetter(0), pts))
    states = [Particle(x, x * w, 1.0), Particle(x * 2.0, x, w)]
    masses = list(map(operator.attrgetter("m"), states))
    return sum(firsts) * w + masses[1] * np.sum(states[0].p)


# ---- idioms: dict keys by value, getters, in-place writes into arguments, currying
@case("x02 enumerate(zip(a, b)) nested unpack", (X3, 0.8))
def x02(x, w):
    s = 0.0
    for i, (a, b) in enumerate(zip(x, W3 * w)):
        s = s + (i + 1) * a * b
    return s

@case("x03 max(d, key=d.get)", (X3, 0.8))
def x03(x, w):
    d = {"a": x[0] * w, "b": x[1], "c": x[2] * w}
    best = max(d, key=d.get)
    return d[best] * w

@case("x04 sorted(d.items(), key=lambda kv: kv[1])", (X3, 0.8))
def x04(x, w):
    d = {"a": x[0] * w, "b": x[1], "c": x[2] * w}
    ranked = sorted(d.items(), key=lambda kv: kv[1])
    return ranked[0][1] + 2.0 * ranked[-1][1]

@case("x06 min(zip(scores, values)) tuple comparison", (X3, 0.8))
def x06(x, w):
    scores = [2.0, 1.0, 3.0]
    best = min(zip(scores, [x[0] * w, x[1], x[2]]))
    return best[1] * w

@case("x08 while True with break", (0.3, 0.8))
def x08(x, w):
    y = x
    k = 0
    while True:
        y = y * w + 0.1
        k += 1
        if k >= 4:
            break
    return y

@case("x09 match or-pattern with guard on value", (X3, 0.8))
def x09(x, w):
    mode = "l2"
    match mode:
        case "l1" | "abs" if w > 0:
            return np.sum(np.abs(x)) * w
        case "l2" | "sq":
            return np.sum(x ** 2) * w
    return w

@case("x10 boolean mask write into argument", (X3, 0.8))
def x10(x, w):
    x[x < 0] = w
    return np.sum(x ** 2)

@case("x11 augmented slice write into 2d argument", (M23, 0.8))
def x11(m, w):
    m[:, 0] *= w
    m[1] += m[0]
    return np.sum(m ** 2)

@case("x12 y = x; y += 1 on a float leaves x", (0.3, 0.8))
def x12(x, w):
    y = x
    y += w
    return y * x

@case("x13 sum(d.values()) of arrays", (X3, 0.8))
def x13(x, w):
    d = {"a": x * w, "b": np.sin(x)}
    return np.sum(sum(d.values()))

@case("x14 comprehension over items with value-dependent filter", (X3, 0.8))
def x14(x, w):
    d = {"a": x[0] * w, "b": x[1] * w, "c": x[2]}
    pos = {k: v for k, v in d.items() if v > 0}
    return sum(pos.values()) * w

@case("x15 nested lambdas (currying)", (X3, 0.8))
def x15(x, w):
    add = lambda a: lambda b: a * b + a
    return np.sum(add(w)(x))

@case("x17 functools.partial with keyword-only bound, called in a loop", (X3, 0.8))
def x17(x, w):
    def step(v, *, lr, decay=1.0):
        return v - lr * decay * v ** 3
    update = functools.partial(step, lr=0.1 * w)
    for _ in range(3):
        x = update(x)
    return np.sum(x)

@case("x18 **kwargs merged with defaults dict", (X3, 0.8))
def x18(x, w):
    def layer(v, **opts):
        cfg = {"scale": 1.0, "shift": 0.0}
        cfg.update(opts)
        return v * cfg["scale"] + cfg["shift"]
    return np.sum(layer(x, scale=w) * layer(x, shift=w))

@case("x19 *args and keyword-only after it", (X3, 0.8))
def x19(x, w):
    def combine(*parts, weight=1.0):
        return sum(np.sum(p) for p in parts) * weight
    return combine(x, x * x, weight=w) + combine(x * w)

@case("x20 tuple(...) of map then unpack", (X3, 0.8))
def x20(x, w):
    a, b, c = tuple(map(lambda v: v * w, x))
    return a * b + c

@case("x21 reversed(sorted(...))", (X3, 0.8))
def x21(x, w):
    ys = list(reversed(sorted(x * w)))
    return ys[0] * 2.0 + ys[1]

@case("x22 zip(*xs) of arrays rows into sums", (M23, 0.8))
def x22(m, w):
    return sum(a * b for a, b in zip(*m)) * w

@case("x23 dict(...) from list of tuples with comprehension", (X3, 0.8))
def x23(x, w):
    d = dict([(f"k{i}", v * w) for i, v in enumerate(x)])
    return d["k0"] * d["k2"] - d["k1"]

@case("x24 set of keys difference then lookup", (X3, 0.8))
def x24(x, w):
    d = {"a": x[0] * w, "b": x[1], "c": x[2]}
    keep = sorted(set(d) - {"b"})
    return sum(d[k] for k in keep) * w

@case("x25 min/max with key over arrays by norm", (X3, 0.8))
def x25(x, w):
    cands = [x * w, x + 0.5, -x]
    lo = min(cands, key=lambda a: float(np.linalg.norm(a)))
    hi = max(cands, key=lambda a: float(np.linalg.norm(a)))
    return np.sum(lo * hi)


Cfg = namedtuple("Cfg", ["lr", "steps", "decay"], defaults=[3, 0.9])


@case("w11 namedtuple defaults and _asdict()", (X3, 0.8))
def w11(x, w):
    c = Cfg(lr=0.1 * w)
    d = c._asdict()
    p = x
    for _ in range(d["steps"]):
        p = p - d["lr"] * p * d["decay"]
    return np.sum(p) + len(c._fields)
