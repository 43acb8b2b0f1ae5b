"""The tape front end: PyTorch-style tensors whose recorded operations are emitted as
a Python function and differentiated by astgrad's source transformer.

    x = astgrad.tensor(2.0, requires_grad=True)
    y = astgrad.tensor(3.0, requires_grad=True)
    astgrad.autograd.grad(x * y, (x, y))        # (tensor(3.), tensor(2.))

See docs/tape.md.
"""

from . import autograd
from .mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .size import Size
from .tensor import Tensor, tensor

__all__ = ["Tensor", "tensor", "Size", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
           "autograd"]
