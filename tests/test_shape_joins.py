"""The shape of an elementwise result of operands of different shapes is known as the
broadcast of its operands' shapes: ``t = sin(x) * cos(y)`` has the shape of ``x * y``,
and so have ``t * t`` and ``t * t + exp(x)``, so the general gradient sums none of
their derivatives back to their shape, while it still sums the derivatives of values of
``x``'s shape alone. Gradients stay right for every broadcast of the arguments, also
where a loop or a branch changes a value's shape.

Arguments may be lists, where ``x * y`` repeats one (``n * [a, b]``) and has no such
shape; a value that is then multiplied by a float or added to a number is no list
(that raises), so ``a = x * y; ... a * 0.5`` has the shape of ``x * y``, also where the
use starts the body of a loop over a constant range that is not empty (see
test_loop_shape_sources.py: the loop's statements then need no saved shapes either).
A list is repeated only by a Python int: a derivative, or a product with one, is none,
so ``d_t * 2 * z`` has ``z``'s shape."""

import numpy as np
import pytest

import astgrad
from astgrad import caching
from fd import assert_close, numerical_grad, numerical_hessian
from test_loop_shape_sources import sin_loop


def joined(x, y):
    t = np.sin(x) * np.cos(y)
    u = t * t + np.exp(x)
    return np.sum(u * t)


def grown_in_loop(x, y):
    a = np.sin(x)
    for k in range(2):
        a = a * np.cos(y) + x
    return np.sum(a * a)


def branch_shapes(x, y, c):
    a = np.sin(x)
    if c > 0:
        a = a * y
    b = a * np.exp(x)
    return np.sum(b * a)


def numbers_follow(x, y):
    a = x * y
    b = a + x * 0.5
    c = a * 0.5 - b
    return np.sum(c * y + 1.0)


def cos_times_square(z):
    return np.sum(np.cos(z) * z ** 2)


def repeated(x, n):
    a = x * n           # a list repeated where x is a list and n an int
    b = a * 2           # repeated again: no proof that a is not a list
    c = b + a
    return np.sum(np.sin(np.array(c)) * 1.5)


def three_operands(x, y, z):
    t = np.tanh(x * y)
    u = t + z
    return np.sum(u * t * y)


SHAPES = [((3, 1), (4,)), ((3,), ()), ((), (2, 3)), ((2, 3), (2, 3)), ((1, 4), (3, 1))]


def _arguments(rng, *shapes):
    return tuple(float(rng.normal()) if shape == () else rng.normal(size=shape) for shape in shapes)


def test_general_gradient_sums_back_only_values_of_other_shapes():
    source = caching.generate_reverse(joined, (0,), False).source
    # t_4 = exp(x) and t_1 = sin(x) have x's shape only: their derivatives are summed back
    assert "unbroadcast(d_u, t_4)" in source and "unbroadcast(d_t * t_2, t_1)" in source
    assert source.count("unbroadcast(") == 2, source


def test_a_value_used_as_a_number_is_no_list():
    source = caching.generate_reverse(numbers_follow, (0,), False).source
    # only t = x * 0.5 (x's shape) and x itself differ from the shape of x * y
    assert source.count("unbroadcast(") == 2, source
    assert "unbroadcast(d_b, t)" in source and "unbroadcast(d_a * y, x)" in source


def test_a_derivative_times_a_number_is_no_int():
    source = caching.generate_reverse(cos_times_square, (0,), False).source
    assert "unbroadcast(" not in source and "d_z = d_t_1 * 2 * z" in source, source
    second = caching.generate_reverse(caching.generate_reverse(cos_times_square, (0,), False), (0,), False)
    for z in (np.linspace(-1.0, 2.0, 4), 0.7, np.full((2, 3), 0.3)):
        assert_close(astgrad.grad(cos_times_square)(z), numerical_grad(cos_times_square, (z,)), rtol=1e-5, atol=1e-6)
        row_sums = numerical_grad(lambda v: np.sum(astgrad.grad(cos_times_square)(v)), (z,))
        assert_close(second(z), row_sums, rtol=1e-4, atol=1e-5)


def test_a_value_that_may_be_a_list_keeps_its_sums():
    source = caching.generate_reverse(repeated, (0,), False).source
    assert "unbroadcast(d_c, b)" in source and "unbroadcast(d_c, a)" in source
    for x in (np.array([0.1, 0.2]), 0.3):
        assert_close(astgrad.grad(repeated)(x, 2), numerical_grad(repeated, (x, 2)), rtol=1e-5, atol=1e-6)
    # a list: c holds each item of x six times
    assert_close(astgrad.grad(repeated)([0.1, 0.2], 2), 9.0 * np.cos([0.1, 0.2]), rtol=1e-12, atol=1e-12)
    with pytest.raises(TypeError, match="on lists concatenates or repeats"):
        caching.generate_reverse(repeated, (0,), False)([0.1, 0.2], 2)
    with pytest.raises(TypeError):
        astgrad.grad(numbers_follow)([0.1, 0.2], 2)


@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("fn", [joined, grown_in_loop, numbers_follow])
def test_gradients_agree_with_finite_differences(fn, shapes):
    rng = np.random.default_rng(7)
    args = _arguments(rng, *shapes)
    for wrt in (0, 1):
        expected = numerical_grad(fn, args, wrt=wrt)
        assert_close(caching.generate_reverse(fn, (wrt,), False)(*args), expected, rtol=1e-5, atol=1e-6)
        assert_close(astgrad.grad(fn, wrt=wrt)(*args), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("c", [1.0, -1.0])
def test_branch_that_changes_a_shape(shapes, c):
    rng = np.random.default_rng(11)
    x, y = _arguments(rng, *shapes)
    for wrt in (0, 1):
        expected = numerical_grad(branch_shapes, (x, y, c), wrt=wrt)
        assert_close(caching.generate_reverse(branch_shapes, (wrt,), False)(x, y, c), expected,
                     rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shapes", [((3, 1), (1, 4), (3, 4)), ((4,), (), (3, 4)), ((2, 1), (2, 3), ())])
def test_three_operands(shapes):
    rng = np.random.default_rng(3)
    args = _arguments(rng, *shapes)
    for wrt in (0, 1, 2):
        expected = numerical_grad(three_operands, args, wrt=wrt)
        assert_close(caching.generate_reverse(three_operands, (wrt,), False)(*args), expected,
                     rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shapes", [((3,), (3,)), ((2,), ()), ((), (3,))])
@pytest.mark.parametrize("fn", [joined, grown_in_loop, numbers_follow])
def test_second_order(fn, shapes):
    rng = np.random.default_rng(5)
    args = _arguments(rng, *shapes)
    gradient = caching.generate_reverse(fn, (0,), False)
    second = caching.generate_reverse(gradient, (0,), False)
    hessian_row_sums = numerical_grad(lambda *a: np.sum(gradient(*a)), args, wrt=0)
    assert_close(second(*args), hessian_row_sums, rtol=1e-4, atol=1e-5)
    if isinstance(args[0], np.ndarray):
        assert_close(astgrad.hessian(fn)(*args), numerical_hessian(astgrad.grad(fn), args), rtol=1e-4, atol=1e-5)
    else:
        assert_close(astgrad.grad(astgrad.grad(fn))(*args), numerical_grad(astgrad.grad(fn), args), rtol=1e-4, atol=1e-5)


def test_shapes_that_do_not_broadcast_still_raise():
    with pytest.raises(ValueError):
        caching.generate_reverse(joined, (0,), False)(np.ones(3), np.ones(4))


# A value pushed on a list and popped back later (a loop's values, recorded by the
# first derivative) has the shape of the values pushed: a gradient's gradient reads the
# first derivative's stacks as plain lists, used only by append and pop.

stacked = sin_loop      # a = x * y, then a = a * 0.5 + np.sin(a) * y * 0.25 three times


def mixed_stack(x, y):
    s = []
    s.append(x)
    s.append(x * y)
    a = s.pop()         # x * y
    b = s.pop()         # x: values of two shapes were pushed
    return np.sum(a * b + b)


def escaped_stack(x, y):
    s = []
    s.append(x * y)
    t = s
    t.append(x)         # pushed through another name
    a = s.pop()
    return np.sum(a * y + x)


_STACKED = caching.generate_reverse(stacked, (0,), False)
_STACKED_SECOND = caching.generate_reverse(_STACKED, (0,), False)


def test_values_popped_from_a_stack_have_the_pushed_shape():
    code = [line.strip() for line in _STACKED_SECOND.source.splitlines() if not line.strip().startswith("#")]
    assert "a = a_stack.pop()" in code
    # only the derivative of x itself is summed back to x's shape
    assert sum("unbroadcast(" in line for line in code) == 1 and "dd_x = unbroadcast(dd_a * y, x)" in code, code


@pytest.mark.parametrize("shapes", [((3,), (3,)), ((3, 1), (4,)), ((2,), ()), ((), (3,))])
def test_second_order_through_a_stack(shapes):
    args = _arguments(np.random.default_rng(13), *shapes)
    row_sums = numerical_grad(lambda *a: np.sum(_STACKED(*a)), args, wrt=0)
    assert_close(_STACKED_SECOND(*args), row_sums, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("fn", [mixed_stack, escaped_stack])
def test_a_list_that_is_not_one_stack_of_one_shape_keeps_its_sums(fn):
    gradient = caching.generate_reverse(fn, (0,), False)
    for shapes in (((3, 1), (4,)), ((2,), ())):
        args = _arguments(np.random.default_rng(17), *shapes)
        assert_close(gradient(*args), numerical_grad(fn, args), rtol=1e-5, atol=1e-6)
        second = caching.generate_reverse(gradient, (0,), False)
        row_sums = numerical_grad(lambda *a: np.sum(gradient(*a)), args, wrt=0)
        assert_close(second(*args), row_sums, rtol=1e-4, atol=1e-5)


_USES_PROGRAM = '''
def f(x, y, n):
    a = -x + 1.0
    b = [x] * n + [y]
    c = sin(a) - b[0] * 0.5
    d = (lambda q: q * 2.0)(c) ** y
    e = where(x > 0, x @ y, {k: +v for k, v in zip(x, y)})
    g(a, key=n + 2, other=y[1:n])
'''


def test_the_numeric_uses_found_from_a_pass_s_nodes_are_the_walk_s():
    """Buffer reuse gives the shape classes the names and numeric uses of each value from
    the nodes its own walk found (``names_and_numeric_uses_of``): they must be what the
    classes' walk of the value finds, or a list could pass for an array."""
    import math
    import gast
    from astgrad.analysis import shapes
    from astgrad.core import anno, syntax
    from astgrad.core.anno import Key
    function = gast.parse(_USES_PROGRAM).body[0]
    for call in syntax.call_nodes(function):
        if isinstance(call.func, gast.Name) and call.func.id == "sin":
            anno.set(call, Key.TARGET, math.sin)        # a math function raises on a list
    values = [stmt.value for stmt in function.body]
    for value in values:
        assert shapes.names_and_numeric_uses_of(syntax.operand_nodes(value)) == \
            shapes._names_and_numeric_uses(value), gast.dump(value)
    found = [shapes._names_and_numeric_uses(value)[1] for value in values]
    # the walk notes numeric uses (a list plus a number, a math function, a power), and no
    # other (a list repeated and joined, an item)
    assert found[:4] == [{"x"}, set(), {"a"}, {"q", "y"}], found


def late_layouts(x, w, y):
    h = x @ w                   # a root: its dimensions follow from its operands'
    t = np.tanh(h) * y
    s = np.sum(t)               # a root: a number, once t's class is found
    u = t * s + y
    return np.sum(u * t)


def test_classes_resting_on_layouts_found_late_are_checked_again(monkeypatch):
    """Specialized code finds the dimensions of ``@`` results and full reductions only once
    the classes of their operands are known, and then checks again only the classes that
    rest on those (the names whose values lead to such a root): the classes found are
    those a check of every class gives, and the gradient is right."""
    from astgrad.analysis import shapes
    init, found, rechecked = shapes.ShapeClasses.__init__, [], []
    unaffected = shapes.ShapeClasses._unaffected

    def noted(self, settled, changed):
        kept = unaffected(self, settled, changed)
        rechecked.append(len(settled) - len(kept))
        return kept

    def checked_both_ways(self, *args, **kwargs):
        init(self, *args, **kwargs)
        with monkeypatch.context() as patch:        # every class checked again, as before
            patch.setattr(shapes.ShapeClasses, "_unaffected", lambda classes, settled, changed: None)
            every = shapes.ShapeClasses.__new__(shapes.ShapeClasses)
            init(every, *args, **kwargs)
        found.append((self.cls, every.cls, self.layouts, every.layouts))

    monkeypatch.setattr(shapes.ShapeClasses, "_unaffected", noted)
    monkeypatch.setattr(shapes.ShapeClasses, "__init__", checked_both_ways)
    rng = np.random.default_rng(5)
    x, w, y = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=2)
    got = astgrad.grad(late_layouts, (0, 1, 2))(x, w, y)     # the first call: specialized code
    assert found and any(rechecked), rechecked                # some classes rested on a late layout
    for classes, every_class, layouts, every_layout in found:
        assert classes == every_class and layouts == every_layout
    for index, arg in enumerate((x, w, y)):
        assert_close(got[index], numerical_grad(late_layouts, (x, w, y), index), rtol=1e-6, atol=1e-8)
