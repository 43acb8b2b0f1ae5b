"""Which statements change an object in place, and which names' objects they change.

One answer for every stage: the in-place check refuses writes into shared memory,
callee effects report arguments a user function changes, reverse mode keeps names
changed in place out of renaming and recomputation, forward mode protects tangents
written in place. All of them read the changes of a core-form body from
``in_place_changes``.
"""

import enum
from typing import NamedTuple

import gast
import numpy

from ..core import anno
from ..core import walk
from ..core.anno import Key

# Methods that change their object (``xs.append(v)``, ``a.fill(0)``): a call of one is
# never dead code, and its receiver is changed in place.
MUTATING_METHODS = {"append", "pop", "extend", "insert", "remove", "clear", "update", "setdefault",
                    "sort", "reverse", "fill", "resize", "put", "itemset", "popitem", "add",
                    "discard", "partition", "setflags", "setfield", "__setitem__", "__iadd__"}

# Library functions that write into their first argument.
_MUTATING_NUMPY = {getattr(module, name) for module, names in (
    (numpy, ["copyto", "put", "place", "putmask", "fill_diagonal", "put_along_axis"]),
    (numpy.random, ["shuffle"])) for name in names if hasattr(module, name)}


def is_ufunc_at(target):
    """``numpy.add.at`` and the like: a bound ``at`` method of a ufunc."""
    return getattr(target, "__name__", None) == "at" and isinstance(getattr(target, "__self__", None),
                                                                     numpy.ufunc)


def _is_mutating_numpy(target):
    try:
        return target in _MUTATING_NUMPY
    except TypeError:           # an unhashable callable is none of them
        return False


def mutates_arguments(call):
    """Whether this library call changes one of its arguments in place (``out=``,
    ``numpy.copyto``, ``ufunc.at``, ``x.fill(...)``); user functions are analysed apart."""
    if any(kw.arg == "out" for kw in call.keywords):
        return True
    target = anno.get(call, Key.TARGET)
    if target is not None:
        return is_ufunc_at(target) or _is_mutating_numpy(target)
    return anno.get(call, Key.METHOD) in MUTATING_METHODS


class ChangeKind(enum.Enum):
    """How a statement changes an object in place (the value: how errors name it)."""

    ELEMENT = "an assignment into an element"                       # y[i] = v
    AUGMENTED = "an augmented assignment (+= and the like)"         # y += v, in place on arrays
    METHOD = "a method call"                                        # xs.append(v)
    ARGUMENT = "a call writing into its argument"                   # np.copyto(y, v), out=y


class InPlaceChange(NamedTuple):
    stmt: gast.stmt
    name: str                   # the name whose object changes
    kind: ChangeKind
    method: str = None          # for ChangeKind.METHOD: which method

    @property
    def what(self):
        """The change as an error message names it."""
        if self.kind is ChangeKind.METHOD:
            return f"the method call .{self.method}()"
        return self.kind.value


def in_place_changes(statements):
    """An ``InPlaceChange`` for each object a statement of ``statements`` (core form, in
    order) changes in place: an element assignment, ``+=`` and the like (in place on
    arrays), a mutating method, and a library call writing into an argument."""
    for stmt in statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript) \
                and isinstance(stmt.targets[0].value, gast.Name):
            yield InPlaceChange(stmt, stmt.targets[0].value.id, ChangeKind.ELEMENT)
        elif anno.get(stmt, Key.AUGMENTED, False) and isinstance(stmt.value, gast.BinOp) \
                and isinstance(stmt.value.left, gast.Name):
            yield InPlaceChange(stmt, stmt.value.left.id, ChangeKind.AUGMENTED)
        call = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
        if isinstance(call, gast.Call) and anno.get(call, Key.TARGET) is None \
                and anno.get(call, Key.METHOD) in MUTATING_METHODS \
                and isinstance(call.func.value, gast.Name):
            yield InPlaceChange(stmt, call.func.value.id, ChangeKind.METHOD, anno.get(call, Key.METHOD))
        elif isinstance(call, gast.Call) and mutates_arguments(call):
            for kw in call.keywords:
                if kw.arg == "out" and isinstance(kw.value, gast.Name):
                    yield InPlaceChange(stmt, kw.value.id, ChangeKind.ARGUMENT)
            if call.args and isinstance(call.args[0], gast.Name) and anno.get(call, Key.TARGET) is not None:
                yield InPlaceChange(stmt, call.args[0].id, ChangeKind.ARGUMENT)


def names_changed_in_place(body, augmented=True):
    """The names whose object some statement of ``body`` (nested ones included) changes
    in place. ``augmented=False`` leaves out ``y += v``, which a caller that follows
    rebinding already sees as ``y = y + v``."""
    return {change.name for change in in_place_changes(walk.walk_statements(body))
            if augmented or change.kind is not ChangeKind.AUGMENTED}
