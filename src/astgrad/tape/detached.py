"""PyTorch's ``detach_()`` of a computed tensor: it becomes a leaf in place, while the
nodes recorded from it before keep reaching its inputs through it (a *ghost* of it, as
versions.py keeps for in-place updates)."""

from .graph import next_seq
from .record import make_tensor

__all__ = ["detach_in_place", "before_detach", "as_before", "saved_detached"]


def detach_in_place(tensor):
    """Make ``tensor`` (computed, not a view) a leaf that does not require grad, in place,
    as PyTorch's ``detach_()``: its version stays. The nodes recorded from it before still
    reach its inputs through it, as PyTorch's graph does: a ghost keeps its value, node and
    history for them (``before_detach``); returns it."""
    ghost = make_tensor(tensor._data.copy(), tensor._node, True)    # its value as they used it
    ghost._vc = tensor._vc          # an in-place update of the tensor since is seen there
    if tensor._x is None:
        tensor._x = {}
    x = tensor._x
    ghost._x = {k: x.pop(k) for k in ("ghosts", "ghost_versions", "detached") if k in x}
    ghost._x["detached_at"] = tensor._vc[0]     # the version its users before it saw last
    x["detached"] = (next_seq(), ghost)
    tensor._node = None
    tensor._rg = False
    return ghost


def before_detach(tensor, node):
    """``tensor`` as ``node``, which used it, recorded it: the ghost of it before a
    ``detach_()`` since (as it was before the first one after ``node``), or itself."""
    return as_before(tensor, node.seq)


def as_before(tensor, seq):
    """``tensor`` as it was at recording order number ``seq``: the ghost of it before the
    first ``detach_()`` since, or itself."""
    x = tensor._x
    kept = x.get("detached") if x else None
    while kept is not None and seq < kept[0]:
        tensor = kept[1]
        x = tensor._x
        kept = x.get("detached") if x else None
    return tensor


def saved_detached(node, k, parent, version):
    """Whether ``parent``, what ``node`` recorded as its parent ``k`` (at ``version``), is
    the value a ``detach_()`` cut since: PyTorch refuses a backward that reads it where
    the node saved it (an older value, kept for an in-place update, is another matter)."""
    x = parent._x
    return parent is not node.parents[k] and x.get("detached_at") == version
