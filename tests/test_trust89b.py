"""Comparisons, iteration, unpacking, item reads, ``in``, dict keys and conversions of a
value whose class astgrad does not know when it makes the code: a helper ``g(x, b)``
reached through ``h = lambda x: g(x, *args)`` or given as a function value. A hook of
``b``'s class that wrote into the array the object was handed ran once per copy of the
helper's code (its value, then its derivative): a wrong gradient with no error. Now each
is refused in words naming the user's line, the class and the hook, in every transform,
with the caller's arrays as they were; hooks that only read, and plain values, are
followed, right against central differences (tests/breadth_modes.py). CI runs one
transform and one mode per program in turn; HYPOTHESIS_PROFILE=thorough runs them all."""

import inspect
import os

import numpy as np
import pytest

import astgrad
import trust89b_programs as P
from breadth_modes import check
from refusal_words import refused_in_words

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
X4 = np.array([0.7, -1.3, 0.4, 2.1])
TRANSFORMS = ("grad", "value_and_grad", "jvp", "hessian", "jacobian")
MODES = ("grad", "jvp", "hessian", "jvp_of_grad")
HELPERS = {h.__name__: h for h in P.HELPERS}
# refused by an earlier check, whatever the hooks do: unpacking an object of no known class
# (its __iter__ is not followed) and zip() of one (read by position)
NOT_FOLLOWED = ("unpacked", "zipped")


def _run(transform, f, args):
    if transform == "grad":
        return astgrad.grad(f)(*args)
    if transform == "value_and_grad":
        return astgrad.value_and_grad(f)(*args)
    if transform == "vjp":      # (of x alone: objects are no part of vjp's and jvp's arguments)
        value, pullback = astgrad.vjp(lambda x: f(x, args[1]), args[0])
        return pullback(1.0)
    if transform == "jvp":
        return astgrad.jvp(lambda x: f(x, args[1]), (args[0],), (np.ones(args[0].size),))
    if transform == "hessian":
        return astgrad.hessian(f)(*args)
    return astgrad.jacobian(f)(*args)


def _hook_line(helper):
    lines, first = inspect.getsourcelines(helper)
    return first + next(k for k, line in enumerate(lines) if "# the hook" in line)


def _ci(k, choices):
    """One choice per program in CI, in turn; all of them when thorough."""
    return choices if THOROUGH else (choices[k % len(choices)],)


REFUSED = [(transform, name) for k, name in enumerate(sorted(HELPERS)) for transform in _ci(k, TRANSFORMS)]


@pytest.mark.parametrize("transform, name", REFUSED)
def test_a_writing_hook_of_a_value_of_no_known_class_is_refused_at_the_line(transform, name):
    helper = HELPERS[name]
    f = P.through_lambda(helper)
    held = np.ones(4)
    args = (X4.copy(), P.Writing(held))
    refused_in_words(helper, lambda: _run(transform, f, args))
    with pytest.raises((astgrad.TransformError, TypeError)) as caught:
        _run(transform, f, args)
    text = str(caught.value)
    assert f"trust89b_programs.py:{_hook_line(helper)}" in text, text
    assert "Writing.__" in text and "may change something in place" in text, text
    assert np.array_equal(args[0], X4) and np.array_equal(held, np.ones(4)), "a refusal changed the caller's arrays"


@pytest.mark.parametrize("name", ["lt", "loop", "item", "formatted"])
def test_vjp_of_a_lambda_closing_over_the_object_refuses_in_words(name):
    # (the helper's code is checked, on copies, before the user's own function runs for its value)
    helper = HELPERS[name]
    f = P.through_lambda(helper)
    held = np.ones(4)
    args = (X4.copy(), P.Writing(held))
    refused_in_words(helper, lambda: _run("vjp", f, args))
    assert np.array_equal(held, np.ones(4)) and np.array_equal(args[0], X4), "a refusal changed the caller's arrays"


@pytest.mark.parametrize("name", ["lt", "loop", "item_in_loop", "as_float"])
def test_a_helper_given_as_a_function_value_is_checked_too(name):
    helper = HELPERS[name]
    held = np.ones(4)
    args = (X4.copy(), P.Writing(held), helper)
    refused_in_words(helper, lambda: astgrad.grad(P.through_function_value)(*args))
    assert np.array_equal(held, np.ones(4)) and np.array_equal(args[0], X4)


FOLLOWED = [(mode, name) for k, name in enumerate(n for n in sorted(HELPERS) if n not in NOT_FOLLOWED)
            for mode in _ci(k, MODES)]


@pytest.mark.parametrize("mode, name", FOLLOWED)
def test_hooks_that_only_read_are_followed(mode, name):
    f = P.through_lambda(HELPERS[name])
    held = np.ones(4)
    check(mode, f, (X4.copy(), P.Reading(held)), (0,))
    assert np.array_equal(held, np.ones(4))


@pytest.mark.parametrize("mode", MODES)
def test_plain_values_pass(mode):
    def helper(x, b, xs):
        n = 2.0 if b < 3.0 else 1.0
        t = sum(k for k in xs) + xs[0] + float(b) + len(f"{b}{xs}") + len(str(b))
        return np.sum(x * x) * n * t

    def loss(w, *args):
        h = lambda x: helper(x, *args)      # noqa: E731
        return h(w)
    check(mode, loss, (X4.copy(), 0.5, [1.0, 2.0]), (0,))
    check(mode, loss, (X4.copy(), np.float64(0.5), (1.0, np.float32(2.0))), (0,))


@pytest.mark.parametrize("K", [P.Generated, P.YieldedFrom])
@pytest.mark.parametrize("name", ["loop", "listed", "comprehension"])
def test_an_iter_generating_an_attributes_items_is_followed(name, K):
    f = P.through_lambda(HELPERS[name])
    check("grad", f, (X4.copy(), K(np.ones(4))), (0,))


def test_every_mode_and_transform_runs_in_ci():
    for mode in MODES:
        assert sum(1 for m, _ in FOLLOWED if m == mode) >= 3, mode
    for transform in TRANSFORMS:
        assert sum(1 for t, _ in REFUSED if t == transform) >= 2, transform
