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
  ``int("x")``, ``numpy.concatenate`` and ``numpy.stack`` of shapes that do not fit,
  ``xs + 1`` of a list, which the core form writes ``concat(xs, 1)``), or formats a value
  with a format spec (``f"{v:.3f}"``);
- divides numbers (``/``, ``//``, ``%`` of constants and names that surely hold a
  number): ``ZeroDivisionError`` (an array divided by zero does not raise, so a
  division with an array operand is not kept: the check would cost the division);
- reads an attribute the namespace did not resolve (``obj.missing``): ``AttributeError``.

What is kept is the statement that raises, as an expression statement whose value
nothing reads, under a comment saying why (``backend.dead_code``); what it reads is
kept with it. Not marked, as they cannot raise where the function does not: a reverse
loop's recomputed copies of primal statements (the forward sweep's raise first), a
tape's recording (it ran), and in a derivative differentiated again (higher order)
the derivative code its seeds flow into (its primal statements keep their marks). Not marked (and
so still dropped where unused): other calls, and a division by zero whose operands are
not known to be numbers (a parameter ``w / n``).

The marking runs for every derivative generated, so it is one walk over the statements;
the facts about operands (numbers, broadcast parts) are worked out after it, only for a
function with an operator to clear.
"""

import types

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
                         numpy.linalg.pinv, numpy.linalg.lstsq, numpy.linalg.svd, int, float,
                         numpy.concatenate, numpy.stack, numpy.vstack, numpy.hstack, numpy.column_stack,
                         runtime.concat, runtime.extended})
_VALIDATING_METHODS = frozenset({"reshape", "dot"})

_ELEMENTWISE = frozenset({gast.Add, gast.Sub, gast.Mult, gast.Div, gast.FloorDiv, gast.Mod, gast.Pow,
                          gast.BitAnd, gast.BitOr, gast.BitXor})
_MEMBERSHIP = frozenset({gast.Is, gast.IsNot, gast.In, gast.NotIn})

DIVIDES = "divides"
ATTRIBUTE = "attribute"
_VALIDATES, _INDEX, _DIVIDES, _ATTRIBUTE = (VALIDATES,), (INDEX,), (DIVIDES,), (ATTRIBUTE,)
_OPERATION = "operation"        # an elementwise operator, told after the walk
_DIVISIONS = frozenset({gast.Div, gast.FloorDiv, gast.Mod})


def mark_raising(body, params, fn=None, seeds=()):
    """Mark (``Key.MAY_RAISE``) the statements of the core-form ``body`` (of a function
    with parameters ``params``, the keyword-only ones ``seeds``) that may raise, by the
    module doc. Not for ``fn`` (the function object) a tape's recording
    (``__astgrad_ran__``): it is differentiated after it ran, on what it ran on, so
    nothing in it raises.

    One walk over the statements finds what each reads that may be unbound and what it
    does that may raise; the facts about operands (numbers, shapes) are worked out after
    it, only where an operator on a name is left to clear."""
    if getattr(fn, "__astgrad_ran__", False):
        return
    derived = bool(seeds) and getattr(fn, "__astgrad_generated__", False)
    found = _Walk(derived)
    found.block(body, set(params), False)
    values = found.values
    assigned = values.keys() - set(params)
    # a derivative differentiated again: its own derivative code (what the seeds flow
    # into) raises only where its primal code, which keeps its marks, does
    flowing = _flowing_from(found.flows, seeds) if derived else _NOTHING
    operations = []
    for stmt, maybe_unbound, names, check in found.statements:
        unbound = maybe_unbound & assigned
        if unbound:
            anno.set(stmt, Key.MAY_RAISE, (UNBOUND, frozenset(unbound)))
        elif check is None or names & flowing or check is _ATTRIBUTE and _module_has(stmt.value, fn, values, params):
            continue
        elif check[0] is _OPERATION:
            operations.append((stmt, check))
        else:
            anno.set(stmt, Key.MAY_RAISE, check)
    if operations:
        facts = _Facts(found.bindings, [param for param in params if param not in values], assigned, values)
        for stmt, (_, op, left, right) in operations:
            reason = facts.operation_raises(op, left, right)
            if reason is not None:
                anno.set(stmt, Key.MAY_RAISE, reason)


def _module_has(attribute, fn, values, params):
    """Whether ``attribute`` (``numpy.tanh``) reads an attribute a module global of ``fn``
    has (a module's functions stay; a name the body binds is not the global)."""
    owner = attribute.value
    if owner.__class__ is not gast.Name or owner.id in values or owner.id in params:
        return False
    module = getattr(fn, "__globals__", _NO_BOUNDS).get(owner.id)
    return isinstance(module, types.ModuleType) and hasattr(module, attribute.attr)


class _Facts:
    """What the values bound (``values``, ``bindings``: see ``_Walk``) tell about the
    operands of an operator, worked out when first asked: which names surely hold a
    number, and the parts and bounds of ``_broadcast_parts``
    (``params``: the parameters never rebound, which keep the shape they came with)."""

    def __init__(self, bindings, params, assigned, values):
        self.bindings, self.params, self.assigned, self.values = bindings, params, assigned, values
        self._numbers = self._parts = self._bounds = None

    def numbers(self):
        if self._numbers is None:
            self._numbers = _surely_numbers(self.assigned, self.values)
        return self._numbers

    def operation_raises(self, op, left, right):
        """The mark of ``left op right`` (an elementwise operator on atoms), or None."""
        if op in _DIVISIONS and self._number_operands(left, right) \
                and not (right.__class__ is gast.Constant and right.value != 0):
            return _DIVIDES     # numbers: cheap to keep; an array divided by zero does not raise
        if left.__class__ is gast.Name and right.__class__ is gast.Name and left.id != right.id:
            # a constant operand is a number, and a shape broadcasts with itself
            if self._parts is None:
                self._parts, self._bounds = _broadcast_parts(self.bindings, self.params, self.numbers(), self.values)
            if not _fits(self._parts, self._bounds, left.id, right.id):
                return (BROADCAST, left.id, right.id)
        return None

    def _number_operands(self, *operands):
        for operand in operands:
            if operand.__class__ is gast.Name:
                if operand.id not in self.numbers():
                    return False
            elif operand.__class__ is not gast.Constant or not _is_numeric(operand.value):
                return False
        return True


_NOTHING = frozenset()


class _Walk:
    """What one walk over a core-form body finds, in the order the statements run:

    - ``values``: {name: the values the body binds it to (None for a binding other
      than ``name = value``)};
    - ``bindings``: (name, value, whether in a loop) of each ``name = value``;
    - ``statements``: (statement, the names it reads that may be unbound there if the
      body binds them, the names it reads, the check it does or None) for each that may
      raise: whether a name is unbound is told once the walk knows every name bound;
    - ``flows`` (for a derivative differentiated again, else None): (the names each
      assignment's value reads, the names it binds)."""

    def __init__(self, derived):
        self.values, self.bindings, self.statements = {}, [], []
        self.flows = [] if derived else None

    def block(self, block, definite, in_loop):
        """Walk ``block`` with ``definite`` (a set, updated) the names surely bound on entry."""
        for stmt in block:
            kind = stmt.__class__
            if kind is gast.If:
                self._reads(stmt, S.loaded_names(stmt.test), definite)
                body, orelse = set(definite), set(definite)
                self.block(stmt.body, body, in_loop)
                self.block(stmt.orelse, orelse, in_loop)
                # after a try the normalized code binds again, where the handler ran, what its
                # body bound (which of its statements ran is not followed here)
                definite |= body | orelse if anno.get(stmt, Key.CATCHES, False) else body & orelse
            elif kind is gast.For or kind is gast.While:
                header = stmt.iter if kind is gast.For else stmt.test
                self._reads(stmt, S.loaded_names(header), definite)
                inner = set(definite)
                if kind is gast.For:
                    target = stmt.target
                    if target.__class__ is gast.Name:
                        # the core form loops with a single name over a range only: an int each pass
                        self.values.setdefault(target.id, []).append(_AN_INT)
                        inner.add(target.id)
                    else:
                        names = S.stored_names(target)
                        self._bind(names)
                        inner |= names
                self.block(stmt.body, inner, True)      # the body may not run: nothing added
                self._bind_inside([stmt.orelse])
            elif kind is gast.Assign:
                self._assign(stmt, definite, in_loop)
            else:
                self._reads(stmt, S.loaded_names(stmt), definite)
                if kind is not gast.Expr and kind is not gast.Return:
                    self._bind_inside(walk.inner_blocks(stmt))

    def _reads(self, stmt, names, definite):
        """``stmt`` reads ``names``: those not surely bound may be unbound there."""
        maybe_unbound = names - definite
        if maybe_unbound:
            definite |= maybe_unbound       # read once: it raised there, or is bound from here
            self.statements.append((stmt, maybe_unbound, names, None))

    def _assign(self, stmt, definite, in_loop):
        target, value = stmt.targets[0], stmt.value
        target_kind = target.__class__
        if target_kind is gast.Name:
            self.values.setdefault(target.id, []).append(value)
            self.bindings.append((target.id, value, in_loop))
        elif target_kind is not gast.Subscript:
            self._bind(S.stored_names(target))
        if value.__class__ is not gast.Constant:
            reads = _value_reads(value)
            if self.flows is not None:
                self.flows.append((reads, S.names_in(target.value) if target_kind is gast.Subscript
                                   else S.stored_names(target)))
            names = reads | S.loaded_names(target) if target_kind is gast.Subscript else reads
            maybe_unbound = names - definite
            if maybe_unbound:
                definite |= maybe_unbound       # read once: it raised there, or is bound from here
            check = _check(value)
            if maybe_unbound or check is not None:
                self.statements.append((stmt, maybe_unbound, names, check))
        if target_kind is gast.Name:
            definite.add(target.id)
        elif target_kind is not gast.Subscript:
            definite |= S.stored_names(target)

    def _bind(self, names):
        for name in names:
            self.values.setdefault(name, []).append(None)

    def _bind_inside(self, blocks):
        """What the statements in ``blocks`` (lists of them) bind: a loop's ``else``, a
        statement other than ``if`` and a loop holding others (the core form has none)."""
        for block in blocks:
            for stmt in walk.walk_statements(block):
                if stmt.__class__ is gast.Assign:
                    target = stmt.targets[0]
                    if target.__class__ is gast.Name:
                        self.values.setdefault(target.id, []).append(stmt.value)
                    else:
                        self._bind(S.stored_names(target))
                    if self.flows is not None:
                        self.flows.append((S.loaded_names(stmt.value), S.names_in(target.value)
                                           if target.__class__ is gast.Subscript else S.stored_names(target)))
                elif stmt.__class__ is gast.For:
                    target = stmt.target
                    if target.__class__ is gast.Name:
                        self.values.setdefault(target.id, []).append(_AN_INT)
                    else:
                        self._bind(S.stored_names(target))


def _value_reads(value):
    """The names ``value`` (an expression of the core form) reads: ``S.loaded_names``,
    with the commonest values (a name; an operator, a call, an index or a sign on names
    and constants) told directly."""
    kind = value.__class__
    if kind is gast.Name:
        return {value.id}
    if kind is gast.BinOp:
        operands = (value.left, value.right)
    elif kind is gast.Call and not value.keywords:
        func = value.func
        if func.__class__ is gast.Attribute:
            func = func.value           # numpy.sum: reads numpy
        if func.__class__ is not gast.Name:
            return S.loaded_names(value)
        operands = (func, *value.args)
    elif kind is gast.Subscript:
        operands = (value.value, value.slice)
    elif kind is gast.UnaryOp:
        operands = (value.operand,)
    else:
        return S.loaded_names(value)
    for operand in operands:
        if operand.__class__ is not gast.Name and operand.__class__ is not gast.Constant:
            return S.loaded_names(value)
    return {operand.id for operand in operands if operand.__class__ is gast.Name}


def _check(value):
    """What may raise in ``value`` (the value of an assignment), as its mark, or None."""
    kind = value.__class__
    if kind is gast.BinOp:
        op = value.op.__class__
        if op in _ELEMENTWISE:
            return _operation(op, value.left, value.right)
        if op is gast.MatMult:
            return _VALIDATES
    elif kind is gast.Call:
        if _validating_call(value):
            return _VALIDATES
    elif kind is gast.Subscript:
        if not _slices_only(value.slice):
            return _INDEX
    elif kind is gast.Compare and len(value.comparators) == 1 and value.ops[0].__class__ not in _MEMBERSHIP:
        return _operation(gast.Eq, value.left, value.comparators[0])
    elif kind is gast.Attribute:
        if anno.get(value, Key.TARGET) is None:
            return _ATTRIBUTE       # an attribute the namespace did not resolve: it may be missing
    elif kind is gast.JoinedStr:
        if any(part.__class__ is gast.FormattedValue and part.format_spec is not None for part in value.values):
            return _VALIDATES       # f"{v:.3f}": format checks what v is
    return None


def _operation(op, left, right):
    """What to tell of ``left op right`` once the walk knows every binding (see
    ``_Facts.operation_raises``), or None where it cannot raise."""
    if left.__class__ in _ATOMS and right.__class__ in _ATOMS \
            and (left.__class__ is gast.Name or right.__class__ is gast.Name):
        return (_OPERATION, op, left, right)
    return None


def _validating_call(value):
    found = anno.annotations(value)
    method = found.get(Key.METHOD)
    return method in _VALIDATING_METHODS if method is not None else found.get(Key.TARGET) in _VALIDATING


def _fits(parts, bounds, left, right):
    """Whether the broadcast of names ``left`` and ``right`` surely fits, by ``parts`` and
    ``bounds`` (``_broadcast_parts``)."""
    first, second = parts.get(left), parts.get(right)
    if first is not None and second is not None and (first <= second or second <= first):
        return True
    # each value of one has the shape of some of the other's parts
    return first is not None and bounds.get(right, first | {None}) <= first \
        or second is not None and bounds.get(left, second | {None}) <= second


_FULL_REDUCTIONS = frozenset({numpy.sum, numpy.mean, numpy.prod, numpy.max, numpy.min, numpy.amax, numpy.amin,
                              numpy.std, numpy.var, numpy.linalg.norm, len, float, int})
_NUMBER_MAKERS = frozenset({len, float, int})
_REDUCTION_METHODS = frozenset({"sum", "mean", "prod", "max", "min", "std", "var"})


def _surely_numbers(assigned, values):
    """The names of ``assigned`` every binding of which (``values``) is surely a number
    (shape ()): a numeric constant, a full reduction, a ``math`` function, or an operator
    on such names. (The largest such set: a name leaves it once a value of it is not a
    number with the names left in it.)"""
    numbers = set(assigned)
    changed = True
    while changed:
        changed = False
        for name in list(numbers):
            for value in values[name]:
                if value is None or not _is_number(value, numbers):
                    numbers.discard(name)
                    changed = True
                    break
    return numbers


def _broadcast_parts(bindings, params, numbers, values):
    """({name: the ``params`` (those never rebound) and values bound once whose shapes'
    broadcast its shape is (a frozenset; empty for a number)}, where that is known; the
    ``_bounds`` of the other names). A broadcast of two values, the parts of one among
    the other's, cannot raise: both exist, so the broadcast of the larger set exists,
    and a part of it broadcasts with it. ``bindings``: (name, value, whether in a loop)
    of each ``name = value``, in the order they run."""
    parts = {name: frozenset() for name in numbers}
    parts.update((param, frozenset((param,))) for param in params)
    for name, value, in_loop in bindings:
        if name not in parts and len(values[name]) == 1:
            found = _parts_of(value, parts, _NO_BOUNDS)
            if found is None and not in_loop:       # in a loop, each pass may bind another shape
                found = frozenset((name,))
            if found is not None:
                parts[name] = found
    return parts, _bounds(values, parts)


_NO_BOUNDS = {}


def _bounds(values, parts):
    """{name without exact ``parts`` (bound several times, or in a loop): the names some
    of whose shapes' broadcast each value it holds has the shape of}, by the least fixed
    point (``s = 0.0`` then ``s = s + x * i`` in a loop: the broadcast of x, or a number).
    Each name's bound is the union of the parts its values name and of the bounds of
    the names they read: unions are passed along from reader to reader (working every
    name out again until none grows takes as many rounds as the longest chain)."""
    domain = {name for name in values if name not in parts}
    bounds, readers, unknown = {}, {}, []
    for name in values:
        if name in domain:
            found = _held_parts(values[name], parts, domain)
            if found is None:
                unknown.append(name)
                continue
            bounds[name] = found[0]
            for read in found[1]:
                readers.setdefault(read, []).append(name)
    while unknown:      # what reads a name of unknown shape has an unknown shape too
        for reader in readers.get(unknown.pop(), ()):
            if bounds.pop(reader, None) is not None:
                unknown.append(reader)
    pending = list(bounds)
    while pending:
        name = pending.pop()
        held = bounds[name]
        for reader in readers.get(name, ()):
            if reader in bounds and not held <= bounds[reader]:
                bounds[reader] |= held
                pending.append(reader)
    return bounds


def _held_parts(held, parts, domain):
    """(the parts the values ``held`` by a name name, the names of ``domain`` they read),
    or None if one of them is not an elementwise value of names and numbers."""
    found, reads = frozenset(), set()
    for value in held:
        atoms = None if value is None else (value,) if value.__class__ in _ATOMS else _elementwise_operands(value)
        if atoms is None:
            return None
        for atom in atoms:
            if atom.__class__ is gast.Constant and _is_numeric(atom.value):
                continue
            name = atom.id if atom.__class__ is gast.Name else None
            if name in parts:
                found |= parts[name]
            elif name in domain:
                reads.add(name)
            else:
                return None
    return found, reads


def _flowing_from(flows, seeds):
    """The names whose value may depend on the names ``seeds``, by ``flows``: (the names
    an assignment's value reads, the names it binds) for each assignment of a body."""
    flowing, grown = set(seeds), True
    while grown:
        grown = False
        for reads, bound in flows:
            if reads & flowing and bound - flowing:
                flowing |= bound
                grown = True
    return flowing


def _parts_of(value, parts, bounds):
    """The parts (see ``_broadcast_parts``) of an elementwise ``value``, or None; a name
    without parts has its ``bounds``, if any."""
    kind = value.__class__
    if kind is gast.Constant:
        return frozenset() if _is_numeric(value.value) else None
    if kind is gast.Name:
        found = parts.get(value.id)
        return found if found is not None else bounds.get(value.id)
    operands = _elementwise_operands(value)
    if operands is None:
        return None
    found = frozenset()
    for operand in operands:
        part = _parts_of(operand, parts, bounds) if operand.__class__ in _ATOMS else None
        if part is None:
            return None
        found |= part
    return found


_ATOMS = frozenset({gast.Name, gast.Constant})


def _elementwise_operands(value):
    """The operands of an elementwise ``value`` whose shapes' broadcast is its shape, or None."""
    kind = value.__class__
    if kind is gast.BinOp and value.op.__class__ in _ELEMENTWISE:
        return (value.left, value.right)
    if kind is gast.UnaryOp:
        return (value.operand,)
    if kind is gast.Compare and len(value.comparators) == 1:
        return (value.left, value.comparators[0])
    if kind is gast.Call:
        target = anno.annotations(value).get(Key.TARGET)
        if not value.keywords and shapes._is_elementwise(target):
            return value.args
        if len(value.args) >= 2 and target in shapes._SHAPE_OF_SECOND:
            return value.args[1:2]      # unbroadcast(g, x): the shape of x
        if value.args and target is runtime.zeros_like:
            return value.args[:1]
    return None


def _is_number(value, numbers):
    kind = value.__class__
    if kind is gast.Call:
        if value.keywords:
            return False
        found = anno.annotations(value)
        if found.get(Key.METHOD) in _REDUCTION_METHODS:
            return not value.args           # a.sum(): all of the array
        target = found.get(Key.TARGET)
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
        return _is_numeric(value.value)
    if kind is gast.UnaryOp:
        return _is_number(value.operand, numbers)
    return False


def _is_numeric(constant):
    return isinstance(constant, (int, float)) and not isinstance(constant, bool)


def _slices_only(index):
    if index.__class__ is gast.Tuple:
        return all(item.__class__ is gast.Slice for item in index.elts)
    return index.__class__ is gast.Slice


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
