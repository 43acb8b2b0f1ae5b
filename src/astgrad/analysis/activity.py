"""Activity analysis: which names carry a derivative.

A name is *varied* if it depends differentiably on a differentiated input, and
*useful* if the output depends differentiably on it; only names that are both are
*active* and get derivative code. Integers, booleans, shapes and indices never are,
because the operations producing them are non-differentiable. The analysis is
per name over the whole function, which is exact for the single-assignment names
of straight-line code and conservative inside loops.
"""

import gast

from .. import runtime
from ..core import anno, ops
from ..core.anno import Key
from ..core.ops import OpKind
from ..core import syntax as S
from ..core import walk
from ..rules import registry
from ..modes.templates import differentiable_atoms
from .mutation import may_change_its_object

# the helpers with which a derivative puts an item popped back, and takes it back again
_PUTTING_BACK = (runtime.put_back_popped, runtime.take_back_popped)


def dataflow_edges(body, describe=ops.describe):
    """(defined names, names whose derivative flows into them) for each statement
    (``describe``: ``ops.describe``, or a mode's ``ops.Descriptions`` shared by its passes)."""
    edges = []
    for stmt in walk.walk_statements(body):
        if isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            op = describe(stmt.value)
            uses = _differentiable_uses(op)
            if isinstance(target, gast.Name):
                edges.append(({target.id}, uses))
                if _may_change_its_object(stmt.value, op):      # t = obj.step(w): obj may hold w now
                    edges.append(({stmt.value.func.value.id}, uses))
            else:                                   # v[index] = value
                base = target.value.id
                edges.append(({base}, uses | {base}))
        elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
            op = describe(stmt.value)
            call = stmt.value
            if anno.get(call, Key.TARGET) in _PUTTING_BACK and isinstance(call.args[0], gast.Name):
                # a derivative's put_back_popped(xs, v): xs holds v again, as after xs.append(v)
                edges.append(({call.args[0].id}, {a.id for a in call.args[1:] if isinstance(a, gast.Name)}))
            if anno.get(call, Key.METHOD) and isinstance(call.func.value, gast.Name) and op.differentiable:
                owner = call.func.value.id
                edges.append(({owner}, {a.id for a in op.atoms() if isinstance(a, gast.Name)}))
        elif isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Tuple):
            index, item = (e.id for e in stmt.target.elts)
            edges.append(({item}, S.loaded_names(stmt.iter)))
    return edges


def _may_change_its_object(call, op):
    """Whether ``call``, whose value is assigned, is a method of no rule (a method of the
    user's class, ``t = obj.step(w)``) on a name: it may store its arguments in the object,
    as the statement ``obj.step(w)`` may, even where its value carries no derivative."""
    method = anno.get(call, Key.METHOD) if isinstance(call, gast.Call) else None
    return method is not None and isinstance(call.func.value, gast.Name) and op.differentiable \
        and may_change_its_object(method)


def _differentiable_uses(op):
    """Names whose derivative can flow into the result of ``op``."""
    if op.receiver is not None:
        # v.name(...) matched by name: every argument counts, so a differentiated value
        # passed where NumPy's method takes none (obj.sum(x): x as the axis) is seen and
        # refused rather than dropped
        others = {a.id for a in op.atoms() if isinstance(a, gast.Name) and a is not op.receiver}
        if not op.differentiable:
            return others
        return others | {a.id for a in op.atoms() if isinstance(a, gast.Name)}
    if not op.differentiable:
        return set()
    if op.kind is OpKind.CALL:
        template = registry.lookup(registry.ADJOINTS, op.key)
        if template is not None:
            args = op.args
            return {a.id for a in differentiable_atoms(template, args, op.kwargs)}
    return {a.id for a in op.atoms() if isinstance(a, gast.Name)}


def _reach(start, edges):
    """``start`` and every name reached from it along ``edges`` ((sources, targets) pairs:
    reaching any source reaches all targets), loops feeding back. A search: the edges
    leaving each name are followed once, when it is reached (passes over all edges
    until none added a name took a pass per step against the edges' order)."""
    leaving = {}
    for sources, targets in edges:
        for source in sources:
            leaving.setdefault(source, []).append(targets)
    reached = set(start)
    pending = list(reached)
    while pending:
        for targets in leaving.pop(pending.pop(), ()):
            for target in targets:
                if target not in reached:
                    reached.add(target)
                    pending.append(target)
    return reached


def active_names(body, inputs, output, describe=ops.describe):
    """Names that are varied (depend on ``inputs``) and useful (``output`` depends on them)."""
    return varied_and_active(body, inputs, output, describe)[1]


def varied_and_active(body, inputs, output, describe=ops.describe):
    """(the names that depend differentiably on ``inputs``, which forward mode
    differentiates; those of them ``output`` depends on), from one look at the statements."""
    if not inputs:      # nothing varies (a callee's value code): no statement need be looked at
        return set(), set()
    edges = dataflow_edges(body, describe)
    varied = _reach(inputs, [(uses, defs) for defs, uses in edges])
    useful = _reach({output} if output else set(), edges)
    return varied, varied & useful
