"""What the engine knows about functions beyond their derivatives, in one place for
those without a rule here: which return a new object, which write into an argument,
which read only shapes.

Facts about a function with a rule are part of its declaration (``result=`` of
``elementwise`` and ``linear``); these ``declare`` calls add to the same records. A
method's facts are those of ``numpy.ndarray.X``, ``list.X``, ``dict.X`` or ``set.X``:
where the receiver's type is unknown (``v.append(x)``), the engine goes by every
method of that name (see ``registry.methods_named``).
"""

import operator

import numpy

from .. import runtime
from .optional import declare_when_imported
from .registry import COPIES, FRESH, declare


def _existing(owner, names):
    return [getattr(owner, name) for name in names if hasattr(owner, name)]


# NumPy functions whose result is always a new array (or a number, or a tuple of new
# arrays), whatever their arguments. Ufuncs without out= are new too (analysis/sharing.py).
declare(*_existing(numpy, [
    "zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like",
    "eye", "identity", "tri", "indices", "arange", "linspace", "logspace", "geomspace",
    "copy", "concatenate", "stack", "vstack", "hstack", "dstack", "column_stack", "tile",
    "repeat", "append", "insert", "delete", "where", "dot", "vdot", "inner", "outer",
    "tensordot", "kron", "cross", "sum", "prod", "mean", "std", "var", "max", "min", "amax",
    "amin", "ptp", "average", "median", "cumsum", "cumprod", "diff", "trace", "clip", "sort",
    "argsort", "argmax", "argmin", "argwhere", "nonzero", "flatnonzero", "count_nonzero",
    "searchsorted", "unique", "take", "take_along_axis", "roll", "pad", "triu", "tril",
    "round", "around", "interp", "convolve", "correlate", "polyval", "all", "any",
    "allclose", "isclose", "array_equal", "shape", "ndim", "size", "result_type", "dtype",
    "float32", "float64", "int32", "int64", "meshgrid", "histogram", "bincount", "select",
    "piecewise", "nansum", "nanmean", "nanmax", "nanmin", "logsumexp", "i0", "nan_to_num",
]), result=FRESH)
declare(*_existing(numpy.linalg, ["norm", "inv", "solve", "det", "slogdet", "eigh", "eig", "svd",
                                  "cholesky", "qr", "pinv", "lstsq", "eigvalsh"]), result=FRESH)
# numpy.array and ndarray.astype copy unless told copy=False (or copy=None)
declare(numpy.array, numpy.ndarray.astype, result=COPIES)

# Methods whose result is new whatever the object (for lists and dicts .copy() is
# shallow, which the container analysis follows), and the attributes that are numbers.
declare(*_existing(numpy.ndarray, [
    "copy", "std", "var", "cumprod", "dot", "trace", "tolist", "item", "round", "clip",
    "argmax", "argmin", "argsort", "nonzero", "all", "any", "repeat", "take",
    "shape", "ndim", "size", "dtype", "itemsize", "nbytes", "strides", "flags"]), result=FRESH)
declare(list.copy, list.count, list.index, tuple.count, tuple.index, dict.copy, dict.keys,
        result=FRESH)

# Methods that change their object (``xs.append(v)``, ``a.fill(0)``): a call of one is
# never dead code, and its receiver is changed in place.
declare(list.append, list.pop, list.extend, list.insert, list.remove, list.clear, list.sort,
        list.reverse, list.__setitem__, list.__iadd__,
        dict.update, dict.setdefault, dict.popitem, dict.pop, dict.clear, dict.__setitem__,
        set.add, set.discard, set.remove, set.pop, set.clear, set.update,
        *_existing(numpy.ndarray, ["fill", "resize", "put", "itemset", "sort", "partition", "setflags",
                                   "setfield", "__setitem__", "__iadd__"]),
        mutates=0)
# the reverse sweep's undoing of ``v = xs.pop()`` (and a second sweep's of that)
declare(runtime.put_back_popped, runtime.take_back_popped, mutates=0)
# Library functions that write into their first argument.
declare(*_existing(numpy, ["copyto", "put", "place", "putmask", "fill_diagonal", "put_along_axis"]),
        operator.setitem, operator.delitem, setattr, delattr, mutates=0)
# (by name: importing numpy.random would slow ``import astgrad`` down)
declare_when_imported("numpy.random", ["shuffle"], mutates=0)
# nan_to_num(x, copy=False) writes into x (and returns it)
declare(numpy.nan_to_num, result=COPIES, mutates=0)

# astgrad's runtime helpers: results that are new, and arguments read only for their shape
declare(runtime.zeros_like, runtime.snapshot, runtime.element_copy, runtime.unindex, runtime.zero_index, runtime.saved_item,
        runtime.list_to_tuple, runtime.like_sequence, runtime.polygamma, runtime.bessel_i, runtime.bessel_ie, runtime.entr, runtime.entr_slope, runtime.copy_argument, runtime.deep_copy,
        runtime.concat, runtime.extended, runtime.repeat, runtime.writes_through, runtime.shows_write, runtime.view_shows_writes, runtime.item_update, runtime.outside_update, runtime.rebound_item, runtime.items_unshared_by_copy, runtime.slice_write_keeps_length, runtime.write_reads_value_first, runtime.item_of_copy_apart, runtime.items_apart, runtime.written_items_apart, runtime.own_attribute_augmented,
        runtime.number_array_argument,
        runtime.written_copy, runtime.at_positions, runtime.at_places, runtime.put_marks,
        runtime.arguments_apart, runtime.sorted_positions,
        runtime.pop_position, runtime.deleted_position, runtime.has_key, runtime.check_mapping,
        runtime.tie_weights, runtime.select_weight, runtime.clip_weight, runtime.diagonal_mask,
        runtime.matches_sequence, runtime.matches_mapping, runtime.matches_class, runtime.same_item, result=FRESH)   # a match's tests: bools
declare(runtime.zeros_like, runtime.shape_of, runtime.any_order, runtime.memory_order, runtime.check_array_method, runtime.check_fill_view, runtime.check_container_method,
        runtime.check_copy_cast, runtime.check_place_values, runtime.real_is_itself, runtime.returns_itself, runtime.view_handed_apart,
        runtime.check_receiver_class, runtime.check_item_hooks, runtime.check_membership_hooks,
        runtime.check_value_hooks, runtime.check_truth_hook, runtime.check_length_hook,
        runtime.check_plain_argument, runtime.check_jvp_tangent,
        shape_only=True)
declare(runtime.unbroadcast, runtime.unbroadcast_stored, runtime.broadcast_like, runtime.unreduce, runtime.zeros_if_plain,
        shape_arguments=(1,))
declare(runtime.repeat_count, shape_arguments=(0,))
# through_store(g, y) checks whether y is an int array: its dtype alone
declare(runtime.through_store, dtype_parameters=frozenset({"container"}))
