"""The tape's operations without NumPy's floating-point warnings, as PyTorch's: ``log(0)``
is -inf, ``x / 0`` inf, ``sqrt(-1)`` NaN and ``exp(800)`` inf, silently.

``numpy.errstate`` costs more than a small operation (about 2.5 us of 3.5), and
``numpy.seterr`` would change the user's settings. NumPy 2 keeps its settings in a
context variable, so each thread keeps one ``contextvars.Context`` in which NumPy ignores
every floating-point error, and the recorder calls ``QUIET.run(op, *args)``: that
context's own ``run``, a C method, which costs no more than the Python call it replaces.
Only NumPy's ufuncs and the tape's operators run there: the context holds the other
context variables as they were when the thread made it, which a function of the user's
may read. An operation called while one runs (an array subclass's ``__array_ufunc__``
recording again) finds the context entered (``reentered``) and runs as it is, quiet
already. With NumPy 1, which keeps its settings elsewhere, NumPy's warnings stay.
"""

import contextvars
import threading

try:
    from numpy._core._ufunc_config import _extobj_contextvar, _make_extobj
except ImportError:     # pragma: no cover - NumPy 1
    _extobj_contextvar = None

__all__ = ["QUIET", "quiet_call", "reentered"]


def _call(op, *args):
    return op(*args)


class _QuietContext(threading.local):
    """Per thread: ``run(op, *args)``, in a context whose NumPy settings ignore
    floating-point errors."""

    def __init__(self):
        if _extobj_contextvar is None:      # pragma: no cover - NumPy 1
            self.run = _call
            return
        context = contextvars.copy_context()
        context.run(_extobj_contextvar.set, _make_extobj(all="ignore"))
        self.run = context.run


QUIET = _QuietContext()


def reentered(error):
    """Whether ``error`` is Python's refusal to enter the thread's quiet context again
    (an operation called from inside one): the caller then calls the operation itself."""
    return str(error).startswith("cannot enter context")


def quiet_call(op, *args):
    """``op(*args)`` with NumPy's floating-point errors ignored."""
    try:
        return QUIET.run(op, *args)
    except RuntimeError as error:
        if not reentered(error):
            raise
        return op(*args)
