"""Which loop temporaries the reverse loop recomputes instead of saving.

Saving a value inside a loop costs a push and a pop per iteration. A temporary
that one cheap operation makes from the loop index, constants and values the
loop leaves alone can simply be computed again at the start of each reverse
iteration. The save planner (``saves``) asks this module for them; the adjoint
sweep emits copies of the chosen statements.
"""

import collections
import math

import gast

from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from .mutation import names_changed_in_place


def recomputable(loop, body, store_counts, loads=None):
    """The temporaries of ``loop`` (a for loop over a name) cheaper to recompute than to
    save: one arithmetic operation or indexing on the loop index, constants and values
    the loop does not change, used only later in the same iteration (``t = 0.1 * i``,
    ``x_t = xs[t]``, ``cond = i > 1``). ``body`` is the whole function body and
    ``store_counts`` says how often each name is assigned; ``loads`` (``load_counts``
    of ``body``, counted once for all its loops) how often each is read."""
    outside = None
    changed_in_loop = S.stored_names(gast.Module(body=loop.body, type_ignores=[])) \
        | names_changed_in_place(loop.body)
    available = {loop.target.id}
    chosen = []
    for position, stmt in enumerate(loop.body):
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
                and _cheap(stmt.value)):
            continue
        name = stmt.targets[0].id
        operands = [n for n in S.walk_nodes(stmt.value) if isinstance(n, (gast.Name, gast.Constant))]
        if store_counts.get(name, 0) != 1 or name in S.loaded_names(stmt.value):
            continue
        if not all(isinstance(n, gast.Constant) or n.id in available or
                   (n.id not in changed_in_loop and store_counts.get(n.id, 0) <= 1)
                   for n in operands):
            continue
        earlier = gast.Module(body=loop.body[:position], type_ignores=[])
        if outside is None:
            outside = _loads_outside(loop, body if loads is None else loads)
        if name in S.loaded_names(earlier) or name in outside:
            continue
        chosen.append(stmt)
        available.add(name)
    return chosen


def _cheap(value):
    """An operator, a comparison, indexing, or a ``math`` function on numbers."""
    return isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.Subscript)) \
        or _is_math_call(value)


def load_counts(body):
    """How often each name is read in ``body`` (a Counter)."""
    return collections.Counter(n.id for n in S.name_nodes(gast.Module(body=body, type_ignores=[]))
                               if isinstance(n.ctx, gast.Load))


def _loads_outside(loop, loads):
    """Names read anywhere in the function outside ``loop``'s body; ``loads`` is the
    function's body, or its ``load_counts``."""
    if not isinstance(loads, collections.Counter):
        loads = load_counts(loads)
    inside = load_counts(loop.body)
    return {name for name, count in loads.items() if count > inside.get(name, 0)}


def _is_math_call(value):
    """A call of a ``math`` function: on numbers, cheaper to redo than to save."""
    target = anno.get(value, Key.TARGET) if isinstance(value, gast.Call) else None
    return target is not None and getattr(target, "__module__", None) == "math" \
        and getattr(math, getattr(target, "__name__", ""), None) is target and not value.keywords
