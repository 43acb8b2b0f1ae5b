"""Arguments astgrad does not take apart: sets, deques, ``array.array``, memoryviews,
ranges, a dict's views, read-only mappings, and iterators (generators, ``iter(...)``,
``map(...)``).

A gradient is given in the structure of its argument for lists, tuples, dicts,
namedtuples and dataclasses (and arrays and numbers). For any other collection holding
numbers the answer would be ``None``, which reads as a zero gradient although the output
depends on those numbers; so a transform differentiating one refuses it at the call,
saying what to pass instead. An iterator cannot be looked into without using it up, and
a transform that runs the function more than once (vjp's pullback, a column of jacobian
or hessian) would find it empty the second time: refused as an argument of those
transforms wherever it is, and where it is differentiated. So is, there, a mutable
collection astgrad neither copies nor puts back between runs (a set, a deque, a queue):
a run taking an item from it would change what the next run sees.
"""

import array
import collections
import io
import numbers
import queue
import types

import numpy

from .fresh_collections import COPIED_KINDS

_UNFOLLOWED = (set, frozenset, collections.deque, array.array, memoryview, range, types.MappingProxyType,
               type({}.keys()), type({}.values()), type({}.items()))


def is_iterator(x):
    """An iterator a run would advance (not a file, whose reads and writes are outside)."""
    return hasattr(type(x), "__next__") and not isinstance(x, (io.IOBase, type, types.ModuleType))


def is_unfollowed(x, kinds="fiu"):
    """An iterator, or a collection of a kind above holding a number (so that its gradient
    would be None, read as zero). ``kinds``: the NumPy dtype kinds that are differentiated
    (vjp's "f" holds ints constant, so a range or a set of ints is fine there)."""
    if is_iterator(x):
        return True
    if not isinstance(x, _UNFOLLOWED):
        return False
    try:
        items = x.values() if isinstance(x, types.MappingProxyType) else x
        return any(_is_number(item, kinds) for item in items)
    except Exception:       # noqa: BLE001 - a memoryview of several dimensions: not iterable
        return isinstance(x, memoryview) and x.format in ("d", "f", "e")


def is_unfollowed_of_floats(x):
    """``is_unfollowed`` where only floats are differentiated (vjp)."""
    return is_unfollowed(x, "f")


def _is_number(item, kinds):
    if isinstance(item, (bool, numpy.bool_)):
        return False
    if isinstance(item, numbers.Real):
        return "i" in kinds or not isinstance(item, (numbers.Integral, numpy.integer))
    dtype = getattr(item, "dtype", None)
    return isinstance(dtype, numpy.dtype) and dtype.kind in kinds or isinstance(item, (list, tuple)) and any(
        _is_number(part, kinds) for part in item)


def unfollowed_error(x, label, at, transform, constant):
    """The TypeError for a differentiated argument ``label`` that is (or holds, ``at``) ``x``."""
    kind = type(x).__name__
    where = f"{label}{at}"
    if is_iterator(x):
        return TypeError(
            f"{transform}: argument {label!r}{f' (at {where})' if at else ''} is an iterator ({kind}), which "
            "astgrad cannot look into without using it up: it cannot give a gradient of its items, and a "
            "transform running the function again would find it empty. Pass a list (list(...)) or a tuple "
            f"of its items, or {constant}")
    instead = f"numpy.asarray({where})" if isinstance(x, (array.array, memoryview)) else \
        f"dict({where})" if isinstance(x, types.MappingProxyType) else f"list({where}) or a tuple"
    article = "an" if kind[0] in "aeiou" else "a"
    return TypeError(
        f"{transform}: argument {label!r}{f' (at {where})' if at else ''} is {article} {kind} holding numbers; "
        "astgrad takes lists, tuples, dicts, namedtuples and dataclasses apart as parts of a gradient, not "
        f"{article} {kind}, and does not answer None for it (that would read as a zero gradient, although the "
        f"result depends on its numbers). Pass {instead}, or {constant}")


def refuse_iterator_arguments(arguments, transform, runs=None):
    """``transform`` (vjp, jacobian, hessian; grad and hvp where ``f`` returns an array of
    one element) runs the function more than once (``runs`` says when): refuse, among
    ``arguments`` (name or position -> value, also inside a list, tuple or dict), an
    iterator, which the first run uses up, and a mutable collection astgrad neither copies
    nor puts back (a queue, ...), which a run may change (``.get()``): the second run would
    see other items (a derivative of another function, with no error). A set, a deque, a
    bytearray or an ``array.array`` is given to each run as a fresh copy instead."""
    runs_given = runs is not None
    runs = runs or ("its value, then its derivative, which runs its code again" if transform == "vjp"
                    else "once for each column")
    for name, value in arguments.items():
        for at, item in _with_places(value):
            found = _changed_between_runs(item)
            if found is not None:
                what, instead = found
                where = f" (at {name}{at})" if at else ""
                raise TypeError(
                    f"{transform} runs the function more than once ({runs}), and argument {name!r}{where} "
                    f"is {what}. Pass {instead}, or "
                    + ("return the number the array holds (its [0] or .item())" if runs_given else
                       "use grad, value_and_grad or jvp, which run the function once"))


_NOT_COPIED = (queue.Queue, queue.SimpleQueue)


def _changed_between_runs(item):
    """(what ``item`` is, what to pass instead) where a run may change it for the next; else None.
    A set, a deque, a bytearray or an ``array.array`` is copied for each run (fresh_collections.py);
    a subclass of one is not (its constructor may take other arguments)."""
    kind = type(item).__name__
    if is_iterator(item):
        return (f"an iterator ({kind}), which the first run uses up: the second would find it empty",
                "a list (list(...)) or a tuple of its items")
    if not isinstance(item, _NOT_COPIED) and (type(item) in COPIED_KINDS or not isinstance(item, COPIED_KINDS)):
        return None
    instead = "a frozenset (frozenset(...))" if isinstance(item, set) else "bytes (bytes(...))" if isinstance(
        item, bytearray) else "numpy.asarray(...)" if isinstance(item, array.array) else \
        "a list or a tuple (list(...))" if isinstance(item, collections.deque) else "a list of the items it holds"
    return (f"a {kind}, which astgrad neither copies nor puts back between runs: one run changing it "
            "(.pop(), .popleft(), .get(), .add()) would change what the next one sees", instead)


def _with_places(value, at="", depth=4):
    yield at, value
    if depth == 0:
        return
    if type(value) is dict:
        for key, item in value.items():
            yield from _with_places(item, f"{at}[{key!r}]", depth - 1)
    elif type(value) in (list, tuple):
        for i, item in enumerate(value):
            yield from _with_places(item, f"{at}[{i}]", depth - 1)
