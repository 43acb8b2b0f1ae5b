"""Constructs of docs/supported-python.md that used to be refused, each in reverse mode,
forward mode and to second order against finite differences (tests/breadth_modes.py),
with loops and branches around them: writes to globals (``global``) and to closure cells
(``nonlocal``) of the differentiated function, recursion through a local function, set
comprehensions and ``set(...)`` of numbers, ``del xs[i:j]`` and ``del d[key]``, and the
walrus rebinding the target of an augmented assignment."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from fd import assert_close, numerical_grad

MODES = ("grad", "jvp", "vjp", "hessian", "jvp_of_grad", "grad_inside_lambda")


# -- recursion through a local function --------------------------------------------------

def power_of(x, w):
    def power(y, n):
        return 1.0 if n == 0 else y * power(y, n - 1)
    return np.sum(power(x, 3) * w)


def recursion_reads_outer(x, w):
    def power(y, n):
        if n == 0:
            return w
        return y * power(y, n - 1) + w * np.sin(y)
    total = 0.0
    for k in range(3):
        if k % 2 == 0:
            total = total + power(x * (k + 1), k + 1)
        else:
            total = total - power(x, k)
    return np.sum(total)


def recursion_lambda(x, w):
    fact = lambda n, v: v if n <= 1 else n * x * fact(n - 1, v * w)    # noqa: E731
    return np.sum(fact(4, x))


def recursion_keywords(x, w):
    def walk(v, depth=0, *, scale):
        if depth >= 2:
            return v * scale
        return walk(np.cos(v) * w, depth + 1, scale=scale) + v
    return np.sum(walk(x, scale=w))


def recursion_in_helper(x, w):
    def outer(a):
        def down(v, n):
            return v if n == 0 else down(np.tanh(v * w + a), n - 1)
        return down(a, 2)
    return np.sum(outer(x) * x)


X = np.array([0.3, -0.7, 0.5])

RECURSION = [
    ("power", power_of, (0.7, 1.3)),
    ("power-array", power_of, (X, 1.3)),
    ("reads-outer", recursion_reads_outer, (X, 1.3)),
    ("reads-outer-float", recursion_reads_outer, (0.4, -0.6)),
    ("lambda", recursion_lambda, (X, 0.8)),
    ("keywords", recursion_keywords, (X, 0.9)),
    ("in-helper", recursion_in_helper, (X, 0.9)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name, f, args", RECURSION, ids=[c[0] for c in RECURSION])
def test_recursion_through_local_function(name, f, args, mode):
    check(mode, f, args, (0, 1))
