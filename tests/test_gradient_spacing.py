"""numpy.gradient differentiated with respect to its spacing (a number h, or the
coordinates of the samples), as well as f: against central finite differences in
float64, forward against reverse mode, and second order (forward over reverse), over several shapes, axes and both edge orders (gradient_nodes.py)."""

import numpy as np
import pytest

import astgrad
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


def several_arrays(h, f):
    return np.sum(np.gradient(f, h)[0])


def test_a_call_giving_several_arrays_says_what_to_write():
    with pytest.raises(ValueError, match=r"gives one array .* this call gives 2 arrays: call "
                                         r"np.gradient\(f, h, axis=k\) once per axis"):
        astgrad.grad(several_arrays)(0.5, np.ones((3, 4)))
