"""Comparisons checked when the code runs that no derivative can flow through.

The normalizer checks a comparison of values that may be objects of a class it does not
know (``check_compared_value``, frontend/normalize/comparison_methods.py): a method of
theirs giving a number would be read as a constant. Where neither operand depends on the
differentiated inputs, what the comparison gives does not either, and a constant is
what it is: the check goes, so a function differentiated with respect to other inputs
(``wrt=``) runs as Python runs it.
"""

import gast

from .. import runtime
from ..core import anno
from ..core.anno import Key


def release_compared_checks(body, varied):
    """Drop from ``body`` (and its nested blocks) the checks of comparisons whose operands
    are none of the ``varied`` names."""
    kept = [stmt for stmt in body if not _unvaried_check(stmt, varied)]
    body[:] = kept or [gast.Pass()]
    for stmt in body:
        for block in [getattr(stmt, f, None) for f in ("body", "orelse", "finalbody")] \
                + [h.body for h in getattr(stmt, "handlers", ())]:
            if isinstance(block, list) and block:
                release_compared_checks(block, varied)


def _unvaried_check(stmt, varied):
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    return isinstance(call, gast.Call) and anno.get(call, Key.TARGET) is runtime.check_compared_value \
        and not any(isinstance(a, gast.Name) and a.id in varied for a in call.args[1:3])
