"""Random programs on Python numbers, aimed at the code specialized to float and int
arguments (backend/sink_numbers.py moves a number used once into its use; a number's
derivative starts from ``0.0``).

hypothesis draws straight-line code, ``range`` loops and branches over the numbers
``x``, ``y`` (floats) and ``n`` (an int): temporaries used once and used twice, names
rebound in loops and aliased (``c = a`` then ``a`` rebound), ints mixed with floats
(``n * a``, ``a ** n``, ``i`` of a loop), ``math.inf``/``math.nan`` kept out of the
result by ``min``/``max`` or a branch, and ``complex`` (refused or real-only). Each
program must give, or be refused with TransformError:

- the specialized gradient (a version made for float/int kinds, called twice: the
  second call runs fast_call's code) == the general code's gradient, equal to the last
  bits or within 1e-12 (both compute the same operations);
- == central finite differences; == forward mode (jvp); == vjp's pullback;
- grad(grad(f)) == finite differences of the gradient.
"""

import math
import os

import numpy as np
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

import astgrad
from astgrad import argument_kinds
from astgrad.caching import reverse_derivative
from fd import assert_close, numerical_grad
from program_files import load

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
NAMES = ["a", "b", "c"]
# one statement each, over names already bound ({p}, {q}: any of them or x, y)
STATEMENTS = [
    "{t} = {p} * {q}",
    "{t} = math.sin({p}) + {q}",
    "{t} = {p} / (1.0 + {q} * {q})",
    "{t} = {p} * n + {q}",
    "{t} = {p} ** 2 - {q}",
    "{t} = {p} ** n",
    "{t} = math.exp(-{p} * {p}) * {q}",
    "{t} = math.tanh({p}) * {p}",
    "{t} = {p}",
    "{t} = -{p}",
    "{t} = min({p}, math.inf) + max({q}, -math.inf)",
    "{t} = abs({p} - 0.3719) + 0.5 * {q}",
    "{t} = float({p}) * 2",
    "{t} = {p} * 3 // 1 * 0.0 + {p}",
    "{t} += {p} * {q}",
    "{t} *= 1.0 + 0.25 * math.cos({p})",
    "{t} -= {q} / 3",
    "tmp = {p} * {q}\n{t} = tmp + tmp * tmp",
    "tmp = math.cos({p})\n{t} = {q} * tmp",
    "{t}, {u} = {q}, {p}",
    "{t} = (complex({p}, {q}) * complex(0.5, 1.0)).real",
    "{t} = {p} if {q} > 0.3137 else {q} * 2.0",
    "{t} = {p} + (math.nan if {q} > 1e9 else 0.0)",
]
LOOPS = [
    "for i in range(n):\n    {body}",
    "for i in range(1, n + 2):\n    {t} = {t} * 0.5 + i * {p}\n    {body}",
    "i = 0\nwhile i < n:\n    {body}\n    i = i + 1",
    "if {p} > {q}:\n    {body}\nelse:\n    {t} = {q} * {p}",
]
NUMBERS = st.floats(0.05, 2.0) | st.floats(-2.0, -0.05)        # kinks sit elsewhere (abs at 0.3719)
RETURNS = ["{p} + {q}", "{p} * {q} + x", "math.sin({p}) * {q}", "{p}"]


def _statement(draw, bound, label):
    template = draw(st.sampled_from(STATEMENTS), label=label)
    pick = st.sampled_from(bound)
    target = draw(st.sampled_from(NAMES), label=label + " target")        # all bound from the start
    other = draw(st.sampled_from([n for n in NAMES if n != target]), label=label + " second target")
    text = template.format(t=target, u=other, p=draw(pick, label=label + " p"), q=draw(pick, label=label + " q"))
    return text, {target} | ({other} if "{u}" in template else set())


def draw_program(draw):
    """The text of ``prog(x, y, n)``."""
    bound = ["x", "y"]
    lines = ["a = x", "b = y * 1.0", "c = 0.5"]
    bound += NAMES
    for k in range(draw(st.integers(1, 6), label="statements")):
        text, _ = _statement(draw, bound, f"s{k}")
        if draw(st.integers(0, 3), label=f"loop? {k}") == 0:
            loop = draw(st.sampled_from(LOOPS), label=f"loop {k}")
            text = loop.format(body=text.replace("\n", "\n    "), t=draw(st.sampled_from(NAMES), label=f"lt{k}"),
                               p=draw(st.sampled_from(bound), label=f"lp{k}"),
                               q=draw(st.sampled_from(bound), label=f"lq{k}"))
        lines.append(text)
    pick = st.sampled_from(bound)
    result = draw(st.sampled_from(RETURNS), label="return").format(p=draw(pick, label="rp"), q=draw(pick, label="rq"))
    body = "".join("    " + line.replace("\n", "\n    ") + "\n" for line in lines)
    return f"import math\n\n\ndef prog(x, y, n):\n{body}    return {result}\n"


def _finite(fn, args):
    """Whether f is finite and moderate near ``args`` (finite differences mean something)."""
    try:
        values = [fn(args[0] + dx, args[1] + dy, args[2]) for dx in (-1e-4, 0.0, 1e-4) for dy in (-1e-4, 0.0, 1e-4)]
    except (OverflowError, ZeroDivisionError, ValueError, TypeError):
        return False
    return all(isinstance(v, float) and math.isfinite(v) and abs(v) < 1e4 for v in values)


def _smooth(fn, args):
    """f is smooth at ``args`` in x and y: one-sided differences from either side agree
    (a kink or a branch boundary at the point, which central differences average, fails)."""
    h = 1e-5
    for i in (0, 1):
        at = fn(*args)
        step = list(args)
        step[i] = args[i] + h
        forward = (fn(*step) - at) / h
        step[i] = args[i] - h
        backward = (at - fn(*step)) / h
        if abs(forward - backward) > 1e-3 * (1.0 + abs(forward)):
            return False
    return True


def examples(ci, thorough):
    return settings(max_examples=thorough if THOROUGH else ci, deadline=None,
                    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


def check_number_program(fn, args, second_order=True):
    try:
        g = astgrad.grad(fn, (0, 1))
        first = g(*args)
    except astgrad.TransformError:
        return
    second = g(*args)
    assert g._fast is not None, "the second call did not take the fast path"
    assert argument_kinds.signature(args) in g._versions.signatures()
    assert first == second, (first, second)
    for value in second:
        assert type(value) is float, type(value)
    general = reverse_derivative(fn, (0, 1), False)(*args)
    assert_close(second, [float(v) for v in general], rtol=1e-12, atol=1e-14, msg="specialized vs general")
    assert_close(second, numerical_grad(fn, args, (0, 1)), rtol=1e-5, atol=1e-6, msg="vs finite differences")
    _, tangent = astgrad.jvp(fn, args, (0.5, -1.5, None))
    assert_close(tangent, 0.5 * second[0] - 1.5 * second[1], rtol=1e-9, atol=1e-11, msg="jvp vs grad")
    _, pullback = astgrad.vjp(fn, *args)
    assert_close(pullback(2.0)[:2], [2.0 * v for v in second], rtol=1e-12, atol=1e-13, msg="vjp vs grad")
    if not second_order:
        return
    try:
        gg = astgrad.grad(astgrad.grad(fn, 0), 1)
        second_order = gg(*args)
    except astgrad.TransformError:
        return
    assert gg(*args) == second_order
    numeric = numerical_grad(lambda x, y, n: g(x, y, n)[0], args, 1, eps=1e-5)
    assert_close(second_order, numeric, rtol=1e-4, atol=1e-5, msg="grad of grad vs fd of grad")


@examples(ci=8, thorough=1500)
@given(data=st.data(), x=NUMBERS, y=NUMBERS, n=st.integers(0, 3))
def test_number_programs(data, x, y, n):
    text = draw_program(lambda strategy, label: data.draw(strategy, label=label))
    fn = load(text)
    args = (x, y, n)
    assume(_finite(fn, args) and _smooth(fn, args))
    note(text)
    check_number_program(fn, args, second_order=THOROUGH or data.draw(st.booleans(), label="second order?"))


SELF_ASSIGNMENTS = [
    "a = x * x\n    a = a\n    b = x * a\n    for i in range(n):\n        a = x * x\n    return x + b",
    "a = x * x\n    a: float = a\n    b = x * a\n    for i in range(n):\n        a = x * x\n    return x + b",
    "a = x * x\n    c = a = a\n    b = x * a * c\n    for i in range(n):\n        a = x * x\n    return x + b",
    "a = x * x\n    for i in range(n):\n        a = a\n        a = a * x\n    return a",
]


def test_a_name_assigned_to_itself():
    """Regression (found by test_number_programs): ``a = a`` where ``a`` is rebound in a
    loop reached reverse mode as a copy of ``a`` onto itself, whose adjoint doubled
    ``a``'s derivative and lost the statements before it (x + x**3 gave 1 + x**2)."""
    for body in SELF_ASSIGNMENTS:
        fn = load("def prog(x, n):\n    " + body + "\n")
        for x, n in ((0.7, 0), (0.7, 2), (-1.3, 1)):
            expected = numerical_grad(fn, (x, n), 0)
            assert_close(astgrad.grad(fn, 0)(x, n), expected, msg=body)
            assert_close(astgrad.grad(fn, 0)(np.array(x), n), expected, msg=body)
            assert_close(astgrad.grad(astgrad.grad(fn, 0), 0)(x, n),
                         numerical_grad(lambda a, k: astgrad.grad(fn, 0)(a, k), (x, n), 0), rtol=1e-4, atol=1e-5)
