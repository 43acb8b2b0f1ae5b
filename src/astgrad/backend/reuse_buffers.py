"""Optimize pass for specialized code: compute into a temporary that is no longer needed.

``d_t_3 = t_1 * d_t_4``, where ``t_1`` is a float64 array this function made, has
``d_t_3``'s shape and is not read afterwards, becomes::

    d_t_3 = t_1
    d_t_3 *= d_t_4

so NumPy writes into ``t_1``'s memory instead of allocating a new array (the pass that
frees dead values then deletes the name ``t_1``). It applies only where every fact it
needs is known from the argument kinds: the buffer is an array of float64 that only
arithmetic ever read (nothing else holds a reference to it), and the result has its
shape and dtype. The order of the operands is kept (``t *= c`` for ``t * c``, and
``t += c`` for ``c + t``, where the two are equal for floats).

Whether the result has the buffer's shape is asked first of the shape classes the
first pass found (needless unbroadcasts), before the passes between rewrote the body.
A class says that every value a name holds has one shape, and those passes keep each
name's values (dead code gone, a temporary written into its one read, a copy's reads
reading its source, ``d = d + e`` as ``d += e``, loops fused, numbers moved into their
use): what the classes say of a name still holds, an expression those passes made has
the class its names give it, and a name they made has none (the classes keep alive the
values their tables name by id, so no node made since is taken for one a pass dropped). Where those classes do not
prove it, the classes of the body as it is now are found (once) and asked: each proves
some shapes the other does not (the rewritten body no longer shows the class of a value
moved into its read; the earlier one had values a pass found dead). (An in-place
operation whose result had another shape than its buffer would raise, not give another
value.)

"""

import itertools

import gast
import numpy

from ..analysis import shapes
from ..analysis.shapes import ShapeClasses
from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from .free_values import SCOPES, StatementNames

_IN_PLACE = {gast.Add: True, gast.Mult: True, gast.Sub: False, gast.Div: False}   # commutes?


def reuse_dead_buffers(body, params, adjoints, scalars, kinds, names=None, classes=None):
    """``names``: a dict given, for each statement of ``body`` the pass keeps, id(statement)
    -> ``free_values.StatementNames`` of it (found on this pass's walk, for the pass that
    frees dead values). ``classes``: the ``ShapeClasses`` of an earlier form of ``body``
    whose names still hold the values they held then (see the module docstring), if found."""
    float64 = {name for name, kind in kinds.items() if kind is not None and kind.startswith("<f8[")}
    if not float64:
        return body
    numbers = {name for name, kind in kinds.items() if kind in ("float", "int")} | set(scalars)
    floats = {name for name, kind in kinds.items() if kind == "float"}
    last, private, stores, values = _mentions(body, names)
    classes = _SameShape(classes, lambda: ShapeClasses(body, params, adjoints, scalars, kinds, _uses(values)))
    typed = _Float64(float64, numbers, floats)
    fresh, out = set(), []
    for index, stmt in enumerate(body):
        rewritten = None
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name):
            target, float64_value = stmt.targets[0].id, typed.is_float64(stmt.value)    # asked once
            rewritten = _rewrite(stmt, target, fresh, private, last, index, classes) if float64_value else None
            if rewritten is not None:
                rewritten, buffer = rewritten
                if names is not None:
                    _note_rewritten_names(names, stmt, rewritten, buffer)
            if float64_value:
                typed.names.add(target)
                if isinstance(stmt.value, (gast.BinOp, gast.UnaryOp)) or _is_ufunc_call(stmt.value):
                    fresh.add(target)
                else:
                    fresh.discard(target)
            else:
                typed.names.discard(target)
                fresh.discard(target)
            if typed.is_number(stmt.value):     # a derivative kept a number (d_t = d_loss / y.size)
                typed.numbers.add(target)
            else:
                typed.numbers.discard(target)
        elif not isinstance(stmt, gast.Return):
            for name in stores.get(index, ()):
                fresh.discard(name)
                typed.names.discard(name)
                typed.numbers.discard(name)
        out.extend(rewritten or [stmt])
    return out


class _SameShape:
    """Whether a value has the shape class of a buffer: asked of the earlier classes, if
    given, then of the body's own, found when first needed (often no statement needs them)."""

    def __init__(self, earlier, make):
        self.earlier, self.make, self.found = earlier, make, None

    def fits(self, value, buffer, known):
        """``known``: a dict the caller keeps per value, of its class by each analysis."""
        if self.earlier is not None and self._fits(self.earlier, value, buffer, known):
            return True
        if self.found is None:
            self.found = self.make()
        return self._fits(self.found, value, buffer, known)

    @staticmethod
    def _fits(classes, value, buffer, known):
        if classes not in known:
            known[classes] = classes.of(value)
        shape = known[classes]
        return shape is not None and shape == classes.name_class(buffer)


def _rewrite(stmt, target, fresh, private, last, index, classes):
    """The statements ``stmt``, whose value is float64, becomes, computed into a dead
    buffer, and that buffer's Name node; None if none can be."""
    value = stmt.value
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub) \
            and isinstance(value.operand, gast.Name):
        if not _dead(value.operand, target, fresh, private, last, index):
            return None         # (the product below is built only for a buffer that may take it)
        value = gast.BinOp(left=value.operand, op=gast.Mult(), right=S.const(-1.0))    # exact
    if isinstance(value, gast.BinOp) and type(value.op) in _IN_PLACE:
        candidates = [(value.left, value.right)]
        if _IN_PLACE[type(value.op)]:
            candidates.append((value.right, value.left))
        known = {}          # the value's shape class, found when first needed
        for buffer, other in candidates:
            if _dead(buffer, target, fresh, private, last, index) \
                    and (buffer.id == target or target not in _names_read(other)):
                if not classes.fits(value, buffer.id, known):
                    continue
                # (``d = b`` first would lose d's old value where the other operand reads it)
                copy = [] if buffer.id == target else [S.assign(target, S.name(buffer.id))]
                update = gast.AugAssign(target=gast.Name(id=target, ctx=gast.Store(), annotation=None,
                                                         type_comment=None),
                                        op=value.op, value=other)
                return copy + [update], buffer
    return None


def _dead(buffer, target, fresh, private, last, index):
    """Whether ``buffer`` names a fresh array of this function's that only arithmetic read
    and that is dead after statement ``index`` (or is its ``target``)."""
    return isinstance(buffer, gast.Name) and buffer.id in fresh and buffer.id in private \
        and (last.get(buffer.id) == index or buffer.id == target)


def _note_rewritten_names(names, stmt, rewritten, buffer):
    """Give ``names`` the ``StatementNames`` of the statements ``stmt`` became
    (``d = b; d *= other``, from ``d = b * other``): the update reads the names of ``other``,
    those of ``stmt`` but its target and the buffer."""
    original = names.pop(id(stmt))
    *copy, update = rewritten
    for made in copy:
        names[id(made)] = StatementNames(made, [made.targets[0], made.value], False)
    read = [node for node in original.names if node is not stmt.targets[0] and node is not buffer]
    names[id(update)] = StatementNames(update, [update.target] + read, original.scoped)


_PROMOTING = frozenset({gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow})    # operators NumPy promotes through


def _names_read(node):
    return S.names_in(node)     # (a walk of the Name nodes alone)


class _Float64:
    """Which expressions are float64 arrays (or float64 numbers) by NumPy's promotion:
    an operation with a float64 operand whose other operands are float64 or numbers."""

    def __init__(self, names, numbers, floats):
        self.names = set(names)
        self.numbers = numbers
        self.floats = floats

    def is_float64(self, node):
        kind = node.__class__       # gast's node classes have no subclasses: cheaper than isinstance
        if kind is gast.Name:
            return node.id in self.names
        if kind is gast.UnaryOp:
            return node.op.__class__ is gast.USub and self.is_float64(node.operand)
        if kind is gast.BinOp:
            op = node.op.__class__
            if op is gast.MatMult:
                return self.is_float64(node.left) and self.is_float64(node.right)
            if op not in _PROMOTING:
                return False
            # what the general case below says of two operands, without its list and generator
            left, right = node.left, node.right
            left_float64, right_float64 = self.is_float64(left), self.is_float64(right)
            return (left_float64 or right_float64) and (left_float64 or self.is_number(left)) \
                and (right_float64 or self.is_number(right))
        elif kind is gast.Attribute:
            return node.attr == "T" and self.is_float64(node.value)
        elif kind is gast.Call:
            target = anno.get(node, Key.TARGET)     # asked once
            if _is_ufunc_call(node, target):
                operands = node.args
            elif target in shapes._SHAPE_OF_SECOND and len(node.args) >= 2:
                # unreduce(e, x) and the like: e's values in x's shape (a float broadcast: float64)
                first = node.args[0]
                return self.is_float64(first) or isinstance(first, gast.Constant) and type(first.value) is float \
                    or isinstance(first, gast.Name) and first.id in self.floats
            else:
                return False
        else:
            return False
        found = [self.is_float64(o) for o in operands]      # each once: nested operations
        return any(found) and all(f or self.is_number(o) for f, o in zip(found, operands))

    def _number(self, node):
        if isinstance(node, gast.Constant):
            return type(node.value) in (int, float)
        return isinstance(node, gast.Name) and node.id in self.numbers

    def is_number(self, node):
        """A Python int or float: int and float constants and names, arithmetic on them
        (no power: a negative float to a fractional power is complex), an array's size."""
        if isinstance(node, gast.Attribute):
            return node.attr in ("size", "ndim") and isinstance(node.value, gast.Name) \
                and node.value.id in self.names
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
            return self.is_number(node.operand)
        if isinstance(node, gast.BinOp) and type(node.op) in (gast.Add, gast.Sub, gast.Mult, gast.Div):
            return self.is_number(node.left) and self.is_number(node.right)
        return self._number(node)


def _is_ufunc_call(node, target=None):
    """Whether ``node`` calls an elementwise NumPy function of float64 (``target``: the
    function it calls, where already looked up)."""
    if not isinstance(node, gast.Call) or node.keywords:
        return False
    target = anno.get(node, Key.TARGET) if target is None else target
    return isinstance(target, numpy.ufunc) and len(node.args) == target.nin and _float64_ufunc(target)


_float64_ufuncs: dict = {}    # NumPy's own ufunc -> _float64_ufunc of it (``types`` is a new list each time)


def _float64_ufunc(ufunc):
    """Whether ``ufunc`` has one result and a loop from float64 operands to float64."""
    found = _float64_ufuncs.get(ufunc)
    if found is None:
        found = ufunc.signature is None and ufunc.nout == 1 and "d" * ufunc.nin + "->d" in ufunc.types
        if getattr(numpy, ufunc.__name__, None) is ufunc:      # not a user's (frompyfunc): kept for good
            _float64_ufuncs[ufunc] = found
    return found


def _mentions(body, names=None):
    """Each name's last top-level statement, the names only ever read as operands of
    arithmetic or of elementwise NumPy functions (no other reference to their value), the
    names each top-level statement stores (by its index), and (value, its statement's
    nodes, where the value's start) for the top-level ``name = value`` and expression
    statements (for ``_uses``). ``names``: a dict to give id(statement) ->
    ``StatementNames`` of each statement, where wanted."""
    last, escaped, stores, values = {}, set(), {}, []
    name_type, store_type, leaves, scopes, arithmetic = gast.Name, gast.Store, _LEAVES, SCOPES, _ARITHMETIC
    for index, stmt in enumerate(body):
        returned = isinstance(stmt, gast.Return) and index == len(body) - 1
        bound_plainly = isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
        found, scoped, nodes = [], False, S.operand_nodes(stmt)
        if bound_plainly and len(stmt.targets) == 1 and stmt.targets[0].annotation is None:
            values.append((stmt.value, nodes, 2))       # the statement, its target, then the value's
        elif stmt.__class__ is gast.Expr:
            values.append((stmt.value, nodes, 1))
        for node in nodes:
            kind = type(node)
            if kind is name_type:
                found.append(node)
                last[node.id] = index
                if type(node.ctx) is store_type:
                    stores.setdefault(index, set()).add(node.id)
                    if not bound_plainly:
                        escaped.add(node.id)
                continue
            if kind in scopes:
                scoped = True
            if returned or kind in leaves:      # returning is after every write
                continue
            if kind in arithmetic:
                continue                        # keeps no reference to its operands
            for child in _escaping_children(node):
                escaped.add(child.id)
        if names is not None:
            names[id(stmt)] = StatementNames(stmt, found, scoped)
    return last, set(last) - escaped, stores, values


def _uses(values):
    """What ``ShapeClasses`` takes as ``uses``, from the nodes ``_mentions`` walked: a
    statement ``name = value`` has its nodes, its target's (a name) and then the value's."""
    return {id(value): shapes.names_and_numeric_uses_of(itertools.islice(nodes, start, None))
            for value, nodes, start in values}


_ARITHMETIC = frozenset({gast.BinOp, gast.UnaryOp, gast.AugAssign})


def _escaping_children(node):
    """Names read by ``node`` in a way that may keep a reference to their value."""
    if node.__class__ in _ARITHMETIC:
        return []
    if isinstance(node, gast.Call):
        target = anno.get(node, Key.TARGET)
        if _is_ufunc_call(node, target) or target in _READERS:
            return []
        if target in shapes._SHAPE_OF_SECOND:       # the second argument gives a shape only
            return [arg for arg in node.args[:1] if isinstance(arg, gast.Name)]
    if isinstance(node, gast.Assign):
        return [node.value] if isinstance(node.value, gast.Name) else []
    return [child for child in S.child_nodes(node)
            if isinstance(child, gast.Name) and isinstance(child.ctx, gast.Load)]


# Nodes without a Name among their children (names, constants, contexts, operators):
# _escaping_children has nothing to say about them.
_LEAVES = frozenset({gast.Name, gast.Constant, gast.Load, gast.Store, gast.Del, gast.Param}
                    | {cls for cls in vars(gast).values() if isinstance(cls, type)
                       and issubclass(cls, (gast.operator, gast.unaryop, gast.cmpop, gast.boolop))})


_READERS = {numpy.sum, numpy.mean}
