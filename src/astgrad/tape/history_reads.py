"""What a second backward's recorded formulas read of a saved operand's history.

A gradient recorded with ``create_graph=True`` (the first backward) multiplies by a
product's saved operand ``x`` (``d * x``), and a second backward with
``create_graph=True`` that goes through that formula runs ``x``'s own history (the
nodes that computed ``x``), recording their formulas in turn. A third backward runs
those formulas where they lie on a path to its inputs, and each reads what it saved:
``x = a * v`` differentiated with respect to ``a`` records ``g * v``, which reads ``v``
and never ``a``, while ``x = a / v`` with respect to ``v`` records ``-g * ((a / v) / v)``,
which reads ``a``. The third backward itself runs ``x``'s history only where one of its
nodes leads into it (formula_runs.Runs.walks); otherwise ``reads_changed`` says whether
the second backward's formulas over that history read a tensor changed in place since,
in a node the third backward runs.

A formula node the second backward recorded over that history (``g * v``) runs where
the gradient ``g`` it takes, or an operand it multiplies by, leads to the third
backward's inputs. ``g`` does where the gradient the second backward gave ``x`` does
(the caller says, from the formulas that saved ``x``: ``into``), or a factor between
``x`` and the node does (``x = a * a + 1`` differentiated to ``a`` and then to ``v``:
``g * a`` runs for neither, ``a`` changed since is not read). It keeps on the safe side
where it cannot tell: a node of a recorded gradient or of a method recorded as several
operations (saved_composites.py) in that history is left to the walk of the graph (None).
"""

from .detached import before_detach
from .formula_runs import NONE, OPERANDS, SELF, gate, scales
from .versions import as_of, changed_error, formula_readers, saved_by, saves_other

__all__ = ["reads_changed", "taken_from_history"]


def reads_changed(x, ids, leads, reaches, into=(True, True)):
    """PyTorch's error if a formula the second backward (inputs ``ids``; ``leads(t,
    ids)``: whether ``t`` leads to one of them) recorded over the history of ``x`` (as
    the first backward saved it) reads a tensor changed since and this backward runs it
    (``reaches(t)``: whether ``t`` leads to one of its inputs); False where none does;
    None where it cannot tell. ``into``: whether the gradient the second backward gave
    ``x`` may lead to this backward's inputs, whether it may require grad."""
    seen = set()        # (tensor id, into): a tensor met again with a gradient that leads is looked at again
    stack = [(x, into)]
    while stack:
        t, into = stack.pop()
        node = t._node
        if (id(t), into) in seen or node is None or id(t) in ids or not leads(t, ids):
            continue        # the second backward ran no formula of it
        seen.add((id(t), into))
        if node.generated or getattr(node, "saved", None):
            return None
        parents = [as_of(before_detach(p, node), v) for p, v in zip(node.parents, node.versions)]
        error = _changed_read(t, node, parents, ids, leads, reaches, into)
        if error is not None:
            return error
        # the gradient each parent gets: the one taken, times a factor that may lead to the
        # inputs (that may require grad)
        operand_leads = lambda j: parents[j]._rg and reaches(parents[j])     # noqa: E731
        operand_rg = lambda j: parents[j]._rg     # noqa: E731
        for k, p in enumerate(parents):
            stack.append((p, (into[0] or scales(node, k, operand_leads), into[1] or scales(node, k, operand_rg))))
    return False


def _changed_read(t, node, parents, ids, leads, reaches, into):
    """The error for a tensor ``node``'s recorded formulas read, changed since, in a
    formula node this backward runs (``into``: whether the gradient it takes may lead to
    this backward's inputs, may require grad); else None."""
    saved, constants, output = saved_by(node)
    computed = [k for k, p in enumerate(parents) if p._rg and leads(p, ids)]   # the gradients made
    for k in saved:
        p, version = node.parents[k], node.versions[k]
        if p._vc[0] == version and p is before_detach(p, node):
            continue
        if not any(r in computed for r in formula_readers(node, k)):
            continue        # read by the formulas of gradients not computed only
        if saves_other(node):
            # e * x saves x only where the gradient e requires grad, and runs where e or x leads
            if into[1] and (into[0] or parents[k]._rg and reaches(parents[k])):
                return changed_error(p, version)
        elif _runs(gate(node, k), parents[k], parents, reaches, into[0]):
            return changed_error(p, version)
    if constants and computed:
        for _, c, version in node.constants or ():
            if c._vc[0] != version:
                return changed_error(c, version)
    if output and computed and t._vc[0] != node.made_at and _runs(gate(node, None), t, parents, reaches, into[0]):
        return changed_error(t, node.made_at)
    return None


def _runs(how, tensor, parents, reaches, into):
    """Whether the formula node reading ``tensor`` (gated ``how``, formula_runs.gate) runs."""
    if how == NONE:
        return False
    if how == SELF:
        return tensor._rg and reaches(tensor)
    operands = any(p._rg and reaches(p) for p in parents)
    if how == OPERANDS:
        return operands
    return into or operands     # it takes the gradient: runs where that or an operand leads to the inputs


def taken_from_history(x, ids, leads, reaches):
    """The tensors of ``x``'s history (as the first backward saved it) that the second
    backward's formulas over it took and that lead to this backward's inputs: this
    backward runs their nodes, with their own checks (``x = exp(v * a)``: ``e * x`` takes
    ``x``, whose node and then ``v * a``'s run, reading ``v``; ``x = v * a``: ``e * a``
    takes a leaf only)."""
    seen, taken = set(), []
    stack = [x]
    while stack:
        t = stack.pop()
        node = t._node
        if id(t) in seen or node is None or id(t) in ids or not leads(t, ids):
            continue        # the second backward ran no formula of it
        seen.add(id(t))
        parents = [as_of(before_detach(p, node), v) for p, v in zip(node.parents, node.versions)]
        saved, _, output = saved_by(node)
        computed = [k for k, p in enumerate(parents) if p._rg and leads(p, ids)]   # the gradients made
        for k in saved:
            p = parents[k]
            if p._node is not None and p._rg and reaches(p) and any(r in computed for r in formula_readers(node, k)):
                taken.append(p)
        if output and computed and t._rg and reaches(t):
            taken.append(t)
        stack.extend(parents)
    return taken
