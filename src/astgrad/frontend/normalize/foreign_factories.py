"""A tuple helper of another module (``def make_pair(w): return Q(w), Q(w * 2.0)`` in a
second file), folded in as one of the function's own module is (tuple_factories.py): its
classes are read in its own globals, and its free names are written as attributes of its
module, bound in the generated code (foreign.py), so ``Q`` is the class of the helper's
module, read when the code runs, as the helper reads it."""

import copy

import gast

from ...core import syntax as S
from .instances import built_class


def foreign_class_of(helper):
    """``class_of(call)``: the class of the user's a construction in ``helper``'s code
    builds (its dotted name read in the helper's globals), where it is followed; else None."""
    def class_of(call):
        path = S.dotted_path(call.func) if isinstance(call, gast.Call) else None
        if path is None or path[0] not in helper.__globals__:
            return None
        value = helper.__globals__[path[0]]
        for part in path[1:]:
            value = getattr(value, part, None)
        return value if built_class(value) else None
    return class_of


def in_its_scope(normalizer, helper, tree):
    """A copy of ``tree`` (``helper``'s def) with each free name an attribute of the
    helper's module (a builtin, and a module this function's scope names the same way,
    kept as they are: ``normalizer.foreign_names``)."""
    made = copy.deepcopy(tree)
    normalizer.foreign_names(helper, made)
    return made
