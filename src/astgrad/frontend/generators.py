"""Generator helpers consumed whole, as functions returning the list of what they yield.

A helper that is a generator, called where all it yields is taken at once::

    def pairs(v, s):                        def pairs(v, s):
        for i in range(len(v) - 1):             items = []
            yield v[i] * v[i + 1] * s           for i in range(len(v) - 1):
                                                    items.append(v[i] * v[i + 1] * s)
    sum(pairs(x, w))                            return items

Python's semantics: ``sum``, ``list``, ``tuple``, ``sorted``, ``min`` and ``max`` take
every item before they return, and nothing else runs between two items, so running the
helper to its end first gives the same items in the same order (a generator that never
ends never ends either way). The call is made a call of the helper's twin above (a real
function, frontend/varargs.py ``compile_variant``: errors name the helper's own lines).
A ``for`` loop or a comprehension over it, and ``next``, take the items one at a time,
in turn with other code (frontend/generator_loops.py says where the twin is used there).
A helper whose ``yield`` is not a statement of its own (``x = yield v``, a value sent
in) has no such twin. One that returns before its end returns a copy of the list there
and at its end (the analysis cannot tell that no append follows an early return).
"""

import builtins
import functools
import inspect
import weakref

import gast

from ..core import syntax as S
from ..core.ops import is_user_function
from .collectors import _own_nodes, returning_new_list
from .varargs import compile_variant, has_varargs

CONSUMERS = (builtins.sum, builtins.list, builtins.tuple, builtins.sorted, builtins.min, builtins.max)
_twins = weakref.WeakKeyDictionary()        # generator helper -> its twin (None: it has none)
_bounded_twins = weakref.WeakKeyDictionary()    # generator helper -> {count: its bounded twin or None}


def consumed_generator(node, resolve, bind):
    """Call ``node`` of a consumer whose first argument is a call of a generator helper
    with a twin, as the same call of the twin (``resolve``: what a call's function is;
    ``bind``: the name a twin gets in the generated code); else ``node`` itself."""
    if not isinstance(node, gast.Call) or not node.args or not isinstance(node.args[0], gast.Call) \
            or not any(resolve(node) is c for c in CONSUMERS):
        return node
    inner = node.args[0]
    twin = list_twin(resolve(inner))
    if twin is None:
        return node
    call = gast.Call(func=S.name(bind(twin)), args=inner.args, keywords=inner.keywords)
    return gast.copy_location(gast.Call(func=node.func, args=[gast.copy_location(call, inner)] + node.args[1:],
                                        keywords=node.keywords), node)


def rewrite_consumed_generators(nodes, resolve, bind):
    """Every such call among ``nodes`` (a function's own scope) rewritten in place,
    before any construct's lowering reads it (``list(gen(x))`` as an assigned value,
    ``max(gen(x))``); whether any was."""
    changed = False
    for node in nodes:
        if isinstance(node, gast.Call) and node.args and isinstance(node.args[0], gast.Call):
            new = consumed_generator(node, resolve, bind)
            if new is not node:
                node.args[0] = new.args[0]
                changed = True
    return changed


def list_twin(fn):
    """The twin of generator helper ``fn`` returning the list of what it yields, or None."""
    if fn not in _twins:
        tree = generator_tree(fn)
        if tree is None or fn.__globals__.get("list", builtins.list) is not builtins.list:
            return None             # (a module naming something else list: an early return copies)
        _twins[fn] = compile_variant(fn, _listing_tree(tree), _listing_tree) if _has_twin(tree) else None
    return _twins[fn]


def bounded_twin(fn, count):
    """The twin of generator helper ``fn`` returning the list of its first ``count`` items
    (fewer where it ends first): it returns right after the ``count``-th ``yield``, where
    Python's generator, asked for ``count`` items by ``next``, stops running too (so a
    ``while True`` generator ends). None where ``fn`` has no list twin or has a
    ``yield from``."""
    twins = _bounded_twins.setdefault(fn, {})
    if count not in twins:
        tree = generator_tree(fn)
        plain = tree is not None and list_twin(fn) is not None \
            and fn.__globals__.get("len", builtins.len) is builtins.len \
            and not any(isinstance(n, gast.YieldFrom) for n in _own_nodes(tree.body))
        rewrite = functools.partial(_bounded_tree, count=count)
        twins[count] = compile_variant(fn, rewrite(tree), rewrite) if plain else None
    return twins[count]


def generator_tree(fn):
    """A copy of the syntax tree of ``fn``, a generator helper of the user's without
    ``*args``; None for anything else or a helper astgrad cannot read (refused where it is
    read)."""
    if not (inspect.isgeneratorfunction(fn) and is_user_function(fn)) or has_varargs(fn):
        return None
    from .source import parse_function
    try:
        return S.copy(parse_function(fn).tree)
    except Exception:       # noqa: BLE001 - refused where it is read
        return None


def returns_value(tree):
    """Whether the generator ``tree`` ends by ``return v`` with a value: Python hands it on
    as ``StopIteration.value``, which the twins, made of the items alone, would drop."""
    return any(isinstance(n, gast.Return) and n.value is not None
               and not (isinstance(n.value, gast.Constant) and n.value.value is None)
               for n in _own_nodes(tree.body))


def _has_twin(tree):
    """Whether every yield of the function is a statement ``yield v``/``yield from e``."""
    nodes = list(_own_nodes(tree.body))
    statements = {id(n.value) for n in nodes if isinstance(n, gast.Expr)}
    return all(id(n) in statements for n in nodes if isinstance(n, (gast.Yield, gast.YieldFrom)))


def _listing_tree(tree, count=None):
    """``yield v`` as ``items.append(v)``, ``yield from e`` as ``items.extend(e)``, every
    return returning ``items`` (a generator's return value goes to no consumer here);
    with a ``count``, each append followed by ``if len(items) >= count: return items``."""
    items = _fresh(tree, "items")
    appends = []
    for node in _own_nodes(tree.body):
        if isinstance(node, gast.Expr) and isinstance(node.value, (gast.Yield, gast.YieldFrom)):
            method = "append" if isinstance(node.value, gast.Yield) else "extend"
            value = node.value.value if node.value.value is not None else S.const(None)
            node.value = gast.copy_location(S.call(gast.Attribute(value=S.name(items), attr=method,
                                                                  ctx=gast.Load()), [value]), node.value)
            appends.append(node)
    if count is not None:
        _return_after(tree, appends, S.parse_stmts(f"if len({items}) >= {count}:\n    return {items}")[0])
    tree = returning_new_list(tree, items)
    returns = [n for n in _own_nodes(tree.body) if isinstance(n, gast.Return)]
    if len(returns) > 1:                        # an early return gives a copy: the analysis
        for node in returns:                    # cannot tell no append follows it
            node.value = gast.copy_location(S.call(S.name("list"), [S.name(items)]), node)
    return tree


def _bounded_tree(tree, count):
    return _listing_tree(tree, count)


def _return_after(tree, appends, check):
    """Each statement of ``appends`` followed by a copy of ``check``, at its line."""
    marked = {id(a) for a in appends}

    def spliced(block):
        out = []
        for stmt in block:
            out.append(stmt)
            if id(stmt) in marked:
                copy = S.copy(check)
                for sub in S.walk_nodes(copy):
                    if isinstance(sub, (gast.stmt, gast.expr)):
                        sub.lineno, sub.end_lineno = stmt.lineno, stmt.lineno
                        sub.col_offset, sub.end_col_offset = 0, 0
                out.append(copy)
        return out
    for node in list(_own_nodes(tree.body)):
        for _, value in gast.iter_fields(node):
            if isinstance(value, list) and value and isinstance(value[0], gast.stmt):
                value[:] = spliced(value)
    tree.body = spliced(tree.body)


def _fresh(tree, base):
    taken = S.names_in(tree)
    name, k = base, 1
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    return name
