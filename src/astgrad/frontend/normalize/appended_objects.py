"""An object the function builds into a name and appends to a list of its own, then
changes through the name (``a = Acc(w * k); held.append(a); a.bump(0, c)``), written as
the object appended and changed through the list::

    for k in range(n):                          for k in range(n):
        a = Acc(w * k)                              at = len(held)
        held.append(a)              ->              held.append(Acc(w * k))
        a.bump(0, c)                                held[at].bump(0, c)
        s = s + a.data[0]                           s = s + held[at].data[0]

In Python the name and the list's item are one object, so the method's change shows in
``held[0].data`` after the loop. ``held[at]`` is that object as long as nothing stores into
the list at that index: object_columns.py then holds the list as a list per attribute (and
column_writes.py the method's writes into the object's array). Written so where:

- ``a`` is bound once, by a statement of a block followed at once by ``held.append(a)``,
  and named elsewhere only in the statements after that in the block, as ``a.attr`` read
  or ``a.method(...)`` (a statement of its own, bound to a name, or inside an expression
  where hoisted_calls.py binds it to a name first: ``s = s + a.bumped(0, c)``), or
  appended to a second list (``other.append(a)``, written ``other.append(held[at])``, a
  list moved out of ``held``: column_moves.py), in no function, lambda or class; or,
  where ``block`` is the body of a ``for`` loop that surely runs a turn and runs each
  turn whole, read as ``a.attr`` after the loop (the last turn's object, ``held[at]``);
- ``held`` is bound once, to ``[]`` (``held, other = [], []`` is first written as two
  statements), and stored into at an index only outside ``block``, and not where ``a``
  is read after the loop (a store may replace ``held[at]``);
- object_columns.py takes the list so written (tried on a copy first): anything else is
  left as it was, and a refusal names the user's line."""

import copy
import functools
import types

import gast

from ...core import syntax as S
from ...core.first_use import imported_when_called
from ...core.walk import walk_blocks
from .element_reads import copied_element
from .scopes import binding_counts

# words of a refusal only: loaded when a list has the same object appended twice
note_appended_twice = imported_when_called("astgrad.frontend.moved_list_words", "note_appended_twice")

# most functions reach neither: hoisted_calls.py loads with the first call (core/first_use.py)
hoist_calls = imported_when_called(__package__ + ".hoisted_calls", "hoist_calls")
hoistable = imported_when_called(__package__ + ".hoisted_calls", "hoistable")

_SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)


def write_appended_objects(normalizer, tree):
    """Each such object of ``tree`` written so (the module docstring). Whether one was."""
    from .object_columns import columns_take
    written = False
    copier = functools.partial(copied_element, normalizer)
    _split_empty_lists(tree, _appended_to(normalizer, tree))
    for block in list(walk_blocks(tree.body)):
        for position in range(len(block) - 1):
            found = _appended(normalizer, tree, block, position)
            if found is None:
                continue
            at = normalizer.namer.fresh("at")
            trial, index = copy.deepcopy(tree), next(k for k, b in enumerate(walk_blocks(tree.body)) if b is block)
            trial_block = list(walk_blocks(trial.body))[index]      # (a copy walks in the same order)
            made = []
            _write(trial, trial_block, position, *found, at, _recording(normalizer, made), _module_test(normalizer),
                   copier)
            counts = normalizer.bound_count
            normalizer.bound_count = binding_counts([trial])
            taken = columns_take(normalizer, trial, found[1])
            normalizer.bound_count = counts
            if taken:
                again = iter(made)          # the names the trial made, in the same order
                _write(tree, block, position, *found, at, lambda hint: next(again), _module_test(normalizer),
                       copier)
                normalizer.locals.update([at, *made])
                written = True
    return written


def _appended(normalizer, tree, block, position):
    """(the object's name, the list's name) where ``block[position]`` builds the object and
    the next statement appends it (the module docstring); else None."""
    stmt, append = block[position], block[position + 1]
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.Call)):
        return None
    me = stmt.targets[0].id
    call = append.value if isinstance(append, gast.Expr) else None
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == "append"
            and isinstance(call.func.value, gast.Name) and len(call.args) == 1 and not call.keywords
            and isinstance(call.args[0], gast.Name) and call.args[0].id == me) \
            or normalizer.built_class_of(stmt.value) is None:
        return None
    held = call.func.value.id
    if normalizer.bound_count.get(me, 0) != 1 or normalizer.bound_count.get(held, 0) != 1 or me == held \
            or not _bound_to_an_empty_list(tree, held):
        return None
    nodes = list(S.walk_nodes(tree))
    inside = {id(n) for top in block for n in S.walk_nodes(top)}
    stores = [n for n in nodes if isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name)
              and n.value.id == held and not isinstance(n.ctx, gast.Load)]
    later = {id(n) for top in _after_the_loop(tree, block) for n in S.walk_nodes(top)}
    if any(isinstance(n, _SCOPES) and n is not tree and me in S.names_in(n) for n in nodes) \
            or any(id(n) in inside for n in stores) \
            or stores and any(isinstance(n, gast.Name) and n.id == me and id(n) in later for n in nodes):
        return None         # (a store where a is still read may replace held[at]: no longer a)
    after = {id(n) for top in block[position + 2:] for n in S.walk_nodes(top)}
    parents, is_module = S.parent_nodes(tree), _module_test(normalizer)
    again = [n for n in nodes if id(n) in after and isinstance(n, gast.Name) and n.id == me
             and _appended_to_the_list(n, parents, held)]
    if again:           # two items one object: not followed, and its refusal says so
        note_appended_twice(normalizer.source, me, held, [normalizer.source.file_line(n) for n in [append, *again]],
                            [normalizer.source.file_line(s) for s in block[position + 2:] if _calls_on(s, me)])
        return None
    for node in nodes:
        if isinstance(node, gast.Name) and node.id == me and node is not stmt.targets[0] \
                and node is not call.args[0] and not (id(node) in after and _used_so(node, parents, is_module)) \
                and not (id(node) in later and _attribute_read(node, parents)):
            return None
    return me, held, stmt, append


def _appended_to_the_list(node, parents, held):
    """Whether ``node`` is the argument of ``held.append(node)``."""
    call = parents.get(node)
    return isinstance(call, gast.Call) and call.args == [node] and isinstance(call.func, gast.Attribute) \
        and call.func.attr == "append" and isinstance(call.func.value, gast.Name) and call.func.value.id == held


def _calls_on(stmt, me):
    """Whether the statement ``stmt`` calls a method of ``me`` (``me.bump(0, c)``)."""
    return any(isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) and isinstance(n.func.value, gast.Name)
               and n.func.value.id == me and n.func.attr != "append" for n in S.walk_nodes(stmt))


def _appended_to(normalizer, tree):
    """The names ``held`` of the statements ``held.append(a)`` that follow ``a = Cls(...)``,
    an object of the user's class."""
    found = set()
    for block in walk_blocks(tree.body):
        for stmt, append in zip(block, block[1:]):
            call = append.value if isinstance(append, gast.Expr) else None
            if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
                    and isinstance(stmt.value, gast.Call) and isinstance(call, gast.Call) \
                    and isinstance(call.func, gast.Attribute) and call.func.attr == "append" \
                    and isinstance(call.func.value, gast.Name) and len(call.args) == 1 \
                    and isinstance(call.args[0], gast.Name) and call.args[0].id == stmt.targets[0].id \
                    and normalizer.built_class_of(stmt.value) is not None:
                found.add(call.func.value.id)
    return found


def _split_empty_lists(tree, names):
    """``held, other = [], []`` binding one of ``names`` written ``held = []`` then ``other = []``:
    the same new lists, each bound by a statement of its own as the rewrite asks."""
    for block in walk_blocks(tree.body):
        for k, stmt in reversed(list(enumerate(block))):
            target = stmt.targets[0] if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 else None
            if isinstance(target, (gast.Tuple, gast.List)) and isinstance(stmt.value, (gast.Tuple, gast.List)) \
                    and len(target.elts) == len(stmt.value.elts) \
                    and all(isinstance(t, gast.Name) for t in target.elts) \
                    and len({t.id for t in target.elts}) == len(target.elts) \
                    and all(isinstance(v, gast.List) and not v.elts for v in stmt.value.elts) \
                    and names & {t.id for t in target.elts}:
                block[k:k + 1] = [gast.copy_location(gast.Assign(targets=[t], value=v, type_comment=None), stmt)
                                  for t, v in zip(target.elts, stmt.value.elts)]


def _bound_to_an_empty_list(tree, name):
    return any(isinstance(s, gast.Assign) and s.targets and isinstance(s.targets[0], gast.Name)
               and s.targets[0].id == name and isinstance(s.value, gast.List) and not s.value.elts
               for s in S.walk_nodes(tree))


def _recording(normalizer, made):
    """A maker of fresh names that keeps them in ``made``."""
    def fresh(hint):
        made.append(normalizer.namer.fresh(hint))
        return made[-1]
    return fresh


def _module_test(normalizer):
    """Whether a name the function reads names a module (hoisted_calls.py)."""
    return lambda name: name not in normalizer.bound_count and isinstance(normalizer.source.resolve(name),
                                                                           types.ModuleType)


def _used_so(node, parents, is_module):
    """``a.attr`` read, or ``a.method(...)`` as a statement, bound to a name, or in an
    expression where hoisted_calls.py binds it to a name first."""
    read = parents.get(node)
    if _appended_elsewhere(node, parents):
        return True
    if not (isinstance(read, gast.Attribute) and read.value is node and isinstance(read.ctx, gast.Load)):
        return False
    call = parents.get(read)
    if not (isinstance(call, gast.Call) and call.func is read):
        return True
    holder = parents.get(call)
    return isinstance(holder, gast.Expr) or isinstance(holder, gast.Assign) and holder.value is call \
        and len(holder.targets) == 1 and isinstance(holder.targets[0], gast.Name) \
        or _hoisted_on(node.id, parents, is_module)(call)


def _hoisted_on(me, parents, is_module):
    """Whether a node is a method call on ``me`` that hoist_calls binds to a name first,
    the calls on ``me`` evaluated before it in its statement bound first too
    (``s = s + a.bumped(0, c) * a.bumped(1, c)``)."""
    def hoisted(call):
        return isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) \
            and isinstance(call.func.value, gast.Name) and call.func.value.id == me \
            and hoistable(call, parents, is_module, hoisted, elements=True)
    return hoisted


def _after_the_loop(tree, block):
    """The statements after the ``for`` loop whose body is ``block``, in the block holding
    it, where each turn runs the whole body and at least one turn surely runs: no ``break``,
    ``continue`` or ``else``, over ``range`` of constants that is not empty or a display
    of items (``a`` there is the last turn's object, ``held[at]``); else the empty list."""
    for outer in walk_blocks(tree.body):
        loop = next((k for k, stmt in enumerate(outer) if isinstance(stmt, gast.For) and stmt.body is block), None)
        if loop is None:
            continue
        stmt = outer[loop]
        if stmt.orelse or any(isinstance(n, (gast.Break, gast.Continue)) for n in S.walk_nodes(stmt)) \
                or not _surely_turns(stmt.iter):
            return []
        return outer[loop + 1:]
    return []


def _surely_turns(iterable):
    """Whether a ``for`` loop over ``iterable`` surely runs a turn: a list or tuple display
    of items (no ``*``), or ``range`` of integer constants that is not empty."""
    if isinstance(iterable, (gast.List, gast.Tuple)):
        return bool(iterable.elts) and not any(isinstance(e, gast.Starred) for e in iterable.elts)
    if not (isinstance(iterable, gast.Call) and isinstance(iterable.func, gast.Name) and iterable.func.id == "range"
            and not iterable.keywords and all(isinstance(a, gast.Constant) and type(a.value) is int
                                              for a in iterable.args)):
        return False
    try:
        return len(range(*[a.value for a in iterable.args])) > 0
    except (TypeError, ValueError):
        return False


def _attribute_read(node, parents):
    """``a.attr`` read, not called."""
    read = parents.get(node)
    return isinstance(read, gast.Attribute) and read.value is node and isinstance(read.ctx, gast.Load) \
        and not (isinstance(parents.get(read), gast.Call) and parents[read].func is read)


def _appended_elsewhere(node, parents):
    """``other.append(a)``, a statement of its own: a second list holding the object."""
    call = parents.get(node)
    return isinstance(call, gast.Call) and call.args == [node] and not call.keywords \
        and isinstance(call.func, gast.Attribute) and call.func.attr == "append" \
        and isinstance(call.func.value, gast.Name) and isinstance(parents.get(call), gast.Expr)


def _write(tree, block, position, me, held, stmt, append, at, fresh, is_module, copied):
    """``at = len(held)``, ``held.append(Cls(...))``, and ``a`` read as ``held[at]``; a
    method of ``a`` called inside an expression first bound to a name (``fresh(hint)``),
    an item of its array read before it through ``copied(read, call)``."""
    hoist_calls(block, lambda call, parents: isinstance(call.func.value, gast.Name) and call.func.value.id == me
                and hoistable(call, parents, is_module, elements=True), fresh, copied)
    stmt, append = block[position], block[position + 1]
    built = stmt.value
    length = gast.copy_location(S.assign(at, S.call(S.name("len"), [S.name(held)])), stmt)
    append.value.args = [built]
    for top in block[position + 2:] + _after_the_loop(tree, block):
        for node in list(S.walk_nodes(top)):
            for field, value in gast.iter_fields(node):
                if isinstance(value, gast.Name) and value.id == me:
                    setattr(node, field, _item(held, at, value))
                elif isinstance(value, list):           # other.append(a): the argument
                    value[:] = [_item(held, at, v) if isinstance(v, gast.Name) and v.id == me else v for v in value]
    block[position:position + 1] = [length]


def _item(held, at, name):
    return gast.copy_location(gast.Subscript(value=S.name(held), slice=S.name(at), ctx=gast.Load()), name)
