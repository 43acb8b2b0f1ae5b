"""``numpy.gradient(f, s0, s1, ...)`` with one spacing per axis written out: a tuple of
one-axis calls ``(numpy.gradient(f, s0, axis=a0), numpy.gradient(f, s1, axis=a1), ...)``,
which computes the same arrays (NumPy takes each axis alone), so each spacing is
differentiated as the spacing of a call giving one array (rules/reduction_rules.py).
The arguments are evaluated once, in order; ``runtime.gradient_axis`` gives the k-th
axis, with NumPy's errors for axes that do not match the spacings."""

import gast
import numpy

from ... import runtime
from ...core import syntax as S

_KEYWORDS = frozenset({"axis", "edge_order"})


def per_axis_gradient(normalizer, node, target):
    """The tuple of one-axis calls ``node`` is, or None for any other call (one spacing or
    none, spacings spread from a sequence, keywords numpy.gradient does not take)."""
    if target is not numpy.gradient or len(node.args) < 3 or any(isinstance(a, gast.Starred) for a in node.args) \
            or any(kw.arg not in _KEYWORDS for kw in node.keywords):
        return None
    f, *spacings = [normalizer.atom(arg, hint="t") for arg in node.args]
    keywords = {kw.arg: normalizer.atom(kw.value, hint="t") for kw in node.keywords}
    axis = keywords.get("axis", S.const(None))
    edge_order = {"edge_order": keywords["edge_order"]} if "edge_order" in keywords else {}
    calls = []
    for k, spacing in enumerate(spacings):
        along = normalizer.runtime_call(runtime.gradient_axis,
                                        [S.copy(f), S.copy(axis), S.const(k), S.const(len(spacings))])
        keyword_values = {"axis": along, **{name: S.copy(value) for name, value in edge_order.items()}}
        calls.append(S.call(S.copy(node.func), [S.copy(f), spacing], keyword_values))
    return gast.Tuple(elts=calls, ctx=gast.Load())
