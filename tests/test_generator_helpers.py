"""Generator helpers consumed whole (``sum(gen(x))``, ``list``, ``tuple``, ``sorted``,
``min``, ``max``) are differentiated as their twin returning the list of what they yield
(frontend/generators.py), against finite differences in first and second order; a
generator taken one item at a time (a ``for`` loop, ``next``) or receiving sent values
stays refused, with the advice to build the list."""

import numpy as np
import pytest

import astgrad
from astgrad.frontend.generators import list_twin
from breadth_modes import check

X4 = np.array([0.3, -0.2, 0.8, 0.1])


def products(v, s, stop=None):
    for i in range(len(v) - 1 if stop is None else stop):
        yield v[i] * v[i + 1] * s
    return "a generator's return value reaches no consumer here"


def scaled_then_rest(v, s):
    yield s * v[0]
    yield from [np.sin(t * s) for t in v[1:]]
    yield np.sum(v) ** 2


def summed(x, w):
    return sum(products(x, w)) + sum(products(x, w, stop=2), 0.5 * w)


def collected(x, w):
    items = list(scaled_then_rest(x, w))
    firsts = tuple(products(x, s=w))
    return items[0] * items[-1] + max(scaled_then_rest(x, w)) + sum(sorted(firsts)) * min(products(x, w))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian", "jvp_of_grad"])
@pytest.mark.parametrize("f", [summed, collected], ids=lambda f: f.__name__)
def test_a_generator_helper_consumed_whole(mode, f):
    check(mode, f, (X4, 0.7), (0, 1))


def test_the_twin_returns_the_items_the_generator_yields():
    for gen, args in [(products, (X4, 0.7)), (products, (X4, 0.7, 2)), (scaled_then_rest, (X4, 0.7))]:
        got, want = list_twin(gen)(*args), list(gen(*args))
        assert type(got) is list and len(got) == len(want)
        assert all(np.array_equal(a, b) for a, b in zip(got, want))


def looped(x, w):
    total = 0.0
    for p in products(x, w):                # taken one at a time, in turn with the loop body
        total = total + p
    return total


def sent(v):
    total = 0.0
    for t in v:
        got = yield t * total
        total = total + (got or 0.0)


def sends(x, w):
    return sum(sent(x * w))


def ends_early(v):
    for t in v:
        if t > 0.5:
            return
        yield t


def early(x, w):
    return sum(ends_early(x * w))


@pytest.mark.parametrize("f", [looped, sends, early], ids=lambda f: f.__name__)
def test_a_generator_taken_item_by_item_is_refused_with_advice(f):
    with pytest.raises(astgrad.TransformError, match=r"yield.*build a list instead"):
        astgrad.grad(f, (0, 1))(X4, 0.7)
