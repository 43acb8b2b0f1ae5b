"""The numba backend: generated derivative code compiled with ``numba.njit``.

``compiled_runner(fn, strict)`` takes a generated Python derivative (what the cache
returns) and gives a function with the same signature that runs a numba-compiled copy
of it. The copy is the same text lowered by ``numba_lower`` with the runtime helpers
replaced by their numba versions (``numba_helpers``); ``.source`` keeps showing the
Python text. numba compiles for each new kind of arguments at their first call; when it
cannot (a helper or NumPy call outside numba's subset, a value whose type changes),
``strict`` raises ``BackendError`` naming the construct, and otherwise the runner falls
back to the Python code for those kinds of arguments, for good.
"""

import ast
import importlib.util
import weakref

import numpy

from ..core.originals import is_snapshot, replaced
from ..errors import TransformError

BACKENDS = ("python", "numba", "auto")
_RUNNERS = weakref.WeakKeyDictionary()      # generated function -> {strict: runner}
_COMPILED = weakref.WeakKeyDictionary()     # generated function -> (dispatcher, checks)
_SHAPE_CHECK = "astgrad numba backend"
_FILENAME = "<astgrad numba "


class BackendError(TransformError):
    """The requested backend cannot compile this code (the message names the construct)."""


def check_backend(backend):
    """``backend`` checked: one of BACKENDS; numba importable when it is required."""
    if backend not in BACKENDS:
        raise ValueError(f"backend={backend!r}: use one of {', '.join(map(repr, BACKENDS))}")
    if backend == "numba" and importlib.util.find_spec("numba") is None:
        raise ImportError("backend='numba' needs numba, which is not installed: "
                          "pip install astgrad[numba]  (or use backend='auto', which falls back "
                          "to the Python code)")
    return backend


def available():
    return importlib.util.find_spec("numba") is not None


_PREPARED = []


def prepare():
    """Load, once, what numba loads before its first compile, and the rules of the
    libraries that imported: numba's NumPy implementations import ``scipy.linalg`` (for
    BLAS), and registering its rules later, at the next name resolved, would make every
    derivative generated before stale, to be generated and compiled again at its next
    call. Called before a transform with the numba backend generates anything."""
    if _PREPARED:
        return
    from numba.core.registry import cpu_target
    from ..rules import optional
    cpu_target.target_context.refresh()
    optional.load_imported()
    _PREPARED.append(True)


def compiled_runner(fn, strict, where=None):
    """A function running ``fn`` (generated code) compiled by numba; see the module doc.
    ``where``: (file, first line) of the user's function, for the refusals' messages."""
    runners = _RUNNERS.setdefault(fn, {})
    runner = runners.get(strict)
    if runner is None:
        runner = runners[strict] = _make_runner(fn, strict, where)
    return runner


def _make_runner(fn, strict, where):
    try:
        dispatcher, checks = _compiled(fn, where)
    except BackendError:
        if strict:
            raise
        return fn
    python_kinds = set()

    def run(*args, **kwargs):
        kinds = tuple(map(type, args))
        if kinds in python_kinds:
            return fn(*args, **kwargs)
        if checks is not None:
            checks(*args, **kwargs)
        try:
            return dispatcher(*args, **kwargs)
        except Exception as error:
            refusal = _refusal(error, fn, where)
            if refusal is None:
                raise
            if strict:
                raise refusal from None
            python_kinds.add(kinds)
            return fn(*args, **kwargs)

    run.source = fn.source if hasattr(fn, "source") else None
    run.__name__ = fn.__name__
    run.__qualname__ = fn.__qualname__
    run.__wrapped__ = fn
    run.numba_dispatcher = dispatcher
    twin = getattr(fn, "__astgrad_zero_safe__", None)
    if twin is not None:
        run.__astgrad_zero_safe__ = twin
    return run


def _namespace(fn, where=None, lifted=()):
    """The names the generated code uses, with runtime helpers swapped for numba's
    (``lifted``: those of the argument checks run in Python before, left as they are)."""
    from . import numba_helpers, numba_reductions
    from . import numba_refusals
    scope = dict(fn.__globals__)
    cells = fn.__closure__ or ()
    scope.update(zip(fn.__code__.co_freevars, (cell.cell_contents for cell in cells)))
    for name in fn.__code__.co_names + fn.__code__.co_freevars:
        value = scope.get(name)
        helper = numba_helpers.HELPERS.get(value) if _hashable(value) else None
        if helper is not None:
            scope[name] = helper
        elif name not in lifted and not is_snapshot(value) \
                and str(getattr(value, "__module__", "") or "").startswith("astgrad"):
            raise BackendError(**numba_refusals.refusal(name, fn.source, where, name, name, _label(fn),
                                                        helper=True))
    scope.update(numba_helpers.LOWERING)
    scope.update(numba_reductions.LOWERING)
    user_numpy = numpy if replaced(numpy) else _fast_numpy()   # the user's np.cos = my_cos is kept
    for name, value in list(scope.items()):
        if value is numpy:
            scope[name] = user_numpy
        elif is_snapshot(value) and value.__name__ == "numpy":  # a rule's numpy.cos: NumPy's, as found
            scope[name] = _fast_numpy()
    return scope


_FAST = []


def _fast_numpy():
    from . import numba_helpers
    if not _FAST:
        _FAST.append(numba_helpers.numpy_for_numba())
    return _FAST[0]


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _label(fn):
    return fn.__qualname__.removeprefix("grad_").removeprefix("jvp_")


def _compiled(fn, where):
    """``_njit(fn, where)``, made once per generated function: the strict and the lenient
    runner of one derivative share one dispatcher, so numba compiles each kind of
    arguments once for both."""
    compiled = _COMPILED.get(fn)
    if compiled is None:
        compiled = _COMPILED[fn] = _njit(fn, where)
    return compiled


def _njit(fn, where):
    import numba
    from . import numba_fusion, numba_prelude, numba_refusals
    from .numba_lower import lower_tree
    text = getattr(fn, "source", None)
    if text is None:
        raise BackendError(f"{_label(fn)}: no generated source to compile", construct="source")
    lifted = numba_prelude.check_names(fn)
    scope = _namespace(fn, where, lifted)
    numpy_names = [name for name, value in scope.items() if value is _fast_numpy()]
    try:
        module, name = lower_tree(text, numpy_names)
    except ValueError as error:
        raise BackendError(f"the numba backend cannot compile the derivative of {_label(fn)}: "
                           f"{error}", construct=str(error)) from None
    checks = numba_prelude.lift(module.body[0], fn, lifted)
    for name in _names(module.body[0]) & lifted:        # a check that could not be lifted
        raise BackendError(**numba_refusals.refusal(name, text, where, name, name, _label(fn), helper=True))
    for _, called in numba_refusals.unsupported_calls(module.body[0], scope)[:1]:
        raise BackendError(**numba_refusals.refusal(called, text, where, called, called, _label(fn)))
    module = numba_fusion.fuse_tree(module, scope)
    # compiled from the tree: numba's errors give the lines of the generated text
    exec(compile(module, _FILENAME + fn.__qualname__ + ">", "exec"), scope)
    return numba.njit(scope[name]), checks


def _names(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _refusal(error, fn, where):
    """A BackendError for numba's failure to compile (None for other errors)."""
    import numba.core.errors as numba_errors
    from . import numba_refusals
    if isinstance(error, ValueError) and str(error).startswith(_SHAPE_CHECK):
        return BackendError(f"{_label(fn)}: {error}", *(where or ()), construct="a value changing shape in a loop")
    if not isinstance(error, (numba_errors.TypingError, numba_errors.UnsupportedError,
                              numba_errors.LoweringError, numba_errors.NotDefinedError)):
        return None
    what, name, construct = numba_refusals.typing_refusal(str(error))
    line = numba_refusals.generated_line(str(error), _FILENAME + fn.__qualname__ + ">")
    return BackendError(**numba_refusals.refusal(what, fn.source, where, name, construct, _label(fn),
                                                 line=line))
