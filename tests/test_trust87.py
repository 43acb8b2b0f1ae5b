"""A refusal leaves the state as it was, wherever the refused write is reached from.

A write into an item of an array an object's class holds (``s.arr[1] += w``, every
instance sees it) is refused by every derivative. Written in the differentiated function
itself it was refused before anything ran; reached through a callee (a lambda, a
functools.partial, a helper, a method, a helper calling it through another module's
attribute) the function's value code, or the gradient's code, called the callee as it is
first, which changed the class's array before the refusal. Now each transform refuses
before anything changed: the class's array, the module's globals and the caller's
argument are as they were. An object holding its own array is still followed through
the same forms (against central differences)."""

import functools

import numpy as np
import pytest

import astgrad
import trust87_programs as programs
from breadth_modes import THOROUGH, check

X4 = np.array([0.7, -1.3, 0.4, 2.1])
X6 = np.array([0.7, -1.3, 0.4, 2.1, -0.6, 1.1])
REFUSAL = r"trust87_programs\.py:\d+: this writes into a list, dict or array the Held object does not hold itself"


def _forms(g):
    """The differentiated function reaching ``g`` in each way a user writes one."""
    def helper(x, w):
        return 2.0 * g(x, w) + np.sum(x) * 0.0

    def through_module(x, w):
        return programs.class_item_write(x, w)

    def through_module_own(x, w):
        return programs.own_item_write(x, w)

    class Model:
        def loss(self, x, w):
            return g(x, w)

    return {"lambda": lambda x, w: g(x, w), "partial": functools.partial(g), "helper": helper,
            "module_attribute": through_module if g is programs.class_item_write else through_module_own,
            "method": Model().loss}


def _transforms(f, x):
    seed = np.linspace(-0.4, 0.9, x.size)
    return {"grad": lambda: astgrad.grad(f, wrt=(0, 1))(x, 0.8),
            "value_and_grad": lambda: astgrad.value_and_grad(f)(x, 0.8),
            "vjp": lambda: astgrad.vjp(f, x, 0.8)[1](1.0),
            "jvp": lambda: astgrad.jvp(f, (x, 0.8), (seed, 0.7)),
            "hessian": lambda: astgrad.hessian(f)(x, 0.8),
            "jacobian": lambda: astgrad.jacobian(f)(x, 0.8),
            "jvp_of_grad": lambda: astgrad.jvp(astgrad.grad(f), (x, 0.8), (seed, 0.0))}


TRANSFORMS = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jacobian", "jvp_of_grad")
FORMS = ("lambda", "partial", "helper", "module_attribute", "method")


@pytest.mark.parametrize("transform", TRANSFORMS)
@pytest.mark.parametrize("form", FORMS)
def test_a_refusal_through_a_callee_leaves_the_state_as_it_was(form, transform):
    programs.reset()
    x = X4.copy()
    f = _forms(programs.class_item_write)[form]
    with pytest.raises(TypeError, match=REFUSAL):
        _transforms(f, x)[transform]()
    assert np.array_equal(programs.Held.arr, np.zeros(3)), f"{transform} of the {form} changed Held.arr"
    assert np.array_equal(x, X4), f"{transform} of the {form} changed its argument"
    # Python's own call changes the class's array: it is the write that is refused
    assert f(X4.copy(), 0.8) == pytest.approx(2.0 * 0.8 * np.sum(X4) if form == "helper" else 0.8 * np.sum(X4))
    assert programs.Held.arr[1] == 0.8
    programs.reset()


def test_a_refusal_comes_again_at_the_next_call():
    """The check is made at each call (a gradient's fast path too), not only at the first."""
    f = _forms(programs.class_item_write)["lambda"]
    gradient = astgrad.grad(f, wrt=(0, 1))
    for _ in range(3):
        programs.reset()
        with pytest.raises(TypeError, match=REFUSAL):
            gradient(X4.copy(), 0.8)
        assert np.array_equal(programs.Held.arr, np.zeros(3))


MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")


def _followed():
    """Each form of the followed program in one mode in CI (the modes in turn: each runs
    on at least three forms-and-shapes), all modes when thorough."""
    k = 0
    for form in FORMS:
        for x, shape in ((X4, "4"), (X6, "6")):
            modes = MODES if THOROUGH else (MODES[k % len(MODES)],)
            k += 1
            for mode in modes:
                yield pytest.param(form, x, mode, id=f"{form}-{shape}-{mode}")


@pytest.mark.parametrize("form, x, mode", list(_followed()))
def test_a_write_into_an_objects_own_array_through_a_callee_is_followed(form, x, mode):
    check(mode, _forms(programs.own_item_write)[form], (x, 0.8), (0, 1))


def test_every_mode_runs_on_three_followed_forms_in_ci():
    if THOROUGH:
        return
    chosen = [p.values[2] for p in _followed()]
    assert all(chosen.count(mode) >= 1 for mode in MODES) and len(chosen) == 10


CALLEE = programs.own_item_write


def _through_a_global(x, w):
    return CALLEE(x, w)


@pytest.mark.parametrize("transform", ["grad", "vjp", "hessian"])
def test_a_callee_rebound_to_a_refused_writer_is_refused_before_it_changes(transform):
    """The callees are read again at each call: a global rebound to the writer since."""
    global CALLEE
    programs.reset()
    try:
        CALLEE = programs.own_item_write
        _transforms(_through_a_global, X4.copy())[transform]()     # followed
        CALLEE = programs.class_item_write
        with pytest.raises(TypeError, match=REFUSAL):
            _transforms(_through_a_global, X4.copy())[transform]()
        assert np.array_equal(programs.Held.arr, np.zeros(3)), f"{transform} changed Held.arr"
    finally:
        CALLEE = programs.own_item_write
        programs.reset()


@pytest.mark.parametrize("transform", TRANSFORMS)
@pytest.mark.parametrize("form", ["callee", "own_lines"])
def test_a_global_rebound_before_the_refused_write_is_as_it_was(form, transform):
    """``count()`` (``global CALLS; CALLS += 1``) called before the refused write, or the
    function's own ``CALLS += 1`` before it: the check run rebinds the global too, and
    puts it back."""
    programs.reset()
    f = programs.counted_class_item_write if form == "callee" else programs.counting_class_item_write
    with pytest.raises(TypeError, match=REFUSAL):
        _transforms(f, X4.copy())[transform]()
    changed = (programs.CALLS, programs.Held.arr.copy())
    programs.reset()
    assert changed[0] == 0, f"{transform} rebound CALLS"
    assert np.array_equal(changed[1], np.zeros(3)), f"{transform} changed Held.arr"
