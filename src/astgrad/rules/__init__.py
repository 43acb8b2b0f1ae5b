"""The rule table. Importing this package registers every rule."""

from . import registry  # noqa: F401
from . import operators, numpy_rules, math_rules, builtin_rules, runtime_rules  # noqa: F401
from . import containers  # noqa: F401  (in-place writes, list appends and pops)
from . import shape_rules, fft_rules  # noqa: F401
