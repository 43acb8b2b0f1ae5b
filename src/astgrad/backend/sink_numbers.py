"""Optimize pass for specialized code: a number computed for one later use moves into it.

Where the argument kinds show that a name holds a Python number (an int or a float:
a parameter of kind ``float`` or ``int``, a ``range`` loop's counter, and arithmetic
and ``math`` functions of numbers), a temporary assigned once and read once later in
the same block is written where it is read::

    t_1 = math.sin(t)                   d_t_2 = d_s / (1 + i)
    t_3 = 1 + i                 ->      d_x += math.sin(t) * d_t_2
    d_t_2 = d_s / t_3                   d_t = d_t_2 * x * math.cos(t)
    d_t_1 = d_t_2 * x
    d_x += t_1 * d_t_2
    d_t = d_t_1 * math.cos(t)

as a person writes a loop over numbers, with fewer statements to run. The general
inlining (``optimize.inline_single_use``) takes only a temporary read by the very next
statement, since an array's value can change in place in between and moving its
computation can keep its operands alive longer; numbers do neither. The derivative
of a name the code still shows keeps its name (``d_t`` for ``t``); the derivative of
a temporary that is gone (``d_t_1`` once ``t_1`` is) is a temporary like any other.
The value is computed from the same operands in the same order: the results are equal.
The zero a number's derivative starts from is written ``0.0`` (not ``zeros_like(x)``).
"""

import gast

from .. import argument_kinds, runtime
from ..analysis import dataflow, raising
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from .emit import is_comment

_ARITHMETIC = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.FloorDiv, gast.Mod)


def sink_numbers(body, params, derivatives, scalars, kinds):
    """Move number temporaries into their one later use (see the module docstring)."""
    if _only_parameters_may_be_numbers(body, params, scalars, kinds):
        return body             # (most array code: the seed alone is a number) without a walk of every node
    facts = _Facts(body)
    numbers = number_names(body, params, scalars, kinds, facts)
    if not numbers:
        return body
    _zeros_of_numbers(facts, numbers)
    if numbers.issubset(params):
        return body             # parameters never move (the seed, in most gradients): nothing to sink
    stores, loads = facts.stores, facts.loads       # kept up to date as temporaries move
    protected = _try_bodies(body)
    moved = True
    while moved:                # again once a temporary is gone: its derivative may move too
        shown = {name for name, count in stores.items() if count} | {name for name, count in loads.items() if count}
        keep = set(params) | {d for primal, d in derivatives.items() if primal in shown or primal in params}
        moved = False
        for block in walk.walk_blocks(body):
            if id(block) not in protected:
                moved = _sink_block(block, numbers, keep, stores, loads) or moved
    return body


def _try_bodies(body):
    """The ids of the try bodies in ``body``: a statement there may raise, so moving a
    computation later would change which statements ran before it."""
    return {id(inner) for block in walk.walk_blocks(body) for stmt in block
            if isinstance(stmt, gast.If) and anno.get(stmt, Key.CATCHES, False)
            for inner in walk.walk_blocks(stmt.body)}


# Statements whose assignments the census below sees: any other (a nested definition)
# may hold one it does not, and the pass then walks every node.
_CENSUS_STATEMENTS = walk.SIMPLE_STATEMENTS | {gast.If, gast.For, gast.While}


def _only_parameters_may_be_numbers(body, params, scalars, kinds):
    """Whether a census of the assignments alone (one walk of the statements, not of
    their nodes) proves the pass changes nothing: no ``zeros_like`` is assigned, and
    ``number_names`` of the assignments, counting no name as bound some other way, finds
    none but parameters. Counting fewer names as bound otherwise (and so fewer as array
    arguments) only lets more names be numbers, so what it finds holds every name the
    pass's own ``number_names`` would; with those all parameters and no zeros to write
    as 0.0, the pass returns the body as it is."""
    values, zeros_like = {}, runtime.zeros_like
    allowed, assign_type, name_type = _CENSUS_STATEMENTS, gast.Assign, gast.Name
    for stmt in walk.walk_statements(body):
        kind = stmt.__class__
        if kind not in allowed:
            return False
        if kind is assign_type:
            value = stmt.value
            if value.__class__ is gast.Call and anno.get(value, Key.TARGET) is zeros_like:
                return False
            if len(stmt.targets) == 1 and stmt.targets[0].__class__ is name_type:
                values.setdefault(stmt.targets[0].id, []).append(value)
        elif kind is gast.AugAssign and stmt.target.__class__ is name_type and isinstance(stmt.op, _ARITHMETIC):
            values.setdefault(stmt.target.id, []).append(stmt.value)
    if any(name not in values and name not in params for name in scalars):
        return False            # a loop's counter, a number wherever read (most loops over a range)
    census = _Facts.__new__(_Facts)
    census.values, census.others = values, set()
    return set(number_names(body, params, scalars, kinds, census)).issubset(params)


class _Facts:
    """What one walk of the body finds: each name's assigned values (plain and augmented
    arithmetic assignments), the names bound some other way, the assignments of a
    ``zeros_like`` call, and how often each name is stored and read."""

    def __init__(self, body):
        self.values, self.others, self.zeros = {}, set(), []
        self.stores, self.loads = {}, {}
        seen, stores, loads = set(), self.stores, self.loads
        name_type, store_type = gast.Name, gast.Store
        for node in S.operand_nodes(gast.Module(body=body, type_ignores=[])):
            kind = type(node)
            if kind is name_type:
                if type(node.ctx) is store_type:
                    stores[node.id] = stores.get(node.id, 0) + 1
                else:
                    loads[node.id] = loads.get(node.id, 0) + 1
                if isinstance(node.ctx, (gast.Store, gast.Del)) and id(node) not in seen:
                    self.others.add(node.id)    # bound some other way (a loop, unpacking, del)
            elif kind is gast.Assign and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name) \
                    or kind is gast.AugAssign and isinstance(node.target, gast.Name) \
                    and isinstance(node.op, _ARITHMETIC):
                target = node.target if kind is gast.AugAssign else node.targets[0]
                self.values.setdefault(target.id, []).append(node.value)
                seen.add(id(target))
            if kind is gast.Assign and isinstance(node.value, gast.Call) \
                    and anno.get(node.value, Key.TARGET) is runtime.zeros_like:
                self.zeros.append(node)

    def forget(self, node):
        """``node`` is gone from the body: its names no longer count."""
        for name in S.operand_nodes(node):
            if type(name) is gast.Name:
                counts = self.stores if type(name.ctx) is gast.Store else self.loads
                counts[name.id] -= 1


def number_names(body, params, scalars, kinds, facts=None):
    """The names that hold a Python int or float wherever they are read: the largest set
    whose every assignment computes a number from numbers (assume all, retract)."""
    facts = facts or _Facts(body)
    values, others = facts.values, facts.others
    numbers = {name for name in params if kinds.get(name) in ("float", "int")}
    arrays = {name for name in params if argument_kinds.is_array(kinds.get(name))} - set(values) - others
    candidates = (set(values) - set(params) | numbers) - others | set(scalars)
    while True:
        wrong = {name for name in candidates if name in values
                 and not all(_is_number(value, candidates, arrays) for value in values[name])}
        if not wrong:
            return candidates
        candidates -= wrong


def _is_number(node, numbers, arrays):
    """A Python int or float: constants, numbers, arithmetic and ``math`` functions of
    numbers, and the size or number of dimensions of an array argument."""
    kind = node.__class__       # gast's node classes have no subclasses: a class test is an isinstance test
    if kind is gast.BinOp:      # (the commonest first) no power: a negative float to a fractional one is complex
        return node.op.__class__ in _ARITHMETIC and _is_number(node.left, numbers, arrays) \
            and _is_number(node.right, numbers, arrays)
    if kind is gast.Name:
        return node.id in numbers
    if kind is gast.Constant:
        return type(node.value) in (int, float)
    if kind is gast.Attribute:
        return node.attr in ("size", "ndim") and isinstance(node.value, gast.Name) and node.value.id in arrays
    if kind is gast.UnaryOp:
        return isinstance(node.op, (gast.USub, gast.UAdd)) and _is_number(node.operand, numbers, arrays)
    if kind is gast.Call and not node.keywords:
        target = anno.get(node, Key.TARGET)
        return getattr(target, "__module__", None) == "math" and callable(target) \
            and all(_is_number(arg, numbers, arrays) for arg in node.args)
    return False


def _zeros_of_numbers(facts, numbers):
    """``d_x = zeros_like(x)`` -> ``d_x = 0.0`` for a number ``x`` (what zeros_like gives)."""
    for node in facts.zeros:
        if len(node.value.args) == 1 and not node.value.keywords and _is_number(node.value.args[0], numbers, ()):
            facts.forget(node.value)
            node.value = S.const(0.0)


def _sink_block(block, numbers, keep, stores, loads):
    position, moved = 0, False
    while position < len(block):
        stmt = block[position]
        use = _movable(block, position, numbers, keep, stores, loads)
        if use is None:
            position += 1
            continue
        name = stmt.targets[0].id
        S.replace_loads(block[use], name, stmt.value)
        del block[position]
        stores[name] -= 1           # its one store and its one read are gone; the value moved
        loads[name] -= 1
        moved = True
    return moved


def _movable(block, position, numbers, keep, stores, loads):
    """The index of the statement ``block[position]``'s number may move into, or None."""
    stmt = block[position]
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
        return None
    name = stmt.targets[0].id
    if name not in numbers or name in keep or stores.get(name) != 1 or loads.get(name) != 1 \
            or anno.moves_saved_values(stmt) or not dataflow.is_pure(stmt.value):
        return None
    read = set(S.loaded_names(stmt.value))     # numbers, and the functions of math
    # a read of a name that may be unbound raises before the statements after it run,
    # naming the name: moved past a derivative's read, that read would raise first
    reads_unbound = (anno.get(stmt, Key.MAY_RAISE, None) or (None,))[0] == raising.UNBOUND
    for index in range(position + 1, len(block)):
        later = block[index]
        if is_comment(later):
            continue
        if reads_unbound and name not in S.names_in(later):
            return None
        if anno.moves_saved_values(later) or not isinstance(later, (gast.Assign, gast.AugAssign, gast.Return, gast.Expr)):
            return None
        if name in S.names_in(later):
            return index if _reads_in_value(later, name) else None
        if not isinstance(later, (gast.Assign, gast.AugAssign)) or set(S.stored_names(later)) & (read | {name}):
            return None
    return None


def _reads_in_value(stmt, name):
    if isinstance(stmt, gast.Assign) and not isinstance(stmt.targets[0], gast.Name):
        return False
    return name in S.loaded_names(stmt.value)
