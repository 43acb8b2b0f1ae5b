"""Constructs met in other libraries' test corpora and examples (Tangent's functions,
autograd's examples), each differentiated as Python runs it: a NumPy result stored into
an argument (``np.arctan(b, a)`` writes into ``a``: its second positional argument is
``out``), a helper writing into the caller's argument, helpers keeping values on a
stack (a list they push onto and pop from). Checked against finite differences of the
function on copies of its arguments, in reverse and forward mode and to second order;
derivative calls leave the caller's arrays as they were."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


def on_copies(f):
    """f called on copies of its arguments, as arrays (f writes into them)."""
    return lambda *args: f(*(np.array(a, dtype=float) for a in args))


# -- a NumPy result stored into an argument ------------------------------------------------

def cart2polar_sum(a, b):
    r = np.sqrt(a ** 2.0 + b ** 2.0)
    theta = np.arctan(b, a)         # out=a: a now holds arctan(b), theta is a
    return np.sum(r * theta + a)


def out_keyword(x, w):
    s = np.sum(x * x)
    np.multiply(x, w, out=x)        # x becomes x * w
    return s + np.sum(np.sin(x))


def calls_writing_helper(x):
    return writes_first_element(x) + np.sum(x)     # x as the helper left it


def writes_first_element(x):
    x[0] = x[1] * 2.0
    return np.sum(x ** 2)


def calls_helper_with_out(a, b):
    return stores_sin(a, b) * np.sum(a)


def stores_sin(a, b):
    np.sin(b, a)
    return np.sum(a * b)


CASES = [
    (cart2polar_sum, (np.array(0.7), np.array(-0.4))),
    (cart2polar_sum, (np.array([0.7, -1.2, 2.0]), np.array([-0.4, 0.3, 1.1]))),
    (out_keyword, (np.array([0.3, -0.8, 1.5]), np.array([1.2, 0.5, -0.7]))),
    (calls_writing_helper, (np.array([0.3, -0.8, 1.5]),)),
    (calls_helper_with_out, (np.array([0.3, -0.8]), np.array([1.2, 0.5]))),
]


@pytest.mark.parametrize("f, args", CASES, ids=[f"{f.__name__}-{np.ndim(a[0])}d" for f, a in CASES])
def test_writes_into_arguments_through_calls(f, args):
    reference = on_copies(f)
    kept = [a.copy() for a in args]
    wrt = tuple(range(len(args)))
    expected = [numerical_grad(reference, args, i) for i in wrt]
    assert_close(list(astgrad.grad(f, wrt=wrt)(*args)), expected)
    tangents = tuple(np.linspace(0.5, -1.0, a.size).reshape(a.shape) for a in args)
    assert_close(astgrad.jvp(f, args, tangents)[1], numerical_jvp(reference, args, tangents))
    x = args[0]
    hessian = numerical_hessian(lambda *a: astgrad.grad(f)(*(np.copy(v) for v in a)), args)
    hessian = hessian.reshape(x.shape + x.shape)         # first order is checked above
    assert_close(astgrad.hessian(f)(*args), hessian, rtol=1e-4, atol=1e-5)
    v = tangents[0]
    along_v = np.tensordot(hessian, v, axes=v.ndim)
    assert_close(astgrad.hvp(f)(*args, v), along_v, rtol=1e-4, atol=1e-5)
    assert_close(astgrad.grad(gradient_along(f, v, len(args)))(*args), along_v, rtol=1e-4, atol=1e-5)
    for a, k in zip(args, kept):
        assert np.array_equal(a, k), "a derivative call changed the caller's array"


def gradient_along(f, v, arity):
    """The first argument's gradient of ``f`` along ``v``: its gradient is H @ v (reverse over reverse)."""
    if arity == 1:
        def along(x):
            return np.sum(astgrad.grad(f)(x) * v)
    else:
        def along(x, y):
            return np.sum(astgrad.grad(f)(x, y) * v)
    return along


def test_the_function_itself_still_writes_into_its_argument():
    a, b = np.array([0.7, -1.2]), np.array([-0.4, 0.3])
    cart2polar_sum(a, b)
    assert_close(a, np.arctan([-0.4, 0.3]))
    x = np.array([0.3, -0.8, 1.5])
    calls_writing_helper(x)
    assert_close(x, [-1.6, -0.8, 1.5])


def cart2polar(a, b):
    r = np.sqrt(a ** 2.0 + b ** 2.0)
    theta = np.arctan(b, a)
    return r, theta


def test_a_pullback_takes_numbers_for_0d_array_outputs_written_in_place():
    # theta is the 0-d array a, written into: its cotangent may be given as a number
    a, b = np.array(0.7), np.array(-0.4)
    _, pullback = astgrad.vjp(cart2polar, a, b)
    ga, gb = pullback((1.0, 1.0))
    r = np.hypot(0.7, -0.4)
    assert_close(ga, 0.7 / r)
    assert_close(gb, -0.4 / r + 1.0 / (1.0 + 0.16))
    assert_close(pullback((np.array(1.0), np.array(1.0))), (ga, gb))


# -- values kept on a stack by helpers ------------------------------------------------------

def push(stack, x, op_id):
    stack.append(x)


def pop(stack, op_id):
    return stack.pop()


def stack_pushing(a):
    stack = []
    y = a * a
    push(stack, a, "abc")
    aa = pop(stack, "abc")
    z = y * aa
    return z * aa


def pops_then_inserts(x, y):
    s = [x, y * 2.0]
    b = pop(s, "last")
    s.insert(0, b * x)
    return s[0] * s[1]          # 2 y x * x


def pops_an_argument(xs):
    last = pop(xs, "last")
    return last * xs[0]


STACKS = [(stack_pushing, (1.3,)), (stack_pushing, (-0.6,)), (pops_then_inserts, (1.5, 0.7)),
          (pops_then_inserts, (-0.4, 1.1))]


@pytest.mark.parametrize("f, args", STACKS)
def test_helpers_keeping_values_on_a_stack(f, args):
    wrt = tuple(range(len(args)))
    expected = [numerical_grad(f, args, i) for i in wrt]
    assert_close(list(astgrad.grad(f, wrt=wrt)(*args)), expected)
    for i in wrt:
        tangents = tuple(1.0 if k == i else 0.0 for k in wrt)
        assert_close(astgrad.jvp(f, args, tangents)[1], expected[i])


@pytest.mark.parametrize("f, args", STACKS)
def test_helpers_keeping_values_on_a_stack_to_second_order(f, args):
    # a helper's s.pop() inlined, then s.insert(...): the first derivative binds the
    # helper's parameter to the caller's list at each call, which the second pass follows
    wrt = tuple(range(len(args)))
    for i in wrt:
        for j in wrt:
            second = numerical_grad(lambda *a: astgrad.grad(f, wrt=i)(*a), args, j)   # first order: above
            assert_close(astgrad.grad(astgrad.grad(f, wrt=i), wrt=j)(*args), second, rtol=1e-4, atol=1e-5)
            tj = tuple(1.0 if k == j else 0.0 for k in wrt)
            assert_close(astgrad.jvp(astgrad.grad(f, wrt=i), args, tj)[1], second, rtol=1e-4, atol=1e-5)


def test_a_helper_popping_from_a_list_argument():
    xs = [1.5, 2.5]
    assert_close(astgrad.grad(pops_an_argument)(xs), [2.5, 1.5])
    assert xs == [1.5, 2.5], "the gradient call changed the caller's list"
    assert_close(astgrad.jvp(pops_an_argument, (xs,), ([1.0, 0.0],))[1], 2.5)
    assert pops_an_argument(xs) == 2.5 * 1.5 and xs == [1.5]      # f itself pops, as Python does


# -- a transform of a transform inside differentiated code ---------------------------------

def inner_energy(m, s):
    return np.sum(np.log(np.cosh(m - s))) + 0.1 * m ** 4


def newton_step(s, m0):
    """One Newton step m0 - f'(m0) / f''(m0), with f' and f'' generated by astgrad."""
    slope = astgrad.grad(inner_energy)(m0, s)
    curvature = astgrad.grad(astgrad.grad(inner_energy))(m0, s)
    return m0 - slope / curvature


def mixed_curvature(s, m0):
    """The sum of squares of d2 f / dm ds, a gradient of a gradient taken w.r.t. s."""
    return np.sum(astgrad.grad(astgrad.grad(inner_energy), wrt=1)(m0, s) ** 2)


def plain_newton_step(s, m0):
    """The same step with the derivatives written out by hand."""
    t = np.tanh(m0 - s)
    slope = np.sum(t) + 0.4 * m0 ** 3
    curvature = np.sum(1.0 - t ** 2) + 1.2 * m0 ** 2
    return m0 - slope / curvature


@pytest.mark.parametrize("f", [newton_step, mixed_curvature])
@pytest.mark.parametrize("s, m0", [(np.array([0.3, -0.4, 1.2]), 0.5), (np.array([2.0, 1.5]), -0.7)])
def test_a_gradient_of_a_gradient_called_inside_differentiated_code(f, s, m0):
    args = (s, m0)
    if f is newton_step:
        assert_close(newton_step(*args), plain_newton_step(*args))
    for wrt in (0, 1):
        expected = numerical_grad(f, args, wrt)
        assert_close(astgrad.grad(f, wrt=wrt)(*args), expected)
        tangents = (np.ones_like(s), 0.0) if wrt == 0 else (np.zeros_like(s), 1.0)
        assert_close(astgrad.jvp(f, args, tangents)[1], np.sum(expected))
    second = numerical_jvp(lambda *a: astgrad.grad(f, wrt=1)(*a), args, (np.zeros_like(s), 1.0))
    assert_close(astgrad.grad(astgrad.grad(f, wrt=1), wrt=1)(*args), second, rtol=1e-4, atol=1e-5)


def test_a_gradient_of_a_gradient_of_local_functions():
    def closure_energy(m):
        return m ** 4

    def uses_closure(m):
        return astgrad.grad(astgrad.grad(closure_energy))(m)            # 12 m**2

    def uses_local(m):
        def local_energy(z):
            return z ** 4
        return astgrad.grad(astgrad.grad(local_energy))(m)

    def uses_local_reading_m(m):
        def local_energy(z):
            return z ** 4 * m
        return astgrad.grad(astgrad.grad(local_energy))(m)

    assert_close(astgrad.grad(uses_closure)(0.5), 12.0)
    assert_close(astgrad.grad(uses_local)(0.5), 12.0)
    with pytest.raises(astgrad.TransformError, match="test_corpus_constructs.py:[0-9]+: .*local function reading the enclosing"):
        astgrad.grad(uses_local_reading_m)(0.5)


# -- a shape spread into a library call (autograd's variational autoencoder) ----------------

def sample_diag_gaussian(mean, log_std, rs):
    return rs.randn(*mean.shape) * np.exp(log_std) + mean


def sampled_loss(mean, log_std):
    rs = np.random.RandomState(0)           # the same draws in every call
    return np.sum(np.sin(sample_diag_gaussian(mean, log_std, rs)) * mean)


def zeros_of_its_shape(x):
    return np.sum(np.ones(*x.shape) * x ** 2)


@pytest.mark.parametrize("shape", [(3,), (2, 3)])
def test_a_shape_spread_into_a_library_call(shape):
    rng = np.random.default_rng(5)
    mean, log_std = rng.normal(size=shape), rng.normal(size=shape) * 0.3
    args = (mean, log_std)
    for wrt in (0, 1):
        expected = numerical_grad(sampled_loss, args, wrt)
        assert_close(astgrad.grad(sampled_loss, wrt=wrt)(*args), expected)
        v = rng.normal(size=shape)
        tangents = (v, np.zeros(shape)) if wrt == 0 else (np.zeros(shape), v)
        assert_close(astgrad.jvp(sampled_loss, args, tangents)[1], np.sum(expected * v))
    hessian = numerical_hessian(lambda *a: astgrad.grad(sampled_loss)(*a), args)
    assert_close(astgrad.hessian(sampled_loss)(*args), hessian.reshape(shape + shape), rtol=1e-4, atol=1e-5)
    x = np.array([0.3, -1.2, 2.0])
    assert_close(astgrad.grad(zeros_of_its_shape)(x), 2.0 * x)
