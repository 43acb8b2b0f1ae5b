"""A list holding new objects of the user's classes beside objects of another list (``new
= [Dense(w * w)] + layers[1:]``; ``new = layers[1:]; new.append(Dense(w))``; ``new =
[Dense(w)]; new += layers[1:]``; ``old = layers[:]; old[1] = Scale(w)``) written as its
parts: each new object in a name of its own, each run of items taken from another list in
a list of its own, which object_columns.py and column_moves.py follow as objects moved out
of that list::

    new = [Dense(w * w)] + layers[1:]             new_1 = Dense(w * w)
    for layer in new:                     ->      new_2 = layers[1:]
        y = layer.apply(y)                        y = new_1.apply(y)
    n = len(new)                                  for layer in new_2:
                                                      y = layer.apply(y)
                                                  n = 1 + len(new_2)

A store at a constant index replaces the part there: a new object, or an item of a run of
``layers[a:b]`` (``layers[:]``, ``list(layers)``, ``layers.copy()``) that is the last
part (the first, for a negative index), which is then cut in three where the list is made
(mixed_list_stores.py). The copy is a new list, so ``layers`` is left as it was, as
in Python; ``old = layers`` (the same list) is never taken. Where the copy is read whole
before the store (``len(old)``, a loop over it), it keeps the whole run for those reads,
and the head is a list of its own. A loop appending only new objects whose passes are not
written in the code (``for k in range(n)``, a ``while``, a ``break``) appends them to a
list of its own, a run of the list (mixed_list_loops.own_run); where their class's objects
are not just their attributes (object_columns.py cannot hold that run), a refusal of a
method called on them says so (``_note_unheld_objects``).

Taken where the list is bound once, by a statement of a block, and is then only appended
to, extended (``+=``, ``extend``) or stored into at a constant index by statements of that
block (also in a loop there, written out by mixed_list_loops.py; ``alias = new`` there,
``alias`` then read as ``new``: the same list), and read there after (or in blocks inside them) only by ``for t in new`` (no
``break``, ``continue`` or ``else`` of its own, ``t`` not bound in its body nor read
outside a loop over something), ``len(new)``, ``new[k]`` (a new object's position) and
``+`` (``[Dense(w)] + new``: the parts joined, a new list, itself written so in turn); a
run named by the user (``rest``) is a name bound once that the code reads only by those
forms, so it holds what it held when the list was made. At least one part is an object
built by calling a class of the user's, or a store cuts a run, and at least one part is a
run. Elsewhere the list is left as it was (and refused where the objects' changes cannot
be followed, naming both lists; where a loop appending to it cannot be written out, or
a loop's variable over it is read after the loop, the refusal of a method called on its
objects, also through a list holding them, joined or copied, says so: ``_refuse_in_words``)."""

import builtins
from collections import Counter

import gast

from ...core import syntax as S
from ...core.first_use import imported_when_called
from ...core.walk import walk_blocks
from .. import written_in
from .instances import built_class
from .mixed_list_candidates import added, is_run
from .mixed_list_loops import Unknown, UnknownPasses, appending_loop, constant_index, own_run, written_out
from .mixed_list_stores import Part, PartStores
from .mixed_list_uses import ListUses, Refused, read_as
from .scopes import LATE_READERS, parameters

# what object_columns.py holds as lists of attributes, and the refusals' words, loaded
# only where needed (core/first_use.py)
attribute_class = imported_when_called("astgrad.frontend.normalize.attribute_classes", "attribute_class")
given_arguments = imported_when_called("astgrad.frontend.normalize.attribute_classes", "given_arguments")
given_attributes_of = imported_when_called("astgrad.frontend.normalize.attribute_classes", "_given_attributes")
note_copy_store = imported_when_called("astgrad.frontend.moved_list_words", "note_copy_store")
note_mixed_list = imported_when_called("astgrad.frontend.moved_list_words", "note_mixed_list")


def write_list(normalizer, tree, block, k):
    """Write the list ``block[k]`` binds as its parts (the module docstring), where it can
    be; whether it was."""
    try:
        block[k:] = _Writer(normalizer, tree, block[k].targets[0].id).rewrite(block[k:])
        return True
    except Refused:
        return False


class _Writer(ListUses, PartStores):
    """The rewrite of one list ``name`` (the module docstring), refused by ``Refused``."""

    def __init__(self, normalizer, tree, name):
        self.normalizer, self.tree, self.name = normalizer, tree, name
        self.parents = {id(c): n for n in S.walk_nodes(tree) for c in gast.iter_child_nodes(n)}
        self.parts, self.built, self.cuts_run, self.used, self.made = [], False, False, set(), []
        self.aliases = []        # (names bound to the list itself: new = rest)
        self.own_runs = []       # (the runs of new objects a loop appends: own_run)
        if name in parameters(tree) or normalizer.source.resolve_path(["list"], depend=False) is not builtins.list \
                or any(isinstance(node, LATE_READERS) and node is not tree and self._named(node)
                                           for node in S.walk_nodes(tree)):
            raise Refused

    def _named(self, node, name=None):
        return any(isinstance(n, gast.Name) and n.id == (name or self.name) for n in S.walk_nodes(node))

    def rewrite(self, statements):
        """``statements`` (the binding first, then the rest of its block) written anew."""
        originals, statements = statements, [S.copy(s) for s in statements]
        self.parents.update({id(c): n for s in statements for n in S.walk_nodes(s) for c in gast.iter_child_nodes(n)})
        first, out = statements[0], []
        if isinstance(first.value, gast.Name):
            raise Refused          # (new = rest: the same list, not a new one)
        self._add(first.value, first, out)
        pending = statements[:0:-1]         # (the statements after the binding, the next one last)
        done = []                           # (those looked at, for the words of a refusal)
        while pending:
            stmt = pending.pop()
            done.append(stmt)
            if appending_loop(stmt, self.name):
                made = self._written_out(stmt)
                self.parents.update({id(c): n for s in made for n in S.walk_nodes(s) for c in gast.iter_child_nodes(n)})
                pending.extend(reversed(made))
            elif self._alias(stmt, originals):        # new = rest: the same list under two names
                for later in pending:
                    read_as(later, stmt.targets[0].id, self.name)
                self.aliases.append(stmt.targets[0].id)
            elif not self._built_by(stmt, out):
                try:
                    out.extend(self._uses(stmt))
                except Refused:
                    self._note_whole_read(stmt, pending, done[:-1])
                    raise
        if not (self.built or self.cuts_run) or not any(p.run for p in self.parts) \
                or any(self._named(s, name) for s in out for name in [self.name] + self.aliases):
            raise Refused
        if not self._read_in(originals, self.name):
            raise Refused      # (read after the block that binds it)
        return self._named_anew(out)

    def _read_in(self, statements, name):
        """Whether every use of ``name`` in the function is in ``statements``."""
        total = sum(isinstance(n, gast.Name) and n.id == name for n in S.walk_nodes(self.tree))
        return total == sum(isinstance(n, gast.Name) and n.id == name for s in statements for n in S.walk_nodes(s))

    def _alias(self, stmt, originals):
        """Whether ``stmt`` is ``new = name``, ``new`` bound there only and used only in
        ``originals`` (so every later use of it can read the list as ``name``)."""
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
                and isinstance(stmt.value, gast.Name) and stmt.value.id == self.name):
            return False
        alias = stmt.targets[0].id
        return self.normalizer.bound_count.get(alias, 0) == 1 and alias not in parameters(self.tree) \
            and self._read_in(originals, alias) \
            and not any(isinstance(node, LATE_READERS) and node is not self.tree and self._named(node, alias)
                        for node in S.walk_nodes(self.tree))

    def _written_out(self, loop):
        """The appends ``loop`` makes, as statements (mixed_list_loops.py); where it cannot
        be written so, its refusal's words noted on the uses of the list."""
        try:
            return written_out(self.normalizer, loop, self.name, lambda t: not self._read_in_loops_only(t))
        except UnknownPasses:
            made = own_run(loop, self.name, self._fresh, self._builds_object)
            if made is not None:            # (new objects only: a run of their own, the loop kept)
                self.parts.append(Part(made[0].targets[0].id, True))
                self.own_runs.append(made[0].targets[0].id)
                self.built = True
                self._note_unheld_objects(loop, made[1])
                return made
            origin = self._loop_origin(loop)
            self._refuse_in_words(
                f"'{self.name}' is appended to in a loop (line {self.normalizer.source.file_line(loop)}) that "
                f"astgrad does not write out pass by pass (its passes are known only when the code runs, or it "
                f"may stop early) and that appends something other than a new object of a class of yours "
                f"(Layer(...))", (
                    f"append only new objects in such a loop, and the moved ones in a loop of their own that "
                    f"appends nothing else (for t in {origin}[1:]: {self.name}.append(t)), or keep the new objects "
                    f"apart from the moved ones (first = Layer(...), rest = {origin}[1:]) and call their methods on "
                    f"each"), origin, first=True)
        except Unknown as unknown:
            origin = self._loop_origin(loop)
            self._refuse_in_words(unknown.args[0], (
                f"keep the new objects apart from the moved ones (first = Layer(...), rest = {origin}[1:]) "
                f"and call their methods on each"), origin, first=True)

    def _note_unheld_objects(self, loop, kept):
        """Where a new object ``kept`` (the loop kept, appending to a run of its own)
        appends is of a class whose objects object_columns.py cannot hold as lists of
        their attributes, note so on the lines using the list: a method then called on
        one of them is refused in those words, not as a value changed in place."""
        for call in (s.value.args[0] for b in walk_blocks([kept]) for s in b if isinstance(s, gast.Expr)
                     and isinstance(s.value, gast.Call) and isinstance(s.value.func, gast.Attribute)
                     and s.value.func.attr == "append" and s.value.args):
            if attribute_class(self.normalizer, call, self.name) is None:
                made, cls = S.dotted_path(call.func)[-1], self.normalizer.built_class_of(call)
                line = self.normalizer.source.file_line(loop)
                because = f" (the call {made}(...) does not give each parameter of {made}.__init__)" \
                    if given_arguments(cls, call) is None else \
                    f" ({made}.__init__ does more than store each argument as an attribute, self.W = W)" \
                    if given_attributes_of(cls) is None else ""
                self._note_in_words(
                    f"the {made} objects appended to it in the loop at line {line}, whose passes are known only "
                    f"when the code runs, are not just their attributes as given{because}", (
                        f"store each argument as given in {made}.__init__ (self.W = W) and compute the value in the "
                        f"call ({made}(2.0 * w)), or append in a loop of passes written in the code "
                        f"(for k in range(3))"), self._loop_origin(loop), first=True)
                return

    def _loop_origin(self, loop):
        """The list the list's moved objects come from, or else the first name ``loop`` runs over."""
        return self._origin() or next((n.id for n in S.walk_nodes(loop.iter) if isinstance(n, gast.Name)), None)

    def _note_whole_read(self, stmt, pending, before=()):
        """Where ``stmt``, read before or after stores into the copy (``pending``: the
        statements after it; ``before``: those before it), reads it in a way not followed
        (``use(old)``), say so at those stores (moved_list_words.py)."""
        stores = [s for s in list(pending) + list(before) if isinstance(s, gast.Assign) and len(s.targets) == 1
                  and isinstance(s.targets[0], gast.Subscript) and isinstance(s.targets[0].value, gast.Name)
                  and s.targets[0].value.id == self.name]
        source = self.normalizer.source
        if stores and self.parts and self.parts[0].cut is not None:
            handed = next((n for n in S.walk_nodes(stmt) if isinstance(n, gast.Call) and any(
                isinstance(a, gast.Name) and a.id == self.name for a in n.args)), None)
            how = f"handed whole to a call ({written_in.text_of(handed)})" if handed is not None else "read whole"
            note_copy_store(source, self.name, source.file_line(self.parts[0].cut[0]), self._origin(),
                            source.file_line(stmt), {source.file_line(s) for s in stores}, how)

    def _origin(self):
        """The list the first run of the list was moved out of (or None)."""
        return next((p.cut[1] if p.cut else p.name for p in self.parts if p.run and p.name not in self.own_runs), None)

    def _refuse_in_words(self, why, advice, origin=None, store=None, first=False):
        """Refuse the list, noting on the lines that use it (and, in the loops over it,
        those naming the loop's object) ``why`` it is not followed, so that the refusal of
        a method called on its objects says so (moved_list_words.py)."""
        self._note_in_words(why, advice, origin, store, first)
        raise Refused

    def _note_in_words(self, why, advice, origin=None, store=None, first=False):
        """Note ``why`` as ``_refuse_in_words`` does, the rewrite going on (a refusal on
        those lines, if one comes, then says so)."""
        origin = origin or self._origin()
        appended = [n.args[0] for n in S.walk_nodes(self.tree) if isinstance(n, gast.Call) and _method_of(n, self.name)
                    and n.args and isinstance(n.args[0], gast.Call)]
        if not (self.built or any(self._builds_object(call) for call in appended)):
            return      # (no object of the user's classes in it: a list of arrays, say)
        binding = next((n for n in S.walk_nodes(self.tree) if isinstance(n, gast.Assign)
                        and any(isinstance(t, gast.Name) and t.id == self.name for t in n.targets)), None)
        if origin is not None and binding is not None:
            source = self.normalizer.source
            note_mixed_list(source, self.name, source.file_line(binding), origin, why, advice,
                            {source.file_line(u) for held in _holders(self.tree, self.name)
                             for u in _statements_using(self.tree, held, self.parents)},
                            () if store is None else [source.file_line(store)], first)

    # -- the parts ---------------------------------------------------------------------
    def _add(self, value, at, out):
        """Bind the parts ``value`` adds to the list, in the order Python evaluates them
        (where it joins lists by ``+``, each is surely a list: Python's TypeError else)."""
        operands = added(value)
        for operand in operands:
            if self._named(operand) or len(operands) > 1 and not self._surely_list(operand):
                raise Refused
            if isinstance(operand, gast.List):
                for item in operand.elts:
                    self._bind(item, at, out, run=False)
            elif isinstance(operand, gast.Name):
                self._unchanged(operand.id)
                self.parts.append(Part(operand.id, True))
            elif is_run(operand):
                self._bind(operand, at, out, run=True)
            else:
                raise Refused          # (an iterator extend takes whole: not a list to loop over again)

    def _surely_list(self, node, depth=3):
        """Whether ``node`` surely makes a list: a display, a comprehension, ``list(...)``,
        or a slice or ``.copy()`` of, or a name bound once to, one that does."""
        if isinstance(node, (gast.List, gast.ListComp)):
            return True
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == "list" \
                and "list" not in self.normalizer.locals:      # (the builtin: __init__ checks)
            return True
        inner = node.value if isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Slice) else \
            node.func.value if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
            and node.func.attr == "copy" and not node.args else node
        if not isinstance(inner, gast.Name) or depth == 0 or self.normalizer.bound_count.get(inner.id, 0) != 1:
            return False
        binding = next((n for n in S.walk_nodes(self.tree) if isinstance(n, gast.Assign) and len(n.targets) == 1
                        and isinstance(n.targets[0], gast.Name) and n.targets[0].id == inner.id), None)
        return binding is not None and self._surely_list(binding.value, depth - 1)

    def _bind(self, value, at, out, run):
        if isinstance(value, gast.Starred):
            raise Refused
        fresh = self._fresh()
        binding = gast.copy_location(S.assign(fresh, value), at)
        out.append(binding)
        self.parts.append(Part(fresh, run, _cut(binding) if run else None))
        self.built |= not run and isinstance(value, gast.Call) and self._builds_object(value)
        return fresh

    def _builds_object(self, call):
        dotted = S.dotted_path(call.func)
        return dotted is not None and dotted[0] not in self.normalizer.locals \
            and built_class(self.normalizer.source.resolve_path(dotted, depend=False))

    def _unchanged(self, name):
        """Refuse a run named ``name`` the code may change or bind again."""
        if self.normalizer.bound_count.get(name, 0) != 1 or name in parameters(self.tree):
            raise Refused
        for node in S.walk_nodes(self.tree):
            if isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Load):
                parent = self.parents.get(id(node))
                if not (isinstance(parent, gast.For) and parent.iter is node
                        or isinstance(parent, gast.Call) and isinstance(parent.func, gast.Name)
                        and parent.func.id == "len" and parent.args == [node]
                        or isinstance(parent, gast.Subscript) and isinstance(parent.ctx, gast.Load)
                        or isinstance(parent, gast.BinOp) and isinstance(parent.op, gast.Add)):
                    raise Refused

    def _built_by(self, stmt, out):
        """Whether ``stmt`` appends to, extends or stores into the list (then written into ``out``)."""
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) and _method_of(stmt.value, self.name):
            call = stmt.value
            if call.func.attr not in ("append", "extend") or len(call.args) != 1 or call.keywords:
                raise Refused
            if call.func.attr == "append":
                self._bind(call.args[0], stmt, out, run=False)
            else:
                self._add(call.args[0], stmt, out)
            return True
        if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name) and stmt.target.id == self.name:
            if not isinstance(stmt.op, gast.Add):
                raise Refused
            self._add(stmt.value, stmt, out)
            return True
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Subscript) \
                and isinstance(stmt.targets[0].value, gast.Name) and stmt.targets[0].value.id == self.name:
            self._store(stmt, out)
            return True
        return False

    def _fresh(self):
        """A stand-in for a new name, made one (``_named_anew``) only where the rewrite is
        taken, so that a rewrite given up takes no name from the namer."""
        self.made.append(f"{self.name}.{len(self.made)}")       # (no identifier has a dot)
        return self.made[-1]

    def _named_anew(self, statements):
        names = {made: self.normalizer.namer.fresh(self.name) for made in self.made}
        self.normalizer.locals.update(names.values())
        self.normalizer.bound_count.update(dict.fromkeys(names.values(), 1))    # (a list joining one reads them)
        for run in self.own_runs:           # (a refusal naming such a run names the list)
            written_in.name_made(self.normalizer.source, names[run], self.name)
        for node in (n for s in statements for n in S.walk_nodes(s)):
            if isinstance(node, gast.Name) and node.id in names:
                node.id = names[node.id]
        return statements


def _holders(tree, name):
    """``name`` and the names bound in ``tree`` to a list holding its objects: the list
    itself (``new = rest``), its items joined into another (``other = [Layer(w)] + new``)
    or a copy of it (``rest[1:]``, ``list(rest)``, ``rest.copy()``), and so on, each
    bound only there; where ``name`` is refused, a method called on one of those objects
    is refused for that reason too, so its refusal says so."""
    nodes = S.operand_nodes(tree)
    stored = Counter(n.id for n in nodes if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store))
    held, grown = {name}, True
    while grown:
        grown = False
        for node in nodes:
            if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name) \
                    and node.targets[0].id not in held and stored[node.targets[0].id] == 1 \
                    and any(_holds(v, held) for v in added(node.value)):
                held.add(node.targets[0].id)
                grown = True
    return held


def _holds(value, names):
    """Whether ``value`` (an operand of a join) is one of the lists ``names`` or a copy of one."""
    inner = value.func.value if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) \
        and value.func.attr == "copy" and not value.args else \
        value.args[0] if isinstance(value, gast.Call) and isinstance(value.func, gast.Name) \
        and value.func.id == "list" and len(value.args) == 1 else \
        value.value if isinstance(value, gast.Subscript) and isinstance(value.slice, gast.Slice) else value
    return isinstance(inner, gast.Name) and inner.id in names


def _statements_using(tree, name, parents):
    """The statements of ``tree`` reading the list ``name``, and in the loops over it
    those naming the loop's object."""
    found = []
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Load):
            stmt = parents.get(id(node))
            while stmt is not None and not isinstance(stmt, gast.stmt):
                stmt = parents.get(id(stmt))
            found += [] if stmt is None else [stmt]
            if isinstance(stmt, gast.For) and stmt.iter is node and isinstance(stmt.target, gast.Name):
                found += [s for b in walk_blocks(stmt.body) for s in b
                          if any(isinstance(n, gast.Name) and n.id == stmt.target.id for n in S.walk_nodes(s))]
    return found



def _method_of(call, name):
    return isinstance(call.func, gast.Attribute) and isinstance(call.func.value, gast.Name) \
        and call.func.value.id == name



def _cut(binding):
    """(``binding``, the list, lower, upper) where ``binding`` binds ``L[a:b]`` (a, b
    non-negative constants or left out; ``L[:]``, ``list(L)``, ``L.copy()``); else None."""
    value = binding.value
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) \
            and isinstance(value.slice, gast.Slice) \
            and value.slice.step is None:
        bounds = [None if b is None else constant_index(b) for b in (value.slice.lower, value.slice.upper)]
        if all(b is None or b >= 0 for b in bounds) and (value.slice.lower is None or bounds[0] is not None) \
                and (value.slice.upper is None or bounds[1] is not None):
            return binding, value.value.id, bounds[0] or 0, bounds[1]
    if isinstance(value, gast.Call) and not value.keywords:
        if isinstance(value.func, gast.Name) and value.func.id == "list" and len(value.args) == 1 \
                and isinstance(value.args[0], gast.Name):
            return binding, value.args[0].id, 0, None
        if isinstance(value.func, gast.Attribute) and value.func.attr == "copy" and not value.args \
                and isinstance(value.func.value, gast.Name):
            return binding, value.func.value.id, 0, None
    return None
