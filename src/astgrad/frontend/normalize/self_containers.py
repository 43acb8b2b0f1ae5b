"""Lists, dicts and arrays an object holds in an attribute, changed in place by its
methods: ``self.m[k] = v``, ``self.items.append(v)``, ``self.cache.update(d)``,
``self.h[0] = v`` (an optimizer keeping its moments, a logger its losses, a cell its
state), on an object the differentiated function built.

Python changes the container the attribute holds, so every other name holding that
container sees the change. Where the code shows that nothing but the attribute ever
holds it (``held_only_by_attribute``), the method's state twin (instances.py) writes
into a copy instead and stores the copy in the attribute (``copy_on_write``):
``t = written_copy(self.m); t[k] = v; self.m = t``. No name another part of the
program reads changes, as in Python, and the object written into is new and held by
one name, so the derivative (and the derivative of the derivative) follows it as any
write into a local list, dict or array.

``held_only_by_attribute(cls, attr, uses)``, from the source, conservatively:

- no class along ``cls``'s method resolution order has an attribute ``attr`` (a
  class-level ``m = {}`` is shared by every instance);
- every store of ``self.attr`` in a method of those classes (``__init__`` among them)
  and every store of ``obj.attr`` in the function (``uses``) is a new container: a
  list or dict display or comprehension, ``list(...)``/``dict(...)``, or a value made
  new there (an operator's result, ``.copy()``, ``np.zeros(n)``, any NumPy function
  returning a new array);
- every other use reads what the container holds and keeps no reference to it: an item
  (of a list or dict, anywhere; of an array, only straight into an operator or a call
  that keeps nothing, since an array's item may be a view), ``len``, ``sum``,
  ``sorted``, ``k in``, a loop over it that does not change it, an operator, a method
  that returns a new value (``.get(k)``, ``.copy()``, ``.sum()``), or a method that
  changes it as a statement of its own (written into a copy, as above);
- the methods name ``self`` only as ``self.attr`` or ``self(...)`` (no ``getattr(self,
  ...)``, ``self.__dict__``, nor a nested function or lambda reading ``self``).

Anything else (``m = self.m``, ``return self.m``, ``self.m = m`` from an argument,
``[self.m]``, ``self.m.keys()`` kept in a name) keeps the refusal."""

import builtins

import gast

from ...core import syntax as S
from ...core.first_use import imported_when_called
from .class_functions import method_sites
from .handed_arrays import _stored_parameter, handed_parameters, stored_aliases
from .item_arguments import item_read_before_writes
from .kept_attribute_views import is_kept_view_read
from ...core.changing_methods import CHANGING_METHODS
from .escaping_methods import OPERATOR_CALLS as _OPERATOR_CALLS
from .keyed_list_cuts import bound_once as _once
from .list_slice_writes import attribute_slice_stores
from .keyed_list_cuts import fresh_name, joined, popped, returned_pop, slice_written, written_as_new_list

# what makes a new list of items (fresh_items.py) and the lists of a container nothing else
# holds (item_appends.py), asked only where a function has such lists: loaded with the first
# call (core/first_use.py)
made_new = imported_when_called(__package__ + ".fresh_items", "made_new")
takes_items = imported_when_called(__package__ + ".fresh_items", "takes_items")
lists_kept_use = imported_when_called(__package__ + ".item_appends", "lists_kept_use")
new_lists = imported_when_called(__package__ + ".item_appends", "new_lists")


# methods returning a new value, reading the container without keeping it
_READING_METHODS = frozenset({"get", "copy", "count", "index", "sum", "mean", "max", "min", "prod", "std",
                              "var", "any", "all", "dot", "tolist", "item", "argmax", "argmin", "cumsum"})
# methods returning a live view of a dict (fine where iterated at once)
_VIEW_METHODS = frozenset({"keys", "values", "items"})
# the operator methods self_chains.py writes as calls (v += w, v[i] = a): a method call
# on the object, which hands it on no more than v.step(g) does
_READS_ITEMS = (builtins.sum, builtins.len, builtins.max, builtins.min, builtins.sorted, builtins.list,
                builtins.tuple, builtins.any, builtins.all, builtins.dict, builtins.set)
_NEW_CONTAINERS = {builtins.list: "list", builtins.dict: "dict"}
# the kind of an attribute holding only dicts of new lists, changed by its methods
DICT_OF_LISTS = "dict of lists"


def held_only_by_attribute(cls, attr, caller):
    """Whether ``attr`` of an object of ``cls`` holds a container nothing else refers to
    (the module docstring). ``caller``: (tree, the name the object goes by there,
    resolve(call)) for the function that built the object."""
    return container_kinds(cls, attr, caller) is not None


def container_kinds(cls, attr, caller):
    """The kinds of container stored in ``attr`` ({"list", "dict", "other"}) where it holds
    one nothing else refers to (``held_only_by_attribute``); else None. Where a method
    appends to a list the container holds (``self.m[k].append(v)``,
    ``self.m.setdefault(k, []).append(v)``), ``attr`` must hold a dict of lists nothing
    else refers to either (``_keyed_list_use``)."""
    if not isinstance(cls, type) or any(attr in vars(klass) for klass in cls.__mro__):
        return None
    sites = list(method_sites(cls))
    if None in sites:
        return None
    sites.append((*caller, None))
    keyed = any(_appends_to_items(tree, me, attr) for tree, me, _, _ in sites)
    # self.data = data in __init__, where the caller hands it an array nothing else holds
    storing, handed = handed_parameters(cls, attr, caller) if not keyed else (None, frozenset())
    kinds = set()
    for tree, me, resolve, fn in sites:
        found = _uses_of(tree, me, attr, resolve, rebinds=tree is caller[0], keyed=keyed,
                         handed=handed if fn is not None and fn is storing else frozenset(),
                         cls=cls if tree is caller[0] else None)
        if found is None:
            return None
        kinds |= found
    if handed and not _aliases_only_read(cls, attr, sites[:-1], caller):
        return None
    stores = kinds - {"item"}
    # an item of an array kept in a name may be a view of it: only lists and dicts then
    if not stores or "item" in kinds and not stores <= {"list", "dict"} or keyed and stores != {"dict"}:
        return None
    return frozenset({DICT_OF_LISTS} if keyed else stores)


def _aliases_only_read(cls, attr, sites, caller):
    """Whether the methods among ``sites`` read the attributes keeping ``attr``'s array for
    good (``self.first``: attribute_aliases.py) on the object ``caller`` builds as they may
    read ``self.attr``, keeping no reference to it; ``__init__``, storing the alias, is not
    asked. An alias ``__init__`` keeps that is not one for good (a method's ``self.data
    *= c`` counts as a rebinding there, though on an array it writes into the one array
    both attributes hold) is not stored back by the state twins: the write would not show
    through it, so no.
    ``caller`` (tree, the object's name, resolve): ``name.attr op= v`` there (``p.data *= c``)
    is written back to ``attr`` alone, so no alias may be kept then."""
    kept = set()
    _stored_parameter(cls, attr, aliases=kept)
    aliases = stored_aliases(cls, attr, caller[:2])
    if kept - set(aliases) or kept and _augments(caller[0], caller[1], attr):
        return False
    for alias in aliases:
        for tree, me, resolve, _ in sites:
            if any(isinstance(n, gast.Attribute) and n.attr == alias and isinstance(n.ctx, gast.Store)
                   for n in S.walk_nodes(tree)):
                continue                                # self.first = data
            found = _uses_of(tree, me, alias, resolve, rebinds=False)
            if found is None or found:                  # (an item kept may be a view)
                return False
    return True


def _augments(tree, name, attr):
    """Whether ``tree`` has ``name.attr op= v``, which on an array writes into it in place
    (``name.attr = v`` binds a new one, which the alias does not show, as in Python)."""
    return any(isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Attribute) and n.target.attr == attr
               and isinstance(n.target.value, gast.Name) and n.target.value.id == name for n in S.walk_nodes(tree))


def _appends_to_items(tree, me, attr):
    """Whether ``tree`` appends to a list ``me.attr`` holds: ``me.attr[k].append(v)`` or
    ``me.attr.setdefault(k, d).append(v)`` (any method called on such an item counts)."""
    for node in S.walk_nodes(tree):
        receiver = node.func.value if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
            else None
        if isinstance(receiver, gast.Call) and isinstance(receiver.func, gast.Attribute) \
                and receiver.func.attr == "setdefault":
            receiver = receiver.func.value
        elif isinstance(receiver, gast.Subscript):
            receiver = receiver.value
        else:
            continue
        if _same_holder(receiver, gast.Attribute(value=S.name(me), attr=attr, ctx=gast.Load())):
            return True
    return False


def _uses_of(tree, me, attr, resolve, rebinds, keyed=False, handed=frozenset(), cls=None):
    """The kinds of container stored in ``me.attr`` in ``tree`` ({"list", "dict",
    "other"}, and "item" for an item read kept), where each use of ``me`` and of
    ``me.attr`` there is one the module docstring allows; else None. ``rebinds``: the
    function binds ``me`` (to the object it builds); ``keyed``: ``me.attr`` holds lists
    a method appends to (``_keyed_list_use``); ``handed``: the parameters of ``tree``
    (``__init__``) whose argument nothing else holds (handed_arrays.py); ``cls``: the
    object's class, where ``tree`` is the function building it (an item handed to a
    method of it: item_arguments.py)."""
    parents = S.parent_nodes(tree)
    kinds = set()
    for node in S.walk_nodes(tree):
        if isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)) \
                and node is not tree and me in S.names_in(node):
            return None
        if not (isinstance(node, gast.Name) and node.id == me) or isinstance(node.ctx, gast.Param):
            continue
        read = parents.get(node)
        if isinstance(read, gast.Call) and read.func is node:
            continue                                    # self(...): __call__, checked as a method
        if not (isinstance(read, gast.Attribute) and read.value is node) \
                or read.attr.startswith("__") and not _operator_call(read, parents):
            if isinstance(node.ctx, gast.Store) and rebinds:
                continue                                # the function's own binding of the object
            if isinstance(read, gast.Return) and not rebinds:
                continue        # return self: the caller drops it (instances.plain_uses, for the object's name)
            return None                                 # the object handed on: getattr(self, ...), vars(self)
        if read.attr != attr:
            continue
        store = parents.get(read)
        if handed and isinstance(store, gast.Assign) and store.targets == [read] \
                and isinstance(store.value, gast.Name) and store.value.id in handed:
            kinds.add("other")                          # self.data = data, handed an array of its own
            continue
        if rebinds and is_kept_view_read(read, parents):
            kinds.add("read")                           # head = a.data[:2], read again after each call
            continue
        kind = (_keyed_list_use if keyed else _use)(read, parents, resolve, in_method=not rebinds)
        if kind == "item" and cls is not None and item_read_before_writes(cls, me, parents.get(read), parents):
            kind = "read"                               # a.bump(0, a.data[1]): read before it writes
        if kind is None:
            return None
        kinds.add(kind)
    kinds.discard("read")
    return kinds


def _operator_call(read, parents):
    """Whether ``read`` (``me.__iadd__``) is called, an operator method self_chains.py wrote."""
    call = parents.get(read)
    return read.attr in _OPERATOR_CALLS and isinstance(call, gast.Call) and call.func is read


def _use(read, parents, resolve, in_method=True):
    """"list", "dict" or "other" for a store of a new container into ``read`` (``me.attr``),
    "read" (or "items" for an item read) for a use that keeps no reference to it; else None.
    ``in_method``: ``read`` is in a method, whose state twin splits ``return me.a.pop()``."""
    above = parents.get(read)
    if isinstance(read.ctx, gast.Store):
        if isinstance(above, gast.AugAssign) and above.target is read:
            return "read"                               # self.h += v: a change in place
        if not (isinstance(above, gast.Assign) and above.targets == [read]):
            return None
        return _new_container(above.value, resolve)
    if isinstance(read.ctx, gast.Del):
        return None
    if isinstance(above, gast.Subscript) and above.value is read:
        return "read" if not isinstance(above.ctx, gast.Load) or _item_kept_to_itself(above, parents, resolve) \
            else "item"
    if isinstance(above, gast.Attribute) and above.value is read:
        call = parents.get(above)
        if not (isinstance(call, gast.Call) and call.func is above):
            return None                                 # self.h.T, self.h.real: views
        if above.attr in CHANGING_METHODS:
            return "read" if _statement_call(call, parents, in_method) else None
        if above.attr in _VIEW_METHODS:
            return "read" if _consumed_at_once(call, parents, resolve) else None
        return "read" if above.attr in _READING_METHODS else None
    if not in_method and _returned(read, parents):
        return "read"       # the function's own return: nothing changes the value after it
    return "read" if _consumed_at_once(read, parents, resolve) else None


def _returned(read, parents):
    """Whether ``read`` is what a ``return`` statement returns, alone or as an item of a
    tuple or list display it returns."""
    above = parents.get(read)
    if isinstance(above, (gast.Tuple, gast.List)):
        above = parents.get(above)
    return isinstance(above, gast.Return)


def _keyed_list_use(read, parents, resolve, in_method=True):
    """As ``_use``, for ``me.attr`` holding a dict of lists a method appends to: "dict"
    for a store of a new dict of new lists (``self.m = {}``), "read" for a use that
    lets no other name get the dict or one of its lists (item_appends.lists_kept_use:
    ``self.m[k] = []``, ``self.m[k].append(v)``, ``self.m.setdefault(k, []).append(v)``,
    ``k in self.m``, ``len(self.m)``, ``sum(self.m[k])``, ``self.m[k][0]``, a loop over
    ``self.m[k]``, ``.keys()``, a loop over ``.values()`` or ``.items()`` keeping its
    lists to itself: ``_lists_looped_over``), for ``del self.m[k]`` and ``self.m.pop(k)``,
    ``.popitem()``, ``.clear()`` as statements (what they take out is no longer held by
    the dict), and in a method for ``self.m[k][j] = v``, ``self.m[k] += vs`` and
    ``self.m[k].extend(vs)`` (``_list_changed``); a loop over it must not change it
    (Python would raise, or see the change); else None."""
    above = parents.get(read)
    if isinstance(read.ctx, gast.Store):
        return "dict" if isinstance(above, gast.Assign) and above.targets == [read] \
            and isinstance(above.value, (gast.Dict, gast.DictComp)) and new_lists(above.value) else None
    if isinstance(above, gast.Subscript) and above.value is read and isinstance(above.ctx, gast.Del):
        return "read"
    call = parents.get(above)
    if isinstance(above, gast.Attribute) and above.attr in ("pop", "popitem", "clear") \
            and isinstance(call, gast.Call) and call.func is above:
        return "read" if _statement_call(call, parents, in_method) else None
    if isinstance(above, (gast.For, gast.comprehension)) and above.iter is read \
            and _changed_within(above.body + above.orelse if isinstance(above, gast.For) else [parents.get(above)], read):
        return None
    if in_method and isinstance(above, gast.Subscript) and above.value is read \
            and (_list_changed(above, parents) or slice_written(above, parents) or popped(above, parents, True)):
        return "read"                                   # keyed_list_cuts.py for the last two
    if isinstance(above, gast.Subscript) and above.value is read and not isinstance(above.slice, gast.Slice) \
            and isinstance(above.ctx, gast.Load) and _looped_over(above, parents, read):
        return "read"                                   # for v in self.m[k]: its items
    if isinstance(above, gast.Attribute) and above.attr in _VIEW_METHODS and isinstance(call, gast.Call) \
            and call.func is above and not call.args and not call.keywords:
        at_once = _consumed_at_once(call, parents, resolve) if above.attr == "keys" \
            else _lists_looped_over(call, parents, resolve)
        return "read" if at_once else None
    if in_method and _copy_kept_to_itself(read, parents, resolve):
        return "read"                                   # m = self.m.copy(), then m[k] = v or reads
    return "read" if isinstance(read.ctx, gast.Load) and lists_kept_use(read, parents, resolve, True) else None


def _copy_kept_to_itself(read, parents, resolve):
    """``m = self.m.copy()`` or ``m = dict(self.m)`` in a method, on a dict of lists: a new
    dict holding the same lists, as in Python. Followed where that sharing shows nowhere:
    ``m`` is bound once, its keys are only rebound (``m[k] = v``, ``del m[k]``) or its
    lists read at once (``sum(m[k])``, ``m[k][0]``, ``k in m``, ``len(m)``), it is not
    handed on nor returned, and the method changes nothing of ``self.m`` and calls no
    method of ``self`` (Python's ``m`` would see a list of ``self.m`` changed in place,
    where the state twin writes a new list). ``m[k].append(v)`` changes the list both
    dicts hold: refused, as every other use."""
    stmt = copy_statement(read, parents, resolve)
    if stmt is None:
        return False
    method = stmt
    while parents.get(method) is not None:
        method = parents[method]
    if _changed_within([method], read, deep=True):
        return False
    copy = stmt.targets[0]
    return all(_copy_read(node, parents, resolve) for node in S.walk_nodes(method)
               if isinstance(node, gast.Name) and node.id == copy.id and node is not copy)


def copy_statement(read, parents, resolve):
    """``m = self.m.copy()`` or ``m = dict(self.m)`` where ``read`` is its ``self.m``, else None."""
    above = parents.get(read)
    if isinstance(above, gast.Attribute) and above.attr == "copy":
        call = parents.get(above)
        call = call if isinstance(call, gast.Call) and call.func is above and not call.args \
            and not call.keywords else None
    else:
        call = above if isinstance(above, gast.Call) and above.args == [read] and not above.keywords \
            and resolve(above) is builtins.dict else None
    stmt = parents.get(call)
    if call is None or not (isinstance(stmt, gast.Assign) and stmt.value is call and len(stmt.targets) == 1
                            and isinstance(stmt.targets[0], gast.Name)):
        return None
    return stmt


def _copy_read(node, parents, resolve):
    """Whether the use ``node`` of a copy ``m`` of a dict of lists (``_copy_kept_to_itself``)
    rebinds a key of ``m`` or reads it at once, changing no list it holds."""
    parent = parents.get(node)
    if not isinstance(node.ctx, gast.Load):
        return False                                    # m bound twice, or a parameter
    if isinstance(parent, gast.Subscript) and parent.value is node and not isinstance(parent.slice, gast.Slice):
        if isinstance(parent.ctx, gast.Store):
            store = parents.get(parent)
            return isinstance(store, gast.Assign) and store.targets == [parent]
        return isinstance(parent.ctx, gast.Del) or _read_at_once(parent, parents, resolve)
    if isinstance(parent, (gast.For, gast.comprehension)) and parent.iter is node:
        body = parent.body + parent.orelse if isinstance(parent, gast.For) else [parents.get(parent)]
        return not any(isinstance(n, gast.Subscript) and not isinstance(n.ctx, gast.Load)
                       and isinstance(n.value, gast.Name) and n.value.id == node.id
                       for top in body for n in S.walk_nodes(top))     # Python: changed size while iterating
    return not isinstance(parent, gast.Attribute) and lists_kept_use(node, parents, resolve, True)


def _looped_over(node, parents, holder):
    """Whether a ``for`` or a comprehension goes over ``node`` and changes nothing of
    ``holder`` (``me.attr``) in its body (Python would see the change)."""
    loop = parents.get(node)
    if not (isinstance(loop, (gast.For, gast.comprehension)) and loop.iter is node):
        return False
    return not _changed_within(loop.body + loop.orelse if isinstance(loop, gast.For) else [parents.get(loop)], holder,
                               deep=True)


def _lists_looped_over(call, parents, resolve):
    """``for vs in me.attr.values():`` (or ``for k, vs in me.attr.items():``, or a
    comprehension) on a dict of lists: the loop changes nothing of ``me.attr``, and its
    name for each list, ``vs``, is bound nowhere else, named nowhere but in the loop, and
    only read at once there (``sum(vs)``, ``vs[0]``, ``len(vs)``, ``for v in vs``)."""
    loop = parents.get(call)
    if not _looped_over(call, parents, call.func.value):
        return False
    target = loop.target
    if call.func.attr == "items":
        target = target.elts[1] if isinstance(target, gast.Tuple) and len(target.elts) == 2 else None
    if not isinstance(target, gast.Name):
        return False
    root = loop
    while parents.get(root) is not None:
        root = parents[root]
    scope = {id(n) for top in (loop.body + loop.orelse if isinstance(loop, gast.For) else [parents.get(loop)])
             for n in S.walk_nodes(top)}
    for node in S.walk_nodes(root):
        if isinstance(node, gast.Name) and node.id == target.id and node is not target \
                and not (id(node) in scope and isinstance(node.ctx, gast.Load) and _read_at_once(node, parents, resolve)):
            return False
    return True


def _read_at_once(node, parents, resolve):
    """Whether the list ``node`` names is read and not kept, nor changed: given to an
    operator, indexed, looped over, or given to a call keeping nothing. (Not ``vs.copy()``:
    the sharing analysis cannot tell a list's copy, holding its items, from an array's.)"""
    above = parents.get(node)
    if isinstance(above, (gast.BinOp, gast.UnaryOp, gast.Compare)):
        return True
    if isinstance(above, gast.Subscript) and above.value is node:
        return isinstance(above.ctx, gast.Load)
    if isinstance(above, (gast.For, gast.comprehension)) and above.iter is node:
        return True
    return isinstance(above, gast.Call) and node in above.args \
        and (resolve(above) in _READS_ITEMS or takes_items(above, resolve))


def _list_changed(item, parents):
    """Whether ``item`` (``me.attr[k]``) is a list changed in place by a statement of its
    own: ``me.attr[k][j] = v``, ``me.attr[k] += vs``, ``me.attr[k].extend(vs)`` (its
    state twin writes them as new lists, ``_item_list_stores``)."""
    above = parents.get(item)
    if isinstance(item.slice, gast.Slice):
        return False
    if isinstance(above, gast.AugAssign):
        return above.target is item and isinstance(above.op, gast.Add)
    if isinstance(above, gast.Subscript) and above.value is item and isinstance(above.ctx, gast.Store):
        return isinstance(parents.get(above), gast.Assign) and parents.get(above).targets == [above] \
            and not isinstance(above.slice, gast.Slice)
    call = parents.get(above)
    return isinstance(above, gast.Attribute) and above.attr == "extend" and isinstance(call, gast.Call) \
        and call.func is above and len(call.args) == 1 and not call.keywords \
        and not isinstance(call.args[0], gast.Starred) and isinstance(parents.get(call), gast.Expr)


def _new_container(value, resolve):
    if isinstance(value, (gast.List, gast.ListComp)):
        return "list"
    if isinstance(value, (gast.Dict, gast.DictComp)):
        return "dict"
    if isinstance(value, gast.Call) and resolve(value) in _NEW_CONTAINERS:
        return _NEW_CONTAINERS[resolve(value)]
    return "other" if made_new(value, resolve) else None


def _item_kept_to_itself(item, parents, resolve):
    """Whether the item ``item`` reads goes straight into an operator, a subscript or a
    call that keeps nothing it is given (an array's item may be a view of it)."""
    above = parents.get(item)
    if isinstance(above, (gast.BinOp, gast.UnaryOp, gast.Compare)):
        return True
    if isinstance(above, gast.Subscript) and above.value is item:
        return isinstance(above.ctx, gast.Load)
    return isinstance(above, gast.Call) and item in above.args \
        and (resolve(above) in _READS_ITEMS or takes_items(above, resolve))


def _consumed_at_once(node, parents, resolve):
    """Whether ``node``'s value (the container, or a view of it) is read at once and not
    kept: looped over, tested (``k in``), given to an operator or to a call keeping
    nothing (``len``, ``sum``, ``sorted``, a NumPy function returning a new array)."""
    holder = _holder(node)
    above = parents.get(node)
    if isinstance(above, gast.Call) and above.args == [node] and not above.keywords \
            and resolve(above) is builtins.enumerate:
        node, above = above, parents.get(above)         # for i, v in enumerate(self.items)
    if isinstance(above, gast.For) and above.iter is node:
        return not _changed_within(above.body + above.orelse, holder)
    if isinstance(above, gast.comprehension) and above.iter is node:
        return not _changed_within([parents.get(above)], holder)
    if isinstance(above, (gast.BinOp, gast.UnaryOp)):
        return True
    if isinstance(above, gast.Compare):
        return node is not above.left or all(isinstance(op, (gast.Eq, gast.NotEq)) for op in above.ops)
    return isinstance(above, gast.Call) and node in above.args \
        and (resolve(above) in _READS_ITEMS or takes_items(above, resolve))


def _holder(node):
    """``me.attr`` that ``node`` (it, or a call of a method of it) reads."""
    return node.func.value if isinstance(node, gast.Call) else node


def _changed_within(nodes, holder, deep=False):
    """Whether code in ``nodes`` may change what ``holder`` (``me.attr``) holds while a
    loop goes over it: it writes into it, calls a method changing it, or calls any method
    of ``me`` (Python's loop would see the change, or raise). ``deep``: a change of one of
    its items counts too (``me.attr[k].append(v)``, ``me.attr[k][j] = v``), for a loop
    that reads them (Python's loop would see the item changed)."""
    me = holder.value.id

    def base(node):
        while deep and isinstance(node, gast.Subscript):
            node = node.value
        return node
    for node in (n for top in nodes for n in S.walk_nodes(top)):
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute):
            receiver = node.func.value
            if isinstance(receiver, gast.Name) and receiver.id == me:
                return True
            if _same_holder(base(receiver), holder) and node.func.attr in CHANGING_METHODS:
                return True
        if isinstance(node, gast.Subscript) and not isinstance(node.ctx, gast.Load) \
                and _same_holder(base(node.value), holder):
            return True
        if isinstance(node, gast.Attribute) and not isinstance(node.ctx, gast.Load) and _same_holder(node, holder):
            return True
    return False


def _same_holder(node, holder):
    return isinstance(node, gast.Attribute) and node.attr == holder.attr and isinstance(node.value, gast.Name) \
        and node.value.id == holder.value.id


def _statement_call(call, parents, returned=False):
    """``self.m.update(d)`` as a statement of its own, or as the value of ``v = ...`` (or,
    where ``returned``, of ``return ...``)."""
    above = parents.get(call)
    return isinstance(above, gast.Expr) or isinstance(above, gast.Assign) and len(above.targets) == 1 \
        and isinstance(above.targets[0], gast.Name) and above.value is call \
        or returned and isinstance(above, gast.Return)


def copy_helper_name(fn, tree):
    """The name the twin of ``fn`` calls runtime.written_copy by: ``written_copy``,
    unless ``fn`` names it already."""
    taken = S.names_in(tree) | set(fn.__globals__) | set(fn.__code__.co_freevars)
    return fresh_name("written_copy", taken)


def copy_on_write(tree, me, attrs, helper, kinds=frozenset()):
    """``tree`` (a method's state twin, ``me`` its first parameter) with each statement
    changing the container of ``me.a`` in place (``a`` in ``attrs``) written into a copy
    stored back: ``t = written_copy(me.a); t[k] = v; me.a = t`` (``helper``: the name
    ``written_copy`` goes by). ``kinds``: pairs (attribute, the one kind of container it
    ever holds: "dict", "list" or ``DICT_OF_LISTS``). On a dict, ``del me.a[k]``,
    ``me.a.pop(k[, d])``, ``.popitem()`` and ``.clear()`` store a new dict
    (``_dict_removal``); on a list, ``.clear()``, ``.insert(i, v)`` and ``.remove(v)``
    store a new list (``_list_change``); on a dict of lists, ``me.a[k][j] = v``,
    ``me.a[k] += vs`` and ``me.a[k].extend(vs)`` store a new list under ``k``
    (``_item_list_stores``), as do appends, slice writes and pops (keyed_list_cuts.py).
    Statements of nested functions are left as they are."""
    taken = S.names_in(tree)
    kinds = dict(kinds)
    return rewrite_blocks(tree, lambda stmt: [new for split in _returned_change(stmt, me, attrs, taken)
                                              for new in _written_into_a_copy(split, me, attrs, taken, helper, kinds)])


def rewrite_blocks(tree, rewrite):
    """``tree`` (a function) with each statement of its blocks replaced by the list
    ``rewrite(stmt)`` gives; those of nested functions and classes are left as they are."""
    for node in [tree] + [n for n in S.walk_nodes(tree) if _has_blocks(n)]:
        if node is not tree and isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], gast.stmt):
                setattr(node, field, [new for stmt in block for new in rewrite(stmt)])
    return tree


def _returned_change(stmt, me, attrs, taken):
    """``return (me.a.pop(k), me)`` (a state twin's return) as ``result = me.a.pop(k);
    return (result, me)``, so that the change is a statement of its own; any other
    statement as it is."""
    value = stmt.value if isinstance(stmt, gast.Return) and isinstance(stmt.value, gast.Tuple) else None
    call = value.elts[0] if value is not None and value.elts else None
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
            and call.func.attr in CHANGING_METHODS and (_changed_holder(S.expr_stmt(call), me) is not None
                                                        and call.func.value.attr in attrs
                                                        or returned_pop(call, me, attrs))):
        return [stmt]
    result = fresh_name("result", taken)
    value.elts[0] = S.name(result)
    return [gast.copy_location(S.assign(result, call), stmt), stmt]


def _has_blocks(node):
    return any(isinstance(getattr(node, field, None), list) for field in ("body", "orelse", "finalbody"))


def _written_into_a_copy(stmt, me, attrs, taken, helper, kinds):
    cut = written_as_new_list(stmt, me, {a for a in attrs if kinds.get(a) == DICT_OF_LISTS}, taken)
    if cut is not None:                                 # me.a[k][i:j] = vs, me.a[k].pop(i)
        return [gast.copy_location(new, stmt) for new in cut]
    item = _changed_item_list(stmt, me)
    if item is not None and item.value.attr in attrs and kinds.get(item.value.attr) == DICT_OF_LISTS:
        return [gast.copy_location(new, stmt) for new in _item_list_stores(stmt, me, item, taken)]
    holder = _changed_holder(stmt, me)
    if holder is None or holder.attr not in attrs:
        return [stmt]
    kind = kinds.get(holder.attr)
    removal = _dict_removal(stmt, me, holder.attr, taken) if kind in ("dict", DICT_OF_LISTS) \
        else _list_change(stmt, me, holder.attr, taken) if kind == "list" else None
    if removal is not None:
        return [gast.copy_location(new, stmt) for new in removal]
    name = fresh_name(f"{holder.attr}_new", taken)
    copy = S.assign(name, gast.Call(func=S.name(helper), args=[
        gast.Attribute(value=S.name(me), attr=holder.attr, ctx=gast.Load())], keywords=[]))
    for owner in S.walk_nodes(stmt):                    # the one place the container is written
        for field, value in gast.iter_fields(owner):
            if value is holder:
                setattr(owner, field, S.name(name))
    store = S.assign(gast.Attribute(value=S.name(me), attr=holder.attr, ctx=gast.Store()), S.name(name))
    return [gast.copy_location(new, stmt) for new in [copy] + _item_stores(stmt, name, taken) + [store]]


def _dict_removal(stmt, me, attr, taken):
    """``del me.a[k]``, ``me.a.pop(k)``, ``v = me.a.pop(k[, d])`` on a dict attribute:
    ``key = k`` (``default = d``: both read first, as Python passes them), Python's
    KeyError where ``k`` is missing and no default is given, ``v = me.a[key]`` (or the
    default where ``k`` is missing), then ``me.a = {k: v for k, v in me.a.items() if k
    != key}``, a new dict keeping the order of the others. None for another statement."""
    call = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
    result = stmt.targets[0] if isinstance(stmt, gast.Assign) else None
    method = call.func.attr if isinstance(call, gast.Call) and not call.keywords \
        and not any(isinstance(a, gast.Starred) for a in call.args) else None
    if isinstance(stmt, gast.Delete):
        args = [stmt.targets[0].slice]
    elif method == "pop" and 1 <= len(call.args) <= 2:
        args = call.args
    elif method == "clear" and not call.args and result is None:
        return [S.assign(_attribute(me, attr, gast.Store()), gast.Dict(keys=[], values=[]))]
    elif method == "popitem" and not call.args:
        return _popitem(me, attr, result, taken)
    else:
        return None
    found = []
    key = _once(args[0], f"{attr}_key", taken, found)
    default = _once(args[1], f"{attr}_default", taken, found) if len(args) == 2 else None

    def has_key(op):
        return gast.Compare(left=S.copy(key), ops=[op], comparators=[_attribute(me, attr)])
    if default is None:
        found.append(gast.If(test=has_key(gast.NotIn()), body=[
            gast.Raise(exc=S.call(S.name("KeyError"), [S.copy(key)]), cause=None)], orelse=[]))
    if result is not None:
        value = gast.Subscript(value=_attribute(me, attr), slice=S.copy(key), ctx=gast.Load())
        found.append(S.assign(result, value if default is None else
                              gast.IfExp(test=has_key(gast.In()), body=value, orelse=default)))
    return found + [_dict_without(me, attr, key, taken)]


def _popitem(me, attr, result, taken):
    """``v = me.a.popitem()``: Python's KeyError where the dict is empty, ``key =
    list(me.a)[-1]`` (the last key stored), ``v = (key, me.a[key])``, then the dict
    without ``key``."""
    empty = gast.UnaryOp(op=gast.Not(), operand=_attribute(me, attr))
    found = [gast.If(test=empty, body=[gast.Raise(exc=S.call(S.name("KeyError"), [
        S.const("popitem(): dictionary is empty")]), cause=None)], orelse=[])]
    key = S.name(fresh_name(f"{attr}_key", taken))
    last = gast.Subscript(value=S.call(S.name("list"), [_attribute(me, attr)]), slice=S.const(-1), ctx=gast.Load())
    found.append(S.assign(key.id, last))
    if result is not None:
        found.append(S.assign(result, gast.Tuple(elts=[S.copy(key), gast.Subscript(
            value=_attribute(me, attr), slice=S.copy(key), ctx=gast.Load())], ctx=gast.Load())))
    return found + [_dict_without(me, attr, key, taken)]


def _plus(left, right):
    return gast.BinOp(left=left, op=gast.Add(), right=right)


def _spread(*parts):
    """``[*a, v, *b]`` for the parts ``a, v, b``, a slice spread and a value not: a new
    list whatever kind of sequence the slices are."""
    return gast.List(elts=[gast.Starred(value=p, ctx=gast.Load()) if isinstance(p, gast.Subscript) else p
                           for p in parts], ctx=gast.Load())


def _item(me, attr, key, part=None):
    """``me.a[key]``, or ``me.a[key][part]``."""
    item = gast.Subscript(value=_attribute(me, attr), slice=S.copy(key), ctx=gast.Load())
    return item if part is None else gast.Subscript(value=item, slice=part, ctx=gast.Load())


def _attribute(me, attr, ctx=None):
    return gast.Attribute(value=S.name(me), attr=attr, ctx=ctx or gast.Load())


def _dict_without(me, attr, key, taken):
    """``me.a = {k: v for k, v in me.a.items() if k != key}``: a new dict keeping the
    order of the others."""
    current = _attribute
    k, v = fresh_name("k", taken), fresh_name("v", taken)
    items = gast.Call(func=gast.Attribute(value=current(me, attr), attr="items", ctx=gast.Load()), args=[],
                      keywords=[])
    kept = gast.DictComp(key=S.name(k), value=S.name(v), generators=[gast.comprehension(
        target=gast.Tuple(elts=[S.name(k, store=True), S.name(v, store=True)], ctx=gast.Store()), iter=items,
        ifs=[gast.Compare(left=S.name(k), ops=[gast.NotEq()], comparators=[S.copy(key)])], is_async=0)])
    return S.assign(_attribute(me, attr, gast.Store()), kept)


def _list_change(stmt, me, attr, taken):
    """On an attribute holding only a list: ``me.a.clear()`` as ``me.a = []``,
    ``me.a.insert(i, v)`` as ``me.a = me.a[:i] + [v] + me.a[i:]`` (Python's insert, any
    ``i``), ``me.a.remove(v)`` as ``index = me.a.index(v); me.a = me.a[:index] +
    me.a[index + 1:]`` (Python's ValueError where ``v`` is missing), each written as a
    list display (``[*me.a[:i], v, *me.a[i:]]``), and a slice write ``me.a[i:j] = v``
    (list_slice_writes.py). None for another statement."""
    cut = attribute_slice_stores(stmt, me, attr, taken)
    if cut is not None:
        return cut
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and not call.keywords
            and not any(isinstance(a, gast.Starred) for a in call.args)):
        return None
    method, args, found = call.func.attr, call.args, []

    def part(lower, upper):
        return gast.Subscript(value=_attribute(me, attr), slice=gast.Slice(lower=lower, upper=upper, step=None),
                              ctx=gast.Load())
    if method == "clear" and not args:
        new = gast.List(elts=[], ctx=gast.Load())
    elif method == "insert" and len(args) == 2:
        index = _once(args[0], f"{attr}_index", taken, found)
        value = _once(args[1], f"{attr}_value", taken, found)
        new = _spread(part(None, index), value, part(S.copy(index), None))
    elif method == "remove" and len(args) == 1:
        index = S.name(fresh_name(f"{attr}_index", taken))
        found.append(S.assign(index.id, S.call(gast.Attribute(value=_attribute(me, attr), attr="index",
                                                               ctx=gast.Load()), [args[0]])))
        new = _spread(part(None, index), part(_plus(S.copy(index), S.const(1)), None))
    else:
        return None
    return found + [S.assign(_attribute(me, attr, gast.Store()), new)]


def _changed_item_list(stmt, me):
    """The ``me.a[k]`` whose list ``stmt`` changes in place, ``me.a[k][j] = v``,
    ``me.a[k] += vs`` or ``me.a[k].extend(vs)`` (``_list_changed``); else None."""
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Subscript) \
            and not isinstance(stmt.targets[0].slice, gast.Slice):
        item = stmt.targets[0].value
    elif isinstance(stmt, gast.AugAssign) and isinstance(stmt.op, gast.Add):
        item = stmt.target
    elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) and isinstance(stmt.value.func, gast.Attribute) \
            and stmt.value.func.attr == "extend" and len(stmt.value.args) == 1 and not stmt.value.keywords:
        item = stmt.value.func.value
    else:
        return None
    if isinstance(item, gast.Subscript) and not isinstance(item.slice, gast.Slice) \
            and isinstance(item.value, gast.Attribute) and isinstance(item.value.value, gast.Name) \
            and item.value.value.id == me:
        return item
    return None


def _item_list_stores(stmt, me, item, taken):
    """A new dict holding a new list under the key: ``me.a[k][j] = v`` as ``value = v;
    key = k; index = range(len(me.a[key]))[j]; me.a = {**me.a, key: me.a[key][:index] +
    [value] + me.a[key][index + 1:]}`` (Python's order, and its IndexError; ``index``
    counted from the start); ``me.a[k] += vs`` and ``me.a[k].extend(vs)`` as ``key = k;
    me.a = {**me.a, key: me.a[key] + list(vs)}``. No write into a container: the old dict
    and its lists stay as they were, and the derivative of the derivative follows."""
    attr, found = item.value.attr, []
    if isinstance(stmt, gast.Assign):
        value = _once(stmt.value, f"{attr}_value", taken, found)
        key = _once(item.slice, f"{attr}_key", taken, found)
        index = S.name(fresh_name(f"{attr}_index", taken))       # Python's IndexError, counted from 0
        found.append(S.assign(index.id, gast.Subscript(value=S.call(S.name("range"), [S.call(S.name("len"), [
            _item(me, attr, key)])]), slice=stmt.targets[0].slice, ctx=gast.Load())))
        grown = joined(_item(me, attr, key, gast.Slice(lower=None, upper=S.copy(index), step=None)),
                       gast.List(elts=[value], ctx=gast.Load()),
                       _item(me, attr, key, gast.Slice(lower=_plus(S.copy(index), S.const(1)), upper=None, step=None)))
    else:
        key = _once(item.slice, f"{attr}_key", taken, found)
        added = stmt.value if isinstance(stmt, gast.AugAssign) else stmt.value.args[0]
        grown = _plus(gast.Subscript(value=_attribute(me, attr), slice=S.copy(key), ctx=gast.Load()),
                      added if isinstance(added, gast.List) else S.call(S.name("list"), [added]))
    new = gast.Dict(keys=[None, S.copy(key)], values=[_attribute(me, attr), grown])
    return found + [S.assign(_attribute(me, attr, gast.Store()), new)]


def _item_stores(stmt, name, taken):
    """``t.update({'k': v}, a=w)`` as the item stores ``t['k'] = v; t['a'] = w`` (each
    value read before any store, as Python does), ``v = t.setdefault(k, d)`` as a store
    where ``k`` is missing and a read, ``t[k].append(v)`` (and ``t.setdefault(k,
    []).append(v)``) as the store of a new list ``t[k] = t[k] + [v]``; any other
    statement as it is."""
    call = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
    if isinstance(stmt, gast.Expr) and _item_append(call, name):
        return _item_append_stores(call, name, taken)
    if isinstance(call, gast.Call) and _is_setdefault(call):
        return _setdefault_stores(stmt, call, name, taken)
    if isinstance(stmt, gast.Assign) or not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == "update"
            and len(call.args) <= 1 and all(kw.arg for kw in call.keywords)
            and all(isinstance(a, gast.Dict) and all(isinstance(k, gast.Constant) for k in a.keys)
                    for a in call.args)):
        return [stmt]
    pairs = [(k, v) for a in call.args for k, v in zip(a.keys, a.values)] \
        + [(S.const(kw.arg), kw.value) for kw in call.keywords]
    if len(pairs) == 1:
        return [S.assign(gast.Subscript(value=S.name(name), slice=pairs[0][0], ctx=gast.Store()), pairs[0][1])]
    values = [S.name(fresh_name(f"{name}_{k}", taken)) for k in range(len(pairs))]
    return [S.assign(v.id, value) for v, (_, value) in zip(values, pairs)] \
        + [S.assign(gast.Subscript(value=S.name(name), slice=key, ctx=gast.Store()), v)
           for v, (key, _) in zip(values, pairs)]


def _changed_holder(stmt, me):
    """The ``me.a`` node whose container ``stmt`` changes in place, written as a statement
    of its own: ``me.a[k] = v``, ``me.a[k] += v``, ``del me.a[k]``, ``me.a.append(v)``,
    ``v = me.a.pop()``, ``me.a[k].append(v)``, ``me.a.setdefault(k, []).append(v)``;
    else None."""
    if isinstance(stmt, gast.Expr) and _item_append(stmt.value):
        receiver = stmt.value.func.value
        stmt = gast.Expr(value=receiver) if isinstance(receiver, gast.Call) else \
            gast.Assign(targets=[receiver], value=stmt.value, type_comment=None)
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Subscript):
        target = stmt.targets[0].value
    elif isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Subscript):
        target = stmt.target.value
    elif isinstance(stmt, gast.Delete) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Subscript):
        target = stmt.targets[0].value
    elif isinstance(stmt, (gast.Expr, gast.Assign)) and isinstance(stmt.value, gast.Call) \
            and isinstance(stmt.value.func, gast.Attribute) and stmt.value.func.attr in CHANGING_METHODS \
            and (isinstance(stmt, gast.Expr) or len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
        target = stmt.value.func.value
    else:
        return None
    if isinstance(target, gast.Attribute) and isinstance(target.value, gast.Name) and target.value.id == me:
        return target
    return None


def _item_append(call, name=None):
    """Whether ``call`` is ``c[k].append(v)`` or ``c.setdefault(k, d).append(v)`` (with
    ``c`` the name ``name``, where given)."""
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == "append"
            and len(call.args) == 1 and not call.keywords and not isinstance(call.args[0], gast.Starred)):
        return False
    receiver = call.func.value
    if isinstance(receiver, gast.Call):
        if not (_is_setdefault(receiver) and len(receiver.args) == 2):
            return False
        receiver = receiver.func
    elif not isinstance(receiver, gast.Subscript) or isinstance(receiver.slice, gast.Slice):
        return False
    return name is None or isinstance(receiver.value, gast.Name) and receiver.value.id == name


def _is_setdefault(call):
    return isinstance(call.func, gast.Attribute) and call.func.attr == "setdefault" and 1 <= len(call.args) <= 2 \
        and not call.keywords and not any(isinstance(a, gast.Starred) for a in call.args)


def _item_append_stores(call, name, taken):
    """``t[k].append(v)``: ``key = k; t[key] = t[key] + [v]``; ``t.setdefault(k,
    d).append(v)``: the setdefault's stores first (``_setdefault_stores``)."""
    receiver = call.func.value
    if isinstance(receiver, gast.Call):
        found, key = _setdefault_parts(receiver, name, taken)
    else:
        found = []
        key = _once(receiver.slice, f"{name}_key", taken, found)
    item = gast.Subscript(value=S.name(name), slice=S.copy(key), ctx=gast.Load())
    grown = gast.BinOp(left=item, op=gast.Add(), right=gast.List(elts=[call.args[0]], ctx=gast.Load()))
    return found + [S.assign(gast.Subscript(value=S.name(name), slice=S.copy(key), ctx=gast.Store()), grown)]


def _setdefault_stores(stmt, call, name, taken):
    """``v = t.setdefault(k, d)``: ``key = k; default = d; if key not in t: t[key] =
    default``, then ``v = t[key]`` (``k`` and ``d`` read once, in Python's order)."""
    found, key = _setdefault_parts(call, name, taken)
    if isinstance(stmt, gast.Assign):
        found.append(S.assign(stmt.targets[0], gast.Subscript(value=S.name(name), slice=S.copy(key), ctx=gast.Load())))
    return found


def _setdefault_parts(call, name, taken):
    """The statements of ``t.setdefault(k, d)`` but its value, and the key they store."""
    found = []
    key = _once(call.args[0], f"{name}_key", taken, found)
    default = _once(call.args[1], f"{name}_default", taken, found) if len(call.args) == 2 else S.const(None)
    missing = gast.Compare(left=S.copy(key), ops=[gast.NotIn()], comparators=[S.name(name)])
    store = S.assign(gast.Subscript(value=S.name(name), slice=S.copy(key), ctx=gast.Store()), default)
    found.append(gast.If(test=missing, body=[store], orelse=[]))
    return found, key
