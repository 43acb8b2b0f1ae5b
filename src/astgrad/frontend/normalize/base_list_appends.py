"""A subclass's ``__init__`` appending to the list its base's ``__init__`` built:
``super().__init__(a); self.items.append(b)`` where the base's ``__init__`` ran
``self.items = [a]``.

The in-place analysis reads the base's ``__init__`` as a call whose result may hold its
argument, so a change in place of what it stored looks like a change of the argument
(modes/base_built_changes.py words the refusal). Where the code shows the list is the
object's alone when the subclass appends, ``self.items.append(v)`` in the constructor's
twin is ``self.items = self.items + [v]``: the same items, in a new list nothing else
can have seen, so no other name misses the change and the derivative follows a store.

Shown, conservatively (``fresh_base_lists``):

- the ``__init__`` that ``super().__init__(...)`` calls (instances.super_init) stores
  ``self.items = <list display or comprehension>`` as a statement at the top level of
  its body, names ``self.items`` nowhere else and never returns (so the store runs, and
  no other name was handed the new list);
- the subclass's ``__init__`` names ``self.items`` only in ``self.items.append(v)``
  statements (no alias, no read that could keep it).

Anything else (the list handed in from outside, ``self.items = items``; kept under a
second name; built in a branch) keeps the refusal."""

import gast

from ...core import syntax as S
from .held_functions import attribute_stores

_NEW_LISTS = (gast.List, gast.ListComp)


def fresh_base_lists(tree, parent_tree):
    """The attributes the subclass ``__init__`` ``tree`` only appends to, each a new list
    the ``__init__`` ``parent_tree`` (the one its leading ``super().__init__`` calls)
    built and handed no other name."""
    me, parent_me = _receiver(tree), _receiver(parent_tree)
    if me is None or parent_me is None or any(isinstance(n, gast.Return) for n in S.walk_nodes(parent_tree)):
        return frozenset()
    built = {target.attr for target, value in attribute_stores(parent_tree, parent_me)
             if isinstance(value, _NEW_LISTS)}
    fresh = set()
    for attr in built:
        if _named(parent_tree, parent_me, attr) == 1 and _only_appended(tree, me, attr):
            fresh.add(attr)
    return frozenset(fresh)


def appends_as_stores(tree, attrs):
    """``tree`` with each ``self.a.append(v)`` (``a`` in ``attrs``) written ``self.a =
    self.a + [v]``."""
    me = _receiver(tree)

    class _Appends(gast.NodeTransformer):
        def visit_Expr(self, node):
            call = node.value
            if _is_append(call, me, attrs):
                holder = call.func.value
                grown = gast.BinOp(left=S.copy(holder), op=gast.Add(),
                                   right=gast.List(elts=[call.args[0]], ctx=gast.Load()))
                store = gast.Attribute(value=S.name(me), attr=holder.attr, ctx=gast.Store())
                return gast.copy_location(gast.Assign(targets=[store], value=grown, type_comment=None), node)
            return node
    return _Appends().visit(tree)


def _receiver(tree):
    params = tree.args.posonlyargs + tree.args.args if tree is not None else []
    return params[0].id if params else None


def _is_attribute(node, me, attr):
    return isinstance(node, gast.Attribute) and node.attr == attr and isinstance(node.value, gast.Name) \
        and node.value.id == me


def _named(tree, me, attr):
    """How many times ``tree`` names ``me.attr``."""
    return sum(_is_attribute(n, me, attr) for n in S.walk_nodes(tree))


def _is_append(call, me, attrs):
    return isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == "append" \
        and len(call.args) == 1 and not isinstance(call.args[0], gast.Starred) and not call.keywords \
        and isinstance(call.func.value, gast.Attribute) and call.func.value.attr in attrs \
        and isinstance(call.func.value.value, gast.Name) and call.func.value.value.id == me


def _only_appended(tree, me, attr):
    """Whether each ``me.attr`` in ``tree`` is the receiver of a statement
    ``me.attr.append(v)`` (and at least one is)."""
    appends = [n.value.func.value for n in S.walk_nodes(tree)
               if isinstance(n, gast.Expr) and _is_append(n.value, me, {attr})]
    named = [n for n in S.walk_nodes(tree) if _is_attribute(n, me, attr)]
    return bool(appends) and len(appends) == len(named) and all(any(a is n for a in appends) for n in named)
