"""A cache keyed by function objects whose entries live exactly as long as their function.

A ``weakref.WeakKeyDictionary`` keyed by functions leaks whenever a value refers back
to its key: a derivative runs with its function's globals, and a function defined at
the top of a module is one of those globals, so a module that is no longer used (a
generated program, an edited notebook cell run again) would stay alive for ever. Here
each function carries its own entries in an attribute, so a function, its globals and
its derivatives form one cycle that the garbage collector frees like any other; the
cache itself only holds the functions weakly, to count, list and clear them.
"""

import threading
import weakref

_SLOT = "__astgrad_derivatives__"


class _Entries(dict):
    """One function's entries, and which function they belong to (``functools.wraps``
    copies a function's attributes onto its wrapper: the copy is not the wrapper's)."""
    __slots__ = ("owner",)

    def __init__(self, items=(), owner=None):
        super().__init__(items)
        self.owner = owner if owner is not None else _nobody

    def __reduce__(self):
        return _Entries, ()     # a function pickled by value arrives with no derivatives

    def __deepcopy__(self, memo):
        return _Entries()


_storing = threading.Lock()     # held while a function's entries are made (once per function)


def _nobody():
    return None


class FunctionCache:
    """function -> dict of entries (a mapping, for the few operations the engine and its
    tools use). Functions without an attribute dict fall back to a weak dictionary."""

    def __init__(self, slot=_SLOT):
        self._slot = slot           # the attribute holding a function's entries (one per cache)
        self._functions = weakref.WeakSet()
        self._others = weakref.WeakKeyDictionary()

    def _own(self, fn):
        entries = getattr(fn, "__dict__", {}).get(self._slot)
        if entries is not None and entries.owner() is fn:
            return entries
        return None

    def get(self, fn, default=None):
        entries = self._own(fn)
        if entries is None:
            return self._others.get(fn, default)
        return entries

    def setdefault(self, fn, default):
        entries = self.get(fn)
        if entries is not None:
            return entries
        with _storing:      # two threads storing a function's first entry: one dict, kept by both
            entries = self.get(fn)
            if entries is not None:
                return entries
            try:
                entries = _Entries(default, weakref.ref(fn))
                fn.__dict__[self._slot] = entries
            except (AttributeError, TypeError):
                return self._others.setdefault(fn, default)
            self._functions.add(fn)
        return entries

    def pop(self, fn, default=None):
        entries = self._own(fn)
        if entries is None:
            return self._others.pop(fn, default)
        del fn.__dict__[self._slot]
        self._functions.discard(fn)
        return entries

    def clear(self):
        for fn in list(self._functions):
            self.pop(fn)
        self._others.clear()

    def __iter__(self):
        return iter([fn for fn in list(self._functions) if self._own(fn) is not None]
                    + list(self._others))

    def __len__(self):
        return len(list(iter(self)))

    def __contains__(self, fn):
        return self.get(fn) is not None
