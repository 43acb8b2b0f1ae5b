"""NumPy functions that write into their argument, lowered to the element write they are:
``numpy.fill_diagonal(a, val)`` is ``a[index] = val`` with the index of a's diagonal.
"""

import inspect

import gast
import numpy

from ... import runtime
from ...core import syntax as S


class LibraryWriteLowering:
    """Normalizer method for a NumPy function writing into its argument (calls.py asks)."""

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

