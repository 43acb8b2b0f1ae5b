"""``len(v)`` and truth tests of ``v`` (``if v:``, ``while``, ``not v``, ``v or w``,
``bool(v)``, ``a if v else b``), ``v`` an object whose class astgrad did not know when it
made the code: reached through ``lambda x: f(x, *args)``, a function value, an attribute
or an item (tests/trust89a_programs.py). A ``__bool__`` or ``__len__`` writing into the
array the object was handed gave a wrong gradient with no error (the helper's value code
and its derivative each ran it); now the code checks the value's class before the hook
runs, and the program is refused in words naming the user's line and the hook, in every
transform (second order too), the object's array as it was. Hooks that only read, and
plain values, are followed, right against central differences in every mode.

CI runs each program along one route in one transform and one mode, in turn (each
transform, mode and route on some program); HYPOTHESIS_PROFILE=thorough runs every
program along every route in every transform and mode."""

import inspect
import os

import numpy as np
import pytest

import astgrad
import trust89a_programs as P
from breadth_modes import MODES, check
from refusal_words import refused_in_words

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
X4 = np.array([0.7, -1.3, 0.4, 2.1])
TRANSFORMS = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jacobian", "jvp_of_grad")
ROUTES = {route.__name__: route for route in P.ROUTES}
PROGRAMS = {f.__name__: f for f in P.PROGRAMS}

def _cases(choices):
    """(program, route, choice): in CI each program along one route with one choice, in
    turn (a few programs twice, where there are more choices than programs); every route
    and choice when thorough."""
    names = sorted(PROGRAMS)
    if THOROUGH:
        return [(name, route, choice) for name in names for route in ROUTES for choice in choices]
    routes = sorted(ROUTES)
    turns = [(name, k) for k, name in enumerate(names)] + [
        (name, k + len(names)) for k, name in enumerate(names) if k + len(names) < len(choices)]
    return [(name, routes[k % len(routes)], choices[k % len(choices)]) for name, k in turns]


def _run(transform, f, x):
    if transform == "grad":
        return astgrad.grad(f)(x)
    if transform == "value_and_grad":
        return astgrad.value_and_grad(f)(x)
    if transform == "vjp":
        return astgrad.vjp(f, x)[1](1.0)
    if transform == "jvp":
        return astgrad.jvp(f, (x,), (np.ones(x.size),))
    if transform == "hessian":
        return astgrad.hessian(f)(x)
    if transform == "jacobian":
        return astgrad.jacobian(f)(x)
    return astgrad.jvp(astgrad.grad(f), (x,), (np.ones(x.size),))


def _hook_line(f):
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if "# the hook" in line)


REFUSED = [pytest.param(name, route, transform, id=f"{name}-{route}-{transform}")
           for name, route, transform in _cases(TRANSFORMS)]
FOLLOWED = [pytest.param(*case, id="-".join(case)) for case in _cases(MODES)]


@pytest.mark.parametrize("name, route, transform", REFUSED)
def test_a_writing_hook_of_a_class_not_known_is_refused_at_the_line(name, route, transform):
    program = PROGRAMS[name]
    v = P.Writing(X4 * 1.5)
    was = v.d.copy()
    f = ROUTES[route](program, (0.8, v))
    x = X4.copy()
    refused_in_words(program, lambda: _run(transform, f, x))
    assert np.array_equal(v.d, was), "a refusal changed the object's array"
    with pytest.raises((TypeError, astgrad.TransformError)) as caught:
        _run(transform, f, x)
    text = str(caught.value)
    assert f"trust89a_programs.py:{_hook_line(program)}" in text, text
    assert ("Writing.__len__" in text or "Writing.__bool__" in text) and "may change something in place" in text, text
    assert np.array_equal(v.d, was) and np.array_equal(x, X4)


@pytest.mark.parametrize("name, route, mode", FOLLOWED)
def test_hooks_that_only_read_are_followed(name, route, mode):
    f = ROUTES[route](PROGRAMS[name], (0.8, P.Quiet(X4 * 1.5)))
    check(mode, f, (X4.copy(),), (0,))


def test_every_transform_mode_and_route_runs_in_ci():
    for values, column in ((TRANSFORMS, 2), (ROUTES, 1)):
        assert set(values) <= {p.values[column] for p in REFUSED}
    assert set(MODES) <= {p.values[2] for p in FOLLOWED}


def test_plain_values_pass_as_python_tests_them():
    """Numbers, arrays, lists, tuples, dicts, None and NumPy scalars handed on the same way."""
    for v in (0, np.float64(2.0), [1.0, 2.0], (), {"a": 1}, None, np.array([1.0, 2.0])):
        args = (0.8, v)

        def f(x, w, v):
            n = (2.0 if v is not None and len(v) > 1 else 1.0) if isinstance(v, (list, tuple, dict, np.ndarray)) else 1.0
            return np.sum(x * x) * w * n * (3.0 if not isinstance(v, np.ndarray) and v else 1.0)
        check("grad", lambda x: f(x, *args), (X4.copy(),), (0,))


def test_the_value_is_right_where_the_hook_only_reads():
    """``length_scale``'s gradient by hand: w * len(d) * d."""
    d = np.array([1.4, 0.5, 2.0, -0.3])
    got = astgrad.grad(P.star_args(P.length_scale, (1.2, P.Quiet(d))))(X4.copy())
    assert np.allclose(got, 1.2 * 4.0 * d)


def test_the_check_run_calls_builtins_on_plain_values_alone():
    """The check run before hessian, jacobian, vjp and jvp of a gradient runs ``float()``,
    ``range()``, ``sum()``, ``any()``, ... as the builtins on numbers, strings, arrays of
    numbers and lists of these, and stops before any other value's hook could run."""
    from astgrad.plain_builtins import STAND_INS, NotPlain
    assert STAND_INS[float](len([1, 2])) == 2.0 and STAND_INS[int]("7") == 7 and STAND_INS[range](1, 4) == range(1, 4)
    assert np.array_equal(STAND_INS[sum]([np.ones(2), 2.0]), np.full(2, 3.0)) and STAND_INS[sum]((1, 2), 3) == 6
    assert STAND_INS[any]([0, np.float64(1.0)]) and not STAND_INS[all](np.zeros(2))
    assert list(STAND_INS[enumerate](X4[:2])) == list(enumerate(X4[:2]))
    assert list(STAND_INS[zip]([1, 2], (3, 4))) == [(1, 3), (2, 4)]
    v = P.Writing(X4 * 1.5)
    was = v.d.copy()
    for builtin, given in ((float, v), (range, v), (sum, [v]), (any, [v]), (all, (1.0, v)), (enumerate, v), (zip, v)):
        with pytest.raises(NotPlain):
            STAND_INS[builtin](given)
    assert np.array_equal(v.d, was)
