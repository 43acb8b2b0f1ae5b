"""Structured arrays, refused at generation time.

A structured dtype (``np.zeros(n, dtype=[("a", float), ("b", float)])``, ``"f8,f8"``,
``np.dtype({"names": ..., "formats": ...})``) gives an array whose elements are records
read by field name (``r["a"]``). astgrad's rules are written for arrays of numbers, one value
per element: a derivative would index its derivatives by the field's name, which NumPy
refuses for an array of numbers (an IndexError from the derivative's code). Such a dtype
given to a NumPy call in the function (by its text or through a global holding it), a view
of an array as one (``y.view(DT)``) and a record array (``numpy.rec.array``,
``numpy.recarray``) are refused at their line instead, saying what to write.
"""

import gast
import numpy

from ..core import syntax as S
from ..core.missing import MISSING

# the position of the dtype among the positional arguments of NumPy's array makers
_DTYPE_POSITIONS = {numpy.zeros: 1, numpy.ones: 1, numpy.empty: 1, numpy.array: 1, numpy.asarray: 1,
                    numpy.full: 2, numpy.zeros_like: 1, numpy.ones_like: 1, numpy.empty_like: 1,
                    numpy.full_like: 2, numpy.dtype: 0}


def refuse_structured(source, nodes, local_names):
    """Raise a TransformError at the first call among ``nodes`` given a structured dtype:
    as ``dtype=``, by position to one of NumPy's array makers or ``astype``, or
    ``numpy.dtype`` of a list of fields; a local name bound to a list of fields counts."""
    fields = _local_field_lists(nodes)

    def meaning(node):
        path = S.dotted_path(node)
        if path is None or path[0] in local_names:
            return MISSING
        return source.resolve_path(path, depend=False)

    for node in nodes:
        if type(node) is not gast.Call:
            continue
        if _record_array(meaning(node.func)):
            raise source.error(
                "astgrad cannot differentiate a record array (numpy.rec, numpy.recarray): its fields are "
                "read by name, and its derivatives are written for arrays of numbers, one value per element. "
                "Keep each field in an array of its own (a = np.zeros(n); b = np.zeros(n)) or in a dict "
                "of arrays ({'a': np.zeros(n), 'b': np.zeros(n)})", node, construct="record array")
        for given in _dtypes_given(node, meaning):
            if _is_structured(given, meaning, fields):
                raise source.error(
                    "astgrad cannot differentiate a structured array (a dtype with named fields, "
                    f"{gast.unparse(given).strip()}): its derivatives are written for arrays of numbers, "
                    "one value per element. Keep each field in an array of its own (a = np.zeros(n); "
                    "b = np.zeros(n)) or in a dict of arrays ({'a': np.zeros(n), 'b': np.zeros(n)})",
                    node, construct="structured dtype")


def _dtypes_given(call, meaning):
    """The expressions ``call`` gives as a dtype."""
    given = [kw.value for kw in call.keywords if kw.arg == "dtype"]
    if isinstance(call.func, gast.Attribute) and call.func.attr in ("astype", "view") and call.args:
        given.append(call.args[0])      # x.astype(DT), y.view(DT)
    if not call.args:
        return given
    target = meaning(call.func)
    position = _DTYPE_POSITIONS.get(target) if target is not MISSING and _hashable(target) else None
    if position is not None and len(call.args) > position:
        given.append(call.args[position])
    return given


def _record_array(target):
    """Whether ``target`` (what a call calls) makes a record array."""
    return target is not MISSING and (getattr(target, "__module__", None) == "numpy.rec"
                                      or target is numpy.recarray)


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _is_structured(node, meaning, fields):
    """Whether ``node`` (a dtype given) names a dtype with fields."""
    if _field_display(node):
        return True
    if isinstance(node, gast.Name) and node.id in fields:
        return True
    if isinstance(node, gast.Constant) and isinstance(node.value, str):
        return _named_fields(node.value)
    if isinstance(node, (gast.Name, gast.Attribute)):
        value = meaning(node)
        return value is not MISSING and _named_fields(value)
    return False


def _named_fields(value):
    """Whether NumPy reads ``value`` as a dtype with fields (False for what is no dtype)."""
    if not isinstance(value, (str, list, dict, numpy.dtype)):
        return False
    try:
        return numpy.dtype(value).names is not None
    except (TypeError, ValueError):
        return False


def _field_display(node):
    """``[("a", float), ...]`` (a list of fields) or ``{"names": ..., "formats": ...}``."""
    if isinstance(node, (gast.List, gast.Tuple)):
        return any(isinstance(item, gast.Tuple) and item.elts and isinstance(item.elts[0], gast.Constant)
                   and isinstance(item.elts[0].value, str) for item in node.elts)
    if isinstance(node, gast.Dict):
        return any(isinstance(key, gast.Constant) and key.value == "names" for key in node.keys)
    return False


def _local_field_lists(nodes):
    """The local names an assignment binds to a list of fields (``DT = [("a", float)]``)."""
    return {target.id for node in nodes if type(node) is gast.Assign and _field_display(node.value)
            for target in node.targets if isinstance(target, gast.Name)}
