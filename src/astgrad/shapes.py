"""Which names provably have the same shape, so ``unbroadcast(e, x)`` can go.

Only names assigned once (and parameters) take part, so every relation holds for
every execution. Elementwise operations keep their operand's shape, an operand of
shape () (a number) does not change the other's, a derivative ``d_v`` has the shape
of ``v``, and the shape helpers return their second argument's shape.
"""

import builtins
import math
import types

import gast
import numpy

from . import syntax as S
from . import runtime

SCALAR = "()"
_SHAPE_OF_SECOND = {runtime.unbroadcast, runtime.broadcast_like, runtime.unreduce, runtime.unindex}
_ELEMENTWISE_OPS = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)


class ShapeClasses:
    def __init__(self, body, params, adjoints, scalars=()):
        self.parent = {}
        self.stores = _store_counts(body)
        self.single = {name for name, count in self.stores.items() if count == 1 and name not in params} | \
            {p for p in params if self.stores.get(p, 0) == 0}
        for name in scalars:
            self.parent[name] = SCALAR
        for stmt in _statements(body):
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
                name = stmt.targets[0].id
                if name in self.single:
                    cls = self.of(stmt.value)
                    if cls is not None:
                        self.union(name, cls)
        for primal, adjoint in adjoints.items():
            if self.name_class(primal) is not None:
                # every derivative has its value's shape, however often it is reassigned
                self.union(adjoint, primal)

    def find(self, name):
        while self.parent.get(name, name) != name:
            name = self.parent[name]
        return name

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if rb == SCALAR:
            ra, rb = rb, ra
        self.parent[rb] = ra

    def name_class(self, name):
        if name in self.parent or name in self.single:
            return self.find(name)
        return None

    def of(self, node):
        """The shape class of an expression, or None if unknown."""
        if isinstance(node, gast.Constant):
            return SCALAR if isinstance(node.value, (int, float)) and not isinstance(node.value, bool) else None
        if isinstance(node, gast.Name):
            return self.name_class(node.id)
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
            return self.of(node.operand)
        if isinstance(node, gast.BinOp) and isinstance(node.op, _ELEMENTWISE_OPS):
            return _join(self.of(node.left), self.of(node.right))
        if isinstance(node, gast.Call):
            target = getattr(node, "target", None)
            if target in _SHAPE_OF_SECOND and len(node.args) >= 2:
                return self.of(node.args[1])
            if target is runtime.zeros_like and node.args:
                return self.of(node.args[0])
            if _is_elementwise(target) and len(node.args) == getattr(target, "nin", 1) and not node.keywords:
                result = self.of(node.args[0])
                for arg in node.args[1:]:
                    result = _join(result, self.of(arg))
                return result
        return None


def _join(a, b):
    if a is None or b is None:
        return None
    if a == SCALAR:
        return b
    if b == SCALAR:
        return a
    return a if a == b else None


def _is_elementwise(target):
    if isinstance(target, numpy.ufunc):
        return True
    if isinstance(target, types.BuiltinFunctionType) and getattr(target, "__module__", None) == "math":
        return target in (math.sin, math.cos, math.tan, math.exp, math.log1p, math.sqrt, math.tanh,
                          math.sinh, math.cosh, math.asin, math.acos, math.atan, math.fabs, math.expm1)
    return target is builtins.abs


def _statements(block):
    for stmt in block:
        yield stmt
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                yield from _statements(inner)


def _store_counts(body):
    counts = {}
    for stmt in _statements(body):
        targets = []
        if getattr(stmt, "restore_id", None) is not None or getattr(stmt, "item_pop", None) \
                or getattr(stmt, "init_none", False):
            continue        # restores bring back a value of the same definition
        if isinstance(stmt, gast.Assign):
            targets = [stmt.targets[0]]
        elif isinstance(stmt, gast.For):
            targets = [stmt.target]
        for target in targets:
            if isinstance(stmt, gast.For) and getattr(stmt, "range_loop", False):
                continue        # range loops bind ints; they are listed in ``scalars``
            for name in S.stored_names(target):
                counts[name] = counts.get(name, 0) + 1
            if isinstance(target, gast.Subscript):
                base = target.value.id
                counts[base] = counts.get(base, 0) + 2     # mutated: not a fixed value
    return counts


def drop_needless_unbroadcasts(body, params, adjoints, scalars=()):
    """Replace ``unbroadcast(e, x)`` and ``broadcast_like(e, x)`` by ``e`` where ``e``
    provably already has the shape of ``x``."""
    classes = ShapeClasses(body, params, adjoints, scalars)

    class Rewrite(gast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            target = getattr(node, "target", None)
            if target in (runtime.unbroadcast, runtime.broadcast_like) and len(node.args) == 2:
                a, b = classes.of(node.args[0]), classes.of(node.args[1])
                if a is not None and a == b:
                    return node.args[0]
            return node

    rewrite = Rewrite()
    for stmt in body:
        rewrite.visit(stmt)
    return body
