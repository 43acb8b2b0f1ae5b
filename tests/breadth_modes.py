"""Every mode of astgrad on one program, against central finite differences: grad,
value_and_grad, vjp, jvp, hessian, jacobian of the gradient, jvp of the gradient, and
the gradient called inside another differentiated function (by a lambda with ``*args``
and by a def naming its arguments). Used by tests/test_breadth_modes.py."""

import dataclasses
import functools
import os
import types

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "hvp", "jacobian_of_grad", "jvp_of_grad",
         "vjp_of_grad", "grad_inside_lambda", "grad_inside_def")

FIRST = ("grad", "jvp", "vjp", "value_and_grad")
SECOND = tuple(m for m in MODES if m not in FIRST)
THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"

RTOL, ATOL = 1e-5, 1e-6
RTOL2, ATOL2 = 1e-4, 1e-5         # second order: differences of generated first derivatives


def copies(args):
    """Fresh copies of the array arguments (a program may write into them), laid out as
    they are (a reshape of a Fortran-ordered array copies where a C-ordered one's is a view)."""
    def copy(value):
        if isinstance(value, np.ndarray):
            return value.copy(order="K")
        if type(value) in (list, tuple):
            return type(value)(copy(v) for v in value)
        if type(value) is dict:
            return {k: copy(v) for k, v in value.items()}
        return value
    return tuple(copy(a) for a in args)


def check_grad_and_jvp_on_a_copy(f, start, w, value):
    """``grad`` and ``jvp`` of ``f`` at ``(start, w)``, ``f`` writing into its array
    argument, against central differences, ``jvp``'s value against ``value``; each call
    leaving the caller's array as it was."""
    x = start.copy()
    plain = lambda *a: f(*copies(a))       # noqa: E731 - f writes into its argument
    gx, gw = astgrad.grad(f, wrt=(0, 1))(x, w)
    assert np.array_equal(x, start), "grad changed the caller's array"
    assert_close(gx, numerical_grad(plain, (start, w), wrt=0))
    assert_close(gw, numerical_grad(plain, (start, w), wrt=1))
    tangents = (np.linspace(-0.4, 0.9, x.size).reshape(x.shape), 0.7)
    primal, d = astgrad.jvp(f, (x, w), tangents)
    assert np.array_equal(x, start), "jvp changed the caller's array"
    assert_close(primal, value, 1e-12, 1e-12)
    assert_close(d, numerical_jvp(plain, (start, w), tangents))


def check_hessian_on_a_copy(f, start, w):
    """``hessian(f)`` at ``(start, w)``, ``f`` writing into its array argument, against
    central differences of ``grad(f)``'s first part; the caller's array left as it was."""
    x = start.copy()
    gradient = astgrad.grad(f, wrt=(0, 1))
    h = astgrad.hessian(f)(x, w)
    assert np.array_equal(x, start), "hessian changed the caller's array"
    want = numerical_hessian(lambda *a: gradient(*copies(a))[0], (start, w))
    assert_close(np.reshape(h, np.shape(want)), want, 1e-4, 1e-5)


def _tangent(value, rng):
    if isinstance(value, np.ndarray):
        return rng.standard_normal(value.shape)
    return float(rng.standard_normal())


def _weights(value, rng):
    return rng.standard_normal(np.shape(value)) + 1.5


def check(mode, f, args, wrt, seed=0):
    """Run ``mode`` of ``f`` at ``args`` (``wrt``: the positions to differentiate, floats
    or float arrays) and compare with finite differences of ``f`` (first order) or of
    astgrad's own gradient (second order, itself checked by the first-order modes)."""
    rng = np.random.default_rng(seed)
    plain = lambda *a: f(*copies(a))        # noqa: E731 - f may write into its arguments
    before = copies(args)
    # the first-order modes compare with these; the second-order ones difference astgrad's
    # own gradient instead, and computing them there would be work no check reads
    expected = [numerical_grad(plain, copies(args), wrt=i) for i in wrt] if mode in FIRST else None
    globals()["_" + mode](f, args, wrt, rng, plain, expected)
    for arg, was in zip(args, before):
        if isinstance(arg, np.ndarray):
            assert np.array_equal(arg, was), "a transform changed the caller's array"


def _zero(value):
    """The zero tangent of an argument that is not differentiated (None for a function)."""
    if isinstance(value, float):
        return 0.0
    if isinstance(value, np.ndarray):
        return np.zeros_like(value)
    if type(value) in (list, tuple):
        return type(value)(_zero(v) for v in value)
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(value, **{f.name: _zero(getattr(value, f.name))
                                             for f in dataclasses.fields(value)})
    return None


def _tangents(args, wrt, rng):
    """(tangents for jvp, a zero or None for each other argument; the same with None
    for every argument not in wrt, for numerical_jvp)."""
    full = [_zero(a) for a in args]
    partial = [None] * len(args)
    for i in wrt:
        full[i] = partial[i] = _tangent(args[i], rng)
    return tuple(full), tuple(partial)


def _grad(f, args, wrt, rng, plain, expected):
    g = astgrad.grad(f, wrt=tuple(wrt))(*args)
    assert isinstance(g, tuple) and len(g) == len(wrt)
    for got, want in zip(g, expected):
        assert_close(got, want, RTOL, ATOL)
    single = astgrad.grad(f, wrt=wrt[-1])(*args)
    assert_close(single, expected[-1], RTOL, ATOL)


def _value_and_grad(f, args, wrt, rng, plain, expected):
    value, g = astgrad.value_and_grad(f, wrt=wrt[0])(*args)
    assert_close(value, plain(*args), 1e-12, 1e-12)
    assert_close(g, expected[0], RTOL, ATOL)


def _holds_float(value, depth=6):
    """Whether ``value`` is or holds (in attributes, items) a float or a float array."""
    if isinstance(value, (float, np.floating)) or isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return True
    if depth == 0 or isinstance(value, (str, type, types.FunctionType, functools.partial, np.ufunc)):
        return False
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) \
        else vars(value).values() if hasattr(value, "__dict__") else ()
    return any(_holds_float(item, depth - 1) for item in items)


def _plain_objects(args, wrt):
    """The positions, not in ``wrt``, of objects of a plain class (not a dataclass) holding
    floats: vjp differentiates every primal, and refuses such an object with a TypeError
    naming its class (its gradient would be None, read as zero)."""
    return [i for i, a in enumerate(args) if i not in wrt and hasattr(a, "__dict__")
            and not dataclasses.is_dataclass(a) and not isinstance(a, (type, types.FunctionType,
                                                                       functools.partial, np.ufunc))
            and _holds_float(a)]


def _refused_objects(f, args, wrt):
    """For arguments holding plain objects (``_plain_objects``): check that vjp refuses
    them, naming the class, and return ``f`` with them bound first (functools.partial, which
    holds them constant) and ``args``, ``wrt`` for the rest; None where they do not lead."""
    held = _plain_objects(args, wrt)
    if not held:
        return f, args, wrt
    with pytest.raises(TypeError, match=f"class {type(args[held[0]]).__name__}, which is not a dataclass"):
        astgrad.vjp(f, *args)
    if held != list(range(len(held))):
        return None
    n = len(held)
    return functools.partial(f, *args[:n]), args[n:], [i - n for i in wrt]


def _vjp(f, args, wrt, rng, plain, expected):
    held = _refused_objects(f, args, wrt)
    if held is None:
        return
    f, args, wrt = held
    plain = lambda *a: f(*copies(a))       # noqa: E731 - f may write into its arguments
    out, pullback = astgrad.vjp(f, *args)
    assert_close(out, plain(*args), 1e-12, 1e-12)
    grads = pullback(np.ones(np.shape(out)) if np.ndim(out) else 1.0)     # (1,): a one-element result
    for i, want in zip(wrt, expected):
        assert_close(grads[i], want, RTOL, ATOL)


def _jvp(f, args, wrt, rng, plain, expected):
    full, tangents = _tangents(args, wrt, rng)
    value, d = astgrad.jvp(f, copies(args), full)
    assert_close(value, plain(*args), 1e-12, 1e-12)
    assert_close(d, numerical_jvp(plain, copies(args), tangents), RTOL, ATOL)
    by_gradient = sum(np.sum(e * tangents[i]) for i, e in zip(wrt, expected))
    assert_close(d, np.full(np.shape(d), by_gradient) if np.ndim(d) else by_gradient, RTOL, ATOL)  # (1,) too


def _hessian(f, args, wrt, rng, plain, expected):
    i = wrt[0]
    h = astgrad.hessian(f, wrt=i)(*args)
    gi = astgrad.grad(f, wrt=i)
    want = numerical_hessian(lambda *a: gi(*copies(a)), copies(args), wrt=i)
    assert_close(np.reshape(h, np.shape(want)), want, RTOL2, ATOL2)
    assert np.shape(h) == np.shape(args[i]) * 2


def _hvp(f, args, wrt, rng, plain, expected):
    i = wrt[0]
    v = _tangent(args[i], rng)
    got = astgrad.hvp(f, wrt=i)(*args, v)
    gi = astgrad.grad(f, wrt=i)
    tangents = [None] * len(args)
    tangents[i] = v
    assert_close(got, numerical_jvp(lambda *a: gi(*copies(a)), copies(args), tuple(tangents)), RTOL2, ATOL2)


def _vjp_of_grad(f, args, wrt, rng, plain, expected):
    gi = astgrad.grad(f, wrt=wrt[0])
    if _plain_objects(args, wrt):       # refused (a partial of a gradient given objects is not followed)
        _refused_objects(gi, args, wrt)
        return
    out, pullback = astgrad.vjp(gi, *copies(args))
    c = _weights(args[wrt[0]], rng)
    c = float(c) if isinstance(out, float) else c
    grads = pullback(c)
    for j in wrt:
        want = numerical_grad(lambda *a: np.sum(gi(*copies(a)) * c), copies(args), wrt=j)
        assert_close(grads[j], want, RTOL2, ATOL2)


def _jacobian_of_grad(f, args, wrt, rng, plain, expected):
    i = wrt[0]
    gi = astgrad.grad(f, wrt=i)
    j = wrt[-1]
    jac = astgrad.jacobian(gi, wrt=j)(*args)
    want = numerical_hessian(lambda *a: gi(*copies(a)), copies(args), wrt=j)
    assert_close(np.reshape(jac, np.shape(want)), want, RTOL2, ATOL2)


def _jvp_of_grad(f, args, wrt, rng, plain, expected):
    gi = astgrad.grad(f, wrt=wrt[0])
    full, tangents = _tangents(args, wrt, rng)
    value, d = astgrad.jvp(gi, copies(args), full)
    assert_close(value, gi(*copies(args)), 1e-12, 1e-12)
    assert_close(d, numerical_jvp(lambda *a: gi(*copies(a)), copies(args), tangents), RTOL2, ATOL2)


def _grad_inside_lambda(f, args, wrt, rng, plain, expected):
    gi = astgrad.grad(f, wrt=wrt[0])
    c = _weights(args[wrt[0]], rng)
    outer = lambda *a: np.sum(gi(*a) * c)       # noqa: E731 - the gradient called inside
    got = astgrad.grad(outer, wrt=wrt[-1])(*args)
    assert_close(got, numerical_grad(lambda *a: outer(*copies(a)), copies(args), wrt=wrt[-1]), RTOL2, ATOL2)


def _grad_inside_def(f, args, wrt, rng, plain, expected):
    """A def calling the gradient with its last argument (named ``w`` in every program
    of two or three arguments) by keyword, or with the one argument of a program taking
    one; its own gradient and jvp agree with finite differences."""
    gi = astgrad.grad(f, wrt=wrt[-1])
    c = _weights(args[wrt[-1]], rng)
    first = wrt[0]
    if len(args) == 1:
        def outer(a):
            return np.sum(gi(a) * c) + 0.5 * np.sum(a)
    elif len(args) == 2:
        def outer(a, b):
            return np.sum(gi(a, w=b) * c) + 0.5 * np.sum((a, b)[first])
    else:
        def outer(a, b, d):
            return np.sum(gi(a, b, w=d) * c) + 0.5 * np.sum((a, b, d)[first])
    got = astgrad.grad(outer, wrt=tuple(wrt))(*args)
    wants = [numerical_grad(lambda *a: outer(*copies(a)), copies(args), wrt=i) for i in wrt]
    for k in range(len(wrt)):
        assert_close(got[k], wants[k], RTOL2, ATOL2)
    tangents, _ = _tangents(args, wrt, rng)
    _, d = astgrad.jvp(outer, copies(args), tangents)
    assert_close(d, sum(np.sum(want * tangents[i]) for i, want in zip(wrt, wants)), RTOL2, ATOL2)


def ci_modes(k):
    """One mode per program in CI: first-order modes and second-order ones in turn."""
    return (FIRST[(k // 2) % len(FIRST)],) if k % 2 == 0 else (SECOND[(k // 2) % len(SECOND)],)


def modes_in_ci(k):
    """The modes CI checks the ``k``-th program of a table in: every first-order mode and
    two second-order ones, taking turns from one program to the next (each second
    derivative is a derivative of its own to make: most of such a table's time). Every
    mode under HYPOTHESIS_PROFILE=thorough."""
    if THOROUGH:
        return MODES
    return FIRST + (SECOND[(2 * k) % len(SECOND)], SECOND[(2 * k + 1) % len(SECOND)])


def cases_in_modes(cases, ids=None):
    """pytest params ``(*case, mode)`` for a table of ``cases`` (a program, or a tuple
    starting with its name or the program), each in the modes ``modes_in_ci`` gives it;
    a table of fewer than four (whose turns would miss a second-order mode) in every mode."""
    cases = [case if isinstance(case, tuple) else (case,) for case in cases]
    for k, case in enumerate(cases):
        name = ids[k] if ids else case[0] if isinstance(case[0], str) else case[0].__name__
        for mode in modes_in_ci(k) if len(cases) >= 4 else MODES:
            yield pytest.param(*case, mode, id=f"{name}-{mode}")


# the modes a program that astgrad used to refuse is checked in: reverse, forward, second order
FREED_MODES = ("grad", "jvp", "hessian")


def found_bug_params(cases, found_bugs):
    """pytest params (mode, f, args, wrt) for ``cases``: in CI, each program whose name
    starts with a key of ``found_bugs`` in the modes it names, and one mode per program
    on every third of the others; with HYPOTHESIS_PROFILE=thorough, every mode of all."""
    for k, (name, f, args, wrt) in enumerate(cases):
        found = next((modes for prefix, modes in found_bugs.items() if name.startswith(prefix)), ())
        if THOROUGH:
            modes = MODES
        else:
            modes = tuple(found) + tuple(m for m in ci_modes(k // 3) if k % 3 == 0 and m not in found)
        for mode in modes:
            yield pytest.param(mode, f, args, wrt, id=f"{name}-{mode}")


def one_mode_params(cases, found_bugs):
    """pytest params (mode, f, args, wrt) for ``cases``, one mode per program: the mode
    ``found_bugs`` names for a program whose name starts with one of its keys (the mode
    that showed the bug), else the program's turn of ``ci_modes``."""
    for k, (name, f, args, wrt) in enumerate(cases):
        mode = next((m for prefix, m in found_bugs.items() if name.startswith(prefix)), None) or ci_modes(k)[0]
        yield pytest.param(mode, f, args, wrt, id=f"{name.split()[0]}-{mode}")


def _program_in_mode_test(selected):
    @pytest.mark.parametrize("mode, f, args, wrt", selected)
    def program_in_mode(mode, f, args, wrt):
        check(mode, f, args, wrt)
    return program_in_mode


def _found_bugs_test(cases, found_bugs):
    def every_found_bug_names_one_program():
        for prefix in found_bugs:
            assert sum(1 for name, *_ in cases if name.startswith(prefix)) == 1, prefix
    return every_found_bug_names_one_program


def one_mode_tests(cases, found_bugs):
    """The two tests a hunt table runs over ``cases`` (see ``one_mode_params``): each
    program in its one mode, and each key of ``found_bugs`` naming one program. A suite
    binds them to test_ names."""
    return _program_in_mode_test(list(one_mode_params(cases, found_bugs))), _found_bugs_test(cases, found_bugs)


def acceptance_tests(cases, found_bugs):
    """The three tests an acceptance suite runs over ``cases`` (see ``found_bug_params``):
    each selected program in its mode; each key of ``found_bugs`` naming one program; each
    mode run on at least two programs in CI. A suite binds them to test_ names."""
    selected = list(found_bug_params(cases, found_bugs))

    def every_mode_runs_in_ci():
        chosen = [p.values[0] for p in selected]
        for mode in MODES:
            assert chosen.count(mode) >= 2, mode

    return _program_in_mode_test(selected), _found_bugs_test(cases, found_bugs), every_mode_runs_in_ci
