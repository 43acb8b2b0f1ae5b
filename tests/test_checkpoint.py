"""checkpoint=: loops run forward keeping every k-th state, and the reverse sweep
recomputes each segment. Gradients equal the plain ones and finite differences; a loop
of 10^5 steps keeps O(sqrt(T)) saved values; loops that cannot be replayed are refused."""

import ast
import math

import numpy as np
import pytest

import astgrad
from astgrad import argument_kinds
from astgrad.specialize import MAX_VERSIONS
from fd import numerical_grad
from programs import rnn_loss


def scalar_loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + math.sin(x * i) * x / (1 + i)
    return s


def two_loops(x, n):
    h = x
    for t in range(1, n, 2):
        h = np.tanh(h * 0.9 + 0.1 * t)
    for t in range(n):
        h = h * 1.01 + np.sin(h) * 0.01
    return np.sum(h)


def scalar_rnn(w, u, xs):
    h = 0.0
    for t in range(len(xs)):
        h = math.tanh(w * h + u * xs[t])
    return h


@pytest.mark.parametrize("every", [1, 2, 3, 7, 50, 1000, "sqrt"])
def test_scalar_loop_matches_plain_and_fd(every):
    for n in (0, 1, 5, 50):
        expected = astgrad.grad(scalar_loop)(0.7, n)
        got = astgrad.grad(scalar_loop, checkpoint=every)(0.7, n)
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-15)
        assert got == pytest.approx(numerical_grad(scalar_loop, (0.7, n)), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("every", [1, 4, "sqrt"])
def test_rnn_matches_plain_and_fd(every):
    rng = np.random.default_rng(1)
    args = (rng.normal(scale=0.5, size=(3, 2)), rng.normal(scale=0.5, size=(3, 3)), rng.normal(size=(17, 2)))
    expected = astgrad.grad(rnn_loss, (0, 1))(*args)
    got = astgrad.grad(rnn_loss, (0, 1), checkpoint=every)(*args)
    numeric = numerical_grad(rnn_loss, args, wrt=(0, 1))
    for g, e, f in zip(got, expected, numeric):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(g, f, rtol=1e-6, atol=1e-8)


def test_value_and_grad_and_two_loops():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4,))
    for n in (0, 1, 2, 9):
        value, got = astgrad.value_and_grad(two_loops, checkpoint=3)(x, n)
        assert value == pytest.approx(two_loops(x, n))
        np.testing.assert_allclose(got, astgrad.grad(two_loops)(x, n), rtol=1e-12)
        np.testing.assert_allclose(got, numerical_grad(two_loops, (x, n)), rtol=1e-6, atol=1e-8)


def test_source_shows_the_checkpointed_loop_and_reads_as_python():
    g = astgrad.grad(scalar_loop, checkpoint="sqrt")
    assert "checkpoint" in g.source and "_stack" in g.source
    ast.parse(g.source)
    assert "checkpoint" not in astgrad.grad(scalar_loop).source


class _Counted(list):
    """A stack counting, over all stacks of one call, the most values alive at once."""
    live = peak = 0

    def append(self, value):
        _Counted.live += 1
        _Counted.peak = max(_Counted.peak, _Counted.live)
        super().append(value)

    def pop(self):
        _Counted.live -= 1
        return super().pop()


def _counting(code):
    """``code`` (generated) run with every ``name = []`` stack counted; returns a function."""
    return _counting_text(code.source, code)


def _counting_text(source, code):
    """Generated ``source`` run in the namespace of ``code`` (generated from the same
    function) with every ``name = []`` stack counted; returns a function."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.List) and not node.value.elts:
            node.value = ast.Call(ast.Name("_Counted", ast.Load()), [], [])
    ast.fix_missing_locations(tree)
    scope = dict(code.__globals__)
    scope.update(zip(code.__code__.co_freevars, (c.cell_contents for c in code.__closure__ or ())))
    scope["_Counted"] = _Counted
    exec(compile(tree, "<counted>", "exec"), scope)
    run = scope[tree.body[0].name]

    def counted(*args):
        _Counted.live = _Counted.peak = 0
        result = run(*args)
        return result, _Counted.peak
    return counted


def test_rnn_of_100000_steps_keeps_about_sqrt_T_states():
    steps = 10 ** 5
    rng = np.random.default_rng(3)
    xs = rng.normal(size=steps)
    w, u = 0.5, 0.3
    plain = astgrad.grad(scalar_rnn, (0, 1))
    checkpointed = astgrad.grad(scalar_rnn, (0, 1), checkpoint="sqrt")
    got, saved = _counting(checkpointed.plain)(w, u, xs)
    expected = plain(w, u, xs)
    assert got == pytest.approx(expected, rel=1e-12)
    root = math.isqrt(steps)
    _, plain_saved = _counting(plain.plain)(w, u, xs[:1000])
    pushes_per_step = plain_saved // 1000
    assert pushes_per_step >= 1                      # without checkpoints: T * pushes_per_step
    # every sqrt(T)-th state (one tuple each) plus one segment's saves
    assert saved <= math.ceil(steps / root) + pushes_per_step * root + 2
    assert saved >= root


def test_fixed_interval_keeps_T_over_k_checkpoints():
    xs = np.random.default_rng(4).normal(size=1000)
    _, saved = _counting(astgrad.grad(scalar_rnn, (0, 1), checkpoint=100).plain)(0.5, 0.3, xs)
    _, plain_saved = _counting(astgrad.grad(scalar_rnn, (0, 1)).plain)(0.5, 0.3, xs)
    per_step = plain_saved // 1000
    # at the peak: the 9 checkpoints of the earlier segments and one segment's saves
    assert saved == 9 + per_step * 100


def while_loop(x):
    s = 0.0
    i = 0
    while i < 5:
        s = s + np.sin(x * s + 1.0)
        i = i + 1
    return s


def writes_into_array(x, n):
    out = np.zeros(n)
    h = x
    for i in range(n):
        h = np.sin(h) * x
        out[i] = h
    return np.sum(out)


def random_steps(x, n):
    s = 0.0
    for i in range(n):
        s = s + np.sin(x * np.random.rand())
    return s


def no_loop(x):
    return np.sin(x) * x


@pytest.mark.parametrize("f, args, construct", [
    (while_loop, (0.3,), "while loop"),
    (writes_into_array, (0.3, 4), "checkpointed loop"),
    (random_steps, (0.3, 4), "checkpointed loop"),
    (no_loop, (0.3,), "checkpoint"),
])
def test_loops_that_cannot_be_replayed_are_refused(f, args, construct):
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(f, checkpoint=4)(*args)
    assert info.value.construct == construct
    assert f.__code__.co_filename in str(info.value)
    assert "checkpoint" in str(info.value)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "half"])
def test_bad_checkpoint_values_are_refused(bad):
    with pytest.raises(ValueError, match="checkpoint="):
        astgrad.grad(scalar_loop, checkpoint=bad)


def two_loops_with_one_header(x, y, n):
    s = x * 1.0
    for i in range(n):
        s = np.sin(s) * y
    t = x * 1.0
    for i in range(n):
        t = t * 2.0            # its adjoint saves nothing
    return s + t


@pytest.mark.parametrize("every", [1, 2, "sqrt"])
def test_loops_with_the_same_header_are_paired_with_their_own_adjoints(every):
    """The adjoint loops come last loop first: the first ``for i in reversed(range(n))``
    after the first loop is the second loop's adjoint, which the checkpointed replay of
    the first must not replace (it did: a wrong d/dy, found by random programs)."""
    args = (0.5, 0.7, 3)
    expected = astgrad.grad(two_loops_with_one_header, (0, 1))(*args)
    got = astgrad.grad(two_loops_with_one_header, (0, 1), checkpoint=every)(*args)
    assert got == pytest.approx(expected, rel=1e-12)
    assert got == pytest.approx(numerical_grad(two_loops_with_one_header, args, wrt=(0, 1)), rel=1e-6)
    both = astgrad.grad(two_loops, checkpoint=every)(np.array([0.3, -0.2]), 4)
    np.testing.assert_allclose(both, numerical_grad(two_loops, (np.array([0.3, -0.2]), 4)), rtol=1e-6)


def nested_loop_temporaries(x, y, n):
    v = y * 1.0
    for i in range(n):
        v = np.tanh(v)
        for j in range(n):
            v = np.mean(x) + v          # a temporary bound and read inside the inner loop only
    return np.sum(v)


def reads_what_a_later_loop_rebinds(x, y, n):
    v = np.sin(x)
    s = x * 1.0
    for i in range(n):
        s = np.tanh(s) + v * 0.5        # reads v; its adjoint needs only v's shape
    for i in range(n):
        v = v + y                       # the reverse sweep restores v as its shape
    return np.sum(s) + np.sum(v)


@pytest.mark.parametrize("f, args", [
    (nested_loop_temporaries, (np.array([0.3, 0.4]), np.array([1.0, 2.0]), 2)),
    (reads_what_a_later_loop_rebinds, (np.array([0.3, 0.4]), np.array([[0.7], [0.2]]), 3)),
])
@pytest.mark.parametrize("every", [1, 2])
def test_the_saved_state_is_what_the_replay_reads(f, args, every):
    """The replay of a segment reads the names the loop carries, not those bound and read
    inside a nested loop (saving them failed: unbound), and also the names it only reads,
    which the reverse sweep of a later loop may have restored to their shape alone (it
    failed: ShapeInfo in arithmetic). Both found by random programs."""
    expected = astgrad.grad(f, (0, 1))(*args)
    got = astgrad.grad(f, (0, 1), checkpoint=every)(*args)
    for g, e, n in zip(got, expected, numerical_grad(f, args, wrt=(0, 1))):
        np.testing.assert_allclose(g, e, rtol=1e-12)
        np.testing.assert_allclose(g, n, rtol=1e-6, atol=1e-9)
    assert "else:" not in astgrad.grad(f, (0, 1), checkpoint=every).source


# -- checkpointed code specialized to the arguments' kinds --------------------------------

def carried(x, y, n):
    h = x * 1.0
    for t in range(n):
        h = np.tanh(h * y + 0.1 * t)
    return np.sum(h * h)


def branchy_loop(x, y, n):
    h = x * 1.0
    for i in range(n):
        if i % 2 == 0:
            h = np.sin(h) * y
        else:
            h = np.cos(h) + y * h
    return np.sum(h * h)


def reads_then_reused(x, y, n):
    a = np.sin(x) * 2.0
    h = y * 1.0
    for i in range(n):
        h = np.tanh(h) + np.sum(a)
    b = a * 3.0                 # specialized code may compute this in a's memory
    return np.sum(h) + np.sum(b * b)


def reduced_in_loop(x, y, n):
    v = x + x
    for i in range(n):
        v = np.tanh(np.sum(np.sin(y))) + v * 0.5 + 0.1 * i
    return np.sum(v) + np.sum(x)


_R = np.random.default_rng(7)
SPECIALIZED_CASES = [
    (carried, (0.3, 0.8, 9)),                                                   # floats
    (carried, (np.array(0.3), np.array(0.8), 9)),                               # 0-d arrays
    (carried, (_R.normal(size=(3, 1)), _R.normal(size=(4,)), 9)),               # n-d, broadcast
    (carried, (np.float32(0.3) * np.ones(3, np.float32), np.float32(0.8), 9)),   # float32
    (branchy_loop, (_R.normal(size=(2,)), 0.7, 7)),
    (branchy_loop, (0.4, np.array(0.6), 7)),
    (two_loops_with_one_header, (np.array(0.5), 0.7, 6)),
    (nested_loop_temporaries, (_R.normal(size=(3,)), _R.normal(size=(3,)), 4)),
    (reads_then_reused, (_R.normal(size=(3,)), _R.normal(size=(3,)), 5)),
    (reduced_in_loop, (0.41, _R.normal(size=(3,)), 4)),
]


def _float64(args):
    return tuple(np.asarray(a, np.float64) if isinstance(a, (np.ndarray, np.float32)) else a for a in args)


@pytest.mark.parametrize("f, args", SPECIALIZED_CASES)
@pytest.mark.parametrize("every", [1, 3, "sqrt"])
def test_specialized_checkpointed_equals_plain_and_fd(f, args, every):
    """checkpoint= runs the version made for the arguments' kinds, checkpointed: the same
    operations as the plain gradient's version (so the same numbers, in each argument's
    dtype), and finite differences."""
    plain = astgrad.grad(f, (0, 1))
    g = astgrad.grad(f, (0, 1), checkpoint=every)
    expected, got = plain(*args), g(*args)
    assert argument_kinds.signature(args) in g._versions.signatures()
    float32 = any(np.asarray(a).dtype == np.float32 for a in args[:2])
    for e, x, arg in zip(expected, got, args):
        assert np.shape(x) == np.shape(arg) and np.asarray(x).dtype == np.asarray(e).dtype
        np.testing.assert_allclose(x, e, rtol=1e-12 if not float32 else 1e-6, atol=1e-14)
    numeric = numerical_grad(f, _float64(args), wrt=(0, 1))
    for x, n in zip(got, numeric):
        np.testing.assert_allclose(x, n, rtol=2e-3 if float32 else 1e-6, atol=2e-3 if float32 else 1e-8)


def test_source_for_shows_the_specialized_checkpointed_code():
    g = astgrad.grad(carried, (0, 1), checkpoint="sqrt")
    general = g.source
    x, y = np.ones(3), np.ones(3) * 0.5
    g(x, y, 4)
    specialized = g.source
    assert specialized == g.source_for(x, y, 4) and specialized != general
    for text in (general, specialized):
        assert "checkpoint_interval" in text and "_checkpoints.pop()" in text
        ast.parse(text)
    assert "unbroadcast" in general and "unbroadcast" not in specialized
    assert "shape_of" not in specialized
    floats = g.source_for(0.3, 0.8, 4)
    assert "checkpoint" in floats and floats != specialized


def test_checkpointed_versions_are_bounded():
    g = astgrad.grad(carried, (0, 1), checkpoint=2)
    shapes = [(k,) for k in range(2, 2 + MAX_VERSIONS + 3)]
    for shape in shapes:
        x = np.full(shape, 0.3)
        got = g(x, 0.5, 5)
        np.testing.assert_allclose(got[0], astgrad.grad(carried, (0, 1))(x, 0.5, 5)[0], rtol=1e-12)
    assert len(g._versions.signatures()) <= MAX_VERSIONS


def test_a_version_whose_loop_saves_nothing_runs_as_it_is():
    """On floats the scalar loop's adjoint runs inside the loop (nothing saved per
    iteration): there is nothing to checkpoint, and the version runs unchanged."""
    g = astgrad.grad(scalar_loop, checkpoint="sqrt")
    assert g(0.7, 50) == pytest.approx(astgrad.grad(scalar_loop)(0.7, 50), rel=1e-12)
    assert "_stack" not in g.source and "checkpoint" not in g.source


def test_value_and_grad_checkpointed_specialized():
    x = _R.normal(size=(3,))
    value, got = astgrad.value_and_grad(two_loops, checkpoint=2)(x, 7)
    assert value == pytest.approx(two_loops(x, 7), rel=1e-12)
    np.testing.assert_allclose(got, astgrad.grad(two_loops)(x, 7), rtol=1e-12)


def test_rnn_of_100000_steps_specialized_keeps_about_sqrt_T_states():
    """The RNN over 10^5 steps (hidden size 3): the checkpointed code made for its arrays
    gives the plain gradient and keeps about 2 sqrt(T) values at once."""
    steps, rng = 10 ** 5, np.random.default_rng(8)
    args = (rng.normal(scale=0.3, size=(3, 2)), rng.normal(scale=0.3, size=(3, 3)), rng.normal(size=(steps, 2)))
    g = astgrad.grad(rnn_loss, (0, 1), checkpoint="sqrt")
    source = g.source_for(*args)
    assert "checkpoint_interval" in source and "unbroadcast" not in source
    specialized = g._specialized_plain(argument_kinds.signature(list(args)))     # the code of source
    assert specialized.source == source
    got, saved = _counting(specialized)(*args)
    expected = astgrad.grad(rnn_loss, (0, 1))(*args)
    for x, e in zip(got, expected):
        np.testing.assert_allclose(x, e, rtol=1e-10, atol=1e-12)
    root = math.isqrt(steps)
    assert root <= saved <= 2 * root + 2
