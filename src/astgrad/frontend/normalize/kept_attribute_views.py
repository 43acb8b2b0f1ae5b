"""A view of an object's array kept across a call of the object's method that writes
into that array (``head = a.data[:2]; a.bump(0, c); np.sum(head)``, also through a
second attribute keeping the same array, ``a.first[:2]``, which alias_reads.py reads as
``a.data[:2]`` first).

NumPy's view shares the array's memory, so in Python ``head`` shows the method's write.
astgrad follows the object from state to state, its method writing into a copy the
attribute takes back (self_containers.py), so the view taken before holds the old
numbers. Here the view is read again after each call of a method of the object:

    head = a.data[:2]                    head = a.data[:2]
                                         head_shown = view_shows_writes(a.data, 0)
    a.bump(0, c)              ──►        a.bump(0, c)
                                         if head_shown:
                                             head = a.data[:2]

``view_shows_writes`` (runtime.py) says, where the code runs, whether the index makes a
view of the array (the array itself, not a view the derivative code may have made a
copy, is asked, with the number of integers in the index): a slice of a list, or an
element of a 1-D array, is a value of its own, which keeps its numbers, as in Python. Written so only where all of this holds
(anything else keeps the refusal of the call):

- ``head`` is bound by that one statement, its index constants alone; it is read only
  later in the same block, at once (an operand, ``len``, a NumPy function returning a
  new array, an item read so), and never written, nor named by a nested function;
- ``a`` is bound once, to an object of a class whose methods write elements of the
  attribute (``self.data[k] *= c``) and which no method but ``__init__`` assigns, nor
  does the function (``a.data = ...``);
- between the view and its last read, the statements call only methods of ``a``, as
  statements of their own not naming ``head``, and functions of NumPy, ``math`` or the
  builtins; store only into names; and name ``a`` only so or to read an attribute.
"""

import builtins
import math

import gast
import numpy

from ... import runtime
from ...core import anno
from ...core import syntax as S
from ...core.anno import Key
from .handed_arrays import _read_at_once, _rebound_by_a_method, _stored_parameter, changed_in_place, init_of

_SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)


def read_kept_views_again(normalizer, tree):
    """Each kept view the module docstring describes read again after the calls that may
    write into its array. Whether any was."""
    written = False
    parents = None
    for block in list(_blocks(tree.body)):
        for stmt in list(block):
            if not _binds_attribute_view(stmt):
                continue            # most statements: no walk of the tree for its parents
            if parents is None:
                parents = S.parent_nodes(tree)
            found = _kept_view(normalizer, tree, block, stmt, parents)
            if found is not None:
                _write_reads_again(normalizer, block, stmt, *found)
                written, parents = True, None
    return written


def is_kept_view_read(read, parents):
    """Whether the attribute read ``read`` (``a.data``) is one this module wrote or kept:
    the view's own binding, its check or its read again (self_containers.py lets it through)."""
    node = read
    while node is not None and not isinstance(node, gast.stmt):
        node = parents.get(node)
    return node is not None and anno.get(node, Key.KEPT_VIEW, False)


def _blocks(body):
    from ...core.walk import walk_blocks
    return walk_blocks(body)


def _kept_view(normalizer, tree, block, stmt, parents):
    """(view name, object name, attribute, the statements from the view to its last
    read) where ``stmt`` binds a view the module docstring follows; else None."""
    if not _binds_attribute_view(stmt):
        return None
    view, me, attr = stmt.targets[0].id, stmt.value.value.value.id, stmt.value.value.attr
    if view == me or normalizer.bound_count.get(view, 0) != 1 or normalizer.bound_count.get(me, 0) != 1:
        return None
    cls = _built_class(normalizer, tree, me)
    if cls is None or attr not in changed_in_place(cls) or _rebound_by_a_method(cls, attr, _storing_init(cls, attr)):
        return None
    nodes = list(S.walk_nodes(tree))
    if any(isinstance(n, _SCOPES) and n is not tree and {view, me} & S.names_in(n) for n in nodes) \
            or any(isinstance(n, (gast.Global, gast.Nonlocal)) and {view, me} & set(n.names) for n in nodes) \
            or any(isinstance(n, gast.Attribute) and isinstance(n.value, gast.Name) and n.value.id == me
                   and n.attr == attr and not isinstance(n.ctx, gast.Load) for n in nodes):
        return None
    at = next(k for k, s in enumerate(block) if s is stmt)
    later = block[at + 1:]
    reads = [n for n in nodes if isinstance(n, gast.Name) and n.id == view and n is not stmt.targets[0]]
    inside = {id(n): k for k, top in enumerate(later) for n in S.walk_nodes(top)}
    if not reads or any(id(n) not in inside or not isinstance(n.ctx, gast.Load) or not _read_so(n, parents, normalizer)
                        for n in reads):
        return None
    span = later[:max(inside[id(n)] for n in reads) + 1]
    if not all(_plain_statement(normalizer, top, view, me, parents) for top in span):
        return None
    return view, me, attr, span


def _binds_attribute_view(stmt):
    """Whether ``stmt`` binds a name to an item of a name's attribute at constant indices
    (``head = a.data[:2]``) and is not one this module wrote."""
    return isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
        and isinstance(stmt.value, gast.Subscript) and isinstance(stmt.value.value, gast.Attribute) \
        and isinstance(stmt.value.value.value, gast.Name) and _constant_index(stmt.value.slice) \
        and not anno.get(stmt, Key.KEPT_VIEW, False)


def _storing_init(cls, attr):
    """The ``__init__`` storing ``attr`` as the parameter it is handed (a base class's,
    through ``super().__init__(data)``), else the one an object of ``cls`` is built with."""
    found = _stored_parameter(cls, attr, aliases=set())
    return found[0] if found is not None else init_of(cls)


def _constant_index(index):
    """Whether ``index`` is made of constants alone (``:2``, ``1:-1``, ``0``, ``0, :``)."""
    if isinstance(index, gast.Tuple):
        return all(_constant_index(e) for e in index.elts)
    if isinstance(index, gast.Slice):
        return all(part is None or _constant_index(part) for part in (index.lower, index.upper, index.step))
    if isinstance(index, gast.UnaryOp) and isinstance(index.op, gast.USub):
        return _constant_index(index.operand)
    return isinstance(index, gast.Constant) and isinstance(index.value, int) and not isinstance(index.value, bool)


def _built_class(normalizer, tree, me):
    """The class of the object the one statement binding ``me`` builds, else None."""
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name) \
                and node.targets[0].id == me:
            return normalizer.built_class_of(node.value)
    return None


def _read_so(node, parents, normalizer):
    """Whether the read ``node`` of the view keeps no reference to it: read at once, or
    an item of it read so."""
    resolve = normalizer.resolve_call
    parent = parents.get(node)
    return _read_at_once(node, parents, resolve) or isinstance(parent, gast.Subscript) and parent.value is node \
        and isinstance(parent.ctx, gast.Load) and _read_at_once(parent, parents, resolve)


_LIBRARIES = ("numpy", "math", "builtins")


def _plain_statement(normalizer, top, view, me, parents):
    """Whether ``top`` may stand between the view and its last read (the module docstring)."""
    method = _method_statement(top, me)
    if method and view in S.names_in(top.value):
        return False
    for node in S.walk_nodes(top):
        if isinstance(node, _SCOPES):
            return False
        if isinstance(node, (gast.Subscript, gast.Attribute, gast.Starred)) and not isinstance(node.ctx, gast.Load):
            return False
        if isinstance(node, gast.Call) and not (method and node is top.value) and not _library_call(normalizer, node):
            return False
        if isinstance(node, gast.Name) and node.id == me and not (method and node is top.value.func.value):
            outer = parents.get(node)
            if not (isinstance(outer, gast.Attribute) and outer.value is node and isinstance(outer.ctx, gast.Load)
                    and not (isinstance(parents.get(outer), gast.Call) and parents.get(outer).func is outer)):
                return False
    return True


def _library_call(normalizer, call):
    target = normalizer.resolve_call(call)
    if target is None:
        return False
    if isinstance(target, numpy.ufunc) or target in vars(builtins).values() and callable(target):
        return True
    module = getattr(target, "__module__", None) or ""
    return module.split(".")[0] in _LIBRARIES or target in vars(math).values()


def _method_statement(stmt, me):
    """Whether ``stmt`` is ``me.method(...)`` or ``r = me.method(...)``, ``r`` another name."""
    return (isinstance(stmt, gast.Expr) or isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id != me) \
        and isinstance(stmt.value, gast.Call) and isinstance(stmt.value.func, gast.Attribute) \
        and isinstance(stmt.value.func.value, gast.Name) and stmt.value.func.value.id == me


def _write_reads_again(normalizer, block, stmt, view, me, attr, span):
    """``view_shown = view_shows_writes(me.attr, integers in the index)`` after ``stmt``, and ``if
    view_shown: view = me.attr[index]`` after each call of a method of ``me`` in ``span``."""
    shown = normalizer.namer.fresh(view + "_shown")
    normalizer.locals.add(shown)
    index = stmt.value.slice
    whole = sum(1 for part in (index.elts if isinstance(index, gast.Tuple) else [index])
                if not isinstance(part, gast.Slice))
    base = gast.Attribute(value=S.name(me), attr=attr, ctx=gast.Load())
    check = S.assign(shown, normalizer.runtime_call(runtime.view_shows_writes, [base, S.const(whole)]))
    anno.set(stmt, Key.KEPT_VIEW, True)
    anno.set(check, Key.KEPT_VIEW, True)
    for top in reversed(span):
        if _method_statement(top, me):
            again = S.assign(view, S.copy(stmt.value))
            anno.set(again, Key.KEPT_VIEW, True)
            branch = gast.If(test=S.name(shown), body=[gast.copy_location(again, top)], orelse=[])
            block.insert(block.index(top) + 1, gast.copy_location(branch, top))
    block.insert(block.index(stmt) + 1, gast.copy_location(check, stmt))
