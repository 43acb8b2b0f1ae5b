"""NumPy calls writing into a view of an array, rewritten as a write into a copy of the
view's elements stored back through the view's expression::

    numpy.add(a, b, out=y[0])           writes_through(y[0], y, "f.py:5")
                                        out = y[0].copy()
                                        numpy.add(a, b, out=out)
                                        y[0] = out

and likewise a ufunc's output given positionally (``numpy.add(a, b, y[:, 1])``), with
``where=`` (the copy holds the old values the mask keeps), and ``numpy.add.at(y[1:], i,
v)`` (any ufunc's ``at``; ``numpy.put``, ``numpy.place`` and ``numpy.putmask`` too,
flat_writes.py). NumPy writes those elements of ``y`` and no others, which the
store back ``y[0] = out`` does; the write into the fresh copy is the one the call lowering
follows on a name (calls.py), and the store back is an element write followed as any other
(views.py follows ``y[1:][0] = out`` and ``v[0] = out`` on a view ``v``; on an argument,
the generated code works on its copy). The copy is cast as ``y`` is, so NumPy's casting
error is raised as it would be.

A fancy index makes a copy, into which NumPy's write would go unseen; ``writes_through``
refuses it when the code runs (an element of a 1-D array, a number, makes the call raise
NumPy's TypeError). The call is rewritten where it is a statement of its own, the value
of an assignment to a name (``r = numpy.add(a, b, out=y[0])`` binds ``r`` to the view,
read again after the write) or returned, or inside such a statement's value where Python
evaluates nothing before the call that could see the write (``z = 2 * numpy.add(a, b,
out=y[0])``: the call is taken out first, ``_hoisted``); an index that calls something (read twice here)
is left to the refusal of an out that is not a name. So is another NumPy function's
``out=`` (``numpy.sum(a, axis=0, out=y[0])``) but ``numpy.dot``'s, which must be contiguous.

In those statements too, ``out=None`` is no output (NumPy's default), and an ``out=`` given
as a new array (``numpy.divide(a, b, out=numpy.zeros_like(a), where=b != 0)``) is that
array under a name of its own, made first, which the call then writes into and returns."""

import gast
import numpy

from ... import runtime
from ...analysis.mutation import is_ufunc_at
from ...core import syntax as S
from ...core.walk import walk_blocks
from .flat_writes import is_flat_write
from .scopes import parameters


# the functions making a new array, which an out= written as their call is
_NEW_ARRAYS = (numpy.zeros_like, numpy.ones_like, numpy.full_like, numpy.empty_like, numpy.zeros, numpy.ones,
               numpy.full, numpy.empty)
# the names of the calls whose first argument is the array they write into (numpy.add.at, numpy.put, ...)
_FIRST_WRITTEN = frozenset({"at", "put", "place", "putmask"})


def rewrite_view_outputs(normalizer, tree):
    """Rewrite each such call of ``tree``'s own scope; whether one was found."""
    found = False
    for block in walk_blocks(tree.body):
        position = 0
        while position < len(block):
            stmts = _rewritten(normalizer, block[position])
            if stmts is not None:
                found = True
                block[position:position + 1] = stmts
                position += len(stmts) - 1
            position += 1
    return found


def may_write_into_views(nodes):
    """Whether ``nodes`` (of the source) hold a call with an ``out=`` that is not a name, a
    subscript as an argument after the first, or ``.at(y[1:], ...)`` (``numpy.put(y[1:],
    ...)``, ``place``, ``putmask``): a cheap test before the rewrite."""
    return any(type(node) is gast.Call and (
        any(kw.arg == "out" and type(kw.value) is not gast.Name for kw in node.keywords)
        or any(type(arg) is gast.Subscript for arg in node.args[1:])
        or node.args and type(node.args[0]) is gast.Subscript and _called_name(node) in _FIRST_WRITTEN)
        for node in nodes)


def _called_name(call):
    """The last name of what ``call`` calls (``at`` of ``numpy.add.at``), or None."""
    func = call.func
    return func.attr if type(func) is gast.Attribute else getattr(func, "id", None)


def _rewritten(normalizer, stmt):
    """The statements to put in place of ``stmt``, or None where it is not such a call."""
    kind = type(stmt)
    if kind is gast.Expr or kind is gast.Return or kind is gast.Assign and len(stmt.targets) == 1 \
            and isinstance(stmt.targets[0], gast.Name):
        call = stmt.value
    else:
        return None
    if type(call) is not gast.Call:
        return _hoisted(normalizer, stmt)
    target = normalizer.resolve_call(call)
    out = _output(call, target)
    if out is None:
        return _hoisted(normalizer, stmt)
    if isinstance(out, gast.Constant) and out.value is None:       # out=None: no output given
        call.keywords = [kw for kw in call.keywords if kw.arg != "out"]
        return [stmt]
    maker = normalizer.resolve_call(out)
    if any(maker is made for made in _NEW_ARRAYS):      # out=numpy.zeros_like(x): a new array, named
        made = _fresh_name(normalizer, "out")
        _into(call, out, made)
        return [gast.copy_location(S.assign(made, out, getattr(stmt, "lineno", None)), stmt), stmt]
    if not isinstance(out, gast.Subscript) or not _followed_root(normalizer, _root(out)) \
            or kind is not gast.Expr and (is_ufunc_at(target) or is_flat_write(target)):
        return None             # (r = numpy.add.at(...), r = numpy.put(...): None, left to the call lowering)
    return _through_copy(normalizer, stmt, call, out)


# what Python reads lazily: a name gives its object, whose elements are read where an
# operation runs, after the call it is an operand of (operators and contexts hold nothing)
_LAZY = (gast.Constant, gast.Name, gast.expr_context, gast.operator, gast.unaryop, gast.keyword)


def _hoisted(normalizer, stmt):
    """``stmt`` (``z = 2 * numpy.add(a, b, out=y[0])``) with a call writing into a view
    inside its value taken out first (``t = numpy.add(a, b, out=y[0])``, rewritten as
    above, then ``z = 2 * t``), where Python evaluates nothing before that call that could
    see the write: every other part of the statement a constant or a name, the call
    inside operators and calls of named functions only; else None."""
    path = _path_to_view_output(normalizer, stmt.value)
    if path is None:
        return None
    call, parent = path[-1], path[-2]
    inside = {id(node) for node in gast.walk(call)} | {id(node) for node in path} \
        | {id(node) for ancestor in path[:-1] if type(ancestor) is gast.Call for node in gast.walk(ancestor.func)}
    if any(id(node) not in inside and not isinstance(node, _LAZY) for node in gast.walk(stmt.value)):
        return None
    name = _fresh_name(normalizer, "t")
    hoisted = gast.copy_location(S.assign(name, call, getattr(stmt, "lineno", None)), stmt)
    _replace_child(parent, call, S.name(name))
    return (_rewritten(normalizer, hoisted) or [hoisted]) + (_rewritten(normalizer, stmt) or [stmt])


def _path_to_view_output(normalizer, node, path=()):
    """The nodes from ``node`` down to the first call below it writing into a view
    (``out=y[0]``), through operators and the arguments of calls of named functions."""
    path = path + (node,)
    if type(node) is gast.Call and len(path) > 1:
        target = normalizer.resolve_call(node)
        out = _output(node, target)
        if isinstance(out, gast.Subscript) and _followed_root(normalizer, _root(out)) \
                and not (is_ufunc_at(target) or is_flat_write(target)):
            return path
    if type(node) is gast.BinOp:
        children = [node.left, node.right]
    elif type(node) is gast.UnaryOp:
        children = [node.operand]
    elif type(node) is gast.Call and S.dotted_path(node.func) is not None:
        children = node.args + node.keywords
    elif type(node) is gast.keyword:
        children = [node.value]
    else:
        return None
    return next((found for child in children
                 for found in [_path_to_view_output(normalizer, child, path)] if found is not None), None)


def _replace_child(parent, child, new):
    """``new`` in ``parent`` where ``child`` was."""
    for field, value in gast.iter_fields(parent):
        if value is child:
            setattr(parent, field, new)
        elif isinstance(value, list) and any(item is child for item in value):
            setattr(parent, field, [new if item is child else item for item in value])


def _through_copy(normalizer, stmt, call, view):
    """``stmt`` writing into a copy of ``view``, stored back (see the module doc)."""
    line = getattr(stmt, "lineno", None)
    copy = _fresh_name(normalizer, "out")
    check = normalizer.runtime_call(runtime.writes_through, [
        S.copy(view), S.copy(_root(view)), S.const(normalizer.source.place(stmt))])
    taken = gast.Call(func=gast.Attribute(value=S.copy(view), attr="copy", ctx=gast.Load()), args=[], keywords=[])
    stored = gast.Subscript(value=S.copy(view.value), slice=S.copy(view.slice), ctx=gast.Store())
    _into(call, view, copy)
    normalizer.view_copies = {**getattr(normalizer, "view_copies", {}), copy: _root(view)}      # (flat_writes.py)
    out = [S.expr_stmt(check, line), S.assign(copy, taken, line), S.expr_stmt(call, line),
           S.assign(stored, S.name(copy), line)]
    if not isinstance(stmt, gast.Expr):
        stmt.value = S.copy(view)       # the view, read again: what the call returns
        out.append(stmt)
    for made in out:
        gast.copy_location(made, stmt)
    return out


def _fresh_name(normalizer, hint):
    name = normalizer.namer.fresh(hint)
    normalizer.locals.add(name)
    normalizer.bound_count[name] += 1
    return name


def _output(call, target):
    """What ``call`` writes into, where it is one of the calls above: a ufunc's ``at``'s
    first argument, a ufunc's one output (``out=`` or positional), or the ``out=`` of
    another NumPy function (``numpy.sum(a, axis=0, out=y[0])``; not ``numpy.dot``, which
    asks for a contiguous ``out``) or method (``m.sum(axis=0, out=y[0])``); else None."""
    if is_ufunc_at(target) or is_flat_write(target):
        return call.args[0] if call.args else None
    if isinstance(target, numpy.ufunc):
        outs = [kw.value for kw in call.keywords if kw.arg == "out"] or call.args[target.nin:]
    elif (getattr(target, "__module__", None) or "").startswith("numpy") and target is not numpy.dot \
            or target is None and _method_of_a_name(call):
        outs = [kw.value for kw in call.keywords if kw.arg == "out"]
    else:
        return None
    out = outs[0] if len(outs) == 1 else None
    if isinstance(out, gast.Tuple) and len(out.elts) == 1:
        out = out.elts[0]
    return None if isinstance(out, (gast.Tuple, gast.Starred)) else out


def _method_of_a_name(call):
    """Whether ``call`` is a method called on a name (``m.sum(axis=0, out=y[0])``), which
    the call lowering takes for NumPy's after a check when the code runs (calls.py)."""
    return isinstance(call.func, gast.Attribute) and isinstance(call.func.value, gast.Name) \
        and call.func.attr != "dot"


def _root(view):
    """What a chain of subscripts (``y[1:][0]``) indexes, where no index calls anything:
    a name, or an attribute of one (``p.W`` of ``p.W[0]``, an object the function built,
    whose item write item_appends.py follows); else None."""
    node = view
    while isinstance(node, gast.Subscript):
        if S.call_nodes(node.slice):
            return None
        node = node.value
    owner = node.value if isinstance(node, gast.Attribute) else node
    return node if isinstance(owner, gast.Name) else None


def _followed_root(normalizer, root):
    """Whether the write into ``root`` (``_root``) is followed: a name, or an attribute of
    a local name that is no parameter (an object made here: an argument's or a global's
    is left to the refusal of an out that is not a name)."""
    if root is None or isinstance(root, gast.Name):
        return root is not None
    owner = root.value.id
    return owner in normalizer.locals and owner not in parameters(normalizer.source.tree)


def _into(call, view, copy):
    """``call`` writing into the name ``copy`` where it wrote into ``view``."""
    if any(arg is view for arg in call.args):
        call.args = [S.name(copy) if arg is view else arg for arg in call.args]
    else:
        call.keywords = [gast.keyword(arg="out", value=S.name(copy)) if kw.arg == "out" else kw
                         for kw in call.keywords]


def refuse_outside_output(normalizer, out, label, node):
    """Refuse the call ``node`` of ``label`` writing into ``out``, an array an argument's
    (or a global's) object holds (``out=p.buf``, ``out=p.buf[0]``, ``p`` a parameter): the
    call changes the caller's object, while the derivative works on copies of the
    arguments and must leave the caller's arrays as they were, so it cannot be both
    Python's call and an exact derivative. Else nothing (the generic refusal follows)."""
    root = _root(out) if isinstance(out, (gast.Attribute, gast.Subscript)) else None
    if not isinstance(root, gast.Attribute):
        return
    owner = root.value.id
    if owner in normalizer.locals and owner not in parameters(normalizer.source.tree):
        return
    whose = f"the argument {owner!r}" if owner in parameters(normalizer.source.tree) else f"the global {owner!r}"
    written = gast.unparse(out).strip()
    raise normalizer._refuse(
        f"{label}(..., out={written}), which writes into an array {whose} holds: Python's call changes "
        "that object, memory the function did not create, which the derivative (leaving the caller's arrays "
        "as they were) cannot follow exactly", node,
        f"write into a copy ({root.attr} = {gast.unparse(root).strip()}.copy(); {label}(..., out={root.attr})) or "
        f"use the return value ({root.attr} = {label}(...)), and change {owner} outside the differentiated function")
