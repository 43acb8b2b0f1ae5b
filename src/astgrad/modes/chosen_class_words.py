"""The words of a refused call of a name that holds a class of the user's (``cls = Dense``;
``cls(w)``) where normalize/chosen_classes.py could not write the class in: the name is
bound again, or also to something not a class, or read by a nested function. The call is
refused as any call of a function value astgrad does not know; these words say why in
terms of the name and its bindings, and what to write instead."""

import gast

from ..core import syntax as S


def chosen_class_words(source, fn, name):
    """Why the call of ``name`` in the core tree ``fn`` was not followed as the class it
    holds, and what to write; None where no binding of ``name`` is a class."""
    bindings = [node for node in S.walk_nodes(fn) if isinstance(node, gast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], gast.Name) and node.targets[0].id == name]
    classes = [b for b in bindings if _holds_class(source, b.value)]
    if not classes:
        return None
    first = classes[0]
    stores = sum(isinstance(n, gast.Name) and n.id == name and isinstance(n.ctx, gast.Store)
                 for n in S.walk_nodes(fn))
    other = next((b for b in bindings if b not in classes), None)
    if other is not None:
        why = f"is also bound to a value that is not a class of yours (line {source.file_line(other)})"
    elif stores > 1:
        again = next((b for b in bindings if b is not first), None)
        why = "is bound more than once" + (f" (also line {source.file_line(again)})" if again is not None else "")
    else:
        why = "is bound again, or read by a nested function, lambda or class that may run after it changes"
    shown = ".".join(S.dotted_path(first.value))
    return (f"'{name}' holds the class {shown} (line {source.file_line(first)}) but {why}, so astgrad does not "
            f"know which class it calls when it generates code. astgrad follows a class called through a name "
            f"where the name is bound once, to the class ({name} = {shown}) or to a conditional expression "
            f"choosing classes ({name} = A if c else B), or once in each branch of one if statement, and no "
            f"nested function reads it; call each class by its own name ({shown}(...)), or give each class "
            f"a name of its own")


def _holds_class(source, value):
    dotted = S.dotted_path(value) if isinstance(value, (gast.Name, gast.Attribute)) else None
    return dotted is not None and isinstance(source.resolve_path(dotted, depend=False), type)
