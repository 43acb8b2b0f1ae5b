"""astgrad: source-transformation automatic differentiation for Python and NumPy.

``@astgrad.differentiable`` parses a function, generates its derivative as Python
source ahead of time and compiles it; ``grad``, ``value_and_grad`` and ``vjp`` return
generated functions whose ``.source`` you can read and differentiate again.
"""

import builtins as _builtins
import importlib as _importlib
import sys as _sys
import typing as _typing

from .core.collector import paused as _paused

# the modules' objects live as long as the process: made with the collector paused, they
# join its oldest generation instead of being walked by a score of young collections
with _paused(keeps=True):
    from . import rules  # registers the derivative rules; astgrad.rules(pattern) lists them
    from .api import differentiable, grad, hessian, hvp, jacobian, jvp, value_and_grad, vjp
    from .errors import TransformError
    from .memory import clear_cache
    from .rules.registry import adjoint, d, non_differentiable, tangent
    from .runtime import stop_gradient
    from .tracebacks import install_excepthook

install_excepthook()     # generated lines in tracebacks on Python 3.10 to 3.12, as on 3.13

_FALLBACK_VERSION = "0.1.0"     # used when astgrad runs from a checkout that is not installed

from . import absent as _absent  # noqa: E402
from .disk_cache import configure_cache  # noqa: E402
from .rules.optional import trust_rules as _trust_rules  # noqa: E402

_trust_rules()      # the rules registered so far are astgrad's own

if _typing.TYPE_CHECKING:       # what type checkers see; at run time these load on first use
    from .exporting import export
    from .tape import *  # noqa: F401,F403
    from .tape import Size, Tensor, autograd, no_grad
    from .tape.torch_creation import tensor

_NAMES = ["differentiable", "grad", "value_and_grad", "vjp", "jvp", "jacobian", "hessian", "hvp",
          "TransformError", "adjoint",
          "tangent", "d", "non_differentiable", "stop_gradient", "rules", "export",
          "configure_cache", "clear_cache",
          "Tensor", "tensor", "Size", "no_grad", "autograd", "__version__"]

# Loaded on first use, to keep ``import astgrad`` fast: the tape front end (astgrad.Tensor,
# astgrad.tensor, astgrad.sum, astgrad.float32, ... and astgrad.autograd) and export.
_LAZY = {"export": ("exporting", "export")}


def _tape():
    return _importlib.import_module(__name__ + ".tape")


def _all_names():
    """``__all__``: astgrad.sum, astgrad.float, ... are attributes, but ``from astgrad
    import *`` must not shadow Python's sum, float, max, ..."""
    tape_names = _tape().__all__
    return _NAMES + [n for n in tape_names if n not in ("Tensor", "tensor", "Size", "no_grad", "autograd")
                     and not hasattr(_builtins, n)]


def __getattr__(name: str) -> _typing.Any:
    """What ``import astgrad`` leaves to first use: ``__version__`` (read from the
    installed distribution; importlib.metadata is not imported with astgrad), export,
    the tape front end's names, and ``__all__``, which lists them."""
    if name == "__version__":
        value = _version()
    elif name == "__all__":
        value = _all_names()
    elif name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(_importlib.import_module(f"{__name__}.{module}"), attribute)
    elif name in _absent.NAMES:        # PyTorch's, not provided: say what to use instead
        raise _absent.absent_attribute(name)
    elif not name.startswith("__") and not _own_submodule(name) and name in _tape().__all__:
        value = getattr(_tape(), name)
    else:
        raise _absent.absent_attribute(name)
    globals()[name] = value
    return value


def _own_submodule(name):
    """Whether ``name`` is one of astgrad's modules, not imported yet (``from astgrad
    import pipeline`` asks for the attribute first): the import system loads it, without
    the tape front end being loaded to look for the name there."""
    from importlib.machinery import PathFinder
    return PathFinder.find_spec(f"{__name__}.{name}", __path__) is not None


def __dir__() -> list:
    return sorted(set(globals()) | set(_all_names()) | set(_tape().__all__))


def _version():
    from importlib import metadata
    try:
        return metadata.version("astgrad")
    except metadata.PackageNotFoundError:
        return _FALLBACK_VERSION


class _TapeAliases:
    """``import astgrad.autograd.functional`` as with torch: the modules live in
    astgrad.tape and load when first imported under these names."""

    ALIASES = {__name__ + ".autograd": __name__ + ".tape.autograd",
               __name__ + ".autograd.functional": __name__ + ".tape.functional",
               __name__ + ".special": __name__ + ".tape.special"}

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name not in cls.ALIASES:
            return None
        from importlib.machinery import ModuleSpec
        return ModuleSpec(name, cls)

    SPECS: dict = {}    # module name -> its own spec, which importing it under an alias replaces

    @classmethod
    def create_module(cls, spec):
        for alias, name in cls.ALIASES.items():     # both: a submodule of a module is looked up here
            module = _importlib.import_module(name)
            cls.SPECS.setdefault(name, module.__spec__)
            _sys.modules.setdefault(alias, module)
        return _sys.modules[spec.name]      # the module itself, not a copy

    @classmethod
    def exec_module(cls, module):
        module.__spec__ = cls.SPECS[module.__name__]


_sys.meta_path.append(_TapeAliases)
