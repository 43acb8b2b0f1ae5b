"""Names that certainly hold a NumPy array of numbers (bools, ints, floats, complex).

Storing into an element of such an array (``y[0] = x[1::2]``) copies the values in:
the array never holds the object stored, as a list or an array of objects would, so the
stored value (a view of ``x``) leaves no alias behind (sharing.py). A name counts where
every value bound to it is, from the code, such an array:

- a new array of NumPy's makers (``np.zeros(shape)``, ``np.ones``, ``np.empty``,
  ``np.eye``, ``np.identity``, ``np.full(shape, 2.0)``) given no dtype or a number dtype
  (``dtype=float``, ``dtype="float32"``, ``dtype=np.float64``);
- ``np.zeros_like(a)`` (``ones_like``, ``empty_like``, ``full_like``) of such an array, or
  given a number dtype;
- a copy (``snapshot(a)`` too, the array's copy), reshape, ravel, transpose (``.T``) of such an array (the methods, or NumPy's
  functions: ``np.transpose``, ``np.moveaxis``, ``np.swapaxes``, ``np.flip``, ...), or
  ``a.astype(<number dtype>)``;
- a view of such an array by constants (``a[0]``, ``a[1:]``), and the array ``a op= v`` leaves
  (NumPy writes into it, keeping its dtype);
- an operator on such arrays and numbers (``a * 0.5``, ``a * t`` with ``t`` bound only to
  numbers: constants, range counters and operators on them), and a NumPy ufunc of them
  (``np.sin(a)``, ``np.add(a, t)``) given no keyword (no ``out=``, no ``dtype=``);
- a parameter (or a global or closure variable, read by an advanced index) among
  ``sharing.number_arrays``: taken for such an array where the code
  checks that when it runs (modes/common.py's ``check_in_place_writes``), each one taken
  so noted in ``sharing.assumed_numbers``;
- another name bound to one of these (or, in reverse code, to the float it starts from and
  to its own earlier values taken back off a stack);

Anything else (what another call returns, an operator on anything else) may be a list or
an array of objects: not counted.
"""

import gast
import numpy

from .. import runtime
from ..core import anno
from ..core.anno import Key

_MAKERS = (numpy.zeros, numpy.ones, numpy.empty, numpy.eye, numpy.identity)
_LIKE = (numpy.zeros_like, numpy.ones_like, numpy.empty_like, numpy.full_like)
_SAME_NUMBERS = frozenset({"copy", "reshape", "ravel", "flatten", "transpose", "squeeze"})
_COPIES = (runtime.written_copy, runtime.copy_argument, numpy.copy, runtime.snapshot)
# views of the whole array by NumPy's functions, of their first argument's dtype
_SAME_NUMBERS_FUNCTIONS = (numpy.transpose, numpy.moveaxis, numpy.swapaxes, numpy.flip, numpy.squeeze,
                           numpy.ravel, numpy.reshape)
_NUMBER_KINDS = "biufc"
_BUILTIN_NUMBER_TYPES = frozenset({"bool", "int", "float", "complex"})


def holds_number_array(sharing, name, seen=frozenset()):
    """Whether every value ``sharing`` (analysis/sharing.py) sees bound to ``name`` is a
    NumPy array of numbers (see the module docstring)."""
    if name in seen:
        # a cycle (y = y * 0.5, y_saved = y ... y = y_saved): each form keeps an array of
        # numbers one, so the bindings outside the cycle decide
        return True
    seen = seen | {name}
    bindings = sharing.bindings_of(name)
    if name in sharing.params or name not in sharing.locals:     # a global or closure variable too
        if name not in sharing.number_arrays:
            return False
        sharing.assumed_numbers.setdefault(name, None)
    elif not bindings:
        return False
    return all(_binds_number_array(sharing, stmt, seen) for stmt in bindings)


def _binds_number_array(sharing, stmt, seen):
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
        return False
    value = stmt.value
    if isinstance(value, gast.Name):
        return holds_number_array(sharing, value.id, seen)
    if isinstance(value, gast.Constant) and type(value.value) is float or _popped_own_value(sharing, stmt):
        # reverse code's start (x_1 = 0.0: no array, nothing to index or store into) and its
        # earlier values taken back (x_1 = x_1_stack.pop()): the other bindings decide
        return any(not isinstance(other.value, gast.Constant) and not _popped_own_value(sharing, other)
                   for other in sharing.bindings_of(stmt.targets[0].id) if isinstance(other, gast.Assign))
    if isinstance(value, gast.Attribute) and value.attr == "T" and isinstance(value.value, gast.Name):
        return holds_number_array(sharing, value.value.id, seen)
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) and _basic_index(value.slice):
        return holds_number_array(sharing, value.value.id, seen)        # a[0], a[1:]: a view, same dtype
    if isinstance(value, gast.Call) and anno.get(value, Key.TARGET) is runtime.in_place and len(value.args) == 2 \
            and isinstance(value.args[1], gast.Name):
        # y op= v: NumPy writes into the array y, which keeps its dtype
        return holds_number_array(sharing, value.args[1].id, seen)
    if isinstance(value, gast.Call):
        return _makes_number_array(sharing, value, seen)
    if isinstance(value, gast.BinOp):       # t * 0.5: an operator on arrays of numbers and numbers
        return all(_number_operand(sharing, side, seen) for side in (value.left, value.right))
    return False


def _popped_own_value(sharing, stmt):
    return popped_own(sharing, stmt.targets[0].id, stmt.value)


def popped_own(sharing, name, value):
    """Whether ``value`` (bound to ``name``) is ``name``'s earlier value taken back off a
    stack of its own, as reverse code does (``x_1 = x_1_stack.pop()``): ``sharing.own_stack``
    says which stacks are such (analysis/value_stacks.py, which reads the sharing analysis)."""
    if sharing.own_stack is None or not (
            isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and value.func.attr == "pop"
            and isinstance(value.func.value, gast.Name) and not value.args and not value.keywords):
        return False
    key = (name, value.func.value.id)
    if key not in sharing.own_stacks:
        sharing.own_stacks[key] = sharing.own_stack(*key)
    return sharing.own_stacks[key]


def _number_operand(sharing, node, seen):
    return _number_constant([node]) or isinstance(node, gast.Name) and (
        _holds_number(sharing, node.id, seen) or holds_number_array(sharing, node.id, seen))


def _holds_number(sharing, name, seen):
    """Whether every binding of the local ``name`` is a Python number: a range loop's
    counter, a number constant, or an operator on such numbers (``t = k + 1.0``)."""
    bindings = sharing.bindings_of(name) if name in sharing.locals and name not in sharing.params else ()
    if name in seen or not bindings:
        return False
    seen = seen | {name}
    for stmt in bindings:
        if isinstance(stmt, gast.For):
            if not (isinstance(stmt.target, gast.Name) and _range_like(sharing, stmt.iter, seen)):
                return False
        elif not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
                  and _number_expression(sharing, stmt.value, seen)):
            return False
    return True


def _range_like(sharing, node, seen):
    """Whether ``node`` is ``range(...)``, ``reversed`` of one, a slice of one
    (``steps[::-1]``, as reverse code walks a loop back), or a name bound only to those."""
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id not in sharing.locals:
        target = anno.get(node, Key.TARGET, None)
        if node.func.id == "range" and target in (None, range):
            return True
        return node.func.id == "reversed" and target in (None, reversed) and len(node.args) == 1 \
            and _range_like(sharing, node.args[0], seen)
    if isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Slice):
        return _range_like(sharing, node.value, seen)
    if isinstance(node, gast.Name) and node.id in sharing.locals and node.id not in seen \
            and node.id not in sharing.params:
        bindings = sharing.bindings_of(node.id)
        return bool(bindings) and all(isinstance(b, gast.Assign) and len(b.targets) == 1
                                      and _range_like(sharing, b.value, seen | {node.id}) for b in bindings)
    return False


def _number_expression(sharing, node, seen):
    if isinstance(node, gast.BinOp):
        return all(_number_expression(sharing, side, seen) for side in (node.left, node.right))
    return _number_constant([node]) or isinstance(node, gast.Name) and _holds_number(sharing, node.id, seen)


def _makes_number_array(sharing, call, seen):
    target, method = anno.get(call, Key.TARGET), anno.get(call, Key.METHOD)
    dtype = next((kw.value for kw in call.keywords if kw.arg == "dtype"), None)
    if any(kw.arg not in ("dtype", "order") for kw in call.keywords):
        return False        # like=, **options: not read here
    if target in _MAKERS or target is numpy.full:
        given = 2 if target is numpy.full else 1
        fill_known = target is not numpy.full or dtype is not None or _number_constant(call.args[1:2])
        return len(call.args) == given and fill_known and (dtype is None or _number_dtype(sharing, dtype))
    if target in _LIKE and call.args and isinstance(call.args[0], gast.Name):
        return _number_dtype(sharing, dtype) if dtype is not None else \
            holds_number_array(sharing, call.args[0].id, seen)
    if target in _COPIES and len(call.args) == 1 and isinstance(call.args[0], gast.Name) and dtype is None:
        return holds_number_array(sharing, call.args[0].id, seen)
    if isinstance(target, numpy.ufunc) and target.nout == 1 and not call.keywords and call.args:
        # np.sin(y), np.add(y, 1.0): NumPy's new array of numbers, of arrays of numbers and numbers
        return all(_number_operand(sharing, arg, seen) for arg in call.args) \
            and any(isinstance(arg, gast.Name) and holds_number_array(sharing, arg.id, seen) for arg in call.args)
    if method is None and any(target is f for f in _SAME_NUMBERS_FUNCTIONS) and call.args and isinstance(call.args[0], gast.Name) \
            and dtype is None:
        return holds_number_array(sharing, call.args[0].id, seen)
    receiver = call.func.value if isinstance(call.func, gast.Attribute) else None
    method = method or (call.func.attr if receiver is not None and target is None else None)
    if method in _SAME_NUMBERS and isinstance(receiver, gast.Name) and dtype is None:
        return holds_number_array(sharing, receiver.id, seen)
    if method == "astype" and len(call.args) == 1:
        return _number_dtype(sharing, call.args[0])
    return False


def _basic_index(index):
    """Whether ``index`` is NumPy basic indexing written with constants (``0``, ``1:``,
    ``::2``, ``None``, ``...``, a tuple of them): the result is a view of the same dtype."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return all(isinstance(part, gast.Slice) and all(bound is None or _number_constant([bound])
                                                    for bound in (part.lower, part.upper, part.step))
               or isinstance(part, gast.Constant) and (type(part.value) is int or part.value in (None, Ellipsis))
               for part in parts)


def _number_constant(nodes):
    return len(nodes) == 1 and isinstance(nodes[0], gast.Constant) \
        and type(nodes[0].value) in (bool, int, float, complex)


def _number_dtype(sharing, node):
    """Whether ``node`` names a dtype of numbers: ``float`` (the builtin, not a local),
    ``"float32"``, ``np.float64``."""
    if isinstance(node, gast.Name):
        return node.id in _BUILTIN_NUMBER_TYPES and node.id not in sharing.locals
    if isinstance(node, gast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and node.value.id not in sharing.locals:
        text = node.attr if isinstance(getattr(numpy, node.attr, None), type) else None
    else:
        return False
    try:
        return text is not None and numpy.dtype(text).kind in _NUMBER_KINDS
    except TypeError:
        return False
