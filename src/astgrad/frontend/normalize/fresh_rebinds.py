"""A method that rebinds its attribute to a new array before it writes into it::

    def step(self, x):
        self.d = self.d * 1.0       # a new array: the caller's keeps its values
        self.d[0] += x              # into the new array only

Whatever array ``self.d`` held before (one another name holds too, as the caller's
argument) is never changed by such a method: NumPy makes a new array for the
arithmetic, and only that array is written. The state twin (instances.state_twin) then
follows the call as it does on an object whose attribute no other name holds. Found
only where that is plain from the method's text: the rebinding is a statement of the
method's own body (not in a branch or loop), before which no statement names the
attribute, its value an arithmetic expression (``self.d * 1.0``, ``-self.d``) or a
``.copy()``; after it the attribute is only rebound so again, written by element, or
read as an operand of arithmetic (``self.d[0] * x``, ``self.d + x``), never handed
on, returned or stored elsewhere (which would let another name hold the new array); and
the method calls no method of ``self`` and hands ``self`` to nothing. A last statement
``return self.<attr>`` is let through only for a call whose value goes unread
(returned_rebinds.py), where no other name can come to hold the new array."""

import gast

from ...core import syntax as S

_ARITHMETIC = (gast.BinOp, gast.UnaryOp)


def rebound_first(tree, attr, dropped=False):
    """Whether the method ``tree`` rebinds ``self.<attr>`` to a new array before any
    other use of it, and never lets that array go (see the module's docstring); with
    ``dropped`` (the call's value goes unread), a last ``return self.<attr>`` too."""
    params = tree.args.posonlyargs + tree.args.args
    if not params:
        return False
    me = params[0].id
    body = tree.body
    if dropped and _returns_attribute(body[-1], me) == attr:
        body = body[:-1]
    rebound = None
    for at, stmt in enumerate(body):
        if _fresh_rebind(stmt, me, attr):
            rebound = at
            break
        if _names(stmt, me, attr) or not _uses_stay(stmt, me, attr):
            return False        # (before it, self is not handed on either: no alias of it writes later)
    if rebound is None:
        return False
    later = body[rebound + 1:]
    if any(isinstance(n, (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef))
           for stmt in later for n in S.walk_nodes(stmt)):
        return False
    return all(_uses_stay(stmt, me, attr) for stmt in later)


def returned_attribute(tree):
    """``attr`` where the method ``tree`` (its def, or None) ends with ``return
    self.<attr>``, has no other ``return`` and rebinds that attribute first
    (``rebound_first``); else None."""
    params = [] if tree is None else tree.args.posonlyargs + tree.args.args
    if not params or not tree.body:
        return None
    attr = _returns_attribute(tree.body[-1], params[0].id)
    returns = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Return)]
    if attr is None or len(returns) != 1 or not rebound_first(tree, attr, dropped=True):
        return None
    return attr


def _returns_attribute(stmt, me):
    if isinstance(stmt, gast.Return) and isinstance(stmt.value, gast.Attribute) \
            and isinstance(stmt.value.value, gast.Name) and stmt.value.value.id == me:
        return stmt.value.attr
    return None


def _is_self_attr(node, me, attr):
    return isinstance(node, gast.Attribute) and node.attr == attr and isinstance(node.value, gast.Name) \
        and node.value.id == me


def _names(stmt, me, attr):
    return any(_is_self_attr(n, me, attr) for n in S.walk_nodes(stmt))


def _fresh_rebind(stmt, me, attr):
    """``self.<attr> = <arithmetic or .copy()>`` with no other use of the attribute than
    as an operand in its value."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and _is_self_attr(stmt.targets[0], me, attr)):
        return False
    value = stmt.value
    fresh = isinstance(value, _ARITHMETIC) or isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) \
        and value.func.attr == "copy" and not value.args and not value.keywords
    return fresh and _reads_stay(value, me, attr)


def _uses_stay(stmt, me, attr):
    """Whether every use of ``self`` and ``self.<attr>`` in ``stmt`` keeps the new array
    to the attribute alone."""
    if _fresh_rebind(stmt, me, attr):
        return True
    parents = {}
    for node in S.walk_nodes(stmt):
        for child in gast.iter_child_nodes(node):
            parents[id(child)] = node
    for node in S.walk_nodes(stmt):
        if isinstance(node, gast.Name) and node.id == me:
            parent = parents.get(id(node))
            if not isinstance(parent, gast.Attribute):
                return False            # self handed on
            above = parents.get(id(parent))
            if isinstance(above, gast.Call) and above.func is parent:
                return False            # a method of self called
            if parent.attr == attr and not _kept_use(parent, parents):
                return False
    return True


def _kept_use(node, parents):
    """Whether the read or write ``node`` (``self.<attr>``) is an element write's target
    (``self.d[k] = v``, ``self.d[k] += v``), an arithmetic operand, or an element read
    that is an arithmetic operand (``self.d[0] * x``)."""
    parent = parents.get(id(node))
    if isinstance(parent, _ARITHMETIC):
        return True
    if not (isinstance(parent, gast.Subscript) and parent.value is node):
        return False
    if isinstance(parent.ctx, (gast.Store, gast.Del)):
        above = parents.get(id(parent))
        return isinstance(above, (gast.Assign, gast.AugAssign)) and (
            parent in getattr(above, "targets", []) or getattr(above, "target", None) is parent)
    return isinstance(parents.get(id(parent)), _ARITHMETIC)


def _reads_stay(value, me, attr):
    """Whether each ``self.<attr>`` in ``value`` is an operand of its arithmetic (or the
    receiver of its ``.copy()``), and ``self`` is named only so."""
    parents = {}
    for node in S.walk_nodes(value):
        for child in gast.iter_child_nodes(node):
            parents[id(child)] = node
    for node in S.walk_nodes(value):
        if isinstance(node, gast.Name) and node.id == me:
            parent = parents.get(id(node))
            if not isinstance(parent, gast.Attribute):
                return False
            above = parents.get(id(parent))
            if isinstance(above, gast.Call) and above.func is parent:
                return False
            if parent.attr == attr and not (isinstance(above, _ARITHMETIC) or isinstance(above, gast.Attribute)
                                            and above.attr == "copy" and above is getattr(value, "func", None)):
                return False
    return True
