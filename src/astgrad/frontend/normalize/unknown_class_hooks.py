"""Comparisons, iteration, item reads and conversions of a value whose class the code does
not know when it is made: a parameter of a helper reached through ``*args``, a lambda or a
function value (no layout describes what it is given), what the function reads out of
one (an item, an attribute, a loop's item), and what a call of the user's code gives.

Python runs the value's own hook for ``b < 3`` (``__lt__``), ``for k in b`` and ``a, c = b``
(``__iter__``), ``b[i]`` (``__getitem__``), ``float(b)``, ``str(b)``, ``f"{b}"``, ``abs(b)``,
``hash(b)``. The generated code keeps such an operation as it is, and runs the helper's code
more than once (its value, then its derivative), so a hook of the user's that changes
something in place would run more often than Python runs it: before the operation, a call
of ``runtime.check_value_hooks`` on the atom the operation reads (no name of its own, so
the analyses of sharing see nothing new) stops where the value's class has such a hook
(value_hooks.py). Python's and NumPy's own values pass at one look-up of their type.

A derivative normalized again (second order) already holds the checks of the code it was
made from, so none is added there; an operand whose class the code knows is followed (or
refused) when the code is made (hooked_reads.py, comparison_methods.py) and needs none."""

import gast
import numpy

from ... import runtime
from ...core import generated_text
from ...core import syntax as S
from .. import object_layouts as L
from .refusals import _Line
from .scopes import parameters
from .unknown_objects import Items, all_bindings, hands_back

# what an operation's check is called for, by the comparison's operator
COMPARED = {gast.Lt: "<", gast.LtE: "<=", gast.Gt: ">", gast.GtE: ">=", gast.Eq: "==", gast.NotEq: "!="}
# the attributes of Python's and NumPy's own values (x.shape, xs.append, d.items)
_PLAIN_ATTRIBUTES = frozenset().union(*map(dir, (numpy.ndarray, numpy.float64, list, dict, tuple, set, str, float,
                                                 int, complex)))
# an f-string's {v!s}, {v!r}, {v!a} (else its __format__)
FORMATTED = {ord("s"): "str()", ord("r"): "repr()", ord("a"): "repr()"}
# the conversions a call runs a hook of its first argument for
CONVERTED = {float: "float()", int: "int()", complex: "complex()", str: "str()", repr: "repr()", abs: "abs()",
             hash: "hash()", format: "format"}


def check_hooks_when_run(lowering, written, atom, operation, node):
    """Before ``node`` runs ``operation`` (a key of value_hooks's table: ``"<"``,
    ``"iteration"``, ``"float()"``) on ``atom``, the lowered ``written``, a check of its
    class's hook where ``written`` may read a value of a class the code does not know."""
    if not isinstance(atom, gast.Name) or atom.id in lowering.functions \
            or not _may_hold_unknown_class(lowering, written) or (atom.id, operation) in _checked_in_source(lowering):
        return      # (a name holding local functions, or a literal of them, is followed where it is called)
    place = lowering.source.place(node if getattr(node, "lineno", None) is not None else _Line(lowering.line))
    if lowering.loop_depth and atom.id in parameters(lowering.source.tree) and not lowering.bound_count.get(atom.id):
        # a parameter the code never binds again, in a loop: checked once, when the code starts
        lowering.__dict__.setdefault("_hoisted_hooks", {}).setdefault((atom.id, operation), place)
        return
    lowering.emit(_check(lowering, atom.id, operation, place))


def with_hoisted_checks(lowering, prologue, body):
    """``prologue`` and ``body``, the function's lowered statements, after the checks of
    parameters' hooks lifted out of loops (``check_hooks_when_run``)."""
    hoisted = lowering.__dict__.pop("_hoisted_hooks", {})
    return [_check(lowering, name, operation, place) for (name, operation), place in hoisted.items()] \
        + prologue + body


def _check(lowering, name, operation, place):
    return gast.Expr(value=lowering.runtime_call(runtime.check_value_hooks, [
        S.name(name), S.const(operation), S.const(place)]))


def _may_hold_unknown_class(lowering, written):
    if isinstance(written, gast.Constant) or lowering._object_class(written) is not None:
        return False
    fn = lowering.source.fn
    code = getattr(fn, "__code__", None)
    if code is not None and generated_text.is_derivative(code):
        return False            # (checked where the code it was made from was)
    root = L.root(written)
    if root is not None and root not in _objects_by_use(lowering):
        return False            # (a number, an array, a list: no attribute of an object read of it)
    return _reads_outside(lowering, written, _outside_names(lowering))


def _checked_in_source(lowering):
    """(name, operation) of the checks the code normalized already makes (code astgrad
    made, normalized again: the first normalization's checks stay, once)."""
    found = lowering.__dict__.get("_checked_in_source")
    if found is None:
        found = lowering.__dict__["_checked_in_source"] = {
            (call.args[0].id, call.args[1].value) for call in S.nodes_of_class(lowering.source.tree, gast.Call)
            if isinstance(call.func, gast.Name) and call.func.id.startswith("check_value_hooks")
            and len(call.args) == 3 and isinstance(call.args[0], gast.Name) and isinstance(call.args[1], gast.Constant)
            and lowering.source.resolve_path((call.func.id,), depend=False) is runtime.check_value_hooks}
    return found


def _objects_by_use(lowering):
    """The names of the function (and of the helpers inlined in it) an attribute is read
    of that no value of Python's or NumPy's own has (``b.a``, ``b.inner.a``, ``b[0].a``):
    objects of a user's class, where the code reads them. The others (``x.shape``,
    ``xs.append``) are numbers, arrays and containers as far as the code shows, whose
    comparisons stay as written."""
    found, seen = lowering.__dict__.get("_objects_by_use", (set(), 0))
    trees = ([lowering.source.tree] if seen == 0 else []) + lowering.inlined_trees[max(seen - 1, 0):]
    for tree in trees:
        found.update(L.root(node.value) for node in S.nodes_of_class(tree, gast.Attribute)
                     if node.attr not in _PLAIN_ATTRIBUTES)
    lowering.__dict__["_objects_by_use"] = (found, len(lowering.inlined_trees) + 1)
    return found


def _reads_outside(lowering, expr, names):
    """Whether ``expr`` may read a value of one of ``names`` as it is: the name itself, an
    item or an attribute of it, what a loop over it binds, or what a call of the user's
    code gives. A display, a comprehension and what an operator or NumPy computes are
    values of Python's or NumPy's own (an operand's class defining operators is followed
    where the code knows it, unknown_operators.py)."""
    kind = type(expr)
    if kind is gast.Name:
        return expr.id in names
    if kind is Items:
        return _reads_outside(lowering, expr.iterable, names)
    if kind in (gast.Subscript, gast.Attribute, gast.Starred, gast.NamedExpr):
        return _reads_outside(lowering, expr.value, names)
    if kind is gast.IfExp:
        return _reads_outside(lowering, expr.body, names) or _reads_outside(lowering, expr.orelse, names)
    if kind is not gast.Call:
        return False
    if lowering._user_call(expr):
        return True
    callee = lowering.resolve_call(expr)
    return callee is not None and hands_back(callee) and any(_reads_outside(lowering, a, names) for a in expr.args)


def _outside_names(lowering):
    """The names of the function (and of the helpers inlined in it) that may hold a value
    of a class the code does not know: its parameters no layout describes, and the names
    bound from them or from a call of the user's code (unknown_objects.py's fixed point)."""
    names, seen = lowering.__dict__.get("_outside_names", (None, 0))
    if names is None:
        fn = lowering.source.fn
        laid = set(getattr(fn, "__astgrad_layouts__", ())) | set(getattr(fn, "__astgrad_sequences__", ()))
        names = set(parameters(lowering.source.tree)) - laid
        _grow(lowering, names, list(all_bindings(lowering.source.tree)))
    if seen < len(lowering.inlined_trees):
        trees, seen = lowering.inlined_trees[seen:], len(lowering.inlined_trees)
        _grow(lowering, names, [binding for tree in trees for binding in all_bindings(tree)])
    lowering.__dict__["_outside_names"] = (names, seen)
    return names


def _grow(lowering, names, bindings):
    """Add to ``names`` the targets of ``bindings`` whose value reads one of them, to a
    fixed point."""
    grown = True
    while grown:
        grown = False
        for targets, value in bindings:
            if not targets <= names and _reads_outside(lowering, value, names):
                names |= targets
                grown = True
