"""PyTorch's saved tensors for methods the tape builds from other operations.

``sgn``, ``logit``, ``logsumexp``, ``logcumsumexp`` and ``cummax`` are recorded as a few
simpler operations (a sign, square roots and logs, a shifted sum of exponentials, a
gather), whose own nodes need less than PyTorch's one node saves: PyTorch's ``sgn`` and
``logsumexp`` save their input and their result, ``logit`` and ``cummax`` their input. A
backward pass through one of them after an in-place change of what PyTorch saved raises
PyTorch's error ("one of the variables needed for gradient computation has been modified
by an inplace operation"): the last node, named as PyTorch names its node, keeps those
tensors with their versions, and the program walk checks them (program.py)."""

from .grad_fn import relabeled
from .record import TensorBase
from .versions import changed_error, version_error

__all__ = ["saving", "check_saved", "in_place"]


def saving(result, label, inputs=(), output=False):
    """``result``, its node (if recorded) named ``label`` and keeping ``inputs`` (and
    ``result`` itself where ``output``) at their versions now, as PyTorch's node saves them."""
    node = result._node
    if node is None:
        return result
    copy = relabeled(node, label)
    kept = [(t, t._vc[0], None) for t in inputs if isinstance(t, TensorBase)]
    if output:      # named after the node that saved it, as PyTorch's message names it
        kept.append((result, result._vc[0], label[:-len("Backward0")]))
    copy.saved = tuple(kept)
    result._node = copy
    return result


def check_saved(node):
    """PyTorch's error where a tensor ``node`` keeps as saved changed in place since."""
    for tensor, version, producer in getattr(node, "saved", None) or ():
        if tensor._vc[0] != version:
            raise version_error(tensor, version, producer) if producer else changed_error(tensor, version)


def in_place(result):
    """``result`` of such a method as an in-place update's new value (``logit_``): what
    its node saved is the updated tensor's old value, which the update keeps apart, and
    no other name can change."""
    node = result._node
    if node is not None and getattr(node, "saved", None):
        node.saved = None
    return result
