"""Values that may be objects of a class astgrad does not know when it generates the code.

A comparison reading one may run a comparison method of a user class (``__lt__``
returning a number), which the code cannot follow where it does not know the class;
comparison_methods.py then checks, when the code runs, what the comparison gave.

Such a value comes into the function from a parameter holding such objects where no
layout describes them (a dict of them, a list of objects and numbers, a dict an
attribute holds: ``__astgrad_holding__``, function_args.py), or from a call of the
user's code kept as a call (``pair = make(x)``, a method of an object, a function
value); an item or an attribute of it, what unpacking or a loop over it binds, what a
builtin gives back from it (``max(pair)``), and the parameters of a lambda or local
function it is passed to (inlined, renamed) may be one too. The names bound from such
values are found to a fixed point, once per function and again as helpers are inlined.
Objects a layout describes are followed (object_layouts.py), and values computed by
NumPy or by operators on numbers are not objects: neither needs the check."""

import copy
import functools
import operator
import types
import weakref

import gast

from ...core import ops
from ...core.missing import MISSING
from ...errors import FunctionValueUnknown
from ...core import syntax as S
from .. import object_layouts as L
from .instances import function_tree, own_returns


class UnknownObjectValues:
    """Normalizer methods telling which values may be objects of an unknown class."""

    def may_be_unknown_object(self, expr):
        """Whether ``expr`` (as written) may read an object whose class the code does not
        know (see the module docstring)."""
        return not isinstance(expr, gast.Constant) and self._reads_unknown(expr, self._unknown_object_names())

    def may_be_operating_object(self, expr):
        """``may_be_unknown_object`` for an operator's operand: a call of a function of the
        user's counts only where that function may build an object of a class defining
        operators (unknown_operators.py), so numbers helpers compute keep their operators."""
        self._operating = True
        try:
            return self.may_be_unknown_object(expr)
        except FunctionValueUnknown:
            return False        # a function passed in, not known yet: its call says so where it is lowered
        finally:
            self._operating = False

    def note_unknown_object(self, node, name):
        """Count ``name``, a temporary the code binds to ``node``, among the names that may
        hold such objects where ``node`` may read one (an argument ``s[0]`` a lambda or a
        local function inlined is given, ``(lambda a, b: a < b)(s[0], s[1])``)."""
        if type(node) not in (gast.Subscript, gast.Attribute, gast.Call) or not self._compares_anything():
            return
        names = self._unknown_object_names()
        if isinstance(node, gast.Call) and self._user_call(node) or L.root(node) in names \
                or isinstance(node, gast.Call) and any(L.root(a) in names for a in node.args):
            names.add(name)

    def note_emitted_binding(self, stmt):
        """Count the name an emitted ``name = value`` binds where ``value`` reads such an
        object: a name the code made (a loop variable of a comprehension renamed,
        ``a_1 = s[k]``), which the names of the source do not show."""
        if type(stmt) is gast.Assign and type(stmt.targets[0]) is gast.Name \
                and type(stmt.value) in (gast.Name, gast.Subscript, gast.Attribute) and self._compares_anything():
            names = self._unknown_object_names()
            if L.root(stmt.value) in names:
                names.add(stmt.targets[0].id)

    def _compares_anything(self):
        """Whether the function, or a helper inlined in it so far, compares anything."""
        seen = self.__dict__.get("_comparisons_seen", (0, False))
        if seen[0] <= len(self.inlined_trees) and not seen[1]:
            trees = ([self.source.tree] if seen[0] == 0 else []) + self.inlined_trees[max(seen[0] - 1, 0):]
            seen = self._comparisons_seen = (len(self.inlined_trees) + 1,
                                             any(S.nodes_of_class(tree, gast.Compare) for tree in trees))
        return seen[1]

    def _unknown_object_names(self):
        """The names of the function (and of the helpers inlined in it, renamed) that
        may hold such objects (kept, grown as helpers are inlined)."""
        kept = "_operating_names" if self.__dict__.get("_operating") else "_unknown_names"
        names, seen = self.__dict__.get(kept, (None, 0))
        if names is None:
            names = set(getattr(self.source.fn, "__astgrad_holding__", ()))
            # (an operator's operands have verdicts of their own, unknown_operators.py: always searched)
            if names or kept == "_operating_names" or not self._calls_no_user_code():
                self._grow_unknown(names, list(all_bindings(self.source.tree)))
        if seen < len(self.inlined_trees):
            trees, seen = self.inlined_trees[seen:], len(self.inlined_trees)
            self._grow_unknown(names, [binding for tree in trees for binding in all_bindings(tree)])
        self.__dict__[kept] = (names, seen)
        return names

    def _calls_no_user_code(self):
        """Whether ``_grow_unknown`` from no names must find none in the function's own
        bindings, known from its calls alone (far cheaper than the fixed point). Where no
        object of a user's class can reach the function (plain_reads.py), no expression
        has an object's layout: ``_unlaid_item`` and ``_followed`` are false, and from no
        names ``_reads_unknown`` can be true only where it meets a call of the user's code.
        No call of the function being one, none is."""
        if not self.reaches_no_objects():
            return False
        return not any(self._user_call(call, depend=False) for call in S.nodes_of_class(self.source.tree, gast.Call))

    def note_inlined_parameter(self, name, value):
        """Count ``name``, the parameter of the helper or lambda inlined last, bound to
        ``value``, where ``value`` may be such an object, and what its body binds from it."""
        if isinstance(value, gast.AST) and self._compares_anything() and self.may_be_unknown_object(value):
            names = self._unknown_object_names()
            names.add(name)
            self._grow_unknown(names, list(all_bindings(self.inlined_trees[-1])))

    def _grow_unknown(self, names, bindings):
        """Add to ``names`` the targets of ``bindings`` whose value reads one of them (or a
        call of the user's code), to a fixed point."""
        grown = True
        while grown:
            grown = False
            for targets, value in bindings:
                if not targets <= names and self._reads_unknown(value, names):
                    names |= targets
                    grown = True

    def _reads_unknown(self, expr, names):
        """Whether ``expr`` may give one of the objects ``names`` may hold, or one a call
        of the user's code gives: read whole, as an item or an attribute, in a display,
        handed back by a builtin (``max(objs)``) or a method of a container (``d.get(k)``),
        in lists joined or repeated, or by an operator on one (``V(x) ** 2.0``, ``-d["p"]``
        run the class's code, which may give another). What NumPy computes is a number or
        an array."""
        kind = type(expr)
        verdict = self.operating_verdict(expr) if self.__dict__.get("_operating") else None
        if verdict is not None:
            return verdict          # an operator's operand (unknown_operators.py)
        if kind is Items:
            verdict = self.iterated_verdict(expr.iterable) if self.__dict__.get("_operating") else None
            return verdict if verdict is not None else self._reads_unknown(expr.iterable, names)
        if kind is gast.Name:
            return expr.id in names
        if kind is gast.Subscript and self._unlaid_item(expr):
            return True
        if kind in (gast.Subscript, gast.Attribute, gast.Starred, gast.NamedExpr):
            return self._reads_unknown(expr.value, names)
        if kind in (gast.List, gast.Tuple, gast.Set, gast.Dict):
            # an object whose class the code knows, put in a display no layout describes
            # ({0: t}), is read back from it with its class unknown
            return any(self._reads_unknown(e, names) or self._followed(e)
                       for e in (expr.values if kind is gast.Dict else expr.elts))
        if kind in (gast.BinOp, gast.UnaryOp, gast.Compare) and not isinstance(getattr(expr, "op", None), gast.Not):
            # lists joined or repeated; an object's own operator (-v, v / k, v < w) may give an object
            return any(self._reads_unknown(o, names) or self._followed(o) for o in _operands(expr))
        if kind is gast.IfExp:
            return self._reads_unknown(expr.body, names) or self._reads_unknown(expr.orelse, names)
        if kind in (gast.ListComp, gast.SetComp, gast.GeneratorExp, gast.DictComp):
            return self._reads_unknown(expr.value if kind is gast.DictComp else expr.elt, names)
        if kind is not gast.Call:
            return False
        if self._user_call(expr):
            return True
        callee = self.resolve_call(expr)
        handed = expr.args + [kw.value for kw in expr.keywords]
        if callee is not None:
            return (hands_back(callee) or runs_operator(callee)) \
                and any(self._reads_unknown(a, names) or self._followed(a) for a in handed)
        return isinstance(expr.func, gast.Attribute) and self._reads_unknown(expr.func.value, names)

    def _user_call(self, call, depend=True):
        """Whether ``call`` runs code of the user's kept as a call, which may give back
        any object: a function of theirs, a class comparing with code of its own, a
        function value, a method of an object the code follows. ``depend``: whether the
        generation depends on what its function's path means (``resolve_call``)."""
        func = call.func
        callee = self.resolve_call(call) if depend else _looked_up(self, func)
        if callee is not None:
            return ops.is_user_function(callee) and not returns_numbers(callee) \
                or isinstance(callee, type) and L.compares_with_own_code(callee)
        if isinstance(func, gast.Name):
            return True             # a local function, a function value
        if isinstance(func, gast.Attribute):
            layout = self.layout(func.value) if isinstance(func.value, (gast.Name, gast.Attribute)) else None
            return layout is not None and layout[0] == L.OBJECT
        return isinstance(func, (gast.Call, gast.Subscript))       # fs[0](x), make()(x)

    def _unlaid_item(self, expr):
        """Whether ``expr`` (a Subscript) reads an item of a container that an object the
        code follows holds, which no layout describes (``self.d["a"]``, ``p.d["a"]``)."""
        base = expr.value
        while isinstance(base, (gast.Attribute, gast.Subscript)):
            base = base.value
        return isinstance(base, gast.Name) and self._object_class(base) is not None and self.layout(expr) is None

    def _followed(self, expr):
        """Whether ``expr`` reads an object or a list of objects whose layout the code
        knows, which a builtin may give back with its class unknown (``max(objs)``)."""
        return isinstance(expr, (gast.Name, gast.Attribute, gast.Subscript)) and self.layout(expr) is not None


def _looked_up(normalizer, func):
    """What ``resolve_call`` finds for a call of ``func``, found without recording a
    dependency (the call's lowering records it, in its order)."""
    path = S.dotted_path(func)
    if path is None or path[0] in normalizer.locals:
        return None
    callee = normalizer.source.resolve_path(path, depend=False)
    return None if callee is MISSING else callee


# builtins giving back one of the values they are handed (or a container of them)
_HANDING_BACK = frozenset([max, min, sorted, reversed, list, tuple, set, dict, iter, next, getattr, enumerate, zip,
                           filter, map, functools.reduce, copy.copy, copy.deepcopy])


def hands_back(callee):
    """Whether ``callee`` is a builtin handing back what it is given (``max``, ``list``)."""
    try:
        return callee in _HANDING_BACK
    except TypeError:           # an unhashable object called (a dataclass instance's __call__)
        return False


def _operands(expr):
    """The operands of a BinOp, UnaryOp or Compare."""
    if type(expr) is gast.BinOp:
        return [expr.left, expr.right]
    return [expr.operand] if type(expr) is gast.UnaryOp else [expr.left] + expr.comparators


# builtins running an operator method of what they are given (pow(v, 2) is v.__pow__(2))
_RUNNING_OPERATOR = frozenset([pow, abs, sum, operator.pow, operator.add, operator.sub, operator.mul, operator.truediv,
                               operator.floordiv, operator.mod, operator.matmul, operator.neg, operator.pos,
                               operator.abs])


def runs_operator(callee):
    """Whether ``callee`` is a builtin running an operator of what it is given."""
    try:
        return callee in _RUNNING_OPERATOR
    except TypeError:
        return False


# list and dict methods storing what they are given in the container they are called on
_STORING = {"append": slice(0, 1), "insert": slice(1, 2), "extend": slice(0, 1), "setdefault": slice(1, 2),
            "update": slice(0, 1)}


def all_bindings(tree):
    """(the names a binding binds, the value it binds them from) for each binding in
    ``tree``: assignments, ``for`` loops and comprehensions, ``with ... as``, ``:=``, and
    the parameters of a local function or lambda, from the arguments of its calls (or,
    handed to a call, ``map(lambda o: o < ref, objs)``, from the call's other arguments)."""
    # one walk (operators and contexts bind nothing), the nodes of the kinds below read three times
    nodes = [n for n in S.operand_nodes(tree) if n.__class__ in _BINDING_KINDS]
    local = {n.name: _parameters(n) for n in nodes if isinstance(n, gast.FunctionDef) and n is not tree}
    local.update((n.targets[0].id, _parameters(n.value)) for n in nodes if isinstance(n, gast.Assign)
                 and isinstance(n.value, gast.Lambda) and isinstance(n.targets[0], gast.Name))
    for node in nodes:
        if isinstance(node, gast.Call):
            yield from _arguments_bound(node, local)
            yield from _stored_by_method(node)
        elif isinstance(node, gast.Assign):
            yield from _assigned(node)
        elif isinstance(node, (gast.AugAssign, gast.AnnAssign)) and node.value is not None:
            yield _stored([node.target]), node.value
        elif isinstance(node, (gast.For, gast.comprehension)):
            yield _stored([node.target]), Items(node.iter)
        elif isinstance(node, gast.withitem) and node.optional_vars is not None:
            yield _stored([node.optional_vars]), node.context_expr
        elif isinstance(node, gast.NamedExpr):
            yield _stored([node.target]), node.value


_BINDING_KINDS = frozenset({gast.FunctionDef, gast.Call, gast.Assign, gast.AugAssign, gast.AnnAssign, gast.For,
                            gast.comprehension, gast.withitem, gast.NamedExpr})


def _assigned(node):
    """The bindings of an assignment: ``p, k = Vec(a), 2.0`` binds each name to its own
    item (k is no object); any other, every name to the whole value."""
    value = node.value
    if len(node.targets) == 1 and isinstance(node.targets[0], (gast.Tuple, gast.List)) \
            and isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(node.targets[0].elts) \
            and not any(isinstance(e, gast.Starred) for e in node.targets[0].elts + value.elts):
        for target, item in zip(node.targets[0].elts, value.elts):
            yield _stored([target]), item
        return
    yield _stored(node.targets), value


class Items:
    """The items a loop or a comprehension binds from ``iterable`` (a binding's value)."""
    __slots__ = ("iterable",)

    def __init__(self, iterable):
        self.iterable = iterable


def _stored(targets):
    return {n.id for target in targets for n in S.name_nodes(target)}


def _parameters(function):
    args = function.args
    return [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]


def _stored_by_method(call):
    """``xs.append(v)`` (``insert``, ``extend``, ``setdefault``, ``update``) binds an item of
    ``xs`` to ``v``: read back as from a display holding it (``[v]``)."""
    func = call.func
    if isinstance(func, gast.Attribute) and func.attr in _STORING and isinstance(func.value, gast.Name):
        for value in call.args[_STORING[func.attr]]:
            yield {func.value.id}, gast.List(elts=[value], ctx=gast.Load())


def _arguments_bound(call, local):
    """The bindings of the parameters of local functions by ``call``: its own function's
    to its arguments, and those of a function it is handed to its other arguments."""
    arguments = call.args + [kw.value for kw in call.keywords]
    if isinstance(call.func, gast.Name) and call.func.id in local:
        yield set(local[call.func.id]), gast.Tuple(elts=arguments, ctx=gast.Load())
    for argument in arguments:
        handed = _parameters(argument) if isinstance(argument, gast.Lambda) else \
            local.get(argument.id) if isinstance(argument, gast.Name) else None
        if handed:
            others = [a for a in arguments if a is not argument]
            yield set(handed), gast.Tuple(elts=others, ctx=gast.Load())


_NUMBERS = weakref.WeakKeyDictionary()      # function -> whether each of its returns computes a number
_LIBRARIES = frozenset({"numpy", "math", "scipy", "cmath"})


def gradient_transform(callee):
    """Whether ``callee`` is ``astgrad.grad`` or ``astgrad.value_and_grad``: what the
    gradient it makes gives has its arguments' structure, holding numbers where they do
    (the value is the scalar the function gives)."""
    return getattr(callee, "__module__", None) == "astgrad.api" \
        and getattr(callee, "__name__", None) in ("grad", "value_and_grad")


def returns_numbers(fn):
    """Whether each return of the function ``fn`` computes a number or an array (a call
    of NumPy or ``math``, a constant, an operator on those: ``return np.tanh(v) * 2.0``),
    so what it gives is no object."""
    found = _NUMBERS.get(fn)
    if found is None:
        tree = function_tree(fn)
        returns = own_returns(tree) if tree is not None else []
        found = _NUMBERS[fn] = bool(returns) and all(_computes_number(r.value, fn.__globals__) for r in returns)
    return found


def _computes_number(value, scope):
    if isinstance(value, gast.Constant):
        return isinstance(value.value, (int, float, complex))
    if isinstance(value, gast.BinOp):
        return _computes_number(value.left, scope) and _computes_number(value.right, scope)
    if isinstance(value, gast.UnaryOp):
        return _computes_number(value.operand, scope)
    if not isinstance(value, gast.Call) or not isinstance(value.func, gast.Attribute):
        return False
    module = scope.get(L.root(value.func))
    return isinstance(module, types.ModuleType) and module.__name__.split(".")[0] in _LIBRARIES
