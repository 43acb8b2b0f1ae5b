"""Versions of a gradient specialized to the kinds of its arguments.

The first call of a gradient with a new signature (the kinds of its arguments: Python
float or int, NumPy array with its dtype, number of dimensions and which dimensions
have length 1; see ``argument_kinds``) generates code for that signature and keeps it.
That code knows what the general code must find out at run time (whether
``unbroadcast`` has anything to do, which shapes to remember in a loop), so it has
fewer lines, and it frees each temporary as soon as it is no longer needed.

A gradient keeps at most :data:`MAX_VERSIONS` specialized versions; a call with yet
another signature runs the general code, which handles every kind of argument. A
version is used only for calls whose signature is exactly the one it was made for:
looking the signature up is the guard.
"""

import threading

from . import argument_kinds
from .argument_kinds import kind_of
from .caching import Current

MAX_VERSIONS = 8
_UNCHECKED_LIMIT = 64           # signatures remembered as needing no check (beyond: looked at again)

_lock = threading.Lock()        # held while a version is made (rare: once per signature)


class Versions:
    """One gradient's specialized versions: signature -> ``Current`` (which follows
    rebinding of the function's names like the general code does)."""
    __slots__ = ("function", "key", "names", "general", "latest", "_by_signature", "_unchecked")

    def __init__(self, function, key, names, general):
        self.function = function
        self.key = key              # the general code's key
        self.names = names          # the parameters, in the order of the signature
        self.general = general      # the general code's Current
        self.latest = None          # the signature of the latest call
        self._by_signature = {}
        self._unchecked = {}        # signature -> Current, for signatures that need no check

    def __reduce__(self):
        """Sent to another process without its versions, which are made there again."""
        return Versions, (self.function, self.key, self.names, self.general)

    def for_call(self, values):
        """The compiled code to run for arguments ``values`` (one per parameter)."""
        signature = argument_kinds.signature(values)
        self.latest = signature
        current = self._by_signature.get(signature)
        if current is None:
            current = self._add(signature)
        return current()

    def for_unchecked_call(self, args):
        """The compiled code to run for arguments ``args`` (one per parameter) when each is
        a Python number or a real NumPy array (``argument_kinds.needs_no_check``), which a
        call does not need to look at further; None for any other arguments."""
        signature = tuple(map(kind_of, args))
        current = self._unchecked.get(signature)
        if current is None:
            if not all(map(argument_kinds.needs_no_check, signature)):
                return None
            current = self._by_signature.get(signature) or self._add(signature)
            if len(self._unchecked) < _UNCHECKED_LIMIT:
                self._unchecked[signature] = current
        self.latest = signature
        return current()

    def for_signature(self, signature):
        current = self._by_signature.get(signature)
        return (current or self._add(signature))()

    def _add(self, signature):
        if not any(kind is not None for kind in signature):
            return self.general
        with _lock:
            current = self._by_signature.get(signature)
            if current is not None:
                return current
            if len(self._by_signature) >= MAX_VERSIONS:
                return self.general
            try:
                current = Current(self.function, self.key + (argument_kinds.key_part(self.names, signature),))
            except Exception:       # noqa: BLE001 - the general code, already made, is right for them
                current = self.general
            self._by_signature[signature] = current
            return current

    def signatures(self):
        """The signatures that have a version of their own, oldest first."""
        return [signature for signature, current in self._by_signature.items() if current is not self.general]
