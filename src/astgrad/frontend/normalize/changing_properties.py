"""A property of a global object whose getter changes the object (``self.n += 1;
self.a = ...``), read by the differentiated code after it read an attribute the getter
changes (``OBJ.a``, then ``OBJ.scale``): Python computed with the attribute as it was
before the getter ran, and the adjoint reads it again after (a wrong gradient with no
error). Refused at the earlier read, naming the getter. A getter that changes nothing
else the code reads (a lazy cache of its own) is followed as any property is."""

import gast

from ...core import syntax as S
from ...core.missing import MISSING
from ..changing_getters import changing_getter, self_attribute_stores


def refuse_reads_before_changing_properties(normalizer, tree, nodes=None):
    """Refuse a read of ``OBJ.a`` (``OBJ`` a global object, reached by a path of names)
    before a read of a property of the same object whose getter changes ``a`` (or in a
    loop around that read). ``nodes``: ``tree``'s nodes in walk order, if at hand."""
    reads = [(node, parts, normalizer.source.resolve_path(parts, depend=False))
             for node, parts in _paths(normalizer, S.operand_nodes(tree) if nodes is None else nodes)]
    for prop, _, owner in reads:
        getter = changing_getter(owner, prop.attr) if owner is not MISSING else None
        if getter is None:
            continue
        changed = self_attribute_stores(getter.__code__)
        for node, parts, other in reads:
            if other is owner and node is not prop and node.attr in changed and _before(tree, node, prop):
                normalizer.line = getattr(node, "lineno", normalizer.line)
                path = ".".join(parts + [node.attr])
                raise normalizer._refuse(
                    f"a read of {path} before the read of the property {'.'.join(parts + [prop.attr])}, whose "
                    f"getter {getter.__qualname__} changes {path}", node,
                    f"the derivative would read {path} again after the getter ran, where the value read it "
                    f"before. Read the property first, or compute its value in a method called outside the "
                    f"function you differentiate and pass it in")


def _paths(normalizer, nodes):
    """(attribute, the path of names it reads an attribute of) for the attributes among
    ``nodes`` (in their order) of a path from a free name."""
    attribute, locals_ = gast.Attribute, normalizer.locals
    for node in nodes:
        parts = S.dotted_path(node.value) if type(node) is attribute else None
        if parts and parts[0] not in locals_:
            yield node, parts


def _before(tree, node, prop):
    """Whether ``node`` is read on a line before ``prop`` or on its line (either may come
    first), or in a loop around it."""
    if getattr(node, "lineno", 0) <= getattr(prop, "lineno", 0):
        return True
    return any(isinstance(loop, (gast.For, gast.While)) and any(n is prop for n in S.walk_nodes(loop))
               and any(n is node for n in S.walk_nodes(loop)) for loop in S.walk_nodes(tree))
