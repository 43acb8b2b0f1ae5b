"""The zero-safe twin of an exported derivative, and the fallback on it.

In process, ``zero_safe.run_derivative`` answers with a derivative's zero-safe twin
where its plain code's result has a NaN (a derivative of exactly 0 meeting an infinite
local derivative: ``sqrt`` at 0, a ``where``'s untaken branch). An exported module does
the same: it holds the twin as ``<name>_zero_safe`` (its callees' twins named likewise,
a twin whose text is its plain code's is not written again) and decorates the plain
derivative with ``falls_back_on(twin)``, whose definition the module carries (see
exporting.py).
"""

import functools

import numpy

from .errors import TransformError
from .zero_safe import has_nan, nan_filled

SUFFIX = "_zero_safe"


def falls_back_on(twin):
    """Decorate a derivative: where its result has a NaN, or Python raised
    ZeroDivisionError, return what ``twin`` (its zero-safe twin) computes instead. The
    two differ only where a derivative of exactly 0 meets an infinite or NaN local
    derivative: plain arithmetic gives NaN there, the twin gives 0 (NaN where that 0
    was a nonzero number rounded to 0, as by 1 / inf); elsewhere the plain result is
    kept."""
    def decorate(plain):
        @functools.wraps(plain)
        def derivative(*args, **kwargs):
            try:
                result = plain(*args, **kwargs)
            except ZeroDivisionError:
                result = None
            else:
                if not has_nan(result):
                    return result
            with numpy.errstate(all="ignore"):     # the plain run warned already
                safe = twin(*args, **kwargs)
            result = safe if result is None else nan_filled(result, safe)
            has_nan(result)         # a complex result raises TypeError, as in process
            return result
        return derivative
    return decorate


def zero_safe_twin(compiled):
    """The zero-safe twin of generated code ``compiled``, or None if it has none."""
    get = getattr(compiled, "__astgrad_zero_safe__", None)
    return None if get is None else get()


def add_with_twin(module, compiled, name, description, prologue=(), returned=None, seeds=None):
    """Add ``compiled`` to the exported ``module`` (an ``exporting._Module``) under
    ``name``, with its zero-safe twin and the fallback on it where the twin's code
    differs from it; ``returned``: the text put around what each returns, ``seeds``: the
    seed parameters renamed in the signature (add_function)."""
    try:
        twin = zero_safe_twin(compiled)
    except TransformError:      # in process too, it is generated only where the plain code gives NaN
        twin = None
        description += ("\n\nWhere its result has a NaN, astgrad raises TransformError instead: the "
                        "zero-safe variant it\nwould answer with there cannot be generated.")
    module.add_function(compiled, name, description, prologue=prologue, returned=returned, seeds=seeds)
    if twin is None:
        return
    plain_text = module.functions.pop()         # the def of ``compiled``: added last
    twin_name = module.free_name(name + SUFFIX)
    module.twin_suffix = SUFFIX
    try:
        defined = module.add_function(twin, twin_name, f"{name}, giving 0 where a derivative of exactly 0 meets an "
                                      "infinite local derivative\n(sqrt at 0, a where's untaken branch), where "
                                      f"{name} computes NaN.\n{name} answers with it where its own result has a "
                                      "NaN.", prologue=prologue, returned=returned, seeds=seeds)
    finally:
        module.twin_suffix = ""
    if defined != name:
        module.bind("falls_back_on", falls_back_on, name)
        plain_text = f"@falls_back_on({twin_name})\n{plain_text}"
    module.functions.append(plain_text)
