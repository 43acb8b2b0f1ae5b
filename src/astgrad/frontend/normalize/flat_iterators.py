"""``x.flat`` read where its iterator's state cannot matter. NumPy's ``x.flat`` is an
iterator over x's elements in order that advances as it is read: a second pass over
it is empty, and ``max(f)`` after ``next(f)`` skips an element. Its derivative (that of
``numpy.ravel(x)``, rules/numpy_rules.py) is right where it is read fresh, once: as
the iterable of a ``for`` or a comprehension (also inside ``enumerate``), or indexed
(``x.flat[i]``, which does not move it). Every other read, where the iterator is held
in a name, handed to a call or computed with, is refused, naming the line."""

import gast

_ADVICE = ("iterate it directly (for v in x.flat), index it (x.flat[i]), or use x.ravel(), "
           "an array whose every pass reads all elements")


def refuse_held_flat_iterators(normalizer, nodes):
    """Raise the normalizer's refusal at the first read of ``.flat`` among ``nodes`` that
    is neither iterated at once nor indexed (see the module's docstring)."""
    reads = [node for node in nodes if isinstance(node, gast.Attribute) and node.attr == "flat"
             and isinstance(node.ctx, gast.Load)]
    if not reads:
        return
    fresh = {id(place) for node in nodes for place in _read_fresh(node)}
    for node in reads:
        if id(node) not in fresh:
            normalizer.line = getattr(node, "lineno", normalizer.line)
            raise normalizer._refuse("x.flat held or handed on (an iterator that advances as it is read, "
                                     "which astgrad does not follow)", node, _ADVICE)


def _read_fresh(node):
    """The expressions ``node`` reads as a fresh iterator read once, or indexes."""
    if isinstance(node, gast.Subscript):
        return [node.value]
    if isinstance(node, (gast.For, gast.comprehension)):
        it = node.iter
        if isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and it.func.id == "enumerate" \
                and len(it.args) == 1:
            return [it, it.args[0]]
        return [it]
    return []
