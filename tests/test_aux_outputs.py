"""JAX's ``has_aux=True`` and ``argnums=`` on the function transforms: the derivative is
that of the first item ``f`` returns (checked against central differences in every
mode), the second is handed back as ``f`` computed it, ``f`` runs as often as without
``has_aux``, and misuse is refused in words."""

import contextlib
import functools
import io
import pickle

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

RNG = np.random.default_rng(75)
TOL = dict(rtol=1e-5, atol=1e-6)


def loss(w, x, scale=2.0):
    """A value and an aux holding arrays, a string and an int."""
    h = np.tanh(w * x)
    return scale * np.sum(h ** 2) + np.sum(w), {"h": h, "label": "tanh", "n": h.size}


def value_of(w, x, scale=2.0):
    return loss(w, x, scale)[0]


class Model:
    def __init__(self, W):
        self.W = W

    def loss(self, x):
        y = np.sin(self.W @ x)
        return np.sum(y * x[0]), ("y", y)


@astgrad.differentiable
def decorated(x, *, k=3.0):
    return k * np.sum(np.exp(x) * x), x.shape


def pairs(shape):
    return RNG.standard_normal(shape), RNG.standard_normal(shape)


def assert_aux(aux, w, x, scale=2.0):
    expected = loss(w, x, scale)[1]
    assert set(aux) == {"h", "label", "n"} and aux["label"] == "tanh" and aux["n"] == expected["n"]
    assert_close(aux["h"], expected["h"], **TOL)


SHAPES = [(), (3,), (2, 3)]


@pytest.mark.parametrize("shape", SHAPES)
def test_grad_and_value_and_grad(shape):
    w, x = pairs(shape)
    g, aux = astgrad.grad(loss, has_aux=True)(w, x)
    assert_close(g, numerical_grad(value_of, (w, x)), **TOL)
    assert_aux(aux, w, x)
    (value, aux), (gw, gx) = astgrad.value_and_grad(loss, argnums=(0, 1), has_aux=True)(w, x, 0.5)
    assert_close(value, value_of(w, x, 0.5), **TOL)
    assert_close((gw, gx), numerical_grad(value_of, (w, x, 0.5), wrt=(0, 1)), **TOL)
    assert_aux(aux, w, x, 0.5)
    # preserve_result=True is value_and_grad
    (value, aux), g = astgrad.grad(loss, wrt=1, preserve_result=True, has_aux=True)(w, x)
    assert_close(g, numerical_grad(value_of, (w, x), wrt=1), **TOL)


@pytest.mark.parametrize("shape", SHAPES)
def test_vjp_and_jvp(shape):
    w, x = pairs(shape)
    out, pullback, aux = astgrad.vjp(loss, w, x, has_aux=True)
    assert_close(out, value_of(w, x), **TOL)
    assert_aux(aux, w, x)
    cotangent = float(RNG.standard_normal())
    gw, gx = pullback(cotangent)
    assert_close((gw, gx), numerical_grad(value_of, (w, x), wrt=(0, 1), seed=cotangent), **TOL)
    tangents = (RNG.standard_normal(shape), RNG.standard_normal(shape))
    tangents = tuple(float(t) if shape == () else t for t in tangents)
    primals = tuple(float(v) if shape == () else v for v in (w, x))
    out, tangent, aux = astgrad.jvp(loss, primals, tangents, has_aux=True)
    assert_close(out, value_of(*primals), **TOL)
    assert_close(tangent, numerical_jvp(value_of, primals, tangents), **TOL)
    assert_aux(aux, *primals)


@pytest.mark.parametrize("shape", [(3,), (2, 2)])
def test_jacobian_and_hessian(shape):
    w, x = pairs(shape)

    def vector_loss(w, x):
        y = np.sin(w) * x
        return y, {"norm": np.linalg.norm(y), "tag": "v"}

    for mode in ("forward", "reverse"):
        jac, aux = astgrad.jacobian(vector_loss, argnums=1, mode=mode, has_aux=True)(w, x)
        expected = numerical_hessian(lambda w, x: vector_loss(w, x)[0], (w, x), wrt=1)
        assert_close(jac.reshape(expected.shape), expected, **TOL)
        assert jac.shape == shape + shape and aux["tag"] == "v"
        assert_close(aux["norm"], np.linalg.norm(np.sin(w) * x), **TOL)
    hess, aux = astgrad.hessian(loss, has_aux=True)(w, x)
    expected = numerical_hessian(astgrad.grad(value_of), (w, x))
    assert_close(hess.reshape(expected.shape), expected, **TOL)
    assert_aux(aux, w, x)


def test_methods_decorated_and_keyword_only():
    model = Model(RNG.standard_normal((3, 3)))
    x = RNG.standard_normal(3)
    g, (name, y) = astgrad.grad(model.loss, has_aux=True)(x)
    assert_close(g, numerical_grad(lambda x: model.loss(x)[0], (x,)), **TOL)
    assert name == "y"
    assert_close(y, np.sin(model.W @ x), **TOL)
    (value, shape), g = astgrad.value_and_grad(decorated, has_aux=True)(x, k=1.5)
    assert shape == (3,)
    assert_close(g, numerical_grad(lambda x: decorated(x, k=1.5)[0], (x,)), **TOL)


def _runs(call):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        call()
    return printed.getvalue().count("ran")


def counted(x):
    print("ran")
    return np.sum(np.exp(x)), "aux"


def counted_value(x):
    print("ran")
    return np.sum(np.exp(x))


def test_f_runs_as_often_as_without_aux():
    """The aux comes from the run the derivative makes anyway (f's code is inlined into
    the function differentiated), never from a run of its own."""
    x = RNG.standard_normal(3)
    for transform in (astgrad.grad, astgrad.value_and_grad, astgrad.jacobian, astgrad.hessian):
        assert _runs(lambda: transform(counted, has_aux=True)(x)) == _runs(lambda: transform(counted_value)(x))
    assert _runs(lambda: astgrad.vjp(counted, x, has_aux=True)[1](1.0)) == \
        _runs(lambda: astgrad.vjp(counted_value, x)[1](1.0))
    assert _runs(lambda: astgrad.jvp(counted, (x,), (x,), has_aux=True)) == \
        _runs(lambda: astgrad.jvp(counted_value, (x,), (x,)))
    source = astgrad.grad(counted, has_aux=True).source
    assert source.count("print(") == 1 and "keep_aux(" in source


def test_argnums():
    w, x = pairs(3)
    def two(w, x):
        return value_of(w, x)

    assert_close(astgrad.grad(two, argnums=-2)(w, x), numerical_grad(two, (w, x)), **TOL)
    # JAX counts from the end of the arguments passed: unknown before the call here
    with pytest.raises(TypeError, match="argnums=-2 counts from the end of the arguments each call passes"):
        astgrad.grad(value_of, argnums=-2)
    gx, gw = astgrad.grad(value_of, argnums=[1, 0])(w, x)
    assert_close((gx, gw), numerical_grad(value_of, (w, x), wrt=(1, 0)), **TOL)
    assert_close(astgrad.hessian(value_of, argnums=np.int64(1))(w, x),
                 astgrad.hessian(value_of, wrt="x")(w, x), **TOL)
    with pytest.raises(TypeError, match="both wrt=1 and argnums=0.*keep one"):
        astgrad.grad(value_of, 1, argnums=0)
    with pytest.raises(TypeError, match="both wrt=0 and argnums=0"):
        astgrad.jacobian(value_of, wrt=0, argnums=0)
    with pytest.raises(TypeError, match="argnums must be an int or a tuple of ints.*use wrt="):
        astgrad.value_and_grad(value_of, argnums="w")
    with pytest.raises(ValueError, match="range"):
        astgrad.grad(value_of, argnums=3)


def test_refusals():
    with pytest.raises(TypeError, match=r"has_aux=True: <lambda> must return a pair \(value, aux\).*"
                                        "a value of type float"):
        astgrad.grad(lambda x: x * 2.0, has_aux=True)(1.0)
    with pytest.raises(TypeError, match="returned a tuple of 3 item"):
        astgrad.vjp(lambda x: (x, 1, 2), 1.0, has_aux=True)
    with pytest.raises(TypeError, match="has_aux=True returns.*transform the function itself"):
        astgrad.grad(astgrad.grad(loss, has_aux=True))
    with pytest.raises(TypeError, match="astgrad.grad was given as the function"):
        astgrad.grad(astgrad.grad, has_aux=True)


def test_pickled_and_repr():
    x = RNG.standard_normal(3)
    gradient = astgrad.grad(decorated, has_aux=True)
    again = pickle.loads(pickle.dumps(gradient))
    assert_close(again(x), gradient(x), **TOL)
    assert "has_aux=True" in repr(gradient)


def power(x, n):
    if n == 0:
        return 1.0, 0
    value, depth = power(x, n - 1)
    return x * value, depth + 1


def scaled(x, scale):
    return scale * np.sum(np.sin(x) ** 2), scale


def test_recursive_and_partial():
    """A function calling itself is called (value code, then its derivative), not
    inlined; a partial is differentiated like the function it stands for."""
    g, depth = astgrad.grad(power, has_aux=True)(1.3, 3)
    assert depth == 3
    assert_close(g, numerical_grad(lambda x: power(x, 3)[0], (1.3,)), **TOL)
    x = RNG.standard_normal(3)
    g, scale = astgrad.grad(functools.partial(scaled, scale=1.5), has_aux=True)(x)
    assert scale == 1.5
    assert_close(g, numerical_grad(lambda x: scaled(x, 1.5)[0], (x,)), **TOL)


def cubed_with_tag(x):
    return x ** 3, "tag"


def grad_with_aux_inside(x):
    g, _ = astgrad.grad(cubed_with_tag, has_aux=True)(x)
    return g * 2.0


def grad_with_argnums_inside(x):
    return astgrad.grad(lambda x: x ** 3, argnums=0)(x) * 2.0


def value_gradient_inside(x):
    return astgrad.grad(lambda x: cubed_with_tag(x)[0])(x) * 2.0


def test_inside_differentiated_code():
    """JAX's keywords on a gradient taken inside the function differentiated are refused
    in words saying what to write; the advice given is followed."""
    with pytest.raises(astgrad.TransformError, match=r"has_aux=\.\.\.\) inside differentiated code; take the "
                                                     r"gradient of the value alone"):
        astgrad.grad(grad_with_aux_inside)(1.5)
    with pytest.raises(astgrad.TransformError, match="argnums=.... inside differentiated code; write wrt="):
        astgrad.grad(grad_with_argnums_inside)(1.5)
    assert_close(astgrad.grad(value_gradient_inside)(1.5), numerical_grad(value_gradient_inside, (1.5,)), **TOL)


SHIFT = np.array([0.5, -0.25, 1.0])


def shifted_with_aux(x, shift=SHIFT, scale=2.0):
    return np.sum(np.sin(x * scale) * shift), {"scaled": x * scale}


def test_a_default_naming_a_global_is_the_object_the_function_holds():
    """The wrapper writes ``shift=SHIFT`` as the function does, where SHIFT holds the very
    default the function holds; rebound since, the function's default is differentiated."""
    global SHIFT
    x = RNG.standard_normal(3)
    held = shifted_with_aux.__defaults__[0]
    SHIFT = np.array([9.0, 9.0, 9.0])       # the function keeps the array it was defined with
    try:
        g, aux = astgrad.grad(shifted_with_aux, has_aux=True)(x)
        assert_close(g, numerical_grad(lambda a: np.sum(np.sin(a * 2.0) * held), (x,)), **TOL)
        assert_close(aux["scaled"], x * 2.0, **TOL)
    finally:
        SHIFT = held


def test_library_functions_and_pairs_are_answered_in_words():
    """A library function returns no aux; a pair returned without has_aux says to pass it."""
    with pytest.raises(TypeError, match=r"has_aux=True: numpy.sum is a library function, which returns its "
                                        r"value alone.*drop has_aux=True.*return numpy.sum\(x\), aux"):
        astgrad.grad(np.sum, has_aux=True)
    with pytest.raises(TypeError, match="numpy.linalg.norm is a library function"):
        astgrad.vjp(np.linalg.norm, np.ones(3), has_aux=True)
    with pytest.raises(ValueError, match=r"returned a tuple; if loss returns \(value, aux\).*pass has_aux=True"):
        astgrad.grad(loss)(RNG.standard_normal(3), RNG.standard_normal((4, 3)))


def test_has_aux_on_the_numba_backend_is_refused_in_words():
    """The aux is any Python value: backend='numba' says to run it as Python ('auto')."""
    pytest.importorskip("numba")
    from astgrad.backend.numba_backend import BackendError
    with pytest.raises(BackendError, match="has_aux=True runs on the Python backend.*backend='auto'"):
        astgrad.grad(loss, has_aux=True, backend="numba")
    x, data = RNG.standard_normal(3), RNG.standard_normal((4, 3))
    (g, aux), (expected, _) = (astgrad.grad(loss, has_aux=True, backend=backend)(x, data)
                               for backend in ("auto", "python"))
    assert_close(g, expected, **TOL)
    assert_aux(aux, x, data)
