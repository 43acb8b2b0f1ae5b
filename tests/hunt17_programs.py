"""Programs of the seventeenth acceptance hunt: the Python people write today, several
idioms meeting in one program: subclasses calling super().__init__ and overriding
methods, abstract base classes, mixins, class attributes as defaults, Enum members
choosing a branch, typing annotations (Optional, Protocol, TypedDict), decorators on
helpers (functools.wraps, lru_cache), logging and warnings inside, itertools, functools
and operator, configs read as globals, Enum values, a class-level registry, recursion,
walrus, for-else. Every entry of CASES is (name, f, args, wrt): astgrad must give
Python's derivative, or refuse. Used by tests/test_hunt17_programs.py."""

import abc
import collections
import dataclasses
import enum
import functools
import itertools
import logging
import math
import operator
import warnings
from typing import Optional, Protocol, TypedDict

import numpy as np

from program_cases import case_table

X3 = np.array([0.3, -0.4, 0.9])
W33 = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.4], [-0.6, 0.2, 0.7]])
CASES, case = case_table((X3, 0.8))


# -- classes -----------------------------------------------------------------------------

class Base:
    scale = 2.0

    def __init__(self, w):
        self.w = w

    def act(self, z):
        return np.tanh(z)

    def __call__(self, x):
        return self.act(self.w * x) * self.scale


class Child(Base):
    scale = 0.5

    def __init__(self, w, b):
        super().__init__(w)
        self.b = b

    def act(self, z):
        return np.sin(z) + self.b


@case("c01 subclass: super().__init__, overridden method, class attribute default")
def c01(x, w):
    m = Child(w, 0.1)
    return np.sum(m(x))


class Grand(Child):
    def __init__(self, w):
        """Three __init__ in a row, the last overriding what the first stored."""
        super().__init__(w * 2.0, b=w)
        self.w = self.w + 1.0

    def __call__(self, x):
        return super().__call__(x) * self.w


@case("c11 three levels of super().__init__ with a keyword, an attribute stored again")
def c11(x, w):
    return np.sum(Grand(w)(x))


class Holder:
    def __init__(self, act):
        self.act = act


class Hiding(Holder):
    def __init__(self, w, act):
        super().__init__(act)
        self.w = w

    def act(self, z):           # hidden by the attribute Holder.__init__ stores
        return z

    def __call__(self, x):
        return self.act(self.w * x)


def hidden_method(x, w):        # not in CASES: tests/test_hunt17_programs.py checks the refusal
    return np.sum(Hiding(w, np.tanh)(x))


class Layer(abc.ABC):
    @abc.abstractmethod
    def forward(self, x): ...

    def __call__(self, x):
        return self.forward(x)


class Dense(Layer):
    def __init__(self, W, w):
        self.W, self.w = W, w

    def forward(self, x):
        return np.tanh(self.W @ x * self.w)


@case("c02 abstract base class with abstractmethod, subclass forward")
def c02(x, w):
    return np.sum(Dense(W33, w)(x) ** 2)


class ScaleMixin:
    def scaled(self, v):
        return v * self.k


class Poly(ScaleMixin):
    def __init__(self, k):
        self.k = k

    def __call__(self, x):
        return self.scaled(x ** 2 + x)


@case("c03 a mixin method reading the subclass's attribute")
def c03(x, w):
    return np.sum(Poly(w)(x))


class Act(enum.Enum):
    TANH = "tanh"
    RELU = "relu"


def activate(z, kind):
    if kind is Act.TANH:
        return np.tanh(z)
    elif kind == Act.RELU:
        return np.maximum(z, 0.0)
    raise ValueError(kind)


@case("c04 Enum members selecting a branch (is and ==)")
def c04(x, w):
    return np.sum(activate(x * w, Act.TANH)) + np.sum(activate(x + w, Act.RELU))


def typed(x: np.ndarray, w: float, b: Optional[float] = None) -> float:
    y: np.ndarray = x * w
    if b is not None:
        y = y + b
    return float(np.sum(y ** 2))


@case("c05 typing annotations, Optional default None, annotated assignment, float(...)")
def c05(x, w):
    return typed(x, w) + typed(x, w, 0.5)


class HasForward(Protocol):
    def forward(self, x: np.ndarray) -> np.ndarray: ...


def run(m: HasForward, x):
    return m.forward(x)


@case("c06 a Protocol-typed helper parameter given an object built in the call")
def c06(x, w):
    return np.sum(run(Dense(W33, w), x))


class Cfg(TypedDict):
    lr: float
    steps: int


@case("c07 a TypedDict config")
def c07(x, w):
    cfg: Cfg = {"lr": 0.1, "steps": 3}
    y = x
    for _ in range(cfg["steps"]):
        y = y - cfg["lr"] * w * y ** 2
    return np.sum(y)


@dataclasses.dataclass
class Params:
    w: float
    b: float = 0.1

    def predict(self, x):
        return self.w * x + self.b


@dataclasses.dataclass
class Sub(Params):
    c: float = 2.0

    def predict(self, x):
        return super().predict(x) * self.c


@case("c09 dataclass inheritance, super().predict in an override")
def c09(x, w):
    return np.sum(Sub(w).predict(x) ** 2)


# -- decorators, logging, warnings ------------------------------------------------------

def logged(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        return f(*args, **kwargs)
    return wrapper


@logged
def helper(x, w):
    return np.sin(x) * w


@case("d01 a functools.wraps decorator on a helper")
def d01(x, w):
    return np.sum(helper(x, w=w))


class Net:
    def __init__(self, w):
        self.w = w

    @logged
    def loss(self, x, scale=1.0):
        return np.sum(np.sin(x * self.w)) * scale


@case("d07 a functools.wraps wrapper taking *args, **kwargs on a method")
def d07(x, w):
    net = Net(w)
    return net.loss(x) + Net(w * 2.0).loss(x, scale=x[0])


@functools.lru_cache(maxsize=None)
def coeffs(n):
    return tuple(1.0 / math.factorial(k) for k in range(n))


@case("d02 lru_cache on a helper of constants")
def d02(x, w):
    c = coeffs(5)
    return np.sum(sum(ck * (w * x) ** k for k, ck in enumerate(c)))


@functools.cache
def table(n):
    return np.linspace(0.0, 1.0, n)


@case("d03 functools.cache returning an array")
def d03(x, w):
    return np.sum(table(3) * x * w)


log = logging.getLogger("hunt17")
VERBOSE = False


@case("d05 logging through a module's logger and logging.info, an f-string, print under a flag")
def d05(x, w):
    y = np.sum(x * w)
    log.debug("y=%s", y)
    logging.info("w=%s y=%s", w, y)
    msg = f"value {y:.3f} and {w!r}"
    if VERBOSE:
        print(msg)
    return y ** 2


@case("d06 warnings.warn on a branch")
def d06(x, w):
    y = x * w
    if np.any(y > 100):
        warnings.warn("large")
    return np.sum(y ** 2)


# -- itertools, functools, operator ------------------------------------------------------

@case("i01 itertools.accumulate with operator.mul")
def i01(x, w):
    return sum(itertools.accumulate([x[0], x[1] * w, x[2]], operator.mul))


@case("i02 itertools.product of indices")
def i02(x, w):
    return sum(x[i] * x[j] * w for i, j in itertools.product(range(3), range(3)))


@case("i03 itertools.chain of two lists")
def i03(x, w):
    return sum(v ** 2 for v in itertools.chain([x[0], x[1]], [w]))


@case("i04 itertools.pairwise over a list of arrays")
def i04(x, w):
    ys = [x, x * w, np.sin(x)]
    return sum(np.sum((a - b) ** 2) for a, b in itertools.pairwise(ys))


@case("i05 itertools.islice")
def i05(x, w):
    return sum(v * w for v in itertools.islice(x, 1, None))


@case("i06 functools.reduce with operator.add and a lambda")
def i06(x, w):
    return functools.reduce(operator.add, [x[0], x[1], x[2] * w]) + functools.reduce(lambda a, b: a * b, x, w)


@case("i07 operator.itemgetter and sorted(key=)")
def i07(x, w):
    pairs = [(x[0], 2.0), (x[1] * w, 1.0), (x[2], 3.0)]
    s = sorted(pairs, key=operator.itemgetter(1))
    return s[0][0] * 2 + s[2][0]


@case("i08 enumerate(start=1) and reversed")
def i08(x, w):
    t = 0.0
    for k, v in enumerate(reversed(x), start=1):
        t = t + k * v * w
    return t


@case("i09 range with a negative step")
def i09(x, w):
    t = w
    for i in range(2, -1, -1):
        t = t * x[i] + 1.0
    return t


@case("i11 dict ordering, sorted keys, set of keys")
def i11(x, w):
    d = {"b": x[1], "a": x[0] * w, "c": x[2]}
    keys = set(d) & {"a", "c"}
    return sum(d[k] ** 2 for k in sorted(keys)) + list(d.values())[0]


# -- configs, defaults, statements -------------------------------------------------------

CONFIG = {"alpha": 0.5, "act": "tanh", "depth": 2}


@dataclasses.dataclass(frozen=True)
class RunConfig:
    lr: float = 0.1
    steps: int = 3
    use_sin: bool = True


CFG = RunConfig()


@case("g01 a config dict read as a global selects the activation and depth")
def g01(x, w):
    y = x
    for _ in range(CONFIG["depth"]):
        y = np.tanh(y * w) if CONFIG["act"] == "tanh" else np.sin(y * w)
    return np.sum(y) * CONFIG["alpha"]


@case("g02 a frozen dataclass config read as a global")
def g02(x, w):
    y = x
    for _ in range(CFG.steps):
        y = y - CFG.lr * (np.sin(y) if CFG.use_sin else y) * w
    return np.sum(y ** 2)


def accum(v, acc=[]):
    acc = acc + [v]
    return sum(acc)


@case("g03 a default list argument read, not written")
def g03(x, w):
    return accum(x * w) @ x


class Model:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def __call__(self, x):
        return np.tanh(self.W @ x + self.b)

    def loss(self, x, y):
        return np.sum((self(x) - y) ** 2)

    def loss_aux(self, x, y):
        r = self(x) - y
        return np.sum(r ** 2), r


@case("g07 walrus in a while condition and for-else")
def g07(x, w):
    y, n = x * w, 0
    while (s := np.sum(y ** 2)) > 0.05 and n < 4:
        y = y * 0.7
        n += 1
    for v in x:
        if v > 5:
            break
    else:
        s = s + 1.0
    return s


@case("g08 try/finally and a with nullcontext")
def g08(x, w):
    import contextlib
    try:
        y = x * w
    finally:
        z = 1.0
    with contextlib.suppress(ZeroDivisionError):
        y = y / w
    return np.sum(y ** 2) * z


@case("g09 max/min with key, sum with start over arrays")
def g09(x, w):
    vs = [x * w, x ** 2, np.sin(x)]
    big = max(vs, key=lambda v: float(np.sum(v)))
    small = min(vs, key=np.sum)
    return np.sum(big) + np.sum(small) + np.sum(sum(vs, np.zeros(3)))


@case("g11 starred assignment and zip(*rows)")
def g11(x, w):
    first, *rest = [x[0], x[1] * w, x[2]]
    cols = list(zip(*[(x[0], w), (x[1], x[2])]))
    return first * sum(rest) + cols[0][1] * cols[1][0]


@case("g12 list + and * of arrays")
def g12(x, w):
    parts = [x] * 2 + [x * w]
    return np.sum(np.concatenate(parts) ** 2)


def rec(x, n):
    return x if n == 0 else rec(np.sin(x) * 1.1, n - 1)


@case("g13 recursion")
def g13(x, w):
    return np.sum(rec(x * w, 3))


@case("g14 map with a method and a partial")
def g14(x, w):
    m = Model(W33, x * 0.0 + 0.1)
    f = functools.partial(np.multiply, w)
    return np.sum(sum(map(m, [x, f(x)])))


@case("g15 operator.mul reduce over range, math.prod")
def g15(x, w):
    import math
    return functools.reduce(operator.mul, [x[i] + w for i in range(3)], 1.0) + math.prod([w, x[0]])


@case("g16 assert on a value, isinstance checks")
def g16(x, w):
    assert x.shape == (3,), "bad shape"
    if isinstance(w, float):
        w = w * 2
    return np.sum(x * w)


# -- Enum values, nonlocal, dict unpacking, a registry ------------------------------------

class Coef(enum.Enum):
    SMALL = 0.5
    BIG = 2.0


@case("e01 Enum .value used as a number, iteration over the Enum")
def e01(x, w):
    t = 0.0
    for c in Coef:
        t = t + c.value * np.sum(x * w)
    return t + Coef.BIG.value * w


@case("e06 nonlocal counter in a nested def")
def e06(x, w):
    calls = 0

    def f(v):
        nonlocal calls
        calls += 1
        return np.sin(v) * w
    y = f(f(x))
    return np.sum(y) * calls


@case("e10 dict merge | and ** unpacking, then keys")
def e10(x, w):
    base = {"a": x[0], "b": w}
    over = {**base, "b": x[1] * w}
    both = base | {"c": x[2]}
    return over["a"] * over["b"] + both["c"] * both["b"]


class Registry:
    fns = {}

    @classmethod
    def register(cls, name):
        def deco(f):
            cls.fns[name] = f
            return f
        return deco


@Registry.register("sq")
def sq(v):
    return v * v


@case("e16 a function looked up in a class-level registry dict")
def e16(x, w):
    return np.sum(Registry.fns["sq"](x * w))


# -- iteration and container idioms ------------------------------------------------------

@case("z01 zip(..., strict=True) in a loop, a list, a dict, a generator; left early by a break")
def z01(x, w):
    s = 0.0
    for a, b in zip(x, [w, w * 2, w * 3], strict=True):
        s = s + a * b
    pairs = list(zip(x * w, np.sin(x), strict=True))
    named = dict(zip(["a", "b", "c"], x * w, strict=True))
    for a, b in zip(x, [w, w], strict=True):     # unequal, but the loop breaks before zip runs out
        s = s + a * b
        if a > 0.0:
            break
    return s + sum(a * b for a, b in pairs) + named["b"] * sum(p * q for p, q in zip(x, (v * w for v in x), strict=True))


# not in CASES: Python raises ValueError, so must every derivative (tests/test_hunt17_programs.py)
def unequal_strict_zip(x, w):
    return sum([a * b for a, b in zip(x, [w, w * 2], strict=True)])


def too_many_to_unpack(x, w):
    a, b = x * w
    return a * b


def unpacks_a_grown_list(x, w):       # not in CASES: the display's length is not the list's
    r = [x[0] * w, x[1]]
    t = r
    r.append(w)
    a, b = t
    return a * b


def unpacks_a_display(x, w):
    r = [x[0] * w, x[1]]
    t = r
    a, b = t
    return a * b


def seeded_estimate(x, w):
    np.random.seed(0)
    z = np.random.randn(4, 3)
    return np.mean(np.exp(0.3 * x + w * z))


@case("z02 the gradient of a function seeding NumPy's global generator, taken in the code")
def z02(x, w):
    import astgrad
    return astgrad.grad(seeded_estimate, wrt=1)(x, w) * 2.0 + seeded_estimate(x, w)


def scaled_sine(a, b):
    return np.sin(a) * b


@case("z03 itertools.starmap of a lambda, a helper, a local def and operator.mul; map over two iterables")
def z03(x, w):
    def affine(a, b, c):
        return a * b - c
    total = sum(itertools.starmap(lambda a, b: a * b, zip(x, [w, w, w])))
    total = total + sum(itertools.starmap(scaled_sine, [(x[0], w), (x[1], w)]))
    total = total + sum(list(itertools.starmap(affine, [(x[0], w, x[1]), (x[1], x[2], w)])))
    return total + sum(itertools.starmap(operator.mul, [(x[2], w)])) + sum(map(scaled_sine, x, [w, w * 2, w]))


@case("z04 collections.deque(maxlen=2) as a sliding window; appendleft, pop, popleft, extend")
def z04(x, w):
    import collections
    window = collections.deque(maxlen=2)
    recent = 0.0
    for v in x:
        window.append(v * w)
        recent = recent + sum(window) * len(window)
    d = collections.deque([x[0], x[1]])
    d.appendleft(w * x[2])
    a = d.popleft()
    b = d.pop()
    d.extend([a, b * w])
    out = np.zeros(2)
    out[0] = a * b + d[0] * max(d)
    while d:
        v = d.popleft()
        out[1] = out[1] + v ** 2
    return recent + np.mean(window) + np.sum(out)


@case("z05 a list rebound to slices of itself (d = d[1:]); its gradient called inside another function")
def z05(x, w):
    d = list([x[0], x[1]])
    d = [w * x[2]] + d
    a = d[0]
    d = d[1:]
    b = d[-1]
    d = d[:-1]
    return a * b + sum(d)


def shifted_product(a, b=2.0, c=0.5):
    return a * b + c


def product(*factors):
    r = 1.0
    for v in factors:
        r = r * v
    return r


@case("z06 itertools.starmap of functions with defaults and *args: rows of several lengths, zip's pairs")
def z06(x, w):
    def affine(a, b=0.5, *rest):
        return a * b - sum(rest)
    total = sum(itertools.starmap(shifted_product, [(x[0],), (x[1], w), (x[2], w, w)]))
    total = total + sum(itertools.starmap(product, ((x[0], w), (x[1], w, x[2]), (w,))))
    total = total + sum(itertools.starmap(affine, [(x[0],), (x[1], w, x[2] * w)]))
    return total + sum(itertools.starmap(shifted_product, zip(x, [w, w, 2.0], strict=True)))


@case("z07 zip(..., strict=True) in a local def called twice and in a lambda passed to map")
def z07(x, w):
    def dot(u):
        return sum([a * b for a, b in zip(u, x, strict=True)])
    rows = [x * w, np.sin(x)]
    return dot(x * w) * dot(x) + sum(map(lambda r: sum(a * b for a, b in zip(r, x, strict=True)), rows))


def unequal_strict_zip_in_a_lambda(x, w):     # not in CASES: Python raises ValueError
    rows = [x * w, x[:2]]
    return sum(map(lambda r: sum(a * b for a, b in zip(r, x, strict=True)), rows))


def push(d, v):
    d.append(v)


def deque_handed_to_a_helper(x, w):     # not in CASES: tests/test_hunt17_programs.py checks the refusal
    import collections
    window = collections.deque(maxlen=2)
    for v in x:
        push(window, v * w)
    return sum(window) * w


# -- containers an object holds, changed in place by its methods -------------------------

class Adam:
    """An optimizer keeping its moments in a dict, by parameter name."""

    def __init__(self, rate=0.1):
        self.rate = rate
        self.m = {}

    def step(self, name, param, g):
        self.m[name] = 0.9 * self.m.get(name, 0.0) + 0.1 * g
        return param - self.rate * self.m[name]


class LossLog:
    def __init__(self):
        self.losses = []

    def add(self, loss):
        self.losses.append(loss)

    def mean(self):
        return sum(self.losses) / len(self.losses)


class ListCell:
    """An RNN cell keeping its hidden state in self.h[0]."""

    def __init__(self, n):
        self.h = [np.zeros(n)]

    def step(self, x, w):
        self.h[0] = np.tanh(self.h[0] * w + x)
        return self.h[0]


class Memo:
    def __init__(self):
        self.cache = {}

    def features(self, x, w):
        self.cache.update({"lin": x * w, "sq": x * x})
        self.cache.update(mixed=self.cache["lin"] * self.cache["sq"])
        return self.cache["mixed"]


class ArrayCell:
    def __init__(self, n):
        self.h = np.zeros(n)

    def step(self, x, w):
        self.h[0] = np.tanh(np.sum(x) * w + self.h[1])
        self.h[1:] = self.h[0] * x[1:]
        return np.sum(self.h)


@case("m01 an optimizer keeping moments in a dict on self, stepped in a loop, moments read back")
def m01(x, w):
    opt = Adam()
    p = x
    for t in range(2):
        p = opt.step("p", p, np.sin(p * w))
    return np.sum(p ** 2) + np.sum(opt.m["p"] * x) + len(opt.m)


@case("m02 a logger appending losses to a list on self, read through another method")
def m02(x, w):
    log = LossLog()
    for k in range(3):
        log.add(np.sum(np.tanh(x * w * (k + 1))))
    return log.mean() + log.losses[0] * w


@case("m03 an RNN cell keeping its hidden state in self.h[0], stepped twice")
def m03(x, w):
    cell = ListCell(3)
    cell.step(x, w)
    y = cell.step(x * w, w)
    return np.sum(y * cell.h[0])


@case("m04 a cache dict on self filled by .update(), read back within the method")
def m04(x, w):
    memo = Memo()
    return np.sum(memo.features(x, w)) + np.sum(memo.cache["lin"])


@case("m05 an array on self, items written by a method called twice")
def m05(x, w):
    cell = ArrayCell(3)
    s = cell.step(x, w) + cell.step(x * w, w)
    return s * np.sum(cell.h * x)


class Momentum:
    def __init__(self):
        self.velocity = {}

    def step(self, name, g):
        v = self.velocity.setdefault(name, g * 0.5)
        self.velocity[name] = 0.9 * v + g
        return self.velocity[name]


@case("m06 momenta by name on self, .setdefault() then a write, twice")
def m06(x, w):
    opt = Momentum()
    a = opt.step("p", x * w)
    return np.sum(opt.step("p", a * x) * a)


class Accumulator:
    def __init__(self, n):
        self.h = np.zeros(n)
        self.sums = []

    def step(self, x, w):
        self.h += np.tanh(x * w + self.h)
        self.sums += [np.sum(self.h)]
        return np.sum(self.h)


@case("m07 += on an array and on a list attribute of self, in a loop")
def m07(x, w):
    acc = Accumulator(3)
    for t in range(2):
        s = acc.step(x, w)
    return s * np.sum(acc.h * x) + sum(acc.sums)


class StateStack:
    """Hidden states pushed by one method, the latest popped and returned by another."""

    def __init__(self):
        self.states = []

    def push(self, h):
        self.states.append(h)

    def pop(self):
        return self.states.pop()


@case("m08 a stack of states on self, the top popped and returned by a method")
def m08(x, w):
    stack = StateStack()
    stack.push(np.tanh(x * w))
    stack.push(np.sin(x) * w)
    top = stack.pop()
    return np.sum(top * stack.states[0]) + len(stack.states) * w


class Sampler:
    """Reparameterized draws, mean + std * eps, eps from the object's own generator."""

    def __init__(self):
        self.rs = np.random.RandomState(0)

    def sample(self, mean, std):
        eps = self.rs.randn(*mean.shape)
        return mean + std * eps


class GivenSampler:
    def __init__(self, rng, scale):
        self.rng = rng
        self.scale = scale

    def sample(self, mean, log_std):
        return mean + np.exp(log_std) * self.scale * self.rng.standard_normal(mean.shape)

    def pair(self, mean, log_std):
        return self.sample(mean, log_std) * self.sample(mean * 0.5, log_std)


@case("m09 draws from a seeded RandomState made in __init__, two calls advancing it")
def m09(x, w):
    q = Sampler()
    z1 = q.sample(x, w)
    z2 = q.sample(x * w, 0.5)
    return np.sum(np.tanh(z1) * z2)


@case("m10 draws from a default_rng(seed) given to the constructor, by a method another method calls twice")
def m10(x, w):
    q = GivenSampler(np.random.default_rng(3), scale=0.5)
    return np.sum(q.pair(x, w * x) ** 2)


# not in CASES: tests/test_hunt17_programs.py checks the refusals
def draws_unseeded(x, w):
    q = GivenSampler(np.random.default_rng(), 0.5)
    return np.sum(q.sample(x, w) ** 2)


def draws_given(x, w, q):
    return np.sum(q.sample(x, w) ** 2)


def moments_named_twice(x, w):
    opt = Adam()
    m = opt.m                           # a second name for the dict: it shows the step's writes
    p = opt.step("p", x, x * w)
    return np.sum(p) + np.sum(m["p"])


def optimizer_in_a_list(x, w):
    opts = [Adam()]
    return np.sum(opts[0].step("p", x, x * w))


def optimizer_named_and_in_a_list(x, w):
    opt = Adam()
    opts = [opt]
    return np.sum(opts[0].step("p", x, x * w))


def optimizer_given(x, w, opt):
    return np.sum(opt.step("p", x, x * w))


class Doubling(LossLog):
    def grow(self):
        for v in self.losses:           # Python's loop sees the items appended in it
            if len(self.losses) > 3:
                break
            self.losses.append(v * 2.0)


def grown_while_looped(x, w):
    d = Doubling()
    d.add(x * w)
    d.grow()
    return sum(np.sum(v) for v in d.losses)


def appended_while_looped(x, w):
    log = LossLog()
    log.add(x * w)
    for v in log.losses:                # Python's loop sees what log.add appends
        if len(log.losses) > 3:
            break
        log.add(v * 2.0)
    return sum(np.sum(v) for v in log.losses)


# -- what the hunt left: slots, class attributes read in __init__ ------------------------

class Slotted:
    __slots__ = ("a", "b")

    def __init__(self, a, b):
        self.a = a
        self.b = b

    def value(self, x):
        return self.a * np.sum(x ** 2) + self.b


@case("c12 a class with __slots__ built in the code, a slot written again")
def c12(x, w):
    s = Slotted(w, x[0])
    s.b = s.b * w
    return s.value(x) + s.b


class Scaled:
    scale = 2.0

    def __init__(self, w):
        self.w = w * self.scale         # the class attribute: the subclass's where it has one


class Tripled(Scaled):                  # no __init__ of its own
    scale = 3.0

    def __call__(self, x):
        return np.sum(np.sin(self.w * x))


class Shifted(Scaled):
    def __init__(self, w):
        super().__init__(w)
        self.scale = self.scale + self.w    # read from the class, then stored on the object

    def __call__(self, x):
        return np.sum(x * self.w) * self.scale


@case("c13 __init__ reading class attributes as defaults, inherited and after super().__init__")
def c13(x, w):
    return Tripled(w)(x) + Shifted(w)(x)


class Affine(collections.namedtuple("Affine", "a b")):
    def apply(self, x):
        return np.sin(self.a * x) + self.b


@case("c14 methods on a namedtuple subclass and a dataclass built in the code, after _replace and replace")
def c14(x, w):
    p = Affine(1.0, x[0])._replace(a=w)
    q = dataclasses.replace(Params(w, 0.5), b=x[1] * w)
    return np.sum(p.apply(x) * Affine(w, 0.2).apply(x)) + np.sum(q.predict(x) ** 2)


def logged_sum(v, log=[]):      # noqa: B006 - Python keeps this list from call to call
    log.append(v)
    return sum(log)


def appends_to_a_default(x, w):     # not in CASES: tests/test_hunt17_programs.py checks the refusal
    return np.sum(logged_sum(x * w))


class Counted:
    calls = 0

    def __init__(self, w):
        self.w = w

    def loss(self, x):
        Counted.calls += 1          # Python changes the class on every call
        return np.sum(np.sin(x * self.w))


def counts_in_a_method(x, w):       # not in CASES: tests/test_hunt17_programs.py checks the refusals
    return Counted(w).loss(x)


def counts_in_the_function(x, w):
    Counted.calls += 1
    return np.sum(x * w) * Counted.calls


@dataclasses.dataclass
class Scaling:
    x: np.ndarray
    scale: float = 1.0

    def __post_init__(self):
        self.y = self.x * self.scale

    def total(self):
        return np.sum(self.y ** 2)


def builds_a_post_init_dataclass(x, w):     # not in CASES: tests/test_hunt17_programs.py checks the refusal
    return Scaling(x, w).total()
