"""Where an iterator class's counter could be shared or seen, refused.

An iterator class (iterator_classes.py) keeps one counter in the object for every loop
over it: Python's loops over one object take turns on it (a loop over ``s`` inside a loop
over ``s`` exhausts it, so the outer loop ends after its first item; ``zip(s, s)`` pairs
the first item with the second). object_iteration.py gives each loop a range of its own,
which is what Python computes only where no two iterations of one object overlap and the
code never reads the counter. So, for an object other than one built where it is
iterated, these are refused: a loop body naming the object (or a name or attribute it is
read through), or iterating another object of an iterator class that may be the same one
(any but two objects each built once in the function); ``zip`` of two such objects that
may be one; ``iter(v)`` advanced by ``next`` beside another iteration of ``v``, of a name
bound to it, or of another object that may be it; a read of the counter attribute."""

import builtins

import gast

from ...core.first_use import imported_when_called
from ...core import syntax as S

# modules only some functions need, loaded with the first call of these (core/first_use.py)
counted_iteration = imported_when_called(__package__ + ".iterator_classes", "counted_iteration")

_ITERATING = (builtins.iter, builtins.next, list, tuple, sum, sorted, min, max, zip, enumerate, set, any, all, map,
              filter)      # built-in functions iterating an argument
_ITERATING_NAMES = {f.__name__ for f in _ITERATING}


def refuse_shared_counter(normalizer, expr, body, cls, counted):
    """Refuse iterating ``expr``, an object of the iterator class ``cls`` (its
    CountedIteration ``counted``), where another iteration could share its counter or the
    code could read it; ``body``: the statements the loop runs between items, or None."""
    if isinstance(expr, gast.Call):         # built where it is iterated: nothing else holds it
        return
    path = S.dotted_path(expr)
    what = f"a {cls.__name__}, whose __iter__ returns the object itself (one counter for every loop over it)"
    if path is None:
        raise normalizer._refuse(f"iterating {what}, read by an expression other than a name or attribute", expr,
                                 "bind the object to a name of its own and iterate that")
    shown = ".".join(path)
    advice = f"take its items into a list first ({path[-1]}_items = list({shown})) and iterate over that"
    own = built_once(normalizer, expr)
    if body is not None:
        for node, parent in parented(body):
            if _names_part(node, parent, path):
                raise normalizer._refuse(f"a loop over {what}, whose body uses the object", expr, advice)
            if any(_may_be_shared(normalizer, other, own) for other in _iterated_by(normalizer, node)):
                raise normalizer._refuse(f"a loop over {what}, whose body iterates an object of an iterator class "
                                         "that may be the same one", expr, advice)
    trees = [normalizer.source.tree, *normalizer.inlined_trees]
    if _stepped(normalizer, trees, path) and _iterated_elsewhere(normalizer, trees, path, own):
        raise normalizer._refuse(f"iter() or next() of {what}, also iterated elsewhere in the function", expr, advice)
    if any(isinstance(n, gast.Attribute) and n.attr == counted.counter for t in trees for n in S.walk_nodes(t)):
        raise normalizer._refuse(f"iterating {what}, where the function reads .{counted.counter}", expr, advice)


def refuse_zipped_together(normalizer, args):
    """Refuse ``zip(*args)`` where two of ``args`` are objects of iterator classes that
    may be one object (one counter: Python pairs an item with the next)."""
    shared = [a for a in args if _may_be_shared(normalizer, a, False)]
    paths = [S.dotted_path(a) if isinstance(a, (gast.Name, gast.Attribute)) else None for a in shared]
    if len(shared) > 1 and (not all(built_once(normalizer, a) for a in shared)
                            or len({".".join(p) for p in paths if p}) < len(paths)):
        cls = normalizer._object_class(shared[1])
        raise normalizer._refuse(f"zip of a {cls.__name__} with an object that may be the same one, whose __iter__ "
                                 "returns the object itself (one counter for both)", shared[1],
                                 "zip the list of its items (items = list(v)) with itself, or with items[1:]")


def built_once(normalizer, expr):
    """Whether ``expr`` is an object made where it is (a call), or a name the function
    binds once, to a call of a class: no other name or object can hold it."""
    if isinstance(expr, gast.Call):
        return True
    if not isinstance(expr, gast.Name) or normalizer.bound_count[expr.id] != 1:
        return False
    for node in S.walk_nodes(normalizer.source.tree):
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name) \
                and node.targets[0].id == expr.id:
            return isinstance(normalizer.resolve_call(node.value), type) and not _handed_on(normalizer, expr.id)
    return False


def parented(body):
    """(node, its parent) for the nodes of the statements ``body``."""
    for parent in S.walk_nodes(gast.Module(body=body, type_ignores=[])):
        for child in gast.iter_child_nodes(parent):
            yield child, parent


def _handed_on(normalizer, name):
    """Whether the function reads ``name`` other than for an attribute, to iterate it or
    as the argument of a built-in function (it may be bound to another name, or held)."""
    for node, parent in parented(normalizer.source.tree.body):
        if isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Load) and not (
                isinstance(parent, gast.Attribute) and parent.value is node
                or isinstance(parent, (gast.For, gast.comprehension)) and parent.iter is node
                or isinstance(parent, gast.Call) and node in parent.args and isinstance(parent.func, gast.Name)
                and parent.func.id in _ITERATING_NAMES | {"len"}):
            return True
    return False


def _names_part(node, parent, path):
    """Whether ``node`` (under ``parent``) reads or binds ``path`` or a part of it
    (``m`` or ``m.seq`` for ``m.seq``) other than to read an attribute of it (``m.w``,
    ``m.seq.data``: the longer chain is looked at on its own)."""
    found = S.dotted_path(node) if isinstance(node, (gast.Name, gast.Attribute)) else None
    return found is not None and found == path[:len(found)] and not (
        isinstance(node.ctx, gast.Load) and isinstance(parent, gast.Attribute) and parent.value is node)


def _iterated_by(normalizer, node):
    """The expressions ``node`` iterates: a loop's or comprehension's iterable, the
    arguments of a built-in function iterating them."""
    if isinstance(node, (gast.For, gast.comprehension)):
        return [node.iter]
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id in _ITERATING_NAMES \
            and node.func.id not in normalizer.locals:
        return list(node.args)
    return []


def _may_be_shared(normalizer, expr, own):
    """Whether ``expr`` is an object of an iterator class that may be another one being
    iterated (``own``: whether that one is built once in the function)."""
    if isinstance(expr, gast.Call) or own and built_once(normalizer, expr) or not normalizer._defines(expr, "__iter__"):
        return False
    return counted_iteration(normalizer._object_class(expr)) is not None


def _stepped(normalizer, trees, path):
    """Whether ``iter(path)`` (advanced by ``next``: ``it, it_pos = list(path), 0`` by now,
    explicit_iterators.py) or ``next(path)`` is in ``trees``."""
    for tree in trees:
        for node in S.walk_nodes(tree):
            if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id in ("iter", "next") \
                    and any(S.dotted_path(a) == path for a in node.args if isinstance(a, (gast.Name, gast.Attribute))):
                return True
            if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Tuple) and node.targets[0].elts \
                    and isinstance(node.targets[0].elts[0], gast.Name) \
                    and node.targets[0].elts[0].id in normalizer.explicit_iterators \
                    and isinstance(node.value, gast.Tuple) and isinstance(node.value.elts[0], gast.Call) \
                    and [S.dotted_path(a) for a in node.value.elts[0].args] == [path]:
                return True
    return False


def _iterated_elsewhere(normalizer, trees, path, own):
    """Whether ``trees`` iterate ``path`` more than once, or an object of an iterator class
    that may be it (a name bound to it, another argument of its class)."""
    sites = 0
    for tree in trees:
        for node in S.walk_nodes(tree):
            for iterated in _iterated_by(normalizer, node):
                found = S.dotted_path(iterated) if isinstance(iterated, (gast.Name, gast.Attribute)) else None
                if found == path:
                    sites += 1
                elif _may_be_shared(normalizer, iterated, own):
                    return True
            if isinstance(node, gast.Assign) and isinstance(node.value, (gast.Name, gast.Attribute)) \
                    and S.dotted_path(node.value) == path:
                return True             # r = q: r is q
    return sites > 1
