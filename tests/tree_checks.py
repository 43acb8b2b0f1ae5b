"""Checks of generated syntax trees shared by the tests."""

import gast


def nodes_held_twice(tree):
    """The syntax nodes (operators and contexts aside, which gast shares) reached by two
    paths of ``tree``: a pass changing one of them would change both places."""
    seen, twice, todo = set(), [], [tree]
    shared_kinds = (gast.expr_context, gast.operator, gast.unaryop, gast.cmpop, gast.boolop)
    while todo:
        node = todo.pop()
        if id(node) in seen:
            if not isinstance(node, shared_kinds):
                twice.append(gast.dump(node))
            continue
        seen.add(id(node))
        for field in node._fields:
            value = getattr(node, field, None)
            todo.extend(item for item in (value if isinstance(value, list) else [value])
                        if isinstance(item, gast.AST))
    return twice
