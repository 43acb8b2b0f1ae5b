"""Random programs against the value-less gradient (analysis/scalar_output.py): where the
arguments' kinds prove that f returns a real number, ``grad`` does not compute f's value
and makes no check of it. A wrong proof is a silent wrong answer (an array's gradient
seeded as if it were a number, a boolean or complex output differentiated).

hypothesis draws expressions that are, or are not, real numbers depending on the
arguments' kinds (reductions, items, comparisons, ``**`` with fractional exponents,
``math`` functions, branches returning different layouts), and arguments of many kinds
(Python float, int and bool, 0-d and n-d float64/float32/int/bool arrays). NumPy itself
is the oracle for what f returns:

- a real number: ``grad`` == ``value_and_grad``'s gradient == central finite
  differences (float64), for a fresh grad object and when called again;
- an array of another shape: ValueError; a boolean or complex number: TypeError (the
  same messages as value_and_grad's), never a gradient;
- a module-level name f reads, rebound between calls to an array, a complex or a
  boolean: the same errors at the next call of the grad object made before.
"""

import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp
from program_files import load

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"

KINDS = {
    "float": lambda rng: float(rng.uniform(0.2, 1.5)),
    "neg float": lambda rng: float(rng.uniform(-1.5, -0.2)),
    "int": lambda rng: int(rng.integers(1, 4)),
    "f8 0-d": lambda rng: np.array(rng.uniform(0.2, 1.5)),
    "f8 (3,)": lambda rng: rng.uniform(-1.5, 1.5, 3),
    "f8 (1,)": lambda rng: rng.uniform(0.2, 1.5, 1),
    "f8 (2, 3)": lambda rng: rng.uniform(-1.5, 1.5, (2, 3)),
    "f4 (3,)": lambda rng: rng.uniform(-1.5, 1.5, 3).astype(np.float32),
    "i8 (3,)": lambda rng: rng.integers(1, 4, 3),
    "f8 scalar": lambda rng: np.float64(rng.uniform(0.2, 1.5)),
}
N_KINDS = {"int": KINDS["int"], "float": KINDS["float"], "f8 0-d": KINDS["f8 0-d"], "bool": lambda rng: True,
           "bool 0-d": lambda rng: np.array(True)}
LEAVES = ["x", "x", "n", "K", "1.5", "2"]
UNARY = ["np.sum({a})", "np.mean({a})", "{a}[0]", "{a}[-1]", "np.sin({a})", "np.exp(-{a} * {a})",
         "math.sin({a})", "({a} > 0.5)", "np.sqrt({a})", "{a} ** 0.5", "abs({a})", "np.max({a})",
         "np.isnan({a})", "np.sum({a}, axis=0)", "float({a})", "np.tanh({a}) * 1j"]
BINARY = ["{a} * {b}", "{a} + {b}", "{a} - {b}", "{a} / (2.0 + {b} * {b})", "{a} ** {b}", "np.dot({a}, {b})",
          "np.maximum({a}, {b})"]
GLOBALS = ["2.0", "np.ones(3)", "1j", "True", "np.float32(3.0)", "np.ones(1)", "3"]


def expression(draw, depth):
    if depth == 0 or draw(st.integers(0, 3), label="leaf?") == 0:
        return draw(st.sampled_from(LEAVES), label="leaf")
    if draw(st.booleans(), label="unary?"):
        return draw(st.sampled_from(UNARY), label="unary").format(a=expression(draw, depth - 1))
    return draw(st.sampled_from(BINARY), label="binary").format(a=expression(draw, depth - 1),
                                                               b=expression(draw, depth - 1))


def program(draw):
    first = expression(draw, 3)
    lines = [f"r = {first}"]
    if draw(st.booleans(), label="branch?"):
        other = expression(draw, 2)
        lines = ["if n > 1:", f"    r = {first}", "else:", f"    r = {other}"]
    if draw(st.booleans(), label="rebind r?"):
        lines.append("r = " + draw(st.sampled_from(["r * x", "r + 1.0", "np.sum(r)", "r[0]", "r * K"]),
                                   label="rebind"))
    body = "".join(f"    {line}\n" for line in lines)
    return "import math\n\nimport numpy as np\n\nK = 2.0\n\n\ndef prog(x, n):\n" + body + "    return r\n"


def outcome(fn, *args):
    """('value', v) or ('error', type, message)."""
    try:
        with np.errstate(all="ignore"):
            return ("value", fn(*args))
    except Exception as error:      # noqa: BLE001 - the error is the outcome
        return ("error", type(error), str(error))


def expected_kind(value):
    """'real' for a real number (or a one-element real array, which grad takes as the number
    it holds), 'shape' for an array of another shape, 'type' for the rest."""
    if isinstance(value, (bool, np.bool_, complex, np.complexfloating)):
        return "type"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "real"
    if isinstance(value, np.ndarray):
        if value.size != 1:
            return "shape"          # (of any dtype: the shape is checked first)
        return "real" if value.dtype.kind in "fiu" else "type"
    return "type"


def _copies(args):
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def _difference_step(value, rtol):
    """(the relative step of the central differences, the tolerance to compare them at) for
    a function whose value is ``value``. NumPy computes np.sin(True) in float16 and, under
    NumPy 2's promotion, keeps a float16 times a Python float in float16: a step of 1e-6
    moves no such value (the differences are 0), so the step and the tolerance follow the
    value's precision there (the best step of central differences, eps ** (1/3), and their
    rounding error, eps ** (2/3))."""
    dtype = value.dtype if isinstance(value, (np.ndarray, np.generic)) else None
    if dtype is None or dtype.kind != "f" or dtype.itemsize >= 8:
        return 1e-6, rtol
    resolution = float(np.finfo(dtype).eps)
    return resolution ** (1 / 3), max(rtol, 10 * resolution ** (2 / 3))


def check(f, args, value, rtol=1e-4):
    kind = expected_kind(value)
    fresh = outcome(lambda *a: astgrad.grad(f)(*a), *_copies(args))
    both = outcome(lambda *a: astgrad.value_and_grad(f)(*a), *_copies(args))
    if fresh[0] == "error" and issubclass(fresh[1], astgrad.TransformError):
        return
    if kind == "real":
        assert both[0] == "value", both
        assert fresh[0] == "value", fresh
        assert_close(both[1][0], value, rtol=1e-12, atol=1e-12, msg="value_and_grad's value")
        assert_close(fresh[1], both[1][1], rtol=1e-12, atol=1e-12, msg="grad vs value_and_grad")
        x = args[0]
        if isinstance(x, float) or isinstance(x, np.ndarray) and x.dtype == np.float64 and np.all(np.abs(x) > 0.05):
            step, rtol = _difference_step(value, rtol)
            with np.errstate(all="ignore"):
                numeric = numerical_grad(f, args, wrt=0, eps=step)
            # where the chain rule meets an infinite local derivative (sqrt or ** 0.5 of an
            # exact zero such as x - x) the gradient is inf or NaN, as in JAX (docs/api.md,
            # "Numbers at special points"); grad == value_and_grad above still holds there
            if np.all(np.isfinite(numeric)) and np.all(np.abs(numeric) < 1e4) and np.all(np.isfinite(fresh[1])):
                assert_close(fresh[1], numeric, rtol=rtol, atol=1e-6, msg="grad vs fd")
        return
    assert fresh[0] == "error", f"grad gave {fresh[1]!r} for f's value {value!r}"
    wanted = ValueError if kind == "shape" else TypeError
    assert fresh[1] is wanted, fresh
    assert both[0] == "error" and both[1] is wanted, both


@settings(max_examples=800 if THOROUGH else 25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_value_less_gradients_of_random_programs(data):
    text = program(data.draw)
    # (x, the argument differentiated, is not a bool: see the known gap below)
    kinds = (data.draw(st.sampled_from(sorted(KINDS)), label="x kind"),
             data.draw(st.sampled_from(sorted(N_KINDS)), label="n kind"))
    rng = np.random.default_rng(data.draw(st.integers(0, 1000), label="seed"))
    args = (KINDS[kinds[0]](rng), N_KINDS[kinds[1]](rng))
    note(text)
    note(repr(args))
    f = load(text)
    primal = outcome(f, *_copies(args))
    if primal[0] == "error":
        return
    check(f, args, primal[1], rtol=1e-4)
    try:
        kept = astgrad.grad(f)
    except astgrad.TransformError:
        return
    first = outcome(kept, *_copies(args))
    f.__globals__["K"] = eval(data.draw(st.sampled_from(GLOBALS), label="K rebound"), {"np": np})
    primal = outcome(f, *_copies(args))
    if primal[0] == "error" or first[0] == "error":
        return
    again = outcome(kept, *_copies(args))
    kind = expected_kind(primal[1])
    if kind == "real":
        assert again[0] == "value", again
        both = astgrad.value_and_grad(f)(*_copies(args))
        assert_close(again[1], both[1], rtol=1e-12, atol=1e-12, msg="after rebinding K")
        if isinstance(f.__globals__["K"], complex):    # both right too: 1j * x reaching abs
            check(f, args, primal[1])   # (fd rounds other K's: np.float64 x becomes a float)
    else:
        assert again[0] == "error" and again[1] is (ValueError if kind == "shape" else TypeError), again


def abs_of(x):
    return abs(x)


def sum_of_abs(mask, w=1.0):
    return np.sum(np.abs(mask * w))


def test_a_bool_argument_differentiated_gets_a_clear_answer():
    with pytest.raises(TypeError, match="argument 0 is a bool"):
        astgrad.grad(abs_of)(True)
    with pytest.raises(TypeError, match="argument 0 is a bool"):
        astgrad.grad(sum_of_abs)(np.array([True, False]))
    assert astgrad.grad(sum_of_abs, wrt=1)(np.array([True, False]), 2.0) == 1.0   # a constant bool is fine
    assert astgrad.grad(abs_of)(-2.0) == -1.0         # a float still differentiates


def power_of_a_bool(x, n):
    return np.sum(np.sin(x) * x ** np.max(n))


@pytest.mark.parametrize("x", [np.array(0.8), np.array([0.8, 1.3, 0.4])], ids=["0-d", "1-d"])
@pytest.mark.parametrize("n", [np.array(True), np.array([False, False])], ids=["True", "False"])
def test_a_power_whose_exponent_is_a_numpy_bool_with_deprecations_as_errors(x, n):
    # NumPy 2.0 warns (a DeprecationWarning: np.bool interpreted as an index) inside its
    # own `array ** np.bool_`, which the derivative repeats where the function computes it;
    # the derivative's own code must not lean on that: every mode with the warning an error
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        value, gradient = astgrad.value_and_grad(power_of_a_bool)(x.copy(), n)
        assert_close(value, power_of_a_bool(x, n), rtol=1e-12, atol=1e-12)
        assert_close(gradient, numerical_grad(power_of_a_bool, (x, n)), rtol=1e-6, atol=1e-8)
        assert_close(astgrad.grad(power_of_a_bool)(x.copy(), n), gradient, rtol=1e-12, atol=1e-12)
        tangent = np.linspace(0.5, 1.5, x.size).reshape(x.shape)
        _, forward = astgrad.jvp(power_of_a_bool, (x.copy(), n), (tangent, np.zeros(n.shape)))
        assert_close(forward, np.sum(gradient * tangent), rtol=1e-8, atol=1e-10)
        by_x = astgrad.grad(power_of_a_bool)
        second = np.reshape(astgrad.hessian(power_of_a_bool)(x.copy(), n), (x.size, x.size))
        along = numerical_jvp(lambda v: by_x(v, n), (x,), (tangent,))
        assert_close(second @ tangent.ravel(), np.ravel(along), rtol=1e-5, atol=1e-6)


def float16_branch(x, n):
    if n > 1:
        r = x
    else:
        r = np.sin(n) * x       # np.sin(True) is a float16, and so is r under NumPy 2
    return r


def test_a_float16_value_is_differenced_at_its_own_precision():
    # the hypothesis campaign drew this program with seed 80: the check differenced it with a
    # step of 1e-6, which moves no float16, and read a gradient of 0
    args = (-0.6719498064821093, True)
    value = float16_branch(*args)
    check(float16_branch, args, value)
    assert astgrad.grad(float16_branch)(*args) == pytest.approx(float(np.sin(np.float16(True))), rel=1e-12)
    assert astgrad.grad(float16_branch)(-0.67, 2) == 1.0
