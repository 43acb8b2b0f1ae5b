"""Views that see a write into the array they view: ``head = y[:2]; head *= w`` then
``tail = y[2:]; tail += head * w`` (two views of one array written in turn), a slice or
``.T`` read after a write into its array or through another view of it (read again, as
NumPy's view shows the write), a view of an array its function rebound before taking it
(``x = x * 1.0; y = x[:]; y *= w``). Checked against central finite differences in
reverse and forward mode and to second order (hessian, grad of grad, jvp of grad), with
adversarial twins: overlapping slices (``y[1:] += y[:-1]``), negative steps, a view of a
view, a fancy index with repeats and an element kept (copies, which keep their values),
writes in a loop. What astgrad cannot follow (a view kept by an alias, a view bound in
either branch of an ``if``, a slice of a list read after the list is written) is
refused, naming the line."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check

X4 = np.array([0.3, -0.5, 0.8, 1.2])
M23 = np.array([[0.3, -0.5, 0.8], [1.1, 0.4, -0.2]])
SECOND = ("hessian", "jvp_of_grad", "vjp_of_grad")


def two_views_written(x, w):
    y = x * 1.0
    head = y[:2]
    head *= w
    tail = y[2:]
    tail += head * w
    return np.sum(y ** 2)


def base_rebound_before_the_view(x, w):
    x = x * 1.0
    y = x[:]
    y *= w
    return np.sum(x * x)


def slice_read_after_a_write(x, w):
    y = x * 1.0
    v = y[:2]
    y[0] = 5.0 * x[1] * w
    return np.sum(v * x[:2])


def slice_of_the_argument_read_after_a_write(x, w):
    v = x[:2]
    x[0] = 5.0 * w
    return np.sum(v * x[1:3])


def view_of_a_view_sees_its_base_written(x, w):
    y = np.sin(x)
    a = y[1:]
    b = a[1:]
    y[2] = w * y[0]
    return np.sum(b * a[:2]) + np.sum(y)


def write_through_a_view_of_a_view(x, w):
    y = np.sin(x)
    a = y[1:]
    b = a[1:]
    c = y[:3]
    b[0] = w * c[0]
    return np.sum(b * a[:2]) + np.sum(c * w)


def negative_steps(x, w):
    y = x * 2.0
    r = y[::-1]
    u = y[1:]
    r[0] = w * u[0]
    return np.sum(r[:3] * u) + np.sum(y * w)


def overlapping_slices(x, w):
    y = x * w
    y[1:] += y[:-1]             # NumPy reads y[:-1] before it writes
    return np.sum(y * y)


def overlapping_views(x, w):
    y = x * w
    a = y[1:]
    b = y[:-1]
    a += b
    return np.sum(y * y) + np.sum(b)


def view_outside_the_loop(x, w):
    y = x * 1.0
    v = y[:2]
    for k in range(3):
        y[k + 1] = y[k] * w + v[0]
    return np.sum(v) + np.sum(y ** 2)


def fancy_index_with_repeats_kept(x, w):
    y = x * 1.0
    u = y[[0, 0, 1]]            # a copy: keeps its values
    y[0] = w
    return np.sum(u * y[:3])


def element_kept(x, w):
    y = x * 1.0
    e = y[1]                    # a number: keeps its value
    y[1] = w * y[2]
    return e * w + np.sum(y * y)


def column_and_transpose(x, w):
    y = x * 1.0
    c = y[:, 1]
    t = y.T
    y[0] *= w
    return np.sum(c * c) + np.sum(t[2])


PROGRAMS = [(two_views_written, X4), (base_rebound_before_the_view, X4), (slice_read_after_a_write, X4),
            (slice_of_the_argument_read_after_a_write, X4), (view_of_a_view_sees_its_base_written, X4),
            (write_through_a_view_of_a_view, X4), (negative_steps, X4), (overlapping_slices, X4),
            (overlapping_views, X4), (view_outside_the_loop, X4), (fancy_index_with_repeats_kept, X4),
            (element_kept, X4), (column_and_transpose, M23)]


def _cases():
    """Each program in reverse and forward mode and one second-order mode, in turn."""
    for k, (f, x) in enumerate(PROGRAMS):
        for mode in ("grad", "jvp", SECOND[k % len(SECOND)]):
            yield pytest.param(f, x, mode, id=f"{f.__name__}-{mode}")


@pytest.mark.parametrize("f, x, mode", list(_cases()))
def test_matches_finite_differences(f, x, mode):
    check(mode, f, (x.copy(), 0.7), (0, 1))


def test_numpy_agrees_that_the_views_see_the_writes():
    """The oracle is NumPy itself: the programs above do change what their views show."""
    y = X4 * 1.0
    head = y[:2]
    y[0] = 5.0
    assert head[0] == 5.0
    assert two_views_written(X4.copy(), 0.7) != pytest.approx(np.sum(X4 ** 2))


def view_kept_by_an_alias(x, w):
    y = x * 1.0
    v = y[1:]
    kept = v
    for k in range(2):
        v[k] = v[k] * w
    return np.sum(kept * y[1:])


def view_bound_in_a_branch(x, w):
    y = x * 1.0
    if w > 0.5:
        v = y[:2]
    else:
        v = y[1:3]
    y[1] = w
    return np.sum(v * v)


@pytest.mark.parametrize("f", [view_kept_by_an_alias, view_bound_in_a_branch])
def test_what_cannot_be_followed_is_refused(f):
    for make in (lambda: astgrad.grad(f, wrt=1), lambda: astgrad.jvp(f, (X4.copy(), 0.7), (X4, 1.0))):
        with pytest.raises(astgrad.TransformError, match=r"test_views_see_writes.py:\d+: .*may share its memory"):
            make()


def slice_of_a_list_kept(xs, w):
    u = xs[:2]
    xs[0] = w * 3.0
    return u[0] * w + xs[0] + u[1]


def test_a_slice_of_a_list_read_after_a_write_is_refused_clearly():
    """A slice of a list is a copy, which astgrad does not tell from a view of an array
    where it writes the code: refused when it runs, saying how to take the copy."""
    with pytest.raises(TypeError, match=r"test_views_see_writes.py:\d+: a slice taken of this list .*list\(xs\[:2\]\)"):
        astgrad.grad(slice_of_a_list_kept, wrt=1)([0.3, -0.2, 0.5], 0.8)


def written_in_a_loop_and_never_read(x, w):
    b = x * 2.0
    v = b.copy()
    u = b[2]
    v -= np.sin(v) * w
    i = 0
    while i < 2:
        v[...] = np.sin(v) * w      # its saves stay in the loop; v's stack must be made too
        i = i + 1
    return np.sum(b * b) + np.sum(u * u) * w


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_an_array_written_in_a_loop_that_the_result_does_not_read(mode):
    """Found by the random view writes: the restores of ``v`` went (nothing reads it),
    its stack with them, while the saves of its items in the loop stayed (NameError)."""
    x = np.array([[0.3, -0.5, 0.8, 1.1], [0.2, 0.4, 0.6, 0.9], [0.1, 0.2, 0.3, 0.4]])
    check(mode, written_in_a_loop_and_never_read, (x, 0.7), (0, 1))
