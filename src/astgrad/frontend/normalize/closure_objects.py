"""A lambda of the differentiated function handed to the constructor of a class of
yours, reading variables of the function::

    layers = [Layer(1.5, lambda h: h * w + np.sin(h)), Layer(w)]

is the object a closure is: an instance of a class made for that lambda, whose
attributes hold the variables it reads and whose ``__call__`` runs its body reading
them there::

    class Lambda:
        def __init__(closure, w):
            closure.w = w
        def __call__(closure, h):
            return h * closure.w + np.sin(h)

    layers = [Layer(1.5, Lambda(w)), Layer(w)]

An object holding an object is followed like any other (its methods are made for the
layout), so the derivative flows through the lambda to ``w`` in every mode and order.

The two compute the same only where Python's closure reads, when it is called, the
value the variable held when the lambda was made: each variable it reads is a parameter
the function never rebinds, or a variable bound once, by an assignment at the top level
of the function before the statement making the lambda. A lambda reading any other
variable (a loop variable, one rebound later), a lambda with defaults, ``*args`` or
keyword-only parameters, or one whose body makes functions, comprehensions or ``:=``
bindings, is left as it is (and refused where it is handed over, saying what to write).

The class is made when the code is generated, once per lambda; its two functions are
read by astgrad from the differentiated function's source at the lambda's lines, so
errors name them."""

import ast
import dataclasses
import inspect
import weakref

import gast

from ...core import syntax as S
from ..source import parse_function
from .closures import _class_called
from .held_functions import attribute_stores
from .scopes import own_nodes, parameters

_made = weakref.WeakKeyDictionary()         # function -> {(line, column): the class made for that lambda}
_UNFOLLOWED = (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp, gast.NamedExpr,
               gast.Yield, gast.YieldFrom, gast.Await)


def lambdas_as_objects(normalizer, tree):
    """Replace, in ``tree`` (the differentiated def), each lambda handed to the
    constructor of a class of yours that the module doc describes by the object made for
    it. Whether it replaced one."""
    calls = [node for node in own_nodes(tree) if isinstance(node, gast.Call)
             and any(isinstance(arg, gast.Lambda) for arg in list(node.args) + [kw.value for kw in node.keywords])]
    replaced = False
    for call in calls:
        cls = _class_called(normalizer.source, normalizer.locals, call)
        if cls is None:
            continue
        position, kept = _top_level_index(tree, call), _kept_as_given(cls, call)
        for holder, field in [(call.args, i) for i in range(len(call.args))] + [(kw, "value") for kw in call.keywords]:
            lam = holder[field] if isinstance(holder, list) else getattr(holder, field)
            if not any(lam is node for node in kept):
                continue
            read = _captured(normalizer, tree, lam, position) if isinstance(lam, gast.Lambda) else None
            if read is None:
                continue
            made = gast.copy_location(S.call(S.name(_bind(normalizer, _closure_class(normalizer, lam, read))),
                                             [S.name(name) for name in read]), lam)
            if isinstance(holder, list):
                holder[field] = made
            else:
                setattr(holder, field, made)
            replaced = True
    return replaced


def _kept_as_given(cls, call):
    """The argument nodes of ``call`` (building a ``cls``) that the object keeps as they
    are: a dataclass's fields, or the parameters ``__init__`` stores in an attribute of
    ``self`` at its top level (``self.act = act``) and never rebinds. An object made for a
    lambda is then what the attribute holds, whose methods are followed; a lambda the
    constructor calls or chooses between is left as it is (and refused saying what to
    write)."""
    arguments = {kw.arg: kw.value for kw in call.keywords}
    if any(isinstance(a, gast.Starred) for a in call.args) or None in arguments:
        return []
    init = cls.__init__
    try:
        bound = inspect.signature(init).bind(None, *call.args, **arguments).arguments
        tree = parse_function(init).tree if not dataclasses.is_dataclass(cls) else None
    except Exception:       # noqa: BLE001 - arguments that do not fit, a source astgrad cannot read
        return []
    if tree is None:
        return [node for node in bound.values() if isinstance(node, gast.AST)]
    params = parameters(tree)
    if not params:
        return []
    rebound = S.stored_names(tree)
    stored = {value.id for _, value in attribute_stores(tree, params[0]) if isinstance(value, gast.Name)}
    return [node for name, node in bound.items() if isinstance(node, gast.AST) and name in stored - rebound]


def _top_level_index(tree, node):
    for index, stmt in enumerate(tree.body):
        if any(sub is node for sub in S.walk_nodes(stmt)):
            return index
    return None


def _captured(normalizer, tree, lam, position):
    """The variables of the function the lambda ``lam`` reads (sorted), where it may be
    made an object (see the module doc); else None."""
    args = lam.args
    if args.defaults or args.kw_defaults or args.kwonlyargs or args.vararg or args.kwarg \
            or any(isinstance(node, _UNFOLLOWED) for node in S.walk_nodes(lam.body)):
        return None
    own = {a.id for a in args.posonlyargs + args.args}
    read = sorted({node.id for node in S.walk_nodes(lam.body) if isinstance(node, gast.Name)
                   and isinstance(node.ctx, gast.Load) and node.id not in own and node.id in normalizer.locals})
    if position is None or not all(_bound_before(normalizer, tree, name, position) for name in read):
        return None
    return read


def _bound_before(normalizer, tree, name, position):
    """Whether ``name`` keeps, from the statement at ``position`` of the body on, the value
    it had there: a parameter never rebound, or a variable bound once, by an assignment
    of a value that is not a function, at the top level before that statement."""
    count = normalizer.bound_count.get(name, 0)
    if name in parameters(tree):
        return count == 0
    if count != 1:
        return False
    for stmt in tree.body[:position]:
        if isinstance(stmt, (gast.Assign, gast.AnnAssign)) and not isinstance(stmt.value, gast.Lambda) \
                and any(isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Store)
                        for target in getattr(stmt, "targets", [getattr(stmt, "target", None)])
                        for node in S.walk_nodes(target)):
            return True
    return False


def _bind(normalizer, cls):
    name = normalizer.bind(cls)
    normalizer.source.scopes[name] = cls
    return name


def _closure_class(normalizer, lam, read):
    """The class made for the lambda ``lam`` reading the variables ``read`` (once per lambda)."""
    source = normalizer.source
    key = (getattr(lam, "lineno", 0), getattr(lam, "col_offset", 0))
    table = _made.setdefault(source.fn, {})
    if key not in table:
        me = _fresh("closure", {a.id for a in lam.args.posonlyargs + lam.args.args} | set(read))
        init = _def("__init__", [me] + read, [
            gast.Assign(targets=[_attribute(me, name, gast.Store())], value=S.name(name), type_comment=None)
            for name in read], lam)
        body = _Reads(me, set(read)).visit(S.copy(lam.body))
        call = _def("__call__", [me] + [a.id for a in lam.args.posonlyargs + lam.args.args],
                    [gast.Return(value=body)], lam)
        functions = {"__init__": _made_function(source, init), "__call__": _made_function(source, call)}
        cls = type("Lambda", (), dict(functions, __module__=source.fn.__module__,
                                      __doc__="the object a lambda handed to a constructor is"))
        cls.__qualname__ = f"{source.fn.__qualname__}.<locals>.Lambda"
        for function in functions.values():
            function.__qualname__ = f"{cls.__qualname__}.{function.__name__}"
        table[key] = cls
    return table[key]


def _fresh(name, taken):
    while name in taken:
        name += "_"
    return name


def _attribute(owner, name, ctx):
    return gast.Attribute(value=S.name(owner), attr=name, ctx=ctx)


def _def(name, params, body, at):
    def param(arg):
        return gast.Name(id=arg, ctx=gast.Param(), annotation=None, type_comment=None)
    fn = gast.FunctionDef(name=name, args=gast.arguments(
        posonlyargs=[], args=[param(p) for p in params], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
        defaults=[]), body=body, decorator_list=[], returns=None, type_comment=None, type_params=[])
    for node in gast.walk(fn):
        if isinstance(node, (gast.stmt, gast.expr)) and not hasattr(node, "lineno"):
            gast.copy_location(node, at)
    return fn


class _Reads(gast.NodeTransformer):
    """The lambda's body, each read of a variable it captured a read of the attribute."""

    def __init__(self, me, read):
        self.me, self.read = me, read

    def visit_Name(self, node):
        if isinstance(node.ctx, gast.Load) and node.id in self.read:
            return gast.copy_location(_attribute(self.me, node.id, gast.Load()), node)
        return node


def _made_function(source, definition):
    """The Python function ``definition`` (a def at the lambda's lines of ``source``'s
    function) is, in that function's module; astgrad reads it from ``definition``."""
    plain = gast.gast_to_ast(gast.Module(body=[S.copy(definition)], type_ignores=[]))
    ast.fix_missing_locations(plain)
    ast.increment_lineno(plain, source.first_line - 1)
    scope = {}
    exec(compile(plain, source.filename, "exec", dont_inherit=True), source.globals, scope)     # noqa: S102
    function = scope[definition.name]
    function.__astgrad_specializes__ = (source.fn, lambda _tree: S.copy(definition))
    return function
