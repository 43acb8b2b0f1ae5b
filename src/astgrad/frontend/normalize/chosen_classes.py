"""A class chosen by a conditional expression, then called (``cls = Dense if k > 0 else
Scale``, ``layer = cls(W)``, ``layer.apply(x)``): which methods run depends on the branch,
so the rest of the body is written once per class, under an ``if`` on the same test,
evaluated where Python evaluates it::

    cls = Dense if k > 0 else Scale           if k > 0:
    layer = cls(W)                      ->        layer_1 = Dense(W)
    return layer.apply(x)                         return layer_1.apply(x)
                                              else:
                                                  layer_2 = Scale(W)
                                                  return layer_2.apply(x)

Each copy reads the class by the path the expression named (a global, guarded as any
global the code reads), and each name only the rest of the body binds is a name of its
own in each copy, so an object built there is bound once and its class known.

A class chosen by an ``if`` statement (``if k > 0: cls = Dense`` / ``else: cls = Scale``,
each branch binding the name once, ``elif`` too) has the rest of the body written at the
end of each branch, the binding dropped; a plain alias (``cls = Dense``) has it written
once, reading the class.

Taken where the binding is a statement of the body itself, the name bound nowhere else
and named by no nested function, lambda, class or generator expression (which would
read it when they run), each choice a path naming a class instances.py follows, and the
rest of the body defines no function or class, imports nothing, has no ``match`` and
declares no global or nonlocal name."""

import gast

from ...core import syntax as S
from .instances import built_class
from .scopes import LATE_READERS, binding_counts

# statements binding a name otherwise than by a Name node (or declaring one another scope's)
_DEFINING = (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef, gast.Global, gast.Nonlocal, gast.Import,
             gast.ImportFrom) + ((gast.Match,) if hasattr(gast, "Match") else ())


def split_chosen_classes(normalizer, tree):
    """Rewrite the first such choice in ``tree``'s body (module docstring; the rest of the
    body is then inside the ``if`` it makes); whether it rewrote one."""
    found = next(((k, choices) for k, stmt in enumerate(tree.body)
                  for choices in [_chosen_classes(normalizer, tree, stmt)] if choices is not None), None)
    if found is None:
        return False
    _split(normalizer, tree, *found)
    normalizer.bound_count = binding_counts([tree])
    return True


def _chosen_classes(normalizer, tree, stmt):
    """([(test or None, class path)], the name, the branches' (block, binding) or None)
    where ``stmt`` binds a name once to a conditional expression choosing among classes,
    to a class, or once in each branch of an ``if`` to a class, as the module docstring
    says; else None."""
    found = _expression_choices(stmt) or _branch_choices(stmt)
    if found is None:
        return None
    choices, name, branches = found
    for _, path in choices:
        dotted = S.dotted_path(path)
        if dotted is None or dotted[0] in normalizer.locals or not built_class(
                normalizer.source.resolve_path(dotted, depend=False)):
            return None
    if normalizer.bound_count.get(name, 0) != len(branches or [stmt]) or any(
            isinstance(node, LATE_READERS) and node is not tree and any(isinstance(n, gast.Name) and n.id == name for n in S.walk_nodes(node))
            for node in S.walk_nodes(tree)):
        return None
    at = next(k for k, s in enumerate(tree.body) if s is stmt)
    if any(isinstance(node, _DEFINING) for s in tree.body[at + 1:] for node in S.walk_nodes(s)):
        return None
    return choices, name, branches


def _expression_choices(stmt):
    """([(test or None, path)], name, None) of ``name = A if c else B`` or ``name = A``."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, (gast.IfExp, gast.Name, gast.Attribute))):
        return None
    name, choices, value = stmt.targets[0].id, [], stmt.value
    while isinstance(value, gast.IfExp):
        choices.append((value.test, value.body))
        value = value.orelse
    choices.append((None, value))
    return choices, name, None


def _branch_choices(stmt):
    """([(None, path)], name, [(block, binding)]) of an ``if`` (``elif``, ``else``) each of
    whose blocks binds one name by one statement of its own, ``name = Path``, the name read
    nowhere in the ``if``; else None."""
    if not isinstance(stmt, gast.If):
        return None
    blocks, node = [], stmt
    while True:
        blocks.append(node.body)
        if len(node.orelse) == 1 and isinstance(node.orelse[0], gast.If):
            node = node.orelse[0]
            continue
        blocks.append(node.orelse)
        break
    branches = []
    for block in blocks:
        bindings = [s for s in block if isinstance(s, gast.Assign) and len(s.targets) == 1
                    and isinstance(s.targets[0], gast.Name) and isinstance(s.value, (gast.Name, gast.Attribute))]
        if len(bindings) != 1:
            return None
        branches.append((block, bindings[0]))
    name = branches[0][1].targets[0].id
    if any(b.targets[0].id != name for _, b in branches) or sum(
            isinstance(n, gast.Name) and n.id == name for n in S.walk_nodes(stmt)) != len(branches):
        return None
    return [(None, b.value) for _, b in branches], name, branches


def _split(normalizer, tree, at, found):
    """``tree.body[at:]`` as an ``if`` chain on the tests, a copy of the rest per class (at
    the end of each branch, for a class chosen by an ``if`` statement)."""
    choices, name, branches = found
    rest = tree.body[at + 1:]
    before = {n.id for s in tree.body[:at + 1] for n in S.walk_nodes(s) if isinstance(n, gast.Name)} \
        | {n.id for n in S.walk_nodes(tree.args) if isinstance(n, gast.Name)}
    own = {n.id for s in rest for n in S.walk_nodes(s)
           if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)} - before
    chain = None
    for k in reversed(range(len(choices))):
        test, path = choices[k]
        copy = _rest_for(normalizer, rest, name, path, own)
        if branches is not None:
            block, binding = branches[k]
            block[:] = [s for s in block if s is not binding] + copy
            block[:] = block or [gast.Pass()]
            continue
        chain = copy if test is None else [gast.copy_location(
            gast.If(test=S.copy(test), body=copy or [gast.Pass()], orelse=chain), tree.body[at])]
    tree.body[at + (branches is not None):] = chain or []


def _rest_for(normalizer, rest, name, path, own):
    """A copy of the statements ``rest`` reading the class by ``path`` where they read
    ``name``, each of the names ``own`` they bind made a fresh one."""
    copy = [S.copy(s) for s in rest]
    renamed = {n: normalizer.namer.fresh(n) for n in sorted(own)}
    normalizer.locals |= set(renamed.values())
    for s in copy:
        for node in list(S.walk_nodes(s)):
            if isinstance(node, gast.Name) and node.id == name:
                S.replace_child(_parent(s, node), node, gast.copy_location(S.copy(path), node))
            elif isinstance(node, gast.Name) and node.id in renamed:
                node.id = renamed[node.id]
    return copy


def _parent(root, child):
    return next(node for node in S.walk_nodes(root) if any(c is child for c in gast.iter_child_nodes(node)))
