"""Python's operators (+ - * / ** @ % unary -/+, indexing) against central finite
differences, with Python floats and arrays and broadcasting in every binary operator."""

import numpy as np
import pytest

import astgrad
from fd import assert_close
from rule_harness import check_derivatives

RNG = np.random.default_rng(11)


def normal(*shape):
    return float(RNG.standard_normal()) if not shape else RNG.standard_normal(shape)


def positive(*shape):
    return float(RNG.uniform(0.5, 2.0)) if not shape else RNG.uniform(0.5, 2.0, shape)


def nonzero(*shape):
    x = positive(*shape)
    return x * RNG.choice([-1.0, 1.0], size=np.shape(x)) if shape else x


def check(f, args, wrt=None, rtol=1e-5, atol=1e-6):
    """Reverse and forward mode of f against central finite differences."""
    check_derivatives(f, args, wrt, rtol=rtol, atol=atol, rng=RNG)


def op_add(x, y): return x + y
def op_sub(x, y): return x - y
def op_mul(x, y): return x * y
def op_div(x, y): return x / y
def op_pow(x, y): return x ** y
def op_mod(x, y): return x % y


BINARY = [(op_add, normal, normal), (op_sub, normal, normal), (op_mul, normal, normal),
          (op_div, normal, nonzero), (op_pow, positive, normal), (op_mod, positive, positive)]
SHAPES = [((), ()), ((3, 4), (3, 4)), ((3, 4), (4,)), ((4,), (3, 4)), ((3, 1), (1, 4)), ((), (2, 3)),
          ((2, 3), ()), ((2, 1, 3), (4, 1))]


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("f, dx, dy", BINARY, ids=[f.__name__ for f, _, _ in BINARY])
def test_binary_operators(f, dx, dy, shapes):
    check(f, (dx(*shapes[0]), dy(*shapes[1])))


def op_square(x): return x ** 2
def op_cube_const_base(x): return 2.0 ** x
def op_neg(x): return -x
def op_pos(x): return +x * x
def op_chain(x, y):
    z = x * y + x / (y * y + 1.0) - y ** 3
    z = -z + (x - 1.0) ** 2.0
    return z * 0.5


@pytest.mark.parametrize("f, args", [
    (op_square, (np.array([-1.5, 0.3, 2.0]),)), (op_square, (-0.7,)), (op_cube_const_base, (normal(3),)),
    (op_neg, (normal(2, 3),)), (op_pos, (normal(3),)), (op_chain, (normal(3, 1), normal(4))),
], ids=lambda v: getattr(v, "__name__", ""))
def test_unary_and_mixed(f, args):
    check(f, args)


def op_matmul(a, b): return a @ b


@pytest.mark.parametrize("shapes", [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                                    ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((3,), (5, 3, 4)),
                                    ((5, 2, 3), (3,)), ((5, 1, 2, 3), (4, 3, 2))], ids=str)
def test_matmul_operator(shapes):
    check(op_matmul, (normal(*shapes[0]), normal(*shapes[1])))


def idx_int(x): return x[1]
def idx_negative(x): return x[-1]
def idx_slice(x): return x[1:4]
def idx_step(x): return x[::2]
def idx_negative_step(x): return x[::-2]
def idx_tuple(x): return x[1, -2]
def idx_tuple_slices(x): return x[1:, ::2]
def idx_fancy_repeats(x): return x[np.array([0, 2, 2, 0, 1])]
def idx_list_repeats(x): return x[[1, 1, 3]]
def idx_fancy_2d(x): return x[np.array([0, 0, 2]), np.array([1, 1, 3])]
def idx_fancy_and_slice(x): return x[1:, [0, 0, 2]]
def idx_mask(x): return x[x > 0.0]
def idx_mask_rows(x): return x[np.array([True, False, True])]
def idx_newaxis(x): return x[None, :, np.newaxis]
def idx_ellipsis(x): return x[..., 1]
def idx_ellipsis_newaxis(x): return x[..., None, 0]
def idx_list_of_floats(a, b): return [a, b * a, b][1] * [a, b][-1]
def idx_tuple_of_floats(a, b): return (a, b, a * b)[::2][1]


INDEXING = [
    (idx_int, (4,)), (idx_int, (3, 4)), (idx_negative, (4,)), (idx_negative, (3, 4)), (idx_slice, (5,)),
    (idx_slice, (5, 2)), (idx_step, (5,)), (idx_negative_step, (5,)), (idx_tuple, (3, 4)),
    (idx_tuple_slices, (3, 4)), (idx_fancy_repeats, (3,)), (idx_fancy_repeats, (3, 2)),
    (idx_list_repeats, (4,)), (idx_fancy_2d, (3, 4)), (idx_fancy_and_slice, (3, 4)), (idx_mask, (3, 4)),
    (idx_mask_rows, (3, 2)), (idx_newaxis, (3,)), (idx_ellipsis, (2, 3, 4)), (idx_ellipsis_newaxis, (2, 3)),
]


@pytest.mark.parametrize("f, shape", INDEXING, ids=[f"{f.__name__}-{s}" for f, s in INDEXING])
def test_indexing(f, shape):
    check(f, (normal(*shape),))


def test_indexing_repeats_add_up():
    g = astgrad.grad(idx_fancy_repeats).plain(np.zeros(3), d_idx_fancy_repeats=np.ones(5))
    assert_close(g, [2.0, 1.0, 2.0])


@pytest.mark.parametrize("f", [idx_list_of_floats, idx_tuple_of_floats], ids=lambda f: f.__name__)
def test_indexing_sequences(f):
    check(f, (normal(), normal()))
