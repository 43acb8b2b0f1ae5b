"""The eighty-seventh hunt (tests/hunt87_*.py): programs an outside user would write around
what the last rounds added: NumPy functions and ufunc methods writing into ``out`` (by
keyword, by position, through ``**kw``, with ``where=``), mappings whose ``get``,
``items`` or ``__getitem__`` are their own (dict subclasses, a Mapping of the user's,
defaultdict, OrderedDict, MappingProxyType, ChainMap, UserDict), objects held by other
objects whose operators, items, calls, ``len``, ``in`` and truth run the user's code, one
array under two attribute names, property setters and ``super(Cls, self)``. Each followed
program is checked in grad, value_and_grad, vjp, jvp, hessian and jvp of grad against
central differences at two shapes, the caller's array left as it was; each refused one
(REFUSED) is refused in words naming the user's line, with no name astgrad made up, in
every mode.

What the hunt found (each a wrong gradient with no error before):

- a ufunc method given its ``out`` by position (``np.add.reduce(a, 0, None, o)``,
  ``np.add.accumulate``, ``reduceat``, ``np.maximum.accumulate``): the rule took ``o``
  for its ``out=None`` parameter and nothing saw ``o`` written; refused now, as ``out=``
  by keyword is;
- an array ``__init__`` keeps under two attributes (``self.a = d; self.b = d``) changed
  with ``op=`` through one (in a method, ``self.a *= v``, or in the function, ``p.a += w``,
  also after ``p.b = p.a`` or where ``self.b`` is a view): the change was stored back in
  ``a`` alone and ``b`` kept the old array (the value was wrong too); refused now;
- ``len(v)``, ``bool(v)``, ``if v:``, ``w if v else u``, ``while v``, ``assert v``, a
  comprehension's ``if v``, ``k in v``, ``str(v)``, ``print(v)`` and ``f"{v}"`` on an
  object of the user's whose ``__len__``, ``__bool__``, ``__contains__``, ``__str__`` or
  ``__format__`` writes into the array it was handed: the hook ran unseen; refused now at
  the user's line, naming the method (also where the class's method is rebound between
  two calls of one gradient).

CI runs every other program in one mode at one shape (the modes in turn), and each found
one in one mode; with HYPOTHESIS_PROFILE=thorough every program runs in every mode at both
shapes."""

import dataclasses
import os

import numpy as np
import pytest

import astgrad
import hunt87_mappings
import hunt87_objects
import hunt87_outs
from breadth_modes import check
from refusal_words import refused_in_words

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")
X4 = np.array([0.7, -1.3, 0.4, 2.1])
X6 = np.array([0.7, -1.3, 0.4, 2.1, -0.6, 1.1])
SHAPES = (X4, X6)
MODULES = (hunt87_outs, hunt87_mappings, hunt87_objects)

REFUSED = {
    'ho_assert', 'ho_while', 'ho_comprehension_if', 'ho_str', 'ho_fstring', 'ho_fstring_conversion',
    'gm_contains_get', 'gm_doubling_get', 'gm_held_get', 'gm_held_items', 'gm_inline_get', 'gm_inline_items',
    'ho_abs', 'ho_call', 'ho_contains', 'ho_dict_item', 'ho_dict_mul', 'ho_direct_in', 'ho_direct_iter',
    'ho_direct_len', 'ho_direct_rmul', 'ho_direct_truth', 'ho_iadd', 'ho_item', 'ho_iterate', 'ho_length', 'ho_lt',
    'ho_matmul', 'ho_mul', 'ho_neg', 'ho_pure_iterate', 'ho_rmul', 'ho_star', 'ho_sum_of', 'ho_truth',
    'ho_tuple_call', 'ho_tuple_mul', 'ho_two_names', 'mp_chainmap', 'mp_chainmap_items', 'mp_comprehension_items',
    'mp_contains_none_get', 'mp_defaultdict_get', 'mp_defaultdict_items', 'mp_dict_call_subclass',
    'mp_dict_comprehension_values', 'mp_dict_of_subclass_value', 'mp_dict_unpack_subclass', 'mp_doubling_get',
    'mp_doubling_index', 'mp_doubling_items', 'mp_doubling_values', 'mp_frozen_get', 'mp_frozen_items',
    'mp_frozen_own_get', 'mp_get_rebound_method', 'mp_helper_get_doubling', 'mp_helper_get_proxy',
    'mp_helper_get_scaling', 'mp_helper_get_twice', 'mp_helper_items_doubling', 'mp_helper_items_frozen',
    'mp_in_and_index', 'mp_items_list', 'mp_items_scaled', 'mp_keys_reversed', 'mp_kwargs_subclass',
    'mp_list_of_mappings', 'mp_missing_get', 'mp_ordered_items', 'mp_ordered_plain', 'mp_ordered_scaled',
    'mp_pop_subclass', 'mp_proxy_get', 'mp_proxy_items_after_write', 'mp_scaling_get', 'mp_scaling_get_default',
    'mp_setdefault_subclass', 'mp_user_scaled_get', 'mp_user_scaled_items', 'mp_values_scaled',
    'op_add_accumulate_kw', 'op_add_accumulate_pos', 'op_add_reduce_out', 'op_add_reduce_out_kw',
    'op_add_reduce_out_used', 'op_add_reduceat_pos', 'op_divmod_out_kw', 'op_kwargs', 'op_maximum_accumulate_pos',
    'op_modf_outs', 'op_multiply_accumulate_self', 'op_out_alias_list', 'op_out_asarray', 'op_out_dict_value',
    'op_out_float32', 'op_out_view_kw', 'op_reduce_through_name', 'op_starred',
    'op_subtract_at_alias', 'pr_setter_iadd', 'pr_setter_rebinds', 'pr_setter_writes',
    'pr_setter_writes_read_through', 'su_init_skip', 'su_outside_method', 'su_write_then_skip', 'tn_asarray_alias',
    'tn_dict_value', 'tn_list_twice', 'tn_outside_iadd', 'tn_outside_write',
    'tn_plain_outside_iadd', 'tn_plain_outside_imul_in_loop', 'tn_reassign_then_write', 'tn_scale_read_other',
    'tn_setattr_alias', 'tn_two_objects', 'tn_view_bump'}

# programs whose wrong gradient this hunt found
FOUND = {
    'ho_assert', 'ho_while', 'ho_comprehension_if', 'ho_str', 'ho_fstring', 'ho_fstring_conversion',
    'ho_contains', 'ho_direct_in', 'ho_direct_len', 'ho_direct_truth', 'ho_length', 'ho_truth',
    'op_add_accumulate_pos', 'op_add_reduce_out', 'op_add_reduce_out_used', 'op_add_reduceat_pos',
    'op_maximum_accumulate_pos', 'op_reduce_through_name', 'tn_in_loop', 'tn_outside_iadd', 'tn_plain_outside_iadd',
    'tn_plain_outside_imul_in_loop', 'tn_scale_read_other'}

ALL = [(module, name, f) for module in MODULES for name, f in module.CASES]


def _params():
    # CI: every other program (the found ones all, in test_what_the_hunt_found), in one mode
    # at one shape, the modes in turn (each on fifteen programs or more)
    for k, (module, name, f) in enumerate(ALL):
        for s, x in enumerate(SHAPES):
            for m, mode in enumerate(MODES):
                if THOROUGH or (k % 2 == 0 and m == k // 2 % len(MODES) and s == (k // 2 // len(MODES)) % 2):
                    yield pytest.param(module, name, mode, f, x, id=f"{name}-{x.size}-{mode}")


def test_the_tables_name_programs_of_the_modules():
    names = [name for _, name, _ in ALL]
    assert len(names) == len(set(names)) >= 150
    assert REFUSED | FOUND <= set(names)


def _runs(f, x):
    """Each mode run to its end (vjp's pullback too), comparing nothing: for refusals."""
    seed = np.linspace(-0.4, 0.9, x.size)
    return {"grad": lambda: astgrad.grad(f, wrt=(0, 1))(x.copy(), 0.8),
            "value_and_grad": lambda: astgrad.value_and_grad(f)(x.copy(), 0.8),
            "vjp": lambda: astgrad.vjp(f, x.copy(), 0.8)[1](1.0),
            "jvp": lambda: astgrad.jvp(f, (x.copy(), 0.8), (seed, 0.7)),
            "hessian": lambda: astgrad.hessian(f)(x.copy(), 0.8),
            "jvp_of_grad": lambda: astgrad.jvp(astgrad.grad(f), (x.copy(), 0.8), (seed, 0.0))}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("module, name, mode, f, x", list(_params()))
def test_program_in_mode(module, name, mode, f, x):
    if name in REFUSED:
        refused_in_words(f, _runs(f, x)[mode])
    else:
        check(mode, f, (x, 0.8), (0, 1))


FOUND_CASES = [(name, f) for _, name, f in ALL if name in FOUND]


def _found_params():
    for k, (name, f) in enumerate(FOUND_CASES):
        for m, mode in enumerate(("grad", "jvp", "hessian")):
            if THOROUGH or m == k % 3:
                yield pytest.param(name, f, mode, id=f"{name}-{mode}")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name, f, mode", list(_found_params()))
def test_what_the_hunt_found(name, f, mode):
    """The wrong gradients this hunt found, at one shape: refused now, or right against
    central differences where what they do is followed (one array under two attribute
    names written item by item by a method, where no method the code runs on the object
    rebinds either name: ``tn_in_loop``); in CI each in one of grad, jvp and hessian in
    turn, all three with HYPOTHESIS_PROFILE=thorough."""
    if name in REFUSED:
        refused_in_words(f, _runs(f, X4)[mode])
    else:
        check(mode, f, (X4, 0.8), (0, 1))


@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
def test_an_out_given_none_by_position_is_followed(x):
    """``np.add.reduce(a, 0, None, None, True)``: the out given None by position writes
    nothing, and is followed as before against central differences."""
    for mode in MODES:
        check(mode, hunt87_outs.op_add_reduce_keepdims_pos, (x, 0.8), (0, 1))


@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
def test_a_len_method_defined_again_is_read_again(x, monkeypatch):
    """``len(b)`` on an object whose ``__len__`` writes nothing is followed; the class's
    ``__len__`` rebound between two calls of one gradient to one writing into the array
    the object holds, the second call is refused at the user's line; rebound back,
    followed again (the code made depends on the method)."""
    f = hunt87_objects.sized_len
    gradient = astgrad.grad(f, wrt=(0, 1))
    check("grad", f, (x, 0.8), (0, 1))
    pure = hunt87_objects.Sized.__len__
    monkeypatch.setattr(hunt87_objects.Sized, "__len__", hunt87_objects.writing_len)
    refused_in_words(f, lambda: gradient(x.copy(), 0.8))
    monkeypatch.setattr(hunt87_objects.Sized, "__len__", pure)
    check("grad", f, (x, 0.8), (0, 1))


@dataclasses.dataclass
class _Tagged:
    """A dataclass whose ``__repr__`` dataclasses wrote (it changes nothing)."""
    d: np.ndarray


@dataclasses.dataclass
class _TaggedOwnRepr:
    """A dataclass with a ``__repr__`` of the user's, writing into the array it holds."""
    d: np.ndarray

    def __repr__(self):
        self.d[0] *= 3.0
        return "tagged"


def _repr_read(cls):
    def program(x, w):
        buf = x * 1.0
        tag = cls(buf)
        return np.sum(buf * x) * w + len(repr(tag))
    return program


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_the_repr_dataclasses_write_is_read_and_a_users_own_refused(mode):
    """``repr()`` of a dataclass runs the ``__repr__`` dataclasses wrote, which changes
    nothing: followed, against central differences; a ``__repr__`` of the user's in a
    dataclass that writes into the array it holds is refused, naming it."""
    check(mode, _repr_read(_Tagged), (X4, 0.8), (0, 1))
    with pytest.raises(astgrad.TransformError, match="_TaggedOwnRepr.__repr__"):
        _runs(_repr_read(_TaggedOwnRepr), X4)[mode]()
