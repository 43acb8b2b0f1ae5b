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

from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from . import emit

# run more than once: a loop, a comprehension, a function the code defines
_REPEATED = frozenset({gast.For, gast.AsyncFor, gast.While, gast.ListComp, gast.SetComp, gast.DictComp,
                       gast.GeneratorExp, gast.Lambda, gast.FunctionDef, gast.AsyncFunctionDef})
_TRY = frozenset({gast.Try, getattr(gast, "TryStar", gast.Try)})


def read_globals_once(tree, candidates, namer):
    """Rewrite ``tree`` so each global of ``candidates`` it reads more than once (or in a
    loop) is read once into a fresh local at its start: returns {global: local}."""
    if not candidates:
        return {}       # most code reads none (a derivative's globals are its helpers): no walk
    reads, bound, loops, tries = _walk(tree, candidates)
    reads = {name: nodes for name, nodes in reads.items() if name not in bound}
    once = {id(nodes[0]) for nodes in reads.values() if len(nodes) == 1}
    in_loops = _inside(loops, once)
    in_tries = _inside(tries, {id(node) for nodes in reads.values() for node in nodes})
    repeated = sorted(name for name, nodes in reads.items()
                      if (len(nodes) > 1 or id(nodes[0]) in in_loops)
                      and not any(id(node) in in_tries for node in nodes))
    if not repeated:
        return {}
    local = {name: namer.fresh(name) for name in repeated}
    for name in repeated:
        for node in reads[name]:
            node.id = local[name]
    said = f"read once as the call starts, so that the value and the derivative use the same {', '.join(repeated)}"
    tree.body[:0] = [emit.comment(said)] + [S.assign(local[name], S.name(name)) for name in repeated]
    return local


def _walk(tree, candidates):
    """One walk of ``tree``: ({name: its Name nodes read} for ``candidates``, the names
    the code binds anywhere (parameters, assignments, nested functions and their
    parameters, ``global``), the loops (and comprehensions, nested functions: code run
    more than once) and the try blocks in it)."""
    reads, bound, loops, tries = {}, set(), [], []
    for node in S.operand_nodes(tree):
        kind = node.__class__
        if kind is gast.Name:
            if node.ctx.__class__ is not gast.Load:
                bound.add(node.id)
            elif node.id in candidates:
                reads.setdefault(node.id, []).append(node)
        elif kind in _REPEATED and node is not tree:
            loops.append(node)
        elif kind in _TRY or kind is gast.If and anno.get(node, Key.CATCHES, False):     # a try, in core form
            tries.append(node)
        elif kind in (gast.Global, gast.Nonlocal):
            bound.update(node.names)
        if kind in (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef, gast.Lambda) and node is not tree:
            bound.add(getattr(node, "name", ""))
    return reads, bound, loops, tries


def _inside(blocks, wanted):
    """Of the nodes whose ids are ``wanted``, the ids of those inside one of ``blocks``."""
    if not wanted:
        return set()
    return {id(inner) for block in blocks for inner in S.operand_nodes(block) if id(inner) in wanted}
