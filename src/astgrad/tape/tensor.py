"""The Tensor type: a NumPy array that records the differentiable operations applied
to it, with PyTorch's methods.

The class holds what every tensor has (its attributes, ``backward``, repr, the NumPy
protocols through which ``numpy.sin(t)`` and friends reach the recorder); the method
families come from mixins, one module each: operators.py, inplace.py, conversion.py,
reductions.py, shapes.py, functions.py and the torch_*.py modules (PyTorch's names).
Operations are recorded by record.py, and
``backward``/``astgrad.autograd.grad`` differentiate the recording (program.py).
"""

import copy
import operator
import typing

import numpy

from . import dtypes, fmt, outputs, program
from .bitwise import BitwiseMethods
from .conversion import ConversionMethods
from .functions import FunctionMethods
from .graph import NoRuleError, op_info, written
from .conventions import clamp
from .grad_fn import named
from .sharing import data_view, detached, new_array, retain
from .inplace import InPlaceMethods
from .detached import detach_in_place
from .versions import assignable_grad, data_written
from .views import current_node
from .missing import missing_attribute
from .mode import grad_mode
from .operators import OperatorMethods
from .record import (TensorBase, apply, binary, complex_error, is_float, make_tensor, raw,
                     needs_recording, register_tensor_class, unary, wrap_constant)
from .reductions import ReductionMethods
from .shapes import ShapeMethods
from ..tracebacks import public
from .torch_layout import LayoutMethods
from .torch_array_ops import ArrayOpMethods
from .torch_elementwise import ElementwiseMethods
from .torch_scatter import ScatterMethods
from .torch_math import MathMethods
from .torch_new import NewTensorMethods
from .torch_order import OrderMethods
from .torch_pieces import PieceMethods
from .torch_rounding import RoundingMethods
from .torch_special import SpecialMethods
from .size import Size, check_dim

__all__ = ["Tensor", "tensor"]


class Tensor(TensorBase, OperatorMethods, BitwiseMethods, InPlaceMethods, ConversionMethods, ReductionMethods,
             ShapeMethods, FunctionMethods, MathMethods, LayoutMethods, ElementwiseMethods,
             ArrayOpMethods, ScatterMethods, PieceMethods, OrderMethods,
             NewTensorMethods, RoundingMethods, SpecialMethods):
    """A NumPy array that records the differentiable operations applied to it.

    ``.data`` is the array (read and assign it; assigning bumps the version so a
    recorded graph that used the old value refuses to differentiate), ``.grad`` the
    gradient accumulated by ``backward()``, ``.grad_fn`` the recorded node that
    produced it (None for leaves).
    """

    __slots__ = ()                  # the state is TensorBase's
    __array_priority__ = 1000

    def __init__(self, data, requires_grad=False, dtype=None):
        array = new_array(data, dtype)
        if array.dtype.kind == "c":
            raise complex_error(array)
        self._data = array
        self._node = None
        self._rg = False
        self._grad = None
        self._vc = [0]
        self._x = None
        if requires_grad:
            if not is_float(array.dtype):
                raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
            self.requires_grad = True

    # -- attributes -----------------------------------------------------------------
    @property
    def data(self):
        """The values as a tensor that shares them, has no history and a version of its own."""
        return data_view(self)

    @data.setter
    def data(self, value):
        array = numpy.asarray(value._data if isinstance(value, TensorBase) else value)
        written()
        if array is not self._data:     # not ``t.data -= ...``, which wrote into the array itself
            if self._rg and self._node is None:
                data_written(self)      # PyTorch's version does not move
            else:
                self._version += 1
            self._data = array

    @property
    def grad(self):
        """The gradient accumulated by ``backward()`` (None before the first)."""
        return self._grad

    @grad.setter
    def grad(self, value):
        self._grad = assignable_grad(self, value)

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
        if flag and not is_float(self._data.dtype):
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._rg = flag or self._node is not None

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def grad_fn(self):
        node = self._node
        if node is not None and self._vc[0] != node.made_at and "view_of" in self._x:
            node = current_node(self)       # PyTorch's regenerated grad_fn of a view
        return None if node is None else named(node)

    @property
    def is_leaf(self):
        return self._node is None

    @property
    def shape(self):
        return Size(self._data.shape)

    @property
    def dtype(self):
        """``astgrad.float64``, ... (NumPy's dtype while generated code runs on tensors)."""
        if grad_mode.numpy_methods:
            return self._data.dtype
        return dtypes.of(self._data.dtype)

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    def numel(self):
        return self._data.size

    def size(self, dim=None):
        """The shape (PyTorch's ``size()``), or its length along ``dim``."""
        shape = self._data.shape
        return Size(shape) if dim is None else shape[check_dim(dim, len(shape))]

    def detach(self):
        """The same values (shared, with the version counter), cut from the recorded graph."""
        return detached(self)

    def detach_(self):
        """This tensor, made a leaf that does not require grad, in place (PyTorch's
        truncated backpropagation, ``h.detach_()``). The operations recorded from it
        before still reach its inputs through it, as in PyTorch."""
        if self._x and "view_of" in self._x:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")     # PyTorch's words
        if self._node is not None:
            retains = self.retains_grad
            ghost = detach_in_place(self)
            if retains:     # as PyTorch's: .grad still gets the gradient through the graph before
                retain(ghost)
                ghost._x["retained_for"] = self
        self._rg = False
        return self

    def retain_grad(self):
        """Keep ``.grad`` for this non-leaf tensor too at the next ``backward()``."""
        retain(self)

    @property
    def retains_grad(self):
        x = self._x     # a tensor detached in place keeps retaining its gradient, as in PyTorch
        return bool(x) and x.get("retain", False) and (self._node is not None or "detached" in x)

    @public
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d self / d leaf into ``leaf.grad`` for every leaf that requires
        grad (or only for ``inputs``). ``gradient`` seeds a non-scalar tensor."""
        program.backward((self,), None if gradient is None else (gradient,), retain_graph,
                 create_graph, inputs)

    # -- Python protocol ---------------------------------------------------------------
    def __getattr__(self, name):
        # only for names the class does not have: say what to use instead
        raise missing_attribute(self, name)

    def __repr__(self):
        return fmt.tensor_repr(self)

    def __str__(self):
        return fmt.tensor_repr(self)

    def __format__(self, spec):
        if self._data.ndim == 0 and spec:
            return format(self._data.item(), spec)
        return format(str(self), spec)

    def __deepcopy__(self, memo):
        """A new leaf with a copy of the values (and of ``.grad``), as PyTorch makes one. A
        tensor the recorded graph computed is refused, as PyTorch refuses it: its copy would
        be cut from the graph, and no gradient would reach what it was computed from."""
        if self._node is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the "
                               "deepcopy protocol; copy.deepcopy of a computed tensor would cut it from the "
                               "graph. Use t.clone() to copy it with its history, or t.detach().clone()")
        made = Tensor(self._data.copy(), requires_grad=self._rg)
        memo[id(self)] = made
        made.grad = copy.deepcopy(self.grad, memo)
        return made

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self._data)))

    # -- NumPy interoperability -----------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__":
            if method == "at" and isinstance(inputs[0], TensorBase):
                return outputs.ufunc_at(ufunc, *inputs)
            if kwargs.get("out") is not None:
                return outputs.function_into(self._ufunc_method(method), ufunc, inputs, kwargs)
            if needs_recording(inputs):
                bound = getattr(ufunc, method)          # numpy.maximum.reduce: a rule of its own
                if op_info(bound)[0] != "unknown":
                    return apply(bound, inputs, kwargs)
                raise NoRuleError(f"numpy.{ufunc.__name__}.{method} has no derivative rule in "
                                  "astgrad; it cannot be recorded on a tensor that requires grad")
            return wrap_constant(getattr(ufunc, method)(*raw(inputs), **raw(kwargs)))
        if "out" in kwargs:
            if _accumulating(ufunc, inputs, kwargs["out"]):
                # ``d_W += e`` in generated code run on tensors (create_graph=True): d_W is
                # an adjoint array that nothing else refers to (backend/accumulate.py), so
                # the name may take the recorded sum instead of an unrecordable write
                return self.__array_ufunc__(ufunc, method, *inputs)
            # computed as without out=, then written in place as t.copy_(result) (outputs.py)
            return outputs.ufunc_into(self._ufunc_call, ufunc, inputs, kwargs)
        if not kwargs:
            op = _UFUNC_OPERATORS.get(ufunc)
            if op is not None:
                return binary(op, *inputs) if len(inputs) == 2 else unary(op, *inputs)
        return apply(ufunc, inputs, kwargs)

    def _ufunc_call(self, ufunc, inputs, kwargs):
        return self.__array_ufunc__(ufunc, "__call__", *inputs, **kwargs)

    def _ufunc_method(self, method):
        return lambda ufunc, inputs, kwargs: self.__array_ufunc__(ufunc, method, *inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if func is numpy.copyto:
            return outputs.copy_into(*args, **kwargs)
        if kwargs.get("out") is not None:
            return outputs.function_into(lambda f, a, k: self.__array_function__(f, types, a, k),
                                         func, args, kwargs)
        if func is numpy.clip and not grad_mode.numpy_methods:
            # PyTorch's derivative at the bounds (conventions.py)
            return apply(clamp, _clip_arguments(*args, **kwargs))
        return apply(func, args, kwargs)

    # called by @astgrad.differentiable functions whose arguments include a tensor
    @staticmethod
    def __astgrad_call__(fn, args, kwargs):
        """Record a call of an ``@astgrad.differentiable`` function as one node: its
        derivative is the function's own generated adjoint."""
        return apply(fn, args, kwargs)


def _clip_arguments(a, a_min=None, a_max=None, out=None, **kwargs):
    """``numpy.clip``'s arguments as ``clamp``'s (x, min, max)."""
    if out is not None or kwargs:
        raise TypeError("numpy.clip on a tensor takes the array and its bounds only (no out=, "
                        "no min=/max= spellings); use tensor.clamp(min, max)")
    return (a, a_min, a_max)


def _accumulating(ufunc, inputs, out):
    """``array += tensor`` (numpy.add into its first input) while generated code runs
    on tensors, where ``+=`` only ever adds to a parameter's adjoint."""
    out = out if isinstance(out, tuple) else (out,)
    return (grad_mode.numpy_methods and ufunc is numpy.add and len(inputs) == 2
            and len(out) == 1 and out[0] is inputs[0] and not isinstance(out[0], TensorBase)
            and needs_recording(inputs))


_UFUNC_OPERATORS = {
    numpy.add: operator.add, numpy.subtract: operator.sub, numpy.multiply: operator.mul,
    numpy.true_divide: operator.truediv, numpy.power: operator.pow, numpy.matmul: operator.matmul,
    numpy.remainder: operator.mod, numpy.negative: operator.neg, numpy.positive: operator.pos,
}


def tensor(data: typing.Any, requires_grad: bool = False, dtype: typing.Any = None) -> "Tensor":
    """A new leaf tensor holding a copy of ``data`` (as ``torch.tensor``). Python floats
    give float64 tensors, NumPy's default."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


register_tensor_class(Tensor)
