"""astgrad's own rule table: importing this module registers every rule astgrad has.

It is imported when the table is first read (``rules/loading.py``), not with ``import
astgrad``: code served from the disk cache reads no rule, so a process running only such
code never registers them.
"""

from . import registry
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

registry.non_differentiable(registry.unsupported)    # never in generated code: templates.py refuses it there
