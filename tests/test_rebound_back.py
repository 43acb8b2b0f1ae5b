"""A name rebound, between calls of one transform, to what it meant before: a global
switched back to an earlier activation, a helper's global put back, a method put back on
its class, a closure variable set back. The code made for each meaning is kept and used
again while that meaning holds; every call must still give the derivative of the
function as it is bound at that call, never code made for another meaning. Checked
against central finite differences in float64, in each mode, at three kinds of argument
(a float, a vector, a matrix); and a rotation through more meanings than are kept,
equal code under other globals or closure cells, a new object equal to an old one, and
threads rebinding under a lock."""

import linecache
import threading

import numpy as np
import pytest

import astgrad
from breadth_modes import RTOL, RTOL2, ATOL, ATOL2, THOROUGH, copies
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

ACTS = (np.sin, np.tanh, np.cos)
SWITCHES = (0, 1, 0, 2, 1, 0)           # back to a meaning seen before, more than once


# -- the programs: f(x, w) and how to switch what one of its names means ------------------

ACT = np.sin


def through_a_global(x, w):
    return np.sum(ACT(x * w) * x)


def _set_global(k):
    global ACT
    ACT = ACTS[k]


SCALE = np.sin


def _scaled(v):
    return SCALE(v) + 0.5 * v


def through_a_helper(x, w):
    return np.sum(_scaled(x * w) * x)


def _set_helper_global(k):
    global SCALE
    SCALE = ACTS[k]


def _tanh_square(v):
    return np.tanh(v) ** 2


def _sin_cube(v):
    return np.sin(v) ** 3


def _exp_half(v):
    return np.exp(0.5 * v)


HELPERS = (_tanh_square, _sin_cube, _exp_half)
HELPER = _tanh_square


def through_a_rebound_helper(x, w):
    return np.sum(HELPER(x * w) + x)


def _set_helper(k):
    global HELPER
    HELPER = HELPERS[k]


class Layer:
    def __init__(self, scale):
        self.scale = scale

    def apply(self, v):
        return np.sin(v) * self.scale


def _apply_tanh(self, v):
    return np.tanh(v) * self.scale


def _apply_square(self, v):
    return v * v * self.scale


METHODS = (Layer.apply, _apply_tanh, _apply_square)
LAYER = Layer(1.5)


def through_a_method(x, w):
    return np.sum(LAYER.apply(x * w) * x)


def _set_method(k):
    Layer.apply = METHODS[k]


def _closure_program():
    act = np.sin

    def through_a_closure(x, w):
        return np.sum(act(x * w) * x)

    def switch(k):
        nonlocal act
        act = ACTS[k]
    return through_a_closure, switch


PROGRAMS = {
    "global": (through_a_global, _set_global),
    "helper_global": (through_a_helper, _set_helper_global),
    "rebound_helper": (through_a_rebound_helper, _set_helper),
    "method": (through_a_method, _set_method),
    "closure": _closure_program,
}

SHAPES = {"float": None, "vector": (3,), "matrix": (2, 3)}
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian")


def _program(name):
    made = PROGRAMS[name]
    return made() if callable(made) else made


def _arguments(shape, rng):
    x = 0.7 if shape is None else rng.uniform(-1.0, 1.0, shape)
    return x, 0.8


# -- each mode: one transform made before the rotation, called after each switch ----------

def _grad_after_each(f, args, switch):
    g = astgrad.grad(f, wrt=(0, 1))
    for k in SWITCHES:
        switch(k)
        got = g(*copies(args))
        want = numerical_grad(f, copies(args), wrt=(0, 1))
        for a, b in zip(got, want):
            assert_close(a, b, RTOL, ATOL, msg=f"meaning {k}")


def _value_and_grad_after_each(f, args, switch):
    vg = astgrad.value_and_grad(f, wrt=0)
    for k in SWITCHES:
        switch(k)
        value, got = vg(*copies(args))
        assert_close(value, f(*copies(args)), 1e-12, 1e-12, msg=f"meaning {k}")
        assert_close(got, numerical_grad(f, copies(args), wrt=0), RTOL, ATOL, msg=f"meaning {k}")


def _vjp_after_each(f, args, switch):
    for k in SWITCHES:
        switch(k)
        out, pullback = astgrad.vjp(f, *copies(args))
        assert_close(out, f(*copies(args)), 1e-12, 1e-12, msg=f"meaning {k}")
        got = pullback(1.0)
        want = numerical_grad(f, copies(args), wrt=(0, 1))
        for a, b in zip(got, want):
            assert_close(a, b, RTOL, ATOL, msg=f"meaning {k}")


def _jvp_after_each(f, args, switch):
    rng = np.random.default_rng(3)
    tangents = (rng.uniform(-1.0, 1.0, np.shape(args[0])) if np.ndim(args[0]) else 0.4, -0.3)
    for k in SWITCHES:
        switch(k)
        value, got = astgrad.jvp(f, copies(args), tangents)
        assert_close(value, f(*copies(args)), 1e-12, 1e-12, msg=f"meaning {k}")
        assert_close(got, numerical_jvp(f, copies(args), tangents), RTOL, ATOL, msg=f"meaning {k}")


def _hessian_after_each(f, args, switch):
    h = astgrad.hessian(f, wrt=0)
    gradient = astgrad.grad(f, wrt=0)
    for k in SWITCHES[:3]:          # (second order costs more: two meanings, one come back)
        switch(k)
        got = h(*copies(args))
        want = numerical_hessian(lambda *a: gradient(*copies(a)), copies(args), wrt=0)
        assert_close(np.reshape(got, np.shape(want)), want, RTOL2, ATOL2, msg=f"meaning {k}")
        # the gradient differenced, itself against differences of f as rebound
        assert_close(gradient(*copies(args)), numerical_grad(f, copies(args), wrt=0), RTOL, ATOL)


_AFTER_EACH = {"grad": _grad_after_each, "value_and_grad": _value_and_grad_after_each,
               "vjp": _vjp_after_each, "jvp": _jvp_after_each, "hessian": _hessian_after_each}


def _cases():
    """Every program at every kind of argument: one mode each in CI, in turn (each mode on
    three cases), every mode under HYPOTHESIS_PROFILE=thorough."""
    k = 0
    for name in PROGRAMS:
        for shape in SHAPES:
            for mode in MODES if THOROUGH else (MODES[k % len(MODES)],):
                yield pytest.param(name, shape, mode, id=f"{name}-{shape}-{mode}")
            k += 1


@pytest.mark.parametrize("name, shape, mode", list(_cases()))
def test_each_call_follows_the_meaning_switched_to(name, shape, mode):
    f, switch = _program(name)
    args = _arguments(SHAPES[shape], np.random.default_rng(0))
    try:
        _AFTER_EACH[mode](f, args, switch)
    finally:
        switch(0)


def test_every_mode_runs_on_three_cases_in_ci():
    modes = [case.values[2] for case in _cases()]
    assert THOROUGH or all(modes.count(mode) >= 3 for mode in MODES)


# -- more meanings than are kept, equal code elsewhere, new objects equal to old ones -------

def _activation(k):
    scale = 1.0 + 0.25 * k
    return lambda v: np.sin(scale * v)


def test_a_rotation_through_more_meanings_than_are_kept_follows_each():
    acts = [_activation(k) for k in range(6)]
    g = astgrad.grad(through_a_global, wrt=0)
    x = np.array([0.3, -0.5, 0.9])
    try:
        for k in [0, 1, 2, 3, 4, 5, 4, 0, 5, 1]:
            _set_global_to(acts[k])
            assert_close(g(x.copy(), 0.8), numerical_grad(through_a_global, (x.copy(), 0.8), wrt=0),
                         RTOL, ATOL, msg=f"meaning {k}")
    finally:
        _set_global(0)


def _set_global_to(act):
    global ACT
    ACT = act


def test_a_new_object_equal_in_code_to_an_earlier_meaning_gives_its_own_derivative():
    """Each _activation(k) is a new lambda of the same code: its scale lives in its cell."""
    g = astgrad.grad(through_a_global, wrt=0)
    x = np.array([0.3, -0.5, 0.9])
    try:
        for k in (0, 2, 0, 2, 3):
            _set_global_to(_activation(k))
            scale = 1.0 + 0.25 * k
            want = np.cos(scale * x * 0.8) * scale * 0.8 * x + np.sin(scale * x * 0.8)
            assert_close(g(x.copy(), 0.8), want, 1e-12, 1e-12, msg=f"scale {scale}")
    finally:
        _set_global(0)


SOURCE = "def loss(x, w):\n    return np.sum(ACT(x * w) * x)\n"
FILENAME = "<rebound back: one text>"


def _module_like(act):
    """``loss`` compiled from one text, under one file name, into globals of its own."""
    linecache.cache[FILENAME] = (len(SOURCE), None, SOURCE.splitlines(True), FILENAME)
    namespace = {"np": np, "ACT": act}
    exec(compile(SOURCE, FILENAME, "exec"), namespace)
    return namespace


def test_equal_code_under_other_globals_gives_each_its_own_derivative():
    spaces = [_module_like(np.sin), _module_like(np.tanh)]
    grads = [astgrad.grad(space["loss"], wrt=0) for space in spaces]
    x = np.array([0.3, -0.5, 0.9])
    for step in range(6):
        space, g = spaces[step % 2], grads[step % 2]
        if step == 4:
            space["ACT"] = np.cos                   # one of them rebound, the other not
        loss = space["loss"]
        assert_close(g(x.copy(), 0.8), numerical_grad(loss, (x.copy(), 0.8), wrt=0), RTOL, ATOL, msg=f"step {step}")
        assert_close(astgrad.grad(loss, wrt=0)(x.copy(), 0.8), numerical_grad(loss, (x.copy(), 0.8), wrt=0),
                     RTOL, ATOL, msg=f"step {step}, a new grad")


def _closure_over(act):
    def loss(x, w):
        return np.sum(act(x * w) * x)
    return loss


def test_equal_code_over_other_closure_cells_gives_each_its_own_derivative():
    losses = [_closure_over(act) for act in (np.sin, np.tanh, np.sin, np.cos)]
    x = np.array([0.3, -0.5, 0.9])
    for step in range(8):
        loss = losses[step % 4]
        got = astgrad.grad(loss, wrt=(0, 1))(x.copy(), 0.8)
        want = numerical_grad(loss, (x.copy(), 0.8), wrt=(0, 1))
        for a, b in zip(got, want):
            assert_close(a, b, RTOL, ATOL, msg=f"step {step}")


def test_a_method_redefined_with_new_code_after_its_old_meaning_came_back():
    """Back to the method it had, then a new def of the same name: the new code runs."""
    g = astgrad.grad(through_a_method, wrt=0)
    x = np.array([0.3, -0.5, 0.9])

    def apply(self, v):
        return np.exp(v) * self.scale
    try:
        for method in (METHODS[1], METHODS[0], METHODS[1], apply, METHODS[0]):
            Layer.apply = method
            assert_close(g(x.copy(), 0.8), numerical_grad(through_a_method, (x.copy(), 0.8), wrt=0),
                         RTOL, ATOL, msg=method.__name__)
    finally:
        _set_method(0)


def test_threads_rebinding_under_a_lock_each_get_the_derivative_of_what_they_bound():
    g = astgrad.grad(through_a_global, wrt=0)
    x = np.array([0.3, -0.5, 0.9])
    wants = []
    for k in range(3):
        _set_global(k)
        wants.append(numerical_grad(through_a_global, (x.copy(), 0.8), wrt=0))
    lock, results, errors = threading.Lock(), [], []

    def work(start):
        try:
            for i in range(12):
                k = (start + i) % 3
                with lock:
                    _set_global(k)
                    got = g(x.copy(), 0.8)
                results.append((k, got))
        except Exception as error:      # noqa: BLE001 - reported by the main thread
            errors.append(error)
    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        _set_global(0)
    assert errors == []
    assert len(results) == 48
    for k, got in results:
        assert_close(got, wants[k], RTOL, ATOL, msg=f"meaning {k}")
