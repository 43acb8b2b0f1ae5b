"""What a call handing back a new object hands its ``__init__``: the argument an array
stored as it is (``self.data = data``) comes from, for handed_arrays.py.

``a = Acc(buf)`` hands ``buf`` itself. ``c = p.child()`` (a method) and ``c = mk(buf)``
(a helper of the user's module) hand what the one ``return Cls(...)`` of the function
they run hands, read there: an array made new in that return (``return
Child(self.w.copy())``, ``return Acc(b * 1.0)``) is the object's alone; a parameter of a
helper handed on as it is (``return Acc(b)``) is the caller's argument for that
parameter. Anything else (``return Child(self.w)``, a parameter of a method, a function
with more than one return) is not known to be the object's alone: handed_arrays.py then
keeps the refusal. The call's own arguments are never matched to ``__init__``'s by
position alone (``p.make(w * 1.0)`` returning ``Child(self.w)`` hands ``self.w``)."""

import inspect

import gast

from ...core import syntax as S
from ...core.first_use import imported_when_called
from .class_functions import resolver, tree_of

made_new = imported_when_called(__package__ + ".fresh_items", "made_new")

FRESH = "fresh"         # the argument is made new in the function's return


def constructor_argument(call, cls, param, position, resolve, argument_of):
    """The expression of the caller's code handing ``__init__``'s parameter ``param``
    (``position`` after self), FRESH where the function ``call`` runs makes it new in its
    return, or None where neither is known. ``argument_of(call, param, position)`` reads
    a constructor call's argument (handed_arrays._argument)."""
    built = resolve(call)
    if built is cls or built is None and isinstance(call.func, gast.Name):
        return argument_of(call, param, position)       # Acc(buf), or a class local to the function
    fn = _function_run(call, resolve)
    tree = tree_of(fn) if fn is not None else None
    returned = _one_returned_call(tree) if tree is not None else None
    inner = argument_of(returned, param, position) if returned is not None else None
    if inner is None:
        return None
    if made_new(inner, resolver(fn, tree)):
        return FRESH
    if not isinstance(call.func, gast.Name) or not isinstance(inner, gast.Name):
        return None         # a method's own parameters and attributes: not followed back
    params = [a.id for a in tree.args.posonlyargs + tree.args.args]
    if inner.id not in params or tree.args.vararg or tree.args.kwarg or tree.args.kwonlyargs \
            or sum(isinstance(n, gast.Name) and n.id == inner.id for n in S.walk_nodes(tree)) != 2:
        return None         # (named as the parameter and in the return alone)
    return argument_of(call, inner.id, params.index(inner.id))


def _function_run(call, resolve):
    """The function ``p.child()`` or ``mk(buf)`` runs, where the normalizer knows it."""
    normalizer = getattr(resolve, "__self__", None)
    if normalizer is None:
        return None
    if isinstance(call.func, gast.Name):
        fn = resolve(call)
        return fn if inspect.isfunction(fn) and "." not in fn.__qualname__ else None
    found = normalizer.returning_method(call)
    return found[0] if found is not None else None


def _one_returned_call(tree):
    """The call the one ``return`` of ``tree`` returns, in a function with no nested
    function and no ``yield``; else None."""
    returns = []
    for node in S.walk_nodes(tree):
        if node is not tree and isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda,
                                                  gast.ClassDef, gast.Yield, gast.YieldFrom)):
            return None
        if isinstance(node, gast.Return):
            returns.append(node)
    if len(returns) != 1 or not isinstance(returns[0].value, gast.Call):
        return None
    return returns[0].value
