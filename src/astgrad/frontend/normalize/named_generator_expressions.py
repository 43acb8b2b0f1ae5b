"""A generator expression held in a name and iterated later, as Python runs it::

    g = (v * k for v in x)                  g = x
    k = 3.0                                 k = 3.0
    total = sum(g)                          total = sum(v * k for v in x_held_in_g)

Python evaluates only the first iterable where the generator is made; each item is
computed when something asks for it, reading the names it reads as they are then (``k``
is 3.0 above), and the generator is used up by the first pass over it. The rest of the
engine evaluates a generator expression into a list where it stands. So a held one read
once, in a later statement of the block that binds it and not in a loop there, is moved
to that read (its first iterable stays where it was made, in the name). One read twice,
or in a loop, or in a function the code defines, would be used up where a list is not:
refused at its line. Held generators advanced by ``next`` are explicit_iterators.py's.

A ``for`` loop taking a generator's items (``for a in (f(v) for v in xs)``, also through
``enumerate``, ``zip``, ``map``, ``filter``) computes them before the loop, the same as
Python only where the body changes nothing ``f(v)`` or a condition reads: a loop that
rebinds such a name, writes into what it holds, or hands it on is refused at its line.
"""

import builtins

import gast

from ...core import syntax as S
from ..generator_loops import changes_what_it_reads

# builtins handing a loop the items of a generator one at a time
_LAZY = (builtins.enumerate, builtins.zip, builtins.map, builtins.filter, builtins.iter)
_DEFERRED = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)


def move_held_generators(normalizer, tree, advanced):
    """Move each held generator expression of ``tree`` (not in ``advanced``, the names
    ``next`` reads) to its one read; refuse one read twice or in a loop. Whether the tree
    changed."""
    changed = False
    for block in _blocks(tree.body):
        for i, stmt in enumerate(block):
            if type(stmt) is gast.Assign and len(stmt.targets) == 1 and type(stmt.targets[0]) is gast.Name \
                    and type(stmt.value) is gast.GeneratorExp and stmt.targets[0].id not in advanced:
                changed |= _move(normalizer, tree, block[i + 1:], stmt)
    return changed


def _move(normalizer, tree, later, assign):
    name = assign.targets[0].id
    reads = [n for n in gast.walk(tree) if type(n) is gast.Name and n.id == name and type(n.ctx) is gast.Load]
    stores = [n for n in gast.walk(tree) if type(n) is gast.Name and n.id == name and type(n.ctx) is not gast.Load]
    if len(stores) != 1:
        return False                        # rebound: what each read holds shows only when the code runs
    once = [slot for stmt in later for slot in _reads_once(stmt, name)]
    if len(reads) > 1 or len(reads) == 1 and not once:
        raise normalizer.source.error(
            f"astgrad cannot differentiate the generator expression held in '{name}' here: it is iterated "
            "more than once (or in a loop, or by a function defined later), and Python's generator is used up "
            "by the first pass, while astgrad would make its items again. Build a list where you mean every pass "
            f"to see the items ({name} = [f(v) for v in items]), or write the generator expression where it is "
            "consumed (sum(f(v) for v in items))", assign, construct="generator expression held in a name")
    if not once:
        return False
    generator = assign.value
    assign.value = generator.generators[0].iter
    generator.generators[0].iter = S.name(name)
    holder, field, index = once[0]
    if index is None:
        setattr(holder, field, generator)
    else:
        getattr(holder, field)[index] = generator
    return True


def refuse_loops_changing_generators(normalizer, tree):
    """Refuse ``for a in (f(v) for v in xs): ...`` (also under ``enumerate`` or ``zip``,
    or a held generator moved there) whose body rebinds or changes what ``f(v)`` or a
    condition reads: Python computes each item when the loop asks for it, the derivative
    computes them all before the loop."""
    for loop in gast.walk(tree):
        if not isinstance(loop, gast.For):
            continue
        for generator in _generators_in(normalizer, loop.iter):
            parts = [generator.elt, *[c for g in generator.generators for c in g.ifs],
                     *[g.iter for g in generator.generators[1:]]]
            own = {n for g in generator.generators for n in S.names_in(g.target)}
            read = {n for part in parts for n in S.names_in(part)} - own
            rebound = sorted(read & _stored(loop))
            why = f"the loop rebinds {rebound[0]}, which the generator reads" if rebound else changes_what_it_reads(
                loop.body, parts, (), tree, normalizer.resolve_call, normalizer.source)
            if why:
                raise normalizer.source.error(
                    f"astgrad cannot differentiate this for loop over a generator expression: {why}, and Python computes each item only when the loop asks for it, while astgrad "
                    "computes the items before the loop. Loop over the items themselves and compute each one in the "
                    "body (for v in xs: a = f(v)), or build the list first where that is what you mean",
                    loop, construct="for loop over a generator expression")


def _generators_in(normalizer, node):
    """The generator expressions a loop over ``node`` takes item by item: ``node`` itself,
    or one handed to ``enumerate``, ``zip``, ``map``, ``filter`` or ``iter`` there."""
    if type(node) is gast.GeneratorExp:
        yield node
    elif type(node) is gast.Call and normalizer.resolve_call(node) in _LAZY:
        for arg in node.args:
            yield from _generators_in(normalizer, arg)


def _stored(loop):
    """The names a ``for`` loop binds: its target, and names stored in its body."""
    return {n.id for part in (loop.target, *loop.body) for n in gast.walk(part)
            if type(n) is gast.Name and type(n.ctx) is not gast.Load}


def _reads_once(node, name):
    """Where ``name`` is read under ``node`` (its holder, field and index in the field's
    list, or None) if that read runs at most once when ``node`` does: not in a loop's
    body or test, a comprehension's items, or a function defined there (a read there
    yields nothing, so that the caller refuses it)."""
    if isinstance(node, _DEFERRED):
        return
    for child in _once_parts(node):
        if type(child) is gast.Name and child.id == name and type(child.ctx) is gast.Load:
            yield _slot(node, child)
        else:
            yield from _reads_once(child, name)


def _slot(holder, child):
    for field, value in gast.iter_fields(holder):
        if value is child:
            return holder, field, None
        if type(value) is list and any(item is child for item in value):
            return holder, field, next(i for i, item in enumerate(value) if item is child)
    raise AssertionError("a child not under its holder")


def _once_parts(node):
    """The children of ``node`` that run at most once when it does."""
    if isinstance(node, (gast.For, gast.AsyncFor)):
        return [node.iter]
    if isinstance(node, gast.While):
        return []
    if isinstance(node, (gast.ListComp, gast.SetComp, gast.GeneratorExp, gast.DictComp)):
        return [node.generators[0].iter]
    return list(gast.iter_child_nodes(node))


def _blocks(body):
    """Every list of statements of a function body, nested ones too (not in functions or
    classes it defines)."""
    yield body
    for stmt in body:
        if isinstance(stmt, _DEFERRED):
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if type(inner) is list and inner and isinstance(inner[0], gast.stmt):
                yield from _blocks(inner)
        for part in getattr(stmt, "handlers", []) + getattr(stmt, "cases", []):
            yield from _blocks(part.body)
