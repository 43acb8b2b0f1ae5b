"""Whether a method of a class of the user's changes anything in place, read off its
source: ``def norm(self): return np.sqrt(np.sum(self.d ** 2))`` does not. Two callers
ask: factory_calls.py folds a helper that checks its input before it builds an object
only where the methods the function calls on the object are of this kind, asking about
bindings of names alone (``binds_attributes=False``); modes/handed_arrays_read_again.py lets a
method of an object a helper built and returned run on an array the function reads
again where it only binds names and attributes of its object (``self.data = self.data +
v`` rebinds the attribute: the array the object was handed keeps its values).

The answer is narrow on purpose: anything this module cannot read, or that may run
more than it sees (an item store, ``op=``, which NumPy does in place, a method of an
attribute, a branch, a property, a hook such as ``__setattr__``, ``out=``,
``numpy.add.at``), is "may write" (False)."""

import builtins
import inspect

import gast

from ...analysis.mutation import is_ufunc_at, positional_out
from ...core import syntax as S
from ...rules import registry
from .class_functions import method_sites, resolver, tree_of

_HOOKS = ("__getattr__", "__getattribute__", "__setattr__")
SCOPED = (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp, gast.NamedExpr,
           gast.Yield, gast.YieldFrom, gast.Await, gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)
_DEPTH = 4          # constructions inside constructions followed this deep
_NOT_PLAIN = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR


def writes_nothing(cls, name, noted=None, depth=0, binds_attributes=True, held=(), getters=False, others=None):
    """Whether the method ``name`` of ``cls`` changes nothing in place: a plain function
    whose body (constant statements such as a docstring aside) binds names only, and
    attributes of its object where ``binds_attributes`` (no ``op=``, no item store, no
    ``del``, no branch or loop), reads no property of its object, and calls only
    functions with rules that write into none of their arguments (``np.sin``) and, where
    ``binds_attributes``, classes of the user's whose ``__init__`` is such a method too;
    its other attribute reads only of modules (``np.pi``: ``self.inner.total`` may run a
    property of the object held).
    A class without an ``__init__`` of its own writes nothing at ``__init__``.

    ``noted`` (a ``Reads`` of modes/returned_objects.py, or None) takes what the answer
    read: (class, attribute) pairs and the paths of global names, so that code made on
    it is made again where one is bound again; where it is given, only functions of the
    module of its ``globals`` are read.

    ``held`` is the classes of the user's whose objects the attributes of ``cls``'s object
    may hold (modes/returned_objects.py ``held_classes``), or None where unknown: reading
    an attribute then may run their code (``self.inner[1]`` runs ``Inner.__getitem__``,
    ``self.inner * v`` its ``__mul__``, ``len(self.inner)`` its ``__len__``), so the
    answer is "may write" unless every method of theirs writes nothing too.

    ``getters``: a property with a getter alone is asked of its getter (held_objects.py,
    asking of every function an object may run).

    ``others`` (a list, or None): where given, an attribute read of another parameter
    the body never binds (``o.k`` in ``__lt__(self, o)``) is allowed, its name added to
    ``others``: the caller checks, when it knows the objects compared, that no property
    or ``__getattr__`` of theirs runs there (hooked_items.py)."""
    if any(hook in vars(klass) for klass in cls.__mro__[:-1] for hook in _HOOKS):
        return False            # (reading or binding an attribute runs code of the user's)
    method = _asked_method(cls, name, noted, getters)
    if name == "__init__" and (method is None or method is object.__init__):
        return True
    read = readable_function(method, noted)
    if read is None:
        return False
    tree, resolve = read
    params = tree.args.posonlyargs + tree.args.args
    if not params:
        return False
    me = params[0].id
    if name != "__init__" and _attribute_stored(cls, name):
        return False            # (an attribute of that name on the object would be called instead)
    body = [stmt for stmt in tree.body if not _constant(stmt)]
    if not _binds_only(body, me, binds_attributes):
        return False
    nodes = [n for stmt in body for n in S.walk_nodes(stmt)]
    if others is not None:
        bound = {t.id for stmt in body if isinstance(stmt, gast.Assign) for t in stmt.targets
                 if isinstance(t, gast.Name)}
        plain_getattr = method.__globals__.get("getattr", builtins.getattr) is builtins.getattr
        nodes = _others_read(nodes, {p.id for p in params[1:]} - bound, others, plain_getattr)
    return _nodes_write_nothing(cls, method, me, nodes, resolve, noted, depth, binds_attributes, held)


def _others_read(nodes, partners, others, plain_getattr):
    """``nodes`` without the attribute reads of a name in ``partners`` (``o.k``, and
    ``getattr(o, "k", None)`` where ``getattr`` is Python's), their names added to
    ``others``: each is read as the name alone."""
    kept = []
    for node in nodes:
        if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) \
                and node.value.id in partners and isinstance(node.ctx, gast.Load):
            others.append(node.attr)
            continue
        if plain_getattr and isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
                and node.func.id == "getattr" and 2 <= len(node.args) <= 3 and not node.keywords \
                and isinstance(node.args[0], gast.Name) and node.args[0].id in partners \
                and isinstance(node.args[1], gast.Constant) and isinstance(node.args[1].value, str):
            others.append(node.args[1].value)
            continue
        kept.append(node)
    return kept


def _asked_method(cls, name, noted, getters):
    """The method ``name`` of ``cls`` as written in its class (a property's getter where
    ``getters`` and it has no setter or deleter), noted as read."""
    method = inspect.getattr_static(cls, name, None)
    if getters and isinstance(method, property) and method.fset is None and method.fdel is None:
        method = method.fget
    _note(noted, "methods", (cls, name))
    return method


def _nodes_write_nothing(cls, method, me, nodes, resolve, noted, depth, binds_attributes, held):
    """Whether the nodes of the body of ``method`` (its object named ``me``) open no scope,
    read attributes of its object only where what they hold writes nothing and no
    property runs, other attributes only of modules, and call only what writes nothing."""
    if any(isinstance(n, SCOPED) for n in nodes):
        return False
    if any(_own_attribute(n, me) and isinstance(n.ctx, gast.Load) for n in nodes) \
            and not _held_write_nothing(held, noted, depth, binds_attributes):
        return False
    for node in nodes:
        if isinstance(node, gast.Attribute) and _own_attribute(node, me):
            _note(noted, "methods", (cls, node.attr))
            if hasattr(type(inspect.getattr_static(cls, node.attr, None)), "__get__"):
                return False    # a property (or a method read as a value): code this does not read
        elif isinstance(node, gast.Attribute) and not _of_a_module(node, method.__globals__):
            return False        # (self.inner.total, v.size: a property of an object of the user's runs code)
        if isinstance(node, gast.Call) \
                and not _call_writes_nothing(node, resolve, noted, depth, binds_attributes, held):
            return False
    return True


def _binds_only(body, me, binds_attributes):
    """Whether the statements ``body`` are assignments to names other than ``me``
    (``self`` bound again: its attributes would be another object's) and, where
    ``binds_attributes``, to attributes of ``me``, a ``return`` or ``pass``."""
    for stmt in body:
        if isinstance(stmt, gast.Assign):
            if not all(isinstance(t, gast.Name) and t.id != me
                       or binds_attributes and _own_attribute(t, me) for t in stmt.targets):
                return False
        elif not isinstance(stmt, (gast.Return, gast.Pass)):
            return False
    return True


def _held_write_nothing(held, noted, depth, binds_attributes):
    """Whether no method of the classes in ``held`` (None: unknown) changes anything in
    place, so that an item read, an operator or a call on what an attribute holds runs
    no code that writes."""
    if held is None:
        return False
    if not held:
        return True
    if depth >= _DEPTH:
        return False
    return all(writes_nothing(cls, name, noted, depth + 1, binds_attributes, held)
               for cls in held for klass in cls.__mro__[:-1] for name, value in vars(klass).items()
               if name not in ("__init__", "__dict__", "__weakref__") and (inspect.isfunction(value) or hasattr(type(value), "__get__")))


def readable_function(fn, noted=None):
    """(``fn``'s parsed tree, resolve(call)) where ``fn`` is a plain function of the
    user's (no generator, no coroutine) whose source astgrad reads, with no closure and
    no decorator, and, where ``noted`` is given, of the module whose globals it reads
    (``noted.globals``); else None."""
    if not inspect.isfunction(fn) or fn.__closure__ or fn.__code__.co_flags & _NOT_PLAIN \
            or noted is not None and fn.__globals__ is not noted.globals:
        return None
    tree = tree_of(fn)
    if tree is None or tree.decorator_list:
        return None
    return tree, resolver(fn, tree)


def plain_class(cls):
    """Whether ``cls`` is a class of the user's that Python builds by calling its
    ``__init__`` on a new object (no ``__new__`` nor metaclass of its own)."""
    return isinstance(cls, type) and type(cls) is type and cls.__module__ not in ("builtins", "numpy") \
        and all("__new__" not in vars(klass) for klass in cls.__mro__[:-1])


def _call_writes_nothing(call, resolve, noted, depth, binds_attributes, held):
    """Whether ``call`` (in a method ``writes_nothing`` reads) is of a function with a
    rule writing into none of its arguments, none given as its ``out`` (by keyword, by
    position, or maybe in ``*``/``**``), or of a class whose ``__init__`` writes nothing."""
    if any(kw.arg in ("out", None) for kw in call.keywords) or any(isinstance(a, gast.Starred) for a in call.args):
        return False
    target = resolve(call)
    if target is not None:      # (a global name path: one rebound makes the code again)
        _note(noted, "paths", tuple(S.dotted_path(call.func)))
    if plain_class(target):
        return binds_attributes and depth < _DEPTH \
            and writes_nothing(target, "__init__", noted, depth + 1, binds_attributes, held)
    try:
        record = registry.primitive(target)
    except TypeError:               # an unhashable callable is none of them
        return False
    return record is not None and record.mutates is None and positional_out(target, len(call.args)) is None \
        and not is_ufunc_at(target)


def _attribute_stored(cls, attr):
    """Whether code of ``cls`` may bind an attribute named ``attr`` (of any object): a
    function of its classes assigning one, or one whose source astgrad cannot read."""
    for site in method_sites(cls):
        if site is None or _stores(site[0], attr):
            return True
    for klass in cls.__mro__[:-1]:          # (method_sites leaves these out: not given the object)
        for value in vars(klass).values():
            if isinstance(value, (staticmethod, classmethod)):
                tree = tree_of(value.__func__) if inspect.isfunction(value.__func__) else None
                if tree is None or _stores(tree, attr):
                    return True
    return False


def _stores(tree, attr):
    return any(isinstance(n, gast.Attribute) and n.attr == attr and isinstance(n.ctx, gast.Store)
               or isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and n.func.id == "setattr"
               for n in S.walk_nodes(tree))


def _note(noted, kind, what):
    if noted is not None:
        getattr(noted, kind).append(what)


def _of_a_module(node, globals_):
    """Whether ``node`` reads a name of a module a global name holds (``np.pi``, ``np.linalg``)."""
    while isinstance(node, gast.Attribute):
        node = node.value
    return isinstance(node, gast.Name) and inspect.ismodule(globals_.get(node.id))


def _own_attribute(node, me):
    return isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and node.value.id == me


def _constant(stmt):
    """A statement of a constant alone (a docstring, ``...``), which does nothing."""
    return isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant)
