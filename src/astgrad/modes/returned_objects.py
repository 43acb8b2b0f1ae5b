"""What a function of the user's returns and what a method of it does, read off their
source, for the refusal of handed_arrays_read_again.py: the classes of the objects a
helper builds and returns (``def mk(b): check(b); return Acc(b)``), and whether a method
of such a class writes nothing in place (``self.data = self.data + v`` only rebinds the
attribute: the array the object was handed keeps its values).

Both answers are narrow on purpose: anything this module cannot read, or that may do
more than it sees, is "unknown" (None, False), and the caller then refuses as before."""

import inspect

import gast
import numpy

from ..core import syntax as S
from ..rules import registry

_SCOPED = (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp, gast.NamedExpr,
           gast.Yield, gast.YieldFrom, gast.Await, gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)
_HOOKS = ("__getattr__", "__getattribute__", "__setattr__")
_DEPTH = 4          # constructions inside constructions followed this deep


class Reads:
    """What the answers of this module read, for the caller to note as what the code made
    depends on (``refuse_handed_array_changed``): paths of global names of ``globals``
    (the differentiated function's module, whose functions alone are read here), and
    (class, attribute) pairs."""

    def __init__(self, globals_):
        self.globals = globals_
        self.paths, self.methods = [], []


def _tree_and_resolver(fn, noted):
    """(``fn``'s parsed tree, resolve(call)) where ``fn`` is a plain function of the
    user's whose source astgrad reads, with no closure, of the module whose globals
    ``noted`` reads (``noted.globals``): the global names the answer reads are noted
    there, so that the code made is made again where one is bound again; else None."""
    from ..frontend.normalize.class_functions import resolver, tree_of
    if not inspect.isfunction(fn) or fn.__closure__ or fn.__globals__ is not noted.globals \
            or fn.__code__.co_flags & (inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR):
        return None
    tree = tree_of(fn)
    if tree is None or tree.decorator_list:
        return None
    return tree, resolver(fn, tree)


def returned_classes(fn, noted):
    """The classes of the objects ``fn`` returns, where each of its ``return`` statements
    hands back a construction of a class of the user's (``return Acc(b)``) or a name ``fn``
    binds only to such constructions (``o = Acc(b); return o``); None otherwise (a
    ``return`` of anything else, a name bound otherwise too, a nested scope). What the
    answer read goes into ``noted`` (``_tree_and_resolver``)."""
    read = _tree_and_resolver(fn, noted)
    if read is None:
        return None
    tree, resolve = read
    nodes = [n for n in S.walk_nodes(tree) if n is not tree]
    if any(isinstance(n, _SCOPED) for n in nodes):
        return None
    params = {a.id for a in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs}
    built, stores = {}, {}
    for node in nodes:
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name):
            built.setdefault(node.targets[0].id, []).append(_built_class(node.value, resolve, noted))
        elif isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Del)):
            stores[node.id] = stores.get(node.id, 0) + 1
    # (a name bound otherwise too, a loop's target, an ``op=``, a parameter: not followed)
    other = params | {name for name, count in stores.items() if count != len(built.get(name, ()))}
    found = []
    returns = [n for n in nodes if isinstance(n, gast.Return)]
    for ret in returns:
        if isinstance(ret.value, gast.Name) and ret.value.id not in other:
            classes = built.get(ret.value.id, [None])
        else:
            classes = [_built_class(ret.value, resolve, noted)]
        if not classes or None in classes:
            return None
        found += [cls for cls in classes if cls not in found]
    return tuple(found) or None


def _built_class(value, resolve, noted):
    """The class of the user's ``value`` constructs (``Acc(b)``), or None."""
    if not isinstance(value, gast.Call):
        return None
    cls = resolve(value)
    if cls is not None:             # (a global name path: one rebound makes the code again)
        noted.paths.append(tuple(S.dotted_path(value.func)))
    return cls if _plain_class(cls) else None


def _plain_class(cls):
    """Whether ``cls`` is a class of the user's that Python builds by calling its
    ``__init__`` on a new object (no ``__new__`` nor metaclass of its own)."""
    return isinstance(cls, type) and type(cls) is type and cls.__module__ not in ("builtins", "numpy") \
        and all("__new__" not in vars(klass) for klass in cls.__mro__[:-1])


def writes_nothing(cls, name, noted, depth=0):
    """Whether the method ``name`` of ``cls`` changes nothing in place: a plain function
    whose body (after a docstring) binds names and attributes of its object only
    (``self.data = self.data + v``; no ``op=``, which NumPy does in place, no item
    store, no ``del``, no branch or loop), reads no property of its object, and calls
    only functions with rules that write into none of their arguments (``np.sin``) and
    classes of the user's whose ``__init__`` is such a method too. A class without an
    ``__init__`` of its own writes nothing at ``__init__``."""
    if any(hook in vars(klass) for klass in cls.__mro__[:-1] for hook in _HOOKS):
        return False            # (reading or binding an attribute runs code of the user's)
    method = inspect.getattr_static(cls, name, None)
    noted.methods.append((cls, name))
    if method is None and name == "__init__":
        return True
    if name == "__init__" and method is object.__init__:
        return True
    read = _tree_and_resolver(method, noted)
    if read is None:
        return False
    tree, resolve = read
    params = tree.args.posonlyargs + tree.args.args
    if not params:
        return False
    me = params[0].id
    if name != "__init__" and _attribute_stored(cls, name):
        return False            # (an attribute of that name on the object would be called instead)
    body = tree.body[1:] if tree.body and _docstring(tree.body[0]) else tree.body
    for stmt in body:
        if isinstance(stmt, gast.Assign):
            if not all(isinstance(t, gast.Name) or _own_attribute(t, me) for t in stmt.targets):
                return False
        elif not isinstance(stmt, (gast.Return, gast.Pass)):
            return False
    nodes = [n for stmt in body for n in S.walk_nodes(stmt)]
    if any(isinstance(n, _SCOPED) for n in nodes):
        return False
    for node in nodes:
        if isinstance(node, gast.Attribute) and _own_attribute(node, me):
            noted.methods.append((cls, node.attr))
            if hasattr(type(inspect.getattr_static(cls, node.attr, None)), "__get__"):
                return False    # a property (or a method read as a value): code this does not read
        if isinstance(node, gast.Call) and not _call_writes_nothing(node, resolve, noted, depth):
            return False
    return True


def _attribute_stored(cls, attr):
    """Whether code of ``cls`` may bind an attribute named ``attr`` (of any object): a
    function of its classes assigning one, or one whose source astgrad cannot read."""
    from ..frontend.normalize.class_functions import method_sites, tree_of
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


def _call_writes_nothing(call, resolve, noted, depth):
    """Whether ``call`` (in a method ``writes_nothing`` reads) is of a function with a
    rule writing into none of its arguments, or of a class whose ``__init__`` writes
    nothing."""
    if any(kw.arg == "out" for kw in call.keywords):
        return False
    target = resolve(call)
    if target is not None:
        noted.paths.append(tuple(S.dotted_path(call.func)))
    if _plain_class(target):
        return depth < _DEPTH and writes_nothing(target, "__init__", noted, depth + 1)
    try:
        record = registry.primitive(target)
    except TypeError:               # an unhashable callable is none of them
        return False
    return record is not None and record.mutates is None \
        and not (getattr(target, "__name__", None) == "at" and isinstance(getattr(target, "__self__", None),
                                                                           numpy.ufunc))


def _own_attribute(node, me):
    return isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and node.value.id == me


def _docstring(stmt):
    return isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant) and isinstance(stmt.value.value, str)
