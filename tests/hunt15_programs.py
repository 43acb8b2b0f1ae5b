"""Programs of the fifteenth acceptance hunt, on what the last changes added: ``del``
of a name with comprehensions, lambdas, local defs and match cases binding the same
name for themselves; objects holding dicts and lists their methods never read; lists
and dicts rebound in loops. Every entry of CASES is (name, f, args, wrt): astgrad must give
Python's derivative, or refuse. Used by tests/test_hunt15_programs.py."""

import numpy as np

from program_cases import case_table

X3 = np.array([0.3, -0.4, 0.9])
CASES, case = case_table((X3, 0.8))


# -- del name, then a scope of its own binding the same name -----------------------------------

@case("d01 del t, then a comprehension whose loop variable is t")
def d01(x, w):
    t = x * w
    s = np.sum(t ** 2)
    del t
    return s + np.sum(np.array([t * w for t in x]))


@case("d02 del t, then a lambda whose parameter is t")
def d02(x, w):
    t = x * w
    s = np.sum(t)
    del t
    g = lambda t: t * w                             # noqa: E731 - the lambda is the point
    return np.sum(g(x)) + s * s


@case("d03 del t, then a local def binding its own t")
def d03(x, w):
    t = x * w
    s = np.sum(np.sin(t))
    del t

    def g(v):
        t = v * w
        return t * t
    return np.sum(g(x)) + s


@case("d04 del t, then a match case capturing t")
def d04(x, w):
    t = x * w
    s = np.sum(t)
    del t
    match [x, w]:
        case [t, u]:
            return np.sum(t * u) * s
    return s


@case("d05 del of a loop variable in each iteration, a second loop binding it again")
def d05(x, w):
    s = 0.0
    for v in x:
        s = s + v * w
        del v
    for v in x:
        s = s + v * v * w
    return s


@case("d06 del in a finally, del then rebind after a break")
def d06(x, w):
    t = x * w
    try:
        s = np.sum(t)
    finally:
        del t
    for i in range(3):
        if i == 1:
            t = x * i
            break
    else:
        t = x
    return np.sum(t * w) + s * s


# -- an object holding a dict its methods never read ---------------------------------------------

class Layer:
    def __init__(self, W, config):
        self.W = W
        self.config = config

    def __call__(self, h):
        return self.W * h


@case("z01 a layer holding a dict of w its method never reads")
def z01(x, w):
    layer = Layer(w, {"s": w})
    return np.sum(layer(x) ** 2)


@case("z02 a list bound in each iteration, nested, of numbers and arrays, read after the loop")
def z02(x, w):
    for i in range(2):
        keep = [[x * w, x + i], [w * i, x], 3]
    return np.sum(keep[0][0] * keep[0][1]) + np.sum(keep[1][1]) * keep[1][0] + keep[2] * w


@case("z03 a dict with int keys bound in each iteration, read after the loop")
def z03(x, w):
    for i in range(3):
        d = {0: x * w, 1: x + w * i}
    return np.sum(d[0] * d[1])


@case("z04 a layer held in the dict of another layer whose method never reads it")
def z04(x, w):
    inner = Layer(x * w, {"s": x})
    outer = Layer(w, {"s": inner})
    return np.sum(outer(inner(x)) ** 2)


# -- what the fifteenth hunt left -----------------------------------------------------------------

@case("f01 a loop over a tuple of functions testing which one it holds (f is np.sin, f == np.cos)")
def f01(x, w):
    s = 0.0
    for f in (np.sin, np.cos, np.tanh):
        if f is np.sin:
            s = s + 1.0
        elif f == np.cos:
            continue
        s = s + np.sum(f(x) * w)
    return s * (2.0 if f is np.tanh else 1.0)


@case("f02 a reshape under a branch not taken (a check the derivative keeps), and one called for its check alone")
def f02(x, w):
    s = np.sum(x * w)
    if s > 100.0:
        z = x.reshape(2, 2)                         # raises where it runs
    np.reshape(x, (1, 3))
    return s * s + np.sum(z) if s > 100.0 else s * s
