"""Which primal statements may raise, so that dead-code elimination keeps them.

Python's semantics are the spec: where calling ``f(x)`` raises, its derivative has no
value either. A derivative keeps only what it needs, and a statement it does not need
is dead code; but removing a statement that raises would make the derivative return
where ``f`` raises. So each primal statement (core form, before a mode transforms it)
that may raise is marked ``Key.MAY_RAISE`` with the reason, and the dead-code
elimination (``backend.dead_code``) keeps a marked statement, its value unread, unless
the optimizer's facts prove it cannot raise. The mark travels with the statement into
the derivative (``syntax.copy`` keeps annotations); adjoint statements have none.

A statement may raise where it

- reads a local name that may be unbound on the path taken (``if c: k = 1.0`` then
  ``x * k``): ``UnboundLocalError``;
- indexes (``v[i]``) with anything but slices: ``IndexError``, ``KeyError``,
  ``TypeError`` (a slice of an array, list or tuple never raises);
- combines two names elementwise (``a + b``, ``a < b``): broadcasting arrays whose
  shapes do not fit raises ``ValueError``; kept unless one operand surely holds a
  number (a full reduction, a constant) or the shape facts of the optimizer prove the
  operands' shapes equal or one of them ();
- calls a function that validates its arguments (``numpy.reshape`` to another size,
  ``@`` and ``numpy.dot`` of mismatched shapes, ``numpy.linalg`` on a singular matrix,
  ``int("x")``).

What is kept is the statement that raises, as an expression statement whose value
nothing reads, under a comment saying why (``backend.dead_code``); what it reads is
kept with it. Not marked, as they cannot raise where the function does not: a reverse
loop's recomputed copies of primal statements (the forward sweep's raise first), a
tape's recording (it ran), and in a derivative differentiated again (higher order)
the derivative code its seeds flow into (its primal statements keep their marks). Not marked (and
so still dropped where unused): other calls, division of Python numbers by zero,
attribute reads.
"""

import gast
import numpy

from ..core import anno
from ..core import walk
from ..core import syntax as S
from ..core.anno import Key
from . import shapes
from .. import runtime

_AN_INT = gast.Constant(value=0, kind=None)       # what a range loop binds its target to, as a value

UNBOUND = "unbound"
INDEX = "index"
BROADCAST = "broadcast"
VALIDATES = "validates"

# calls that check their arguments' values or shapes (a reshape to another size, a
# singular matrix, int("x")): the call is the check
_VALIDATING = frozenset({numpy.reshape, numpy.dot, numpy.matmul, numpy.linalg.inv, numpy.linalg.solve,
                         numpy.linalg.cholesky, numpy.linalg.det, numpy.linalg.slogdet, numpy.linalg.eigh,
                         numpy.linalg.pinv, numpy.linalg.lstsq, numpy.linalg.svd, int, float})
_VALIDATING_METHODS = frozenset({"reshape", "dot"})

_ELEMENTWISE = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.FloorDiv, gast.Mod, gast.Pow,
                gast.BitAnd, gast.BitOr, gast.BitXor)


def mark_raising(body, params, fn=None, seeds=()):
    """Mark (``Key.MAY_RAISE``) the statements of the core-form ``body`` (of a function
    with parameters ``params``, the keyword-only ones ``seeds``) that may raise, by the
    module doc. Not for ``fn`` (the function object) a tape's recording
    (``__astgrad_ran__``): it is differentiated after it ran, on what it ran on, so
    nothing in it raises."""
    if getattr(fn, "__astgrad_ran__", False):
        return
    values = _bound_values(body)
    assigned = values.keys() - set(params)
    kept_params = [param for param in params if param not in values]     # the shape they came with
    parts = _broadcast_parts(body, kept_params, assigned, values)
    if getattr(fn, "__astgrad_generated__", False) and seeds:
        # a derivative differentiated again: its own derivative code (what the seeds
        # flow into) raises only where its primal code, which keeps its marks, does
        derived = _flowing_from(body, seeds)
        parts = _Derived(parts, derived)
    _block(body, set(params), assigned, parts)


def _block(block, definite, assigned, parts):
    """Walk ``block`` with ``definite`` (a set, updated) the names surely bound on entry;
    ``parts``: see ``_broadcast_parts``."""
    for stmt in block:
        if isinstance(stmt, gast.If):
            _reads_unbound(stmt, S.loaded_names(stmt.test), definite, assigned)
            body, orelse = set(definite), set(definite)
            _block(stmt.body, body, assigned, parts)
            _block(stmt.orelse, orelse, assigned, parts)
            # after a try the normalized code binds again, where the handler ran, what its
            # body bound (which of its statements ran is not followed here)
            definite |= body | orelse if anno.get(stmt, Key.CATCHES, False) else body & orelse
        elif isinstance(stmt, (gast.For, gast.While)):
            header = stmt.iter if isinstance(stmt, gast.For) else stmt.test
            _reads_unbound(stmt, S.loaded_names(header), definite, assigned)
            inner = set(definite)
            if isinstance(stmt, gast.For):
                inner |= S.stored_names(stmt.target)
            _block(stmt.body, inner, assigned, parts)      # the body may not run: nothing added
        else:
            _mark_simple(stmt, definite, assigned, parts)
            target = stmt.targets[0] if isinstance(stmt, gast.Assign) else None
            if type(target) is gast.Name:
                definite.add(target.id)
            elif target is not None and not isinstance(target, gast.Subscript):
                definite |= S.stored_names(target)


def _reads_unbound(stmt, names, definite, assigned):
    unbound = sorted(name for name in names if name in assigned and name not in definite)
    if unbound:
        anno.set(stmt, Key.MAY_RAISE, (UNBOUND, unbound[0]))
        definite.update(unbound)        # read once: it raised there, or is bound from here
        return True
    return False


def _mark_simple(stmt, definite, assigned, parts):
    if not isinstance(stmt, gast.Assign):
        _reads_unbound(stmt, S.loaded_names(stmt), definite, assigned)
        return
    value = stmt.value
    kind = type(value)
    if kind is gast.Constant:
        return
    names = S.loaded_names(value)
    if type(stmt.targets[0]) is gast.Subscript:
        names |= S.loaded_names(stmt.targets[0])
    if _reads_unbound(stmt, names, definite, assigned) or type(parts) is _Derived and names & parts.derived:
        return
    if kind is gast.BinOp:
        if isinstance(value.op, _ELEMENTWISE):
            _mark_broadcast(stmt, value.left, value.right, parts)
        elif type(value.op) is gast.MatMult:
            anno.set(stmt, Key.MAY_RAISE, (VALIDATES,))
    elif kind is gast.Call:
        if _validating_call(value):
            anno.set(stmt, Key.MAY_RAISE, (VALIDATES,))
    elif kind is gast.Subscript:
        if not _slices_only(value.slice):
            anno.set(stmt, Key.MAY_RAISE, (INDEX,))
    elif kind is gast.Compare and len(value.comparators) == 1 \
            and not isinstance(value.ops[0], (gast.Is, gast.IsNot, gast.In, gast.NotIn)):
        _mark_broadcast(stmt, value.left, value.comparators[0], parts)


def _validating_call(value):
    method = anno.get(value, Key.METHOD)
    return method in _VALIDATING_METHODS if method is not None else anno.get(value, Key.TARGET) in _VALIDATING


def _mark_broadcast(stmt, left, right, parts):
    if not (isinstance(left, gast.Name) and isinstance(right, gast.Name)) or left.id == right.id:
        return          # a constant operand is a number; a shape broadcasts with itself
    first, second = parts.get(left.id), parts.get(right.id)
    if first is not None and second is not None and (first <= second or second <= first):
        return
    bounds = parts.bounds
    if first is not None and bounds.get(right.id, first | {None}) <= first \
            or second is not None and bounds.get(left.id, second | {None}) <= second:
        return      # each value of one has the shape of some of the other's parts
    anno.set(stmt, Key.MAY_RAISE, (BROADCAST, left.id, right.id))


_FULL_REDUCTIONS = frozenset({numpy.sum, numpy.mean, numpy.prod, numpy.max, numpy.min, numpy.amax, numpy.amin,
                              numpy.std, numpy.var, numpy.linalg.norm, len, float, int})
_NUMBER_MAKERS = frozenset({len, float, int})
_REDUCTION_METHODS = frozenset({"sum", "mean", "prod", "max", "min", "std", "var"})


def _bound_values(body):
    """{name: the values ``body`` binds it to (None for a binding other than ``name = value``)}."""
    values = {}
    for stmt in walk.walk_statements(body):
        if isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            if type(target) is gast.Name:
                values.setdefault(target.id, []).append(stmt.value)
                continue
        elif isinstance(stmt, gast.For) and type(stmt.target) is gast.Name:
            # the core form loops with a single name over a range only: an int each pass
            values.setdefault(stmt.target.id, []).append(_AN_INT)
            continue
        elif isinstance(stmt, gast.For):
            target = stmt.target
        else:
            continue
        for name in S.stored_names(target):
            values.setdefault(name, []).append(None)
    return values


def _surely_numbers(assigned, values):
    """The names of ``assigned`` every binding of which (``values``) is surely a number
    (shape ()): a numeric constant, a full reduction, a ``math`` function, or an operator
    on such names."""
    numbers = set(assigned)
    while True:
        fewer = {name for name in numbers if all(_is_number(value, numbers) for value in values[name])}
        if fewer == numbers:
            return numbers
        numbers = fewer


def _broadcast_parts(body, params, assigned, values):
    """{name: the ``params`` (those never rebound) and values bound once whose shapes'
    broadcast its shape is (a frozenset; empty for a number)}, where that is known. A broadcast
    of two values, the parts of one among the other's, cannot raise: both exist, so
    the broadcast of the larger set exists, and a part of it broadcasts with it."""
    parts = {name: frozenset() for name in _surely_numbers(assigned, values)}
    parts.update((param, frozenset((param,))) for param in params)
    for stmt, in_loop in _with_loops(body, False):       # in the order they run
        if isinstance(stmt, gast.Assign) and type(stmt.targets[0]) is gast.Name \
                and stmt.targets[0].id not in parts and len(values[stmt.targets[0].id]) == 1:
            found = _parts_of(stmt.value, parts)
            if found is None and not in_loop:       # in a loop, each pass may bind another shape
                found = frozenset((stmt.targets[0].id,))
            if found is not None:
                parts[stmt.targets[0].id] = found
    return _Parts(parts, _bounds(values, parts))


def _bounds(values, parts):
    """{name without exact ``parts`` (bound several times, or in a loop): the names some
    of whose shapes' broadcast each value it holds has the shape of}, by the least fixed
    point (``s = 0.0`` then ``s = s + x * i`` in a loop: the broadcast of x, or a number)."""
    bounds = {name: frozenset() for name in values if name not in parts}
    while True:
        grown = {}
        for name in bounds:
            found = frozenset()
            for value in values[name]:
                part = _parts_of(value, _Parts(parts, bounds)) if value is not None else None
                if part is None:
                    break
                found |= part
            else:
                grown[name] = found
        if grown == bounds:
            return bounds
        bounds = grown


class _Parts(dict):
    """Exact parts by name (the dict), and ``bounds``: the parts of the other names, of
    which each value they hold has some (``_bounds``)."""

    def __init__(self, parts, bounds):
        super().__init__(parts)
        self.bounds = bounds


class _Derived(_Parts):
    """``_broadcast_parts`` of a derivative differentiated again, and ``derived``: the
    names its seeds flow into."""

    def __init__(self, parts, derived):
        super().__init__(parts, parts.bounds)
        self.derived = derived


def _flowing_from(body, seeds):
    """The names of ``body`` whose value may depend on the names ``seeds``."""
    flowing, grown = set(seeds), True
    while grown:
        grown = False
        for stmt in walk.walk_statements(body):
            if isinstance(stmt, gast.Assign) and S.loaded_names(stmt.value) & flowing:
                target = stmt.targets[0]
                new = S.names_in(target.value) if isinstance(target, gast.Subscript) else S.stored_names(target)
                if new - flowing:
                    flowing |= new
                    grown = True
    return flowing


def _with_loops(block, in_loop):
    """(statement, whether it is in a loop) for the statements of ``block``, in order."""
    for stmt in block:
        yield stmt, in_loop
        if isinstance(stmt, gast.If):
            yield from _with_loops(stmt.body, in_loop)
            yield from _with_loops(stmt.orelse, in_loop)
        elif isinstance(stmt, (gast.For, gast.While)):
            yield from _with_loops(stmt.body, True)


def _parts_of(value, parts):
    """The parts (see ``_broadcast_parts``) of an elementwise ``value``, or None."""
    if isinstance(value, gast.Constant):
        return frozenset() if isinstance(value.value, (int, float)) and not isinstance(value.value, bool) else None
    if isinstance(value, gast.Name):
        found = parts.get(value.id)
        return found if found is not None or not isinstance(parts, _Parts) else parts.bounds.get(value.id)
    if isinstance(value, gast.BinOp) and isinstance(value.op, _ELEMENTWISE):
        operands = (value.left, value.right)
    elif isinstance(value, gast.UnaryOp):
        operands = (value.operand,)
    elif isinstance(value, gast.Compare) and len(value.comparators) == 1:
        operands = (value.left, value.comparators[0])
    elif isinstance(value, gast.Call) and not value.keywords and shapes._is_elementwise(anno.get(value, Key.TARGET)):
        operands = value.args
    elif isinstance(value, gast.Call) and len(value.args) >= 2 \
            and anno.get(value, Key.TARGET) in shapes._SHAPE_OF_SECOND:
        operands = value.args[1:2]      # unbroadcast(g, x): the shape of x
    elif isinstance(value, gast.Call) and value.args and anno.get(value, Key.TARGET) is runtime.zeros_like:
        operands = value.args[:1]
    else:
        return None
    found = frozenset()
    for operand in operands:
        part = _parts_of(operand, parts) if isinstance(operand, (gast.Name, gast.Constant)) else None
        if part is None:
            return None
        found |= part
    return found


def _is_number(value, numbers):
    kind = type(value)
    if kind is gast.Call:
        if value.keywords:
            return False
        target = anno.get(value, Key.TARGET)
        if anno.get(value, Key.METHOD) in _REDUCTION_METHODS:
            return not value.args           # a.sum(): all of the array
        if target is abs:
            return _is_number(value.args[0], numbers)
        if target in _FULL_REDUCTIONS:
            return len(value.args) == 1 or target in _NUMBER_MAKERS
        return getattr(target, "__module__", None) == "math"       # a math function returns a number or raises
    if kind is gast.BinOp:
        return _is_number(value.left, numbers) and _is_number(value.right, numbers)
    if kind is gast.Name:
        return value.id in numbers
    if kind is gast.Constant:
        return isinstance(value.value, (int, float)) and not isinstance(value.value, bool)
    if kind is gast.UnaryOp:
        return _is_number(value.operand, numbers)
    return False


def _slices_only(index):
    if isinstance(index, gast.Tuple):
        return all(isinstance(item, gast.Slice) for item in index.elts)
    return isinstance(index, gast.Slice)


def must_keep(stmt, same_shape=None):
    """Whether dead-code elimination must keep ``stmt`` though its value is unused: it
    may raise (``Key.MAY_RAISE``), and ``same_shape(a, b)`` (the optimizer's shape
    facts, or None) does not prove the broadcast it does safe."""
    reason = anno.get(stmt, Key.MAY_RAISE)
    if reason is None:
        return False
    if reason[0] == BROADCAST and same_shape is not None:
        return not same_shape(reason[1], reason[2])
    return True
