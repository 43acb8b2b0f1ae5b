"""The sixty-eighth hunt: families the earlier hunts did not try (tests/hunt68_programs.py),
as an adversary hunting for a gradient wrong with no error. About 200 programs and argument
kinds were tried: NumPy's linear algebra in ordinary code (``solve``, ``inv``, ``det``,
``slogdet``, ``cholesky``, ``eigh`` of a symmetrised and of an unsymmetrised matrix, ``qr``,
``svd``, ``lstsq``, ``pinv``, ``multi_dot``, ``matrix_power``, ``eigvals``, batched ``solve``,
``inv``, ``det``, ``slogdet``, every ``norm`` ord on vectors, matrices and 3-D axes,
``einsum`` with repeated, ellipsis, sublist and three-operand subscripts, ``outer``, ``kron``,
``trace``, ``diagonal``, ``tensordot``, ``inner``); order statistics and kinks (``sort``,
``argsort`` with ``take_along_axis``, ``partition``, ``lexsort``, ``max``/``min``/``maximum``
at ties, ``median``, ``percentile`` and ``quantile`` with axes and methods, ``abs``, ``sign``,
``clip`` at the kink, ``where`` with NaN and inf in the branch not taken, ``nan_to_num``, the
NaN reductions); cumulative and shifted forms (``cumsum``, ``cumprod`` through zeros,
``diff`` with ``n``/``prepend``/``append``, ``roll`` by more than the length, ``convolve`` and
``correlate`` in every mode, ``np.add.at``, ``accumulate`` and ``reduce`` of ufuncs); Python's
traps (closures over a loop variable, a mutable default mutated, a global, a helper and a
class attribute rebound between calls, an ``lru_cache``'d helper, a generator in ``sum``, a
mask built from the argument); argument kinds (int, bool, float32, float16, longdouble,
0-d, empty, complex, object arrays, masked arrays, ``np.matrix``) and a misused API (``wrt``
out of range or naming no parameter, extra or missing arguments, a keyword for the
differentiated argument, a non-scalar or a tuple given to grad, cotangents and tangents of
the wrong shape); each in grad, value_and_grad, vjp, jvp, hessian, jvp and jacobian of
grad against central differences, and 85 of them on the tape (10 refused there, saying so).

None was wrong with no error; every refusal named its line and what to do
(``np.linalg.cond``, ``np.nanmedian``, ``np.nanpercentile``, ``np.add.reduceat`` and
``ufunc.outer`` had no rule: they have now, and the two programs are checked against finite
differences with the others; ``np.ediff1d`` keeps the refusal checked; the tape has none
for ``np.add.at``), but for one whose words
did not match the line: a write through a view with no name (``y.flat[k] = v``).
At ties the conventions docs/api.md gives hold in reverse and forward mode alike. What the
hunt found were refusals no user expects, followed now (r...): ``hessian`` of a function
whose helper seeds ``np.random.default_rng(k)`` from a loop's counter (the same draws each
run); a copy by a mask or a list of an array left by ``y += x`` or a row of one, then a write
into the array; an argument array of objects holding numbers read by a list;
``np.add.accumulate`` and ``np.multiply.accumulate``, which had no rule.

This file keeps 85 of them (592 checks): CI runs a dozen programs in one mode each; the
thorough profile runs every program in every mode, and the tape."""

import os

import numpy as np
import pytest

import astgrad
import hunt68_programs as P
from breadth_modes import check
from fd import assert_close, numerical_grad, numerical_hessian

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad", "jacobian_of_grad")
FIRST = MODES[:4]
# the programs CI runs (its time budget), each in one mode; thorough runs take every program in every mode
CI_MODE = {
    "l_solve": "vjp", "l_eigh_at_symmetric": "grad", "l_norms_matrix": "jvp", "l_einsum_ellipsis": "value_and_grad",
    "o_median_percentile": "jvp", "o_where_nan": "grad", "c_cumprod_zero": "hessian", "c_convolve": "vjp",
    "p_late_closures": "jvp_of_grad", "r_seeded_loop": "hessian", "r_mask_after_update": "jacobian_of_grad",
    "r_mask_of_row": "grad",
}


def _params():
    for name, f, args, wrt in P.CASES:
        modes = FIRST if name in P.FIRST_ORDER_ONLY else MODES
        for mode in modes if THOROUGH else (CI_MODE[name],) if name in CI_MODE else ():
            yield pytest.param(mode, f, args, wrt, id=f"{name}-{mode}")


def test_every_program_named_in_ci_is_one():
    assert set(CI_MODE) <= {name for name, *_ in P.CASES}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")       # the NaN in a branch np.where does not take
@pytest.mark.parametrize("mode, f, args, wrt", list(_params()))
def test_program_in_mode(mode, f, args, wrt):
    check(mode, f, args, wrt)


def _solved(A, b):
    x = np.linalg.solve(A @ A.T + np.eye(3), b)
    vals = np.linalg.eigvalsh(A + A.T)
    return np.concatenate([x * vals, np.cumsum(np.sort(b))])


def test_a_vector_of_linear_algebra_in_vjp_with_a_random_cotangent_and_in_jacobian():
    A, b = P.A33, P.V3
    c = np.random.default_rng(68).standard_normal(6)
    value, pullback = astgrad.vjp(_solved, A, b)
    assert_close(value, _solved(A, b), 1e-12, 1e-12)
    dA, db = pullback(c)
    assert_close(dA, numerical_grad(_solved, (A, b), wrt=0, seed=c))
    assert_close(db, numerical_grad(_solved, (A, b), wrt=1, seed=c))
    jac = astgrad.jacobian(_solved, wrt=1)(A, b)
    rows = [numerical_grad(lambda a, v, j=j: _solved(a, v)[j], (A, b), wrt=1) for j in range(6)]
    assert_close(jac, np.stack(rows))


TIED = np.array([0.5, 0.5, -0.3, 0.5, -0.3])


@pytest.mark.parametrize("f, want", [
    (lambda x: np.max(x), [1 / 3, 1 / 3, 0, 1 / 3, 0]),                  # k tied maxima: 1/k each
    (lambda x: x.min(), [0, 0, 0.5, 0, 0.5]),
    (lambda x: np.sum(np.maximum(x, 0.5)), [0.5, 0.5, 0, 0.5, 0]),       # a tie with the bound: 1/2
    (lambda x: np.sum(np.clip(x, -0.3, 0.5)), [0.5] * 5),                # at either bound: 1/2
    (lambda x: np.sum(np.abs(x - 0.5)), [0, 0, -1, 0, -1]),              # abs at 0: 0
    (lambda x: np.sum(np.sort(x) * np.arange(5.0)), [2, 3, 0, 4, 1]),   # ties in the stable sort's order
    (lambda x: np.median(x), [1, 0, 0, 0, 0]),                           # the middle of the stable sort
    (lambda x: np.sum(np.maximum.accumulate(x)), [5, 0, 0, 0, 0]),      # the first element reaching the maximum
], ids=["max", "min", "maximum", "clip", "abs", "sort", "median", "maximum.accumulate"])
def test_at_ties_reverse_and_forward_mode_give_the_documented_convention(f, want):
    assert_close(astgrad.grad(f)(TIED), np.array(want, dtype=float), 1e-12, 1e-12)
    for k in range(5):
        tangent = np.eye(5)[k]
        assert_close(astgrad.jvp(f, (TIED,), (tangent,))[1], want[k], 1e-12, 1e-12)


@pytest.mark.parametrize("program, rebind", [
    (P.p_global_helper, lambda: setattr(P, "K", 3.0)),
    (P.p_global_helper, lambda: setattr(P, "_scale", lambda v: v ** 3)),
    (P.p_class_attribute, lambda: setattr(P.Config, "gain", 0.5)),
], ids=["global", "helper", "class-attribute"])
def test_a_gradient_and_a_hessian_made_once_follow_what_is_rebound_between_calls(program, rebind, monkeypatch):
    monkeypatch.setattr(P, "K", P.K)
    monkeypatch.setattr(P, "_scale", P._scale)
    monkeypatch.setattr(P.Config, "gain", P.Config.gain)
    gradient, hess = astgrad.grad(program, wrt=(0, 1)), astgrad.hessian(program, wrt=0)
    for _ in range(2):
        gx, gw = gradient(P.V5, 0.8)
        assert_close(gx, numerical_grad(program, (P.V5, 0.8), wrt=0))
        assert_close(gw, numerical_grad(program, (P.V5, 0.8), wrt=1))
        first = astgrad.grad(program, wrt=0)
        assert_close(hess(P.V5, 0.8), numerical_hessian(first, (P.V5, 0.8)), 1e-4, 1e-5)
        rebind()


def test_a_mutable_default_mutated_is_the_run_for_grad_and_refused_for_hessian(monkeypatch):
    monkeypatch.setattr(P._accumulate, "__defaults__", ([],))
    assert_close(P.p_mutable_default(P.V5, 0.8), np.sum(P.V5) * 0.8)       # the first call
    value, g = astgrad.value_and_grad(P.p_mutable_default, wrt=1)(P.V5, 0.8)
    assert_close(value, 2 * np.sum(P.V5) * 0.8, 1e-12, 1e-12)              # the second, as Python runs it
    assert_close(g, 2 * np.sum(P.V5), 1e-12, 1e-12)
    line = P.p_mutable_default.__code__.co_firstlineno + 1
    with pytest.raises(astgrad.TransformError, match=rf"hunt68_programs\.py:{line}: the call of _accumulate leaves "
                                                     "'seen' out, it is the default list"):
        astgrad.hessian(P.p_mutable_default)(P.V5, 0.8)


def _sin_x(x):
    return np.sum(np.sin(x) * x)


@pytest.mark.parametrize("x", [np.array([1, 2, 3]), np.array([1.0, 2.0], dtype=np.float32), np.array(0.5),
                               np.zeros(0), np.zeros((0, 3)), 2], ids=["int", "float32", "0-d", "empty", "empty-2d",
                                                                      "python-int"])
def test_argument_kinds_give_the_derivative_in_their_shape(x):
    g = astgrad.grad(_sin_x)(x)
    want = np.sin(x) + x * np.cos(x)
    assert np.shape(g) == np.shape(x)
    tolerance = 1e-6 if np.asarray(x).dtype == np.float32 else 1e-12
    assert_close(np.asarray(g, dtype=float), want, tolerance, tolerance)


def _two(x, w):
    return np.sum(x ** 2) * w


def _pair(x):
    return np.sum(x), np.sum(x ** 2)


@pytest.mark.parametrize("call, error, words", [
    (lambda: astgrad.grad(_two, wrt=2)(P.V3, 0.8), ValueError, r"wrt=2: _two has 2 parameter\(s\) \['x', 'w'\], "
                                                               r"so wrt must be in range\(2\)"),
    (lambda: astgrad.grad(_two, wrt="y")(P.V3, 0.8), ValueError, "wrt='y': _two has no parameter named 'y'"),
    (lambda: astgrad.grad(_two)(P.V3, 0.8, 3), TypeError, "too many positional arguments"),
    (lambda: astgrad.grad(_two)(P.V3, 0.8, w=0.5), TypeError, "multiple values for argument 'w'"),
    (lambda: astgrad.grad(_pair)(P.V3), ValueError, "grad requires _pair to return a scalar, but it returned a tuple"),
    (lambda: astgrad.hessian(np.sin)(P.V3), ValueError, "to return a scalar, but it returned a value of shape"),
    (lambda: astgrad.grad(_sin_x)(P.V3 + 1j), TypeError, "'x' is complex .*Pass the real and imaginary parts"),
    (lambda: astgrad.vjp(np.sin, P.V3)[1](np.ones(2)), ValueError, "the cotangent is of shape \\(2,\\)"),
    (lambda: astgrad.jvp(_sin_x, (P.V3,), (np.ones(2),)), ValueError, "tangent 0 is of shape \\(2,\\)"),
    (lambda: astgrad.grad(_sin_x)(np.array([True, False])), TypeError, "is a bool"),
], ids=["wrt-out-of-range", "wrt-no-such-name", "extra-argument", "keyword-twice", "tuple-to-grad",
        "vector-to-hessian", "complex", "cotangent-shape", "tangent-shape", "bool"])
def test_a_misused_api_says_what_is_wrong(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_a_keyword_for_the_differentiated_argument_is_that_argument():
    assert_close(astgrad.grad(_two)(x=P.V3, w=0.8), 2 * P.V3 * 0.8, 1e-12, 1e-12)
    assert_close(astgrad.grad(_two, wrt="w")(P.V3, w=0.8), np.sum(P.V3 ** 2), 1e-12, 1e-12)


def test_an_argument_array_of_numbers_as_objects_read_by_a_mask_and_written():
    def masked(x, w):
        z = x[x > 0]
        z[0] = w
        z *= w
        return np.sum(z ** 2) + np.sum(x * 1.0) * w

    held = np.array(P.V5.tolist(), dtype=object)
    g, h = astgrad.grad(masked, wrt=1)(held, 0.8), astgrad.hessian(masked, wrt=1)(held, 0.8)
    assert_close(g, numerical_grad(masked, (P.V5.copy(), 0.8), wrt=1))
    assert_close(h, numerical_grad(lambda w: astgrad.grad(masked, wrt=1)(held, w), (0.8,)), 1e-5, 1e-6)
    assert held.tolist() == P.V5.tolist(), "a transform changed the caller's array"


@pytest.mark.parametrize("name, f, args, what", P.REFUSED, ids=[r[0] for r in P.REFUSED])
def test_a_function_with_no_rule_is_refused_naming_the_line(name, f, args, what):
    line = f.__code__.co_firstlineno + 1
    with pytest.raises(astgrad.TransformError, match=rf"hunt68_programs\.py:{line}: no adjoint rule for {what}"):
        astgrad.grad(f, wrt=(0, 1))(*args)


# refused on the tape, saying so: an array built of tensors (np.array([x[0], ...])), writes of
# tensors into arrays (y = np.zeros(n); y += x), functions the tape has no rule for; and
# T.max(axis=0), which gives (values, indices) as PyTorch's max(dim) does
NOT_ON_THE_TAPE = {"o_max_ties", "c_add_at", "q_multi_dot", "q_partition", "q_select_piecewise", "q_lexsort",
                   "q_max_axes", "r_mask_after_update", "r_list_after_update", "r_mask_of_row"}


@pytest.mark.skipif(not THOROUGH, reason="thorough runs")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name, f, args", [(n, f, a) for n, f, a, _ in P.CASES if n not in NOT_ON_THE_TAPE])
def test_program_on_the_tape(name, f, args):
    a = astgrad.tensor(args[0], requires_grad=True)
    w = astgrad.tensor(args[1], requires_grad=True)
    out = f(a, w)
    ga, gw = astgrad.autograd.grad(out, (a, w))
    assert_close(float(out.item()), f(*args), 1e-12, 1e-12)
    assert_close(ga.detach().numpy(), numerical_grad(f, args, wrt=0))
    assert_close(float(gw.item()), numerical_grad(f, args, wrt=1))


def _flat_write(A, w):
    y = A * 1.0
    y.reshape(-1)[[0, 4]] = w
    return np.sum(y ** 2)


def _flat_put(A, w):
    y = A * 1.0
    np.put(y, [0, 4], w)
    return np.sum(y ** 2)


def test_a_write_through_a_flat_view_with_no_name_is_refused_with_what_to_write_instead():
    # it said '... (an item of a container or an attribute: y.reshape(-1)) while another name may share its memory'
    line = _flat_write.__code__.co_firstlineno + 2
    with pytest.raises(astgrad.TransformError, match=rf"test_hunt68\.py:{line}: assignment into an element of "
                                                     r"y\.reshape\(-1\), a view of the elements of y with no name, "
                                                     r".*Write numpy\.put\(y, index, value\)"):
        astgrad.grad(_flat_write, wrt=1)(P.A33, 0.8)
    check("grad", _flat_put, (P.A33, 0.8), (0, 1))     # what it advises is followed


def _row_mask_by_a_parameter(x, w, t):
    B = x * np.ones((2, 1))
    y = B[0]
    z = y[y > t]
    y[0] = w
    return np.sum(z ** 2) * w + np.sum(B ** 3)


def test_a_row_read_by_a_mask_then_written_second_order_and_a_parameter_in_the_mask_are_followed():
    # both were refused at the line (second order: 'this line cannot be differentiated twice';
    # t in the mask: 'assignment into an element of 'y' while another name may share its memory'):
    # the mask is a new bool array where t is a number, which the code checks when it runs
    check("hessian", P.r_mask_of_row, (P.V5, 0.8), (0, 1))
    check("jvp_of_grad", P.r_mask_of_row, (P.V5, 0.8), (1,))
    for mode in ("grad", "vjp", "jvp", "hessian"):
        check(mode, _row_mask_by_a_parameter, (P.V5, 0.8, 0.1), (0, 1))
