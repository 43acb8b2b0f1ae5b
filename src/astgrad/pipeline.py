"""The pipeline in one place: parse -> normalize -> transform -> emit -> compile, and the caches.

Binding follows Python. Generated code runs with the user function's own globals and
shares its closure cells, so globals and closure variables are read when it runs, as
in the function itself. Where generation depended on what a name meant (``np.sin``
chose a rule, ``helper`` chose a callee whose derivative is called), that meaning is
recorded as a guard; a cached derivative is used only while its guards hold (an
identity check per guard), transitively through the callees, and is regenerated
otherwise.

Generation is safe from any number of threads: a derivative is generated once (the
others asking for it wait for that generation, not for unrelated ones), recursion is
detected per thread, and a failed or interrupted generation leaves nothing behind.
"""

import ast
import builtins
import collections
import math
import threading
import time
import types
import weakref

import numpy

from .core import syntax as S
from .backend.emit import compile_closure, to_source
from .errors import TransformError
from .backend.namespace import Namespace
from .core.naming import Namer
from .frontend.normalize import Normalizer
from .modes.forward import ForwardMode
from .modes.reverse import ReverseMode
from .rules import registry
from .frontend.source import _MISSING, parse_function


class UnresolvedName(TransformError):
    """A global the function uses is not defined yet (e.g. defined later in the module)."""


class RecursiveCall(TransformError):
    """Generating a function's derivative needs that same derivative: recursion."""

    def __init__(self, fn):
        code = getattr(fn, "__code__", None)
        super().__init__(
            f"{fn.__qualname__} calls itself (directly or through other functions): astgrad "
            "cannot differentiate recursion; rewrite it as a loop",
            getattr(code, "co_filename", None), getattr(code, "co_firstlineno", None),
            construct="recursion")
        self.fn = fn


def prepare(fn):
    """Parse and normalize ``fn``: (source, normalized tree, namer, namespace)."""
    try:
        return _prepare(fn)
    except TransformError as error:
        if getattr(fn, "__wrapped__", None) is not None:
            error.reason += (f" ({fn.__qualname__} is a decorator's wrapper, with __wrapped__: "
                             "astgrad differentiates the code the wrapper runs. Give the wrapper "
                             "the wrapped function's parameters, or differentiate the undecorated "
                             "function)")
            error.args = (error._format(),)
        raise


def _prepare(fn):
    source = parse_function(fn)
    source_names = S.names_in(source.tree)
    namer = Namer(source_names)
    normalizer = Normalizer(source, namer)
    normalized = normalizer.run()
    namespace = Namespace(namer, normalizer.bindings, source_names)
    params = {a.id for a in normalized.args.posonlyargs + normalized.args.args + normalized.args.kwonlyargs}
    local = params | S.stored_names(normalized)
    # the body only: default values are the function object's own, never re-evaluated
    loaded = set().union(*(S.loaded_names(stmt) for stmt in normalized.body))
    for name in sorted(loaded - local - set(namespace.values)):
        if name not in source_names and hasattr(builtins, name):
            namespace.bind(name, getattr(builtins, name))   # introduced by normalization (range, len)
            continue
        value = source.resolve(name)
        if value is _MISSING:
            raise UnresolvedName(f"'{name}' is not defined (yet); astgrad resolves the names a "
                                 "function uses when it generates its derivative", source.filename,
                                 source.first_line, construct=name)
        namespace.bind_user(name, value)
    return source, normalized, namer, namespace


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


def parameter_names(fn):
    code = fn.__code__
    return list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])


# -- guards: what a generated derivative depends on ---------------------------------------

class _CellView:
    """A closure cell read like a dict, for guards."""
    __slots__ = ("cell",)

    def __init__(self, cell):
        self.cell = cell

    def __getitem__(self, name):
        try:
            return self.cell.cell_contents
        except ValueError:          # emptied (del) since
            raise KeyError(name) from None

    def __contains__(self, name):
        try:
            self.cell.cell_contents
        except ValueError:
            return False
        return True


class _AttributeView:
    """An attribute of an object that is not a module, read like a dict, for guards.
    A bound method is a new object on every access, so it is compared with ``==``."""
    __slots__ = ("obj", "expected")

    def __init__(self, obj, expected):
        self.obj = obj
        self.expected = expected

    def __getitem__(self, attr):
        try:
            value = getattr(self.obj, attr)
        except Exception:
            raise KeyError(attr) from None
        if value is not self.expected and isinstance(value, types.MethodType) and value == self.expected:
            return self.expected
        return value

    def __contains__(self, attr):
        try:
            self[attr]
        except KeyError:
            return False
        return True


def _guards(dependencies, fn):
    """The checks ``(mapping, key, expected)`` that hold while every name path in
    ``dependencies`` means, for ``fn``, the objects it meant when code was generated."""
    scope = fn.__globals__
    builtin_scope = scope.get("__builtins__", builtins)
    builtin_dict = builtin_scope if isinstance(builtin_scope, dict) else vars(builtin_scope)
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    guards = {}
    for parts, chain in dependencies:
        root = parts[0]
        if root in cells:
            guards[id(cells[root]), root] = (_CellView(cells[root]), root, chain[0])
        elif root in scope or chain[0] is _MISSING:
            guards[id(scope), root] = (scope, root, chain[0])
        else:                       # a builtin, as long as no global hides it
            guards[id(scope), root] = (scope, root, _MISSING)
            guards[id(builtin_dict), root] = (builtin_dict, root, chain[0])
        for position in range(1, len(chain)):
            owner, attr, expected = chain[position - 1], parts[position], chain[position]
            if isinstance(owner, types.ModuleType) and attr in vars(owner):
                guards[id(vars(owner)), attr] = (vars(owner), attr, expected)
            else:
                guards[id(owner), attr] = (_AttributeView(owner, expected), attr, expected)
    return list(guards.values())


def _merged(*groups):
    out = {}
    for group in groups:
        for guard in group:
            mapping = guard[0]
            identity = id(mapping.cell) if isinstance(mapping, _CellView) else (
                id(mapping.obj) if isinstance(mapping, _AttributeView) else id(mapping))
            out.setdefault((identity, guard[1]), guard)
    return tuple(out.values())


class Entry:
    """A compiled derivative of one function object, and what it was generated under.

    ``holds(fn)`` says whether the names the code depends on still mean what they
    meant: identity checks only, no user code runs. It is a small function made for
    the entry's guards (one ``mapping[key] is expected`` each), because it runs on
    every call of a gradient and a loop over the guards costs twice as much."""
    __slots__ = ("compiled", "guards", "holds")

    def __init__(self, compiled, guards, fn, version):
        self.compiled = compiled
        self.guards = guards
        self.holds = _checker(fn, version, guards)


_checker_factories = {}     # number of guards -> a function making a checker for that many


def _checker(fn, version, guards):
    """``holds(fn)``: ``fn`` has the same code and defaults, the rule table the same
    version, and every guard ``(mapping, key, expected)`` still reads ``expected``
    (for ``expected`` _MISSING: ``key`` is still absent)."""
    shape = tuple(expected is _MISSING for _, _, expected in guards)
    make = _checker_factories.get(shape)
    if make is None:
        tests = ["fn.__code__ is code", "fn.__defaults__ is defaults",
                 "fn.__kwdefaults__ is kwdefaults", "table_version[0] == version"]
        params = ["code", "defaults", "kwdefaults", "version", "table_version"]
        for i, absent in enumerate(shape):
            params += [f"m{i}", f"k{i}", f"e{i}"]
            tests.append(f"k{i} not in m{i}" if absent else f"m{i}[k{i}] is e{i}")
        text = (f"def make({', '.join(params)}):\n"
                f"    def holds(fn):\n"
                f"        try:\n"
                f"            return {' and '.join(tests)}\n"
                f"        except KeyError:\n"
                f"            return False\n"
                f"    return holds\n")
        scope = {}
        exec(compile(text, "<astgrad guard check>", "exec"), scope)
        make = _checker_factories[shape] = scope["make"]
    flat = [part for guard in guards for part in guard]
    return make(fn.__code__, fn.__defaults__, fn.__kwdefaults__, version, registry.VERSION, *flat)


class Generated:
    """Code generated from one function's code: shared by every function object with the
    same code and globals whose names mean the same (a re-run notebook cell, a reload,
    closures made by one factory), each getting its own closure cells and defaults."""

    def __init__(self, code, definition, tree, text, cells, dependencies, callee_guards, version,
                 seconds, scope):
        self.code = code
        self.definition = definition
        self.tree = tree
        self.text = text
        self.cells = cells                  # name astgrad introduced -> cell holding its object
        self.dependencies = dependencies    # (name path, objects) for the function's own names
        self.callee_guards = callee_guards  # the callees' guards, already bound to their scopes
        self.version = version
        self.seconds = seconds
        self.scope = scope                  # the globals (kept alive: their id is in the cache key)


def _defaults(definition, fn):
    """The generated function's defaults: the ones the function object holds for the
    user's parameters (never re-evaluated), literals for the parameters astgrad adds."""
    code = fn.__code__
    user = set(parameter_names(fn))
    positional_names = code.co_varnames[:code.co_argcount]
    held = dict(zip(positional_names[len(positional_names) - len(fn.__defaults__ or ()):],
                    fn.__defaults__ or ()))
    held_keyword = fn.__kwdefaults__ or {}
    args = definition.args
    positional = args.posonlyargs + args.args
    defaults = []
    for arg, node in zip(positional[len(positional) - len(args.defaults):], args.defaults):
        if arg.arg in held:
            defaults.append(held[arg.arg])
        elif arg.arg in user:
            defaults = []           # no default now: the parameters before it have none either
        else:
            defaults.append(ast.literal_eval(node))
    keyword = {}
    for arg, node in zip(args.kwonlyargs, args.kw_defaults):
        if node is None:
            continue
        if arg.arg in held_keyword:
            keyword[arg.arg] = held_keyword[arg.arg]
        elif arg.arg not in user:
            keyword[arg.arg] = ast.literal_eval(node)
    return tuple(defaults) or None, keyword or None


def _instantiate(generated, fn):
    """The Entry running ``generated`` for ``fn``: its globals, its closure cells shared,
    its defaults."""
    user_cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    closure = []
    for name in generated.code.co_freevars:
        cell = generated.cells.get(name) or user_cells.get(name)
        if cell is None:
            return None             # a function with other closure variables: not this code
        closure.append(cell)
    defaults, keyword = _defaults(generated.definition, fn)
    compiled = types.FunctionType(generated.code, fn.__globals__, generated.code.co_name, defaults,
                                  tuple(closure))
    compiled.__kwdefaults__ = keyword
    compiled.__qualname__ = generated.tree.name
    compiled.source = generated.text
    compiled.__astgrad_tree__ = generated.tree
    compiled.__astgrad_seconds__ = generated.seconds
    guards = _merged(_guards(generated.dependencies, fn), generated.callee_guards)
    return Entry(compiled, guards, fn, generated.version)


# -- generation -----------------------------------------------------------------------------

class _Recording:
    """One generation in progress on this thread, collecting its callees' guards."""
    __slots__ = ("fn", "callee_guards")

    def __init__(self, fn):
        self.fn = fn
        self.callee_guards = []


_local = threading.local()      # .generating: this thread's _Recording stack


def _generating():
    stack = getattr(_local, "generating", None)
    if stack is None:
        stack = _local.generating = []
    return stack


def _note_callee(entry):
    """A derivative obtained while generating another: the caller depends on it too."""
    stack = getattr(_local, "generating", None)
    if stack:
        stack[-1].callee_guards.extend(entry.guards)


def _generate(fn, key):
    """Generate ``fn``'s derivative ``key`` (("reverse", wrt, preserve_result) or
    ("forward", wrt)) now, uncached."""
    stack = _generating()
    if any(recording.fn is fn for recording in stack):
        raise RecursiveCall(fn)
    recording = _Recording(fn)
    stack.append(recording)
    try:
        return _generate_code(fn, key, recording)
    finally:
        stack.remove(recording)


def _generate_code(fn, key, recording):
    started = time.perf_counter()
    version = registry.VERSION[0]
    source, normalized, namer, namespace = prepare(fn)
    if key[0] == "reverse":
        mode = ReverseMode(source, normalized, key[1], namer, namespace, key[2])
        label = f"grad of {fn.__qualname__}"
    else:
        mode = ForwardMode(source, normalized, key[1], namer, namespace)
        label = f"jvp of {fn.__qualname__}"
    mode.zero_safe = key[-1] == ZERO_SAFE
    tree = mode.run()
    text = to_source(tree)
    for name in sorted(namespace.used_user_names):
        source.resolve_path([name])         # astgrad's own code uses this user name too
    bindings = namespace.bindings()
    code, definition = compile_closure(text, tree.name, set(bindings) | set(fn.__code__.co_freevars),
                                       label)
    cells = {name: types.CellType(bindings[name]) for name in code.co_freevars if name in bindings}
    return Generated(code, definition, tree, text, cells, tuple(source.dependencies),
                     tuple(recording.callee_guards), version, time.perf_counter() - started,
                     fn.__globals__)


def generate_reverse(fn, wrt, preserve_result):
    """The compiled reverse-mode derivative of ``fn`` w.r.t. ``wrt`` (indices), uncached."""
    return _instantiate(_generate(fn, ("reverse", tuple(wrt), preserve_result)), fn).compiled


def generate_forward(fn, wrt):
    """The compiled forward-mode derivative of ``fn`` w.r.t. ``wrt`` (indices), uncached."""
    return _instantiate(_generate(fn, ("forward", tuple(wrt))), fn).compiled


# -- the caches -------------------------------------------------------------------------------

_cache = weakref.WeakKeyDictionary()    # function -> {key: Entry}

# (file, code, globals, key) -> Generated, across redefinitions: re-running an identical
# notebook cell or reloading a module reuses the code generated the first time.
_by_source = collections.OrderedDict()
_BY_SOURCE_LIMIT = 512

_lock = threading.Lock()        # guards the dicts below and the caches' updates; never held
_flights = {}                   # while generating or while user code runs.
_waiting = {}                   # thread id -> the flight key it waits for


class _Flight:
    """A generation in progress: who runs it, and an event set when it ends."""
    __slots__ = ("owner", "done")

    def __init__(self, owner):
        self.owner = owner
        self.done = threading.Event()


def _cached_entry(fn, key):
    entries = _cache.get(fn)
    entry = entries.get(key) if entries is not None else None
    return entry if entry is not None and entry.holds(fn) else None


def _entry(fn, key):
    """``fn``'s current Entry for ``key``: the cached one while its guards hold, else a
    new one, generated once however many threads ask."""
    entry = _cached_entry(fn, key) or _generate_once(fn, key)
    _note_callee(entry)
    return entry


def _waits_for(thread, target):
    """Whether ``thread`` waits, through a chain of generations, for one ``target`` runs."""
    seen = set()
    while thread not in seen:
        seen.add(thread)
        flight = _flights.get(_waiting.get(thread))
        if flight is None:
            return False
        thread = flight.owner
        if thread == target:
            return True
    return False


def _generate_once(fn, key):
    me = threading.get_ident()
    flight_key = (fn, key)
    while True:
        entries = _cache.get(fn)
        seen = entries.get(key) if entries is not None else None
        if seen is not None and seen.holds(fn):
            return seen
        with _lock:
            entries = _cache.get(fn)
            if (entries.get(key) if entries is not None else None) is not seen:
                continue            # another thread just stored one: check it
            flight = _flights.get(flight_key)
            if flight is None:
                flight = _flights[flight_key] = _Flight(me)
                break
            recursive = flight.owner == me or _waits_for(flight.owner, me)
            if not recursive:
                _waiting[me] = flight_key
        if recursive:
            raise RecursiveCall(fn)
        try:
            flight.done.wait()
        finally:
            with _lock:
                _waiting.pop(me, None)
    try:
        entry = _build(fn, key)
        with _lock:
            _cache.setdefault(fn, {})[key] = entry
        return entry
    finally:
        with _lock:
            del _flights[flight_key]
        flight.done.set()


def _shared_key(fn, key):
    code = fn.__code__
    return code.co_filename, code, id(fn.__globals__), key


def _build(fn, key):
    """An Entry for ``fn``: from code generated for an equal function if its names mean
    the same now, else from newly generated code."""
    shared = _shared_key(fn, key)
    with _lock:
        generated = _by_source.get(shared)
    if generated is not None and generated.version == registry.VERSION[0]:
        entry = _instantiate(generated, fn)
        if entry is not None and entry.holds(fn):
            return _with_twin(entry, fn, key)
    generated = _generate(fn, key)
    with _lock:
        _by_source[shared] = generated
        _by_source.move_to_end(shared)
        if len(_by_source) > _BY_SOURCE_LIMIT:
            _by_source.popitem(last=False)
    return _with_twin(_instantiate(generated, fn), fn, key)


ZERO_SAFE = "zero-safe"     # the last item of the key of a zero-safe twin


def _with_twin(entry, fn, key):
    """Plain code knows how to get its zero-safe twin, for ``run_derivative``."""
    if key[-1] != ZERO_SAFE:
        entry.compiled.__astgrad_zero_safe__ = _Twin(fn, key)
    return entry


class _Twin:
    """Gets the zero-safe twin of ``fn``'s derivative ``key``. It refers to ``fn``
    weakly: the cache entry holding the plain code must not keep ``fn`` alive."""
    __slots__ = ("function", "key")

    def __init__(self, fn, key):
        self.function = weakref.ref(fn)
        self.key = key

    def __call__(self):
        return _entry(_zero_safe_source(self.function()), self.key + (ZERO_SAFE,)).compiled

    def __reduce__(self):
        return _no_twin, ()     # code sent by value to another process runs without a twin


def _no_twin():
    return None


def reverse_derivative(f, wrt, preserve_result, zero_safe=False):
    """The compiled reverse-mode derivative of ``f`` w.r.t. parameter indices ``wrt``, as
    ``f`` and the names it uses are bound now (its zero-safe twin with ``zero_safe=True``;
    see ``run_derivative``)."""
    return _derivative(f, ("reverse", tuple(wrt), preserve_result), zero_safe)


def forward_derivative(f, wrt, zero_safe=False):
    """The compiled forward-mode derivative of ``f`` w.r.t. parameter indices ``wrt``, as
    ``f`` and the names it uses are bound now (its zero-safe twin with ``zero_safe=True``)."""
    return _derivative(f, ("forward", tuple(wrt)), zero_safe)


def _derivative(f, key, zero_safe):
    fn = underlying(f)
    if zero_safe:
        return _entry(_zero_safe_source(fn), key + (ZERO_SAFE,)).compiled
    return _entry(fn, key).compiled


class Current:
    """The derivative ``key`` of ``f`` as ``f`` and its names are bound now: calling it
    returns the compiled function. Generated on construction (so errors surface at
    ``grad(f)``); afterwards each call checks the guards (a few dict lookups) and a
    rebinding since the last call fetches or generates the code for the new meaning."""
    __slots__ = ("function", "key", "_plain", "_state")

    def __init__(self, f, key):
        self.function = f
        self.key = key
        # a plain function is its own underlying function; anything else is asked each time
        self._plain = f if getattr(f, "__astgrad_function__", None) is None else None
        self._state = (None, None, None)
        self._refresh()

    def __call__(self):
        fn, holds, compiled = self._state
        if fn is self._plain and holds(fn):
            return compiled
        return self._refresh()

    def _refresh(self):
        fn = self._plain
        if fn is None:
            fn = underlying(self.function)
            current, holds, compiled = self._state
            if current is fn and holds(fn):
                return compiled
        entry = _entry(fn, self.key)
        self._state = (fn, entry.holds, entry.compiled)
        return entry.compiled

    def __deepcopy__(self, memo):
        return self         # like a function: syntax trees holding it are copied, it is shared

    def __reduce__(self):
        """Sent by value (cloudpickle, for a function pickle cannot name): the code as
        generated now, without the guards, whose dicts and cells belong to this process."""
        return Frozen, (self(),)


class Frozen:
    """A derivative that arrived by value from another process: always the same code."""
    __slots__ = ("compiled",)

    def __init__(self, compiled):
        self.compiled = compiled

    def __call__(self):
        return self.compiled
