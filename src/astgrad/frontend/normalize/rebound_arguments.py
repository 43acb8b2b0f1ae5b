"""A parameter the body rebinds to a copy before it writes into it (``state = dict(state)``,
then ``state[k] = v``): from that statement on the name holds a new object, so the writes
through it change nothing the caller holds. Such a parameter needs no copy of the argument
(arguments.py): the name the rebinding binds, and every later mention, become a local
variable of its own (``state_1 = dict(state)``; ``state_1[k] = v``), as Python's scoping
has it. The rebinding must be a statement of the body itself (not inside a branch or a
loop), the name bound to nothing but a new object after it, and no function defined before
it may read the name; writes through another name (``orig = state`` kept from before, an
item ``state["h"][0] = v``, which a shallow copy shares with the argument) are followed as
any write into an argument is."""

import copy

import gast
import numpy

from ...core import syntax as S

# calls that return a new list, dict, set or array (a shallow copy of what they are given)
_COPYING_CALLS = (dict, list, set, copy.copy, copy.deepcopy, numpy.array, numpy.copy)
_NEW_CONTAINERS = (gast.List, gast.Dict, gast.Set, gast.ListComp, gast.DictComp, gast.SetComp)
_FUNCTIONS = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)


def rebinding_index(body, param, resolve):
    """The position in ``body`` (a function's statements) of its first statement binding
    ``param`` to a new object, where no later statement binds ``param`` to anything else
    and no function defined before it reads ``param``; None where there is none.
    ``resolve(call)``: the object a call calls, or None."""
    for index, stmt in enumerate(body):
        if not _assigns(stmt, param):
            continue
        if not _is_new_object(stmt.value, resolve):
            return None
        earlier = [node for s in body[:index] for node in S.operand_nodes(s)]
        later = [node for s in body[index + 1:] for node in S.operand_nodes(s)]
        if any(isinstance(node, _FUNCTIONS) and _mentions(node, param) for node in earlier) \
                or any(isinstance(node, gast.Nonlocal) and param in node.names for node in earlier + later):
            return None
        rebound = {id(node.targets[0]) for node in later if _assigns(node, param) and _is_new_object(node.value, resolve)}
        if all(id(node) in rebound for node in later if _binds(node, param)):
            return index
        return None
    return None


def _mentions(node, name):
    return any(isinstance(n, gast.Name) and n.id == name for n in S.operand_nodes(node))


def _assigns(stmt, name):
    return isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
        and stmt.targets[0].id == name


def _binds(node, name):
    """Whether ``node`` binds ``name`` (a target, a local def or class of that name)."""
    if isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
        return node.name == name
    return isinstance(node, gast.Name) and node.id == name and not isinstance(node.ctx, gast.Load)


def _is_new_object(value, resolve):
    if isinstance(value, _NEW_CONTAINERS):
        return True
    if not isinstance(value, gast.Call):
        return False
    if isinstance(value.func, gast.Attribute) and value.func.attr == "copy" and not value.args \
            and not value.keywords:
        return True                     # xs.copy(), d.copy(), a.copy()
    callee = resolve(value)
    copies = not any(kw.arg == "copy" for kw in value.keywords)
    return copies and any(callee is c for c in _COPYING_CALLS)
