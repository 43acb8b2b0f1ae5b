"""Globals the generated code reads more than once, read once as the call starts.

Reverse code reads a global number ``K`` of ``np.sum(np.sin(x) * K)`` in its forward
sweep and again in its adjoint; forward code in a primal line and in its tangent line.
Read when each line runs, another thread rebinding ``K`` in between would leave the
value with one ``K`` and the derivative with the other. So a global the code reads in
more than one place, or in a loop, is read once, into a local, before the first line
(``K_1 = K``), and every line reads the local: one call sees one value, as one run of
the function would have seen it (the rebinding came before it or after it).

The candidates are the pipeline's (``pipeline.read_once_names``): the user's globals the
code neither holds (the ones generation depended on, ``pinned_names``) nor writes, and
that no function it reaches rebinds (a ``global K`` in a helper, which Python's run
would see between two reads). A read of a global's attribute (``CONFIG.scale``) stays
as written.
"""

import gast

from ..core import syntax as S
from . import emit

# run more than once: a loop, a comprehension, a function the code defines
_REPEATED = (gast.For, gast.AsyncFor, gast.While, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp,
             gast.Lambda, gast.FunctionDef)
_TRY = (gast.Try, getattr(gast, "TryStar", gast.Try))


def read_globals_once(tree, candidates, namer):
    """Rewrite ``tree`` so each global of ``candidates`` it reads more than once (or in a
    loop) is read once into a fresh local at its start: returns {global: local}."""
    reads = {}
    _collect_reads(tree, set(candidates) - _bound_names(tree), reads, (False, False))
    repeated = sorted(name for name, (nodes, in_loop, in_try) in reads.items()
                      if (len(nodes) > 1 or in_loop) and not in_try)
    if not repeated:
        return {}
    local = {name: namer.fresh(name) for name in repeated}
    for name in repeated:
        for node in reads[name][0]:
            node.id = local[name]
    said = ", ".join(repeated)
    tree.body[:0] = [emit.comment(f"read once as the call starts, so that the value and the derivative use the same {said}")] \
        + [S.assign(local[name], S.name(name)) for name in repeated]
    return local


def _bound_names(tree):
    """The names the code binds anywhere (parameters, assignments, nested functions'
    parameters, ``global`` declarations): not globals read as the module holds them."""
    bound = set()
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load):
            bound.add(node.id)
        elif isinstance(node, (gast.Global, gast.Nonlocal)):
            bound.update(node.names)
        elif isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            bound.add(node.name)
    return bound


def _collect_reads(node, candidates, reads, inside):
    """{name: ([its Name nodes], read in a loop, read in a try block)} for the reads of
    ``candidates``; ``inside``: (in a loop, in a try block). A name read in a try block
    stays as written: deleted, its NameError may be caught there."""
    in_loop, in_try = inside
    for child in gast.iter_child_nodes(node):
        if isinstance(child, gast.Name) and child.id in candidates and isinstance(child.ctx, gast.Load):
            nodes, looped, tried = reads.get(child.id, ([], False, False))
            nodes.append(child)
            reads[child.id] = (nodes, looped or in_loop, tried or in_try)
        else:
            _collect_reads(child, candidates, reads, (in_loop or isinstance(child, _REPEATED),
                                                      in_try or isinstance(child, _TRY)))
