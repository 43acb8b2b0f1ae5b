"""The rows read again after in-place writes: whether a row ``v = y[i]`` that a later write
into ``y`` may change can be read again after that write (``v = current_row(v, y, i)``),
because ``v`` is only ever that one row of ``y`` (one index, or a copy of it, a constant or a
name bound once outside every loop; derivative code's copies, stacks and rows read again of
it counting as ``v``); and which rows a refusal of such a write names.

common.py asks ``refreshable`` of each name a write into an array may change and, where it
refuses the write, ``rows_behind`` for the rows to name."""

import gast

from .. import runtime
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key


def rows_behind(check, array, refused, unfollowed, followed):
    """(The rows of ``array`` a refusal of a write into it names, whether they are named for
    their stack): those of ``unfollowed``, else those ``followed`` whose earlier values a
    ``refused`` stack keeps (``row_stack.append(row)``: rows of earlier passes, views too)."""
    rows = _rows_of(unfollowed, array, check.element_reads)
    if rows:
        return rows, False
    stacked = {stmt.value.args[0].id for stmt in walk.walk_statements(check.body)
               if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call)
               and isinstance(stmt.value.func, gast.Attribute) and stmt.value.func.attr == "append"
               and isinstance(stmt.value.func.value, gast.Name) and stmt.value.func.value.id in refused
               and len(stmt.value.args) == 1
               and isinstance(stmt.value.args[0], gast.Name)}
    return _rows_of(stacked & followed, array, check.element_reads), True


def _rows_of(names, array, element_reads):
    """The names of ``names`` read out of ``array`` as rows, ``row = array[i]``."""
    return sorted(v for v in names
                  if any(anno.get(r, Key.ELEMENT_OF) == array for r in element_reads.get(v, ())))


def refreshable(sharing, v, name, element_reads, seen=frozenset()):
    """``v`` is only ever ``name[i]`` (one index), and every value bound to ``name`` is
    new, so a view of an older ``name`` never overlaps the current one. (A copy of such
    a row kept to be put back, ``v = row``, is one too: its reads are taken as ``row``'s.)"""
    assigned = [s for s in sharing.statements if isinstance(s, gast.Assign)
                and isinstance(s.targets[0], gast.Name) and s.targets[0].id == v]
    reads = [r for r in element_reads.get(v, []) if r.targets[0].id == v]     # not a copy's
    if not reads:
        return _kept_copy_of_row(sharing, v, name, element_reads, assigned, seen | {v})
    if any(anno.get(r, Key.ELEMENT_OF) != name for r in reads):
        return False
    if len(reads) != len(assigned) and not _same_row_again(sharing.statements, v, name, reads, assigned):
        return False
    bindings = [s for s in sharing.statements if isinstance(s, gast.Assign)
                and isinstance(s.targets[0], gast.Name) and s.targets[0].id == name]
    return all(not sharing.shared_by(s.value) and sharing.container_read(s.value)[0] is None
               for s in bindings)


def _kept_copy_of_row(sharing, v, name, element_reads, assigned, seen):
    """``v`` bound only to one row ``row`` (``row_saved = row``, which derivative code puts
    back later), outside loops, where ``row`` is only ever the same row of ``name``: ``v`` is
    that row too, read again after a write as ``row`` is. So is ``v`` bound once to that row
    read again after a write, ``v = current_row(row, name, i)`` with ``row``'s index (code
    with no branch names each row read again anew: ``u_1 = current_row(u, y, 0)``)."""
    sources = {_row_source(s.value, name) for s in assigned}
    row = sources.pop() if len(sources) == 1 else None
    if row is None or row in seen:
        return False
    # (row may be a row read again itself, u_2 = current_row(u_1, y, 0): its reads are u's)
    if not refreshable(sharing, row, name, element_reads, seen) or not element_reads.get(row) \
            or _one_row(sharing.statements, {v, row}, element_reads[row]) is None:
        return False
    if any(isinstance(s.value, gast.Call) for s in assigned):
        found = _one_row(sharing.statements, {v, row}, element_reads[row])
        if len(assigned) != 1 or not _refreshes(assigned[0].value, row, name, found[1], found[0]):
            return False
    element_reads[v] = element_reads[row]
    return True


def _row_source(value, name):
    """The row ``row`` a value ``row`` or ``current_row(row, name, i)`` reads; else None."""
    if isinstance(value, gast.Name):
        return value.id
    if isinstance(value, gast.Call) and anno.get(value, Key.TARGET) is runtime.current_row \
            and len(value.args) == 3 and isinstance(value.args[0], gast.Name) and _names(value.args[1], name):
        return value.args[0].id
    return None


def _one_row(statements, names, reads):
    """Where none of ``names`` is bound in a loop and ``reads`` all use one index value (see
    ``_index_root``): (each name's bound values, that index); else None."""
    only = {}       # None: a binding by a for loop or an unpacking (a value of many)
    for stmt in statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            only.setdefault(stmt.targets[0].id, []).append(stmt.value)
        elif isinstance(stmt, (gast.For, gast.While)):
            if names & S.stored_names(gast.Module(body=stmt.body + stmt.orelse, type_ignores=[])):
                return None
            for bound in S.stored_names(stmt.target) if isinstance(stmt, gast.For) else ():
                only.setdefault(bound, []).append(None)
        elif isinstance(stmt, gast.Assign):
            for bound in S.stored_names(stmt.targets[0]):
                only.setdefault(bound, []).append(None)
    if any(None in only.get(n, ()) for n in names):
        return None
    index = _index_root(reads[0].value.slice, only)
    if index is None or any(_index_root(r.value.slice, only) != index for r in reads):
        return None
    return only, index


def _same_row_again(statements, v, name, reads, assigned):
    """Derivative code binding ``v`` (a row ``v = y[i]``, every read with the one index
    ``i``) again only to the same row: to the row read again after a write,
    ``t = current_row(v, y, i); v = t``, to a copy of ``v`` kept to be put back,
    ``v_saved = v`` ... ``v = v_saved``, and (in loops, where ``i`` is a constant: the same
    row in every pass) to a value popped off a stack only ``v`` is pushed onto,
    ``v_stack.append(v)`` ... ``v = v_stack.pop()``. Then ``v`` is ``y[i]`` (or the number
    it was) wherever it is read, and reading it again after a write with that index is right.
    An index name bound once, outside every loop (``i = len(x) - 2``), is the same row in
    every pass too."""
    found = _one_row(statements, {v}, reads) or _one_constant_row(statements, reads)
    if found is None:
        return False
    only, index = found
    for stmt in assigned:
        if stmt in reads:
            continue
        if index[0] in ("constant", "fixed") and _popped_own_value(statements, stmt, v, only):
            continue
        if isinstance(stmt.value, gast.Constant) and type(stmt.value.value) in (int, float):
            continue        # a number before a loop reads the row (u = 0.0): no view, current_row keeps it
        source = stmt.value.id if isinstance(stmt.value, gast.Name) else None
        values = only.get(source, [])
        if not values or not all(_refreshes(value, v, name, index, only, statements) or _names(value, v)
                                 for value in values):
            return False
    return True


def _one_constant_row(statements, reads):
    """(each name's bound values, the index) where ``reads`` all use one constant index, or
    one name bound once outside every loop (``_fixed_index``), wherever the names are bound
    (a loop binds a row of such an index to the same row in every pass); else None."""
    fixed = _fixed_index(statements, reads)
    if fixed is None and (any(not isinstance(r.value.slice, gast.Constant) for r in reads)
                          or len({repr(r.value.slice.value) for r in reads}) != 1):
        return None
    only = {}
    for stmt in statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            only.setdefault(stmt.targets[0].id, []).append(stmt.value)
        elif isinstance(stmt, gast.For):
            for bound in S.stored_names(stmt.target):
                only.setdefault(bound, []).append(None)
        elif isinstance(stmt, gast.Assign):
            for bound in S.stored_names(stmt.targets[0]):
                only.setdefault(bound, []).append(None)
    if fixed is not None:
        return only, ("fixed", fixed)
    return only, ("constant", reads[0].value.slice.value)


def _fixed_index(statements, reads):
    """The name ``i`` where ``reads`` all read ``y[i]``, or a copy of it (see ``_fixed_root``),
    and ``statements`` bind ``i`` once, by an assignment outside every loop (or never: a
    parameter), so it holds one value wherever a row is read; else None."""
    roots = {_fixed_root(statements, r.value.slice) for r in reads}
    return roots.pop() if len(roots) == 1 else None


def _bound_once(statements, name):
    """The value of the one assignment ``name = ...`` that binds ``name``, outside every loop;
    None where nothing binds it (a parameter); False where it is bound otherwise or again."""
    in_loops, stores, binding = set(), set(), None
    for stmt in statements:
        if isinstance(stmt, (gast.For, gast.While)):
            in_loops.update(id(inner) for inner in walk.walk_statements(stmt.body + stmt.orelse))
    for stmt in statements:
        for node in S.walk_nodes(stmt):
            if isinstance(node, gast.Name) and node.id == name and not isinstance(node.ctx, gast.Load):
                stores.add(id(node))
                binding = stmt      # the innermost statement holding it (statements come outer first)
    if not stores:
        return None
    if len(stores) > 1 or not (isinstance(binding, gast.Assign) and len(binding.targets) == 1
                               and _names(binding.targets[0], name) and id(binding) not in in_loops):
        return False
    return binding.value


def _copy_of_fixed(statements, index, fixed):
    """Whether the index ``index`` (a node) is the fixed index name ``fixed`` (see
    ``_fixed_index``), or a copy of it (``u_index_1 = u_index``, which derivative code
    keeps; see ``_fixed_root``): the one value ``fixed`` holds."""
    return _fixed_root(statements, index) == fixed


def _fixed_root(statements, index, seen=frozenset()):
    """The name ``i`` whose one value the index ``index`` (a node) holds wherever it is read:
    ``i`` itself where it is bound once, by an assignment outside every loop, to anything
    but a name (or never: a parameter); a name bound once so to such a copy (``i_1 = i``),
    or bound only to copies of the one ``i``, in loops too (``for k in ...: j = i``, which
    binds ``j`` to that value again in each pass); else None."""
    if not isinstance(index, gast.Name) or index.id in seen:
        return None
    seen = seen | {index.id}
    value = _bound_once(statements, index.id)
    if value is None:
        return index.id
    if value is not False:      # one value: a copy's, where that is fixed too, or its own
        return (isinstance(value, gast.Name) and _fixed_root(statements, value, seen)) or index.id
    copied = _copies_only(statements, index.id)
    roots = {_fixed_root(statements, source, seen) for source in copied} if copied else {None}
    return roots.pop() if len(roots) == 1 else None


def _copies_only(statements, name):
    """The values of the assignments binding ``name`` where each is ``name = other`` of a
    name and nothing else binds it (no loop, unpacking, augmented assignment or ``del``); else
    None."""
    values, stores = {}, set()
    for stmt in statements:     # (a statement's own, and again those of the blocks it holds)
        stores.update(id(node) for node in S.walk_nodes(stmt) if isinstance(node, gast.Name) and node.id == name
                      and not isinstance(node.ctx, gast.Load))
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and _names(stmt.targets[0], name):
            if not isinstance(stmt.value, gast.Name):
                return None
            values[id(stmt.targets[0])] = stmt.value
    return list(values.values()) if values and set(values) == stores else None


def _popped_own_value(statements, stmt, v, only):
    """Whether ``stmt`` is ``v = v_stack.pop()`` off a list bound once, to ``[]``, that is
    used nowhere but to push ``v`` (``v_stack.append(v)``) and to pop into ``v``: it
    gives back a value ``v`` had."""
    value = stmt.value
    stack = value.func.value.id if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) \
        and isinstance(value.func.value, gast.Name) else None
    if stack is None or not _stack_call(value, stack, "pop"):
        return False
    bound = only.get(stack, [])
    if len(bound) != 1 or not isinstance(bound[0], gast.List) or bound[0].elts:
        return False
    for other in statements:
        if isinstance(other, (gast.For, gast.While, gast.If)):      # their blocks' statements come on their own
            if stack in S.loaded_names(other.iter if isinstance(other, gast.For) else other.test):
                return False
            continue
        if isinstance(getattr(other, "body", None), list) and stack in S.loaded_names(other):
            return False        # a try or with: not looked into
        if other is stmt or stack not in S.loaded_names(other) and stack not in S.stored_names(other):
            continue
        if isinstance(other, gast.Assign) and isinstance(other.targets[0], gast.Name) \
                and other.targets[0].id == stack and other.value is bound[0]:
            continue        # its binding
        if not (isinstance(other, gast.Expr) and _stack_call(other.value, stack, "append", v)
                or isinstance(other, gast.Assign) and _names(other.targets[0], v)
                and _stack_call(other.value, stack, "pop")):
            return False
    return True


def _stack_call(value, stack, method, *args):
    """Whether ``value`` is ``stack.method(*args)``, each of ``args`` a name."""
    return isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and value.func.attr == method \
        and _names(value.func.value, stack) and not value.keywords and len(value.args) == len(args) \
        and all(_names(node, name) for node, name in zip(value.args, args))


def _index_root(index, only):
    """A constant index's value, or the name an index name is a copy of (``i_1 = i``),
    each bound once: one value wherever it is read. None for anything else."""
    while isinstance(index, gast.Name):
        values = only.get(index.id, [])
        if len(values) > 1 or None in values:
            return None
        if not values or not isinstance(values[0], (gast.Name, gast.Constant)):
            return ("name", index.id)
        index = values[0]
    return ("constant", index.value) if isinstance(index, gast.Constant) else None


def _names(value, v):
    return isinstance(value, gast.Name) and value.id == v


def _refreshes(value, v, name, index, only, statements=()):
    """``current_row(v, name, i)``, with ``i`` the index ``index`` (see ``_index_root``; a
    fixed index, or a copy of it, in ``statements``: see ``_copy_of_fixed``)."""
    return isinstance(value, gast.Call) and anno.get(value, Key.TARGET) is runtime.current_row \
        and len(value.args) == 3 and _names(value.args[0], v) and _names(value.args[1], name) \
        and (_copy_of_fixed(statements, value.args[2], index[1]) if index[0] == "fixed"
             else _index_root(value.args[2], only) == index)
