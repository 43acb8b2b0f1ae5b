"""A method changing its object's array in place, called inside an expression that reads
the object before the call and still holds what it read when the call runs
(``np.sum(a.data + a.bumped(0, c))``): Python's ``a.data`` is the array itself, which
shows the call's write by the time the sum runs, where the derivative reads the object's
attributes as values, taken before the call. Refused, naming the user's line: a
statement of its own for the call says which is meant. A read used up before the call
(``np.sum(a.data) + a.bumped(0, c)``, ``a.last() * a.first()``) is left alone, and an
item of the array (``a.data[0] + a.bumped(0, c)``) is followed after a check when the
code runs that it is a number (element_reads.py)."""

import inspect

import gast

from ... import runtime
from ...core import syntax as S
from .element_reads import element_read, where
from .evaluation_order import may_evaluate_before


def refuse_read_before_change(normalizer, receiver, cls, attr, call):
    """Refuse ``call`` (``receiver.attr(...)``, a method of ``cls`` changing the object
    in place) where its statement reads ``receiver`` before it (the module docstring)."""
    if not isinstance(receiver, gast.Name):
        return
    parents = _parents(normalizer, call)
    child, parent = call, parents.get(call)
    before = []
    while parent is not None and not isinstance(parent, gast.stmt):
        if isinstance(parent, gast.Lambda):
            return          # (not run where the lambda is made)
        before.extend(may_evaluate_before(child, parent))
        child, parent = parent, parents.get(parent)
    if isinstance(parent, gast.AugAssign) and child is parent.value:
        before.append(parent.target)
    around = set()
    node = call
    while node is not None:
        around.add(id(node))
        node = parents.get(node)
    pending = [n for b in before for n in S.walk_nodes(b) if isinstance(n, gast.Name) and n.id == receiver.id
               and isinstance(n.ctx, gast.Load) and _pending(n, parents, around)]
    elements = [held for held in (_held(n, parents) for n in pending) if element_read(held, receiver.id)
                and inspect.getattr_static(cls, held.value.attr, None) is None]     # (a property's getter: read once)
    read = next((n for n in pending if _held(n, parents) not in elements), None)
    if read is None:
        for held in elements:       # a.data[0] of a 1-D array: a number, used up before the call
            _check_element(normalizer, held, call)
        return
    shown = gast.unparse(parents.get(read) if isinstance(parents.get(read), gast.Attribute) else read).strip()
    what = shown
    if shown not in (normalizer.source.line_text(call) or ""):      # (buf, which a rewrite reads as a.data)
        shown, what = "the array it holds, under another name", "the array"
    raise normalizer._refuse(
        f"the method call .{attr}() of a {cls.__name__}, which changes the object in place, inside an expression "
        f"that reads '{receiver.id}' before the call ({shown}): Python's read is the object itself, which shows "
        f"the change by the time the expression uses it, where astgrad's would be the value before the call", call,
        f"call the method in a statement of its own (r = {receiver.id}.{attr}(...)), and read {what} before or "
        "after that statement, as you mean")


def _held(read, parents):
    """The outermost attribute or item read of ``read`` (``a.data[0]`` for the ``a`` in it)."""
    node, parent = read, parents.get(read)
    while isinstance(parent, (gast.Attribute, gast.Subscript)) and parent.value is node:
        node, parent = parent, parents.get(parent)
    return node


def _check_element(normalizer, held, call):
    """Emit, before the call, the check when the code runs that ``held`` (``a.data[0]``)
    is a number, which the call cannot change (element_reads.py)."""
    value = normalizer.atom(S.copy(held))
    normalizer.emit(S.expr_stmt(normalizer.runtime_call(runtime.check_element_read,
                                                        [value, S.const(where(normalizer, held, call))])))


def _pending(read, parents, around):
    """Whether the read ``read`` of the object, or an attribute or item of it (which may be
    its array, or a view of it), is still held when the call runs: the operation taking it
    is one around the call (``a.data + a.bumped(c)``, ``f(a, a.bumped(c))``), not one done
    before it (``np.sum(a.data)``, a method's value ``a.last()``)."""
    node = _held(read, parents)
    parent = parents.get(node)
    if isinstance(parent, gast.Call) and parent.func is node:
        return False
    return id(parent) in around


def _parents(normalizer, call):
    """{node: its parent} for the function's tree, built once per function (a function
    may hold many such calls) and again only where the tree no longer holds ``call`` so
    (a rewrite moved it)."""
    tree = normalizer.source.tree
    kept = getattr(normalizer, "_read_parents", None)
    if kept is not None and kept[0] is tree and _still_holds(kept[1], call):
        return kept[1]
    parents = S.parent_nodes(tree)
    normalizer._read_parents = (tree, parents)
    return parents


def _still_holds(parents, node):
    """Whether each parent ``parents`` gives on the way up from ``node`` holds it still."""
    parent = parents.get(node)
    if parent is None:
        return False
    while parent is not None:
        if not any(c is node for c in gast.iter_child_nodes(parent)):
            return False
        node, parent = parent, parents.get(parent)
    return True
