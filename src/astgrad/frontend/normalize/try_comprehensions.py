"""A comprehension in the body of a ``try`` with ``except``, as the call of a function made
for it::

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
``list``, ``tuple``, ``sorted``, ``min`` or ``max`` consumes whole, where it is written (as
the list comprehension it is then). Not one with ``:=`` (which binds in the function),
``yield`` or ``await``, one reading a variable of an enclosing function, or one changing
a list, dict or set of the function by its methods (``[acc.append(v) for v in xs]``,
which Python leaves changed part-way): those stay loops, refused in a try body. The function is read by astgrad at the comprehension's
lines, so errors name them."""

import builtins
import weakref

import gast

from ...core import syntax as S
from .closure_objects import _def, _made_function
from .scopes import own_nodes

_made = weakref.WeakKeyDictionary()     # function -> {(line, column): the function made for a comprehension}
_EAGER = (builtins.sum, builtins.list, builtins.tuple, builtins.sorted, builtins.min, builtins.max)
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
            if isinstance(value, _COMPREHENSIONS) and not isinstance(node, gast.Call):
                setattr(node, field, _lifted(normalizer, value))
            elif isinstance(value, list) and not isinstance(node, gast.Call):
                value[:] = [_lifted(normalizer, item) if isinstance(item, _COMPREHENSIONS) else item
                            for item in value]


def _lifted(normalizer, node, eager=False):
    """The call standing for the comprehension ``node``, or ``node`` as it is."""
    if eager and isinstance(node, gast.GeneratorExp):
        node = gast.copy_location(gast.ListComp(elt=node.elt, generators=node.generators), node)
    elif not isinstance(node, _COMPREHENSIONS):
        return node
    inner = list(S.walk_nodes(node))
    if any(isinstance(sub, _UNFOLLOWED) for sub in inner):
        return node
    code = normalizer.source.fn.__code__
    own = {sub.id for sub in inner if isinstance(sub, gast.Name) and not isinstance(sub.ctx, gast.Load)}
    free = {sub.id for sub in inner if isinstance(sub, gast.Name) and isinstance(sub.ctx, gast.Load)} - own
    variables = set(code.co_varnames + code.co_cellvars)
    if free & (set(code.co_freevars) | set(normalizer.bindings) | (normalizer.locals - variables)):
        return node         # a variable of an enclosing function, or a name astgrad made, unknown there
    if any(isinstance(sub, gast.Attribute) and sub.attr in _CHANGES and isinstance(sub.value, gast.Name)
           and sub.value.id in variables for sub in inner):
        return node         # xs.append(v) for each item: it changes the function's list part-way
    read = sorted(free & variables)
    made = _function_for(normalizer.source, node, read)
    call = S.call(S.name(normalizer.bind_value(made, "comprehension")), [S.name(name) for name in read])
    return gast.copy_location(call, node)


def _function_for(source, node, read):
    """The function made for the comprehension ``node`` of ``source``'s function, taking
    the variables ``read`` (once per comprehension)."""
    key = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0), tuple(read))
    table = _made.setdefault(source.fn, {})
    if key not in table:
        definition = _def("comprehension", read, [gast.Return(value=S.copy(node))], node)
        made = table[key] = _made_function(source, definition)
        made.__qualname__ = f"{source.fn.__qualname__}.<locals>.comprehension"
    return table[key]
