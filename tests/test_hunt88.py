"""The eighty-eighth hunt (tests/hunt88_*.py): programs an outside user would write around
what the last rounds added: one array under two attribute names (methods rebound on the
class or the object, a subclass's writer, properties, class and static methods,
``__getattr__``, ``__slots__``, ``getattr``, bound methods in a list, second aliases),
objects a method builds holding objects of a class named otherwise (a local name, a dict,
``type(...)``, a default, a partial) or writing through a helper, a NumPy method, ``out=``
or a view; the hooks Python runs by itself (``__eq__`` of ``in`` over a display,
``__int__``, ``__round__``, ``__floor__``, ``__format__``, ``__repr__`` of ``%r``,
``__bytes__``, ``__float__`` of ``math``'s functions, ``__contains__`` of
``operator.contains``); the functions running an operator (``operator.neg``,
``operator.invert``, ``operator.floordiv``, ``pow``, ``divmod``, ``sum`` of a display);
``super(Cls, s)`` in a lambda, chained mixins, arrays a method returns inside expressions,
a NumPy scalar times a sequence-like object, ufunc methods given ``out`` by position. Each
followed program is checked in grad, value_and_grad, vjp, jvp, hessian and jvp of grad
against central differences at two shapes, the caller's array left as it was; each
refused one (REFUSED) is refused in words naming the user's line, with no name astgrad
made up, in every mode.

What the hunt found (FOUND; each a wrong gradient with no error, or an IndexError,
AttributeError or TypeError from the derivative's code, before):

- ``~v`` and ``operator.invert(v)``, ``operator.floordiv(v, k)``, ``operator.neg(v)``,
  ``pow(v, k)`` and ``sum([v])`` on an object of the user's: read as NumPy's operation on
  the object (the derivative of what ``__invert__`` or ``__floordiv__`` returned lost,
  ``operator.neg`` stopping with an IndexError); now the operator they run, followed as
  the operator is (``divmod`` refused);
- ``math.sqrt(v)``, ``math.atan2(v, w)``, ``math.fsum([v, u])`` on such an object: the
  function's rule took the object for a number; now ``float(v)`` first, as Python does
  (another of ``math``'s functions given one, refused);
- ``k in [v, u]`` (the items' and the operand's ``__eq__``), ``int(v)``, ``round(v)``,
  ``math.floor``/``ceil``/``trunc``, ``bytes(v)``, ``ascii(v)``, ``"%r" % (v,)``,
  ``"{}".format(v)``, ``operator.not_``/``truth``/``contains`` where the hook writes into
  the array the object holds: the hook ran unseen; refused now at the user's line, naming
  the method.

CI runs every fifth program in one mode at one shape (the modes in turn), and each found
one in grad or jvp; with HYPOTHESIS_PROFILE=thorough every program runs in every mode at both
shapes."""

import os

import numpy as np
import pytest

import astgrad
import hunt88_aliases
import hunt88_held
import hunt88_hooks
import hunt88_misc
import hunt88_pure_hooks
from breadth_modes import check
from refusal_words import refused_in_words

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")
X4 = np.array([0.7, -1.3, 0.4, 2.1])
X6 = np.array([0.7, -1.3, 0.4, 2.1, -0.6, 1.1])
SHAPES = (X4, X6)
MODULES = (hunt88_aliases, hunt88_held, hunt88_hooks, hunt88_pure_hooks, hunt88_misc)

REFUSED = {
    'hd_class_attribute', 'hd_cls_attribute', 'hd_conditional', 'hd_default', 'hd_dict', 'hd_getattr', 'hd_lambda',
    'hd_local_name', 'hd_local_name_operator', 'hd_partial', 'hd_static_local', 'hd_type_of', 'hh_and',
    'hh_and_operator', 'hh_array_index', 'hh_asarray', 'hh_ascii', 'hh_bool_in_loop', 'hh_bytes', 'hh_compare_chain',
    'hh_complex', 'hh_contains_in', 'hh_delitem', 'hh_dict_of', 'hh_divmod', 'hh_double_star', 'hh_enumerate',
    'hh_eq', 'hh_eq_after_read', 'hh_float', 'hh_floordiv', 'hh_for_loop', 'hh_format_builtin_spec',
    'hh_format_spec', 'hh_fstring_repr', 'hh_in_display_of_attribute', 'hh_in_list_display', 'hh_in_tuple', 'hh_int',
    'hh_int_of_attribute_holder', 'hh_invert', 'hh_iter_next', 'hh_le', 'hh_len_in_loop', 'hh_list_count',
    'hh_list_index', 'hh_list_index_into', 'hh_list_of', 'hh_list_remove', 'hh_lshift', 'hh_math_ceil',
    'hh_math_floor', 'hh_math_fsum', 'hh_math_isclose', 'hh_math_sqrt', 'hh_math_trunc', 'hh_max_two', 'hh_min_two',
    'hh_ne', 'hh_neg', 'hh_not_in_display', 'hh_not_operator', 'hh_np_float64', 'hh_object_in_display',
    'hh_operator_contains', 'hh_operator_eq', 'hh_operator_floordiv', 'hh_operator_getitem', 'hh_operator_invert',
    'hh_operator_invert_writing', 'hh_operator_length_hint', 'hh_operator_neg', 'hh_operator_setitem', 'hh_or',
    'hh_percent_d', 'hh_percent_f', 'hh_percent_r', 'hh_pos', 'hh_pow', 'hh_pow_builtin',
    'hh_range_stop', 'hh_reflected_ge', 'hh_repr', 'hh_reversed', 'hh_ror', 'hh_round', 'hh_rrshift', 'hh_rsub',
    'hh_set_add', 'hh_setitem', 'hh_star_call', 'hh_star_list', 'hh_str_format', 'hh_sum_builtin',
    'hh_sum_display_writing', 'hh_truediv', 'hh_truth_operator', 'hh_tuple_of', 'hh_unpack', 'hh_with', 'hh_xor',
    'hh_zip', 'hk_add_at', 'hk_copyto', 'hk_dunder', 'hk_fill', 'hk_helper', 'hk_imul', 'hk_lambda',
    'hk_loop_writing', 'hk_numpy_method', 'hk_out', 'hk_put', 'hk_sub_assigned', 'hk_through_helper', 'hk_view',
    'mx_caller_array', 'mx_chained_call', 'mx_chained_twice', 'mx_in_loop_chained', 'mx_returned_bound',
    'mx_shared_array', 'mx_subclass_writes_more', 'ns_float32_left', 'ns_float64_left', 'ns_item_left',
    'ns_sum_left', 'ns_zero_d_left', 'pv_and', 'pv_divmod', 'pv_map_operator', 'pv_math_prod', 'pv_operator_and',
    'pv_operator_iadd', 're_attribute_before_call', 're_in_condition', 're_in_list_display', 're_in_short_circuit',
    're_returned_alias_written', 'sl_lambda_base_writes', 'sl_lambda_skipping_to_object', 'ta_alias_from_self',
    'ta_asarray_of_b', 'ta_classmethod_through_object', 'ta_classmethod_writes', 'ta_dict_holds',
    'ta_dunder_dict_in_method', 'ta_empty', 'ta_getattr_hook_rebinds', 'ta_getattribute_rebinds',
    'ta_helper_rebinds', 'ta_iadd_via_b', 'ta_imul_in_loop', 'ta_instance_rebound_method', 'ta_list_holds_twice',
    'ta_method_raises', 'ta_property_rebinds', 'ta_property_writes', 'ta_returned_attr', 'ta_second_object_shares',
    'ta_setattr_in_method', 'ta_slots', 'ta_slots_loop', 'ta_staticmethod_named_by_class', 'ta_staticmethod_rebinds',
    'ta_sub_reader_writes', 'ta_sub_total_rebinds', 'ta_super_then_rebind', 'ta_three_names', 'ta_vars_in_method',
    'ta_view_of_a', 'ta_write_through_b_read_a', 'ta_zero_d', 'uo_at_alias', 'uo_maximum_reduce_out',
    'uo_out_tuple_pos', 'uo_out_view', 'uo_outer_out_kw', 'uo_reduce_named_method', 'uo_reduce_out_pos',
    'uo_reduce_where_out'}

FOUND = {
    'hh_ascii', 'hh_bytes', 'hh_divmod', 'hh_in_display_of_attribute', 'hh_in_list_display', 'hh_in_tuple', 'hh_int',
    'hh_int_of_attribute_holder', 'hh_invert', 'hh_math_ceil', 'hh_math_floor', 'hh_math_fsum', 'hh_math_isclose',
    'hh_math_sqrt', 'hh_math_trunc', 'hh_not_in_display', 'hh_not_operator', 'hh_object_in_display',
    'hh_operator_contains', 'hh_operator_floordiv', 'hh_operator_invert', 'hh_operator_invert_writing',
    'hh_operator_neg', 'hh_percent_r', 'hh_pow_builtin', 'hh_round', 'hh_str_format', 'hh_sum_builtin',
    'hh_sum_display_writing', 'hh_truth_operator', 'pv_invert', 'pv_math_atan2', 'pv_math_fsum', 'pv_math_prod',
    'pv_math_sqrt', 'pv_operator_floordiv', 'pv_operator_invert', 'pv_operator_neg', 'pv_sum_builtin',
    'pv_sum_start', 'pv_sum_start_keyword'}

ALL = [(module, name, f) for module in MODULES for name, f in module.CASES]


def _params():
    # CI: every fifth program (the found ones all, in test_what_the_hunt_found), in one mode
    # at one shape, the modes in turn (each on eight programs)
    for k, (module, name, f) in enumerate(ALL):
        for s, x in enumerate(SHAPES):
            for m, mode in enumerate(MODES):
                if THOROUGH or (k % 5 == 0 and m == k // 5 % len(MODES) and s == (k // 5 // len(MODES)) % 2):
                    yield pytest.param(name, mode, f, x, id=f"{name}-{x.size}-{mode}")


def test_the_tables_name_programs_of_the_modules():
    names = [name for _, name, _ in ALL]
    assert len(names) == len(set(names)) >= 150
    assert REFUSED | FOUND <= set(names)


def test_every_mode_runs_in_ci_on_eight_programs():
    chosen = [p.values[1] for p in _params()]
    assert all(chosen.count(mode) >= 8 for mode in MODES)


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
@pytest.mark.parametrize("name, mode, f, x", list(_params()))
def test_program_in_mode(name, mode, f, x):
    if name in REFUSED:
        refused_in_words(f, _runs(f, x)[mode])
    else:
        check(mode, f, (x, 0.8), (0, 1))


FOUND_CASES = [(name, f) for _, name, f in ALL if name in FOUND]


def _found_params():
    for k, (name, f) in enumerate(FOUND_CASES):
        for m, mode in enumerate(("grad", "jvp", "hessian")):
            if THOROUGH or m == k % 2:      # (hessian of each with HYPOTHESIS_PROFILE=thorough)
                yield pytest.param(name, f, mode, id=f"{name}-{mode}")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name, f, mode", list(_found_params()))
def test_what_the_hunt_found(name, f, mode):
    """The wrong gradients and crashes this hunt found, at one shape: refused now, or
    right against central differences where what they run is followed (``~v`` as
    ``v.__invert__()``, ``math.sqrt(v)`` as ``math.sqrt(float(v))``); in CI each in grad or
    jvp in turn, those and hessian with HYPOTHESIS_PROFILE=thorough."""
    if name in REFUSED:
        refused_in_words(f, _runs(f, X4)[mode])
    else:
        check(mode, f, (X4, 0.8), (0, 1))


@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
def test_a_reader_rebound_to_a_rebinder_between_calls_is_read_again(x, monkeypatch):
    """``p.bump(w)`` then ``p.b`` read, one array under two names, is followed; the class's
    ``bump`` rebound between two calls of one gradient to a method rebinding ``a`` (which
    parts the two names), the second call is Python's answer or refused; rebound back,
    followed again."""
    f = hunt88_aliases.ta_read_through_other_name
    gradient = astgrad.grad(f, wrt=(0, 1))
    check("grad", f, (x, 0.8), (0, 1))
    kept = hunt88_aliases.Pair.bump
    monkeypatch.setattr(hunt88_aliases.Pair, "bump", hunt88_aliases._rebinding_bump)
    try:
        got = gradient(x.copy(), 0.8)
    except (astgrad.TransformError, TypeError, ValueError):
        refused_in_words(f, lambda: gradient(x.copy(), 0.8))
    else:
        # Python: a = a * w parts a from b, so the value is sum(x * x) and d/dw is 0
        np.testing.assert_allclose(got[0], 2.0 * x, rtol=1e-12)
        assert got[1] == 0.0
    monkeypatch.setattr(hunt88_aliases.Pair, "bump", kept)
    check("grad", f, (x, 0.8), (0, 1))


@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
def test_one_array_under_two_names_in_float32(x):
    """``Pair(x.astype(float32))`` bumped through one name and read through the other:
    the gradient is the closed form (float32 rounding: central differences of the float32
    program are not accurate enough to compare with)."""
    def program(x, w):
        p = hunt88_aliases.Pair(x.astype(np.float32) * 1.0)
        p.bump(w)
        return float(np.sum(p.b * x))
    dx, dw = astgrad.grad(program, wrt=(0, 1))(x.copy(), 0.8)
    scale = np.ones_like(x)
    scale[0] = 0.8
    np.testing.assert_allclose(dx, 2.0 * x * scale, rtol=1e-6)
    np.testing.assert_allclose(dw, x[0] ** 2, rtol=1e-6)


def test_the_operator_functions_keep_numpys_rules_on_arrays():
    """``operator.mul``, ``operator.neg``, ``pow`` and ``sum`` of arrays (no object of the
    user's) are read as before: the gradient is the closed form."""
    import operator

    def program(x, w):
        return np.sum(operator.mul(x, w) * operator.neg(x)) + np.sum(pow(x, 2)) + np.sum(sum([x, x]))
    x = X4.copy()
    dx, dw = astgrad.grad(program, wrt=(0, 1))(x, 0.8)
    np.testing.assert_allclose(dx, -2.0 * 0.8 * X4 + 2.0 * X4 + 2.0, rtol=1e-12)
    np.testing.assert_allclose(dw, -np.sum(X4 ** 2), rtol=1e-12)
