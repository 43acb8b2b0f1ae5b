"""A helper that changes in place an array or container a global holds (``W[0] += 1``,
``W.fill(0)``, ``np.copyto(W, v)``, ``np.add(W, 1, out=W)``), called after the
differentiated function read that memory whole: Python computed with the values before
the call, and the reverse sweep, which reads the memory again after the whole forward
sweep ran, would take the values after it (a wrong gradient with no error). Refused at
the call in reverse mode, where the helper can reach that memory (through its globals,
closure cells and arguments); forward mode uses each value where the function does. A
read of a number (``BOX[0]`` of a list of numbers) is a value, which the sweep keeps."""

import collections
import types

import gast
import numpy

from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from ..core.missing import MISSING

_MEMORY = (numpy.ndarray, list, dict, set, bytearray, collections.deque)
_ITEMS = 256        # the items of a container looked into for what a helper may reach


def check_reads_before_outside_changes(source, body, params, active):
    """Refuse the first call marked CHANGES_OUTSIDE (a user function changing a global's
    object in place) after a statement reading memory a global or closure variable holds
    that the call may reach (or anywhere in a loop around the call)."""
    statements = list(S.statements(body))
    if not any(anno.get(stmt, Key.CHANGES_OUTSIDE) is not None for stmt in statements):
        return
    local = set(params) | {n.id for stmt in statements for n in S.walk_nodes(stmt)
                           if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
    for position, stmt in enumerate(statements):
        marked = anno.get(stmt, Key.CHANGES_OUTSIDE)
        if marked is None:
            continue
        before = statements[:position] + [s for loop in _loops_around(body, stmt) for s in S.statements(loop.body)]
        reads = _reads_for_the_sweep(source, before, local, active)
        reached = _reached_by_call(source, statements, stmt, local) if reads else set()
        read = next((text for text, value in reads if id(value) in reached), None)
        if read is not None:
            callee, where = marked
            raise source.error(
                f"the call of {callee} changes in place memory a global holds ({where.what} at "
                f"{where.filename}:{where.line}: {(where.text or '').strip()}), after the function read "
                f"{read}: Python computed with the values before the call, and the derivative reads {read} "
                f"again after it. Read a copy before the call ({read}.copy()), or change {read} outside "
                f"the differentiated function", stmt, construct=f"in-place change in {callee}")


def _reads_for_the_sweep(source, before, local, active):
    """(text, value) of the memory read by the statements ``before`` computing an active
    value, directly or through a name bound to it there (``w = W``, ``r = ROWS[0]``),
    which the reverse sweep reads again."""
    held, reads = {}, []
    for stmt in before:
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
            continue
        found = list(_memory_read(source, stmt, local))
        through = [held[n.id] for n in S.walk_nodes(stmt.value) if isinstance(n, gast.Name) and n.id in held]
        if stmt.targets[0].id in active:
            reads += found + through
        elif (found or through) and _may_share_memory(stmt.value):
            held[stmt.targets[0].id] = (found + through)[0]
    return reads


# what gives a view of an array (memory shared with it), as a method or attribute of the
# array or a NumPy function of it: ``v = W.reshape(3, 2)`` changes when W changes
_VIEWS = frozenset({
    "T", "mT", "real", "imag", "flat", "reshape", "view", "ravel", "transpose", "squeeze", "swapaxes",
    "diagonal", "asarray", "asanyarray", "ascontiguousarray", "asfortranarray", "atleast_1d", "atleast_2d",
    "atleast_3d", "expand_dims", "moveaxis", "rollaxis", "permute_dims", "matrix_transpose", "broadcast_to",
    "broadcast_arrays", "flip", "fliplr", "flipud", "rot90", "split", "array_split", "hsplit", "vsplit",
    "dsplit", "unstack", "as_strided", "sliding_window_view",
})


def _may_share_memory(value):
    """Whether ``value`` (bound to a name) may be the memory it reads, or a view of it:
    the memory itself (``W``, ``ROWS[0]``, ``CFG.w``), a slice, or a view made by a call
    or an attribute (``W.reshape(3, 2)``, ``W.T``, ``np.asarray(W)``, ``W[0:2].view()``)."""
    if isinstance(value, (gast.Name, gast.Attribute)):
        return True
    if isinstance(value, gast.Subscript):
        return _may_share_memory(value.value)
    if not isinstance(value, gast.Call):
        return False
    func = value.func
    name = func.attr if isinstance(func, gast.Attribute) else func.id if isinstance(func, gast.Name) else None
    if name not in _VIEWS:
        return False
    # np.asarray(W): a view of its first argument; W.reshape(3, 2): of the array it is a method of
    return bool(value.args) and _may_share_memory(value.args[0]) \
        or isinstance(func, gast.Attribute) and _may_share_memory(func.value)


def _reached_by_call(source, statements, stmt, local):
    """The ids of the objects the call ``stmt`` may change: what the functions it reaches
    read from their globals and closure cells (and what those hold, two levels deep), and
    the memory its arguments may share (the non-local reads their names are bound from)."""
    found = set()
    _reach(anno.get(stmt.value, Key.TARGET), found, {})
    names = {n.id for n in S.walk_nodes(stmt.value) if isinstance(n, gast.Name) and n.id in local}
    bound = {}
    for other in statements:
        for target in S.walk_nodes(other) if isinstance(other, gast.Assign) else ():
            if isinstance(target, gast.Name) and isinstance(target.ctx, gast.Store):
                bound.setdefault(target.id, []).append(other)
    seen = set()
    while names - seen:
        name = (names - seen).pop()
        seen.add(name)
        for binding in bound.get(name, ()):
            found.update(id(value) for _, value in _memory_read(source, binding, local))
            names |= {n.id for n in S.walk_nodes(binding.value) if isinstance(n, gast.Name) and n.id in local}
    return found


def _reach(value, found, functions, depth=2):
    """Add to ``found`` the ids of ``value`` and what it holds (items, attributes),
    ``depth`` levels deep, following functions into their globals and closure cells."""
    function = getattr(value, "__func__", value)
    if function is not value:       # a bound method: its object, and its function
        _reach(getattr(value, "__self__", None), found, functions, depth)
    if isinstance(function, types.FunctionType):
        if id(function) in functions:
            return
        functions[id(function)] = function
        for cell in function.__closure__ or ():
            try:
                _reach(cell.cell_contents, found, functions)
            except ValueError:      # an empty cell
                pass
        for code in _codes(function.__code__):
            for name in code.co_names:
                if name in function.__globals__:
                    _reach(function.__globals__[name], found, functions)
        return
    if id(value) in found or depth < 0:
        return
    found.add(id(value))
    held = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple, set)) \
        else vars(value).values() if isinstance(getattr(value, "__dict__", None), dict) else ()
    for item in list(held)[:_ITEMS]:
        _reach(item, found, functions, depth - 1)


def _codes(code):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _memory_read(source, stmt, local):
    """(the text, the value) of each read in ``stmt`` (as the code writes it) of a
    non-local name, an attribute of it or an item at a constant key, holding an array or
    a container now."""
    inner = set()
    for node in S.walk_nodes(stmt.value):
        if isinstance(node, (gast.Subscript, gast.Attribute)) and isinstance(node.value, gast.Name):
            inner.add(id(node.value))
            if node.value.id in local:
                continue
            owner = _value(source, node.value.id)
            if isinstance(node, gast.Attribute) and isinstance(owner, numpy.ndarray) and node.attr in _VIEWS:
                read, value = node.value.id, owner         # W.T, W.reshape: W's own memory
            elif isinstance(node, gast.Attribute):
                read, value = f"{node.value.id}.{node.attr}", getattr(owner, node.attr, MISSING)
            elif isinstance(node.slice, gast.Constant):
                read, value = f"{node.value.id}[{node.slice.value!r}]", _item(owner, node.slice.value)
            else:
                read, value = node.value.id, owner
            if isinstance(value, _MEMORY):
                yield read, value
        elif isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and node.id not in local \
                and id(node) not in inner and isinstance(_value(source, node.id), _MEMORY):
            yield node.id, _value(source, node.id)


def _value(source, name):
    try:
        return source.resolve(name)
    except Exception:       # noqa: BLE001 - a name that is not bound now: not memory to follow
        return MISSING


def _item(owner, key):
    try:
        return owner[key]
    except Exception:       # noqa: BLE001 - no such item now: nothing to follow
        return MISSING


def _loops_around(body, stmt):
    return [loop for loop in S.walk_nodes(gast.Module(body=list(body), type_ignores=[]))
            if isinstance(loop, (gast.For, gast.While)) and any(s is stmt for s in S.statements(loop.body))]
