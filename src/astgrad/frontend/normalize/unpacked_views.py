"""Unpacking assignments writing into an array whose right side holds views of it:
``y[:2], y[2:4] = y[2:4], y[:2]``. Python evaluates the right side first (two views of
``y``), then writes ``y[:2]``, then ``y[2:4]``, from the view ``y[:2]``, which by then
shows the first write: NumPy's result is no swap (``y[2:4]`` keeps its values, copied
into ``y[:2]`` too). Rewritten, before views.py, in that order with names of its own:

    y[:2], y[2:4] = y[2:4], y[:2]   ──►   y_part = y[2:4]
                                          y_part_1 = y[:2]
                                          y[:2] = y_part
                                          y[2:4] = y_part_1

so views.py follows each name as the view it is (read again after each write into
``y``), which gives exactly NumPy's result. Done where a target writes into an item
(``c[k]``) and an element of the right side is a view (views.py's forms: basic slicing of
a name); its other elements are bound too, each where Python evaluates it, before any
write. Nested or starred targets are left as they are.
"""

import gast

from ...core import syntax as S
from .copied_view_writes import at_line
from .handed_views import sure_view


def unpacked_view_writes(normalizer, stmt):
    """The statements replacing ``stmt`` where it is such an assignment (see the module
    doc); None otherwise."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1):
        return None
    target, value = stmt.targets[0], stmt.value
    if not (isinstance(target, (gast.Tuple, gast.List)) and isinstance(value, (gast.Tuple, gast.List))
            and len(target.elts) == len(value.elts)):
        return None
    if not all(isinstance(t, (gast.Name, gast.Subscript)) for t in target.elts) \
            or any(isinstance(v, gast.Starred) for v in value.elts):
        return None
    if not any(isinstance(t, gast.Subscript) for t in target.elts) or not any(sure_view(v) for v in value.elts):
        return None
    names = []
    out = []
    for element in value.elts:
        hint = element.value.id + "_part" if isinstance(element, gast.Subscript) \
            and isinstance(element.value, gast.Name) else "value"
        name = normalizer.namer.fresh(hint)
        normalizer.locals.add(name)
        normalizer.bound_count[name] += 1
        names.append(name)
        out.append(S.assign(name, element))
    for written, name in zip(target.elts, names):
        out.append(S.assign(written, S.name(name)))
    return [at_line(new, stmt) for new in out]
