"""Whether a method of a class of the user's only reads its object: ``def norm(self):
return np.sqrt(np.sum(self.d ** 2))``. factory_calls.py folds a helper that checks its
input before it builds such an object into the caller only where the methods the
function calls on the object are of this kind, so nothing written in place goes by
another path than the one it took before.

The answer is narrow on purpose: a body of plain bindings of names and a ``return``,
its calls only of functions with rules that write into none of their arguments; anything
else (an item store, ``op=``, a method of an attribute, a branch, a hook such as
``__setattr__``) is "may write"."""

import builtins
import inspect

import gast

from ...core import syntax as S
from ...rules import registry
from .class_functions import tree_of

_HOOKS = ("__getattr__", "__getattribute__", "__setattr__")


def only_reads(cls, name):
    """Whether the method ``name`` of ``cls`` changes nothing in place (as above)."""
    if any(hook in vars(klass) for klass in cls.__mro__[:-1] for hook in _HOOKS):
        return False
    method = inspect.getattr_static(cls, name, None)
    if not inspect.isfunction(method) or method.__closure__ is not None:
        return False
    tree = tree_of(method)
    if tree is None or tree.decorator_list:
        return False
    for stmt in tree.body:
        if isinstance(stmt, gast.Assign):
            if not all(isinstance(t, gast.Name) for t in stmt.targets):
                return False
        elif not isinstance(stmt, (gast.Return, gast.Pass, gast.Expr)) \
                or isinstance(stmt, gast.Expr) and not isinstance(stmt.value, gast.Constant):
            return False
    return all(_call_reads(node, method.__globals__) for node in S.walk_nodes(tree)
               if isinstance(node, gast.Call)) \
        and not any(isinstance(n, (gast.Lambda, gast.NamedExpr, gast.Yield, gast.YieldFrom, gast.Await,
                                   gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp))
                    for n in S.walk_nodes(tree))


def _call_reads(call, globals_):
    """Whether ``call`` is of a global function (``np.sum``) with a rule writing into
    none of its arguments, given no ``out=``."""
    path = S.dotted_path(call.func)
    if path is None or any(kw.arg in ("out", None) for kw in call.keywords):
        return False
    value = globals_.get(path[0], getattr(builtins, path[0], None))
    for attr in path[1:]:
        value = getattr(value, attr, None)
    try:
        record = registry.primitive(value)
    except TypeError:               # an unhashable callable is none of them
        return False
    return record is not None and record.mutates is None
