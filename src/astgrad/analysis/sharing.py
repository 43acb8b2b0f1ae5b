"""Which names may share memory, and what a call may change in place.

The answer is conservative: a value is new (shares nothing) only when the operation
that made it is known to build a new object (an operator, a literal, ``np.zeros``, a
ufunc without ``out=``, ``x.copy()``, ...). Anything else (a view, ``np.asarray``,
``np.array(y, copy=False)``, ``np.einsum``, a library call astgrad knows nothing
about) may return its arguments' memory. A call of a user function is analysed: its
result may share the memory of the arguments its own body lets reach the return value,
and a callee that changes an argument in place is reported, so the caller can refuse it.

``OUTSIDE`` stands for memory the function did not create and cannot see all users of:
its arguments (through the parameters), globals and closure variables.
"""

import builtins
import collections
import inspect
import linecache
import re
import threading
import typing
import weakref

import gast
import numpy

from .. import runtime, runtime_objects
from ..core import anno, generated_text
from ..core import ops as core_ops
from ..core.user_expressions import user_expression
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from ..core.functions import underlying
from ..core.reach import reached_from
from ..errors import TransformError
from ..object_operators import object_operator
from ..rules import registry, rule_reads
from .built_items import same_item_reads
from . import dataflow
from .number_arrays import holds_number_array, popped_own
from .loop_trips import loops_running_at_least_once
from .mutation import ChangeKind, augmented_name, in_place_changes, is_mutating_method
from .object_fields import field_read, object_fields
from .source_writes import source_changes

OUTSIDE = "<outside>"       # not a valid identifier, so never a user's name


# the builtins a defaultdict may take as its factory that make a new value at each call
_NEW_VALUE_FACTORIES = frozenset({"float", "int", "list", "dict", "set"})
# array methods whose result may be a view of the receiver, never one of their arguments
# (shapes, axes, a dtype); by name, as every method whose receiver's type is unknown
_RECEIVER_VIEWS = frozenset({"reshape", "transpose", "swapaxes", "squeeze", "ravel", "view"})
# NumPy functions whose result may be a view of their first argument, never one of the
# others (axes, a shape): numpy.moveaxis(x, (0, 1), (1, 0)) shares nothing with its tuples
_FIRST_ARGUMENT_VIEWS = (numpy.transpose, numpy.moveaxis, numpy.swapaxes, numpy.flip, numpy.squeeze,
                         numpy.ravel, numpy.reshape)
_NEW_OF_SAME_ITEMS = (runtime.list_to_tuple, runtime.shallow_copy)    # a new container of the items
# xs + ys, xs += ys, xs * n: a new list or tuple of the items of its sequence operands
_JOINS_ITEMS = {runtime.concat: (0, 1), runtime.extended: (0, 1), runtime.repeat: (0,)}


def _new_value_factory(call, local_names):
    """Whether ``defaultdict(factory, ...)`` is given one of those builtins (not a local)."""
    factory = call.args[0] if call.args else None
    return isinstance(factory, gast.Name) and factory.id in _NEW_VALUE_FACTORIES and factory.id not in local_names


def _record(obj):
    """The rule table's record of ``obj`` (its facts: fresh or not, mutating), or None."""
    try:
        return registry.primitive(obj)
    except TypeError:
        return None


def _result(obj):
    record = _record(obj)
    return None if record is None else record.result


def _method_results(name):
    """What ``v.name(...)`` returns, by the records of every method of that name."""
    return {record.result for record in registry.methods_named(name)}


def _method_is_fresh(name):
    results = _method_results(name)
    return bool(results) and results <= {"fresh"}


def _is_number_attribute(name):
    """``v.shape``, ``v.ndim``, ...: an attribute of arrays whose value is a new number."""
    methods = [m for m in registry.NAMED_METHODS.get(name, ()) if inspect.isdatadescriptor(m)]
    return bool(methods) and _method_is_fresh(name)


def _is_runtime_helper(obj):
    """astgrad's own runtime helpers: each result is new or made from the first argument
    (the derivative being reshaped), except ``contract``, an einsum of them all."""
    name = getattr(obj, "__name__", None)
    return name is not None and getattr(runtime, name, None) is obj


# the derivative of an attribute read out of an object's derivative, and an object's
# derivative holding an attribute's: made from the first argument alone (or new zeros),
# the object itself read only for its attributes' shapes
_ATTRIBUTE_DERIVATIVES = (runtime_objects.attribute_tangent, runtime_objects.attribute_adjoint)


def _shape_positions(obj):
    """The positions of the arguments ``obj``'s record says it reads only for their shape."""
    record = _record(obj)
    return () if record is None else record.shape_arguments


def _in(obj, table):
    try:
        return obj in table
    except TypeError:
        return False


def _copy_keyword(call):
    """The ``copy=`` argument of a call: None when absent."""
    for kw in call.keywords:
        if kw.arg == "copy":
            return kw.value
    return None


def _copies(call):
    copy = _copy_keyword(call)
    return copy is None or (isinstance(copy, gast.Constant) and copy.value is True)


def call_is_fresh(call):
    """Whether a library call certainly returns a new object (user functions aside)."""
    if any(kw.arg == "out" for kw in call.keywords):
        return False
    target = anno.get(call, Key.TARGET)
    method = anno.get(call, Key.METHOD)
    if target is not None:
        result = _result(target)
        if result == "copies":
            return _copies(call)
        if isinstance(target, numpy.ufunc) or result == "fresh":
            return True
        module = getattr(target, "__module__", None) or ""
        return module == "math" or module.startswith("numpy.random")
    if method is None:
        return False
    if _method_results(method) == {"copies"}:
        return _copies(call)
    return _method_is_fresh(method)


class Sharing:
    """May-share-memory relations between the names of one core-form body.

    ``alias``: symmetric edges between names whose values may be the same object or
    overlap in memory (``v = y``, a view, a call that may return its argument).
    ``element_of``: ``e`` may be an element of container ``c`` (``e = c[k]``, a popped
    item, a loop item); changing ``e`` in place changes what ``c`` holds, while adding
    to ``c`` leaves ``e`` alone. ``contents``: the names a list, tuple or dict may hold.
    Names that are not local (globals, closure variables) count as ``OUTSIDE``. The parameters
    are memory from outside too, but are kept apart by name, so that a callee can say which of
    its arguments it changes or returns."""

    def __init__(self, params, body, prepare, number_arrays=frozenset(), own_stack=None):
        self.params = list(params)
        self.number_arrays = number_arrays      # parameters taken for arrays of numbers (number_arrays.py)
        self.assumed_numbers = {}               # those of them a store relied on -> its statement
        # those only compared with an array of numbers (m = y > t) for a mask read -> its statement
        self.compared_numbers = {}
        self.advanced_copies = set()    # the statements binding a new array by an advanced index
        # own_stack(name, stack): whether reverse code's stack holds name's own earlier values
        # (analysis/value_stacks.py), asked once per pair
        self.own_stack, self.own_stacks = own_stack, {}
        self.prepare = prepare          # fn -> its normalized code, to read what a callee does
        self.locals = set(self.params) | S.stored_names(gast.Module(body=body, type_ignores=[]))
        self.statements = list(walk.walk_statements(body))
        self._binding_index = None      # name -> the statements binding it (see bindings_of)
        self.alias = {}
        self.element_of = {}            # e -> containers it was read out of
        self.views = {}                 # c -> names read out of c that may be views of it
        self.taken_out = {}             # c -> names bound to an item popped (or got) out of c
        self.item_reads = set()         # (e, c) of element_of but for a slice e = c[a:b]
        self.contents = {}
        self.shapes = {}                # s <-> x for s = shape_of(x): s is x unless x is an array
        self.fields = object_fields(self)   # o -> {attribute: what it holds}, where that is known
        self._built_here = None
        self._collect_contents()
        for stmt in self.statements:
            self._collect_sharing(stmt)
        _copies_hold_what_is_read_out(self)
        self.holders = {}
        for holder, held in self.contents.items():
            for element in held:
                self.holders.setdefault(element, set()).add(holder)
        _hold_joined_items(self)

    # -- building the relations ------------------------------------------------------

    def _name(self, node):
        """A name atom as a node of the graph; non-local names are OUTSIDE."""
        if not isinstance(node, gast.Name):
            return None
        return node.id if node.id in self.locals else OUTSIDE

    def _names(self, nodes):
        return {n for n in (self._name(node) for node in nodes) if n is not None}

    def _collect_contents(self):
        """What each container may hold: literal elements, appended and stored values,
        and (for shallow copies) what the copied container held. Iterated to a fixed
        point because a copy may come before the container is filled; passes after the
        first visit only the statements whose part may grow (``_may_hold_more``)."""
        statements = self.statements
        while True:
            before, again = {k: set(v) for k, v in self.contents.items()}, []
            for stmt in statements:
                found = list(self._holds(stmt))
                for holder, held in found:
                    self.contents.setdefault(holder, set()).update(held)
                if _may_hold_more(stmt, found):
                    again.append(stmt)
            if self.contents == before:
                return
            statements = again

    def _holds(self, stmt):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            name, value = stmt.targets[0].id, stmt.value
            if isinstance(value, (gast.List, gast.Tuple)):
                yield name, self._names(value.elts)
            elif isinstance(value, gast.Dict):
                yield name, self._names(value.values)
            elif _list_slice(self, value) is not None:      # ys = xs[:]: a new list of xs's items
                yield name, set(self.contents.get(value.value.id, set()))
            elif isinstance(value, gast.Call) and anno.get(value, Key.METHOD) == "copy":
                owner = self._name(value.func.value)
                yield name, set(self.contents.get(owner, set()))
            elif isinstance(value, gast.Call) and anno.get(value, Key.TARGET) in _NEW_OF_SAME_ITEMS:
                owner = self._name(value.args[0])       # tuple(xs), copy.copy(xs): xs's items
                yield name, set(self.contents.get(owner, set()))
            elif _parts_held(value) is not None:
                held = self._names(_parts_held(value))
                yield name, held | set().union(*(self.contents.get(n, set()) for n in held))
            elif isinstance(value, gast.Call) and is_user_function(anno.get(value, Key.TARGET)):
                yield name, _items_copied_by_callee(self, name, value)
        elif isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
            holder = self._name(stmt.targets[0].value)
            if not _holds_number_array_at(self, holder, stmt):       # an array of numbers copies values in
                yield holder, self._stored(stmt.targets[0].slice, stmt.value)
        elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
                and anno.get(stmt.value, Key.METHOD) in ("append", "insert", "extend", "setdefault"):
            holder = self._name(stmt.value.func.value)
            yield holder, self._names(stmt.value.args)

    def _collect_sharing(self, stmt):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            name, value = stmt.targets[0].id, stmt.value
            held = field_read(self.fields, value)
            if held is not None:        # u = o.attr, o's attr known to hold these alone
                for other in held:
                    _link(self.alias, name, other)
                return
            links = self.shapes if _is_shape_of(value) else self.alias
            for other in () if _numbers_compared(self, value, stmt) else self.shared_by(value):
                _link(links, name, other)
            item = _tuple_item(self, value)
            if item is not None:        # t = (a, b); v = t[0]: v is a (a tuple never changes)
                _link(self.alias, name, item)
                return
            copied = _advanced_copy(self, value, stmt)
            if copied:
                self.advanced_copies.add(stmt)
            containers = [] if _list_slice(self, value) is not None or copied else [self.container_read(value)]
            if _object_built(value):    # an object holding c[k]: as if it were read out of c
                containers += [(self._name(part.value), True) for part in _object_parts(value)
                               if isinstance(part, gast.Subscript)]
            sliced = isinstance(value, gast.Subscript) and isinstance(value.slice, gast.Slice)
            for container, view in containers:
                if container is not None:
                    self.element_of.setdefault(name, set()).add(container)
                    if not sliced:
                        self.item_reads.add((name, container))
                    (self.views if view else self.taken_out).setdefault(container, set()).add(name)
        elif isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Tuple):
            item, seq = stmt.target.elts[1].id, self._name(stmt.iter.args[0])
            if seq is not None:             # for k, item in enumerate(seq): a row or an element
                self.element_of.setdefault(item, set()).add(seq)
                self.item_reads.add((item, seq))
                self.views.setdefault(seq, set()).add(item)

    def _stored(self, index, value):
        """The names ``c[index] = value`` makes ``c`` hold: ``value``; with a slice (or
        ``...``, which only an array takes), its items only (a list copies them in, an
        array their values); a tuple of indices with a slice or ``...`` in it
        (``c[:, 1:] = v``) indexes an array alone, which copies values in."""
        if _slicing(index) or isinstance(index, gast.Tuple) and any(_slicing(part) for part in index.elts):
            return set().union(set(), *(self.contents.get(n, set()) for n in self._names([value])))
        return self._names([value])

    def container_read(self, value):
        """(c, may be a view) when ``value`` reads an element out of ``c``: ``c[k]`` (an
        element, or a view of an array), ``c.pop()`` (an element of a list)."""
        if isinstance(value, gast.Subscript):
            return self._name(value.value), True
        if isinstance(value, gast.Attribute) and not _is_number_attribute(value.attr) \
                and not anno.get(value, Key.GLOBAL_CHAIN, False):
            return self._name(value.value), True    # o.a: an object o holds (o may be a record)
        if isinstance(value, gast.Call) and anno.get(value, Key.METHOD) in ("pop", "get"):
            return self._name(value.func.value), False
        if _extremum_of_items(value):       # max(xs): one of xs's items, as xs[k] is
            return self._name(value.args[0]), True
        return None, False

    def shared_by(self, value):
        """The names whose memory the result of ``value`` may share (beyond being an
        element read out of a container, which ``element_of`` records)."""
        if isinstance(value, gast.Name):
            return self._names([value])
        if isinstance(value, gast.Subscript):
            return set()                    # element_of and views say what it shares
        if isinstance(value, gast.Attribute):
            if anno.get(value, Key.GLOBAL_CHAIN, False):
                return {OUTSIDE}
            return set() if _is_number_attribute(value.attr) else self._names([value.value])
        if isinstance(value, gast.Call):
            return self._shared_by_call(value)
        return set()        # operators, comparisons, constants and new literals

    def _shared_by_call(self, call):
        target = anno.get(call, Key.TARGET)
        method = anno.get(call, Key.METHOD)
        arguments = call.args + [kw.value for kw in call.keywords]
        if target is not None and is_user_function(target):
            return self._shared_by_callee(call, target)
        if call_is_fresh(call) or method in ("pop", "get") or target in _NEW_CONTAINERS:
            return set()            # a new container holds its arguments: see _holds
        if _extremum_of_items(call):    # an item of the one argument (element_of), or the default
            return self._names([kw.value for kw in call.keywords if kw.arg == "default"])
        owner = [call.func.value] if method is not None else []
        if method in _RECEIVER_VIEWS:
            arguments = []          # x.reshape(shape): a view of x; the shape shares nothing
        elif method is None and _in(target, _FIRST_ARGUMENT_VIEWS):
            arguments = call.args[:1]
        if target is collections.defaultdict and _new_value_factory(call, self.locals):
            arguments = arguments[1:]       # defaultdict(float, ...): its defaults are new values
        if _is_runtime_helper(target) and target is not runtime.contract or _in(target, _ATTRIBUTE_DERIVATIVES):
            # the derivative it reshapes (unless it too gives only a shape); the rest give shapes
            arguments = call.args[:1] if 0 not in _shape_positions(target) else []
        names = self._names(owner + arguments)
        if target is numpy.asarray:
            # the array itself (its own memory), or a new array with the values of a
            # sequence's items, none of which it holds
            return names
        return names | set().union(*(self.contents.get(n, set()) for n in names))

    def returns_new_object(self, call):
        """Whether ``call`` calls a user function whose result, as its own body shows,
        shares memory with none of its arguments, globals or closure variables: a new
        object no other name refers to when the call returns (``advect(f, vx, vy)``
        building its result from operators and fresh calls)."""
        target = anno.get(call, Key.TARGET) if isinstance(call, gast.Call) else None
        if target is None or not is_user_function(target):
            return False
        effects = callee_effects(target, self.prepare)
        return not effects.result_shares and effects.bind(call) is not None

    def keeps_nothing(self, call):
        """Whether the function ``call`` calls is named by a module or a name (not a
        method of a value) and keeps no reference to its arguments once it returns: a
        library function, or a user function that changes nothing in place."""
        target = anno.get(call, Key.TARGET)
        if target is None or anno.get(call, Key.METHOD) is not None \
                or not isinstance(call.func, (gast.Name, gast.Attribute)):
            return False
        bound_to = getattr(target, "__self__", None)
        if bound_to is not None and not inspect.ismodule(bound_to):
            return False        # a bound method: its object may keep what it is given
        if not is_user_function(target):
            return True
        effects = callee_effects(target, self.prepare)
        return not effects.mutated and effects.bind(call) is not None

    def _shared_by_callee(self, call, callee):
        effects = callee_effects(callee, self.prepare)
        bound = effects.bind(call)
        if bound is None:
            names = self._names(call.args + [kw.value for kw in call.keywords])
            return names | {OUTSIDE} | set().union(*(self.contents.get(n, set()) for n in names))
        shared = {OUTSIDE} if OUTSIDE in effects.result_shares else set()
        for param in effects.result_shares - {OUTSIDE}:
            if param not in bound and _changeable_default(effects.fn, param):
                # the call leaves it to its default, one object made when the def ran and
                # shared by every call (P() binding __init__'s arr=Z): memory from outside
                shared.add(OUTSIDE)
            argument = self._name(bound.get(param))
            if argument is not None:
                shared |= {argument} | self.contents.get(argument, set())
        return shared

    # -- queries ---------------------------------------------------------------------

    def group(self, name, with_contents=False, keeps_items=False):
        """Every name whose value an in-place change of ``name``'s object may change:
        those that may be or overlap it, views read out of it, the containers that may
        hold it (and what else they may hold, when it was read out of one: it may be
        any of them). ``with_contents`` adds what ``name`` itself holds (for what a
        returned value may share). ``keeps_items``: the change replaces or adds items
        but changes none (``ys.append(v)``, ``d[k] = v`` on a dict), so what was read
        out of ``name`` (or an alias of it) is left alone."""
        same = self._aliases(name) | same_item_reads(self, name) if keeps_items else set()
        seen, todo = {(name, None)}, [(name, None)]
        while todo:
            current, read_from = todo.pop()
            # an alias of a view of c is a view of c too, not one of c's elements
            steps = [(n, read_from) for n in self.alias.get(current, set())]
            steps += [(n, None) for n in self.holders.get(current, set())]
            if current not in same:
                steps += [(view, current) for view in self.views.get(current, set())]
                # c.pop() (or c.get(k)) is an object c held: when c may hold the object
                # changed, so may the item (followed as a view is, from c)
                steps += [(item, current) for item in self.taken_out.get(current, set())]
            if read_from is None:
                steps += [(n, None) for n in self.shapes.get(current, set())]
                # the very object whose items change, bound by slicing (d = d[1:]): a new
                # list (an array or tuple has neither append nor pop), none of the items
                steps += _as_element(self, current, skip_slices=current in same)
            # else: a view of an array's memory (or a number). shape_of gives a new object
            # for it, and a container holds it only where a name holding it was stored
            # there (holders, above): the containers it was read out of add nothing
            if with_contents:
                steps += [(n, None) for n in self.contents.get(current, set())]
            for step in steps:
                if step not in seen:
                    seen.add(step)
                    todo.append(step)
        return {n for n, _ in seen} - {name}

    def held_as_item(self, name):
        """Whether a container (or memory from outside) may hold ``name``'s object, or a
        view of it, or ``name`` may be an item read out of one."""
        if not self.holders and not self.element_of and name in self.locals:
            return False        # nothing holds another name's object here
        shared = {name} | self.group(name)
        return OUTSIDE in shared or any(self.holders.get(n) or n in self.element_of for n in shared)

    def _aliases(self, name):
        """``name`` and the names that may be the very same object."""
        return {name} | reached_from([name], self.alias)

    def is_dict_built_here(self, name):
        """Every value bound to ``name`` is a dict literal made by the function."""
        bindings = self.bindings_of(name)
        return name in self.locals and name not in self.params and bool(bindings) and all(
            isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
            and isinstance(s.value, gast.Dict) for s in bindings)

    def is_list_or_dict_built_here(self, name):
        """Every value bound to ``name`` is a list or dict literal made by the function,
        or a name that is (``pos_1 = pos`` for ``pos = [0]``, as inlining binds a
        helper's parameter): writing an item replaces it, and changes no item read out
        before, whichever of these names reads it."""
        if self._built_here is None:
            self._built_here = {n for n in _containers_built_here(self.params, self.statements, flat=True)
                                if all(self._literal_or_name(s) for s in self.bindings_of(n))}
        return name in self._built_here

    def bindings_of(self, name):
        """The statements binding ``name`` (assignments and for loops), in the order of the
        function's statements, as a new list (the index behind it is made once: not quadratic)."""
        if self._binding_index is None:
            self._binding_index = _index_bindings(self.statements)
        return list(self._binding_index.get(name, ()))

    @staticmethod
    def _literal_or_name(stmt):
        return isinstance(stmt, gast.Assign) and isinstance(stmt.value, (gast.List, gast.Dict, gast.Name))

    def reaches_outside(self, name, keeps_items=False):
        """Whether changing ``name`` in place may change memory the function did not
        create (an argument, a global); ``keeps_items`` as for ``group``."""
        reached = {name} | self.group(name, keeps_items=keeps_items)
        return name not in self.locals or OUTSIDE in reached or bool(reached & set(self.params))


def _items_copied_by_callee(sharing, name, call):
    """What ``name = call`` may hold through the callee's shallow copies of its
    arguments: what each such argument holds (at any depth, an over-estimate); where
    the result holds copies (``{k: v.copy() for k, v in m.items()}``), through a node
    ``name[*]`` standing for them: new containers, which hold the argument's items."""
    held = {1: set(), 2: set()}
    for argument, depth in _arguments_copied_by_callee(sharing, call):
        held[depth] |= {OUTSIDE} if argument == OUTSIDE else _held_within(sharing, argument)
        if depth == 1 and _dict_copy_of_parameter(sharing, argument, name):
            held[1].add(_item_of(sharing, argument, name))
    if held[2]:
        sharing.contents.setdefault(name + "[*]", set()).update(held[2])
        held[1].add(name + "[*]")
    return held[1]


def _may_hold_more(stmt, found):
    """Whether what ``Sharing._holds`` finds at ``stmt`` (``found`` on the first pass) may
    grow as containers fill: not for a display (``xs = [a, b]``) nor ``xs.append(v)``,
    which hold their own operands, nor for a statement that filled nothing (its kind
    decides that, not what containers hold); a store ``c[k] = v`` is visited again."""
    if not isinstance(stmt, gast.Assign):
        return False
    if isinstance(stmt.targets[0], gast.Subscript):
        return True
    return bool(found) and not isinstance(stmt.value, (gast.List, gast.Tuple, gast.Dict))


def _held_within(sharing, name):
    """What ``name`` holds, and what that holds, and so on."""
    return reached_from([name], sharing.contents)


def _advanced_copy(sharing, value, stmt):
    """Whether ``value`` is ``y[i]`` with ``y`` an array of numbers and ``i`` an index NumPy
    reads as advanced indexing (``y[[0, 2]]``, ``y[y > 0]``): a new array, sharing nothing."""
    if not (isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name)):
        return False
    # the normalizer binds an index to a name of its own (index = [0, 2]) before the read
    indexed = value.value.id
    before = set(sharing.compared_numbers)
    found = _advanced_index(sharing, value.slice, indexed) and _holds_number_array_at(sharing, indexed, stmt)
    for name in set(sharing.compared_numbers) - before:
        if found:
            sharing.compared_numbers[name] = stmt
        else:
            del sharing.compared_numbers[name]
    return found


def _advanced_read(sharing, source, name, param):
    """(``"file:line"``, its text) of the statement binding ``name`` where every binding of it reads
    the parameter (``param``: its name and the function's argument copies, {copy: parameter})
    by an index NumPy reads as advanced indexing (``z = x[x > 0]``, ``z = x[[0, 2]]``), or is
    ``name op= v`` on it: a write into ``name`` changes the parameter only through the items
    such a copy shares (an array of objects, a list); else None."""
    bindings = [b for b in sharing.bindings_of(name) if augmented_name(b) != name] if name != param[0] else []
    compared = dict(sharing.compared_numbers)       # a message's look, which takes no parameter for a number
    reads = [b for b in bindings if isinstance(b, gast.Assign) and len(b.targets) == 1
             and isinstance(b.value, gast.Subscript) and isinstance(b.value.value, gast.Name)
             and _named_as(sharing, b.value.value.id, param)
             and _advanced_index(sharing, b.value.slice, b.value.value.id)]
    sharing.compared_numbers = compared
    if not bindings or len(reads) != len(bindings):
        return None
    read = _where(source, reads[0], "a read by an advanced index")
    return f"{read.filename}:{read.line}", (read.text or "").strip()


def _named_as(sharing, name, param, seen=frozenset()):
    """Whether ``name`` is the parameter (``param``: its name, and {copy: parameter}) or its
    argument copy, or is bound only to one of those under other names (the parameter of a
    helper written in, ``x_2 = x_1``)."""
    if name == param[0] or param[1].get(name) == param[0]:
        return True
    bindings = sharing.bindings_of(name)
    return name not in seen and bool(bindings) and all(
        isinstance(b, gast.Assign) and len(b.targets) == 1 and isinstance(b.value, gast.Name)
        and _named_as(sharing, b.value.id, param, seen | {name}) for b in bindings)


def _advanced_index(sharing, index, indexed):
    """Whether NumPy reads ``index`` of ``indexed`` as advanced indexing: a list or a
    comparison, or a name bound only to one (see _advanced_index_name)."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return S.certainly_advanced_index(index) or any(
        isinstance(p, gast.Name) and _advanced_index_name(sharing, p.id, indexed) for p in parts)


def _advanced_index_name(sharing, name, indexed, seen=frozenset()):
    """Whether every binding of ``name`` is an index NumPy reads as advanced indexing (a
    list, a comparison: S.certainly_advanced_index, _number_comparison with ``indexed``,
    the array indexed), or another such name (m = compared)."""
    bindings = sharing.bindings_of(name)
    return name not in seen and bool(bindings) and all(
        isinstance(b, gast.Assign) and len(b.targets) == 1 and isinstance(b.targets[0], gast.Name)
        and (S.certainly_advanced_index(b.value) or _number_comparison(sharing, b.value, indexed)
             or isinstance(b.value, gast.Name) and _advanced_index_name(sharing, b.value.id, indexed, seen | {name})
             or _saved_index(sharing, name, b.value))
        for b in bindings) and any(not _saved_index(sharing, name, b.value) for b in bindings)


def _saved_index(sharing, name, value):
    """Whether ``value`` is what reverse code binds an index to besides the index itself: the
    float it starts from (``index = 0.0``, which indexes nothing: NumPy raises), or an
    earlier value taken back off a stack of its own (``index = index_stack.pop()``, see
    value_stacks.py)."""
    if isinstance(value, gast.Constant):
        return type(value.value) is float
    return popped_own(sharing, name, value)


_COMPARED = frozenset({"<", "<=", ">", ">=", "==", "!="})


def _number_comparison(sharing, value, indexed):
    """Whether ``value`` is a comparison kept for the class of its operands when the code
    runs (``object_operator('>', y, 0, ...)``, where the normalizer could not prove them plain)
    of ``indexed`` (checked to be an array of numbers by the caller) with a number or an
    array of numbers found so without taking a parameter for one: NumPy's, a bool array."""
    if not (isinstance(value, gast.Call) and anno.get(value, Key.TARGET) is object_operator
            and len(value.args) == 4 and isinstance(value.args[0], gast.Constant) and value.args[0].value in _COMPARED):
        return False
    operands = value.args[1:3]
    return any(isinstance(a, gast.Name) and a.id == indexed for a in operands) \
        and all(isinstance(a, gast.Name) and (a.id == indexed or _compared_parameter(sharing, a.id)
                                              or _number_array_of_the_code(sharing, a.id))
                or isinstance(a, gast.Constant) and type(a.value) in (int, float, bool) for a in operands)


def _numbers_compared(sharing, value, stmt):
    """Whether ``value`` is a comparison kept for the class of its operands when the code
    runs (``object_operator('>', y, t, ...)``) of numbers and arrays of numbers (a
    parameter taken for one where ``stmt`` notes it): NumPy's new bool array (or a bool),
    sharing nothing, where an object's comparison might give back one of its operands."""
    if not (isinstance(value, gast.Call) and anno.get(value, Key.TARGET) is object_operator
            and len(value.args) == 4 and isinstance(value.args[0], gast.Constant) and value.args[0].value in _COMPARED):
        return False
    before, compared = set(sharing.assumed_numbers), set(sharing.compared_numbers)
    found = all(isinstance(a, gast.Constant) and type(a.value) in (int, float, bool)
                or isinstance(a, gast.Name) and (_compared_parameter(sharing, a.id) or holds_number_array(sharing, a.id))
                for a in value.args[1:3])
    for notes, was in ((sharing.assumed_numbers, before), (sharing.compared_numbers, compared)):
        for name in set(notes) - was:
            if found:
                notes[name] = stmt
            else:
                del notes[name]
    return found


def _compared_parameter(sharing, name):
    """Whether ``name`` is a parameter never bound again, taken for a number or an array of
    numbers (``m = y > t``: then NumPy's bool array, and ``y[m]`` a new array) where the
    code checks that when it runs (``number_array_argument``: an object's comparison may
    give anything, an int that indexes a view); noted in ``sharing.compared_numbers``."""
    if name not in sharing.params or name not in sharing.number_arrays or sharing.bindings_of(name):
        return False
    sharing.compared_numbers.setdefault(name, None)
    return True


def _number_array_of_the_code(sharing, name):
    """``holds_number_array`` of ``name`` taking no parameter for an array of numbers."""
    before = dict(sharing.assumed_numbers)
    found = holds_number_array(sharing, name)
    assumed = set(sharing.assumed_numbers) - set(before)
    sharing.assumed_numbers = before
    return found and not assumed


def _slicing(index):
    """Whether ``index`` is a slice or ``...``."""
    return isinstance(index, gast.Slice) or isinstance(index, gast.Constant) and index.value is Ellipsis


def _holds_number_array_at(sharing, holder, stmt):
    """``holds_number_array`` for the store ``stmt`` into ``holder``, noting ``stmt`` for
    each parameter taken for an array of numbers there."""
    before = set(sharing.assumed_numbers)
    found = holds_number_array(sharing, holder)
    for name in set(sharing.assumed_numbers) - before:
        if found:
            sharing.assumed_numbers[name] = stmt
        else:
            del sharing.assumed_numbers[name]
    return found


def _tuple_item(sharing, value):
    """The name ``t[i]`` certainly is, for ``t`` bound once, to a tuple display of names
    (as an inlined helper's ``return a, b`` is unpacked), and a constant ``i``; else None."""
    if not (isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name)
            and isinstance(value.slice, gast.Constant) and type(value.slice.value) is int):
        return None
    bindings = sharing.bindings_of(value.value.id)
    if len(bindings) != 1 or not isinstance(bindings[0], gast.Assign) \
            or not isinstance(bindings[0].targets[0], gast.Name) or not isinstance(bindings[0].value, gast.Tuple):
        return None
    items = bindings[0].value.elts
    index = value.slice.value
    if not -len(items) <= index < len(items) or not isinstance(items[index], gast.Name):
        return None
    return sharing._name(items[index])


def _list_slice(sharing, value):
    """``xs`` for ``xs[:]`` of a list the function built (not a tuple, which ``[:]`` returns
    itself, nor an array, which it views): a new list holding ``xs``'s items, neither an
    item of ``xs`` nor a view of it. Else None. (Other slices stay views to this analysis:
    a write into an item of ``rest`` of ``a, *rest = [x, y]`` is then refused as changing
    ``y``, not left to the check when the code runs.)"""
    part = value.slice if isinstance(value, gast.Subscript) else None
    if isinstance(part, gast.Slice) and part.lower is None and part.upper is None and part.step is None \
            and isinstance(value.value, gast.Name) and sharing.is_list_or_dict_built_here(value.value.id):
        return value.value.id
    return None


def _link(links, a, b):
    """``a`` and ``b`` related both ways in ``links`` (``Sharing.alias`` or ``shapes``)."""
    if a != b:
        links.setdefault(a, set()).add(b)
        links.setdefault(b, set()).add(a)


def _as_element(sharing, current, skip_slices=False):
    """The steps of ``Sharing.group`` from ``current`` as an element of the containers it
    was read out of: to them, and to what else they hold (it may be any of it; ``current``
    itself among them adds nothing, as when a value is pushed and popped back).
    ``skip_slices``: leave out the containers ``current`` was only sliced out of."""
    steps = []
    for container in sharing.element_of.get(current, ()):
        if skip_slices and (current, container) not in sharing.item_reads:
            continue
        steps.append((container, None))
        for same in sharing._aliases(container):      # d = t: what t holds, d holds
            steps += [(n, None) for n in sharing.contents.get(same, set()) if n != current]
        # t = c[k]; v = t[0]: t may be any list c holds (a copy list(r) of another's row,
        # holding its items), so v may be any item of those
        for outer in sharing.element_of.get(container, ()):
            for held in (n for same in sharing._aliases(outer) for n in sharing.contents.get(same, set())):
                steps += [(n, None) for n in sharing.contents.get(held, set()) if n != current]
    return steps


def _hold_joined_items(sharing):
    """``ys = xs + [a]`` (``xs += [a]``, ``[a] * 2``) holds the very object ``a``: an
    in-place change of ``a`` shows in ``ys`` too, and an item read out of ``ys``
    (``v = ys[k]``, a queue's ``get``, a deque's ``popleft``) may be ``a`` itself, whose
    change shows in ``a``, as it does for an item of a list display."""
    joins = []
    for stmt in sharing.statements:
        value = stmt.value if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) else None
        positions = _JOINS_ITEMS.get(anno.get(value, Key.TARGET)) if isinstance(value, gast.Call) else None
        if positions:
            joins.append((stmt.targets[0].id, [sharing._name(value.args[k]) for k in positions]))
    held = {}       # name -> the objects it holds through joins (xs + ys of xs + [a] holds a)
    changed = bool(joins)
    while changed:      # to a fixed point: a join of a join, in a loop
        changed = False
        for name, owners in joins:
            items = set().union(*(sharing.contents.get(same, set()) | held.get(same, set())
                                  for owner in owners for same in sharing._aliases(owner) | {owner}))
            if not items <= held.setdefault(name, set()):
                held[name] |= items
                changed = True
    for name, items in held.items():
        sharing.contents.setdefault(name, set()).update(items)
        for element in items:
            sharing.holders.setdefault(element, set()).add(name)


def _object_built(value):
    """Whether ``value`` builds an object of a user class or a record (``record(cls,
    {...})``, ``instance(cls, {...})``, ``with_attribute(obj, name, v)``): a new object
    that holds what it is given, as a list display holds its items."""
    return isinstance(value, gast.Call) and anno.get(value, Key.TARGET) in _OBJECT_BUILDERS


def _copies_hold_what_is_read_out(sharing):
    """A shallow copy (``c.copy()``, ``copy.copy(c)``) holds what ``c`` holds. Where
    ``c`` was read out of a container that holds lists or dicts (a list of lists), it
    may be one of those: the copy holds an item read out of ``c``, as ``list(c)``
    appends the items it reads out of it (``r[:]``, a node of its own)."""
    for stmt in sharing.statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                and isinstance(stmt.value, gast.Call) and stmt.value.args is not None:
            value = stmt.value
            if anno.get(value, Key.METHOD) == "copy" and isinstance(value.func, gast.Attribute):
                owner = sharing._name(value.func.value)
            elif anno.get(value, Key.TARGET) is runtime.shallow_copy and value.args:
                owner = sharing._name(value.args[0])
            else:
                continue
            containers = {c for same in sharing._aliases(owner) if owner not in (None, OUTSIDE)
                          for c in sharing.element_of.get(same, set())}
            if _dict_copy_of_parameter(sharing, owner, stmt.targets[0].id) or any(
                    sharing.is_list_or_dict_built_here(held) for c in containers for held in sharing.contents.get(c, ())):
                sharing.contents.setdefault(stmt.targets[0].id, set()).add(_item_of(sharing, owner, stmt.targets[0].id))


def _item_of(sharing, owner, copy):
    """The node ``copy[:]`` standing for an item of ``owner`` its shallow copy ``copy``
    holds: read out of ``owner`` (a node of its own, not a name)."""
    item = copy + "[:]"
    sharing.views.setdefault(owner, set()).add(item)
    sharing.element_of.setdefault(item, set()).add(owner)
    sharing.item_reads.add((item, owner))
    return item


def _dict_copy_of_parameter(sharing, owner, copy):
    """Whether ``copy`` copies the parameter or attribute ``owner`` (``m = self.m.copy()``)
    and is read by a string key (``c["a"]``): a dict, whose copy holds the very items of
    what it copied (an array's copy, read by position, is new memory; a list's is checked
    when the code runs)."""
    return (owner in sharing.params or _read_off_an_object(sharing, owner)) and any(
        isinstance(read, gast.Subscript) and isinstance(read.value, gast.Name) and read.value.id == copy
        and isinstance(read.slice, gast.Constant) and isinstance(read.slice.value, str)
        for read in (stmt.value for stmt in sharing.statements if isinstance(stmt, gast.Assign)))


def _read_off_an_object(sharing, owner):
    """Whether ``owner`` is bound to an attribute of an object (``t = o.m``), which that
    object goes on holding."""
    return owner in sharing.locals and any(
        isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Attribute)
        and sharing.container_read(stmt.value)[0] is not None for stmt in sharing.bindings_of(owner))


_OBJECT_BUILDERS = (runtime_objects.record, runtime_objects.instance, runtime_objects.with_attribute)


def _object_parts(call):
    """The expressions the object ``call`` builds holds: the items of the display given
    to ``record`` or ``instance`` (or the name of a dict of them), the object whose
    attributes ``with_attribute`` copies and the value it sets."""
    if anno.get(call, Key.TARGET) is runtime_objects.with_attribute:
        return [call.args[0], call.args[2]] if len(call.args) == 3 else list(call.args)
    parts = []
    for argument in call.args[1:]:
        if isinstance(argument, gast.Dict):
            parts += argument.values
        elif isinstance(argument, (gast.List, gast.Tuple)):
            parts += argument.elts
        else:
            parts.append(argument)
    return parts


def _is_shape_of(value):
    """``shape_of(x)``: the shape of an array, any other value itself."""
    return isinstance(value, gast.Call) and anno.get(value, Key.TARGET) is runtime.shape_of


def is_user_function(obj):
    return core_ops.is_user_function(obj)


# defaults op= or a method call can only rebind, never change: what a call may hand back
_UNCHANGING_DEFAULTS = (int, float, complex, bool, str, bytes, tuple, frozenset, type(None))


def _changeable_default(fn, param):
    """Whether ``fn``'s parameter ``param`` has a default another call, or a global, may
    change in place (an array, a list, any object but a number, string or tuple)."""
    try:
        default = inspect.signature(fn).parameters[param].default
    except (TypeError, ValueError, KeyError):
        return True
    return default is not inspect.Parameter.empty and not isinstance(default, _UNCHANGING_DEFAULTS)


# -- what a user function does to its arguments ----------------------------------------


class Effects:
    """What calling a user function may do: which parameters (or OUTSIDE) its result
    may share memory with, and which parameters it changes in place (with where)."""

    def __init__(self, fn, params, result_shares, mutated, result_items=None):
        # the cache maps fn to its Effects: refer to fn weakly, or the entry keeps its key alive
        self._fn = _reference(fn)
        self.params = params
        self.result_shares = result_shares
        self.mutated = mutated          # parameter (or OUTSIDE) -> Where
        # {parameter (or OUTSIDE): 1 or 2}: the result holds the items of that argument
        # through a shallow copy, though it is a new object itself: 1 where the result is
        # the copy (m.copy() of a list holds m's very arrays), 2 where it holds copies
        # ({k: v.copy() for k, v in m.items()}: its items are new, theirs are m's)
        self.result_items = dict(result_items or {})
        # parameter -> Where: the callee changes in place an item read out of a shallow
        # copy of the argument (c = m.copy(); c[0] *= a), which on a list or dict is one
        # of the argument's own items (on an array, new memory: see calls_changing_arguments)
        self.items_changed = {}

    @property
    def fn(self):
        return self._fn()

    def bind(self, call):
        """parameter -> argument atom for ``call``, or None when it does not bind."""
        try:
            signature = inspect.signature(self.fn)
            bound = signature.bind(*call.args, **{kw.arg: kw.value for kw in call.keywords})
        except (TypeError, ValueError):
            return None
        return dict(bound.arguments)


class Where(typing.NamedTuple):
    """Where a function changes memory in place: the file, line and text of the change and
    what changes it, without the function's syntax tree (kept in a cache, it would keep
    the tree alive)."""
    filename: str
    line: object
    text: object
    what: str
    # for an op= on an item of a shallow copy: the constant keys of the items written
    # (c[0] *= a: (0,)), or None where a write's key is known only when it runs
    keys: object = None
    # the callee's name whose object the change is on, where the parameter changed is
    # only one that may share it (memo[n] = r, memo holding what r, and so x, may be)
    through: object = None
    # ("file:line", text) of the read by an advanced index (z = x[x > 0]) that made what the
    # change writes into: a copy, which shares the argument's items only where they are objects
    copied: object = None


def _where(source, node, what):
    """Where ``node`` is; in code astgrad generated (a derivative called by a function
    being differentiated), the user's line that code was generated from."""
    line = source.file_line(node)
    found = generated_text.origin(source.filename, line) if line is not None else None
    if found is None:
        # a line of a helper written into the function lies outside its own source: read it from the file
        text = source.line_text(node) or (linecache.getline(source.filename, line).rstrip("\n") if line else None)
        return Where(source.filename, line, text or None, what)
    filename, user_line = found
    return Where(filename, user_line, linecache.getline(filename, user_line).rstrip("\n") or None, what)


def _reference(fn):
    """A weak reference to ``fn``, or a strong one where it cannot be weak."""
    try:
        return weakref.ref(fn)
    except TypeError:
        return lambda: fn


_effects = weakref.WeakKeyDictionary()


class _Analyses(threading.local):
    """The analyses under way in this thread (two threads analysing the same recursive
    functions must not read each other's assumptions)."""

    def __init__(self):
        self.analysing = []
        self.assumed = {}           # fn being analysed -> the Effects its recursive calls are given
        self.consulted = set()      # functions whose assumed Effects an analysis has used


_under_way = _Analyses()


def callee_effects(fn, prepare, read=None):
    """The Effects of calling user function ``fn`` (cached per function object), read
    from its code as ``prepare(fn)`` gives it: (source, normalized tree, namer, namespace);
    or, given ``read`` (``Callees.read``: the tree kept for the next generation, not a
    copy), from that, where reading it is all the analysis does (see ``_analyse``).
    A recursive call, met while ``fn`` is being analysed, is given what the analysis
    assumes of ``fn``: nothing at first, then what the last pass found, until a pass
    finds what it assumed (the least fixed point: what any finite depth of recursion
    does). An answer that rests on an assumption still being checked is not cached."""
    fn = underlying(fn)
    cached = _effects.get(fn)
    if cached is not None and cached[0] is fn.__code__:
        return cached[1]
    if fn in _under_way.analysing:
        _under_way.consulted.add(fn)
        return _under_way.assumed[fn]
    _under_way.analysing.append(fn)
    try:
        effects = _fixed_point(fn, prepare, read)
    finally:
        _under_way.analysing.remove(fn)
        _under_way.assumed.pop(fn, None)
    if not _under_way.consulted & set(_under_way.analysing):
        try:
            _effects[fn] = (fn.__code__, effects)
        except TypeError:
            pass
    _under_way.consulted.discard(fn)
    return effects


def _fixed_point(fn, prepare, read):
    assumed = Effects(fn, _parameters_of(fn), set(), {})
    # each pass that goes on adds a parameter or OUTSIDE to what the result shares or
    # what is changed: at most twice (parameters + 1) passes, and one to see it settle
    for _ in range(2 * len(assumed.params) + 4):
        _under_way.assumed[fn] = assumed
        _under_way.consulted.discard(fn)
        effects = _analyse(fn, prepare, read)
        if fn not in _under_way.consulted:
            return effects
        joined = Effects(fn, effects.params, effects.result_shares | assumed.result_shares,
                         {**assumed.mutated, **effects.mutated},
                         _shallowest(effects.result_items, assumed.result_items))
        joined.items_changed = {**assumed.items_changed, **effects.items_changed}
        if (joined.result_shares, set(joined.mutated), joined.result_items, set(joined.items_changed)) == \
                (assumed.result_shares, set(assumed.mutated), assumed.result_items, set(assumed.items_changed)):
            return joined
        assumed = joined
    params = _parameters_of(fn)
    return Effects(fn, params, set(params) | {OUTSIDE}, {})


def _analyse(fn, prepare, read=None):
    """``fn``'s Effects. Given ``read``, from the tree kept for ``fn``'s next generation
    (a copy of a long function's tree cost a third of this analysis), while nothing is
    recorded on it: only a function that changes something in place has its statements
    annotated (``_unshared_writes``), and is analysed again on a copy of its own."""
    try:
        source, tree = read(fn) if read is not None else prepare(fn)[:2]
    except TransformError:
        return _assumed_worst(fn, prepare)
    params = [a.id for a in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs]
    body, result = tree.body[:-1], tree.body[-1].value
    sharing = Sharing(params, body, prepare)
    result_shares, result_items = _result_sharing(sharing, result, params)
    copies = argument_copies(sharing.statements, params)
    changes = list(in_place_changes(sharing.statements))
    if changes and read is not None:        # annotated below: not the kept tree
        return _analyse(fn, prepare)
    unshared = _unshared_writes(body, params, result, changes, sharing)
    mutated = _changed_in_place(sharing, source, params, changes, copies, unshared)
    items_changed = _items_changed_through_copies(sharing, source, changes, set(mutated))
    items_changed = {**_items_changed_by_callees(sharing), **items_changed}
    # (each change below is kept only where none above named that parameter)
    _add_changes_by_callees(mutated, sharing, source, params)
    for param, where in _unshown_changes(fn, prepare, source, sharing, params).items():
        mutated.setdefault(param, where)
    _add_attribute_stores(mutated, sharing, source, params)
    effects = Effects(fn, params, result_shares, mutated, result_items)
    effects.items_changed = {name: where for name, where in items_changed.items() if name not in mutated}
    return effects


def _assumed_worst(fn, prepare):
    """The Effects of ``fn`` where reading it failed: the callee's own derivative reports
    what is wrong with it; here assume the worst, and what its source shows it changes
    (where no derivative of it is made)."""
    params = _parameters_of(fn)
    mutated = {name: Where(fn.__code__.co_filename, line, text, "a change in place")
               for name, (line, text) in source_changes(fn, OUTSIDE).items()}
    return Effects(fn, params, set(params) | {OUTSIDE}, {**_changes_of_the_original(fn, prepare), **mutated})


def _changed_in_place(sharing, source, params, changes, copies, unshared):
    """{parameter or OUTSIDE: Where} for what the in-place ``changes`` write into: the
    name written into, or what it shares memory with, where that is a parameter (through
    ``copies``, the copies the derivative writes into) or memory from outside."""
    mutated = {}
    for change in changes:
        shared = sharing.group(change.name, keeps_items=_keeps_items(sharing, change))
        # into a new object no other name refers to there (d = {}; d[k] = v); not into
        # a copy of an argument, which stands for the argument the function writes into
        if (id(change.stmt), change.name) in unshared and not ({change.name} | shared) & set(copies):
            continue
        # the derivative writes into a copy of the argument; the function itself, which
        # the caller's forward code runs, writes into the argument
        shared = shared | {copies[n] for n in {change.name} | shared if n in copies}
        # a name that is not the function's own (a global, a closure variable) is memory
        # from outside: G.append(a) or A[:] = a in the callee changes what the caller reads
        reached = {n if n in sharing.locals else OUTSIDE for n in {change.name} | shared}
        # the name written into first, so that a message names it before one that may share it
        for changed in sorted(reached & (set(params) | {OUTSIDE}), key=lambda n: (n != copies.get(change.name, change.name), n)):
            where = _where(source, change.stmt, change.what)
            if changed != copies.get(change.name, change.name) and \
                    (change.name in copies or _another_parameter(sharing, change.name)):
                where = where._replace(through=_written_as(source, change.stmt, change.name,
                                                           copies.get(change.name, change.name)))
            copied = _advanced_read(sharing, source, change.name, (changed, copies))
            mutated.setdefault(changed, where._replace(copied=copied))
    return mutated


def _add_changes_by_callees(mutated, sharing, source, params):
    """Into ``mutated``: the parameters (or OUTSIDE) a call changes, its callee changing
    an argument in place."""
    for stmt, callee_name, changed, inner, _ in calls_changing_arguments(sharing):
        # Q.put(1.0) on a global's queue: memory from outside, as a global the callee writes is
        for name in {changed if changed in sharing.locals else OUTSIDE} | sharing.group(changed):
            if name in params or name == OUTSIDE:
                through = inner.through if name == changed or changed == OUTSIDE else \
                    _written_as(source, stmt, changed) if _another_parameter(sharing, changed) else None
                mutated.setdefault(name, _where(source, stmt, f"the call of {callee_name}")._replace(
                    through=through, copied=inner.copied))


def _add_attribute_stores(mutated, sharing, source, params):
    """Into ``mutated``: the parameters (or OUTSIDE) an assignment to an attribute of
    theirs changes (``layer.act = np.sin``)."""
    for stmt, owner in _attribute_stores(sharing.statements):
        for name in {n if n in sharing.locals else OUTSIDE for n in {owner} | sharing.group(owner)}:
            if name in params or name == OUTSIDE:
                mutated.setdefault(name, _where(source, stmt, "an assignment to an attribute"))


def _result_sharing(sharing, result, params):
    """(the parameters, or OUTSIDE, the result may share memory with; {parameter: depth}
    of those whose items it holds through a shallow copy, see Effects.result_items)."""
    if not isinstance(result, gast.Name):
        return set(), {}
    reached = {result.id} | sharing.group(result.id, with_contents=True)
    result_shares = {n for n in reached if n in params or n == OUTSIDE}
    if result.id not in sharing.locals:
        result_shares.add(OUTSIDE)
    same = sharing._aliases(result.id)
    result_items = _shallowest(_items_of_copies(sharing, same, 1), _items_of_copies(sharing, reached - same, 2))
    return result_shares, {n: depth for n, depth in result_items.items() if n not in result_shares}


def _unshown_changes(fn, prepare, source, sharing, params):
    """{parameter (or OUTSIDE): Where} for the changes Python's call of ``fn`` makes to its
    arguments (or to memory from outside) that the in-place changes of its normalized code
    do not show: those of the function a variant was made from, the stores into a memo
    table handed on to a twin, and a changing method called on what an attribute or an
    item of a parameter or a global holds (``NS.buf.append(v)``)."""
    found = {}
    for stmt, param, callee_name in () if _table_twin(fn) else _tables_handed_on(sharing.statements, params):
        found.setdefault(param, _where(source, stmt, f"the call of {callee_name}, which stores into the memo "
                                                     "table it is given"))
    for stmt, root, method in _methods_on_held_objects(sharing.statements):
        owner = root if root in sharing.locals else OUTSIDE
        if owner in params or owner == OUTSIDE:
            found.setdefault(owner, _where(source, stmt, f"the method call .{method}()"))
    for stmt, param, label in _argument_objects_followed(sharing.statements):
        if param in params:
            found.setdefault(param, _where(source, stmt, f"{ARGUMENT_OBJECT_CHANGE} {label}"))
    return {**found, **_changes_of_the_original(fn, prepare)}


# what a callee's Where says of a method it calls on an object its argument gives
ARGUMENT_OBJECT_CHANGE = "a method assigning attributes of"


def _argument_objects_followed(statements):
    """(statement, parameter, the object as the code names it) for each method call the
    code follows on a copy of an object a parameter gives (``box.scale(w)``, ``for layer
    in self.layers: layer.scale(w)``: argument_objects.py, which checks the object first
    with ``argument_object_alone``). Python's call changes the caller's object there, which
    a caller of this function reads after it, and which its derivative would run again."""
    for stmt in statements:
        call = stmt.value if isinstance(stmt, gast.Expr) else None
        if isinstance(call, gast.Call) and anno.get(call, Key.TARGET) is runtime_objects.argument_object_alone \
                and len(call.args) >= 4 and isinstance(call.args[3], gast.Constant):
            label = str(call.args[3].value)
            yield stmt, re.match(r"\w*", label).group(), label


def _methods_on_held_objects(statements):
    """(statement, root name, method) for each changing method called on an attribute or
    an item of a name (``NS.buf.append(v)``, ``d["k"].pop()``), which in_place_changes,
    following names, does not list."""
    for stmt in statements:
        call = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
        if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
                and isinstance(call.func.value, (gast.Attribute, gast.Subscript))
                and is_mutating_method(call.func.attr)):
            continue
        root = call.func.value
        while isinstance(root, (gast.Attribute, gast.Subscript)):
            root = root.value
        if isinstance(root, gast.Name):
            yield stmt, root.id, call.func.attr


def _changes_of_the_original(fn, prepare):
    """{parameter: Where} for a variant made for the layouts of the objects it is given
    (frontend/function_args.py): its derivative follows a method's stores into ``self`` on
    a copy, but Python's call of it (``Box.scale(box, w)``) stores into the caller's
    object, as the original function does."""
    layouts = getattr(fn, "__astgrad_layouts__", None)
    original = (getattr(fn, "__astgrad_specializes__", None) or (None,))[0]
    if not layouts or original is None or _table_twin(original):
        return {}
    return {param: where for param, where in callee_effects(original, prepare).mutated.items() if param in layouts}


def _table_twin(fn):
    """Whether ``fn`` is a memo table's twin (or a variant of one), or code astgrad
    generated (a twin's derivative): it fills a copy of the table it is given, and its
    own calls hand that copy on."""
    if getattr(getattr(fn, "__code__", None), "co_filename", "").startswith("<astgrad"):
        return True
    while fn is not None:
        if getattr(fn, "__astgrad_table__", None) is not None:
            return True
        fn = (getattr(fn, "__astgrad_specializes__", None) or (None,))[0]
    return False


def _tables_handed_on(statements, params):
    """(statement, parameter, callee name) for each call of a memo table's twin
    (frontend/memo_tables.py) handed a parameter as its table: the twin fills a copy, which
    the normalized code binds back to the name, but Python's call of the function stores
    into the caller's dict itself (``fib(x, n, memo)`` in ``def total(x, memo)``)."""
    for stmt in statements:
        call = stmt.value if isinstance(stmt, gast.Assign) else None
        table = getattr(anno.get(call, Key.TARGET), "__astgrad_table__", None) if isinstance(call, gast.Call) else None
        if table is None:
            continue
        try:
            bound = inspect.signature(anno.get(call, Key.TARGET)).bind(*call.args)
        except (TypeError, ValueError):
            continue
        given = bound.arguments.get(table)
        if isinstance(given, gast.Name) and given.id in params:
            yield stmt, given.id, getattr(anno.get(call, Key.TARGET), "__qualname__", "a helper")


def _another_parameter(sharing, name):
    """Whether ``name``, written into, is a parameter or a global (memo[n] = r): then what
    it changes is that, not the argument found to share it; a local (row = items[0]) is a
    part of the argument itself. (The copy of a parameter the derivative writes into
    stands for the parameter: the caller checks it by ``copies``.)"""
    return name not in sharing.locals or bool(({name} | sharing._aliases(name)) & set(sharing.params))


def _written_as(source, stmt, name, otherwise=None):
    """``name`` as the user's line writes it (``memo``, not the ``memo_1`` renaming made);
    where the line does not show it, ``otherwise`` (the parameter a copy stands for)."""
    return user_expression(source, stmt, name) or otherwise or name


def _item_changed_by_store(sharing, change):
    """``t`` for ``c[k] = in_place(v, t)``, an op= on an item (``c[k] *= a``), which
    changes the item ``t`` itself where it is an array; else None."""
    update = _item_update(sharing, change)
    return update and update[1]


def _item_update(sharing, change):
    """(the statement ``u = in_place(v, t)``, ``t``) for ``c[k] = u`` made of an op= on
    an item (``c[k] *= a``); else None."""
    value = change.stmt.value if change.kind is ChangeKind.ELEMENT and isinstance(change.stmt, gast.Assign) else None
    bindings = sharing.bindings_of(value.id) if isinstance(value, gast.Name) and value.id in sharing.locals else ()
    for stmt in bindings:
        call = stmt.value if isinstance(stmt, gast.Assign) else None
        if isinstance(call, gast.Call) and anno.get(call, Key.TARGET) is runtime.in_place and len(call.args) == 2:
            item = sharing._name(call.args[1])
            return (stmt, item) if item else None
    return None


def item_updates_of_copies(sharing):
    """(statement, copy, item) for each op= on an item of a shallow copy (``c = xs.copy()``,
    ``list(xs)``, ``copy.copy(xs)``, a helper returning one; then ``c[0] *= a``): the
    statement computing the new item, before which the item is checked. Whether the
    copy holds the very item of ``xs`` (a list's, dict's or tuple's copy does, an array's
    is new memory) only the run shows (``runtime.item_of_copy_apart``)."""
    for change in in_place_changes(sharing.statements):
        update = _item_update(sharing, change) if not anno.get(change.stmt, Key.SHARED_ITEM, False) else None
        copied = update and change.name in sharing.locals and _bound_to_a_copy(sharing, change.name)
        if copied:
            yield update[0], change.name, update[1]


def _bound_to_a_copy(sharing, name):
    """Whether ``name`` or a name that may be its very object (an alias: ``items = q``
    where a helper given the copy ``q`` is written in) is bound to a shallow copy."""
    return any(_copied_owners(sharing, stmt.value) for alias in sorted(sharing._aliases(name))
               if alias in sharing.locals for stmt in sharing.bindings_of(alias) if isinstance(stmt, gast.Assign))


def _items_changed_through_copies(sharing, source, changes, known):
    """{parameter: Where} for the in-place ``changes`` of an item read out of a shallow
    copy of the parameter (not of the copy itself: ``c.append(v)``, ``c[0] = v`` leave
    the argument alone), other than the parameters in ``known``."""
    found = {}
    for change in changes:
        if _keeps_items(sharing, change):
            continue
        changed = _item_changed_by_store(sharing, change) or change.name
        keys = _written_keys(sharing, change)
        for name in sorted(sharing.group(changed) - sharing._aliases(changed), key=str):   # sets: sorted,
            for stmt in sharing.bindings_of(name) if name in sharing.locals else ():   # so the checks come in one order
                for owner, _ in _copied_owners(sharing, stmt.value) if isinstance(stmt, gast.Assign) else ():
                    for param in sorted(({owner} | sharing.group(owner)) & set(sharing.params) - known):
                        previous = found.get(param)
                        where = previous or _where(source, change.stmt, "a change in place of an item of its copy")
                        found[param] = where._replace(keys=keys if previous is None else _joined_keys(previous, keys))
    return found


def _written_keys(sharing, change):
    """(key,) for an op= on an item of a copy written with a constant key (``c[0] *= a``,
    ``c["k"] *= a``); None for any other change, whose item only the run shows."""
    if _item_changed_by_store(sharing, change) is None:
        return None
    key = change.stmt.targets[0].slice
    if isinstance(key, gast.Constant) and type(key.value) in (int, str):
        return (key.value,)
    return None


def _joined_keys(where, keys):
    """The keys of ``where`` and ``keys`` together: None (any item) where either is."""
    if where.keys is None or keys is None:
        return None
    return tuple(sorted(set(where.keys) | set(keys), key=repr))


def _items_of_copies(sharing, names, depth):
    """{parameter (or OUTSIDE): depth} for the arguments whose memory the items of a
    shallow copy bound to one of ``names`` may be: ``v.copy()``, ``copy.copy(v)`` of a
    list or dict is a new container holding ``v``'s very items (only an array's copy is
    new memory, and ``v``'s kind is not known here), so what ``v`` may share, its items
    may. A call of a user function whose result holds copied items passes them on (at
    its own depth where ``depth`` is 1: the result is that call's)."""
    found = {}
    for name in names & sharing.locals:
        for stmt in sharing.bindings_of(name):
            for owner, inner in _copied_owners(sharing, stmt.value) if isinstance(stmt, gast.Assign) else ():
                reached = {owner} | sharing.group(owner, with_contents=True)
                found = _shallowest(found, {n: max(depth, inner) for n in reached
                                            if n in sharing.params or n == OUTSIDE})
    return found


def _copied_owners(sharing, value):
    """(name, depth) for what ``value`` copies the items of: ``v`` for a shallow copy
    of ``v`` (OUTSIDE where not local); for a call of a user function, the arguments
    whose items its result holds."""
    if not isinstance(value, gast.Call):
        return []
    if anno.get(value, Key.METHOD) == "copy" and isinstance(value.func, gast.Attribute):
        owners = [value.func.value]
    elif _in(anno.get(value, Key.TARGET), _NEW_OF_SAME_ITEMS) and value.args:
        owners = value.args[:1]
    else:
        return _arguments_copied_by_callee(sharing, value)
    return [(owner, 1) for owner in sharing._names(owners)]


def _arguments_copied_by_callee(sharing, call):
    """(argument name or OUTSIDE, depth) for the arguments of a call of a user function
    whose items its result holds (``Effects.result_items``)."""
    target = anno.get(call, Key.TARGET)
    if target is None or not is_user_function(target):
        return []
    effects = callee_effects(target, sharing.prepare)
    bound = effects.bind(call) if effects.result_items else None
    if bound is None:
        return []
    found = [(OUTSIDE if param == OUTSIDE else sharing._name(bound.get(param)), depth)
             for param, depth in effects.result_items.items()]
    return [(argument, depth) for argument, depth in found if argument is not None]


def _shallowest(found, other):
    """The ``result_items`` of both: each argument at the smaller depth."""
    return {n: min(found.get(n, 2), other.get(n, 2)) for n in set(found) | set(other)}


def _attribute_stores(statements):
    """(statement, name) for each ``name.a = v`` (or ``del name.a``) of ``statements``:
    the object ``name`` refers to is changed, as an in-place write changes an array."""
    for stmt in statements:
        targets = stmt.targets if isinstance(stmt, (gast.Assign, gast.Delete)) else []
        for target in targets:
            if isinstance(target, gast.Attribute) and isinstance(target.value, gast.Name):
                yield stmt, target.value.id


def _unshared_writes(body, params, result, changes, sharing):
    """``(id(statement), name)`` for the in-place ``changes`` into an object that, where
    the change happens, no other name or container refers to (``_Unshared``: a flow
    analysis, so ``r = {}; r[k] = v`` in one branch is apart from ``r = v[a:b]`` in another)."""
    writes = [(change.stmt, change.name) for change in changes]
    if not writes:
        return set()
    dataflow.liveness(body, S.names_in(result), value_reads)
    mark_unshared(body, params, writes, sharing)
    return {(id(stmt), name) for stmt, name in writes if name in anno.get(stmt, Key.UNSHARED, ())}


def argument_copies(statements, params):
    """{copy: parameter} for the copies ``x_1 = copy_argument(x)`` of written arguments
    that normalizing made (frontend/normalize/arguments.py); not a copy the code itself
    makes (a generated gradient's own, which leaves the caller's array as it was)."""
    return {stmt.targets[0].id: stmt.value.args[0].id for stmt in statements
            if isinstance(stmt, gast.Assign) and anno.get(stmt, Key.ARGUMENT_COPY, False)
            and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.Call) and anno.get(stmt.value, Key.TARGET) is runtime.copy_argument
            and isinstance(stmt.value.args[0], gast.Name) and stmt.value.args[0].id in params}


def _keeps_items(sharing, change):
    """The change replaces, adds or removes items but changes none (``ys.append(v)``,
    ``ys.pop()``, ``d[k] = v`` on a list or dict the function built)."""
    return (change.kind is ChangeKind.METHOD and change.method in ("append", "pop")) or \
        (change.kind is ChangeKind.ELEMENT and sharing.is_list_or_dict_built_here(change.name))


def _parameters_of(fn):
    try:
        return list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return []


def calls_changing_arguments(sharing):
    """(statement, callee name, argument name, where, receiver) for each call of a user
    function that changes the argument's object in place, as the callee's own body shows;
    where is the ``Where`` of the change. OUTSIDE for a change of a global. ``receiver``:
    the method's own parameter (``self``) where what changes is the object a method is
    called on, else None."""
    for stmt, target, effects, bound in _user_calls(sharing):
        label, receiver = _callee_label(target)
        # the object a method changes first: an argument it stores there (self.items.append(v))
        # may be counted as changed too
        for param, where in sorted(effects.mutated.items(), key=lambda item: item[0] != receiver):
            argument = bound.get(param)
            if isinstance(argument, gast.Name):
                yield stmt, label, argument.id, where, receiver if param == receiver else None
            elif param == OUTSIDE:
                yield stmt, label, OUTSIDE, where, None
        # m.copy() in the callee holds the very items of a list or dict handed to it
        # (where the items written have constant keys, the run checks them instead: see below)
        for param, where in effects.items_changed.items():
            argument = bound.get(param)
            if isinstance(argument, gast.Name) and sharing.is_list_or_dict_built_here(argument.id) \
                    and where.keys is None:
                yield stmt, label, argument.id, where, None


def calls_changing_items_of_arguments(sharing):
    """(statement, callee name, argument name, where) for each call of a user function
    that writes into an item of its shallow copy of the argument (``c = xs.copy();
    c[0] *= a``), where the argument is a name whose kind is not known here (a parameter,
    what another call gave): a list's, dict's or tuple's copy holds the argument's very
    arrays, an array's copy is new memory, so only the value at run time tells
    (``runtime.items_unshared_by_copy``, which checks only the items written where their
    keys are constants, ``Where.keys``). Lists and dicts built here are refused by
    ``calls_changing_arguments`` where a key written is known only when the helper runs."""
    for stmt, target, effects, bound in _user_calls(sharing):
        for param, where in effects.items_changed.items():
            argument = bound.get(param)
            if isinstance(argument, gast.Name) and (where.keys is not None
                                                    or not sharing.is_list_or_dict_built_here(argument.id)):
                yield stmt, _callee_label(target)[0], argument.id, where


def _items_changed_by_callees(sharing):
    """{parameter: Where} for the parameters handed to a callee that writes into an item
    of its copy of them: the caller writes into the parameter's items as much."""
    found = {}
    for _, _, argument, where in calls_changing_items_of_arguments(sharing):
        same = {argument} | sharing._aliases(argument)
        for name in ({argument} | sharing.group(argument)) & set(sharing.params):
            # the argument itself has the items written; what holds it, any item
            found.setdefault(name, where if name in same else where._replace(keys=None))
    return found


def _user_calls(sharing):
    """(statement, callee, its Effects, the call's arguments bound to its parameters) for
    each statement of ``sharing`` calling a user function (``v = f(...)`` or ``f(...)``)."""
    for stmt in sharing.statements:
        call = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
        target = anno.get(call, Key.TARGET) if isinstance(call, gast.Call) else None
        if target is None or not is_user_function(target):
            continue
        effects = callee_effects(target, sharing.prepare)
        bound = effects.bind(call)
        if bound is not None:
            yield stmt, target, effects, bound


def _callee_label(target):
    """The callee as its code names it, and its receiver parameter where it is a method:
    ``Adam.step`` and ``self`` for the copy of a method astgrad calls as ``Adam_step``."""
    from ..core.methods import INSTANCE, receiver_of
    name = getattr(target, "__name__", "a function")
    built = getattr(target, "__astgrad_builds__", None)
    if built is not None:       # the twin of a class's __init__ (normalize/instances.py): the user's name
        return f"{built.__name__}.__init__", None
    if receiver_of(target) is None:
        return name, None
    # a method's state twin (Adam_step_state) goes by the method it was made from
    written = getattr(target, "__astgrad_specializes__", None) if getattr(target, "__astgrad_writes_self__", False) \
        else None
    qualified = getattr(written[0] if written else target, "__qualname__", name).rpartition("<locals>.")[2]
    parameters = _parameters_of(target)
    is_instance_method = receiver_of(target)[0] == INSTANCE and parameters
    return qualified, parameters[0] if is_instance_method else None


# -- which later reads can see an in-place change ----------------------------------------

_SHAPE_ONLY = {}     # runtime helper -> (rule table version, its _shape_only_parameters)


def _shape_only_parameters(helper):
    """Parameters of an astgrad runtime helper whose value no derivative of the call
    needs: its adjoint rule neither differentiates nor reads them (``x`` in
    ``unbroadcast(g, x)`` only gives a shape), or reads only their dtype. Empty for
    anything else. Found once per helper while the rule table stays as it is (generated
    code calls a few helpers thousands of times)."""
    if not _is_runtime_helper(helper):
        return None, set()
    known = _SHAPE_ONLY.get(helper)
    if known is None or known[0] != registry.VERSION[0]:
        known = _SHAPE_ONLY[helper] = (registry.VERSION[0], _find_shape_only_parameters(helper))
    else:               # found from the helper's entry, as if looked up again
        rule_reads.note(registry.rule_key(helper))
    signature, names = known[1]
    return signature, set(names)


def _find_shape_only_parameters(helper):
    if not _is_runtime_helper(helper):
        return None, set()
    template = registry.lookup(registry.ADJOINTS, helper)
    record = registry.primitive(helper)
    if template is None:
        if record is None or not record.shape_only:
            return None, set()
        try:
            return inspect.signature(helper), set(inspect.signature(helper).parameters)
        except (TypeError, ValueError):
            return None, set()
    if template.vararg is not None:
        return None, set()
    unread = {p for p in template.param_names[1:] if p not in template.names_used}
    return template.signature, unread | set(record.dtype_parameters)


def value_reads(stmt):
    """The names whose value ``stmt`` (or a derivative of it) reads: what it loads,
    except arguments of astgrad's runtime helpers that only give a shape or a type.
    Generated code passes a primal value to ``unbroadcast(d_t, t)`` long after ``t`` was
    computed; an in-place write in between changes no shape, so it cannot matter there."""
    names = dataflow.reads(stmt)
    call = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
    if not isinstance(call, gast.Call) or anno.get(call, Key.TARGET) is None:
        return names
    signature, shape_only = _shape_only_parameters(anno.get(call, Key.TARGET))
    if not shape_only:
        return names
    try:
        bound = signature.bind(*call.args, **{kw.arg: kw.value for kw in call.keywords}).arguments
    except TypeError:
        return names
    kept = [node for param, node in bound.items() if param not in shape_only]
    dropped = set().union(*(S.loaded_names(bound[p]) for p in shape_only if p in bound))
    still_read = set().union(set(), *(S.loaded_names(node) for node in kept))
    return names - (dropped - still_read - _written_back(stmt))


def _written_back(stmt):
    """The names an assignment ``stmt`` reads in its target (``c[k] = ...`` reads ``c``, ``k``)."""
    if not isinstance(stmt, gast.Assign):
        return set()
    return dataflow.reads(gast.Assign(targets=stmt.targets, value=gast.Constant(value=None, kind=None)))


def derivative_value_reads(stmt):
    """``value_reads`` in a derivative astgrad generated, differentiated again, where
    ``numpy.shape(t)`` and ``numpy.ndim(t)`` read no value either: the reverse code of a
    reshape, ``numpy.reshape(d_y, numpy.shape(t))``, reads ``t``'s shape long after a write
    into a view of ``t`` changed its elements. Not in the user's code, where ``t`` may be
    a list another name extends in place (``a += [v]``), which changes its shape."""
    return value_reads(stmt) - _read_for_shape_alone(stmt)


_SHAPE_FUNCTIONS = (numpy.shape, numpy.ndim)


def _read_for_shape_alone(stmt):
    """The names ``stmt`` (a simple statement) loads only as ``numpy.shape(n)`` or
    ``numpy.ndim(n)``."""
    if not isinstance(stmt, (gast.Assign, gast.Expr, gast.Return)):
        return set()
    shape_args, loads = set(), []
    for node in gast.walk(stmt):
        if isinstance(node, gast.Call) and any(anno.get(node, Key.TARGET) is f for f in _SHAPE_FUNCTIONS) \
                and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], gast.Name):
            shape_args.add(id(node.args[0]))
        elif isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            loads.append(node)
    if not shape_args:
        return set()
    alone = {n.id for n in loads if id(n) in shape_args}
    return alone - {n.id for n in loads if id(n) not in shape_args}


class _LoopFacts(typing.NamedTuple):
    """What a loop's fixed point needs to know of the loop, found in one walk of it."""
    mentioned: frozenset    # every name in it
    asked: frozenset        # the names whose facts are kept at its statements (see ``recorded``)
    bound: frozenset        # the names it assigns
    header: frozenset       # a for loop's target and the names its iterable reads
    exits_early: bool       # it holds a break, continue or return


def _loop_facts(stmt, recorded):
    mentioned, asked, bound, exits_early = set(), set(), set(), False
    for node in S.operand_nodes(stmt):      # names, calls and statements: operators and contexts play no part
        if isinstance(node, gast.Name):
            mentioned.add(node.id)
            if isinstance(node.ctx, gast.Store):
                bound.add(node.id)
        elif isinstance(node, (gast.Break, gast.Continue, gast.Return)):
            exits_early = True
        elif recorded is not None and id(node) in recorded:
            asked |= recorded[id(node)]
    header = S.stored_names(stmt.target) | S.loaded_names(stmt.iter) if isinstance(stmt, gast.For) else set()
    return _LoopFacts(frozenset(mentioned), frozenset(asked), frozenset(bound), frozenset(header), exits_early)


class _ForwardAnalysis:
    """A forward analysis over structured code: ``block`` records the state before
    each statement (under ``key``, see ``record``) and returns the state after the
    block. Both branches of an ``if`` start from the state after its test and are
    joined; loops and simple statements are the analysis's own (``loop``, ``simple``)."""

    key = None
    recorded = None     # id(statement) -> the names whose facts are kept there (None: all, everywhere)
    _loops = None       # id(loop) -> its _LoopFacts, found once (a fixed point visits a loop often)
    _statements = None  # id(statement) -> its statement_facts

    def loop_facts(self, stmt):
        if self._loops is None:
            self._loops = {}
        facts = self._loops.get(id(stmt))
        if facts is None:
            facts = self._loops[id(stmt)] = _loop_facts(stmt, self.recorded)
        return facts

    def statement_facts(self, stmt):
        """What ``simple`` needs of ``stmt`` whatever the state (``find_statement_facts``),
        found once: a loop's fixed point visits its statements on each pass."""
        if self._statements is None:
            self._statements = {}
        facts = self._statements.get(id(stmt))
        if facts is None:
            facts = self._statements[id(stmt)] = self.find_statement_facts(stmt)
        return facts

    def block(self, block, state):
        state = self.copy(state)
        for stmt in block:
            self.record(stmt, state)
            if isinstance(stmt, gast.If):
                state = self.after_test(stmt.test, state)
                state = self.join(self.block(stmt.body, state), self.block(stmt.orelse, state))
            elif isinstance(stmt, (gast.For, gast.While)):
                state = self.loop(stmt, state)
            else:
                state = self.simple(stmt, state)
        return state

    def after_test(self, test, state):
        return state

    def record(self, stmt, state):
        """Keep the state before ``stmt`` under ``key``: all of it, or (given ``recorded``)
        only the facts of the names asked about at ``stmt``, and nothing elsewhere. A
        state grows with the function: kept whole at every statement it cost as much."""
        if self.recorded is None:
            anno.set(stmt, self.key, self.frozen(state))
        elif id(stmt) in self.recorded:
            anno.set(stmt, self.key, self.restricted(state, self.recorded[id(stmt)]))


class _Unshared(_ForwardAnalysis):
    """Which names hold an object that no other name or container refers to, at each
    statement (a must-analysis, forward over structured code). A name gets such an
    object from a fresh value (an operator, a literal, ``np.zeros``, a copy), or from a
    name that held one and is not used again; it loses it when the object escapes: read
    as a view, stored in a container, passed to a call that may return or keep it.
    Writing into such a name in place changes what that name sees and nothing else."""

    key = Key.UNSHARED
    copy, frozen = set, frozenset

    def __init__(self, params, body, recorded=None, fresh_call=None):
        self.params = set(params)
        self.containers = _containers_built_here(params, body)
        self.body = body
        self._written_copies = None     # found where first asked (few functions pop or get)
        self.views_read = False         # whether a _View entry was ever made (most make none)
        self.recorded = recorded
        self.fresh_call = fresh_call    # call -> whether it returns a new object (user functions)

    @staticmethod
    def restricted(unshared, names):
        return frozenset(name for name in names if name in unshared)

    def join(self, unshared, other):
        return unshared & other

    def loop(self, stmt, unshared):
        """Iterated to a fixed point over the names the loop mentions: no statement in it
        changes the facts of another name, so those pass the loop unchanged (and a loop
        costs as much as it is long, not as the function is). A loop that can leave early
        forgets every name it mentions."""
        facts = self.loop_facts(stmt)
        if self.views_read:
            unshared = {n for n in unshared if not isinstance(n, _View)}     # a view read before stays
        # kept whole at every statement (no ``recorded``), the state cannot be restricted
        outside = unshared - facts.mentioned - facts.asked if self.recorded is not None else set()
        if facts.exits_early or getattr(stmt, "orelse", None):
            forgotten = unshared - facts.mentioned
            self.block(stmt.body, forgotten)       # simple and safe: forget them
            return forgotten
        entry = (unshared - outside) - facts.header
        while True:
            end = self.block(stmt.body, entry) - facts.header
            joined = entry & end
            if joined == entry:
                return outside | entry
            entry = joined

    def simple(self, stmt, unshared):
        """The state after ``stmt``, changed in place (``block`` owns it)."""
        value, escaping, new_object = self.statement_facts(stmt)
        held = isinstance(value, gast.Name) and value.id in unshared     # before the statement
        viewed = _view_read(stmt, unshared)
        unshared -= escaping
        if self.views_read or viewed is not None:
            self.views_read = True
            _release_views(stmt, unshared, escaping, viewed)
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            if anno.get(stmt, Key.AUGMENTED, False):
                return unshared             # y += v changes y's object, keeps who sees it
            name = stmt.targets[0].id
            # v = w where w is not read again: v takes w's object over
            handed_over = held and value.id not in anno.get(stmt, Key.LIVE_OUT, {value.id})
            unshared.discard(name)
            if new_object or handed_over:
                unshared.add(name)
        elif isinstance(stmt, gast.Assign) and not isinstance(stmt.targets[0], gast.Subscript):
            unshared -= S.stored_names(stmt.targets[0])
        return unshared

    def find_statement_facts(self, stmt):
        """(the value ``stmt`` passes on, the names it lets escape, whether it binds its
        target to a new object)."""
        value = _passed_on(stmt.value) if isinstance(stmt, gast.Assign) else None
        binds_new = isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
            and not anno.get(stmt, Key.AUGMENTED, False) and _is_new_object(value, self.fresh_call)
        return value, frozenset(self.escaping(stmt)), binds_new

    def escaping(self, stmt):
        """Names whose object ``stmt`` may make another name or container refer to."""
        value = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
        if self.reads_an_item(value):
            return set()
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
            return S.loaded_names(stmt.value)           # y[i] = v: y may now hold v
        if isinstance(stmt, gast.Assign):
            return _escaping_from_value(stmt.value)
        call = stmt.value if isinstance(stmt, gast.Expr) else None
        if isinstance(call, gast.Call) and anno.get(call, Key.TARGET) is None \
                and anno.get(call, Key.METHOD) in ("append", "insert", "extend"):
            return set().union(set(), *(_escaping_from_value(a) for a in call.args))
        if isinstance(call, gast.Call):
            return _escaping_from_value(call)
        return S.names_in(stmt)


    def written_copies(self):
        if self._written_copies is None:
            self._written_copies = _written_copies(self.params, self.body)
        return self._written_copies

    def reads_an_item(self, value):
        """``c[k]``, ``c.pop()`` or ``c.get(k)`` on a list, tuple or dict ``c`` the function
        built: the result is an item ``c`` holds (stored there earlier), never ``c`` itself
        or a view of its memory, as a row of an array would be."""
        if isinstance(value, gast.Subscript):
            owner, containers = value.value, self.containers
        elif isinstance(value, gast.Call) and anno.get(value, Key.METHOD) in ("pop", "get") \
                and anno.get(value, Key.TARGET) is None:
            # also on a written copy of a list or dict (an array has neither method)
            owner, containers = value.func.value, self.containers | self.written_copies()
        else:
            return False
        return isinstance(owner, gast.Name) and owner.id in containers


class _View(typing.NamedTuple):
    """In ``_Unshared``'s state: ``name`` held an unshared object until ``t = name[k]``
    read a part of it, which for an array may be a view of its memory. Once ``view``
    is read no more (or is bound again) and went nowhere else, ``name`` is unshared again;
    where it has several (``a = y[i]; b = y[i - 1]``), once each has."""
    name: str
    view: str


def _view_read(stmt, unshared):
    """The ``_View`` that ``t = y[k]`` starts for ``y`` unshared before it (or only
    viewed by other names still), else None."""
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.Subscript) and isinstance(stmt.value.value, gast.Name)):
        return None
    owner, view = stmt.value.value.id, stmt.targets[0].id
    if owner == view or owner in S.names_in(stmt.value.slice) or not (
            owner in unshared or any(isinstance(e, _View) and e.name == owner and e.view != view for e in unshared)):
        return None
    return _View(owner, view)


# snapshot(t) and saved_item(t, k) copy an array: their result never shares its memory
_COPIES_AN_ARRAY = (runtime.snapshot, runtime.saved_item)


def _release_views(stmt, unshared, escaping, viewed=None):
    """Update the ``_View`` entries of ``unshared`` (changed in place) past ``stmt``: one
    whose view or owner ``stmt`` passes on is dropped (the owner stays shared); the
    owner is given back once no view of it is live (dead or bound again, and gone
    nowhere else). ``viewed``: the view ``stmt`` reads itself, counted among the live
    ones; reading it does not pass its owner on. The copy ``s = snapshot(t)`` passes
    nothing on: the part it saves is copied."""
    views = [entry for entry in unshared if isinstance(entry, _View)]
    if viewed is not None:
        escaping = escaping - {viewed.name}
    elif not views:
        return
    call = stmt.value if isinstance(stmt, gast.Assign) else None
    if isinstance(call, gast.Call) and _in(anno.get(call, Key.TARGET), _COPIES_AN_ARRAY) and call.args:
        escaping = escaping - S.names_in(call.args[0])
    rebound = {t.id for t in getattr(stmt, "targets", ()) if isinstance(t, gast.Name)} \
        if isinstance(stmt, gast.Assign) and not anno.get(stmt, Key.AUGMENTED, False) else set()
    written = S.names_in(stmt) - _loaded_only(stmt)     # touched otherwise than read
    live = anno.get(stmt, Key.LIVE_OUT, None)
    lost, released = set(), set()
    for entry in views:
        if entry.view in escaping or entry.name in escaping or entry.name in written \
                or entry.view in written - rebound:
            lost.add(entry.name)            # passed on, written into, or its owner bound again
        elif entry.view in rebound or live is not None and entry.view not in live:
            released.add(entry)
    for entry in views:
        if entry.name in lost or entry in released:
            unshared.discard(entry)
    if viewed is not None and viewed.name not in lost:
        unshared.add(viewed)                # before any owner is given back: it is live
    for name in {entry.name for entry in released} - lost:
        if not any(isinstance(e, _View) and e.name == name for e in unshared):
            unshared.add(name)              # its last view is read no more


def _loaded_only(stmt):
    """The names ``stmt`` only reads (a plain assignment's value, an expression)."""
    if isinstance(stmt, gast.Assign) and all(isinstance(t, gast.Name) for t in stmt.targets):
        return S.names_in(stmt.value)
    return S.names_in(stmt.value) if isinstance(stmt, gast.Expr) else set()


def _index_bindings(statements):
    """name -> the assignments and for loops among ``statements`` binding it."""
    index = {}
    for stmt in statements:
        if isinstance(stmt, (gast.Assign, gast.For)):
            for name in S.stored_names(stmt.targets[0] if isinstance(stmt, gast.Assign) else stmt.target):
                index.setdefault(name, []).append(stmt)
    return index


def _containers_built_here(params, body, flat=False):
    """Names bound only to list, tuple and dict literals (``[]``, ``{'a': x}``), or to
    names that are (``d_saved = d`` ... ``d = d_saved``). ``flat``: ``body`` is the
    list of all statements already."""
    bindings = {}
    for stmt in (body if flat else walk.walk_statements(body)):
        if isinstance(stmt, gast.Assign):
            for name in S.stored_names(stmt.targets[0]):
                simple = isinstance(stmt.targets[0], gast.Name)
                bindings.setdefault(name, []).append(stmt.value if simple else None)
        elif isinstance(stmt, gast.For):
            for name in S.stored_names(stmt.target):
                bindings.setdefault(name, []).append(None)
    containers = set(bindings) - set(params)
    while True:
        kept = {name for name in containers if all(
            isinstance(v, (gast.List, gast.Tuple, gast.Dict))
            or (isinstance(v, gast.Name) and v.id in containers) for v in bindings[name])}
        if kept == containers:
            return containers
        containers = kept


def _written_copies(params, body):
    """Names bound only to ``written_copy(...)``: a copy of a container, to be written into."""
    statements = list(walk.walk_statements(body))
    copies = {stmt.targets[0].id for stmt in statements if isinstance(stmt, gast.Assign)
              and isinstance(stmt.value, gast.Call) and anno.get(stmt.value, Key.TARGET) is runtime.written_copy
              and isinstance(stmt.targets[0], gast.Name)} - set(params)
    if not copies:
        return copies
    for stmt in statements:
        targets = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target] if isinstance(stmt, gast.For) else []
        for target in targets:
            bound = S.stored_names(target) & copies
            if bound and not (isinstance(target, gast.Name) and isinstance(stmt.value, gast.Call)
                              and anno.get(stmt.value, Key.TARGET) is runtime.written_copy):
                copies -= bound
    return copies


# containers made from their arguments, as a display is: new, holding what they are given
_NEW_CONTAINERS = (collections.OrderedDict, collections.deque)


def _extremum_of_items(value):
    """Whether ``value`` is ``max(xs)`` or ``min(xs)`` of one name: it returns one of the
    items of ``xs`` (or its ``default=``), never ``xs`` itself, so it is an element read
    out of ``xs`` as ``xs[k]`` is, not an alias of the whole (which a later write into
    ``xs`` would change)."""
    return isinstance(value, gast.Call) and anno.get(value, Key.TARGET) in (builtins.max, builtins.min) \
        and len(value.args) == 1 and isinstance(value.args[0], gast.Name)


def _parts_held(value):
    """The expressions a new object ``value`` holds (an object the code builds, an
    OrderedDict or a deque made from values), or None."""
    if isinstance(value, gast.Call) and anno.get(value, Key.TARGET) in _NEW_CONTAINERS:
        return value.args + [kw.value for kw in value.keywords]
    return _object_parts(value) if _object_built(value) else None

# snapshot and saved_item copy an array, but hand any other object back as it is
_MAY_RETURN_ARGUMENT = {runtime.snapshot, runtime.saved_item}
# ... which for saved_item(container, key) is an item the container already holds
_RETURNS_AN_ITEM = {runtime.saved_item}


def _builds_new_object(call):
    """A call whose result is a new object that keeps none of its arguments."""
    return call_is_fresh(call) and not _in(anno.get(call, Key.TARGET), _MAY_RETURN_ARGUMENT)


def _is_new_object(value, fresh_call=None):
    """Whether ``value`` makes a new object; ``fresh_call(call)`` says it of a call of a
    user function (``Sharing.returns_new_object``)."""
    if isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.Constant,
                          gast.List, gast.Tuple, gast.Dict, gast.Set)):
        return True         # a new container: what it holds escapes (see escaping)
    return isinstance(value, gast.Call) and (_builds_new_object(value)
                                             or fresh_call is not None and fresh_call(value))


def _escaping_from_value(value):
    """Names whose object the result of ``value`` may be, hold or overlap."""
    if isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.Constant)):
        return set()        # a new result; the operands are only read
    if not isinstance(value, gast.Call):
        return S.loaded_names(value)
    if _builds_new_object(value):
        return set()
    if _in(anno.get(value, Key.TARGET), _RETURNS_AN_ITEM):
        return set()
    signature, shape_only = _shape_only_parameters(anno.get(value, Key.TARGET))
    if shape_only:
        try:
            bound = signature.bind(*value.args, **{kw.arg: kw.value for kw in value.keywords}).arguments
            return set().union(set(), *(S.loaded_names(node) for param, node in bound.items()
                                        if param not in shape_only))
        except TypeError:
            pass
    return S.loaded_names(value)


_OPERATORS = (gast.BinOp, gast.UnaryOp, gast.Compare)


class _TouchedSinceMade(_ForwardAnalysis):
    """For each name whose current object was made fresh (an operator, a fresh call,
    or handed over from a name that held one): the names mentioned since it was made.
    A name not mentioned since cannot refer to that object, nor to a view of it: it was
    bound before the object existed (``a0_saved = a0; a0 = a0 - t`` keeps the old
    object apart from the new one). Kept under ``Key.TOUCHED_SINCE_MADE`` (see ``record``)."""

    key = Key.TOUCHED_SINCE_MADE

    def __init__(self, unshared, body, queried=None, recorded=None, fresh_call=None, keeps_nothing=None,
                 held_as_item=None):
        self.unshared = unshared    # the _Unshared of the same body: it knows its containers
        self.fresh_call = fresh_call
        self.keeps_nothing = keeps_nothing
        # name -> whether a container may hold its object or a view of it (None: any may)
        self.held_as_item, self._held = held_as_item, {}
        # the names whose entry is read (None: all): those queried and those handing
        # their object over to one; the others' entries would only be carried along
        self.kept = None if queried is None else _handing_over_to(body, queried)
        self.recorded = recorded
        self.body, self._nonempty_loops = body, None      # ids of the loops sure to run, when asked

    def at_entry(self, params):
        """The state on entry: an argument's object may be another argument's too, and
        no local name refers to it yet."""
        return {p: frozenset(params) for p in params if self.kept is None or p in self.kept}

    @staticmethod
    def restricted(made, names):
        return {name: made[name] for name in names if name in made}

    # the name sets are frozensets, never changed in place: a new state shares them
    def copy(self, made):
        return {k: frozenset(v) for k, v in made.items()}

    def frozen(self, made):
        return dict(made)

    def after_test(self, test, made):
        return {k: v | S.loaded_names(test) for k, v in made.items()}

    def join(self, made, other):
        return {k: made[k] | other[k] for k in made.keys() & other.keys()}

    def escaping(self, stmt):
        """``(reads, owner)``: names whose object, a view of it or something it holds
        another name may get here (a copy of a list holds its items too) are all the
        statement reads, but for arguments that only give a shape, and for ``owner``
        itself when only an item is read out of it (an item of a container is not the
        container). A check astgrad runs before a write (``write_reads_value_first``) keeps
        nothing it is given: no name gets anything there."""
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
                and anno.get(stmt.value, Key.TARGET) is runtime.write_reads_value_first:
            return set(), None
        return value_reads(stmt), self.item_owner(stmt)

    def item_owner(self, stmt):
        """``c`` when ``stmt`` only reads an item out of ``c`` (a list, tuple or dict the
        function built), ``v = c[k]``, or saves one, ``saved_item(c, k)``."""
        value = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
        if isinstance(stmt, gast.Expr) and isinstance(value, gast.Call) \
                and anno.get(value, Key.METHOD) == "append" and len(value.args) == 1:
            value = value.args[0]
        if self.unshared.reads_an_item(value):
            owner = value.value if isinstance(value, gast.Subscript) else value.func.value
            return owner.id
        if isinstance(value, gast.Call) and anno.get(value, Key.TARGET) is runtime.saved_item \
                and value.args and isinstance(value.args[0], gast.Name):
            return value.args[0].id
        return None

    def loop(self, stmt, made):
        """Iterated to a fixed point: each pass starts from what the passes before (or
        the code before the loop) left. A loop that can leave early is done coarsely:
        every name it mentions counts as touched, in it and after it."""
        facts = self.loop_facts(stmt)
        mentioned, header = facts.mentioned, facts.header
        if isinstance(stmt, gast.While):
            header = S.loaded_names(stmt.test)
        if getattr(stmt, "orelse", None) or facts.exits_early:
            bound = facts.bound
            made = {k: v | mentioned for k, v in made.items()}
            self.block(stmt.body, made)
            return {k: v for k, v in made.items() if k not in bound}
        entry = dict(made)
        while True:
            start = _pass_start(entry, header, stmt)
            end = self.block(stmt.body, start)
            joined = {k: entry[k] | end[k] for k in entry.keys() & end.keys()}
            if joined == entry:
                # after a loop that surely ran, its target holds an item, as each pass left it
                return end if self.runs_at_least_once(stmt) else entry
            entry = joined

    def runs_at_least_once(self, loop):
        if self._nonempty_loops is None:
            self._nonempty_loops = loops_running_at_least_once(self.body)
        return id(loop) in self._nonempty_loops

    def simple(self, stmt, made):
        mentioned, (reads, owner), new_object = self.statement_facts(stmt)
        before = made
        # only where the object, or a name that may refer to it, is read can a name get it
        made = _touch(made, reads, owner, mentioned)
        if not isinstance(stmt, gast.Assign) or anno.get(stmt, Key.AUGMENTED, False):
            return made
        named = isinstance(stmt.targets[0], gast.Name)
        if named and made:
            self.forget_rebound(made, before, stmt, (reads, owner))
        for name in S.stored_names(stmt.targets[0]):
            made.pop(name, None)
        if named and (self.kept is None or stmt.targets[0].id in self.kept):
            name, value = stmt.targets[0].id, _passed_on(stmt.value)
            if new_object:
                made[name] = frozenset({name})     # a literal's items are its own: a write replaces them
            elif isinstance(value, gast.Name) and value.id in before \
                    and value.id not in anno.get(stmt, Key.LIVE_OUT, {value.id}):
                made[name] = before[value.id] | mentioned
        return made

    def find_statement_facts(self, stmt):
        """(the names ``stmt`` mentions, its ``escaping`` (reads, owner), whether it binds
        a kept name to a new object)."""
        assign = isinstance(stmt, gast.Assign)
        if assign and _passed_on(stmt.value) is not stmt.value:
            stmt_seen = gast.Assign(targets=stmt.targets, value=_passed_on(stmt.value))  # y: a dtype
        else:
            stmt_seen = stmt
        if assign and isinstance(stmt.value, _OPERATORS) and isinstance(stmt.targets[0], gast.Name) \
                and not anno.get(stmt, Key.AUGMENTED, False):
            mentioned = frozenset({stmt.targets[0].id})  # it binds its target to a new result, and changes no operand
        else:
            mentioned = frozenset(_mentioned(stmt_seen, self.keeps_nothing))
        reads, owner = self.escaping(stmt)
        new_object = assign and not anno.get(stmt, Key.AUGMENTED, False) and isinstance(stmt.targets[0], gast.Name) \
            and (self.kept is None or stmt.targets[0].id in self.kept) \
            and _is_new_object(_passed_on(stmt.value), self.fresh_call)
        return mentioned, (frozenset(reads), owner), new_object

    def forget_rebound(self, made, before, stmt, escaping):
        """Drop the name ``v`` that ``v = value`` binds from the sets (``made``, changed in
        place) of the objects its new value cannot be: ``value`` reads no name that may
        refer to the object (``v = w * 3.0``), or it is a new result (an operator's, a
        copy's: ``v.copy()``, ``np.array(v)``) and no container may hold the object, so no
        operand can carry it in (``v = y; v = v * w`` leaves ``y``'s object apart from
        ``v``; ``v = [y] * 2`` would not, nor ``v = vs.copy()`` of a list holding it).
        ``escaping``: the statement's (reads, item owner), as ``_touch`` took them."""
        name, (reads, owner) = stmt.targets[0].id, escaping
        new_result = None       # whether value is a new result, asked where it matters
        for key, names in made.items():
            if key == name or name not in names:
                continue
            seen_reads = reads - {owner} if key == owner else reads
            if key in seen_reads or not seen_reads.isdisjoint(before[key]):
                if new_result is None:
                    new_result = self.new_result(stmt.value)
                if not new_result or self.held(key):
                    continue
            made[key] = names - {name}

    def new_result(self, value):
        """Whether ``value`` is a new object holding none of its operands' memory but,
        for a container's copy, their items: an operator's result, or a call known to
        build a new object (``v.copy()``, ``np.copy(v)``, ``np.array(v)``,
        ``v.astype(t)``; not ``np.asarray(v)``, ``v.reshape(...)`` nor ``v[:]``)."""
        if isinstance(value, _OPERATORS):
            return True
        return isinstance(value, gast.Call) and (
            _builds_new_object(value) or self.fresh_call is not None and self.fresh_call(value))

    def held(self, name):
        """``held_as_item(name)``, asked once per name (True where it cannot be told)."""
        if self.held_as_item is None:
            return True
        if name not in self._held:
            self._held[name] = self.held_as_item(name)
        return self._held[name]


def _pass_start(entry, header, loop):
    """The state as a pass of ``loop`` begins, from ``entry``, the state at its head: the
    header (``header``: its names) reads the iterable or the test, and a for loop binds
    its target to an item. Where the iterable reads no name that may refer to an object,
    the target then refers to neither it nor a view of it (``z = y`` then
    ``for z in [a, b]``); where it does, it may (``for z in [y]``, ``for z in y``)."""
    if isinstance(loop, gast.For):
        reads, targets = S.loaded_names(loop.iter), S.stored_names(loop.target)
    else:
        reads, targets = header, frozenset()
    return {key: names | header if key in header or not reads.isdisjoint(names) else names - targets
            for key, names in entry.items()}


def _mentioned(stmt, keeps_nothing):
    """The names ``stmt`` mentions, but for those that only name a function it calls
    which keeps no reference to what it is given (``np`` in ``np.roll(v, 1)``, as
    ``keeps_nothing(call)`` says): such a name never comes to refer to a value."""
    names = S.name_nodes(stmt)
    calls = [call for call in S.call_nodes(stmt) if keeps_nothing(call)] if keeps_nothing is not None else ()
    if not calls:
        return {n.id for n in names}
    callees = {id(n) for call in calls for n in S.name_nodes(call.func)}
    elsewhere = {n.id for n in names if id(n) not in callees}
    return elsewhere | {n.id for n in names if id(n) in callees and n.id in elsewhere}


def _handing_over_to(body, names):
    """``names`` and every name whose object an assignment ``y = x`` hands over (from
    ``x``) to one of them, directly or through others."""
    sources = {}
    for stmt in S.statements(body):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            value = _passed_on(stmt.value)
            if isinstance(value, gast.Name):
                sources.setdefault(stmt.targets[0].id, set()).add(value.id)
    kept = set(names)
    return kept | reached_from(kept, sources)


def _touch(made, reads, owner, mentioned):
    """A copy of ``made`` with ``mentioned`` added to each name's set where ``reads``
    mentions the name or a name in its set (but for ``owner``, when only an item of it
    is read), without building their union: one pass, with no call per name, since
    ``made`` grows with the function."""
    touched = dict(made)
    if not reads:
        return touched
    owner_reads = reads - {owner}
    for name, names in made.items():
        seen_reads = owner_reads if name == owner else reads
        if name in seen_reads or not seen_reads.isdisjoint(names):
            touched[name] = names | mentioned
    return touched


def _passed_on(value):
    """``w`` for ``in_place(w, y)``, whose result is ``w`` itself or a copy of it (the
    generated code of ``y op= v`` holds such calls); else ``value``."""
    operands = core_ops.in_place_operands(value)
    return value if operands is None else operands[0]


def _is_constant_literal(value):
    """A number, string, None, or a list/tuple/dict/set literal made of those only."""
    return isinstance(value, (gast.Constant, gast.List, gast.Tuple, gast.Dict, gast.Set)) \
        and not S.name_nodes(value)


def mark_untouched_constants(block, untouched=frozenset(), recorded=None):
    """Annotate each statement (or, given ``recorded``, those whose id it holds) with
    ``Key.UNTOUCHED_CONSTANTS``: the names that, whatever path led there, were last bound
    to a constant literal (``0.0``, ``[]``) that no statement has read since. Such a
    value holds nothing and was handed to nobody. Loops: a name the loop mentions
    anywhere counts as touched inside and after it."""
    untouched = set(untouched)
    for stmt in block:
        if recorded is None or id(stmt) in recorded:
            anno.set(stmt, Key.UNTOUCHED_CONSTANTS, frozenset(untouched))
        if isinstance(stmt, gast.If):
            untouched -= S.loaded_names(stmt.test)
            untouched = mark_untouched_constants(stmt.body, untouched, recorded) \
                & mark_untouched_constants(stmt.orelse, untouched, recorded)
        elif isinstance(stmt, (gast.For, gast.While)):
            untouched -= S.names_in(stmt)
            mark_untouched_constants(stmt.body, untouched, recorded)
            mark_untouched_constants(getattr(stmt, "orelse", []), untouched, recorded)
        else:
            untouched -= S.names_in(stmt)
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                    and _is_constant_literal(stmt.value):
                untouched.add(stmt.targets[0].id)
    return untouched


def mark_unshared(body, params, writes, sharing=None):
    """Annotate the statements ``writes`` names, ``(statement, name)`` for each in-place
    write an in-place check asks about, with what the check reads there; needs
    ``Key.LIVE_OUT`` from a liveness pass. ``Key.UNSHARED`` (see ``_Unshared``) holds
    which of the names written there are unshared before the statement; where one is
    not, ``Key.TOUCHED_SINCE_MADE`` holds its entry and ``Key.UNTOUCHED_CONSTANTS`` the
    whole set. Kept whole at every statement, the states cost as much as the function
    is long, at each statement (and most writes, pushes on a stack the function made,
    are into unshared objects, whose entries nobody reads). ``sharing`` (a ``Sharing``
    of the body) says what calls of user functions return and keep."""
    fresh_call = None if sharing is None else sharing.returns_new_object
    keeps_nothing = None if sharing is None else sharing.keeps_nothing
    at = {}
    for stmt, name in writes:
        at.setdefault(id(stmt), set()).add(name)
    unshared = _Unshared(params, body, at, fresh_call)
    unshared.block(body, set())
    asked = {}
    for stmt, name in writes:
        if name not in anno.get(stmt, Key.UNSHARED, ()):
            asked.setdefault(id(stmt), set()).add(name)
    queried = set().union(*asked.values())
    if queried:
        held_as_item = None if sharing is None else sharing.held_as_item
        touched = _TouchedSinceMade(unshared, body, queried, asked, fresh_call, keeps_nothing, held_as_item)
        touched.block(body, touched.at_entry(params))
        mark_untouched_constants(body, recorded=asked)
