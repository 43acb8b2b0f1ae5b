"""Which formulas of a gradient recorded with ``create_graph=True`` a later backward runs.

PyTorch's backward runs a recorded node only where its output lies on a path to the
inputs it was asked for, and a node that runs unpacks every tensor it saved, checking
its version. So a formula's read of a tensor the differentiated graph saved is checked
only where the formula's node runs (second_order.py keeps the reads; this module says,
for one later backward, whether each one's node runs):

- ``d * cos(x)`` (the gradient of ``sin``) reads ``x`` only in ``cos``, whose node runs
  where ``x`` leads to an input: ``grad(grad(sin(a), a, v, create_graph=True)[0].sum(), v)``
  does not read ``a``, which may have changed in place since (``SELF_READS``);
- any other formula reads its saved tensors in a node taking the incoming gradient
  ``d`` and the node's operands: it runs where ``d`` or an operand that requires grad
  leads to an input (``d`` itself depends on the seeds and on the operands of the nodes
  it flowed through). Such a node saves ``d`` too where another of its operands requires
  grad: where ``d`` is a tensor given as ``grad_outputs`` (or a view of it), changing that
  tensor in place since is refused as well.
"""

import operator

import numpy

from .. import runtime
from .detached import before_detach
from .versions import as_of

__all__ = ["SELF", "FLOW", "NONE", "gate", "Runs", "passes_gradient", "saves_gradient"]

SELF = "self"       # read only by a node computing from the saved tensor alone
FLOW = "flow"       # read by a node that also takes the incoming gradient
NONE = "none"       # read by no formula node (only through its own history)

# elementwise functions whose PyTorch derivative is ``grad * f'(x)``, ``f'(x)`` a fresh
# tensor computed from ``x`` (derivatives.yaml: sin, cos, sinh, cosh, atan, asin, acos,
# abs (sgn), erf, pow with a number exponent)
_SELF_NAMES = {"sin", "cos", "sinh", "cosh", "arctan", "arcsin", "arccos", "absolute", "erf", "log1p"}


def _self_reads(node):
    op = node.op
    name = getattr(op, "__name__", "")
    if name in ("power", "pow"):    # x ** c: grad * c * x ** (c - 1)
        args = node.args
        return len(args) == 2 and type(args[1]).__name__ != "Ref" and len(node.parents) == 1
    return name in _SELF_NAMES and len(node.parents) == 1 and (
        isinstance(op, numpy.ufunc) or getattr(op, "__module__", "").startswith(("scipy", "astgrad")))


# their formulas hand the incoming gradient on as it is, or as a view of it (PyTorch: add,
# sum's expand, view, ...): a tensor given as ``grad_outputs`` reaches the next formulas
_PASSES = {operator.add, operator.sub, operator.pos, numpy.add, numpy.subtract, numpy.positive, numpy.sum,
           numpy.reshape, numpy.transpose, numpy.swapaxes, numpy.moveaxis, numpy.broadcast_to, numpy.expand_dims,
           numpy.squeeze, numpy.ravel, numpy.asarray, numpy.copy, numpy.concatenate, numpy.stack, runtime.to_copy}


# their formulas pick the incoming gradient by a mask (PyTorch: threshold_backward, where),
# or scale it before multiplying (reciprocal: -grad * y * y, rsqrt: -0.5 * grad * y ** 3):
# the gradient itself is not saved
_MASKS_GRADIENT = {"relu", "clamp", "clip"}
_SCALES_GRADIENT = {"ReciprocalBackward0", "RsqrtBackward0"}
# ``grad / (x + 1)``: ``x`` is read only by the sum, which saves nothing
_READS_NONE = {"log1p"}


def saves_gradient(node):
    """Whether ``node``'s formulas save the incoming gradient where another operand requires grad."""
    return getattr(node.op, "__name__", "") not in _MASKS_GRADIENT and getattr(node, "label", None) not in _SCALES_GRADIENT


def passes_gradient(node):
    """Whether ``node``'s formulas hand its incoming gradient on unchanged (or as a view)."""
    return node.op in _PASSES


def gate(node, k):
    """How the read of ``node``'s saved parent ``k`` (None: a constant or its output) is
    gated: ``SELF`` if only a node computing from that parent reads it, ``NONE`` if no
    formula node does, else ``FLOW``."""
    if k is not None and _self_reads(node):
        return NONE if getattr(node.op, "__name__", "") in _READS_NONE else SELF
    return FLOW


class Runs:
    """For one later backward (``reaches(tensor)``: whether a tensor leads to one of its
    inputs), which formula nodes of a recorded gradient over a trace (program.py) run."""

    __slots__ = ("reaches", "memo", "flows")

    def __init__(self, reaches):
        self.reaches = reaches
        self.memo = {}
        self.flows = None       # per trace slot (made on first use)

    def leads(self, tensor, version, node=None):
        """Whether ``tensor`` (as ``node`` used it, at ``version``) requires grad and leads to an input."""
        key = (id(tensor), version, id(node))
        found = self.memo.get(key)
        if found is None:
            t = tensor if node is None else before_detach(tensor, node)
            found = self.memo[key] = any(c._rg and self.reaches(c) for c in (t, as_of(t, version)))
        return found

    def node_runs(self, first_order, s):
        """Whether the formula nodes at slot ``s`` of ``first_order``'s trace run: the
        gradient into the slot or an operand that requires grad leads to an input."""
        if self.flows is None:
            self.flows = self._flows(first_order)
        return self.flows[s]

    def _flows(self, first_order):
        slots = first_order.slots
        flows = [False] * len(slots)        # the gradient into a slot leads to an input
        if any(getattr(s, "_rg", False) and self.reaches(s) for s in first_order.seeds):
            for s in first_order.outputs:
                flows[s] = True
        for s in range(len(slots) - 1, -1, -1):
            slot = slots[s]
            if slot[0] == "p":
                flows[slot[1]] = flows[slot[1]] or flows[s]
                flows[slot[2]] = flows[slot[2]] or flows[s]
            elif slot[0] == "n":
                node = slot[1]
                flows[s] = flows[s] or any(self.leads(p, v, node) for p, v in zip(node.parents, node.versions))
                for u in slot[2]:
                    flows[u] = flows[u] or flows[s]
        return flows
