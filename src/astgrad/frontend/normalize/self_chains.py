"""Methods that return the object they change, and the operators Python runs as such
methods, written as the statements they are::

    return v.scale(w).scale(2.0).norm()         v.scale(w)
                                                v.scale(2.0)
                                                return v.norm()
    loss = Model().add(a).add(b).value()        model = Model()
                                                model.add(a)
                                                model.add(b)
                                                loss = model.value()
    p = p.step(g)                               p.step(g)
    v += w              (V.__iadd__: ... return self)       v.__iadd__(w)
    v[i] = a            (V.__setitem__)                     v.__setitem__(i, a)
    u = v; ...; u.norm()                        ...; v.norm()

A method "returns self" where its body ends with ``return self`` and every return
returns ``self``, never rebound. A method returning a new object (each of its returns
builds one of one class, own_classes.py) starts a chain of its own: ``Vec(x).scaled(2.0)
.scale(w).norm()`` binds the new object to a name (``vec = Vec(x).scaled(2.0)``), then
calls ``vec.scale(w)`` on it. Calling it gives the object it was called on, so
Python's ``p = p.step(g)`` binds ``p`` to the object it held: the call alone does the
same. A chain is lifted where nothing its statement evaluates before it could see the
difference (names and constants only), so the order of evaluation is Python's. ``v +=
w`` is ``v = v.__iadd__(w)``, the same object again. An alias ``u = v`` (at the top of
the function, each name bound once) is one object under two names: ``u`` is written
``v``, so a change made through either is seen through both, as in Python. The object
then stays bound to one name, used only through its attributes and methods, and
objects.py follows each call from state to state (built_objects.state_call).

Only names whose class is known from the code are rewritten: every binding builds an
object of one class the normalizer follows (``v = Vec(x)``), or is one of the forms
above on it. Each method relied on is a dependency of the code: redefining it (or the
class's name) makes new code at the next call."""

import inspect

import gast

from ...core import methods as M
from ...core import syntax as S
from ...core.walk import walk_blocks, walk_statements
from .instances import function_tree, own_returns, parents_of
from .objects import changed_in_place

_IN_PLACE = {gast.Add: "__iadd__", gast.Sub: "__isub__", gast.Mult: "__imul__", gast.Div: "__itruediv__",
             gast.FloorDiv: "__ifloordiv__", gast.Mod: "__imod__", gast.Pow: "__ipow__",
             gast.MatMult: "__imatmul__"}


def rewrite_self_chains(normalizer, tree, nodes):
    """Rewrite ``tree``'s own statements as the module docstring says; whether any was.
    ``nodes``: every node of ``tree`` (``syntax.walk_nodes``), as the normalizer found them."""
    chains = _SelfChains(normalizer, tree, nodes)
    if not chains.classes and not any(isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute)
                                      and isinstance(n.func.value, gast.Call) for n in nodes):
        return False        # no object of a known class, no chain on a call
    for block in walk_blocks(tree.body):
        position = 0
        while position < len(block):
            made = chains.statement(block[position])
            if made is not None:
                block[position:position + 1] = made
                position += len(made) - 1
            position += 1
    changed = chains.changed | _drop_aliases(tree, chains.classes)
    if changed:
        normalizer.locals.update(chains.fresh)
    chains.refuse_left(tree)
    return changed


def returns_self(cls, attr):
    """The method ``cls.<attr>`` where it returns the object it is called on (see the
    module docstring); else None."""
    fn = M.static_attribute(cls, attr)
    tree = function_tree(fn) if inspect.isfunction(fn) else None
    params = tree.args.posonlyargs + tree.args.args if tree is not None else []
    if not params or not tree.body or not isinstance(tree.body[-1], gast.Return):
        return None
    me = params[0].id
    if me in S.stored_names(tree) or any(isinstance(n, (gast.Yield, gast.YieldFrom, gast.Await))
                                         for n in S.walk_nodes(tree)):
        return None
    returns = own_returns(tree)
    if not returns or not all(isinstance(r.value, gast.Name) and r.value.id == me for r in returns):
        return None
    return fn


class _SelfChains:
    """The names of known class in one function, and the rewrite of its statements."""

    def __init__(self, normalizer, tree, nodes):
        self.normalizer = normalizer
        self.changed = False
        self.fresh = set()
        self.methods = {}       # (class, name) -> the method, where it returns self
        self.classes = _known_classes(self, tree, nodes)

    # -- what the code builds ----------------------------------------------------

    def built(self, node):
        """The class ``node`` (a call) builds an object of, one the normalizer follows
        with attributes written; else None."""
        if not isinstance(node, gast.Call):
            return None
        normalizer = self.normalizer
        cls = normalizer.built_class_of(node)
        if cls is None:
            cls = normalizer.record_class_of(node)
            if cls is not None and M.static_attribute(cls, "__setattr__") is not object.__setattr__:
                return None         # a frozen dataclass
        path = S.dotted_path(node.func)
        if cls is not None and path is not None and path[0] not in normalizer.locals:
            normalizer.source.resolve_path(path)        # the rewrite depends on what the name means
        return cls

    def method(self, cls, attr):
        """``cls.<attr>`` where it returns self, a dependency of the code; else None.
        An attribute of that name stored on an object would hide it: not followed."""
        if (cls, attr) in self.methods:
            return self.methods[cls, attr]
        fn = returns_self(cls, attr)
        if inspect.isfunction(M.static_attribute(cls, attr)):      # what it returns decides the rewrite
            self.normalizer.source.dependencies.append(((M.CLASS_ROOT, attr), (cls, M.current(cls, attr))))
        if fn is not None and (not _changes_self(fn) or _may_be_hidden(cls, attr, self.normalizer.source.tree)):
            fn = None
        self.methods[cls, attr] = fn
        return fn

    def class_of(self, node):
        """The class of the object ``node`` (a name, a call building one, or a chain of
        methods returning self on one) gives; else None."""
        if isinstance(node, gast.Name):
            return self.classes.get(node.id)
        if not isinstance(node, gast.Call):
            return None
        cls = self.built(node)
        if cls is not None:
            return cls
        func = node.func
        cls = self.class_of(func.value) if isinstance(func, gast.Attribute) else None
        if cls is None:
            return None
        return cls if self.method(cls, func.attr) is not None else self.new_object_class(cls, func.attr)

    def new_object_class(self, cls, attr):
        """The class of the new object ``cls.<attr>`` returns, where each of its returns
        builds one (``return Vec(...)``, ``return type(self)(...)``), a dependency of the
        code; else None."""
        fn = M.static_attribute(cls, attr)
        if not inspect.isfunction(fn) or _may_be_hidden(cls, attr, self.normalizer.source.tree):
            return None
        self.normalizer.source.dependencies.append(((M.CLASS_ROOT, attr), (cls, M.current(cls, attr))))
        return self.normalizer._returned_class(fn, None, cls)

    def new_object(self, node):
        """Whether ``node`` gives a new object of a known class: a call building one
        (``Model()``) or of a method returning one (``Vec(x).scaled(2.0)``)."""
        if not isinstance(node, gast.Call):
            return False
        func = node.func
        return self.built(node) is not None or isinstance(func, gast.Attribute) \
            and self.class_of(func.value) is not None and self.method(self.class_of(func.value), func.attr) is None \
            and self.class_of(node) is not None

    # -- the rewrite -------------------------------------------------------------

    def statement(self, stmt):
        """The statements ``stmt`` becomes, or None where it stays as it is."""
        before, given = [], stmt
        if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name):
            cls = self.classes.get(stmt.target.id)
            attr = _IN_PLACE.get(type(stmt.op))
            if cls is not None and attr is not None and self.method(cls, attr) is not None:
                stmt = _located(S.expr_stmt(_method_call(stmt.target.id, attr, [stmt.value])), stmt)
        elif isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Subscript):
            self.refuse_augmented_item(stmt)
        elif isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Subscript):
            stmt = self.item_write(stmt, before)
        if isinstance(stmt, (gast.If, gast.For)):       # evaluated once, before the block runs
            field = "test" if isinstance(stmt, gast.If) else "iter"
            setattr(stmt, field, self.lift(getattr(stmt, field), before)[0])
        elif isinstance(stmt, (gast.Expr, gast.Assign, gast.Return)) and stmt.value is not None:
            holder = stmt.targets[0].id if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], gast.Name) else None
            stmt.value, _ = self.lift(stmt.value, before, holder)
        if not before and stmt is given:
            return None
        self.changed = True
        dropped = _self_assignment(stmt) or isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Name)
        return [_located(s, stmt) for s in before] + ([] if dropped else [stmt])

    def refuse_augmented_item(self, stmt):
        """``v[i] += a`` on an object whose class defines ``__setitem__``: Python reads
        the item, adds in place where the item's class can, and stores it back."""
        owner = stmt.target.value
        cls = self.class_of(owner) if isinstance(owner, gast.Name) else None
        if cls is not None and inspect.isfunction(M.static_attribute(cls, "__setitem__")):
            name = owner.id
            raise self.normalizer.source.error(
                f"astgrad cannot differentiate augmented assignment to an item of {name}, a {cls.__name__} whose "
                f"__setitem__ it follows; write {name}[i] = (the new value), reading the old item through a method "
                "or attribute of the object, or call a method of the object that stores the new value", stmt,
                construct="op= on an item")

    def item_write(self, stmt, before):
        """``v[i] = a`` on an object whose class defines ``__setitem__``: the call
        ``v.__setitem__(i, a)``, ``a`` evaluated first, as Python does."""
        target = stmt.targets[0]
        cls = self.class_of(target.value) if isinstance(target.value, gast.Name) else None
        if cls is None or not inspect.isfunction(M.static_attribute(cls, "__setitem__")):
            return stmt
        self.normalizer.source.dependencies.append(
            ((M.CLASS_ROOT, "__setitem__"), (cls, M.current(cls, "__setitem__"))))
        index, value = target.slice, stmt.value
        if isinstance(index, gast.Slice) or isinstance(index, gast.Tuple) and any(
                isinstance(e, gast.Slice) for e in index.elts):
            raise self.normalizer.source.error(
                f"astgrad cannot differentiate a slice assignment on a {cls.__name__}, whose __setitem__ it "
                "follows for one index at a time; write the items one by one (v[i] = a), or call a method "
                "of the object that stores the new values", stmt, construct="__setitem__ with a slice")
        if not _trivial(value) and not _trivial(index):
            name = self.fresh_name("item")
            before.append(_located(S.assign(name, value), stmt))
            value = S.name(name)
        self.changed = True
        return _located(S.expr_stmt(_method_call(target.value.id, "__setitem__", [index, value])), stmt)

    def lift(self, node, before, holder=None):
        """(``node`` with each call of a method returning self that is evaluated first in
        its statement made a statement of its own in ``before``, whether what is left
        of ``node`` is a name or constant, evaluated with no effect). ``holder``: the
        name the statement binds, which may hold an object built at the head of a chain."""
        if isinstance(node, (gast.Name, gast.Constant)):
            return node, True
        if isinstance(node, gast.Call):
            return self.lift_call(node, before, holder)
        if isinstance(node, (gast.Tuple, gast.List)):
            clean = self.lift_all(node.elts, before)
            return node, clean
        if isinstance(node, gast.Compare):
            node.left, clean = self.lift(node.left, before)
            if clean:
                self.lift_all(node.comparators[:1], before)     # the others only if the first holds
            return node, False
        if isinstance(node, gast.BoolOp):
            node.values[0], _ = self.lift(node.values[0], before)     # the others only if it decides nothing
            return node, False
        parts = {gast.BinOp: ("left", "right"), gast.UnaryOp: ("operand",), gast.Subscript: ("value", "slice"),
                 gast.Attribute: ("value",)}.get(type(node), ())
        for part in parts:
            value, clean = self.lift(getattr(node, part), before)
            setattr(node, part, value)
            if not clean:
                break
        return node, False

    def lift_all(self, nodes, before):
        """Lift each of ``nodes`` in turn while what is left of them has no effect."""
        for index, item in enumerate(nodes):
            if isinstance(item, gast.Starred):
                return False
            nodes[index], clean = self.lift(item, before)
            if not clean:
                return False
        return True

    def lift_call(self, node, before, holder):
        func = node.func
        receiver = func.value if isinstance(func, gast.Attribute) else None
        if receiver is None or isinstance(receiver, gast.Name) and receiver.id not in self.classes:
            clean = receiver is not None or S.dotted_path(func) is not None
            if clean and self.lift_all(node.args, before):
                self.lift_all([kw.value for kw in node.keywords], before)
            return node, False
        cls = self.class_of(receiver)
        if cls is None or self.method(cls, func.attr) is None:
            func.value, clean = self.lift(receiver, before)
            if clean and self.lift_all(node.args, before):
                self.lift_all([kw.value for kw in node.keywords], before)
            return node, False
        if self.new_object(receiver):       # Model().add(a), Vec(x).scaled(2.0).scale(w)
            if self.built(receiver) is not None:
                self.lift_all(receiver.args, before)
            else:
                self.lift(receiver, before)     # what it is called on first: v.scale(w).scaled(2.0)
            name = holder if holder is not None and holder in self.classes and holder not in S.names_in(node) \
                else self.fresh_name(cls.__name__.lower())
            before.append(S.assign(name, receiver))
            receiver = S.name(name)
        else:
            receiver, _ = self.lift(receiver, before, holder)
            if not isinstance(receiver, gast.Name):
                return node, False
        self.lift_all(node.args, before)
        self.lift_all([kw.value for kw in node.keywords], before)
        before.append(S.expr_stmt(gast.Call(func=gast.Attribute(value=receiver, attr=func.attr, ctx=gast.Load()),
                                            args=node.args, keywords=node.keywords)))
        return S.name(receiver.id), True

    def refuse_left(self, tree):
        """Refuse a call of a method returning self left where its value is used (a
        ``while`` test, a lambda, after a call in its statement): that object changes
        where astgrad would not see it."""
        parents = parents_of(tree)
        for node in S.walk_nodes(tree):
            if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)) \
                    or isinstance(parents.get(id(node)), gast.Expr):
                continue
            cls = self.class_of(node.func.value)
            if cls is not None and self.method(cls, node.func.attr) is not None:
                at = node
                while not isinstance(at, gast.stmt) and id(at) in parents:
                    at = parents[id(at)]        # the line quoted: its statement's
                raise self.normalizer.source.error(
                    f"astgrad cannot differentiate this call of {cls.__name__}.{node.func.attr}, which changes the "
                    "object and returns it (return self), where its value is used: astgrad follows such a call as "
                    "a statement of its own, or first in an assignment, return or expression statement "
                    "(v.scale(w).norm(), p = p.step(g), m = Model().add(a)); call it on a line of its own first "
                    f"(v.{node.func.attr}(...)), then use the object", at, construct=f".{node.func.attr}()")

    def fresh_name(self, hint):
        name = self.normalizer.namer.fresh(hint)
        self.fresh.add(name)
        return name


def _known_classes(chains, tree, nodes):
    """{name: class} for the names of ``tree``'s scope each of whose bindings gives an
    object of that class: built there, or the forms of the module docstring on it
    (``nodes``: every node of ``tree``)."""
    bindings, deleted = {}, set()
    for stmt in walk_statements(tree.body):
        targets = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target] \
            if isinstance(stmt, gast.AugAssign) else []
        for node in (n for target in targets for n in S.name_nodes(target)):   # each name, once per binding
            if isinstance(node.ctx, gast.Store):
                bindings.setdefault(node.id, []).append(stmt)
        if isinstance(stmt, gast.Delete):
            deleted.update(n.id for n in S.walk_nodes(stmt) if isinstance(n, gast.Name))
    args = tree.args
    params = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg] if a}
    declaring = (gast.Global, gast.Nonlocal)       # (class tests: gast's node classes have no subclasses)
    outer = {n for s in nodes if s.__class__ in declaring for n in s.names}
    counts = chains.normalizer.bound_count
    kept = params | outer | deleted
    candidates = {name: stmts for name, stmts in bindings.items()
                  if name not in kept and len(stmts) == counts.get(name, 0)
                  and any(isinstance(s, gast.Assign) and isinstance(s.value, (gast.Call, gast.Name)) for s in stmts)}
    classes = chains.classes = {}
    for _ in range(3):          # a name whose class comes from another's: u = v, q = p.step(g)
        for name, stmts in candidates.items():
            if name in classes:
                continue
            own = [s for s in stmts if _on_itself(name, s)]
            found = {_binding_class(chains, s) for s in stmts if s not in own}
            cls = found.pop() if len(found) == 1 else None
            if cls is not None and all(_keeps_class(chains, cls, s) for s in own):
                classes[name] = cls
    return classes


def _on_itself(name, stmt):
    """Whether ``stmt`` binds ``name`` to a value computed from the object it holds:
    ``p = p.step(g)`` (a chain of calls on ``p``), ``p += q``."""
    if isinstance(stmt, gast.AugAssign):
        return True
    value = stmt.value
    while isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute):
        value = value.func.value
    return isinstance(value, gast.Name) and value.id == name and value is not stmt.value


def _binding_class(chains, stmt):
    """The class of what ``stmt`` (an assignment) binds its one name to; else None."""
    if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], gast.Name):
        return None
    return chains.class_of(stmt.value)


def _keeps_class(chains, cls, stmt):
    """Whether ``stmt`` (``p = p.a(x).b(y)`` or ``p op= e``) binds the name to the object
    it held, of class ``cls``: every method it calls returns self."""
    if isinstance(stmt, gast.AugAssign):
        attr = _IN_PLACE.get(type(stmt.op))
        return attr is not None and chains.method(cls, attr) is not None
    if len(stmt.targets) != 1:
        return False
    node = stmt.value
    while isinstance(node, gast.Call):
        if chains.method(cls, node.func.attr) is None:
            return False
        node = node.func.value
    return True


def _drop_aliases(tree, classes):
    """``u = v`` at the top of ``tree``'s body, both names of a known class and bound
    once, ``v`` before it and ``u`` named only after it: ``u`` written ``v``."""
    found = False
    for position, stmt in enumerate(list(tree.body)):
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
                and isinstance(stmt.value, gast.Name) and stmt.value.id in classes):
            continue
        alias, name = stmt.targets[0].id, stmt.value.id
        if alias not in classes or alias == name or any(
                isinstance(n, (gast.FunctionDef, gast.Lambda, gast.ClassDef)) and alias in S.names_in(n)
                for n in S.walk_nodes(tree) if n is not tree):
            continue        # (a nested function's own parameter may have the name)
        index = tree.body.index(stmt)
        earlier = [n for s in tree.body[:index] for n in S.walk_nodes(s)]
        if alias in {n.id for n in earlier if isinstance(n, gast.Name)} or _stores(tree, alias) != 1 \
                or _stores(tree, name) != 1 or name not in {n.id for n in earlier if isinstance(n, gast.Name)
                                                            and isinstance(n.ctx, gast.Store)}:
            continue
        del tree.body[index]
        for later in tree.body[index:]:
            for node in S.walk_nodes(later):
                if isinstance(node, gast.Name) and node.id == alias:
                    node.id = name
        found = True
    return found


def _stores(tree, name):
    return sum(1 for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and n.id == name
               and isinstance(n.ctx, (gast.Store, gast.Del)))


def _may_be_hidden(cls, attr, tree):
    """Whether an attribute ``attr`` stored on the object (by the function ``tree`` or
    a method of ``cls``) may hide the method; Python looks an operator's method up on
    the class alone."""
    if any(isinstance(n, gast.Attribute) and isinstance(n.ctx, gast.Store) and n.attr == attr
           for n in S.walk_nodes(tree)):
        return True
    return not attr.startswith("__") and any(attr in _self_stores(f) for k in cls.__mro__[:-1]
                                             for f in vars(k).values() if inspect.isfunction(f))


def _self_stores(fn):
    """The attributes ``fn`` stores on its first parameter."""
    tree = function_tree(fn)
    params = tree.args.posonlyargs + tree.args.args if tree is not None else []
    if not params:
        return frozenset()
    me = params[0].id
    return frozenset(n.attr for n in S.walk_nodes(tree) if isinstance(n, gast.Attribute)
                     and isinstance(n.ctx, gast.Store) and isinstance(n.value, gast.Name) and n.value.id == me)


def _changes_self(fn):
    """Whether ``fn`` stores attributes of its first parameter or changes what they
    hold (a method that only returns self is no state of the object to follow)."""
    tree = function_tree(fn)
    return bool(_self_stores(fn) or changed_in_place(tree)
                or any(isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Attribute)
                       for n in S.walk_nodes(tree)))


def _method_call(name, attr, args):
    return gast.Call(func=gast.Attribute(value=S.name(name), attr=attr, ctx=gast.Load()), args=args, keywords=[])


def _trivial(node):
    return isinstance(node, (gast.Name, gast.Constant))


def _self_assignment(stmt):
    return isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
        and isinstance(stmt.value, gast.Name) and stmt.value.id == stmt.targets[0].id


def _located(node, at):
    for inner in S.walk_nodes(node):
        if getattr(inner, "lineno", None) is None and hasattr(at, "lineno"):
            gast.copy_location(inner, at)
    return node

