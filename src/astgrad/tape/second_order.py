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

PyTorch's later backward runs only the formulas recorded for the gradients it
differentiates: each read is kept with the inputs of the first backward whose gradient
its formula feeds (``a / b`` reads ``a`` in the gradient of ``b`` only,
versions.formula_readers), the gradients returned are marked with their input
(``mark``), and a later backward checks the reads of the gradients it goes through,
where the formula's node runs (formula_runs.py: ``d * cos(x)`` reads ``x`` only where
``x`` leads to one of that backward's inputs).
"""

from .detached import as_before
from .formula_runs import NONE, OPERANDS, PRODUCT, SELF, Runs, gate, gradient_readers, passes_gradient, saves_gradient
from .graph import next_seq
from .history_reads import reads_changed, taken_from_history
from .record import TensorBase
from .versions import as_of, changed_error, detached_saved_error, formula_readers, saved_reads

__all__ = ["FirstOrder", "first_order_of", "check", "mark", "gradients_met", "is_marked"]

_MARK = "gradient_of"       # a returned gradient's key in ``tensor._x``: (FirstOrder, mask of its inputs)


class FirstOrder:
    """What the recorded gradient of one backward pass reads of the graph it differentiated."""

    __slots__ = ("read", "roots", "inherited", "watched", "seq", "slots", "outputs", "seeds", "inputs")

    def __init__(self, read, roots, inherited, watched, tr, seeds):
        self.seq = next_seq()       # when it was made, in recording order (for detach_() since)
        self.watched = watched      # [(tensor, tensor._vc[0])]: the graph's tensors, to skip an unchanged one's walk
        self.read = read            # [(tensor, version, mask, slot, gate)]: what the formulas read (tensor._version)
        # [(tensor, version, mask, slot, fed)]: saved tensors that have a history (tensor._vc[0]);
        # fed: for a product's operand, the slots of the gradients its formulas d * x give, for
        # a quotient's numerator (OPERANDS, the quotient's node), else None
        self.roots = roots
        self.inherited = inherited  # [(FirstOrder, mask)]: the recorded gradients it went through
        # for which formula nodes a later backward runs (formula_runs.py)
        self.slots, self.outputs, self.seeds = tr.slots, tr.outputs, seeds
        # the ids of its inputs: which formulas of a gradient it differentiated it recorded (formula_runs.py)
        self.inputs = frozenset(id(t) for _, t in tr.reached if isinstance(t, TensorBase))


def first_order_of(tr, seeds):
    """The ``FirstOrder`` of a backward pass over trace ``tr`` (program.py) seeded with
    ``seeds``, or None if its recorded gradient reads nothing that can change."""
    slots = tr.slots
    varies = [False] * len(slots)       # whether the gradient flowing into a slot depends on the inputs
    reach = _inputs_reached(tr)
    if any(getattr(s, "_rg", False) for s in seeds):
        for s in tr.outputs:
            varies[s] = True
    read, roots, inherited, watched = [], [], [], []
    given = [()] * len(slots)   # per slot: the seeds (grad_outputs) its incoming gradient is, or views of them
    alone = _single_gradient(tr, reach)
    for s, seed in zip(tr.outputs, seeds):
        if isinstance(seed, TensorBase) and alone[s]:
            given[s] += (seed,)
    met = gradients_met([slot[4] for slot in slots if slot[0] == "n" and is_marked(slot[4])])
    for s in range(len(slots) - 1, -1, -1):
        slot = slots[s]
        if slot[0] == "p":          # a sum of two slots: the gradient flows into each
            varies[slot[1]] = varies[slot[1]] or varies[s]
            varies[slot[2]] = varies[slot[2]] or varies[s]
            for u in slot[1:]:
                if alone[u]:
                    given[u] += given[s]
            continue
        if slot[0] != "n":
            continue
        _, node, used, _, t = slot
        watched.append((t, t._vc[0]))
        watched.extend((p, p._vc[0]) for p in node.parents)
        watched.extend((c, c._vc[0]) for _, c, _ in node.constants or ())
        saves = saved_reads(node, t)
        if node.generated:      # a recorded gradient differentiated again: what it read
            earlier = node.first_order
            if earlier is not None and all(earlier is not e for e, _ in inherited):
                inherited.append((earlier, met.get(id(earlier))))
        else:
            _note_saved_reads(node, used, reach, saves, s, varies[s], read, roots)
        flows = varies[s] or any(tensor._rg for tensor, *_ in saves)
        if given[s]:
            _seed_reads(node, used, reach, given, s, saves, read, alone)
        for u in used:
            varies[u] = varies[u] or flows
    if not (read or roots or inherited):
        return None
    return FirstOrder(read, roots, inherited, watched, tr, seeds)



def _note_saved_reads(node, used, reach, saves, s, varies, read, roots):
    """Note in ``read`` (and ``roots``, for a tensor with a history of its own) each value
    ``saves`` that the recorded formulas of ``node`` (slot ``s``, its incoming gradient
    depending on the inputs where ``varies``) read to feed some input's gradient."""
    for tensor, version, product, k in saves:
        mask = 0        # the inputs whose gradient a formula reading it feeds
        fed = []        # the slots those gradients flow into
        for reader in formula_readers(node, k):
            if reach[used[reader]]:
                mask |= reach[used[reader]]
                fed.append(used[reader])
        if not mask:    # no input's gradient: PyTorch computes none of these formulas
            continue
        how = gate(node, k)     # which formula node reads it (formula_runs.py)
        if (varies or not product or how == OPERANDS) and how != NONE:
            # its version as PyTorch counts it (not .data writes)
            gated = (SELF, version, node) if how == SELF else (OPERANDS, node) if how == OPERANDS else \
                (PRODUCT, tuple(fed), version, node) if product else None
            read.append((tensor, tensor._version, mask, s, gated))
        if tensor._node is not None and tensor._rg:
            # fed: the slots the formulas d * x of a product's operand (or of exp's output) feed,
            # a quotient's node for its numerator, or how cos(x) of d * cos(x) saved it
            fed = fed if product else (OPERANDS, node) if how == OPERANDS and k is not None else \
                (SELF, version, node, tensor) if how == SELF else None
            roots.append((tensor, version, mask, s, fed))

def _single_gradient(tr, reach):
    """Per slot of ``tr``, whether one gradient flows into it: PyTorch's backward with
    create_graph=True adds two into a new tensor."""
    count = [0] * len(tr.slots)
    for s in tr.outputs:
        count[s] += 1
    for slot in tr.slots:
        if slot[0] == "p":
            count[slot[1]] += 1
            count[slot[2]] += 1
        elif slot[0] == "n":
            for u in slot[2]:
                if reach[u]:        # PyTorch computes no gradient leading to no input
                    count[u] += 1
    return [n == 1 for n in count]


def _seed_reads(node, used, reach, given, s, saves, read, alone):
    """The seeds (``given[s]``) reaching node slot ``s``: handed on to its parents'
    slots, or saved by its formulas (as ``grad`` in ``grad * cos(x)``) where another of
    their operands requires grad."""
    passed = passes_gradient(node)
    if passed is not None:
        for k in passed:
            if alone[used[k]]:
                given[used[k]] += given[s]
        return
    if not saves_gradient(node) or not any(tensor._rg for tensor, *_ in saves):
        return
    mask = 0
    for k in gradient_readers(node):
        mask |= reach[used[k]]
    if mask:
        read.extend((seed, seed._version, mask, s, None) for seed in given[s])


def _inputs_reached(tr):
    """Per slot of ``tr``, a mask of the inputs (bit i: ``tr.reached[i]``, the order of
    the gradients returned) its value depends on."""
    bit = {}
    for n, (i, _) in enumerate(tr.reached):     # an input met twice (a probe) has two gradients
        bit[i] = bit.get(i, 0) | 1 << n
    reach = []
    for slot in tr.slots:
        kind = slot[0]
        if kind == "x":
            reach.append(bit[slot[1]])
        elif kind == "p":
            reach.append(reach[slot[1]] | reach[slot[2]])
        elif kind == "n":
            mask = 0
            for u in slot[2]:
                mask |= reach[u]
            reach.append(mask)
        else:
            reach.append(0)
    return reach


def mark(first_order, gradients):
    """Mark the gradients a backward returned (in ``tr.reached`` order) as those of the
    inputs they are for, so a later backward checks only their formulas' reads."""
    if first_order is None:
        return
    for n, g in enumerate(gradients):
        if not isinstance(g, TensorBase):
            continue
        if g._x is None:
            g._x = {}
        was = g._x.get(_MARK)
        mask = 1 << n
        if was is not None and was[0] is first_order:
            mask |= was[1]
        g._x[_MARK] = (first_order, mask)


def gradients_met(tensors):
    """{id(FirstOrder): the mask of the inputs whose marked gradients are among ``tensors``}."""
    met = {}
    for t in tensors:
        first_order, mask = t._x[_MARK]
        met[id(first_order)] = met.get(id(first_order), 0) | mask
    return met


def is_marked(t):
    """Whether ``t`` is a gradient ``mark`` marked."""
    x = t._x
    return bool(x) and _MARK in x


_CLONE = (" The gradient was recorded with create_graph=True and reads that tensor as it was then: "
          "change a clone() of it instead, or compute the gradient again after the change.")


def check(first_order, walk, done, mask=None, reaches=None, leads=None):
    """Raise PyTorch's error if a tensor ``first_order`` reads changed in place since,
    saying what to do; ``walk(tensors)`` runs the checks of the graph that computed them
    (program.py); ``mask``: the inputs whose gradients the backward goes through (None:
    all); ``done``: (id of a record, mask) checked in this backward pass; ``reaches(t)``:
    whether ``t`` leads to one of the backward's inputs (None: every formula runs);
    ``leads(t, ids)``: whether ``t`` leads to a tensor of those ids (None: taken as yes)."""
    try:
        _check(first_order, walk, done, mask, reaches, leads)
    except RuntimeError as error:
        message = str(error)
        if "modified by an inplace operation" not in message or message.endswith(_CLONE):
            raise
        raise RuntimeError(message + _CLONE) from None


def _check(first_order, walk, done, mask, reaches=None, leads=None, later=None, live=None, seeded=None):
    """``later``: the record of the later backward that differentiated ``first_order``'s
    recorded gradient (None: this one's own); ``live()``: whether that backward's gradient
    of it may lead to this one's inputs (asked only where a read tensor changed)."""
    # one record may be met through two masks (a later order's and its own), or two later backwards
    key = (id(first_order), mask) if later is None else (id(first_order), mask, id(later))
    if key in done:
        return
    done.add(key)
    seq = first_order.seq
    runs = None if reaches is None else Runs(reaches, None if later is None else (later.inputs, leads, live, seeded))
    for tensor, version, feeds, s, gated in first_order.read:
        if mask is not None and not feeds & mask:
            continue        # read by formulas of other gradients only: not run
        detached = as_before(tensor, seq) is not tensor
        if not detached and tensor._version == version:
            continue
        if runs is not None and not runs.reads(first_order, s, tensor, gated):
            continue        # its formula's node is not on a path to the inputs: not run
        if detached:
            raise detached_saved_error()
        raise changed_error(tensor, version)
    roots = [(as_of(as_before(tensor, seq), version), s, fed) for tensor, version, feeds, s, fed in first_order.roots
             if mask is None or feeds & mask]
    if roots and _changed_since(first_order):
        walked = []
        for root, s, fed in roots:
            walks = runs is None or runs.walks(first_order, s, fed)
            if walks and later is None:
                walked.append(root)
                continue
            # the later backward's formulas over its history run where the gradient
            # they take leads to this one's inputs, reading what they saved (history_reads.py)
            into = (True, True) if runs is None else runs.gives_saved(first_order, s, fed)
            error = reads_changed(root, later.inputs, leads, reaches, into)
            if error is not None and error is not False:
                raise error
            if error is None or walks:
                walked.append(root)
            else:       # the history's nodes its formulas lead into
                walked.extend(taken_from_history(root, later.inputs, leads, reaches))
        if walked:
            walk(walked)
    # the formulas of those gradients only, where their nodes run in this backward (a third
    # order's: d * -sin(a) reads a only where a leads to one of its inputs)
    for earlier, gradients in first_order.inherited:
        live = (lambda: True) if runs is None else (lambda earlier=earlier: runs.differentiates(first_order, earlier))
        seeded = (lambda: True) if runs is None else (lambda earlier=earlier: runs.seeds(first_order, earlier, is_marked))
        _check(earlier, walk, done, gradients, reaches, leads, first_order, live, seeded)


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
