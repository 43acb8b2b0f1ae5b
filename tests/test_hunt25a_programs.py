"""The twenty-fifth hunt (ordinary numerical programs): what it found, as permanent tests.
NumPy's ``x.flat`` was read as the attribute of an object: a loop over it stopped the
gradient with a bare ``TypeError`` (None plus a float) from the generated code, and
``x.flat[i]`` with a TypeError calling it a property. Read fresh, once (the iterable
of a ``for``, a comprehension or ``enumerate``) or indexed, it is followed now, as
``numpy.ravel(x)`` (so is ``x.flat`` handed alone to ``sum``, ``max``, ``min``,
``list``, ``tuple`` or ``sorted``, which read it once); held in a name or handed to
another call, where the iterator's advance matters (a second pass over it is empty), it
is refused when the code runs, naming the line (an object's own attribute named ``flat`` is read as before). And the derivative of a
sum or mean with a mask narrower than the array (``np.sum(x, where=row_mask)``, also
``where=np.True_``) had the mask's shape, not the array's: the jacobian of such a gradient
had the shape (4, 3, 4) for an x of shape (3, 4) where it is (3, 4, 3, 4), with no error.
``np.trapezoid`` of a list of samples (``np.trapezoid([a, b, a * b], dx=0.5)``) and
``np.interp`` with a list or tuple of values (``np.interp(t, xp, [a, b])``) stopped the
gradient with a TypeError from astgrad's helpers; both are followed now. A function
decorated with ``@astgrad.differentiable`` calling a helper defined further down its
module failed at import (the helper "not defined (yet)"), where a value defined further
down postpones generation to the first gradient, as the documentation says: so does a
helper now. NumPy 2's ``x.mT`` (the transpose of the last two axes) had no rule: read as
an object's attribute, it stopped the gradient with a TypeError calling it a property.
An attribute of an object named like an array's (a dataclass field ``size``, ``ndim``,
``shape``, ``nbytes``, ``flags``; ``self.size`` in a method) was taken for NumPy's array
attribute, whose derivative is none: the gradient in ``p.size`` was 0 where Python's is
1.1, with no error (``T`` and ``real`` raised a TypeError). Where the code reads another
attribute of the same name (``p.w``), the name holds an object, and these reads are its
attributes now."""

import dataclasses

import numpy as np
import pytest

import astgrad
from breadth_modes import check

X = np.array([[0.3, -0.4, 0.9, 1.2], [0.5, 0.1, -0.8, 0.6], [1.1, -0.2, 0.4, 0.7]])


def loop_over_flat(x):
    s = 0.0
    for e in x.flat:                    # grad raised TypeError: NoneType + float
        s = s + e ** 3
    return s


def flat_indexed(x):
    return x.flat[-1] * x.flat[2] + np.sum(x.flat[1:7] ** 2) + np.sum(x.flat[[0, 0, 5]] ** 2)


def flat_of_a_transpose_enumerated(x):
    s = 0.0
    for i, e in enumerate(x.T.flat):    # column by column: the order of the transpose
        s = s + np.sin(e) * i
    return s


def flat_in_a_comprehension(x):
    return sum([e ** 2 * k for e, k in zip([v for v in x.flat], range(12))])


def flat_handed_to_max(x):
    return max(x.flat) - min(x.flat)    # each read of x.flat is a fresh iterator, read once


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", [loop_over_flat, flat_indexed, flat_of_a_transpose_enumerated,
                               flat_in_a_comprehension, flat_handed_to_max], ids=lambda f: f.__name__)
def test_flat_read_fresh_is_followed(f, mode):
    check(mode, f, (X,), [0])


def flat_held(x):
    f = x.flat
    return sum(f) + sum(f)              # Python: the second sum is 0, the iterator spent


def _summed_twice(values):
    return sum(values) + sum(values)


def flat_handed_to_a_helper(x):
    return _summed_twice(x.flat)        # Python: the second sum is 0, the iterator spent


@pytest.mark.parametrize("f", [flat_held, flat_handed_to_a_helper], ids=lambda f: f.__name__)
@pytest.mark.parametrize("transform", ["grad", "jvp"])
def test_flat_held_or_handed_on_is_refused(f, transform):
    call = (lambda: astgrad.grad(f)(X)) if transform == "grad" else \
        (lambda: astgrad.jvp(f, (X,), (np.ones_like(X),)))
    with pytest.raises(TypeError, match=r"astgrad: .*test_hunt25a_programs\.py:\d+: x\.flat is held or handed on "
                       r"here: .*Iterate it directly \(for v in x\.flat\), index it \(x\.flat\[i\]\), or use "
                       r"x\.ravel\(\)"):
        call()
    check("grad", loop_over_flat, (X,), [0])        # the next call works


class Layer:
    def __init__(self, w, flat):
        self.w = w
        self.flat = flat                # an attribute of the user's own, named flat

    def __call__(self, x):
        return np.sum(x * self.w) if self.flat else np.sum(x ** 2 * self.w)


LAYER = Layer(0.5, True)


def object_attribute_named_flat(x):
    return LAYER(x) * np.sum(np.sin(x))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_objects_own_flat_is_read_as_before(mode):
    check(mode, object_attribute_named_flat, (X,), [0])


MASK = np.array([True, False, True, True])
COLUMN_MASK = np.array([[True], [False], [True]])


def masked_sum(x):
    return np.sum(x, where=MASK)            # the gradient had shape (4,) before x's (3, 4)


def masked_sum_over_an_axis(x):
    return np.sum(np.sum(x, axis=0, where=MASK) * np.arange(4.0)) + np.sum(x, where=COLUMN_MASK) * 3.0


def sum_with_a_true_mask(x):
    return np.sum(x, where=np.True_) * 2.0    # the gradient was a single number


@pytest.mark.parametrize("mode", ["jacobian_of_grad", "vjp_of_grad", "grad"])
@pytest.mark.parametrize("f", [masked_sum, masked_sum_over_an_axis, sum_with_a_true_mask], ids=lambda f: f.__name__)
def test_the_derivative_of_a_masked_sum_has_the_arrays_shape(f, mode):
    check(mode, f, (X,), [0])
    assert astgrad.jacobian(astgrad.grad(f))(X).shape == (3, 4, 3, 4)


T = np.array([0.5, 1.0, 1.5, 2.0])
TRAPEZOID = getattr(np, "trapezoid", None) or np.trapz       # numpy.trapz before NumPy 2.0


def trapezoid_of_a_list(a, w):
    return TRAPEZOID([a, w, a * w], dx=0.5)


def trapezoid_of_a_list_at_listed_points(a, w):
    return TRAPEZOID([a, w, a ** 2], x=[0.0, a, 1.0 + w])


def interp_of_listed_values(a, w):
    return np.sum(np.interp(T, [0.0, 3.0], [a, w]) ** 2)


def interp_of_a_tuple_of_values(a, w):
    return np.sum(np.interp(T, (0.0, 1.0, 3.0), (a, 1.0, w * a)))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", [trapezoid_of_a_list, trapezoid_of_a_list_at_listed_points, interp_of_listed_values,
                               interp_of_a_tuple_of_values], ids=lambda f: f.__name__)
def test_sampled_data_given_as_a_list_is_followed(f, mode):
    check(mode, f, (0.3, 0.8), [0, 1])


@astgrad.differentiable
def calls_a_helper_defined_below(x):
    return np.sum(helper_defined_below(x) ** 2) + np.sum(apply_defined_below(helper_defined_below, x))


def helper_defined_below(u):
    return np.sin(u) * u


def apply_defined_below(f, u):
    return f(u) * u


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_a_decorated_function_calling_a_helper_defined_below_it(mode):
    check(mode, calls_a_helper_defined_below, (X[0],), [0])


def matrix_transposes(x):
    return np.sum((x @ x.mT) ** 2) + np.sum(x.mT[1] ** 3) + np.sum(x.mT.mT * x)


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 2)])
def test_mT_is_the_transpose_of_the_last_two_axes(mode, shape):
    check(mode, matrix_transposes, (X.reshape(shape) if shape == (3, 4) else X.ravel().reshape(shape),), [0])


@dataclasses.dataclass
class Params:
    w: np.ndarray
    size: float
    ndim: float
    T: float
    flags: float


@dataclasses.dataclass
class Scaled:
    size: float
    w: np.ndarray

    def apply(self, x):
        return np.sum(self.w * x) * self.size


def fields_named_like_array_attributes(p, x):
    return np.sum(p.w * x) * p.size + p.ndim * x[0] ** 2 + p.T * x[1] + p.flags * np.sum(p.w.T * x)


def method_reading_self_size(s, x):
    return Scaled(s, x[::-1]).apply(x) + Scaled(x[0], x).size * s


PARAMS = Params(np.array([1.0, 2.0]), 3.0, 2.0, 0.5, 1.5)
X2 = np.array([0.3, 0.4])


def test_a_dataclass_field_named_size_carries_its_derivative():
    g = astgrad.grad(fields_named_like_array_attributes, wrt=0)(PARAMS, X2)
    assert (g.size, g.ndim, g.T, g.flags) == pytest.approx((1.1, 0.09, 0.4, 1.1))   # size was 0.0
    assert g.w == pytest.approx(X2 * 3.0 + X2 * 1.5)
    check("grad", fields_named_like_array_attributes, (PARAMS, X2), [1])


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_an_attribute_named_size_read_in_a_method(mode):
    check(mode, method_reading_self_size, (0.7, X2), [0, 1])           # the derivative in s was 0.3 short
