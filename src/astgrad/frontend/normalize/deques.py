"""A ``collections.deque`` the function makes and only changes by its own methods, as
the list of its items::

    window = deque(maxlen=2)            window = list()
    for v in x:                         for v in x:
        window.append(v * w)                window = window + [v * w]
                                            window = window[-2:]
        s = s + sum(window)                 s = s + sum(window)
    first = window.popleft()            first = window[0]
                                        window = window[1:]

Each change binds the name to a new list holding the deque's items in its order:
``append``, ``appendleft``, ``extend`` and ``clear`` as statements, ``pop`` and
``popleft`` as statements or as the value of ``name = ...``; with a ``maxlen`` written as
a number, the items a deque drops (from the other end) are cut off after each change.
Reading it is reading the list: ``sum``, ``len``, ``min``/``max``, ``list``, a NumPy
function, ``d[i]``, a ``for`` loop or a comprehension over it, ``while d:``; so may a
function of the user's it is handed to as a positional argument (with an index that is
not a slice, which a deque has none of), or hands it on, as a positional argument, to
a function of the user's that only reads it, a few calls deep: that function is given
the list. A deque used
any other way (handed to a function that does more than read it, returned, stored,
another method, read in a nested function) is left as it is, which the modes refuse
where it holds a differentiated value.

A ``queue.Queue`` (or ``SimpleQueue``, ``LifoQueue``) the function makes with no size
limit and uses only by ``q.put(v)`` and ``q.get()`` (as a statement or the value of
``name = ...``) is such a list too, ``put`` an append and ``get`` a ``popleft`` (a
``pop`` for a ``LifoQueue``). Where it is empty, Python's ``get()`` waits forever (no
other thread puts into a queue only the function sees); the list raises IndexError.
"""

import builtins
import collections
import queue

import gast

from ...core import syntax as S
from ...core.walk import walk_blocks
from ..collectors import _plain_user_function
from ..source import parsed_for_reading
from .queue_reads import MEASURES, full_check, hoist_gets, measured

_READERS = (builtins.sum, builtins.len, builtins.min, builtins.max, builtins.list, builtins.tuple, builtins.sorted,
            builtins.enumerate, builtins.reversed, builtins.zip, builtins.any, builtins.all)
_CHANGES = ("append", "appendleft", "extend", "clear")
_TAKES = ("pop", "popleft")
# a queue's methods as the deque's they are: {class: {method: the deque's}}
_QUEUES = {queue.Queue: {"put": "append", "get": "popleft"},
           queue.SimpleQueue: {"put": "append", "get": "popleft"},
           queue.LifoQueue: {"put": "append", "get": "pop"}}


def rewrite_deques(normalizer, tree):
    """Rewrite each deque of ``tree``'s own scope that only its methods change; whether
    one was rewritten."""
    if normalizer.source.resolve("list") is not builtins.list:
        return False
    made = {}
    for block in walk_blocks(tree.body):
        for stmt in block:
            maxlen = _made_deque(normalizer, stmt)
            if maxlen is not False and normalizer.bound_count[stmt.targets[0].id] == 1:
                methods = _queue_methods(normalizer, stmt)
                made[stmt.targets[0].id] = (stmt, None, methods, maxlen) if methods else (stmt, maxlen, None, None)
    queues = {name for name, spec in made.items() if spec[2] is not None}
    for block in list(walk_blocks(tree.body)) if queues else ():
        block[:] = hoist_gets(normalizer, block, queues)       # y = q.get() * w: queue_reads.py
    parents = S.parent_nodes(tree)
    kept = {name: spec for name, spec in made.items() if _only_own_changes(normalizer, tree, name, spec, parents)}
    if not kept:
        return False
    _Measured(kept).visit(tree)
    for block in walk_blocks(tree.body):
        block[:] = [new for stmt in block for new in _lowered(normalizer, stmt, kept)]
    return True


def _made_deque(normalizer, stmt):
    """The ``maxlen`` (None for none) of ``name = deque(items, maxlen=k)``, k a number
    written in the code, or the ``maxsize`` of ``name = queue.Queue()`` (None for none,
    ``queue.Queue(maxsize=k)`` or ``queue.Queue(k)``, k an int written in the code, 0 or less
    none); False for any other statement."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.Call)):
        return False
    if _queue_methods(normalizer, stmt) is not None:
        return _queue_maxsize(stmt.value)
    if normalizer.resolve_call(stmt.value) is not collections.deque:
        return False
    call = stmt.value
    keywords = {kw.arg: kw.value for kw in call.keywords}
    if len(call.args) > 2 or set(keywords) - {"iterable", "maxlen"} or any(isinstance(a, gast.Starred) for a in call.args) \
            or len(call.args) + len(keywords) > 2 or "iterable" in keywords and call.args:
        return False
    maxlen = call.args[1] if len(call.args) == 2 else keywords.get("maxlen")
    if maxlen is None or isinstance(maxlen, gast.Constant) and maxlen.value is None:
        return None
    if isinstance(maxlen, gast.Constant) and type(maxlen.value) is int and maxlen.value >= 0:
        return maxlen.value
    return False


def _queue_maxsize(call):
    """The maxsize of ``queue.Queue(...)`` (None for none), False where it is not an int written in the code."""
    sizes = call.args + [kw.value for kw in call.keywords if kw.arg == "maxsize"]
    if len(sizes) != len(call.args) + len(call.keywords) or len(sizes) > 1:
        return False
    if not sizes:
        return None
    size = sizes[0]
    if isinstance(size, gast.UnaryOp) and isinstance(size.op, gast.USub) and isinstance(size.operand, gast.Constant):
        size = S.const(-size.operand.value) if type(size.operand.value) is int else size
    if not (isinstance(size, gast.Constant) and type(size.value) is int):
        return False
    return size.value if size.value > 0 else None


class _Measured(gast.NodeTransformer):
    """``q.qsize()``, ``q.empty()`` and ``q.full()`` of the queues of ``kept`` as what they
    read of the list each is lowered to (queue_reads.measured)."""

    def __init__(self, kept):
        self.kept = kept

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if isinstance(func, gast.Attribute) and func.attr in MEASURES and isinstance(func.value, gast.Name) \
                and func.value.id in self.kept and self.kept[func.value.id][2] is not None and not node.args:
            return gast.copy_location(measured(node, func.value.id, self.kept[func.value.id][3]), node)
        return node



def _only_own_changes(normalizer, tree, name, spec, parents):
    """Whether every use of ``name`` other than its making (``spec``: the statement,
    its maxlen, a queue's methods) is one this module lowers."""
    made = spec[0]
    for node in gast.walk(tree):
        if not (isinstance(node, gast.Name) and node.id == name) or node is made.targets[0]:
            continue
        if not isinstance(node.ctx, gast.Load) or _inside_function(node, tree, parents):
            return False
        parent = parents.get(node)
        if isinstance(parent, gast.Attribute):
            if _method_statement(parent, parents, spec[2]) is None and not _measure(parent, parents, spec[2]):
                return False
        elif spec[2] is not None:
            return False        # a queue is read only by its get()
        elif isinstance(parent, gast.Call):
            if node in parent.args and normalizer.resolve_call(parent) in _READERS:
                continue
            target = normalizer.resolve_call(parent)
            if not (node in parent.args and (_is_numpy(target) or _read_by_helper(target, parent, node))):
                return False
        elif isinstance(parent, gast.Subscript):
            if parent.value is not node or not isinstance(parent.ctx, gast.Load):
                return False
        elif isinstance(parent, (gast.For, gast.comprehension)) and parent.iter is node:
            continue
        elif not (isinstance(parent, (gast.While, gast.If, gast.IfExp)) and parent.test is node
                  or isinstance(parent, gast.UnaryOp) and isinstance(parent.op, gast.Not)):
            return False        # while d: and not d test whether it holds items, as a list's do
    return True


def _measure(attribute, parents, queue_methods):
    """Whether ``attribute`` is called as ``q.qsize()``, ``q.empty()`` or ``q.full()`` of a queue."""
    call = parents.get(attribute)
    return queue_methods is not None and attribute.attr in MEASURES and isinstance(call, gast.Call) \
        and call.func is attribute and not call.args and not call.keywords


def _is_numpy(target):
    return (getattr(target, "__module__", None) or "").startswith("numpy")


# how many calls deep a deque may be handed on from helper to helper
_HANDED_ON = 4


def _read_by_helper(fn, call, node, seen=()):
    """Whether ``call`` hands the deque ``node`` to ``fn``, a function of the user's, as
    a positional argument it only reads as a sequence (``d[i]`` with a number, ``sum``,
    ``len``, a loop, ..., or handing it on to a function that only reads it): a list of
    the same items reads alike, so it may get one. ``seen``: the (function, parameter)
    pairs whose reading is being decided, the callers handing it on."""
    if not _plain_user_function(fn) or any(isinstance(a, gast.Starred) for a in call.args):
        return False
    try:
        source = parsed_for_reading(fn)
    except Exception:       # noqa: BLE001 - a helper astgrad cannot read is not followed
        return False
    params = source.tree.args.posonlyargs + source.tree.args.args
    position = call.args.index(node)
    if position >= len(params):
        return False
    if (fn, params[position].id) in seen:       # a recursive call: it reads as this call does
        return True
    return len(seen) < _HANDED_ON and _only_reads(source, params[position].id, (*seen, (fn, params[position].id)))


def _only_reads(source, name, seen):
    """Whether the function ``source`` parsed uses its parameter ``name`` only to read
    items: the readers a deque lowered here may meet, an index that is not a slice (a
    deque has none), a function of the user's that only reads it (see _read_by_helper);
    never stored, or read in a nested function."""
    tree = source.tree
    parents = S.parent_nodes(tree)
    local = S.stored_names(tree) | {a.id for a in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs}
    for node in gast.walk(tree):
        if not isinstance(node, gast.Name) or node.id != name or isinstance(node.ctx, gast.Param):
            continue
        if not isinstance(node.ctx, gast.Load) or _inside_function(node, tree, parents):
            return False
        parent = parents.get(node)
        if isinstance(parent, gast.Call):
            path = S.dotted_path(parent.func)
            reader = source.resolve_path(path, depend=False) if path and path[0] not in local else None
            if not (node in parent.args and (reader in _READERS or _is_numpy(reader)
                                             or _read_by_helper(reader, parent, node, seen))):
                return False
        elif isinstance(parent, gast.Subscript):
            if parent.value is not node or not isinstance(parent.ctx, gast.Load) \
                    or isinstance(parent.slice, gast.Slice):
                return False
        elif not (isinstance(parent, (gast.For, gast.comprehension)) and parent.iter is node
                  or isinstance(parent, (gast.While, gast.If, gast.IfExp)) and parent.test is node
                  or isinstance(parent, gast.UnaryOp) and isinstance(parent.op, gast.Not)):
            return False
    return True


def _inside_function(node, tree, parents):
    parent = parents.get(node)
    while parent is not None and parent is not tree:
        if isinstance(parent, (gast.Lambda, gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            return True
        parent = parents.get(parent)
    return False


def _method_statement(attribute, parents, queue_methods=None):
    """The statement ``d.<method>(...)`` is, where it is a change this module lowers
    (``d.pop()`` also as the value of ``name = ...``; of a queue, ``queue_methods``: its
    ``put`` and ``get``), else None."""
    call = parents.get(attribute)
    if not (isinstance(call, gast.Call) and call.func is attribute and not call.keywords
            and not any(isinstance(a, gast.Starred) for a in call.args)):
        return None
    stmt = parents.get(call)
    method = attribute.attr if queue_methods is None else queue_methods.get(attribute.attr)
    expected = 1 if method in ("append", "appendleft", "extend") else 0
    if method not in _CHANGES + _TAKES or len(call.args) != expected:
        return None
    if isinstance(stmt, gast.Expr):
        return stmt
    if method in _TAKES and isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
            and isinstance(stmt.targets[0], gast.Name):
        return stmt
    return None


def _lowered(normalizer, stmt, kept):
    """``stmt``, or the statements it is lowered to."""
    call = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
    made = next((name for name, (assign, *_) in kept.items() if assign is stmt), None)
    if made is not None:
        name, maxlen = made, kept[made][1]
        items = None if kept[made][2] is not None else call.args[0] if call.args else \
            next((kw.value for kw in call.keywords if kw.arg == "iterable"), None)      # (a queue's is its maxsize)
        made = gast.Call(func=S.name("list"), args=[items] if items is not None else [], keywords=[])
        out = [S.assign(name, made)] + _cut(normalizer, name, maxlen, items is not None, True)
        normalizer.bound_count[name] += len(out) - 1
        return _with_line(stmt, out)
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
            and isinstance(call.func.value, gast.Name) and call.func.value.id in kept):
        return [stmt]
    name, method = call.func.value.id, call.func.attr
    maxlen, queue_methods, maxsize = kept[name][1:]
    method = method if queue_methods is None else queue_methods[method]     # q.put(v): an append
    deque = S.name(name)
    if method == "clear":
        out = [S.assign(name, gast.List(elts=[], ctx=gast.Load()))]
    elif method == "append":
        out = [S.assign(name, gast.BinOp(left=deque, op=gast.Add(), right=gast.List(elts=call.args, ctx=gast.Load())))]
        out += _cut(normalizer, name, maxlen, True, True)
        if maxsize is not None:       # q.put(v) into a queue.Queue(maxsize=k)
            out.insert(0, full_check(name, maxsize, f"{normalizer.source.filename}:"
                                                    f"{normalizer.source.file_line(stmt)}"))
    elif method == "extend":
        added = gast.Call(func=S.name("list"), args=call.args, keywords=[])
        out = [S.assign(name, gast.BinOp(left=deque, op=gast.Add(), right=added))]
        out += _cut(normalizer, name, maxlen, True, True)
    elif method == "appendleft":
        out = [S.assign(name, gast.BinOp(left=gast.List(elts=call.args, ctx=gast.Load()), op=gast.Add(), right=deque))]
        out += _cut(normalizer, name, maxlen, True, False)
    else:       # pop, popleft: the item (IndexError where there is none, as a deque raises), then the rest
        end = -1 if method == "pop" else 0
        item = gast.Subscript(value=S.name(name), slice=S.const(end), ctx=gast.Load())
        taken = S.assign(stmt.targets[0].id, item) if isinstance(stmt, gast.Assign) else S.expr_stmt(item)
        rest = gast.Slice(lower=None, upper=S.const(-1), step=None) if method == "pop" else \
            gast.Slice(lower=S.const(1), upper=None, step=None)
        out = [taken, S.assign(name, gast.Subscript(value=S.name(name), slice=rest, ctx=gast.Load()))]
    normalizer.bound_count[name] += sum(1 for s in out if isinstance(s, gast.Assign) and s.targets[0].id == name)
    return _with_line(stmt, out)


def _cut(normalizer, name, maxlen, needed, keep_last):
    """With a ``maxlen``: the statement cutting the deque's list to its length, keeping
    the last items (or the first ones, after ``appendleft``)."""
    if maxlen is None or not needed:
        return []
    if maxlen == 0:
        return [S.assign(name, gast.List(elts=[], ctx=gast.Load()))]
    part = gast.Slice(lower=S.const(-maxlen), upper=None, step=None) if keep_last else \
        gast.Slice(lower=None, upper=S.const(maxlen), step=None)
    return [S.assign(name, gast.Subscript(value=S.name(name), slice=part, ctx=gast.Load()))]


def _with_line(stmt, out):
    for new in out:
        gast.copy_location(new, stmt)
    return out


def _queue_methods(normalizer, stmt):
    """The methods of the queue ``stmt`` makes (``q = queue.Queue()``, _QUEUES), or None."""
    try:
        return _QUEUES.get(normalizer.resolve_call(stmt.value))
    except TypeError:       # an unhashable callable is no queue class
        return None
