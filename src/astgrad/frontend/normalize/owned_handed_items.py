"""A list of new arrays handed to a helper that writes into its items with ``op=``:
``ys = [v.copy() for v in xs]; scale_items(ys, w)`` where ``scale_items`` runs ``ys[i]
*= w[1]``.

``op=`` on an array item changes that array in place, so where another name or item
may hold it the write is checked when it runs (runtime.item_update) and refused. In the
function's own body a list whose items are each the only reference to their array
(fresh_items.owns_its_items) is written without the check; in a helper the parameter's
name says nothing of what it is given. Here the parameter of an inlined helper is
noted as owning its items where both sides show it:

- the caller binds the list once, to a display or comprehension of arrays made new
  there (``[v.copy() for v in xs]``, ``[w * 1.0, np.sin(w)]``), hands it to this helper
  by one positional argument of one call, and uses it otherwise only as
  fresh_items.py allows (an item into an operator, ``len``, an item written);
- the helper never binds the parameter again and uses it only so too (``ys[i] *= c``,
  ``ys[i][0] = v``, ``len(ys)``, ``ys[i] * w``): it hands neither the list nor an item
  to anything that could keep it.

An item shared with an argument or a global (``[w, np.sin(w)]``), the same array twice
(``[u, u]``), a list the caller reads into a name or hands on: the check stays."""

import gast

from ...core import syntax as S
from .fresh_items import _new_items, _safe_use, in_local_function


def note_owned_parameter(normalizer, renamed, param, value, helper, call):
    """Note the helper's parameter ``param`` (``renamed`` in the code made) as owning its
    items where ``value`` (the argument ``call`` hands it) names a list of the function's
    own whose items nothing else holds (the module docstring)."""
    if normalizer.inlining or not isinstance(value, gast.Name) or not isinstance(helper, gast.FunctionDef):
        return
    positional = [a for a in call.args if isinstance(a, gast.Name) and a.id == value.id]
    if len(positional) != 1 or any(isinstance(kw.value, gast.Name) and kw.value.id == value.id
                                   for kw in call.keywords):
        return
    if _helper_keeps_items(helper, param) and _caller_keeps_items(normalizer, value.id, helper.name):
        normalizer.__dict__.setdefault("_owned_parameters", set()).add(renamed)


def owns_handed_items(normalizer, node):
    """Whether ``node`` names a helper's parameter noted by ``note_owned_parameter``."""
    return isinstance(node, gast.Name) and node.id in normalizer.__dict__.get("_owned_parameters", ())


def _helper_keeps_items(helper, param):
    """Whether the helper's tree never binds ``param`` but as its parameter and uses it
    only as fresh_items.py allows (no library call resolved: an item into a call keeps
    the check)."""
    parents = S.parent_nodes(helper)
    uses = [n for n in S.walk_nodes(helper) if isinstance(n, gast.Name) and n.id == param]
    if any(isinstance(n, (gast.Global, gast.Nonlocal)) and param in n.names for n in S.walk_nodes(helper)):
        return False
    return all(isinstance(n.ctx, gast.Param) and parents.get(parents.get(n)) is helper
               or isinstance(n.ctx, gast.Load) and not in_local_function(n, parents, helper)
               and _safe_use(n, parents, _resolves_nothing)
               for n in uses)


def _caller_keeps_items(normalizer, name, helper_name):
    """Whether ``name`` in the function's own tree is bound once to a display or
    comprehension of new arrays and used, but in the one call of ``helper_name`` it is
    handed to, only as fresh_items.py allows."""
    tree, resolve = normalizer.source.tree, normalizer.resolve_call
    parents = S.parent_nodes(tree)
    uses = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and n.id == name]
    bindings = [n for n in uses if not isinstance(n.ctx, gast.Load)]
    if len(bindings) != 1 or any(in_local_function(n, parents, tree) for n in uses) \
            or any(isinstance(n, (gast.Global, gast.Nonlocal)) and name in n.names for n in S.walk_nodes(tree)):
        return False
    binding = parents.get(bindings[0])
    if not (isinstance(binding, gast.Assign) and binding.targets == [bindings[0]] and _new_items(binding.value, resolve)):
        return False
    handed = [n for n in uses if _handed_to(n, parents, helper_name)]
    return len(handed) == 1 and all(n is bindings[0] or n is handed[0] or _safe_use(n, parents, resolve)
                                    for n in uses)


def _handed_to(node, parents, helper_name):
    call = parents.get(node)
    return isinstance(call, gast.Call) and node in call.args and isinstance(call.func, gast.Name) \
        and call.func.id == helper_name


def _resolves_nothing(call):
    return None
