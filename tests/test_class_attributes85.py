"""``obj.attr op= v`` where the object's class holds ``attr`` (``class S: arr = np.zeros(3)``).

Python's ``s.arr += w`` reads the class's array when the object binds no ``arr`` of its own,
writes into it in place (``ndarray.__iadd__``; ``list.__iadd__``, ``dict.__ior__`` too) and
binds ``s.arr`` to it: every instance sees the change. astgrad stored a new value on the
object instead and left the class's array as it was, a wrong value on the next call with no
error. That is refused now, when the code is generated where nothing can bind the attribute
on the object first, else when it runs; the words name the class's attribute and say to
bind it in ``__init__``. Followed, against central differences in every mode, with the
class's state after each call as Python leaves it: an attribute the object binds itself,
a number or a tuple the class holds (``op=`` rebinds it on the object), ``s.arr = s.arr + w``."""

import inspect
import re

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from fd import assert_close, numerical_grad

MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")
SHAPES = (np.array([0.7, -1.3, 0.4, 2.1]), np.array([0.7, -1.3, 0.4, 2.1, -0.6, 1.1]))
LEAKED = r"\b(t_\d+|d_x|d_w|_saved|s_\d+|\w+_helper|arr_\d+)\b"     # generated names


# ---- followed: the object binds the attribute itself, or op= rebinds ------------------------

class Bound:
    arr = np.zeros(3)           # shadowed: __init__ binds the object's own

    def __init__(self, x):
        self.arr = x * 0.5


def instance_bound(x, w):
    s = Bound(x)
    s.arr += w
    return np.sum(np.sin(s.arr) * x)


class Conditional:
    arr = np.zeros(3)

    def __init__(self, x, on):
        if on:
            self.arr = x * 0.5


def conditionally_bound(x, w):
    s = Conditional(x, True)
    s.arr *= w
    return np.sum(np.cos(s.arr) * x)


class Scale:
    k = 1.0                     # a float: s.k += w binds s.k to a new float, S.k stays 1.0


def class_float(x, w):
    s = Scale()
    s.k += w
    s.k *= w
    return np.sum(x ** 2) * s.k


class Pair:
    t = (1.0,)                  # a tuple: += binds a new tuple on the object


def class_tuple(x, w):
    s = Pair()
    s.t += (w,)
    return np.sum(np.sin(x)) * s.t[0] * s.t[1] ** 2


class Shared:
    arr = np.zeros(3)


def rebound_with_new_value(x, w):
    s = Shared()
    s.arr = s.arr[0] + x * w    # a new array bound on the object: Shared.arr untouched
    return np.sum(np.sin(s.arr) * x)


def bound_first_in_function(x, w):
    s = Shared()
    s.arr = x * 1.0
    s.arr += w                  # the object's own array now
    return np.sum(s.arr * s.arr)


class Derived(Bound):
    pass


def subclass_bound(x, w):
    s = Derived(x)
    s.arr -= w * x
    return np.sum(np.exp(s.arr))


FOLLOWED = [instance_bound, conditionally_bound, class_float, class_tuple, rebound_with_new_value,
            bound_first_in_function, subclass_bound]
STATE = {"Bound": Bound, "Conditional": Conditional, "Scale": Scale, "Pair": Pair, "Shared": Shared}


def _class_state():
    return {name: (cls.__dict__[attr].copy() if isinstance(cls.__dict__[attr], np.ndarray) else cls.__dict__[attr])
            for name, cls in STATE.items() for attr in ("arr", "k", "t") if attr in cls.__dict__}


def _same_state(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("x", SHAPES, ids=["4", "6"])
@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_followed_against_central_differences(f, x, mode):
    before = _class_state()
    f(x.copy(), 0.8)
    assert _same_state(_class_state(), before)      # Python leaves the classes as they were
    check(mode, f, (x, 0.8), (0, 1))
    assert _same_state(_class_state(), before)      # so does astgrad


def test_class_float_value_as_python():
    x = SHAPES[0]
    value, _ = astgrad.value_and_grad(class_float, wrt=(0, 1))(x, 0.8)
    assert value == class_float(x, 0.8) and Scale.k == 1.0 and "k" not in vars(Scale())


# ---- refused: op= would write into what the class holds ----------------------------------

class Held:
    arr = np.zeros(3)           # one array, shared by every instance


def class_array(x, w):
    s = Held()
    s.arr += w
    return np.sum(x[:3] * s.arr)


class Log:
    log = [1.0]


def class_list(x, w):
    s = Log()
    s.log += [w]
    return np.sum(x) * s.log[-1]


class Table:
    d = {"a": 1.0}


def class_dict(x, w):
    s = Table()
    s.d |= {"b": w}
    return np.sum(x) * s.d["b"]


class Child(Held):
    pass


def inherited_array(x, w):
    s = Child()
    s.arr *= w
    return np.sum(x[:3] * s.arr)


def helper(s, w):
    s.arr += w
    return np.sum(s.arr * s.arr)


def through_a_helper(x, w):
    return np.sum(x) * helper(Held(), w)


through_a_lambda = lambda x, w: helper(Held(), w)       # noqa: E731 - helper written in


GLOBAL = Held()


def global_object(x, w):
    GLOBAL.arr += w
    return np.sum(x[:3] * GLOBAL.arr)


def item_of_class_array(x, w):
    s = Held()
    s.arr[0] += w
    return np.sum(x[:3] * s.arr)


def setattr_form(x, w):
    s = Held()
    setattr(s, "arr", getattr(s, "arr") + w)
    return np.sum(x[:3] * s.arr)


def _line(f, text):
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if text in line)


SHARED_WORDS = r"writes in place into the {kind} its class holds \({name}\), which every instance shares"
AT_GENERATION = [
    (class_array, "s.arr += w", "ndarray", "Held.arr"),
    (class_list, "s.log += [w]", "list", "Log.log"),
    (class_dict, "s.d |= ", "dict", "Table.d"),
    (inherited_array, "s.arr *= w", "ndarray", "Child.arr"),
    (through_a_lambda, "s.arr += w", "ndarray", "Held.arr"),
]


@pytest.mark.parametrize("f, text, kind, name", AT_GENERATION, ids=["class_array", "class_list", "class_dict", "inherited_array", "through_a_lambda"])
def test_refused_when_generated_in_words(f, text, kind, name):
    before = _held_state()
    line = _line(helper if f is through_a_lambda else f, text)
    with pytest.raises(astgrad.TransformError, match=rf"test_class_attributes85\.py:{line}: astgrad cannot "
                       rf"differentiate augmented assignment to the attribute .*" + SHARED_WORDS.format(kind=kind, name=name)) as caught:
        astgrad.grad(f, wrt=(0, 1))
    message = str(caught.value)
    assert f"self.{name.split('.')[1]} = ... in {name.split('.')[0]}.__init__" in message
    assert caught.value.line.strip().startswith(text.strip())
    assert not re.search(LEAKED, message)
    assert _same_state(_held_state(), before)


def _held_state():
    return {"Held": Held.arr.copy(), "Log": list(Log.log), "Table": dict(Table.d)}


def test_refused_when_it_runs_where_only_the_runtime_knows():
    def unbound_on_this_call(x, w, on):
        s = Conditional(x, on)
        s.arr += w
        return np.sum(x[:3] * s.arr[:3])
    x = SHAPES[0]
    gradient = astgrad.grad(unbound_on_this_call, wrt=(0, 1))
    for k in (0, 1):        # the object's own array: followed
        assert_close(gradient(x, 0.8, True)[k], numerical_grad(unbound_on_this_call, (x, 0.8, True), wrt=k))
    line = _line(unbound_on_this_call, "s.arr += w")
    before = Conditional.arr.copy()
    for run in (lambda: gradient(x, 0.8, False), lambda: astgrad.jvp(unbound_on_this_call, (x, 0.8, False),
                                                                      (x * 0, 1.0, None))):
        with pytest.raises(TypeError, match=rf"test_class_attributes85\.py:{line}: this augmented assignment to the "
                           rf"attribute 'arr' of an object of class Conditional " + SHARED_WORDS.format(
                               kind="ndarray", name="Conditional.arr") + r".*self\.arr = \.\.\. in Conditional\.__init__"):
            run()
        assert np.array_equal(Conditional.arr, before)


@pytest.mark.parametrize("f, error, words", [
    (global_object, astgrad.TransformError, r"augmented assignment to an attribute"),
    (through_a_helper, astgrad.TransformError, r"the call of helper changes an argument it is given in place"),
    (setattr_form, astgrad.TransformError, r"calling setattr changes 's' in place"),
    (item_of_class_array, TypeError, r"does not hold itself \(an attribute of its class, which every instance shares"),
], ids=["global_object", "through_a_helper", "setattr_form", "item_of_class_array"])
def test_other_forms_refused_not_wrong(f, error, words):
    before = _held_state()
    with pytest.raises(error, match=words):
        astgrad.grad(f, wrt=(0, 1))(SHAPES[0], 0.8)
    assert _same_state(_held_state(), before)


def test_a_number_the_class_holds_rebound_to_an_array_later_makes_new_code():
    class Later:
        arr = 1.0

    def f(x, w):
        s = Later()
        s.arr += w
        return np.sum(x * s.arr)
    x = SHAPES[0]
    gradient = astgrad.grad(f, wrt=(0, 1))
    for k in (0, 1):        # a float: op= rebinds on the object, followed
        assert_close(gradient(x, 0.8)[k], numerical_grad(f, (x, 0.8), wrt=k))
    Later.arr = np.zeros(4)     # now s.arr += w would write into the class's array
    with pytest.raises(astgrad.TransformError, match=SHARED_WORDS.format(kind="ndarray", name="Later.arr")):
        gradient(x, 0.8)
    assert np.array_equal(Later.arr, np.zeros(4))


@pytest.mark.parametrize("mode", ["value_and_grad", "vjp", "jvp", "hessian"])
def test_refused_in_every_mode(mode):
    x, before = SHAPES[0], Held.arr.copy()
    run = {"value_and_grad": lambda: astgrad.value_and_grad(class_array, wrt=(0, 1))(x, 0.8),
           "vjp": lambda: astgrad.vjp(class_array, x, 0.8),
           "jvp": lambda: astgrad.jvp(class_array, (x, 0.8), (x, 1.0)),
           "hessian": lambda: astgrad.hessian(class_array)(x, 0.8)}[mode]
    with pytest.raises(astgrad.TransformError, match=rf"test_class_attributes85\.py:{_line(class_array, 's.arr += w')}: "
                       ".*" + SHARED_WORDS.format(kind="ndarray", name="Held.arr")):
        run()
    assert np.array_equal(Held.arr, before)
