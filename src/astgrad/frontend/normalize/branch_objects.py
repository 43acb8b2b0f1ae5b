"""An object bound in both branches of an ``if`` (``if s > 0: a = Acc(x * 1.0) else: a
= Acc(x * 2.0)``, and ``a = Acc(x * 1.0) if s > 0 else Acc(x * 2.0)``), of a class whose
methods write into an attribute in place (``self.data[k] *= c``): one construction
whose argument is chosen by the test, ``a = Acc(x * 1.0 if s > 0 else x * 2.0)``.

Python evaluates the test, then the one argument of the branch taken, then runs
``__init__`` on a new object: the same as the one construction does, so the object is
then one bound once, which handed_arrays.py follows where the argument chosen is new in
either branch (``made_new`` of the conditional expression). Written so only where each
branch is that one statement and both build the same class, named alike, handed one
argument each in the same way (by position, or by the same keyword); an ``elif`` chain
of such branches becomes nested conditional expressions. An object holding an object
built in each branch (``a = ByItem(Inner(u))`` / ``a = ByItem(Inner(v))``, which no
one layout would tell otherwise) is joined the same way, at the argument where they part
(``a = ByItem(Inner(u if s > 0 else v))``), whatever its methods write. Any other form is
left as it is (and refused where the object's writes cannot be followed)."""

import gast

from ...core import syntax as S
from ...core.walk import inner_blocks
from .handed_arrays import changed_in_place


def join_branch_constructions(normalizer, tree):
    """Each such ``if`` statement and conditional expression of ``tree`` written as one
    construction (the module docstring). Whether one was."""
    return _join_in(normalizer, tree.body, {})


def _join_in(normalizer, body, changed):
    joined = False
    for position, stmt in enumerate(body):
        if isinstance(stmt, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            continue
        for inner in inner_blocks(stmt):
            joined |= _join_in(normalizer, inner, changed)      # an elif chain: the inner if first
        found = _joined(normalizer, stmt, changed)
        if found is not None:
            body[position] = gast.copy_location(found, stmt)
            joined = True
    return joined


def _joined(normalizer, stmt, changed):
    """``a = Cls(u if test else v)`` for ``stmt`` an ``if`` binding ``a = Cls(u)`` and
    ``a = Cls(v)`` as its two branches, or ``a = Cls(u) if test else Cls(v)``; else None."""
    if isinstance(stmt, gast.If) and len(stmt.body) == len(stmt.orelse) == 1 \
            and all(_binds_one_name(s) for s in stmt.body + stmt.orelse) \
            and stmt.body[0].targets[0].id == stmt.orelse[0].targets[0].id:
        target, test, first, second = stmt.body[0].targets[0], stmt.test, stmt.body[0].value, stmt.orelse[0].value
    elif _binds_one_name(stmt) and isinstance(stmt.value, gast.IfExp):
        target, test, first, second = stmt.targets[0], stmt.value.test, stmt.value.body, stmt.value.orelse
    else:
        return None
    if not _alike(normalizer, first, second):
        return None
    cls = normalizer.built_class_of(first)
    if cls not in changed:
        changed[cls] = changed_in_place(cls)
    nested = _alike(normalizer, _only_argument(first), _only_argument(second))
    if not changed[cls] and not nested:
        return None         # nothing written in place: the two bindings are followed as they are
    return S.assign(target, _chosen(normalizer, test, first, second))


def _alike(normalizer, first, second):
    """Whether ``first`` and ``second`` build the same class of the user's, named alike,
    handed one argument each in the same way."""
    return _one_argument_call(first) and _one_argument_call(second) \
        and S.dotted_path(first.func) is not None and S.dotted_path(first.func) == S.dotted_path(second.func) \
        and [kw.arg for kw in first.keywords] == [kw.arg for kw in second.keywords] \
        and normalizer.built_class_of(first) is not None \
        and normalizer.built_class_of(second) is normalizer.built_class_of(first)


def _chosen(normalizer, test, first, second):
    """One construction for ``first`` and ``second`` (alike), the argument chosen by
    ``test`` where they part: ``Outer(Inner(u if test else v))`` for ``Outer(Inner(u))``
    and ``Outer(Inner(v))``, an object holding an object built in each branch (Python
    builds the inner object, then the outer, from the argument of the branch taken)."""
    first_argument, second_argument = _only_argument(first), _only_argument(second)
    if _alike(normalizer, first_argument, second_argument):
        chosen = _chosen(normalizer, test, first_argument, second_argument)
    else:
        chosen = gast.IfExp(test=test, body=first_argument, orelse=second_argument)
    call = gast.Call(func=first.func, args=[chosen] if first.args else [],
                     keywords=[gast.keyword(arg=first.keywords[0].arg, value=chosen)] if first.keywords else [])
    return gast.copy_location(call, first)


def _binds_one_name(stmt):
    return isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)


def _one_argument_call(node):
    return isinstance(node, gast.Call) and len(node.args) + len(node.keywords) == 1 \
        and not any(isinstance(a, gast.Starred) for a in node.args) and all(kw.arg for kw in node.keywords)


def _only_argument(call):
    return call.args[0] if call.args else call.keywords[0].value
