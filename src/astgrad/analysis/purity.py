"""Which user functions give a different result when run twice with the same arguments.

Reverse mode differentiates a call ``y = helper(x)`` by calling helper's generated
gradient in the reverse sweep, which runs helper's forward code again. That is right
only if the second run computes what the first did. A call that reads and advances
hidden state breaks this: the global NumPy generator (``numpy.random.randn``), a
``RandomState`` or ``Generator``, the ``random``, ``time`` and ``secrets`` modules, and
a method call on an object whose class is unknown when the code is generated (it may
be a generator, or change the object). A generator the function makes from a fixed
seed (``rng = numpy.random.default_rng(0)``) gives the same numbers in every run: its
draws are constants, as Python computes them; so are the draws of the global generator
after ``numpy.random.seed(0)``, a statement of the function's top level before them.
``first_impure_call`` finds such a call in
a function or, transitively, in the user functions it calls.
"""

import sys
import threading
import weakref

import gast
import numpy

from ..core import anno
from ..core import walk
from ..core.anno import Key
from ..core.functions import underlying
from ..core.missing import MISSING
from ..core.ops import is_user_function
from ..errors import TransformError
from ..core import syntax as S
from . import seeds

# Modules whose functions read or advance state the caller cannot see.
_STATEFUL_MODULES = ("numpy.random", "random", "time", "secrets")

# Methods of built-in containers and arrays: what they do to their object, the in-place
# analysis (analysis/mutation.py) already follows.
_KNOWN_METHODS = frozenset(name for kind in (dict, list, tuple, set, str, bytes, numpy.ndarray)
                           for name in dir(kind) if not name.startswith("_"))


class ImpureCall:
    """Where a call with a changing result is: the callee chain leading to it, the
    source it is in, its node, and what it calls."""

    def __init__(self, chain, source, node, what):
        self.chain = chain          # [helper, helper's callee, ...] down to the function holding it
        self.source = source
        self.node = node
        self.what = what

    def where(self):
        line = (self.source.line_text(self.node) or "").strip()
        return f"{self.source.filename}:{self.source.file_line(self.node)}: {line}"


def _in_stateful_module(obj):
    module = getattr(obj, "__module__", None) or ""
    return any(module == m or module.startswith(m + ".") for m in _STATEFUL_MODULES)


def stateful_argument(arguments):
    """The first ``(name, value)`` of ``arguments`` (name -> value) whose value, or an
    item of a list, tuple or dict it is, is an object of a class of a module whose calls
    read hidden state (a NumPy ``Generator`` or ``RandomState``, a ``random.Random``); else
    None."""
    for name, value in arguments.items():
        items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else ()
        for held in (value, *items):
            if not isinstance(held, type) and _in_stateful_module(type(held)):
                return name, held
    return None


def _stateful_target(target):
    """A description of ``target`` when calling it reads hidden state, else None. Only
    the stateful modules the program has imported are looked in: none of their functions
    is held before (importing ``numpy.random`` and ``secrets`` to compare, with hashlib,
    took about 10 ms of a first gradient of a function calling helpers)."""
    name = getattr(target, "__name__", None) or "function"
    for module in filter(None, map(sys.modules.get, ("numpy.random", "random", "secrets", "time"))):
        try:
            if getattr(module, name, None) == target:
                return f"{module.__name__}.{name}"
        except (TypeError, ValueError):
            pass
    owner = getattr(target, "__self__", None)
    if owner is not None and not isinstance(owner, type) and _in_stateful_module(type(owner)):
        return f"the method {name} of a {type(owner).__name__}"
    if _in_stateful_module(target):
        return f"{getattr(target, '__module__', '')}.{getattr(target, '__qualname__', name)}"
    return None


_cache = weakref.WeakKeyDictionary()


class _Visiting(threading.local):
    """The functions this thread's search is inside (another thread's search of the same
    function is no answer here: it has not finished)."""

    def __init__(self):
        self.functions = []


_visiting = _Visiting()


def clear():
    """Forget what was found about the functions analysed so far."""
    _cache.clear()


def first_impure_call(fn, read, fixed=frozenset()):
    """The first ImpureCall in user function ``fn`` or the user functions it calls, or
    None. ``read(fn)`` gives its normalized code to read (source, tree: see ``Callees.read``);
    ``fixed``: the parameters given an int written in the code, which may seed a
    generator (analysis/seeds.py)."""
    return guarded_impure_call(fn, read, fixed)[0]


def guarded_impure_call(fn, read, fixed=frozenset()):
    """(first_impure_call's answer, the guards ``(globals, name, value)`` it holds
    under: the global names its code and its callees' read). An answer found
    before is kept while each module constant it took for a fixed seed (``SEED = 0``,
    there or in a callee) is the object it was: rebound (``SEED = None``), it is found
    again, as Python's next run would draw."""
    fn = underlying(fn)
    cached = _cache.get(fn)
    if cached is not None and cached[0] is fn.__code__ and fixed in cached[1]:
        found, kept = cached[1][fixed]
        guards = _strong_guards(kept)
        if guards is not None:
            return found, guards
    if fn in _visiting.functions:     # recursion: refused where it is differentiated
        return None, ()
    _visiting.functions.append(fn)
    guards = []
    try:
        found = _search(fn, read, fixed, guards)
    finally:
        _visiting.functions.remove(fn)
    answer = (found, tuple(guards))
    kept = _weak_guards(answer[1])
    try:
        if kept is not None:
            known = cached[1] if cached is not None and cached[0] is fn.__code__ else {}
            _cache[fn] = (fn.__code__, {**known, fixed: (found, kept)})
    except (TypeError, AttributeError):
        pass
    return answer


_PLAIN_VALUES = (int, float, complex, str, bytes, bool, type(None))


def _weak_guards(guards):
    """``guards`` as the cache keeps them: each module and value held weakly, so that a
    cached answer keeps no module (nor the function it is keyed by) alive. None where a
    guard's globals are not a module's (code run by exec): then nothing is cached."""
    kept = []
    for mapping, name, value in guards:
        module = sys.modules.get(mapping.get("__name__", ""))
        if module is None or vars(module) is not mapping:
            return None
        kept.append((weakref.ref(module), name, _weak_value(value)))
    return tuple(kept)


def _weak_value(value):
    if isinstance(value, _PLAIN_VALUES):
        return ("value", value)
    try:
        return ("ref", weakref.ref(value))
    except TypeError:
        return ("id", id(value))        # a list or dict: known by identity while it lives


def _strong_guards(kept):
    """The guards ``_weak_guards`` kept, as ``(globals, name, value)``, if each global
    still holds the object it held (else None: the answer is found again)."""
    guards = []
    for module_ref, name, (kind, held) in kept:
        module = module_ref()
        if module is None:
            return None
        value = vars(module).get(name, MISSING)
        same = (value is held if kind == "value" else value is held() if kind == "ref" else id(value) == held)
        if not same:
            return None
        guards.append((vars(module), name, value))
    return tuple(guards)


def seed_guards(guards):
    """Of ``guards``, those on a global holding an int: each may be a seed an accepted
    answer took for fixed (rebound to None, the draws change from run to run)."""
    return tuple(guard for guard in guards if type(guard[2]) is int)


def _seed_guards(source, tree, bound):
    """(globals, name, value) for each global name ``tree`` (whose bindings ``bound``
    counts) reads: any may be a seed, given to a generator's maker, to an ``__init__`` or
    to a callee, whose value decided the answer (an int is fixed, None is not). (An
    inlined callee's globals were read when the code was made: its scope.)"""
    names = S.loaded_names(tree) - set(bound) - set(source.scopes) - set(source.closure)
    return [(source.globals, name, source.globals[name]) for name in sorted(names) if name in source.globals]


def _search(fn, read, fixed, guards):
    """The first ImpureCall in ``fn``; adds to ``guards`` the seed constants the answer
    relies on, its own and its callees'."""
    try:
        source, tree = read(fn)
    except TransformError:
        return None             # the callee's own derivative reports what is wrong with it
    name = getattr(fn, "__qualname__", getattr(fn, "__name__", "helper"))
    bound = seeds.bindings(tree)
    calls = list(_calls(tree.body))
    if not any(map(_may_change, calls)):
        # no call reads hidden state or reaches a user function: the answer is None
        # whatever the seeds are, so they are not looked for (most helpers draw nothing)
        guards.extend(_seed_guards(source, tree, bound))
        return None
    literals = seeds.fixed_locals(tree, bound)      # seed_1 = 0 (found once: each question below asks it)
    copies = seeds.int_copies(tree, source, bound, literals)
    fixed = frozenset(p for p in fixed if bound.get(p) == 1)        # (a parameter bound again is not)
    fixed |= copies         # SEED_1 = SEED, seed_1 = SEED_1
    constants = seeds.constant_seeds(tree, source, bound)       # default_rng(SEED), SEED = 0 in the module
    guards.extend(_seed_guards(source, tree, bound))
    seeded = seeds.seeded_generators(tree, fixed, constants, bound, literals)
    int_names = seeds.int_names(tree, source, bound, literals, copies)
    seeded |= seeds.held_seeded_generators(tree, source, read, seeded, bound, int_names)
    fixed |= literals | constants
    global_seeded = False       # past numpy.random.seed(0) at the top level: the global draws repeat
    for stmt, node in calls:
        target = anno.get(node, Key.TARGET)
        method = anno.get(node, Key.METHOD)
        if seeds.seeds(node, fixed) or method not in (None, "seed", "set_state") \
                and isinstance(node.func, gast.Attribute) and isinstance(node.func.value, gast.Name) \
                and node.func.value.id in seeded:
            continue            # draws of a generator made here from a fixed seed (not seeded again): the same each run
        if seeds.is_numpy_random(target, "seed") and seeds.is_int_literal(seeds.seed_argument(node)) \
                and any(stmt is top for top in tree.body):
            global_seeded = True
            continue
        # mtrand._rand: the generator numpy.random.randn, normal, ... draw from, which
        # seed(0) starts again (read only here: import astgrad does not import numpy.random)
        if global_seeded and getattr(target, "__self__", None) is numpy.random.mtrand._rand:
            continue
        if target is not None:
            what = _stateful_target(target)
            if what is not None and not (what.startswith("time.") and only_reported(tree, stmt)):
                return ImpureCall([name], source, stmt, what)
            if is_user_function(target) and hasattr(underlying(target), "__code__"):
                inner, inner_guards = guarded_impure_call(target, read, seeds.fixed_parameters(node, target, int_names))
                guards.extend(inner_guards)
                if inner is not None:
                    return ImpureCall([name] + inner.chain, inner.source, inner.node, inner.what)
        elif method is not None and method not in _KNOWN_METHODS:
            return ImpureCall([name], source, stmt, f"the method .{method}() of an object whose "
                              "class astgrad does not know (a random generator, or an object "
                              "the call may change)")
    return None


def only_reported(tree, stmt):
    """Whether what ``stmt`` binds (a clock read: ``start = time.perf_counter()``) and
    every value computed from it only reach ``print``, ``logging`` and ``warnings``: the
    function's result and its branches are the same in every run (a helper timing
    itself), though its report is not."""
    if _is_report(stmt):
        return True
    if not isinstance(stmt, gast.Assign) or not all(isinstance(t, gast.Name) for t in stmt.targets):
        return False
    reached = set(S.stored_names(stmt))
    statements = list(walk.walk_statements(tree.body))
    grown = True
    while grown:            # a loop may carry the value back to an earlier statement
        grown = False
        for inner in statements:
            if isinstance(inner, gast.Assign) and S.loaded_names(inner.value) & reached:
                if not all(isinstance(t, gast.Name) for t in inner.targets):
                    return False        # stored into an object or container, which may outlive the call
                new = S.stored_names(inner) - reached
                reached |= new
                grown = grown or bool(new)
    for inner in statements:
        if isinstance(inner, gast.Assign) or _is_report(inner) or not S.loaded_names(inner) & reached:
            continue
        if isinstance(inner, gast.Expr) or _header_reads(inner) & reached:
            return False        # handed to a call, returned, or choosing a branch
    return True


def without_reports(body):
    """``body`` without the statements that only report values (``_is_report``): what the
    zero-safe twin runs after the plain code, which has printed, logged and warned once
    already, as one call of the function does."""
    def kept(block):
        left = [stmt for stmt in block if not _is_report(stmt)]
        return left if left or not block else [gast.Pass()]
    return walk.rewrite_each_block(body, kept)


def _is_report(stmt):
    """Whether ``stmt`` is a call that reports values and returns None: print, logging, warnings."""
    import builtins
    if not isinstance(stmt, gast.Expr) or not isinstance(stmt.value, gast.Call):
        return False
    target = anno.get(stmt.value, Key.TARGET)
    target = getattr(target, "__func__", target)
    module = getattr(target, "__module__", None) or ""
    return target is builtins.print or module in ("logging", "warnings", "_warnings")


def _header_reads(stmt):
    """The names a compound statement reads in its header (an if's test, a loop's iterable)."""
    blocks = [id(block) for block in walk.inner_blocks(stmt)]
    return {name for _, value in gast.iter_fields(stmt) if id(value) not in blocks
            for part in (value if isinstance(value, list) else [value]) if isinstance(part, gast.AST)
            for name in S.loaded_names(part)}


def _may_change(found):
    """Whether the call of ``found`` (statement, call) may be what ``_search`` reports or
    searches further: one reading hidden state, a user function's, or a method of an
    object whose class astgrad does not know. Every other call ``_search`` passes over,
    whatever the seeds."""
    node = found[1]
    target = anno.get(node, Key.TARGET)
    if target is None:
        method = anno.get(node, Key.METHOD)
        return method is not None and method not in _KNOWN_METHODS
    return _stateful_target(target) is not None or is_user_function(target)


def _calls(body):
    """(statement, call) for each call in ``body``; a compound statement owns only the
    calls in its header (its test or iterable), not those in its blocks."""
    for stmt in walk.walk_statements(body):
        blocks = [id(block) for block in walk.inner_blocks(stmt)]
        for _, value in gast.iter_fields(stmt):
            if id(value) in blocks:
                continue
            for part in value if isinstance(value, list) else [value]:
                if isinstance(part, gast.AST):
                    for node in S.operand_nodes(part):
                        if isinstance(node, gast.Call):
                            yield stmt, node
