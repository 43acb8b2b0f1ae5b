"""``y op= v`` on the item a loop over a list gives, while another name holds the list
(``for r in ys.copy(): r *= w``, ``for r in ys: r += a``).

Python runs ``r = r.__imul__(w)`` where the item's class has it, and ``r = r * w``
otherwise. On a float (any number, a string, a tuple) that binds a new value to ``r``
alone: the list, and every name holding it, keep their item, and nothing is shared. On
an array or a list it changes the item itself, which the list shows, and which the
check of in-place writes refuses (common.check_in_place_writes).

Which of the two the item is, is known only when the code runs, and the code is made
for every kind of argument. So the write becomes a rebinding, ``r = r * w``, after the
check ``rebound_item(r, where)`` (runtime.py), which passes a number and stops on any
other item, saying why and what to write: a number is followed in every mode, and an
array is never followed wrongly."""

import re

import gast

from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from .. import runtime


def rebinds_loop_item(source, body, write, helper, unread):
    """Whether the augmented write ``write`` ((statement, name, action)) of ``body`` is
    ``r = in_place(r op v, r)`` on the item ``r`` of a loop over a list, now written as
    ``rebound_item(r, where); r = r op v`` (the module docstring; ``unread``, what the
    check found unread, then forgets it). False, changing nothing, for any other write,
    or where ``helper`` (runtime calls) is None."""
    stmt, name, action = write
    value = stmt.value if isinstance(stmt, gast.Assign) else None
    if helper is None or not action.startswith("augmented") or not (
            isinstance(value, gast.Call) and anno.get(value, Key.TARGET) is runtime.in_place
            and len(value.args) == 2 and isinstance(value.args[1], gast.Name) and value.args[1].id == name):
        return False
    loop = _loop_giving(body, stmt, name)
    if loop is None:
        return False
    name = _spelled(source, stmt, name)
    where = (f"{source.filename}:{source.file_line(stmt)}: augmented assignment (+= and the like) on '{name}', "
             f"an item of the list the loop goes over, which another name holds: on a number it binds a new "
             f"value to '{name}' alone, which astgrad follows, but on an array or a list it changes the item in "
             f"place, so that the list shows it too, which astgrad cannot follow. Where the list should keep its "
             f"items, write {name} = {name} + ... (and the like); where it should show the change, write into the "
             f"list by index (for i in range(len(xs)): xs[i] = xs[i] + ...)")
    check = gast.copy_location(S.expr_stmt(helper("rebound_item", [S.name(write[1]), S.const(where)])), stmt)
    loop.body.insert(next(i for i, s in enumerate(loop.body) if s is stmt), check)
    stmt.value = value.args[0]
    anno.set(stmt, Key.AUGMENTED, False)
    anno.set(stmt, Key.REBOUND_ITEM, True)
    unread.forget()         # a statement was added
    return True


def _spelled(source, stmt, name):
    """``name`` as the user's line writes it: ``v`` for ``v_1``, a helper's loop variable
    renamed where the helper was written in."""
    text, user = source.line_text(stmt) or "", re.sub(r"_\d+$", "", name)
    if not re.search(rf"(?<![\w.]){re.escape(name)}\b", text) and re.search(rf"(?<![\w.]){re.escape(user)}\b", text):
        return user
    return name


def _loop_giving(body, stmt, name):
    """The ``for`` loop whose body holds ``stmt`` and binds ``name`` only to the item it
    gives (``name = item`` before ``stmt``, ``item`` a name of the loop's target) and by
    augmented writes like ``stmt``; else None."""
    for loop in (n for n in S.walk_nodes(gast.Module(body=body, type_ignores=[])) if isinstance(n, gast.For)):
        position = next((i for i, s in enumerate(loop.body) if s is stmt), None)
        if position is None:
            continue
        items = {n.id for n in S.walk_nodes(loop.target) if isinstance(n, gast.Name)}
        binders = [s for top in loop.body for s in S.walk_nodes(top) if _binds(s, name)]
        stores = [n for top in loop.body for n in S.walk_nodes(top)
                  if isinstance(n, gast.Name) and n.id == name and not isinstance(n.ctx, gast.Load)]
        plain = [s for s in binders if not _augmented(s)]
        if not _a_list(body, _iterated(loop.iter)):
            return None             # an array's rows are views of it: refused as any shared write
        if len(stores) != len(binders) or len(plain) != 1 or not any(s is plain[0] for s in loop.body[:position]) \
                or not (isinstance(plain[0].value, gast.Name) and plain[0].value.id in items):
            return None
        return loop
    return None


def _binds(stmt, name):
    return isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
        and stmt.targets[0].id == name


def _augmented(stmt):
    """``y = in_place(y op v, y)``, or that statement rebinding ``y`` after the check."""
    return anno.get(stmt, Key.AUGMENTED, False) or anno.get(stmt, Key.REBOUND_ITEM, False)


def _iterated(node):
    """The name a loop goes over: ``seq`` in ``enumerate(seq)`` or ``seq`` itself."""
    if isinstance(node, gast.Call) and _calls(node, enumerate) and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    return node.id if isinstance(node, gast.Name) else None


def _a_list(body, name, depth=8):
    """Whether ``name`` is bound once in ``body``, to a list: a list display or
    comprehension, ``list(...)``, or ``xs.copy()``, ``xs[:]`` or ``xs`` of such a list."""
    bindings = [s for s in S.walk_nodes(gast.Module(body=body, type_ignores=[])) if _binds(s, name)]
    if name is None or depth == 0 or len(bindings) != 1:
        return False
    value = bindings[0].value
    if isinstance(value, (gast.List, gast.ListComp)):
        return True
    if isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords and _calls(value, list):
        return True
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and value.func.attr == "copy" \
            and not value.args and not value.keywords:
        value = value.func.value
    elif isinstance(value, gast.Subscript) and isinstance(value.slice, gast.Slice) \
            and value.slice.lower is None and value.slice.upper is None and value.slice.step is None:
        value = value.value
    return isinstance(value, gast.Name) and _a_list(body, value.id, depth - 1)


def _calls(call, function):
    """Whether ``call`` calls the builtin ``function`` (as it resolved, or by its name)."""
    target = anno.get(call, Key.TARGET)
    return target is function or target is None and isinstance(call.func, gast.Name) \
        and call.func.id == function.__name__
