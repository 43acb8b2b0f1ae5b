"""``x.flat`` read where its iterator's state cannot matter. NumPy's ``x.flat`` is an
iterator over x's elements in order that advances as it is read: a second pass over
it is empty, and ``max(f)`` after ``next(f)`` skips an element. Its derivative (that of
``numpy.ravel(x)``, rules/numpy_rules.py) is right where it is read fresh, once: as
the iterable of a ``for`` or a comprehension (also inside ``enumerate``), or indexed
(``x.flat[i]``, which does not move it). Every other read of an attribute ``flat``
(held in a name, handed to a call, computed with) becomes ``flat_not_held(v.flat,
where)``, which refuses NumPy's iterator when the code runs, naming the line, and
passes an object's own ``flat`` (a flag, a list) on unchanged."""

import gast

from ... import runtime
from ...core import syntax as S


def guard_held_flat_iterators(normalizer, tree, nodes):
    """Wrap each read of ``.flat`` among ``nodes`` that is neither iterated at once nor
    indexed in ``flat_not_held`` (see the module's docstring); whether any was."""
    fresh = {id(place) for node in nodes for place in _read_fresh(node)}
    held = {id(node) for node in nodes if isinstance(node, gast.Attribute) and node.attr == "flat"
            and isinstance(node.ctx, gast.Load) and id(node) not in fresh}
    if held:
        _Guard(normalizer, held).visit(tree)
    return bool(held)


class _Guard(gast.NodeTransformer):
    def __init__(self, normalizer, held):
        self.normalizer = normalizer
        self.held = held

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if id(node) not in self.held:
            return node
        source = self.normalizer.source
        where = S.const(f"{source.filename}:{source.file_line(node)}")
        call = gast.Call(func=S.name(self.normalizer.bind(runtime.flat_not_held)), args=[node, where],
                         keywords=[])
        return gast.copy_location(call, node)


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
