"""The pipeline in one place: parse -> normalize -> transform -> optimize -> emit -> compile.

``generate(fn, key, callees)`` runs the stages once for one function, uncached, in two
halves: ``front`` (parse, normalize, transform: what depends on the source alone, and
where every refusal is raised) and ``back`` (optimize, emit, compile: what depends on
the kinds of the arguments, for code specialized to them). The caching module keeps a
front made when a gradient is created, so its first call only runs the back half. The
stages reach the engine only through ``callees`` (a callee's derivative, a function's
normalized code, the function's own included: prepared.py keeps it for the function's
next generation), which the caching module, above this one, hands in; caching,
guards and the zero-safe twin live there, not here.
"""

import bisect
import builtins
import itertools
import time
import types

import gast

from .backend.emit import (compile_closure, def_arguments, emitted_starts, line_origins, placeholder_lines, to_source,
                           top_statement_lines)
from .backend.held_attributes import hold_attributes
from .backend.read_once import read_globals_once
from .backend.namespace import Namespace
from .core import anno
from .core import collector
from .core import generated_text
from .core import ops
from .core import syntax as S
from .core.anno import Key
from .core.missing import MISSING
from .core.naming import Namer
from .errors import TransformError, UnresolvedName
from .frontend.normalize import Normalizer
from .frontend.normalize.outer_writes import rebound_globals
from .frontend.source import ScopeRoot, parsed_to_change, parses_shared
from .modes.reverse import ReverseMode
from .argument_kinds import from_key
from .rules import registry
from .rules.optional import load_imported
from .generation_records import (CHECKED, CHECKED_WITH_VALUE, PROVEN, TANGENT_ONLY, VALUE_ONLY, Derived,  # noqa: F401
                                 Generated, checks_output, returns_value)
from .zero_safe import ZERO_SAFE


def prepare(fn, callees):
    """Parse and normalize ``fn``: (source, normalized tree, namer, namespace)."""
    try:
        return _prepare(fn, callees)
    except TransformError as error:
        if getattr(fn, "__wrapped__", None) is not None:
            error.reason += (f" ({fn.__qualname__} is a decorator's wrapper, with __wrapped__: "
                             "astgrad differentiates the code the wrapper runs. Give the wrapper "
                             "the wrapped function's parameters, or differentiate the undecorated "
                             "function)")
            error.args = (error._format(),)
        raise


def _prepare(fn, callees):
    source = parsed_to_change(fn)                                   # parse
    source_names = S.names_in(source.tree)
    namer = Namer(source_names)
    normalizer = Normalizer(source, namer, callees)
    with parses_shared():           # the callees' sources, read by several of its questions
        normalized = normalizer.run()                               # normalize
    _mark_placeholders(fn, normalized)
    namespace = Namespace(namer, normalizer.bindings, source_names)
    _bind_free_names(source, normalized, namespace, source_names)
    return source, normalized, namer, namespace


def _mark_placeholders(fn, normalized):
    """In generated code (a derivative's derivative), mark the placeholders the code was
    generated with as the mode marks its own (``Key.INIT_NONE``): a value saved by a
    loop's first iteration and popped back, never read, which the shape analysis does not
    take for one of the name's values (``t = 0.0`` before ``t = np.exp(a)`` in the loop
    would leave ``t`` with no shape, and every ``unbroadcast`` its value reaches)."""
    lines = generated_text.placeholder_lines(fn.__code__)
    if not lines:
        return
    for stmt in normalized.body:
        if getattr(stmt, "lineno", None) in lines and isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Constant) \
                and type(stmt.value.value) is float:
            anno.set(stmt, Key.INIT_NONE, True)


def _bind_free_names(source, normalized, namespace, source_names):
    """Bind the names the normalized body reads but does not define, as they mean now."""
    args = normalized.args
    params = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    # the body only: default values are the function object's own, never re-evaluated
    loaded, stored = set(), set()
    for stmt in normalized.body:
        for node in S.name_nodes(stmt):
            if type(node.ctx) is gast.Load:
                loaded.add(node.id)
            elif type(node.ctx) is gast.Store:
                stored.add(node.id)
    local = params | stored | S.stored_names(normalized.args)
    for name in sorted(loaded - local - set(namespace.values)):
        if name not in source_names and hasattr(builtins, name):
            namespace.bind(name, getattr(builtins, name))   # introduced by normalization (range, len)
            continue
        value = source.resolve(name)
        if value is MISSING:
            raise UnresolvedName(f"'{name}' is not defined (yet); astgrad resolves the names a "
                                 "function uses when it generates its derivative", source.filename,
                                 source.first_line, construct=name)
        namespace.bind_user(name, value)


def generate(fn, key, callees):
    """Generate ``fn``'s derivative ``key`` (("reverse", wrt, preserve_result) or
    ("forward", wrt), optionally TANGENT_ONLY for forward code returning only the tangent,
    then the argument kinds of a specialized version (see argument_kinds.key_part), with
    ZERO_SAFE last for the zero-safe twin) now, uncached. The collector stays paused from
    the start of the one to the end of the other, when the trees are gone: resumed in
    between, its first collection walked all of them. What outlives the generation (the
    code, the parse and normalization kept for the next one) joins the oldest generation
    as the pause ends (``keeps``): left in the youngest, the first collection after the
    pause walked it all: up to a tenth of a long function's second derivative."""
    with collector.paused(keeps=True):
        return back(front(fn, key, callees), key)


class Front:
    """The first half of a generation: parse, normalize and the mode's transform, which
    depend on the source alone and raise every refusal. ``back`` finishes it for one
    kind of arguments (the optimize passes, emit, compile); it is finished once.
    (A plain class: making it a dataclass took 1.6% of the instructions of loading the engine.)"""
    __slots__ = ("mode", "tree", "source", "namespace", "label", "version", "freevars", "seconds", "normalized")

    def __init__(self, mode, tree, source, namespace, label, version, freevars, seconds, normalized=None):
        self.mode = mode            # the mode that transformed, which knows how to optimize
        self.tree = tree            # the derivative's def, not optimized yet
        self.source = source
        self.namespace = namespace
        self.label = label          # names the compiled code
        self.version = version      # the rule table's version
        self.freevars = freevars    # the user function's closure variables
        self.seconds = seconds
        # grad's front: the normalized def (never changed), for the first call's proof
        # that the output is a real number (then dropped)
        self.normalized = normalized

    @property
    def name(self):
        return self.tree.name

    @property
    def dependencies(self):
        return tuple(self.source.dependencies)


def pinned_names(front):
    """The user's global (or builtin) names whose meaning generation depended on, each
    bound to the object it was generated for: the code holds them as closure cells, so it
    calls the object its guards checked. Read live, another thread rebinding ``act``
    between the guard check and the line would have the code apply ``sin``'s rule to
    ``tanh``'s value. The guards still compare the globals at every call, so a rebinding
    before the call is followed as before."""
    source = front.source
    checked = {parts[0]: chain[0] for parts, chain in front.dependencies    # the last, as guards.py
               if not isinstance(parts[0], ScopeRoot) and chain and chain[0] is not MISSING}
    return {name: checked[name] for name in front.namespace.user_names
            if name in checked and name not in front.freevars and name not in source.closure
            and name not in source.scopes and _is_global(source.globals, name)}


def held_closure_names(front, tree, text):
    """The closure variables of the function whose meaning generation depended on and
    that the code (``tree``, emitted as ``text``) only calls (``act(x)``): the code holds
    them in cells of its own bound to the objects the guards check (caching._instantiate),
    as it holds globals (``pinned_names``). Shared with the function, a ``nonlocal act``
    rebound by another thread between the guard check and the line would mix two
    functions. One the code writes, or passes on as a value, stays the function's own cell."""
    checked = {parts[0] for parts, chain in front.dependencies
               if not isinstance(parts[0], ScopeRoot) and chain and chain[0] is not MISSING}
    candidates = checked & set(front.freevars) & set(front.source.closure)
    if not candidates:
        return ()
    # The text naming a name only right before "(" (a substring of any longer word
    # counts too) proves it only called: a name anywhere else (a value, a target, a
    # parameter) is followed by another character. A derivative's closure holds
    # astgrad's helpers, which the derivative of one calls all over a tree three times as
    # long as the function; only the others (a module the code reads, or a name in a
    # comment) are looked for in the tree: first where the text names them, then in order.
    left = {name for name in candidates if text.count(name) != text.count(name + "(")}
    only_called = candidates - left
    left = _not_read_where_written(tree, text, left) if left else left
    for node in S.child_nodes(tree):
        if not left:
            break
        left = S.only_called(node, left)
    return tuple(sorted(only_called | left))


def _not_read_where_written(tree, text, names):
    """``names`` less those read as values by the top-level statements of ``tree`` where
    the text first writes them other than before "(" (a few places each). Such a name is
    most often a module (``numpy.cos(a)``), in a derivative's derivative first read far
    down the tree: a walk from the top would look at every statement before. A place that
    proves nothing (a comment, a longer word) only leaves the name to that walk."""
    found = top_statement_lines(tree)
    if found is None:
        return names
    lines, statements = found
    for name in sorted(names):
        for position in itertools.islice(_written_not_called(text, name), 3):
            index = bisect.bisect_right(lines, text.count("\n", 0, position) + 1) - 1
            if index >= 0:
                names = S.only_called(statements[index], names)
            if name not in names:
                break
    return names


def _written_not_called(text, name):
    """Where ``text`` writes ``name`` as a word (not after a dot) not followed by "("."""
    position = text.find(name)
    while position >= 0:
        end = position + len(name)
        before, after = text[position - 1:position], text[end:end + 1]
        if not (before.isidentifier() or before.isdigit() or before == ".") \
                and not (after.isidentifier() or after.isdigit() or after == "("):
            yield position
        position = text.find(name, end)


def read_once_names(front, pinned):
    """The user's globals the code may read once, as the call starts
    (backend/read_once.py): read from the module (not held, not a closure variable), not
    a module, and that no user function the code reaches may rebind (Python's run would
    see the rebinding between two reads)."""
    source = front.source
    names = {name for name in front.namespace.user_names
             if name in source.globals and name not in pinned and name not in front.freevars
             and name not in source.closure and name not in source.scopes
             and not isinstance(source.globals[name], types.ModuleType)}
    if not names:
        return ()
    called = [source.fn] + [value.__func__ if isinstance(value, types.MethodType) else value
                            for value in front.namespace.values.values()]
    return tuple(sorted(names - rebound_globals(called, source.globals, names)))


def _is_global(scope, name):
    """Whether ``name`` is read as a global of ``scope`` (a global, else a builtin)."""
    return name in scope or (scope.get("__builtins__", builtins) in (builtins, vars(builtins))
                             and hasattr(builtins, name))


def front(fn, key, callees):
    """The first half of generating ``fn``'s derivative ``key`` (its argument kinds, if
    any, play no part): raises what generating it would raise. The front half of
    ``grad``'s code with the value keeps the normalized def as parse and normalization
    made it (``Front.normalized``)."""
    with collector.paused(keeps=True):
        return _front(fn, key, callees)


def _front(fn, key, callees):
    started = time.perf_counter()
    load_imported()     # an optional library's rules (SciPy) change the version: register them first
    version = registry.VERSION[0]
    source, normalized, namer, namespace = callees.prepare(fn)      # parse, normalize (or a copy kept)
    keep = key[0] == "reverse" and key[2] is True and len(key) == 3
    # the tree the parse and normalization kept (read only, by the proof), or a copy
    # made before the transform changes ``normalized``
    pristine = callees.pristine(fn)     # the tree ``normalized`` is a copy of, if kept
    kept = (pristine or S.copy(normalized)) if keep else None
    if key[0] == "reverse":
        mode = ReverseMode(source, normalized, key[1], namer, namespace, returns_value(key), callees=callees)
        label = f"grad of {fn.__qualname__}"
    else:
        from .modes.forward import ForwardMode      # loaded when forward code is first made
        mode = ForwardMode(source, normalized, key[1], namer, namespace, callees=callees,
                           tangent_only=TANGENT_ONLY in key[2:], value_only=VALUE_ONLY in key[2:])
        label = f"jvp of {fn.__qualname__}"
    mode.zero_safe = key[-1] == ZERO_SAFE
    mode.pristine = pristine
    tree = mode.transform()                                         # transform
    mode.describe = ops.Descriptions()      # of the transformed statements, asked no more: not kept
    for name in sorted(namespace.used_user_names):
        source.resolve_path([name])         # astgrad's own code uses this user name too
    return Front(mode, tree, source, namespace, label, version, fn.__code__.co_freevars,
                 time.perf_counter() - started, kept)


def back(front, key):
    """The Generated code of ``front`` for the argument kinds in ``key`` (none: the
    general code). ``front`` is used up: what it held, and the trees made from it, are
    freed before the collector resumes (alive then, its first collection walked them all)."""
    with collector.paused():
        try:
            return _back(front, key)
        finally:
            front.mode = front.normalized = None


def _back(front, key):
    started = time.perf_counter()
    if key[0] == "reverse" and not returns_value(key):
        front.mode.drop_value(front.tree)       # a front half made for the code with the value
    if key[0] == "reverse" and checks_output(key):
        front.mode.check_output(front.tree, from_key(key) or {})
    if key[-1] == ZERO_SAFE:
        from .analysis.purity import without_reports     # (loaded by the first zero-safe twin)
        front.tree.body = without_reports(front.tree.body)     # the plain run printed once already
    tree = front.mode.finish(front.tree, from_key(key))          # optimize
    front.tree = None
    pinned = pinned_names(front)
    held = hold_attributes(tree, front.dependencies, pinned, front.mode.namer)
    read_globals_once(tree, read_once_names(front, pinned), front.mode.namer)     # first, before held's comment
    text = to_source(tree)                                      # emit
    held_closure = held_closure_names(front, tree, text)
    starts = emitted_starts(tree, text)
    origins = front.source.origins(line_origins(tree, starts))
    placeholders = placeholder_lines(tree, starts)
    function_name = tree.name
    # all the tree had to tell is read: freed (and the mode's), not held while compiling
    # the text builds a syntax tree of its own as large
    tree = front.mode = None
    bindings = front.namespace.bindings() | pinned | held
    code = compile_closure(text, function_name, set(bindings) | set(front.freevars), front.label)  # compile
    generated_text.register_origins(code.co_filename, origins)
    generated_text.register_placeholders(code.co_filename, placeholders)
    cells = {name: types.CellType(bindings[name]) for name in code.co_freevars if name in bindings}
    return Generated(code, def_arguments(text), function_name, text, cells, front.dependencies, front.version,
                     front.seconds + time.perf_counter() - started, origins=origins,
                     placeholders=placeholders, pinned=tuple(n for n in code.co_freevars if n in pinned),
                     held_closure=tuple(n for n in held_closure if n in code.co_freevars))
