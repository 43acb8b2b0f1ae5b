"""One array handed to a new object at each turn of a loop (``buf = x * 1.0``, then ``for
k in range(n): a = Acc(buf); a.bump(k, w)``), where ``__init__`` stores it as it is
(``self.data = data``) and a method writes into it in place.

In Python every object holds that one array, so each turn's writes show in the next
turn's object, and in ``buf`` during and after the loop. The objects drop out one by one
(``a`` bound again each turn), so that is followed where the function holds the array
in ``buf`` and the object's attribute alone, kept equal: the object is handed a copy
(``Acc(+buf)``, an array made in the call, which handed_arrays.py follows), the reads of
``buf`` after it in the turn are ``a.data``, and the turn ends with ``buf = +a.data``.
Written so where:

- the loop is a statement of the function's own body, with no ``else``, ``break`` or
  ``continue``, and the object is built by a statement of its body, naming ``buf`` once;
- ``buf`` is a parameter or bound once before the loop to a new array, only read at once
  before it (``len(buf)``, an operator) there and in the turn before the object is built,
  is bound nowhere else, read by no function or lambda, and not a global;
- the object's class is one whose ``__init__`` handed_arrays.py reads as storing it (no
  method but ``__init__`` assigning the attribute, the function assigning it nowhere), and
  the object is named only in the turn from where it is built (a method of the turn
  before's object, or of the last one after the loop, would write into ``buf`` too).

Anything else keeps the refusal, whose words say to store a copy."""

import types

import gast

from ... import runtime
from ...core import syntax as S
from ...core.first_use import imported_when_called
from .element_reads import copied_element
from .handed_arrays import bound_before, handed_name, is_attribute, parameters_of, replace_reads
from .synced_handed_names import copy_of, hand_a_copy, synced_in_place, write_synced

# most functions reach neither: hoisted_calls.py loads with the first call (core/first_use.py)
hoist_calls = imported_when_called(__package__ + ".hoisted_calls", "hoist_calls")
hoistable = imported_when_called(__package__ + ".hoisted_calls", "hoistable")

_SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)


def share_loop_handed_names(normalizer, tree):
    """Each such loop of ``tree`` written so (the module docstring). Whether one was."""
    written, changed, checks = False, {}, []
    for at, loop in enumerate(tree.body):
        if not isinstance(loop, (gast.For, gast.While)):
            continue
        jumps = None        # walked for only where a statement hands a name (most loops have none)
        for position, stmt in enumerate(loop.body):
            found = handed_name(normalizer, stmt, changed)
            if found is None:
                continue
            if jumps is None:
                jumps = loop.orelse or any(isinstance(n, (gast.Break, gast.Continue)) for n in S.walk_nodes(loop))
            _hoist_method_calls(normalizer, tree, found[1])     # s = s + a.bumped(c): bumped = a.bumped(c) first
            if not jumps and _shared(normalizer, tree, at, position, found):
                _write(loop.body, position, *found)
            elif synced_in_place(normalizer, tree, at, position, found):
                write_synced(tree, at, position, found)     # a view kept, a jump, a method called elsewhere
            else:
                continue
            if found[0] in parameters_of(tree):
                checks.append((loop, _array_check(normalizer, found[0], stmt)))
            written = True
            break
    for loop, check in checks:
        tree.body.insert(tree.body.index(loop), check)
    return written


def _hoist_method_calls(normalizer, tree, me):
    """Each method of ``me`` called inside an expression bound to a name of its own first,
    where Python's order allows it (hoisted_calls.py): then a statement the writes into the
    array follow (synced_handed_names.py), as ``r = a.bumped(c)`` is."""
    def is_module(name):
        return name not in normalizer.bound_count and isinstance(normalizer.source.resolve(name), types.ModuleType)

    def fresh(hint):
        name = normalizer.namer.fresh(hint)
        normalizer.bound_count[name] = 1
        normalizer.locals.add(name)
        return name
    hoist_calls(tree.body, lambda call, parents: isinstance(call.func.value, gast.Name) and call.func.value.id == me
                and hoistable(call, parents, is_module, elements=True), fresh,
                lambda read, call: copied_element(normalizer, read, call))


def _array_check(normalizer, name, stmt):
    """``number_array_argument(buf, 'buf', where)`` before the loop: the copy ``+buf`` is an
    array of numbers' (a list handed in is refused in words, not by unary plus)."""
    where = normalizer.source.place(stmt)
    check = normalizer.runtime_call(runtime.number_array_argument, [S.name(name), S.const(name), S.const(where)])
    return gast.copy_location(S.expr_stmt(check), stmt)


def _shared(normalizer, tree, at, position, found):
    """Whether the name handed by ``tree.body[at].body[position]`` is one array the
    function holds alone, before the loop and through it (the module docstring)."""
    name, me, attr = found
    loop, resolve = tree.body[at], normalizer.resolve_call
    body = loop.body
    nodes = list(S.walk_nodes(tree))
    if any(isinstance(n, (gast.Global, gast.Nonlocal)) and name in n.names for n in nodes) \
            or any(isinstance(n, _SCOPES) and n is not tree and name in S.names_in(n) for n in nodes):
        return False
    inside = [n for n in S.walk_nodes(loop) if isinstance(n, gast.Name) and n.id == name]
    later = [n for top in tree.body[at + 1:] for n in S.walk_nodes(top)]
    if any(not isinstance(n.ctx, gast.Load) for n in inside) \
            or sum(1 for n in S.walk_nodes(body[position]) if isinstance(n, gast.Name) and n.id == name) != 1 \
            or any(isinstance(n, gast.Name) and n.id == name and not isinstance(n.ctx, gast.Load) for n in later) \
            or any(is_attribute(n, me, attr) and not isinstance(n.ctx, gast.Load)
                   for n in nodes):
        return False
    turn = {id(n) for top in body[position:] for n in S.walk_nodes(top)}
    if any(isinstance(n, gast.Name) and n.id == me and id(n) not in turn for n in nodes):
        return False            # the object named before it is built, or after the loop: a write there
    if bound_before(body, position, name, resolve) is not False:
        return False            # kept in the turn before the object is built (a view)
    before = bound_before(tree.body, at, name, resolve)
    return before is True or before is False and name in parameters_of(tree)


def _write(body, position, name, me, attr):
    """``Acc(+buf)``, ``buf`` read after it as ``a.data``, and ``buf = +a.data`` last."""
    hand_a_copy(body[position], name)
    for top in body[position + 1:]:
        replace_reads(top, name, me, attr)
    read = gast.Attribute(value=S.name(me), attr=attr, ctx=gast.Load())
    body.append(gast.copy_location(S.assign(name, copy_of(read)), body[-1]))
