"""A fresh shallow copy, for each run of ``f``, of the mutable collections among its arguments.

A transform that runs ``f`` more than once (vjp's pullback, a column of jacobian or
hessian, grad run again with a seed of a one-element output's shape) would otherwise hand
each run the caller's set, deque, bytearray or ``array.array``: a run taking an item from
it (``s.pop()``, ``d.popleft()``) would make the next run see other items, a derivative of
another function with no error. Each run gets its own copy instead (inside the lists, tuples
and dicts of the arguments too), so every run sees the collection as the caller handed it,
and the caller's object is left as it was, as the caller's arrays are. A subclass of those
kinds is not copied (its constructor may take other arguments): unfollowed_arguments.py
refuses it there, as it refuses an iterator and a ``queue.Queue``, which cannot be copied.
"""

import array
import collections

COPIED_KINDS = (set, collections.deque, bytearray, array.array)

_DEPTH = 4      # as deep into lists, tuples and dicts as unfollowed_arguments.py looks
_LOOKED_INTO = frozenset((*COPIED_KINDS, list, tuple, dict))


def copy_of_collection(value):
    """A shallow copy of a set, deque (with its maxlen), bytearray or ``array.array``."""
    if type(value) is collections.deque:
        return collections.deque(value, value.maxlen)
    return value.copy() if type(value) is set else type(value)(value) if type(value) is bytearray \
        else array.array(value.typecode, value)


def fresh_collections(values, lists=False):
    """``values`` (a list or tuple of arguments) with each such collection in them replaced
    by a fresh copy; a list, tuple or dict holding one is rebuilt around it, and one holding
    none is the very same object (arrays and other values are not copied). The same
    collection given twice (``f(d, [d])``) is one copy in both places. ``lists``: every list
    and dict is rebuilt too, for a run of forward code, which has no reverse sweep to undo
    a pop or an append on an argument's list (jvp, jacobian's forward columns)."""
    for value in values:
        if type(value) in _LOOKED_INTO:
            break
    else:
        return values       # (the common case: numbers and arrays, looked at once)
    copied = {}
    fresh = [_fresh(value, copied, _DEPTH, lists) for value in values]
    return tuple(fresh) if type(values) is tuple else fresh


def fresh_keywords(kwargs, lists=False):
    """``fresh_collections`` for keyword arguments (a dict of them)."""
    if not kwargs:
        return kwargs
    return dict(zip(kwargs, fresh_collections(list(kwargs.values()), lists)))


def _fresh(value, copied, depth, lists):
    kind = type(value)
    if kind in COPIED_KINDS:
        if id(value) not in copied:
            copied[id(value)] = copy_of_collection(value)
        return copied[id(value)]
    if depth == 0:
        return value
    if lists and (kind is dict or kind is list) and id(value) in copied:
        return copied[id(value)]        # one list given twice (f(xs, xs), [xs, xs]): one copy
    if kind is dict:
        items = {key: _fresh(item, copied, depth - 1, lists) for key, item in value.items()}
        if lists:
            copied[id(value)] = items
        return value if not lists and all(items[key] is item for key, item in value.items()) else items
    if kind is list or kind is tuple:
        items = [_fresh(item, copied, depth - 1, lists) for item in value]
        same = all(new is old for new, old in zip(items, value)) and (kind is tuple or not lists)
        if same:
            return value
        if kind is list and lists:
            copied[id(value)] = items
        return items if kind is list else tuple(items)
    return value
