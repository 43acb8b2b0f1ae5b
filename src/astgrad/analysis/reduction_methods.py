"""Full sums and means of arrays as the array's own methods, in specialized code.

``numpy.sum(a)`` of an ndarray ``a`` runs Python code that finds out what ``a`` is
before it calls ``a.sum()``; for a small array that costs more than the sum itself (a
loop that sums a vector per step spends most of the sum's time there). Where the
layouts say that ``a`` is an array (a dimension of length other than 1: not a number,
not what a ``math`` function returns), and ``a``'s value comes from the arguments'
NumPy arrays, ``numpy.sum(a)`` is ``a.sum()`` and ``numpy.mean(a)`` is ``a.mean()``:
the same computation, so the same numbers.
"""

import gast
import numpy

from ..core import anno
from ..core import walk
from ..core.anno import Key

_METHODS = {numpy.sum: "sum", numpy.mean: "mean"}


def call_reduction_methods(body, layouts):
    """Rewrite the full ``numpy.sum(a)`` / ``numpy.mean(a)`` of ``body`` that qualify."""

    def rewrite(node):
        if len(node.args) != 1 or node.keywords:
            return node
        layout = layouts.of(node.args[0])
        if not layout or all(layout):
            return node
        method = _METHODS[anno.get(node, Key.TARGET)]
        call = gast.Call(func=gast.Attribute(value=node.args[0], attr=method, ctx=gast.Load()),
                         args=[], keywords=[])
        anno.set(call, Key.METHOD, method)
        return call

    return walk.rewrite_calls(body, tuple(_METHODS), rewrite)
