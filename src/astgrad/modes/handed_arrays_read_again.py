"""The refusal of a method call on an object a call without a rule returned (a function or
class of the user's, or an item of what it returned) that was handed an array the function
reads again (``a = mk(buf); a.bump(0, c); np.sum(buf)``): the object may hold that very
array and its method write into it in place, which no flow of values shows.

common.py calls ``refuse_handed_array_changed`` for each such method call; this module reads
common.py's helpers of holding and order, so common.py imports it when first called."""

import inspect

import gast
import numpy

from .. import runtime_objects
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from ..core.methods import CLASS_ROOT, current
from ..frontend.normalize.method_writes import SCOPED, writes_nothing
from ..rules import registry
from .common import handed_varied, holder_names, parameters, run_after, traced_back, written_on_the_line
from .holding import APPENDED, BOUND, Holding, passes_items_on
from .returned_objects import Reads, held_classes, returned_classes


def refuse_handed_array_changed(source, fn, owner, stmt, varied):
    """Refuse the method call ``stmt`` on ``owner``, an object a call of a function of the
    user's returned (or an item of one) that was handed an array the function reads
    elsewhere (``_handed_array_read_again``), at the user's line."""
    noted = Reads(source.globals)
    found = _handed_array_read_again(fn, owner, stmt, varied, noted)
    _depend_on(source, noted)
    if found is None:
        return
    binding, handed, read = found
    method = anno.get(stmt.value, Key.METHOD)
    from .read_again_messages import handed_array_message
    name = handed if written_on_the_line(source, binding, handed) else None
    message = handed_array_message(source, method, binding, anno.get(binding.value, Key.TARGET), name, read)
    raise source.error(message, stmt, construct=f".{method}()")


def _depend_on(source, noted):
    """The code made depends on what ``noted`` read (the classes a helper builds, the
    methods read): a global bound again, or a method defined again, makes it again."""
    for path in noted.paths:
        source.resolve_path(path)
    for cls, name in noted.methods:
        source.dependencies.append(((CLASS_ROOT, name), (cls, current(cls, name))))


def _handed_array_read_again(fn, owner, stmt, varied, noted):
    """(the binding ``r = helper(..., buf, ...)``, ``buf``, the statement reading it again)
    where the receiver ``owner`` of the method call ``stmt`` is what a call of no rule
    returned (a function of the user's, whatever its body: ``def mk(b): o = Acc(b);
    return o``), or an item of it, and that call was handed ``buf`` (or a view, an item, a
    list of it), which the function reads (or a name ``buf`` was taken from), after
    ``stmt`` or before it (which the reverse sweep reads again after): the returned
    object may hold that very array, and its method may write into it in place
    (``self.data[k] *= c``), which no flow of values shows. Only where the array or the
    method's arguments depend on the inputs (``varied``); else None."""
    if fn is None or owner.id in parameters(fn):
        return None
    bindings = {}       # (every binding of a name: a = None; a = mk(buf))
    for node in walk.walk_statements(fn.body):
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name):
            bindings.setdefault(node.targets[0].id, []).append(node)
    if not any(_hands_to_no_rule(node.value) for nodes in bindings.values() for node in nodes):
        return None         # (the cheap first look: no call of no rule is handed anything)
    sources = Holding(tree=fn).sources({BOUND, APPENDED})
    local = set(bindings) | set(parameters(fn))
    known = _Bindings(fn, bindings, noted)
    given = handed_varied(stmt.value, varied) or any(
        isinstance(n, gast.Name) and n.id in varied for a in stmt.value.args + [k.value for k in stmt.value.keywords]
        for n in S.walk_nodes(a))
    # (a read before the method counts too: the reverse sweep reads it again after)
    after = run_after(fn.body, stmt)
    later = {id(other) for other in after}
    reads = after + [other for other in walk.walk_statements(fn.body) if other is not stmt and id(other) not in later]
    method = anno.get(stmt.value, Key.METHOD)
    found = ((binding, stepped) for current, stepped in traced_back(sources, owner.id, holder_names)
             for binding in bindings.get(current, ()))
    for binding, stepped in found:
        target = anno.get(binding.value, Key.TARGET)
        if not isinstance(binding.value, gast.Call) or passes_items_on(binding.value) \
                or target is not None and registry.primitive(target) is not None:
            continue        # (what a rule's call gives is known: an object built here is followed)
        if not stepped and known.writes_nothing(binding.value, method):
            continue        # (the method only rebinds: the object's arrays keep their values)
        call = binding.value
        for argument in known.handed(call):
            for handed in holder_names(argument):
                # the array itself, and each name it was taken from (c = buf; v = buf[:2];
                # h = Holder(buf), whose attribute the helper may hand on), but for a new
                # array of numbers (c = buf.copy(), buf * 2.0), which holds none of theirs
                family = {name for name, _ in traced_back(sources, handed, known.held_names)} & local
                if not (given or family & varied):
                    continue
                for other in reads:
                    if other is not binding and any(not S.loaded_names(node).isdisjoint(family)
                                                    for node in S.header_nodes(other)):
                        return binding, handed, other
    return None


def _users_method(call):
    """Whether ``call`` calls a method no rule names (``a.spawn()``), on a name's object."""
    method = anno.get(call, Key.METHOD)
    return method is not None and isinstance(call.func, gast.Attribute) and isinstance(call.func.value, gast.Name) \
        and not registry.methods_named(method)


def _float(node):
    return isinstance(node, gast.Constant) and type(node.value) in (float, complex)


def _hands_to_no_rule(value):
    """Whether ``value`` is a call of no rule handed an argument."""
    if not isinstance(value, gast.Call) or not (value.args or value.keywords or _users_method(value)):
        return False
    target = anno.get(value, Key.TARGET)
    return target is None or registry.primitive(target) is None


class _Bindings:
    """What the bindings of the core tree ``fn`` (``bindings``: {name: its assignments})
    show of a name: whether it certainly holds a new array of numbers, and the classes
    of the object it holds (returned_objects.py)."""

    def __init__(self, fn, bindings, noted):
        self.bindings, self.noted = bindings, noted
        stores = {}
        for node in S.walk_nodes(fn):
            if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Del)):
                stores[node.id] = stores.get(node.id, 0) + 1
        # names bound only by the assignments seen (not a parameter, loop target, ``op=``)
        self.params = params = set(parameters(fn))
        self.only_assigned = {name for name, nodes in bindings.items()
                              if name not in params and stores.get(name) == len(nodes)}
        self.changed = {n.attr for n in S.walk_nodes(fn) if isinstance(n, gast.Attribute)
                        and isinstance(n.ctx, gast.Store)}

    def held_names(self, value):
        """``holder_names``, and for a call of no rule (a class or function of the user's,
        whose object may keep what it is given: ``Holder(buf)``) the names its arguments
        hand; none for a copy of a new array of numbers (``buf.copy()``, ``buf`` bound to
        ``w * 1.0``), whose elements are numbers of its own."""
        if self._copy_of_numbers(value):
            return []
        names = holder_names(value)
        target = anno.get(value, Key.TARGET) if isinstance(value, gast.Call) else None
        if isinstance(value, gast.Call) and (target is None or target is runtime_objects.instance
                                             or registry.primitive(target) is None):
            names = names + [name for a in self.handed(value) for name in holder_names(a)]
        return names

    def handed(self, call):
        """What ``call`` of no rule is handed: its arguments, and the object of a method of
        the user's called on what such a call returned (``a = mk(buf); b = a.spawn()``:
        ``b`` may hold what ``a`` holds). (On an argument's object, the class is known when
        the code is made, and its methods are followed: argument_objects.py.)"""
        receiver = call.func.value if _users_method(call) else None
        opaque = receiver is not None and receiver.id in self.bindings and all(
            isinstance(stmt.value, gast.Call) and not passes_items_on(stmt.value)
            and (anno.get(stmt.value, Key.TARGET) is None or registry.primitive(anno.get(stmt.value, Key.TARGET)) is None)
            for stmt in self.bindings[receiver.id])
        return call.args + [k.value for k in call.keywords] + ([receiver] if opaque else [])

    def _copy_of_numbers(self, value):
        return isinstance(value, gast.Call) and anno.get(value, Key.METHOD) == "copy" \
            and not value.args and not value.keywords and isinstance(value.func, gast.Attribute) \
            and isinstance(value.func.value, gast.Name) and self.numbers(value.func.value.id)

    def numbers(self, name, seen=frozenset()):
        """Whether ``name`` certainly holds a new NumPy array of numbers: each value
        bound to it is an operator with such an array as an operand, or a float beside an
        argument or a float (``w * 1.0``: a list's ``*`` takes no float), a ufunc's result
        (``np.sin(w)``), or a copy of such an array."""
        if name in seen or name not in self.only_assigned:
            return False
        seen = seen | {name}
        return all(self._number_value(stmt.value, seen) for stmt in self.bindings[name])

    def _number_value(self, value, seen):
        if isinstance(value, gast.BinOp):
            # (an operand such an array, or a float beside an argument: not beside what a
            # call of the user's gave, whose operator may be its own)
            operands = (value.left, value.right)
            return any(self._number_operand(operand, seen) for operand in operands) \
                or any(map(_float, operands)) and all(_float(operand) or isinstance(operand, gast.Name)
                                                      and operand.id in self.params for operand in operands)
        if isinstance(value, gast.UnaryOp):
            return isinstance(value.op, (gast.USub, gast.UAdd)) and self._number_operand(value.operand, seen)
        if isinstance(value, gast.Call):
            if isinstance(anno.get(value, Key.TARGET), numpy.ufunc):
                return not any(k.arg in ("out", "dtype") for k in value.keywords)
            return anno.get(value, Key.METHOD) == "copy" and not value.args and not value.keywords \
                and isinstance(value.func.value, gast.Name) and self.numbers(value.func.value.id, seen)
        return False

    def _number_operand(self, operand, seen):
        return isinstance(operand, gast.Name) and self.numbers(operand.id, seen)

    def writes_nothing(self, value, method):
        """Whether ``method`` called on the object ``value`` builds changes nothing in
        place, the object's classes all known (frontend/normalize/method_writes.py)."""
        if method is None or method in self.changed:
            return False            # (the function binds an attribute of that name somewhere)
        classes = self.classes(value)
        held = self.held(value)
        return bool(classes) and all(writes_nothing(cls, method, self.noted, held=held) for cls in classes)

    def held(self, value):
        """The classes of the user's whose objects the attributes of what ``value`` (a
        helper's call) gives may hold, where each argument is a number, an argument of
        the function or a new array of numbers; None where unknown (returned_objects.py)."""
        target = anno.get(value, Key.TARGET) if isinstance(value, gast.Call) else None
        if target is None or not all(self._plain_argument(a) for a in value.args + [k.value for k in value.keywords]):
            return None
        return held_classes(target, self.noted)

    def _plain_argument(self, node, seen=frozenset()):
        """Whether ``node`` gives no object of the user's: names of arguments or of new arrays
        of numbers, constants, items and operators of them (``w[0] > 1.0``), names bound
        only to such, no call."""
        return all(not isinstance(n, (gast.Call, gast.Starred, gast.Attribute) + SCOPED)
                   and (not isinstance(n, gast.Name) or self._plain_name(n.id, seen))
                   for n in S.walk_nodes(node))

    def _plain_name(self, name, seen):
        if name in self.params or self.numbers(name):
            return True
        return name not in seen and name in self.only_assigned \
            and all(self._plain_argument(stmt.value, seen | {name}) for stmt in self.bindings[name])

    def classes(self, value, seen=frozenset()):
        """The classes of the object ``value`` gives: what a function of the user's
        returns (``mk(buf)``), or a method of the user's called on such an object
        (``a.spawn()``), or a name bound only to those; None where unknown."""
        if isinstance(value, gast.Name):
            if value.id in seen or value.id not in self.only_assigned:
                return None
            found = []
            for stmt in self.bindings[value.id]:
                classes = self.classes(stmt.value, seen | {value.id})
                if classes is None:
                    return None
                found += [cls for cls in classes if cls not in found]
            return tuple(found)
        if not isinstance(value, gast.Call):
            return None
        target = anno.get(value, Key.TARGET)
        if target is not None:
            return returned_classes(target, self.noted) if registry.primitive(target) is None else None
        if not _users_method(value):
            return None
        owners = self.classes(value.func.value, seen)
        if not owners:
            return None
        found = []
        for cls in owners:
            self.noted.methods.append((cls, value.func.attr))
            classes = returned_classes(inspect.getattr_static(cls, value.func.attr, None), self.noted)
            if classes is None:
                return None
            found += [c for c in classes if c not in found]
        return tuple(found)
