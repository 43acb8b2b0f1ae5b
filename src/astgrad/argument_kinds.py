"""The kind of each argument of a call, as a plain value: what specialized code is made for.

A kind says what generated code can rely on about a value without knowing its size:

- ``"float"`` and ``"int"``: a Python float or int (not a bool, not a NumPy scalar);
- ``"<f8[]"``, ``"<f4[n,1]"``, ...: a NumPy array, by its dtype (``dtype.str``) and one
  letter per dimension, ``1`` where the dimension has length 1 and ``n`` where it has any
  other length (which is all broadcasting needs to know);
- ``"list"``: a Python list or tuple (or a subclass of one: a named tuple), whatever it
  holds: numbers, arrays, nested lists, lists of different lengths, or nothing. No shape
  is assumed: the code made for it reads a list operand of NumPy as the array NumPy reads
  it when the code runs (``runtime.list_rows``: a nested list as an n-d array, a list NumPy
  refuses as NumPy refuses it when the function itself runs, an empty list as it is);
- ``None``: anything else (a NumPy scalar, a dict, an object): nothing is assumed, except
  that it is not a list or tuple itself (those have their own kind).

Code specialized to a signature (a key with a kinds part, even an empty one) may rely on
that: only the parameters of kind ``"list"`` hold lists there. The general code (a key
with no kinds part) runs for anything, lists included: a callee's, the code beyond the
bound of versions, and the exported code.

A signature is the tuple of the kinds of a call's arguments. Both are strings, tuples
and None only, so they hash, compare, print and serialise (``repr`` / ``json``) as they
are, and a cache of generated code can put them into its key.
"""

import numpy

LIST = "list"

_ARRAY_KINDS = {}               # (dtype, shape) -> kind: a dict lookup on the common path
_ARRAY_KINDS_LIMIT = 4096


def kind_of(value):
    """The kind of one argument (see the module docstring)."""
    kind = type(value)
    if kind is float:
        return "float"
    if kind is int:
        return "int"
    if kind is numpy.ndarray:
        key = (value.dtype, value.shape)
        found = _ARRAY_KINDS.get(key)
        if found is None:
            found = _array_kind(value.dtype, value.shape)
            if len(_ARRAY_KINDS) < _ARRAY_KINDS_LIMIT:
                _ARRAY_KINDS[key] = found
        return found
    if isinstance(value, (list, tuple)):
        return LIST
    return None


def _array_kind(dtype, shape):
    return dtype.str + "[" + ",".join("1" if n == 1 else "n" for n in shape) + "]"


def signature(values):
    """The kinds of a call's arguments, in order: a tuple usable in any cache key."""
    return tuple(map(kind_of, values))


def is_scalar(kind):
    """A Python number or a 0-d array: shape ()."""
    return kind in ("float", "int") or (kind is not None and kind.endswith("[]"))


def is_array(kind):
    return kind is not None and kind.endswith("]")


def layout(kind):
    """An array kind's dimensions, True where the length is 1 (``"<f8[n,1]"`` ->
    ``(False, True)``); () for a Python number; None when unknown."""
    if kind in ("float", "int"):
        return ()
    if not is_array(kind):
        return None
    inside = kind[kind.index("[") + 1:-1]
    return tuple(part == "1" for part in inside.split(",")) if inside else ()


def shaped_like(kind):
    """The kind of a value known only to have the shape of a value of ``kind``:
    ``"?[n,1]"`` for ``"<f8[n,1]"`` (an array of that layout, of any dtype), ``"?[]"``
    for a number; ``"list"`` for a list (its tangent is a list of tangents); None when
    ``kind`` says nothing about the shape."""
    if kind == LIST:
        return LIST
    found = layout(kind)
    if found is None:
        return None
    return "?[" + ",".join("1" if one else "n" for one in found) + "]"


def needs_no_check(kind):
    """A Python float or int, or a NumPy array of bools, ints or floats: an argument that
    is neither a function, nor a list, nor complex, nor an array of objects, strings or
    dates, so a call needs no check of it."""
    return kind == "float" or kind == "int" or is_array(kind) and kind[1] in "biuf"     # "<f8[n]"


def narrower_inexact(kinds):
    """The names among ``kinds`` (name -> kind) of float or complex arrays narrower than
    the widest such array (complex counted by its real part: ``<c8`` is as wide as
    ``<f4``). Where precisions meet, a result has the widest one, so a value of a
    narrower array cannot stand for a result's dtype."""
    widths = {name: int(kind[2:kind.index("[")]) // (2 if kind[1] == "c" else 1)
              for name, kind in kinds.items() if is_array(kind) and kind[1] in "fc"}
    widest = max(widths.values(), default=0)
    return {name for name, width in widths.items() if width < widest}


KEY_TAG = "kinds"


def key_part(names, kinds):
    """The part of a derivative's cache key naming what it is specialized to:
    ``("kinds", ((parameter, kind), ...))``, only the parameters with a known kind."""
    return (KEY_TAG, tuple((name, kind) for name, kind in zip(names, kinds) if kind is not None))


def from_key(key):
    """parameter -> kind, from a derivative's cache key; None for the general code (no
    kinds part), which runs for arguments of any kind."""
    for part in key[1:]:
        if isinstance(part, tuple) and len(part) == 2 and part[0] == KEY_TAG:
            return dict(part[1])
    return None


def without_kinds(key):
    """A derivative's cache key without the part naming argument kinds: the key of the
    general code it is specialized from."""
    return tuple(part for part in key if not (isinstance(part, tuple) and len(part) == 2 and part[0] == KEY_TAG))
