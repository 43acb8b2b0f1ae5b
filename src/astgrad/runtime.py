"""Helpers that generated code calls.

Every helper here is a primitive with its own adjoint and tangent rule (see
``rules/runtime_rules.py``), so code that calls them can be differentiated again:
the vocabulary of generated code is closed. Helpers that only compute shapes, specs,
masks or weights (piecewise-constant values) are declared non-differentiable there.

Conventions: a derivative has exactly the shape of the value it belongs to, and keeps
its float dtype (float32 stays float32). The derivative of a list or tuple is an
``AdjointList`` with one derivative per element.
"""

import collections.abc
import functools
import inspect
import linecache
import math
import numbers
import operator
import sys
import threading
import types
import typing

import numpy

from .special_functions import (  # noqa: F401  (derivatives of lgamma, numpy.i0, SciPy's; the tape's erfinv, lgamma)
    bessel_i, bessel_ie, entr, entr_slope, erfinv, lgamma, log_ndtr_gap, log_ndtr_slope, polygamma, scipy_polygamma)
from .sampled import (  # noqa: F401  (rules of trapezoid, interp, convolve, correlate, cov)
    convolve_crop, correlate_crop, correlate_embed, corr_change, corr_change_adjoint, cov_factor, cov_place, cov_rows, cov_share, cov_symmetric, cov_weights, square_shape, convolve_embed, interp_fill, interp_index, interp_outside, interp_weight, interp_weight_slope, is_none, trapezoid_pairs,
    trapezoid_spacing, trapezoid_unspacing, trapezoid_weights)
from .inserted import insert_as, undelete, uninsert  # noqa: F401  (rules of numpy.insert and numpy.delete)
from .gradient_nodes import (  # noqa: F401  (rules of numpy.gradient's spacing)
    SEVERAL_SPACINGS, gradient_axes, gradient_axis, node_differences, node_mask, node_offsets, node_undifferences, node_unoffsets,
    slope_by_a, slope_by_b)
from .mapped import (along_axis_layout, along_axis_rows, first_dtype, fitted_shape,  # noqa: F401
                     vectorize_call, vectorized_dtype)  # (apply_along_axis, vectorize)
from .rebound_places import outer_values, put_back, replay_from  # noqa: F401  (a gradient made outside, run again)
from .unknown_receivers import check_receiver_class  # noqa: F401  (a method of an object of no known class)
from .hooked_items import check_item_hooks, check_membership_hooks  # noqa: F401  (hooks of items of no known class)
from .value_hooks import check_value_hooks  # noqa: F401  (hooks of a value of no known class)
from .truth_hooks import check_length_hook, check_truth_hook  # noqa: F401  (a truth test, len() of no known class)
from .duck import as_array, is_duck_array
from .mapping_methods import disagreeing_method
from .write_order import reads_first as reads_value_first, route as write_route
from .outputs import check_scalar, is_real_number, one_element
from .array_layout import same_layout_copy, memory_order
from .plain_objects import refuse_plain_argument
from .core import originals
from .errors import TransformError, is_value_refusal
from .adjoint_values import (  # noqa: F401  (generated code finds them here)
    AdjointList, _as_rows, list_rows, _AbsentZero, _ABSENT_ITEM, AdjointDict, _refuse_object_operator,
    _OPERATORS, _has_own_operators, add_derivatives, zeros_like, _plain_object, _slotted, _NOT_PLAIN,
    _LIBRARY_MODULES, _float_dtype, _is_python_number, _like_dtype, _is_float_dtype, _NDARRAY,
    _is_zero_placeholder)
from .shape_info import (  # noqa: F401  (generated code finds them here)
    ShapeInfo, shape_of)
from .own_code import (  # noqa: F401  (generated code finds them here)
    _PLAIN_CONTAINERS, _own_iteration, _refuse_object_iteration, _runs_own_operators)
from .broadcasting import (  # noqa: F401  (generated code finds them here)
    _fit, _FLOAT64, _FLOAT64_DTYPE, _same_shape, _LIST_LENGTH_CHANGED, unbroadcast, broadcast_like,
    outer_operand, unouter, outer_spread, _reduced_axes, unreduce, _refuse_reduced_object, repeat_count,
    tie_weights, _initial_ties, initial_weight, _weak_float_dtype, _typed, select_weight, _extremum_items,
    _extremum_weights, _weighted, extremum_part, extremum_gather, if_empty, clip_weight,
    _refuse_length_changing_slice_write)
from .alias_writes import (  # noqa: F401  (generated code finds them here)
    copy_argument, _array_copies, _read_only_if, deep_copy, shallow_copy, any_order, writes_through,
    returns_itself, view_handed_apart, real_is_itself, _refuse_write_into_a_list_slice, _held_twice,
    shows_write, view_shows_writes, same_item, item_update, outside_update, _CONTAINERS, _CHANGEABLE,
    item_of_copy_apart, items_unshared_by_copy, _item_at, list_argument, plain_keys, _holds_float_key,
    items_apart, number_array_argument, _holds_numbers_only, written_copy, own_attribute_augmented,
    _class_held_words, written_items_apart, arguments_apart, _EMPTY, _held_objects, _has_attributes,
    _overlapping, follow_in_place, _changes_in_place, when_array, unless_array, _summable)
from .decompositions import (  # noqa: F401  (generated code finds them here)
    _LETTERS, _LABELS, tensordot_spec, _kron_padded, kron_blocks, kron_spec, _cross_axes, cross_spec,
    levi_civita, quarter_turn, in_result, column_shape, inverse_or_nan, off_diagonal_inverse, _is_upper,
    _triangle_masks, triangle_symmetric, triangle_symmetric_adjoint, transpose_if, _POLYVAL_REFUSAL,
    poly_powers, poly_length, poly_exponents, poly_slope, polyder_adjoint, polyint_adjoint,
    polyint_constants_adjoint, triangle, scipy_upper, _SCIPY_ADVICE, _SCIPY_FOLLOWED, scipy_checked,
    matrix_columns, _PER_MATRIX, _FACTORED, _SYMMETRIC, solve_reads, solve_read, solve_read_adjoint,
    triangular_transposed, qr_options, scipy_qr_mask, qr_shapes, _one_array, qr_part, qr_unpart,
    lstsq_options, lstsq_checked, lu_permutation, _refuse_singular_factor, lu_transposed, unit_lower,
    cholesky_phi, qr_lower_mask, skew_lower, skew_lower_adjoint, _eigenvectors_matching, eigvals_change,
    real_eigenvalues, real_matrix, full_rank_r, svd_signs, svd_shapes, _signed, svd_part, svd_unpart,
    block_triangular, upper_right, diagonal_blocks, lstsq_residuals, lstsq_residuals_adjoint, safe_power,
    signed_power, _norm_is_spectral, norm_axes, _norm_matrix, norm_exponent, _expanded, norm_select,
    spectral_input, spectral_output, spectral_weights, _COND_ADVICE, cond_masks, cond_power)
from .zero_safe_arithmetic import (  # noqa: F401  (generated code finds them here)
    _nan_to_zero_where_zero, _nan_where_rounded_to_zero, scale, over, power, inverse_or_zero)
from .cofactors import (  # noqa: F401  (generated code finds them here)
    det_cofactors, _adjoint_matrix, _svd_frame, _products_of_others, _products_excluding, _in_frame,
    _from_frame, _diagonal_matrix, cofactors_change, cofactors_second_change)
from .conversions import (  # noqa: F401  (generated code finds them here)
    _refuse_own_conversion, _refuse_conversion, cast_like, _PYTHON_NUMBERS, float_like, unstack_like,
    _nested_size, stack_like, _stack_nested)
from .sequences import (  # noqa: F401  (generated code finds them here)
    spread, gather, _real_part_for, unconcatenate, unstack, stack_fitted, unstack_fitted, _pieces_adjoint)
from .linear_algebra import (  # noqa: F401  (generated code finds them here)
    _first_occurrences, unique_gather, unique_scatter, is_index_concatenator, index_concatenate, _placement,
    concatenated_part, concatenated_spread, _swap, _as_float_of, _plain_float_arrays, _refuse_own_matmul,
    matmul_adjoint_left, matmul_adjoint_right, _dot_contracted_axis, _scaled_adjoint, dot_adjoint_left,
    dot_adjoint_right, inner_adjoint_left, inner_adjoint_right, untrace)
from .grouped_axes import (  # noqa: F401  (generated code finds them here)
    _grouping, group_axes, ungroup_axes, diagonal_mask, hypot_of, prod_except)
from .reductions import (  # noqa: F401  (generated code finds them here)
    _normalized_axes, sort_order, permute, unpermute, _QUANTILE_METHODS, _rank_weights, quantile_weights,
    nan_quantile_weights, _quantile_weights, quantile_weight_change, nan_quantile_weight_change,
    quantile_spread_shape, quantile_q_shape, leading_axes, trailing_axes, quantile_reduced_axes,
    range_weights, nan_count, degrees_of_freedom, prefix_mask, weights_like, unweight, _diff_shapes,
    diff_part, undiff, _gradient_axes, gradient_of, stacked_parts, split_parts, ungradient,
    _stencil_transpose)
from .assembly import (  # noqa: F401  (generated code finds them here)
    _dense, _as_like, _ASSEMBLERS, _assembly_layout, assemble, unassemble, _split_axis, unsplit, split_as,
    unatleast, atleast_as, _grid_axis, unmeshgrid, meshgrid_as, _block_labels, _block_pieces, unblock,
    _block_tangents, block_as, unappend, append_as, untile, unrepeat, undiag, undiagonal, unwindow,
    rollaxis_axes, _take_positions, _segments, reduceat_segments, reduceat_tie_weights, unreduceat, untake,
    _along_axis_index, diagonal_index, along_axis_index, _FLAT_WRITERS, put_marks, check_place_values,
    accumulate_sources)


# the helpers call NumPy as astgrad found it, as the calls of a rule do (a user's later
# np.broadcast_to = f does not reach unreduce); an exported module imports numpy itself
numpy = originals.snapshot(numpy)


class OpenContexts(threading.local):
    """The with-managers generated code entered and has not exited yet, per thread
    (``zero_safe.run_derivative`` exits them when the code raises)."""

    def __init__(self):
        self.managers = []
        self.entered = {}       # id(manager) -> what its __enter__ returned, until it exits


OPEN_CONTEXTS = OpenContexts()
# what entering a manager of a class also does in generated code, by class: filled by the
# modules concerned (derivative_warnings.py: numpy.errstate), empty in exported code
ON_ENTER = {}


def enter_context(manager):
    """What ``with manager:`` does on entry (the value ``as`` would bind)."""
    value = type(manager).__enter__(manager)
    also = ON_ENTER.get(type(manager))
    if also is not None:
        also()
    OPEN_CONTEXTS.managers.append(manager)
    OPEN_CONTEXTS.entered[id(manager)] = value
    return value


def entered_value(manager):
    """What entering ``manager`` (still open) returned: the value ``with ... as v`` binds."""
    return OPEN_CONTEXTS.entered[id(manager)]


def caught_exception():
    """The exception the ``except`` clause running now caught (generated code records
    it, then picks the handler after the ``try`` statement). astgrad's own refusal is
    raised on: Python runs the protected block without it, so no handler of the user's
    (``except TypeError``, ``except Exception``) is meant for it, and running one would
    differentiate another program."""
    error = sys.exc_info()[1]
    if isinstance(error, TransformError) or is_value_refusal(error):
        raise error
    return error


def percent_format(template, values):
    """``template % values`` for a string ``template``: it has no derivative rule, so it is
    refused, as an f-string is, where its result is read by what carries a derivative."""
    return template % values


def caught_value(error, where):
    """What ``except E as e`` binds in generated code: the exception caught, when it holds
    no float numbers. An exception carrying one (``raise Stop(x * w)``, read back as
    ``e.args[0]`` or ``e.value``) may carry values depending on the inputs, whose
    derivatives astgrad does not follow through ``raise`` and ``except``: refused, rather
    than a derivative silently missing that part."""
    held = list(error.args) + list(getattr(error, "__dict__", {}).values())
    if any(_holds_float(value, 2) for value in held):
        raise TypeError(
            f"astgrad: {where}: the exception caught here carries a float value; astgrad does not follow "
            "derivatives through raise and except: return the value, or set a flag in the try body and "
            "compute the value after the try statement")
    return error


def _holds_float(value, depth):
    """Whether ``value`` is a float, a NumPy array of floats or complex numbers, or a list,
    tuple or dict holding one (``depth`` levels deep)."""
    if isinstance(value, (float, complex, numpy.floating, numpy.complexfloating)):
        return True
    if isinstance(value, numpy.ndarray):
        return value.dtype.kind in "fc"
    if depth and isinstance(value, (list, tuple, dict)):
        items = value.values() if isinstance(value, dict) else value
        return any(_holds_float(item, depth - 1) for item in items)
    return False


def exit_context(manager):
    """What the end of ``with manager:`` does when its body raised nothing."""
    OPEN_CONTEXTS.managers.pop()
    OPEN_CONTEXTS.entered.pop(id(manager), None)
    type(manager).__exit__(manager, None, None, None)


def distinct(items):
    """A set of ``items`` as the list of what it holds, in the set's order: what a set
    comprehension or ``set(...)`` gives where the code only reads the set (sums it,
    loops over it, asks ``in``). A set keeps the first of equal items, the object
    itself, so each item of the result is one of ``items``."""
    return list(set(items))


def _kept_positions(kept, items):
    """For each item of ``kept`` (``distinct(items)``), the position in ``items`` of the
    object it is (its first)."""
    first = {}
    for i, item in enumerate(items):
        first.setdefault(id(item), i)
    return [first[id(item)] for item in kept]


def distinct_tangent(h, kept, items):
    """The tangent of ``kept = distinct(items)`` given the tangents ``h`` of ``items``: each
    kept item's own. Linear in ``h``; its transpose is ``distinct_adjoint``."""
    h = zeros_like(items) if _is_zero(h) else h
    return AdjointList(h[i] for i in _kept_positions(kept, items))


def distinct_adjoint(g, kept, items):
    """The derivative of ``items`` from ``g``, that of ``kept = distinct(items)``: each
    kept item's to the item it is, zero to the equal items the set dropped."""
    result = AdjointList(zeros_like(item) for item in items)
    if not _is_zero(g):
        for j, i in enumerate(_kept_positions(kept, items)):
            result[i] = result[i] + g[j]
    return result


def _is_zero(g):
    return g is None or isinstance(g, (int, float)) and not isinstance(g, bool) and g == 0


def deleted_positions(items, lower, upper, step):
    """The positions ``del items[lower:upper:step]`` removes, last first (so popping them
    in turn removes those items); the error Python or NumPy raises where ``items`` is an
    array or a tuple."""
    if isinstance(items, _NDARRAY):
        raise ValueError("cannot delete array elements")
    if not isinstance(items, list):
        raise TypeError(f"'{type(items).__name__}' object doesn't support item deletion")
    return sorted(range(*slice(lower, upper, step).indices(len(items))), reverse=True)


def outer_value(value):
    """The value of a global or closure variable the function rebinds, as it is when the
    code starts, under a name of its own: no pass replaces that name by the outer one,
    which would be read again after the function wrote the variable."""
    return value


def store_global(name, value):
    """``global name; name = value`` in the function calling this (generated code runs
    with the user function's globals): the module global rebound, as the function does."""
    sys._getframe(1).f_globals[name] = value


def store_nonlocal(name, value, current):
    """``nonlocal name; name = value`` in the generated code calling this, which shares the
    user function's closure cells: the cell ``name`` of the caller's frame set to ``value``.
    ``current`` is the cell's value, read by the caller so that its frame holds the cell
    (a frame holds only the free variables its code reads)."""
    frame = sys._getframe(1)
    if name not in frame.f_code.co_freevars:
        raise RuntimeError(f"astgrad: the generated code holds no closure cell '{name}' to write into")
    if sys.version_info >= (3, 13):
        frame.f_locals[name] = value            # a write-through view of the frame's variables
        return
    import ctypes
    frame.f_locals[name] = value                # a snapshot of the variables, written back:
    ctypes.pythonapi.PyFrame_LocalsToFast(ctypes.py_object(frame), ctypes.c_int(0))


def is_sequence(value):
    return isinstance(value, (list, tuple))


_SEQUENCE_FLAG, _MAPPING_FLAG = 1 << 5, 1 << 6    # CPython's Py_TPFLAGS_SEQUENCE / _MAPPING


def matches_sequence(value, length, exact):
    """Whether a ``match`` sequence pattern of ``length`` items (at least that many
    when it has a ``*_``) fits ``value``. Python decides by the type's sequence flag
    (set by collections.abc.Sequence, and by NumPy 2.5 for ndarray), not by isinstance."""
    return bool(type(value).__flags__ & _SEQUENCE_FLAG) and not isinstance(value, (str, bytes, bytearray)) \
        and (len(value) == length if exact else len(value) >= length)


def matches_mapping(value, keys):
    """Whether a ``match`` mapping pattern with these keys fits ``value`` (the type's
    mapping flag, as Python decides)."""
    return bool(type(value).__flags__ & _MAPPING_FLAG) and all(key in value for key in keys)


def matches_class(value, cls, attributes):
    """Whether a ``match`` class pattern ``cls(attr=...)`` fits ``value``."""
    if not isinstance(cls, type):
        raise TypeError(f"called match pattern must be a class, not {type(cls).__name__}")
    return isinstance(value, cls) and all(hasattr(value, name) for name in attributes)


def zeros_if_plain(g, value):
    """``g``, or zeros shaped like the array ``value`` (or its saved ShapeInfo) where ``g``
    is a plain number zero: the derivative of a name a try body bound where nothing that
    ran read it, which an array's rule (a reshape's) needs with the array's shape."""
    if not _is_zero_placeholder(g):
        return g
    if isinstance(value, numpy.ndarray):
        return zeros_like(value)
    if isinstance(value, ShapeInfo):
        return numpy.zeros(value.shape, value.dtype if numpy.issubdtype(value.dtype, numpy.inexact) else numpy.float64)
    return g


def in_place(value, like, derivative=False, op=None):
    """What ``y op= v`` leaves in ``y``, where ``value`` is ``y op v``, ``like`` is ``y``
    and ``op`` the augmented operator written (``"*="``), which an error names.

    On an array NumPy writes the result into ``y``: it keeps ``y``'s dtype and shape,
    casting with the rule 'same_kind' (float64 into float32 rounds; float into an int
    array raises UFuncTypeError, as does a result broadcast wider than ``y``). On a
    number Python rebinds ``y`` to the result, so ``value`` is returned as it is. In the
    common case (same dtype and shape) nothing is copied. Linear in ``value``.
    ``derivative``: ``value`` is a derivative, which an int or bool ``y`` (no derivative
    passes into it) takes as float zeros of its shape."""
    if type(like) is float or not isinstance(like, _NDARRAY):     # the hot path of s += ...
        return value
    if not like.flags.writeable and not derivative:     # a read-only array: NumPy's error, as y op= v raises
        raise ValueError("output array is read-only")
    if type(value) is _NDARRAY and value.dtype == like.dtype and value.shape == like.shape:
        return value
    if derivative and like.dtype.kind in "biu":
        return numpy.zeros(like.shape)
    out = numpy.empty(like.shape, like.dtype)
    try:
        numpy.positive(value, out=out, casting="same_kind")     # NumPy's own cast and errors
    except TypeError as error:
        if getattr(error, "ufunc", None) is numpy.positive:
            _as_users_cast(error, op, sys._getframe(1))
        raise
    return out


# the augmented operator of each operator node (the normalizer passes it to in_place), and
# the ufunc NumPy names where y op= v cannot cast the result into the array y
AUGMENTED_SYMBOLS = {
    "Add": "+=", "Sub": "-=", "Mult": "*=", "Div": "/=", "FloorDiv": "//=", "Mod": "%=", "Pow": "**=",
    "MatMult": "@=", "BitAnd": "&=", "BitOr": "|=", "BitXor": "^=", "LShift": "<<=", "RShift": ">>="}
_AUGMENTED_UFUNCS = {
    "+=": numpy.add, "-=": numpy.subtract, "*=": numpy.multiply, "/=": numpy.divide,
    "//=": numpy.floor_divide, "%=": numpy.remainder, "**=": numpy.power, "@=": numpy.matmul,
    "&=": numpy.bitwise_and, "|=": numpy.bitwise_or, "^=": numpy.bitwise_xor,
    "<<=": numpy.left_shift, ">>=": numpy.right_shift}


def _as_users_cast(error, op, frame):
    """NumPy's casting error of ``in_place``'s cast, made the one ``y op= v`` raises in
    the user's code: it names the ufunc of ``op`` (not the 'positive' the cast runs) and
    carries a note with the user's line, found from the generated line that called."""
    from .core.generated_text import origin
    if op in _AUGMENTED_UFUNCS:
        error.ufunc = _AUGMENTED_UFUNCS[op]
        error.args = (error.ufunc,) + error.args[1:]
    while frame is not None and origin(frame.f_code.co_filename, frame.f_lineno) is None:
        frame = frame.f_back
    if frame is None:
        return
    filename, line = origin(frame.f_code.co_filename, frame.f_lineno)
    text = linecache.getline(filename, line).strip()
    note = (f"{filename}:{line}: {text}: {op or 'op='} writes the result into the array, which keeps its "
            "dtype; bind the result instead (y = y + v), or make the array a float array (y = x.astype(float))")
    error.__notes__ = [*getattr(error, "__notes__", ()), note]


def rebound_item(item, where):
    """Checked before ``y op= v`` runs as ``y = y op v``, where ``y`` is the item a loop
    over a list gives and another name holds that list (``for y in xs.copy(): y *= w``):
    on a number (or a string or tuple) Python binds the result to ``y`` alone, and the
    list keeps its item. On an array or a list ``op=`` changes the item itself, which the
    list shows, and which astgrad cannot follow: refused, with ``where`` (the line, and
    what to write instead)."""
    if isinstance(item, (numbers.Number, str, bytes, tuple)) and not isinstance(item, numpy.ndarray):
        return
    raise TypeError(f"astgrad: {where} (it holds a {type(item).__name__} here)")


# -- indexing -------------------------------------------------------------------------

def _has_advanced(index):
    items = index if isinstance(index, tuple) else (index,)
    for item in items:
        if isinstance(item, (list, numpy.ndarray)) and not (
                isinstance(item, numpy.ndarray) and item.dtype == bool):
            return True
    return False


def written_part(g, index):
    """``g[index]``, except that where ``index`` repeats an element only its last
    occurrence keeps its value and the others are zero: ``y[index] = v`` keeps the last
    write of each element (as NumPy does), so only that part of ``v`` reaches ``y``.
    A number ``g`` is the derivative of a 0-d array, read as one, or a zero not yet
    shaped (a loop's turn that never read ``y``), whose every part is that zero."""
    if isinstance(g, (float, int, complex)):
        if g == 0:
            return g
        g = numpy.asarray(g)
    part = g[index]
    if not _has_advanced(index):
        return part                         # basic indexing and masks never repeat
    return numpy.where(_last_writes(numpy.shape(g), index, numpy.shape(part)), part, 0)


def through_store(g, container):
    """The derivative that passes through ``container[index] = v``: ``g`` (the derivative
    of ``v``, or of what was stored) unless ``container`` is an integer or bool array,
    which truncates what it stores: a piecewise-constant map, whose derivative is 0. A
    container whose class writes items with code of its own is refused (``own_items``)."""
    kind = type(container)
    if kind is _NDARRAY:
        return g if container.dtype.kind not in "biu" else zeros_like(g)
    if kind is not list and kind is not dict:
        own_items(container, "__setitem__")
    return g


_NOT_OBJECTS = (dict, list, tuple, numbers.Number, _NDARRAY, numpy.generic)


def unbroadcast_stored(g, value):
    """``unbroadcast(g, value)`` for ``container[index] = value``: an object stored whole
    as an item of a list or dict has as derivative a dict of its attributes' (an array
    item's is an array), which passes as it is, whatever operators its class defines (no
    operator of its ran). Any other value may broadcast, as an operand does."""
    if isinstance(g, AdjointDict) and not isinstance(value, _NOT_OBJECTS):
        return g
    return unbroadcast(g, value)


def added_at(total, y, index, values, subtract=False):
    """What ``numpy.add.at(y, index, values)`` (``subtract.at``) leaves in ``y``, an
    array: ``total`` (``y`` plus the values summed at each index) is the form
    differentiated, but NumPy rounds into ``y``'s dtype after each addition (an int
    array truncates each one; float32 rounds each), so repeated indices give another
    value. NumPy computes it on a copy; the derivative stays ``total``'s (none passes
    a store into an int array, as ``through_store`` says)."""
    if type(y) is not _NDARRAY:
        return total
    exact = y.copy()
    (numpy.subtract if subtract else numpy.add).at(exact, index, values)
    return exact


def at_positions(y, index):
    """The flat positions of ``y``'s elements that ``ufunc.at(y, index, v)`` changes, in
    the order NumPy takes them (a position once for each time ``index`` names it), in the
    shape of ``y[index]``, to which NumPy broadcasts ``v``; NumPy's IndexError where the
    index is out of bounds."""
    return numpy.arange(numpy.size(y)).reshape(numpy.shape(y))[index]


def at_places(positions, y):
    """The flat ``positions`` of ``y``'s elements (``at_positions``), in their order, as
    the index of each element in ``y`` (a tuple of ints; ``()`` for a 0-d ``y``, whose one
    element ``unravel_index`` cannot name)."""
    if numpy.ndim(y) == 0:
        return [()] * numpy.size(positions)
    return list(zip(*(axis.tolist() for axis in numpy.unravel_index(numpy.ravel(positions), numpy.shape(y)))))


def own_items(container, method):
    """A TypeError where the class of ``container`` defines ``method`` (``__setitem__``,
    ``__getitem__``) in Python code of its own: derivative code takes ``c[k] = v`` and
    ``c[k]`` as a list, a dict or an array stores and reads an item (a class doubling
    what it stores would get the derivative of the plain store); else nothing."""
    kind = type(container)
    if inspect.isfunction(getattr(kind, method, None)) and not getattr(kind, "astgrad_items", False) \
            and not (hasattr(container, "shape") and hasattr(container, "dtype")):     # an array's are followed
        raise TypeError(
            f"astgrad: this {'writes' if method == '__setitem__' else 'reads'} an item of a "
            f"{type(container).__name__}, whose {method} is its own code; astgrad follows the items of "
            "lists, dicts and arrays (and of classes that keep their item methods). Call a method "
            "of the object (obj.set(k, v)) or hold a list, a dict or an array")


def written_into(h, g, index):
    """Zeros shaped like ``g`` with ``h`` assigned at ``[index]`` (the last of repeated
    indices wins): the transpose of ``written_part``."""
    if isinstance(g, (list, tuple, dict)):
        return unindex(h, g, index)         # one key, one item: nothing repeats
    result = numpy.zeros(numpy.shape(g), dtype=_float_dtype(g) or numpy.float64)
    result[index] = h
    return result


def _last_writes(shape, index, part_shape):
    """For each element of ``y[index]``: whether ``y[index] = v`` keeps its value, i.e.
    whether it is the last write into its element of ``y``."""
    positions = numpy.arange(int(numpy.prod(part_shape))).reshape(part_shape)
    owner = numpy.full(shape, -1, dtype=positions.dtype)
    owner[index] = positions                # the same assignment, so the same winner
    return owner[index] == positions


def seed_shaped_like(seed, like):
    """The seed of gradient code's output (a gradient, shaped like the array ``like``)
    in that shape where it is a number (the default ``1.0``, which stands for itself in
    every element): the adjoint of ``unindex`` indexes it, as a 0-d array can be and a
    float cannot. ``like`` a NumPy scalar (a 0-d array's ``g * 2.0``) makes it one too.
    A seed given as an array, or ``like`` not an array, is left as it is."""
    if (type(like) is _NDARRAY or isinstance(like, numpy.inexact)) and isinstance(seed, numbers.Real):
        return seed * numpy.ones_like(like)
    return seed


def unindex(g, x, index):
    """Zeros shaped like ``x`` with ``g`` added at ``x[index]`` (repeats add up)."""
    if type(x) is _AbsentZero:          # every item of it is itself: zero whatever is read of it
        return x
    if type(x) is not _NDARRAY and type(x) not in _PLAIN_CONTAINERS:
        own_items(x, "__getitem__")
    if isinstance(x, (list, tuple)):
        result = AdjointList(zeros_like(item) for item in x)
        if isinstance(index, slice) and _is_zero_placeholder(g):
            return result           # the zero standing for a slice's derivative (an object's list)
        if isinstance(index, slice):
            for position, value in zip(range(*index.indices(len(x))), g):
                result[position] = add_derivatives(result[position], value)
        elif isinstance(index, numpy.ndarray):      # positions a rule took (numpy.take(fp, k), fp a list)
            for position, value in zip(index.ravel(), numpy.broadcast_to(g, index.shape).ravel()):
                result[position] = add_derivatives(result[position], value)
        else:
            result[index] = add_derivatives(result[index], g)   # None: a non-number's
        return result
    if isinstance(x, dict):
        result = AdjointDict((key, zeros_like(item)) for key, item in x.items())
        result[index] = add_derivatives(result[index], g)
        return result
    if (is_duck_array(x) or is_duck_array(g)) and not _has_advanced(index):
        return _unindex_lazily(g, x, index)
    if type(x) is _NDARRAY and x.dtype.kind == "O" and not isinstance(g, (numbers.Number, _NDARRAY, numpy.generic)):
        _is_float_dtype(x.dtype)        # an object's derivative read from an array of objects: refused
    result = numpy.zeros(numpy.shape(x), dtype=_float_dtype(x) or numpy.float64)
    if _has_advanced(index):
        if is_duck_array(g):                # Dask has no add.at: computed here
            g = numpy.asarray(g)
        numpy.add.at(result, index, g)      # integer arrays may repeat an element
    else:
        result[index] += g                  # basic indexing and masks never repeat
    return result


def _unindex_lazily(g, x, index):
    """``unindex`` for Dask arrays: a lazy write of ``g`` into lazy zeros (basic indices
    and masks never repeat an element, so writing is adding)."""
    like = x if is_duck_array(x) else g
    result = numpy.zeros_like(like, dtype=_float_dtype(x) or numpy.float64, shape=numpy.shape(x))
    result[index] = g
    return result


def item_position(x, index):
    """The indices of the element ``x.item(*index)`` reads: ``index`` empty (the one
    element of ``x``), a flat position (a negative one counts from the end, as ``item``
    does), a tuple of indices, or the indices themselves."""
    shape = numpy.shape(x)
    if not index:
        return (0,) * len(shape)
    if len(index) > 1 or isinstance(index[0], tuple):
        return tuple(index) if len(index) > 1 else index[0]
    position = operator.index(index[0])
    size = math.prod(shape)
    return tuple(int(i) for i in numpy.unravel_index(position + size if position < 0 else position, shape))


def loop_item(g, xs, index):
    """The derivative of the item a for loop takes from ``xs`` at step ``index``, given
    the derivative ``g`` of ``xs``: ``g[index]``; iterating a dict gives its keys, whose
    derivative is zero; so has each item where ``xs`` has none (None: a set of keys)."""
    if isinstance(xs, dict):
        return 0.0
    _own_iteration(xs)
    if g is None:
        return None
    return g[index]


def unloop_item(h, xs, index):
    """The transpose of ``loop_item``: zeros shaped like ``xs`` with ``h`` added at
    ``index`` (nothing for a dict, whose loop items are its keys)."""
    if isinstance(xs, dict):
        return zeros_like(xs)
    _own_iteration(xs)
    return unindex(h, xs, index)


# -- shape bookkeeping (non-differentiable) --------------------------------------------------

def inverse_axes(axes, x):
    """The permutation undoing ``numpy.transpose(x, axes)`` (None for a full reversal)."""
    if axes is None:
        return None
    ndim = numpy.ndim(x)
    return tuple(int(i) for i in numpy.argsort([int(a) % ndim for a in axes]))


def method_axes(axes):
    """``x.transpose(*axes)``'s axes as ``numpy.transpose`` takes them."""
    if axes is None or axes == ():
        return None
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
        return None if axes[0] is None else tuple(axes[0])
    return tuple(axes)


def method_shape(shape):
    """``x.reshape(*shape)``'s shape as ``numpy.reshape`` takes it."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def norm_axis(x, ord=None, axis=None):
    """The axes ``numpy.linalg.norm(x, ord, axis)`` reduces, when its derivative is the
    Euclidean/Frobenius one; other norms raise a clear error."""
    ndim = numpy.ndim(x)
    vector = (axis is None and ndim == 1) or isinstance(axis, numbers.Integral) or \
        (isinstance(axis, tuple) and len(axis) == 1)
    if ord is None or (ord == "fro" and not vector) or (ord == 2 and vector):
        return axis
    raise NotImplementedError(
        f"astgrad: the derivative of numpy.linalg.norm with ord={ord!r} "
        f"({'vector' if vector else 'matrix'} norm) is not supported; "
        "ord=None, 'fro' (matrices) and 2 (vectors) are")


def linspace_weights(start, stop, num=50, endpoint=True, axis=0):
    """t in ``linspace(start, stop) = start + t * (stop - start)``, shaped to broadcast."""
    dtype = numpy.result_type(_float_dtype(start) or numpy.float64, _float_dtype(stop) or numpy.float64)
    t = numpy.linspace(0.0, 1.0, num, endpoint=endpoint).astype(dtype)
    ndim = max(numpy.ndim(start), numpy.ndim(stop)) + 1
    position = axis % ndim
    return numpy.reshape(t, (num,) + (1,) * (ndim - 1 - position)) if ndim > 1 else t


def arange_has_stop(stop):
    """1.0 when ``numpy.arange`` was given a stop, so its first argument is a start
    (whose derivative is 1 for every element); 0.0 when it is the stop (derivative 0)."""
    return 0.0 if stop is None else 1.0


def arange_index(y):
    """0, 1, ..., len(y)-1 in y's float dtype."""
    return numpy.arange(len(y), dtype=_float_dtype(y) or numpy.float64)


# -- einsum ---------------------------------------------------------------------------

def _einsum_terms(subscripts, operands):
    """numpy.einsum's labels as explicit strings (ellipses expanded), one per argument
    slot: the subscripts slot first, then each operand; a slot that holds no array
    (the subscripts string, or a sublist of the interleaved form
    ``einsum(a, [0, 1], b, [1, 2], [0, 2])``) gets '_'."""
    if isinstance(subscripts, str):
        terms, out = _einsum_string_terms(subscripts, operands)
        return ["_"] + terms, out
    slots = [subscripts] + list(operands)
    output = slots[-1] if len(slots) % 2 == 1 else None       # the optional output sublist
    paired = slots[:-1] if output is not None else slots
    arrays, sublists = paired[0::2], paired[1::2]
    text = ",".join(_sublist_labels(s) for s in sublists)
    if output is not None:
        text += "->" + _sublist_labels(output)
    terms, out = _einsum_string_terms(text, arrays)
    every = ["_"] * len(slots)
    every[0:2 * len(terms):2] = terms
    return every, out


def _sublist_labels(sublist):
    """[0, 1, Ellipsis] -> 'ab...': einsum's integer labels 0..51 are letters."""
    return "".join("..." if item is Ellipsis else _LETTERS[int(item)] for item in sublist)


def _einsum_string_terms(subscripts, operands):
    text = subscripts.replace(" ", "")
    ins, arrow, out = text.partition("->")
    ins = ins.split(",")
    if len(ins) != len(operands):
        raise ValueError(f"einsum subscripts {subscripts!r} name {len(ins)} operands, got {len(operands)}")
    used = {c for c in text if c.isalpha()}
    spare = [c for c in _LETTERS if c not in used]
    widths = [numpy.ndim(op) - len(term.replace("...", "")) for term, op in zip(ins, operands) if "..." in term]
    width = max(widths, default=0)
    ellipsis = "".join(spare[:width])
    terms = []
    for term, op in zip(ins, operands):
        if "..." in term:
            k = numpy.ndim(op) - len(term.replace("...", ""))
            term = term.replace("...", ellipsis[width - k:])
        terms.append(term)
    if arrow:
        out = out.replace("...", ellipsis)
    else:
        counts = {}
        for term in ins:
            for c in term.replace("...", ""):
                counts[c] = counts.get(c, 0) + 1
        out = ellipsis + "".join(sorted(c for c, n in counts.items() if n == 1))
    return terms, out


def _split_spec(spec):
    ins, _, out = spec.partition("->")
    return ins.split(","), out


def einsum_adjoint_spec(subscripts, operands, argnum):
    """The ``contract`` spec of the adjoint of operand ``argnum`` of an einsum (-1: the
    first argument, an operand in the interleaved form), over the tensors
    (cotangent, subscripts, *operands); the operand itself is ignored ('_')."""
    terms, out = _einsum_terms(subscripts, operands)
    return _adjoint_spec(terms, out, argnum + 1)


def einsum_tangent_spec(subscripts, operands, argnum):
    """The ``contract`` spec of the tangent term of operand ``argnum`` of an einsum (-1:
    the first argument), over the tensors (tangent, subscripts, *operands)."""
    terms, out = _einsum_terms(subscripts, operands)
    return _tangent_spec(terms, out, argnum + 1)


def _adjoint_spec(terms, out, argnum):
    own = terms[argnum]
    rest = list(terms)
    rest[argnum] = "_"
    return ",".join([out] + rest) + "->" + own


def _tangent_spec(terms, out, argnum):
    own = terms[argnum]
    rest = list(terms)
    rest[argnum] = "_"
    return ",".join([own] + rest) + "->" + (out if own != "_" else "_")


def adjoint_spec(spec, argnum):
    """The spec of the adjoint of tensor ``argnum`` of ``contract(spec, ...)``."""
    if spec.endswith("->_"):
        # an identically zero result: zero adjoints; the cotangent's slot comes first
        return "_," + spec
    terms, out = _split_spec(spec)
    return _adjoint_spec(terms, out, argnum)


def tangent_spec(spec, argnum):
    """The spec of the tangent term of tensor ``argnum`` of ``contract(spec, ...)``."""
    terms, out = _split_spec(spec)
    if out == "_":
        return "_," + spec           # zero again; the tangent's slot comes first
    return _tangent_spec(terms, out, argnum)


def operand_shape(operands, argnum):
    return numpy.shape(operands[argnum])


def contract(spec, shape, *tensors):
    """A generalized einsum, closed under differentiation.

    ``spec`` is 'ab,bc,_->ac': one explicit label string per tensor ('_' = ignore the
    tensor, which then only holds a place), and the output labels, which may repeat
    (the result is put on that diagonal, zeros elsewhere) or name labels no input has
    (the result is broadcast along them); ``shape`` is the result's shape, which also
    decides where size-1 broadcast axes are summed. '->_' means an identically zero
    result. The adjoint of tensor k is again a ``contract`` of the cotangent with the
    other tensors (``adjoint_spec``), so einsum has derivatives of every order.
    """
    terms, out = _split_spec(spec)
    shape = tuple(shape)
    arrays = [(t, x) for t, x in zip(terms, tensors) if t != "_"]
    dtype = numpy.result_type(*[_typed(x) for _, x in arrays], 1.0) if arrays else numpy.float64
    if out == "_" or not arrays:
        zero = numpy.zeros(shape, dtype=dtype)
        return zero if shape else zero[()]
    sizes = {}
    for term, x in arrays:
        for label, n in zip(term, numpy.shape(x)):
            # a size-1 axis broadcasts against any size, also against 0
            sizes[label] = n if sizes.get(label, 1) == 1 else sizes[label]
    unique = "".join(dict.fromkeys(out))
    present = "".join(c for c in unique if c in sizes)
    operands = [as_array(x, dtype=dtype) for _, x in arrays]
    r = numpy.einsum(",".join(t for t, _ in arrays) + "->" + present, *operands)
    r = numpy.reshape(r, tuple(sizes[c] if c in sizes else 1 for c in unique))
    target = dict(zip(out, shape))
    r = _fit(r, tuple(target[c] for c in unique))
    if len(unique) == len(out):
        return as_array(r, dtype=dtype) if shape else as_array(r, dtype=dtype)[()]
    result = numpy.zeros(shape, dtype=dtype)
    numpy.einsum(out + "->" + unique, result)[...] = r
    return result


_T = typing.TypeVar("_T")


def stop_gradient(x: _T) -> _T:
    """Return ``x`` unchanged; no derivative flows back through the call."""
    return x


def snapshot(value):
    """A copy of ``value`` that later in-place writes cannot change, read-only where
    ``value`` is (a write into it raises NumPy's error, as one into ``value`` does)."""
    return _read_only_if(value.copy(), value) if isinstance(value, numpy.ndarray) else value


def own_tangent(tangent, value, operand=None, operand_tangent=None):
    """``tangent`` as the tangent of ``value``, sharing memory the way ``value`` does.

    A rule may hand back an operand's tangent itself (the tangent of ``b = a + 1.0``
    is ``a``'s), while ``b`` is a new array. Forward mode calls this where tangents
    are written in place later: the tangent is copied when it shares memory with
    ``operand_tangent`` but ``value`` shares none with ``operand`` (a new array gets
    a new tangent, a view keeps a view of the tangent), or when it is read-only (a
    broadcast) while ``value`` can be written into, so a write changes exactly the
    tangents whose values NumPy changes.
    """
    if isinstance(tangent, numpy.ndarray):
        if _may_share(tangent, operand_tangent) and not _may_share(value, operand):
            return tangent.copy()
        if not tangent.flags.writeable and isinstance(value, numpy.ndarray) and value.flags.writeable:
            return tangent.copy()
        return tangent
    if isinstance(tangent, (list, dict)) and tangent is operand_tangent and value is not operand:
        return type(tangent)(tangent)      # a new list or dict holds the same items
    return tangent


def _may_share(a, b):
    return isinstance(a, numpy.ndarray) and isinstance(b, numpy.ndarray) and numpy.may_share_memory(a, b)


def zero_index(g, index, container=None):
    """A copy of the derivative ``g`` with ``g[index]`` set to zero (the part an
    in-place write overwrote carries no derivative back). For a list or a dict, the
    zero is shaped like ``container[index]`` when the container is given: the item
    the write replaced, put back already, which may have another shape than the one
    written (``xs = [x, w]; xs[1] = x``). A list item gets the zero placeholder, of any
    length: the code may still pop items the sweep put back off that very list object
    (``t = d[k]; t.append(v); d[k] = t``), so its length now is not its length where
    the derivative read out of it is added."""
    if isinstance(g, dict):
        result = AdjointDict(g)
        if index in result:
            result[index] = _zero_item(_restored_item(container, index, result[index]))
        return result
    if isinstance(g, (list, tuple)):
        result = AdjointList(g)
        result[index] = _zero_item(_restored_item(container, index, result[index]))
        return result
    if isinstance(g, (float, int, complex)) and g == 0:
        return g                # a zero not yet shaped stays one
    result = numpy.array(g, dtype=float if numpy.ndim(g) == 0 else None, copy=True)
    result[index] = 0
    return result


def _zero_item(item):
    """The zero derivative of an item a write replaced: the placeholder 0.0 for a list."""
    return 0.0 if type(item) is list else zeros_like(item)


def drop_last(g):
    """The derivative of a list before its last element was appended."""
    if _is_zero_placeholder(g):
        return g
    if isinstance(g, numpy.ndarray):    # np.sum(xs) of a list: one row per item
        return AdjointList(list(g[:-1]))
    return AdjointList(list.__getitem__(g, slice(None, -1)))


def pad_last(g, items):
    """``g`` with a zero derivative appended for ``items``' last element."""
    if _is_zero_placeholder(g):
        return zeros_like(items)
    return AdjointList(list(g) + [zeros_like(items[-1])])


def append_derivative(g, value, items=None):
    """The derivative of a list after ``value``'s derivative was appended to it;
    ``items`` is the list before the append (its length, when ``g`` is still 0.0)."""
    if _is_zero_placeholder(g) and items is not None:
        g = zeros_like(items)
    return AdjointList(list(g) + [value])


def put_back_popped(items, value):
    """Undo ``value = items.pop()`` in a reverse sweep, in the receiver's own way: a
    set gets its item back with ``add`` (Python chose which one ``pop`` took), a list,
    deque, bytearray or ``array.array`` at its end with ``append``."""
    if isinstance(items, (set, dict)) or not hasattr(items, "append"):
        if isinstance(items, set):
            items.add(value)
            return
        raise TypeError(
            f"astgrad: the function takes an item with .pop() from a {type(items).__name__}, which "
            f"astgrad cannot put back (it follows .pop() on a list, deque or set). Pass a list, or "
            f"read the item without taking it out")
    items.append(value)


def take_back_popped(items, value):
    """Undo ``put_back_popped(items, value)`` (a derivative of a derivative's reverse sweep): the
    item put back is not in a set before (a set's ``pop`` took it), and last in a list."""
    if isinstance(items, set):
        items.remove(value)
    else:
        items.pop()


# no __dict__: not an object of the user's whose derivative is a dict of its attributes'
# (zeros_like gives None), also where an exported module defines it (see _plain_object)
MISSING = type("Missing", (), {"__slots__": (), "__repr__": lambda self: "MISSING"})()


def saved_item(container, key):
    """A copy of ``container[key]`` before an in-place write, or MISSING for a new key.
    A container whose class writes items with code of its own, which the code took for a
    list's, a dict's or an array's, is refused (``own_items``)."""
    if isinstance(container, dict) and key not in container:
        return MISSING
    if type(container) is not list and type(container) is not dict and type(container) is not _NDARRAY:
        own_items(container, "__setitem__")
    return snapshot(container[key])


def _restored_item(container, index, default):
    """``container[index]``, an item of a list or dict put back by ``restore_item``, or
    ``default`` when there is no such single item (no container, a slice, a key gone)."""
    if isinstance(container, (list, dict)) and not isinstance(index, slice):
        try:
            return container[index]
        except (IndexError, KeyError, TypeError):
            pass
    return default


def slice_write_keeps_length(container, lower, upper, step, value, where):
    """Checked before ``xs[lower:upper:step] = v`` in the forward sweep of reverse mode:
    on a list, ``v`` with another number of items than the slice moves the later items,
    which the derivative follows by their places (and the reverse sweep puts back by the
    slice): refused. An array's slice write keeps its shape (NumPy raises otherwise)."""
    if type(container) is list and step in (None, 1) and hasattr(value, "__len__"):    # extended: Python raises
        replaced = range(*slice(lower, upper, step).indices(len(container)))
        if len(value) != len(replaced):
            _refuse_length_changing_slice_write(where)


def write_reads_value_first(container, index, value, where):
    """Checked before ``y[index] = v`` in the forward sweep of reverse mode, where ``v``
    may share ``y``'s memory (``y`` itself, a view of it): the derivative takes ``v`` as
    it was before the write, which is what NumPy writes for a basic index, but for an
    advanced one (a mask, a list of positions) only where this NumPy's route for it reads
    all of ``v`` first (``write_order.py``); elsewhere NumPy writes element by element,
    reading elements of ``v`` it has overwritten already: refused."""
    if type(container) is not _NDARRAY or type(value) is not _NDARRAY:
        return
    kind = write_route(container, index)
    if kind is None or reads_value_first(kind) or not numpy.shares_memory(container, value):
        return
    what = {"mask": "a mask", "positions": "a list of positions"}.get(kind, "arrays together with other indices")
    raise ValueError(f"astgrad: {where}: cannot differentiate this write y[index] = v, where v shares y's "
                     f"memory (y itself, or a view of it) and the index is {what}: NumPy writes such a value "
                     "element by element, so it may read elements the write has already replaced. Write a "
                     "copy, y[index] = v.copy(), which means the same in every NumPy version")


def restore_item(container, key, value):
    """Undo ``container[key] = ...`` with what ``saved_item`` returned."""
    if value is MISSING:
        container.pop(key, None)        # already gone when an outer sweep undid it first
    else:
        container[key] = value


def current_row(row, array, index):
    """``row = array[index]`` read again after ``array`` was written in place: a row of
    an n-d array is a view and shows the write (NumPy semantics); a number read out of
    a 1-D array (or a copy made by fancy indexing) does not."""
    return array[index] if _is_view_of(row, array) else row


def _is_view_of(row, array):
    return isinstance(row, numpy.ndarray) and isinstance(array, numpy.ndarray) \
        and row.base is not None and numpy.may_share_memory(row, array)


def when_view(g, row, array):
    """``g`` where ``row`` is a view of ``array`` (so it follows the array), else zero."""
    return g if _is_view_of(row, array) else zeros_like(g)


def unless_view(g, row, array):
    """``g`` where ``row`` is not a view of ``array`` (it keeps its value), else zero."""
    return zeros_like(g) if _is_view_of(row, array) else g


def element(container, index):
    """``container[index]`` where later code writes into ``container`` while the result
    is still in use: fine when the result is a number (a copy), an error when it is a
    view that the write would change behind astgrad's back."""
    value = container[index]
    if isinstance(value, numpy.ndarray) and isinstance(container, numpy.ndarray) \
            and numpy.shares_memory(value, container):
        raise RuntimeError(
            "astgrad: an indexed row of an array is still used after the array is written "
            "in place, and the row is a view that the write changes; read a copy instead "
            "(row = y[i].copy())")
    return value


def flat_not_held(value, where):
    """``value`` (what ``obj.flat`` read), unless it is NumPy's flat iterator held in a
    name or handed on: the iterator advances as it is read (a second pass over it is
    empty), and its derivative, that of ``numpy.ravel(x)``, is right only read fresh
    (frontend/normalize/flat_iterators.py). An object's own ``flat`` passes."""
    if isinstance(value, numpy.flatiter):
        raise TypeError(
            f"astgrad: {where}: x.flat is held or handed on here: NumPy's flat iterator advances as "
            "it is read (a second pass over it is empty), which astgrad does not follow. Iterate it "
            "directly (for v in x.flat), index it (x.flat[i]), or use x.ravel(), an array whose every "
            "pass reads all elements")
    return value


def flat_read_once(value):
    """``value`` (what ``obj.flat`` read, handed alone to ``sum``, ``max``, ``list``, ...):
    NumPy's flat iterator, read fresh, as the array of its items in order, which the
    derivative can read again (the iterator, once read, is empty); an object's own
    ``flat`` passes (frontend/normalize/flat_iterators.py)."""
    if isinstance(value, numpy.flatiter):
        return numpy.ravel(value.base)
    return value


def check_copy_cast(destination, source, casting):
    """Stop with NumPy's own error where ``numpy.copyto(destination, source,
    casting=casting)`` raises for the dtypes or the destination (a float into an int
    array under 'same_kind', a list as the destination), which the generated code's
    ``destination[...] = source`` would not: nothing is written here."""
    if not isinstance(destination, numpy.ndarray):
        numpy.copyto(destination, source, casting=casting)      # NumPy's TypeError for what is not an array
        return
    dtype = numpy.result_type(source) if isinstance(source, (int, float, complex)) else numpy.asarray(source).dtype
    numpy.copyto(numpy.empty(1, destination.dtype), numpy.empty(1, dtype), casting=casting)


def check_fill_view(part, whole, shown, where):
    """Stop where ``shown.fill(v)`` (``part``, read from ``whole``) would not write into
    ``whole`` as the generated code's element write does: ``whole`` not a NumPy array (a
    list, whose item the write would replace), or ``part`` a NumPy scalar (``y[0]`` of a
    1-D ``y``) or a copy (an index array's), whose ``fill`` changes nothing in ``whole``."""
    if not isinstance(whole, numpy.ndarray):
        name = shown.split("[")[0]
        raise TransformError(
            f"{where}: astgrad cannot differentiate .fill() on {shown}: astgrad follows .fill() on a slice "
            f"or an index of a NumPy array, and {name} is a {type(whole).__name__}; write the new value "
            f"with an assignment instead ({shown} = v for an array, {name}[i] = numpy.full_like({name}[i], v) "
            "for an item of a list)")
    if isinstance(part, numpy.ndarray) and (part.size == 0 or numpy.may_share_memory(part, whole)):
        return
    what = "a copy made by an index array" if isinstance(part, numpy.ndarray) else "one number"
    raise TransformError(
        f"{where}: astgrad cannot differentiate .fill() on {shown}, which is not a view of the array "
        f"but {what}, so NumPy's fill changes nothing in the array; write the element assignment "
        "you mean instead (y[i] = v), or leave the call out")


def check_array_method(receiver, method, where):
    """Stop if ``receiver.method(...)`` was not NumPy's array method after all.

    Method calls are matched to their rule by name (``v.sum()`` gets the rule of
    ``numpy.ndarray.sum``), which is only right for NumPy arrays and scalars; a user
    object with a method of the same name must not get NumPy's derivative.
    A list's or dict's ``copy`` means the same as an array's, and a number's ``real``,
    ``imag`` and ``conjugate``.
    """
    if isinstance(receiver, (numpy.ndarray, numpy.generic)) or is_duck_array(receiver):
        return                  # a Dask array's methods mean what NumPy's do
    if method == "copy" and isinstance(receiver, (list, dict)):
        return
    if method in ("real", "imag", "conjugate") and isinstance(receiver, numbers.Real):
        return      # a Python number's .real, .imag and .conjugate() mean the same
    raise TypeError(
        f"astgrad: {where}: .{method}() was differentiated as the NumPy array method "
        f"numpy.ndarray.{method}, but it was called on a {type(receiver).__name__} object. "
        "astgrad does not differentiate methods of other objects: call a module-level "
        "function with the object's arrays instead, or wrap the value in "
        "astgrad.stop_gradient(...)")


def check_plain_argument(value, label, transform, where):
    """Stop where a gradient taken inside differentiated code (``astgrad.grad(g)(p)``) is
    given an object of a plain class holding floats, as the call ``astgrad.grad(g)(p)``
    itself raises in Python (plain_objects.py): its gradient would be None."""
    try:
        refuse_plain_argument(value, label, transform, "leave it out of wrt= to hold it constant", paths=False)
    except TypeError as error:
        raise TypeError(f"astgrad: {where}: {error}") from None


def check_jvp_tangent(tangent, primal, index, where):
    """Stop where ``astgrad.jvp`` called inside differentiated code is given a tangent
    shaped otherwise than its primal (an array of another shape, a list of another
    length), with the message a jvp called outside gives, not NumPy's broadcast error
    from the code it runs. A tangent of another kind (None) is left to that code."""
    found = _tangent_mismatch(tangent, primal, "")
    if found is not None:
        path, given, like = found
        raise ValueError(f"astgrad: {where}: jvp: tangent {index}{path} is {_shape_words(given)}, but primal "
                         f"{index}{path} is {_shape_words(like)}; they must match")


def _tangent_mismatch(tangent, primal, path):
    """(path, tangent's part, primal's part) where they first differ in length, keys or
    shape; None where they agree."""
    if isinstance(primal, (list, tuple)) and isinstance(tangent, (list, tuple)):
        if len(tangent) != len(primal):
            return path, tangent, primal
        pairs = [(f"{path}[{i}]", t, p) for i, (t, p) in enumerate(zip(tangent, primal))]
    elif isinstance(primal, dict) and isinstance(tangent, dict):
        if set(tangent) != set(primal):
            return path, tangent, primal
        pairs = [(f"{path}[{key!r}]", tangent[key], item) for key, item in primal.items()]
    elif _has_shape(tangent) and _has_shape(primal) and numpy.shape(tangent) != numpy.shape(primal):
        return path, tangent, primal
    else:
        return None
    return next((found for found in (_tangent_mismatch(t, p, where) for where, t, p in pairs)
                 if found is not None), None)


def _has_shape(x):
    return isinstance(x, (numpy.ndarray, numpy.generic, numbers.Number)) and not isinstance(x, bool)


def _shape_words(x):
    if isinstance(x, dict):
        return f"a dict with keys {sorted(x, key=repr)}"
    if isinstance(x, (list, tuple)):
        return f"a {type(x).__name__} of length {len(x)}"
    return f"of shape {numpy.shape(x)}"


def check_container_method(receiver, method, where):
    """Stop if ``receiver.method(...)``, differentiated as a list's (or dict's) method
    found by its name (``log.append(v)``), runs code of the receiver's class instead: an
    object whose class astgrad did not know when it generated the code (read from a dict,
    returned by a call) defining ``append`` of its own."""
    if inspect.isfunction(getattr(type(receiver), method, None)):
        raise TypeError(
            f"astgrad: {where}: .{method}() was differentiated as a list's, but it was called on a "
            f"{type(receiver).__name__} object, whose class defines {method} in code of its own; astgrad did "
            "not know the object's class when it generated the code. Name the object where it is built "
            f"(log = {type(receiver).__name__}(...)) or give it as an argument, so that astgrad follows "
            f"its {method}, or hold a list")


def check_mapping(mapping, method, where):
    """Stop if a lowered ``mapping.get(key)`` or loop over ``mapping.items()``,
    ``.values()`` or ``.keys()`` was called on something that is not a mapping: astgrad
    rewrote it as reads of ``mapping[key]``, which only a mapping's methods agree with.
    Returns the mapping's keys (a live view, as ``for k in mapping`` sees them), which a
    lowered loop iterates: keys carry no derivative, whatever the values do."""
    if not isinstance(mapping, collections.abc.Mapping):
        raise TypeError(
            f"astgrad: {where}: .{method}() was differentiated as the dict method dict.{method}, "
            f"but it was called on a {type(mapping).__name__} object: the code was generated without "
            "knowing that object's class (as an exported module is: export is given no arguments), "
            "and read the call as a dict's. Call a module-level function with the object's arrays "
            "instead, or wrap the value in astgrad.stop_gradient(...)")
    own = disagreeing_method(mapping, method)
    if own is not None:
        raise TypeError(
            f"astgrad: {where}: .{method}() was differentiated as the dict method dict.{method}, reading "
            f"mapping[key], but it was called on a {type(mapping).__name__} object, whose {own} is its class's "
            "own: the code was generated without knowing that object's class (as an exported module is: "
            "export is given no arguments). Take the derivative in process (astgrad.grad is made for the "
            "object it is given), or call a module-level function with the object's arrays instead")
    return mapping.keys()


def has_key(mapping, key, where):
    """``key in mapping``, for a lowered ``mapping.get(key)`` (see check_mapping)."""
    check_mapping(mapping, "get", where)
    return key in mapping


def check_keywords(mapping, allowed, required, name):
    """Python's TypeError for ``name(**mapping)`` where ``mapping`` has a key that is not
    one of the parameters ``allowed`` or lacks one of the ``required`` ones (a lowered
    ``f(**d)`` whose keys are known only when the code runs)."""
    unknown = [key for key in mapping if key not in allowed]
    if unknown:
        raise TypeError(f"{name}() got an unexpected keyword argument (or multiple values for "
                        f"argument) '{unknown[0]}'")
    missing = [key for key in required if key not in mapping]
    if missing:
        raise TypeError(f"{name}() missing 1 required argument: '{missing[0]}'")


def hashable_arguments(*values):
    """Python's TypeError for a call of a helper decorated with ``functools.lru_cache``
    given a value the cache cannot hash (``unhashable type: 'numpy.ndarray'``)."""
    hash(values)


def check_spread_keywords(mapping, taken, name):
    """Python's TypeError for ``name(..., **mapping)`` handing ``mapping`` whole to the
    ``**kwargs`` parameter: not a mapping, a key that is not a string, or a key naming a
    parameter the call gives already (``taken``)."""
    if not isinstance(mapping, collections.abc.Mapping):
        raise TypeError(f"{name}() argument after ** must be a mapping, not {type(mapping).__name__}")
    for key in mapping:
        if not isinstance(key, str):
            raise TypeError("keywords must be strings")
        if key in taken:
            raise TypeError(f"{name}() got multiple values for argument '{key}'")


def default_of(fn, name):
    """The default value of ``fn``'s parameter ``name``, as it is now."""
    return inspect.signature(fn).parameters[name].default


def pop_position(items, index, where):
    """The position ``items.pop(index)`` removes, counted from the front, for a
    lowered ``xs.pop(i)``; raises what Python's ``list.pop`` raises for an index out of
    range, and a clear TypeError when ``items`` is not a list."""
    if not isinstance(items, list):
        raise TypeError(
            f"astgrad: {where}: .pop(i) was differentiated as the list method list.pop, "
            f"but it was called on a {type(items).__name__} object. astgrad does not "
            "differentiate methods of other objects: call a module-level function with the "
            "object's arrays instead, or wrap the value in astgrad.stop_gradient(...)")
    if not items:
        raise IndexError("pop from empty list")
    position = operator.index(index)
    position = position + len(items) if position < 0 else position
    if not 0 <= position < len(items):
        raise IndexError("pop index out of range")
    return position


def deleted_position(items, index, where):
    """``pop_position`` for ``del items[index]``: where ``items`` is an array or a tuple,
    the error Python or NumPy raises for the ``del``."""
    if isinstance(items, (_NDARRAY, tuple)):
        deleted_positions(items, None, None, None)
    return pop_position(items, index, where)


def sorted_positions(keys, reverse=False):
    """The positions of ``keys`` in the order ``sorted`` puts them (stably, and with
    ``reverse`` as Python's ``sorted`` does): ``sorted(xs, key=k)`` is
    ``[xs[i] for i in sorted_positions([k(v) for v in xs])]``."""
    return sorted(range(len(keys)), key=keys.__getitem__, reverse=bool(reverse))


def like_sequence(template, items):
    """``type(template)(items)`` for ``template`` a list or a tuple (``items`` a list):
    a new list or tuple of the items. Another type is a ``TypeError`` (its constructor
    was not differentiated)."""
    if type(template) is list:
        return list(items)
    if type(template) is tuple:
        return tuple(items)
    raise TypeError(
        f"astgrad: type(x)(items) was differentiated as building a list or a tuple like x, but x is a "
        f"{type(template).__name__}; write list(...) or tuple(...) for the type you mean")


def check_unpack_count(values, count):
    """Raise what Python raises unpacking ``values`` into ``count`` names, where it holds
    another number of items."""
    _own_iteration(values)
    given = len(values)
    if given > count:
        raise ValueError(f"too many values to unpack (expected {count})")
    if given < count:
        raise ValueError(f"not enough values to unpack (expected {count}, got {given})")


def check_spread_count(values, others, function, parameters):
    """Raise what Python raises calling ``function`` (its qualified name) with ``*values``
    and ``others`` other positional arguments, where they do not fill its ``parameters``
    (their names, space-separated: it takes that many, with no defaults) one for one."""
    _own_iteration(values)
    names = parameters.split()
    given = others + len(values)
    if given > len(names):
        raise TypeError(f"{function}() takes {len(names)} positional argument{'' if len(names) == 1 else 's'} "
                        f"but {given} {'was' if given == 1 else 'were'} given")
    if given < len(names):
        missing = [repr(name) for name in names[given:]]
        listed = missing[0] if len(missing) == 1 else " and ".join(missing) if len(missing) == 2 \
            else ", ".join(missing[:-1]) + ", and " + missing[-1]
        raise TypeError(f"{function}() missing {len(missing)} required positional "
                        f"argument{'' if len(missing) == 1 else 's'}: {listed}")


def check_zip_lengths(*lengths):
    """Raise what ``zip(..., strict=True)`` raises where its arguments have ``lengths``:
    the first argument found out of step when the shortest one runs out."""
    shortest = min(lengths)
    if lengths[0] == shortest:
        for i, n in enumerate(lengths[1:], 2):
            if n > shortest:
                raise ValueError(f"zip() argument {i} is longer than argument{_first(i - 1)}")
        return
    i = lengths.index(shortest) + 1
    raise ValueError(f"zip() argument {i} is shorter than argument{_first(i - 1)}")


def _first(count):
    return " 1" if count == 1 else f"s 1-{count}"


# what a loop over zip(...) may read by position (seq[k]): the k-th item is what iterating gives
_BY_POSITION = (list, tuple, numpy.ndarray, range, str)
# the hooks of a subclass of those that may make seq[k] differ from what iterating gives
_POSITION_HOOKS = ("__iter__", "__getitem__", "__len__")


def zip_length(seq, argument, where):
    """``len(seq)`` for argument ``argument`` (from 1) of a loop over ``zip(...)``, which
    the derivative runs by position (``seq[k]``): right for a list, tuple, array, range or
    string. A dict gives its keys when iterated (``seq[k]`` would read values), a list or
    tuple subclass with its own ``__iter__``, ``__getitem__`` or ``__len__`` may give other
    items by position than by iterating, and an iterator or another iterable may not be read
    by position at all: refused, naming the line."""
    own = _own_position_hook(type(seq))
    if isinstance(seq, _BY_POSITION) and own is None:
        return len(seq)
    kind = type(seq).__name__
    if own is not None:
        kind = f"{kind}, whose {own} is its own code"
    if isinstance(seq, dict):
        advice = "write zip(list(d), ...) for its keys or zip(d.values(), ...) for its values"
    else:
        advice = "make a list of it first (zip(list(v), ...)), or pass a list, tuple or array"
    raise TypeError(
        f"astgrad: {where}: argument {argument} of zip() is a {kind}; astgrad follows a loop over zip(...) "
        f"reading each argument by position, which it does for lists, tuples, arrays and ranges; {advice}")


def _own_position_hook(kind):
    """The name of a hook of ``_POSITION_HOOKS`` that a subclass of a list, tuple or string
    defines (the first found), or None (an array's subclasses are NumPy's business)."""
    if kind in _BY_POSITION or issubclass(kind, numpy.ndarray):
        return None
    for klass in kind.__mro__:
        if klass in _BY_POSITION:
            break
        for hook in _POSITION_HOOKS:
            if hook in vars(klass):
                return hook
    return None


def list_to_tuple(items):
    """``tuple(xs)``, once ``xs`` is made a list (``[v for v in xs]``): its own helper
    so that its rules need only cover lists."""
    return tuple(items)


def check_scalar_output(value, name):
    """Stop where ``name``, the function a gradient is taken of, returned no number:
    code returning the gradient alone (which a transform of ``grad(name)`` runs, and an
    exported gradient) checks the output as calling the gradient does. A one-element
    array is the number it holds."""
    if type(value) is float or is_real_number(value) or one_element(value):
        return
    check_scalar(value, name)


def check_element_read(value, where):
    """Stop where ``a.data[k]``, read in an expression before a method changing ``a`` in
    place runs, is not a number (a view of a row of a deeper array, an array a list holds):
    Python's expression then sees the change, where the derivative reads the value from
    before the call. A number (``a.data[k]`` of a 1-D array) is a copy the call cannot change."""
    if isinstance(value, (numbers.Number, numpy.generic)):
        return
    raise TransformError(
        f"{where}, which here is of type {type(value).__name__}, not a number: Python's expression holds it "
        "itself and sees the change, where astgrad's would be the value before the call; call the method in "
        "a statement of its own (r = a.method(...)), and read the item before or after that statement, as "
        "you mean (a copy before it: v = a.data[k].copy())")


def element_copy(value, where):
    """``value`` (``a.data[k]`` bound to a name before a method changing ``a`` runs) where
    it is a number, a copy the method cannot change; stopped as ``check_element_read``
    stops otherwise. The identity on numbers, with the identity's derivatives."""
    check_element_read(value, where)
    return value


def check_number_operand(value, symbol, where, sequence=False):
    """Stop where the left operand of ``k * v``, followed as ``v.__rmul__(k)`` because a
    number's operator gives way to an object's, is not a Python number: an array's (or
    another object's) operator would run first, with another result. ``sequence``: NumPy
    reads ``v`` as a sequence (its class has ``__len__`` and ``__getitem__``), so a NumPy
    scalar's operator (``np.float64``, a float too) runs on its items, not ``__rmul__``."""
    if isinstance(value, (int, float, complex)) and not (sequence and isinstance(value, numpy.generic)):
        return
    raise TypeError(
        f"astgrad: {where}: the left operand of {symbol} is a {type(value).__name__}, not a Python "
        + ("number (a NumPy scalar, whose operator reads the right operand as a sequence of its items, "
           "having __len__ and __getitem__)" if isinstance(value, numpy.generic) else "number")
        + ": the code was made for the right operand's reflected method, which Python runs "
        "only when the left operand's own operator gives way; pass a Python number there (float(k)), "
        "or call the method you mean by its name")


def check_compared_value(value, left, right, methods, symbol, where):
    """Stop where a comparison astgrad reads as a constant (neither operand's class known
    when it generated the code) ran a comparison method of a user class (``methods``: the
    left operand's and the right one's reflected) that gave a value other than a bool,
    which may carry a derivative (a distance as ``v == w``) that would be lost."""
    if value.__class__ is bool or value.__class__ is numpy.bool_:
        return
    for operand, method, order in zip((left, right), methods, ("a, b", "b, a")):
        function = getattr(type(operand), method, None)
        if isinstance(function, types.FunctionType) and function.__code__.co_filename != "<string>":
            raise TypeError(
                f"astgrad: {where}: {symbol} runs {type(operand).__name__}.{method}, whose class astgrad did not "
                f"know when it generated the code, and it gave a {type(value).__name__}, whose derivative would "
                f"be lost; call the method through its class ({type(operand).__name__}.{method}({order})), which "
                "astgrad follows")


def check_float_dtype(dtype, what, where):
    """Stop if a ``dtype=`` given as a variable makes a reduction integer-valued: its
    derivative rule assumes a float result (a constant integer dtype gives 0)."""
    if dtype is None or numpy.dtype(dtype).kind in "fc":
        return
    if numpy.dtype(dtype).kind not in "biu":
        raise TypeError(f"astgrad: {where}: {what}(..., dtype={numpy.dtype(dtype)}) of a value that carries a "
                        "derivative: astgrad follows float arrays only; leave dtype= out (or give a float dtype)")
    raise TypeError(
        f"astgrad: {where}: {what}(..., dtype={numpy.dtype(dtype)}) computes an integer "
        "result, a piecewise-constant function; write the dtype as a constant (its "
        "derivative is then 0) or wrap the value in astgrad.stop_gradient(...)")


# ---------------------------------------------------------------------------------
# Helpers of the SciPy rules (rules/scipy_special.py, rules/scipy_stats.py); they use
# NumPy only, so this module never imports SciPy.
# ---------------------------------------------------------------------------------

def logsumexp_weights(a, y, axis=None, b=None, keepdims=False, return_sign=False):
    """``b * exp(a - y)`` for ``y = scipy.special.logsumexp(a, axis, b, keepdims)``: the
    weight of each term in logsumexp's derivative (the softmax of ``a`` when ``b`` is None),
    with the shape of ``a`` and ``b`` broadcast together."""
    if return_sign:
        raise ValueError(
            "astgrad: scipy.special.logsumexp(..., return_sign=True) is not differentiated; "
            "call it with return_sign=False (its default), which needs sum(b * exp(a)) > 0")
    shape = numpy.shape(a) if b is None else numpy.broadcast_shapes(numpy.shape(a), numpy.shape(b))
    weights = numpy.exp(a - unreduce(y, numpy.broadcast_to(a, shape), axis, keepdims))
    return weights if b is None else b * weights


def mvn_points(x, cov_shape):
    """``x`` as an (n, k) array of points, as ``scipy.stats.multivariate_normal`` reads it
    for a (k, k) covariance: the last axis holds the coordinates, a number or a length-k
    vector is one point, and for k = 1 a vector holds n points. SciPy reads the points as
    floats: a complex ``x`` counts by its real part."""
    if len(cov_shape) != 2:
        raise ValueError(
            "astgrad: scipy.stats.multivariate_normal is differentiated with cov given as a "
            f"(k, k) matrix, not an array of shape {tuple(cov_shape)}; pass "
            "numpy.diag(variances) or variance * numpy.eye(k) instead")
    return numpy.reshape(numpy.real(x), (-1, cov_shape[-1]))


def scipy_shift(loc, x):
    """``loc`` as ``scipy.stats`` reads it in ``(x - loc) / scale``: SciPy casts that
    quotient to ``x``'s float dtype, so beside a real ``x`` a complex ``loc`` counts by
    its real part alone (SciPy drops the imaginary part, with a ComplexWarning). Linear
    in ``loc``."""
    if numpy.iscomplexobj(loc) and not numpy.iscomplexobj(x):
        return numpy.real(loc)
    return loc


# -- list and tuple + and * ------------------------------------------------------------------

def _is_items(value):
    return isinstance(value, (list, tuple))


def concat(a, b):
    """``a + b`` where astgrad saw a list or a tuple when it generated the code:
    concatenation (both operands must be lists, or both tuples, as in Python)."""
    if not (_is_items(a) and _is_items(b)):
        raise TypeError(f"astgrad: '+' of a {type(a).__name__} and a {type(b).__name__} where a list "
                        "or tuple concatenation was expected; convert the array with list(...) "
                        "or the list with numpy.asarray(...)")
    return a + b


def extended(a, b):
    """What ``a += b`` leaves in ``a`` where astgrad saw a list or a tuple: ``concat(a,
    b)``, except that ``list.__iadd__`` extends a list by a tuple or a range too (an
    array operand is NumPy's arithmetic, chosen before this is called)."""
    if type(a) is list and isinstance(b, (tuple, range)):
        return a + list(b)
    return concat(a, b)


def repeat(items, count):
    """``items * count`` (or ``count * items``) on a list or tuple: ``count`` copies (a
    bool is the int 0 or 1 here, as in Python)."""
    if not _is_items(items) or not isinstance(count, numbers.Integral):
        hint = ""
        if _is_items(items) and isinstance(count, (numpy.ndarray, numpy.generic, float)):
            hint = (" (in NumPy a list times an array multiplies elementwise, but astgrad could not tell "
                    "when it generated the code that this operand is not an int, as it is for an argument: "
                    "write numpy.asarray([...]) * v or numpy.multiply([...], v))")
        raise TypeError(f"astgrad: '*' of a {type(items).__name__} and a {type(count).__name__} "
                        f"where a list or tuple repeated an int number of times was expected{hint}")
    return items * count


def piecewise_masks(x, conditions, count):
    """The boolean masks ``numpy.piecewise(x, conditions, funclist)`` applies the ``count``
    items of ``funclist`` under, as NumPy reads them: a list of conditions that are not
    arrays is one condition for an array ``x``, one more function than conditions gets
    where none holds, and any other count raises NumPy's ``ValueError``."""
    x = numpy.asanyarray(x)
    if numpy.isscalar(conditions) or (not isinstance(conditions[0], (list, numpy.ndarray)) and x.ndim != 0):
        conditions = [conditions]
    masks = numpy.asarray(conditions, dtype=bool)
    if len(masks) == count - 1:
        masks = numpy.concatenate([masks, ~numpy.any(masks, axis=0, keepdims=True)], axis=0)
    elif len(masks) != count:
        raise ValueError(f"with {len(masks)} condition(s), either {len(masks)} or {len(masks) + 1} "
                         "functions are expected")
    return list(masks)


def holds_items(value):
    """Whether ``value`` is a list or a tuple, where the code could not tell when it was
    generated (``a = x * [w, 2.0]`` is one where ``x`` is an int, an array where it is an
    array): ``a + b`` and ``a * n`` then concatenate and repeat."""
    return _is_items(value)


def multiplies_elementwise(count):
    """Whether ``items * count`` on a list multiplies elementwise (``count`` an array, as
    NumPy reads ``[1.0, 2.0] * numpy.array(2)``) rather than repeating the list."""
    return isinstance(count, _NDARRAY)


def joins_elementwise(other):
    """Whether ``items + other`` (or ``-``, ``/``, ``**``) on a list or tuple is NumPy's
    elementwise arithmetic: ``other`` is a NumPy array or scalar, which reads the list
    as an array (``x + [1.0, w]``), where a list would be concatenated."""
    return isinstance(other, (_NDARRAY, numpy.generic))


def _items_derivative(g, like):
    """``g`` as one derivative per item of ``like`` (a zero placeholder becomes zeros)."""
    if _is_zero_placeholder(g) or g is None:
        return zeros_like(like)
    return list(g)


def cut(g, like, at_start):
    """The part of ``g``, a derivative of a concatenation, that belongs to ``like``: its
    first ``len(like)`` items when ``at_start``, else its last ones."""
    if _is_zero_placeholder(g) or g is None:
        return zeros_like(like)
    items = list(g)
    return AdjointList(items[:len(like)] if at_start else items[len(items) - len(like):])


def pad_to(t, like, at_start):
    """``t`` (a derivative of the first or last items of ``like``) as a derivative of all of
    ``like``: zeros for the other items (the transpose of ``cut``)."""
    if _is_zero_placeholder(t) or t is None:
        return zeros_like(like)
    items = list(t)
    rest = [zeros_like(v) for v in (list(like)[len(items):] if at_start else list(like)[:len(like) - len(items)])]
    return AdjointList(items + rest if at_start else rest + items)


def repeated_sum(g, items):
    """The derivative of ``items`` from the derivative ``g`` of ``items * count``: each
    item's copies add up (zeros when count is 0)."""
    result = zeros_like(items)
    if _is_zero_placeholder(g) or g is None or not len(items):
        return result
    g = list(g)
    for start in range(0, len(g), len(items)):
        result = result + AdjointList(g[start:start + len(items)])
    return result


def repeated(t, count):
    """The derivative of ``items * count`` from the derivative ``t`` of ``items``."""
    if _is_zero_placeholder(t) or t is None:
        return t
    return AdjointList(list(t) * count)


def repeated_like(t, like):
    """``t`` repeated as often as it fits in ``like`` (the transpose of ``repeated_sum``)."""
    if _is_zero_placeholder(t) or t is None:
        return zeros_like(like)
    t = list(t)
    return AdjointList(t * (len(like) // len(t)) if t else [])


# -- ufunc.accumulate of a two-argument ufunc f (rules/declare.py generates its templates) -----
#
# y[k] = f(y[k-1], x[k]) has the tangent dy[k] = f_1 * dy[k-1] + f_2 * dx[k] (f's partials at
# step k): a linear recurrence, solved by running_linear; its adjoint is the same recurrence run
# backwards (flipped), with the coefficients moved one step (unshifted_along).

def running_linear(a, b, axis=0):
    """z with z[k] = a[k] * z[k-1] + b[k] along ``axis`` (z[-1] = 0, so a[0] is not read);
    a and b broadcast. A loop over the axis, as NumPy's own accumulate runs."""
    # b's float dtype (a float32 derivative stays float32 when a holds float64 constants)
    dtype = numpy.result_type(a, b, 0.0) if numpy.iscomplexobj(a) else numpy.result_type(b, 0.0)
    a, b = numpy.broadcast_arrays(numpy.asarray(a), numpy.asarray(b))
    if a.ndim == 0:
        raise ValueError("astgrad: ufunc.accumulate needs an array of at least 1 dimension")
    a, b = numpy.moveaxis(a, _accumulate_axis(axis), 0), numpy.moveaxis(b, _accumulate_axis(axis), 0)
    z = numpy.empty(b.shape, dtype=dtype)
    for k in range(b.shape[0]):
        z[k] = a[k] * z[k - 1] + b[k] if k else b[0]
    return numpy.moveaxis(z, 0, _accumulate_axis(axis))


def shifted_along(x, axis=0):
    """``x`` moved one step along ``axis`` (item k is x[k-1]), 0 first."""
    x = numpy.asarray(x)
    moved = numpy.moveaxis(x, _accumulate_axis(axis), 0)
    out = numpy.zeros(moved.shape, dtype=numpy.result_type(x, 0.0))
    out[1:] = moved[:-1]
    return numpy.moveaxis(out, 0, _accumulate_axis(axis))


def unshifted_along(g, axis=0):
    """``g`` moved one step back along ``axis`` (item k is g[k+1]), 0 last: the transpose of
    ``shifted_along``."""
    g = numpy.asarray(g)
    moved = numpy.moveaxis(g, _accumulate_axis(axis), 0)
    out = numpy.zeros(moved.shape, dtype=numpy.result_type(g, 0.0))
    out[:-1] = moved[1:]
    return numpy.moveaxis(out, 0, _accumulate_axis(axis))


def first_along(x, axis=0):
    """True at the first item along ``axis``, False elsewhere (x's shape)."""
    mask = numpy.zeros(numpy.shape(x), dtype=bool)
    numpy.moveaxis(mask, _accumulate_axis(axis), 0)[:1] = True
    return mask


def _accumulate_axis(axis):
    """accumulate's axis=None, which NumPy takes for a 1-d array only, is its axis 0."""
    return 0 if axis is None else axis


def untake_along_axis(g, arr, indices, axis):
    """The adjoint of ``numpy.take_along_axis(arr, indices, axis)`` (repeats add up)."""
    dtype = _float_dtype(arr) or _float_dtype(g) or numpy.float64
    out = numpy.zeros(numpy.shape(arr), dtype=dtype)
    if axis is None:
        flat = numpy.ravel(out)
        numpy.add.at(flat, numpy.asarray(indices), g)
        return numpy.reshape(flat, numpy.shape(arr))
    numpy.add.at(out, _along_axis_index(out.shape, indices, axis), g)
    return out


_INDEX_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def _pad_positions(shape, pad_width, mode, reflect_type="even"):
    """For each element of ``numpy.pad(x, pad_width, mode)`` (x shaped ``shape``), the
    flat position in x it copies, or -1 for a constant."""
    if mode not in _INDEX_PAD_MODES or reflect_type != "even":
        raise NotImplementedError(
            f"astgrad: the derivative of numpy.pad with mode={mode!r}"
            f"{'' if reflect_type == 'even' else f', reflect_type={reflect_type!r}'} is not supported; "
            f"modes {', '.join(map(repr, _INDEX_PAD_MODES))} (reflect_type 'even') are")
    positions = numpy.arange(int(numpy.prod(shape, dtype=int))).reshape(shape)
    if mode == "constant":
        return numpy.pad(positions, pad_width, mode, constant_values=-1)
    return numpy.pad(positions, pad_width, mode)


def pad_gather(t, array, pad_width, mode="constant", reflect_type="even"):
    """The tangent of ``numpy.pad(array, pad_width, mode)``: ``t`` padded the same way,
    with zeros where the result is a constant."""
    positions = _pad_positions(numpy.shape(array), pad_width, mode, reflect_type)
    flat = numpy.ravel(t)
    out = numpy.where(positions >= 0, flat[numpy.maximum(positions, 0)] if flat.size else 0.0, 0.0)
    return _as_float_of(out, t)


def pad_scatter(g, array, pad_width, mode="constant", reflect_type="even"):
    """The adjoint of ``numpy.pad(array, pad_width, mode)``: each element of ``g`` added
    to the element of array it copies (the transpose of ``pad_gather``)."""
    positions = _pad_positions(numpy.shape(array), pad_width, mode, reflect_type)
    out = numpy.zeros(numpy.size(array), dtype=_float_dtype(array) or _float_dtype(g) or numpy.float64)
    keep = positions >= 0
    numpy.add.at(out, positions[keep], numpy.asarray(g)[keep])
    return _as_like(numpy.reshape(out, numpy.shape(array)), array)


def _chosen(condlist):
    """For numpy.select: which condition picks each element (len(condlist) for none)."""
    conds = numpy.broadcast_arrays(*[numpy.asarray(c, dtype=bool) for c in condlist])
    first = numpy.full(conds[0].shape if conds else (), len(condlist))
    for i in reversed(range(len(conds))):
        first = numpy.where(conds[i], i, first)
    return first


def unselect(g, condlist, choicelist, default=0):
    """The adjoints of ``numpy.select(condlist, choicelist, default)``'s choices: each
    gets ``g`` where its condition is the first true one."""
    first = _chosen(condlist)
    return AdjointList(unbroadcast(numpy.where(first == i, g, 0.0), c) for i, c in enumerate(choicelist))


def select_parts(h, condlist, g):
    """The transpose of ``unselect``: the choices' derivatives ``h`` selected (the
    first true condition wins), shaped like ``g``."""
    first = _chosen(condlist)
    out = 0.0
    for i, part in enumerate(h):
        out = out + numpy.where(first == i, 0.0 if part is None else part, 0.0)
    return _as_like(_fit(out, numpy.shape(g)), g)


def unselect_default(g, condlist, default):
    """The adjoint of numpy.select's ``default``: ``g`` where no condition holds."""
    return unbroadcast(numpy.where(_chosen(condlist) == len(condlist), g, 0.0), default)


def _choice_of(a, n, mode):
    return _take_positions(a, n, mode)


def unchoose(g, a, choices, mode="raise"):
    """The adjoints of ``numpy.choose(a, choices, mode=mode)``'s choices: each gets
    ``g`` where ``a`` picks it."""
    which = _choice_of(a, len(choices), mode)
    parts = [unbroadcast(numpy.where(which == i, g, 0.0), c) for i, c in enumerate(choices)]
    if isinstance(choices, numpy.ndarray):
        return _as_like(numpy.stack(parts), choices)
    return AdjointList(parts)


def choose_parts(h, a, g, mode="raise"):
    """The transpose of ``unchoose``: the choices' derivatives ``h`` chosen by ``a``,
    shaped like ``g``."""
    which = _choice_of(a, len(h), mode)
    out = 0.0
    for i, part in enumerate(h):
        out = out + numpy.where(which == i, 0.0 if part is None else part, 0.0)
    return _as_like(_fit(out, numpy.shape(g)), g)


# -- numpy.fft (rules in rules/fft_rules.py) -------------------------------------------------
#
# Complex values follow JAX's and autograd's convention: the adjoint of a complex z is
# dL/d(re z) - 1j * dL/d(im z), so the adjoint of a complex-linear map is its plain
# transpose (no conjugate), and a real input takes the real part of what reaches it.
# The DFT matrix is symmetric, so the transpose of a transform is the same transform;
# the sizes (n, s) pad or cut the input first, which the transpose undoes.

def _fft_axes(ndim, s, axes):
    """numpy.fft's axes as a tuple (an int for the 1-D functions; None: the last len(s)
    axes, or all)."""
    if isinstance(axes, numbers.Integral):
        return (int(axes) % ndim,)
    if axes is None:
        return tuple(range(ndim - (ndim if s is None else len(_fft_sizes(s))), ndim))
    return tuple(int(a) % ndim for a in axes)


def _fft_sizes(s):
    return None if s is None else ((int(s),) if isinstance(s, numbers.Integral) else tuple(int(n) for n in s))


def _fit_axes(x, shape, axes):
    """``x`` cut or padded with zeros along ``axes`` to the sizes of ``shape``."""
    index = [slice(None)] * x.ndim
    widths = [(0, 0)] * x.ndim
    for axis in axes:
        index[axis] = slice(0, shape[axis])
        widths[axis] = (0, max(0, shape[axis] - x.shape[axis]))
    x = x[tuple(index)]
    return numpy.pad(x, widths) if any(w[1] for w in widths) else x


def _real_for(out, x):
    """``out`` as the adjoint of ``x``: its real part when x is real."""
    if not numpy.iscomplexobj(x):
        out = numpy.real(out)
    return _as_like(out, x) if numpy.ndim(out) == 0 else out


def complex_transform(t, s=None, axes=None, inverse=False, norm=None):
    """``numpy.fft.fftn(t, s, axes, norm)`` (ifftn when ``inverse``), with the 1-D
    functions' int n and axis accepted."""
    t = numpy.asarray(t)
    axes = _fft_axes(t.ndim, s, axes)
    transform = numpy.fft.ifftn if inverse else numpy.fft.fftn
    return transform(t, _fft_sizes(s), axes, norm)


def complex_transpose(g, a, s=None, axes=None, inverse=False, norm=None):
    """The adjoint of ``numpy.fft.fftn(a, s, axes, norm)`` (ifftn when ``inverse``; fft,
    ifft, fft2, ifft2 are the same with their n/axis): the same transform of ``g``,
    cut or padded back to a's shape (the real part when a is real)."""
    a_ndim = numpy.ndim(a)
    axes = _fft_axes(a_ndim, s, axes)
    transform = numpy.fft.ifftn if inverse else numpy.fft.fftn
    out = _fit_axes(transform(numpy.asarray(g), None, axes, norm), numpy.shape(a), axes)
    return _real_for(out, a)


def _rfft_plan(shape, s, axes, inverse):
    """The full (real-side) sizes along ``axes`` and the axes, for rfftn (inverse:
    irfftn) of an array shaped ``shape``."""
    axes = _fft_axes(len(shape), s, axes)
    sizes = _fft_sizes(s)
    if sizes is None:
        sizes = tuple(shape[a] for a in axes)
        if inverse:
            sizes = sizes[:-1] + (2 * (sizes[-1] - 1),)
    return sizes, axes


def rfft_transpose(g, x, s=None, axes=None, norm=None):
    """The adjoint of ``numpy.fft.rfftn(x, s, axes, norm)`` (rfft with n/axis): ``g``
    padded with zeros to the full last size, transformed, cut back to x's shape, real."""
    g = numpy.asarray(g)
    sizes, axes = _rfft_plan(numpy.shape(x), s, axes, False)
    full = list(g.shape)
    full[axes[-1]] = sizes[-1]
    extended = _fit_axes(g, full, axes[-1:])
    out = _fit_axes(numpy.fft.fftn(extended, None, axes, norm), numpy.shape(x), axes)
    return _real_for(out, x)


_DUAL_NORM = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}


def _hermitian_weights(n, m, axis, ndim):
    """1 for the terms irfft counts once (the zero frequency, and n/2 for even n), 2 for
    the others, shaped to broadcast along ``axis``."""
    w = numpy.full(m, 2.0)
    w[0] = 1.0
    if n % 2 == 0 and m > n // 2:
        w[n // 2] = 1.0
    shape = [1] * ndim
    shape[axis] = m
    return w.reshape(shape)


def irfft_transpose(g, a, s=None, axes=None, norm=None):
    """The adjoint of ``numpy.fft.irfftn(a, s, axes, norm)`` (irfft with n/axis) for the
    complex ``a``: the conjugate of the forward real transform of the real ``g`` (under
    the dual normalization), with the terms irfft counts twice doubled, cut or padded
    to a's shape."""
    g = numpy.asarray(g)
    sizes, axes = _rfft_plan(numpy.shape(a), s, axes, True)
    spectrum = numpy.conj(numpy.fft.rfftn(g, sizes, axes, _DUAL_NORM[norm]))
    last = axes[-1]
    weights = _hermitian_weights(sizes[-1], spectrum.shape[last], last, spectrum.ndim)
    out = _fit_axes(spectrum * weights.astype(spectrum.real.dtype), numpy.shape(a), axes)
    return out if numpy.iscomplexobj(a) else numpy.real(out)


def real_rfft(t, s=None, axes=None, norm=None):
    """``numpy.fft.rfftn`` of the real part of ``t`` (a real tangent or adjoint held in a
    complex array), with the 1-D function's int n and axis accepted."""
    t = numpy.real(numpy.asarray(t))
    return numpy.fft.rfftn(t, _fft_sizes(s), _fft_axes(t.ndim, s, axes), norm)


def real_irfft(t, s=None, axes=None, norm=None):
    """``numpy.fft.irfftn`` with the 1-D function's int n and axis accepted."""
    t = numpy.asarray(t)
    sizes, axes = _rfft_plan(t.shape, s, axes, True)
    return numpy.fft.irfftn(t, sizes, axes, norm)


def imag_adjoint(g, val):
    """The adjoint of ``numpy.imag(val)``: ``-1j * g`` for a complex val, zeros for a
    real one (whose imaginary part is the constant 0); item by item for a list or tuple
    of arrays (``numpy.imag(numpy.atleast_1d(a, b))``), whose dtypes may differ."""
    if isinstance(val, (list, tuple)):
        items = [imag_adjoint(g_item, item) for g_item, item in zip(g, val)]
        return items if isinstance(val, list) else tuple(items)
    if numpy.iscomplexobj(val):
        return g * numpy.complex128(-1j).astype(numpy.result_type(val))
    return zeros_like(val) if isinstance(val, numpy.ndarray) else 0.0


def positive_base(x, z):
    """The base ``x`` of ``z = x ** y`` where its log is real and finite (x > 0; x != 0 for a
    complex x), in z's precision (a float16 base of a float64 power gives a float64
    result): ``z * log(positive_base(x, z))`` is the derivative of z by the exponent.
    At x == 0 it is 1 (0 ** y is 0 for every y > 0: a derivative of 0). A negative real
    x gives a real z only at integer exponents, where z has no derivative by the
    exponent (its log is complex): NaN there, as in PyTorch and JAX, never a number."""
    if numpy.iscomplexobj(x) or numpy.iscomplexobj(z):
        return numpy.where(x != 0, x, numpy.ones_like(z))
    return numpy.where(x > 0, x, numpy.where(x < 0, numpy.nan, numpy.ones_like(z)))


def positive_base_slope(x):
    """The derivative of ``positive_base(x, z)`` by x: True where it is x, False where it
    is 1 (piecewise constant, so a bool array: it keeps the factor's dtype)."""
    return x != 0 if numpy.iscomplexobj(x) else x > 0


def angle_slope(x):
    """d angle(x)/dx as a factor of the adjoint: 0 for a real x (its angle is 0 or pi,
    piecewise constant). A complex x is refused: its angle's derivative (-1j / x) has no
    second derivative here."""
    if numpy.iscomplexobj(x):
        raise TypeError("astgrad differentiates numpy.angle of real values only (there it is piecewise "
                        "constant); for a complex z write numpy.arctan2(numpy.imag(z), numpy.real(z))")
    return zeros_like(x) if isinstance(x, numpy.ndarray) else 0.0


def abs_squared(u, of_array=False, of_norm=False):
    """``abs(u) ** 2`` written without abs's kink at 0, whose derivative the chain rule
    reads as 0 (a second derivative of 0 instead of 2): ``u * conj(u)``, real, for a
    float or complex ``u`` (an array too); Python's own ``abs(u) ** 2`` for anything
    else: an int stays an exact Python int (NumPy's would overflow), an object keeps its
    ``__abs__``. ``of_array``: ``u`` is read as NumPy's abs and norm read it (a list is
    an array). ``of_norm``: as ``norm`` reads it, an array with integers and bools as
    float64 (an int8 squared would wrap where the norm's square does not)."""
    if of_norm:
        u = numpy.asarray(u)
        if u.dtype.kind not in "fcO":
            u = u.astype(float)
    if of_array and isinstance(u, (list, tuple)):
        u = numpy.asarray(u)
    if isinstance(u, float):
        return u * u
    if isinstance(u, (complex, numpy.inexact)) or isinstance(u, _NDARRAY) and u.dtype.kind in "fc":
        return numpy.real(u * numpy.conj(u))
    return abs(u) ** 2


def _refuse_own_abs(x):
    """abs of an object whose class defines ``__abs__``: abs's rules are those of numbers."""
    if not isinstance(x, (numbers.Number, _NDARRAY, numpy.generic, list, tuple)) and not is_duck_array(x) \
            and hasattr(type(x), "__abs__"):        # a Dask array's abs is NumPy's, elementwise
        error = TypeError(f"astgrad differentiates abs() of numbers and arrays, not of an object of the class "
                          f"{type(x).__name__}, whose __abs__ it does not follow; call a method or function "
                          "computing the value from the object's arrays instead (v.norm(), not abs(v))")
        error.astgrad_locate = True         # the line of the user's code: tracebacks.shortened
        raise error


def abs_operand(u):
    """``u``, the operand of ``abs(u) ** 2`` in its derivative (abs_squared), checked to
    be a number or an array."""
    _refuse_own_abs(u)
    return u


def abs_slope(x):
    """d|x|/dx as a factor of the adjoint: sign(x) for real x; conj(x)/|x| (0 at 0) for
    complex x, the adjoint convention of complex values (see numpy.fft above)."""
    _refuse_own_abs(x)
    if not numpy.iscomplexobj(x):
        return numpy.sign(x)
    size = numpy.abs(x)
    return numpy.where(size > 0, numpy.conj(x) / numpy.where(size > 0, size, 1.0), 0.0)


def abs_slope_change(v, x):
    """The change of ``abs_slope(x)`` along ``v``: 0 for real x (sign is piecewise
    constant); for complex x, with s = conj(x)/|x|, ``-1j * s * imag(s * v) / |x|`` (0 at
    0). The map is its own adjoint under the complex convention, so it is also the
    adjoint of ``abs_slope`` for a cotangent ``v``."""
    if type(x) is _NDARRAY and x.dtype.kind == "f":
        return numpy.zeros(x.shape, x.dtype)        # the common case, quickly
    if not numpy.iscomplexobj(x):
        return zeros_like(x)
    size = numpy.abs(x)
    safe = numpy.where(size > 0, size, 1.0)
    slope = numpy.where(size > 0, numpy.conj(x) / safe, 0.0)
    return -1j * slope * numpy.imag(slope * v) / safe


def abs_slope_curvature(v, h, x):
    """The change of ``abs_slope_change(v, x)`` along ``h`` in x, a third derivative of
    abs: 0 for real x; a complex x is refused."""
    if numpy.iscomplexobj(x):
        raise TypeError("astgrad differentiates abs of a complex value at most twice; for a third "
                        "derivative write it as numpy.sqrt(numpy.real(z) ** 2 + numpy.imag(z) ** 2)")
    return zeros_like(x)


def sign_change(v, x):
    """The change of ``numpy.sign(x)`` along ``v``: 0 for real x (sign is piecewise
    constant); for complex x, where NumPy's sign is x/|x|, with s = x/|x|,
    ``1j * s * imag(conj(s) * v) / |x|`` (0 at 0). Linear in v; its transpose under the
    complex convention (see numpy.fft above) is ``sign_change_adjoint``."""
    if not numpy.iscomplexobj(x):
        return _real_zeros(x)
    size, slope = _unit(x)
    return 1j * slope * numpy.imag(numpy.conj(slope) * v) / size


def sign_change_adjoint(g, x):
    """The adjoint of ``sign_change`` for a cotangent ``g`` of sign(x): 0 for real x,
    ``1j * conj(s) * imag(s * g) / |x|`` for complex x."""
    if not numpy.iscomplexobj(x):
        return _real_zeros(x)
    size, slope = _unit(x)
    return 1j * numpy.conj(slope) * numpy.imag(slope * g) / size


def sign_curvature(v, h, x):
    """A second derivative of ``numpy.sign(x)``: 0 for real x; a complex x is refused."""
    if numpy.iscomplexobj(x):
        raise TypeError("astgrad differentiates numpy.sign of a complex value (x / |x|) once only; for a "
                        "second derivative write it as z / numpy.abs(z)")
    return _real_zeros(x)


def _real_zeros(x):
    """Zeros of x's shape and float dtype (a number for a number)."""
    zero = numpy.zeros(numpy.shape(x), dtype=_float_dtype(x) or numpy.float64)
    return zero if isinstance(x, numpy.ndarray) else zero[()]


def _unit(x):
    """(|x| with 1 where x is 0, x/|x| with 0 where x is 0) of a complex x."""
    size = numpy.abs(x)
    safe = numpy.where(size > 0, size, 1.0)
    return safe, numpy.where(size > 0, x / safe, 0.0)


# -- activations (the tape's sigmoid, softmax, log_softmax: one primitive each) ------------------

def sigmoid(x):
    """1 / (1 + exp(-x)), as exp(-log(1 + exp(-x))): no overflow, small values kept."""
    return numpy.exp(-numpy.logaddexp(0.0, numpy.negative(x)))


def _softmax_shift(x, axis):
    """The maximum along ``axis`` (0 where it is infinite or there are no elements),
    subtracted before exp."""
    if x.size == 0:     # numpy.max has no identity; the zeros of the reduced shape
        return numpy.sum(x, axis=axis, keepdims=True)
    shift = numpy.max(x, axis=axis, keepdims=True)
    return numpy.where(numpy.isfinite(shift), shift, 0)


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis``."""
    x = numpy.asarray(x)
    e = numpy.exp(x - _softmax_shift(x, axis))
    return e / numpy.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    """x - log(sum(exp(x))) along ``axis``."""
    x = numpy.asarray(x)
    z = x - _softmax_shift(x, axis)
    if z.size == 0:     # nothing to normalize (and log of an empty sum would warn)
        return z
    return z - numpy.log(numpy.sum(numpy.exp(z), axis=axis, keepdims=True))


def to_copy(x, dtype):
    """``x`` converted to ``dtype`` (a new array): the tape's ``tensor.to(dtype)``, which,
    unlike ``numpy.asarray(x, dtype)``, generated code can also call on tensors."""
    return numpy.asarray(x).astype(dtype)
