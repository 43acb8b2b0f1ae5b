"""What reverse and forward mode share: calls of runtime helpers, comments naming the
source line, index values, and the derivatives of the user's own callees."""

import inspect

import gast

from . import runtime
from . import syntax as S
from .emit import comment


class Transform:
    def __init__(self, source, fn, namer, namespace):
        self.source = source
        self.fn = fn
        self.namer = namer
        self.namespace = namespace
        self.last_line = None

    def helper_call(self, helper, args):
        """A call of ``astgrad.runtime.<helper>``, bound to a name in the generated namespace."""
        obj = getattr(runtime, helper)
        node = S.call(S.name(self.namespace.ref(obj, helper)), args)
        node.target = obj
        return node

    def line_comment(self, stmt):
        """``# line N: <source>`` before the first statement generated from line N."""
        line = getattr(stmt, "lineno", None)
        if line is None or line == self.last_line:
            return []
        self.last_line = line
        text = self.source.line_text(stmt)
        return [comment(f"line {self.source.file_line(stmt)}: {text.strip()}" if text else "")]

    def index_value(self, index):
        """``x[1:3, ::2]``'s index as a value: ``np.s_[1:3, ::2]``."""
        if not any(isinstance(n, gast.Slice) for n in gast.walk(index)):
            return S.copy(index)
        import numpy
        base = gast.Attribute(value=S.name(self.namespace.ref(numpy, "numpy")), attr="s_", ctx=gast.Load())
        return gast.Subscript(value=base, slice=S.copy(index), ctx=gast.Load())

    def callee_derivative(self, stmt, op, has_derivative, derive):
        """For ``y = helper(a, b)``: the arguments with derivatives, and helper's own
        generated derivative w.r.t. their parameters (``derive(callee, wrt)``).

        Returns (compiled, [(parameter, atom), ...]); compiled is None when no argument
        has a derivative.
        """
        from .pipeline import RecursiveCall, parameter_names, underlying
        callee = underlying(op.key)
        names = parameter_names(callee)
        try:
            bound = inspect.signature(callee).bind(*op.args, **op.kwargs)
        except TypeError as exc:
            raise self.source.error(f"cannot call {op.label}: {exc}", stmt, construct=op.label) from None
        active = [(param, atom) for param, atom in bound.arguments.items()
                  if param in names and has_derivative(atom)]
        if not active:
            return None, []
        try:
            compiled = derive(callee, tuple(names.index(param) for param, _ in active))
        except RecursiveCall:
            raise self.source.error(f"recursive call to {callee.__qualname__}: astgrad cannot "
                                    "differentiate recursion; rewrite it as a loop", stmt,
                                    construct="recursion") from None
        return compiled, active


def range_targets(body):
    """Names bound only by ``for name in <a range>``: always ints. (The core form loops
    with a single name only over ranges.)"""
    bound, other = set(), set()
    for node in gast.walk(gast.Module(body=body, type_ignores=[])):
        if isinstance(node, gast.For) and isinstance(node.target, gast.Name):
            bound.add(node.target.id)
            node.range_loop = True
        elif isinstance(node, gast.Assign):
            other |= S.stored_names(node.targets[0])
        elif isinstance(node, gast.For):
            other |= S.stored_names(node.target)
    return bound - other


# Functions whose result is always a new array or list (never a view of an argument).
_FRESH_FUNCTIONS = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
                    "full_like", "eye", "identity", "array", "copy", "arange", "linspace",
                    "concatenate", "stack", "vstack", "hstack", "list", "dict"}


def creates_new_value(value):
    """Whether ``value`` certainly evaluates to a new object (not a view or an alias)."""
    if isinstance(value, (gast.BinOp, gast.UnaryOp, gast.List, gast.Dict, gast.Constant)):
        return True
    if isinstance(value, gast.Call):
        if getattr(value, "method", None) == "copy":
            return True
        target = getattr(value, "target", None)
        return getattr(target, "__name__", None) in _FRESH_FUNCTIONS
    return False


def check_in_place_writes(source, params, body):
    """Refuse in-place changes astgrad could get wrong: writes into (or ``+=`` on) a
    value that may share memory with another name, whose value would change too.

    ``y[i] = v`` and ``xs.append(v)`` need ``y``/``xs`` created by the function itself;
    ``y += v`` is fine on numbers and on arrays no other name refers to."""
    statements = list(_statements(body))
    definitions, aliased = {}, set()
    for stmt in statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            definitions.setdefault(stmt.targets[0].id, []).append(stmt.value)
            if isinstance(stmt.value, gast.Name):          # y = x: two names, one object
                aliased |= {stmt.targets[0].id, stmt.value.id}

    def refuse(name, stmt, action):
        raise source.error(
            f"{action} '{name}', which may share memory with another value (an argument, a view "
            f"or an alias), so astgrad cannot tell what else changes. Write into a copy instead "
            f"({name} = {name}.copy()), or build a new value ({name} = {name} + ...)",
            stmt, construct="in-place write")

    for stmt in statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
            name = stmt.targets[0].value.id
            if name in params or name in aliased or not definitions.get(name) \
                    or not all(creates_new_value(v) for v in definitions[name]):
                refuse(name, stmt, "assignment into an element of")
        elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
                and getattr(stmt.value, "method", None) == "append" \
                and isinstance(stmt.value.func.value, gast.Name):
            name = stmt.value.func.value.id
            if name in params or name in aliased or not all(creates_new_value(v)
                                                             for v in definitions.get(name, [None])):
                refuse(name, stmt, "append to")
        elif getattr(stmt, "augmented", False):
            operand = stmt.value.left if isinstance(stmt.value, gast.BinOp) else None
            name = operand.id if isinstance(operand, gast.Name) else None
            if name is not None and (name in aliased or not all(
                    creates_new_value(v) for v in definitions.get(name, []) if not _is_augmented(v, name))):
                refuse(name, stmt, "augmented assignment (+= and the like) changes")


def _is_augmented(value, name):
    return isinstance(value, gast.BinOp) and isinstance(value.left, gast.Name) and value.left.id == name


def _statements(block):
    for stmt in block:
        yield stmt
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                yield from _statements(inner)


def check_effect_call(source, stmt, active):
    """A call made for its effect (its value unused) on a differentiated value: only
    ``xs.append(v)`` is understood; anything else could change a value unseen."""
    from .rules import registry
    call = stmt.value
    method = getattr(call, "method", None)
    if method is not None:
        owner = call.func.value
        if isinstance(owner, gast.Name) and owner.id in active \
                and (method != "append" or call.keywords or len(call.args) != 1):
            raise source.error(
                f"the method call .{method}() changes a differentiated value in place, which "
                "astgrad cannot differentiate; build a new value instead (append is supported)",
                stmt, construct=f".{method}()")
        return
    arguments = call.args + [keyword.value for keyword in call.keywords]
    if any(isinstance(a, gast.Name) and a.id in active for a in arguments):
        target = getattr(call, "target", None)
        if target is None or not registry.is_non_differentiable(target):
            what = registry.describe(target) if target is not None else "a function value"
            raise source.error(
                f"calling {what} for its effect on a differentiated value (e.g. through out=): "
                "astgrad cannot see what it changes; use its return value instead",
                stmt, construct=what)
