"""``ShapeInfo``: the shape and dtype the forward sweep saves in place of an overwritten
array whose only use in the reverse sweep is its shape (``shape_of``). Generated code
finds them through ``astgrad.runtime``.
"""

import numpy

from .core import originals

# the helpers call NumPy as astgrad found it (see runtime.py)
numpy = originals.snapshot(numpy)


class ShapeInfo:
    """What the shape helpers need of an array (shape and dtype), without its data.

    The forward sweep saves this instead of an overwritten array whose only use in
    the reverse sweep is to tell ``unbroadcast`` or ``unreduce`` a shape.
    """

    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype):
        self.shape = shape
        self.dtype = dtype

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        """The number of elements (code specialized to its arguments reads ``x.size``
        where ``x`` is an array, which a restore may have replaced by its ShapeInfo)."""
        return int(numpy.prod(self.shape, dtype=int))

    def __repr__(self):
        return f"ShapeInfo({self.shape}, {self.dtype})"


def shape_of(x):
    """``x``'s shape and dtype if it is an array (else ``x``, which is small anyway)."""
    if isinstance(x, numpy.ndarray):
        return ShapeInfo(x.shape, x.dtype)
    return x
