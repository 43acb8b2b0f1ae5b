"""A helper of the user's that only builds an object of the user's class and returns it
(``def make(w, k): return Acc(w * (k + 1.0))``), called to bind a name::

    a = make(w, k)          ->      a = Acc(w * (k + 1.0))

where a method of the class writes into an attribute in place (``self.data[k] *= c``):
the object is then followed as one the function builds itself (handed_arrays.py,
appended_objects.py, object_columns.py), as Python's call builds the same object from
the same values. Written so where the call hands only names and constants (read again
in the expression, each the value Python bound the parameter to: nothing runs between),
by position or keyword (or any expressions, by position, where the helper hands its
parameters on as they are, in their order: ``return Acc(b)``), a parameter left out
having a number, string, ``None`` or bool default; and the helper is a plain function of
the function's own module (the same globals; or, returning a tuple, of another module:
foreign_factories.py), no closure, no ``*args`` or ``**kwargs``, its body a ``return``
of a call building the object (after a docstring), or straight-line bindings folded into it (``o = Acc(b); return o``: each name bound once,
read once, in the order made), naming each parameter, no global name the function binds
itself and no lambda, comprehension or ``:=``. Its nodes take the call's place in the
file, so a refusal names the user's line. Anything else is left as it is."""

import copy
import inspect

import gast

from ...core import syntax as S
from ...core.first_use import imported_when_called
from .foreign_factories import foreign_class_of, in_its_scope
from .handed_arrays import changed_in_place

# read only where a helper may build an object (class_functions.py, method_writes.py load with the first one)
tree_of = imported_when_called(__package__ + ".class_functions", "tree_of")
writes_nothing = imported_when_called(__package__ + ".method_writes", "writes_nothing")

_SCOPED = (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp, gast.NamedExpr,
           gast.Yield, gast.YieldFrom, gast.Await)
_DEFAULTS = (int, float, str, bool, type(None))


def write_factory_calls(normalizer, tree):
    """Each such call of ``tree`` written as the construction it returns. Whether one was."""
    written = False
    for block in statement_blocks(tree.body):
        for stmt in list(block):
            if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
                    and isinstance(stmt.value, gast.Call) and isinstance(stmt.value.func, gast.Name):
                found = folded_call(normalizer, stmt.value, tree, {stmt.targets[0].id})
                if found is not None:
                    checks, built = found
                    normalizer.resolve_call(stmt.value)     # (generation now depends on what the name holds)
                    stmt.value = built
                    at = block.index(stmt)
                    block[at:at] = checks       # the helper's checks, run before it builds, as its call runs them
                    written = True
    return written


def statement_blocks(body):
    """``body`` and every block of statements nested in it, each a list to splice into."""
    yield body
    for stmt in body:
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                yield from statement_blocks(inner)
        for handler in getattr(stmt, "handlers", []):
            yield from statement_blocks(handler.body)


def methods_called(tree, names):
    """The names of the methods ``tree`` calls on one of ``names`` or an item of it
    (``p.norm()``, ``pair[0].norm()``)."""
    found = set()
    for n in S.walk_nodes(tree):
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute):
            receiver = n.func.value.value if isinstance(n.func.value, gast.Subscript) else n.func.value
            if isinstance(receiver, gast.Name) and receiver.id in names:
                found.add(n.func.attr)
    return found


def folded_call(normalizer, call, tree, names, tuples=False):
    """(the helper's leading checks, the construction ``call`` of such a helper returns,
    or with ``tuples`` the tuple of constructions), its parameters replaced by the call's
    arguments, placed at the call, where ``tree`` binds ``names`` to it; else None."""
    name = call.func.id
    if name in normalizer.locals or name in normalizer.functions or any(kw.arg is None for kw in call.keywords):
        return None
    helper = normalizer.source.resolve_path((name,), depend=False)
    fn = normalizer.source.fn
    if not (inspect.isfunction(helper) and helper.__closure__ is None
            and not (helper.__code__.co_flags & (inspect.CO_GENERATOR | inspect.CO_COROUTINE
                                                  | inspect.CO_ASYNC_GENERATOR))):
        return None
    # a helper of another module: a tuple of objects only (foreign_factories.py)
    foreign = helper.__globals__ is not getattr(fn, "__globals__", None)
    if foreign and not tuples:
        return None
    found = _returned_call(helper) if _names_a_class(helper) else None
    if found is None or isinstance(found[1], gast.Tuple) != tuples:
        return None         # (a tuple of objects: tuple_factories.py)
    class_of = foreign_class_of(helper) if foreign else normalizer.built_class_of
    checks, returned = found
    atoms = all(_atom(a) for a in call.args + [kw.value for kw in call.keywords])
    if not (atoms or checks or tuples or _handed_on(helper, returned, call)) \
            or any(isinstance(a, gast.Starred) for a in call.args):
        return None
    bound = _bound(helper, call)
    named = {n.id for part in checks + [returned] for n in S.walk_nodes(part) if isinstance(n, gast.Name)}
    if bound is None or set(bound) != named & set(bound):
        return None         # (a parameter not named: its argument's read would go)
    if not foreign and (named - set(bound)) & (set(normalizer.locals) | set(normalizer.bound_count)):
        return None         # a global of the helper's that the function shadows
    built = _substituted(returned, bound)
    called = methods_called(tree, names)       # (walked only for a helper of this form)
    if not (_tuple_followed(class_of, built, checks, called) if tuples else _followed(class_of, built, checks, called)):
        return None
    if foreign:         # its free names read in its own module from here on
        checks, returned = _returned_call(helper, in_its_scope(normalizer, helper, tree_of(helper)))
        built = _substituted(returned, bound)
    bindings = []
    if (checks or tuples) and not atoms:
        # the checks (or a tuple's objects) read the parameters again: each argument bound
        # to a name of its own first, in the order Python evaluates them (x = np.sin(w);
        # check(x); P(x * 2.0))
        named, bindings = _arguments_named(normalizer, helper, call)
        bound = _bound(helper, named)
        built = _substituted(returned, bound)
    checks = bindings + [_substituted(check, bound) for check in checks]
    for node in [n for part in checks + [built] for n in S.walk_nodes(part)]:
        if hasattr(node, "lineno"):
            gast.copy_location(node, call)
            node.end_lineno, node.end_col_offset = getattr(call, "end_lineno", None), getattr(call, "end_col_offset", None)
    return checks, built


def _followed(class_of, built, checks, methods_called):
    """Whether the object ``built`` makes is followed once the helper is folded
    (``class_of(call)``: the class of the user's a construction builds, or None)."""
    cls = class_of(built)
    # a class changing an attribute in place is followed by handed_arrays.py where no check
    # comes first (modes/returned_objects.py reads the helpers that check); where one does,
    # the object is followed where each method the function calls on it only reads it. An
    # object built holding an object built there too (ByItem(Inner(b))) is folded where no
    # check comes first: the function's own construction tells what its attribute holds
    return cls is not None and (not checks and (changed_in_place(cls) or _holds_construction(class_of, built))
                                or checks and methods_called and all(_only_reads(cls, m) for m in methods_called))


def _holds_construction(class_of, built):
    """Whether the construction ``built`` is handed a construction of a class of the user's."""
    return isinstance(built, gast.Call) and any(
        isinstance(a, gast.Call) and class_of(a) is not None for a in built.args + [k.value for k in built.keywords])


def _tuple_followed(class_of, built, checks, methods_called):
    """Whether the objects of the tuple ``built`` are followed once the helper is folded:
    each of a class followed, and, where no check comes first, whatever its methods do
    (each then an object the function builds in a statement of its own, as ``a, b = P(w),
    P(2.0 * w)`` written directly: tuple_constructions.py); where one does, each method the
    function calls on them only reading in every one of those classes that has it (which
    object a call reaches is not read here)."""
    classes = [class_of(call) for call in built.elts]
    return None not in classes and not checks or None not in classes and all(
        any(hasattr(cls, m) for cls in classes)
        and all(_only_reads(cls, m) for cls in classes if hasattr(cls, m)) for m in methods_called)


def _only_reads(cls, method):
    """Whether ``method`` of ``cls`` binds names alone and changes nothing in place
    (method_writes.py): folding the check before the object is built then moves no write."""
    return writes_nothing(cls, method, binds_attributes=False)


def _arguments_named(normalizer, helper, call):
    """(``call`` with each argument that is no name or constant replaced by a new name
    after its parameter, the bindings of those names in the order Python evaluates the
    arguments), for a call that binds (``_bound``)."""
    params = list(inspect.signature(helper).parameters)
    named, bindings = copy.copy(call), []

    def name_of(value, param):
        if _atom(value):
            return value
        name = normalizer.namer.fresh(param)
        normalizer.locals.add(name)
        bindings.append(gast.copy_location(S.assign(name, value), call))
        return gast.copy_location(S.name(name), value)

    named.args = [name_of(a, param) for a, param in zip(call.args, params)]
    named.keywords = [gast.keyword(arg=kw.arg, value=name_of(kw.value, kw.arg)) for kw in call.keywords]
    return named, bindings


def _names_a_class(helper):
    """Whether a global name ``helper`` reads holds a class: the cheap first look, before
    its source is read."""
    return any(isinstance(helper.__globals__.get(name), type) for name in helper.__code__.co_names)


def _handed_on(helper, returned, call):
    """Whether ``returned`` hands the parameters of ``helper`` on as they are, in their
    order, and ``call`` gives each by position (``wrap(x[:2])`` of ``return Acc(b)``):
    its arguments are then evaluated in the construction in Python's order."""
    params = list(inspect.signature(helper).parameters)
    return not call.keywords and not returned.keywords and len(call.args) == len(params) \
        and [getattr(a, "id", None) for a in returned.args] == params


def _atom(node):
    return isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) \
        or isinstance(node, gast.Constant) and isinstance(node.value, _DEFAULTS)


def _returned_call(helper, tree=None):
    """(its leading checks, the call ``helper`` returns, or the tuple of calls): its body
    (after a docstring) checks of its input (``if x.ndim != 1: raise ValueError(...)``,
    ``assert ...``), then a ``return`` of the call or straight-line bindings of names it
    folds in (``_folded``), with no construct of its own scope in them; else None.
    ``tree``: the helper's def to read, if not its own."""
    tree = tree_of(helper) if tree is None else tree
    if tree is None or tree.args.vararg or tree.args.kwarg or tree.decorator_list:
        return None
    body = tree.body[1:] if tree.body and isinstance(tree.body[0], gast.Expr) \
        and isinstance(tree.body[0].value, gast.Constant) and isinstance(tree.body[0].value.value, str) else tree.body
    checks = []
    while body and _check(body[0]):
        checks, body = checks + [body[0]], body[1:]
    if not body or not isinstance(body[-1], gast.Return) or body[-1].value is None:
        return None
    returned = body[-1].value if len(body) == 1 else _folded(tree, body)
    calls = returned.elts if isinstance(returned, gast.Tuple) and returned.elts else [returned]
    if not all(isinstance(call, gast.Call) for call in calls) \
            or any(isinstance(n, _SCOPED) for part in checks + [returned] for n in S.walk_nodes(part)):
        return None
    return checks, returned


def _check(stmt):
    """Whether ``stmt`` is a check of a helper's input: ``assert test[, message]``, or
    ``if test: raise ...`` with nothing else in it."""
    return isinstance(stmt, gast.Assert) or isinstance(stmt, gast.If) and not stmt.orelse \
        and len(stmt.body) == 1 and isinstance(stmt.body[0], gast.Raise) and stmt.body[0].exc is not None


def _folded(tree, body):
    """The value of ``body``'s ``return`` with each name bound before it replaced by its
    value (``o = Acc(b); return o`` as ``Acc(b)``; a copy, ``tree``'s own nodes left as they
    are), where that is the same computation: each statement binds a new name (not a
    parameter) once, read once after it, and the values come in the folded expression in
    the order the statements compute them, none of them choosing what it evaluates (no
    ``and``/``or``, conditional expression or dict display, whose order differs); else None."""
    params = {a.id for a in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs}
    values, order = {}, []
    for stmt in body[:-1]:
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
            return None
        name = stmt.targets[0].id
        if name in params or name in values or name in _loads(stmt.value):
            return None
        values[name] = stmt.value
        order.append(name)
    reads = [n for stmt in body for n in _loads(stmt.value)]
    if any(reads.count(name) != 1 for name in values):
        return None
    folded, roots = copy.deepcopy(body[-1].value), {}
    for name in reversed(order):     # (the last binding first: its value may read earlier names)
        folded = _folded_in(folded, name, values[name], roots)
    if any(isinstance(n, (gast.BoolOp, gast.IfExp, gast.Dict)) for n in S.walk_nodes(folded)):
        return None
    # each value is computed where its node completes: after those it reads, before the rest
    computed = [roots[id(n)] for n in _in_order(folded) if id(n) in roots]
    return folded if computed == order else None


def _folded_in(expression, name, value, roots):
    """``expression`` with its read of ``name`` replaced by a copy of ``value``, the copy
    noted in ``roots`` {id: name}."""
    made = copy.deepcopy(value)
    roots[id(made)] = name
    if isinstance(expression, gast.Name) and expression.id == name:
        return made
    for node in list(S.walk_nodes(expression)):
        for field, child in gast.iter_fields(node):
            if isinstance(child, gast.Name) and child.id == name:
                setattr(node, field, made)
            elif isinstance(child, list):
                for k, item in enumerate(child):
                    if isinstance(item, gast.Name) and item.id == name:
                        child[k] = made
    return expression


def _in_order(node):
    """The nodes of ``node`` each after those inside it, in the order Python evaluates an
    expression of calls, operators, attributes and subscripts (fields in their order)."""
    for _, child in gast.iter_fields(node):
        for item in child if isinstance(child, list) else [child]:
            if isinstance(item, gast.AST):
                yield from _in_order(item)
    yield node


def _loads(expression):
    """The names ``expression`` reads, each read once in the list."""
    return [n.id for n in _in_order(expression) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)]


def _bound(helper, call):
    """{parameter: the node it is bound to} as Python binds ``call``'s arguments, a
    default as a constant; None where it would not bind or a default is another value."""
    try:
        bound = inspect.signature(helper).bind(*call.args, **{kw.arg: kw.value for kw in call.keywords})
    except (TypeError, ValueError):
        return None
    bound.apply_defaults()
    nodes = {}
    for param, value in bound.arguments.items():
        if isinstance(value, gast.AST):
            nodes[param] = value
        elif type(value) in _DEFAULTS:
            nodes[param] = gast.Constant(value=value, kind=None)
        else:
            return None
    return nodes


def _substituted(expression, bound):
    """A copy of ``expression`` with each parameter's read replaced by a copy of its node."""
    made = copy.deepcopy(expression)
    for node in list(S.walk_nodes(made)):
        for field, value in gast.iter_fields(node):
            if isinstance(value, gast.Name) and value.id in bound:
                setattr(node, field, copy.deepcopy(bound[value.id]))
            elif isinstance(value, list):
                for k, item in enumerate(value):
                    if isinstance(item, gast.Name) and item.id in bound:
                        value[k] = copy.deepcopy(bound[item.id])
    return made
