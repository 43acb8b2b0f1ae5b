"""Random programs calling functions of another module (frontend/normalize/foreign.py):
helpers reading their own module's globals, factories and closures made there,
helpers handed functions (lambdas of this module, helpers of that one), and helpers that
draw random numbers (inlined, so the numbers are drawn once, where f draws them).

The helper module and f's module are written as real files; a module-level generator
``RNG`` is made again from the same seed before every evaluation, so f is a function of
its arguments. Each program must give, or be refused with TransformError:

- reverse mode == central finite differences (each evaluation reseeded);
- value_and_grad's value == f's value; forward mode == the gradient along tangents;
- grad of the gradient with respect to w == finite differences of the gradient;
- after the helper module's ``SCALE`` is rebound, the gradient made before follows it.
"""

import importlib
import itertools
import os
import sys

import numpy as np
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import astgrad
import scratch_dirs
from fd import assert_close, numerical_grad

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
_dir = scratch_dirs.make("foreign_")     # not left in the temp directory
sys.path.insert(0, _dir)
_counter = itertools.count()

HELPERS = '''import numpy as np

SCALE = 1.5
RNG = np.random.default_rng(0)


def inner(v):
    return np.sin(v) * SCALE


def noisy(v):
    return v + 0.1 * RNG.normal(size=np.shape(v))


def noisy_scale(v):
    return v * RNG.uniform(0.5, 1.5)


def make(a):
    return lambda z: z * a + SCALE


def make_closure(a):
    def g(z):
        return inner(z) * a
    return g


def apply(fn, v):
    return fn(v) * SCALE


def twice(fn, v):
    return fn(fn(v))


def chain(v, a):
    step = make(a)
    for _ in range(2):
        v = step(v) * 0.5
    return v
'''

TERMS = ["{h}.inner({e})", "{h}.noisy({e})", "{h}.noisy_scale({e})", "{h}.make(w)({e})",
         "{h}.make_closure(w)({e})", "{h}.apply({h}.inner, {e})", "{h}.apply(lambda z: z * w, {e})",
         "{h}.twice(lambda z: np.tanh(z) * w, {e})", "{h}.twice({h}.make(w), {e})", "{h}.chain({e}, w)",
         "{e} * w", "np.cos({e})", "local_noise({e})"]


def load_pair(body):
    n = next(_counter)
    helpers, main = f"trust_helpers_{os.getpid()}_{n}", f"trust_main_{os.getpid()}_{n}"
    with open(os.path.join(_dir, helpers + ".py"), "w") as handle:
        handle.write(HELPERS)
    text = (f"import numpy as np\n\nimport {helpers} as H\n\nRNG = np.random.default_rng(1)\n\n\n"
            f"def local_noise(v):\n    return v * (1.0 + 0.1 * RNG.normal())\n\n\n"
            f"def f(x, w):\n{body}")
    with open(os.path.join(_dir, main + ".py"), "w") as handle:
        handle.write(text)
    importlib.invalidate_caches()
    return importlib.import_module(helpers), importlib.import_module(main), text


def expression(draw, depth):
    if depth == 0 or not draw(st.integers(0, 2), label="nest?"):
        return draw(st.sampled_from(["x", "x * w", "x + w"]), label="leaf")
    return draw(st.sampled_from(TERMS), label="term").format(h="H", e=expression(draw, depth - 1))


def seeded(helpers, module, seed):
    """f with both generators made again from ``seed`` before each evaluation."""
    def call(fn, *args):
        helpers.RNG = np.random.default_rng(seed)
        module.RNG = np.random.default_rng(seed + 1)
        return fn(*args)
    return call


@settings(max_examples=500 if THOROUGH else 5, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_functions_of_another_module(data):
    lines = [f"    t{i} = {expression(data.draw, 3)}" for i in range(data.draw(st.integers(1, 2), label="terms"))]
    body = "\n".join(lines) + "\n    return np.sum(" + " + ".join(f"t{i}" for i in range(len(lines))) + ")\n"
    helpers, module, text = load_pair(body)
    note(text)
    shape = data.draw(st.sampled_from([(), (3,)]), label="shape")
    rng = np.random.default_rng(data.draw(st.integers(0, 1000), label="seed"))
    x = float(rng.uniform(0.2, 1.0)) if shape == () else rng.uniform(0.2, 1.0, shape)
    w = float(rng.uniform(0.3, 1.0))
    run = seeded(helpers, module, 7)
    plain = lambda *a: run(module.f, *a)       # noqa: E731
    try:
        g = astgrad.value_and_grad(module.f, wrt=(0, 1))
        value, grads = run(g, x, w)
    except astgrad.TransformError:
        return
    assert_close(value, plain(x, w), rtol=1e-12, atol=1e-12, msg="value")
    assert_close(grads, numerical_grad(plain, (x, w), wrt=(0, 1)), rtol=1e-5, atol=1e-6, msg="vs fd")
    tangents = (0.3 if shape == () else rng.standard_normal(shape), -0.6)
    _, tangent = run(astgrad.jvp, module.f, (x, w), tangents)
    assert_close(tangent, float(np.sum(grads[0] * tangents[0]) + grads[1] * tangents[1]),
                 rtol=1e-8, atol=1e-10, msg="jvp vs gradient")
    by_w = astgrad.grad(module.f, wrt=1)
    try:
        second = run(astgrad.grad(by_w, wrt=1), x, w)
    except astgrad.TransformError:
        second = None
    if second is not None:
        expected = numerical_grad(lambda *a: run(by_w, *a), (x, w), wrt=1)
        assert_close(second, expected, rtol=1e-4, atol=1e-6, msg="grad of grad vs fd")
    helpers.SCALE = 0.75
    assert_close(run(g, x, w)[1], numerical_grad(plain, (x, w), wrt=(0, 1)), rtol=1e-5, atol=1e-6,
                 msg="after SCALE was rebound")
