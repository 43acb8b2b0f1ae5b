"""Whether this NumPy reads all of ``v`` before it writes ``y[index] = v`` with an
advanced index, asked of NumPy itself once, by small experiments.

NumPy takes one of three routes for such a write, and a route either reads the value
first or writes element by element (reading elements of ``v`` it has already replaced
when ``v`` shares ``y``'s memory):

- "mask": one boolean array as deep as ``y`` (``y[m] = v``, ``m.ndim == y.ndim``), its
  own loop over the true elements; it copies runs of adjacent elements at once, so a
  value laid out forwards may come out as if read first while others do not;
- "positions": one array (or list) of integer positions, alone;
- "mixed": the rest, arrays together with slices, ints or other arrays, a mask of fewer
  dimensions than ``y``, a boolean scalar.

Each route is probed with values of several kinds (the array itself, a reversed view, a
broadcast row); it counts as reading first only when every probe of it does."""

import operator

import numpy


def _probe(shape, index, value_of):
    """Whether ``y[index] = value_of(y)`` writes what it writes when the value is copied first."""
    y = numpy.arange(1.0, 1.0 + numpy.prod(shape)).reshape(shape)
    expected = y.copy()
    try:
        expected[index] = value_of(expected).copy()
        y[index] = value_of(y)
    except (IndexError, ValueError, TypeError):
        return False
    return bool(numpy.array_equal(y, expected))


def _mask(shape, true_at):
    mask = numpy.zeros(shape, dtype=bool)
    mask.flat[list(true_at)] = True
    return mask


_PROBES = {
    "mask": [
        ((4,), numpy.ones(4, dtype=bool), lambda y: y[::-1]),
        ((3, 4), _mask((3, 4), (1, 3, 4, 5)), lambda y: y[0]),        # a row, forwards
        ((3, 3), _mask((3, 3), (0, 1, 2)), lambda y: y[:, 0]),
    ],
    "positions": [
        ((4,), [0, 1, 2, 3], lambda y: y[::-1]),
        ((4,), numpy.array([3, 0, 2, 1]), lambda y: y),
        ((3, 2), [0, 1, 2], lambda y: y[::-1]),
        ((3, 2), [0, 1, 2], lambda y: y[0, ::-1]),                     # a row broadcast
    ],
    "mixed": [
        ((3, 2), (slice(None), [1, 0]), lambda y: y),
        ((3, 2), ([0, 1, 2], 0), lambda y: y[::-1, 0]),
        ((3, 2), ([0, 1, 2], [0, 1, 0]), lambda y: y[::-1, 1]),
        ((3, 2), numpy.ones(3, dtype=bool), lambda y: y[::-1]),
        ((3, 2), (_mask((3, 2), range(6)), Ellipsis), lambda y: y.ravel()[::-1]),
        ((2, 2, 2), numpy.ones((2, 2), dtype=bool), lambda y: y.reshape(4, 2)[::-1]),
        ((2, 2, 2), numpy.ones((2, 2), dtype=bool), lambda y: y[0, 0, ::-1]),    # a row broadcast
        ((3, 2), True, lambda y: y[::-1]),
    ],
}


def reads_first(kind):
    """Whether NumPy reads the value first on route ``kind``: all routes probed once, when
    first asked (by a write with an advanced index, in code that runs), not at import.
    (A function, not only the module's ``READS_FIRST``, so that an exported module holding
    the runtime helpers copies it with what it reads.)"""
    found = globals().get("READS_FIRST")
    if found is None:
        found = {route: all(_probe(*probe) for probe in probes) for route, probes in _PROBES.items()}
        found = globals().setdefault("READS_FIRST", found)
    return found[kind]


def __getattr__(name):
    """``READS_FIRST``, route -> whether NumPy reads the value first on it (``reads_first``)."""
    if name != "READS_FIRST":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    reads_first("mask")
    return globals()[name]


def _is_basic(part):
    """An index part NumPy takes as a basic index: a slice, None, ``...``, or an integer
    (a bool is a mask of no dimensions)."""
    if part is None or part is Ellipsis or isinstance(part, slice):
        return True
    if isinstance(part, (bool, numpy.bool_)) or isinstance(part, numpy.ndarray) and part.ndim:
        return False
    try:
        operator.index(part)
    except TypeError:
        return False
    return True


def route(container, index):
    """NumPy's route for ``container[index] = v`` (see above), or None for a basic index."""
    parts = index if type(index) is tuple else (index,)
    advanced = [part for part in parts if not _is_basic(part)]
    if not advanced:
        return None
    if len(parts) == 1:
        try:
            array = numpy.asarray(parts[0])
        except (ValueError, TypeError):
            return "mask"       # NumPy refuses it: no route reads first
        if array.dtype == bool and array.ndim == numpy.ndim(container):
            return "mask"
        if array.dtype != bool and array.ndim:
            return "positions"
    return "mixed"
