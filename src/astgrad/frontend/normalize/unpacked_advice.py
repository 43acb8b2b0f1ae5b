"""Advice for a change refused on an item of a list an object the function builds held
(``for layer in net.layers: layer.W = ...``), the object unpacked into local names
(unpacked_objects.py): when astgrad follows such a change."""

import gast

from ...core import syntax as S


def shared_list_advice(normalizer, name, what):
    """More advice for ``what`` (``the store into .W``, ``the call .up()``) refused on
    ``name``, where ``name`` goes over a list an unpacked object held (``net.layers``):
    when astgrad follows it. Else ""."""
    for loop in S.walk_nodes(normalizer.source.tree):
        if isinstance(loop, gast.For) and isinstance(loop.target, gast.Name) and loop.target.id == name \
                and isinstance(loop.iter, gast.Name) and loop.iter.id in normalizer.unpacked_fields:
            held = normalizer.unpacked_fields[loop.iter.id]
            return (f"; astgrad follows {what} on the items of {held}, a list of objects the function builds, "
                    f"where {held} is read only to loop over it or to take its items: not bound to another name, "
                    "handed to a call or returned, nothing added to it and no item in it twice")
    return ""
