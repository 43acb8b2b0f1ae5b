"""The Normalizer's mixins for constructs most functions never use, loaded when a function
first needs one of their methods: dict built-ins and methods (``d.get``, ``dict(...)``,
``d.update``, ``a | b`` of dicts, ``d[a][b] = v``), displays with ``*`` or ``**``, set
displays, list ``extend``/``insert``/``pop``/``reverse``, ``reversed`` and ``zip`` as values
(the callers of those two ask them only where their first test can pass), ``del``,
map/sorted/max/min with a key, itertools and functools.reduce, local recursion, sets,
appends to lists held in containers or attributes, ``xs.sort(key=...)``, ``**kwargs``
handed on whole, NumPy element-write forms, generators held by objects, ufuncs given a
dtype, numpy.vectorize and numpy.apply_along_axis, the proof that an operand holds no
object (in a function that meets objects of a class defining operators), astgrad's own
transforms called inside the code (``calls.transform_called`` finds those calls first). A process
differentiating functions without them never loads their modules (the engine's start-up
is mostly loading modules).

The Normalizer's ``__getattr__`` (run only where ordinary lookup found nothing) calls
:func:`attach`, which copies the attributes of the mixin defining the name onto the class;
from then on they are its own, as a base's would be. That makes the class the one with them
among its bases because no other mixin defines their names and none of them calls
``super()`` (tests/test_lazy_mixins.py checks both)."""

import importlib
import threading

# module of this package -> its mixin class and the names it defines (each a name of no other
# mixin): ordinary lookup misses on others (``getattr(self, "sequence_facts", None)``) load nothing
LAZY = {
    "dicts": ("DictLowering", "global_dict_of_values", "dict_get", "dict_call", "dict_merged", "dict_setdefault",
              "dict_pop", "dict_update", "nested_item_write", "update_from", "only_dicts", "dict_union", "makes_dict",
              "dict_merge_in_place", "yields_pairs", "dict_of_pairs", "dict_copy"),
    "deletions": ("DeletionLowering", "stmt_Delete", "delete_attribute", "refuse_read_after_del", "delete_slice",
                  "delete_dict_item", "refuse_shared", "reads_only"),
    "displays": ("DisplayLowering", "starred_list", "append_one", "append_each", "at_line", "unpacking_dict", "expr_Set",
                 "list_method", "users_object", "list_pop", "list_reverse", "list_insert", "reversed_call", "zip_value",
                 "enumerate_value"),
    "held_generators": ("HeldGeneratorLowering", "constructions", "note_construction", "method_drawing_held_numbers",
                        "fixed_generator", "fixed_seed"),
    "item_appends": ("ItemAppendLowering", "item_append", "item_pop", "read_item_apart", "attribute_item_write",
                     "attribute_append", "number_array_attribute", "owns_list_attribute", "holds_only_lists",
                     "held_alone", "owns_attribute_value", "_owns_attribute", "owns_its_lists"),
    "iterators": ("IteratorLowering", "iterator_call", "getter_lambda", "callable_node", "calling", "map_call",
                  "starmap_call", "starmap_rows", "named_rows", "_reads_rows", "zipped_count", "items_of",
                  "is_partial_literal", "map_partial", "comprehension_of", "sort_positions", "sorted_call"),
    "itertools_calls": ("ItertoolsLowering", "itertools_call", "endless_repeat", "chained", "flattened", "sliced",
                        "by_position", "positions_comprehension", "folded", "resolve_operator"),
    "library_forms": ("LibraryWriteLowering", "piecewise_call", "fill_diagonal"),
    "nested": ("NestedTransformLowering", "nested_transform", "transform_object_call", "as_returned",
               "given_functions", "nested_jvp", "nested_gradient", "_check_plain_arguments", "made_gradient_call",
               "nested_callee", "lifted", "transform_made_now", "nested_derivative", "resolve_function"),
    "numpy_maps": ("NumpyMapLowering", "mapped_call", "_along_axis", "_vectorized", "_builtin_zip", "_bound_arguments",
                   "_mapped_function", "_numpy"),
    "list_sort": ("ListSortLowering", "list_sort"),
    "proven_plain": ("ProvenPlainValues", "proven_plain", "proven_plain_wherever_called", "proven_without_receiver", "note_plain_binding",
                     "_not_plain_names", "_unlooked_parameters", "_plain", "_plain_made", "_plain_call", "_method_called",
                     "_leaf_attribute", "_built_of_plain", "_builds_of_plain", "_plain_dtype", "_plain_global"),
    "recursion": ("RecursionLowering", "calls_itself", "_reached", "recursive_local_call", "lifted_recursive",
                  "_enclosing_reads", "recursive_helper_call"),
    "sets": ("SetLowering", "set_value", "read_only_sets", "makes_set", "only_reads"),
    "spread_kwargs": ("KwargsWholeLowering", "takes_kwargs_whole", "changes_in_place", "keeps_its_kwargs_apart",
                      "_effects", "kwargs_given_whole"),
    "ufunc_dtypes": ("UfuncDtypeLowering", "ufunc_dtype_call", "written_dtype"),
}
_MODULE_OF = {name: module for module, (_, *names) in LAZY.items() for name in names}

_lock = threading.Lock()
_attached = set()   # the modules whose mixin's attributes are on the class (added last: a reader seeing one finds them)


def mixin(module):
    """The lazy mixin class of ``module`` (loading it)."""
    return getattr(importlib.import_module(f"{__package__}.{module}"), LAZY[module][0])


def attach(cls, name):
    """Put the attributes of the lazy mixin defining ``name`` on ``cls``, unless they are
    there; False if no lazy mixin defines ``name``. Other threads asking meanwhile wait."""
    module = _MODULE_OF.get(name)
    if module is None:
        return False
    if module not in _attached:
        with _lock:
            if module not in _attached:
                for attribute, value in vars(mixin(module)).items():
                    if not attribute.startswith("__"):
                        setattr(cls, attribute, value)
                _attached.add(module)
    return True
