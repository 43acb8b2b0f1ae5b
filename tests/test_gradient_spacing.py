"""numpy.gradient differentiated with respect to its spacing (a number h, or the
coordinates of the samples), as well as f: against central finite differences in
float64, forward against reverse mode, and second order (forward over reverse), over
several shapes, axes and both edge orders (gradient_nodes.py); calls giving several
arrays too, with one number for all axes or one spacing per axis (gradient_calls.py)."""

import re

import numpy as np
import pytest

import astgrad
from astgrad import runtime
from gradient_checks import check_both_modes_and_second_order

RNG = np.random.default_rng(57)
X5 = np.array([-1.0, 0.0, 0.3, 1.2, 2.0])      # uneven coordinates


def spaced(p):
    """Coordinates x and a number h that carry a derivative, along 1-d samples and along
    one axis (positive, negative) of arrays, with both edge orders and two samples."""
    x, h, f, a = X5 + 0.1 * p[:5], 0.5 + 0.1 * p[5], p[6:11], p[11:23].reshape(3, 4)
    second = np.gradient(np.sin(f) * f, x, edge_order=2)
    uniform = np.gradient(f, h, edge_order=2) + np.sum(np.gradient(f[:2], h) ** 2)
    rows = np.gradient(a * a, x[:4], axis=1, edge_order=2)
    columns = np.gradient(np.tanh(a), h, axis=0)
    middle = np.gradient(a.reshape(3, 2, 2), x[1:3] ** 2, axis=-2)
    return np.sum(np.sin(second)) + np.sum(uniform * x) + np.sum(rows * columns) + np.sum(middle * a[0, 0])


def test_spacing_has_its_derivative_in_every_mode():
    p = RNG.uniform(-1.0, 1.0, 23)
    check_both_modes_and_second_order(spaced, p)


def several(p):
    """Calls giving several arrays: one number for all axes (f of two dimensions, an axis
    tuple of three; both edge orders), and one spacing per axis (a number, coordinates)."""
    x, h, a = X5[:3] + 0.1 * p[:3], 0.5 + 0.1 * p[3], p[4:16].reshape(3, 4)
    rows, columns = np.gradient(np.sin(a) * a, h)
    outer, inner = np.gradient(a.reshape(3, 1, 4) ** 2, h, axis=(2, 0), edge_order=2)
    late, early = np.gradient(np.tanh(a) * x[:, None], h * x[1], x ** 2, axis=(-1, 0), edge_order=2)
    return np.sum(rows * columns) + np.sum(np.sin(outer) * inner) + np.sum(late * early * x[:, None])


def test_calls_giving_several_arrays_have_their_spacing_derivative():
    p = RNG.uniform(-1.0, 1.0, 16)
    check_both_modes_and_second_order(several, p)


def per_axis(f, x, y):
    return np.gradient(f, x, y, edge_order=2)


def test_per_axis_calls_give_numpys_values_and_errors():
    f, x, y = RNG.normal(size=(3, 4)), np.array([0.0, 0.4, 1.5]), 0.25
    values, _ = astgrad.vjp(per_axis, f, x, y)
    expected = np.gradient(f, x, y, edge_order=2)
    assert type(values) is type(expected) and all(np.array_equal(v, e) for v, e in zip(values, expected))
    for wrong in ((f, x, y, y), (f, x, x)):       # a spacing too many; coordinates of the wrong length
        with pytest.raises(Exception) as numpy_error:
            np.gradient(*wrong)
        with pytest.raises(type(numpy_error.value), match=re.escape(str(numpy_error.value))):
            astgrad.grad(lambda h, f, *s: np.sum(np.gradient(f, *s)[0]) * h)(1.0, *wrong)


def test_the_helpers_refuse_several_spacings_they_do_not_write_out():
    # the normalizer writes np.gradient(f, x, y) as one-axis calls; stacked parts take one number for all axes
    parts, f = [np.ones((3, 4)), np.ones((3, 4))], np.ones((3, 4))
    for helper, value in ((runtime.stacked_parts, parts), (runtime.split_parts, np.ones((2, 3, 4)))):
        with pytest.raises(ValueError, match=r"this call gives 2 arrays from spacings it does not write out"):
            helper(value, f, (0.5, 0.25))
