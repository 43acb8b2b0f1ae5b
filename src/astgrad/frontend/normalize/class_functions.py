"""The functions the classes of an object give it to (its methods, a property's
functions), each as (tree, the name of its ``self``, resolve(call), the function), for
the analyses reading what they do with an attribute (self_containers.py,
handed_arrays.py, number_attributes.py)."""

import inspect

from ...core import syntax as S
from ...core.missing import MISSING
from .foreign import lookup


def method_sites(cls):
    """(tree, self's name, resolve(call), the function) for each function the classes of ``cls`` give
    the object to (methods, a property's functions); None for one whose source astgrad
    cannot read, or for another kind of descriptor (``functools.cached_property``)."""
    for klass in cls.__mro__[:-1]:
        for name, value in vars(klass).items():
            if isinstance(value, (staticmethod, classmethod)) or name in ("__dict__", "__weakref__") \
                    or _object_slot(value):
                continue            # not given the object; Python's own
            if isinstance(value, property):
                functions = [fn for fn in (value.fget, value.fset, value.fdel) if fn is not None]
            elif inspect.isfunction(value):
                functions = [value]
            elif hasattr(type(value), "__get__"):
                functions = [None]  # code given the object that is not read here
            else:
                continue            # a class attribute holding a value
            for fn in functions:
                tree = tree_of(fn) if inspect.isfunction(fn) else None
                params = tree.args.posonlyargs + tree.args.args if tree is not None else []
                yield (tree, params[0].id, resolver(fn, tree), fn) if params else None


# slots of ``object`` that bind no attribute and run, at most, another method of the
# class (``object.__ne__`` its ``__eq__``, ``object.__str__`` its ``__repr__``)
_OBJECT_SLOTS = frozenset({"__hash__", "__repr__", "__str__", "__format__", "__eq__", "__ne__", "__lt__", "__le__",
                           "__gt__", "__ge__", "__sizeof__", "__dir__"})


def _object_slot(value):
    """Whether ``value`` is such a slot of ``object`` (``__hash__ = object.__hash__``, which
    a class defining ``__eq__`` writes to stay hashable): no code given the object
    that a site would need to read."""
    return getattr(value, "__objclass__", None) is object and getattr(value, "__name__", None) in _OBJECT_SLOTS


def tree_of(fn):
    """The parsed tree of ``fn``, or None where astgrad cannot read its source."""
    from ..source import parse_function
    try:
        return parse_function(fn).tree
    except Exception:       # noqa: BLE001 - a method astgrad cannot read: not shown to keep anything
        return None


def resolver(fn, tree):
    """``resolve(call)``: the object a call in ``fn`` calls by a dotted name of its
    globals or closure (not a local of ``tree``), or None."""
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    local = S.stored_names(tree) | {a.id for a in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs}

    def resolve(call):
        path = S.dotted_path(call.func)
        if path is None or path[0] in local:
            return None
        value = lookup(fn.__globals__, cells, path[0])
        for name in path[1:]:
            value = getattr(value, name, MISSING) if value is not MISSING else MISSING
        return None if value is MISSING else value
    return resolve
