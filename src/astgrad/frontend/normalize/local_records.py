"""A namedtuple class made in the differentiated function's own body::

    def f(x, w):
        Pt = namedtuple("Pt", "x y")
        def make(a):
            return Pt(a, a * w)
        ...

``collections.namedtuple`` called with constants (a type name, field names, constant
``defaults=`` and ``rename=``) makes the same class whatever the call's arguments: it is
made when the code is generated, once per function and line, and the name is read as
that class, as a module-level namedtuple is (built, its fields read, ``_replace``d, in
helpers and local functions too). Only a name bound once, in the function's own body and
nowhere else, is read so; Python makes a new class at each call, so a record the function
returns is an instance of the one class made here whatever the call.
"""

import collections
import weakref

import gast

from ...core import syntax as S

_made = weakref.WeakKeyDictionary()     # function -> {(line, type name, fields, options): class}


def hoist_local_namedtuples(normalizer, tree):
    """``tree`` (the differentiated def) with each such ``Pt = namedtuple(...)`` removed
    and ``Pt`` read as the class made for it (a name of the generated code's namespace)."""
    kept = []
    for stmt in tree.body:
        made = _namedtuple_made(normalizer, tree, stmt)
        if made is None:
            kept.append(stmt)
            continue
        name, cls = made
        bound = normalizer.namer.fresh(name)
        normalizer.source.scopes[bound] = cls       # resolved as the class, as an import inside f is
        normalizer.bindings[bound] = cls            # and bound so in the generated code
        normalizer.locals.discard(bound)
        for node in S.walk_nodes(tree):
            if isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Load):
                node.id = bound
    tree.body = kept or [gast.Pass()]


def _namedtuple_made(normalizer, tree, stmt):
    """(name, class) for ``name = namedtuple(<constants>)`` bound once in ``tree``; else None."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.Call)):
        return None
    call, name = stmt.value, stmt.targets[0].id
    path = S.dotted_path(call.func)
    if path is None or path[-1] != "namedtuple" or path[0] in _bound_names(tree) - {name}:
        return None
    options = _constants(call)
    if options is None or _bindings(tree, name) != 1 \
            or normalizer.source.resolve_path(path) is not collections.namedtuple:
        return None
    fn = normalizer.source.fn
    key = (getattr(stmt, "lineno", None),) + options
    made = _made.setdefault(fn, {})
    if key not in made:
        typename, fields, keywords = options[0], options[1], dict(options[2])
        made[key] = collections.namedtuple(typename, fields, module=fn.__module__, **keywords)
    return name, made[key]


def _constants(call):
    """(type name, field names, keyword options) of a namedtuple call written with
    constants only; None otherwise."""
    if len(call.args) != 2 or not isinstance(call.args[0], gast.Constant) or not isinstance(call.args[0].value, str):
        return None
    fields = _literal(call.args[1])
    if not (isinstance(fields, str) or isinstance(fields, tuple) and all(isinstance(f, str) for f in fields)):
        return None
    keywords = []
    for kw in call.keywords:
        value = _literal(kw.value)
        if kw.arg not in ("defaults", "rename") or value is None:
            return None
        keywords.append((kw.arg, value))
    return call.args[0].value, fields, tuple(keywords)


def _literal(node):
    """The value of a constant, or of a tuple or list of constants (as a tuple); else None."""
    if isinstance(node, gast.Constant):
        return node.value
    if isinstance(node, (gast.Tuple, gast.List)) and all(isinstance(e, gast.Constant) for e in node.elts):
        return tuple(e.value for e in node.elts)
    return None


def _bindings(tree, name):
    """How many times ``name`` is bound anywhere in ``tree`` (nested functions too)."""
    count = 0
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Name) and node.id == name and not isinstance(node.ctx, gast.Load):
            count += 1
        elif isinstance(node, (gast.FunctionDef, gast.ClassDef)) and node.name == name:
            count += 1
        elif isinstance(node, (gast.Global, gast.Nonlocal)) and name in node.names:
            count += 2
    return count


def _bound_names(tree):
    return {node.id for node in S.walk_nodes(tree) if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load)}
