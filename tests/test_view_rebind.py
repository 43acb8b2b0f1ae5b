"""A write through a view or an alias, then the array's name bound again:
``w = z.reshape(2, 2); w[0, 0] = a * b; z = z * 2.0``, ``y = z; y *= s; z = y + z``,
``v = x[1:]; v *= 2; x = x + 1.0`` on an argument. Every read before the rebinding sees
the write; the rebinding starts a new value, and the view (or alias) keeps the old array.
Checked against central finite differences in float64 in reverse and forward mode and to
second order, the caller's arrays left as they were (``breadth_modes.check``), with
adversarial twins: the old view read after the rebinding, the base written after it,
a rebinding in a branch, a view of a view, an alias chain, an alias of a number, a loop
after the rebinding, the old view written after the rebinding (also while another old
view reads it). What astgrad cannot follow (the old view written after a rebinding in a
loop, an alias with a view kept) is refused, naming the line, and the next call works."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check

X4 = np.array([0.3, -0.5, 0.8, 1.2])
M23 = np.array([[0.3, -0.5, 0.8], [1.1, 0.4, -0.2]])


def reshape_written_then_base_rebound(x, a):
    z = x * 1.0
    w = z.reshape(2, 2)
    w[0, 0] = a * x[1]
    z = z * 2.0
    return np.sum(z * z)


def slice_of_the_argument_then_rebound(x, a):
    v = x[1:]
    v *= a
    x = x + 1.0
    return np.sum(x * x)


def transpose_written_then_rebound(x, a):
    y = x * 1.0
    t = y.T
    t[0] = a * t[1]
    y = y * a
    return np.sum(y * y)


def old_view_read_after_the_rebinding(x, a):
    z = x * 1.0
    w = z[1:]
    w *= a
    z = z * 2.0
    return np.sum(w * z[1:]) + np.sum(z)


def base_written_after_the_rebinding(x, a):
    z = x * 1.0
    w = z[1:]
    w *= a
    z = z * 2.0
    z[1] = a * 5.0          # the new array: w keeps the old one
    return np.sum(w * w) + np.sum(z * z)


def rebound_in_a_branch(x, a):
    z = x * 1.0
    w = z[1:]
    w *= a
    if a > 0.5:
        z = z * 2.0
    return np.sum(z * z) + np.sum(w)


def view_of_a_view_then_rebound(x, a):
    z = x * 1.0
    w = z[1:]
    v = w[1:]
    v[0] = a * v[1]
    z = np.sin(z)
    return np.sum(z[1:] * w) + np.sum(v)


def base_changed_in_place_before_the_write(x, a):
    z = x * 1.0
    w = z[1:]
    z += a                  # op= writes into z, binds nothing new: w still views it
    w *= a
    return np.sum(z * z)


def alias_written_then_base_rebound(z, s):
    y = z
    y *= s
    z = y + z
    return np.sum(z * z)


def alias_element_write_then_rebound(x, s):
    z = x * 1.0
    y = z
    y[0] = s * 2.0
    z = z + y
    return np.sum(z * z)


def alias_chain_written_twice_then_rebound(x, s):
    z = x * 1.0
    y = z
    u = y
    u *= s
    u += np.sin(x)
    z = u * 2.0
    return np.sum(y * z)


def alias_of_a_number_then_rebound(x, s):
    z = s * 1.0
    y = z
    y *= s                  # rebinds y alone
    z = y + z
    return z * np.sum(x)


def alias_then_rebound_in_a_loop(x, s):
    z = x * 1.0
    y = z
    y *= s
    for k in range(2):
        z = z * y
    return np.sum(z)


def old_view_written_after_the_rebinding(x, a):      # writes into the old array
    z = x * 1.0
    w = z[1:]
    w *= a
    z = z * 2.0
    w[0] = a * w[1]
    return np.sum(w * w) + np.sum(z * z)


def another_old_view_sees_the_write(x, a):
    z = x * 1.0
    u = z[:2]
    w = z[1:]
    w *= a
    z = z * a
    w[0] = a * 3.0          # changes u[1] too
    return np.sum(u * u) + np.sum(z)


FOLLOWED = [(reshape_written_then_base_rebound, X4), (slice_of_the_argument_then_rebound, X4),
            (transpose_written_then_rebound, M23), (old_view_read_after_the_rebinding, X4),
            (base_written_after_the_rebinding, X4), (rebound_in_a_branch, X4), (view_of_a_view_then_rebound, X4),
            (base_changed_in_place_before_the_write, X4),
            (alias_written_then_base_rebound, X4), (alias_element_write_then_rebound, X4),
            (alias_chain_written_twice_then_rebound, X4), (alias_of_a_number_then_rebound, X4),
            (alias_then_rebound_in_a_loop, X4), (old_view_written_after_the_rebinding, X4),
            (another_old_view_sees_the_write, X4)]


# second order on one program of each kind (the CI time budget)
SECOND_ORDER = {reshape_written_then_base_rebound, slice_of_the_argument_then_rebound,
                old_view_read_after_the_rebinding, rebound_in_a_branch, alias_written_then_base_rebound,
                alias_chain_written_twice_then_rebound, another_old_view_sees_the_write}


def _cases():
    for f, x in FOLLOWED:
        for mode in ("grad", "jvp", "hessian") if f in SECOND_ORDER else ("grad", "jvp"):
            yield pytest.param(f, x, mode, id=f"{f.__name__}-{mode}")


@pytest.mark.parametrize("f, x, mode", list(_cases()))
def test_matches_finite_differences(f, x, mode):
    seed = len(f.__name__)
    x = x + np.random.default_rng(seed).uniform(-0.1, 0.1, x.shape)     # a random point near x
    check(mode, f, (x, 0.7), (0, 1), seed=seed)


def test_numpy_agrees_the_view_keeps_the_old_array():
    """The oracle is NumPy itself: after the rebinding the old view holds the old array,
    with the write, and a write into the new array does not reach it."""
    z = X4 * 1.0
    w = z[1:]
    w *= 0.7
    z = z * 2.0
    z[1] = 5.0
    assert np.array_equal(w, X4[1:] * 0.7)
    assert base_written_after_the_rebinding(X4.copy(), 0.7) == pytest.approx(
        np.sum((X4[1:] * 0.7) ** 2) + np.sum(np.array([X4[0] * 2.0, 5.0 * 0.7, X4[2] * 1.4, X4[3] * 1.4]) ** 2))


def loop_writes_the_old_view_and_rebinds(x, a):
    z = x * 1.0
    w = z[1:]
    for k in range(2):
        w[k] = w[k] * a
        z = z * a
    return np.sum(w * w) + np.sum(z * z)


def alias_with_a_view_kept(x, s):
    z = x * 1.0
    y = z
    v = z[1:]
    y *= s
    z = y + 1.0
    return np.sum(v)


REFUSED = [(loop_writes_the_old_view_and_rebinds, 4, "assignment into an element of 'w'"),
           (alias_with_a_view_kept, 4, r"augmented assignment \(\+= and the like\) on 'y'")]


@pytest.mark.parametrize("f, offset, what", REFUSED, ids=[f.__name__ for f, _, _ in REFUSED])
def test_what_cannot_be_followed_is_refused(f, offset, what):
    line = f.__code__.co_firstlineno + offset
    for make in (lambda: astgrad.grad(f, wrt=1), lambda: astgrad.jvp(f, (X4.copy(), 0.7), (X4, 1.0))):
        with pytest.raises(astgrad.TransformError,
                           match=rf"test_view_rebind.py:{line}: {what} while another name may share its memory"
                                 rf".* write into a copy \(\w+ = \w+\.copy\(\)\)"):
            make()
    # the state is not corrupted: a followed program differentiates right after
    check("grad", reshape_written_then_base_rebound, (X4.copy(), 0.7), (0, 1))
