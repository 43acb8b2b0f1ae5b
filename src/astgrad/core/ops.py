"""What one core statement does: which primitive, on which atoms, defining which name.

The analysis and the transforms ask this module, so they never pattern-match raw
syntax themselves.
"""

import inspect
import operator

import gast
import numpy

from .. import runtime, runtime_objects
from . import anno
from . import syntax as S
from .anno import Key
from ..rules import registry

BINARY = {
    gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
    gast.Div: operator.truediv, gast.Pow: operator.pow, gast.MatMult: operator.matmul,
    gast.FloorDiv: operator.floordiv, gast.Mod: operator.mod, gast.BitAnd: operator.and_,
    gast.BitOr: operator.or_, gast.BitXor: operator.xor, gast.LShift: operator.lshift,
    gast.RShift: operator.rshift,
}
UNARY = {gast.USub: operator.neg, gast.UAdd: operator.pos, gast.Not: operator.not_,
         gast.Invert: operator.invert}
COMPARE = {gast.Lt: operator.lt, gast.LtE: operator.le, gast.Gt: operator.gt,
           gast.GtE: operator.ge, gast.Eq: operator.eq, gast.NotEq: operator.ne,
           gast.Is: operator.is_, gast.IsNot: operator.is_not, gast.In: operator.contains,
           gast.NotIn: operator.contains}


class OpKind:
    """What sort of operation a core statement's right-hand side is.

    Each kind is a member of this class (made below), with a ``name`` and a ``value`` as
    an enum's, equal to itself only. Not an ``enum.Enum``, as ``anno.Key`` is not: before
    Python 3.12 reading ``OpKind.CALL`` off an enum class runs its metaclass's
    ``__getattr__`` hook, and the analyses and sweeps read kinds several times a statement."""

    __slots__ = ("name", "value")

    COPY = "copy"           # x = y
    CONST = "const"         # a constant, or an attribute chain read from a module (math.pi)
    CALL = "call"           # a primitive with a rule key (operators and indexing too)
    LITERAL = "literal"     # a tuple, list or dict display
    FUNCTION = "function"   # a call of a user function astgrad transforms itself
    POP = "pop"             # xs.pop()
    UNKNOWN = "unknown"     # a call astgrad has no rule for
    OPAQUE = "opaque"       # anything else

    def __repr__(self):
        return f"<OpKind.{self.name}: {self.value!r}>"

    def __reduce__(self):
        return getattr, (OpKind, self.name)        # the one member of that name

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


for _name, _value in list(vars(OpKind).items()):
    if _name.isupper() and isinstance(_value, str):
        _member = object.__new__(OpKind)
        _member.name, _member.value = _name, _value
        setattr(OpKind, _name, _member)
del _name, _value, _member


class Op:
    """A core statement's operation.

    kind: an :class:`OpKind`. ``args`` are atom nodes and ``kwargs`` a dict of atom
    nodes, for template binding.
    """

    def __init__(self, kind, key=None, args=(), kwargs=None, label=""):
        self.kind = kind
        self.key = key
        self.args = list(args)
        self.kwargs = dict(kwargs or {})
        self.label = label
        self.receiver = None        # v in v.sum(): a method rule found by name (see _method_op)

    @property
    def differentiable(self):
        if self.kind in (OpKind.COPY, OpKind.LITERAL, OpKind.FUNCTION, OpKind.POP):
            return True
        if self.kind is OpKind.CALL:
            return not registry.is_non_differentiable(self.key)
        return self.kind in (OpKind.UNKNOWN, OpKind.OPAQUE)

    def atoms(self):
        return self.args + list(self.kwargs.values())


_OPAQUE_LABELS = {"ListComp": "a list comprehension", "SetComp": "a set comprehension",
                  "DictComp": "a dict comprehension", "GeneratorExp": "a generator expression",
                  "Lambda": "a lambda", "IfExp": "a conditional expression", "BoolOp": "and/or",
                  "JoinedStr": "an f-string", "NamedExpr": "an assignment expression"}


def describe(value):
    """The Op computed by the right-hand side ``value`` of a core assignment."""
    if isinstance(value, gast.Name):
        return Op(OpKind.COPY, args=[value])
    if isinstance(value, gast.Constant):
        return Op(OpKind.CONST)
    if isinstance(value, gast.BinOp):
        return Op(OpKind.CALL, BINARY[type(value.op)], [value.left, value.right],
                  label=type(value.op).__name__)
    if isinstance(value, gast.UnaryOp):
        return Op(OpKind.CALL, UNARY[type(value.op)], [value.operand], label=type(value.op).__name__)
    if isinstance(value, gast.Compare):
        return Op(OpKind.CALL, COMPARE[type(value.ops[0])], [value.left] + value.comparators,
                  label="comparison")
    if isinstance(value, gast.Subscript) and anno.get(value, Key.CONCATENATOR, False):
        return Op(OpKind.CALL, runtime.index_concatenate, [value.value] + concatenator_items(value),
                  label="numpy.r_[...] / numpy.c_[...]")
    if isinstance(value, gast.Subscript):
        return Op(OpKind.CALL, operator.getitem, [value.value, value.slice], label="indexing")
    if isinstance(value, (gast.Tuple, gast.List)):
        return Op(OpKind.LITERAL, type(value).__name__.lower(), value.elts)
    if isinstance(value, gast.Dict):
        return Op(OpKind.LITERAL, "dict", value.values)
    if isinstance(value, gast.Attribute):
        if not isinstance(value.value, gast.Name) or _is_global_chain(value):
            return Op(OpKind.CONST)
        key = registry.method_key(value.attr)
        if key is None or callable(key):
            # an attribute of an object: p.W on a dataclass, self.W; s.mean on a namedtuple
            # (an array's method read without a call is not the array method's result)
            return Op(OpKind.CALL, runtime_objects.attribute, [value.value, gast.Constant(value.attr, None)],
                      label=f".{value.attr}")
        return _method_op(key, value.value, [], {}, f".{value.attr}")
    if isinstance(value, gast.Call):
        return _describe_call(value)
    # anything else: the names it reads are its inputs, so a differentiated one is refused
    # rather than taken for a constant
    reads = [n for n in S.walk_nodes(value) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)]
    return Op(OpKind.OPAQUE, args=reads, label=_OPAQUE_LABELS.get(type(value).__name__, "this expression"))


class Descriptions:
    """``describe``, once per value node: a mode's analyses and its sweep each ask what
    every statement computes (four times a statement). Keyed by the node, kept alive
    so no id is reused; for one transform, whose passes change no statement's value
    between them."""

    def __init__(self):
        self._found = {}

    def __call__(self, value):
        found = self._found.get(id(value))
        if found is None:
            found = self._found[id(value)] = (value, describe(value))
        return found[1]


def in_place_operands(value):
    """``(w, y)`` if ``value`` is ``in_place(w, y)``, the core form of ``y op= v`` (``w`` is
    ``y op v``, ``y`` gives only a dtype and shape); else None."""
    if isinstance(value, gast.Call) and anno.get(value, Key.TARGET) is runtime.in_place \
            and len(value.args) == 2:
        return value.args[0], value.args[1]
    return None


def concatenator_items(subscript):
    """The items of ``numpy.r_[a, 0:3, b]``: atoms, or slices."""
    index = subscript.slice
    return list(index.elts) if isinstance(index, gast.Tuple) else [index]


def _is_global_chain(node):
    return anno.get(node, Key.GLOBAL_CHAIN, False)


def _describe_call(call):
    kwargs = {kw.arg: kw.value for kw in call.keywords}
    target = anno.get(call, Key.TARGET)
    method = anno.get(call, Key.METHOD)
    label = getattr(target, "__name__", None) or method or "call"
    if target is not None:
        key = registry.rule_key(target)
        if key in registry.ADJOINTS or key in registry.TANGENTS or registry.is_non_differentiable(target):
            return Op(OpKind.CALL, key, call.args, kwargs, label=label)
        array_method = _bound_array_method(target)
        if array_method is not None:        # W.sum(x) with W a global array
            return _method_op(array_method, call.func.value, call.args, kwargs, f".{method_name(target)}()")
        if is_user_function(target):
            return Op(OpKind.FUNCTION, target, call.args, kwargs, label=label)
        return Op(OpKind.UNKNOWN, target, call.args, kwargs, label=label)
    if method == "pop" and not call.args and not kwargs and isinstance(call.func.value, gast.Name):
        return Op(OpKind.POP, None, [call.func.value], label=".pop()")
    if method is not None:
        key = registry.method_key(method)
        owner = call.func.value
        if key is None:
            return Op(OpKind.UNKNOWN, None, [owner] + call.args, kwargs, label=f".{method}()")
        return _method_op(key, owner, call.args, kwargs, f".{method}()")
    # a function value astgrad did not follow (returned by a call, taken from a container
    # a call returned): its closure may hold differentiated values, so the callee is an
    # operand, and a derivative through it is refused rather than dropped
    callee = [call.func] if isinstance(call.func, gast.Name) else []
    return Op(OpKind.UNKNOWN, None, callee + call.args, kwargs, label=CALL_OF_VALUE)


CALL_OF_VALUE = "a call of a function value"


def _method_op(key, receiver, args, kwargs, label):
    """``v.sum(...)`` or ``v.T``: the rule was found by the method's name, so it holds
    only if ``v`` is a NumPy array; ``op.receiver`` marks the op for that check."""
    op = Op(OpKind.CALL, key, [receiver] + list(args), kwargs, label=label)
    op.receiver = receiver
    return op


def method_name(bound):
    return getattr(bound, "__name__", None)


def _bound_array_method(target):
    """The registered ndarray method behind a bound method of a global array, or None."""
    owner = getattr(target, "__self__", None)
    name = method_name(target)
    if not isinstance(owner, (numpy.ndarray, numpy.generic)) or name is None:
        return None
    key = registry.method_key(name)
    return key if key is not None and getattr(numpy.ndarray, name, None) is key else None




_LIBRARY_MODULES = frozenset(("numpy", "scipy", "math", "builtins", "operator", "functools", "logging", "warnings",
                              "astgrad"))
_LIBRARY_PACKAGES = tuple(f"{library}." for library in sorted(_LIBRARY_MODULES))     # and their submodules


def is_user_function(obj):
    """A Python function astgrad should transform itself (not a library function)."""
    if getattr(obj, "__astgrad_function__", None) is not None:
        return True
    if not inspect.isfunction(obj):
        return False
    module = obj.__module__ or ""
    return module not in _LIBRARY_MODULES and not module.startswith(_LIBRARY_PACKAGES)
