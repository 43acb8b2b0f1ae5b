"""Dtypes of augmented assignment: astgrad computes what NumPy computes.

``y op= v`` on an array writes the result into ``y``: ``y`` keeps its dtype (a float32
``y`` plus a float64 ``v`` rounds to float32; a float into an int array raises), while
on a Python number ``s += 1.5`` simply binds the result (an int becomes a float).
Element writes ``y[i] += v`` and ``y[idx] = v`` store into ``y``, so they cast too.

Each value is compared with NumPy's own result, bit for bit, in reverse and forward
mode. The derivatives of float32 programs are compared with finite differences of the
same program in float64: the two differ only by float32 rounding of O(1) values
(about 1e-7 relative per operation, a few operations deep), so rtol=1e-5 is loose
enough for that and far tighter than any wrong derivative.
"""

import numpy as np
import pytest

import astgrad
from astgrad import runtime
from fd import assert_close, numerical_grad

RNG = np.random.default_rng(20260317)
X = RNG.uniform(0.5, 1.5, size=4)
V = RNG.normal(size=4)
F32_RTOL, F32_ATOL = 1e-5, 1e-6


def start(x, dtype):
    """A new array of ``dtype`` with ``x``'s shape, not depending on ``x``."""
    return np.linspace(0.5, 1.5, 4).astype(dtype)


def add(x, dtype=np.float32):
    y = start(x, dtype)
    y += x
    return np.sum(y * y)


def subtract(x, dtype=np.float32):
    y = start(x, dtype)
    y -= x * 0.3
    return np.sum(y * y)


def multiply(x, dtype=np.float32):
    y = start(x, dtype)
    y *= x
    return np.sum(y * y)


def divide(x, dtype=np.float32):
    y = start(x, dtype)
    y /= x
    return np.sum(y * y)


def power(x, dtype=np.float32):
    y = start(x, dtype)
    y **= x
    return np.sum(y * y)


def matmul(x, dtype=np.float32):
    y = start(x, dtype).reshape(2, 2)
    y @= x.reshape(2, 2)
    return np.sum(y * y)


def in_a_loop(x, dtype=np.float32):
    y = start(x, dtype)
    for _ in range(3):
        y += np.sin(x) * 0.5
        y *= x
    return np.sum(y * y)


AUGMENTED = [add, subtract, multiply, divide, power, matmul, in_a_loop]


def float64_twin(f):
    return lambda x: f(x, dtype=np.float64)


@pytest.mark.parametrize("f", AUGMENTED, ids=lambda f: f.__name__)
def test_value_keeps_the_arrays_dtype(f):
    expected = f(X)
    assert expected.dtype == np.float32
    value, gradient = astgrad.value_and_grad(f)(X)
    assert value.dtype == np.float32 and value == expected
    primal, tangent = astgrad.jvp(f, (X,), (V,))
    assert primal.dtype == np.float32 and primal == expected
    assert np.asarray(tangent).dtype == np.float32


@pytest.mark.parametrize("f", AUGMENTED, ids=lambda f: f.__name__)
def test_derivatives_match_the_float64_program(f):
    reference = numerical_grad(float64_twin(f), (X,))
    gradient = astgrad.grad(f)(X)
    assert gradient.dtype == np.float64         # the dtype of the argument
    assert_close(gradient, reference, rtol=F32_RTOL, atol=F32_ATOL)
    _, tangent = astgrad.jvp(f, (X,), (V,))
    assert_close(float(tangent), float(reference @ V), rtol=F32_RTOL, atol=F32_ATOL)
    # and the float64 program itself, in both modes
    assert_close(astgrad.grad(float64_twin(f))(X), reference, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("f", [add, multiply, power, in_a_loop], ids=lambda f: f.__name__)
def test_second_order_matches_the_float64_program(f):
    gradient64 = astgrad.grad(float64_twin(f))
    columns = [numerical_grad(lambda x: gradient64(x)[k], (X,)) for k in range(X.size)]
    expected = np.stack(columns)
    hessian = astgrad.hessian(f)(X)
    assert_close(hessian, expected, rtol=1e-4, atol=1e-5)
    assert_close(astgrad.hvp(f)(X, V), expected @ V, rtol=1e-4, atol=1e-5)


def scaled_float32_input(x):
    y = x * 1.0                                 # float32, like x
    y *= np.array([0.1, 0.2, 0.3, 0.4])         # float64 weights: y stays float32
    return np.sum(y * y)


def test_float32_argument_keeps_float32_throughout():
    x32 = X.astype(np.float32)
    expected = scaled_float32_input(x32)
    value, gradient = astgrad.value_and_grad(scaled_float32_input)(x32)
    assert value.dtype == np.float32 and value == expected
    assert gradient.dtype == np.float32
    hand = 2.0 * (x32 * np.array([0.1, 0.2, 0.3, 0.4])).astype(np.float32) * np.array([0.1, 0.2, 0.3, 0.4])
    assert_close(gradient, hand, rtol=F32_RTOL, atol=F32_ATOL)
    primal, tangent = astgrad.jvp(scaled_float32_input, (x32,), (V.astype(np.float32),))
    assert primal == expected and np.asarray(tangent).dtype == np.float32
    assert_close(float(tangent), float(hand @ V), rtol=F32_RTOL, atol=F32_ATOL)


# -- element writes: storing into an array casts to its dtype (NumPy does it) -----------

def element_writes(x, dtype=np.float32):
    y = start(x, dtype)
    y[1] += x[0]
    y[0:2] += x[2:] * 0.5
    y[np.array([2, 3])] = x[1:3] * 0.1
    return np.sum(y * y)


def test_element_writes_keep_the_arrays_dtype():
    expected = element_writes(X)
    value, gradient = astgrad.value_and_grad(element_writes)(X)
    assert value.dtype == np.float32 and value == expected
    primal, _ = astgrad.jvp(element_writes, (X,), (V,))
    assert primal == expected
    reference = numerical_grad(float64_twin(element_writes), (X,))
    assert_close(gradient, reference, rtol=F32_RTOL, atol=F32_ATOL)


# -- numbers: Python rebinds, so an int becomes a float ---------------------------------

def number_accumulator(x):
    s = 1
    s += 1.5
    t = 0
    for i in range(3):
        t += x * i
    return s * t


def test_numbers_follow_python():
    value, gradient = astgrad.value_and_grad(number_accumulator)(0.7)
    assert type(value) is float and value == number_accumulator(0.7)
    assert gradient == pytest.approx(numerical_grad(number_accumulator, (0.7,)), rel=1e-6)
    primal, tangent = astgrad.jvp(number_accumulator, (0.7,), (1.0,))
    assert type(primal) is float and tangent == pytest.approx(gradient)


def zero_d(x):
    y = np.array(1.0, dtype=np.float32)
    y += x
    return y


def test_zero_d_array_stays_an_array_of_its_dtype():
    value, gradient = astgrad.value_and_grad(zero_d)(0.3)
    expected = zero_d(0.3)
    assert isinstance(expected, np.ndarray) and expected.dtype == np.float32
    assert isinstance(value, np.ndarray) and value.dtype == np.float32 and value == expected
    assert gradient == 1.0


# -- what NumPy refuses, astgrad refuses with NumPy's error ------------------------------

def float_into_int_array(x):
    a = np.arange(3)
    a += 1.5
    return np.sum(a * x)


def wider_than_the_array(x):
    y = np.ones(3)
    y += np.ones((2, 3)) * x
    return np.sum(y)


@pytest.mark.parametrize("f, error", [(float_into_int_array, TypeError), (wider_than_the_array, ValueError)],
                         ids=["float-into-int", "broadcast-wider"])
def test_numpy_refusals_are_kept(f, error):
    with pytest.raises(error) as primal:
        f(0.5)
    with pytest.raises(error) as reverse:
        astgrad.grad(f)(0.5)
    with pytest.raises(error):
        astgrad.jvp(f, (0.5,), (1.0,))
    assert type(reverse.value) is type(primal.value)


# -- the generated code: one helper call, and no copy when the dtype already fits -------

def test_generated_code_and_common_case():
    source = astgrad.grad(add).source
    assert source.count("in_place(") == 1
    plain = astgrad.grad(lambda_free_plain).source
    assert "in_place" not in plain
    a, b = np.ones(3), np.ones(3)
    assert runtime.in_place(a, b) is a          # float64 into float64: nothing copied
    assert runtime.in_place(2.5, 1) == 2.5      # a number is rebound


def lambda_free_plain(x):
    y = start(x, np.float32)
    y = y + x
    return np.sum(y * y)


# -- y[idx] op= v: Python applies op= to the element y[idx] first, then stores it --------
#
# An array element (a slice, a fancy index) is an array, whose += keeps its int dtype, so
# a float raises UFuncTypeError; a scalar element is a NumPy number, whose += returns a new
# float, and storing that into the int array truncates it.

def int_slice_plus_float(x):
    a = np.array([1, 2, 3])
    a[0:2] += 1.5
    return np.sum(a * x)


def int_fancy_plus_float(x):
    a = np.array([1, 2, 3])
    a[[0, 1]] += 1.5
    return np.sum(a * x)


def int_element_plus_float(x):
    a = np.array([1, 2, 3])
    a[0] += 1.5
    a[2] *= 1.5
    return np.sum(a * x)


def int_slice_plus_int(x):
    a = np.array([1, 2, 3])
    a[0:2] += 2
    a[[1, 2]] *= 3
    return np.sum(a * x)


def _outcome(call):
    """What ``call()`` gives: ("value", value) or ("raises", the exception's type)."""
    try:
        return "value", call()
    except Exception as exc:        # noqa: BLE001 - the type is what is compared
        return "raises", type(exc)


@pytest.mark.parametrize("f", [int_slice_plus_float, int_fancy_plus_float, int_element_plus_float,
                               int_slice_plus_int], ids=lambda f: f.__name__)
def test_element_augmented_assignment_into_int_array_is_numpys(f):
    x = np.array([0.5, -1.0, 2.0])
    kind, expected = _outcome(lambda: f(x))
    if f in (int_slice_plus_float, int_fancy_plus_float):
        assert kind == "raises" and expected.__name__ == "UFuncTypeError"
    for transform in (lambda: astgrad.value_and_grad(f)(x)[0],
                      lambda: astgrad.jvp(f, (x,), (np.ones(3),))[0]):
        got_kind, got = _outcome(transform)
        assert got_kind == kind
        if kind == "raises":
            assert got is expected
        else:
            assert got == expected
    if kind == "value":     # the int array does not depend on x: its values are the gradient
        expected_gradient = numerical_grad(f, (x,))
        assert_close(astgrad.grad(f)(x), expected_gradient)
        assert_close(astgrad.jvp(f, (x,), (V[:3],))[1], expected_gradient @ V[:3])


def float_element_updates(x):
    y = np.linspace(0.5, 1.5, 4)
    y[0:2] += x[1:3] * x[0]
    y[[2, 3]] *= x[:2]
    y[1] -= np.sin(x[3])
    y[3] /= 1.0 + x[2] ** 2
    return np.sum(y * y)


def repeated_fancy_index(x):
    y = np.linspace(0.5, 1.5, 4)
    y[[0, 0, 1]] += x[:3] * x[3]        # NumPy keeps the last write of y[0]
    return np.sum(y * y * y)


@pytest.mark.parametrize("f", [float_element_updates, repeated_fancy_index], ids=lambda f: f.__name__)
def test_element_augmented_assignment_derivatives(f):
    value, gradient = astgrad.value_and_grad(f)(X)
    assert value == f(X)
    reference = numerical_grad(f, (X,))
    assert_close(gradient, reference)
    primal, tangent = astgrad.jvp(f, (X,), (V,))
    assert primal == f(X)
    assert_close(tangent, reference @ V)
    gradient_of = astgrad.grad(f)
    expected = np.stack([numerical_grad(lambda x: gradient_of(x)[k], (X,)) for k in range(X.size)])
    assert_close(astgrad.hessian(f)(X), expected, rtol=1e-4, atol=1e-5)
    assert_close(astgrad.grad(lambda_of_grad(f))(X), expected.T @ V, rtol=1e-4, atol=1e-5)


def lambda_of_grad(f):
    """A function of x whose gradient is the Hessian of ``f`` times ``V`` (grad of grad)."""
    gradient = astgrad.grad(f)

    def along_v(x):
        return np.sum(gradient(x) * V)
    return along_v


def test_element_augmented_assignment_reads_plainly():
    """``y[i] += v`` on a float array: one in_place call, which copies nothing there."""
    def slice_add(x):
        y = np.zeros(3)
        y[0:2] += x
        return np.sum(y * y)
    source = astgrad.grad(slice_add).source
    assert source.count("in_place(") == 1 and "in_place(t + x, t, op='+=')" in source
    assert astgrad.grad(slice_add)(np.array([1.0, 2.0])).tolist() == [2.0, 4.0]
    a = np.ones(2)
    assert runtime.in_place(a, np.zeros(2)) is a
    # a NumPy scalar is a number: the result is rebound, never cast into its dtype
    assert runtime.in_place(np.float64(2.5), np.int64(1)) == 2.5
    assert type(runtime.in_place(np.float64(2.5), np.int64(1))) is np.float64


def float_through_int_element(x):
    a = np.array([1, 2, 3])
    a[0] += x                   # stored as int(1 + x): piecewise constant in x
    return x * a[0]


def test_no_derivative_through_a_store_into_an_int_array():
    value, gradient = astgrad.value_and_grad(float_through_int_element)(1.3)
    assert value == float_through_int_element(1.3)
    assert gradient == pytest.approx(numerical_grad(float_through_int_element, (1.3,)))


# -- a float stored into an int or bool array is truncated: no derivative passes --------
#
# NumPy casts what y[i] = v stores into y's dtype; into an int or bool array that is a
# piecewise-constant function of v (derivative 0 away from the jumps), so the path
# through the store contributes nothing, in both modes and at second order. The point
# XT keeps every stored value away from an integer, where finite differences agree.

XT = np.array([0.35, 1.45, 0.7, 1.3])


def int_element_stores(x):
    a = np.array([1, 2, 3])
    a[0] = x[0] * x[1]
    a[2] += x[2]                        # stored as int(3 + x[2])
    return np.sum(a * x[:3] ** 2) + x[3] * a[0]


def int_fancy_store(x):
    a = np.zeros(4, dtype=int)
    a[[0, 2, 2]] = x[:3] * 3.0
    return np.sum(a * x * x)


def int_slice_store(x):
    a = np.arange(4)
    a[1:3] = x[1:3] * 2.0
    return np.sum(a * np.sin(x))


def int32_ellipsis_store(x):
    a = np.ones(4, dtype=np.int32)
    a[...] = x * 2.5
    return np.sum(a * x ** 2)


def uint8_slice_store(x):
    a = np.zeros(4, dtype=np.uint8)
    a[0:2] = x[0:2] * 10.0
    return np.sum(a * x ** 3)


def bool_element_store(x):
    m = np.zeros(4, dtype=bool)
    m[1] = x[0]
    return np.sum(m * x ** 2)


def int_row_store(x):
    a = np.zeros((2, 4), dtype=int)
    a[1] = x * 3.0
    return np.sum(a * x) * x[0]


def int_elements_in_a_loop(x):
    a = np.array([1, 2, 3, 4])
    for i in range(4):
        a[i] = x[i] * 2.0 + i
    return np.sum(a * x ** 2)


def int_elements_added_in_a_loop(x):
    a = np.array([1, 2, 3, 4])
    for i in range(4):
        a[i] += x[i] * 2.0
    return np.sum(a * x ** 2)


def float_and_int_stores(x):
    y = np.zeros(4)
    y[0:2] = x[0:2] ** 2                # a float array keeps the derivative
    a = np.zeros(4, dtype=int)
    a[2:] = x[2:] * 3.0
    return np.sum((y + a) * x)


INT_STORES = [int_element_stores, int_fancy_store, int_slice_store, int32_ellipsis_store,
              uint8_slice_store, bool_element_store, int_row_store, int_elements_in_a_loop,
              float_and_int_stores]


@pytest.mark.parametrize("f", INT_STORES, ids=lambda f: f.__name__)
def test_stores_into_int_arrays_pass_no_derivative(f):
    value, gradient = astgrad.value_and_grad(f)(XT)
    assert value == f(XT)
    reference = numerical_grad(f, (XT,))
    assert_close(gradient, reference)
    primal, tangent = astgrad.jvp(f, (XT,), (V,))
    assert primal == f(XT)
    assert_close(tangent, reference @ V)
    assert_close(tangent, gradient @ V)                 # the two modes agree
    gradient_of = astgrad.grad(f)
    expected = np.stack([numerical_grad(lambda x: gradient_of(x)[k], (XT,)) for k in range(XT.size)])
    assert_close(astgrad.hessian(f)(XT), expected, rtol=1e-4, atol=1e-5)
    assert_close(astgrad.grad(lambda_of_grad(f))(XT), expected.T @ V, rtol=1e-4, atol=1e-5)


def test_int_elements_added_in_a_loop_pass_no_derivative():
    """First order only: forward over reverse refuses ``y[i] += v`` in a loop (float arrays too)."""
    reference = numerical_grad(int_elements_added_in_a_loop, (XT,))
    assert_close(astgrad.grad(int_elements_added_in_a_loop)(XT), reference)
    assert_close(astgrad.jvp(int_elements_added_in_a_loop, (XT,), (V,))[1], reference @ V)


def times_truncated(x):
    a = np.array([1, 2, 3])
    a[0] = x                            # a[0] becomes int(x)
    return x * a[0]


def test_a_scalar_stored_into_an_int_array_is_a_constant():
    """d/dx (x * int(x)) = int(x) away from the integers, in every mode and order."""
    assert astgrad.grad(times_truncated)(2.5) == 2.0
    assert astgrad.jvp(times_truncated, (2.5,), (1.0,)) == (5.0, 2.0)
    assert astgrad.grad(astgrad.grad(times_truncated))(2.5) == 0.0
    assert astgrad.hessian(times_truncated)(2.5) == 0.0
    assert astgrad.jvp(astgrad.grad(times_truncated), (2.5,), (1.0,))[1] == 0.0


def test_an_int_dtype_array_of_floats_is_a_constant_too():
    """``numpy.array([x, 1], dtype=int)`` truncates like a store does."""
    def f(x):
        a = np.array([x, 1], dtype=int)
        return x * a[0]
    assert astgrad.grad(f)(2.5) == 2.0
    assert astgrad.jvp(f, (2.5,), (1.0,))[1] == 2.0


def test_through_store_on_the_float_path_is_the_identity():
    g = np.ones(3)
    assert runtime.through_store(g, np.zeros(3)) is g
    assert runtime.through_store(g, [1, 2, 3]) is g
    assert runtime.through_store(1.5, np.zeros(3, dtype=np.float32)) == 1.5
    zero = runtime.through_store(g, np.zeros(3, dtype=int))
    assert zero.tolist() == [0.0, 0.0, 0.0] and zero.dtype == np.float64
    assert runtime.through_store(1.5, np.zeros(2, dtype=bool)) == 0.0
