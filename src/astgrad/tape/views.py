"""Views on the tape, with PyTorch's semantics for their in-place updates.

A tensor made from another by indexing, ``.T``, ``reshape``/``view`` and the like
(NumPy gives a view) remembers which tensor it is a view of and how it was made
(record.py). An in-place update of such a view (``v += 1``, ``v.mul_(2)``,
``v[0] = 5``) writes through into that tensor, which the view keeps alive, as PyTorch's does
(``write_through``): the base's new value is its old one with the view's region
replaced (recorded, so gradients flow as in PyTorch). After any in-place update of a
tensor, its live views are their regions of its new value again (``refresh``), as
PyTorch's views, which share the memory, are. Views of views write through, and are
refreshed, in turn. A view's node, once its family changed, is made again from the
tensor it views as that is now (``current_node``), as PyTorch regenerates a view's
``grad_fn`` (``AsStridedBackward0``).
"""

import contextlib
import operator

import numpy

from .grad_fn import relabeled
from .mode import enable_grad, grad_mode, set_grad_enabled
from .record import VIEW_BASE as _BASE, TensorBase, apply, row_of
from .versions import snapshot

__all__ = ["base_of", "same_value_write", "write_through", "refresh", "refresh_aliases", "current_node", "check_overlap", "viewable",
           "contiguous"]

_PARTIAL = ("unsupported operation: some elements of the input tensor and the written-to tensor refer "
            "to a single memory location. Please clone() the tensor before performing the operation.")
_OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation.")


def base_of(tensor):
    """The tensor that ``tensor`` is a view of (None if it is not a view)."""
    x = tensor._x
    how = x.get("view_of") if x else None
    return None if how is None else how[0]


def _made(how, base):
    """The view ``how`` describes, taken of ``base`` (a tensor or an array)."""
    _, op, template, kwargs = how
    return apply(op, tuple(base if a is _BASE else a for a in template), kwargs)


# nonzero while a write that gives every element one number runs (``fill_(v)``, ``zero_()``):
# PyTorch lets it into a view whose elements share memory (an ``expand``), as the
# elements sharing a place all take the same value
_SAME_VALUE_WRITES = [0]


@contextlib.contextmanager
def same_value_write():
    """A write of one number to every element (``fill_``, ``zero_``) runs inside."""
    _SAME_VALUE_WRITES[0] += 1
    try:
        yield
    finally:
        _SAME_VALUE_WRITES[0] -= 1


def _region(how, base):
    """A basic index of the base for the view (``x[i]``), else the flat positions in
    the base of the view's elements."""
    _, op, template, kwargs = how
    if op is operator.getitem and template[0] is _BASE and not kwargs:
        return template[1], False
    flat = numpy.arange(base._data.size).reshape(base._data.shape)
    positions = numpy.asarray(op(*(flat if a is _BASE else a for a in template), **kwargs))
    if positions.dtype.kind != "i":
        # an op that returns its operand as it is where the dtypes agree casts the
        # positions to the other operand's (astgrad's in_place(value, y) of generated
        # code, run on tensors under create_graph=True, to y's float): whole numbers still
        positions = positions.astype(numpy.intp)
    if not _SAME_VALUE_WRITES[0] and numpy.unique(positions).size != positions.size:
        raise RuntimeError(_OVERLAP)
    return positions, True


def write_through(view, new, update, written):
    """Give the base of ``view`` the value ``new`` (a tensor or an array of the
    view's shape) in the view's region, through ``update`` (inplace.update), which
    shows the base's new value in its views (``refresh``), ``view`` among them."""
    how = view._x["view_of"]
    base = how[0]
    index, flat = _region(how, base)
    if flat:
        shape = base._data.shape

        def compute(old):
            placed = written(apply(numpy.reshape, (old, (-1,))), index, new)
            return apply(numpy.reshape, (placed, shape))
    else:
        def compute(old):
            return written(old, index, new)
    update(base, compute, "CopySlices", view=True, rows=index if not flat else None)


def refresh(base, index=None, bumped=True):
    """After an in-place update of ``base`` (at ``index``, None: all of it): each of its
    live views that may see the change becomes its region of the new value again (and
    so, in turn, their views; the update bumped the version they share); the nodes that used a view's old
    value keep it (versions.snapshot). Views are kept by row (record.row_of), so an
    update of row ``i`` looks at the views of row ``i`` and those not of one row.
    ``bumped``: False after a write through ``.data``, which has a version of its own."""
    views = base._x.get("views") if base._x else None
    if not views:
        return
    row = None if index is None else row_of(index, base._data.shape)
    if row is None:
        views = [v for bucket in list(views.values()) for v in list(bucket)]
    else:
        views = list(views.get(row, ())) + list(views.get(None, ()))
    for view in views:
        how = view._x["view_of"]
        if how[0] is not base:
            continue
        had_history = view._node is not None
        with set_grad_enabled(had_history or grad_mode.enabled):     # a view's history stays
            again = _made(how, base)
        if had_history and bumped:
            snapshot(view, view._version - 1)      # as it was before the update's bump
        if view._x.get("shared") and view._data.base is None and view._data.shape == again._data.shape:
            numpy.copyto(view._data, again._data)  # its detach() and .data share the array
        else:
            view._data = numpy.array(again._data)  # its own array: the base's may change later
        if again._node is not None:
            view._node = _regenerated(again._node, view)
            view._rg = True
        refresh(view, bumped=bumped)


def refresh_aliases(origin, skip=None):
    """After an in-place update of ``origin``: the views of its ``detach()`` and ``.data``
    aliases (but ``skip``) that hold arrays of their own (``d[0][0]``) are made again too,
    as the alias shares ``origin``'s array."""
    refs = origin._x.get("aliases") if origin._x else None
    for ref in refs or ():
        alias = ref()
        if alias is not None and alias is not skip and alias._data is origin._data:
            refresh(alias, bumped=alias._x["alias_of"][1] == "detach")


def _regenerated(node, view):
    node = relabeled(node, "AsStridedBackward0")
    node.made_at = view._version
    return node


def current_node(view):
    """The node of ``view`` (a view with history), made again from the tensor it views
    if their family changed since it was made; the view's value is its region of that
    tensor still (``refresh``), so the new node computes the same value."""
    node = view._node
    if node is None or view._vc[0] == node.made_at:
        return node
    how = view._x["view_of"]
    base = how[0]
    if base_of(base) is not None:
        current_node(base)
    if not base._rg:
        return node
    with enable_grad():
        again = _made(how, base)
    if again._node is None:
        return node
    snapshot(view, view._vc[0] - 1)     # the nodes that used the view keep its old node
    node = view._node = _regenerated(again._node, view)
    # in recording order, right after the tensor it views: before the nodes that used
    # the view since the family's latest update, which came after that tensor's node
    node.seq = max((p._node.seq for p in node.parents if p._node is not None), default=-1) + 1 / 1024
    return node

def _storage(tensor):
    """(the tensor whose memory ``tensor`` is in, the positions of its elements there:
    None for all of it, in order)."""
    how = tensor._x.get("view_of") if tensor._x else None
    if how is None:
        alias = tensor._x.get("alias_of") if tensor._x else None
        if alias is not None and alias[0]._data is tensor._data:
            return _storage(alias[0])       # made by detach() or .data: the same memory
        return tensor, None
    base = how[0]
    root, positions = _storage(base)
    if positions is None:
        positions = numpy.arange(base._data.size).reshape(base._data.shape)
    _, op, template, kwargs = how
    return root, numpy.asarray(op(*(positions if a is _BASE else a for a in template), **kwargs))


def _dense_range(positions, root):
    """(first, end) of memory positions that fill a range once each (PyTorch's
    non-overlapping and dense tensors), else None."""
    if positions is None:
        return 0, root._data.size
    flat = positions.ravel()
    first, end = int(flat.min()), int(flat.max()) + 1
    if end - first != flat.size or numpy.unique(flat).size != flat.size:
        return None
    return first, end


def check_overlap(out, other, index=None):
    """PyTorch's refusal of an in-place update of ``out`` (of ``out[index]``) reading a
    tensor ``other`` whose memory overlaps it only in part (``x.add_(x[0])``,
    ``x[1:].copy_(x[:-1])``); the same memory, element for element, is allowed."""
    if other is out and index is None:
        return
    if not isinstance(other, TensorBase) or not (other._x or out._x):
        return          # neither is a view: separate memory
    root, written = _storage(out)
    other_root, read = _storage(other)
    if root is not other_root:
        return
    if index is not None:
        if written is None:
            written = numpy.arange(root._data.size).reshape(root._data.shape)
        written = numpy.asarray(written[index])
    if (written is not None and written.size == 0) or (read is not None and read.size == 0):
        return
    a, b = _dense_range(written, root), _dense_range(read, root)
    if a is None or b is None:
        return          # PyTorch does not look further
    if a == b:          # the same memory: allowed if element for element (same strides)
        whole = numpy.arange(root._data.size).reshape(root._data.shape)
        written = whole if written is None else written
        read = whole if read is None else read
        if written.shape == read.shape and bool((written == read).all()):
            return
        raise RuntimeError(_PARTIAL)
    if a[0] < b[1] and b[0] < a[1]:
        raise RuntimeError(_PARTIAL)


def viewable(tensor, shape):
    """Whether PyTorch can give ``tensor`` the shape ``shape`` (-1 resolved) as a view:
    its elements' places in memory (those of a view follow the tensor it views) allow
    strides for it."""
    if not (tensor._x and "view_of" in tensor._x):
        return True         # its own memory, in order
    positions = _storage(tensor)[1]
    reshaped = positions.reshape(shape)     # a view where strides fit, else a copy
    return reshaped.size == 0 or numpy.shares_memory(reshaped, positions)


def contiguous(tensor):
    """Whether ``tensor``'s elements fill its memory in row-major order, one after another
    (PyTorch's ``is_contiguous()``: a tensor that is not a view, a row ``x[1]``; not
    ``x.T``, ``x[:, 1:3]`` or a diagonal)."""
    if not (tensor._x and "view_of" in tensor._x):
        return True
    positions = _storage(tensor)[1].ravel()
    return positions.size < 2 or bool((numpy.diff(positions) == 1).all())
