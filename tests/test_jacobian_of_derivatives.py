"""Third derivatives as JAX users write them, ``jacobian(jacobian(f))`` and
``jacobian(hessian(f))`` (``jacfwd(jacrev(f))``), checked against central finite
differences of the inner result (float64; f: R^n -> R^m and R^n -> R; a number, a vector
and a matrix argument; either inner mode; the outer jacobian by the same argument and by
another); and the transforms' small API edges: a None leaf of vjp's output (its cotangent
None), a bool tangent refused, the words of ``grad(np.where)`` given too few arguments."""

import functools

import numpy as np
import pytest

import astgrad
from fd import assert_close

SHAPES = [(), (3,), (2, 2)]


def _numerical_jacobian(g, args, wrt, eps=1e-6):
    """d g(*args) / d args[wrt] by central differences, g's axes then the argument's."""
    args, x = list(args), np.asarray(args[wrt], dtype=np.float64)
    columns = []
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = eps
        step = step.reshape(x.shape)
        args[wrt] = x + step if x.ndim else float(x + step)
        plus = np.asarray(g(*args))
        args[wrt] = x - step if x.ndim else float(x - step)
        columns.append((plus - np.asarray(g(*args))) / (2 * eps))
    return np.stack(columns, axis=-1).reshape(plus.shape + x.shape)


def _argument(shape, seed):
    x = np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)
    return float(x) if shape == () else x


def _vector_valued(x, y):
    return np.tanh(y * x) * np.sum(x ** 2)


def _scalar_valued(x):
    return np.sum(np.sin(x) * np.cos(np.sum(x))) + np.sum(x ** 4) / 4.0


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("inner_mode", ["forward", "reverse"])
def test_jacobian_of_a_jacobian_by_the_same_and_by_another_argument(shape, inner_mode):
    x, y = _argument(shape, 1), 0.7
    inner = astgrad.jacobian(_vector_valued, mode=inner_mode)
    third = astgrad.jacobian(inner)(x, y)
    assert third.shape == np.shape(x) * 3
    assert_close(third, _numerical_jacobian(inner, (x, y), 0))
    assert_close(astgrad.jacobian(inner, wrt="y", mode="reverse")(x, y), _numerical_jacobian(inner, (x, y), 1))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_jacobian_of_a_hessian_and_of_a_scalar_functions_jacobian(shape):
    x = _argument(shape, 2)
    hessian = astgrad.hessian(_scalar_valued)
    third = astgrad.jacobian(hessian)(x)
    assert_close(third, _numerical_jacobian(hessian, (x,), 0))
    assert_close(third, np.swapaxes(third, 0, -1) if np.ndim(x) == 1 else third)     # symmetric
    # the jacobian of a scalar function's jacobian is its hessian, as in JAX
    assert_close(astgrad.jacobian(astgrad.jacobian(_scalar_valued))(x), hessian(x))


class _Scaled:
    def __init__(self, scale):
        self.scale = scale

    def apply(self, x):
        return np.sin(self.scale * x) * x


def _with_function(x, act):
    return act(x) * x[1]


def _keyword_scaled(x, k=2.0):
    return np.sin(x) ** 3 * k


def _total_cubed(x):
    return np.sum(np.sin(x) ** 3)


INNERS = {
    "method": (lambda: astgrad.jacobian(_Scaled(1.5).apply), ()),
    "function value": (lambda: astgrad.jacobian(_with_function), (np.tanh,)),
    "partial": (lambda: astgrad.jacobian(functools.partial(_keyword_scaled, k=3.0)), ()),
    "of a gradient": (lambda: astgrad.jacobian(astgrad.grad(_total_cubed)), ()),
    "hessian of a method": (lambda: astgrad.hessian(lambda x: np.sum(_Scaled(0.5).apply(x))), ()),
}


@pytest.mark.parametrize("name", INNERS)
def test_the_inner_function_in_its_other_forms(name):
    make, rest = INNERS[name]
    inner, x = make(), _argument((3,), 3)
    assert_close(astgrad.jacobian(inner)(x, *rest), _numerical_jacobian(lambda x: inner(x, *rest), (x,), 0))


_COUNT = 1.0


def _counting(x):
    global _COUNT
    _COUNT = _COUNT + 1.0
    return np.sin(x) * _COUNT


def test_a_global_the_function_rebinds_is_left_as_one_call_leaves_it():
    global _COUNT
    _COUNT, x = 1.0, np.array([0.1, 0.2])
    third = astgrad.jacobian(astgrad.jacobian(_counting))(x)
    assert _COUNT == 2.0        # one call's effect, each run starting from 1.0
    assert_close(third, np.einsum("i,ij,ik->ijk", -np.sin(x) * 2.0, np.eye(2), np.eye(2)))


def _written_into(x):
    y = x.copy()
    y[0] = y[1] * y[2]
    return y * np.sum(y)


def test_what_is_still_refused_says_so():
    # the forward code writes into the copy's tangent, which forward mode does not follow again
    with pytest.raises(astgrad.TransformError, match=r"test_jacobian_of_derivatives.py:\d+: .*differentiated twice"):
        astgrad.jacobian(astgrad.jacobian(_written_into))(np.array([0.3, -0.7, 1.1]))
    with pytest.raises(TypeError, match=r"cannot transform what astgrad.jacobian of a jacobian .* third derivatives"):
        astgrad.jacobian(astgrad.jacobian(astgrad.jacobian(_total_cubed)))
    with pytest.raises(TypeError, match=r"cannot transform what astgrad.jacobian returns; .*jacobian takes what"):
        astgrad.hessian(astgrad.jacobian(_total_cubed))
    with pytest.raises(TypeError, match=r"argument 'y' is a bool \(True\)"):
        astgrad.jacobian(astgrad.jacobian(_vector_valued), wrt=1)(np.ones(2), True)
    with pytest.raises(ValueError, match="grad requires _vector_valued to return a scalar"):
        astgrad.jacobian(astgrad.hessian(_vector_valued))(np.ones(2), 1.0)
    with pytest.raises(ValueError, match="jacobian mode must be"):
        astgrad.jacobian(astgrad.jacobian(_total_cubed), mode="sideways")


# -- vjp of an output with a None leaf ---------------------------------------------------

def test_a_none_leaf_of_vjps_output_has_a_none_cotangent():
    x = _argument((3,), 4)
    out, pullback = astgrad.vjp(lambda x: (x * 2.0, None), x)
    assert out[1] is None
    assert_close(pullback((np.ones(3), None)), (np.full(3, 2.0),))
    cotangent = {"a": np.random.default_rng(5).normal(size=3), "c": [None, 2.0], "b": None}
    out, pullback = astgrad.vjp(lambda x: {"a": np.sin(x), "b": None, "c": [None, x[0] * x[1]]}, x)
    expected = cotangent["a"] * np.cos(x) + 2.0 * np.array([x[1], x[0], 0.0])
    assert_close(pullback(cotangent), (expected,))
    with pytest.raises(ValueError, match=r"cotangent\[1\] is 1.0, but <lambda>'s output\[1\] is None.*pass None"):
        astgrad.vjp(lambda x: (x * 2.0, None), x)[1]((np.ones(3), 1.0))
    with pytest.raises(TypeError, match="returned None"):      # a None output alone has no derivative
        astgrad.vjp(lambda x: None, x)


# -- a bool tangent, v or cotangent ---------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: astgrad.jvp(lambda x: x * 2.0, (1.0,), (True,)),
    lambda: astgrad.jvp(lambda x: x * 2.0, (np.ones(2),), (np.array([True, False]),)),
    lambda: astgrad.hvp(_total_cubed)(np.ones(2), np.array([True, False])),
    lambda: astgrad.vjp(lambda x: x * 2.0, 1.0)[1](np.True_),
], ids=["jvp", "jvp_array", "hvp", "vjp"])
def test_a_bool_derivative_is_refused_in_words(call):
    with pytest.raises(TypeError, match=r"is a bool .* is a float, .* pass a float \(1\.0 rather than True"):
        call()


def test_where_given_too_few_arguments_names_the_three_it_takes():
    with pytest.raises(TypeError) as error:
        astgrad.grad(np.where)(True)
    assert str(error.value).endswith("a transform of numpy.where given directly takes its selecting form's "
                                     "arguments (condition, x, y)")
