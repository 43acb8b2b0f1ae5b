"""Everyday state changes on the items of a list, tuple or dict display of objects the
function builds, where the item is read out into a name (``b = boxes[0]; b.log.append(v)``,
``b.total += v``), where the list is also iterated or measured (``for b in boxes``,
``len(boxes)``, ``sum(b.v for b in boxes)``) and where a dict holds the objects
(``d = {"a": Box(x)}; d["a"].scale(w)``). Followed programs are checked against central
finite differences in value_and_grad, grad, jvp and hessian (tests/breadth_modes.py);
what stays refused (an item at an index a call computes) is checked by its message, and the next
transform working."""

import re

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from test_leftovers_round49 import X3, _line


class Box:
    def __init__(self, v):
        self.v = v
        self.log = []
        self.total = 0.0

    def scale(self, w):
        self.v = self.v * w

    def record(self, v):
        self.log.append(v)


# -- an item read out into a name -------------------------------------------------------------------

def appended_through_a_name(x, w):
    boxes = [Box(x), Box(x * w)]
    b = boxes[0]
    b.log.append(x * w)
    b.log.append(np.sin(x))
    return np.sum(b.log[0] * b.log[1]) + np.sum(boxes[1].v * boxes[0].v)


def augmented_through_a_name(x, w):
    boxes = (Box(x), Box(w))
    b = boxes[-1]
    b.total += np.sum(x * w)
    c = boxes[1]            # the same object under a second name
    c.total -= np.cos(w) * w
    return b.total * np.sum(boxes[0].v) + c.total * b.v


def effect_call_on_an_item(x, w):
    boxes = [Box(x), Box(w)]
    boxes[0].record(x * w)
    boxes[1].scale(w)
    return np.sum(boxes[0].log[0] ** 2) * boxes[1].v


# -- a list changed, then iterated or measured --------------------------------------------------------

def iterated_after_a_change(x, w):
    boxes = [Box(x), Box(x * w)]
    boxes[0].v = boxes[0].v * w
    s = 0.0
    for b in boxes:
        s = s + np.sum(np.sin(b.v))
    return s * len(boxes) + sum(np.sum(t.v * t.v) for t in boxes)


def changed_in_a_loop_over_the_list(x, w):
    boxes = [Box(x), Box(w)]
    for b in boxes:
        b.scale(w)
        b.record(b.v * w)
    totals = [np.sum(t.log[0]) for t in boxes]
    return totals[0] * totals[1] + np.sum(boxes[0].v)


def built_again_in_a_loop(x, w):
    s = 0.0
    for k in range(2):
        boxes = [Box(x), Box(w + k)]
        b = boxes[1]
        b.scale(w)
        s = s + max(np.sum(t.v) for t in boxes) * b.v
    return s


# -- objects a dict display holds ------------------------------------------------------------------------

def records_in_a_dict(x, w):
    d = {"a": Box(x), "b": Box(w)}
    d["a"].scale(w)
    r = d["b"]
    r.v = r.v * np.sum(x)
    r.record(w * w)
    return np.sum(d["a"].v ** 2) * r.v + r.log[0]


FOLLOWED = [appended_through_a_name, augmented_through_a_name, effect_call_on_an_item, iterated_after_a_change,
            changed_in_a_loop_over_the_list, built_again_in_a_loop, records_in_a_dict]


@pytest.mark.parametrize("mode", ["value_and_grad", "grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", FOLLOWED, ids=[f.__name__ for f in FOLLOWED])
def test_state_changes_of_a_displays_items_are_followed(f, mode):
    check(mode, f, (X3, 0.7), (0, 1))


# -- what stays refused ----------------------------------------------------------------------------------

def named_in_a_branch(w):
    boxes = [Box(w), Box(2.0)]
    if w > -10.0:
        b = boxes[0]        # may be unbound after the if: not the item's own name
        b.scale(w)
    return boxes[0].v


def loop_that_may_stop_early(w):
    boxes = [Box(w), Box(2.0)]
    for b in boxes:
        b.scale(w)
        if b.v > 100.0:
            break
    return boxes[0].v


def item_at_an_index_known_when_it_runs(w):
    boxes = [Box(w), Box(2.0)]
    for i in range(2):
        boxes[i].scale(w)
    return boxes[0].v


def augmented_through_an_item_of_a_list_also_copied(w):
    # (an item at an index a call computes, boxes[int(w > 0.0)], is followed: tests/test_refusals52.py)
    boxes = [Box(w), Box(2.0)]
    b = boxes[int(w > 0.0)]
    kept = list(boxes)
    b.total += w
    return b.total + len(kept)


# (an item bound to a name in a branch, an item at an index known when the code runs and a
# loop that may stop early are followed now: tests/test_leftovers_round51b.py; a copy of the list,
# list(boxes), holding the very objects the display does: frontend/normalize/moved_items.py)
@pytest.mark.parametrize("mode", ["value_and_grad", "grad", "jvp", "hessian"])
@pytest.mark.parametrize("w", [1.5, -0.7])
def test_a_change_through_an_item_of_a_list_also_copied_is_followed(w, mode):
    check(mode, augmented_through_an_item_of_a_list_also_copied, (w,), (0,))


# -- scipy.linalg.eigvals: real-valued functions of complex eigenvalues ------------------------------------

A3 = np.array([[0.6, -1.1, 0.3], [0.9, 0.2, -0.4], [0.1, 0.5, -0.7]])      # a complex pair and a real one


def spectral_radius(a):
    import scipy.linalg
    return np.max(np.abs(scipy.linalg.eigvals(a)))


def parts_of_the_eigenvalues(a, w):
    from scipy.linalg import eigvals
    lam = eigvals(a * w)
    return np.sum(np.real(lam) ** 3) + np.sum(np.imag(lam * lam)) * w + np.sum(np.abs(lam) ** 2)


EIGVALS = [(spectral_radius, (A3,), (0,)), (parts_of_the_eigenvalues, (A3, 0.8), (0, 1))]


@pytest.mark.parametrize("mode", ["value_and_grad", "grad", "jvp"])
@pytest.mark.parametrize("f, args, wrt", EIGVALS, ids=[f.__name__ for f, _, _ in EIGVALS])
def test_real_functions_of_scipys_complex_eigenvalues_are_followed(f, args, wrt, mode):
    pytest.importorskip("scipy.linalg")
    assert np.iscomplexobj(__import__("scipy.linalg").linalg.eigvals(A3))
    check(mode, f, args, wrt)


def eigenvalues_returned(a):
    import scipy.linalg
    return np.sum(scipy.linalg.eigvals(a))


def test_what_eigvals_does_not_follow_is_refused_clearly():
    scipy_linalg = pytest.importorskip("scipy.linalg")
    with pytest.raises(astgrad.TransformError) as error:        # differentiated once
        astgrad.hessian(spectral_radius)(A3)
    assert "scipy.linalg.eigvals is differentiated once (grad, jvp), not twice" in str(error.value)
    with pytest.raises(astgrad.TransformError) as error:        # a complex result
        astgrad.grad(eigenvalues_returned)(A3)
    assert str(error.value).startswith(f"{_line(eigenvalues_returned, 'return np.sum(scipy')}: ") \
        and "Take numpy.real/numpy.imag/numpy.abs first" in str(error.value)
    with pytest.raises(NotImplementedError, match="the eigenvalues are distinct; this matrix has a repeated"):
        astgrad.grad(spectral_radius)(np.eye(3))
    with pytest.raises(NotImplementedError, match="supported for a 2-D matrix; this one has shape \\(2, 3, 3\\)"):
        astgrad.grad(spectral_radius)(np.stack([A3, A3.T]))
    with pytest.raises(astgrad.TransformError, match="numpy.real, numpy.abs, a sum"):
        astgrad.grad(lambda a: np.sum(np.abs(scipy_linalg.eig(a)[0])))(A3)
    check("grad", spectral_radius, (A3,), (0,))      # the next transform works


# -- a stack of matrices in scipy.linalg's solvers: refused when the derivative runs, saying what works ----------

STACK = np.array([[[3.4, 0.2, 0.5], [0.1, 3.1, 0.3], [0.6, 0.4, 3.9]], [[2.8, 0.7, 0.1], [0.3, 3.3, 0.9],
                                                                       [0.2, 0.5, 3.6]]])
RHS = np.array([[[0.3, -0.2], [0.5, 0.1], [-0.4, 0.6]], [[0.2, 0.7], [-0.3, 0.4], [0.8, -0.1]]])


def stacked_lu(a, b):
    import scipy.linalg
    return np.sum(np.sin(scipy.linalg.lu_solve(scipy.linalg.lu_factor(a), b)))


def one_matrix_at_a_time(a, b):
    import scipy.linalg
    xs = np.stack([scipy.linalg.lu_solve(scipy.linalg.lu_factor(a[i]), b[i]) for i in range(len(a))])
    return np.sum(np.sin(xs))


def test_a_stack_in_lu_solve_is_refused_saying_what_astgrad_follows():
    pytest.importorskip("scipy.linalg")
    advice = ("numpy.stack([scipy.linalg.lu_solve(scipy.linalg.lu_factor(a[i]), b[i]) for i in range(len(a))])")
    with pytest.raises(NotImplementedError, match=re.escape(advice)):
        astgrad.grad(stacked_lu)(STACK, RHS)
    check("grad", one_matrix_at_a_time, (STACK, RHS), (0, 1))
