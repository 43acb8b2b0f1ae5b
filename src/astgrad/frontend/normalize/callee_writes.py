"""A call the generated code keeps (not inlined) of a function rebinding a global or a
closure variable: a method (``B.bump(x)``, ``Bumper.bump(B, x)``, a staticmethod, a
classmethod, ``B(x)``, a property), a function held in a dict or list, a helper whose
local function writes the global, one writing through ``globals()``.

Reverse mode calls such a function twice: its value in the forward sweep and its
derivative in the adjoint, which runs its code again. The global would be rebound twice,
and the adjoint (and the code after the call) would read the other value: a wrong
gradient with no error. A module-level helper of the function's own module is inlined
instead, so its writes are the function's own (outer_writes.py); the calls this module
sees are refused at their line."""

import dis
import functools
import types

import gast

from ...core import anno
from ...core import syntax as S
from ...core.anno import Key
from ...core.methods import static_attribute
from ...core.ops import is_user_function
from . import reach_probes
from .outer_writes import _codes, _code_names, _library, _outer_writes_of

_ADVICE = ("the derivative would run it again, rebinding it a second time, or read the new value where the "
           "function read the old one. Make the write a module-level function of this module called by name "
           "(astgrad inlines it), or pass the value in as an argument and return the new value")
_GLOBAL_STORES = frozenset(dis.opmap[name] for name in ("STORE_GLOBAL", "DELETE_GLOBAL"))
_BY_NAME = frozenset({"globals", "vars"})
_ITEMS = 256        # the items of a global container looked at (a table of functions is short)


def refuse_callees_rebinding(normalizer, body):
    """Refuse the first call in ``body`` (the normalized code) of a user function that
    rebinds a global or a closure variable, itself or through what it reaches."""
    call, attribute = gast.Call, gast.Attribute
    for stmt in S.statements(body):
        if S.plain_operands(stmt) is not None:
            continue                                # (most statements: no call nor attribute in them)
        for part in S.header_nodes(stmt):
            for node in S.operand_nodes(part):      # calls and attributes, in walk order
                kind = type(node)
                if kind is call:
                    callee = _callee(normalizer, node)
                elif kind is attribute:
                    callee = _property(normalizer, node)
                else:
                    continue                        # (most nodes: names, constants, operations)
                found = rebinding(callee) if callee is not None else None
                if found is not None and not _harmless(normalizer, node, callee):
                    how = "read of the property" if isinstance(node, gast.Attribute) else "call of"
                    raise normalizer._refuse(f"the {how} {callee.__qualname__}, which rebinds the {found[0]} "
                                             f"({_written_at(*found[1:])})", stmt, _ADVICE)


def refuse_transform_of_rebinding(normalizer, callee, node):
    """Refuse ``astgrad.grad(g)(x)`` (or another transform) inside differentiated code,
    ``g`` rebinding a global or a closure variable: the derivative of the code calling the
    gradient may run the gradient's code again. (One reading an iterator runs once in
    forward mode, and is followed there; reverse mode, which runs it again, refuses it:
    modes/impure_callees.refuse_iterator_callee.)"""
    found = rebinding(callee) if isinstance(callee, types.FunctionType) else None
    if found is not None:
        raise normalizer._refuse(
            f"a derivative of {callee.__qualname__} taken inside differentiated code, while {callee.__qualname__} "
            f"rebinds the {found[0]} ({_written_at(*found[1:])})", node,
            "the derivative of the code around it would run it again, rebinding it a second time. Take the "
            "derivative outside and pass it in, or pass the value in as an argument and return the new value")


def _harmless(normalizer, node, callee):
    """Whether the call ``node`` of ``callee`` (which rebinds globals) is given no value
    that may carry a derivative (constants, globals: reverse mode runs it once) and
    nothing else the function reaches reads what it rebinds (``H.count_calls()`` setting
    a counter no one reads). Names are compared as the code names them (an attribute of
    the same name counts as a read)."""
    arguments = list(node.args) + [kw.value for kw in node.keywords] if isinstance(node, gast.Call) else []
    if any(not (isinstance(a, gast.Constant) or isinstance(a, gast.Name) and a.id not in normalizer.locals)
           for a in arguments):
        return False
    writers = reached(callee)
    names = set()
    for function in writers:
        if writes_by_name(function.__code__):
            return False
        names |= _outer_writes_of(function.__code__) | _nested_writes(function.__code__)
    codes = {w.__code__ for w in writers}      # a method specialized for its receiver: a copy, the same code
    return not any(names & _code_names(g.__code__) for g in reached(normalizer.source.fn) if g.__code__ not in codes)


def _callee(normalizer, call):
    """The user function ``call`` runs, where the normalized code names it; else None."""
    target = anno.get(call, Key.TARGET)
    if target is None and isinstance(call.func, gast.Name):
        target = normalizer.bindings.get(call.func.id)
    target = _plain(getattr(target, "__func__", target))     # also an @astgrad.differentiable
    return target if target is not None and is_user_function(target) else None


def _property(normalizer, node):
    """The getter of the property ``node`` reads (``B.scale``, ``B`` a global object of a
    class of the user's), which runs wherever the code reads it; else None."""
    parts = S.dotted_path(node.value)
    if not parts or parts[0] in normalizer.locals or parts[0] in normalizer.bindings:
        return None
    owner = normalizer.source.resolve_path(parts, depend=False)
    found = static_attribute(type(owner), node.attr) if not isinstance(owner, (type, types.ModuleType)) else None
    getter = found.fget if isinstance(found, property) else None
    return getter if isinstance(getter, types.FunctionType) and is_user_function(getter) else None


def rebinding_error(fn, transform):
    """The TransformError refusing ``transform`` (vjp, jacobian, hessian: each runs the
    function more than once, or runs it and then its derivative) of ``fn``, which rebinds
    a global or a closure variable; else None."""
    found = rebinding(fn)
    if found is None:
        return None
    from ...errors import TransformError
    what, writer, name = found
    line = _write_line(writer.__code__, name)
    return TransformError(
        f"astgrad.{transform} runs {fn.__qualname__} more than once (its value, then its derivative, which runs "
        f"its code again), and it rebinds the {what} ({_written_at(writer, name)}): the second run would start "
        "from the value the first left. Use grad, value_and_grad or jvp, which run it once, or pass the value in "
        "as an argument and return the new value", writer.__code__.co_filename, line,
        construct=f"a rebinding of the {what}")


def _written_at(writer, name):
    return f"{writer.__code__.co_filename}:{_write_line(writer.__code__, name)}, in {writer.__qualname__}"


def _write_line(code, name, opnames=None):
    """The line of ``code`` (or of the code nested in it) first writing ``name`` (or
    using it in one of ``opnames``); else its def line."""
    opnames = opnames or _WRITES
    for inner in _codes(code):
        line = inner.co_firstlineno
        for ins in dis.get_instructions(inner):
            positions = getattr(ins, "positions", None)
            if positions is not None and positions.lineno:
                line = positions.lineno
            elif type(ins.starts_line) is int:          # Python 3.10
                line = ins.starts_line
            if ins.opname in opnames and ins.argval == name:
                return line
    return code.co_firstlineno


_WRITES = frozenset({"STORE_GLOBAL", "DELETE_GLOBAL", "STORE_DEREF", "DELETE_DEREF"})


def rebinding(fn):
    """(what, the function writing it, the name) for a global or closure variable that ``fn`` or a
    function it reaches (also the methods of the classes and objects of the user's that
    its globals hold, and the functions in their dicts and lists) rebinds; else None."""
    for function in reached(fn):
        code = function.__code__
        own = sorted(_outer_writes_of(code))
        if own:
            kind = "global" if own[0] not in code.co_freevars else "closure variable"
            return f"{kind} '{own[0]}'", function, own[0]
        nested = _nested_global_writes(code)
        if nested:
            return f"global '{nested}'", function, nested
        if writes_by_name(code):
            return "globals through globals() or vars()", function, None
    return None


def _nested_global_writes(code):
    """A global that a function defined inside ``code`` rebinds (``global K`` in it), or None."""
    return min(_nested_writes(code), default=None)


@functools.lru_cache(maxsize=4096)
def _nested_writes(code):
    """The globals the functions defined inside ``code`` rebind."""
    return frozenset(ins.argval for inner in list(_codes(code))[1:]
                     if not _GLOBAL_STORES.isdisjoint(inner.co_code[0::2])
                     for ins in dis.get_instructions(inner) if ins.opname in ("STORE_GLOBAL", "DELETE_GLOBAL"))


def writes_by_name(code):
    """Whether ``code`` may write globals by a name known when it runs: ``globals()[k] =
    v``, ``vars(mod).update(...)``."""
    return bool(_BY_NAME & _code_names(code)) and _stores_items(code)


@functools.lru_cache(maxsize=4096)
def _stores_items(code):
    return any(ins.opname in ("STORE_SUBSCR", "DELETE_SUBSCR") or ins.argval in ("update", "setdefault", "pop")
               for inner in _codes(code) for ins in dis.get_instructions(inner))


def reached(fn):
    """``fn`` and the user functions it reaches through its globals and closure cells,
    following the values they hold: functions, bound methods, the attributes a function
    names of classes and instances of the user's (methods, static and class methods,
    properties), and the items of dicts, lists and tuples. The walk is done again only
    where one of the objects it read changed since (reach_probes.py)."""
    kept = isinstance(fn, types.FunctionType)
    found = reach_probes.cached(fn) if kept else None
    if found is None:
        probes = reach_probes.Probes()
        found = _walk(fn, probes)
        if kept:
            reach_probes.keep(fn, found, probes)
    return list(found)


def _walk(fn, probes):
    """What ``reached`` returns, each read it makes recorded in ``probes``."""
    seen, stack = {}, [(fn, frozenset())]
    receiver = probes.read(reach_probes.attribute, fn, "__astgrad_receiver__")
    if receiver is not None and receiver is not reach_probes.ABSENT:    # a method: self.other(x) runs its class's
        stack.append((receiver[1], frozenset(_code_names(fn.__code__))))
    while stack:
        value, names = stack.pop()
        function = isinstance(value, types.FunctionType)
        key = id(value) if function else (id(value), names)     # an object: the attributes read of it
        if key in seen:
            continue
        seen[key] = value
        if function:
            names = frozenset(_code_names(probes.read(reach_probes.attribute, value, "__code__")))
        try:
            stack.extend((held, names) for held in _held(value, names, probes))
        except Exception as error:      # noqa: BLE001 - the object's own code (a __getattribute__, a dict's values)
            raise _unfollowable(fn, value, error) from error
    return tuple({id(v): v for v in seen.values() if isinstance(v, types.FunctionType)
                  and not _library(getattr(v, "__module__", None))}.values())


def _unfollowable(fn, value, error):
    """The error of ``reached`` where reading a value a function holds ran the object's own
    code, which raised: what runs behind it cannot be seen, so neither what it rebinds nor
    what the derivative would read again."""
    return TypeError(
        f"astgrad: {getattr(fn, '__qualname__', fn)!s} holds (in a global, a closure cell or an item of one) "
        f"a {type(value).__name__} whose own code raised {type(error).__name__}({error}) when astgrad read it "
        "to find the functions it leads to (what they rebind is put back, and what they read kept, "
        "between runs of the derivative). Pass that object as an argument, or make reading it work")


def _held(value, names, probes):
    """The values ``value`` leads to (see ``reached``); ``names``: the names the
    function holding it reads (the attributes of an object it may use). The reads of
    what may change are recorded in ``probes``."""
    if isinstance(value, types.FunctionType):
        if _library(probes.read(reach_probes.attribute, value, "__module__")):
            return []
        cells = [probes.read(reach_probes.cell_value, c) for c in value.__closure__ or ()]
        held = [probes.read(reach_probes.item, value.__globals__, n) for n in sorted(names)]
        return [v for v in cells + held if v is not reach_probes.ABSENT]
    if isinstance(value, (types.MethodType, staticmethod, classmethod)):
        return [value.__func__]
    kind = probes.read(reach_probes.kind_of, value)
    probes.read(reach_probes.next_method, value)
    if _differentiable(value):      # a gradient made outside runs the function it was made of
        return [_plain(value) or _transformed(value)]
    if isinstance(value, property):
        return [value.fget, value.fset, value.fdel]
    if isinstance(value, (dict, list)):
        return probes.items(value, _ITEMS)
    if isinstance(value, tuple):        # (by tuple's own method: a subclass's __getitem__ is the user's code)
        return list(tuple.__getitem__(value, slice(0, _ITEMS)))
    if isinstance(value, type):     # calling the class runs its __init__ (which may change a global's list)
        return _class_attributes(value, names | {"__init__"}, probes)
    return _class_attributes(kind, names, probes)


def _class_attributes(cls, names, probes):
    """The attributes named ``names`` of the classes of the user's in ``cls``'s MRO."""
    if _library(probes.read(reach_probes.attribute, cls, "__module__")):
        return []
    found = []
    for klass in probes.read(reach_probes.attribute, cls, "__mro__"):
        if _library(probes.read(reach_probes.attribute, klass, "__module__")):
            continue
        attributes = vars(klass)        # (a live view of the class's dict)
        found.extend(v for v in (probes.read(reach_probes.item, attributes, n) for n in sorted(names))
                     if v is not reach_probes.ABSENT)
    return found


def _differentiable(value):
    """Whether ``value`` is an @astgrad.differentiable (asked of any object a global holds)."""
    try:
        return getattr(value, "__astgrad_function__", None) is not None
    except Exception:       # noqa: BLE001 - an object whose __getattr__ raises: not one
        return False


def _transformed(value):
    """The user function a transform (``astgrad.grad(f)``) was made of, or None."""
    try:
        fn = value.function
        if not isinstance(fn, types.FunctionType):      # grad(model.loss): the method's function
            fn = getattr(fn, "function", None) or getattr(fn, "__func__", None)
    except Exception:       # noqa: BLE001 - an object whose attribute raises: not one
        return None
    return fn if isinstance(fn, types.FunctionType) else None


def _plain(value):
    """The plain function behind ``value`` (itself, the function an @astgrad.differentiable
    wraps), or None. Read off ``__wrapped__``: a gradient's own code is not made for this."""
    if isinstance(value, types.FunctionType):
        return value
    own = getattr(value, "__dict__", None) if _differentiable(value) else None
    wrapped = own.get("__wrapped__") if isinstance(own, dict) else None     # not a property making code
    return wrapped if isinstance(wrapped, types.FunctionType) else None
