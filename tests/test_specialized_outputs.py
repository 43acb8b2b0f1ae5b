"""Specialized code that leaves out what the caller does not use: grad's code without the
function's value where the output is proven a real number, the size of a mean taken
from a parameter, numbers kept numbers, and Hessian-vector products specialized to the
kinds of the arguments and of v. Each agrees with the general code, with finite
differences, and keeps the general code's errors."""

import math

import numpy as np
import pytest

import astgrad
from astgrad import argument_kinds
from astgrad.caching import forward_derivative, reverse_derivative
from fd import assert_close, numerical_grad, numerical_hessian

rng = np.random.default_rng(11)


def logreg(w, X, y):
    z = X @ w
    return np.mean(np.log1p(np.exp(z)) - y * z)


def mlp(W1, b1, W2, X):
    h = np.tanh(X @ W1 + b1)
    diff = h @ W2 - 1.0
    return np.mean(diff ** 2)


def mean_of_product(a, b):
    return np.mean(a * b + a)


def scalar_loop(x):
    s = 0.0
    for i in range(10):
        s = s + math.sin(x * i) * x / (1 + i)
    return s


def doubled(x):
    return x * 2.0


def compare(x):
    return np.sum(x) > 0.0


def sqrt_scaled(x, c):
    return np.sum(np.sqrt(x) * c)


def _code(source):
    """The lines of generated code without its comments (which quote the user's lines)."""
    return "\n".join(line for line in source.splitlines() if not line.strip().startswith("#"))


CASES = [
    (logreg, (rng.normal(size=3) * 0.3, rng.normal(size=(7, 3)), rng.integers(0, 2, size=7).astype(float))),
    (logreg, (rng.normal(size=(3, 1)) * 0.3, rng.normal(size=(7, 3)), rng.normal(size=(7, 1)))),
    (logreg, (rng.normal(size=(3, 1)) * 0.3, rng.normal(size=(7, 3)), rng.normal(size=(1, 1)))),
    (mlp, (rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2)), rng.normal(size=(6, 3)))),
    (mean_of_product, (rng.normal(size=(3, 4)), rng.normal(size=(1, 4)))),
    (mean_of_product, (rng.normal(size=(3, 1)), rng.normal(size=(1, 4)))),
    (mean_of_product, (rng.normal(size=(1, 4)), rng.normal(size=(3, 4)))),
    (mean_of_product, (1.5, rng.normal(size=(2, 3)))),
    (scalar_loop, (0.7,)),
]


def _ids(case):
    fn, args = case
    return fn.__name__ + "-" + "-".join(str(argument_kinds.kind_of(a)) for a in args)


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_code_without_the_value_matches_the_general_code_and_finite_differences(case):
    fn, args = case
    wrt = tuple(range(len(args)))
    g = astgrad.grad(fn, wrt)
    got = g(*args)
    value, with_value = astgrad.value_and_grad(fn, wrt)(*args)
    general = reverse_derivative(fn, wrt, False)(*args)
    general = general if isinstance(general, tuple) else (general,)
    assert_close(value, fn(*args), rtol=1e-12, atol=1e-12)
    for position, x in enumerate(args):
        assert np.shape(got[position]) == np.shape(x)
        assert_close(got[position], numerical_grad(fn, tuple(args), wrt=position), rtol=1e-5, atol=1e-6)
        assert_close(got[position], np.broadcast_to(general[position], np.shape(x)), rtol=1e-12, atol=1e-12)
        assert_close(got[position], with_value[position], rtol=1e-12, atol=1e-12)
    # the code that ran returns the gradient alone
    code = g._versions.for_call(args)
    assert getattr(code, "__astgrad_gradient_only__", False)


def test_logistic_regression_needs_no_log_and_no_array_for_the_mean():
    w, X, y = CASES[0][1]
    g = astgrad.grad(logreg)
    g(w, X, y)
    assert "log1p" not in _code(g.source) and "unreduce" not in _code(g.source)
    assert "y.size" in g.source
    # value_and_grad computes the value, as asked
    vg = astgrad.value_and_grad(logreg)
    vg(w, X, y)
    assert "log1p" in _code(vg._versions.for_call((w, X, y)).source)


def test_a_non_scalar_output_is_still_reported():
    g = astgrad.grad(doubled)
    with pytest.raises(ValueError, match="return a scalar"):
        g(np.ones(3))
    assert g(1.5) == 2.0                # a Python float: proven, the code has no value
    assert getattr(g._versions.for_call((1.5,)), "__astgrad_gradient_only__", False)
    with pytest.raises(ValueError, match="return a scalar"):
        g(np.ones(3))


def test_an_output_that_is_not_a_real_number_is_still_reported():
    g = astgrad.grad(compare)
    with pytest.raises(TypeError, match="real scalar"):
        g(np.ones(3))
    assert not getattr(g._versions.for_call((np.ones(3),)), "__astgrad_gradient_only__", False)


def test_a_nan_is_still_answered_by_the_zero_safe_code():
    # 0 * (the infinite derivative of sqrt at 0): NaN in plain IEEE arithmetic, 0 here
    x, c = np.array([0.0, 4.0]), np.array([0.0, 1.0])
    g = astgrad.grad(sqrt_scaled)
    with np.errstate(divide="ignore", invalid="ignore"):
        got = g(x, c)
        assert_close(got, astgrad.value_and_grad(sqrt_scaled)(x, c)[1], rtol=1e-12, atol=1e-12)
    assert getattr(g._versions.for_call((x, c)), "__astgrad_gradient_only__", False)
    assert_close(got, np.array([0.0, 0.25]))


reduce = np.mean


def rebound(x):
    return reduce(x * x)


def test_rebinding_a_name_is_proven_again():
    global reduce
    g = astgrad.grad(rebound)
    x = rng.normal(size=4)
    assert_close(g(x), 2 * x / 4)
    assert getattr(g._versions.for_call((x,)), "__astgrad_gradient_only__", False)
    reduce = np.cumsum            # now the output is an array
    try:
        with pytest.raises(ValueError, match="return a scalar"):
            g(x)
    finally:
        reduce = np.mean
    assert_close(g(x), 2 * x / 4)


def sum_of_stretched_product(x0, x1):
    v0 = np.sin(x0)
    v1 = np.sin(x1)     # noqa: F841 - unused, as the hypothesis program that found this had it
    v2 = x1 * x1
    v3 = v0 * v2
    return np.sum(v3)


def test_a_full_sum_seed_stays_an_array_where_a_product_would_shrink_it():
    # found by the hypothesis programs: the sum's adjoint kept a number made d_v0 = d * v2
    # an array of x1's shape, not x0's, and the buffer reuse then wrote into it in place
    x0, x1 = rng.normal(size=(2, 3)), rng.normal(size=3)
    g = astgrad.grad(sum_of_stretched_product, (0, 1))
    got = g(x0, x1)
    for i in (0, 1):
        assert got[i].shape == (x0, x1)[i].shape
        assert_close(got[i], numerical_grad(sum_of_stretched_product, (x0, x1), wrt=i))


def proven_once(w, X):
    return np.mean(np.tanh(X @ w) ** 2)


def test_code_made_before_is_not_proven_again(monkeypatch):
    from astgrad import specialize
    proofs = []
    real = specialize._proven
    monkeypatch.setattr(specialize, "_proven", lambda *a: proofs.append(a) or real(*a))
    w, X, _ = CASES[0][1]
    expected = astgrad.grad(proven_once)(w, X)
    assert len(proofs) == 1
    assert_close(expected, numerical_grad(proven_once, (w, X)))
    again = astgrad.grad(proven_once)   # a new gradient object: its code is at hand, made after the proof
    assert_close(again(w, X), expected)
    assert len(proofs) == 1 and getattr(again._versions.for_call((w, X)), "__astgrad_gradient_only__", False)
    # a rebinding still proves again (test_rebinding_a_name_is_proven_again)


def test_a_mean_over_a_stretched_operand_is_divided_by_the_right_size():
    # the result (3, 4) has no parameter of its shape: its size is read from it
    a, b = rng.normal(size=(3, 1)), rng.normal(size=(1, 4))
    g = astgrad.grad(mean_of_product, (0, 1))
    ga, gb = g(a, b)
    assert_close(ga, numerical_grad(mean_of_product, (a, b), wrt=0))
    assert_close(gb, numerical_grad(mean_of_product, (a, b), wrt=1))
    assert "a.size" not in g.source and "b.size" not in g.source


# -- Hessian-vector products -------------------------------------------------------------

def mlp_w1(W1, b1, W2, X):
    return mlp(W1, b1, W2, X)


HVP_CASES = [
    (mlp, (rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2)), rng.normal(size=(6, 3))), 0),
    (mlp, (rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2)), rng.normal(size=(6, 3))), 1),
    (mlp, (rng.normal(size=(3, 1)), rng.normal(size=1), rng.normal(size=(1, 1)), rng.normal(size=(6, 3))), 0),
    (logreg, CASES[0][1], 0),
    (logreg, CASES[1][1], 0),
    (mean_of_product, (rng.normal(size=(3, 1)), rng.normal(size=(1, 4))), 0),
    (scalar_loop, (0.7,), 0),
]


@pytest.mark.parametrize("case", HVP_CASES, ids=[_ids(c[:2]) + f"-wrt{c[2]}" for c in HVP_CASES])
def test_specialized_hvp_matches_the_general_code_and_a_numerical_hessian(case):
    fn, args, wrt = case
    x = args[wrt]
    v = rng.normal(size=np.shape(x)) if np.ndim(x) else 0.9
    product = astgrad.hvp(fn, wrt)
    got = product(*args, v)
    assert np.shape(got) == np.shape(x)
    gradient = reverse_derivative(fn, (wrt,), False)
    general = forward_derivative(gradient, (wrt,))
    code = general.__code__
    tangent = code.co_varnames[code.co_argcount + code.co_kwonlyargcount - 1]
    assert_close(got, general(*args, **{tangent: v})[1], rtol=1e-10, atol=1e-12)
    hessian = numerical_hessian(lambda *a: astgrad.grad(fn, wrt)(*a), args, wrt=wrt)
    expected = (hessian @ np.ravel(v)).reshape(np.shape(x))
    assert_close(got, expected, rtol=1e-5, atol=1e-6)
    assert len(product._versions.signatures()) == 1


def test_hvp_versions_follow_the_kinds_of_v_and_are_bounded(monkeypatch):
    from astgrad import specialize
    monkeypatch.setattr(specialize, "MAX_VERSIONS", 2)
    W1, b1, W2, X = HVP_CASES[0][1]
    product = astgrad.hvp(mlp, 0)
    expected = product(W1, b1, W2, X, np.ones((3, 4)))
    assert_close(product(W1, b1, W2, X, np.ones((3, 4), dtype=np.float32)), expected, rtol=1e-6)
    assert_close(product(W1, b1, W2, X, np.ones((3, 4), dtype=int)), expected)
    assert_close(product(W1, b1, W2, X, np.ones((3, 4), dtype=np.float16)), expected, rtol=1e-3)
    assert len(product._versions.signatures()) == 2


def test_specialized_hvp_computes_the_product_only():
    W1, b1, W2, X = HVP_CASES[0][1]
    product = astgrad.hvp(mlp, 0)
    v = np.ones((3, 4))
    product(W1, b1, W2, X, v)
    code = product._versions.for_call((W1, b1, W2, X), v)
    assert "broadcast_like" not in code.source and "unbroadcast" not in code.source
    # the product only: the gradient itself (d_W1) is not computed
    assert " d_W1 = " not in _code(code.source) and "dd_d_W1 = " in _code(code.source)


def test_hessian_uses_the_specialized_products():
    W1, b1, W2, X = HVP_CASES[2][1]
    got = astgrad.hessian(mlp, 0)(W1, b1, W2, X)
    expected = numerical_hessian(lambda *a: astgrad.grad(mlp, 0)(*a), (W1, b1, W2, X), wrt=0)
    assert_close(got.reshape(expected.shape), expected, rtol=1e-5, atol=1e-6)


def test_del_in_user_code_frees_a_name_and_refuses_an_attribute():
    def uses_del(x):
        y = x * 2.0
        z = y * x
        del y
        return z

    assert_close(astgrad.grad(uses_del)(1.5), 6.0)

    def deletes_attribute(x):
        del x.W
        return 1.0

    with pytest.raises(astgrad.TransformError, match="del"):
        astgrad.grad(deletes_attribute)(1.0)


def test_hvp_source_shows_the_code_of_the_latest_call():
    W1, b1, W2, X = HVP_CASES[0][1]
    product = astgrad.hvp(mlp, 0)
    general = product.source
    assert "broadcast_like" in general
    product(W1, b1, W2, X, np.ones((3, 4)))
    assert product.source != general and "broadcast_like" not in product.source
    assert product.source_for(W1, b1, W2, X, np.ones((3, 4))) == product.source
    assert "unbroadcast" in product.source_for([[1.0] * 4] * 3, b1, W2, X, np.ones((3, 4)))


def matmuls(A, B, v):
    return np.sum(np.tanh(A @ B) * 0.5) + np.sum((A @ v) ** 2) + np.sum(v @ B)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shapes", [((3, 4), (4, 2), (4,)), ((1, 4), (4, 1), (4,)), ((3, 1), (1, 2), (1,))])
def test_adjoints_of_matmul_written_as_products(shapes, dtype):
    args = tuple(rng.normal(size=shape).astype(dtype) for shape in shapes)
    g = astgrad.grad(matmuls, (0, 1, 2))
    got = g(*args)
    general = reverse_derivative(matmuls, (0, 1, 2), False)(*args)
    wide = tuple(a.astype(np.float64) for a in args)
    for position, x in enumerate(args):
        assert got[position].dtype == dtype and got[position].shape == x.shape
        assert_close(got[position], general[position], rtol=1e-6 if dtype == np.float32 else 1e-12, atol=1e-6)
        assert_close(got[position].astype(np.float64), numerical_grad(matmuls, wide, wrt=position),
                     rtol=1e-3 if dtype == np.float32 else 1e-5, atol=1e-4 if dtype == np.float32 else 1e-6)
    code = _code(g.source)
    if dtype == np.float64:     # float64 arrays of known dimensions: the products themselves
        assert "A.T @ " in code and "@ B.T" in code and "@ A\n" in code
        assert "numpy.outer(v, d_t_8)" in code and "matmul_adjoint" not in code     # v @ B's adjoint: outer
    else:                       # other dtypes keep the helpers, which keep the arguments' dtypes
        assert "matmul_adjoint_left(" in code


def test_the_quick_hvp_call_answers_like_a_call_by_keyword():
    W1, b1, W2, X = HVP_CASES[0][1]
    v = rng.normal(size=(3, 4))
    product = astgrad.hvp(mlp, 0)
    quick = product(W1, b1, W2, X, v)
    by_keyword = astgrad.hvp(lambda W1, b1, W2, X: mlp(W1, b1, W2, X), 0)(W1, b1, W2, X, v)
    assert_close(quick, by_keyword, rtol=1e-12, atol=1e-12)
    assert_close(quick, product(W1, b1, W2, v, X=X), rtol=1e-12, atol=1e-12)     # by keyword: the full call
    with pytest.raises(ValueError, match="v is of shape"):
        product(W1, b1, W2, X, np.ones(3))
    with pytest.raises(TypeError, match="complex"):
        product(W1, b1, W2, X, v + 0j)
