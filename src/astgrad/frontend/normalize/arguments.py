"""Arguments the function writes into (``x[0] = v``, also through a plain alias
``y = x; y[0] = v`` or ``y = x; y *= v``): the generated code works on a copy of each,
made when it starts (``x_1 = copy_argument(x)``, the body reading ``x_1``), so calling a
derivative never changes the caller's value, and the write is one into memory the
function owns, which the modes differentiate. ``f(x)`` itself still changes the
caller's array, as Python does (docs/supported-python.md)."""

import gast

from ... import runtime
from ...core import anno
from ...core import syntax as S
from ...core.anno import Key


def written_arguments(tree):
    """The parameters whose object the body may change in place: the base of an element
    write, or the target of an augmented assignment through a plain alias of it."""
    args = tree.args
    params = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]
    copies = {}                 # name -> the names plainly copied into it
    written, augmented = set(), set()
    for node in S.all_nodes(tree):
        if isinstance(node, gast.Assign):
            for target in node.targets:
                if isinstance(target, gast.Name) and isinstance(node.value, gast.Name):
                    copies.setdefault(target.id, set()).add(node.value.id)
                if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
                    written.add(target.value.id)
        elif isinstance(node, gast.AugAssign):
            if isinstance(node.target, gast.Subscript) and isinstance(node.target.value, gast.Name):
                written.add(node.target.value.id)
            elif isinstance(node.target, gast.Name):
                augmented.add(node.target.id)
    reached, todo = set(), list(written | {n for n in augmented if n in copies})
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo.extend(copies.get(name, ()))
    return [p for p in params if p in reached]


class _Rename(gast.NodeTransformer):
    def __init__(self, mapping):
        self.mapping = mapping

    def visit_Name(self, node):
        if node.id in self.mapping:
            node.id = self.mapping[node.id]
        return node


def copy_written_arguments(normalizer, body):
    """``body`` reading a copy of each written argument; the statements making the copies."""
    names = written_arguments(normalizer.source.tree)
    if not names:
        return body, []
    mapping = {name: normalizer.namer.fresh(name) for name in names}
    normalizer.argument_copies = {copy: name for name, copy in mapping.items()}
    normalizer.locals.update(mapping.values())
    body = [_Rename(mapping).visit(stmt) for stmt in body]
    prologue = []
    for name, copy in mapping.items():
        call = S.call(S.name(normalizer.bind(runtime.copy_argument)), [S.name(name)])
        anno.set(call, Key.TARGET, runtime.copy_argument)
        anno.set(call, Key.METHOD, None)
        stmt = S.assign(copy, call)
        stmt.lineno = getattr(normalizer.source.tree, "lineno", None)
        anno.set(stmt, Key.ARGUMENT_COPY, True)
        prologue.append(stmt)
    return body, prologue
