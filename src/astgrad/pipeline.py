"""The pipeline in one place: parse -> normalize -> transform -> emit -> compile."""

import collections
import inspect
import time
import weakref

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


def reverse_derivative(f, wrt, preserve_result):
    """The cached compiled reverse-mode derivative of ``f`` w.r.t. parameter indices ``wrt``."""
    fn = underlying(f)
    return _cached(fn, ("reverse", tuple(wrt), preserve_result),
                   lambda: generate_reverse(fn, tuple(wrt), preserve_result))


def forward_derivative(f, wrt):
    """The cached compiled forward-mode derivative of ``f`` w.r.t. parameter indices ``wrt``."""
    fn = underlying(f)
    return _cached(fn, ("forward", tuple(wrt)), lambda: generate_forward(fn, tuple(wrt)))


def generate_forward(fn, wrt):
    """The compiled forward-mode derivative of ``fn`` with respect to ``wrt`` (indices)."""
    if fn in _in_progress:
        raise RecursiveCall(fn)
    _in_progress.append(fn)
    try:
        source, normalized, namer, namespace = prepare(fn)
        tree = ForwardMode(source, normalized, wrt, namer, namespace).run()
        text = to_source(tree)
        compiled = compile_function(text, tree.name, namespace.values, f"jvp of {fn.__qualname__}")
        compiled.__astgrad_tree__ = tree
        compiled.__qualname__ = tree.name
        return compiled
    finally:
        _in_progress.remove(fn)


def generate_reverse(fn, wrt, preserve_result):
    """The compiled reverse-mode derivative of ``fn`` with respect to ``wrt`` (indices)."""
    if fn in _in_progress:
        raise RecursiveCall(fn)
    _in_progress.append(fn)
    try:
        return _generate_reverse(fn, wrt, preserve_result)
    finally:
        _in_progress.remove(fn)


class RecursiveCall(Exception):
    def __init__(self, fn):
        super().__init__(fn)
        self.fn = fn


def _generate_reverse(fn, wrt, preserve_result):
    started = time.perf_counter()
    source, normalized, namer, namespace = prepare(fn)
    tree = ReverseMode(source, normalized, wrt, namer, namespace, preserve_result).run()
    text = to_source(tree)
    compiled = compile_function(text, tree.name, namespace.values, f"grad of {fn.__qualname__}")
    compiled.__astgrad_tree__ = tree
    compiled.__astgrad_seconds__ = time.perf_counter() - started
    compiled.__qualname__ = tree.name
    return compiled


def parameter_names(fn):
    code = fn.__code__
    return list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
