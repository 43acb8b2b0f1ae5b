"""``numpy.trapezoid`` in user programs (over sample points, a spacing, another axis)
against finite differences in first and second order; a test ``hasattr(module, "name")``
known when the code is generated, whose untaken branch may name what the module lacks
(``np.trapz`` on NumPy 2); ``numpy.fill_diagonal`` as the element write it is
(frontend/normalize/library_forms.py), raising where NumPy raises."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check

T = np.linspace(0.0, 1.0, 7)
numpy_trapezoid = getattr(np, "trapezoid", None) or getattr(np, "trapz")


def over_points(x, w):
    f = w * np.exp(-x * T ** 2)
    return np.trapezoid(f, T) if hasattr(np, "trapezoid") else np.trapz(f, T)


def spacing_and_axis(x, w):
    y = np.outer(np.sin(x * T[:4]), w)          # (4, 3)
    return np.sum(numpy_trapezoid(y, dx=0.3, axis=0) ** 2) + np.sum(numpy_trapezoid(y * y, x=np.outer(T[:4], w)))


def statement_form(x, w):
    if not hasattr(np, "no_such_function"):
        y = x * w
    else:
        y = np.no_such_function(x)
    return np.sum(np.sin(y))


def diagonal_of_values(x, w):
    m = np.outer(x, x[:3]) * 1.0                # (4, 3): a tall matrix, 3 diagonal entries
    np.fill_diagonal(m, np.sin(w))
    cube = np.ones((2, 2, 2)) * x[0]
    np.fill_diagonal(cube, w[0] * x[1])
    return np.sum(np.tanh(m @ m.T)) + np.sum(cube ** 2)


W3 = np.array([0.5, 1.2, -0.7])
X4 = np.array([0.3, -0.2, 0.8, 0.1])
PROGRAMS = [(over_points, (0.3, 0.8)), (spacing_and_axis, (0.4, W3)), (statement_form, (X4, 0.9)),
            (diagonal_of_values, (X4, W3))]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian", "jvp_of_grad"])
@pytest.mark.parametrize("f, args", PROGRAMS, ids=lambda v: getattr(v, "__name__", ""))
def test_differentiated_like_numpy(mode, f, args):
    check(mode, f, args, (0, 1))


def test_a_local_name_test_is_not_read_when_generating():
    def f(x, mod):                  # mod is an argument: the test is the code's own
        return x * 2.0 if hasattr(mod, "pi") else x * 3.0
    g = astgrad.grad(f)
    assert g(1.0, np) == 2.0 and g(1.0, object()) == 3.0


def test_the_untaken_branch_of_a_known_test_is_not_resolved():
    def f(x):
        return np.no_such_function(x) if hasattr(np, "no_such_function") else np.sin(x)
    assert astgrad.grad(f)(0.5) == pytest.approx(np.cos(0.5))


def fill(m, w):
    m = m * 1.0
    np.fill_diagonal(m, w)
    return np.sum(m)


GRAD_FILL = astgrad.grad(fill, (0, 1))


@pytest.mark.parametrize("m, w", [(np.ones(3), 1.0), (np.ones((2, 3, 2)), 1.0), (np.ones((3, 3)), np.ones(2)),
                                  (np.ones((3, 3)), np.ones((3, 1)))])
def test_fill_diagonal_raises_where_numpy_raises_or_would_repeat_values(m, w):
    with pytest.raises(ValueError, match="at least 2-d|equal length|fill_diagonal was given values"):
        GRAD_FILL(m, w)


def test_fill_diagonal_wrapping_or_on_an_argument_is_refused():
    def wrapped(m, w):
        m = m * 1.0
        np.fill_diagonal(m, w, wrap=True)
        return np.sum(m)

    def on_the_argument(m, w):
        np.fill_diagonal(m, w)
        return np.sum(m)
    with pytest.raises(astgrad.TransformError, match=r"wrap=.*a\[i, i\] = v"):
        astgrad.grad(wrapped)(np.ones((3, 3)), 1.0)
    with pytest.raises(astgrad.TransformError, match="x = x.copy|m = m.copy"):
        astgrad.grad(on_the_argument)(np.ones((3, 3)), 1.0)
