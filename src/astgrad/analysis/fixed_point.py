"""The optimistic fixed point both shape analyses use (shapes.py's classes, layouts.py's
dimensions): give each name the fact of the first of its values that has one, then take
back, until nothing changes, every fact that one of the name's values contradicts."""

UNKNOWN = "unknown"     # a name whose values disagree: no fact
_NONE = {}


class Readers:
    """name -> the names whose values mention it, for the rounds of ``assume`` and
    ``retract`` over one ``definitions``: found when first needed, once for all of them
    (``mentions`` as for ``assume``)."""

    def __init__(self, definitions, mentions):
        self.definitions, self.mentions, self.found = definitions, mentions, None

    def get(self):
        if self.found is None:
            self.found = _readers(self.definitions, (), self.mentions)
            # not needed again: ``mentions``, often a bound method of the analysis that
            # holds this, made a cycle that kept the analysis and its trees for the collector
            self.definitions = self.mentions = None
        return self.found


def assume(definitions, facts, fact_of, mentions=None, settled=None):
    """Fill ``facts`` (name -> fact) for the names of ``definitions`` (name -> the values
    assigned to it, None for one that is not an expression) that have none yet: rounds
    over the names in order until one gives no name a fact. ``settled``, a dict, is given
    name -> the value whose fact it was given (for ``retract``).

    ``mentions(value)``, when given, is the names ``fact_of(value)`` depends on (or a
    ``Readers`` of them, shared by an analysis's rounds): after
    the first round a name is looked at again only once one of those has been given a
    fact since it was last looked at (otherwise it would find nothing again), so the
    facts found are the same, and the last round, which finds nothing, costs nothing."""
    if isinstance(mentions, Readers):
        # the readers of every name: a name that has a fact is never looked at again anyway
        readers = mentions.get()
    else:
        readers = _readers(definitions, facts, mentions) if mentions is not None else None
    dirty, first, changed = set(), True, True
    while changed:
        changed = False
        for name, values in definitions.items():
            if name in facts or readers is not None and not first and name not in dirty:
                continue
            dirty.discard(name)
            for value in values:
                found = fact_of(value) if value is not None else None
                if found is not None:
                    facts[name] = found
                    changed = True
                    if settled is not None:
                        settled[name] = value
                    if readers is not None:
                        dirty.update(readers.get(name, ()))
                    break
        first = False


def _readers(definitions, facts, mentions):
    """name -> the names without a fact whose values mention it."""
    readers = {}
    for name, values in definitions.items():
        if name in facts:
            continue
        for value in values:
            for read in mentions(value) if value is not None else ():
                readers.setdefault(read, set()).add(name)
    return readers


def retract(definitions, facts, fact_of, kept=(), mentions=None, settled=None):
    """Set to UNKNOWN each fact (except those of ``kept`` names) that one of the name's
    values does not have, until every remaining fact holds for all of its values.

    ``settled``: name -> the value ``assume`` found the name's fact of, where no fact has
    changed since (``assume``'s ``settled``). The first round does not compute the fact of
    that value again: at the facts ``assume`` left it has the name's fact, and where it
    loses it in the first round (a name it mentions lost its fact), that name is in the
    ones lost, whose readers the next round looks at. A fact only ever goes (a value's fact,
    once another name's is gone, is None or stays what it was), so the facts taken back are
    the same.

    ``mentions`` as for ``assume``: after the first round, which looks at every name, a
    name is looked at again only once a name its values mention has lost its fact since
    it was last looked at (its values would have the facts they had then), so the same
    facts are taken back in the same order. Most code loses none in the first round:
    then nothing more is done (not even finding who mentions whom)."""
    lost = _retract_round(definitions, facts, fact_of, kept, settled=settled or {})
    if not lost or mentions is None:
        readers = None
    else:
        readers = mentions.get() if isinstance(mentions, Readers) else _readers(definitions, (), mentions)
    while lost:
        dirty = None if readers is None else {reader for name in lost for reader in readers.get(name, ())}
        lost = _retract_round(definitions, facts, fact_of, kept, dirty, readers)


def _retract_round(definitions, facts, fact_of, kept, dirty=None, readers=None, settled=None):
    """One round of ``retract`` over the names in order (those in ``dirty`` only, when
    given, adding to it the ``readers`` of each name that loses its fact): the names
    that lost theirs. ``settled``: as for ``retract`` (its first round only)."""
    lost, skipped = [], settled.get if settled else _NONE.get
    for name, values in definitions.items():
        if dirty is not None:
            if name not in dirty:
                continue
            dirty.discard(name)
        current = facts.get(name)
        if current is None or current == UNKNOWN or name in kept:
            continue
        known = skipped(name)
        if any(value is None or value is not known and fact_of(value) != current for value in values):
            facts[name] = UNKNOWN
            lost.append(name)
            if dirty is not None:
                dirty.update(readers.get(name, ()))
    return lost


def reachable(start, step):
    """The names in ``start`` and every name ``step(name)`` leads to from them, transitively."""
    seen, todo = set(), list(start)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(step(name))
    return seen
