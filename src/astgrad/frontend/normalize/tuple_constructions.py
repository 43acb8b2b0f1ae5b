"""Objects of the user's classes built in one tuple assignment, written as one binding
each, in order::

    a, b = P(w), P(2.0 * w)     ->      a = P(w)
                                        b = P(2.0 * w)

so each object is followed as one the function builds in a statement of its own (its
methods writing into its attributes in place included). Python evaluates the
constructions left to right and then binds the names; binding each name as its object
is made is the same computation where nothing between can see the names: no
construction reads one of them, each name is a plain local of the function (no
``global``/``nonlocal``, read by no nested function or lambda), and the statement is in
no ``try`` or ``with`` (which could go on after a later construction raised, a
name bound before it).
Anything else is left as it is."""

import gast

from ...core import syntax as S

_SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)
_DISPLAYS = (gast.Tuple, gast.List)


def split_tuple_constructions(normalizer, tree):
    """Each such assignment of ``tree`` written as its bindings. Whether one was."""
    written, enclosed = False, None
    for block in _blocks(tree.body):
        for stmt in list(block):
            names = _split_names(normalizer, stmt)
            if names is None:
                continue
            enclosed = _enclosed_reads(tree) if enclosed is None else enclosed
            if names & enclosed:
                continue
            made = [gast.copy_location(S.assign(target.id, value), stmt)
                    for target, value in zip(stmt.targets[0].elts, stmt.value.elts)]
            for binding, target in zip(made, stmt.targets[0].elts):
                gast.copy_location(binding.targets[0], target)
            at = block.index(stmt)
            block[at:at + 1] = made
            written = True
    return written


def _split_names(normalizer, stmt):
    """The names ``stmt`` binds where it is ``a, b = C(...), D(...)`` of such
    constructions (see the module's docstring); else None."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], _DISPLAYS)
            and isinstance(stmt.value, _DISPLAYS)):
        return None
    targets, values = stmt.targets[0].elts, stmt.value.elts
    if len(targets) < 2 or len(targets) != len(values) or not all(isinstance(t, gast.Name) for t in targets):
        return None
    names = {t.id for t in targets}
    if len(names) != len(targets) or not names <= set(normalizer.locals):
        return None
    if not all(isinstance(v, gast.Call) and normalizer.built_class_of(v) is not None for v in values):
        return None
    if any(isinstance(n, gast.Name) and n.id in names or isinstance(n, (gast.NamedExpr, gast.Lambda))
           for v in values for n in S.walk_nodes(v)):
        return None         # a construction reading a name the statement binds (Python: its old value)
    return names


def _enclosed_reads(tree):
    """The names a function, lambda or class nested in ``tree`` mentions (a closure could
    read one of the function's names while a construction runs)."""
    return {n.id for scope in S.walk_nodes(tree) if isinstance(scope, _SCOPES) and scope is not tree
            for n in S.walk_nodes(scope) if isinstance(n, gast.Name)}


def _blocks(body):
    """``body`` and the blocks of the ``if``, ``for`` and ``while`` statements in it (not
    a ``try``'s or a ``with``'s, which may go on after a construction raised)."""
    yield body
    for stmt in body:
        if not isinstance(stmt, (gast.If, gast.For, gast.While)):
            continue
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                yield from _blocks(inner)
