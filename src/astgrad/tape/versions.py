"""PyTorch's version-counter rules for the tape.

Every in-place update bumps a tensor's version (shared with the tensors ``detach()``
made from it). A recorded node remembers its parents' versions. Before a tensor that
is part of a graph is updated in place, its old value and node are kept as a *ghost*
under the old version, so the program walk (program.py) finds, for each node, the
parent exactly as the node used it, and the replay computes with the old values.

PyTorch refuses a backward pass through a node whose saved tensor was modified
afterwards; ``resolve`` raises the same error where PyTorch saves the tensor (an
operand of ``*``, the input of ``sin``, the output of ``exp``, ...), and for a leaf
modified after use, whose old value is not kept.
"""

import operator

import numpy

from ..runtime import unindex
from .record import make_tensor

__all__ = ["extra", "snapshot", "resolve", "parents_as_recorded", "torch_type_name", "stale"]

_HINT = (" Hint: enable anomaly detection to find the operation that failed to compute its gradient, "
         "with torch.autograd.set_detect_anomaly(True, check_nan=False).").replace("torch.", "astgrad.")
_TYPE_NAMES = {"float64": "Double", "float32": "Float", "float16": "Half", "int64": "Long",
               "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def torch_type_name(dtype):
    """PyTorch's scalar type name of a NumPy dtype (Double, Float, Long, ...)."""
    return _TYPE_NAMES.get(numpy.dtype(dtype).name, numpy.dtype(dtype).name)


def extra(tensor):
    """The tensor's dictionary of rarely used state (made on first use)."""
    x = tensor._x
    if x is None:
        x = tensor._x = {}
    return x


def snapshot(tensor):
    """Keep the tensor's current value and node under its current version, before an
    in-place update changes them; returns that ghost."""
    ghosts = extra(tensor).setdefault("ghosts", {})
    version = tensor._version
    ghost = ghosts.get(version)
    if ghost is None:
        ghost = make_tensor(tensor._data.copy(), tensor._node, tensor._rg)
        ghost._vc = [version]
        ghosts[version] = ghost
    return ghost


# which recorded arguments a node's backward needs (PyTorch's saved tensors)
_SAVES_NOTHING = {operator.add, operator.sub, operator.neg, operator.pos, operator.getitem,
                  numpy.add, numpy.subtract, numpy.negative, numpy.positive, numpy.sum, numpy.mean,
                  numpy.reshape, numpy.transpose, numpy.swapaxes, numpy.broadcast_to, numpy.expand_dims,
                  numpy.squeeze, numpy.concatenate, numpy.stack, numpy.copy, numpy.where, numpy.ravel,
                  numpy.cumsum, numpy.asarray, numpy.trace, unindex}
_SAVES_OTHER = {operator.mul, numpy.multiply, operator.matmul, numpy.matmul, numpy.dot}
_SAVES_OUTPUT = {numpy.exp, numpy.tanh, numpy.sqrt}


def _saves_input(node, k):
    """Whether the backward of ``node`` needs its parent ``k``."""
    op = node.op
    if op in _SAVES_NOTHING or op in _SAVES_OUTPUT or getattr(op, "__name__", "") == "relu":
        return False
    args = node.args
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


def _saves_output(node):
    return node.op in _SAVES_OUTPUT or getattr(node.op, "__name__", "") == "relu"


def _short_name(node):
    from .grad_fn import node_name
    name = node_name(node)
    return name[:name.rindex("Backward")] if "Backward" in name else name


def version_error(tensor, expected, producer=None):
    """PyTorch's error for a tensor needed by a backward pass but modified since."""
    shape = ", ".join(str(n) for n in tensor._data.shape)
    kind = f"[astgrad.{torch_type_name(tensor._data.dtype)}Tensor [{shape}]]"
    which = f", which is output 0 of {_short_name(producer)}," if producer is not None else ""
    return RuntimeError("one of the variables needed for gradient computation has been modified by an "
                        f"inplace operation: {kind}{which} is at version {tensor._version}; expected "
                        f"version {expected} instead." + _HINT)


def resolve(parent, version, node, k):
    """``parent`` as ``node`` recorded it (at ``version``): the tensor itself, or the
    ghost of its old value; raises PyTorch's error where PyTorch would."""
    ghosts = parent._x.get("ghosts") if parent._x else None
    ghost = ghosts.get(version) if ghosts else None
    if ghost is None:
        raise version_error(parent, version, parent._node)
    if ghost._node is not None and _saves_output(ghost._node):
        raise version_error(parent, version, ghost._node)
    if ghost._x and ghost._x.get("update") is node:     # the update itself: PyTorch saved a copy
        return ghost
    if _saves_input(node, k):
        raise version_error(parent, version, parent._node)
    return ghost


def stale(node):
    """Whether a parent of ``node`` changed in place since it was recorded."""
    versions = node.versions
    k = 0
    for p in node.parents:
        if p._vc[0] != versions[k]:
            return True
        k += 1
    return False


def parents_as_recorded(node):
    """The node's parents as it used them (ghosts for those updated in place since)."""
    return tuple(p if p._vc[0] == v else resolve(p, v, node, k)
                 for k, (p, v) in enumerate(zip(node.parents, node.versions)))
