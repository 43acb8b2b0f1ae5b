"""Objects given as arguments: the classes generated code is made for.

``def loss(x, layer): return np.sum(layer.apply(x) ** 2)`` cannot be differentiated
before the class of ``layer`` is known: which function ``.apply`` runs depends on it.
When such a function is called with an object there, the object's *layout* is looked up:
its class and, for each attribute holding another object or a list or tuple of objects
(``self.layer``, ``self.layers``), that value's layout. The function is made for those
layouts (function_args.specialize, as it is for functions given as arguments), and the
normalizer follows ``layer.apply(x)``, ``layer(x)``, ``layer.inner.apply(x)`` and
``for l in layers: x = l(x)`` into the methods of those classes, with the object as
``self``, read when the code runs. Another class gives another layout, so other code:
never a stale derivative.

A layout is a plain, hashable tuple:

- ``("object", cls, attributes, shadowed)``: ``attributes`` the sorted (name, layout)
  pairs of the instance attributes holding objects, ``shadowed`` the instance
  attributes that hide a name of the class (a function stored on the instance);
- ``("items", list or tuple, (layout, ...))``: a list or tuple of objects;
- ``("keyed", dict, ((key, layout), ...))``: a dict argument of objects by str or int
  keys, in the dict's order (``keyed_layout``: a parameter's value only);
- ``("function", Held)``: a function an attribute holds (``self.act = np.tanh``), called
  as ``self.act(z)``: the function itself, compared by what code made for it depends on;
  ``Held(None)`` for an attribute an object built in the code certainly holds None in
  (``self.act = act``, given None), whose call raises as Python's does; ``Held(up,
  own=True)`` for a function bound to the object itself (``self.up =
  types.MethodType(up, self)``), called as its method (normalize/own_methods.py).

Only parameters the function calls through are looked at (``called_parameters``): a
call of the parameter, of a method of it or of one of its attributes, or of the target
of a loop over it, a call it is passed to (``helper(layer, x)``, made for the layout in
turn), or an operator or a comparison with it, an item or an attribute of it as an
operand, which Python runs as a method of the operand's class (``objs[0] < objs[1]``).
"""

import dis
import functools
import inspect
import numbers
import types
import weakref

import gast
import numpy

from ..core import syntax as S
from ..core.functions import function_identity
from ..library_code import LIBRARIES as _LIBRARIES, STANDARD_LIBRARY as _STANDARD_LIBRARY, users_code
from ..plain_objects import plain_attributes

OBJECT, ITEMS, KEYED, FUNCTION = "object", "items", "keyed", "function"
_DEPTH = 4              # how deep attributes are followed
_ITEMS_LIMIT = 64       # longer lists are not looked into


class Layout:
    """The given value of a parameter that holds an object: its layout (see above)."""
    __slots__ = ("tree",)

    def __init__(self, tree):
        self.tree = tree

    def __eq__(self, other):
        return isinstance(other, Layout) and other.tree == self.tree

    def __hash__(self):
        return hash(self.tree)


def layout_of(value, depth=_DEPTH, seen=None):
    """The layout of ``value``, or None when it is not an object astgrad looks into (a
    number, an array, a string, a function, a class, a module, a NumPy or builtin type's
    instance, an object without a ``__dict__``). Looked up at each call: kept quick."""
    kind = type(value)
    if kind in _LEAVES or depth <= 0:
        return None
    seen = seen if seen is not None else set()
    if id(value) in seen:
        return None
    seen.add(id(value))
    try:
        if kind is list or kind is tuple:
            if not value or len(value) > _ITEMS_LIMIT:
                return None
            items = tuple([layout_of(item, depth, seen) for item in value])
            return None if None in items else (ITEMS, kind, items)
        if is_namedtuple(value):        # an object whose attributes are its fields (t.size is one)
            return _record_layout(kind, zip(kind._fields, value), depth, seen) if _looked_into(kind) else None
        own = getattr(value, "__dict__", None) if _looked_into(kind) else None
        if own is None and _looked_into(kind) and _slotted_alone(kind):
            own = dict(plain_attributes(value))     # a slotted object: its slots are its attributes
        if type(own) is not dict:
            return None
        shadowed = tuple(name for name in own if hasattr(kind, name)
                         and not isinstance(getattr(kind, name), types.MemberDescriptorType))  # (read now: a class may gain a method later)
        return _record_layout(kind, own.items(), depth, seen, shadowed, value)
    finally:
        seen.discard(id(value))


def global_layout(value):
    """The layout of a global (or a closure variable) the function reads, or of what an
    attribute of one holds: as ``layout_of``, and an empty list or tuple too (a loop over
    it runs no step, ``for layer in NET.layers`` with no layers yet)."""
    if (type(value) is list or type(value) is tuple) and not value:
        return (ITEMS, type(value), ())
    return layout_of(value)


def keyed_layout(value):
    """The layout of a dict given as an argument whose keys are str or int (no bool) and
    whose values are objects with a layout (``params["layer"].apply(x)``), some of them
    perhaps plain values, a number, an array, a string, None or a list or tuple of such
    values (``{"layer": Box(a), "lr": 0.1, "extra": None}``), whose entry is None: read as
    they are, they make no other code. Else None. Only a
    parameter's value: a dict an attribute or a global holds is no layout."""
    if type(value) is not dict or not value or len(value) > _ITEMS_LIMIT \
            or not all(type(key) in (str, int) for key in value):
        return None
    items = tuple((key, None if _plain_value(item) else layout_of(item)) for key, item in value.items())
    objects = [entry for _, entry in items if entry is not None]
    if not objects or len(objects) < sum(not _plain_value(item) for item in value.values()) \
            or any(entry[0] != OBJECT for entry in objects):
        return None
    return (KEYED, dict, items)


# values a dict of objects may hold beside them, read as they are (keyed_layout)
_PLAIN_VALUES = (numbers.Number, numpy.ndarray, str, type(None))


def _plain_value(value, depth=2):
    """Whether ``value`` is a plain value (``_PLAIN_VALUES``), or a list or tuple of them
    (nested at most ``depth`` deep): no object whose methods code could be made for."""
    if isinstance(value, _PLAIN_VALUES):
        return True
    return type(value) in (list, tuple) and depth > 0 and all(_plain_value(item, depth - 1) for item in value)


def keyed_item(tree, key):
    """The layout of the item ``key`` of a dict of layout ``tree`` (a key of the same type); else None."""
    if tree is None or tree[0] != KEYED:
        return None
    return next((entry for known, entry in tree[2] if type(known) is type(key) and known == key), None)


def _slotted_alone(kind):
    """Whether instances of ``kind`` keep their attributes in ``__slots__`` alone (no
    ``__dict__``, no ``__new__``, ``__setattr__`` or ``__getattr__`` of its own) and a
    method of it other than ``__init__`` stores attributes (``b.scale(w)``, followed on a
    copy: normalize/argument_objects.py). Other slotted objects are not looked into."""
    found = _SLOTTED.get(kind)
    if found is None:
        found = _SLOTTED[kind] = not kind.__dictoffset__ \
            and any("__slots__" in vars(base) for base in kind.__mro__[:-1]) \
            and kind.__new__ is object.__new__ and kind.__setattr__ is object.__setattr__ \
            and not hasattr(kind, "__getattr__") and any(
                inspect.isfunction(value) and name != "__init__" and any(
                    op.opname == "STORE_ATTR" for op in dis.get_instructions(value))
                for base in kind.__mro__[:-1] for name, value in vars(base).items())
    return found


_SLOTTED = weakref.WeakKeyDictionary()      # class -> whether _slotted_alone


def is_namedtuple(value):
    """Whether ``value`` is a namedtuple (``collections.namedtuple``, ``typing.NamedTuple``)."""
    return isinstance(value, tuple) and isinstance(getattr(type(value), "_fields", None), tuple)


def _record_layout(kind, named_items, depth, seen, shadowed=(), holder=None):
    """The layout ``("object", kind, ...)`` of an object (``holder``) whose attributes
    are the ``(name, value)`` pairs ``named_items``."""
    attributes = []
    for name, item in named_items:
        if item is None:
            if name in _called_on_self(kind):   # where a function could be: its call raises (methods.py)
                attributes.append((name, _HELD_NONE))
        elif type(item) not in _LEAVES:
            sub = _held_function(item, holder, depth - 1, seen) or layout_of(item, depth - 1, seen)
            if sub is not None:
                attributes.append((name, sub))
    return (OBJECT, kind, tuple(attributes), shadowed)


class Held:
    """A function an object's attribute holds, in a layout: equal to another for a function
    that computes the same (the same object, or a Python function of the same code, globals,
    closure cells and defaults). ``own``: the attribute holds the function bound to the
    object itself (``self.up = types.MethodType(up, self)``), whose call is the method's.
    ``other``: the layout of another object the function is bound to (``self.f =
    other.up``), whose call is that object's method. ``bound``: for a ``functools.partial``
    of the function, how many arguments it binds and the names of its keywords, read from
    the partial when the code runs."""
    __slots__ = ("function", "key", "own", "other", "bound")

    def __init__(self, function, own=False, other=None, bound=None):
        self.function, self.own, self.other, self.bound = function, own, other, bound
        self.key = function_identity(function) if inspect.isfunction(function) else ("object", id(function))
        if own:
            self.key = ("own method", self.key)
        if other is not None:
            self.key = ("another's method", self.key, other)
        if bound is not None:
            self.key = ("partial", self.key, bound)

    def __eq__(self, other):
        return isinstance(other, Held) and other.key == self.key

    def __hash__(self):
        return hash(self.key)


_NUMPY_FUNCTIONS = (numpy.ufunc, type(numpy.sum))     # np.tanh; np.sum, np.linalg.norm (dispatchers)


def _held_function(value, holder=None, depth=0, seen=None):
    """The layout of a function an attribute of ``holder`` holds (a Python function, a
    NumPy function, a builtin, or a Python function bound to ``holder`` itself, followed as
    its method, or bound to another object, whose layout is looked up ``depth`` deep), or
    None."""
    if inspect.isfunction(value) or inspect.isbuiltin(value) or isinstance(value, _NUMPY_FUNCTIONS):
        return (FUNCTION, Held(value))
    if type(value) is functools.partial and (inspect.isfunction(value.func) or isinstance(value.func, _NUMPY_FUNCTIONS)) \
            and all(type(name) is str for name in value.keywords):
        return (FUNCTION, Held(value.func, bound=(len(value.args), tuple(value.keywords))))
    if holder is not None and isinstance(value, types.MethodType) and value.__self__ is holder \
            and inspect.isfunction(value.__func__):
        return (FUNCTION, Held(value.__func__, own=True))
    if holder is not None and isinstance(value, types.MethodType) and inspect.isfunction(value.__func__):
        other = layout_of(value.__self__, depth, seen)      # another object's method (self.f = other.up)
        return None if other is None or other[0] != OBJECT else (FUNCTION, Held(value.__func__, other=other))
    return None


def held_function(tree):
    """The function of a layout ``("function", Held)``, or None for any other layout (and
    for a function bound to an object: ``held_method``, ``others_method``)."""
    return tree[1].function if tree is not None and tree[0] == FUNCTION and not tree[1].own \
        and tree[1].other is None and tree[1].bound is None else None


def held_partial(tree):
    """(function, number of arguments bound, keyword names bound) of a layout
    ``("function", Held)`` whose attribute holds a ``functools.partial`` of the function
    (``self.f = functools.partial(g, k=2.0)``), or None."""
    return (tree[1].function, *tree[1].bound) if tree is not None and tree[0] == FUNCTION \
        and tree[1].bound is not None else None


def others_method(tree):
    """(function, layout of its object) of a layout ``("function", Held)`` whose attribute
    holds the function bound to another object (``self.f = other.up``), or None."""
    return (tree[1].function, tree[1].other) if tree is not None and tree[0] == FUNCTION \
        and tree[1].other is not None else None


def held_method(tree):
    """The function of a layout ``("function", Held)`` whose attribute holds it bound to
    the object itself (``self.up = types.MethodType(up, self)``), or None."""
    return tree[1].function if tree is not None and tree[0] == FUNCTION and tree[1].own else None


_HELD_NONE = (FUNCTION, Held(None))
_self_calls = weakref.WeakKeyDictionary()       # function -> the attributes it calls on self
_CLASS_CALLS = {}                               # class -> the attributes its methods call on self


def _called_on_self(kind):
    """The attributes the methods of the class ``kind`` call on ``self`` (``self.act(h)``):
    an attribute holding None there is part of the layout (as a function would be)."""
    found = _CLASS_CALLS.get(kind)
    if found is None:
        found = frozenset().union(*(found_in_source(value, _self_calls, _self_called)
                                    for klass in kind.__mro__ if klass is not object
                                    for value in vars(klass).values() if inspect.isfunction(value)))
        if len(_CLASS_CALLS) < _LOOKED_INTO_LIMIT:
            _CLASS_CALLS[kind] = found
    return found


def _self_called(tree):
    params = tree.args.posonlyargs + tree.args.args
    me = params[0].id if params else None
    return frozenset(node.func.attr for node in S.walk_nodes(tree) if isinstance(node, gast.Call)
                     and isinstance(node.func, gast.Attribute) and isinstance(node.func.value, gast.Name)
                     and node.func.value.id == me)


def holds_none(tree):
    """Whether ``tree`` says an attribute that may hold a function holds None
    (``self.act = act``, given None: ``("function", Held(None))``)."""
    return tree is not None and tree[0] == FUNCTION and tree[1].function is None


_LEAVES = frozenset({float, int, bool, complex, str, bytes, numpy.ndarray, dict, set, frozenset, type(None)})
_LOOKED_INTO = {}       # class -> whether astgrad looks into its instances
_LOOKED_INTO_LIMIT = 4096


def looked_into(kind):
    """Whether astgrad looks into the objects of the class ``kind`` (not a library's)."""
    return _looked_into(kind)


def _looked_into(kind):
    found = _LOOKED_INTO.get(kind)
    if found is None:
        top = (getattr(kind, "__module__", "") or "").split(".")[0]
        found = not issubclass(kind, (type, types.ModuleType, types.FunctionType, types.MethodType,
                                      types.BuiltinFunctionType, numpy.generic, numpy.ufunc)) \
            and top not in _LIBRARIES and top not in _STANDARD_LIBRARY     # a library's object: not followed
        if len(_LOOKED_INTO) < _LOOKED_INTO_LIMIT:
            _LOOKED_INTO[kind] = found
    return found


class Holding:
    """The given value of a parameter no layout describes (a dict, a list of objects and
    numbers, an object with ``__slots__``) that is or holds an object of a class comparing
    with code of its own (``compares_with_own_code``): the code made for it checks, where
    such a value is compared, what the comparison gave (comparison_methods.py)."""
    __slots__ = ()

    def __eq__(self, other):
        return isinstance(other, Holding)

    def __hash__(self):
        return hash(Holding)


class LaidHolding(Layout):
    """The Layout of an object that also holds, where no layout describes it (in a dict
    an attribute holds, say: ``p.d["a"] < p.d["b"]``), an object of a class comparing with
    code of its own, which the code made for it checks as it does for Holding."""
    __slots__ = ()

    def __eq__(self, other):
        return isinstance(other, LaidHolding) and other.tree == self.tree

    def __hash__(self):
        return hash((LaidHolding, self.tree))


_RICH_METHODS = ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__")
_COMPARES = {}          # class -> whether it compares with code of its own


def compares_with_own_code(kind):
    """Whether the class ``kind`` defines a comparison (``__lt__``, ``__eq__``, ...) with a
    function its author wrote (not one @dataclass made, which returns a bool)."""
    found = _COMPARES.get(kind)
    if found is None:
        found = _looked_into(kind) and any(_authored(getattr(kind, name, None)) for name in _RICH_METHODS)
        if len(_COMPARES) < _LOOKED_INTO_LIMIT:
            _COMPARES[kind] = found
    return found


_ARITHMETIC = tuple(f"__{side}{name}__" for name in ("add", "sub", "mul", "truediv", "matmul", "pow", "mod", "floordiv")
                    for side in ("", "r")) + ("__neg__", "__abs__", "__float__")


def operates_with_own_code(kind):
    """Whether ``kind`` is a class defining an arithmetic operator (or ``abs``, ``float``)
    with a function its author wrote."""
    return isinstance(kind, type) and _looked_into(kind) and any(
        _authored(getattr(kind, name, None)) for name in _ARITHMETIC)


def meets_operator_classes(fn, depth=2):
    """Whether ``fn``, or a function of the user's it names (to ``depth``), names a class
    defining arithmetic operators with code of its own, or is given objects no layout
    describes (``__astgrad_holding__``)."""
    if getattr(fn, "__astgrad_holding__", ()):
        return True
    if not isinstance(fn, types.FunctionType):
        return False
    return any(operates_with_own_code(value) or depth > 0 and isinstance(value, types.FunctionType)
               and value is not fn and meets_operator_classes(value, depth - 1) for value in _named_values(fn))


def _named_values(fn):
    """The values of the global and closure names ``fn``'s code (and its nested code) reads."""
    names, codes = set(), [fn.__code__]
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    values = [fn.__globals__[n] for n in names if n in fn.__globals__]
    for cell in fn.__closure__ or ():
        try:
            values.append(cell.cell_contents)
        except ValueError:
            pass
    return values


def _authored(function):
    return isinstance(function, types.FunctionType) and function.__code__.co_filename != "<string>"


def holds_comparing_objects(value, depth=_DEPTH, operating=False):
    """Whether ``value`` is, or holds in its items or attributes (to ``depth``), an object
    of a class comparing with code of its own (with ``operating``, or defining an
    arithmetic operator so). Looked up at each call: kept quick."""
    kind = type(value)
    if kind in _LEAVES and kind is not dict or depth <= 0:
        return False
    if kind in (list, tuple, dict):
        return any(holds_comparing_objects(item, depth - 1, operating)
                   for item in (value.values() if kind is dict else value))
    if not _looked_into(kind):
        return False
    own = getattr(value, "__dict__", None)
    return compares_with_own_code(kind) or operating and operates_with_own_code(kind) or type(own) is dict and any(
        holds_comparing_objects(item, depth - 1, operating) for item in own.values())


def holds_objects_inside(value):
    """Whether ``value``, an object with a layout, compares with code of its own, or its
    attributes hold (to the depth a layout looks) an object of a class comparing or
    operating so: what no layout says of a dict attribute (``p.d["a"] // 2.0``)."""
    own = getattr(value, "__dict__", None)
    return holds_comparing_objects(value) or type(own) is dict and any(
        holds_comparing_objects(item, _DEPTH - 1, operating=True) for item in own.values())


def held_layouts(tree):
    """The layouts nested in ``tree`` (what its attributes and items hold, at any depth),
    not ``tree`` itself."""
    found, todo = [], list(tree[1:])
    while todo:
        part = todo.pop()
        if isinstance(part, tuple):
            if part[:1] in ((OBJECT,), (ITEMS,), (KEYED,), (FUNCTION,)):
                found.append(part)
            todo += part
    return found


def attribute(tree, name):
    """The layout of ``<object>.name`` for an object of layout ``tree``; None if unknown."""
    if tree is None or tree[0] != OBJECT:
        return None
    return dict(tree[2]).get(name)


def without_attributes(tree, names):
    """The layout ``tree`` with nothing said of the attributes ``names`` of any object in
    it (code assigns them: what they hold then is not known)."""
    if tree is None or not names:
        return tree
    if tree[0] == OBJECT:
        kept = tuple((name, without_attributes(entry, names)) for name, entry in tree[2] if name not in names)
        return tree if kept == tree[2] else (OBJECT, tree[1], kept) + tree[3:]
    if tree[0] == ITEMS:
        items = tuple(without_attributes(entry, names) for entry in tree[2])
        return tree if items == tree[2] else (ITEMS, tree[1], items)
    if tree[0] == KEYED:
        items = tuple((key, without_attributes(entry, names)) for key, entry in tree[2])
        return tree if items == tree[2] else (KEYED, tree[1], items)
    return tree


def item(tree, index=None):
    """The layout of an item of a list or tuple of layout ``tree``: of item ``index``, or,
    with no index, of every item when they all have one layout; else None."""
    if tree is None or tree[0] != ITEMS:
        return None
    items = tree[2]
    if index is None:
        return items[0] if items and all(entry == items[0] for entry in items) else None
    return items[index] if -len(items) <= index < len(items) else None


_called = weakref.WeakKeyDictionary()
_compared = weakref.WeakKeyDictionary()


def called_parameters(fn):
    """The parameters of ``fn`` its body calls through (see the module docstring)."""
    return found_in_source(fn, _called, _called_roots)


def found_in_source(fn, cache, find):
    """``find(tree)`` for the parsed tree of ``fn`` (a function), kept in ``cache`` (a
    WeakKeyDictionary) for ``fn``; an empty frozenset for a function without source,
    which generating code refuses anyway."""
    fn = fn if getattr(fn, "__code__", None) is not None else None
    if fn is None:
        return frozenset()
    found = cache.get(fn)
    if found is None:
        from .source import parsed_for_reading
        try:
            tree = parsed_for_reading(fn).tree
        except Exception:
            return frozenset()
        found = cache[fn] = find(tree)
    return found


_unreadable = weakref.WeakKeyDictionary()


def all_nodes_of(tree):
    """``syntax.all_nodes(tree)`` of a parsed tree the finders of ``found_in_source`` read
    (never changed): walked once for all of them (three ask of every function a caller
    hands an argument to, each of every node)."""
    below = _nodes.get(tree)
    if below is None:
        nodes = S.all_nodes(tree)
        _nodes[tree] = tuple(nodes[1:])     # not the tree: the entry goes with it
        return nodes
    return [tree, *below]


_nodes = weakref.WeakKeyDictionary()     # parsed tree -> the nodes under it, in walk order


def unseen_users_method(static):
    """Why astgrad cannot see into the body of ``static`` (a class's attribute, as its
    body holds it) where it is a method of the user's code: "partialmethod" for one
    ``functools.partialmethod`` makes, "no source" for a function whose source astgrad
    cannot read (made by exec, typed at an interactive prompt); else None. The analyses
    above find nothing in such a method, which is "unknown", not "nothing": a call of it
    on an object astgrad follows is refused (normalize/objects.py)."""
    if isinstance(static, functools.partialmethod):
        return "partialmethod" if users_code(static.func) else None
    fn = getattr(static, "__func__", static)        # (a staticmethod, a classmethod: their function)
    if not inspect.isfunction(fn) or not users_code(fn):
        return None
    found = _unreadable.get(fn)
    if found is None:
        from .source import parsed_for_reading
        try:
            parsed_for_reading(fn)
            found = False
        except Exception:       # noqa: BLE001 - any failure to read it: no source to see
            found = True
        _unreadable[fn] = found
    return "no source" if found else None


def root(node):
    """The name at the bottom of ``a.b.c`` (or of ``a[0].b``), or None."""
    while isinstance(node, (gast.Attribute, gast.Subscript)):
        node = node.value
    return node.id if isinstance(node, gast.Name) else None


def _called_roots(tree):
    params = {a.id for a in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs}
    nodes = all_nodes_of(tree)      # one walk, read by each question below
    loops = {}
    for node in nodes:
        if isinstance(node, gast.For) and isinstance(node.target, gast.Name):
            loops.setdefault(node.target.id, set()).add(root(node.iter))
    # n = objs[0], a, b = objs: an operator or a comparison reading n (or a) reads an item of objs
    items = {target.id: root(node.value) for node in nodes if isinstance(node, gast.Assign)
             and isinstance(node.value, (gast.Name, gast.Subscript, gast.Attribute))
             for target in S.walk_nodes(node.targets[0]) if isinstance(target, gast.Name)}
    found = set()
    for node in nodes:
        for name in _call_roots(node):
            found.add(name)
            found |= loops.get(name, set())
            if not isinstance(node, gast.Call) and name in items:
                found.add(items[name])
    return frozenset((found | _methods_taken(nodes, found)) & params)


def compared_parameters(fn):
    """The parameters of ``fn`` its body compares, or an item or attribute of which it
    compares (``a < b``, ``objs[0] == objs[1]``)."""
    return found_in_source(fn, _compared, _compared_roots)


def _compared_roots(tree):
    params = {a.id for a in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs}
    return frozenset(root(operand) for node in all_nodes_of(tree) if isinstance(node, gast.Compare)
                     for operand in [node.left] + node.comparators) & params


def _call_roots(node):
    """The roots of what ``node`` calls through: a call's function and arguments
    (``layer(x)``, ``layer.apply(x)``, ``helper(layer, x)``), and the operands of an
    operator or a comparison, which Python runs as a method of the operand's class
    (``p.a + p.b``, ``objs[0] < objs[1]``: operator_methods.py, comparison_methods.py)."""
    if isinstance(node, gast.Call):
        return [root(node.func)] + [root(a) for a in node.args + [kw.value for kw in node.keywords]]
    if isinstance(node, gast.BinOp):
        return [root(node.left), root(node.right)]
    if isinstance(node, gast.UnaryOp):
        return [root(node.operand)]
    if isinstance(node, gast.Compare):
        return [root(operand) for operand in [node.left] + node.comparators]
    if isinstance(node, gast.AugAssign):
        return [root(node.target), root(node.value)]
    return []


def _methods_taken(nodes, called):
    """The objects whose attributes a name the body calls is bound to: ``g = h.features``,
    ``fs = [h.a, h.b]`` where ``g(x)`` or ``fs[0](x)`` (or a loop over ``fs``) is called
    (``nodes``: the function's, as ``syntax.all_nodes`` lists them)."""
    found = set()
    for node in nodes:
        if isinstance(node, gast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], gast.Name) and node.targets[0].id in called:
            value = node.value
            items = value.elts if isinstance(value, (gast.List, gast.Tuple)) else \
                value.values if isinstance(value, gast.Dict) else [value]
            found |= {root(item) for item in items if isinstance(item, gast.Attribute)}
    return found
