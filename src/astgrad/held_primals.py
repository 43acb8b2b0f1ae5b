"""The primals a vjp's pullback differentiates at, and the check that they are still so.

The pullback runs ``f``'s derivative code when it is called, on the primals ``vjp`` was
given. An array among them written into after ``vjp`` (``x -= lr * g`` before the pullback
is called) would move the point the pullback differentiates at away from the one ``out``
was computed at, with no error; the pullback refuses that, as PyTorch refuses a backward
pass through a tensor changed in place since it was saved. The arrays a dataclass's fields
or a namedtuple hold (a pytree's leaves, as vjp differentiates them) are compared too."""

import types

import numpy

from .array_layout import same_layout_copy
from .fresh_collections import COPIED_KINDS, copy_of_collection
from .plain_objects import plain_attributes
from .records import is_record, record_items


def copies_of_arrays(values):
    """``values`` with their arrays copied (in lists, tuples and dicts too), other values
    as they are: what a transform that calls ``f`` itself gives it, so the caller's
    arguments stay as they were where ``f`` writes into them, as with its generated code
    (a set, a deque, a bytearray or an ``array.array`` is copied too: fresh_collections.py).
    A read-only array's copy is read-only: ``f`` writing into it raises NumPy's error, as
    it does called on the array itself. An object of a class of the user's is copied too
    (its attributes copied so), once however often the values hold it: a method of it
    assigning ``self.v`` changes the copy, as the generated code works on a copy
    (frontend/normalize/argument_objects.py)."""
    copied = {}         # id of an object -> its copy
    return [_copied(value, False, copied) for value in values]


def kept_primals(primals):
    """What ``first_change`` compares ``primals`` with later: their arrays copied, also
    those the fields of a dataclass or a namedtuple hold."""
    return [_copied(value, True, {}) for value in primals]


def _copied(value, fields, copied):
    if fields and _fields_of(value) is not None:
        return _Fields(value)
    kind = type(value)
    if kind is numpy.ndarray:
        copy = same_layout_copy(value)      # (a reshape of it is a view where one of value is)
        if value.dtype == object:           # its items are copied too, as a list's are
            for index in numpy.ndindex(value.shape):
                copy[index] = _copied(value[index], fields, copied)
        copy.flags.writeable = value.flags.writeable
        return copy
    if kind in (list, tuple):
        return kind(_copied(item, fields, copied) for item in value)
    if kind is dict:
        return {key: _copied(item, fields, copied) for key, item in value.items()}
    if not fields and kind in COPIED_KINDS:     # a set, a deque, ...: a run may take items out
        if id(value) not in copied:
            copied[id(value)] = copy_of_collection(value)
        return copied[id(value)]
    if not fields and _copied_object(value):
        if id(value) not in copied:
            copy = copied[id(value)] = kind.__new__(kind)
            for name, item in plain_attributes(value):      # (its __dict__, or its slots)
                object.__setattr__(copy, name, _copied(item, fields, copied))
        return copied[id(value)]
    return value


class _Fields:
    """The fields of a dataclass instance or a namedtuple, their arrays copied: what the
    pullback compares the object's fields with (the object itself is given to ``f``)."""

    def __init__(self, value):
        self.kind, self.fields = type(value), {name: _copied(item, True, {}) for name, item in _fields_of(value)}


def _fields_of(value):
    """(name, value) for the fields of a dataclass instance or a namedtuple; None for any other value."""
    if is_record(value):
        return record_items(value)
    if isinstance(value, tuple) and hasattr(type(value), "_fields"):
        return list(zip(type(value)._fields, value))
    return None


def _copied_object(value):
    """An instance of a user's class keeping its attributes in a ``__dict__``, in
    ``__slots__`` or in both (plain_attributes reads both; the code made for a method on
    it works on such a copy too), with no ``__new__`` of its own that a copy would skip."""
    from .frontend.object_layouts import looked_into     # (import astgrad loads no frontend)
    kind = type(value)
    slotted = any("__slots__" in vars(base) for base in kind.__mro__[:-1])
    if not slotted and not isinstance(getattr(value, "__dict__", None), dict):
        return False
    return looked_into(kind) \
        and kind.__new__ is object.__new__ and not isinstance(value, (type, types.ModuleType, types.FunctionType,
                                                                      types.MethodType))


def first_change(primals, held):
    """Where ``primals`` (or the items of a list or dict, the fields of a dataclass or a
    namedtuple among them) no longer hold what ``held`` (from ``kept_primals``) kept
    (``"0"``, ``"1['w']"``, ``"0.w"``), or None where nothing changed."""
    for position, (value, kept) in enumerate(zip(primals, held)):
        where = _changed(value, kept, str(position))
        if where is not None:
            return where
    return None


def _changed(value, kept, where):
    if isinstance(kept, _Fields):
        if type(value) is not kept.kind:
            return where
        now = dict(_fields_of(value))
        if now.keys() != kept.fields.keys():
            return where
        return next((place for place in (_changed(now[name], item, f"{where}.{name}")
                                         for name, item in kept.fields.items()) if place is not None), None)
    kind = type(kept)
    if kind in (numpy.ndarray, list, tuple, dict) and type(value) is not kind:
        return where
    if kind is numpy.ndarray and kept.dtype == object:
        if value.shape != kept.shape or value.dtype != object:
            return where
        return next((place for place in (_changed_item(value[i], kept[i], f"{where}[{', '.join(map(str, i))}]")
                                         for i in numpy.ndindex(kept.shape)) if place is not None), None)
    if kind is numpy.ndarray:
        same = value.shape == kept.shape and numpy.array_equal(value, kept, equal_nan=kept.dtype.kind in "fc")
        return None if same else where
    if kind in (list, tuple):
        if len(value) != len(kept):
            return where
        return next((place for place in (_changed(v, k, f"{where}[{i}]") for i, (v, k) in enumerate(zip(value, kept)))
                     if place is not None), None)
    if kind is dict:
        if value.keys() != kept.keys():
            return where
        return next((place for place in (_changed(value[key], kept[key], f"{where}[{key!r}]") for key in kept)
                     if place is not None), None)
    return None


def _changed_item(value, kept, where):
    """``_changed`` for an item of an array of objects, which may also have been replaced
    by another number or object (``x[0] = 5.0``)."""
    if type(kept) in (numpy.ndarray, list, tuple, dict, _Fields):
        return _changed(value, kept, where)
    if value is kept:
        return None
    try:
        return None if type(value) is type(kept) and bool(value == kept) else where
    except (TypeError, ValueError):     # (a comparison giving no single truth value)
        return where


def refuse_changed_primals(primals, held, name):
    """The ValueError for a primal written into since ``vjp`` made the pullback ``name``."""
    where = first_change(primals, held)
    if where is not None:
        raise ValueError(f"{name}: primal {where} was written into after vjp was called, so the pullback would "
                         "differentiate at another point than the one vjp's output was computed at; call "
                         "the pullback before changing the primal in place, or call vjp again at the new point "
                         "(or give vjp a copy: vjp(f, x.copy()))")
