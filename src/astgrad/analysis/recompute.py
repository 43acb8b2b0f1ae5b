"""Which loop temporaries the reverse loop recomputes instead of saving.

Saving a value inside a loop costs a push and a pop per iteration. A temporary
that one cheap operation makes from the loop index, constants and values the
loop leaves alone can simply be computed again at the start of each reverse
iteration. The save planner (``saves``) asks this module for them; the adjoint
sweep emits copies of the chosen statements.
"""

import math

import gast

from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from .mutation import names_changed_in_place
from ..core.first_use import imported_when_called

# modules only some functions need, loaded with the first call of these (core/first_use.py)
reverse_reads_value = imported_when_called("astgrad.analysis.adjoint_reads", "reverse_reads_value")


def recomputable(loop, body, store_counts, body_loads=None, stored=None):
    """The temporaries of ``loop`` (a for loop over a name) cheaper to recompute than to
    save: one arithmetic operation or indexing on the loop index, constants and values
    the loop does not change, used only later in the same iteration (``t = 0.1 * i``,
    ``x_t = xs[t]``, ``cond = i > 1``). One the iteration later changes in place (``r = x
    * 1.0; r[i] = w``) only where no reverse step reads it as the write left it
    (``_read_as_written``); what is made of it is not recomputed (the copy would not see
    the write). ``body`` is the whole function body and ``store_counts`` says how often
    each name is assigned; ``body_loads`` (from ``loads(body)``, when the caller keeps it
    for several loops) how often it reads each; ``stored``, when the caller has it, the
    names the loop's body stores."""
    if stored is None:
        stored = S.stored_names(gast.Module(body=loop.body, type_ignores=[]))
    in_place = names_changed_in_place(loop.body)
    changed_in_loop = stored | in_place
    available = {loop.target.id}
    chosen = []
    earlier = set()         # the names the statements of the loop before this one read
    inside = None           # how often the loop's body reads each name (found when asked)
    for position, stmt in enumerate(loop.body):
        loaded = S.loaded_names(stmt)
        reads, earlier = earlier, earlier | loaded
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
                and _cheap(stmt.value)):
            continue
        name = stmt.targets[0].id
        if store_counts.get(name, 0) != 1 or name in loaded:   # (the target is stored, not read)
            continue
        if name in in_place and _read_as_written(loop.body[position + 1:], name):
            continue
        operands = [n for n in S.operand_nodes(stmt.value) if isinstance(n, (gast.Name, gast.Constant))]
        if not all(isinstance(n, gast.Constant) or n.id in available or
                   (n.id not in changed_in_loop and store_counts.get(n.id, 0) <= 1)
                   for n in operands):
            continue
        if inside is None:
            inside, body_loads = loads(loop.body), loads(body) if body_loads is None else body_loads
        if name in reads or body_loads.get(name, 0) > inside.get(name, 0):
            continue        # read before in the iteration, or read outside the loop
        chosen.append(stmt)
        if name not in in_place:        # (a value made of it would not see the write)
            available.add(name)
    return chosen


def _read_as_written(later, name):
    """Whether a reverse step may read ``name`` as an in-place change among ``later`` (the
    statements after its binding in the loop's body) left it: the reverse step of a
    statement from the first change on, or of a branch or loop there that names it, reads
    its value (``adjoint_reads``); the steps of the statements before the change run after
    the reverse sweep undid it."""
    for at, stmt in enumerate(later):
        if name in names_changed_in_place([stmt]):
            return any(name in S.loaded_names(s) if isinstance(s, (gast.If, gast.For, gast.While))
                       else reverse_reads_value(s, name) for s in later[at:])
    return True         # (changed in place in a nested block of an earlier statement only)


def loads(body):
    """How many times ``body`` (nested blocks included) reads each name."""
    counts = {}
    for node in S.name_nodes(gast.Module(body=body, type_ignores=[])):
        if isinstance(node.ctx, gast.Load):
            counts[node.id] = counts.get(node.id, 0) + 1
    return counts


def _cheap(value):
    """An operator, a comparison, indexing, or a ``math`` function on numbers."""
    return isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.Subscript)) \
        or _is_math_call(value)


def _is_math_call(value):
    """A call of a ``math`` function: on numbers, cheaper to redo than to save."""
    target = anno.get(value, Key.TARGET) if isinstance(value, gast.Call) else None
    return target is not None and getattr(target, "__module__", None) == "math" \
        and getattr(math, getattr(target, "__name__", ""), None) is target and not value.keywords
