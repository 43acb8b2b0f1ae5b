"""The tape front end: PyTorch-style tensors whose recorded operations are emitted as
a Python function and differentiated by astgrad's source transformer.

    x = astgrad.tensor(2.0, requires_grad=True)
    y = astgrad.tensor(3.0, requires_grad=True)
    astgrad.autograd.grad(x * y, (x, y))        # (tensor(3.), tensor(2.))

See docs/tape.md.
"""

from ..rules.optional import own_rules as _own_rules

with _own_rules():      # the tape's rules are astgrad's own (the disk cache stays on)
    from . import autograd, return_types, special, torch_creation, torch_functions
from .dtypes import (bool_, dtype, float16, float32, float64, get_default_dtype, int8, int16, int32,
                     int64, set_default_dtype, uint8)
from .mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .size import Size
from .tensor import Tensor
from .torch_creation import *        # noqa: F401,F403  tensor, zeros, ones, arange, ...
from .torch_functions import *       # noqa: F401,F403  sum, matmul, softmax, cat, ...

# PyTorch's dtype names that are also Python builtins, set as attributes only
# (astgrad.bool, astgrad.float, astgrad.double, astgrad.long, ...)
from .dtypes import ALIASES as _ALIASES
globals().update(_ALIASES)

__all__ = (["Tensor", "Size", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "autograd", "special",
            "return_types", "dtype", "float16", "float32", "float64", "int8", "int16", "int32", "int64",
            "uint8", "bool_", "get_default_dtype", "set_default_dtype"]
           + torch_creation.__all__ + torch_functions.__all__ + list(_ALIASES))
