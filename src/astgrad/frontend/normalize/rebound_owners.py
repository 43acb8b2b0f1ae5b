"""A method taken as a value from an object whose name the body rebinds after
(``step = functools.partial(m.step)`` or ``step = m.step``, then ``m = Other(w)``): the
value holds the first object, which Python calls, while ``m`` names another. Each
rebinding of such a name is made a variable of its own (``m_1 = Other(w)``, its later
reads ``m_1``), as Python's scoping has it, so the name the method was taken from is
bound once and the call of the value is followed as ``m.step(x)`` (method_values.py,
call_forms.py).

Taken where every binding of the name is a plain assignment statement of the body itself
(``m = ...``, not in a loop or a branch, nor a parameter rebound elsewhere) and no nested
function, lambda, class or generator expression names it (one would read the name when it
runs, after any rebinding), the function has no ``import`` or ``match`` (which bind names
otherwise), and the object the method is taken from is built there by
its class (``m = Model(...)``) with that method among its functions."""

import inspect

import gast

from ...core import methods as M
from ...core import syntax as S
from .scopes import LATE_READERS, binding_counts

# statements that may bind a name otherwise than by a Name node (import m, case C() as m)
_NAMING = (gast.Import, gast.ImportFrom) + ((gast.Match,) if hasattr(gast, "Match") else ())


def split_rebound_owners(normalizer, tree, nodes=None):
    """Rename the rebindings of each name as the module docstring says; whether it did.
    ``nodes``: every node of ``tree``, where known (most code takes no attribute of a name
    it rebinds: then nothing is walked again)."""
    rebound = {name for name, count in normalizer.bound_count.items() if count > 1}
    if not rebound:
        return False
    attribute_type, name_type = gast.Attribute, gast.Name
    if nodes is not None and not any(n.__class__ is attribute_type and n.value.__class__ is name_type
                                     and n.value.id in rebound for n in nodes):
        return False
    # one walk of the body finds both: the calls outside it (decorators, defaults) call
    # none of its attributes, and the searches below look at the body alone
    called, taken, call_type = set(), [], gast.Call
    for stmt in tree.body:
        for n in S.operand_nodes(stmt):
            kind = n.__class__
            if kind is call_type:
                called.add(id(n.func))
            elif kind is attribute_type and n.value.__class__ is name_type and n.value.id in rebound \
                    and isinstance(n.ctx, gast.Load):
                taken.append(n)
    owners = {n.value.id for n in taken if id(n) not in called}
    split = [name for name in sorted(owners) if _method_taken(normalizer, tree, name, called) and _splittable(tree, name)]
    for name in split:
        normalizer.locals |= _rename_rebindings(normalizer, tree, name)
    if split:
        normalizer.bound_count = binding_counts([tree])
    return bool(split)


def _binding(stmt, name):
    return isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
        and stmt.targets[0].id == name


def _method_taken(normalizer, tree, name, called):
    """Whether a statement of the body takes a method of the object ``name`` holds as a
    value (``name.attr`` not called), the last binding before it building that object by
    a class of which ``attr`` is a function (``called``: the ids of the nodes ``tree``'s
    calls call, found once by the caller)."""
    built = None
    for stmt in tree.body:
        for node in S.walk_nodes(stmt.value if _binding(stmt, name) else stmt):
            if built is not None and isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) \
                    and node.value.id == name and id(node) not in called \
                    and inspect.isfunction(M.static_attribute(built, node.attr)):
                return True
        if _binding(stmt, name):
            built = normalizer.built_class_of(stmt.value) if isinstance(stmt.value, gast.Call) else None
    return False


def _splittable(tree, name):
    """Whether every binding of ``name`` is a statement ``name = ...`` of the body itself
    (a parameter bound by the call too) and no scope running later names it."""
    top = {id(stmt.targets[0]) for stmt in tree.body if _binding(stmt, name)}
    for node in S.walk_nodes(tree):
        if isinstance(node, (gast.Global, gast.Nonlocal)) and name in node.names or isinstance(node, _NAMING):
            return False
        if isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, (gast.Store, gast.Del)) \
                and id(node) not in top:
            return False
        if isinstance(node, LATE_READERS) and node is not tree and (getattr(node, "name", None) == name or any(
                isinstance(n, gast.Name) and n.id == name for n in S.walk_nodes(node))):
            return False
    return True


def _rename_rebindings(normalizer, tree, name):
    """Each binding of ``name`` after its first (a parameter's, or the first assignment's)
    a fresh name, read where Python reads that binding: the names made."""
    first = not any(isinstance(n, gast.Name) and n.id == name for n in S.walk_nodes(tree.args))
    current, made = name, set()
    for stmt in tree.body:
        binds = _binding(stmt, name)
        _rename_reads(stmt.value if binds else stmt, name, current)
        if binds and first:
            first = False
        elif binds:
            current = normalizer.namer.fresh(name)
            made.add(current)
            stmt.targets[0].id = current
    return made


def _rename_reads(node, name, current):
    if current == name:
        return
    for sub in S.walk_nodes(node):
        if isinstance(sub, gast.Name) and sub.id == name:
            sub.id = current
