"""The user-facing function transforms: differentiable, grad, value_and_grad, vjp."""

import functools
import inspect
import numbers
import weakref

import numpy

from .errors import TransformError
from .pipeline import UnresolvedName, generate_reverse, parameter_names

__all__ = ["differentiable", "grad", "value_and_grad", "vjp"]

_cache = weakref.WeakKeyDictionary()    # function -> {(wrt, preserve_result): compiled}


def _underlying(f):
    """The plain Python function behind a decorated function or a derivative."""
    if isinstance(f, Differentiable):
        return f.__wrapped__
    if isinstance(f, Derivative):
        return f.plain
    return f


def _compiled(f, wrt, preserve_result):
    fn = _underlying(f)
    per_function = _cache.setdefault(fn, {})
    key = (wrt, preserve_result)
    if key not in per_function:
        per_function[key] = generate_reverse(fn, wrt, preserve_result)
    return per_function[key]


class Differentiable:
    """A function decorated with @astgrad.differentiable: calls behave exactly like the
    original; its adjoint was generated at decoration time."""

    def __init__(self, fn):
        functools.update_wrapper(self, fn)
        self.__signature__ = inspect.signature(fn)
        try:
            if parameter_names(fn):
                _compiled(fn, (0,), True)
        except UnresolvedName:
            pass            # a name defined later in the module: generate on first use

    def __call__(self, *args, **kwargs):
        return self.__wrapped__(*args, **kwargs)

    def __get__(self, instance, owner):
        return self if instance is None else functools.partial(self, instance)

    def __repr__(self):
        return f"<astgrad.differentiable {self.__wrapped__.__qualname__}>"


def differentiable(fn):
    """Decorate ``fn`` so its adjoint is generated (and any unsupported construct
    reported as a TransformError) now rather than at the first gradient call."""
    if not inspect.isfunction(fn):
        raise TypeError(f"@astgrad.differentiable decorates a Python function, not {type(fn).__name__}")
    return Differentiable(fn)


def _normalize_wrt(f, wrt):
    fn = _underlying(f)
    if not callable(fn) or not hasattr(fn, "__code__"):
        raise TypeError(f"astgrad can only differentiate Python functions; got {f!r}")
    names = parameter_names(fn)
    single = not isinstance(wrt, (tuple, list))
    items = [wrt] if single else list(wrt)
    if not items:
        raise ValueError("wrt must name at least one argument")
    indices = []
    for item in items:
        if isinstance(item, str):
            if item not in names:
                raise ValueError(f"wrt={item!r}: {fn.__qualname__} has no parameter named {item!r}; "
                                 f"its parameters are {names}")
            indices.append(names.index(item))
        elif isinstance(item, numbers.Integral) and not isinstance(item, bool):
            position = int(item)
            if not -len(names) <= position < len(names):
                raise ValueError(f"wrt={item}: {fn.__qualname__} has {len(names)} parameter(s) "
                                 f"{names}, so wrt must be in range({len(names)})")
            indices.append(position % len(names))
        else:
            raise TypeError(f"wrt must be an int, a parameter name or a tuple of them; got {item!r}")
    if len(set(indices)) != len(indices):
        raise ValueError(f"wrt={wrt!r} names the same argument twice")
    return tuple(indices), single


def _match_argument(g, x):
    """Give a gradient the shape and float dtype of its argument."""
    if isinstance(x, numpy.ndarray):
        dtype = x.dtype if numpy.issubdtype(x.dtype, numpy.inexact) else numpy.float64
        g = numpy.asarray(g, dtype=dtype)
        if g.shape != x.shape:
            g = numpy.broadcast_to(g, x.shape).copy()
        return g
    if isinstance(x, (numbers.Real, numpy.generic)) and numpy.ndim(g) == 0:
        if isinstance(x, numpy.floating):
            return x.dtype.type(g)
        return float(g)
    return g


def _check_scalar(value, fn_name):
    if numpy.ndim(value) != 0 or isinstance(value, (list, tuple, dict)):
        shape = numpy.shape(value) if not isinstance(value, dict) else "a dict"
        raise ValueError(f"grad requires {fn_name} to return a scalar, but it returned a value of "
                         f"shape {shape}; use astgrad.vjp for non-scalar outputs")


class Derivative:
    """A generated derivative: call it like the function it differentiates.

    ``.source`` is the emitted Python text; ``inspect.getsource`` shows it too.
    """

    def __init__(self, f, wrt, single, with_value):
        self.function = f
        self.wrt = wrt
        self.single = single
        self.with_value = with_value
        fn = _underlying(f)
        self._name = fn.__qualname__
        self._workhorse = _compiled(f, wrt, True)
        self.__name__ = self._workhorse.__name__
        self.__qualname__ = self._workhorse.__qualname__
        self.__doc__ = f"Gradient of {self._name} (generated by astgrad; see .source)."

    @property
    def plain(self):
        """The generated function returning only the gradient (the one ``.source`` shows)."""
        return _compiled(self.function, self.wrt, False)

    @property
    def source(self):
        return self.plain.source

    @property
    def __wrapped__(self):
        return self.plain

    def __call__(self, *args, **kwargs):
        value, grads = self._workhorse(*args, **kwargs)
        _check_scalar(value, self._name)
        if self.single:
            grads = (grads,)
        bound = _bind(self.function, args, kwargs)
        grads = tuple(_match_argument(g, bound[i]) for g, i in zip(grads, self.wrt))
        grads = grads[0] if self.single else grads
        return (value, grads) if self.with_value else grads

    def __repr__(self):
        kind = "value_and_grad" if self.with_value else "grad"
        return f"<astgrad {kind} of {self._name} wrt {self.wrt if not self.single else self.wrt[0]}>"


def _bind(f, args, kwargs):
    fn = _underlying(f)
    names = parameter_names(fn)
    values = list(args)
    defaults = fn.__defaults__ or ()
    for position in range(len(values), len(names)):
        name = names[position]
        if name in kwargs:
            values.append(kwargs[name])
        else:
            offset = position - (len(names) - len(defaults))
            values.append(defaults[offset] if offset >= 0 else None)
    return values


def grad(f, wrt=0, *, preserve_result=False):
    """The gradient function of a scalar-valued ``f``.

    ``wrt`` picks the argument(s): an int or a parameter name gives one gradient, a
    tuple gives a tuple of gradients in that order. With ``preserve_result=True`` the
    gradient function returns ``(value, gradient)``. Works on plain functions, on
    @differentiable ones (reusing their generated code) and on generated derivatives,
    to any order.
    """
    indices, single = _normalize_wrt(f, wrt)
    return Derivative(f, indices, single, preserve_result)


def value_and_grad(f, wrt=0):
    """Like ``grad`` but the returned function gives ``(value, gradient)``."""
    return grad(f, wrt, preserve_result=True)


def vjp(f, *primals):
    """``(out, pullback)``: ``pullback(cotangent)`` returns one gradient per primal
    (None for arguments that are not floats: ints, strings, None)."""
    fn = _underlying(f)
    names = parameter_names(fn)
    if len(primals) > len(names):
        raise TypeError(f"vjp: {fn.__qualname__} takes {len(names)} argument(s), got {len(primals)}")
    out = f(*primals)
    positions = tuple(range(len(primals)))
    compiled = _compiled(f, positions, False) if positions else None

    def pullback(cotangent):
        if numpy.shape(cotangent) != numpy.shape(out):
            raise ValueError(f"vjp pullback: the cotangent has shape {numpy.shape(cotangent)} but "
                             f"{fn.__qualname__}'s output has shape {numpy.shape(out)}; they must match")
        grads = compiled(*primals, cotangent)
        if len(primals) == 1:
            grads = (grads,)
        return tuple(_match_argument(g, x) if _is_float_like(x) else None for g, x in zip(grads, primals))

    return out, pullback


def _is_float_like(x):
    if isinstance(x, bool) or x is None or isinstance(x, str):
        return False
    if isinstance(x, numpy.ndarray):
        return numpy.issubdtype(x.dtype, numpy.inexact)
    if isinstance(x, numpy.generic):
        return numpy.issubdtype(x.dtype, numpy.inexact)
    if isinstance(x, numbers.Integral):
        return False
    return isinstance(x, (numbers.Real, list, tuple))
