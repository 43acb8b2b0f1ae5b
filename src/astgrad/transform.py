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
