"""What a walk of the functions a function reaches (callee_writes.reached) read, kept
with what it found, so the next walk can be skipped while every read still gives the
same object.

vjp, hvp, jacobian and hessian walk what ``f`` reaches on every call: a global rebound
since the last call (``helper = other``, a method replaced on its class, a function's
``__code__`` swapped) may lead to other functions. The walk reads a function's
``__code__`` and ``__module__``, its globals and closure cells, a class's ``__mro__``
and the attributes it names, the items of a dict or list; each read is a probe, and
the functions found stay valid while each probe gives the object it gave (compared by
identity, so an object rebound in place of an equal one counts as changed).

The result lives on the function itself (function_cache.py): freed with it, and not
holding it, its globals or what it reached alive."""

from ...function_cache import FunctionCache

ABSENT = object()      # a name not bound, an empty cell, an attribute not set


def item(mapping, key):
    """``mapping[key]`` (a dict, a class's mappingproxy), or ABSENT."""
    return mapping.get(key, ABSENT)


def cell_value(cell, _=None):
    try:
        return cell.cell_contents
    except ValueError:
        return ABSENT


def attribute(owner, name):
    """``owner.name`` for a function's or a class's own attributes (no user code runs)."""
    return getattr(owner, name, ABSENT)


def kind_of(value, _=None):
    return type(value)


def next_method(value, _=None):
    """The ``__next__`` of ``value``'s class (set on the class after a walk, it makes an
    object the walk found an iterator, which the checks kept with the walk refuse)."""
    for klass in type(value).__mro__:       # the class dict's own object: the same at each read
        found = vars(klass).get("__next__", ABSENT)
        if found is not ABSENT:
            return found
    return ABSENT


class Probes(list):
    """The reads of one walk: (read, owner, key, what it gave), each checked again as
    ``read(owner, key) is what it gave``; those of a dict's or class's item and of an
    attribute, the most, kept apart to be checked without a call each."""

    def __init__(self):
        super().__init__()
        self.keyed, self.attributes = [], []        # (mapping, key, value), (owner, name, value)

    def read(self, read, owner, key=None):
        """``read(owner, key)``, recorded."""
        value = read(owner, key)
        if read is item:
            self.keyed.append((owner, key, value))
        elif read is attribute:
            self.attributes.append((owner, key, value))
        else:
            self.append((read, owner, key, value))
        return value

    def items(self, container, limit):
        """The first ``limit`` values of a dict or items of a list or tuple, recorded (the
        container holding others, or more where it held fewer, is a change)."""
        kept = tuple(_own_items(container))[:limit]
        self.append((_same_items, container, (kept, limit), True))
        return list(kept)

    def hold(self):
        """Whether every read gives what it gave."""
        for mapping, key, value in self.keyed:
            if mapping.get(key, ABSENT) is not value:
                return False
        for owner, name, value in self.attributes:
            if getattr(owner, name, ABSENT) is not value:
                return False
        for read, owner, key, value in self:
            if read(owner, key) is not value:
                return False
        return True


def _same_items(container, kept_and_limit):
    """Whether ``container`` still starts with the objects ``kept`` holds, and holds no
    other where it held fewer than ``limit`` (the walk would follow one added)."""
    kept, limit = kept_and_limit
    size = (dict if isinstance(container, dict) else list).__len__(container)
    if size < len(kept) or len(kept) < limit and size != len(kept):
        return False
    return all(a is b for a, b in zip(_own_items(container), kept))


def _own_items(container):
    """The values of a dict or the items of a list, read by the builtin type's own methods:
    a subclass's ``__iter__``, ``values`` or ``__len__`` is the user's code, which reading
    what a function holds must not run (it would run more often than Python runs it)."""
    return dict.values(container) if isinstance(container, dict) else list.__iter__(container)


_found = FunctionCache("__astgrad_reached__")     # a function -> {"walk": (functions, probes), what: (probes, found)}


def cached(fn):
    """The functions the last walk from ``fn`` found, where its reads still hold; else None."""
    entries = _found.get(fn)
    walk = entries.get("walk") if entries is not None else None
    if walk is None or not walk[1].hold():
        return None
    return walk[0]


def keep(fn, functions, probes):
    """Keep what the walk from ``fn`` found (``functions``) and what it read (``probes``)."""
    _found.setdefault(fn, {})["walk"] = (functions, probes)


def derived(fn, what):
    """What ``keep_derived(fn, what, ...)`` kept from the functions of the walk from ``fn``
    that ``reached`` just checked (or made), or None where it was kept from another walk."""
    entries = _found.get(fn)
    walk = entries.get("walk") if entries is not None else None
    kept = entries.get(what) if walk is not None else None
    return kept[1] if kept is not None and kept[0] is walk[1] else None


def keep_derived(fn, what, found):
    """Keep ``found``, read off the functions of the walk from ``fn`` kept now (and off
    the objects its reads gave), as long as that walk is."""
    entries = _found.get(fn)
    walk = entries.get("walk") if entries is not None else None
    if walk is not None:
        entries[what] = (walk[1], found)
