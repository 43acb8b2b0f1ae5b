"""Programs of the twelfth acceptance hunt: everyday numerical Python, each combining a few
constructs (a small MLP class with its layers in a list, an RNN step in a closure, a GP
kernel with a dataclass of hyperparameters, an optimizer step over a dict of parameters, a
mixture model with logsumexp, dicts merged with ``|`` and ``|=``). Every entry of CASES is
(name, f, args, wrt): astgrad must give Python's derivative, or refuse. Used by
tests/test_hunt12_programs.py."""

import collections
import dataclasses
import functools

import numpy as np

from program_cases import case_table

X3 = np.array([0.3, -0.4, 0.9])
W33 = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.4], [-0.6, 0.2, 0.7]])
CASES, case = case_table((X3, 0.8))


# -- dicts merged -------------------------------------------------------------------------

@case("m01 a dict made by a | b, then updated in place")
def m01(x, w):
    a = {"p": x[0] * w}
    c = a | {"q": x[1] ** 2}
    c.update(r=w * w)
    return c["p"] * c["q"] + c["r"]


@case("m02 d |= {...} in a loop, reading d's old items")
def m02(x, w):
    c = {"p": x[0] * w}
    for k in range(2):
        c |= {"p": c["p"] * w, "q": x[k]}
    return c["p"] * c["q"]


@case("m03 c = c | {...}, then c |= pairs")
def m03(x, w):
    c = {"p": x[0] * w}
    c = c | {"q": w}
    c |= [("r", x[2])]
    return c["p"] * c["q"] * c["r"]


# -- small models -------------------------------------------------------------------------

class Dense:
    def __init__(self, W, b, act=np.tanh):
        self.W, self.b, self.act = W, b, act

    def __call__(self, h):
        return self.act(self.W @ h + self.b)


class MLP:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


@case("m04 an MLP class with its layers in a list, built in the code")
def m04(x, w):
    net = MLP([Dense(W33 * w, np.ones(3) * 0.1), Dense(W33.T, x * 0.5)])
    return np.sum(net(x) ** 2)


@case("m05 an RNN step in a closure with nonlocal h, called in a comprehension")
def m05(x, w):
    h = np.zeros(3)

    def step(xt):
        nonlocal h
        h = np.tanh(W33 @ h * w + xt)
        return h
    outs = [step(x * k) for k in (1.0, 0.5, -0.3)]
    return sum(np.sum(o) for o in outs) + np.sum(h ** 2)


@dataclasses.dataclass
class Hyper:
    length: float
    scale: float


def _rbf(a, b, hp):
    return hp.scale * np.exp(-0.5 * (a - b) ** 2 / hp.length ** 2)


@case("m06 a GP kernel with a dataclass of hyperparameters, solved")
def m06(x, w):
    hp = Hyper(length=w + 0.5, scale=w * w)
    K = _rbf(x[:, None], x[None, :], hp) + 0.1 * np.eye(3)
    return np.sum(np.linalg.solve(K, x))


@dataclasses.dataclass
class Opt:
    lr: float
    momentum: float = 0.9


@case("m07 momentum SGD over a dict of parameters, settings in a dataclass")
def m07(x, w):
    params = {"u": x.copy(), "v": x * w}
    vel = {k: np.zeros_like(p) for k, p in params.items()}
    opt = Opt(lr=0.1 * w)
    for _ in range(2):
        grads = {k: 2.0 * p + w for k, p in params.items()}
        for k in params:
            vel[k] = opt.momentum * vel[k] + grads[k]
            params[k] = params[k] - opt.lr * vel[k]
    return sum(np.sum(p ** 2) for p in params.values())


def _logsumexp(v):
    m = np.max(v)
    return m + np.log(np.sum(np.exp(v - m)))


@case("m08 a mixture model: logsumexp over components zipped from three lists")
def m08(x, w):
    mus, sigmas, pis = [0.0, w, -w], [1.0, 0.5 + w, 2.0], [0.2, 0.5, 0.3]
    total = 0.0
    for xi in x:
        comps = np.array([np.log(p) - 0.5 * ((xi - m) / s) ** 2 - np.log(s) for p, m, s in zip(pis, mus, sigmas)])
        total = total + _logsumexp(comps)
    return total


State = collections.namedtuple("State", "h c")


@case("m09 an LSTM-like cell returning a namedtuple, unpacked after the loop")
def m09(x, w):
    def cell(s, xt):
        c = s.c * 0.5 + np.tanh(xt * w)
        return State(h=np.tanh(c) * w, c=c)
    s = State(np.zeros(3), np.zeros(3))
    for t in range(3):
        s = cell(s, x * (t + 1))
    h, c = s
    return np.sum(h) + np.sum(c ** 2)


# -- calls and statements -------------------------------------------------------------------

def _affine(v, *, a, b=0.0):
    return a * v + b


@case("m10 a partial of a keyword-only helper, mapped with a lambda and summed")
def m10(x, w):
    f = functools.partial(_affine, a=w, b=0.5)
    return sum(map(lambda v: np.sum(f(v) ** 2), [x, x * 2.0]))


@case("m11 sorted with a key over arrays, max and min of lists")
def m11(x, w):
    vs = [x * w, x + w, np.sin(x)]
    s = sorted(vs, key=lambda v: float(np.sum(v)))
    return np.sum(s[0] * s[-1]) + max([np.sum(v) for v in vs]) - min(np.sum(v * v) for v in vs)


@case("m12 match on tuples with a guard, looping over pairs")
def m12(x, w):
    s = 0.0
    for pair in [(0, x[0]), (1, x[1]), (2, x[2])]:
        match pair:
            case (0, v):
                s = s + v * w
            case (i, v) if i > 1:
                s = s + v ** 2
            case _:
                s = s - pair[1]
    return s


@case("m13 writes into the argument (x[0] =, +=, a slice *=): the caller's array stays")
def m13(x, w):
    x[0] = x[0] * w
    x += w
    x[1:] *= 2.0
    return np.sum(x ** 2)


@case("m14 zip(*pairs) of a dict's items, starred nested unpacking of a helper's result")
def m14(x, w):
    d = {"a": x[0] * w, "b": x[1] + w, "c": x[2]}
    keys, vals = zip(*d.items())
    (a, b), *rest = _nested(x, w)
    return sum(vals) * len(keys) + vals[0] * vals[2] + a * b + sum(rest)


def _nested(v, s):
    return (v[0], s), v[1] * s, v[2] ** 2


# -- loops over constant keys, some missing; zip over global lists ------------------------

@case("m15 a loop over constant keys, some not in a dict of functions, the call under 'if name in acts'")
def m15(x, w):
    acts = {"tanh": np.tanh, "sq": lambda z: z * z}
    total = 0.0
    for name in ("tanh", "sq", "other"):
        if name in acts:
            total = total + np.sum(acts[name](x * w))
    return total


@case("m16 match on constant keys, some missing, and acts.get(name, acts['id']) in such a loop")
def m16(x, w):
    acts = {"tanh": np.tanh, "sq": np.sin, "id": lambda z: z}
    total = 0.0
    for name in ("tanh", "sq", "other"):
        match name:
            case "tanh" | "sq":
                total = total + np.sum(acts[name](x * w))
            case _:
                total = total + np.sum(x)
        total = total + np.sum(acts.get(name, acts["id"])(x) * w)
    return total


COEFS = [1.0, 0.5]
FUNCS = [np.sin, np.cos]


@case("m17 zip of a global list of coefficients and a global list of functions")
def m17(x, w):
    s = 0.0
    for c, f in zip(COEFS, FUNCS):
        s = s + c * np.sum(f(x * w))
    return s


@case("m18 a list of the lambdas a local factory returns, called in a loop")
def m18(x, w):
    def make(k):
        return lambda z: z * k + w
    fs = [make(1.0), make(w)]
    s = 0.0
    for g in fs:
        s = s + np.sum(g(x) ** 2)
    return s


@case("m19 an item of a display of what a local factory returns, called at once, bound, handed to a helper")
def m19(x, w):
    def make(k):
        def scaled(z):
            return z * k * w
        return scaled
    s = np.sum([make(1.0), make(x)][1](x)) + np.sum((make(w), make(2.0))[-2](x))
    g = [make(w * w), make(3.0)][0]
    return s + np.sum(_applied([make(1.0), make(w)][1], x) * g(x))


def _applied(f, v):
    return f(v)


@case("m20 continue in a loop over constant keys of a dict of functions, by the key and by a value")
def m20(x, w):
    acts = {"tanh": np.tanh, "sq": lambda z: z * z * w, "sin": np.sin}
    total = 0.0
    for name in ("tanh", "other", "sq", "sin"):
        if name not in acts:
            continue
        y = acts[name](x * w)
        if np.sum(y) > 0.56:        # only for sin
            total = total + w * np.sum(x)
            continue
        total = total + np.sum(y)
    else:
        total = total * w
    return total


NP_COEFS = (np.float64(1.0), np.int64(2), np.float64(0.5))
FUNCS3 = [np.sin, np.cos, np.tanh]


@case("m21 zip of a global tuple of NumPy numbers and a global list of functions, with continue")
def m21(x, w):
    s = 0.0
    for c, f in zip(NP_COEFS, FUNCS3):
        if c == 2:
            continue
        s = s + c * np.sum(f(x * w))
    return s



@case("m40 break in a loop over constant keys of a dict of functions, under a condition known at run time, then else")
def m40(x, w):
    acts = {"sin": np.sin, "sq": lambda z: z * z * w, "tanh": np.tanh}
    y = x * w
    for name in ("sin", "sq", "tanh"):
        y = acts[name](y)
        if np.sum(y) > 0.5:         # after sin: the loop ends there
            break
    else:
        y = y * 3.0
    return np.sum(y * y)


@case("m41 break in a loop over enumerate of a literal list of functions, the loop variable read after")
def m41(x, w):
    y = x * w
    for i, f in enumerate([np.sin, lambda z: z * z + w, np.tanh]):
        y = f(y) + w * i
        if np.max(y) > 0.8:         # after the second function
            break
    return np.sum(y) * (i + 1)


WEIGHTS3 = [np.array([1.0, -0.5, 2.0]), np.array([[0.5, 0.0, 1.0]]), np.array(0.25)]


@case("m42 enumerate(zip(FUNCS3, WEIGHTS3)) over a global list of arrays, one broadcasting, with a break")
def m42(x, w):
    y = x * w
    for i, (f, c) in enumerate(zip(FUNCS3, WEIGHTS3)):
        y = f(y) * c + w * i
        if np.sum(y) > 40.0:        # never
            break
    return np.sum(y ** 2)
