"""NumPy calls that write into a tensor: ``numpy.<ufunc>(..., out=t)``, ``numpy.add.at(t,
...)``, ``numpy.copyto(t, ...)`` and the ``out=`` of other NumPy functions.

Each becomes an in-place update of ``t`` through inplace.update, the path of the tensor's
own in-place methods: the result is computed (and recorded) as without ``out=``, then
written into ``t`` as ``t.copy_(result)`` writes it. So ``t``'s version is bumped, its views
and the tensor it views see the new values, a leaf that requires grad is refused while
gradient mode is on, and the update is recorded when something taking part requires grad.
A write into a NumPy array of a result that requires grad would drop its derivative: it
raises instead.
"""

import numpy

from ..runtime import unindex
from .graph import NoRuleError
from .inplace import replaced, update
from .record import TensorBase, apply, needs_recording, raw

__all__ = ["ufunc_into", "ufunc_at", "copy_into", "function_into"]


def _write(out, result, where=True, casting="same_kind"):
    """Write ``result`` (a tensor or an array) into ``out`` (a tensor or an array)."""
    if not isinstance(out, TensorBase):
        if isinstance(result, TensorBase) and result._rg and needs_recording((result,)):
            raise RuntimeError("writing a tensor that requires grad into a NumPy array (out=, "
                               "numpy.copyto) would drop its derivative; leave out= away and use "
                               "the returned tensor")
        numpy.copyto(out, raw(result), casting=casting, where=raw(where))
        return out
    return _into(out, lambda old: result, where, casting)


def _into(out, compute, where, casting):
    """Update tensor ``out`` in place to ``compute(old)`` (where ``where``), as
    ``out.copy_(...)``; ``compute`` reads ``old`` where an input is ``out`` itself."""
    mask = None if where is True else numpy.broadcast_to(numpy.asarray(raw(where), dtype=bool),
                                                           out._data.shape)

    def new_value(old):
        result = compute(old)
        if mask is not None:
            return apply(numpy.where, (mask, _like(result, old), old))
        if isinstance(result, TensorBase) and result._node is not None:
            return _like(result, old)
        return replaced(old, result)
    return update(out, new_value, cast=casting == "unsafe")


def _like(result, old):
    """``result`` broadcast to ``old``'s shape (recorded when it requires grad)."""
    shape = old._data.shape
    if isinstance(result, TensorBase):
        return result if result._data.shape == shape else apply(numpy.broadcast_to, (result, shape))
    return numpy.broadcast_to(numpy.asarray(result), shape)


def ufunc_into(call, ufunc, inputs, kwargs):
    """``ufunc(*inputs, out=..., **kwargs)``: ``call(ufunc, inputs, kwargs)`` computes the
    result without ``out=``, which is then written into each output."""
    kwargs = dict(kwargs)
    outs = kwargs.pop("out")
    where = kwargs.pop("where", True)
    casting = kwargs.get("casting", "same_kind")
    listed = outs if isinstance(outs, tuple) else (outs,)
    if len(listed) == 1 and isinstance(listed[0], TensorBase):
        out = listed[0]         # numpy.add(t, u, out=t) is t += u: the update reads t's old value
        _into(out, lambda old: call(ufunc, tuple(old if x is out else x for x in inputs), kwargs),
              where, casting)
        return out
    results = call(ufunc, inputs, kwargs)
    results = results if isinstance(results, tuple) else (results,)
    for out, result in zip(listed, results):
        if out is not None:
            _write(out, result, where, casting)
    return listed[0] if len(listed) == 1 else listed


def ufunc_at(ufunc, target, index, values=None):
    """``numpy.<ufunc>.at(target, index[, values])`` with a tensor ``target``: an in-place
    update (recorded for ``add`` and ``subtract``, whose repeated indices add up)."""
    index = raw(index)
    args = () if values is None else (values,)
    if not needs_recording((target,) + args):
        def plain(old):
            data = old._data.copy()
            ufunc.at(data, index, *raw(args))
            return data
        return update(target, plain)
    if ufunc not in (numpy.add, numpy.subtract):
        raise NoRuleError(f"numpy.{ufunc.__name__}.at has no derivative rule in astgrad; it cannot "
                          "be recorded on a tensor that requires grad")

    def recorded(old):
        part = numpy.shape(old._data[index])
        placed = apply(unindex, (_part(values, part), numpy.zeros_like(old._data), index))
        return old + placed if ufunc is numpy.add else old - placed
    return update(target, recorded, rows=index)


def _part(values, shape):
    if isinstance(values, TensorBase):
        return values if values._data.shape == shape else apply(numpy.broadcast_to, (values, shape))
    return numpy.broadcast_to(numpy.asarray(values, dtype=float), shape)


def copy_into(dst, src, casting="same_kind", where=True):
    """``numpy.copyto(dst, src)``: ``dst.copy_(src)`` for a tensor ``dst``."""
    _write(dst, src, where, casting)


def function_into(call, func, args, kwargs):
    """A NumPy function called with ``out=``: computed without it, then written into it."""
    kwargs = dict(kwargs)
    out = kwargs.pop("out")
    result = call(func, args, kwargs)
    if isinstance(out, tuple):
        for o, r in zip(out, result):
            _write(o, r)
        return out
    _write(out, result)
    return out
