"""NumPy's writes into a view and its unbuffered ``ufunc.at``: a ufunc's ``out=`` given a
view (``out=y[0]``, ``out=x[:, 1]`` of an argument, a view of a view ``y[1:][0]``, ``v[1]``
of a view ``v``, positionally, with ``where=``, its value used), ``out=`` a new array
(``numpy.zeros_like(x)``) with ``where=``, ``out=None``, a reduction's ``out=`` a view, and
``numpy.multiply.at``, ``maximum.at``, ``minimum.at``, ``divide.at``, ``subtract.at`` and a
one-operand ufunc's ``at`` (``negative.at``, ``square.at``, ``tanh.at``: NumPy's unbuffered
loop, a repeated index taking the ufunc again) with repeated indices, on views and on an
argument, in a loop; a method's ``out=`` a view (``m.sum(axis=0,
out=y[0])``) and ``out=`` an item of an attribute's array (``out=p.W[0]``, ``p`` an object
the function made, to second order too). Each program is checked in ``grad`` and
``jvp`` (its value against what NumPy itself computes, repeated indices taken one at a
time), one of them in ``hessian`` too, against central finite differences in float64, and every call must
leave the caller's arrays as they were, while ``f(x)`` changes them as NumPy does. Also: a
method of the user's named ``sort`` called on an argument's object is the user's method."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check_grad_and_jvp_on_a_copy, check_hessian_on_a_copy
from fd import assert_close

X23 = np.array([[0.3, -1.2, 0.7], [-0.6, 0.5, -0.4]])
X4 = np.array([0.3, -0.5, 0.8, 1.2])


def out_into_views(x, w):
    np.multiply(x[:, 0], w, out=x[:, 1], where=x[:, 0] > 0)    # a column of the argument
    y = np.ones((3, 4))
    np.add(x[0], x[1] * w, out=y[1:][0, :3])                    # a view of a view
    v = y[1:]
    np.sin(x[1], v[1, 1:])                                      # positionally, into a view's row
    r = np.exp(x[0] * w, out=y[0, 1:])                          # r: the view y[0, 1:]
    return np.sum(y * y * w) + np.sum(r * v[0, 0]) + np.sum(x * x)


def at_methods(x, w):
    y = np.full((2, 4), 0.1)
    np.multiply.at(y[1], [0, 0, 3], x[:3] * w)         # y[1, 0] times x[0] * w and x[1] * w
    np.maximum.at(y[0], [1, 1, 2], x[1:])               # the largest of 0.1, x[1], x[2]
    np.minimum.at(x, [3, 3], [w * 0.5, w])              # the argument itself
    np.multiply.at(x, [1, 2], x[0:2])                   # x[2] times x[1] as it was: NumPy reads v first
    np.subtract.at(y[:, ::2], (1, [1, 1]), w)
    np.divide.at(y[::-1][1], [3, 3], x[:2] + 2.0)       # y[0, 3] over both
    np.negative.at(y[0], [0, 0, 3])                     # one operand: y[0, 0] negated twice, as it was
    for k in range(2):
        np.square.at(y[:, 1:], (k, [0, 0]))             # in a loop, into a view: y[k, 1] to the fourth
    return np.sum(y * y * x[0]) + np.sum(x * x * w)


class _Layer:
    def __init__(self, w):
        self.W = np.full((2, 3), w)


def new_outputs(x, w):
    b = x - 0.45
    q = np.divide(x * w, b, out=np.zeros_like(x), where=np.abs(b) > 0.3)
    z = np.zeros((2, 3))
    np.sum(x[:, None] * w * np.ones((4, 3)), axis=0, out=z[1])     # a reduction into a row
    p = np.multiply(x, q, out=None)
    m = np.outer(x[:2], x[1:]) * w
    r = m.max(axis=1, out=z[0, :2])                     # a method's out= a view; r: the view z[0, :2]
    layer = _Layer(w)
    np.multiply(x[1:], x[:3], out=layer.W[0])           # an attribute's array, of an object made here
    s = 2.0 * np.sum(-np.multiply(x[:3], w, out=z[1]) ** 2)       # inside an expression: z[1] written first
    return np.sum(q * q) + np.sum(z * z) + np.sum(p) + np.sum(r * x[0]) + np.sum(layer.W * layer.W) + s


def second_order(x, w):
    y = np.full((2, 3), 0.1)
    np.multiply(x[:3], w, out=y[0])
    m = np.outer(x[:2], x[2:])
    m.sum(axis=0, out=y[0, 1:])                         # a method's out= a view
    v = w * np.add(x[1:], x[:3], out=y[1])              # inside an expression
    np.multiply.at(y[1:][0], [0, 0, 2], x[1:] * w)
    np.maximum.at(x, [1, 1], [w * x[0], x[2] - 2.0 * w])
    np.tanh.at(x, [2, 0, 2])                            # one operand, into the argument: x[2] twice
    layer = _Layer(w)
    np.multiply(x[1:], y[1], out=layer.W[0])            # an attribute's array, of an object made here
    return np.sum(y * y * x[0]) + np.sum(x * x * w) + np.sum(v * v) + np.sum(layer.W * layer.W * x[1])


PROGRAMS = [(out_into_views, X23), (at_methods, X4), (new_outputs, X4)]


@pytest.mark.parametrize("f, start", PROGRAMS, ids=[f.__name__ for f, _ in PROGRAMS])
def test_followed_in_grad_and_jvp_against_finite_differences(f, start):
    check_grad_and_jvp_on_a_copy(f, start, 1.3, f(start.copy(), 1.3))     # the value NumPy computes


def test_followed_to_second_order():
    check_hessian_on_a_copy(second_order, X4, 1.3)


def test_the_function_itself_changes_its_argument_as_numpy_does():
    x = X23.copy()
    out_into_views(x, 1.3)
    assert np.array_equal(x[:, 1], [0.3 * 1.3, 0.5]) and np.array_equal(x[:, 0], X23[:, 0])
    x = X4.copy()
    at_methods(x, 1.3)
    assert np.array_equal(x, [X4[0], X4[1] * X4[0], X4[2] * X4[1], 0.65])


def into_a_fancy_index(x, w):
    y = np.ones((3, 3))
    np.add(x[:3], w, out=y[[0, 2]])         # NumPy writes into a copy: y stays ones
    return np.sum(y * x[0])


def test_an_out_that_copies_is_refused_when_the_code_runs():
    for transform in (astgrad.grad(into_a_fancy_index), lambda x, w: astgrad.jvp(into_a_fancy_index, (x, w), (x, w))):
        with pytest.raises(TypeError, match=r"test_view_outputs\.py:\d+: this writes into a copy of the array"):
            transform(X4.copy(), 1.3)


def negative_at(x, w):
    y = x * w
    np.negative.at(y, [0, 0], w)            # NumPy: "second operand provided when ufunc is unary"
    return np.sum(y)


def test_a_one_operand_ufuncs_at_given_values_is_refused_naming_it():
    with pytest.raises(astgrad.TransformError, match=r"numpy\.negative\.at with these arguments.*"
                                                     r"numpy\.negative\.at\(y, index\)"):
        astgrad.grad(negative_at)(X4.copy(), 1.3)


class _Buffer:
    def __init__(self):
        self.buf = np.zeros(4)


def into_an_arguments_array(x, w, p):
    np.multiply(x, w, out=p.buf)            # Python changes the caller's p.buf
    return np.sum(p.buf * x)


def test_an_out_into_an_array_an_argument_holds_is_refused_at_its_line():
    # it was refused as "an out that is not a name", saying to use the return value only
    says = (r"test_view_outputs\.py:\d+: astgrad cannot differentiate multiply\(\.\.\., out=p\.buf\), which writes "
            r"into an array the argument 'p' holds: .* write into a copy \(buf = p\.buf\.copy\(\); ")
    p = _Buffer()
    with pytest.raises(astgrad.TransformError, match=says):
        astgrad.grad(into_an_arguments_array, wrt=(0, 1))(X4.copy(), 1.3, p)
    with pytest.raises(astgrad.TransformError, match=says):
        astgrad.jvp(into_an_arguments_array, (X4.copy(), 1.3, p), (X4, 1.0, None))
    assert not p.buf.any()


class Cell:
    """A class of the user's with a method named like an array's ``sort``."""

    def __init__(self, v):
        self.v = v

    def sort(self, w):
        return np.sum(np.sort(self.v)[:2]) * w


def sorted_cells(w, cell, cells):
    s = cell.sort(w)                # the parameter itself
    for c in cells:                 # a loop's name over a list the argument gives
        s = s + c.sort(w * w)
    return s


def test_a_method_of_yours_named_sort_is_called_as_yours():
    # it was refused as NumPy's y.sort(): "calling .sort() changes 'c' in place"
    cell, cells = Cell(X4), [Cell(X4[::-1] * 2.0), Cell(X4[1:])]
    low = [np.sum(np.sort(c.v)[:2]) for c in [cell] + cells]
    w = 1.3
    assert_close(astgrad.grad(sorted_cells)(w, cell, cells), low[0] + 2.0 * w * (low[1] + low[2]), 1e-12, 1e-12)


def read_before_the_write_inside_it(x, w):
    y = np.zeros((2, 3))
    return np.sum(y[0, 0] * np.add(x[:3], w, out=y[0]))     # y[0, 0] read before the call writes it


def test_a_view_output_inside_an_expression_that_reads_first_is_refused():
    with pytest.raises(astgrad.TransformError, match=r"test_view_outputs\.py:\d+: .*an out that is not a name"):
        astgrad.grad(read_before_the_write_inside_it)(X4.copy(), 1.3)
