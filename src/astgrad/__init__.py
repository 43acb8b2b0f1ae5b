"""astgrad: source-transformation automatic differentiation for Python and NumPy.

``@astgrad.differentiable`` parses a function, generates its derivative as Python
source ahead of time and compiles it; ``grad``, ``value_and_grad`` and ``vjp`` return
generated functions whose ``.source`` you can read and differentiate again.
"""

from . import rules  # registers the derivative rules; astgrad.rules(pattern) lists them
from .api import differentiable, grad, hessian, hvp, jacobian, jvp, value_and_grad, vjp
from .errors import TransformError
from .rules.registry import adjoint, d, non_differentiable, tangent
from .runtime import stop_gradient
from .tape import Size, Tensor, tensor, no_grad
from .tape import autograd

__version__ = "0.1.0"

__all__ = ["differentiable", "grad", "value_and_grad", "vjp", "jvp", "jacobian", "hessian", "hvp",
           "TransformError", "adjoint",
           "tangent", "d", "non_differentiable", "stop_gradient", "rules",
           "Tensor", "tensor", "Size", "no_grad", "autograd"]
