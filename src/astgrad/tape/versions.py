"""PyTorch's version-counter rules for the tape.

A tensor, the tensors ``detach()`` made from it and all its views (record.py) share one
version counter, as in PyTorch, and every in-place update of any of them bumps it once.
A recorded node remembers its parents' versions, and its own tensor's version when it
became that tensor's ``grad_fn`` (``made_at``). Before a tensor in a graph changes value
or node, they are kept as a *ghost* under the current version, so the program walk
(program.py) finds, for each node, the parent exactly as the node used it: the ghost of
the first change at or after the recorded version, or the tensor itself when it has not
changed since (a write into another row of the tensor it views bumps its version only).

PyTorch refuses a backward pass through a node whose saved tensor's version moved since
it was saved: ``resolve`` raises the same error where PyTorch saves the input (an
operand of ``*``, the input of ``sin``, ...), ``check_output`` where it saves the output
(of ``exp``, ``tanh``, ...); a leaf changed after use raises too (its old value is not
kept). The message names the tensor as PyTorch does: its current ``grad_fn`` (a view's,
regenerated after an update of its family, is ``AsStrided``), or, for a saved output,
the node that saved it.
"""

import bisect
import re
import operator

import numpy

from .. import runtime
from ..runtime import unindex
from . import conventions
from .detached import before_detach, saved_detached
from .record import TensorBase, make_tensor

__all__ = ["assignable_grad", "extra", "snapshot", "count_as_update", "as_of", "resolve", "parents_as_recorded", "torch_type_name", "check_output", "check_constants", "keep_leaf", "leaf_origin", "data_written",
           "check_data_writes", "old_leaf_error", "reads_current", "saved_reads", "saved_by", "saves_other", "formula_readers", "changed_error", "detached_saved_error"]

_HINT = (" Hint: enable anomaly detection to find the operation that failed to compute its gradient, "
         "with torch.autograd.set_detect_anomaly(True, check_nan=False).").replace("torch.", "astgrad.")
_TYPE_NAMES = {"float64": "Double", "float32": "Float", "float16": "Half", "int64": "Long",
               "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


# the C++ names PyTorch's messages use for some scalar types
_CPP_NAMES = {"float64": "double", "float32": "float", "int64": "long int", "int32": "int", "float16": "c10::Half"}


def assignable_grad(tensor, grad):
    """``grad`` if it may be assigned to ``tensor.grad`` (None, or a tensor of the
    tensor's shape and dtype), else PyTorch's error."""
    if grad is None:
        return None
    if not isinstance(grad, TensorBase):
        raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(grad).__name__}")
    mine, given = tensor._data, grad._data
    if given.dtype != mine.dtype:
        name = _CPP_NAMES.get(given.dtype.name, given.dtype.name)
        raise RuntimeError(
            f"attempting to assign a gradient with dtype '{name}' to a tensor with grad_dtype "
            f"'{torch_type_name(mine.dtype)}'. The gradient must match the tensor's grad_dtype (defaults to the "
            "tensor's dtype). You can set the tensor's grad_dtype attribute with a specific dtype, or None to "
            "allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its gradient "
            "may break downstream systems that assume they match.")
    if given.shape != mine.shape:
        raise RuntimeError(f"attempting to assign a gradient of size '{list(given.shape)}' to a tensor of size "
                           f"'{list(mine.shape)}'. Please ensure that the gradient and the tensor are the same size")
    return grad


def torch_type_name(dtype):
    """PyTorch's scalar type name of a NumPy dtype (Double, Float, Long, ...)."""
    return _TYPE_NAMES.get(numpy.dtype(dtype).name, numpy.dtype(dtype).name)


def extra(tensor):
    """The tensor's dictionary of rarely used state (made on first use)."""
    x = tensor._x
    if x is None:
        x = tensor._x = {}
    return x


def snapshot(tensor, version=None):
    """Keep the tensor's current value and node under its current version (or
    ``version``, the last one at which they were current), before an in-place update
    changes them; returns that ghost (it shares the version counter)."""
    x = extra(tensor)
    ghosts = x.get("ghosts")
    if ghosts is None:
        ghosts = x["ghosts"] = {}
        x["ghost_versions"] = []
    if version is None:
        version = tensor._version
    ghost = ghosts.get(version)
    if ghost is None:
        ghost = make_tensor(tensor._data.copy(), tensor._node, tensor._rg)
        ghost._vc = tensor._vc
        ghosts[version] = ghost
        x["ghost_versions"].append(version)       # versions only grow: kept sorted
    return ghost


_DATA_WRITTEN = ("astgrad's tape cannot differentiate through a tensor that has a grad_fn ({}) and was "
                 "changed through .data: PyTorch's backward reads its new values in some nodes and its "
                 "old ones in others. Change it under astgrad.no_grad() instead (its history is kept), or "
                 "detach() it and record the computation again")
_DETACHED_SAVED = ("Trying to use a saved tensor that has been detached in-place, i.e. with .detach_().This is "
                   "not supported, please use out-of-place `.detach()` instead")     # PyTorch's words


def detached_saved_error():
    """PyTorch's error for a saved tensor detached in place since."""
    return RuntimeError(_DETACHED_SAVED)


def keep_leaf(tensor, old):
    """Before a leaf that requires grad takes a new value: keep ``old`` (its array, not
    to be written again) as the leaf as it was up to now, for the nodes that used it
    (only the latest: a leaf updated in a loop keeps one old value)."""
    x = extra(tensor)
    previous = x.get("leaf_ghost")
    since = previous[1] + 1 if previous is not None else 0
    ghost = make_tensor(old, None, True)
    ghost._x = {"leaf_of": (tensor, tensor._version)}
    x["leaf_ghost"] = (since, tensor._vc[0], ghost)


def data_written(tensor):
    """Before a write through ``.data`` changes ``tensor``, a leaf that requires grad:
    keep its old value for the nodes that used it, as PyTorch's graph keeps the values
    it computed from it, and count the change where PyTorch's version does not show it."""
    keep_leaf(tensor, tensor._data.copy())
    vc = tensor._vc
    if len(vc) == 1:
        vc.append(0)
    x = tensor._x
    run = x.get("data_run")
    start = run[0] if run is not None and run[1] == vc[0] else vc[0]
    vc[0] += 1
    vc[1] += 1
    x["data_run"] = (start, vc[0])      # the versions since ``start`` are all such writes


def _only_data_writes(leaf, version):
    """Whether every change of ``leaf`` since ``version`` was a write through ``.data``."""
    run = leaf._x.get("data_run") if leaf._x else None
    return run is not None and run[0] <= version and run[1] == leaf._vc[0]


_DATA_MIXED = ("a leaf that requires grad was changed through .data after the graph used it: PyTorch's "
               "backward of {} would mix its new value, which a node saved, with old values computed from "
               "it, which astgrad's tape cannot reproduce: record the computation again after changing the leaf")
_DATA_TWICE = ("a leaf that requires grad was changed through .data more than once after this graph used "
               "it; astgrad's tape keeps only its value before the last change: record the computation "
               "again after changing the leaf")


def _leaf_written_through_data(leaf, version, node, k):
    """``leaf`` as ``node`` used it before writes through ``.data``: the leaf itself
    (its new value) where the node saved it, as PyTorch's backward reads it there, else
    its kept old value, as PyTorch's graph computed from it."""
    if _saves_input(node, k):
        return leaf
    ghost = _as_of(leaf, version)
    if ghost is None:
        raise RuntimeError(_DATA_TWICE)
    return ghost


def _reads_new_leaf(node, k, p, v):
    return p._node is None and p._vc[0] != v and _only_data_writes(p, v) and _saves_input(node, k)


def check_data_writes(found):
    """``found``: the recorded tensors of a backward pass, parents first. A node that
    saved a leaf changed through ``.data`` since computes its output from the new value,
    where PyTorch's output holds the old one: raise if a node's backward needs that output
    (or one computed from it), where PyTorch's result would mix the two."""
    changed = set()
    for t in found:
        node = t._node
        hit = False
        for k, (p, v) in enumerate(zip(node.parents, node.versions)):
            if id(p) in changed:
                if _saves_input(node, k):
                    raise RuntimeError(_DATA_MIXED.format(_short_name(node)))
                hit = True
            elif _reads_new_leaf(node, k, p, v) and not reads_current(node):
                hit = True          # (a node reading its operands as they are keeps its value: program.py)
        if hit:
            if _saves_output(node):
                raise RuntimeError(_DATA_MIXED.format(_short_name(node)))
            changed.add(id(t))


def old_leaf_error():
    """The error of ``create_graph=True`` over a graph that used the old value of a leaf
    changed through ``.data`` since."""
    return RuntimeError("create_graph=True cannot follow a gradient through a leaf changed through .data "
                        "after the graph used it (the tape keeps its old value apart from it): record the "
                        "computation again after changing the leaf")


def leaf_origin(tensor):
    """(the leaf, its version) that ``tensor`` holds an old value of, or None."""
    x = tensor._x
    return x.get("leaf_of") if x else None


def as_of(tensor, version):
    """``tensor`` as it was at ``version``: its ghost, or itself (which may have changed
    since where no ghost was kept, as a leaf's)."""
    ghost = _as_of(tensor, version)
    return tensor if ghost is None else ghost


def _as_of(tensor, version):
    """The ghost holding ``tensor`` as it was at ``version`` (its first change at or
    after it), or None if it has not changed since."""
    x = tensor._x
    if not x:
        return None
    if tensor._node is None:
        kept = x.get("leaf_ghost")
        return kept[2] if kept is not None and kept[0] <= version <= kept[1] else None
    keys = x.get("ghost_versions")
    if not keys:
        return None
    i = bisect.bisect_left(keys, version)
    return x["ghosts"][keys[i]] if i < len(keys) else None


# which recorded arguments a node's backward needs (PyTorch's saved tensors)
_SAVES_NOTHING = {operator.add, operator.sub, operator.neg, operator.pos, operator.getitem,
                  numpy.add, numpy.subtract, numpy.negative, numpy.positive, numpy.sum, numpy.mean,
                  numpy.reshape, numpy.transpose, numpy.swapaxes, numpy.broadcast_to, numpy.expand_dims,
                  numpy.squeeze, numpy.concatenate, numpy.stack, numpy.copy, numpy.where, numpy.ravel,
                  numpy.cumsum, numpy.asarray, numpy.trace, numpy.diagonal, numpy.moveaxis, unindex,
                  numpy.flip, numpy.roll, numpy.tril, numpy.triu, numpy.diag, numpy.diff, runtime.to_copy,
                  numpy.take, numpy.take_along_axis,      # what they pick is given by constant indices
                  numpy.trunc, numpy.sign, numpy.floor, numpy.ceil, numpy.round, numpy.rint,   # derivative 0
                  numpy.deg2rad, numpy.rad2deg}           # a product by a number
_SAVES_OTHER = {operator.mul, numpy.multiply, operator.matmul, numpy.matmul, numpy.dot}
_SAVES_OUTPUT = {numpy.exp, numpy.tanh, numpy.sqrt, numpy.expm1, numpy.exp2, numpy.tan,
                 runtime.sigmoid, runtime.softmax, runtime.log_softmax}
_REMAINDERS = {numpy.fmod, numpy.remainder, operator.mod, conventions.remainder}
# PyTorch's kron saves its operands as ``_unsafe_view``s, which share their memory but not
# their version counter: its backward reads them as they are when it runs, refusing nothing
_READS_CURRENT = {numpy.kron}
# their input and their output (the default saves the input only)
_SAVES_BOTH = {numpy.prod, numpy.linalg.norm, numpy.max, numpy.min, numpy.amax, numpy.amin,
               numpy.std, numpy.cumprod}        # (var's backward reads its input only)
# the methods made of other operations whose last node PyTorch's saves its output
_SAVES_OUTPUT_LABELS = {"ReciprocalBackward0", "RsqrtBackward0"}


def _saves_input(node, k):
    """Whether the backward of ``node`` needs its parent ``k``."""
    op = node.op
    if op in _SAVES_NOTHING or op in _SAVES_OUTPUT or getattr(op, "__name__", "") == "relu":
        return False
    args = node.args
    if op in _REMAINDERS:       # of x by a constant: the derivative is 1
        return len(args) != 2 or type(args[1]).__name__ == "Ref" or getattr(args[0], "k", None) != k
    if op in _SAVES_OTHER or op in (operator.truediv, numpy.true_divide):
        position = next((i for i, a in enumerate(args) if getattr(a, "k", None) == k and type(a).__name__ == "Ref"), None)
        if position is None or len(args) != 2:
            return True
        other_is_ref = type(args[1 - position]).__name__ == "Ref"
        if op in _SAVES_OTHER:
            return other_is_ref
        if position == 1:       # c / b (a reciprocal, which saves its result) or a / b
            return type(args[0]).__name__ == "Ref"
        return other_is_ref     # a / b: a when b requires grad
    return True


def formula_readers(node, k):
    """The parents of ``node`` whose derivative formulas read its saved parent ``k``
    (None: a saved constant or output), as PyTorch's derivatives.yaml: ``x * w`` (and
    ``@``) reads ``w`` for the gradient of ``x`` only (``grad * w``); ``a / b`` reads ``a``
    for the gradient of ``b`` only (``-grad * a / b**2``), ``b`` for both. Other
    formulas: every parent's."""
    every = range(len(node.parents))
    op, args = node.op, node.args
    if k is None or len(args) != 2 or not all(type(a).__name__ == "Ref" for a in args):
        return every
    first, second = args[0].k, args[1].k
    if op in _SAVES_OTHER:
        return [second if k == first else first] if first != second else [k]
    if op in (operator.truediv, numpy.true_divide) and first != second:
        return [second] if k == first else [first, second]
    return every


def saved_reads(node, t):
    """What the backward of ``node`` (the node of ``t``) reads as PyTorch saved it:
    [(tensor, its version then, whether its backward only multiplies the gradient by it,
    its parent index or None)] for its saved parents, its saved constants and its saved
    output, those unchanged since (a changed one was refused or taken as its ghost)."""
    if reads_current(node):
        return []
    found = []
    product = node.op in _SAVES_OTHER
    for k, (p, v) in enumerate(zip(node.parents, node.versions)):
        if p._vc[0] == v and _saves_input(node, k):
            found.append((p, v, product, k))
    if not (node.op in _SAVES_NOTHING or _saves_output(node)):
        found.extend((c, v, True, None) for _, c, v in node.constants or () if c._vc[0] == v)
    if _saves_output(node) and t._vc[0] == node.made_at:
        found.append((t, node.made_at, node.op is numpy.exp, None))
    return found


def saves_other(node):
    """Whether ``node`` is a product whose backward saves each operand for the other's
    gradient only (PyTorch's ``mul``, ``mm``: ``grad * w`` for ``x``)."""
    return node.op in _SAVES_OTHER


def saved_by(node):
    """What ``node``'s backward saves, changed since or not: (its saved parents'
    indices, whether it saves its constants, whether it saves its output)."""
    output = _saves_output(node)
    return ([k for k in range(len(node.parents)) if _saves_input(node, k)],
            not (node.op in _SAVES_NOTHING or output), output)


def reads_current(node):
    """Whether the backward of ``node`` reads its operands as they are when it runs
    (``_READS_CURRENT``), not as they were when it was recorded."""
    return node.op in _READS_CURRENT


def check_constants(node):
    """PyTorch's error if a tensor that ``node`` took as a constant (it did not require
    grad) and that its backward saves was changed in place since. Not for a node of
    astgrad's generated code (as ``resolve`` for its parents): its reads of a value before
    its own writes over it are no user's, and the node holds the value it read (an update
    gives a tensor a fresh array, inplace.py)."""
    if reads_current(node) or node.generated:
        return
    for i, tensor, version in node.constants:
        if tensor._vc[0] != version and not (node.op in _SAVES_NOTHING or _saves_output(node)):
            raise version_error(tensor, version, _current_producer(tensor))


def _saves_output(node):
    op = node.op
    if op in _SAVES_OUTPUT or op in _SAVES_BOTH or getattr(op, "__name__", "") == "relu":
        return True
    if getattr(node, "label", None) in _SAVES_OUTPUT_LABELS:
        return True
    # x ** y with both recorded: PyTorch's PowBackward1 saves the result too
    return op is operator.pow and len(node.parents) == 2


def _short_name(node):
    """The node's name as PyTorch's message gives it: ``Mul`` for ``MulBackward0``,
    ``Fill2`` for ``FillBackward2``, the
    qualified name of the nodes written by hand (``astgrad::autograd::CopySlices``)."""
    from .grad_fn import node_name
    name = node_name(node)
    generated = re.fullmatch(r"(\w+)Backward(\d+)", name)
    if generated is None:
        return "astgrad::autograd::" + name
    return generated.group(1) + ("" if generated.group(2) == "0" else generated.group(2))


def _current_producer(tensor):
    """The name PyTorch gives the tensor's ``grad_fn`` in the message (None: a leaf)."""
    if tensor._node is None:
        return None
    if tensor._x and "view_of" in tensor._x:
        return "AsStrided"      # a view's grad_fn, regenerated after its family changed
    return _short_name(tensor._node)


def version_error(tensor, expected, producer=None):
    """PyTorch's error for a tensor needed by a backward pass but modified since."""
    shape = ", ".join(str(n) for n in tensor._data.shape)
    kind = f"[astgrad.{torch_type_name(tensor._data.dtype)}Tensor [{shape}]]"
    which = f", which is output 0 of {producer}," if producer is not None else ""
    return RuntimeError("one of the variables needed for gradient computation has been modified by an "
                        f"inplace operation: {kind}{which} is at version {tensor._version}; expected "
                        f"version {expected} instead." + _HINT)


def changed_error(tensor, expected):
    """PyTorch's error for a saved tensor changed since, naming its current node."""
    return version_error(tensor, expected, _current_producer(tensor))


def check_output(tensor):
    """Raise PyTorch's error if the node of ``tensor`` (a tensor met by the program walk
    whose version moved since the node was made) saved its output for the backward pass."""
    node = tensor._node
    if _saves_output(node):
        raise version_error(tensor, node.made_at, _short_name(node))


def _own_update(parent, version, node, k):
    """Whether parent ``k`` of ``node`` is the original value of ``parent`` that the
    in-place update ``node`` replaced at ``version`` (PyTorch keeps it for the update's
    backward; an update computes from the original first: ``t.mul_(t)`` keeps its first
    operand, not its second)."""
    ghosts = parent._x.get("ghosts") if parent._x else None
    ghost = ghosts.get(version) if ghosts else None
    if ghost is None or ghost._x is None:
        return False
    if ghost._x.get("update") is not node and node not in ghost._x.get("update_steps", ()):
        return False
    return next(i for i, p in enumerate(node.parents) if before_detach(p, node) is parent) == k


def count_as_update(tensor, version, step):
    """Let ``step``, a node of the in-place update of ``tensor`` made at ``version`` other
    than its last (``logit_(eps)``'s clamp), read the original value, as the update's last
    node does: one update, one version, as PyTorch's."""
    ghosts = tensor._x.get("ghosts") if tensor._x else None
    ghost = ghosts.get(version) if ghosts else None
    if ghost is not None and step is not None:
        extra(ghost).setdefault("update_steps", []).append(step)


def resolve(parent, version, node, k):
    """``parent`` as ``node`` recorded it (at ``version``): the tensor itself, or the
    ghost of its old value; raises PyTorch's error where PyTorch would."""
    if parent._node is None and _only_data_writes(parent, version):
        return _leaf_written_through_data(parent, version, node, k)
    if reads_current(node) and parent._node is None:
        return parent               # its backward reads a leaf as it is (program.py)
    if not reads_current(node) and _saves_input(node, k) and not _own_update(parent, version, node, k) \
            and not node.generated:
        raise version_error(parent, version, _current_producer(parent))
    ghost = _as_of(parent, version)
    if ghost is not None:
        return ghost
    node = parent._node
    if node is None:                # a leaf whose value there is no longer kept
        raise version_error(parent, version, None)
    if parent._x and "view_of" in parent._x and node.made_at != parent._vc[0]:
        # a view whose node is made again when met itself (views.current_node): the
        # nodes that used it before keep the node they used
        return snapshot(parent, parent._vc[0] - 1)
    return parent


def parents_as_recorded(node):
    """The node's parents as it used them (ghosts for those updated in place or detached
    in place since; PyTorch's error where the node saved one detached since)."""
    parents = tuple(before_detach(p, node) for p in node.parents)
    for k, (p, v) in enumerate(zip(parents, node.versions)):
        if saved_detached(node, k, p, v) and _saves_input(node, k):
            raise RuntimeError(_DETACHED_SAVED)
        if p._x is not None and "data_written" in p._x:
            from .grad_fn import node_name
            raise RuntimeError(_DATA_WRITTEN.format(node_name(p._node)))
    return tuple(p if p._vc[0] == v else resolve(p, v, node, k)
                 for k, (p, v) in enumerate(zip(parents, node.versions)))
