"""List concatenation (`xs + ys`) and repetition (`xs * 2`) change a list's length, so
their derivatives are not element by element. astgrad cannot tell at generation time
whether a parameter is a list or an array; the same code must give the right gradient
for arrays and a clear error (never a wrong number) for lists."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp
from program_files import load


def doubled_by_concatenation(xs):
    ys = xs + xs
    return ys[0] * ys[3] + ys[1]


def doubled_by_repetition(xs):
    ys = xs * 2
    return ys[0] * ys[3] + ys[1]


def repeated_in_a_loop(xs):
    s = 0.0
    for i in range(1, 3):
        ys = xs * i
        s = s + ys[0] * ys[-1]
    return s


def literal_lists(x):
    xs = [x] + [x * 2.0]
    return sum(xs)


LIST_PROGRAMS = [doubled_by_concatenation, doubled_by_repetition, repeated_in_a_loop]


@pytest.mark.parametrize("f", LIST_PROGRAMS)
def test_arrays_get_their_gradient(f):
    x = np.array([0.3, -1.2, 0.7, 2.1])
    assert_close(astgrad.grad(f)(x), numerical_grad(f, (x,), 0))
    _, tangent = astgrad.jvp(f, (x,), (np.ones(4),))
    assert_close(tangent, np.sum(numerical_grad(f, (x,), 0)))


@pytest.mark.parametrize("f", LIST_PROGRAMS)
def test_lists_get_their_gradient_as_lists(f):
    xs = [0.3, -1.2]
    gradient = astgrad.grad(f)(xs)
    assert type(gradient) is list
    expected = numerical_grad(lambda v: f(list(v)), (np.array(xs),), 0)
    assert_close(np.array(gradient), expected)
    _, tangent = astgrad.jvp(f, (xs,), ([1.0, 1.0],))
    assert_close(tangent, np.sum(expected))


def test_concatenated_literals_are_differentiated():
    # a list display is certainly a list: + concatenates, and the items keep their derivatives
    assert_close(astgrad.grad(literal_lists)(0.7), 3.0)
    assert_close(astgrad.jvp(literal_lists, (0.7,), (1.0,))[1], 3.0)


def test_a_list_argument_made_a_list_is_differentiated():
    def f(xs):
        ys = list(xs) + xs
        return ys[0] * ys[3] + ys[1]
    xs = [0.3, -1.2]
    expected = numerical_grad(lambda a: f(list(a)), (np.array(xs),), 0)
    assert_close(np.array(astgrad.grad(f)(xs)), expected)
    assert_close(astgrad.jvp(f, (xs,), ([1.0, 1.0],))[1], np.sum(expected))


def test_same_code_still_needs_no_shape_helpers_for_numbers():
    # a product used as a number (here by a subtraction) cannot be a repeated list,
    # so straight-line code keeps no unbroadcast for it
    def f(x, y):
        t = x * 2
        u = t - y
        return u * u

    source = astgrad.grad(f).source
    assert "unbroadcast(d_t" not in source, source
    assert_close(astgrad.grad(f)(1.5, 0.5), numerical_grad(f, (1.5, 0.5), 0))


LIST_TIMES_ARRAY = """
import numpy as np
import astgrad


def cube(x):
    return np.sum(x ** 3)


def gradient_times_list(v):
    return np.sum(astgrad.grad(cube)(v) * [1.0, 2.0, 3.0])


def list_times_gradient(v):
    return np.sum([1.0, 2.0, 3.0] * astgrad.grad(cube)(v))


def list_times_numpy_value(v):
    s = np.sin(v)
    return np.sum([1.0, 2.0, 3.0] * s)


def items_times_numpy_value(v):
    return np.sum([v[0], v[1]] * np.cos(v[:2]))


def list_repeated(v):
    items = [v[0], v[1]] * 2
    return items[0] * items[3]


def list_times_argument(v):
    return np.sum(v * [1.0, 2.0, 3.0])
"""


@pytest.mark.parametrize("name", ["gradient_times_list", "list_times_gradient", "list_times_numpy_value",
                                  "items_times_numpy_value", "list_repeated"])
def test_a_list_times_an_array_multiplies_elementwise_as_in_numpy(name):
    """``*`` of a list and a value known to be an array (a NumPy call's result, a
    gradient, a name bound only to those) is NumPy's elementwise product, not a list
    repetition (it was refused as one); a list times an int still repeats it."""
    fn = load(LIST_TIMES_ARRAY, name)
    v = np.array([2.0, -1.0, 3.0])
    assert_close(astgrad.grad(fn)(v), numerical_grad(fn, (v,), 0))
    assert_close(astgrad.jvp(fn, (v,), (np.array([0.5, 1.0, -2.0]),))[1],
                 numerical_jvp(fn, (v,), (np.array([0.5, 1.0, -2.0]),)))


def test_a_list_times_an_argument_follows_its_kind_when_the_code_runs():
    """An argument's kind is not known when the code is generated: ``[...] * v`` is the
    elementwise product where ``v`` is an array, as in NumPy (also a 0-d array), and the
    list repeated where it is an int (also numpy.int64); a numpy.float64 raises a
    TypeError, as in Python."""
    fn = load(LIST_TIMES_ARRAY, "list_times_argument")
    v = np.array([2.0, -1.0, 3.0])
    assert_close(astgrad.grad(fn)(v), numerical_grad(fn, (v,), 0))
    assert_close(astgrad.hessian(fn)(v), np.zeros((3, 3)))
    assert_close(astgrad.jvp(fn, (v,), (v,))[1], numerical_jvp(fn, (v,), (v,)))
    assert_close(astgrad.grad(scaled_items, (0, 1))(v, np.array(2.0)), (2.0 * ONE_TWO_THREE, np.sum(ONE_TWO_THREE * v)))
    for n in (2, np.int64(2)):
        assert_close(astgrad.grad(scaled_items)(v[:1], n), [scaled_items(v[:1], n) / v[0]])
    with pytest.raises(TypeError, match=r"'\*' of a list and a float64"):
        astgrad.grad(scaled_items)(v, np.float64(2.0))


ONE_TWO_THREE = np.array([1.0, 2.0, 3.0])


def scaled_items(x, n):
    return np.sum(np.asarray([1.0, 2.0, 3.0] * n) * x)


def items_times_vector(x, n):
    return np.sum(np.sin(n * [x[0], x[1] * x[2], 2.0]) * x)


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian", "jvp_of_grad"])
def test_a_list_times_an_array_argument_in_every_mode(mode):
    check(mode, items_times_vector, (np.array([0.3, -0.2, 0.8]), np.array([0.5, 1.5, 2.0])), (0, 1))


def repeated_then_numpy(xs, n):
    a = xs * n                  # n copies of the list, then read by NumPy as an array
    return np.sum(np.sin(a) * a)


def repeated_through_a_branch(xs, n):
    a = xs * n
    if np.sum(a) > 0.0:
        a = np.sin(a) * n
    else:
        a = np.cos(a) * 2.0
    return np.sum(a * n * a)


@pytest.mark.parametrize("f", [repeated_then_numpy, repeated_through_a_branch])
@pytest.mark.parametrize("xs", [[0.3], [0.2, 0.4, -0.1]])
def test_a_repeated_list_read_by_numpy_in_every_mode(f, xs):
    """The tangent of a repeated list times an array is NumPy's elementwise product (the
    derivative list multiplied each of its items by the whole array: 3x too large for
    one item repeated three times, with no error)."""
    expected = numerical_grad(lambda v: f(list(v), 3), (np.array(xs),), 0)
    assert_close(np.array(astgrad.grad(f)(xs, 3)), expected)
    direction = [1.0, -0.5, 2.0][:len(xs)]
    assert_close(astgrad.jvp(f, (xs, 3), (direction, None))[1], expected @ np.array(direction))
    gradient = astgrad.grad(f)
    expected_hessian = numerical_hessian(lambda v, n: np.array(gradient(v, n)), (xs, 3))
    assert_close(np.array(astgrad.hessian(f)(xs, 3)), expected_hessian)
