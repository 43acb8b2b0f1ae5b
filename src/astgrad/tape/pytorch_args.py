"""PyTorch's method arguments for the tensor methods.

A method with a PyTorch name takes PyTorch's arguments (dim, keepdim, ...), so code
written for torch computes the same thing here; NumPy's spellings axis= and keepdims=
are accepted as aliases, as PyTorch does. ``pytorch_signature`` gives such a method
ndarray's meaning instead while generated code runs on tensors (``numpy_methods``).
"""

import operator

import numpy

from .mode import grad_mode
from .record import apply
from .size import check_dim
from .torch_errors import check_dim_type

__all__ = ["pytorch_signature", "dim_args", "ddof_of", "sizes_of", "numpy_options"]


# -- PyTorch or NumPy meaning ---------------------------------------------------------------

def pytorch_signature(name):
    """A tensor method with PyTorch's arguments; under ``numpy_methods()``, ndarray's
    method ``name`` instead."""
    def decorate(method):
        def dispatch(self, *args, **kwargs):
            if grad_mode.numpy_methods:
                return _as_ndarray_method(self, name, args, kwargs)
            return method(self, *args, **kwargs)
        dispatch.__name__, dispatch.__qualname__, dispatch.__doc__ = \
            method.__name__, method.__qualname__, method.__doc__
        return dispatch
    return decorate


def _as_ndarray_method(x, name, args, kwargs):
    """``x.name(*args, **kwargs)`` as ndarray computes it, recorded."""
    if name == "transpose":
        axes = args[0] if len(args) == 1 and (args[0] is None or isinstance(args[0], (tuple, list))) else args
        return apply(numpy.transpose, (x, tuple(axes)) if axes else (x,))
    function = numpy.ravel if name == "flatten" else getattr(numpy, name)
    return apply(function, (x,) + args, kwargs)


# -- PyTorch's method arguments -------------------------------------------------------------

def dim_args(name, dim, keepdim, axis, keepdims, ndim=None, *, empty_is_all=True):
    """PyTorch's ``(dim, keepdim)``, also spelled ``axis=``/``keepdims=`` as in NumPy. A
    tensor of ``ndim`` 0 has, in PyTorch, the dimension 0 (or -1): reducing along it is
    reducing all (``dim`` None), which NumPy does not always accept. So is reducing along
    no dimensions (``dim=()`` or ``[]``), where NumPy reduces nothing, unless not
    ``empty_is_all`` (``squeeze(())`` squeezes nothing, in both)."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{name}() got both dim and axis; they are the same argument")
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    if not isinstance(keepdim, (bool, numpy.bool_)):
        raise TypeError(f"{name}(dim, keepdim): keepdim must be a bool, not {keepdim!r} (the tensor "
                        f"methods take PyTorch's arguments; pass NumPy's dtype as dtype=)")
    dim = tuple(dim) if isinstance(dim, list) else dim
    if isinstance(dim, tuple) and not dim and empty_is_all:
        dim = None
    check_dim_type(name, dim)
    if isinstance(dim, tuple) and ndim:
        seen = set()
        for d in dim:
            if -ndim <= d < ndim and d % ndim in seen:
                raise RuntimeError(f"dim {d % ndim} appears multiple times in the list of dims")
            seen.add(d % ndim)
    if ndim == 0 and dim is not None:
        for d in dim if isinstance(dim, tuple) else (dim,):
            check_dim(d, 0)
        dim = None
    return dim, bool(keepdim)


def ddof_of(unbiased, correction, ddof):
    """The ddof of PyTorch's var/std: 1 (unbiased) unless told otherwise."""
    given = [v for v in (unbiased, correction, ddof) if v is not None]
    if len(given) > 1:
        raise TypeError("give only one of unbiased, correction and ddof")
    if unbiased is not None:
        return 1 if unbiased else 0
    return given[0] if given else 1


def sizes_of(sizes):
    """``f(2, 3)`` and ``f((2, 3))`` alike, as PyTorch's reshape/permute/expand/repeat."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = sizes[0]
    return tuple(operator.index(s) for s in sizes)


def numpy_options(**options):
    """Keyword arguments that differ from the NumPy defaults (so the recorded call reads
    ``numpy.sum(x0)`` rather than ``numpy.sum(x0, axis=None, ...)``)."""
    return {k: v for k, v in options.items() if v is not None and v is not False
            and not (k == "ddof" and v == 0)}
