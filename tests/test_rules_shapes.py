"""Shape and assembly functions (rules/shape_rules.py) end to end: reverse and forward
mode against central finite differences in float64, second order (the gradient of a
gradient, and forward over reverse), and float32 staying float32.

Each case is a small function defined here (astgrad reads its source); list results
(``split`` and its relatives) are recombined, or only some pieces are used.
"""

import types

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian
from rule_harness import check_derivatives

RNG = np.random.default_rng(20250210)


def N(*shape):
    return RNG.standard_normal(shape)


def check(f, args, wrt=None):
    check_derivatives(f, args, wrt, rtol=1e-5, atol=1e-6, rng=RNG)


_IDX = np.array([[2, 0, 1], [1, 1, 0]])
_CHOICE = np.array([[0, 2, 1], [1, 0, 2]])


def s_atleast_1d(x, y): return np.atleast_1d(x * y)
def s_atleast_2d(x, y): return np.atleast_2d(x) * np.atleast_2d(y)
def s_atleast_3d_many(x, y):
    a, b = np.atleast_3d(x, y)
    return np.sum(a * 2.0) + b * b
def s_hstack(x, y): return np.hstack([x, y * y, x])
def s_hstack_1d(x, y): return np.hstack((x[0], y[:, 0], x[1]))
def s_vstack(x, y): return np.vstack([x[0], y, x])
def s_dstack(x, y): return np.dstack([x, y])
def s_column_stack(x, y): return np.column_stack([x[0], y, np.sin(x[1])])
def s_append(x, y): return np.append(x, y * 3.0)
def s_append_axis(x, y): return np.append(x, y, axis=0)
def s_split(x, y):
    a, b, c = np.split(x, 3)
    return a * c + b * y[0]
def s_split_indices(x, y):
    parts = np.split(x, [1, 2], axis=1)
    return parts[2] * parts[0] + y[0, 0]
def s_array_split(x, y): return np.array_split(x, 2, axis=1)[1] * y[0, 0]
def s_hsplit(x, y):
    a, b = np.hsplit(x, 2)
    return a - b * y[0, 0]
def s_vsplit(x, y): return np.vsplit(x, [1])[1] * y[0, 0]
def s_dsplit(x, y):
    a, b = np.dsplit(x, 2)
    return a * b + y[0, 0]
def s_tile(x, y): return np.tile(x, (2, 1, 3)) * y[0, 0]
def s_tile_int(x, y): return np.tile(x[0], 2) + y[0]
def s_repeat(x, y): return np.repeat(x, 2) * y[0, 0]
def s_repeat_each(x, y): return np.repeat(x, [2, 0, 1], axis=1) + y[0, 0]
def s_fliplr(x, y): return np.fliplr(x) * y
def s_flipud(x, y): return np.flipud(x) * y
def s_roll(x, y): return np.roll(x, 2) * y
def s_roll_tuple(x, y): return np.roll(x, (1, -1), axis=(0, 1)) * y
def s_rot90(x, y): return np.rot90(x) * np.rot90(y, 3)
def s_rot90_axes(x, y): return np.rot90(x, -1, axes=(1, 0)) * y
def s_rollaxis(x, y): return np.rollaxis(x[..., None] * y, 2)
def s_moveaxis(x, y): return np.moveaxis(x[..., None] * y, (0, 1), (2, 0))
def s_diag_matrix(x, y): return np.diag(x[0] * y[0], 1)
def s_diag_vector(x, y): return np.diag(x, -1) * y[0, 0]
def s_diagonal(x, y): return np.diagonal(x * y) * y[0, :3]
def s_diagonal_axes(x, y): return np.diagonal(x[..., None] * y, 1, 2, 0)
def s_diagonal_method(x, y): return (x * y).diagonal(-1) + x.diagonal(axis1=1, axis2=0)[:2]
def s_diagflat(x, y): return np.diagflat(x, -1) * y[0, 0]
def s_triu(x, y): return np.triu(x * y, 1)
def s_tril(x, y): return np.tril(x, -1) * y
def s_tril_vector(x, y): return np.tril(x[0]) * y[0, 0]
def s_pad_constant(x, y): return np.pad(x, ((1, 2), (0, 1))) * y[0, 0]
def s_pad_constant_value(x, y): return np.pad(x, 1, constant_values=3.0) * y[0, 0]
def s_pad_edge(x, y): return np.pad(x, (2, 1), mode="edge") * y[0, 0]
def s_pad_reflect(x, y): return np.pad(x, 2, "reflect") * y[0, 0]
def s_take(x, y): return np.take(x, _IDX) * y[0, 0]
def s_take_axis(x, y): return np.take(x, [2, 0, 2], axis=1) * y[:, :1]
def s_take_wrap(x, y): return np.take(x, [5, -7], axis=1, mode="wrap") + y[0, 0]
def s_take_along_axis(x, y): return np.take_along_axis(x, _IDX, axis=0) * y[0, 0]
def s_take_along_none(x, y): return np.take_along_axis(x[0], np.array([2, 2, 0]), None) * y[0, 0]
def s_select(x, y): return np.select([x > 0.5, y < 0.0], [x * y, y * 2.0], x[0])
def s_choose(x, y): return np.choose(_CHOICE, [x, y, x * y[0, 0]])
def s_real_if_close(x, y): return np.real_if_close(x * y)
def s_r_(x, y): return np.r_[x[0], y[1], 0.5] * np.r_[y[0], x[1], x[0, 0]]
def s_c_(x, y): return np.c_[x[0], y[1]] * y[0, 0]
def s_matrix_transpose(x, y): return np.matrix_transpose(x[..., None] * y) * y[:, None]
def s_linalg_matrix_transpose(x, y): return np.linalg.matrix_transpose(x * y)
def s_linalg_diagonal(x, y): return np.linalg.diagonal(x[..., None] * y, offset=-1)
def s_permute_dims(x, y): return np.permute_dims(x[..., None] * y, (2, 0, 1))
def s_concat(x, y): return np.concat([x, y * y], axis=1)
def s_sliding_window(x, y): return np.lib.stride_tricks.sliding_window_view(x, (2, 2)) * y
def s_sliding_window_axis(x, y): return np.lib.stride_tricks.sliding_window_view(x * y[0, 0], (2, 2), axis=(1, 1)) @ y[1]
def s_put_along_axis(x, y):
    a = x * 1.0
    np.put_along_axis(a, _IDX[:1], y[:1] * 2.0, axis=0)
    return a * x


# (program, shape of x, shape of y): y is a second differentiated input
PROGRAMS = [
    (s_atleast_1d, (), ()), (s_atleast_2d, (3,), ()), (s_atleast_3d_many, (2, 3), ()),
    (s_hstack, (2, 3), (2, 1)), (s_hstack_1d, (2,), (3, 1)), (s_vstack, (2, 3), (1, 3)),
    (s_dstack, (2, 3), (2, 3, 2)), (s_column_stack, (2, 3), (3, 2)),
    (s_append, (2, 3), (2,)), (s_append_axis, (2, 3), (1, 3)),
    (s_split, (6, 2), (2,)), (s_split_indices, (2, 4), (2, 2)), (s_array_split, (2, 5), (2, 2)),
    (s_hsplit, (2, 4, 3), (2, 2)), (s_vsplit, (3, 2), (2, 2)), (s_dsplit, (2, 2, 4), (2, 2)),
    (s_tile, (2, 3), (2, 2)), (s_tile_int, (2, 3), (6,)), (s_repeat, (2, 3), (2, 2)),
    (s_repeat_each, (2, 3), (2, 2)),
    (s_fliplr, (2, 3), (2, 3)), (s_flipud, (2, 3), (3,)), (s_roll, (3, 4), (3, 4)),
    (s_roll_tuple, (3, 4), (4,)), (s_rot90, (2, 3), (2, 3)), (s_rot90_axes, (2, 3), (3, 2)),
    (s_rollaxis, (2, 3), (4,)), (s_moveaxis, (2, 3), (4,)),
    (s_diag_matrix, (2, 3), (2, 3)), (s_diag_vector, (3,), (2, 2)), (s_diagonal, (3, 4), (3, 4)),
    (s_diagonal_axes, (2, 3), (4,)), (s_diagflat, (2, 2), (2, 2)),
    (s_triu, (3, 4), (4,)), (s_tril, (4, 3), (4, 3)), (s_tril_vector, (2, 3), (2, 2)),
    (s_pad_constant, (2, 3), (2, 2)), (s_pad_constant_value, (2, 3), (2, 2)),
    (s_pad_edge, (4,), (2, 2)), (s_pad_reflect, (3, 4), (2, 2)),
    (s_take, (3, 4), (2, 2)), (s_take_axis, (3, 4), (3, 2)), (s_take_wrap, (3, 4), (2, 2)),
    (s_take_along_axis, (3, 3), (2, 2)), (s_take_along_none, (2, 3), (2, 2)),
    (s_select, (2, 3), (2, 3)), (s_choose, (2, 3), (2, 3)), (s_real_if_close, (2, 3), (3,)),
    (s_r_, (2, 3), (2, 3)), (s_c_, (2, 3), (2, 3)), (s_put_along_axis, (3, 3), (3, 3)),
    (s_matrix_transpose, (2, 3), (4,)), (s_linalg_matrix_transpose, (2, 3), (2, 3)),
    (s_linalg_diagonal, (2, 3), (4,)), (s_permute_dims, (2, 3), (4,)), (s_concat, (2, 3), (2, 2)),
    (s_sliding_window, (3, 4), (2, 2)), (s_sliding_window_axis, (2, 5), (2, 2)),
    (s_diagonal_method, (3, 3), (3, 3)),
]


@pytest.mark.parametrize("f, x_shape, y_shape", PROGRAMS, ids=[p[0].__name__ for p in PROGRAMS])
def test_reverse_and_forward_match_finite_differences(f, x_shape, y_shape):
    args = (N(*x_shape), N(*y_shape)) if f.__code__.co_argcount == 2 else (N(*x_shape),)
    check(f, args)


def _total(x, y):
    return np.sum(np.sin(F(x, y)))


def _scalar(f):
    """sum(sin(f(x, y))): a scalar function whose second derivative needs the adjoint
    of f's adjoint."""
    return types.FunctionType(_total.__code__, {**globals(), "F": f}, "total")


SECOND = PROGRAMS


@pytest.mark.parametrize("f, x_shape, y_shape", SECOND[::2], ids=[p[0].__name__ for p in SECOND[::2]])
def test_second_order_reverse_over_reverse(f, x_shape, y_shape):
    """The Hessian from grad(grad(f)) against finite differences of the gradient."""
    total = _scalar(f)
    x, y = N(*x_shape), N(*y_shape)
    gradient = astgrad.grad(total, 0)
    hessian = astgrad.jacobian(gradient, 0)(x, y)
    expected = numerical_hessian(gradient, (x, y), wrt=0)
    assert_close(np.reshape(hessian, expected.shape), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("f, x_shape, y_shape", SECOND[1::2], ids=[p[0].__name__ for p in SECOND[1::2]])
def test_second_order_forward_over_reverse(f, x_shape, y_shape):
    """jvp of the gradient (a Hessian-vector product) against finite differences."""
    total = _scalar(f)
    x, y = N(*x_shape), N(*y_shape)
    v = N(*x_shape)
    gradient = astgrad.grad(total, (0, 1))
    _, hvp = astgrad.jvp(lambda x: gradient(x, y), (x,), (v,))
    eps = 1e-6
    plus, minus = gradient(x + eps * v, y), gradient(x - eps * v, y)
    for got, p, m in zip(hvp, plus, minus):
        assert_close(got, (p - m) / (2 * eps), rtol=1e-5, atol=1e-6)


FLOAT32 = [s_hstack, s_sliding_window, s_split, s_tile, s_repeat_each, s_roll_tuple, s_diag_matrix, s_diagonal, s_pad_reflect,
           s_take_axis, s_take_along_axis, s_select, s_choose, s_append, s_atleast_3d_many]


@pytest.mark.parametrize("f", FLOAT32, ids=lambda f: f.__name__)
def test_float32_stays_float32(f):
    shapes = {p[0]: p[1:] for p in PROGRAMS}[f]
    args = tuple(N(*s).astype(np.float32) for s in shapes)
    total = _scalar(f)
    for g in astgrad.grad(total, (0, 1))(*args):
        assert g.dtype == np.float32
    _, t = astgrad.jvp(f, args, tuple(np.ones_like(a) for a in args))
    assert np.result_type(t) == np.float32


def test_pad_unsupported_mode_is_refused_clearly():
    def f(x):
        return np.sum(np.pad(x, 1, mode="mean") ** 2)
    with pytest.raises(NotImplementedError, match="mode='mean'"):
        astgrad.grad(f)(N(4))


def test_pad_derivative_in_constant_values_is_refused():
    def f(x, c):
        return np.sum(np.pad(x, 1, constant_values=c))
    with pytest.raises(astgrad.TransformError, match="constant_values"):
        astgrad.grad(f, 1)(N(3), 0.5)


def test_split_pieces_left_unused_get_zero_gradient():
    def f(x):
        a, b = np.split(x, 2)
        return np.sum(a ** 2)
    x = N(4)
    assert_close(astgrad.grad(f)(x), np.r_[2.0 * x[:2], 0.0, 0.0])


def test_put_along_axis_on_an_argument_is_refused():
    def f(x):
        np.put_along_axis(x, np.array([[0]]), 1.0, axis=0)
        return np.sum(x)
    with pytest.raises(astgrad.TransformError, match="put_along_axis"):
        astgrad.grad(f)(N(2, 2))
