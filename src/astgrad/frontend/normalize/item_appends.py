"""Appends to a list that a list or dict holds: ``d[k].append(v)``, ``groups[i].append(v)``
and ``d.setdefault(k, []).append(v)``; and writes into an item an object the function
built holds, ``p.W[i] = v`` (``attribute_item_write``).

Python appends to the list object the container holds, so every other name holding that
list sees the new item too. Where the function's own code shows that nothing but the
container refers to its lists (``owns_its_lists``), the append is followed as a store of
a new list, ``d[k] = d[k] + [v]``, which differentiates as any item store does, to any
order. Elsewhere the list is read out, appended to and stored back, ``t = d[k];
t.append(v); d[k] = t``, as ``d[k][j] = v`` is (dicts.py): the in-place checks of the
modes then see the append and every name that may share the list, and refuse where
one would not see it.

``owns_its_lists(normalizer, name)``, from the source, conservatively:

- ``name`` is bound once, by ``name = <display>``: a list or dict display, or a list or
  dict comprehension, each of whose items is a new list (a list display or a list
  comprehension);
- every other use of ``name`` is the receiver of such an append (also through
  ``name.setdefault(k, <new list>)``), a store of a new list (``name[k] = []``), a test
  ``k in name``, ``len(name)``, the keys it gives a loop (``for k in name``), or an item
  read straight into an operator, a subscript (``name[k][0]``), or a call that keeps
  nothing it is given and returns no list it was given (``sum``, ``len``, ``max``,
  ``sorted``, a NumPy function returning a new array);
- no local function or lambda reads ``name``.
"""

import builtins
import dataclasses
import types

import gast
import numpy

from ...core.first_use import imported_when_called
from ... import runtime
from ...core import syntax as S

# modules only some functions need, loaded with the first call of these (core/first_use.py)
in_local_function = imported_when_called(__package__ + ".fresh_items", "in_local_function")
made_new = imported_when_called(__package__ + ".fresh_items", "made_new")
owned_name = imported_when_called(__package__ + ".fresh_items", "owned_name")
takes_items = imported_when_called(__package__ + ".fresh_items", "takes_items")

# builtins that keep nothing they are given and return no list they were given
_READS_ITEMS = (builtins.sum, builtins.len, builtins.max, builtins.min, builtins.sorted, builtins.list,
                builtins.tuple, builtins.any, builtins.all)


class ItemAppendLowering:
    """Normalizer methods for ``c[k].append(v)`` and ``d.setdefault(k, []).append(v)``."""

    def item_append(self, call):
        """``c[k].append(v)`` (or ``d.setdefault(k, []).append(v)``) as a statement, lowered
        as the module docstring says. Whether it was one."""
        func = call.func
        if not (isinstance(func, gast.Attribute) and func.attr == "append" and len(call.args) == 1
                and not call.keywords and isinstance(func.value, (gast.Subscript, gast.Call, gast.Attribute))):
            return False
        receiver = func.value
        if isinstance(receiver, gast.Attribute):
            return self.attribute_append(receiver, call.args[0])
        if isinstance(receiver, gast.Call):
            if not _is_setdefault(receiver):
                return False
            read = self.container_call(receiver)        # stores the default where k is missing
            if read is None:
                return False
            holder, key = read.value, read.slice
        else:
            if isinstance(receiver.slice, gast.Slice) or not isinstance(receiver.value, gast.Name):
                return False
            holder, key = self.atom(receiver.value), self.index(receiver.slice)
        if self.owns_its_lists(holder):
            item = self.fresh_assign(gast.Subscript(value=S.copy(holder), slice=S.copy(key), ctx=gast.Load()), "t")
            self.locals.add(item)
            added = self.atom(gast.List(elts=[call.args[0]], ctx=gast.Load()), hint="items")
            grown = self.fresh_assign(self.runtime_call(runtime.concat, [S.name(item), added]), "t")
            self.emit(S.assign(gast.Subscript(value=S.copy(holder), slice=S.copy(key), ctx=gast.Store()),
                               S.name(grown)))
            return True
        item = self.read_item_apart(holder, key)
        self.emit(S.expr_stmt(self.expr(gast.Call(
            func=gast.Attribute(value=S.name(item), attr="append", ctx=gast.Load()), args=call.args, keywords=[]))))
        self.emit(S.assign(gast.Subscript(value=S.copy(holder), slice=S.copy(key), ctx=gast.Store()),
                           S.name(item)))
        return True

    def item_pop(self, call):
        """``c[k].pop(...)``: the item read out, popped and stored back, ``t = c[k];
        v = t.pop(); c[k] = t``, as an append is, so that a later read of ``c[k]`` is the
        list the pop shortened, in the derivative too (whose adjoint of ``c`` would
        otherwise miss the pop). The popped value, or None where it is not such a call."""
        receiver = call.func.value
        if call.keywords or not isinstance(receiver, gast.Subscript) or isinstance(receiver.slice, gast.Slice) \
                or not isinstance(receiver.value, gast.Name):
            return None
        holder, key = self.atom(receiver.value), self.index(receiver.slice)
        item = self.read_item_apart(holder, key)
        popped = self.fresh_assign(self.expr(gast.Call(
            func=gast.Attribute(value=S.name(item), attr="pop", ctx=gast.Load()), args=call.args, keywords=[])), "popped")
        self.emit(S.assign(gast.Subscript(value=S.copy(holder), slice=S.copy(key), ctx=gast.Store()), S.name(item)))
        return S.name(popped)

    def read_item_apart(self, holder, key):
        """``t = holder[key]``, checked to be held once (``written_items_apart``), to be
        changed and stored back. The name ``t``."""
        item = self.fresh_assign(gast.Subscript(value=S.copy(holder), slice=S.copy(key), ctx=gast.Load()), "t")
        self.locals.add(item)
        self.emit(gast.Expr(value=self.runtime_call(runtime.written_items_apart, [
            S.copy(holder), S.name(item), S.const(self.where())])))
        return item

    def attribute_item_write(self, target, value):
        """``p.W[i] = v`` on an object this function built (built_objects.py): ``t = p.W;
        t[i] = v; p = with_attribute(p, 'W', t)``, the item written and stored back as
        ``d[k][j] = v`` is (dicts.py), after a check that ``p`` holds that list, dict or
        array once. The in-place checks of the modes then see the write and every name that
        may share the item, and refuse where one would not see it. Whether it was one."""
        owner = target.value
        if not (isinstance(owner, gast.Attribute) and isinstance(owner.value, gast.Name)
                and self.owns_object(owner.value.id, owner.attr)):
            return False
        rhs = self.atom(value)          # Python evaluates the value first, then p.W, then i
        if isinstance(rhs, gast.Name) and not made_new(value, self.resolve_call) \
                and self.number_array_attribute(owner.value.id, owner.attr):
            # the values NumPy copies in, so that no name shares rhs with p.W: number_attributes.py
            rhs = S.name(self.fresh_assign(self.runtime_call(numpy.copy, [rhs]), owner.attr + "_value"))
        item = self.fresh_assign(self.expr(gast.Attribute(value=S.name(owner.value.id), attr=owner.attr,
                                                          ctx=gast.Load())), owner.attr)
        self.locals.add(item)
        self.emit(gast.Expr(value=self.runtime_call(runtime.written_items_apart, [
            S.name(owner.value.id), S.name(item), S.const(self.where())])))
        index = self.index(target.slice)
        self.emit(S.assign(gast.Subscript(value=S.name(item), slice=index, ctx=gast.Store()), rhs))
        return self.attribute_write(gast.Attribute(value=S.name(owner.value.id), attr=owner.attr,
                                                   ctx=gast.Store()), S.name(item))

    def attribute_append(self, receiver, value):
        """``p.history.append(v)`` on an object this function built (built_objects.py) whose
        attribute holds a list nothing else refers to: ``p.history = p.history + [v]``,
        the object written as a new one. On such an object whose attribute may hold a list
        shared otherwise (``self.log = []`` in a plain class's ``__init__``, which the code
        does not show to be new): ``t = p.history; t.append(v); p.history = t``, read
        out, checked, appended to and stored back, as ``p.W[i] = v`` is, so the modes
        follow the append into later reads of ``p.history`` and refuse where another name
        may share the list. Whether it was one."""
        owner = receiver.value
        if not (isinstance(owner, gast.Name) and isinstance(receiver.ctx, gast.Load)
                and self.owns_object(owner.id, receiver.attr)):
            return False
        if not (self.owns_list_attribute(owner.id, receiver.attr) or self.holds_only_lists(owner, receiver.attr)):
            item = self.fresh_assign(self.expr(gast.Attribute(value=S.name(owner.id), attr=receiver.attr,
                                                              ctx=gast.Load())), receiver.attr)
            self.locals.add(item)
            self.emit(gast.Expr(value=self.runtime_call(runtime.written_items_apart, [
                S.name(owner.id), S.name(item), S.const(self.where())])))
            self.emit(S.expr_stmt(self.expr(gast.Call(
                func=gast.Attribute(value=S.name(item), attr="append", ctx=gast.Load()), args=[value], keywords=[]))))
            return self.attribute_write(gast.Attribute(value=S.name(owner.id), attr=receiver.attr, ctx=gast.Store()),
                                        S.name(item))
        current = self.fresh_assign(self.expr(gast.Attribute(value=S.name(owner.id), attr=receiver.attr,
                                                             ctx=gast.Load())), receiver.attr)
        added = self.atom(gast.List(elts=[value], ctx=gast.Load()), hint="items")
        grown = self.fresh_assign(self.runtime_call(runtime.concat, [S.name(current), added]), receiver.attr)
        return self.attribute_write(gast.Attribute(value=S.name(owner.id), attr=receiver.attr, ctx=gast.Store()),
                                    S.name(grown))

    def number_array_attribute(self, name, attr):
        """Whether ``name.attr`` holds only arrays of numbers NumPy's makers made, on an
        object this function built: number_attributes.py."""
        cls = self.__dict__.get("_owned_objects", {}).get(name)
        if cls is None:
            return False
        from .number_attributes import number_array_attribute      # (loaded with the first such write)
        return number_array_attribute(cls, attr, (self.source.tree, name, self.resolve_call))

    def owns_list_attribute(self, name, attr):
        """Whether ``name.attr`` holds a list nothing else refers to: ``name`` is bound once,
        to an instance of a dataclass whose field ``attr`` the call leaves to its
        ``default_factory=list`` or gives a list display; ``name`` is used only to read
        attributes (no method calls); each read of ``name.attr`` is safe (module docstring)."""
        return self._owns_attribute(name, attr, _new_list)

    def holds_only_lists(self, owner, attr):
        """Whether ``owner.attr`` holds a list nothing else refers to on an object this
        function built, as the class's methods and this function show (``self.log = []``
        in ``__init__``, appended to by a method too): self_containers.py."""
        return self.held_alone(owner, attr) == {"list"}

    def held_alone(self, owner, attr):
        """The kinds of value ``owner.attr`` holds where nothing else refers to it on an
        object this function built (``self.total = 0.0`` in ``__init__``, ``self.total +=
        v`` in a method, read into operators): self_containers.container_kinds; else None."""
        cls = self.__dict__.get("_owned_objects", {}).get(owner.id)
        return None if cls is None else self.held_container_kinds(owner, cls, attr)

    def owns_attribute_value(self, name, attr):
        """Whether ``name.attr`` holds a number, or an array nothing else refers to, each
        time the code stores it (the constructor's argument, ``name.attr = v``): made new
        there (an operator's result, a number, a NumPy function returning a new array,
        ``.copy()``), and each read of ``name.attr`` is safe (module docstring). Then
        ``name.attr op= v`` changes no array another name sees."""
        return self._owns_attribute(name, attr, lambda node: made_new(node, self.resolve_call))

    def _owns_attribute(self, name, attr, fresh):
        if self.inlining:
            return False
        known = self.__dict__.setdefault("_owns_attributes", {})
        if (name, attr, fresh.__name__) not in known:
            known[name, attr, fresh.__name__] = _owns_attribute(self.source.tree, name, attr, self.resolve_call,
                                                                fresh)
        return known[name, attr, fresh.__name__]

    def owns_its_lists(self, node):
        """Whether ``node`` names a list or dict of this function (not of an inlined
        helper, whose names are renamed) whose lists nothing else refers to."""
        return owned_name(self, node, _owns_lists)


def _is_setdefault(call):
    func = call.func
    return isinstance(func, gast.Attribute) and func.attr == "setdefault" and isinstance(func.value, gast.Name) \
        and 1 <= len(call.args) <= 2 and not call.keywords


def _owns_lists(tree, name, resolve):
    """Whether the container ``name`` of the function ``tree`` holds only lists nothing
    else refers to (see the module docstring)."""
    parents = {}
    for node in S.walk_nodes(tree):
        if isinstance(node, (gast.Global, gast.Nonlocal)) and name in node.names \
                or name in (getattr(node, "name", None), getattr(node, "rest", None), getattr(node, "asname", None)):
            return False
        for child in gast.iter_child_nodes(node):
            parents[child] = node
    uses = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and n.id == name]
    bindings = [n for n in uses if not isinstance(n.ctx, gast.Load)]
    if len(bindings) != 1 or any(in_local_function(n, parents, tree) for n in uses):
        return False
    binding = parents.get(bindings[0])
    if not (isinstance(binding, gast.Assign) and binding.targets == [bindings[0]] and new_lists(binding.value)):
        return False
    holds_by_key = isinstance(binding.value, (gast.Dict, gast.DictComp))
    return all(n is bindings[0] or lists_kept_use(n, parents, resolve, holds_by_key) for n in uses)


def new_lists(value):
    """A display or comprehension whose items are all new lists."""
    if isinstance(value, gast.List):
        return all(_new_list(item) for item in value.elts)
    if isinstance(value, gast.Dict):
        return None not in value.keys and all(_new_list(item) for item in value.values)
    if isinstance(value, gast.ListComp):
        return _new_list(value.elt)
    if isinstance(value, gast.DictComp):
        return _new_list(value.value)
    return False


def _new_list(node):
    return isinstance(node, (gast.List, gast.ListComp))


def lists_kept_use(name, parents, resolve, holds_by_key):
    """Whether the use of ``name`` (a name, or ``self.m`` in a method: self_containers.py),
    a container holding lists, lets no other name get one of its lists (the module
    docstring); ``holds_by_key``: it is a dict."""
    parent = parents.get(name)
    if isinstance(parent, gast.Compare):            # k in d
        return all(isinstance(op, (gast.In, gast.NotIn)) for op in parent.ops) and parent.left is not name
    if isinstance(parent, (gast.For, gast.comprehension)) and parent.iter is name:
        return holds_by_key                         # a dict gives its keys; a list, its lists
    if isinstance(parent, gast.Call) and parent.args == [name]:
        return resolve(parent) is builtins.len
    if isinstance(parent, gast.Attribute) and parent.attr == "setdefault":
        call = parents.get(parent)
        return isinstance(call, gast.Call) and len(call.args) == 2 and _new_list(call.args[1]) \
            and _is_append_receiver(call, parents)
    if not (isinstance(parent, gast.Subscript) and parent.value is name) or isinstance(parent.slice, gast.Slice):
        return False
    return _safe_item_use(parent, parents, resolve)


def _safe_item_use(item, parents, resolve):
    """Whether the use of ``c[k]`` lets no other name get the list it reads."""
    above = parents.get(item)
    if isinstance(item.ctx, gast.Store):
        return isinstance(above, gast.Assign) and above.targets == [item] and _new_list(above.value)
    if _is_append_receiver(item, parents):
        return True
    if isinstance(above, (gast.BinOp, gast.UnaryOp, gast.Compare)):
        return True
    if isinstance(above, gast.Subscript) and above.value is item:
        return isinstance(above.ctx, gast.Load)         # an item, or a slice: a new list
    if isinstance(above, gast.Call) and item in above.args:
        return resolve(above) in _READS_ITEMS or takes_items(above, resolve)
    return False


def _is_append_receiver(node, parents):
    """``node.append(v)`` as a statement of its own."""
    attribute = parents.get(node)
    call = parents.get(attribute)
    return isinstance(attribute, gast.Attribute) and attribute.attr == "append" and attribute.value is node \
        and isinstance(call, gast.Call) and call.func is attribute and len(call.args) == 1 \
        and isinstance(parents.get(call), gast.Expr)


def _owns_attribute(tree, name, attr, resolve, fresh):
    """Whether ``name.attr`` (``name`` bound once, to an object the function builds) holds,
    wherever it is stored, a value ``fresh(node)`` says is made new there, and each
    read of it keeps the value to itself (see the module docstring)."""
    parents = {}
    for node in S.walk_nodes(tree):
        for child in gast.iter_child_nodes(node):
            parents[child] = node
    uses = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and n.id == name]
    bindings = [n for n in uses if not isinstance(n.ctx, gast.Load)]
    binding = parents.get(bindings[0]) if len(bindings) == 1 else None
    if not (isinstance(binding, gast.Assign) and isinstance(binding.value, gast.Call)
            and _fresh_field(resolve(binding.value), binding.value, attr, fresh)):
        return False
    for use in uses:
        if use is bindings[0]:
            continue
        read = parents.get(use)
        if not (isinstance(read, gast.Attribute) and read.value is use) \
                or isinstance(parents.get(read), gast.Call) and parents.get(read).func is read:
            return False            # the object itself handed on, or a method given self
        if read.attr == attr and not _safe_attribute_use(read, parents, resolve, fresh):
            return False
    return True


def _safe_attribute_use(read, parents, resolve, fresh):
    above = parents.get(read)
    if isinstance(read.ctx, gast.Load):
        return _safe_item_use(read, parents, resolve)
    if isinstance(above, gast.AugAssign):
        return above.target is read
    return isinstance(above, gast.Assign) and above.targets == [read] and fresh(above.value)


def _fresh_field(cls, call, attr, fresh):
    """Whether ``cls(...)``, as ``call`` makes it, stores in ``attr`` a value ``fresh``
    accepts (a ``types.SimpleNamespace`` or a dataclass given it by keyword or position),
    or a new list (a dataclass field left to ``default_factory=list``, for lists)."""
    if any(kw.arg is None for kw in call.keywords) or any(isinstance(a, gast.Starred) for a in call.args):
        return False
    given = {kw.arg: kw.value for kw in call.keywords}
    if cls is types.SimpleNamespace and not call.args:
        return attr in given and fresh(given[attr])
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        return False
    fields = [f for f in dataclasses.fields(cls) if f.init]
    names = [f.name for f in fields]
    if attr not in names:
        return False
    given.update(zip(names, call.args))
    if attr in given:
        return fresh(given[attr])
    return fresh is _new_list and fields[names.index(attr)].default_factory is list
