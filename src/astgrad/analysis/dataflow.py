"""Liveness over structured code, and the dead-code elimination built on it.

Both work on core-form statements (and on generated code, which is also core form):
``if``, ``for`` and ``while`` are handled structurally, loops by iterating to a
fixed point. ``break`` is treated as falling through, which only over-approximates
what is live, so no needed statement is ever removed.
"""

import collections.abc
import functools

import gast

from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from ..core.first_use import imported_when_called
from ..rules import registry
from .mutation import is_mutating_method     # a call of one is never dead code


def reads(stmt):
    """Names a simple statement (or a compound statement's header) reads."""
    if isinstance(stmt, gast.Assign):
        names = S.loaded_names(stmt.value)
        target = stmt.targets[0]
        if isinstance(target, gast.Subscript):
            names |= S.loaded_names(target) | S.names_in(target.value)
        return names
    if isinstance(stmt, (gast.If, gast.While)):
        return S.loaded_names(stmt.test)
    if isinstance(stmt, gast.For):
        return S.loaded_names(stmt.iter)
    return S.loaded_names(stmt)


def writes(stmt):
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
        return {stmt.targets[0].id}
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Tuple):
        return S.stored_names(stmt.targets[0])
    if isinstance(stmt, gast.For):
        return S.stored_names(stmt.target)
    return set()


_PLAIN_ACCESS = (reads, writes)


def is_pure(value):
    """Whether evaluating ``value`` can be skipped when its result is unused: whether
    every call in it is."""
    for node in S.call_nodes(value):
        if is_mutating_method(anno.get(node, Key.METHOD)):
            return False
        if isinstance(node.func, gast.Attribute) and is_mutating_method(node.func.attr):
            return False
        method = anno.get(node, Key.METHOD)
        if method is not None and registry.method_key(method) is None:
            return False        # obj.update(...): a method astgrad knows nothing about
        target = anno.get(node, Key.TARGET)
        if target is not None:
            key = registry.rule_key(target)
            if not (key in registry.ADJOINTS or registry.is_non_differentiable(target)):
                return False
        elif anno.get(node, Key.METHOD) is None and not anno.get(node, Key.PURE, False):
            if not _known_pure_name(node.func):
                return False
    return True


def _known_pure_name(func):
    return anno.get(func, Key.PURE, False)


class NameBits:
    """Numbers the names of one analysis: a set of names is an int, bit ``i`` standing
    for ``names[i]``. Liveness keeps a set at every statement; as ints they cost a few
    machine words each and the collector never walks them (frozensets of every live
    name cost as much as the function is long, at each statement)."""

    def __init__(self):
        self.index, self.names = {}, []

    def mask(self, names):
        bits = 0
        for name in names:
            i = self.index.get(name)
            if i is None:
                i = self.index[name] = len(self.names)
                self.names.append(name)
            bits |= 1 << i
        return bits

    def loaded_mask(self, node):
        """``mask(S.loaded_names(node))``, from the Name nodes without making the set."""
        return self.loaded_mask_of(S.name_nodes(node))

    def loaded_mask_of(self, nodes):
        """``loaded_mask`` of the node whose Name nodes are ``nodes``."""
        bits, index, load = 0, self.index, gast.Load
        for found in nodes:
            if found.ctx.__class__ is load:     # (gast's contexts have no subclasses)
                i = index.get(found.id)
                if i is None:
                    i = index[found.id] = len(self.names)
                    self.names.append(found.id)
                bits |= 1 << i
        return bits


class LiveNames(collections.abc.Set):
    """The frozen set of names whose bits are set in ``bits`` (see ``NameBits``): what
    ``Key.LIVE_OUT`` holds. Membership is a bit test; other set operations give frozensets."""

    __slots__ = ("bits", "numbering")

    def __init__(self, bits, numbering):
        self.bits, self.numbering = bits, numbering

    def __contains__(self, name):
        i = self.numbering.index.get(name)
        return i is not None and (self.bits >> i) & 1 == 1

    def __iter__(self):
        bits, names = self.bits, self.numbering.names
        while bits:
            low = bits & -bits
            yield names[low.bit_length() - 1]
            bits ^= low

    def __len__(self):
        return bin(self.bits).count("1")

    def __repr__(self):
        return f"LiveNames({sorted(self)!r})"

    @classmethod
    def _from_iterable(cls, names):
        return frozenset(names)


class _Masks:
    """``reads`` and ``writes`` of statements as masks of one ``NameBits``, each found once.
    Each is kept shifted down to its lowest bit, as (bits, shift): a statement names a few
    names, but they may have high numbers, and an int costs as many bits as its highest
    one (kept whole, the masks of all the statements cost statements x names bits)."""

    def __init__(self, numbering, reads, writes):
        self.numbering, self._reads, self._writes = numbering, reads, writes
        self.found = {}         # id(statement) -> (it, read bits, their shift, write bits, their shift)
        self._plain = (reads, writes) == _PLAIN_ACCESS     # see _whole_masks
        # where a dict: id(statement) -> (it, its value, the value's Name nodes) for each
        # ``name = value`` whose masks were found, for a pass after that looks at names
        self.value_names = None

    def of(self, stmt):
        """(read mask, write mask) of ``stmt``."""
        found = self.found.get(id(stmt)) or self.find(stmt)
        return found[1] << found[2], found[3] << found[4]

    def find(self, stmt):
        """``stmt``'s entry of ``found``, made on first use."""
        found = self.found.get(id(stmt))
        if found is None:
            read, written = self._whole_masks(stmt)
            read_shift = (read & -read).bit_length() - 1 if read else 0        # its lowest bit
            write_shift = (written & -written).bit_length() - 1 if written else 0
            found = self.found[id(stmt)] = (stmt, read >> read_shift, read_shift, written >> write_shift, write_shift)
        return found

    def _whole_masks(self, stmt):
        numbering = self.numbering
        if self._plain and stmt.__class__ is gast.Assign and stmt.targets[0].__class__ is gast.Name:
            # the commonest statement: what ``reads`` and ``writes`` give, without their sets
            if self.value_names is None:
                return numbering.loaded_mask(stmt.value), numbering.mask((stmt.targets[0].id,))
            nodes = S.name_nodes(stmt.value)
            self.value_names[id(stmt)] = (stmt, stmt.value, nodes)
            return numbering.loaded_mask_of(nodes), numbering.mask((stmt.targets[0].id,))
        return numbering.mask(self._reads(stmt)), numbering.mask(self._writes(stmt))


def liveness(block, live_out, reads=reads, dead=None, writes=writes, masks=None):
    """Annotate each statement with ``Key.LIVE_OUT``; return the names live on entry.
    ``reads(stmt)`` says which names a statement needs (all it loads, by default).
    ``dead(stmt)``, when given, says (from the statement's LIVE_OUT) that a statement
    will be removed: what it reads is then not needed by it. ``masks``
    (a ``_Masks``, made from ``reads`` and ``writes`` when None) may be kept across calls
    on statements that do not change.

    The sets are ``LiveNames`` (bits over one numbering of the names), shared by
    neighbouring statements where a statement changes nothing that is live."""
    masks = _Masks(NameBits(), reads, writes) if masks is None else masks
    live = _live(block, masks.numbering.mask(live_out), _Run(masks, dead))
    return frozenset(LiveNames(live, masks.numbering))


class _Run:
    """One liveness run: the statements' masks, the ``dead`` test, and where the set
    live after each statement goes: ``table`` (id of the statement -> its mask), or,
    when None, the statement's ``Key.LIVE_OUT``. With ``summarize``, the table keeps
    of a statement outside the loops being iterated only whether a name it writes is
    live after it (a bool): all dead-code elimination asks once a loop has settled, and
    a mask costs a bit for every name of the function."""

    __slots__ = ("masks", "dead", "table", "paired", "summarize", "looping", "wrote")

    def __init__(self, masks, dead, table=None, paired=(), summarize=False):
        self.masks, self.dead, self.table = masks, dead, table
        self.paired = paired        # ids of statements other than assignments ``dead`` is asked about
        self.summarize, self.looping = summarize, 0     # looping: how many loops around are being iterated
        # with ``summarize``, in a loop: the mask of the names the statements walked since
        # the loop's first pass began write (see _loop_live); None outside loops
        self.wrote = None

    def summary(self, stmt, live):
        """Whether a name ``stmt`` writes is in the mask ``live``."""
        _, _, _, written, shift = self.masks.find(stmt)
        return live >> shift & written != 0

    def summarize_settled(self, body):
        """Replace the masks recorded in the loop body ``body``, now settled, by their summaries."""
        table, find = self.table, self.masks.find
        for stmt in walk.walk_statements(body):
            live = table.get(id(stmt))
            if live is not None and live.__class__ is not bool:
                _, _, _, written, shift = find(stmt)
                table[id(stmt)] = live >> shift & written != 0

    def recorded(self, stmt):
        """The mask this run left on ``stmt``."""
        return self.table[id(stmt)] if self.table is not None else anno.get(stmt, Key.LIVE_OUT).bits


def _live(block, live, run, previous=None, escape=None):
    """``liveness`` on masks: the mask live on entry of ``block`` given ``live`` after it.
    ``previous``, when given, is what the previous pass over ``block`` (a loop's body)
    returned, its statements still annotated by that pass: from a statement where the
    same names are live as then, the rest of the pass would repeat it, so it ends there.
    ``escape``, in a try body: what is live wherever the block may stop (it raises). A
    statement there that may raise is never dead (removing it would change which
    statements run): its target counts as live after it."""
    masks, dead, table, shared, paired = run.masks, run.dead, run.table, None, run.paired
    summary = run.summarize and not run.looping     # (constant here: a loop's walk restores ``looping``)
    # gast's statement classes have no subclasses: a class test is an isinstance test
    assign_type, found_masks = gast.Assign, masks.found.get
    for stmt in reversed(block):
        kind = stmt.__class__
        if escape is not None:
            live |= escape
            if kind is assign_type and not isinstance(stmt.value, (gast.Constant, gast.Name)) \
                    and S.read_name(stmt.value) is None:    # a read of a name raises only where it is unbound
                live |= masks.of(stmt)[1]
        if previous is not None and run.recorded(stmt) == live:
            return previous
        if table is None:
            if shared is None or shared.bits != live:
                shared = LiveNames(live, masks.numbering)
            anno.set(stmt, Key.LIVE_OUT, shared)
        elif not summary or kind in _COMPOUND:
            table[id(stmt)] = live
        if kind in _COMPOUND:
            after, live = live, _compound_live(stmt, kind, live, run, escape)
            if summary:
                table[id(stmt)] = run.summary(stmt, after)
            continue
        _, read, read_shift, written, written_shift = found_masks(id(stmt)) or masks.find(stmt)
        if written and run.wrote is not None:
            run.wrote |= written << written_shift
        killed = live >> written_shift & written    # (not live & ~written: a negative int costs the set's length twice more)
        if summary:
            table[id(stmt)] = killed != 0
        # only an assignment whose names are not live can be dead: asked of those alone
        if not killed and dead is not None and (kind is assign_type or id(stmt) in paired) and dead(stmt):
            continue
        if killed:
            live ^= killed << written_shift
        live |= read << read_shift
    return live


_COMPOUND = frozenset({gast.If, gast.For, gast.While, gast.Return})


def _compound_live(stmt, kind, live, run, escape):
    """``_live``'s step over an ``if``, a loop or a return: the mask live before it."""
    masks = run.masks
    if kind is gast.If and anno.get(stmt, Key.CATCHES, False):
        # a try: its body may stop after any statement and go on in the except clause
        stopped = _live(stmt.orelse, live, run) | live | (escape or 0)
        return _live(stmt.body, live, run, escape=stopped) | stopped | masks.of(stmt)[0]
    if kind is gast.If:
        return _live(stmt.body, live, run, escape=escape) \
            | _live(stmt.orelse, live, run, escape=escape) | masks.of(stmt)[0]
    if kind is gast.Return:
        return masks.of(stmt)[0]
    return _loop_live(stmt, live, run)


def _loop_live(loop, after, run):
    """The mask live before ``loop`` given ``after``, its body annotated at the fixed
    point. What is live at the end of the body (``after``, the header, and what the body
    needs on entry, but for the target it binds before each pass) only grows; once a pass
    adds nothing to it, the next pass would see the same and change nothing, so it is
    not made (a pass more for nothing, at every level of nesting, made liveness over
    generated loops cost twice and more). A later pass walks the body only up to where
    what is live is what it was in the pass before (see ``_live``): usually the first
    write of the names the pass before added. In dead-code elimination, a name the
    body reads but never writes goes round the loop without another pass (see below)."""
    header, rebound = run.masks.of(loop)     # a for loop binds its target before each pass
    body_out, previous, carried = after | header, None, 0
    run.looping += 1
    outer_wrote = run.wrote
    if run.summarize:
        run.wrote = rebound         # the first pass walks every statement of the body
    while True:
        body_in = _live(loop.body, body_out, run, previous)
        added = body_in & ~rebound & ~body_out & ~carried
        if added and run.summarize:
            # a name the body never writes, live through all of it, changes no statement's
            # verdict (all dead-code elimination keeps of a statement is whether a name it
            # writes is live after it): carried past the body rather than walked, where it
            # made the next pass walk all of the body (its masks never matching the last's)
            unwritten = added & ~run.wrote
            carried |= unwritten
            added ^= unwritten
        if not added:
            break
        body_out, previous = body_out | added, body_in
    if outer_wrote is not None:
        run.wrote |= outer_wrote    # the loop around writes what this one does
    else:
        run.wrote = outer_wrote
    run.looping -= 1
    if run.summarize and not run.looping:
        run.summarize_settled(loop.body)
    return body_out | carried


def eliminate_dead_code(block, live_out, keep=lambda stmt: False, facts=None):
    """Remove assignments whose value is never read, until nothing changes. A chain of
    dead assignments goes in one pass, in loops too (liveness skips the reads of a
    statement it finds dead, and a loop's fixed point only grows what is live, so what
    is dead at it was dead at every pass before). Only removing an ``if`` or a loop
    (whose test or iterable liveness counted) can make more code dead: then liveness
    runs again. Otherwise what the last run found live after each statement (see
    ``StatementFacts.live_after``) is what a new run would give (a dead statement passes
    what is live through unchanged). The statements are not annotated: the sets stay
    in a table of the run, which costs a fraction of writing one on every statement.

    ``facts`` (a ``StatementFacts``) keeps what each statement reads and writes and
    whether its value is pure across the passes, and across calls that share it while
    the statements are not changed but for removals."""
    facts = StatementFacts() if facts is None else facts
    while True:
        facts.live_out = table = {}
        judged = {}         # id of an assignment -> whether liveness last found it dead
        _live(block, facts.masks.numbering.mask(live_out),
              _Run(facts.masks, functools.partial(_judged_dead, keep=keep, facts=facts, judged=judged), table,
                   facts.paired_saves, summarize=True))
        changed, block = _sweep(block, keep, facts, judged)
        if not changed:
            return block


def _judged_dead(stmt, keep, facts, judged):
    """``_is_dead``, as liveness asks it, its answer kept in ``judged`` (by id)."""
    judged[id(stmt)] = dead = _is_dead(stmt, keep, facts)
    return dead


def record_liveness(block, live_out, facts):
    """Liveness over ``block`` (the names ``live_out`` live after it) into ``facts`` (a
    ``StatementFacts``), without annotating the statements: for a pass that asks what is
    live after a few of them (``facts.live_names``)."""
    facts.live_out = table = {}
    _live(block, facts.masks.numbering.mask(live_out), _Run(facts.masks, None, table))


class StatementFacts:
    """What each statement reads and writes (as liveness's masks) and whether its value is
    pure, each found once per statement. Keyed by the statement's id, with the statement
    kept alive so no id is reused. ``live_out``: by the id of each statement, the mask
    live after it that the last liveness run found (``record_liveness``), or of that
    mask only whether a name the statement writes is in it (``eliminate_dead_code``).

    ``paired_saves``: {id of a statement: (it, the one statement it is kept for)}, where
    the pair goes together: a push onto a stack and the pop putting the value back
    (the pop changes the stack, so it goes only with its push). The pop must come in a
    later top-level statement than the push, so that liveness has settled on the pop
    (its loops at their fixed points) when it comes to the push; ``paired_restores``
    holds the ids of those pops."""

    def __init__(self):
        self._pure = {}
        self.masks = _Masks(NameBits(), reads, writes)
        self.live_out = {}
        self.paired_saves, self.paired_restores = {}, set()

    def pair(self, save, restore):
        """Remove the push ``save`` exactly when the pop ``restore`` is dead (see above)."""
        self.paired_saves[id(save)] = (save, restore)
        self.paired_restores.add(id(restore))

    def is_pure(self, stmt):
        """Whether ``stmt.value`` (of an assignment) can be skipped when unused."""
        found = self._pure.get(id(stmt))
        if found is None:
            found = self._pure[id(stmt)] = (stmt, is_pure(stmt.value))
        return found[1]

    def live_names(self, stmt):
        """The names live after ``stmt`` by the last ``record_liveness``, as ``Key.LIVE_OUT`` holds them."""
        return LiveNames(self.live_out[id(stmt)], self.masks.numbering)

    def writes_live(self, stmt):
        """Whether a name ``stmt`` writes is live after it by the last liveness run (any
        is, after a statement the run did not reach)."""
        live = self.live_out.get(id(stmt), -1)
        if live.__class__ is bool:      # what eliminate_dead_code keeps (see _Run)
            return live
        _, _, _, written, shift = self.masks.find(stmt)
        return live >> shift & written != 0


def _sweep(block, keep, facts, judged):
    """One pass removing dead assignments, emptied ``if``s and emptied loops that bind
    nothing used later; returns (whether an ``if`` or a loop went, the new block).
    ``judged``: what the liveness run just made found of the assignments it asked
    about (by id), at each statement's last visit, where what is live after it is what
    ``facts`` holds: an assignment to a name it never asked about wrote a live name at
    every visit, and one it last found dead is dead unless what it writes is live now (a
    later pass of a loop found it so, and did not ask). The sweep asks no more."""
    changed = False
    assign_type, name_type, verdict = gast.Assign, gast.Name, judged.get

    def sweep(stmt):
        nonlocal changed
        if stmt.__class__ is assign_type and stmt.targets[0].__class__ is name_type:
            return [] if verdict(id(stmt)) and not facts.writes_live(stmt) else stmt
        if _is_dead(stmt, keep, facts):
            changed = changed or isinstance(stmt, (gast.If, gast.For, gast.While))
            return []
        if isinstance(stmt, gast.If) and not _has_code(stmt.orelse):
            stmt.orelse = []
        elif isinstance(stmt, gast.If) and not _has_code(stmt.body):
            # `if c: pass else: ...` reads better as `if not c: ...`
            stmt.test = gast.UnaryOp(op=gast.Not(), operand=stmt.test)
            stmt.body, stmt.orelse = stmt.orelse, []
        return stmt
    block = walk.rewrite_blocks(block, sweep)
    return changed, block


def _is_dead(stmt, keep, facts):
    """A statement (its nested blocks already swept) whose removal changes nothing."""
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
        return not facts.writes_live(stmt) and (facts.is_pure(stmt) or id(stmt) in facts.paired_restores) \
            and not keep(stmt)
    pair = facts.paired_saves.get(id(stmt))
    if pair is not None:
        return not facts.writes_live(pair[1]) and not keep(pair[1])
    if isinstance(stmt, gast.If):
        return not _has_code(stmt.body) and not _has_code(stmt.orelse)
    return isinstance(stmt, gast.For) and not _has_code(stmt.body) and not facts.writes_live(stmt)


# (imported when first called: the backend builds on this module)
_is_comment = imported_when_called("astgrad.backend.emit", "is_comment")


def _has_code(block):
    return any(not _is_comment(s) and not isinstance(s, gast.Pass) for s in block)
