"""Whether a function always returns a real number, known from its arguments' kinds.

``grad`` differentiates functions with a real scalar output and checks each output it
computes. Code specialized to its arguments' kinds (see ``argument_kinds``) can often
prove the output is one before it runs: then the gradient need not compute the
function's value at all (on ``mean(log1p(exp(z)) - y * z)`` the gradient needs only
``exp(z)``), and no check is left to make.

The proof runs on the normalized function (one operation per statement, one ``return``
of a name at the end) and holds for every execution that returns:

- the returned name has layout () (a number or a 0-d array; see ``layouts``) on every
  assignment, which the layout analysis shows from the arguments' kinds;
- every value it is computed from is *real*: of a real, non-boolean type (a Python
  float or int, or a NumPy value of a float, signed or unsigned integer dtype). Real
  are the arguments of such kinds, int and float constants, range counters, arithmetic
  on real values (a power only where its result cannot be complex: an integer exponent
  or an array operand), NumPy ufuncs of real values that never give booleans for real
  inputs, full reductions, ``math`` functions, items of real arrays and
  ``numpy.zeros(n)`` (float64).

Names assigned any other way (unpacking, ``with``, other loops) have no facts, and an
operation not listed proves nothing: the caller then computes the value and checks it.
"""

import math

import gast
import numpy

from .. import argument_kinds
from ..core import anno
from ..core.anno import Key
from .fixed_point import assume, retract
from .layouts import Layouts, tuple_item
from ..core import syntax as S

_REAL_DTYPES = "fiu"
_ARITHMETIC = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.FloorDiv, gast.Mod, gast.MatMult)
_REDUCTIONS = {numpy.sum, numpy.mean, numpy.prod, numpy.max, numpy.min, numpy.amax, numpy.amin}
_FILLED = {numpy.zeros, numpy.ones, numpy.empty}
_MATH = {math.sin, math.cos, math.tan, math.exp, math.log, math.log1p, math.sqrt, math.tanh, math.sinh,
         math.cosh, math.asin, math.acos, math.atan, math.fabs, math.expm1, math.atan2, math.hypot,
         math.pow, math.log2, math.log10}


def returns_real_number(fn_tree, kinds, elementwise, shape_of_second):
    """True if the normalized function ``fn_tree``, called with arguments of ``kinds``
    (parameter -> argument kind), returns a real number or 0-d real array whenever it
    returns. ``elementwise`` and ``shape_of_second`` are the shape analysis' tables."""
    body = fn_tree.body
    if not body or not isinstance(body[-1], gast.Return) or not isinstance(body[-1].value, gast.Name):
        return False
    params = [a.id for a in fn_tree.args.posonlyargs + fn_tree.args.args + fn_tree.args.kwonlyargs]
    if fn_tree.args.vararg is not None or fn_tree.args.kwarg is not None:
        return False
    definitions, counters = _definitions(body[:-1])
    if definitions is None:
        return False
    shaped = dict(definitions)
    for name in params:     # an argument of unknown layout, assigned too: no layout on entry
        if name in shaped and argument_kinds.layout(kinds.get(name)) is None:
            shaped[name] = shaped[name] + [None]
    layouts = Layouts(shaped, params, {}, counters, kinds, elementwise, set(shape_of_second))
    result = body[-1].value.id
    if layouts.names.get(result) != ():
        return False
    real = _Real(definitions, params, counters, kinds, layouts)
    return real.facts.get(result) is True


def _definitions(body):
    """name -> the values assigned to it (None for a store that is not ``name = value``),
    and the range counters; (None, None) for code with a store this cannot follow."""
    definitions, counters, bound = {}, set(), set()
    other = []      # any other store (with, except, import, ...), added after the assignments
    for node in S.operand_nodes(gast.Module(body=body, type_ignores=[])):    # parents before children
        kind = type(node)
        if kind is gast.Assign:
            if len(node.targets) == 1:
                bound.add(id(node.targets[0]))
            if len(node.targets) == 1 and isinstance(node.targets[0], gast.Name):
                definitions.setdefault(node.targets[0].id, []).append(node.value)
            else:
                for target in node.targets:
                    for name in _stored(target):
                        definitions.setdefault(name, []).append(None)
        elif kind is gast.For:
            if isinstance(node.target, gast.Name) and _is_range(node.iter):
                counters.add(node.target.id)
                bound.add(id(node.target))
            else:
                for name in _stored(node.target):
                    definitions.setdefault(name, []).append(None)
        elif kind is gast.Name:
            if isinstance(node.ctx, gast.Store) and id(node) not in bound:
                other.append(node.id)
        elif kind is gast.Global or kind is gast.Nonlocal:
            return None, None
    for name in other:
        definitions.setdefault(name, []).append(None)
    counters = {c for c in counters if c not in definitions}    # also assigned otherwise: not always an int
    return definitions, counters


def _stored(target):
    return [node.id for node in S.operand_nodes(target) if isinstance(node, gast.Name)]


def _is_range(node):
    return isinstance(node, gast.Call) and (anno.get(node, Key.TARGET) is range or
                                            isinstance(node.func, gast.Name) and node.func.id == "range")


class _Real:
    """name -> True where every value the name is given is real (an optimistic fixed
    point over the assignments, then checked)."""

    def __init__(self, definitions, params, counters, kinds, layouts):
        self.layouts, self.definitions = layouts, definitions
        self.facts = {name: True for name in counters}
        for name in params:
            kind = kinds.get(name)
            if kind in ("float", "int") or argument_kinds.is_array(kind) \
                    and kind.lstrip("<>|=")[:1] in tuple(_REAL_DTYPES):
                self.facts[name] = True
        checked = dict(definitions)
        for name in params:
            if name in checked and self.facts.get(name) is not True:
                checked[name] = checked[name] + [None]      # an argument of unknown kind
        assume(checked, self.facts, self.of)
        retract(checked, self.facts, self.of)

    def of(self, node):
        """True if ``node``'s value is real, else None."""
        if isinstance(node, gast.Constant):
            return True if type(node.value) in (int, float) else None
        if isinstance(node, gast.Name):
            return True if self.facts.get(node.id) is True else None
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
            return self.of(node.operand)
        if isinstance(node, gast.BinOp):
            return self._binary(node)
        if isinstance(node, gast.Subscript):
            item = tuple_item(self.definitions, node)
            if item is not None:        # t[0], t bound once to a tuple display
                return self.of(item)
            array = self.layouts.of(node.value) if isinstance(node.value, gast.Name) else None
            return self.of(node.value) if array else None       # an item or a slice of a real array
        if isinstance(node, gast.Call) and not node.keywords:
            return self._call(node)
        return None

    def _binary(self, node):
        if not (self.of(node.left) and self.of(node.right)):
            return None
        if isinstance(node.op, _ARITHMETIC):
            return True
        if isinstance(node.op, gast.Pow):
            # a negative Python float to a fractional power is complex; NumPy arrays give NaN
            exponent = node.right
            integral = isinstance(exponent, gast.Constant) and float(exponent.value).is_integer()
            arrays = self.layouts.of(node.left) or self.layouts.of(node.right)
            return True if integral or arrays else None
        return None

    def _call(self, node):
        target = anno.get(node, Key.TARGET)
        if target in _FILLED and len(node.args) == 1:
            return True                     # float64 (a dtype would be a second argument)
        if not all(self.of(arg) for arg in node.args) or not node.args:
            return None
        if isinstance(target, numpy.ufunc):
            return True if target.nout == 1 and target.signature is None and _never_boolean(target) else None
        if target in _REDUCTIONS and len(node.args) == 1:
            return True
        return True if target in _MATH else None


def _never_boolean(ufunc):
    """No loop of ``ufunc`` gives a boolean for non-boolean inputs (comparisons do)."""
    for types in ufunc.types:
        inputs, output = types.split("->")
        if output == "?" and set(inputs) != {"?"}:
            return False
    return True

