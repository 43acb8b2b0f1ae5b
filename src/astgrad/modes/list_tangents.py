"""Forward mode on lists: NumPy reads a list operand of a ufunc or of an operator beside an
array as an array, so a rule's arithmetic must read the operand's tangent (a list of
tangents) as that array too: ``d_x * 2.0 * x`` would repeat the list, or refuse it.
``runtime.list_rows`` does, for the operands that may hold a list."""

import operator

import gast
import numpy

from .. import argument_kinds, runtime
from ..core import anno, ops
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key

# operators whose result is an array where one operand is a list and the other an array
_ARRAY_OPERATORS = frozenset({operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
                              operator.matmul, operator.floordiv, operator.mod})


class ListTangents:
    """The names of a function body that may hold a list, and the tangents read as arrays."""

    def __init__(self, body, params, kinds, known_arrays):
        self.may_hold = may_hold_lists(body, params, kinds) - set(known_arrays)
        self.primal_of = {}         # the name of a tangent read as an array -> its primal

    def drop_for(self, body, params, kinds):
        """``body`` with each tangent read as an array whose primal the argument ``kinds``
        show holds no list (code specialized to arrays and numbers) read as it is."""
        if not self.primal_of or not kinds:
            return body
        may_hold = may_hold_lists(body, params, kinds)

        def plain(stmt):
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                    and self.primal_of.get(stmt.targets[0].id, "") not in may_hold \
                    and stmt.targets[0].id in self.primal_of and isinstance(stmt.value, gast.Call):
                stmt.value = stmt.value.args[0]
            return stmt
        return walk.rewrite_blocks(body, plain)

    def as_arrays(self, op, args, result, tangent_of, namer, helper_call):
        """({operand: the name of its tangent as an array}, the statements making those)
        for the operands of ``op`` (a call with result ``result``) that may be lists."""
        if not (isinstance(op.key, numpy.ufunc) or op.key in _ARRAY_OPERATORS) \
                or op.key in _ARRAY_OPERATORS and _never_beside_an_array(args):
            return {}, []
        renamed, made = {}, []
        for atom in args:
            if not isinstance(atom, gast.Name) or atom.id in renamed or atom.id == result \
                    or atom.id not in self.may_hold or tangent_of(atom) is None:
                continue
            renamed[atom.id] = namer.fresh(tangent_of(atom) + "_rows")
            self.primal_of[renamed[atom.id]] = atom.id
            made.append(S.assign(renamed[atom.id], helper_call("list_rows", [S.name(tangent_of(atom)),
                                                                             S.name(result)])))
        return renamed, made


def may_hold_lists(body, params, kinds):
    """The names that may hold a list or tuple when read: parameters not known (by
    ``kinds``) to be arrays or numbers, and names assigned a display, a comprehension, a
    list operation, an item, an attribute or what a call that is not NumPy's returns."""
    definitions = {}
    for stmt in walk.walk_statements(body):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            definitions.setdefault(stmt.targets[0].id, []).append(stmt.value)
        elif isinstance(stmt, gast.Assign):
            for name in S.stored_names(stmt.targets[0]):
                definitions.setdefault(name, []).append(None)
        elif isinstance(stmt, gast.For) and not _over_range(stmt):
            for name in S.stored_names(stmt.target):
                definitions.setdefault(name, []).append(None)
    found = {p for p in params
             if not (argument_kinds.is_array(kinds.get(p)) or kinds.get(p) in ("float", "int"))}
    changed = True
    while changed:
        changed = False
        for name, values in definitions.items():
            if name not in found and any(_may_be_list(value, found) for value in values):
                found.add(name)
                changed = True
    return found


def _may_be_list(value, names):
    """Whether ``value`` may be a list or tuple, where the names that may are ``names``."""
    if value is None or isinstance(value, (gast.List, gast.Tuple, gast.ListComp, gast.Subscript, gast.Attribute)):
        return True
    if isinstance(value, gast.Name):
        return value.id in names
    if isinstance(value, gast.BinOp):       # a list repeated by an int, or concatenated
        if isinstance(value.op, gast.Mult) and any(_float_constant(side) for side in (value.left, value.right)):
            return False
        return isinstance(value.op, (gast.Add, gast.Mult)) and \
            (_may_be_list(value.left, names) or _may_be_list(value.right, names))
    if isinstance(value, gast.Call):
        operands = ops.in_place_operands(value)
        if operands is not None:
            return _may_be_list(operands[0], names)
        target = anno.get(value, Key.TARGET)
        module = getattr(target, "__module__", None) or ""
        return not (isinstance(target, numpy.ufunc) or module == "math" or module.split(".")[0] == "numpy"
                    or target is runtime.zeros_like)
    return not isinstance(value, (gast.Constant, gast.Compare, gast.UnaryOp))


def _never_beside_an_array(operands):
    """Whether a list operand of an operator on ``operands`` is never read as an array:
    beside a number written in the source (``xs * 2.0`` raises TypeError, ``xs * 2``
    repeats the list) or beside itself (``xs * xs`` raises, ``xs + xs`` concatenates)."""
    names = [atom.id for atom in operands if isinstance(atom, gast.Name)]
    return any(map(_python_number, operands)) or len(names) == len(operands) and len(set(names)) == 1


def _python_number(node):
    return isinstance(node, gast.Constant) and type(node.value) in (int, float, complex, bool)


def _float_constant(node):
    return isinstance(node, gast.Constant) and type(node.value) in (float, complex)


def _over_range(loop):
    return anno.get(loop, Key.RANGE_LOOP, False) or isinstance(loop.iter, gast.Call) \
        and anno.get(loop.iter, Key.TARGET) is range
