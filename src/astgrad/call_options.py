"""The per-call options of the gradient transforms: ``backend=`` and ``checkpoint=``.

``options(backend, checkpoint)`` checks what the user gave and returns None for the
defaults (the generated Python code, run as it is). Otherwise ``Options.apply(fn)``
turns a generated derivative (the compiled Python function the cache holds) into what
the options ask for: its loops checkpointed (``modes.checkpoint``), then compiled by
numba (``backend.numba_backend``). Each result is made once per generated function and
kept while that function lives.

Checkpointed gradients are specialized to their arguments' kinds like the plain ones
(``specialize.Versions``, each version wrapped by ``Options.specialized``): the
checkpointing rewrites the code made for those kinds. A version whose loops save
nothing per iteration (fused with their adjoints) runs as it is.
"""

import types
import weakref

from . import rebound_places
from .backend import numba_backend

_MADE = weakref.WeakKeyDictionary()     # generated function -> {Options: function}


class Options:
    """What a transform was asked for beyond the defaults."""
    __slots__ = ("backend", "checkpoint")

    def __init__(self, backend, checkpoint):
        self.backend = backend
        self.checkpoint = checkpoint

    def _key(self):
        return (self.backend, self.checkpoint)

    def __eq__(self, other):
        return isinstance(other, Options) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return f"Options(backend={self.backend!r}, checkpoint={self.checkpoint!r})"

    @property
    def specializes(self):
        """Whether the code these options run is made per kind of arguments (the Python
        backend's checkpointed code; numba compiles the general code)."""
        return self.checkpoint is not None and self.backend != "numba"

    def apply(self, fn, where, specialized=False):
        """``fn`` (generated code) with these options; ``where`` = (file, line) for errors.
        ``specialized``: ``fn`` is a version made for some kinds of arguments (no loop to
        checkpoint there is no error: it saves nothing per iteration)."""
        made = _MADE.setdefault(fn, {})
        result = made.get(self)
        if result is None:
            result = made[self] = self._make(fn, where, specialized)
        return result

    def specialized(self, current, where):
        """A specialized version's ``Current`` with these options applied at each call."""
        return Wrapped(current, self, where, specialized=True)

    def _make(self, fn, where, specialized):
        code = fn
        if self.checkpoint is not None:
            code = _checkpointed(fn, self.checkpoint, where, required=not specialized)
            if self.backend == "numba":
                raise numba_backend.BackendError(
                    "checkpoint= runs on the Python backend: use backend='python' or "
                    "backend='auto' (which runs checkpointed code in Python)", *where,
                    construct="checkpoint with backend='numba'")
            return code
        if self.backend == "python" or (self.backend == "auto" and not numba_backend.available()):
            return code
        return numba_backend.compiled_runner(code, strict=self.backend == "numba", where=where)


def refuse_numba_with_aux(backend, where):
    """has_aux=True with backend='numba' refused at the transform's call (``where``: the
    function's file and line): the aux is any Python value, handed back by Python code."""
    numba_backend.check_backend(backend)
    if backend == "numba":
        raise numba_backend.BackendError(
            "has_aux=True runs on the Python backend: the aux (any Python value the function returns beside "
            "its value) is handed back by Python code, which numba does not compile; use backend='auto' "
            "(which runs it as Python) or backend='python', or drop has_aux=True and compute the aux "
            "outside the gradient", *where, construct="has_aux=True with backend='numba'")


def options(backend="python", checkpoint=None):
    """The checked options, or None for the defaults."""
    numba_backend.check_backend(backend)
    if checkpoint is not None and checkpoint != "sqrt" and \
            (isinstance(checkpoint, bool) or not isinstance(checkpoint, int) or checkpoint < 1):
        raise ValueError(f"checkpoint={checkpoint!r}: give a positive int k (keep every k-th loop "
                         "state) or 'sqrt'")
    if backend == "python" and checkpoint is None:
        return None
    if backend == "numba" or (backend == "auto" and numba_backend.available()):
        numba_backend.prepare()         # before the code is generated
    return Options(backend, checkpoint)


class Wrapped:
    """A ``caching.Current`` whose code comes out with the options applied."""
    __slots__ = ("current", "options", "where", "specialized")

    def __init__(self, current, options, where, specialized=False):
        self.current = current
        self.options = options
        self.where = where
        self.specialized = specialized      # a version for some kinds of arguments

    def __call__(self):
        return self.options.apply(self.current(), self.where, self.specialized)

    def snapshot(self):
        return None             # the options apply at each call: no fast path

    def __deepcopy__(self, memo):
        return self


def _checkpointed(fn, every, where, required):
    from .modes import checkpoint as checkpointing      # loaded with the first checkpoint= asked for
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    scope = dict(fn.__globals__)
    scope.update((name, cell.cell_contents) for name, cell in cells.items())
    text = checkpointing.checkpointed(fn.source, every, scope, where, required)
    if text is None:
        return fn
    # compiled as the generated code is: the user's module globals (read when the code
    # runs, and rebound by ``global K; K = K + 1``), its helpers as closure cells
    cells["checkpoint_interval"] = types.CellType(checkpointing.interval)
    cells["globals_now"] = types.CellType(rebound_places.globals_now)
    cells["put_back"] = types.CellType(rebound_places.put_back)
    from .backend.emit import compile_closure
    code = compile_closure(text, fn.__name__, set(cells), f"checkpointed {fn.__qualname__}")
    result = types.FunctionType(code, fn.__globals__, fn.__name__, fn.__defaults__,
                                tuple(cells[name] for name in code.co_freevars) or None)
    result.__kwdefaults__ = fn.__kwdefaults__
    result.source = text
    twin = getattr(fn, "__astgrad_zero_safe__", None)
    if twin is not None:
        result.__astgrad_zero_safe__ = twin
    if getattr(fn, "__astgrad_gradient_only__", False):     # returns the gradient alone
        result.__astgrad_gradient_only__ = True
    return result
