"""Shapes followed through the code in the order it runs (analysis/shape_flow.py).

A name assigned several times has no one shape class, but where it is read its value
has the shape of the value last assigned to it: ``a = a + b`` (with ``b = a * x``) has
the shape of ``a * x`` there, and after ``a = a_saved`` the derivative of ``b`` made from
the same values needs no sum back to ``b``'s shape. The general gradient of a function
whose first value ``x * y`` may repeat a list (its arguments may be lists) then sums
back only where shapes really may differ. Gradients and second derivatives stay right
for every broadcast of the arguments, for lists, in both arms of a branch, and where a
loop changes a value's shape from one step to the next."""

import numpy as np
import pytest

import astgrad
from astgrad import caching
from fd import assert_close, numerical_grad, numerical_jvp
from programs import CASES, float_positions


def branchy(x, y):
    a = x * y                   # a list repeated where x is a list and y an int
    if np.sum(a) > 0.0:
        a = np.sin(a) * y
    else:
        a = a * 0.5 + x
    b = a * x
    a = a + b * 0.1
    return np.sum(a)


def arms_of_two_shapes(x, y, c):
    a = x * 1.0
    if c > 0:
        a = a * y               # the shape of x * y
    else:
        a = np.cos(a) + 0.5     # the shape of x
    b = a * x
    a = a + b
    return np.sum(a * a)


def grows_in_loop(x, y):
    a = np.sin(x)
    for k in range(3):
        if k == 1:
            a = a * y           # x's shape in the first step, x * y's after
        t = np.cos(a) * 0.5
        a = a + t
    return np.sum(a * x)


def pushed_and_popped(x, y):
    a = x * y
    for k in range(3):
        a = np.tanh(a) * 0.5 + x
    return np.sum(a)


_GRADIENTS = {fn: caching.generate_reverse(fn, (0,), False) for fn in (branchy, arms_of_two_shapes, grows_in_loop,
                                                                       pushed_and_popped)}
_SECONDS = {fn: caching.generate_reverse(gradient, (0,), False) for fn, gradient in _GRADIENTS.items()}
SHAPES = [((3, 1), (4,)), ((3,), ()), ((), (2, 3)), ((2, 3), (2, 3))]


def _arguments(rng, *shapes):
    return tuple(float(rng.normal()) if shape == () else rng.normal(size=shape) for shape in shapes)


def test_sums_back_only_where_shapes_may_differ():
    source = _GRADIENTS[branchy].source
    # every value after a = x * y has its shape (x * y, or the list it repeats): only the
    # derivatives of x are summed back, to x's shape
    assert "d_b = d_a * 0.1" in source and "d_a = d_a * 0.5" in source, source
    assert source.count("unbroadcast(") == source.count(", x)") == 3, source


@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("fn", [branchy, grows_in_loop, pushed_and_popped])
def test_gradients_and_second_order_agree_with_finite_differences(fn, shapes):
    args = _arguments(np.random.default_rng(17), *shapes)
    if fn is branchy:
        args = (args[0] + 3.0, args[1] + 3.0) if shapes != ((3,), ()) else args
    gradient, second = _GRADIENTS[fn], _SECONDS[fn]
    assert_close(gradient(*args), numerical_grad(fn, args), rtol=1e-5, atol=1e-6)
    row_sums = numerical_grad(lambda *a: np.sum(gradient(*a)), args)
    assert_close(second(*args), row_sums, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("c", [1.0, -1.0])
def test_both_arms(shapes, c):
    x, y = _arguments(np.random.default_rng(23), *shapes)
    gradient, second = _GRADIENTS[arms_of_two_shapes], _SECONDS[arms_of_two_shapes]
    assert_close(gradient(x, y, c), numerical_grad(arms_of_two_shapes, (x, y, c)), rtol=1e-5, atol=1e-6)
    row_sums = numerical_grad(lambda *a: np.sum(gradient(*a)), (x, y, c))
    assert_close(second(x, y, c), row_sums, rtol=1e-4, atol=1e-5)


def repeated_in_both_arms(x, n):
    a = x * n                   # a list repeated where x is a list and n an int
    if np.sum(a) > 0.0:
        a = np.sin(a) * 2.0
    else:
        a = np.cos(a) * 3.0
    b = a * 0.5
    a = a + b * a
    return np.sum(a * a)


@pytest.mark.parametrize("x, n", [([0.3, 0.5], 3), ([-0.4, -0.2, -0.1], 2), (np.array([0.2, -0.6]), 2)])
def test_a_list_repeated_in_both_arms(x, n):
    # both arms keep the shape of x * n, whatever it is: only the sum back to x remains
    source = caching.generate_reverse(repeated_in_both_arms, (0,), False).source
    assert source.count("unbroadcast(") == 1, source
    expected = numerical_grad(lambda v: repeated_in_both_arms(list(v) if isinstance(x, list) else v, n),
                              (np.array(x),))
    assert_close(np.asarray(astgrad.grad(repeated_in_both_arms)(x, n)), expected, rtol=1e-5, atol=1e-6)


def parameter_assigned_in_one_arm(x, y, c):
    if c > 0:
        x = x * y               # on the other way x is still the argument
    t = np.sin(x) * 0.5
    return np.sum(t * y)


@pytest.mark.parametrize("shapes", [((3, 1), (4,)), ((3,), ())])
@pytest.mark.parametrize("c", [1.0, -1.0])
def test_a_parameter_assigned_in_one_arm(shapes, c):
    x, y = _arguments(np.random.default_rng(29), *shapes)
    for wrt in (0, 1):
        expected = numerical_grad(parameter_assigned_in_one_arm, (x, y, c), wrt=wrt)
        gradient = caching.generate_reverse(parameter_assigned_in_one_arm, (wrt,), False)
        assert_close(gradient(x, y, c), expected, rtol=1e-5, atol=1e-6)


def repeated_and_broadcast(x, n):
    a = x * n                   # a list repeated where x is a list and n an int
    if np.sum(a) > 0.0:
        a = np.sin(a) * n
    else:
        a = np.cos(a) + x
    c = a * n + x               # the shape of x * n, whichever it is
    return np.sum(c * a)


_REPEATED = caching.generate_reverse(repeated_and_broadcast, (0,), False)


def repeated_times_n(x, n):
    a = x * n
    if np.sum(a) > 0.0:
        a = np.sin(a) * n
    else:
        a = np.cos(a) * 2.0
    c = a * n
    return np.sum(c * a)


def test_a_product_that_may_repeat_a_list_has_its_own_shape():
    # c, a * n and the arms' values all have the shape of x * n: only the sums back to
    # x's shape (from a = x * n, from + x in the else arm and in c) remain
    assert _REPEATED.source.count("unbroadcast(") == _REPEATED.source.count(", x)") == 3, _REPEATED.source
    assert "d_x = unbroadcast(d_c, x)" in _REPEATED.source, _REPEATED.source


@pytest.mark.parametrize("x, n", [([0.3], 3), ([-0.3], 3), ([0.2, 0.4, -0.1], 2), ([-0.5, 0.1], 1)])
def test_a_repeated_list(x, n):
    source = caching.generate_reverse(repeated_times_n, (0,), False).source
    assert source.count("unbroadcast(") == 1, source
    expected = numerical_grad(lambda v: repeated_times_n(list(v), n), (np.array(x),))
    assert_close(np.asarray(astgrad.grad(repeated_times_n)(x, n)), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shapes", SHAPES + [((3,), (2, 1))])
def test_a_product_of_arrays_that_may_have_repeated_a_list(shapes):
    args = _arguments(np.random.default_rng(31), *shapes)
    for wrt in (0, 1):
        expected = numerical_grad(repeated_and_broadcast, args, wrt=wrt)
        gradient = _REPEATED if wrt == 0 else caching.generate_reverse(repeated_and_broadcast, (1,), False)
        assert_close(gradient(*args), expected, rtol=1e-5, atol=1e-6)
    second = caching.generate_reverse(_REPEATED, (0,), False)
    row_sums = numerical_grad(lambda *a: np.sum(_REPEATED(*a)), args)
    assert_close(second(*args), row_sums, rtol=1e-4, atol=1e-5)


def same_flag_twice(x, y):
    c = np.sum(x) > 0.0
    if c:
        a = x * y
    else:
        a = np.sin(x) * 2.0
    b = np.cos(a) * 2.0         # the shape of x * y, or of x, as the arm taken
    if c:                       # the same arm again: b has the shape of x * y
        d = b * y
    else:
        d = b + y               # here it may grow
    return np.sum(d * a)


_FLAG = caching.generate_reverse(same_flag_twice, (0,), False)


def test_an_if_on_the_same_flag_takes_the_same_arm():
    # the first arm of the second if sums nothing back: b * y has b's shape there
    assert "unbroadcast(d_d * y, b)" not in _FLAG.source and "unbroadcast(d_d, b)" in _FLAG.source, _FLAG.source


@pytest.mark.parametrize("shapes", SHAPES + [((3,), (2, 1))])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_an_if_on_the_same_flag(shapes, sign):
    x, y = _arguments(np.random.default_rng(37), *shapes)
    x = np.abs(x) * sign + 0.1 * sign
    for wrt in (0, 1):
        gradient = _FLAG if wrt == 0 else caching.generate_reverse(same_flag_twice, (1,), False)
        assert_close(gradient(x, y), numerical_grad(same_flag_twice, (x, y), wrt=wrt), rtol=1e-5, atol=1e-6)
    second = caching.generate_reverse(_FLAG, (0,), False)
    assert_close(second(x, y), numerical_grad(lambda *a: np.sum(_FLAG(*a)), (x, y)), rtol=1e-4, atol=1e-5)


def test_the_names_stored_in_a_nest_are_stored_names_of_it():
    # an if or a loop keeps the names stored in it, made from those of its statements
    # (stored_names of each whole if of a nest made nested ifs quadratic in their depth)
    import gast
    from astgrad.analysis import shape_flow
    from astgrad.core import syntax as S
    body = S.parse_stmts("""
a = x * y
if c:
    b = a
    for i in range(3):
        t = b * i
        if t > 0:
            u = t
        else:
            v, w = t, t
    else:
        z = 1.0
else:
    while k < 3:
        k = k + 1
        if (m := k) > 1:
            n = m
""")
    follow = shape_flow._Walk(None, None, None, None)
    for stmt in S.walk_statements(body):
        expected = S.stored_names(gast.Module(body=[stmt], type_ignores=[]))
        assert follow._stored_in([stmt]) == expected, gast.dump(stmt)
    assert follow._stored_in(body) == set("abituvwzkmn")
    outer_if = body[1]
    assert follow._stored_in(outer_if.body) | follow._stored_in(outer_if.orelse) == set("bituvwzkmn")


def test_code_the_walk_cannot_follow_is_walked_no_further(monkeypatch):
    # a call of a function of no rule may change a value's shape: from there no token
    # holds, so the statements after it are not walked (a forward-mode derivative of a
    # gradient failed so at its third statement, and its thousands after were walked)
    from astgrad.analysis import shape_flow, shapes
    from astgrad.core import syntax as S
    body = S.parse_stmts("t = helper(x)\na = x * y\nb = unbroadcast(a * x, a)\n")
    _, uses = shapes._calls_by_target(body)
    classes = shapes.ShapeClasses(body, ["x", "y"], {}, (), None, uses)
    walked, original = [], shape_flow._Walk._set
    monkeypatch.setattr(shape_flow._Walk, "_set", lambda self, name, *rest: (walked.append(name),
                                                                              original(self, name, *rest)))
    assert shape_flow.same_shape_calls(body, classes, classes.of, classes._join, shapes._is_elementwise) == set()
    assert walked == ["t"]


# General forward code, whose tangents of operands that may be lists are read as NumPy
# reads the list (runtime.list_rows), against finite differences.
_FORWARD = {fn: caching.forward_derivative(fn, (0, 1)) for fn in (branchy, grows_in_loop, pushed_and_popped)}


def _forward(code, args, tangents):
    """(value, tangent) of general forward ``code`` at ``args`` with ``tangents``: its last
    keyword-only parameters (a gradient's seed, its own keyword, comes before them)."""
    found = code.__code__
    names = found.co_varnames[found.co_argcount + found.co_kwonlyargcount - len(tangents):][:len(tangents)]
    return code(*args, **dict(zip(names, tangents)))


@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("fn", [branchy, grows_in_loop, pushed_and_popped])
def test_forward_code_through_list_rows_agrees_with_finite_differences(fn, shapes):
    rng = np.random.default_rng(37)
    args = _arguments(rng, *shapes)
    if fn is branchy:
        args = (args[0] + 3.0, args[1] + 3.0) if shapes != ((3,), ()) else args
    tangents = _arguments(rng, *shapes)
    value, tangent = _forward(_FORWARD[fn], args, tangents)
    assert_close(value, fn(*args), rtol=1e-12, atol=1e-12)
    assert_close(tangent, numerical_jvp(fn, args, tangents), rtol=1e-5, atol=1e-6)
    # forward over the general gradient: the second derivative along the tangents
    gradient = _GRADIENTS[fn]
    over = caching.forward_derivative(gradient, (0, 1))
    expected = numerical_jvp(gradient, args, tangents)
    assert_close(_forward(over, args, tangents)[1], expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("x, n", [([0.3, 0.5], 3), ([-0.4, -0.2, -0.1], 2)])
def test_forward_code_of_a_repeated_list(x, n):
    code = caching.forward_derivative(repeated_in_both_arms, (0,))
    tangent = [0.7 * (k + 1) for k in range(len(x))]
    value, found = _forward(code, (x, n), (tangent,))
    assert_close(value, repeated_in_both_arms(x, n), rtol=1e-12, atol=1e-12)
    expected = numerical_jvp(lambda v: repeated_in_both_arms(list(v), n), (np.array(x),), (np.array(tangent),))
    assert_close(found, expected, rtol=1e-5, atol=1e-6)


# the corpus's functions whose general forward code would drop broadcasts if the walk went on
# through list_rows (it stops there), at every case of the corpus that calls them
_THROUGH_LIST_ROWS = [case for case in CASES if case[1].__name__ in {
    "broadcasting", "elementwise", "if_elif_else", "scalar_poly", "walrus_if_test", "walrus_rebinds_parameter",
    "walrus_short_circuit", "walrus_while"}]


@pytest.mark.parametrize("name, fn, args", _THROUGH_LIST_ROWS, ids=[case[0] for case in _THROUGH_LIST_ROWS])
def test_general_forward_code_of_the_corpus_agrees_with_finite_differences(name, fn, args):
    rng = np.random.default_rng(41)
    positions = float_positions(args)
    code = caching.forward_derivative(fn, positions)
    for scale in (1.0, 0.5):
        moved = tuple(x * scale for x in args) if scale != 1.0 else args
        moved = tuple(m if i in positions else x for i, (m, x) in enumerate(zip(moved, args)))
        tangents = tuple(float(rng.normal()) if isinstance(moved[i], float) else rng.normal(size=np.shape(moved[i]))
                         for i in positions)
        value, tangent = _forward(code, moved, tangents)
        assert_close(value, fn(*moved), rtol=1e-12, atol=1e-12)
        full = tuple(tangents[positions.index(i)] if i in positions else None for i in range(len(moved)))
        assert_close(tangent, numerical_jvp(fn, moved, full), rtol=1e-5, atol=1e-6)
