"""A list comprehension building objects of a class astgrad follows (or records of a
dataclass, methods.py), over items whose number is known from the code, written out
item by item:

    layers = [Dense(W * w, b, np.tanh if i == 0 else None)
              for i, (W, b) in enumerate(zip(shapes, biases))]

with ``shapes`` and ``biases`` list displays (or names bound once to one, never changed
in place), ``layers`` bound only there, becomes

    items = [item for item in enumerate(zip(shapes, biases))]
    W_1, b_1 = items[0][1]
    W_2, b_2 = items[1][1]
    layers = [Dense(W_1 * w, b_1, np.tanh if 0 == 0 else None), Dense(W_2 * w, b_2, ...)]

so the name stands for a list of objects whose classes (and the functions they hold,
held_functions.py) are known, as a list display of them does (built_objects.py). Python
evaluates the iterable once, then the item expression for each item in turn, its loop
variables its own: the same here, with fresh names, and an ``enumerate`` index (or the
variable of a loop over ``range`` of constants) written as the constant it is.
"""

import builtins

import gast

from ...core import syntax as S
from .scopes import parameters

_LIMIT = 64


class BuiltListLowering:
    """Normalizer methods writing out comprehensions that build objects."""

    def written_out_objects(self, value):
        """The list display ``value`` (a list comprehension building objects, see the
        module docstring) stands for, its items' loop variables bound first; else None."""
        if not isinstance(value, gast.ListComp) or len(value.generators) != 1 \
                or not isinstance(value.elt, gast.Call) \
                or (self.built_class_of(value.elt) or self.record_class_of(value.elt)) is None:
            return None
        generator = value.generators[0]
        if generator.ifs or generator.is_async or any(
                isinstance(n, (gast.Lambda, gast.NamedExpr, gast.ListComp, gast.GeneratorExp, gast.DictComp,
                               gast.SetComp)) for n in S.walk_nodes(value.elt)):
            return None
        indexed, source, target = _enumerated(self, generator)
        count = self.known_length(source)
        if count is None or not 0 < count <= _LIMIT:
            return None
        steps = _range_constants(self, source)
        if steps is not None and isinstance(target, gast.Name):        # for k in range(3): k written out
            return gast.copy_location(gast.List(elts=[_renamed(S.copy(value.elt), {target.id: k}) for k in steps],
                                                ctx=gast.Load()), value)
        item = self.namer.fresh("item")
        every = gast.ListComp(elt=S.name(item), generators=[gast.comprehension(
            target=S.name(item, store=True), iter=generator.iter, ifs=[], is_async=0)])
        # list(iterable): evaluated once, first, and lowered as any comprehension is, so
        # the derivative flows through the items (W_1 = items[0][1] reads W1's)
        items = self.namer.fresh("items")
        self.statement(gast.Assign(targets=[S.name(items, store=True)], value=every, type_comment=None))
        elts = []
        for k in range(count):
            names = {name: self.namer.fresh(name) for name in S.stored_names(target)}
            step = gast.Subscript(value=S.name(items), slice=S.const(k), ctx=gast.Load())
            if indexed is not None:
                names[indexed] = k
                step = gast.Subscript(value=step, slice=S.const(1), ctx=gast.Load())
            self.statement(gast.Assign(targets=[_renamed(S.copy(target), names)], value=step, type_comment=None))
            elts.append(_renamed(S.copy(value.elt), names))
        return gast.copy_location(gast.List(elts=elts, ctx=gast.Load()), value)

    def known_length(self, node):
        """The number of items iterating over ``node`` gives, known from the code: a list
        or tuple display, a name bound once to one (and never changed in place), ``range``
        of integer constants, ``zip`` and ``enumerate`` of those; else None."""
        if isinstance(node, (gast.List, gast.Tuple)):
            return None if any(isinstance(e, gast.Starred) for e in node.elts) else len(node.elts)
        if isinstance(node, gast.Name):
            return self.known_length(self._display_bound(node.id)) if self._display_bound(node.id) else None
        callee = self.resolve_call(node)
        if callee is None or node.keywords or any(isinstance(a, gast.Starred) for a in node.args):
            return None
        if callee is builtins.range:
            steps = _range_constants(self, node)
            return None if steps is None else len(steps)
        if callee is builtins.enumerate and len(node.args) == 1:
            return self.known_length(node.args[0])
        if callee is builtins.zip and node.args:
            counts = [self.known_length(a) for a in node.args]
            return None if None in counts else min(counts)
        return None

    def _display_bound(self, name):
        """The list or tuple display ``name`` is bound to, once, by ``name = [...]``, and
        never changed in place; else None."""
        if self.bound_count.get(name, 0) != 1 or name in parameters(self.source.tree) \
                or name in self.changed_lists()[0] or name in self.functions:
            return None
        for node in S.walk_nodes(self.source.tree):
            if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name) \
                    and node.targets[0].id == name:
                return node.value if isinstance(node.value, (gast.List, gast.Tuple)) else None
        return None


def _enumerated(normalizer, generator):
    """(the index name, the iterable enumerate walks, the target of its items) for
    ``for i, item in enumerate(xs)``; (None, the iterable, the target) otherwise."""
    target, source = generator.target, generator.iter
    if normalizer.resolve_call(source) is builtins.enumerate and len(source.args) == 1 and not source.keywords \
            and isinstance(target, gast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[0], gast.Name):
        return target.elts[0].id, source.args[0], target.elts[1]
    return None, source, target


def _range_constants(normalizer, source):
    """The integers ``range`` of integer constants gives; else None."""
    if normalizer.resolve_call(source) is builtins.range and not source.keywords and 1 <= len(source.args) <= 3 \
            and all(isinstance(a, gast.Constant) and type(a.value) is int for a in source.args):
        return list(range(*[a.value for a in source.args]))
    return None


def _renamed(node, names):
    """``node`` with each name of ``names`` replaced: by its new name, or by a constant."""
    for sub in S.walk_nodes(node):
        for field, child in gast.iter_fields(sub):
            if isinstance(child, gast.Name) and child.id in names:
                setattr(sub, field, _replacement(child, names[child.id]))
            elif isinstance(child, list):
                child[:] = [_replacement(c, names[c.id]) if isinstance(c, gast.Name) and c.id in names else c
                            for c in child]
    if isinstance(node, gast.Name) and node.id in names:
        return _replacement(node, names[node.id])
    return node


def _replacement(name, new):
    if isinstance(new, int):
        return gast.copy_location(S.const(new), name)
    return gast.copy_location(gast.Name(id=new, ctx=name.ctx, annotation=None, type_comment=None), name)
