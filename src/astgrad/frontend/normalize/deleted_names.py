"""``del name`` unbinds ``name``: a later read raises (UnboundLocalError, or NameError
in a function that closes over it). The generated code binds each name once and keeps
it, so such a read would see the old value; this finds one that may happen, on any path,
for the normalizer to refuse. The analysis walks the statements in order, keeping the
names a ``del`` may have unbound: a binding removes the name, branches join, loops run
to a fixed point, ``break`` joins the loop's exit and ``continue`` its head. A local
function or lambda reading a name the function deletes may run after the ``del``, so it
counts as a read wherever it is."""

import gast

from ...core import syntax as S

_SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)


def read_after_del(function):
    """``(node, name, kind)``: a read of ``name`` (kind ``"read"``) or a ``del`` of it
    (``"del"``) that may find it unbound, in ``function`` or a function nested in it, or
    a ``del`` of a global or nonlocal name (``"outer"``); None if there is none."""
    deleted = {t.id for node in S.walk_nodes(function) if isinstance(node, gast.Delete)
               for t in _deleted_names(node)}
    if not deleted:
        return None
    scan = _Scan(deleted)
    for node in S.walk_nodes(function):
        if isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef)):
            scan.function(node)
    return scan.found


def _deleted_names(stmt):
    todo, names = list(stmt.targets), []
    while todo:
        target = todo.pop()
        if isinstance(target, (gast.Tuple, gast.List)):
            todo.extend(target.elts)
        elif isinstance(target, gast.Name):
            names.append(target)
    return names


class _Scan:
    def __init__(self, deleted):
        self.deleted = deleted
        self.found = None
        self.loops = []                     # per enclosing loop: [break states, continue states]

    def function(self, node):
        own = {t.id for stmt in _own_statements(node.body) if isinstance(stmt, gast.Delete)
               for t in _deleted_names(stmt)}
        outer = {name for stmt in _own_statements(node.body) if isinstance(stmt, (gast.Global, gast.Nonlocal))
                 for name in stmt.names}
        for stmt in _own_statements(node.body):
            if isinstance(stmt, gast.Delete):
                for target in _deleted_names(stmt):
                    if target.id in outer:
                        self.report(target, "outer")
        own -= outer
        if not own:
            return
        self.block(node.body, own - _locals(node))      # deleted, never bound: the del itself raises
        for stmt in node.body:
            self.closure(stmt, own)

    def closure(self, node, own):
        """Reads of ``own`` names by a local function, lambda or class under ``node``,
        wherever it stands: it may run after the ``del``."""
        if isinstance(node, _SCOPES):
            for name in _names_of_scope(node):
                if isinstance(name.ctx, gast.Load) and name.id in own:
                    self.report(name)
            return
        for child in gast.iter_child_nodes(node):
            self.closure(child, own)

    def report(self, node, kind=None):
        if self.found is None:
            self.found = (node, node.id, kind or ("del" if isinstance(node.ctx, gast.Del) else "read"))

    def reads(self, node, state):
        if state:
            for name in _names_of(node):
                if name.id in state and isinstance(name.ctx, (gast.Load, gast.Del)):
                    self.report(name)

    def block(self, stmts, state):
        """The names maybe unbound after ``stmts`` (None: no path gets there)."""
        for stmt in stmts:
            if state is None:
                return None
            state = self.statement(stmt, state)
        return state

    def statement(self, stmt, state):
        if isinstance(stmt, gast.Delete):
            self.reads(stmt, state)
            return state | {t.id for t in _deleted_names(stmt)}
        if isinstance(stmt, (gast.Return, gast.Raise)):
            self.reads(stmt, state)
            return None
        if isinstance(stmt, (gast.Break, gast.Continue)):
            if self.loops:
                self.loops[-1][isinstance(stmt, gast.Continue)].append(state)
            return None
        if isinstance(stmt, gast.If):
            self.reads(stmt.test, state)
            return _join(self.block(stmt.body, state), self.block(stmt.orelse, state))
        if isinstance(stmt, (gast.For, gast.AsyncFor, gast.While)):
            return self.loop(stmt, state)
        if isinstance(stmt, (gast.With, gast.AsyncWith)):
            for item in stmt.items:
                self.reads(item.context_expr, state)
                state = state - S.stored_names(item) if item.optional_vars is not None else state
            return self.block(stmt.body, state)
        if isinstance(stmt, gast.Try) or type(stmt).__name__ == "TryStar":
            return self.trying(stmt, state)
        if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name) and stmt.target.id in state:
            self.report(stmt.target)
        if type(stmt).__name__ == "Match":
            self.reads(stmt.subject, state)
            return _join(state, *(self.case(case, state) for case in stmt.cases))
        if isinstance(stmt, _SCOPES):
            self.reads(stmt, state)         # decorators, defaults and bases run here
            return state - {stmt.name}
        self.reads(stmt, state)
        bound = {n.id for n in _names_of(stmt) if isinstance(n.ctx, gast.Store)}
        if isinstance(stmt, (gast.Import, gast.ImportFrom)):
            bound = {(a.asname or a.name).split(".")[0] for a in stmt.names}
        return state - bound

    def case(self, case, state):
        """A case of a match: its pattern binds the names it captures, then its guard
        and body run."""
        self.reads(case.pattern, state)         # a value pattern reads a dotted name
        state = state - _captures(case.pattern)
        if case.guard is not None:
            self.reads(case.guard, state)
        return self.block(case.body, state)

    def loop(self, stmt, state):
        head = state
        if isinstance(stmt, (gast.For, gast.AsyncFor)):
            self.reads(stmt.iter, state)
        while True:
            if isinstance(stmt, gast.While):
                self.reads(stmt.test, head)
            self.loops.append(([], []))
            body_state = head - S.stored_names(stmt.target) if isinstance(stmt, (gast.For, gast.AsyncFor)) else head
            end = self.block(stmt.body, body_state)
            breaks, continues = self.loops.pop()
            new_head = _join(head, end, *continues)
            if new_head == head:
                break
            head = new_head
        return _join(self.block(stmt.orelse, head), *breaks)

    def trying(self, stmt, state):
        seen = [state]
        for inner in stmt.body:                   # a handler may start after any statement
            state = self.statement(inner, state) if state is not None else None
            seen.append(state)
        entry = _join(*seen)
        handled = [self.block(h.body, entry - ({h.name.id} if isinstance(h.name, gast.Name) else set()))
                   for h in stmt.handlers]
        after = _join(self.block(stmt.orelse, state) if state is not None else None, *handled)
        if stmt.finalbody:
            end = self.block(stmt.finalbody, _join(entry, after, *handled))
            return None if after is None else end
        return after


def _join(*states):
    live = [s for s in states if s is not None]
    return set().union(*live) if live else None


_COMPREHENSIONS = (gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)


def _names_of(node, local=frozenset()):
    """The names under ``node`` that are variables of the scope it stands in: a name a
    lambda, comprehension or function under it binds for itself (a parameter, a loop
    target of the comprehension, a local of the function) is that scope's, not this
    one's, where that scope reads it."""
    if isinstance(node, gast.Name):
        if node.id not in local:
            yield node
    elif isinstance(node, _SCOPES):
        yield from _names_outside(node, local)
        yield from _names_of_scope(node, local)
    elif isinstance(node, _COMPREHENSIONS):
        first, *rest = node.generators
        yield from _names_of(first.iter, local)     # evaluated where the comprehension stands
        inner = local | {t.id for g in node.generators for t in S.walk_nodes(g.target) if isinstance(t, gast.Name)}
        for part in [first.target, *first.ifs, *rest] + [getattr(node, f) for f in ("elt", "key", "value")
                                                        if hasattr(node, f)]:
            yield from _names_of(part, inner)
    else:
        for child in gast.iter_child_nodes(node):
            yield from _names_of(child, local)


def _names_outside(scope, local=frozenset()):
    """Names a def, lambda or class reads where it is defined: decorators, defaults,
    annotations, bases."""
    parts = list(getattr(scope, "decorator_list", [])) + list(getattr(scope, "bases", []))
    parts += list(getattr(scope, "keywords", []))
    if not isinstance(scope, gast.ClassDef):
        args = scope.args
        parts += list(args.defaults) + [d for d in args.kw_defaults if d is not None]
        parts += [a.annotation for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]
                  if a is not None and a.annotation is not None]
        parts += [scope.returns] if getattr(scope, "returns", None) is not None else []
    for part in parts:
        yield from _names_of(part, local)


def _names_of_scope(scope, local=frozenset()):
    """Names the body of a def, lambda or class reads from the scopes around it."""
    if isinstance(scope, gast.ClassDef):
        inner = local                           # a class body's names are not its methods'
    else:
        inner = local | _locals(scope)
    for stmt in scope.body if isinstance(scope.body, list) else [scope.body]:
        yield from _names_of(stmt, inner)


def _locals(function):
    """The names a def or lambda binds in its own scope: parameters, names it stores
    (not in a nested scope; an except's name, a match's captures), defs, classes and
    imports, less its global and nonlocal names."""
    args = function.args
    names = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]
             if isinstance(a, gast.Name)}
    if isinstance(function, gast.Lambda):
        return names | {n.id for n in _names_of(function.body) if isinstance(n.ctx, gast.Store)}
    declared = set()
    for stmt in _own_statements(function.body):
        if isinstance(stmt, (gast.Global, gast.Nonlocal)):
            declared.update(stmt.names)
        elif isinstance(stmt, _SCOPES):
            names.add(stmt.name)
            continue
        elif isinstance(stmt, (gast.Import, gast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in stmt.names)
        elif type(stmt).__name__ == "Match":
            for case in stmt.cases:
                names |= _captures(case.pattern)
        for field, value in gast.iter_fields(stmt):
            if field not in ("body", "orelse", "finalbody", "handlers", "cases"):
                for part in value if isinstance(value, list) else [value]:
                    if isinstance(part, gast.AST):
                        names.update(n.id for n in _names_of(part) if isinstance(n.ctx, gast.Store))
    return names - declared


def _captures(pattern):
    """The names a match pattern binds (``case [a, *rest]``, ``case {**kw}``, ``case P() as p``)."""
    return {name for node in S.walk_nodes(pattern)
            for name in (getattr(node, "name", None), getattr(node, "rest", None)) if isinstance(name, str)}


def _own_statements(body):
    """Statements of a function body, nested blocks included, not those of nested
    functions or classes."""
    todo, out = list(body), []
    while todo:
        stmt = todo.pop()
        out.append(stmt)
        if isinstance(stmt, _SCOPES):
            continue
        for field in ("body", "orelse", "finalbody", "handlers"):
            todo.extend(getattr(stmt, field, None) or [])
        todo.extend(getattr(stmt, "cases", None) or [])
    return out
