"""Random programs calling astgrad's transforms inside differentiated code
(frontend/normalize/nested.py): ``astgrad.grad(g)``, ``value_and_grad(g)`` and
``jvp(g, ...)`` of a module-level function, a local def or a lambda reading the
enclosing function's variables, with ``wrt`` given or not, in a loop or a branch, nested
two deep, in any order; gradients made as values (made.py) returned by a helper, stored
in a list, handed to a helper.

The oracle is the program run as Python (the inner transforms then run as plain calls
of astgrad at run time): value_and_grad of the outer function gives its value, and its
gradient equals central finite differences of it; jvp equals the gradient contracted
with the tangent; a second call gives the same numbers; grad of grad (where astgrad
does not refuse it) equals finite differences of the gradient.
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

import astgrad
from adversarial import _stable_fd
from fd import assert_close, numerical_grad
from program_files import load, load_shared

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"

PRELUDE = '''
import astgrad
import numpy as np


def inner(a, b):
    return np.sin(a * b) + a * a * b


def inner_nested(a, b):
    return astgrad.grad(inner)(a, b * 0.5) * b


def make(g, wrt):
    return astgrad.grad(g, wrt)


def apply(d, a, b):
    return d(a, b)
'''

# the inner function, as the text defining g (reads x and w where it is local)
FUNCTIONS = {
    "module": "g = inner",
    "module nested": "g = inner_nested",
    "lambda": "g = lambda a, b: np.cos(a * w) * b + a * x",
    "def": "def g(a, b):\n        t = a * b\n        return t * t * w + np.tanh(a)",
    "def calling grad": "def g(a, b):\n        return astgrad.grad(lambda q: q * q * b * w)(a) + a",
}
# a transform of g applied to (p, q): an expression
TRANSFORMS = [
    "astgrad.grad(g)({p}, {q})",
    "astgrad.grad(g, 1)({p}, {q})",
    "astgrad.grad(g, wrt=(0, 1))({p}, {q})[1]",
    "astgrad.value_and_grad(g)({p}, {q})[0]",
    "astgrad.value_and_grad(g)({p}, {q})[1]",
    "astgrad.value_and_grad(g, wrt=1)({p}, {q})[0] * 0.5",
    "astgrad.jvp(g, ({p}, {q}), (1.0, 0.5))[1]",
    "astgrad.jvp(g, ({p}, {q}), (0.0, 1.0))[0]",
    "g({p}, {q})",
    # gradients made in the code as values: returned, stored, handed to a helper
    "make(g, 1)({p}, {q})",
    "[astgrad.grad(g, 1), g][0]({p}, {q})",
    "apply(astgrad.value_and_grad(g), {p}, {q})[1]",
]
OPERANDS = ["x", "w", "x * w", "np.sin(x)", "w + 1.0", "s"]
STATEMENTS = [
    "s = s + {t}",
    "s = s * 0.5 + {t} * x",
    "for k in range(2):\n        s = s + {t} * (k + 1.0)",
    "if x > w:\n        s = s - {t}\n    else:\n        s = s + {t} * w",
]


def draw_program(draw):
    function = draw(st.sampled_from(sorted(FUNCTIONS)), label="g")
    lines = ["s = x * w", FUNCTIONS[function]]
    for k in range(draw(st.integers(1, 3), label="statements")):
        transform = draw(st.sampled_from(TRANSFORMS), label=f"transform {k}")
        term = transform.format(p=draw(st.sampled_from(OPERANDS), label=f"p {k}"),
                                q=draw(st.sampled_from(OPERANDS), label=f"q {k}"))
        lines.append(draw(st.sampled_from(STATEMENTS), label=f"statement {k}").format(t=term))
    body = "".join("    " + line + "\n" for line in lines)
    return PRELUDE + "\n\ndef prog(x, w):\n" + body + "    return s\n"


@settings(max_examples=250 if THOROUGH else 3, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data(), x=st.floats(0.2, 1.2), w=st.floats(-1.0, -0.1) | st.floats(0.1, 1.0))
def test_transforms_inside_differentiated_code(data, x, w):
    text = draw_program(lambda strategy, label: data.draw(strategy, label=label))
    assume(abs(x - w) > 1e-3)                   # away from the branch x > w
    fn = load(text)
    note(text)
    expected = fn(x, w)
    try:
        vg = astgrad.value_and_grad(fn, (0, 1))
        value, grads = vg(x, w)
    except astgrad.TransformError:
        return
    assert_close(value, expected, rtol=1e-12, atol=1e-12, msg="value")
    # the oracle only where central differences at two steps agree: a term such as sin(s * s)
    # with s in the thousands curves faster than the step can follow (FD off by 6e-4 there)
    numeric = _stable_fd(fn, (x, w), (0, 1), 1e-5)
    assume(numeric is not None)
    assert_close(grads, numeric, rtol=1e-5, atol=1e-6, msg="gradient vs fd")
    again = vg(x, w)[1]
    assert again[0] == grads[0] and again[1] == grads[1], (again, grads)
    _, tangent = astgrad.jvp(fn, (x, w), (0.25, -1.0))
    assert_close(tangent, 0.25 * grads[0] - grads[1], rtol=1e-9, atol=1e-10, msg="jvp vs gradient")
    if not (THOROUGH or data.draw(st.booleans(), label="second order?")):
        return
    try:
        second = astgrad.grad(astgrad.grad(fn, 0), 1)(x, w)
    except astgrad.TransformError:
        return
    numeric = numerical_grad(lambda a, b: astgrad.grad(fn, 0)(a, b), (x, w), 1, eps=1e-5)
    assert_close(second, numeric, rtol=1e-4, atol=1e-5, msg="grad of grad vs fd of the gradient")


def _closure_grad(w):
    def g(a):
        return astgrad.grad(lambda q: q * q * w)(a)
    return astgrad.grad(g)(1.0)


def _closure_value_and_grad(w):
    def g(a, b):
        h = lambda q: q * q * b * w             # noqa: E731
        return astgrad.value_and_grad(h)(a)[1] + a
    return astgrad.grad(g)(1.0, 1.0)


def _closure_function(k):
    def act(q):
        return q * k
    def g(a):
        return astgrad.grad(lambda q: act(q) * q)(a)
    return astgrad.grad(g)(1.0)


def test_a_transform_inside_a_closure_reads_the_closure_made_now():
    """Regression: the gradient of a closure ``g`` calling ``astgrad.grad`` of a lambda
    that reads ``g``'s closure variable ``w`` was made once for the first ``g`` (code is
    shared by closures of one factory) and kept reading the first ``w``: 2, 2 for 2, 4."""
    assert [_closure_grad(w) for w in (1.0, 2.0, -3.0)] == [2.0, 4.0, -6.0]
    assert [_closure_value_and_grad(w) for w in (1.0, 2.0)] == [3.0, 5.0]
    assert [_closure_function(k) for k in (1.0, 2.0)] == [2.0, 4.0]     # a closure's function


SAME_CALLEE_TWO_WRT = {     # the body of prog(x, w)
    "grad of a grad": """s = x * w

    def g(a, b):
        return astgrad.grad(lambda q: q * q * b * w)(a) + a
    if x > w:
        s = s - astgrad.grad(g, 1)(s, x)
    s = s + astgrad.grad(g, 0)(x, x)
    return s
""",
    "value_and_grad": """s = x * w

    def g(a, b):
        t = a * b
        return t * t * w + np.tanh(a)
    if x > w:
        s = s - astgrad.value_and_grad(g, wrt=1)(w + 1.0, s)[0] * 0.5
    else:
        s = s + astgrad.value_and_grad(g, wrt=1)(w + 1.0, s)[0] * 0.5 * w
    for k in range(2):
        s = s + astgrad.value_and_grad(g)(np.sin(x), w)[0] * (k + 1.0)
    return s
""",
}


@pytest.mark.parametrize("x, w", [(0.54, 0.9), (0.54, 0.3), (1.1, -0.4)])
@pytest.mark.parametrize("case", sorted(SAME_CALLEE_TWO_WRT))
def test_two_gradients_of_one_local_function_with_different_wrt(case, x, w):
    """Regression: derivatives of one local function for two ``wrt`` (one in a branch,
    one in a loop) got one name in the outer derivative, and one call passed the other's
    seed keyword (``TypeError: grad_grad_g() got an unexpected keyword argument
    'dd_d_a_1'``): a block generated again gave its names back while the namespace kept
    the binding. Reverse and forward mode against finite differences, and grad of grad."""
    fn = load_shared("import astgrad\nimport numpy as np\n\n\ndef prog(x, w):\n    " + SAME_CALLEE_TWO_WRT[case])
    grads = astgrad.grad(fn, (0, 1))(x, w)
    assert_close(grads, numerical_grad(fn, (x, w), (0, 1)), rtol=1e-6, atol=1e-7)
    _, tangent = astgrad.jvp(fn, (x, w), (0.25, -1.0))
    assert_close(tangent, 0.25 * grads[0] - grads[1], rtol=1e-9, atol=1e-10)
    numeric = numerical_grad(lambda a, b: astgrad.grad(fn, 0)(a, b), (x, w), 1, eps=1e-5)
    assert_close(astgrad.grad(astgrad.grad(fn, 0), 1)(x, w), numeric, rtol=1e-4, atol=1e-5)
