"""A gradient made outside (``g = astgrad.grad(f)``) called inside differentiated code,
where ``f`` rebinds a global or a closure variable (``global K; K = K + 1``).

Calling the outer derivative runs ``f``'s code once for its value and again in the
reverse sweep; the second run starts from the values the first one read, and the
variables end as one plain call leaves them. Each program is checked against central
finite differences (each evaluation from the same starting values) and by the state
it leaves after one call of the derivative."""

import types

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad

K = 1.0
C = np.array([0.7, -1.3])
X = np.array([0.3, 0.8])


def adds_one(x):
    global K
    K = K + 1.0
    return np.sum(np.sin(x) * K)


def adds_half(x):
    global K
    K += 0.5
    return np.sum(np.sin(x) * K * x)


def stores_two(x):
    global K
    K = 2.0
    return np.sum(np.sin(x) * K)


def _scale_k():
    global K
    K = K * 1.5


def helper_scales(x):
    _scale_k()
    return np.sum(np.cos(x) * K)


def weighted(x, w):
    global K
    K = K + 1.0
    return np.sum(np.sin(x) * w * K)


def _counter():
    n = 1.0

    def counts(x):
        nonlocal n
        n = n + 1.0
        return np.sum(np.sin(x) * n)
    return counts


counts = _counter()


class Model:
    def __init__(self):
        self.w = 0.5

    def loss(self, x):
        global K
        K = K + 1.0
        return np.sum(np.sin(x) * K * self.w)


def state():
    return K, counts.__closure__[0].cell_contents


def reset():
    global K
    K = 1.0
    counts.__closure__[0].cell_contents = 1.0


G_ADDS = astgrad.grad(adds_one)
G_HALF = astgrad.grad(adds_half)
G_TWO = astgrad.grad(stores_two)
G_HELPER = astgrad.grad(helper_scales)
G_CELL = astgrad.grad(counts)
VG_ADDS = astgrad.value_and_grad(adds_one)
G_BOTH = astgrad.grad(weighted, wrt=(0, 1))
TABLE = {"g": G_ADDS}
Holder = types.SimpleNamespace(g=G_ADDS)
G_METHOD = astgrad.grad(Model().loss)


def through_global(z):
    return np.sum(G_ADDS(z) * C)


def through_augmented(z):
    return np.sum(G_HALF(z) * C)


def through_constant_store(z):
    return np.sum(G_TWO(z) * C)


def through_helper(z):
    return np.sum(G_HELPER(z) * C)


def through_cell(z):
    return np.sum(G_CELL(z) * C)


def with_value(z):
    v, d = VG_ADDS(z)
    return v + np.sum(d * C)


def twice_in_a_loop(z):
    t = np.sum(G_ADDS(z) * C)
    for k in range(2):
        t = t + np.sum(G_ADDS(z * (k + 2)) * z)
    return t


def in_a_while_loop(z):
    t, k = 0.0, 0
    while k < 3:
        t = t + np.sum(G_CELL(z * (k + 1)) * C)
        k += 1
    return t


def in_a_try(z):
    try:
        t = np.sum(G_ADDS(z) * C)
    except ValueError:
        t = 0.0
    return t


def both_gradients(z):
    a, b = G_BOTH(z, 0.5 + np.sum(z * z))
    return np.sum(a * C) + b


def _closure():
    g = astgrad.grad(adds_one)

    def through_closure(z):
        return np.sum(g(z) * C)
    return through_closure


def through_default(z, g=G_ADDS):
    return np.sum(g(z) * C)


def through_dict(z):
    return np.sum(TABLE["g"](z) * C)


def through_object(z):
    return np.sum(Holder.g(z) * C)


def through_method_gradient(z):
    return np.sum(G_METHOD(z) * C)


def through_lambda(z):
    q = lambda a: G_ADDS(a)     # noqa: E731
    return np.sum(q(z) * C)


def _grad(h, x):
    return astgrad.grad(h)(x)


def _value_and_grad(h, x):
    return astgrad.value_and_grad(h)(x)[1]


def _jvp(h, x):
    return astgrad.jvp(h, (x,), (C,))[1]


def _vjp(h, x):
    return astgrad.vjp(h, x)[1](1.0)[0]


def _grad_of_grad(h, x):
    gh = astgrad.grad(h)
    return astgrad.grad(lambda z: np.sum(gh(z) * C))(x)


def _hessian(h, x):
    return astgrad.hessian(h)(x) @ C


def _expected(mode, h, x):
    """Central differences of ``h`` (or of its gradient, for second order), each
    evaluation starting from the same values of K and of the closure cell."""
    def from_start(run):
        def f(z):
            reset()
            return run(z)
        return f
    if mode in (_grad_of_grad, _hessian):
        gh = astgrad.grad(h)
        return numerical_grad(from_start(lambda z: np.sum(gh(z) * C)), (x,), wrt=0)
    d = numerical_grad(from_start(h), (x,), wrt=0)
    return np.sum(d * C) if mode is _jvp else d


CASES = [
    (through_global, _grad), (through_global, _jvp), (through_global, _grad_of_grad), (through_global, _hessian),
    (through_augmented, _value_and_grad), (through_augmented, _vjp),
    (through_constant_store, _grad), (through_constant_store, _hessian),
    (through_helper, _grad), (through_helper, _grad_of_grad),
    (through_cell, _grad), (through_cell, _hessian),
    (with_value, _grad), (with_value, _jvp),
    (twice_in_a_loop, _grad), (twice_in_a_loop, _grad_of_grad),
    (both_gradients, _grad), (both_gradients, _hessian),
    (_closure(), _grad), (through_default, _value_and_grad), (through_dict, _grad),
    (through_object, _grad_of_grad), (through_lambda, _vjp),
    (through_method_gradient, _grad), (through_method_gradient, _grad_of_grad), (through_method_gradient, _hessian),
    (in_a_while_loop, _grad), (in_a_while_loop, _jvp), (in_a_try, _grad_of_grad),
]


@pytest.mark.parametrize("h, mode", CASES, ids=[f"{h.__name__}-{m.__name__[1:]}" for h, m in CASES])
def test_values_and_the_state_one_call_leaves(h, mode):
    reset()
    h(X.copy())
    after_one_call = state()
    want = _expected(mode, h, X.copy())
    reset()
    got = mode(h, X.copy())
    assert state() == after_one_call
    assert_close(got, want, 1e-5, 1e-6)


def test_the_reverse_sweep_sets_the_values_back_around_the_derivative():
    source = astgrad.grad(through_global).source
    assert "outer_before = outer_values(" in source
    assert "outer_now = replay_from(outer_before)" in source
    assert "put_back(outer_now)" in source


def calls_a_helper_calling_the_gradient(z):
    return _helper_calling_the_gradient(z) * 2.0


def _helper_calling_the_gradient(z):
    return np.sum(G_ADDS(z) * C)


def test_a_helper_calling_such_a_gradient_is_refused_and_the_next_call_works():
    """The helper, called (not inlined), would run again in the derivative."""
    reset()
    with pytest.raises(astgrad.TransformError, match="the call of _helper_calling_the_gradient, which rebinds "
                       "the global 'K'.*pass the value in as an argument and return the new value") as caught:
        astgrad.grad(calls_a_helper_calling_the_gradient)(X)
    where = calls_a_helper_calling_the_gradient.__code__.co_filename, \
        calls_a_helper_calling_the_gradient.__code__.co_firstlineno + 1
    assert (caught.value.filename, caught.value.lineno) == where
    assert state() == (1.0, 1.0)
    assert_close(astgrad.grad(through_global)(X), C * -np.sin(X) * 2.0)
    assert state() == (2.0, 1.0)


def masked_sqrt(x):
    global K
    K = K + 1.0
    return np.sum(np.where(x > 0.0, np.sqrt(np.abs(x)), 0.0) * K)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("transform", [astgrad.grad, lambda f: lambda x: astgrad.value_and_grad(f)(x)[1]],
                         ids=["grad", "value_and_grad"])
def test_the_zero_safe_run_starts_from_the_values_the_plain_run_read(transform):
    """At 0 the plain derivative is NaN (0 * inf), and the zero-safe twin runs the code
    again: from K as the first run read it, leaving K as one call does."""
    reset()
    got = transform(masked_sqrt)(np.array([0.0, 0.5]))
    assert K == 2.0
    assert_close(got, np.array([0.0, 2.0 * 0.5 / np.sqrt(0.5)]))


def test_a_checkpointed_loop_calling_such_a_gradient_is_refused():
    """checkpoint= runs the loop's segments again, which would rebind K again."""
    reset()
    with pytest.raises(astgrad.TransformError, match=r"checkpoint= cannot replay this loop: it calls .*, which "
                       "rebinds a global or a closure variable that a second run would rebind again"):
        astgrad.grad(twice_in_a_loop, checkpoint=2)(X)
    assert state() == (1.0, 1.0)
    assert_close(astgrad.grad(twice_in_a_loop)(X), _expected(_grad, twice_in_a_loop, X.copy()))
