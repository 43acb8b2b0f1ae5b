"""Programs of the twenty-eighth acceptance hunt: everyday Python structure around NumPy
values, written the way numerical code is written: classes holding parameters (methods
calling methods, properties, __call__, inheritance and super(), dataclasses and
namedtuples), closures and nested defs (nonlocal, late binding in loops, defaults that
capture), functools.partial, *args/**kwargs, recursion, generators, containers rebuilt and
mutated (append, extend, pop, insert, del, sort, reverse, update, setdefault), aliasing
between containers, in-place updates of items and attributes, comprehensions, zip(*xs),
sorted/min/max with key, early return, while/else, try/finally, errstate, match, walrus,
global state, optimizer loops on a dataclass. Each entry of CASES is (name, f, args, wrt):
astgrad must give Python's value and derivative (h01-h12 found a wrong one: a generator
expression held in a name). REFUSED holds the programs astgrad refuses at the line, with a
pattern of the refusal: each gave a wrong number before. Used by tests/test_hunt28.py."""

import dataclasses
import functools
import itertools
from collections import namedtuple

import numpy as np

from program_cases import case_table, refusal_table

X4 = np.array([0.31, -0.52, 0.87, 0.14])
W4 = np.array([0.6, 1.3, -0.45, 0.92])
CASES, case = case_table((X4, W4))
REFUSED, refused = refusal_table((X4, W4))


# -- the programs that found a wrong value: a generator expression held in a name ----------

@case("h01 held generator, a name it reads rebound before sum")
def h01(x, w):
    k = 2.0
    g = (v * k for v in x)
    k = w[0]
    return sum(g) * w[1]


@case("h02 held generator, the list it iterates appended to before list()")
def h02(x, w):
    xs = [x[0], x[1]]
    g = (v * w[0] for v in xs)
    xs.append(x[2])
    return sum(list(g)) ** 2


@case("h03 held generator, the name of its iterable rebound (the old object is iterated)")
def h03(x, w):
    xs = x
    g = (v * w[1] for v in xs)
    xs = w
    return sum(g) + np.sum(xs)


@case("h04 held generator in a helper, consumed by max after a rebinding")
def h04(x, w):
    def peak(y):
        s = 1.0
        g = (t * s for t in y)
        s = 2.0
        return max(g)
    return peak(x * w) + peak(w)


@case("h05 held generator with a condition and two fors, consumed by sorted")
def h05(x, w):
    c = 0.0
    g = (a * b for a in x if a > c for b in w[:2])
    c = 0.2
    return sorted(g)[-1] * 2.0


@case("h06 held generator made and consumed in a loop body")
def h06(x, w):
    s = 0.0
    k = 1.0
    for i in range(3):
        g = (v * k for v in x * w)
        k = k + w[i]
        s = s + sum(g)
    return s


@case("h07 held generator consumed under an if, its iterable's name rebound")
def h07(x, w):
    g = (v * v for v in x)
    x = w
    if w[0] > 0:
        return sum(g) * w[2]
    return 0.0


@case("h08 held generator reading a list item written before it is consumed")
def h08(x, w):
    box = [w[0]]
    g = (v * box[0] for v in x)
    box[0] = w[1]
    return sum(g)


@case("h09 held generator consumed by tuple")
def h09(x, w):
    k = w[0]
    g = (np.sin(v) * k for v in x)
    k = w[3]
    t = tuple(g)
    return t[0] * t[3]


@case("h10 held generator zipped in a comprehension after a rebinding")
def h10(x, w):
    k = w[0]
    g = (v * k for v in x)
    k = w[1]
    return sum(a * b for a, b in zip(g, w))


@case("h11 held generator handed to a helper after a rebinding")
def h11(x, w):
    def total(items):
        return sum(items)
    k = w[0]
    g = (v * k for v in x)
    k = w[1]
    return total(g) * x[0]


@case("h12 held generator looped over with enumerate after a rebinding")
def h12(x, w):
    k = w[0]
    g = (v * k for v in x)
    k = w[2]
    s = 0.0
    for i, a in enumerate(g):
        s = s + a * i
    return s


# -- refused: a generator used up, or a loop changing what its items read ----------------

@refused("r01 held generator summed twice (the second sum is 0 in Python)", "held in 'g' here: it is iterated more than once")
def r01(x, w):
    g = (v * w[0] for v in x)
    return sum(g) + sum(g)


@refused("r02 held generator summed in a loop", "held in 'g' here: it is iterated more than once")
def r02(x, w):
    g = (v * w[0] for v in x)
    s = 0.0
    for _ in range(2):
        s = s + sum(g)
    return s


@refused("r03 held generator listed, then its max taken", "held in 'g' here: it is iterated more than once")
def r03(x, w):
    g = (v * w[0] for v in x)
    a = list(g)
    return sum(a) + max(g, default=0.0)


@refused("r04 held generator read by a lambda called twice", "held in 'g' here: it is iterated more than once")
def r04(x, w):
    g = (v * w[0] for v in x)
    f = lambda: sum(g)         # noqa: E731
    return f() + f()


@refused("r05 a loop over a generator rebinding a name its items read", "the loop rebinds k, which the items read")
def r05(x, w):
    k = w[0]
    s = 0.0
    for a in (v * k for v in x):
        s = s + a
        k = k * 2.0
    return s


@refused("r06 a loop over a held generator rebinding a name its items read", "the loop rebinds k, which the items read")
def r06(x, w):
    k = w[0]
    g = (v * k for v in x)
    s = 0.0
    for a in g:
        s = s + a
        k = k * 2.0
    return s


@refused("r07 a loop over a generator writing into a list its items read", r"changes what the generator reads \(a write into box")
def r07(x, w):
    box = [w[0]]
    s = 0.0
    for a in (v * box[0] for v in x):
        s = s + a
        box[0] = box[0] * 2.0
    return s


@refused("r08 enumerate of a generator, the loop rebinding a name its items read", "the loop rebinds k, which the items read")
def r08(x, w):
    k = w[0]
    s = 0.0
    for i, a in enumerate(v * k for v in x):
        s = s + a * i
        k = k + 1.0
    return s


@refused("r09 map of a lambda held in a name, a name the lambda reads rebound before sum", "held in 'm' here: k is rebound")
def r09(x, w):
    k = w[0]
    m = map(lambda v: v * k, x)
    k = w[1]
    return sum(m)


@refused("r10 map held in a name, summed twice (the second sum is 0 in Python)", "held in 'm' here: it is iterated more")
def r10(x, w):
    m = map(lambda v: v * w[0], x)
    return sum(m) + sum(m)


@refused("r11 zip held in a name, read by two comprehensions", "held in 'z' here: it is iterated more than once")
def r11(x, w):
    z = zip(x, w)
    a = sum(p * q for p, q in z)
    b = sum(p + q for p, q in z)
    return a + b


@refused("r12 itertools.starmap held in a name, a name its function reads rebound", "held in 's' here: k is rebound")
def r12(x, w):
    k = w[0]
    s = itertools.starmap(lambda a, b: a * b * k, zip(x, w))
    k = w[1]
    return sum(s)


@refused("r13 itertools.accumulate held in a name, summed twice", "held in 'a' here: it is iterated more than once")
def r13(x, w):
    a = itertools.accumulate(list(x * w))
    return sum(a) + sum(a)


@refused("r14 a loop over map of a lambda rebinding a name the lambda reads", "the loop rebinds k, which the items read")
def r14(x, w):
    k = w[0]
    s = 0.0
    for a in map(lambda v: v * k, x):
        s = s + a
        k = k * 2.0
    return s


# -- a sample of the passing programs: classes, closures, containers, aliasing, control flow

class Lin:
    def __init__(self, W, b=0.1):
        self.W = W
        self.b = b
    def pre(self, x):
        return self.W * x + self.b
    def __call__(self, x):
        return np.tanh(self.pre(x))
    @property
    def norm(self):
        return np.sum(self.W ** 2)


@case("a01 __call__ calling a method, property")
def a01(x, w):
    m = Lin(w)
    return np.sum(m(x)) + m.norm


@case("a03 attribute updated in place in a loop")
def a03(x, w):
    m = Lin(w.copy())
    for i in range(3):
        m.W += 0.1 * x
        m.W *= 0.9
    return np.sum(m.W * x)


@case("a04 attribute rebound, object shared by alias")
def a04(x, w):
    m = Lin(w)
    n = m
    n.W = n.W * x
    return np.sum(m.W) + np.sum(n.W ** 2)


@dataclasses.dataclass
class P:
    W: np.ndarray
    b: float


@case("a05 optimizer loop: p = P(p.W - lr*g, ...) rebuilt each step")
def a05(x, w):
    p = P(w, 0.5)
    for _ in range(3):
        g = 2 * (p.W * x - 1.0) * x
        p = P(p.W - 0.1 * g, p.b - 0.1 * np.sum(g))
    return np.sum(p.W ** 2) + p.b


Pair = namedtuple("Pair", "a b")


@case("a07 namedtuple _replace and field access")
def a07(x, w):
    p = Pair(x, w)
    q = p._replace(a=p.a * 2)
    return np.sum(q.a * q.b) + np.sum(p[0])


class Acc:
    def __init__(self):
        self.total = 0.0
        self.hist = []
    def add(self, v):
        self.total = self.total + v
        self.hist.append(v)


@case("a12 accumulator object with history list")
def a12(x, w):
    a = Acc()
    for xi, wi in zip(x, w):
        a.add(xi * wi)
    return a.total + a.hist[-1] * a.hist[0]


@dataclasses.dataclass
class Cfg:
    lr: float = 0.1
    steps: int = 3


@case("a17 dataclass config default with field loop")
def a17(x, w):
    c = Cfg()
    v = w
    for _ in range(c.steps):
        v = v - c.lr * (v - x) ** 3
    return np.sum(v)


@dataclasses.dataclass
class St:
    m: np.ndarray
    v: np.ndarray


@case("a18 adam-like optimizer loop with state dataclass mutated in place")
def a18(x, w):
    s = St(np.zeros(4), np.zeros(4))
    p = w
    for t in range(1, 4):
        g = np.cos(p * x)
        s.m = 0.9 * s.m + 0.1 * g
        s.v = 0.99 * s.v + 0.01 * g ** 2
        p = p - 0.1 * s.m / (np.sqrt(s.v) + 1e-3)
    return np.sum(p ** 2)


@case("b01 late binding closures in a list comprehension")
def b01(x, w):
    fs = [lambda: i * x for i in range(3)]
    return np.sum(sum(f() for f in fs) * w)


@case("b02 default argument captures the loop value")
def b02(x, w):
    fs = [lambda i=i: i * x for i in range(3)]
    return np.sum(sum(f() for f in fs) * w)


@case("b03 default argument captures an array value before rebinding")
def b03(x, w):
    def f(z, s=w):
        return z * s
    w = w * 2
    return np.sum(f(x) * w)


@case("b04 nonlocal counter and accumulator")
def b04(x, w):
    total = 0.0
    def add(v):
        nonlocal total
        total = total + v
    for xi, wi in zip(x, w):
        add(xi * wi)
    return total * total


@case("b05 closure reads variable rebound after the def")
def b05(x, w):
    s = w
    def f(z):
        return z * s
    s = w * w
    return np.sum(f(x))


@case("b07 functools.partial with keyword")
def b07(x, w):
    def f(a, b, c=1.0):
        return np.sum(a * b) * c
    g = functools.partial(f, c=np.sum(w))
    return g(x, w)


@case("b09 *args and **kwargs forwarding")
def b09(x, w):
    def inner(a, b, scale=1.0, shift=0.0):
        return np.sum(a * b) * scale + shift
    def outer(*args, **kwargs):
        return inner(*args, **kwargs)
    return outer(x, w, scale=w[1], shift=x[0]) + outer(*(x, w))


@case("b11 recursion")
def b11(x, w):
    def rec(v, n):
        if n == 0:
            return v
        return rec(np.sin(v) * w, n - 1)
    return np.sum(rec(x, 3))


@case("b12 recursion over a list, head/tail")
def b12(x, w):
    def s(xs):
        if not xs:
            return 0.0
        return xs[0] * xs[0] + s(xs[1:])
    return s(list(x * w))


@case("b15 nested nonlocal two levels")
def b15(x, w):
    def outer():
        s = 1.0
        def inner(v):
            nonlocal s
            s = s * v
            return s
        for xi in x:
            inner(xi)
        return s
    return outer() * np.sum(w)


@case("b18 functools.reduce with closure")
def b18(x, w):
    return functools.reduce(lambda a, b: a * 0.5 + b, list(x * w), 0.0)


@case("b20 function returned from function with captured mutable list")
def b20(x, w):
    def make():
        store = []
        def push(v):
            store.append(v)
            return sum(store)
        return push
    p = make()
    p(x[0])
    p(w[1])
    return p(x[2] * w[2]) ** 2


@case("c01 a = b = [] aliasing, append through one")
def c01(x, w):
    a = b = []
    a.append(x * w)
    b.append(np.sin(x))
    return np.sum(a[0] * a[1]) + len(b)


@case("c03 xs = ys[:] copy vs xs = ys alias")
def c03(x, w):
    ys = [x[0], x[1], x[2]]
    xs = ys[:]
    zs = ys
    xs[0] = w[0]
    zs[1] = w[1] * 2
    return ys[0] * ys[1] + xs[0] * xs[1] + zs[2]


@case("c08 nested dict any depth rebuilt")
def c08(x, w):
    cfg = {"l1": {"W": w, "b": x[0]}, "l2": {"W": w[::-1], "b": x[1]}}
    h = x
    for k in ("l1", "l2"):
        h = np.tanh(cfg[k]["W"] * h + cfg[k]["b"])
    cfg["l1"]["W"] = cfg["l1"]["W"] * 0
    return np.sum(h) + np.sum(cfg["l1"]["W"])


@case("c10 sorted with key on tuples")
def c10(x, w):
    items = [(float(i), x[i] * w[i]) for i in range(4)]
    s = sorted(items, key=lambda t: -t[0])
    return s[0][1] * 2 + s[1][1]


@case("c13 enumerate with early return in loop")
def c13(x, w):
    for i, (a, b) in enumerate(zip(x, w)):
        if a * b < -0.3:
            return a * b * i
    return np.sum(x)


@case("c14 while with break/else")
def c14(x, w):
    s, i = 0.0, 0
    while i < 4:
        s = s + x[i] * w[i]
        if s > 1.5:
            break
        i += 1
    else:
        s = s * 2
    return s


@case("c17 match on a tuple")
def c17(x, w):
    s = 0.0
    for t in [("add", x[0]), ("mul", w[1]), ("add", w[2])]:
        match t:
            case ("add", v):
                s = s + v
            case ("mul", v):
                s = s * v
    return s


@case("c18 walrus in comprehension condition")
def c18(x, w):
    ys = [y for i in range(4) if (y := x[i] * w[i]) > -0.4]
    return sum(ys) ** 2


@case("c31 stack via list, append/pop in loop")
def c31(x, w):
    st = []
    for i in range(4):
        st.append(x[i] * w[i])
        if len(st) > 2:
            a = st.pop()
            b = st.pop()
            st.append(a * b)
    return sum(st)


@case("c34 star unpacking")
def c34(x, w):
    first, *mid, last = list(x * w)
    return first * last + sum(mid) ** 2


@case("e03 list returned by helper aliasing its input")
def e03(x, w):
    def keep(v):
        return v
    a = [x[0], w[0]]
    b = keep(a)
    b.append(x[1] * w[1])
    return sum(a) * len(a)


@case("e08 sorted with key=abs")
def e08(x, w):
    v = list(x - w)
    s = sorted(v, key=abs)
    return s[0] * 1.0 + s[-1] ** 2


@case("e16 match with class pattern on dataclass")
def e16(x, w):
    @dataclasses.dataclass
    class Sq:
        v: float
    @dataclasses.dataclass
    class Ln:
        v: float
    s = 0.0
    for item in [Sq(x[0]), Ln(w[1]), Sq(w[2])]:
        match item:
            case Sq(v=v):
                s = s + v * v
            case Ln(v=v):
                s = s + 3 * v
    return s


@case("e25 insert at negative index and pop(-2)")
def e25(x, w):
    v = [x[0], x[1], x[2]]
    v.insert(-1, w[0])
    a = v.pop(-2)
    return a * v[-1] + v[1] * 2


@case("e34 swap via tuple assignment in loop")
def e34(x, w):
    a, b = x[0], w[0]
    for _ in range(3):
        a, b = b, a * b + x[1]
    return a + b


@case("e39 nested function modifying list of enclosing scope")
def e39(x, w):
    out = []
    def emit(v):
        out.append(v * 2)
    for a in x * w:
        emit(a)
    return sum(out) * out[0]


class V:
    def __init__(self, v): self.v = v
    def __iadd__(self, o):
        self.v = self.v + o.v * 2.0
        return self
    def total(self): return np.sum(self.v)


@case("f01 __iadd__ defined on the class (not +)")
def f01(x, w):
    a = V(x)
    a += V(w)
    return a.total() ** 2


class G0:
    def f(self, x, s=1.0): return x * s


class G1(G0):
    def f(self, x, s=1.0): return super().f(x, s=s * 2) + 1.0


class G2(G1):
    def f(self, x, s=1.0): return np.sin(super().f(x, s))


@case("f16 super() chain over three classes with keyword")
def f16(x, w):
    return np.sum(G2().f(x, s=w))


class Opt:
    def __init__(self, lr): self.lr = lr; self.t = 0
    def step(self, p, g):
        self.t += 1
        return p - self.lr / self.t * g


@case("f18 optimizer object counting steps")
def f18(x, w):
    o = Opt(0.1)
    p = w
    for _ in range(3):
        p = o.step(p, np.cos(p * x))
    return np.sum(p ** 2)


@case("f27 nonlocal modified inside a loop in nested def")
def f27(x, w):
    acc = x[0]
    def bump(k):
        nonlocal acc
        for j in range(k):
            acc = acc * w[j] + x[j]
    bump(2)
    bump(3)
    return acc


@case("g01 comprehension variable shadows the argument")
def g01(x, w):
    ys = [x * 2 for x in w]
    return sum(ys) * np.sum(x)


@case("g03 walrus in comprehension leaks to enclosing scope")
def g03(x, w):
    ys = [(last := a * b) for a, b in zip(x, w)]
    return sum(ys) * last


@case("g05 del then rebind")
def g05(x, w):
    y = x * w
    z = y
    del y
    y = z * 2
    return np.sum(y * z)


@case("g09 nested def reading variable assigned later in enclosing")
def g09(x, w):
    def f():
        return np.sum(y * x)
    y = w
    a = f()
    y = w * 3
    return a + f()


@case("g11 augmented assignment on local alias of argument array")
def g11(x, w):
    y = x
    y += w
    return np.sum(x * y)


@case("g12 x = x * w where x later read through earlier alias")
def g12(x, w):
    a = x
    x = x * w
    return np.sum(a * x)


@case("g17 function redefined in loop")
def g17(x, w):
    s = 0.0
    for k in range(3):
        def f(z):
            return z * (k + 1)
        s = s + np.sum(f(x) * w)
    return s


@case("g19 chained method returning self")
def g19(x, w):
    class B:
        def __init__(self, v): self.v = v
        def mul(self, s):
            self.v = self.v * s
            return self
    return np.sum(B(x).mul(w).mul(x).v)
