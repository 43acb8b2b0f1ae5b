"""``astgrad.return_types``: the named tuples that ``max(dim)``, ``min(dim)``, ... return,
printed as PyTorch prints ``torch.return_types.max(values=..., indices=...)``."""

import collections

__all__ = ["max", "min", "sort", "topk", "named_result"]


def named_result(name):
    """A named tuple ``(values, indices)`` printed as ``astgrad.return_types.<name>(...)``."""
    base = collections.namedtuple(name, ["values", "indices"])

    def __repr__(self):
        return (f"astgrad.return_types.{name}(\nvalues={self.values!r},\n"
                f"indices={self.indices!r})")

    return type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__module__": __name__,
                                "__doc__": f"What {name}(dim) returns: the values and their indices."})


max = named_result("max")
min = named_result("min")
sort = named_result("sort")
topk = named_result("topk")
