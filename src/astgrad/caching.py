"""Derivatives on demand: each generated once, cached, and used while its guards hold.

Binding follows Python. Generated code runs with the user function's own globals and
shares its closure cells, so globals and closure variables are read when it runs, as
in the function itself. Where generation depended on what a name meant, that meaning is
a guard (see guards.py); a cached derivative is used only while its guards hold,
transitively through the callees, and is regenerated otherwise.

Generation is safe from any number of threads: a derivative is generated once (the
others asking for it wait for that generation, not for unrelated ones), recursion is
detected per thread, and a failed or interrupted generation leaves nothing behind.

This module sits above the pipeline: it runs ``pipeline.generate`` and hands the stages
``callees``, through which they ask for their callees' derivatives.
"""

import ast
import collections
import threading
import types
import weakref

from . import disk_cache
from . import object_operators
from . import prepared
from .core import collector
from .core.callees import Callees
from .core.functions import parameter_names, pinned_globals, underlying, user_freevars
from .core.methods import receiver_layout, receiver_of
from .core.read_log import note_engine_use
from .errors import RecursiveCall, TransformError
from .generation_records import CHECKED, VALUE_ONLY, Derived
from .function_cache import FunctionCache
from .argument_kinds import without_kinds
from .guards import Entry, contradiction, function_guards, guards_for, merged
from .rules.optional import load_imported
from .rules.rule_reads import VERSION, RulesRead, logging_lookups, note_read
from .rebound_places import written_places
from .zero_safe import ZERO_SAFE, zero_safe_source


def _defaults(args, fn):
    """The generated function's defaults (``args``: the ast.arguments of its def): the ones
    the function object holds for the user's parameters (never re-evaluated), literals for
    the parameters astgrad adds."""
    code = fn.__code__
    user = set(parameter_names(fn))
    positional_names = code.co_varnames[:code.co_argcount]
    held = dict(zip(positional_names[len(positional_names) - len(fn.__defaults__ or ()):],
                    fn.__defaults__ or ()))
    held_keyword = fn.__kwdefaults__ or {}
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


def _held_cells(generated):
    """Cells of its own for the closure variables ``generated`` calls, bound to the
    objects its guards check (pipeline.held_closure_names)."""
    if not generated.held_closure:
        return {}
    expected = {parts[0]: chain[0] for parts, chain in generated.dependencies if chain}
    return {name: types.CellType(expected[name]) for name in generated.held_closure}


def _instantiate(generated, fn):
    """The Entry running ``generated`` for ``fn``: its globals, its closure cells shared,
    its defaults."""
    user_cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    user_cells.update(_held_cells(generated))
    closure = []
    for name in generated.code.co_freevars:
        cell = generated.cells.get(name) or user_cells.get(name)
        if cell is None:
            return None             # a function with other closure variables: not this code
        closure.append(cell)
    defaults, keyword = _defaults(generated.arguments, fn)
    compiled = types.FunctionType(generated.code, fn.__globals__, generated.code.co_name, defaults,
                                  tuple(closure))
    compiled.__kwdefaults__ = keyword
    compiled.__qualname__ = generated.name
    compiled.source = generated.text
    compiled.__astgrad_generated__ = True
    compiled.__astgrad_seconds__ = generated.seconds
    # the closure variables that are the function's own, not names astgrad bound (for export)
    own = user_freevars(fn)
    compiled.__astgrad_user_freevars__ = tuple(n for n in generated.code.co_freevars
                                               if n not in generated.cells and n in own)
    # the user's globals it holds as cells (pipeline.pinned_names), and those of generated
    # code it is a derivative of, whose cells it shares
    held = pinned_globals(fn)
    compiled.__astgrad_pinned_globals__ = generated.pinned + tuple(
        n for n in generated.code.co_freevars if n in held and n not in generated.cells)
    guards = merged(guards_for(generated.dependencies, fn), generated.callee_guards, generated.function_guards)
    rules = generated.rules or RulesRead(generated.version, None)
    return Entry(compiled, guards, fn, rules, generated)


# -- generation -----------------------------------------------------------------------------

class _Recording:
    """One generation in progress on this thread, collecting its callees' guards and
    entries (``noted``; those asked for through ``derive``, with how: ``derived``), and the
    keyword-only parameters its mode announced (see ``Deferred``)."""
    __slots__ = ("fn", "key", "callee_guards", "keywords", "noted", "derived")

    def __init__(self, fn, key):
        self.fn = fn
        self.key = key
        self.callee_guards = []
        self.keywords = None
        self.noted = {}             # id(entry) -> entry
        self.derived = {}           # id(entry) -> Derived

    def callees(self):
        """The Derived records of every callee entry noted (in order), or None when one
        came from elsewhere (a gradient object made while generating)."""
        if any(key not in self.derived for key in self.noted):
            return None
        return tuple(self.derived[key] for key in self.noted)


_local = threading.local()      # .generating: this thread's _Recording stack


def _generating():
    stack = getattr(_local, "generating", None)
    if stack is None:
        stack = _local.generating = []
    return stack


def _note_callee(entry):
    """A derivative obtained while generating another: the caller depends on it too."""
    note_engine_use()       # a normalization that asked for it is not kept (prepared.py)
    note_read(entry.rules)  # and the rules it was made from are the caller's too
    stack = getattr(_local, "generating", None)
    if stack:
        stack[-1].callee_guards.extend(entry.guards)
        stack[-1].noted.setdefault(id(entry), entry)


def _note_derived(record):
    """The callee entry just noted was asked for through ``derive``, as ``record`` says."""
    stack = getattr(_local, "generating", None)
    if stack:
        stack[-1].derived.setdefault(id(record.entry), record)


def _recorded(fn, key, run):
    """``run()`` as the generation of ``fn``'s derivative ``key`` on this thread (so
    recursion is found and its callees' guards are collected): (its result, those guards,
    the callees' Derived records or None, see ``_Recording.callees``, and the entries of
    the rule table it looked up, a RulesRead)."""
    note_engine_use()
    stack = _generating()
    if any(recording.fn is fn and recording.key == key for recording in stack):
        raise RecursiveCall(fn)
    load_imported()     # an optional library's rules (SciPy): registered meanwhile, they would
    version = VERSION[0]    # leave what it looked up unknown (see RulesRead)
    recording = _Recording(fn, key)
    stack.append(recording)
    with _lock:
        _in_progress[(fn, key)] = recording
    try:
        with logging_lookups() as looked_up:
            made = run()
        return made, tuple(recording.callee_guards), recording.callees(), RulesRead(version, looked_up)
    finally:
        stack.remove(recording)
        with _lock:
            _in_progress.pop((fn, key), None)


def _pipeline():
    """The generation engine, imported when code is first generated: serving code made
    before (kept in memory or on disk) needs none of it, so ``import astgrad`` does not
    load it. Its modules live as long as the process: loaded with the collector paused,
    they join its oldest generation (``collector.paused``)."""
    if _engine:
        return _engine[0]
    with collector.paused(keeps=True):
        from . import pipeline
    _engine[:] = [pipeline]
    return pipeline


_engine = []        # the pipeline module, once imported


def _generate(fn, key):
    """Generate ``fn``'s derivative ``key`` (("reverse", wrt, preserve_result) or
    ("forward", wrt)) now, uncached."""
    generated, callee_guards, derived, rules = _recorded(fn, key, lambda: _pipeline().generate(fn, key, callees))
    return generated.replace(callee_guards=callee_guards, derived=derived, rules=rules,
                               function_guards=function_guards(generated.dependencies))


def _loaded(fn, key):
    """``fn``'s derivative ``key`` from the disk cache, or None: loaded under a recording of
    its own, which collects the guards of the callees' derivatives it calls. Which rules
    it was made from is not stored: it holds while the rule table's version is the same
    (after a registration it is loaded again)."""
    generated, callee_guards, _, _ = _recorded(fn, _LOADING + key,
                                               lambda: disk_cache.load(fn, key, derive=_derive_for_disk))
    if generated is None:
        return None
    return generated.replace(callee_guards=callee_guards, rules=RulesRead(generated.version, None),
                               function_guards=function_guards(generated.dependencies))


_LOADING = ("loading",)         # a recording's key while an entry is loaded


def generate_reverse(fn, wrt, preserve_result):
    """The compiled reverse-mode derivative of ``fn`` w.r.t. ``wrt`` (indices), uncached."""
    return _instantiate(_generate(fn, ("reverse", tuple(wrt), preserve_result)), fn).compiled


def generate_forward(fn, wrt):
    """The compiled forward-mode derivative of ``fn`` w.r.t. ``wrt`` (indices), uncached."""
    return _instantiate(_generate(fn, ("forward", tuple(wrt))), fn).compiled


# -- the caches -------------------------------------------------------------------------------

_cache = FunctionCache()        # function -> {key: Entry}, living as long as the function

# (file, code, globals, key) -> the Generated (or _CheckedSource) made for it, one per
# meaning of the names it depends on, the most recently used first, across redefinitions:
# re-running an identical notebook cell or reloading a module reuses the code generated
# (and the check made) the first time, and a name rebound to what it meant before (a
# global switched back to an earlier activation) reuses the code made for that meaning.
_by_source = collections.OrderedDict()
_BY_SOURCE_LIMIT = 512          # keys, the least recently used dropped first
_MEANINGS = 4                   # codes kept per key (each holds what its guards expect)

_lock = threading.Lock()        # guards the dicts below and the caches' updates; never held
_flights = {}                   # while generating or while user code runs.
_waiting = {}                   # thread id -> the flight key it waits for
_in_progress = {}               # (function, key) -> its _Recording, while it is generated


def clear():
    """Forget the derivatives generated so far (see ``astgrad.clear_cache``)."""
    with _lock:
        _cache.clear()
        _by_source.clear()
    prepared.clear()


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


def made_before(fn, key):
    """Whether ``fn``'s derivative ``key`` is at hand without generating it: cached here
    while its names mean the same (for ``fn`` or an equal function, see ``_shared_key``),
    or stored on disk by an earlier process (verified on load). Code under
    ``pipeline.PROVEN``'s key is made only after a proof about ``fn``
    (``specialize.GradientOnly``), for the same source and the same meanings of its names."""
    if _cached_entry(fn, key) is not None or _shared_entry(fn, key) is not None:
        return True
    loaded = _loaded(fn, key)
    if loaded is not None:
        _share(_shared_key(fn, key), loaded)        # for the generation asking for it next
    return loaded is not None


def _entry(fn, key):
    """``fn``'s current Entry for ``key``: the cached one while its guards hold, else a
    new one, generated once however many threads ask. Where another thread rebinds a
    name while the code is generated, the code is still made for one object (generation
    reads each name once, frontend/source.py) and runs for this call, as if the
    rebinding came after the call read the name; its guards then fail, and the next
    call follows the rebinding."""
    entry = _cached_entry(fn, key) or _consistent_entry(fn, key)     # (one that holds is consistent)
    _note_callee(entry)
    return entry


def _consistent_entry(fn, key):
    """An Entry made now (or by another thread meanwhile) whose guards expect one object
    at each place. One made while another thread rebound a name it depends on, with the
    name read as two objects (a callee's value code for one, its derivative for the
    other), would give the value of one function and the derivative of another; its
    guards never hold: it is made again."""
    for _ in range(_REMAKE_ATTEMPTS):
        entry = _generate_once(fn, key)
        place = contradiction(entry.guards)
        if place is None:
            return entry
    raise _rebound_at_every_generation(fn, place)


def _rebound_at_every_generation(fn, place):
    return TransformError(
        rebound_message(f"the derivative of {fn.__qualname__}", place,
                        f"{_REMAKE_ATTEMPTS} generations of its code", "derivative"),
        fn.__code__.co_filename, fn.__code__.co_firstlineno, construct="a name rebound by another thread")


def rebound_message(subject, place, during, derivative):
    """The refusal where another thread keeps rebinding a name (at ``place``) while code is
    made or vjp runs: ``subject`` (what could not be made), ``during`` (each of what), and
    the ``derivative`` that could not be made for the same functions as the value."""
    return (f"{subject}: a name it depends on ({place}) was rebound (by another thread) during each of {during}, "
            f"so its value and its {derivative} could not be made for the same functions. The function itself is "
            "not at fault: a call made while the name stays bound works. Rebind it from one thread at a time (a "
            "lock held around the rebinding and around the calls that use it), or pass the function as an argument")


_REMAKE_ATTEMPTS = 8    # generations while another thread keeps rebinding a name the code depends on


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
    return _once(fn, key, _build)


def _once(fn, key, build):
    """``fn``'s cached value for ``key`` while it holds, else ``build(fn, key)``, cached:
    built once however many threads ask (the others wait for it)."""
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
        entry = build(fn, key)
        with _lock:
            _cache.setdefault(fn, {})[key] = entry
        return entry
    finally:
        with _lock:
            del _flights[flight_key]
        flight.done.set()


def _shared_key(fn, key):
    code = fn.__code__
    # a method specialized for a receiver class resolves self.<name> on that class.
    # The globals are not kept alive for their id: a dict that reuses it after they are
    # freed gets the code only where every name it depended on means the same (the guards)
    # (and, where known, what its attributes hold), and a function made for the objects or
    # sequences it is given, which compiles to equal code, knows their kinds: object_layouts.py
    made_for = (tuple(sorted(getattr(fn, "__astgrad_layouts__", {}).items())),
                getattr(fn, "__astgrad_sequences__", None), getattr(fn, "__astgrad_holding__", None))
    return code.co_filename, code, id(fn.__globals__), key, receiver_of(fn), receiver_layout(fn), made_for


def _build(fn, key):
    """An Entry for ``fn``: from code generated for an equal function if its names mean
    the same now, else from newly generated code."""
    entry = _shared_entry(fn, key)
    if entry is not None:
        return _with_twin(entry, fn, key)
    shared = _shared_key(fn, key)
    generated = _loaded(fn, key)
    if generated is None:
        generated = _from_checked(fn, key) or _generate(fn, key)
        disk_cache.store(fn, key, generated)
    _share(shared, generated)
    return _with_twin(_instantiate(generated, fn), fn, key)


def _shared_entry(fn, key):
    """An Entry for ``fn`` running the code generated for an equal function (or for ``fn``
    before a rebinding), while the names it depends on mean the same; else None."""
    shared = _shared_key(fn, key)
    for generated in _shared(shared):
        if generated.rules is None or not generated.rules.unchanged():
            continue
        entry = _instantiate(generated, fn)
        if entry is not None and entry.holds(fn):
            _share(shared, generated)       # the most recently used first
            return entry
    return None


def _shared(shared):
    """What was made for functions equal to this one (``_shared_key``), the most recently
    used first: one per meaning of the names it depends on."""
    with _lock:
        return _by_source.get(shared, ())


def _share(shared, made):
    """Keep ``made`` for functions equal to this one (``_shared_key``), first among the
    meanings kept for them; the keys used most recently are the ones kept."""
    with _lock:
        kept = _by_source.get(shared, ())
        _by_source[shared] = (made,) + tuple(other for other in kept if other is not made)[:_MEANINGS - 1]
        _by_source.move_to_end(shared)
        while len(_by_source) > _BY_SOURCE_LIMIT:
            _by_source.popitem(last=False)


def guards_of(compiled):
    """The guards of the cached derivative running ``compiled`` (what its code and its
    callees' were generated under; for export, which checks them in the exported module),
    or None where no cached entry runs it. Looked up, not kept on ``compiled``: the guards
    hold the objects they compare, which the code must not keep alive."""
    with _lock:
        functions = [fn for fn in _cache if getattr(fn, "__globals__", None) is compiled.__globals__]
    for fn in functions:
        for entry in list((_cache.get(fn) or {}).values()):
            if isinstance(entry, Entry) and entry.compiled is compiled:
                return entry.guards
    return None


def _made_from(compiled):
    """The function whose cached derivative ``compiled`` is (its cache's key), or None."""
    known = _sources.get(compiled)
    if known is not None and known() is not None:
        return known()
    for fn in list(_cache):
        if any(isinstance(entry, Entry) and entry.compiled is compiled for entry in list((_cache.get(fn) or {}).values())):
            _sources[compiled] = weakref.ref(fn)
            return fn
    return None


_sources = weakref.WeakKeyDictionary()     # derivative code -> (a weak reference to) the function it differentiates


def mixed_with(ran, codes):
    """Where the generated code ``ran`` (a gradient's, as its call ran it) and the code the
    compiled ``codes`` (derivatives of that gradient; None ignored) differentiate expect
    different objects at one place (a name read meaning one object for the value and another
    for the derivative), else None; None also where one of them is no longer cached."""
    if _known_to_agree(ran, codes):
        return None
    made_from = [_made_from(code) for code in codes if code is not None]
    guards = [guards_of(fn) for fn in made_from if fn is not None]
    ran_guards = guards_of(ran)
    if ran_guards is None or None in guards:
        return None
    place = contradiction([guard for found in (ran_guards, *guards) for guard in found])
    if place is None:
        _agree(ran, codes)
    return place


def value_code(f, given=frozenset()):
    """``f``'s value code (``value_f``: its own code, holding the objects its guards check
    and calling its callees' value codes), or None where none can be made or where it
    writes into a copy of what it is given, which ``f`` writes into itself
    (modes/value_calls.py), other than of the parameters named in ``given``: those the
    caller passes copies of, whose own copies are as far from the caller's objects."""
    try:
        value = _entry(underlying(f), ("forward", (), VALUE_ONLY)).compiled
    except TransformError:
        return None
    copied = _copied.get(value, _UNKNOWN)
    if copied is _UNKNOWN:
        from .modes.value_calls import copied_parameters
        copied = _copied[value] = copied_parameters(value) if value.__name__.startswith("value_") else None
    return value if copied is not None and copied <= given else None


def checked_value_code(f):
    """``f``'s value code as made (it may write into copies of what it is given or
    reaches, so a caller may see values ``f`` leaves otherwise, as its derivatives' code
    sees them), or None: what a check run before ``f``'s own call runs for a callee
    (writes_checked_first.py)."""
    try:
        value = _entry(underlying(f), ("forward", (), VALUE_ONLY)).compiled
    except TransformError:
        return None
    return value if value.__name__.startswith("value_") else None


def write_checking_code(f):
    """``f``'s value code where it checks a write into an item an object holds
    (``written_items_apart``, which refuses one the object does not hold itself) and
    writes into a copy of it, as ``f``'s derivatives do; else None. Run before ``f`` runs
    itself, it refuses what they would refuse before anything changed (writes_checked_first.py)."""
    try:
        value = _entry(underlying(f), ("forward", (), VALUE_ONLY)).compiled
    except TransformError:
        return None
    source = getattr(value, "source", None) if value.__name__.startswith("value_") else None
    return value if source is not None and "written_items_apart(" in source else None


_UNKNOWN = object()
_copied = weakref.WeakKeyDictionary()     # value code -> the parameters it copies to write into, or None


# value code (or code a gradient ran) -> the codes found to agree with it last (weak references):
# vjp asks at each call
_agreeing = weakref.WeakKeyDictionary()


def disagreement(f, codes):
    """None where the compiled ``codes`` (derivatives of ``f`` cached now, the first the
    value code; None ignored) were made from one reading of the names they depend on, else
    where they disagree: a place one expects an object at and another a different one, or
    that one is no longer cached (made again since, for a rebinding)."""
    value, others = codes[0], codes[1:]
    if _known_to_agree(value, others):
        return None
    entries = {id(entry.compiled): entry for entry in list((_cache.get(underlying(f)) or {}).values())
               if isinstance(entry, Entry)}
    found = [entries.get(id(code)) for code in codes if code is not None]
    if None in found:
        return "its code, made again meanwhile"
    place = contradiction([guard for entry in found for guard in entry.guards])
    if place is None:
        _agree(value, others)
    return place


def _known_to_agree(code, others):
    """Whether ``code`` was found to agree with the codes ``others`` (an entry's guards
    never change: the same codes agree again)."""
    known = _agreeing.get(code)
    return known is not None and len(known) == len(others) and all(
        (ref is None and other is None) or (ref is not None and ref() is other) for ref, other in zip(known, others))


def _agree(code, others):
    _agreeing[code] = tuple(None if other is None else weakref.ref(other) for other in others)


# -- checked now, generated when needed --------------------------------------------------------

_CHECKED = ("checked",)         # the cache key of a _Checked starts with this


class _Checked:
    """A derivative checked but not generated yet (see ``check``): its name, whether the
    names it depends on still mean what they meant (``holds``, as an Entry's), and the
    front half of its generation until a generation uses it."""
    __slots__ = ("name", "rules", "holds", "front", "callee_guards", "derived")

    def __init__(self, name, guards, fn, rules, front=None, callee_guards=(), derived=()):
        self.name = name
        self.rules = rules          # the entries of the rule table the check looked up
        self.holds = Entry(None, guards, fn, rules).holds
        self.front = front
        self.callee_guards = callee_guards
        self.derived = derived      # the callees' Derived records (see _Recording.callees)


def check(fn, key):
    """Raise what generating ``fn``'s derivative ``key`` would raise, generating only the
    front half (``pipeline.front``), which the first generation for any argument kinds
    then finishes (``_from_checked``); returns the derivative's name. Checked once while
    the names it depends on mean the same, here or (disk cache) in an earlier process."""
    entry = _cached_entry(fn, key)
    if entry is not None:
        return entry.compiled.__name__
    return _once(fn, _CHECKED + key, _make_checked).name


class _CheckedSource:
    """What checking an equal function found (kept with the shared code in ``_by_source``):
    its derivative's name and what the check depended on."""
    __slots__ = ("name", "dependencies", "callee_guards", "rules")

    def __init__(self, name, dependencies, callee_guards, rules):
        self.name, self.dependencies = name, dependencies
        self.callee_guards, self.rules = callee_guards, rules


def _make_checked(fn, checked_key):
    """A _Checked for ``fn``: from the check of an equal function (a closure made by the
    same factory, a re-run cell) or of an earlier process while its names mean the same,
    else from a front half made now."""
    key = checked_key[len(_CHECKED):]
    shared = _shared_key(fn, checked_key)
    for known in _shared(shared):
        if not known.rules.unchanged():
            continue
        checked = _Checked(known.name, merged(guards_for(known.dependencies, fn), known.callee_guards),
                           fn, known.rules)
        if checked.holds(fn):
            _share(shared, known)
            return checked
    version = VERSION[0]
    found, callee_guards, _, _ = _recorded(fn, _LOADING + checked_key,
                                           lambda: disk_cache.load_checked(fn, key, derive=_derive_for_disk))
    if found is not None:
        name, dependencies, _ = found
        guards = merged(guards_for(dependencies, fn), callee_guards, function_guards(dependencies))
        return _Checked(name, guards, fn, RulesRead(version, None))     # (which rules: not stored)
    checked = _front_checked(fn, checked_key)
    front = checked.front
    disk_cache.store_checked(fn, key, front.name, front.dependencies, checked.derived)
    made = function_guards(front.dependencies)
    _share(shared, _CheckedSource(front.name, front.dependencies, checked.callee_guards + made, checked.rules))
    return checked


def _front_checked(fn, checked_key):
    """A _Checked for ``fn`` holding a front half made now (which raises what generating
    the derivative would raise)."""
    key = checked_key[len(_CHECKED):]
    # recorded under its own key: a generation of the same key may run at the same time
    front, callee_guards, derived, rules = _recorded(fn, checked_key, lambda: _pipeline().front(fn, key, callees))
    guards = merged(guards_for(front.dependencies, fn), callee_guards, function_guards(front.dependencies))
    return _Checked(front.name, guards, fn, rules, front, callee_guards, derived)


def _from_checked(fn, key):
    """``fn``'s derivative ``key`` generated from the front half ``check`` made (for the
    same key but for the argument kinds), or None where there is none to use."""
    general = without_kinds(key)
    # grad's version without the value (specialized: key has kinds) is finished from the
    # front half grad(f) checked, which is the code returning the value (its general code)
    with_value = general[:2] + (True,) + general[3:]
    candidates = [general] + ([with_value] if general[0] == "reverse" and general != key else [])
    with _lock:
        entries = _cache.get(fn)
        checked = None
        for candidate in candidates if entries is not None else ():
            checked = entries.get(_CHECKED + candidate)
            if checked is not None and checked.front is not None:
                break
        if checked is None or checked.front is None:
            return None
        front, checked.front = checked.front, None          # a front half is finished once
    if not checked.holds(fn):      # (the rules it looked up too: then they held for this version)
        return None
    version = checked.rules.version
    with logging_lookups() as looked_up:
        note_read(checked.rules)
        generated = _pipeline().back(front, key)
    return generated.replace(callee_guards=checked.callee_guards,      # holds: as at the check
                               derived=checked.derived, function_guards=function_guards(generated.dependencies),
                               rules=RulesRead(version, looked_up))


def checked_normalized(fn, key):
    """The normalized def of ``fn`` for a proof about the code generated next from its
    derivative ``key`` (grad's code with the value; see ``specialize._proven``): the one
    that checking ``key`` made and kept (see ``pipeline.Front.normalized``), handed out
    once while the names it depends on mean the same. Where that front half is gone
    (finished for other argument kinds, or the check came from the disk cache or from an
    equal function), a front half is made now and kept in its place: the generation
    that follows the proof finishes it, so the function is parsed and normalized once,
    not once for the proof and again for its code. None where there is none to give."""
    checked_key = _CHECKED + key
    with _lock:
        entries = _cache.get(fn)
        checked = entries.get(checked_key) if entries is not None else None
        front = checked.front if checked is not None else None
        normalized = front.normalized if front is not None else None
        if normalized is not None:
            front.normalized = None
    if normalized is not None and checked.holds(fn):
        return normalized
    checked = _front_checked(fn, checked_key)
    normalized, checked.front.normalized = checked.front.normalized, None
    with _lock:
        _cache.setdefault(fn, {})[checked_key] = checked
    return normalized


def _with_twin(entry, fn, key):
    """Plain code knows how to get its zero-safe twin, for ``run_derivative``."""
    if key[-1] != ZERO_SAFE:
        entry.compiled.__astgrad_zero_safe__ = _Twin(fn, key, written_places(entry.compiled))
    return entry


class _Twin:
    """Gets the zero-safe twin of ``fn``'s derivative ``key``. It refers to ``fn``
    weakly: the cache entry holding the plain code must not keep ``fn`` alive. ``places``:
    the globals and cells the plain code rebinds, set back before the twin runs."""
    __slots__ = ("function", "key", "places")

    def __init__(self, fn, key, places=()):
        self.function = weakref.ref(fn)
        self.key = key
        self.places = places

    def __call__(self):
        return _entry(zero_safe_source(self.function()), self.key + (ZERO_SAFE,)).compiled

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
        return _entry(zero_safe_source(fn), key + (ZERO_SAFE,)).compiled
    return _entry(fn, key).compiled


def derive(function, mode, wrt, zero_safe=False):
    """A callee's derivative, for the stages (see ``Callees``): never with the value. A
    derivative whose generation is waiting for this one (recursion, on this thread or
    through another) is a ``Deferred`` once its mode has announced its parameters."""
    fn, key = _callee_key(function, mode, wrt, zero_safe)
    try:
        entry = _entry(fn, key)
    except RecursiveCall as error:
        with _lock:
            recording = _in_progress.get((fn, key))
        if error.fn is not fn or recording is None or recording.keywords is None:
            raise
        return Deferred(fn, key, recording.keywords)
    _note_derived(Derived(function, mode, tuple(wrt), bool(zero_safe), entry, fn))
    return entry.compiled


def _callee_key(function, mode, wrt, zero_safe):
    """(the function a callee's derivative is generated from, its key)."""
    if mode == "gradient":          # grad's code for a call in other code: it checks the output
        key = ("reverse", tuple(wrt), CHECKED)
    elif mode == "value":           # the value code reverse mode's forward sweep calls
        key = ("forward", (), VALUE_ONLY)
    else:
        key = ("reverse", tuple(wrt), False) if mode == "reverse" else ("forward", tuple(wrt))
    fn = underlying(function)
    if zero_safe:
        fn, key = zero_safe_source(fn), key + (ZERO_SAFE,)
    return fn, key


def _derive_for_disk(function, mode, wrt, zero_safe):
    """A callee's derivative that code loaded from the disk cache calls, as it is now: its
    Derived record (see ``disk_callees.resolved``)."""
    fn, key = _callee_key(function, mode, wrt, zero_safe)
    record = Derived(function, mode, tuple(wrt), zero_safe, _entry(fn, key), fn)
    _note_derived(record)
    return record


def _announce(keywords):
    """The mode generating the innermost derivative fixed its keyword-only parameters."""
    stack = getattr(_local, "generating", None)
    if stack:
        stack[-1].keywords = tuple(keywords)


def _hold(guards):
    """The derivative being generated on this thread holds only while ``guards`` do."""
    stack = getattr(_local, "generating", None)
    if stack:
        stack[-1].callee_guards.extend(guards)


class Deferred:
    """A derivative called from its own code (recursion): generated code calls it by
    name, and it runs the derivative as cached when the call happens, which is after its
    generation has ended. It declares the derivative's keyword-only parameters (its
    seed, or its tangents), which its mode announced before generating the call."""
    __slots__ = ("function", "key", "__astgrad_keywords__", "__name__", "__qualname__", "__weakref__")

    def __init__(self, fn, key, keywords):
        self.function, self.key = fn, key
        self.__astgrad_keywords__ = keywords
        self.__name__ = ("grad_" if key[0] == "reverse" else "jvp_") + fn.__name__.replace("<lambda>", "lambda_")
        self.__qualname__ = self.__name__

    def __astgrad_function__(self):
        """The generated derivative (a function of its own, to transform again)."""
        return _entry(self.function, self.key).compiled

    def __call__(self, *args, **kwargs):
        return _entry(self.function, self.key).compiled(*args, **kwargs)

    def __deepcopy__(self, memo):
        return self

    def __repr__(self):
        return f"<astgrad derivative {self.__name__} of {self.function.__qualname__}, called recursively>"


def prepare(fn):
    """``fn`` parsed and normalized, for its generation or another's analysis (see
    ``Callees``): made once for the generations of one function (prepared.py)."""
    return prepared.prepared(fn, lambda: _pipeline().prepare(fn, callees))


def read_prepared(fn):
    """(source, normalized tree) of ``prepare(fn)`` for an analysis that only reads the
    code: the tree is not a copy, and must not be changed (see ``Callees``)."""
    return prepared.to_read(fn, lambda: _pipeline().prepare(fn, callees))


callees = Callees(derive, prepare, _announce, prepared.pristine, _hold, read_prepared)     # what the stages reach the engine through
object_operators.ENGINE.derive = derive       # operators on objects of classes found when the code runs

_NOT_YET = object()             # no function: a Current not generated yet


class Current:
    """The derivative ``key`` of ``f`` as ``f`` and its names are bound now: calling it
    returns the compiled function. Generated on construction (so errors surface at
    ``grad(f)``), or with ``checked=True`` only checked then (see ``check``) and
    generated at the first call; afterwards each call checks the guards (a few dict
    lookups) and a rebinding since the last call fetches or generates the code for the
    new meaning."""
    __slots__ = ("function", "key", "_plain", "_state", "_name")

    def __init__(self, f, key, checked=False):
        self.function = f
        self.key = key
        # a plain function is its own underlying function; anything else is asked each time,
        # but a partial's function is asked again only when its guards fail (bound.py)
        self._plain = f if getattr(f, "__astgrad_function__", None) is None else (
            underlying(f) if getattr(f, "__astgrad_guarded__", False) else None)
        self._state = (_NOT_YET, None, None)
        if checked:
            self._name = check(underlying(f), key)
        else:
            self._name = self._refresh().__name__

    @property
    def name(self):
        """The generated function's name (known without generating it)."""
        return self._name

    def __call__(self):
        fn, holds, compiled = self._state
        if fn is self._plain and holds(fn):
            return compiled
        return self._refresh()

    def _refresh(self):
        fn = self._plain
        if fn is not None and fn is not self.function:
            fn = self._plain = underlying(self.function)
        elif fn is None:
            fn = underlying(self.function)
            current, holds, compiled = self._state
            if current is fn and holds(fn):
                return compiled
        entry = _entry(fn, self.key)
        self._state = (fn, entry.holds, entry.compiled)
        return entry.compiled

    def held(self):
        """The compiled code while the names it depends on mean what they meant when it
        was made, without making any: None before the first call and after a rebinding."""
        fn, holds, compiled = self._state
        if fn is _NOT_YET or fn is not (self._plain or underlying(self.function)):
            return None
        return compiled if holds(fn) else None

    def snapshot(self):
        """``(fn, holds, compiled)``: while ``holds(fn)``, calling this returns
        ``compiled``; None for a function whose code is asked for at every call."""
        state = self._state
        return state if state[0] is self._plain else None

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

    def snapshot(self):
        return None
