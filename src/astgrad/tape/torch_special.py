"""Tensor methods with PyTorch's names for special functions: ``tan``, ``deg2rad``,
``rad2deg``, ``logaddexp2``, ``logit(eps=)``, ``erfinv``, ``lgamma``, ``digamma``,
``polygamma`` and ``i0``.

All are computed with NumPy alone (astgrad's runtime has ``erfinv``, ``lgamma`` and the
polygamma functions, special_functions.py), so SciPy is not needed; each records a
function with a derivative rule, so derivatives of any order come from the engine. An
integer or bool tensor gives floats, as PyTorch's. Their values at the ends of the domains
(poles, inf) come without NumPy's RuntimeWarnings, as PyTorch's.
"""

import numpy

from .. import runtime
from .grad_fn import labeled
from .record import apply, floated, quietly, unary
from .saved_composites import saving
from .torch_arguments import check_tensor_argument
from .torch_kinds import check_kind

__all__ = ["SpecialMethods"]


class SpecialMethods:
    """PyTorch's special functions of one tensor (and ``logaddexp2`` of two)."""

    __slots__ = ()

    def tan(self):
        with quietly():     # tan(inf): NaN, as PyTorch's, without NumPy's warning
            return unary(numpy.tan, floated(self))

    def deg2rad(self):
        return labeled(unary(numpy.deg2rad, floated(self)), "Deg2RadBackward0")

    def rad2deg(self):
        return labeled(unary(numpy.rad2deg, floated(self)), "Rad2DegBackward0")

    def logaddexp2(self, other):
        """``log2(2 ** self + 2 ** other)``, computed without overflow."""
        check_tensor_argument("logaddexp2", "other", 1, other)
        check_kind("logaddexp2", self, other)
        with quietly():
            return labeled(apply(numpy.logaddexp2, (self, other)), "Logaddexp2Backward0")

    def logit(self, eps=None):
        """``log(x / (1 - x))``: -inf at 0, inf at 1, NaN outside [0, 1]. With ``eps``, of
        ``x`` clamped to [eps, 1 - eps]: the derivative is 0 outside that range and at its
        bounds is the one inside, as PyTorch's."""
        x = floated(self)
        if eps is not None:
            x = x.clamp(eps, 1.0 - eps)
        # 2 log(sqrt(x)) - 2 log(sqrt(1 - x)): its derivative 1/x + 1/(1 - x) is inf at 0 and
        # at 1, and NaN outside [0, 1] (where sqrt is NaN), as PyTorch's
        with quietly():
            inside, outside = unary(numpy.sqrt, x), unary(numpy.sqrt, 1.0 - x)
            # PyTorch's node saves the input
            return saving(2.0 * (unary(numpy.log, inside) - unary(numpy.log, outside)), "LogitBackward0", (self,))

    def erfinv(self):
        """The inverse of ``erf``: inf at 1, -inf at -1, NaN outside [-1, 1]."""
        with quietly():
            return labeled(apply(runtime.erfinv, (floated(self),)), "ErfinvBackward0")

    def lgamma(self):
        """``log |gamma(x)|``: inf at 0, -1, -2, ... and at -inf."""
        with quietly():
            return labeled(apply(runtime.lgamma, (floated(self),)), "LgammaBackward0")

    def digamma(self):
        """The derivative of ``lgamma``: -inf at 0.0 (inf at -0.0), NaN at -1, -2, ...
        and at -inf."""
        with quietly():
            return labeled(apply(runtime.polygamma, (0, floated(self))), "DigammaBackward0")

    def polygamma(self, n):
        """The ``n``-th derivative of ``digamma`` (``x.polygamma(n)``, PyTorch's order)."""
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}")
        if n < 0:
            raise RuntimeError("polygamma(n, x) does not support negative n.")
        with quietly():
            return labeled(apply(runtime.polygamma, (n, floated(self))), "PolygammaBackward0")

    def i0(self):
        """The modified Bessel function of the first kind of order 0."""
        with quietly():
            return labeled(unary(numpy.i0, floated(self)), "I0Backward0")
