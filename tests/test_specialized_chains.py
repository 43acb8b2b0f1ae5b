"""Specialized code for transforms of gradients and for forward mode (chains.py):
``grad(grad(f))``, ``jvp(grad(f))``, ``hvp(grad(f))``, third order, ``jvp`` and
``jacobian``. Each version agrees with the general code and with central finite
differences, for Python floats, 0-d and n-d arrays, float32 and dimensions of length 1;
it is made once per kind of arguments, at most MAX_VERSIONS of them, and a rebinding of
the function's names makes it again."""

import math
import threading

import numpy as np
import pytest

import astgrad
from astgrad import chains
from astgrad.caching import forward_derivative, reverse_derivative
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

SCALE = 1.5


def loop(x):
    s = 0.0
    for i in range(6):
        s = s + math.sin(x * i) * x / (1 + i)
    return s


def branchy(x):
    if x > 0.5:
        y = x * x * SCALE
    else:
        y = math.exp(x)
    for i in range(3):
        y = y + math.cos(y * 0.1 * i)
    return y


def uses_global(x):
    return math.sin(x) * SCALE


def array_loop(x):
    s = x * 0.0
    for i in range(4):
        s = s + np.sin(x * i) * x / (1 + i)
    return np.sum(s * s)


def broadcasting(x, b):
    y = np.tanh(x * b + b)
    return np.sum(y * y) + np.sum(x) * 0.5


def logreg(w, X, y):
    z = X @ w
    return np.mean(np.log1p(np.exp(z)) - y * z)


def vector(x):
    return np.sin(x) * x[0] + np.exp(x) * 0.5


def vector_loop(x):
    y = x
    for i in range(3):
        y = np.tanh(y * 0.5 + x * i)
    return y


def scalar_vector(x):
    return np.array([math.sin(x), x * x, math.exp(x)])


rng = np.random.default_rng(11)

SCALARS = [0.7, 1.3, np.array(0.7), np.array(-0.4)]


def _general_forward(f, x, t):
    """The general forward code of ``f`` at ``x`` with tangent ``t``: (value, tangent)."""
    code = forward_derivative(f, (0,))
    return code(x, **{code.__code__.co_varnames[code.__code__.co_argcount + code.__code__.co_kwonlyargcount - 1]: t})


def _general_second(f, x):
    """grad(grad(f)) by the general code, as before specialization: reverse over the
    general code of the gradient."""
    return reverse_derivative(reverse_derivative(f, (0,), False), (0,), True)(x)[1]


@pytest.mark.parametrize("f", [loop, branchy, uses_global])
@pytest.mark.parametrize("x", SCALARS, ids=["float", "float2", "0-d", "0-d-negative"])
def test_grad_of_grad_matches_general_code_and_finite_differences(f, x):
    g2 = astgrad.grad(astgrad.grad(f))
    first = g2(x)
    assert g2(x) == first                                   # the version, called again
    assert g2._versions.signatures() == [(astgrad.argument_kinds.kind_of(x),)]
    assert_close(first, _general_second(f, x), rtol=1e-12, atol=1e-12)
    expected = numerical_hessian(astgrad.grad(f), (float(x),))[0, 0]
    assert_close(float(first), expected, rtol=1e-6, atol=1e-7)
    assert type(first) is type(x)


def test_grad_of_grad_on_a_float_is_math_code_without_shape_handling():
    g2 = astgrad.grad(astgrad.grad(loop))
    general = g2.source
    g2(0.7)
    specialized = g2.source
    assert "unbroadcast" in general and "shape_of" in general
    for helper in ("unbroadcast", "shape_of", "_stack", "np."):
        assert helper not in specialized, specialized
    assert "math.cos(t)" in specialized
    assert "unbroadcast" not in g2.source_for(np.array(0.7))   # a version of its own for a 0-d array
    assert len(g2._versions.signatures()) == 2
    assert g2.source == specialized                         # source_for does not change .source


def test_third_order_on_a_scalar_function():
    g3 = astgrad.grad(astgrad.grad(astgrad.grad(loop)))
    for x in (0.7, np.array(0.9), 1.7):
        expected = numerical_hessian(astgrad.grad(astgrad.grad(loop)), (float(x),))[0, 0]
        assert_close(float(g3(x)), expected, rtol=1e-6, atol=1e-7)
        general = reverse_derivative(astgrad.grad(astgrad.grad(loop)), (0,), True)(x)[1]
        assert_close(g3(x), general, rtol=1e-12, atol=1e-12)
    assert len(g3._versions.signatures()) == 2
    h = astgrad.hvp(astgrad.grad(loop))
    assert_close(h(0.7, 2.0), 2.0 * g3(0.7), rtol=1e-12)


def test_value_and_grad_of_grad():
    vg = astgrad.value_and_grad(astgrad.grad(branchy))
    value, second = vg(0.9)
    assert_close(value, astgrad.grad(branchy)(0.9), rtol=1e-14)
    assert_close(second, numerical_hessian(astgrad.grad(branchy), (0.9,))[0, 0], rtol=1e-6)


@pytest.mark.parametrize("x", [rng.normal(size=5), rng.normal(size=(3, 1)), np.array(0.3),
                               rng.normal(size=4).astype(np.float32)], ids=["n", "n1", "0-d", "f32"])
def test_jvp_of_grad_on_arrays(x):
    g = astgrad.grad(array_loop)
    v = np.ones_like(x) * 0.5
    out, tangent = astgrad.jvp(g, (x,), (v,))
    general = _general_forward(reverse_derivative(array_loop, (0,), False), x, v)
    assert_close(out, general[0], rtol=1e-6 if x.dtype == np.float32 else 1e-12)
    assert_close(tangent, general[1], rtol=1e-5 if x.dtype == np.float32 else 1e-12)
    assert tangent.dtype == x.dtype and tangent.shape == x.shape
    if x.dtype == np.float64:
        assert_close(tangent, numerical_jvp(g, (x,), (v,)), rtol=1e-6, atol=1e-7)
    assert chains.versions_of(g, ["x"]).signatures()


@pytest.mark.parametrize("shapes", [((3, 4), (4,)), ((3, 4), (3, 1)), ((1, 4), (3, 1)), ((4,), ()),
                                    ((1, 1), (2, 3))])
def test_jvp_of_grad_with_broadcasting(shapes):
    x, b = (rng.normal(size=s) if s else 1.5 for s in shapes)
    g = astgrad.grad(broadcasting, wrt=(0, 1))
    tx, tb = np.ones_like(x) * 0.3, (np.ones_like(b) * -0.2 if np.ndim(b) else -0.2)
    out, tangent = astgrad.jvp(g, (x, b), (tx, tb))
    expected = numerical_jvp(g, (x, b), (tx, tb))
    for got, want, like in zip(tangent, expected, (x, b)):
        assert_close(got, want, rtol=1e-6, atol=1e-7)
        assert np.shape(got) == np.shape(like)
    assert_close(out, g(x, b), rtol=1e-14)


def test_jvp_of_grad_on_logistic_regression_matches_hvp():
    w, X, y = rng.normal(size=6), rng.normal(size=(20, 6)), (rng.random(20) > 0.5) * 1.0
    v = rng.normal(size=6)
    _, tangent = astgrad.jvp(astgrad.grad(logreg), (w, X, y), (v, np.zeros_like(X), np.zeros_like(y)))
    assert_close(tangent, astgrad.hvp(logreg)(w, X, y, v), rtol=1e-10)
    assert_close(tangent, numerical_hessian(astgrad.grad(logreg), (w, X, y)) @ v, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("f, x", [(loop, 0.7), (branchy, np.array(0.2)), (array_loop, rng.normal(size=(2, 1))),
                                  (array_loop, rng.normal(size=3).astype(np.float32))])
def test_jvp_matches_general_code_and_finite_differences(f, x):
    t = np.ones_like(x) * 0.7 if isinstance(x, np.ndarray) else 0.7
    out, tangent = astgrad.jvp(f, (x,), (t,))
    general = _general_forward(f, x, t)
    assert_close(out, general[0], rtol=1e-12)
    assert_close(tangent, general[1], rtol=1e-5 if np.asarray(x).dtype == np.float32 else 1e-12)
    assert np.shape(tangent) == np.shape(out)
    if np.asarray(x).dtype == np.float64:
        assert_close(tangent, numerical_jvp(f, (x,), (t,)), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("f, x", [(vector, rng.normal(size=4)), (vector_loop, rng.normal(size=3)),
                                  (vector_loop, rng.normal(size=(2, 1))), (vector_loop, 0.4),
                                  (scalar_vector, 0.4), (scalar_vector, np.array(0.4)),
                                  (vector, rng.normal(size=3).astype(np.float32))])
def test_jacobian_forward_matches_finite_differences(f, x):
    for mode in ("forward", "auto"):
        J = astgrad.jacobian(f, mode=mode)(x)
        assert J.shape == np.shape(f(x)) + np.shape(x)
        x64 = np.asarray(x, dtype=np.float64) if isinstance(x, np.ndarray) else x
        expected = numerical_hessian(f, (x64,)).reshape(J.shape)
        tolerance = 1e-4 if np.asarray(x).dtype == np.float32 else 1e-6
        assert_close(J, expected, rtol=tolerance, atol=tolerance)
        assert_close(J, astgrad.jacobian(f, mode="reverse")(x), rtol=1e-5, atol=1e-6)
    assert chains.versions_of(f, ["x"]).signatures()


def test_rebinding_a_global_makes_the_versions_again():
    global SCALE
    g2 = astgrad.grad(astgrad.grad(uses_global))
    jac = astgrad.jacobian(uses_global)
    before = g2(0.7)
    assert_close(before, -math.sin(0.7) * SCALE, rtol=1e-14)
    assert_close(astgrad.jvp(astgrad.grad(uses_global), (0.7,), (1.0,))[1], before, rtol=1e-14)
    try:
        SCALE = 3.0
        assert_close(g2(0.7), -math.sin(0.7) * 3.0, rtol=1e-14)
        assert_close(astgrad.jvp(astgrad.grad(uses_global), (0.7,), (1.0,))[1], -math.sin(0.7) * 3.0,
                     rtol=1e-14)
        assert_close(jac(0.7), math.cos(0.7) * 3.0, rtol=1e-14)
    finally:
        SCALE = 1.5
    assert_close(g2(0.7), before, rtol=1e-14)


def test_versions_are_bounded_and_further_kinds_run_the_general_code():
    g = astgrad.grad(array_loop)
    shapes = [(2,), (2, 1), (1, 2), (2, 2), (1,), (2, 2, 1), (1, 1), (2, 1, 2), (3, 2, 2), (1, 2, 2), ()]
    for shape in shapes:
        x = rng.normal(size=shape)
        v = np.ones_like(x)
        _, tangent = astgrad.jvp(g, (x,), (v,))
        assert_close(tangent, numerical_jvp(g, (x,), (v,)), rtol=1e-6, atol=1e-7)
    assert len(chains.versions_of(g, ["x"]).signatures()) == chains.MAX_VERSIONS
    g2 = astgrad.grad(astgrad.grad(array_loop))       # a scalar output needs a 0-d x: any x.size == 1
    for x in (0.5, np.array(0.5), np.array(0.5, dtype=np.float32), np.array(0.25), 0.75):
        expected = numerical_hessian(astgrad.grad(array_loop), (np.asarray(x, dtype=np.float64),))
        assert_close(np.ravel(g2(x)), np.ravel(expected), rtol=1e-4, atol=1e-6)
    assert len(g2._versions.signatures()) == 3


def test_gradients_with_options_or_tuples_transform_the_general_code():
    g = astgrad.grad(loop, wrt=(0,))            # returns a 1-tuple: its transforms use the general code
    assert not g._specializes()
    _, tangent = astgrad.jvp(g, (0.7,), (1.0,))
    assert_close(tangent[0], astgrad.grad(astgrad.grad(loop))(0.7), rtol=1e-12)


def test_threads_share_one_version():
    g2 = astgrad.grad(astgrad.grad(loop))
    xs = [0.1 * k for k in range(1, 9)]
    expected = [_general_second(loop, x) for x in xs]
    results, errors = {}, []

    def work(k):
        try:
            for _ in range(20):
                results[k] = g2(xs[k]) if k % 2 else g2(np.array(xs[k]))
        except Exception as error:     # noqa: BLE001 - reported by the assertion below
            errors.append(error)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for k, x in enumerate(xs):
        assert_close(float(results[k]), expected[k], rtol=1e-12)
    assert sorted(g2._versions.signatures()) == [("<f8[]",), ("float",)]


def test_numerical_grad_agrees_for_the_first_order_reference():
    # the reference the tests above build on: the first-order gradient is right
    assert_close(astgrad.grad(loop)(0.7), numerical_grad(loop, (0.7,)), rtol=1e-7)


def _closure(scale):
    def f(x):
        return np.sin(x) * scale
    return f


def test_forward_versions_live_as_long_as_their_function():
    import gc
    import pickle
    import weakref
    f = _closure(2.0)
    _, tangent = astgrad.jvp(f, (0.3,), (1.0,))
    assert_close(tangent, 2.0 * math.cos(0.3), rtol=1e-14)
    assert chains.versions_of(f, ["x"]).signatures() == [(("float",), ("forward", (0,)), ())]
    assert pickle.loads(pickle.dumps(chains._versions.get(f))) == {}     # sent without its versions
    ref = weakref.ref(f)
    del f
    gc.collect()
    assert ref() is None


def two_arguments(x, y):
    return np.sin(x) * x[0] + np.exp(x) * y


@pytest.mark.parametrize("y", [0.5, rng.normal(size=(3, 1)), rng.normal(size=4), np.array(0.3),
                               rng.normal(size=(1, 4))], ids=["float", "n1", "n", "0-d", "1n"])
def test_vjp_matches_general_code_and_finite_differences(y):
    x = rng.normal(size=4)
    out, pullback = astgrad.vjp(two_arguments, x, y)
    cotangent = rng.normal(size=out.shape)
    got = pullback(cotangent)
    general = reverse_derivative(two_arguments, (0, 1), False)(x, y, d_two_arguments=cotangent)
    for g, want, like, k in zip(got, general, (x, y), (0, 1)):
        assert np.shape(g) == np.shape(like)
        assert_close(g, want, rtol=1e-12, atol=1e-14)
        assert_close(g, numerical_grad(two_arguments, (x, y), wrt=k, seed=cotangent), rtol=1e-6, atol=1e-7)
    kinds = astgrad.argument_kinds.signature((x, y))
    assert any(signature[0] == kinds and signature[1][0] == "reverse"
               for signature in chains.versions_of(two_arguments, ["x", "y"]).signatures())


@pytest.mark.parametrize("f, x", [(vector, rng.normal(size=4)), (vector_loop, rng.normal(size=(2, 1))),
                                  (loop, 0.6), (array_loop, rng.normal(size=3))])
def test_jacobian_reverse_matches_forward_and_finite_differences(f, x):
    J = astgrad.jacobian(f, mode="reverse")(x)
    assert_close(J, astgrad.jacobian(f, mode="forward")(x), rtol=1e-12, atol=1e-14)
    assert_close(J, numerical_hessian(f, (x,)).reshape(J.shape), rtol=1e-6, atol=1e-7)


def test_vjp_of_a_gradient():
    g = astgrad.grad(broadcasting, wrt=(0, 1))
    x, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 1))
    out, pullback = astgrad.vjp(g, x, b)
    cotangent = (rng.normal(size=x.shape), rng.normal(size=b.shape))
    got = pullback(cotangent)
    # the Hessian is symmetric: the vjp of the gradient is the jvp along the cotangent
    _, expected = astgrad.jvp(g, (x, b), cotangent)
    for a, e in zip(got, expected):
        assert_close(a, e, rtol=1e-10, atol=1e-12)
