"""Squares written through a kink, rewritten as the smooth function they are.

``np.linalg.norm(v) ** 2``, ``np.sqrt(np.sum(x * x)) ** 2`` and ``np.abs(u) ** 2`` are
smooth at 0, but as written they go through the kink of ``norm``, ``sqrt`` or ``abs``
there, whose derivative the chain rule reads as 0 (zero_safe.py): right at first order,
0 instead of 2 at second. Exact identities remove the kink the function does not have:

    norm(v) ** 2        ->  np.sum(abs_squared(v, of_norm=True))    (no ord, axis or keepdims)
    abs(u) ** 2         ->  abs_squared(u)
    sqrt(s) ** 2        ->  s        where s is >= 0 as written: a sum of squares
    r = sqrt(s); r * r  ->  r_squared = s; r = sqrt(r_squared); r_squared
                            (math.sqrt, or s >= 0 as written: a sum of squares)
    r = np.sqrt(s); r * r  ->  ...; np.where(r == r, r_squared, r)[()]    (any other s)

(``** 2`` or ``np.square(...)``). ``abs_squared(u)`` (runtime.py) is ``real(u * conj(u))``
for a float or complex ``u``: ``u * u`` for a real one, ``|u| ** 2`` for a complex one (a
value of numpy.fft), with its own derivative; an int or an object gets Python's
``abs(u) ** 2``. The values agree with the program's within rounding, and keep the type
NumPy gives: ``norm`` and ``np.sqrt`` turn integers into float64 and keep a float's
precision, as ``np.divide(s, 1)`` does, and ``math.sqrt`` gives a Python float,
``float(s)``. Other forms (``sqrt(x) * sqrt(x)``, ``sqrt(x) ** 2`` with ``x`` possibly
negative, a square split across helpers) still go through the kink as written.
``r * r`` is ``s`` wherever ``np.sqrt(s)`` is real; where it is NaN (``s < 0``, or NaN
itself) the ``where`` keeps the NaN, and ``[()]`` keeps a scalar a scalar (``math.sqrt``
raises there, so its square is ``s`` wherever the code gets to it).
"""

import builtins
import math

import gast
import numpy

from ...core import syntax as S
from ...runtime import abs_squared
from .scopes import own_nodes, parameters

_SQRT = (numpy.sqrt, math.sqrt)
_NUMPY_ABS = (numpy.absolute, numpy.fabs)
_ABS = (builtins.abs, math.fabs) + _NUMPY_ABS
_SUMS = (builtins.sum, numpy.sum)
_PURE = (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.Subscript, gast.Slice, gast.Tuple,
         gast.Load, gast.operator, gast.unaryop)


def rewrite_smooth_squares(normalizer, tree, nodes):
    """Rewrite the squares above in ``tree`` (its ``nodes``) in place; whether any was."""
    if not _may_rewrite(normalizer, tree, nodes):
        return False
    rewrite = _Rewrite(normalizer, _squared_roots(normalizer, tree))
    rewrite.visit(tree)
    return rewrite.changed


class _Rewrite(gast.NodeTransformer):
    def __init__(self, normalizer, roots):
        self.normalizer = normalizer
        self.roots = roots          # r -> (its binding statement, the name of its square, s >= 0 known)
        self.depth = 0              # inside a def or lambda the function defines: > 0
        self.changed = False

    def visit_FunctionDef(self, node):
        self.depth += 1
        node.body = [new for stmt in node.body for new in self._statement(stmt)]
        self.depth -= 1
        return node

    def _nested(self, node):
        self.depth += 1         # r * r in a lambda or a comprehension: left as it is
        self.generic_visit(node)
        self.depth -= 1
        return node

    visit_Lambda = visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _nested

    def _statement(self, stmt):
        stmt = self.visit(stmt)
        squared = next((name for binding, name, _ in self.roots.values() if binding is stmt), None)
        if squared is None:
            return [stmt]
        root = self.normalizer.resolve_call(stmt.value)
        bind = gast.copy_location(S.assign(squared, _of_root_type(self.normalizer, root, stmt.value.args[0])), stmt)
        stmt.value.args[0] = S.name(squared)
        self.changed = True
        return [bind, stmt]

    def visit_BinOp(self, node):
        self.generic_visit(node)
        return self._smooth(_squared_operand(node, self.normalizer), node)

    def visit_Call(self, node):
        self.generic_visit(node)
        return self._smooth(_squared_operand(node, self.normalizer), node)

    def _smooth(self, base, node):
        """The smooth form of ``node``, ``base ** 2`` (or ``node`` as it is)."""
        if base is None:
            return node
        if isinstance(base, gast.Name) and base.id in self.roots and self.depth == 1:
            _, squared, proven = self.roots[base.id]     # r * r where r = sqrt(s): s
            new = S.name(squared) if proven else _real_root_squared(self.normalizer, base.id, squared)
        else:
            new = _smooth_square(self.normalizer, base)
        if new is None:
            return node
        self.changed = True
        return gast.copy_location(new, node)


def _smooth_square(normalizer, base):
    """``base ** 2`` without the kink of ``base``, or None."""
    if not isinstance(base, gast.Call) or any(isinstance(a, gast.Starred) for a in base.args):
        return None
    target = normalizer.resolve_call(base)
    if target in _SQRT and len(base.args) == 1 and not base.keywords and _nonnegative(base.args[0], normalizer):
        return _of_root_type(normalizer, target, base.args[0])
    if target in _ABS and len(base.args) == 1 and not base.keywords:
        if target is builtins.abs and normalizer._defines(base.args[0], "__abs__"):
            return None         # the class's own __abs__: protocol_methods.py
        return _abs_square(normalizer, base.args[0], numpy_call=target in _NUMPY_ABS)
    if target is numpy.linalg.norm and _plain_norm(base):
        return _of_root_type(normalizer, numpy.linalg.norm,
                             S.call(_numpy(normalizer, "sum"), [_abs_square(normalizer, base.args[0], numpy_call=True, of_norm=True)]))
    return None


def _real_root_squared(normalizer, root, squared):
    """``np.where(r == r, r_squared, r)[()]``: ``r * r`` of ``r = np.sqrt(s)``, ``s``
    where the root is a number, NaN where it is NaN (``s < 0``), as NumPy's product is."""
    real = gast.Compare(left=S.name(root), ops=[gast.Eq()], comparators=[S.name(root)])
    chosen = S.call(_numpy(normalizer, "where"), [real, S.name(squared), S.name(root)])
    return gast.Subscript(value=chosen, slice=gast.Tuple(elts=[], ctx=gast.Load()), ctx=gast.Load())


def _of_root_type(normalizer, root, square):
    """``square`` of the type ``root(...) ** 2`` has (``root``: a sqrt or norm): a Python
    float for ``math.sqrt``; otherwise an integer made float64 and a float of any
    precision kept, which ``np.divide(square, 1)`` does as ``np.sqrt`` and ``norm`` do."""
    if root is math.sqrt:
        return S.call(S.name(normalizer.bind(builtins.float)), [square])
    return S.call(_numpy(normalizer, "divide"), [square, S.const(1)])


def _abs_square(normalizer, u, numpy_call, of_norm=False):
    """``abs_squared(u)`` (runtime.py): ``u * conj(u)``, real, for a float or complex
    ``u``, Python's ``abs(u) ** 2`` for an int or an object. NumPy's abs and norm read a
    list as an array (``of_array=True``): a list of floats times its conjugate is then an
    array product, never a repetition; norm reads integers as floats (``of_norm=True``)."""
    keywords = {"of_norm": S.const(True)} if of_norm else {"of_array": S.const(True)} if numpy_call else {}
    return S.call(S.name(normalizer.bind(abs_squared)), [u], keywords)


def _numpy(normalizer, function):
    """``np.function`` through the name the code knows numpy by, else a name bound to it."""
    for module in ("np", "numpy"):
        if module not in normalizer.locals and normalizer.source.resolve_path([module], depend=False) is numpy:
            return S.dotted(f"{module}.{function}")
    return S.name(normalizer.bind(getattr(numpy, function)))


def _plain_norm(call):
    """Whether ``call`` is ``norm(v)`` or ``norm(v, None)``: the 2-norm of a vector, the
    Frobenius norm of a matrix, the 2-norm of the flattened array otherwise."""
    ords = call.args[1:] + [kw.value for kw in call.keywords if kw.arg == "ord"]
    others = [kw for kw in call.keywords if kw.arg != "ord"]
    return len(call.args) <= 2 and not others and all(_is_none(o) for o in ords)


def _is_none(node):
    return isinstance(node, gast.Constant) and node.value is None


def _squared_operand(node, normalizer):
    """``b`` where ``node`` is ``b ** 2``, ``np.square(b)`` or ``r * r`` (a name twice)."""
    if isinstance(node, gast.BinOp):
        right = node.right
        if isinstance(node.op, gast.Pow) and isinstance(right, gast.Constant) \
                and type(right.value) in (int, float) and right.value == 2:
            return node.left
        if isinstance(node.op, gast.Mult) and isinstance(node.left, gast.Name) \
                and isinstance(node.right, gast.Name) and node.left.id == node.right.id:
            return node.left
        return None
    if isinstance(node, gast.Call) and len(node.args) == 1 and not node.keywords \
            and not isinstance(node.args[0], gast.Starred) and normalizer.resolve_call(node) is numpy.square:
        return node.args[0]
    return None


def _may_rewrite(normalizer, tree, nodes):
    """Whether ``nodes`` hold a square the rewrite may change: of a call of ``sqrt``,
    ``abs`` or ``norm``, or of a name the body binds to a ``sqrt`` (a derivative squares
    its own temporaries, ``1.0 - t * t`` for ``tanh``: the rewrite need not walk it)."""
    roots = None
    binop, call = gast.BinOp, gast.Call
    for node in nodes:
        kind = node.__class__       # (a test per node of the function: no call for the many others)
        if kind is not binop and kind is not call:
            continue
        base = _squared_operand(node, normalizer)
        if base is None:
            continue
        if isinstance(base, gast.Call) and normalizer.resolve_call(base) in (*_SQRT, *_ABS, numpy.linalg.norm):
            return True
        if isinstance(base, gast.Name):
            if roots is None:
                roots = {stmt.targets[0].id for stmt in tree.body
                         if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                         and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Call)
                         and normalizer.resolve_call(stmt.value) in _SQRT}
            if base.id in roots:
                return True
    return False


def _nonnegative(node, normalizer):
    """Whether ``node`` is >= 0 as written (for real values): a sum of squares."""
    if isinstance(node, gast.Constant):
        return type(node.value) in (int, float) and node.value >= 0
    if isinstance(node, gast.BinOp):
        if isinstance(node.op, gast.Mult) and _pure(node.left) and gast.dump(node.left) == gast.dump(node.right):
            return True
        if isinstance(node.op, gast.Pow) and isinstance(node.right, gast.Constant) \
                and type(node.right.value) is int and node.right.value % 2 == 0 and node.right.value > 0:
            return True
        return isinstance(node.op, (gast.Add, gast.Mult)) \
            and _nonnegative(node.left, normalizer) and _nonnegative(node.right, normalizer)
    if not isinstance(node, gast.Call) or len(node.args) != 1 or isinstance(node.args[0], gast.Starred):
        return False
    target = normalizer.resolve_call(node)
    if target is numpy.square or target in _ABS:
        return not node.keywords
    return target in _SUMS and all(kw.arg in ("axis", "keepdims") for kw in node.keywords) \
        and _nonnegative(node.args[0], normalizer)


def _pure(node):
    """Whether evaluating ``node`` twice is harmless: names, constants, operators, items."""
    return all(isinstance(n, _PURE) for n in gast.walk(node))


def _squared_roots(normalizer, tree):
    """``r -> (its statement, a fresh name for its square, whether s >= 0 is known)`` for
    each ``r = sqrt(s)`` of the body that is the only binding of ``r`` anywhere in the
    function and whose square the function reads (``r * r`` after it is ``s``). ``s >= 0``
    is known for ``math.sqrt`` (it raises otherwise) and for a sum of squares."""
    stores = {}
    for node in gast.walk(tree):
        if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1
        elif isinstance(node, (gast.Global, gast.Nonlocal)):
            for name in node.names:
                stores[name] = stores.get(name, 0) + 2
    for node in own_nodes(tree):
        if isinstance(node, (gast.FunctionDef, gast.Lambda)):
            for name in parameters(node):
                stores[name] = stores.get(name, 0) + 2
    roots = {}
    for stmt in tree.body:
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
                and stores.get(stmt.targets[0].id) == 1 and isinstance(stmt.value, gast.Call) \
                and len(stmt.value.args) == 1 and not stmt.value.keywords \
                and normalizer.resolve_call(stmt.value) in _SQRT:
            roots[stmt.targets[0].id] = stmt
    for name in _may_change_in_place(normalizer, tree, roots) if roots else ():
        del roots[name]
    used = {base.id for node in own_nodes(tree) for base in [_squared_operand(node, normalizer)]
            if isinstance(base, gast.Name) and base.id in roots}
    return {name: (roots[name], _local(normalizer, f"{name}_squared"),
                   normalizer.resolve_call(roots[name].value) is math.sqrt
                   or _nonnegative(roots[name].value.args[0], normalizer)) for name in sorted(used)}


_VALUE_READS = (gast.BinOp, gast.UnaryOp, gast.Compare, gast.Return)
_SHAPE_ATTRIBUTES = ("shape", "ndim", "size", "dtype")


def _may_change_in_place(normalizer, tree, names):
    """Those of ``names`` whose array the function may change in place after binding
    (``r[0] = v``, an alias ``q = r`` written into, a helper given ``r``, a method of
    ``r``): ``r * r`` is then not the ``s`` of ``r = sqrt(s)``. A name read only as an
    operand, a comparison, the result, an argument of NumPy or astgrad (neither writes
    into an argument unless given ``out=``) or of float/int, or for its shape, is not."""
    parents = {}
    for node in gast.walk(tree):
        for child in gast.iter_child_nodes(node):
            parents[child] = node
    changed = set()
    for node in parents:
        if isinstance(node, gast.Name) and node.id in names and isinstance(node.ctx, gast.Load) \
                and not _read_as_a_value(normalizer, node, parents):
            changed.add(node.id)
    return changed


def _read_as_a_value(normalizer, node, parents):
    parent = parents.get(node)
    if isinstance(parent, gast.Subscript) and parent.value is node and isinstance(parent.ctx, gast.Load):
        node, parent = parent, parents.get(parent)         # r[i] read: a view as much as r
    if isinstance(parent, _VALUE_READS):
        return True
    if isinstance(parent, gast.Attribute):
        return parent.attr in _SHAPE_ATTRIBUTES
    if isinstance(parent, gast.Call) and node in parent.args and not any(k.arg == "out" for k in parent.keywords):
        target = normalizer.resolve_call(parent)
        module = getattr(target, "__module__", None) or ""
        if isinstance(target, numpy.ufunc):             # np.multiply(r, 2.0, r): r is its out
            return parent.args.index(node) < target.nin
        return target in (builtins.float, builtins.int, builtins.len) or module.split(".")[0] in ("numpy", "astgrad")
    return False


def _local(normalizer, hint):
    name = normalizer.namer.fresh(hint)
    normalizer.locals.add(name)
    return name
