"""What reverse mode must save: which assignments overwrite a value that may exist.

The reverse sweep runs the statements backwards and needs, at each one, the
values the forward sweep had there. A name assigned in straight-line top-level
code was renamed to single assignments, so nothing overwrites it; a name assigned
inside ``if``/``for``/``while`` (``fixed``) keeps its name, and each assignment
to it that may overwrite an existing value saves that value first. This module
plans those saves, one :class:`Save` record per save, under ``Key.SAVE`` on the
statement (and ``Key.TARGET_SAVES`` on a loop for its target or counter); the
modes turn the records into save and restore statements.
"""

import copy
import enum
import typing
import weakref

import gast
import numpy

from .. import runtime
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from .mutation import names_changed_in_place
from ..core.first_use import imported_when_called

# asked only of statements in loops: recompute.py loads with the first (core/first_use.py)
recomputable = imported_when_called(__package__ + ".recompute", "recomputable")
reads_counted = imported_when_called(__package__ + ".recompute", "loads")


class Store(enum.Enum):
    """Where a saved value is kept."""

    VARIABLE = "a local variable, for a save outside loops"
    STACK = "a stack per name, pushed every iteration, for a save inside a loop"
    PROGRAM_STACK = "the program's own stack: its push saved the value, its pop restores it"
    PROGRAM_VARIABLE = "the program's own copy (v_saved = v) made right before the overwrite"


class Save:
    """One saved value.

    ``id`` numbers the saves this plan makes (None where the program's own save is
    reused); ``name`` is the variable (or, for an element, the container) whose
    value is saved; ``store`` and ``store_name`` say where it is kept; ``index`` is
    the index expression of ``y[i] = v`` for the save of one element, else None.
    A record never changes. (A plain class rather than a frozen dataclass: making a
    dataclass costs most of a millisecond when the engine loads.)
    """

    def __init__(self, id, name, store, store_name, index=None):
        self.__dict__.update(id=id, name=name, store=store, store_name=store_name, index=index)

    def __setattr__(self, name, value):
        raise AttributeError(f"cannot assign to field {name!r} of a Save, which never changes")

    def __delattr__(self, name):
        raise AttributeError(f"cannot delete field {name!r} of a Save, which never changes")

    def __repr__(self):
        return (f"Save(id={self.id!r}, name={self.name!r}, store={self.store!r}, store_name={self.store_name!r}, "
                f"index={self.index!r})")

    def with_index(self, index):
        """This save, of the element at ``index``."""
        return Save(self.id, self.name, self.store, self.store_name, index)

    @property
    def reused(self):
        """The program saved the value itself: nothing to add to the forward sweep."""
        return self.store in (Store.PROGRAM_STACK, Store.PROGRAM_VARIABLE)

    def __deepcopy__(self, memo):
        """A copied statement shares the record, which never changes (deep-copying one
        is slow, and generated code has a save for most statements); one saving an
        element copies its index, a node, as before."""
        if self.index is None:
            return self
        return self.with_index(copy.deepcopy(self.index, memo))


class Assigned:
    """Names assigned so far, only ever added to: those of ``before`` (a ``Names`` of
    the block around, as it was when this one started, or a frozenset) and ``names`` (name -> the order
    it came in). ``now()`` is the set as it is, kept without copying it: the sets grow
    with the function, and copying them at every ``if`` and loop made planning
    quadratic in their number."""

    def __init__(self, before):
        self.before = before
        self.names = {}
        # the last snapshot, shared while nothing is added: held weakly, as it holds this
        # (a cycle, which kept every block's sets for the collector once planning was done)
        self._now = None
        # every name of ``before``'s first block and added to any block since (shared): a
        # name not in it (most are: each assignment asks about the name it binds, new in
        # generated code) is in no block, without asking each block around in turn
        self.known = before.assigned.known if isinstance(before, Names) else set(before)

    def __contains__(self, name):
        return name in self.names or name in self.known and name in self.before

    def add(self, name):
        if name not in self:
            self.names[name] = len(self.names)
            self.known.add(name)

    def update(self, names):
        for name in names:
            self.add(name)

    def merge(self, inner, names=None):
        """Add the names ``inner``, the ``Assigned`` of a block inside, added (or those of
        them in ``names``). Started from ``self.now()``, it holds none of the names
        ``self`` held then, so only the names added here since can repeat: asking the
        chain of blocks around for each would cost the depth of the nesting per name."""
        names = inner.names if names is None else names
        if not (isinstance(inner.before, Names) and inner.before.assigned is self):
            self.update(names)
            return
        for name in names:
            if name not in self.names:
                self.names[name] = len(self.names)

    def now(self):
        found = None if self._now is None else self._now()
        if found is None or found.count != len(self.names):
            found = Names(self, len(self.names))
            self._now = weakref.ref(found)
        return found


class Names:
    """The names an ``Assigned`` held when ``now()`` was asked: a read-only set that
    answers ``in``. What the blocks around held never changes, so each answer from
    them is kept: asking them again would cost the depth of the nesting each time."""

    __slots__ = ("assigned", "count", "around", "__weakref__")

    def __init__(self, assigned, count):
        self.assigned, self.count, self.around = assigned, count, {}

    def __contains__(self, name):
        if name not in self.assigned.known:
            return False
        position = self.assigned.names.get(name)
        if position is not None and position < self.count:
            return True
        held = self.around.get(name)
        if held is None:
            held = self.around[name] = name in self.assigned.before
        return held

    def __deepcopy__(self, memo):
        return self         # it never changes: a copied statement shares it


class SavePlan:
    """Plans the saves of one function body (see :meth:`annotate`).

    ``fixed``: the names not renamed to single assignments; ``store_counts``: how
    often each name is assigned (parameters count once). Afterwards ``stacks``
    maps names to their save stacks and ``needs_init`` holds names that need a
    placeholder before the first save (they may not exist yet when saved).
    """

    def __init__(self, body, fixed, store_counts, namer, params=()):
        self.body = body
        self.fixed = fixed
        self.store_counts = store_counts
        self.namer = namer
        self.count = 0
        self.stacks = {}
        self.needs_init = set()
        self.body_loads = None      # how often the body reads each name (recompute.loads), when asked
        self.params = params
        self.same_object = None     # ids of the copies v = y binding the object v holds (same_object_copies)
        self.written_in_loops = frozenset()     # the names the loops around the block being planned change in place

    def annotate(self, block, depth, maybe, definite):
        """Mark which assignments overwrite a value that may exist (so it may need
        saving). ``maybe``/``definite``: names possibly/surely assigned so far (sets, or
        ``Assigned``), which it adds to."""
        if isinstance(maybe, set):
            inner_maybe, inner_definite = Assigned(frozenset(maybe)), Assigned(frozenset(definite))
            self.annotate(block, depth, inner_maybe, inner_definite)
            maybe.update(inner_maybe.names)
            definite.update(inner_definite.names)
            return
        previous = None
        for stmt in block:
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
                target = stmt.targets[0]
                element = self.new_save(target.value.id, depth).with_index(target.slice)
                anno.set(stmt, Key.SAVE, element)
            elif isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
                self._plan_assign(stmt, previous, depth, maybe, definite)
            elif isinstance(stmt, gast.If):
                self._plan_if(stmt, depth, maybe, definite)
            elif isinstance(stmt, (gast.For, gast.While)):
                self._plan_loop(stmt, depth, maybe, definite)
            if not _temporary_after_copy(previous, stmt):
                previous = stmt

    def _plan_assign(self, stmt, previous, depth, maybe, definite):
        name = stmt.targets[0].id
        reuse = self._saved_just_before(previous, name)
        if (anno.get(stmt, Key.FOLLOWS, False) or id(stmt) in self._same_object()) and not self._rebound_alias(stmt) \
                or anno.get(stmt, Key.CAUGHT, False):
            pass        # v = y, v already y's object: it keeps its value, nothing to restore
        elif name in self.fixed and name in maybe and reuse is not None:
            anno.set(stmt, Key.SAVE, reuse)  # the program itself saved the old value
        elif name in self.fixed and name in maybe:
            anno.set(stmt, Key.SAVE, self.new_save(name, depth))
            if name not in definite:
                self.needs_init.add(name)
        maybe.add(name)
        definite.add(name)

    def _rebound_alias(self, stmt):
        """Whether ``stmt`` is ``v = y`` in a loop that changes ``y`` in place: saved even
        where ``v`` holds ``y``'s object already, so that each reverse iteration reads
        ``v`` as its own iteration left it, and ``v`` may be a copy of ``y`` made there
        (``views_read_back``: a copy, which a transform of the derivative follows, where an
        alias alive across the writes would be refused)."""
        return isinstance(stmt.value, gast.Name) and stmt.value.id in self.written_in_loops

    def _same_object(self):
        if self.same_object is None:
            self.same_object = same_object_copies(self.body, self.params)
        return self.same_object

    def _plan_if(self, stmt, depth, maybe, definite):
        anno.set(stmt, Key.DEFINED_BEFORE, definite.now())
        if anno.get(stmt, Key.CATCHES, False):
            self._plan_counter(stmt, depth, maybe, definite)
        m1, d1 = Assigned(maybe.now()), Assigned(definite.now())
        m2, d2 = Assigned(maybe.now()), Assigned(definite.now())
        self.annotate(stmt.body, depth, m1, d1)
        self.annotate(stmt.orelse, depth, m2, d2)
        maybe.merge(m1)
        maybe.merge(m2)
        anno.set(stmt, Key.DEFINED_BY_BODY, d1.now())
        anno.set(stmt, Key.DEFINED_BY_ORELSE, d2.now())
        definite.merge(d1, d1.names.keys() & d2.names.keys())     # what both assign, besides what was
        anno.set(stmt, Key.DEFINED_AFTER, definite.now())

    def _plan_counter(self, stmt, depth, maybe, definite):
        """A try counts the statements of its body that completed (``done``), saved like
        a while loop's counter."""
        counter = self.namer.fresh("done")
        anno.set(stmt, Key.COUNTER, counter)
        if depth > 0:       # each iteration counts again
            maybe.add(counter)
        anno.set(stmt, Key.TARGET_SAVES, [self.new_save(counter, depth)] if counter in maybe else [])
        if counter in maybe and counter not in definite:
            self.needs_init.add(counter)
        definite.add(counter)

    def _plan_loop(self, stmt, depth, maybe, definite):
        """A loop rebinds its target (a while loop: its counter) every iteration."""
        anno.set(stmt, Key.DEFINED_BEFORE, definite.now())
        is_while = isinstance(stmt, gast.While)
        enumerating = not is_while and isinstance(stmt.target, gast.Tuple)
        if is_while:
            anno.set(stmt, Key.COUNTER, self.namer.fresh("n_iter"))
            targets = [anno.get(stmt, Key.COUNTER)]
            if depth > 0:       # each outer iteration counts again
                maybe.add(anno.get(stmt, Key.COUNTER))
        else:
            targets = sorted(S.stored_names(stmt.target))
        anno.set(stmt, Key.TARGET_SAVES, [self.new_save(n, depth) for n in targets if n in maybe])
        for n in targets:
            if n in maybe and n not in definite:
                self.needs_init.add(n)
        if enumerating:
            item = stmt.target.elts[1].id
            anno.set(stmt, Key.ITEM_STACK, self.namer.fresh(item + "_stack"))
        inner_maybe = Assigned(maybe.now())
        inner_maybe.update(targets)
        stored = S.stored_names(gast.Module(body=stmt.body, type_ignores=[]))
        inner_maybe.update(sorted(stored))
        inner_definite = Assigned(definite.now())
        inner_definite.update(targets if enumerating else [t for t in targets if is_while])
        over_name = not is_while and isinstance(stmt.target, gast.Name)
        if over_name:
            inner_definite.add(stmt.target.id)
        if over_name and self.body_loads is None:
            self.body_loads = reads_counted(self.body)       # found once, for every loop
        anno.set(stmt, Key.RECOMPUTED, recomputable(stmt, self.body, self.store_counts,
                                                              self.body_loads, stored) if over_name else [])
        around, self.written_in_loops = self.written_in_loops, self.written_in_loops | names_changed_in_place(stmt.body)
        self.annotate(stmt.body, depth + 1, inner_maybe, inner_definite)
        self.written_in_loops = around
        anno.set(stmt, Key.DEFINED_BY_BODY, inner_definite.now())
        for recomputed in anno.get(stmt, Key.RECOMPUTED):
            anno.set(recomputed, Key.SAVE, None)
        maybe.merge(inner_maybe)
        if is_while:
            definite.add(anno.get(stmt, Key.COUNTER))
        elif enumerating:
            definite.add(stmt.target.elts[0].id)
        anno.set(stmt, Key.DEFINED_AFTER, definite.now())

    def _saved_just_before(self, previous, name):
        """Code that is itself a derivative saves a value right before overwriting it
        (``v_stack.append(v)`` or ``v_saved = v``, then ``v = ...``). Restoring from
        that same save, instead of saving again, keeps each order from doubling the
        saves of the order before."""
        if isinstance(previous, gast.Expr) and isinstance(previous.value, gast.Call) \
                and anno.get(previous.value, Key.METHOD) == "append" \
                and isinstance(previous.value.func.value, gast.Name) \
                and len(previous.value.args) == 1 and isinstance(previous.value.args[0], gast.Name) \
                and previous.value.args[0].id == name:
            anno.set(previous, Key.REUSED_BY_RESTORE, True)
            return Save(None, name, Store.PROGRAM_STACK, previous.value.func.value.id)
        if isinstance(previous, gast.Assign) and isinstance(previous.targets[0], gast.Name) \
                and isinstance(previous.value, gast.Name) and previous.value.id == name \
                and self.store_counts.get(previous.targets[0].id, 0) == 1:
            return Save(None, name, Store.PROGRAM_VARIABLE, previous.targets[0].id)
        return None

    def new_save(self, name, depth):
        """A new save of ``name``: a variable at top level, a stack inside loops."""
        save_id = self.count
        self.count += 1
        if depth > 0:
            return Save(save_id, name, Store.STACK, self._stack_for(name))
        return Save(save_id, name, Store.VARIABLE, self.namer.fresh(name + "_saved"))

    def _stack_for(self, name):
        if name not in self.stacks:
            self.stacks[name] = self.namer.fresh(name + "_stack")
        return self.stacks[name]


def same_object_copies(body, params):
    """The ids of the copies ``v = y`` (in any block) between names that only ever hold
    one object: every binding of each is such a copy, but for one that made the object,
    a parameter, a name the body never binds (a global: ``r = K`` in both branches, then
    ``r = r * x``, binds two objects) or a statement of the top-level block (run once),
    not ``op=``. Such a copy binds the object ``v`` held already (or ``v`` had no value yet): nothing to save, as
    when an inlined helper's parameter is bound to the caller's list in a loop
    (``pos_1 = pos`` ... ``pos = pos_1``)."""
    makers = {name: ["once"] for name in params}
    copies, top_level = [], {id(stmt) for stmt in body}
    for stmt in walk.walk_statements(body):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            name = stmt.targets[0].id
            if isinstance(stmt.value, gast.Name) and not anno.get(stmt, Key.AUGMENTED, False):
                copies.append((stmt, name, stmt.value.id))
                makers.setdefault(name, [])
            else:
                makers.setdefault(name, []).append(
                    "once" if id(stmt) in top_level and not anno.get(stmt, Key.AUGMENTED, False) else "more")
        elif isinstance(stmt, (gast.Assign, gast.For)):
            for name in S.stored_names(stmt.targets[0] if isinstance(stmt, gast.Assign) else stmt.target):
                makers.setdefault(name, []).append("more")
    stored = None
    for _, _, source in copies:
        if source not in makers:    # a global or closure name: an object made outside, once
            stored = S.stored_names(gast.Module(body=body, type_ignores=[])) if stored is None else stored
            makers[source] = ["more" if source in stored else "once"]
    group = {name: name for name in makers}

    def root(name):
        top = name
        while group.setdefault(top, top) != top:
            top = group[top]
        while name != top:      # every name on the way points at the root now
            following = group[name]
            group[name] = top
            name = following
        return top
    for _, target, source in copies:
        group[root(target)] = root(source)
    made = {}
    for name, kinds in makers.items():
        made.setdefault(root(name), []).extend(kinds)
    return {id(stmt) for stmt, target, _ in copies if made.get(root(target)) == ["once"]}


# -- shapes read from a value the reverse sweep has anyway ---------------------------------

_SHAPE_HELPERS = (runtime.unbroadcast, runtime.broadcast_like)   # read only the shape of their x


class ShapeSources(typing.NamedTuple):
    """``{id(statement): {temporary: name}}`` twice (see ``shape_sources``)."""
    before_restore: dict    # what the statement's adjoint may read as it is
    after_restore: dict     # sources that are the statement's own target: once its old value is back


def shape_sources(body):
    """Inside loops, the temporaries whose shape the reverse sweep can read off another
    name: ``t = np.sin(a)`` or ``t = a * 0.5`` has the shape of ``a`` (and is real where
    ``a`` is), so where a later statement of the same block (before ``a`` or ``t`` is
    assigned again) passes ``t`` on to ``unbroadcast`` only for its shape, ``a``, which
    the reverse sweep holds there anyway, does as well, and ``t`` need not be saved
    every iteration. A statement assigning ``a`` itself (``a = t + u``) may read ``a``
    for ``t`` once its adjoint has restored the value ``a`` had (``after_restore``).
    See ``redirect_shapes``."""
    found = ShapeSources({}, {})
    _sources_in(body, False, found)
    return found


def _sources_in(block, in_loop, found):
    if not in_loop:     # sources are only asked for in loops: outside, find the loops alone
        for stmt in block:
            if isinstance(stmt, gast.If):
                _sources_in(stmt.body, False, found)
                _sources_in(stmt.orelse, False, found)
            elif isinstance(stmt, (gast.For, gast.While)):
                _sources_in(stmt.body, True, found)
        return
    sources = _Sources()
    for stmt in block:
        changed = _changed_by(stmt)
        named = isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
        read = None         # the names the value reads, found once for both questions
        if sources and named and changed == {stmt.targets[0].id}:
            target, read = stmt.targets[0].id, S.loaded_names(stmt.value)
            own = {n: target for n in sources.having(target) if n in read and n != target}
            if own:
                found.after_restore[id(stmt)] = own
        sources.forget(changed)
        if sources and isinstance(stmt, gast.Assign):
            read = S.loaded_names(stmt.value) if read is None else read
            restored = {n: sources.of[n] for n in read if n in sources.of}
            if restored:
                found.before_restore[id(stmt)] = restored
        if isinstance(stmt, gast.If):
            _sources_in(stmt.body, True, found)
            _sources_in(stmt.orelse, True, found)
        elif isinstance(stmt, (gast.For, gast.While)):
            _sources_in(stmt.body, True, found)
        elif named:
            source = _same_shape_operand(stmt.value)
            if source is not None and source != stmt.targets[0].id:
                sources.add(stmt.targets[0].id, sources.of.get(source, source))


class _Sources:
    """The temporaries of a loop body whose shape is another name's (``of``: temporary ->
    name), indexed by that name too, so a statement forgets those it changes in the time
    of its own names, not of every temporary so far (the body's length)."""

    def __init__(self):
        self.of, self._by = {}, {}      # name -> {temporary: None}, in the order of ``of``

    def __bool__(self):
        return bool(self.of)

    def having(self, name):
        return self._by.get(name, ())

    def add(self, temporary, name):
        self.of[temporary] = name
        self._by.setdefault(name, {})[temporary] = None

    def forget(self, changed):
        """Drop the temporaries in ``changed`` and those with the shape of a name in it."""
        for name in changed:
            if name in self.of:
                del self._by[self.of.pop(name)][name]
            for temporary in self._by.pop(name, ()):
                del self.of[temporary]


def _changed_by(stmt):
    """Names whose value or shape ``stmt`` may change: what an assignment of a plain
    operation binds, and every name any other statement mentions."""
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and (
            isinstance(stmt.value, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.Constant, gast.Name))
            or isinstance(stmt.value, gast.Call) and anno.get(stmt.value, Key.TARGET) is not None
            and not any(kw.arg == "out" for kw in stmt.value.keywords)):
        return {stmt.targets[0].id}
    return S.names_in(stmt)


def _same_shape_operand(value):
    """The name whose shape ``value`` certainly has, or None: ``-a``, ``a op c`` for a
    number ``c`` (a float for ``*``: ``xs * 2`` repeats a list), an elementwise NumPy
    ufunc of one operand that keeps a complex value complex (``np.abs`` does not)."""
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub) and isinstance(value.operand, gast.Name):
        return value.operand.id
    if isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Sub, gast.Mult, gast.Div)):
        for operand, other in ((value.left, value.right), (value.right, value.left)):
            if isinstance(operand, gast.Name) and isinstance(other, gast.Constant) \
                    and type(other.value) in ((float,) if isinstance(value.op, gast.Mult) else (int, float)):
                return operand.id
        return None
    if isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords \
            and isinstance(value.args[0], gast.Name):
        ufunc = anno.get(value, Key.TARGET)
        if isinstance(ufunc, numpy.ufunc) and ufunc.nin == 1 and ufunc.nout == 1 and ufunc.signature is None \
                and ufunc is not numpy.absolute:
            return value.args[0].id
    return None


def redirect_shapes(statements, sources):
    """``statements`` (an adjoint's) with the shape-only argument of ``unbroadcast`` and
    ``broadcast_like`` read off its source where ``sources`` (one statement's entry of
    ``shape_sources``) has one."""
    if not sources:
        return statements
    for stmt in statements:
        for node in S.call_nodes(stmt):
            if len(node.args) == 2 and isinstance(node.args[1], gast.Name) \
                    and node.args[1].id in sources and anno.get(node, Key.TARGET) in _SHAPE_HELPERS:
                node.args[1] = S.name(sources[node.args[1].id])
    return statements


def _temporary_after_copy(previous, stmt):
    """Whether ``stmt`` is a temporary computed between a copy ``u = v`` and the
    assignment overwriting ``v`` (``a_saved = a; t = a * x; a = a + t``, as the next order
    normalizes ``a = a + a * x``): it rebinds neither name, so the copy still holds the
    object ``v`` holds, and the overwrite can restore from it."""
    return isinstance(previous, gast.Assign) and isinstance(previous.targets[0], gast.Name) \
        and isinstance(previous.value, gast.Name) \
        and isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
        and stmt.targets[0].id not in (previous.targets[0].id, previous.value.id)
