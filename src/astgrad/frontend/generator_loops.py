"""Generator helpers taken one item at a time: a ``for`` loop or a comprehension over
``gen(x)`` (also inside ``enumerate``/``zip``), and ``next(gen(x))``.

A loop runs the generator in turn with its body: item 1, body, item 2, body, ... Running
the generator to its end first (its list twin, frontend/generators.py) gives the same
items, and the body the same values, where neither side changes what the other reads:
the generator writes nothing but its own local names (no write into an argument or an
attribute, no append to a list it was given, no ``global``, no printing, no random draws,
no call of a helper that does any of this), and the loop body writes into nothing the
generator was given (nor into an item it yielded, which may be a view of it), and runs
to the generator's end (no ``break`` or ``return``: Python would stop the generator
early, so building its whole list would run code that Python does not, which may never
end). Where that holds the loop iterates over the twin's list; elsewhere it is refused,
naming the line and what it would change. A generator taken by ``next`` in a function
that names what it catches (``except StopIteration as e``) must also return no value:
``return v`` is read past its end as ``e.value``, which its items do not carry.

``next(gen(x))`` takes the first item and leaves the generator: the helper's first
twin returns at its first ``yield`` and raises StopIteration where the generator ends,
which is Python's ``next``, whatever the helper does (a ``try/finally`` or a ``with``
block, which would close only when the abandoned generator is collected, has no twin).
"""

import builtins
import inspect
import weakref

import gast
import numpy

from ..core import syntax as S
from ..core.ops import is_user_function
from .collectors import _own_nodes
from .varargs import compile_variant
from ..core.first_use import imported_when_called

# modules only some functions need, loaded with the first call of these (core/first_use.py)
bounded_twin = imported_when_called("astgrad.frontend.generators", "bounded_twin")
generator_tree = imported_when_called("astgrad.frontend.generators", "generator_tree")
list_twin = imported_when_called("astgrad.frontend.generators", "list_twin")
returns_value = imported_when_called("astgrad.frontend.generators", "returns_value")

_MUTATORS = {"append", "extend", "insert", "pop", "popitem", "remove", "clear", "update", "setdefault",
             "sort", "reverse", "fill", "put", "resize", "itemset", "send", "throw", "close", "write",
             "add", "discard", "__setitem__", "__delitem__", "__iadd__", "__imul__"}
_EFFECTS = {builtins.print, builtins.input, builtins.open, builtins.next, builtins.setattr, builtins.delattr,
            builtins.exec, builtins.eval}
_WRITERS = {"copyto", "put", "place", "putmask", "fill_diagonal", "put_along_axis"}
_READERS = {name for kind in (numpy.ndarray, dict, list, tuple, str, frozenset) for name in dir(kind)} - _MUTATORS
_first_twins = weakref.WeakKeyDictionary()      # generator helper -> its first twin (None: none)


def generator_helper(node, resolve):
    """The generator helper ``node`` (an expression) calls, or None."""
    if not isinstance(node, gast.Call):
        return None
    fn = resolve(node)
    return fn if inspect.isgeneratorfunction(fn) and is_user_function(fn) else None


def iterated_calls(iterable, resolve):
    """The calls of generator helpers a loop over ``iterable`` takes one item at a time:
    ``gen(x)`` itself, or the arguments of ``enumerate(...)``/``zip(...)`` that are ones."""
    if generator_helper(iterable, resolve) is not None:
        return [iterable]
    if isinstance(iterable, gast.Call) and any(resolve(iterable) is b for b in (builtins.enumerate, builtins.zip)):
        return [a for a in iterable.args if generator_helper(a, resolve) is not None]
    return []


def generator_effect(fn, depth=0):
    """What ``fn`` (a generator helper, or a function it calls) changes outside its own
    local names, as words for an error, or None where it changes nothing."""
    from .source import parse_function
    try:
        source = parse_function(fn)
    except Exception:       # noqa: BLE001 - a helper astgrad cannot read: assume it writes
        return f"{fn.__qualname__}, whose source astgrad cannot read"
    tree = source.tree
    params = {a.id if isinstance(a, gast.Name) else a.arg for a in tree.args.args + tree.args.kwonlyargs}
    shared = _tainted(tree.body, params)
    for node in _own_nodes(tree.body):
        what = _write_of(node, shared, local_only=True) or _effect_call(fn, node, depth) \
            or _method_of_argument(node, shared)
        if what:
            return f"{what} in {fn.__qualname__} ({located(source, node)})"
    return None


def located(source, node):
    """``file.py:LINE: `the line``` of ``node`` in ``source`` (a FunctionSource)."""
    text = (source.line_text(node) or "").split("  #")[0].strip()
    return f"{source.filename.rsplit('/', 1)[-1]}:{source.file_line(node)}: {text}"


def consumer_conflict(body, arguments, targets, tree, resolve, source):
    """Why the loop ``body`` (statements or expressions) cannot run after the generator
    given ``arguments`` has yielded all its items (the loop's ``targets`` get them), or None."""
    for node in _loop_own(body):
        if isinstance(node, (gast.Break, gast.Return)):
            return (f"the loop may stop before the generator ends ({located(source, node)}), and "
                    "building all its items would run code Python does not run")
    return changes_what_it_reads(body, arguments, targets, tree, resolve, source)


def changes_what_it_reads(body, arguments, targets, tree, resolve, source, made_by=None):
    """Why ``body`` may change what a generator given ``arguments`` reads between its
    items (or an item it yielded, bound to ``targets``), in words; else None
    (``made_by``: the call making the generator, which hands them to it)."""
    if any(isinstance(n, gast.Global) for n in _own_nodes(tree.body)):
        return "the function declares a global, which the generator may read between its items"
    shared = _tainted(tree.body, {n for a in arguments for n in S.names_in(a)} | set(targets))
    for node in [n for stmt in body for n in _own_nodes([stmt])]:
        what = _write_of(node, shared) or (node is not made_by and _handed_on(node, shared, resolve))
        if what:
            return f"the loop body changes what the generator reads ({what}, at {located(source, node)})"
    return None


def rewrite_iterated_generators(tree, nodes, resolve, bind, refuse, source):
    """Every loop or comprehension among ``nodes`` (``tree``'s own) taking a generator
    helper's items one at a time made a loop over its list twin, and ``next(gen(x))`` a
    call of its first twin; ``refuse(reason, node)``: the error where that cannot be
    done. Whether any was rewritten."""
    changed = False
    for node in nodes:
        if isinstance(node, gast.For):
            changed |= _iterate_twin(node, node.iter, node.body, tree, resolve, bind, refuse, source)
        elif isinstance(node, (gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)):
            parts = [node.key, node.value] if isinstance(node, gast.DictComp) else [node.elt]
            for gen in node.generators:
                parts += gen.ifs
            for gen in node.generators:
                changed |= _iterate_twin(gen, gen.iter, parts, tree, resolve, bind, refuse, source)
        elif isinstance(node, gast.Call) and len(node.args) == 1 and not node.keywords \
                and resolve(node) is builtins.next and generator_helper(node.args[0], resolve):
            fn = resolve(node.args[0])
            twin = first_twin(fn)
            if twin is None:
                raise refuse(f"next() of the generator {fn.__qualname__}, which receives sent values or "
                             "leaves a try/finally or with block open until it is collected", node)
            node.func, node.args, node.keywords = S.name(bind(twin)), node.args[0].args, node.args[0].keywords
            changed = True
    return changed


def _iterate_twin(loop, iterable, body, tree, resolve, bind, refuse, source):
    calls = iterated_calls(iterable, resolve)
    for call in calls:
        fn = resolve(call)
        twin = list_twin(fn)
        why = "it receives sent values (x = yield v)" if twin is None else generator_effect(fn)
        why = why or _stopped_by_zip(iterable, fn, resolve) or consumer_conflict(body, call.args + [k.value for k in call.keywords],
                                       S.names_in(loop.target), tree, resolve, source)
        if why:
            raise refuse(f"the generator {fn.__qualname__} taken one item at a time here: {why}", call)
        call.func = S.name(bind(twin))
    return bool(calls)


def _stopped_by_zip(iterable, fn, resolve):
    """Why a generator that never ends, zipped with other iterables, has no list: zip
    stops taking its items at the end of the shortest, and its list would have no end
    (None where that is not so)."""
    if not (isinstance(iterable, gast.Call) and resolve(iterable) is builtins.zip and len(iterable.args) > 1):
        return None
    if any(_never_ends(n) for n in _own_nodes(generator_tree(fn).body)):
        return ("zip stops taking its items at the end of the shortest iterable, and it never ends "
                "(a while True loop it cannot leave); take as many items as needed with next()")
    return None


def _never_ends(node):
    """Whether ``node`` is ``while True:`` (a constant true test) whose body has no
    ``break`` of its own, ``return`` or ``raise``."""
    if not (isinstance(node, gast.While) and isinstance(node.test, gast.Constant) and node.test.value):
        return False
    pending = list(node.body)
    while pending:
        stmt = pending.pop()
        if isinstance(stmt, (gast.Return, gast.Raise, gast.Break)):
            return False
        if isinstance(stmt, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            continue
        for child in gast.iter_child_nodes(stmt):
            if isinstance(child, gast.stmt) and not (isinstance(stmt, (gast.For, gast.While)) and
                                                     isinstance(child, gast.Break)):
                pending.append(child)
    return True


def advanced_generators(tree, nodes, resolve, bind, source, only_advanced):
    """``g = gen(x)`` bound once and read only by ``next(g)`` (``only_advanced(name)``)
    made ``g = iter(twin(x))``, which normalize/explicit_iterators.py follows as the list
    of the items read from a position moving on, where nothing in the function changes
    what the generator reads. A generator with a ``while`` loop (whose items may never
    end, as Python's generator taken item by item need not) is made the twin building
    only as many items as the function takes, where it calls ``next(g)`` a number of
    times the code shows (each in a statement of its own body's top level, evaluated
    once); whether any was."""
    changed = False
    for node in nodes:
        if not (isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name)
                and generator_helper(node.value, resolve) and only_advanced(node.targets[0].id)):
            continue
        fn, call = resolve(node.value), node.value
        twin, tree_of_fn = list_twin(fn), generator_tree(fn)
        if twin is not None and any(isinstance(n, gast.While) for n in _own_nodes(tree_of_fn.body)):
            count = _next_count(tree, node.targets[0].id, resolve)
            twin = None if count is None else bounded_twin(fn, count)
        if twin is None or generator_effect(fn) or returns_value(tree_of_fn) and _binds_caught_exception(tree) \
                or changes_what_it_reads(tree.body, call.args + [k.value for k in call.keywords], (), tree, resolve,
                                         source, made_by=call):
            continue
        call.func = S.name(bind(twin))
        node.value = gast.copy_location(gast.Call(func=S.name("iter"), args=[call], keywords=[]), call)
        changed = True
    return changed


def _binds_caught_exception(tree):
    """Whether ``tree`` names an exception it catches (``except E as e``), which may read
    the value of a generator's StopIteration."""
    return any(isinstance(n, gast.ExceptHandler) and n.name is not None for n in gast.walk(tree))


def _next_count(tree, name, resolve):
    """How many times the function calls ``next(name)``, where each call is in a simple
    statement of its body's top level (not under a conditional expression, ``and``/``or``,
    a comprehension or a lambda) before any top-level ``return`` or ``raise``; else None."""
    count = 0
    for stmt in tree.body:
        calls = [n for n in S.walk_nodes(stmt) if _is_next_of(n, name, resolve)]
        if calls:
            if not isinstance(stmt, (gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Expr, gast.Return)):
                return None
            guarded = {id(c) for n in S.walk_nodes(stmt)
                       if isinstance(n, (gast.IfExp, gast.BoolOp, gast.Lambda, gast.ListComp, gast.SetComp,
                                         gast.DictComp, gast.GeneratorExp))
                       for c in S.walk_nodes(n) if _is_next_of(c, name, resolve)}
            if guarded:
                return None
            count += len(calls)
        if isinstance(stmt, (gast.Return, gast.Raise)):
            break
    return count or None


def _is_next_of(node, name, resolve):
    return isinstance(node, gast.Call) and node.args and isinstance(node.args[0], gast.Name) \
        and node.args[0].id == name and resolve(node) is builtins.next


def first_twin(fn):
    """The twin of generator helper ``fn`` returning its first item and raising
    StopIteration where it ends, or None."""
    if fn not in _first_twins:
        tree = generator_tree(fn)
        if tree is None:
            return None
        nodes = list(_own_nodes(tree.body))
        plain = list_twin(fn) is not None and not any(isinstance(n, (gast.Try, gast.With)) for n in nodes)
        _first_twins[fn] = compile_variant(fn, _first_tree(tree), _first_tree) if plain else None
    return _first_twins[fn]


def _first_tree(tree):
    """``yield v`` as ``return v``, ``yield from e`` as a loop returning e's first item,
    every ``return`` and the end as ``raise StopIteration``; ``return v`` as
    ``raise StopIteration(v)``, Python's ``StopIteration.value``."""
    for node in list(_own_nodes(tree.body)):
        for field, value in gast.iter_fields(node):
            if isinstance(value, list):
                value[:] = [new for stmt in value for new in _first_statement(stmt)]
    tree.body = [new for stmt in tree.body for new in _first_statement(stmt)]
    if not isinstance(tree.body[-1], gast.Raise):
        tree.body += _first_statement(gast.Return(value=None), getattr(tree.body[-1], "lineno", tree.lineno))
    return tree


def _first_statement(stmt, line=None):
    line = line or getattr(stmt, "lineno", 1)
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Yield):
        new = [gast.Return(value=stmt.value.value if stmt.value.value is not None else S.const(None))]
    elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.YieldFrom):
        new = S.parse_stmts("for astgrad_first in __E__:\n    return astgrad_first")
        new[0].iter = stmt.value.value
    elif isinstance(stmt, gast.Return):
        new = S.parse_stmts("raise StopIteration")
        if stmt.value is not None:
            new[0].exc = gast.Call(func=new[0].exc, args=[stmt.value], keywords=[])
    else:
        return [stmt]
    for node in new:
        for sub in S.walk_nodes(node):
            if isinstance(sub, (gast.stmt, gast.expr)):
                sub.lineno, sub.end_lineno = line, line
                sub.col_offset, sub.end_col_offset = 0, 0
    return new


def _tainted(body, names):
    """``names`` and every name bound from an expression that reads one of them."""
    names, changed = set(names), True
    while changed:
        changed = False
        for node in _own_nodes(body):
            if isinstance(node, (gast.Assign, gast.For, gast.comprehension, gast.NamedExpr, gast.With)):
                source = node.value if isinstance(node, (gast.Assign, gast.NamedExpr)) else \
                    node.iter if not isinstance(node, gast.With) else gast.Tuple(elts=[i.context_expr for i in node.items], ctx=gast.Load())
                if S.names_in(source) & names:
                    bound = S.names_in(gast.Tuple(elts=node.targets, ctx=gast.Load())) if isinstance(node, gast.Assign) \
                        else S.names_in(node.target) if not isinstance(node, gast.With) \
                        else {n for i in node.items if i.optional_vars is not None for n in S.names_in(i.optional_vars)}
                    changed |= bool(bound - names)
                    names |= bound
    return names


def _base(node):
    while isinstance(node, (gast.Subscript, gast.Attribute, gast.Starred)):
        node = node.value
    return node.id if isinstance(node, gast.Name) else None


def _write_of(node, shared, local_only=False):
    """The write ``node`` makes into memory a name of ``shared`` may hold, in words
    (``local_only``: also any write into a subscript or an attribute, a ``global``)."""
    if isinstance(node, (gast.Subscript, gast.Attribute)) and isinstance(node.ctx, (gast.Store, gast.Del)) \
            and (local_only or _base(node) in shared):
        return f"a write into {_base(node) or 'a value'}"
    if isinstance(node, gast.AugAssign) and _base(node.target) in shared:
        return f"an in-place {_base(node.target)} op= ..."
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr in _MUTATORS \
            and (_base(node.func.value) in shared or (local_only and _base(node.func.value) is None)):
        return f".{node.func.attr}() on {_base(node.func.value) or 'a value'}"
    if isinstance(node, gast.Call) and any(k.arg == "out" for k in node.keywords):
        return "a call writing into out="
    if local_only and isinstance(node, (gast.Global, gast.Nonlocal)):
        return f"a {type(node).__name__.lower()} statement"
    return None


def _effect_call(fn, node, depth):
    """The effect of call ``node`` in helper ``fn`` outside its local names, or None."""
    if not isinstance(node, gast.Call):
        return None
    callee = _resolve_in(fn, node.func)
    if any(callee is e for e in _EFFECTS):
        return f"a call of {callee.__name__}"
    module = getattr(callee, "__module__", None) or ""
    if module.startswith(("numpy.random", "random")) or getattr(callee, "__name__", None) in _WRITERS:
        return f"a call of {getattr(callee, '__name__', 'a function')}, which changes state"
    if is_user_function(callee) and callee is not fn:
        inner = generator_effect(callee, depth + 1) if depth < 3 else f"{callee.__qualname__}, nested deeply"
        return inner and f"a call of {callee.__qualname__}: {inner}"
    return None


def _method_of_argument(node, shared):
    """A call of a method on a value the function was given, other than the methods of
    arrays, dicts, lists, tuples and strings that only read (a method of the object's
    class, which may change it), in words; else None."""
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and _base(node.func.value) in shared \
            and node.func.attr not in _READERS:
        return f"a call of .{node.func.attr}() on {_base(node.func.value)}, which may change it"
    return None


def _resolve_in(fn, node):
    """What the dotted name ``node`` means in ``fn`` (globals, closure, builtins), or None."""
    path = S.dotted_path(node)
    if not path:
        return None
    scope = {**vars(builtins), **fn.__globals__, **inspect.getclosurevars(fn).nonlocals}
    value = scope.get(path[0])
    for part in path[1:]:
        value = getattr(value, part, None)
    return value


def _handed_on(node, shared, resolve):
    """A call in the loop body handing a name of ``shared`` to a helper of the user's
    that may write into it (one that changes anything outside its own local names), in
    words; else None."""
    if not isinstance(node, gast.Call):
        return None
    fn = resolve(node)
    if is_user_function(fn) and any(_base(a) in shared for a in node.args + [k.value for k in node.keywords]):
        effect = generator_effect(fn)
        return effect and f"{fn.__qualname__} given what the generator reads: {effect}"
    return None


def _loop_own(body):
    """The statements of a loop's body, not those of loops nested in it (a break there
    ends the inner loop) nor of functions defined in it."""
    todo = list(body)
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, (gast.For, gast.While)):
            todo.extend(n for n in S.walk_nodes(node) if isinstance(n, gast.Return))
        elif not isinstance(node, (gast.FunctionDef, gast.Lambda, gast.ClassDef, gast.expr)):
            todo.extend(gast.iter_child_nodes(node))
