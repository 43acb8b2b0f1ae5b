"""The seventy-first hunt: families the earlier hunts did not try, or tried alone
(tests/hunt71_programs.py), as an adversary hunting for a gradient wrong with no error.
About 260 programs were tried (221 kept here): writes through views of every kind (``reshape``,
``transpose`` with and without axes, ``.T``, ``swapaxes``, ``np.moveaxis``, ``squeeze``,
``ravel``, ``np.flip``, ``[..., None]``, ``np.atleast_2d``, chains of them, a view of a
view, a view read after a write into its base, in loops and branches); the writing
functions (``out=`` of ufuncs, reductions, ``matmul`` and ``clip``, ``np.copyto`` with
``where=``, ``np.put`` with ``mode=``, ``np.place``, ``np.putmask``, ``np.fill_diagonal``
with ``wrap=``, ``np.ix_`` reads and writes, ``take_along_axis``, ``put_along_axis``,
``.fill``); ``np.einsum`` with repeated indices, ellipsis, sublists and implicit output,
``np.tensordot`` in every ``axes`` form, ``inner`` and ``vdot``; selection (``np.where``
of one argument, ``nonzero``, ``argwhere``, ``select``, ``piecewise``, ``clip`` with array
bounds and with the bounds differentiated, ``extract``, ``compress``, ``choose``); numbers
(int and bool arithmetic mixed with floats, ``astype(int)``, ``**`` with negative bases and
integer exponents, ``float_power``, ``sign`` and ``abs`` at 0, ``mod``, ``fmod``, floor
division); Python scalars (``max``/``min`` of items and with ``key=``, ``.item()``,
``float(x[0])``, ``int()``, ``round``, ``divmod``, ``math`` functions, f-strings and
``%``, ``print``); control (early ``return`` in loops, ``while`` on a differentiated value,
``for``/``else``, recursion, a memoised local recursion, ``try``/``except``); state (dicts
of arrays updated in loops, dataclasses changed in place, methods changing ``self``,
callable objects); and iteration (generators in ``sum``, ``np.vectorize``,
``functools.reduce``, ``itertools``); each in grad, value_and_grad, vjp, jvp, hessian, jvp
and jacobian of grad against central differences, and 158 of them on the tape.

None was wrong with no error; every refusal named its line (REFUSED in the programs). What
the hunt found were refusals no user expects, followed now: a write through a view of the
whole array other than ``.T`` and ``reshape`` (``t = y.transpose(); t[0] = e``,
``np.swapaxes``, ``np.moveaxis``, ``squeeze``, ``ravel``, ``np.flip``, also ``t *= w`` on
one), written back through the inverse view, to second order (but for axes given as a tuple
and a few function forms, refused at the line); and
``p.attr[i] op= v`` on an object the function built, which was refused in words naming no
container (``the list, dict or array this line writes into``) though ``p.attr[i] = v`` is
followed. Left as they are, refused naming the line: a dict item's array changed by ``op=``
(a run-time TypeError saying to write ``d[k] = d[k] + v``); a method writing into an
attribute's elements; ``acc.total[0] = w`` after a method's ``self.total += v``, whose
words name the float ``w`` as what may share the array; a helper writing into its argument
through a view it names (``t = y.T; t[1] *= w``), refused at the call. And one crash:
``G.pos[1:] *= w`` on a global object's array raised an internal AttributeError; it is
refused now in the user's words, as ``G.pos[1:] = ...`` is (which said ``assignment into a
constant``).

Followed since: the second order of those views with tuple axes and function forms, the
dict item's ``op=`` beside a write into its elements (``d_dict_inplace``) and the helper
writing through a view it names (``v_transpose_in_helper_result``); ``acc.total[0] = w`` is
refused in words saying why (tests/test_view_and_item_writes_followed.py); ``np.extract``,
``np.compress`` and ``np.fromiter``, which had no rule (``s_extract``, ``s_compress``,
``g_fromiter``); a view of a view expression written (``v = y.reshape(6, 4).T[::2]``,
``v_chain_views``).

This file checks 213 of them in every mode and 8 refusals: CI runs a dozen programs in one
mode each; the thorough profile runs every program in every mode, and the tape."""

import os

import numpy as np
import pytest

import astgrad
import hunt71_programs as P
from breadth_modes import check, copies
from fd import assert_close, numerical_grad

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad", "jacobian_of_grad")
FIRST = MODES[:4]
# the programs CI runs (its time budget), each in one mode; thorough runs take every program in every mode
CI_MODE = {
    "v_transpose_write": "hessian", "v_swapaxes_write": "grad", "v_moveaxis_write": "jvp", "v_squeeze_write": "vjp",
    "v_ravel_write": "jvp_of_grad", "r_view_of_a_view": "value_and_grad", "r_read_after_base_write": "hessian",
    "r_transpose_axes": "grad", "d_dataclass_item_write": "hessian", "s_select": "jvp", "c_while_value": "vjp",
    "g_reduce": "jacobian_of_grad", "e_einsum_ellipsis_left": "grad", "r_swapaxes_augassign": "jvp",
    "d_dict_inplace": "hessian", "v_chain_views": "hessian", "d_method_chain": "hessian",
}
CI_REFUSED = ("v_swap_through_views", "o_fill_diagonal_wrap")


def _params():
    for name, f, args, wrt in P.CASES:
        modes = FIRST if name in P.FIRST_ORDER_ONLY else MODES
        for mode in modes if THOROUGH else (CI_MODE[name],) if name in CI_MODE else ():
            yield pytest.param(mode, f, args, wrt, id=f"{name}-{mode}")


def test_every_program_named_in_ci_is_one():
    assert set(CI_MODE) <= {name for name, *_ in P.CASES}
    assert set(CI_REFUSED) <= set(P.REFUSED)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("mode, f, args, wrt", list(_params()))
def test_program_in_mode(mode, f, args, wrt):
    check(mode, f, args, wrt)


@pytest.mark.parametrize("name, f, args, wrt", [case for case in P.ALL if case[0] in P.REFUSED
                                                and (THOROUGH or case[0] in CI_REFUSED)],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_a_refused_program_names_its_line_and_what_to_do(name, f, args, wrt):
    offset, error, words = P.REFUSED[name]
    line = f.__code__.co_firstlineno + offset
    with pytest.raises(getattr(astgrad, error, TypeError), match=rf"hunt71_programs\.py:{line}: .*{words}"):
        astgrad.grad(f, wrt=wrt)(*copies(args))


@pytest.mark.parametrize("name, wrt", [("r_transpose_axes", 0), ("r_transpose_axes", 1), ("r_moveaxis_lists", 0),
                                       ("r_moveaxis_lists", 1)])
def test_second_order_of_a_write_through_a_view_with_tuple_axes_is_followed(name, wrt):
    # refused at the line ("cannot be differentiated twice") until the sharing analysis read
    # numpy.transpose(y, axes) and numpy.moveaxis as views of y alone (not of their axes)
    check("hessian", getattr(P, name), (P.T234, 0.8), (wrt,))      # against differences of the gradient


def _ravel_of_a_transpose(A, w):
    y = (A * 1.0).T
    f = y.ravel()          # a copy: y is not laid out in C order
    f[0] = w
    return np.sum(y ** 2) + np.sum(f)


@pytest.mark.parametrize("mode", ["grad", "value_and_grad", "vjp", "jvp"])
def test_a_write_into_a_ravel_that_copies_goes_into_the_copy_alone(mode):
    # it raised when the code ran (a TypeError: a write into a copy); the write goes into
    # NumPy's copy alone now, as in Python (y keeps its values)
    check(mode, _ravel_of_a_transpose, (P.A33, 0.8), (0, 1))


class _Box:
    def __init__(self, a):
        self.a = a


def _attribute_item_scaled(x, w):
    p = _Box(x * 1.0)
    p.a[1:3] *= w
    p.a[0] += w * p.a[4]
    return np.sum(p.a ** 2)


def _attribute_item_scaled_under_a_second_name(x, w):
    p = _Box(x * 1.0)
    a = p.a
    p.a[0] *= w
    return np.sum(a ** 2) * w


def test_an_attribute_item_changed_by_op_assign_is_followed_and_refused_where_another_name_holds_it():
    for mode in ("grad", "jvp", "hessian"):
        check(mode, _attribute_item_scaled, (P.V5, 0.8), (0, 1))
    line = _attribute_item_scaled_under_a_second_name.__code__.co_firstlineno + 3
    with pytest.raises(astgrad.TransformError, match=rf"test_hunt71\.py:{line}: .* an item of 'p' while that item "
                                                     "may share its memory with 'a'"):
        astgrad.grad(_attribute_item_scaled_under_a_second_name, wrt=1)(P.V5, 0.8)


GLOBAL_STATE = P.State(P.V5.copy(), P.V5 * 0.5)


def _global_attribute_item_scaled(x, w):
    GLOBAL_STATE.pos[1:] *= w
    return np.sum(GLOBAL_STATE.pos * x)


def _global_attribute_item_written(x, w):
    GLOBAL_STATE.pos[1:] = GLOBAL_STATE.pos[1:] * w
    return np.sum(GLOBAL_STATE.pos * x)


@pytest.mark.parametrize("f", [_global_attribute_item_scaled, _global_attribute_item_written], ids=["op=", "="])
def test_an_element_write_into_a_global_objects_array_is_refused_in_the_users_words(f):
    # op= raised an internal AttributeError ('Attribute' object has no attribute 'id'); = said
    # 'assignment into a constant'
    line = f.__code__.co_firstlineno + 1
    with pytest.raises(astgrad.TransformError, match=rf"test_hunt71\.py:{line}: astgrad cannot differentiate "
                                                     r"assignment into an element of GLOBAL_STATE\.pos, an array "
                                                     r"held by a global.*\(pos = GLOBAL_STATE\.pos\.copy\(\)"):
        astgrad.grad(f, wrt=1)(P.V5, 0.8)
    assert np.array_equal(GLOBAL_STATE.pos, P.V5)


# refused on the tape, as PyTorch refuses them: a tensor written into a NumPy array (out=,
# np.copyto, np.array of tensors, np.vectorize), functions the tape has no rule for (np.put,
# np.place, np.putmask, np.fill_diagonal, np.put_along_axis, np.piecewise; np.fromiter, which
# calls float() of each tensor: its RuntimeError says to stack them), float() and math
# functions of a tensor, .item() and .tolist() (values with no derivative: the argument is
# unused), transpose() without two dims, .fill (PyTorch's is fill_), a view read by an operation that saved it and then
# written (the version counter), a view of a leaf written in place, and a program whose result
# does not use w
NOT_ON_THE_TAPE = {
    "g_fromiter", "d_method_chain",
    "c_early_return_nested", "d_dataclass_inplace", "d_method_self", "g_cumulative_python", "g_list_comp_cond",
    "g_vectorize", "g_vectorize_def", "g_vectorize_otypes", "o_copyto", "o_fill", "o_fill_diagonal", "o_out_clip",
    "o_out_matmul", "o_out_reduce", "o_place", "o_put", "o_put_along", "o_put_along_add", "o_put_along_none",
    "o_put_mode", "o_putmask", "p_abs_builtin", "p_divmod", "p_float_of_item", "p_format", "p_item",
    "p_item_zero_d", "p_math_fns", "p_pow_builtin", "p_tolist", "r_moveaxis_lists", "r_ravel_loop",
    "r_squeeze_axis", "r_transpose_axes", "r_transpose_branch", "r_transpose_method_ints", "s_piecewise",
    "s_piecewise_constant", "s_piecewise_default", "v_flip_write", "v_ravel_write", "v_squeeze_write",
    "v_swapaxes_write", "v_transpose_write", "v_view_of_arg_copy", "r_argument_view", "s_piecewise_scalar"}


@pytest.mark.skipif(not THOROUGH, reason="thorough runs")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name, f, args", [(n, f, a) for n, f, a, wrt in P.CASES
                                           if n not in NOT_ON_THE_TAPE and wrt == (0, 1)])
def test_program_on_the_tape(name, f, args):
    a = astgrad.tensor(args[0].copy(), requires_grad=True)
    w = astgrad.tensor(args[1], requires_grad=True)
    out = f(a, w)
    ga, gw = astgrad.autograd.grad(out, (a, w))
    plain = lambda *z: f(*[v.copy() if isinstance(v, np.ndarray) else v for v in z])     # noqa: E731
    assert_close(float(out.item()), plain(*args), 1e-12, 1e-12)
    assert_close(ga.detach().numpy(), numerical_grad(plain, args, wrt=0))
    assert_close(float(gw.item()), numerical_grad(plain, args, wrt=1))
