"""The recorder: ``apply`` calls a primitive on tensors and, when an argument it
differentiates requires grad, records the call as a ``Node``.

A recorded node holds the primitive, its arguments with the recorded tensors replaced
by ``Ref(k)`` placeholders (``node.parents[k]`` is the tensor) and the constants as
they were. Nothing else happens per operation: no backward closure is built; program.py
later turns the nodes into Python source and differentiates it. Only primitives with
a derivative rule are recorded; a function without one raises an error naming it
instead of silently dropping the derivative.

The recorder creates tensors but the Tensor class (tensor.py) is built on the recorder,
so it knows tensors as ``TensorBase`` (their state) and creates them with
``make_tensor``, whose class tensor.py registers.
"""

import numbers
import operator
import weakref

import numpy

from . import dtypes
from .conventions import ZERO_DERIVATIVE, power as _power
from .graph import (FLOAT_CODE, REF_CODES, REFS, Node, describe, keyword_tracked, no_rule_error, op_info,
                    position_tracked, ref, signature)
from .mode import grad_mode
from .quiet import QUIET, quiet_call, reentered
from .torch_errors import translated

_pow = operator.pow
_getitem = operator.getitem

__all__ = ["TensorBase", "register_tensor_class", "make_tensor", "apply", "binary", "unary",
           "constant_op", "raw", "needs_recording", "wrap_constant", "is_float", "complex_error",
           "dimension_error", "VIEW_BASE", "row_of", "quietly"]


# -- tensors as the recorder sees them ----------------------------------------------------------

_NDARRAY = numpy.ndarray
_UFUNC = numpy.ufunc
_asarray = numpy.asarray


_AxisError = getattr(numpy, "exceptions", numpy).AxisError


def dimension_error(dim, ndim):
    """PyTorch's message for a ``dim`` outside a tensor of ``ndim`` dimensions."""
    n = max(ndim, 1)
    return f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"


def complex_error(array):
    return TypeError(f"astgrad tensors hold real numbers only; this operation gives {array.dtype} data. "
                     "Keep the real and imaginary parts in two real tensors")


def is_float(dtype):
    return dtype.kind in "fc"


class TensorBase:
    """What every tensor is to the recorder: its array, the node that produced it (None
    for a leaf), whether it requires grad, its in-place version and its ``.grad``.
    ``tensor.Tensor`` adds the PyTorch-style methods."""

    __slots__ = ("_data", "_node", "_rg", "_grad", "_vc", "_x", "__weakref__")

    # the in-place version: a list shared with the tensors made by ``detach()`` (as
    # PyTorch's version counter is): the count of changes, and, once a leaf was written
    # through ``.data``, the count of those, which PyTorch's version does not show
    # (versions.data_written); ``_x`` holds rarely used state (versions.py)
    @property
    def _version(self):
        vc = self._vc
        return vc[0] if len(vc) == 1 else vc[0] - vc[1]

    @_version.setter
    def _version(self, value):
        vc = self._vc
        vc[0] = value if len(vc) == 1 else value + vc[1]


_tensor_class = None    # tensor.Tensor, once registered
_new = object.__new__


def register_tensor_class(cls):
    """Make ``cls`` (a TensorBase subclass) the class of the tensors the recorder creates."""
    global _tensor_class
    _tensor_class = cls


def make_tensor(data, node, requires_grad):
    """A tensor holding ``data``, produced by ``node`` (None: a leaf)."""
    t = _new(_tensor_class)
    t._data = data if type(data) is _NDARRAY else _asarray(data)
    if t._data.dtype.kind == "c":
        raise complex_error(t._data)
    t._node = node
    t._rg = requires_grad
    t._grad = None
    t._vc = [0]
    t._x = None
    return t


# -- recording ---------------------------------------------------------------------------------

def raw(value):
    """``value`` with every tensor replaced by its array (through lists, tuples, dicts)."""
    if isinstance(value, TensorBase):
        return value._data
    kind = type(value)
    if kind is tuple or kind is list:
        return kind(raw(v) for v in value)
    if kind is dict:
        return {k: raw(v) for k, v in value.items()}
    return value


def needs_recording(values):
    if not grad_mode.enabled:
        return False
    for v in values:
        if isinstance(v, TensorBase):
            if v._rg:
                return True
        elif type(v) in (list, tuple) and needs_recording(v):
            return True
    return False


def wrap_constant(value):
    """A result that carries no derivative: arrays become tensors that do not require
    grad; shapes, Python numbers and other values are returned as they are."""
    if isinstance(value, (_NDARRAY, numpy.generic)):
        return make_tensor(_asarray(value), None, False)
    return value


def _shared(tensor):
    """Whether the tensor's array may be written in place later: it is shared (by
    ``detach()``, ``.data``, ``numpy()``), or it is a view of one that is."""
    x = tensor._x
    while x is not None:
        if x.get("shared"):
            return True
        how = x.get("view_of")
        if how is None:
            return False
        x = how[0]._x
    return False


def _split(value, track, parents):
    """(raw value, recorded value): tensors that require grad in a tracked position
    become parents and ``Ref`` placeholders; everything else is its raw value."""
    if isinstance(value, TensorBase):
        if track and value._rg:
            parents.append(value)
            return value._data, ref(len(parents) - 1)
        if value._x is not None and _shared(value):
            return value._data, value._data.copy()     # its array may be written in place later
        return value._data, value._data
    if isinstance(value, (list, tuple)) and value:
        pairs = [_split(v, track, parents) for v in value]
        kind = type(value)
        if kind is not tuple and kind is not list:
            kind = tuple if isinstance(value, tuple) else list
        return kind(p[0] for p in pairs), kind(p[1] for p in pairs)
    return value, value


def quietly():
    """A context in which NumPy computes inf and NaN without its RuntimeWarnings, for the
    functions that give PyTorch's values at the ends of their domains (a division by 0, a
    pole), where PyTorch is silent. NumPy's core functions (log, sqrt, /) keep theirs:
    the context would cost each call more than the call."""
    return numpy.errstate(divide="ignore", invalid="ignore")


def apply(op, args, kwargs=None, *, fresh=False):
    """Call primitive ``op`` on ``args`` (which may hold tensors) and record the call
    when an argument it differentiates requires grad. ``fresh``: the result is a new
    tensor, not a view, where NumPy's is a view and PyTorch's a copy (``flip``)."""
    kind, positions = op_info(op)
    track = grad_mode.enabled and (kind != "nondiff" or _zero_derivative(op))
    parents = []
    raw_args, rec_args = [], []
    for i, a in enumerate(args):
        r, c = _split(a, track and position_tracked(positions, i), parents)
        raw_args.append(r)
        rec_args.append(c)
    raw_kwargs = rec_kwargs = None
    if kwargs:
        raw_kwargs, rec_kwargs = {}, {}
        for name, a in kwargs.items():
            r, c = _split(a, track and keyword_tracked(positions, name), parents)
            raw_kwargs[name] = r
            rec_kwargs[name] = c
    if parents and kind == "unknown":
        raise no_rule_error(op)
    try:
        if raw_kwargs:
            value = op(*raw_args, **raw_kwargs)
        else:       # a ufunc without PyTorch's warnings (quiet.py); other functions as they are
            value = quiet_call(op, *raw_args) if type(op) is _UFUNC else op(*raw_args)
    except (ValueError, IndexError, TypeError) as error:
        torch_error = translated(error, op, raw_args)
        if torch_error is None:
            raise
        raise torch_error from None
    if type(value) is _NDARRAY and any(value is r for r in raw_args):
        value = value.view()    # an argument's own array (squeeze with nothing to squeeze): a view of it
    elif fresh and type(value) is _NDARRAY and value.base is not None:
        value = value.copy()
    if not parents:
        result = wrap_constant(value)
    else:
        # a NumPy array (not a tensor) is recorded as it is now: the caller may write into it later
        rec_args = [c.copy() if type(a) is _NDARRAY else c for a, c in zip(args, rec_args)]
        node = Node(op, tuple(rec_args), rec_kwargs, tuple(parents), tuple(p._vc[0] for p in parents))
        constants = tuple((i, a, a._vc[0]) for i, a in enumerate(args)
                          if isinstance(a, TensorBase) and not any(a is p for p in parents))
        if constants:
            node.constants = constants      # PyTorch checks the versions of those it saved
        result = _result(value, node, op)
    if type(value) is _NDARRAY and value.base is not None:
        _note_view(result, value, args, op, kwargs)
    elif op is _getitem and isinstance(value, numpy.generic) and isinstance(args[0], TensorBase):
        _note_view(result, None, args, op, kwargs)     # an element: a view in PyTorch
    return result


VIEW_BASE = object()    # where the base goes among the arguments that made a view


def _root(array):
    """The array whose memory ``array`` views (an empty view shares none, but is a view
    in PyTorch: its version is its base's)."""
    while array.base is not None and isinstance(array.base, _NDARRAY):
        array = array.base
    return array


def _note_view(result, value, args, op, kwargs):
    """Remember which tensor ``result`` is a view of (indexing, ``.T``, a reshape give
    NumPy views; ``value`` None: an element, ``x[0]`` of a vector) and how ``op`` made it, and that tensor its views: an in-place update
    of the view writes through into that tensor, and an update of that
    tensor shows in its views, as in PyTorch (views.py)."""
    if not isinstance(result, TensorBase) or (value is not None and result._data is not value):
        return
    for a in args:
        if isinstance(a, TensorBase) and (value is None or numpy.may_share_memory(value, a._data)
                                          or value.size == 0 and _root(value) is _root(a._data)):
            if result._x is None:
                result._x = {}
            template = tuple(VIEW_BASE if b is a else raw(b) for b in args)
            result._x["view_of"] = (a, op, template, raw(kwargs) or {})  # keeps ``a``, as PyTorch's views do
            if not grad_mode.enabled or (a._x and "no_grad_view" in a._x):
                # PyTorch refuses a recorded in-place update of it (inplace.py)
                result._x["no_grad_view"] = "made" if not grad_mode.enabled else "of one made"
            result._vc = a._vc          # one version counter for a tensor and its views
            if result._node is not None:
                result._node.made_at = a._vc[0]
            if a._x is None:
                a._x = {}
            views = a._x.get("views")
            if views is None:
                views = a._x["views"] = {}
            key = row_of(template[1], a._data.shape) if op is _getitem else None
            bucket = views.get(key)
            if bucket is None:
                bucket = views[key] = weakref.WeakSet()
            bucket.add(result)
            return


def row_of(index, shape):
    """The row ``x[index]`` lies in when ``index`` starts with an integer (``x[i]``,
    ``x[i, j]``), else None: the views of a tensor are kept by row, so that an update of
    one row shows in that row's views only (views.py)."""
    first = index[0] if type(index) is tuple and index else index
    if type(first) is int and shape and -shape[0] <= first < shape[0]:
        return first % shape[0]
    return None


def _zero_derivative(op):
    """Whether ``op`` (without a derivative) records a zero-derivative history
    (conventions.ZERO_DERIVATIVE)."""
    try:
        return op in ZERO_DERIVATIVE
    except TypeError:       # unhashable
        return False


def _result(value, node, op):
    if isinstance(value, (_NDARRAY, numpy.generic, numbers.Number)):
        value = _asarray(value)
        if not is_float(value.dtype):      # integer or boolean results carry no derivative
            return make_tensor(value, None, False)
        return make_tensor(value, node, True)
    if isinstance(value, (list, tuple, dict)):
        # a list or dict of arrays (runtime.unconcatenate, unstack, a container's
        # derivative): record it once and each item as an index into it, so the program
        # reads  t5 = f(...); t6 = t5[0]. None, the derivative of a non-number, stays None.
        holder = make_tensor(numpy.empty(0), node, True)
        holder._data = value

        def item(key, v):
            return v if v is None else make_tensor(
                _asarray(v), Node(operator.getitem, (REFS[0], key), None, (holder,), (0,)), True)
        if isinstance(value, dict):
            return type(value)((k, item(k, v)) for k, v in value.items())
        items = [item(i, v) for i, v in enumerate(value)]
        kind = type(value)
        if hasattr(kind, "_fields"):        # a named tuple (numpy.linalg.svd's, eigh's, ...)
            return kind(*items)
        return kind(items) if kind is not tuple else tuple(items)
    raise TypeError(f"astgrad: {describe(op)} returned a {type(value).__name__}, which the tape "
                    "cannot record")


def binary(op, a, b):
    """Record ``op(a, b)`` for an arithmetic operator (the hot path of the recorder)."""
    ta = isinstance(a, TensorBase)
    tb = isinstance(b, TensorBase)
    ad = a._data if ta else a
    bd = b._data if tb else b
    if (ta and ad.dtype.kind in "biu" or tb and bd.dtype.kind in "biu") and not grad_mode.numpy_methods:
        ad, bd = dtypes.promoted_arrays(ad, bd, op is operator.truediv)
    elif ta and tb and ad.dtype != bd.dtype and (ad.ndim == 0) != (bd.ndim == 0) and not grad_mode.numpy_methods:
        ad, bd = dtypes.dimensions_first(ad, bd)    # float32 * a 0-d float64 is float32
    try:
        value = QUIET.run(op, ad, bd)       # without NumPy's warnings (quiet.py)
    except (ValueError, IndexError, TypeError) as error:
        torch_error = translated(error, op, (ad, bd))
        if torch_error is None:
            raise
        raise torch_error from None
    except RuntimeError as error:
        if not reentered(error):
            raise
        value = op(ad, bd)
    if not grad_mode.enabled or not ((ta and a._rg) or (tb and b._rg)):
        return make_tensor(value, None, False)
    if type(value) is not _NDARRAY:
        value = _asarray(value)
    if not is_float(value.dtype):
        return make_tensor(value, None, False)
    if tb and b._x is not None and not b._rg and _shared(b):
        bd = bd.copy()          # a constant whose array may be written in place later
    elif ta and a._x is not None and not a._rg and _shared(a):
        ad = ad.copy()
    elif not tb and type(bd) is _NDARRAY:
        bd = bd.copy()          # a NumPy array the caller may write into later
    elif not ta and type(ad) is _NDARRAY:
        ad = ad.copy()
    # the node's signature is set where it is one of a few patterns (program.py's walk
    # would compute the same)
    if ta and a._rg:
        if tb and b._rg:
            node = Node(op, (REFS[0], REFS[1]), None, (a, b), (a._vc[0], b._vc[0]))
            node.sig = signature(op, _REF_REF)
            node.consts = ()
        else:
            if op is _pow and (type(bd) is int or type(bd) is float):
                op = _power         # conventions.py: PyTorch's derivatives of x ** c
            node = Node(op, (REFS[0], bd), None, (a,), (a._vc[0],))
            if type(bd) is float:
                node.sig = signature(op, _REF_FLOAT)
                node.consts = (bd,)
            elif tb:
                node.constants = ((1, b, b._vc[0]),)
    else:
        node = Node(op, (ad, REFS[0]), None, (b,), (b._vc[0],))
        if type(ad) is float:
            node.sig = signature(op, _FLOAT_REF)
            node.consts = (ad,)
        elif ta:
            node.constants = ((0, a, a._vc[0]),)
    return make_tensor(value, node, True)


_REF_REF = (REF_CODES[0], REF_CODES[1])
_REF_FLOAT = (REF_CODES[0], FLOAT_CODE)
_FLOAT_REF = (FLOAT_CODE, REF_CODES[0])
_REF = (REF_CODES[0],)


def unary(op, a):
    try:
        value = QUIET.run(op, a._data)
    except TypeError as error:      # -x of a bool tensor
        raise (translated(error, op, (a._data,)) or error) from None
    except RuntimeError as error:
        if not reentered(error):
            raise
        value = op(a._data)
    if not (grad_mode.enabled and a._rg):
        return make_tensor(value, None, False)
    node = Node(op, (REFS[0],), None, (a,), (a._vc[0],))
    node.sig = signature(op, _REF)
    node.consts = ()
    return make_tensor(value, node, True)


def promoted_pair(a, b, floats=False):
    """``a`` and ``b`` (tensors or numbers) for a function of both, an integer or bool
    tensor among them as a constant of the dtype PyTorch promotes them to (``floats``: a
    function giving floats, such as ``atan2``, takes integers to the default floating dtype)."""
    if grad_mode.numpy_methods:
        return a, b
    ad, bd = raw(a), raw(b)
    if not any(isinstance(x, _NDARRAY) and x.dtype.kind in "biu" for x in (ad, bd)):
        return _dimensions_first(a, b, ad, bd)
    target = dtypes.promoted(ad, bd, floats)
    if target is None:
        return a, b
    cast = [make_tensor(x._data.astype(target), None, False)
            if isinstance(x, TensorBase) and x._data.dtype.kind in "biu" and x._data.dtype != target else x
            for x in (a, b)]
    return cast[0], cast[1]


def _dimensions_first(a, b, ad, bd):
    """Floating ``a`` and ``b`` of two dtypes, one 0-d: that one cast (recorded, as ``to``)
    to the other's dtype, as PyTorch promotes (``maximum(float32, 0-d float64)`` is float32)."""
    if not (type(ad) is _NDARRAY and type(bd) is _NDARRAY and ad.dtype != bd.dtype
            and (ad.ndim == 0) != (bd.ndim == 0)):
        return a, b
    if ad.ndim == 0:
        return (a.to(bd.dtype) if isinstance(a, TensorBase) else ad.astype(bd.dtype)), b
    return a, (b.to(ad.dtype) if isinstance(b, TensorBase) else bd.astype(ad.dtype))


def floated(a):
    """The tensor ``a`` for a function giving floats (``exp``, ``sin``, ...): an integer or
    bool one as a constant of the default floating dtype, as PyTorch promotes it (NumPy
    gives float16 for bools)."""
    if a._data.dtype.kind not in "biu" or grad_mode.numpy_methods:
        return a
    return make_tensor(dtypes.floating(a._data), None, False)


def constant_op(op, a, b):
    """An operation without a derivative (comparisons, ``//``, logic): never recorded."""
    return make_tensor(_asarray(op(raw(a), raw(b))), None, False)
