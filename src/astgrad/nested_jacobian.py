"""The Jacobian of what ``jacobian`` or ``hessian`` returns (``jacobian(jacobian(f))``,
``jacobian(hessian(f))``, JAX's ``jacfwd(jacrev(f))``): the code the inner transform's
columns run, differentiated again in forward mode with respect to the outer argument.

A column ``j`` of the inner result is one run of that code with the basis vector ``e_j``
as its tangent; the forward derivative of that code, seeded with ``e_k`` in the outer
argument, gives the column's derivative along ``e_k``. The result has the inner result's
axes followed by the outer argument's (``out.shape + x.shape + x.shape`` for a Jacobian
of a Jacobian). The inner transform is called first, so that its checks of the arguments
and of ``f``'s output refuse what it refuses, in its words."""

import numbers

import numpy

from .bound import WrtTarget, user_code
from .caching import forward_derivative, reverse_derivative
from .core.functions import public_signature, underlying
from .fresh_collections import fresh_collections, fresh_keywords
from .function_values import given_functions, made_for, specialized
from .tracebacks import public
from .zero_safe import run_derivative


def _basis(x):
    """The unit derivatives of ``x``'s elements, each of ``x``'s shape (a float for a number)."""
    x = numpy.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else numpy.dtype(numpy.float64)
    for position in range(x.size):
        e = numpy.zeros(x.size, dtype=dtype)
        e[position] = 1
        yield e.reshape(x.shape) if x.ndim else float(e[0])


def _refuse_outer_argument(x, label):
    """The outer argument is laid out over its elements, as jacobian's own (which the inner
    transform checked only where it is the same argument)."""
    if isinstance(x, (bool, numpy.bool_)) or isinstance(x, numbers.Number) and not isinstance(x, numbers.Real):
        kind = "a bool" if isinstance(x, (bool, numpy.bool_)) else f"a {type(x).__name__}"
        raise TypeError(f"jacobian: argument {label!r} is {kind} ({x!r}); astgrad differentiates with respect "
                        "to real numbers only: pass a float, or differentiate with respect to another argument")
    try:
        kind = numpy.asarray(x).dtype.kind if not isinstance(x, dict) else "O"
    except ValueError:
        kind = "O"
    if kind not in "iuf":
        raise TypeError(f"jacobian needs argument {label!r} to be a number or a real array (or a list of "
                        f"numbers forming one), not a {type(x).__name__}; pass the arrays as separate arguments")


class JacobianOfDerivative:
    """What ``jacobian(inner, wrt)`` returns for ``inner`` a Jacobian or a Hessian: call it
    with ``f``'s arguments. ``snapshot(f, transform)`` takes the globals ``f`` rebinds, put
    back before each run (api._outer_snapshot, given, as ``is_hessian`` is, to keep this
    module below api)."""
    __astgrad_result__ = "what astgrad.jacobian of a jacobian or a hessian returns"

    def __init__(self, inner, wrt, mode, snapshot, is_hessian):
        if mode not in ("auto", "forward", "reverse"):
            raise ValueError(f"jacobian mode must be 'auto', 'forward' or 'reverse', not {mode!r}")
        self.inner, self.wrt, self.mode = inner, wrt, mode      # (forward mode whatever the mode)
        self.function = inner.function
        self._is_hessian = is_hessian       # else a Jacobian
        self._inner_target = inner._product._target if self._is_hessian else inner._target
        self._target = WrtTarget(self.function, wrt, "jacobian")
        self._snapshot = snapshot
        self._code = None
        self.__name__ = f"jacobian_{inner.__name__}"

    def _derivative_code(self):
        """The code of the inner columns' derivatives, with two tangent parameters: the
        inner column's seed, then the outer argument's."""
        if self._code is None:
            fn, position = underlying(self.function), self._inner_target.position
            if self._is_hessian:             # its hvp's code
                inner_code = forward_derivative(reverse_derivative(fn, (position,), False), (position,))
            else:
                inner_code = forward_derivative(fn, (position,))
            self._code = forward_derivative(inner_code, (self._target.position,))
        return self._code

    def _for_functions(self, args, kwargs):
        """This transform made for the function values among the arguments (function_values.py),
        as the inner transform is; None where there are none."""
        try:
            bound = public_signature(self.function).bind(*args, **kwargs)
        except (TypeError, ValueError):     # the inner transform's call says what is wrong
            return None
        bound.apply_defaults()
        given = given_functions(list(bound.arguments), list(bound.arguments.values()), user_code(self.function))
        made = specialized(self.function, given) if given else None
        if made is None or made is self.function:
            return None
        inner = self.inner
        options = () if self._is_hessian else (inner.mode,)
        return made_for(self, given, lambda: JacobianOfDerivative(type(inner)(made, inner.wrt, *options),
                                                                  self.wrt, self.mode, self._snapshot,
                                                                  self._is_hessian))

    @public
    def __call__(self, *args, **kwargs):
        made = self._for_functions(args, kwargs)
        if made is not None:
            return made(*args, **kwargs)
        before = self._snapshot(self.function, "jacobian")      # the globals f starts from
        inner_result = numpy.asarray(self.inner(*args, **kwargs))     # refuses what the inner transform refuses
        after = before.taken_again() if before is not None else None     # as one call of f leaves them
        bound = public_signature(self.function).bind(*args, **kwargs)
        bound.apply_defaults()
        inner_target, target = self._inner_target, self._target
        x_inner, x = inner_target.value(bound), target.value(bound)
        _refuse_outer_argument(x, target.label)
        code = self._derivative_code()
        keyword_only = code.__code__.co_varnames[code.__code__.co_argcount:][:code.__code__.co_kwonlyargcount]
        inner_name, outer_name = keyword_only[-2:]
        arguments = target.arguments(bound)
        is_hessian = self._is_hessian

        def derivative(e_inner, e_outer):
            if before is not None:
                before.restore()        # each run starts from the globals f starts from
            tangents = {inner_name: inner_target.seed(bound, e_inner), outer_name: target.seed(bound, e_outer)}
            column = run_derivative(code, *fresh_collections(arguments), **fresh_keywords(bound.kwargs),
                                    **tangents)[1][1]
            return numpy.asarray(inner_target.select(bound, column) if is_hessian else column)

        try:
            inner_axes = numpy.shape(x_inner)
            shape = inner_result.shape + numpy.shape(x)
            inner_basis, outer_basis = list(_basis(x_inner)), list(_basis(x))
            if not inner_basis or not outer_basis:
                return numpy.zeros(shape)
            columns = [numpy.stack([derivative(e, d) for d in outer_basis], axis=-1) for e in inner_basis]
            flat = numpy.stack(columns, axis=-2)        # out axes (or x's for a Hessian), column, outer
            flat = flat.reshape(shape[:len(shape) - len(inner_axes) - numpy.ndim(x)] + inner_axes + numpy.shape(x))
        finally:
            if after is not None:
                after.restore()         # as one call of f leaves them
        dtype = inner_result.dtype if inner_result.dtype.kind == "f" else numpy.float64
        return flat.astype(dtype, copy=False)

    def __repr__(self):
        return f"<astgrad jacobian of {self.inner!r} wrt {self.wrt!r}>"
