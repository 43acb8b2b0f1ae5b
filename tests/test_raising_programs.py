"""Where calling ``f`` raises, its derivatives raise the same exception: a derivative
keeps only what it needs, but never drops a statement that raises (an index out of
range, a name unbound on the path taken, shapes that do not broadcast, a call that
rejects its arguments, a number divided by zero, a missing attribute), whatever it
differentiates with respect to.

Each program raises on a 3-vector ``x``; none needs the statement that raises for the
derivative with respect to ``w`` (argument 1), which its derivatives used to skip."""

import numpy as np
import pytest

import astgrad

X, W = np.ones(3), 2.0


def index(x, w):
    return np.sum(x[5]) + w


def does_not_broadcast(x, w):
    return np.sum(x + np.ones(4)) + w


def unbound_on_this_path(x, w):
    if w > 10:
        k = 1.0
    return np.sum(x * k) + w


def broadcast_in_a_closure(x, w):
    ones = np.ones(4)

    def total(v):
        return np.sum(v + ones)
    return total(x) + w


def index_in_a_loop(x, w):
    s = 0.0
    for i in range(4):
        s = s + np.sum(x[i])
    return s + w


def unused_index_in_a_branch(x, w):
    if w > 1.0:
        np.sum(x[7])            # its value unused, and it raises
    return w * 2.0


def list_index(x, w):
    xs = [x, x]
    return np.sum(xs[2]) + w


def compares_shapes(x, w):
    return np.sum(np.where(x < np.ones(4), x, 0.0)) + w


def reshapes(x, w):
    return np.sum(np.reshape(x, (2, 2))) + w


def matrix_product(x, w):
    return np.sum(np.ones((4, 4)) @ x) + w


def singular_inverse(x, w):
    return np.sum(np.linalg.inv(np.zeros((2, 2)) * x[0])) + w


def floor_division_by_zero(x, w):
    m = int(w) - 2              # 0
    7 // m
    return np.sum(x) * w


def modulo_by_zero(x, w):
    m = int(w) - 2
    j = 7 % m
    return np.sum(x) * w


def concatenates_misfits(x, w):
    joined = np.concatenate([x.reshape(3, 1), np.ones((2, 2))])
    return np.sum(x) * w


def stacks_misfits(x, w):
    stacked = np.stack([x, np.ones(4)])
    return np.sum(x) * w


class _Settings:
    scale = 1.0


SETTINGS = _Settings()


def missing_attribute(x, w):
    rate = SETTINGS.rate
    return np.sum(x) * w


def rebound_in_an_empty_loop(x, w):
    for k in range(int(w) - 2):     # runs zero times: y is never bound
        y = np.sin(x) * w
        x = y * 0.5
    return np.sum(y * x) + w


def bound_in_an_inner_loop_run_zero_times(x, w):
    s = 0.0
    for i in range(2):
        for k in range(int(w) - 2):     # runs zero times: t is never bound
            t = np.sin(x * k) * w
        s = s + np.sum(t * x)
    return s + w


def bound_in_a_branch_never_taken_in_a_loop(x, w):
    s = 0.0
    for i in range(3):
        if x[i] > 10:           # never: last is never bound
            last = x[i] * w
            s = s + last
    return s + last * w


def squared_in_an_empty_loop(x, w):
    for k in range(int(w) - 2):     # runs zero times: acc is never bound
        acc = x * w
        acc = acc * acc
    return np.sum(acc) + w


def bound_in_a_branch_not_taken_and_an_empty_loop(x, w):
    if w > 10:
        t = x
    for k in range(int(w) - 2):     # runs zero times, and the branch was not taken
        t = np.sin(t) * w
    return np.sum(t * x) + w


def next_past_the_end_of_a_generator_expression(x, w):
    g = (v for v in x)
    a = next(g)
    b = next(g)
    c = next(g)
    d = next(g)                 # x has three items: StopIteration
    return np.sum(x) * w


def list_plus_int(x, w):
    xs = [x, x]
    more = xs + 1
    return np.sum(x) * w


PROGRAMS = [index, does_not_broadcast, unbound_on_this_path, broadcast_in_a_closure,
            index_in_a_loop, unused_index_in_a_branch, list_index, compares_shapes, reshapes,
            matrix_product, singular_inverse, floor_division_by_zero, modulo_by_zero,
            concatenates_misfits, stacks_misfits, missing_attribute, list_plus_int,
            rebound_in_an_empty_loop, bound_in_an_inner_loop_run_zero_times,
            bound_in_a_branch_never_taken_in_a_loop, squared_in_an_empty_loop,
            bound_in_a_branch_not_taken_and_an_empty_loop, next_past_the_end_of_a_generator_expression]


def _exported(f):
    namespace = {}
    exec(compile(astgrad.export(f, wrt=1), "<exported>", "exec"), namespace)
    return namespace["grad_" + f.__name__](X, W)


MODES = {
    "grad": lambda f: astgrad.grad(f, wrt=1)(X, W),
    "value_and_grad": lambda f: astgrad.value_and_grad(f, wrt=1)(X, W),
    "vjp": lambda f: astgrad.vjp(lambda w: f(X, w), W)[1](1.0),
    "jvp": lambda f: astgrad.jvp(f, (X, W), (np.zeros(3), 1.0)),
    "jacobian": lambda f: astgrad.jacobian(f, wrt=1)(X, W),
    "hessian": lambda f: astgrad.hessian(f, wrt=1)(X, W),
    "hvp": lambda f: astgrad.hvp(f, wrt=1)(X, W, 1.0),
    "export": _exported,
}

# three programs in every mode; each other one in a mode whose derivative returned a
# value where the function raises (in the other modes it raised already)
EVERY_MODE = (index, does_not_broadcast, unbound_on_this_path)
FIRST_FIXED = {broadcast_in_a_closure: "grad", index_in_a_loop: "grad",
               unused_index_in_a_branch: "grad", list_index: "hvp", compares_shapes: "hvp",
               reshapes: "hvp", matrix_product: "hvp", singular_inverse: "hvp",
               rebound_in_an_empty_loop: "grad", bound_in_an_inner_loop_run_zero_times: "grad",
               bound_in_a_branch_never_taken_in_a_loop: "value_and_grad", squared_in_an_empty_loop: "hvp",
               bound_in_a_branch_not_taken_and_an_empty_loop: "grad",
               next_past_the_end_of_a_generator_expression: "hvp"}
# each in reverse mode, forward mode and to second order (in the other modes f runs first)
THREE_MODES = (floor_division_by_zero, modulo_by_zero, concatenates_misfits, stacks_misfits,
               missing_attribute, list_plus_int)
CASES = [(f, mode) for f in EVERY_MODE for mode in MODES] + list(FIRST_FIXED.items()) \
    + [(f, mode) for f in THREE_MODES for mode in ("grad", "jvp", "hvp")]


@pytest.mark.parametrize("f, mode", CASES, ids=lambda v: getattr(v, "__name__", v))
def test_the_derivative_raises_where_the_function_does(f, mode):
    with pytest.raises(Exception) as raised:
        f(X, W)
    with pytest.raises(raised.type):
        MODES[mode](f)


def test_every_program_has_a_case():
    assert set(PROGRAMS) == set(EVERY_MODE) | set(FIRST_FIXED) | set(THREE_MODES)


def unbound_number_on_this_path(x, w):
    if w > 10:
        k = 2.0 * w
    return k * w


def test_forward_mode_names_the_unbound_variable_not_its_tangent():
    # the number k * w moved into the return, after its tangent: "... variable 'd_k' ..."
    with pytest.raises(UnboundLocalError, match=r"variable 'k' "):
        astgrad.jvp(unbound_number_on_this_path, (X, W), (np.zeros(3), 1.0))


def reads_what_an_inner_loop_bound(x, w):
    for k in range(int(w) - 2):         # runs zero times: neither z nor q is bound
        for j in range(2):
            z = x * w + j
        q = z + k
    return np.sum(q * z) + w


def test_the_derivative_names_the_first_unbound_name_python_reads():
    # q * z reads q first; the check of z (which has a placeholder to save) raised first
    with pytest.raises(UnboundLocalError) as raised:
        reads_what_an_inner_loop_bound(X, W)
    assert "'q'" in str(raised.value)
    for mode in ("grad", "value_and_grad", "jvp", "hessian"):
        with pytest.raises(UnboundLocalError) as derived:
            MODES[mode](reads_what_an_inner_loop_bound)
        assert str(derived.value) == str(raised.value), mode


def next_with_a_default_past_the_end(x, w):
    s = w
    g = (np.sin(v) * s for v in x[1:])
    a = next(g)
    s = s * 3.0                 # the next item reads s as it is then
    b = next(g)
    c = next(g, s * w)          # past the end: the default
    return a * b + c


def test_next_of_a_generator_expression_computes_each_item_when_asked():
    # f = 3 w**2 (sin(1)**2 + 1) at x = ones
    value, slope, curvature = 3 * W ** 2 * (np.sin(1) ** 2 + 1), 6 * W * (np.sin(1) ** 2 + 1), 6 * (np.sin(1) ** 2 + 1)
    f = next_with_a_default_past_the_end
    assert f(X, W) == pytest.approx(value, rel=1e-12)
    assert astgrad.grad(f, wrt=1)(X, W) == pytest.approx(slope, rel=1e-12)
    assert astgrad.jvp(f, (X, W), (np.zeros(3), 1.0))[1] == pytest.approx(slope, rel=1e-12)
    assert astgrad.hessian(f, wrt=1)(X, W) == pytest.approx(curvature, rel=1e-12)


def next_after_an_item_raised(x, w):
    xs = [x * w, x * 0.0, x * 2.0 * w]
    g = (1.0 / v if v != 0.0 else [][0] for v in xs)
    s = next(g)
    try:
        s = s + next(g)         # the item raises IndexError: Python's generator is finished
    except IndexError:
        s = s * 2.0
    return s + next(g, 5.0 * w)     # the default, not the third item


def test_a_generator_expression_whose_item_raised_is_finished():
    # f = 2 / (x w) + 5 w: the third item, 1 / (2 x w), is never computed (it was, before)
    x, w = 0.7, 1.3
    assert next_after_an_item_raised(x, w) == pytest.approx(2 / (x * w) + 5 * w, rel=1e-12)
    slope, curvature = -2 / (x * w ** 2) + 5, 4 / (x * w ** 3)
    assert astgrad.grad(next_after_an_item_raised, wrt=1)(x, w) == pytest.approx(slope, rel=1e-12)
    assert astgrad.jvp(next_after_an_item_raised, (x, w), (0.0, 1.0))[1] == pytest.approx(slope, rel=1e-12)
    assert astgrad.hessian(next_after_an_item_raised, wrt=1)(x, w) == pytest.approx(curvature, rel=1e-12)
