"""What a user function astgrad cannot normalize changes in place, read off its source.

The sharing analysis reads a callee's effects from its core form. A callee whose code is
refused there (``layer.act = np.sin`` on an object it was given) still runs where the
caller calls it on values nothing is differentiated through, and the caller's code may
depend on what it changes (the functions an object holds). So the statements of its
source that change an object are found here, without normalizing: an assignment (or
``del``, or ``op=``) to an attribute or an item of a name, a call of a method that
changes its object (``xs.append(v)``) and a call writing into its ``out=``
(``np.multiply(self.W, w, out=self.W)``, or by position, ``np.multiply(self.W, w,
self.W)``, of a function of the module's globals). The name is a parameter, or any other
name not bound in the function (a global, a closure variable: ``outside``).
"""

import ast
import builtins
import inspect
import textwrap

from .mutation import is_mutating_method, positional_out


def source_changes(fn, outside):
    """{parameter or ``outside``: (line, text)} for the first change of each in ``fn``'s
    source (the module's docstring); {} where the source cannot be read."""
    try:
        lines, first = inspect.getsourcelines(fn)
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except (OSError, TypeError, SyntaxError):
        return {}
    defs = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if not defs:
        return {}
    args = defs[0].args
    params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    local = {n.id for n in ast.walk(defs[0]) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    held = _held_by_parameters(defs[0], params)
    found = {}
    resolve = _resolver(fn, local | params)
    for node in ast.walk(defs[0]):
        root = _changed_root(node, resolve)
        root = held.get(root, root)
        if root is None or (root in local and root not in params):
            continue
        line = first + node.lineno - 1
        found.setdefault(root if root in params else outside, (line, lines[node.lineno - 1].strip()))
    return found


def _held_by_parameters(fn, params):
    """{local name: the parameter} for the names ``fn`` binds to what a parameter holds:
    an item a loop over it gives (``for p in ps``, ``for p, g in zip(ps, gs)``), an item
    or attribute read off it (``p = ps[0]``), or it itself (``q = p``), and so on from
    those names; a change of their object changes what the caller handed in."""
    held, grown = {}, True
    while grown:
        grown = False
        for node in ast.walk(fn):
            if isinstance(node, (ast.For, ast.comprehension)):
                pairs = [(node.target, source) for source in _iterated(node.iter)]
            elif isinstance(node, ast.Assign):
                pairs = [(target, node.value) for target in node.targets]
            else:
                continue
            for target, value in pairs:
                root = _root_name(value)
                param = root if root in params else held.get(root)
                for name in (n.id for n in ast.walk(target) if isinstance(n, ast.Name)):
                    if param is not None and name not in params and name not in held:
                        held[name], grown = param, True
    return held


def _iterated(node):
    """What a loop over ``node`` takes items of: ``ps``, or each of ``zip(ps, gs)``'s
    (``enumerate``'s, ``reversed``'s) arguments."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id in ("zip", "enumerate", "reversed"):
        return list(node.args)
    return [node]


def _root_name(node):
    """``ps`` for ``ps``, ``ps[0]``, ``ps.layers[i]``; else None."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _changed_root(node, resolve):
    """The name whose object ``node`` changes, or None."""
    if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, (ast.Store, ast.Del)):
        target = node.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_mutating_method(node.func.attr):
        target = node.func.value
    elif isinstance(node, ast.Call) and any(k.arg == "out" for k in node.keywords):     # f(a, out=o.W)
        target = next(k.value for k in node.keywords if k.arg == "out")
        target = target.elts[0] if isinstance(target, ast.Tuple) and target.elts else target
    elif isinstance(node, ast.Call) and _out_position(node, resolve) is not None:       # np.add(o.W, v, o.W)
        target = node.args[_out_position(node, resolve)]
    else:
        return None
    while isinstance(target, (ast.Attribute, ast.Subscript)):
        target = target.value
    return target.id if isinstance(target, ast.Name) else None


def _out_position(call, resolve):
    """The position of the ``out`` a call of a global function is handed by position, or None."""
    if any(isinstance(a, ast.Starred) for a in call.args):
        return None
    target = resolve(call.func)
    return None if target is None else positional_out(target, len(call.args))


def _resolver(fn, local):
    """``resolve(func)``: the object a dotted name of ``fn``'s globals (not one of
    ``local``) means now, or None."""
    def resolve(func):
        path = []
        while isinstance(func, ast.Attribute):
            path.insert(0, func.attr)
            func = func.value
        if not isinstance(func, ast.Name) or func.id in local:
            return None
        value = fn.__globals__.get(func.id, getattr(builtins, func.id, None))
        for name in path:
            value = getattr(value, name, None)
        return value
    return resolve


def changes_what_it_is_given(fn):
    """Whether ``fn``'s source changes an object it was given or reached from one: an
    assignment to an attribute or an item of (or a changing method called on) a
    parameter, a loop's item or a name that is not its own (``b.v = ...``, ``for b in
    bs: b.v = ...``); not of a value it built (``r = {}; r[k] = v``). True where the
    source cannot be read."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return True
    defs = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]
    if not defs:
        return True
    built = {target.id for node in ast.walk(defs[0]) if isinstance(node, ast.Assign)
             for target in node.targets if isinstance(target, ast.Name)}
    stored = {n.id for n in ast.walk(defs[0]) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    resolve = _resolver(fn, stored | {a.arg for a in ast.walk(defs[0]) if isinstance(a, ast.arg)})
    return any(root is not None and root not in built
               for root in (_changed_root(node, resolve) for node in ast.walk(defs[0])))


def held_object_method_call(fn):
    """(line, text) of the first call in ``fn``'s source of a method of no known rule on
    an attribute or an item of a parameter (``self.layer.scale(w)``, ``b.parts[0].step(w)``):
    a method of the user's, which may change the object it is called on, held by what
    ``fn`` was given, though ``fn`` stores nothing there itself; None where there is none
    or the source cannot be read."""
    from ..rules import registry
    try:
        lines, first = inspect.getsourcelines(fn)
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except (OSError, TypeError, SyntaxError):
        return None
    defs = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if not defs:
        return None
    args = defs[0].args
    params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    held_calls = _instance_held_calls(fn, args)
    for node in ast.walk(defs[0]):
        if held_calls(node):
            return first + node.lineno - 1, lines[node.lineno - 1].strip()
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, (ast.Attribute, ast.Subscript))) \
                or registry.methods_named(node.func.attr):
            continue        # (a list's append, an array's fill: the sharing analysis sees those)
        root = node.func.value
        while isinstance(root, (ast.Attribute, ast.Subscript)):
            root = root.value
        if isinstance(root, ast.Name) and root.id in params:
            return first + node.lineno - 1, lines[node.lineno - 1].strip()
    return None


def _instance_held_calls(fn, args):
    """A test of a node of the method ``fn`` (its parameters ``args``): whether it calls
    what an attribute of ``self`` holds that its class does not define (``self.f(z)``
    after ``self.f = other.bump``: another object's bound method, a partial), which may
    change any object. Always False for a function that is not a method of a class its
    module names."""
    owner = fn.__globals__.get(fn.__qualname__.split(".")[0]) if hasattr(fn, "__globals__") else None
    me = (args.posonlyargs + args.args)[0].arg if args.posonlyargs + args.args else None
    if not isinstance(owner, type) or fn.__qualname__.count(".") != 1 or me is None:
        return lambda node: False
    return lambda node: isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
        and isinstance(node.func.value, ast.Name) and node.func.value.id == me \
        and not hasattr(owner, node.func.attr)
