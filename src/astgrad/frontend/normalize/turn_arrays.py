"""A name bound to a new array in a loop's turn and handed to the object that turn
builds (``buf = np.sin(w) * k; a = Acc(buf); a.bump(k, c)``), where ``__init__`` stores
it as it is (``self.data = data``) and a method writes into it in place, and the name
is also read where it holds another turn's array: before its binding in the turn (the
array the turn before's object wrote into), before the loop, or after a loop that a
``break`` or ``continue`` may leave::

    for k in range(n):                      for k in range(n):
        s = s + np.sum(buf)                     s = s + np.sum(buf)
        buf = np.sin(w) * k        ->           buf_1 = np.sin(w) * k
        a = Acc(buf)                            a = Acc(buf_1)
        a.bump(k, c)                            a.bump(k, c)
                                                buf = +buf_1

The turn's array gets a name of its own, which handed_arrays.py follows (a new array
bound just before the object holding it, named only in the turn: its later reads are
``a.data``), and ``buf`` is given a copy of it where the turn ends (before each ``break``
or ``continue`` after the binding too): Python's ``buf`` is that array, which nothing
writes into once the turn's object is left behind. Written so where:

- the loop has no ``else``, and ``buf`` is bound in its body once, by a statement of the
  body (``buf = <new>``), read at once (``len(buf)``, an operator, a NumPy function
  returning a new array) before the object is built, and named by no function, lambda or
  class, ``global`` or ``nonlocal``; the function names no ``locals``, ``vars``,
  ``eval`` or ``exec``;
- the object is named outside the turn from where it is built only as ``a.data`` read at
  once (an object's array, which only its methods in its own turn write).

Anything else keeps the refusal, whose words say to store a copy."""

import gast

from ...core import syntax as S
from ...core.first_use import imported_when_called
from .. import written_in
from .handed_arrays import _after_the_loop, _blocks, _kept_in, _read_at_once, bound_before, handed_name, \
    is_attribute, may_hand_a_name

# what makes a new list of items (fresh_items.py), asked only where a function has one:
# loaded with the first call (core/first_use.py)
made_new = imported_when_called(__package__ + ".fresh_items", "made_new")

_SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)
_NAMESPACE_READS = frozenset({"locals", "vars", "eval", "exec"})


def name_turn_arrays(normalizer, tree):
    """Each such turn's array of ``tree`` given a name of its own (the module docstring).
    Whether one was."""
    loops = [stmt for block in _blocks(tree.body) for stmt in block if isinstance(stmt, (gast.For, gast.While))]
    # each rewrite starts from a statement handing a name to a call (handed_name): with
    # none, nothing is written, and the walk for namespace reads below is not needed
    if not any(may_hand_a_name(stmt) for loop in loops if not loop.orelse for stmt in loop.body):
        return False
    nodes = list(S.walk_nodes(tree))
    if any(isinstance(n, gast.Name) and n.id in _NAMESPACE_READS for n in nodes):
        return False
    written, changed = False, {}
    for loop in loops:
        if loop.orelse:
            continue
        for position, stmt in enumerate(loop.body):
            found = handed_name(normalizer, stmt, changed)
            binding = _binding(normalizer, tree, loop, position, found) if found is not None else None
            if binding is not None:
                _rename(normalizer, loop, binding, found[0])
                written = True
                break
    return written


def _binding(normalizer, tree, loop, position, found):
    """The statement of ``loop``'s body binding the name ``found`` hands the object built
    by ``loop.body[position]``, where the module docstring's rewrite applies and
    handed_arrays.py would not follow the name as it is; else None."""
    name, me, attr = found
    body, resolve = loop.body, normalizer.resolve_call
    after = _after_the_loop(tree, body, name, me, attr)
    if _kept_in(tree, body, position, name, resolve, after):
        return None                 # handed_arrays.py follows it as it is
    nodes = list(S.walk_nodes(tree))
    if any(isinstance(n, (gast.Global, gast.Nonlocal)) and name in n.names for n in nodes) \
            or any(isinstance(n, _SCOPES) and n is not tree and name in S.names_in(n) for n in nodes):
        return None
    stores = [n for n in S.walk_nodes(loop) if isinstance(n, gast.Name) and n.id == name
              and not isinstance(n.ctx, gast.Load)]
    binding = next((top for top in body[:position] if isinstance(top, gast.Assign) and top.targets == stores), None)
    if binding is None or not made_new(binding.value, resolve) \
            or bound_before(body, position, name, resolve) is not True:
        return None
    if sum(1 for n in S.walk_nodes(body[position]) if isinstance(n, gast.Name) and n.id == name) != 1:
        return None
    return binding if _object_left_alone(tree, loop, position, me, attr, resolve) else None


def _object_left_alone(tree, loop, position, me, attr, resolve):
    """Whether ``me`` is named outside ``loop.body[position:]`` only as ``me.attr`` read at
    once (an object's array, which only its methods in its own turn write), and the
    function stores ``me.attr`` nowhere."""
    turn = {id(n) for top in loop.body[position:] for n in S.walk_nodes(top)}
    parents = {}
    for node in S.walk_nodes(tree):
        for child in gast.iter_child_nodes(node):
            parents[child] = node
    for node in S.walk_nodes(tree):
        if is_attribute(node, me, attr) and not isinstance(node.ctx, gast.Load):
            return False
        if isinstance(node, gast.Name) and node.id == me and id(node) not in turn:
            outer = parents.get(node)
            if not is_attribute(outer, me, attr) or not _read_at_once(outer, parents, resolve):
                return False
    return True


def _rename(normalizer, loop, binding, name):
    """The turn's array named anew from ``binding`` on, ``name = +new`` where the turn ends
    and before each ``break`` or ``continue`` of the loop after ``binding``."""
    new = normalizer.namer.fresh(name)
    written_in.name_made(normalizer.source, new, name)
    normalizer.locals.add(new)
    body = loop.body
    at = body.index(binding)
    binding.targets[0].id = new
    for top in body[at + 1:]:
        for node in S.walk_nodes(top):
            if isinstance(node, gast.Name) and node.id == name:
                node.id = new
    _copy_before_jumps(body, at + 1, name, new)
    body.append(_copy(name, new, body[-1]))


def _copy_before_jumps(block, start, name, new):
    """``name = +new`` before each ``break`` or ``continue`` in ``block[start:]`` that
    leaves or ends the loop's turn (not an inner loop's, nor a function's)."""
    for at in reversed(range(start, len(block))):
        stmt = block[at]
        if isinstance(stmt, (gast.Break, gast.Continue)):
            block.insert(at, _copy(name, new, stmt))
        elif not isinstance(stmt, (gast.For, gast.While) + _SCOPES):
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list):
                    _copy_before_jumps(inner, 0, name, new)


def _copy(name, new, at):
    read = gast.UnaryOp(op=gast.UAdd(), operand=S.name(new))
    return gast.copy_location(S.assign(name, read), at)
