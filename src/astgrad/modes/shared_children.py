"""The words for a method writing in place into an array a child object shares with its
parent: ``self.child = Child(self.data)`` in the parent's ``__init__`` (or a method
``return Child(self.d)``), then ``p.child.bump(w)`` writing ``self.d[0] += c``.

In NumPy both objects hold one array, so the parent's attribute shows the write too;
astgrad does not follow that, and the refusal names the line that shares the array,
which is what the user can change (hand the child a copy), beside the write.

Read from the user's code as written: the call's receiver is ``p.child``, ``p`` bound
once to a construction of a class of the module's globals whose ``__init__`` stores that
attribute as a construction handed ``self.<attr>`` (or a parameter it also stores in
``self.<attr>``); or ``b``, bound once to ``a.child(...)``, ``a`` bound once to such a
construction, whose method returns a construction handed ``self.<attr>``. The child's
class stores what it is handed there as it is in the attribute the method writes."""

import inspect
import re

import gast

from ..core import syntax as S


def shared_child_message(source, stmt, method, receiver, where):
    """The words for the call at ``stmt`` (of ``method``, "Child.bump", whose first
    parameter is ``receiver``, writing at ``where``) where its object shares its parent's
    array as the module docstring says; else None."""
    written = re.match(rf"\s*{re.escape(receiver)}\.(\w+)\s*\[", where.text or "")
    fn = getattr(source, "fn", None)
    if written is None or not inspect.isfunction(fn):
        return None
    try:
        from ..frontend.source import parsed_for_reading
        user = parsed_for_reading(fn)
    except Exception:       # noqa: BLE001 - no source as written: the plain words
        return None
    line = source.file_line(stmt)
    name = method.rpartition(".")[2]
    for node in S.walk_nodes(user.tree):
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr == name \
                and user.file_line(node) == line:
            shared = _shared_by(user.tree, node.func.value, fn.__globals__, written.group(1))
            if shared is not None:
                return _message(method, gast.unparse(node.func.value).strip(), written.group(1), where, *shared)
    return None


def _shared_by(tree, held, scope, attr):
    """(the parent's attribute as the user names it, "p.data"; the parent's function that
    shares it; its source; the statement sharing it) for the child ``held``; else None."""
    if isinstance(held, gast.Attribute) and isinstance(held.value, gast.Name):
        cls = _built_class(tree, held.value.id, scope)
        init = inspect.getattr_static(cls, "__init__", None) if cls is not None else None
        found = _handing(init, lambda stmt, me: isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                         and _self_attribute(stmt.targets[0], me) == held.attr, attr)
        return None if found is None else (f"{held.value.id}.{found[0]}", init) + found[1:]
    if isinstance(held, gast.Name):
        value = _bound_once(tree, held.id)
        if not (isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute)
                and isinstance(value.func.value, gast.Name)):
            return None
        cls = _built_class(tree, value.func.value.id, scope)
        made = inspect.getattr_static(cls, value.func.attr, None) if cls is not None else None
        found = _handing(made, lambda stmt, me: isinstance(stmt, gast.Return), attr)
        return None if found is None else (f"{value.func.value.id}.{found[0]}", made) + found[1:]
    return None


def _handing(function, wanted, attr):
    """(the parent's attribute, the source, the statement) where a statement of
    ``function`` for which ``wanted(stmt, me)`` holds builds a child of a class storing
    its argument as it is in ``attr``, handed the parent's ``self.<attribute>``."""
    from ..frontend.source import parsed_for_reading
    if not inspect.isfunction(function):
        return None
    try:
        parent = parsed_for_reading(function)
    except Exception:       # noqa: BLE001
        return None
    params = parent.tree.args.posonlyargs + parent.tree.args.args
    if not params:
        return None
    me = params[0].id
    kept = {value.id: _self_attribute(target, me) for target, value in _stores(parent.tree)
            if isinstance(value, gast.Name) and _self_attribute(target, me) is not None}
    for stmt in S.walk_nodes(parent.tree):
        if not (isinstance(stmt, gast.stmt) and wanted(stmt, me) and isinstance(stmt.value, gast.Call)):
            continue
        child = _resolved(stmt.value.func, function.__globals__)
        for position, arg in enumerate(stmt.value.args):
            shared = _self_attribute(arg, me) or (kept.get(arg.id) if isinstance(arg, gast.Name) else None)
            if shared is not None and _stores_as_is(child, position, attr):
                return shared, parent, stmt
    return None


def _stores_as_is(cls, position, attr):
    """Whether ``cls.__init__`` stores its argument at ``position`` as it is in ``self.<attr>``."""
    from ..frontend.source import parsed_for_reading
    init = inspect.getattr_static(cls, "__init__", None) if isinstance(cls, type) else None
    if not inspect.isfunction(init):
        return False
    try:
        tree = parsed_for_reading(init).tree
    except Exception:       # noqa: BLE001
        return False
    params = [a.id for a in tree.args.posonlyargs + tree.args.args]
    if len(params) <= position + 1:
        return False
    return any(isinstance(value, gast.Name) and value.id == params[position + 1]
               and _self_attribute(target, params[0]) == attr for target, value in _stores(tree))


def _stores(tree):
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Assign) and len(node.targets) == 1:
            yield node.targets[0], node.value


def _self_attribute(node, me):
    if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and node.value.id == me:
        return node.attr
    return None


def _bound_once(tree, name):
    """The value ``name`` is bound to where ``tree`` binds it once, by a plain assignment."""
    stores = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and n.id == name
              and not isinstance(n.ctx, gast.Load)]
    found = [value for target, value in _stores(tree) if isinstance(target, gast.Name) and target.id == name]
    return found[0] if len(stores) == 1 and len(found) == 1 else None


def _built_class(tree, name, scope):
    value = _bound_once(tree, name)
    return _resolved(value.func, scope) if isinstance(value, gast.Call) else None


def _resolved(func, scope):
    cls = scope.get(func.id) if isinstance(func, gast.Name) else None
    return cls if isinstance(cls, type) else None


def _message(method, held, attr, where, owned, function, parent, stmt):
    child = stmt.value.func.id
    text = gast.unparse(stmt).strip()
    # (a child a method returns, then written, is followed on such a copy; one an attribute holds is not)
    followed = ", whose writes are then followed" if isinstance(stmt, gast.Return) else ""
    return (f"the call of {method} writes into {held}.{attr} in place ({where.what} at {where.filename}:"
            f"{where.line}: {(where.text or '').strip()}), the very array {owned} holds: {function.__qualname__} "
            f"hands the parent's own array to the {child} it builds at {parent.filename}:{parent.file_line(stmt)} ({text}), "
            f"so {owned} shows the write too, as in NumPy, which astgrad does not follow. Where {owned} should "
            f"keep its values, hand the {child} a copy there ({child}(self.{owned.rpartition('.')[2]}.copy())"
            f"{followed}); where both should show the write, keep the array in one object and write and read it "
            f"through that one")
