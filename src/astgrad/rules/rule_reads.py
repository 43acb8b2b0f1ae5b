"""Which entries of the rule table a generation looked up, and the check that they are unchanged.

Code generated from a function depends on the rules it used, and on the absence of a rule
for each call it refused, inlined or ran without a derivative: on the entries of the table
it looked up, found or not. Every index of the table is a :class:`Table`; while a log is
open (``logging_lookups``), each lookup notes its key there. ``RulesRead`` keeps, for
those keys, how many registrations had changed each one, and holds while none of them has
changed since: a rule registered for another function (a user's ``@astgrad.adjoint``,
SciPy's rules registered once SciPy is imported) leaves code made before in use.

The check runs on every call of a gradient, so it costs one comparison while the table
as a whole is unchanged (``VERSION``); only after a registration are the keys compared,
once, and the version they hold for is brought up to date.
"""

import contextlib
import threading

VERSION = [0]       # registrations so far (registry.VERSION is this list)
CHANGES = {}        # key -> how many registrations changed its entry (absent: none)
UNKNOWN = ("unknown",)      # noted where what was looked up is not known (code from the disk cache)

# While any log is open (on any thread), a lookup appends its key to the list of keys its
# own thread looked up since that thread's first open log opened (none: no log open on this
# thread), and a log holds what was appended since it opened: a generation on another
# thread adds nothing to it. Lookups stay a global read, a thread-local read and an append
# while a generation runs (they run thousands of times a generation), one global read else.
_open = [0]         # how many logs are open, on any thread
_opening = threading.Lock()


class _ThreadLog(threading.local):
    noted = None    # the keys this thread looked up since its first open log opened


_thread = _ThreadLog()
_get, _contains, _item = dict.get, dict.__contains__, dict.__getitem__


def _note(key):
    """Note a lookup in this thread's log, if it has one open (another thread's may be)."""
    noted = _thread.noted
    if noted is not None:
        noted.append(key)


class Table(dict):
    """An index of the rule table: its lookups are noted while a log is open."""
    __slots__ = ()

    def get(self, key, default=None):
        if _open[0]:
            _note(key)
        return _get(self, key, default)

    def __contains__(self, key):
        if _open[0]:
            _note(key)
        return _contains(self, key)

    def __getitem__(self, key):
        if _open[0]:
            _note(key)
        return _item(self, key)


_METHOD_NAMED = "method named"


def method_name_key(name):
    """The key noted for a lookup of methods by name (``v.sum(...)`` before ``v`` is known)."""
    return (_METHOD_NAMED, name)


class NameTable(dict):
    """An index of the rule table by method name: its lookups are noted as ``method_name_key``."""
    __slots__ = ()

    def get(self, name, default=None):
        if _open[0]:
            _note((_METHOD_NAMED, name))
        return _get(self, name, default)


def changed(key):
    """A registration changed the entry of ``key``."""
    CHANGES[key] = CHANGES.get(key, 0) + 1


def note(key):
    """A lookup made without a table (a result found once and kept, ``key``'s)."""
    noted = _thread.noted
    if noted is not None:
        noted.append(key)


def note_read(rules):
    """Code that ``rules`` were read for is used by the generation in progress (a callee's
    derivative, a kept normalization): its lookups are this generation's too."""
    noted = _thread.noted
    if noted is not None:
        noted.extend(rules.keys() if rules.counts is not None else (UNKNOWN,))


@contextlib.contextmanager
def logging_lookups():
    """The set of keys this thread looks up while the ``with`` block runs (filled when it
    ends; a log opened inside it notes nothing this one misses)."""
    keys = set()
    noted = _thread.noted
    first = noted is None
    if first:
        noted = _thread.noted = []
    start = len(noted)
    with _opening:
        _open[0] += 1
    try:
        yield keys
    finally:
        with _opening:
            _open[0] -= 1
        try:
            keys.update(noted[start:])
        except TypeError:       # an unhashable object looked up (which no entry can be)
            keys.update(key for key in noted[start:] if _hashable(key))
        if first:
            _thread.noted = None


def _hashable(key):
    try:
        hash(key)
    except TypeError:
        return False
    return True


class RulesRead:
    """The entries of the rule table some code was made from: ``holds()`` while none of
    them has changed. ``version`` is the table's version they last held for."""
    __slots__ = ("version", "counts")

    def __init__(self, version, keys):
        """For ``keys`` looked up by a generation that began when the table's version was
        ``version``; a registration since then (in another thread) leaves it holding only
        for that version, as it does where ``keys`` is None (not known)."""
        self.version = version
        if keys is None or UNKNOWN in keys or VERSION[0] != version:
            self.counts = None
        else:
            self.counts = tuple((key, CHANGES.get(key, 0)) for key in keys)

    def keys(self):
        return [key for key, _ in self.counts]

    def unchanged(self):
        """Whether the entries read are as they were (at one comparison while the table's
        version is the one they last held for)."""
        return self.version == VERSION[0] or self.holds()

    def holds(self):
        """Whether every entry read is as it was (the check of ``Entry.holds`` after the
        fast one, ``VERSION[0] == self.version``, failed)."""
        counts = self.counts
        if counts is None:
            return False
        version = VERSION[0]
        changes = CHANGES.get
        for key, count in counts:
            if changes(key, 0) != count:
                return False
        self.version = version
        return True
