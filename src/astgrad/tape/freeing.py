"""Which recorded nodes a backward pass frees, as PyTorch's does.

PyTorch frees the tensors a node saved for its backward (``x`` and ``y`` of ``x * y``,
the result of ``exp``) once the backward has run through it, unless
``retain_graph=True``; a later backward through that node raises. Nodes that save no
tensor (sums, additions, views, slices, concatenations) can be run again. astgrad keeps
its recording whole, so it only marks the nodes a pass ran and refuses the same ones
PyTorch would, with PyTorch's message.
"""

import operator

from .grad_fn import node_name

__all__ = ["executed", "check_not_freed", "free"]

# PyTorch's backward functions (their names without "BackwardN") that save no tensor
_SAVE_NOTHING = frozenset({
    "Add", "Sub", "Rsub", "Neg", "Pos", "Sum", "Mean", "Cumsum", "Trace", "View", "Reshape", "Ravel",
    "Permute", "T", "Transpose", "Squeeze", "Unsqueeze", "Expand", "Unbroadcast", "Slice", "Select",
    "Alias", "Cat", "Stack", "Split", "Unbind", "Clone", "Copy", "ToCopy", "Real", "Flip", "Roll",
    "Repeat", "Tril", "Triu", "Diagonal", "Zero", "Fill", "AsStrided", "UnsafeView",
})

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward.")


def _saves_tensors(node):
    if node.op is operator.matmul:      # named after its last view, it saves both factors
        return True
    return node_name(node).rpartition("Backward")[0] not in _SAVE_NOTHING


def executed(tr):
    """The nodes of trace ``tr`` that its backward runs: those on a path from an input
    (a node outside every such path only computes a constant)."""
    depends = []
    nodes = []
    for slot in tr.slots:
        kind = slot[0]
        if kind == "n":
            runs = any(depends[s] for s in slot[2])
            if runs:
                nodes.append(slot[1])
        elif kind == "p":               # a sum: an input's probe, a value plus a constant
            runs = depends[slot[1]] or depends[slot[2]]
        else:
            runs = kind == "x"
        depends.append(runs)
    return nodes


def check_not_freed(nodes):
    """PyTorch's error if a backward would run a freed node that saved tensors."""
    for node in nodes:
        if node.freed and _saves_tensors(node):
            raise RuntimeError(FREED_MESSAGE)


def free(nodes):
    for node in nodes:
        node.freed = True
