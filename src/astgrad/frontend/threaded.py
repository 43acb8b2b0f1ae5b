"""Helpers that keep state in a list they are given, as functions passing the state's
items in and out.

autograd's ``unflatten`` keeps its place in the vector in a one-item list that a
recursive helper reads and moves on::

    def rebuild(template, vector, pos):
        if isinstance(template, dict):
            return {k: rebuild(template[k], vector, pos) for k in sorted(template)}
        start = pos[0]
        pos[0] = start + template.size
        return np.reshape(vector[start:start + template.size], template.shape)

    rebuild(params, vector, [0])

Python's semantics: each call's writes into ``pos`` are seen by its caller, and so by the
calls after it. A helper whose list parameter is used only through items at constant
indices (``pos[0]``, ``pos[0] = v``) and by handing it on, as an
argument, to helpers that do the same (itself included) keeps in it nothing but those
items. It is differentiated as its twin taking the items and returning them with its
value::

    def rebuild(template, vector, pos_0):       value, p0 = rebuild_twin(template, vector, 0)
        ...     # as written, pos_0 for pos[0], each `return v` returning (v, pos_0)

A call handing the list on binds the items to the twin's results, so the next call
starts where this one ended; a call passing a name of another list reads its items
before the call and writes the ones the helpers write back into it after the call (the
same list object changes, as in Python); a call passing a list display drops them.
Items are plain values, so derivatives flow through them like through any variable.
A statement that both calls such a helper and reads or writes an item itself is not
rewritten (Python's order of evaluation within it would need the list). The twin is a
real function (frontend/varargs.py ``compile_variant``): errors name the helper's own
lines, and a recursive helper calls its twin, differentiated like any recursion.
"""

import inspect
import typing
import weakref

import gast

from ..core import syntax as S
from .collectors import ParameterUses, _own_nodes, _plain_user_function, visited_until_bad
from .varargs import ORIGINAL as _ORIGINAL, compile_running_twin

_twins = weakref.WeakKeyDictionary()        # helper -> {(parameter, count): its twin}


class State(typing.NamedTuple):
    """What a family of helpers does with a list they hand on: how many items they use
    (``count``, one past the largest index) and which indices they write."""
    count: int
    written: frozenset


def threaded_call(call, resolve):
    """``(fn, parameter, argument node, State)`` for a call of a user function ``fn`` that
    keeps state in the list passed for ``parameter`` (see the module docstring) and
    writes into it; None otherwise (no such parameter, or more than one)."""
    fn = resolve(call)
    arguments = positional_arguments(fn, call)
    if arguments is None:
        return None
    found = []
    for parameter, value in arguments.items():
        if isinstance(value, (gast.Name, gast.List)):
            state = family_state(fn, parameter)
            if state is not None and state.written:
                found.append((fn, parameter, value, state))
    return found[0] if len(found) == 1 else None


def positional_arguments(fn, call):
    """{parameter: argument node} of ``call`` of the plain user function ``fn``, all of
    them positional; None otherwise (or where they do not fit its parameters)."""
    if not _plain_user_function(fn) or any(isinstance(a, gast.Starred) for a in call.args) or call.keywords:
        return None
    try:
        return inspect.signature(fn).bind(*call.args).arguments
    except TypeError:
        return None


def family_state(fn, parameter):
    """The ``State`` of ``parameter`` over ``fn`` and the helpers it is handed on to,
    or None when one of them uses it any other way."""
    found = family_uses(fn, parameter, _uses)
    indices = set().union(*(uses.indices for uses in found or ()))
    if not indices:
        return None
    return State(max(indices) + 1, frozenset().union(*(uses.written for uses in found)))


def family_uses(fn, parameter, uses_of):
    """What ``uses_of(helper, parameter)`` finds (``(source, uses)``, ``uses.handed_on``
    the calls handing it on) in ``fn`` and in each helper it is handed on to, itself
    included, once each; None where one of them uses it any other way."""
    found, todo, seen = [], [(fn, parameter)], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        answer = uses_of(*current)
        if answer is None:
            return None
        source, uses = answer
        found.append(uses)
        for call in uses.handed_on:
            callee = _hands_on_to(source, call, current[1])
            if callee is None:
                return None
            todo.append(callee)
    return found


def _uses(fn, parameter):
    """``(source, StateUses)``, or None when ``fn`` uses the parameter any other way (or
    has it with a default, or not as a plain positional parameter)."""
    from .source import parsed_for_reading
    try:
        source = parsed_for_reading(fn)
    except Exception:       # noqa: BLE001 - a helper astgrad cannot read keeps no state
        return None
    tree = source.tree
    positional = [a.id for a in tree.args.args]
    if parameter not in positional or tree.args.posonlyargs or tree.args.vararg or tree.args.kwarg:
        return None
    if positional.index(parameter) >= len(positional) - len(tree.args.defaults):
        return None
    uses = visited_until_bad(StateUses(parameter), tree.body)
    if uses.bad or _mixes(tree.body, parameter):
        return None
    return source, uses


def _hands_on_to(source, call, parameter):
    """``(callee, its parameter)`` that ``call`` hands ``parameter`` on to, once, as a
    positional argument; None otherwise."""
    path = S.dotted_path(call.func)
    local = S.stored_names(source.tree) | {a.id for a in source.tree.args.args + source.tree.args.kwonlyargs}
    if path is None or path[0] in local or call.keywords:
        return None     # a function value of its own, not the global of that name
    callee = source.resolve_path(path, depend=False)
    if not _plain_user_function(callee) or any(isinstance(a, gast.Starred) for a in call.args):
        return None
    try:
        bound = inspect.signature(callee).bind(*call.args)
    except TypeError:
        return None
    given = [name for name, value in bound.arguments.items()
             if isinstance(value, gast.Name) and value.id == parameter]
    return (callee, given[0]) if len(given) == 1 else None


class StateUses(ParameterUses):
    """How a body uses the name ``parameter``: items at constant indices read or written
    (``p[0]``, ``p[0] = v``), calls handing it on as an argument, and
    anything else (bad: the name used as a whole, an item's own item or attribute,
    ``p[0] += v``, which changes an array item in place, the name in a nested function)."""

    def __init__(self, parameter):
        super().__init__(parameter)
        self.indices, self.written = set(), set()

    def visit_Subscript(self, node):
        if self._is_it(node.value):
            if isinstance(node.slice, gast.Constant) and type(node.slice.value) is int and node.slice.value >= 0:
                self.indices.add(node.slice.value)
                if isinstance(node.ctx, gast.Store):
                    self.written.add(node.slice.value)
                return
            self.bad = True
            return
        if isinstance(node.value, gast.Subscript) and self._is_it(node.value.value):
            self.bad = True         # p[0][1]: an item's own item
            return
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if isinstance(node.value, gast.Subscript) and self._is_it(node.value.value):
            self.bad = True         # p[0].attr: the item itself
            return
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        if isinstance(node.target, gast.Subscript) and self._is_it(node.target.value):
            self.bad = True     # p[0] += v changes an array item in place: left to inlining
            return
        self.generic_visit(node)

    def visit_Call(self, node):
        if S.dotted_path(node.func) is not None and any(self._is_it(a) for a in node.args):
            self._hand_on(node)
            return
        self.generic_visit(node)


def _mixes(body, parameter):
    """Whether a statement both hands ``parameter`` on to a call and uses an item of it
    (its own parts: the test of an ``if``, the iterable of a ``for``, ...)."""
    for stmt in _statements(body):
        uses = StateUses(parameter)
        for part in _own_parts(stmt):
            uses.visit(part)
        if uses.handed_on and uses.indices:
            return True
    return False


def _statements(body):
    for stmt in body:
        yield stmt
        for field in ("body", "orelse", "finalbody"):
            yield from _statements(getattr(stmt, field, []) or [])
        for handler in getattr(stmt, "handlers", []) or []:
            yield from _statements(handler.body)
        for case in getattr(stmt, "cases", []) or []:
            yield from _statements(case.body)


def _own_parts(stmt):
    """The expressions of ``stmt`` itself, not of the statements nested in it."""
    if isinstance(stmt, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
        return []
    nested = {id(s) for field in ("body", "orelse", "finalbody") for s in getattr(stmt, field, []) or []}
    return [child for child in gast.iter_child_nodes(stmt)
            if id(child) not in nested and not isinstance(child, (gast.excepthandler, gast.match_case))]


def bound_to_lists(tree, name):
    """Whether ``name`` is, in the function ``tree``, not a parameter and bound only by
    assignments of list displays (``pos = [0]``): a list, never an array."""
    args = tree.args
    if name in {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}:
        return False
    lists = set()
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Assign) and isinstance(node.value, gast.List) \
                and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name):
            lists.add(id(node.targets[0]))
    stores = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and n.id == name
              and isinstance(n.ctx, (gast.Store, gast.Del))]
    return bool(stores) and all(id(n) in lists for n in stores)


def item_names(parameter, count, taken):
    """The names of the twin's parameters for the items: ``pos_0``, ``pos_1``, ..."""
    names = []
    for index in range(count):
        name = f"{parameter}_{index}"
        while name in taken:
            name += "_"
        names.append(name)
    return names


def twin_of(fn, parameter, state):
    """``fn`` taking the items of its list parameter ``parameter`` (``state.count`` of
    them) in its place and returning ``(value, item, ...)``; its ``__astgrad_state__`` is
    ``(parameter, item names)`` (one function per helper, parameter and count, kept
    while ``fn`` lives). The twin runs ``fn`` itself on a list of the items it is given
    (Python's own semantics); astgrad reads it as ``fn``'s code with ``pos[0]`` written
    ``pos_0`` (``_items_tree``), which computes the same."""
    made = _twins.setdefault(fn, {})
    key = (parameter, state.count)
    if key not in made:
        from .source import parse_function
        tree = parse_function(fn).tree
        names = item_names(parameter, state.count, S.names_in(tree))
        rewrite = lambda tree: _items_tree(tree, parameter, names)     # noqa: E731
        runner = _running_tree(S.copy(tree), parameter, names)
        twin = compile_running_twin(fn, runner, rewrite)
        twin.__astgrad_state__ = (parameter, tuple(names))
        made[key] = twin
    return made[key]


_LIST, _VALUE = "__astgrad_list__", "__astgrad_value__"


def _running_tree(tree, parameter, names):
    """``def f(a, pos_0, b): l = [pos_0]; v = original(a, l, b); return (v, l[0])``."""
    args = tree.args
    params = [a.id for a in args.args]
    position = params.index(parameter)
    args.args[position:position + 1] = [gast.Name(id=n, ctx=gast.Param(), annotation=None, type_comment=None)
                                        for n in names]
    passed = [S.name(p) if p != parameter else S.name(_LIST) for p in params]
    passed += [gast.Starred(value=S.name(args.vararg.id), ctx=gast.Load())] if args.vararg else []
    keywords = [gast.keyword(arg=a.id, value=S.name(a.id)) for a in args.kwonlyargs]
    items = [gast.Subscript(value=S.name(_LIST), slice=gast.Constant(value=i, kind=None), ctx=gast.Load())
             for i in range(len(names))]
    line = getattr(tree, "lineno", 1)
    tree.body = [S.assign(_LIST, gast.List(elts=[S.name(n) for n in names], ctx=gast.Load()), line=line),
                 S.assign(_VALUE, gast.Call(func=S.name(_ORIGINAL), args=passed, keywords=keywords), line=line),
                 gast.Return(value=gast.Tuple(elts=[S.name(_VALUE)] + items, ctx=gast.Load()))]
    tree.body[-1].lineno = line
    tree.decorator_list = []
    return tree


def _items_tree(tree, parameter, names):
    args = tree.args
    position = [a.id for a in args.args].index(parameter)
    args.args[position:position + 1] = [gast.Name(id=n, ctx=gast.Param(), annotation=None, type_comment=None)
                                        for n in names]
    for node in list(_own_nodes(tree.body)):
        for field, value in gast.iter_fields(node):
            if isinstance(value, list):
                value[:] = [_item_name(v, parameter, names) for v in value]
            else:
                setattr(node, field, _item_name(value, parameter, names))
    line = getattr(tree, "lineno", 1)
    for node in _own_nodes(tree.body):
        if isinstance(node, gast.Return):
            value = node.value if node.value is not None else gast.Constant(value=None, kind=None)
            node.value = _returned(value, names)
    last = tree.body[-1] if tree.body else None
    if not isinstance(last, gast.Return):
        ending = gast.Return(value=_returned(gast.Constant(value=None, kind=None), names))
        ending.lineno = getattr(last, "lineno", line)
        tree.body.append(ending)
    return tree


def _item_name(node, parameter, names):
    """``pos_0`` for ``pos[0]`` (load or store); anything else as it is."""
    if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) and node.value.id == parameter \
            and isinstance(node.slice, gast.Constant):
        return gast.Name(id=names[node.slice.value], ctx=node.ctx, annotation=None, type_comment=None)
    return node


def _returned(value, names):
    return gast.Tuple(elts=[value] + [S.name(n) for n in names], ctx=gast.Load())
