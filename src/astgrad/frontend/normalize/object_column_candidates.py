"""Where a function may bind a list (or dict) of objects that object_columns.py holds as a
list per attribute: a first look at each statement, cheap, so that the rewrite (with the
modules it needs) loads only for a function that binds one."""

import gast

from ...core.first_use import imported_when_called
from ...core.walk import walk_blocks

# the class whose objects are just their attributes, and the rewrite: loaded with the
# first call (core/first_use.py)
attribute_class = imported_when_called(__package__ + ".attribute_classes", "attribute_class")
write_columns = imported_when_called(__package__ + ".object_columns", "write_columns")


def write_object_columns(normalizer, tree):
    """Rewrite ``tree`` as object_columns.py's docstring says; whether it did."""
    candidates = [(s, found) for block in walk_blocks(tree.body) for s in block
                  for found in [candidate(normalizer, s)] if found is not None]
    return bool(candidates) and write_columns(normalizer, tree, candidates)


def candidate(normalizer, stmt):
    """(class, its attributes in ``__init__``'s order, the attributes its methods store)
    where ``stmt`` binds a name once to a comprehension building objects of a class whose
    objects are their attributes; "list" or "dict" where it binds one to ``[]`` or ``{}``
    (the class is the one later statements store), "display" to a display of calls (taken
    only where a list is moved out of it, column_moves.py); else None."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
            and normalizer.bound_count.get(stmt.targets[0].id, 0) == 1):
        return None
    value = stmt.value
    if isinstance(value, gast.List) and not value.elts or isinstance(value, gast.Dict) and not value.keys:
        return "list" if isinstance(value, gast.List) else "dict"
    if isinstance(value, gast.List) and all(isinstance(e, gast.Call) for e in value.elts):
        return "display"
    if not (isinstance(value, gast.ListComp) and len(value.generators) == 1 and not value.generators[0].ifs
            and not value.generators[0].is_async):
        return None
    return attribute_class(normalizer, value.elt, stmt.targets[0].id)
