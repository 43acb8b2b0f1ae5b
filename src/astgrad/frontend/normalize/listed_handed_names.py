"""A name handed to the constructor of an object the function also appends to a list
of its own (``buf = w * k; a = Acc(buf); held.append(a); a.bump(0, c); np.sum(buf)``),
where ``__init__`` stores the array as it is and a method writes into it in place.

In Python ``buf``, ``a.data`` and ``held[-1].data`` are then one array. handed_arrays.py
writes the later reads of ``buf`` as ``a.data`` where nothing but ``a`` holds the object;
here ``a`` is also held by the list, so the reads are written so only where the list
cannot give the object to code that could store into its attribute: ``a`` is appended to
that one list, right after it is built (appended_objects.py's form, which then writes
``a`` as the list's item), and the list, bound to ``[]``, is named only to append to it,
to read an attribute of an item or call a method on one (``held[0].data``,
``held[k].bump(c)``), in ``len(held)``, or looped over by a name used only so; the
function stores and deletes no attribute of that name on any object and names no
``setattr``, ``delattr``, ``vars`` or ``__dict__``. The array is then held by nothing
but the object, and column_writes.py follows the method's writes as for an array made
in the call (``Acc(w * k)``)."""

import gast

from ...core import syntax as S
from ...core.walk import walk_blocks

_DYNAMIC = frozenset({"setattr", "delattr", "vars", "__dict__"})


def listed_only(normalizer, tree, me, attr):
    """Whether ``me`` is used as an owned object (``a.attr``, ``a.method(...)``) but for
    one ``held.append(me)`` right after its binding, with ``held`` a list used only as the
    module docstring says, and ``attr`` stored on no object of the function."""
    from .appended_objects import _appended     # (loaded with the first such object)
    appends = [n for n in S.walk_nodes(tree) if _appends(n, me)]
    if len(appends) != 1 or _attribute_changed(tree, attr):
        return False
    for block in walk_blocks(tree.body):
        for k, stmt in enumerate(block[1:]):
            if isinstance(stmt, gast.Expr) and stmt.value is appends[0]:
                found = _appended(normalizer, tree, block, k)
                return found is not None and found[0] == me and _plain_list(normalizer, tree, found[1])
    return False


def _appends(node, me):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr == "append" \
        and len(node.args) == 1 and isinstance(node.args[0], gast.Name) and node.args[0].id == me


def _attribute_changed(tree, attr):
    """Whether ``tree`` stores or deletes ``X.attr`` on any object, or names a way to."""
    return any(isinstance(n, gast.Attribute) and (n.attr == attr and not isinstance(n.ctx, gast.Load)
                                                   or n.attr in _DYNAMIC)
               or isinstance(n, gast.Name) and n.id in _DYNAMIC for n in S.walk_nodes(tree))


def _plain_list(normalizer, tree, held):
    """Whether every use of ``held`` in ``tree`` is one the module docstring names."""
    parents, python_len = S.parent_nodes(tree), _python_len(normalizer)
    for node in S.walk_nodes(tree):
        if not (isinstance(node, gast.Name) and node.id == held):
            continue
        parent = parents.get(node)
        if isinstance(node.ctx, gast.Store):
            if not (isinstance(parent, gast.Assign) and parent.targets == [node]
                    and isinstance(parent.value, gast.List) and not parent.value.elts):
                return False
        elif isinstance(parent, gast.Attribute) and parent.attr == "append":
            if not (isinstance(parents.get(parent), gast.Call) and parents[parent].func is parent):
                return False
        elif isinstance(parent, gast.Subscript) and parent.value is node and isinstance(parent.ctx, gast.Load):
            if not (isinstance(parents.get(parent), gast.Attribute) and parents[parent].value is parent):
                return False
        elif isinstance(parent, gast.Call) and isinstance(parent.func, gast.Name) and parent.func.id == "len":
            if parent.args != [node] or parent.keywords or not python_len:
                return False
        elif isinstance(parent, gast.For) and parent.iter is node:
            if not _attributes_only(tree, parent, parents):
                return False
        else:
            return False
    return True


def _python_len(normalizer):
    """Whether ``len`` in the function is Python's."""
    import builtins
    return "len" not in normalizer.bound_count \
        and normalizer.resolve_call(gast.Call(func=S.name("len"), args=[], keywords=[])) is builtins.len


def _attributes_only(tree, loop, parents):
    """Whether the target of ``loop`` is a name bound nowhere else, named only as
    ``o.attr`` (a read or a method's call)."""
    if not isinstance(loop.target, gast.Name):
        return False
    name = loop.target.id
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Name) and node.id == name and node is not loop.target:
            if not isinstance(node.ctx, gast.Load) or not isinstance(parents.get(node), gast.Attribute):
                return False
    return True
