"""Helpers that append to a list they are given, as functions returning what they append.

A helper like autograd's ``flatten`` fills a list its caller made::

    def collect(value, leaves):             leaves = []
        if isinstance(value, list):         collect(params, leaves)
            for v in value:
                collect(v, leaves)
        else:
            leaves.append(np.ravel(value))

Python's semantics: the caller's list gets the appended items, in order. A helper whose
list parameter is used for nothing else (``leaves.append(v)``, ``leaves.extend(vs)``, and
handing it on, in a statement call, to a helper that does the same, itself included) is
differentiated as its twin that starts from a list of its own and returns it::

    def collect(value):                     for item in collect_twin(params):
        leaves = []                             leaves.append(item)
        ...                    # as written
        return leaves

and the statement call in the caller becomes the loop appending the twin's items to the
caller's list (then checked like any append of the caller's). The twin is a real function
(frontend/varargs.py ``compile_variant``), so errors name the helper's own lines, and a
recursive helper calls its twin, which astgrad differentiates like any recursion.
"""

import inspect
import weakref

import gast

from ..core import syntax as S
from ..core.missing import MISSING
from ..core.ops import is_user_function
from .varargs import compile_variant, has_varargs

_twins = weakref.WeakKeyDictionary()        # helper -> {parameter: its twin}
_APPENDING = ("append", "extend")


def collecting_call(call, resolve):
    """For an expression-statement ``call`` (gast) of a function ``resolve`` finds: the
    ``(twin, call of it, list name)`` when the callee only appends to the list passed
    as one of its parameters (see the module docstring); None otherwise."""
    fn = resolve(call)
    if not _plain_user_function(fn) or any(isinstance(a, gast.Starred) for a in call.args) \
            or any(kw.arg is None for kw in call.keywords):
        return None
    try:
        bound = inspect.signature(fn).bind(*call.args, **{kw.arg: kw.value for kw in call.keywords})
    except TypeError:
        return None
    names = [v.id for v in bound.arguments.values() if isinstance(v, gast.Name)]
    for parameter, value in bound.arguments.items():
        if isinstance(value, gast.Name) and names.count(value.id) == 1 and only_appends(fn, parameter):
            twin = twin_of(fn, parameter)
            args = [a for a in call.args if a is not value]
            keywords = [kw for kw in call.keywords if kw.value is not value]
            return twin, gast.Call(func=call.func, args=args, keywords=keywords), value.id
    return None


def _plain_user_function(fn):
    return fn is not None and fn is not MISSING and inspect.isfunction(fn) and is_user_function(fn) \
        and not has_varargs(fn) and getattr(fn, "__astgrad_specializes__", None) is None \
        and not inspect.isgeneratorfunction(fn)


def only_appends(fn, parameter, seen=None):
    """Whether ``fn`` uses its parameter ``parameter`` only to append to it, directly or
    by handing it on to helpers that only append to it (``seen``: the helpers being asked
    already, which a recursive helper meets again)."""
    seen = set() if seen is None else seen
    if (fn, parameter) in seen:
        return True
    seen.add((fn, parameter))
    from .source import parse_function
    try:
        source = parse_function(fn)
    except Exception:       # noqa: BLE001 - a helper astgrad cannot read is not a collector
        return False
    tree = source.tree
    positional = [a.id for a in tree.args.args]
    if parameter not in positional + [a.id for a in tree.args.kwonlyargs]:
        return False
    if parameter in positional and positional.index(parameter) >= len(positional) - len(tree.args.defaults):
        return False        # a default: the call may leave it out
    uses = visited_until_bad(_Uses(parameter), tree.body)
    if uses.bad or not uses.handed_on and not uses.appends:
        return False
    local = S.stored_names(tree) | set(positional) | {a.id for a in tree.args.kwonlyargs}
    for call in uses.handed_on:
        path = S.dotted_path(call.func)
        if path[0] in local:
            return False        # a function value of its own, not the global of that name
        callee = source.resolve_path(path, depend=False)
        if not _plain_user_function(callee) or not _hands_on_once(call, callee, parameter, seen):
            return False
    return True


def _hands_on_once(call, callee, parameter, seen):
    try:
        bound = inspect.signature(callee).bind(*call.args, **{kw.arg: kw.value for kw in call.keywords})
    except TypeError:
        return False
    given = [name for name, value in bound.arguments.items()
             if isinstance(value, gast.Name) and value.id == parameter]
    return len(given) == 1 and only_appends(callee, given[0], seen)


def visited_until_bad(uses, body):
    """``uses`` (a ``ParameterUses``) having visited the statements of ``body`` in order,
    up to the first that sets ``bad``: a bad use is never taken back, and each caller
    rejects the parameter then, whatever the statements after it hold (a helper that
    reads its parameter as a whole in its first line is not walked to its end, once for
    each of its parameters a call passes a name for)."""
    for stmt in body:
        uses.visit(stmt)
        if uses.bad:
            break
    return uses


class ParameterUses(gast.NodeVisitor):
    """What the uses of the name ``parameter`` in a body have in common: ``bad`` is set
    by any use a subclass does not recognise (the name read or stored as a whole, named
    in a nested function or class, declared global or nonlocal) and by a ``yield``."""

    def __init__(self, parameter):
        self.parameter = parameter
        self.bad, self.handed_on = False, []

    def _hand_on(self, call):
        """Record ``call`` as handing the parameter on, and visit its other arguments."""
        self.handed_on.append(call)
        for item in call.args + [kw.value for kw in call.keywords]:
            if not self._is_it(item):
                self.visit(item)

    def visit_Name(self, node):
        if node.id == self.parameter:
            self.bad = True

    def visit_FunctionDef(self, node):
        if self.parameter in S.names_in(node):
            self.bad = True

    visit_Lambda = visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Global(self, node):
        self.bad = self.bad or self.parameter in node.names

    visit_Nonlocal = visit_Global

    def visit_Yield(self, node):
        self.bad = True

    visit_YieldFrom = visit_Yield

    def _is_it(self, node):
        return isinstance(node, gast.Name) and node.id == self.parameter


class _Uses(ParameterUses):
    """How a function's body uses the name ``parameter``: appends (``p.append(v)`` and
    ``p.extend(vs)`` statements), statement calls handing it on, and anything else (bad:
    a read, a store, a return of a value, a nested function)."""

    def __init__(self, parameter):
        super().__init__(parameter)
        self.appends = []

    def visit_Expr(self, node):
        call = node.value
        if isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) \
                and self._is_it(call.func.value) and call.func.attr in _APPENDING \
                and len(call.args) == 1 and not call.keywords:
            self.appends.append(call)
            self.visit(call.args[0])
            return
        if isinstance(call, gast.Call) and S.dotted_path(call.func) is not None and any(
                self._is_it(a) for a in call.args + [kw.value for kw in call.keywords]):
            self._hand_on(call)
            return
        self.generic_visit(node)

    def visit_Return(self, node):
        if node.value is not None and not (isinstance(node.value, gast.Constant) and node.value.value is None):
            self.bad = True
        self.generic_visit(node)


def twin_of(fn, parameter):
    """``fn`` without its parameter ``parameter``, starting from ``parameter = []`` and
    returning it (one function per helper and parameter, kept while ``fn`` lives)."""
    made = _twins.setdefault(fn, {})
    if parameter not in made:
        from .source import parse_function
        rewrite = lambda tree: _collecting_tree(tree, parameter)     # noqa: E731
        made[parameter] = compile_variant(fn, rewrite(S.copy(parse_function(fn).tree)), rewrite)
    return made[parameter]


def _collecting_tree(tree, parameter):
    args = tree.args
    args.args = [a for a in args.args if a.id != parameter]
    keep = [i for i, a in enumerate(args.kwonlyargs) if a.id != parameter]
    args.kwonlyargs = [args.kwonlyargs[i] for i in keep]
    args.kw_defaults = [args.kw_defaults[i] for i in keep]
    return returning_new_list(tree, parameter)


def returning_new_list(tree, name):
    """``tree`` (a function) starting from ``name = []`` and returning ``name`` wherever
    it returns, and at its end."""
    line = getattr(tree, "lineno", 1)
    for node in _own_nodes(tree.body):
        if isinstance(node, gast.Return):
            node.value = S.name(name)
    last = tree.body[-1] if tree.body else None
    ending = [] if isinstance(last, gast.Return) else [gast.Return(value=S.name(name))]
    for stmt in ending:
        stmt.lineno = getattr(last, "lineno", line)
    tree.body = [S.assign(name, gast.List(elts=[], ctx=gast.Load()), line=line)] + tree.body + ending
    return tree


def _own_nodes(body):
    """The nodes of a function's body, not those of functions defined in it."""
    todo = list(body)
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)):
            todo.extend(gast.iter_child_nodes(node))
