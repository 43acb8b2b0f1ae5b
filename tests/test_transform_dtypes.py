"""What each transform returns for each kind of input: one table, transforms x dtypes.

A derivative by ``x`` has x's shape and float dtype (float32 stays float32, float16
float16); ints are real numbers to ``grad``, ``value_and_grad``, ``jacobian``,
``hessian`` and ``hvp`` (a float64 derivative) and constants to ``jvp`` and ``vjp``
(``None`` as their cotangent, refused as the primal of a tangent); a bool is refused
where it is differentiated. ``jacobian(grad(f), mode="forward")`` of a float32 input
was float64 (its columns kept the dtype of the tangents of a float64 constant's
products) while reverse mode, ``hessian`` and ``grad`` gave float32: both modes of
``jacobian`` now give x's float dtype. Each float entry is also checked against the
float64 derivative, to the input's precision.
"""

import numpy as np
import pytest

import astgrad
from program_files import load

SOURCE = """
import numpy as np

W = np.array([0.5, -1.0, 2.0])


def loss(x):
    if np.ndim(x):
        return np.sum(np.abs(x) * W * x ** 2)
    return np.abs(x) * x ** 2 * 0.5


def vector(x):
    return np.sin(x) * 2.0
"""
LOSS, VECTOR = load(SOURCE, "loss"), load(SOURCE, "vector")
GRAD = astgrad.grad(LOSS)

INPUTS = {
    "float64": np.array([0.8, -0.4, 1.3]), "float32": np.array([0.8, -0.4, 1.3], np.float32),
    "float16": np.array([0.8, -0.4, 1.3], np.float16), "int64": np.array([1, -2, 3]),
    "bool": np.array([True, False, True]), "0-d float32": np.array(0.7, np.float32),
    "0-d float64": np.array(0.7), "Python float": 0.7, "Python int": 2, "float32 scalar": np.float32(0.7),
}


def _ones(x):
    return np.ones_like(x) if isinstance(x, (np.ndarray, np.generic)) else 1.0


TRANSFORMS = {
    "grad": lambda x: GRAD(x),
    "value_and_grad": lambda x: astgrad.value_and_grad(LOSS)(x)[1],
    "jvp": lambda x: astgrad.jvp(VECTOR, (x,), (_ones(x),))[1],
    "vjp": lambda x: astgrad.vjp(VECTOR, x)[1](_ones(VECTOR(x)))[0],
    "jacobian forward": lambda x: astgrad.jacobian(VECTOR, mode="forward")(x),
    "jacobian reverse": lambda x: astgrad.jacobian(VECTOR, mode="reverse")(x),
    "hessian": lambda x: astgrad.hessian(LOSS)(x),
    "hvp": lambda x: astgrad.hvp(LOSS)(x, _ones(x)),
    "jacobian of grad, forward": lambda x: astgrad.jacobian(GRAD, mode="forward")(x),
    "jacobian of grad, reverse": lambda x: astgrad.jacobian(GRAD, mode="reverse")(x),
}

# what each transform gives: a dtype (of an array), "float" (a Python float), None, or the error
F64, F32, F16 = np.dtype("float64"), np.dtype("float32"), np.dtype("float16")
_BY_INPUT = {"float64": F64, "float32": F32, "float16": F16, "int64": F64, "bool": TypeError,
             "0-d float32": F32, "0-d float64": F64, "Python float": "float", "Python int": "float",
             "float32 scalar": F32}
_ARRAYS = {**_BY_INPUT, "Python float": F64, "Python int": F64}      # a Jacobian is always an array
_CONSTANT_INTS = {**_BY_INPUT, "int64": ValueError, "bool": ValueError, "Python int": ValueError,
                  "Python float": F64}
EXPECTED = {
    "grad": _BY_INPUT, "value_and_grad": _BY_INPUT, "hvp": _BY_INPUT,
    "jvp": _CONSTANT_INTS,
    "vjp": {**_BY_INPUT, "int64": None, "bool": None, "Python int": None},
    "jacobian forward": _ARRAYS, "jacobian reverse": _ARRAYS, "hessian": _ARRAYS,
    "jacobian of grad, forward": _ARRAYS, "jacobian of grad, reverse": _ARRAYS,
}


def _kind(value):
    if value is None:
        return None
    if type(value) is float:
        return "float"
    return value.dtype


@pytest.mark.parametrize("transform", list(TRANSFORMS))
@pytest.mark.parametrize("kind", list(INPUTS))
def test_what_each_transform_returns_for_each_kind_of_input(transform, kind):
    expected = EXPECTED[transform][kind]
    compute, x = TRANSFORMS[transform], INPUTS[kind]
    if isinstance(expected, type) and issubclass(expected, Exception):
        with pytest.raises(expected):
            compute(x)
        return
    found = compute(x)
    assert _kind(found) == expected
    if found is None:
        return
    exact = compute(np.asarray(x, dtype=np.float64) if isinstance(x, (np.ndarray, np.generic)) else float(x))
    tolerance = {F16: 1e-2, F32: 1e-5}.get(np.result_type(found), 1e-12)
    np.testing.assert_allclose(np.asarray(found, dtype=np.float64), exact, rtol=tolerance, atol=tolerance)
