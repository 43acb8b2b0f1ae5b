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
        bound = {a.id for a in S.walk_nodes(node.args) if isinstance(a, gast.Name)}
        bound |= {n.id for stmt in _own_statements(node.body) for n in S.walk_nodes(stmt)
                  if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
        bound |= {stmt.name for stmt in _own_statements(node.body) if isinstance(stmt, _SCOPES) and
                  not isinstance(stmt, gast.Lambda)}
        self.block(node.body, own - bound)      # deleted, never bound: the del itself raises
        for stmt in _own_statements(node.body):
            for inner in S.walk_nodes(stmt):
                if isinstance(inner, _SCOPES):
                    self.closure(inner, own)

    def closure(self, scope, own):
        body = scope.body if isinstance(scope.body, list) else [scope.body]
        for stmt in body:
            for name in S.walk_nodes(stmt):
                if isinstance(name, gast.Name) and isinstance(name.ctx, gast.Load) and name.id in own:
                    self.report(name)

    def report(self, node, kind=None):
        if self.found is None:
            self.found = (node, node.id, kind or ("del" if isinstance(node.ctx, gast.Del) else "read"))

    def reads(self, node, state):
        if state:
            for name in S.walk_nodes(node):
                if isinstance(name, gast.Name) and name.id in state and isinstance(name.ctx, (gast.Load, gast.Del)):
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
            return _join(state, *(self.block(case.body, state) for case in stmt.cases))
        if isinstance(stmt, _SCOPES):
            for part in stmt.decorator_list + getattr(stmt, "bases", []):
                self.reads(part, state)
            return state - {stmt.name}
        self.reads(stmt, state)
        bound = {n.id for n in S.walk_nodes(stmt) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
        if isinstance(stmt, (gast.Import, gast.ImportFrom)):
            bound = {(a.asname or a.name).split(".")[0] for a in stmt.names}
        return state - bound

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
