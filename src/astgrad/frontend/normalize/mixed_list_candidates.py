"""Where a function may bind a list of new and moved objects that mixed_lists.py writes as
its parts: a first look at each block's statements, cheap, so that the writer (with the
modules it needs) loads only for a function that has such a list."""

import gast

from ...core.first_use import imported_when_called
from ...core.walk import walk_blocks

# the writer, loaded with the first list found (core/first_use.py)
write_list = imported_when_called(__package__ + ".mixed_lists", "write_list")


def write_mixed_lists(normalizer, tree):
    """Write each such list of ``tree`` as its parts; whether one was written."""
    if not isinstance(tree, gast.FunctionDef) or normalizer.derivative_code:
        return False
    written, tried = False, set()
    while _write_one(normalizer, tree, tried):
        written = True
    return written


def _write_one(normalizer, tree, tried):
    """Write the first such list not ``tried`` (ids of bindings); whether one was."""
    for block in walk_blocks(tree.body):
        for k in _candidates(block):
            if id(block[k]) in tried:
                continue
            tried.add(id(block[k]))
            if write_list(normalizer, tree, block, k):
                return True
    return False


def _candidates(block):
    """The positions in ``block`` of the statements that may bind such a list, by a first
    look at each and at the statements after it (in one pass from the end): among the
    items the list is given, some a call (a new object), some a run."""
    found, later = [], {}      # later: {name: the values the statements after give the list}
    for k in reversed(range(len(block))):
        stmt = block[k]
        if isinstance(stmt, (gast.For, gast.While)):       # (appends in a loop: mixed_list_loops.py)
            for inner in stmt.body:
                _note_later(inner, later, getattr(stmt, "target", None), getattr(stmt, "iter", None))
        elif isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
                and isinstance(stmt.value, gast.Name):        # new = rest: what new is given, rest is given
            later.setdefault(stmt.value.id, []).extend(later.get(stmt.targets[0].id, []))
        else:
            _note_later(stmt, later)
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name):
            operands = [o for value in [stmt.value] + later.get(stmt.targets[0].id, []) for o in added(value)]
            if any(isinstance(o, gast.List) and any(isinstance(e, gast.Call) for e in o.elts) for o in operands) \
                    and any(is_run(o) for o in operands):
                found.append(k)
    return found[::-1]


def _note_later(stmt, later, target=None, over=None):
    """Add to ``later`` what ``stmt`` gives a list by an append, an extend, ``+=`` or a
    store (``over``, a loop's iterable, where ``stmt`` appends the loop's ``target``)."""
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
            and isinstance(stmt.value.func, gast.Attribute) and isinstance(stmt.value.func.value, gast.Name) \
            and stmt.value.args:
        call = stmt.value
        appended = gast.List(elts=call.args, ctx=gast.Load())
        if isinstance(target, gast.Name) and isinstance(call.args[0], gast.Name) and call.args[0].id == target.id:
            appended = over
        later.setdefault(call.func.value.id, []).append(appended if call.func.attr == "append" else call.args[0])
    elif isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name):
        later.setdefault(stmt.target.id, []).append(stmt.value)
    elif isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Subscript) \
            and isinstance(stmt.targets[0].value, gast.Name):
        later.setdefault(stmt.targets[0].value.id, []).append(gast.List(elts=[stmt.value], ctx=gast.Load()))


def is_run(node):
    """Whether ``node`` makes a new list of the items of another (a slice, ``list(...)``,
    ``xs.copy()``) or names a list."""
    return isinstance(node, gast.Name) or isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Slice) \
        or isinstance(node, gast.Call) and (isinstance(node.func, gast.Name) and node.func.id == "list"
                                            or isinstance(node.func, gast.Attribute) and node.func.attr == "copy"
                                            and not node.args)


def added(node):
    """The operands ``node`` adds (``a + b + c``)."""
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Add):
        return added(node.left) + added(node.right)
    return [node]
