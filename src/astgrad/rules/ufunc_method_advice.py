"""What to write instead of ``ufunc.reduce`` and ``ufunc.reduceat`` of a two-argument ufunc
astgrad differentiates the ``accumulate`` of (``numpy.logaddexp``, ``numpy.divide``, ...):
their reductions have no rule, and the running values ``accumulate`` gives end in them."""

import numpy


def reduction_advice(obj, has_rule):
    """For ``obj`` the bound ``reduce`` or ``reduceat`` of a ufunc whose ``accumulate``
    ``has_rule``: what to write instead; else None."""
    ufunc = getattr(obj, "__self__", None)
    method = getattr(obj, "__name__", None)
    if not isinstance(ufunc, numpy.ufunc) or method not in ("reduce", "reduceat") or not has_rule(ufunc.accumulate):
        return None
    running = f"numpy.{ufunc.__name__}.accumulate"
    last = (f"the last item of {running} along the axis, {running}(x)[-1] along axis 0, "
            f"numpy.take({running}(x, axis), -1, axis) along another")
    if method == "reduce":
        return f"astgrad follows {running}, whose last item is the reduction: write {last}"
    return (f"astgrad follows {running}, whose last item is a segment's reduction: for each segment x[i:j] "
            f"write {last.replace('(x', '(x[i:j]')}")
