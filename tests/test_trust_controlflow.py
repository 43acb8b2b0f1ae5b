"""Loops that rebind their own target or iterable, ``match``, containers of arrays as
loop items and as parameters, list ``+``/``*``: each checked against central finite
differences in reverse mode, forward mode and second order."""

import dataclasses

import numpy as np
import pytest

import astgrad
from fd import assert_close, flatten, is_leaf, numerical_hessian, unflatten

RNG = np.random.default_rng(20261201)


# -- a finite-difference oracle over nested lists, tuples and dicts -------------------

def scalar_of(out):
    return float(np.sum(flatten(out)))


def fd_grad(f, args, wrt, eps=1e-6):
    base = flatten(args[wrt])
    grad = np.zeros_like(base)
    for k in range(base.size):
        h = eps * max(1.0, abs(base[k]))
        values = []
        for sign in (1.0, -1.0):
            moved = base.copy()
            moved[k] += sign * h
            call = list(args)
            call[wrt] = unflatten(args[wrt], moved)
            values.append(scalar_of(f(*call)))
        grad[k] = (values[0] - values[1]) / (2 * h)
    return unflatten(args[wrt], grad)


def fd_directional(f, args, tangents, eps=1e-6):
    h = eps * max(1.0, max(float(np.max(np.abs(flatten(a)))) for a in args if flatten(a).size))
    values = []
    for sign in (1.0, -1.0):
        call = [unflatten(a, flatten(a) + sign * h * flatten(t)) for a, t in zip(args, tangents)]
        values.append(f(*call))
    return (flatten(values[0]) - flatten(values[1])) / (2 * h)


def random_like(x):
    """A random tangent of x's structure; None for constants (strings, None), 0.0 for ints."""
    if isinstance(x, (list, tuple)):
        return type(x)(random_like(item) for item in x)
    if isinstance(x, dict):
        return {key: random_like(value) for key, value in x.items()}
    if not is_leaf(x):
        return 0.0 if isinstance(x, int) else None
    return unflatten(x, RNG.normal(size=flatten(x).size))


def same_structure(actual, expected, path="gradient"):
    """A list gives a list of the same length, a tuple a list or tuple, a dict a dict
    with the same keys, recursively; arrays keep their shape."""
    if isinstance(expected, (list, tuple)):
        assert isinstance(actual, (list, tuple)), f"{path}: {type(actual).__name__}, expected a sequence"
        assert len(actual) == len(expected), f"{path}: length {len(actual)} != {len(expected)}"
        for k, (a, e) in enumerate(zip(actual, expected)):
            same_structure(a, e, f"{path}[{k}]")
    elif isinstance(expected, dict):
        assert isinstance(actual, dict) and set(actual) == set(expected), f"{path}: keys differ"
        for key in expected:
            same_structure(actual[key], expected[key], f"{path}[{key!r}]")
    else:
        assert np.shape(actual) == np.shape(expected), f"{path}: shape {np.shape(actual)} != {np.shape(expected)}"


def check_reverse(f, args, wrt=0):
    gradient = astgrad.grad(f, wrt)(*args)
    expected = fd_grad(f, args, wrt)
    same_structure(gradient, expected)
    assert_close(flatten(gradient), flatten(expected), rtol=1e-5, atol=1e-6)
    return gradient


def check_forward(f, args):
    tangents = tuple(random_like(a) for a in args)
    _, tangent = astgrad.jvp(f, args, tangents)
    assert_close(flatten(tangent), fd_directional(f, args, tangents), rtol=1e-5, atol=1e-6)


def check_second_order(f, args, wrt):
    """The Hessian w.r.t. a float or array argument equals finite differences of the
    (already checked) gradient; for a float, grad of grad is checked too."""
    x = args[wrt]
    hessian = np.asarray(astgrad.hessian(f, wrt)(*args))
    expected = numerical_hessian(astgrad.grad(f, wrt), args, wrt)
    assert_close(hessian.reshape(expected.shape), expected, rtol=1e-4, atol=1e-5)
    if isinstance(x, float):
        second = astgrad.grad(astgrad.grad(f, wrt), wrt)(*args)
        assert_close(float(second), float(expected[0, 0]), rtol=1e-4, atol=1e-5)


def check_all(f, args, wrt=0, second=None):
    """Reverse and forward against finite differences; second order w.r.t. ``second``
    (an argument index holding a float or an array)."""
    check_reverse(f, args, wrt)
    check_forward(f, args)
    if second is not None:
        check_second_order(f, args, second)


# -- 1. the loop body rebinds the loop target ---------------------------------------------

def range_target_rebound(x):
    s = 0.0
    for i in range(1, 4):
        i = i * 2
        s = s + x ** i
    return s


def range_target_augmented(x):
    s = 0.0
    for i in range(3):
        i += 1
        s = s + np.sin(x * i)
    return s


def reversed_range_target_rebound(x):
    s = 0.0
    for i in reversed(range(4)):
        s = s + x ** i
        i = i - 1
        s = s * x + i
    return s


def row_target_rebound(X):
    s = 0.0
    for row in X:
        row = row * 2.0
        s = s + np.sum(np.sin(row))
    return s


def row_target_rebound_from_itself(X, w):
    s = 0.0
    for row in X:
        row = np.tanh(row * w)
        row = row * row
        s = s + np.sum(row)
    return s


def tuple_target_rebound(X, w):
    s = 0.0
    for a, b in X:
        a = a * w
        b = np.cos(b + a)
        s = s + a * b
    return s


def list_item_rebound_with_branch(x):
    s = 0.0
    for v in [x, x * 2.0, x * x]:
        if v > 1.0:
            v = v * 3.0
        s = s + v * v
    return s


def enumerate_both_rebound(x):
    s = 0.0
    for k, v in enumerate([x, 2.0 * x, np.sin(x)]):
        k = k + 1
        v = v * k
        s = s + v * x
    return s


def zip_targets_rebound(xs, ys):
    s = 0.0
    for a, b in zip(xs, ys):
        a = a * b
        b = a + b
        s = s + a * b
    return s


def nested_rebound(x):
    s = 0.0
    for i in range(3):
        for j in range(i + 1):
            j = j + i
            s = s + x ** j
        i = i * 2
        s = s * x + i
    return s


def inner_loop_reuses_outer_target(x):
    s = 0.0
    for i in range(3):
        for i in range(2):
            s = s + x * i
        s = s + np.sin(x + i)
    return s


def rebound_then_break(x):
    s = 0.0
    for i in range(6):
        i = i * 2
        if i > 6:
            break
        s = s + x ** i
    return s


def rebound_then_continue(X):
    s = 0.0
    for row in X:
        row = row * 1.5
        if np.sum(row) < 0.0:
            continue
        s = s + np.sum(row * row)
    return s


def while_counter_rebound(x):
    s = 0.0
    i = 1
    while i < 20:
        s = s + x ** i
        i = i * 3
        i = i - 1
    return s


def while_float_counter_rebound(x):
    t = 0.5
    s = 0.0
    while t < 3.0:
        t = t * 2.0
        s = s + np.sin(x * t)
        t = t - 0.25
    return s


def target_read_after_loop(x):
    s = 0.0
    for v in [x, x * 2.0]:
        v = v * v
        s = s + v
    return s * v


def target_used_as_range_bound(n, x):
    s = 0.0
    for n in range(n):
        s = s + x ** n
    return s


REBINDING_TARGET = [
    (range_target_rebound, (0.7,), 0, 0),
    (range_target_augmented, (0.7,), 0, 0),
    (reversed_range_target_rebound, (0.7,), 0, 0),
    (row_target_rebound, (RNG.normal(size=(3, 2)),), 0, 0),
    (row_target_rebound_from_itself, (RNG.normal(size=(3, 2)), 0.8), 0, 1),
    (tuple_target_rebound, (RNG.normal(size=(3, 2)), 0.8), 0, 1),
    (list_item_rebound_with_branch, (0.7,), 0, 0),
    (enumerate_both_rebound, (0.7,), 0, 0),
    (zip_targets_rebound, (RNG.normal(size=3), RNG.normal(size=4)), 0, 1),
    (nested_rebound, (0.7,), 0, 0),
    (inner_loop_reuses_outer_target, (0.7,), 0, 0),
    (rebound_then_break, (0.7,), 0, 0),
    (rebound_then_continue, (RNG.normal(size=(5, 2)),), 0, 0),
    (while_counter_rebound, (0.9,), 0, 0),
    (while_float_counter_rebound, (0.7,), 0, 0),
    (target_read_after_loop, (0.7,), 0, 0),
    (target_used_as_range_bound, (4, 0.7), 1, 1),
]


@pytest.mark.parametrize("f, args, wrt, second", REBINDING_TARGET, ids=lambda v: getattr(v, "__name__", ""))
def test_loop_target_rebound_in_body(f, args, wrt, second):
    check_all(f, args, wrt, second)


# -- 2. the loop target shadows, or the body rebinds, the iterable ----------------------

def target_is_iterable(x):
    for x in x:
        pass
    return x


def target_is_iterable_with_work(x):
    s = 0.0
    for x in x:
        s = s + np.sin(x) * x
    return s + x


def iterable_rebound_in_body(xs):
    s = 0.0
    for x in xs:
        xs = xs * 2.0
        s = s + x * np.sum(xs)
    return s


def iterable_rebound_to_other_length(xs):
    s = 0.0
    for x in xs:
        xs = xs[1:]
        s = s + x * np.sum(xs)
    return s


def enumerate_iterable_rebound(xs):
    s = 0.0
    for k, x in enumerate(xs):
        s = s + k * x * np.sum(xs)
        xs = xs + x
    return s


def zip_iterable_rebound(xs, ys):
    s = 0.0
    for a, b in zip(xs, ys):
        s = s + a * b
        xs = ys * 2.0
        ys = xs + a
    return s


def list_iterable_rebound(x):
    xs = [x, x * 2.0, x * 3.0]
    s = 0.0
    for v in xs:
        xs = [v * v, v]
        s = s + v * xs[0]
    return s


def nested_target_shadows_outer_iterable(X):
    s = 0.0
    for row in X:
        for row in row:
            s = s + row * row
    return s + row


SHADOWED_ITERABLE = [
    (target_is_iterable, (RNG.normal(size=3),), 0, 0),
    (target_is_iterable_with_work, (RNG.normal(size=3),), 0, 0),
    (iterable_rebound_in_body, (RNG.normal(size=3),), 0, 0),
    (iterable_rebound_to_other_length, (RNG.normal(size=4),), 0, 0),
    (enumerate_iterable_rebound, (RNG.normal(size=3),), 0, 0),
    (zip_iterable_rebound, (RNG.normal(size=3), RNG.normal(size=3)), 0, 1),
    (list_iterable_rebound, (0.7,), 0, 0),
    (nested_target_shadows_outer_iterable, (RNG.normal(size=(2, 3)),), 0, 0),
]


@pytest.mark.parametrize("f, args, wrt, second", SHADOWED_ITERABLE, ids=lambda v: getattr(v, "__name__", ""))
def test_loop_iterates_the_original_iterable(f, args, wrt, second):
    check_all(f, args, wrt, second)


# -- 3. match statements become if/elif ---------------------------------------------------

def match_literal_returns(x):
    match 1:
        case 1:
            return x * 2.0
    return x


def match_on_int(x, n):
    match n:
        case 0:
            y = x * x
        case 1 | 2:
            y = np.sin(x)
        case k if k > 5:
            return x * k
        case _:
            y = x
    return y * x


def match_sequence_and_mapping(p, x):
    match p:
        case [a, b]:
            return a * b * x
        case [a, *_, b] if a > b:
            return (a - b) * x
        case [a, *_]:
            return a * a * x
        case {"w": w, "b": b}:
            return w * np.sin(b) * x
        case float(v):
            return v * v * x
    return x


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


def match_class_keywords(x, p):
    match p:
        case Point(x=0.0, y=c):
            return x * c
        case Point(y=c) if c > 1.0:
            return x * x * c
        case None:
            return -x
    return x * 3.0


def match_in_loop_with_break(x, codes):
    s = 0.0
    for code in codes:
        match code:
            case "stop":
                break
            case "skip":
                continue
            case "square":
                s = s + x * x
            case _:
                s = s * x + 1.0
    return s


def match_subject_rebound_by_capture(x, n):
    match n:
        case [n, m] if n > m:
            return x * n
        case [a, b]:
            return x * (a + b)
    return x


def match_on_active_value(x):
    match x > 0.5:
        case True:
            y = x * x
        case False:
            y = np.exp(x)
    return y


MATCHES = [
    (match_literal_returns, (0.7,), 0, 0),
    (match_on_int, (0.7, 0), 0, 0),
    (match_on_int, (0.7, 2), 0, 0),
    (match_on_int, (0.7, 7), 0, 0),
    (match_on_int, (0.7, 4), 0, 0),
    (match_sequence_and_mapping, ([0.3, 0.5], 0.9), 0, 1),
    (match_sequence_and_mapping, ((0.8, 0.2, 0.5), 0.9), 0, 1),
    (match_sequence_and_mapping, ([0.1, 0.2, 0.5], 0.9), 0, 1),
    (match_sequence_and_mapping, ({"w": 0.3, "b": 0.5}, 0.9), 0, 1),
    (match_sequence_and_mapping, (0.7, 0.9), 0, 1),
    (match_sequence_and_mapping, (np.array([0.3, 0.5]), 0.9), 1, 1),
    (match_subject_rebound_by_capture, (0.7, [0.2, 0.5]), 0, 0),
    (match_subject_rebound_by_capture, (0.7, [0.9, 0.5]), 0, 0),
    (match_on_active_value, (0.7,), 0, 0),
    (match_on_active_value, (0.3,), 0, 0),
]


@pytest.mark.parametrize("f, args, wrt, second", MATCHES, ids=lambda v: getattr(v, "__name__", ""))
def test_match_lowered_to_branches(f, args, wrt, second):
    check_all(f, args, wrt, second)


@pytest.mark.parametrize("p", [Point(0.0, 0.4), Point(2.0, 1.5), Point(2.0, 0.5), None, 3])
def test_match_class_patterns(p):
    for x in (0.7, 1.3):
        expected = fd_grad(lambda x: match_class_keywords(x, p), (x,), 0)
        assert_close(astgrad.grad(match_class_keywords)(x, p), expected)
        _, tangent = astgrad.jvp(match_class_keywords, (x, p), (1.0, None))
        assert_close(tangent, expected)
        second = astgrad.grad(astgrad.grad(match_class_keywords))(x, p)
        assert_close(second, fd_grad(lambda x: astgrad.grad(match_class_keywords)(x, p), (x,), 0), rtol=1e-4)


@pytest.mark.parametrize("codes", [["square", "other", "square"], ["square", "skip", "square", "stop", "square"],
                                   ["stop", "square"], []])
def test_match_in_a_loop_with_break_and_continue(codes):
    check_all(match_in_loop_with_break, (0.7, codes), 0, None)
    second = astgrad.grad(astgrad.grad(match_in_loop_with_break))(0.7, codes)
    assert_close(second, fd_grad(lambda x: astgrad.grad(match_in_loop_with_break)(x, codes), (0.7,), 0),
                 rtol=1e-4)


def match_named_star(xs):
    match xs:
        case [a, *rest]:
            return a
    return 0.0


def match_mapping_rest(d):
    match d:
        case {"a": a, **rest}:
            return a
    return 0.0


def match_capture_in_or(xs):
    match xs:
        case [a] | [a, _]:
            return a
    return 0.0


def match_positional_user_class(p):
    match p:
        case Point(a, b):
            return a * b
    return 0.0


def test_match_starred_capture_binds_a_list_of_the_items_between():
    """case [a, *rest]: rest is a new list of the items after a, as in Python."""
    def f(xs):
        match xs:
            case [a, *rest, b]:
                return a * sum(rest) * b + len(rest)
        return 0.0
    assert_close(astgrad.grad(match_named_star)([0.5, 0.25]), [1.0, 0.0])
    assert_close(astgrad.grad(f)([0.5, 0.25, -1.0, 2.0]), [2 * -0.75, 1.0, 1.0, 0.5 * -0.75])
    _, t = astgrad.jvp(f, ([0.5, 0.25, 2.0],), ([1.0, 0.0, 0.0],))
    assert_close(t, 0.5)


def test_match_capture_in_alternatives_binds_from_the_one_that_matched():
    """case [a] | [a, _]: a is bound by the first alternative that matches."""
    assert_close(astgrad.grad(match_capture_in_or)([0.5, 0.25]), [1.0, 0.0])
    assert_close(astgrad.grad(match_capture_in_or)([0.5]), [1.0])
    _, t = astgrad.jvp(match_capture_in_or, ([0.5, 0.25],), ([2.0, 1.0],))
    assert_close(t, 2.0)


def test_match_mapping_rest_and_positional_sub_patterns_of_a_dataclass():
    """case {"a": a, **rest}: rest is a new dict of the other items; Pair(a, b) matches the
    attributes the class's __match_args__ names."""
    @dataclasses.dataclass
    class Pair:
        u: float
        v: float

    def f(x):
        match {"a": x, "b": 2.0 * x}:
            case {"a": a, **rest}:
                t = a * rest["b"] + len(rest)
        match Pair(x, 3.0):
            case Pair(u, v):
                t = t + u * v
        return t
    assert_close(f(0.5), 0.5 * 1.0 + 1 + 1.5)
    assert_close(astgrad.grad(f)(0.5), 4.0 * 0.5 + 3.0)
    assert_close(astgrad.jvp(f, (0.5,), (1.0,))[1], 4.0 * 0.5 + 3.0)
    assert_close(astgrad.grad(match_mapping_rest)({"a": 0.5, "b": 1.0}), {"a": 1.0, "b": 0.0})


@pytest.mark.parametrize("f, construct", [
    (match_positional_user_class, "class pattern with positional sub-patterns"),
])
def test_match_patterns_that_cannot_be_lowered_are_refused(f, construct):
    for make in (lambda: astgrad.grad(f), lambda: astgrad.jvp(f, ([0.5, 0.25],), ([1.0, 1.0],))):
        with pytest.raises(astgrad.TransformError) as info:
            make()
        message = str(info.value)
        assert construct in message
        assert "test_trust_controlflow.py:" in message
        line = f.__code__.co_firstlineno + 2
        assert f"test_trust_controlflow.py:{line}" in message


# -- 4. containers of arrays as loop items and parameters: structural accumulation -------

def mlp(params, h):
    for W, b in params:
        h = np.tanh(h @ W + b)
    return np.sum(h * h)


def mlp_indexing_pairs(params, h):
    for layer in params:
        h = np.tanh(h @ layer[0] + layer[1])
    return np.sum(h)


def mlp_zip(Ws, bs, h):
    for W, b in zip(Ws, bs):
        h = np.sin(h @ W + b)
    return np.sum(h)


def mlp_dict_layers(layers, h):
    for layer in layers:
        h = np.tanh(h @ layer["W"] + layer["b"])
    return np.sum(h)


def params_used_by_two_loops(params, h):
    s = 0.0
    for W, b in params:
        s = s + np.sum(W * W) + np.sum(b)
    for W, b in params:
        h = np.tanh(h @ W + b)
    return s + np.sum(h)


def enumerate_pairs_with_rebinding(params, h):
    for k, (W, b) in enumerate(params):
        W = W * (k + 1.0)
        h = np.tanh(h @ W + b)
    return np.sum(h)


def pairs_with_break_and_continue(params, h):
    for W, b in params:
        if np.sum(b) > 10.0:
            continue
        h = np.tanh(h @ W + b)
        if np.sum(h) > 100.0:
            break
    return np.sum(h)


def dict_of_arrays_loop(d, x):
    s = 0.0
    for key in d:
        s = s + np.sum(d[key] * x) ** 2
    return s


def loop_returns_tuple_state(params, h):
    state = (h, 0.0)
    for W, b in params:
        a, total = state
        a = np.tanh(a @ W + b)
        state = (a, total + np.sum(a))
    return state[1]


def while_over_list_pops(xs, w):
    stack = []
    for x in xs:
        stack.append(x * w)
    s = 0.0
    while len(stack) > 0:
        v = stack.pop()
        s = s * 0.5 + np.sum(v * v)
    return s


def while_over_comprehension_pops(xs, w):
    stack = [x * w for x in xs]
    s = 0.0
    while stack:
        v = stack.pop()
        s = s * 0.5 + np.sum(v * v)
    return s


def while_on_a_flag(x):
    going = True
    s = x
    while going:
        s = s * (1.0 + 0.5 * np.cos(s)) + x        # grows every pass, so the loop ends
        going = s < 2.0
    return s


def nested_list_parameter(blocks, x):
    s = 0.0
    for block in blocks:
        for piece in block:
            s = s + np.sum(np.sin(piece * x))
    return s


def layer_returning_tuple(h, W):
    a = np.tanh(h @ W)
    return a, np.sum(a * a)


def callee_returns_tuple_in_loop(Ws, h):
    total = 0.0
    for W in Ws:
        h, s = layer_returning_tuple(h, W)
        total = total + s
    return total


def tuples_appended_before_break(xs, w):
    pairs = []
    for k, x in enumerate(xs):
        x = x * w
        if k == 2:
            break
        pairs.append((x, x * x))
    s = 0.0
    for a, b in pairs:
        s = s + np.sum(a * b)
    return s


def _layers(shapes):
    return [(RNG.normal(size=(m, n)) * 0.7, RNG.normal(size=n) * 0.3) for m, n in shapes]


CONTAINER_LOOPS = [
    (mlp, (_layers([(3, 3), (3, 2)]), RNG.normal(size=(2, 3))), 0, 1),
    (mlp, (tuple(_layers([(2, 2), (2, 2), (2, 1)])), RNG.normal(size=2)), 0, 1),
    (mlp, ([list(p) for p in _layers([(2, 3), (3, 2)])], RNG.normal(size=2)), 0, 1),
    (mlp_indexing_pairs, (_layers([(3, 2), (2, 2)]), RNG.normal(size=3)), 0, 1),
    (mlp_zip, ([RNG.normal(size=(2, 2)) for _ in range(3)], [RNG.normal(size=2) for _ in range(3)],
               RNG.normal(size=2)), 0, 2),
    (mlp_zip, ([RNG.normal(size=(2, 2)) for _ in range(3)], [RNG.normal(size=2) for _ in range(3)],
               RNG.normal(size=2)), 1, 2),
    (mlp_dict_layers, ([{"W": RNG.normal(size=(2, 2)), "b": RNG.normal(size=2)} for _ in range(2)],
                       RNG.normal(size=2)), 0, 1),
    (params_used_by_two_loops, (_layers([(2, 2), (2, 2)]), RNG.normal(size=2)), 0, 1),
    (enumerate_pairs_with_rebinding, (_layers([(2, 2), (2, 2)]), RNG.normal(size=2)), 0, 1),
    (pairs_with_break_and_continue, (_layers([(2, 2), (2, 2), (2, 2)]), RNG.normal(size=2)), 0, 1),
    (dict_of_arrays_loop, ({"a": RNG.normal(size=2), "b": RNG.normal(size=(2, 2)), "c": 0.4}, 0.8), 0, 1),
    (loop_returns_tuple_state, (_layers([(2, 2), (2, 2)]), RNG.normal(size=2)), 0, 1),
    (while_over_list_pops, ([RNG.normal(size=2) for _ in range(3)], 0.8), 0, 1),
    (while_over_comprehension_pops, ([RNG.normal(size=2) for _ in range(3)], 0.8), 0, None),
    (while_over_comprehension_pops, ([RNG.normal(size=2) for _ in range(3)], 0.8), 1, 1),
    (while_on_a_flag, (0.6,), 0, 0),
    (callee_returns_tuple_in_loop, ([RNG.normal(size=(2, 2)) for _ in range(3)], RNG.normal(size=2)), 0, 1),
    (tuples_appended_before_break, ([RNG.normal(size=2) for _ in range(4)], 0.7), 0, 1),
    (nested_list_parameter, ([[RNG.normal(size=2), 0.3], [RNG.normal(size=(2, 2))], []], 0.8), 0, 1),
]


@pytest.mark.parametrize("f, args, wrt, second", CONTAINER_LOOPS, ids=lambda v: getattr(v, "__name__", ""))
def test_container_loops(f, args, wrt, second):
    check_all(f, args, wrt, second)


def test_mlp_gradient_has_one_entry_per_layer():
    params = _layers([(3, 4), (4, 4), (4, 1)])
    gradient = astgrad.grad(mlp)(params, RNG.normal(size=(5, 3)))
    assert len(gradient) == 3
    for (gW, gb), (W, b) in zip(gradient, params):
        assert np.shape(gW) == W.shape and np.shape(gb) == b.shape


def test_list_derivatives_add_element_by_element():
    from astgrad.runtime import AdjointList, add_derivatives
    total = AdjointList([1.0, np.ones(2)])
    total += [2.0, np.ones(2)]
    assert len(total) == 2 and total[0] == 3.0
    nested = add_derivatives([(1.0, 2.0), {"a": 1.0}], AdjointList([[1.0, 1.0], {"a": 2.0, "b": 1.0}]))
    assert len(nested) == 2 and list(nested[0]) == [2.0, 3.0] and dict(nested[1]) == {"a": 3.0, "b": 1.0}


# -- 5. dicts written in place, to second order ----------------------------------------------

def dict_built_locally(x, y):
    d = {"a": x, "b": y}
    d["c"] = d["a"] * d["b"]
    return d["c"] * d["a"]


def dict_of_arrays_built_locally(x):
    d = {"a": x, "b": np.sin(x)}
    d["c"] = d["a"] + d["b"]
    d["a"] = d["c"] * d["b"]
    return np.sum(d["c"] * d["a"])


def dict_copied_from_argument(d):
    e = {"a": d["a"], "b": d["b"]}
    e["c"] = e["a"] + e["b"]
    return e["c"] * e["a"]


def calls_dict_helper(x):
    return dict_copied_from_argument({"a": x, "b": x * 2.0})


def dict_keys_added_in_loop(x):
    d = {"k0": x}
    for i in range(1, 4):
        d["k" + str(i)] = d["k" + str(i - 1)] * x + 0.5
    return d["k3"] * d["k1"]


def dict_new_key_in_one_branch(x):
    d = {"a": x}
    if x > 0.5:
        d["b"] = d["a"] * d["a"]
    else:
        d["a"] = np.sin(d["a"])
    s = 0.0
    for key in d:
        s = s + d[key] * x
    return s


def loop_over_dict_with_float_keys(x):
    d = {0.5: x, 1.5: x * x}
    s = 0.0
    for key in d:
        s = s + key * d[key] + key * x
    return s


DICTS = [
    (dict_built_locally, (0.7, 0.4), 0, 0),
    (dict_built_locally, (0.7, 0.4), 1, 1),
    (dict_of_arrays_built_locally, (RNG.normal(size=3),), 0, 0),
    (dict_copied_from_argument, ({"a": 0.7, "b": 0.4},), 0, None),
    (calls_dict_helper, (0.7,), 0, 0),
    (dict_keys_added_in_loop, (0.7,), 0, 0),
    (dict_new_key_in_one_branch, (0.7,), 0, 0),
    (dict_new_key_in_one_branch, (0.3,), 0, 0),
    (loop_over_dict_with_float_keys, (0.7,), 0, 0),
]


@pytest.mark.parametrize("f, args, wrt, second", DICTS, ids=lambda v: getattr(v, "__name__", ""))
def test_dicts_to_second_order(f, args, wrt, second):
    check_all(f, args, wrt, second)


def test_dict_written_twice_third_order():
    third = astgrad.grad(astgrad.grad(astgrad.grad(dict_built_locally)))(0.7, 0.4)
    assert_close(third, 0.0, atol=1e-9)          # x**2 * y: the third x-derivative is 0
    third_mixed = astgrad.grad(astgrad.grad(astgrad.grad(dict_built_locally)), 1)(0.7, 0.4)
    assert_close(third_mixed, 2.0)


def dict_argument_written(d):
    d["c"] = d["a"] + d["b"]
    return d["c"] * d["a"]


def test_writing_into_a_dict_argument_works_on_a_copy():
    # the derivative writes into a copy of the argument: the caller's dict is unchanged
    d = {"a": 0.7, "b": 0.4}
    assert_close(astgrad.grad(dict_argument_written)(d), {"a": 2 * 0.7 + 0.4, "b": 0.7})
    assert_close(astgrad.jvp(dict_argument_written, (d,), ({"a": 1.0, "b": 0.0},))[1], 2 * 0.7 + 0.4)
    assert d == {"a": 0.7, "b": 0.4}
