"""Library objects held in globals and closure cells whose state a helper may change
(``JOBS.put(0.0)``, ``LOG.write("x")``, ``next(COUNTER)``), for the transforms that
run a function more than once (outer_state.py, outer_contents.py): a ``queue.Queue``
(its items and counters, in its ``__dict__``) and an ``io.StringIO`` or ``io.BytesIO``
(its text and position) are saved and put back exactly; an iterator (``itertools.count()``,
a generator, ``iter(items)``) cannot be, so such a function is refused at its line."""

import io
import queue
import types

_BUFFERS = (io.StringIO, io.BytesIO)
_LOADS = frozenset({"LOAD_GLOBAL", "LOAD_NAME", "LOAD_DEREF", "LOAD_CLASSDEREF"})


def is_queue(value):
    return isinstance(value, queue.Queue)       # also LifoQueue and PriorityQueue


class Buffer:
    """An ``io.StringIO`` or ``io.BytesIO``, saved as its text and position and put back
    in place (the same object, so every name holding it sees the old text)."""

    def __init__(self, owner):
        self.owner = owner

    def state(self):
        return self.owner.getvalue(), self.owner.tell()

    def put(self, state):
        text, position = state
        self.owner.seek(0)
        self.owner.truncate()
        self.owner.write(text)
        self.owner.seek(position)


def as_buffer(value):
    """``value`` as a Buffer where it is an in-memory text or bytes file; else None."""
    return Buffer(value) if isinstance(value, _BUFFERS) and not value.closed else None


def iterator_read(function, loaded):
    """(name, value, line) for the first iterator ``function`` reads from a global or
    closure cell (``loaded``: pairs of (name, value) it reads); else None."""
    for name, value in loaded:
        if is_iterator(value):
            from .frontend.normalize.callee_writes import _write_line
            return name, value, _write_line(function.__code__, name, _LOADS)
    return None


def iterator_error(fn, transform, function, loaded):
    """The TransformError refusing ``transform`` of ``fn``, where ``function`` (which
    ``fn`` reaches) reads an iterator from a global or closure cell (``loaded``: pairs of
    (name, value) it reads): its position cannot be saved and put back, so a second run
    would go on from where the first left it; else None."""
    found = iterator_read(function, loaded)
    if found is None:
        return None
    from .errors import TransformError
    name, value, line = found
    return TransformError(
        f"astgrad.{transform} runs {fn.__qualname__} more than once (its value, then its derivative, "
        f"which runs its code again), and {function.__qualname__} reads the iterator {name} "
        f"({type(value).__name__}), whose position astgrad cannot put back: the second run would go on "
        "from where the first left it. Take the next item outside and pass it in as an argument, or use "
        "grad, value_and_grad or jvp, which run it once", function.__code__.co_filename, line,
        construct=f"the iterator {name}")


def is_iterator(value):
    """An iterator a run may advance (not a file: its writes are output, as print's are)."""
    return hasattr(type(value), "__next__") and not isinstance(value, (io.IOBase, type, types.ModuleType))
