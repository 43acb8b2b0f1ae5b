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

An iterator held in a name (``m = map(f, xs)``, ``zip``, ``enumerate``, ``itertools.starmap``,
...) is a list made where it stands too: read twice or in a loop, or after code that
rebinds a name a lambda it calls reads or changes what it iterates, it is refused.
"""

import builtins
import itertools

import gast

from ...core import syntax as S
from ..generator_loops import changes_what_it_reads

# builtins handing a loop the items of a generator one at a time
_LAZY = (builtins.enumerate, builtins.zip, builtins.map, builtins.filter, builtins.iter)
# calls making an iterator that computes its items when they are read, and is used up then
_ITERATORS = (builtins.enumerate, builtins.zip, builtins.map, builtins.filter, builtins.reversed, itertools.starmap,
              itertools.accumulate, itertools.islice, itertools.chain, itertools.pairwise, itertools.product,
              itertools.combinations, itertools.permutations, itertools.zip_longest, itertools.compress,
              itertools.takewhile, itertools.dropwhile, itertools.filterfalse)
_ITERATOR_NAMES = {f.__name__ for f in _ITERATORS}
# of those, the ones calling a function they are given on each item as it is read
_MAPPING = (builtins.map, builtins.filter, itertools.starmap)
_DEFERRED = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)


def holds_iterators(nodes):
    """Whether ``nodes`` bind a generator expression or a call named like one of
    ``_ITERATORS`` to a name (a quick look before ``move_held_generators``)."""
    return any(type(n) is gast.Assign and (type(n.value) is gast.GeneratorExp or type(n.value) is gast.Call and getattr(
        n.value.func, "id", getattr(n.value.func, "attr", None)) in _ITERATOR_NAMES) for n in nodes)


def move_held_generators(normalizer, tree, advanced):
    """Move each held generator expression of ``tree`` (not in ``advanced``, the names
    ``next`` reads) to its one read; refuse one read twice or in a loop. Whether the tree
    changed."""
    changed = False
    for block in _blocks(tree.body):
        for i, stmt in enumerate(block):
            if not (type(stmt) is gast.Assign and len(stmt.targets) == 1 and type(stmt.targets[0]) is gast.Name
                    and stmt.targets[0].id not in advanced):
                continue
            if type(stmt.value) is gast.GeneratorExp:
                changed |= _move(normalizer, tree, block[i + 1:], stmt)
            elif type(stmt.value) is gast.Call and normalizer.resolve_call(stmt.value) in _ITERATORS:
                _check_held_iterator(normalizer, tree, block[i + 1:], stmt)
    return changed


def _check_held_iterator(normalizer, tree, later, assign):
    """Refuse ``m = map(lambda v: v * k, xs)`` (or ``zip``, ``enumerate``, ``itertools``...)
    read twice or in a loop (used up by the first pass in Python), or read after code that
    changes what its items read (``k = 3.0``): the derivative makes its list where it
    stands, where Python computes each item when it is read."""
    once = _read_once_at(normalizer, tree, later, assign)
    if once is None:
        return
    at, loop = once
    what = assign.value
    stored = {n.id for stmt in later[:at] + loop for n in gast.walk(stmt) if type(n) is gast.Name
              and type(n.ctx) is not gast.Load}
    lazy = {n for f in gast.walk(what) if type(f) is gast.Lambda for n in S.names_in(f.body)
            - {a.id for a in f.args.args}}          # its arguments are evaluated where it is made
    rebound = sorted(lazy & stored)
    why = f"{rebound[0]} is rebound" if rebound else changes_what_it_reads(
        later[:at] + loop, [what], (), tree, normalizer.resolve_call, normalizer.source)
    if why:
        raise normalizer.source.error(
            f"astgrad cannot differentiate the iterator held in '{assign.targets[0].id}' here: {why} before its "
            "items are read, and Python computes each item when it is read, while astgrad computes them where the "
            "iterator is made. Make the iterator where it is read (sum(map(f, xs))), or build the list at once "
            "where that is what you mean (list(map(f, xs)))", assign, construct="iterator held in a name")


def _read_once_at(normalizer, tree, later, assign):
    """Where the one read of the name ``assign`` binds is: (the index of its statement in
    ``later``, that statement's body where it is a ``for`` over the name, else []); None
    where the name is not read, or rebound. A read twice, or in a loop, or in a function
    defined in the code is refused: Python's iterator is used up by the first pass."""
    name = assign.targets[0].id
    reads = [n for n in gast.walk(tree) if type(n) is gast.Name and n.id == name and type(n.ctx) is gast.Load]
    stores = [n for n in gast.walk(tree) if type(n) is gast.Name and n.id == name and type(n.ctx) is not gast.Load]
    if len(stores) != 1 or not reads:
        return None                         # rebound: what each read holds shows only when the code runs
    once = [(at, stmt) for at, stmt in enumerate(later) if any(True for _ in _reads_once(stmt, name))]
    if len(reads) > 1 or not once:
        kind = "generator expression" if type(assign.value) is gast.GeneratorExp else "iterator"
        raise normalizer.source.error(
            f"astgrad cannot differentiate the {kind} held in '{name}' here: it is iterated more than once (or in "
            f"a loop, or by a function defined later), and Python's {kind} is used up by the first pass, while "
            f"astgrad would make its items again. Build a list where you mean every pass to see the items "
            f"({name} = [f(v) for v in items]), or write the {kind} where it is consumed (sum(f(v) for v in items))",
            assign, construct=f"{kind} held in a name")
    at, stmt = once[0]
    return at, stmt.body if isinstance(stmt, gast.For) and type(stmt.iter) is gast.Name and stmt.iter.id == name else []


def _move(normalizer, tree, later, assign):
    name = assign.targets[0].id
    once = _read_once_at(normalizer, tree, later, assign)
    if once is None:
        return False
    once = list(_reads_once(later[once[0]], name))
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
    """Refuse ``for a in (f(v) for v in xs): ...`` (also under ``enumerate`` or ``zip``, a
    held generator moved there, or ``map(lambda v: f(v), xs)``) whose body rebinds or
    changes what ``f(v)`` or a condition reads: Python computes each item when the loop
    asks for it, the derivative computes them all before the loop."""
    # most functions have no loop over items computed lazily (a generator expression or a
    # lambda in what they loop over, _item_code): no ordered walk then
    loops = [loop for loop in S.nodes_of_class(tree, gast.For) if _may_compute_items(loop.iter)]
    for loop in (node for node in S.operand_nodes(tree) if type(node) is gast.For) if loops else ():
        for parts, own in _item_code(normalizer, loop.iter):
            read = {n for part in parts for n in S.names_in(part)} - own
            rebound = sorted(read & _stored(loop))
            why = f"the loop rebinds {rebound[0]}, which the items read" if rebound else changes_what_it_reads(
                loop.body, parts, (), tree, normalizer.resolve_call, normalizer.source)
            if why:
                raise normalizer.source.error(
                    "astgrad cannot differentiate this for loop over items computed as it asks for them (a generator "
                    f"expression, map, filter): {why}, and Python computes each item only when the loop asks for it, "
                    "while astgrad computes the items before the loop. Loop over the items themselves and compute each "
                    "one in the body (for v in xs: a = f(v)), or build the list first where that is what you mean",
                    loop, construct="for loop over a generator expression")


def _may_compute_items(node):
    """Whether ``_item_code`` may find code in ``node``: only below a generator expression
    or a lambda."""
    return any(type(n) is gast.GeneratorExp or type(n) is gast.Lambda for n in S.operand_nodes(node))


def _item_code(normalizer, node):
    """The code computing each item of what a loop over ``node`` takes item by item, with
    the names that code binds itself: a generator expression's item and conditions (``node``
    itself, or one handed to ``enumerate``, ``zip``, ``map``, ``filter`` or ``iter`` there),
    or the body of a lambda ``map``, ``filter`` or ``itertools.starmap`` calls on each item."""
    if type(node) is gast.GeneratorExp:
        parts = [node.elt, *[c for g in node.generators for c in g.ifs], *[g.iter for g in node.generators[1:]]]
        yield parts, {n for g in node.generators for n in S.names_in(g.target)}
    elif type(node) is gast.Call:
        callee = normalizer.resolve_call(node)
        if callee in _MAPPING and node.args and type(node.args[0]) is gast.Lambda:
            yield [node.args[0].body], {a.id for a in node.args[0].args.args}
        if callee in _LAZY or callee in _MAPPING:
            for arg in node.args:
                yield from _item_code(normalizer, arg)


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
        return [node.generators[0]]
    if isinstance(node, gast.comprehension):
        return [node.iter]
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
