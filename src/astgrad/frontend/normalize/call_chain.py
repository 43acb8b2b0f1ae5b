"""The chain of constructs a call may be (calls.py's ``lowered_call``): each is asked in
turn, and the first that lowers the call wins. Most act on calls of a few callees only
and answer None for any other; those are asked only about a call whose function
resolves to one of them (each resolved the call itself, some twenty times a call).
Resolving notes what the path means (a guard, noted once a generation): the call is
resolved here where the first of those constructs resolved it, so no guard is lost.
In a derivative's code, most calls are of NumPy functions and astgrad's runtime helpers
by their names, which no construct asked about any call lowers: those are asked only of
the constructs of their own callees."""

import builtins
import functools
import itertools
import operator
import types

import gast
import numpy

from ... import mapped
from ...runtime_parts import RUNTIME_MODULES
from ..collectors import _plain_user_function

# the callees iterator_call lowers (iterators.py; asked about no other, but for a key=) and
# itertools_call (itertools_calls.py): here, so that their modules load when a call needs them
ITERATOR_CALLEES = (builtins.map, itertools.starmap, builtins.sorted, builtins.max, builtins.min)
BY_POSITION = (itertools.product, itertools.combinations, itertools.combinations_with_replacement,
               itertools.permutations)
ITERTOOLS_CALLEES = (functools.reduce, itertools.accumulate, *BY_POSITION, itertools.chain,
                     itertools.chain.from_iterable, itertools.pairwise, itertools.islice, itertools.repeat)
# the callees zip_value lowers and the list methods list_method lowers (displays.py; asked
# about no other call): here, so that its module loads when a call needs it
ZIPPED_CALLEES = (builtins.zip, builtins.enumerate)
LIST_METHODS = ("extend", "insert", "pop", "reverse")
# the functions running an operator that operator_call_of_object lowers on an object
# (operator_functions.py; asked about no other call)
OPERATOR_CALLEES = (operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv, operator.mod,
                    operator.pow, operator.matmul, operator.and_, operator.or_, operator.xor, operator.lshift,
                    operator.rshift, operator.neg, operator.pos, operator.invert, operator.inv, operator.not_,
                    operator.truth, operator.abs, operator.iadd, operator.isub, operator.imul, operator.itruediv,
                    operator.ifloordiv, operator.imod, operator.ipow, operator.imatmul, operator.iand,
                    operator.ior, operator.ixor, operator.ilshift, operator.irshift, operator.contains, builtins.pow,
                    builtins.divmod, builtins.sum)
_OPERATOR_IDS = frozenset(map(id, OPERATOR_CALLEES))       # (asked of every call reaching the chain's end)


def lowered_call(normalizer, node):
    """``node`` (a Call) lowered by the first of the constructs it may be, or None."""
    if normalizer.derivative_code:
        callee = _library_callee(normalizer, node)
        if callee is not None:      # none of the constructs asked about any call: those of its callee alone
            return _lowered_for_callee(normalizer, node, callee, _CALLEE_NAMED)
    for name in _ANY_CALL:
        lowered = getattr(normalizer, name)(node)
        if lowered is not None:
            return lowered
    # a helper of the user's keeping state in a list or a dict it is handed (handed_state.py)
    helper = _plain_user_function(normalizer.resolve_call(node))
    for lowering in ((normalizer.threaded_call, normalizer.table_call) if helper else ()) \
            + (normalizer.call_function_value,):       # which may write a global function into node.func
        lowered = lowering(node)
        if lowered is not None:
            return lowered
    return _lowered_for_callee(normalizer, node, normalizer.resolve_call(node), _BY_CALLEE)


def _lowered_for_callee(normalizer, node, callee, constructs):
    """``node`` lowered by the first of ``constructs`` (``_BY_CALLEE``'s form) that may
    lower a call of ``callee`` and does, or None."""
    for name, may_lower in constructs:
        if may_lower is None or may_lower(normalizer, node, callee):
            lowered = getattr(normalizer, name)(node)
            if lowered is not None:
                return lowered
    return None


def _library_callee(normalizer, node):
    """The NumPy function or astgrad runtime helper ``node`` calls by its global name
    (``numpy.cos(a)``, ``unbroadcast(d, x)``: most calls of a derivative's code), given
    its arguments by position or by a plain keyword; else None. No construct asked about
    any call lowers such a call: each follows a callee or a receiver of the user's (a
    class, an object's method, a local or a handed function, a dataclass's replace), a
    built-in (``list``, ``next``, ``abs``), ``operator``'s or ``math``'s function, or a
    call of a call's value."""
    func = node.func
    root = func
    while isinstance(root, gast.Attribute):
        root = root.value
    if not isinstance(root, gast.Name) or root.id in normalizer.bindings or root.id in normalizer.functions \
            or any(isinstance(arg, gast.Starred) for arg in node.args) \
            or any(kw.arg is None or kw.arg == "key" for kw in node.keywords):
        return None
    callee = normalizer.resolve_call(node)        # (None for a local name)
    if type(callee) not in _FUNCTIONS:     # (not an object, whose class may say numpy)
        return None
    module = getattr(callee, "__module__", None)
    if isinstance(module, str) and (module in RUNTIME_MODULES or module == "numpy" or module.startswith("numpy.")):
        return callee
    return None


_FUNCTIONS = frozenset({types.FunctionType, types.BuiltinFunctionType, numpy.ufunc, type(numpy.sum)})


# asked about any call, in this order (each module named where the method is)
_ANY_CALL = ("iterated_call",       # object_iteration.py
             "object_call",         # objects.py
             "replace_call",        # replaced.py
             "instance_call",       # built_objects.py
             "sequence_like")       # containers.py


def _one_of(callee, callees):
    return any(callee is f for f in callees)


def _calls_method(node, names):
    return isinstance(node.func, gast.Attribute) and node.func.attr in names


def _has_key(node):
    return any(kw.arg == "key" for kw in node.keywords)


def _may_map(normalizer, node, callee):
    """Whether ``mapped_call`` (numpy_maps.py) may lower the call: its own tests, for a
    call of a numpy.vectorize written out (rewrite_vectorize's) or of NumPy's mapping
    functions and vectorize objects."""
    return isinstance(node.func, gast.Name) and normalizer.bindings.get(node.func.id) is mapped.vectorize_call \
        or callee is numpy.apply_along_axis or callee is numpy.frompyfunc or isinstance(callee, numpy.vectorize)


# after call_function_value (inlining.py), in this order: (the method, whether it may
# lower a call of ``callee``, given the normalizer and the call, or None where it is asked
# about any call)
_BY_CALLEE = (
    # iterators.py; a key= of any call is read as a function (itemgetter's lambda takes a fresh name)
    ("iterator_call", lambda normalizer, node, callee: _one_of(callee, ITERATOR_CALLEES) or _has_key(node)),
    ("list_method", lambda normalizer, node, callee: _calls_method(node, LIST_METHODS)),  # displays.py
    ("reversed_call", lambda normalizer, node, callee: callee is builtins.reversed),    # displays.py
    ("zip_value", lambda normalizer, node, callee: _one_of(callee, ZIPPED_CALLEES)),    # displays.py
    ("itertools_call", lambda normalizer, node, callee: callee in ITERTOOLS_CALLEES),   # itertools_calls.py
    ("next_call", None),                                                                # explicit_iterators.py
    ("piecewise_call", lambda normalizer, node, callee: callee is numpy.piecewise),     # library_forms.py
    ("mapped_call", _may_map),                                                          # numpy_maps.py
    # ufunc_dtypes.py: a ufunc given dtype= (among its keywords)
    ("ufunc_dtype_call", lambda normalizer, node, callee: isinstance(callee, numpy.ufunc) and bool(node.keywords)),
    ("hypot_of_sequence", None),                                                        # math_forms.py
    ("protocol_call", None),                                                            # protocol_methods.py
    ("operator_call_of_object", lambda normalizer, node, callee: id(callee) in _OPERATOR_IDS),
    ("math_call_of_object", lambda normalizer, node, callee: getattr(callee, "__module__", None) == "math"),
    ("comparison_call", None),                                                          # comparison_methods.py
    ("unknown_class_conversion", None),                                                 # unknown_operators.py
)
# those asked about a call of a NumPy function or a runtime helper by its name: the ones
# asked about their own callees (piecewise, a ufunc given dtype=, ...)
_CALLEE_NAMED = tuple((name, may_lower) for name, may_lower in _BY_CALLEE if may_lower is not None)
