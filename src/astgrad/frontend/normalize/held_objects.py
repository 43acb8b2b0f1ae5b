"""What the objects a helper of the user's returns may hold, for the two stages that
follow or refuse a method of such an object (``def mk(b): check(b); return ByItem(Inner(b))``):
an item read, an operator or a call on an attribute (``self.inner[1]``, ``self.inner * v``)
runs the methods of the object it holds where that is an object of the user's, which the
helper's layout does not tell from an array. The answers are narrow on purpose: what
cannot be read is "unknown" (None), and "may run code"."""

import gast

from ...core import syntax as S
from ...core.first_use import imported_when_called
from ...rules import registry

# read only where a helper builds an object of the user's (loaded with the first one)
method_sites = imported_when_called(__package__ + ".class_functions", "method_sites")
tree_of = imported_when_called(__package__ + ".class_functions", "tree_of")
plain_class = imported_when_called(__package__ + ".method_writes", "plain_class")
readable_function = imported_when_called(__package__ + ".method_writes", "readable_function")
writes_nothing = imported_when_called(__package__ + ".method_writes", "writes_nothing")


def held_classes(fn, noted):
    """The classes of the user's whose objects those ``fn`` returns may hold in their
    attributes, where ``fn``'s arguments hold none (the caller checks): each class ``fn``
    or a method of a class it constructs constructs, but in a ``return`` of the
    construction alone (``return ByItem(Inner(b))``: ``Inner``; ``def grown(self): return
    Reb(...)`` gives a new object) unless a method stores what a call of a method gives
    (``self.inner = self.make()``); None where ``fn`` calls a function of the user's
    (``ByItem(make_inner(b))``), whose result is not read here."""
    read = readable_function(fn, noted)
    if read is None:
        return None
    found, seen, todo, stores_results = [], [], [read], False
    while todo:
        tree, resolve = todo.pop()
        returned = _returned_alone(tree)
        stores_results = stores_results or any(
            isinstance(n, gast.Assign) and not all(isinstance(t, gast.Name) for t in n.targets)
            and any(isinstance(c, gast.Call) and resolve(c) is None for c in S.walk_nodes(n.value))
            for n in S.walk_nodes(tree))
        for node in S.walk_nodes(tree):
            if not isinstance(node, gast.Call):
                continue
            target = resolve(node)
            if plain_class(target):
                if id(node) not in returned and target not in found:
                    found.append(target)
                if target not in seen:
                    seen.append(target)
                    sites = list(method_sites(target))
                    if None in sites:
                        return None     # (a method whose source is not read may build anything)
                    todo += [(site[0], site[2]) for site in sites]
            elif _users_function(target):
                return None
    return tuple(seen if stores_results else found)


def _returned_alone(tree):
    """The ids of the constructions ``tree`` returns as they are: the value of a ``return``,
    or of a name bound once and read only by ``return`` (``o = Reb(b); return o``)."""
    nodes = list(S.walk_nodes(tree))
    returned = {id(n.value) for n in nodes if isinstance(n, gast.Return)}
    bound = {}
    for n in nodes:
        if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)):
            bound.setdefault(n.id, []).append(n)
    loads = {}
    for n in nodes:
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
            loads[n.id] = loads.get(n.id, 0) + 1
    names_returned = {}
    for n in nodes:
        if isinstance(n, gast.Return) and isinstance(n.value, gast.Name):
            names_returned[n.value.id] = names_returned.get(n.value.id, 0) + 1
    for n in nodes:
        if isinstance(n, gast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], gast.Name):
            name = n.targets[0].id
            if len(bound[name]) == 1 and loads.get(name, 0) == names_returned.get(name, 0):
                returned.add(id(n.value))
    return returned


def _users_function(target):
    """Whether ``target`` may be a function of the user's returning an object of theirs:
    anything but a function or class a rule names."""
    if target is None or isinstance(target, type) and target.__module__ == "builtins":
        return False            # (a method, an unresolved call: read by method_writes.py; ValueError)
    try:
        return registry.primitive(target) is None
    except TypeError:
        return True


_NOT_METHODS = ("__init__", "__dict__", "__weakref__", "__module__", "__qualname__", "__doc__")


def may_run_code(classes):
    """Whether an object of one of ``classes`` (None: unknown) has a method of the user's
    (other than ``__init__``) that an item read, an operator or a call could run."""
    return classes is None or any(True for _ in _runnable(classes))


def held_write_nothing(classes):
    """Whether no function an object of one of ``classes`` (None: unknown) may run
    changes anything: each method (but ``__init__``, which ran where the object was
    built) and property getter of theirs binds names only and calls only functions
    writing into none of their arguments (method_writes.py ``writes_nothing``, binding no
    attribute), its attribute reads of its own object then reading arrays, numbers or
    objects of ``classes`` again (``classes`` are all the helper may build), which write
    nothing either. An item read, an operator, a call or a property of what an attribute
    holds then runs code that leaves every array as it was."""
    if classes is None:
        return False
    return all(writes_nothing(cls, name, binds_attributes=False, getters=True) for cls, name in _runnable(classes))


def _runnable(classes):
    """(class, name) for each method or descriptor (a property) of ``classes`` and their
    bases but ``object`` that an object of theirs may run, ``__init__`` aside."""
    for cls in classes:
        for klass in cls.__mro__[:-1]:
            for name, value in vars(klass).items():
                if name not in _NOT_METHODS and callable(getattr(value, "__get__", None) or value):
                    yield cls, name


# the two uses of what its object holds that a method of an object a helper built is asked
# about (objects.py): reading an attribute of it (a property or method of a class the
# layout may not tell), and an item read, an operator or a call on it (which runs the
# methods of an object of the user's)
ATTRIBUTE_READ, OPERAND = "attribute read", "operand"


def uses_held(fn, use):
    """Whether the method ``fn`` makes the ``use`` (ATTRIBUTE_READ or OPERAND) of what
    its object holds, through an attribute of ``self`` or a name bound to one (``i =
    self.inner``):

    - ATTRIBUTE_READ: reads an attribute of it (``self.inner.scaled``,
      ``self.items[0].bump()``, ``getattr(self.inner, "p")``, ``i.p``); an item read,
      ``self.inner[k]``, is not told from an array's. False for a method without a
      parameter, True where its source is not read.
    - OPERAND: reads an item of it, or hands it to an operator or a call
      (``self.inner[1]``, ``self.inner * v``, ``len(self.inner)``, ``i(v)``); True where
      its source is not read or it has no parameter."""
    tree = tree_of(fn)
    params = tree.args.posonlyargs + tree.args.args if tree is not None else []
    if not params:
        return tree is None or use == OPERAND
    me = params[0].id
    nodes = list(S.walk_nodes(tree))
    aliases = {t.id for n in nodes if isinstance(n, gast.Assign) and reads_own_attribute(n.value, me)
               for t in n.targets if isinstance(t, gast.Name)}

    def held(node):
        return reads_own_attribute(node, me) or isinstance(node, gast.Name) and node.id in aliases
    if use == OPERAND:
        return any(held(operand) for node in nodes for operand in _operands(node))
    return any(isinstance(node, gast.Attribute) and isinstance(node.ctx, gast.Load) and held(node.value)
               or _getattr_on_own(node, me) for node in nodes)


def _getattr_on_own(node, me):
    """Whether ``node`` is ``getattr(<an attribute of me>, ...)``."""
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == "getattr" \
        and bool(node.args) and reads_own_attribute(node.args[0], me)


def reads_own_attribute(node, me):
    """Whether ``node`` reads an attribute (or an item of one) of the name ``me``."""
    if not isinstance(node, (gast.Attribute, gast.Subscript)):
        return False
    while isinstance(node, (gast.Attribute, gast.Subscript)):
        node = node.value
    return isinstance(node, gast.Name) and node.id == me


def _operands(node):
    """What an item read, an operator or a call runs code of: ``self.inner[1]``, ``self.inner
    * v``, ``self.inner(v)``, ``len(self.inner)`` run the methods of the object ``inner``
    holds where that is an object of the user's (``__getitem__``, ``__mul__``, ``__call__``,
    ``__len__``), which the helper's layout does not tell from an array."""
    if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Load):
        return [node.value]
    if isinstance(node, gast.BinOp):
        return [node.left, node.right]
    if isinstance(node, gast.UnaryOp):
        return [node.operand]
    if isinstance(node, gast.Compare):
        return [node.left] + node.comparators
    if isinstance(node, gast.Call):
        return [node.func] + [a.value if isinstance(a, gast.Starred) else a for a in node.args] \
            + [k.value for k in node.keywords]
    return []


