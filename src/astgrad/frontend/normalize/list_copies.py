"""``q = xs.copy()`` of a name that surely holds a list, lowered as ``q = list(xs)`` is.

A list's ``copy()`` is ``list(xs)``: a new list holding the same items. Lowered as the
call it may be on any value (an array's copy is a new array whose rows the derivative
reads again after each write), so an item popped off ``q`` in a loop was taken for a row
of it, which the second order cannot follow. Where the code shows that ``xs`` is a list,
the copy is built as ``list(xs)`` is, into ``q`` itself, whose items the modes know.

``xs`` surely holds a list where every binding of it in the function (nested functions
included) is an assignment ``xs = [...]``, of a list comprehension or of ``list(...)`` (a
call of the built-in), no ``global`` or ``nonlocal`` names it, and it is no parameter:
whenever ``xs.copy()`` runs, ``xs`` holds such a list (an in-place change keeps it one).
Where the function writes into an item of ``xs`` or of the copy (``q[0] *= a``), or hands
either on whole (to a helper, which may write into its items; to another name), the call
is kept: the checks of such writes read the source or the binding of ``q``, which shows
the call."""

import builtins

import gast

from ...core import syntax as S


def copied_list(normalizer, value, copy_name):
    """``xs`` (a Name) where ``value``, bound to ``copy_name``, is ``xs.copy()`` and ``xs``
    surely holds a list, as the module's docstring says, and the function writes into no
    item of either; else None. Not in a try body, whose loops are refused."""
    if not (isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and value.func.attr == "copy"
            and isinstance(value.func.value, gast.Name) and not value.args and not value.keywords) \
            or normalizer.protected_depth:
        return None
    name, tree = value.func.value.id, normalizer.source.tree
    # (a parameter is a Name stored by gast.Param, which no assignment binds)
    stores = {id(node) for node in S.walk_nodes(tree) if isinstance(node, gast.Name) and node.id == name
              and not isinstance(node.ctx, gast.Load)}
    made = [node.value for node in S.walk_nodes(tree) if isinstance(node, gast.Assign) and len(node.targets) == 1
            and id(node.targets[0]) in stores]
    if not stores or len(made) != len(stores) or not all(_makes_a_list(normalizer, value) for value in made) \
            or any(isinstance(node, (gast.Global, gast.Nonlocal)) and name in node.names
                   for node in S.walk_nodes(tree)):
        return None
    if _items_written(tree, name) or _items_written(tree, copy_name) \
            or _handed_on(normalizer, tree, name) or _handed_on(normalizer, tree, copy_name):
        return None
    return value.func.value


def _items_written(tree, name):
    """Whether the function writes into an item of ``name`` or deeper (``name[k] = v``,
    ``name[k] op= v``, ``name[k][j] = v``): checks made of the source (``c[k] op= v`` on an
    array held by a list, normalize/statements.py) see the call of ``.copy()`` there, not
    the list the lowering builds; such copies keep the call."""
    for node in S.walk_nodes(tree):
        targets = node.targets if isinstance(node, gast.Assign) else [node.target] \
            if isinstance(node, gast.AugAssign) else ()
        for target in targets:
            while isinstance(target, (gast.Subscript, gast.Attribute)):
                target = target.value
                if isinstance(target, gast.Name) and target.id == name:
                    return True
    return False


def _handed_on(normalizer, tree, name):
    """Whether the function reads ``name`` other than by an item (``name[k]``), a method
    (``name.pop(0)``), a loop over it or a call only reading it (``len(name)``,
    ``numpy.stack(name)``): handed to a helper (``bump(q)``,
    which may write into its items, written in under the helper's parameter), bound to
    another name (``r = q``), put in a container or returned. The checks of writes into
    the copy's items see such a second name bound to the copy only where the call is kept."""
    parents = {id(child): node for node in S.walk_nodes(tree) for child in gast.iter_child_nodes(node)}
    for node in S.walk_nodes(tree):
        if not (isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Load)):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, (gast.Subscript, gast.Attribute)) and parent.value is node \
                or isinstance(parent, gast.For) and parent.iter is node:
            continue
        if isinstance(parent, gast.Call) and node in parent.args and _reads_only(normalizer.resolve_call(parent)):
            continue
        return True
    return False


def _reads_only(callee):
    """Whether ``callee`` only reads a list it is given: ``len``, ``sum`` or a NumPy
    function (``numpy.stack(q)``), which calls no code of the user's on its items."""
    return callee in (builtins.len, builtins.sum) or callable(callee) and not isinstance(callee, type) \
        and (getattr(callee, "__module__", None) or "").split(".")[0] == "numpy"


def _makes_a_list(normalizer, value):
    if isinstance(value, (gast.List, gast.ListComp)):
        return True
    return isinstance(value, gast.Call) and normalizer.resolve_call(value) is builtins.list
