"""Optimize pass: an adjoint that adds the same term twice adds it doubled.

The adjoint of ``y = h * h`` gives ``h`` two contributions, one per operand:
``d_h = d_h + d_y * h + h * d_y``. The two terms are the same product (``*`` commutes),
so ``d_h = d_h + 2 * (d_y * h)`` computes it with one multiplication and one addition
fewer. Doubling is exact in floating point, so ``2 * (e)`` is exactly ``e + e``.

Only sums assigned to a derivative name are rewritten (their terms are numbers or
arrays; a primal ``x * y + y * x`` stays as the user wrote it), and only terms that
are pure expressions (evaluating one twice gives the same value).
"""

import gast

from ..analysis import dataflow
from ..core import syntax as S
from ..core import walk


def add_equal_terms_once(body, derivative_names):
    """``d = a + t + t'`` -> ``d = a + 2 * (t)`` where ``t'`` is ``t`` up to the order of
    the operands of ``*``, for assignments to ``derivative_names``; returns ``body``."""
    derivative_names = set(derivative_names)
    for stmt in walk.walk_statements(body):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                and stmt.targets[0].id in derivative_names:
            stmt.value = _merged(stmt.value)
    return body


def _merged(value):
    terms = _terms(value)
    same = _Same()
    if len(terms) < 3 and not (len(terms) == 2 and same(terms[0], terms[1])):
        return value
    kept, doubled = [], []
    for term in terms:
        twin = next((i for i, k in enumerate(kept) if i not in doubled and same(k, term)), None)
        if twin is None:
            kept.append(term)
        else:
            doubled.append(twin)
    if not doubled:
        return value
    kept = [gast.BinOp(left=S.const(2), op=gast.Mult(), right=term) if i in doubled else term
            for i, term in enumerate(kept)]
    merged = kept[0]
    for term in kept[1:]:
        merged = gast.BinOp(left=merged, op=gast.Add(), right=term)
    return merged


def _terms(value):
    """The terms of a left-nested sum ``((a + b) + c)``: [a, b, c]."""
    if isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add):
        return _terms(value.left) + [value.right]
    return [value]


class _Same:
    """``same(a, b)``: ``a`` is pure and equals ``b`` up to the order of the operands of
    ``*``; each term's purity and canonical text found once (a sum of n terms compares
    up to n * n pairs)."""

    def __init__(self):
        self.pure, self.texts = {}, {}

    def __call__(self, a, b):
        if type(a) is not type(b):
            return False        # (their texts differ: most pairs, told without a walk)
        if id(a) not in self.pure:
            self.pure[id(a)] = dataflow.is_pure(a)
        return self.pure[id(a)] and self.text(a) == self.text(b)

    def text(self, node):
        if id(node) not in self.texts:
            self.texts[id(node)] = _canonical(node)
        return self.texts[id(node)]


def _canonical(node):
    """A text for ``node`` that is the same for ``a * b`` and ``b * a``."""
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult):
        return "(" + " * ".join(sorted([_canonical(node.left), _canonical(node.right)])) + ")"
    if isinstance(node, gast.BinOp):
        return f"({_canonical(node.left)} {type(node.op).__name__} {_canonical(node.right)})"
    return _text(node)


def _text(value):
    """The node's class and fields, recursively (what ``gast.dump`` says, which makes a
    closure per call that only the collector frees)."""
    if isinstance(value, gast.AST):
        fields = ", ".join(_text(getattr(value, field, None)) for field in value._fields)
        return f"{type(value).__name__}({fields})"
    if isinstance(value, list):
        return "[" + ", ".join(map(_text, value)) + "]"
    return repr(value)
