"""Tensor creation with PyTorch's names and arguments: ``tensor``, ``as_tensor``,
``from_numpy``, ``zeros``/``ones``/``full``/``empty``, ``arange``, ``linspace``, ``eye``,
``rand``/``randn``/``randint``, their ``*_like`` forms, and ``manual_seed``.

Each takes ``dtype=`` (an astgrad dtype such as ``astgrad.float32``, or a NumPy dtype)
and ``requires_grad=``. Floating tensors default to ``get_default_dtype()``: float64,
NumPy's, unless ``set_default_dtype`` changed it (PyTorch's default is float32).
Random numbers come from NumPy's generator (seeded by ``manual_seed``), so they are not
the numbers PyTorch draws.
"""

import numbers

import numpy

from . import dtypes
from .record import TensorBase, make_tensor, raw
from .sharing import expose
from .torch_arguments import check_int_argument, check_tensor_argument
from .tensor import Tensor

__all__ = ["tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty", "arange", "linspace",
           "eye", "rand", "randn", "randint", "zeros_like", "ones_like", "full_like", "empty_like",
           "rand_like", "randn_like", "manual_seed"]

_generator = [numpy.random.default_rng()]


def _leaf(array, requires_grad):
    t = make_tensor(array, None, False)
    if requires_grad:
        if array.dtype.kind not in "fc":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad = True
    return t


def _float_or(dtype):
    return dtypes.to_numpy(dtype) if dtype is not None else dtypes.get_default_dtype().dtype


def _size(size, name=None):
    """``zeros(2, 3)``, ``zeros((2, 3))`` and ``zeros([2, 3])`` alike."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    for n in size:
        if not isinstance(n, numbers.Integral) or isinstance(n, bool):
            raise TypeError(f"size must be a sequence of ints, not {type(n).__name__} ({n!r})")
        if n < 0 and name == "zeros":
            raise RuntimeError("zeros: Dimension size must be non-negative.")
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {list(size)}")
    return tuple(int(n) for n in size)


def _infer_dtype(array):
    """A Python float becomes the default dtype (float64 unless changed)."""
    if array.dtype == numpy.float64:
        return array.astype(dtypes.get_default_dtype().dtype, copy=False)
    return array


def _first_shape(data):
    """The shape PyTorch infers from a nested list: the lengths along its first elements."""
    shape = []
    while isinstance(data, (list, tuple)):
        shape.append(len(data))
        if not data:
            break
        data = data[0]
    return shape


def _check_nested(data, shape, dim):
    """PyTorch's error for a ragged nested list."""
    if dim == len(shape):
        if isinstance(data, (list, tuple)):
            raise ValueError(f"expected sequence of length {len(data)} at dim {dim} (got ...)")
        return
    if not isinstance(data, (list, tuple)):
        raise TypeError("not a sequence")
    if len(data) != shape[dim]:
        raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(data)})")
    for item in data:
        _check_nested(item, shape, dim + 1)


def _check_numbers(array):
    """PyTorch's error for data holding strings or None, which NumPy would keep in an
    array of strings or of objects."""
    if array.dtype.kind in "US":
        raise TypeError("new(): invalid data type 'str'")
    if array.dtype.kind == "O":
        for value in array.reshape(-1):
            if value is None or isinstance(value, str):
                raise RuntimeError(f"Could not infer dtype of {type(value).__name__}")


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new leaf tensor holding a copy of ``data`` (``torch.tensor``)."""
    if isinstance(data, TensorBase):
        data = data._data
        array = numpy.array(data, dtype=dtypes.to_numpy(dtype))
    else:
        # tensors inside a list are copied as values, as torch.tensor([a, b]) does
        try:
            array = numpy.array(raw(data), dtype=dtypes.to_numpy(dtype))
        except ValueError:
            _check_nested(raw(data), _first_shape(raw(data)), 0)
            raise
        if not isinstance(data, numpy.ndarray):
            _check_numbers(array)
        if dtype is None and not isinstance(data, numpy.ndarray):
            array = _infer_dtype(array)
    if requires_grad and array.dtype.kind not in "fc":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    return Tensor(array, requires_grad=requires_grad)


def as_tensor(data, dtype=None, device=None):
    """``data`` as a tensor, sharing its memory when it is an array of that dtype."""
    if isinstance(data, TensorBase):
        return data if dtype is None or data._data.dtype == dtypes.to_numpy(dtype) else data.to(dtype)
    if isinstance(data, numpy.ndarray):
        return expose(make_tensor(numpy.asarray(data, dtype=dtypes.to_numpy(dtype)), None, False))
    return tensor(data, dtype=dtype)


def from_numpy(array):
    """A tensor sharing ``array``'s memory (``torch.from_numpy``)."""
    if not isinstance(array, numpy.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return expose(make_tensor(array, None, False))


def zeros(*size, dtype=None, device=None, requires_grad=False):
    return _leaf(numpy.zeros(_size(size, "zeros"), dtype=_float_or(dtype)), requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    return _leaf(numpy.ones(_size(size), dtype=_float_or(dtype)), requires_grad)


empty = zeros


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    if fill_value is None or not isinstance(fill_value, (numbers.Number, numpy.generic)) \
            and numpy.ndim(raw(fill_value)) != 0:
        raise TypeError(f"full(): argument 'fill_value' (position 2) must be Number, not {type(fill_value).__name__}")
    if dtype is None:
        dtype = _infer_dtype(numpy.asarray(fill_value)).dtype
    return _leaf(numpy.full(_size((size,)), fill_value, dtype=dtypes.to_numpy(dtype)), requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    values = (start, end, step)
    if dtype is None:
        ints = all(isinstance(v, numbers.Integral) for v in values)
        dtype = numpy.int64 if ints else _float_or(None)
    return _leaf(numpy.arange(start, end, step, dtype=dtypes.to_numpy(dtype)), requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    return _leaf(numpy.linspace(start, end, steps, dtype=_float_or(dtype)), requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    check_int_argument("eye", "n", 1, n)
    if m is not None:
        check_int_argument("eye", "m", 2, m)
    return _leaf(numpy.eye(n, m, dtype=_float_or(dtype)), requires_grad)


def rand(*size, dtype=None, device=None, requires_grad=False):
    values = _generator[0].random(_size(size))
    return _leaf(values.astype(_float_or(dtype), copy=False), requires_grad)


def randn(*size, dtype=None, device=None, requires_grad=False):
    values = _generator[0].standard_normal(_size(size))
    return _leaf(values.astype(_float_or(dtype), copy=False), requires_grad)


def randint(low, high=None, size=None, dtype=None, device=None, requires_grad=False):
    if high is None:
        low, high = 0, low
    values = _generator[0].integers(low, high, _size((size,)))
    return _leaf(values.astype(dtypes.to_numpy(dtype) or numpy.int64, copy=False), requires_grad)


def manual_seed(seed):
    """Seed the generator of ``rand``/``randn``/``randint`` (NumPy's, not PyTorch's numbers)."""
    _generator[0] = numpy.random.default_rng(seed)


def _like(x, dtype, name):
    check_tensor_argument(name, "input", 1, x)
    data = x._data if isinstance(x, TensorBase) else numpy.asarray(x)
    return data.shape, (data.dtype if dtype is None else dtypes.to_numpy(dtype))


def zeros_like(input, dtype=None, device=None, requires_grad=False):
    shape, dtype = _like(input, dtype, "zeros_like")
    return _leaf(numpy.zeros(shape, dtype), requires_grad)


def ones_like(input, dtype=None, device=None, requires_grad=False):
    shape, dtype = _like(input, dtype, "ones_like")
    return _leaf(numpy.ones(shape, dtype), requires_grad)


empty_like = zeros_like


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):
    shape, dtype = _like(input, dtype, "full_like")
    return _leaf(numpy.full(shape, fill_value, dtype), requires_grad)


def rand_like(input, dtype=None, device=None, requires_grad=False):
    shape, dtype = _like(input, dtype, "rand_like")
    if dtype.kind != "f":
        raise RuntimeError(f'"check_uniform_bounds" not implemented for \'{dtypes.of(dtype).name}\'')
    return _leaf(_generator[0].random(shape).astype(dtype), requires_grad)


def randn_like(input, dtype=None, device=None, requires_grad=False):
    shape, dtype = _like(input, dtype, "randn_like")
    if dtype.kind != "f":
        raise RuntimeError(f'"normal_kernel_cpu" not implemented for \'{dtypes.of(dtype).name}\'')
    return _leaf(_generator[0].standard_normal(shape).astype(dtype), requires_grad)
