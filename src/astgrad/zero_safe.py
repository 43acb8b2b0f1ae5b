"""Generated code and its zero-safe twin: calling the plain code and, where its result
has a NaN, answering with what the twin computes.

The twin is generated from the same function with the ``ZERO_SAFE`` key: it differs only
where a derivative of exactly 0 meets an infinite or NaN local derivative. The caching
module makes the twin and hangs it on the plain code as ``__astgrad_zero_safe__``.
"""

import copy
import math

import numpy

from .derivative_warnings import restore_warnings, sort_warnings
from .duck import is_duck_array
from .rebound_places import Snapshot
from .records import is_record, record_items
from .runtime import OPEN_CONTEXTS

ZERO_SAFE = "zero-safe"     # the last item of the key of a zero-safe twin


def zero_safe_source(fn):
    """What a zero-safe twin differentiates: for generated code, that code's own twin,
    so derivatives of derivatives are right at every order where the plain code's NaN
    sent ``run_derivative`` to the twin."""
    twin = getattr(fn, "__astgrad_zero_safe__", None)
    return fn if twin is None else twin()


def run_derivative(compiled, *args, **kwargs):
    """Call generated code; if its result has a NaN, or Python raised ZeroDivisionError,
    return what its zero-safe twin computes instead.

    The twin differs only where a derivative of exactly 0 meets an infinite or NaN local
    derivative (a where's untaken branch, sqrt at 0 with a zero seed, ...): plain IEEE
    arithmetic gives NaN there, the twin gives 0 (and inf, not ZeroDivisionError, for a
    Python float divided by 0). Everywhere else the two compute the same numbers, so the
    common case pays only for looking for a NaN in the result. NumPy's warnings of the
    derivative's own arithmetic are left out (derivative_warnings.py), also where the
    code's `with` blocks are exited after an error."""
    token = sort_warnings()
    if token is None:
        return _run_derivative(compiled, args, kwargs)
    try:
        return _run_derivative(compiled, args, kwargs)
    finally:
        restore_warnings(token)


def run_value_code(compiled, *args):
    """Call generated value code (``value_f``, no derivative in it) as a call of the function
    runs: NumPy's warnings at the user's lines, its ``with`` blocks exited after an error;
    no twin (a ZeroDivisionError or a NaN is the function's own answer)."""
    token = sort_warnings()
    try:
        return exit_contexts_on_error(compiled, *args)
    finally:
        if token is not None:
            restore_warnings(token)


def _run_derivative(compiled, args, kwargs):
    twin = getattr(compiled, "__astgrad_zero_safe__", None)
    if twin is None:
        return _real(exit_contexts_on_error(compiled, *args, **kwargs))
    places = getattr(twin, "places", None)
    before = Snapshot(places) if places else None      # the globals it rebinds: the twin starts from these
    managers = OPEN_CONTEXTS.managers
    depth = len(managers)
    try:
        try:
            result = compiled(*args, **kwargs)
        except BaseException as error:      # exit_contexts_on_error, inlined: the common path
            _exit_contexts(managers, depth, error)
            raise
        kind = type(result)
        if kind is float:                   # the common cases, quickly
            if result == result:
                return result
        elif kind is numpy.ndarray:
            if not has_nan(result):
                return result
        elif not has_nan(result):
            if has_duck_array(result):      # lazy (Dask): choose element by element instead
                return nan_filled(result, _run_twin(twin, before, args, kwargs))
            return result
    except ZeroDivisionError:
        return _real(_run_twin(twin, before, args, kwargs))
    return _real(nan_filled(result, _run_twin(twin, before, args, kwargs)))


def _run_twin(twin, before, args, kwargs):
    """The twin's result, run from the globals the plain code started from (``before``,
    a Snapshot, where it rebinds some), so they end as one run leaves them; silently:
    its forward values are the plain run's, whose warnings the user has seen."""
    if before is not None:
        before.restore()
    with numpy.errstate(all="ignore"):     # the plain run warned as the user's code does; no second time
        return exit_contexts_on_error(twin(), *args, **kwargs)


def has_duck_array(value):
    """True if ``value`` (or an item of a tuple/list/dict) is a Dask (duck) array, whose
    NaNs cannot be looked for without computing it."""
    kind = type(value)
    if kind is float or kind is numpy.ndarray or kind is numpy.float64:
        return False
    if kind is tuple or kind is list:
        for item in value:
            kind = type(item)
            if kind is not float and kind is not numpy.ndarray and kind is not numpy.float64 \
                    and has_duck_array(item):
                return True
        return False
    if isinstance(value, dict):
        return any(has_duck_array(item) for item in value.values())
    return is_duck_array(value)


def nan_filled(plain, safe):
    """The plain result where it is not NaN, else the zero-safe twin's: what
    ``run_derivative`` returns. The twin computes the same numbers except where it reads
    0 * inf as 0 and where it writes NaN for a nonzero derivative that arithmetic rounded
    to 0 (runtime.scale): that NaN is not kept where the plain code has a number. Lazy
    for results holding Dask arrays (nothing is computed)."""
    kind = type(plain)
    if (kind is tuple or kind is list) and type(safe) is kind and len(safe) == len(plain):
        return kind(nan_filled(p, s) for p, s in zip(plain, safe))
    if isinstance(plain, dict) and isinstance(safe, dict) and safe.keys() == plain.keys():
        filled = copy.copy(plain)       # of its own class (a defaultdict takes no items to build)
        for key, item in plain.items():
            filled[key] = nan_filled(item, safe[key])
        return filled
    if is_duck_array(plain):
        return numpy.where(numpy.isnan(plain), safe, plain)
    if isinstance(plain, numpy.ndarray) and plain.dtype.kind == "f" and isinstance(safe, numpy.ndarray) \
            and safe.shape == plain.shape and plain.ndim:
        nan = numpy.isnan(plain)
        if not nan.any():
            return plain
        filled = plain.copy()
        filled[nan] = safe[nan]
        return filled
    return safe if has_nan(plain) else plain


def exit_contexts_on_error(run, *args, **kwargs):
    """``run(*args, **kwargs)``; if it raises, the with-managers it entered and did not
    exit exit with the exception (innermost first), as Python's ``with`` would, and the
    exception propagates (a manager's exit cannot suppress it here)."""
    managers = OPEN_CONTEXTS.managers
    depth = len(managers)
    try:
        return run(*args, **kwargs)
    except BaseException as error:
        _exit_contexts(managers, depth, error)
        raise


def _exit_contexts(managers, depth, error):
    """Exit the with-managers entered beyond ``depth`` with ``error``, innermost first.
    One that suppresses it would have Python go on after its with statement, which the
    derivative, stopped, cannot do: that is a TypeError saying so."""
    suppressed = None
    while len(managers) > depth:
        manager = managers.pop()
        if type(manager).__exit__(manager, type(error), error, error.__traceback__) and suppressed is None:
            suppressed = manager
    if suppressed is not None:
        raise TypeError(f"astgrad: a with statement's {type(suppressed).__name__} suppressed the "
                        f"{type(error).__name__} its body raised, after which Python goes on after the with "
                        "statement, where astgrad's derivative cannot go on; catch the exception with try/except "
                        "inside the with body") from error


def has_nan(value):
    """True if ``value`` (a number, an array, or a tuple/list/dict of them) holds a NaN.
    Raises TypeError for a complex value: astgrad differentiates real code only."""
    kind = type(value)
    if kind is float or kind is numpy.float64:
        return value != value
    if kind is numpy.ndarray and value.ndim == 1 and value.dtype.kind == "f":
        return math.isnan(value.dot(value))     # the common case of the array case below
    if kind is tuple or kind is list:
        for item in value:
            if type(item) is float or type(item) is numpy.float64:
                if item != item:
                    return True
            elif has_nan(item):
                return True
        return False
    if isinstance(value, numpy.ndarray):
        dtype_kind = value.dtype.kind
        if dtype_kind == "f":
            # a sum of squares is NaN only from a NaN (inf stays inf), and costs one BLAS call
            if value.ndim == 1:
                return math.isnan(value.dot(value))
            if value.flags.c_contiguous:
                flat = value.reshape(-1)
                return math.isnan(flat.dot(flat))
            return bool(numpy.isnan(value).any())
        if dtype_kind == "c":
            raise _complex_error(value)
        return False
    if isinstance(value, (complex, numpy.complexfloating)):
        raise _complex_error(value)
    if isinstance(value, (float, numpy.floating)):
        return bool(value != value)
    if isinstance(value, (tuple, list)):
        return has_nan(list(value))
    if isinstance(value, dict):
        return has_nan(list(value.values()))
    if is_record(value):        # an exported gradient's object of a dataclass
        return has_nan([item for _, item in record_items(value)])
    return False


def _real(result):
    has_nan(result)
    return result


def _complex_error(value):
    what = getattr(value, "dtype", type(value).__name__)
    return TypeError(f"a derivative computed by astgrad came out complex ({what}); astgrad "
                     "differentiates real-valued code only. Either a complex value met when the code ran "
                     "(a complex global or closure variable) reached an operation whose derivative astgrad "
                     "takes for real values only: take numpy.real/numpy.imag/numpy.abs of it first; or a "
                     "negative Python float was raised to a fractional power, which is complex in Python: "
                     "use numpy.power or numpy.sqrt (NaN there) or keep the base positive")

