"""A property of a global object whose getter changes the object (``self.n += 1;
self.a = ...``), read by the differentiated code after it read an attribute the getter
changes (``OBJ.a``, then ``OBJ.scale``): Python computed with the attribute as it was
before the getter ran, and the adjoint reads it again after (a wrong gradient with no
error). Refused at the earlier read, naming the getter. A getter that changes nothing
else the code reads (a lazy cache of its own) is followed as any property is."""

import dis
import functools
import types

import gast

from ...core import syntax as S
from ...core.methods import static_attribute
from ...core.missing import MISSING
from ...core.ops import is_user_function

_STORE_ATTR = frozenset({"STORE_ATTR", "DELETE_ATTR"})


def changing_getter(owner, name):
    """The getter of the property ``name`` of ``owner`` (an object of a class of the
    user's) where it changes attributes of the object it is read of; else None."""
    if isinstance(owner, (type, types.ModuleType)):
        return None
    found = static_attribute(type(owner), name)
    getter = found.fget if isinstance(found, property) else None
    if not isinstance(getter, types.FunctionType) or not is_user_function(getter):
        return None
    return getter if _self_attribute_stores(getter.__code__) else None


@functools.lru_cache(maxsize=4096)
def _self_attribute_stores(code):
    """The attributes ``code`` stores on (or deletes from) its first parameter."""
    if not code.co_argcount:
        return frozenset()
    receiver, found, previous = code.co_varnames[0], set(), None
    for ins in dis.get_instructions(code):
        if ins.opname in _STORE_ATTR and previous is not None and previous.opname.startswith("LOAD_FAST"):
            held = previous.argval[-1] if isinstance(previous.argval, tuple) else previous.argval
            if held == receiver:
                found.add(ins.argval)
        previous = ins
    return frozenset(found)


def refuse_reads_before_changing_properties(normalizer, tree):
    """Refuse a read of ``OBJ.a`` (``OBJ`` a global object, reached by a path of names)
    before a read of a property of the same object whose getter changes ``a`` (or in a
    loop around that read)."""
    reads = [(node, parts, normalizer.source.resolve_path(parts, depend=False)) for node, parts in _paths(normalizer, tree)]
    for prop, _, owner in reads:
        getter = changing_getter(owner, prop.attr) if owner is not MISSING else None
        if getter is None:
            continue
        changed = _self_attribute_stores(getter.__code__)
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


def _paths(normalizer, tree):
    for node in S.walk_nodes(tree):
        parts = S.dotted_path(node.value) if isinstance(node, gast.Attribute) else None
        if parts and parts[0] not in normalizer.locals:
            yield node, parts


def _before(tree, node, prop):
    """Whether ``node`` is read on a line before ``prop`` or on its line (either may come
    first), or in a loop around it."""
    if getattr(node, "lineno", 0) <= getattr(prop, "lineno", 0):
        return True
    return any(isinstance(loop, (gast.For, gast.While)) and any(n is prop for n in S.walk_nodes(loop))
               and any(n is node for n in S.walk_nodes(loop)) for loop in S.walk_nodes(tree))
