"""What the nineteenth hunt left: next() of a generator expression written in the call (the
first match, or a default), a generator expression held in a name inside a local helper, the
gradient of a match on list(x) called inside another differentiated function, a seed that is a
module constant under jacobian and hessian, starred unpacking inside a try, and the lines the
checkpoint= refusals name. Each against central finite differences in the modes it claims."""

import inspect

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from fd import assert_close, numerical_grad

X3 = np.array([0.3, -0.4, 0.9])
SEED = 7


def first_positive_or_a_default(x, w):
    return np.sin(next((v * w for v in x if v > 0), w * w)) + next((v * v for v in x if v < 0), 1.0) * w


def nothing_matches_so_the_default(x, w):
    return next((np.sin(v * w) for v in x if v > 5.0), w * np.sum(x)) * w


def two_conditions_and_a_pair(x, w):
    return next((a * b for a, b in zip(x, x[::-1] * w) if a < 0.5 if b > -1.0), w)


def generator_held_in_a_helper(x, w):
    def first_two(y):
        g = (np.tanh(t * w) for t in y)
        return next(g) * next(g) + next(g, w)

    return first_two(x) + first_two(x[::-1] * w)


def match_on_a_list_of_the_argument(x, w):
    match list(x):
        case [first, *rest]:
            return first * w + sum(rest) * w * w
        case _:
            return w


def starred_display_in_a_try(x, w):
    try:
        a, *rest, z = x[0] * w, x[1], np.sin(x[2] * w), w
        r = a * rest[0] + rest[1] * z
    except ValueError:
        r = w
    return r


FOLLOWED = [(first_positive_or_a_default, ("grad", "jvp", "hessian")),
            (nothing_matches_so_the_default, ("grad", "jvp", "hessian")),
            (two_conditions_and_a_pair, ("grad", "jvp")),
            (generator_held_in_a_helper, ("grad", "jvp", "hessian")),
            (match_on_a_list_of_the_argument, ("grad_inside_lambda", "grad_inside_def")),
            (starred_display_in_a_try, ("grad", "jvp", "hessian"))]


@pytest.mark.parametrize("f, mode", [(f, mode) for f, modes in FOLLOWED for mode in modes],
                         ids=lambda v: getattr(v, "__name__", v))
def test_followed_in_each_mode(f, mode):
    check(mode, f, (X3, 0.8), (0, 1))


def first_past_five(x, w):
    return next(v * w for v in x if v > 5.0)


def test_next_of_a_generator_expression_with_no_match_and_no_default_raises_stop_iteration():
    with pytest.raises(StopIteration):
        first_past_five(X3, 0.8)
    for transform in (lambda: astgrad.grad(first_past_five)(X3, 0.8),
                      lambda: astgrad.jvp(first_past_five, (X3, 0.8), (X3, 1.0))):
        with pytest.raises(StopIteration):
            transform()
    assert astgrad.grad(first_past_five, wrt=1)(X3 * 10.0, 0.8) == pytest.approx(9.0)   # the next call works


def first_of_two_fors(x, w):
    return next((v * u for v in x for u in x if u > v), w)


def test_next_of_a_generator_expression_with_two_fors_is_refused_saying_what_is_followed():
    with pytest.raises(astgrad.TransformError, match=r"test_hunt19_left\.py:\d+: astgrad cannot differentiate next\(\) "
                       r"of this generator expression: it follows next\(\(f\(v\) for v in items if c\(v\)\), default\) "
                       r"with one for .* Write the search as a for loop that assigns the item and breaks"):
        astgrad.grad(first_of_two_fors, wrt=1)(X3, 0.8)
    check("grad", nothing_matches_so_the_default, (X3, 0.8), (0, 1))       # the next transform works


def draws_from_a_module_constant_seed(x):
    rng = np.random.default_rng(SEED)
    return np.sin(x) * rng.normal(size=3) + np.sum(x ** 2) * rng.uniform()


def test_jacobian_and_hessian_accept_a_generator_seeded_by_a_module_constant():
    noise = np.random.default_rng(SEED).normal(size=3)
    jac = astgrad.jacobian(draws_from_a_module_constant_seed)(X3)
    want = np.stack([numerical_grad(lambda x, i=i: draws_from_a_module_constant_seed(x)[i], (X3,)) for i in range(3)])
    assert_close(jac, want, 1e-5, 1e-6)
    assert not np.allclose(noise, 0.0)
    summed = lambda x: np.sum(draws_from_a_module_constant_seed(x))       # noqa: E731
    hess = astgrad.hessian(summed)(X3)
    want = np.stack([numerical_grad(lambda x, i=i: astgrad.grad(summed)(x)[i], (X3,)) for i in range(3)])
    assert_close(hess, want, 1e-4, 1e-5)


def starred_name_in_a_try(x, w):
    xs = [x[0] * w, x[1], x[2] * w]
    try:
        a, *rest = xs
        r = a * rest[0]
    except ValueError:
        r = w
    return r


def test_starred_unpacking_of_a_name_in_a_try_is_refused_naming_it():
    with pytest.raises(astgrad.TransformError, match=r"test_hunt19_left\.py:\d+: astgrad cannot differentiate starred "
                       r"unpacking \(a, \*rest = xs\), which astgrad follows with a loop over the items, inside the "
                       r"body of a try with except; move it out of the try body") as refused:
        astgrad.grad(starred_name_in_a_try)(X3, 0.8)
    assert refused.value.lineno == _line_of(starred_name_in_a_try, "a, *rest = xs")
    check("grad", starred_display_in_a_try, (X3, 0.8), (0, 1))     # the next transform works


def list_in_a_checkpointed_loop(x, w):
    y = x * w
    for k in range(4):
        ys = list(y)
        y = np.array(ys) * w + np.sin(y)
    return np.sum(y)


def appends_in_a_checkpointed_loop(x, w):
    y = x * w
    acc = []
    for k in range(4):
        y = np.sin(y) * w
        acc.append(y)
    return np.sum(y) + np.sum(acc[0])


@pytest.mark.parametrize("f, line, said", [
    (list_in_a_checkpointed_loop, "ys = list(y)", r"calls \.append\(\) on a list astgrad builds for this line"),
    (appends_in_a_checkpointed_loop, "acc.append(y)", r"calls the method acc\.append\(\)")],
    ids=["a list astgrad builds", "the user's own append"])
def test_checkpoint_refusals_name_the_users_line(f, line, said):
    with pytest.raises(astgrad.TransformError, match=rf"test_hunt19_left\.py:\d+: checkpoint= cannot replay this "
                                                     rf"loop: it {said}, which may change its object") as refused:
        astgrad.grad(f, wrt=(0, 1), checkpoint=2)(X3, 0.8)
    assert refused.value.lineno == _line_of(f, line) and refused.value.line.strip() == line
    assert "items" not in refused.value.reason     # (the message without its path, which may hold any word)


def _line_of(f, text):
    lines, start = inspect.getsourcelines(f)
    return start + next(i for i, source in enumerate(lines) if source.strip() == text)
