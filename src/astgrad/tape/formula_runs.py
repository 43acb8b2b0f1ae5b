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
from .versions import as_of, saved_by

__all__ = ["SELF", "FLOW", "PRODUCT", "NONE", "OPERANDS", "gate", "Runs", "passes_gradient", "saves_gradient", "gradient_readers",
           "scales"]

SELF = "self"       # read only by a node computing from the saved tensor alone
FLOW = "flow"       # read by a node that also takes the incoming gradient
# a FLOW read by a node multiplying the incoming gradient by it alone, gated (PRODUCT, the
# slots of the gradients those nodes give, its version, the node that saved it)
PRODUCT = "product"
NONE = "none"       # read by no formula node (only through its own history)
OPERANDS = "operands"   # read by a node computing from the node's operands alone

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
_PASSES = {operator.add, operator.pos, numpy.add, numpy.positive, numpy.sum,
           numpy.reshape, numpy.transpose, numpy.swapaxes, numpy.moveaxis, numpy.broadcast_to, numpy.expand_dims,
           numpy.squeeze, numpy.ravel, numpy.asarray, numpy.copy, numpy.concatenate, numpy.stack, runtime.to_copy}


# their formulas pick the incoming gradient by a mask (PyTorch: threshold_backward, where),
# or scale it before multiplying (reciprocal: -grad * y * y, rsqrt: -0.5 * grad * y ** 3):
# the gradient itself is not saved
_MASKS_GRADIENT = {"relu", "clamp", "clip"}
_SCALES_GRADIENT = {"ReciprocalBackward0", "RsqrtBackward0"}
# ``grad / (x + 1)``: ``x`` is read only by the sum, which saves nothing
_READS_NONE = {"log1p"}
# their output, saved, is read by no formula node: ``grad / (2 * y)``, ``grad * (y + 1)``
_OUTPUT_READ_NONE = {numpy.sqrt, numpy.expm1}


def saves_gradient(node):
    """Whether ``node``'s formulas save the incoming gradient where another operand requires grad."""
    return (getattr(node.op, "__name__", "") not in _MASKS_GRADIENT
            and getattr(node, "label", None) not in _SCALES_GRADIENT)


_PRODUCTS = {operator.mul, numpy.multiply, operator.matmul, numpy.matmul, numpy.dot}
_SUBTRACTIONS = {operator.sub, numpy.subtract}     # the first operand's gradient only (the other's is -grad)
_DIVISIONS = {operator.truediv, numpy.true_divide}


def passes_gradient(node):
    """The parents (indices) to which ``node``'s formulas hand its incoming gradient on
    unchanged (or as a view), or None where they compute from it."""
    op = node.op
    if op in _PASSES:
        return range(len(node.parents))
    if op in _SUBTRACTIONS:
        first = node.args[0] if node.args else None
        return [first.k] if type(first).__name__ == "Ref" else []
    return None


def gradient_readers(node):
    """The parents whose formulas save the incoming gradient (where another operand
    requires grad): ``a / b``'s gradient of ``a`` only (``grad / b``; ``b``'s is
    ``-grad * a / b / b``, which negates it first); every parent's elsewhere."""
    args = node.args
    if node.op in _DIVISIONS and len(args) == 2 and type(args[1]).__name__ == "Ref":
        first = args[0]
        if type(first).__name__ != "Ref":
            return []       # c / b: -grad * ((c / b) / b)
        return [first.k] if node.parents[args[1].k]._rg else []
    return range(len(node.parents))


def gate(node, k):
    """How the read of ``node``'s saved parent ``k`` (None: a constant or its output) is
    gated: ``SELF`` if only a node computing from that parent (or output) reads it,
    ``OPERANDS`` if only one computing from the node's operands, ``NONE`` if no formula
    node does, else ``FLOW``."""
    if k is not None and _self_reads(node):
        return NONE if getattr(node.op, "__name__", "") in _READS_NONE else SELF
    if k is None and node.op in _OUTPUT_READ_NONE:
        return NONE
    if k is None and (getattr(node, "label", None) in _SCALES_GRADIENT or node.op is numpy.tan):
        return SELF         # the output, in y * y (reciprocal), y ** 3 (rsqrt), 1 + y ** 2 (tan)
    if _numerator(node, k):
        return OPERANDS     # -grad * ((a / b) / b): a in a / b
    return FLOW


def _numerator(node, k):
    """Whether parent ``k`` (None: a constant) is the numerator of a division by a parent."""
    args = node.args
    if node.op not in _DIVISIONS or len(args) != 2 or type(args[1]).__name__ != "Ref":
        return False
    first = args[0]
    if type(first).__name__ != "Ref":
        return k is None
    return k == first.k != args[1].k


class Runs:
    """For one later backward (``reaches(tensor)``: whether a tensor leads to one of its
    inputs), which formula nodes of a recorded gradient over a trace (program.py) run."""

    __slots__ = ("reaches", "memo", "flows", "into", "inherited", "feeds", "needed", "reached", "adjoints",
                 "rg_into")

    def __init__(self, reaches, inherited=None):
        self.reaches = reaches
        self.memo = {}
        self.flows = None       # per trace slot (made on first use)
        # for a recorded gradient a later backward differentiated (second_order.FirstOrder.inherited):
        # (the ids of that backward's inputs, leads(tensor, ids), live(): whether its
        # gradient of the recorded one may lead to this backward's inputs, seeded(): whether
        # the gradient it took into the recorded one does), else None
        self.inherited = inherited
        self.into = None        # per trace slot: whether the gradient into it leads to an input
        self.feeds = None       # per trace slot (made on first use)
        self.needed = None
        self.reached = None     # per trace slot: whether it leads to an input of the first backward
        self.adjoints = None    # per trace slot, for a gradient a later backward differentiated (_adjoints)
        self.rg_into = None     # per trace slot: whether the gradient into a node's slot requires grad

    def leads(self, tensor, version, node=None):
        """Whether ``tensor`` (as ``node`` used it, at ``version``) requires grad and leads to an input."""
        key = (id(tensor), version, id(node))
        found = self.memo.get(key)
        if found is None:
            t = tensor if node is None else before_detach(tensor, node)
            found = self.memo[key] = any(c._rg and self.reaches(c) for c in (t, as_of(t, version)))
        return found

    def reads(self, first_order, s, tensor, gated):
        """Whether the formula node reading ``tensor`` at slot ``s`` runs (``gated``:
        (SELF, version, node), (OPERANDS, node), (PRODUCT, slots, version, node) or None:
        ``FLOW``)."""
        if gated is None or gated[0] == PRODUCT:
            # d * x runs where d or x leads to an input (x * w saves x for w's gradient, d * x)
            runs = self.node_runs(first_order, s) and (
                gated is None or self.into[s] or self.leads(tensor, gated[2], gated[3]))
            if self.inherited is not None:
                return self._read_later(first_order, s, runs, None if gated is None else gated[1])
            return runs
        if gated[0] == SELF:
            if self.inherited is not None and not self._self_read_later(first_order, s, tensor, gated[1], gated[2]):
                return False
            return self.leads(tensor, gated[1], gated[2])
        node = gated[1]
        if self.inherited is not None and not self._numerator_read_later(first_order, s, node):
            return False
        return any(self.leads(p, v, node) for p, v in zip(node.parents, node.versions))

    def _self_read_later(self, first_order, s, tensor, version, node):
        """For a gradient a later backward differentiated: whether the node of ``cos(x)``
        in ``d * cos(x)`` (``x``: ``tensor`` at ``version`` as ``node`` saved it), or one of the later one's
        formulas over it (``-e * sin(x)``), is in this backward's graph: the later one took
        the gradient of ``d`` (``e * cos(x)``: ``d`` depends on its inputs) or ran ``cos``
        (``x`` leads to them)."""
        ids, leads, *_ = self.inherited
        if leads is None:
            return True
        if self.feeds is None:
            self.feeds = _feeding(first_order.slots)
            self.needed = self._needed(first_order)
        x = before_detach(tensor, node)
        return self.needed[s] or any(c._rg and leads(c, ids) for c in (x, as_of(x, version)))

    def _numerator_read_later(self, first_order, s, node):
        """For a gradient a later backward differentiated: whether its formulas read the
        numerator ``a`` of ``a / b`` (in ``-d * ((a / b) / b)``, the first gradient's of
        ``b``), or use the quotient's node: they compute the gradient of ``b`` (``b`` leads
        to their inputs) or of ``d`` (``d`` depends on them)."""
        ids, leads, *_ = self.inherited
        if leads is None:
            return True
        if self.feeds is None:
            self.feeds = _feeding(first_order.slots)
            self.needed = self._needed(first_order)
        k = node.args[1].k
        denominator = before_detach(node.parents[k], node)
        return self.needed[s] or any(c._rg and leads(c, ids) for c in (denominator, as_of(denominator, node.versions[k])))

    def node_runs(self, first_order, s):
        """Whether the formula nodes at slot ``s`` of ``first_order``'s trace run: the
        gradient into the slot or an operand that requires grad leads to an input."""
        if self.flows is None:
            self.flows = self._flows(first_order)
        return self.flows[s]

    def _read_later(self, first_order, s, runs, fed):
        """For a gradient a later backward differentiated: whether this backward reads the
        saved ``x`` of the formula at node slot ``s`` that takes the incoming gradient ``d``
        (``d / x``; ``d * x`` where ``fed``, the slots of the gradients such products
        give, is not None). Three nodes read it: the formula's own,
        in the later backward's graph only where a formula of the later one took the
        gradient it gave (that gradient reaches another node's formulas), run where it
        leads to this backward's inputs; the later one's formula of ``d`` (``e / x``,
        recorded where ``d`` depends on its inputs), run where the gradient ``e`` it took
        into the formula's output or an operand of the node leads to them (``e * x``
        saves ``x`` only where ``e`` requires grad); its formula of ``x`` (``-e * d / x /
        x``, none reading ``x`` for a product), recorded where ``x`` leads to the later
        one's inputs. ``sin(log(a) + v)`` to ``a``, then ``v``, then ``v`` after ``a``
        changed reads it in none: ``e`` into ``d / a`` is the seed. ``runs``: whether the
        formula's own node runs where it is reached."""
        ids, leads, live, seeded = self.inherited
        if leads is None:
            return runs or live()
        if self.feeds is None:
            self.feeds = _feeding(first_order.slots)
            self.needed = self._needed(first_order)
        slot = first_order.slots[s]
        node, used = slot[1], slot[2]
        product = fed is not None
        gives = fed if product else used       # the slots of the gradients the formulas reading x give
        if runs and any(self.feeds[u] for u in gives):
            return True
        operands = any(self.leads(p, v, node) for p, v in zip(node.parents, node.versions))
        if self.needed[s]:
            if self.adjoints is None:
                into, rg = seeded()
                self.adjoints = (self._adjoints(first_order, into, self.leads),
                                 self._adjoints(first_order, rg, _requires_grad))
            adjoints, rg = self.adjoints
            if any(adjoints[u] for u in gives):
                return True
            # e * x saves x only where e requires grad (PyTorch's mul saves each operand for the other's gradient)
            if operands and (not product or any(rg[u] for u in gives)):
                return True
        if product:         # d * x: the later one's formula of x, e * d, reads d only
            return False
        return any(p._rg and leads(before_detach(p, node), ids) for p in node.parents) and (runs or live())

    def gives_saved(self, first_order, s, fed):
        """For a gradient a later backward differentiated: (whether the gradient that
        backward gave a tensor ``x`` the node at slot ``s`` saved may lead to this
        backward's inputs, whether it may require grad). It is ``e * d * h'(x)`` for a
        formula ``d * h(...)`` of the first backward: from the gradient ``e`` the later
        one took into the gradient the formula gave, the first one's ``d``, and the
        operands ``h`` reads (``_factor_parents``). For a product's operand (``fed``: the
        slots of the gradients its formulas ``d * x`` give), ``h'(x)`` is 1."""
        if self.inherited is None or self.inherited[1] is None:
            return True, True
        if self.flows is None:
            self.flows = self._flows(first_order)
        if self.into[s]:
            return True, True
        node, used = first_order.slots[s][1:3]
        if self.adjoints is None:
            into, rg = self.inherited[3]()
            self.adjoints = (self._adjoints(first_order, into, self.leads),
                             self._adjoints(first_order, rg, _requires_grad))
        if self.reached is None:
            self.reached = _reaching(first_order.slots)
        adjoints = self.adjoints[0]
        if type(fed) is not list:
            def operand_leads(j):
                return self.leads(node.parents[j], node.versions[j], node)
            return any(self.reached[u] and (adjoints[u] or scales(node, k, operand_leads))
                       for k, u in enumerate(used)), True
        leads = any(adjoints[u] for u in fed)
        return leads, leads or any(self.adjoints[1][u] for u in fed) or self._gradient_requires_grad(first_order, s)

    def _gradient_requires_grad(self, first_order, s):
        """Whether the gradient the first backward took into the node at slot ``s`` requires grad."""
        if self.rg_into is None:
            into = self.into
            self._flows(first_order, _requires_grad)
            self.rg_into, self.into = self.into, into
        return self.rg_into[s]

    def _adjoints(self, first_order, seeded, leads):
        """Per slot, whether the gradient the later backward took into the first one's
        gradient of it leads to this backward's inputs (``leads``: ``self.leads``), or
        requires grad (``_requires_grad``); ``seeded``: the one into the returned
        gradients does. It flows from the inputs' slots on, multiplied at a node by its
        operands (at a sum and a difference by none, at ``p * q`` by the other operand)."""
        slots = first_order.slots
        if self.reached is None:
            self.reached = _reaching(slots)
        reached = self.reached
        found = []
        for slot in slots:
            kind = slot[0]
            if kind == "x":
                found.append(seeded)
            elif kind == "p":
                found.append(found[slot[1]] or found[slot[2]])
            elif kind == "n":
                node, used = slot[1], slot[2]
                found.append(any(reached[u] and (found[u] or scales(
                    node, k, lambda j, node=node: leads(node.parents[j], node.versions[j], node)))
                    for k, u in enumerate(used)))
            else:
                found.append(False)
        return found

    def walks(self, first_order, s, fed):
        """Whether this backward runs the history of a tensor ``x`` the node at slot ``s``
        saved; ``fed``: for a product's operand, the slots into which its formulas ``d *
        x`` give their gradients (else None: taken as run). For a gradient a later backward
        differentiated, only the nodes of ``d * x`` and of the later one's ``g2 * x`` (the
        gradient of ``d``, recorded where ``d`` depends on its inputs) lead to ``x``'s
        history, and ``d * x``'s runs only where a node's formulas use its gradient (``a *
        v * a`` to ``a``: ``d * (a * v)`` only adds into the returned gradient). The
        numerator ``a`` of ``a / b`` (``fed``: (OPERANDS, the quotient's node)) enters the
        later gradient's graph only where the later backward read it (``-d * ((a / b) /
        b)``, the first gradient of ``b``: where it took the gradient of ``d`` or of ``b``)."""
        if self.inherited is None or fed is None:
            return True
        if type(fed) is tuple and fed[0] == SELF:     # (SELF, version, node, x): read by cos(x) alone
            return self._self_read_later(first_order, s, fed[3], fed[1], fed[2])
        if type(fed) is tuple:
            return self._numerator_read_later(first_order, s, fed[1])
        if self.feeds is None:
            self.feeds = _feeding(first_order.slots)
            self.needed = self._needed(first_order)
        return self.needed[s] or self.node_runs(first_order, s) and any(self._used_later(first_order, u) for u in fed)

    def _used_later(self, first_order, u):
        """Whether the later backward recorded a formula taking the gradient ``e`` the
        first one gave slot ``u`` (its node leads to ``e``'s): at a product ``p * q``, ``e *
        q`` (the gradient of ``p``) is taken by the gradient of ``q``, made only where ``q``
        leads to the later backward's inputs, as ``e * cos(x)`` (``sin``) and ``e * y``
        (``exp``) where ``x`` does; a sum, a view or a difference hands ``e`` on (or its
        negation, whose formula takes none); any other node is taken to."""
        slots = first_order.slots
        slot = slots[u]
        if slot[0] == "p":
            return self._used_later(first_order, slot[1]) or self._used_later(first_order, slot[2])
        if slot[0] != "n":
            return False
        node, used = slot[1], slot[2]
        if self.reached is None:
            self.reached = _reaching(slots)
        if not _factor_parents(node, None):     # handed on to the parents leading to an input of the first
            return any(self.reached[w] and self._used_later(first_order, w) for w in used)
        ids, leads, *_ = self.inherited
        if leads is None:
            return True
        if node.op in (numpy.exp, numpy.log) and len(node.parents) == 1 or _self_reads(node):
            # e * f'(x) (exp: e * y, log: e / x) is taken by the gradient of x, made where x leads to the inputs
            x = before_detach(node.parents[0], node)
            return any(c._rg and leads(c, ids) for c in (x, as_of(x, node.versions[0])))
        args = node.args
        if node.op not in _PRODUCTS or len(args) != 2 or not all(type(a).__name__ == "Ref" for a in args) \
                or args[0].k == args[1].k:
            return True
        for j, a in enumerate(args):        # e * other made for the gradient of a (if it leads to an input)
            other = node.parents[args[1 - j].k]
            if self.reached[used[a.k]] and other._rg and leads(before_detach(other, node), ids):
                return True
        return False

    def differentiates(self, first_order, earlier):
        """Whether the gradient ``first_order``'s backward took of the recorded gradient
        ``earlier`` (its nodes' slots) may lead to this backward's inputs."""
        return any(slot[0] == "n" and slot[1].generated and slot[1].first_order is earlier
                   and self.node_runs(first_order, s) for s, slot in enumerate(first_order.slots))

    def seeds(self, first_order, earlier, returned):
        """(Whether the gradient ``first_order``'s backward took into a gradient the
        recorded one ``earlier`` returned (``returned(tensor)``) leads to this backward's
        inputs, whether it requires grad)."""
        if self.flows is None:
            self.flows = self._flows(first_order)
        into = self.into
        self._flows(first_order, _requires_grad)
        rg, self.into = self.into, into
        ends = [s for s, slot in enumerate(first_order.slots) if slot[0] == "n" and slot[1].generated
                and slot[1].first_order is earlier and returned(slot[4])]
        return any(into[s] for s in ends), any(rg[s] for s in ends)

    def _needed(self, first_order):
        """Per slot, whether the gradient into it depends on the later backward's inputs."""
        ids, leads, *_ = self.inherited
        if leads is None:
            return [True] * len(first_order.slots)
        memo = {}

        def later(tensor, version, node=None):
            key = (id(tensor), version, id(node))
            if key not in memo:
                t = tensor if node is None else before_detach(tensor, node)
                memo[key] = any(c._rg and leads(c, ids) for c in (t, as_of(t, version)))
            return memo[key]
        slots = first_order.slots
        needed = [False] * len(slots)
        if any(getattr(s, "_rg", False) and leads(s, ids) for s in first_order.seeds):
            for s in first_order.outputs:
                needed[s] = True
        for s in range(len(slots) - 1, -1, -1):
            slot = slots[s]
            if slot[0] == "p":
                needed[slot[1]] = needed[slot[1]] or needed[s]
                needed[slot[2]] = needed[slot[2]] or needed[s]
            elif slot[0] == "n":
                node, t = slot[1], slot[4]
                parents, constants, output = saved_by(node)
                hands = needed[s] or constants and any(later(c, v) for _, c, v in node.constants or ()) or \
                    output and later(t, node.made_at)
                for k, u in enumerate(slot[2]):
                    needed[u] = needed[u] or hands or any(
                        later(node.parents[j], node.versions[j], node) for j in _factors(node, k, parents))
        return needed

    def _flows(self, first_order, leads=None):
        """Per slot, whether the gradient into it or its node's formulas lead to an input
        (``leads(tensor, version, node)``: whether an operand does; None: ``self.leads``);
        notes in ``self.into`` whether the gradient into a node's slot does."""
        slots = first_order.slots
        flows = [False] * len(slots)        # the gradient into a slot leads to an input
        into_slots = self.into = [False] * len(slots)      # the gradient into a node's slot does
        if leads is None:
            leads, seeded = self.leads, any(getattr(s, "_rg", False) and self.reaches(s) for s in first_order.seeds)
        else:
            seeded = any(getattr(s, "_rg", False) for s in first_order.seeds)
        if seeded:
            for s in first_order.outputs:
                flows[s] = True
        for s in range(len(slots) - 1, -1, -1):
            slot = slots[s]
            if slot[0] == "p":
                flows[slot[1]] = flows[slot[1]] or flows[s]
                flows[slot[2]] = flows[slot[2]] or flows[s]
            elif slot[0] == "n":
                node = slot[1]
                operands = [leads(p, v, node) for p, v in zip(node.parents, node.versions)]
                into = into_slots[s] = flows[s]
                flows[s] = into or any(operands)       # the node's formulas run
                for k, u in enumerate(slot[2]):     # the gradient each gives its parent
                    flows[u] = flows[u] or _gives(node, k, into, operands)
        return flows


def _factor_parents(node, k):
    """The parents (indices) on which the factor by which ``node``'s formula of parent
    ``k`` multiplies the incoming gradient depends: none for a sum, a view or a difference
    (they hand it on, or its negation), a product's other operand (``p * q``: ``d * q``),
    a quotient's denominator for its numerator (``a / b``: ``d / b``), else every one."""
    if passes_gradient(node) is not None or node.op in _SUBTRACTIONS:
        return ()
    args = node.args
    if len(args) == 2 and all(type(a).__name__ == "Ref" for a in args) and args[0].k != args[1].k:
        if node.op in _PRODUCTS:
            return (args[1].k if args[0].k == k else args[0].k,)
        if node.op in _DIVISIONS and k == args[0].k:
            return (args[1].k,)
    return range(len(node.parents))


def scales(node, k, operand_leads):
    """Whether the factor by which ``node``'s formula of parent ``k`` multiplies the
    incoming gradient leads to an input (``operand_leads(j)``: parent ``j`` does)."""
    return any(operand_leads(j) for j in _factor_parents(node, k))


def _factors(node, k, saved):
    """The saved parents (indices among ``saved``) the gradient ``node``'s formula gives
    parent ``k`` is computed from (``_factor_parents``)."""
    return [j for j in _factor_parents(node, k) if j in saved]


def _requires_grad(tensor, version, node):
    t = before_detach(tensor, node)
    return t._rg or as_of(t, version)._rg


def _gives(node, k, into, leads):
    """Whether the gradient ``node``'s formulas give its parent ``k`` leads to an input
    (``into``: the incoming one does; ``leads``: per parent, whether it does): where the
    incoming one does or a parent its factor depends on (``_factor_parents``) does."""
    return into or any(leads[j] for j in _factor_parents(node, k))


def _feeding(slots):
    """Per slot, whether the gradient into it reaches a node's formulas (through sums, and
    through nodes that hand it on as it is: ``v + a``'s gradient reaching only the
    returned gradients is saved by no formula)."""
    feeds = [False] * len(slots)
    for s, slot in enumerate(slots):        # a sum's slots come before it
        if slot[0] == "n":
            feeds[s] = passes_gradient(slot[1]) is None or any(feeds[u] for u in slot[2])
        elif slot[0] == "p":
            feeds[s] = feeds[slot[1]] or feeds[slot[2]]
    return feeds


def _reaching(slots):
    """Per slot, whether its value depends on an input of the trace."""
    found = []
    for slot in slots:
        kind = slot[0]
        found.append(kind == "x" or kind == "p" and (found[slot[1]] or found[slot[2]])
                     or kind == "n" and any(found[u] for u in slot[2]))
    return found
