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

from ... import runtime
from ...core import generated_text
from ...core import syntax as S
from .refusals import _Line
from .scopes import parameters
from .unknown_objects import all_bindings

# what an operation's check is called for, by the comparison's operator
COMPARED = {gast.Lt: "<", gast.LtE: "<=", gast.Gt: ">", gast.GtE: ">=", gast.Eq: "==", gast.NotEq: "!="}


def check_hooks_when_run(lowering, written, atom, operation, node):
    """Before ``node`` runs ``operation`` (a key of value_hooks's table: ``"<"``,
    ``"iteration"``, ``"float()"``) on ``atom``, the lowered ``written``, a check of its
    class's hook where ``written`` may read a value of a class the code does not know."""
    if not isinstance(atom, gast.Name) or not _may_hold_unknown_class(lowering, written):
        return
    place = lowering.source.place(node if getattr(node, "lineno", None) is not None else _Line(lowering.line))
    lowering.emit(gast.Expr(value=lowering.runtime_call(runtime.check_value_hooks, [
        S.copy(atom), S.const(operation), S.const(place)])))


def _may_hold_unknown_class(lowering, written):
    if isinstance(written, gast.Constant) or lowering._object_class(written) is not None:
        return False
    fn = lowering.source.fn
    code = getattr(fn, "__code__", None)
    if code is not None and generated_text.is_derivative(code):
        return False            # (checked where the code it was made from was)
    return lowering._reads_unknown(written, _outside_names(lowering))


def _outside_names(lowering):
    """The names of the function (and of the helpers inlined in it) that may hold a value
    of a class the code does not know: its parameters no layout describes, and the names
    bound from them or from a call of the user's code (unknown_objects.py's fixed point)."""
    names, seen = lowering.__dict__.get("_outside_names", (None, 0))
    if names is None:
        fn = lowering.source.fn
        laid = set(getattr(fn, "__astgrad_layouts__", ())) | set(getattr(fn, "__astgrad_sequences__", ()))
        names = set(parameters(lowering.source.tree)) - laid
        lowering._grow_unknown(names, list(all_bindings(lowering.source.tree)))
    if seen < len(lowering.inlined_trees):
        trees, seen = lowering.inlined_trees[seen:], len(lowering.inlined_trees)
        lowering._grow_unknown(names, [binding for tree in trees for binding in all_bindings(tree)])
    lowering.__dict__["_outside_names"] = (names, seen)
    return names
