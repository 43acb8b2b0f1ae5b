"""Stacks that keep a name's own earlier values, as generated reverse code has them.

Reverse code saves a name ``d`` it is about to rebind by pushing its object on a stack
of its own (``d_stack.append(d); d = {}``), saves an item it is about to replace
(``d_stack.append(saved_item(d, i)); d[i] = v``, ``d_stack.append(snapshot(d[1:-1]))``) and gets both back in the reverse sweep
(``restore_item(d, i, d_stack.pop())`` ... ``d = d_stack.pop()``). Such a stack holds
``d``'s earlier objects, never the one ``d`` holds: an object goes on it only as ``d``
moves to a new one, and comes off it as ``d`` takes it back. So a write into ``d``
(a write the reverse sweep undoes, above, included) changes nothing the stack holds,
although the stack and ``d`` may share memory as far as the flow-insensitive sharing
analysis can tell. ``own_value_stacks`` finds these stacks, from the code's shape alone.
"""

import gast

from .. import runtime
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from .sharing import _is_new_object


def own_value_stacks(body, params, name, candidates, copies=frozenset()):
    """The names of ``candidates`` that are stacks of ``name``'s own earlier values
    (see the module's docstring): a list bound once, to ``[]``, read only as the
    receiver of its ``append`` and ``pop``; each push is ``name`` itself, rebound right
    after to a new object, or ``saved_item(name, k)`` (or a name bound only to such
    items); and ``name`` (not a parameter) is bound only to new objects and to values
    popped off one such stack. ``copies``: statements the sharing analysis found to bind
    a new array (``z = x[m]``, an advanced index of an array of numbers)."""
    if name in params:
        return set()
    stacks = _only_stacks(body, {s for s in candidates if s not in params})
    if not stacks:
        return set()
    items = _saved_items(body, name)
    stacks = {s for s in stacks if _pushes_only_own_values(body, s, name, items, copies)}
    return stacks if stacks and _bound_to_new_or_popped(body, name, stacks, copies) else set()


def _receiver(stmt, methods):
    """The stack name ``s`` of ``s.append(v)`` / ``t = s.pop()`` at ``stmt``, and the call."""
    call = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
    if isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) \
            and call.func.attr in methods and isinstance(call.func.value, gast.Name):
        return call.func.value.id, call
    return None, None


def _only_stacks(body, candidates):
    """The names of ``candidates`` bound once, to ``[]``, and read only as the receiver of
    their ``append`` and ``pop`` (so no other name can refer to them, nor to what they
    hold). One walk of the statements for all the candidates (a write asks this of every
    name it may share memory with), and one of the names where one may be such a stack."""
    bindings, receivers, bound_otherwise = dict.fromkeys(candidates, 0), dict.fromkeys(candidates, 0), set()
    for stmt in walk.walk_statements(body):
        if isinstance(stmt, (gast.Global, gast.Nonlocal)):
            return set()
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                and stmt.targets[0].id in bindings:
            if not (isinstance(stmt.value, gast.List) and not stmt.value.elts):
                bound_otherwise.add(stmt.targets[0].id)
            bindings[stmt.targets[0].id] += 1
        receiver = _receiver(stmt, ("append", "pop"))[0]
        if receiver in receivers:
            receivers[receiver] += 1
    once = {stack for stack, count in bindings.items() if count == 1 and stack not in bound_otherwise}
    if not once:
        return set()        # (before the walk of every name below, most candidates being no stacks)
    mentions = dict.fromkeys(once, 0)
    for node in S.name_nodes(gast.Module(body=body, type_ignores=[])):
        if node.id in mentions:
            mentions[node.id] += 1
    return {stack for stack in once if mentions[stack] == 1 + receivers[stack]}


def _pushes_only_own_values(body, stack, name, items, copies):
    """Each ``stack.append(v)`` pushes ``name``, rebound to a new object by the next
    statement, or an item of it saved before a write (``saved_item(name, k)``, or a name
    of ``items``: _saved_items)."""
    for block in walk.walk_blocks(body):
        for position, stmt in enumerate(block):
            receiver, call = _receiver(stmt, ("append",))
            if receiver != stack:
                continue
            if not isinstance(stmt, gast.Expr) or len(call.args) != 1 or call.keywords:
                return False
            pushed = call.args[0]
            if isinstance(pushed, gast.Name) and pushed.id == name:
                following = block[position + 1] if position + 1 < len(block) else None
                if not _rebinds_to_new(following, name, copies):
                    return False
            elif not (_saves_an_item_of(pushed, name) or isinstance(pushed, gast.Name) and pushed.id in items):
                return False
    return True


def _saved_items(body, name):
    """The names bound only to ``saved_item(name, k)`` or ``snapshot(name[k])``
    (normalized code pushes such a temporary, and reads ``name[k]`` into one first)."""
    parts = _bound_only(body, lambda value: isinstance(value, gast.Subscript)
                        and isinstance(value.value, gast.Name) and value.value.id == name)
    return _bound_only(body, lambda value: _saves_an_item_of(value, name, parts))


def _bound_only(body, test):
    """The names every binding of which is a plain ``n = value`` with ``test(value)``."""
    saves, others = set(), set()
    for stmt in walk.walk_statements(body):
        if isinstance(stmt, gast.For):
            others |= S.stored_names(stmt.target)
        elif isinstance(stmt, gast.Assign):
            simple = isinstance(stmt.targets[0], gast.Name) and test(stmt.value)
            (saves if simple else others).update(S.stored_names(stmt.targets[0]))
    return saves - others


def _rebinds_to_new(stmt, name, copies):
    return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
        and stmt.targets[0].id == name and not anno.get(stmt, Key.AUGMENTED, False) \
        and (_is_new_object(stmt.value) or stmt in copies)


def _saves_an_item_of(value, name, parts=()):
    """``saved_item(name, k)``, or ``snapshot(name[k])`` (a copy of the elements a slice
    write replaces; ``name[k]`` may be read into one of the names ``parts`` first)."""
    if not (isinstance(value, gast.Call) and len(value.args) in (1, 2)):
        return False
    target, first = anno.get(value, Key.TARGET), value.args[0]
    if target is runtime.snapshot and len(value.args) == 1:
        if isinstance(first, gast.Name) and first.id in parts:
            return True
        if not isinstance(first, gast.Subscript):
            return False
        first = first.value
    elif target is not runtime.saved_item or len(value.args) != 2:
        return False
    return isinstance(first, gast.Name) and first.id == name


def _bound_to_new_or_popped(body, name, stacks, copies):
    """Every binding of ``name`` is a new object or a value popped off one of ``stacks``."""
    for stmt in walk.walk_statements(body):
        if isinstance(stmt, gast.For) and name in S.stored_names(stmt.target):
            return False
        if not isinstance(stmt, gast.Assign) or name not in S.stored_names(stmt.targets[0]):
            continue
        if not isinstance(stmt.targets[0], gast.Name) or anno.get(stmt, Key.AUGMENTED, False):
            return False
        receiver, call = _receiver(stmt, ("pop",))
        if not (_is_new_object(stmt.value) or stmt in copies or receiver in stacks and not call.args):
            return False
    return True


def taken_back_list_or_dict(sharing, body, name):
    """Whether each object ``name`` holds is a list or dict the code builds, where reverse
    code also takes its earlier objects back off its own stack: ``name`` is bound only to
    list and dict displays, to constants (the ``d = 0.0`` generated code starts from, which
    raise rather than change when written into), and to values popped off stacks of its own
    earlier values (``d = d_stack.pop()``, see the module's docstring). Writing an item of
    such an object replaces the item and changes nothing another name holds, as writing
    into a list built by ``[]`` does (``Sharing.is_list_or_dict_built_here``)."""
    bindings = sharing.bindings_of(name)
    if name in sharing.params or not any(isinstance(getattr(s, "value", None), (gast.List, gast.Dict))
                                         for s in bindings):
        return False
    stacks = set()
    for stmt in bindings:
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)) \
                or anno.get(stmt, Key.AUGMENTED, False):
            return False
        if isinstance(stmt.value, (gast.List, gast.Dict, gast.Constant)):
            continue
        receiver, call = _receiver(stmt, ("pop",))
        if receiver is None or call.args:
            return False
        stacks.add(receiver)
    return not stacks or own_value_stacks(body, sharing.params, name, stacks) == stacks

