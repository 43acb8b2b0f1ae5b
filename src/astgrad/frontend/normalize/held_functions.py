"""Functions an object the code builds holds in its attributes: ``Dense(W, b, np.tanh)``
for a class whose ``__init__`` stores ``self.act = act if act is not None else (lambda
z: z)``, then calls ``self.act(h)`` in a method.

Which function an attribute holds is read off ``__init__`` and the call, when the code
is generated, where that is certain: the attribute is stored once, at the top level of
``__init__``, from

- a parameter, given a global function (``np.tanh``, a module-level def: its meaning a
  dependency of the code) or left to a default that is a function;
- ``p if p is not None else e`` (or ``p is None``), with ``p`` given as above or None;
- a lambda written there that reads no variable of ``__init__`` and has no defaults: it
  computes what the function made from its code (``__init__``'s constant) computes, so
  the layout holds that function (object_layouts.Held compares functions by code).

An attribute certainly stored None that way (``act`` given None, no default function)
holds None: a call of it raises the TypeError Python raises, so a method testing ``if
self.act is not None`` before calling it is followed for both kinds of objects.

The object's layout then says the attribute holds that function (a FUNCTION layout,
frontend/object_layouts.py), and the methods made for it call the function itself
(methods.py's ``held_function_call``). The constructor's twin (instances.py) stores
that same function where ``__init__`` made the lambda, so the twin has no local function
to keep as a value.
"""

import functools
import inspect
import os
import types

import gast

from ... import runtime_objects
from ...core import methods as M
from ...core import syntax as S
from ...core.missing import MISSING
from ...errors import TransformError
from .. import object_layouts as L
from ..source import ScopeRoot, parse_function, parsed_for_reading
from .closures import is_function_object

NONE = object()        # a parameter known to be None
# how generated code builds an object of a user class and stores an attribute on one
_BUILDING = (runtime_objects.instance, runtime_objects.with_attribute)


class HeldFunctionLowering:
    """Normalizer methods finding the functions objects built in the code hold."""

    def held_functions(self, init, node, stores):
        """{attribute: FUNCTION layout} for the attributes ``init``, called as ``node``,
        stores a function known now in (held_functions.py)."""
        try:
            bound = inspect.signature(init).bind(None, *node.args, **{kw.arg: kw.value for kw in node.keywords})
            source = parse_function(init)
        except Exception:       # noqa: BLE001 - arguments that do not fit, a source astgrad cannot read
            return {}
        bound.apply_defaults()
        tree, first_line = source.tree, source.first_line
        found = {}
        resolve = lambda arg: self.given_partial(arg) or self.given_others_method(arg) \
            or self.given_function(arg) or self.function_chosen_in_code(arg, init)    # noqa: E731
        for name in stores:
            held = stored_function(init, tree, first_line, name, dict(bound.arguments), (resolve, self.scope_resolver))
            if held is not None:
                found[name] = held
        return found

    def given_function(self, arg):
        """The function (or NONE for None) the argument node ``arg`` is, known now (a
        global function, its meaning a dependency of the code); else None."""
        if isinstance(arg, gast.IfExp) and _constant_test(arg.test) is not None:
            return self.given_function(arg.body if _constant_test(arg.test) else arg.orelse)   # i == 0, written out
        if isinstance(arg, gast.Constant) and arg.value is None:
            return NONE
        path = S.dotted_path(arg)
        if path is None or path[0] in self.locals or path[0] in self.functions:
            return None
        value = self.source.resolve_path(path, depend=False)
        if value is not None and not is_function_object(value):
            return None
        self.source.resolve_path(path)              # what the name means: a dependency
        return NONE if value is None else value

    def given_partial(self, arg):
        """A Partial for the argument node ``arg`` when it is ``functools.partial(g, a,
        k=v)`` of a global function ``g`` (the code it calls a dependency, as for
        ``given_function``), or a name bound once to one; else None."""
        if isinstance(arg, gast.Name) and self.bound_count.get(arg.id, 0) == 1 and not self.inlining:
            arg = next((stmt.value for stmt in S.walk_nodes(self.source.tree) if isinstance(stmt, gast.Assign)
                        and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
                        and stmt.targets[0].id == arg.id), None)
        if not isinstance(arg, gast.Call) or self.resolve_call(arg) is not functools.partial:
            return None
        return bound_partial(arg, self.given_function)

    def partial_for_objects(self, target, value):
        """Whether ``target = value`` binds, once, a ``functools.partial`` of a global
        function (``given_partial``) that the code only hands to the building of objects
        (``Holder(p, w)``; ``instance(Holder, {'fn': p, ...})`` and ``with_attribute(h,
        'fn', p)`` in a derivative astgrad generated, differentiated again): the partial
        is kept as the value it is, which the objects' layouts follow (its bound values
        carry no derivative, or the modes refuse the partial's call for want of a rule)."""
        if self.bound_count.get(target, 0) != 1 or self.inlining or self.given_partial(value) is None:
            return False
        handed = set()
        for call in S.walk_nodes(self.source.tree):
            if isinstance(call, gast.Call) and (self.resolve_call(call) in _BUILDING
                                                or self.built_class_of(call) is not None):
                for arg in call.args + [kw.value for kw in call.keywords]:
                    handed.update(id(v) for v in (arg.values if isinstance(arg, gast.Dict) else [arg]))
        uses = [node for node in S.walk_nodes(self.source.tree) if isinstance(node, gast.Name)
                and node.id == target and isinstance(node.ctx, gast.Load)]
        return bool(uses) and all(id(node) in handed for node in uses)

    def function_chosen_in_code(self, arg, init):
        """A Chosen (see there) for the argument ``arg`` when it is a local variable of this
        function assigned a function (``act = np.tanh if x[0] > 0 else None``); else None.
        The same one for the same assignment, so the layouts of two objects built from it
        are equal."""
        if not isinstance(arg, gast.Name) or arg.id not in self.locals:
            return None
        assigned = [stmt for stmt in S.walk_nodes(self.source.tree) if isinstance(stmt, gast.Assign)
                    and any(isinstance(t, gast.Name) and t.id == arg.id for t in stmt.targets)]
        if not any(self._holds_function(stmt.value) for stmt in assigned):
            return None
        chosen = self.__dict__.setdefault("_chosen", {})
        key = (id(assigned[0]), init.__qualname__)
        if key not in chosen:
            lines = sorted({self.source.file_line(stmt) for stmt in assigned})
            found = [self._candidates(stmt.value) for stmt in assigned]
            candidates = None if any(c is None for c in found) else _unique(sum(found, []))
            chosen[key] = Chosen(arg.id, init, self.source.filename, lines,
                                 self.source.line_text(assigned[0]), candidates)
        return chosen[key]

    def _candidates(self, value):
        """The functions (None for None) the value ``value`` assigned may be, each known now
        (``np.tanh if x[0] > 0 else None``: [np.tanh, None]); None where one is not."""
        if isinstance(value, gast.IfExp):
            branches = (self._candidates(value.body), self._candidates(value.orelse))
            return None if None in branches else branches[0] + branches[1]
        found = self.given_function(value)
        return None if found is None else [None if found is NONE else found]

    def chosen_call(self, chosen, node):
        """``self.act(h)`` where ``act`` holds one of the functions ``chosen`` (a Chosen
        with candidates) lists, which the caller's code chose when it ran: the call of the
        one the attribute holds when this code runs, tested by identity, and the TypeError
        Python raises for None."""
        held = self.atom(node.func, hint="held")
        result = self.namer.fresh("t")
        none_test = [function for function in chosen.candidates if function is not None]
        otherwise = [_raise_type_error(f"astgrad: {chosen.name!r} holds a function other than those "
                                       f"assigned to it on line {chosen.lines[0]}")]
        for function in reversed(none_test):
            self.source.dependencies.append(((ScopeRoot(getattr(function, "__name__", "function")),), (function,)))
            name = S.name(self.bind(function))
            call = gast.Call(func=S.copy(name), args=list(node.args), keywords=list(node.keywords))
            otherwise = [gast.If(test=_is(held, name), body=[S.assign(result, call)], orelse=otherwise)]
        if None in chosen.candidates:
            otherwise = [gast.If(test=_is(held, S.const(None)),
                                 body=[_raise_type_error("'NoneType' object is not callable")], orelse=otherwise)]
        for stmt in otherwise:
            gast.copy_location(stmt, node)
            self.statement(stmt)
        return S.name(result)

    def _holds_function(self, value):
        """Whether ``value`` is a function known now or None, or a choice between such
        values (``np.tanh if x[0] > 0 else None``) with at least one function."""
        if isinstance(value, gast.IfExp):
            branches = (self._holds_function(value.body), self._holds_function(value.orelse))
            return any(branches) and all(b or _is_none(node) for b, node in zip(branches, (value.body, value.orelse)))
        return self.given_function(value) not in (None, NONE)

    def refuse_chosen(self, chosen, node):
        """``self.act(h)`` in a method, where ``act`` holds a function the caller's code
        chose at run time (a Chosen): refused at the user's line that chose it, quoting
        this call as where it is made."""
        cls = getattr(chosen.init, "__qualname__", "__init__").rsplit(".", 1)[0]
        call = self.source.line_text(node).strip()
        where = f"{os.path.basename(self.source.filename)}:{self.source.file_line(node)}"
        lines = ("lines " if len(chosen.lines) > 1 else "line ") + " and ".join(map(str, chosen.lines))
        kind = f"a call of the function the variable {chosen.name!r} holds"
        return TransformError(
            f"astgrad cannot differentiate {kind} (assigned on {lines}), which {cls}() stores in "
            f"an attribute and {where} calls (`{call}`): "
            f"astgrad follows a function an object holds only where the call building the object names "
            f"it. Name the function there ({cls}(..., np.tanh), say); where the data chooses it, build the "
            f"object in each branch (if ...: out = {cls}(..., np.tanh)(x) else: out = {cls}(...)(x))",
            chosen.filename, chosen.lines[0], chosen.line, kind)

    def function_layout(self, node):
        """The FUNCTION layout of the value ``node`` when it is a function known now or
        None (``layer.act = np.tanh``, ``layer.act = None``), or a partial of such a
        function (``layer.act = functools.partial(g, k=2.0)``); else None."""
        found = self.given_partial(node) or self.given_function(node)
        return None if found is None else held_layout(found)

    def follow_attribute(self, name, target, value):
        """After ``name.attr = value``, the layout ``name`` stands for says what the
        attribute holds now where every write of ``.attr`` in the function is such a
        statement of its own at the top level (``followed_attributes``): the function or
        None given (``layer.act = np.tanh``), the layout of an object built there; else
        nothing (a call of the attribute is then refused as unknown)."""
        tree = self.named_layouts().get(name)
        if tree is None or tree[0] != L.OBJECT or target.attr not in self.followed_attributes(name):
            return
        top_level = any(stmt.targets[0] is target for stmt in self.source.tree.body if isinstance(stmt, gast.Assign))
        entry = (self.function_layout(value) or self.static_layout(value, L._DEPTH)) if top_level else None
        kept = [(attr, held) for attr, held in tree[2] if attr != target.attr]
        attributes = tuple(sorted(kept + ([(target.attr, entry)] if entry is not None else []),
                                  key=lambda pair: pair[0]))
        self.named_layouts()[name] = (L.OBJECT, tree[1], attributes) + tuple(tree[3:])

    def followed_attributes(self, name):
        """The attributes of the object ``name`` stands for whose layout follows each write
        (``follow_attribute``): every store of ``.attr`` in the function is ``name.attr =
        v``, a statement at its top level, and the class has no ``attr`` of its own (a
        method, a descriptor) an instance attribute would hide."""
        found = self.__dict__.setdefault("_followed_attributes", {})
        if name not in found:
            top = {id(stmt.targets[0]) for stmt in self.source.tree.body if isinstance(stmt, gast.Assign)
                   and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Attribute)
                   and isinstance(stmt.targets[0].value, gast.Name) and stmt.targets[0].value.id == name}
            if not top:         # no name.attr = v at the top level: nothing to follow (no walk per name)
                found[name] = frozenset()
                return found[name]
            stores = [node for node in S.walk_nodes(self.source.tree) if isinstance(node, gast.Attribute)
                      and isinstance(node.ctx, (gast.Store, gast.Del))]
            cls = self._owned_class(name) if not self.inlining else None
            found[name] = frozenset() if cls is None else frozenset(
                node.attr for node in stores if id(node) in top and M.static_attribute(cls, node.attr) is MISSING
                and all(id(other) in top for other in stores if other.attr == node.attr))
        return found[name]

    def refuse_closing_lambda(self, cls, attr, node):
        """Refused, naming what to write instead, where ``__init__`` of ``cls`` stores in
        ``self.<attr>`` a lambda reading its own variables (``self.f = lambda z: scale *
        np.tanh(W @ z)``): the function's closure holds values the derivative flows
        through, which astgrad does not follow into an object. Else nothing."""
        init = M.static_attribute(cls, "__init__") if isinstance(cls, type) else None
        read = _closing_reads(init, attr) if inspect.isfunction(init) else ()
        if read:
            names = ", ".join(read)
            raise self._refuse(
                f"a call of {cls.__name__}.{attr}, a lambda __init__ makes reading its variables ({names})",
                node, f"store them as attributes and make {attr} a method reading them "
                      f"(self.{read[0]} = {read[0]} in __init__, def {attr}(self, z): ... self.{read[0]} ...)")

    def none_call(self, node):
        """``self.act(h)`` where the object's layout says ``act`` holds None (under ``if
        self.act is not None``, say): the TypeError Python raises there, and None for its
        value (nothing runs after it). The code depends on the layout, which is not a
        name another process could look up: not kept on disk (as held_function_call)."""
        self.source.dependencies.append(((ScopeRoot("None"),), (None,)))
        message = S.const("'NoneType' object is not callable")
        self.emit(gast.Raise(exc=gast.Call(func=S.name("TypeError"), args=[message], keywords=[]), cause=None))
        return S.const(None)


class Chosen:
    """What a layout says an attribute holds (in place of a function) where ``__init__``
    stores a local variable of the calling code that holds a function chosen when that
    code runs (``act = np.tanh if x[0] > 0 else None; Layer(w, act)``). A call of it is
    refused (``refuse_chosen``) at the caller's line that assigns the variable."""
    __slots__ = ("name", "init", "filename", "lines", "line", "candidates")

    def __init__(self, name, init, filename, lines, line, candidates=None):
        self.name, self.init, self.filename, self.lines, self.line = name, init, filename, lines, line
        self.candidates = candidates    # the functions (None for None) it may be, each known now; or None


def _unique(functions):
    found = []
    for function in functions:
        if not any(function is seen for seen in found):
            found.append(function)
    return found


def _is(left, right):
    return gast.Compare(left=S.copy(left), ops=[gast.Is()], comparators=[S.copy(right)])


def _raise_type_error(text):
    return gast.Raise(exc=gast.Call(func=S.name("TypeError"), args=[S.const(text)], keywords=[]), cause=None)


def _is_none(node):
    return isinstance(node, gast.Constant) and node.value is None


def constant_lambdas(init, tree, first_line):
    """{id(lambda node): function} for the lambdas of ``tree`` (``init``'s parsed def,
    whose line 1 is the file's ``first_line``) outside nested functions that read no
    variable of ``init`` and have no defaults, each the function made from its code
    constant; a lambda sharing its line with another is left out (its code is not known)."""
    codes = {}
    for const in init.__code__.co_consts:
        if isinstance(const, types.CodeType) and const.co_name == "<lambda>":
            codes.setdefault(const.co_firstlineno, []).append(const)
    found = {}
    for node in _own_lambdas(tree):
        candidates = codes.get(node.lineno + first_line - 1, [])
        if len(candidates) != 1 or candidates[0].co_freevars or node.args.defaults \
                or any(d is not None for d in node.args.kw_defaults):
            continue
        made = types.FunctionType(candidates[0], init.__globals__, "<lambda>")
        made.__qualname__ = f"{init.__qualname__}.<locals>.<lambda>"
        made.__module__ = init.__module__
        found[id(node)] = made
    return found


def _closing_reads(init, attr):
    """The variables of ``init`` a lambda it stores in ``self.<attr>`` (at its top level)
    reads, sorted; empty where it stores none such (or its source cannot be read)."""
    try:
        tree = parsed_for_reading(init).tree
    except Exception:       # noqa: BLE001 - no source: nothing to name
        return ()
    params = tree.args.posonlyargs + tree.args.args
    if not params:
        return ()
    own = ({a.id for a in params + tree.args.kwonlyargs} | S.stored_names(tree)) - {params[0].id}
    for stmt in tree.body:
        target = stmt.targets[0] if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 else None
        if isinstance(target, gast.Attribute) and target.attr == attr and isinstance(target.value, gast.Name) \
                and target.value.id == params[0].id:
            for fn in (n for n in S.walk_nodes(stmt.value) if isinstance(n, gast.Lambda)):
                bound = {a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
                read = sorted((S.loaded_names(fn.body) - bound) & own)
                if read:
                    return tuple(read)
    return ()


def _own_lambdas(tree):
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            continue
        if isinstance(node, gast.Lambda):
            yield node
            continue
        todo.extend(gast.iter_child_nodes(node))


def attribute_stores(tree, me):
    """(target, value) for each store into an attribute of ``me`` by a statement at the
    top level of the function ``tree``: ``self.W = W``, and each pair of ``self.W,
    self.act = W, act`` (targets all attributes of ``me``, each named once, and a tuple
    of as many values, none starred), which stores the same as one statement a pair."""
    def own(target):
        return isinstance(target, gast.Attribute) and isinstance(target.value, gast.Name) and target.value.id == me
    for stmt in tree.body:
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1):
            continue
        target, value = stmt.targets[0], stmt.value
        if own(target):
            yield target, value
        elif isinstance(target, (gast.Tuple, gast.List)) and isinstance(value, (gast.Tuple, gast.List)) \
                and len(target.elts) == len(value.elts) and all(own(t) for t in target.elts) \
                and len({t.attr for t in target.elts}) == len(target.elts) \
                and not any(isinstance(v, gast.Starred) for v in value.elts):
            yield from zip(target.elts, value.elts)


class Partial:
    """``functools.partial(function, a, k=v)`` where an object is built: the function
    (known now), how many arguments it binds and the names of its keywords, whose values
    the code reads from the partial when it runs (own_methods.py's ``held_partial_call``)."""
    __slots__ = ("function", "count", "names")

    def __init__(self, function, count, names):
        self.function, self.count, self.names = function, count, names


class Others:
    """A method of another object (``other.up``) where an object is built: the function
    and the layout of the object it is bound to, read from the method (``__self__``)
    when the code runs (own_methods.py's ``others_method_call``)."""
    __slots__ = ("function", "layout")

    def __init__(self, function, layout):
        self.function, self.layout = function, layout


def bound_partial(call, function_of):
    """The Partial of ``call`` (``functools.partial(g, a, k=v)``), ``function_of(node)``
    giving the function ``g`` is, where that is a Python or NumPy function (the kinds a
    partial an argument's object holds is followed for) and no argument is unpacked;
    else None."""
    if not call.args or any(isinstance(a, gast.Starred) for a in call.args) \
            or any(kw.arg is None for kw in call.keywords):
        return None
    function = function_of(call.args[0])
    if not (inspect.isfunction(function) or isinstance(function, L._NUMPY_FUNCTIONS)):
        return None
    return Partial(function, len(call.args) - 1, tuple(kw.arg for kw in call.keywords))


def held_layout(found):
    """The FUNCTION layout of what ``stored_function`` found: a function, a Partial, None."""
    if isinstance(found, Partial):
        return (L.FUNCTION, L.Held(found.function, bound=(found.count, found.names)))
    if isinstance(found, Others):
        return (L.FUNCTION, L.Held(found.function, other=found.layout))
    return (L.FUNCTION, L.Held(None if found is NONE else found))


def _written_partial(node, init, names, scope_resolver, evaluate):
    """The Partial of ``node``, a call written in ``init`` (``self.f =
    functools.partial(g, k=2.0)``), ``names`` being ``init``'s parameters and the names
    it binds: ``g`` a parameter (``evaluate`` says what it is given) or a global of its
    module (a dependency of the code); else None."""
    path = S.dotted_path(node.func) if node.args else None
    if path is None or path[0] in names:
        return None
    resolve_path = scope_resolver(init)
    if resolve_path(path, depend=False) is not functools.partial:
        return None
    resolve_path(path)

    def function_of(arg):
        found = S.dotted_path(arg)
        if found is None or found[0] in names:
            return evaluate(arg)
        return resolve_path(found)
    return bound_partial(node, function_of)


def stored_function(init, tree, first_line, attr, given, resolvers):
    """The function ``init`` (parsed as ``tree``) stores in ``self.<attr>`` for a call
    binding ``given`` ({parameter: the argument's node, or the default object}), with
    ``resolvers``: ``resolve(node)`` the function (or None, or NONE, or a Partial) an
    argument node is, and ``scope_resolver(fn)`` resolving the global names of ``fn``;
    None when not certain (see the module docstring)."""
    resolve, scope_resolver = resolvers
    params = tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs
    me = params[0].id
    stores = [node for node in S.walk_nodes(tree) if isinstance(node, gast.Attribute)
              and isinstance(node.value, gast.Name) and node.value.id == me and node.attr == attr
              and isinstance(node.ctx, (gast.Store, gast.Del))]
    value = None
    for target, stored in attribute_stores(tree, me):
        if target in stores:
            value = stored
    if len(stores) != 1 or value is None:
        return None
    rebound = S.stored_names(tree)
    lambdas = constant_lambdas(init, tree, first_line)

    def evaluate(node):
        if isinstance(node, gast.Constant) and node.value is None:
            return NONE
        if isinstance(node, gast.Lambda):
            return lambdas.get(id(node))
        if isinstance(node, gast.Call):
            return _written_partial(node, init, set(rebound) | {p.id for p in params}, scope_resolver, evaluate)
        if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and node.value.id not in rebound \
                and isinstance(given.get(node.value.id), gast.AST):       # self.f = other.up, other given
            return resolve(gast.Attribute(value=given[node.value.id], attr=node.attr, ctx=gast.Load()))
        if isinstance(node, gast.Name) and node.id in given and node.id not in rebound:
            found = given[node.id]
            if isinstance(found, gast.AST):
                return resolve(found)
            return NONE if found is None else found if is_function_object(found) else None
        if isinstance(node, gast.IfExp):
            test = _none_test(node.test)
            if test is None:
                return None
            name, is_none = test
            known = evaluate(gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None))
            if known is None or isinstance(known, Chosen):
                return known            # not known now: a call of it is refused
            return evaluate(node.body if (known is NONE) == is_none else node.orelse)
        return None
    found = evaluate(value)
    return None if found is None else held_layout(found)      # (None given: its call raises, none_call)


_COMPARE = {gast.Eq: lambda a, b: a == b, gast.NotEq: lambda a, b: a != b, gast.Lt: lambda a, b: a < b,
            gast.LtE: lambda a, b: a <= b, gast.Gt: lambda a, b: a > b, gast.GtE: lambda a, b: a >= b}


def _constant_test(test):
    """The value of a comparison of two integer constants (``0 == 0``); else None."""
    if isinstance(test, gast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in _COMPARE \
            and all(isinstance(v, gast.Constant) and type(v.value) is int for v in [test.left] + test.comparators):
        return _COMPARE[type(test.ops[0])](test.left.value, test.comparators[0].value)
    return None


def _none_test(test):
    """(name, True) for ``name is None``, (name, False) for ``name is not None``; else None."""
    if isinstance(test, gast.Compare) and isinstance(test.left, gast.Name) and len(test.ops) == 1 \
            and isinstance(test.ops[0], (gast.Is, gast.IsNot)) and isinstance(test.comparators[0], gast.Constant) \
            and test.comparators[0].value is None:
        return test.left.id, isinstance(test.ops[0], gast.Is)
    return None


def lambdas_as_names(tree, lambdas, taken):
    """``tree`` with each lambda of ``lambdas`` (``constant_lambdas``) replaced by a name,
    and {name: function} for those names (fresh: not in ``taken``)."""
    names = {}

    class Replace(gast.NodeTransformer):
        def visit_Lambda(self, node):
            if id(node) not in lambdas:
                return node
            name = "lambda_fn"
            while name in taken or name in names:
                name += "_"
            names[name] = lambdas[id(node)]
            return gast.copy_location(gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None), node)

        def visit_FunctionDef(self, node):
            return node

        visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef
    tree.body = [Replace().visit(stmt) for stmt in tree.body]
    return tree, names
