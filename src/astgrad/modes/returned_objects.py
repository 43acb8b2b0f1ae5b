"""What a function of the user's returns, read off its source, for the refusal of
handed_arrays_read_again.py: the classes of the objects a helper builds and returns
(``def mk(b): check(b); return Acc(b)``), whose methods frontend/normalize/method_writes.py
then reads (``self.data = self.data + v`` only rebinds the attribute: the array the object
was handed keeps its values); and ``Reads``, what both answers read.

The answer is narrow on purpose: anything this module cannot read, or that may do more
than it sees, is "unknown" (None), and the caller then refuses as before."""

import gast

from ..core import syntax as S
from ..frontend.normalize.held_objects import held_classes
from ..frontend.normalize.method_writes import SCOPED, plain_class, readable_function

__all__ = ["Reads", "held_classes", "returned_classes"]


class Reads:
    """What the answers of this module read, for the caller to note as what the code made
    depends on (``refuse_handed_array_changed``): paths of global names of ``globals``
    (the differentiated function's module, whose functions alone are read here), and
    (class, attribute) pairs."""

    def __init__(self, globals_):
        self.globals = globals_
        self.paths, self.methods = [], []


def returned_classes(fn, noted):
    """The classes of the objects ``fn`` returns, where each of its ``return`` statements
    hands back a construction of a class of the user's (``return Acc(b)``) or a name ``fn``
    binds only to such constructions (``o = Acc(b); return o``); None otherwise (a
    ``return`` of anything else, a name bound otherwise too, a nested scope). What the
    answer read goes into ``noted`` (``readable_function``)."""
    read = readable_function(fn, noted)
    if read is None:
        return None
    tree, resolve = read
    nodes = [n for n in S.walk_nodes(tree) if n is not tree]
    if any(isinstance(n, SCOPED) for n in nodes):
        return None
    params = {a.id for a in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs}
    built, stores = {}, {}
    for node in nodes:
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name):
            built.setdefault(node.targets[0].id, []).append(_built_class(node.value, resolve, noted))
        elif isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Del)):
            stores[node.id] = stores.get(node.id, 0) + 1
    # (a name bound otherwise too, a loop's target, an ``op=``, a parameter: not followed)
    other = params | {name for name, count in stores.items() if count != len(built.get(name, ()))}
    found = []
    returns = [n for n in nodes if isinstance(n, gast.Return)]
    for ret in returns:
        if isinstance(ret.value, gast.Name) and ret.value.id not in other:
            classes = built.get(ret.value.id, [None])
        else:
            classes = [_built_class(ret.value, resolve, noted)]
        if not classes or None in classes:
            return None
        found += [cls for cls in classes if cls not in found]
    return tuple(found) or None


def _built_class(value, resolve, noted):
    """The class of the user's ``value`` constructs (``Acc(b)``), or None."""
    if not isinstance(value, gast.Call):
        return None
    cls = resolve(value)
    if cls is not None:             # (a global name path: one rebound makes the code again)
        noted.paths.append(tuple(S.dotted_path(value.func)))
    return cls if plain_class(cls) else None

