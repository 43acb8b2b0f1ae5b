"""The seeds of an exported derivative of order 2 or more.

Such a function differentiates a gradient, whose output has the shape of the arguments
it is taken with respect to, and it takes that output's seed as a keyword parameter
(``dd_d_x=1.0``) after the seed of the function's own output (``d_loss=1.0``).
Generated code takes each seed shaped like the output it seeds, as astgrad's own
transforms always pass it; the exported function is called by hand, with the default
``1.0``, so its first lines make each such seed that shape: a number stands for itself
in every element (1.0: the derivative of the sum of the gradient's elements, as 1.0 is
for a scalar output). ``exporting.export`` writes those lines and copies ``seed_like``
into the module.
"""

import inspect
import types

import numpy


def seed_like(seed, like):
    """``seed`` as the seed of a gradient taken w.r.t. ``like`` (an argument, or a tuple
    of them): a number becomes that number in every element of an array argument, and
    one such seed per item of a tuple, a list or a dict (an argument holding arrays, or
    the tuple of arguments) and per attribute of an object; anything else is left as it
    is."""
    if isinstance(seed, (tuple, list, dict)) or numpy.ndim(seed) != 0:
        return seed
    if isinstance(like, (tuple, list)):     # a namedtuple's derivative is a tuple
        return (tuple if isinstance(like, tuple) else list)(seed_like(seed, item) for item in like)
    if isinstance(like, dict):
        return {key: seed_like(seed, item) for key, item in like.items()}
    attributes = getattr(like, "__dict__", None)
    if type(attributes) is dict and not isinstance(like, (type, types.FunctionType, types.ModuleType)):
        return {name: seed_like(seed, item) for name, item in attributes.items()}     # an object's
    if isinstance(like, numpy.ndarray) and like.ndim > 0:
        return numpy.full(like.shape, seed, dtype=numpy.result_type(seed, like, 1.0))
    return seed


def seed_lines(compiled, names, wrt, own=(), call="seed_like"):
    """The statements shaping the seeds of ``compiled``'s gradient outputs (its keyword
    parameters with a default after the first, ``own``, the function's own parameters,
    left out: ``def f(x, *, q=1.0)``), for arguments ``names`` given as ``wrt`` (one name,
    or a tuple; a 1-tuple's seed is a 1-tuple, its code taking the seed inside), calling
    ``seed_like`` by the name ``call``; none for a first derivative or an attribute path
    (self.W)."""
    seeds = [p.name for p in inspect.signature(compiled).parameters.values()
             if p.kind is p.KEYWORD_ONLY and p.default is not p.empty and p.name not in own][1:]
    if not seeds or not all(name.isidentifier() for name in names):
        return []
    like, item = names[0], ""
    if isinstance(wrt, (tuple, list)):
        like = f"({names[0]},)" if len(names) == 1 else f"({', '.join(names)})"
        item = "[0]" if len(names) == 1 else ""     # the code takes the seed of the one gradient
    return [f"{seed} = {call}({seed}, {like}){item}" for seed in seeds]
