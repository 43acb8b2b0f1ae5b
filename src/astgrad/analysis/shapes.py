"""Which names provably have the same shape, so ``unbroadcast(e, x)`` can go.

Only names assigned once (and parameters) take part, so every relation holds for
every execution. Elementwise operations keep their operand's shape, an operand of
shape () (a number) does not change the other's, a derivative ``d_v`` has the shape
of ``v``, and the shape helpers return their second argument's shape. A class is the
broadcast of the shapes of a set of names, so an elementwise result of operands of
different classes has one too: ``x * y + x`` has the shape of ``x * y``.

Code specialized to its arguments' kinds (see ``argument_kinds``) knows more: a
parameter that is a number or a 0-d array has shape (), and an array parameter's
number of dimensions and which of them have length 1 are known. An operand whose
dimensions are all longer than 1 fixes the shape of an elementwise result with
operands of no more dimensions (broadcasting cannot change it); the same facts follow
through ``@`` of arrays of known dimensions, indexing by a number and full reductions.
"""

import builtins
import math
import types
from collections import deque

import gast
import numpy

from ..core import anno
from ..core import ops
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from .. import argument_kinds
from . import def_use
from .fixed_point import UNKNOWN, Readers, assume, reachable, retract
from .layouts import Layouts, matmul_layout
from .list_stacks import stack_pops
from .reduction_methods import mark_array_reduction
from .. import runtime
from .. import runtime_objects
from ..core.first_use import imported_when_called

# modules only some functions need, loaded with the first call of these (core/first_use.py)
direct_matmul_adjoints = imported_when_called("astgrad.analysis.matmul_adjoints", "direct_matmul_adjoints")
same_shape_calls = imported_when_called("astgrad.analysis.shape_flow", "same_shape_calls")

SCALAR = "()"
_SHAPE_OF_FIRST = {runtime.zeros_like, runtime.list_rows}
_SHAPE_OF_SECOND = {runtime.unbroadcast, runtime.broadcast_like, runtime.unreduce, runtime.unindex,
                    runtime.unloop_item}
_ELEMENTWISE_OPS = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)
_OBJECT_BUILDERS = (runtime_objects.instance, runtime_objects.record, runtime_objects.with_attribute)


class ShapeClasses:
    """Shape classes by an optimistic fixed point: a name assigned several times
    (a loop variable) gets a class if every assignment agrees on it; assignments
    that disagree, or depend on names without a class, take it away again."""

    def __init__(self, body, params, adjoints, scalars=(), kinds=None, uses=None):
        """``uses``: ``_names_and_numeric_uses`` of each statement's value, where
        already found (see ``_calls_by_target``)."""
        found = def_use.index(body, _names_and_numeric_uses, uses)     # one walk of the body
        definitions = found.definitions
        self.cls = {p: p for p in params}
        self.params = set(params)
        # (and the values those ids and the stacks' pops name, kept: no node made after, when
        # buffer reuse asks these classes again, takes the id of one a pass has dropped)
        self.not_sequences, self.value_names, self._values = found.proven, found.value_names, found.values
        self.pops = self._stack_pops(found.statements, definitions)
        self.sequence_names = self.int_names = self._int_test = None    # lists, ints, its test: found when asked
        self.derivatives = set(adjoints.values())
        for name in scalars:
            self.cls[name] = SCALAR
        self.layouts = {}           # class -> its dimensions, True where the length is 1
        for name, kind in (kinds or {}).items():
            if name in self.cls and argument_kinds.is_scalar(kind):
                self.cls[name] = SCALAR
            elif name in self.cls and argument_kinds.layout(kind) is not None:
                self.layouts[name] = argument_kinds.layout(kind)
        for param in params:
            if param in definitions:
                definitions[param].append(S.name(param))      # its value on entry
        self.definitions, self._readers = definitions, Readers(definitions, self._mentions)     # for every round
        self.objects = set()        # names of objects the code built (see on_object)
        for name, values in definitions.items():
            for value in values:
                if type(value) is gast.Call and anno.get(value, Key.TARGET) in _OBJECT_BUILDERS:
                    self.objects.add(name)
        # A name assigned once by an operation whose result shape is not derived from
        # its operands' here (t = x @ w) is a class of its own: whatever its shape is,
        # it is the same at every use.
        self.roots = {name for name, values in definitions.items()
                      if len(values) == 1 and values[0] is not None and name not in self.cls
                      and _opaque(values[0]) and id(values[0]) not in self.pops}
        for name in self.roots:
            self.cls[name] = name
        if kinds:
            self._solve_with_layouts()
        else:
            self._verify(self._optimistic({}))      # the classes as the assumption left them
        for primal, adjoint in adjoints.items():
            if self.cls.get(primal) not in (None, _BOTTOM) and adjoint not in definitions:
                self.cls[adjoint] = self.cls[primal]
            elif self.cls.get(primal) not in (None, _BOTTOM):
                # every derivative has its value's shape, however often it is reassigned
                self.cls[adjoint] = self.cls[primal]
        self.value_names = None     # true of the tree as it is now; a rewrite may change it

    def _stack_pops(self, statements, definitions):
        """id(``s.pop()``) -> the distinct atoms pushed on ``s`` (see list_stacks), noting
        that a popped value depends on those. What holds of a popped value rests on which
        names and constants were pushed, not on how often: a stack pushed in every loop
        of a long function (``a_stack.append(a)``) has one atom, not one per loop, for
        each of its pops to look at."""
        pops, distinct = stack_pops(statements, definitions, self.value_names), {}
        for key, pushed in pops.items():
            found = distinct.get(id(pushed))        # the pops of one stack share its list
            if found is None:
                unique = {}
                for atom in pushed:
                    unique.setdefault(_atom_key(atom), atom)
                atoms = list(unique.values())
                found = distinct[id(pushed)] = (pushed, atoms, S.names_in(gast.Tuple(elts=atoms, ctx=gast.Load())))
            pops[key] = found[1]
            self.value_names[key] = self.value_names.get(key, set()) | found[2]
        return pops

    def _optimistic(self, settled=None):
        """Assume the classes; ``settled`` (returned) is given what ``assume`` gives it."""
        assume(self.definitions, self.cls, self.of, self._readers, settled)
        return settled

    def _mentions(self, value):
        """The names ``of(value)`` depends on."""
        found = self.value_names.get(id(value)) if self.value_names is not None else None
        return S.names_in(value) if found is None else found

    def _verify(self, settled=None):
        retract(self.definitions, self.cls, self.of, kept=self.roots, mentions=self._readers, settled=settled)

    def on_object(self, node):
        """Whether an operand of ``node`` is an object the code built: its class's own operator
        runs, whose result need not have its operands' shape (refused when differentiated)."""
        return any(type(operand) is gast.Name and operand.id in self.objects
                                    for operand in (node.left, node.right))

    def may_concatenate(self, node):
        """``a + b`` on two lists concatenates them and ``a * n`` with an int repeats a
        list: neither keeps its operand's shape. (A value of the same shape class as a
        list has its length, so only a number, class SCALAR, can be the ``n``.)"""
        left, right = node.left, node.right
        if id(node) in self.not_sequences:
            return False
        if isinstance(node.op, gast.Add):
            return self._may_be_sequence(left) and self._may_be_sequence(right)
        if isinstance(node.op, gast.Mult):
            return (self._may_be_sequence(left) and self._may_be_int(right)) or \
                (self._may_be_sequence(right) and self._may_be_int(left))
        return False

    def lists_found(self):
        """Whether the names that may hold lists and ints are found (from the values as they
        are when first asked, which later rewrites change: until then, ask in the same order)."""
        return self.int_names is not None and self.sequence_names is not None

    def _may_be_sequence(self, node):
        """Whether a primal value may be a list or tuple. Derivatives may be lists too,
        but theirs add element by element."""
        if self.sequence_names is None:
            self.sequence_names = _least_solution(self.definitions, self._name_may_be_sequence, self._readers.get(),
                                                  self.derivatives)
        return self._value_may_be_sequence(node, self.sequence_names)

    def _name_may_be_sequence(self, name, sequences):
        """Whether ``name`` may hold a list or tuple, if the names that may are ``sequences``."""
        if name in self.derivatives:
            return False
        if name in self.params or name not in self.definitions:
            return True
        return any(value is None or id(value) not in self.not_sequences
                   and self._value_may_be_sequence(value, sequences)
                   for value in self.definitions[name])

    def _value_may_be_sequence(self, node, sequences):
        kind = type(node)       # gast's node classes have no subclasses: cheaper than isinstance
        if kind is gast.Name:
            name = node.id
            if name in self.derivatives:
                return False
            return name in self.params or name not in self.definitions or name in sequences
        if kind is gast.Constant or kind is gast.UnaryOp or kind is gast.Compare:
            return False
        if kind is gast.BinOp:
            if isinstance(node.op, gast.Add):
                return self._value_may_be_sequence(node.left, sequences) \
                    and self._value_may_be_sequence(node.right, sequences)
            if isinstance(node.op, gast.Mult):
                return (self._value_may_be_sequence(node.left, sequences) and self._may_be_int(node.right)) or \
                    (self._value_may_be_sequence(node.right, sequences) and self._may_be_int(node.left))
            return False
        if ops.in_place_operands(node):
            return self._value_may_be_sequence(node.args[0], sequences)      # xs += [v] extends a list
        if id(node) in self.pops:           # what was pushed
            return any(self._value_may_be_sequence(atom, sequences) for atom in self.pops[id(node)])
        if isinstance(node, gast.Call):
            return not _returns_array_or_number(anno.get(node, Key.TARGET))
        return True

    def _may_be_int(self, node):
        """Whether a value may be a Python int or bool (which repeats a list it
        multiplies; NumPy's numbers do not)."""
        if self.int_names is None:
            self.int_names = _least_solution(self.definitions, self._name_may_be_int, self._readers.get(),
                                             self.derivatives)
            self._int_test = self._int_name(self.int_names)     # made once: asked of every product
        return _value_may_be_int(node, self._int_test)

    def _name_may_be_int(self, name, ints):
        if name in self.derivatives:
            return False
        if name in self.params or name not in self.definitions:
            return True
        may_be = self._int_name(ints)
        return any(value is None or _value_may_be_int(value, may_be) for value in self.definitions[name])

    def _int_name(self, ints):
        """Whether a name may hold a Python int, if the names that may are ``ints``."""
        derivatives, params, definitions = self.derivatives, self.params, self.definitions
        return lambda name: name not in derivatives and (name in params or name not in definitions or name in ints)

    def _join(self, a, b):
        if a is None or b is None:
            return None
        if a == b or b == SCALAR:
            return a
        if a == SCALAR:
            return b
        left, right = self.layouts.get(a), self.layouts.get(b)
        if left is not None and right is not None:
            # a shape without 1s is the broadcast of itself with any shape of no more
            # dimensions (or the code raises)
            if not any(left) and len(left) >= len(right):
                return a
            if not any(right) and len(right) >= len(left):
                return b
        return _join(a, b)

    def _solve_with_layouts(self):
        """The fixed point, with the dimensions of roots found from their operands'. A
        root's dimensions may rest on a class the verification later takes away: then
        the root is solved again without them, until every assumption holds."""
        start_cls, start_layouts, pinned = dict(self.cls), dict(self.layouts), set()
        while True:
            self.cls, self.layouts = dict(start_cls), dict(start_layouts)
            assumed, _ = self._root_layouts(pinned)
            settled = self._optimistic({})
            more, changed = self._root_layouts(pinned)
            assumed.update(more)
            if changed:         # else the fixed point found is one still: a second would find nothing
                self._optimistic()
                settled = self._unaffected(settled, changed)
            self._verify(settled)
            wrong = {name for name, found in assumed.items()
                     if self._layout_of(self.definitions[name][0]) != found}
            if not wrong:
                return
            pinned |= wrong

    def _root_layouts(self, pinned):
        """Dimensions of names assigned once by ``@``, by indexing with a number and by
        full reductions, from their operands' (a few rounds: roots feed roots), and the
        roots whose class or layout that changed."""
        assumed, changed = {}, set()
        for _ in range(4):
            for name in sorted(self.roots - pinned):
                found = self._layout_of(self.definitions[name][0])
                if found == () and self.cls.get(name) != SCALAR or found and self.layouts.get(name) != found:
                    changed.add(name)
                if found == ():
                    self.cls[name] = SCALAR
                elif found is not None:
                    self.layouts[name] = found
                if found is not None:
                    assumed[name] = found
        return assumed, changed

    def _unaffected(self, settled, changed):
        """``settled`` (what ``assume`` gave each name its class by) without the names
        whose class may rest on the classes or layouts of the roots ``changed`` since:
        those whose values mention one, and so on (a class is made of the classes of the
        names a value mentions, and a layout is asked of a class only where it is a root's
        own). Their classes are checked again in full; the others' hold as found."""
        readers = self._readers.get()
        affected = reachable(changed, lambda name: readers.get(name, ()))
        return {name: value for name, value in settled.items() if name not in affected}

    def layout_of_class(self, cls):
        return () if cls == SCALAR else self.layouts.get(cls)

    def _layout_of(self, value):
        if isinstance(value, gast.BinOp) and isinstance(value.op, gast.MatMult):
            return matmul_layout(self.layout_of_class(self.of(value.left)),
                                  self.layout_of_class(self.of(value.right)))
        if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
            array = self.layout_of_class(self.of(value.value))
            index = value.slice
            if array and (self.of(index) == SCALAR and not isinstance(index, gast.Constant)
                          or isinstance(index, gast.Constant) and type(index.value) is int):
                return array[1:]
            return None
        if isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords:
            target = anno.get(value, Key.TARGET)
            if target in _FULL_REDUCTIONS and self.layout_of_class(self.of(value.args[0])) is not None:
                return ()
        return None

    def _popped(self, pushed):
        """The class of a value popped from a stack ``pushed`` atoms were pushed on: theirs,
        where they agree on one made of parameters only (a root's shape may differ from
        one of its earlier values' in a loop)."""
        found = None
        for atom in pushed:
            cls = self.of(atom)
            if cls is None or found is not None and cls != found:
                return None
            found = cls
        members = found if type(found) is frozenset else {found}
        return found if found == SCALAR or found is not None and members <= self.params else None

    def name_class(self, name):
        found = self.cls.get(name)
        return None if found is _BOTTOM else found

    def of(self, node):
        """The shape class of an expression, or None if unknown."""
        kind = type(node)       # gast's node classes have no subclasses: cheaper than isinstance
        if kind is gast.Name:
            found = self.cls.get(node.id)
            return None if found is _BOTTOM else found
        if kind is gast.Constant:
            return SCALAR if isinstance(node.value, (int, float)) and not isinstance(node.value, bool) else None
        if kind is gast.UnaryOp and isinstance(node.op, (gast.USub, gast.UAdd)):
            return self.of(node.operand)
        if kind is gast.BinOp and isinstance(node.op, _ELEMENTWISE_OPS):
            if not self.lists_found():
                if self.may_concatenate(node) or self.objects and self.on_object(node):
                    return None
                return self._join(self.of(node.left), self.of(node.right))
            # the operands' classes first: where one is unknown so is the result, and
            # whether the operation may join lists (a walk of the operands) is not asked
            left = self.of(node.left)
            right = None if left is None else self.of(node.right)
            if right is None or self.may_concatenate(node) or self.objects and self.on_object(node):
                return None
            return self._join(left, right)
        if kind is gast.Call:
            if id(node) in self.pops:
                return self._popped(self.pops[id(node)])
            target = anno.get(node, Key.TARGET)
            if target in _SHAPE_OF_SECOND and len(node.args) >= 2:
                return self.of(node.args[1])
            if target in _SHAPE_OF_FIRST and node.args:      # a list's tangent as an array: its shape
                return self.of(node.args[0])
            if ops.in_place_operands(node):                     # y op= v: the shape of y op v
                return self.of(node.args[0])
            if _is_elementwise(target) and len(node.args) == getattr(target, "nin", 1) and not node.keywords:
                result = self.of(node.args[0])
                for arg in node.args[1:]:
                    result = self._join(result, self.of(arg))
                return result
        return None


def _atom_key(atom):
    """A pushed atom (a name or a constant) as a key equal for the same name or the same
    constant (of the same type: 1, 1.0 and True differ); a constant whose value has no
    hash is a key of its own."""
    if isinstance(atom, gast.Name):
        return ("name", atom.id)
    try:
        hash(atom.value)
    except TypeError:
        return ("node", id(atom))
    return ("constant", type(atom.value), atom.value)


_BOTTOM = UNKNOWN
_FULL_REDUCTIONS = {numpy.sum, numpy.mean, numpy.prod, numpy.max, numpy.min, numpy.amax, numpy.amin}


_REJECT_SEQUENCES = frozenset({gast.Sub, gast.Div, gast.Pow, gast.FloorDiv, gast.Mod, gast.MatMult})


def _least_solution(definitions, holds, readers, never=frozenset()):
    """The names for which ``holds(name, found)`` is true in the least solution: start
    from none and add a name when ``holds`` says so for the names found so far, looking
    again at a name when a name its values mention is added. (Following each name's
    values recursively, with the names on the way counting as false, gives the same
    names, but went as deep as the longest chain of assignments and could try every path.)
    ``readers``: name -> the names whose values mention it (``fixed_point.Readers``, shared
    with the classes' fixed point); ``never``: names for which ``holds`` is false whatever
    is found (not looked at)."""
    found, pending = set(), [name for name in definitions if name not in never]
    while pending:
        name = pending.pop()
        if name not in found and name not in never and holds(name, found):
            found.add(name)
            pending.extend(readers.get(name, ()))
    return found


def _names_and_numeric_uses(value):
    """(the names ``value`` mentions, the names it uses where a list would raise)."""
    found = (set(), set())
    _value_calls(value, found, None, 0)     # the walk of _calls_by_target, noting no call
    return found


def names_and_numeric_uses_of(nodes):
    """``_names_and_numeric_uses`` of a value from its nodes (``syntax.operand_nodes`` of
    it, in any order), for a pass that has them: what ``ShapeClasses`` takes as ``uses``."""
    names, used = set(), set()
    name_type, noted, note = gast.Name, _NOTED, _note_use
    for node in nodes:
        kind = node.__class__
        if kind is name_type:
            names.add(node.id)
        elif kind in noted:
            note(node, names, used)
    return names, used


_NOTED = frozenset({gast.BinOp, gast.Call, gast.UnaryOp})    # what _value_calls notes


def _note_use(node, names, used):
    """Add what ``node`` itself says to ``_names_and_numeric_uses``'s two sets."""
    kind = type(node)           # gast's node classes have no subclasses: cheaper than isinstance
    if kind is gast.Name:
        names.add(node.id)
        return
    if kind is gast.BinOp:
        op, left, right = type(node.op), node.left, node.right
        if op in _REJECT_SEQUENCES:
            operands = (left, right)
        elif op is gast.Add or op is gast.Mult:
            if type(left) is not gast.Constant and type(right) is not gast.Constant:
                return          # no number beside either operand (the commonest case)
            # a list plus a number, or times a float, raises (times an int repeats it)
            operands = _beside_number(left, right, node.op) + _beside_number(right, left, node.op)
        else:
            return
    elif kind is gast.UnaryOp and isinstance(node.op, (gast.USub, gast.UAdd)):
        operands = (node.operand,)
    elif kind is gast.Call and getattr(anno.get(node, Key.TARGET), "__module__", None) == "math":
        operands = node.args
    else:
        return
    for operand in operands:
        if type(operand) is gast.Name:
            used.add(operand.id)


def _value_may_be_int(node, name_may_be):
    """Whether ``node`` may be a Python int or bool: an operation's result is one only where
    its operands are (with a float or an array it is a float or an array), a ufunc's never."""
    kind = type(node)
    if kind is gast.Constant:
        return type(node.value) in (int, bool)
    if kind is gast.Name:
        return name_may_be(node.id)
    if kind is gast.BinOp:
        if isinstance(node.op, (gast.Div, gast.MatMult)):
            return False
        return _value_may_be_int(node.left, name_may_be) and _value_may_be_int(node.right, name_may_be)
    if kind is gast.UnaryOp and isinstance(node.op, (gast.USub, gast.UAdd, gast.Invert)):
        return _value_may_be_int(node.operand, name_may_be)
    if kind is gast.Call:
        target = anno.get(node, Key.TARGET)
        return not (isinstance(target, numpy.ufunc) or target is runtime.unreduce)
    return True


def _beside_number(operand, other, op):
    """(``operand``,) where ``other`` is a number constant a list cannot be added to, or
    (for ``*``) a float or complex one it cannot be multiplied by; else ()."""
    if type(other) is not gast.Constant or type(other.value) not in _NUMBER_TYPES:
        return ()
    return (operand,) if type(op) is gast.Add or type(other.value) in (float, complex) else ()


_NUMBER_TYPES = (int, float, complex, bool)


def _returns_array_or_number(target):
    """NumPy functions, ``math`` functions and astgrad's helpers never return a list."""
    module = getattr(target, "__module__", None) or ""
    return isinstance(target, numpy.ufunc) or module == "math" or module.split(".")[0] == "numpy" \
        or target in _SHAPE_OF_SECOND or target is runtime.zeros_like


def _opaque(value):
    """An operation whose result's shape class ``ShapeClasses.of`` cannot derive."""
    if isinstance(value, (gast.Name, gast.Constant, gast.UnaryOp)):
        return False
    if isinstance(value, gast.BinOp):
        return not isinstance(value.op, _ELEMENTWISE_OPS)
    if isinstance(value, gast.Call):
        target = anno.get(value, Key.TARGET)
        return not (target in _SHAPE_OF_SECOND or target in _SHAPE_OF_FIRST or _is_elementwise(target)
                    or ops.in_place_operands(value))
    return isinstance(value, (gast.Subscript, gast.Attribute))


def _join(a, b):
    """The class of the broadcast of values of classes ``a`` and ``b``. A class stands
    for the broadcast of the shapes of a set of names (parameters and roots: a name,
    SCALAR for none, a frozenset for several); broadcasting, where it succeeds, is
    associative, commutative and idempotent, so the result is the union of the sets
    (``x * y + x`` has the shape of ``x * y``)."""
    if a is None or b is None:
        return None
    if a == SCALAR:
        return b
    if b == SCALAR or a == b:
        return a
    joined = (a if type(a) is frozenset else frozenset((a,))) | (b if type(b) is frozenset else frozenset((b,)))
    return a if joined == a else b if joined == b else joined


def _is_elementwise(target):
    if isinstance(target, numpy.ufunc):
        # gufuncs (numpy.matmul: (n?,k),(k,m?)->(n?,m?)) and ufuncs with several
        # results (numpy.modf) do not keep their operands' broadcast shape
        return target.signature is None and target.nout == 1
    if isinstance(target, types.BuiltinFunctionType) and getattr(target, "__module__", None) == "math":
        return target in (math.sin, math.cos, math.tan, math.exp, math.log1p, math.sqrt, math.tanh,
                          math.sinh, math.cosh, math.asin, math.acos, math.atan, math.fabs, math.expm1)
    return target is builtins.abs


def drop_needless_unbroadcasts(body, params, adjoints, scalars=(), kinds=None, numpy_name=None, found=None):
    """Replace ``unbroadcast(e, x)`` and ``broadcast_like(e, x)`` by ``e`` where ``e``
    provably already has the shape of ``x``. In code specialized to ``kinds``, also write
    the adjoints of ``@`` as plain products where ``numpy_name()`` (the name numpy goes by)
    is given (see ``matmul_adjoints``). ``found``, a dict, is given the calls of ``body``
    (those whose target is hashable) under "calls", as they were before the rewrites (by
    target, as ``_calls_by_target`` gives them), and in specialized code the full sums and means marked to be called as array methods (``reduction_methods``)
    under "array_reductions"; and the shape classes it found under "classes"
    (``backend.reuse_buffers`` asks them again)."""
    calls, uses = _calls_by_target(body)     # the rewrites below look at calls of these only
    if found is not None:
        found["calls"] = calls
    if not kinds and runtime.unbroadcast not in calls and runtime.broadcast_like not in calls:
        # nothing to drop (a callee's value code, most general forward code): the classes
        # are found only where dead-code elimination asks of a dead statement's broadcast
        if found is not None:
            found["same_shape"] = _same_shape_when_asked(body, params, adjoints, scalars)
        return body
    classes = ShapeClasses(body, params, adjoints, scalars, kinds, uses)
    if found is not None:
        found["same_shape"] = lambda a, b: _broadcast_fits(classes, a, b)
        found["classes"] = classes
    # the classes' readers (who mentions whom) serve the layouts too: they have every
    # name a value's layout rests on (its names, and those pushed on a stack it pops)
    layouts = Layouts(classes.definitions, params, adjoints, scalars, kinds, _is_elementwise,
                      _SHAPE_OF_SECOND, classes._readers) if kinds else None

    # in general code, where a class is not known the shapes followed through the code
    # may still match (specialized code knows its arrays' layouts, and its later
    # rewrites, _keep_scalar_seeds, read the classes alone)
    flow = None if kinds else lambda: same_shape_calls(body, classes, classes.of, classes._join, _is_elementwise)
    _drop_unbroadcasts(calls.get(runtime.unbroadcast, []) + calls.get(runtime.broadcast_like, []),
                       classes, layouts, flow)
    if kinds:
        # a seed spread like a value takes its dtype (runtime._like_dtype): where float
        # arrays of several precisions meet, neither a narrower array nor a bare number
        # may stand in for a value of the widest precision
        narrower = argument_kinds.narrower_inexact(kinds)
        # a list has the shape NumPy reads it as, but the shape helpers read a list as a list
        _shapes_from_parameters([entry[1] for target in _SHAPE_OF_SECOND for entry in calls.get(target, ())],
                                [param for param in params if param not in narrower
                                 and kinds.get(param) != argument_kinds.LIST], classes, layouts)
        if runtime.unreduce in calls and not narrower:
            _keep_scalar_seeds(body, layouts, params)
        if runtime.repeat_count in calls:
            _sizes(body, layouts, params)
        reductions = []
        for target in (numpy.sum, numpy.mean):
            for entry in calls.get(target, ()):
                if anno.get(mark_array_reduction(entry[1], layouts), Key.ARRAY_REDUCTION, False):
                    reductions.append(entry[1])
        if found is not None:
            found["array_reductions"] = reductions
        if numpy_name is not None and (runtime.matmul_adjoint_left in calls or runtime.matmul_adjoint_right in calls):
            direct_matmul_adjoints(body, layouts, kinds, numpy_name)
    return body


def _same_shape_when_asked(body, params, adjoints, scalars):
    """``_broadcast_fits`` of the shape classes of ``body`` (general code), found when
    first asked. The passes before the question only remove dead statements and rewrite
    others into the same values, so the classes of the body as it is then hold of the
    values the statement asked about reads."""
    found = []

    def same_shape(a, b):
        if not found:
            found.append(ShapeClasses(body, params, adjoints, scalars))
        return _broadcast_fits(found[0], a, b)
    return same_shape


def _broadcast_fits(classes, a, b):
    """Whether names ``a`` and ``b`` surely broadcast together (``a op b`` cannot raise
    for their shapes): one has shape (), or the names of one's class are some of the
    other's (a class is the broadcast of its names' shapes, which exists where a value
    of the class does, and broadcasting it with a part of itself gives itself)."""
    first, second = classes.name_class(a), classes.name_class(b)
    if first is None or second is None:
        return first == SCALAR or second == SCALAR
    if first == SCALAR or second == SCALAR or first == second:
        return True
    first = first if type(first) is frozenset else frozenset((first,))
    second = second if type(second) is frozenset else frozenset((second,))
    return first <= second or second <= first


def _calls_by_target(body):
    """The calls of ``body`` by the object they resolve to (``Key.TARGET``; hashable ones
    only), each as (its position in a depth-first walk, the call, its parent, the
    parent's field holding it, its index in that list or None): a call comes after the
    calls around it. None of the rewrites makes a call another one looks for, so the
    calls found here are all they look at.

    And, found on the same walk, id(value) -> ``_names_and_numeric_uses(value)`` for the
    value of each assignment and expression statement (``def_use.index`` reads them)."""
    calls, count, uses = {}, 0, {}
    stack = [gast.Module(body=body, type_ignores=[])]
    with_value, definitions = (gast.Assign, gast.Expr), _DEFINITIONS
    assign_type, expr_type, name_type, call_type = gast.Assign, gast.Expr, gast.Name, gast.Call
    while stack:
        node = stack.pop()
        kind = node.__class__
        if kind is assign_type and len(node.targets) == 1 and node.targets[0].__class__ is name_type \
                and node.targets[0].annotation is None or kind is expr_type:
            # the commonest statements, walked as below without their target (a plain name
            # holds no call): their value, in the same order
            value = node.value
            if value.__class__ is call_type:
                count = _add_call(calls, count, value, node, "value", None)
            found = (set(), set())
            count = _value_calls(value, found, calls, count)
            uses[id(value)] = found if found[1] else (found[0], _NONE_USED)
            continue
        if kind in definitions:
            count = _definition_calls(node, calls, count)
            continue
        count = _push_children(node, stack, calls, count)
        if node.__class__ in with_value:
            value = stack.pop()     # its last field, so the next node the walk would take
            found = (set(), set())
            count = _value_calls(value, found, calls, count)
            uses[id(value)] = found if found[1] else (found[0], _NONE_USED)
    return calls, uses


# the numeric uses of a value that has none (most have none), shared: an empty set for
# each statement was a tenth of the memory the optimize passes hold at their peak
_NONE_USED = frozenset()


_DEFINITIONS = frozenset({gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef})


def _definition_calls(node, calls, count):
    """``_calls_by_target``'s walk of a nested definition (all of it, as the walk would
    take it next): its statements are not the body's (``walk_statements`` skips them),
    so their values get no entry in ``uses``."""
    stack = [node]
    while stack:
        count = _push_children(stack.pop(), stack, calls, count)
    return count


def _push_children(node, stack, calls, count):
    """Put ``node``'s operands on ``stack``, noting those that are calls in ``calls``."""
    ast_type, call_type = gast.AST, gast.Call
    for field in walk.OPERAND_FIELDS[node.__class__]:
        value = getattr(node, field, None)
        if isinstance(value, ast_type):
            stack.append(value)
            if value.__class__ is call_type:
                count = _add_call(calls, count, value, node, field, None)
        elif type(value) is list:
            for index, item in enumerate(value):
                if isinstance(item, ast_type):
                    stack.append(item)
                    if item.__class__ is call_type:
                        count = _add_call(calls, count, item, node, field, index)
    return count


def _value_calls(value, found, calls, count):
    """``_calls_by_target``'s walk of one statement's value: its calls, and what
    ``_note_use`` says of its nodes into ``found``."""
    names, used = found
    name_type, constant_type, binop_type, call_type = gast.Name, gast.Constant, gast.BinOp, gast.Call
    noted, note = (gast.UnaryOp,), _note_use
    stack = [value]
    push, pop = stack.append, stack.pop
    while stack:
        node = pop()
        kind = node.__class__
        if kind is name_type:
            names.add(node.id)
            if node.annotation is None:
                continue                # a leaf: nothing below it
        elif kind is constant_type:
            continue
        elif kind is binop_type:        # the commonest inner node, walked here
            note(node, names, used)
            left, right = node.left, node.right
            push(left)
            push(right)
            if left.__class__ is call_type:
                count = _add_call(calls, count, left, node, "left", None)
            if right.__class__ is call_type:
                count = _add_call(calls, count, right, node, "right", None)
            continue
        elif kind is call_type:         # and calls, the next commonest
            note(node, names, used)
            func = node.func
            push(func)
            if func.__class__ is call_type:
                count = _add_call(calls, count, func, node, "func", None)
            for index, arg in enumerate(node.args):
                push(arg)
                if arg.__class__ is call_type:
                    count = _add_call(calls, count, arg, node, "args", index)
            stack.extend(node.keywords)
            continue
        elif kind in noted:
            note(node, names, used)
        count = _push_children(node, stack, calls, count)
    return count


def _add_call(calls, count, call, parent, field, index):
    if calls is None:
        return count    # a walk for the names and uses alone
    try:
        calls.setdefault(anno.get(call, Key.TARGET), []).append((count, call, parent, field, index))
    except TypeError:
        pass            # an unhashable object: none of the functions looked for
    return count + 1


def _drop_unbroadcasts(entries, classes, layouts, flow=None):
    """``unbroadcast(e, x)`` -> ``e`` where the shape classes (or layouts) of ``e`` and
    ``x`` agree, or where ``flow()`` (called once, where a class is not known) has the
    call, for the calls ``entries`` (from ``_calls_by_target``). The deepest go first
    (in the reverse of the walk's order), so each call is decided once the calls inside
    it are, as a rewrite from the leaves up would."""
    followed = None
    for _, node, parent, field, index in sorted(entries, key=lambda entry: entry[0], reverse=True):
        if len(node.args) != 2:
            continue
        a, b = classes.of(node.args[0]), classes.of(node.args[1])
        same = a is not None and a == b or layouts is not None \
            and layouts.of(node.args[0]) is not None and layouts.of(node.args[0]) == layouts.of(node.args[1])
        if not same and flow is not None and (a is None or b is None):
            followed = flow() if followed is None else followed
            same = id(node) in followed
        if not same:
            continue
        if index is None:
            setattr(parent, field, node.args[0])
        else:
            getattr(parent, field)[index] = node.args[0]


class _Sizes(walk.CallTransformer):
    """``repeat_count(x)`` -> ``x.size`` for an array ``x`` of known layout (``p.size`` for a
    parameter ``p`` of the same shape, see ``same_shape_parameter``)."""

    def __init__(self, layouts, params):
        self.layouts = layouts
        self.params = params

    def visit_Call(self, node):
        self.generic_visit(node)
        if anno.get(node, Key.TARGET) is runtime.repeat_count and node.args and _counts_all(node) \
                and isinstance(node.args[0], gast.Name) and self.layouts.of(node.args[0]):
            # the size of a parameter of the same shape: the array itself need not be kept
            same = same_shape_parameter(node.args[0].id, self.layouts, self.params)
            return gast.Attribute(value=S.name(same) if same else node.args[0], attr="size", ctx=gast.Load())
        return node


def _counts_all(node):
    """Whether ``repeat_count(x, axis=None, keepdims=..., where=True)`` counts every element
    of ``x`` (``x.size``, whatever ``keepdims``): no axis and no mask."""
    given = dict(zip(("axis", "keepdims", "where"), node.args[1:]))
    given.update((kw.arg, kw.value) for kw in node.keywords)
    if set(given) - {"axis", "keepdims", "where"}:
        return False
    constant = {name: value.value for name, value in given.items() if isinstance(value, gast.Constant)}
    return len(constant) == len(given) and constant.get("axis") is None and constant.get("where", True) is True


def _sizes(body, layouts, params):
    rewrite = _Sizes(layouts, params)
    for stmt in body:
        rewrite.visit(stmt)


def _keep_scalar_seeds(body, layouts, params=()):
    """``v = unreduce(e, x)`` -> ``v = e`` for a number ``e`` (the adjoint of a full
    reduction) when every read of ``v`` is inside arithmetic whose result has the same
    layout whether ``v`` is a number or has ``x``'s layout: that arithmetic broadcasts
    ``e`` to the same shape, so the array ``unreduce`` builds is not needed. A read that
    is the whole value of a name assigned only there (``w = -v``, ``w = v``) makes ``w`` a number
    too, under the same condition on its own reads. ``params``: those ``layouts.definitions``
    was given as ``ShapeClasses`` gives them (their values on entry added)."""
    tables = None
    for stmt in walk.walk_statements(body):
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
                and isinstance(stmt.value, gast.Call) and anno.get(stmt.value, Key.TARGET) is runtime.unreduce
                and len(stmt.value.args) >= 2):
            continue
        name, (seed, shaped) = stmt.targets[0].id, stmt.value.args[:2]
        target = layouts.of(shaped)
        if layouts.of(seed) != () or not target or layouts.names.get(name) != target \
                or _assigned_plainly(name, layouts.definitions, params) > 1:
            continue        # (assigned twice: the check below would say so, after a walk of the body)
        parents, loads, assigned = tables = tables or _parents_and_names(body)
        if len(assigned.get(name, ())) != 1:
            continue
        if _numbers_either_way(name, target, layouts, parents, loads, assigned):
            stmt.value = seed


def _assigned_plainly(name, definitions, params):
    """How many statements ``name = value`` of the body (not in nested definitions, restores
    and placeholders left out) assign ``name``: each has a Name node storing it, so where
    there are two, ``_parents_and_names`` finds two such nodes. (A parameter's entry for its
    value on entry is not one.)"""
    plain = sum(value is not None for value in definitions.get(name, ()))
    return plain - 1 if name in params and plain else plain


def _parents_and_names(body):
    """(id(node) -> its parent, name -> its Load nodes, name -> its other Name nodes),
    the names in the order ``syntax.walk_nodes`` visits them (one walk, breadth first).
    Only names and arithmetic get a parent (the lookups climb from names through
    arithmetic), and a name is noted as it is queued rather than walked: first in, first
    out, so in the same order."""
    parents, loads, assigned = {}, {}, {}
    ast_type, name_type, constant_type, load_type = gast.AST, gast.Name, gast.Constant, gast.Load
    fields, climbed = walk.OPERAND_FIELDS, _CLIMBED
    todo = deque([gast.Module(body=body, type_ignores=[])])
    append, popleft = todo.append, todo.popleft
    while todo:
        node = popleft()
        for field in fields[node.__class__]:   # the children but operators and contexts, in order
            value = getattr(node, field, None)
            for child in value if type(value) is list else (value,):
                kind = child.__class__
                if kind is name_type:
                    parents[id(child)] = node
                    table = loads if child.ctx.__class__ is load_type else assigned
                    table.setdefault(child.id, []).append(child)
                    if child.annotation is not None:
                        append(child)   # a leaf otherwise
                elif kind is not constant_type and isinstance(child, ast_type):
                    if kind in climbed:
                        parents[id(child)] = node
                    append(child)
    return parents, loads, assigned


_CLIMBED = frozenset({gast.BinOp, gast.UnaryOp})    # (_arithmetic_root's)


def _numbers_either_way(name, target, layouts, parents, loads, assigned):
    """Whether ``name`` (and the names assigned from its arithmetic, see
    ``_keep_scalar_seeds``) can hold a number instead of an array of layout ``target``."""
    group, pending, roots = [], [name], []
    while pending:
        current = pending.pop()
        group.append(current)
        for use in loads.get(current, ()):
            root = _arithmetic_root(use, parents)
            if root is None and isinstance(parents.get(id(use)), gast.Assign):
                root = use                      # a copy: w = v
            if root is None:
                return False
            holder = parents.get(id(root))
            defined = holder.targets[0].id if isinstance(holder, gast.Assign) and len(holder.targets) == 1 \
                and isinstance(holder.targets[0], gast.Name) and holder.value is root else None
            if defined is not None and defined not in group and defined not in pending \
                    and len(assigned.get(defined, ())) == 1 and layouts.names.get(defined) == target \
                    and len(group) + len(pending) < 16 and not _same_either_way(root, [current], target, layouts) \
                    and _layout_as_numbers(root, group + pending, layouts) == ():
                pending.append(defined)         # a number too (w = -v), if its own reads allow it
            elif defined not in group:
                roots.append(root)
    return all(_same_either_way(root, group, target, layouts) for root in roots)


def _arithmetic_root(node, parents):
    """The largest arithmetic expression around ``node`` (None if ``node`` is not in one)."""
    root = None
    parent = parents.get(id(node))
    while isinstance(parent, gast.BinOp) and isinstance(parent.op, (gast.Add, gast.Sub, gast.Mult, gast.Div)) \
            or isinstance(parent, gast.UnaryOp) and isinstance(parent.op, gast.USub):
        root = parent
        parent = parents.get(id(parent))
    return root


def _same_either_way(expression, names, target, layouts):
    as_number = _layout_as_numbers(expression, names, layouts)
    return as_number is not None and as_number == layouts.of(expression)


def _layout_as_numbers(expression, names, layouts):
    """The layout of ``expression`` where ``names`` hold numbers."""
    saved = {name: layouts.names[name] for name in names}
    try:
        layouts.names.update(dict.fromkeys(names, ()))
        return layouts.of(expression)
    finally:
        layouts.names.update(saved)


def _shapes_from_parameters(calls, params, classes, layouts=None):
    """``unreduce(e, t)`` -> ``unreduce(e, x)`` where parameter ``x`` has ``t``'s shape,
    for the shape helpers' ``calls``: ``t`` is then not kept alive (or computed) only
    for its shape."""
    by_class = {}
    for param in params:
        found = classes.name_class(param)
        if found is not None and found != SCALAR:
            by_class.setdefault(found, param)
    for node in calls:
        if len(node.args) >= 2 and isinstance(node.args[1], gast.Name):
            param = by_class.get(classes.name_class(node.args[1].id))
            if param is None and layouts is not None:
                param = same_shape_parameter(node.args[1].id, layouts, params)
            if param is not None:
                node.args[1] = S.name(param)


def same_shape_parameter(name, layouts, params, depth=0):
    """A parameter that is never assigned and provably has the shape of ``name``, or None.

    ``name`` must have a layout without dimensions of length 1 and be a parameter or be
    assigned once by elementwise arithmetic or an elementwise NumPy function: an operand
    of the same layout (same number of dimensions, none of length 1) has the result's
    shape, since broadcasting could only stretch dimensions of length 1. Following such
    operands to a parameter that is never assigned gives a name that has ``name``'s shape
    whenever ``name`` has a value, and that is alive everywhere."""
    found = layouts.names.get(name)
    if not found or found == _BOTTOM or any(found) or depth > 32:
        return None
    values = layouts.definitions.get(name)
    if name in params:
        return name if not values else None
    if values is None or len(values) != 1 or values[0] is None:
        return None
    for operand in _elementwise_operands(values[0]):
        if isinstance(operand, gast.Name) and layouts.names.get(operand.id) == found:
            param = same_shape_parameter(operand.id, layouts, params, depth + 1)
            if param is not None:
                return param
    return None


def _elementwise_operands(value):
    if isinstance(value, gast.BinOp) and isinstance(value.op, _ELEMENTWISE_OPS):
        return [value.left, value.right]
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, (gast.USub, gast.UAdd)):
        return [value.operand]
    if isinstance(value, gast.Call) and not value.keywords:
        target = anno.get(value, Key.TARGET)
        if _is_elementwise(target) and len(value.args) == getattr(target, "nin", 1):
            return list(value.args)
    return []
