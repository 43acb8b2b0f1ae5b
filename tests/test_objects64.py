"""Lists of objects and a global default list, written as users write them, followed in
every mode: a helper logging to a default list that is a global (``history=HISTORY``),
whose appends land in that global as Python's do; properties read through a list moved
out of a list of objects; such a moved list bound in the branches of an ``if``, read
inside a loop over the other list, and read by comprehensions under ``and`` or after a
read of the objects in the same statement. Each is checked in grad, jvp, vjp (a random
cotangent) and hessian against central finite differences."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

HISTORY = []


def logged(loss, history=HISTORY):      # noqa: B006 - the default is the global's list: the point
    history.append(loss)
    return loss


def logged_loss(w):
    return logged(np.sum(np.sin(w) * w)) * 2.0


class Cell:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def step(self, w):
        self.W = np.sin(self.W * w) + self.b
        return np.sum(self.W * w)

    @property
    def scale(self):
        return np.tanh(self.W) * self.b


def cells(w):
    layers = [Cell(w * (i + 1.0), 0.5 + 0.1 * i) for i in range(len(w))]
    if w[1] < 0:                        # the moved list bound in a branch, read after it
        ys = layers[1:]
    else:
        ys = layers[:2]
    for layer in layers:                # ys[0] is one of these: read before the pass changes it
        layer.W = layer.W * 0.5 + ys[0].W * np.sum(ys[0].scale)
    s = np.sum(ys[-1].scale) + sum([y.step(w) for y in ys])     # read, then stepped: in that order
    t = w[0] > 0 and sum([np.sum(y.W) for y in ys])             # summed only where w[0] > 0
    return s + t


W = np.array([0.3, -0.7, 1.1])
T = np.array([0.5, 1.0, -2.0])


def _every_mode(f, w):
    rng = np.random.default_rng(7)
    x = w.copy()
    assert_close(astgrad.grad(f)(x), numerical_grad(f, (w.copy(),)))
    assert np.array_equal(x, w)                     # the caller's array as it was
    value, tangent = astgrad.jvp(f, (w.copy(),), (T,))
    assert value == pytest.approx(f(w.copy()))
    assert_close(tangent, numerical_jvp(f, (w.copy(),), (T,)))
    cotangent = rng.normal()
    value, pullback = astgrad.vjp(f, w.copy())
    assert_close(pullback(cotangent)[0], cotangent * numerical_grad(f, (w.copy(),)))
    g = astgrad.grad(f)
    assert_close(astgrad.hessian(f)(w.copy()), numerical_hessian(lambda v: g(v.copy()), (w.copy(),)), 1e-4, 1e-5)


def test_a_default_list_that_is_a_global_gets_one_entry_per_call_in_every_mode():
    # refused before: HISTORY, read by the default, was counted as a global the body reads,
    # the same list as the argument written into
    _every_mode(logged_loss, W)
    expected = float(np.sum(np.sin(W) * W))
    for run in (lambda: astgrad.grad(logged_loss)(W.copy()), lambda: astgrad.jvp(logged_loss, (W,), (T,)),
                lambda: astgrad.vjp(logged_loss, W)[1](1.0), lambda: astgrad.hessian(logged_loss)(W.copy()),
                lambda: logged_loss(W)):
        HISTORY.clear()
        run()
        assert HISTORY == [pytest.approx(expected)] and type(HISTORY[0]) is np.float64     # as Python leaves it


def test_objects_moved_out_of_a_list_followed_in_every_mode():
    # each form was refused before: a property read on an item, the moved list bound in a
    # branch, read inside a loop over the other list, a comprehension under and or after a read
    _every_mode(cells, W)
    assert_close(astgrad.grad(cells)(-W), numerical_grad(cells, (-W,)))     # the other branch, and not and
