"""NumPy functions without a derivative rule of their own that are short compositions of
functions with one, written here in Python: a call of one (``numpy.trapezoid(y, t)``) is
a call of its form below, which astgrad differentiates like a helper of the user's.
Each form computes what NumPy computes (tests/test_library_forms.py compares them).
And ``numpy.fill_diagonal(a, val)``, which writes into ``a``, as the element write it is.
"""

import inspect

import gast
import numpy

from ... import runtime
from ...core import syntax as S


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """``numpy.trapezoid`` (``numpy.trapz`` before NumPy 2): the trapezoid rule along
    ``axis``, over the sample points ``x`` (1-d, or shaped like ``y``) or a spacing ``dx``."""
    ends = numpy.moveaxis(y, axis, -1)
    total = ends[..., 1:] + ends[..., :-1]
    if x is None:
        return numpy.sum(total, axis=-1) * (dx / 2.0)
    if numpy.ndim(x) == 1:
        return numpy.sum(total * numpy.diff(x), axis=-1) / 2.0
    return numpy.sum(total * numpy.moveaxis(numpy.diff(x, axis=axis), axis, -1), axis=-1) / 2.0


trapezoid.__astgrad_form__ = True


def library_form(target):
    """The Python form a call of ``target`` is differentiated as, or None."""
    if target is None:
        return None
    if target is getattr(numpy, "trapezoid", None) or target is getattr(numpy, "trapz", None):
        return trapezoid
    return None


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

