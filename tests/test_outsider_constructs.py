"""Constructs ordinary numerical programs reach: ``numpy.meshgrid`` (``indexing="ij"``,
``sparse=True``), ``numpy.block``, ``x.flat`` handed to ``sum``/``max``/``list``, and
``y.sort()`` on an array the function made or an argument. Each program is followed in reverse mode,
forward mode and second order against central finite differences; what stays refused
is refused at its line with advice, and the next call works."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


def grid_xy(x):
    a, b = np.meshgrid(x, x[:2] ** 2)
    return np.sum(np.sin(a * b) + a ** 2)


def grid_ij_three(x):
    a, b, c = np.meshgrid(x[:2], x * 3.0, x[1:] ** 2, indexing="ij")
    return np.sum(np.cos(a + b * c))


def grid_sparse(x):
    a, b = np.meshgrid(x, np.exp(x[:3]), sparse=True)
    return np.sum(np.tanh(a * b))


def blocks(x):
    m = np.outer(x, x[:2])
    nested = np.block([[m, x[:, None]], [x[None, :2] ** 2, 1.5]])
    return np.sum(np.sin(nested)) + np.sum(np.block([x ** 2, 2.0, np.sin(x)]) ** 3)


def flat_read_once(x):
    m = x.reshape(2, 2) * x[0]
    return sum(m.flat) ** 2 + max(m.flat) + sum(v * v for v in list(m.flat))


def sort_along_axis(x):
    y = np.sin(x.reshape(2, 2))
    y.sort(axis=0, kind="stable")
    return np.sum(y * np.arange(4.0).reshape(2, 2)) ** 2


def sort_seen_by_alias(x):
    y = np.sin(x) * x
    z = y
    y.sort()
    return z[0] * z[3] + z[1]


def sort_argument(x):
    # the caller's array sorted by f(x) itself, a copy of it by its derivatives
    x.sort()
    return x[0]


PROGRAMS = [grid_xy, grid_ij_three, grid_sparse, blocks, flat_read_once, sort_along_axis, sort_seen_by_alias,
            sort_argument]


@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
def test_followed_in_every_mode(f):
    rng = np.random.default_rng(7)
    x = rng.normal(size=4)
    assert_close(astgrad.grad(f)(x), numerical_grad(f, (x,)), rtol=1e-5, atol=1e-6)
    t = rng.normal(size=4)
    value, tangent = astgrad.jvp(f, (x,), (t,))
    assert_close(value, f(x.copy()), rtol=1e-12, atol=1e-12)
    assert_close(tangent, numerical_jvp(f, (x,), (t,)), rtol=1e-5, atol=1e-6)
    assert_close(astgrad.hessian(f)(x), numerical_hessian(astgrad.grad(f), (x,)), rtol=1e-4, atol=1e-5)


def sort_through_view(x):
    y = x * 2.0
    v = y[:2]
    y.sort()
    return v[0] + v[1] * 3.0


def grid_views(x):
    a, b = np.meshgrid(x, x, copy=False)
    return np.sum(a * b)


@pytest.mark.parametrize("f, line, advice", [
    (sort_through_view, "y.sort()", "another name may share its memory"),
    (grid_views, "np.meshgrid(x, x, copy=False)", "leave out copy=False"),
])
def test_refused_at_the_line(f, line, advice):
    x = np.array([0.5, -1.0, 2.0, 0.25])
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(f)(x)
    message = str(info.value)
    lines, start = f.__code__.co_filename, f.__code__.co_firstlineno
    offset = next(i for i, text in enumerate(open(lines).read().splitlines()[start - 1:]) if line in text)
    assert f"test_outsider_constructs.py:{start + offset}" in message
    assert advice in message
    assert_close(astgrad.grad(sort_seen_by_alias)(x), numerical_grad(sort_seen_by_alias, (x,)))


class Sorter:
    """An object of a class of the user's whose own ``sort`` is not NumPy's."""

    def __init__(self, v):
        self.v = v

    def sort(self):
        self.v = self.v * 3.0


def sort_own_object(x):
    s = Sorter(x * 2.0)
    s.sort()
    return np.sum(s.v)


def sort_unknown_list(x):
    y = [x[0], x[1]] + [x[2]]
    y.sort()
    return y[0]


def test_a_sort_of_another_kind_is_not_numpys():
    x = np.array([0.5, -1.0, 2.0])
    assert_close(astgrad.grad(sort_own_object)(x), np.full(3, 6.0))
    with pytest.raises(TypeError, match=r"test_outsider_constructs.py:\d+: .sort\(\) was differentiated as the NumPy"):
        astgrad.grad(sort_unknown_list)(x)


def test_tape_records_meshgrid_and_block():
    x = np.array([0.3, -1.2, 0.7])
    t = astgrad.tensor(x, requires_grad=True)
    a, b = np.meshgrid(t, t * 2.0, indexing="ij")
    (g,) = astgrad.autograd.grad(np.sum(np.sin(a * b)) + np.sum(np.block([[t, t], [t, 2.0 * t]]) ** 2), t)

    def f(v):
        p, q = np.meshgrid(v, v * 2.0, indexing="ij")
        return np.sum(np.sin(p * q)) + np.sum(np.block([[v, v], [v, 2.0 * v]]) ** 2)

    assert_close(np.asarray(g.detach() if hasattr(g, "detach") else g), numerical_grad(f, (x,)))
