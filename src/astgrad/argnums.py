"""JAX's ``argnums=``, the positions of the arguments to differentiate, as astgrad's
``wrt=``, which also takes parameter names and attribute paths.

``FIRST`` is the default of ``wrt`` (the number 0, shown so in signatures), told apart
from a ``wrt=0`` the caller wrote, so that giving both names is refused."""

import inspect
import numbers


class _First(int):
    """The default ``wrt``: argument 0."""

    def __repr__(self):
        return "0"


FIRST = _First(0)


def _is_position(item):
    return isinstance(item, numbers.Integral) and not isinstance(item, bool)


def chosen_wrt(transform, f, wrt, argnums):
    """The ``wrt`` that ``wrt`` or ``argnums`` (JAX's name: ints, or a tuple or list of
    them; negative counts from the end) gives ``transform`` of ``f``."""
    if argnums is None:
        return 0 if wrt is FIRST else wrt       # a plain 0 from here on (what the transforms keep and pickle)
    if wrt is not FIRST:
        raise TypeError(f"{transform} got both wrt={wrt!r} and argnums={argnums!r}, which name the same "
                        f"thing (argnums is JAX's name for wrt); keep one of them")
    if _is_position(argnums):
        _refuse_negative_beyond(transform, f, (argnums,), argnums)
        return int(argnums)
    if isinstance(argnums, (tuple, list)) and all(_is_position(item) for item in argnums):
        _refuse_negative_beyond(transform, f, argnums, argnums)
        return tuple(int(item) for item in argnums)
    raise TypeError(f"{transform}: argnums must be an int or a tuple of ints (the positions of the "
                    f"arguments to differentiate), got {argnums!r}; to name a parameter or an "
                    f"attribute use wrt= (wrt='x', wrt='model.W')")


def _refuse_negative_beyond(transform, f, items, argnums):
    """JAX counts a negative argnums from the end of the positional arguments passed;
    astgrad's wrt from the end of the parameters. The two agree where every positional
    parameter must be passed: elsewhere a negative argnums is refused."""
    if all(item >= 0 for item in items):
        return
    try:
        parameters = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        parameters = None
    optional = parameters is None or any(
        p.kind is p.VAR_POSITIONAL or (p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                                       and p.default is not p.empty) for p in parameters)
    if optional:
        raise TypeError(f"{transform}: argnums={argnums!r} counts from the end of the arguments each call "
                        f"passes (as in JAX), which is not known before the call for a function with "
                        f"optional positional parameters or *args; give the position from the start "
                        f"(argnums=0) or the parameter's name (wrt='x')")
