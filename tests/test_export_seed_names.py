"""The seed keywords of an exported derivative are named after the user's arguments, as
docs/export.md promises (``dd_d_x`` at order 2, ``ddd_dd_x`` at order 3, ``dd_grad_f``
for a tuple of arguments, ``dd_x`` for a forward-mode tangent), whatever the generated
body calls the seed inside (``dd_d_s`` where the code rebinds ``s = x``, ``dd_d_x_1``
where ``math`` is read). The exported modules run in one process where astgrad cannot be
imported, called with those keywords, and give the in-process derivative and central
differences of the in-process gradient."""

import importlib
import inspect
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp

USER_MODULE = '''
import math

import numpy as np


def looped(x):
    s = x
    k = 0
    while k < 3:
        s = s * np.cos(s)
        k += 1
    return np.sum(s)


def with_math(x):
    return math.sin(x) * x * x


def keyed(x, y=0.5, *, c=2.0):
    return np.sum(np.sin(x * c) * y) * c


class Cubic:
    def __call__(self, x):
        y = x
        return np.sum(y ** 3 + y * y)
'''

# each run in the child: (exported module, function, positional args, documented keywords)
CHILD = r'''
import importlib.abc, pickle, sys


class NoAstgrad(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "astgrad" or name.startswith("astgrad."):
            raise ModuleNotFoundError("astgrad is not importable here")


sys.meta_path.insert(0, NoAstgrad())
sys.path.insert(0, sys.argv[1])
with open(sys.argv[2], "rb") as handle:
    calls = pickle.load(handle)
results = []
for module, function, args, kwargs in calls:
    results.append(getattr(__import__(module), function)(*args, **kwargs))
with open(sys.argv[3], "wb") as handle:
    pickle.dump(results, handle)
'''

R = np.random.default_rng(85)
SHAPES = [(3,), (2, 3)]


@pytest.fixture(scope="module")
def user(tmp_path_factory):
    where = tmp_path_factory.mktemp("seed_names")
    (where / "seeds_user.py").write_text(USER_MODULE)
    sys.path.insert(0, str(where))
    try:
        yield where, importlib.import_module("seeds_user")
    finally:
        sys.path.remove(str(where))
        sys.modules.pop("seeds_user", None)


def _exported(where, name, f, **options):
    """Write ``astgrad.export(f, **options)`` as ``where/name.py``; its derivative's name
    and keyword-only parameters."""
    text = astgrad.export(f, path=str(where / f"{name}.py"), **options)
    namespace = {}
    exec(compile(text, f"{name}.py", "exec"), namespace)
    function = [line for line in text.splitlines() if line.startswith("def ") and "_zero_safe(" not in line][-1]
    function = function[4:function.index("(")]
    signature = inspect.signature(namespace[function])
    return function, [p.name for p in signature.parameters.values() if p.kind is p.KEYWORD_ONLY]


def _run_without_astgrad(where, calls):
    given, result = where / "calls.pickle", where / "results.pickle"
    with open(given, "wb") as handle:
        pickle.dump(calls, handle)
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONNOUSERSITE": "1"}
    run = subprocess.run([sys.executable, "-I", "-c", CHILD, str(where), str(given), str(result)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    with open(result, "rb") as handle:
        return pickle.load(handle)


def _hvp_by_differences(gradient, x, v, *rest):
    """H v: central differences of the in-process gradient along v."""
    return numerical_jvp(lambda point: gradient(point, *rest), (x,), (v,))


def test_exported_seed_keywords_are_named_after_the_arguments(user):
    where, m = user
    cubic = m.Cubic()
    cases = []      # (module, function, args, kwargs, expected by astgrad, expected by differences)

    name, kw = _exported(where, "hess_looped", m.looped, order=2)
    assert kw == ["d_looped", "dd_d_x"]
    gradient = astgrad.grad(m.looped)
    for shape in SHAPES:
        x, v = R.uniform(-0.8, 0.8, shape), R.normal(size=shape)
        cases.append(("hess_looped", name, (x,), {"dd_d_x": v}, astgrad.hvp(m.looped)(x, v),
                      _hvp_by_differences(gradient, x, v)))

    name, kw = _exported(where, "third_looped", m.looped, order=3)
    assert kw == ["d_looped", "dd_d_x", "ddd_dd_x"]
    for shape in SHAPES:
        x, v, w = R.uniform(-0.8, 0.8, shape), R.normal(size=shape), R.normal(size=shape)
        # the gradient of w . (H(x) v)
        expected = astgrad.grad(lambda point: np.sum(w * astgrad.jvp(gradient, (point,), (v,))[1]))(x)
        cases.append(("third_looped", name, (x,), {"dd_d_x": v, "ddd_dd_x": w}, expected,
                      numerical_grad(lambda point: np.sum(w * astgrad.hvp(m.looped)(point, v)), (x,))))

    name, kw = _exported(where, "hess_math", m.with_math, order=2)
    assert kw == ["d_with_math", "dd_d_x"]
    for x in (0.3, -1.7):
        cases.append(("hess_math", name, (x,), {"dd_d_x": 2.0}, 2.0 * astgrad.hessian(m.with_math)(x),
                      2.0 * numerical_jvp(astgrad.grad(m.with_math), (x,), (1.0,))))

    name, kw = _exported(where, "hess_cubic", cubic.__call__, order=2)
    assert kw == ["d___call__", "dd_d_x"]
    for shape in SHAPES:
        x, v = R.normal(size=shape), R.normal(size=shape)
        cases.append(("hess_cubic", name, (cubic, x), {"dd_d_x": v}, astgrad.hvp(cubic)(x, v),
                      _hvp_by_differences(astgrad.grad(cubic), x, v)))

    # a keyword-only argument with a default, and a tuple of a defaulted one and another
    name, kw = _exported(where, "hess_keyed_c", m.keyed, wrt="c", order=2)
    assert kw == ["c", "d_keyed", "dd_d_c"]
    for shape in SHAPES:
        x = R.normal(size=shape)
        second = numerical_jvp(lambda c: astgrad.grad(m.keyed, wrt="c")(x, c=c), (1.3,), (1.0,))
        cases.append(("hess_keyed_c", name, (x,), {"c": 1.3, "dd_d_c": 1.5},
                      1.5 * astgrad.grad(astgrad.grad(m.keyed, wrt="c"), wrt="c")(x, c=1.3), 1.5 * second))

    name, kw = _exported(where, "hess_keyed_xy", m.keyed, wrt=("x", "y"), order=2)
    assert kw == ["c", "d_keyed", "dd_grad_keyed"]
    gradient = astgrad.grad(m.keyed, wrt=(0, 1))
    for shape in SHAPES:
        x, y, v, u = R.normal(size=shape), 0.7, R.normal(size=shape), -0.4
        by_differences = numerical_jvp(lambda a, b: gradient(a, b, c=1.1), (x, y), (v, u))
        in_process = astgrad.jvp(lambda a, b: gradient(a, b, c=1.1), (x, y), (v, u))[1]
        cases.append(("hess_keyed_xy", name, (x, y), {"c": 1.1, "dd_grad_keyed": (v, u)},
                      in_process, by_differences))

    # forward mode: the tangents are the arguments' names (d_x at order 1, dd_x at order 2)
    gradient = astgrad.grad(m.looped)
    name, kw = _exported(where, "jvp_looped", m.looped, mode="forward")
    assert kw == ["d_x"]
    name2, kw = _exported(where, "hvp_looped", m.looped, mode="forward", order=2)
    assert kw == ["d_looped", "dd_x"]
    for shape in SHAPES:
        x, v = R.uniform(-0.8, 0.8, shape), R.normal(size=shape)
        cases.append(("jvp_looped", name, (x,), {"d_x": v}, astgrad.jvp(m.looped, (x,), (v,)),
                      (m.looped(x), numerical_jvp(m.looped, (x,), (v,)))))
        cases.append(("hvp_looped", name2, (x,), {"dd_x": v}, (gradient(x), astgrad.hvp(m.looped)(x, v)),
                      (numerical_grad(m.looped, (x,)), _hvp_by_differences(gradient, x, v))))

    got = _run_without_astgrad(where, [case[:4] for case in cases])
    for (module, function, _, kwargs, in_process, by_differences), result in zip(cases, got):
        what = f"{module}.{function}(**{sorted(kwargs)})"
        assert_close(result, in_process, 1e-10, 1e-12, msg=what)
        assert_close(result, by_differences, 1e-5, 1e-6, msg=what)
