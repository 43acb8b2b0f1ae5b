"""An array handed to the constructor of an object the function builds, which
``__init__`` stores as it is (``self.data = data``, or a base class's ``__init__`` that
``super().__init__(data)`` hands it to) and a method writes into in place
(``self.data[k] *= c``): ``a = Acc(x * 1.0)``, ``a = Acc(buf)``, ``a = Acc(x)``.

Python's attribute and the name handed in are then one array: a write through either
shows in the other. self_containers.py follows element writes into an attribute where
nothing but the attribute holds its array (the method writes into a copy the attribute
takes back). Such a handed array is one where the caller's code shows it
(``handed_parameters``): the argument is made new in the call (``Acc(x * 1.0)``,
``Acc(np.zeros(n))``, also in a loop or a branch: new at each run), or it is a name
nothing else uses, a parameter of the function (the gradient call then leaves the
caller's array alone, as for ``x[0] = v`` on an argument) or a name bound once to a new
array.

``write_handed_arrays`` makes the last two so where the name is read again after the
object is built (``a = Acc(buf); a.bump(0, w); return np.sum(buf)``): each later read
of ``buf`` is ``a.data``, the same array in Python, as long as nothing stores into the
attribute again (no method but ``__init__`` assigns ``self.data``, the function never
assigns ``a.data``) and the object is built by a statement of the function's own body
before every such read, and ``buf`` is only read at once before it (``len(buf)``,
``buf.shape``, an operator, a NumPy function returning a new array); or by a statement
of a loop or a branch, ``buf`` bound by the same block just before, to a new array, and
named nowhere outside it (a new array at each turn, its reads that turn's) but read
after the loop (the last turn's array: ``_after_the_loop``). Anything
else (``buf`` held by a second object, a global, a view kept, a name bound outside the
loop building the object) keeps the refusal, whose words say to store a copy
(``self.data = data.copy()`` or ``np.array(data)``). An item of the array handed to a
method of the object (``a.bump(0, w[1])``, written ``a.bump(0, a.data[1])``) is
item_arguments.py's."""

import builtins

import gast

from ...core import methods as M
from ...core import syntax as S
from ...core.first_use import imported_when_called
from ...core.walk import inner_blocks

# modules only some functions need, loaded with the first call of these (core/first_use.py)
function_tree = imported_when_called(__package__ + ".class_functions", "tree_of")
first_read = imported_when_called(__package__ + ".unbound_after_loops", "first_read")
insert_bare_read = imported_when_called(__package__ + ".unbound_after_loops", "insert_bare_read")
is_bare_read = imported_when_called(__package__ + ".unbound_after_loops", "is_bare_read")
alias_named = imported_when_called(__package__ + ".attribute_aliases", "alias_named")
alias_stores = imported_when_called(__package__ + ".attribute_aliases", "alias_stores")
listed_only = imported_when_called(__package__ + ".listed_handed_names", "listed_only")
functions_run = imported_when_called(__package__ + ".methods_run", "functions_run")
rebinds_any = imported_when_called(__package__ + ".methods_run", "rebinds_any")
constructor_argument = imported_when_called(__package__ + ".returned_constructions", "constructor_argument")
FRESH = "fresh"         # (returned_constructions.FRESH: an array made new in a method's return)

# what makes a new list of items (fresh_items.py), asked only where a function has one:
# loaded with the first call (core/first_use.py)
made_new = imported_when_called(__package__ + ".fresh_items", "made_new")
takes_items = imported_when_called(__package__ + ".fresh_items", "takes_items")


def init_of(cls):
    """The ``__init__`` an object of ``cls`` is built with, None for object's."""
    init = M.static_attribute(cls, "__init__")
    return None if init is object.__init__ else init


def handed_parameters(cls, attr, caller):
    """(the ``__init__`` storing it, its parameters stored as they are in ``attr``) where
    it stores one (``self.data = data``, a statement of its own body, the parameter named
    nowhere else; ``cls.__init__`` or the base class's its ``super().__init__(data)``
    calls) whose argument, where ``caller`` = (tree, name, resolve) builds the object
    ``name``, no other name holds (the module docstring); else (None, the empty set)."""
    tree, me, resolve = caller
    aliases = set()
    found = _stored_parameter(cls, attr, aliases=aliases)
    construction = _construction(tree, me) if found is not None else None
    if construction is None or aliases and alias_named(tree, me, aliases):
        return None, frozenset()        # a.first read where it is not read as a.data: attribute_aliases.py
    init, param, position, stored = found
    argument = constructor_argument(construction.value, cls, param, position, resolve, _argument)
    if argument is None:
        return None, frozenset()
    if argument is FRESH or made_new(argument, resolve):
        return init, frozenset({stored})        # new at each run of the statement, in a loop or a branch too
    block = next((body for body in _blocks(tree.body) if construction in body), None)
    if isinstance(argument, gast.Name) and _held_by_nothing_else(tree, block, argument, resolve):
        return init, frozenset({stored})
    return None, frozenset()


def stored_aliases(cls, attr, caller=None):
    """The attributes keeping the array ``__init__`` stores in ``attr`` under a second
    name for good (``self.first = data``: attribute_aliases.py): none where a method
    (not the ``__init__`` storing it) rebinds ``attr``, which parts it from the alias
    (``self.data = self.data * 2.0``: the alias keeps the old array), unless ``caller``
    = (tree, name) names one object the function builds on which no such method may
    run (methods_run.py: ``p.bump(w)`` alone, where ``grow`` rebinds)."""
    aliases = set()
    found = _stored_parameter(cls, attr, aliases=aliases)
    if found is None or _rebound_by_a_method(cls, attr, found[0]) \
            and (caller is None or rebinds_any(functions_run(cls, *caller), {attr}, found[0])):
        return set()
    return aliases


def _stored_parameter(cls, attr, start=None, aliases=None):
    """(the ``__init__`` storing it, the parameter of ``cls.__init__``, its position after
    ``self``, its name in the storing ``__init__``) where ``__init__`` stores a parameter as
    it is in ``attr`` as a statement of its own body, names it nowhere else (but to keep it
    under an alias for good, added to ``aliases`` where given, else refused:
    attribute_aliases.py), stores ``attr`` nowhere else and never returns, or hands it as
    it is to a base class's (``super().__init__(data)`` as a statement of its own body,
    ``data`` named nowhere else) which does so; else None. ``start``: look in the classes
    after it (``super()``)."""
    if not isinstance(cls, type):
        return None
    init = init_of(cls) if start is None else _init_after(cls, start)
    tree = function_tree(init) if init is not None and hasattr(init, "__code__") else None
    if tree is None or tree.args.vararg or tree.args.kwarg:
        return None
    params = [a.id for a in tree.args.posonlyargs + tree.args.args]
    if len(params) < 2 or any(isinstance(n, gast.Return) for n in S.walk_nodes(tree)):
        return None
    me = params[0]
    stores = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Attribute) and n.attr == attr
              and isinstance(n.ctx, gast.Store)]
    for stmt in tree.body:
        param, deeper = _stored_here(stmt, me, attr, params) if len(stores) == 1 else None, None
        if param is None and not stores:
            param, deeper = _handed_to_super(cls, init, stmt, attr, params, aliases)
        if param is None:
            continue
        kept = alias_stores(cls, init, tree, me, param, attr) if aliases is not None else []
        held = {id(k.value) for k in kept}
        named = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and n.id == param
                 and not isinstance(n.ctx, gast.Param) and id(n) not in held]
        if len(named) != 1 or param in [a.id for a in tree.args.kwonlyargs]:
            return None
        if aliases is not None:
            aliases.update(k.targets[0].attr for k in kept)
        return (init, param, params.index(param) - 1, param) if deeper is None \
            else (deeper[0], param, params.index(param) - 1, deeper[3])
    return None


def _init_after(cls, start):
    """The ``__init__`` ``super().__init__`` calls from ``start``'s, None for object's."""
    mro = cls.__mro__
    init = next((vars(klass)["__init__"] for klass in mro[mro.index(start) + 1:] if "__init__" in vars(klass)),
                None)
    return None if init is object.__init__ else init


def _stored_here(stmt, me, attr, params):
    """The parameter ``stmt`` stores as it is (``self.data = data``), else None."""
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and is_attribute(stmt.targets[0], me, attr) \
            and isinstance(stmt.value, gast.Name) and stmt.value.id in params[1:]:
        return stmt.value.id
    return None


def _handed_to_super(cls, init, stmt, attr, params, aliases=None):
    """(the parameter, what ``_stored_parameter`` finds in the base class) where ``stmt``
    is ``super().__init__(..., data, ...)`` (or ``data=data``) handing ``data`` on as it is to a base class's
    ``__init__`` that stores it in ``attr``; else (None, None)."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == "__init__"
            and isinstance(call.func.value, gast.Call) and isinstance(call.func.value.func, gast.Name)
            and call.func.value.func.id == "super" and not call.func.value.args):
        return None, None
    owner = next((klass for klass in cls.__mro__ if vars(klass).get("__init__") is init), None)
    deeper = _stored_parameter(cls, attr, owner, aliases) if owner is not None else None
    handed = _argument(call, deeper[1], deeper[2]) if deeper is not None else None
    if not (isinstance(handed, gast.Name) and handed.id in params[1:]):
        return None, None
    return handed.id, deeper


def is_attribute(node, me, attr):
    return isinstance(node, gast.Attribute) and node.attr == attr and isinstance(node.value, gast.Name) \
        and node.value.id == me


def _construction(tree, me):
    """The one statement ``me = Cls(...)`` of ``tree`` binding ``me`` (in its own body, a
    loop or a branch); else None."""
    bindings = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and n.id == me
                and not isinstance(n.ctx, gast.Load)]
    if len(bindings) != 1:
        return None
    for stmt in S.statements(tree.body):
        if isinstance(stmt, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)) \
                and any(n is bindings[0] for n in S.walk_nodes(stmt)):
            return None                 # another scope's name
        if isinstance(stmt, gast.Assign) and stmt.targets == [bindings[0]] and isinstance(stmt.value, gast.Call):
            return stmt
    return None


def _argument(call, param, position):
    """What ``call`` hands ``__init__``'s parameter ``param`` (``position`` after self)."""
    if any(isinstance(a, gast.Starred) for a in call.args) or any(kw.arg is None for kw in call.keywords):
        return None
    if position < len(call.args):
        return call.args[position]
    return next((kw.value for kw in call.keywords if kw.arg == param), None)


def _held_by_nothing_else(tree, block, argument, resolve):
    """Whether the name ``argument``, handed to the constructor by a statement of
    ``block`` (``tree``'s own body, or a loop's or a branch's within it), is named nowhere
    after it and before it only where it is bound (a parameter never bound again, or a
    name bound once by ``name = <new>``) and read at once (``_read_at_once``); in a loop
    or a branch, bound there and named nowhere outside it (``_kept_in``)."""
    name = argument.id
    if block is None or any(isinstance(n, (gast.Global, gast.Nonlocal)) and name in n.names
                            for n in S.walk_nodes(tree)):
        return False
    position = next((k for k, top in enumerate(block) if any(n is argument for n in S.walk_nodes(top))), None)
    if position is None or any(isinstance(n, gast.Name) and n.id == name and n is not argument
                               for top in block[position:] for n in S.walk_nodes(top)):
        return False
    if block is not tree.body:
        return _kept_in(tree, block, position, name, resolve)
    bound = bound_before(block, position, name, resolve)
    if bound is None:
        return False
    return bound or name in parameters_of(tree)


def _kept_in(tree, block, position, name, resolve, after=()):
    """Whether ``name``, named in ``block`` (a loop's or a branch's statements), is bound
    there before ``position`` by ``name = <new>``, before any read of it there (a read
    before it would be an earlier turn's array), and named nowhere outside ``block`` but in
    the statements ``after`` (``_after_the_loop``)."""
    inside = {id(n) for top in list(block) + list(after) for n in S.walk_nodes(top)}
    if any(isinstance(n, gast.Name) and n.id == name and id(n) not in inside and not is_bare_read(n, tree)
           for n in S.walk_nodes(tree)) \
            or not bound_before(block, position, name, resolve):
        return False
    first = next(k for k, top in enumerate(block) if any(isinstance(n, gast.Name) and n.id == name
                                                        for n in S.walk_nodes(top)))
    binding = block[first]
    return isinstance(binding, gast.Assign) and len(binding.targets) == 1 \
        and isinstance(binding.targets[0], gast.Name) and binding.targets[0].id == name \
        and name not in S.names_in(binding.value)


def _blocks(body):
    """``body`` and the statement lists of the loops, branches, ``with`` and ``try``
    statements within it, not those of functions or classes defined there."""
    yield body
    for stmt in body:
        if not isinstance(stmt, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            for inner in inner_blocks(stmt):
                yield from _blocks(inner)


def bound_before(body, position, name, resolve):
    """Over the statements of ``body`` before ``position``: True where ``name`` is bound
    there once, by ``name = <new>``, and otherwise only read at once; False where it is
    only read at once (or not named); None for any other use."""
    parents, uses = {}, []
    for top in body[:position]:
        for node in S.walk_nodes(top):
            for child in gast.iter_child_nodes(node):
                parents[child] = node
            if isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)) \
                    and name in S.names_in(node):
                return None     # a closure reading it later, when Python's array shows the writes
            if isinstance(node, gast.Name) and node.id == name:
                uses.append(node)
    stores = [n for n in uses if not isinstance(n.ctx, gast.Load)]
    if len(stores) > 1 or not all(n in stores or _read_at_once(n, parents, resolve) for n in uses):
        return None
    if not stores:
        return False
    binding = next((top for top in body[:position] if isinstance(top, gast.Assign)
                    and top.targets == stores), None)
    return True if binding is not None and made_new(binding.value, resolve) else None


def _read_at_once(node, parents, resolve):
    """Whether the read ``node`` keeps no reference to the array: an operand of an
    operator, ``len``, a NumPy function returning a new array, ``.shape``, ``.ndim``,
    ``.size`` or ``.dtype``."""
    parent = parents.get(node)
    if isinstance(parent, (gast.BinOp, gast.UnaryOp, gast.Compare)):
        return True
    if isinstance(parent, gast.Attribute):
        return parent.value is node and parent.attr in ("shape", "ndim", "size", "dtype")
    return isinstance(parent, gast.Call) and node in parent.args \
        and (resolve(parent) is builtins.len and len(parent.args) == 1 and not parent.keywords
             or takes_items(parent, resolve))


def write_handed_arrays(normalizer, tree):
    """Each read of a name handed to a constructor storing it as it is, after the object is
    built, written as the attribute's read (``buf`` as ``a.data``), where the module
    docstring says they are one array. Whether anything was written."""
    written, changed = False, {}
    for block, position, stmt in [(block, k, stmt) for block in _blocks(tree.body) for k, stmt in enumerate(block)]:
        found = handed_name(normalizer, stmt, changed, listed=True)
        if found is None:
            continue
        name, me, attr = found
        later = [n for top in block[position + 1:] for n in S.walk_nodes(top)]
        if any(isinstance(n, (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef))
               and name in S.names_in(n) for n in later) \
                or any(isinstance(n, gast.Name) and n.id == name and not isinstance(n.ctx, gast.Load) for n in later) \
                or any(is_attribute(n, me, attr) and not isinstance(n.ctx, gast.Load) for n in later):
            continue
        after = []
        if block is not tree.body:
            after = _after_the_loop(tree, block, name, me, attr)
            if not _kept_in(tree, block, position, name, normalizer.resolve_call, after):
                continue            # an earlier turn's array, or named after the loop otherwise
        else:
            bound = bound_before(block, position, name, normalizer.resolve_call)
            if bound is None:
                continue            # kept before the object is built (a view, another holder)
            if not bound and name not in parameters_of(tree):
                continue            # a global or a closure's: a helper may bind it again
        check = first_read(after, name, me)
        for top in block[position + 1:] + after:
            written |= replace_reads(top, name, me, attr)
        if check is not None:
            _insert_bare_read(tree, check, name)     # a loop of no turns: Python names buf, not a
    return written


def _insert_bare_read(tree, stmt, name):
    block = next(body for body in _blocks(tree.body) if any(top is stmt for top in body))
    insert_bare_read(block, stmt, name)


def _after_the_loop(tree, block, name, me, attr):
    """The statements after the loop whose body is ``block``, in the block holding it,
    where ``name`` is there only read, as the last turn's array (``me.attr``, the object
    that turn built): the loop has no ``else`` and no ``break`` or ``continue``, so each
    turn that ends bound both; else the empty list."""
    for outer in _blocks(tree.body):
        at = next((k for k, stmt in enumerate(outer) if isinstance(stmt, (gast.For, gast.While))
                   and stmt.body is block), None)
        if at is None:
            continue
        loop, later = outer[at], outer[at + 1:]
        nodes = [n for top in later for n in S.walk_nodes(top)]
        if loop.orelse or any(isinstance(n, (gast.Break, gast.Continue)) for n in S.walk_nodes(loop)) \
                or any(isinstance(n, (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef))
                       and name in S.names_in(n) for n in nodes) \
                or any(isinstance(n, gast.Name) and n.id == name and not isinstance(n.ctx, gast.Load) for n in nodes) \
                or any(is_attribute(n, me, attr) and not isinstance(n.ctx, gast.Load) for n in nodes):
            return []
        return later
    return []


def parameters_of(tree):
    return {a.id for a in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs}


def handed_name(normalizer, stmt, changed, listed=False):
    """(name handed, the object's name, the attribute) for ``a = Cls(..., buf, ...)``
    where ``Cls.__init__`` stores ``buf`` as it is in an attribute some method of the
    class changes in place and no method but ``__init__`` assigns; else None.
    ``changed``: class -> ``changed_in_place``, filled as classes are met. ``listed``:
    also where ``a`` is appended to a list (listed_handed_names.py)."""
    found = handed_argument(normalizer, stmt, changed, (gast.Name,), listed)
    return (found[0].id,) + found[1:] if found is not None else None


def may_hand_a_name(stmt):
    """Whether ``handed_name`` may find something in ``stmt``: a name bound to a call
    given a name (what it asks first, before any lookup)."""
    return _hands(stmt, (gast.Name,))


def _hands(stmt, kinds):
    return isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
        and isinstance(stmt.value, gast.Call) \
        and any(isinstance(a, kinds) for a in stmt.value.args + [kw.value for kw in stmt.value.keywords])


def handed_argument(normalizer, stmt, changed, kinds, listed=False):
    """(the argument, the object's name, the attribute) as ``handed_name``, for an
    argument of one of the node types ``kinds``; else None."""
    if not _hands(stmt, kinds):
        return None
    me = stmt.targets[0].id
    cls = normalizer.built_class_of(stmt.value)
    if cls is None or normalizer.bound_count.get(me, 0) != 1:
        return None
    if cls not in changed:
        changed[cls] = changed_in_place(cls)
    for attr in changed[cls]:
        found = _stored_parameter(cls, attr, aliases=set())    # (a read of an alias left: handed_parameters refuses)
        argument = _argument(stmt.value, found[1], found[2]) if found is not None else None
        if isinstance(argument, kinds) and me not in S.names_in(argument) \
                and not _rebound_by_a_method(cls, attr, found[0]) \
                and (_owned_now(normalizer, me, attr)
                     or listed and listed_only(normalizer, normalizer.source.tree, me, attr)):
            return argument, me, attr
    return None


def _owned_now(normalizer, me, attr):
    """``owns_object`` (``a`` named only as ``a.attr``, ``a.method(...)``: built_objects.py),
    asked before the later rewrites, which may change its answer (self_chains.py writes
    ``a[1] = v`` as ``a.__setitem__(1, v)``): the answer it keeps for ``me`` is dropped, so
    that they ask again."""
    owned = normalizer.__dict__.get("_owned_objects", {})
    kept = me in owned
    answer = normalizer.owns_object(me, attr)
    if not kept:
        normalizer.__dict__["_owned_objects"].pop(me, None)
    return answer


def _method_trees(cls):
    for klass in cls.__mro__[:-1]:
        for value in vars(klass).values():
            if hasattr(value, "__code__"):
                yield value, function_tree(value)


def changed_in_place(cls):
    """The attributes whose elements a method of ``cls`` writes (``self.a[k] = v``,
    ``self.a[k] op= v``): a write that needs a container and never rebinds the attribute
    (``self.a op= v`` rebinds a number's, and counts as a store: ``_rebound_by_a_method``)."""
    found = []
    for _, tree in _method_trees(cls):
        params = (tree.args.posonlyargs + tree.args.args) if tree is not None else []
        if not params:
            continue
        me = params[0].id
        for node in S.walk_nodes(tree):
            target = node.target if isinstance(node, gast.AugAssign) else \
                node.targets[0] if isinstance(node, gast.Assign) and len(node.targets) == 1 else None
            if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Attribute) \
                    and is_attribute(target.value, me, target.value.attr) and target.value.attr not in found:
                found.append(target.value.attr)
    return found


def _rebound_by_a_method(cls, attr, init):
    """Whether a function of ``cls`` but ``init`` assigns ``attr`` (of any object), or one
    astgrad cannot read exists."""
    for fn, tree in _method_trees(cls):
        if fn is init:
            continue
        if tree is None or any(isinstance(n, gast.Attribute) and n.attr == attr and isinstance(n.ctx, gast.Store)
                               for n in S.walk_nodes(tree)):
            return True
    return False


def replace_reads(top, name, me, attr):
    """``name`` read as ``me.attr`` within ``top``. Whether one was."""
    replaced = False
    for node in list(S.walk_nodes(top)):
        for field, value in gast.iter_fields(node):
            if isinstance(value, gast.Name) and value.id == name:
                setattr(node, field, _read(me, attr, value))
                replaced = True
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, gast.Name) and item.id == name:
                        value[index] = _read(me, attr, item)
                        replaced = True
    return replaced


def _read(me, attr, at):
    return gast.copy_location(gast.Attribute(value=S.name(me), attr=attr, ctx=gast.Load()), at)
