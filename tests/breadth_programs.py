"""Everyday Python, a few variants per construct (closures and lambdas, methods and
classes, calls, containers, statements, writes into arguments), each a function whose
last parameter is ``w``, on floats and arrays with broadcasting. tests/test_breadth_modes.py
runs every mode of astgrad on each (``CASES``: name, function, arguments, wrt)."""

import dataclasses
import functools
from collections import namedtuple

import numpy as np

import astgrad

SCALE = 1.5
OFFSETS = np.array([0.1, -0.2, 0.3])
X3 = np.array([0.3, -0.4, 0.9])
W3 = np.array([0.7, 1.1, -0.5])


# -- 1. nested functions, closures, lambdas, functions as values ----------------------

def nested_loop_array(x, w):
    def g(z):
        return np.tanh(z * w) + z ** 2
    t = x
    for _ in range(3):
        t = g(t) * 0.5
    return np.sum(t)


def closure_over_differentiated(x, w):
    def make(a):
        def h(z):
            return z * a + np.sin(a)
        return h
    h = make(w * x)             # closes over a differentiated value
    return np.sum(h(x) * h(w))


def scaler(a):
    return lambda z: z * a


def module_factory(x, w):
    return np.sum(scaler(w)(x) ** 2) + scaler(2.0)(w)


def nonlocal_loop(x, w):
    acc = x * 1.0
    def bump(v):
        nonlocal acc
        acc = acc * v + np.sin(acc)
    for k in range(2):
        bump(w + k)
    return np.sum(acc)


def lambda_default(x, w):
    g = lambda z, k=2.0: z * k * w        # noqa: E731
    return np.sum(g(x) + g(x, k=3.0))


def late_binding(x, w):
    def g(z):
        return z * c
    c = w * 2.0                 # bound after the def, read when g runs
    t = g(x)
    c = w ** 2
    return np.sum(t + g(x))


def apply(fn, v):
    return fn(v)


def lambda_to_helper_keywords(x, w):
    return np.sum(apply(fn=lambda v: v * w, v=x) + apply(np.cos, v=x))


def functions_in_dict(x, w):
    ops = {"sin": np.sin, "sq": lambda v: v * v * w}
    t = 0.0
    for name in ("sin", "sq"):
        t = t + ops[name](x)
    return np.sum(t)


def default_from_outer(x, w):
    def g(z, a=w):              # the default is w's value at the def
        return z * a
    return np.sum(g(x) + g(x, 2.0))


def user_fn(v):
    return v ** 3 - v


def function_argument(fn, x, w):
    return np.sum(fn(x) * w)


# -- 2. methods and classes ------------------------------------------------------------

class Layer:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def predict(self, x):
        return np.tanh(x * self.W + self.b)

    @property
    def size(self):
        return 3.0

    @staticmethod
    def sq(v):
        return v * v

    @classmethod
    def cube(cls, v):
        return v * v * v

    def loss(self, x, w):
        return np.sum(self.predict(x) * w) + self.size * np.sum(self.sq(x)) + np.sum(Layer.cube(w))

    def __call__(self, x, w):
        return self.loss(x, w=w) * 0.5


class Scaled(Layer):
    def predict(self, x):       # overrides: loss follows this one
        return np.sin(x * self.W) * 2.0


@dataclasses.dataclass
class Params:
    a: np.ndarray
    b: float


def dataclass_params(p, x, w):
    return np.sum(p.a * x ** 2 + np.sin(p.b * x) * w)


# -- 3. calls ---------------------------------------------------------------------------

def two(a, b, *, scale=1.0):
    return a * b * scale


def partial_of_partial(x, w):
    g = functools.partial(functools.partial(two, scale=2.0), w)
    return np.sum(g(x) + functools.partial(two, x)(w, scale=0.5))


def star(*args, **kwargs):
    return args[0] * args[-1] * kwargs.get("k", 1.0)


def forward_star(*args, **kwargs):
    return star(*args, **kwargs)


def star_forwarding(x, w):
    return np.sum(forward_star(x, w, k=2.0) + forward_star(*[x, x, w]))


def kwonly(x, *, c=2.0, w):
    return np.sum(x * w * c)


def kwonly_caller(x, w):
    return kwonly(x, w=w) + kwonly(x, c=0.5, w=w * 2.0)


def zip_map_sorted_arrays(x, w):
    rows = [[x, w], [w * x, x + 1.0]]
    a, b = zip(*rows)
    m = list(map(lambda v: v * w, [x, x * 2.0]))
    s = sorted([(2, x), (1, w * x), (3, x * x)], key=lambda p: p[0])
    return np.sum(a[1] * b[0] + m[1] + s[0][1] * 2.0 + s[2][1])


def sum_of_arrays(x, w):
    xs = [x * 1.0, x * w, np.sin(x)]
    return np.sum(sum(xs)) + max([np.sum(x), 0.2, np.sum(x * w)]) + min(np.sum(x), w)


def rec(v, n, *, k=1.0):
    if n == 0:
        return v * k
    return np.sin(rec(v, n - 1, k=k)) * v


def recursion_arrays(x, w):
    return np.sum(rec(x, 3, k=w))


# -- 4. containers ------------------------------------------------------------------------

def dict_methods(x, w):
    d = dict(zip(["a", "b"], [x, x * w]))
    t = d.get("a") + d.get("zz", w)
    for k, v in d.items():
        t = t + v * len(k)
    t = t + sum(d.values())
    e = {k: v * 2.0 for k, v in d.items() if k != "a"}
    return np.sum(t + e["b"]) + len(list(d.keys()))


def list_tuple_star(x, w):
    xs = list((x, w)) + [x * w] * 2
    first, *middle, last = tuple(xs)
    return np.sum(first * sum(middle) + last)


def walrus_loop(x, w):
    t = x
    n = 0
    while (n := n + 1) < 3:
        t = t * w + np.sin(t)
    return np.sum([y := t * 2.0, y * x][1])


Pair = namedtuple("Pair", "a b")


def namedtuple_arrays(x, w):
    p = Pair(x, w * x)
    a, b = p
    return np.sum(p.a * p.b + a * b + p[1])


def nested_structure(params, w):
    (W, b), d = params
    return np.sum(np.tanh(W * w + b["u"]) * d[0])


# -- 5. statements ------------------------------------------------------------------------

def for_else_break(x, w):
    t = x
    for k in range(4):
        t = t * w
        if k == 1:
            break
    else:
        t = t + 100.0
    n = 0
    while n < 2:
        t = t + x * w
        n += 1
    else:
        t = t * 2.0
    assert np.all(np.isfinite(t))
    return np.sum(t)


def match_values(x, w):
    t = 0.0
    for mode in (1, 2, 3, "other"):
        match mode:
            case 1 | 2:
                t = t + x * w * mode
            case 3 if np.sum(x) > -100.0:
                t = t + np.sin(x)
            case _:
                t = t - w
    return np.sum(t)


def try_with_global(x, w):
    t = 0.0
    for k in range(2):
        try:
            with np.errstate(divide="ignore", invalid="ignore"):
                t = t + x / (w + 2.0) * SCALE + OFFSETS * k
        finally:
            t = t * 1.0
    return np.sum(t)


# -- 6. writes into arguments --------------------------------------------------------------

def write_slice_argument(x, w):
    x[1:] = x[:-1] * w
    x[0] *= w
    return np.sum(x * x)


def scale_into(v, w):
    v[0] = v[0] * w


def helper_writes_argument(x, w):
    y = x * 1.0
    scale_into(y, w)
    return np.sum(y ** 2)


def alias_augment_array(x, w):
    y = x
    y *= w                      # changes x too: Python semantics
    return np.sum(y * x)


def alias_augment_float(x, w):
    y = x
    y += w                      # a float: y is a new object, x is unchanged
    return y * x + w


def broadcast_write(x, w):
    x[...] = x * w + 1.0
    return np.sum(np.sin(x))


LAYER = Layer(np.array([0.5, -0.3, 0.8]), 0.1)
SCALED = Scaled(np.array([0.5, -0.3, 0.8]), 0.1)
PARAMS = Params(np.array([0.4, 0.2, -0.6]), 0.9)


CASES = [
    ("1 nested def in a loop, arrays", nested_loop_array, (X3, 0.8), (0, 1)),
    ("1 nested def, broadcast w", nested_loop_array, (X3, W3), (0, 1)),
    ("1 closure over a differentiated value", closure_over_differentiated, (X3, 0.8), (0, 1)),
    ("1 module-level factory", module_factory, (X3, 0.8), (0, 1)),
    ("1 nonlocal in a loop", nonlocal_loop, (X3, 0.8), (0, 1)),
    ("1 lambda with a default", lambda_default, (X3, 0.8), (0, 1)),
    ("1 late binding", late_binding, (X3, W3), (0, 1)),
    ("1 lambda to a helper by keyword", lambda_to_helper_keywords, (X3, 0.8), (0, 1)),
    ("1 functions in a dict", functions_in_dict, (X3, 0.8), (0, 1)),
    ("1 default from an outer value", default_from_outer, (X3, 0.8), (0, 1)),
    ("1 function argument (numpy)", function_argument, (np.tanh, X3, 0.8), (1, 2)),
    ("1 function argument (user def)", function_argument, (user_fn, X3, W3), (1, 2)),
    ("2 bound method", LAYER.loss, (X3, 0.8), (0, 1)),
    ("2 bound method, overriding subclass", SCALED.loss, (X3, W3), (0, 1)),
    ("2 __call__ object", LAYER, (X3, 0.8), (0, 1)),
    ("2 dataclass parameter", dataclass_params, (PARAMS, X3, 0.8), (1, 2)),
    ("3 partial of partial", partial_of_partial, (X3, 0.8), (0, 1)),
    ("3 *args/**kwargs forwarded", star_forwarding, (X3, 0.8), (0, 1)),
    ("3 keyword-only", kwonly_caller, (X3, 0.8), (0, 1)),
    ("3 zip/map/sorted on arrays", zip_map_sorted_arrays, (X3, 0.8), (0, 1)),
    ("3 sum/max/min of arrays", sum_of_arrays, (X3, 0.7), (0, 1)),
    ("3 recursion with a keyword", recursion_arrays, (X3, 0.8), (0, 1)),
    ("4 dict methods", dict_methods, (X3, 0.8), (0, 1)),
    ("4 list/tuple/starred", list_tuple_star, (X3, 0.8), (0, 1)),
    ("4 walrus", walrus_loop, (X3, 0.8), (0, 1)),
    ("4 namedtuple of arrays", namedtuple_arrays, (X3, W3), (0, 1)),
    ("5 for/while else, assert", for_else_break, (X3, 0.8), (0, 1)),
    ("5 match", match_values, (X3, 0.8), (0, 1)),
    ("5 try/with/global", try_with_global, (X3, 0.8), (0, 1)),
    ("6 slice writes into an argument", write_slice_argument, (X3, 0.8), (0, 1)),
    ("6 helper writes into an argument", helper_writes_argument, (X3, 0.8), (0, 1)),
    ("6 y = x; y *= w (array)", alias_augment_array, (X3, 0.8), (0, 1)),
    ("6 y = x; y += w (float)", alias_augment_float, (0.45, 0.8), (0, 1)),
    ("6 x[...] = ... broadcast", broadcast_write, (X3, W3), (0, 1)),
]


# -- more variants ------------------------------------------------------------------------

def kwargs_from_a_name(x, w):
    opts = {"k": 2.0}
    args = (x, w)
    return np.sum(star(*args, **opts) + star(x, w, **opts))


def sum_with_start(x, w):
    xs = [x * w, np.sin(x)]
    return np.sum(sum(xs, w * 1.0)) + sum([w, w * w])


def list_repeat_by_int(x, w, n=3):
    xs = [x * w] * n + [w]
    *front, last = xs
    return np.sum(sum(front) * last)


def set_and_dict_comprehensions(x, w):
    keys = {k for k in ("a", "b", "a")}
    d = {k: x * w if k == "a" else x for k in sorted(keys) if k != "c"}
    return np.sum(d["a"] + d["b"] * len(keys))


def total(xs):
    if len(xs) == 1:
        return xs[0]
    return xs[0] * 2.0 + total(xs[1:])


def recursion_over_a_list(x, w):
    return np.sum(total([x, x * w, np.sin(x)]))


def zip_star_of_an_argument(rows, w):
    a, b, c = zip(*rows)            # three pairs of numbers
    return np.sum(a[0] * b[1] * w + c[1] * a[1])


def while_else_break(x, w):
    t = x
    n = 0
    while n < 5:
        t = t * w + 0.1
        n += 1
        if n == 2:
            break
    else:
        t = t * 100.0
    return np.sum(t)


def returns_closure(w):
    def scale(v):
        return v * w
    return scale


def closure_returned_by_a_helper(x, w):
    s = returns_closure(w * 2.0)
    return np.sum(s(x) + s(w))


CASES += [
    ("3 **kwargs from a name", kwargs_from_a_name, (X3, 0.8), (0, 1)),
    ("3 sum with a start", sum_with_start, (X3, 0.8), (0, 1)),
    ("4 list * int, starred front", list_repeat_by_int, (X3, 0.8), (0, 1)),
    ("4 set and dict comprehensions", set_and_dict_comprehensions, (X3, 0.8), (0, 1)),
    ("3 recursion over a list", recursion_over_a_list, (X3, 0.8), (0, 1)),
    ("4 zip(*rows) of an argument", zip_star_of_an_argument, ([X3, X3 * 2.0], 0.8), (1,)),
    ("5 while-else with break", while_else_break, (X3, 0.8), (0, 1)),
    ("1 closure returned by a helper", closure_returned_by_a_helper, (X3, 0.8), (0, 1)),
]


def activation(v):
    return np.sin(v)


def uses_activation(x, w):
    return np.sum(activation(x) * w ** 2)


# -- a gradient bound to a local name, then called ------------------------------------------

def _inner(x, w):
    return np.sum(np.sin(x) * w ** 2)


def local_gradient(x, w):
    g = astgrad.grad(_inner)
    return np.sum(g(x, w) * x)


def local_gradient_of_lambda(x, w):
    g = astgrad.grad(lambda a: np.sum(np.sin(a) * w ** 2))
    return np.sum(g(x) * x)


def local_value_and_grad(x, w):
    vg = astgrad.value_and_grad(_inner, wrt=1)
    v, d = vg(x, w)
    return v * d


def local_gradient_of_local_def(x, w):
    def h(a, b):
        return np.sum(np.tanh(a * b) * w)
    g = astgrad.grad(h, wrt=1)
    return g(x, w) * w + np.sum(g(x * 2.0, 0.5) * x)


CASES += [
    ("1 gradient bound to a local name", local_gradient, (X3, 0.8), (0, 1)),
    ("1 gradient of a lambda bound to a name", local_gradient_of_lambda, (X3, 0.8), (0, 1)),
    ("1 value_and_grad bound to a name", local_value_and_grad, (X3, 0.8), (0, 1)),
    ("1 gradient of a local def bound to a name", local_gradient_of_local_def, (X3, 0.8), (0, 1)),
]


# -- astgrad.grad of a method w.r.t. an attribute, or of a callable object, inside ---------

def inline_gradient_in_an_attribute(x, w):
    return np.sum(astgrad.grad(LAYER.loss, wrt="self.W")(x, w) * x)


def inline_value_and_grad_of_a_callable(x, w):
    v, g = astgrad.value_and_grad(LAYER, wrt=1)(x, w)
    return v * g


CASES += [
    ("2 grad(obj.method, wrt='self.W') inside", inline_gradient_in_an_attribute, (X3, 0.8), (0, 1)),
    ("2 value_and_grad(callable object) inside", inline_value_and_grad_of_a_callable, (X3, 0.8), (0, 1)),
]
