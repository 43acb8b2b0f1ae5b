"""The rule table. Importing this package registers every rule.

The package is also callable: ``astgrad.rules(pattern=None)`` lists the public functions
that have rules (see ``listing.py``).
"""

import sys
import types

from . import registry  # noqa: F401
from . import operators, numpy_rules, math_rules, builtin_rules, runtime_rules  # noqa: F401
from . import product_rules, linalg_rules  # noqa: F401  (products; numpy.linalg and trace)
from . import reduction_rules  # noqa: F401  (reductions and statistics)
from . import containers  # noqa: F401  (in-place writes, list appends and pops)
from . import object_rules, object_operator_rules  # noqa: F401  (attributes of objects; operators of unknown classes)
from . import sequence_rules  # noqa: F401  (list and tuple + and *, set)
from . import facts  # noqa: F401  (fresh results, in-place writes, shape-only arguments)
from . import shape_rules, fft_rules  # noqa: F401  (shapes and assembly; numpy.fft)
from . import sampled_rules  # noqa: F401  (trapezoid, interp, convolve, correlate)
from . import polynomial_rules  # noqa: F401  (polyval, polyder)


class _RuleTable(types.ModuleType):
    """This package, callable as ``astgrad.rules(pattern=None)``."""

    def __call__(self, pattern=None):
        from .listing import rules
        return rules(pattern)


sys.modules[__name__].__class__ = _RuleTable
