"""What ``tensor.grad_fn`` shows: a recorded node under PyTorch's name for it
(``MulBackward0``, ``SumBackward1``, ``MmBackward0``, ...), its ``next_functions`` in
PyTorch's form, and ``AccumulateGrad`` for leaves.

A node's class is swapped, on first look, for a subclass named after the node, so
``type(y.grad_fn).__name__`` and ``repr`` read as in PyTorch; recording never pays for it.
"""

import operator
import weakref

import numpy

from .conventions import threshold_backward
from .graph import Node, Ref, set_namer
from .detached import before_detach

__all__ = ["named", "node_name", "AccumulateGrad", "LabeledNode", "labeled", "relabeled"]


class LabeledNode(Node):
    """A node whose PyTorch name is given (in-place updates: ``ZeroBackward0``, ...)."""

    __slots__ = ("label", "saved")

    def __init__(self, label, op, args, kwargs, parents, versions):
        Node.__init__(self, op, args, kwargs, parents, versions)
        self.label = label
        self.saved = None       # what PyTorch's node saves, where other nodes compute it (saved_composites.py)


def relabeled(node, label):
    """A copy of ``node`` named ``label`` (its constants' versions too)."""
    copy = LabeledNode(label, node.op, node.args, node.kwargs, node.parents, node.versions)
    copy.constants = node.constants
    copy.made_at = node.made_at     # a view's, taken after updates of its base: not made again
    return copy


def labeled(tensor, label):
    """``tensor``, its node (if recorded) named ``label`` as PyTorch names it."""
    node = tensor._node
    if node is not None:
        tensor._node = relabeled(node, label)
    return tensor


_NUMPY_NAMES = {
    "absolute": "Abs", "true_divide": "Div", "divide": "Div", "multiply": "Mul", "add": "Add",
    "subtract": "Sub", "negative": "Neg", "power": "Pow", "arctan": "Atan", "arcsin": "Asin",
    "arccos": "Acos", "arctanh": "Atanh", "arcsinh": "Asinh", "arccosh": "Acosh", "reshape": "View",
    "transpose": "Permute", "swapaxes": "Transpose", "expand_dims": "Unsqueeze", "broadcast_to": "Expand",
    "concatenate": "Cat", "square": "Pow", "log1p": "Log1P", "expm1": "Expm1", "amax": "Amax",
    "amin": "Amin", "maximum": "Maximum", "minimum": "Minimum", "copy": "Clone", "where": "Where",
    "clamp": "Clamp", "relu": "Relu", "abs_slope": "Sgn", "rint": "Round", "around": "Round",
    "fix": "Trunc", "arctan2": "Atan2", "mod": "Remainder",
}
_SECOND_FORM = {"Sum", "Mean", "Clamp", "Std", "Var", "Prod"}     # PyTorch's ...Backward1 when given dim/bounds


def _is_ref(value):
    return type(value) is Ref


def _is_tensor(value):
    """Whether a recorded argument was a tensor (recorded, or held as its array), not a number."""
    return type(value) is Ref or type(value) is numpy.ndarray


def _operator_name(node):
    op, args = node.op, node.args
    first_const = len(args) == 2 and not _is_tensor(args[0])     # a number (a tensor: SubBackward0)
    second_ref = len(args) == 2 and _is_ref(args[1])
    if op is operator.add:
        return "AddBackward0"
    if op is operator.sub:
        return "RsubBackward1" if first_const else "SubBackward0"
    if op is operator.mul:
        return "MulBackward0"
    if op is operator.truediv:
        return "MulBackward0" if first_const else "DivBackward0"
    if op is operator.pow:
        return "PowBackward2" if first_const else ("PowBackward1" if second_ref else "PowBackward0")
    if op is operator.neg:
        return "NegBackward0"
    if op is operator.matmul:
        return _matmul_name(node)
    if op is operator.getitem:
        return index_name(args[1])
    return None


def _ndim(node, value):
    if _is_ref(value):
        return node.parents[value.k]._data.ndim
    return numpy.ndim(value)


def _matmul_name(node):
    a, b = (_ndim(node, v) for v in node.args)
    if a == 1 and b == 1:
        return "DotBackward0"
    if a == 2 and b == 1:
        return "MvBackward0"
    if a == 2 and b == 2:
        return "MmBackward0"
    return "UnsafeViewBackward0" if a > 2 else "SqueezeBackward4"


def index_name(index):
    items = index if type(index) is tuple else (index,)
    for item in reversed(items):
        if item is Ellipsis or (type(item) is slice and item == slice(None)):
            continue
        if isinstance(item, (int, numpy.integer)):
            return "SelectBackward0"
        if type(item) is slice:
            return "SliceBackward0"
        if item is None:
            return "UnsqueezeBackward0"
        return "IndexBackward0"
    return "AliasBackward0"


def node_name(node):
    """PyTorch's name for the node's backward function."""
    label = getattr(node, "label", None)
    if label is not None:
        return label
    name = _operator_name(node)
    if name is not None:
        return name
    raw = getattr(node.op, "__name__", None) or type(node.op).__name__
    base = _NUMPY_NAMES.get(raw) or "".join(p[:1].upper() + p[1:] for p in raw.strip("_").split("_")) or "Call"
    form = 0
    if base in _SECOND_FORM and (node.kwargs and node.kwargs.get("axis") is not None
                                 or base == "Clamp" and node.kwargs and "both" in node.kwargs):
        form = 1
    if base == "Clamp":         # PyTorch's clamp.Tensor (ClampBackward0) takes tensor bounds
        form = 0 if any(_is_tensor(v) for v in (*node.args[1:], *(node.kwargs or {}).values())) else 1
    if base in ("Remainder", "Fmod") and len(node.args) == 2 and _is_tensor(node.args[0]) and _is_tensor(node.args[1]):
        form = 1                # of two tensors: PyTorch's Remainder.Tensor, FmodBackward1
    if base in ("Max", "Min") and (not node.kwargs or node.kwargs.get("axis") is None):
        form = 1                # PyTorch's max() of all elements: MaxBackward1
    return f"{base}Backward{form}"


class AccumulateGrad:
    """The node ``next_functions`` shows for a leaf that requires grad (as PyTorch's):
    ``variable`` is the leaf."""

    __slots__ = ("_variable", "__weakref__")

    def __init__(self, variable):
        self._variable = weakref.ref(variable)

    @property
    def variable(self):
        return self._variable()

    def name(self):
        return "torch::autograd::AccumulateGrad".replace("torch", "astgrad")

    next_functions = ()

    def __repr__(self):
        return f"<AccumulateGrad object at {id(self):#x}>"


def _accumulator(leaf):
    extra = leaf._x
    if extra is None:
        extra = leaf._x = {}
    acc = extra.get("acc")
    if acc is None:
        acc = extra["acc"] = AccumulateGrad(leaf)
    return acc


def _edge(value, node):
    if not _is_ref(value):
        return (None, 0)
    return _parent_edge(node.parents[value.k], node)


def _parent_edge(p, node):
    p = before_detach(p, node)      # the node's parent as it used it, before a detach_() since
    return (_accumulator(p) if p._node is None else named(p._node), 0)


def _next_functions(self):
    args = self.args
    if self.op in _BINARY_OPS and len(args) == 2:
        if not _is_ref(args[0]):
            if self.op in _COMMUTATIVE:     # 2 * x is x.__rmul__(2): the tensor comes first
                args = (args[1], args[0])
            elif numpy.ndim(args[0]) == 0 and not isinstance(args[0], numpy.ndarray):
                return (_edge(args[1], self),)      # 1 - x, 2 ** x: the number is no edge
        return tuple(_edge(a, self) for a in args)
    if self.op is threshold_backward:       # PyTorch lists the constant gradient too: (None, 0)
        return tuple(_edge(a, self) for a in args)
    return tuple(_parent_edge(p, self) for p in self.parents)


_COMMUTATIVE = {operator.add, operator.mul}
_BINARY_OPS = {operator.add, operator.sub, operator.mul, operator.truediv, operator.pow, operator.matmul}
_classes = {}


def _named_class(base, name):
    key = (base, name)
    cls = _classes.get(key)
    if cls is None:
        cls = _classes[key] = type(name, (base,), {
            "__slots__": (), "name": lambda self: name, "__module__": "astgrad.autograd",
            "next_functions": property(_next_functions),
            "__repr__": lambda self: f"<{name} object at {id(self):#x}>"})
    return cls


def named(node):
    """``node`` as an instance of the subclass carrying its PyTorch name."""
    base = type(node)
    if base is Node or base is LabeledNode:
        node.__class__ = _named_class(base, node_name(node))
    return node


set_namer(node_name)
