"""Writes of the differentiated function to variables outside it: ``global COUNTER;
COUNTER += 1`` (a module global) and ``nonlocal total; total = x * x`` (a closure cell
of the function that defined it), also by a helper it calls.

Inside the generated code such a name is one local variable under a fresh name, read
from the global (or the cell) when the code starts; each statement binding it is
followed by a call writing the new value out (``runtime.store_global`` or
``store_nonlocal``). So the generated code rebinds the global as calling the function
does, once per call of a gradient (whose primal code runs once), and a differentiated
value written out and read back, by the function or by a helper, differentiates through
the local variable. A helper writing a global of this module (or calling one that does)
is inlined, so its writes are the function's own: its ``global N`` becomes a
``nonlocal`` of the local variable. A helper differentiated on its own that reads the
variable would take it as a constant: that is refused.
"""

import dis
import functools
import sys
import types

import gast

from ... import runtime
from ...core import syntax as S
from .refusals import _Line
from .scopes import binding_counts, declared, local_names, own_nodes, rename_locals

_FUNCTIONS = (gast.FunctionDef, gast.Lambda)
_ADVICE = "pass the value in as an argument and return the new value"


def writes_outer(fn, module):
    """Whether a function rebinds a global of ``module`` (a globals dict), itself or
    through a function it calls."""
    return any(g.__globals__ is module and _own_outer_writes(g) & set(g.__code__.co_names)
               for g in _reachable(fn))


def written_globals(fn):
    """The globals of ``fn``'s module that ``fn``, or a function of that module it reaches,
    rebinds with a global statement (``global K; K = ...``)."""
    return frozenset(name for g in _reachable(fn) if g.__globals__ is fn.__globals__
                     for name in _own_outer_writes(g) & set(g.__code__.co_names))


def rebound_globals(functions, module, names):
    """Of ``names``, globals of ``module`` (a globals dict), those that the functions
    among ``functions``, or the user functions they reach (also through a module of the
    user's: ``othermod.helper``), may rebind: ``global K; K = ...`` in a function of
    ``module``, ``.K = ...`` on any object (``mod.K = v`` from another module), and all of
    them where one may write through ``globals()``, ``vars()``, ``setattr`` or ``__dict__``."""
    names = set(names)
    found = set()
    for g in _reachable(*functions, modules=True):
        if g.__globals__ is module:
            found |= _own_outer_writes(g) & names
        stored, through_names = _attribute_writes_of(g.__code__)
        if through_names:
            return names
        found |= stored & names
    return found


_BY_NAME = frozenset({"globals", "vars", "setattr", "delattr", "__dict__", "__setattr__"})
_LIBRARIES = frozenset({"builtins", "numpy", "scipy", "astgrad", *getattr(sys, "stdlib_module_names", ())})


@functools.lru_cache(maxsize=4096)
def _attribute_writes_of(code):
    """(the attribute names ``code`` and the code nested in it store or delete, whether
    it names a way to write any global by its name: ``globals()``, ``setattr``, ...)."""
    stored = frozenset(ins.argval for inner in _codes(code) for ins in dis.get_instructions(inner)
                       if ins.opname in ("STORE_ATTR", "DELETE_ATTR"))
    return stored, bool(_BY_NAME & _code_names(code))


def _codes(code):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _own_outer_writes(fn):
    return _outer_writes_of(fn.__code__)


@functools.lru_cache(maxsize=4096)
def _outer_writes_of(code):
    """The globals and free variables ``code`` rebinds (read off its instructions, once)."""
    if _WRITES.isdisjoint(code.co_code[0::2]):
        # the bytecode's even bytes are its operation codes: none writes such a name (most
        # code), known without decoding every instruction (which took milliseconds)
        return frozenset()
    return frozenset(ins.argval for ins in dis.get_instructions(code)
                     if ins.opname in ("STORE_GLOBAL", "DELETE_GLOBAL")
                     or ins.opname in ("STORE_DEREF", "DELETE_DEREF") and ins.argval in code.co_freevars)


_WRITES = frozenset(dis.opmap[name] for name in ("STORE_GLOBAL", "DELETE_GLOBAL", "STORE_DEREF", "DELETE_DEREF"))


def _reachable(*fns, modules=False):
    """``fns`` and the Python functions they reach through their globals and closure
    cells; with ``modules``, also through the attributes of the user's modules they hold
    (``othermod.helper``), leaving out the libraries' functions."""
    seen, stack = {}, list(fns)
    while stack:
        function = stack.pop()
        if not isinstance(function, types.FunctionType) or id(function) in seen \
                or modules and _library(getattr(function, "__module__", None)):
            continue
        seen[id(function)] = function
        stack.extend(c.cell_contents for c in function.__closure__ or () if _filled(c))
        names = _code_names(function.__code__)
        values = [function.__globals__.get(n) for n in names]
        stack.extend(values)
        if modules:
            stack.extend(getattr(value, n, None) for value in values if isinstance(value, types.ModuleType)
                         and not _library(value.__name__) for n in names)
    return list(seen.values())


def _library(module):
    return isinstance(module, str) and module.partition(".")[0] in _LIBRARIES


def lower_outer_writes(normalizer, tree, nodes=None):
    """Rewrite ``tree`` (the differentiated def) so the globals it and the helpers it
    reaches write, and the closure cells it writes, are local variables written out
    after each binding (see the module doc); ``normalizer.outer`` maps each to its local.
    ``nodes``: ``tree``'s nodes, if at hand. Whether it rewrote ``tree``."""
    fn = normalizer.source.fn
    kinds, nonlocals = _declared_writes(tree, nodes)
    helpers = {name for g in _reachable(fn)[1:] if g.__globals__ is fn.__globals__
               for name in _own_outer_writes(g) & set(g.__code__.co_names)}
    kinds.update({name: runtime.store_global for name in helpers})
    kinds.update({name: runtime.store_nonlocal for name in nonlocals})
    normalizer.outer = {}
    if not kinds:
        return False
    nested = _nested_defs(tree)
    normalizer.namer.taken |= set(kinds)        # the outer names keep their meaning
    mapping = {name: normalizer.namer.fresh(name) for name in sorted(kinds)}
    for name in sorted(kinds):
        _check(normalizer, tree, name, kinds[name])
    for d in nested:        # a local function's global N: the enclosing local variable
        names = set(kinds) & declared(d, gast.Global)
        if names:
            _drop_declarations(d, names)
            d.body.insert(0, gast.Nonlocal(names=sorted(names)))
    _drop_declarations(tree, set(kinds))
    rename_locals(tree, mapping)        # the names, also where a local function reads or declares them
    normalizer.outer = {name: (mapping[name], kind) for name, kind in kinds.items()}
    for d in [tree] + nested:
        d.body = _written_out(normalizer, d.body)
    read = S.name(normalizer.bind(runtime.outer_value))
    first = {name for name in kinds if name in helpers or _read_first(tree.body, mapping[name])}
    tree.body = [S.assign(mapping[name], S.call(S.copy(read), [S.name(name)]), line=getattr(tree, "lineno", None))
                 for name in sorted(first)] + tree.body
    normalizer.locals = (normalizer.locals - set(kinds)) | set(mapping.values())
    normalizer.bound_count = binding_counts([tree])
    return True


def spoken_outer_name(normalizer, local):
    """How the user calls the local variable ``local`` in a message: ``"the global 'y'"``
    where it stands for a global (or a closure cell) the function rebinds, else None."""
    for name, (mine, kind) in getattr(normalizer, "outer", {}).items():
        if mine == local:
            return f"the {_what(kind)} '{name}'"
    return None


def lower_inlined_writes(normalizer, tree, local):
    """``tree``, a copy of ``local`` (a helper about to be inlined), with its writes of
    the differentiated function's globals made writes of their local variables (a
    ``nonlocal`` of each, written out after each binding). A helper of another module, or
    one writing a closure cell of its own, is refused."""
    outer = getattr(normalizer, "outer", {})
    names = _global_writes(tree)
    if not names:
        _rename_free(normalizer, tree, {n: outer[n][0] for n in S.names_in(tree) - local_names(tree) if n in outer})
        return          # it reads the variable as it is now
    unknown = sorted(n for n in names if n not in outer)
    if local.origin is None or local.origin.__globals__ is not normalizer.source.globals or unknown:
        raise normalizer._refuse(f"the helper {local.label} rebinding the global '{min(names)}' (of another "
                                 "module, or reached in a way astgrad does not follow)", _Line(normalizer.line),
                                 _ADVICE)
    mapping = {n: outer[n][0] for n in S.names_in(tree) - (local_names(tree) - names) if n in outer}
    _drop_declarations(tree, names)
    tree.body.insert(0, gast.Nonlocal(names=sorted(mapping[n] for n in names)))
    _rename_free(normalizer, tree, mapping)
    tree.body = _written_out(normalizer, tree.body)


def _declared_writes(tree, nodes=None):
    """({global: store_global} for the globals ``tree`` or a def in it declares and
    writes, the names ``tree`` declares nonlocal). One look at its nodes (walked here
    where ``nodes`` is None) finds whether any ``global`` or ``nonlocal`` statement is
    there at all: most functions have none."""
    if _DECLARATIONS.isdisjoint(map(type, S.operand_nodes(tree) if nodes is None else nodes)):
        return {}, set()
    kinds = {name: runtime.store_global for d in [tree] + _nested_defs(tree) for name in _global_writes(d)}
    return kinds, declared(tree, gast.Nonlocal)


_DECLARATIONS = frozenset({gast.Global, gast.Nonlocal})


def _nested_defs(tree):
    return [n for n in S.walk_nodes(tree) if isinstance(n, gast.FunctionDef) and n is not tree]


def _global_writes(tree):
    names = declared(tree, gast.Global)
    if not names:
        return names
    written = {n.id if isinstance(n, gast.Name) else n.name for n in own_nodes(tree)
               if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store) or isinstance(n, gast.FunctionDef)}
    return names & written


def _rename_free(normalizer, tree, mapping):
    """Rename ``tree``'s reads of outer names to their local variables, except the cell a
    ``store_nonlocal`` call reads (its third argument), which stays the outer name."""
    stores = {name for name, value in normalizer.bindings.items() if value is runtime.store_nonlocal}
    cells = {id(call.args[2]) for call in S.call_nodes(tree) if len(call.args) == 3
             and isinstance(call.func, gast.Name) and call.func.id in stores}
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Name) and node.id in mapping and id(node) not in cells:
            node.id = mapping[node.id]


def _check(normalizer, tree, name, kind):
    """Refuse what the local variable cannot stand for: ``del``, a helper differentiated
    on its own reading it."""
    for node in own_nodes(tree):
        if isinstance(node, gast.Delete) and any(isinstance(t, gast.Name) and t.id == name for t in node.targets):
            raise normalizer._refuse(f"del of the {_what(kind)} '{name}'", node, _ADVICE)
    reader = _helper_reading(normalizer, tree, name, kind)
    if reader is not None:
        raise normalizer._refuse(
            f"the {_what(kind)} '{name}', which the function rebinds and the helper {reader[1]} reads (its "
            "derivative would take the value as a constant)", reader[0], _ADVICE + ", or pass it to the helper")


def _what(kind):
    return "global" if kind is runtime.store_global else "nonlocal variable"


def _helper_reading(normalizer, tree, name, kind):
    """(the node naming it, its name) for a function this code calls that reads ``name``
    (the global, or ``tree``'s closure cell), itself or through the functions it reaches,
    and is not inlined (inlined helpers are those writing outer variables)."""
    fn = normalizer.source.fn
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    cell = cells.get(name) if kind is runtime.store_nonlocal else None
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and node.id not in normalizer.locals:
            value = normalizer.source.closure.get(node.id, fn.__globals__.get(node.id))
            if isinstance(value, types.FunctionType) and any(
                    _reads(g, name, cell, fn.__globals__) for g in _reachable(value)):
                return node, node.id
    return None


def _reads(function, name, cell, module):
    if cell is not None:
        return any(c is cell for c in function.__closure__ or ())
    return function.__globals__ is module and name in _code_names(function.__code__) \
        and not writes_outer(function, module)        # one that does is inlined


def _code_names(code):
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _filled(cell):
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def _drop_declarations(tree, names):
    for node in own_nodes(tree):
        if isinstance(node, (gast.Global, gast.Nonlocal)):
            node.names = [n for n in node.names if n not in names]
    tree.body = _without_empty(tree.body)


def _without_empty(block):
    kept = []
    for stmt in block:
        if isinstance(stmt, (gast.Global, gast.Nonlocal)) and not stmt.names:
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and not isinstance(stmt, _FUNCTIONS):
                setattr(stmt, field, _without_empty(inner) or [gast.Pass()])
        kept.append(stmt)
    return kept


def _written_out(normalizer, block):
    """``block`` with each statement binding one of the outer variables' locals followed
    by the call writing it out (a loop's or with's target: at the start of its body)."""
    stores = {local: (name, kind) for name, (local, kind) in normalizer.outer.items()}
    out = []
    for stmt in block:
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and not isinstance(stmt, _FUNCTIONS):
                setattr(stmt, field, _written_out(normalizer, inner))
        for handler in getattr(stmt, "handlers", None) or []:
            handler.body = _written_out(normalizer, handler.body)
        bound = sorted(_header_bindings(stmt) & set(stores))
        if isinstance(stmt, (gast.If, gast.While)) and bound:
            name, kind = stores[bound[0]]
            raise normalizer._refuse(f"a := in a test binding the {_what(kind)} '{name}'", stmt, _ADVICE)
        writes = [_store(normalizer, stores[n], n, stmt) for n in bound]
        if isinstance(stmt, (gast.For, gast.With)):
            stmt.body = writes + stmt.body
            writes = []
        out.append(stmt)
        out.extend(writes)
    return out


def _header_bindings(stmt):
    """The names a statement binds itself, not in the blocks it holds (nor in the
    functions it defines: a def binds its own name)."""
    if isinstance(stmt, gast.FunctionDef):
        return {stmt.name}
    fields = ("target", "iter", "test", "items") if hasattr(stmt, "body") else None
    stack = [getattr(stmt, f) for f in fields if getattr(stmt, f, None) is not None] if fields else [stmt]
    names = set()
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            names.add(node.id)
        elif not isinstance(node, gast.Lambda):
            stack.extend(S.child_nodes(node))
    return names


def _store(normalizer, outer, local, stmt):
    name, kind = outer
    args = [S.const(name), S.name(local)] + ([S.name(name)] if kind is runtime.store_nonlocal else [])
    return S.expr_stmt(S.call(S.name(normalizer.bind(kind)), args), line=getattr(stmt, "lineno", None))


def _read_first(block, name):
    """Whether ``name`` may be read before the first statement of ``block`` that binds it
    without reading it (an assignment of a value not mentioning it, at the top level)."""
    for stmt in block:
        if name not in S.names_in(stmt):
            continue
        return not (isinstance(stmt, gast.Assign) and name not in S.names_in(stmt.value)
                    and all(isinstance(t, gast.Name) for t in stmt.targets))
    return False
