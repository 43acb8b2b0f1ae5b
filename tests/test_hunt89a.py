"""The eighty-ninth hunt (tests/hunt89a_*.py): programs an ordinary NumPy user writes, on
dtypes (NumPy scalars, ``astype``, ``dtype=``, 0-d and empty arrays, values written into
integer or boolean arrays, ``out=``/``where=``), views and memory (reshapes and ravels in C,
F and K order, ``.T``, ``view``, ``asarray``, ``require``, rows swapped through views,
overlapping reads and writes, ``copyto``, ``put``, ``place``, ``putmask``, ``ufunc.at``),
indexing and shape functions (repeated fancy indices, masks, ``ix_``, ``take`` modes,
arguments by position), kinks and NaN (``where`` over ``sqrt``, ties, ``abs`` at 0, norms of
zeros), reductions and linear algebra (axis tuples, ``keepdims``, ``where=``, ``initial=``,
``nan*``, ``einsum`` with repeated indices, ``trace(offset=)``, singular ``det``, batched
``solve``, decompositions, FFTs), loops over arrays, and arguments of several shapes and
layouts (Fortran-ordered, strided). Each followed program is checked in grad,
value_and_grad, vjp, jvp, hessian and jvp of grad against central differences (at two
shapes for the ``f(x, w)`` programs), the caller's arrays left as they were; each refused
one (REFUSED) is refused in words naming the user's line, with no name astgrad made up, in
every mode; REFUSED_IN names the modes in which a program followed in the others is refused
(a derivative with respect to ``numpy.pad``'s ``constant_values`` or ``logspace``'s bound,
a write through ``ascontiguousarray`` differentiated twice).

What the hunt found (FOUND; a ValueError or IndexError from the derivative's code, before): a ravel or
flatten given ``order="K"`` (``y.ravel(order="K")``, ``np.ravel(t, "K")``,
``t.flatten("K")``, of a transposed, reversed or Fortran-ordered array): the derivative
reshaped the gradient with ``order="K"``, which NumPy refuses for a reshape; now given the
order ``"K"`` stands for, ``"C"`` or ``"F"``, read from the array when the code runs, and
followed. An array of three or more axes laid out in neither order (``ko_3d``) is refused
when the code runs, in words, and ``order="K"`` of a value the line computes when the code
is made (as ``order="A"`` is): bind it to a name first. And a structured array (``r = np.zeros(n,
dtype=[("a", float), ("b", float)])``, ``"f8,f8"``, ``np.dtype({"names": ...})``, a global
``np.dtype`` with fields, a local list of fields) read by field (``r["a"]``): the derivative
indexed its derivatives by the field's name (an IndexError); now refused at the line
making it, in words.

CI runs every eighth program in one mode at one shape (the modes in turn), and each found
one in grad or hessian; with HYPOTHESIS_PROFILE=thorough every program runs in every mode
at both shapes."""

import os

import numpy as np
import pytest

import astgrad
import hunt89a_arguments
import hunt89a_dtypes
import hunt89a_indexing
import hunt89a_kinks
import hunt89a_loops
import hunt89a_reductions
import hunt89a_views
import hunt89a_writes
from breadth_modes import check, check_grad_and_jvp_on_a_copy, check_hessian_on_a_copy, copies
from refusal_words import refused_in_words

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")
X4 = np.array([0.7, -1.3, 0.4, 2.1])
X6 = np.array([0.7, -1.3, 0.4, 2.1, -0.6, 1.1])
MODULES = (hunt89a_dtypes, hunt89a_views, hunt89a_indexing, hunt89a_kinks, hunt89a_reductions, hunt89a_loops)

REFUSED = {
    'al_array_copy_none', 'al_astype_copy_false', 'al_atleast_view', 'al_enumerate_rows', 'al_expand_dims_view',
    'al_for_rows_imul', 'al_for_rows_setitem', 'al_hsplit_view_write', 'al_list_of_rows', 'al_np_real_view',
    'al_require', 'al_tuple_of_views', 'al_unpack_rows', 'al_view_shape_set', 'al_zip_rows', 'dt_array_copy_false',
    'dt_complex_abs', 'dt_complex_real', 'fn_fft_real', 'fn_histogram_weights', 'fn_trapezoid', 'fn_unwrap',
    'fo_empty_like_fill', 'it_divide_where_out', 'it_int_iadd_unsafe', 'it_log_where_out', 'ko_of_computed',
    'ko_write_view', 'lp_frompyfunc', 'lp_ndenumerate', 'lp_nditer_read', 'lp_nditer_write', 'lp_np_float_method',
    'ps_broadcast_arrays', 'ps_repeat_axis', 'ps_resize', 'ps_vander', 'ps_var_ddof_method_pos',
    'rd_max_where', 'vw_flat_set', 'vw_view', 'ko_3d', 'ed_var_where', 'ed_std_where_ddof', 'ed_average_returned',
    'ed_trapz_x', 'ed_polyfit', 'ed_sum_bool_where_initial', 'wa_asarray', 'wa_view', 'wa_atleast',
    'sb_chebval', 'sb_masked_filled', 'sb_masked_mean', 'sb_masked_sum', 'sb_matmul_matrix_vector', 'sb_matrix_T_I',
    'sb_matrix_from_asmatrix_A', 'sb_matrix_mul', 'sb_matrix_pow', 'sb_ndarray_subclass_view', 'sb_poly1d_call',
    'sb_poly1d_mul', 'sb_polynomial_class', 'sb_vectorize_signature', 'sd_array_records', 'sd_global_dtype',
    'sd_keyword', 'sd_local_list', 'sd_np_dtype_call', 'sd_positional', 'sd_string_fields'}

REFUSED_IN = {
    'it_logspace': {'grad', 'jvp', 'jvp_of_grad', 'vjp'},
    'ps_pad_constant': {'grad', 'jvp', 'jvp_of_grad', 'vjp'},
    'al_ascontiguous_T': {'hessian', 'jvp_of_grad'},
    'al_ascontiguous_view': {'hessian', 'jvp_of_grad'},
    'fo_reshape_write_F_view': {'hessian', 'jvp_of_grad'}}

FOUND = {'ko_method', 'ko_of_transpose', 'ko_function_pos', 'ko_flatten', 'ko_3d', 'ko_reversed', 'ko_of_computed',
         'fo_copy_K', 'sd_keyword', 'sd_positional', 'sd_global_dtype', 'sd_local_list', 'sd_np_dtype_call',
         'sd_string_fields'}

ALL = [(name, f, (x, 0.8), (0, 1)) for module in MODULES for name, f in module.CASES for x in (X4, X6)] \
    + list(hunt89a_arguments.CASES)


def _id(name, args):
    return f"{name}-{np.size(args[0])}" if isinstance(args[1], float) else name


def _params():
    # CI: every eighth program (the found ones all, in test_what_the_hunt_found) in one
    # mode, the modes in turn (programs of f(x, w) at one shape of the two, in turn too)
    for k, (name, f, args, wrt) in enumerate(ALL):
        for m, mode in enumerate(MODES):
            if THOROUGH or (k % 8 == 0 and m == k // 8 % len(MODES)):
                yield pytest.param(name, mode, f, args, wrt, id=f"{_id(name, args)}-{mode}")


def test_the_tables_name_programs_of_the_modules():
    names = {name for name, _, _, _ in ALL}
    assert len(names) >= 400
    assert len([name for module in MODULES for name, _ in module.CASES] + hunt89a_arguments.CASES) == len(names)
    writers = {name for name, _ in hunt89a_writes.CASES}
    assert REFUSED | set(REFUSED_IN) | FOUND <= names | writers


def test_every_mode_runs_in_ci_on_ten_programs():
    chosen = [p.values[1] for p in _params()]
    assert all(chosen.count(mode) >= 10 for mode in MODES)


def _runs(f, args, wrt):
    """Each mode run to its end (vjp's pullback too), comparing nothing: for refusals."""
    def copies():
        return tuple(a.copy(order="K") if isinstance(a, np.ndarray) else a for a in args)
    seed = tuple(np.linspace(-0.4, 0.9, np.size(a)).reshape(np.shape(a)) if isinstance(a, np.ndarray) else 0.7
                 for a in args)
    return {"grad": lambda: astgrad.grad(f, wrt=wrt)(*copies()),
            "value_and_grad": lambda: astgrad.value_and_grad(f, wrt=wrt[0])(*copies()),
            "vjp": lambda: astgrad.vjp(f, *copies())[1](1.0),
            "jvp": lambda: astgrad.jvp(f, copies(), seed),
            "hessian": lambda: astgrad.hessian(f, wrt=wrt[0])(*copies()),
            "jvp_of_grad": lambda: astgrad.jvp(astgrad.grad(f, wrt=wrt[0]), copies(), seed)}


def _run(name, mode, f, args, wrt):
    if name in REFUSED or mode in REFUSED_IN.get(name, ()):
        refused_in_words(f, _runs(f, args, wrt)[mode])
    else:
        check(mode, f, args, wrt)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name, mode, f, args, wrt", list(_params()))
def test_program_in_mode(name, mode, f, args, wrt):
    _run(name, mode, f, args, wrt)


FOUND_CASES = [(name, f, args, wrt) for name, f, args, wrt in ALL if name in FOUND and np.size(args[0]) != 6]


def _found_params():
    for k, (name, f, args, wrt) in enumerate(FOUND_CASES):
        for m, mode in enumerate(("grad", "hessian", "jvp", "vjp")):
            if THOROUGH or m == k % 2:
                yield pytest.param(name, mode, f, args, wrt, id=f"{name}-{mode}")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name, mode, f, args, wrt", list(_found_params()))
def test_what_the_hunt_found(name, mode, f, args, wrt):
    """A ravel or flatten in order "K": followed now against central differences (refused
    in words for a value the line computes); a structured array, refused in words; in CI
    each in grad or hessian in turn, in every mode with HYPOTHESIS_PROFILE=thorough."""
    _run(name, mode, f, args, wrt)


def _writer_params():
    # CI: every third program at one shape, in grad and jvp or in hessian, in turn
    for k, (name, f) in enumerate(hunt89a_writes.CASES):
        for s, x in enumerate((X4, X6)):
            for m, order in enumerate(("first", "second")):
                if THOROUGH or (k % 3 == 0 and s == k // 3 % 2 and m == k // 6 % 2):
                    yield pytest.param(name, f, x, order, id=f"{name}-{x.size}-{order}")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name, f, x, order", list(_writer_params()))
def test_program_writing_into_its_argument(name, f, x, order):
    """grad and jvp (first) or hessian (second) of a program writing into its argument,
    against central differences of the program on copies, the caller's array left as it
    was; refused in words where the write goes through a second name for the argument."""
    if name in REFUSED:
        refused_in_words(f, lambda: astgrad.grad(f, wrt=(0, 1))(x.copy(), 0.8))
    elif order == "first":
        check_grad_and_jvp_on_a_copy(f, x, 0.8, f(*copies((x, 0.8))))
    else:
        check_hessian_on_a_copy(f, x, 0.8)


@pytest.mark.parametrize("shape, axes", [((2, 3), (1, 0)), ((2, 3, 4), (2, 1, 0)), ((3, 1, 2), (1, 2, 0)),
                                         ((4,), None), ((2, 3, 4), (2, 0, 1))])
def test_order_k_reads_the_items_in_numpys_order(shape, axes):
    """The gradient of ``sum(c * t.ravel(order="K"))`` is ``c`` put back where each item
    came from, for a transposed, Fortran-ordered, reversed ``t``; a ``t`` whose axes lie
    in memory in neither C's nor Fortran's order is refused in words."""
    c = np.arange(1.0, 1.0 + np.prod(shape))
    x = np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape)

    def program(x):
        t = np.transpose(x, axes) if axes is not None else x[::-1]
        return np.sum(c * t.ravel(order="K"))
    if axes == (2, 0, 1):
        refused_in_words(program, lambda: astgrad.grad(program)(x))
        return
    numbered = np.arange(x.size).reshape(shape)      # laid out as x is: its views read as t's
    places = (np.transpose(numbered, axes) if axes is not None else numbered[::-1]).ravel(order="K")
    want = np.zeros(x.size)
    want[places] = c
    np.testing.assert_allclose(astgrad.grad(program)(x), want.reshape(shape), rtol=1e-12)
