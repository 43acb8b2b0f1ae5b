"""Recursive helpers that keep the values they computed in a dict they are given (a
memo table), as functions passing the table in and out.

    def fib(x, n, memo):
        if n in memo:
            return memo[n]
        r = x if n < 2 else fib(x, n - 1, memo) + np.sin(fib(x, n - 2, memo))
        memo[n] = r
        return r

    fib(x, 10, {})

Python's semantics: each call's stores into ``memo`` are seen by its caller, and so by
the calls after it, which read the value stored rather than compute it again. A helper
whose dict parameter is used only as such a table (``k in memo``, ``k not in memo``,
``memo[k]``, ``memo.get(k, d)``, ``memo[k] = v`` and handing it on, as a positional
argument, to helpers that do the same, itself included) is differentiated as its twin
taking the table and returning it with its value::

    def fib(x, n, memo):        # as written, on a copy (memo = dict(memo)), with memo[n] = r
        ...                     # written memo = {**memo, n: r}, each `return v` returning (v, memo)

so each value read from the table carries the derivative of the call that stored it.
A statement that both hands the table on and reads it is not rewritten (which of the two
Python does first would need the dict itself). The twin runs ``fn`` itself on a copy of
the table it is given and returns the copy (Python's own stores, on a dict the caller
takes back); astgrad reads it as the code above. normalize/handed_state.py lowers the
calls of such helpers.
"""

import weakref

import gast

from ..core import syntax as S
from .collectors import ParameterUses, _own_nodes, visited_until_bad
from .threaded import _hands_on_to, _own_parts, _statements, family_uses, positional_arguments
from .varargs import ORIGINAL as _ORIGINAL, compile_running_twin

_twins = weakref.WeakKeyDictionary()        # helper -> {parameter: its twin}
_TABLE, _VALUE = "__astgrad_table__", "__astgrad_value__"


def table_parameter(fn, call):
    """``(parameter, argument node)`` where ``call`` of ``fn`` passes a name or a dict
    display for a parameter ``fn`` keeps a memo table in (see the module docstring) and
    stores into; None otherwise (no such parameter, or more than one)."""
    arguments = positional_arguments(fn, call)
    found = [(parameter, value) for parameter, value in (arguments or {}).items()
             if isinstance(value, (gast.Name, gast.Dict)) and family_stores(fn, parameter)]
    return found[0] if len(found) == 1 else None


def family_stores(fn, parameter):
    """Whether ``fn`` and the helpers it hands ``parameter`` on to use it only as a memo
    table, and one of them stores into it."""
    found = family_uses(fn, parameter, _uses)
    return bool(found) and any(uses.stores for uses in found)


def _uses(fn, parameter, mixing=False):
    """``(source, TableUses)``, or None where ``fn`` uses the parameter any other way."""
    from .source import parsed_for_reading
    try:
        source = parsed_for_reading(fn)
    except Exception:       # noqa: BLE001 - a helper astgrad cannot read keeps no table
        return None
    args = source.tree.args
    positional = [a.id for a in args.args]
    if parameter not in positional or args.posonlyargs or args.vararg or args.kwarg \
            or positional.index(parameter) >= len(positional) - len(args.defaults):
        return None
    uses = visited_until_bad(TableUses(parameter), source.tree.body)
    if uses.bad or (not mixing and _mixes(source.tree.body, parameter)):
        return None
    return source, uses


def caller_table(tree, name):
    """Whether the function ``tree`` binds its local ``name`` only to dict displays and
    uses it only as a memo table (as above): rebinding it to the table a twin hands
    back is then what storing into it shows."""
    args = tree.args
    if name in {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}:
        return False
    uses = TableUses(name, displays=True)
    for stmt in tree.body:
        uses.visit(stmt)
    return uses.displays and not uses.bad and not _mixes(tree.body, name)


def argument_table(tree, name):
    """Whether ``name`` is a parameter of the function ``tree`` that it uses only as a
    memo table (as above), never rebinding it: the twin then fills a copy of the caller's
    dict (checked by the twin's first lines), as a gradient call writes into a copy of an array argument,
    and ``name`` is bound to the table the twin hands back."""
    args = tree.args
    if name not in {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}:
        return False
    uses = visited_until_bad(TableUses(name), tree.body)
    return not uses.bad and not _mixes(tree.body, name)


def _not_a_dict(helper, kind):
    """Why a memo table of the class ``kind`` handed to ``helper`` is refused: a copy of a
    subclass (a defaultdict) would lose what it does on a missing key."""
    return (f"astgrad: the memo table handed to {helper} is a {kind}, where astgrad follows a dict; "
            f"pass a dict (dict(table)), or make the table in the function ({{}})")


def _not_a_table(helper, parameter, kind):
    """Why a helper storing items into its parameter (``pos[0] = v``), which astgrad reads
    as a memo table, is refused where it is handed something else than a dict (a list)."""
    return (f"astgrad: {helper} stores items into the {kind} handed to it as {parameter} "
            f"({parameter}[k] = v), which astgrad follows there where it is a dict (a memo table) or a list the "
            f"function differentiated makes itself ({parameter} = [0.0]); make the list in the function, write its "
            f"items in the function itself ({parameter}[0] = ..., followed on a copy of an argument's list), or "
            "have the helper return the new value")


def _dict_check(parameter, fn_name, line):
    """``if type(memo) is not dict: raise TypeError(...)``, written out (not a call of
    astgrad) so that an exported module runs it without astgrad."""
    table = _not_a_dict(fn_name, "\0").split("\0")
    other = _not_a_table(fn_name, parameter, "\0").split("\0")
    check = gast.parse(f"if type({parameter}) is not dict:\n"
                       f"    raise TypeError(({table[0]!r} + type({parameter}).__name__ + {table[1]!r}) "
                       f"if isinstance({parameter}, dict) else "
                       f"({other[0]!r} + type({parameter}).__name__ + {other[1]!r}))").body[0]
    for node in gast.walk(check):
        if hasattr(node, "lineno"):
            node.lineno, node.end_lineno, node.col_offset, node.end_col_offset = line, line, 0, 0
    return check


class TableUses(ParameterUses):
    """How a body uses the name ``parameter``: as a table (``k in p``, ``p[k]``,
    ``p.get(k)``, ``p[k] = v`` as a statement of its own), handed on to calls, or
    otherwise (bad: read or stored whole, ``p[k] += v``, ``del p[k]``, other methods)."""

    def __init__(self, parameter, displays=False):
        super().__init__(parameter)
        self.stores = False
        self.displays = displays    # (p = {...} taken, and then counted here)

    def visit_Assign(self, node):
        if self.displays and len(node.targets) == 1 and self._is_it(node.targets[0]):
            if not isinstance(node.value, gast.Dict):
                self.bad = True
            self.visit(node.value)
            return
        if any(_item_of(t, self.parameter) for t in node.targets):
            if len(node.targets) != 1 or _sliced(node.targets[0].slice):    # p[1:3] = v: a list's slice
                self.bad = True
                return
            self.stores = True
            self.visit(node.targets[0].slice)
            self.visit(node.value)
            return
        self.generic_visit(node)

    def visit_Subscript(self, node):
        if self._is_it(node.value):
            if not isinstance(node.ctx, gast.Load):
                self.bad = True     # del p[k], p[k] += v, p[k], q = ...
            self.visit(node.slice)
            return
        self.generic_visit(node)

    def visit_Compare(self, node):
        parts = [node.left] + node.comparators
        for position, part in enumerate(parts):
            if self._is_it(part) and not (position and isinstance(node.ops[position - 1], (gast.In, gast.NotIn))):
                self.bad = True
            elif not self._is_it(part):
                self.visit(part)

    def visit_Call(self, node):
        if isinstance(node.func, gast.Attribute) and self._is_it(node.func.value) and node.func.attr == "get" \
                and not node.keywords and 1 <= len(node.args) <= 2:
            for arg in node.args:
                self.visit(arg)
            return
        if S.dotted_path(node.func) is not None and any(self._is_it(a) for a in node.args):
            self._hand_on(node)
            return
        self.generic_visit(node)


def _sliced(index):
    """Whether ``index`` holds a slice (``1:3``), which no dict takes as a key."""
    return any(isinstance(n, gast.Slice) for n in gast.walk(index))


def _item_of(node, parameter):
    return isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) and node.value.id == parameter


def _mixes(body, parameter):
    """Whether a statement both hands ``parameter`` on to a call and uses it otherwise."""
    return _mixing_statement(body, parameter) is not None


def _mixing_statement(body, parameter):
    """The first statement of ``body`` that both hands ``parameter`` on and uses it otherwise."""
    for stmt in _statements(body):
        handed, used = TableUses(parameter), _Named(parameter)
        for part in _own_parts(stmt):
            handed.visit(part)
            used.visit(part)
        if handed.handed_on and used.count > len(handed.handed_on):
            return stmt
    return None


def mixed_table(fn, call):
    """``(helper, source, statement)`` where ``call`` of the recursive ``fn`` hands it a
    dict it would keep as a memo table but for the statement of ``helper`` that both hands
    the table on and reads it (``memo[n] = fib(x, n - 1, memo) + memo.get(n - 2, x)``);
    None otherwise (also where no helper stores into it: then it is no table)."""
    found = []

    def uses_allowing_a_mix(helper, parameter):
        answer = _uses(helper, parameter, mixing=True)
        if answer is not None:
            source, uses = answer
            stmt = _mixing_statement(source.tree.body, parameter)
            recursive = any((_hands_on_to(source, c, parameter) or (None,))[0] in (helper, fn) for c in uses.handed_on)
            found.append((helper, source, stmt, recursive))
        return answer

    for parameter, value in (positional_arguments(fn, call) or {}).items():
        found.clear()
        uses = isinstance(value, (gast.Name, gast.Dict)) and family_uses(fn, parameter, uses_allowing_a_mix)
        # a table is stored into: an array or list only read by index (x[n - 1] + f(x, n - 1)) keeps none
        if uses and any(use.stores for use in uses) and any(recursive for *_, recursive in found):
            mixed = [(helper, source, stmt) for helper, source, stmt, _ in found if stmt is not None]
            if mixed:
                return mixed[0]
    return None


class _Named(gast.NodeVisitor):
    def __init__(self, name):
        self.name, self.count = name, 0

    def visit_Name(self, node):
        self.count += node.id == self.name


def twin_of(fn, parameter):
    """``fn`` returning ``(value, table)`` where it stored into its parameter ``parameter``
    in place; its ``__astgrad_table__`` is ``parameter`` (one function per helper and
    parameter, kept while ``fn`` lives)."""
    made = _twins.setdefault(fn, {})
    if parameter not in made:
        from .source import parse_function
        tree = parse_function(fn).tree
        rewrite = lambda tree: _table_tree(tree, parameter, fn.__qualname__)     # noqa: E731
        twin = compile_running_twin(fn, _running_tree(S.copy(tree), parameter, fn.__qualname__), rewrite)
        twin.__astgrad_table__ = parameter
        made[parameter] = twin
    return made[parameter]


def _running_tree(tree, parameter, fn_name):
    """``def f(a, memo, b): if type(memo) is not dict: raise TypeError(...); t = dict(memo);
    v = original(a, t, b); return (v, t)``: the check written out (not a call of
    ``checked_table``) so that an exported module runs it without astgrad."""
    args = tree.args
    passed = [S.name(a.id) if a.id != parameter else S.name(_TABLE) for a in args.args]
    keywords = [gast.keyword(arg=a.id, value=S.name(a.id)) for a in args.kwonlyargs]
    line = getattr(tree, "lineno", 1)
    check = _dict_check(parameter, fn_name, line)
    copied = gast.Call(func=S.name("dict"), args=[S.name(parameter)], keywords=[])
    tree.body = [check, S.assign(_TABLE, copied, line=line),
                 S.assign(_VALUE, gast.Call(func=S.name(_ORIGINAL), args=passed, keywords=keywords), line=line),
                 gast.Return(value=gast.Tuple(elts=[S.name(_VALUE), S.name(_TABLE)], ctx=gast.Load()))]
    tree.body[-1].lineno = line
    tree.decorator_list = []
    return tree


def _table_tree(tree, parameter, fn_name):
    """``tree`` on a copy of the table, with each ``p[k] = v`` written ``p = {**p, k: v}``
    and each ``return v`` returning ``(v, p)``, after the check that the table is a dict
    (the derivatives made from this tree run it too)."""
    # a copy first: a variant made from this tree (frontend/function_args.py) runs it, and
    # the calls handing the table on change it in place there, as in Python
    copied = gast.Call(func=S.name("dict"), args=[S.name(parameter)], keywords=[])
    line = getattr(tree, "lineno", 1)
    tree.body[:] = [_dict_check(parameter, fn_name, line), S.assign(parameter, copied, line=line)] + \
        [_stored_anew(stmt, parameter) for stmt in tree.body]
    for node in list(_own_nodes(tree.body)):
        for field, value in gast.iter_fields(node):
            if isinstance(value, list):
                value[:] = [_stored_anew(v, parameter) for v in value]
        if isinstance(node, gast.Return):
            value = node.value if node.value is not None else gast.Constant(value=None, kind=None)
            node.value = gast.Tuple(elts=[value, S.name(parameter)], ctx=gast.Load())
    last = tree.body[-1] if tree.body else None
    if not isinstance(last, gast.Return):
        ending = gast.Return(value=gast.Tuple(elts=[gast.Constant(value=None, kind=None), S.name(parameter)],
                                              ctx=gast.Load()))
        ending.lineno = getattr(last, "lineno", getattr(tree, "lineno", 1))
        tree.body.append(ending)
    return tree


def _stored_anew(stmt, parameter):
    """``p = {**p, k: v}`` for the statement ``p[k] = v``; anything else as it is."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and _item_of(stmt.targets[0], parameter)):
        return stmt
    table = gast.Dict(keys=[None, stmt.targets[0].slice], values=[S.name(parameter), stmt.value])
    return gast.copy_location(gast.Assign(targets=[S.name(parameter, store=True)], value=table,
                                          type_comment=None), stmt)
