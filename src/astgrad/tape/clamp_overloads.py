"""``clamp``'s bounds as PyTorch's argument parser reads them: two overloads, both bounds
Tensors (``clamp.Tensor``, ``ClampBackward0``) or both Numbers (``clamp``,
``ClampBackward1``; a 0-d tensor that does not require grad passes as a Number), None
fitting either. A Tensor with a Number (``x.clamp(k, 0.9)``) fits neither: PyTorch's
TypeError listing the overloads, for ``clamp``, ``clip``, ``clamp_``, ``clip_`` and the
module-level ``clamp``/``clip`` (whose message counts ``input`` and ``out``), where
NumPy's clip would compute."""

import functools
import numbers

import numpy

from .mode import grad_mode
from .record import TensorBase

__all__ = ["parsed_bounds", "check_function_bounds"]

_METHOD_FORMS = ("(Tensor min = None, Tensor max = None)", "(Number min = None, Number max = None)")
_FUNCTION_FORMS = ("(Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)",
                   "(Tensor input, Number min = None, Number max = None, *, Tensor out = None)")


def _is_tensor(value):
    return isinstance(value, (TensorBase, numpy.ndarray))


def _is_number(value):
    """A Number to PyTorch's parser: a number (not a tensor), or a 0-d tensor without grad."""
    if isinstance(value, TensorBase):
        return value._data.ndim == 0 and not value._rg
    return isinstance(value, (numbers.Number, numpy.generic))


def _type_name(value):
    """The type's name as PyTorch's messages print it (``float``, ``numpy.float64``, ``Tensor``)."""
    kind = type(value)
    if isinstance(value, TensorBase):
        return "Tensor"
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


def _described(args, kwargs, marked=False):
    """PyTorch's list of the arguments given (its keywords in reverse order, and a
    trailing comma where none is positional); ``marked``: the types set off with ``!``."""
    items = [f"!{_type_name(v)}!" if marked else _type_name(v) for v in args]
    items += [f"{k}={_type_name(v)}" for k, v in reversed(list(kwargs.items()))]
    text = ", ".join(items)
    return f"({text})" if args or not items else f"({text}, )"


def _error(name, args, kwargs, function):
    text = f"{name}() received an invalid combination of arguments - got {_described(args, kwargs)}, but expected one of:\n"
    for form in (_FUNCTION_FORMS if function else _METHOD_FORMS):
        text += f" * {form}\n"
        if function:
            continue        # PyTorch's message says why only where the count of arguments fits
        if kwargs:
            text += "      didn't match because some of the keywords were incorrect: " + ", ".join(reversed(list(kwargs))) + "\n"
        else:
            text += f"      didn't match because some of the arguments have invalid types: {_described(args, {}, marked=True)}\n"
    return TypeError(text)


def _bounds(args, kwargs):
    """(min, max) given by ``args`` and ``kwargs``, or None if they are not two bounds
    each a tensor, a number or None."""
    if len(args) > 2 or set(kwargs) - {"min", "max"} or any(k in kwargs for k in ("min", "max")[:len(args)]):
        return None
    given = dict(zip(("min", "max"), args), **kwargs)
    bounds = given.get("min"), given.get("max")
    if not all(b is None or _is_tensor(b) or _is_number(b) for b in bounds):
        return None             # a string, a list: the method's own error names the argument
    return bounds


def _fitted(bounds):
    """The bounds as the overload that takes them does, or None where none does."""
    if all(b is None or _is_tensor(b) for b in bounds):
        return bounds
    if all(b is None or _is_number(b) for b in bounds):
        return tuple(b.item() if isinstance(b, TensorBase) else b for b in bounds)
    return None


def parsed_bounds(name):
    """A clamp method (``self, min=None, max=None``) called with bounds PyTorch's parser
    takes: a Number bound that is a 0-d tensor as a number, else PyTorch's TypeError."""
    def wrap(method):
        @functools.wraps(method)
        def checked(self, *args, **kwargs):
            bounds = None if grad_mode.numpy_methods else _bounds(args, kwargs)
            if bounds is None:          # generated code, or arguments the method refuses itself
                return method(self, *args, **kwargs)
            fitted = _fitted(bounds)
            if fitted is None:
                raise _error(name, args, kwargs, function=False)
            return method(self, *fitted)
        return checked
    return wrap


def check_function_bounds(name, input, args, kwargs):
    """PyTorch's TypeError for ``clamp(input, *args, **kwargs)`` (``out=`` among them)
    with bounds no overload takes."""
    bounds = _bounds(args, {k: v for k, v in kwargs.items() if k != "out"})
    if bounds is not None and _fitted(bounds) is None:
        raise _error(name, (input, *args), kwargs, function=True)
