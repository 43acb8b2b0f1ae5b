"""Tensors that share another's values: ``detach()`` (the values and the version
counter), ``.data`` (the values, with a version of its own), both remembering the tensor
whose array they share (``alias_of``), ``retain_grad``, and
the checks PyTorch makes when a tensor is made from nested lists."""

import weakref

import numpy

from .graph import exposed, is_exposed
from .record import TensorBase, make_tensor
from .versions import extra

__all__ = ["detached", "data_view", "expose", "retain", "retained", "new_array"]

_retained = weakref.WeakSet()


def _share(tensor):
    extra(tensor)["shared"] = True


def expose(tensor):
    """``tensor``, whose array is reachable from outside the tape (``from_numpy``,
    ``as_tensor``), where it may be written without the tape knowing, and which the
    tensor's in-place updates must write into (as PyTorch's do), not replace."""
    exposed(tensor._data)
    _share(tensor)
    return tensor


def detached(tensor):
    """The tensor's values as a leaf without history, sharing values and versions."""
    d = _alias(tensor, "detach")
    d._vc = tensor._vc
    return d


def data_view(tensor):
    """``tensor.data``: the values shared, the version counter not."""
    return _alias(tensor, "data")


def _alias(tensor, how):
    """A tensor without history sharing ``tensor``'s array; a write through it
    refreshes ``tensor``'s views (inplace.py)."""
    x = tensor._x
    if x and "view_of" in x and tensor._data.base is not None:
        tensor._data = tensor._data.copy()  # a view's own array, which updates write into
    elif not tensor._rg and not (x and x.get("shared")) and not is_exposed(tensor._data):
        # a constant shared for the first time: writes through the alias go into its array,
        # so the recordings that took the old array as a constant keep that one
        tensor._data = tensor._data.copy()
    d = make_tensor(tensor._data, None, False)
    _share(tensor)
    _share(d)
    extra(d)["alias_of"] = (tensor, how)
    aliases = extra(tensor).setdefault("aliases", [])     # whose views an update refreshes
    if len(aliases) >= 8:
        aliases[:] = [a for a in aliases if a() is not None]
    aliases.append(weakref.ref(d))
    return d


def retain(tensor):
    if not tensor._rg:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    if tensor._node is not None and not extra(tensor).get("retain"):
        extra(tensor)["retain"] = True
        _retained.add(tensor)       # once: a second add would compare tensors (elementwise ==)


def retained():
    """The non-leaf tensors whose gradients ``backward()`` keeps."""
    return list(_retained) if len(_retained) else []


def new_array(data, dtype):
    """The array ``astgrad.tensor(data)`` holds (a copy), with PyTorch's error for
    ragged nested lists."""
    if isinstance(data, TensorBase):
        data = data._data
    try:
        return numpy.array(data, dtype=dtype)
    except ValueError:
        if isinstance(data, (list, tuple)):
            _check_ragged(data, 0)
        raise


def _check_ragged(data, dim):
    lengths = [len(v) if isinstance(v, (list, tuple)) else None for v in data]
    first = lengths[0] if lengths else None
    for n in lengths:
        if n != first:
            raise ValueError(f"expected sequence of length {first} at dim {dim + 1} (got {n})")
    for v in data:
        if isinstance(v, (list, tuple)):
            _check_ragged(v, dim + 1)
