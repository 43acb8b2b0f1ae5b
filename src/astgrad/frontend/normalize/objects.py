"""Calls on objects whose layout the function was made for (frontend/object_layouts.py):
``layer.apply(x)``, ``layer(x)``, ``self.layer.apply(x)``, ``for layer in layers: x =
layer(x)``. Each becomes a call of the method that runs for the object's class, with
the object (read when the code runs) as ``self``, as ``self.forward(x)`` does in a
method (methods.py); the method is specialized for the object's layout in turn, so the
objects its own attributes hold are followed too.

A name stands for a layout only where nothing rebinds it: a parameter the function was
made for, the receiver of a method specialized with one, and a loop target bound only
by a loop over a list or tuple whose items all have one layout. An attribute stands for
one only if no attribute of that name is assigned in the function, but where each write
of it is ``p.attr = v`` at the top level on an object ``p`` the function built: the
layout ``p`` stands for follows each (held_functions.py's ``follow_attribute``). An item
of such a list that is a function (``[Linear(W), np.tanh]``) is called as itself. A method that
assigns attributes itself (``self.count += 1``) is not followed: the call is left as it
was (run for its effect, or refused where a derivative flows through it)."""

import inspect
import types
import weakref

import gast
import numpy

from ...core.first_use import imported_when_called
from ...core import methods as M
from ...core import syntax as S
from .. import object_layouts as L
from ...library_code import users_code
from ..array_named_reads import array_named_reads
from .fresh_rebinds import rebound_first
from .held_objects import ATTRIBUTE_READ, OPERAND, uses_held
from .instances import augments_self, function_tree
from .jumps import jumps_out
from .rebound_held_objects import refuse_rebound_held
from .scopes import parameters

# modules only some functions need, loaded with the first call of these (core/first_use.py)
record_layout = imported_when_called(__package__ + ".object_attributes", "record_layout")
refuse_turn_before_change = imported_when_called(__package__ + ".turn_before_objects", "refuse_turn_before_change")
turn_before_layout = imported_when_called(__package__ + ".turn_before_objects", "turn_before_layout")
turn_before_reader_layout = imported_when_called(__package__ + ".turn_before_objects", "turn_before_reader_layout")
shared_list_advice = imported_when_called(__package__ + ".unpacked_advice", "shared_list_advice")
refuse_read_before_change = imported_when_called(__package__ + ".reads_before_changes", "refuse_read_before_change")

# what a property is read on: a name, a new object, and an object another one holds
# (self.inner.scaled, self.items[0].scaled), whose getter may change it as any getter may
_HELD = (gast.Name, gast.Call, gast.Attribute, gast.Subscript)
_LIST_CHANGES = frozenset({"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse"})

_assigns = weakref.WeakKeyDictionary()      # function -> the attributes its body assigns


class ObjectLowering:
    """Normalizer methods following calls on objects of a known layout."""

    def object_call(self, node):
        """``node`` (a Call) as a call of the method that runs, or None."""
        func = node.func
        if isinstance(func, gast.Attribute) and isinstance(func.value, gast.IfExp) and node is self.effect_call:
            return chosen_receiver_call(self, node)
        found = self.held_attribute_call(func, node) if isinstance(func, gast.Attribute) else None
        if found is not None:       # layer.act(x), act a function the layout holds: own_methods.py
            return found
        if isinstance(func, gast.Name) and L.held_function(self.layout(func)) is not None:
            return self.held_function_call(L.held_function(self.layout(func)), node)   # an item [Linear(W), np.tanh]
        called = _called_method(self, func)
        if called is None:
            return None
        receiver, attr = called
        owner = self.called_object_layout(receiver, attr, node)
        if owner is None:
            refuse_rebound_held(self, receiver, attr, node)
        if owner is None or owner[0] != L.OBJECT:
            return None
        resolved = _followed_method(self, owner, attr, node)
        return None if resolved is None else _method_call(self, receiver, owner, attr, resolved, node)

    effect_call = None          # the call a statement makes for its effect (statements.py stmt_Expr)

    def called_object_layout(self, receiver, attr, node):
        """The layout of the object a method is called on: the one its name is bound to,
        else the turn before's object in a loop (turn_before_objects.py); None, or refused,
        where neither is known."""
        owner = self.layout(receiver)
        if owner is None:       # a.bump(c), r = a.bumped(c) before the turn binds a
            owner = turn_before_layout(self, receiver, node, _assigned_attributes)
            if owner is None and node is self.effect_call:
                refuse_turn_before_change(self, receiver, node, _assigned_attributes)
        if owner is None:       # s = s + a.total() before the turn binds a
            owner = turn_before_reader_layout(self, receiver, attr, node, _assigned_attributes)
        if owner is None:
            self.refuse_unlaid_item_call(receiver, attr, node)      # argument_objects.py
        return owner

    def refuse_unfollowed_state(self, receiver, cls, attr, assigned, node):
        """``o.inner.step(x)``, ``vs[0].step(x)``, ``m.step(x)`` on an object given as an
        argument, for its effect: a method assigning attributes of ``self`` (not only
        number counters) called on an object astgrad does not follow from state to state
        (not bound to a name once, to an object built here). Run as it is, it would
        change the object unseen by the derivative, which reads the object's attributes as
        values. None where the method assigns number counters alone, or where the call's
        value is used (which has no rule: the modes refuse it)."""
        if node is not self.effect_call:
            return None         # r = vs[0].scale(w): its value has no rule, refused by the modes
        changed = sorted(set(assigned) & stored_on_self(M.static_attribute(cls, attr)) - self._counters(cls))
        if not changed:
            return None
        argument = _argument_root(self.source.tree, node.func.value)
        if argument is not None:        # its new state would have to be written back into the caller's object
            raise self._refuse(
                f"the method call .{attr}() of a {cls.__name__}, which assigns self.{changed[0]}, on an object "
                f"the argument {argument} gives (or holds): Python changes the caller's object there, whose states "
                "astgrad does not write back into it", node,
                f"build the object in the function from the argument's values (b = {cls.__name__}(...); "
                f"b.{attr}(...)) and return what the caller needs, or have the method return a new object"
                + _held_object_advice(node.func.value, attr, changed[0]))
        raise self._refuse(f"the method call .{attr}() of a {cls.__name__}, which assigns self.{changed[0]}, on an "
                           "object astgrad does not follow from state to state (an argument, an item, an attribute, "
                           "or a name bound more than once or read otherwise than as name.attr)", node,
                           "call it on a name bound once to an object the function builds (v = "
                           f"{cls.__name__}(...); v.{attr}(...)), or have the method return a new object"
                           + _ITEM_ADVICE.format(attr=attr) * isinstance(node.func.value, gast.Subscript)
                           + _unpacked_advice(self, node.func.value, attr))

    def holds_containers(self, receiver, cls, attrs):
        """Whether ``receiver`` names an object this function built whose attributes
        ``attrs`` each hold a container nothing else refers to (self_containers.py): a
        method may then change them in place, written into copies."""
        return all(self.held_container_kinds(receiver, cls, attr) is not None for attr in attrs)

    def held_kinds(self, receiver, cls, attrs):
        """(attribute, kind) for the attributes among ``attrs`` that hold, on ``receiver``,
        only ever one kind of container nothing else refers to: "dict", "list" or a dict
        of lists (a method's ``self.m.pop(k)`` then stores a new dict, ``self.items.clear()``
        a new list, ``self.m[k].extend(vs)`` a new list in a new dict)."""
        kinds = {a: self.held_container_kinds(receiver, cls, a) for a in attrs}
        return frozenset((a, next(iter(kind))) for a, kind in kinds.items()
                         if kind is not None and len(kind) == 1 and not kind <= {"other"})

    def held_container_kinds(self, receiver, cls, attr):
        """The kinds of container ``receiver.attr`` holds ({"list", "dict", "other"}, see
        self_containers.container_kinds) where it holds one nothing else refers to on an
        object this function built; else None."""
        if not isinstance(receiver, gast.Name) or self.inlining:
            return None
        known = self.__dict__.setdefault("_held_containers", {})
        if (receiver.id, attr) not in known:
            from .self_containers import container_kinds    # (loaded with the first such object)
            known[receiver.id, attr] = container_kinds(cls, attr, (self.source.tree, receiver.id, self.resolve_call)) \
                if self.owns_object(receiver.id, attr) else None
        return known[receiver.id, attr]

    def refuse_shared_state(self, receiver, cls, attr, changed, node):
        """Refuse the call ``receiver.attr(...)`` followed as a new state of the object
        (built_objects.state_call) where its method changes in place (the attributes
        ``changed``, or ``self.a += v``) a container another name may hold, or in a try
        body where the method may raise after it changed the object."""
        method = function_tree(M.static_attribute(cls, attr))
        dropped = id(node) in self.__dict__.get("dropped_returns", ())    # its value unread: returned_rebinds.py
        shared = sorted(a for a in changed if not self.holds_containers(receiver, cls, [a])
                        and not (method is not None and rebound_first(method, a, dropped)))    # fresh_rebinds.py
        if shared:
            a = f"self.{shared[0]}"
            raise self._refuse(f"a call of {cls.__name__}.{attr}, which changes {a} in place, on an object this "
                               f"code follows from state to state, where another name may hold what {a} holds", node,
                               f"build a new value instead ({a} = {a} + [v]), or store only a new list, dict or "
                               f"array in {a} and hand no other name what it holds (an array rebound first in "
                               f"{cls.__name__}.{attr}, {a} = {a} * 1.0 before any other use of it, and only "
                               "written by element or read in arithmetic after, is followed, and so is one "
                               "returning it where the call's value is bound to a name of its own)")
        given = _stored_into_given(M.static_attribute(cls, attr))
        if given is not None:       # the twin returns the new self alone: the other object's store runs unseen
            raise self._refuse(f"a call of {cls.__name__}.{attr}, which assigns {given} (an attribute of an object it "
                               "is given, not of self), on an object this code follows from state to state", node,
                               f"have {cls.__name__}.{attr} return the new value and assign it in the function "
                               f"({given} = ...), or call a method of that "
                               "object on it there")
        augmented = augments_self(M.static_attribute(cls, attr), self._counters(cls))
        if augmented and not self.holds_containers(receiver, cls, sorted(augmented)):
            raise self._refuse(f"augmented assignment to an attribute of self in {cls.__name__}.{attr}, called on "
                               "an object this code follows from state to state", node,
                               "write self.a = self.a + v there")
        self.refuse_caught_change(f"a call of {cls.__name__}.{attr}", "the object it is called on",  # trying.py
                                  function_tree(M.static_attribute(cls, attr)), None, node)

    def object_property_read(self, node):
        """``layer.scaled`` (a property) on an object of a known layout: its getter called
        with the object, as ``self.scaled`` is in a method; also on an object a call builds
        (``Model.scaled(A, w).norm``) or another object holds (``self.inner.scaled``: a
        getter changing it in place is then refused, as on a name); else None."""
        owner = self.layout(node.value) if isinstance(node.value, _HELD) else None
        if owner is None and isinstance(node.value, gast.Name):
            owner = self._held_alias_layout(node.value.id)      # i = self.inner; i.scaled
        if owner is None or owner[0] != L.OBJECT or node.attr in owner[3] \
                or not isinstance(M.static_attribute(owner[1], node.attr), property):
            return None
        cls = owner[1]
        resolved = M.resolve(M.INSTANCE, cls, node.attr, layout=owner, called=f"{cls.__name__}_{node.attr}")
        if resolved is None or not resolved.is_call:
            return None
        self.source.dependencies.append(((M.CLASS_ROOT, node.attr), (cls, M.current(cls, node.attr))))
        receiver = S.name(node.value.id) if isinstance(node.value, gast.Name) else self.atom(node.value)
        return self.function_call(resolved.function, [receiver], gast.Call(func=node, args=[], keywords=[]))

    def _held_alias_layout(self, name):
        """The layout of the object ``name`` holds where it is bound once, to an object
        another one holds (``i = self.inner``, ``i = self.items[0]``); else None."""
        if self.bound_count.get(name) != 1:
            return None
        values = self._assigned_values().get(name, ())
        if len(values) != 1 or not isinstance(values[0], (gast.Attribute, gast.Subscript)):
            return None
        return self.layout(values[0])

    def _assigned_values(self):
        """{name: the values of the assignments ``=`` to it} in the function's tree, found
        in one walk (and again after a rewrite binds names anew: bound_count)."""
        found = self.__dict__.get("_assigned_values_found")
        if found is None or found[0] is not self.bound_count:
            values = {}
            for n in S.walk_nodes(self.source.tree):
                if isinstance(n, gast.Assign):
                    for name in {t.id for t in n.targets if isinstance(t, gast.Name)}:
                        values.setdefault(name, []).append(n.value)
            found = self._assigned_values_found = (self.bound_count, values)
        return found[1]

    def own_name(self, tree):
        """The name of the function normalized: a method followed on an object of a known
        class goes by its class and name (``Dense_call``), as its derivatives do."""
        fn = self.source.fn
        called = getattr(fn, "__name__", tree.name)
        return called if M.receiver_of(fn) is not None and called.isidentifier() else tree.name

    def objects_given(self, callee, node):
        """{parameter: Layout} for the arguments of a call of the module-level function
        ``callee`` that are objects of a known layout and that ``callee`` calls through
        (``helper(layer, x)`` calling ``layer.apply(x)``): the call is then a call of
        ``callee`` made for those layouts, as the function itself was."""
        called = L.called_parameters(callee) | set(array_named_reads(callee))      # helper(t) reading t.size
        if not called or any(isinstance(a, gast.Starred) for a in node.args) \
                or any(kw.arg is None for kw in node.keywords):
            return {}
        try:
            bound = inspect.signature(callee).bind(*node.args, **{kw.arg: kw.value for kw in node.keywords})
        except (TypeError, ValueError):
            return {}
        given = {}
        # a method's own receiver (model.loss(x) of a global model) is followed as the
        # receiver it is specialized for (methods.py), not as an object handed in
        receiver = next(iter(bound.signature.parameters), None) if M.receiver_of(callee) is not None else None
        for param, expr in bound.arguments.items():
            if param not in called or not isinstance(expr, gast.AST):
                continue
            tree = self.layout(expr) or (self.global_object_layout(expr) if param != receiver else None) \
                or record_layout(self, expr)       # a record a helper gave (t = make(x)): object_attributes.py
            if tree is not None:
                given[param] = L.Layout(tree)
            elif not M.defined_in_class(callee) and (param in L.compared_parameters(callee) and self.may_be_unknown_object(
                    expr) or users_code(callee) and self.may_be_operand_object(expr)):     # unknown_*.py
                given[param] = L.Holding()
        return given

    def unroll_object_loop(self, stmt):
        """``for layer in layers`` over a list or tuple of objects of different classes
        (its length is part of the layout): one copy of the body per item, ``layer`` bound
        to that item, read when the code runs, and standing for its layout. False for any
        other loop."""
        target = stmt.target
        if zipped_objects(self, stmt):
            return False
        tree = self.layout(stmt.iter)
        if not isinstance(target, gast.Name) or tree is None or tree[0] != L.ITEMS \
                or self.bound_count.get(target.id) != 1:
            return False
        if L.item(tree) is not None:        # one layout for every item: the loop as it is
            self.named_layouts()[target.id] = L.item(tree)
            return False
        if jumps_out(stmt.body):
            return False
        items = self.atom(stmt.iter, hint="items")
        for index, entry in enumerate(tree[2]):
            read = gast.Subscript(value=S.copy(items), slice=S.const(index), ctx=gast.Load())
            self.statement(gast.Assign(targets=[S.name(target.id, store=True)], value=read, type_comment=None))
            self.named_layouts()[target.id] = entry
            for inner in stmt.body:
                self.line = getattr(inner, "lineno", self.line)
                self.statement(S.copy(inner))
        self.named_layouts().pop(target.id, None)      # (not set where the list is empty: no step)
        for inner in stmt.orelse:
            self.line = getattr(inner, "lineno", self.line)
            self.statement(inner)
        return True

    def layout(self, node):
        """The layout of the object ``node`` reads, where the function was made for it."""
        if isinstance(node, gast.Name):
            found, name, kind = self.named_layouts().get(node.id), node.id, 0
            found = found if found is not None else self.global_items_layout(node)
        elif isinstance(node, gast.Attribute):
            owner = self.layout(node.value)
            if node.attr in self.assigned_attributes():
                return None
            if owner is None:       # for layer in NET.layers, NET a global object
                found, name, kind = self.global_items_layout(node), node.attr, 1
            elif owner[0] == L.FUNCTION:    # h.f.__self__, h.f another object's method: that object's
                held = L.others_method(owner)
                return held[1] if held is not None and node.attr == "__self__" else None
            elif isinstance(M.static_attribute(owner[1], node.attr), property):
                return None
            else:
                found, name, kind = L.attribute(owner, node.attr), node.attr, 1
        elif isinstance(node, gast.Call):
            return self.static_layout(node, L._DEPTH)        # Quad(A).value(x): built_objects.py
        elif isinstance(node, (gast.BinOp, gast.UnaryOp)):
            return self.operator_layout(node)               # (v + w).norm(): operator_methods.py
        elif isinstance(node, gast.Subscript):
            return self.item_layout(node)                   # self.layers[-1]: method_values.py
        else:
            return None
        if found is None:
            return None
        if found[0] == L.ITEMS and name in self.changed_lists()[kind]:
            return None
        # an attribute the function assigns may hold another object or function by the
        # time the object is used (layer.act = np.sin): what it holds is not known, but
        # where each write is followed (built_objects.follow_attribute)
        followed = self.followed_attributes(name) if kind == 0 else frozenset()
        return L.without_attributes(found, self.assigned_attributes() - followed)

    def changed_lists(self):
        """(names, attribute names) of lists the function, or a helper inlined in it (its
        parameter ``boxes`` in ``boxes[0] = Other(...)``), may change in place (an item
        assigned, a list method that changes it called, handed to a helper that changes
        it): their items are not known."""
        trees = [self.source.tree, *self.inlined_trees]
        found = self.__dict__.get("_changed_lists")
        if found is None or found[2] != len(trees):
            found = self._changed_lists = _changed_lists(self, trees) + (len(trees),)
        return found

    def named_layouts(self):
        """{name: layout} for the names that stand for one (see the module docstring)."""
        found = self.__dict__.get("_named_layouts")
        if found is not None:
            return found
        found = self._named_layouts = {}
        given = getattr(self.source.fn, "__astgrad_layouts__", None) or {}
        if given:
            stores = _store_counts(self.source.tree)
            found.update((name, tree) for name, tree in given.items() if not stores.get(name))
            rebound = {name: self.rebound_layout(name, None, tree) for name, tree in given.items() if stores.get(name)}
            found.update((name, tree) for name, tree in rebound.items() if tree is not None)   # p = p - lr * g
        receiver = self.receiver()
        own = M.receiver_layout(self.source.fn)
        if receiver is not None and receiver[1] == M.INSTANCE and own is not None:
            found[receiver[0]] = own
        return found        # (loop targets are added by unroll_object_loop, inlined parameters by inherit_layout)

    def inherit_layout(self, name, value):
        """``name``, an inlined helper's parameter bound once, to ``value``: it stands for
        the layout of ``value``."""
        tree = self.layout(value) if self.bound_count.get(name, 0) <= 1 else None
        self.note_inlined_parameter(name, value)        # unknown_objects.py
        self.note_plain_binding(name, value)            # proven_plain.py
        if tree is not None:
            self.named_layouts()[name] = tree
            if isinstance(value, gast.Name) and value.id in self.constructions():     # held_generators.py
                self.constructions()[name] = self.constructions()[value.id]

    def assigned_attributes(self):
        found = self.__dict__.get("_assigned_attributes")
        if found is None:
            found = self._assigned_attributes = {
                node.attr for node in S.walk_nodes(self.source.tree)
                if isinstance(node, gast.Attribute) and isinstance(node.ctx, (gast.Store, gast.Del))}
        return found


def _changed_lists(lowering, trees):
    """(names, attribute names) of the lists ``trees`` change in place (changed_lists)."""
    names, attributes = set(), set()
    for node in (n for tree in trees for n in S.walk_nodes(tree)):
        if isinstance(node, gast.Subscript) and isinstance(node.ctx, (gast.Store, gast.Del)):
            owner = node.value
        elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr in _LIST_CHANGES:
            owner = node.func.value
        else:
            if isinstance(node, gast.Call) and any(isinstance(a, gast.Name) for a in node.args):
                callee = lowering.resolve_call(node)        # total(boxes), total writing boxes[0]
                if inspect.isfunction(callee) and lowering.changes_its_arguments(callee):
                    names.update(a.id for a in node.args if isinstance(a, gast.Name))
            continue
        if isinstance(owner, gast.Name):
            names.add(owner.id)
        elif isinstance(owner, gast.Attribute):
            attributes.add(owner.attr)
    return _with_aliases(names, trees), attributes


def _with_aliases(names, trees):
    """``names`` and the names bound to one of them, or one of them is bound to (``old =
    layers``: the same list, changed through either name), transitively."""
    pairs = [(node.targets[0].id, node.value.id) for tree in trees for node in S.walk_nodes(tree)
             if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name)
             and isinstance(node.value, gast.Name)]
    grown = True
    while grown and pairs and names:
        grown = False
        for a, b in pairs:
            if (a in names) != (b in names):
                names |= {a, b}
                grown = True
    return names


def _store_counts(tree):
    counts = {}
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Del)):
            counts[node.id] = counts.get(node.id, 0) + 1
    return counts


def _assigned_attributes(fn):
    """(the attribute names ``fn``'s own body assigns or deletes, those whose list or
    dict it changes in place: ``self.layers.append(l)``, ``self.cache[k] = v``):
    found_in_source (a function without source: empty)."""
    return L.found_in_source(fn, _assigns, lambda tree: (frozenset(
        node.attr for node in S.walk_nodes(tree)
        if isinstance(node, gast.Attribute) and isinstance(node.ctx, (gast.Store, gast.Del))
        and not _global_holder(fn, node.value)), changed_in_place(tree)))


def _called_method(lowering, func):
    """(receiver, method name) of a call of ``func`` on an object (``layer.apply``:
    (layer, "apply"); ``layer``, ``self.head``, ``self.layers[i]``: "__call__"), or None
    where the call is not one or the receiver is the method's own (``self.forward(x)``,
    ``self(x)``: methods.py, which passes the layout on)."""
    if isinstance(func, gast.Attribute) and L.attribute(lowering.layout(func.value), func.attr) is None:
        receiver, attr = func.value, func.attr
    elif isinstance(func, (gast.Name, gast.Attribute, gast.Subscript)):
        receiver, attr = func, "__call__"
    else:
        return None
    if isinstance(receiver, gast.Name) and lowering.is_receiver(receiver.id):
        return None
    return receiver, attr


def _followed_method(lowering, owner, attr, node):
    """The method ``attr`` of the object of layout ``owner`` resolved for that layout
    (methods.resolve), or None where the call is lowered elsewhere or left as it is;
    refused where the method cannot be followed (held_functions.py, own_methods.py)."""
    cls = owner[1]
    if _namedtuple_method(cls, attr):
        return None     # p._replace(a=v), p._asdict(): methods.py and dicts.py lower them
    if attr != "__call__" and L.attribute(owner, attr) is None:
        lowering.refuse_closing_lambda(cls, attr, node)
    lowering.refuse_unknown_held(owner, attr, node)
    if attr in owner[3]:
        return None
    refuse_unseen_method(lowering, cls, attr, node)
    # named by class and method (Dense_call, Linear_apply): methods of several classes share a name
    resolved = M.resolve(M.INSTANCE, cls, attr, layout=owner, called=f"{cls.__name__}_{attr.strip('_') or attr}")
    return None if resolved is None or resolved.is_call else resolved


def _method_call(lowering, receiver, owner, attr, resolved, node):
    """The call ``receiver.attr(...)`` of the method ``resolved``: a new state of an
    object built here where the method assigns its attributes (built_objects.py), else a
    call of the method; None where it is run as it is."""
    cls = owner[1]
    assigned, in_place = _assigned_attributes(resolved.function) or ((), ())
    _refuse_changing_followed(lowering, cls, attr, assigned, in_place, node)
    if _left_as_it_is(lowering, receiver, resolved.function, assigned, in_place):
        return None
    if in_place:        # np.sum(a.data + a.bumped(c)): reads_before_changes.py
        refuse_read_before_change(lowering, receiver, cls, attr, node)
    if assigned or in_place and lowering.holds_containers(receiver, cls, in_place):
        # a new state of an object built here (built_objects.py), else run as it is
        return lowering.state_call(receiver, cls, attr, owner, assigned, node) \
            or lowering.refuse_unfollowed_state(receiver, cls, attr, assigned, node) \
            or refuse_stored_arguments(lowering, cls, attr, assigned, node)
    from .shared_copies import refuse_shared_copy      # (loaded with the first method call on an object)
    refuse_shared_copy(lowering, receiver, cls, attr, in_place, node)
    lowering.source.dependencies.append(((M.CLASS_ROOT, attr), (cls, M.current(cls, attr))))
    leading = [lowering.atom(receiver) if value is None else S.name(lowering.bind(value))
               for value in resolved.leading]
    return lowering.function_call(resolved.function, leading, node)


def _refuse_changing_followed(lowering, cls, attr, assigned, in_place, node):
    """Refuse a call of ``cls.attr``, which assigns (or changes in place) the attributes
    ``assigned`` (``in_place``), where one of them holds an object whose methods this code
    follows: it may change what the code follows (their classes are looked up when it is
    called)."""
    if not (assigned or in_place):
        return
    changed = sorted(set(assigned).union(in_place) & _followed_names(lowering.named_layouts().values()))
    if changed:
        raise lowering._refuse(f"a call of {cls.__name__}.{attr}, which assigns the attribute "
                               f"{changed[0]!r}, while this code follows the methods of the objects "
                               "such attributes hold (their classes are looked up when it is called)",
                               node, "assign that attribute outside the differentiated function")


def _left_as_it_is(lowering, receiver, method, assigned, in_place):
    """Whether a call of ``method``, which assigns (changes in place) the attributes
    ``assigned`` (``in_place``), on ``receiver`` is left as it is:
    modes/handed_arrays_read_again.py says where it writes (own_classes.py).

    - on an object a helper made, where it changes it, or assigns and reaches into an
      object its object holds (``self.inner.scaled``, a property of a class the helper's
      layout does not tell), which may write into an array the helper was handed;
    - on an object that may hold objects of the user's (a helper's, or one a method or a
      classmethod built: ``m.wrap()``, ``Factory.make(buf)``: own_classes.py), where it
      assigns and reads an item of, or applies an operator to, what it holds
      (``self.inner[1]`` runs ``Inner.__getitem__``: held_objects.py)."""
    return (in_place or assigned and uses_held(method, ATTRIBUTE_READ)) and lowering.made_by_a_helper(receiver) \
        or assigned and uses_held(method, OPERAND) and lowering.may_hold_users_objects(receiver)


def zipped_objects(lowering, stmt):
    """``for s, d in zip(springs, x)`` or ``for i, s in enumerate(springs)`` with
    ``springs`` a list of objects of one layout: ``s`` stands for that layout in the
    body (the loop as it is); whether any such name was found."""
    target, iterable = stmt.target, stmt.iter
    if not (isinstance(target, gast.Tuple) and isinstance(iterable, gast.Call) and not iterable.keywords):
        return False
    called = lowering.resolve_call(iterable)
    if called is zip and len(target.elts) == len(iterable.args):
        pairs = zip(target.elts, iterable.args)
    elif called is enumerate and len(target.elts) == 2 and 1 <= len(iterable.args) <= 2:
        pairs = [(target.elts[1], iterable.args[0])]
    else:
        return False
    found = False
    for name, arg in pairs:
        tree = None if isinstance(arg, gast.Starred) else lowering.layout(arg)
        if isinstance(name, gast.Name) and lowering.bound_count.get(name.id) == 1 and tree is not None \
                and tree[0] == L.ITEMS and L.item(tree) is not None:
            lowering.named_layouts()[name.id] = L.item(tree)
            found = True
    return found


def stored_on_self(method):
    """The attributes ``method`` stores (or deletes) on its first parameter, ``self``."""
    tree = function_tree(method)
    params = tree.args.posonlyargs + tree.args.args if tree is not None else []
    return {node.attr for node in S.walk_nodes(tree) if isinstance(node, gast.Attribute) and isinstance(
        node.ctx, (gast.Store, gast.Del)) and isinstance(node.value, gast.Name) and node.value.id == params[0].id} \
        if params else set()


def chosen_receiver_call(lowering, node):
    """``(a if c else b).step(w)`` for its effect: ``if c: a.step(w) else: b.step(w)``,
    so that the call on the object chosen is followed (or refused) as a call on a name
    is; what replaces the call (None, unused)."""
    choice, method = node.func.value, node.func.attr

    def on(receiver):
        call = gast.Call(func=gast.Attribute(value=receiver, attr=method, ctx=gast.Load()),
                         args=[S.copy(a) for a in node.args], keywords=[S.copy(k) for k in node.keywords])
        return [gast.copy_location(gast.Expr(value=gast.copy_location(call, node)), node)]
    lowering.statement(gast.copy_location(gast.If(test=choice.test, body=on(choice.body),
                                                  orelse=on(choice.orelse)), node))
    return S.const(None)


def refuse_unseen_method(lowering, cls, attr, node):
    """Refuse ``o.up(w)`` on an object this code follows where ``up`` is the user's
    function whose body astgrad does not see: one without source (exec, an interactive
    prompt), or one ``functools.partialmethod`` wraps. What it stores on ``o`` is
    unknown, and run as it is the derivative would read ``o``'s attributes as if it
    stored nothing: so whatever the call is handed and whether its value is used
    (``r = o.bump()`` may double ``o.W``)."""
    why = L.unseen_users_method(M.static_attribute(cls, attr))
    if why == "partialmethod":
        raise lowering._refuse(
            f"a call of {cls.__name__}.{attr}, a method made by functools.partialmethod, whose body astgrad "
            "does not follow: it cannot see what the method stores on the object", node,
            f"define {cls.__name__}.{attr} with def, calling the wrapped function with its fixed arguments")
    if why == "no source":
        raise lowering._refuse(
            f"a call of {cls.__name__}.{attr}, whose source astgrad cannot read (defined by exec, in an "
            "interactive prompt, or made at run time): it cannot see what the method stores on the object",
            node, f"define {cls.__name__}.{attr} with def in a file")


def refuse_stored_arguments(lowering, cls, attr, assigned, node):
    """None, or refuse the call ``node`` run as it is (on an object not followed from
    state to state) of a method storing attributes, given values that may carry a
    derivative (anything but constants: a counter's ``self.calls += 1`` is fine): the
    object would hold them where the derivative does not follow."""
    if assigned and _stores_values(M.static_attribute(cls, attr)):
        raise lowering._refuse(f"the call .{attr}() of {cls.__name__}.{attr}, which stores attributes of the object "
                               f"({', '.join(sorted(assigned))}), on an object astgrad does not follow from state "
                               "to state (an argument, a global, an object also named otherwise)", node,
                               "build the object in the function and call the method on its name, or return the "
                               "new values from the method and store them outside the differentiated function")
    return None


def _stored_into_given(method):
    """``other.W`` where ``method`` assigns (or deletes) an attribute of a parameter other
    than ``self`` it does not rebind (``def push(self, w, other): other.W = ...``); else None."""
    tree = function_tree(method) if inspect.isfunction(method) else None
    params = [p.id for p in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs] if tree is not None else []
    rebound = S.stored_names(gast.Module(body=tree.body, type_ignores=[])) if params else set()
    for node in S.walk_nodes(tree) if params else ():
        if isinstance(node, gast.Attribute) and isinstance(node.ctx, (gast.Store, gast.Del)):
            root = node.value
            while isinstance(root, (gast.Attribute, gast.Subscript)):
                root = root.value
            if isinstance(root, gast.Name) and root.id in params[1:] and root.id not in rebound:
                return f"{root.id}.{node.attr}"
    return None


def _stores_values(fn):
    """Whether ``fn`` stores in an attribute of its first parameter a value made of
    anything but constants (``self.x = self.x * w``; not ``self.calls += 1``)."""
    tree = function_tree(fn) if inspect.isfunction(fn) else None
    params = tree.args.posonlyargs + tree.args.args if tree is not None else []
    if not params:
        return tree is None
    me = params[0].id
    for node in S.walk_nodes(tree):
        targets = node.targets if isinstance(node, gast.Assign) else [node.target] \
            if isinstance(node, gast.AugAssign) else []
        if any(isinstance(t, gast.Attribute) and isinstance(t.value, gast.Name) and t.value.id == me
               for t in targets) and any(isinstance(n, (gast.Name, gast.Call, gast.Attribute))
                                         for n in S.walk_nodes(node.value)):
            return True
    return False


def _plain_default(value):
    """Whether a class attribute holding ``value`` is a plain default value (a number or
    a string), which no call looks up as a method (None may stand for a function a
    method stores later: not one)."""
    return type(value) in (int, float, complex, bool, str) or isinstance(value, numpy.number) \
        or isinstance(value, types.MemberDescriptorType) or type(value) is tuple and all(
            type(name) is str for name in value)        # a slot, and __slots__ itself: no method


def _namedtuple_method(cls, attr):
    """Whether ``cls.<attr>`` is a method collections.namedtuple wrote (``_replace``)."""
    static = M.static_attribute(cls, attr)
    return issubclass(cls, tuple) and getattr(getattr(static, "__func__", static), "__module__", None) == "collections"


def _global_holder(fn, node):
    """Whether ``node`` names a class or module ``fn`` reads as a global (``Model`` in
    ``Model.calls += 1``): a write there changes no object the code follows, and the
    method's own lowering refuses it, naming its line (statements.py)."""
    value = getattr(fn, "__globals__", {}).get(node.id) if isinstance(node, gast.Name) else None
    return isinstance(value, (type, types.ModuleType))


def changed_in_place(tree):
    """The attribute names whose value ``tree`` changes in place: a list, dict, set or
    array method changing it (or an item of it: ``<obj>.name[k].append(v)``) called on
    ``<obj>.name``, an item of it (or of one of its items) written or deleted."""
    from ...core.changing_methods import CHANGING_METHODS
    found = set()
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr in CHANGING_METHODS:
            receiver = node.func.value.value if isinstance(node.func.value, gast.Subscript) else node.func.value
            if isinstance(receiver, gast.Attribute):
                found.add(receiver.attr)
        elif isinstance(node, gast.Subscript) and isinstance(node.ctx, (gast.Store, gast.Del)):
            holder = node.value.value if isinstance(node.value, gast.Subscript) else node.value
            if isinstance(holder, gast.Attribute):     # <obj>.name[k] = v, <obj>.name[k][j] = v
                found.add(holder.attr)
    return frozenset(found)


def _followed_names(trees):
    """The attributes holding objects in the layouts ``trees``, and the names of their
    classes' attributes (the methods the code may follow)."""
    names, todo = set(), list(trees)
    while todo:
        tree = todo.pop()
        if tree[0] == L.OBJECT:
            names.update(name for name, _ in tree[2])
            # (a class attribute holding a number is a default, no method: k = 1.0)
            names.update(name for klass in tree[1].__mro__[:-1] for name, value in vars(klass).items()
                         if not _plain_default(value))
            todo.extend(sub for _, sub in tree[2])
        elif tree[0] == L.ITEMS:
            todo.extend(tree[2])
        elif tree[0] == L.KEYED:
            todo.extend(sub for _, sub in tree[2] if sub is not None)   # (None: a plain value beside the objects)
    return names        # (a FUNCTION layout, a function an attribute holds, has none)


def _held_object_advice(held, attr, stored):
    """For ``shell.inner.scale(w)``: the form astgrad follows (argument_objects.split_argument_attributes)."""
    if not (isinstance(held, gast.Attribute) and isinstance(held.value, gast.Name)):
        return ""
    owner, name = held.value.id, held.attr
    return (f"; astgrad follows {owner}.{name}.{attr}(...) where the function names {owner} only to read its "
            f"attributes ({owner}.{name}.{stored}, no method or property of {owner}, {owner} not handed on)")


def _argument_root(tree, receiver):
    """The parameter of ``tree`` the object ``receiver`` is read out of (``boxes`` of
    ``boxes[0]``, ``boxes[i].inner``, ``box``); None elsewhere."""
    while isinstance(receiver, (gast.Subscript, gast.Attribute)):
        receiver = receiver.value
    if isinstance(tree, gast.FunctionDef) and isinstance(receiver, gast.Name) and receiver.id in parameters(tree) \
            and receiver.id not in S.stored_names(gast.Module(body=tree.body, type_ignores=[])):    # not rebound
        return receiver.id
    return None


# where the object is an item of a list (vs[i].step(x)): what item_objects.py follows
def _unpacked_advice(normalizer, receiver, attr):
    """shared_list_advice for the call ``receiver.attr(...)`` where ``receiver`` is a name."""
    return shared_list_advice(normalizer, receiver.id, f"the call .{attr}()") if isinstance(receiver, gast.Name) else ""


_ITEM_ADVICE = ("; on an item of a list, tuple or dict display of objects the function builds (bs = [Box(a), Box(b)]), "
                "bound once and neither changed nor handed on, read the item at a constant position or at an "
                "index known when the code runs (bs[0].{attr}(...), bs[i].{attr}(...)), bind it to a name once, "
                "after the list (b = bs[i]; b.{attr}(...)), or loop over the list itself (for b in bs: "
                "b.{attr}(...))")
