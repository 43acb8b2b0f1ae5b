"""Binding and caching follow Python: the derivative of f at x is the derivative of
what calling f(x) computes right now.

Globals, closure cells and callees are looked up when the generated code runs; where
generation depended on what a name meant (which rule, which callee), a rebinding is
noticed and the code regenerated. Every transform object is made *before* the
rebinding and used after it, and every value is checked against central finite
differences of the function as it computes now (tests/fd.py), plus a closed form that
shows the rebinding really changed the answer. Generation is also checked under
threads: first calls from many threads, recursion, interrupted generation.
"""

import concurrent.futures
import functools
import importlib
import importlib.util
import itertools
import linecache
import os
import sys
import textwrap
import threading
import time
import types

import numpy as np
import pytest

import astgrad
import astgrad.pipeline as pipeline
from astgrad import caching
from astgrad import TransformError
from fd import assert_close, numerical_grad

_names = itertools.count()


# -- helpers --------------------------------------------------------------------------------

@pytest.fixture
def modules(tmp_path, monkeypatch):
    """load(text) writes a module file and imports it (registered in sys.modules and
    found on sys.path, so importlib.reload works); rewrite(module, text) changes the
    file on disk."""
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    loaded = []

    def load(text):
        name = f"astgrad_binding_{os.getpid()}_{next(_names)}"
        path = tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(text))
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        loaded.append(name)
        spec.loader.exec_module(module)
        return module

    yield load
    for name in loaded:
        sys.modules.pop(name, None)


def rewrite(module, text):
    """Change a module's file as an editor would (a later mtime, so caches see it)."""
    path = module.__file__
    before = os.stat(path).st_mtime_ns
    with open(path, "w") as handle:
        handle.write(textwrap.dedent(text))
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


_cells = itertools.count()


def run_cell(module, text, filename=None):
    """Run ``text`` in ``module``'s namespace the way a notebook runs a cell: the source
    is registered in linecache under the cell's own file name."""
    text = textwrap.dedent(text)
    filename = filename or f"<notebook cell {next(_cells)}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    exec(compile(text, filename, "exec"), module.__dict__)


class Transforms:
    """grad, value_and_grad, hessian and grad-of-grad of f, made once (before any
    rebinding); vjp and jvp are called fresh. ``check`` compares them all with finite
    differences of f as it computes now."""

    def __init__(self, f, scalar=True):
        self.f = f
        self.scalar = scalar
        self.grad = astgrad.grad(f)
        self.value_and_grad = astgrad.value_and_grad(f)
        self.hessian = astgrad.hessian(f)
        self.grad_of_grad = astgrad.grad(astgrad.grad(f)) if scalar else None

    def check(self, x, expected_grad):
        f = self.f
        reference = numerical_grad(f, (x,))
        assert_close(reference, expected_grad, rtol=1e-4, atol=1e-5,
                     msg="test setup: finite differences vs the closed form")
        assert_close(self.grad(x), reference, msg="grad")
        value, gradient = self.value_and_grad(x)
        assert_close(value, f(x), msg="value_and_grad value")
        assert_close(gradient, reference, msg="value_and_grad gradient")
        # every positional argument spelled out, so the cotangent is never taken for one
        out, pullback = astgrad.vjp(f, x, *(f.__defaults__ or ()))
        assert_close(out, f(x), msg="vjp value")
        assert_close(pullback(1.0)[0], reference, msg="vjp")
        tangent = np.linspace(0.5, -0.7, np.size(x)).reshape(np.shape(x))
        out, directional = astgrad.jvp(f, (x,), (tangent,))
        assert_close(out, f(x), msg="jvp value")
        assert_close(directional, np.sum(reference * tangent), msg="jvp")
        fresh = astgrad.grad(f)
        if self.scalar:
            second = numerical_grad(fresh, (x,))
            assert_close(self.hessian(x), second, rtol=1e-4, atol=1e-5, msg="hessian")
            assert_close(self.grad_of_grad(x), second, rtol=1e-4, atol=1e-5, msg="grad of grad")
        else:
            columns = [numerical_grad(lambda y, i=i: fresh(y)[i], (x,)) for i in range(np.size(x))]
            assert_close(self.hessian(x), np.array(columns), rtol=1e-4, atol=1e-5, msg="hessian")


# -- 1. module globals and closure cells are read when the code runs --------------------------

GLOBAL_FLOAT = """
    import numpy as np

    SCALE = 2.0

    def f(x):
        return SCALE * np.sin(x) * x ** 2
"""


def test_rebound_global_float(modules):
    mod = modules(GLOBAL_FLOAT)
    transforms = Transforms(mod.f)
    x = 0.7

    def closed_form(scale):
        return scale * (np.cos(x) * x ** 2 + 2 * x * np.sin(x))
    transforms.check(x, closed_form(2.0))
    for scale in (5.0, -1.5, 2.0):
        mod.SCALE = scale
        transforms.check(x, closed_form(scale))


def test_the_reported_example(modules):
    mod = modules("""
        SCALE = 2.0

        def f(x):
            return SCALE * x ** 2
    """)
    gradient = astgrad.grad(mod.f)
    assert gradient(1.5) == pytest.approx(6.0)
    mod.SCALE = 5.0
    assert gradient(1.5) == pytest.approx(15.0)
    assert astgrad.grad(mod.f)(1.5) == pytest.approx(15.0)


def test_rebound_global_array_in_a_minibatch_loop(modules):
    mod = modules("""
        import numpy as np

        BATCH = None

        def loss(w):
            residual = BATCH @ w - 1.0
            return np.sum(residual ** 2) + sum([np.sum(row * w) for row in BATCH])
    """)
    rng = np.random.default_rng(3)
    w = rng.standard_normal(3)
    mod.BATCH = rng.standard_normal((4, 3))
    transforms = Transforms(mod.loss, scalar=False)
    compiled = transforms.grad._workhorse
    for _ in range(3):
        batch = rng.standard_normal((int(rng.integers(2, 6)), 3))
        mod.BATCH = batch
        expected = 2 * batch.T @ (batch @ w - 1.0) + batch.sum(axis=0)
        transforms.check(w, expected)
    # data is read when the code runs: rebinding it does not regenerate anything
    assert transforms.grad._workhorse is compiled


def test_a_method_of_a_global_dict_is_one_meaning_not_a_new_one_at_each_call(modules, monkeypatch):
    # ``WEIGHTS.items`` is a new object at each access, bound to the same dict: the code
    # stays while the dict is the same one, and its items are read when it runs
    mod = modules("""
        WEIGHTS = {"a": 2.0, "b": 3.0}

        def f(x):
            total = 0.0
            for name, weight in WEIGHTS.items():
                total = total + weight * x ** 2
            return total
    """)
    gradient = astgrad.grad(mod.f)
    assert gradient(1.5) == pytest.approx(15.0)
    finished = []
    original = pipeline.back
    monkeypatch.setattr(pipeline, "back", lambda front, key: finished.append(key) or original(front, key))
    mod.WEIGHTS["c"] = 1.0
    for x in (1.5, 0.5, 2.0):
        assert gradient(x) == pytest.approx(12.0 * x)
    assert finished == []
    mod.WEIGHTS = {"a": -1.0}
    assert gradient(1.5) == pytest.approx(-3.0)
    assert_close(gradient(0.7), numerical_grad(mod.f, (0.7,)))


def test_default_argument_taken_from_a_global_is_the_one_the_function_holds(modules):
    mod = modules("""
        S = 2.0

        def f(x, s=S):
            return s * x ** 3
    """)
    transforms = Transforms(mod.f)
    transforms.check(0.9, 3 * 2.0 * 0.9 ** 2)
    mod.S = 5.0             # the default was evaluated when f was defined: still 2.0
    transforms.check(0.9, 3 * 2.0 * 0.9 ** 2)
    mod.f.__defaults__ = (7.0,)
    transforms.check(0.9, 3 * 7.0 * 0.9 ** 2)


def make_scaled(scale):
    def set_scale(value):
        nonlocal scale
        scale = value

    def f(x):
        return scale * np.exp(0.5 * x) * x
    return f, set_scale


def test_closure_cell_changed_with_nonlocal():
    f, set_scale = make_scaled(2.0)
    transforms = Transforms(f)
    x = 0.4

    def closed_form(scale):
        return scale * np.exp(0.5 * x) * (0.5 * x + 1)
    transforms.check(x, closed_form(2.0))
    set_scale(-3.0)
    transforms.check(x, closed_form(-3.0))


def make_with_list_cell(values):
    params = list(values)

    def f(x):
        return params[0] * x ** 2 + params[1] * np.sin(x)

    def replace(new):
        nonlocal params
        params = list(new)
    return f, params, replace


def test_closure_cell_holding_a_list():
    f, params, replace = make_with_list_cell([2.0, 1.0])
    transforms = Transforms(f)
    x = 1.1
    transforms.check(x, 2 * 2.0 * x + 1.0 * np.cos(x))
    params[0] = 4.0                         # the list changed in place
    transforms.check(x, 2 * 4.0 * x + 1.0 * np.cos(x))
    replace([0.5, -2.0])                    # the cell rebound to another list
    transforms.check(x, 2 * 0.5 * x - 2.0 * np.cos(x))


def make_closure_calling(helper):
    def f(x):
        return helper(x) * x
    return f


def helper_sin(x):
    return np.sin(x)


def helper_cube(x):
    return x ** 3


def test_closures_from_one_factory_share_code_but_not_cells():
    with_sin, with_cube = make_closure_calling(helper_sin), make_closure_calling(helper_cube)
    x = 0.8
    Transforms(with_sin).check(x, np.cos(x) * x + np.sin(x))
    Transforms(with_cube).check(x, 4 * x ** 3)
    Transforms(with_sin).check(x, np.cos(x) * x + np.sin(x))


def test_builtins_astgrad_introduces_are_not_shadowed_by_module_globals(modules):
    mod = modules("""
        def enumerate(x):
            raise RuntimeError("the module's own enumerate")

        def len(x):
            raise RuntimeError("the module's own len")

        def min(*args):
            raise RuntimeError("the module's own min")

        def f(x):
            s = 0.0
            for a, b in zip([x, 2.0 * x], [x, x]):
                s = s + a * b
            for v in [x, x * x]:
                s = s + v
            return s
    """)
    x = 1.5
    Transforms(mod.f).check(x, 2 * x + 4 * x + 1 + 2 * x)


# -- callees: redefined, redefined two levels down, reached through a module ------------------

CALLERS = """
    import numpy as np

    def inner(x):
        return np.sin(x)

    def middle(x):
        return inner(x) * 2.0

    def outer(x):
        return middle(x) + x ** 2
"""


def test_redefined_callee_in_a_notebook_cell(modules):
    mod = modules(CALLERS)
    transforms = Transforms(mod.middle)
    x = 0.3
    transforms.check(x, 2 * np.cos(x))
    run_cell(mod, """
        def inner(x):
            return x ** 3
    """)
    transforms.check(x, 6 * x ** 2)
    run_cell(mod, """
        def middle(x):
            return inner(x) * 10.0
    """)
    # the old middle still calls inner (rebound); calling mod.middle now is the new one
    transforms.check(x, 6 * x ** 2)
    Transforms(mod.middle).check(x, 30 * x ** 2)


def test_redefined_callee_of_a_callee(modules):
    mod = modules(CALLERS)
    transforms = Transforms(mod.outer)
    x = 0.6
    transforms.check(x, 2 * np.cos(x) + 2 * x)
    run_cell(mod, """
        def inner(x):
            return np.exp(x)
    """)
    transforms.check(x, 2 * np.exp(x) + 2 * x)
    mod.inner = mod.np.tanh                 # now a NumPy function with its own rule
    transforms.check(x, 2 * (1 - np.tanh(x) ** 2) + 2 * x)


def test_rebinding_a_name_that_chose_the_rule(modules):
    mod = modules("""
        import math as m

        def f(x):
            return m.sin(x) * x
    """)
    transforms = Transforms(mod.f)
    x = 0.5
    transforms.check(x, np.cos(x) * x + np.sin(x))
    mod.m = types.SimpleNamespace(sin=np.cos)
    transforms.check(x, -np.sin(x) * x + np.cos(x))
    mod.m = np
    transforms.check(x, np.cos(x) * x + np.sin(x))


def test_a_class_given_other_match_args(modules):
    mod = modules("""
        class Pair:
            __match_args__ = ("a", "b")

            def __init__(self, a, b):
                self.a, self.b = a, b

        def f(x):
            match Pair(x, 3.0):
                case Pair(u, v):
                    return u * u * v
    """)
    gradient, x = astgrad.grad(mod.f), 0.5
    assert_close(gradient(x), numerical_grad(mod.f, (x,)))
    assert_close(gradient(x), 6.0 * x)
    mod.Pair.__match_args__ = ("b", "a")        # u is 3.0 now, v is x: the derivative is 9
    assert_close(numerical_grad(mod.f, (x,)), 9.0, rtol=1e-4, msg="test setup")
    assert_close(gradient(x), 9.0)
    assert_close(astgrad.jvp(mod.f, (x,), (1.0,))[1], 9.0)


@pytest.mark.parametrize("whose", ["callee", "own"])
def test_a_keyword_only_default_changed_in_place(modules, whose):
    mod = modules("""
        import numpy as np

        def helper(x, *, p=2.0):
            return x ** p

        def callee(x):
            return np.sum(helper(x))

        def own(x, *, p=2.0):
            return np.sum(x ** p)
    """)
    f = getattr(mod, whose)
    gradient, x = astgrad.grad(f), np.array([1.5, 2.0])
    assert_close(gradient(x), 2.0 * x)
    changed = mod.helper if whose == "callee" else f
    changed.__kwdefaults__["p"] = 3.0           # the same dict, another value in it
    assert_close(numerical_grad(f, (x,)), 3.0 * x ** 2, rtol=1e-4, msg="test setup")
    assert_close(gradient(x), 3.0 * x ** 2)
    assert_close(astgrad.jvp(f, (x,), (np.ones(2),))[1], np.sum(3.0 * x ** 2))


def test_callee_redefined_while_other_threads_use_the_gradient(modules):
    mod = modules(CALLERS)
    gradient = astgrad.grad(mod.middle)
    x = 0.3
    threads = 6
    barrier = threading.Barrier(threads + 1)
    results = {}

    def worker(k):
        before = [gradient(x) for _ in range(20)]
        barrier.wait()          # all threads have used the old binding
        barrier.wait()          # the main thread rebound inner
        after = [gradient(x) for _ in range(20)]
        results[k] = before, after

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(worker, k) for k in range(threads)]
        barrier.wait()
        run_cell(mod, """
            def inner(x):
                return x ** 3
        """)
        barrier.wait()
        for future in futures:
            future.result(timeout=60)
    for before, after in results.values():
        assert_close(before, [2 * np.cos(x)] * 20)
        assert_close(after, [6 * x ** 2] * 20)


def test_reloaded_module_with_a_new_constant_and_a_new_body(modules):
    mod = modules("""
        C = 2.0

        def f(x):
            return C * x ** 3
    """)
    client = modules(f"""
        import {mod.__name__} as lib

        def h(x):
            return lib.f(x) + x
    """)
    old_f = mod.f
    on_old, on_client = Transforms(old_f), Transforms(client.h)
    x = 0.7
    on_old.check(x, 6 * x ** 2)
    on_client.check(x, 6 * x ** 2 + 1)

    rewrite(mod, """
        C = 5.0

        def f(x):
            return C * x ** 3
    """)
    importlib.reload(mod)
    assert mod.f is not old_f
    on_old.check(x, 15 * x ** 2)            # the old f reads the module's new C too
    on_client.check(x, 15 * x ** 2 + 1)
    Transforms(mod.f).check(x, 15 * x ** 2)

    rewrite(mod, """
        C = 5.0

        def f(x):
            return C * x ** 4
    """)
    importlib.reload(mod)
    on_client.check(x, 20 * x ** 3 + 1)     # lib.f is the new function
    Transforms(mod.f).check(x, 20 * x ** 3)
    on_old.check(x, 15 * x ** 2)            # generated before the edit, for the old code


# -- 2. the cache key: lambdas on one line, names used only in comprehensions ------------------

def test_two_lambdas_on_one_line():
    square, cube = (lambda x: x ** 2), (lambda x: x ** 3)
    x = 1.3
    Transforms(square).check(x, 2 * x)
    Transforms(cube).check(x, 3 * x ** 2)


def test_two_lambdas_with_other_parameter_names_on_one_line():
    first, second = (lambda x: np.sin(x)), (lambda y: np.cos(y) * y)
    x = 0.9
    Transforms(first).check(x, np.cos(x))
    Transforms(second).check(x, -np.sin(x) * x + np.cos(x))


def test_lambdas_made_in_a_comprehension_keep_their_own_defaults():
    powers = [lambda x, k=k: x ** k for k in (2, 3, 4)]
    x = 1.2
    for k, power in zip((2, 3, 4), powers):
        Transforms(power).check(x, k * x ** (k - 1))


COMPREHENSION_NAMES = """
    import numpy as np

    W = 2.0

    def weight(k):
        return k + 1.0

    def f(x):
        return sum([W * weight(k) * x ** 2 for k in range(3)])

    def g(x):
        return sum(weight(k) * np.sin(x * k) for k in range(3))
"""


def test_names_used_only_inside_a_comprehension(modules):
    mod = modules(COMPREHENSION_NAMES)
    on_f, on_g = Transforms(mod.f), Transforms(mod.g)
    x = 0.8
    on_f.check(x, 2 * x * 2.0 * (1 + 2 + 3))
    on_g.check(x, sum((k + 1.0) * k * np.cos(x * k) for k in range(3)))
    mod.W = -1.0
    on_f.check(x, 2 * x * -1.0 * (1 + 2 + 3))
    run_cell(mod, """
        def weight(k):
            return 10.0 * k
    """)
    on_f.check(x, 2 * x * -1.0 * (0 + 10 + 20))
    on_g.check(x, sum(10.0 * k * k * np.cos(x * k) for k in range(3)))


def test_rerunning_an_identical_notebook_cell_reuses_the_generated_code(modules):
    mod = modules(CALLERS)
    cell = """
        def cell_function(x):
            return middle(x) * x
    """
    run_cell(mod, cell, filename="<cell 7a0c>")
    first = mod.cell_function
    first_code = astgrad.grad(first)._workhorse.__code__
    run_cell(mod, cell, filename="<cell 7a0c>")
    assert mod.cell_function is not first
    again = astgrad.grad(mod.cell_function)
    assert again._workhorse.__code__ is first_code
    x = 0.4
    assert_close(again(x), numerical_grad(mod.cell_function, (x,)))
    run_cell(mod, """
        def inner(x):
            return x ** 2
    """)
    run_cell(mod, cell, filename="<cell 7a0c>")   # same text, but a callee changed meaning
    changed = astgrad.grad(mod.cell_function)
    assert changed._workhorse.__code__ is not first_code
    assert_close(changed(x), 2 * 2.0 * x ** 2 + 2.0 * x ** 2)


# -- 3. what the object runs: decorators, edited source files ----------------------------------

def doubled(fn):
    @functools.wraps(fn)
    def wrapper(x):
        return 2.0 * fn(x)
    return wrapper


@doubled
def decorated(x):
    return 3.0 * x ** 2


@doubled
@doubled
def decorated_twice(x):
    return np.sin(x)


def test_wraps_decorated_function_is_differentiated_as_it_runs():
    assert decorated(1.0) == 6.0
    Transforms(decorated).check(1.5, 12.0 * 1.5)
    Transforms(decorated_twice).check(0.3, 4.0 * np.cos(0.3))


def forwarding(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs) + 1.0
    return wrapper


@forwarding
def forwarded(x):
    return x ** 2


def test_wrapper_with_star_args_is_differentiated_as_it_runs():
    assert_close(astgrad.jvp(forwarded, (1.5,), (1.0,)), (3.25, 3.0))
    assert_close(astgrad.grad(forwarded)(1.5), 3.0)
    assert_close(astgrad.grad(astgrad.grad(forwarded))(1.5), 2.0)


def test_source_file_edited_after_import_is_refused(modules):
    mod = modules("""
        def f(x):
            return x ** 2
    """)
    made_before = astgrad.grad(mod.f)
    rewrite(mod, """
        def f(x):
            return x ** 5
    """)
    assert mod.f(2.0) == 4.0                # the function still runs the old code
    with pytest.raises(TransformError) as info:
        astgrad.jvp(mod.f, (1.0,), (1.0,))
    assert "edited" in str(info.value) and "reload" in str(info.value)
    with pytest.raises(TransformError, match="edited"):
        astgrad.vjp(mod.f, 1.0)
    with pytest.raises(TransformError, match="edited"):
        astgrad.grad(astgrad.grad(mod.f))
    # generated before the edit, from the source the function runs: still right
    assert made_before(2.0) == pytest.approx(4.0)
    assert astgrad.grad(mod.f)(2.0) == pytest.approx(4.0)
    importlib.reload(mod)
    Transforms(mod.f).check(1.1, 5 * 1.1 ** 4)


def test_source_edited_to_an_equal_constant_of_another_type_is_refused(modules):
    """2 == 2.0 in Python, but the edited source is not the code the function runs."""
    mod = modules("""
        def f(x):
            return x * 2
    """)
    rewrite(mod, """
        def f(x):
            return x * 2.0
    """)
    with pytest.raises(TransformError, match="edited"):
        astgrad.grad(mod.f)


def test_module_bound_by_assignment_not_import(modules):
    """``np = numpy`` binds a module without an import statement (Python 3.11 compiles
    ``np.sin(x)`` differently then); the source still matches the code it runs."""
    mod = modules("""
        import numpy
        np = numpy

        def f(x):
            return np.sin(x) * np.exp(x)
    """)
    Transforms(mod.f).check(0.7, np.cos(0.7) * np.exp(0.7) + np.sin(0.7) * np.exp(0.7))


def test_source_edited_so_the_function_moved_is_refused(modules):
    mod = modules("""
        def f(x):
            return x ** 2
    """)
    rewrite(mod, """
        # a comment that moves everything down


        def g(x):
            return x ** 3

        def f(x):
            return x ** 2
    """)
    with pytest.raises(TransformError, match="reload"):
        astgrad.grad(mod.f)


# -- 4. default arguments -----------------------------------------------------------------------

def test_defaults_bound_to_a_loop_variable_inside_a_function():
    made = []
    for k in range(3):
        def g(z, k=k):
            return z ** (k + 2)
        made.append(g)
    z = 1.5
    for k, g in enumerate(made):
        Transforms(g).check(z, (k + 2) * z ** (k + 1))


for _k in range(3):
    def module_level_power(z, k=_k, shift=_k / 2):
        return z ** (k + 2) + shift * z
    globals()[f"power_{_k}"] = module_level_power

    def keyword_only_shift(z, *, shift=_k / 2):
        return np.sin(z) + shift * z ** 2
    globals()[f"shifted_{_k}"] = keyword_only_shift
del _k


def test_defaults_bound_to_a_loop_variable_at_module_level():
    z = 1.5
    for k in range(3):
        g = globals()[f"power_{k}"]
        Transforms(g).check(z, (k + 2) * z ** (k + 1) + k / 2)


def test_keyword_only_defaults_bound_to_a_loop_variable():
    z = 0.5
    for k in range(3):
        g = globals()[f"shifted_{k}"]
        expected = np.cos(z) + k * z
        assert_close(numerical_grad(g, (z,)), expected, rtol=1e-4)
        assert_close(astgrad.grad(g)(z), expected)
        assert_close(astgrad.value_and_grad(g)(z), (g(z), expected))
        assert_close(astgrad.jvp(g, (z,), (2.0,)), (g(z), 2.0 * expected))
        assert_close(astgrad.vjp(g, z)[1](1.0), (expected,))
        assert_close(astgrad.grad(astgrad.grad(g))(z), -np.sin(z) + k, rtol=1e-6)


# -- 5. threads -------------------------------------------------------------------------------

THREADED = """
    import numpy as np

    def h(x):
        return np.sin(x) * x ** 2

    def a(x):
        return np.tanh(x) * h(x)

    def b(x):
        return a(x) + h(x) * 2.0

    def c(x):
        s = 0.0
        for k in range(5):
            s = s + np.cos(x * k) / (k + 1.0)
        return s * b(x)

    def v(w):
        return np.sum(np.exp(w) * w) + b(np.sum(w))
"""


def test_64_first_calls_from_16_threads(modules):
    mod = modules(THREADED)
    expected = np.cos(0.3) * 0.09 + 2 * 0.3 * np.sin(0.3)
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda _: astgrad.grad(mod.h)(0.3), range(64), timeout=120))
    assert_close(results, [expected] * 64)


def _transform_results(mod):
    """One call of each transform of each function in the THREADED module."""
    x, w = 0.37, np.array([0.2, -0.4, 0.9])
    out = []
    for f in (mod.h, mod.a, mod.b, mod.c):
        out.append(("grad", f.__name__, astgrad.grad(f)(x)))
        out.append(("value_and_grad", f.__name__, astgrad.value_and_grad(f)(x)))
        out.append(("vjp", f.__name__, astgrad.vjp(f, x)[1](1.0)))
        out.append(("jvp", f.__name__, astgrad.jvp(f, (x,), (0.5,))))
        out.append(("hessian", f.__name__, astgrad.hessian(f)(x)))
    out.append(("grad", "v", astgrad.grad(mod.v)(w)))
    out.append(("jvp", "v", astgrad.jvp(mod.v, (w,), (np.ones(3),))))
    return out


def test_load_many_threads_many_calls_first_calls_included(modules, monkeypatch):
    reference = _transform_results(modules(THREADED))       # single-threaded, its own module
    mod = modules(THREADED)                                  # cold: nothing generated yet
    generated = []
    original = caching._generate

    def counting(fn, key):
        generated.append((fn, key))
        return original(fn, key)
    monkeypatch.setattr(caching, "_generate", counting)

    # the long version runs locally: HYPOTHESIS_PROFILE=thorough pytest tests/test_trust_binding.py
    threads, calls = (32, 60) if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else (12, 6)
    start = threading.Barrier(threads)

    def worker(_):
        start.wait()
        return [_transform_results(mod) for _ in range(calls)]

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        every = [r for rs in pool.map(worker, range(threads), timeout=300) for r in rs]
    for results in every:
        for (kind, name, value), (_, _, expected) in zip(results, reference):
            assert_close(value, expected, rtol=1e-12, atol=1e-12, msg=f"{kind} of {name}")
    # each derivative was generated once, however many threads asked for it at once
    assert len(generated) == len(set(generated))
    for f in (mod.h, mod.a, mod.b, mod.c, mod.v):
        firsts = {astgrad.grad(f)._workhorse for _ in range(3)}
        assert len(firsts) == 1


def test_same_derivative_asked_by_many_threads_is_the_same_function(modules):
    mod = modules(THREADED)
    start = threading.Barrier(8)

    def first_call(_):
        start.wait()
        return caching.reverse_derivative(mod.c, (0,), False)

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        compiled = list(pool.map(first_call, range(8), timeout=120))
    assert all(c is compiled[0] for c in compiled)


RECURSIVE = """
    import astgrad

    def fact(x, n):
        if n <= 1:
            return x
        return x * fact(x, n - 1)

    def ping(x):
        return pong(x) * 2.0

    def pong(x):
        if x > 10.0:
            return x
        return ping(x + 1.0)

    def itself(x):
        return astgrad.grad(itself)(x) * x
"""


def _fd(f, x, *rest, h=1e-6):
    return (f(x + h, *rest) - f(x - h, *rest)) / (2 * h)


def test_recursion_goes_through_the_derivative_being_generated(modules):
    mod = modules(RECURSIVE)
    for f, rest in ((mod.fact, (4,)), (mod.fact, (1,)), (mod.ping, ()), (mod.pong, ())):
        for _ in range(2):      # and again, from the cache
            assert np.isclose(astgrad.grad(f)(1.3, *rest), _fd(f, 1.3, *rest), rtol=1e-6)
            tangents = (1.0,) + tuple(0 for _ in rest)
            assert np.isclose(astgrad.jvp(f, (1.3,) + rest, tangents)[1], _fd(f, 1.3, *rest), rtol=1e-6)


def test_a_nested_transform_of_the_function_itself_is_refused(modules):
    mod = modules(RECURSIVE)
    with pytest.raises(TransformError, match="recursi"):
        astgrad.grad(mod.itself)
    with pytest.raises(TransformError, match="recursi"):     # and again: nothing left behind
        astgrad.jvp(mod.itself, (1.0,), (1.0,))
    assert not caching._flights and not caching._in_progress


def test_mutual_recursion_started_from_two_threads_works_in_both(modules):
    mod = modules(RECURSIVE)
    start = threading.Barrier(2)

    def first_call(f):
        start.wait()
        return astgrad.grad(f)(1.3)

    for _ in range(5):
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            results = list(pool.map(first_call, (mod.ping, mod.pong), timeout=60))
        assert np.allclose(results, [_fd(mod.ping, 1.3), _fd(mod.pong, 1.3)], rtol=1e-6)
    assert not caching._flights and not caching._waiting and not caching._in_progress


def _one_thread_inside_the_other(analysis, first_fn, second_fn, prepare=caching.prepare):
    """``analysis(first_fn, prepare)`` in one thread, held inside its ``prepare``, while
    another thread runs ``analysis(second_fn, prepare)`` to the end: both results."""
    inside, release = threading.Event(), threading.Event()

    def slow_prepare(fn):
        inside.set()
        release.wait(10)
        return prepare(fn)

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        first = pool.submit(analysis, first_fn, slow_prepare)
        assert inside.wait(10)
        second = pool.submit(analysis, second_fn, prepare).result(timeout=60)
        release.set()
        return first.result(timeout=60), second


def test_the_sharing_analysis_of_one_function_in_two_threads_keeps_each_thread_s_assumptions(modules):
    # thread A is inside the analysis of pong (between noting it as under way and giving
    # its recursive calls an assumption) when thread B asks about pong: B must analyse it
    # itself, not read A's half-made state (a KeyError, or A's unproven assumption)
    from astgrad.analysis import sharing
    mod = modules(RECURSIVE)
    first, second = _one_thread_inside_the_other(sharing.callee_effects, mod.pong, mod.pong)
    assert first.mutated == second.mutated == {}
    assert second.result_shares == first.result_shares


NOISY = """
    import numpy as np

    def noisy(x):
        return x + np.random.normal()

    def outer(x):
        return noisy(x) * 2.0
"""


def test_the_purity_search_of_one_function_in_two_threads_is_not_taken_as_pure(modules):
    # thread A is inside the search of noisy when thread B searches outer, which calls it:
    # B must find noisy's random draw, not take A's unfinished search for "pure"
    from astgrad.analysis import purity
    mod = modules(NOISY)
    first, second = _one_thread_inside_the_other(purity.first_impure_call, mod.noisy, mod.outer, caching.read_prepared)
    assert first is not None and second is not None


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, RuntimeError])
def test_interrupted_generation_leaves_nothing_half_built(modules, monkeypatch, interruption):
    mod = modules(CALLERS)
    original = pipeline.compile_closure
    calls = []

    def interrupted(*args):
        calls.append(args)
        if len(calls) == 2:         # while generating outer, after inner's derivative was made
            raise interruption("stop")
        return original(*args)
    monkeypatch.setattr(pipeline, "compile_closure", interrupted)
    with pytest.raises(interruption):
        astgrad.grad(mod.outer)
    assert not caching._flights and not caching._waiting
    assert not getattr(caching._local, "generating", [])
    Transforms(mod.outer).check(0.6, 2 * np.cos(0.6) + 1.2)


def test_a_thread_waiting_for_a_failed_generation_generates_itself(modules, monkeypatch):
    mod = modules(THREADED)
    original = pipeline.front       # what grad(h) generates: the checked front half
    entered = threading.Event()
    attempts = []

    def slow_then_failing(fn, key, callees):
        attempts.append(fn)
        if len(attempts) == 1:
            entered.set()
            time.sleep(0.3)         # the other thread now waits for this generation
            raise RuntimeError("first attempt fails")
        return original(fn, key, callees)
    monkeypatch.setattr(pipeline, "front", slow_then_failing)

    def first():
        with pytest.raises(RuntimeError):
            astgrad.grad(mod.h)

    def second():
        entered.wait()
        return astgrad.grad(mod.h)(0.3)

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        failing, succeeding = pool.submit(first), pool.submit(second)
        failing.result(timeout=60)
        value = succeeding.result(timeout=60)
    assert_close(value, np.cos(0.3) * 0.09 + 2 * 0.3 * np.sin(0.3))


def test_rule_registration_from_threads_while_generating(modules):
    mod = modules("""
        import numpy as np

        def softplus(x):
            return np.log1p(np.exp(x))

        def f(x):
            return softplus(x) * x
    """)
    x = 0.4
    expected = x / (1 + np.exp(-x)) + np.log1p(np.exp(x))
    gradient = astgrad.grad(mod.f)
    stop = threading.Event()

    def register():
        while not stop.is_set():
            astgrad.non_differentiable(len)     # bumps the rule table's version
    registering = threading.Thread(target=register)
    registering.start()
    try:
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            values = list(pool.map(lambda _: gradient(x), range(40), timeout=120))
    finally:
        stop.set()
        registering.join()
    assert_close(values, [expected] * 40)


NESTED_AND_DECORATED = """
    import numpy as np
    import astgrad

    @astgrad.differentiable
    def smooth(x):
        return np.sin(x)

    def via_decorated(x):
        return smooth(x) * x

    def base(x):
        return x ** 2

    def via_nested_grad(x):
        return astgrad.grad(base)(x) * x
"""


def test_redefined_differentiable_callee_and_nested_grad_target(modules):
    mod = modules(NESTED_AND_DECORATED)
    on_decorated, on_nested = Transforms(mod.via_decorated), Transforms(mod.via_nested_grad)
    x = 0.9
    on_decorated.check(x, np.cos(x) * x + np.sin(x))
    on_nested.check(x, 4 * x)                      # d/dx (2x * x)
    run_cell(mod, """
        @astgrad.differentiable
        def smooth(x):
            return np.exp(x)

        def base(x):
            return x ** 3
    """)
    on_decorated.check(x, np.exp(x) * x + np.exp(x))
    on_nested.check(x, 9 * x ** 2)                 # d/dx (3x^2 * x)


# -- 6. a call binds its arguments to the callee's parameters as Python does ---------------------

def kw_only_callee(a, b=2.0, *, c, d=3.0):
    return np.sin(a) * b + c ** 2 * d


def pos_only_callee(a, b, /, c=1.0):
    return a * b ** 2 + np.exp(c)


module_lambda = lambda u, v=2.0, *, w=1.0: u * np.sin(v) * w      # noqa: E731


def calls_keyword_only_swapped(x, y):
    return kw_only_callee(y, c=x)                  # a <- y, c <- x; b and d defaults


def calls_keyword_only_all(x, y):
    return kw_only_callee(x, y, d=x, c=y * x)


def calls_keyword_only_by_name(x, y):
    return kw_only_callee(c=x, a=y, b=x)


def calls_positional_only(x, y):
    return pos_only_callee(y, x, c=y)


def calls_module_lambda(x, y):
    return module_lambda(y) + module_lambda(x, v=y) + module_lambda(v=x, u=y * y, w=x)


def outer_callee(p, q=1.0, *, r):
    return inner_callee(q, r=p) * r


def inner_callee(s, *, r):
    return s * np.cos(r)


def calls_nested_callees(x, y):
    return outer_callee(y, r=x) + outer_callee(x, y, r=y)


def calls_with_one_argument_constant(x, y):
    return kw_only_callee(x, c=1.5) + 0.0 * y       # the callee sees no derivative of y


# Here, on every Python: one call of each table below. The others (ENGINE_BINDINGS,
# ENGINE_STAR_CALLS) are in test_trust_binding_calls.py, on the default Python alone: which
# parameter an argument binds to is the engine's reading of gast's trees, the same on
# every Python.
ENGINE_BINDINGS = [calls_keyword_only_swapped, calls_keyword_only_all, calls_keyword_only_by_name,
                   calls_module_lambda, calls_nested_callees, calls_with_one_argument_constant]


@pytest.mark.parametrize("f", [calls_positional_only])
def test_arguments_reach_the_callee_parameters_they_bind_to(f):
    """Keyword-only and positional-only parameters, defaults, keywords in another order,
    lambdas and callees of callees: reverse mode, forward mode and the Hessian (forward
    over reverse and reverse over reverse) against finite differences."""
    check_arguments_reach_the_callee_parameters(f)


def check_arguments_reach_the_callee_parameters(f):
    x, y = 0.7, -0.4
    expected = numerical_grad(f, (x, y), wrt=(0, 1))
    assert_close(astgrad.grad(f, wrt=(0, 1))(x, y), expected)
    forward = tuple(astgrad.jvp(f, (x, y), t)[1] for t in ((1.0, 0.0), (0.0, 1.0)))
    assert_close(forward, expected)
    for i in (0, 1):
        gradient = astgrad.grad(f, wrt=i)
        second = numerical_grad(gradient, (x, y), wrt=(0, 1))
        assert_close(astgrad.grad(gradient, wrt=(0, 1))(x, y), second, rtol=1e-5, atol=1e-5)
        assert_close(tuple(astgrad.jvp(gradient, (x, y), t)[1] for t in ((1.0, 0.0), (0.0, 1.0))), second,
                     rtol=1e-5, atol=1e-5)


def star_args_callee(*args, **kwargs):
    return np.sin(args[0]) * kwargs.get("scale", 1.0)


def star_args_only(*args):
    return np.sin(args[0])


def named_then_star_args(x, *more):
    return x * len(more)


def keyword_dict_callee(a, **kw):
    return a * kw["s"]


lambda_star_args = lambda *a: np.sin(a[0])     # noqa: E731


def calls_star_args_with_keyword(x):
    return star_args_callee(x, scale=2.0)


def calls_star_args(x):
    return star_args_only(x)


def calls_named_then_constants(x):
    return named_then_star_args(x, 1, 2)


def calls_with_derivative_in_star_args(x):
    return named_then_star_args(2.0, x)


def calls_keyword_dict(x):
    return keyword_dict_callee(1.0, s=x)


def calls_lambda_star_args(x):
    return lambda_star_args(x)


def calls_star_args_without_derivatives(x):
    return x * star_args_callee(0.5, scale=2.0)


ENGINE_STAR_CALLS = [calls_star_args, calls_named_then_constants, calls_with_derivative_in_star_args,
                     calls_keyword_dict, calls_lambda_star_args]


@pytest.mark.parametrize("f", [calls_star_args_with_keyword])
def test_a_callee_with_star_args_is_differentiated_for_the_call(f):
    """A call whose arguments with derivatives reach a callee with *args/**kwargs is
    differentiated through the callee made for that call (it used to give a zero
    gradient, then a refusal): both modes and second order against finite differences."""
    check_a_callee_with_star_args(f)


def check_a_callee_with_star_args(f):
    x = 0.5
    assert_close(astgrad.grad(f)(x), numerical_grad(f, (x,), 0))
    assert_close(astgrad.jvp(f, (x,), (1.0,))[1], numerical_grad(f, (x,), 0))
    gradient = astgrad.grad(f)
    assert_close(astgrad.grad(gradient)(x), numerical_grad(gradient, (x,), 0), rtol=1e-5, atol=1e-5)


def test_a_callee_with_star_args_and_no_derivatives_is_just_called():
    x = 0.8
    expected = 2.0 * np.sin(0.5)
    assert_close(astgrad.grad(calls_star_args_without_derivatives)(x), expected)
    assert_close(astgrad.jvp(calls_star_args_without_derivatives, (x,), (1.0,))[1], expected)
