"""``wrt``, as users write it (an index, a parameter name, or a tuple of them), as the
parameter indices the engine differentiates with respect to. Shared by the transforms
users call and by the normalizer, which meets ``astgrad.grad(f, wrt)`` inside code."""

import inspect
import numbers

from .functions import public_parameter_names, underlying


def normalize_wrt(f, wrt):
    """(indices, single): the parameter indices ``wrt`` names in ``f``'s public signature,
    and whether ``wrt`` named one argument rather than a tuple of them."""
    fn = underlying(f)
    if not inspect.isfunction(fn):
        raise TypeError(f"astgrad can only differentiate Python functions; got {f!r}. "
                        "Wrap it in a def that calls it.")
    names = public_parameter_names(f)
    single = not isinstance(wrt, (tuple, list))
    items = [wrt] if single else list(wrt)
    if not items:
        raise ValueError("wrt must name at least one argument")
    indices = [_index(fn, names, item) for item in items]
    if len(set(indices)) != len(indices):
        raise ValueError(f"wrt={wrt!r} names the same argument twice")
    return tuple(indices), single


def _index(fn, names, item):
    if isinstance(item, str):
        if item not in names:
            raise ValueError(f"wrt={item!r}: {fn.__qualname__} has no parameter named {item!r}; "
                             f"its parameters are {names}")
        return names.index(item)
    if isinstance(item, numbers.Integral) and not isinstance(item, bool):
        position = int(item)
        if not -len(names) <= position < len(names):
            raise ValueError(f"wrt={item}: {fn.__qualname__} has {len(names)} parameter(s) "
                             f"{names}, so wrt must be in range({len(names)})")
        return position % len(names)
    raise TypeError(f"wrt must be an int, a parameter name or a tuple of them; got {item!r}")
