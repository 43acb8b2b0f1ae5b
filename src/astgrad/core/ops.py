"""What one core statement does: which primitive, on which atoms, defining which name.

The analysis and the transforms ask this module, so they never pattern-match raw
syntax themselves.
"""

import inspect
import operator

import gast
import numpy

from .. import runtime
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


class Op:
    """A core statement's operation.

    kind: 'copy', 'const', 'call' (a primitive with a rule key), 'literal'
    (tuple/list/dict), 'unknown' (a call astgrad has no rule for) or 'opaque'.
    ``args`` are atom nodes and ``kwargs`` a dict of atom nodes, for template binding.
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
        if self.kind in ("copy", "literal", "function", "pop"):
            return True
        if self.kind == "call":
            return not registry.is_non_differentiable(self.key)
        return self.kind == "unknown"

    def atoms(self):
        return self.args + list(self.kwargs.values())


def describe(value):
    """The Op computed by the right-hand side ``value`` of a core assignment."""
    if isinstance(value, gast.Name):
        return Op("copy", args=[value])
    if isinstance(value, gast.Constant):
        return Op("const")
    if isinstance(value, gast.BinOp):
        return Op("call", BINARY[type(value.op)], [value.left, value.right],
                  label=type(value.op).__name__)
    if isinstance(value, gast.UnaryOp):
        return Op("call", UNARY[type(value.op)], [value.operand], label=type(value.op).__name__)
    if isinstance(value, gast.Compare):
        return Op("call", COMPARE[type(value.ops[0])], [value.left] + value.comparators,
                  label="comparison")
    if isinstance(value, gast.Subscript) and getattr(value, "concatenator", False):
        return Op("call", runtime.index_concatenate, [value.value] + concatenator_items(value),
                  label="numpy.r_[...] / numpy.c_[...]")
    if isinstance(value, gast.Subscript):
        return Op("call", operator.getitem, [value.value, value.slice], label="indexing")
    if isinstance(value, (gast.Tuple, gast.List)):
        return Op("literal", type(value).__name__.lower(), value.elts)
    if isinstance(value, gast.Dict):
        return Op("literal", "dict", value.values)
    if isinstance(value, gast.Attribute):
        if not isinstance(value.value, gast.Name) or _is_global_chain(value):
            return Op("const")
        key = registry.method_key(value.attr)
        if key is None:
            return Op("unknown", args=[value.value], label=f".{value.attr}")
        return _method_op(key, value.value, [], {}, f".{value.attr}")
    if isinstance(value, gast.Call):
        return _describe_call(value)
    return Op("opaque")


def in_place_operands(value):
    """``(w, y)`` if ``value`` is ``in_place(w, y)``, the core form of ``y op= v`` (``w`` is
    ``y op v``, ``y`` gives only a dtype and shape); else None."""
    if isinstance(value, gast.Call) and getattr(value, "target", None) is runtime.in_place \
            and len(value.args) == 2:
        return value.args[0], value.args[1]
    return None


def concatenator_items(subscript):
    """The items of ``numpy.r_[a, 0:3, b]``: atoms, or slices."""
    index = subscript.slice
    return list(index.elts) if isinstance(index, gast.Tuple) else [index]


def _is_global_chain(node):
    return getattr(node, "global_chain", False)


def _describe_call(call):
    kwargs = {kw.arg: kw.value for kw in call.keywords}
    target = getattr(call, "target", None)
    method = getattr(call, "method", None)
    label = getattr(target, "__name__", None) or method or "call"
    if target is not None:
        key = registry.rule_key(target)
        if key in registry.ADJOINTS or key in registry.TANGENTS or registry.is_non_differentiable(target):
            return Op("call", key, call.args, kwargs, label=label)
        array_method = _bound_array_method(target)
        if array_method is not None:        # W.sum(x) with W a global array
            return _method_op(array_method, call.func.value, call.args, kwargs, f".{method_name(target)}()")
        if is_user_function(target):
            return Op("function", target, call.args, kwargs, label=label)
        return Op("unknown", target, call.args, kwargs, label=label)
    if method == "pop" and not call.args and not kwargs and isinstance(call.func.value, gast.Name):
        return Op("pop", None, [call.func.value], label=".pop()")
    if method is not None:
        key = registry.method_key(method)
        owner = call.func.value
        if key is None:
            return Op("unknown", None, [owner] + call.args, kwargs, label=f".{method}()")
        return _method_op(key, owner, call.args, kwargs, f".{method}()")
    return Op("unknown", None, call.args, kwargs, label="a call of a local function value")


def _method_op(key, receiver, args, kwargs, label):
    """``v.sum(...)`` or ``v.T``: the rule was found by the method's name, so it holds
    only if ``v`` is a NumPy array; ``op.receiver`` marks the op for that check."""
    op = Op("call", key, [receiver] + list(args), kwargs, label=label)
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




_LIBRARY_MODULES = ("numpy", "scipy", "math", "builtins", "operator", "functools", "astgrad.")


def is_user_function(obj):
    """A Python function astgrad should transform itself (not a library function)."""
    if getattr(obj, "__astgrad_function__", None) is not None:
        return True
    if not inspect.isfunction(obj):
        return False
    module = obj.__module__ or ""
    return not any(module == library.rstrip(".") or module.startswith(library.rstrip(".") + ".")
                   for library in _LIBRARY_MODULES)
