"""Lists holding objects moved out of a list held as a list per attribute
(object_columns.py), held as the positions of those objects in it, so each item is the
very object, found where the code runs, as in Python::

    layers = [Layer(w[i]) for i in range(n)]      (the columns, object_columns.py)
    ys = layers[:2] + [layers[k]]           ->    ys_at = list(range(len(layers_W))[:2]) + [range(len(layers_W))[k]]
    ys.append(layers[-1])                         ys_at.append(range(len(layers_W))[-1])
    for y in ys:                                  for k_1 in ys_at:
        y.step(w)                                     (the object at k_1, stepped, written back)
    v = ys[0].W + len(ys)                         v = layers_W[ys_at[0]] + len(ys_at)

A position is taken as Python takes the item (``range(len(...))[k]`` is ``k`` made
non-negative, with an IndexError where ``layers[k]`` has one), so later appends to
``layers`` leave it the same object. A change made through ``ys[i]`` is written back to
the columns at its position, where ``layers[j]`` reads it; an object in both lists, or
twice in ``ys``, is stepped each time.

Taken where the moved list ``ys`` is bound once, to ``layers[a:b:c]``, ``list(layers)``,
``layers.copy()``, ``list(reversed(layers))``, a display of items ``[layers[i], ...]``,
``[]`` or ``+`` of those, by a statement after the one binding ``layers`` in its block
(or in a block inside such a statement: a loop, a branch), so each time ``layers`` is
built again, ``ys`` is too before it is read, and every other use of ``ys`` is in the
statements after its binding in its block, none in a nested scope; or bound so in the
branches of one ``if`` (each binding ``ys_at``), and read after each binding in its
branch or after the ``if``:
``ys.append(layers[k])``, ``ys[k].attr``, a statement ``[v =] ys[k].method(...)``,
``len(ys)``, or a loop over ``ys`` (also ``enumerate(ys)``, ``zip(ys, xs)``) whose body
names neither list but to read ``ys[i].attr`` or ``layers[i].attr`` before it changes the
loop's object (written back to the columns at the end of each pass, so until then
the item read is the object as Python has it, even where it is the loop's). ``layers`` is then never stored into at an index (``layers[k] =
Layer(...)`` would change what ``ys`` holds). Anything else leaves both lists as they were
(and built_objects.py refuses them, naming the line).
"""

import builtins

import gast

from ...core import syntax as S
from ...core.walk import walk_blocks
from .column_comprehensions import comprehension_over
from .item_read_forms import _called
from ..moved_list_words import note_unfollowed


class Moved:
    """One moved list: its bindings, the positions each binds it to, its uses by kind."""

    def __init__(self, stmts, uses):
        self.stmts, self.uses = stmts, uses
        self.stmt, self.name = stmts[0], stmts[0].targets[0].id


def moved_lists(normalizer, seen, stmt, block, use_of):
    """([Moved], {ids of the nodes naming the column list inside the moves}) for the lists
    moved out of the list ``stmt`` (in ``block``) binds, as the module docstring says
    (``use_of``: object_columns.py's, for the kinds of use both lists share)."""
    name = stmt.targets[0].id
    at = next(k for k, s in enumerate(block) if s is stmt)
    bindings = {}
    for inner, later in [(b, s) for b in walk_blocks(block[at + 1:]) for s in b]:
        if isinstance(later, gast.Assign) and len(later.targets) == 1 and isinstance(later.targets[0], gast.Name) \
                and id(later) not in seen.scoped and _positions(normalizer, later.value, name) is not None:
            bindings.setdefault(later.targets[0].id, []).append((inner, later))
    moves, covered = [], set()
    family = {name} | set(bindings)        # (the lists a list holding a new object leaves unfollowed)
    _note_mixed_lists(normalizer, seen, block[at + 1:], name, family)
    for moved, found in bindings.items():
        after = _read_after(seen, block[at + 1:], found)
        if normalizer.bound_count.get(moved, 0) != len(found) or after is None:
            continue
        later = found[0][1]
        uses = _moved_uses(normalizer, seen, moved, name, after, use_of)
        if isinstance(uses, gast.AST) and _appended_object(seen, uses, name) is not None:
            _note_mixed(normalizer, seen, later, name, _appended_object(seen, uses, name), family)   # ys.append(L(w))
        elif isinstance(uses, gast.AST):
            note_unfollowed_move(normalizer, seen, later, name, _why_unfollowed(normalizer, seen, later, uses, name))
        elif uses is not None:
            moves.append(Moved([s for _, s in found], uses))
            covered |= {id(n) for _, s in found for n in S.walk_nodes(s.value) if isinstance(n, gast.Name)
                        and n.id == name}
            covered |= {id(a.value.args[0].value) for a in uses["appends"]}
    return moves, covered


def _note_mixed_lists(normalizer, seen, statements, name, family):
    """Note the lists bound in ``statements`` to new objects joined to objects of ``name``
    (``new = [Layer(w)] + layers[1:]``), which positions in ``name`` cannot hold: the
    refusal of a method called on their objects (or in a loop over a list of ``family``)
    then names both lists and the rewrite."""
    for stmt in (s for b in walk_blocks(statements) for s in b):
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
                and isinstance(stmt.value, gast.BinOp) and isinstance(stmt.value.op, gast.Add):
            parts = _added(stmt.value)
            if any(_positions(normalizer, p, name) for p in parts) \
                    and any(isinstance(p, gast.List) and not _positions(normalizer, p, name) for p in parts):
                built = next(e for p in parts if isinstance(p, gast.List) for e in p.elts if not _item_of(e, name))
                _note_mixed(normalizer, seen, stmt, name, built, family)


def _note_mixed(normalizer, seen, binding, name, built, family):
    """Note the list ``binding`` binds, moved out of ``name``, as also holding the new
    object ``built``: the method calls on the objects of a loop over it, or over a list
    of ``family`` (``name`` and the lists moved out of it, none followed now), too."""
    moved, line = binding.targets[0].id, normalizer.source.file_line(built)
    where = "" if line == normalizer.source.file_line(binding) else f" (line {line})"     # else named already
    why, advice = f"'{moved}' also holds a new object{where}", new_object_advice(name, built)
    note_unfollowed_move(normalizer, seen, binding, name, why, loops_over={moved}, advice=advice)
    for other in sorted(family - {moved}):      # (a loop over another of the lists: the words say which)
        held = "the list itself" if other == name else f"also moved out of '{name}'"
        note_unfollowed_move(normalizer, seen, binding, name, why, loops_over={other}, advice=(
            f"{advice}; the line refused is in a loop over '{other}', {held}, whose objects astgrad then does "
            f"not follow either"))


def _appended_object(seen, use, name):
    """The new object (``Layer(w)``) appended by ``use``, a Name in ``ys.append(Layer(w))``;
    else None."""
    parent = seen.parents.get(id(use))
    call = seen.parents.get(id(parent))
    if isinstance(parent, gast.Attribute) and parent.attr == "append" and isinstance(call, gast.Call) \
            and call.func is parent and len(call.args) == 1 and isinstance(call.args[0], gast.Call) \
            and not _item_of(call.args[0], name):
        return call.args[0]
    return None


def new_object_advice(name, built):
    """What to write instead of putting the new object ``built`` (``Layer(...)``) in the
    list ``name`` at an index, or in one list with objects moved out of it: a new object
    in a name of its own is followed."""
    made = built.func.id if isinstance(built, gast.Call) and isinstance(built.func, gast.Name) else "Class"
    return (f"for a new object, keep it in a name of its own (first = {made}(...)) and the others in a list "
            f"moved out of '{name}' (rest = {name}[1:]), rather than storing it into {name}[k] or into one list "
            f"with them")


def _added(node):
    """The lists ``node`` adds (``a + b + c``)."""
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Add):
        return _added(node.left) + _added(node.right)
    return [node]


def _read_after(seen, statements, found):
    """The ids of the nodes a moved list bound by the statements ``found`` ((block, binding)
    pairs, in ``statements``) may be read in: the statements after its one binding in its
    block; or, where it is bound in the branches of one ``if`` (``if c: ys = layers[:1]``,
    ``else: ys = layers[1:]``), also the statements after that ``if`` in its block (where
    a branch binding none leaves it unbound, Python's error, which the positions' name
    gives too). None where it is bound otherwise."""
    after = {id(n) for inner, later in found for s in inner[next(k for k, s in enumerate(inner) if s is later) + 1:]
             for n in S.walk_nodes(s)}
    branches = {id(seen.parents.get(id(later))) for _, later in found}
    choice = seen.parents.get(id(found[0][1]))
    # the ``if`` counts only inside ``statements``: a binding among them whose parent is
    # the ``if`` holding the list itself is bound once in its block, as any other
    outer = next((b for b in walk_blocks(statements) if any(s is choice for s in b)), None) \
        if isinstance(choice, gast.If) else None
    if len(found) == 1 and outer is None:
        return after
    if not (outer is not None and len(branches) == 1 and len(found) <= 2
            and all(any(s is later for s in choice.body) for _, later in found[:1])
            and all(any(s is later for s in choice.orelse) for _, later in found[1:])):
        return None if len(found) > 1 else after
    here = next(k for k, s in enumerate(outer) if s is choice)
    return after | {id(n) for s in outer[here + 1:] for n in S.walk_nodes(s)}


def _positions(normalizer, node, name):
    """Whether ``node`` makes a list of objects of ``name`` the rewrite takes (module
    docstring): the form, or None."""
    if isinstance(node, gast.List):
        return "items" if all(_item_of(e, name) for e in node.elts) else None
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Add):
        return "sum" if None not in (_positions(normalizer, node.left, name),
                                     _positions(normalizer, node.right, name)) else None
    if isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Slice) and _named(node.value, name) \
            and isinstance(node.ctx, gast.Load) and not _names(node.slice, {name}):
        return "slice"
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr == "copy" \
            and _named(node.func.value, name) and not node.args and not node.keywords:
        return "copy"
    if isinstance(node, gast.Call) and _called(normalizer, node, builtins.list):
        inner = node.args[0]
        if _named(inner, name):
            return "copy"
        if isinstance(inner, gast.Call) and _called(normalizer, inner, builtins.reversed) \
                and _named(inner.args[0], name):
            return "reversed"
    return None


def _item_of(node, name):
    return isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Load) and _named(node.value, name) \
        and not isinstance(node.slice, gast.Slice) and not _names(node.slice, {name})


def _named(node, name):
    return isinstance(node, gast.Name) and node.id == name


def _names(node, names):
    return any(isinstance(n, gast.Name) and n.id in names for n in S.walk_nodes(node))


def _moved_uses(normalizer, seen, moved, name, after, use_of):
    """{kind: uses} of the moved list ``moved`` where each is one the module docstring
    names, in the statements ``after`` its binding; else the first use that is not one."""
    uses = {kind: [] for kind in ("appends", "loops", "lengths", "reads", "calls", "comprehensions")}
    for node in seen.names.get(moved, []):
        if isinstance(node.ctx, gast.Store):
            continue            # (its one binding)
        comprehension = comprehension_over(normalizer, node, seen.parents)
        if comprehension is not None and id(comprehension.statement) in after \
                and id(comprehension.statement) not in seen.scoped:
            uses["comprehensions"].append(comprehension)
            continue
        if id(node) not in after or id(node) in seen.scoped:
            return node
        parent = seen.parents.get(id(node))
        outer = seen.parents.get(id(parent))
        if isinstance(parent, gast.Attribute) and parent.attr == "append" and isinstance(outer, gast.Call) \
                and outer.func is parent and len(outer.args) == 1 and not outer.keywords \
                and isinstance(seen.parents.get(id(outer)), gast.Expr) and _item_of(outer.args[0], name) \
                and not _names(outer.args[0].slice, {moved}):
            uses["appends"].append(seen.parents[id(outer)])
            continue
        kind, at = use_of(normalizer, node, seen.parents, False)
        if kind not in ("loops", "lengths", "reads", "calls") \
                or kind in ("reads", "calls") and _names(_indexed(kind, at).slice, {name}):
            return node
        uses[kind].append(at)
    return uses


def _why_unfollowed(normalizer, seen, binding, use, name):
    """What the code does with the moved list at ``use`` (a Name) that the rewrite does
    not follow, as a clause of the refusal's words (moved_list_words.py)."""
    moved, line = binding.targets[0].id, normalizer.source.file_line(use)
    inner = _enclosing(seen, use, (gast.For, gast.While))
    if inner is not None and _names(inner.iter if isinstance(inner, gast.For) else inner.test, {name}) \
            and not any(n is binding for n in S.walk_nodes(inner)):
        return loop_words(moved, name, line)
    if id(use) in seen.scoped:
        return (f"'{moved}' is read in a nested function, or in a comprehension that may not run (under and, "
                f"or, or a conditional expression) (line {line})")
    if _enclosing(seen, binding, (gast.If, gast.For, gast.While)) is not None \
            and _enclosing(seen, use, (gast.If, gast.For, gast.While)) is not \
            _enclosing(seen, binding, (gast.If, gast.For, gast.While)):
        return f"'{moved}' is bound inside a branch or loop and read after it (line {line})"
    return f"'{moved}' is used at line {line} otherwise than as an item, its length or a loop over it"


def loop_words(moved, name, line):
    return (f"'{moved}' is read inside a loop over '{name}' (line {line}) otherwise than as {moved}[i].attr "
            f"before the pass changes the loop's object")


def _enclosing(seen, node, kinds):
    """The nearest statement of one of ``kinds`` around ``node`` (or None)."""
    parent = seen.parents.get(id(node))
    while parent is not None and not isinstance(parent, kinds):
        parent = seen.parents.get(id(parent))
    return parent


def note_unfollowed_move(normalizer, seen, binding, name, why, loops_over=(), advice=None):
    """Mark the statements using the list ``binding`` binds (moved out of ``name``) as
    not followed because of ``why`` (moved_list_words.py), and in the loops over the lists
    named in ``loops_over`` the statements changing the loop's object (``layer.step(w)``),
    whose refusal is then about the lists too (``advice``: what to write instead, if the
    generic words do not say it)."""
    moved = binding.targets[0].id
    uses = [_enclosing(seen, n, gast.stmt) for n in seen.names.get(moved, []) if isinstance(n.ctx, gast.Load)]
    uses += [stmt for loop in _loops_over(seen, loops_over) for stmt in _object_statements(loop)]
    note_unfollowed(normalizer.source, moved, name, normalizer.source.file_line(binding), why,
                    [stmt for stmt in uses if stmt is not None], advice)


def _loops_over(seen, names):
    """The ``for`` loops whose iterable is one of the lists ``names``, binding a plain name."""
    return [loop for name in names for n in seen.names.get(name, [])
            if isinstance(loop := seen.parents.get(id(n)), gast.For) and loop.iter is n
            and isinstance(loop.target, gast.Name)]


def _object_statements(loop):
    """The simple statements in ``loop``'s body naming its object (``loop.target``)."""
    target = loop.target.id
    return [stmt for block in walk_blocks(loop.body) for stmt in block
            if not any(isinstance(v, list) and v and isinstance(v[0], gast.stmt) for _, v in gast.iter_fields(stmt))
            and _names(stmt, {target})]


def _indexed(kind, at):
    """The subscript ``ys[k]`` a read (``ys[k].attr``) or a call's statement names."""
    return at.value if kind == "reads" else at.value.func.value


class MovedRewrite:
    """The rewrite of the moved lists of the column list ``name``, as the module docstring
    says, made with the columns' rewrite (``first_column``: the name of its first column,
    whose length is the list's; ``fresh``: new names)."""

    def __init__(self, moves, name, first_column, fresh):
        self.moves, self.name, self.first = moves, name, first_column
        self.at = {m.name: fresh(f"{m.name}_at") for m in moves}

    def _every(self):
        return S.call(S.name("range"), [S.call(S.name("len"), [S.name(self.first)])])

    def bindings(self):
        """Each binding ``ys = ...`` made ``ys_at = ...`` (the positions)."""
        for m in self.moves:
            for stmt in m.stmts:
                stmt.targets = [gast.copy_location(S.name(self.at[m.name], store=True), stmt.targets[0])]
                stmt.value = gast.copy_location(self._positions(stmt.value), stmt.value)
        for m in self.moves:
            for stmt in m.uses["appends"]:
                call = stmt.value
                call.func.value = S.name(self.at[m.name])
                call.args = [gast.copy_location(self._position(call.args[0]), call.args[0])]

    def _position(self, item):
        return gast.Subscript(value=self._every(), slice=item.slice, ctx=gast.Load())

    def _positions(self, node):
        if isinstance(node, gast.List):
            return gast.List(elts=[self._position(e) for e in node.elts], ctx=gast.Load())
        if isinstance(node, gast.BinOp):
            return gast.BinOp(left=self._positions(node.left), op=node.op, right=self._positions(node.right))
        if isinstance(node, gast.Subscript):
            return S.call(S.name("list"), [gast.Subscript(value=self._every(), slice=node.slice, ctx=gast.Load())])
        listed = S.call(S.name("list"), [self._every()])
        if isinstance(node.func, gast.Attribute) or not isinstance(node.args[0], gast.Call):
            return listed
        return gast.Subscript(value=listed, slice=gast.Slice(lower=None, upper=None, step=S.const(-1)),
                              ctx=gast.Load())

    def as_column_uses(self, uses):
        """The moved lists' reads and calls written as the column list's, read at the
        positions (``ys[k]`` -> ``layers[ys_at[k]]``), added to ``uses``; their lengths
        made the positions' lengths; their loops added as loops over the positions:
        {id(loop): the positions' name}."""
        over = {}
        for m in self.moves:
            at = self.at[m.name]
            for kind in ("reads", "calls"):
                for use in m.uses[kind]:
                    indexed = _indexed(kind, use)
                    indexed.slice = gast.Subscript(value=S.name(at), slice=indexed.slice, ctx=gast.Load())
                    indexed.value = gast.copy_location(S.name(self.name), indexed.value)
                    uses[kind].append(use)
            for call in m.uses["lengths"]:
                call.args = [gast.copy_location(S.name(at), call.args[0])]
            for loop, mode, variable in m.uses["loops"]:
                over[id(loop)] = at
                uses["loops"].append((loop, mode, variable))
        return over
