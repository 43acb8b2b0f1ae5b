"""PyTorch's in-place checks for a gradient recorded with ``create_graph=True``.

PyTorch's backward with ``create_graph=True`` records its derivative formulas, and those
read the tensors the differentiated graph saved (versions.py), each with its version.
A later backward through that recorded gradient refuses one changed in place since
("one of the variables needed for gradient computation has been modified by an inplace
operation"), and it runs the differentiated graph again from the saved tensors that
require grad, with that graph's own checks.

astgrad's recorded gradient computes from the leaves instead (program.py), so nothing
in it reads those tensors. ``FirstOrder`` keeps, for one such backward, what PyTorch's
recorded formulas would read, and every node the backward records points to it; a
later backward through one of those nodes calls ``check``, which raises where PyTorch
raises. A formula reads a saved operand of a product (``x * w``: ``d * w``) only when
the gradient it multiplies itself depends on the inputs; other saved tensors (the
input of ``sin``: ``d * cos(x)``) always.
"""

from .detached import as_before
from .graph import next_seq
from .versions import as_of, changed_error, detached_saved_error, saved_reads

__all__ = ["FirstOrder", "first_order_of", "check"]


class FirstOrder:
    """What the recorded gradient of one backward pass reads of the graph it differentiated."""

    __slots__ = ("read", "roots", "inherited", "watched", "seq")

    def __init__(self, read, roots, inherited, watched):
        self.seq = next_seq()       # when it was made, in recording order (for detach_() since)
        self.watched = watched      # [(tensor, tensor._vc[0])]: the graph's tensors, to skip an unchanged one's walk
        self.read = read            # [(tensor, version)]: what the formulas read (tensor._version)
        self.roots = roots          # [(tensor, version)]: saved tensors that have a history (tensor._vc[0])
        self.inherited = inherited  # the FirstOrder of the recorded gradients it went through


def first_order_of(tr, seeds):
    """The ``FirstOrder`` of a backward pass over trace ``tr`` (program.py) seeded with
    ``seeds``, or None if its recorded gradient reads nothing that can change."""
    slots = tr.slots
    varies = [False] * len(slots)       # whether the gradient flowing into a slot depends on the inputs
    if any(getattr(s, "_rg", False) for s in seeds):
        for s in tr.outputs:
            varies[s] = True
    read, roots, inherited, watched = [], [], [], []
    for s in range(len(slots) - 1, -1, -1):
        slot = slots[s]
        if slot[0] == "p":          # a sum of two slots: the gradient flows into each
            varies[slot[1]] = varies[slot[1]] or varies[s]
            varies[slot[2]] = varies[slot[2]] or varies[s]
            continue
        if slot[0] != "n":
            continue
        _, node, used, _, t = slot
        watched.append((t, t._vc[0]))
        watched.extend((p, p._vc[0]) for p in node.parents)
        watched.extend((c, c._vc[0]) for _, c, _ in node.constants or ())
        saves = saved_reads(node, t)
        if node.generated:      # a recorded gradient differentiated again: what it read
            if node.first_order is not None and node.first_order not in inherited:
                inherited.append(node.first_order)
        else:
            for tensor, version, product in saves:
                if varies[s] or not product:     # its version as PyTorch counts it (not .data writes)
                    read.append((tensor, tensor._version))
                if tensor._node is not None and tensor._rg:
                    roots.append((tensor, version))
        flows = varies[s] or any(tensor._rg for tensor, *_ in saves)
        for u in used:
            varies[u] = varies[u] or flows
    if not (read or roots or inherited):
        return None
    return FirstOrder(read, roots, inherited, watched)


_CLONE = (" The gradient was recorded with create_graph=True and reads that tensor as it was then: "
          "change a clone() of it instead, or compute the gradient again after the change.")


def check(first_order, walk, done):
    """Raise PyTorch's error if a tensor ``first_order`` reads changed in place since,
    saying what to do; ``walk(tensors)`` runs the checks of the graph that computed them
    (program.py); ``done``: the ids of the records checked in this backward pass."""
    try:
        _check(first_order, walk, done)
    except RuntimeError as error:
        message = str(error)
        if "modified by an inplace operation" not in message or message.endswith(_CLONE):
            raise
        raise RuntimeError(message + _CLONE) from None


def _check(first_order, walk, done):
    if id(first_order) in done:
        return
    done.add(id(first_order))
    seq = first_order.seq
    for tensor, version in first_order.read:
        if as_before(tensor, seq) is not tensor:
            raise detached_saved_error()
        if tensor._version != version:
            raise changed_error(tensor, version)
    if first_order.roots and _changed_since(first_order):
        walk([as_of(as_before(tensor, seq), version) for tensor, version in first_order.roots])
    for earlier in first_order.inherited:
        _check(earlier, walk, done)


def _changed_since(first_order):
    """Whether a tensor of the differentiated graph changed or was detached in place since."""
    seq = first_order.seq
    for tensor, version in first_order.watched:
        if tensor._vc[0] != version:
            return True
        x = tensor._x
        if x and "detached" in x and x["detached"][0] > seq:
            return True
    return False
