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
from fd import assert_close

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
