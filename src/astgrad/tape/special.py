"""``astgrad.special``: PyTorch's ``torch.special`` functions the tape computes, with
``torch.special``'s names and arguments (``astgrad.special.expit(x)``,
``astgrad.special.logit(x, eps=1e-6)``, ``astgrad.special.gammaln(x)``, ...).

Each takes a tensor (a list or an array raises PyTorch's ``TypeError``) and is the tape's
function of the same meaning, so it records what that records. ``erf``, ``erfc``,
``erfcx``, ``xlogy``, ``xlog1py``, ``ndtr``, ``ndtri`` and ``log_ndtr`` record
``scipy.special``'s functions and need SciPy; the others are computed with NumPy alone.
"""

import math
import numbers

from .. import runtime
from .grad_fn import labeled
from .record import TensorBase, apply, floated, promoted_pair
from .torch_elementwise import scipy_special

__all__ = ["digamma", "psi", "polygamma", "multigammaln", "gammaln", "erf", "erfc", "erfcx", "erfinv",
           "expit", "exp2", "expm1", "log1p", "logit", "xlogy", "xlog1py", "i0", "i1", "i0e", "i1e", "entr",
           "ndtr", "ndtri", "log_ndtr", "sinc", "round", "softmax", "log_softmax", "logsumexp"]


def _tensor(input, name, position=1, argument="input"):
    if not isinstance(input, TensorBase):
        raise TypeError(f"special_{name}(): argument '{argument}' (position {position}) must be Tensor, "
                        f"not {type(input).__name__}")
    return input


def _same(name, method, doc):
    """``astgrad.special.<name>(input, ...)``: the tensor method ``method``."""
    def function(input, *args, **kwargs):
        return getattr(_tensor(input, name), method)(*args, **kwargs)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return function


def _scipy(name, doc, pair=False):
    """``astgrad.special.<name>``: ``scipy.special.<name>`` recorded on floats."""
    def function(input, *others):
        if pair:
            (other,) = others
            if not (isinstance(input, TensorBase) or isinstance(other, TensorBase)) \
                    or not all(isinstance(v, (TensorBase, numbers.Number)) for v in (input, other)):
                raise TypeError(f"special_{name}(): arguments 'input' and 'other' must be tensors or a "
                                f"tensor and a number, not {type(input).__name__} and {type(other).__name__}")
            operands = promoted_pair(input, other, floats=True)
            return apply(scipy_special(name), operands)
        x = floated(_tensor(input, name))
        return apply(scipy_special(name), (x,))
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return function


digamma = psi = _same("digamma", "digamma", "The derivative of ``gammaln``: -inf at 0, NaN at -1, -2, ...")
gammaln = _same("gammaln", "lgamma", "log |gamma(x)|: inf at 0, -1, -2, ...")
erfinv = _same("erfinv", "erfinv", "The inverse of ``erf``: inf at 1, -inf at -1, NaN outside [-1, 1].")
expit = _same("expit", "sigmoid", "1 / (1 + exp(-x)), the inverse of ``logit``.")
exp2 = _same("exp2", "exp2", "2 ** x.")
expm1 = _same("expm1", "expm1", "exp(x) - 1, exact for small x.")
log1p = _same("log1p", "log1p", "log(1 + x), exact for small x.")
logit = _same("logit", "logit", "log(x / (1 - x)), of x clamped to [eps, 1 - eps] if ``eps`` is given.")
i0 = _same("i0", "i0", "The modified Bessel function of the first kind, order 0.")
sinc = _same("sinc", "sinc", "sin(pi x) / (pi x), 1 at 0.")
round = _same("round", "round", "Rounded half to even, to ``decimals`` places; the derivative is 0.")
softmax = _same("softmax", "softmax", "Softmax along ``dim``.")
log_softmax = _same("log_softmax", "log_softmax", "Log of the softmax along ``dim``.")
logsumexp = _same("logsumexp", "logsumexp", "log(sum(exp(x))) along ``dim``.")
erf = _scipy("erf", "The error function (SciPy's).")
erfc = _scipy("erfc", "1 - erf(x) (SciPy's).")
erfcx = _scipy("erfcx", "exp(x ** 2) erfc(x) (SciPy's).")
ndtr = _scipy("ndtr", "The standard normal distribution function (SciPy's).")
ndtri = _scipy("ndtri", "The inverse of ``ndtr`` (SciPy's).")
log_ndtr = _scipy("log_ndtr", "log(ndtr(x)), exact in the left tail (SciPy's).")
xlogy = _scipy("xlogy", "input * log(other), 0 where input is 0 (SciPy's).", pair=True)
xlog1py = _scipy("xlog1py", "input * log1p(other), 0 where input is 0 (SciPy's).", pair=True)


def polygamma(n, input):
    """The ``n``-th derivative of ``digamma`` (``torch.special.polygamma(n, input)``)."""
    return _tensor(input, "polygamma", 2).polygamma(n)


def i1(input):
    """The modified Bessel function of the first kind, order 1."""
    return labeled(apply(runtime.bessel_i, (1, floated(_tensor(input, "i1")))), "I1Backward0")


def i0e(input):
    """``exp(-|x|) * i0(x)``, the exponentially scaled Bessel function of order 0 (finite
    where ``i0`` overflows)."""
    return labeled(apply(runtime.bessel_ie, (0, floated(_tensor(input, "i0e")))), "SpecialI0EBackward0")


def i1e(input):
    """``exp(-|x|) * i1(x)``, the exponentially scaled Bessel function of order 1."""
    return labeled(apply(runtime.bessel_ie, (1, floated(_tensor(input, "i1e")))), "SpecialI1EBackward0")


def entr(input):
    """``-x * log(x)``: 0 at 0, -inf below 0; its derivative ``-(1 + log(x))`` is inf at 0."""
    return labeled(apply(runtime.entr, (floated(_tensor(input, "entr")),)), "SpecialEntrBackward0")


def multigammaln(input, p):
    """The log of the multivariate gamma function of dimension ``p``: the sum of
    ``gammaln(input - j / 2)`` for j < p, plus ``p (p - 1) / 4 log(pi)``."""
    if _tensor(input, "multigammaln")._data.dtype == bool:
        raise RuntimeError("The input tensor may not be a boolean tensor.")
    x = floated(input)
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    total = x.lgamma()
    for j in range(1, p):
        total = total + (x - j / 2).lgamma()
    return total + p * (p - 1) / 4 * math.log(math.pi)


def __getattr__(name):
    """PyTorch's ``torch.special`` functions astgrad does not have: say which it has."""
    if name.startswith("__"):
        raise AttributeError(f"module 'astgrad.special' has no attribute '{name}'")
    raise AttributeError(f"astgrad.special has no function {name}: it has {', '.join(__all__)} (docs/tape-functions.md); "
                         "compute it from these, the tensor methods and NumPy functions, which are recorded")
