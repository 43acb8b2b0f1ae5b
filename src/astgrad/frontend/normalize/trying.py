"""``try`` with ``except`` (and ``else``/``finally``): one protected block, then the handlers.

``try: B except E1 as e: H1 except E2: H2 else: L finally: F`` becomes

    try:                        # an ``if`` marked CATCHES: its test is what it catches
        B
        error = None
    except (E1, E2):
        error = caught_exception()
    if error is None:
        L
    elif isinstance(error, E1):
        e = error
        H1
    else:
        H2
    F

so the modes see one protected block of core statements whose else (the ``except``
clause) records the exception, and the handlers are ordinary branches. When ``B``
raises part-way, the statements that completed keep their effects, as in Python;
reverse mode counts them (``modes.try_adjoints``) and replays the adjoints of those
alone. An exception no handler catches propagates (without running ``F``).
"""

import contextlib
import inspect
import sys
import types

import gast

from ... import runtime
from ...core import anno
from ...core import syntax as S
from ...core.anno import Key
from ...core.ops import is_user_function
from .instances import function_tree
from .jumps import jumps_out


# what reads the exception being handled, which the lowered handlers no longer run inside
_CURRENT_EXCEPTION = tuple(f for f in (sys.exc_info, getattr(sys, "exception", None)) if f is not None)
_TRACEBACK_READS = ("format_exc", "print_exc")      # traceback's, where the program imported it
# the names those reads leave in a function's code (``exception`` only beside ``sys``)
_CURRENT_EXCEPTION_NAMES = frozenset({"exc_info", "format_exc", "print_exc", "__context__"})


def _reads_current_exception(target):
    """Whether ``target`` is a function reading the exception being handled (traceback's
    only where the program imported traceback: it could not call them otherwise)."""
    traceback = sys.modules.get("traceback")
    return any(target is f for f in _CURRENT_EXCEPTION) or \
        traceback is not None and any(target is getattr(traceback, name, None) for name in _TRACEBACK_READS)


def reads_current_exception(fn):
    """Whether the plain Python function ``fn``, or a function of its module it calls by
    name (a few calls deep), reads the exception being handled: a helper astgrad calls
    as it is, from a handler, would read none. Not cached: the answer depends on what the
    names of the helpers' modules hold now (and a cache keyed by ``fn`` would keep it alive)."""
    seen, frontier = {id(fn)}, [fn]
    for _ in range(5):                      # fn and the functions up to four calls from it
        following = []
        for function in frontier:
            names = _names_in_code(function.__code__)
            if names & _CURRENT_EXCEPTION_NAMES or {"sys", "exception"} <= names:
                return True
            scope = getattr(function, "__globals__", {})
            for name in names:
                called = scope.get(name)
                if is_user_function(called) and hasattr(called, "__code__") and id(called) not in seen:
                    seen.add(id(called))
                    following.append(called)
        frontier = following
    return False


def _names_in_code(code):
    """The global and attribute names ``code`` and the code nested in it read."""
    codes, names = [code], set()
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return names


class TryLowering:
    """Normalizer methods for ``try`` statements with ``except`` clauses."""

    protected_depth = 0         # how many try bodies with handlers the statement being lowered is in
    protected_kind = "a try with except"        # the innermost, as written
    suppress_tries = frozenset()                # ids of the try statements made of with contextlib.suppress

    def try_except(self, stmt):
        self._refuse_jumps(stmt)
        caught = [None if h.type is None else self._kinds(h.type) for h in stmt.handlers]
        if None in caught:
            caught_test = S.name(self.bind(BaseException))
        else:
            caught_test = _one_or_tuple([kind for kinds in caught for kind in kinds])
        line = self.line
        error = self.namer.fresh("error")
        self.locals.add(error)
        where = "a with contextlib.suppress" if id(stmt) in self.suppress_tries else "a try with except"
        from .try_comprehensions import lift_comprehensions     # (loaded with the first try)
        lift_comprehensions(self, stmt)                    # each a call: none stops part-way
        self._refuse_loops(stmt.body, stmt, where)         # as written: the loop's own line
        kind, self.protected_kind = self.protected_kind, where
        self.protected_depth += 1                          # next(g) searches by a call there
        try:
            body = self.block(stmt.body)
        finally:
            self.protected_depth -= 1
            self.protected_kind = kind
        self.line = line
        self._refuse_loops(body, stmt, where)              # a helper's, inlined
        body.append(self._at(S.assign(error, S.const(None)), line))
        record = self._at(S.assign(error, self.runtime_call(runtime.caught_exception, [])), line)
        anno.set(body[-1], Key.CAUGHT, True)
        anno.set(record, Key.CAUGHT, True)
        protected = self.emit(gast.If(test=caught_test, body=body, orelse=[record]))
        anno.set(protected, Key.CATCHES, True)
        orelse = self.block(stmt.orelse)
        self.line = line
        handlers = [self._handler(handler, error) for handler in stmt.handlers]
        self.line = line
        self._dispatch(error, orelse, list(zip(caught, handlers)))
        self.out.extend(self.block(stmt.finalbody))

    def refuse_caught_change(self, called, changed, tree, me, node):
        """A call followed as a function handing back a new state (a method's twin,
        built_objects.state_call; a helper keeping state in a list, threaded.py) in a try
        body with handlers, where the function ``tree`` may raise after it changed what its
        parameter ``me`` holds: Python keeps the change when the exception is caught,
        while the twin, raising, hands back no new state (the change would be lost)."""
        if self.protected_depth and (tree is None or may_raise_after_write(tree, me)):
            raise self._refuse(f"{called} in the body of {self.protected_kind}: it changes {changed} and may raise "
                               "after that, and Python keeps the change when the exception is caught", node,
                               "call it before or after the try statement, or raise before the change")

    def suppress_as_try(self, stmt):
        """``with contextlib.suppress(E1, E2): body`` lowered as ``try: body`` / ``except
        (E1, E2): pass``, which is what it does (its enter and exit do nothing else), so
        that the statements the body ran before it raised keep their effects, as in
        Python; managers before it enclose the try, those after it are inside. False
        where the statement has no such manager, or a loop in its body."""
        found = [i for i, item in enumerate(stmt.items) if self.resolve_call(item.context_expr) is contextlib.suppress
                 and not any(isinstance(a, gast.Starred) for a in item.context_expr.args)]
        if not found or any(isinstance(node, (gast.For, gast.While, gast.comprehension)) or isinstance(node, gast.With)
                            and not self.suppress_as_try_would(node)
                            for node in S.walk_nodes(gast.Module(body=stmt.body, type_ignores=[]))):
            return False        # a loop cannot be in a try body: a plain with (zero_safe.py stops where it suppresses)
        first, items = found[0], stmt.items
        inner = [gast.copy_location(gast.With(items=items[first + 1:], body=stmt.body, type_comment=None), stmt)] \
            if first + 1 < len(items) else stmt.body
        suppress = items[first]
        if suppress.optional_vars is not None:       # with suppress(E) as v: v is None
            inner = [gast.copy_location(gast.Assign(targets=[suppress.optional_vars], value=S.const(None),
                                                    type_comment=None), stmt)] + inner
        kinds = gast.Tuple(elts=list(suppress.context_expr.args), ctx=gast.Load())
        handler = gast.ExceptHandler(type=kinds, name=None, body=[gast.Pass()])
        lowered = gast.copy_location(gast.Try(body=inner, handlers=[handler], orelse=[], finalbody=[]), stmt)
        self.suppress_tries = self.suppress_tries | {id(lowered)}
        if first:
            lowered = gast.copy_location(gast.With(items=items[:first], body=[lowered], type_comment=None), stmt)
        self.statement(lowered)
        return True

    def suppress_as_try_would(self, stmt):
        """Whether the with statement ``stmt`` has only suppress managers (each a try)."""
        return all(self.resolve_call(item.context_expr) is contextlib.suppress for item in stmt.items)

    def refuse_suppressing_manager(self, item, stmt):
        """``with Quiet():`` over a manager of a class whose ``__exit__`` may return a true
        value: where the body raises, Python may go on after the with statement, while the
        derivative, which exits the managers only when the body completes, would stop
        (contextlib.suppress is a try, ``suppress_as_try``, or stops saying so where it
        suppresses: zero_safe.py)."""
        made = self.resolve_call(item.context_expr)
        if isinstance(made, type) and made is not contextlib.suppress and may_suppress(made):
            raise self._refuse(f"a with statement over a {made.__name__}, whose __exit__ may suppress an exception "
                               "its body raises", stmt, "catch the exception with try/except inside the with body "
                               "(or instead of the with statement)")

    def refuse_current_exception(self, node):
        """``sys.exc_info()`` (and what reads it), or an exception's ``__context__``, read
        anywhere in the code transformed, a helper's included: the handlers run after the
        ``except`` clause, where Python has no exception being handled any more, so they
        would read None where Python reads the exception caught, and an exception raised
        in a handler has no ``__context__``. Whether code runs in a handler is its
        caller's business (a helper called from one), so the read is refused wherever it is."""
        if isinstance(node, gast.Attribute):
            if node.attr == "__context__":
                raise self._refuse("the __context__ of an exception", node,
                                   "raise the new exception 'from' the one caught and read its __cause__")
            return
        target = self.resolve_call(node)
        if target is None:
            return
        advice = ("astgrad runs an except clause after the exception is handled, where it reads "
                  "none; bind it with 'except E as e' and pass e where it is needed")
        if _reads_current_exception(target):
            name = f"{target.__module__}.{target.__name__}"
            raise self._refuse(f"{name}() in an except clause or in a function called from one", node, advice)
        if is_user_function(target) and hasattr(target, "__code__") and reads_current_exception(target):
            raise self._refuse(f"a call of {target.__qualname__}, which reads the exception being handled "
                               "(sys.exc_info(), traceback.format_exc() or an exception's __context__)",
                               node, advice)

    def _refuse_jumps(self, stmt):
        """``break``/``continue`` in a handler or the else clause are branches like any
        other, but not with a finally body (which runs first in Python); one leaving the
        try body would leave the protected block part-way."""
        in_branches = jumps_out(stmt.orelse) or any(jumps_out(h.body) for h in stmt.handlers)
        if jumps_out(stmt.body + stmt.finalbody) or (in_branches and stmt.finalbody):
            raise self._refuse("break or continue inside try/except" + ("/finally" if stmt.finalbody else ""),
                               stmt, "set a flag inside and break after the block")

    def _dispatch(self, error, orelse, handlers):
        """``if error is None: orelse`` then one branch per handler, in order."""
        def chain(rest):
            (kind, block), rest = rest[0], rest[1:]
            if not rest or kind is None:    # the last handler catches what is left
                return block
            test = self.builtin_call("isinstance", [S.name(error), _one_or_tuple(kind)])
            out = self.block_of(lambda: self.emit_if(self.atom(test, hint="caught"),
                                                     block, chain(rest)))
            return out
        nothing = gast.Compare(left=S.name(error), ops=[gast.Is()], comparators=[S.const(None)])
        self.emit_if(self.atom(nothing, hint="completed"), orelse, self.block_of(lambda: self.out.extend(chain(handlers))))

    def _kinds(self, node):
        """The exception classes ``except node`` names, as atoms (a tuple display's items
        one by one: Python does not look into a nested tuple there)."""
        elts = node.elts if isinstance(node, gast.Tuple) else [node]
        return [self.atom(elt, hint="caught") for elt in elts]

    def _handler(self, handler, error):
        """A handler's block, with ``as`` bound to the exception and a bare ``raise``
        raising it again."""
        _reraise(handler.body, error)
        self.line = getattr(handler, "lineno", self.line)
        out = []
        if handler.name is not None:
            # the exception, refused where it carries floats (runtime.caught_value)
            bound = self.runtime_call(runtime.caught_value, [S.name(error), S.const(self.where())])
            out.append(self._at(S.assign(handler.name.id, bound), self.line))
            self.locals.add(handler.name.id)
        out.extend(self.block(handler.body))
        for node in S.walk_nodes(gast.Module(body=out, type_ignores=[])):
            # derivative code's own ``error = caught_exception()``, now after the try
            if isinstance(node, gast.Assign) and isinstance(node.value, gast.Call) \
                    and anno.get(node.value, Key.TARGET) is runtime.caught_exception:
                node.value = S.name(error)
        return out or [gast.Pass()]

    def _refuse_loops(self, body, stmt, where):
        """A loop stopped part-way by an exception would leave its recorded iterations
        half-made; a with statement would leave its manager entered."""
        for node in S.walk_nodes(gast.Module(body=body, type_ignores=[])):
            if isinstance(node, gast.For) and anno.get(node, Key.LOOP_FOR, None):
                kind, advice = anno.get(node, Key.LOOP_FOR), "move it out of the try body (before or after " \
                                                              "the try)"
            elif isinstance(node, (gast.For, gast.While, gast.comprehension)):
                kind, advice = "a loop", "move the loop out of the try body (before or after the try), or " \
                                         "put the try statement inside the loop body"
            elif isinstance(node, gast.With) and not self.suppress_as_try_would(node) or isinstance(node, gast.Call) \
                    and anno.get(node, Key.TARGET) is runtime.enter_context:
                kind, advice = "a with statement", "put the try statement inside the with body, or the " \
                                                   "with statement around the whole try"
            else:
                continue
            at = node.iter if isinstance(node, gast.comprehension) else node     # a comprehension's own line
            self.line = getattr(at, "lineno", None) or getattr(stmt, "lineno", self.line)
            raise self._refuse(f"{kind} inside the body of {where}", node, advice)

    @staticmethod
    def _at(stmt, line):
        stmt.lineno = line
        return stmt


def may_suppress(cls):
    """Whether the managers of ``cls`` may suppress an exception: a class whose ``__exit__``
    is Python code returning something else than None or False."""
    exit_ = getattr(cls, "__exit__", None)
    tree = function_tree(exit_) if inspect.isfunction(exit_) else None
    return tree is not None and any(isinstance(node, gast.Return) and node.value is not None
                                    and not (isinstance(node.value, gast.Constant) and not node.value.value)
                                    for node in S.walk_nodes(tree))


def may_raise_after_write(tree, me=None):
    """Whether the function ``tree`` may raise after a statement of it changed the object
    its parameter ``me`` (by default the first, ``self``) holds: stored into it, called a
    method on it or on what it holds, or handed it to a call. Only stores of names or
    constants (into a local name or into ``me``'s attributes) and returns of names or
    constants may follow the first change; a change inside a compound statement, or by a
    call of ``me``'s own method or of a function given ``me`` (which may itself raise
    part-way), counts as may raise."""
    params = tree.args.posonlyargs + tree.args.args
    if me is None and not params:
        return False
    me, changed, stored = me or params[0].id, False, set()
    for stmt in tree.body:
        if changed and not _cannot_raise(stmt, me, stored):
            return True
        if _changes(stmt, me):
            if not isinstance(stmt, (gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Expr)) \
                    or isinstance(stmt, gast.Expr) and _calls_own_method(stmt.value, me) or _hands_on(stmt, me):
                return True
            changed = True
        stored.update(t.attr for t in getattr(stmt, "targets", ()) if isinstance(t, gast.Attribute)
                      and isinstance(t.value, gast.Name) and t.value.id == me)
    return False


def _root(node):
    """The name an attribute, item or call chain (``self.m[k].append``) starts from."""
    while isinstance(node, (gast.Attribute, gast.Subscript, gast.Call)):
        node = node.func if isinstance(node, gast.Call) else node.value
    return node.id if isinstance(node, gast.Name) else None


def _changes(stmt, me):
    for node in S.walk_nodes(stmt):
        if isinstance(node, (gast.Attribute, gast.Subscript)) and isinstance(node.ctx, (gast.Store, gast.Del)) \
                and _root(node) == me:
            return True
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and _root(node.func) == me:
            return True
    return _hands_on(stmt, me)


def _hands_on(stmt, me):
    return any(isinstance(node, gast.Call) and any(isinstance(a, gast.Name) and a.id == me for a in node.args)
               for node in S.walk_nodes(stmt))


def _calls_own_method(value, me):
    return isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) \
        and isinstance(value.func.value, gast.Name) and value.func.value.id == me


def _cannot_raise(stmt, me, stored):
    """``pass``, ``self.a = v``, ``self.n += 1`` or ``return v`` with ``v`` a name, a
    constant, an attribute of ``me`` in ``stored`` (stored before: ``return self.h``) or
    a tuple of them."""
    def plain(value):
        return value is None or isinstance(value, (gast.Name, gast.Constant)) \
            or isinstance(value, gast.Attribute) and isinstance(value.value, gast.Name) and value.value.id == me \
            and value.attr in stored or isinstance(value, gast.Tuple) and all(plain(v) for v in value.elts)
    if isinstance(stmt, gast.Pass):
        return True
    if isinstance(stmt, gast.Return):
        return plain(stmt.value)
    if isinstance(stmt, gast.AugAssign):        # self.n += 1, a counter
        return isinstance(stmt.value, gast.Constant) and isinstance(stmt.target, gast.Attribute) \
            and isinstance(stmt.target.value, gast.Name) and stmt.target.value.id == me
    return isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and plain(stmt.value) \
        and (isinstance(stmt.targets[0], gast.Name) or isinstance(stmt.targets[0], gast.Attribute)
             and isinstance(stmt.targets[0].value, gast.Name) and stmt.targets[0].value.id == me)


def _one_or_tuple(atoms):
    if len(atoms) == 1:
        return S.copy(atoms[0])
    return gast.Tuple(elts=[S.copy(atom) for atom in atoms], ctx=gast.Load())


def _reraise(block, error):
    """A bare ``raise`` in ``block`` (a handler's) raises ``error``: the handler runs after
    the try statement, where Python no longer knows which exception was caught. One in a
    nested try's handler refers to that handler's own exception, and is left alone."""
    for stmt in block:
        if isinstance(stmt, gast.Raise) and stmt.exc is None:
            stmt.exc = S.name(error)
        elif isinstance(stmt, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            continue
        else:
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list):
                    _reraise(inner, error)
            for case in getattr(stmt, "cases", []):
                _reraise(case.body, error)
