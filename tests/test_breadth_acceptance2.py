"""Longer everyday programs (tests/acceptance_programs2.py: models mixing closures,
partials, dataclasses, namedtuples, ``match``, ``while ... else``, recursion, ``itertools``
and ``functools.reduce``, dict merges) in every mode of astgrad against central finite
differences (CI runs the programs that found a bug in the modes it showed in, and one
mode per program on every third of the others; HYPOTHESIS_PROFILE=thorough runs them
all in every mode); a derivative that follows what names mean now (a global or a callee
rebound after ``grad(f)``, a method redefined on the class); Python's errors where
Python raises; and a refusal, not a zero derivative, for what astgrad cannot follow."""

import dataclasses
import functools
import itertools
import operator
from collections import namedtuple

import numpy as np
import pytest

import astgrad
from acceptance_programs2 import CASES, X3
from breadth_modes import acceptance_tests
from fd import assert_close, numerical_grad

# programs that found a bug, and the modes it showed in
FOUND_BUGS = {
    "a08 ": ("grad", "jvp"),                    # functools.partial of a local def passed to a helper
    "a09 ": ("grad", "hessian"),                # functools.partial passed to a helper
    "a15 ": ("grad", "jvp", "hessian"),         # dataclasses.replace of differentiated fields
    "a16 ": ("value_and_grad", "jvp"),          # dataclasses.replace: a wrong value (a field reset)
    "a18 ": ("grad", "jvp_of_grad"),            # NamedTuple._replace
    "a19 ": ("grad", "jvp", "hessian"),         # **kwargs changed by setdefault, then passed on
    "a26 ": ("grad", "jvp"),                    # sorted(key=operator.itemgetter(1), reverse=True)
    "a27 ": ("grad", "vjp_of_grad"),            # itertools.chain, accumulate
    "a28 ": ("grad", "jvp"),                    # itertools.product, combinations
    "a29 ": ("grad", "hessian"),                # itertools.pairwise, islice, repeat
    "a45 ": ("grad", "jvp"),                    # combinations_with_replacement, functools.reduce
    "a46 ": ("grad", "jvp_of_grad"),            # functools.reduce over a list of functions
    "b13 ": ("grad", "jvp"),                    # namedtuple fields named mean and var
    "b26 ": ("grad", "hessian"),                # a list of partials made by a comprehension
    "b34 ": ("grad", "jvp"),                    # list.reverse()
    "b44 ": ("grad",),                          # itertools.chain.from_iterable
    "b45 ": ("grad", "hessian"),                # functools.reduce(operator.mul, ...)
    "b48 ": ("grad", "jvp"),                    # f = np.sin if c else np.cos; (f if c else g)(x)
    "b46 ": ("vjp_of_grad", "jvp"),             # accumulate(initial=...), accumulate(xs, max)
    "c12 ": ("grad",),                          # itertools.product(x, repeat=2)
    "c13 ": ("grad", "jvp_of_grad"),            # combinations of rows
    "c14 ": ("grad",),                          # itertools.chain of a generator
    "c17 ": ("grad",),                          # sorted(key=operator.itemgetter(2))
    "c18 ": ("grad", "jvp"),                    # partial of a NumPy function passed to a helper
    "c19 ": ("grad", "hessian"),                # partial of a lambda given to map
    "c20 ": ("grad",),                          # partial as sorted's and max's key
    "c21 ": ("grad", "hessian"),                # dataclasses.replace in a loop, second order
    "c22 ": ("grad", "jvp"),                    # namedtuple._replace in a helper
    "c23 ": ("grad", "jvp"),                    # namedtuple fields named mean and std
    "c25 ": ("grad",),                          # dataclass fields named sum and max
    "c29 ": ("grad", "jvp"),                    # dict | dict: a zero derivative before
}


test_program_in_mode, test_every_found_bug_names_one_program, test_every_mode_runs_in_ci = \
    acceptance_tests(CASES, FOUND_BUGS)


# -- what the names mean now ---------------------------------------------------------------

SCALE = 2.0


def kernel(a, *, scale):
    return np.exp(-scale * a * a)


def apply_to(f, v):
    return f(v)


def uses_partial_value(x, w):
    k = functools.partial(kernel, scale=SCALE * w)
    return np.sum(apply_to(k, x))


def test_partial_handed_to_a_helper_reads_the_global_now():
    global SCALE
    g = astgrad.grad(uses_partial_value, wrt=(0, 1))
    try:
        for SCALE in (2.0, 0.5):
            got = g(X3, 0.8)
            for i in (0, 1):
                assert_close(got[i], numerical_grad(uses_partial_value, (X3, 0.8), wrt=i))
    finally:
        SCALE = 2.0


def helper_fn(v):
    return np.sin(v)


def uses_reduce(x, w):
    return functools.reduce(lambda a, b: a + helper_fn(b * w), list(x), 0.0)


def test_reduce_follows_a_callee_rebound_after_grad():
    global helper_fn
    g = astgrad.grad(uses_reduce, wrt=1)
    assert_close(g(X3, 0.8), numerical_grad(uses_reduce, (X3, 0.8), wrt=1))
    old = helper_fn
    helper_fn = lambda v: v ** 3        # noqa: E731
    try:
        assert_close(g(X3, 0.8), numerical_grad(uses_reduce, (X3, 0.8), wrt=1))
    finally:
        helper_fn = old


OP = operator.mul


def uses_accumulate(x, w):
    return sum(itertools.accumulate(list(x * w), OP))


def test_accumulate_follows_its_function_rebound_after_grad():
    global OP
    g = astgrad.grad(uses_accumulate, wrt=1)
    assert_close(g(X3, 0.8), numerical_grad(uses_accumulate, (X3, 0.8), wrt=1))
    OP = operator.add
    try:
        assert_close(g(X3, 0.8), numerical_grad(uses_accumulate, (X3, 0.8), wrt=1))
    finally:
        OP = operator.mul


class Stats:
    def __init__(self, c):
        self.c = c

    def mean(self, v):
        return np.mean(v) * self.c


STATS = Stats(2.0)


def uses_method_named_mean(x, w):
    return STATS.mean(x * w)


def test_a_method_named_like_an_array_method_redefined_on_the_class():
    g = astgrad.grad(uses_method_named_mean, wrt=1)
    assert_close(g(X3, 0.8), numerical_grad(uses_method_named_mean, (X3, 0.8), wrt=1))
    old = Stats.mean
    Stats.mean = lambda self, v: np.sum(v ** 2) * self.c
    try:
        assert_close(g(X3, 0.8), numerical_grad(uses_method_named_mean, (X3, 0.8), wrt=1))
    finally:
        Stats.mean = old


# -- dataclasses.replace and namedtuple._replace -------------------------------------------

@dataclasses.dataclass
class Point:
    a: float
    b: np.ndarray


def replaced_argument(p, w):
    q = dataclasses.replace(p, a=w * p.a)
    return np.sum(q.b ** 2) * q.a


def test_replace_of_an_argument_gives_a_gradient_of_its_class():
    p = Point(0.7, X3.copy())
    g = astgrad.grad(replaced_argument, wrt=0)(p, 0.8)
    assert type(g) is Point and type(g.a) is float, repr(g)
    h = 1e-6
    want = (replaced_argument(Point(0.7 + h, X3), 0.8) - replaced_argument(Point(0.7 - h, X3), 0.8)) / (2 * h)
    assert_close(g.a, want)
    assert_close(g.b, numerical_grad(lambda b: replaced_argument(Point(0.7, b), 0.8), (X3,)))


def test_replace_with_a_field_the_class_has_not_raises_pythons_error():
    def f(x, w):
        q = dataclasses.replace(Point(1.0, x), zz=w)
        return np.sum(q.b)
    with pytest.raises(TypeError, match="zz"):
        f(X3, 0.8)
    with pytest.raises(TypeError, match="zz"):
        astgrad.grad(f, wrt=1)(X3, 0.8)


Pair = namedtuple("Pair", "h t")


def test_namedtuple_replace_with_a_field_it_has_not_raises_pythons_error():
    def f(x, w):
        s = Pair(x, w)._replace(q=w)
        return np.sum(s.h)
    with pytest.raises((ValueError, TypeError), match="q") as python:     # TypeError from 3.13 on
        f(X3, 0.8)
    with pytest.raises(python.type, match="q"):
        astgrad.grad(f, wrt=1)(X3, 0.8)


# -- refused rather than wrong ------------------------------------------------------------------

def inner(x, a=1.0, b=0.0):
    return a * x + b


def kwargs_changed(x, **kw):
    kw["b"] = 2.0           # the dict **kw gathered, changed before it is passed on
    return inner(x, **kw)


def uses_kwargs_changed(x, w):
    return np.sum(kwargs_changed(x, a=w))


def test_kwargs_changed_in_place_then_passed_on():
    """It was passed on as the call gave it (b=2.0 lost: a wrong value and gradient)."""
    value, g = astgrad.value_and_grad(uses_kwargs_changed, wrt=1)(X3, 0.8)
    assert_close(value, uses_kwargs_changed(X3, 0.8), 1e-12, 1e-12)
    assert_close(g, numerical_grad(uses_kwargs_changed, (X3, 0.8), wrt=1))


def passes_options(x, w, options):
    return np.sum(inner(x * w, **options))


def test_a_mapping_spread_into_a_call_follows_its_keys_and_the_defaults_now():
    g = astgrad.grad(passes_options, wrt=1)
    for options in ({}, {"a": 2.0}, {"b": 1.0, "a": 0.5}):
        assert_close(g(X3, 0.8, options), numerical_grad(lambda w: passes_options(X3, w, options), (0.8,)))
    inner.__defaults__ = (3.0, 0.0)
    try:
        assert_close(g(X3, 0.8, {}), numerical_grad(lambda w: passes_options(X3, w, {}), (0.8,)))
    finally:
        inner.__defaults__ = (1.0, 0.0)
    with pytest.raises(TypeError, match="'c'"):
        g(X3, 0.8, {"c": 1.0})


def merge_arguments(a, b):
    c = a | b
    return np.sum(c["x"] * c["w"])


def test_dict_merge_of_arguments_is_refused_not_zero():
    """``a | b`` of dicts astgrad cannot see are dicts: refused (it had a zero derivative)."""
    args = ({"x": X3, "w": 0.8}, {"w": 1.5})
    with pytest.raises(astgrad.TransformError, match=r"\{\*\*a, \*\*b\}"):
        astgrad.grad(merge_arguments, wrt=0)(*args)


def masks(x, w):
    m = (x > 0) | (x < -0.3)
    return np.sum(np.where(m, x * w, 0.0))


def test_or_of_boolean_masks_still_differentiates():
    assert_close(astgrad.grad(masks, wrt=(0, 1))(X3, 0.8)[1], numerical_grad(masks, (X3, 0.8), wrt=1))


def chosen_by_value(x, w):
    f = np.sin if w > 0.5 else np.cos
    g = (lambda v: v * w) if np.sum(x) > 0 else (lambda v: v / w)
    return np.sum(f(g(x)))


@pytest.mark.parametrize("x, w", [(X3, 0.8), (X3, 0.3), (-X3, 0.8), (-X3, 0.3)])
def test_a_function_chosen_by_a_conditional_follows_the_values_of_the_call(x, w):
    g = astgrad.grad(chosen_by_value, wrt=(0, 1))       # one derivative for every branch taken
    got = g(x, w)
    for i in (0, 1):
        assert_close(got[i], numerical_grad(chosen_by_value, (x, w), wrt=i))
