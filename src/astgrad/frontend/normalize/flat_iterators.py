"""``x.flat`` read where its iterator's state cannot matter. NumPy's ``x.flat`` is an
iterator over x's elements in order that advances as it is read: a second pass over
it is empty, and ``max(f)`` after ``next(f)`` skips an element. Its derivative (that of
``numpy.ravel(x)``, rules/numpy_rules.py) is right where it is read fresh, once: as
the iterable of a ``for`` or a comprehension (also inside ``enumerate``), or indexed
(``x.flat[i]``, which does not move it). Handed alone to a builtin that reads it once
from its start and keeps nothing of it (``sum(x.flat)``, ``max``, ``min``, ``list``,
``tuple``, ``sorted``), it becomes ``flat_read_once(v.flat)``: NumPy's iterator as the
array ``numpy.ravel(x)`` of the same items in the same order, whose derivative code can
read again. Every other read of an attribute ``flat`` (held in a name, handed to
another call, computed with) becomes ``flat_not_held(v.flat, where)``, which refuses
NumPy's iterator when the code runs, naming the line. Both pass an object's own
``flat`` (a flag, a list) on unchanged."""

import builtins

import gast

from ... import runtime
from ...core import syntax as S


def guard_held_flat_iterators(normalizer, tree, nodes):
    """Wrap each read of ``.flat`` among ``nodes`` that is neither iterated at once nor
    indexed in ``flat_not_held`` (see the module's docstring); whether any was."""
    fresh = {id(place) for node in nodes for place in _read_fresh(node)}
    read_once = {id(node.args[0]) for node in nodes if _reads_once(normalizer, node)}
    held = {id(node) for node in nodes if isinstance(node, gast.Attribute) and node.attr == "flat"
            and isinstance(node.ctx, gast.Load) and id(node) not in fresh}
    if held:
        _Guard(normalizer, held, read_once).visit(tree)
    return bool(held)


# Builtins reading an iterable given alone once, from its start, keeping no iterator
_READ_ONCE = (builtins.sum, builtins.max, builtins.min, builtins.list, builtins.tuple, builtins.sorted)


def _reads_once(normalizer, node):
    """Whether ``node`` hands one ``.flat`` alone to one of the builtins above."""
    return isinstance(node, gast.Call) and len(node.args) == 1 and not node.keywords \
        and isinstance(node.args[0], gast.Attribute) and node.args[0].attr == "flat" \
        and any(normalizer.resolve_call(node) is fn for fn in _READ_ONCE)


class _Guard(gast.NodeTransformer):
    def __init__(self, normalizer, held, read_once):
        self.normalizer = normalizer
        self.held = held
        self.read_once = read_once

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if id(node) not in self.held:
            return node
        if id(node) in self.read_once:
            helper, args = runtime.flat_read_once, [node]
        else:
            source = self.normalizer.source
            where = S.const(source.place(node))
            helper, args = runtime.flat_not_held, [node, where]
        call = gast.Call(func=S.name(self.normalizer.bind(helper)), args=args, keywords=[])
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
