"""Methods assigning attributes of ``self`` called on an object given as an argument:
``def f(w, box): box.scale(w); return box.v * w``. Python changes the caller's object
there; the derivative works on copies instead, as it does for an array argument written
in place: the method's twin (built_objects.state_call) returns a new object, which the
argument's name takes, so a gradient or ``jvp`` call leaves the caller's object as it
was while ``f(w, box)`` itself changes it as Python does.

That is right only where nothing else the code reads reaches the object: another
argument holding it (``f(w, box, [box])``), a global the function or a method it calls
on such objects reads holding it, or the object holding itself would show Python's
change where the copy does not. The code checks that when it runs, before the call
(``runtime_objects.argument_object_alone``), and raises a TypeError naming the line
otherwise."""

import copy
import inspect
import types
import weakref

import gast

from ...core.first_use import imported_when_called
from ... import runtime_objects
from ...core import methods as M
from ...core import syntax as S
from .. import written_in
from .. import object_layouts as L
from .arguments import names_read_by_callees
from .instances import plain_uses
from .objects import stored_on_self
from .outer_writes import spoken_outer_name
from .scopes import binding_counts, parameters

# modules only some functions need, loaded with the first call of these (core/first_use.py)
loops_over_names = imported_when_called(__package__ + ".source_bindings", "loops_over_names")
shared_list_advice = imported_when_called(__package__ + ".unpacked_advice", "shared_list_advice")
split_item_objects = imported_when_called(__package__ + ".item_objects", "split_item_objects")


class ArgumentObjectLowering:
    """Normalizer methods following state changes of objects arguments give."""

    def owns_argument(self, name, cls, attrs):
        """Whether ``name`` is a parameter the function was made for an object of class
        ``cls`` in, or the name of an item of one (split_argument_items), never rebound
        and named only as ``name.x`` or ``name.method(...)``, whose attributes ``attrs``
        the method may store as Python does."""
        given = self.given_object(name)
        if given is None or name in self.functions or self.is_receiver(name) or self.inlining:
            return False
        layout = self.named_layouts().get(name)
        if layout is None or layout[0] != L.OBJECT or layout[1] is not cls \
                or M.static_attribute(cls, "__setattr__") is not object.__setattr__ \
                or M.static_attribute(cls, "__new__") is not object.__new__:
            return False        # (a frozen dataclass: Python refuses the write; a __new__ the copy skips)
        if not all(_plain_store(cls, attr) for attr in attrs):
            return False
        return plain_uses(self.source.tree, name, cls, stores=0 if given[0] == name else 1,
                          iterated=self.iterated_as_attributes)

    def given_object(self, name):
        """(parameter, None, None) where ``name`` is a parameter never rebound, (parameter,
        k, None) where it is bound once, to ``parameter[k]``, (parameter, k, attribute)
        to ``parameter.attribute[k]`` (split_argument_items), (parameter, None, attribute)
        to ``parameter.attribute`` (split_argument_attributes); else None."""
        params = parameters(self.source.tree)
        if name in params:
            return None if self.bound_count.get(name, 0) else (name, None, None)
        if self.bound_count.get(name, 0) != 1:
            return None
        return self.__dict__.get("given_names", {}).get(name)

    def refuse_unlaid_item_call(self, receiver, attr, node):
        """``for b in boxes: b.scale(w)`` for its effect, ``boxes`` an argument's list of
        objects whose ``scale`` stores attributes of ``self``, where ``b`` stands for no
        item (bound again elsewhere): run as it is, it would change the caller's object
        unseen by the derivative. Refused, naming the line."""
        if node is not self.effect_call or not isinstance(receiver, gast.Name):
            return
        for loop in loops_over_names(self).get(receiver.id, ()):
            layout = self.named_layouts().get(loop.iter.id)
            for item in layout[2] if layout is not None and layout[0] == L.ITEMS else ():
                method = M.static_attribute(item[1], attr) if item is not None and item[0] == L.OBJECT else None
                stored = sorted(stored_on_self(method) - self._counters(item[1])) if inspect.isfunction(method) else []
                unpacked = shared_list_advice(self, receiver.id, f"the call .{attr}()")
                if stored and unpacked:        # (the loop's name is bound once: the list's items are not known)
                    raise self._refuse(f"the method call .{attr}() of a {item[1].__name__}, which assigns "
                                       f"self.{stored[0]}, on an item of {self.unpacked_fields[loop.iter.id]}",
                                       node, unpacked[2:])
                if stored:
                    whose = "argument" if loop.iter.id in parameters(self.source.tree) else "list"
                    outer = spoken_outer_name(self, receiver.id)
                    why = f"the name {receiver.id} is bound elsewhere too" if outer is None else \
                        f"the loop binds {outer}, which lives on outside the function"
                    raise self._refuse(
                        f"the method call .{attr}() of a {item[1].__name__}, which assigns self.{stored[0]}, on an "
                        f"item of the {whose} {loop.iter.id} that astgrad does not follow from state to state: "
                        f"{why}, so it stands for no one item", node,
                        f"bind {receiver.id} only in this loop (read the items elsewhere under another name: "
                        f"sum(t.v for t in {loop.iter.id}))" if outer is None else
                        f"loop over {loop.iter.id} with a local name of its own (for item in {loop.iter.id}: ...)")

    def check_argument_alone(self, name, method):
        """Emit the check that nothing else the code reads reaches the object ``name``
        holds (see the module's docstring), before the call of ``method`` on it: the
        other arguments, the other items of its list, the globals the code reads."""
        param, index, attr = self.given_object(name)
        others = [S.name(p) for p in parameters(self.source.tree) if p != param]
        layout = self.named_layouts()[param] if attr is None else L.attribute(self.named_layouts()[param], attr)
        keys = _item_keys(layout) if index is not None else []
        others += [gast.Subscript(value=_holder(param, attr), slice=S.const(k), ctx=gast.Load())
                   for k in keys if k != index]
        if attr is not None:        # the object's other attributes (model.head may hold layers[0])
            others.append(self.runtime_call(runtime_objects.attributes_but, [S.name(param), S.const(attr)]))
        # (the methods called on the other objects read globals too, after the change)
        functions = (self.source.fn, method, *self.inlined_methods) + _methods_called(self.source.tree, self.named_layouts())
        scopes = [gast.Tuple(elts=[S.name(self.bind_value(scope, "scope")), S.const(read)], ctx=gast.Load())
                  for scope, read in _globals_read(functions)]
        self.emit(gast.Expr(value=self.runtime_call(runtime_objects.argument_object_alone, [
            S.name(name), gast.Tuple(elts=others, ctx=gast.Load()), gast.Tuple(elts=scopes, ctx=gast.Load()),
            S.const(_given_label(param, index, attr)),
            S.const(self.where())])))


def _given_label(param, index, attr):
    """How the caller writes the object: ``box``, ``boxes[0]``, ``model.layers[0]``, ``m.layer``."""
    held = param if attr is None else f"{param}.{attr}"
    return held if index is None else f"{held}[{index!r}]"


def _globals_read(functions):
    """[(a module's globals, the names of them ``functions`` or their callees read)], one
    pair per module, then (a function's closure variables, their names) for each of
    ``functions`` that has some."""
    read, closures = {}, []
    for fn in functions:
        scope = getattr(fn, "__globals__", None)
        if scope is not None:
            names = (set(fn.__code__.co_names) | names_read_by_callees(scope, [fn])) & set(scope)
            read.setdefault(id(scope), (scope, set()))[1].update(names)
        if getattr(fn, "__closure__", None):
            closures.append((_closure_cells(fn), tuple(fn.__code__.co_freevars)))
    return [(scope, tuple(sorted(names))) for scope, names in read.values()] + closures


_CLOSURE_CELLS = weakref.WeakKeyDictionary()


def _closure_cells(fn):
    """One ``ClosureCells`` per function, so the code made binds it once."""
    found = _CLOSURE_CELLS.get(fn)
    if found is None:
        found = _CLOSURE_CELLS[fn] = runtime_objects.ClosureCells(fn)
    return found


def _methods_called(tree, layouts):
    """The methods and property getters ``tree`` names (``b.scale(w)``, ``b.total``) that
    the classes of the objects its parameters hold (``layouts``) define: what they read
    runs after the change too."""
    named = sorted({node.attr for node in S.walk_nodes(tree) if isinstance(node, gast.Attribute)})
    classes = dict.fromkeys(cls for layout in layouts.values() for cls in _classes_in(layout))
    found = (M.static_attribute(cls, name) for cls in classes for name in named)
    found = (value.fget if isinstance(value, property) else value for value in found)
    return tuple(dict.fromkeys(method for method in found if inspect.isfunction(method)))


def _classes_in(layout):
    """The classes of the objects ``layout`` stands for, at any depth."""
    if not isinstance(layout, tuple) or not layout:
        return
    if layout[0] == L.OBJECT:
        yield layout[1]
    if layout[0] in (L.OBJECT, L.KEYED):
        for _, sub in layout[2]:
            yield from _classes_in(sub)
    elif layout[0] == L.ITEMS:
        for sub in layout[2]:
            yield from _classes_in(sub)


def _plain_store(cls, attr):
    """Whether storing ``attr`` on an instance of ``cls`` puts it into its ``__dict__``
    or one of its ``__slots__`` (each copied, runtime_objects.with_attribute)."""
    static = M.static_attribute(cls, attr)
    if isinstance(static, types.MemberDescriptorType):
        return True
    return not hasattr(type(static), "__set__") and not hasattr(type(static), "__get__")


def split_argument_items(normalizer, tree):
    """``def f(w, boxes): boxes[0].scale(w)``, ``for b in boxes: b.scale(w)``, where the
    function was made for a list or tuple (or a dict) of objects in ``boxes``, or in an
    attribute of an argument's object read only as ``model.layers`` (``model.layers[0].
    scale(w)``, and other attributes of ``model`` only read): the body reads the items
    through a display of them, ``boxes_items = [boxes[0], boxes[1]]``, which
    item_objects.py splits into names of their own (``boxes_items_0 = boxes[0]``), each
    followed from state to state on a copy as an argument is. Kept only where it splits
    every read of the list so (no list is made that the caller's would not be); whether
    it did."""
    holders = _item_holders(normalizer, tree)
    if not holders:
        return False
    trial, displays, made = copy.deepcopy(tree), [], {}
    given = normalizer.__dict__.setdefault("given_items", {})
    for (param, attr), (layout, keys) in holders.items():
        made[param, attr] = normalizer.namer.fresh(f"{param}_items" if attr is None else f"{param}_{attr}_items")
        written_in.name_made(normalizer.source, made[param, attr], param if attr is None else f"{param}.{attr}")
        items = [gast.Subscript(value=_holder(param, attr), slice=S.const(k), ctx=gast.Load()) for k in keys]
        given.update((id(item), (param, k, attr)) for k, item in zip(keys, items))
        display = gast.Dict(keys=[S.const(k) for k in keys], values=items) \
            if layout[0] == L.KEYED else gast.List(elts=items, ctx=gast.Load())
        displays.append(gast.copy_location(S.assign(made[param, attr], display), tree.body[0]))
    trial.body = displays + [_Renamed(made).visit(stmt) for stmt in trial.body]
    normalizer.bound_count = binding_counts([trial])
    if not split_item_objects(normalizer, trial) or any(
            isinstance(node, gast.Name) and node.id in made.values() for node in S.walk_nodes(trial)):
        normalizer.bound_count = binding_counts([tree])
        return False
    tree.body = trial.body
    normalizer.__dict__.setdefault("given_names", {}).update(
        (node.targets[0].id, given[id(node.value)]) for node in S.walk_nodes(tree)
        if isinstance(node, gast.Assign) and id(node.value) in given and isinstance(node.targets[0], gast.Name))
    return True


def split_argument_attributes(normalizer, tree, handed=None):
    """``def f(w, m): m.layer.scale(w)``, where the function was made for an object in ``m``
    whose attribute ``layer`` holds one object whose ``scale`` stores attributes of ``self``
    (or which ``handed(normalizer, tree, m, layer)`` says a helper stores into, ``bump(m.layer,
    w)``: handed_objects.py),
    and ``m`` is named only to read attributes (``m.layer``, ``m.k``): the body reads
    ``m.layer`` under a name of its own, ``m_layer = m.layer``, bound before it, followed
    from state to state on a copy as an argument is. Whether it did."""
    made, given, layouts = {}, {}, {}
    for param, layout in normalizer.named_layouts().items():
        if param not in parameters(tree) or normalizer.bound_count.get(param) or layout[0] != L.OBJECT \
                or not only_attribute_reads(tree, param, layout[1]):
            continue
        for attr, sub in layout[2]:
            if sub is not None and sub[0] == L.OBJECT and (_method_called_on(tree, param, attr) and _stores_on_items(
                    tree, (L.ITEMS, None, [sub])) or handed is not None and handed(normalizer, tree, param, attr)):
                made[param, attr] = name = normalizer.namer.fresh(f"{param}_{attr}")
                written_in.name_made(normalizer.source, name, f"{param}.{attr}")
                given[name], layouts[name] = (param, None, attr), sub
    if not made:
        return False
    tree.body = [gast.copy_location(S.assign(name, _holder(param, attr)), tree.body[0])
                 for (param, attr), name in made.items()] + [_Renamed(made).visit(stmt) for stmt in tree.body]
    normalizer.__dict__.setdefault("given_names", {}).update(given)
    normalizer.named_layouts().update(layouts)
    return True


def _method_called_on(tree, param, attr):
    """Whether ``tree`` calls a method of ``param.attr`` (``m.layer.scale(w)``)."""
    return any(isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)
               and isinstance(node.func.value, gast.Attribute) and node.func.value.attr == attr
               and isinstance(node.func.value.value, gast.Name) and node.func.value.value.id == param
               for node in S.walk_nodes(tree))


def _item_holders(normalizer, tree):
    """{(parameter, None or the attribute holding the items): (the layout of what holds
    them, their positions or keys)} for the lists, tuples and dicts of objects a method
    called in ``tree`` stores attributes of ``self`` on (split_argument_items)."""
    holders = {}
    for param, layout in normalizer.named_layouts().items():
        if param not in parameters(tree) or normalizer.bound_count.get(param):
            continue
        found = [(None, layout)] if layout[0] != L.OBJECT else \
            [(attr, sub) for attr, sub in layout[2] if only_attribute_reads(tree, param, layout[1])]
        holders.update(((param, attr), (sub, _item_keys(sub))) for attr, sub in found
                       if sub[0] != L.FUNCTION and _item_keys(sub) and _stores_on_items(tree, sub))
    return holders


def only_attribute_reads(tree, param, cls):
    """Whether ``tree`` names ``param``, an object of class ``cls``, only to read an
    attribute its instance or its class holds as a value (``model.layers``, ``model.k``),
    never a method or a property, no ``__getattr__`` of its own running, nothing stored
    into it or handed on: no code of the object then reads the items a display holds
    copies of."""
    if M.static_attribute(cls, "__getattribute__") is not object.__getattribute__ \
            or M.static_attribute(cls, "__getattr__") is not M.MISSING:
        return False
    parents = {id(child): node for node in S.walk_nodes(tree) for child in gast.iter_child_nodes(node)}
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Name) and node.id == param and not isinstance(node.ctx, gast.Param):
            parent = parents.get(id(node))
            if not (isinstance(parent, gast.Attribute) and isinstance(parent.ctx, gast.Load)):
                return False
            static = M.static_attribute(cls, parent.attr)
            if not (static is M.MISSING or isinstance(static, types.MemberDescriptorType)
                    or not hasattr(type(static), "__get__")):
                return False        # a method (called or handed on), a property: code reading self
    return True


def _holder(param, attr):
    """``param``, or ``param.attr``: what holds the items split."""
    return S.name(param) if attr is None else gast.Attribute(value=S.name(param), attr=attr, ctx=gast.Load())


def _item_keys(layout):
    """The positions (a list's or a tuple's) or the keys (a dict's) of the items of
    ``layout``, each an object; else None."""
    if layout[0] == L.KEYED:
        return [key for key, _ in layout[2]]
    if layout[0] == L.ITEMS and layout[2] and all(item is not None and item[0] == L.OBJECT for item in layout[2]):
        return list(range(len(layout[2])))
    return None


def _item_layouts(layout):
    """The layouts of the objects among the items of ``layout`` (a dict's plain values have none)."""
    return [item for _, item in layout[2] if item is not None] if layout[0] == L.KEYED else layout[2]


def _stores_on_items(tree, layout):
    """Whether ``tree`` calls a method (by name) that stores attributes of ``self`` in the
    class of an item of the list or dict ``layout`` stands for: only then are the items split."""
    called = {node.func.attr for node in S.walk_nodes(tree)
              if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)}
    methods = [M.static_attribute(item[1], name) for item in _item_layouts(layout) for name in called]
    return any(inspect.isfunction(method) and stored_on_self(method) for method in methods)


class _Renamed(gast.NodeTransformer):
    """Each read of a holder of ``made`` (``boxes``, ``model.layers``) as the name of the
    display of its items."""

    def __init__(self, made):
        self.made = made

    def visit_Name(self, node):
        if (node.id, None) in self.made and isinstance(node.ctx, gast.Load):
            return gast.copy_location(S.name(self.made[node.id, None]), node)
        return node

    def visit_Attribute(self, node):
        if isinstance(node.value, gast.Name) and (node.value.id, node.attr) in self.made \
                and isinstance(node.ctx, gast.Load):
            return gast.copy_location(S.name(self.made[node.value.id, node.attr]), node)
        return self.generic_visit(node)
