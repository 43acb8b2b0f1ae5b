"""Closure variables of an exported function, written into the exported module.

A function defined inside another reads its closure cells; the exported module has no
cells, so each value is frozen at export: a number, a string, a tuple, list or dict of
them, or a NumPy array of at most ``ARRAY_LIMIT`` finite numbers is written as a literal (a
float NaN or infinity as ``float("nan")``, ``float("inf")``); a module-level function or class
of a module, or a function of a library module held under its name there (``np.sin``,
``math.sin``), is imported from it, and so is an object a module-level name of its class's
module holds (``SCALE = Scale(3.0)``), read as that name holds it when the module runs.
Anything else is refused. A cell rebound later (``nonlocal``, or the outer function
assigning again) is not seen: the module holds the value the cell held at export.
"""

import inspect
import math
import sys
import textwrap
import types

import numpy as np

from .export_helpers import is_helper_name
from .export_source import exact_text

ARRAY_LIMIT = 1000          # elements: a larger array would make an unreadable module
_PLAIN = (bool, int, float, complex, str, bytes, type(None))


def frozen_text(value, numpy_name):
    """``value`` as Python text reading back as an equal value of its type (arrays and
    NumPy scalars through ``numpy_name``), or None where it cannot be written."""
    if type(value) is float and not math.isfinite(value):
        return _non_finite_text(value)
    if type(value) in _PLAIN:
        return exact_text(value)
    if type(value) in (tuple, list):
        items = [frozen_text(item, numpy_name) for item in value]
        if any(item is None for item in items):
            return None
        if type(value) is list:
            return "[" + ", ".join(items) + "]"
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if type(value) is dict:
        pairs = [(frozen_text(key, numpy_name), frozen_text(item, numpy_name)) for key, item in value.items()]
        if any(key is None or item is None for key, item in pairs):
            return None
        return "{" + ", ".join(f"{key}: {item}" for key, item in pairs) + "}"
    if type(value) is np.ndarray or isinstance(value, np.generic):
        return _array_text(value, numpy_name)
    return None


def _non_finite_text(value):
    """``float("nan")``, ``float("inf")`` or ``-float("inf")``: Python has no literal for them."""
    return 'float("nan")' if math.isnan(value) else 'float("inf")' if value > 0 else '-float("inf")'


def _items_text(items):
    """The nested list of numbers ``items`` (an array's ``tolist()``) as text, its NaNs and
    infinities written so; None where an item does not read back."""
    if type(items) is list:
        texts = [_items_text(item) for item in items]
        return None if any(text is None for text in texts) else "[" + ", ".join(texts) + "]"
    if type(items) is float and not math.isfinite(items):
        return _non_finite_text(items)
    return exact_text(items)


def _array_text(value, numpy_name):
    array = np.asarray(value)
    # a NumPy scalar may be a NaN or an infinity (float("nan")); an array holds finite numbers
    if array.dtype.kind not in "biufc" or array.size > ARRAY_LIMIT \
            or not (isinstance(value, np.generic) and array.dtype.kind == "f" or np.all(np.isfinite(array))):
        return None
    items = _items_text(array.tolist())
    if items is None:
        return None
    if isinstance(value, np.generic):
        return f"{numpy_name}.{array.dtype.name}({items})"
    return f"{numpy_name}.array({items}, dtype={numpy_name}.{array.dtype.name})"


def is_module_level(value):
    """Whether ``value`` is a function or class defined at the top level of its module,
    which still holds it under its name (the exported module imports it from there)."""
    if not (inspect.isfunction(value) or inspect.isclass(value)):
        return False
    qualname = getattr(value, "__qualname__", "")
    module = sys.modules.get(getattr(value, "__module__", None) or "")
    # the module's name must still mean it (not a wrapper a decorator bound in its place)
    return "." not in qualname and "<" not in qualname and getattr(module, qualname, None) is value


def module_name_holding(value):
    """(module, name) where a module-level name of the module of ``value``'s class holds
    ``value`` itself, or None (a module run as a script, ``__main__``, is not imported)."""
    module_name = getattr(type(value), "__module__", None) or ""
    module = sys.modules.get(module_name)
    if module is None or module_name in ("__main__", "builtins") or module_name.partition(".")[0] == "astgrad":
        return None
    return next(((module_name, name) for name, held in sorted(vars(module).items(), key=lambda item: item[0])
                 if held is value and name.isidentifier()), None)


def _imported_object(module, free, value, taken):
    """The name the exported ``module`` imports the object ``value`` (a closure variable's)
    as, from the module-level name holding it; None where none does."""
    held = module_name_holding(value)
    if held is None:
        return None
    same = module.names.get(free, value) is value and not is_helper_name(free)
    name = free if same else module.free_name(free, taken)
    module.names[name] = value
    module.imports[f"from {held[0]} import {held[1]}" + (f" as {name}" if name != held[1] else "")] = None
    return name


def is_library_function(value):
    """Whether ``value`` is a NumPy ufunc or a built-in function (``np.sin``, ``math.sin``)
    that the module it names holds under its name: the exported module imports it."""
    if not isinstance(value, (np.ufunc, types.BuiltinFunctionType)) or getattr(value, "__self__", None) is not None \
            and not isinstance(value.__self__, types.ModuleType):
        return False
    # (a ufunc of an older NumPy names no module: NumPy holds it)
    module = sys.modules.get(getattr(value, "__module__", None) or ("numpy" if isinstance(value, np.ufunc) else ""))
    return module is not None and getattr(module, getattr(value, "__name__", ""), None) is value


def frozen_note(frozen):
    """The docstring's sentence on the closure values ``frozen`` (name -> value) the
    exported code holds."""
    shown = ", ".join(f"{name} ({_shown(value)})" for name, value in frozen.items())
    return textwrap.fill(f"Closure variables frozen at export: {shown}. The module holds the values the cells held "
            "when it was exported; a later rebinding of them (nonlocal), or a change in place, is not seen.", 88)


def _shown(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}, {value.dtype}"
    text = repr(value)
    return text if len(text) <= 40 else f"a {type(value).__name__}"


def freeze_cell(module, free, value, caller, frozen, taken):
    """The module-level name ``module`` (an exported module being written) defines for
    the closure variable ``free`` holding ``value``, read by ``caller`` (whose code has
    the names ``taken``): a literal (recorded in ``frozen`` for the docstring) or an
    import; None where neither can be."""
    if is_module_level(value) or is_library_function(value):
        same = module.names.get(free, value) is value and not is_helper_name(free)
        name = free if same else module.free_name(free, taken)
        module.bind(name, value, caller)
        return name
    numpy_name = "numpy" if module.names.get("numpy", np) is np else "numpy_module"
    text = frozen_text(value, numpy_name)
    if text is None:
        return _imported_object(module, free, value, taken)
    if isinstance(value, (np.ndarray, np.generic)) or "numpy." in text:
        module.imports["import numpy" + (" as numpy_module" if numpy_name != "numpy" else "")] = None
    frozen[free] = value
    if module.names.get(free) == text:      # the same value, frozen for another function
        return free
    name = module.free_name(free, taken) if free in module.names or is_helper_name(free) else free
    module.constant(name, text)
    return name
