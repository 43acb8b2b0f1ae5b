"""NumPy calls writing into a view of an array, rewritten as a write into a copy of the
view's elements stored back through the view's expression::

    numpy.add(a, b, out=y[0])           writes_through(y[0], y, "f.py:5")
                                        out = y[0].copy()
                                        numpy.add(a, b, out=out)
                                        y[0] = out

and likewise a ufunc's output given positionally (``numpy.add(a, b, y[:, 1])``), with
``where=`` (the copy holds the old values the mask keeps), and ``numpy.add.at(y[1:], i,
v)`` (any ufunc's ``at``). NumPy writes those elements of ``y`` and no others, which the
store back ``y[0] = out`` does; the write into the fresh copy is the one the call lowering
follows on a name (calls.py), and the store back is an element write followed as any other
(views.py follows ``y[1:][0] = out`` and ``v[0] = out`` on a view ``v``; on an argument,
the generated code works on its copy). The copy is cast as ``y`` is, so NumPy's casting
error is raised as it would be.

A fancy index makes a copy, into which NumPy's write would go unseen; ``writes_through``
refuses it when the code runs (an element of a 1-D array, a number, makes the call raise
NumPy's TypeError). The call is rewritten where it is a statement of its own, the value
of an assignment to a name (``r = numpy.add(a, b, out=y[0])`` binds ``r`` to the view,
read again after the write) or returned; an index that calls something (read twice here)
is left to the refusal of an out that is not a name."""

import gast
import numpy

from ... import runtime
from ...analysis.mutation import is_ufunc_at
from ...core import syntax as S
from ...core.walk import walk_blocks


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


def may_write_into_views(normalizer, nodes):
    """Whether ``nodes`` (of the source) hold a call with a subscript written as an ``out=``
    or as an argument after the first: a cheap test before the rewrite."""
    return any(type(node) is gast.Call and (
        any(kw.arg == "out" and not isinstance(kw.value, gast.Name) for kw in node.keywords)
        or any(type(arg) is gast.Subscript for arg in node.args)) for node in nodes)


def _rewritten(normalizer, stmt):
    """The statements to put in place of ``stmt``, or None where it is not such a call."""
    kind = type(stmt)
    if kind is gast.Expr or kind is gast.Return or kind is gast.Assign and len(stmt.targets) == 1 \
            and isinstance(stmt.targets[0], gast.Name):
        call = stmt.value
    else:
        return None
    if type(call) is not gast.Call:
        return None
    found = _written_view(normalizer, call)
    if found is None or kind is not gast.Expr and found[1]:
        return None             # (r = numpy.add.at(...): None, left to the call lowering)
    view, _ = found
    line = getattr(stmt, "lineno", None)
    root = _root(view)
    copy = normalizer.namer.fresh("out")
    normalizer.locals.add(copy)
    normalizer.bound_count[copy] += 1
    check = normalizer.runtime_call(runtime.writes_through, [
        S.copy(view), S.name(root), S.const(normalizer.source.place(stmt))])
    taken = gast.Call(func=gast.Attribute(value=S.copy(view), attr="copy", ctx=gast.Load()), args=[], keywords=[])
    stored = gast.Subscript(value=S.copy(view.value), slice=S.copy(view.slice), ctx=gast.Store())
    out = [S.expr_stmt(check, line), S.assign(copy, taken, line), S.expr_stmt(_into(call, view, copy), line),
           S.assign(stored, S.name(copy), line)]
    if kind is not gast.Expr:
        stmt.value = S.copy(view)       # the view, read again: what the call returns
        out.append(stmt)
    for made in out:
        gast.copy_location(made, stmt)
    return out


def _written_view(normalizer, call):
    """(the subscript ``call`` writes into, whether the call is a ufunc's ``at``), or None:
    a ufunc's output (``out=`` or positional) or a ufunc's ``at``'s first argument, a
    subscript of a name (a chain of them) whose indices call nothing."""
    target = normalizer.resolve_call(call)
    if is_ufunc_at(target):
        view, at = call.args[0] if call.args else None, True
    elif isinstance(target, numpy.ufunc):
        outs = [kw.value for kw in call.keywords if kw.arg == "out"] or call.args[target.nin:]
        view, at = outs[0] if len(outs) == 1 else None, False
        if isinstance(view, gast.Tuple) and len(view.elts) == 1:
            view = view.elts[0]
    else:
        return None
    if not isinstance(view, gast.Subscript) or _root(view) is None:
        return None
    return view, at


def _root(view):
    """The name a chain of subscripts (``y[1:][0]``) indexes, where no index calls anything."""
    node = view
    while isinstance(node, gast.Subscript):
        if S.call_nodes(node.slice):
            return None
        node = node.value
    return node.id if isinstance(node, gast.Name) else None


def _into(call, view, copy):
    """``call`` writing into the name ``copy`` where it wrote into ``view``."""
    if call.args and call.args[0] is view:
        call.args[0] = S.name(copy)
    elif any(arg is view for arg in call.args):
        call.args = [S.name(copy) if arg is view else arg for arg in call.args]
    else:
        call.keywords = [gast.keyword(arg="out", value=S.name(copy)) if kw.arg == "out" else kw
                         for kw in call.keywords]
    return call
