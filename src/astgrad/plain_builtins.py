"""Builtins that run on Python's and NumPy's own values alone, for code run first to refuse.

hooks_checked_first.py runs a function's value code on copies before the function runs
itself, so that a check of a hook refuses before anything changed. ``float(v)``,
``int(v)``, ``range(n)``, ``sum(vs)``, ``any(vs)``, ``all(vs)``, ``enumerate(vs)`` and
``zip(vs, ws)`` may run a hook of the user's (``__float__``, ``__index__``, ``__add__``,
``__bool__``, ``__iter__``) that the code does not always check before them. In that run
they stand in for themselves: on plain values (numbers, strings, arrays of numbers,
lists and tuples of these) they answer as the builtin does; on anything else they stop
the run (``NotPlain``) before the hook could run, and the function's own call goes on as
it would have without the check run."""

import builtins

import numpy

_PLAIN_TYPES = frozenset({float, int, bool, complex, str, bytes, type(None)})
_SEQUENCES = (list, tuple)


class NotPlain(Exception):
    """A stand-in met a value whose hooks it does not know: the run stops there."""


def _plain(value):
    """Whether ``value`` is Python's or NumPy's own (no method of the user's runs on it)."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return True
    if kind is numpy.ndarray:
        return value.dtype != object
    return isinstance(value, numpy.generic) and kind.__module__.split(".")[0] == "numpy" \
        and not isinstance(value, numpy.object_)


def _plain_items(values):
    """Whether iterating ``values`` and using its items runs only Python's and NumPy's code."""
    if type(values) in _SEQUENCES:
        return all(map(_plain, values))
    return type(values) is range or type(values) is numpy.ndarray and values.dtype != object


def _on_plain_values(builtin):
    """``builtin`` run where each argument is plain, else ``NotPlain``."""
    def stand_in(*args, **kwargs):
        if not all(map(_plain, args)) or not all(map(_plain, kwargs.values())):
            raise NotPlain(builtin.__name__)
        return builtin(*args, **kwargs)
    stand_in.__name__ = builtin.__name__
    return stand_in


def _on_plain_items(builtin):
    """``builtin`` run where its first argument's items (and the other arguments) are plain."""
    def stand_in(items, *args, **kwargs):
        if not _plain_items(items) or not all(map(_plain, args)) or not all(map(_plain, kwargs.values())):
            raise NotPlain(builtin.__name__)
        return builtin(items, *args, **kwargs)
    stand_in.__name__ = builtin.__name__
    return stand_in


def _on_own_iterables(builtin):
    """``builtin`` (``enumerate``, ``zip``: it iterates, running no item's code) run where
    each positional argument is a list, tuple, range, dict, string or array."""
    def stand_in(*iterables, **kwargs):
        if not all(type(each) in _OWN_ITERABLES for each in iterables) or not all(map(_plain, kwargs.values())):
            raise NotPlain(builtin.__name__)
        return builtin(*iterables, **kwargs)
    stand_in.__name__ = builtin.__name__
    return stand_in


_OWN_ITERABLES = frozenset({list, tuple, range, dict, str, numpy.ndarray})
# builtin -> what runs in its place in the check run
STAND_INS = {
    builtins.float: _on_plain_values(builtins.float), builtins.int: _on_plain_values(builtins.int),
    builtins.range: _on_plain_values(builtins.range),
    builtins.sum: _on_plain_items(builtins.sum), builtins.any: _on_plain_items(builtins.any),
    builtins.all: _on_plain_items(builtins.all),
    builtins.enumerate: _on_own_iterables(builtins.enumerate), builtins.zip: _on_own_iterables(builtins.zip),
}
