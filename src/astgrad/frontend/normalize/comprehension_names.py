"""A comprehension's loop variable named like a name the function binds elsewhere::

    for b in boxes:                         for b in boxes:
        b.scale(w)                  ->          b.scale(w)
    return sum(b.v for b in boxes)          return sum(b_1.v for b_1 in boxes)

Python scopes the comprehension's ``b`` apart from the function's, so renaming it there
changes nothing Python computes; the function's ``b`` is then bound by its loop alone,
as following the loop item by item needs (item_loops.py, argument_objects.py). The
first ``for``'s iterable runs in the function's scope, and keeps its names."""

from collections import Counter

import gast

from ...core import syntax as S
from .. import written_in

_COMPREHENSIONS = (gast.ListComp, gast.SetComp, gast.GeneratorExp, gast.DictComp)


def separate_comprehension_names(normalizer, nodes):
    """Rename, in each comprehension among ``nodes`` (the function's, as the normalizer
    walked them), its loop variables that the function also binds outside
    comprehensions (see the module docstring); whether it did."""
    comprehensions = [node for node in nodes if isinstance(node, _COMPREHENSIONS)]
    if not comprehensions:
        return False
    in_comprehensions = Counter(name for node in comprehensions for generator in node.generators
                                for name in S.names_in(generator.target))
    clashing = {name for name, count in normalizer.bound_count.items() if count > in_comprehensions.get(name, 0)}
    renamed = False
    for node in comprehensions:
        for name in sorted({n for generator in node.generators for n in S.names_in(generator.target)} & clashing):
            new = normalizer.namer.fresh(name)
            written_in.name_made(normalizer.source, new, name)
            _rename_in_scope(node, name, new)
            normalizer.locals.add(new)
            renamed = True
    return renamed


def _rename_in_scope(comprehension, old, new):
    """``old`` as ``new`` in the scope of ``comprehension``: all of it but the first
    generator's iterable, which Python evaluates outside."""
    first = comprehension.generators[0]
    parts = [first.target, *first.ifs, *comprehension.generators[1:]]
    parts += [comprehension.key, comprehension.value] if isinstance(comprehension, gast.DictComp) \
        else [comprehension.elt]
    for part in parts:
        for node in S.walk_nodes(part):
            if isinstance(node, gast.Name) and node.id == old:
                node.id = new
