"""``astgrad.Size``: the shape of a tensor, a tuple of ints that prints like PyTorch's
``torch.Size`` (``astgrad.Size([2, 3])``), and PyTorch's messages for dimensions out of
range."""

__all__ = ["Size", "dim_error", "check_dim"]


class Size(tuple):
    """A tensor's shape: a tuple of ints (``x.shape``, ``x.size()``)."""

    __slots__ = ()

    def __new__(cls, sizes=()):
        return tuple.__new__(cls, (int(n) for n in sizes))

    def __repr__(self):
        return f"astgrad.Size([{', '.join(str(n) for n in self)}])"

    __str__ = __repr__

    def __getitem__(self, index):
        item = tuple.__getitem__(self, index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def numel(self):
        """The number of elements of a tensor of this shape."""
        n = 1
        for k in self:
            n *= k
        return n


def dim_error(dim, ndim):
    """PyTorch's IndexError for a dimension outside ``[-ndim, ndim - 1]``."""
    low, high = (-ndim, ndim - 1) if ndim else (-1, 0)
    return IndexError(f"Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})")


def check_dim(dim, ndim):
    """``dim`` as a non-negative int, or PyTorch's IndexError."""
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise dim_error(dim, ndim)
    return dim % max(ndim, 1)
