"""The user-facing function transforms: differentiable, grad, value_and_grad, vjp."""

import functools
import inspect
import numbers

import numpy

from .pipeline import (UnresolvedName, forward_derivative, parameter_names, reverse_derivative,
                       run_derivative, underlying)

__all__ = ["differentiable", "grad", "value_and_grad", "vjp", "jvp", "jacobian", "hessian", "hvp"]

def _underlying(f):
    return underlying(f)


def _compiled(f, wrt, preserve_result):
    return reverse_derivative(f, wrt, preserve_result)


class Differentiable:
    """A function decorated with @astgrad.differentiable: calls behave exactly like the
    original; its adjoint was generated at decoration time."""

    def __init__(self, fn):
        functools.update_wrapper(self, fn)
        self.__astgrad_function__ = lambda: fn
        self.__signature__ = inspect.signature(fn)
        names = parameter_names(fn)
        first = next((i for i, name in enumerate(names) if name not in ("self", "cls")), None)
        try:
            if first is not None:
                _compiled(fn, (first,), True)
        except UnresolvedName:
            pass            # a name defined later in the module: generate on first use

    def __call__(self, *args, **kwargs):
        for value in args + tuple(kwargs.values()):
            record = getattr(type(value), "__astgrad_call__", None)
            if record is not None:      # a tape tensor: one node, backed by the generated adjoint
                return record(self, args, kwargs)
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
    if not inspect.isfunction(fn):
        raise TypeError(f"astgrad can only differentiate Python functions; got {f!r}. "
                        "Wrap it in a def that calls it.")
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
        self.__astgrad_function__ = lambda: self.plain

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
        _refuse_complex(args + tuple(kwargs.values()), "grad")
        try:
            value, grads = run_derivative(self._workhorse, *args, **kwargs)
        except Exception:
            # a non-scalar output can break the gradient code before it can be checked
            _check_scalar(_underlying(self.function)(*args, **kwargs), self._name)
            raise
        _check_scalar(value, self._name)
        if len(self.wrt) == 1:
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
    if not inspect.isfunction(fn):
        raise TypeError(f"astgrad can only differentiate Python functions; got {f!r}. "
                        "Wrap it in a def that calls it.")
    names = parameter_names(fn)
    if len(primals) > len(names):
        raise TypeError(f"vjp: {fn.__qualname__} takes {len(names)} argument(s), got {len(primals)}")
    _refuse_complex(primals, "vjp")
    out = f(*primals)
    positions = tuple(range(len(primals)))
    compiled = _compiled(f, positions, False) if positions else None

    def pullback(cotangent):
        if numpy.shape(cotangent) != numpy.shape(out):
            raise ValueError(f"vjp pullback: the cotangent has shape {numpy.shape(cotangent)} but "
                             f"{fn.__qualname__}'s output has shape {numpy.shape(out)}; they must match")
        _refuse_complex((cotangent,), "vjp pullback (the cotangent)")
        grads = run_derivative(compiled, *primals, cotangent)
        if len(primals) == 1:
            grads = (grads,)
        return tuple(_match_argument(g, x) if _is_float_like(x) else None for g, x in zip(grads, primals))

    return out, pullback


def _is_complex(value):
    if isinstance(value, complex):
        return True
    dtype = getattr(value, "dtype", None)
    if isinstance(dtype, numpy.dtype):
        return dtype.kind == "c"
    if isinstance(value, (list, tuple)):
        return any(_is_complex(item) for item in value)
    if isinstance(value, dict):
        return any(_is_complex(item) for item in value.values())
    return False


def _refuse_complex(values, what):
    """A complex argument is an error: astgrad differentiates real-valued code only (it
    would otherwise treat a complex number as a constant or drop its imaginary part)."""
    for position, value in enumerate(values):
        if type(value) is float or (type(value) is numpy.ndarray and value.dtype.kind == "f"):
            continue                                    # the common cases, quickly
        if _is_complex(value):
            kind = getattr(value, "dtype", type(value).__name__)
            raise TypeError(f"{what}: argument {position} is complex ({kind}); astgrad differentiates "
                            "real-valued functions of real arguments only. Pass the real and imaginary "
                            "parts as two real arguments")


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


# -- forward mode and second derivatives ----------------------------------------------

def _tangent_params(compiled, count):
    """The names of the ``count`` tangent parameters (the last keyword-only ones)."""
    code = compiled.__code__
    keyword_only = code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
    return keyword_only[len(keyword_only) - count:]


def _check_function(f):
    fn = _underlying(f)
    if not inspect.isfunction(fn):
        raise TypeError(f"astgrad can only differentiate Python functions; got {f!r}. "
                        "Wrap it in a def that calls it.")
    return fn


def jvp(f, primals, tangents):
    """Forward mode: ``(f(*primals), J @ tangents)``.

    ``primals`` and ``tangents`` are tuples of equal length; tangents of arguments
    that are not floats (ints, strings, None) are ignored.
    """
    fn = _check_function(f)
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp(f, primals, tangents): primals and tangents must be tuples, e.g. "
                        "jvp(f, (x,), (v,))")
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: got {len(primals)} primal(s) but {len(tangents)} tangent(s); "
                         "give one tangent per primal")
    _refuse_complex(primals, "jvp (primals)")
    _refuse_complex(tangents, "jvp (tangents)")
    positions = tuple(i for i, x in enumerate(primals) if _is_float_like(x))
    for i in positions:
        if numpy.shape(tangents[i]) != numpy.shape(primals[i]):
            raise ValueError(f"jvp: tangent {i} has shape {numpy.shape(tangents[i])} but primal {i} "
                             f"has shape {numpy.shape(primals[i])}; they must match")
    if not positions:
        out = f(*primals)
        return out, _zeros_like(out)
    compiled = forward_derivative(fn, positions)
    names = _tangent_params(compiled, len(positions))
    out, tangent = run_derivative(compiled, *primals, **{name: tangents[i] for name, i in zip(names, positions)})
    return out, _match_argument(tangent, out) if _is_float_like(out) else tangent


def _zeros_like(value):
    from .runtime import zeros_like
    return zeros_like(value)


def _flat_basis(x):
    x = numpy.asarray(x)
    dtype = x.dtype if numpy.issubdtype(x.dtype, numpy.inexact) else numpy.float64
    for position in range(x.size):
        e = numpy.zeros(x.size, dtype=dtype)
        e[position] = 1
        yield e.reshape(x.shape) if x.ndim else e[0]


def jacobian(f, wrt=0, mode="auto"):
    """A function computing the Jacobian of ``f`` w.r.t. argument ``wrt``, of shape
    ``out.shape + x.shape``. ``mode``: "forward" (one jvp per input element),
    "reverse" (one vjp per output element) or "auto" (whichever needs fewer passes)."""
    if mode not in ("auto", "forward", "reverse"):
        raise ValueError(f"jacobian mode must be 'auto', 'forward' or 'reverse', not {mode!r}")
    positions, single = _normalize_wrt(f, wrt)
    if not single:
        raise ValueError("jacobian takes one argument index (wrt=int or name); call it once per argument")
    (position,) = positions
    fn = _underlying(f)

    def jacobian_function(*args):
        _refuse_complex(args, "jacobian")
        args = _bind(f, args, {})
        x = args[position]
        out = fn(*args)
        use_forward = mode == "forward" or (mode == "auto" and numpy.size(x) <= numpy.size(out))
        if use_forward:
            compiled = forward_derivative(fn, (position,))
            (name,) = _tangent_params(compiled, 1)
            columns = [numpy.asarray(run_derivative(compiled, *args, **{name: e})[1]) for e in _flat_basis(x)]
            flat = numpy.stack(columns, axis=-1) if columns else numpy.zeros(numpy.shape(out) + (0,))
            return flat.reshape(numpy.shape(out) + numpy.shape(x))
        compiled = reverse_derivative(fn, (position,), False)
        rows = [numpy.asarray(run_derivative(compiled, *args, seed)) for seed in _flat_basis(out)]
        flat = numpy.stack(rows) if rows else numpy.zeros((0,) + numpy.shape(x))
        return flat.reshape(numpy.shape(out) + numpy.shape(x))

    jacobian_function.__name__ = f"jacobian_{getattr(fn, '__name__', 'f')}"
    return jacobian_function


def hvp(f, wrt=0):
    """A function ``(*args, v)`` giving the Hessian of scalar ``f`` w.r.t. argument
    ``wrt`` times ``v``, by forward mode over the generated gradient (no Hessian is formed)."""
    positions, single = _normalize_wrt(f, wrt)
    if not single:
        raise ValueError("hvp takes one argument index (wrt=int or name); call it once per argument")
    (position,) = positions
    fn = _underlying(f)

    def hessian_vector_product(*args_and_v):
        *args, v = args_and_v
        _refuse_complex(args_and_v, "hvp")
        args = _bind(f, args, {})
        if numpy.shape(v) != numpy.shape(args[position]):
            raise ValueError(f"hvp: v has shape {numpy.shape(v)} but argument {position} has shape "
                             f"{numpy.shape(args[position])}; they must match")
        gradient = reverse_derivative(fn, (position,), False)
        compiled = forward_derivative(gradient, (position,))
        (name,) = _tangent_params(compiled, 1)
        return _match_argument(run_derivative(compiled, *args, **{name: v})[1], args[position])

    hessian_vector_product.__name__ = f"hvp_{getattr(fn, '__name__', 'f')}"
    return hessian_vector_product


def hessian(f, wrt=0):
    """A function computing the Hessian of scalar ``f`` w.r.t. argument ``wrt``, of
    shape ``x.shape + x.shape``: forward mode over the generated gradient."""
    product = hvp(f, wrt)
    (position,), _ = _normalize_wrt(f, wrt)

    def hessian_function(*args):
        _refuse_complex(args, "hessian")
        x = _bind(f, args, {})[position]
        _check_scalar(_underlying(f)(*_bind(f, args, {})), getattr(_underlying(f), "__qualname__", "f"))
        columns = [numpy.asarray(product(*args, e)) for e in _flat_basis(x)]
        flat = numpy.stack(columns, axis=-1)
        return flat.reshape(numpy.shape(x) + numpy.shape(x))

    hessian_function.__name__ = f"hessian_{getattr(_underlying(f), '__name__', 'f')}"
    return hessian_function
