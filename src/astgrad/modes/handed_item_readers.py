"""Whether a method of the user's made for its effect, handed a list display of objects
the function builds (``s.show_all([c], w[1])``), calls on each of them only methods that
write nothing (``for o in objs: o.show(v)``, ``show`` reading ``self.d``): then the call
changes none of them and is followed as before; handed_item_methods.py refuses the call
otherwise. Every class the list's objects may be is known at the call: each item a name
the function binds once to a construction of a class of the user's, given arrays of
numbers alone, and read nowhere else but as ``c.attr``."""

import inspect

import gast
import numpy

from .. import runtime_objects
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from ..core.methods import CLASS_ROOT, current
from ..frontend.normalize.method_writes import writes_nothing
from .returned_objects import Reads
from .user_names import parameters


def items_write_nothing(source, fn, stmt, target, param, methods):
    """Whether each of ``methods``, called on every object of the list handed to ``target``
    as ``param`` at the call ``stmt`` of the core tree ``fn``, writes nothing, the
    classes of those objects all known."""
    call = stmt.value
    names = list(inspect.signature(target).parameters)
    if fn is None or call.keywords or any(isinstance(a, gast.Starred) for a in call.args) \
            or param not in names or names.index(param) >= len(call.args):
        return False
    handed = call.args[names.index(param)]
    bindings = {}
    for node in walk.walk_statements(fn.body):
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name):
            bindings.setdefault(node.targets[0].id, []).append(node)
    noted = Reads(source.globals)
    known = _Bindings(fn, bindings)
    loads = {}
    for node in S.walk_nodes(fn):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            loads[node.id] = loads.get(node.id, 0) + 1
    display = _bound_once(known, handed)
    if not isinstance(display, gast.List) or loads.get(handed.id) != 1 \
            or not all(isinstance(e, gast.Name) for e in display.elts):
        return False            # (a list kept under its name may be appended to, or read again)
    classes = [_built_class(source, fn, known, item, display, methods) for item in display.elts]
    if not classes or None in classes:
        return False
    quiet = all(writes_nothing(cls, method, noted, held=()) for cls in classes for method in methods)
    for path in noted.paths:        # (the code made is made again where one is bound or defined again)
        source.resolve_path(path)
    for cls, name in noted.methods:
        source.dependencies.append(((CLASS_ROOT, name), (cls, current(cls, name))))
    return quiet


class _Bindings:
    """The names the core tree ``fn`` binds only by the assignments ``bindings`` ({name:
    its assignments}), and which of them certainly hold a new NumPy array of numbers."""

    def __init__(self, fn, bindings):
        stores = {}
        for node in S.walk_nodes(fn):
            if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Del)):
                stores[node.id] = stores.get(node.id, 0) + 1
        self.bindings, self.params = bindings, set(parameters(fn))
        self.only_assigned = {name for name, nodes in bindings.items()
                              if name not in self.params and stores.get(name) == len(nodes)}

    def numbers(self, name, seen=frozenset()):
        """Whether ``name`` is bound only to a ufunc's result (``np.sin(w)``), an operator
        on a float and an argument or such an array (``w * 1.0``: a list's ``*`` takes no
        float), or a copy of such an array."""
        if name in seen or name not in self.only_assigned:
            return False
        return all(self._number_value(stmt.value, seen | {name}) for stmt in self.bindings[name])

    def _number_value(self, value, seen):
        if isinstance(value, gast.BinOp):
            operands = (value.left, value.right)
            return any(_float(o) for o in operands) and all(
                _float(o) or isinstance(o, gast.Name) and (o.id in self.params or self.numbers(o.id, seen))
                for o in operands)
        if isinstance(value, gast.Call) and isinstance(anno.get(value, Key.TARGET), numpy.ufunc):
            return not any(k.arg in ("out", "dtype") for k in value.keywords)
        return isinstance(value, gast.Call) and anno.get(value, Key.METHOD) == "copy" and not value.args \
            and not value.keywords and isinstance(value.func, gast.Attribute) \
            and isinstance(value.func.value, gast.Name) and self.numbers(value.func.value.id, seen)


def _float(node):
    return isinstance(node, gast.Constant) and type(node.value) is float


def _bound_once(known, name):
    if not isinstance(name, gast.Name) or name.id not in known.only_assigned or len(known.bindings[name.id]) != 1:
        return None
    return known.bindings[name.id][0].value


def _built_class(source, fn, known, item, display, methods):
    """The class of the object ``item`` names, where the function binds it once to
    ``instance(C, attrs)``, ``attrs`` a display of arrays of numbers and constants under
    names none of ``methods`` is, and reads it elsewhere than in ``display`` only as
    ``item.attr`` (no method called on it, no attribute bound); else None."""
    value = _bound_once(known, item)
    if not (isinstance(value, gast.Call) and anno.get(value, Key.TARGET) is runtime_objects.instance
            and len(value.args) == 2 and isinstance(value.args[0], gast.Name)):
        return None
    cls = source.resolve(value.args[0].id)
    attrs = _bound_once(known, value.args[1])
    if not (isinstance(cls, type) and isinstance(attrs, gast.Dict)
            and all(isinstance(k, gast.Constant) and k.value not in methods for k in attrs.keys)
            and all(isinstance(v, gast.Constant) or isinstance(v, gast.Name) and known.numbers(v.id)
                    for v in attrs.values)):
        return None
    for node in S.walk_nodes(fn):
        for child in gast.iter_child_nodes(node):
            if isinstance(child, gast.Name) and child.id == item.id and isinstance(child.ctx, gast.Load) \
                    and not (node is display or isinstance(node, gast.Attribute)
                             and isinstance(node.ctx, gast.Load)):
                return None
    return cls
