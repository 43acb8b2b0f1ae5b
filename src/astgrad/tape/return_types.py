"""``astgrad.return_types``: the named tuples that ``max(dim)``, ``min(dim)``, ... return,
printed as PyTorch prints ``torch.return_types.max(values=..., indices=...)``."""

import collections

__all__ = ["max", "min", "sort", "topk", "kthvalue", "cummax", "cummin", "named_result"]


def named_result(name):
    """A named tuple ``(values, indices)`` printed as ``astgrad.return_types.<name>(...)``."""
    base = collections.namedtuple(name, ["values", "indices"])

    def __repr__(self):
        return (f"astgrad.return_types.{name}(\nvalues={self.values!r},\n"
                f"indices={self.indices!r})")

    def not_an_array(self):
        also = f" (or a{name}(dim, keepdim=True), which gives the values only)" if name in ("max", "min") else ""
        return TypeError(f"astgrad.return_types.{name} is the pair (values, indices) that {name}(dim) returns, "
                         f"as in PyTorch, not a tensor: use its .values{also}")

    def __array__(self, dtype=None, copy=None):
        # NumPy arithmetic (t - t.max(dim=1)) and functions would read the pair as an array
        raise not_an_array(self)

    def __getitem__(self, key):
        if not isinstance(key, slice) and not hasattr(type(key), "__index__"):   # as the values: r[:, 0]
            raise not_an_array(self)
        return base.__getitem__(self, key)

    return type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__array__": __array__,
                                "__getitem__": __getitem__, "__module__": __name__,
                                "__doc__": f"What {name}(dim) returns: the values and their indices."})


max = named_result("max")
min = named_result("min")
sort = named_result("sort")
topk = named_result("topk")
kthvalue = named_result("kthvalue")
cummax = named_result("cummax")
cummin = named_result("cummin")
