"""The eighty-sixth hunt (tests/hunt86_*.py): programs an outside user would write around
what the last round added (shallow copies handed to helpers writing their items, ``op=``
on a class's array, ``__init__`` defaults and registrations, views of an object's array
kept across its methods, helpers building objects, list copies, rows read before writes)
and a try raising after a shape-changing binding. Each followed program is checked in
grad, value_and_grad, vjp, jvp, hessian and jvp of grad against central differences at
two shapes; each refused one (REFUSED; ONCE at the second order) is refused in words
naming the user's line (or a line of the helper or class it runs), with no name astgrad
made up, in every mode.

What the hunt found (each a wrong gradient with no error before, unless said):

- a helper writing ``items["a"] *= w`` into a dict display unpacking another
  (``c = {**d}; bump(c, w)``): the display was taken for new items; it holds ``d``'s
  arrays, as ``dict(d)`` does, and is checked so now (refused when the code runs);
- ``__init__`` registering the new object where the check did not look:
  ``type(self).all.append(self)``, ``self.__class__.all.append(self)``, a global name
  (``global LAST; LAST = self``), a base's ``__init__`` (``super().__init__(data)``,
  ``Base.__init__(self, data)``), a local or attribute bound to the global list
  (``reg = REG; reg.append(self)``, ``self.log = REG``), a bound method kept
  (``add = REG.append``), a for target, ``setattr(CONF, "last", self)``, ``__new__``, a
  dataclass's ``__post_init__``; and a helper building such an object where what it
  returns carries no derivative (``make(x * w)`` as a statement): refused at the line;
- a try whose body binds a name to a shape-changing value and raises before using it
  (``b = x.reshape(2, -1)``, then ``raise``): the gradient stopped with NumPy's "cannot
  reshape array of size 1" (the name's derivative was a plain 0.0): followed now, where
  the try is not in a loop and the binding not in a branch of the body.

CI runs each program in one mode at one shape (the modes in turn); with
HYPOTHESIS_PROFILE=thorough every program runs in every mode at both shapes."""

import os

import numpy as np
import pytest

import astgrad
import hunt86_containers
import hunt86_factories
import hunt86_objects
import hunt86_registering
import hunt86_tries
import hunt86_views
from breadth_modes import check
from refusal_words import refused_in_words

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")
SECOND = ("hessian", "jvp_of_grad")
X4 = np.array([0.7, -1.3, 0.4, 2.1])
X6 = np.array([0.7, -1.3, 0.4, 2.1, -0.6, 1.1])
SHAPES = (X4, X6)
MODULES = (hunt86_containers, hunt86_objects, hunt86_factories, hunt86_registering, hunt86_views, hunt86_tries)

REFUSED = {
    # containers
    'ch_iadd', 'ch_inherited_iadd', 'ch_item_op', 'ch_item_write', 'ch_list_iadd', 'ch_method_iadd', 'ch_out_write',
    'ch_slice_assign', 'ch_two_objects', 'ch_type_attr', 'df_direct_item', 'df_iadd', 'df_item_store', 'df_slice_op',
    'df_two_objects', 'hc_asarray_alias', 'hc_bump_all', 'hc_bump_values',
    'hc_copy_module', 'hc_copy_then_rebind', 'hc_dict_call', 'hc_dict_method_copy', 'hc_dict_of_items',
    'hc_dict_unpack', 'hc_direct_pass', 'hc_display_view', 'hc_helper_of_helper', 'hc_keyword_arg',
    'hc_lambda_helper', 'hc_list_call', 'hc_loop_copies', 'hc_method_copy', 'hc_nested_write', 'hc_out_multiply',
    'hc_set_row', 'hc_slice_copy', 'hc_star_copy', 'hc_tuple_copy', 'hc_twice_in_list', 'hc_via_local',
    'rg_extend', 'rg_extend_value', 'rg_insert', 'rg_method', 'rg_slice_assign', 'rg_super', 'rg_tuple',
    'rg_type_all',
    # factories
    'fa_attr_alias_read', 'fa_attr_iadd_after', 'fa_attr_inplace_after', 'fa_bound', 'fa_bound_written_after',
    'fa_conditional_made', 'fa_data_of_other', 'fa_list_of_made', 'fa_logged', 'fa_norm_twice',
    'fa_pair_shared_written', 'fa_rebound_name', 'fa_wrap_asarray', 'fa_wrap_dict_item', 'fa_wrap_list_item',
    'fa_wrap_reshape', 'fa_wrap_view_read_after', 'fa_wrap_written_after_bump', 'fa_wrap_written_before',
    # objects
    'kv_asarray', 'kv_branch', 'kv_copy', 'kv_element', 'kv_ellipsis', 'kv_head', 'kv_in_dict', 'kv_in_list',
    'kv_in_loop', 'kv_index_name', 'kv_negative', 'kv_read_between', 'kv_rebinding_method', 'kv_reshape',
    'kv_scale_whole', 'kv_strided', 'kv_transpose', 'kv_twice', 'kv_two_objects_one_array', 'kv_view_iadd',
    'kv_view_then_direct_write', 'kv_view_written', 'kv_whole', 'lc_item_local', 'lc_nested_assign',
    'lc_nested_write', 'lc_out_write', 'lc_slice_write', 'lc_sort', 'rg_alias_on_self', 'rg_attr_alias',
    'rg_base_named', 'rg_constant_then_scaled', 'rg_dunder_class', 'rg_global_name', 'rg_into_global',
    'rg_into_local', 'rg_local_alias', 'rg_own_list', 'rg_registry_call', 'rr_row_kept_in_list', 'rr_row_of_row',
    'rr_row_rebound_before_read', 'rr_row_slice_none',
    # registering
    'rc_bound_method_alias', 'rc_bound_through_factory9', 'rc_classmethod_type', 'rc_enroll',
    'rc_factory_bound_name', 'rc_factory_two', 'rc_for_alias', 'rc_method_with_arg', 'rc_namespace_attr', 'rc_new',
    'rc_plain_through_factory', 'rc_plain_through_factory_bound', 'rc_post_init', 'rc_setattr', 'rc_staticmethod',
    'rc_through_factory', 'rc_through_star_factory',
    # views
    'kc_alias_object', 'kc_asarray', 'kc_branch_feed', 'kc_class_held', 'kc_copy_kept', 'kc_ellipsis',
    'kc_fresh_between', 'kc_global_start', 'kc_grid_column', 'kc_grid_element', 'kc_grid_row', 'kc_grid_transpose',
    'kc_none_index', 'kc_read_in_loop', 'kc_two_objects', 'kc_view_to_method', 'kc_whole'}

ONCE = {'rr_row_in_loop', 'rr_row_loop_index'}

# programs whose wrong gradient (or crash) this hunt found, with the module holding each
FOUND = {'hc_dict_unpack', 'rg_type_all', 'rg_super', 'rg_global_name', 'rg_dunder_class', 'rg_base_named',
         'rg_registry_call', 'rg_local_alias', 'rg_attr_alias', 'rc_post_init', 'rc_new', 'rc_setattr',
         'rc_for_alias', 'rc_bound_method_alias', 'rc_through_factory', 'rc_plain_through_factory',
         'rc_bound_through_factory9', 'rc_through_star_factory', 'tb_00', 'tb_09', 'tb_10', 'tb_raise_after_two'}

ALL = [(module, name, f) for module in MODULES for name, f in module.CASES]


def _params():
    for k, (module, name, f) in enumerate(ALL):
        for s, x in enumerate(SHAPES):
            for m, mode in enumerate(MODES):
                if THOROUGH or (m == k % len(MODES) and s == (k // len(MODES)) % 2):
                    yield pytest.param(module, name, mode, f, x, id=f"{name}-{x.size}-{mode}")


def test_the_tables_name_programs_of_the_modules():
    names = [name for _, name, _ in ALL]
    assert len(names) == len(set(names)) >= 250
    assert REFUSED | ONCE | FOUND <= set(names) and not REFUSED & ONCE


def _runs(f, x):
    """Each mode run to its end (vjp's pullback too), comparing nothing: for refusals."""
    seed = np.linspace(-0.4, 0.9, x.size)
    return {"grad": lambda: astgrad.grad(f, wrt=(0, 1))(x.copy(), 0.8),
            "value_and_grad": lambda: astgrad.value_and_grad(f)(x.copy(), 0.8),
            "vjp": lambda: astgrad.vjp(f, x.copy(), 0.8)[1](1.0),
            "jvp": lambda: astgrad.jvp(f, (x.copy(), 0.8), (seed, 0.7)),
            "hessian": lambda: astgrad.hessian(f)(x.copy(), 0.8),
            "jvp_of_grad": lambda: astgrad.jvp(astgrad.grad(f), (x.copy(), 0.8), (seed, 0.0))}


@pytest.fixture(autouse=True)
def _fresh_module_state():
    for module in MODULES:
        module.reset()
    yield
    for module in MODULES:
        module.reset()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("module, name, mode, f, x", list(_params()))
def test_program_in_mode(module, name, mode, f, x):
    if name in REFUSED or name in ONCE and mode in SECOND:
        refused_in_words(f, _runs(f, x)[mode])
    else:
        check(mode, f, (x, 0.8), (0, 1))


FOUND_CASES = [(module, name, f) for module, name, f in ALL if name in FOUND]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("module, name, f", FOUND_CASES, ids=[name for _, name, _ in FOUND_CASES])
def test_what_the_hunt_found(module, name, f, mode):
    """The wrong gradients and the crash this hunt found, in three modes at one shape."""
    if name in REFUSED:
        refused_in_words(f, _runs(f, X4)[mode])
    else:
        check(mode, f, (X4, 0.8), (0, 1))


@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
def test_a_factory_rebound_to_one_building_a_registering_object_is_refused(x, monkeypatch):
    """The helper a global names is looked up when the code runs: rebound between two
    calls of one gradient to a helper building an object whose __init__ registers it, the
    second call is refused, naming the helper's line; rebound back, followed again."""
    f = hunt86_registering.rc_factory_named_by_a_global
    gradient = astgrad.grad(f, wrt=(0, 1))
    check("grad", f, (x, 0.8), (0, 1))
    monkeypatch.setattr(hunt86_registering, "MAKE", hunt86_registering.make11)
    refused_in_words(f, lambda: gradient(x.copy(), 0.8))
    monkeypatch.setattr(hunt86_registering, "MAKE", hunt86_registering.make_kept)
    check("grad", f, (x, 0.8), (0, 1))
