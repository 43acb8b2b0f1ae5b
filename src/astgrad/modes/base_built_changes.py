"""The refusal of a subclass's ``__init__`` changing in place a new list, dict or set
its base's ``__init__`` built (``class Own: def __init__(self, d): self.hist = [];
self.hist.append(d)`` and ``class OwnSub(Own)`` with ``super().__init__(d);
self.hist.append(d * 2.0)``).

The in-place analysis reads the base's ``__init__`` as a call whose result may hold the
argument, and cannot tell the list it built from the argument it holds: it would say
the call changes the argument, which is not so. These words say what is not followed:
a change, in one ``__init__``, of the new value another one built."""

import inspect

import gast

from ..core import syntax as S

_NEW_DISPLAYS = (gast.List, gast.Dict, gast.Set, gast.ListComp, gast.DictComp, gast.SetComp)


def base_built_change_message(target, where):
    """The words for ``target`` (the twin of a class's ``__init__``, instances.py) whose
    change in place at ``where`` is of an attribute its base's ``__init__`` (along the
    leading ``super().__init__(...)`` calls) stored as a new list, dict or set; else None."""
    from ..frontend.normalize.instances import function_tree, leading_super_init, super_init
    from ..frontend.normalize.held_functions import attribute_stores
    from ..frontend.normalize.objects import changed_in_place
    from ..frontend.source import parsed_for_reading
    cls = getattr(target, "__astgrad_builds__", None)
    init = getattr(target, "__astgrad_specializes__", (None,))[0]
    tree = function_tree(init) if cls is not None and inspect.isfunction(init) else None
    if tree is None or leading_super_init(tree) is None or init.__code__.co_filename != where.filename:
        return None
    source = parsed_for_reading(init)
    changing = [stmt for stmt in S.statements(source.tree.body) if source.file_line(stmt) == where.line]
    attrs = set().union(*(changed_in_place(gast.Module(body=[stmt], type_ignores=[])) for stmt in changing))
    base = super_init(cls, init)
    while inspect.isfunction(base):
        base_tree = function_tree(base)
        if base_tree is None or not (base_tree.args.posonlyargs + base_tree.args.args):
            return None
        me = (base_tree.args.posonlyargs + base_tree.args.args)[0].id
        for target_node, value in attribute_stores(base_tree, me):
            if target_node.attr in attrs and isinstance(value, _NEW_DISPLAYS):
                kind = {gast.Dict: "dict", gast.DictComp: "dict", gast.Set: "set",
                        gast.SetComp: "set"}.get(type(value), "list")
                return _message(cls, base, target_node.attr, kind, where)
        base = super_init(cls, base) if leading_super_init(base_tree) is not None else None
    return None


def _message(cls, base, attr, kind, where):
    owner = base.__qualname__.rpartition(".")[0] or base.__qualname__
    text = (where.text or "").strip()
    return (f"{cls.__name__}.__init__ changes self.{attr} in place ({where.what} at {where.filename}:{where.line}: "
            f"{text}), the new {kind} {owner}.__init__ built: astgrad follows a {kind} an __init__ builds and "
            f"changes in place in that same __init__, not one changed by a subclass's __init__ after "
            f"super().__init__(...). Store a new value there instead (self.{attr} = self.{attr} + [v] for a list, "
            f"self.{attr} = {{**self.{attr}, k: v}} for a dict), or build and fill it in one __init__")
