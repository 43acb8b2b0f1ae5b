"""Attributes of the user's modules and objects that generated code holds.

Generation depended on what ``H.act`` meant (the rule of ``numpy.sin``, a callee's
derivative), and the guards check it before each call; read when its line runs, another
thread rebinding ``H.act`` in between would have the code apply one object's rule to the
other's value. So each such chain, rooted at a global the code holds
(``pipeline.pinned_names``), is read once, as a closure cell bound to the object the
guards check: ``H.act(x)`` is written ``H_act(x)``, and the function's first line says
what ``H_act`` is. Attributes of a library module (``np.sin``) are read as written:
rebinding those is patching the library. A chain the function itself assigns to is read
as written too (its later reads must see the new value).
"""

import sys
import types

import gast

from ..core import syntax as S
from ..core.missing import MISSING
from . import emit

_LIBRARY_ROOTS = frozenset(getattr(sys, "stdlib_module_names", ())) | {"builtins", "numpy", "scipy", "astgrad"}


def hold_attributes(tree, dependencies, pinned, namer):
    """Rewrite ``tree`` to read each attribute chain it depends on through a held name:
    returns {held name: the object}, and puts the comment saying so first in its body."""
    chains = _held_chains(dependencies, pinned, tree)
    if not chains:
        return {}
    used = {}
    for node, field, index, path in _reads_of(tree, chains):
        if path not in used:
            used[path] = namer.fresh("_".join(path))
        replacement = S.name(used[path])
        if index is None:
            setattr(node, field, replacement)
        else:
            getattr(node, field)[index] = replacement
    if used:
        said = ", ".join(f"{name} is {'.'.join(path)}" for path, name in sorted(used.items()))
        tree.body.insert(0, emit.comment(f"as checked before the call: {said}"))
    return {name: chains[path] for path, name in used.items()}


def _held_chains(dependencies, pinned, tree):
    """{path: object} for each attribute chain rooted at a pinned global, up to its first
    library owner, that the function (``tree``) does not assign to."""
    found = {}
    for parts, chain in dependencies:
        if not (isinstance(parts[0], str) and parts[0] in pinned) or len(chain) != len(parts):
            continue
        length = 1
        while length < len(parts) and not _is_library(chain[length - 1]):
            length += 1
        path = tuple(parts[:length])
        if any(link is MISSING for link in chain[:length]):
            continue            # an attribute that is not there: read as written, it raises as in Python
        if length > 1:
            found[path] = chain[length - 1]
    if not found:
        return found        # most functions hold none: the tree is not walked for its assignments
    assigned = _assigned_paths(tree)
    return {path: owner for path, owner in found.items()
            if not any(path[:len(a)] == a or a[:len(path)] == path for a in assigned)}


def _is_library(owner):
    """Whether ``owner`` is a library's module, class or object (its attributes are the
    library's, read as written)."""
    if isinstance(owner, types.ModuleType):
        module = owner.__name__
    elif isinstance(owner, types.SimpleNamespace):
        return False            # the user's own bag of names (CONFIG.act)
    else:
        module = getattr(owner if isinstance(owner, type) else type(owner), "__module__", None)
    return str(module or "").split(".")[0] in _LIBRARY_ROOTS


def _assigned_paths(tree):
    """The attribute chains the tree assigns or deletes (``H.W = ...``, ``del H.W``)."""
    return {tuple(path) for node in S.walk_nodes(tree)
            if isinstance(node, gast.Attribute) and not isinstance(node.ctx, gast.Load)
            for path in [S.dotted_path(node)] if path}


def _reads_of(tree, chains):
    """(parent, field, index or None, path) for each read of a chain in ``chains``, the
    longest first: a chain's own parts are not looked into."""
    found = []
    todo = [tree]
    while todo:
        node = todo.pop()
        for field, value in gast.iter_fields(node):
            for index, child in (enumerate(value) if isinstance(value, list) else [(None, value)]):
                if not isinstance(child, gast.AST):
                    continue
                path = _read_path(child)
                if path in chains:
                    found.append((node, field, index, path))
                else:
                    todo.append(child)
    return found


def _read_path(node):
    if isinstance(node, gast.Attribute) and isinstance(node.ctx, gast.Load):
        path = S.dotted_path(node)
        return tuple(path) if path else None
    return None
