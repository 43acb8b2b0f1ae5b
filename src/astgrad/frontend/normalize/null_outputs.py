"""``out=None`` given explicitly to NumPy: no output, NumPy's default.

``numpy.std(x, 0, None, None, 1)`` gives ``ddof`` by position, and with it ``out=None``;
``numpy.sum(x, out=None)`` says the same by keyword. Neither writes into anything, so the
call is read as if the output were left out (what follows ``out`` given by keyword), and
not refused as a call writing into something that is not a name."""

import gast
import numpy

from ...analysis.mutation import positional_out, positional_parameters


def without_null_out(node, target):
    """``node`` (a call of ``target``) with an ``out`` given as ``None`` left out; the
    arguments given after it by position go by keyword. Only NumPy's own functions: a
    method's receiver is not known here (an object of the user's may have a ``sum``), so
    ``x.sum(0, None, None)`` stays refused, asking for ``out`` by keyword."""
    if not _library(target):
        return node
    node.keywords = [kw for kw in node.keywords if not (kw.arg == "out" and _is_none(kw.value))]
    if any(isinstance(arg, gast.Starred) for arg in node.args):
        return node
    if isinstance(target, numpy.ufunc):
        if len(node.args) == target.nin + 1 and _is_none(node.args[-1]):      # numpy.add(a, b, None)
            node.args = node.args[:-1]
        return node
    names = positional_parameters(target) if positional_out(target, len(node.args)) is not None else ()
    if "out" not in names[:len(node.args)]:
        return node
    position = names.index("out")
    if not _is_none(node.args[position]):
        return node
    node.keywords = node.keywords + [gast.keyword(arg=name, value=value)
                                     for name, value in zip(names[position + 1:], node.args[position + 1:])]
    node.args = node.args[:position]
    return node


def _library(target):
    return target is not None and (isinstance(target, numpy.ufunc)
                                   or (getattr(target, "__module__", None) or "").startswith("numpy"))


def _is_none(node):
    return isinstance(node, gast.Constant) and node.value is None
