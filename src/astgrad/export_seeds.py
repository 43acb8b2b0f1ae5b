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

import ast
import inspect
import re
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


def seed_names(compiled, names, wrt, own=(), function_name="f"):
    """The seed parameters of ``compiled`` (a derivative of order 2 or more of the function
    ``function_name``, taken w.r.t. the arguments ``names`` given as ``wrt``; ``own``: its
    own parameters), each mapped to the name the exported signature gives it: named after the argument
    (``dd_d_x``, then ``ddd_dd_x`` at order 3), or for a tuple of two or more arguments
    after the gradient (``dd_grad_loss``), whatever the generated body calls it inside
    (``dd_d_s`` where the code rebinds ``s = x``). A seed keeps its generated name where
    the documented one is another parameter's."""
    signature = inspect.signature(compiled).parameters.values()
    parameters = [p.name for p in signature]
    seeds = [p.name for p in signature
             if p.kind is p.KEYWORD_ONLY and p.default is not p.empty and p.name not in own][1:]
    if not seeds or not all(name.isidentifier() for name in names):
        return {}
    several = isinstance(wrt, (tuple, list)) and len(names) > 1
    base = function_name if several else names[0]
    chosen = {}
    for order, seed in enumerate(seeds, start=2):
        wanted = f"{'d' * order}_{'grad_' * (order - 1)}{base}" if several else f"{'d' * order}_{'d' * (order - 1)}_{base}"
        clash = wanted != seed and (wanted in parameters or wanted in chosen.values())
        chosen[seed] = seed if clash else wanted
    return chosen


def seed_lines(compiled, names, wrt, own=(), call="seed_like", function_name="f"):
    """The statements shaping the seeds of ``compiled``'s gradient outputs (its keyword
    parameters with a default after the first, ``own``, the function's own parameters,
    left out: ``def f(x, *, q=1.0)``), for arguments ``names`` given as ``wrt`` (one name,
    or a tuple; a 1-tuple's seed is a 1-tuple, its code taking the seed inside), calling
    ``seed_like`` by the name ``call``; none for a first derivative or an attribute path
    (self.W). Each binds the name the body reads from the parameter ``seed_names`` gives
    (``dd_d_s = seed_like(dd_d_x, x)``)."""
    seeds = seed_names(compiled, names, wrt, own, function_name)
    like, item = names[0] if names else "", ""
    if isinstance(wrt, (tuple, list)):
        like = f"({names[0]},)" if len(names) == 1 else f"({', '.join(names)})"
        item = "[0]" if len(names) == 1 else ""     # the code takes the seed of the one gradient
    return [f"{seed} = {call}({given}, {like}){item}" for seed, given in seeds.items()]


def renamed_seeds(source, seeds):
    """The def ``source`` with each seed parameter of ``seeds`` renamed in its signature
    only (the body keeps reading the generated name, which ``seed_lines`` binds)."""
    renames = {old: new for old, new in seeds.items() if old != new}
    if not renames:
        return source
    definition = ast.parse(source).body[0]
    end = definition.body[0].lineno - 1     # the signature: the lines before the body
    lines = source.split("\n")
    head = "\n".join(lines[:end])
    for old, new in renames.items():
        head = re.sub(rf"(?<![\w.]){old}(?=\s*[=:])", new, head)
    return "\n".join([head] + lines[end:])
