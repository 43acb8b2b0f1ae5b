"""The forms of writes through views that are rewritten, before views.py, as ones it
follows: a view handed to a helper writing into it (handed_views.py), an unpacking
assignment writing into an array from views of it (unpacked_views.py), and names NumPy
gives an array back as itself under (same_arrays.py). Each statement list of the function
is looked at once; nested functions and classes are left to their own passes.
"""

import gast

from .handed_views import handed_view_call
from .same_arrays import ArrayFacts, same_array_statements
from .unpacked_views import unpacked_view_writes


def rewrite_view_forms(normalizer, tree, nodes):
    """Rewrites the forms in ``tree`` (see the module doc); whether any was."""
    facts = ArrayFacts(tree, nodes)
    return _block(normalizer, tree.body, facts)


def _block(normalizer, stmts, facts):
    changed = False
    out = []
    for stmt in stmts:
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and not isinstance(stmt, (gast.FunctionDef, gast.AsyncFunctionDef,
                                                                   gast.ClassDef)):
                changed = _block(normalizer, inner, facts) or changed
        for handler in getattr(stmt, "handlers", ()):
            changed = _block(normalizer, handler.body, facts) or changed
        new = handed_view_call(normalizer, stmt) or unpacked_view_writes(normalizer, stmt) \
            or same_array_statements(normalizer, stmt, facts)
        changed = changed or new is not None
        out.extend(new if new is not None else [stmt])
    stmts[:] = out
    return changed
