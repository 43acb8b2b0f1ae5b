"""A list or dict handed to a helper written in, whose array items another name may hold:
``c = dict(d)`` (or ``{k: v for k, v in d.items()}``, ``list(xs)``) then ``bump(c)``,
where ``bump`` writes ``items["a"] *= w``.

``op=`` on such an item changes the array in place, which ``d`` holds too. In the
function's own code the write ``c["a"] *= w`` is checked when it runs
(``runtime.item_update``, statements.py), as ``c`` is certainly a list or dict; in the
helper the parameter's name says nothing of what it is given. The parameter handed such
a container is noted here, so that its writes are checked as the caller's would be: one
the caller binds to anything but a display (a copy, a comprehension). A display handed on
is followed as before (the modes see what its items share)."""

import gast

from ...core import syntax as S
from .fresh_items import _new_items, holds_objects


def note_handed_container(normalizer, param, value):
    """Note ``param`` (a helper's parameter, renamed) where ``value`` (the argument, an
    atom) is a list or dict of the caller whose items other names may hold, or a
    parameter so noted of a helper around it."""
    if not isinstance(value, gast.Name):
        return
    noted = normalizer.__dict__.setdefault("_handed_containers", set())
    if value.id in noted or holds_objects(normalizer, value) and _not_only_displays(normalizer, value.id):
        noted.add(param)


def _not_only_displays(normalizer, name):
    """Whether some binding of ``name`` in the function is other than a list, tuple or
    dict display or a comprehension making each item new: a copy or a comprehension over
    another container (``dict(d)``, ``[v for v in xs]``), whose items it holds too; a
    display unpacking another (``{**d}``, ``[*xs]``) is such a copy."""
    return any(isinstance(node, gast.Assign) and any(isinstance(t, gast.Name) and t.id == name for t in node.targets)
               and (not isinstance(node.value, (gast.List, gast.Tuple, gast.Dict)) or _unpacks(node.value))
               and not _new_items(node.value, normalizer.resolve_call)      # [v * 2.0 for v in xs]
               for node in S.walk_nodes(normalizer.source.tree))


def _unpacks(display):
    """Whether a display unpacks another container into itself (``**d``, ``*xs``)."""
    if isinstance(display, gast.Dict):
        return any(key is None for key in display.keys)
    return any(isinstance(item, gast.Starred) for item in display.elts)


def is_handed_container(normalizer, node):
    """Whether ``node`` names a parameter noted by ``note_handed_container``."""
    return isinstance(node, gast.Name) and node.id in normalizer.__dict__.get("_handed_containers", ())
