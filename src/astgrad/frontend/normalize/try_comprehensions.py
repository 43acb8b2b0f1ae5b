"""A comprehension in the body of a ``try`` with ``except``, as the call of a function made
for it (and the search of ``next(g)``, see the end)::

    try:                                    try:
        ys = [v * w for v in xs]                ys = comprehension(xs, w)
    except ValueError:                      except ValueError:
        ys = [x]                                ys = [x]

    def comprehension(xs, w):               # made when the code is generated
        return [v * w for v in xs]

Python's semantics: a comprehension runs in a scope of its own, so one stopped part-way
by an exception binds nothing the function sees and leaves no list behind; a call
computing it does the same. The function's variables it reads are passed as arguments,
read where it runs, as the comprehension reads them; the globals it reads are the
function's own. The call is one statement of the try body, differentiated on its own
like a helper of yours, where the loop the comprehension is made of would be stopped
part-way (which the modes refuse in a try body, trying.py).

So are list, set and dict comprehensions, and a generator expression that ``sum``,
``min`` or ``max`` consumes whole, where it is written (as the list comprehension it is
then). ``list``, ``tuple`` and ``sorted`` of a comprehension or a generator expression are
made whole into the function (``return tuple(v * w for v in xs)``): astgrad lowers them to
a loop over their argument, which a try body would stop part-way too. A comprehension
iterating an object of a class whose ``__iter__`` astgrad follows (object_iteration.py),
a name of the function, iterates in the function made for it what that object's
``__iter__`` iterates (``for k in range(0, len(q.data))``, its item ``q.w / q.data[k]``),
checked here as a loop over the object would be: the made function, given the object,
would not know its class. Not one with ``:=`` (which binds in the function),
``yield`` or ``await``, one reading a variable of an enclosing function, or one changing
a list, dict or set of the function by its methods (``[acc.append(v) for v in xs]``,
which Python leaves changed part-way): those stay loops, refused in a try body. The function is read by astgrad at the comprehension's
lines, so errors name them.

``next(g)`` of a generator expression with conditions held in a name,
``g = (f(v) for v in e if c(v))``, searches the items for the first that matches
(explicit_iterators.py); in a try body that search is likewise the call of a function
made for it (``made_search``)."""

import builtins
import weakref

import gast

from ...core import syntax as S
from .closure_objects import _def, _made_function
from .scopes import own_nodes

_made = weakref.WeakKeyDictionary()     # function -> {(line, column): the function made for a comprehension}
_EAGER = (builtins.sum, builtins.list, builtins.tuple, builtins.sorted, builtins.min, builtins.max)
_WHOLE = (builtins.list, builtins.tuple, builtins.sorted)     # lowered to a loop over their argument
_COMPREHENSIONS = (gast.ListComp, gast.SetComp, gast.DictComp)
_UNFOLLOWED = (gast.NamedExpr, gast.Yield, gast.YieldFrom, gast.Await)
# methods of a list, dict or set changing it in place
_CHANGES = frozenset({"append", "extend", "insert", "pop", "remove", "clear", "update", "add", "discard",
                      "setdefault", "popitem", "sort", "reverse"})


def lift_comprehensions(normalizer, stmt):
    """Replace, in the body of the try statement ``stmt`` of the differentiated function
    (not of a function inlined into it, whose names are renamed and may be another
    module's), each comprehension the module doc describes by the call of the function
    made for it."""
    if not any(node is stmt for node in own_nodes(normalizer.source.tree)):
        return
    for node in own_nodes(gast.Module(body=stmt.body, type_ignores=[])):
        if isinstance(node, gast.Call):
            node.args = [_lifted(normalizer, arg, eager=normalizer.resolve_call(node) in _EAGER
                                 and len(node.args) == 1 and not node.keywords) for arg in node.args]
            node.keywords = [gast.keyword(arg=kw.arg, value=_lifted(normalizer, kw.value)) for kw in node.keywords]
        for field, value in gast.iter_fields(node):
            if isinstance(node, gast.Call):
                continue
            if isinstance(value, _COMPREHENSIONS) or _consumed_whole(normalizer, value):
                setattr(node, field, _lifted(normalizer, value))
            elif isinstance(value, list):
                value[:] = [_lifted(normalizer, item) for item in value]


def _consumed_whole(normalizer, node):
    """Whether ``node`` is ``list``, ``tuple`` or ``sorted`` of one comprehension or
    generator expression (``sorted`` with its ``key=`` and ``reverse=``; see the module doc)."""
    return isinstance(node, gast.Call) and len(node.args) == 1 and all(kw.arg for kw in node.keywords) \
        and isinstance(node.args[0], (gast.GeneratorExp, *_COMPREHENSIONS)) and normalizer.resolve_call(node) in _WHOLE


def _lifted(normalizer, node, eager=False):
    """The call standing for the comprehension ``node`` (or the call consuming one whole),
    or ``node`` as it is."""
    if eager and isinstance(node, gast.GeneratorExp):
        node = gast.copy_location(gast.ListComp(elt=node.elt, generators=node.generators), node)
    elif not (isinstance(node, _COMPREHENSIONS) or _consumed_whole(normalizer, node)):
        return node
    read = _passed(normalizer, node)
    if read is None:
        return node
    lifted = _over_objects(normalizer, node)
    made = _function_for(normalizer.source, node, ("comprehension", tuple(read), gast.dump(lifted)),
                         lambda: _def("comprehension", read, [gast.Return(value=lifted)], node))
    call = S.call(S.name(normalizer.bind_value(made, "comprehension")), [S.name(name) for name in read])
    return gast.copy_location(call, node)


def _over_objects(normalizer, node):
    """A copy of ``node`` in which each ``for`` over a name of the function holding an
    object whose ``__iter__`` astgrad follows goes over what that ``__iter__`` iterates,
    checked (and refused) as a loop over it whose body is the rest of the comprehension."""
    copied = S.copy(node)
    bound = {n.id for n in S.walk_nodes(node) if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load)}
    pairs = [(a, b) for a, b in zip(S.walk_nodes(node), S.walk_nodes(copied)) if isinstance(a, gast.comprehension)]
    for position, (step, step_copy) in enumerate(pairs):
        if not isinstance(step.iter, gast.Name) or step.iter.id in bound:
            continue
        rest = [*step.ifs, *(later.iter for later, _ in pairs[position + 1:]),
                *(c for later, _ in pairs[position + 1:] for c in later.ifs),
                *(getattr(node, field) for field in ("elt", "key", "value") if hasattr(node, field))]
        body = [gast.Expr(value=gast.Tuple(elts=rest, ctx=gast.Load()))]
        items = normalizer.iterated_object(step.iter, body)
        if items is not None:
            step_copy.iter = items
    return copied


def made_search(normalizer, generator, with_default):
    """(the function made for ``next(g[, default])`` of ``g = generator``, a generator
    expression of the differentiated function with one ``for`` and conditions, the
    variables to pass it after ``g`` and the position), or None where there is none::

        def search(items, start, w):            # (..., default) with a default
            for at in range(start, len(items)):
                v = items[at]
                if c(v):
                    return f(v), at + 1
            raise StopIteration                 # return default, len(items)
    """
    loop = generator.generators[0]
    read = _passed(normalizer, gast.Tuple(elts=[loop.target, generator.elt, *loop.ifs], ctx=gast.Load()))
    if read is None:
        return None
    taken = S.names_in(generator) | set(read)
    items, start, at, default = (_fresh(name, taken) for name in ("items", "start", "at", "default"))
    found = [gast.Return(value=gast.Tuple(elts=[S.copy(generator.elt), S.parse_expr(f"{at} + 1")],
                                          ctx=gast.Load()))]
    for condition in reversed(loop.ifs):
        found = [gast.If(test=S.copy(condition), body=found, orelse=[])]
    search = gast.For(target=S.name(at, store=True), iter=S.parse_expr(f"range({start}, len({items}))"),
                      body=[S.assign(S.copy(loop.target), S.parse_expr(f"{items}[{at}]"))] + found,
                      orelse=[], type_comment=None)
    end = S.parse_stmts(f"return {default}, len({items})" if with_default else "raise StopIteration")
    params = [items, start, *read] + ([default] if with_default else [])
    made = _function_for(normalizer.source, generator, ("search", tuple(read), with_default),
                         lambda: _def("search", params, [search, *end], generator))
    return made, read


def _passed(normalizer, node):
    """The variables of the function the expression ``node`` reads (sorted), which a
    function made for it takes as arguments; None where it cannot be made (see the
    module doc)."""
    inner = list(S.walk_nodes(node))
    if any(isinstance(sub, _UNFOLLOWED) for sub in inner):
        return None
    code = normalizer.source.fn.__code__
    own = {sub.id for sub in inner if isinstance(sub, gast.Name) and not isinstance(sub.ctx, gast.Load)}
    free = {sub.id for sub in inner if isinstance(sub, gast.Name) and isinstance(sub.ctx, gast.Load)} - own
    variables = set(code.co_varnames + code.co_cellvars)
    if free & (set(code.co_freevars) | set(normalizer.bindings) | (normalizer.locals - variables)):
        return None         # a variable of an enclosing function, or a name astgrad made, unknown there
    if any(isinstance(sub, gast.Attribute) and sub.attr in _CHANGES and isinstance(sub.value, gast.Name)
           and sub.value.id in variables for sub in inner):
        return None         # xs.append(v) for each item: it changes the function's list part-way
    return sorted(free & variables)


def _function_for(source, node, kind, definition):
    """The function made from ``definition()`` for the expression ``node`` of ``source``'s
    function (once per expression and ``kind``)."""
    key = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0), kind)
    table = _made.setdefault(source.fn, {})
    if key not in table:
        made = table[key] = _made_function(source, definition())
        made.__qualname__ = f"{source.fn.__qualname__}.<locals>.{kind[0]}"
    return table[key]


def _fresh(name, taken):
    while name in taken:
        name += "_"
    taken.add(name)
    return name
