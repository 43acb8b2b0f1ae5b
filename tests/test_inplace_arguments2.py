"""In-place writes into arguments and lists, the harder cases: a write whose right side
reads a view of the array written (``x[1:] = x[:-1] * w``) to second order; ``op=`` on
an item of a list argument (``xs[0] += v``), whose array items Python changes in place;
arguments sharing memory (``f(a, a)``); writes in loops and branches, through views,
with ``out=`` and repeated fancy indices, on float32 and int arrays. Every derivative
is checked against finite differences of f on copies, and every call must leave the
caller's arrays as they were. What astgrad cannot follow is refused (a TransformError
naming the user's line, or a TypeError naming it when the derivative is called)."""

import re

import numpy as np
import pytest

import astgrad
from breadth_modes import MODES, check, copies
from fd import assert_close, numerical_grad
from test_view_writes import MATRIX

X3 = np.array([0.3, -1.2, 0.7])
X4 = np.array([0.4, -0.3, 0.9, 0.6])


def on_copies(f):
    return lambda *args: f(*copies(args))


# -- writes reading a view of the array they write into, to second order -------------------

def shifted_into_argument(x, w):
    x[1:] = x[:-1] * w
    x[0] *= w
    return np.sum(x * x)


def shifted_in_a_loop(x, w):
    y = x * 1.0
    for _ in range(3):
        y[1:] = np.sin(y[:-1]) * y[1:] * w
    return np.sum(y * y)


def shifted_argument_in_a_loop(x, w):
    for _ in range(3):
        x[1:] = np.sin(x[:-1]) * w + x[1:]
    return np.sum(x * x)


def reversed_sine(x, w):
    y = x * w
    y[::-1] = np.sin(y[::-1])
    return np.sum(y * y)


def product_of_shifted_views(x, w):
    y = x * 2.0
    y[1:] = y[:-1] * y[1:] * w
    return np.sum(y * y)


def transposed_write(x, w):
    t = x.T
    t[0] = w * t[1]
    return np.sum(x ** 3)


def row_written_from_rows(x, w):
    x[0][1] = w * x[1][0]
    x[1] = x[0] * w
    return np.sum(x * x)


def written_in_a_branch(x, w):
    for i in range(x.shape[0]):
        if x[i] > 0.0:
            x[i] = x[i] * w
        else:
            x[i] = w * x[(i + 1) % x.shape[0]]
    return np.sum(x * x)


SECOND_ORDER = [(shifted_into_argument, X3), (shifted_in_a_loop, X4), (shifted_argument_in_a_loop, X4),
                (reversed_sine, X3),
                (product_of_shifted_views, X4), (transposed_write, MATRIX), (row_written_from_rows, MATRIX)]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, x", SECOND_ORDER, ids=[f.__name__ for f, _ in SECOND_ORDER])
def test_writes_reading_a_view_of_their_array_in_every_mode(f, x, mode):
    check(mode, f, (x.copy(), 0.8), (0, 1))


@pytest.mark.parametrize("mode", MODES)
def test_elements_written_in_a_loop_and_a_branch(mode):
    # to second order too: the first derivative's stacks of the elements it overwrites
    # are followed by the second pass
    check(mode, written_in_a_branch, (X4.copy(), 0.8), (0, 1))


def test_the_gradient_copies_only_the_view_it_reads_after_a_write():
    # t = x[:-1] is read by the reverse sweep after x[1:] is written: it is made a copy;
    # the items of a list read after its last write stay as they are
    grad_w = astgrad.grad(shifted_into_argument, wrt=1)
    grad_w(X3.copy(), 0.8)
    assert re.search(r"= snapshot\(x_\d+\[:-1\]\)", grad_w.source)
    grad_v = astgrad.grad(augment_first_item, wrt=1)
    grad_v([X3.copy(), X3 * 2.0], 0.8)
    assert not re.search(r"snapshot\(xs_\d+\[1\]\)", grad_v.source)


# -- op= on an item of a list argument ----------------------------------------------------

def augment_first_item(xs, v):
    xs[0] += v
    return np.sum(xs[0] * xs[1])


def scale_items_in_a_loop(xs, v):
    for i in range(len(xs)):
        xs[i] *= v
    xs[1] += xs[0] * v
    return np.sum(xs[0] * xs[1]) * v


def augment_through_an_alias(xs, v):
    ys = xs
    ys[1] -= v * ys[0]
    return np.sum(xs[1] * xs[1])


def augment_item_of_a_dict(d, v):
    d["u"] *= v
    return np.sum(d["u"] * d["w"])


LIST_OPS = [(augment_first_item, lambda a, b: [a, b]), (scale_items_in_a_loop, lambda a, b: [a, b]),
            (augment_through_an_alias, lambda a, b: [a, b]), (augment_item_of_a_dict, lambda a, b: {"u": a, "w": b})]


@pytest.mark.parametrize("f, make", LIST_OPS, ids=[f.__name__ for f, _ in LIST_OPS])
@pytest.mark.parametrize("items", ["arrays", "floats", "views apart"])
def test_op_on_items_of_separate_values(f, make, items):
    if items == "arrays":
        container = make(X3.copy(), np.array([1.5, 0.3, -0.7]))
    elif items == "floats":
        container = make(0.5, -1.5)
    else:                       # two views of one array that share no memory
        base = np.array([0.4, -0.3, 0.9, 0.6, 1.1, -0.8])
        container = make(base[:3], base[3:])
    kept = on_copies(lambda c: c)(container)
    v = 0.9
    g = astgrad.grad(f, wrt=1)
    assert_close(g(container, v), numerical_grad(on_copies(f), (container, v), wrt=1))
    assert_close(astgrad.jvp(f, on_copies(lambda *a: a)(container, v), (astgrad_zero(container), 1.0))[1],
                 numerical_grad(on_copies(f), (container, v), wrt=1))
    assert_close(astgrad.grad(g, wrt=1)(container, v),
                 numerical_grad(on_copies(g), (container, v), wrt=1), 1e-4, 1e-5)
    assert_close(container, kept, 0.0, 0.0)          # the caller's values as they were


def astgrad_zero(container):
    if type(container) is dict:
        return {k: np.zeros_like(v) for k, v in container.items()}
    return [np.zeros_like(v) for v in container]


@pytest.mark.parametrize("f, make", LIST_OPS, ids=[f.__name__ for f, _ in LIST_OPS])
@pytest.mark.parametrize("shared", ["the same array", "a view of it"])
def test_op_on_an_item_another_item_shares_is_refused_when_called(f, make, shared):
    a = np.array([0.5, -1.0, 2.0, 0.3])
    container = make(a, a if shared == "the same array" else a[1:])
    kept = a.copy()
    for transform in (lambda: astgrad.grad(f, wrt=1)(container, 0.9),
                      lambda: astgrad.jvp(f, (container, 0.9), (astgrad_zero(container), 1.0))):
        with pytest.raises(TypeError, match=r"test_inplace_arguments2\.py:\d+: op= .* another of its items"):
            transform()
    np.testing.assert_array_equal(a, kept)


def item_also_named(xs, v):
    first = xs[0]
    xs[0] += v                  # on an array item, first changes too (the same object)
    return np.sum(first * xs[0])


def test_op_on_an_item_bound_to_a_name_follows_python():
    v = 0.9
    floats = [0.5, 1.5]         # a number item is rebound: first keeps 0.5
    assert_close(astgrad.grad(item_also_named, wrt=1)(floats, v),
                 numerical_grad(on_copies(item_also_named), (floats, v), 1))
    assert floats == [0.5, 1.5]
    matrix = MATRIX.copy()      # an array container: first is a row view, and sees the write
    assert_close(astgrad.grad(item_also_named, wrt=1)(matrix, v),
                 numerical_grad(on_copies(item_also_named), (matrix, v), 1))
    np.testing.assert_array_equal(matrix, MATRIX)
    with pytest.raises(TypeError, match=r"test_inplace_arguments2\.py:\d+: op= .* ndarray held by a list"):
        astgrad.grad(item_also_named, wrt=1)([X3.copy(), X3 * 2.0], v)


# -- arguments that share memory -------------------------------------------------------------

def write_into_first(x, y):
    x[0] = 3.0 * x[1]
    return np.sum(x * y)


def scale_first(x, y):
    x *= 2.0
    return np.sum(x * y)


def write_into_list(xs, y):
    xs[0] = xs[1] * y
    return np.sum(xs[0] * y)


@pytest.mark.parametrize("f, args", [
    (write_into_first, lambda a: (a, a)), (write_into_first, lambda a: (a[1:], a)),
    (scale_first, lambda a: (a, a)), (scale_first, lambda a: (a, a.reshape(2, 2))),
    (write_into_list, lambda a: ([a, a * 2.0], a))], ids=["same", "view", "augmented", "reshaped", "list"])
def test_an_argument_written_into_while_another_shares_it_is_refused_when_called(f, args):
    a = np.array([0.5, -1.0, 2.0, 0.3])
    kept = a.copy()
    for transform in (lambda: astgrad.grad(f, wrt=(0, 1))(*args(a)),
                      lambda: astgrad.value_and_grad(f)(*args(a)),
                      lambda: astgrad.jvp(f, args(a), tuple(astgrad_zero([v])[0] if not isinstance(v, list)
                                                             else astgrad_zero(v) for v in args(a)))):
        with pytest.raises(TypeError, match=r"test_inplace_arguments2\.py:\d+: the function writes into its argument"):
            transform()
    np.testing.assert_array_equal(a, kept)


@pytest.mark.parametrize("f", [write_into_first, scale_first])
def test_arguments_apart_are_differentiated(f):
    x, y = X4.copy(), np.array([1.5, 0.3, -0.7, 0.2])
    got = astgrad.grad(f, wrt=(0, 1))(x, y)
    for i in (0, 1):
        assert_close(got[i], numerical_grad(on_copies(f), (x, y), wrt=i))
    np.testing.assert_array_equal(x, X4)
    # the same number twice is no sharing: a number is never changed in place
    assert_close(astgrad.grad(lambda s: scale_first(s, s))(0.7), 4 * 0.7)


# -- other writes into arguments ---------------------------------------------------------------

def repeated_fancy_index(x, v):
    x[[0, 0, 2]] += v * x[1]        # as NumPy: the element 0 gets v once
    return np.sum(x * x)


def test_repeated_fancy_indices_into_an_argument():
    v = 0.8
    for mode in ("grad", "jvp", "hessian", "jvp_of_grad"):
        check(mode, repeated_fancy_index, (X3.copy(), v), (0, 1))


def test_a_float32_argument_written_into():
    x = X3.astype(np.float32)
    got = astgrad.grad(shifted_into_argument, wrt=(0, 1))(x, np.float32(0.8))
    assert got[0].dtype == np.float32
    want = [numerical_grad(on_copies(shifted_into_argument), (X3.copy(), 0.8), wrt=i) for i in (0, 1)]
    assert_close(got[0], want[0], 1e-4, 1e-5)
    assert_close(got[1], want[1], 1e-4, 1e-5)
    np.testing.assert_array_equal(x, X3.astype(np.float32))


def test_an_int_argument_written_into_truncates_and_passes_no_derivative():
    def f(k, w):
        k[0] = w * 3.0                  # stored as an int, as NumPy does
        return np.sum(k * w)
    k = np.array([1, 2, 3])
    assert_close(astgrad.grad(f, wrt=1)(k, 0.9), float(np.sum(np.array([2, 2, 3]))))
    np.testing.assert_array_equal(k, [1, 2, 3])


def test_out_into_an_argument_is_differentiated_and_leaves_the_callers_array():
    def f(x):
        np.add(x, 1.0, out=x)
        return np.sum(x * x)
    x = X3.copy()
    assert_close(astgrad.grad(f)(x), 2.0 * (X3 + 1.0), rtol=1e-12)
    np.testing.assert_array_equal(x, X3)        # the gradient call wrote into its own copy
    assert_close(astgrad.jvp(f, (x,), (np.ones(3),))[1], np.sum(2.0 * (X3 + 1.0)), rtol=1e-12)


# -- refusals at second order name the user's line --------------------------------------------

def _line_of(f, text):
    import inspect
    lines, first = inspect.getsourcelines(f)
    return first + next(i for i, line in enumerate(lines) if text in line)


def row_read_before_a_write_in_a_loop(x, w):
    y = x * 1.0
    z = 0.0
    for i in range(2):
        row = y[i]              # a view: the write below shows in it when 1 - i == i
        y[1 - i] = row * w
        z = row * 2.0
    return np.sum(y * z)


@pytest.mark.parametrize("outer", ["hessian", "grad of grad"])
def test_a_second_order_refusal_names_the_users_line(outer):
    # the gradient asks at run time whether the row is a view (a known limitation)
    f, text = row_read_before_a_write_in_a_loop, "y[1 - i] = row * w"
    with pytest.raises(astgrad.TransformError) as info:
        if outer == "hessian":
            astgrad.hessian(f)(MATRIX.copy(), 0.7)
        else:
            astgrad.grad(astgrad.grad(f, wrt=1), wrt=0)(MATRIX.copy(), 0.7)
    error = info.value
    assert "<astgrad" not in str(error).splitlines()[0]
    assert error.filename.endswith((".py",)) and error.lineno == _line_of(f, text)
    assert text in error.line and "cannot be differentiated twice" in str(error)


def test_the_users_line_is_named_for_code_loaded_from_the_disk_cache(tmp_path):
    # the first derivative comes from another process's entry: its lines' origins come with it
    import textwrap
    import os
    code = textwrap.dedent("""
        import sys, numpy as np, astgrad
        sys.path.insert(0, %r)
        from test_inplace_arguments2 import row_read_before_a_write_in_a_loop as f
        try:
            astgrad.hessian(f)(np.array([[0.3, -0.5, 0.8], [1.1, 0.4, -0.2]]), 0.8)
        except astgrad.TransformError as error:
            print(error.filename, error.lineno)
    """) % os.path.dirname(__file__)
    import astgrad_source
    import fresh_process
    env = dict(os.environ, ASTGRAD_CACHE="1", ASTGRAD_CACHE_DIR=str(tmp_path),
               PYTHONPATH=os.pathsep.join([astgrad_source.path(), os.environ.get("PYTHONPATH", "")]))
    runs = [fresh_process.run(["-c", code], src=astgrad_source.path(), env=env) for _ in range(2)]
    assert [run.returncode for run in runs] == [0, 0], [run.stderr for run in runs]
    runs = [run.stdout for run in runs]
    assert runs[0] == runs[1] and runs[0].split()[0] == __file__, runs
