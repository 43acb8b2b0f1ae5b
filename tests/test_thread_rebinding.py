"""A global another thread rebinds while a gradient runs.

The guards (guards.py) choose the code made for what the globals hold before the call;
the code then holds those objects (pipeline.pinned_names), so the value and the
derivative come from one run of the function, as Python could have run it. The other
thread's rebinding is injected deterministically: a profile hook rebinds the global when
the generated function is entered, which is after the guard check."""

import functools
import importlib.util
import os
import sys
import threading
import time
import types

import numpy as np
import pytest

import astgrad
from astgrad import caching
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp
from test_disk_cache_keys import cache_dir  # noqa: F401 - the disk cache on, in a directory of its own

ACT = np.sin
K = 2.0
X = np.array([0.3, 0.7])


def f(x):
    return np.sum(ACT(x)) * K


def scaled(x):
    return ACT(x) * K


def outer(x):
    return np.sum(scaled(x))


def _set_act(act):
    global ACT
    ACT = act


def _generated(frame):
    return frame.f_code.co_filename.startswith("<astgrad") and frame.f_code.co_name.startswith(("grad_", "jvp_"))


def _rebinding_on_entry(call, set_act=_set_act, entered=_generated):
    """``call()`` with ACT rebound to tanh as the first function ``entered`` says (by its
    frame: the first generated one) starts to run."""
    def hook(frame, event, _arg):
        if event == "call" and entered(frame):
            sys.setprofile(None)
            set_act(np.tanh)
    set_act(np.sin)
    call()                          # generated for sin, so the next call runs that code
    sys.setprofile(hook)
    try:
        return call()
    finally:
        sys.setprofile(None)


def _with_sin(fn):
    """``fn`` as it computes while ACT is sin (the run the guards chose)."""
    def run(x):
        saved = ACT
        _set_act(np.sin)
        try:
            return fn(x)
        finally:
            _set_act(saved)
    return run


MODES = {
    "grad": (lambda fn: astgrad.grad(fn)(X), lambda fn: numerical_grad(fn, (X,))),
    "value_and_grad": (lambda fn: astgrad.value_and_grad(fn)(X), lambda fn: (fn(X), numerical_grad(fn, (X,)))),
    "vjp": (lambda fn: (lambda out, pullback: (out, pullback(1.0)[0]))(*astgrad.vjp(fn, X)),
            lambda fn: (fn(X), numerical_grad(fn, (X,)))),
    "jvp": (lambda fn: astgrad.jvp(fn, (X,), (np.array([1.0, -0.5]),)),
            lambda fn: (fn(X), numerical_jvp(fn, (X,), (np.array([1.0, -0.5]),)))),
    "hessian": (lambda fn: astgrad.hessian(fn)(X), lambda fn: numerical_hessian(astgrad.grad(fn), (X,))),
}


@pytest.mark.parametrize("mode", list(MODES))
def test_the_code_runs_with_the_global_its_guards_checked(mode):
    run, expected = MODES[mode]
    try:
        got = _rebinding_on_entry(lambda: run(f))
        assert ACT is np.tanh       # the rebinding happened, during the call
        assert_close(got, _with_sin(lambda x: expected(f))(X), 1e-5, 1e-6)
        # the next call follows the rebinding
        assert_close(run(f), expected(f), 1e-5, 1e-6)
    finally:
        _set_act(np.sin)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_callee_s_derivative_runs_with_the_global_its_guards_checked(mode):
    run, expected = MODES[mode]
    try:
        got = _rebinding_on_entry(lambda: run(outer))
        assert ACT is np.tanh
        assert_close(got, _with_sin(lambda x: expected(outer))(X), 1e-5, 1e-6)
        assert_close(run(outer), expected(outer), 1e-5, 1e-6)
    finally:
        _set_act(np.sin)


H = types.ModuleType("thread_rebinding_helpers")   # a module of the user's, read as H.act
H.act = np.sin


class Box:
    pass


BOX = Box()
BOX.fn = np.sin
CONFIG = types.SimpleNamespace(act=np.sin)


def through_module(x):
    return np.sum(H.act(x)) * K


def through_object(x):
    return np.sum(BOX.fn(x)) * K


def through_namespace(x):
    return np.sum(CONFIG.act(x)) * K


def _set_attributes(act):
    H.act = BOX.fn = CONFIG.act = act


@pytest.mark.parametrize("mode", ["grad", "value_and_grad", "vjp", "jvp"])
@pytest.mark.parametrize("fn", [through_module, through_object, through_namespace])
def test_the_code_runs_with_the_attribute_its_guards_checked(fn, mode):
    run, expected = MODES[mode]

    def with_sin(x):
        _set_attributes(np.sin)
        return expected(fn)
    try:
        got = _rebinding_on_entry(lambda: run(fn), _set_attributes)
        assert H.act is np.tanh
        assert_close(got, with_sin(X), 1e-5, 1e-6)
        _set_attributes(np.tanh)
        assert_close(run(fn), expected(fn), 1e-5, 1e-6)     # the next call follows the rebinding
    finally:
        _set_attributes(np.sin)


def test_the_attribute_held_is_named_in_the_source():
    assert "# as checked before the call: H_act is H.act" in astgrad.grad(through_module).source


def _flipping_reads(monkeypatch):
    """Another thread rebinding ACT (sin <-> tanh) between any two reads of it while code
    is generated: each time generation reads it, it is rebound after the read."""
    from astgrad.frontend.source import FunctionSource
    resolve = FunctionSource.resolve

    def read_then_rebound(self, identifier):
        obj = resolve(self, identifier)
        if identifier == "ACT":
            _set_act(np.tanh if ACT is np.sin else np.sin)
        return obj
    monkeypatch.setattr(FunctionSource, "resolve", read_then_rebound)
    return lambda: monkeypatch.setattr(FunctionSource, "resolve", resolve)


def _as_with(act, compute):
    """``compute()`` while ACT is ``act``."""
    saved = ACT
    _set_act(act)
    try:
        return compute()
    finally:
        _set_act(saved)


def _is_one_run(got, fn, expected):
    """Whether ``got`` is the value and derivative of ``fn`` as it computes with sin, or with tanh."""
    for act in (np.sin, np.tanh):
        try:
            assert_close(got, _as_with(act, lambda: expected(fn)), 1e-5, 1e-6)
            return True
        except AssertionError:
            pass
    return False


@pytest.mark.parametrize("mode", [mode for mode in MODES if mode != "vjp"])     # vjp: see below
@pytest.mark.parametrize("fn", [f, outer])
def test_code_made_while_the_global_is_rebound_is_made_for_one_object(fn, mode, monkeypatch):
    """Generation reads each name once: the rule it chooses and the object the code holds
    are the same, however often another thread rebinds the name meanwhile (read several
    times, sin's rule could be paired with tanh held: value and derivative of no run)."""
    run, expected = MODES[mode]
    astgrad.clear_cache()
    try:
        stop = _flipping_reads(monkeypatch)
        got = run(fn)
        stop()
        assert _is_one_run(got, fn, expected)
        for act in (np.tanh, np.sin):       # the next calls follow the binding
            assert_close(_as_with(act, lambda: run(fn)), _as_with(act, lambda: expected(fn)), 1e-5, 1e-6)
    finally:
        _set_act(np.sin)


@pytest.mark.parametrize("mode", ["value_and_grad", "jvp"])
def test_code_made_while_the_global_is_rebound_is_stored_on_disk_for_one_object(mode, monkeypatch, cache_dir):
    """Code made for one object is stored for that object; code whose names were read
    meaning two objects is not stored (loaded in a later process while the name means
    the first, it held the second)."""
    run, expected = MODES[mode]
    astgrad.clear_cache()
    try:
        stop = _flipping_reads(monkeypatch)
        run(f)
        stop()
        for act in (np.sin, np.tanh):
            astgrad.clear_cache()           # as a new process: what is on disk
            assert_close(_as_with(act, lambda: run(f)), _as_with(act, lambda: expected(f)), 1e-5, 1e-6)
    finally:
        _set_act(np.sin)


def test_code_whose_name_meant_two_objects_is_not_stored():
    from astgrad import disk_entries
    assert disk_entries.described_dependencies([(("ACT",), (np.sin,)), (("ACT",), (np.sin,))]) is not None
    assert disk_entries.described_dependencies([(("ACT",), (np.sin,)), (("ACT",), (np.tanh,))]) is None


def test_tape_records_the_object_the_function_called():
    """The tape runs the function once and records what it called: a rebinding at each
    step astgrad takes changes nothing in the recorded program."""
    def flip(frame, event, _arg):
        if event == "call" and "astgrad" in frame.f_code.co_filename:
            _set_act(np.tanh if ACT is np.sin else np.sin)
    try:
        x = astgrad.tensor(X, requires_grad=True)
        sys.setprofile(flip)
        try:
            out = f(x)
            (gradient,) = astgrad.autograd.grad(out, [x])
        finally:
            sys.setprofile(None)
        got = (float(out.detach().numpy()), gradient.detach().numpy())
        assert _is_one_run(got, f, MODES["value_and_grad"][1])
    finally:
        _set_act(np.sin)


def _pullback_made(frame):
    return frame.f_code.co_name == "__init__" and type(frame.f_locals.get("self")).__name__ == "Pullback"


@pytest.mark.parametrize("mode", ["value_and_grad"])
def test_the_value_comes_from_the_same_run_as_the_derivative(mode, fn=outer, entered=_generated):
    """A callee's value in reverse mode comes from its value code, made with its
    derivative and holding the same objects: not from calling the callee, which would
    read the global when it runs."""
    run, expected = MODES[mode]
    assert "t = value_scaled(x)" in astgrad.value_and_grad(fn).source
    try:
        got = _rebinding_on_entry(lambda: run(fn), entered=entered)
        assert ACT is np.tanh
        assert_close(got, _with_sin(lambda x: expected(fn))(X), 1e-5, 1e-6)     # as the guards chose
    finally:
        _set_act(np.sin)


def outer_again(x):
    return np.sum(scaled(x))


def test_code_whose_callee_s_value_and_derivative_were_made_for_two_objects_is_made_again(monkeypatch):
    """Another thread rebinds ACT (sin <-> tanh) each time outer_again's generation has
    taken scaled's derivative and is about to take its value code, 3 times: the code
    made would apply one function's derivative to the other's value. It is made again
    before it runs, for what ACT means then."""
    from astgrad.modes import adjoint_sweep
    call_value_code, flips = adjoint_sweep.call_value_code, [3]

    def rebinding_first(mode, stmt, op):
        if flips[0]:
            flips[0] -= 1
            _set_act(np.tanh if ACT is np.sin else np.sin)
        return call_value_code(mode, stmt, op)
    run, expected = MODES["value_and_grad"]
    astgrad.clear_cache()
    _set_act(np.sin)
    run(outer)                  # scaled's derivative and value code, made for sin
    monkeypatch.setattr(adjoint_sweep, "call_value_code", rebinding_first)
    try:
        got = run(outer_again)
        assert flips == [0]
        assert_close(got, expected(outer_again), 1e-5, 1e-6)        # the value and derivative for ACT now
    finally:
        _set_act(np.sin)
    assert_close(run(outer_again), expected(outer_again), 1e-5, 1e-6)     # the next call follows the binding


def test_code_whose_names_are_rebound_at_every_generation_is_refused(monkeypatch):
    from astgrad.modes import adjoint_sweep
    call_value_code = adjoint_sweep.call_value_code

    def rebinding_each_time(mode, stmt, op):
        _set_act(np.tanh if ACT is np.sin else np.sin)
        return call_value_code(mode, stmt, op)
    astgrad.clear_cache()
    astgrad.value_and_grad(outer)(X)
    monkeypatch.setattr(adjoint_sweep, "call_value_code", rebinding_each_time)
    try:
        with pytest.raises(astgrad.TransformError, match=r"test_thread_rebinding\.py:\d+: the derivative of "
                                                         r"outer_again: a name it depends on \(ACT, a global of "
                                                         r"module test_thread_rebinding\) was rebound \(by another "
                                                         r"thread\) during each of 8 generations.*a call made while "
                                                         r"the name stays bound works\. Rebind it from one thread at "
                                                         r"a time \(a lock held .*\), or pass the function as an "
                                                         r"argument"):
            astgrad.value_and_grad(outer_again)(X)
    finally:
        monkeypatch.setattr(adjoint_sweep, "call_value_code", call_value_code)
        _set_act(np.sin)
    run, expected = MODES["value_and_grad"]
    assert_close(run(outer_again), expected(outer_again), 1e-5, 1e-6)      # the next call works


def _rebinding_at(call, flips, at):
    """``call()`` with ACT rebound (sin <-> tanh) at each profile event ``at(frame, event)``
    says, ``flips`` times at most: another thread rebinding it at that moment of vjp."""
    left = [flips]

    def hook(frame, event, _arg):
        if left[0] and at(frame, event):
            left[0] -= 1
            _set_act(np.tanh if ACT is np.sin else np.sin)
    _set_act(np.sin)
    sys.setprofile(hook)
    try:
        return call()
    finally:
        sys.setprofile(None)


def _returning(name):
    """A profile event: the generated function ``name`` returns."""
    return lambda frame, event: event == "return" and frame.f_code.co_name == name \
        and frame.f_code.co_filename.startswith("<astgrad")


def _value_code_chosen(frame, event):
    """A profile event: vjp chooses f's value code, having chosen the pullback's code."""
    return event == "call" and frame.f_code.co_name == "value_code" and frame.f_code.co_filename.endswith("caching.py")


@pytest.mark.parametrize("when", ["as-the-pullback-is-made", "as-f-s-value-code-returns",
                                  "as-a-callee-s-value-code-returns"])
def test_vjp_s_value_and_pullback_are_of_the_run_the_guards_chose(when):
    """vjp's value comes from f's value code, which holds the objects the guards checked
    as the pullback's code holds them (also in a callee's value code): a rebinding after
    they were chosen changes neither. Both are for sin."""
    run, expected = MODES["vjp"]
    try:
        if when == "as-the-pullback-is-made":
            got = _rebinding_on_entry(lambda: run(f), entered=_pullback_made)
        else:
            fn, name = (f, "value_f") if when == "as-f-s-value-code-returns" else (outer, "value_scaled")
            assert "t = value_scaled(x)" in caching.value_code(outer).source      # a callee's value code
            got = _rebinding_at(lambda: run(fn), 1, _returning(name))
        assert ACT is np.tanh
        assert_close(got, _with_sin(lambda x: expected(f if when == "as-the-pullback-is-made" else fn))(X),
                     1e-5, 1e-6)
    finally:
        _set_act(np.sin)


@pytest.mark.parametrize("fn", [f, outer])
def test_vjp_s_value_and_pullback_chosen_for_two_functions_are_made_again(fn):
    """A rebinding between the choice of the pullback's code and that of the value code
    (they would be of two functions) has both chosen again, for the function ACT means then."""
    run, expected = MODES["vjp"]
    try:
        got = _rebinding_at(lambda: run(fn), 1, _value_code_chosen)
        assert ACT is np.tanh
        assert_close(got, expected(fn), 1e-5, 1e-6)        # both for tanh: made again
    finally:
        _set_act(np.sin)


CALLS = 0


def counted(x):
    global CALLS
    CALLS += 1
    return np.sum(ACT(x)) * CALLS


def test_vjp_made_again_starts_from_the_globals_f_found():
    """f rebinds a global: run again after a rebinding, it starts from the value it found
    (the value, the pullback and the global as one run leaves them)."""
    global CALLS
    CALLS = 0
    try:
        out, pullback = _rebinding_at(lambda: astgrad.vjp(counted, X), 1, _value_code_chosen)
        assert ACT is np.tanh and CALLS == 1
        assert_close(out, np.sum(np.tanh(X)), 1e-12, 1e-12)
        assert_close(pullback(1.0)[0], 1.0 - np.tanh(X) ** 2, 1e-12, 1e-12)
    finally:
        _set_act(np.sin)


def test_vjp_refuses_a_name_rebound_at_every_run():
    try:
        with pytest.raises(astgrad.TransformError, match=r"test_thread_rebinding\.py:\d+: vjp of f: a name it "
                                                         r"depends on \(ACT, a global of module "
                                                         r"test_thread_rebinding\) was rebound .*during each of 8 "
                                                         r"runs.*Rebind it from one thread at a time"):
            _rebinding_at(lambda: astgrad.vjp(f, X), 1000, _value_code_chosen)
        _set_act(np.sin)
        run, expected = MODES["vjp"]
        assert_close(run(f), expected(f), 1e-5, 1e-6)           # the next call works
    finally:
        _set_act(np.sin)



def _rebound_around_the_gradient_s_call(call):
    """``call()`` with ACT rebound to tanh as the first gradient's call starts, before it
    chooses its code, and bound back to sin as that call returns: another thread's
    rebinding, held for the gradient's call only."""
    depth = [0]

    def hook(frame, event, _arg):
        if frame.f_code.co_name == "__call__" and type(frame.f_locals.get("self")) is astgrad.api.Derivative:
            depth[0] += 1 if event == "call" else -1 if event == "return" else 0
            if event == "call" and depth[0] == 1:
                _set_act(np.tanh)
            elif event == "return" and depth[0] == 0:
                sys.setprofile(None)
                _set_act(np.sin)
                depth.append("bound back")
    _set_act(np.sin)
    call()                      # the codes made for sin, and those for tanh: both cached
    _as_with(np.tanh, call)
    sys.setprofile(hook)
    try:
        got = call()
    finally:
        sys.setprofile(None)
    assert depth == [0, "bound back"]       # the window was made
    return got


@pytest.mark.parametrize("fn", [f, outer])
def test_vjp_of_a_gradient_pairs_the_value_with_the_pullback_of_its_run(fn):
    """vjp(grad(fn)): the value comes from the gradient's call, which chooses its code
    (made for tanh, in the window) apart from the pullback's (made for sin): the two are
    checked against each other and chosen again, for sin, rather than paired."""
    def run():
        out, pullback = astgrad.vjp(astgrad.grad(fn), X)
        return out, pullback(V)[0]
    got = _rebound_around_the_gradient_s_call(run)
    assert ACT is np.sin
    # the Hessian is symmetric: the pullback of V is the Hessian-vector product
    assert_close(got, (numerical_grad(fn, (X,)), numerical_jvp(astgrad.grad(fn), (X,), (V,))), 1e-5, 1e-6)
    assert_close(_as_with(np.tanh, run), _as_with(np.tanh, lambda: (numerical_grad(fn, (X,)), numerical_jvp(
        astgrad.grad(fn), (X,), (V,)))), 1e-5, 1e-6)        # the next call follows the binding


def _closure_over_act():
    act = np.sin

    def through_closure(x):
        return np.sum(act(x)) * K

    def set_act(new):
        nonlocal act
        act = new
    return through_closure, set_act


@pytest.mark.parametrize("mode", ["grad", "value_and_grad", "vjp", "jvp"])
def test_the_code_runs_with_the_closure_variable_its_guards_checked(mode):
    run, expected = MODES[mode]
    fn, set_act = _closure_over_act()
    got = _rebinding_on_entry(lambda: run(fn), set_act)
    assert fn.__closure__[0].cell_contents is np.tanh       # rebound, during the call
    assert_close(got, expected(_closure_over_act()[0]), 1e-5, 1e-6)     # as sin gives it
    assert_close(run(fn), expected(fn), 1e-5, 1e-6)         # the next call follows the rebinding


def test_a_helper_rebinding_a_closure_variable_the_code_calls_is_refused():
    def make():
        act = np.sin

        def use_tanh(x):
            nonlocal act
            act = np.tanh
            return x

        def fn(x):
            return np.sum(act(use_tanh(x)))
        return fn
    fn = make()
    with pytest.raises(astgrad.TransformError, match=r"test_thread_rebinding\.py:\d+: .*a read of act that "
                                                     r"the helper .*use_tanh rebinds.*pass the functions in"):
        astgrad.grad(fn)(X)
    assert_close(astgrad.grad(f)(X), numerical_grad(f, (X,)), 1e-5, 1e-6)      # the next transform works


def scaled_by_k(x):
    return np.sum(np.sin(x) * K)


def _set_k(value):
    global K
    K = value


def test_a_global_number_rebound_between_the_sweeps():
    run = astgrad.value_and_grad(scaled_by_k)
    run(X)

    def hook(frame, event, _arg):
        if event == "call" and frame.f_code.co_name == "unreduce":     # the adjoint's first step
            sys.setprofile(None)
            _set_k(3.0)
    sys.setprofile(hook)
    try:
        value, gradient = run(X)
    finally:
        sys.setprofile(None)
    rebound = K
    _set_k(2.0)
    assert rebound == 3.0
    assert_close((value, gradient), (scaled_by_k(X), numerical_grad(scaled_by_k, (X,))), 1e-5, 1e-6)


def k_twice(x):
    y = x * K
    return np.sum(np.tanh(y)) * K


def k_in_a_loop(x):
    s = 0.0
    for i in range(2):
        s = s + np.sum(np.sin(x * K)) * K
    return s


V = np.array([1.0, -0.5])
ONE_CALL = dict(MODES, hvp=(lambda fn: astgrad.jvp(astgrad.grad(fn), (X,), (V,)),
                            lambda fn: (numerical_grad(fn, (X,)), numerical_jvp(astgrad.grad(fn), (X,), (V,)))))
del ONE_CALL["hessian"]         # one call per column: each column reads K as its call starts


@pytest.mark.parametrize("mode", list(ONE_CALL))
@pytest.mark.parametrize("fn", [k_twice, k_in_a_loop])
def test_a_global_number_rebound_at_every_call_the_code_makes(fn, mode):
    """Each call the generated code makes flips K: every line reading K when it runs
    would mix the two, in the value and its derivative (to second order, too)."""
    run, expected = ONE_CALL[mode]
    run(fn)                 # generated for this K
    assert_close(_flipping_k(lambda: run(fn), lambda name: name.startswith("<astgrad")), expected(fn), 1e-5, 1e-6)


def _flipping_k(call, generated):
    """``call()`` while each call made by code in a file ``generated`` says is generated
    flips K between 2 and 3 (K is 2 again after it)."""
    def flip(frame, event, _arg):
        if event == "call" and frame.f_back is not None and generated(frame.f_back.f_code.co_filename) \
                and not frame.f_code.co_name.startswith("_"):     # np.sum's dispatcher, then np.sum: one flip
            _set_k(5.0 - K)
    sys.setprofile(flip)
    try:
        got = call()
    finally:
        sys.setprofile(None)
    flipped = K
    _set_k(2.0)
    assert flipped in (2.0, 3.0)
    return got


def test_the_exported_derivative_reads_the_global_once_too(tmp_path):
    path = tmp_path / "exported_k_twice.py"
    path.write_text(astgrad.export(k_twice))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert "K_1 = test_thread_rebinding.K" in path.read_text()
    got = _flipping_k(lambda: module.grad_k_twice(X), lambda name: name == str(path))
    # K flips at each call the module makes, so the K read as the call starts depends on how
    # many calls come before that read: the gradient is the one at K = 2 or the one at K = 3,
    # never a mix (a mix matches neither)
    at_k = []
    for k in (2.0, 3.0):
        _set_k(k)
        at_k.append(numerical_grad(k_twice, (X,)))
    _set_k(2.0)
    assert not np.allclose(at_k[0], at_k[1], rtol=1e-3)
    assert any(np.allclose(got, expected, rtol=1e-5, atol=1e-6) for expected in at_k), (got, at_k)


def test_the_global_read_once_is_named_in_the_source():
    source = astgrad.value_and_grad(k_twice).source
    assert source.splitlines()[1:3] == ["    # read once as the call starts, so that the value and the derivative "
                                        "use the same K", "    K_1 = K"]
    assert source.count("K_1") >= 4 and " K)" not in source.replace("# line", "")


MAYBE = 2.0


def reads_in_a_try(x):
    try:
        s = np.sum(np.sin(x) * MAYBE) * MAYBE
    except NameError:
        s = np.sum(x * x)
    return s


def test_a_global_read_in_a_try_block_is_read_where_python_reads_it():
    # read once as the call starts, a deleted global would raise before the try could catch it
    run = astgrad.value_and_grad(reads_in_a_try)
    assert_close(run(X), (reads_in_a_try(X), numerical_grad(reads_in_a_try, (X,))), 1e-5, 1e-6)
    global MAYBE
    del MAYBE
    try:
        assert_close(run(X), (reads_in_a_try(X), 2 * X), 1e-12, 1e-12)
    finally:
        MAYBE = 2.0


def test_threads_rebinding_the_global_get_consistent_results():
    """One thread cycles ACT through sin, tanh and exp while two call value_and_grad, jvp
    and vjp: every result is the value and derivative of one of the three."""
    versions = [np.sin, np.tanh, np.exp]
    allowed = []
    for act in versions:
        _set_act(act)
        allowed.append((astgrad.value_and_grad(f)(X), astgrad.jvp(f, (X,), (np.ones(2),))))
    stop, wrong = [], []

    def rebinder():
        while not stop:
            for act in versions:
                _set_act(act)
                time.sleep(0)

    def caller():
        deadline = time.perf_counter() + 0.3
        while time.perf_counter() < deadline:
            value, gradient = astgrad.value_and_grad(f)(X)
            primal, tangent = astgrad.jvp(f, (X,), (np.ones(2),))
            out, pullback = astgrad.vjp(f, X)
            for transform, pair in (("value_and_grad", (value, gradient)), ("vjp", (out, pullback(1.0)[0]))):
                if not any(np.isclose(pair[0], v) and np.allclose(pair[1], g) for (v, g), _ in allowed):
                    wrong.append((transform, *pair))
            if not any(np.isclose(primal, p) and np.isclose(tangent, t) for _, (p, t) in allowed):
                wrong.append(("jvp", primal, tangent))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    threads = [threading.Thread(target=rebinder)] + [threading.Thread(target=caller) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads[1:]:
            thread.join()
    finally:
        stop.append(True)
        threads[0].join()
        sys.setswitchinterval(interval)
        _set_act(np.sin)
    assert wrong == []


def sin_twice(x):
    return np.sin(x) * 2.0


def tanh_twice(x):
    return np.tanh(x) * 2.0


CALLEE = sin_twice


def through_callee(x):
    return np.sum(CALLEE(x))


def _set_callee(callee):
    global CALLEE
    CALLEE = callee


# (value, gradient) at X of f, outer and through_callee (K = 2), as ACT or CALLEE is one or the other
_OF_SIN, _OF_TANH = (2 * np.sum(np.sin(X)), 2 * np.cos(X)), (2 * np.sum(np.tanh(X)), 2 / np.cosh(X) ** 2)


def _vjp_pair(fn):
    out, pullback = astgrad.vjp(fn, X)
    return out, pullback(1.0)[0]


_ENGINE = os.path.join(os.path.dirname(astgrad.__file__), "")     # astgrad's own modules


def _flipped_around(call, k, flip, counted=lambda code: _ENGINE not in code.co_filename):
    """``call()`` with ``flip()`` as the ``k``-th Python frame it runs outside astgrad's
    modules starts (the user's code, NumPy's, the generated code and its guards; or the
    frames of the code objects ``counted`` says), and again as that frame returns: another
    thread rebinding a name and then rebinding it back, at any moment of those and for any
    stretch of them."""
    count, around = [0], []

    def hook(frame, event, _arg):
        if event == "call" and counted(frame.f_code):
            count[0] += 1
            if count[0] == k:
                around.append(frame)
                flip()
        elif event == "return" and around and frame is around[0]:
            around.append(None)
            flip()
    sys.setprofile(hook)
    try:
        got = call()
    finally:
        sys.setprofile(None)
    return got, count[0], len(around)


@pytest.mark.parametrize("fn, name", [(f, "ACT"), (outer, "ACT"), (through_callee, "CALLEE")])
def test_vjp_s_value_and_pullback_never_mix_two_bindings(fn, name):
    """A global (or a global callee) rebound and rebound back around each frame vjp and
    its pullback run, one at a time: each (value, gradient) pair is that of one binding.
    (Taken from f's own call while the pullback's code held the objects the guards
    checked, the value of one binding came with the gradient of the other.)"""
    use, first, other = (_set_act, np.sin, np.tanh) if name == "ACT" else (_set_callee, sin_twice, tanh_twice)

    def flip():
        use(other if (ACT if name == "ACT" else CALLEE) is first else first)
    use(first)
    _vjp_pair(fn)                   # made for the first binding
    frames = _flipped_around(lambda: _vjp_pair(fn), 0, flip)[1]
    mixed, flipped_back = [], 0
    try:
        for k in range(1, frames + 1):
            got, _, flips = _flipped_around(lambda: _vjp_pair(fn), k, flip)
            flipped_back += flips == 2
            if not any(np.allclose(got[0], value) and np.allclose(got[1], gradient)
                       for value, gradient in (_OF_SIN, _OF_TANH)):
                mixed.append((k, got))
            use(first)
    finally:
        use(first)
    assert flipped_back > frames // 2       # the stretches were rebound and rebound back
    assert mixed == []


class Model:
    def __init__(self):
        self.k = 2.0

    def loss(self, x):
        return np.sum(ACT(x)) * self.k


def scaled_by(x, k):
    return np.sum(ACT(x)) * k


def act_of(x):
    return ACT(x)


def applied(fn, x):
    return np.sum(fn(x)) * K


def fill(out, x):
    out[:] = ACT(x)


def filled(x):
    y = np.zeros(2)
    fill(y, x)
    return np.sum(y) * K


def logged(x, log):
    log.append(1)
    return np.sum(ACT(x)) * K


# each kind of function vjp takes its value from: (made, primals, the (value, derivative)
# pairs as ACT is sin or tanh); the derivative with respect to X (of f's gradient: its
# Hessian, diagonal, applied to ones)
_KINDS = {
    "bound method": (lambda: Model().loss, (X,), (_OF_SIN, _OF_TANH)),
    "partial": (lambda: functools.partial(scaled_by, k=2.0), (X,), (_OF_SIN, _OF_TANH)),
    "function argument": (lambda: applied, (act_of, X), (_OF_SIN, _OF_TANH)),
    "helper writing into an array": (lambda: filled, (X,), (_OF_SIN, _OF_TANH)),
    "writing into its argument": (lambda: logged, (X, []), (_OF_SIN, _OF_TANH)),
    "gradient": (lambda: astgrad.grad(f), (X,), ((2 * np.cos(X), -2 * np.sin(X)),
                                                 (2 / np.cosh(X) ** 2, -4 * np.tanh(X) / np.cosh(X) ** 2))),
}


def _kind_pair(mode, fn, primals):
    """(value, derivative with respect to X) of ``fn`` by ``mode`` (jvp's tangent: ones)."""
    at = next(k for k, primal in enumerate(primals) if primal is X)
    if mode == "vjp":
        out, pullback = astgrad.vjp(fn, *primals)
        return out, pullback(np.ones_like(out))[at]
    if mode == "value_and_grad":
        return astgrad.value_and_grad(fn, at)(*primals)
    return astgrad.jvp(fn, primals, tuple(np.ones(2) if k == at else None for k in range(len(primals))))


def _user_or_generated(code):
    return code.co_filename == __file__ or code.co_filename.startswith("<astgrad")


# vjp for each kind; value_and_grad and jvp (one run gives the value and the derivative) for
# each kind by one of them: value_and_grad takes functions giving a number
_KIND_MODES = [(kind, "vjp") for kind in _KINDS] + [(kind, "jvp" if kind == "gradient" else "value_and_grad")
                                                    for kind in _KINDS]


@pytest.mark.parametrize("kind, mode", _KIND_MODES)
def test_the_value_beside_the_derivative_is_of_one_binding_for_every_kind_of_function(kind, mode):
    """ACT rebound and rebound back around each frame of the user's code or of generated
    code that the transform runs, one at a time: the value and the derivative are of one
    binding. (vjp took the value of a bound method, a partial, a function made for the
    function it is given and one writing into what it is given from its own call, which
    read ACT when its line ran, while the pullback's code held sin: the value of tanh
    came with the derivative of sin.)"""
    make, primals, pairs = _KINDS[kind]
    fn = make()
    _set_act(np.sin)
    _kind_pair(mode, fn, primals)           # made for sin
    frames = _flipped_around(lambda: _kind_pair(mode, fn, primals), 0, _flip_act, _user_or_generated)[1]
    mixed, flipped_back = [], 0
    try:
        for k in range(1, frames + 1):
            got, _, flips = _flipped_around(lambda: _kind_pair(mode, fn, primals), k, _flip_act, _user_or_generated)
            flipped_back += flips == 2
            if not any(np.allclose(got[0], value) and np.allclose(got[1], derivative) for value, derivative in pairs):
                mixed.append((k, got))
            _set_act(np.sin)
    finally:
        _set_act(np.sin)
    assert flipped_back > frames // 2 > 0      # the stretches were rebound and rebound back
    assert mixed == []


def _flip_act():
    _set_act(np.tanh if ACT is np.sin else np.sin)


def appended(x, log, kept=[]):     # noqa: B006 - the default list Python keeps from call to call
    log.append(1)
    kept.append(1)
    return np.sum(np.sin(x))


def test_vjp_leaves_what_its_value_writes_into_as_python_s_call_does():
    """Its value code writes into its own copy of a primal (vjp copies them: the caller's
    list stays as it was) and calls f itself where f writes into an object it is not
    given (its default list grows by one, as the call makes it)."""
    log, kept = [], appended.__defaults__[0]
    del kept[:]
    out, pullback = astgrad.vjp(appended, X, log)
    assert (log, kept) == ([], [1])
    assert_close((out, pullback(1.0)[0]), (np.sum(np.sin(X)), np.cos(X)), 1e-12, 1e-12)
