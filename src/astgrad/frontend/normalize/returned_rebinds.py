"""A method that rebinds its attribute to a new array, writes into it and returns it
(fresh_rebinds.py, then ``return self.d``), its value bound to a name::

    e = p.step(x)           ->      p.step(x)
                                    e = p.d

the same in Python: the method returns the very array it leaves in ``self.d``, so ``e``
and ``p.d`` are one array, as after ``e = p.d`` (a write through either, into an element
or by a method of ``p``, is then followed or refused as for that alias). Written where
``p`` is a local name bound once to a construction of a class followed, the method the
class's plain function found by ordinary lookup (method_factories.py's checks), its
last statement ``return self.<attr>`` and no other ``return``; and only where every call
of a method of that name in the function is such a binding or a statement of its own,
whose value goes unread: those calls are kept in ``normalizer.dropped_returns``, where
objects.py lets the state twin drop the value. Anything else is left as it is (and
refused there)."""

import inspect
import types

import gast

from ...core import syntax as S
from .factory_calls import statement_blocks
from .fresh_rebinds import returned_attribute
from .instances import function_tree
from .method_factories import _built_once, _overridden, _may_store, _stored_anywhere


def write_returned_rebinds(normalizer, tree):
    """Each such ``e = p.step(x)`` of ``tree`` written as the call and ``e = p.d``. Whether
    one was."""
    classes, found = None, {}       # method name: [(block, statement, attribute)] or None
    for block in statement_blocks(tree.body):
        for stmt in block:
            call = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
            if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
                    and isinstance(call.func.value, gast.Name)):
                continue
            if normalizer.bound_count.get(call.func.value.id) != 1:
                continue            # (not bound once: no object of _built_once's; np in np.sum(x) neither)
            classes = _built_once(normalizer, tree) if classes is None else classes
            cls = classes.get(call.func.value.id)
            attr = None if cls is None else _returning(normalizer, tree, cls, call)
            if attr is not None and found.get(call.func.attr, []) is not None \
                    and (isinstance(stmt, gast.Expr) or len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
                found.setdefault(call.func.attr, []).append((block, stmt, attr))
    if not found:
        return False
    placed = {id(stmt.value) for entries in found.values() for _, stmt, _ in entries or ()}
    for node in S.walk_nodes(tree):     # a call of that name elsewhere: its value may be read
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr in found \
                and id(node) not in placed:
            found[node.func.attr] = None
    # (the calls themselves kept too, so no other node comes to have their id)
    dropped, written = normalizer.__dict__.setdefault("dropped_returns", {}), False
    for entries in found.values():
        for block, stmt, attr in entries or ():
            dropped[id(stmt.value)] = stmt.value
            if isinstance(stmt, gast.Assign):
                receiver = stmt.value.func.value
                read = gast.Attribute(value=S.name(receiver.id), attr=attr, ctx=gast.Load())
                kept = gast.copy_location(S.assign(stmt.targets[0].id, read), stmt)
                for node in S.walk_nodes(kept):
                    gast.copy_location(node, stmt)
                call = gast.copy_location(gast.Expr(value=stmt.value), stmt)
                at = block.index(stmt)
                block[at:at + 1] = [call, kept]
                written = True
    return written


def _returning(normalizer, tree, cls, call):
    """The attribute the method ``call`` calls returns as its last statement, where the
    method is the class's own plain function that nothing can hide; else None."""
    method = inspect.getattr_static(cls, call.func.attr, None)
    if not isinstance(method, types.FunctionType) or _overridden(cls) \
            or _stored_anywhere(cls, call.func.attr) or _may_store(tree, call.func.value.id, call.func.attr):
        return None
    return returned_attribute(function_tree(method))
