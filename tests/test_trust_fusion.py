"""Random loops aimed at the passes that rewrite specialized reverse code: loop fusion
(backend/fuse_loops.py: a loop's adjoint run in the loop itself where no step needs a
later one), the matmul adjoints written as products (analysis/matmul_adjoints.py),
equal terms added doubled (backend/equal_terms.py), and values a loop computes that
nothing reads (dead loop values).

hypothesis draws a ``for i in range(n)`` loop (n may be 0) whose body computes values
from the arguments and the counter (products ``@`` of vectors and matrices, squares
``h * h``, values nothing reads, values that are rebound), and sums them into
accumulators (numbers and arrays), or carries state from one step to the next (which
must not be fused), with a second loop or nested loop sometimes. Checked:

- the specialized gradient (float64 arrays, so the plain products are used) == central
  finite differences, == the general code's gradient, called twice;
- forward mode == the gradient along tangents; the Hessian of the first argument ==
  finite differences of the gradient.
"""

import os

import numpy as np
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

import astgrad
from astgrad.caching import reverse_derivative
from fd import assert_close, numerical_grad, numerical_hessian
from program_files import load

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
WRT = (0, 1)

# values computed in the body: (text, "v" for a vector of 3 / the shape of x, "s" for a number)
VALUES = [("x * i", "x"), ("np.sin(x * w[0] + i)", "x"), ("A @ w", "v"), ("w @ A", "v"), ("x @ A", "x"),
          ("np.tanh(A @ w * i)", "v"), ("w * w", "v"), ("np.sum(x * x) * i", "s"), ("math.sin(w[0] * i)", "s"),
          ("np.outer(w, w)[0]", "v"), ("A.T @ (w * i)", "v"), ("(A @ A)[1] * w", "v"), ("np.dot(w, w) + i", "s")]
USES = ["{a} = {a} + {e}", "{a} += {e}", "{a} = {a} + {h} * {h}", "{a} = {a} - 0.5 * {e}", "{a} += {h} * {e}"]


def draw_body(draw, indent):
    """Lines of a loop body and the names it sums into."""
    lines = []
    for k in range(draw(st.integers(1, 3), label="values")):
        text, shape = draw(st.sampled_from(VALUES), label=f"value {k}")
        name = f"h{indent}{k}"
        lines.append(f"{name} = {text}")
        target = {"x": "acc_x", "v": "acc_v", "s": "acc_s"}[shape]
        if draw(st.integers(0, 4), label="dead?") == 0:
            continue                        # computed, never read
        use = draw(st.sampled_from(USES), label=f"use {k}")
        other = {"x": "np.cos(x)", "v": "w", "s": "1.5"}[shape]
        lines.append(use.format(a=target, e=name, h=name if use.count("{h}") else other))
        if use.endswith("{e}") and "{h}" in use:
            lines[-1] = lines[-1].replace(f"{name} * {name}", f"{other} * {name}")
    if draw(st.booleans(), label="carried?"):
        lines.append("z = np.tanh(z * 0.5 + A @ z * 0.3 + w)")
    if draw(st.booleans(), label="rebound?"):
        lines.append(f"h{indent}0 = h{indent}0 * 2.0")
    return lines


def draw_program(draw):
    body = ["acc_x = np.zeros_like(x)", "acc_v = np.zeros(3)", "acc_s = 0.0", "z = w * 1.0"]
    loops = draw(st.integers(1, 2), label="loops")
    for k in range(loops):
        nested = draw(st.integers(0, 3), label="nested?") == 0
        body.append(f"for i in range({'n' if k == 0 else 'n + 1'}):")
        inner = draw_body(draw, 1 + k)
        if nested:
            body.append("    for j in range(2):")
            body += ["        " + line.replace("* i", "* (i + j)") for line in inner]
        else:
            body += ["    " + line for line in inner]
    ret = "np.sum(acc_x * acc_x) + np.sum(np.sin(acc_v)) + acc_s * acc_s + np.sum(z) + np.sum(x * w[0])"
    text = "".join(f"    {line}\n" for line in body)
    return f"import math\n\nimport numpy as np\n\n\ndef prog(x, w, A, n):\n{text}    return {ret}\n"


@settings(max_examples=600 if THOROUGH else 4, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_loops_of_random_programs(data):
    text = draw_program(data.draw)
    shape = data.draw(st.sampled_from([(3,), (2, 3)]), label="x shape")
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 16), label="seed"))
    n = data.draw(st.sampled_from([0, 1, 2, 3]), label="n")
    args = (rng.uniform(-1, 1, shape), rng.uniform(-0.8, 0.8, 3), rng.uniform(-0.6, 0.6, (3, 3)), n)
    note(text)
    f = load(text)
    with np.errstate(all="ignore"):
        value = f(*args)
    assume(np.isfinite(value) and abs(value) < 1e3)
    try:
        g = astgrad.grad(f, WRT)
        got = g(*args)
    except astgrad.TransformError:
        return
    again = g(*args)
    for a, b in zip(got, again):
        np.testing.assert_array_equal(a, b, err_msg="a second call")
    assert_close(got, numerical_grad(f, args, WRT), rtol=1e-5, atol=1e-6, msg="specialized vs fd")
    general = reverse_derivative(f, WRT, False)(*args)
    assert_close(got, general, rtol=1e-10, atol=1e-12, msg="specialized vs general")
    tangents = (rng.standard_normal(shape), rng.standard_normal(3), np.zeros((3, 3)), None)
    _, tangent = astgrad.jvp(f, args, tangents)
    expected = float(np.sum(got[0] * tangents[0]) + np.sum(got[1] * tangents[1]))
    assert_close(tangent, expected, rtol=1e-8, atol=1e-10, msg="jvp vs gradient")
    if THOROUGH or data.draw(st.integers(0, 3), label="hessian?") == 0:
        hess = astgrad.hessian(f, 1)(*args)
        numeric = numerical_hessian(lambda *a: g(*a)[1], args, wrt=1)
        assert_close(np.reshape(hess, numeric.shape), numeric, rtol=1e-4, atol=1e-5, msg="hessian")
