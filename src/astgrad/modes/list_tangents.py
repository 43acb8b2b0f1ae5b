"""Forward mode on lists: NumPy reads a list operand of a ufunc or of an operator beside an
array as an array, so a rule's arithmetic must read the operand's tangent (a list of
tangents) as that array too: ``d_x * 2.0 * x`` would repeat the list, or refuse it.
``runtime.list_rows`` does, for the operands that may hold a list.

The general code (made for no argument kinds) runs for arguments of any kind, so each of
its parameters may hold a list. Code specialized to argument kinds (see argument_kinds)
is called with lists only for parameters of kind ``"list"``: a function of arrays and
numbers reads no tangent through ``list_rows`` there, and its code for arguments of no
kind of their own (an empty kinds part, the code ``python -m astgrad show`` prints) reads
only those of names that may hold a list whatever the arguments (an item, an attribute,
a display)."""

import collections
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


# runtime helpers whose result is never a list (a sum's adjoint: an array)
_NEVER_LISTS = (runtime.unreduce,)
# runtime helpers whose result is a list only where an argument is one (a gradient's code;
# zeros_like of a list is a list of zeros)
_SHAPED_LIKE_ARGUMENTS = (runtime.zeros_like, runtime.unbroadcast, runtime.broadcast_like, runtime.in_place)


class ListTangents:
    """The names of a function body that may hold a list, and the tangents read as arrays."""

    def __init__(self, body, params, kinds, known_arrays):
        """For ``kinds`` (parameter -> kind; None: the general code, for any arguments)."""
        self.may_hold = may_hold_lists(body, params, kinds) - set(known_arrays)
        self.primal_of = {}         # the name of a tangent read as an array -> its primal

    @classmethod
    def none(cls):
        """Those of a body without tangents (nothing varies): no name is looked at."""
        lists = cls.__new__(cls)
        lists.may_hold, lists.primal_of = set(), {}
        return lists

    def drop_for(self, body, params, kinds):
        """``body`` with each tangent read as an array whose primal the argument ``kinds``
        show holds no list (specialized code: see the module docstring) read as it is;
        ``kinds`` None: the general code, which reads them all through ``list_rows``."""
        if not self.primal_of or kinds is None:
            return body
        may_hold = may_hold_lists(body, params, kinds)
        plain = {rows for rows, primal in self.primal_of.items() if primal not in may_hold}
        if not plain:
            return body
        names = S.name_nodes(gast.Module(body=body, type_ignores=[]))
        loads = collections.Counter(node.id for node in names if isinstance(node.ctx, gast.Load))
        stored_once = {rows for rows, count in collections.Counter(node.id for node in names).items()
                       if rows in plain and count == loads[rows] + 1}
        return _tangents_read_as_they_are(body, plain, (loads, stored_once))

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


def _tangents_read_as_they_are(block, plain, counts):
    """``block`` without the statements ``rows = list_rows(d_x, t)`` of the names ``plain``:
    the statements after it read ``d_x`` for ``rows`` (where ``d_x`` is not assigned
    before the last of them, which ``counts`` tell: see _read_instead); else ``rows = d_x``
    is kept."""
    kept = []
    for at, stmt in enumerate(block):
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                setattr(stmt, field, _tangents_read_as_they_are(inner, plain, counts))
        for handler in getattr(stmt, "handlers", ()):
            handler.body = _tangents_read_as_they_are(handler.body, plain, counts)
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                and stmt.targets[0].id in plain and isinstance(stmt.value, gast.Call):
            tangent = stmt.value.args[0]
            if _read_instead(block[at + 1:], stmt.targets[0].id, tangent.id, counts):
                continue
            stmt.value = tangent
        kept.append(stmt)
    return kept


def _read_instead(after, rows, tangent, counts):
    """Make the statements ``after`` read ``tangent`` for ``rows``, where each read of
    ``rows`` comes before ``tangent`` is assigned again. ``counts``: (name -> its reads in
    the whole body, the names of ``plain`` written only by their ``list_rows`` statement):
    once all the reads of such a name are found, no statement after holds it, so the walk
    stops there (not at the end of the block: one walk of the rest per ``list_rows``)."""
    loads, stored_once = counts
    reads = []
    for stmt in after:
        if rows in stored_once and len(reads) == loads[rows]:
            break
        stores = tangent in S.stored_names(stmt)
        if stores and hasattr(stmt, "body"):
            break           # a loop or a branch: a read in it may come after the store
        reads += [node for node in S.name_nodes(stmt) if node.id == rows]
        if stores:
            break
    if len(reads) != loads[rows]:
        return False
    for node in reads:
        node.id = tangent
    return True


def may_hold_lists(body, params, kinds):
    """The names that may hold a list or tuple when read: parameters that may be given one
    (any, for the general code: ``kinds`` None; else those of kind ``"list"``), and names
    assigned a display, a comprehension, a list operation, an item, an attribute or what a
    call that is not NumPy's returns."""
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
    found = set(params) if kinds is None else {p for p in params if kinds.get(p) == argument_kinds.LIST}
    stacks = _stacks(body, definitions, params)
    # a worklist, not rounds until nothing changes: a value's answer depends on ``found`` only
    # through the names it asks about, and only turns true as ``found`` grows, so a name is
    # looked at again only when a name its values asked about is found (the same least set)
    waiting, todo = {}, []        # name -> the names not found whose values asked about it
    for name, values in definitions.items():
        if name not in found:
            _look_at(name, values, found, stacks, waiting, todo)
    while todo:
        for name in waiting.pop(todo.pop(), ()):
            if name not in found:
                _look_at(name, definitions[name], found, stacks, waiting, todo)
    return found


def _look_at(name, values, found, stacks, waiting, todo):
    """Add ``name`` to ``found`` (and to ``todo``) if one of its ``values`` may be a list;
    else note it in ``waiting`` under each name its values asked about."""
    asked = _Asked(found)
    if any(_may_be_list(value, asked, stacks) for value in values):
        found.add(name)
        todo.append(name)
    else:
        for read in asked.names:
            waiting.setdefault(read, []).append(name)


class _Asked:
    """The names found so far, as ``_may_be_list`` reads them (``name in names``), noting
    each name asked about: the names its answer depends on."""

    __slots__ = ("found", "names")

    def __init__(self, found):
        self.found, self.names = found, []

    def __contains__(self, name):
        self.names.append(name)
        return name in self.found


def _stacks(body, definitions, params):
    """name -> the values appended to it, for the names used only as a stack (the stacks
    of a gradient's forward sweep, which forward over reverse reads): assigned only ``[]``,
    and read only by ``s.append(v)``, ``s.pop()``, ``s[-1]`` and ``zeros_like(s)`` (forward
    mode's own tangent stack). An item popped from one may be a list only where a value
    appended may."""
    candidates = {name for name, values in definitions.items()
                  if name not in params and all(isinstance(value, gast.List) and not value.elts for value in values)}
    if not candidates:
        return {}
    uses, appended = {}, {name: [] for name in candidates}
    known = {name: len(definitions[name]) for name in candidates}       # the stores s = []
    # one walk as a list, in gast.walk's order but the operators and contexts (a third of
    # the nodes), which are none of the names, calls and items looked for (gast.walk's two
    # generators per node made this walk 3-4% of forward over reverse's instructions)
    name_type, read_types = gast.Name, (gast.Call, gast.Subscript)
    for node in S.operand_nodes(gast.Module(body=body, type_ignores=[])):
        kind = node.__class__
        if kind is name_type:
            if node.id in candidates:
                uses[node.id] = uses.get(node.id, 0) + 1
            continue
        if kind not in read_types:
            continue
        stack = _stack_read(node, candidates)
        if stack is not None:
            known[stack] += 1
            if isinstance(node, gast.Call) and getattr(node.func, "attr", None) == "append":
                appended[stack].append(node.args[0])
    return {name: appended[name] for name in candidates if uses.get(name, 0) == known[name]}


def _stack_read(node, candidates):
    """The name among ``candidates`` that ``node`` appends to, pops, reads the last item of
    or makes zeros like (``s.append(v)``, ``s.pop()``, ``s[-1]``, ``zeros_like(s)``), or None."""
    if isinstance(node, gast.Call) and len(node.args) == 1 and isinstance(node.args[0], gast.Name) \
            and node.args[0].id in candidates and anno.get(node, Key.TARGET) is runtime.zeros_like:
        return node.args[0].id
    called = _stack_method(node, candidates)
    if called is not None and called[1:] == ("append", 1):
        return called[0]
    return _stack_item(node, candidates)


def _stack_item(node, candidates):
    """The name among ``candidates`` that ``node`` pops or reads the last item of
    (``s.pop()``, ``s[-1]``), or None."""
    called = _stack_method(node, candidates)
    if called is not None and called[1:] == ("pop", 0):
        return called[0]
    if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Load) and isinstance(node.value, gast.Name) \
            and node.value.id in candidates and isinstance(node.slice, gast.Constant) and node.slice.value == -1:
        return node.value.id
    return None


def _stack_method(node, candidates):
    """(the name among ``candidates``, the method, how many arguments) where ``node``
    calls a method of that name with no keywords (``s.append(v)``), else None."""
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and not node.keywords \
            and isinstance(node.func.value, gast.Name) and node.func.value.id in candidates:
        return node.func.value.id, node.func.attr, len(node.args)
    return None


def _may_be_list(value, names, stacks):
    """Whether ``value`` may be a list or tuple, where the names that may are ``names``
    and ``stacks`` holds the values appended to each stack."""
    popped = _stack_item(value, stacks)
    if popped is not None:
        return any(_may_be_list(item, names, stacks) for item in stacks[popped])
    if value is None or isinstance(value, (gast.List, gast.Tuple, gast.ListComp, gast.Subscript, gast.Attribute)):
        return True
    if isinstance(value, gast.Name):
        return value.id in names
    if isinstance(value, gast.BinOp):       # a list repeated by an int, or concatenated
        if isinstance(value.op, gast.Mult) and any(_float_constant(side) for side in (value.left, value.right)):
            return False
        return isinstance(value.op, (gast.Add, gast.Mult)) and \
            (_may_be_list(value.left, names, stacks) or _may_be_list(value.right, names, stacks))
    if isinstance(value, gast.Call):
        operands = ops.in_place_operands(value)
        if operands is not None:
            return _may_be_list(operands[0], names, stacks)
        target = anno.get(value, Key.TARGET)
        if any(target is helper for helper in _SHAPED_LIKE_ARGUMENTS):     # (a target may not hash)
            return any(_may_be_list(arg, names, stacks) for arg in value.args + [kw.value for kw in value.keywords])
        module = getattr(target, "__module__", None) or ""
        return not (isinstance(target, numpy.ufunc) or module == "math" or module.split(".")[0] == "numpy"
                    or any(target is helper for helper in _NEVER_LISTS))
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
