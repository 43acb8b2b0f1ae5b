"""The derivatives of building arrays from sequences and taking them apart: a list's
items spread from and gathered into an array (``spread``, ``gather``), the transposes of
``numpy.concatenate`` and ``numpy.stack``. Generated code finds them through
``astgrad.runtime``.
"""

import numpy

from .mapped import fitted_shape
from .duck import is_duck_array
from .adjoint_values import AdjointList, AdjointDict, zeros_like, _float_dtype, _like_dtype
from .own_code import _own_iteration, _refuse_object_iteration
from .broadcasting import _fit, broadcast_like
from .conversions import cast_like
from .core import originals

# the helpers call NumPy as astgrad found it (see runtime.py)
numpy = originals.snapshot(numpy)


# -- sequences --------------------------------------------------------------------------

def spread(g, xs):
    """``g`` given to every element of ``xs``: the adjoint of builtin ``sum(xs)``.

    For an array, the rows along axis 0; for a list or tuple, an AdjointList. A dict is
    summed over its keys, which carry no derivative: none reaches its values."""
    if isinstance(xs, dict):
        return AdjointDict()
    if isinstance(xs, (list, tuple)):
        return AdjointList(broadcast_like(g, item) for item in xs)
    _own_iteration(xs)
    shape = numpy.shape(xs)
    return numpy.broadcast_to(_fit(_like_dtype(g, xs), shape[1:]), shape)


def gather(h, g):
    """The elements of ``h`` added up and fitted to the shape of ``g``: the transpose
    of ``spread``; 0 for the tangent of a dict, summed over its keys."""
    if isinstance(h, dict):
        if getattr(h, "of_object", False):      # an object's (runtime_objects.AdjointObject)
            _refuse_object_iteration()
        return zeros_like(g)
    if isinstance(h, (list, tuple)):
        total = 0.0
        for item in h:
            total = total + _fit(item, numpy.shape(g))
        return _real_part_for(_fit(_like_dtype(total, g), numpy.shape(g)), g)
    return _real_part_for(_fit(numpy.sum(h, axis=0), numpy.shape(g)), g)


def _real_part_for(out, g):
    """``out``'s real part where ``g`` is real and ``out`` complex (math.fsum of complex
    NumPy numbers keeps their real parts), else ``out``."""
    if type(out) is not float and numpy.iscomplexobj(out) and not numpy.iscomplexobj(g):
        return numpy.real(out)
    return out


def unconcatenate(g, arrays, axis=0):
    """The derivative of ``numpy.concatenate(arrays, axis)`` cut into the pieces."""
    if axis is None:
        sizes = [int(numpy.size(a)) for a in arrays]
        pieces = numpy.split(numpy.ravel(g), numpy.cumsum(sizes)[:-1])
        return _pieces_adjoint([cast_like(numpy.reshape(p, numpy.shape(a)), a) for p, a in zip(pieces, arrays)],
                               arrays)
    sizes = [numpy.shape(a)[axis] for a in arrays]
    if is_duck_array(g):            # Dask has no split: cut with slices, lazily
        ends = numpy.cumsum([0] + sizes).tolist()
        pieces = [g[(slice(None),) * (axis % g.ndim) + (slice(start, end),)]
                  for start, end in zip(ends, ends[1:])]
    else:
        pieces = numpy.split(g, numpy.cumsum(sizes)[:-1], axis=axis)
    return _pieces_adjoint([cast_like(p, a) for p, a in zip(pieces, arrays)], arrays)


def unstack(g, arrays, axis=0):
    """The derivative of ``numpy.stack(arrays, axis)`` split back into the arrays."""
    moved = numpy.moveaxis(g, axis, 0)
    return _pieces_adjoint([cast_like(moved[i], a) for i, a in enumerate(arrays)], arrays)


def stack_fitted(arrays):
    """``numpy.stack(arrays)`` with each array broadcast to the first one's shape, as
    numpy.apply_along_axis stores its function's results (a later result may drop or
    add axes of length 1, or broadcast). Linear; its transpose is ``unstack_fitted``."""
    shape = numpy.shape(arrays[0])
    if all(numpy.shape(a) == shape for a in arrays):
        return numpy.stack(arrays)
    return numpy.stack([numpy.broadcast_to(numpy.reshape(a, fitted_shape(a, shape)), shape) for a in arrays])


def unstack_fitted(g, arrays):
    """The adjoint of ``stack_fitted(arrays)``: each row of ``g`` summed over the axes its
    array was broadcast along, shaped like that array."""
    g = numpy.asarray(g)
    if all(numpy.shape(a) == g.shape[1:] for a in arrays):
        return unstack(g, arrays)
    pieces = []
    for row, a in zip(g, arrays):
        fitted = fitted_shape(a, row.shape)
        lead = row.ndim - len(fitted)
        spread = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(fitted) if n != row.shape[lead + i])
        pieces.append(cast_like(numpy.reshape(numpy.sum(row, axis=spread, keepdims=True), numpy.shape(a)), a))
    return AdjointList(pieces)


def _pieces_adjoint(pieces, arrays):
    """The derivatives of the pieces of ``arrays``: a list of them, or for one array given
    as the sequence of its rows (``numpy.stack(x)``), an array shaped like it."""
    if not isinstance(arrays, numpy.ndarray):
        return AdjointList(pieces)
    if not pieces:
        return numpy.zeros(arrays.shape, dtype=_float_dtype(arrays) or numpy.float64)
    return cast_like(numpy.stack(pieces), arrays)
