"""``next`` of a generator expression written in the call, the idiom for the first item
that matches (or a default)::

    y = next((f(v) for v in e if c(v)), d)         e_1 = e; d_1 = d
                                                   y_1 = d_1
                                                   for v_1 in e_1:
                                                       if c(v_1):
                                                           y_1 = f(v_1)
                                                           break

Python's semantics: the generator expression evaluates ``e`` where it is made, before the
default (an argument after it); ``next`` then runs the loop until the first item whose
conditions hold, and computes only that item (so an item after it that would raise is
never made). With no default, nothing matching raises StopIteration, as ``next`` does:
a flag set where an item is found says so after the loop. The loop variable is the
generator's own, renamed apart from the function's names.
"""

import gast

from ...core import syntax as S
from .containers import name_loops

# forms with a scope (or a binding) of their own, which a loop written in the function would change
_SCOPES = (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp, gast.NamedExpr)


def first_match(normalizer, generator, default):
    """Emit the search for ``next(generator[, default])`` (``generator`` a GeneratorExp,
    ``default`` its node or None) through ``normalizer``; the name holding the item."""
    loop = generator.generators[0]
    if len(generator.generators) > 1 or loop.is_async or any(
            isinstance(n, _SCOPES) for part in (generator.elt, *loop.ifs) for n in gast.walk(part)):
        raise normalizer.source.error(
            "astgrad cannot differentiate next() of this generator expression: it follows "
            "next((f(v) for v in items if c(v)), default) with one for (no comprehension, lambda or := "
            "in f(v) or c(v)). Write the search as a for loop that assigns the item and breaks",
            generator, construct="next() of a generator expression")
    # an object of a class iterating as object_iteration.py follows: what its __iter__ iterates
    between = [gast.Expr(value=S.copy(part)) for part in (generator.elt, *loop.ifs)]
    iterated = normalizer.iterated_object(loop.iter, between, refuse=False) or loop.iter
    items = normalizer.atom(iterated, hint="items")        # made with the generator, before the default
    found = normalizer.atom(default, hint="default") if default is not None else None
    target, elt, conditions = (S.copy(part) for part in (loop.target, generator.elt, loop.ifs))
    rename = {name: normalizer.namer.fresh(name) for name in sorted(S.stored_names(target))}
    for part in (target, elt, *conditions):
        for node in S.walk_nodes(part):
            if isinstance(node, gast.Name) and node.id in rename:
                node.id = rename[node.id]
    item = normalizer.namer.fresh("first")
    flag = None if default is not None else normalizer.namer.fresh("found")
    new_names = [item, *rename.values()] + ([flag] if flag else [])
    normalizer.locals |= set(new_names)
    normalizer.bound_count.update(dict.fromkeys(new_names, 2))
    take = [S.assign(item, elt)] + ([S.assign(flag, S.const(True))] if flag else []) + [gast.Break()]
    for condition in reversed(conditions):
        take = [gast.If(test=condition, body=take, orelse=[])]
    before = [S.assign(flag, S.const(False))] if flag else [S.assign(item, found)]
    after = S.parse_stmts(f"if not {flag}:\n    raise StopIteration") if flag else []
    search = gast.For(target=target, iter=S.copy(items), body=take, orelse=[], type_comment=None)
    lower_at_line(normalizer, [*before, search, *after], "next() of a generator expression")
    return S.name(item)


def lower_at_line(normalizer, stmts, what):
    """Lower ``stmts``, written for one expression of the user's, each at that
    expression's line, their loops named ``what`` in messages."""
    made = len(normalizer.out)
    for stmt in stmts:
        for sub in S.walk_nodes(stmt):
            if isinstance(sub, gast.stmt):
                sub.lineno = normalizer.line
        normalizer.statement(stmt)
    name_loops(normalizer.out[made:], what)
