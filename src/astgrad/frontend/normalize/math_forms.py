"""``math.hypot(*xs)`` of a sequence whose length is not known where the code is
generated (a list built in a loop, an array): the call ``hypot_of(xs)``, which computes
the same and has its own rule (rules/math_rules.py). A list or tuple written out is
spread into the call as for any other function (call_forms.py)."""

import math

import gast

from ... import runtime
from ...core import syntax as S


class MathFormLowering:
    """Normalizer method for ``math.hypot`` given one starred sequence."""

    def hypot_of_sequence(self, node):
        """``math.hypot(*xs)`` as ``hypot_of(xs)``; None for any other call, or for a
        display (``math.hypot(*[a, b])``), which is spread."""
        if not (len(node.args) == 1 and isinstance(node.args[0], gast.Starred) and not node.keywords) \
                or isinstance(node.args[0].value, (gast.List, gast.Tuple)) \
                or self.resolve_call(node) is not math.hypot:
            return None
        coordinates = self.atom(node.args[0].value, hint="coordinates")
        return self.runtime_call(runtime.hypot_of, [S.copy(coordinates)])
