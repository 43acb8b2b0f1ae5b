"""NumPy functions lowered to the element writes they are: ``numpy.fill_diagonal(a, val)``
is ``a[index] = val`` with the index of a's diagonal, and ``numpy.piecewise(x, conditions,
functions)`` (functions and constants written out in a list) stores each function's value
on the elements its condition picks, as NumPy does.
"""

import inspect

import gast
import numpy

from ... import runtime
from ...core import syntax as S


class LibraryWriteLowering:
    """Normalizer methods for NumPy functions that are element writes (calls.py asks)."""

    def piecewise_call(self, node):
        """``numpy.piecewise(x, [c1, ..., cn], [f1, ..., fm])`` (m = n or n + 1, each f a
        function or a number): ``y = zeros_like(x)``, then for each f the elements its
        mask picks, ``y[mask] = f(x[mask])`` where any are picked (or ``y[mask] = f``), as
        NumPy computes it; the masks are NumPy's (``runtime.piecewise_masks``). None for
        any other call (extra arguments, lists that are not written out)."""
        if self.resolve_call(node) is not numpy.piecewise or len(node.args) != 3 or node.keywords \
                or not all(isinstance(a, (gast.List, gast.Tuple)) for a in node.args[1:]) \
                or any(isinstance(e, gast.Starred) for a in node.args[1:] for e in a.elts):
            return None
        functions = node.args[2].elts
        for item in functions:
            if not (self.looks_like_function(item) or _is_number(item)):
                raise self._refuse("numpy.piecewise with an item of the function list that is neither a "
                                   "function nor a number written out", node,
                                   "write each item as a lambda, a function's name or a number")
        x = S.name(self.fresh_assign(self.runtime_call(numpy.asarray, [self.atom(node.args[0], hint="x")]), "x"))
        conditions = gast.List(elts=[self.atom(c, hint="cond") for c in node.args[1].elts], ctx=gast.Load())
        masks = self.fresh_assign(self.runtime_call(runtime.piecewise_masks, [
            S.copy(x), conditions, S.const(len(functions))]), "masks")
        result = self.fresh_assign(self.runtime_call(numpy.zeros_like, [S.copy(x)]), "piecewise")
        for position, item in enumerate(functions):
            mask = S.name(self.fresh_assign(gast.Subscript(value=S.name(masks), slice=S.const(position),
                                                           ctx=gast.Load()), "mask"))
            store = gast.Subscript(value=S.name(result), slice=S.copy(mask), ctx=gast.Store())
            if _is_number(item):
                self.statement(S.assign(store, item, line=self.line))
                continue
            picked = S.name(self.fresh_assign(gast.Subscript(value=S.copy(x), slice=S.copy(mask),
                                                             ctx=gast.Load()), "picked"))
            any_picked = gast.Compare(left=self.runtime_call(numpy.size, [S.copy(picked)]), ops=[gast.Gt()],
                                      comparators=[S.const(0)])
            self.statement(gast.If(test=any_picked, body=[S.assign(store, gast.Call(
                func=item, args=[S.copy(picked)], keywords=[]), line=self.line)], orelse=[]))
        return S.name(result)

    def fill_diagonal(self, node):
        """``numpy.fill_diagonal(a, val)`` is ``a[index] = val`` with the index of a's main
        diagonal, ``diagonal_index(a, val)`` (which raises where NumPy raises, and for a
        number of values NumPy would repeat): an element write like any other."""
        try:
            bound = inspect.signature(numpy.fill_diagonal).bind(*node.args, **{kw.arg: kw.value
                                                                              for kw in node.keywords})
        except TypeError as error:
            raise self._refuse("numpy.fill_diagonal with these arguments", node, str(error))
        a, wrap = bound.arguments["a"], bound.arguments.get("wrap", S.const(False))
        if not isinstance(a, gast.Name):
            raise self._refuse("numpy.fill_diagonal on a value that is not a name", node,
                               "bind the array to a name first")
        if not (isinstance(wrap, gast.Constant) and wrap.value is False):
            raise self._refuse("numpy.fill_diagonal(..., wrap=...)", node,
                               "write the diagonal entries of a tall matrix yourself (a[i, i] = v)")
        value = self.atom(bound.arguments["val"], hint="val")
        shape = self.fresh_assign(self.runtime_call(numpy.shape, [S.name(a.id)]), "shape")
        index = self.fresh_assign(self.runtime_call(runtime.diagonal_index, [S.name(shape), value]), "index")
        self.emit(S.assign(gast.Subscript(value=S.name(a.id), slice=S.name(index), ctx=gast.Store()),
                           S.copy(value)))
        return S.const(None)



def _is_number(node):
    """A number written out (``2``, ``-1.5``)."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
        node = node.operand
    return isinstance(node, gast.Constant) and isinstance(node.value, (int, float)) \
        and not isinstance(node.value, bool)
