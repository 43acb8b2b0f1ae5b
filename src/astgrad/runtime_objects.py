"""Helpers generated code calls for the attributes of objects: ``p.W`` on a dataclass,
a namedtuple, ``self`` in a method.

The derivative of an object is the derivative of what the code reads from it: an
``AdjointObject`` (a dict from attribute name to that attribute's derivative; a missing
name has derivative zero), or for a namedtuple the ``AdjointList`` of its fields, so that
``p.W`` and ``p[0]`` add up to the same derivative. ``None`` is the zero derivative of
any object. Each helper has its rules in ``rules/object_rules.py``.

Only stored attributes carry a derivative: a property or other computed attribute read
from an object whose class astgrad does not know when it generates the code is refused
when the derivative is needed (its getter's code is not differentiated)."""

import functools
import inspect
import types

import numpy

from .plain_objects import plain_attributes
from .records import is_record, record_items
from .runtime import _ABSENT_ITEM, AdjointDict, AdjointList, _is_zero_placeholder, add_derivatives, own_items, zeros_like


class AdjointObject(AdjointDict):
    """The derivative of an object: attribute name -> the derivative of that attribute."""

    of_object = True        # not a dict's (runtime.gather refuses to add up its items)

    def __add__(self, other):
        return AdjointObject(AdjointDict.__add__(self, other))

    __radd__ = __add__
    __iadd__ = __add__

    def __missing__(self, key):
        # g[k] in forward code, for obj[k] on an object: read through the class's own
        # __getitem__, whose code is not differentiated (reverse code refuses in unindex)
        if not isinstance(key, str):
            raise TypeError(
                "astgrad: this reads an item (obj[k]) of an object whose class reads items with code of its "
                "own; astgrad follows the items of lists, dicts and arrays. Call a method of the object "
                "(obj.get(k)) or hold a list, a dict or an array")
        return _ABSENT_ITEM

    def __getattr__(self, name):
        # g.W on a dataclass's gradient taken inside differentiated code (the generated
        # code reads fields as attributes): the field's derivative
        if not name.startswith("_") and name in self:
            return dict.__getitem__(self, name)
        raise AttributeError(f"'AdjointObject' object has no attribute '{name}'")

    def __repr__(self):
        return f"AdjointObject({dict.__repr__(self)})"


class ItemReadingObjectTangent(AdjointObject):
    """The tangent of an object whose class reads items with code of its own
    (``__getitem__``): forward code takes the tangent of ``p[k]`` as ``d_p[k]``, which
    would be an attribute's tangent (or zero) rather than that code's derivative, so
    reading an item of it raises ``own_items``'s TypeError."""

    def __getitem__(self, key):
        own_items(self._like, "__getitem__")
        return dict.__getitem__(self, key)


def record_gradient(g, like):
    """The gradient ``g`` with respect to ``like``, taken inside differentiated code
    (``astgrad.grad(loss)(params)``): for a dataclass ``like``, an AdjointObject with every
    field (zero where ``g`` has none), whose fields the code reads as ``g.W``; for a
    namedtuple, one of its class; any other gradient as it is."""
    if isinstance(like, tuple) and isinstance(getattr(type(like), "_fields", None), tuple) \
            and isinstance(g, list) and len(g) == len(like):
        return type(like)(*g)           # a namedtuple's gradient, its fields read as g.a
    if not is_record(like) or not (isinstance(g, AdjointObject) or _is_zero_placeholder(g)):
        return g
    fields = g if isinstance(g, AdjointObject) else {}
    return AdjointObject((name, dict.__getitem__(fields, name) if name in fields else zeros_like(item))
                         for name, item in record_items(like))


def attribute(obj, name):
    """``obj.<name>``: the primitive generated code writes as ``obj.name``."""
    return getattr(obj, name)


def _field_index(obj, name):
    """The position of field ``name`` in a namedtuple ``obj``, or None."""
    fields = getattr(type(obj), "_fields", None)
    if isinstance(obj, tuple) and isinstance(fields, tuple) and name in fields:
        return fields.index(name)
    return None


# descriptors without __set__ that are not computed values: methods (functools.cached_property
# is one that is: it computes the value on the first read and stores it)
_METHODS = (types.FunctionType, types.BuiltinFunctionType, types.MethodDescriptorType,
            types.WrapperDescriptorType, types.ClassMethodDescriptorType, staticmethod, classmethod,
            functools.partialmethod)


def _check_stored(obj, name):
    """Refuse a derivative through an attribute the object computes (a property, another
    descriptor): astgrad differentiates stored values only."""
    if isinstance(obj, (numpy.ndarray, numpy.generic)):
        _refuse_array_attribute(type(obj).__name__, name)
    static = inspect.getattr_static(type(obj), name, None)
    computed = static is not None and hasattr(type(static), "__get__") and (
        hasattr(type(static), "__set__") or hasattr(type(static), "__delete__")
        or not isinstance(static, _METHODS)) \
        and not inspect.ismemberdescriptor(static)
    if isinstance(static, functools.cached_property):
        raise TypeError(
            f"astgrad: {type(obj).__name__}.{name} is a functools.cached_property: Python computes it on "
            "the first read and keeps that value, even where the attributes it reads change later, and "
            "astgrad does not follow its code. Make it a @property (astgrad follows one read in a method, "
            "self.<property>, or on an object built in the code) where those attributes do not change, "
            "or read the stored attributes it computes from")
    if computed:
        raise TypeError(
            f"astgrad: {type(obj).__name__}.{name} is a {type(static).__name__}, computed when it is "
            "read, and its code is not differentiated here. Differentiate a method of the object "
            "(astgrad.grad(obj.method)), where self.<property> is followed, or read the stored "
            "attributes it computes from")


_MEMORY = {"base": " (the array it is a view of, or None)", "data": " (its buffer)", "ctypes": ""}


def _refuse_array_attribute(kind, name):
    """An attribute of an array with no derivative rule (``x.base``, ``x.data``)."""
    if name not in _MEMORY:
        raise TypeError(f"astgrad: {kind}.{name} has no derivative rule; compute what you need from the "
                        "array's elements with NumPy functions")
    raise TypeError(
        f"astgrad: {kind}.{name} tells which memory the array uses{_MEMORY[name]}, not a value computed "
        "from its elements, and astgrad does not differentiate through it. Read the array the view was made "
        "from where the code has it (keep it in a name of its own), or make that choice outside the "
        "differentiated function and pass what it needs as an argument")


def _method_of(obj, name):
    """Whether ``obj.<name>`` is ``obj`` itself as far as derivatives go: a method of its
    class bound to it (``other.up``, whose derivative is the object's), or the object a
    bound method holds (``method.__self__``, ``self.f = other.up`` read back)."""
    if name == "__self__":
        return type(obj) is types.MethodType
    return not isinstance(obj, (dict, list, tuple, numpy.ndarray, numpy.generic)) \
        and name not in getattr(obj, "__dict__", {}) \
        and inspect.isfunction(inspect.getattr_static(type(obj), name, None))


def attribute_adjoint(g, obj, name):
    """The derivative of ``obj`` when the derivative of ``obj.<name>`` is ``g`` and its
    other attributes have none (the transpose of ``attribute_tangent``); of a dict, the
    item ``obj[name]`` stands for the attribute. A method bound to ``obj`` carries the
    derivative of ``obj`` (``_method_of``)."""
    if _method_of(obj, name):
        return g
    if type(obj) is dict:
        return {key: add_derivatives(zeros_like(value), g) if key == name else zeros_like(value)
                for key, value in obj.items()}
    index = _field_index(obj, name)
    if index is not None:
        result = AdjointList(zeros_like(item) for item in obj)
        result[index] = add_derivatives(result[index], g)
        return result
    _check_stored(obj, name)
    return AdjointObject({name: g})


def check_wrt_path(value, root, steps, label):
    """Stop with the ValueError ``astgrad.grad`` gives where the argument a gradient with
    respect to a path (``wrt="p.z"``, ``"params['W']"``) is taken for lacks an attribute
    or a key along it: the code reading the path's part of the gradient (an exported
    module too, made without seeing the argument) checks it before it runs."""
    where = root
    for step in steps:
        if type(value) is dict:
            if step not in value:
                raise ValueError(f"wrt={label!r}: {where} (dict) has no key {step!r}; its keys are {list(value)}")
            where, value = f"{where}[{step!r}]", value[step]
        elif not hasattr(value, step):
            raise ValueError(f"wrt={label!r}: {where} ({type(value).__name__} object) has no attribute {step!r}")
        else:
            where, value = f"{where}.{step}", getattr(value, step)


def attribute_tangent(g, obj, name):
    """The derivative of ``obj.<name>`` in the derivative ``g`` of ``obj`` (zero where
    ``g`` has none); of a dict, of the item ``obj[name]``; of a method bound to ``obj``,
    ``g`` itself (``_method_of``)."""
    if _method_of(obj, name):
        return g
    if type(obj) is dict:
        value = dict.get(g, name) if isinstance(g, dict) else None
        return zeros_like(obj[name]) if value is None else value
    if g is None or (isinstance(g, (int, float)) and not isinstance(g, bool) and g == 0):
        return zeros_like(getattr(obj, name))
    index = _field_index(obj, name)
    if index is not None:
        return g[index]
    _check_stored(obj, name)
    value = (dict.__getitem__(g, name) if name in g else None) if isinstance(g, dict) else getattr(g, name, None)
    return zeros_like(getattr(obj, name)) if value is None else value


def record(cls, items):
    """A namedtuple ``cls(*items)``, or a dataclass ``cls(**items)`` (``items`` a dict):
    how generated code builds one, so that its derivative is its items' derivatives."""
    if isinstance(items, dict):
        return cls(**items)
    return cls(*items)


def replaceable_fields(obj, changes, how):
    """The names of the fields ``how`` (``dataclasses.replace(obj, ...)``,
    ``obj._replace(...)`` or ``obj._asdict()``) passes to the class: a dataclass's ``__init__`` fields, a
    namedtuple's fields; Python's error for anything else or a name in ``changes`` that
    is not such a field."""
    import dataclasses
    if how == "replace":
        if not is_record(obj):
            raise TypeError("replace() should be called on dataclass instances")
        names = tuple(f.name for f in dataclasses.fields(obj) if f.init)
        if any(k not in names for k in changes):
            dataclasses.replace(obj, **changes)     # raises Python's own error
        return names
    names = getattr(type(obj), "_fields", None)
    if not (isinstance(obj, tuple) and isinstance(names, tuple)):
        if hasattr(obj, how):       # a method of another class, with a namedtuple's name
            raise TypeError(
                f"astgrad: .{how}() was differentiated as the namedtuple method, but it was called on a "
                f"{type(obj).__name__} object; call a module-level function with the object's arrays "
                "instead, or wrap the value in astgrad.stop_gradient(...)")
        raise AttributeError(f"'{type(obj).__name__}' object has no attribute '{how}'")
    if any(k not in names for k in changes):
        obj._replace(**changes)                     # raises Python's own error (ValueError, TypeError in 3.13)
    return names


def fields_dict(names, values):
    """``{name: value}`` for the fields a replaced dataclass is built from (linear in
    ``values``; its rules are in rules/object_rules.py)."""
    return dict(zip(names, values))


def field_values(g, names, like):
    """The derivative of the values ``fields_dict(names, like)`` was built from, when the
    dict's derivative is ``g`` (a mapping, a record of tangents, or zero): one per name,
    zero where ``g`` has none (the transpose of ``fields_dict``)."""
    def part(name, value):
        if g is None or _is_zero_placeholder(g):
            found = None
        elif isinstance(g, dict):
            found = g.get(name)
        else:
            found = getattr(g, name, None)
        return zeros_like(value) if found is None else found
    return AdjointList(part(name, value) for name, value in zip(names, like))


def instance(cls, attributes):
    """An instance of ``cls`` whose ``__dict__`` is ``attributes``: how generated code
    builds an object of a user class, whose ``__init__`` it ran as a function returning
    the attributes it stores (frontend/normalize/instances.py), so that the derivative
    of the object is the derivative of those attributes. A derivative that is zero (or
    None) stays as it is."""
    if not isinstance(attributes, dict):
        return attributes
    obj = cls.__new__(cls)
    _store_attributes(obj, attributes)
    return obj


def class_default(cls, name):
    """``self.<name>`` read in ``__init__`` before the object holds it: the attribute of
    its class ``cls``, where that is a value (a method or a property would be bound to
    the object, which the code built from its ``__init__``'s twin does not have)."""
    value = getattr(cls, name)      # Python's AttributeError where the class has none either
    if hasattr(type(value), "__get__") and not isinstance(value, type):
        raise TypeError(f"astgrad: {cls.__name__}.__init__ reads self.{name} before storing it, and "
                        f"{cls.__name__}.{name} is a {type(value).__name__}, not a stored value; astgrad "
                        f"does not follow that. Store the value first, or call the method after building the object")
    return value


def _store_attributes(obj, attributes):
    """Store ``attributes`` on ``obj`` (new, of a class without a ``__setattr__`` of its
    own) as ``self.name = value`` in ``__init__`` would: into its ``__dict__``, or into
    its ``__slots__`` (Python's AttributeError for a name its slots lack)."""
    if type(obj).__dictoffset__ and not _has_slots(type(obj)):
        obj.__dict__.update(attributes)
    else:
        for name, value in attributes.items():
            object.__setattr__(obj, name, value)


def _has_slots(cls):
    return any(vars(klass).get("__slots__") for klass in cls.__mro__[:-1])



def object_tangent(attributes, like=None):
    """The tangent of an object ``instance`` built from ``attributes`` (their tangents):
    an AdjointObject, as every derivative of an object is; for an object ``like`` whose
    class reads items with code of its own, one that refuses item reads."""
    if not isinstance(attributes, dict):
        return attributes
    if like is None or not inspect.isfunction(getattr(type(like), "__getitem__", None)):
        return AdjointObject(attributes)
    made = ItemReadingObjectTangent(attributes)
    made._like = like
    return made


def with_attribute(obj, name, value):
    """``obj`` with the attribute ``name`` set to ``value``, as a new object of its class:
    generated code's ``p.W = v`` on an object the code built and nothing else refers to
    (frontend/normalize/instances.py), so that the write is a new value like any other."""
    made = type(obj).__new__(type(obj))
    _store_attributes(made, {**dict(plain_attributes(obj)), name: value})
    return made


def deleted_attribute(obj, name):
    """``obj`` without the attribute ``name``, as a new object of its class: generated
    code's ``del p.W`` on an object the code built and nothing else refers to
    (frontend/normalize/deletions.py). Python's AttributeError where ``obj`` holds none."""
    made = type(obj).__new__(type(obj))
    _store_attributes(made, dict(plain_attributes(obj)))
    delattr(made, name)
    return made


def without_attribute(g, name):
    """The derivative ``g`` of an object with nothing for its attribute ``name``: what
    goes back to the object ``with_attribute`` was given."""
    if g is None or _is_zero_placeholder(g) or (isinstance(g, (int, float)) and not isinstance(g, bool) and g == 0):
        return g
    items = g if isinstance(g, dict) else vars(g)
    return AdjointObject((key, value) for key, value in items.items() if key != name)


def attributes_but(obj, name):
    """The values of the attributes of ``obj`` other than ``name``: what else of an
    argument's object may reach an item of the list its attribute ``name`` holds."""
    return tuple(value for key, value in plain_attributes(obj) if key != name)


def argument_object_alone(obj, others, scopes, name, where):
    """Checked before a method assigning attributes of ``self`` runs on the object the
    argument ``name`` gives (frontend/normalize/argument_objects.py): the derivative
    follows it on a copy, which is right only where nothing else the code reads reaches
    the object: ``others`` (the other arguments), the globals and closure variables
    ``scopes`` names ((scope, names) pairs) and the object's own attributes. Python would show the change there."""
    values = list(others) + [value for _, value in plain_attributes(obj)]
    values += [scope[key] for scope, keys in scopes for key in keys if key in scope]
    reached = list(_reached(values))
    if len(reached) >= _REACHED_LIMIT or any(held is obj for held in reached):
        raise TypeError(
            f"astgrad: {where}: the object the argument {name} gives is also reached otherwise here (through "
            "another argument, a global or closure variable the code reads, or its own attributes), where Python "
            "shows the change the method makes to it; astgrad follows the method on a copy of the object, which "
            f"that other way would not show. Hand the function the object only once, as {name}")


_REACHED_LIMIT = 100000     # more objects than that are not looked through: refused


class ClosureCells:
    """The closure variables of a function as a scope ``argument_object_alone`` reads:
    each read when the code runs (a cell may be rebound after the code was made)."""
    __slots__ = ("cells",)

    def __init__(self, fn):
        self.cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))

    def __contains__(self, name):
        try:
            self.cells[name].cell_contents
        except (KeyError, ValueError):      # (not a closure variable; one not bound yet)
            return False
        return True

    def __getitem__(self, name):
        return self.cells[name].cell_contents


def _reached(values):
    """The objects ``values`` are or hold (through lists, tuples, dicts and the attributes
    of objects), each once, at most ``_REACHED_LIMIT`` of them."""
    todo, opened = list(values), set()
    while todo and len(opened) < _REACHED_LIMIT:
        item = todo.pop()
        if id(item) in opened or isinstance(item, (numpy.ndarray, str, bytes, int, float, complex, type,
                                                   types.ModuleType, types.FunctionType)):
            continue
        opened.add(id(item))
        yield item
        if isinstance(item, (list, tuple, set, frozenset)):
            todo.extend(item)
        elif isinstance(item, dict):
            todo.extend(item.values())
        else:
            todo.extend(value for _, value in plain_attributes(item))
