"""The forward values the recording holds, given to the adjoint instead of computed again.

The generated adjoint of a tape program starts with the program's forward statements
(``t3 = numpy.tanh(c0 @ x0 + x1)``, ...), whose values the recording already holds: each
recorded tensor keeps what its operation returned. From the second gradient of the same
program on (a training loop), ``grad``/``backward`` run a *backward* made once per
program: the adjoint specialized to the kinds of the program's parameters (the shapes
are part of the program's key, so they cannot change), without the forward statements
whose values it is given (``backend/given_values.py``).

A recorded value is given only where it is certainly what its operation returned: an
array the operation made (not a view of another), recorded after the latest in-place
update (``graph.WRITES``), whose memory was never handed out of the tape as an array
(``.numpy()``, ``numpy.asarray(t)``: ``graph.EXPOSED``), in a program whose leaves'
memory was not handed out either (or came from outside: ``from_numpy``, ``as_tensor``).
Otherwise, and wherever the backward's result has a NaN or it raises, the gradient is
computed as before, by the full adjoint from the leaves (whose zero-safe twin answers
for NaNs).
"""

import inspect

import numpy

from .. import argument_kinds
from ..backend.given_values import with_given_values
from ..caching import Current
from ..zero_safe import has_nan
from .graph import EXPOSED, WRITES, is_exposed
from .record import TensorBase

__all__ = ["Backward", "backward_for", "given_values"]

_NDARRAY = numpy.ndarray


class Backward:
    """A program's backward: the function, and the trace slots whose values it takes."""

    __slots__ = ("function", "slots")

    def __init__(self, function, slots):
        self.function = function
        self.slots = slots


def backward_for(entry, tr, args):
    """The backward of ``entry``'s program for traces like ``tr`` (``args``: the
    parameter values), or None where there is none to make."""
    names, slots = _candidates(tr)
    if not names:
        return None
    try:
        parameters = list(inspect.signature(entry.forward).parameters)
        kinds = argument_kinds.signature(args)
        key = ("reverse", tuple(range(entry.n_wrt)), False, argument_kinds.key_part(parameters, kinds))
        specialized = Current(entry.forward, key)()
    except Exception:       # noqa: BLE001 - the general adjoint, already made, serves every call
        return None
    made = with_given_values(specialized, names)
    if made is None:
        return None
    function, taken = made
    return Backward(function, tuple(slots[names.index(name)] for name in taken))


def _candidates(tr):
    """The names the emitted program gives the recorded arrays of ``tr`` (at least 1-d:
    a 0-d result may be a Python number when computed again), and their slots."""
    names, slots = [], []
    count = 0
    for s, info in enumerate(tr.slots):
        kind = info[0]
        if kind == "x" or kind == "c":
            continue
        count += 1
        if kind == "n":
            data = info[4]._data
            if type(data) is _NDARRAY and data.ndim:
                names.append(f"t{count}")
                slots.append(s)
    return names, slots


def given_values(backward, tr):
    """The recorded arrays ``backward`` takes, or None if one of them (or a leaf) may have
    changed since its operation returned it."""
    if EXPOSED:
        for _, leaf in tr.reached:
            if isinstance(leaf, TensorBase) and is_exposed(leaf._data):
                return None
        for c in tr.consts:
            if isinstance(c, TensorBase):
                c = c._data
            if type(c) is _NDARRAY and is_exposed(c):
                return None
    since = WRITES[0]
    values = []
    slots = tr.slots
    for s in backward.slots:
        info = slots[s]
        data = info[4]._data
        if info[1].seq < since or data.base is not None or id(data) in EXPOSED:
            return None
        values.append(data)
    return values


def run(backward, args, values, seed_name, seed):
    """The backward's gradients, or None where the full adjoint must answer (a NaN in
    the result, or an error, which the full adjoint raises again as it would)."""
    try:
        grads = backward.function(*args, *values, **{seed_name: seed})
    except Exception:       # noqa: BLE001 - the full adjoint computes (or raises) as before
        return None
    if has_nan(grads):
        return None
    return grads
