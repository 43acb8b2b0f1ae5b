"""A method of the user's class that only builds a new object from its own and returns it
(``def child(self): return P(self.d * 2.0)``), called on an object the function builds
to bind a name::

    a = P(w * 1.0)                  a = P(w * 1.0)
    b = a.child()           ->      b = P(a.d * 2.0)

so the new object is followed as one the function builds itself (its methods writing
into its attributes in place included), as factory_calls.py does for a plain helper.
The receiver is a local name bound once in the function, to a construction of the
class (so its class is that one when the method runs); the method is a plain function
of the class (no decorator, found by ordinary lookup: the class defines no
``__getattr__``/``__getattribute__`` and no method stores an attribute of that name), of
the function's own module, of the form factory_calls.py folds (no check before its
``return``); and nothing may put an attribute of the
method's name on the object (the function and the class's methods store none, name no
``setattr`` or ``__dict__``, and name the object only to read or store its attributes).
An argument that is no name or constant (``a.scaled(w[0])``) is first bound to a new
name of its own, in the order Python evaluates the arguments, which it does before the
method runs::

    b = a.scaled(w[0])      ->      k = w[0]
                                    b = P(a.d * k)

A classmethod of such a class called on its global name (``a = Factory.make(buf)``
returning ``ByItem(Inner(b))``, its ``cls`` not named) is folded the same way.
Anything else is left as it is."""

import copy
import inspect
import types

import gast

from ...core import methods as M
from ...core import syntax as S
from ...core.first_use import imported_when_called
from .handed_arrays import _method_trees
from .factory_calls import (_arguments_named, _atom, _bound, _followed, _returned_call, _substituted, methods_called,
                            statement_blocks)

# read only where a classmethod builds the object (the engine keeps class_functions lazy)
function_tree = imported_when_called(__package__ + ".class_functions", "tree_of")

_DYNAMIC = frozenset({"setattr", "delattr", "vars", "__dict__"})


def write_method_factory_calls(normalizer, tree):
    """Each such call of ``tree`` written as the construction it returns. Whether one was."""
    written, classes = False, None
    for block in statement_blocks(tree.body):
        for stmt in list(block):
            if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
                    and isinstance(stmt.value, gast.Call) and isinstance(stmt.value.func, gast.Attribute)
                    and isinstance(stmt.value.func.value, gast.Name)):
                continue
            classes = _built_once(normalizer, tree) if classes is None else classes
            cls = classes.get(stmt.value.func.value.id)
            found = _folded(normalizer, tree, cls, stmt) if cls is not None \
                else _folded_classmethod(normalizer, tree, stmt)
            cls = cls if found is None or cls is not None else found[2]
            if found is not None:
                bindings, built = found[:2]
                normalizer.source.dependencies.append(((M.CLASS_ROOT, stmt.value.func.attr),
                                                       (cls, M.current(cls, stmt.value.func.attr))))
                stmt.value = built
                at = block.index(stmt)
                block[at:at] = bindings     # the arguments, evaluated before the method runs
                written = True
    return written


def _built_once(normalizer, tree):
    """{name: class} for each local name ``tree`` binds once, to a construction of a class
    of the user's that is followed."""
    found = {}
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name) \
                and normalizer.bound_count.get(node.targets[0].id) == 1 and isinstance(node.value, gast.Call):
            cls = normalizer.built_class_of(node.value)
            if cls is not None and node.targets[0].id in normalizer.locals:
                found[node.targets[0].id] = cls
    return found


def _folded(normalizer, tree, cls, stmt):
    """(the bindings of the call's arguments that are no name or constant, the
    construction the method ``stmt`` calls returns, its ``self`` the receiver's name and
    its parameters the call's arguments), placed at the call; else None."""
    call = stmt.value
    method = inspect.getattr_static(cls, call.func.attr, None)
    fn = normalizer.source.fn
    if not isinstance(method, types.FunctionType) or method.__closure__ is not None \
            or method.__globals__ is not getattr(fn, "__globals__", None) \
            or method.__code__.co_flags & (inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR) \
            or _overridden(cls) \
            or _stored_anywhere(cls, call.func.attr) or _may_store(tree, call.func.value.id, call.func.attr) \
            or any(kw.arg is None for kw in call.keywords) or any(isinstance(a, gast.Starred) for a in call.args):
        return None
    found = _returned_call(method)
    if found is None or found[0] or isinstance(found[1], gast.Tuple):
        return None         # (a check first, or a tuple: left as it is)
    receiver = gast.Name(id=call.func.value.id, ctx=gast.Load(), annotation=None, type_comment=None)
    whole = gast.Call(func=call.func, args=[receiver] + call.args, keywords=call.keywords)
    bound = _bound(method, whole)
    named = {n.id for n in S.walk_nodes(found[1]) if isinstance(n, gast.Name)}
    if bound is None or set(bound) != named & set(bound):
        return None         # (a parameter not named: its argument's read would go)
    if (named - set(bound)) & (set(normalizer.locals) | set(normalizer.bound_count)):
        return None         # a global of the method's that the function shadows
    if not _followed(normalizer.built_class_of, _substituted(found[1], bound), [],
                     methods_called(tree, {stmt.targets[0].id})):
        return None
    # each argument read once, before the method runs, as Python's call reads it
    whole, bindings = _arguments_named(normalizer, method, whole)
    built = _substituted(found[1], _bound(method, whole))
    for node in [n for part in bindings + [built] for n in S.walk_nodes(part)]:
        if hasattr(node, "lineno"):
            gast.copy_location(node, call)
            node.end_lineno, node.end_col_offset = getattr(call, "end_lineno", None), getattr(call, "end_col_offset", None)
    return bindings, built


def _folded_classmethod(normalizer, tree, stmt):
    """(the bindings of the call's arguments, the construction, the class) for ``a =
    Factory.make(buf)``, ``Factory`` a global name of a class of the user's and ``make``
    a classmethod of it (``@classmethod`` alone) returning a construction that hands on
    no object (``return ByItem(Inner(b))``, its ``cls`` not named), folded as a method is;
    else None."""
    call, fn = stmt.value, normalizer.source.fn
    name = call.func.value.id
    if name in normalizer.locals or name in normalizer.bound_count:
        return None
    cls = normalizer.source.resolve_path((name,), depend=False)
    value = inspect.getattr_static(cls, call.func.attr, None) if isinstance(cls, type) else None
    method = value.__func__ if isinstance(value, classmethod) else None
    if not (isinstance(method, types.FunctionType) and type(cls) is type and method.__closure__ is None
            and method.__globals__ is getattr(fn, "__globals__", None)
            and not method.__code__.co_flags & (inspect.CO_GENERATOR | inspect.CO_COROUTINE
                                                | inspect.CO_ASYNC_GENERATOR)) \
            or _overridden(cls) or any(kw.arg is None for kw in call.keywords) \
            or any(isinstance(a, gast.Starred) for a in call.args):
        return None
    own = function_tree(method)
    if own is None or [getattr(d, "id", None) for d in own.decorator_list] not in ([], ["classmethod"]):
        return None
    undecorated = copy.copy(own)
    undecorated.decorator_list = []
    found = _returned_call(method, undecorated)
    if found is None or found[0] or isinstance(found[1], gast.Tuple):
        return None
    first = (own.args.posonlyargs + own.args.args)[0].id
    receiver = gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)
    whole = gast.Call(func=call.func, args=[receiver] + call.args, keywords=call.keywords)
    bound = _bound(method, whole)
    named = {n.id for n in S.walk_nodes(found[1]) if isinstance(n, gast.Name)}
    if bound is None or first in named or set(bound) - {first} != named & set(bound):
        return None         # (cls built or handed on; a parameter not named: its argument's read would go)
    if (named - set(bound)) & (set(normalizer.locals) | set(normalizer.bound_count)):
        return None
    bound.pop(first)
    if not _followed(normalizer.built_class_of, _substituted(found[1], bound), [],
                     methods_called(tree, {stmt.targets[0].id})):
        return None
    normalizer.source.resolve_path((name,))         # (a dependency: the global bound again, made again)
    whole, bindings = _arguments_named(normalizer, method, whole)
    bound = _bound(method, whole)
    bound.pop(first)
    built = _substituted(found[1], bound)
    for node in [n for part in bindings + [built] for n in S.walk_nodes(part)]:
        if hasattr(node, "lineno"):
            gast.copy_location(node, call)
            node.end_lineno, node.end_col_offset = getattr(call, "end_lineno", None), getattr(call, "end_col_offset", None)
    return bindings, built, cls


def _overridden(cls):
    """The attribute hooks a class of ``cls``'s order (not ``object``) defines."""
    return {name for klass in cls.__mro__[:-1] for name in ("__getattr__", "__getattribute__") if name in vars(klass)}


def _stored_anywhere(cls, attr):
    """Whether a method of ``cls`` may store ``attr`` on an object (which would hide the
    method on an instance): one stores it, names ``setattr``, ``vars`` or ``__dict__``, or
    hands its ``self`` on (to a helper that could); or one astgrad cannot read exists."""
    for _, method_tree in _method_trees(cls):
        params = (method_tree.args.posonlyargs + method_tree.args.args) if method_tree is not None else []
        if method_tree is None or not params or _may_store(method_tree, params[0].id, attr):
            return True
    return False


def _may_store(tree, name, attr):
    """Whether ``tree`` may store ``attr`` on the object ``name`` holds: it stores or
    deletes an attribute of that name on anything, names ``setattr``, ``delattr``,
    ``vars`` or ``__dict__``, or names ``name`` otherwise than to read or store one of
    its attributes (``name.x``), handing the object on."""
    attributes = set()
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Attribute):
            if node.attr == attr and not isinstance(node.ctx, gast.Load) or node.attr in _DYNAMIC:
                return True
            if isinstance(node.value, gast.Name):
                attributes.add(id(node.value))
        elif isinstance(node, gast.Name) and node.id in _DYNAMIC:
            return True
    return any(isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Load)
               and id(node) not in attributes for node in S.walk_nodes(tree))
