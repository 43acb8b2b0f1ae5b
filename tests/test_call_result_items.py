"""Objects held by what a call returns (``objs = mk()``, a dict, a tuple, an object's
attribute, a list a helper hands on), changed by a method given a value depending on the
inputs and read again after (``objs[0].step(w)`` then ``objs[0].a``): no flow of values
links the method's store to that read, so the derivative gave a silent zero in every
mode. Such a method call is refused at its line, with what to do; the same list taken as
an argument is followed, as is a call whose object is read only before it."""

import inspect

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian

X = np.array([0.3, 0.5, 0.7])
W = np.array([1.1, 0.9, 1.2])


class Box:
    def __init__(self, a):
        self.a = a

    def step(self, w):
        self.a = self.a * w
        return np.sum(self.a)


class Model:
    def __init__(self, a):
        self.layer = Box(a)


def boxes():
    return [Box(X.copy()), Box(W.copy())]


def boxes_by_name():
    return {"a": Box(X.copy())}


def boxes_in_a_tuple():
    return (Box(W.copy()), Box(X.copy()))


def a_model():
    return Model(X.copy())


# -- refused: the object changed is read again after the method ----------------------

def item_of_a_list(w):
    objs = boxes()
    objs[0].step(w)                                                     # refused here
    return np.sum(objs[0].a ** 2)


def item_bound_to_a_name(w):
    objs = boxes()
    b = objs[0]
    b.step(w)                                                           # refused here
    return np.sum(objs[0].a ** 2)


def value_of_a_dict(w):
    d = boxes_by_name()
    d["a"].step(w)                                                      # refused here
    return np.sum(d["a"].a ** 2)


def attribute_of_an_object(w):
    m = a_model()
    m.layer.step(w)                                                     # refused here
    return np.sum(m.layer.a ** 2)


def read_on_the_next_turn(w):
    objs = boxes()
    s = 0.0
    for i in range(2):
        s = s + np.sum(objs[0].a * w)
        objs[0].step(w)                                                 # refused here
    return s


def compared(x, w, objs):
    if objs[0].step(w) < 100.0:                                         # refused here
        return np.sum(objs[0].a ** 2)
    return 0.0


def handed_to_a_helper(w):
    return compared(X, w, boxes())


def from_a_local_lambda(w):
    make = lambda: [Box(X.copy())]                                      # noqa: E731
    objs = make()
    objs[0].step(w)                                                     # refused here
    return np.sum(objs[0].a ** 2)


REFUSED = [item_of_a_list, item_bound_to_a_name, value_of_a_dict, attribute_of_an_object,
           read_on_the_next_turn, handed_to_a_helper, from_a_local_lambda]


def _refused_line(f):
    """The line marked ``# refused here`` in ``f`` or the helper it calls."""
    where = compared if f is handed_to_a_helper else f
    lines, first = inspect.getsourcelines(where)
    return first + next(i for i, text in enumerate(lines) if "# refused here" in text)


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
def test_a_method_changing_an_item_of_what_a_call_returned_is_refused_at_its_line(f):
    expected = rf"test_call_result_items.py:{_refused_line(f)}: the method call \.step\(\) is given a value " \
        r"depending on the inputs, on an object held by what .* returned.*pass the list as an argument"
    transforms = (lambda: astgrad.grad(f)(W.copy()), lambda: astgrad.jvp(f, (W.copy(),), (np.ones(3),)))
    if f is item_of_a_list:
        transforms += (lambda: astgrad.hessian(f)(W.copy()),)
    for transform in transforms:
        with pytest.raises(astgrad.TransformError, match=expected):
            transform()


# -- followed: the list an argument, or the object read only before the method ------------

def item_of_an_argument(w, objs):
    objs[0].step(w)
    return np.sum(objs[0].a ** 2)


def read_before_only(w):
    objs = boxes_in_a_tuple()
    s = np.sum(objs[1].a * w ** 2)
    objs[1].step(w)
    return s


def test_the_list_taken_as_an_argument_and_an_object_read_before_are_followed():
    expected = 2.0 * X ** 2 * W                 # d/dw sum((x * w) ** 2)
    assert_close(astgrad.grad(item_of_an_argument)(W.copy(), boxes()), expected)
    assert_close(astgrad.grad(read_before_only)(W.copy()), numerical_grad(read_before_only, (W.copy(),)))
    assert_close(astgrad.jvp(read_before_only, (W.copy(),), (np.ones(3),))[1], np.sum(2.0 * X * W))


def item_of_a_tuple_unpacked_after(w):
    """A helper returning a tuple of new objects of the function's module is written in
    as the objects it builds (tuple_factories.py), so the method's change is followed."""
    objs = boxes_in_a_tuple()
    objs[1].step(w)
    first, second = objs
    return np.sum(second.a ** 2 + first.a)


def test_the_objects_of_a_tuple_helper_changed_then_unpacked_are_followed():
    w = W.copy()
    assert_close(astgrad.grad(item_of_a_tuple_unpacked_after)(w), numerical_grad(item_of_a_tuple_unpacked_after, (w,)))
    seed = np.array([0.3, -0.5, 0.8])
    expected = numerical_grad(item_of_a_tuple_unpacked_after, (w,)) @ seed
    assert_close(astgrad.jvp(item_of_a_tuple_unpacked_after, (w,), (seed,))[1], expected)
    # second order against central differences of the gradient, checked above against the function
    gradient = astgrad.grad(item_of_a_tuple_unpacked_after)
    assert_close(astgrad.hessian(item_of_a_tuple_unpacked_after)(w), numerical_hessian(gradient, (w,)))
