"""The state of an adjoint variable at a point of the reverse sweep.

The first contribution to an UNSET adjoint assigns it, later ones add to it, and
a statement whose result's adjoint is not SET contributes nothing. Where control
flow merges, :func:`join` says what is known on both paths together.
"""

import enum
import operator


class AdjointState(enum.Enum):
    UNSET = "no value: the first contribution assigns it"
    ZERO = "holds zeros, materialised where paths disagree: contributions add to it"
    SET = "holds a contribution: further ones add to it"


UNSET, ZERO, SET = AdjointState.UNSET, AdjointState.ZERO, AdjointState.SET
_MISSING = object()     # not in the states read through: UNSET, as for a missing key


def join(a, b):
    """The state after "a or b", where either path may have been taken (the two
    branches of an ``if``; before a loop and after one more iteration)."""
    if SET in (a, b):
        return SET
    if ZERO in (a, b):
        return ZERO
    return UNSET


def state_of(states, adjoint):
    """The state of ``adjoint`` in ``states`` (a dict; missing means UNSET)."""
    return states.get(adjoint, UNSET)


def is_set(states, adjoint):
    """Whether ``adjoint`` is SET in ``states``: the question of the code that treats a
    ZERO adjoint as an UNSET one (no contribution from it, the first to it assigns it),
    which a :class:`Watched` state notes apart (``tested``)."""
    if type(states) is dict:        # the top level's states: nothing to note, nothing below
        return states.get(adjoint) is SET
    return _read(states, adjoint, True) is SET


def quiet_state(states, adjoint):
    """The state of ``adjoint`` in ``states``, as :func:`state_of` reads it, without
    noting the read in the :class:`Watched` states it reads through."""
    return _read(states, adjoint, False)


def _read(states, adjoint, tested):
    found = _walk(states, adjoint, _TESTED if tested else None, None)
    return UNSET if found is _MISSING else found


_READ, _TESTED = operator.attrgetter("read"), operator.attrgetter("tested")    # a Watched's notes


def _walk(states, adjoint, notes, passed):
    """The state of ``adjoint`` in ``states`` or the states below (_MISSING where none has
    it), noted in the ``notes`` (``_READ``, ``_TESTED`` or None) of each Watched reached; the
    Changes gone through without it are appended to ``passed`` (a list, or None). One loop
    rather than a call per level: under nested ifs a read may go down the whole nest."""
    while isinstance(states, Changes):
        if notes is not None and type(states) is Watched:
            notes(states).add(adjoint)
        if adjoint in states.own:
            return states.own[adjoint]
        if adjoint in states.above:
            return states.above[adjoint]
        if passed is not None:
            passed.append(states)
        states = states.base
    return states.get(adjoint, _MISSING)


class Changes:
    """The adjoint states of one branch, or of one pass over a loop's body: the states
    it sets (``own``) over the states before it (``base``, a dict or another Changes),
    which it reads through and never changes. Copying the states of every adjoint of the
    function so far at each branch and each pass made the sweep quadratic in the number
    of branches and loops. Only :func:`state_of` and ``changes[adjoint] = state`` use
    one; ``keys()`` are the adjoints it sets.

    What it reads through is kept (``above``): the states below nested branches are
    read through a chain as deep as the nesting, and reading each through all of it
    made nested ifs quartic in their depth. The bases do not change while a Changes
    is in use (a branch's states are written over the states before it only after
    the branch); where one does, :meth:`base_changed` forgets what was kept."""

    __slots__ = ("base", "own", "above")

    def __init__(self, base, own=None):
        self.base = base
        self.own = {} if own is None else own
        self.above = {}

    def get(self, adjoint, default=None):
        own = self.own
        if adjoint in own:
            return own[adjoint]
        above = self.above
        # in above: a Watched base noted this adjoint when it was first read through it
        found = above[adjoint] if adjoint in above else _read_through(self, adjoint)
        return default if found is _MISSING else found

    def base_changed(self):
        self.above.clear()

    def __setitem__(self, adjoint, state):
        self.own[adjoint] = state

    def keys(self):
        return self.own.keys()


class Watched(Changes):
    """Changes that note the adjoints whose states were read through them by
    :func:`state_of` (``read``): the code made under them depends on whether those are
    UNSET or ZERO; for the others, UNSET and ZERO made the same code. The adjoints
    :func:`is_set` asked about are noted apart (``tested``): the code depends on whether
    those are SET."""

    __slots__ = ("read", "tested")

    def __init__(self, base, own=None):
        super().__init__(base, own)
        self.read, self.tested = set(), set()

    def get(self, adjoint, default=None):
        self.read.add(adjoint)
        return super().get(adjoint, default)


def read_again(entry, read, tested):
    """Read through the Watched ``entry`` the adjoints ``read`` as :func:`state_of` reads
    them and ``tested`` as :func:`is_set` asks about them, for what they note alone (their
    states are known): branches taken again read what they read when made. Each adjoint
    ``entry`` holds, or kept from an earlier read, was noted below when first read: only
    the others are read through (one call for each made taking branches again a tenth of
    the first order of a nest of ifs)."""
    own, above = entry.own, entry.above
    entry.read.update(read)
    for adjoint in read:
        if adjoint not in own and adjoint not in above:
            _read_through(entry, adjoint)
    entry.tested.update(tested)
    for adjoint in tested:
        if adjoint not in own and adjoint not in above:
            _walk(entry.base, adjoint, _TESTED, None)


def _read_through(changes, adjoint):
    """The state of ``adjoint`` in the bases of ``changes`` (_MISSING where none has it), as
    each base's ``get`` would find it in turn: noted in each Watched reached, and kept in
    the ``above`` of each Changes read through (``changes``'s too)."""
    passed = [changes]
    found = _walk(changes.base, adjoint, _READ, passed)
    for level in passed:
        level.above[adjoint] = found
    return found
