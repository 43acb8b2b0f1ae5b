"""Names for an array that NumPy gives back as it is: ``z = numpy.asarray(y)`` (also with
``dtype=`` the array's own, ``numpy.asanyarray(y)``, ``numpy.array(y, copy=False)``) is
``y`` itself, and ``y.real`` of a real array is a view of all of ``y``. A write into ``z``
(or ``y.real[0] = v``) changes ``y``, so each is rewritten, before views.py, as what
astgrad follows, with a check when the code runs that NumPy does give the array itself:

    z = numpy.asarray(y)    ──►   returns_itself(numpy.asarray(y), y, "f.py:5", "...")
                                  z = y                 (a plain alias, followed)
    y.real[0] = v           ──►   real_is_itself(y, "f.py:6", "y")
                                  y[0] = v

``returns_itself`` refuses a call that made a new array (of a list, or of another dtype:
a write into ``z`` would then leave ``y`` without it); ``real_is_itself`` a complex
array. ``z = numpy.asarray(y)`` is rewritten only where ``z`` is written into, and ``y``
is a local name every binding of which makes an array (arithmetic, a NumPy call, a copy),
so code reading ``z`` alone is generated as before.
"""

import gast
import numpy

from ... import runtime
from ...core import syntax as S
from .copied_view_writes import at_line
from .scopes import parameters

_ITSELF = (numpy.asarray, numpy.asanyarray)


def same_array_statements(normalizer, stmt, facts):
    """The statements replacing ``stmt`` (see the module doc); None where it is neither
    form. ``facts``: the function's ``ArrayFacts``."""
    if isinstance(stmt, (gast.Assign, gast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target]
        if len(targets) == 1 and _real_part_write(targets[0]):
            array = targets[0].value.value
            where = normalizer.source.place(stmt)
            check = S.expr_stmt(normalizer.runtime_call(runtime.real_is_itself, [
                S.name(array.id), S.const(where), S.const(array.id)]))
            targets[0].value = S.name(array.id)
            return [at_line(check, stmt), stmt]
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
        return None
    call, alias = stmt.value, stmt.targets[0].id
    if not (isinstance(call, gast.Call) and call.args and isinstance(call.args[0], gast.Name)
            and alias in facts.written and facts.makes_arrays(call.args[0].id)):
        return None
    form = _itself_if_array(normalizer, call)
    if form is None:
        return None
    given = call.args[0].id
    where = normalizer.source.place(stmt)
    check = S.expr_stmt(normalizer.runtime_call(runtime.returns_itself, [
        S.name(given), S.const(form[0]), S.const(form[1]), S.const(where), S.const(_shown(call))]))
    return [at_line(check, stmt), at_line(S.assign(alias, S.name(given)), stmt)]


class ArrayFacts:
    """What ``same_array_statements`` asks about a function: the names written into
    (``z[k] = v``, ``z op= v``) and whether every binding of a name makes an array."""

    def __init__(self, tree, nodes):
        self.params = set(parameters(tree))
        self.written, self.bindings = set(), {}
        for node in nodes:
            if isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name):
                self.written.add(node.target.id)
            targets = node.targets if isinstance(node, gast.Assign) else [node.target] \
                if isinstance(node, (gast.AugAssign, gast.For)) else []
            for target in targets:
                if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
                    self.written.add(target.value.id)
                for name in (n for n in S.walk_nodes(target) if isinstance(n, gast.Name)
                             and isinstance(n.ctx, gast.Store)):
                    value = node.value if isinstance(node, gast.Assign) and target is name else None
                    self.bindings.setdefault(name.id, []).append(value)

    def makes_arrays(self, name, seen=frozenset()):
        """Whether ``name`` is a local each binding of which makes an array: arithmetic
        (``x * 1.0``; ``+`` and ``*``, which join or repeat lists, with a number or an
        array made so), a call of a NumPy function, or ``.copy()``."""
        values = self.bindings.get(name)
        return name not in self.params and name not in seen and bool(values) \
            and all(self._makes_array(v, seen | {name}) for v in values)

    def _makes_array(self, value, seen):
        if isinstance(value, gast.UnaryOp):
            return True
        if isinstance(value, gast.BinOp):
            return not isinstance(value.op, (gast.Add, gast.Mult)) or any(
                isinstance(side, gast.Constant) and type(side.value) is float or self._makes_array(side, seen)
                or isinstance(side, gast.Name) and self.makes_arrays(side.id, seen) for side in (value.left, value.right))
        if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute):
            func = value.func
            if func.attr == "copy" and not value.args:
                return isinstance(func.value, gast.Name) and self.makes_arrays(func.value.id, seen)
            return isinstance(func.value, gast.Name) and func.value.id in ("np", "numpy") and func.attr not in (
                "asarray", "asanyarray", "array")
        return False


def _real_part_write(target):
    """Whether ``target`` is ``y.real[k]``, ``y`` a name."""
    return isinstance(target, gast.Subscript) and isinstance(target.value, gast.Attribute) \
        and target.value.attr == "real" and isinstance(target.value.value, gast.Name)


def _itself_if_array(normalizer, call):
    """(the function's name, the dtype's name or None) where ``call`` is
    ``numpy.asarray(y)`` (or ``asanyarray``, with a dtype named by a constant too), or
    ``numpy.array(y, copy=False)``: ``y`` itself where it is an array of that dtype; else
    None. (The dtype is read now, so the check names no global the derivative holds.)"""
    found = normalizer.resolve_call(call)
    keywords = {k.arg: k.value for k in call.keywords}
    if any(found is f for f in _ITSELF):
        if len(call.args) + len(keywords) > 2 or not set(keywords) <= {"dtype"}:
            return None
        dtype = keywords.get("dtype", call.args[1] if len(call.args) == 2 else None)
    elif found is numpy.array and len(call.args) == 1 and set(keywords) <= {"dtype", "copy"} \
            and isinstance(keywords.get("copy"), gast.Constant) and keywords["copy"].value is False:
        dtype = keywords.get("dtype")
    else:
        return None
    if dtype is None or isinstance(dtype, gast.Constant) and dtype.value is None:
        return found.__name__, None
    named = dtype.value if isinstance(dtype, gast.Constant) else \
        normalizer.resolve_call(gast.Call(func=dtype, args=[], keywords=[]))
    try:
        return found.__name__, numpy.dtype(named).str
    except TypeError:
        return None


def _shown(call):
    """The call as the user wrote it, for the refusal's words."""
    import ast
    return ast.unparse(gast.gast_to_ast(call)) if hasattr(ast, "unparse") else "numpy.asarray(...)"
