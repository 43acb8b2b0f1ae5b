"""``x.flat`` on a tensor: NumPy code handed a tensor reads its elements in order
(``sum(x.flat)``, ``x.flat[3]``, ``for v in x.flat``, ``numpy.sum(x.flat)``). PyTorch's Tensor has no ``.flat``;
the tape gives a read-only one whose elements carry their gradient, and says what to
write where NumPy code writes through it (``x.flat[i] = v``, ``x.flat = v``).
"""

__all__ = ["FlatElements", "flat_property"]

_WRITE_ADVICE = ("a tensor's .flat is read-only (PyTorch's Tensor has no .flat; astgrad gives one "
                 "to read the elements in order): write through a flat view instead, "
                 "x.view(-1)[i] = v, as in PyTorch, or build a new tensor")


class FlatElements:
    """The elements of a tensor in row-major order, as NumPy's ``x.flat`` gives them:
    each read goes through ``x.reshape(-1)`` at that moment, so it sees the tensor as it
    is then and records the read on the tape. Like NumPy's, it is an iterator that
    advances as it is read (a second pass over one held in a name is empty, ``next``
    takes the next element), and an index reads from the start and resets it there."""

    __slots__ = ("_tensor", "_index")

    def __init__(self, tensor):
        self._tensor = tensor
        self._index = 0

    def _elements(self):
        return self._tensor.reshape(-1)

    def __getitem__(self, index):
        self._index = 0             # as NumPy's flatiter
        return self._elements()[index]

    def __setitem__(self, index, value):
        raise TypeError(f"astgrad: x.flat[{index!r}] = ...: {_WRITE_ADVICE}")

    def __iter__(self):
        return self

    def __next__(self):
        if self._index >= len(self):
            raise StopIteration
        self._index += 1
        return self._elements()[self._index - 1]

    def __len__(self):
        return self._tensor._data.size

    # NumPy reads x.flat as the 1-d array of the elements (numpy.sum(x.flat), numpy.sin(x.flat)):
    # hand NumPy the flat tensor, whose own overrides record the call
    def __array_function__(self, func, types, args, kwargs):
        return func(*_unflat(args), **kwargs)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return getattr(ufunc, method)(*_unflat(inputs), **kwargs)

    def __repr__(self):
        return f"<flat elements of {self._tensor!r}>"


def _unflat(values):
    return [v._elements() if isinstance(v, FlatElements) else v for v in values]


def _refuse_assignment(tensor, value):
    raise AttributeError(f"x.flat = ...: {_WRITE_ADVICE}")


flat_property = property(FlatElements, _refuse_assignment,
                         doc="The elements in row-major order, read-only (NumPy's x.flat).")
