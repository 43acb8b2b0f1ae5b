"""The pipeline in one place: parse -> normalize -> transform -> emit -> compile."""

import collections
import inspect
import math
import time
import weakref

import numpy

from . import syntax as S
from .emit import compile_function, to_source
from .errors import TransformError
from .namespace import Namespace
from .naming import Namer
from .normalize import Normalizer
from .forward import ForwardMode
from .reverse import ReverseMode
from .source import _MISSING, parse_function


class UnresolvedName(TransformError):
    """A global the function uses is not defined yet (e.g. defined later in the module)."""


def prepare(fn):
    """Parse and normalize ``fn``: (source, normalized tree, namer, namespace)."""
    source = parse_function(fn)
    namer = Namer(S.names_in(source.tree))
    normalizer = Normalizer(source, namer)
    normalized = normalizer.run()
    namespace = Namespace(namer, normalizer.bindings)
    params = {a.id for a in normalized.args.posonlyargs + normalized.args.args + normalized.args.kwonlyargs}
    local = params | S.stored_names(normalized)
    for name in sorted(S.loaded_names(normalized) - local - set(namespace.values)):
        value = source.resolve(name)
        if value is _MISSING:
            raise UnresolvedName(f"'{name}' is not defined (yet); astgrad resolves the names a "
                                 "function uses when it generates its derivative", source.filename,
                                 source.first_line, construct=name)
        if name not in namespace.values:
            namespace.bind(name, value)
    return source, normalized, namer, namespace


_cache = weakref.WeakKeyDictionary()    # function -> {(mode, wrt, preserve_result): compiled}
_in_progress = []                       # functions being transformed, to refuse recursion


def underlying(f):
    """The plain Python function behind a decorated function or a derivative."""
    inner = getattr(f, "__astgrad_function__", None)
    return f if inner is None else inner()


def _zero_safe_source(fn):
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
    common case pays only for looking for a NaN in the result."""
    twin = getattr(compiled, "__astgrad_zero_safe__", None)
    if twin is None:
        return _real(compiled(*args, **kwargs))
    try:
        result = compiled(*args, **kwargs)
        if not has_nan(result):
            return result
    except ZeroDivisionError:
        pass
    return _real(twin()(*args, **kwargs))


def has_nan(value):
    """True if ``value`` (a number, an array, or a tuple/list/dict of them) holds a NaN.
    Raises TypeError for a complex value: astgrad differentiates real code only."""
    kind = type(value)
    if kind is float or kind is numpy.float64:
        return value != value
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
    return False


def _real(result):
    has_nan(result)
    return result


def _complex_error(value):
    what = getattr(value, "dtype", type(value).__name__)
    return TypeError(f"a derivative computed by astgrad came out complex ({what}); astgrad "
                     "differentiates real-valued code only. A negative Python float raised to a "
                     "fractional power is complex in Python: use numpy.power or numpy.sqrt (NaN there) "
                     "or keep the base positive")


# (source, what its names mean, mode, ...) -> compiled, across redefinitions. The entries
# keep the objects they name alive, so an id in a key cannot be reused by another object.
_by_source = collections.OrderedDict()
_BY_SOURCE_LIMIT = 512


def _source_key(fn):
    """What determines the generated code: the function's source text and the objects
    its free names refer to now. Redefining a function with the same code (re-running a
    notebook cell, reloading a module) then reuses the code generated the first time."""
    code = getattr(fn, "__code__", None)
    if code is None or fn.__defaults__ or fn.__kwdefaults__:
        return None         # default values are objects outside the source: not keyed here
    try:
        text = inspect.getsource(fn)
    except (OSError, TypeError):
        return None
    names = []
    scope = getattr(fn, "__globals__", {})
    for name in code.co_names:
        value = scope.get(name, _MISSING)
        names.append((name, id(value)))
    for var, cell in zip(code.co_freevars, fn.__closure__ or ()):
        try:
            names.append((var, id(cell.cell_contents)))
        except ValueError:
            names.append((var, None))
    from .rules.registry import VERSION
    return code.co_filename, text, tuple(names), VERSION[0]


def _cached(fn, key, make):
    per_function = _cache.setdefault(fn, {})
    if key not in per_function:
        source_key = _source_key(fn)
        shared = (source_key, key) if source_key is not None else None
        if shared is not None and shared in _by_source:
            per_function[key] = _by_source[shared]
        else:
            per_function[key] = make()
            if shared is not None:
                _by_source[shared] = per_function[key]
                if len(_by_source) > _BY_SOURCE_LIMIT:
                    _by_source.popitem(last=False)
    return per_function[key]


def reverse_derivative(f, wrt, preserve_result, zero_safe=False):
    """The cached compiled reverse-mode derivative of ``f`` w.r.t. parameter indices ``wrt``
    (its zero-safe twin with ``zero_safe=True``; see ``run_derivative``)."""
    fn = underlying(f)
    if zero_safe:
        fn = _zero_safe_source(fn)
    key = ("reverse", tuple(wrt), preserve_result) + (("zero-safe",) if zero_safe else ())
    compiled = _cached(fn, key, lambda: generate_reverse(fn, tuple(wrt), preserve_result, zero_safe))
    if not zero_safe:
        compiled.__astgrad_zero_safe__ = lambda: reverse_derivative(fn, wrt, preserve_result, True)
    return compiled


def forward_derivative(f, wrt, zero_safe=False):
    """The cached compiled forward-mode derivative of ``f`` w.r.t. parameter indices ``wrt``
    (its zero-safe twin with ``zero_safe=True``; see ``run_derivative``)."""
    fn = underlying(f)
    if zero_safe:
        fn = _zero_safe_source(fn)
    key = ("forward", tuple(wrt)) + (("zero-safe",) if zero_safe else ())
    compiled = _cached(fn, key, lambda: generate_forward(fn, tuple(wrt), zero_safe))
    if not zero_safe:
        compiled.__astgrad_zero_safe__ = lambda: forward_derivative(fn, wrt, True)
    return compiled


def generate_forward(fn, wrt, zero_safe=False):
    """The compiled forward-mode derivative of ``fn`` with respect to ``wrt`` (indices)."""
    if fn in _in_progress:
        raise RecursiveCall(fn)
    _in_progress.append(fn)
    try:
        source, normalized, namer, namespace = prepare(fn)
        mode = ForwardMode(source, normalized, wrt, namer, namespace)
        mode.zero_safe = zero_safe
        tree = mode.run()
        text = to_source(tree)
        compiled = compile_function(text, tree.name, namespace.values, f"jvp of {fn.__qualname__}")
        compiled.__astgrad_tree__ = tree
        compiled.__qualname__ = tree.name
        return compiled
    finally:
        _in_progress.remove(fn)


def generate_reverse(fn, wrt, preserve_result, zero_safe=False):
    """The compiled reverse-mode derivative of ``fn`` with respect to ``wrt`` (indices)."""
    if fn in _in_progress:
        raise RecursiveCall(fn)
    _in_progress.append(fn)
    try:
        return _generate_reverse(fn, wrt, preserve_result, zero_safe)
    finally:
        _in_progress.remove(fn)


class RecursiveCall(Exception):
    def __init__(self, fn):
        super().__init__(fn)
        self.fn = fn


def _generate_reverse(fn, wrt, preserve_result, zero_safe=False):
    started = time.perf_counter()
    source, normalized, namer, namespace = prepare(fn)
    mode = ReverseMode(source, normalized, wrt, namer, namespace, preserve_result)
    mode.zero_safe = zero_safe
    tree = mode.run()
    text = to_source(tree)
    compiled = compile_function(text, tree.name, namespace.values, f"grad of {fn.__qualname__}")
    compiled.__astgrad_tree__ = tree
    compiled.__astgrad_seconds__ = time.perf_counter() - started
    compiled.__qualname__ = tree.name
    return compiled


def parameter_names(fn):
    code = fn.__code__
    return list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
