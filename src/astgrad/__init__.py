"""astgrad: source-transformation automatic differentiation for Python and NumPy.

``@astgrad.differentiable`` parses a function, generates its derivative as Python
source ahead of time and compiles it; ``grad``, ``value_and_grad`` and ``vjp`` return
generated functions whose ``.source`` you can read and differentiate again.
"""

import builtins as _builtins
import sys as _sys

from . import rules  # registers the derivative rules; astgrad.rules(pattern) lists them
from .api import differentiable, grad, hessian, hvp, jacobian, jvp, value_and_grad, vjp
from .errors import TransformError
from .rules.registry import adjoint, d, non_differentiable, tangent
from .runtime import stop_gradient
from .tape import Tensor, tensor, no_grad
from .tape import autograd
from .tape import *  # noqa: F401,F403  the PyTorch-style names: sum, matmul, zeros, float32, ...
from .tape import __all__ as _tape_names

# ``import astgrad.autograd.functional`` as with torch (the modules live in astgrad.tape)
_sys.modules.setdefault(__name__ + ".autograd", autograd)
_sys.modules.setdefault(__name__ + ".autograd.functional", autograd.functional)

__version__ = "0.1.0"

__all__ = ["differentiable", "grad", "value_and_grad", "vjp", "jvp", "jacobian", "hessian", "hvp",
           "TransformError", "adjoint",
           "tangent", "d", "non_differentiable", "stop_gradient", "rules",
           "Tensor", "tensor", "no_grad", "autograd"] + [
               # astgrad.sum, astgrad.float, ... are attributes, but `from astgrad import *`
               # must not shadow Python's sum, float, max, ...
               n for n in _tape_names if n not in ("Tensor", "tensor", "no_grad", "autograd")
               and not hasattr(_builtins, n)]
