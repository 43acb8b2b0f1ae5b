"""Views views.py follows written in one expression with the view they are taken of
(``t = numpy.swapaxes(y.T, 0, 1)``, ``t = y[1:][:2]``, ``t = y.T[1:]``,
``t = y[:, 1:].swapaxes(0, 1)``): the inner view is bound to a name of its own first, as
``u = y.T; t = numpy.swapaxes(u, 0, 1)`` is, so a write through ``t`` goes back through
both views into ``y``, and a write into ``y`` is shown by both. Done only in a function
that writes into some array (an element, ``op=``, or a call of a helper writing elements of
what it is handed), so that one writing nothing is generated as before.
"""

import gast
import numpy

from ... import runtime
from ...core import anno
from ...core import syntax as S
from ...core.anno import Key
from .foreign import writes_elements_of_arguments
from .handed_list_items import name_list_items

# views of a whole array astgrad writes through: the method (or NumPy function) and the
# numbers of arguments it takes after the array (``reshape``'s method is views.py's own;
# ``numpy.reshape(y, shape)``, its function form, is here)
WHOLE_VIEWS = {"transpose": None, "swapaxes": (2,), "ravel": (0,), "squeeze": (0, 1), "moveaxis": (2,),
               "flip": (0, 1), "reshape": (1,), "ascontiguousarray": (0,), "asfortranarray": (0,)}
METHOD_VIEWS = ("transpose", "swapaxes", "ravel", "squeeze")

# names no program binds (not identifiers), for trying whether an expression is a view
_TRIAL_VIEW, _TRIAL_BASE = " view", " base"


def bind_view_of_a_view(views, target, value, stmt):
    """The statements binding ``target = value``, a view of a view expression, as two views
    (for views.ViewWrites ``views``); None where it is not one followed."""
    if not isinstance(target, gast.Name) or target.id in views.params or views.counts[target.id] != 1 \
            or not view_of_a_view(views, value) or not writes_anything(views):
        return None
    holder, field = _base_slot(value, views.normalizer.resolve_call)
    name = views.normalizer.namer.fresh(target.id + "_of")
    views.normalizer.locals.add(name)
    views.counts[name] = 1
    if target.id in views.last_read:     # read wherever the view is: its expression names it
        views.last_read[name] = views.last_read[target.id]
    out = views.view_binding(S.name(name, store=True), _get_slot(holder, field), stmt)
    _set_slot(holder, field, S.name(name))
    return out + views.bind_view(views.view_of(target, value), stmt)


def view_of_a_view(views, value):
    """Whether ``value`` is a view followed of a view expression followed (trying each with
    names bound once in place of the view and its base)."""
    holder, field = _base_slot(value, views.normalizer.resolve_call)
    inner = _get_slot(holder, field)
    if not isinstance(inner, (gast.Subscript, gast.Attribute, gast.Call)):
        return False
    views.counts[_TRIAL_VIEW] = views.counts[_TRIAL_BASE] = 1
    _set_slot(holder, field, S.name(_TRIAL_BASE))
    outer = views.view_of(S.name(_TRIAL_VIEW, store=True), value)
    _set_slot(holder, field, inner)
    inner_view = outer and views.view_of(S.name(_TRIAL_VIEW, store=True), inner)
    for name in (_TRIAL_VIEW, _TRIAL_BASE):
        views.counts.pop(name, None)
    if outer is None or not _surely_a_view(inner, inner_view):
        return False
    return inner_view is not None or view_of_a_view(views, inner)


def _surely_a_view(inner, view):
    """Whether the inner view expression is a view of an array wherever it names one: an
    index with a slice, ``...`` or ``None`` in it, not ``c[0]`` (ints alone), which of a list
    is its item (left to the list's own refusals), as foreign.py's views of a parameter."""
    kind = view.kind if view is not None else None
    if kind != "index" and not (view is None and isinstance(inner, gast.Subscript)):
        return True
    index = inner.slice
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return any(isinstance(p, gast.Slice) or isinstance(p, gast.Constant) and (p.value is Ellipsis or p.value is None)
               for p in parts)


def writes_anything(views):
    """Whether the function writes into an array: an element, ``op=``, or a call of a
    helper writing elements of what it is handed (asked once, where first needed)."""
    if not views.writes and views.calls:
        resolve = views.normalizer.resolve_call
        views.writes = any(writes_elements_of_arguments(views.normalizer, resolve(call)) for call in views.calls
                           if call.args or call.keywords)
        views.calls = []
    return views.writes


def written_by_helper(views, stmt):
    """The arrays with views bound before that ``stmt``, a call of a helper writing elements
    of what it is handed (``h(y, w)`` running ``t = y[:2]; t[0] = e``, or ``y[0] = e``:
    inlined), may write into: their views are read again after it."""
    call = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
    if not isinstance(call, gast.Call) or not views.visible:
        return []
    bases = {views.views[name].base for name in views.visible}
    if any(isinstance(a, gast.Subscript) for a in call.args + [k.value for k in call.keywords]) \
            and writes_elements_of_arguments(views.normalizer, views.normalizer.resolve_call(call)):
        name_list_items(views, call)        # scale(ys[0], w) for ys = [y]: scale(y, w)
    handed = [a.id for a in call.args + [k.value for k in call.keywords]
              if isinstance(a, gast.Name) and a.id in bases and a.id not in views.views]
    if not handed or not writes_elements_of_arguments(views.normalizer, views.normalizer.resolve_call(call)):
        return []
    return list(dict.fromkeys(handed))


def _base_slot(value, resolve_call):
    """Where a view expression ``value`` names the array it views: (node, field), the
    field an attribute name or a position in the node's args; (None, None) if no view."""
    if isinstance(value, gast.Subscript) or isinstance(value, gast.Attribute) and value.attr == "T":
        return value, "value"
    if isinstance(value, gast.Call) and layout_order(value) is not None:
        found = resolve_call(value)
        if value.args and callable(found) and any(getattr(numpy, k) is found for k in WHOLE_VIEWS):
            return value, 0
        if isinstance(value.func, gast.Attribute) and value.func.attr in METHOD_VIEWS + ("reshape",):
            return value.func, "value"
    return None, None


def layout_order(call):
    """The ``order`` a view call is given, ``numpy.reshape(y, -1, order="F")`` (``"C"`` or
    ``"F"``, as a constant, or the call ``any_order(y)`` naming the order ``"A"`` stands
    for, any_orders.py); "" where it is given no keyword; None where it is given another
    (a view astgrad does not follow)."""
    if not call.keywords:
        return ""
    given = call.keywords[0]
    if len(call.keywords) != 1 or given.arg != "order":
        return None
    if isinstance(given.value, gast.Constant) and given.value.value in ("C", "F"):
        return given.value.value
    return given.value if anno.get(given.value, Key.TARGET) is runtime.any_order else None


def _get_slot(holder, field):
    if holder is None:
        return None
    return holder.args[field] if isinstance(field, int) else getattr(holder, field)


def _set_slot(holder, field, node):
    if isinstance(field, int):
        holder.args[field] = node
    else:
        setattr(holder, field, node)
