"""Literals of functions astgrad follows beyond those written in the code (closures.py
follows ``fs = [np.sin, lambda v: v * w]``):

- a global list, tuple or dict holding only functions (``ACTIVATIONS = {"tanh": np.tanh,
  "relu": relu}``), followed as the functions it holds when the code is generated; the
  code depends on them (a guard on its items, guards.py), so replacing, adding or
  removing one makes new code at the next call;
- an argument holding functions and other values (``[np.sin, 2.0]``), which the function
  was made for (frontend/function_args.py): its functions are known, its other items
  read from the argument when the code runs;
- a list or tuple display of tuples of values and functions (``pipeline = [("scale",
  lambda v: v * w), ("sin", np.sin)]``), bound once and never changed: its values read
  when it is made, as the display reads them, its functions followed (``for name, fn in
  pipeline``).

A list or dict display of functions the code changes afterwards (``fs[0] = np.tan``,
``fs.append(g)``, ``del ops["a"]``, directly, through another name bound to it, or in a
helper it is handed to: ``changed_in_place``) is not followed as the functions it was
made with: it is an ordinary value, and a call of one of its items is refused (or, for a
lambda, the lambda stored as a value is). The same check says which tuples, lists and
dicts of values keep the items of their display (``fixed_display``): a zip over one
(function_loops.py), a key read from one (``ops[config["act"]]``).
"""

import gast
import numpy

from ...core import syntax as S
from ...core.missing import MISSING
from ...core.functions import ITEMS_ROOT, items_snapshot
from ...core.ops import is_user_function
from ...errors import TransformError
from ..source import parse_function
from .closures import Data, Functions, Global, Local, Made, _has_value, functions_container
from .scopes import returns_local_function


class FunctionLiteralLowering:
    """Normalizer methods for global literals of functions and arguments holding some."""

    def functions_literal(self, node):
        """The Functions ``node`` names: a local literal of function values, or a global
        list, tuple or dict holding only functions; None otherwise."""
        if isinstance(node, gast.Name) and node.id in self.functions:
            found = self.functions[node.id]
            return found if isinstance(found, Functions) else None
        path = S.dotted_path(node)
        if path is None or path[0] in self.locals \
                or not functions_container(self.source.resolve_path(path, depend=False)):
            return None
        return self.function_value(node)

    def global_functions(self, path, container, node):
        """A global list, tuple or dict holding only functions (``ACTS = {"tanh": np.tanh,
        "relu": relu}``) as the literal of the functions it holds now: the code depends on
        them (a guard), so it is made again when an item is replaced, added or removed.
        One the function itself, or a function it reaches (reached_flips.py), changes in place
        (``FS.reverse()``) is refused: the functions it holds when the code is made are not
        those the call reads after the change."""
        from .reached_flips import changed_container_error, changer_of    # (loaded with the first such global)
        own = len(path) == 1 and self.changed_in_place(path[0])
        changer = None if own else changer_of(self.source.fn, container, path[-1], changed_in_place)
        if own or changer is not None:
            raise changed_container_error(self.source, ".".join(path), changer, node)
        self.source.dependencies.append(((ITEMS_ROOT, ".".join(path)), (container, items_snapshot(container))))
        keys = list(container) if isinstance(container, dict) else None
        values = container.values() if isinstance(container, dict) else container
        return Functions(keys, [Global(v, S.name(self.bind_value(v, "function"))) for v in values])

    def global_constants(self, node):
        """The items of a global list or tuple of numbers, strings or arrays (``COEFS =
        [1.0, 0.5]``, at most a few dozen) as the constants it holds when the code is
        generated; a NumPy number (``np.float64(0.5)``) or array as a Data item read from
        the list when the code runs, so it keeps its type and its current values (a number
        cannot be changed in place: ``c *= w`` binds a new value; an array written into
        there is the global's memory, which the in-place checks refuse). The code depends
        on the items as on a global list of functions, so replacing, adding or removing one
        makes new code at the next call. None for anything else."""
        path = S.dotted_path(node)
        if path is None or path[0] in self.locals:
            return None
        held = self.source.resolve_path(path, depend=False)
        if not isinstance(held, (list, tuple)) or not 0 < len(held) <= 64:
            return None
        self.source.resolve_path(path)      # rebinding the name makes new code too
        self.source.dependencies.append(((ITEMS_ROOT, ".".join(path)), (held, items_snapshot(held))))
        if not all(zipped_constant(v) for v in held):
            return None     # refused (a list of arrays, ...) until its items change
        return [Data(gast.Subscript(value=S.copy(node), slice=S.const(i), ctx=gast.Load()))
                if _read_when_run(v) else v for i, v in enumerate(held)]

    def bind_factory_results(self, target, value):
        """``fs = [make(1.0), make(2.0)]``, ``make`` a local factory (a def returning a
        function it defines), ``fs`` bound once and never changed: each call inlined in
        turn, as Python makes them, and ``fs`` the list of the functions they return.
        False for any other binding."""
        if not (isinstance(value, (gast.List, gast.Tuple)) and value.elts
                and all(self.local_factory_call(e) for e in value.elts)
                and self.bound_count[target] <= 1 and not self.changed_in_place(target)):
            return False
        items = []
        for elt in value.elts:
            made = self.expr(elt, hint="fn")
            if not (isinstance(made, gast.Name) and isinstance(self.functions.get(made.id), (Local, Made))):
                raise self._refuse("a list of what a local factory returns, when that is not a function", elt,
                                   "call the factory where its function is called")
            items.append(self.functions[made.id])
        self.bind_function(target, Functions(None, items), value)
        return True

    def named_factory_display(self, node):
        """``[make(1.0), make(3.0)][1]``, what a local factory returns in a display read at
        a key known now, as ``fns[1]``: ``fns`` bound to the display first
        (``bind_factory_results``), so each factory call runs where Python runs it, before
        the item is read and called. None for any other node (nothing is bound)."""
        if not self.is_factory_display_item(node):
            return None
        held = self.namer.fresh("fns")
        if not self.bind_factory_results(held, node.value):
            return None
        return gast.Subscript(value=S.name(held), slice=node.slice, ctx=gast.Load())

    def is_factory_display_item(self, node):
        """Whether ``node`` is ``[make(1.0), make(3.0)][1]`` (see named_factory_display)."""
        if not (isinstance(node, gast.Subscript) and isinstance(node.value, (gast.List, gast.Tuple))
                and node.value.elts and all(self.local_factory_call(e) for e in node.value.elts)):
            return False
        key, count = self.key_known_now(node.slice), len(node.value.elts)
        return type(key) is int and -count <= key < count

    def local_factory_call(self, node):
        """Whether ``node`` calls a local def that returns a function it defines."""
        return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
            and isinstance(self.functions.get(node.func.id), Local) \
            and returns_local_function(self.functions[node.func.id].node)

    def bind_mixed_argument(self, target, value):
        """``fns = [fns_0, fns[1]]``, how a function made for an argument holding functions
        and other values (frontend/function_args.py) starts: ``fns`` bound to the Functions
        of those functions and of the other items, read now from the argument, which the
        parameter still holds when the code runs."""
        mixed = self.mixed_tuple(value, set(), dicts=True)
        if mixed is None:
            return False
        function = self.functions[target] = self.functions[mixed.id]
        function.argument = dict if isinstance(value, gast.Dict) else (list if isinstance(value, gast.List) else tuple)
        self.locals.add(target)
        return True

    def key_known_later(self, node):
        """The refusal of ``ops[name](x)``, ``ops`` a literal of functions and ``name`` a
        key known only when the code runs."""
        return self._refuse(
            "a call of a function taken from a list or dict of functions with a key known only when the "
            "code runs", node, "index it with a constant (a key read from a dict display the code never "
            "changes, cfg[\"act\"] or cfg.get(\"act\", \"relu\"), is one), loop over constant keys (for name "
            "in (\"tanh\", \"sin\"): ops[name](x)), choose with if/elif on the key, calling the function in "
            "each branch (if name == \"tanh\": y = np.tanh(z) elif ...), or pass the function itself as an "
            "argument (the derivative is made for the function given)")

    def raise_missing_item(self, item):
        """``ops[k]`` with ``k`` known now and not in the literal (the copy of a loop over
        constant keys for a key it lacks, whose call is guarded): the error Python raises,
        emitted where the item is read; False when the key is not known now."""
        container = self.functions_literal(item.value)
        key = self.key_known_now(item.slice)        # closures.py
        if container.keys is not None and key is not MISSING:
            error = gast.Call(func=S.name("KeyError"), args=[S.const(key)], keywords=[])
        elif container.keys is None and type(key) is int:
            error = gast.Call(func=S.name("IndexError"), args=[S.const("index out of range")],
                              keywords=[])
        else:
            return False
        self.emit(gast.Raise(exc=error, cause=None))
        return True

    def key_test(self, node):
        """``k in ops`` (or ``not in``), ``ops`` a dict of functions and ``k`` known now,
        as the constant it is (the dict may have no value when the code runs); None for
        any other comparison."""
        if not (len(node.ops) == 1 and isinstance(node.ops[0], (gast.In, gast.NotIn))):
            return None
        container = self.functions_literal(node.comparators[0])
        if container is None or container.keys is None:
            return None
        key = self.key_known_now(node.left)        # closures.py
        if key is MISSING:
            return None
        return S.const((key in container.keys) == isinstance(node.ops[0], gast.In))

    def function_got(self, node):
        """What ``ops.get(k, default)`` gives, ``ops`` a dict of functions, ``k`` known now
        and ``default`` a function value (reading it does nothing else): the item
        ``ops[k]`` when ``ops`` has the key, else ``default``; None for any other call."""
        if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr == "get"
                and not node.keywords and len(node.args) == 2
                and not any(isinstance(a, gast.Starred) for a in node.args)):
            return None
        container = self.functions_literal(node.func.value)
        key = self.key_known_now(node.args[0])        # closures.py
        if container is None or container.keys is None or key is MISSING \
                or not self.looks_like_function(node.args[1]):
            return None
        if key in container.keys:
            return gast.Subscript(value=S.copy(node.func.value), slice=S.const(key), ctx=gast.Load())
        return node.args[1]

    def fixed_display(self, node):
        """The display a local name is bound to, once, when its items never change: a
        tuple, or a list or a dict the code never changes in place; None otherwise."""
        if not isinstance(node, gast.Name) or node.id in self.functions or self.bound_count[node.id] != 1:
            return None
        tree = self.source.tree
        for stmt in S.walk_nodes(tree):
            if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
                    and stmt.targets[0].id == node.id:
                value = stmt.value
                if isinstance(value, gast.Tuple) or isinstance(value, (gast.List, gast.Dict)) \
                        and not self.changed_in_place(node.id):
                    parts = value.values if isinstance(value, gast.Dict) else value.elts
                    return None if None in getattr(value, "keys", ()) \
                        or any(isinstance(e, gast.Starred) for e in parts) else value
        return None

    def changed_in_place(self, name):
        """Whether the code may change the list or dict a local ``name`` is bound to after
        it is made (see ``changed_in_place``)."""
        return changed_in_place(self.source.tree, name, self.callee_def)

    def callee_def(self, call):
        """The def a call runs when it is a function of the user's (a local def, or parsed),
        "library" for another function astgrad resolves, None when it cannot tell."""
        if isinstance(call.func, gast.Name) and call.func.id in self.locals:
            return next((n for n in S.walk_nodes(self.source.tree)
                         if isinstance(n, gast.FunctionDef) and n.name == call.func.id), None)
        callee = self.resolve_call(call)
        if callee is None:
            return None
        if not (is_user_function(callee) and hasattr(callee, "__code__")):
            return "library"
        try:
            return parse_function(callee).tree
        except TransformError:
            return None

    def constant_item(self, node):
        """The constant ``config["act"]`` (or ``config.get("act", "relu")``) reads,
        ``config`` bound once to a display never changed whose item there (or the default,
        for a key it has not) is a constant (all its keys constants); None otherwise."""
        got = _constant_get(node)
        if got is not None:
            node, default = got
        elif not (isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Load)
                  and isinstance(node.slice, gast.Constant)):
            return None
        display = self.fixed_display(node.value)
        if isinstance(display, gast.Dict):
            if not all(isinstance(k, gast.Constant) for k in display.keys):
                return None
            items = {k.value: v for k, v in zip(display.keys, display.values)}
            found = items.get(node.slice.value, default) if got is not None else items.get(node.slice.value)
        elif display is not None and got is None and type(node.slice.value) is int \
                and -len(display.elts) <= node.slice.value < len(display.elts):
            found = display.elts[node.slice.value]
        else:
            return None
        return found if isinstance(found, gast.Constant) else None

    def holds_functions(self, node):
        """Whether ``node`` is a tuple or list display holding a function value, in it or
        in a display it holds (``[("scale", lambda v: v * w), ("sin", np.sin)]``)."""
        return isinstance(node, (gast.Tuple, gast.List)) and any(
            self.looks_like_function(e) or self.holds_functions(e) for e in node.elts)

    def bind_display_of_functions(self, target, value):
        """``pipeline = [("scale", lambda v: v * w), ("sin", np.sin)]``, bound once and
        never changed: ``target`` bound to the Functions of its items (the other values
        read now, as the display reads them). Whether it was."""
        if not (isinstance(value, (gast.Tuple, gast.List)) and self.bound_count[target] <= 1
                and not self.looks_like_function(value) and self.holds_functions(value)
                and not self.changed_in_place(target)):
            return False
        if not any(isinstance(n, gast.Lambda) or isinstance(n, gast.Name) and n.id in self.functions
                   and not _has_value(self.functions[n.id]) for n in S.walk_nodes(value)) \
                and not _walked_only(self.source.tree, target):
            return False        # global functions only, and the list is used whole: kept as a value
        mixed = self.mixed_tuple(value, set())
        if mixed is None:
            return False
        self.functions[target] = self.functions.pop(mixed.id)
        self.locals.add(target)
        return True


_READING_METHODS = frozenset({"copy", "count", "index", "get", "keys", "values", "items"})
_READING_CALLS = (len, zip, enumerate, reversed, list, tuple, iter, sorted, map, isinstance)


def changed_in_place(tree, name, callee_def, depth=0):
    """Whether the code of ``tree`` may change the list or dict bound to ``name`` after it
    is made: an item written or deleted, a method other than a reading one called on it,
    the list put in another container, or handed to a function that may change it (a
    helper whose code does, ``callee_def(call)`` giving its def, "library" for a library
    function, None when unknown), or the same for another name assigned from it."""
    if depth > 4:
        return True
    for parent in S.walk_nodes(tree):
        for child in gast.iter_child_nodes(parent):
            if isinstance(child, gast.Name) and child.id == name and not isinstance(child.ctx, gast.Param) \
                    and not (isinstance(child.ctx, gast.Store) and not isinstance(parent, gast.AugAssign)) \
                    and _may_change(tree, parent, child, callee_def, depth):
                return True
    return False


def _may_change(tree, parent, child, callee_def, depth):
    """Whether ``parent``, holding a read of the list ``child``, may change it."""
    if isinstance(parent, gast.Subscript):
        return parent.value is child and not isinstance(parent.ctx, gast.Load)
    if isinstance(parent, gast.Attribute):
        return parent.attr not in _READING_METHODS
    if isinstance(parent, (gast.For, gast.comprehension)):
        return parent.iter is not child
    if isinstance(parent, (gast.Return, gast.Expr, gast.Compare, gast.Starred, gast.BinOp)):
        return False        # read, spread into a call, or joined into a new list (fs + gs)
    if isinstance(parent, gast.Assign) and parent.value is child:
        return any(not isinstance(t, gast.Name) or changed_in_place(tree, t.id, callee_def, depth + 1)
                   for t in parent.targets)
    if isinstance(parent, gast.Call) and parent.func is not child:
        callee = callee_def(parent)
        if callee == "library":
            return False
        if not isinstance(callee, gast.FunctionDef) or child not in parent.args:
            return True
        params = [a.id for a in callee.args.posonlyargs + callee.args.args]
        position = parent.args.index(child)
        return position >= len(params) or changed_in_place(callee, params[position], callee_def, depth + 1)
    return not isinstance(parent, gast.Call)


def _walked_only(tree, name):
    """Whether every read of ``name`` in ``tree`` is a loop over it (also through ``zip``,
    ``enumerate`` or ``reversed``) or one of its items."""
    for parent in S.walk_nodes(tree):
        for child in gast.iter_child_nodes(parent):
            if isinstance(child, gast.Name) and child.id == name and isinstance(child.ctx, gast.Load) and not (
                    isinstance(parent, gast.Subscript) and parent.value is child
                    or isinstance(parent, (gast.For, gast.comprehension)) and parent.iter is child
                    or isinstance(parent, gast.Call) and isinstance(parent.func, gast.Name)
                    and parent.func.id in ("zip", "enumerate", "reversed")):
                return False
    return True


def _constant_get(node):
    """(``config["act"]``, the default) for ``config.get("act")`` or ``config.get("act",
    "relu")`` with constants, ``config`` a name (a dict display bound once and never
    changed is a dict, whose ``get`` is dict's); None otherwise."""
    if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr == "get"
            and isinstance(node.func.value, gast.Name) and not node.keywords and 1 <= len(node.args) <= 2
            and all(isinstance(a, gast.Constant) for a in node.args)):
        return None
    item = gast.Subscript(value=node.func.value, slice=node.args[0], ctx=gast.Load())
    return item, node.args[1] if len(node.args) == 2 else gast.Constant(value=None, kind=None)


def _numpy_number(value):
    """Whether ``value`` is a NumPy real number (``np.float64(0.5)``, ``np.int64(2)``)."""
    return isinstance(value, (numpy.floating, numpy.integer))


def _read_when_run(value):
    """A NumPy number, or a NumPy array of numbers: read from the global list when the
    code runs rather than written into the code."""
    return _numpy_number(value) or isinstance(value, numpy.ndarray) and value.dtype.kind in "biuf"


def zipped_constant(value):
    """Whether ``value`` may be an item of a global list a loop over functions is zipped with."""
    return type(value) in (int, float, str) or _read_when_run(value)
