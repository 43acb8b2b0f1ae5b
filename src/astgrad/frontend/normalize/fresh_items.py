"""Lists and dicts whose array items nothing else refers to: ``xs[0] *= 2.0`` there is
``xs[0] = xs[0] * 2.0``.

On an array item, ``c[k] op= v`` changes that array object in place, so every other
name or item holding it changes too (``xs = [t, t]``, ``[np.zeros(3)] * 3``, ``[x]``):
such writes are checked when they run (runtime.item_update) and refused. Where the
function's own code shows that each item is the only reference to its array, the
check is left out and the write is followed as a store of the new value.

``owns_its_items(normalizer, node)`` says so, from the source, conservatively:

- ``name`` is bound once, by ``name = <display>``: a list, tuple or dict display, or a
  list or dict comprehension, each of whose items is made new there: an operator's
  result, a number, ``.copy()``, or a call of a NumPy (or ``math``) function that
  returns a new array (``np.zeros(3)``, ``np.sin(x)``, ``np.array(x)`` told nothing of
  copying, not ``np.asarray(x)``, which may return ``x`` itself);
- every other use of ``name`` reads an item straight into an operator or into such a
  call (``xs[0] * w``, ``np.sum(xs[1])``), passes the whole container to such a call
  (``np.stack(xs)``), takes ``len(name)``, or writes an item: ``name[k] op= v``, or
  ``name[k] = <made new>``;
- no local function or lambda reads ``name``.

Anything else (``a = xs[0]``, ``for a in xs``, ``ys = xs``, ``xs.append(t)``,
``xs[0][1:]``) keeps the check. ``holds_objects`` and ``items_read_into_names`` say
where ``c[k] op= v`` may change an array item in place at all."""

import gast
import numpy

from ... import runtime
from ...core import anno
from ...core import syntax as S
from ...core.anno import Key
from ...rules import registry

_CONSTRUCTS_NEW = frozenset({"copy"})       # methods that return a new array


def owns_its_items(normalizer, node):
    """Whether ``node`` names a list or dict of the function ``normalizer`` lowers whose
    array items nothing else refers to: ``c[k] op= v`` there needs no check. (Not in an
    inlined helper, whose names are renamed.)"""
    return owned_name(normalizer, node, _owns)


def holds_objects(normalizer, node):
    """Whether ``node`` is certainly a list or a dict (a display, a comprehension,
    ``list(...)``, ``[x] * 3``, ...), whose items ``op=`` changes in place when they are
    arrays: ``c[k] op= v`` is checked when it runs (``runtime.item_update``)."""
    if normalizer.may_be_sequence(node):
        return True
    if not isinstance(node, gast.Name):
        return False
    if getattr(normalizer, "dict_names", None) is None:
        normalizer.dict_names = {t.id for n in S.walk_nodes(normalizer.source.tree) if isinstance(n, gast.Assign)
                                 and (isinstance(n.value, (gast.Dict, gast.DictComp)) or isinstance(n.value, gast.Call)
                                      and isinstance(n.value.func, gast.Name) and n.value.func.id == "dict")
                                 for t in n.targets if isinstance(t, gast.Name)}
    return node.id in normalizer.dict_names


def items_read_into_names(normalizer, node):
    """Whether ``node`` is the copy of an argument (``xs``) whose items the function
    also binds to names (``a = xs[0]``, ``a, b = xs``, ``for a in xs``): where ``xs``
    is a list, ``xs[k] op= v`` changes such an array item in place, under that name
    too, so it is checked when it runs (``runtime.item_update``), as for a list the
    function makes."""
    copies = getattr(normalizer, "argument_copies", None) or {}
    if not isinstance(node, gast.Name) or node.id not in copies:
        return False
    for other in S.walk_nodes(normalizer.source.tree):
        value = other.iter if isinstance(other, gast.For) else getattr(other, "value", None)
        if isinstance(other, gast.Assign) and isinstance(value, gast.Subscript):
            value = value.value
        elif not isinstance(other, gast.For) and not (isinstance(other, gast.Assign)
                                                      and isinstance(other.targets[0], (gast.Tuple, gast.List))):
            continue
        if isinstance(value, gast.Name) and value.id == node.id:
            return True
    return False


def owned_name(normalizer, node, owns):
    """``owns(tree, name, resolve)`` for the local ``node`` names, kept per name on the
    normalizer; False for anything but a name of the function itself (not of an inlined
    helper, whose names are renamed)."""
    if not isinstance(node, gast.Name) or normalizer.inlining:
        return False
    known = normalizer.__dict__.setdefault(f"_{owns.__name__}", {})
    if node.id not in known:
        known[node.id] = owns(normalizer.source.tree, node.id, normalizer.resolve_call)
    return known[node.id]


def _owns(tree, name, resolve):
    """Whether the container ``name`` in the function ``tree`` (gast) holds only arrays
    nothing else refers to (see the module docstring); ``resolve(call)`` is the object a
    call calls, or None."""
    parents = {}
    for node in S.walk_nodes(tree):
        if isinstance(node, (gast.Global, gast.Nonlocal)) and name in node.names \
                or name in (getattr(node, "name", None), getattr(node, "rest", None), getattr(node, "asname", None)):
            return False        # declared outside, or bound by a def, an except, a match pattern, an import
        for child in gast.iter_child_nodes(node):
            parents[child] = node
    uses = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and n.id == name]
    bindings = [n for n in uses if not isinstance(n.ctx, gast.Load)]
    if len(bindings) != 1 or in_local_function(bindings[0], parents, tree) \
            or any(in_local_function(n, parents, tree) for n in uses):
        return False
    binding = parents.get(bindings[0])
    if not (isinstance(binding, gast.Assign) and binding.targets == [bindings[0]]
            and _new_items(binding.value, resolve)):
        return False
    return all(n is bindings[0] or _safe_use(n, parents, resolve) for n in uses)


def _new_items(value, resolve):
    if isinstance(value, (gast.List, gast.Tuple)):
        return all(made_new(item, resolve) for item in value.elts)
    if isinstance(value, gast.Dict):
        return None not in value.keys and all(made_new(item, resolve) for item in value.values)
    if isinstance(value, gast.ListComp):
        return made_new(value.elt, resolve)
    if isinstance(value, gast.DictComp):
        return made_new(value.value, resolve)
    return False


def made_new(node, resolve):
    """Whether ``node`` certainly evaluates to a new object (or a number)."""
    if isinstance(node, (gast.BinOp, gast.UnaryOp)):
        return True
    if isinstance(node, gast.IfExp):
        return made_new(node.body, resolve) and made_new(node.orelse, resolve)    # one of the two
    if isinstance(node, gast.Constant):
        return isinstance(node.value, (int, float, complex)) and not isinstance(node.value, bool)
    if not isinstance(node, gast.Call) or any(kw.arg in ("out", "copy") for kw in node.keywords):
        return False
    if isinstance(node.func, gast.Attribute) and node.func.attr in _CONSTRUCTS_NEW and not node.args:
        return True
    return takes_items(node, resolve) or _copies(node, resolve)


def _copies(call, resolve):
    """A library call that copies unless told not to (``np.array(x)``, ``np.array(x,
    dtype=float)``), told nothing: one argument, no ``copy=`` (made_new checks), so no
    ``copy`` given by position either (``np.nan_to_num(x, False)`` works in place)."""
    if len(call.args) != 1 or isinstance(call.args[0], gast.Starred):
        return False
    target = resolve(call)
    try:
        record = registry.primitive(target) if target is not None else None
    except TypeError:
        return False
    return record is not None and record.result == registry.COPIES and _is_library(target)


def _returns_new(target):
    if target is None:
        return False
    if target is runtime.element_copy:
        return True         # (a number, handed back: element_reads.py)
    if isinstance(target, numpy.ufunc) or getattr(target, "__module__", None) == "math":
        return True
    try:
        record = registry.primitive(target)
    except TypeError:
        return False
    return record is not None and record.result == registry.FRESH and _is_library(target)


def _is_library(target):
    module = getattr(target, "__module__", None) or ""
    return module == "math" or module.split(".")[0] == "numpy"


def _safe_use(name, parents, resolve):
    parent = parents.get(name)
    if isinstance(parent, gast.Call) and name in parent.args:
        func = parent.func
        return isinstance(func, gast.Name) and func.id == "len" and len(parent.args) == 1 \
            or takes_items(parent, resolve)
    if not (isinstance(parent, gast.Subscript) and parent.value is name) \
            or isinstance(parent.slice, gast.Slice):
        return False
    above = parents.get(parent)
    if isinstance(above, gast.Subscript) and above.value is parent and isinstance(above.ctx, gast.Store):
        # name[k][j] = v (or op= v): a write into the item's elements, which gives no other
        # name a reference to the item
        top = parents.get(above)
        return isinstance(top, gast.Assign) and top.targets == [above] \
            or isinstance(top, gast.AugAssign) and top.target is above
    if isinstance(parent.ctx, gast.Store):
        if isinstance(above, gast.AugAssign):
            return above.target is parent
        return isinstance(above, gast.Assign) and above.targets == [parent] and made_new(above.value, resolve)
    if isinstance(above, (gast.BinOp, gast.Compare)) or isinstance(above, gast.UnaryOp):
        return True
    if isinstance(above, gast.AugAssign):
        return above.value is parent
    return isinstance(above, gast.Call) and parent in above.args and takes_items(above, resolve)


def takes_items(call, resolve):
    """A call of a library function returning a new array, which keeps nothing it is given
    (no ``out=``, nor a ufunc's output given by position: ``np.add(a, b, out)``)."""
    target = resolve(call)
    if target is None:          # element_copy(a.data[0], where), a helper the normalizer bound
        target = anno.get(call, Key.TARGET, None)
    if any(kw.arg == "out" for kw in call.keywords) \
            or isinstance(target, numpy.ufunc) and len(call.args) > target.nin:
        return False
    return _returns_new(target)


def in_local_function(node, parents, tree):
    current = parents.get(node)
    while current is not None and current is not tree:
        if isinstance(current, (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda)):
            return True
        current = parents.get(current)
    return False

