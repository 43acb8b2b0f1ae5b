"""Literals of functions astgrad follows beyond those written in the code (closures.py
follows ``fs = [np.sin, lambda v: v * w]``):

- a global list, tuple or dict holding only functions (``ACTIVATIONS = {"tanh": np.tanh,
  "relu": relu}``), followed as the functions it holds when the code is generated; the
  code depends on them (a guard on its items, guards.py), so replacing, adding or
  removing one makes new code at the next call;
- an argument holding functions and other values (``[np.sin, 2.0]``), which the function
  was made for (frontend/function_args.py): its functions are known, its other items
  read from the argument when the code runs.

A list or dict display of functions the code changes afterwards (``fs[0] = np.tan``,
``fs.append(g)``, ``del ops["a"]``, directly or through another name bound to it) is
not followed as the functions it was made with (closures.py's ``changed_in_place``): it is an ordinary value, and a call of
one of its items is refused (or, for a lambda, the lambda stored as a value is).
"""

import gast

from ...core import syntax as S
from ...core.functions import ITEMS_ROOT, items_snapshot
from .closures import Functions, Global, functions_container


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

    def global_functions(self, path, container):
        """A global list, tuple or dict holding only functions (``ACTS = {"tanh": np.tanh,
        "relu": relu}``) as the literal of the functions it holds now: the code depends on
        them (a guard), so it is made again when an item is replaced, added or removed."""
        self.source.dependencies.append(((ITEMS_ROOT, ".".join(path)), (container, items_snapshot(container))))
        keys = list(container) if isinstance(container, dict) else None
        values = container.values() if isinstance(container, dict) else container
        return Functions(keys, [Global(v, S.name(self.bind_value(v, "function"))) for v in values])

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
            "code runs", node, "index it with a constant, loop over constant keys (for name in (\"tanh\", "
            "\"sin\"): ops[name](x)), or pass the function itself as an argument (the derivative is made "
            "for the function given)")

