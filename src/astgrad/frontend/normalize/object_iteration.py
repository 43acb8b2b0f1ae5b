"""Iterating an object of a user class the code follows (objects.py), in the two forms a
class usually writes its ``__iter__``: ``return iter(self.items)`` (or ``iter((self.x,
self.y))``) and a generator (``yield self.x; yield self.y``, ``for c in self.cs: yield
c``, ``yield from self.cs``). Python calls ``__iter__`` for ``for c in v``, a
comprehension, ``list(v)``, ``tuple(v)``, ``sum(v)``, ``zip(v, w)`` and ``a, b = v``:
each iterates instead what the method iterates, with ``v`` for ``self``
(``v.items``, ``(v.x, v.y)``).

``iter(e)`` and a generator that only loops over ``e`` read ``e`` when the iteration
starts, as the rewritten code does. A generator of several ``yield`` statements reads
each item when it is asked for: the tuple of items, read at once, is what it yields
where nothing runs in between (``list(v)``, ``sum(v)``, unpacking), or where the loop
body assigns no attribute and calls only built-in functions and modules' (``np.sin``).
Any other ``__iter__`` (one returning ``self`` with a ``__next__``, one computing with
calls) stays refused, here and in protocol_methods.py."""

import builtins
import types

import gast

from ...core import methods as M
from ...core import syntax as S
from ..source import parse_function

_CONSUMERS = {"list", "tuple", "sum", "sorted", "min", "max"}      # iterate their argument at once
_PAIRING = {"zip", "enumerate"}


class ObjectIterationLowering:
    """Normalizer methods iterating followed objects over what their ``__iter__`` iterates."""

    def iterated_object(self, expr, body=None, refuse=True):
        """What iterating ``expr`` iterates, where it reads an object of a followed class
        whose ``__iter__`` has one of the forms this module follows, with ``expr`` for
        ``self``; None for anything else. ``body``: the statements a loop runs between
        items (None where the items are all taken at once). A form not followed is
        refused where ``refuse`` (a plain loop's refusal is protocol_methods.py's)."""
        if not self._defines(expr, "__iter__"):        # operator_methods.py
            return None
        cls = self._object_class(expr)
        # what __iter__ iterates is read into the code: redefining it must make the code again
        self.source.dependencies.append(((M.CLASS_ROOT, "__iter__"), (cls, M.current(cls, "__iter__"))))
        form = _iterated_form(M.user_function(M.static_attribute(cls, "__iter__")))
        if form is None and refuse:
            raise self._refuse(f"iterating a {cls.__name__}, whose __iter__ astgrad does not follow", expr,
                               "iterate over the object's arrays or a list the class returns (v.items)")
        if form is None:
            return None
        items, lazy = form
        if lazy and body is not None and self._may_change_objects(body):
            raise self._refuse(f"a for loop over a {cls.__name__}, whose __iter__ yields items it reads one at a "
                               "time, while the loop body assigns an attribute or calls a function of its own", expr,
                               "loop over a list of the items taken first (for c in list(v))")
        uses = sum(isinstance(n, gast.Name) and n.id == "self" for n in S.walk_nodes(items))
        if uses > 1 and not isinstance(expr, gast.Name):      # Point(a, t), built once, then read
            bound = gast.copy_location(gast.Name(id=self.namer.fresh("obj"), ctx=gast.Store(), annotation=None,
                                                 type_comment=None), expr)
            self.stmt_Assign(gast.copy_location(gast.Assign(targets=[bound], value=expr, type_comment=None), expr))
            expr = gast.copy_location(gast.Name(id=bound.id, ctx=gast.Load(), annotation=None, type_comment=None),
                                      expr)
        return gast.copy_location(_substituted(items, expr), expr)

    def iterated_loop(self, stmt):
        """``for c in v`` (``stmt``) with ``v``, or an argument of ``zip``/``enumerate``
        it loops over, an object iterating as this module follows: the loop over what
        ``__iter__`` iterates (a new statement: the source tree is shared); else ``stmt``."""
        items = self.iterated_object(stmt.iter, stmt.body, refuse=False)
        if items is None and self._builtin_call(stmt.iter, _PAIRING):
            items = self._replaced_arguments(stmt.iter, stmt.body)
        return stmt if items is None else gast.copy_location(
            gast.For(target=stmt.target, iter=items, body=stmt.body, orelse=stmt.orelse, type_comment=None), stmt)

    def iterated_call(self, node):
        """``list(v)``, ``tuple(v)``, ``sum(v)``, ``zip(v, w)`` and the like on an object
        iterating as this module follows, as that call on what it iterates; None for
        any other call."""
        if not self._builtin_call(node, _CONSUMERS | _PAIRING):
            return None
        replaced = self._replaced_arguments(node, None)
        return None if replaced is None else self.expr_Call(replaced)

    def iterated_unpacking(self, stmt):
        """``a, b = v`` (``stmt``) with ``v`` an object iterating as this module follows:
        ``a, b`` bound from what it iterates (a new statement); else ``stmt``."""
        if len(stmt.targets) == 1 and isinstance(stmt.targets[0], (gast.Tuple, gast.List)):
            items = self.iterated_object(stmt.value)
            if items is not None:
                return gast.copy_location(gast.Assign(targets=stmt.targets, value=items, type_comment=None), stmt)
        return stmt

    def _builtin_call(self, node, names):
        """Whether ``node`` calls one of the built-in functions ``names`` with positional
        arguments alone."""
        return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id in names \
            and node.func.id not in self.locals and self.source.resolve(node.func.id) is getattr(builtins, node.func.id) \
            and not any(isinstance(a, gast.Starred) for a in node.args)

    def _replaced_arguments(self, node, body):
        """The call ``node`` with each argument that iterates as this module follows
        replaced by what it iterates (``zip`` takes all, the others their first); None
        where none does."""
        args = list(node.args)
        for position in range(len(args) if node.func.id == "zip" else min(1, len(args))):
            args[position] = self.iterated_object(args[position], body) or args[position]
        if all(a is b for a, b in zip(args, node.args)):
            return None
        return gast.copy_location(gast.Call(func=node.func, args=args, keywords=node.keywords), node)

    def _may_change_objects(self, body):
        """Whether the statements ``body`` assign an attribute or call anything but a
        built-in function, a module's or a list's append (any may change what a
        generator reads for its next item)."""
        for node in S.walk_nodes(gast.Module(body=body, type_ignores=[])):
            if isinstance(node, gast.Attribute) and isinstance(node.ctx, (gast.Store, gast.Del)):
                return True
            if isinstance(node, gast.Call) and not self._library_function(node.func) \
                    and not self._list_append(node.func):
                return True
        return False

    def _list_append(self, func):
        """Whether ``func`` is ``xs.append`` on a local name that holds no followed object
        (a comprehension appends each item to its list)."""
        return isinstance(func, gast.Attribute) and func.attr == "append" and isinstance(func.value, gast.Name) \
            and func.value.id in self.locals and self._object_class(func.value) is None

    def _library_function(self, func):
        """Whether ``func`` names a built-in function (``len``) or a module's (``np.sin``)."""
        owner = func.value if isinstance(func, gast.Attribute) else func
        if not isinstance(owner, gast.Name) or owner.id in self.locals:
            return False
        found = self.source.resolve(owner.id)
        return isinstance(found, types.ModuleType) if owner is not func \
            else found is getattr(builtins, func.id, None) and isinstance(found, types.BuiltinFunctionType)


def _iterated_form(method):
    """(what ``method``, a class's ``__iter__``, iterates as an expression of ``self``,
    whether its items are read one at a time), or None for a form not followed."""
    try:
        tree = parse_function(method).tree
    except Exception:       # noqa: BLE001 - no source: the refusal stands
        return None
    body = [s for s in tree.body if not (isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant))]
    args = tree.args
    if len(args.args) != 1 or args.args[0].id != "self" or args.vararg or args.kwarg or args.kwonlyargs or not body:
        return None
    first = body[0]
    if len(body) == 1 and isinstance(first, gast.Return) and isinstance(first.value, gast.Call) \
            and isinstance(first.value.func, gast.Name) and first.value.func.id == "iter" \
            and len(first.value.args) == 1 and not first.value.keywords and _reads_self(first.value.args[0]) \
            and method.__globals__.get("iter", builtins.iter) is builtins.iter:
        return first.value.args[0], False          # return iter(self.items)
    if len(body) == 1 and isinstance(first, gast.Expr) and isinstance(first.value, gast.YieldFrom) \
            and _reads_self(first.value.value):
        return first.value.value, False            # yield from self.items
    if len(body) == 1 and isinstance(first, gast.For) and isinstance(first.target, gast.Name) \
            and not first.orelse and len(first.body) == 1 and isinstance(first.body[0], gast.Expr) \
            and isinstance(first.body[0].value, gast.Yield) and isinstance(first.body[0].value.value, gast.Name) \
            and first.body[0].value.value.id == first.target.id and _reads_self(first.iter):
        return first.iter, False                   # for c in self.items: yield c
    if all(isinstance(s, gast.Expr) and isinstance(s.value, gast.Yield) and s.value.value is not None
           and _reads_self(s.value.value) for s in body):
        return gast.Tuple(elts=[s.value.value for s in body], ctx=gast.Load()), True     # yield self.x; ...
    return None


def _reads_self(expr):
    """Whether ``expr`` is made of ``self``, its attributes, constants, displays and
    arithmetic alone (nothing it calls could run code of its own)."""
    allowed = (gast.Name, gast.Attribute, gast.Constant, gast.Tuple, gast.List, gast.Load, gast.BinOp,
               gast.UnaryOp, gast.operator, gast.unaryop)
    return all(isinstance(n, allowed) and (not isinstance(n, gast.Name) or n.id == "self")
               for n in S.walk_nodes(expr))


def _substituted(items, expr):
    """A copy of ``items`` with ``expr`` (copied) for each read of ``self``."""
    class Substitute(gast.NodeTransformer):
        def visit_Name(self, node):
            return S.copy(expr) if node.id == "self" else node
    return Substitute().visit(S.copy(items))

