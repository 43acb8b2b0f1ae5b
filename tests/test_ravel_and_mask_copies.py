"""In-place writes through a ravel and into the copies masks make, followed as NumPy runs them.

- ``z = y.ravel(); z[1:3] = w``: a view of ``y`` where NumPy gives one (``y`` made by an
  operation, or a C-ordered argument, whose copy astgrad makes keeps its layout), also read
  after a write into ``y`` itself; a ravel that copies (a Fortran-ordered or strided array)
  takes a write alone, and keeps its values where its array is written, as NumPy's copy does.
- ``z = y[y > t]`` with ``t`` a parameter, then a write into ``y``: the mask is NumPy's new
  bool array where ``t`` is a number or an array of numbers (checked when the code runs).
- ``z = G[G > 0]; z[0] = w`` with ``G`` a global array (or a closure variable): the copy is
  the function's own, and the global stays as it was.
- a helper writing into a mask's copy of its argument, called in a loop: second order too.

Each against central differences in grad, value_and_grad, vjp (a random cotangent), jvp,
hessian and jvp of grad, the caller's arrays and the global unchanged after every call."""

from fractions import Fraction

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from fd import assert_close, numerical_grad, numerical_jvp

RNG = np.random.default_rng(71)
G = RNG.standard_normal(7)
G_BEFORE = G.copy()


def ravel_of_a_made_array(x, w):
    y = np.sin(x) * 2.0
    z = y.ravel()
    z[1:3] = w * z[0]
    u = y * w               # reads y after the write through z: NumPy's view shows it
    z *= w
    return np.sum(y ** 2) * w + np.sum(z ** 3) + np.sum(u)


def ravel_scaled_in_place(x, w):
    y = np.sin(x)
    z = y.ravel()
    z *= w                  # the only write: through the view, into y
    return np.sum(y ** 2)


def ravel_of_an_argument(x, w):
    z = x.ravel()
    z[1:3] = w
    return np.sum(x ** 3) * w + np.sum(z * np.cos(x.ravel()))


def ravel_read_after_a_write_into_its_array(x, w):
    y = x * 2.0
    z = y.ravel()
    y[0] = w                # NumPy's view z shows it
    return np.sum(z ** 2) * w + np.sum(y)


def mask_by_a_parameter(x, w, t):
    B = x * np.ones((2, 1))
    y = B[0]
    z = y[y > t]
    y[0] = w
    return np.sum(z ** 2) * w + np.sum(B ** 3)


def mask_copy_written_then_array_read(x, w, t):
    y = x * 1.5
    m = y > t
    z = y[m]
    z[0] = w
    return np.sum(z ** 2) * w + np.sum(y ** 3)      # y keeps its values


def global_mask_copy(x, w):
    z = G[G > 0]
    z[0] = w
    z *= x[0]
    return np.sum(z ** 2) * w + np.sum(G * x[1])


def _closure_over_an_array():
    H = np.array([0.4, -1.2, 0.9, 1.6])

    def closure_mask_copy(x, w):
        z = H[H > 0]
        z[1] = w * x[0]
        return np.sum(z ** 2) * x[1] + np.sum(H * w)
    return closure_mask_copy, H


closure_mask_copy, H = _closure_over_an_array()
H_BEFORE = H.copy()


def _inner(x, w):
    z = x[x > 0]
    z[0] = w
    return np.sum(z * z) * w + np.sum(np.sin(z))


def helper_in_a_loop(x, w):
    s = 0.0
    for k in range(3):
        s = s + _inner(x * (k + 1.0), w)
    return s


def _vector(*shape):
    return RNG.uniform(0.3, 1.7, shape) * np.where(RNG.random(shape) < 0.3, -1.0, 1.0)


CASES = [
    ("ravel_made_2x3", ravel_of_a_made_array, (_vector(2, 3), 0.7), (0, 1)),
    ("ravel_made_4", ravel_of_a_made_array, (_vector(4), 0.7), (0, 1)),
    ("ravel_made_2x2x2", ravel_of_a_made_array, (_vector(2, 2, 2), 0.7), (0, 1)),
    ("ravel_scaled_2x3", ravel_scaled_in_place, (_vector(2, 3), 0.7), (0, 1)),
    ("ravel_argument_2x3", ravel_of_an_argument, (_vector(2, 3), 0.7), (0, 1)),
    ("ravel_argument_5", ravel_of_an_argument, (_vector(5), 0.7), (0, 1)),
    ("ravel_read_after_write_2x3", ravel_read_after_a_write_into_its_array, (_vector(2, 3), 0.7), (0, 1)),
    ("ravel_read_after_write_3", ravel_read_after_a_write_into_its_array, (_vector(3), 0.7), (0, 1)),
    ("mask_parameter_5", mask_by_a_parameter, (np.array([0.9, -0.4, 1.3, 0.2, 1.1]), 0.8, 0.1), (0, 1, 2)),
    ("mask_parameter_3", mask_by_a_parameter, (np.array([0.5, 1.2, -0.7]), 0.8, 0.3), (0, 1)),
    ("mask_copy_written", mask_copy_written_then_array_read, (np.array([0.9, -0.4, 1.3, 0.6]), 0.8, 0.2), (0, 1, 2)),
    ("mask_copy_written_2x2", mask_copy_written_then_array_read, (np.array([[0.9, -0.4], [1.3, 0.6]]), 0.8, 0.2),
     (0, 1)),
    ("global_mask_copy", global_mask_copy, (np.array([0.7, -1.1]), 0.8), (0, 1)),
    ("closure_mask_copy", closure_mask_copy, (np.array([0.7, -1.1]), 0.8), (0, 1)),
    ("helper_in_a_loop_4", helper_in_a_loop, (np.array([0.9, -0.4, 1.3, 0.6]), 0.8), (0, 1)),
    ("helper_in_a_loop_2x3", helper_in_a_loop, (np.array([[0.9, -0.4, 1.3], [0.6, -1.0, 0.4]]), 0.8), (0, 1)),
]
MODES = ("grad", "value_and_grad", "jvp", "hessian", "jvp_of_grad")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name, f, args, wrt", CASES, ids=[c[0] for c in CASES])
def test_followed_against_central_differences(name, f, args, wrt, mode):
    check(mode, f, args, wrt)
    assert np.array_equal(G, G_BEFORE), "a transform changed the global array"
    assert np.array_equal(H, H_BEFORE), "a transform changed the closure's array"


@pytest.mark.parametrize("name, f, args, wrt", CASES, ids=[c[0] for c in CASES])
def test_vjp_with_a_random_cotangent(name, f, args, wrt):
    before = [np.copy(a) for a in args]
    plain = lambda *a: f(*[np.copy(v) for v in a])      # noqa: E731 - f may write into its arguments
    out, pullback = astgrad.vjp(f, *args)
    assert_close(out, plain(*args), 1e-12, 1e-12)
    cotangent = float(RNG.standard_normal())
    grads = pullback(cotangent)
    for i in wrt:
        assert_close(grads[i], cotangent * numerical_grad(plain, args, wrt=i), 1e-5, 1e-6)
    for arg, was in zip(args, before):
        assert np.array_equal(arg, was), "vjp changed the caller's array"
    assert np.array_equal(G, G_BEFORE), "vjp changed the global array"


def test_a_ravel_that_copies_takes_the_write_alone_and_is_kept_where_it_is_read():
    # refused when the code ran (a TypeError) until a write into a copy went into the copy
    # alone, as in Python: compared with central differences of f at the same layout
    strided = lambda a: np.repeat(a, 2)[::2]       # noqa: E731 - a's values, every other element of a buffer
    for arrange in (np.asfortranarray, strided):
        start = _vector(2, 3) if arrange is np.asfortranarray else _vector(4)
        x = arrange(start)
        assert not np.shares_memory(x.ravel(), x)          # NumPy's ravel of x is a copy
        before = x.copy()
        plain = lambda x, w: ravel_of_an_argument(arrange(x.copy()), w)    # noqa: E731 - at the layout
        want = numerical_grad(plain, (start, 0.7), wrt=(0, 1))
        for got, expected in zip(astgrad.grad(ravel_of_an_argument, wrt=(0, 1))(x, 0.7), want):
            assert_close(got, expected, 1e-5, 1e-6)
        tangents = (np.cos(start), 1.0)
        _, d = astgrad.jvp(ravel_of_an_argument, (x, 0.7), (arrange(tangents[0]), 1.0))
        assert_close(d, numerical_jvp(plain, (start, 0.7), tangents), 1e-5, 1e-6)
        assert np.array_equal(x, before)
    fortran = np.asfortranarray(_vector(2, 3))
    before = fortran.copy()
    # a copy said so is followed too, the argument left alone
    check("grad", _ravel_copied, (fortran, 0.7), (0, 1))
    # a ravel read after a write into its array: a view (the C-ordered argument's) shows the
    # write, and a copy (the Fortran-ordered argument's) keeps the earlier values, as NumPy's
    contiguous = np.ascontiguousarray(fortran)
    for mode in ("grad", "value_and_grad", "jvp", "vjp", "hessian", "jvp_of_grad"):
        check(mode, ravel_read_after_a_write_into_its_array, (contiguous, 0.7), (0, 1))
    f, kept = ravel_read_after_a_write_into_its_array, _ravel_copied_before_the_write
    assert f(fortran.copy(order="K"), 0.7) == kept(fortran.copy(), 0.7) != f(contiguous.copy(), 0.7)
    expected = [numerical_grad(kept, (fortran.copy(), 0.7), wrt=i) for i in (0, 1)]
    assert_close(astgrad.grad(f, wrt=(0, 1))(fortran, 0.7), expected, 1e-5, 1e-6)
    tangent = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
    _, along = astgrad.jvp(f, (fortran, 0.7), (tangent, 0.3))
    assert_close(along, np.sum(expected[0] * tangent) + expected[1] * 0.3, 1e-5, 1e-6)
    _, pullback = astgrad.vjp(f, fortran, 0.7)
    assert_close(pullback(1.5), [1.5 * e for e in expected], 1e-5, 1e-6)
    second = numerical_grad(astgrad.grad(kept, wrt=1), (fortran.copy(), 0.7), wrt=(0, 1))
    assert_close(astgrad.grad(astgrad.grad(f, wrt=1), wrt=(0, 1))(fortran, 0.7), second, 1e-5, 1e-6)
    assert_close(astgrad.hessian(f, wrt=1)(fortran, 0.7), second[1], 1e-5, 1e-6)
    assert np.array_equal(fortran, before)


def _ravel_copied_before_the_write(x, w):
    y = x * 2.0
    z = y.ravel().copy()
    y[0] = w
    return np.sum(z ** 2) * w + np.sum(y)


def _ravel_copied(x, w):
    z = x.ravel().copy()
    z[1:3] = w
    return np.sum(x ** 3) * w + np.sum(z * np.cos(x.ravel()))


def test_a_parameter_compared_is_checked_to_be_a_number_when_the_code_runs():
    x = np.array([0.9, -0.4, 1.3, 0.2, 1.1])
    g = astgrad.grad(mask_by_a_parameter, wrt=1)
    for t in (0.1, 2, np.float64(0.1), np.array(0.1), np.full(5, 0.1)):      # numbers, arrays of numbers
        assert_close(g(x, 0.8, t), numerical_grad(mask_by_a_parameter, (x.copy(), 0.8, t), wrt=1))
    line = mask_by_a_parameter.__code__.co_firstlineno + 3
    with pytest.raises(TypeError, match=rf"test_ravel_and_mask_copies\.py:{line}: this compares an array of numbers "
                                        r"with the argument 't' .*'t' is a Fraction.*Pass a number \(float\(t\)\)"):
        g(x, 0.8, Fraction(1, 10))


def test_a_global_that_is_no_array_of_numbers_is_refused_when_the_code_runs(monkeypatch):
    monkeypatch.setitem(globals(), "G", list(G_BEFORE))
    line = global_mask_copy.__code__.co_firstlineno + 1
    with pytest.raises(TypeError, match=rf"test_ravel_and_mask_copies\.py:{line}: this reads the global or closure "
                                        r"variable 'G' by a list or a mask .*'G' is a list"):
        astgrad.grad(global_mask_copy, wrt=1)(np.array([0.7, -1.1]), 0.8)
