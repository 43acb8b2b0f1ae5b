"""Values proven to hold no object of a class astgrad does not know when it generates the code.

In a function that can meet objects of a class defining operators with code of its own
(``L.meets_operator_classes``), an operator is made a plain operator only where each
operand is *proven* plain: a number, an array, a string, or a list, tuple or dict of
such values, at any depth (unknown_operators.py dispatches every other operand when
the code runs). The proof follows Python's values, not the routes objects take into
containers (a route forgotten would be a wrong gradient with no error):

- a constant; what ``math`` gives; what NumPy and SciPy give where what they are given
  is plain (a dtype of numbers too: given an object, NumPy makes an array of objects or
  runs the object's own code); what ``len``, ``range``, ``int``,
  ``float``, ``isinstance`` ... give; an operator, an
  item, an attribute, a slice or a method of plain values; a display of them; a
  function of the user's each of whose returns computes a number (``returns_numbers``);
- a name every binding of which (assignments, loops and comprehensions over plain
  iterables, the arguments of inlined helpers and local functions, ``append``,
  ``update``, ``xs[i] = v`` and any method or call a name is handed to with other
  values) binds a plain value, and no alias of which (a name bound from it, or it from
  that name) is written into with a value that is not plain;
- a parameter the call looked at (``called_parameters``: function_args.py marks one
  holding such objects ``__astgrad_holding__``) that holds none;
- a leaf attribute of an argument whose layout the call found (``p.v``, a number when
  the function was made for that layout), or of the receiver of a method made for its
  layout (``self.x``: taken as a number or an array there, even where the object was
  built in the code with an object of a class astgrad does not know as that attribute),
  or of an object built in the code from plain values (``p = Params(W, b)``, also
  ``p = p - lr * g`` of such objects, and ``(V(a) // 1.0).v`` read without a name).

Anything else (a call of a helper that may hand back its argument, a global name, a
name the normalizer made) is not proven, so its operators find their method when the
code runs: slower, never wrong."""

import copy
import functools
import types
import weakref

import gast
import numpy

from ...core import methods as M
from ...core import ops
from ...core import syntax as S
from .. import object_layouts as L
from .instances import function_tree
from .scopes import parameters
from .unknown_objects import Items, all_bindings, gradient_transform, hands_back, returns_numbers, runs_operator
from ...core.first_use import imported_when_called

# modules only some functions need, loaded with the first call of these (core/first_use.py)
reached_from = imported_when_called("astgrad.core.reach", "reached_from")

# builtins whose result is a plain value whatever they are given
_ALWAYS_PLAIN = frozenset([len, range, int, float, complex, bool, str, repr, isinstance, issubclass, hasattr,
                           callable, id, hash, ord, chr, format])
# builtins (and copies) whose result is plain where what they are given is
_PLAIN_OF_PLAIN = frozenset([abs, round, divmod, pow, sum, min, max, sorted, reversed, list, tuple, set, frozenset,
                             dict, iter, next, enumerate, zip, map, filter, getattr, functools.reduce, copy.copy,
                             copy.deepcopy])
# what NumPy and SciPy compute is an array or a number where what they are given is: given
# an object, NumPy runs its __array_ufunc__, __array_function__ or the method named as the
# ufunc, or makes an array of objects whose items are the objects (np.array([v, w]))
_LIBRARIES = frozenset({"numpy", "scipy", "math", "cmath"})
# math's functions take __float__ of an object: a number whatever they are given
_FLOAT_LIBRARIES = frozenset({"math", "cmath"})
# a dtype handed to NumPy (dtype=np.float64, dtype=float); not dtype=object
_DTYPES = (numpy.generic, float, int, complex, bool)
_LEAF_TYPES = (float, int, complex, bool, str, numpy.ndarray, numpy.generic)


class ProvenPlainValues:
    """Normalizer methods proving an operator's operand plain (see the module docstring)."""

    def proven_plain(self, expr):
        """Whether ``expr`` (as written) is proven plain."""
        return self._plain(expr, self._not_plain_names())

    def proven_plain_wherever_called(self, expr):
        """``proven_plain`` taking no parameter for looked at: a helper's code is made once
        for every call, and a call handing it ``*args``, ``**kwargs`` or a container's item
        looked at nothing it hands on (a truth test's check, hooked_reads.py). Kept apart
        from the operators' proof, which the calls' Holding marks make."""
        own = self.__dict__.get("_not_plain"), self.__dict__.get("_made_plain", {})
        self._not_plain, self._made_plain = self.__dict__.get("_unlooked_proof", (None, {}))
        self._parameters_unlooked = True
        try:
            return self.proven_plain(expr)
        finally:
            self._parameters_unlooked = False
            self._unlooked_proof = self._not_plain, self._made_plain
            self._not_plain, self._made_plain = own

    def proven_without_receiver(self, operands):
        """Whether each of ``operands`` is proven plain without taking the attributes of a
        method's receiver for numbers (``self.x // 2.0`` in a method made for an object
        built with ``Pair(d["s"], y)``, whose ``x`` may be an object of a class the code
        does not know): asked for ``//`` and ``%``, whose derivative on numbers, zero,
        would give no sign of an object there."""
        kept = self.__dict__.get("_made_plain")
        self._trust_receiver, self._made_plain = False, {}
        try:
            return all(self.proven_plain(o) for o in operands)
        finally:
            self._trust_receiver, self._made_plain = True, kept if kept is not None else {}

    def note_plain_binding(self, name, value):
        """Count ``name = value``, the parameter of a helper inlined, among the bindings."""
        self.__dict__.setdefault("_extra_bindings", []).append(({name}, value, False))

    def _not_plain_names(self):
        """The names that may hold a value not plain (kept, grown as helpers are inlined)."""
        extra = self.__dict__.get("_extra_bindings", [])
        key = (len(self.inlined_trees), len(extra))
        kept = self.__dict__.get("_not_plain")
        if kept is not None and kept[0] == key:
            return kept[1]
        trees = [self.source.tree] + self.inlined_trees
        bindings = [b for tree in trees for b in _plain_bindings(tree, self.resolve_call)] + extra
        self._rebound = {n for targets, _, _ in bindings for n in targets}
        self._values_of = {}
        for targets, value, _ in bindings:
            for name in targets:
                self._values_of.setdefault(name, []).append(value)
        self._bound_names = self._rebound | self.locals_given()
        not_plain = self._unlooked_parameters()
        aliases = _aliases(bindings)
        # a value written into what a name holds is in what each alias of it holds too
        reaching = [(_reached(targets, aliases) if writes else targets, value) for targets, value, writes in bindings]
        grown = True
        while grown:
            grown = False
            for reached, value in reaching:
                if not reached <= not_plain and not self._plain(value, not_plain):
                    not_plain |= reached
                    grown = True
        self._not_plain = (key, not_plain)
        self._made_plain = {}
        return not_plain

    def _unlooked_parameters(self):
        """The parameters that may hold such objects: those the call did not look at, those
        it found holding some (``__astgrad_holding__``), objects whose layout the code
        knows (their methods may give anything) and the receiver of a method."""
        if self.__dict__.get("_parameters_unlooked"):
            return set(self.locals_given())
        fn = self.source.fn
        receiver = self.receiver()
        objects = set(getattr(fn, "__astgrad_holding__", ())) | set(getattr(fn, "__astgrad_layouts__", {})) \
            | ({receiver[0]} if receiver is not None else set())
        return self.locals_given() - (L.called_parameters(fn) - objects)

    def _plain(self, expr, not_plain):
        kind = type(expr)
        if kind is gast.Constant or kind is gast.JoinedStr:
            return True
        if kind is gast.Lambda:         # map(lambda o: o.v, objs): what it gives
            return self._plain(expr.body, not_plain)
        if kind is gast.Name:
            if expr.id in self._bound_names:
                return expr.id not in not_plain
            return self._plain_made(expr.id, not_plain) if expr.id in self.__dict__.get("_emitted", ()) \
                else self._plain_global([expr.id])
        if kind is Items:
            return self._plain(expr.iterable, not_plain)
        if kind is gast.Attribute:
            return self._plain(expr.value, not_plain) or self._leaf_attribute(expr, not_plain) \
                or self._plain_global(S.dotted_path(expr))
        if kind in (gast.Subscript, gast.Starred, gast.NamedExpr):
            return self._plain(expr.value, not_plain)
        parts = _parts(expr)
        if parts is not None:
            return all(self._plain(p, not_plain) for p in parts)
        return kind is gast.Call and self._plain_call(expr, not_plain)

    def _plain_made(self, name, not_plain):
        """Whether each value the normalizer bound its name ``name`` to is plain (a name
        met again while that is asked, in a loop, is not proven)."""
        found = self.__dict__.setdefault("_made_plain", {})
        if name not in found:
            found[name] = False
            found[name] = all(self._plain(v, not_plain) for v in self._emitted[name])
        return found[name]

    def _plain_call(self, call, not_plain):
        handed = call.args + [kw.value for kw in call.keywords]
        if isinstance(call.func, gast.Call) and gradient_transform(self.resolve_call(call.func)):
            # astgrad.grad(loss)(W, b): a gradient has its arguments' structure, with numbers in it
            return all(self._plain(a, not_plain) for a in handed)
        callee = self.resolve_call(call)
        if callee is None:
            callee = self._method_called(call.func)
        if callee is None:          # a method of a plain value (x.sum(), d.get(k, v)); a local function: not proven
            return isinstance(call.func, gast.Attribute) and self._plain(call.func.value, not_plain) \
                and all(self._plain(a, not_plain) for a in handed)
        if _is(callee, _ALWAYS_PLAIN) or _library(callee) in _FLOAT_LIBRARIES:
            return True
        if _library(callee) in _LIBRARIES:      # np.multiply(v, 2.0) runs v's __array_ufunc__ or __mul__
            return all(self._plain(a, not_plain) or self._plain_dtype(a) for a in handed)
        if _is(callee, _PLAIN_OF_PLAIN) or hands_back(callee) or runs_operator(callee):
            return all(self._plain(a, not_plain) for a in handed)
        return ops.is_user_function(callee) and returns_numbers(callee)

    def _method_called(self, func):
        """The function of the user's a call of ``func`` runs, where the code knows it: a
        method of an object of a class it follows (``layer(x)``, ``p.norm()``), or the
        function an argument was given (function_args.py); else None."""
        owner = self._object_class(func.value if isinstance(func, gast.Attribute) else func)
        if owner is not None:
            return M.user_function(M.static_attribute(owner, func.attr if isinstance(func, gast.Attribute)
                                                      else "__call__"))
        held = getattr(self.functions.get(func.id), "obj", None) if isinstance(func, gast.Name) else None
        if held is not None:        # a name bound to a function astgrad resolved (closures.py)
            return M.user_function(held) or M.user_function(M.static_attribute(type(held), "__call__"))
        if isinstance(func, gast.Name) and func.id in self.locals_given():
            return self.given_function(func.id)
        return None

    def _leaf_attribute(self, expr, not_plain):
        """Whether ``expr`` reads an attribute of an argument whose layout the call found
        (``p.v``, ``p.inner.w``) holding a number or an array, or a container holding no
        object of a class comparing or operating with code of its own: not one the layout
        lists, not one the function assigns, not a property, of an argument the function
        does not rebind and that holds no such object (function_args.py). The layout of an
        object the code builds says nothing of what its attributes hold."""
        fn, root, receiver = self.source.fn, L.root(expr), self.receiver()
        given = root in getattr(fn, "__astgrad_layouts__", {}) and root not in getattr(fn, "__astgrad_holding__", ())
        # the receiver of a method made for its layout (self.x in Vec.__add__): the layout
        # of an object built in the code; an object of a class astgrad does not know
        # handed to its constructor is not followed into its methods (not proven there)
        own = receiver is not None and root == receiver[0] and M.receiver_layout(fn) is not None \
            and self.__dict__.get("_trust_receiver", True) and receiver[0] not in getattr(fn, "__astgrad_holding__", ())
        # (V(x[0]) // 1.0).v: an object built from plain values, as p is in p = Params(W, b)
        built = self._built_of_plain(root, not_plain) if root is not None else self._builds_of_plain(expr.value,
                                                                                                     not_plain)
        if not (given or own) and not built or (given or own) and root in self._rebound:
            return False
        owner = self.layout(expr.value) if isinstance(expr.value, (gast.Name, gast.Attribute)) or root is None else None
        if owner is None or owner[0] != L.OBJECT or L.attribute(owner, expr.attr) is not None \
                or expr.attr in self.assigned_attributes():
            return False
        return _missing_on_class(owner[1], expr.attr) and self._object_class(expr) is None

    def _built_of_plain(self, name, not_plain):
        """Whether each binding of ``name`` builds an object of a class from plain values
        (``p = Params(W, b)``) or runs an operator of such objects (``p = p - lr * g``),
        so what its attributes hold is plain where its layout lists no object there."""
        values = self._values_of.get(name)
        return bool(values) and all(self._builds_of_plain(v, not_plain) for v in values)

    def _builds_of_plain(self, value, not_plain):
        if isinstance(value, (gast.BinOp, gast.UnaryOp)):
            return self._object_class(value) is not None and all(
                self._object_class(o) is not None or self._plain(o, not_plain) for o in _parts(value))
        return isinstance(value, gast.Call) and isinstance(self.resolve_call(value), type) \
            and self._object_class(value) is not None \
            and all(self._plain(a, not_plain) for a in value.args + [kw.value for kw in value.keywords])

    def _plain_dtype(self, expr):
        """Whether ``expr`` names a dtype of numbers (``np.float64``, ``float``): what a
        NumPy function given it makes holds numbers (``dtype=object`` holds objects)."""
        path = S.dotted_path(expr)
        if path is None or path[0] in self.locals:
            return False
        value = self.source.resolve_path(path) if len(path) > 1 else self.source.resolve(path[0])
        return isinstance(value, numpy.dtype) or isinstance(value, type) and issubclass(value, _DTYPES)

    def _plain_global(self, path):
        """Whether the dotted ``path`` (not a local name) names a module's number or array
        (``numpy.pi``); any other global is read when the code runs: not proven."""
        if path is None or len(path) < 2 or path[0] in self.locals:
            return False
        root = self.source.resolve(path[0])
        if not isinstance(root, types.ModuleType):
            return False
        return isinstance(self.source.resolve_path(path), _LEAF_TYPES)


def _library(callee):
    """The top-level module ``callee`` comes from (a ufunc has no ``__module__`` in some
    NumPy versions)."""
    if isinstance(callee, numpy.ufunc):
        return "numpy"
    return (getattr(callee, "__module__", None) or "").split(".")[0]


def _is(callee, known):
    try:
        return callee in known
    except TypeError:           # an unhashable object called
        return False


def _missing_on_class(cls, attr):
    """Whether ``cls`` has nothing named ``attr`` (a property or a class attribute would
    give what its code or the class holds)."""
    return all(attr not in vars(klass) for klass in cls.__mro__)


def _parts(expr):
    """The values a plain ``expr`` is made of (operands, items, branches), or None for
    an expression of another kind."""
    kind = type(expr)
    if kind is gast.BinOp:
        return [expr.left, expr.right]
    if kind is gast.UnaryOp:
        return [expr.operand]
    if kind is gast.BoolOp:
        return expr.values
    if kind is gast.Compare:
        return [expr.left] + expr.comparators
    if kind is gast.IfExp:
        return [expr.body, expr.orelse]
    if kind in (gast.List, gast.Tuple, gast.Set, Handed):
        return expr.elts
    if kind is gast.Dict:
        return [k for k in expr.keys if k is not None] + expr.values
    if kind in (gast.ListComp, gast.SetComp, gast.GeneratorExp):
        return [expr.elt]
    if kind is gast.DictComp:
        return [expr.key, expr.value]
    if kind is gast.FormattedValue:
        return []
    return None


def _plain_bindings(tree, resolve_call):
    """(names, value, whether it writes into what the names hold) for each binding of
    ``tree`` (unknown_objects.all_bindings), and for each call a name is handed to with
    other values: a method of it (``xs.append(v)``, ``d.update(a=v)``), or a function of
    a library other than NumPy's or ``math``'s (``heapq.heappush(h, v)``) or a function
    value, which may store them in it. A function of the user's changing its arguments
    is inlined (inlining.py), and a local one is in ``tree``: their writes are bindings."""
    written = _written_into(tree)
    local = {n.name for n in S.walk_nodes(tree) if isinstance(n, gast.FunctionDef)} | {
        t.id for n in S.walk_nodes(tree) if isinstance(n, gast.Assign) and isinstance(n.value, gast.Lambda)
        for t in n.targets if isinstance(t, gast.Name)}
    for targets, value in all_bindings(tree):
        yield targets, value, not isinstance(value, Items) and not targets.isdisjoint(written)
    for call in S.walk_nodes(tree):
        if not isinstance(call, gast.Call):
            continue
        handed = call.args + [kw.value for kw in call.keywords]
        callee = resolve_call(call)
        if callee is None and isinstance(call.func, gast.Attribute) and L.root(call.func) is not None and handed:
            yield {L.root(call.func)}, Handed(handed), True
        elif len(handed) > 1 and _may_store(callee, call.func, local):
            roots = {L.root(a) for a in handed} - {None}
            if roots:
                yield roots, Handed(handed), True


def _may_store(callee, func, local):
    """Whether a call of ``func`` (resolved to ``callee``, or None) may store what it is
    given into another thing it is given."""
    if callee is None:
        return isinstance(func, gast.Name) and func.id not in local        # a function value
    if ops.is_user_function(callee):
        return _writes_parameters(callee)       # fill(xs, v) appending v to xs
    return not _reads_only(callee)


_WRITES = weakref.WeakKeyDictionary()      # function -> whether its code writes into a parameter


def _writes_parameters(fn):
    """Whether the code of ``fn`` (a function of the user's) may write into what a
    parameter holds: a store into an item or an attribute of it, ``op=`` on it, or a
    method of it handed a value; true where its code cannot be read."""
    found = _WRITES.get(fn)
    if found is None:
        tree = function_tree(fn)
        if tree is None:
            found = True
        else:
            params = set(parameters(tree))
            methods = {L.root(n.func) for n in S.walk_nodes(tree) if isinstance(n, gast.Call)
                       and isinstance(n.func, gast.Attribute) and (n.args or n.keywords)}
            found = not params.isdisjoint(_written_into(tree) | methods)
        _WRITES[fn] = found
    return found


class Handed(gast.Tuple):
    """The values a call hands to a method of a name, or to a function with the name
    (a binding's value): what may be stored in what the name holds, no alias of it."""

    def __init__(self, values):
        super().__init__(elts=values, ctx=gast.Load())


def _written_into(tree):
    """The names ``tree`` writes into what they hold through: a store into an item or an
    attribute (``xs[0] = v``, ``p.a = v``) or an augmented assignment (``xs += ys``)."""
    written = set()
    for node in S.walk_nodes(tree):
        if isinstance(node, (gast.Subscript, gast.Attribute)) and isinstance(node.ctx, (gast.Store, gast.Del)):
            written.add(L.root(node))
        elif isinstance(node, gast.AugAssign):
            written.add(L.root(node.target))
    return written - {None}


def _reads_only(callee):
    """Whether ``callee`` stores nothing it is given into another thing it is given."""
    return _library(callee) in _LIBRARIES or _is(callee, _ALWAYS_PLAIN | _PLAIN_OF_PLAIN) \
        or hands_back(callee) or runs_operator(callee) or callee is print or isinstance(callee, type)


def _aliases(bindings):
    """{name: the names bound from it, or it from them} (``ys = xs``, ``row = m[0]``,
    ``ys = list(xs)``: items shared), over which a write spreads."""
    found = {}
    for targets, value, _ in bindings:
        if isinstance(value, Handed):
            continue
        read = {n.id for n in S.walk_nodes(value) if isinstance(n, gast.Name)} if isinstance(value, gast.AST) \
            else {n.id for n in S.walk_nodes(value.iterable) if isinstance(n, gast.Name)}
        for target in targets:
            for name in read:
                found.setdefault(target, set()).add(name)
                found.setdefault(name, set()).add(target)
    return found


def _reached(names, aliases):
    """``names`` and every name an alias of one of them, transitively."""
    reached = set(names)
    return reached | reached_from(reached, aliases)
