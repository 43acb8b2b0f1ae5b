"""The checks of in-place writes at generation time: a write into an array, a list or a
dict that another name, an item of a container, an argument or a view shares, which the
derivative would not follow, is refused naming the user's line and what to write
instead; where astgrad follows it (a copy kept, an item stored back, a row refreshed),
the code that follows it is inserted.
"""

import ast
import linecache
import operator
import re

import gast

from .. import runtime
from ..core import anno
from ..core import syntax as S
from ..core import generated_text
from ..core import walk
from ..core.anno import Key
from ..core import ops
from ..errors import FunctionValueUnknown, TransformError, function_value_unknown
from .row_refreshes import refreshable, rows_behind
from ..analysis.mutation import ChangeKind, in_place_changes
from ..core.first_use import imported_when_called
from .effect_calls import (awaiting_receivers_class, parameters, _names_in_line,
    _refuse_callees_changing_arguments, _bound_names, _deque_refusal, _deque_made)
from .shared_write_refusals import (  # noqa: F401  (moved; their callers import them from here)
    _refuse_shared_write, _view_named_by_line, _user_write, _refuse_shared_item_write,
    _refuse_write_into_a_held_array, _refuse_unnamed_flat_write, _popped_at, _from_an_argument,
    _appends_to_an_attribute, _read_out_of_a_container, _refuse_write_into_an_attribute, _write_advice,
    _shared_write_advice, _popped_advice, _refuse_write_into_an_item, _refuse_storing_a_name_into_an_item,
    _user_holder)

# modules only some functions need, loaded with the first call of these (core/first_use.py)
user_expression = imported_when_called("astgrad.core.user_expressions", "user_expression")
call_result_refusal = imported_when_called("astgrad.modes.call_result_writes", "call_result_refusal")
following_copies = imported_when_called("astgrad.modes.copied_holders", "following_copies")
stores_into_copies = imported_when_called("astgrad.modes.copied_holders", "stores_into_copies")
aliases_at_write = imported_when_called("astgrad.modes.current_aliases", "aliases_at_write")
generated_write_refusal = imported_when_called("astgrad.modes.generated_writes", "generated_write_refusal")
generated_row_refusal = imported_when_called("astgrad.modes.generated_writes", "generated_row_refusal")
rebinds_loop_item = imported_when_called("astgrad.modes.rebound_items", "rebinds_loop_item")


def range_targets(body, mark=True):
    """Names bound only by ``for name in <a range>``: always ints. (The core form loops
    with a single name only over ranges.) ``mark``: mark those loops (Key.RANGE_LOOP)."""
    bound, other = set(), set()
    for node in S.statements(body):        # (the core form defines no functions)
        if isinstance(node, gast.For) and isinstance(node.target, gast.Name):
            bound.add(node.target.id)
            if mark:
                anno.set(node, Key.RANGE_LOOP, True)
        elif isinstance(node, gast.Assign) and type(node.targets[0]) is gast.Name:
            other.add(node.targets[0].id)
        elif isinstance(node, gast.Assign):
            other |= S.stored_names(node.targets[0])
        elif isinstance(node, gast.For):
            other |= S.stored_names(node.target)
    return bound - other


def _element_read(stmt):
    """``v = y[i]`` with a single index: a number for a 1-D ``y``, a view (row) otherwise."""
    return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
        and isinstance(stmt.value, gast.Subscript) and isinstance(stmt.value.value, gast.Name) \
        and isinstance(stmt.value.slice, (gast.Name, gast.Constant))


def check_in_place_writes(source, params, body, live_at_end=(), refresh_row=None, namer=None, *, prepare,
                          helper=None, returned=None, fn=None, original=None):
    """Refuse in-place changes astgrad could get wrong: a write into (``y[i] = v``,
    ``ys.append(v)``) or ``+=`` on a value while another live name may share its
    memory (an alias, a view, a list holding it), so that name would change too.
    Writes into memory the function did not create (arguments, globals, what a
    callee may return of them) are refused as well; ``+=`` on numbers and on arrays
    nothing else refers to is fine. So is a call of a user function only when it
    changes none of its arguments in place. ``refresh_row(args)`` builds the call
    ``current_row(v, y, index)`` that re-reads a row ``v = y[i]`` after a write into ``y``.
    A plain alias ``v = y`` (the very same object, see ``_exact_aliases``) follows the
    change instead of being refused: ``v = y`` again after ``y[i] = e``, and
    ``v = follow_in_place(v, y)`` after ``y op= e`` (``helper(name, args)`` builds that call);
    ``returned`` (the name early returns store the result in, Key.RETURNED) sees no write.
    ``fn``: the core tree, where a helper storing into an attribute of a parameter, or a
    method named like a list's called on a parameter's object (``cell.append(w)``), waits
    for the argument's class (``_attribute_of_a_parameter``, ``awaiting_receivers_class``).
    A write refused only because an argument stored into (``y[0] = x[1::2]``) might hold
    what is stored, as a list does, is followed where the argument is an array of numbers
    (which copies the values in): ``number_array_argument`` checks that when the code runs.
    That check starts again from ``body`` as it was given: ``original()`` gives it (read
    only) where the caller can, else ``body`` is copied before the first check changes it."""
    statements = list(walk.walk_statements(body))
    writes = _writes_to_check(body, statements, params)
    if not writes and not any(_calls_user_function(stmt) for stmt in statements):
        return      # nothing changes an object in place, here or in a callee: nothing to check
    checked = (source, params, live_at_end, (helper, namer, refresh_row), returned, fn, prepare)
    retried = _stores_into_elements(writes) and params and helper is not None
    if retried and original is None:
        body_given = [S.copy(stmt) for stmt in body]
        original = lambda: body_given      # noqa: E731 - the copy, made before the check changes body
    try:
        _check_writes(checked, body, writes, frozenset())
    except FunctionValueUnknown:
        raise
    except TransformError as error:
        if not retried:
            raise
        body[:], assumed = _followed_for_number_arrays(checked, original(), params, error)
        for name, (where, *flags) in reversed(sorted(assumed.items())):
            while flags and not flags[-1]:      # read, compared, outside: False unless given
                flags.pop()
            arguments = [S.name(name), S.const(name), S.const(where)] + [S.const(flag) for flag in flags]
            body.insert(0, S.expr_stmt(helper("number_array_argument", arguments)))


def _stores_into_elements(writes):
    """Whether a refusal of ``writes`` may be lifted by taking parameters for arrays of
    numbers: a store into an element (which such an array copies in), or ``op=`` (on what
    an advanced index of such an array, ``z = y[y > 0]``, gives: a new array)."""
    return any(action in ("assignment into an element of", "augmented assignment (+= and the like) on")
               for _, _, action, _ in writes)


def _followed_for_number_arrays(checked, kept, params, error):
    """The body ``kept`` (the one ``error`` refused, as it was given: read only) checked
    again, parameters taken for arrays of numbers (as few as lift the refusal, each dropped
    where it is not needed):
    (the body as that check changed it, {parameter: (where an element of it is written or it
    is read, whether read by an index, whether only compared with an array of numbers: a
    number passes too, whether a global or closure variable)} for those taken so); ``error``
    raised where that does not lift it."""
    def check(numbers):
        body = [S.copy(stmt) for stmt in kept]
        statements = list(walk.walk_statements(body))
        sharing = _check_writes(checked, body, _writes_to_check(body, statements, params), numbers)
        compared = {name: stmt for name, stmt in sharing.compared_numbers.items() if stmt is not None
                    and name not in sharing.assumed_numbers}
        return body, {**sharing.assumed_numbers, **compared}, set(compared)
    outside = _outside_arrays_indexed(kept, params)
    try:
        body, assumed, compared = check(frozenset(params) | outside)
    except TransformError:
        raise error from None
    if not assumed:
        raise error
    for name in sorted(assumed):
        try:
            body, assumed, compared = check(frozenset(assumed) - {name})
        except TransformError:
            continue
    if not assumed:
        raise error
    source = checked[0]
    return body, {name: (source.place(stmt), _read_by_an_index(stmt), name in compared, name in outside,
                         _stored_as_value(stmt, name))
                  for name, stmt in assumed.items()}


def _stored_as_value(stmt, name):
    """Whether ``stmt``, where a parameter ``name`` was taken for an array of numbers, is a
    store ``z[k] = ...`` into another array than ``name`` (``z[2] = w``): ``name`` is then
    a value stored, which a number may be too."""
    target = stmt.targets[0] if isinstance(stmt, gast.Assign) else getattr(stmt, "target", None)
    return isinstance(target, gast.Subscript) and not (isinstance(target.value, gast.Name)
                                                       and target.value.id == name)


def _outside_arrays_indexed(body, params):
    """The globals and closure variables ``body`` indexes (``G[G > 0]``): each may be taken
    for an array of numbers, whose advanced index gives a new array of the function's own."""
    stored = S.stored_names(gast.Module(body=body, type_ignores=[]))
    return frozenset(node.value.id for stmt in body for node in S.walk_nodes(stmt)
                     if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name)
                     and node.value.id not in stored and node.value.id not in params)


def _read_by_an_index(stmt):
    """Whether a parameter was taken for an array of numbers at ``z = y[[0, 2]]`` (read by an
    advanced index, a new array), not at a store ``y[k] = v``."""
    return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)


def _check_writes(checked, body, writes, numbers):
    """``check_in_place_writes`` of ``body`` (its ``writes``), ``numbers`` the parameters
    taken for arrays of numbers; the Sharing found."""
    source, params, live_at_end, makers, returned, fn, prepare = checked
    check = _WriteCheck(source, params, body, makers, returned, fn)
    check.analyze(live_at_end, prepare, writes, numbers)
    for write in writes:
        if write[1] not in anno.get(write[0], Key.UNSHARED, ()):    # else its object is new, unshared
            try:
                _check_write(check, write)
            except TransformError as error:     # cell.append(w): may be a method of the user's (its class decides)
                call = getattr(write[0], "value", None)
                receiver = getattr(getattr(call, "func", None), "value", None)
                if isinstance(receiver, gast.Name) and receiver.id == write[1]:
                    raise awaiting_receivers_class(error, fn, call) from None
                raise
    return check.sharing


class _WriteCheck:
    """What ``check_in_place_writes`` knows of one body while it checks its writes: the
    code (source, params, body), how to build runtime calls (helper, namer, refresh_row),
    and, once ``analyze``d, the sharing, the element reads and what is left unread."""

    def __init__(self, source, params, body, makers, returned, fn=None):
        self.source, self.params, self.body, self.returned, self.fn = source, params, body, returned, fn
        self.helper, self.namer, self.refresh_row = makers
        self.sharing = self.element_reads = self.unread = None

    def analyze(self, live_at_end, prepare, writes, numbers=frozenset()):
        """Find what may share what, refuse callees changing their arguments, and add the
        checks made before writes (items of shallow copies, updates of outside memory)."""
        from ..analysis.sharing import Sharing, calls_changing_arguments     # imported only when needed
        from ..analysis.unread_values import UnreadValues
        source, params, body = self.source, self.params, self.body
        value_reads = _value_reads(source)
        from ..analysis.value_stacks import own_value_stacks
        self.sharing = Sharing(params, body, prepare, numbers,
                               own_stack=lambda name, stack: bool(own_value_stacks(body, params, name, {stack})))
        self.element_reads = _annotate_for_write_checks(self.sharing, params, body, live_at_end,
                                                        [w[:2] for w in writes], value_reads)
        _refuse_callees_changing_arguments(source, calls_changing_arguments(self.sharing), self.fn)
        _check_items_of_shallow_copies(source, self.sharing, body, self.helper)
        # found when first asked
        self.unread = UnreadValues(body, params, live_at_end, value_reads, self.sharing.group)
        _check_outside_updates(source, self.sharing, body, writes, self.helper)


def _check_write(check, write):
    """Check one in-place ``write`` (statement, name, action, strict): refuse it where it
    changes memory from outside or a live sharer it cannot show, else add what lets the
    sharers see it (aliases followed, rows read again, copies taking the written item)."""
    stmt, name, action, strict = write
    sharing, body = check.sharing, check.body
    checked = action != "pop from"     # a pop is not checked (as before), its aliases follow it
    keeps_items = _replaces_items(sharing, name, action) or action == "assignment into an element of" \
        and _taken_back_list_or_dict(sharing, body, name)
    holders = _holders_of_write(check.source, sharing, body, (stmt, name, action), check.helper, check.unread)
    if strict and checked and _written_outside(check.source, sharing, (stmt, name, action), keeps_items):
        _refuse_shared_write(check.source, name, stmt, action, holders=holders, deque=_deque_made(body, name),
                             sharers=sharing.group(name, keeps_items=keeps_items), outside=True,
                             popped=_popped_at(body, stmt, name))
    conflicts, refreshed, items = _sharers_of_write(check, write, holders)
    followed, (store, copies), refused = _sharers_following(
        sharing, (body, check.params), (stmt, name, action), (conflicts - items, holders), (check.helper, checked))
    aliases, refused = _sharers_refused(check, (stmt, name, action), refused)
    if refused:
        rows, stacked = rows_behind(check, name, refused, conflicts - items, items)
        _refuse_shared_write(check.source, name, stmt, action, rows, holders=holders, sharers=refused,
                             deque=_deque_made(body, name), popped=_popped_at(body, stmt, name), stacked=stacked)
    changed = _follow_write(body, write, followed | aliases, refreshed, check.element_reads,
                            (check.helper, check.namer, check.refresh_row))
    for copy in stores_into_copies(store, copies):      # before[k] = t after rows[k] = t
        _insert_after(body, store, copy)
    if changed or copies:
        check.unread.forget()     # statements were added: what is unread is found again


def _sharers_of_write(check, write, holders):
    """(the live names that may share the object the ``write`` (statement, name, action,
    strict) changes, those of them read again after it (rows), those read as a dict's
    items (which a write replaces, never changes))."""
    stmt, name, action, strict = write
    sharing, body, element_reads = check.sharing, check.body, check.element_reads
    conflicts = _live_sharers(sharing, stmt, name, action, strict, (body, check.params)) \
        - _stored_back(sharing, check.params, holders) - {check.returned}
    conflicts -= _replaced_since_read(sharing, body, stmt, name, conflicts)
    # v = y[i] is a number for a 1-D y and a view (a row) otherwise: a row shows
    # later writes into y, so after each such write v is read again when it is a view.
    # (Not after y += v: that becomes y = y + v, a new array no row is a view of.)
    refreshed = {v for v in conflicts if check.refresh_row is not None and strict
                 and refreshable(sharing, v, name, element_reads) and _bound_on_every_path(body, stmt, v)}
    # a value read with a string key is a dict's item: a write replaces items, never changes one
    items = refreshed
    refreshed = {v for v in refreshed if not _read_by_key(element_reads[v])}
    return conflicts, refreshed, items


def _sharers_refused(check, write, refused):
    """(the aliases followed as well, the sharers still refused) of the ``write``
    (statement, name, action), given the sharers ``refused`` so far: none where they
    never read the object again, or the write rebinds a loop's item
    (``rebinds_loop_item``); all followed where each surely holds the object at the
    write (``_aliases_at_write``)."""
    if not refused or refused <= check.unread.unread(write[0], refused) \
            or rebinds_loop_item(check.source, check.body, write, check.helper, check.unread):
        return set(), set()
    aliases = _aliases_at_write(check.body, check.params, write[:2], refused, check.helper)
    return (aliases, set()) if refused <= aliases else (set(), refused)


def _sharers_following(sharing, code, write, shared, how):
    """How the sharers of the ``write`` (statement, name, action) see it: (the aliases
    followed, (the store back and the copies taking the written item, see
    _copies_following), the rest, refused unless they never read the object again; none
    where the write is not ``checked``). ``code``: the body and the parameters; ``shared``:
    the sharers and the holders of the write; ``how``: (helper, checked)."""
    (body, params), (sharers, holders), (helper, checked) = code, shared, how
    followed = _aliases_following(sharing, params, holders, write) & sharers if helper is not None else set()
    store, copies = _copies_following(sharing, body, write, sharers - followed, helper)
    refused = sharers - followed - copies if checked else set()
    return followed, (store, copies), refused


def _aliases_at_write(body, params, write, refused, helper):
    """Those of ``refused`` that surely hold the object the ``write`` (statement, name)
    changes at that write (``y = z; y *= s; z = y + z``, see current_aliases.py)."""
    return aliases_at_write(body, params, *write, refused) if helper is not None else set()


def _written_outside(source, sharing, write, keeps_items):
    """Whether the in-place ``write`` (statement, name, action) changes memory from outside
    the function that a derivative cannot follow (not a constant appended to a global's list)."""
    stmt, name, action = write
    return sharing.reaches_outside(name, keeps_items) and not _constant_appended_outside(source, stmt, name, action)


def _constant_appended_outside(source, stmt, name, action):
    """Whether ``stmt`` is ``LOG.append(1.0)``, a constant appended to the list a global or
    a closure variable of the function holds (named so in the function's own body): the
    list changes as Python changes it, and nothing of the inputs goes there, as for a
    helper appending a constant to it."""
    call = getattr(stmt, "value", None)
    return action == "append to" and isinstance(stmt, gast.Expr) and isinstance(call, gast.Call) \
        and isinstance(call.func, gast.Attribute) and isinstance(call.func.value, gast.Name) \
        and call.func.value.id == name and len(call.args) == 1 and not call.keywords \
        and isinstance(call.args[0], gast.Constant) and name not in _bound_names(source.tree) \
        and type(source.closure.get(name, source.globals.get(name))) is list


def _copies_following(sharing, body, write, candidates, helper):
    """(the store back ``c[k] = t`` after the ``write`` (statement, name, action), those of
    ``candidates`` that are full copies of ``c`` and take the written item too: see
    copied_holders.py); (None, empty) where the write is not stored back into a container."""
    stmt, name, action = write
    store = _store_back(body, stmt, name) if helper is not None and action in _COPIED_WRITES else None
    return store, (following_copies(sharing, body, store, candidates) if store is not None else set())


def _follow_write(body, write, followed, refreshed, element_reads, makers):
    """The statements after a write that let other names see it as Python does: aliases
    ``followed``, rows ``refreshed`` read again, or the write put into a copy of the item
    (``_write_into_a_copy``); whether any was added. ``write``: (statement, name, action,
    strict); ``makers``: (helper, namer, refresh_row)."""
    stmt, name, action, strict = write
    helper, namer, refresh_row = makers
    for v in sorted(followed):      # y = x; y[0] = v (or y *= v): x sees the change
        _insert_after(body, stmt, _followed(v, name, strict, helper, stmt))
    copied = _write_into_a_copy(body, stmt, name, action, (helper, namer), followed | refreshed)
    for v in sorted(refreshed):
        _refresh_after(body, stmt, v, name, element_reads[v], refresh_row, namer)
    return bool(followed or refreshed or copied)


_STACK_METHODS = ("append", "pop")


def _replaces_items(sharing, name, action):
    """Whether the write replaces or adds items but changes none: replacing an item of a
    dict the function built changes no memory from outside, even where the dict holds an
    argument; nor does appending change any item."""
    return action == "append to" \
        or action == "assignment into an element of" and sharing.is_dict_built_here(name)


def _taken_back_list_or_dict(sharing, body, name):
    """Whether ``name`` holds only lists and dicts the code builds, some taken back off a
    stack of its own earlier values (see value_stacks.py): a write replaces their items."""
    from ..analysis.value_stacks import taken_back_list_or_dict
    return taken_back_list_or_dict(sharing, body, name)


def _writes_to_check(body, statements, params):
    """``_checked_writes`` of ``statements``, but for those into private stacks."""
    writes = list(_checked_writes(statements))
    if writes:
        private = _private_stacks(body, statements, [w[1] for w in writes], params)
        writes = [w for w in writes if w[1] not in private]
    return writes


def _private_stacks(body, statements, written, params):
    """The names of ``written`` bound once, to a new empty list, and otherwise only read as
    the receiver of their own ``.append(v)`` and ``.pop()`` (the stacks of generated
    reverse code): no other name can refer to such a list nor to what it keeps, so writing
    into it changes nothing another name sees, and the sharing analysis need not look.
    (A name read anywhere else, a parameter, and a function with ``global`` or
    ``nonlocal`` have none.)"""
    candidates = {name for name in written if name not in params}
    if not candidates:
        return set()
    bound, receivers = {}, {}
    for stmt in statements:
        if isinstance(stmt, (gast.Global, gast.Nonlocal)):
            return set()
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                and stmt.targets[0].id in candidates and isinstance(stmt.value, gast.List) and not stmt.value.elts:
            bound[stmt.targets[0].id] = bound.get(stmt.targets[0].id, 0) + 1
        call = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
        if isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) \
                and call.func.attr in _STACK_METHODS and isinstance(call.func.value, gast.Name) \
                and call.func.value.id in candidates:
            receivers[call.func.value.id] = receivers.get(call.func.value.id, 0) + 1
    candidates = {name for name in candidates if bound.get(name) == 1}
    if not candidates:
        return set()
    mentions = {}
    for node in S.name_nodes(gast.Module(body=body, type_ignores=[])):
        if node.id in candidates:
            mentions[node.id] = mentions.get(node.id, 0) + 1
    return {name for name in candidates if mentions.get(name) == 1 + receivers.get(name, 0)}


def _check_outside_updates(source, sharing, body, writes, helper):
    """Before each ``v op= e`` where ``v`` may hold memory the function did not create (a
    global's object, an item or attribute of one; arguments are copied or checked
    elsewhere), the check ``outside_update`` (runtime.py): ``op=`` changes an array there
    in place, which the derivative would not follow, but only rebinds a number."""
    from ..analysis.sharing import OUTSIDE
    for stmt, name, action, strict in writes:
        if not strict and name in sharing.locals and OUTSIDE in sharing.group(name):
            where = S.const(source.place(stmt))
            _insert_before(body, stmt, S.expr_stmt(helper("outside_update", [S.name(name), where])))


def _check_items_of_shallow_copies(source, sharing, body, helper):
    """Before each op= on an item of a shallow copy (``c = xs.copy(); c[0] *= a``, here or
    in a helper given ``xs``), a check of what was copied, whose kind only the run shows:
    a list's, dict's or tuple's copy holds the very arrays of what it copied, which op=
    would change; an array's copy is new memory. At a call of such a helper, the argument
    is checked (``items_unshared_by_copy``, runtime.py), here the copy's item
    (``item_of_copy_apart``)."""
    from ..analysis.sharing import calls_changing_items_of_arguments, item_updates_of_copies
    for stmt, callee, argument, where in list(calls_changing_items_of_arguments(sharing)):
        written = S.const(f"{where.filename}:{where.line}: {(where.text or '').strip()}")
        check = helper("items_unshared_by_copy", [S.name(argument), S.const(callee), written, _at(source, stmt),
                                                  S.const(where.keys)])
        _insert_before(body, stmt, S.expr_stmt(check))
    for stmt, copied, item in list(item_updates_of_copies(sharing)):
        check = helper("item_of_copy_apart", [S.name(copied), S.name(item), _at(source, stmt)])
        _insert_before(body, stmt, S.expr_stmt(check))


def _at(source, stmt):
    return S.const(source.place(stmt))


def _calls_user_function(stmt):
    """Whether ``stmt`` calls a function astgrad reads the code of, which may change an
    argument in place (``calls_changing_arguments`` says which)."""
    call = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
    return isinstance(call, gast.Call) and anno.get(call, Key.TARGET) is not None \
        and ops.is_user_function(anno.get(call, Key.TARGET))


def _value_reads(source):
    """What counts as reading a value in ``source``'s code: ``derivative_value_reads`` in a
    derivative astgrad generated (differentiated again), else ``value_reads``."""
    from ..analysis.sharing import derivative_value_reads, value_reads
    fn = getattr(source, "fn", None)
    code = getattr(fn, "__code__", None)
    return derivative_value_reads if code is not None and generated_text.is_derivative(code) else value_reads


def _annotate_for_write_checks(sharing, params, body, live_at_end, writes, value_reads):
    """Mark what the check reads off each statement: which element reads ``v = y[i]``
    there are (returned: v -> those statements), which names are live after it, and
    (only at the in-place writes ``writes``, (statement, name) each) whether the
    written object is new and unshared, and what may share it."""
    from ..analysis import dataflow
    from ..analysis.sharing import mark_unshared
    element_reads = {}
    for stmt in sharing.statements:
        if _element_read(stmt):
            anno.set(stmt, Key.ELEMENT_OF, stmt.value.value.id)
            element_reads.setdefault(stmt.targets[0].id, []).append(stmt)
    if writes:      # what is live, and unshared, is asked only at the writes
        dataflow.liveness(body, set(live_at_end), value_reads)    # shapes survive in-place writes
        mark_unshared(body, params, writes, sharing)
        _mark_overlapping_values(sharing, body, writes)
    return element_reads


def _mark_overlapping_values(sharing, body, writes):
    """Mark each write ``y[i] = v`` whose value ``v`` may share ``y``'s memory, as the
    value flow says (``_memory_of``): ``y`` itself, an alias of it, a view made from one
    (``v = y[::-1]``, ``v = y.T``, ``v = y[k]`` at any key, ``v = numpy.flip(y)``, a
    helper returning a view of it, ``y`` read back out of a list or dict holding it), or
    what ``y`` is a view of. NumPy may write such a value element by element, reading
    elements it has overwritten already, which the reverse sweep cannot follow; the
    forward sweep checks it when it runs (``runtime.write_reads_value_first``). A list or
    dict the function built (a memo table ``memo[n] = r``) is no array, and an int
    (``y[i] = r``, ``i`` a range loop's counter or a copy of one) is a basic index: such
    writes stay unmarked."""
    memory, counters = {}, None     # y -> the names that may share y's memory; the ints of range loops
    for stmt, name in writes:
        value = getattr(stmt, "value", None)
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript)
                and S.may_be_advanced_index(stmt.targets[0].slice) and isinstance(value, gast.Name)):
            continue
        if counters is None:
            counters = _int_names(body)
        if S.may_be_advanced_index(stmt.targets[0].slice, counters) and not sharing.is_list_or_dict_built_here(name):
            if name not in memory:
                memory[name] = _memory_of(sharing, name)
            if value.id in memory[name]:
                anno.set(stmt, Key.VALUE_MAY_OVERLAP, True)


def _dict_items(statements):
    """(v, d) for each ``v = d["key"]``, and no other read of ``d`` binding ``v``: a string
    key reads a dict's item, so ``d``'s other items share nothing with ``v``."""
    keyed, other = set(), set()
    for stmt in statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                and isinstance(stmt.value, gast.Subscript) and isinstance(stmt.value.value, gast.Name):
            read = (stmt.targets[0].id, stmt.value.value.id)
            key = stmt.value.slice
            (keyed if isinstance(key, gast.Constant) and isinstance(key.value, str) else other).add(read)
    return keyed - other


def _saved_copies(statements):
    """The names every binding of which is ``snapshot(v)`` or ``saved_item(c, k)``: a copy
    when the value is an array (another object is handed back as it is)."""
    copies, others = set(), set()
    for stmt in statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            copied = isinstance(stmt.value, gast.Call) \
                and anno.get(stmt.value, Key.TARGET) in (runtime.snapshot, runtime.saved_item)
            (copies if copied else others).add(stmt.targets[0].id)
        else:
            others |= _names_bound_by(stmt)
    return copies - others


def _names_bound_by(stmt):
    """The names an assignment or a ``for`` loop ``stmt`` binds (none for another statement)."""
    if isinstance(stmt, (gast.Assign, gast.For)):
        return S.stored_names(stmt.targets[0] if isinstance(stmt, gast.Assign) else stmt.target)
    return set()


def _int_names(body):
    """Names that certainly hold ints: the counters of range loops, and names every
    binding of which is one of those or an int constant (``row_index = i``)."""
    ints, sources, other = range_targets(body, mark=False), {}, set()
    for stmt in walk.walk_statements(body):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                and (isinstance(stmt.value, gast.Name)
                     or isinstance(stmt.value, gast.Constant) and type(stmt.value.value) is int):
            sources.setdefault(stmt.targets[0].id, set()).add(getattr(stmt.value, "id", None))
        else:
            other |= _names_bound_by(stmt)
    candidates = {n: found - {None} for n, found in sources.items() if n not in other}
    while True:
        more = {n for n, found in candidates.items() if n not in ints and found <= ints}
        if not more:
            return ints
        ints |= more


def _memory_of(sharing, name):
    """``name`` and the names whose arrays may overlap its memory: reached through
    aliases (``v = y``, a call that may return its argument), views both ways (what was
    read out of ``y`` by an index or attribute, and what ``y`` was read out of), and the
    items read out of a list, dict or object that may hold one of them (``v = d["y"]``,
    ``v = stack.pop()``, a loop's item). Not the other items a list holds, which are
    other objects, nor a copy of an array astgrad's code saved (``snapshot``, ``saved_item``)."""
    viewed_from, dict_items = {}, _dict_items(sharing.statements)
    for container, views in sharing.views.items():
        for view in views:
            if (view, container) not in dict_items:
                viewed_from.setdefault(view, set()).add(container)
    copies = _saved_copies(sharing.statements)
    found, todo = {(name, True)}, [(name, True)]        # (a name, whether it may be the memory or holds it)
    while todo:
        current, is_memory = todo.pop()
        if is_memory:
            steps = [(n, True) for n in sharing.alias.get(current, set()) | sharing.views.get(current, set())
                     | viewed_from.get(current, set()) if n not in copies]
        else:
            steps = [(n, True) for n in sharing.views.get(current, set()) | sharing.taken_out.get(current, set())]
            steps += [(n, False) for n in sharing.alias.get(current, set())]
        steps += [(n, False) for n in sharing.holders.get(current, set())]
        for step in steps:
            if step not in found:
                found.add(step)
                todo.append(step)
    return {n for n, is_memory in found if is_memory}


def _checked_writes(statements):
    """(statement, name, action, strict) for each in-place write the check looks at.
    A strict write changes the object whatever it is; ``+=`` changes arrays only (on
    numbers it binds a new value)."""
    for change in in_place_changes(statements):
        if change.kind is ChangeKind.ELEMENT:
            yield change.stmt, change.name, "assignment into an element of", True
        elif change.kind is ChangeKind.METHOD and change.method == "append":
            yield change.stmt, change.name, "append to", True
        elif change.kind is ChangeKind.METHOD and change.method == "pop":
            yield change.stmt, change.name, "pop from", True
        elif change.kind is ChangeKind.AUGMENTED:
            yield change.stmt, change.name, "augmented assignment (+= and the like) on", False


def _live_sharers(sharing, stmt, name, action, strict, code):
    """The names live after ``stmt`` that may share memory with ``name``'s object, and
    so would see the write into it; ``code`` is the body and the parameters. A stack of
    ``name``'s own earlier values (reverse code's ``d_stack``) never holds its object."""
    from ..analysis.built_items import is_built_item
    # appending, or replacing a dict's item, changes no item read out before
    keeps_items = action == "append to" or (strict and (sharing.is_list_or_dict_built_here(name)
                                                         or is_built_item(sharing, name)
                                                         or _taken_back_list_or_dict(sharing, code[0], name)))
    shared = sharing.group(name, keeps_items=keeps_items)
    # a name still holding a constant nobody read since (generated code sets t = 0.0
    # before a loop and pushes that value in it) cannot see the write
    conflicts = shared & anno.get(stmt, Key.LIVE_OUT, set()) - anno.get(stmt, Key.UNTOUCHED_CONSTANTS, set())
    touched = anno.get(stmt, Key.TOUCHED_SINCE_MADE, {}).get(name)
    if touched is not None:         # names bound before name's object was made
        conflicts &= touched
    if conflicts:
        from ..analysis.value_stacks import own_value_stacks
        conflicts -= own_value_stacks(*code, name, conflicts, sharing.advanced_copies)
    return conflicts


def _exact_aliases(statements, params, name):
    """The names that certainly hold the very object ``name`` holds, wherever either is
    read: all of them are bound only by plain copies of one another (``y = x``) and by
    ``op=`` (which the others follow), except one root bound once (a parameter, or one
    assignment). Empty when that is not sure."""
    bindings = {p: [None] for p in params}
    for stmt in statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            if not anno.get(stmt, Key.AUGMENTED, False):     # y op= v: followed (see _followed)
                bindings.setdefault(stmt.targets[0].id, []).append(stmt.value)
        elif isinstance(stmt, gast.Assign) and not isinstance(stmt.targets[0], gast.Subscript):
            for bound in S.stored_names(stmt.targets[0]):
                bindings.setdefault(bound, []).extend([None, None])
        elif isinstance(stmt, gast.For):
            for bound in S.stored_names(stmt.target):
                bindings.setdefault(bound, []).extend([None, None])
    component, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in component:
            continue
        component.add(current)
        todo.extend(v.id for v in bindings.get(current, ()) if isinstance(v, gast.Name))
        todo.extend(other for other, values in bindings.items()
                    if any(isinstance(v, gast.Name) and v.id == current for v in values))
    roots = [n for n in component
             if any(not (isinstance(v, gast.Name) and v.id in component) for v in bindings.get(n, [None]))]
    # the root's one binding from outside the component made the object; copies from
    # the others (ys = zs after a write through zs) bind it to that same object again
    if len(roots) > 1 or any(sum(not (isinstance(v, gast.Name) and v.id in component)
                                 for v in bindings.get(r, [None])) != 1 for r in roots):
        return set()
    return component - {name}


def _followed(alias, name, strict, helper, stmt):
    """After a change of ``name``'s object: ``alias = name`` (an element write: the same
    object), or ``alias = follow_in_place(alias, name)`` (``op=``: on an array the object
    changed, on a number only ``name`` was rebound)."""
    line = getattr(stmt, "lineno", None)
    if strict:
        follow = S.assign(alias, S.name(name), line=line)
        anno.set(follow, Key.FOLLOWS, True)     # the same object: no value to save
        return follow
    return S.assign(alias, helper("follow_in_place", [S.name(alias), S.name(name)]), line=line)


def _read_by_key(reads):
    return all(isinstance(r.value.slice, gast.Constant) and isinstance(r.value.slice.value, str)
               for r in reads)


def _bound_on_every_path(block, stmt, v):
    """Whether ``v`` is bound (``v = ...``) before ``stmt`` on every path through ``block``
    to it: in the block holding ``stmt`` or one enclosing it, ahead of it (a row read in
    one branch only is not there to read again after a write past the branches). A write
    inside a branch counts as bound where an earlier branch of the same test bound ``v``:
    reverse code writes in the branch of its forward code's test, where the forward branch
    bound ``v`` (a branch of another test may not have run)."""
    bound = False
    for at, current in enumerate(block):
        if current is stmt:
            return bound
        for inner in _inner_blocks(current):
            if any(s is stmt for s in walk.walk_statements(inner)):
                return bound or _bound_by_same_test(block[:at], current, inner, v) \
                    or _bound_on_every_path(inner, stmt, v)
        if isinstance(current, gast.Assign) and isinstance(current.targets[0], gast.Name) \
                and current.targets[0].id == v:
            bound = True
    return bound


def _bound_by_same_test(earlier, branching, branch, v):
    """Whether ``branch`` (the body or orelse of the If ``branching``) follows a branch of
    an earlier If of ``earlier`` with the same test that binds ``v``: both run or neither."""
    if not isinstance(branching, gast.If) or not isinstance(branching.test, gast.Name):
        return False
    side = "body" if branch is branching.body else "orelse"
    return any(isinstance(s, gast.If) and isinstance(s.test, gast.Name) and s.test.id == branching.test.id
               and v in S.stored_names(gast.Module(body=getattr(s, side), type_ignores=[]))
               for s in earlier)


def _inner_blocks(stmt):
    blocks = [getattr(stmt, field) for field in ("body", "orelse", "finalbody")
              if isinstance(getattr(stmt, field, None), list)]
    return blocks + [handler.body for handler in getattr(stmt, "handlers", ())]


def _refresh_after(body, write, v, name, reads, refresh_row, namer):
    """Insert ``v = current_row(v, name, index)`` right after ``write``; the index each
    read of ``v`` used is kept in a name of its own (``v_index``) when it is a name."""
    index = reads[0].value.slice
    if not all(isinstance(r.value.slice, gast.Constant) and isinstance(index, gast.Constant)
               and r.value.slice.value == index.value for r in reads):
        kept = anno.get(reads[0], Key.KEPT_INDEX)
        if kept is None:
            kept = namer.fresh(v + "_index")
            for read in reads:
                anno.set(read, Key.KEPT_INDEX, kept)
                _insert_after(body, read, S.assign(kept, S.copy(read.value.slice), line=read.lineno))
        index = S.name(kept)
    refresh = S.assign(v, refresh_row([S.name(v), S.name(name), S.copy(index)]), line=write.lineno)
    _insert_after(body, write, refresh)


def _stored_back(sharing, params, holders):
    """``d[a][b] = v`` stored back into ``d`` (``holders``, from ``_written_back``): ``d``,
    and every name that is the very same dict, see the write."""
    return set().union(set(), *({holder} | _exact_aliases(sharing.statements, params, holder) for holder in holders))


def _written_back(block, stmt, name):
    """{d} when the statement after ``stmt`` (a write into ``name``) is ``d[k] = name``:
    ``d[a][b] = v`` written as ``t = d[a]; t[b] = v; d[a] = t``, where d takes the written
    item back before anything reads it, so its derivative follows the write."""
    store = _store_back(block, stmt, name)
    if store is None:       # derivative code undoing a write into an item copy: see restored_holders
        from .restored_holders import restored_holders
        return restored_holders(block, stmt, name)
    target = store.targets[0]
    return {target.id if isinstance(target, gast.Name) else target.value.id}


def _holders_of_write(source, sharing, body, write, helper, unread):
    """The containers that take back the item the ``write`` (statement, name, action)
    changes: ``_written_back``, else those ``_store_item_back`` makes take it back."""
    stmt, name, action = write
    holders = _written_back(body, stmt, name)
    if holders or helper is None:
        return holders
    holders = _store_item_back(source, sharing, body, stmt, name, action, helper)
    if holders:
        unread.forget()     # statements were added: what is unread is found again
    return holders


def _store_item_back(source, sharing, body, stmt, name, action, helper):
    """{c} after putting ``c[k] = name`` right after ``stmt``, a write into ``name`` bound
    once, by ``name = c[k]`` (``k`` a constant), out of a list or dict ``c`` the function
    built and changes nowhere in place: ``r = rows[1]; r[2] = v`` changes the item ``rows``
    holds, which is what the store says, so ``c`` takes the write back as it does for
    ``rows[1][2] = v`` (and, when the code runs, ``written_items_apart`` refuses a ``c``
    holding the item twice). Else the empty set (nothing added)."""
    read = _item_read(sharing, name)
    if read is None or action not in _COPIED_WRITES \
            or [change.stmt for change in in_place_changes(sharing.statements) if change.name == name] != [stmt]:
        return set()
    container, key = read.value.value.id, read.value.slice
    if container in sharing.params or not sharing.is_list_or_dict_built_here(container) \
            or len(sharing.bindings_of(container)) != 1 \
            or any(change.name == container for change in in_place_changes(sharing.statements)):
        return set()
    line = getattr(stmt, "lineno", None)
    where = S.const(source.place(stmt))
    _insert_before(body, stmt, S.expr_stmt(helper("written_items_apart", [S.name(container), S.name(name), where])))
    store = S.assign(gast.Subscript(value=S.name(container), slice=S.copy(key), ctx=gast.Store()), S.name(name),
                     line=line)
    _insert_after(body, stmt, store)
    return {container}


def _aliases_following(sharing, params, holders, write):
    """The names that hold the very object the ``write`` (statement, name, action) changes,
    wherever they are read: plain aliases, and the name a display holds at the item's key."""
    stmt, name, action = write
    return _exact_aliases(sharing.statements, params, name) | _held_at_key(sharing, holders, stmt, name, action)


def _held_at_key(sharing, holders, write, name, action):
    """{v} for ``t = d[k]; t[j] = e; d[k] = t`` (``holders`` is {d}) where ``d`` is bound
    once, to a display holding the name ``v`` at the constant key ``k`` (``d = {"k": v}``,
    ``d = [u, v]``), ``v`` is bound once, and every other change of ``d`` in place stores
    back at ``k`` what was read out at ``k``: ``d[k]`` is always ``v``'s object, so ``v``
    follows the write as an alias does (``v = t`` after it). ``t`` must be read nowhere
    else (``d[k][1:] *= w`` reads it, and its second derivative is refused). Else the
    empty set."""
    read = _item_read(sharing, name)
    if read is None or holders != {read.value.value.id} or action != "assignment into an element of" \
            or not _only_written(sharing, name, write):
        return set()
    container, key = read.value.value.id, read.value.slice.value
    held = _display_item(sharing, container, key)
    if held is None or held in sharing.params or len(sharing.bindings_of(held)) != 1:
        return set()
    for change in in_place_changes(sharing.statements):
        if change.name != container:
            continue
        target = change.stmt.targets[0] if isinstance(change.stmt, gast.Assign) else None
        if not (isinstance(target, gast.Subscript) and isinstance(target.slice, gast.Constant)
                and target.slice.value == key and isinstance(change.stmt.value, gast.Name)
                and _item_read(sharing, change.stmt.value.id) is not None
                and _item_read(sharing, change.stmt.value.id).value.slice.value == key):
            return set()
    return {held}


def _only_written(sharing, name, write):
    """Whether ``name`` is loaded only by the ``write`` into it, the check before it and
    the store back after it (``t[j] = e``, ``d[k] = t``), and never read."""
    for stmt in sharing.statements:
        if stmt is write or isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript) \
                and isinstance(stmt.value, gast.Name) and stmt.value.id == name:
            continue
        call = stmt.value if isinstance(stmt, gast.Expr) else None
        if isinstance(call, gast.Call) and anno.get(call, Key.TARGET) is runtime.written_items_apart:
            continue
        if any(isinstance(n, gast.Name) and n.id == name and isinstance(n.ctx, gast.Load)
               for root in S.header_nodes(stmt) for n in S.operand_nodes(root)):
            return False
    return True


def _replaced_since_read(sharing, body, write, name, conflicts):
    """Those of ``conflicts`` that hold an item the write into ``name`` leaves alone: ``v``
    bound once, by ``v = d[k]``, and ``name`` by ``name = d[k]`` (the same constant ``k``)
    later in the same block, where in between ``d[k] = n`` stores a list or dict ``n`` made
    there (``n = [...]``, bound once, after ``v`` was read), and from that store to the
    write only simple statements follow, none changing ``d`` (which no other name holds):
    ``v`` keeps the item ``d`` held before. Else the empty set."""
    read = _item_read(sharing, name)
    container = read.value.value.id if read is not None else None
    block = next((b for b in walk.walk_blocks(body) if any(s is write for s in b)), [])
    position = {id(s): k for k, s in enumerate(block)}
    if container is None or id(read) not in position or sharing._aliases(container) != {container} \
            or sharing.holders.get(container):
        return set()
    key = read.value.slice.value
    found = set()
    for v in conflicts:
        v_read = _item_read(sharing, v)
        if v_read is None or id(v_read) not in position or v_read.value.value.id != container \
                or v_read.value.slice.value != key:
            continue
        start, end = position[id(v_read)], position[id(read)]
        stores = [k for k in range(start + 1, end) if _stores_new_item(sharing, block, k, start, (container, key))]
        after = block[stores[-1] + 1:position[id(write)]] if stores else None
        if after is not None and all(type(s) in (gast.Assign, gast.Expr) for s in after) \
                and not any(change.name == container for change in in_place_changes(after)):
            found.add(v)
    return found


def _stores_new_item(sharing, block, k, start, item):
    """Whether ``block[k]`` is ``d[key] = n`` (``item`` is (d, key)) with ``n`` bound once, to
    a list or dict display, in ``block`` after position ``start``."""
    stmt, (container, key) = block[k], item
    target = stmt.targets[0] if isinstance(stmt, gast.Assign) else None
    if not (isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name)
            and target.value.id == container and isinstance(target.slice, gast.Constant)
            and target.slice.value == key and isinstance(stmt.value, gast.Name)):
        return False
    bindings = sharing.bindings_of(stmt.value.id)
    return len(bindings) == 1 and isinstance(bindings[0].value, (gast.List, gast.Dict)) \
        and any(s is bindings[0] for s in block[start + 1:k])


def _display_item(sharing, container, key):
    """The name the display ``container`` is bound to (once) holds at ``key``, or None."""
    bindings = sharing.bindings_of(container)
    value = bindings[0].value if len(bindings) == 1 and isinstance(bindings[0], gast.Assign) else None
    if isinstance(value, gast.Dict):
        items = [v for k, v in zip(value.keys, value.values) if isinstance(k, gast.Constant) and k.value == key]
        item = items[-1] if items and all(isinstance(k, gast.Constant) for k in value.keys) else None
    elif isinstance(value, gast.List) and type(key) is int and -len(value.elts) <= key < len(value.elts):
        item = value.elts[key]
    else:
        item = None
    return item.id if isinstance(item, gast.Name) else None


def _item_read(sharing, name):
    """The one statement binding ``name``, when it is ``name = c[k]`` with ``k`` a number
    or string constant; else None."""
    bindings = sharing.bindings_of(name)
    if name in sharing.params or len(bindings) != 1 or not isinstance(bindings[0], gast.Assign):
        return None
    value = bindings[0].value
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) \
            and isinstance(value.slice, gast.Constant) and type(value.slice.value) in (int, str):
        return bindings[0]
    return None


# the writes into an item its container takes back that go into a copy of the item
_COPIED_WRITES = ("assignment into an element of", "append to", "pop from")


def _store_back(block, stmt, name):
    """The statement ``d[k] = name`` (or ``p = with_attribute(p, 'W', name)``, an object
    taking its attribute back) right after ``stmt``, or None."""
    for inner in walk.walk_blocks(block):
        for position, current in enumerate(inner[:-1]):
            if current is stmt:
                after = inner[position + 1]
                if isinstance(after, gast.Assign) and isinstance(after.targets[0], gast.Subscript) \
                        and isinstance(after.targets[0].value, gast.Name) \
                        and isinstance(after.value, gast.Name) and after.value.id == name:
                    return after
                return after if _attribute_stored_back(after, name) else None
    return None


def _attribute_stored_back(stmt, name):
    """``p = with_attribute(p, 'W', name)``."""
    from .. import runtime_objects
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.Call) and len(stmt.value.args) == 3
            and anno.get(stmt.value, Key.TARGET) is runtime_objects.with_attribute):
        return False
    owner, _, value = stmt.value.args
    return isinstance(owner, gast.Name) and owner.id == stmt.targets[0].id \
        and isinstance(value, gast.Name) and value.id == name


def _write_into_a_copy(body, stmt, name, action, makers, kept):
    """``t = d[a]; t[b] = v; d[a] = t`` (or ``t.append(v)``), once the check found no
    other name that would see the write: ``t_1 = written_copy(t); t_1[b] = v; d[a] = t_1``
    (then ``t = t_1`` where ``t`` is read later). No value another name reads changes, as
    in Python, and the object written into is new and held by one name, so the
    derivative's own code (whose stacks keep earlier objects) can be differentiated again.
    Left as it is where names ``kept`` follow the object written into (aliases, rows);
    returns whether it changed the body. ``makers``: (``helper(name, args)`` building a runtime call, the namer)."""
    helper, namer = makers
    store = _store_back(body, stmt, name)
    if store is None or kept or action not in _COPIED_WRITES or helper is None or namer is None \
            or action != "assignment into an element of" and not _method_call_on(stmt, name):
        return False
    line = getattr(stmt, "lineno", None)
    copy = namer.fresh(name)
    _insert_before(body, stmt, S.assign(copy, helper("written_copy", [S.name(name)]), line=line))
    written = stmt.targets[0] if action == "assignment into an element of" else stmt.value.func     # t[b] = v, t.pop()
    written.value = S.name(copy)
    if isinstance(store.targets[0], gast.Subscript):
        store.value = S.name(copy)
    else:
        store.value.args[2] = S.name(copy)
    if name in anno.get(store, Key.LIVE_OUT, {name}):
        _insert_after(body, store, S.assign(name, S.name(copy), line=line))
    return True


def _method_call_on(stmt, name):
    """Whether ``stmt`` is ``name.m(...)`` or ``v = name.m(...)``."""
    call = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
    return isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) \
        and isinstance(call.func.value, gast.Name) and call.func.value.id == name


def _insert_before(block, stmt, new):
    """Put ``new`` right before ``stmt``, wherever in ``block`` (or its nested blocks) it is."""
    for inner in walk.walk_blocks(block):
        for position, current in enumerate(inner):
            if current is stmt:
                inner.insert(position, new)
                return True
    return False


def _insert_after(block, stmt, new):
    """Put ``new`` right after ``stmt``, wherever in ``block`` (or its nested blocks) it is."""
    for inner in walk.walk_blocks(block):
        for position, current in enumerate(inner):
            if current is stmt:
                inner.insert(position + 1, new)
                return True
    return False
