"""``astgrad.autograd``: the tape front end's PyTorch-style entry points.

``grad`` and ``backward`` mirror ``torch.autograd.grad`` and ``torch.autograd.backward``.
``adjoint_source``/``last_adjoint_source`` show the generated adjoint Python code and
``cache_info``/``clear_cache`` expose the cache of generated adjoints; ``functional`` holds
jacobian, hessian, vjp, jvp, hvp and vhp, as ``torch.autograd.functional``.
"""

from . import functional
from .program import adjoint_source, backward, cache_info, clear_cache, grad, last_adjoint_source
from .mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled

__all__ = ["grad", "backward", "adjoint_source", "last_adjoint_source", "cache_info", "clear_cache",
           "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "functional"]
