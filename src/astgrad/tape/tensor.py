"""The Tensor type and the recorder.

A Tensor holds a NumPy array. When gradient recording is on and an operation has an
input that requires grad, the operation is recorded as a ``Node``: the primitive
(an ``operator`` function, a NumPy function, an astgrad runtime helper or an
``@astgrad.differentiable`` function), its arguments with the recorded tensors
replaced by ``Ref(k)`` placeholders (``node.parents[k]`` is the tensor), and the
constants as they were. Nothing else happens per operation: no backward closure
is built. ``astgrad.autograd.grad`` later turns the recorded nodes into Python
source and differentiates that source with the same engine as ``astgrad.grad``
(see program.py).

Only primitives with a derivative rule are recorded; a function without one raises
an error naming it instead of silently dropping the derivative.
"""

import collections
import itertools
import numbers
import operator
import threading

import gast
import numpy

from ..rules.registry import ADJOINTS, NON_DIFFERENTIABLE, derivative_target, rule_key
from . import fmt

__all__ = ["Tensor", "tensor", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled"]


# -- gradient mode ------------------------------------------------------------------------

class _GradMode(threading.local):
    enabled = True
    numpy_methods = False       # True while generated code (written for arrays) runs on tensors


_mode = _GradMode()


def is_grad_enabled():
    """True when operations on tensors that require grad are recorded."""
    return _mode.enabled


class _GradModeContext:
    _target = True

    def __enter__(self):
        self._previous = _mode.enabled
        _mode.enabled = self._target
        return self

    def __exit__(self, *exc):
        _mode.enabled = self._previous
        return False

    def __call__(self, func):
        import functools

        target = self._target

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(target):
                return func(*args, **kwargs)
        return wrapper


class no_grad(_GradModeContext):
    """Context manager (or decorator) in which nothing is recorded: results of
    operations do not require grad, as with ``torch.no_grad()``."""

    _target = False


class enable_grad(_GradModeContext):
    """Context manager (or decorator) that turns recording back on."""

    _target = True


class set_grad_enabled(_GradModeContext):
    """``with set_grad_enabled(flag):`` records only when ``flag`` is true."""

    def __init__(self, mode):
        self._target = bool(mode)
        self._previous = _mode.enabled
        _mode.enabled = self._target          # like torch: also works as a plain call

    def __enter__(self):
        return self


class numpy_methods:
    """Inside, tensor methods keep NumPy's meaning (``x.transpose()`` reverses the axes,
    ``x.std()`` divides by n, ``x.max(0)`` is only the values). The tape runs generated
    code, which was written for arrays, on tensors in here."""

    def __enter__(self):
        self._previous = _mode.numpy_methods
        _mode.numpy_methods = True
        return self

    def __exit__(self, *exc):
        _mode.numpy_methods = self._previous
        return False


def _pytorch_signature(name):
    """A tensor method with PyTorch's arguments; under ``numpy_methods()``, ndarray's
    method ``name`` instead."""
    def decorate(method):
        def dispatch(self, *args, **kwargs):
            if _mode.numpy_methods:
                return _as_ndarray_method(self, name, args, kwargs)
            return method(self, *args, **kwargs)
        dispatch.__name__, dispatch.__qualname__, dispatch.__doc__ = \
            method.__name__, method.__qualname__, method.__doc__
        return dispatch
    return decorate


def _as_ndarray_method(x, name, args, kwargs):
    """``x.name(*args, **kwargs)`` as ndarray computes it, recorded."""
    if name == "transpose":
        axes = args[0] if len(args) == 1 and (args[0] is None or isinstance(args[0], (tuple, list))) else args
        return apply(numpy.transpose, (x, tuple(axes)) if axes else (x,))
    function = numpy.ravel if name == "flatten" else getattr(numpy, name)
    return apply(function, (x,) + args, kwargs)


# -- recorded nodes -------------------------------------------------------------------------

class Ref:
    """Placeholder for ``node.parents[k]`` in a recorded argument list."""

    __slots__ = ("k",)

    def __init__(self, k):
        self.k = k

    def __repr__(self):
        return f"Ref({self.k})"


_REFS = [Ref(k) for k in range(16)]
_next_seq = itertools.count().__next__


def _ref(k):
    return _REFS[k] if k < 16 else Ref(k)


class Node:
    """One recorded operation; ``tensor.grad_fn`` of the tensor it produced.

    ``op`` is the primitive, ``args``/``kwargs`` its arguments (``Ref(k)`` for
    ``parents[k]``), ``versions`` the parents' in-place versions when recorded.
    """

    __slots__ = ("op", "args", "kwargs", "parents", "versions", "sig", "consts", "seq", "__weakref__")

    def __init__(self, op, args, kwargs, parents, versions):
        self.seq = _next_seq()      # recording order: a node's parents always come earlier
        self.op = op
        self.args = args
        self.kwargs = kwargs
        self.parents = parents
        self.versions = versions
        self.sig = None             # the structural key, computed on first use (program.py)
        self.consts = None

    def name(self):
        """PyTorch-style name: ``MulBackward0``, ``SinBackward0``, ..."""
        return _node_name(self.op)

    @property
    def next_functions(self):
        return tuple((p._node, 0) for p in self.parents)

    @property
    def source(self):
        """The recorded program that computes this node's tensor from its leaves, as
        the Python source astgrad differentiates (leaves requiring grad are x0, x1, ...)."""
        from .program import forward_source
        return forward_source(self)

    def __repr__(self):
        return f"<{self.name()} object at {id(self):#x}>"


_OPERATOR_NAMES = {
    operator.add: "Add", operator.sub: "Sub", operator.mul: "Mul", operator.truediv: "Div",
    operator.pow: "Pow", operator.matmul: "Matmul", operator.neg: "Neg", operator.pos: "Pos",
    operator.mod: "Remainder", operator.getitem: "Index",
}


def _node_name(op):
    name = _OPERATOR_NAMES.get(op)
    if name is None:
        raw = getattr(op, "__name__", None) or type(op).__name__
        name = "".join(part[:1].upper() + part[1:] for part in raw.strip("_").split("_")) or "Call"
    return name + "Backward0"


# -- what may be recorded ----------------------------------------------------------------------

_ALL = None                 # every argument position is differentiable
_op_info_cache = {}


def _differentiable_class():
    from ..api import Differentiable
    return Differentiable


def op_info(op):
    """('diff', positions) for a primitive with an adjoint rule (positions: which
    arguments the rule differentiates, or None for all), ('nondiff', None) for a
    function whose result carries no derivative, ('unknown', None) otherwise."""
    key = rule_key(op)
    try:
        return _op_info_cache[key]
    except KeyError:
        pass
    template = ADJOINTS.get(key)
    if template is not None:
        info = ("diff", _positions(template))
    elif isinstance(op, _differentiable_class()):
        info = ("diff", _ALL)
    elif key in NON_DIFFERENTIABLE:
        info = ("nondiff", None)
    else:
        info = ("unknown", None)
    try:
        _op_info_cache[key] = info
    except TypeError:
        pass
    return info


def _positions(template):
    """Which arguments of the primitive the adjoint template assigns ``d[...]`` to:
    (flags for fixed positions, whether *args are, names for keywords)."""
    targets = set()
    for stmt in template.body:
        for sub in gast.walk(stmt):
            target = derivative_target(sub)
            if target is not None:
                targets.add(target)
    params = list(template.signature.parameters.values())
    names = {p.name for p in params}
    if not targets <= names:
        return _ALL
    fixed, var = [], False
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            fixed.append(p.name in targets)
        elif p.kind is p.VAR_POSITIONAL:
            var = p.name in targets
    if all(fixed) and (var or not any(p.kind is p.VAR_POSITIONAL for p in params)) and targets == names:
        return _ALL
    return (tuple(fixed), var, frozenset(targets))


def _position_tracked(positions, i):
    if positions is _ALL:
        return True
    fixed, var, _ = positions
    return fixed[i] if i < len(fixed) else var


def _keyword_tracked(positions, name):
    return positions is _ALL or name in positions[2]


def _describe(op):
    if isinstance(op, numpy.ufunc):
        return f"numpy.{op.__name__}"
    module = getattr(op, "__module__", None) or ""
    name = getattr(op, "__qualname__", None) or getattr(op, "__name__", None) or repr(op)
    if module.startswith("numpy"):
        module = "numpy.linalg" if module.startswith("numpy.linalg") else "numpy"
    return f"{module}.{name}" if module and module != "builtins" else name


class NoRuleError(TypeError):
    """A function without a derivative rule was called on a tensor that requires grad."""


def _no_rule(op):
    name = _describe(op)
    return NoRuleError(
        f"{name} has no derivative rule in astgrad, so it cannot be recorded on a tensor that "
        f"requires grad (its derivative would be silently lost). Call it under "
        f"astgrad.no_grad() or on tensor.detach() if no derivative should flow, or register "
        f"a rule with @astgrad.adjoint({name})")


# -- the Tensor type ----------------------------------------------------------------------------

_NDARRAY = numpy.ndarray
_asarray = numpy.asarray
_inexact = numpy.inexact


def _complex_error(array):
    return TypeError(f"astgrad tensors hold real numbers only; this operation gives {array.dtype} data. "
                     "Keep the real and imaginary parts in two real tensors")


def _is_float(dtype):
    return dtype.kind in "fc"


class Tensor:
    """A NumPy array that records the differentiable operations applied to it.

    ``.data`` is the array (read and assign it; assigning bumps the version so a
    recorded graph that used the old value refuses to differentiate), ``.grad`` the
    gradient accumulated by ``backward()``, ``.grad_fn`` the recorded node that
    produced it (None for leaves).
    """

    __slots__ = ("_data", "_node", "_rg", "grad", "_version", "__weakref__")
    __array_priority__ = 1000

    def __init__(self, data, requires_grad=False, dtype=None):
        array = numpy.array(data._data if isinstance(data, Tensor) else data, dtype=dtype)
        if array.dtype.kind == "c":
            raise _complex_error(array)
        self._data = array
        self._node = None
        self._rg = False
        self.grad = None
        self._version = 0
        if requires_grad:
            self.requires_grad = True

    @staticmethod
    def _make(data, node, requires_grad):
        t = _new(Tensor)
        t._data = data if type(data) is _NDARRAY else _asarray(data)
        if t._data.dtype.kind == "c":
            raise _complex_error(t._data)
        t._node = node
        t._rg = requires_grad
        t.grad = None
        t._version = 0
        return t

    # -- attributes -----------------------------------------------------------------
    @property
    def data(self):
        return self._data

    @data.setter
    def data(self, value):
        self._data = _asarray(value._data if isinstance(value, Tensor) else value)
        self._version += 1

    @property
    def requires_grad(self):
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag):
        flag = bool(flag)
        if self._node is not None and not flag:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you "
                               "want to use a computed variable in a subgraph that doesn't require "
                               "differentiation use var_no_grad = var.detach().")
        if flag and not _is_float(self._data.dtype):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               f"gradients (this one is {self._data.dtype})")
        self._rg = flag or self._node is not None

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def grad_fn(self):
        return self._node

    @property
    def is_leaf(self):
        return self._node is None

    @property
    def shape(self):
        return self._data.shape

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    def numel(self):
        return self._data.size

    def size(self, dim=None):
        """The shape (PyTorch's ``size()``), or its length along ``dim``."""
        return self._data.shape if dim is None else self._data.shape[dim]

    @property
    def T(self):
        return apply(numpy.transpose, (self,))

    def item(self):
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self):
        """The values as an ndarray (shared, not copied; carries no derivative)."""
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self._rg and _mode.enabled:
            raise RuntimeError(
                "numpy.asarray/numpy.array on a tensor that requires grad would silently drop its "
                "derivative. Use numpy.stack/numpy.concatenate to combine tensors (they are recorded), "
                "or tensor.numpy() / tensor.detach() / astgrad.no_grad() when you only want the values.")
        if copy:
            return numpy.array(self._data, dtype=dtype, copy=True)
        return self._data if dtype is None else self._data.astype(dtype, copy=False)

    def detach(self):
        """The same values, cut from the recorded graph."""
        return Tensor._make(self._data, None, False)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d self / d leaf into ``leaf.grad`` for every leaf that requires
        grad (or only for ``inputs``). ``gradient`` seeds a non-scalar tensor."""
        from .program import backward
        backward((self,), None if gradient is None else (gradient,), retain_graph,
                 create_graph, inputs)

    def zero_(self):
        self._data = numpy.zeros_like(self._data)
        self._version += 1
        return self

    # -- Python protocol ---------------------------------------------------------------
    def __repr__(self):
        return fmt.tensor_repr(self)

    def __str__(self):
        return fmt.tensor_repr(self)

    def __format__(self, spec):
        if self._data.ndim == 0 and spec:
            return format(self._data.item(), spec)
        return format(str(self), spec)

    __hash__ = object.__hash__

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self._data)))

    def __bool__(self):
        return bool(self._data)

    def __float__(self):
        # math.sin(t), numpy.float64(t) and float(t) all arrive here; none can return a
        # tensor, so on a tensor that requires grad each would lose the derivative unseen
        if self._rg and _mode.enabled:
            raise RuntimeError(
                "float() of a tensor that requires grad would silently drop its derivative; so "
                "would math functions (math.sin(t)) and numpy.float64(t), which call it. Use "
                "numpy functions (np.sin(t)) or tensor methods (t.sin()), which are recorded, or "
                "t.item() / t.detach() / astgrad.no_grad() when you only want the number.")
        return float(self._data)

    def __int__(self):
        return int(self._data)

    def __index__(self):
        if self._data.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return operator.index(self._data[()])

    def __complex__(self):
        if self._rg and _mode.enabled:
            raise RuntimeError(
                "complex() of a tensor that requires grad (also what cmath functions call) would "
                "silently drop its derivative; use t.item() / t.detach() for the number.")
        return complex(self._data)

    # -- operators ---------------------------------------------------------------------
    def __add__(self, other):
        return binary(operator.add, self, other)

    def __radd__(self, other):
        return binary(operator.add, other, self)

    def __sub__(self, other):
        return binary(operator.sub, self, other)

    def __rsub__(self, other):
        return binary(operator.sub, other, self)

    def __mul__(self, other):
        return binary(operator.mul, self, other)

    def __rmul__(self, other):
        return binary(operator.mul, other, self)

    def __truediv__(self, other):
        return binary(operator.truediv, self, other)

    def __rtruediv__(self, other):
        return binary(operator.truediv, other, self)

    def __pow__(self, other):
        return binary(operator.pow, self, other)

    def __rpow__(self, other):
        return binary(operator.pow, other, self)

    def __matmul__(self, other):
        return binary(operator.matmul, self, other)

    def __rmatmul__(self, other):
        return binary(operator.matmul, other, self)

    def __mod__(self, other):
        return binary(operator.mod, self, other)

    def __rmod__(self, other):
        return binary(operator.mod, other, self)

    def __floordiv__(self, other):
        return constant_op(operator.floordiv, self, other)

    def __rfloordiv__(self, other):
        return constant_op(operator.floordiv, other, self)

    def __neg__(self):
        return unary(operator.neg, self)

    def __pos__(self):
        return unary(operator.pos, self)

    def __abs__(self):
        return apply(numpy.absolute, (self,))

    def __getitem__(self, index):
        return apply(operator.getitem, (self, index))

    def __setitem__(self, index, value):
        value_rg = isinstance(value, Tensor) and value._rg
        if _mode.enabled and (self._rg or value_rg):
            raise RuntimeError(
                "astgrad tensors that are part of a recorded graph cannot be written in place "
                "(t[i] = v); build a new tensor instead, e.g. with numpy.where or "
                "numpy.concatenate, or do the update under astgrad.no_grad()")
        data = self._data.copy()
        data[_raw(index)] = _raw(value)
        self._data = data
        self._version += 1

    # comparisons and logic: no derivative, results never require grad
    def __lt__(self, other):
        return constant_op(operator.lt, self, other)

    def __le__(self, other):
        return constant_op(operator.le, self, other)

    def __gt__(self, other):
        return constant_op(operator.gt, self, other)

    def __ge__(self, other):
        return constant_op(operator.ge, self, other)

    def __eq__(self, other):
        return constant_op(operator.eq, self, other)

    def __ne__(self, other):
        return constant_op(operator.ne, self, other)

    def __and__(self, other):
        return constant_op(operator.and_, self, other)

    def __rand__(self, other):
        return constant_op(operator.and_, other, self)

    def __or__(self, other):
        return constant_op(operator.or_, self, other)

    def __ror__(self, other):
        return constant_op(operator.or_, other, self)

    def __xor__(self, other):
        return constant_op(operator.xor, self, other)

    def __invert__(self):
        return Tensor._make(~self._data, None, False)

    # in place: allowed when nothing is recorded (an optimizer step under no_grad)
    def _inplace(self, op, other):
        other_rg = isinstance(other, Tensor) and other._rg
        if _mode.enabled and (self._rg or other_rg):
            if self._node is None and self._rg:
                raise RuntimeError("a leaf Variable that requires grad is being used in an "
                                   "in-place operation.")
            raise RuntimeError("astgrad tensors that are part of a recorded graph cannot be "
                               "updated in place; write y = y + x instead of y += x")
        result = op(self._data, _raw(other))
        self._data = _asarray(result).astype(self._data.dtype, copy=False)
        self._version += 1
        return self

    def __iadd__(self, other):
        return self._inplace(operator.add, other)

    def __isub__(self, other):
        return self._inplace(operator.sub, other)

    def __imul__(self, other):
        return self._inplace(operator.mul, other)

    def __itruediv__(self, other):
        return self._inplace(operator.truediv, other)

    # -- NumPy interoperability -----------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__":
            if _needs_recording(inputs):
                raise NoRuleError(f"numpy.{ufunc.__name__}.{method} has no derivative rule in "
                                  "astgrad; it cannot be recorded on a tensor that requires grad")
            return _wrap_constant(getattr(ufunc, method)(*_raw(inputs), **_raw(kwargs)))
        if "out" in kwargs:
            if _needs_recording(inputs):
                raise RuntimeError(f"numpy.{ufunc.__name__}(..., out=...) writes in place, which "
                                   "cannot be recorded; drop out=")
            # computed into fresh arrays and rebound, so arrays a recording captured
            # as constants are never overwritten
            outs = kwargs.pop("out")
            listed = outs if isinstance(outs, tuple) else (outs,)
            results = ufunc(*_raw(inputs), **_raw(kwargs))
            for o, r in zip(listed, results if isinstance(results, tuple) else (results,)):
                if isinstance(o, Tensor):
                    o._data = _asarray(r).astype(o._data.dtype, copy=False)
                    o._version += 1
                else:
                    o[...] = r
            return listed[0] if len(listed) == 1 else listed
        if not kwargs:
            op = _UFUNC_OPERATORS.get(ufunc)
            if op is not None:
                return binary(op, *inputs) if len(inputs) == 2 else unary(op, *inputs)
        return apply(ufunc, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return apply(func, args, kwargs)

    # called by @astgrad.differentiable functions whose arguments include a tensor
    @staticmethod
    def __astgrad_call__(fn, args, kwargs):
        """Record a call of an ``@astgrad.differentiable`` function as one node: its
        derivative is the function's own generated adjoint."""
        return apply(fn, args, kwargs)

    # -- array methods ----------------------------------------------------------------------
    # A method with a PyTorch name takes PyTorch's arguments (dim, keepdim, ...), so code
    # written for torch computes the same thing here; NumPy's spellings axis= and
    # keepdims= are accepted as aliases, as PyTorch does. Methods PyTorch does not have
    # (astype, ravel, swapaxes) keep NumPy's meaning.
    @_pytorch_signature("sum")
    def sum(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        dim, keepdim = _dim_args("sum", dim, keepdim, axis, keepdims)
        return apply(numpy.sum, (self,), _options(axis=dim, dtype=dtype, keepdims=keepdim))

    @_pytorch_signature("mean")
    def mean(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        dim, keepdim = _dim_args("mean", dim, keepdim, axis, keepdims)
        return apply(numpy.mean, (self,), _options(axis=dim, dtype=dtype, keepdims=keepdim))

    @_pytorch_signature("prod")
    def prod(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        dim, keepdim = _dim_args("prod", dim, keepdim, axis, keepdims)
        return apply(numpy.prod, (self,), _options(axis=dim, dtype=dtype, keepdims=keepdim))

    @_pytorch_signature("max")
    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """PyTorch's max: the largest element; with ``dim``, ``(values, indices)``; with a
        tensor or array argument, the elementwise maximum."""
        return self._extreme("max", numpy.max, numpy.argmax, numpy.maximum, dim, keepdim, axis, keepdims)

    @_pytorch_signature("min")
    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """PyTorch's min: the smallest element; with ``dim``, ``(values, indices)``; with a
        tensor or array argument, the elementwise minimum."""
        return self._extreme("min", numpy.min, numpy.argmin, numpy.minimum, dim, keepdim, axis, keepdims)

    def _extreme(self, name, reduce, locate, elementwise, dim, keepdim, axis, keepdims):
        if isinstance(dim, (Tensor, numpy.ndarray)):
            return apply(elementwise, (self, dim))
        dim, keepdim = _dim_args(name, dim, keepdim, axis, keepdims)
        if dim is None:
            return apply(reduce, (self,))
        if not isinstance(dim, numbers.Integral):
            raise TypeError(f"{name}(dim) takes one int dim, as in PyTorch, not {dim!r}")
        values = apply(reduce, (self,), _options(axis=dim, keepdims=keepdim))
        indices = locate(self._data, axis=dim)
        if keepdim:
            indices = numpy.expand_dims(indices, dim)
        return MinMax(values, Tensor._make(_asarray(indices), None, False))

    @_pytorch_signature("var")
    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None,
            ddof=None):
        """PyTorch's var: unbiased (divides by n - 1) unless ``unbiased=False`` or
        ``correction=0`` (NumPy's ``ddof=`` is accepted too)."""
        dim, keepdim = _dim_args("var", dim, keepdim, axis, keepdims)
        return apply(numpy.var, (self,), _options(axis=dim, ddof=_correction(unbiased, correction, ddof),
                                                  keepdims=keepdim))

    @_pytorch_signature("std")
    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None,
            ddof=None):
        """PyTorch's std: unbiased (divides by n - 1) unless ``unbiased=False`` or
        ``correction=0`` (NumPy's ``ddof=`` is accepted too)."""
        dim, keepdim = _dim_args("std", dim, keepdim, axis, keepdims)
        return apply(numpy.std, (self,), _options(axis=dim, ddof=_correction(unbiased, correction, ddof),
                                                  keepdims=keepdim))

    @_pytorch_signature("cumsum")
    def cumsum(self, dim=None, *, axis=None):
        dim, _ = _dim_args("cumsum", dim, False, axis, None)
        return apply(numpy.cumsum, (self,), _options(axis=dim))

    def argmax(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        dim, keepdim = _dim_args("argmax", dim, keepdim, axis, keepdims)
        return Tensor._make(_asarray(numpy.argmax(self._data, axis=dim, keepdims=keepdim)), None, False)

    def argmin(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        dim, keepdim = _dim_args("argmin", dim, keepdim, axis, keepdims)
        return Tensor._make(_asarray(numpy.argmin(self._data, axis=dim, keepdims=keepdim)), None, False)

    def reshape(self, *shape):
        return apply(numpy.reshape, (self, _sizes(shape)))

    view = reshape

    @_pytorch_signature("transpose")
    def transpose(self, *dims):
        """PyTorch's transpose(dim0, dim1): swap two dimensions (NumPy's transpose(axes)
        is permute here)."""
        if len(dims) != 2 or not all(isinstance(d, numbers.Integral) for d in dims):
            raise TypeError(f"transpose(dim0, dim1) swaps two dimensions, as in PyTorch; got "
                            f"transpose{dims!r}. Use permute(*dims) to reorder all dimensions, "
                            "or .T to reverse them")
        return apply(numpy.swapaxes, (self, dims[0], dims[1]))

    def permute(self, *dims):
        dims = _sizes(dims)
        if sorted(d % max(self._data.ndim, 1) for d in dims) != list(range(self._data.ndim)):
            raise ValueError(f"permute{dims!r}: give each of the tensor's {self._data.ndim} "
                             "dimensions exactly once")
        return apply(numpy.transpose, (self, dims))

    def t(self):
        if self._data.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but this one has "
                               f"{self._data.ndim}; use transpose(dim0, dim1) or permute")
        return apply(numpy.transpose, (self,))

    def swapaxes(self, axis1, axis2):
        return apply(numpy.swapaxes, (self, axis1, axis2))

    @_pytorch_signature("squeeze")
    def squeeze(self, dim=None, *, axis=None):
        """PyTorch's squeeze: with ``dim``, dimensions of size 1 among them are removed and
        the others are left alone (NumPy would raise)."""
        dim, _ = _dim_args("squeeze", dim, False, axis, None)
        if dim is None:
            return apply(numpy.squeeze, (self,))
        dims = dim if isinstance(dim, tuple) else (dim,)
        ndim = self._data.ndim
        ones = tuple(sorted({d % ndim for d in dims if self._data.shape[d] == 1})) if ndim else ()
        if not ones:
            return apply(numpy.reshape, (self, self._data.shape))
        return apply(numpy.squeeze, (self,), {"axis": ones})

    def unsqueeze(self, dim):
        return apply(numpy.expand_dims, (self, dim))

    def expand(self, *sizes):
        """PyTorch's expand: broadcast to ``sizes`` (-1 keeps a dimension)."""
        sizes = _sizes(sizes)
        shape = (1,) * (len(sizes) - self._data.ndim) + self._data.shape
        if len(shape) != len(sizes):
            raise RuntimeError(f"expand{sizes!r}: the number of sizes must be at least the tensor's "
                               f"{self._data.ndim} dimensions")
        target = tuple(n if s == -1 else s for s, n in zip(sizes, shape))
        return apply(numpy.broadcast_to, (self, target))

    def expand_as(self, other):
        return self.expand(*numpy.shape(other))

    @_pytorch_signature("repeat")
    def repeat(self, *sizes):
        """PyTorch's repeat, which tiles the whole tensor (``numpy.tile``; NumPy's repeat,
        which repeats each element, is not what this computes)."""
        sizes = _sizes(sizes)
        if len(sizes) < self._data.ndim:
            raise RuntimeError(f"repeat{sizes!r}: the number of repeats must be at least the "
                               f"tensor's {self._data.ndim} dimensions")
        shape = (1,) * (len(sizes) - self._data.ndim) + self._data.shape
        interleaved = tuple(v for n in shape for v in (1, n))
        spread = tuple(v for r, n in zip(sizes, shape) for v in (r, n))
        tiled = apply(numpy.broadcast_to, (apply(numpy.reshape, (self, interleaved)), spread))
        return apply(numpy.reshape, (tiled, tuple(r * n for r, n in zip(sizes, shape))))

    def ravel(self):
        return apply(numpy.ravel, (self,))

    @_pytorch_signature("ravel")
    def flatten(self, start_dim=0, end_dim=-1):
        """PyTorch's flatten: merge dimensions start_dim..end_dim into one."""
        shape = self._data.shape
        if not shape:
            return apply(numpy.reshape, (self, (1,)))
        start, end = start_dim % len(shape), end_dim % len(shape)
        if start > end:
            raise RuntimeError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
        merged = int(numpy.prod(shape[start:end + 1], dtype=numpy.int64))
        return apply(numpy.reshape, (self, shape[:start] + (merged,) + shape[end + 1:]))

    def dot(self, other):
        return apply(numpy.dot, (self, other))

    def trace(self):
        return apply(numpy.trace, (self,))

    def clip(self, min=None, max=None):
        return apply(numpy.clip, (self, min, max))

    def astype(self, dtype):
        return apply(numpy.asarray, (self,), {"dtype": numpy.dtype(dtype)})

    def copy(self):
        return apply(numpy.copy, (self,))

    clone = copy

    def exp(self):
        return apply(numpy.exp, (self,))

    def log(self):
        return apply(numpy.log, (self,))

    def sin(self):
        return apply(numpy.sin, (self,))

    def cos(self):
        return apply(numpy.cos, (self,))

    def tanh(self):
        return apply(numpy.tanh, (self,))

    def sqrt(self):
        return apply(numpy.sqrt, (self,))

    def abs(self):
        return apply(numpy.absolute, (self,))


_new = object.__new__

_UFUNC_OPERATORS = {
    numpy.add: operator.add, numpy.subtract: operator.sub, numpy.multiply: operator.mul,
    numpy.true_divide: operator.truediv, numpy.power: operator.pow, numpy.matmul: operator.matmul,
    numpy.remainder: operator.mod, numpy.negative: operator.neg, numpy.positive: operator.pos,
}


# -- PyTorch's method arguments -------------------------------------------------------------

MinMax = collections.namedtuple("MinMax", ["values", "indices"])
MinMax.__doc__ = "What max(dim)/min(dim) return, as PyTorch: the values and where they are."


def _dim_args(name, dim, keepdim, axis, keepdims):
    """PyTorch's ``(dim, keepdim)``, also spelled ``axis=``/``keepdims=`` as in NumPy."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{name}() got both dim and axis; they are the same argument")
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    if not isinstance(keepdim, (bool, numpy.bool_)):
        raise TypeError(f"{name}(dim, keepdim): keepdim must be a bool, not {keepdim!r} (the tensor "
                        f"methods take PyTorch's arguments; pass NumPy's dtype as dtype=)")
    return (tuple(dim) if isinstance(dim, list) else dim), bool(keepdim)


def _correction(unbiased, correction, ddof):
    """The ddof of PyTorch's var/std: 1 (unbiased) unless told otherwise."""
    given = [v for v in (unbiased, correction, ddof) if v is not None]
    if len(given) > 1:
        raise TypeError("give only one of unbiased, correction and ddof")
    if unbiased is not None:
        return 1 if unbiased else 0
    return given[0] if given else 1


def _sizes(sizes):
    """``f(2, 3)`` and ``f((2, 3))`` alike, as PyTorch's reshape/permute/expand/repeat."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = sizes[0]
    return tuple(operator.index(s) for s in sizes)


def _options(**options):
    """Keyword arguments that differ from the NumPy defaults (so the recorded call reads
    ``numpy.sum(x0)`` rather than ``numpy.sum(x0, axis=None, ...)``)."""
    return {k: v for k, v in options.items() if v is not None and v is not False
            and not (k == "ddof" and v == 0)}


def tensor(data, requires_grad=False, dtype=None):
    """A new leaf tensor holding a copy of ``data`` (as ``torch.tensor``). Python floats
    give float64 tensors, NumPy's default."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


# -- recording ---------------------------------------------------------------------------------

def _raw(value):
    """``value`` with every tensor replaced by its array (through lists, tuples, dicts)."""
    if isinstance(value, Tensor):
        return value._data
    kind = type(value)
    if kind is tuple or kind is list:
        return kind(_raw(v) for v in value)
    if kind is dict:
        return {k: _raw(v) for k, v in value.items()}
    return value


def _needs_recording(values):
    if not _mode.enabled:
        return False
    for v in values:
        if isinstance(v, Tensor):
            if v._rg:
                return True
        elif type(v) in (list, tuple) and _needs_recording(v):
            return True
    return False


def _wrap_constant(value):
    """A result that carries no derivative: arrays become tensors that do not require
    grad; shapes, Python numbers and other values are returned as they are."""
    if isinstance(value, (_NDARRAY, numpy.generic)):
        return Tensor._make(_asarray(value), None, False)
    return value


def _split(value, track, parents):
    """(raw value, recorded value): tensors that require grad in a tracked position
    become parents and ``Ref`` placeholders; everything else is its raw value."""
    if isinstance(value, Tensor):
        if track and value._rg:
            parents.append(value)
            return value._data, _ref(len(parents) - 1)
        return value._data, value._data
    if isinstance(value, (list, tuple)) and value:
        pairs = [_split(v, track, parents) for v in value]
        kind = type(value)
        if kind is not tuple and kind is not list:
            kind = tuple if isinstance(value, tuple) else list
        return kind(p[0] for p in pairs), kind(p[1] for p in pairs)
    return value, value


def apply(op, args, kwargs=None):
    """Call primitive ``op`` on ``args`` (which may hold tensors) and record the call
    when an argument it differentiates requires grad."""
    kind, positions = op_info(op)
    track = _mode.enabled and kind != "nondiff"
    parents = []
    raw_args, rec_args = [], []
    for i, a in enumerate(args):
        r, c = _split(a, track and _position_tracked(positions, i), parents)
        raw_args.append(r)
        rec_args.append(c)
    raw_kwargs = rec_kwargs = None
    if kwargs:
        raw_kwargs, rec_kwargs = {}, {}
        for name, a in kwargs.items():
            r, c = _split(a, track and _keyword_tracked(positions, name), parents)
            raw_kwargs[name] = r
            rec_kwargs[name] = c
    if parents and kind == "unknown":
        raise _no_rule(op)
    value = op(*raw_args, **raw_kwargs) if raw_kwargs else op(*raw_args)
    if not parents:
        return _wrap_constant(value)
    return _result(value, Node(op, tuple(rec_args), rec_kwargs, tuple(parents),
                               tuple(p._version for p in parents)), op)


def _result(value, node, op):
    if isinstance(value, (_NDARRAY, numpy.generic, numbers.Number)):
        value = _asarray(value)
        if not _is_float(value.dtype):      # integer or boolean results carry no derivative
            return Tensor._make(value, None, False)
        return Tensor._make(value, node, True)
    if isinstance(value, (list, tuple)):
        # a list of arrays (runtime.unconcatenate, unstack): record the list once and
        # each element as an index into it, so the program reads  t5 = f(...); t6 = t5[0]
        holder = Tensor._make(numpy.empty(0), node, True)
        holder._data = value
        items = [Tensor._make(_asarray(v), Node(operator.getitem, (_REFS[0], i), None, (holder,), (0,)),
                              True) for i, v in enumerate(value)]
        kind = type(value)
        return kind(items) if kind is not tuple else tuple(items)
    raise TypeError(f"astgrad: {_describe(op)} returned a {type(value).__name__}, which the tape "
                    "cannot record")


def binary(op, a, b):
    """Record ``op(a, b)`` for an arithmetic operator (the hot path of the recorder)."""
    ta = isinstance(a, Tensor)
    tb = isinstance(b, Tensor)
    ad = a._data if ta else a
    bd = b._data if tb else b
    value = op(ad, bd)
    if not _mode.enabled or not ((ta and a._rg) or (tb and b._rg)):
        return Tensor._make(value, None, False)
    if type(value) is not _NDARRAY:
        value = _asarray(value)
    if not _is_float(value.dtype):
        return Tensor._make(value, None, False)
    if ta and a._rg:
        if tb and b._rg:
            node = Node(op, (_REFS[0], _REFS[1]), None, (a, b), (a._version, b._version))
        else:
            node = Node(op, (_REFS[0], bd), None, (a,), (a._version,))
    else:
        node = Node(op, (ad, _REFS[0]), None, (b,), (b._version,))
    return Tensor._make(value, node, True)


def unary(op, a):
    value = op(a._data)
    if not (_mode.enabled and a._rg):
        return Tensor._make(value, None, False)
    return Tensor._make(value, Node(op, (_REFS[0],), None, (a,), (a._version,)), True)


def constant_op(op, a, b):
    """An operation without a derivative (comparisons, ``//``, logic): never recorded."""
    return Tensor._make(_asarray(op(_raw(a), _raw(b))), None, False)
