"""In-place tensor updates with PyTorch's rules: ``add_``, ``sub_``, ``mul_``,
``div_``, ``zero_``, ``fill_``, ``clamp_``, ``copy_``, ``+=`` and friends, ``t[i] = v``.

- On a leaf that requires grad, while gradient mode is on: PyTorch's RuntimeError.
- On any other tensor the update is recorded when a tensor taking part requires grad:
  the tensor takes the new value and the node that computes it (``AddBackward0``,
  ``CopySlices``, ...), and a tensor that did not require grad starts to. A non-leaf
  updated under ``no_grad`` keeps its history: its node becomes the old one plus a
  constant, as PyTorch's backward uses the old ``grad_fn``.
- Every update bumps the version, which a tensor shares with its views and the
  tensors ``detach()`` made from it; the old value of a tensor in a graph is kept for
  the nodes that used it (versions.py), which refuse a backward pass as PyTorch does
  where PyTorch saved it.
- An update of a view (``x[0]``, ``x.T``, ``x.view(-1)``, ...) writes through into
  the tensor it views, as PyTorch's does (views.py).
- The new values are written into the tensor's array when the array is shared
  (``detach()``, ``.data``, ``numpy()``), so the sharers see them; otherwise the
  tensor gets a fresh array, so constants that recordings captured never change.
"""

import contextlib
import operator

import numpy

from . import dtypes
from .clamp_overloads import parsed_bounds
from .conventions import clamp
from .grad_fn import index_name, node_name, relabeled
from .graph import written
from .mode import enable_grad, grad_mode, no_grad
from .operands import LEFT_TO_PYTHON
from .quiet import quiet_call
from .record import TensorBase, apply, binary, make_tensor, raw
from .torch_errors import check_bounds, translated
from .torch_kinds import check_alpha, check_bool_subtraction, check_copyable
from .torch_arguments import check_tensor_argument
from ..runtime import unindex
from .versions import data_written, extra, keep_leaf, snapshot, torch_type_name
from .views import base_of, check_overlap, refresh, refresh_aliases, same_value_write, write_through

__all__ = ["InPlaceMethods", "check_index_put_dtypes", "overlap_checked", "update", "written_at"]

_LEAF = "a leaf Variable that requires grad is being used in an in-place operation."


_MULTI_VIEW = (" is a view and is being modified inplace. This view is the output of a function that "
               "returns multiple views. Such functions do not allow the output views to be modified "
               "inplace. You should replace the inplace operation by an out-of-place one.")


def _shape_text(shape):
    return "[" + ", ".join(str(n) for n in shape) + "]"


def _store(tensor, value):
    """Write ``value`` (already checked) as the tensor's new contents."""
    written()
    data = tensor._data
    shared = tensor._x and tensor._x.get("shared") and data.flags.writeable
    if tensor._rg and tensor._node is None:
        keep_leaf(tensor, data.copy() if shared else data)
    elif shared and "alias_of" in tensor._x:
        origin, how = tensor._x["alias_of"]
        if how == "detach" and origin._rg and origin._node is None and origin._data is data:
            keep_leaf(origin, data.copy())      # a recorded write through detach() into a leaf
    if shared:
        numpy.copyto(data, value, casting="unsafe")
    elif type(value) is numpy.ndarray and value.dtype == data.dtype and value.flags.writeable \
            and value.base is None and value is not data:
        tensor._data = value            # a fresh array of the right type: no copy needed
    else:
        tensor._data = numpy.array(value, dtype=data.dtype)


def _checked(tensor, value, cast=False):
    data = tensor._data
    value = numpy.asarray(value)
    if not cast and value.dtype != data.dtype and not numpy.can_cast(value.dtype, data.dtype, "same_kind"):
        raise RuntimeError(f"result type {torch_type_name(value.dtype)} can't be cast to the desired "
                           f"output type {torch_type_name(data.dtype)}")
    if value.shape != data.shape:
        try:
            value = numpy.broadcast_to(value, data.shape)
        except ValueError:
            raise RuntimeError(f"output with shape {_shape_text(data.shape)} doesn't match the "
                               f"broadcast shape {_shape_text(numpy.broadcast_shapes(value.shape, data.shape))}") from None
    return value


def _through_alias(tensor, value, node):
    """A write of ``value`` into ``tensor``, made by ``detach()`` or ``.data``, whose
    array it shares with the tensor it was made from: True where done here. Through
    ``detach()``, an unrecorded write is that tensor's update under ``no_grad`` (one
    version bump, its views and the tensor it views see it, its history is kept);
    through ``.data`` the array is written and the views see it (no version bump)."""
    origin, how = tensor._x["alias_of"]
    if origin._data is not tensor._data:
        return False            # ``origin.data = ...`` gave it another array since
    if how == "data" and origin._rg and origin._node is None:
        data_written(origin)    # the graph keeps the leaf's old value, as PyTorch's does
    if how == "detach" and node is None:
        with no_grad():     # ``value`` was checked against the alias, of the origin's dtype
            update(origin, lambda old: value, cast=True)
        return True
    if how == "data" and origin._node is not None and node is None and base_of(origin) is None:
        # the replay would compute the old values again where PyTorch's nodes read the new
        # ones (and some the old): a gradient through a node that used it raises (versions.py)
        extra(origin)["data_written"] = True
        return False
    if base_of(origin) is not None or origin._node is not None:
        what = "a view" if base_of(origin) is not None else "a tensor that has a grad_fn"
        raise RuntimeError(f"astgrad's tape cannot record this update of {what} through its "
                           f"{'.data' if how == 'data' else 'detach()'}: update the tensor itself")
    return False


def _refused(tensor, view=False):
    """PyTorch's refusals of an in-place update while gradient mode is on (they come
    before its check of overlapping memory)."""
    if grad_mode.enabled and tensor._rg:
        if tensor._x and "multi_view" in tensor._x:
            raise RuntimeError(tensor._x["multi_view"] + _MULTI_VIEW)
        if tensor._node is None:
            raise RuntimeError(("a view of " + _LEAF) if view else _LEAF)
        if _views_detached(tensor) or _views_leaf(tensor):
            raise RuntimeError("a view of " + _LEAF)       # as PyTorch's, whose base is a leaf now


def _views_leaf(tensor):
    """Whether ``tensor`` (which requires grad) is a view of a leaf: of one that requires
    grad, or did when the view was made (``detach_()`` since leaves the view's flag, as
    PyTorch's). PyTorch refuses its update before looking at what the update reads."""
    base = base_of(tensor)
    while base is not None and base_of(base) is not None:
        base = base_of(base)
    return base is not None and base._node is None


def _views_detached(tensor):
    """Whether ``tensor`` is a view (made before) of a tensor detached in place since."""
    base = base_of(tensor)
    while base is not None:
        if base._x and "detached" in base._x:
            return True
        base = base_of(base)
    return False


def overlap_checked(tensor, other, index=None):
    _refused(tensor, index is not None)
    check_overlap(tensor, other, index)


def update(tensor, compute, label=None, view=False, cast=False, rows=None):
    """Replace the tensor's value by ``compute(old)``, a tensor computed (and recorded)
    from the old value; returns the tensor. ``rows``: the index written (``t[i] = v``),
    if not all of it."""
    _refused(tensor, view)
    old = tensor
    if not tensor._rg:          # a constant: the recording captures a copy, not the array we change
        old = make_tensor(tensor._data.copy(), None, False)
    new = compute(old)
    value = _checked(tensor, new._data if isinstance(new, TensorBase) else new, cast)
    node = new._node if isinstance(new, TensorBase) else None
    _refuse_no_grad_view(tensor, node, rows)
    alias = tensor._x is not None and "alias_of" in tensor._x
    if alias and _through_alias(tensor, value, node):
        return tensor
    # the old value of a non-leaf, for the nodes that used it (a leaf's is not kept:
    # a graph that used it refuses to differentiate, as PyTorch's does where it saved it)
    ghost = snapshot(tensor) if tensor._node is not None else None
    recorded = node is not None
    if node is None and ghost is not None and base_of(tensor) is None:
        node = _offset(tensor, value)       # keeps the old node's name, as PyTorch's grad_fn
    if base_of(tensor) is not None:
        if ghost is not None and node is not None:
            extra(ghost)["update"] = node
        write_through(tensor, new if node is not None else value, update, written_at)
        return tensor
    _store(tensor, value)
    tensor._version += 1
    if node is not None:
        if label is not None and recorded:
            node = relabeled(node, label)
        if ghost is not None:
            extra(ghost)["update"] = node       # PyTorch keeps what this update needs
        node.made_at = tensor._version
        tensor._node = node
        tensor._rg = True
    refresh(tensor, rows)
    if alias and tensor._data is tensor._x["alias_of"][0]._data:
        origin, how = tensor._x["alias_of"]
        refresh(origin, bumped=how == "detach")     # its views see the shared array's values
        refresh_aliases(origin, skip=tensor)
    else:
        refresh_aliases(tensor)
    return tensor


_NO_GRAD_VIEW = (" created in no_grad mode and is being modified inplace with grad mode enabled. Given that "
                 "this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by "
                 "moving both the view and the inplace either both inside the no_grad block (if you don't "
                 "want the inplace to be tracked) or both outside (if you want the inplace to be tracked).")


def _refuse_no_grad_view(view, node, index=None):
    """PyTorch's refusal of an update, with grad mode on, of a view made under ``no_grad``
    (or of a view of one) where the update is recorded or the viewed tensor requires
    grad: whether the update should reach that tensor's history is ambiguous. PyTorch
    names the view the update is made through: ``v[0] = 1`` writes through ``v[0]``."""
    if not (view._x and "no_grad_view" in view._x and grad_mode.enabled):
        return
    root = view
    while base_of(root) is not None:
        root = base_of(root)
    if node is None and not root._rg:
        return
    name = index_name(index) if index is not None else None
    if name not in ("SliceBackward0", "SelectBackward0"):
        if view._x["no_grad_view"] == "made":
            raise RuntimeError("A view was" + _NO_GRAD_VIEW)
        _, op, template, _ = view._x["view_of"]
        name = index_name(template[1]) if op is operator.getitem else op.__name__.capitalize()
    raise RuntimeError(f"Output 0 of {name.removesuffix('Backward0')} is a view of a view which was"
                       + _NO_GRAD_VIEW)


def _offset(tensor, value):
    """The node of a non-leaf whose value changes without a recording (under
    ``no_grad``): its old value plus a constant, so gradients flow through its old node
    as PyTorch's, which keeps the tensor's ``grad_fn``, do (and under that name)."""
    delta = numpy.asarray(value, dtype=tensor._data.dtype) - tensor._data
    with enable_grad():
        shifted = binary(operator.add, tensor, delta)
    node = shifted._node
    return relabeled(node, node_name(tensor._node))


def _plain(tensor, op, other):
    """An arithmetic update that nothing records (an optimizer step under ``no_grad``)."""
    _refuse_no_grad_view(tensor, None)
    operand = other._data if isinstance(other, TensorBase) else other
    data = tensor._data
    if data.dtype.kind in "biu" or type(operand) is numpy.ndarray and operand.dtype.kind in "biu":
        data, operand = dtypes.promoted_arrays(data, operand, op is operator.truediv)     # PyTorch's result type
    try:
        value = quiet_call(op, data, operand)
    except (ValueError, TypeError) as error:
        torch_error = translated(error, op, (data, operand))
        if torch_error is None:
            raise
        raise torch_error from None
    if type(value) is not numpy.ndarray or value.dtype != tensor._data.dtype or value.shape != tensor._data.shape:
        value = _checked(tensor, value)
    if base_of(tensor) is not None:
        write_through(tensor, value, update, written_at)
        return tensor
    if tensor._node is not None or (tensor._x is not None and "alias_of" in tensor._x):
        return update(tensor, lambda old: value)
    _store(tensor, value)
    tensor._vc[0] += 1
    refresh(tensor)
    refresh_aliases(tensor)
    return tensor


def _quiet(tensor, other):
    """Whether an update of ``tensor`` by ``other`` records nothing (and needs no checks)."""
    return not grad_mode.enabled or not (tensor._rg or (isinstance(other, TensorBase) and other._rg))


def _scaled(other, alpha):
    return other if alpha == 1 else other * alpha


class InPlaceMethods:
    """PyTorch's in-place methods and operators."""

    __slots__ = ()

    def add_(self, other, *, alpha=1):
        check_tensor_argument("add_", "other", 1, other, number=True)
        _refused(self)                  # PyTorch's autograd refuses before its kernel's checks
        overlap_checked(self, other)
        check_alpha(self, other, alpha, "add_")
        if alpha == 1 and _quiet(self, other):
            return _plain(self, operator.add, other)
        return update(self, lambda old: old + _scaled(other, alpha))

    def sub_(self, other, *, alpha=1):
        check_tensor_argument("sub_", "other", 1, other, number=True)
        _refused(self)                  # PyTorch's autograd refuses before its kernel's checks
        check_bool_subtraction(self, other)
        overlap_checked(self, other)    # PyTorch's kernel: bools, then memory, then alpha
        check_alpha(self, other, alpha, "sub_")
        if alpha == 1 and _quiet(self, other):
            return _plain(self, operator.sub, other)
        return update(self, lambda old: old - _scaled(other, alpha))

    def mul_(self, other):
        check_tensor_argument("mul_", "other", 1, other, number=True)
        overlap_checked(self, other)
        if _quiet(self, other):
            return _plain(self, operator.mul, other)
        return update(self, lambda old: old * other)

    def div_(self, other, *, rounding_mode=None):
        check_tensor_argument("div_", "other", 1, other, number=True)
        overlap_checked(self, other)
        if rounding_mode is not None:
            return update(self, lambda old: old.div(other, rounding_mode=rounding_mode), "DivBackward2")
        return update(self, lambda old: old / other)

    def zero_(self):
        with same_value_write():
            # a zero of the tensor's dtype: an int 0 cannot be cast to a bool tensor
            return update(self, lambda old: replaced(old, old._data.dtype.type(0)), "ZeroBackward0")

    def fill_(self, value):
        if numpy.ndim(raw(value)) and isinstance(value, (TensorBase, numpy.ndarray)):
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{numpy.ndim(raw(value))} dimensions.")
        check_tensor_argument("fill_", "value", 1, value, number=True)
        if isinstance(value, TensorBase):       # fill_.Tensor: PyTorch refuses it into an expand
            return update(self, lambda old: replaced(old, value), "FillBackward3", cast=True)
        with same_value_write():
            return update(self, lambda old: replaced(old, value), "FillBackward2", cast=True)

    @parsed_bounds("clamp_")
    def clamp_(self, min=None, max=None):
        check_bounds("clamp_", min, max)
        return update(self, lambda old: apply(clamp, (old, min, max)))

    @parsed_bounds("clip_")
    def clip_(self, min=None, max=None):
        return InPlaceMethods.clamp_.__wrapped__(self, min, max)

    def copy_(self, src, non_blocking=False):
        check_tensor_argument("copy_", "other", 1, src)
        check_copyable(self._data.shape, numpy.shape(raw(src)))
        overlap_checked(self, src)
        with _unrecorded_if_integral(self):
            return update(self, lambda old: replaced(old, src), "CopyBackwards", cast=True)

    def __iadd__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented       # PyTorch's: Python then tries t = t + other
        if grad_mode.numpy_methods and _recorded(self, other):
            # generated code run on tensors: its one ``+=`` adds to an adjoint that nothing
            # else refers to (backend/accumulate.py), so the name may take the recorded sum
            return self + other
        return self.add_(other)

    def __isub__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return self.sub_(other)

    def __imul__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return self.mul_(other)

    def __itruediv__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return self.div_(other)

    # %=, //= and **= update in place too, as PyTorch's (remainder_, floor_divide_, pow_)
    def __imod__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return self.remainder_(other)

    def __ifloordiv__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return self.floor_divide_(other)

    def __ipow__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return self.pow_(other)

    def __setitem__(self, index, value):
        if value is None or isinstance(value, (str, bytes)):     # NumPy would write NaN or parse the text
            raise TypeError(f"can't assign a {type(value).__name__} to a "
                            f"astgrad.{torch_type_name(self._data.dtype)}Tensor")
        index = raw(index)
        if any(_integer_positions(part) for part in (index if isinstance(index, tuple) else (index,))):
            check_index_put_dtypes(self, value)     # PyTorch's index_put, which casts nothing
        value = _fitted(value, self._data, index)
        try:
            if isinstance(value, TensorBase) and value._data.size == 1:
                _refused(self, True)        # one element: PyTorch fills, reading it once
            else:
                overlap_checked(self, value, index)
        except RuntimeError:
            _check_index(self, index)       # PyTorch indexes first: its IndexError comes before
            raise
        with _unrecorded_if_integral(self):
            update(self, lambda old: written_at(old, index, value), _write_name(index, self._data.shape), view=True, rows=index)


def _check_index(tensor, index):
    """PyTorch's IndexError where ``index`` does not fit the tensor (NumPy's words translated)."""
    try:
        tensor._data[index]
    except IndexError as error:
        raise (translated(error, operator.getitem, (tensor._data, index)) or error) from None


def _write_name(index, shape):
    """PyTorch's node for ``t[index] = v``: ``IndexPutBackward0`` where the index picks by
    lists, integer or bool tensors and every other part is ``...`` or a slice PyTorch
    skips (``:``, ``0:n`` over all n elements, step 1), as its index_put of the tensor
    itself; ``CopySlices`` where an integer, None or another slice first makes a view
    that the write goes into."""
    items = index if type(index) is tuple else (index,)
    picked = False
    dim = 0
    for position, item in enumerate(items):
        if item is Ellipsis:
            dim = len(shape) - sum(_dims_taken(rest) for rest in items[position + 1:])
            continue
        if isinstance(item, list) or (isinstance(item, numpy.ndarray) and item.ndim > 0):
            picked = True
        elif not (type(item) is slice and item.start in (None, 0) and item.step in (None, 1)
                  and (item.stop is None or (dim < len(shape) and item.stop >= shape[dim]))):
            return "CopySlices"
        dim += _dims_taken(item)
    return "IndexPutBackward0" if picked else "CopySlices"


def _dims_taken(item):
    """How many of the tensor's dimensions an index item consumes."""
    if item is None or item is Ellipsis:
        return 0
    if isinstance(item, numpy.ndarray) and item.dtype == bool:
        return item.ndim
    return 1


def _integer_positions(index):
    """Whether ``index`` (a part of an index) picks elements by integer positions (a
    list or an integer array of them), where PyTorch's write is ``index_put``."""
    if isinstance(index, list):
        index = numpy.asarray(index)
    return isinstance(index, numpy.ndarray) and index.ndim > 0 and index.dtype.kind in "iu"


def check_index_put_dtypes(tensor, values):
    """PyTorch's error for ``index_put`` (``x[idx] = v`` with integer positions) given a
    tensor of another dtype: it casts nothing there."""
    if isinstance(values, TensorBase) and values._data.dtype != tensor._data.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{torch_type_name(tensor._data.dtype)} for the destination and "
                           f"{torch_type_name(values._data.dtype)} for the source.")


def _unrecorded_if_integral(tensor):
    """Where a copy into ``tensor`` is recorded: not into an integer or bool tensor,
    which holds no gradient (PyTorch's ``copy_`` and ``x[i] = v`` truncate, untracked)."""
    return no_grad() if tensor._data.dtype.kind in "iub" else contextlib.nullcontext()


def _fitted(value, data, index):
    """``value`` as PyTorch writes it into ``data[index]``: without the leading dimensions
    of length 1 that the target lacks (``x[0] = t`` with ``t`` of shape (1,), which NumPy 2
    refuses), else PyTorch's error where it does not broadcast to the target's shape."""
    shape = numpy.shape(raw(value))
    if not shape:
        return value
    target = numpy.shape(data[index])
    extra = len(shape) - len(target)
    if extra > 0 and all(n == 1 for n in shape[:extra]):
        shape = shape[extra:]
        value = value.reshape(shape) if isinstance(value, TensorBase) else numpy.reshape(value, shape)
    if len(shape) > len(target):
        kind = f"astgrad.{torch_type_name(numpy.asarray(raw(value)).dtype)}Tensor"
        raise RuntimeError(f"expand({kind}{{{list(shape)}}}, size={list(target)}): the number of sizes provided "
                           f"({len(target)}) must be greater or equal to the number of dimensions in the tensor "
                           f"({len(shape)})")
    for k in range(1, len(shape) + 1):
        if shape[-k] != 1 and shape[-k] != target[-k]:
            raise RuntimeError(f"The expanded size of the tensor ({target[-k]}) must match the existing size "
                               f"({shape[-k]}) at non-singleton dimension {len(target) - k}.  Target sizes: "
                               f"{list(target)}.  Tensor sizes: {list(shape)}")
    return value


def _recorded(tensor, other):
    """Whether ``tensor op other`` is recorded (grad mode on, a side that requires grad)."""
    return grad_mode.enabled and (tensor._rg or (isinstance(other, TensorBase) and other._rg))


def replaced(old, value):
    """``value`` (broadcast to old's shape) with a zero derivative flowing to ``old``."""
    shape = old._data.shape
    if isinstance(value, TensorBase) and value._data.shape != shape:
        value = apply(numpy.broadcast_to, (value, shape))
    if not (old._rg or (isinstance(value, TensorBase) and value._rg)) or not grad_mode.enabled:
        return numpy.broadcast_to(raw(value), shape)
    return apply(numpy.where, (numpy.zeros(shape, bool), old, value))


def _last_writes(value, shape, index):
    """``value`` with zeros where a later item of it is written to the same element
    (``x[[0, 0]] = v``: NumPy keeps ``v[1]``), so that adding it in at ``index`` places
    the value written last, and only that item gets a derivative."""
    items = numpy.arange(value._data.size).reshape(value._data.shape)
    landed = numpy.full(shape, -1)
    landed[index] = items
    kept = numpy.isin(items, landed)
    if kept.all():
        return value
    return apply(numpy.where, (kept, value, numpy.zeros((), value._data.dtype)))


def written_at(old, index, value):
    """``old`` with ``value`` written at ``index`` (``old[index] = value``)."""
    if not grad_mode.enabled or not (old._rg or (isinstance(value, TensorBase) and value._rg)):
        data = old._data.copy()
        data[index] = raw(value)
        return data
    mask = numpy.zeros(old._data.shape, bool)
    mask[index] = True
    if isinstance(value, TensorBase) and value._rg:
        part = numpy.shape(old._data[index])
        if value._data.shape != part:
            value = apply(numpy.broadcast_to, (value, part))
        value = _last_writes(value, old._data.shape, index)
        placed = apply(unindex, (value, numpy.zeros_like(old._data), index))
    else:
        placed = numpy.zeros_like(old._data)
        placed[index] = raw(value)
    return apply(numpy.where, (mask, placed, old))
