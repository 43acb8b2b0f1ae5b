"""Hooks of the user's classes that write nothing, followed where astgrad refused them,
and refusals that now come before anything changed:

- ``__hash__ = object.__hash__`` (a class defining ``__eq__`` stays hashable so): it has
  no source to read and was counted as "may write", so ``{v: 1.0}``, ``table[v]`` and
  ``v in {v}`` were refused; it is object's identity hash, and is followed. A class
  whose own ``__hash__`` writes stays refused;
- a comparison ``functools.total_ordering`` writes (``v > u`` from ``__lt__``, ``v < u``
  from ``__gt__``): the library's method tests for NotImplemented, so it was refused as
  one that may return it; it is followed as the expression it computes over the class's
  own comparison. A ``__lt__`` that writes, or may return NotImplemented, stays refused;
- ``sorted(vs)`` over objects whose ``__lt__`` appends to a global list: hessian and jvp
  of a gradient ran the function (or the hook) before the derivative's check refused,
  and the list had grown;
- ``LOG.append(1)`` before a write into an array a class holds (refused when reached):
  LOG had grown, and hessian and jacobian had written the class's array;
- a function of another module reached through a module held in a container, whose
  line runs a hook that writes: the lambda's code ran the function as it is before the
  derivative's check refused.

Each followed program is checked against central differences of what Python computes
(grad, value_and_grad, vjp, jvp, hessian, jvp of grad) at two sizes: in CI one mode per
program and size, in turn, every mode on at least three programs; all of them with
HYPOTHESIS_PROFILE=thorough. Each refusal is checked for the user's words, file and line,
in every transform, and for the state it leaves: as it was."""

import os
import sys

import numpy as np
import pytest

import astgrad
import objects89_programs as P
from object_checks import check
from refusal_words import refused_in_words

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")
SIZES = (3, 5)
TRANSFORMS = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")
W = np.array([0.5, 1.5, 2.0, 0.8])

FOLLOWED = [P.keyed_in_a_dict, P.keyed_in_a_set, P.keyed_twice, P.ranked_greater, P.ranked_at_most_and_at_least,
            P.ranked_down_less, P.logged_then_own_write]


def _ci_modes(k):
    """Two modes for the program and size at slot ``k``, in turn."""
    return MODES[k % len(MODES)], MODES[(k + 3) % len(MODES)]


def _selected():
    slots = [(f, n) for f in FOLLOWED for n in SIZES]
    for k, (f, n) in enumerate(slots):
        for mode in (MODES if THOROUGH else _ci_modes(k)):
            yield pytest.param(mode, f, n, id=f"{f.__name__}-{n}-{mode}")


@pytest.mark.parametrize("mode, f, n", list(_selected()))
def test_followed_against_central_differences(mode, f, n):
    P.reset()
    check(mode, f, n, 89 + n)


def test_every_mode_runs_in_ci_on_three_programs():
    slots = [(f, n) for f in FOLLOWED for n in SIZES]
    for mode in MODES:
        assert len({f for k, (f, _) in enumerate(slots) if mode in _ci_modes(k)}) >= 3, mode


def test_a_derived_comparison_answers_as_python_does():
    # v > u from __lt__: not (v < u) and v != u; at a point where v.d[0] > u.d[0] too
    w = np.array([-0.5, 1.0, 2.0])
    for point in (W[:3], w):
        value, _ = astgrad.value_and_grad(P.ranked_greater)(point)
        assert value == pytest.approx(P.ranked_greater(point.copy()))


def test_the_own_write_after_a_log_appends_once():
    P.reset()
    astgrad.grad(P.logged_then_own_write)(W.copy())
    assert P.LOG == [1]


def _run(transform, f, w, *rest):
    """``transform`` of ``f`` at ``w`` (and the objects ``rest``, no part of vjp's and jvp's
    arguments: those are taken of ``lambda x: f(x, *rest)``, made without a star)."""
    h = f if not rest else (lambda x: f(x, rest[0]))
    if transform == "grad":
        return astgrad.grad(f)(w, *rest)
    if transform == "value_and_grad":
        return astgrad.value_and_grad(f)(w, *rest)
    if transform == "vjp":
        return astgrad.vjp(h, w)[1](1.0)
    if transform == "jvp":
        return astgrad.jvp(h, (w,), (np.ones(w.size),))
    if transform == "hessian":
        return astgrad.hessian(f)(w, *rest)
    g = astgrad.grad(f)
    return astgrad.jvp(g if not rest else (lambda x: g(x, rest[0])), (w,), (np.ones(w.size),))


def _ci(k, choices):
    return choices if THOROUGH else (choices[k % len(choices)], choices[(k + 3) % len(choices)])


_TWINS = [(P._keyed_writing_in_a_dict, "KeyedWriting.__hash__"), (P._ranked_writing_greater, "RankedWriting.__lt__"),
          (P._ranked_maybe_greater, "may return NotImplemented")]


@pytest.mark.parametrize("f, words, transform", [
    (f, words, t) for k, (f, words) in enumerate(_TWINS) for t in _ci(k, TRANSFORMS)],
    ids=lambda v: getattr(v, "__name__", v) if not isinstance(v, str) or len(v) < 20 else "words")
def test_a_writing_twin_is_refused_in_words(f, words, transform):
    w = W.copy()
    refused_in_words(f, lambda: _run(transform, f, w))
    with pytest.raises((astgrad.TransformError, TypeError)) as caught:
        _run(transform, f, w)
    assert words in str(caught.value)
    np.testing.assert_array_equal(w, W)


# sorted(vs) whose __lt__ appends to a global: refused at the line, the global as it was
@pytest.mark.parametrize("transform, given", [(t, g) for g in (False, True) for t in TRANSFORMS])
def test_a_hook_appending_to_a_global_is_refused_before_it_runs(transform, given):
    P.reset()
    f = P.sorted_counted_argument if given else P.sorted_counted
    rest = ([P.Counted(W * 1.0), P.Counted(W * 2.0)],) if given else ()
    refused_in_words(f, lambda: _run(transform, f, W.copy(), *rest))
    assert P.COMPARED == [], f"{transform} ran the hook before refusing"


# jacobian calls the function to choose forward or reverse mode: its check runs before that call
@pytest.mark.parametrize("of_gradient", (False, True))
@pytest.mark.parametrize("given", (False, True))
def test_jacobian_refuses_the_appending_hook_before_it_runs(given, of_gradient):
    P.reset()
    f = P.sorted_counted_argument if given else P.sorted_counted
    rest = ([P.Counted(W * 1.0), P.Counted(W * 2.0)],) if given else ()
    w = W.copy()
    run = (lambda: astgrad.jacobian(astgrad.grad(f))(w, *rest)) if of_gradient \
        else (lambda: astgrad.jacobian(lambda x: f(x, *rest) * x)(w))
    refused_in_words(f, run)
    assert P.COMPARED == [], "jacobian ran the hook before refusing"
    np.testing.assert_array_equal(w, W)


@pytest.mark.parametrize("transform", TRANSFORMS + ("jacobian",))
def test_a_log_before_a_class_write_is_left_as_it_was(transform):
    P.reset()
    w = W.copy()
    run = (lambda: astgrad.jacobian(P.logged_then_class_write)(w)) if transform == "jacobian" \
        else (lambda: _run(transform, P.logged_then_class_write, w))
    refused_in_words(P.logged_then_class_write, run)
    assert P.LOG == [], f"{transform} appended before refusing"
    np.testing.assert_array_equal(P.Held.arr, np.zeros(3))
    np.testing.assert_array_equal(w, W)


def _through_a_module(held):
    """``in_a_bag`` reached as an attribute of its module, the module held in a closure
    variable or in a tuple, and the bag it is handed (refused when the code is made, or
    by the check of the hook when it runs: test_trust88 hands the bag on through *args)."""
    bag, module = P.Bag(W * 1.0), sys.modules[P.__name__]
    if held:
        modules = (module,)
        return bag, lambda x: modules[0].in_a_bag(x, 0.8, bag)
    return bag, lambda x: module.in_a_bag(x, 0.8, bag)


@pytest.mark.parametrize("transform", ("grad", "vjp", "hessian"))
@pytest.mark.parametrize("held", [False, True], ids=["closure", "tuple"])
def test_a_module_function_reaches_no_hook_before_the_refusal(transform, held):
    bag, f = _through_a_module(held)
    refused_in_words(f, lambda: _run(transform, f, W.copy()))
    np.testing.assert_array_equal(bag.d, W)


@pytest.mark.parametrize("transform", ("vjp", "jvp"))
def test_a_write_into_an_argument_is_refused_in_the_users_names(transform):
    # (the words named 't_4', astgrad's name for box.d, as what the call writes into)
    box = P.Box(W * 1.0)
    f = lambda x: P.bumps_what_it_is_given(x, 0.8, box)      # noqa: E731 - as a user writes it
    refused_in_words(f, lambda: _run(transform, f, W.copy()))
    with pytest.raises(astgrad.TransformError, match="changes its argument 'box' in place"):
        _run(transform, f, W.copy())
    np.testing.assert_array_equal(box.d, W)
