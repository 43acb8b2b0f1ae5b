"""An attribute of an object the function builds that only ever holds a NumPy array of
numbers made new by NumPy's makers (``self.total = np.zeros(n)`` in ``__init__``,
``acc.total = np.ones(3)`` in the function): ``acc.total[0] = w`` there copies the value
of ``w`` into the array, as NumPy does, and no name is left sharing ``w`` with it.

The write-in-place checks of the modes see the item ``acc.total`` read out of the object,
which the code does not show to be an array of numbers (a list would hold ``w`` itself),
so such a store is written ``acc.total[0] = numpy.copy(w)``, the very values NumPy
stores, where ``number_array_attribute`` finds, conservatively:

- no class along the method resolution order has an attribute of that name;
- every store of an attribute of that name, in every function of those classes and in
  the function, is ``me.attr = <maker>`` (``np.zeros``, ``np.ones``, ``np.empty``,
  ``np.eye``, ``np.identity``, ``np.full`` of a number, given no dtype or a number dtype
  and nothing else by keyword) or ``me.attr op= v`` (NumPy writes into the array, which
  keeps its dtype)."""

import builtins

import gast
import numpy

from ...core import syntax as S
from .class_functions import method_sites

_MAKERS = (numpy.zeros, numpy.ones, numpy.empty, numpy.eye, numpy.identity)
_NUMBER_TYPES = (builtins.float, builtins.int, builtins.complex, builtins.bool)


def number_array_attribute(cls, attr, caller):
    """Whether ``attr`` of an object of ``cls`` that ``caller`` = (tree, name, resolve)
    builds holds only arrays of numbers NumPy's makers made (the module docstring)."""
    if not isinstance(cls, type) or any(attr in vars(klass) for klass in cls.__mro__):
        return False
    sites = list(method_sites(cls))
    if None in sites:
        return False
    made = False
    for tree, me, resolve, _ in sites + [(*caller, None)]:
        stores = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Attribute) and n.attr == attr
                  and not isinstance(n.ctx, gast.Load)]
        for statement in S.walk_nodes(tree):
            if isinstance(statement, gast.AugAssign) and statement.target in stores \
                    and _of(statement.target, me):
                stores.remove(statement.target)
            elif isinstance(statement, gast.Assign) and len(statement.targets) == 1 \
                    and statement.targets[0] in stores and _of(statement.targets[0], me) \
                    and _makes_numbers(statement.value, resolve):
                stores.remove(statement.targets[0])
                made = True
        if stores:
            return False
    return made


def _of(node, me):
    return isinstance(node.value, gast.Name) and node.value.id == me


def _makes_numbers(value, resolve):
    if not isinstance(value, gast.Call) or any(isinstance(a, gast.Starred) for a in value.args):
        return False
    target = resolve(value)
    if any(kw.arg not in ("dtype", "order") for kw in value.keywords):
        return False
    dtype = next((kw.value for kw in value.keywords if kw.arg == "dtype"), None)
    if target is numpy.full:
        fill = value.args[1] if len(value.args) == 2 else None
        if not (isinstance(fill, gast.Constant) and type(fill.value) in (int, float)):
            return False
    elif not any(target is maker for maker in _MAKERS) or len(value.args) != 1:
        return False
    return dtype is None or _number_dtype(dtype, resolve)


def _number_dtype(node, resolve):
    """``float`` and the like, ``np.float64`` and the like, a string naming a number dtype."""
    if isinstance(node, gast.Constant) and isinstance(node.value, str):
        try:
            return numpy.dtype(node.value).kind in "biufc"
        except TypeError:
            return False
    found = resolve(gast.Call(func=node, args=[], keywords=[]))
    return found in _NUMBER_TYPES or isinstance(found, type) and issubclass(found, numpy.number)
