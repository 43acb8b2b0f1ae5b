"""A list of lambdas made by a comprehension over constants,
``fs = [lambda v, k=k: v * k for k in range(3)]``, written out as the list display
Python's comprehension builds: ``[lambda v, k=0: v * k, lambda v, k=1: ..., ...]``.
The normalizer follows a display of functions (``for f in fs``, ``fs[1](x)``) the way
it follows one the user wrote (closures.py).

Python's scoping is kept: a default value (``k=k``) is evaluated at each step, so it is
that step's constant; a name the lambda's body reads from the comprehension (``lambda v:
v * k``) is read when the lambda is called, after the comprehension finished, so it is
the last constant. Only comprehensions with one ``for`` over ``range`` of integer
literals or over a tuple or list of literals, with no ``if``, whose item is a lambda,
are written out; others are left as they are.

A loop unpacking pairs, ``{k: (lambda z, s=s: z * s) for k, s in pairs}``, over a display
of tuples of constants and parameters the function never rebinds (``(("a", w), ("b",
2.0))``, or a name bound once to one at the top of the body and only iterated over), is
written out the same way, each step's values substituted for the names it binds; a
parameter read by the lambda's body (not a default) leaves the comprehension as it is.

A list of partials, ``[partial(k, scale=s) for s in (0.5, w)]``, is written out the same
way (``[partial(k, scale=0.5), partial(k, scale=w)]``; the items may be names, read when
the display is built, as the comprehension reads them), each followed as a partial.

A list of functions built by appending, ``fs = []`` followed by ``fs.append(lambda v: v * w)``
statements or by a loop over such constants appending a lambda (``for k in range(3):
fs.append(lambda v, k=k: v ** k)``), is written as the display those statements build,
``fs = [lambda v, k=0: v ** k, ...]``, the loop's variable then bound to its last value as
the loop leaves it (a lambda's body reading it reads it when called, as Python does).
Only adjacent statements, appending lambdas or names of functions, are gathered."""

import gast

from ...core import syntax as S
from ...core.walk import rewrite_each_block


def is_partial_call(node):
    """``partial(g, ...)`` or ``functools.partial(g, ...)`` with no lambda in its
    arguments (what the name means does not matter: the list display made is the same)."""
    return isinstance(node, gast.Call) and (S.dotted_path(node.func) or [""])[-1] == "partial" \
        and not any(isinstance(n, gast.Lambda) for n in S.walk_nodes(node))


def unroll_function_comprehensions(tree):
    """``tree`` with each such comprehension replaced by its list display."""
    return _Unroller(_named_displays(tree)).visit(tree)


def _named_displays(tree):
    """{statement: (name, display)} for the statements of ``tree``'s body binding a name
    to a display of tuples of constants and parameters the body never rebinds
    (``pairs = [("a", w), ("b", 2.0)]``), where that is the name's one binding and the
    function only iterates over it: a comprehension over the name iterates over the
    display."""
    if not isinstance(tree, gast.FunctionDef):
        return {}
    names = list(_names_of(tree))
    stores = {}
    for n in names:
        if isinstance(n.ctx, (gast.Store, gast.Del)):
            stores[n.id] = stores.get(n.id, 0) + 1
    args = tree.args
    own = args.posonlyargs + args.args + args.kwonlyargs
    # a parameter of a nested function or lambda named so would read another variable
    shadowed = {n.id for n in names if isinstance(n.ctx, gast.Param) and not any(n is a for a in own)}
    fixed = {a.id for a in own} - set(stores) - shadowed
    iterated = {id(g.iter) for g in S.walk_nodes(tree) if isinstance(g, (gast.comprehension, gast.For))}
    found = {}
    for stmt in tree.body:
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
                and isinstance(stmt.value, (gast.List, gast.Tuple))):
            continue
        name = stmt.targets[0].id
        items = stmt.value.elts
        if stores.get(name) == 1 and name not in shadowed and items and all(
                isinstance(item, gast.Tuple) and all(isinstance(e, gast.Constant) or isinstance(e, gast.Name)
                                                     and e.id in fixed for e in item.elts) for item in items) \
                and all(id(n) in iterated for n in names if n.id == name and isinstance(n.ctx, gast.Load)):
            found[stmt] = (name, stmt.value)
    return found


def _names_of(tree):
    return (n for n in S.walk_nodes(tree) if isinstance(n, gast.Name))


class _Unroller(gast.NodeTransformer):
    def __init__(self, displays):
        self.displays = displays        # from _named_displays
        self.known = {}                 # name -> its display, once its binding is passed

    def visit_Assign(self, node):
        self.generic_visit(node)
        if node in self.displays:
            name, display = self.displays[node]
            self.known[name] = display
        return node

    def visit_ListComp(self, node):
        self.generic_visit(node)
        steps = _steps(node, known=self.known)
        if steps is None:
            return node
        if not steps:
            return gast.List(elts=[], ctx=gast.Load())
        if not isinstance(node.elt, gast.Lambda):      # a partial: each step's call made with its item
            elts = [_Substitute(step).visit(S.copy(node.elt)) for step in steps]
            return gast.copy_location(gast.List(elts=elts, ctx=gast.Load()), node)
        elts = [_instance(node.elt, step, steps[-1]) for step in steps]
        if any(elt is None for elt in elts):
            return node
        return gast.copy_location(gast.List(elts=elts, ctx=gast.Load()), node)

    def visit_DictComp(self, node):
        """``{k: (lambda v, k=k: v * k) for k in (1.0, 2.0)}``, ``{k: (lambda z, s=s: z * s)
        for k, s in (("a", w), ("b", 2.0))}``: the dict display it makes, each key the
        constant of its step."""
        self.generic_visit(node)
        steps = _steps(node, node.value, self.known)
        if steps is None or not isinstance(node.value, gast.Lambda):
            return node
        keys = [_Substitute(step).visit(S.copy(node.key)) for step in steps]
        if not all(isinstance(k, gast.Constant) for k in keys):
            return node
        items = [_instance(node.value, step, steps[-1] if steps else {}) for step in steps]
        if any(item is None for item in items):
            return node
        return gast.copy_location(gast.Dict(keys=keys, values=items), node)


def _steps(node, elt=None, known=None):
    """{variable: value} at each step of the comprehension's loop, or None when it is
    not one this module writes out (``elt``: the item made at each step, a dict's
    value). A value is a constant, or a name the iterable's display reads (read there,
    as the comprehension reads it once)."""
    elt = node.elt if elt is None else elt
    partial = is_partial_call(elt)
    if len(node.generators) != 1 or not (isinstance(elt, gast.Lambda) or partial):
        return None
    generator = node.generators[0]
    if generator.ifs or generator.is_async:
        return None
    target, source = generator.target, generator.iter
    if isinstance(source, gast.Name) and known and source.id in known:
        source = known[source.id]           # pairs = [("a", w), ...]: its display
    if isinstance(target, gast.Tuple):          # for k, s in (("a", w), ("b", 2.0))
        return _unpacked_steps(target, source)
    if not isinstance(target, gast.Name):
        return None
    if partial and isinstance(source, (gast.Tuple, gast.List)) \
            and all(isinstance(e, (gast.Constant, gast.Name)) for e in source.elts):
        return [{target.id: e} for e in source.elts]        # names read as the display would read them
    values = _constants(source)
    return None if values is None else [{target.id: value} for value in values]


def _unpacked_steps(target, source):
    """The steps of a loop unpacking each item into ``target`` (a tuple of names) over a
    display of tuples of constants and names, one item per name; else None."""
    names = [t.id for t in target.elts if isinstance(t, gast.Name)]
    if len(names) != len(target.elts) or len(set(names)) != len(names) \
            or not isinstance(source, (gast.Tuple, gast.List)):
        return None
    steps = []
    for item in source.elts:
        if not isinstance(item, (gast.Tuple, gast.List)) or len(item.elts) != len(names) \
                or not all(isinstance(e, (gast.Constant, gast.Name)) for e in item.elts):
            return None
        steps.append(dict(zip(names, item.elts)))
    return steps


def _constants(source):
    """The constants iterating over ``source`` gives (``range`` of integer literals, a
    tuple or list of literals), or None."""
    if isinstance(source, (gast.Tuple, gast.List)) and all(isinstance(e, gast.Constant) for e in source.elts):
        return [e.value for e in source.elts]
    if isinstance(source, gast.Call) and isinstance(source.func, gast.Name) and source.func.id == "range" \
            and not source.keywords and 1 <= len(source.args) <= 3 \
            and all(isinstance(a, gast.Constant) and type(a.value) is int for a in source.args):
        return list(range(*(a.value for a in source.args)))
    return None


# -- lists of functions built by appending ---------------------------------------------------

def gather_appended_functions(tree):
    """``tree`` (a def) with each list of functions built by appending written as its
    display, in its body and the bodies of the functions defined in it; and each list
    spread into a call (``f(*parts)``) made by a display and the appends right after it
    (``parts = [a, b]; parts.append(c)``), written as the one display they build."""
    spread = {n.value.id for n in S.walk_nodes(tree) if isinstance(n, gast.Starred) and isinstance(n.value, gast.Name)}
    for node in list(S.walk_nodes(tree)):
        if isinstance(node, gast.FunctionDef):
            node.body = rewrite_each_block(node.body, lambda block: _gathered(block, spread))


def _gathered(block, spread):
    out, i = [], 0
    while i < len(block):
        stmt = block[i]
        name = _list_display(stmt)
        if name is None:
            out.append(stmt)
            i += 1
            continue
        items, after, j = list(stmt.value.elts), [], i + 1
        while j < len(block) and _append_step(block[j], name, items, after, name in spread):
            j += 1
        if j == i + 1 or not (name in spread or any(isinstance(item, gast.Lambda) for item in items)):
            out.append(stmt)
            i += 1
            continue
        display = gast.copy_location(gast.List(elts=items, ctx=gast.Load()), stmt.value)
        out.append(gast.copy_location(gast.Assign(targets=stmt.targets, value=display, type_comment=None), stmt))
        out.extend(after)
        i = j
    return out


def _list_display(stmt):
    """``name`` for ``name = [...]`` (a display with no ``*``), else None."""
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
            and isinstance(stmt.value, gast.List) and not any(isinstance(e, gast.Starred) for e in stmt.value.elts):
        return stmt.targets[0].id
    return None


def _append_step(stmt, name, items, after, values=False):
    """Whether ``stmt`` appends functions (with ``values``, any value) to the list
    ``name``: their values added to ``items`` and the binding a loop leaves to ``after``."""
    item = _appended(stmt, name, values)
    if item is not None:
        items.append(item)
        return True
    if not (isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Name) and not stmt.orelse
            and len(stmt.body) == 1):
        return False
    item, steps = _appended(stmt.body[0], name), _constants(stmt.iter)
    if not isinstance(item, gast.Lambda) or steps is None or stmt.target.id == name:
        return False
    items.extend(_made_at(item, stmt.target.id, value) for value in steps)
    if steps:
        after.append(gast.copy_location(S.assign(stmt.target.id, S.const(steps[-1])), stmt))
    return True


def _appended(stmt, name, values=False):
    """The item ``stmt`` (``name.append(item)``) appends, or None: a lambda or a
    function's name, or with ``values`` an expression calling no function it could
    reach the list through (a local one)."""
    if not (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call)):
        return None
    call = stmt.value
    if call.keywords or len(call.args) != 1 or not isinstance(call.func, gast.Attribute) \
            or call.func.attr != "append" or not (isinstance(call.func.value, gast.Name)
                                                  and call.func.value.id == name):
        return None
    item = call.args[0]
    if name in S.names_in(item):
        return None
    if isinstance(item, gast.Lambda) or S.dotted_path(item) is not None:
        return item
    return item if values and _calls_only_globals(item) else None


def _calls_only_globals(item):
    """Whether every call in ``item`` is of a module's function or method (``np.sin(x)``,
    ``x.sum()``), never of a bare name, which may be a local function reading the list."""
    return not any(isinstance(n, (gast.Lambda, gast.NamedExpr, gast.Yield, gast.Await)) for n in S.walk_nodes(item)) \
        and all(isinstance(n.func, gast.Attribute) for n in S.walk_nodes(item) if isinstance(n, gast.Call))


def _made_at(fn, name, value):
    """The lambda ``fn`` as made at the loop step where ``name`` is ``value``: its
    defaults evaluated with that value, its body reading the variable when called."""
    fn = S.copy(fn)
    _defaults_at(fn.args, {name: value})
    return fn


def _defaults_at(args, step):
    args.defaults = [_Substitute(step).visit(d) for d in args.defaults]
    args.kw_defaults = [None if d is None else _Substitute(step).visit(d) for d in args.kw_defaults]


def _instance(fn, step, last):
    """The lambda made at ``step`` ({variable: value}); its body reads a variable of the
    loop it does not bind as the last step's value, which must then be a constant (a
    name would be read when the lambda is called, not when the loop ended): else None."""
    fn = S.copy(fn)
    args = fn.args
    _defaults_at(args, step)
    params = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    params |= {a.id for a in (args.vararg, args.kwarg) if a is not None}
    read = {name: value for name, value in last.items() if name not in params and name in S.names_in(fn.body)}
    if any(isinstance(value, gast.AST) and not isinstance(value, gast.Constant) for value in read.values()):
        return None
    if read:
        fn.body = _Substitute(read).visit(fn.body)
    return fn


class _Substitute(gast.NodeTransformer):
    """Reads of the names of ``step`` ({name: value}) replaced by their values, all at
    once (not inside a nested lambda or comprehension that binds the name itself)."""

    def __init__(self, step):
        self.step = step

    def visit_Name(self, node):
        if node.id in self.step and isinstance(node.ctx, gast.Load):
            value = self.step[node.id]
            value = S.copy(value) if isinstance(value, gast.AST) else gast.Constant(value=value, kind=None)
            return gast.copy_location(value, node)
        return node

    def visit_Lambda(self, node):
        args = node.args
        bound = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
        args.defaults = [self.visit(d) for d in args.defaults]
        args.kw_defaults = [None if d is None else self.visit(d) for d in args.kw_defaults]
        inner = {name: value for name, value in self.step.items() if name not in bound}
        if inner:
            node.body = _Substitute(inner).visit(node.body)
        return node

    def visit_ListComp(self, node):
        inner = {name: value for name, value in self.step.items() if name not in S.stored_names(node)}
        return _Substitute(inner).generic_visit(node) if inner else node

    visit_GeneratorExp = visit_SetComp = visit_DictComp = visit_ListComp
