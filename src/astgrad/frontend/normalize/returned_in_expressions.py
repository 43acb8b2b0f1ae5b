"""A method that rebinds its attribute to a new array, writes into it and returns it
(returned_rebinds.py), called inside an expression (``np.sum(p.step(x))``, ``s =
p.step(x) * w``, ``return np.sum(p.step(x))``), bound to a name of its own first::

    return np.sum(p.step(x))    ->      step = p.step(x)
                                        return np.sum(step)

which returned_rebinds.py then writes as the call and ``step = p.d``. The same in
Python where the call is evaluated at the same point: hoisted_calls.py binds it only
where Python's order allows (every operand evaluated before the call a name, a
constant, a module's function or a value computed first, the call in no part of the
expression evaluated only sometimes). Only for such a method of a local name bound once
to a construction of a class followed (returned_rebinds.py's checks); anything else is
left as it is (and refused in objects.py's words)."""

import types

import gast

from ...core import syntax as S
from ...core.first_use import imported_when_called
from .method_factories import _built_once
from .returned_rebinds import _returning

# loaded where a function has a method call inside an expression (the engine keeps it lazy)
hoist_calls = imported_when_called(__package__ + ".hoisted_calls", "hoist_calls")
hoistable = imported_when_called(__package__ + ".hoisted_calls", "hoistable")


def bind_returned_in_expressions(normalizer, tree):
    """Each such call inside an expression of ``tree`` bound to a name of its own in the
    statement before. Whether one was."""
    # only a name bound once can be one of ``_built_once``'s (``np`` in ``np.sin(x)`` is not):
    # most functions have no such call, and need no walk for the names built once
    bound = normalizer.bound_count
    calls = [node for node in S.nodes_of_class(tree, gast.Call) if isinstance(node.func, gast.Attribute)
             and isinstance(node.func.value, gast.Name) and bound.get(node.func.value.id) == 1]
    if not calls:
        return False
    classes = _built_once(normalizer, tree)
    if not any(c.func.value.id in classes for c in calls):
        return False

    def is_module(name):
        return name not in normalizer.bound_count and isinstance(normalizer.source.resolve(name), types.ModuleType)

    def wanted(call, parents):
        cls = classes.get(call.func.value.id) if isinstance(call.func.value, gast.Name) else None
        return cls is not None and _returning(normalizer, tree, cls, call) is not None \
            and hoistable(call, parents, is_module, returns=True)

    made = []

    def fresh(hint):
        name = normalizer.namer.fresh(hint)
        normalizer.bound_count[name] = 1
        normalizer.locals.add(name)
        made.append(name)
        return name
    hoist_calls(tree.body, wanted, fresh, returns=True)
    return bool(made)
