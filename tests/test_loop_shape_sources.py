"""Inside a loop, the reverse sweep reads the shape of a temporary made by a
shape-keeping operation (``np.sin(a)``, ``a * 0.5``, ``-a``) off its operand, so the
temporary is not saved every iteration; the gradient is the same as ever."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad


def sin_loop(x, y):
    a = x * y
    for k in range(3):
        s = np.sin(a) * y
        a = a * 0.5 + s * 0.25
    return np.sum(a)


def sin_loop_any_count(x, y, n):
    """``sin_loop`` over a count that may be 0: then nothing shows that ``x * y`` is no
    list (a list times an int repeats it), so no shape is known and each is read off a
    value the reverse sweep holds."""
    a = x * y
    for k in range(n):
        s = np.sin(a) * y
        a = a * 0.5 + s * 0.25
    return np.sum(a)


def negated_loop(x, y):
    a = x + y
    for k in range(2):
        b = -a
        c = np.exp(b) / 2
        a = a + c * y
    return np.sum(a * a)


def rebinding_loop(x, y):
    """The operand is assigned again between the temporary and its use: the shape
    must come from the temporary itself (here ``a`` grows from x's shape to y's)."""
    a = x
    for k in range(2):
        t = np.sin(a)
        a = a + y
        u = t * a
        a = u + 0.0 * a
    return np.sum(a)


def nested_loop(x, y):
    a = x * 1.0
    for i in range(2):
        for j in range(2):
            t = np.tanh(a)
            if j == 1:
                a = a * 0.5 + t * y
            else:
                a = t * y - a * 0.25
    return np.sum(a)


def result_reading_loop(x, y):
    """The adjoint of ``a = t / y`` for ``y`` reads the new ``a``: its old value cannot
    be back before that adjoint runs, so ``t``'s shape is saved."""
    a = x * 1.0
    for k in range(2):
        t = a * 0.5
        a = t / y
    return np.sum(a)


FUNCTIONS = [sin_loop, negated_loop, rebinding_loop, nested_loop, result_reading_loop]
SHAPES = [((4,), (4,)), ((3, 1), (1, 4)), ((), (5,)), ((2, 3), ())]


@pytest.mark.parametrize("fn", FUNCTIONS)
@pytest.mark.parametrize("x_shape, y_shape", SHAPES)
def test_gradient_matches_finite_differences(fn, x_shape, y_shape):
    rng = np.random.default_rng(7)
    x = rng.uniform(0.2, 0.8, x_shape) if x_shape else 0.4
    y = rng.uniform(0.2, 0.8, y_shape) if y_shape else 0.7
    for wrt in (0, 1):
        assert_close(astgrad.grad(fn, wrt)(x, y), numerical_grad(fn, (x, y), wrt))


@pytest.mark.parametrize("fn", [sin_loop, negated_loop])
def test_second_order_matches_finite_differences_of_the_gradient(fn):
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0.2, 0.8, (3,)), rng.uniform(0.2, 0.8, (2, 1))
    gradient = astgrad.grad(fn)

    def first(x, y):
        return np.sum(gradient(x, y) * np.arange(1.0, 4.0))

    assert_close(astgrad.grad(first)(x, y), numerical_grad(first, (x, y), 0))


def test_float32_values_keep_their_gradient_dtype():
    x, y = np.linspace(0.1, 0.5, 4, dtype=np.float32), np.float32(0.7)
    gradient = astgrad.grad(sin_loop)(x, y)
    assert gradient.dtype == np.float32
    assert_close(gradient, numerical_grad(sin_loop, (x.astype(np.float64), 0.7), 0), rtol=1e-3, atol=1e-4)


def test_the_temporaries_of_shape_keeping_operations_are_not_saved():
    source = astgrad.grad(sin_loop_any_count).source
    # np.sin(a), a * 0.5 and s * 0.25 are temporaries whose shapes are a's and s's: none
    # is pushed; s (a product of two arrays) and a are
    pushes = [line.strip() for line in source.splitlines() if ".append(" in line]
    assert pushes == ["s_stack.append(shape_of(s))", "a_stack.append(a)"], source
    assert "unbroadcast(d_s * y, a)" in source, source
    assert "unbroadcast(d_a, s)" in source, source
    # a * 0.5 reads a's shape once a's old value is back: the pop comes first
    lines = [line.strip() for line in source.splitlines()]
    assert lines.index("a = a_stack.pop()") < lines.index("d_t_1 = unbroadcast(d_a, a)"), source
    x, y = np.linspace(0.2, 0.6, 3), np.full((2, 1), 0.5)
    for n in (0, 3):
        for wrt in (0, 1):
            assert_close(astgrad.grad(sin_loop_any_count, wrt)(x, y, n),
                         numerical_grad(sin_loop_any_count, (x, y, n), wrt))
    # three iterations read a * 0.5 at the start of the first: a = x * y is no list, the
    # shapes are all x * y's, and only a itself is saved
    source = astgrad.grad(sin_loop).source
    pushes = [line.strip() for line in source.splitlines() if ".append(" in line]
    assert pushes == ["a_stack.append(a)"], source
    assert source.count("unbroadcast(") == 1 and "unbroadcast(d_a * y, x)" in source, source


def test_a_temporary_read_where_the_result_is_needed_is_still_saved():
    source = astgrad.grad(result_reading_loop, 1).source
    assert "t_stack.append(shape_of(t))" in source, source
    # where only x is differentiated, nothing reads the new a: its old value comes back first
    assert "t_stack" not in astgrad.grad(result_reading_loop, 0).source



def rescaled_loop(x, y):
    """Its derivative, transformed again, restores values in its loop that nothing reads
    back (the shapes come from operands): those are not saved at all."""
    a = x * y
    for k in range(3):
        t = np.sin(a) * y
        a = a * 0.5 + t * 0.25
    a = a + x * 0.0
    return np.sum(a)


def test_no_save_is_made_that_the_reverse_sweep_never_reads_back(monkeypatch):
    """At first and second order, the transform makes no save that only dead-code
    elimination would take out again (looked at before the optimize passes, which drop
    unbroadcasts and with them more reads)."""
    import copy

    from astgrad.analysis import dataflow
    from astgrad.backend import dead_code, optimize
    from astgrad.core import walk
    run, unread = optimize.optimize, []

    def checked(body, context):
        facts, mine = dataflow.StatementFacts(), copy.deepcopy(body)
        marked = dead_code._saves_and_restores(mine, facts)     # the pairs the elimination removes itself
        pushes = [push for push, _ in facts.paired_saves.values()]
        left = {id(stmt) for stmt in walk.walk_statements(dataflow.eliminate_dead_code(mine, set(), facts=facts))}
        unread.append(len(dead_code._dead_saves(marked, facts)) + sum(id(push) not in left for push in pushes))
        return run(body, context)

    monkeypatch.setattr(optimize, "optimize", checked)
    gradient = astgrad.grad(rescaled_loop)

    def first(x, y):
        return np.sum(gradient(x, y) * np.arange(1.0, 4.0))

    x, y = np.linspace(0.2, 0.6, 3), np.full((2, 1), 0.5)
    assert_close(astgrad.grad(first)(x, y), numerical_grad(first, (x, y), 0))
    assert len(unread) >= 2 and not any(unread), unread
