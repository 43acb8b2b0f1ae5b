"""Objects of a user class whose ``__init__`` (or a method) registers the new object in
memory from outside the function: a global list (``REG.append(self)``), a global dict, a
class attribute list (``Logged.all.append(self)``), an argument's list, through a method
``__init__`` calls, a helper of the module ``__init__`` hands the object to, or a method
the function calls. Where the object is handed a value depending on the inputs, a read
back through the global (``REG[-1].data``) would be taken for a constant: such a
construction is refused in words naming the user's line and the line of ``__init__``
storing the object, in every mode. Where the object is given
constants (the registered items are constants) the function is followed, checked against
central differences in grad, value_and_grad, jvp, vjp and hessian at two sizes, and each
transform leaves the registry grown by one object per run of the function, as one Python
call does (vjp's pullback and hessian run the code again, from what the first run found)."""

import re

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp
from test_objects74 import check_jvp_of_grad   # against central differences
from test_objects80 import check_refused_in_the_users_words

REG = []
TABLE = {}


class Logged:
    def __init__(self, d):
        self.data = d
        REG.append(self)        # registers itself in a global list

    def scale(self, c):
        return self.data * c


class InTable:
    def __init__(self, d):
        self.data = d
        TABLE["last"] = self


class ClassListed:
    all = []

    def __init__(self, d):
        self.data = d
        ClassListed.all.append(self)


class IntoArgument:
    def __init__(self, d, into):
        self.data = d
        into.append(self)


class ThroughMethod:
    def __init__(self, d):
        self.data = d
        self.register()

    def register(self):
        REG.append(self)


def register(item):
    REG.append(item)


class ThroughHelper:
    def __init__(self, d):
        self.data = d
        register(self)          # a helper of the module stores it


class Plain:
    def __init__(self, d):
        self.data = d

    def register(self):
        REG.append(self)


def read_through_global(w):
    a = Logged(w * 1.0)
    return np.sum(REG[-1].data * w) + 0.0 * len([a])


def method_call_between(w):
    a = Logged(np.sin(w))
    b = a.scale(2.0)
    return np.sum(REG[-1].data * b)


def through_dict(w):
    InTable(w * 2.0)
    return np.sum(TABLE["last"].data * w)


def through_class_list(w):
    ClassListed(w * 1.0)
    return np.sum(ClassListed.all[-1].data * w)


def through_argument_list(w):
    held = []
    IntoArgument(w * 1.0, held)
    return np.sum(held[-1].data * w)


def through_init_method(w):
    ThroughMethod(w * 1.0)
    return np.sum(REG[-1].data * w)


def through_helper(w):
    ThroughHelper(w * 1.0)
    return np.sum(REG[-1].data * w)


def method_registering(w):
    a = Plain(w * 1.0)
    a.register()
    return np.sum(REG[-1].data * w)


def cleared_then_loop(w):
    REG.clear()
    for i in range(3):
        Logged(w * (i + 1.0))
    return np.sum(REG[0].data * REG[2].data)


def object_unused(w):
    a = Logged(w * 1.0)
    return np.sum(a.data ** 2)


REFUSED = [read_through_global, method_call_between, through_dict, through_class_list, through_argument_list,
           through_init_method, through_helper, cleared_then_loop, object_unused]


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
def test_refused_in_the_users_words(f):
    check_refused_in_the_users_words(f, "test_registering_objects85.py")


@pytest.mark.parametrize("f", REFUSED + [method_registering], ids=lambda f: f.__name__)
def test_refused_in_every_mode(f):
    w = np.array([0.5, 1.5, 2.0])
    for transform in (lambda: astgrad.grad(f)(w), lambda: astgrad.value_and_grad(f)(w),
                      lambda: astgrad.vjp(f, w)[1](1.0), lambda: astgrad.jvp(f, (w,), (w,)),
                      lambda: astgrad.hessian(f)(w)):
        with pytest.raises(astgrad.TransformError, match="test_registering_objects85.py:"):
            transform()


def test_refusal_names_the_storing_line():
    with pytest.raises(astgrad.TransformError) as refused:
        astgrad.grad(read_through_global)(np.ones(3))
    message = str(refused.value)
    assert "Logged.__init__" in message and "REG.append(self)" in message, message
    with pytest.raises(astgrad.TransformError) as refused:
        astgrad.jvp(through_init_method, (np.ones(3),), (np.ones(3),))
    assert "ThroughMethod.register" in str(refused.value), str(refused.value)
    with pytest.raises(astgrad.TransformError) as refused:
        astgrad.grad(through_helper)(np.ones(3))
    assert "REG.append(item)" in str(refused.value), str(refused.value)


# -- followed: the object given constants, the registry's items constants ----------------

def constant_registered(w):
    Logged(np.linspace(1.0, 2.0, w.shape[0]))
    return np.sum(REG[-1].data * w ** 2)


def old_item_read_before(w):
    old = REG[0].data[0]           # an item registered before the call
    Logged(np.full(w.shape[0], 2.0))
    return np.sum(old * REG[-1].data * np.sin(w))


def loop_of_constants(w):
    for i in range(3):
        Logged(np.full(w.shape[0], i + 1.0))
    return np.sum(REG[-1].data * REG[-3].data * np.exp(w))


FOLLOWED = [constant_registered, old_item_read_before, loop_of_constants]


@pytest.fixture
def registry():
    REG.clear()
    REG.append(Logged.__new__(Logged))
    REG[0].data = np.array([3.0])
    yield REG
    REG.clear()


def check_every_mode(f, n, seed):
    """grad, value_and_grad, jvp, vjp and hessian of ``f`` at a random ``w`` of size ``n``
    against central differences of what Python computes; the pullback called at once (a
    Python run of ``f`` between vjp and its pullback registers one more object, which the
    pullback refuses to differentiate past)."""
    rng = np.random.default_rng(seed)
    w, t, cotangent = rng.uniform(0.5, 1.5, n), rng.normal(size=n), rng.normal()
    value, gradient = f(w.copy()), numerical_grad(f, (w,))
    g = astgrad.grad(f)
    assert_close(g(w), gradient)
    both = astgrad.value_and_grad(f)(w)
    assert both[0] == pytest.approx(value)
    assert_close(both[1], gradient)
    out, tangent = astgrad.jvp(f, (w,), (t,))
    assert out == pytest.approx(value)
    assert_close(tangent, numerical_jvp(f, (w,), (t,)))
    out, pullback = astgrad.vjp(f, w)
    assert out == pytest.approx(value)
    assert_close(pullback(cotangent)[0], cotangent * gradient)
    assert_close(astgrad.hessian(f)(w), numerical_hessian(g, (w,)), 1e-4, 1e-5)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n, registry):
    check_every_mode(f, n, 85 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_jvp_of_grad(f, registry):
    check_jvp_of_grad(f, 85)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_registry_grows_as_python_leaves_it(f, registry):
    w = np.array([0.5, 1.5, 2.0])
    f(w.copy())
    per_call = len(REG) - 1            # what one Python call adds
    transforms = [lambda: astgrad.grad(f)(w), lambda: astgrad.grad(f)(w),      # twice: it grows each call
                  lambda: astgrad.value_and_grad(f)(w), lambda: astgrad.jvp(f, (w,), (w,)),
                  lambda: astgrad.vjp(f, w)[1](1.0), lambda: astgrad.hessian(f)(w)]
    for transform in transforms:
        before = len(REG)
        transform()
        assert len(REG) == before + per_call
        assert all(type(item) is Logged for item in REG[before:])
    assert_close(astgrad.grad(f)(w), numerical_grad(f, (w,)))


def test_refusal_has_no_made_up_names():
    with pytest.raises(astgrad.TransformError) as refused:
        astgrad.grad(through_dict)(np.ones(3))
    assert not re.search(r"\bt_\d+\b|\bd_\w+\b|_saved", str(refused.value).split("\n")[0])
