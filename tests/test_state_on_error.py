"""The program state a derivative leaves: after an error raised in its reverse sweep,
after a checkpointed loop that rebinds a global, and around a helper changing in place
a global array that a view (``v = W.reshape(3, 2)``) was taken of before the call.

Each derivative followed is checked against central finite differences (each
evaluation from the same starting values) and by the state it leaves: that of one
plain call of the function."""

import itertools

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp

K = 1.0
X = np.array([0.3, -0.8])


def _from(k, f):
    """``f`` run each time with the global K set to ``k`` first (for finite differences)."""
    def run(*args):
        global K
        K = k
        return f(*args)
    return run


# -- an error raised by the derivative of a gradient called inside ------------------

class Fuse:
    """A plain callable raising on its second run: the derivative's run of the code a
    gradient made outside runs again, not the first run."""

    def __init__(self, blows=True):
        self.runs = itertools.count()
        self.blows = blows

    def __call__(self, k):
        if next(self.runs) == 1 and self.blows:
            raise ValueError("the second run")
        return k


FUSE = Fuse()


def adds_one(x):
    global K
    K = K + 1.0
    FUSE(K)
    return np.sum(np.sin(x) * K)


G_ADDS = astgrad.grad(adds_one)


def calls_the_gradient(x):
    return np.sum(G_ADDS(x) * x) + np.sum(x)


@pytest.mark.parametrize("transform", [astgrad.grad, astgrad.value_and_grad])
def test_an_error_in_the_derivative_of_the_call_leaves_the_globals_as_the_call_left_them(transform):
    global K, FUSE
    FUSE, K = Fuse(blows=False), 1.0
    calls_the_gradient(X)
    after_one_call = K
    FUSE, K = Fuse(), 1.0
    with pytest.raises(ValueError, match="the second run"):
        transform(calls_the_gradient)(X)
    assert K == after_one_call == 2.0       # not the replay's 1.0 + 1.0 (nor 3.0: one more run)
    FUSE, K = Fuse(blows=False), 1.0        # the next call works
    got = transform(calls_the_gradient)(X)
    assert K == after_one_call
    want = numerical_grad(_from(1.0, calls_the_gradient), (X.copy(),))
    assert_close(got[1] if transform is astgrad.value_and_grad else got, want, 1e-5, 1e-6)


def test_the_variables_are_put_back_in_a_finally():
    source = astgrad.grad(calls_the_gradient).source
    assert "outer_now = replay_from(outer_before)\n    try:\n        grads = grad_" in source
    assert "    finally:\n        put_back(outer_now)\n" in source


# -- a checkpointed loop rebinding a global or a closure variable -------------------

def counts_up(x):
    global K
    s = x
    for i in range(6):
        K = K + 1.0
        s = np.sin(s) * 1.1 + K * x
    return np.sum(s)


def _closure_counting():
    c = 0.5

    def counts(x):
        nonlocal c
        s = x
        for i in range(5):
            c = c + 0.5
            s = np.cos(s) + c * x
        return np.sum(s)

    def cell():
        return c
    return counts, cell


@pytest.mark.parametrize("every", [2, "sqrt"])
@pytest.mark.parametrize("transform", [astgrad.grad, astgrad.value_and_grad])
def test_a_checkpointed_loop_reads_the_global_now_and_leaves_it_as_one_call(transform, every):
    global K
    gradient = transform(counts_up, checkpoint=every)
    for start in (1.0, 4.0):        # each call reads K as it is then (not as when the code was made)
        K = start
        counts_up(X.copy())
        after_one_call = K
        K = start
        got = gradient(X.copy())
        assert K == after_one_call == start + 6
        want = numerical_grad(_from(start, counts_up), (X.copy(),))
        assert_close(got[1] if transform is astgrad.value_and_grad else got, want, 1e-5, 1e-6)


def test_a_checkpointed_loop_leaves_a_closure_variable_as_one_call():
    counts, cell = _closure_counting()
    got = astgrad.grad(counts, checkpoint=2)(X.copy())
    assert cell() == 3.0
    fresh, _ = _closure_counting()
    assert_close(got, numerical_grad(lambda x: _closure_counting()[0](x), (X.copy(),)), 1e-5, 1e-6)
    assert_close(got, astgrad.grad(fresh)(X.copy()), 1e-12, 1e-12)


# -- a view of a global array, taken before a helper changes the array in place -----

W = np.arange(6.0).reshape(2, 3) / 7 + 0.3
W0 = W.copy()


def bump():
    W[...] += 1.0


def by_reshape(x):
    v = W.reshape(3, 2)
    y = np.sin(x @ v)
    bump()
    return np.sum(y)


def by_transpose(x):
    v = W.T
    y = np.sin(v @ x[:2])
    bump()
    return np.sum(y)


def by_asarray(x):
    v = np.asarray(W)
    y = np.sin(x[:2] @ v)
    bump()
    return np.sum(y)


def by_view(x):
    v = W.view()
    y = np.sin(x[:2] @ v)
    bump()
    return np.sum(y)


def by_slice_then_reshape(x):
    v = W[0:2].reshape(3, 2)
    y = np.sin(x @ v)
    bump()
    return np.sum(y)


def by_a_copy(x):
    v = W.copy().reshape(3, 2)
    y = np.sin(x @ v)
    bump()
    return np.sum(y)


def _from_w0(f):
    def run(x):
        W[...] = W0
        return f(x)
    return run


X3 = np.array([0.4, -0.2, 0.9])
VIEWS = [by_reshape, by_transpose, by_asarray, by_view, by_slice_then_reshape]


@pytest.mark.parametrize("f", VIEWS, ids=[f.__name__ for f in VIEWS])
def test_a_view_read_before_a_helper_changes_the_array_is_refused_at_the_call(f):
    W[...] = W0
    with pytest.raises(astgrad.TransformError, match=r"the call of bump changes in place memory a global holds .*"
                       r"after the function read W: .* Read a copy before the call \(W.copy\(\)\)") as refused:
        astgrad.grad(f)(X3.copy())
    assert (refused.value.filename, refused.value.lineno) == (__file__, f.__code__.co_firstlineno + 3)
    assert np.array_equal(W, W0)        # refused before anything ran
    # vjp and hessian make their code before they run f, jacobian puts back what its one
    # run of f (for the output's size) changed: refused, W as it was
    for transform in (lambda: astgrad.vjp(f, X3.copy()), lambda: astgrad.hessian(f)(X3.copy()),
                      lambda: astgrad.jacobian(f)(X3.copy())):
        W[...] = W0
        with pytest.raises(astgrad.TransformError, match="after the function read W"):
            transform()
        assert np.array_equal(W, W0)
    W[...] = W0
    got = astgrad.jvp(f, (X3.copy(),), (np.ones(3),))[1]      # forward mode uses each value where f does
    W[...] = W0
    assert_close(got, numerical_jvp(_from_w0(f), (X3.copy(),), (np.ones(3),)), 1e-5, 1e-6)
    assert np.array_equal(W, W0 + 1.0)


def test_a_copy_read_before_the_helper_is_followed():
    W[...] = W0
    got = astgrad.grad(by_a_copy)(X3.copy())
    assert np.array_equal(W, W0 + 1.0)
    assert_close(got, numerical_grad(_from_w0(by_a_copy), (X3.copy(),)), 1e-5, 1e-6)


# -- a gradient made outside whose function stores a constant in a global's list ----

BOX = [0.0]


def mark():
    BOX[0] = 3.0


def marks(x):
    mark()
    return np.sum(x * x)


G_MARKS = astgrad.grad(marks)


def calls_marks_gradient(x):
    return np.sum(G_MARKS(x) * x)


def test_a_gradient_storing_a_constant_in_a_global_is_followed_as_one_call():
    # (its second run, in the reverse sweep, starts from what the first read: tests/test_refusals52.py)
    BOX[0] = 0.0
    got = astgrad.grad(calls_marks_gradient)(X.copy())
    assert BOX == [3.0]
    assert_close(got, 4 * X, 1e-12, 1e-12)      # sum(2x * x)
    BOX[0] = 0.0
    got = astgrad.grad(marks)(X.copy())     # the gradient made outside, called alone
    assert BOX == [3.0]
    assert_close(got, 2 * X, 1e-12, 1e-12)


def adds_two(x):
    global K
    K = K + 2.0
    return np.sum(np.sin(x) * K * x)


def test_hvp_checking_the_output_leaves_the_global_as_one_call():
    """hvp runs the product's code, then ``f`` to check it returns a number: that check
    puts back what it rebinds."""
    global K
    K = 1.0
    got = astgrad.hvp(adds_two)(X.copy(), np.ones(2))
    assert K == 3.0
    want = numerical_jvp(lambda x: numerical_grad(_from(1.0, adds_two), (x,), eps=1e-4), (X.copy(),),
                         (np.ones(2),), eps=1e-4)
    assert_close(got, want, 1e-4, 1e-5)


SCALE = 1.0


def scaled_loop(x):
    s = x
    for i in range(4):
        s = np.sin(s) * SCALE + x
    return np.sum(s)


def test_a_checkpointed_gradient_reads_a_global_as_it_is_at_each_call():
    """The checkpointed code runs with the module's globals, not a copy taken when it was made."""
    global SCALE
    gradient = astgrad.grad(scaled_loop, checkpoint=2)
    for SCALE in (1.0, 2.5):
        assert_close(gradient(X.copy()), numerical_grad(scaled_loop, (X.copy(),)), 1e-5, 1e-6)
    SCALE = 1.0
