"""Objects the differentiated code builds itself: ``layer = Dense(W, b)``,
``s = types.SimpleNamespace(h=x)``, and attribute writes on them (``p.W = p.W * 2``).

Python runs ``Dense.__init__`` on a new object, which stores its attributes. Where
``__init__`` uses ``self`` only to store and read attributes (``self.W = W``), the call
becomes the call of its twin, the same function starting from ``self = {}``, writing
``self['W'] = W`` and returning ``self``; the object is then ``instance(Dense, attrs)``
(runtime_objects.py), whose derivative is the derivative of those attributes, as for a
dataclass built in the code. The class is known when the code is generated (a global,
guarded, and ``__init__`` a dependency), so a name bound once to such an object stands
for its layout (frontend/object_layouts.py) and its methods are followed as those of an
argument object are (objects.py): ``net(x)``, ``net.loss(x, y)``,
``for layer in self.layers``.

``p.W = v`` on an object the function built (bound once to one, and named nowhere else
but as ``p.attr`` or in a call of a method that keeps ``self`` to itself) is the new
value ``p = with_attribute(p, 'W', v)``: nothing else refers to the object, so the copy
is what Python's write gives. Anywhere else an attribute write is refused (an argument,
a global, an object that also went into a list, an alias ``q = p``)."""

import abc
import builtins
import inspect
import types
import weakref

import gast

from ... import runtime, runtime_objects
from ...records import is_dataclass
from ...rules.descriptor_stores import stored_descriptor
from ...core import methods as M
from ...core import syntax as S
from ...core.missing import MISSING
from .. import object_layouts as L
from .. import explicit_supers
from ..named_base_inits import name_guard, named_base_init
from ..varargs import compile_variant
from .base_list_appends import appends_as_stores, fresh_base_lists
from .held_functions import attribute_stores, constant_lambdas, lambdas_as_names

_twins = weakref.WeakKeyDictionary()        # __init__ -> its twin returning the attributes
_state_twins = weakref.WeakKeyDictionary()  # method -> {dict attributes: its twin returning (result, self)}
_DEPTH = 4                                  # how deep methods are looked into for uses of self


def built_class(cls):
    """Whether instances of ``cls`` built in the code are followed: a plain user class
    (no ``__new__``, ``__setattr__`` or metaclass of its own; its attributes in a
    ``__dict__`` or ``__slots__``) whose ``__init__`` is object's or only stores and reads
    attributes of ``self``."""
    if is_namespace(cls):
        return True
    if not isinstance(cls, type) or not _plain_metaclass(cls) or not L._looked_into(cls) or cls.__mro__[-1] is not object:
        return False
    if is_dataclass(cls) or issubclass(cls, tuple):
        return False        # dataclasses and namedtuples: methods.py's record_call
    for klass in cls.__mro__[:-1]:
        if klass is abc.ABC:
            continue        # (a library class, with an empty __slots__: it stores nothing)
        if not L._looked_into(klass) or any(name in vars(klass) for name in (
                "__new__", "__setattr__", "__getattribute__", "__getattr__")):
            return False    # (__init_subclass__ runs when a class is made, not an object: no hook here)
    if stored_descriptor(cls) is not None:
        return False        # (self.v = ... runs the class's descriptor: rules/descriptor_stores.py)
    return _plain_init(cls, init_of(cls))


def _plain_init(cls, init, depth=_DEPTH):
    """Whether ``init`` (``__init__`` of ``cls`` or of a base) is object's, or only stores
    and reads attributes of ``self``, calling ``super().__init__(...)`` at most as its first
    statement, for an ``__init__`` that does the same."""
    if init is None:
        return True
    if not (inspect.isfunction(init) and plain_self_uses(init, cls)):
        return False
    if not _calls_super(init):
        return True
    tree = function_tree(init)
    lead = leading_super_init(tree)
    if lead is None or depth <= 0 or (tree.args.posonlyargs + tree.args.args)[0].id in S.names_in(lead):
        return False        # (super().__init__(self.size): an attribute read before any is stored)
    parent = super_init(cls, init)
    if parent is None:
        return not lead.args and not lead.keywords     # object.__init__ takes no arguments
    return parent is not MISSING and _plain_init(cls, parent, depth - 1)


def leading_super_init(tree):
    """The call ``super().__init__(...)`` where it is the first statement of ``tree`` (a
    docstring aside) and ``super`` is named nowhere else; else None."""
    body = _without_docstring(tree.body)
    call = body[0].value if body and isinstance(body[0], gast.Expr) else None
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == "__init__"
            and isinstance(call.func.value, gast.Call) and isinstance(call.func.value.func, gast.Name)
            and call.func.value.func.id == "super" and not call.func.value.args and not call.func.value.keywords
            and not any(isinstance(a, gast.Starred) for a in call.args) and all(kw.arg for kw in call.keywords)):
        return None
    supers = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and n.id == "super"]
    return call if len(supers) == 1 else None


def super_init(cls, init):
    """The ``__init__`` that ``super().__init__`` in ``init`` calls for an object of
    ``cls``: the next class's after the one ``init`` was defined in, along ``cls``'s method
    resolution order; None for object's, MISSING where that class is not known. For
    ``Base.__init__(self, ...)`` read as ``super().__init__(...)`` (named_base_inits.py),
    that ``__init__`` where it is the one ``Base`` gives, else MISSING."""
    named = named_base_init(init)
    owner = M.defining_class(init) if named is MISSING else _owner(cls, init)
    if owner is None or _owner(cls, init) is not owner:
        return MISSING
    found = next((vars(klass)["__init__"] for klass in cls.__mro__[cls.__mro__.index(owner) + 1:]
                  if "__init__" in vars(klass)), None)
    found = None if found is object.__init__ else found
    return found if named is MISSING or named is found else MISSING


def _owner(cls, init):
    """The class along ``cls``'s method resolution order whose own ``__init__`` is ``init``."""
    return next((klass for klass in cls.__mro__ if vars(klass).get("__init__") is init), None)


def super_classes(cls, init):
    """The classes whose ``__init__`` the chain of ``super().__init__(...)`` calls from
    ``init`` runs, for an object of ``cls`` (guarded: redefining one regenerates)."""
    found = []
    while init is not None and _calls_super(init):
        init = super_init(cls, init)
        if init is None or init is MISSING:
            break
        found.append(_owner(cls, init))
    return found


def named_base_guards(cls, init):
    """The guards on the names by which the ``__init__``s that building an object of
    ``cls`` runs from ``init`` call their base class's (``Base.__init__(self, ...)``,
    named_base_inits.py; ``super(Cls, self).__init__(...)``, explicit_supers.py): bound
    again, the code is generated again."""
    found = []
    while init is not None and init is not MISSING:
        guard = name_guard(init)
        if guard is not None:
            found.append(guard)
        found.extend(explicit_supers.guards(init))     # super(Cls, self).__init__(...)
        init = super_init(cls, init) if _calls_super(init) else None
    return found


def _without_docstring(body):
    if body and isinstance(body[0], gast.Expr) and isinstance(body[0].value, gast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[1:]
    return body


def _plain_metaclass(cls):
    """Whether ``cls`` is made by ``type``, or by ``abc.ABCMeta`` with no abstract method
    left (which then builds its objects as ``type``'s classes do; one with an abstract
    method left raises Python's TypeError, which the call of the class is left to give)."""
    return type(cls) is type or type(cls) is abc.ABCMeta and not cls.__abstractmethods__


def _calls_super(fn):
    tree = function_tree(fn)
    return tree is None or any(isinstance(n, gast.Name) and n.id == "super" for n in S.walk_nodes(tree))


def is_namespace(cls):
    return cls is types.SimpleNamespace


def init_of(cls):
    init = M.static_attribute(cls, "__init__")
    return None if init is object.__init__ else init


def plain_self_uses(fn, cls, depth=_DEPTH, seen=None, discarded=False):
    """Whether ``fn`` (a function whose first parameter is ``self``) names ``self`` only
    as ``self.attr`` (read or stored: not a method of the class that might keep ``self``
    unless that method does the same, transitively) or as a call ``self(...)`` of a
    ``__call__`` that does the same; and has no nested function naming it. With
    ``discarded`` (the caller drops what the call returns) ``return self`` is plain too."""
    seen = set() if seen is None else seen
    if (fn, discarded) in seen:
        return True
    seen.add((fn, discarded))
    tree = function_tree(fn)
    if tree is None or depth <= 0:
        return False
    params = tree.args.posonlyargs + tree.args.args
    # type(self) gives the class and keeps nothing, where type is the built-in
    own_type = getattr(fn, "__globals__", {}).get("type", builtins.type) is builtins.type \
        and "type" not in S.stored_names(tree)
    return bool(params) and plain_uses(tree, params[0].id, cls, depth, seen, discarded=discarded, own_type=own_type)


def plain_uses(tree, me, cls, depth=_DEPTH, seen=None, stores=0, iterated=None, discarded=False, own_type=False,
               deleted=False):
    """Whether the function ``tree`` names ``me`` only as ``plain_self_uses`` says,
    binding it at most ``stores`` times (``return me`` too, with ``discarded``, and
    ``type(me)`` with ``own_type``, ``del me.attr`` with ``deleted``); also where it is
    iterated, if ``iterated(node, parent)`` says the iteration becomes reads of its attributes."""
    seen = set() if seen is None else seen
    parents = parents_of(tree)
    for node in S.walk_nodes(tree):
        if isinstance(node, (gast.FunctionDef, gast.Lambda, gast.AsyncFunctionDef, gast.ClassDef)) \
                and node is not tree and me in S.names_in(node):
            return False
        if isinstance(node, (gast.Global, gast.Nonlocal)) and me in node.names:
            return False
        if not (isinstance(node, gast.Name) and node.id == me) or isinstance(node.ctx, gast.Param):
            continue
        parent = parents.get(id(node))
        if isinstance(node.ctx, (gast.Store, gast.Del)):
            stores -= 1
            if stores < 0 or isinstance(node.ctx, gast.Del):
                return False
            continue
        if isinstance(parent, gast.Attribute) and parent.value is node:
            called = parents.get(id(parent))
            if isinstance(parent.ctx, gast.Del):
                if deleted:
                    continue
                return False
            if isinstance(called, gast.Call) and called.func is parent and not _method_keeps_self_plain(
                    cls, parent.attr, depth, seen, isinstance(parents.get(id(called)), gast.Expr)):
                return False
            static = M.static_attribute(cls, parent.attr)
            if isinstance(static, property) and not (inspect.isfunction(static.fget)
                                                     and plain_self_uses(static.fget, cls, depth - 1, seen)):
                return False        # a property's getter is given self too
            continue
        if isinstance(parent, gast.Call) and parent.func is node \
                and _method_keeps_self_plain(cls, "__call__", depth, seen):
            continue
        if iterated is not None and iterated(node, parent):
            continue
        if discarded and isinstance(parent, gast.Return):
            continue        # return self, from a call whose result the caller drops
        if own_type and isinstance(parent, gast.Call) and isinstance(parent.func, gast.Name) \
                and parent.func.id == "type" and parent.args == [node] and not parent.keywords:
            continue        # type(self)(...): a new object of the class
        return False
    return True


def self_stores(init):
    """{attribute: how} for each attribute ``init`` stores on ``self``: ``how`` is
    ("given", p), ("list", p) or ("tuple", p) where the attribute is named once, in a
    store at the top level, from the parameter ``p`` (named nowhere else), or ``list(p)``,
    ``tuple(p)``; else None (a list ``init`` appends to has a length not known here)."""
    tree = function_tree(init)
    params = tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs
    me, names = params[0].id, {p.id for p in params[1:]} | ({tree.args.vararg.id} if tree.args.vararg else set())
    rebound = S.stored_names(tree)
    counts, uses, reads = {}, {}, {}
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and node.value.id == me:
            uses[node.attr] = uses.get(node.attr, 0) + 1        # (its value changed in place: not known)
            if isinstance(node.ctx, gast.Store):
                counts[node.attr] = counts.get(node.attr, 0) + 1
        elif isinstance(node, gast.Name) and node.id in names and not isinstance(node.ctx, gast.Param):
            reads[node.id] = reads.get(node.id, 0) + 1
    found = dict.fromkeys(counts)
    for target, value in attribute_stores(tree, me):
        attr, how = target.attr, "given"
        if isinstance(value, gast.Call) and isinstance(value.func, gast.Name) and value.func.id in ("list", "tuple") \
                and value.func.id not in init.__globals__ and len(value.args) == 1 and not value.keywords:
            how, value = value.func.id, value.args[0]
        if counts[attr] == uses[attr] == 1 and isinstance(value, gast.Name) and value.id in names \
                and value.id not in rebound and reads[value.id] == 1:
            found[attr] = (how, value.id)
    return found


def calls_built_in_init(init, given, caller, unknown):
    """(attribute, call) for each object ``init`` builds and stores once, at its top level
    (``self.inner = Inner(w)``, the attribute named nowhere else in ``init``), the call
    written in the terms of ``caller`` (``_in_callers_terms``), which builds the object
    with the arguments ``given``: the layout of the object it builds is known where theirs
    are. None where ``init`` is a closure or reads other globals than ``caller``."""
    same_globals = getattr(init, "__globals__", None) is getattr(caller, "__globals__", None)
    tree = function_tree(init) if same_globals and not init.__code__.co_freevars else None
    params = [] if tree is None else tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs
    if not params or tree.args.vararg or tree.args.kwarg:
        return []
    me, names = params[0].id, {p.id for p in params[1:]}
    unknown = (S.stored_names(tree) - {me}) | set(unknown)
    absent = _none_given(init, given, names)
    found = []
    for target, value in attribute_stores(tree, me):
        uses = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Attribute) and isinstance(n.value, gast.Name)
                and n.value.id == me and n.attr == target.attr]
        value = _default_built(tree, value, absent) if absent else value
        call = _display_in_callers_terms(value, given, names, unknown) if len(uses) == 1 else None
        if call is not None:
            found.append((target.attr, call))
    return found


def _none_given(init, given, names):
    """The parameters of ``init`` that are None in this call: not given, with a default
    of None, or given as the constant None."""
    try:
        defaults = {name: p.default for name, p in inspect.signature(init).parameters.items()}
    except (TypeError, ValueError):
        return set()
    return {name for name in names if (name not in given and defaults.get(name, MISSING) is None)
            or isinstance(given.get(name), gast.Constant) and given[name].value is None}


def _default_built(tree, value, absent):
    """What ``value``, stored into an attribute, is where the parameters ``absent`` are
    None: the object built in their place by ``inner or Scale(w)``, ``Scale(w) if inner
    is None else inner``, or ``inner`` after a top-level ``if inner is None: inner =
    Scale(w)`` (``inner`` bound nowhere else); else ``value`` itself."""
    if isinstance(value, gast.BoolOp) and isinstance(value.op, gast.Or) and len(value.values) == 2 \
            and _is_name_in(value.values[0], absent):
        return value.values[1]
    if isinstance(value, gast.IfExp) and _none_test(value.test, absent):
        return value.body
    if _is_name_in(value, absent):
        ifs = [stmt for stmt in tree.body if isinstance(stmt, gast.If) and _none_test(stmt.test, {value.id})
               and not stmt.orelse and len(stmt.body) == 1 and isinstance(stmt.body[0], gast.Assign)
               and len(stmt.body[0].targets) == 1 and _is_name_in(stmt.body[0].targets[0], {value.id})]
        stores = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and n.id == value.id
                  and not isinstance(n.ctx, (gast.Load, gast.Param))]
        first = next((stmt for stmt in tree.body if _is_name_in_any(stmt, value.id)), None)
        if len(ifs) == 1 and len(stores) == 1 and first is ifs[0]:        # before any other use
            return ifs[0].body[0].value
    return value


def _is_name_in_any(stmt, name):
    return any(_is_name_in(n, {name}) for n in S.walk_nodes(stmt))


def _is_name_in(node, names):
    return isinstance(node, gast.Name) and node.id in names


def _none_test(test, names):
    """``p is None`` for a ``p`` in ``names``."""
    return isinstance(test, gast.Compare) and _is_name_in(test.left, names) and len(test.ops) == 1 \
        and isinstance(test.ops[0], gast.Is) and isinstance(test.comparators[0], gast.Constant) \
        and test.comparators[0].value is None


_SCOPES = (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp, gast.NamedExpr)


def _display_in_callers_terms(value, given, params, unknown):
    """``_in_callers_terms`` of a constructor call, or of each item of a list or tuple
    display of them (``self.layers = [Layer(a), Layer(b)]``), the display in the
    caller's terms; None where any item is not such a call."""
    if not isinstance(value, (gast.List, gast.Tuple)):
        return _in_callers_terms(value, given, params, unknown)
    items = [_in_callers_terms(item, given, params, unknown) for item in value.elts]
    return None if not items or None in items else type(value)(elts=items, ctx=gast.Load())


def _in_callers_terms(value, given, params, unknown):
    """The call ``value`` (a constructor call in ``__init__``) with each parameter of
    ``__init__`` it reads replaced by the argument given for it; None where it is not such
    a call or reads a parameter not given, or a name in ``unknown`` (a local variable of
    ``__init__``, or a name the caller binds itself, which would read the caller's)."""
    if not isinstance(value, gast.Call) or S.dotted_path(value.func) is None \
            or any(isinstance(a, gast.Starred) for a in value.args) or any(kw.arg is None for kw in value.keywords) \
            or any(isinstance(n, _SCOPES) for n in S.walk_nodes(value)):
        return None
    call = S.copy(value)
    for node in list(S.walk_nodes(call)):
        for field, child in gast.iter_fields(node):
            items = child if isinstance(child, list) else [child]
            for i, item in enumerate(items):
                if not isinstance(item, gast.Name):
                    continue
                if item.id in params:
                    arg = given.get(item.id)
                    if not isinstance(arg, gast.AST):
                        return None
                    if isinstance(child, list):
                        child[i] = S.copy(arg)
                    else:
                        setattr(node, field, S.copy(arg))
                elif item.id in unknown:
                    return None
    return call


def _method_keeps_self_plain(cls, name, depth, seen, discarded=False):
    static = M.static_attribute(cls, name)
    if static is MISSING or not inspect.isfunction(static):
        return True         # an attribute holding a function, a staticmethod: not given self
    return plain_self_uses(static, cls, depth - 1, seen, discarded)


def function_tree(fn):
    """The parsed tree of ``fn``, or None when astgrad cannot read its source."""
    from ..source import parse_function
    try:
        return parse_function(fn).tree
    except Exception:       # noqa: BLE001 - a function astgrad cannot read is not followed
        return None


def own_returns(tree):
    """The ``return`` statements of the function ``tree`` itself (not of nested ones);
    an empty list when one returns nothing."""
    found, todo = [], list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)):
            continue
        if isinstance(node, gast.Return):
            if node.value is None:
                return []
            found.append(node)
        todo.extend(gast.iter_child_nodes(node))
    return found


def parents_of(tree):
    """{id(node): its parent} for the nodes of ``tree``."""
    parents = {}
    for node in S.walk_nodes(tree):
        for child in gast.iter_child_nodes(node):
            parents[id(child)] = node
    return parents


def plain_constructor(normalizer, init, node):
    """``{'W': W, 'act': act}`` for ``Layer(W, act)`` (the call ``node``) whose ``__init__``
    only stores its parameters and constants (``plain_stores``), each argument evaluated
    once, in the call's order, by ``normalizer``; else None."""
    stores = plain_stores(init, node.args, node.keywords)
    if stores is None:
        return None
    atoms = {id(given): normalizer.atom(given) for given in node.args + [kw.value for kw in node.keywords]}

    def value(given):       # a display of the *args it holds, or one argument
        if isinstance(given, (gast.List, gast.Tuple)) and all(id(e) in atoms for e in given.elts):
            return normalizer.atom(type(given)(elts=[S.copy(atoms[id(e)]) for e in given.elts], ctx=gast.Load()))
        return S.copy(atoms.get(id(given), given))
    return gast.Dict(keys=[S.const(attr) for attr, _ in stores], values=[value(given) for _, given in stores])


def plain_stores(init, args, keywords):
    """The attributes ``init`` stores, as ``[(attribute, argument node)]``, where its body
    (a docstring aside) only stores its parameters or constants on ``self``
    (``self.W = W; self.act = act``) and ``args`` and ``keywords`` (the call's, without
    ``self``) bind every parameter, a default standing for itself when it is a number, a
    string, a bool or None; else None. Such a constructor is the dict display of what it
    stores, which shows the sharing analysis each attribute as an item the object holds."""
    tree = function_tree(init)
    signature = inspect.signature(init)
    if tree is None or not tree.args.args or any(p.kind == p.VAR_KEYWORD for p in signature.parameters.values()):
        return None
    try:
        bound = signature.bind(None, *args, **{kw.arg: kw.value for kw in keywords})
    except TypeError:
        return None
    bound.apply_defaults()
    me, values = tree.args.args[0].id, bound.arguments
    body = tree.body
    if body and isinstance(body[0], gast.Expr) and isinstance(body[0].value, gast.Constant):
        body = body[1:]         # the docstring
    stores = []
    for stmt in body:
        target = stmt.targets[0] if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 else None
        if not (isinstance(target, gast.Attribute) and isinstance(target.value, gast.Name) and target.value.id == me):
            return None
        if isinstance(stmt.value, gast.Constant):
            stores.append((target.attr, S.const(stmt.value.value)))
            continue
        value, display = _listed(stmt.value, init)
        if not (isinstance(value, gast.Name) and value.id in values and value.id != me):
            return None
        given = values[value.id]
        if isinstance(given, tuple) and tree.args.vararg is not None and value.id == tree.args.vararg.id:
            given = display(elts=list(given), ctx=gast.Load())         # *layers: the arguments it holds
        elif display is not gast.Tuple:
            return None
        if not isinstance(given, gast.AST):
            if given is not None and type(given) not in (int, float, bool, str):
                return None
            given = S.const(given)
        stores.append((target.attr, given))
    return stores


def _listed(value, init):
    """(``p``, gast.List) for ``list(p)`` (the builtin), else (``value``, gast.Tuple)."""
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Name) and value.func.id == "list" \
            and "list" not in init.__globals__ and len(value.args) == 1 and not value.keywords:
        return value.args[0], gast.List
    return value, gast.Tuple


def constructor_twin(init, cls):
    """The twin of ``init`` (``__init__`` of ``cls`` or of a base) returning the dict of
    the attributes it stores (see the module docstring); one per ``__init__`` and the
    ``__init__`` its ``super().__init__(...)`` calls, kept while it lives. That call,
    first in ``init``, is the call of the other's twin, whose dict the rest adds to.

    Where ``init`` reads ``self.a`` before it stores it (a class attribute as a default,
    or what the other ``__init__`` stored), the twin's first parameter is the class of
    the object built (``reads_class``): Python reads the class's attribute where the
    object holds none."""
    parent = super_init(cls, init) if leading_super_init(function_tree(init)) is not None else None
    twin, made_for = _twins.get(init, (None, None))
    if twin is None or made_for is not parent:
        from ..source import parse_function
        name = f"{_owner(cls, init).__name__}_init"
        source = parse_function(init)
        held = {}
        parent_reads = False
        if parent is not None:
            parent_twin = constructor_twin(parent, cls)
            held[f"{name}_super"] = parent_twin
            parent_reads = reads_class(parent_twin)

        def rewrite(tree):      # a lambda reading no variable of init: the function it makes (held_functions.py)
            lambdas = constant_lambdas(init, tree, source.first_line)
            tree, names = lambdas_as_names(tree, lambdas, S.names_in(tree) | set(init.__globals__))
            held.update(names)
            if parent is not None:      # self.items.append(v) after super().__init__: base_list_appends.py
                appended = fresh_base_lists(tree, function_tree(parent))
                tree = appends_as_stores(tree, appended) if appended else tree
            return _twin_tree(tree, name, f"{name}_super" if parent is not None else None, parent_reads,
                              _surely_stored(cls, parent))
        tree = rewrite(S.copy(source.tree))
        held[_CLASS_DEFAULT] = runtime_objects.class_default
        twin = compile_variant(init, tree, rewrite, cells={n: types.CellType(f) for n, f in held.items()})
        twin.__name__ = twin.__qualname__ = name
        twin.__astgrad_reads_class__ = _CLASS in twin.__code__.co_varnames[:1]
        twin.__astgrad_builds__ = _owner(cls, init)       # (refusals name its __init__: analysis/sharing.py)
        _twins[init] = (twin, parent)
    return twin


def _surely_stored(cls, init):
    """The attributes the ``__init__`` ``init`` (for an object of ``cls``) stores on every
    run: by an assignment at the top level of its body, or of the ``__init__`` its leading
    ``super().__init__(...)`` calls, in one with no ``return`` or ``del`` (which could
    leave one unstored); the object's own then, so a read after them is no class's."""
    found = set()
    while init is not None and init is not MISSING:
        tree = function_tree(init)
        if tree is None or any(isinstance(n, (gast.Return, gast.Delete)) for n in S.walk_nodes(tree)):
            break
        me = (tree.args.posonlyargs + tree.args.args)[0].id
        found.update(target.attr for target, _ in attribute_stores(tree, me))
        init = super_init(cls, init) if leading_super_init(tree) is not None else None
    return frozenset(found)


def reads_class(twin):
    """Whether the constructor twin ``twin`` takes the class of the object first."""
    return getattr(twin, "__astgrad_reads_class__", False)


_CLASS = "__astgrad_class__"
_CLASS_DEFAULT = "__astgrad_class_default__"


def state_twin(method, name, changed=frozenset(), kinds=frozenset(), aliases=frozenset()):
    """The twin of ``method`` (which stores attributes of ``self``) returning ``(its
    result, self)``, each ``self.a = v`` written ``self = with_attribute(self, 'a', v)``
    so that the object it is given stays as it was (one per method, kept while it lives).
    The normalizer reads those writes as the attribute writes they stand for
    (``attribute_writes``). The containers of the attributes ``changed`` that the
    method changes in place (``self.m[k] = v``) are written into copies stored back
    (self_containers.py): the caller has shown that nothing else holds them, and
    ``kinds`` gives (attribute, kind) for those that only ever hold one kind of container
    ("dict", "list", a dict of lists: ``self.m.pop(k)`` then stores a new dict).
    ``aliases``: pairs (attribute, a second attribute ``__init__`` keeps its array under
    for good, attribute_aliases.py), the copy stored back in both, as Python's one array."""
    made, key = _state_twins.setdefault(method, {}), (kinds, aliases)
    twin = made.get(key)
    if twin is None:
        from ..source import parse_function
        from .block_copies import copy_around_blocks        # (loaded with the first state twin)
        from .block_rebinds import rebinds_on_locals
        from .self_containers import DICT_OF_LISTS, copy_helper_name, copy_on_write
        from .attribute_aliases import stored_in_aliases

        tree = parse_function(method).tree
        helper = copy_helper_name(method, tree)

        def rewrite(tree):
            tree = _state_tree(tree, name)
            me = (tree.args.posonlyargs + tree.args.args)[0].id
            lists = {a for a, kind in kinds if kind == DICT_OF_LISTS}
            plain_lists = {a for a, kind in kinds if kind == "list"}
            tree = copy_around_blocks(tree, me, changed, helper, lists, plain_lists)     # block_copies.py
            tree = copy_on_write(tree, me, changed, helper, kinds)
            tree = stored_in_aliases(tree, me, aliases)                 # attribute_aliases.py
            dicts = {a for a, kind in kinds if kind == "dict"}
            return _WritesAsNew(rebinds_on_locals(tree, me, lists | dicts)).tree     # block_rebinds.py
        twin = compile_variant(method, rewrite(S.copy(tree)), rewrite,
                               cells={_WITH_ATTRIBUTE: types.CellType(runtime_objects.with_attribute),
                                      helper: types.CellType(runtime.written_copy)})
        twin.__name__ = twin.__qualname__ = name
        twin.__astgrad_writes_self__ = True
        made[key] = twin
    return twin


def augments_self(method, counters=frozenset()):
    """The attributes ``a`` not in ``counters`` (attributes that only hold numbers, see
    ``number_counters``) for which ``method`` has ``self.a += v``, which on an array
    changes the array in place, wherever else it is held (not followed as a new state
    unless nothing else holds it: self_containers.py)."""
    tree = function_tree(method)
    if tree is None or not tree.args.posonlyargs + tree.args.args:
        return frozenset()
    me = (tree.args.posonlyargs + tree.args.args)[0].id
    return frozenset(n.target.attr for n in S.walk_nodes(tree) if isinstance(n, gast.AugAssign)
                     and _self_attribute(n.target, me) and n.target.attr not in counters)


def number_counters(cls):
    """The attributes of ``cls`` that only ever hold Python numbers: every store to one
    in the class's methods is a number literal (``self.count = 0``) or ``+=``/``-=`` of
    one (``self.count += 1``). ``self.count += 1`` then binds a new number, as
    ``self.count = self.count + 1`` does, so a state twin may write it that way."""
    stores, other, seen = {}, set(), set()
    for klass in cls.__mro__[:-1]:
        for value in vars(klass).values():
            value = value.fget if isinstance(value, property) else value
            tree = function_tree(value) if inspect.isfunction(value) else None
            params = tree.args.posonlyargs + tree.args.args if tree is not None else []
            if not params:
                continue
            me = params[0].id
            for node in S.walk_nodes(tree):
                if isinstance(node, (gast.Assign, gast.AugAssign)) and len(getattr(node, "targets", [None])) == 1:
                    target = node.targets[0] if isinstance(node, gast.Assign) else node.target
                    if _self_attribute(target, me):
                        number = isinstance(node.value, gast.Constant) and type(node.value.value) in (int, float)
                        op_ok = isinstance(node, gast.Assign) or isinstance(node.op, (gast.Add, gast.Sub))
                        stores.setdefault(target.attr, []).append(number and op_ok)
                        seen.add(id(target))
                        continue
                if isinstance(node, gast.Attribute) and isinstance(node.ctx, (gast.Store, gast.Del)) \
                        and _self_attribute(node, me) and id(node) not in seen:
                    other.add(node.attr)        # a store of another form (a, self.b = ...)
    return frozenset(a for a, kinds in stores.items() if all(kinds) and a not in other)


def _self_attribute(node, me):
    return isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and node.value.id == me


def attribute_writes(tree):
    """``tree`` (a state twin's, see ``state_twin``) with ``self = with_attribute(self,
    'a', v)`` read back as ``self.a = v``."""
    me = (tree.args.posonlyargs + tree.args.args)[0].id
    for node in S.walk_nodes(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list):
                setattr(node, field, [_as_attribute_write(stmt, me) for stmt in block])
    return tree


def _as_attribute_write(stmt, me):
    value = stmt.value if isinstance(stmt, gast.Assign) else None
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Name) and value.func.id == _WITH_ATTRIBUTE:
        target = gast.Attribute(value=S.name(me), attr=value.args[1].value, ctx=gast.Store())
        return gast.copy_location(gast.Assign(targets=[target], value=value.args[2], type_comment=None), stmt)
    return stmt


_WITH_ATTRIBUTE = "__astgrad_with_attribute__"


class _WritesAsNew(gast.NodeTransformer):
    """A method's twin with ``self.a = v`` as ``self = with_attribute(self, 'a', v)``."""

    def __init__(self, tree):
        self.me = (tree.args.posonlyargs + tree.args.args)[0].id
        tree.body = [self.visit(stmt) for stmt in tree.body]
        self.tree = tree

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_Lambda = visit_ClassDef = visit_FunctionDef

    def visit_Assign(self, node):
        target = node.targets[0]
        if len(node.targets) == 1 and isinstance(target, gast.Attribute) and isinstance(target.value, gast.Name) \
                and target.value.id == self.me:
            call = S.call(S.name(_WITH_ATTRIBUTE), [S.name(self.me), S.const(target.attr), node.value])
            return gast.copy_location(S.assign(self.me, call), node)
        return node

    def visit_AugAssign(self, node):
        """``self.count += 1`` (a number attribute, see ``number_counters``): a new number."""
        if not _self_attribute(node.target, self.me):
            return node
        read = gast.Attribute(value=S.name(self.me), attr=node.target.attr, ctx=gast.Load())
        store = gast.Attribute(value=S.name(self.me), attr=node.target.attr, ctx=gast.Store())
        value = gast.BinOp(left=read, op=node.op, right=node.value)
        return self.visit_Assign(gast.copy_location(gast.Assign(targets=[store], value=value, type_comment=None), node))


class _WithSelf(gast.NodeTransformer):
    def __init__(self, me):
        self.me = me

    def visit_FunctionDef(self, node):
        return node         # a nested function: as it is

    visit_AsyncFunctionDef = visit_Lambda = visit_ClassDef = visit_FunctionDef

    def visit_Return(self, node):
        value = node.value if node.value is not None else S.const(None)
        return gast.copy_location(gast.Return(value=gast.Tuple(elts=[value, S.name(self.me)], ctx=gast.Load())),
                                  node)


def _state_tree(tree, name):
    me = (tree.args.posonlyargs + tree.args.args)[0].id
    end = _WithSelf(me).visit(gast.Return(value=None))
    tree.body = [_WithSelf(me).visit(stmt) for stmt in tree.body] + [gast.copy_location(end, tree.body[-1])]
    tree.name = name
    tree.decorator_list = []
    return tree


class _SelfAsDict(gast.NodeTransformer):
    """``self.a`` as ``self['a']``; a read of an attribute not stored before (by an
    earlier statement at the top level) as ``self['a'] if 'a' in self else
    class_default(__astgrad_class__, 'a')``, where ``fallback`` is set: what Python reads."""

    def __init__(self, me, fallback=False, stored=()):
        self.me = me
        self.fallback = fallback
        self.stored = stored
        self.read_class = False

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if isinstance(node.value, gast.Name) and node.value.id == self.me:
            item = gast.copy_location(gast.Subscript(value=S.name(self.me), slice=S.const(node.attr),
                                                     ctx=node.ctx), node)
            if not self.fallback or not isinstance(node.ctx, gast.Load) or node.attr in self.stored:
                return item
            self.read_class = True
            held = gast.Compare(left=S.const(node.attr), ops=[gast.In()], comparators=[S.name(self.me)])
            default = S.call(S.name(_CLASS_DEFAULT), [S.name(_CLASS), S.const(node.attr)])
            return gast.copy_location(gast.IfExp(test=held, body=item, orelse=default), node)
        return node

    def visit_FunctionDef(self, node):
        return node         # a nested function (which does not name self): as it is

    visit_AsyncFunctionDef = visit_Lambda = visit_ClassDef = visit_FunctionDef

    def visit_Return(self, node):
        return gast.copy_location(gast.Return(value=S.name(self.me)), node)


def _as_dict_writes(body, me, parent_reads, inherited=frozenset()):
    """The statements ``body`` of an ``__init__`` with ``self`` as a dict (``_SelfAsDict``),
    and whether one reads the class (see ``constructor_twin``); ``inherited``: the
    attributes the ``__init__`` its ``super().__init__(...)`` calls surely stores."""
    stored, made, read_class = set(inherited), [], parent_reads
    for stmt in body:
        # (read before the lowering, which writes the statement's self.a = v as self['a'] = v)
        stores = [target.attr for target, _ in attribute_stores(gast.Module(body=[stmt], type_ignores=[]), me)]
        lowering = _SelfAsDict(me, fallback=True, stored=frozenset(stored))
        made.append(lowering.visit(stmt))
        read_class = read_class or lowering.read_class
        stored.update(stores)
    return made, read_class


def _twin_tree(tree, name, parent=None, parent_reads=False, inherited=frozenset()):
    """The twin's tree (see ``constructor_twin``); ``parent``: the name of the twin that
    ``super().__init__(...)`` calls, whose dict ``self`` starts from, else None (an empty
    one; object's ``__init__``); ``parent_reads``: whether that twin takes the class;
    ``inherited``: the attributes that twin's dict surely holds (``_surely_stored``)."""
    args = tree.args
    params = args.posonlyargs + args.args
    me = params[0].id
    line = getattr(tree.body[0], "lineno", getattr(tree, "lineno", 1))
    start = gast.Dict(keys=[], values=[])
    lead = leading_super_init(tree)
    if lead is not None:
        tree.body = [stmt for stmt in tree.body if not (isinstance(stmt, gast.Expr) and stmt.value is lead)]
        if parent is not None:
            given = ([S.name(_CLASS)] if parent_reads else []) + lead.args
            start = gast.Dict(keys=[None], values=[gast.Call(func=S.name(parent), args=given,
                                                             keywords=lead.keywords)])     # a dict of its own
    body, read_class = _as_dict_writes(tree.body, me, parent_reads, inherited if parent is not None else frozenset())
    first = args.posonlyargs if args.posonlyargs else args.args
    if read_class:
        first[0] = gast.Name(id=_CLASS, ctx=gast.Param(), annotation=None, type_comment=None)
    else:
        del first[0]
    tree.body = [S.assign(me, start, line=line)] + body \
        + [gast.Return(value=S.name(me))]
    for stmt in (tree.body[0], tree.body[-1]):
        gast.copy_location(stmt, tree.body[1] if len(tree.body) > 2 else tree)
    tree.name = name
    tree.decorator_list = []
    return tree
