"""The normalizer skips its checks for operators, comparisons and conversions on objects
of a user's class where the function's reads prove none can reach it
(frontend/normalize/plain_reads.py). The proof never skips a program the checks would
change: every program of the table normalizes to the same code, the same dependencies
and the same refusal with the proof and with the checks always run; the table holds
programs the proof is made for and programs it must leave unmade (an object, a user's
class or function, a value reached by a string, an import, a local class)."""

import ast
import functools
import os
import sys
import types

import gast
import numpy as np
import pytest

import scratch_dirs
from astgrad import caching, pipeline
from astgrad.frontend.normalize.operator_methods import OperatorMethodLowering
from astgrad.frontend.normalize.plain_reads import reaches_no_user_objects
from test_normalize_skips import _example_functions

_MODULE = '''
import math
import functools
import types
import numpy as np

COEFFS = (0.5, 1.5, -2.0)
TABLE = {"a": 1.0, "b": np.arange(3.0)}
WEIGHTS = np.linspace(0.1, 0.9, 5)


class Vec:
    def __init__(self, a):
        self.a = a

    def __add__(self, other):
        return Vec(self.a + other.a)

    def __rmul__(self, k):
        return Vec(k * self.a)

    def __lt__(self, other):
        return np.sum(self.a) < np.sum(other.a)

    def __float__(self):
        return float(np.sum(self.a))


class Scale(float):
    def __mul__(self, other):
        return Vec(other)


class Marked(np.ndarray):
    def __add__(self, other):
        return Vec(np.asarray(other))


V = Vec(np.ones(5))
HALF = Scale(0.5)
MARKED = np.zeros(5).view(Marked)
VECS = [Vec(np.ones(5)), Vec(np.zeros(5))]
OBJECTS = np.array([V, V], dtype=object)
SPACE = types.SimpleNamespace(v=V)
SCALE = functools.partial(np.multiply, 2.0)
models = types.ModuleType("models")
models.Vec = Vec


def helper(x):
    return Vec(x)


def plain_line(x, y):
    a = x * y
    b = np.sin(a) * 0.5 + COEFFS[1] * x
    c = -b + math.pi * abs(a) ** 2
    return np.sum(c * WEIGHTS) + TABLE["a"] * np.linalg.norm(x)


def plain_branches(x, y):
    s = float(np.sum(x))
    if s < 1.0 and s > -1.0:
        z = [x, y] + [x * 2.0]
    else:
        z = [y * x for _ in range(2)]
    total = sum(np.sum(t) for t in z)
    return total if total >= 0.0 else -total


def plain_closure(x, y):
    k = 3.0
    g = lambda v: v * k + y
    return np.sum(g(x) * max(1.0, min(2.0, k)))


def plain_defaults(x, y, scale=2.0, offsets=(1.0, 2.0)):
    return np.sum(x * scale - offsets[0] * y) / len(offsets)


def object_global(x, y):
    w = V + Vec(x)
    return np.sum(w.a * y)


def object_rmul(x, y):
    w = 2.0 * V
    return np.sum(w.a * x)


def object_compare(x, y):
    p, q = Vec(x), y
    return np.sum(x) if p < Vec(y) else np.sum(y)


def object_float(x, y):
    return float(Vec(x * y))


def object_items(x, y):
    for v in VECS:
        x = x + v.a
    return np.sum(x * y)


def object_helper(x, y):
    return np.sum((helper(x) + helper(y)).a)


def object_module_path(x, y):
    return np.sum((models.Vec(x) + models.Vec(y)).a)


def object_namespace(x, y):
    return np.sum(SPACE.v.a * x + y)


def object_array(x, y):
    return np.sum(x * y) + 0.0 * len(OBJECTS)


def object_partial(x, y):
    return np.sum(SCALE(x) * y)


def float_subclass(x, y):
    return np.sum(x * y) * HALF


def array_subclass(x, y):
    return np.sum(MARKED + x * y)


def by_string(x, y):
    cls = getattr(models, "Vec")
    return np.sum(x * y)


def imported(x, y):
    import math as m
    return np.sum(x * y) * m.pi


def local_class(x, y):
    class Box:
        def __init__(self, v):
            self.v = v
    return np.sum(Box(x).v * y)


def default_object(x, y, v=V):
    return np.sum((v + Vec(x)).a * y)
'''

_PROVEN = ["plain_line", "plain_branches", "plain_closure", "plain_defaults"]
_UNPROVEN = ["object_global", "object_rmul", "object_compare", "object_float", "object_items", "object_helper",
             "object_module_path", "object_namespace", "object_array", "object_partial", "float_subclass",
             "array_subclass", "by_string", "imported",
             "local_class", "default_object"]


@pytest.fixture(scope="module")
def programs():
    directory = scratch_dirs.make("plain_reads_")
    with open(os.path.join(directory, "plain_reads_programs.py"), "w") as handle:
        handle.write(_MODULE)
    sys.path.insert(0, directory)
    try:
        import plain_reads_programs
    finally:
        sys.path.remove(directory)
    return plain_reads_programs


def _normalized(fn):
    """(normalized text or the refusal, the dependencies' paths) of ``fn``, afresh."""
    try:
        source, tree, _, _ = pipeline.prepare(fn, caching.callees)
    except Exception as error:
        return f"{type(error).__name__}: {error}", None
    return ast.unparse(gast.gast_to_ast(tree)), [tuple(map(_part, path)) for path, _ in source.dependencies]


def _part(part):
    """A part of a dependency's path, as a name (a root standing for a scope, or a class's
    own marker, by its kind and name)."""
    return part if isinstance(part, str) else f"{type(part).__name__} {getattr(part, 'name', '')}"


@pytest.mark.parametrize("name", _PROVEN + _UNPROVEN)
def test_the_proof_skips_only_what_would_change_nothing(programs, name, monkeypatch):
    fn = getattr(programs, name)
    assert reaches_no_user_objects(fn) is (name in _PROVEN)
    shortcut = _normalized(fn)
    monkeypatch.setattr(OperatorMethodLowering, "reaches_no_objects", lambda self: False)
    assert _normalized(fn) == shortcut


def test_the_examples_and_benchmark_programs_normalize_alike_both_ways(monkeypatch):
    """Every function of examples/ the proof is made for, and the benchmark's programs
    (each proven), normalize alike with the proof and with the checks always run."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks"))
    import generation_scaling
    directory = scratch_dirs.make("plain_reads_bench_")
    benchmarks = [generation_scaling.load(make(20), directory, f"_plain_reads_{shape}")
                  for shape, make in generation_scaling.SHAPES.items()]
    assert all(map(reaches_no_user_objects, benchmarks))
    proven = benchmarks + [fn for fn in _example_functions() if reaches_no_user_objects(fn)]
    assert len(proven) > len(benchmarks) + 10
    shortcut = [_normalized(fn) for fn in proven]
    monkeypatch.setattr(OperatorMethodLowering, "reaches_no_objects", lambda self: False)
    assert [_normalized(fn) for fn in proven] == shortcut


def test_what_is_not_a_plain_function_is_not_proven():
    assert not reaches_no_user_objects(np.sin)
    assert not reaches_no_user_objects(functools.partial(np.add, 1.0))
    made = types.FunctionType((lambda x: x * 2.0).__code__, {"__builtins__": __builtins__})
    assert reaches_no_user_objects(made)
    made.__astgrad_layouts__ = {}
    assert not reaches_no_user_objects(made)


def _first_derivative(fn):
    """The first derivative astgrad generates for ``fn`` (reverse mode, the first
    argument), as a function that can be differentiated again; None where it refuses."""
    try:
        return caching.generate_reverse(fn, (0,), False)
    except Exception:       # a program whose first derivative is refused: nothing to differentiate again
        return None


def test_a_derivative_of_a_proven_function_is_proven_and_normalizes_alike(programs, monkeypatch):
    """A first derivative carries only the marks every derivative gets: where the proof
    holds for the function, it holds for its derivative (whose namespace is the
    function's, plus astgrad's helpers), and the second order normalizes alike both
    ways. A derivative of a function the proof is not made for is proven only where
    its own code reaches plain values alone (``len(OBJECTS)`` or ``m.pi`` of an import,
    no longer read), and normalizes alike both ways too."""
    proven = [_first_derivative(getattr(programs, name)) for name in _PROVEN]
    others = {name: _first_derivative(getattr(programs, name)) for name in _UNPROVEN}
    others = {name: derivative for name, derivative in others.items() if derivative is not None}
    assert None not in proven and len(others) >= 10
    assert all(map(reaches_no_user_objects, proven))
    still_objects = ("object_global", "object_rmul", "object_float", "object_items", "object_helper",
                     "object_module_path", "object_namespace", "local_class", "default_object")
    assert not any(reaches_no_user_objects(others[name]) for name in still_objects)
    shortcut = [_normalized(fn) for fn in proven + list(others.values())]
    monkeypatch.setattr(OperatorMethodLowering, "reaches_no_objects", lambda self: False)
    assert [_normalized(fn) for fn in proven + list(others.values())] == shortcut


def test_a_derivative_with_marks_of_a_specialization_is_not_proven(programs):
    derivative = _first_derivative(programs.plain_line)
    assert reaches_no_user_objects(derivative)
    derivative.__astgrad_layouts__ = {}     # what code made for object arguments carries
    assert not reaches_no_user_objects(derivative)
    # a function compiled from a derivative's code but not by astgrad is no derivative
    copied = types.FunctionType(programs.plain_line.__code__, programs.plain_line.__globals__)
    copied.__astgrad_generated__ = True
    assert not reaches_no_user_objects(copied)


def test_second_derivatives_of_proven_functions_match_finite_differences(programs):
    """The second order of the proven programs, generated with the checks skipped,
    against central differences of the first derivative."""
    import astgrad
    from fd import assert_close, numerical_hessian
    rng = np.random.default_rng(55)
    for name in ("plain_line", "plain_closure", "plain_defaults"):
        fn = getattr(programs, name)
        args = (rng.uniform(0.2, 0.9, 5), rng.uniform(0.2, 0.9, 5))
        gradient = astgrad.grad(fn)
        assert_close(astgrad.hessian(fn)(*args), numerical_hessian(gradient, args), msg=name)
        assert_close(astgrad.grad(lambda x, y: np.sum(gradient(x, y) * y))(*args),
                     numerical_hessian(gradient, args).T @ args[1], msg=name)
