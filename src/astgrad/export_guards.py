"""The exported derivative's checks of its arguments: lists that mean what its code
assumes, and no object of a plain class where it differentiates (plain_objects.py).

In process, astgrad sees the arguments before it generates code: a list or tuple that
the function joins or repeats with ``+`` or ``*`` (``xs * n``) gets code that follows
the list (frontend/function_args.py). An exported module holds the code made without
the arguments, which reads ``+`` and ``*`` as NumPy arithmetic; given a list there it
would differentiate a different function. So the exported function refuses a list or
tuple for a parameter its function's body uses directly in ``+`` or ``*``
(``exporting.export`` writes the call first and copies ``arrays_not_lists`` into the
module).
"""

import functools
import inspect
import sys
import types
import weakref

import gast
import numpy

from .api import refuse_tangent_of_constant
from .core import syntax as S
from .frontend.array_named_reads import array_named_reads
from .frontend.function_args import joined_parameters, sequence_parameters
from .core.missing import MISSING
from .exported_checks import globals_as_exported, identity_of
from .frontend.object_layouts import FUNCTION, ITEMS, KEYED, found_in_source, root
from .guards import AttributeView, ItemsView, LayoutView
from .plain_objects import plain_objects_refused  # noqa: F401 - copied into exported modules


def arrays_not_lists(**arguments):
    """Raise a TypeError naming the first argument that is a list or a tuple."""
    for name, value in arguments.items():
        if isinstance(value, (list, tuple)):
            kind = type(value).__name__
            raise TypeError(
                f"argument {name!r} is a {kind}: this exported derivative was generated for numbers "
                f"and arrays, and reads '+' and '*' on {name!r} as NumPy arithmetic, where on a {kind} "
                f"Python joins or repeats it. Pass numpy.asarray({name}) if the function means "
                f"arithmetic, or take the derivative in process (astgrad.grad follows lists).")


def records_not_read_as_arrays(**arguments):
    """Raise a TypeError naming the first argument that is, or holds in a list, tuple or
    dict, a namedtuple or a dataclass: the exported code, made without the arguments,
    reads its attributes named like an array's (``t.size``) as NumPy's, with no derivative."""
    import dataclasses
    for name, value in arguments.items():
        todo = [value]
        while todo:
            item = todo.pop()
            if type(item) in (list, tuple):
                todo.extend(item)
            elif type(item) is dict:
                todo.extend(item.values())
            elif isinstance(item, tuple) and hasattr(type(item), "_fields") \
                    or dataclasses.is_dataclass(item) and not isinstance(item, type):
                raise TypeError(
                    f"argument {name!r} holds a {type(item).__name__}: this exported derivative was generated "
                    f"without seeing its arguments, and reads the attributes of {name!r} named like a NumPy "
                    f"array's (.size, .shape, .T, ...) as the array's, whose derivative is none, where an object's "
                    f"own field carries one. Take the derivative in process (astgrad.grad is made for the "
                    f"object it is given), or rename the field.")


def record_guard_lines(fn, compiled, names, call="records_not_read_as_arrays"):
    """The statement refusing a namedtuple or a dataclass (``records_not_read_as_arrays``,
    called by the name ``call``) given for one of ``names`` (the parameters the derivative
    is taken with respect to) whose attributes named like an array's ``fn``'s body reads."""
    params = [p.name for p in inspect.signature(compiled).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    read = array_named_reads(fn)
    checked = [name for name in names if name in params and name in read]
    return [f"{call}({', '.join(f'{name}={name}' for name in checked)})"] if checked else []


def numbers_as_array(value):
    """``value`` as an array where it is a list or tuple of numbers, else as it is: what
    ``-``, ``/``, ``//`` and ``**`` make of it with an array, which the derivative's code
    also applies to it alone (``d - 1`` in the derivative of ``x ** d``)."""
    if isinstance(value, (list, tuple)) and value and all(
            type(item) in (int, float) or isinstance(item, numpy.number) for item in value):
        return numpy.asarray(value)
    return value


def array_operand_lines(fn, compiled, mode, names, taken=(), call="numbers_as_array"):
    """The statements reading, as in process, a list or tuple of numbers given for a
    parameter ``fn``'s body uses directly in ``-``, ``/``, ``//`` or ``**`` (and its
    tangent, in forward mode) as an array, calling ``numbers_as_array`` by the name
    ``call``; and {parameter: the name keeping it as given}, for a gradient shaped like
    it: a name the code does not use (``taken``: every name it uses)."""
    params = [p.name for p in inspect.signature(compiled).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    operands = sequence_parameters(fn) - joined_parameters(fn)
    lines, kept, taken = [], {}, set(taken) | set(params)
    for name in params:
        if name not in operands:
            continue
        if mode == "reverse" and name in names:
            kept[name] = unused_name(f"given_{name}", taken)
            taken.add(kept[name])
            lines.append(f"{kept[name]} = {name}")
        lines.append(f"{name} = {call}({name})")
        if mode == "forward" and name in names and f"d_{name}" in inspect.signature(compiled).parameters:
            lines.append(f"d_{name} = {call}(d_{name})")
    return lines, kept


def unused_name(name, taken):
    """``name``, or ``name_1``, ``name_2``, ...: the first not in ``taken``."""
    count, spelled = 0, name
    while spelled in taken:
        count += 1
        spelled = f"{name}_{count}"
    return spelled


def bool_guard_lines(fn, compiled, names, skip, call="refuse_bool"):
    """The statements refusing a bool given for one of ``names`` (the parameters a
    derivative running a gradient is taken with respect to, counted as by
    ``_counted_parameters``) with grad's TypeError (``api.refuse_bool``, called by the
    name ``call``), as grad refuses it in process."""
    params, own = _counted_parameters(fn, skip), inspect.signature(compiled).parameters
    return [f"{call}({name}, {params.index(name)}, 'grad')" for name in names if name in params and name in own]


def _counted_parameters(fn, skip):
    """``fn``'s parameters as the transforms count arguments: after ``skip`` leading ones
    (a bound method's receiver), and after a method's ``self`` (``python -m astgrad export
    mod:Class.method`` counts --wrt so)."""
    params = list(inspect.signature(fn).parameters)
    if "." in fn.__qualname__ and params[:1] == ["self"]:
        skip = 1
    return params[skip:]


def constant_tangents_refused(*primals_and_tangents):
    """Raise jvp's ValueError for the first (position, primal, tangent) whose primal is a
    number or an array jvp holds constant (an int, a bool: not a float) and whose tangent
    is not zero, as jvp refuses it in process."""
    for position, primal, tangent in primals_and_tangents:
        if isinstance(primal, (bool, int, numpy.integer, numpy.bool_)) or (
                type(primal) is numpy.ndarray and primal.dtype.kind in "biu"):
            refuse_tangent_of_constant(tangent, primal, f"jvp: tangent {position}", f"primal {position}")


def tangent_guard_lines(fn, compiled, names, skip, call="constant_tangents_refused"):
    """The statement refusing, as jvp does, a tangent given for an int or bool argument
    among ``names`` (the parameters a forward-mode derivative of order 1 takes tangents
    for: ``d_x``), calling ``constant_tangents_refused`` by the name ``call``."""
    params, own = _counted_parameters(fn, skip), inspect.signature(compiled).parameters
    checked = [f"({params.index(name)}, {name}, d_{name})" for name in names
               if name in params and name in own and f"d_{name}" in own]
    return [f"{call}({', '.join(checked)})"] if checked else []


def list_guard_lines(fn, compiled, call="arrays_not_lists"):
    """The statement checking ``compiled``'s parameters that ``fn``'s body joins or
    repeats (calling ``arrays_not_lists`` by the name ``call``), or none."""
    params = [p.name for p in inspect.signature(compiled).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    joined = [name for name in params if name in joined_parameters(fn)]
    if not joined:
        return []
    return [f"{call}({', '.join(f'{name}={name}' for name in joined)})"]


def plain_object_guard_lines(fn, compiled, names, call="plain_objects_refused"):
    """The statement refusing, as astgrad's own transforms do (plain_objects.py), an object
    of a plain class holding floats given for one of ``names`` (the parameters the
    derivative is taken with respect to; attribute paths need no check) that ``fn``'s
    body reads an attribute of (other than an array's: ``p.w``, ``layers[0].w``) or calls."""
    params = [p.name for p in inspect.signature(compiled).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    read = found_in_source(fn, _objects_read, _object_roots)
    checked = [name for name in names if name in params and name in read]
    if not checked:
        return []
    arguments = ", ".join(f"{name}={name}" for name in checked)
    return [f"{call}({compiled.__code__.co_name!r}, {arguments})"]


_LIBRARY_ROOTS = frozenset(getattr(sys, "stdlib_module_names", ())) | {
    "builtins", "numpy", "scipy", "astgrad", "math", "operator", "functools"}

_objects_read: "weakref.WeakKeyDictionary[object, frozenset]" = weakref.WeakKeyDictionary()


def _object_roots(tree):
    """The parameters the body reads an attribute of that an array lacks, or calls."""
    found = set()
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Attribute) and not hasattr(numpy.ndarray, node.attr):
            found.add(root(node.value))
        elif isinstance(node, gast.Call):
            found.add(root(node.func) if isinstance(node.func, gast.Name) else None)
    return frozenset(found - {None})


# -- the globals the derivative was generated for (exported_checks.py) -------------------------

def global_checks(guards):
    """The checks ``(module, path, expected)`` (exported_checks.py) of what ``guards`` (the
    guards of the exported code's cache entries, guards.py) rely on in the user's modules:
    globals, class attributes, the classes and items of global objects and lists. Library
    modules are left out: the exported module imports them itself."""
    places = {}             # id(object) -> (module, path) where the code reaches it
    for mapping, key, expected in guards:
        if _user_globals(mapping):
            places.setdefault(id(expected), (mapping["__name__"], (key,)))
    for _ in range(4):      # attribute paths from those globals (NET.layers) and classes
        for mapping, key, expected in guards:       # (Layer.forward), a few levels deep
            where = _place(mapping, key, places) if isinstance(mapping, AttributeView) and isinstance(key, str) else None
            if where is not None:
                places.setdefault(id(expected), where)
                if isinstance(expected, types.MethodType):  # its function's code and defaults
                    places.setdefault(id(expected.__func__), (where[0], where[1] + ("__func__",)))
    checks, partials = {}, {}
    for mapping, key, expected in guards:
        where = _place(mapping, key, places)
        if where is None:
            continue
        if isinstance(expected, types.ModuleType):
            continue        # the exported code reads the modules it imports itself, not the user's names
        described = _described(mapping, expected)
        if isinstance(mapping, (ItemsView, LayoutView)) or where not in checks:
            checks[where] = described       # a layout says more than the class alone
        if isinstance(expected, functools.partial):
            partials.update(_partial_checks(where, expected))
    checks.update(partials)     # what the module holds of a partial says more than the guards of its items
    return tuple((module_name, path, described) for (module_name, path), described in checks.items())


def _partial_checks(where, partial):
    """{place: expected} for what the code took from a ``functools.partial`` read at
    ``where`` (module, path): the function it calls, and its arguments and keywords,
    which the exported module holds as written (``held_partial_items``)."""
    module_name, path = where
    return {(module_name, path + ("func",)): _value_described(partial.func),
            (module_name, path + ("args",)): _value_described(partial.args),
            (module_name, path + ("keywords",)): _value_described(partial.keywords)}


def held_partial_items(guards):
    """{id: item} for the arguments and keyword values of the ``functools.partial``
    objects the user's globals hold that the code reads: the code holds them, and the
    exported module writes out those that are Python literals (``written_item``),
    checked at each call against the partial (``_partial_checks``)."""
    held = {}
    for mapping, _, expected in guards:
        if isinstance(expected, functools.partial) and _user_globals(mapping):
            held.update((id(item), item) for item in expected.args + tuple(expected.keywords.values()))
    return held


def written_item(item):
    """``item``, an argument of a partial, as Python text, or None if it is not a literal."""
    return repr(item) if _literal(item) else None


def _user_globals(mapping):
    """Whether ``mapping`` is the globals of one of the user's modules."""
    if not isinstance(mapping, dict) or not _user_module(mapping.get("__name__")):
        return False
    return mapping is getattr(sys.modules.get(mapping["__name__"]), "__dict__", None)


def _user_module(name):
    """Whether the module named ``name`` is the user's (a script run as ``__main__`` is
    another module in the process running the exported code: not checked)."""
    return isinstance(name, str) and name.partition(".")[0] not in _LIBRARY_ROOTS and name != "__main__"


def _place(mapping, key, places):
    """Where the guard's value is read: (module, attribute path), or None for a library's."""
    if isinstance(mapping, dict):
        return (mapping["__name__"], (key,)) if _user_globals(mapping) else None
    owner = getattr(mapping, "obj", None)
    if isinstance(mapping, (ItemsView, LayoutView)):
        return places.get(id(owner))
    if isinstance(mapping, AttributeView):
        if inspect.isclass(owner) and _user_module(owner.__module__) and "<locals>" not in owner.__qualname__:
            return owner.__module__, tuple(owner.__qualname__.split(".")) + (key,)
        if id(owner) in places:
            module_name, path = places[id(owner)]
            return module_name, path + (key,)
    return None


def _described(mapping, expected):
    """What ``expected`` is, in plain data ``exported_as`` reads; None: nothing to check."""
    if isinstance(mapping, LayoutView):
        return _layout_described(expected)
    if isinstance(mapping, ItemsView):
        if isinstance(mapping.obj, dict):
            return ("dict", tuple((key, _value_described(value)) for key, value in expected))
        return ("items", type(mapping.obj).__name__, tuple(_value_described(value) for value in expected))
    if isinstance(mapping, dict) and type(expected) is tuple and expected and all(
            type(item) in (int, float) for item in expected):
        # a global tuple of numbers: the code reads its items when it runs, as in process; it
        # may have unpacked it by position (a, b = COEFS), so its length is checked
        return ("items", "tuple", tuple(("number",) for _ in expected))
    if isinstance(mapping, dict) and isinstance(expected, dict):
        # a global dict: the code reads its items when it runs, as in process, where a change
        # in place is followed (what generation read in it is guarded as items, above)
        return ("instance", identity_of(type(expected)))
    return _value_described(expected)


def _value_described(value):
    if value is MISSING:
        return ("absent",)
    if value is None:
        return ("none",)
    if isinstance(value, types.ModuleType):
        return ("module", value.__name__)
    if isinstance(value, types.CodeType):       # a function's code replaced by another function's
        return ("code", value.co_name)
    if type(value) is tuple and all(_literal(item) for item in value):
        return ("equal", value)                 # a function's defaults (a subclass is not written as a literal)
    if type(value) is dict and all(isinstance(key, str) and _literal(item) for key, item in value.items()):
        return ("equal", value)                 # its keyword-only defaults
    if isinstance(value, (int, float, complex, numpy.ndarray, numpy.generic)):
        return ("number",)
    if callable(value) and (inspect.isroutine(value) or inspect.isclass(value) or isinstance(value, numpy.ufunc)):
        return ("named",) + identity_of(value)
    return ("instance", identity_of(type(value)))


def _literal(value):
    """Whether ``value`` is written and compared as a Python literal."""
    return value is None or type(value) in (bool, int, float, complex, str)


def _layout_described(tree):
    kind = tree[0]
    if kind == KEYED:
        # a dict of objects by key: its keys in their order, the layout of each object; a
        # number, an array or a string beside them (no layout) is read as it is
        return ("dict", tuple((key, ("plain",) if sub is None else _layout_described(sub)) for key, sub in tree[2]))
    if kind == ITEMS:
        return ("items", tree[1].__name__, tuple(_layout_described(item) for item in tree[2]))
    if kind == FUNCTION:
        held = tree[1].function
        if tree[1].own:         # the function bound to the object holding it
            return ("own method", _value_described(held))
        return ("none",) if held is None else _value_described(held)
    return ("object", identity_of(tree[1]), tuple((name, _layout_described(sub)) for name, sub in tree[2]),
            tuple(tree[3]))


def own_default_checks(fn, caller):
    """The checks of the defaults of ``fn``, the exported function: its derivative was
    generated with the defaults ``fn`` holds now, written into the exported def (named
    ``caller``), where a call of ``fn`` uses the defaults it holds when it runs
    (``fn.__defaults__ = (5.0,)`` after the export). An array default is checked against
    the array the exported def holds (the same object where the def reads a global, else
    an equal array). None for a function the exported module cannot find by name."""
    if not _user_module(fn.__module__) or "<locals>" in fn.__qualname__:
        return ()
    path = tuple(fn.__qualname__.split("."))
    checks = []
    for name, held in (("__defaults__", fn.__defaults__), ("__kwdefaults__", fn.__kwdefaults__)):
        if not held:
            continue
        described = _value_described(held)
        if described[0] != "equal":
            items = held.items() if isinstance(held, dict) else enumerate(held)
            described = ("defaults", caller, name, tuple((key, _default_described(item)) for key, item in items))
        checks.append((fn.__module__, path + (name,), described))
    return tuple(checks)


def _default_described(item):
    if _literal(item):
        return ("equal", item)
    if isinstance(item, numpy.ndarray):
        return ("as exported",)
    return _value_described(item)


def global_check_lines(module, guards, caller, command, own=(), taken=()):
    """The statement checking, at each call of ``caller`` (its name), the globals its code
    was generated for (``guards``) and ``own`` checks (``own_default_checks``), and the
    module-level tuple it reads; or none. Both module-level names are ones the code of
    ``caller`` does not use (``taken``), which would hide them."""
    checks = tuple(own) + global_checks(guards)
    if not checks:
        return []
    check = module.free_name("globals_as_exported", taken)
    module.bind(check, globals_as_exported, caller)
    name = module.free_name("EXPORTED_FOR", taken)
    rows = "".join(f"    {check!r},\n" for check in checks)
    module.constant(name, f"(\n{rows})")
    return [f"{check}({name}, {command!r})"]
