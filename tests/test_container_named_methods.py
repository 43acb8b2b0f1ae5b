"""A method of the user's named like a list's, dict's or set's (``cell.update(w)``,
``cell.insert(w)``, ``cell.sort(w)``, ``cell.append(w)``, ``cell.extend(w)``) called on an object the function is given (or an
item or attribute of one): its class is known only when the code is made for the
arguments, so the call waits for it and the class's method decides (followed on a copy
of the argument, argument_objects.py), where the name alone would take it for the
container's method and refuse it. A real dict or set given still has its in-place
method refused, once its class is known. ``cell.pop(w)`` on a parameter itself is still
refused (lowered as a list's pop before the class is known); on an attribute's object
(``net.cell.pop(w)``) it is followed."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


class Cell:
    def __init__(self, W):
        self.W = W

    def update(self, w):
        self.W = self.W * w

    def insert(self, w):
        self.W = self.W - 0.5 * w

    def remove(self, w):
        self.W = self.W * np.cos(w)

    def add(self, w):
        self.W = self.W + w * w

    def discard(self, w):
        self.W = 0.5 * self.W

    def clear(self, w):
        self.W = self.W + 1.0

    def setdefault(self, w):
        self.W = np.tanh(self.W) + w

    def sort(self, w):
        self.W = self.W * self.W + w

    def append(self, w):
        self.W = self.W * w

    def extend(self, w):
        self.W = self.W + np.sin(w)

    def pop(self, w):
        self.W = self.W - w * w


class Net:
    def __init__(self):
        self.cells = [Cell(np.array([1.0, 0.5, -0.3])), Cell(np.array([2.0, -1.0, 0.7]))]
        self.cell = Cell(np.array([0.4, 0.9, -1.2]))


def on_items(w, net):           # the base: "calling .update() changes 'cell' in place"
    for cell in net.cells:
        cell.update(w)
        cell.insert(w)
        cell.remove(w)
        cell.add(w)
    net.cells[1].setdefault(w)
    net.cells[0].clear(w)
    return np.sum(net.cells[0].W * net.cells[1].W)


def on_the_argument_and_an_attribute(w, cell, net):
    cell.setdefault(w)
    cell.sort(w)
    cell.update(w)
    net.cell.insert(w)
    net.cell.discard(w)
    net.cell.sort(w)
    return np.sum(cell.W * net.cell.W * w)


def named_like_a_lists(w, cell, net):       # the base: "append to 'c' while another name may share its memory";
    cell.append(w)                          # alone, "the function appends to its argument 'cell'" when it ran
    cell.extend(w)
    for c in net.cells:
        c.append(w)
    net.cells[0].extend(w)
    net.cell.pop(w)
    return np.sum(cell.W * net.cells[0].W * net.cells[1].W * net.cell.W)


PROGRAMS = [(on_items, lambda: (Net(),)),
            (on_the_argument_and_an_attribute, lambda: (Cell(np.array([0.3, -0.6, 1.1])), Net())),
            (named_like_a_lists, lambda: (Cell(np.array([0.3, -0.6, 1.1])), Net()))]


def _state(objects):
    """The arrays the caller's cells hold, flat."""
    cells = [c for o in objects for c in ([o] if isinstance(o, Cell) else o.cells + [o.cell])]
    return np.concatenate([np.ravel(c.W) for c in cells])


@pytest.mark.parametrize("f, given", PROGRAMS, ids=[f.__name__ for f, _ in PROGRAMS])
def test_a_method_named_like_a_containers_is_the_users_own(f, given):
    w, dw = np.array([0.5, -1.0, 0.8]), np.array([0.3, 0.2, -0.4])
    gradient = astgrad.grad(f)
    objects = given()
    before = _state(objects)
    assert_close(gradient(w, *objects), numerical_grad(lambda v: f(v, *given()), (w,)))
    assert_close(_state(objects), before)       # the derivatives work on copies
    objects = given()
    assert_close(astgrad.jvp(f, (w, *objects), (dw,) + (None,) * len(objects))[1],
                 numerical_jvp(lambda v: f(v, *given()), (w,), (dw,)))
    if f is not on_items:         # (second order on the cheaper programs)
        assert_close(astgrad.hessian(f)(w, *given()),
                     numerical_hessian(lambda v: gradient(v, *given()), (w,)), rtol=1e-4, atol=1e-5)


def on_a_dict(w, d):
    d.update(a=w)
    return np.sum(d["a"] * w)


def on_a_set(w, s):
    s.add(1.0)
    return np.sum(w) * len(s)


@pytest.mark.parametrize("f, given, method", [(on_a_dict, lambda w: {"a": w}, ".update()"),
                                              (on_a_set, lambda w: {2.0}, ".add()")])
def test_a_real_containers_method_is_still_refused(f, given, method):
    w = np.array([0.5, -1.0, 0.8])
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(f)(w, given(w))
    assert f"calling {method} changes" in str(caught.value)
