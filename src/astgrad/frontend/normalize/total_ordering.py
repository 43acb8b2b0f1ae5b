"""The comparisons ``functools.total_ordering`` writes for a class from the one it defines
(``__gt__`` from ``__lt__``: ``not (a < b) and a != b``), as the expressions they compute.

Its methods are the library's, which test the user's method's result for
``NotImplemented`` (so a comparison lowered as their call would be refused as one that
may return it) and call the user's method as ``type(self).__lt__(self, other)``. Written
as the expression over the user's own comparison, each is followed as that comparison
is: refused where the user's method may return ``NotImplemented`` or writes, followed
where it only reads."""

import functools

import gast

# name -> (whether the user's comparison is negated, its operator, then "and"/"or" and ==/!=, or None)
_FORMS = {
    "_gt_from_lt": (True, gast.Lt, gast.And, gast.NotEq), "_le_from_lt": (False, gast.Lt, gast.Or, gast.Eq),
    "_ge_from_lt": (True, gast.Lt, None, None), "_ge_from_le": (True, gast.LtE, gast.Or, gast.Eq),
    "_lt_from_le": (False, gast.LtE, gast.And, gast.NotEq), "_gt_from_le": (True, gast.LtE, None, None),
    "_lt_from_gt": (True, gast.Gt, gast.And, gast.NotEq), "_ge_from_gt": (False, gast.Gt, gast.Or, gast.Eq),
    "_le_from_gt": (True, gast.Gt, None, None), "_le_from_ge": (True, gast.GtE, gast.Or, gast.Eq),
    "_gt_from_ge": (False, gast.GtE, gast.And, gast.NotEq), "_lt_from_ge": (True, gast.GtE, None, None),
}


def derived_form(method):
    """The form of ``method`` where it is one ``functools.total_ordering`` wrote, else None."""
    name = getattr(getattr(method, "__code__", None), "co_name", None)     # (its __name__ is the slot's)
    form = _FORMS.get(name)
    return form if form is not None and getattr(functools, name, None) is method else None


def derived_comparison(form, a, b, node):
    """The expression a method of ``form`` (``derived_form``) computes for ``a`` (the
    object whose method runs) and ``b`` (atoms: each is read twice), placed at ``node``."""
    negated, op, joined, equality = form
    first = _placed(gast.Compare(left=a, ops=[op()], comparators=[b]), node)
    if negated:
        first = _placed(gast.UnaryOp(op=gast.Not(), operand=first), node)
    if joined is None:
        return first
    second = _placed(gast.Compare(left=_copy(a), ops=[equality()], comparators=[_copy(b)]), node)
    return _placed(gast.BoolOp(op=joined(), values=[first, second]), node)


def _placed(new, node):
    return gast.copy_location(new, node)


def _copy(atom):
    return gast.Name(id=atom.id, ctx=gast.Load(), annotation=None, type_comment=None) \
        if isinstance(atom, gast.Name) else atom
