"""Refuse complex numbers in differentiated code, at generation time.

astgrad's rules are written for real numbers, and one convention for complex
derivatives (JAX's and autograd's) would have to hold in every one of them before a
complex value could pass through. Until then a function whose code makes complex
values from real ones is refused with an error naming the line, instead of giving a
derivative that silently drops an imaginary part.
"""

import builtins

import gast
import numpy

from ..core import syntax as S
from ..core.missing import MISSING

# Functions that give complex results for real arguments.
_COMPLEX_FUNCTIONS = {numpy.vectorize, numpy.roots, numpy.linalg.eig, numpy.linalg.eigvals}
_COMPLEX_MODULES = ("numpy.fft", "scipy.fft", "scipy.fftpack", "cmath", "numpy.lib.scimath",
                    "numpy.lib._scimath_impl", "numpy.emath")


def _describe(obj):
    module = getattr(obj, "__module__", None) or ""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or repr(obj)
    return f"{module}.{name}" if module and module != "builtins" else name


def makes_complex(obj):
    """Why calling or using ``obj`` yields complex values (a short phrase), or None."""
    if obj is builtins.complex:
        return "complex(...)"
    if isinstance(obj, type) and issubclass(obj, numpy.complexfloating):
        return f"the complex type {_describe(obj)}"
    if isinstance(obj, numpy.dtype) and obj.kind == "c":
        return f"the complex dtype {obj}"
    try:
        if obj in _COMPLEX_FUNCTIONS:
            return f"{_describe(obj)}, whose results can be complex"
    except TypeError:       # unhashable
        pass
    module = getattr(obj, "__module__", None)
    if isinstance(module, str) and not isinstance(obj, type(numpy)) and module.startswith(_COMPLEX_MODULES):
        return f"{_describe(obj)}, whose results are complex"
    return None


def _complex_dtype_string(node):
    if isinstance(node, gast.Constant) and isinstance(node.value, str):
        try:
            return numpy.dtype(node.value).kind == "c"
        except TypeError:
            return False
    return False


def refuse_complex(source, tree, local_names):
    """Raise a TransformError at the first place ``tree`` writes a complex number."""
    for node in gast.walk(tree):
        reason = None
        if isinstance(node, gast.Constant) and isinstance(node.value, complex):
            reason = f"the complex literal {node.value!r}"
        elif isinstance(node, (gast.Name, gast.Attribute)) and isinstance(node.ctx, gast.Load):
            path = S.dotted_path(node)
            if path and path[0] not in local_names:
                obj = source.resolve_path(path, depend=False)   # a look, not a dependency: data stays live
                if obj is not MISSING:
                    reason = makes_complex(obj)
        elif isinstance(node, gast.Call):
            reason = _complex_dtype_argument(node)
        if reason:
            raise source.error(
                f"astgrad cannot differentiate complex numbers ({reason}): its derivatives are "
                "defined for real values only. Keep the real and imaginary parts in two real "
                "variables, or compute this part outside the differentiated function",
                node, construct="complex")


def _complex_dtype_argument(call):
    """A complex dtype given as a string: ``dtype="complex128"``, ``x.astype("c16")``."""
    candidates = [kw.value for kw in call.keywords if kw.arg == "dtype"]
    if isinstance(call.func, gast.Attribute) and call.func.attr in ("astype", "dtype") and call.args:
        candidates.append(call.args[0])
    for value in candidates:
        if _complex_dtype_string(value):
            return f"the complex dtype {value.value!r}"
    return None
