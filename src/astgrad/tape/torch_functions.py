"""Module-level functions with PyTorch's names and arguments (``astgrad.sum(x, dim=1)``,
``astgrad.matmul``, ``astgrad.softmax(x, dim)``, ``astgrad.cat``, ``astgrad.where``, ...).

Each is the tensor method of the same name, called on its first argument (an array or
a number becomes a tensor that does not require grad), or, for functions of several
tensors (``cat``, ``stack``, ``einsum``, ``where``), one recorded NumPy call.
"""

import numbers
import operator
import re

import numpy

from .clamp_overloads import check_function_bounds
from .grad_fn import labeled
from .record import TensorBase, apply, binary, promoted_pair, raw
from .torch_arguments import check_int_argument, check_tensor_argument
from .tensor import Tensor
from .torch_creation import tensor
from .torch_errors import check_broadcastable
from .torch_kinds import check_einsum, check_kind, check_same_dtypes
from .torch_out import call_with_out, check_out_inputs

__all__ = ["matmul", "mm", "bmm", "sum", "mean", "prod", "max", "min", "amax", "amin", "argmax",
           "argmin", "var", "std", "norm", "relu", "sigmoid", "tanh", "softmax", "log_softmax",
           "logsumexp", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "abs", "sin", "cos", "pow",
           "square", "neg", "clamp", "clip", "maximum", "minimum", "where", "cat", "concat", "stack",
           "split", "chunk", "reshape", "transpose", "permute", "squeeze", "unsqueeze", "flatten",
           "gather", "index_select", "einsum", "cumsum", "flip", "add", "sub", "mul", "div", "t", "numel",
           "is_tensor", "is_floating_point", "dot", "outer", "trace",
           "asin", "acos", "atan", "atan2", "sinh", "cosh", "asinh", "acosh", "atanh", "arcsin", "arccos",
           "arctan", "arctan2", "arcsinh", "arccosh", "arctanh", "log2", "log10", "exp2", "reciprocal",
           "sign", "sgn", "trunc", "fix", "frac", "hypot", "fmod", "remainder", "logaddexp", "xlogy",
           "sinc", "erf", "erfc", "nan_to_num", "lerp", "addcmul", "addcdiv", "cumprod", "cummax",
           "cummin", "logcumsumexp", "diff", "roll", "tril", "triu", "diag", "kron", "cross",
           "select", "narrow", "unbind", "diagonal", "movedim", "moveaxis", "swapdims", "sort", "argsort",
           "msort", "topk", "kthvalue", "masked_fill", "scatter", "scatter_add", "broadcast_to", "std_mean", "var_mean",
           "tan", "deg2rad", "rad2deg", "floor", "ceil", "round", "floor_divide", "true_divide", "signbit",
           "copysign", "heaviside", "logaddexp2", "logit", "erfinv", "lgamma", "digamma", "polygamma", "i0",
           "clamp_min", "clamp_max", "index_add", "index_copy", "index_fill", "index_put", "index_put_",
           "masked_scatter", "scatter_reduce"]


def _plain_number(x):
    return isinstance(x, (bool, int, float))


def _tensor(x, name):
    if not isinstance(x, TensorBase):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    return x


def _counted_from_input(error, name):
    """``error`` of the method ``name`` with its argument positions as the function's:
    ``x.index_select(0, [0])`` names 'index' at position 2, ``index_select(x, 0, [0])``
    at position 3, ``input`` being the first, as PyTorch's messages count them."""
    match = _POSITION.match(str(error))
    if match is None or match.group(1) != name:
        return error
    words = str(error)
    position = int(match.group(2))
    return TypeError(words[:match.start(2)] + str(position + 1) + words[match.end(2):])


_POSITION = re.compile(r"(\w+)\(\): argument '\w+' \(position (\d+)\)")


def _method(name, doc, scalar_first=None, two_numbers=False):
    """``astgrad.<name>(input, ...)``: the tensor method ``name``. ``scalar_first``: the
    operator of ``name(2.0, x)``; ``two_numbers``: ``name(7, 2)`` takes the first number
    as a 0-d tensor, as PyTorch's wrapped numbers (``torch.div(7, 2)``)."""
    def function(input, *args, out=None, **kwargs):
        if out is not None:
            return call_with_out(name, function, (input, *args), kwargs, out)
        if two_numbers and _plain_number(input) and args and _plain_number(args[0]):
            input = tensor(input)
        if scalar_first is not None and isinstance(input, numbers.Number) and args \
                and isinstance(args[0], TensorBase):
            alpha = kwargs.pop("alpha", 1)
            if kwargs:          # div(2.0, x, rounding_mode=...): the method, with the number as self
                return getattr(Tensor, name)(input, args[0] if alpha == 1 else args[0] * alpha, **kwargs)
            return binary(scalar_first, input, args[0] if alpha == 1 else args[0] * alpha)
        method = getattr(_tensor(input, name), name)
        try:
            return method(*args, **kwargs)
        except TypeError as error:
            raise _counted_from_input(error, name) from None
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return function


matmul = _method("matmul", "Matrix product of two tensors (``torch.matmul``).")
mm = _method("mm", "Product of two matrices (``torch.mm``).")
bmm = _method("bmm", "Batched product of two 3-D tensors (``torch.bmm``).")
sum = _method("sum", "Sum over all elements or along ``dim`` (``torch.sum``).")
mean = _method("mean", "Mean over all elements or along ``dim`` (``torch.mean``).")
prod = _method("prod", "Product over all elements or along ``dim`` (``torch.prod``).")
max = _method("max", "Largest element; with ``dim``, ``(values, indices)``; with a tensor, the "
                     "elementwise maximum (``torch.max``).")
min = _method("min", "Smallest element; with ``dim``, ``(values, indices)``; with a tensor, the "
                     "elementwise minimum (``torch.min``).")
amax = _method("amax", "Largest elements along ``dim`` (``torch.amax``).")
amin = _method("amin", "Smallest elements along ``dim`` (``torch.amin``).")
argmax = _method("argmax", "Index of the largest element (``torch.argmax``).")
argmin = _method("argmin", "Index of the smallest element (``torch.argmin``).")
var = _method("var", "Variance, unbiased unless ``correction=0`` (``torch.var``).")
std = _method("std", "Standard deviation, unbiased unless ``correction=0`` (``torch.std``).")
norm = _method("norm", "2-norm of all elements, or vector p-norm along ``dim`` (``torch.norm``).")
relu = _method("relu", "max(x, 0) (``torch.relu``).")
sigmoid = _method("sigmoid", "1 / (1 + exp(-x)) (``torch.sigmoid``).")
tanh = _method("tanh", "Hyperbolic tangent (``torch.tanh``).")
softmax = _method("softmax", "Softmax along ``dim`` (``torch.softmax``).")
log_softmax = _method("log_softmax", "Log of the softmax along ``dim`` (``torch.log_softmax``).")
logsumexp = _method("logsumexp", "log(sum(exp(x))) along ``dim`` (``torch.logsumexp``).")
exp = _method("exp", "Exponential (``torch.exp``).")
log = _method("log", "Natural logarithm (``torch.log``).")
log1p = _method("log1p", "log(1 + x) (``torch.log1p``).")
expm1 = _method("expm1", "exp(x) - 1 (``torch.expm1``).")
sqrt = _method("sqrt", "Square root (``torch.sqrt``).")
rsqrt = _method("rsqrt", "1 / sqrt(x) (``torch.rsqrt``).")
abs = _method("abs", "Absolute value (``torch.abs``).")
sin = _method("sin", "Sine (``torch.sin``).")
cos = _method("cos", "Cosine (``torch.cos``).")
pow = _method("pow", "x ** exponent (``torch.pow``; ``x`` may be a number).", scalar_first=operator.pow)
square = _method("square", "x ** 2 (``torch.square``).")
neg = _method("neg", "-x (``torch.neg``).")


def _bounded(name):
    """``astgrad.clamp`` (``clip``): the method, after PyTorch's check that one of its
    overloads takes the bounds (clamp_overloads.py)."""
    method = _method(name, "")

    def function(input, *args, out=None, **kwargs):
        check_function_bounds(name, input, args, kwargs if out is None else {**kwargs, "out": out})
        return method(input, *args, out=out, **kwargs)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"x limited to [min, max] (``torch.{name}``); both bounds tensors or both numbers."
    return function


clamp = _bounded("clamp")
clip = _bounded("clip")
clamp_min = _method("clamp_min", "x limited below by ``min`` (``torch.clamp_min``).")
clamp_max = _method("clamp_max", "x limited above by ``max`` (``torch.clamp_max``).")


def broadcast_to(input, size):
    """``input`` broadcast to ``size`` (-1 keeps a dimension), as ``input.expand(size)``
    (``torch.broadcast_to``)."""
    return _tensor(input, "broadcast_to").expand(size)


def _spread_and_mean(name, input, dim, unbiased, keepdim, correction):
    t = _tensor(input, name)
    check_kind(name, t)
    if isinstance(dim, bool):       # PyTorch's std_mean(input, unbiased)
        dim, unbiased = None, dim
    spread = (t.std if name == "std_mean" else t.var)(dim, unbiased, keepdim, correction=correction)
    label = "StdMeanBackward0" if name == "std_mean" else "VarMeanBackward0"       # PyTorch's grad_fn
    return labeled(spread, label), labeled(t.mean(dim, keepdim), label)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(std, mean)`` of ``input`` over ``dim`` (all of it by default); the standard
    deviation unbiased unless ``correction=0`` (``torch.std_mean``)."""
    return _spread_and_mean("std_mean", input, dim, unbiased, keepdim, correction)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(var, mean)`` of ``input`` over ``dim`` (all of it by default); the variance
    unbiased unless ``correction=0`` (``torch.var_mean``)."""
    return _spread_and_mean("var_mean", input, dim, unbiased, keepdim, correction)
def _both_tensors(name, doc):
    method = _method(name, doc)

    def function(input, other):
        if not isinstance(other, TensorBase):
            raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not "
                            f"{type(other).__name__}")
        return method(input, other)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return function


maximum = _both_tensors("maximum", "Elementwise maximum (``torch.maximum``).")
minimum = _both_tensors("minimum", "Elementwise minimum (``torch.minimum``).")
split = _method("split", "Pieces of a given size, or of the given sizes, along ``dim`` (``torch.split``).")
chunk = _method("chunk", "``chunks`` pieces of (nearly) equal size along ``dim`` (``torch.chunk``).")
reshape = _method("reshape", "The elements in a new shape (``torch.reshape``).")
transpose = _method("transpose", "Swap dimensions ``dim0`` and ``dim1`` (``torch.transpose``).")
permute = _method("permute", "Reorder all dimensions (``torch.permute``).")
squeeze = _method("squeeze", "Remove dimensions of size 1 (``torch.squeeze``).")
unsqueeze = _method("unsqueeze", "Insert a dimension of size 1 (``torch.unsqueeze``).")
flatten = _method("flatten", "Merge dimensions ``start_dim..end_dim`` (``torch.flatten``).")
gather = _method("gather", "Values picked along ``dim`` at ``index`` (``torch.gather``).")
index_select = _method("index_select", "Slices along ``dim`` at ``index`` (``torch.index_select``).")
flip = _method("flip", "Reverse the order of elements along ``dims`` (``torch.flip``).")
cumsum = _method("cumsum", "Running sum along ``dim`` (``torch.cumsum``).")
select = _method("select", "The slice at ``index`` along ``dim``, that dimension removed (``torch.select``).")
narrow = _method("narrow", "``length`` elements from ``start`` along ``dim`` (``torch.narrow``).")
unbind = _method("unbind", "The slices along ``dim``, a tuple (``torch.unbind``).")
diagonal = _method("diagonal", "The diagonal in dimensions ``dim1``, ``dim2`` (``torch.diagonal``).")
movedim = moveaxis = _method("movedim", "Dimensions moved from ``source`` to ``destination`` "
                                        "(``torch.movedim``).")
swapdims = _method("swapdims", "Swap two dimensions (``torch.swapdims``).")
sort = _method("sort", "``(values, indices)`` sorted along ``dim`` (``torch.sort``).")
argsort = _method("argsort", "The indices that sort along ``dim`` (``torch.argsort``).")
msort = _method("msort", "Sorted along dimension 0 (``torch.msort``).")
topk = _method("topk", "``(values, indices)`` of the ``k`` largest along ``dim`` (``torch.topk``).")
kthvalue = _method("kthvalue", "``(values, indices)`` of the ``k``-th smallest along ``dim`` (``torch.kthvalue``).")
masked_fill = _method("masked_fill", "``value`` where ``mask`` is true (``torch.masked_fill``).")
scatter = _method("scatter", "``src`` (or ``value``) written at ``index`` along ``dim`` (``torch.scatter``).")
scatter_add = _method("scatter_add", "``src`` added at ``index`` along ``dim`` (``torch.scatter_add``).")
scatter_reduce = _method("scatter_reduce", "``src`` reduced into ``input`` at ``index`` along ``dim`` "
                                           "(``torch.scatter_reduce``).")
index_add = _method("index_add", "``alpha * source`` added at ``index`` along ``dim`` (``torch.index_add``).")
index_copy = _method("index_copy", "``source`` written at ``index`` along ``dim`` (``torch.index_copy``).")
index_fill = _method("index_fill", "``value`` written at ``index`` along ``dim`` (``torch.index_fill``).")
masked_scatter = _method("masked_scatter", "``source``'s elements, in order, where ``mask`` is true "
                                           "(``torch.masked_scatter``).")


def _index_put_function(name):
    """``astgrad.index_put`` / ``index_put_``: the method, whose indices are argument 1 of
    the function in PyTorch's message (argument 0 of the method)."""
    method = _method(name, "")

    def function(input, indices, values, accumulate=False):
        try:
            return method(input, indices, values, accumulate)
        except TypeError as error:
            words = str(error)
            if not words.startswith("expected Tensor as element "):
                raise
            raise TypeError(words.replace(" in argument 0,", " in argument 1,")) from None
    function.__name__ = function.__qualname__ = name
    return function


index_put = _index_put_function("index_put")
index_put.__doc__ = ("``values`` written at ``indices`` (a tuple of index tensors), added up with "
                     "``accumulate=True`` (``torch.index_put``).")
index_put_ = _index_put_function("index_put_")
index_put_.__doc__ = "``input.index_put_(indices, values, accumulate)`` (``torch.index_put_``)."
add = _method("add", "x + alpha * y (``torch.add``).", scalar_first=operator.add, two_numbers=True)
sub = _method("sub", "x - alpha * y (``torch.sub``).", scalar_first=operator.sub, two_numbers=True)
mul = _method("mul", "x * y (``torch.mul``).", scalar_first=operator.mul, two_numbers=True)
div = _method("div", "x / y (``torch.div``).", scalar_first=operator.truediv, two_numbers=True)
t = _method("t", "Transpose of a tensor of at most 2 dimensions (``torch.t``).")
numel = _method("numel", "Number of elements (``torch.numel``).")
is_floating_point = _method("is_floating_point", "Whether the dtype is a floating type.")

asin = arcsin = _method("asin", "Inverse sine (``torch.asin``); NaN outside [-1, 1].")
acos = arccos = _method("acos", "Inverse cosine (``torch.acos``); NaN outside [-1, 1].")
atan = arctan = _method("atan", "Inverse tangent (``torch.atan``).")
atan2 = arctan2 = _method("atan2", "The angle of the point (other, input) (``torch.atan2``).")
sinh = _method("sinh", "Hyperbolic sine (``torch.sinh``).")
cosh = _method("cosh", "Hyperbolic cosine (``torch.cosh``).")
asinh = arcsinh = _method("asinh", "Inverse hyperbolic sine (``torch.asinh``).")
acosh = arccosh = _method("acosh", "Inverse hyperbolic cosine (``torch.acosh``); NaN below 1.")
atanh = arctanh = _method("atanh", "Inverse hyperbolic tangent (``torch.atanh``); NaN outside [-1, 1].")
log2 = _method("log2", "Base-2 logarithm (``torch.log2``).")
log10 = _method("log10", "Base-10 logarithm (``torch.log10``).")
exp2 = _method("exp2", "2 ** x (``torch.exp2``).")
reciprocal = _method("reciprocal", "1 / x (``torch.reciprocal``).")
sign = _method("sign", "-1, 0 or 1 (``torch.sign``); the derivative is 0.")
sgn = _method("sgn", "The sign, as ``sign`` for real tensors (``torch.sgn``).")
trunc = fix = _method("trunc", "Rounded towards 0 (``torch.trunc``); the derivative is 0.")
frac = _method("frac", "x - trunc(x) (``torch.frac``).")
hypot = _method("hypot", "sqrt(x ** 2 + y ** 2) (``torch.hypot``).")
fmod = _method("fmod", "Remainder with the sign of the dividend (``torch.fmod``).")
logaddexp = _method("logaddexp", "log(exp(x) + exp(y)) without overflow (``torch.logaddexp``).")
sinc = _method("sinc", "sin(pi x) / (pi x) (``torch.sinc``).")
erf = _method("erf", "Error function (``torch.erf``; needs SciPy).")
erfc = _method("erfc", "Complementary error function (``torch.erfc``; needs SciPy).")
tan = _method("tan", "Tangent (``torch.tan``).")
deg2rad = _method("deg2rad", "Degrees to radians (``torch.deg2rad``).")
rad2deg = _method("rad2deg", "Radians to degrees (``torch.rad2deg``).")
floor = _method("floor", "Rounded down (``torch.floor``); the derivative is 0.")
ceil = _method("ceil", "Rounded up (``torch.ceil``); the derivative is 0.")
_round = _method("round", "")


def round(input, *args, decimals=0, out=None):
    """Rounded half to even, to ``decimals`` places (``torch.round``); the derivative is 0."""
    if args:
        got = ", ".join(["Tensor"] + [type(a).__name__ for a in args])
        raise TypeError(f"round() received an invalid combination of arguments - got ({got}), but expected one "
                        "of:\n * (Tensor input, *, Tensor out = None)\n * (Tensor input, *, int decimals, "
                        "Tensor out = None)\n")
    return _round(input, decimals=decimals, out=out)


_floor_divide = _method("floor_divide", "")


def floor_divide(input, other, *, out=None):
    """x / y rounded down (``torch.floor_divide``; ``x`` may be a number); the derivative is 0."""
    if _plain_number(input) and _plain_number(other):     # floor_divide(7, 2), a 0-d tensor
        input = tensor(input)
    if isinstance(input, numbers.Number) and isinstance(other, TensorBase):    # floor_divide(2.0, x)
        if out is not None:
            return call_with_out("floor_divide", floor_divide, (input, other), {}, out)
        return Tensor.div(input, other, rounding_mode="floor")      # as div(2.0, x, rounding_mode="floor")
    return _floor_divide(input, other, out=out)


true_divide = _method("true_divide", "x / y (``torch.true_divide``).", scalar_first=operator.truediv,
                      two_numbers=True)
signbit = _method("signbit", "Whether the sign bit is set, a bool tensor (``torch.signbit``).")
copysign = _method("copysign", "|x| with the sign of y (``torch.copysign``).")
heaviside = _method("heaviside", "0 below 0, 1 above, ``values`` at 0 (``torch.heaviside``).")
logaddexp2 = _method("logaddexp2", "log2(2 ** x + 2 ** y) without overflow (``torch.logaddexp2``).")
logit = _method("logit", "log(x / (1 - x)), of x clamped to [eps, 1 - eps] if given (``torch.logit``).")
erfinv = _method("erfinv", "Inverse error function (``torch.erfinv``).")
lgamma = _method("lgamma", "log |gamma(x)| (``torch.lgamma``).")
digamma = _method("digamma", "The derivative of lgamma (``torch.digamma``).")
i0 = _method("i0", "Modified Bessel function of the first kind, order 0 (``torch.i0``).")


def polygamma(n, input, *, out=None):
    """The ``n``-th derivative of digamma (``torch.polygamma(n, input)``)."""
    if out is not None:
        return call_with_out("polygamma", lambda x, order: polygamma(order, x), (input, n), {}, out)
    if isinstance(n, TensorBase) and n._data.ndim == 0 and n._data.dtype.kind in "iu":
        n = int(n)          # as PyTorch's function (not its method) takes a 0-d integer tensor
    return _tensor(input, "polygamma").polygamma(n)


nan_to_num = _method("nan_to_num", "NaN and infinities replaced by finite values (``torch.nan_to_num``).")
lerp = _method("lerp", "input + weight * (end - input) (``torch.lerp``).")
addcmul = _method("addcmul", "input + value * tensor1 * tensor2 (``torch.addcmul``).")
addcdiv = _method("addcdiv", "input + value * tensor1 / tensor2 (``torch.addcdiv``).")
cumprod = _method("cumprod", "Running product along ``dim`` (``torch.cumprod``).")
cummax = _method("cummax", "Running maximum along ``dim``: ``(values, indices)`` (``torch.cummax``).")
cummin = _method("cummin", "Running minimum along ``dim``: ``(values, indices)`` (``torch.cummin``).")
logcumsumexp = _method("logcumsumexp", "log(cumsum(exp(x))) along ``dim`` (``torch.logcumsumexp``).")
diff = _method("diff", "n-th forward difference along ``dim`` (``torch.diff``).")
roll = _method("roll", "Elements shifted cyclically along ``dims`` (``torch.roll``).")
tril = _method("tril", "Lower triangle of the last two dimensions (``torch.tril``).")
triu = _method("triu", "Upper triangle of the last two dimensions (``torch.triu``).")
diag = _method("diag", "Diagonal matrix of a vector, or diagonal of a matrix (``torch.diag``).")
kron = _method("kron", "Kronecker product (``torch.kron``).")
cross = _method("cross", "Cross product of 3-vectors along ``dim`` (``torch.cross``).")


def _number_first(name, doc):
    """A function of two tensors whose first argument may also be a number, as PyTorch's."""
    method = _method(name, doc)

    def function(input, other):
        if isinstance(input, numbers.Number) and isinstance(other, TensorBase):
            return getattr(Tensor, name)(input, other)      # the method only records op(input, other)
        return method(input, other)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return function


remainder = _number_first("remainder", "Remainder with the sign of the divisor, Python's % "
                                       "(``torch.remainder``).")
xlogy = _number_first("xlogy", "x * log(y), 0 where x is 0 (``torch.xlogy``; needs SciPy).")


def is_tensor(obj):
    return isinstance(obj, TensorBase)


def dot(input, other):
    """Dot product of two 1-D tensors (``torch.dot``)."""
    check_tensor_argument("dot", "input", 1, input)
    check_tensor_argument("dot", "tensor", 2, other)
    a, b = numpy.shape(raw(input)), numpy.shape(raw(other))
    da, db = numpy.asarray(raw(input)).dtype, numpy.asarray(raw(other)).dtype
    if da != db:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {_dtype_name(da)} "
                           f"and {_dtype_name(db)}")
    if len(a) != 1 or len(b) != 1:
        raise RuntimeError(f"1D tensors expected, but got {len(a)}D and {len(b)}D tensors")
    if a != b:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a[0]}] and src [{b[0]}] to "
                           f"have the same number of elements, but got {a[0]} and {b[0]} elements "
                           "respectively")
    return apply(numpy.dot, (input, other))


def outer(input, vec2):
    """Outer product of two vectors (``torch.outer``)."""
    check_tensor_argument("outer", "input", 1, input)
    check_tensor_argument("outer", "vec2", 2, vec2)
    for argument, value in (("self", input), ("vec2", vec2)):
        if numpy.ndim(raw(value)) != 1:         # NumPy's outer flattens them
            raise RuntimeError(f"outer: Expected 1-D argument {argument}, but got {numpy.ndim(raw(value))}-D")
    return apply(numpy.outer, promoted_pair(input, vec2))


def trace(input):
    """Sum of the diagonal of a matrix (``torch.trace``)."""
    return _tensor(input, "trace").trace()


def where(condition, input=None, other=None, *, out=None):
    """``input`` where ``condition`` holds, else ``other``; with only ``condition``, the
    indices of its true elements (``torch.where``)."""
    if out is not None:
        for position, (argument, value) in enumerate((("condition", condition), ("input", input),
                                                       ("other", other)), 1):
            if not isinstance(value, TensorBase):     # PyTorch's where with out= takes tensors only
                raise TypeError(f"where(): argument '{argument}' (position {position}) must be Tensor, not "
                                f"{type(value).__name__}")
        return call_with_out("where", where, (condition, input, other), {}, out)
    check_tensor_argument("where", "condition", 1, condition)
    if input is None and other is None:
        return tuple(Tensor(i) for i in numpy.nonzero(raw(condition)))
    check_tensor_argument("where", "input", 2, input, number=True)
    check_tensor_argument("where", "other", 3, other, number=True)
    check_broadcastable(raw(condition), raw(input), raw(other))
    cond = numpy.asarray(raw(condition))
    if cond.dtype != numpy.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with "
                           f"dtype {_dtype_name(cond.dtype)}")
    return apply(numpy.where, (cond,) + promoted_pair(input, other))


_SCALAR_TYPE_NAMES = {"float64": "Double", "float32": "Float", "float16": "Half", "int64": "Long",
                      "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte"}


def _dtype_name(dtype):
    """PyTorch's name of a scalar type, as its messages print it (``Double``, ``Long``)."""
    return _SCALAR_TYPE_NAMES.get(dtype.name, dtype.name)


def _check_tensors(name, tensors):
    if isinstance(tensors, TensorBase):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor")
    tensors = list(tensors)
    for i, t in enumerate(tensors):
        if not isinstance(t, (TensorBase, numpy.ndarray)):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    if not tensors:
        if name == "stack":
            raise RuntimeError("stack expects a non-empty TensorList")
        raise ValueError(f"astgrad.{name}(): expected a non-empty list of Tensors")
    return tensors


def _joined_into(name, join, tensors, dim, out):
    """``join(tensors, dim)`` written into ``out`` (PyTorch's ``cat``/``stack`` with ``out=``)."""
    tensors = _check_tensors(name, tensors)
    check_out_inputs(out, tensors)
    return call_with_out(name, join, (tensors, dim), {}, out, stacklevel=4)


def cat(tensors, dim=0, *, out=None):
    """Join tensors along an existing dimension (``torch.cat``)."""
    if out is not None:
        return _joined_into("cat", cat, tensors, dim, out)
    tensors = _check_tensors("cat", tensors)
    check_int_argument("cat", "dim", 2, dim)
    shapes = [numpy.shape(raw(x)) for x in tensors]
    for i, shape in enumerate(shapes):
        if not shape:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    first = shapes[0]
    for i, shape in enumerate(shapes[1:], 1):
        if len(shape) != len(first):
            raise RuntimeError(f"Tensors must have same number of dimensions: got {len(first)} and "
                               f"{len(shape)}")
        for axis, (n, m) in enumerate(zip(first, shape)):
            if axis != dim % len(first) and n != m:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}. Expected "
                                   f"size {n} but got size {m} for tensor number {i} in the list.")
    return apply(numpy.concatenate, (tensors,), {"axis": dim})


concat = cat


def stack(tensors, dim=0, *, out=None):
    """Join tensors along a new dimension (``torch.stack``)."""
    if out is not None:
        return _joined_into("stack", stack, tensors, dim, out)
    tensors = _check_tensors("stack", tensors)
    shapes = [numpy.shape(raw(x)) for x in tensors]
    for i, shape in enumerate(shapes[1:], 1):
        if shape != shapes[0]:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shapes[0])} "
                               f"at entry 0 and {list(shape)} at entry {i}")
    return apply(numpy.stack, (tensors,), {"axis": dim})


def einsum(equation, *operands):
    """Einstein summation (``torch.einsum``; operands may also be given as one list)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    check_einsum(equation, operands)
    if operands and all(isinstance(x, TensorBase) for x in operands):      # NumPy would promote
        check_same_dtypes(operands, "expected scalar type {} but found {}")
    return apply(numpy.einsum, (equation,) + tuple(operands))
