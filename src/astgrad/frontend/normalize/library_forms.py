"""NumPy functions without a derivative rule of their own that are short compositions of
functions with one, written here in Python: a call of one (``numpy.trapezoid(y, t)``) is
a call of its form below, which astgrad differentiates like a helper of the user's.
Each form computes what NumPy computes (tests/test_library_forms.py compares them)."""

import numpy


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """``numpy.trapezoid`` (``numpy.trapz`` before NumPy 2): the trapezoid rule along
    ``axis``, over the sample points ``x`` (1-d, or shaped like ``y``) or a spacing ``dx``."""
    ends = numpy.moveaxis(y, axis, -1)
    total = ends[..., 1:] + ends[..., :-1]
    if x is None:
        return numpy.sum(total, axis=-1) * (dx / 2.0)
    if numpy.ndim(x) == 1:
        return numpy.sum(total * numpy.diff(x), axis=-1) / 2.0
    return numpy.sum(total * numpy.moveaxis(numpy.diff(x, axis=axis), axis, -1), axis=-1) / 2.0


trapezoid.__astgrad_form__ = True


def library_form(target):
    """The Python form a call of ``target`` is differentiated as, or None."""
    if target is None:
        return None
    if target is getattr(numpy, "trapezoid", None) or target is getattr(numpy, "trapz", None):
        return trapezoid
    return None
