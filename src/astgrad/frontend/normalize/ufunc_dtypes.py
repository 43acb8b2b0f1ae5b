"""A ufunc told the dtype to compute in: ``numpy.power(a, b, dtype=numpy.float32)``.

NumPy casts each operand to that dtype (with ``casting="same_kind"`` unless told
otherwise) and runs the ufunc's loop of that dtype. For a ufunc whose loops take and give
one dtype (``power``, ``exp``, ``add``, ...) that is exactly
``numpy.power(numpy.asarray(a).astype(numpy.float32, casting="same_kind"), ...)``, so the
call is lowered to those casts, which both modes differentiate at every order, and NumPy's
own cast raises where the call would (a complex operand and a float dtype).

Only a float or complex dtype written out (``numpy.float32``, ``"float32"``, ``float``)
is lowered (a complex one meets the refusal of complex values). An integer dtype, or one held in a variable, is left to the call: it runs as
NumPy runs it on values without a derivative, and the rule refuses it on one with a
derivative (modes' bind errors, ``dtype_advice``).
"""

import gast
import numpy

from ...core import syntax as S
from ...core.missing import MISSING
from ...rules import registry


class UfuncDtypeLowering:
    """Normalizer method for a differentiable ufunc called with a float ``dtype=``."""

    def ufunc_dtype_call(self, node):
        """``ufunc(a, b, dtype=D)`` as ``ufunc(cast(a), cast(b))`` with D's loop; None
        for any other call."""
        ufunc = self.resolve_call(node)
        keywords = {kw.arg: kw.value for kw in node.keywords}
        if not isinstance(ufunc, numpy.ufunc) or "dtype" not in keywords or None in keywords \
                or set(keywords) - {"dtype", "casting"} or len(node.args) != ufunc.nin \
                or any(isinstance(a, gast.Starred) for a in node.args):
            return None
        record = registry.primitive(ufunc)
        dtype = self.written_dtype(keywords["dtype"])
        if record is None or not record.differentiable or dtype is None or dtype.kind not in "fc" \
                or f"{dtype.char * ufunc.nin}->{dtype.char}" not in ufunc.types:
            return None
        casting = keywords.get("casting", S.const("same_kind"))
        numpy_name = self.bind(numpy.asarray)
        operands = [gast.Call(func=gast.Attribute(value=gast.Call(func=S.name(numpy_name), args=[arg], keywords=[]),
                                                  attr="astype", ctx=gast.Load()),
                              args=[S.copy(keywords["dtype"])],
                              keywords=[gast.keyword(arg="casting", value=S.copy(casting))])
                    for arg in node.args]
        return self.expr(gast.copy_location(gast.Call(func=node.func, args=operands, keywords=[]), node))

    def written_dtype(self, value):
        """The dtype ``value`` names when it is written out (a string, ``float``, a NumPy
        scalar type or dtype reached by a global name path), else None."""
        if isinstance(value, gast.Constant) and isinstance(value.value, str):
            obj = value.value
        else:
            path = S.dotted_path(value)
            if path is None or path[0] in self.locals:
                return None
            obj = self.source.resolve_path(path)
            if obj is MISSING or not (isinstance(obj, (type, numpy.dtype))):
                return None
        try:
            return numpy.dtype(obj)
        except TypeError:
            return None
