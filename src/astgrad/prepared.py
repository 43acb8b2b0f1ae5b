"""Parsed and normalized functions, kept for the next generation of the same function.

A function's gradient, its gradient with the value, its jvp, its zero-safe twin and each
version specialized to kinds of arguments all start from the same parse and
normalization. Its result is kept for the most recently prepared functions (a bounded
number: the tree of a long function is large) and each generation gets a copy of it,
which its transform is free to change. An analysis that only reads a function's code
(``to_read``) is handed the kept tree itself: copying it cost as much as the analysis.

A kept result is used only while it is what parsing and normalizing again would give:
the function has the same code and defaults, its file is as it was (an edited file is
refused, as parsing again would), the entries of the rule table they looked up are
unchanged (rules/rule_reads.py), and every
name path they resolved (a dependency of the generated code or not, for the function
and for the callees they looked into: core/read_log.py) means the same objects, which
guards.py checks as it does for generated code. A normalization that asked the engine
for a derivative (a nested ``grad``) is not kept.
"""

import collections
import copy
import os
import threading
import weakref

from .core import syntax as S
from .core.read_log import logging_reads, note_reads
from .function_cache import FunctionCache
from .guards import Entry, function_guards, guards_for, merged
from .rules.rule_reads import VERSION, RulesRead, logging_lookups, note_read

LIMIT = 16                          # functions whose normalized trees are kept (one of 300 statements: 2 MB)

# each function holds its own (a cycle the collector frees with the function, see
# function_cache.py); the most recently used functions, weakly, the last most recent
_by_function = FunctionCache(slot="__astgrad_prepared__")
_recent = collections.OrderedDict()     # id(function) -> weakref to it
_lock = threading.Lock()


class _Kept:
    __slots__ = ("fn", "file", "prepared", "reads", "rules", "_holds")

    def __init__(self, fn, rules, file, prepared, reads):
        self.fn = fn
        self.file = file            # the state of the function's file (_file_state)
        self.prepared = prepared    # (source, normalized tree, namer, namespace), never changed
        self.reads = reads          # what making it read (for a caller's log)
        self.rules = rules          # the entries of the rule table it looked up (a RulesRead)
        # made now: it compares with the code and defaults the functions have now
        self._holds = _checker(fn, rules, reads)

    def holds(self, fn):
        """Whether it is what parsing and normalizing ``fn`` again would give."""
        return self._holds(fn) and _file_state(self.prepared[0].filename) == self.file


def prepared(fn, make):
    """``make()``'s (source, normalized tree, namer, namespace) for ``fn``: a copy of the
    one kept while it holds, else made now (and kept where it may be)."""
    made, kept = _kept_or_made(fn, make)
    return _copied(made) if kept else made


def to_read(fn, make):
    """(source, normalized tree) of ``prepared(fn, make)``, for an analysis that only
    reads them: the tree is the one kept (not a copy: the caller must neither change nor
    annotate it); the source is a copy, as resolving a name on it remembers the value read."""
    made, kept = _kept_or_made(fn, make)
    return (made[0].copy() if kept else made[0]), made[1]


def _kept_or_made(fn, make):
    """(the kept (source, normalized tree, namer, namespace) for ``fn`` while it holds,
    True), else (made now, whether it was kept: not a copy in either case)."""
    with _lock:
        entries = _by_function.get(fn)
        kept = entries.get("kept") if entries is not None else None
        if kept is not None:
            _recent.move_to_end(id(fn))
    if kept is not None:
        if kept.holds(fn):
            note_reads(kept.reads)
            note_read(kept.rules)
            return kept.prepared, True
        _forget(fn)
    version = VERSION[0]
    with logging_reads() as log, logging_lookups() as looked_up:
        file = _file_state(fn.__code__.co_filename)
        made = make()
        log.reads.extend((fn, parts, chain) for parts, chain in made[0].dependencies)
    if log.engine_used:
        return made, False
    if made[0].filename != fn.__code__.co_filename:
        file = _file_state(made[0].filename)
    kept = _Kept(fn, RulesRead(version, looked_up), file, made, _distinct(log.reads))
    with _lock:
        _by_function.setdefault(fn, {})["kept"] = kept
        _recent[id(fn)] = weakref.ref(fn)
        _recent.move_to_end(id(fn))
        while len(_recent) > LIMIT:
            oldest = _recent.popitem(last=False)[1]()
            if oldest is not None:
                _by_function.pop(oldest)
    return made, True


def pristine(fn):
    """The normalized tree kept for ``fn`` while it holds (not a copy: for an analysis
    that only reads it, and must not change it), else None."""
    with _lock:
        entries = _by_function.get(fn)
        kept = entries.get("kept") if entries is not None else None
    return kept.prepared[1] if kept is not None and kept.holds(fn) else None


def _checker(fn, rules, reads):
    """``holds(fn)`` for a result made from the entries of the rule table ``rules`` and
    after ``reads`` (``(function, parts, objects)``)."""
    by_reader = {}
    for reader, parts, chain in reads:
        by_reader.setdefault(id(reader), (reader, []))[1].append((parts, chain))
    groups = []
    for reader, dependencies in by_reader.values():
        groups.append(guards_for(dependencies, reader))
        groups.append(function_guards(dependencies))
        if reader is not fn:        # a callee looked into: the same code and defaults
            groups.append(function_guards([((), (reader,))]))
    return Entry(None, merged(*groups), fn, rules).holds


def _distinct(reads):
    """``reads`` without repeats, in order: a name path is resolved each time the code
    names it (``np.sum`` on every line), and each repeat would be guarded again."""
    seen, distinct = set(), []
    for read in reads:
        reader, parts, chain = read
        try:
            key = (id(reader), parts, tuple(map(id, chain)))
            if key in seen:
                continue
            seen.add(key)
        except TypeError:       # a part that is not hashable: kept as it is
            pass
        distinct.append(read)
    return tuple(distinct)


def _file_state(filename):
    """What tells an edited file from the one read: its modification time and size
    (None for code without a file)."""
    try:
        stat = os.stat(filename)
    except (OSError, ValueError):
        return None
    return stat.st_mtime_ns, stat.st_size


def _forget(fn):
    with _lock:
        _by_function.pop(fn)
        _recent.pop(id(fn), None)


def kept():
    """The functions whose parse and normalization are kept, the least recently used first."""
    with _lock:
        functions = [ref() for ref in _recent.values()]
        return [fn for fn in functions if fn is not None and fn in _by_function]


def clear():
    with _lock:
        _by_function.clear()
        _recent.clear()


def _copied(prepared):
    """A copy of ``prepared`` that generating from changes without changing it."""
    source, normalized, namer, namespace = prepared
    namer = namer.copy()
    names = copy.copy(namespace)
    names.namer = namer
    names.values = dict(namespace.values)
    names.user_names = set(namespace.user_names)
    names.used_user_names = set(namespace.used_user_names)
    return source.copy(), S.copy_sharing_annotations(normalized), namer, names
