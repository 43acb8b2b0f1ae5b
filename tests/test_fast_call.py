"""A gradient called again with arguments of the previous call's kinds (fast_call.py):
the check made for those kinds accepts no other kind, and everything a call does (the
version for the kinds, the NaN policy, the gradient's dtype and shape, the rebinding of
names, short tracebacks, threads) stays what the full call does."""

import math
import textwrap
import threading

import numpy as np
import pytest

import astgrad
from astgrad import argument_kinds, fast_call
from fd import assert_close, numerical_grad
from test_tracebacks import astgrad_frames, traceback_of


def cubic(x, c):
    return np.sum(np.sin(x) * x * c)


def cubic_grad(x, c):
    return (np.cos(x) * x + np.sin(x)) * c + 0.0 * x    # c broadcast to x's shape


def reference(x, c):
    """Finite differences in float64, in x's shape (numbers stay numbers)."""
    as64 = x if isinstance(x, float) else np.asarray(x, dtype=np.float64)
    return numerical_grad(cubic, (as64, np.asarray(c, dtype=np.float64)))


def matcher_for(*args):
    return fast_call.matcher(argument_kinds.signature(args), args)


@pytest.mark.parametrize("first, other", [
    (1.5, 2),                                       # float / int
    (2, True),                                      # int / bool
    (1.5, np.float64(1.5)),                         # float / NumPy scalar
    (np.ones(3), np.ones(3, dtype=np.float32)),     # dtype
    (np.ones(3), np.ones((3, 2))),                  # number of dimensions
    (np.ones((3, 2)), np.ones((3, 1))),             # a dimension of length 1
    (np.ones((1, 2)), np.ones((3, 2))),
    (np.ones(3), np.ones(1)),
    (np.array(1.0), np.ones(1)),                    # 0-d / 1-d
    (np.ones(3), np.ma.ones(3)),                    # a subclass
    (np.ones(3), [1.0, 2.0, 3.0]),
])
def test_the_check_accepts_no_other_kind(first, other):
    matches = matcher_for(first)
    assert matches((first,))
    assert argument_kinds.signature((first,)) != argument_kinds.signature((other,)) or type(other) is not type(first)
    assert not matches((other,))


def test_the_check_accepts_every_array_of_the_same_kind():
    matches = matcher_for(np.ones((4, 1, 3)), 2.0)
    assert matches((np.zeros((7, 1, 2)), -1.0))
    assert not matches((np.zeros((7, 1, 2)), 1))
    assert not matches((np.zeros((7, 2, 2)), 1.0))
    assert matcher_for([1.0]) is None               # a kind that needs a check: no fast path


KINDS = [
    (1.5, 0.5),
    (np.array(1.5), 0.5),
    (np.linspace(0.1, 1.0, 4), 0.5),
    (np.linspace(0.1, 1.0, 4), np.linspace(1.0, 2.0, 4)),
    (np.linspace(0.1, 1.0, 4).reshape(4, 1), np.linspace(1.0, 2.0, 3)),
    (np.linspace(0.1, 1.0, 4).astype(np.float32), np.float32(0.5)),
    (np.linspace(0.1, 1.0, 6).reshape(2, 3), np.linspace(1.0, 2.0, 3)),
]


def test_kinds_changing_between_calls_get_their_own_gradients():
    g = astgrad.grad(cubic)
    for x, c in KINDS + KINDS[::-1] + KINDS:        # every change of kind, and repeated kinds
        got = g(x, c)
        expected = reference(x, c)
        assert type(got) is type(x) if not isinstance(x, np.ndarray) else type(got) is np.ndarray
        assert np.shape(got) == np.shape(x) and np.asarray(got).dtype == np.asarray(x).dtype
        tolerance = 1e-5 if np.asarray(x).dtype == np.float32 else 1e-8
        assert_close(got, expected, rtol=tolerance, atol=tolerance)
        assert g(x, c) is not got and np.array_equal(g(x, c), got)     # the fast path: the same numbers


def test_the_fast_path_matches_finite_differences():
    g = astgrad.grad(cubic)
    x, c = np.array([0.3, -1.2, 2.0]), np.array([1.0, 0.5, -2.0])
    for _ in range(3):
        assert_close(g(x, c), numerical_grad(cubic, (x, c)), rtol=1e-7, atol=1e-9)
    assert g._fast is not None


def sqrt_scaled(x, c):
    return np.sum(np.sqrt(x) * c)


def test_a_nan_on_the_fast_path_is_still_answered_by_the_zero_safe_code():
    # 0 * (the infinite derivative of sqrt at 0): NaN in plain IEEE arithmetic, 0 here
    g = astgrad.grad(sqrt_scaled)
    finite = (np.array([1.0, 4.0]), np.array([1.0, 1.0]))
    with np.errstate(divide="ignore", invalid="ignore"):
        g(*finite)
        assert g._fast is not None and g._fast[0]((np.array([0.0, 4.0]), np.array([0.0, 1.0])))
        got = g(np.array([0.0, 4.0]), np.array([0.0, 1.0]))
    assert_close(got, np.array([0.0, 0.25]))


def scalar_sqrt(x, c):
    return math.sqrt(x) * c


def test_a_nan_of_a_python_float_on_the_fast_path():
    g = astgrad.grad(scalar_sqrt)
    assert g(4.0, 1.0) == 0.25
    assert g(0.0, 0.0) == 0.0           # sqrt's infinite derivative times a zero derivative
    assert math.isnan(g(float("nan"), 1.0))


scale = np.sin


def rebound(x):
    return np.sum(scale(x) * x)


def test_rebinding_a_name_between_calls_on_the_fast_path():
    global scale
    g = astgrad.grad(rebound)
    x = np.array([0.5, 1.0])
    assert_close(g(x), np.cos(x) * x + np.sin(x))
    assert_close(g(x), np.cos(x) * x + np.sin(x))
    try:
        scale = np.cos
        assert_close(g(x), -np.sin(x) * x + np.cos(x))
        scale = np.tanh
        assert_close(g(x), (1 - np.tanh(x) ** 2) * x + np.tanh(x))
    finally:
        scale = np.sin
    assert_close(g(x), np.cos(x) * x + np.sin(x))


def test_value_and_grad_and_a_tuple_wrt_on_the_fast_path():
    vg = astgrad.value_and_grad(cubic, (0, 1))
    x, c = np.array([0.3, 1.2]), np.array([2.0, -1.0])
    for _ in range(3):
        value, (dx, dc) = vg(x, c)
        assert_close(value, cubic(x, c))
        assert_close(dx, cubic_grad(x, c))
        assert_close(dc, np.sin(x) * x)


def test_concurrent_calls_of_different_kinds():
    g = astgrad.grad(cubic)
    errors = []

    def work(x, c):
        try:
            expected = reference(x, c)
            for _ in range(200):
                got = g(x, c)
                assert np.shape(got) == np.shape(x)
                assert np.allclose(got, expected, rtol=1e-5, atol=1e-5)
        except Exception as error:     # noqa: BLE001 - reported below
            errors.append(error)
    threads = [threading.Thread(target=work, args=kind) for kind in KINDS * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def test_an_error_on_the_fast_path_is_as_short_as_on_the_first_call(tmp_path):
    _, lines = traceback_of(tmp_path, """\
        import numpy as np
        import astgrad

        def f(x):
            return np.sum(np.log(x) * x)

        g = astgrad.grad(f)
        g(np.array([2.0, 1.0]))
        g(np.array([2.0, 1.0]))
        np.seterr(all="raise")
        g(np.array([0.0, 1.0]))
        """)
    text = "\n".join(lines)
    assert len(astgrad_frames(lines)) <= 1, text
    assert "During handling" not in text
    assert lines[-1] == "FloatingPointError: divide by zero encountered in log"


def loop_of_numbers(x):
    s = 0.0
    for i in range(20):
        s = s + math.sin(x * i) * x / (1 + i)
    return s


def test_numbers_used_once_are_written_where_they_are_used():
    g = astgrad.grad(loop_of_numbers)
    assert_close(g(0.7), numerical_grad(loop_of_numbers, (0.7,)), rtol=1e-7)
    body = textwrap.dedent(g.source.split("for i in", 1)[1])
    assert "d_x += math.sin(t) * d_t_2" in body, g.source
    assert "t_1" not in body and "t_3" not in body, g.source
    assert "t_1 = math.sin(t)" in g.source_for(np.array(0.7))     # an array: no such move


def reassigned_between(x):
    a = x * 2.0
    b = a + 1.0
    a = x * 3.0                 # a is rebound before b is read
    return b * a + math.sin(b)


def test_a_number_is_not_moved_past_a_rebinding_of_what_it_reads():
    g = astgrad.grad(reassigned_between)
    for x in (0.3, -1.1):
        assert_close(g(x), numerical_grad(reassigned_between, (x,)), rtol=1e-7)
        assert_close(g(x), g.plain(x), rtol=1e-13)


def sunk(text, kinds):
    """The body of ``text``'s function after sink_numbers, as text."""
    import ast

    import gast

    from astgrad.backend.sink_numbers import sink_numbers
    fn = gast.parse(textwrap.dedent(text)).body[0]
    params = [arg.id for arg in fn.args.args]
    fn.body = sink_numbers(fn.body, params, {}, set(), kinds)
    return ast.unparse(gast.gast_to_ast(fn)).split("\n", 1)[1]


def test_sink_numbers_moves_numbers_only_where_nothing_they_read_changes():
    moved = sunk("""\
        def f(x, y):
            t = x * 2.0
            u = y + 1.0
            return u * t
        """, {"x": "float", "y": "float"})
    assert moved.split() == "return (y + 1.0) * (x * 2.0)".split(), moved
    blocked = """\
        def f(x, y):
            t = x * 2.0
            x = y + 1.0
            return x * t
        """
    assert sunk(blocked, {"x": "float", "y": "float"}).count("=") == 2     # t stays before x changes
    arrays = """\
        def f(x, y):
            t = x * 2.0
            u = y + 1.0
            return u * t
        """
    assert sunk(arrays, {"x": "<f8[n]", "y": "float"}).count("t = x * 2.0") == 1     # an array stays
    powers = """\
        def f(x, y):
            t = x ** 0.5
            u = y + 1.0
            return u * t
        """
    assert "t = x ** 0.5" in sunk(powers, {"x": "float", "y": "float"})   # may be complex: not a number


def test_sink_numbers_still_runs_where_only_its_census_could_skip_it():
    """The pass skips its walk of every node where a census of the assignments shows no
    number but the parameters; a zero of a number parameter and a range loop's counter
    are what that census must not miss."""
    import ast

    import gast

    from astgrad import runtime
    from astgrad.backend.sink_numbers import sink_numbers
    from astgrad.core import anno
    from astgrad.core.anno import Key

    def run(text, kinds, scalars):
        fn = gast.parse(textwrap.dedent(text)).body[0]
        for node in gast.walk(fn):
            if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == "zeros_like":
                anno.set(node, Key.TARGET, runtime.zeros_like)
        fn.body = sink_numbers(fn.body, [arg.id for arg in fn.args.args], {}, scalars, kinds)
        return ast.unparse(gast.gast_to_ast(fn)).split("\n", 1)[1]

    zeros = run("""\
        def f(x, w):
            d_x = zeros_like(x)
            d_x = d_x + w
            return d_x
        """, {"x": "float", "w": "<f8[n]"}, set())
    assert "d_x = 0.0" in zeros and "zeros_like" not in zeros, zeros      # x alone is a number: still 0.0
    loop = run("""\
        def f(x, s):
            for i in range(3):
                t = i * 2.0
                s = s + t * x
            return s
        """, {"x": "<f8[n]", "s": "<f8[n]"}, {"i"})
    assert "t = " not in loop and "s = s + i * 2.0 * x" in loop, loop     # the counter's number moves
