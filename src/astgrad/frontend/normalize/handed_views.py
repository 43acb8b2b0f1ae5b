"""A view handed to a helper that writes into it: ``_scale_into(y[1:], w)``, the helper
running ``a *= w`` (or ``a[0] = v``). NumPy's ``y[1:]`` shares ``y``'s memory, so the
helper's write changes ``y``. Helpers are inlined after views.py has followed the
function's own writes through views, so the inlined write would be one into an unknown
view; the call is rewritten first, before views.py, as a write into a copy stored back:

    _scale_into(y[1:], w)   ──►   writes_through(y[1:], y, "f.py:8")
                                  y_part = y[1:].copy()
                                  _scale_into(y_part, w)
                                  y[1:] = y_part

which leaves ``y`` as NumPy's view would (the helper changes nothing else: it only writes
elements of what it is handed, foreign.py) and lets views.py show the write to ``y``'s
other views. ``writes_through`` refuses, when the code runs, an ``y`` whose ``y[1:]`` is
no view of it (a list's slice is a new list, which the helper's write leaves ``y``
without). Done only for a call standing as a statement (its value unused, so the helper
cannot hand the view back), whose index is basic slicing (a slice, ``...`` or ``None`` in
it: of an array, always a view) of names and constants, read again unchanged after the
call, and whose other arguments do not read ``y`` but in arithmetic (``w * y[0, 0]``, a
new value; two views of one array handed to a helper writing into one stay refused);
``view_handed_apart`` refuses, when the code runs, another argument holding ``y``'s memory
under another name (``u = y; h(y[1:], u)``), which would see the helper's writes while it
runs.
"""

import gast

from ... import runtime
from ...core import syntax as S
from .copied_view_writes import at_line
from .foreign import writes_elements_of_arguments

_INDEX_PARTS = (gast.Name, gast.Constant, gast.Slice, gast.UnaryOp, gast.BinOp, gast.Tuple, gast.operator,
                gast.unaryop, gast.expr_context)


def sure_view(node):
    """Whether ``node`` is ``name[index]`` with ``index`` basic slicing of names and
    constants: a view wherever ``name`` is an array."""
    if not (isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name)):
        return False
    index = node.slice
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    if not all(isinstance(sub, _INDEX_PARTS) for sub in S.walk_nodes(index)):
        return False
    if any(isinstance(p, gast.Constant) and not (p.value is None or p.value is Ellipsis or type(p.value) is int)
           for p in parts):
        return False
    if any(isinstance(p, (gast.Name, gast.BinOp, gast.UnaryOp)) for p in parts):
        return False        # (a name may hold an index array, whose read is a copy)
    return any(isinstance(p, gast.Slice) or isinstance(p, gast.Constant) and (p.value is None or p.value is Ellipsis)
               for p in parts)


def handed_view_call(normalizer, stmt):
    """The statements replacing ``stmt`` where it is a call of a helper writing into a
    view it is handed (see the module doc); None otherwise."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if not isinstance(call, gast.Call):
        return None
    args = call.args + [k.value for k in call.keywords]
    handed = [k for k, a in enumerate(args) if sure_view(a)]
    if len(handed) != 1 or any(isinstance(a, gast.Starred) for a in call.args) \
            or any(k.arg is None for k in call.keywords):
        return None
    view = args[handed[0]]
    base = view.value.id
    if any(base in S.names_in(a) and not _new_value(a) for k, a in enumerate(args) if k != handed[0]):
        return None
    if not writes_elements_of_arguments(normalizer, normalizer.resolve_call(call)):
        return None
    part = normalizer.namer.fresh(base + "_part")
    normalizer.locals.add(part)
    normalizer.bound_count[part] += 1
    where = normalizer.source.place(stmt)
    check = S.expr_stmt(normalizer.runtime_call(runtime.writes_through, [S.copy(view), S.name(base), S.const(where)]))
    others = [S.copy(a) for a in args if a is not view and not isinstance(a, gast.Constant) and not _new_value(a)]
    apart = [S.expr_stmt(normalizer.runtime_call(runtime.view_handed_apart, [S.name(base), S.const(where)] + others))] \
        if others else []
    copied = S.assign(part, S.call(gast.Attribute(value=S.copy(view), attr="copy", ctx=gast.Load()), []))
    _replace(call, view, S.name(part))
    stored = S.assign(gast.Subscript(value=S.name(base), slice=S.copy(view.slice), ctx=gast.Store()), S.name(part))
    return [at_line(new, stmt) for new in [check] + apart + [copied, stmt, stored]]


def _new_value(node):
    """Whether ``node`` is arithmetic (``w * y[0, 0]``): a new value, never a view of the
    array it reads, read before the helper runs as Python reads its arguments."""
    return isinstance(node, (gast.BinOp, gast.UnaryOp))


def _replace(call, old, new):
    call.args = [new if a is old else a for a in call.args]
    for k in call.keywords:
        if k.value is old:
            k.value = new
