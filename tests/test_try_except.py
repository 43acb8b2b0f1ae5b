"""try/except (with else, finally, ``as``, several handlers, a bare except and raise)
in the differentiated function: reverse mode, forward mode and second order against
central finite differences, each path of the try taken by some input. When the try
body raises part-way, the statements that ran keep their effects, as in Python.
"""

import math

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

RTOL, ATOL = 1e-5, 1e-6


# ---------------------------------------------------------------------------
# programs
# ---------------------------------------------------------------------------

def scale_from_dict(x, d):
    try:
        s = d["scale"]
    except KeyError:
        s = 2.0
    return np.sum(s * x ** 2)


A_REGULAR = np.array([[3.0, 1.0, 0.0], [1.0, 4.0, 0.5], [0.0, 0.5, 2.0]])
A_SINGULAR = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 1.0, 1.0]])


def solve_or_half(x, A):
    try:
        y = np.linalg.solve(A, x)      # raises LinAlgError for a singular A
    except np.linalg.LinAlgError:
        y = x / 2.0
    else:
        y = y * 3.0
    finally:
        z = 1.0
    return np.sum(y * y) * z


def part_way(x, d):
    a = x * 1.5
    try:
        a = np.sin(x) * 2.0
        b = a * d["w"]             # KeyError: a keeps its new value, b is not bound
        a = b + x ** 2
    except KeyError:
        a = a * 3.0
    return np.sum(a * x)


def part_way_branches(x, d):
    c = np.cos(x)
    try:
        if np.sum(x) > 0.0:
            c = c * np.exp(x)
            c = c + d["shift"]     # may raise after the first write in the branch
        else:
            c = c * x
        c = c * d["scale"]
    except KeyError as missing:
        c = c * len(str(missing))
    return np.sum(c * c)


def in_loop(x, picks):
    total = 0.0
    for i in range(len(picks)):
        try:
            v = x[picks[i]]             # IndexError for a pick past the end
            w = np.exp(v) * x[0]
        except IndexError:
            w = x[1] * 0.5
        total = total + w * x[2]
    return total


def in_loop_overwrite(x, keys, table):
    acc = x * 1.0
    for i in range(len(keys)):
        try:
            acc = acc * np.tanh(acc)          # overwrites acc, then may raise
            acc = acc + table[keys[i]] * x
        except KeyError:
            acc = acc * 0.5
    return np.sum(acc)


def several_handlers(x, d, k):
    try:
        s = d[k] * x          # KeyError, or TypeError for an unhashable k
        s = s / [1.0, 2.0][len(d) - 1]      # IndexError when d is empty or long
    except KeyError as err:
        s = x * len(err.args)
    except (IndexError, TypeError):
        s = x ** 3
    return np.sum(s * x)


def bare_except(x, d):
    try:
        s = np.sin(x) * d["k"]
    except:  # noqa: E722
        s = np.cos(x)
    return np.sum(s)


def reraise(x, d):
    try:
        s = x * d["k"]
    except KeyError:
        if d.get("quiet", False):
            s = x * 2.0
        else:
            raise
    return np.sum(s * s)


def checked_sqrt(v):
    if np.sum(v) < 0.0:
        raise ValueError("negative total")
    return np.sqrt(v)


def caught_from_helper(x):
    try:
        y = checked_sqrt(x)
    except ValueError:
        y = -x * 0.5
    return np.sum(y * x)


def safe_scaled_log(v, d):
    try:
        return np.log(v) * d["c"]
    except KeyError:
        return np.log(v)


def with_helper(x, d):
    return np.sum(safe_scaled_log(x, d) * x)


def returns_in_try(x, d):
    try:
        s = np.sin(x) * d["a"]
        return np.sum(s)
    except KeyError:
        return np.sum(x ** 2)
    finally:
        d["touched"] = True


def nested_try(x, d):
    try:
        try:
            s = np.exp(x) * d["inner"]
        except KeyError:
            s = np.tanh(x) * d["outer"]
        s = s * 2.0
    except KeyError:
        s = x ** 2
    return np.sum(s * x)


def escapes(x, d):
    try:
        s = x * d["a"]
    except KeyError:
        s = x
    return np.sum(s) / d["b"]       # a KeyError here escapes the function


# ---------------------------------------------------------------------------
# the oracle
# ---------------------------------------------------------------------------

def _check_all(fn, args, second=True):
    """grad against finite differences, jvp against finite differences and grad,
    and (for ``second``) the Hessian against finite differences of the gradient."""
    rng = np.random.default_rng(1)
    gradient = astgrad.grad(fn)
    expected = numerical_grad(fn, args, 0)
    assert_close(gradient(*args), expected, RTOL, ATOL)
    tangent = rng.standard_normal(np.shape(args[0]))
    tangents = (tangent,) + tuple(_constant(a) for a in args[1:])
    value, jv = astgrad.jvp(fn, args, tangents)
    assert_close(value, fn(*args), RTOL, ATOL)
    assert_close(jv, numerical_jvp(lambda x: fn(x, *args[1:]), (args[0],), (tangent,)), RTOL, ATOL)
    assert_close(jv, np.sum(expected * tangent), RTOL, ATOL)
    if second:
        h = astgrad.hessian(fn)(*args)
        assert_close(h, numerical_hessian(gradient, args), 1e-4, 1e-5)


def _constant(arg):
    """A zero tangent for an argument held fixed (a dict's float entries get 0.0)."""
    if isinstance(arg, dict):
        return {k: (0.0 if isinstance(v, float) else None) for k, v in arg.items()}
    if isinstance(arg, np.ndarray):
        return np.zeros_like(arg)
    return 0.0 if isinstance(arg, float) else None


def _x(n=3, seed=0, low=0.5, high=1.5):
    return np.random.default_rng(seed).uniform(low, high, n)


@pytest.mark.parametrize("d", [{}, {"scale": 3.0}], ids=["handler", "body"])
@pytest.mark.parametrize("n", [1, 3])
def test_value_from_dict(d, n):
    _check_all(scale_from_dict, (_x(n), d))


@pytest.mark.parametrize("A", [A_REGULAR, A_SINGULAR], ids=["else", "handler"])
def test_solve_else_finally(A):
    _check_all(solve_or_half, (_x(3, 2), A))


@pytest.mark.parametrize("d", [{}, {"w": 0.7}], ids=["raises_midway", "completes"])
def test_part_way_effects_kept(d):
    _check_all(part_way, (_x(4, 3), d))


@pytest.mark.parametrize("sign", [1.0, -1.0])
@pytest.mark.parametrize("d", [{}, {"shift": 0.3}, {"shift": 0.3, "scale": 1.7}, {"scale": 1.7}])
def test_part_way_in_branches(sign, d):
    _check_all(part_way_branches, (sign * _x(3, 4), d))


@pytest.mark.parametrize("picks", [[0, 2, 1], [5, 1, 7, 2], [9, 9], []])
def test_in_loop(picks):
    _check_all(in_loop, (_x(3, 5), picks))


@pytest.mark.parametrize("keys", [["a", "b", "a"], ["a", "zz", "b", "q"], ["q"]])
def test_in_loop_overwrite_then_raise(keys):
    _check_all(in_loop_overwrite, (_x(3, 6, 0.2, 0.6), keys, {"a": 0.5, "b": -0.25}))


@pytest.mark.parametrize("d, k", [({"a": 2.0}, "a"), ({"a": 2.0}, "b"), ({"a": 2.0, "b": 1.0}, "a"),
                                  ({"a": 2.0, "b": 1.0, "c": 3.0}, "c"), ({}, ["unhashable"])],
                         ids=["body", "key_error", "second_stmt", "index_error", "type_error"])
def test_several_handlers(d, k):
    _check_all(several_handlers, (_x(3, 7), d, k))


@pytest.mark.parametrize("d", [{}, {"k": 1.5}, {"k": "text"}])
def test_bare_except(d):
    _check_all(bare_except, (_x(3, 8), d))


def test_reraise():
    x = _x(3, 9)
    _check_all(reraise, (x, {"k": 2.0}))
    _check_all(reraise, (x, {"quiet": True}))
    with pytest.raises(KeyError):
        astgrad.grad(reraise)(x, {})
    assert_close(astgrad.grad(reraise)(x, {"k": 0.5}), numerical_grad(reraise, (x, {"k": 0.5})))


@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["completes", "helper_raises"])
def test_exception_of_an_inlined_helper(sign):
    _check_all(caught_from_helper, (sign * _x(3, 10),))


@pytest.mark.parametrize("d", [{}, {"c": 0.3}])
def test_helper_with_try_and_returns(d):
    _check_all(with_helper, (_x(3, 11), d))


@pytest.mark.parametrize("d", [{}, {"a": 1.3}])
def test_returns_in_try_and_handler(d):
    _check_all(returns_in_try, (_x(3, 12), dict(d)))


@pytest.mark.parametrize("d", [{}, {"inner": 0.5}, {"outer": 2.0}])
def test_nested_try(d):
    _check_all(nested_try, (_x(3, 13), d))


def test_escaping_exception_leaves_nothing_behind():
    x = _x(3, 14)
    gradient = astgrad.grad(escapes)
    with pytest.raises(KeyError):
        gradient(x, {"a": 2.0})
    with pytest.raises(KeyError):
        astgrad.jvp(escapes, (x, {}), (x, None))
    assert_close(gradient(x, {"a": 2.0, "b": 4.0}), np.full(3, 0.5))
    assert_close(gradient(x, {"b": 4.0}), np.full(3, 0.25))


def test_generated_code_reads_like_a_try():
    source = astgrad.grad(scale_from_dict).source
    assert "try:" in source and "except KeyError:" in source
    assert "isinstance" not in source           # one handler needs no test


# ---------------------------------------------------------------------------
# refusals
# ---------------------------------------------------------------------------

def loop_in_try(x, n):
    try:
        for i in range(n):
            x = x * 2.0
    except ValueError:
        x = x * 0.0
    return np.sum(x)


def break_in_body(x, ks):
    s = 0.0
    for k in ks:
        try:
            s = s + x[k]
            if k > 1:
                break
        except IndexError:
            s = s * 2.0
    return np.sum(s)


def break_in_handler_with_finally(x, ks):
    s = 0.0
    for k in ks:
        try:
            s = s + x[k]
        except IndexError:
            break
        finally:
            s = s * 1.5
    return np.sum(s)


def test_loop_inside_try_body_is_refused():
    with pytest.raises(astgrad.TransformError, match=r"test_try_except.py:\d+.*loop inside the body of a try"):
        astgrad.grad(loop_in_try)(_x(), 2)


@pytest.mark.parametrize("fn, kind", [(break_in_body, "try/except;"),
                                      (break_in_handler_with_finally, "try/except/finally;")])
def test_break_leaving_the_body_or_skipping_finally_is_refused(fn, kind):
    with pytest.raises(astgrad.TransformError, match=r"break or continue inside " + kind):
        astgrad.grad(fn)(_x(), [0, 5])


def divides_first(x, n):
    y = x * 1.0
    try:
        t = 1.0 / n                # ZeroDivisionError before anything else in the body
        y = np.sin(x) * 2.0
        y = y + t                  # read once, by a sum: a number moved into its use
    except ZeroDivisionError:
        y = y * 3.0
    return np.sum(y * x)


@pytest.mark.parametrize("n", [2.0, 0.0], ids=["completes", "first_statement_raises"])
def test_a_number_computed_first_stays_first(n):
    """Specialized code moves number temporaries into their use, but never inside a
    try body, where that would change which statements ran before the exception."""
    x = _x(3, 15)
    assert_close(astgrad.grad(divides_first)(x, n), numerical_grad(divides_first, (x, n)))
    _check_all(divides_first, (x, n))


def test_numba_backend_refuses_a_try():
    pytest.importorskip("numba")
    with pytest.raises(astgrad.TransformError, match="caught_exception"):
        astgrad.grad(scale_from_dict, backend="numba")(_x(), {})


def scalar_part_way(x, d):
    y = x * 1.5
    try:
        y = math.sin(x) * y
        z = y * d["w"]
        y = z * x
    except KeyError:
        y = y * y
    return y


def scalar_loop(x, keys, table):
    acc = x
    for k in keys:
        try:
            acc = acc * math.tanh(acc)
            acc = acc + table[k] * x
        except KeyError:
            acc = acc * 0.5
    return acc


TABLE = {"a": 0.5, "b": -0.25}


@pytest.mark.parametrize("fn, rest", [(scalar_part_way, ({},)), (scalar_part_way, ({"w": 0.7},)),
                                      (scalar_loop, (["a", "b"], TABLE)), (scalar_loop, (["a", "q", "b"], TABLE)),
                                      (scalar_loop, (["q"], TABLE))])
def test_grad_of_grad(fn, rest):
    """The gradient's own try statement (its except clause records the exception) is
    differentiated again."""
    first = astgrad.grad(fn)
    assert_close(first(0.4, *rest), numerical_grad(fn, (0.4,) + rest))
    assert_close(astgrad.grad(first)(0.4, *rest), numerical_grad(lambda x: first(x, *rest), (0.4,)))


@pytest.mark.parametrize("keys", [["a", "zz", "b", "q", "a", "a", "b"], ["b"] * 5])
def test_checkpointed_loop_with_try(keys):
    x = _x(3, 6, 0.2, 0.6)
    args = (x, keys, TABLE)
    assert_close(astgrad.grad(in_loop_overwrite, checkpoint=2)(*args), numerical_grad(in_loop_overwrite, args))


def item_write(x, idx):
    y = x * 2.0
    z = x * 1.0
    try:
        y[idx] = z[0] * 3.0        # IndexError before anything is written
        z = y * x
    except IndexError:
        z = y * 0.5
    return np.sum(z * x)


def item_write_in_loop(x, idx):
    y = x * 2.0
    z = x * 1.0
    for k in range(2):
        try:
            y[idx] = z[0] * 3.0    # saving the element reads it: that raises first
            z = y * x
        except IndexError:
            z = y * 0.5
    return np.sum(z * x)


@pytest.mark.parametrize("fn", [item_write, item_write_in_loop])
@pytest.mark.parametrize("idx", [1, 5], ids=["in_range", "index_error"])
def test_item_write_in_try(fn, idx):
    _check_all(fn, (_x(3, 16), idx))


def with_in_try(x):
    try:
        with np.errstate(divide="ignore"):
            y = np.log(x)
    except FloatingPointError:
        y = x
    return np.sum(y)


def test_with_inside_try_body_is_refused():
    with pytest.raises(astgrad.TransformError, match=r"test_try_except.py:\d+.*with statement inside the body"):
        astgrad.grad(with_in_try)(_x())


# ---------------------------------------------------------------------------
# random programs: a try body stopping at a random statement, in and out of a loop
# ---------------------------------------------------------------------------

_UNARY = ["np.sin({})", "np.tanh({})", "({} * 0.5)", "np.cos({})"]
_BINARY = ["{} * {}", "{} + {}", "{} - 0.3 * {}"]


def _random_program(rng):
    """Source of f(x, d): a try body of 2-5 statements over a, b, c and x, each maybe
    reading d["kN"] (a KeyError where d lacks it), maybe under ``if len(d) > 1``; a
    handler, maybe an else, maybe inside a loop of two iterations."""
    names = ["a", "b", "c"]

    def operand():
        return str(rng.choice(names + ["x"]))

    def expression(k):
        value = str(rng.choice(_BINARY)).format(str(rng.choice(_UNARY)).format(operand()), operand())
        if rng.random() < 0.6:
            value = f"({value}) * d['k{k}']"
        return value

    lines = ["def f(x, d):", "    a = x * 1.0", "    b = np.sin(x)", "    c = x * x"]
    loop = rng.random() < 0.5
    pad = "    " * (2 if loop else 1)
    if loop:
        lines.append("    for i in range(2):")
    lines.append(pad + "try:")
    for k in range(int(rng.integers(2, 6))):
        statement = f"{rng.choice(names)} = {expression(k)}"
        if rng.random() < 0.25:
            lines += [pad + "    if len(d) > 1:", pad + "        " + statement]
        else:
            lines.append(pad + "    " + statement)
    lines += [pad + "except KeyError:", pad + f"    {rng.choice(names)} = {str(rng.choice(_UNARY)).format(operand())}"]
    if rng.random() < 0.5:
        lines += [pad + "else:", pad + f"    {rng.choice(names)} = {operand()} * 1.5"]
    lines.append("    return np.sum(a * b + c)")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(30))
def test_random_programs(seed, tmp_path):
    import importlib.util
    rng = np.random.default_rng(seed)
    source = "import numpy as np\n\n\n" + _random_program(rng)
    path = tmp_path / f"try_program_{seed}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x = _x(2, seed)
    for keys in range(6):       # d lacks k{keys} (and the later ones): the body stops there
        d = {f"k{k}": float(0.5 + 0.1 * k) for k in range(keys)}
        _check_all(module.f, (x, d), second=keys % 2 == 0)


def dead_lookup(x, d):
    try:
        a = x * d["k"]          # a is overwritten on every path: only the lookup matters
    except KeyError:
        a = np.cos(x)
    else:
        a = np.sin(x)
    return np.sum(a)


@pytest.mark.parametrize("d", [{}, {"k": 2.0}])
def test_a_dead_value_that_may_raise_is_kept(d):
    """Dead-code elimination keeps a statement of a try body whose value is never read:
    its exception picks the path."""
    _check_all(dead_lookup, (_x(3, 17), d))


def first_valid(x, keys, d):
    for k in keys:
        try:
            return np.sum(x * d[k])
        except KeyError:
            pass
    return np.sum(x ** 2)


@pytest.mark.parametrize("keys", [["a", "b"], ["q", "b"], ["q", "r"], []])
def test_return_in_try_inside_a_loop(keys):
    _check_all(first_valid, (_x(3, 18), keys, {"a": 1.5, "b": 2.5}))


def raise_in_body(x, limit):
    try:
        y = np.sin(x)
        if np.sum(y) > limit:
            raise ValueError("too big")
        y = y * 3.0
    except ValueError as err:
        y = y * len(str(err))
    return np.sum(y * x)


@pytest.mark.parametrize("limit", [0.5, 5.0], ids=["raised", "not_raised"])
def test_raise_in_the_try_body(limit):
    _check_all(raise_in_body, (_x(3, 19), limit))


def raise_from(x, d):
    try:
        s = x * d["k"]
    except KeyError as missing:
        raise ValueError("no k") from missing
    return np.sum(s)


def test_raise_from_in_a_handler():
    with pytest.raises(ValueError, match="no k") as info:
        astgrad.grad(raise_from)(_x(), {})
    assert isinstance(info.value.__cause__, KeyError)
    with pytest.raises(ValueError, match="no k"):
        astgrad.jvp(raise_from, (_x(), {}), (_x(), {}))
    _check_all(raise_from, (_x(), {"k": 2.0}))


def skip_missing(x, keys, d):
    total = 0.0
    for k in keys:
        try:
            v = d[k] * x
        except KeyError:
            continue
        total = total + np.sum(np.sin(v))
    return total


def stop_at_missing(x, keys, d):
    total = 0.0
    for k in keys:
        try:
            v = d[k] * x
        except KeyError:
            break
        else:
            total = total + np.sum(np.sin(v))
    else:
        total = total * 2.0
    return total


@pytest.mark.parametrize("fn", [skip_missing, stop_at_missing])
@pytest.mark.parametrize("keys", [["a", "b"], ["a", "q", "b"], ["q"], []])
def test_continue_and_break_in_a_handler(fn, keys):
    _check_all(fn, (_x(3, 20), keys, {"a": 1.5, "b": -0.5}))


class Ledger:
    def __init__(self):
        self.m = {"h": []}

    def add_both(self, k, j, v):
        self.m[k].append(v)
        self.m[j].append(v)             # KeyError for a missing j, after the first append


def method_raising_part_way(x):
    led = Ledger()
    try:
        led.add_both("h", "zz", x * 2.0)
    except KeyError:
        pass
    return np.sum(sum(led.m["h"]) * x)  # Python: h holds the first append


def test_a_method_changing_its_object_inside_a_try_body_is_refused():
    # its twin returns the new state, bound once it returns: a change made before it raised would be lost
    with pytest.raises(astgrad.TransformError, match=r"test_try_except\.py:\d+: .*Ledger\.add_both in the body of a "
                                                     r"try with except: it changes the object it is called on and "
                                                     r"may raise after that.*call it before or after the try"):
        astgrad.grad(method_raising_part_way)(_x())
    assert method_raising_part_way(_x()) == pytest.approx(2.0 * np.sum(_x() * _x()))
