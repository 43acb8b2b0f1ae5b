"""Programs for tests/test_breadth_acceptance.py: everyday Python written the way a user
writes it (closures and lambdas, methods and classes, calls, containers, statements), each
a function whose last parameter is ``w``, on numbers, vectors and matrices. ``CASES`` holds
(name, function, arguments, positions to differentiate); the name starts with the kind of
construct (n nested functions, m methods, c calls, d containers, s statements, r realistic
models, e and f more of each, f combined in loops and branches)."""

import dataclasses
import functools
import itertools
import math
import operator
from collections import namedtuple
from typing import NamedTuple

import numpy as np

import astgrad   # noqa: F401 - the programs run under astgrad's transforms

from program_cases import case_table

X3 = np.array([0.3, -0.4, 0.9])
W3 = np.array([0.7, 1.1, -0.5])
M23 = np.array([[0.2, -0.5, 0.4], [0.9, 0.1, -0.3]])
X4 = np.array([0.25, 0.5, -0.75, 1.2])
GAIN = 1.7
TABLE = {"a": 0.5, "b": -1.25}
CASES, case = case_table()
STRUCT = []


def multi(*specs):
    def deco(f):
        for name, args, wrt in specs:
            CASES.append((name, f, args, wrt))
        return f
    return deco


# ---------------------------------------------------------------- 1. nested / closures / lambdas

@multi(("n1 helper once scalar", (0.4, 0.8), (0, 1)), ("n1 helper once array", (X3, 0.8), (0, 1)),
       ("n1 helper once 2d", (M23, W3), (0, 1)))
def n_helper_once(x, w):
    def sq_plus(z):
        return z * z + w * z
    return np.sum(sq_plus(np.sin(x)))


@multi(("n2 helper in while", (X3, 0.6), (0, 1)), ("n2 helper in while scalar", (0.3, 0.6), (0, 1)))
def n_helper_while(x, w):
    def step(z):
        return 0.5 * z + w * np.cos(z)
    t = x
    k = 0
    while k < 4:
        t = step(t)
        k += 1
    return np.sum(t)


@case("n3 helper in branch", (X3, 0.7))
def n_helper_branch(x, w):
    def up(z):
        return z * w
    def down(z):
        return z / (1.0 + w * w)
    if np.sum(x) > 0:
        t = up(x)
    else:
        t = down(x)
    if w > 10.0:
        t = down(t)
    else:
        t = up(t) + down(t)
    return np.sum(t ** 2)


@case("n4 constant outer", (X3, 0.7))
def n_constant_outer(x, w):
    scale = 3.0
    shift = np.ones(3)
    def g(z):
        return scale * z + shift
    return np.sum(g(x) * w)


@case("n5 returned closure", (X3, 0.7))
def n_returned_closure(x, w):
    def make_affine(a, b):
        def f(z):
            return a * z + b
        return f
    aff = make_affine(w, x)
    return np.sum(aff(x) * aff(w))


@case("n6 nonlocal counter", (X3, 0.7))
def n_nonlocal_counter(x, w):
    total = 0.0
    def add(v):
        nonlocal total
        total = total + v
    for k in range(3):
        add(np.sum(x * w ** k))
    return total


@case("n7 inline lambda", (X3, 0.7))
def n_inline_lambda(x, w):
    g = lambda z: z * w
    return np.sum(g(g(x)) + g(1.0))


@case("n8 lambda passed to helper", (X3, 0.7))
def n_lambda_to_helper(x, w):
    return np.sum(apply_twice(lambda v: np.sin(v) * w, x))


def apply_twice(f, x):
    return f(f(x))


def apply(f, x):
    return f(x)


@case("n9 def passed as arg to module fn", (X3, 0.7))
def n_def_passed(x, w):
    def act(v):
        return np.tanh(v * w)
    return np.sum(apply(act, x) + apply(np.exp, x * 0.1))


@case("n10 functions in list loop", (X3, 0.7))
def n_functions_list(x, w):
    fs = [np.sin, lambda v: v * w, np.tanh]
    t = x
    for f in fs:
        t = f(t)
    return np.sum(t)


@case("n11 functions in dict by key", (X3, 0.7))
def n_functions_dict(x, w):
    acts = {"relu": lambda v: np.maximum(v, 0.0), "sq": lambda v: v * v * w}
    return np.sum(acts["sq"](x) + acts["relu"](x + 1.0))


@case("n12 lambda in comprehension", (X3, 0.7))
def n_lambda_comprehension(x, w):
    scale = lambda v: v * w
    return sum([np.sum(scale(x) * k) for k in range(1, 4)])


@case("n13 nested closures", (X3, 0.7))
def n_nested_closures(x, w):
    def outer(a):
        def inner(b):
            return a * b + w
        return inner(a) * 2.0
    return np.sum(outer(x))


@case("n14 closure reads loop var", (X3, 0.7))
def n_closure_loop_var(x, w):
    t = 0.0
    for k in range(3):
        def term(z):
            return z ** (k + 1) * w
        t = t + term(x)
    return np.sum(t)


@case("n15 helper with default from w", (X3, 0.7))
def n_default_from_w(x, w):
    def g(z, c=w):
        return z * c
    return np.sum(g(x) + g(x, 2.0))


@case("n16 module function arg", (np.sin, X3, 0.7), (1, 2))
def n_fn_arg(fn, x, w):
    return np.sum(fn(x * w) + fn(x))


@case("n17 module lambda arg list", ([np.sin, np.cos], X3, 0.7), (1, 2))
def n_fn_list_arg(fns, x, w):
    return np.sum(sum(f(x * w) for f in fns))


# ---------------------------------------------------------------- 2. methods / classes

class Model:
    offset = 0.25

    def __init__(self, W, b):
        self.W = W
        self.b = b

    @property
    def scale(self):
        return 2.0

    @staticmethod
    def act(v):
        return np.tanh(v)

    @classmethod
    def shift(cls, v):
        return v + cls.offset

    def forward(self, x):
        return self.act(self.shift(x * self.W) + self.b)

    def loss(self, x, w):
        return np.sum(self.forward(x) * w) * self.scale

    def loss_kw(self, x, *, w):
        return np.sum(self.forward(x) ** 2) * w

    def __call__(self, x, w):
        return self.loss(x, w) + np.sum(self.W * x)


MODEL = Model(np.array([0.5, -0.3, 0.8]), np.array([0.1, 0.2, -0.1]))


class Poly:
    def __init__(self, coeffs):
        self.coeffs = coeffs

    def value(self, x, w):
        t = 0.0
        for i, c in enumerate(self.coeffs):
            t = t + c * x ** i
        return np.sum(t * w)


POLY = Poly([1.0, -0.5, 0.25])

CASES.append(("m1 bound method", MODEL.loss, (X3, 0.8), (0, 1)))
CASES.append(("m2 __call__", MODEL, (X3, W3), (0, 1)))
CASES.append(("m3 method loop over attr list", POLY.value, (X3, 0.8), (0, 1)))


@case("m4 global obj method inside", (X3, 0.8))
def m_global_method(x, w):
    return MODEL.loss(x, w) + MODEL(x, w)


@case("m5 Class.method(obj)", (X3, 0.8))
def m_class_method_call(x, w):
    return Model.loss(MODEL, x, w) + Model.act(w) + Model.shift(w)


@case("m6 staticmethod via class", (X3, 0.8))
def m_static(x, w):
    return np.sum(Model.act(x * w) + Model.shift(x))


@dataclasses.dataclass
class Net:
    W: np.ndarray
    b: np.ndarray
    gain: float


NET = Net(np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]]), np.array([0.1, -0.1]), 1.5)


def net_loss(net, x, w):
    h = np.tanh(net.W @ x + net.b) * net.gain
    return np.sum(h * w)


CASES.append(("m7 dataclass param", net_loss, (NET, X3, 0.8), (1, 2)))


@dataclasses.dataclass
class Cell:
    k: float

    def energy(self, x, w):
        return np.sum(self.k * x ** 2 + w * x)


CASES.append(("m8 dataclass method", Cell(0.7).energy, (X3, 0.8), (0, 1)))


class Sub(Model):
    def forward(self, x):
        return super().forward(x) * 2.0 + np.sin(x)


CASES.append(("m9 super() method", Sub(np.array([0.5, -0.3, 0.8]), 0.1).loss, (X3, 0.8), (0, 1)))


class Counter:
    def __init__(self):
        self.n = 3

    def run(self, x, w):
        t = x
        for _ in range(self.n):
            t = self.step(t, w)
        return np.sum(t)

    def step(self, t, w):
        return np.sin(t) * w + t


CASES.append(("m10 method calls method in loop", Counter().run, (X3, 0.8), (0, 1)))


# ---------------------------------------------------------------- 3. calls

def kw_only_helper(x, *, scale, shift=0.0):
    return x * scale + shift


@case("c1 keyword-only helper", (X3, 0.8))
def c_kwonly(x, w):
    return np.sum(kw_only_helper(x, scale=w) + kw_only_helper(x, shift=w, scale=2.0))


def fwd_kwargs(x, **kwargs):
    return kw_only_helper(x, **kwargs)


@case("c2 **kwargs forwarding", (X3, 0.8))
def c_kwargs_forward(x, w):
    return np.sum(fwd_kwargs(x, scale=w, shift=x) * x)


def mean_of(*xs):
    return sum(xs) / len(xs)


@case("c3 *args helper", (X3, 0.8))
def c_star_args(x, w):
    return np.sum(mean_of(x, x * w, np.sin(x)) + mean_of(w))


@case("c4 sorted with key scalars", (0.3, 0.8))
def c_sorted_key_scalar(x, w):
    vals = sorted([x * w, x + w, x - w], key=lambda v: -v)
    return vals[0] * 2.0 + vals[1] * 3.0 + vals[2]


@case("c5 sorted arrays by sum", (X3, 0.8))
def c_sorted_arrays(x, w):
    arrays = [x * w, np.sin(x), x ** 2]
    ordered = sorted(arrays, key=np.sum)
    return np.sum(ordered[0] * 1.0 + ordered[-1] * 3.0)


@case("c6 max of list scalar", (0.3, 0.8))
def c_max_list(x, w):
    return max([x * w, x + 0.1, w - x]) + min([x, w]) * 2.0


@case("c7 max of list of sums", (X3, 0.8))
def c_max_sums(x, w):
    a = np.sum(x * w)
    b = np.sum(x ** 2)
    c = np.sum(np.sin(x))
    return max([a, b, c]) + min(a, b, c)


@case("c8 zip(*xs) of pairs", (X3, 0.8))
def c_zip_star(x, w):
    pairs = [(x, w), (x * 2.0, w * w), (np.sin(x), 1.0)]
    xs, ws = zip(*pairs)
    return np.sum(sum(a * b for a, b in zip(xs, ws)))


@case("c9 map lambda", (X3, 0.8))
def c_map_lambda(x, w):
    ys = list(map(lambda v: v * w + 1.0, [x, x * x, np.cos(x)]))
    return np.sum(ys[0] * ys[1] + ys[2])


@case("c10 map two lists", (X3, 0.8))
def c_map_two(x, w):
    return np.sum(sum(map(lambda a, b: a * b, [x, w * x], [w, x])))


def fact_like(v, n):
    if n <= 1:
        return v
    return v * fact_like(v * 0.9, n - 1)


@case("c11 recursion base case", (X3, 0.8))
def c_recursion(x, w):
    return np.sum(fact_like(x * w, 3))


def tree_sum(t):
    if isinstance(t, (list, tuple)):
        return sum(tree_sum(s) for s in t)
    return np.sum(t)


@case("c12 recursion on nested list", (X3, 0.8))
def c_tree_sum(x, w):
    return tree_sum([x, [x * w, (np.sin(x), w)]])


@case("c13 partial", (X3, 0.8))
def c_partial(x, w):
    scaled = functools.partial(kw_only_helper, scale=2.0)
    return np.sum(scaled(x, shift=w) + functools.partial(np.multiply, w)(x))


@case("c14 partial of method", (X3, 0.8))
def c_partial_method(x, w):
    p = functools.partial(MODEL.loss, x)
    return p(w) + p(w=w * 2.0)


PART = functools.partial(kw_only_helper, scale=0.5)


@case("c15 global partial", (X3, 0.8))
def c_global_partial(x, w):
    return np.sum(PART(x * w, shift=1.0))


def two_args(x, w, shift=0.0, *, power=1):
    return np.sum((x * w + shift) ** power)


CASES.append(("c16 grad of partial kw", functools.partial(two_args, shift=0.3, power=2), (X3, 0.8), (0, 1)))


@case("c17 sum/max over arrays", (X3, 0.8))
def c_sum_max_arrays(x, w):
    xs = [x, x * w, x + w]
    return np.sum(sum(xs) + np.maximum(np.maximum(xs[0], xs[1]), xs[2])) + np.sum(max(xs, key=np.sum))


@case("c18 keyword call out of order", (X3, 0.8))
def c_keyword_order(x, w):
    return np.sum(kw_only_helper(shift=w, scale=x, x=x))


def rec_pow(x, n):
    if n == 0:
        return 1.0
    half = rec_pow(x, n // 2)
    if n % 2 == 0:
        return half * half
    return half * half * x


@case("c19 recursion fast power", (X3, 0.8))
def c_fast_power(x, w):
    return np.sum(rec_pow(x * w, 5))


@case("c20 min with key", (X3, 0.8))
def c_min_key(x, w):
    cands = [(np.sum(x * w), x * w), (np.sum(x), x)]
    best = min(cands, key=lambda p: p[0])
    return np.sum(best[1])


# ---------------------------------------------------------------- 4. containers

@case("d1 dict get default", (X3, 0.8))
def d_get(x, w):
    d = {"x": x, "w": w}
    return np.sum(d.get("x") * d.get("w", 1.0) + d.get("missing", x))


@case("d2 items values keys", (X3, 0.8))
def d_items(x, w):
    d = dict(a=x, b=x * w, c=np.sin(x))
    t = 0.0
    for key, val in d.items():
        t = t + np.sum(val) * (2.0 if key == "b" else 1.0)
    for val in d.values():
        t = t + np.sum(val * w)
    for key in d.keys():
        t = t + np.sum(d[key] ** 2)
    return t


@case("d3 dict comprehension", (X3, 0.8))
def d_dict_comp(x, w):
    d = {i: x * w ** i for i in range(3)}
    e = {k: np.sin(v) for k, v in d.items() if k > 0}
    return np.sum(e[1] + e[2] + d[0])


@case("d4 set comp keys", (X3, 0.8))
def d_set_comp(x, w):
    ks = {k % 2 for k in range(5)}
    return np.sum(x * w * len(ks)) + sum(np.sum(x) * k for k in sorted(ks))


@case("d5 list tuple dict constructors", (X3, 0.8))
def d_constructors(x, w):
    t = tuple([x, w])
    l = list(t)
    d = dict([("p", x), ("q", w)])
    return np.sum(l[0] * t[1] + d["p"] * d["q"])


@case("d6 list + and *", (X3, 0.8))
def d_list_ops(x, w):
    a = [x, w]
    b = a + [x * w]
    c = [np.sin(x)] * 2
    d = b + c
    return np.sum(sum(d))


@case("d7 starred assign", (X3, 0.8))
def d_starred(x, w):
    head, *tail = [x, x * w, w, np.cos(x)]
    *init, last = tail
    return np.sum(head * last + sum(init))


@case("d8 starred scalars", (0.3, 0.8))
def d_starred_scalar(x, w):
    a, *b = (x, w, x * w)
    return a * b[0] + b[1] ** 2


@case("d9 walrus in if", (X3, 0.8))
def d_walrus_if(x, w):
    if (s := np.sum(x * w)) > -10.0:
        t = s * 2.0
    else:
        t = s
    return t + (q := w * 3.0) * q


@case("d10 walrus in while", (0.3, 0.8))
def d_walrus_while(x, w):
    t = x
    i = 0
    while (i := i + 1) <= 3:
        t = np.sin(t) * w
    return t


@case("d11 nested tuple return via helper", (X3, 0.8))
def d_nested_return(x, w):
    def split(v):
        return (v * w, (v + w, [v, w]))
    a, (b, (c, d)) = split(x)
    return np.sum(a * b + c * d)


Point = namedtuple("Point", ["x", "y"])


class State(NamedTuple):
    pos: np.ndarray
    vel: float


@case("d12 namedtuple built inside", (X3, 0.8))
def d_namedtuple(x, w):
    p = Point(x, w)
    q = Point(x, w * 2.0) if hasattr(p, "_fields") else p
    s = State(x * w, w)
    return np.sum(p.x * p.y + s.pos * s.vel + q.y)


def state_energy(s, w):
    return np.sum(s.pos ** 2 * w) + s.vel ** 2


STRUCT.append(("d13 typed namedtuple param", state_energy, (State(X3, 0.4), 0.8)))


def nested_params(params, w):
    t = 0.0
    for layer in params["layers"]:
        t = t + np.sum(np.tanh(layer["W"] * w + layer["b"]))
    return t + np.sum(params["head"][0] * params["head"][1])


NESTED = {"layers": [{"W": X3, "b": W3}, {"W": X3 * 2.0, "b": 0.5}], "head": (X3, W3)}
STRUCT.append(("d14 nested dict/list param", nested_params, (NESTED, 0.8)))


@case("d15 tuple unpack in for over zip", (X3, 0.8))
def d_for_zip(x, w):
    t = 0.0
    for i, (a, b) in enumerate(zip(x, x * w)):
        t = t + a * b * (i + 1)
    return t


@case("d16 dict update and pop", (X3, 0.8))
def d_update(x, w):
    d = {"a": x}
    d["b"] = x * w
    d.update({"c": w})
    return np.sum(d["a"] * d["b"] + d["c"])


@case("d17 list comprehension nested", (X3, 0.8))
def d_nested_comp(x, w):
    grid = [[x[i] * x[j] * w for j in range(3)] for i in range(3)]
    return sum(sum(row) for row in grid)


@case("d18 tuple * and +", (X3, 0.8))
def d_tuple_ops(x, w):
    t = (x,) * 2 + (w,)
    return np.sum(t[0] * t[1] * t[2])


@case("d19 dict(**d, k=v)", (X3, 0.8))
def d_dict_merge(x, w):
    base = {"a": x}
    d = {**base, "b": w}
    e = dict(base, c=x * w)
    return np.sum(d["a"] * d["b"] + e["c"])


@case("d20 list of arrays stacked", (X3, 0.8))
def d_stack(x, w):
    rows = []
    for k in range(3):
        rows.append(x * w ** k)
    return np.sum(np.stack(rows) ** 2)


# ---------------------------------------------------------------- 5. statements

@case("s1 for else no break", (X3, 0.8))
def s_for_else(x, w):
    t = x
    for k in range(3):
        if np.sum(t) > 100.0:
            break
        t = t * w
    else:
        t = t + x
    return np.sum(t)


@case("s2 while else with break taken", (X3, 0.8))
def s_while_else(x, w):
    t = x
    k = 0
    while k < 5:
        t = t * w + 0.1
        k += 1
        if k == 2:
            break
    else:
        t = t * 100.0
    return np.sum(t)


@case("s3 assert inside", (X3, 0.8))
def s_assert(x, w):
    assert x.shape == (3,), "bad shape"
    y = x * w
    assert np.all(np.isfinite(y))
    return np.sum(y ** 2)


@case("s4 match on int", (X3, 0.8))
def s_match_int(x, w):
    t = 0.0
    for k in range(4):
        match k:
            case 0:
                t = t + x
            case 1 | 2:
                t = t * w
            case _:
                t = t + np.sin(x)
    return np.sum(t)


@case("s5 match on string arg", (X3, 0.8))
def s_match_str(x, w):
    kind = "tanh"
    match kind:
        case "relu":
            y = np.maximum(x, 0.0)
        case "tanh":
            y = np.tanh(x * w)
        case _:
            y = x
    return np.sum(y)


@case("s6 try finally", (X3, 0.8))
def s_try_finally(x, w):
    t = x * w
    try:
        t = np.sin(t)
        u = t * 2.0
    finally:
        t = t + 1.0
    return np.sum(t * u)


@case("s7 try finally return", (X3, 0.8))
def s_try_finally_return(x, w):
    try:
        return np.sum(x * w)
    finally:
        pass


@case("s8 with errstate", (X3, 0.8))
def s_with(x, w):
    with np.errstate(over="ignore"):
        y = np.exp(x * w)
    with np.errstate(divide="ignore"), np.errstate(invalid="ignore"):
        z = y / (1.0 + w)
    return np.sum(z)


@case("s9 global read", (X3, 0.8))
def s_global(x, w):
    global GAIN
    return np.sum(x * w * GAIN) + TABLE["a"] * w


@case("s10 break continue", (X3, 0.8))
def s_break_continue(x, w):
    t = 0.0
    for k in range(6):
        if k % 2 == 0:
            continue
        if k > 4:
            break
        t = t + np.sum(x ** k) * w
    return t


@case("s11 early return in loop", (X3, 0.8))
def s_early_return(x, w):
    t = x
    for k in range(5):
        t = t * w
        if k == 2:
            return np.sum(t)
    return 0.0


@case("s12 conditional expression", (0.3, 0.8))
def s_cond_expr(x, w):
    return (x * w if x > 0 else -x * w) + (w if w > 1 else w * w)


@case("s13 match sequence/mapping", (X3, 0.8))
def s_match_struct(x, w):
    cfg = {"kind": "lin", "k": 2.0}
    match cfg:
        case {"kind": "lin", "k": k}:
            y = x * w * k
        case _:
            y = x
    pair = [x, w]
    match pair:
        case [a, b]:
            y = y + a * b
    return np.sum(y)


@case("s14 nested for else", (X3, 0.8))
def s_nested_for_else(x, w):
    t = 0.0
    for i in range(3):
        for j in range(3):
            if i == j == 1:
                break
            t = t + x[i] * x[j] * w
        else:
            t = t + w
    return t


@case("s15 with as", (X3, 0.8))
def s_with_as(x, w):
    with np.errstate(all="ignore") as state:
        y = np.log(np.abs(x) + w)
    return np.sum(y)


@case("s16 aug assign chain", (X3, 0.8))
def s_aug(x, w):
    t = x * 1.0
    t += w
    t *= x
    t -= 0.5
    t /= 1.0 + w
    t **= 2
    return np.sum(t)


# ---------------------------------------------------------------- mixed / realistic

def mlp(params, x):
    h = x
    for W, b in params[:-1]:
        h = np.tanh(h @ W + b)
    W, b = params[-1]
    return h @ W + b


LAYERS = [(np.array([[0.2, -0.3], [0.5, 0.1], [-0.4, 0.6]]), np.array([0.1, -0.2])),
          (np.array([[0.3], [-0.7]]), np.array([0.05]))]


def mlp_loss(params, x, w):
    return np.mean((mlp(params, x)[:, 0] - w) ** 2)


CASES.append(("r1 mlp loss", mlp_loss, (LAYERS, M23, 0.8), (1, 2)))


def rnn_loss(x, w):
    h = 0.0
    hs = []
    for t in range(len(x)):
        h = np.tanh(w * h + x[t])
        hs.append(h)
    return sum(hs) / len(hs)


CASES.append(("r2 rnn loss", rnn_loss, (X4, 0.8), (0, 1)))


def logsumexp(v):
    m = np.max(v)
    return m + np.log(np.sum(np.exp(v - m)))


def mixture_nll(x, w):
    comps = [(0.0, 1.0), (1.0, 0.5)]
    logps = [np.log(0.5) - 0.5 * ((x - mu * w) / s) ** 2 - np.log(s) for mu, s in comps]
    return -np.sum(np.logaddexp(logps[0], logps[1]))


CASES.append(("r3 mixture nll", mixture_nll, (X3, 0.8), (0, 1)))


def softmax_ce(x, w):
    logits = x * w
    return logsumexp(logits) - logits[1]


CASES.append(("r4 softmax ce", softmax_ce, (X3, 0.8), (0, 1)))


def gp_like(x, w):
    K = np.exp(-0.5 * (x[:, None] - x[None, :]) ** 2 / w ** 2) + 0.1 * np.eye(len(x))
    alpha = np.linalg.solve(K, x)
    return 0.5 * x @ alpha + 0.5 * np.linalg.slogdet(K)[1]


CASES.append(("r5 gp likelihood", gp_like, (X3, 0.8), (0, 1)))

STRUCT.append(("r1s mlp params", mlp_loss, (LAYERS, M23, 0.8)))


# nested / closures
@case("e2 helper recursion via module fn inside nested", (X3, 0.8))
def e_nested_calls_module(x, w):
    def body(v):
        return kw_only_helper(v, scale=w) ** 2
    return np.sum(body(body(x)))


@case("e3 lambda immediately called", (X3, 0.8))
def e_lambda_now(x, w):
    return np.sum((lambda a, b: a * b + b)(x, w))


@case("e4 closure over dict", (X3, 0.8))
def e_closure_dict(x, w):
    p = {"a": w, "b": x}
    def g(z):
        return p["a"] * z + p["b"]
    return np.sum(g(x) * g(1.0))


@case("e5 nested def with *args", (X3, 0.8))
def e_nested_star(x, w):
    def total(*vs, scale=1.0):
        return sum(vs) * scale
    return np.sum(total(x, x * w, scale=w) + total(w))


@case("e6 nested def kwargs", (X3, 0.8))
def e_nested_kwargs(x, w):
    def lin(v, **opts):
        return v * opts["a"] + opts.get("b", 0.0)
    return np.sum(lin(x, a=w) + lin(x, a=2.0, b=w))


@case("e7 nonlocal two vars", (X3, 0.8))
def e_nonlocal_two(x, w):
    s = 0.0
    p = 1.0
    def acc(v):
        nonlocal s, p
        s = s + v
        p = p * v
    for k in range(3):
        acc(np.sum(x) * w + k)
    return s + p


@case("e8 map with def", (X3, 0.8))
def e_map_def(x, w):
    def sq(v):
        return v * v * w
    return np.sum(sum(map(sq, [x, np.sin(x)])))


@case("e9 sorted key lambda closure", (X3, 0.8))
def e_sorted_closure(x, w):
    pts = [x * 1.0, x * w, x + 1.0]
    order = sorted(pts, key=lambda v: float(np.sum(v * w)))
    return np.sum(order[0] + 2.0 * order[2])


@case("e10 max with default", (X3, 0.8))
def e_max_default(x, w):
    vals = [np.sum(x * w), np.sum(x)]
    return max(vals, default=0.0) + min([], default=w)


# methods
class Stack:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x, w):
        for W in self.layers:
            x = np.tanh(W * x) * w
        return np.sum(x)

    @property
    def depth(self):
        return len(self.layers)

    def loss(self, x, w):
        return self(x, w) / self.depth


STACK = Stack([np.array([0.5, -0.2, 0.3]), np.array([1.1, 0.4, -0.9])])
CASES.append(("e11 __call__ with loop over attrs", STACK, (X3, 0.8), (0, 1)))
CASES.append(("e12 method calls self()", STACK.loss, (X3, 0.8), (0, 1)))


@case("e13 global callable object", (X3, 0.8))
def e_global_callable(x, w):
    return STACK(x, w) * 2.0 + STACK.loss(x, w)


class WithKw:
    def __init__(self, c):
        self.c = c

    def loss(self, x, w, *, power=2):
        return np.sum((x * self.c) ** power) * w


CASES.append(("e14 method kw-only", functools.partial(WithKw(0.5).loss, power=3), (X3, 0.8), (0, 1)))


@dataclasses.dataclass
class Affine:
    A: np.ndarray
    c: float = 0.5

    def __call__(self, x):
        return self.A * x + self.c


AFF = Affine(np.array([0.2, 0.4, -0.1]))


@case("e15 dataclass call inside", (X3, 0.8))
def e_dataclass_call(x, w):
    return np.sum(AFF(x) * w + AFF(w))


# calls
@case("e16 zip star on comprehension", (X3, 0.8))
def e_zip_star_comp(x, w):
    rows = [(x * k, w * k) for k in range(1, 3)]
    a, b = zip(*rows)
    return np.sum(a[0] * b[1] + a[1] * b[0])


@case("e17 enumerate map lambda", (X3, 0.8))
def e_enum_map(x, w):
    t = 0.0
    for i, v in enumerate(map(lambda z: z * w, [x, x ** 2])):
        t = t + np.sum(v) * (i + 1)
    return t


@case("e18 sum with generator over dict", (X3, 0.8))
def e_sum_gen_dict(x, w):
    d = {"a": x, "b": x * w}
    return sum(np.sum(v) for v in d.values()) + sum(np.sum(d[k]) for k in sorted(d))


@case("e19 max of three scalars", (0.3, 0.8))
def e_max3(x, w):
    return max(x * w, x ** 2, w - x) * min(x + 1.0, w + 1.0, 3.0)


@case("e20 abs/float/round", (0.3, 0.8))
def e_builtins(x, w):
    return abs(x - w) * float(w) + round(x, 0) + math.sqrt(w) * math.exp(x)


@case("e21 partial with positional then kw", (X3, 0.8))
def e_partial_pos(x, w):
    f = functools.partial(kw_only_helper, x)
    return np.sum(f(scale=w) + f(scale=1.0, shift=w))


@case("e22 partial of lambda", (X3, 0.8))
def e_partial_lambda(x, w):
    f = functools.partial(lambda a, b: a * b + a, w)
    return np.sum(f(x))


@case("e23 partial of bound method", (X3, 0.8))
def e_partial_bound(x, w):
    f = functools.partial(MODEL.loss_kw, w=w)
    return f(x) + f(x * 2.0)


# containers
@case("e24 dict get in loop with default", (X3, 0.8))
def e_dict_get_loop(x, w):
    d = {0: x, 2: x * w}
    t = 0.0
    for k in range(3):
        t = t + np.sum(d.get(k, w))
    return t


@case("e25 list extend insert pop", (X3, 0.8))
def e_list_methods(x, w):
    xs = [x]
    xs.extend([x * w, w])
    xs.insert(0, np.sin(x))
    last = xs.pop()
    return np.sum(sum(xs) * last)


@case("e26 list(dict.items())", (X3, 0.8))
def e_items_list(x, w):
    d = {"a": x, "b": w}
    items = list(d.items())
    return np.sum(items[0][1] * items[1][1])


@case("e27 tuple(gen)", (X3, 0.8))
def e_tuple_gen(x, w):
    t = tuple(v * w for v in x)
    return t[0] * t[1] + t[2]


@case("e28 dict of lists", (X3, 0.8))
def e_dict_of_lists(x, w):
    d = {"xs": [x, x * w], "ws": [w]}
    return np.sum(d["xs"][1] * d["ws"][0] + d["xs"][0])


@case("e29 walrus in comprehension filter (plain)", (X3, 0.8))
def e_walrus_plain(x, w):
    ys = []
    for v in x:
        if (y := v * w) > -10.0:
            ys.append(y)
    return sum(ys)


@case("e30 list += list", (X3, 0.8))
def e_list_iadd(x, w):
    xs = [x]
    xs += [w * x]
    xs = xs * 2
    return np.sum(sum(xs))


@case("e31 dict comp from zip", (X3, 0.8))
def e_dict_zip(x, w):
    keys = ["a", "b", "c"]
    d = {k: v * w for k, v in zip(keys, x)}
    return d["a"] + d["c"] * 2.0


@case("e32 starred in for target", (X3, 0.8))
def e_star_for(x, w):
    t = 0.0
    for first, *rest in [(x, w, x), (w, x, x * w)]:
        t = t + np.sum(first * sum(rest))
    return t


@case("e33 nested list any depth", (X3, 0.8))
def e_deep(x, w):
    tree = [[[x, w]], [(x * w,)]]
    return np.sum(tree[0][0][0] * tree[0][0][1] + tree[1][0][0])


# statements
@case("e34 match class pattern", (0.3, 0.8))
def e_match_class(x, w):
    match x:
        case float(v) if v > 0:
            return v * w
        case _:
            return -x * w


@case("e35 match tuple", (X3, 0.8))
def e_match_tuple(x, w):
    spec = ("scale", 2.0)
    match spec:
        case ("scale", k):
            y = x * k * w
        case ("shift", k):
            y = x + k
        case _:
            y = x
    return np.sum(y)


@case("e36 while else no break", (0.3, 0.8))
def e_while_else(x, w):
    t = x
    while t < 5.0:
        t = t * 2.0 + w
    else:
        t = t * w
    return t


@case("e37 try finally in loop", (X3, 0.8))
def e_try_loop(x, w):
    t = x
    for _ in range(3):
        try:
            t = np.sin(t) * w
        finally:
            t = t + 0.1
    return np.sum(t)


@case("e38 with in loop and branch", (X3, 0.8))
def e_with_loop(x, w):
    t = 0.0
    for k in range(2):
        if k == 0:
            with np.errstate(divide="ignore"):
                t = t + np.sum(x / (w + k))
        else:
            t = t * w
    return t


@case("e39 assert with message computed", (X3, 0.8))
def e_assert_msg(x, w):
    y = x * w
    assert y.shape[0] == 3, f"got {y.shape}"
    return np.sum(y ** 3)


@case("e40 if-elif chain on scalar", (0.3, 0.8))
def e_elif(x, w):
    if x < -1.0:
        y = x
    elif x < 0.5:
        y = x * w
    elif x < 2.0:
        y = x ** 2
    else:
        y = w
    return y * w


@case("e41 loop over 2d rows", (M23, 0.8))
def e_rows(m, w):
    t = 0.0
    for row in m:
        t = t + np.sum(row * w) ** 2
    return t


@case("e42 for over itertools.product", (X3, 0.8))
def e_product(x, w):
    t = 0.0
    for i, j in itertools.product(range(2), range(2)):
        t = t + x[i] * x[j] * w
    return t


@case("e43 operator module", (X3, 0.8))
def e_operator(x, w):
    return np.sum(operator.mul(x, w) + operator.add(x, 1.0))


@case("e45 any/all on values", (X3, 0.8))
def e_any_all(x, w):
    if all(v > -5.0 for v in x) and any([w > 0, False]):
        return np.sum(x * w)
    return np.sum(x)


@case("e46 string formatting print-free", (X3, 0.8))
def e_fstring(x, w):
    name = f"{w:.2f}"
    return np.sum(x * w) * len(name)


@case("e47 isinstance branch", (X3, 0.8))
def e_isinstance(x, w):
    if isinstance(w, float):
        return np.sum(x * w)
    return np.sum(x)


@case("e48 math functions", (0.3, 0.8))
def e_math(x, w):
    return math.sin(x * w) + math.log(w) + math.hypot(x, w) + math.atan2(x, w)


@case("e49 range(len()) indexing", (X4, 0.8))
def e_range_len(x, w):
    t = 0.0
    for i in range(len(x) - 1):
        t = t + (x[i + 1] - x[i] * w) ** 2
    return t


@case("e50 reversed enumerate", (X4, 0.8))
def e_reversed(x, w):
    t = 0.0
    for i, v in reversed(list(enumerate(x))):
        t = t * w + v * i
    return t


SHAPES = lambda tag: ((f"{tag} scalar", (0.3, 0.8), (0, 1)), (f"{tag} vector", (X3, 0.8), (0, 1)),  # noqa: E731
                      (f"{tag} matrix, vector w", (M23, W3), (0, 1)))


@multi(*SHAPES("f1 closure+walrus+for-else"))
def f_combo1(x, w):
    def g(z):
        return np.sin(z) * w
    t = x
    for k in range(4):
        if np.all((s := g(t)) > 5.0):
            break
        t = t + s * 0.5
    else:
        t = t * w
    return np.sum(t)


@multi(*SHAPES("f2 dict comp + match + try"))
def f_combo2(x, w):
    d = {name: x * (i + 1) for i, name in enumerate(("a", "b", "c"))}
    total = 0.0
    for name, v in d.items():
        try:
            match name:
                case "a":
                    total = total + np.sum(v * w)
                case "b" | "c":
                    total = total + np.sum(np.cos(v) * w * w)
        finally:
            total = total * 1.0
    return total


@multi(*SHAPES("f3 starred + zip* + map"))
def f_combo3(x, w):
    rows = [(x, w), (x * w, 1.0), (np.sin(x), w)]
    first, *rest = rows
    xs, ws = zip(*rest)
    prods = list(map(lambda a, b: a * b, xs, ws))
    return np.sum(first[0] * first[1] + sum(prods))


@multi(*SHAPES("f4 sorted key + max list"))
def f_combo4(x, w):
    cands = [x * w, x + w, x * x]
    best = sorted(cands, key=lambda c: float(np.sum(c)))[-1]
    return np.sum(best) + max([np.sum(c) for c in cands])


@multi(*SHAPES("f5 kwargs forwarding in loop"))
def f_combo5(x, w):
    def call(f, *args, **kwargs):
        return f(*args, **kwargs)
    t = 0.0
    for k in range(2):
        t = t + np.sum(call(kw_only_helper, x, scale=w * (k + 1), shift=w))
    return t


def deep(v, n, w):
    if n == 0:
        return v
    if n % 2:
        return deep(np.sin(v) * w, n - 1, w)
    return deep(v * w + 0.1, n - 1, w)


@multi(*SHAPES("f6 recursion with branches"))
def f_combo6(x, w):
    return np.sum(deep(x, 4, w))


@multi(*SHAPES("f7 global read + with + assert"))
def f_combo7(x, w):
    global M23
    assert M23.shape == (2, 3)
    with np.errstate(all="ignore"):
        t = np.sum(np.exp(x * w))
    return t * np.sum(M23)


@multi(*SHAPES("f8 method of global in loop"))
def f_combo8(x, w):
    t = 0.0
    for k in range(2):
        t = t + MODEL.loss(np.mean(x) + k, w)
    return t


@multi(*SHAPES("f9 while-else + nonlocal"))
def f_combo9(x, w):
    acc = np.sum(x) * 0.0
    def add(v):
        nonlocal acc
        acc = acc + v
    n = 0
    while n < 3:
        add(np.sum(x * w ** n))
        n += 1
    else:
        add(np.sum(w))
    return acc


@multi(*SHAPES("f10 list ops + dict.get"))
def f_combo10(x, w):
    xs = [x] * 2 + [w * x]
    d = dict(zip("abc", xs))
    return np.sum(d.get("a") * d.get("c") + d.get("z", w) + sum(xs[1:]))


@multi(*SHAPES("f11 lambdas in dict via loop over keys"))
def f_combo11(x, w):
    ops = {"s": np.sin, "m": lambda v: v * w, "c": np.cos}
    t = 0.0
    for name in ("s", "m", "c"):
        t = t + np.sum(ops[name](x))
    return t


Pt = namedtuple("Pt", "a b")


@multi(*SHAPES("f12 namedtuple in loop"))
def f_combo12(x, w):
    pts = [Pt(x, w), Pt(x * w, x)]
    t = 0.0
    for p in pts:
        a, b = p
        t = t + np.sum(p.a * b + a * p.b)
    return t


@dataclasses.dataclass
class Lin:
    k: float
    c: float

    def __call__(self, v):
        return v * self.k + self.c


LIN = Lin(1.5, 0.2)


@multi(*SHAPES("f13 dataclass __call__ global"))
def f_combo13(x, w):
    return np.sum(LIN(x) * w + LIN(w))


@multi(*SHAPES("f14 set comp for count + generator"))
def f_combo14(x, w):
    n = len({k % 3 for k in range(7)})
    return sum(np.sum(x * w ** k) for k in range(n))


@multi(*SHAPES("f15 partial method + kw"))
def f_combo15(x, w):
    p = functools.partial(kw_only_helper, scale=w)
    q = functools.partial(MODEL.loss_kw, w=2.0)
    return np.sum(p(x, shift=1.0)) + q(np.mean(x) * w)


@multi(*SHAPES("f16 nested helper returning tuple"))
def f_combo16(x, w):
    def stats(v):
        m = np.mean(v)
        return m, np.mean((v - m) ** 2)
    mu, var = stats(x * w)
    a, *_ = stats(x + w)
    return mu + var + a


@multi(*SHAPES("f17 early return inside with"))
def f_combo17(x, w):
    with np.errstate(divide="ignore"):
        if np.all(w > 0):
            return np.sum(x * w)
        y = x / w
    return np.sum(y)


# -- statements that were refused: import in the body, del ---------------------------------

@multi(("s17 import in the body vector", (X3, 0.8), (0, 1)), ("s17 import in the body scalar", (0.3, 0.8), (0, 1)))
def s_imports(x, w):
    import math as m
    import numpy.linalg
    from numpy import cos, sin

    def squash(v):
        import numpy as np
        return np.tanh(v)
    return np.sum(sin(x) * w + cos(x) * squash(x * w)) + m.exp(w) + numpy.linalg.norm(x * w)


@case("s18 del a name and a list item", (X3, 0.8))
def s_del(x, w):
    big = np.outer(x, x) * w
    s = np.sum(big)
    del big
    xs = [x, x * w, np.sin(x)]
    del xs[1]
    t = xs[0] * w
    del xs[-1], t
    return s + np.sum(xs[0] * w) + len(xs)


@multi(("s19 walrus inside comprehensions vector", (X3, 0.8), (0, 1)))
def s_walrus_comprehension(x, w):
    ys = [y for v in x if (y := v * w) > -0.1]           # binds y in the function, as Python does
    zs = [(z := np.sin(v)) * z for v in x]
    d = {k: (last := x[k] * w) for k in range(3)}
    return sum(ys) * y + sum(zs) * z + np.sum(d[0] * last)


@multi(("s20 match with a starred capture vector", (X3, 0.8), (0, 1)), ("s20 match with a starred capture scalar", (0.3, 0.8), (0, 1)))
def s_match_star(x, w):
    t = 0.0
    for seq in ([x, w], [x, x * w, w, 1.0], (w,)):
        match seq:
            case [first, *rest, last] if len(rest) > 0:
                t = t + np.sum(first * sum(rest) * last)
            case [only]:
                t = t + only * w
            case [a, *rest]:
                t = t + np.sum(a * w) + len(rest)
    return t


@multi(("s21 match with captures in alternatives vector", (X3, 0.8), (0, 1)))
def s_match_or_capture(x, w):
    t = 0.0
    for seq in ([x], [x * w, w], (w, x, 1.0), {"k": x}):
        match seq:
            case [a] | [a, _]:
                t = t + np.sum(a * w)
            case {"k": a} | [_, _, a]:
                t = t + np.sum(a) * w
            case _:
                t = t - w
    return t


@multi(("n18 lambdas made by a comprehension vector", (X3, 0.8), (0, 1)),
       ("n18 lambdas made by a comprehension scalar", (0.3, 0.8), (0, 1)))
def n_lambdas_from_comprehension(x, w):
    fs = [lambda v, k=k: v * k * w for k in range(1, 4)]
    gs = [lambda v: v * k for k in (1.0, 2.0)]          # read when called: every one sees k = 2.0
    return np.sum(sum(f(x) for f in fs)) + np.sum(gs[0](x) * w) + np.sum(fs[1](x))


@dataclasses.dataclass
class Span:
    lo: float
    hi: np.ndarray


@multi(("s22 match **rest and positional class patterns vector", (X3, 0.8), (0, 1)),
       ("s22 match **rest and positional class patterns scalar", (0.3, 0.8), (0, 1)))
def s_match_rest_and_class(x, w):
    t = 0.0
    match {"a": x, "b": w, "c": x * 2.0}:
        case {"a": a, **rest}:
            t = t + np.sum(a * rest["b"] + rest["c"]) + len(rest)
    match Span(w, x * w):
        case Span(lo, hi) if lo > 0:
            t = t + np.sum(lo * hi)
    match Point(x, w):
        case Point(p, q):
            t = t + np.sum(p * q)
    return t
