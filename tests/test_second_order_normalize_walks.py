"""Two shortcuts of the normalizer at the second order change nothing it makes:

- a derivative's nodes, for the checks and rewrites of ``Normalizer.run``, are walked
  without operators and contexts (``normalizer._node_walk``);
- the names that may hold objects of a class the code does not know are found empty
  from the calls alone where no object of a user's class can reach the function
  (``UnknownObjectValues._calls_no_user_code``), instead of by the fixed point.

Each program below (with comparisons, which make the normalizer ask for those names),
its first derivative, the benchmark's programs and the examples' functions normalize to
the same code, the same dependencies in the same order and the same refusal with the
shortcuts and without them; the second order of the programs the shortcuts serve
matches central differences."""

import os
import pathlib
import sys

import numpy as np
import pytest

import scratch_dirs
from astgrad import caching
from astgrad.core import syntax as S
from astgrad.frontend.normalize import normalizer
from astgrad.frontend.normalize.unknown_objects import UnknownObjectValues
from program_files import load_module
from test_normalize_skips import _example_functions
from test_plain_reads import _normalized

_MODULE = '''
import numpy as np

LIMITS = (0.5, 2.0)


def helper(v):
    return v * 2.0


def compares(x, y):
    a = x * y
    if np.sum(a) > LIMITS[0]:
        a = np.sin(a) * y
    else:
        a = a * 0.5 + x
    b = np.maximum(a, 0.1) if np.min(x) < LIMITS[1] else a
    return np.sum(a * b)


def compares_in_a_loop(x, y):
    s = 0.0
    for k in range(3):
        if np.sum(x) * k < 2.0:
            s = s + np.sum(np.tanh(x * k) * y)
        else:
            s = s + np.sum(x * y)
    return s


def local_function_compared(x, y):
    def scaled(v):
        return v * 3.0
    p = scaled(x)
    return np.sum(np.where(p < y, p * y, y))


def lambda_compared(x, y):
    f = lambda v: v * v
    q = f(x)
    return np.sum(q * y) if np.sum(q) > 1.0 else np.sum(x)


def helper_compared(x, y):
    h = helper(x)
    return np.sum(h * y) if np.sum(h) > 1.0 else np.sum(y * x)
'''

_NAMES = ["compares", "compares_in_a_loop", "local_function_compared", "lambda_compared", "helper_compared"]


@pytest.fixture(scope="module")
def programs():
    return load_module(_MODULE, pathlib.Path(scratch_dirs.make("normalize_walks_")) / "normalize_walks_programs.py")


def _benchmark_functions():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks"))
    import generation_scaling
    directory = scratch_dirs.make("normalize_walks_bench_")
    return [generation_scaling.load(make(40), directory, f"_normalize_walks_{shape}")
            for shape, make in generation_scaling.SHAPES.items()]


def _first_derivative(fn):
    try:
        return caching.generate_reverse(fn, (0,), False)
    except Exception:       # refused: nothing to differentiate again
        return None


def _counting_shortcut(monkeypatch):
    """Count the answers ``_calls_no_user_code`` gives (True: the fixed point skipped)."""
    answers = []
    shortcut = UnknownObjectValues._calls_no_user_code

    def counted(self):
        answers.append(shortcut(self))
        return answers[-1]
    monkeypatch.setattr(UnknownObjectValues, "_calls_no_user_code", counted)
    return answers


def test_unknown_object_names_skipped_only_where_the_fixed_point_finds_none(programs, monkeypatch):
    functions = [getattr(programs, name) for name in _NAMES] + _benchmark_functions()
    functions += [d for d in map(_first_derivative, functions) if d is not None]
    assert len(functions) == 2 * (len(_NAMES) + 3)
    functions += _example_functions()
    answers = _counting_shortcut(monkeypatch)
    shortcut = [_normalized(fn) for fn in functions]
    # the shortcut answered both ways: the fixed point skipped, and run where a call may run the user's code
    assert True in answers and False in answers
    monkeypatch.setattr(UnknownObjectValues, "_calls_no_user_code", lambda self: False)
    assert [_normalized(fn) for fn in functions] == shortcut


def test_a_derivative_normalizes_alike_with_every_node_walked(programs, monkeypatch):
    functions = [getattr(programs, name) for name in _NAMES] + _benchmark_functions()
    functions += [fn for fn in _example_functions() if fn.__code__.co_argcount]
    derivatives = [d for d in map(_first_derivative, functions) if d is not None]
    assert len(derivatives) > len(_NAMES) + 3 + 10
    assert all(normalizer._node_walk(d) is S.operand_nodes for d in derivatives)
    assert normalizer._node_walk(programs.compares) is S.all_nodes
    operands_walked = [_normalized(d) for d in derivatives]
    monkeypatch.setattr(normalizer, "_node_walk", lambda fn: S.all_nodes)
    assert [_normalized(d) for d in derivatives] == operands_walked


@pytest.mark.parametrize("shape", [(4,), (3, 2)])
@pytest.mark.parametrize("name", ["compares", "compares_in_a_loop", "local_function_compared"])
def test_second_orders_match_finite_differences(programs, name, shape):
    import astgrad
    from fd import assert_close, numerical_hessian, numerical_jvp
    fn = getattr(programs, name)
    rng = np.random.default_rng(84)
    args = (rng.uniform(0.2, 0.9, shape), rng.uniform(0.2, 0.9, shape))
    gradient = astgrad.grad(fn)
    expected = numerical_hessian(gradient, args)        # (entries of the gradient, entries of x)
    direction = rng.uniform(-1.0, 1.0, shape)
    assert_close(astgrad.hessian(fn)(*args).reshape(expected.shape), expected, msg=name)
    along = (expected @ direction.ravel()).reshape(shape)   # the Hessian is symmetric
    assert_close(astgrad.grad(lambda x, y: np.sum(gradient(x, y) * direction))(*args), along, msg=name)
    tangents = (direction, np.zeros(shape))
    assert_close(astgrad.jvp(gradient, args, tangents)[1], numerical_jvp(gradient, args, tangents), msg=name)
