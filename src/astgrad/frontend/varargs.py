"""Functions with ``*args`` or ``**kwargs`` parameters, specialized for one call shape.

Where a call is written, the number of positional arguments and the keyword names are
known, so ``def helper(x, *args, **kwargs)`` called as ``helper(a, b, c, scale=s)`` is
differentiated as the function it is for that call::

    def helper(x, args_0, args_1, *, kwargs_scale):
        args = (args_0, args_1)
        kwargs = {'scale': kwargs_scale}
        ...                                     # the body as written

``specialize(fn, extra, keywords)`` makes that function (one per shape, kept while ``fn``
lives): a real function sharing ``fn``'s globals, closure cells and defaults, whose
syntax tree is ``fn``'s own rewritten (``parse_function`` asks ``rewrite_tree``), so
errors still name the user's file and lines. In the body, ``f(*args)`` and
``f(**kwargs)`` pass the items one by one when the body never rebinds the name.
"""

import ast
import inspect
import types
import weakref

import gast

from ..core import syntax as S
from ..core.missing import MISSING

_made = weakref.WeakKeyDictionary()     # fn -> {(extra, keywords): specialized function}


def has_varargs(fn):
    """Whether a plain function has ``*args`` or ``**kwargs`` parameters."""
    code = getattr(fn, "__code__", None)
    return code is not None and bool(code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS))


def call_shape(fn, positional, keywords):
    """(extra positional count, keyword names ``**kwargs`` gathers, in call order) for a
    call of ``fn`` with ``positional`` positional arguments and the keywords ``keywords``."""
    code = fn.__code__
    named = code.co_varnames[code.co_posonlyargcount:code.co_argcount + code.co_kwonlyargcount]
    extra = max(0, positional - code.co_argcount) if code.co_flags & inspect.CO_VARARGS else 0
    gathered = tuple(k for k in keywords if k not in named) if code.co_flags & inspect.CO_VARKEYWORDS else ()
    return extra, gathered


def specialize(fn, extra, keywords):
    """``fn`` for calls with ``extra`` positional arguments beyond its named ones and the
    keywords ``keywords`` gathered by ``**kwargs`` (see the module docstring); for
    ``keywords`` None, ``**kwargs`` becomes a keyword-only parameter of the same name
    given the dict whole (``f(a, **d)`` with ``d``'s keys known only when the code runs)."""
    shapes = _made.setdefault(fn, {})
    key = (extra, None if keywords is None else tuple(keywords))
    made = shapes.get(key)
    if made is None:
        made = shapes[key] = _make(fn, *key)
    return made


def specialize_for_call(fn, args, kwargs):
    """The specialized function for a call ``fn(*args, **kwargs)``, and the keywords as it
    takes them (a gathered keyword ``k`` is its parameter ``kwargs_k``)."""
    spec = specialize(fn, *call_shape(fn, len(args), list(kwargs)))
    names = spec.__astgrad_keyword_names__
    return spec, {names.get(k, k): v for k, v in kwargs.items()}


def _make(fn, extra, keywords):
    from .source import parse_function
    source = parse_function(fn)
    tree, names = rewrite_tree(S.copy(source.tree), extra, keywords)
    made = compile_variant(fn, tree, lambda tree: rewrite_tree(tree, extra, keywords)[0],
                           defaults=None if extra else fn.__defaults__)
    made.__astgrad_keyword_names__ = names
    return made


def compile_variant(fn, tree, rewrite, cells=None, defaults=MISSING):
    """A real function made from ``tree`` (``fn``'s own syntax tree rewritten by
    ``rewrite``): it shares ``fn``'s globals, closure cells and keyword defaults, and its
    free names ``cells`` ({name: cell}) adds; parsing it gives ``rewrite`` of ``fn``'s tree."""
    plain = gast.gast_to_ast(gast.Module(body=[tree], type_ignores=[]))
    cells = {**dict(zip(fn.__code__.co_freevars, fn.__closure__ or ())), **(cells or {})}
    factory = ast.parse(f"def __astgrad_scope__({', '.join(cells)}):\n    pass\n")
    # the function's own name stays a global (a recursive call), not a cell of the scope
    own = [] if tree.name in cells else ast.parse(f"global {tree.name}").body
    factory.body[0].body = own + plain.body
    ast.fix_missing_locations(factory)
    _valid_ranges(factory)
    compiled = compile(factory, fn.__code__.co_filename, "exec", dont_inherit=True)
    scope_code = next(c for c in compiled.co_consts if hasattr(c, "co_freevars"))
    code = next(c for c in scope_code.co_consts if hasattr(c, "co_freevars") and c.co_name == tree.name)
    made = types.FunctionType(code, fn.__globals__, fn.__name__,
                              fn.__defaults__ if defaults is MISSING else defaults,
                              tuple(cells[name] for name in code.co_freevars))
    made.__kwdefaults__ = fn.__kwdefaults__
    made.__qualname__ = fn.__qualname__
    made.__module__ = fn.__module__
    made.__astgrad_specializes__ = (fn, rewrite)
    made.__astgrad_keyword_names__ = getattr(fn, "__astgrad_keyword_names__", {})
    return made


ORIGINAL = "__astgrad_original__"      # the name a running twin calls the user's function by


def compile_running_twin(fn, runner, rewrite):
    """A twin of ``fn`` that runs ``fn`` itself (``runner``'s body calls it as
    ``ORIGINAL``) where astgrad reads ``rewrite`` of ``fn``'s tree: its
    ``__astgrad_running__`` is ``runner``, the text an exported module writes for it."""
    twin = compile_variant(fn, runner, rewrite, cells={ORIGINAL: types.CellType(fn)})
    twin.__astgrad_running__ = runner
    return twin


def _valid_ranges(tree):
    """A statement given only its line (a binding put before the body) takes its end from
    the scope around it (fix_missing_locations), which may end before that line: end it
    where it starts, as compile requires."""
    for node in ast.walk(tree):
        if getattr(node, "end_lineno", None) is None or node.end_lineno > node.lineno:
            continue
        if node.end_lineno < node.lineno:
            node.end_lineno, node.end_col_offset = node.lineno, node.col_offset
        elif node.end_col_offset is not None and node.end_col_offset < node.col_offset:
            node.end_col_offset = node.col_offset


def rewrite_tree(tree, extra, keywords):
    """``tree`` (a gast FunctionDef with ``*args``/``**kwargs``) with one parameter per
    gathered argument and the body starting by binding ``args`` and ``kwargs``; and
    {keyword: its parameter}."""
    args = tree.args
    taken = S.names_in(tree)
    line = getattr(tree, "lineno", 1)

    def fresh(base):
        name = base
        while name in taken:
            name += "_"
        taken.add(name)
        return name
    prologue, spread = [], {}
    names = {}
    if args.vararg is not None:
        star = args.vararg.id
        params = [fresh(f"{star}_{i}") for i in range(extra)]
        args.args = list(args.args) + [gast.Name(id=p, ctx=gast.Param(), annotation=None, type_comment=None)
                                       for p in params]
        if extra:
            args.defaults = []          # every named positional parameter is given
        spread[star] = gast.Tuple(elts=[S.name(p) for p in params], ctx=gast.Load())
        prologue.append(S.assign(star, S.copy(spread[star]), line=line))
    if args.kwarg is not None and keywords is None:           # the dict given whole
        args.kwonlyargs = list(args.kwonlyargs) + [
            gast.Name(id=args.kwarg.id, ctx=gast.Param(), annotation=None, type_comment=None)]
        args.kw_defaults = list(args.kw_defaults) + [None]
    elif args.kwarg is not None:
        double = args.kwarg.id
        for key in keywords:
            names[key] = fresh(f"{double}_{key}")
            args.kwonlyargs = list(args.kwonlyargs) + [
                gast.Name(id=names[key], ctx=gast.Param(), annotation=None, type_comment=None)]
            args.kw_defaults = list(args.kw_defaults) + [None]
        spread[double] = gast.Dict(keys=[S.const(k) for k in keywords], values=[S.name(names[k]) for k in keywords])
        prologue.append(S.assign(double, S.copy(spread[double]), line=line))
    args.vararg = args.kwarg = None
    body = gast.Module(body=tree.body, type_ignores=[])
    rebound = S.stored_names(body) | {name for name in spread if _changed_in_place(body, name)}
    spreading = _Spread({k: v for k, v in spread.items() if k not in rebound})
    tree.body = prologue + [spreading.visit(stmt) for stmt in tree.body]
    return tree, names


_READ_METHODS = frozenset({"get", "keys", "values", "items", "copy", "count", "index"})


def _changed_in_place(tree, name):
    """Whether the body may change what ``name`` holds without rebinding it
    (``kwargs["b"] = v``, ``kwargs.setdefault(...)``, a call given it): every read of
    it must be ``*name``, ``**name``, ``name[k]``, ``len(name)``, ``k in name``, a loop over
    it or a method that only reads."""
    for parent in S.walk_nodes(tree):
        for child in gast.iter_child_nodes(parent):
            if not (isinstance(child, gast.Name) and child.id == name and isinstance(child.ctx, gast.Load)):
                continue
            if isinstance(parent, (gast.Starred, gast.comprehension, gast.For)) \
                    or isinstance(parent, gast.keyword) and parent.arg is None \
                    or isinstance(parent, gast.Subscript) and isinstance(parent.ctx, gast.Load) \
                    or isinstance(parent, gast.Compare) and child is not parent.left \
                    or isinstance(parent, gast.Attribute) and parent.attr in _READ_METHODS \
                    or isinstance(parent, gast.Call) and S.dotted_path(parent.func) == ["len"]:
                continue
            return True
    return False


class _Spread(gast.NodeTransformer):
    """``f(*args)``, ``f(**kwargs)``, ``[*args]``: the items written out, so calls and
    displays pass them one by one."""

    def __init__(self, spread):
        self.spread = spread

    def visit_Starred(self, node):
        if isinstance(node.value, gast.Name) and node.value.id in self.spread:
            node.value = S.copy(self.spread[node.value.id])
        return self.generic_visit(node)

    def visit_keyword(self, node):
        if node.arg is None and isinstance(node.value, gast.Name) and node.value.id in self.spread:
            node.value = S.copy(self.spread[node.value.id])
        return self.generic_visit(node)

    def visit_FunctionDef(self, node):
        return node         # a nested function has its own scope

    visit_Lambda = visit_FunctionDef
