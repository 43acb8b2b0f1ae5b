"""The branches of an ``if`` made once for the states they read, not again at each
pass of the ifs around it.

An ``if`` whose branches disagree on an adjoint may make them again with zeros before
it (see :mod:`adjoint_control`), and an ``if`` nested in a branch is then made again
too, in a pass that reads the same states as one it was made in already (the ifs
nested in it made their branches again with those zeros before the ifs around them
did). Making them again at each level made nested ifs quadratic in their depth.

The branches of an ``if`` depend only on the states their code read through the
entry (the ones :func:`state_of` read, which tell UNSET from ZERO, and the ones
:func:`is_set` asked about), on the zeros at their ends, and on the names taken
before them: where all of these are as when they were made, the code made then is the
code made now, and is taken again. Taking it again takes again the names taken while
it was made (the later names are as they would be) and reads again what it read (the
ifs around it learn what it read). Branches whose making added a derivative's name or
a binding of the generated namespace are not kept: made again, they would find those
and take fewer names.
"""

from .adjoint_state import Changes, quiet_state, read_again

_KEPT_PER_IF = 4        # the entries of the last few passes over one if


class _Made:
    """The branches of one ``if`` made for one entry, and what they depended on."""

    __slots__ = ("stmt", "tails", "read", "states", "names", "numbered", "taken", "numbered_after",
                 "code", "exits")

    def __init__(self, stmt, tails, entry, start, branches):
        self.stmt = stmt        # held: its id is not reused while this is kept
        self.tails, self.read = tails, frozenset(entry.read)
        self.states = {adjoint: quiet_state(entry, adjoint) for adjoint in entry.read | entry.tested}
        self.names, self.numbered = start
        self.code = tuple(tuple(code) for code, _ in branches)     # lists the caller may append to
        self.exits = tuple(dict(exit_state.own) for _, exit_state in branches)


class BranchMemo:
    """The branches made while an outermost ``if`` is made (forgotten after it)."""

    def __init__(self, mode):
        self.mode = mode
        self._made = {}         # id(stmt) -> [_Made], the latest first
        self.depth = 0          # the ifs being made, one in another
        self._derived, self._derivatives_seen = set(), 0

    def recall(self, stmt, tails, entry):
        """((then, exit states), (orelse, exit states)) made before for ``entry`` as it
        is now, or None."""
        for made in self._made.get(id(stmt), ()):
            if made.tails == tails and self._same_names(made) \
                    and all(quiet_state(entry, a) is state for a, state in made.states.items()):
                return self._take_again(made, entry)
        return None

    def start(self):
        """What :meth:`remember` needs from before the branches are made."""
        added, numbered = _names(self.mode.namer)
        return (added[:], dict(numbered)), len(self.mode.derivatives), len(self.mode.namespace.values)

    def remember(self, stmt, tails, entry, started, branches):
        start, derivatives, bindings = started
        if len(self.mode.derivatives) != derivatives or len(self.mode.namespace.values) != bindings \
                or any(type(exit_state) is not Changes or exit_state.base is not entry for _, exit_state in branches):
            return
        made = _Made(stmt, tails, entry, start, branches)
        added, numbered = _names(self.mode.namer)
        made.taken, made.numbered_after = tuple(added[len(made.names):]), dict(numbered)
        kept = self._made.setdefault(id(stmt), [])
        kept.insert(0, made)
        del kept[_KEPT_PER_IF:]

    def forget(self):
        self._made.clear()

    def _same_names(self, made):
        """Whether the names taken now are those taken when ``made`` was made, but for
        derivatives' names: a pass made again gives back the names it took, and a
        derivative's name, kept in the mode's ``derivatives``, is not taken again (the
        code made now would not take it either); the names ``made`` took are free."""
        namer = self.mode.namer
        added, numbered = _names(namer)
        if numbered != made.numbered or any(name in namer.taken for name in made.taken):
            return False
        if added == made.names:
            return True
        differ = set(added).symmetric_difference(made.names)
        return differ <= self._derivative_names()

    def _derivative_names(self):
        derivatives = self.mode.derivatives
        if len(derivatives) != self._derivatives_seen:
            self._derivatives_seen = len(derivatives)
            self._derived = set(derivatives.values())
        return self._derived

    def _take_again(self, made, entry):
        read_again(entry, made.read, made.states.keys() - made.read)    # noted as the code made again would
        namer = self.mode.namer
        namer.reserve(*made.taken)      # the order they were taken in: a later back_to gives them back alike
        mark = namer.mark()             # (count, numbered, taken, added): its numbering as then
        namer.back_to((mark[0], made.numbered_after) + mark[2:])
        return tuple((list(code), Changes(entry, dict(exits))) for code, exits in zip(made.code, made.exits))


def _names(namer):
    """The names ``namer`` took, in order, and its ``base -> the last number fresh
    gave it``: what ``Namer.mark`` keeps of it."""
    return namer._added, namer._numbered
