"""Functions stored on objects and called through them, as an adversary writes them:
``self.act = np.tanh`` (or a def, a lambda, np.sum), a function bound to the object
itself (``types.MethodType(up, self)``), a ``functools.partial``, another object's bound
method, a list of bound methods, a method, classmethod, staticmethod or ``__call__``
replaced between gradients, a class with ``__getattr__``. Each program is checked
against central finite differences (grad, jvp; the Hessian for some), or refused with a
TransformError at the line of the call: never a wrong number. A call whose value is
unused (``r = layer.up(w)``) may still change the object: those gave gradients without
the change before they were refused."""
import functools
import types

import numpy as np
import pytest

import astgrad

W = np.array([1.0, 2.0, -0.5])
W0 = np.array([0.5, -1.0, 2.0])
TANGENT = np.array([0.3, -0.7, 1.1])


def softsign(z):
    return z / (1.0 + z * z)


def scaled(z, a=1.0):
    return a * np.sin(z)


def pure_up(self, w):
    return np.sin(self.W * w) * self.W


def writes_up(self, w):
    self.W = self.W * w + 1.0


def act_up(self, w):
    return self.act(self.W * w)


class Act:
    def __init__(self, act):
        self.W = W
        self.act = act
        self.k = 3.0

    def forward(self, x):
        return self.act(x * self.W)


class Up:
    def __init__(self, W):
        self.W = W

    def up(self, w):
        return np.sin(self.W * w)

    def __call__(self, w):
        return self.W * w


class Writer:
    def __init__(self, W):
        self.W = W

    def up(self, w):
        self.W = self.W * w + 1.0


class Methods:
    def __init__(self, W):
        self.W = W

    @classmethod
    def c(cls, w):
        return w * w * 3.0

    @staticmethod
    def s(w):
        return np.exp(w)

    def both(self, w):
        return self.c(w) + self.s(w) * self.W


class Own:
    """Holds a function bound to itself: followed as its method (or refused)."""
    def __init__(self, W, up):
        self.W = W
        self.act = np.tanh
        self.up = types.MethodType(up, self)

    def forward(self, w):
        return self.up(w) * 2.0


class Holder:
    def __init__(self, W, up):
        self.W = W
        self.up = up


class Lookup:
    def __init__(self, W):
        self.W = W

    def __getattr__(self, name):
        raise AttributeError(name)

    def up(self, w):
        self.W = self.W * w + 1.0


class Doubling:
    def __init__(self, W):
        self.W = W

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value * 2.0 if name == "W" else value)

    def up(self, w):
        self.W = self.W * w


def part_holder():
    h = Holder(W.copy(), None)
    h.up = functools.partial(writes_up, h)
    return h


def held(w, o):
    return np.sum(o.forward(w))


def direct(w, o):
    return np.sum(o.act(w) * w)


def called_up(w, o):
    return np.sum(o.up(w))


def called(w, o):
    return np.sum(o(w))


def both(w, o):
    return np.sum(o.both(w) + o.c(w))


def value_unused(w, o):
    r = o.up(w)
    return np.sum(o.W * w) + (r is None)


def built_unused(w, unused):
    b = Lookup(np.ones(3))
    r = b.up(w)
    return np.sum(b.W * w) + (r is None)


def built_doubling_unused(w, unused):
    b = Doubling(np.ones(3))
    r = b.up(w)
    return np.sum(b.W * w) + (r is None)


def listed_unused(w, os):
    fns = [os[0].up, os[1].up]
    r = fns[0](w)
    return np.sum(os[0].W * os[1].W * w) + (r is None)


def applied(fn, w):
    return fn(w)


def passed(w, o):
    return np.sum(applied(o.up, w) * w)


def _programs():
    """name: (function, make its object, "right" or "refused", Hessian too)."""
    return {
        "np.tanh held": (held, lambda: Act(np.tanh), "right", False),
        "a def held, called directly": (direct, lambda: Act(softsign), "right", False),
        "np.sum held": (lambda w, o: o.act(w * o.W) * 2.0, lambda: Act(np.sum), "right", False),
        "a lambda closing the object": (direct, _closing_lambda, "right", False),
        "a partial held": (held, lambda: Act(functools.partial(scaled, a=2.0)), "right", True),
        "own method, pure": (held, lambda: Own(W, pure_up), "right", True),
        "own method reading a held function": (called_up, lambda: Own(W, act_up), "right", False),
        "own method storing, value unused": (value_unused, lambda: Own(W.copy(), writes_up), "refused", False),
        "a partial storing, value unused": (value_unused, part_holder, "refused", False),
        "another object's method, value unused": (value_unused, lambda: Holder(W, Writer(W.copy()).up), "refused",
                                                  False),
        "a __getattr__ class built here, value unused": (built_unused, lambda: None, "refused", False),
        "a __setattr__ class built here, value unused": (built_doubling_unused, lambda: None, "refused", False),
        "a list of bound methods, value unused": (listed_unused, lambda: [Writer(W.copy()), Writer(2 * W)],
                                                  "refused", False),
        "a bound method passed to a helper": (passed, lambda: Up(W), "right", False),
        "classmethod and staticmethod through an instance": (both, lambda: Methods(W), "right", False),
    }


def _closing_lambda():
    a = Act(None)
    a.act = lambda z: z * a.k
    return a


def _differences(f, w, make):
    h = 1e-6
    return np.array([(f(w + h * e, make()) - f(w - h * e, make())) / (2 * h) for e in np.eye(w.size)])


def _hessian_by_differences(f, make):
    h = 1e-4
    return np.array([(_differences(f, W0 + h * e, make) - _differences(f, W0 - h * e, make)) / (2 * h)
                     for e in np.eye(W0.size)])


def _modes(f, make, hessian):
    modes = {"grad": lambda: astgrad.grad(f)(W0, make()),
             "jvp": lambda: astgrad.jvp(f, (W0, make()), (TANGENT, None))[1]}
    if hessian:
        modes["hessian"] = lambda: astgrad.hessian(f)(W0, make())
    return modes


@pytest.mark.parametrize("name", list(_programs()))
def test_each_program_is_right_or_refused(name):
    f, make, expected, hessian = _programs()[name]
    want = _differences(f, W0, make)
    wanted = {"grad": want, "jvp": want @ TANGENT}
    for mode, run in _modes(f, make, hessian).items():
        if expected == "refused":
            with pytest.raises(astgrad.TransformError) as caught:
                run()
            assert "test_functions_on_objects.py:" in str(caught.value), (mode, str(caught.value))
            continue
        got = run()
        target = _hessian_by_differences(f, make) if mode == "hessian" else wanted[mode]
        tolerance = 1e-4 if mode == "hessian" else 1e-6
        np.testing.assert_allclose(got, target, rtol=tolerance, atol=tolerance, err_msg=f"{name} {mode}")


def test_what_the_call_runs_now_after_a_rebinding():
    """The gradient follows what a call runs when it is called: a method replaced on the
    class, ``__call__`` replaced, the function an attribute holds (bound to the object
    itself or not) replaced, between two calls of one gradient function."""
    def other_up(self, w):
        return np.cos(self.W * w) * 2.0

    class Replaced(Up):
        pass
    rebinds = [(called_up, lambda: Replaced(W), lambda o: setattr(Replaced, "up", other_up)),
               (called, lambda: Replaced(W), lambda o: setattr(Replaced, "__call__", other_up)),
               (direct, lambda: kept, lambda o: setattr(o, "act", lambda z: z ** 3)),
               (called_up, lambda: own, lambda o: setattr(o, "up", types.MethodType(act_up, o)))]
    kept, own = Act(np.tanh), Own(W, pure_up)
    for f, make, rebind in rebinds:
        gradient = astgrad.grad(f)
        np.testing.assert_allclose(gradient(W0, make()), _differences(f, W0, make), rtol=1e-6, atol=1e-6)
        rebind(make())
        np.testing.assert_allclose(gradient(W0, make()), _differences(f, W0, make), rtol=1e-6, atol=1e-6)


def test_a_refusal_names_the_call_and_what_to_do():
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(value_unused)(W0, Own(W.copy(), writes_up))
    message = str(caught.value)
    assert "r = o.up(w)" in message and "Own.up" in message and "assigns the attribute 'W'" in message, message
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(value_unused)(W0, part_holder())
    message = str(caught.value)
    assert "functools.partial" in message and "define up as a method of Holder" in message, message


GLOBAL_OWN = Own(W, pure_up)


def global_own(w):
    return np.sum(GLOBAL_OWN.up(w))


def test_an_exported_derivative_checks_the_function_bound_to_a_global_object(tmp_path):
    """The layout of a global object names the function bound to it: the exported code
    checks it is still that function, bound to that object (a check of the function alone
    made the exported code refuse the object it was exported for)."""
    import importlib.util
    path = tmp_path / "exported_global_own.py"
    path.write_text(astgrad.export(global_own))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    want = _differences(lambda w, unused: global_own(w), W0, lambda: None)
    np.testing.assert_allclose(module.grad_global_own(W0), want, rtol=1e-6, atol=1e-6)
    kept = GLOBAL_OWN.up
    try:
        GLOBAL_OWN.up = types.MethodType(act_up, GLOBAL_OWN)
        with pytest.raises(RuntimeError, match="GLOBAL_OWN.up"):
            module.grad_global_own(W0)
        GLOBAL_OWN.up = types.MethodType(pure_up, Own(W, pure_up))      # the function, bound to another object
        with pytest.raises(RuntimeError, match="GLOBAL_OWN.up"):
            module.grad_global_own(W0)
    finally:
        GLOBAL_OWN.up = kept
