"""Programs of the thirteenth acceptance hunt: shallow copies written through their items,
lists rebound in each iteration of a loop and read after it, lambdas handed to a
constructor. Every entry of CASES is (name, f, args, wrt): astgrad must give Python's
derivative, or refuse. Used by tests/test_hunt13_programs.py."""

import copy

import numpy as np

from program_cases import case_table

X3 = np.array([0.3, -0.4, 0.9])
CASES, case = case_table((X3, 0.8))


# -- a list rebound in each iteration of a loop, read after it -------------------------------

@case("r01 a list display rebound in each iteration, its items read after the loop")
def r01(x, w):
    for i in range(2):
        keep = [x * w, x + w * i]
    return np.sum(keep[0] * keep[1])


@case("r02 a list built by append in each iteration, read after the loop")
def r02(x, w):
    for i in range(2):
        keep = []
        for v in x:
            keep.append(v * w + i)
    return keep[0] * keep[1]


@case("r03 a shallow copy taken in each iteration before a write into an item, read after the loop")
def r03(x, w):
    rows = [x * w, x + w]
    for i in range(2):
        keep = copy.copy(rows)
        rows[i][i] = w * x[i]
    return np.sum(keep[0] * keep[1] * x)


@case("r04 dict(d) in each iteration before a write into an item, read after the loop")
def r04(x, w):
    d = {"a": x * w, "b": x + w}
    for k in ("a", "b"):
        snap = dict(d)
        d[k][0] = w * x[1]
    return np.sum(snap["a"] * snap["b"] * x)


@case("r05 a list bound in a branch of each iteration, read after the loop")
def r05(x, w):
    for i in range(2):
        if i >= 0:
            keep = [x * w, x + w]
    return np.sum(keep[0] * keep[1])


@case("r06 a list bound in a while loop, an item replaced, read after it")
def r06(x, w):
    i = 0
    while i < 2:
        keep = [x * w, x + w]
        keep[i] = x * 3.0 * w
        i += 1
    return np.sum(keep[0] * keep[1])


# -- shallow and deep copies (passes) -----------------------------------------------------------

@case("s01 copy.deepcopy does not see a write into an item of the list")
def s01(x, w):
    rows = [x * w, x + w]
    keep = copy.deepcopy(rows)
    rows[0][1] = w * w
    return np.sum(keep[0] * x) + np.sum(rows[0] * x)


@case("s02 a comprehension copying each item is a deep copy; the `is` of a shallow one's item")
def s02(x, w):
    rows = [x * w, x + w]
    keep = [r.copy() for r in rows]
    same = list(rows)
    rows[0][1] = w * w
    scale = 2.0 if same[0] is rows[0] else 3.0
    return np.sum(keep[0] * x) * scale + np.sum(same[0] * x)


# -- lambdas handed to a constructor (passes) ----------------------------------------------------

class Layer:
    def __init__(self, scale, act):
        self.scale = scale
        self.act = act

    def __call__(self, h):
        return self.act(h * self.scale)


@case("o01 two objects, one holding a lambda that calls the other")
def o01(x, w):
    inner = Layer(w, lambda h: h * w)
    outer = Layer(1.5, lambda h: np.sin(inner(h)) * w)
    return np.sum(outer(x))


@case("o02 a lambda by keyword, with a name it shadows")
def o02(x, w):
    k = w * 2.0
    layer = Layer(scale=w, act=lambda k: np.tanh(k) * w)
    return np.sum(layer(x)) * k
