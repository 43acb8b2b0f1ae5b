"""The walk of what a function reaches (callee_writes.reached) is kept between calls and
done again where one of the objects it read changed (reach_probes.py): a global
function rebound, a method replaced on its class, a function's code swapped, an item of
a global list of functions replaced or added, a closure variable rebound. Each change
below makes the function reach one it did not reach before; a walk kept past the change
would miss it (and vjp would miss the global it rebinds)."""

import types

import numpy as np
import pytest

import astgrad
from astgrad.frontend.normalize.callee_writes import reached
from fd import assert_close, numerical_grad

rng = np.random.default_rng(53)


def plain(x):
    return x * 2.0


def other(x):
    return x * 3.0


def via_global(x):
    return HELPER(x)


class Scaler:
    def apply(self, x):
        return x * 2.0


SCALER = Scaler()


def via_method(x):
    return SCALER.apply(x)


def via_code(x):
    return plain(x)


TABLE = [plain]


def via_list(x):
    return TABLE[-1](x)


def _closure():
    inner = plain

    def via_cell(x):
        return inner(x)

    def rebind(new):
        nonlocal inner
        inner = new
    return via_cell, rebind


def _swap_code(fn, new):
    fn.__code__ = new.__code__


HELPER = plain
VIA_CELL, REBIND_CELL = _closure()
CHANGES = {
    "global": (via_global, lambda new: globals().__setitem__("HELPER", new), lambda: globals().__setitem__("HELPER", plain)),
    "method": (via_method, lambda new: setattr(Scaler, "apply", lambda self, x: new(x)),
               lambda: setattr(Scaler, "apply", lambda self, x: x * 2.0)),
    "code": (via_code, lambda new: _swap_code(via_code, types.FunctionType(
        compile("def via_code(x):\n    return other(x)\n", __file__, "exec").co_consts[0], globals())),
        lambda: _swap_code(via_code, types.FunctionType(
            compile("def via_code(x):\n    return plain(x)\n", __file__, "exec").co_consts[0], globals()))),
    "list item": (via_list, lambda new: TABLE.__setitem__(0, new), lambda: TABLE.__setitem__(0, plain)),
    "list grows": (via_list, lambda new: TABLE.append(new), lambda: TABLE.__setitem__(slice(None), [plain])),
    "closure cell": (VIA_CELL, REBIND_CELL, lambda: REBIND_CELL(plain)),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_the_walk_is_done_again_after_a_change(change):
    fn, rebind, undo = CHANGES[change]
    assert other not in reached(fn)
    assert reached(fn) == reached(fn)       # kept: the same functions
    try:
        rebind(other)
        assert other in reached(fn)
    finally:
        undo()
    assert other not in reached(fn)


CALLS = 0


def counting(x):
    global CALLS
    CALLS += 1
    return np.sin(x) * CALLS


def test_vjp_sees_a_helper_rebound_to_one_rebinding_a_global():
    """Rebound between calls to a helper with ``global CALLS; CALLS += 1``: vjp's
    pullback starts from CALLS as the value's run found it (it runs the code again),
    which a walk kept past the rebinding would not know to save."""
    global CALLS
    x = rng.normal(size=3)
    astgrad.vjp(via_global, x)[1](np.ones(3))       # the walk from via_global kept, reaching plain
    globals()["HELPER"] = counting
    try:
        CALLS = 0
        out, pullback = astgrad.vjp(via_global, x)
        (gradient,) = pullback(np.ones(3))
        assert CALLS == 1                       # one call's worth, as calling via_global once leaves it
        assert_close(out, np.sin(x))
        assert_close(gradient, np.cos(x))       # sin(x) * CALLS with CALLS as the run found it plus one
    finally:
        globals()["HELPER"] = plain
        CALLS = 0


STEPS = 1.0


def stepped(x):
    k = STEPS if isinstance(STEPS, float) else next(STEPS)
    return np.sum(x ** 3) * k


def test_what_is_kept_with_the_walk_follows_a_global_rebound_to_an_iterator():
    """hvp checks the state f may change before it runs f twice; kept with the walk, that
    check is made again when the global f reads holds another object (an iterator, whose
    position could not be put back: refused)."""
    import itertools
    global STEPS
    x, v = rng.normal(size=3), rng.normal(size=3)
    product = astgrad.hvp(stepped)
    assert_close(product(x, v), 6.0 * x * v)
    STEPS = itertools.count(2)
    try:
        with pytest.raises(astgrad.TransformError, match=r"test_reach_probes\.py:\d+: .*reads the iterator STEPS"):
            product(x, v)
        assert next(STEPS) == 2                 # not advanced
    finally:
        STEPS = 1.0
    assert_close(product(x, v), 6.0 * x * v)


# -- vjp's pullback and what f reads, changed between vjp and the pullback ---------------

WEIGHTS = np.array([1.0, 2.0, 3.0])


class Params:
    k = 2.0


class Config:
    def __init__(self):
        self.scale = 3.0


CONFIG = Config()


def weighted(x):
    return np.sum(WEIGHTS * np.sin(x)) * Params.k * CONFIG.scale


def _expected_gradient(x):
    return WEIGHTS * np.cos(x) * Params.k * CONFIG.scale


def _written_weights():
    WEIGHTS[1] *= 2.0


def _rebound_class_attribute():
    Params.k = 5.0


def _undo():
    global WEIGHTS
    WEIGHTS = np.array([1.0, 2.0, 3.0])
    Params.k = 2.0
    CONFIG.scale = 3.0


@pytest.mark.parametrize("change, message", [
    (_written_weights, r"vjp pullback: the global WEIGHTS of test_reach_probes was written into after vjp was "
                       r"called, .*call the pullback before changing it in place, or call vjp again after the change"),
    (_rebound_class_attribute, r"vjp pullback: Params\.k \(of the class Params\) was rebound after vjp was called, "
                               r".*call vjp again after the change"),
])
def test_the_pullback_refuses_what_f_reads_changed_since_vjp(change, message):
    x = rng.normal(size=3)
    try:
        out, pullback = astgrad.vjp(weighted, x)
        change()
        with pytest.raises(ValueError, match=message):
            pullback(1.0)
    finally:
        _undo()
    out, pullback = astgrad.vjp(weighted, x)      # the next vjp works
    assert_close(pullback(1.0)[0], numerical_grad(weighted, (x,)))
    assert_close(out, weighted(x))


def test_the_pullback_reads_an_object_s_attribute_as_vjp_found_it():
    x = rng.normal(size=3)
    try:
        out, pullback = astgrad.vjp(weighted, x)
        expected = numerical_grad(weighted, (x,))
        CONFIG.scale = 10.0
        assert_close(pullback(1.0)[0], expected)        # the derivative of the function out came from
        assert CONFIG.scale == 10.0                     # left as rebound
    finally:
        _undo()


def rebinds_weights(x):
    global WEIGHTS
    WEIGHTS = WEIGHTS + 1.0     # f itself rebinding the global: not a change since vjp
    return np.sum(WEIGHTS * x)


def test_a_global_array_f_rebinds_is_not_refused():
    x = rng.normal(size=3)
    try:
        out, pullback = astgrad.vjp(rebinds_weights, x)
        assert_close(WEIGHTS, [2.0, 3.0, 4.0])
        assert_close(out, np.sum(WEIGHTS * x))
        assert_close(pullback(1.0)[0], [2.0, 3.0, 4.0])
        assert_close(WEIGHTS, [2.0, 3.0, 4.0])          # as one call leaves it
    finally:
        _undo()


class Counted:
    calls = 0


def count_call():
    Counted.calls += 1


def counts_calls(x):
    count_call()                # f itself changing a class attribute it reads: not a change since vjp
    return np.sum(np.sin(x)) * Params.k * min(Counted.calls, 1)


def test_a_class_attribute_f_changes_is_not_refused():
    x = rng.normal(size=3)
    Counted.calls = 0
    out, pullback = astgrad.vjp(counts_calls, x)
    assert Counted.calls == 1
    assert_close(pullback(1.0)[0], 2.0 * np.cos(x))
    assert Counted.calls == 1
    assert_close(out, 2.0 * np.sum(np.sin(x)))
