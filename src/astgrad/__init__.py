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
from .exporting import export
from .memory import clear_cache
from .rules.registry import adjoint, d, non_differentiable, tangent
from .runtime import stop_gradient
from .tape import Size, Tensor, tensor, no_grad
from .tape import autograd
from .tracebacks import install_excepthook
from .tape import *  # noqa: F401,F403  the PyTorch-style names: sum, matmul, zeros, float32, ...
from .tape import __all__ as _tape_names

# ``import astgrad.autograd.functional`` as with torch (the modules live in astgrad.tape)
_sys.modules.setdefault(__name__ + ".autograd", autograd)
_sys.modules.setdefault(__name__ + ".autograd.functional", autograd.functional)

install_excepthook()     # generated lines in tracebacks on Python 3.10 to 3.12, as on 3.13

_FALLBACK_VERSION = "0.1.0"     # used when astgrad runs from a checkout that is not installed

from .disk_cache import configure_cache  # noqa: E402
from .rules.optional import trust_rules as _trust_rules  # noqa: E402

_trust_rules()      # the rules registered so far are astgrad's own

__all__ = ["differentiable", "grad", "value_and_grad", "vjp", "jvp", "jacobian", "hessian", "hvp",
           "TransformError", "adjoint",
           "tangent", "d", "non_differentiable", "stop_gradient", "rules", "export",
           "configure_cache", "clear_cache",
           "Tensor", "tensor", "Size", "no_grad", "autograd", "__version__"] + [
               # astgrad.sum, astgrad.float, ... are attributes, but `from astgrad import *`
               # must not shadow Python's sum, float, max, ...
               n for n in _tape_names if n not in ("Tensor", "tensor", "Size", "no_grad", "autograd")
               and not hasattr(_builtins, n)]


def __getattr__(name: str) -> str:
    """``astgrad.__version__``: the installed distribution's version, read on first use
    (importlib.metadata is not imported with astgrad, to keep ``import astgrad`` fast)."""
    if name != "__version__":
        raise AttributeError(f"module 'astgrad' has no attribute {name!r}")
    from importlib import metadata
    try:
        version = metadata.version("astgrad")
    except metadata.PackageNotFoundError:
        version = _FALLBACK_VERSION
    globals()["__version__"] = version
    return version
