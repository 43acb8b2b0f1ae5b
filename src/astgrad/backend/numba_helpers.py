"""numba versions of the runtime helpers generated code calls, for the numba backend.

Each helper of ``runtime`` that generated code may call gets a numba overload here,
chosen by the types numba infers (a Python float, or an array of some ndim), so the
same generated text runs under ``numba.njit``. A helper without a version here, or a
combination of argument types a version does not cover, makes numba's typing fail, and
the numba backend refuses the code (``backend.numba_backend``). Imports numba: only
``numba_backend`` imports this module, and only when the numba backend is asked for.
"""

import math
import types as types_module

import numba
import numpy
from numba import types
from numba.extending import overload

from .. import runtime
from . import numba_vector_math


def _is_scalar(t):
    return isinstance(t, (types.Float, types.Integer, types.Boolean))


def _is_array(t):
    return isinstance(t, types.Array)


def shape_of(x):
    """Stand-in for ``runtime.shape_of`` in numba code (called only by numba)."""
    raise NotImplementedError


def unbroadcast(g, x):
    """Stand-in for ``runtime.unbroadcast`` in numba code."""
    raise NotImplementedError


def broadcast_like(g, x):
    """Stand-in for ``runtime.broadcast_like`` in numba code."""
    raise NotImplementedError


def unreduce(g, x):
    """Stand-in for ``runtime.unreduce`` (full reductions only) in numba code."""
    raise NotImplementedError


def zeros_like(x):
    """Stand-in for ``runtime.zeros_like`` in numba code."""
    raise NotImplementedError


def matmul_adjoint_left(g, x, y):
    """Stand-in for ``runtime.matmul_adjoint_left`` in numba code."""
    raise NotImplementedError


def matmul_adjoint_right(g, x, y):
    """Stand-in for ``runtime.matmul_adjoint_right`` in numba code."""
    raise NotImplementedError


def repeat_count(x, axis=None, keepdims=False):
    """Stand-in for ``runtime.repeat_count`` (full reductions or one axis, no ``where``)
    in numba code; ``keepdims`` does not change the count."""
    raise NotImplementedError


@overload(repeat_count)
def _repeat_count(x, axis=None, keepdims=False):
    if not (axis is None or isinstance(axis, (types.NoneType, types.Omitted))):
        if _is_array(x) and x.ndim > 0 and isinstance(axis, types.Integer):
            return lambda x, axis=None, keepdims=False: x.shape[axis + x.ndim if axis < 0 else axis]
        return None
    if _is_array(x):
        return lambda x, axis=None, keepdims=False: x.size
    if _is_scalar(x):
        return lambda x, axis=None, keepdims=False: 1


def require_shape(x, shape):
    """Checks that ``x`` has the saved ``shape`` (numba code only; see numba_lower)."""
    raise NotImplementedError


def range_last(start, stop, step):
    """The last value of ``range(start, stop, step)`` (``start - step`` when empty)."""
    raise NotImplementedError


@overload(shape_of)
def _shape_of(x):
    if _is_array(x):
        return lambda x: x.shape
    if _is_scalar(x):
        return lambda x: x


@overload(zeros_like)
def _zeros_like(x):
    if _is_array(x) and isinstance(x.dtype, types.Float):
        return lambda x: numpy.zeros_like(x)
    if _is_array(x):
        return lambda x: numpy.zeros(x.shape)
    if _is_scalar(x):
        return lambda x: 0.0


def _target_ndim(x):
    """The ndim a shape argument stands for: an array, a shape tuple or a scalar."""
    if _is_array(x):
        return x.ndim
    if isinstance(x, types.UniTuple) and isinstance(x.dtype, types.Integer):
        return x.count
    if isinstance(x, types.Tuple) and len(x) == 0:
        return 0
    if _is_scalar(x):
        return 0
    return None


def _shape(x):
    """The shape ``x`` stands for: an array's, a saved shape tuple itself, () for a number
    (``numpy.shape`` of a shape tuple would be the tuple's length)."""
    raise NotImplementedError


@overload(_shape)
def _shape_of_value_or_shape(x):
    if _is_array(x):
        return lambda x: x.shape
    if (isinstance(x, types.UniTuple) and isinstance(x.dtype, types.Integer)) \
            or (isinstance(x, types.Tuple) and len(x) == 0):
        return lambda x: x
    if _is_scalar(x):
        return lambda x: ()


@overload(unbroadcast)
def _unbroadcast(g, x):
    ndim = _target_ndim(x)
    if ndim is None:
        return None
    if ndim == 0:
        if _is_scalar(g):
            return lambda g, x: g
        if _is_array(g):
            return lambda g, x: g.sum()
        return None
    if _is_scalar(g):
        return lambda g, x: numpy.full(_shape(x), g)
    if not _is_array(g):
        return None
    if g.ndim == 1 and ndim == 1:
        def one(g, x):
            shape = _shape(x)
            if g.shape[0] == shape[0]:
                return g
            return numpy.full(shape, g.sum())
        return one
    if g.ndim == 2 and ndim == 1:
        def rows(g, x):
            shape = _shape(x)
            total = g.sum(axis=0)
            if total.shape[0] == shape[0]:
                return total
            return numpy.full(shape, total.sum())
        return rows
    if g.ndim == 2 and ndim == 2:
        def two(g, x):
            shape = _shape(x)
            if g.shape == shape:
                return g
            out = g
            if shape[0] == 1 and g.shape[0] != 1:
                out = out.sum(axis=0).reshape((1, out.shape[1]))
            if shape[1] == 1 and g.shape[1] != 1:
                out = out.sum(axis=1).reshape((out.shape[0], 1))
            return numpy.ascontiguousarray(out)
        return two
    return None


@overload(broadcast_like)
def _broadcast_like(g, x):
    ndim = _target_ndim(x)
    if ndim == 0 and _is_scalar(g):
        return lambda g, x: g
    if ndim is not None and ndim > 0 and _is_scalar(g):
        return lambda g, x: numpy.full(_shape(x), g)
    if ndim is not None and _is_array(g) and g.ndim == ndim:
        def same(g, x):
            shape = _shape(x)
            if g.shape == shape:
                return g
            return numpy.broadcast_to(g, shape).copy()
        return same
    return None


@overload(unreduce)
def _unreduce(g, x, axis=None, keepdims=False):
    ndim = _target_ndim(x)
    if ndim is None:
        return None
    if _is_scalar(g):
        if ndim == 0:
            return lambda g, x, axis=None, keepdims=False: g
        return lambda g, x, axis=None, keepdims=False: numpy.full(_shape(x), g)
    if not _is_array(g):
        return None
    if g.ndim == ndim:          # keepdims, or a full reduction kept as an array
        return lambda g, x, axis=None, keepdims=False: numpy.broadcast_to(g, _shape(x)).copy()
    if g.ndim == ndim - 1 and isinstance(axis, types.Integer):
        def along(g, x, axis=None, keepdims=False):
            k = axis + ndim if axis < 0 else axis
            return numpy.broadcast_to(numpy.expand_dims(g, k), _shape(x)).copy()
        return along
    return None


def sign_change(v, x):
    """Stand-in for ``runtime.sign_change`` (real x: 0) in numba code."""
    raise NotImplementedError


def sign_change_adjoint(g, x):
    """Stand-in for ``runtime.sign_change_adjoint`` (real x: 0) in numba code."""
    raise NotImplementedError


def _real_sign_zero(v, x):
    """numpy.sign of a real x changes nowhere: zeros of x's shape (a complex x has no version)."""
    if isinstance(x, types.Float):
        return lambda v, x: 0.0
    if _is_array(x) and isinstance(x.dtype, types.Float):
        return lambda v, x: numpy.zeros(x.shape, x.dtype)
    return None


overload(sign_change)(_real_sign_zero)
overload(sign_change_adjoint)(_real_sign_zero)


def in_place(value, like, op=None):
    """Stand-in for ``runtime.in_place`` (``y op= v``) in numba code."""
    raise NotImplementedError


@overload(in_place)
def _in_place(value, like, op=None):
    if _is_scalar(like):
        return lambda value, like, op=None: value
    if not _is_array(like):
        return None
    if _is_array(value) and value.ndim == like.ndim and value.dtype == like.dtype:
        def same(value, like, op=None):
            if value.shape != like.shape:
                raise ValueError("non-broadcastable output operand of an in-place operator")
            return value
        return same

    def cast(value, like, op=None):
        out = numpy.empty_like(like)
        out[...] = value
        return out
    return cast


def snapshot(value):
    """Stand-in for ``runtime.snapshot`` (a copy later writes cannot change) in numba code."""
    raise NotImplementedError


@overload(snapshot)
def _snapshot(value):
    if _is_array(value):
        return lambda value: value.copy()
    if _is_scalar(value):
        return lambda value: value
    return None


def unindex(g, x, index):
    """Stand-in for ``runtime.unindex`` (arrays, basic indices) in numba code."""
    raise NotImplementedError


@overload(unindex)
def _unindex(g, x, index):
    if not _is_array(x) or x.ndim == 0:
        return None
    if isinstance(x.dtype, types.Float):
        def into_zeros_like(g, x, index):
            out = numpy.zeros_like(x)
            out[index] = g        # basic indices never repeat an element
            return out
        return into_zeros_like

    def into_zeros(g, x, index):
        out = numpy.zeros(x.shape)
        out[index] = g
        return out
    return into_zeros


@overload(matmul_adjoint_left)
def _matmul_adjoint_left(g, x, y):
    if not (_is_array(x) and _is_array(y)):
        return None
    if x.ndim == 2 and y.ndim == 1:
        return lambda g, x, y: numpy.outer(g, y)
    if x.ndim == 2 and y.ndim == 2:
        return lambda g, x, y: g @ y.T
    if x.ndim == 1 and y.ndim == 2:
        return lambda g, x, y: y @ g
    if x.ndim == 1 and y.ndim == 1:
        return lambda g, x, y: g * y
    return None


@numba.njit(fastmath=True)
def _matrix_vector(a, v):
    """``a @ v`` for a small matrix: a loop LLVM vectorizes (BLAS's call costs more)."""
    out = numpy.empty(a.shape[0])
    for i in range(a.shape[0]):
        total = 0.0
        for j in range(a.shape[1]):
            total += a[i, j] * v[j]
        out[i] = total
    return out


@numba.njit
def _vector_matrix(v, a):
    """``v @ a`` for a small matrix, row by row."""
    out = numpy.zeros(a.shape[1])
    for i in range(a.shape[0]):
        vi = v[i]
        for j in range(a.shape[1]):
            out[j] += vi * a[i, j]
    return out


_SMALL = 4096       # matrices up to this many elements use the loops above


def matmul(a, b):
    """``a @ b`` in numba code (the lowering writes every ``@`` as this call)."""
    raise NotImplementedError


@overload(matmul)
def _matmul(a, b):
    if _is_array(a) and _is_array(b) and a.ndim == 2 and b.ndim == 1 \
            and isinstance(a.dtype, types.Float) and isinstance(b.dtype, types.Float):
        def matrix_vector(a, b):
            if a.size <= _SMALL and a.shape[1] == b.shape[0]:
                return _matrix_vector(a, b)
            return a @ b
        return matrix_vector
    return lambda a, b: a @ b


def add_matmul_adjoint_left(total, g, x, y):
    """``total += matmul_adjoint_left(g, x, y)``, returning ``total`` (numba code)."""
    raise NotImplementedError


@overload(add_matmul_adjoint_left)
def _add_matmul_adjoint_left(total, g, x, y):
    if _is_array(total) and total.ndim == 2 and _is_array(g) and g.ndim == 1 \
            and _is_array(x) and x.ndim == 2 and _is_array(y) and y.ndim == 1:
        def outer_into(total, g, x, y):
            if total.shape[0] != g.shape[0] or total.shape[1] != y.shape[0]:
                total += matmul_adjoint_left(g, x, y)
                return total
            for i in range(g.shape[0]):
                gi = g[i]
                for j in range(y.shape[0]):
                    total[i, j] += gi * y[j]
            return total
        return outer_into

    def general(total, g, x, y):
        total += matmul_adjoint_left(g, x, y)
        return total
    return general


@overload(matmul_adjoint_right)
def _matmul_adjoint_right(g, x, y):
    if not (_is_array(x) and _is_array(y)):
        return None
    if x.ndim == 2 and y.ndim == 1:
        def vector_matrix(g, x, y):
            if x.size <= _SMALL:
                return _vector_matrix(g, x)
            return numpy.dot(g, x)
        return vector_matrix
    if x.ndim == 2 and y.ndim == 2:
        return lambda g, x, y: x.T @ g
    if x.ndim == 1 and y.ndim == 2:
        return lambda g, x, y: numpy.outer(x, g)
    if x.ndim == 1 and y.ndim == 1:
        return lambda g, x, y: g * x
    return None


@overload(require_shape)
def _require_shape(x, shape):
    if _is_scalar(x):
        return lambda x, shape: None

    def check(x, shape):
        if _shape(x) != shape:
            raise ValueError("astgrad numba backend: a value changes shape from one loop "
                             "iteration to the next; use the default backend")
    return check


@overload(range_last)
def _range_last(start, stop, step):
    def last(start, stop, step):
        count = len(range(start, stop, step))
        return start + (count - 1) * step
    return last


def tanh(x):
    """``numpy.tanh`` for numba code: through ``expm1``, twice as fast as libm's tanh,
    within 1 ulp (a stand-in; numba calls the overload below)."""
    raise NotImplementedError


@numba.njit(inline="always")
def _tanh_scalar(v):
    if abs(v) > 22.0:
        return math.copysign(1.0, v)
    e = math.expm1(2.0 * v)
    return e / (e + 2.0)


@overload(tanh)
def _tanh(x):
    if _is_scalar(x):
        return lambda x: _tanh_scalar(x)
    if _is_array(x) and isinstance(x.dtype, types.Float):
        def each(x):
            out = numpy.empty(x.shape)
            flat_in = numpy.ascontiguousarray(x).reshape(-1)
            flat_out = out.reshape(-1)
            for i in range(flat_in.size):
                flat_out[i] = _tanh_scalar(flat_in[i])
            return out
        return each
    return lambda x: numpy.tanh(x)


def numpy_for_numba():
    """A module like numpy (as astgrad found it: see core/originals.py) whose functions
    numba compiles faster than its own: tanh, and sin, cos, exp, log, expm1, log1p, tanh
    four elements at a time where glibc's vector math library is there
    (``numba_vector_math``)."""
    from ..core.originals import original_attributes
    module = types_module.ModuleType("numpy")
    module.__dict__.update(numpy.__dict__)
    module.__dict__.update(original_attributes(numpy))      # NumPy's functions as astgrad found them
    module.tanh = tanh
    module.__dict__.update(numba_vector_math.numpy_functions())
    return module


# runtime helper -> its numba version
HELPERS = {
    runtime.shape_of: shape_of,
    runtime.unbroadcast: unbroadcast,
    runtime.broadcast_like: broadcast_like,
    runtime.zeros_like: zeros_like,
    runtime.unreduce: unreduce,
    runtime.repeat_count: repeat_count,
    runtime.matmul_adjoint_left: matmul_adjoint_left,
    runtime.matmul_adjoint_right: matmul_adjoint_right,
    runtime.in_place: in_place,
    runtime.unindex: unindex,
    runtime.snapshot: snapshot,
    runtime.sign_change: sign_change,
    runtime.sign_change_adjoint: sign_change_adjoint,
}

# helpers the lowering introduces, by the name numba code calls them
LOWERING = {"require_shape": require_shape, "range_last": range_last, "matmul": matmul,
            "add_matmul_adjoint_left": add_matmul_adjoint_left}
