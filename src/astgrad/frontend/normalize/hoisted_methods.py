"""A call of an argument's method inside an expression (``r = x[0] + model.run(w)``,
``return np.sum(x) * m.total()``) taken out into a statement of its own just before its
statement (``run_value = model.run(w)``), which argument_methods.py then writes the
method into.

Only where that changes nothing Python computes: the calls lie where Python evaluates
each once (queue_reads.eager_calls), kept in the order it runs them, and what the
expression evaluates besides them, which then runs after them, has no effect of its own
and reads nothing they may change: it names their argument nowhere, reads attributes and
items only of the other arguments (never rebound) and of modules, and calls only NumPy's
and math's functions, none drawing random numbers or writing into an array
(``np.sum(x)``), and builtins that change nothing (``len``, ``abs``). The calls' own
arguments are held to the same rule, their argument allowed. Elsewhere the call is left
where it is, and refused as it was."""

import builtins
import inspect
import types

import gast

from ...core.first_use import imported_when_called
from ...core import syntax as S
from ...core import walk
from .scopes import parameters

# modules only some functions need, loaded with the first call of these (core/first_use.py)
eager_calls = imported_when_called(__package__ + ".queue_reads", "eager_calls")
replace_node = imported_when_called(__package__ + ".queue_reads", "replace_node")

_STATEMENTS = (gast.Assign, gast.Return, gast.Expr)
_PLAIN = (gast.Name, gast.Constant, gast.Attribute, gast.Subscript, gast.Call, gast.BinOp, gast.UnaryOp,
          gast.Compare, gast.Tuple, gast.List, gast.Slice, gast.keyword, gast.expr_context, gast.operator,
          gast.unaryop, gast.cmpop)

_PURE_BUILTINS = {"abs", "len", "min", "max", "round", "pow", "divmod"}
# what may change something, or draw from a generator: np.random, np.copyto(a, b)
_CHANGING = {"random", "copyto", "put", "place", "putmask", "fill_diagonal", "put_along_axis", "seterr"}


def hoist_method_calls(normalizer, tree, receiver_of, taken_alone):
    """Take such calls out of their statements in ``tree``, in place (module docstring).
    ``receiver_of(call)``: the argument whose method ``call`` calls, where the method may
    be written in, else None; ``taken_alone(stmt)``: whether ``stmt`` is such a call
    argument_methods.py writes in as it is."""
    bound = {n.id for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load)}
    for block in walk.walk_blocks(tree.body):
        for stmt in list(block):
            if not isinstance(stmt, _STATEMENTS) or stmt.value is None or taken_alone(stmt):
                continue
            calls = eager_calls(stmt.value, lambda node: receiver_of(node) is not None)
            if not calls or not _commutes(normalizer, tree, bound, stmt.value, calls, {receiver_of(c) for c in calls}):
                continue
            at = block.index(stmt)
            for call in calls:
                name = normalizer.namer.fresh(f"{getattr(call.func, 'attr', 'call')}_value")     # (net(x): call_value)
                replace_node(stmt, call, gast.copy_location(S.name(name), call))
                block.insert(at, gast.copy_location(S.assign(name, call), stmt))
                at += 1


def _commutes(normalizer, tree, bound, value, calls, receivers):
    """Whether ``value`` apart from ``calls``, and the calls' arguments, may run after them."""
    inside = {id(n) for call in calls for n in S.walk_nodes(call)}
    rest = [n for n in S.walk_nodes(value) if id(n) not in inside]
    handed = [n for call in calls for a in call.args + [k.value for k in call.keywords] for n in S.walk_nodes(a)]
    own = _Scope(normalizer, tree, bound)
    return all(own.plain(n, receivers) for n in rest) and all(own.plain(n, ()) for n in handed)


class _Scope:
    """What the names of the function mean, for telling plain reads."""

    def __init__(self, normalizer, tree, bound):
        self.globals, self.closure, self.bound = normalizer.source.globals, normalizer.source.closure, bound
        self.arguments = {name for name in parameters(tree) if not normalizer.bound_count.get(name)}

    def plain(self, node, receivers):
        """Whether evaluating ``node`` has no effect and reads nothing a call of a method
        of ``receivers`` may change (a bare name's value is the object it was)."""
        if not isinstance(node, _PLAIN) or isinstance(node, gast.Name) and node.id in receivers:
            return False
        if isinstance(node, (gast.Attribute, gast.Subscript)):
            root = node
            while isinstance(root, (gast.Attribute, gast.Subscript)):
                root = root.value
            return isinstance(root, gast.Name) and (root.id in self.arguments and root.id not in receivers
                                                    or inspect.ismodule(self._global(root.id)))
        if isinstance(node, gast.Call):
            func = node.func
            if isinstance(func, gast.Name):
                return func.id in _PURE_BUILTINS and self._global(func.id) is getattr(builtins, func.id)
            module = self._root_value(func) if isinstance(func, gast.Attribute) else None
            return isinstance(module, types.ModuleType) and module.__name__.partition(".")[0] in ("numpy", "math") \
                and not set(_dotted(func)) & _CHANGING and all(k.arg != "out" for k in node.keywords)
        return True

    def _global(self, name):
        """What ``name`` means in the function where it is a global or a builtin, else None."""
        if name in self.bound or name in self.closure:
            return None
        return self.globals[name] if name in self.globals else getattr(builtins, name, None)

    def _root_value(self, func):
        root = func
        while isinstance(root, gast.Attribute):
            root = root.value
        return self._global(root.id) if isinstance(root, gast.Name) else None


def _dotted(func):
    """The attribute names of ``np.linalg.norm``: [norm, linalg]."""
    names = []
    while isinstance(func, gast.Attribute):
        names.append(func.attr)
        func = func.value
    return names
