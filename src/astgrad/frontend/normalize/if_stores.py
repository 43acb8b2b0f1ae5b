"""The names an ``if`` the normalizer emits stores, collected once per ``if``.

``emit_if`` asks, for each ``if``, which names its branches store (a test name they
rebind is first copied). In ``if``s nested n deep each level walked everything nested in
it, quadratic in the depth. Each emitted ``if`` now keeps its names, and the ``if``
around it takes them instead of walking it again.

The kept names cannot go stale: the normalizer builds code only by appending statements
to the block being built, and does not change a statement once emitted while the blocks
around it are built (the rewrites that rename or move statements, jumps.py, inlining.py,
first_match.py, explicit_iterators.py, work on the source or on copies of it before they
are normalized; a copy is a new node, which is walked). The names are kept for the
normalizer's life, by the ``if`` node itself (held, so that its id is not reused), and
read only by ``emit_if``, while normalizing.
"""

import gast

from ...core import syntax as S


def stored_in_branches(kept, test, body, orelse):
    """The names stored by ``if test: body else: orelse``: those of an ``if`` kept in
    ``kept`` (id -> (node, names)) read from it, the rest walked once."""
    names, walked = set(), [test]
    for stmt in body + orelse:
        entry = kept.get(id(stmt)) if stmt.__class__ is gast.If else None
        if entry is not None and entry[0] is stmt:
            names |= entry[1]
        else:
            walked.append(stmt)
    return names | S.stored_names(gast.Module(body=walked, type_ignores=[]))
