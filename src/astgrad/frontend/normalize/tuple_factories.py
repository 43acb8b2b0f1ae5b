"""A helper of the user's that builds a tuple of objects of the user's classes and
returns it (``def make_pair(x): return P(x * 2.0), P(np.sin(x))``), called to bind a
name or unpacked into names::

    pair = make_pair(w)     ->      pair = (P(w * 2.0), P(np.sin(w)))
    a, b = make_pair(w)     ->      a = P(w * 2.0)
                                    b = P(np.sin(w))

so the objects are followed as ones the function builds itself. The helper is of the
form factory_calls.py folds (a plain function of the function's own module, its checks
then a ``return``), an argument that is no name or constant bound to a name of its own
first, as Python evaluates it before the helper's body; and each method the function
calls on the names only reads its object (method_writes.py). The unpacking is written
as bindings in order only where the constructions read none of the names it binds
(Python builds every object before it binds any). Anything else is left as it is."""

import gast

from ...core import syntax as S
from .factory_calls import folded_call, statement_blocks


def write_tuple_factory_calls(normalizer, tree):
    """Each such call of ``tree`` written as the constructions it returns. Whether one was."""
    written = False
    for block in statement_blocks(tree.body):
        for stmt in list(block):
            names = _targets(stmt)
            if names is None:
                continue
            call = stmt.value
            found = folded_call(normalizer, call, tree, set(names), tuples=True)
            if found is None:
                continue
            checks, built = found
            if len(names) == 1 and isinstance(stmt.targets[0], gast.Name):
                stmt.value = built                                  # pair = (P(...), P(...))
                made = [stmt]
            elif len(names) == len(built.elts) and not set(names) & _loads(built):
                made = [gast.copy_location(S.assign(name, value), stmt) for name, value in zip(names, built.elts)]
            else:
                continue
            normalizer.resolve_call(call)       # (generation now depends on what the name holds)
            at = block.index(stmt)
            block[at:at + 1] = checks + made    # the helper's checks, then what it builds, as its call runs
            written = True
    return written


def _targets(stmt):
    """The names ``stmt`` binds to a call of a global name (``pair = mk(w)``, ``a, b =
    mk(w)``), each once; else None."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.value, gast.Call)
            and isinstance(stmt.value.func, gast.Name)):
        return None
    target = stmt.targets[0]
    if isinstance(target, gast.Name):
        return [target.id]
    if isinstance(target, gast.Tuple) and all(isinstance(t, gast.Name) for t in target.elts):
        names = [t.id for t in target.elts]
        return names if len(set(names)) == len(names) else None
    return None


def _loads(node):
    return {n.id for n in S.walk_nodes(node) if isinstance(n, gast.Name)}

