"""The dimensions of each name's value, in code specialized to its arguments' kinds.

A layout is a tuple with one entry per dimension, True where the dimension has length 1
and False where it has any other length; () is a number or a 0-d array. Parameters get
theirs from the argument kinds (see ``argument_kinds``), and they follow through
elementwise operations (broadcasting: a dimension is 1 only where every operand's is),
``@`` of vectors and matrices, indexing by a loop counter, full reductions,
``numpy.zeros(a.shape[k])``, ``a.T``, the shape helpers and the adjoints of ``@``
(shaped like their operand). A name assigned several times (a
loop variable) has a layout when every assignment agrees on it (an optimistic fixed
point, then checked), and a derivative ``d_v`` has the layout of ``v``.

Two values whose shapes broadcast together and whose layouts are equal have the same
shape, so ``unbroadcast(e, x)`` has nothing to do when ``e`` and ``x`` have equal layouts.
"""

import gast
import numpy

from .. import argument_kinds
from .. import runtime
from .fixed_point import UNKNOWN, Readers, assume, retract
from ..core import anno
from ..core.anno import Key

_BOTTOM = UNKNOWN
_ELEMENTWISE_OPS = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)
_FULL_REDUCTIONS = {numpy.sum, numpy.mean, numpy.prod, numpy.max, numpy.min, numpy.amax, numpy.amin}
_FILLED = {numpy.zeros, numpy.ones, numpy.empty}
_MATMUL_ADJOINTS = {runtime.matmul_adjoint_left: 1, runtime.matmul_adjoint_right: 2}


class Layouts:
    """name -> layout, from ``definitions`` (name -> assigned values, None where unknown)."""

    def __init__(self, definitions, params, adjoints, counters, kinds, elementwise, shape_of_second,
                 mentions=None):
        """``mentions(value)``: the names in ``value``, where known cheaply (see
        ``fixed_point.assume``), or a ``Readers`` of ``definitions`` already made."""
        self.definitions = definitions
        self.mentions = mentions if mentions is None or isinstance(mentions, Readers) \
            else Readers(definitions, mentions)
        self.counters = set(counters)           # ints: range loop targets
        self.elementwise = elementwise          # target -> whether it keeps its operands' shape
        self.shape_of_second = shape_of_second
        self.names = {name: () for name in counters}
        for name in params:
            found = argument_kinds.layout(kinds.get(name))
            if found is not None:
                self.names[name] = found
        self.lengths = self._lengths()
        self._verify(self._optimistic({}))      # the layouts as the assumption left them
        for primal, derivative in adjoints.items():
            found = self.names.get(primal)
            if found is not None and found is not _BOTTOM:
                self.names[derivative] = found

    def _lengths(self):
        """Names assigned once to ``a.shape[k]`` (through ``s = a.shape; n = s[k]``) of a
        parameter of known layout: whether the length is 1. They are ints: layout ()."""
        shapes, lengths = {}, {}
        for name, values in self.definitions.items():
            value = values[0] if len(values) == 1 else None
            if isinstance(value, gast.Attribute) and value.attr == "shape" \
                    and isinstance(value.value, gast.Name) and value.value.id in self.names:
                shapes[name] = self.names[value.value.id]
        for name, values in self.definitions.items():
            value = values[0] if len(values) == 1 else None
            if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) \
                    and value.value.id in shapes and isinstance(value.slice, gast.Constant) \
                    and type(value.slice.value) is int and 0 <= value.slice.value < len(shapes[value.value.id]):
                lengths[name] = shapes[value.value.id][value.slice.value]
                self.names[name] = ()
        return lengths

    def _optimistic(self, settled=None):
        """Assume the layouts; ``settled`` (returned) is given what ``assume`` gives it."""
        assume(self.definitions, self.names, self.of, self.mentions, settled)
        return settled

    def _verify(self, settled=None):
        retract(self.definitions, self.names, self.of, mentions=self.mentions, settled=settled)

    def of(self, node):
        """The layout of an expression, or None if unknown."""
        if isinstance(node, gast.Constant):
            return () if type(node.value) in (int, float) else None
        if isinstance(node, gast.Name):
            found = self.names.get(node.id)
            return None if found is _BOTTOM else found
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
            return self.of(node.operand)
        if isinstance(node, gast.BinOp) and isinstance(node.op, _ELEMENTWISE_OPS):
            return _broadcast([self.of(node.left), self.of(node.right)])
        if isinstance(node, gast.BinOp) and isinstance(node.op, gast.MatMult):
            return matmul_layout(self.of(node.left), self.of(node.right))
        if isinstance(node, gast.Subscript):
            return self._indexed(node)
        if isinstance(node, gast.Attribute) and node.attr in ("size", "ndim") \
                and isinstance(node.value, gast.Name) and self.of(node.value):
            return ()                           # an int, of an array of known layout
        if isinstance(node, gast.Attribute) and node.attr == "T" and isinstance(node.value, gast.Name) \
                and self.of(node.value):
            return tuple(reversed(self.of(node.value)))     # the transpose of an array
        if isinstance(node, gast.Call):
            return self._called(node)
        return None

    def _indexed(self, node):
        item = tuple_item(self.definitions, node)
        if item is not None:        # t[0], t bound once to a tuple display (has_aux's (value, aux))
            return self.of(item)
        array = self.of(node.value) if isinstance(node.value, gast.Name) else None
        index = node.slice
        by_int = isinstance(index, gast.Name) and index.id in self.counters or \
            isinstance(index, gast.Constant) and type(index.value) is int
        return array[1:] if array and by_int else None

    def _called(self, node):
        target = anno.get(node, Key.TARGET)
        args = node.args
        if target in self.shape_of_second and len(args) >= 2:
            return self.of(args[1])
        if target is runtime.zeros_like and len(args) == 1:
            return self.of(args[0])
        if target in _MATMUL_ADJOINTS and len(args) == 3:
            return self.of(args[_MATMUL_ADJOINTS[target]])     # shaped like the operand
        if target is runtime.in_place and len(args) == 2:    # y op= v: y's layout, or y op v's on a number
            return _broadcast([self.of(args[0]), self.of(args[1])])
        if target is runtime.repeat_count:
            return ()                           # an int
        if node.keywords:
            return None
        if self.elementwise(target) and len(args) == getattr(target, "nin", 1):
            return _broadcast([self.of(arg) for arg in args])
        if target in _FULL_REDUCTIONS and len(args) == 1 and self.of(args[0]) is not None:
            return ()
        if target in _FILLED and len(args) == 1:
            return self._length_one(args[0])
        return None

    def _length_one(self, size):
        """(True,) or (False,) for a 1-d array of length ``size``, where that is known."""
        if isinstance(size, gast.Constant) and type(size.value) is int:
            return (size.value == 1,)
        if isinstance(size, gast.Name) and size.id in self.lengths:
            return (self.lengths[size.id],)
        if isinstance(size, gast.Subscript) and isinstance(size.value, gast.Attribute) \
                and size.value.attr == "shape" and isinstance(size.slice, gast.Constant) \
                and type(size.slice.value) is int:
            array = self.of(size.value.value)
            if array is not None and 0 <= size.slice.value < len(array):
                return (array[size.slice.value],)
        return None


def _broadcast(layouts):
    if len(layouts) == 2:       # an operator's two operands (the commonest): most often equal, or one a number
        first, second = layouts
        if first is None or second is None:
            return None
        if first == second or not second:
            return tuple(first)
        if not first:
            return tuple(second)
    if any(layout is None for layout in layouts):
        return None
    ndim = max(len(layout) for layout in layouts)
    padded = [(True,) * (ndim - len(layout)) + tuple(layout) for layout in layouts]
    return tuple(all(column) for column in zip(*padded))


def matmul_layout(left, right):
    """``a @ b`` for vectors and matrices of known layouts."""
    if left is None or right is None or not left or not right or len(left) > 2 or len(right) > 2:
        return None
    if len(left) == 1 and len(right) == 1:
        return ()
    if len(left) == 1:
        return (right[1],)
    if len(right) == 1:
        return (left[0],)
    return (left[0], right[1])


def tuple_item(definitions, node):
    """The item ``t[k]`` reads, where ``t`` is bound once to a tuple display (or to a name
    so bound) and ``k`` is an int constant within it; else None."""
    if not (isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name)
            and isinstance(node.slice, gast.Constant) and type(node.slice.value) is int):
        return None
    value, seen = node.value, set()
    while isinstance(value, gast.Name) and value.id not in seen:     # through copies (t = result)
        seen.add(value.id)
        values = definitions.get(value.id)
        value = values[0] if values and len(values) == 1 else None
    if not isinstance(value, gast.Tuple):
        return None
    elements = value.elts
    k = node.slice.value
    if not -len(elements) <= k < len(elements) or any(isinstance(e, gast.Starred) for e in elements):
        return None
    return elements[k]
