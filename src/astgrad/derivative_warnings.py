"""NumPy's floating-point errors while derivative code runs.

The user's own operations, which the generated code repeats (``np.log(x)`` at 0), answer
as a plain call of the function does under the caller's settings (``numpy.seterr``): a
RuntimeWarning at the user's line with NumPy's own text ("... in scalar divide" for NumPy
scalars), a FloatingPointError, the caller's ``seterrcall`` function or log. The
derivative's own arithmetic (``d_x / x`` where the derivative is infinite, ``0 * inf``) is
quiet: its value, ``inf`` or NaN, is the answer, as JAX and PyTorch give it (docs/api.md,
"Numbers at special points"). Which operation raised, and at which line, is
error_origins.py's to say (Python 3.11's instruction positions). On Python 3.10, which
has no positions, NumPy answers for every operation, the derivative's too, as the
settings say.
A ``numpy.seterr`` the function itself calls stays set after the derivative returns, as
after a call of the function.
"""

import sys
import warnings

import numpy

from .runtime import ON_ENTER
from .user_warnings import module_globals_of

_KINDS = {"divide by zero": "divide", "overflow": "over", "underflow": "under", "invalid value": "invalid"}
try:        # NumPy 2's floating-point settings: a context variable, set here directly (errstate
    # costs more than a small derivative's call)
    from numpy._core._ufunc_config import _extobj_contextvar, _make_extobj
except ImportError:     # pragma: no cover - NumPy 1: every warning shown, as NumPy gives it
    _extobj_contextvar = None
SUPPORTED = sys.version_info >= (3, 11) and _extobj_contextvar is not None
_SORTING = {}           # NumPy's settings -> (those settings with each kind not ignored a call of a
#                         _Sorting's method, that _Sorting), or None where every kind is ignored


def sort_warnings():
    """NumPy's settings made to leave out the errors of the derivative's own arithmetic
    until ``restore_warnings(token)``: the token, or None where nothing changes (NumPy
    ignores every error, or Python 3.10)."""
    if not SUPPORTED:
        return None
    current = _extobj_contextvar.get()
    sorting = _sorting_settings(current)
    return None if sorting is None else (_extobj_contextvar.set(sorting[0]), sorting)


def restore_warnings(token):
    """The caller's settings back; where the function itself called ``numpy.seterr`` or
    ``numpy.seterrcall``, those calls stay in force, as after a call of the function."""
    reset, (settings, _) = token
    changed = None if _extobj_contextvar.get() is settings else _callers_settings()
    _extobj_contextvar.reset(reset)
    if changed is not None:
        modes, callback = changed
        numpy.seterr(**modes)
        numpy.seterrcall(callback)


def sort_entered_settings():
    """The settings of a ``numpy.errstate`` the function entered (generated code's
    ``enter_context``), sorted as the caller's are while derivative code runs: they hold
    for the user's operations of its block, the derivative's own stay quiet. The
    errstate's exit puts back the settings from before it."""
    if not SUPPORTED:
        return
    current = _extobj_contextvar.get()
    sorting = _sorting_settings(current)
    if sorting is not None and sorting[0] is not current:
        _extobj_contextvar.set(sorting[0])


def _sorting_settings(current):
    """(``current`` NumPy settings sorted, the _Sorting answering for them), or None
    where every kind is ignored; made once per settings (``_SORTING``)."""
    sorting = _SORTING.get(current, False)
    return _made_sorting_settings(current) if sorting is False else sorting


def _made_sorting_settings(current):
    modes, callback = _callers_settings()
    if len(_SORTING) > 64:          # settings made by many errstate blocks: not kept forever
        _SORTING.clear()
    sorted_kinds = {kind: "call" for kind, mode in modes.items() if mode != "ignore"}
    sorting = None
    if sorted_kinds:
        answer = _Sorting(modes, callback)
        sorting = _make_extobj(call=answer.call, **sorted_kinds), answer
        _SORTING[sorting[0]] = sorting      # sorted already: sort_entered_settings leaves it
    _SORTING[current] = sorting
    return sorting


def _callers_settings():
    """(modes, callback) NumPy has now, where a kind NumPy leaves to a _Sorting (its
    ``call``: settings sorted, then changed by the function's ``seterr`` or ``errstate``)
    is the caller's setting that _Sorting answers for."""
    modes, callback = numpy.geterr(), numpy.geterrcall()
    sorting = getattr(callback, "__self__", None)
    if not isinstance(sorting, _Sorting):
        return modes, callback
    for kind, mode in modes.items():
        if mode == "call" and sorting.modes[kind] != "ignore":
            modes[kind] = sorting.modes[kind]
    return modes, sorting.callback


class _Sorting:
    """NumPy's call for a floating-point error while derivative code runs: the caller's
    settings (``modes``, ``callback``) answer where the user's operation raised it,
    nothing where the derivative's did."""

    def __init__(self, modes, callback):
        self.modes, self.callback = modes, callback
        self.call = self.sorted         # the one bound method NumPy holds

    def sorted(self, error, flag):
        from .error_origins import users_place      # loaded once an error needs sorting, not with astgrad
        place = users_place(sys._getframe(1))
        if place is None:
            return
        filename, line, name, frame_globals = place
        message = f"{error} encountered" + (f" in {name}" if name else "")
        mode = self.modes[_KINDS.get(error, "invalid")]
        if mode == "warn":
            _warn(message, filename, line, frame_globals)
        elif mode == "raise":
            raise FloatingPointError(message)
        elif mode == "call":
            self.callback(error, flag)
        elif mode == "log":
            self.callback.write(f"Warning: {message}\n")
        else:                           # "print"
            print(f"Warning: {message}")


def _warn(message, filename, line, frame_globals):
    """``warnings.warn`` at the user's line, as NumPy warns there: the filters matched with
    the user's module, Python's once-per-place registry the user's module's own."""
    module_globals = module_globals_of(filename, frame_globals)
    warnings.warn_explicit(message, RuntimeWarning, filename, line, module=module_globals.get("__name__"),
                           registry=module_globals.setdefault("__warningregistry__", {}),
                           module_globals=module_globals)


ON_ENTER[numpy.errstate] = sort_entered_settings
