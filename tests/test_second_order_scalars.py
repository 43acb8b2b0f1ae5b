"""Second derivatives of small programs of one number: a 0-d array, a Python float, a
NumPy float64 scalar or a one-element array, read through ``[()]``, ``[...]``, ``[0]``,
``.item()``, ``float()``, ``np.asarray``, reductions, products, ``np.where`` and
comparisons.

hypothesis draws the program (``y = E(x)`` then ``return E(x, y)``, each expression a
small tree whose nodes keep track of what NumPy makes of them: a Python float, a NumPy
scalar or 0-d array, one element, or three) and the argument's kind. Oracles: the
gradient against central finite differences of f in the argument's own kind; grad of
grad, hessian, jvp of grad and vjp of grad (a random cotangent) against central
differences of the gradient; value_and_grad's value is f's. A few draws by default, many
under ``HYPOTHESIS_PROFILE=thorough``. Then the programs that found bugs, shrunk, as
fixed regressions.
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import astgrad
from fd import assert_close
from program_files import load_shared

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"

# what NumPy makes of a value: a Python float, a NumPy scalar or 0-d array (both read by
# [()] and [...]), an array of one element, an array of three
PY, NP0, ONE, VEC = "py", "np0", "one", "vec"
_RANK = {PY: 0, NP0: 1, ONE: 2, VEC: 3}

ARGUMENTS = {       # kind -> (make from a float, what NumPy makes of it)
    "0-d array": (np.array, NP0),
    "float": (float, PY),
    "float64": (np.float64, NP0),
    "one element": (lambda v: np.array([v]), ONE),
}


def _broadcast(*kinds):
    widest = max(kinds, key=_RANK.get)
    return NP0 if widest == PY and not all(k == PY for k in kinds) else widest


@st.composite
def expressions(draw, leaves, depth):
    """(text, kind) of an expression over ``leaves`` ([(text, kind)])."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        if draw(st.integers(0, 5)) == 0:
            return draw(st.sampled_from(["0.7", "1.5", "-0.4"])), PY
        return draw(st.sampled_from(leaves))
    sub = expressions(leaves, depth - 1)
    text, kind = draw(sub)
    choices = ["unary", "binary", "binary", "reduce", "asarray", "spread", "where"]
    if kind != PY:
        choices += ["[()]", "[...]"] * 2
    if kind in (NP0, ONE):
        choices += ["item"]
    if kind in (PY, NP0):
        choices += ["float", "np.float64", "compare"]
    if kind == NP0:
        choices += ["[None]"]
    if kind in (ONE, VEC):
        choices += ["[0]", "dot"]
    how = draw(st.sampled_from(choices))
    if how in ("[()]", "[...]"):
        return f"({text}){how}", kind
    if how == "[0]":
        return f"({text})[0]", NP0
    if how == "item":
        return f"({text}).item()", PY
    if how == "float":
        return f"float({text})", PY
    if how == "np.float64":
        return f"np.float64({text})", NP0
    if how == "[None]":
        return f"({text})[None]", ONE
    if how == "compare":    # a comparison of a computed value, true near every argument drawn
        form = draw(st.sampled_from(["({0}) * ({0} < 100.0)", "np.where({0} > -100.0, {0}, 0.0)"]))
        return form.format(text), NP0 if form.startswith("np.") else kind
    if how == "asarray":
        return f"np.asarray({text})", NP0 if kind == PY else kind
    if how == "unary":
        form = draw(st.sampled_from(["np.tanh({})", "np.sin({})", "np.exp(0.5 * {})", "-{}", "{} ** 2",
                                     "({}) / (1.0 + {} * {})", "abs({})"]))
        text = form.format(*[f"({text})"] * form.count("{}"))
        return text, NP0 if kind == PY and form.startswith("np.") else kind
    if how == "binary":     # by a number half the time: a number seed stays a number through it
        other, other_kind = draw(st.sampled_from([("2.0", PY), ("-0.6", PY)]) | sub)
        op = draw(st.sampled_from(["*", "+", "-"]))
        return f"({text}) {op} ({other})", _broadcast(kind, other_kind)
    if how == "reduce":
        form = draw(st.sampled_from(["np.sum({})", "np.mean({})", "np.prod({})", "np.max({})",
                                     "np.sum({}, keepdims=True)"]))
        kept = NP0 if kind in (PY, NP0) else ONE        # keepdims: a 0-d array stays one
        return form.format(text), kept if "keepdims" in form else NP0
    if how == "spread":
        return f"np.array([1.0, 2.0, 3.0]) * ({text})", VEC
    if how == "dot":
        form = draw(st.sampled_from(["np.dot({0}, np.sin({0}))", "({0}) @ ({0} * 0.5)"]))
        return form.format(text), NP0
    # np.where on a comparison of the argument, held away from the boundary (see _argument)
    other, other_kind = draw(sub)
    condition = draw(st.sampled_from(["x > 0.5", "np.asarray(x) < 0.5", "(x > 0.5) & (x < 10.0)"]))
    return f"np.where({condition}, {text}, {other})", _broadcast(kind, other_kind, leaves[0][1], NP0)


@st.composite
def programs(draw, x_kind):
    first, y_kind = draw(expressions([("x", x_kind)], 3))
    branch = ""
    if draw(st.integers(0, 2)) == 0:     # a Python if on a comparison of the argument
        condition = draw(st.sampled_from(["x > 0.5", "np.all(np.asarray(x) < 0.5)", "np.sum(x) > 0.5"]))
        update, update_kind = draw(expressions([("x", x_kind), ("y", y_kind)], 1))
        if _broadcast(y_kind, update_kind) != y_kind:    # y's kind whether the branch runs or not
            update = f"float(np.sum({update}))" if y_kind == PY else f"np.sum({update})"
        branch = f"    if {condition}:\n        y = y * ({update})\n"
    out, out_kind = draw(expressions([("x", x_kind), ("y", y_kind)], 3))
    if out_kind in (ONE, VEC):         # a number: hessian refuses a one-element output
        out = draw(st.sampled_from([f"np.sum({out})", f"({out})[0]"] + [f"({out}).item()"] * (out_kind == ONE)))
    return f"import numpy as np\n\n\ndef prog(x):\n    y = {first}\n{branch}    return {out}\n"


def _central(fn, x, h=1e-6):
    """Central differences of fn at x (one number, of any kind), x perturbed in its own
    kind: fd's helpers make a NumPy scalar a Python float."""
    make = type(x) if not isinstance(x, np.ndarray) else (lambda v: np.asarray(v).reshape(np.shape(x)))
    up, down = np.asarray(fn(make(x + h)), float), np.asarray(fn(make(x - h)), float)
    return (up - down) / (2 * h)


def _like(x, number):
    """``number`` as a value of x's kind (a cotangent or tangent for x's gradient)."""
    return np.full(np.shape(x), number) if isinstance(x, np.ndarray) else type(x)(number)


def check_second_order(f, x):
    """Every first- and second-order mode of f at x against central differences."""
    close = dict(rtol=1e-5, atol=1e-6)
    gradient = astgrad.grad(f)
    first = _central(f, x)
    got = gradient(x)
    assert_close(np.reshape(got, -1), np.reshape(first, -1), msg="grad", **close)
    value, again = astgrad.value_and_grad(f)(x)
    assert_close(np.asarray(value, float), np.asarray(f(x), float), msg="value_and_grad's value")
    assert_close(np.reshape(again, -1), np.reshape(first, -1), msg="value_and_grad", **close)
    assert_close(np.reshape(astgrad.jvp(f, (x,), (_like(x, 0.5),))[1], -1), 0.5 * np.reshape(first, -1),
                 msg="jvp", **close)
    assert_close(np.reshape(astgrad.vjp(f, x)[1](-1.3)[0], -1), -1.3 * np.reshape(first, -1), msg="vjp", **close)
    want = np.reshape(_central(gradient, x), -1)
    modes = {
        "grad(grad)": lambda: astgrad.grad(gradient)(x),
        "hessian": lambda: astgrad.hessian(f)(x),
        "jacobian(grad)": lambda: astgrad.jacobian(gradient)(x),
        "jvp(grad)": lambda: astgrad.jvp(gradient, (x,), (_like(x, 0.5),))[1],
        "vjp(grad)": lambda: astgrad.vjp(gradient, x)[1](_like(x, -1.3))[0],
    }
    scale = {"jvp(grad)": 0.5, "vjp(grad)": -1.3}
    for mode, run in modes.items():
        second = run()
        assert_close(np.reshape(second, -1), want * scale.get(mode, 1.0), msg=mode, **close)
        if mode in ("grad(grad)", "vjp(grad)", "jvp(grad)"):    # as the gradient: the argument's kind
            assert _kind(second) == _kind(got), (mode, _kind(second), _kind(got))
    assert _kind(got) == _kind(x) and _kind(again) == _kind(x), (_kind(got), _kind(again), _kind(x))
    return got


def _kind(value):
    """What a value is, as the gradient's kind is compared: its type, and an array's shape."""
    return (type(value).__name__, np.shape(value)) if isinstance(value, np.ndarray) else type(value).__name__


@settings(max_examples=300 if THOROUGH else 10, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
# the argument away from the comparisons' boundary 0.5, where the derivative jumps
@given(data=st.data(), kind=st.sampled_from(sorted(ARGUMENTS)), value=st.floats(0.1, 0.4) | st.floats(0.6, 0.95))
def test_second_derivatives_of_one_number_programs(data, kind, value):
    make, x_kind = ARGUMENTS[kind]
    text = data.draw(programs(x_kind), label="program")
    note(text)
    check_second_order(load_shared(text), make(value))


# what the campaign found, shrunk: (program body, argument)
FOUND = [
    # the gradient is unindex(...) * 2.0: the number seed of grad(grad) reached the index
    # through the product ('float' object is not subscriptable)
    ("return np.tanh((x * 2.0)[()])", np.array(0.3)),
    ("return np.tanh((x * 2.0)[...])", np.float64(0.3)),
    # a NumPy scalar made of a Python float: its tangent was the float, which [None] cannot read
    ("y = np.float64(x)\n    return np.sum(y[None] * y)", 0.3),
    ("y = np.float64(float(x) * 2.0)\n    return np.sum(y[None] * np.tanh(y))", 0.6),
]


@pytest.mark.parametrize("body, x", FOUND, ids=[body for body, _ in FOUND])
def test_what_the_campaign_found(body, x):
    got = check_second_order(load_shared(f"import numpy as np\n\n\ndef prog(x):\n    {body}\n"), x)
    assert _kind(got) == _kind(x)
