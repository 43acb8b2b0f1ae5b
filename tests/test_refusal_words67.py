"""Advice that works, in the user's words: the rewrite docs/troubleshooting.md gives for a
new object in place of one a moved list holds is followed in every mode; the store it
replaces is refused naming the store and both lists; a method changing its object
called through its class (``Scaler.step(s, w)``) is refused naming the object and the
call on it, which is followed."""

import inspect
from pathlib import Path

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from hunt64_programs import Scaler
from test_noticed13 import where as _place

DOCS = Path(__file__).resolve().parent.parent / "docs" / "troubleshooting.md"
W3 = np.array([0.3, -0.7, 1.1])


# -- docs/troubleshooting.md §14: the snippet of its fix, as it is there -----------------

class Scaled:
    def __init__(self, W):
        self.W = W

    def apply(self, x):
        return self.W * x


def apply_all(w):
    layers = [Scaled(w * (i + 1.0)) for i in range(len(w))]
    old = layers[:2]
    first = Scaled(w * 3.0)             # rather than layers[0] = Scaled(w * 3.0)
    rest = layers[1:]
    s = np.sum(first.apply(w))
    for layer in rest:
        s += np.sum(layer.apply(w))
    for layer in old:
        s += np.sum(layer.apply(w))
    return s


# what the docs advise against: the loop over 'layers' calls .apply() on the new object
def stores_a_new_object(w):
    layers = [Scaled(w * (i + 1.0)) for i in range(len(w))]
    old = layers[:2]
    layers[0] = Scaled(w * 3.0)
    s = 0.0
    for layer in layers:
        s += np.sum(layer.apply(w))
    for layer in old:
        s = s + np.sum(layer.apply(w))
    return s


def test_a_store_while_a_moved_list_holds_the_old_object_names_the_store_and_both_lists():
    # it said "no adjoint rule for .apply()" at the loop over 'layers', naming neither the store nor 'old'
    with pytest.raises(astgrad.TransformError) as raised:
        astgrad.grad(stores_a_new_object)(W3.copy())
    message = str(raised.value)
    moved, store = (_place(stores_a_new_object, text).rpartition(":")[2] for text in ("old =", "layers[0] ="))
    assert message.startswith(f"{_place(stores_a_new_object, 's += np.sum(layer.apply(w))')}: the objects in 'old' "
                              f"were moved out of the list 'layers' (line {moved})"), message
    assert f"'layers' is stored into at an index (line {store}) while 'old' holds its objects" in message
    assert "keep it in a name of its own (first = Scaled(...)) and the others in a list moved out of 'layers' " \
           "(rest = layers[1:])" in message
    assert "no adjoint rule" not in message


def joins_a_new_object_to_moved_ones(w):
    layers = [Scaled(w * (i + 1.0)) for i in range(len(w))]
    old = layers[:2]
    new = [Scaled(w * 3.0)] + layers[1:]
    s = 0.0
    for layer in new:
        s = s + np.sum(layer.apply(w))
    for layer in old:
        s = s + np.sum(layer.apply(w))
    return s


def appends_a_new_object_and_moved_ones(w):
    layers = [Scaled(w * (i + 1.0)) for i in range(len(w))]
    old = layers[:2]
    new = []
    new.append(Scaled(w * 3.0))
    for layer in layers[1:]:
        new.append(layer)
    s = 0.0
    for layer in old:
        s += np.sum(layer.apply(w))
    for k in range(len(new)):
        s += np.sum(new[k].apply(w))
    return s


def appends_then_indexes_all_but_the_last(w):
    layers = [Scaled(w * (i + 1.0)) for i in range(len(w))]
    old = layers[:2]
    new = []
    new.append(Scaled(w * 3.0))
    for layer in layers[1:]:
        new.append(layer)
    s = 0.0
    for layer in old:
        s += np.sum(layer.apply(w))
    for k in range(len(new) - 1):         # (not a loop over new's items: not written as its parts)
        s += np.sum(new[k].apply(w))
    return s


def test_the_docs_give_the_fix_tested_here():
    text = DOCS.read_text()
    for shown in (Scaled, apply_all):
        assert inspect.getsource(shown) in text, f"docs/troubleshooting.md no longer shows {shown.__name__} as here"


@pytest.mark.parametrize("mode", ["grad", "jvp", "vjp", "hessian"])
def test_a_new_object_kept_apart_from_a_list_moved_out_is_followed(mode):
    # the advice it replaces, "build a new list rather than storing into layers[k]", was refused
    # in both its forms (the two programs below): this one is what the docs now advise
    check(mode, apply_all, (W3[:2].copy(),), (0,))


@pytest.mark.parametrize("mode", ["grad", "jvp", "vjp", "hessian"])
def test_one_list_of_a_new_object_joined_to_moved_ones_is_followed(mode):
    # refused before (as the test below still refuses the appends in a loop): the list is
    # now written as its parts, the new object in a name of its own (normalize/mixed_lists.py)
    check(mode, joins_a_new_object_to_moved_ones, (W3.copy(),), (0,))


@pytest.mark.parametrize("mode", ["grad", "jvp", "vjp", "hessian"])
def test_appends_in_a_loop_beside_a_new_object_are_followed(mode):
    # refused before (the test below refuses a neighbour): the loop appending the moved
    # objects is new.extend(layers[1:]), and the loop over range(len(new)) reading new[k]
    # a loop over new's items, so the list is written as its parts (normalize/mixed_lists.py)
    check(mode, appends_a_new_object_and_moved_ones, (W3.copy(),), (0,))


@pytest.mark.parametrize("f, call, made", [
    (appends_then_indexes_all_but_the_last, "s += np.sum(layer.apply(w))", "new.append(Scaled"),     # (over old)
], ids=["appended"])
def test_one_list_of_a_new_object_and_moved_ones_is_refused_as_the_docs_say(f, call, made):
    # it said "no adjoint rule for .apply()", advising a comprehension or a call through the class
    with pytest.raises(astgrad.TransformError) as raised:
        astgrad.grad(f)(W3.copy())
    message = str(raised.value)
    bound, new = (_place(f, text).rpartition(":")[2] for text in ("new =", made))
    new_at = "" if new == bound else f" (line {new})"        # a line is named once
    assert message.startswith(f"{_place(f, call)}: the objects in 'new' were moved out of the list 'layers' (line "
                              f"{bound}), and 'new' also holds a new object{new_at}, so astgrad cannot follow"), \
        message
    assert "keep it in a name of its own (first = Scaled(...))" in message


# -- a method changing its object, called through its class ------------------------------

def stepped_through_its_class(x, w):
    s = Scaler(x * 1.0)
    Scaler.step(s, w)
    return np.sum(s.W * x)


def stepped_on_the_object(x, w):
    s = Scaler(x * 1.0)
    s.step(w)
    return np.sum(s.W * x)


def test_a_method_changing_its_object_called_through_its_class_advises_the_call_on_the_object():
    # it said "Make step return the new value ... (x = step(x, ...))"
    with pytest.raises(astgrad.TransformError) as raised:
        astgrad.grad(stepped_through_its_class, wrt=(0, 1))(W3, 0.5)
    message = str(raised.value)
    assert message.startswith(f"{_place(stepped_through_its_class, 'Scaler.step(s, w)')}: the call of step "
                              "changes its argument 's' in place"), message
    assert f"{_place(Scaler.step, 'self.W = self.W * w')}: self.W = self.W * w" in message
    assert "call it on the object (s.step(w)) rather than through its class" in message
    assert "return the new value" not in message
    # the call it advises is followed: d/dw sum(x * w * x) = sum(x * x), d/dx = 2 * w * x
    gx, gw = astgrad.grad(stepped_on_the_object, wrt=(0, 1))(W3, 0.5)
    np.testing.assert_allclose(gx, 2.0 * 0.5 * W3, rtol=1e-12)
    np.testing.assert_allclose(gw, np.sum(W3 ** 2), rtol=1e-12)
