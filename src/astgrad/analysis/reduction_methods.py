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


def mark_array_reductions(body, layouts):
    """Mark the full ``numpy.sum(a)`` / ``numpy.mean(a)`` of ``body`` whose ``a`` the
    layouts show to be an array (``Key.ARRAY_REDUCTION``). They are rewritten last (see
    ``call_reduction_methods``): the passes before read ``numpy.sum`` as a reduction."""

    walk.rewrite_calls(body, tuple(_METHODS), lambda node: mark_array_reduction(node, layouts))


def mark_array_reduction(node, layouts):
    """Mark one ``numpy.sum(a)`` / ``numpy.mean(a)`` call if the layouts show ``a`` to be
    an array (see ``mark_array_reductions``); returns the call."""
    if len(node.args) == 1 and not node.keywords:
        layout = layouts.of(node.args[0])
        if layout and not all(layout):
            anno.set(node, Key.ARRAY_REDUCTION, True)
    return node


def call_reduction_methods(body, marked=None):
    """``numpy.sum(a)`` -> ``a.sum()`` (and ``mean``) for the calls marked by
    ``mark_array_reductions``; returns ``body``. ``marked``: every marked call of
    ``body``, where known (the calls are then rewritten in place, without a walk to
    find them)."""

    def rewrite(node):
        if not anno.get(node, Key.ARRAY_REDUCTION, False) or len(node.args) != 1 or node.keywords:
            return node
        method = _METHODS[anno.get(node, Key.TARGET)]
        call = gast.Call(func=gast.Attribute(value=node.args[0], attr=method, ctx=gast.Load()),
                         args=[], keywords=[])
        anno.set(call, Key.METHOD, method)
        return call

    if marked is None:
        return walk.rewrite_calls(body, tuple(_METHODS), rewrite)
    for node in marked:
        call = rewrite(node)
        if call is not node:        # the call becomes the method call it would be replaced by
            node.__dict__.clear()
            node.__dict__.update(call.__dict__)
    return body
