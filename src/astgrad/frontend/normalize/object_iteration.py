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
body assigns no attribute and calls only built-in functions and modules' (``np.sin``),
built-in number types and exception classes (``float(c)``, ``raise ValueError(...)``) and
the ``append`` of lists of its own (which no object can hold).

An iterator class (``__iter__`` setting a counter and returning ``self``, read by
iterator_classes.py) iterates the items its ``__next__`` computes over the range the
counter runs over: a ``for`` loop over ``range`` binding each item at the top of each step,
elsewhere a generator expression. Its counter is the object's, one for every loop over it:
where two iterations could share it (a loop over the object in a loop over it, ``zip(v,
v)``, ``iter(v)`` beside another loop) or the code could read it, that is refused.

``zip(a, v)`` evaluates each argument that may run code of the user's first, in order,
then reads the objects' items, as Python does. Any other ``__iter__`` (one computing with
calls, a ``__next__`` of another form) stays refused, here and in protocol_methods.py."""

import builtins
import types

import gast

from ...core.first_use import imported_when_called
from ...core import anno
from ...core import methods as M
from ...core import syntax as S
from ...core.anno import Key
from ..source import parse_function

# modules only some functions need, loaded with the first call of these (core/first_use.py)
counted_iteration = imported_when_called(__package__ + ".iterator_classes", "counted_iteration")
counter_moved_words = imported_when_called(__package__ + ".iterator_classes", "counter_moved_words")
parented = imported_when_called(__package__ + ".shared_counters", "parented")
refuse_shared_counter = imported_when_called(__package__ + ".shared_counters", "refuse_shared_counter")
refuse_zipped_together = imported_when_called(__package__ + ".shared_counters", "refuse_zipped_together")

_CONSUMERS = {"list", "tuple", "sum", "sorted", "min", "max"}      # iterate their argument at once
_PAIRING = {"zip", "enumerate"}
_NUMBER_TYPES = (int, float, complex, bool)


class ObjectIterationLowering:
    """Normalizer methods iterating followed objects over what their ``__iter__`` iterates."""

    def iterated_object(self, expr, body=None, refuse=True):
        """What iterating ``expr`` iterates, where it reads an object of a followed class
        whose ``__iter__`` has one of the forms this module follows, with ``expr`` for
        ``self``; None for anything else. ``body``: the statements a loop runs between
        items (None where the items are all taken at once). A form not followed is
        refused where ``refuse`` (a plain loop's refusal is protocol_methods.py's). An
        iterator class (iterator_classes.py) iterates a generator expression over the
        range its counter runs over."""
        if not self._defines(expr, "__iter__"):        # operator_methods.py
            return None
        cls = self._object_class(expr)
        # what __iter__ iterates is read into the code: redefining it must make the code again
        self.source.dependencies.append(((M.CLASS_ROOT, "__iter__"), (cls, M.current(cls, "__iter__"))))
        form = _iterated_form(M.user_function(M.static_attribute(cls, "__iter__")))
        counted = counted_iteration(cls) if form is None else None
        if counted is not None:
            form = self._counted_form(expr, body, cls, counted)
        moved = counter_moved_words(cls) if form is None and refuse else None
        if moved is not None:
            raise self._refuse(f"iterating a {cls.__name__}, {moved[0]}", expr, moved[1])
        if form is None and refuse:
            raise self._refuse(f"iterating a {cls.__name__}, whose __iter__ astgrad does not follow", expr,
                               "iterate over the object's arrays or a list the class returns (v.items)")
        if form is None:
            return None
        items, lazy = form
        if lazy and body is not None and self._may_change_objects(body):
            reads = "__next__ computes each item when asked" if counted else \
                "__iter__ yields items it reads one at a time"
            raise self._refuse(f"a for loop over a {cls.__name__}, whose {reads}, while the loop body assigns an "
                               "attribute or calls a function of its own", expr,
                               "loop over a list of the items taken first (for c in list(v))")
        uses = sum(isinstance(n, gast.Name) and n.id == "self" for n in S.walk_nodes(items))
        if uses > 1 and not isinstance(expr, gast.Name):      # Point(a, t), built once, then read
            expr = self._bound(expr, "obj")
        return gast.copy_location(_substituted(items, expr), expr)

    def iterated_loop(self, stmt):
        """``for c in v`` (``stmt``) with ``v``, or an argument of ``zip``/``enumerate``
        it loops over, an object iterating as this module follows: the loop over what
        ``__iter__`` iterates (a new statement: the source tree is shared); else ``stmt``.
        An iterator class's loop runs over its counter's range, each step computing its
        item (``c = s.data[k]``) where Python's ``__next__`` does."""
        binding = gast.Assign(targets=[stmt.target], value=gast.Constant(value=None, kind=None), type_comment=None)
        items = self.iterated_object(stmt.iter, [binding] + stmt.body, refuse=False)     # each step binds the target
        if isinstance(items, gast.GeneratorExp):        # only an iterator class gives one
            step = items.generators[0]
            item = gast.copy_location(gast.Assign(targets=[stmt.target], value=items.elt, type_comment=None), stmt)
            return gast.copy_location(gast.For(target=step.target, iter=step.iter, body=[item] + stmt.body,
                                               orelse=stmt.orelse, type_comment=None), stmt)
        if items is None and self._builtin_call(stmt.iter, _PAIRING):
            items = self._replaced_arguments(stmt.iter, [binding] + stmt.body)
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
        ``a, b`` bound from what it iterates (a new statement); else ``stmt``. Also
        ``it, it_pos = list(v), 0``, which ``it = iter(v)`` advanced by ``next(it)`` became
        (explicit_iterators.py), for an iterator class: ``it`` the list of the positions,
        each item computed where ``next(it)`` asks for it, as Python's ``__next__`` does."""
        stepped = self._stepped_object(stmt)
        if stepped is not None:
            return stepped
        if len(stmt.targets) == 1 and isinstance(stmt.targets[0], (gast.Tuple, gast.List)):
            items = self.iterated_object(stmt.value)
            if items is not None:
                return gast.copy_location(gast.Assign(targets=stmt.targets, value=items, type_comment=None), stmt)
        return stmt

    def _stepped_object(self, stmt):
        """``it, it_pos = list(range(...)), 0`` for ``it, it_pos = list(v), 0`` (``stmt``)
        with ``it`` an explicit iterator and ``v`` an object of an iterator class, ``it``'s
        items (explicit_iterators.py) the items ``__next__`` computes; else None."""
        target, value = stmt.targets[0], stmt.value
        if not (self.explicit_iterators and len(stmt.targets) == 1 and isinstance(target, gast.Tuple) and target.elts
                and isinstance(target.elts[0], gast.Name) and target.elts[0].id in self.explicit_iterators
                and isinstance(value, gast.Tuple) and value.elts and isinstance(value.elts[0], gast.Call)
                and len(value.elts[0].args) == 1):
            return None
        stepped = value.elts[0].args[0]
        counted = counted_iteration(self._object_class(stepped)) if self._defines(stepped, "__iter__") else None
        if counted is None:
            return None
        items = self.iterated_object(stepped)
        step = items.generators[0]
        elt, conditions = items.elt, step.ifs
        held = self.iterator_items.get(target.elts[0].id)
        if held is not None:        # g = (f(c) for c in v if p(c)): f and p of the object's items
            elt, conditions = _through_items(self, held, elt, stmt)
        self.iterator_items[target.elts[0].id] = (step.target, elt, conditions, False)
        if held is None:        # a generator expression is finished by a raise, wherever the counter is
            # where a raise leaves the counter, and the class (named where that is refused)
            self.counted_raises[target.elts[0].id] = (counted.computed, self._object_class(stepped).__name__)
        positions = gast.Call(func=value.elts[0].func, args=[step.iter], keywords=[])
        return gast.copy_location(gast.Assign(targets=[target], value=gast.Tuple(
            elts=[positions, value.elts[1]], ctx=gast.Load()), type_comment=None), stmt)

    def _counted_form(self, expr, body, cls, counted):
        """(what iterating ``expr``, an object of the iterator class ``cls``, iterates, True:
        read one at a time), where no other iteration shares its counter and the loop
        ``body`` writes into nothing its items may read."""
        refuse_shared_counter(self, expr, body, cls, counted)     # shared_counters.py
        if body is not None and self._writes_items(body):
            raise self._refuse(f"a for loop over a {cls.__name__}, whose __next__ computes each item when asked, "
                               "while the loop body writes into an item or with += into a value other than a "
                               "number or list of its own", expr, "loop over a list of the items taken first "
                               "(for c in list(v))")
        return self._counted_items(counted, expr), True

    def _counted_items(self, counted, expr):
        """``(item for k in range(start, stop))`` of an iterator class's CountedIteration,
        its index a fresh name; the names it reads must mean here what they mean in the
        class's module."""
        for name, value in {**counted.names, "range": builtins.range}.items():
            if name in self.locals or self.source.resolve(name) is not value:
                raise self._refuse(f"iterating a {self._object_class(expr).__name__}, whose __next__ reads {name}, "
                                   "which names something else here", expr,
                                   f"do not rebind {name} in the function iterating it")
        # the item and the range are read from __next__ into the code: redefining it must make the code again
        cls = self._object_class(expr)
        self.source.dependencies.append(((M.CLASS_ROOT, "__next__"), (cls, M.current(cls, "__next__"))))
        index = self.namer.fresh("k")
        from .iterator_classes import INDEX      # (loaded with the first iterator class)
        item = _substituted(counted.item, S.name(index), INDEX)
        step = gast.comprehension(target=S.name(index, store=True), iter=counted.range_call(), ifs=[], is_async=0)
        return gast.GeneratorExp(elt=item, generators=[step])

    def iterated_as_attributes(self, node, parent):
        """Whether ``parent`` iterates the object ``node`` (a Name of the function's own
        tree) at once, in a form this module rewrites into reads of its attributes: ``for c
        in v``, ``a, b = v``, ``list(v)``, ``sum(v)`` and the like, ``zip(v, w)`` or
        ``enumerate(v)`` as what a for loop iterates (one kept in a name would read the items
        after later code changed them), the class's ``__iter__`` one it follows (elsewhere
        the iteration is refused). Such a use leaves the object the function's own."""
        loops = self.__dict__.get("_loop_iterables")
        if loops is None:
            loops = self._loop_iterables = {id(n.iter) for n in S.walk_nodes(self.source.tree)
                                            if isinstance(n, gast.For)}
        if isinstance(parent, gast.For):
            iterated = parent.iter is node
        elif isinstance(parent, gast.Assign):
            iterated = parent.value is node and len(parent.targets) == 1 \
                and isinstance(parent.targets[0], (gast.Tuple, gast.List))
        elif isinstance(parent, gast.Call) and (self._builtin_call(parent, _CONSUMERS) or id(parent) in loops
                                                and self._builtin_call(parent, _PAIRING)):
            taken = parent.args if parent.func.id == "zip" else parent.args[:1]
            iterated = any(arg is node for arg in taken)
        else:
            return False
        cls = self._object_class(node) if iterated else None
        return cls is not None and (_iterated_form(M.user_function(M.static_attribute(cls, "__iter__")))
                                    is not None or counted_iteration(cls) is not None)

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
        taken = range(len(node.args) if node.func.id == "zip" else min(1, len(node.args)))
        if not any(self._defines(node.args[position], "__iter__") for position in taken):
            return None
        args = self._arguments_in_order(node.args) if len(taken) > 1 else list(node.args)
        for position in taken:
            args[position] = self.iterated_object(args[position], body) or args[position]
        if all(a is b for a, b in zip(args, node.args)):
            return None
        return gast.copy_location(gast.Call(func=node.func, args=args, keywords=node.keywords), node)

    def _arguments_in_order(self, args):
        """``args`` of ``zip(...)``, where one is an object iterating as this module follows,
        with each argument that may run code of the user's (a call, ``Point(a, t)``, ``f(x)``)
        bound to a name of its own first, in order: Python evaluates every argument, left
        to right, before ``zip`` takes an item of any, so what an object's items read is read
        after them. A generator expression calling such code would run it between items,
        which is refused; so is an object iterating itself zipped with itself."""
        refuse_zipped_together(self, args)         # shared_counters.py
        for arg in args:
            if isinstance(arg, gast.GeneratorExp) and self._runs_own_code(arg) \
                    and any(self._reads_one_at_a_time(other) for other in args):
                raise self._refuse("zip of an object whose items are read one at a time and a generator expression "
                                   "calling a function of the user's (Python runs it between the items)", arg,
                                   "make the generator expression a list comprehension, taken before the loop")
        return [self._bound(arg, "arg") if self._runs_own_code(arg) else arg for arg in args]

    def _bound(self, expr, hint):
        """A Name for ``expr``, assigned to it here (as the user's assignment would be, so
        an object built there keeps its class)."""
        bound = gast.copy_location(gast.Name(id=self.namer.fresh(hint), ctx=gast.Store(), annotation=None,
                                             type_comment=None), expr)
        self.stmt_Assign(gast.copy_location(gast.Assign(targets=[bound], value=expr, type_comment=None), expr))
        return gast.copy_location(gast.Name(id=bound.id, ctx=gast.Load(), annotation=None, type_comment=None), expr)

    def _reads_one_at_a_time(self, expr):
        """Whether ``expr`` is an object whose ``__iter__`` is a generator of yields or an
        iterator class's (its items read when asked for)."""
        if not self._defines(expr, "__iter__"):
            return False
        cls = self._object_class(expr)
        form = _iterated_form(M.user_function(M.static_attribute(cls, "__iter__")))
        return form[1] if form is not None else counted_iteration(cls) is not None

    def _runs_own_code(self, expr):
        """Whether ``expr`` calls anything but a built-in function or a module's."""
        return any(isinstance(n, gast.Call) and not self._library_function(n.func) for n in S.walk_nodes(expr))

    def _may_change_objects(self, body):
        """Whether the statements ``body`` assign an attribute or call anything but a
        built-in function, a module's or the append of a list no object holds (any may
        change what a generator reads for its next item)."""
        for node in S.walk_nodes(gast.Module(body=body, type_ignores=[])):
            if isinstance(node, gast.Attribute) and isinstance(node.ctx, (gast.Store, gast.Del)):
                return True
            if isinstance(node, gast.Call) and not self._library_function(node.func) \
                    and not self._own_list_append(node) and not self._builtin_value(node.func):
                return True
        return False

    def _builtin_value(self, func):
        """Whether ``func`` names a built-in number type (``float(v)``) or exception class
        (``raise ValueError(...)`` in a try of the loop body): making one changes no object."""
        if not isinstance(func, gast.Name) or func.id in self.locals:
            return False
        found = self.source.resolve(func.id)
        return found is getattr(builtins, func.id, None) and isinstance(found, type) \
            and (found in _NUMBER_TYPES or issubclass(found, BaseException))

    def _writes_items(self, body):
        """Whether the statements ``body`` write into an item (``xs[0] = v``, ``xs += [v]``)
        of anything but a number or list of the function's own, which no object holds (an
        iterator class's next item may read it)."""
        for node in S.walk_nodes(gast.Module(body=body, type_ignores=[])):
            written = node.target if isinstance(node, gast.AugAssign) else node if isinstance(node, gast.Subscript) \
                and not isinstance(node.ctx, gast.Load) else None
            while isinstance(written, (gast.Subscript, gast.Attribute)):
                written = written.value
            if written is not None and not (isinstance(written, gast.Name) and self._own_value(written.id, True)):
                return True
        return False

    def _own_value(self, name, numbers=False):
        """Whether the local ``name`` holds a list (or, with ``numbers``, a number) of the
        function's own that no object holds (``_own_list``, in each tree it is named in)."""
        library = lambda node: self._library_function(node) or self._builtin_call(      # noqa: E731
            gast.Call(func=node, args=[], keywords=[]), {"list", "sorted"})
        trees = [t for t in [self.source.tree, *self.inlined_trees]
                 if any(isinstance(n, gast.Name) and n.id == name for n in S.walk_nodes(t))]
        return name in self.locals and bool(trees) and all(_own_list(t, name, library, numbers) for t in trees)

    def _own_list_append(self, call):
        """Whether ``call`` is ``xs.append(v)`` on a list no object holds: the list a
        comprehension builds (loops.py marks its appends), or a local name the function
        binds to new lists alone and hands to nothing but built-in and modules' functions."""
        func = call.func
        if not (isinstance(func, gast.Attribute) and func.attr == "append" and isinstance(func.value, gast.Name)):
            return False
        return anno.get(call, Key.OWN_LIST, False) or self._own_value(func.value.id)

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


def _through_items(normalizer, held, item, stmt):
    """The item and the conditions of the generator expression ``held`` (its entry of
    ``iterator_items``: ``g = (f(c) for c in v if p(c))``) over an object of an iterator
    class, whose k-th item is ``item``: ``f`` and ``p`` with ``item`` for ``c``. A target
    other than a name (``for a, b in v``) is refused."""
    target, elt, conditions = held[:3]
    if not isinstance(target, gast.Name):
        raise normalizer.source.error(
            "astgrad cannot differentiate next() of a generator expression unpacking the items of an object whose "
            "__iter__ returns the object itself; take the items into a list first (items = list(v)) and build "
            "the generator over that", stmt, construct="next() of a held generator")
    return (_substituted(elt, item, target.id),
            [_substituted(condition, item, target.id) for condition in conditions])


def _substituted(items, expr, name="self"):
    """A copy of ``items`` with ``expr`` (copied) for each read of ``name``."""
    class Substitute(gast.NodeTransformer):
        def visit_Name(self, node):
            return S.copy(expr) if node.id == name else node
    return Substitute().visit(S.copy(items))


def _own_list(tree, name, library, numbers=False):
    """Whether every binding of ``name`` in the function ``tree`` (not a parameter) makes a
    new list (``[...]``, a list comprehension, ``list(...)``, ``sorted(...)``, or ``+=``;
    with ``numbers`` also a constant or arithmetic),
    and every read of it is a method call on it or an item of it, an operand, what is
    returned or iterated, or an argument of a function ``library`` (a Name or an
    Attribute) tells is a built-in or a module's: no object can hold it."""
    if name in {a.id for a in tree.args.args + tree.args.kwonlyargs + tree.args.posonlyargs}:
        return False
    stores = 0
    for node, parent in parented(tree.body):
        if not (isinstance(node, gast.Name) and node.id == name):
            continue
        if not isinstance(node.ctx, gast.Load):
            stores += 1
            made = isinstance(parent, gast.Assign) and parent.targets == [node] and (
                isinstance(parent.value, (gast.List, gast.ListComp))
                or numbers and isinstance(parent.value, (gast.Constant, gast.BinOp, gast.UnaryOp))
                or isinstance(parent.value, gast.Call) and library(parent.value.func)
                and isinstance(parent.value.func, gast.Name) and parent.value.func.id in ("list", "sorted"))
            if not (made or isinstance(parent, gast.AugAssign)):
                return False
        elif not (isinstance(parent, (gast.Attribute, gast.Subscript)) and parent.value is node
                  or isinstance(parent, (gast.BinOp, gast.Compare, gast.Return, gast.For, gast.comprehension))
                  or isinstance(parent, gast.Call) and node in parent.args and library(parent.func)):
            return False
    return stores > 0
