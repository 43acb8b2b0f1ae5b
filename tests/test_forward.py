"""Forward mode (issue 4): jvp against finite differences and against reverse mode
on every program of the corpus in programs.py, jvp's argument checks, jacobian in
both modes, user tangent rules, and the completeness of the rule table.
"""

import inspect
import zlib

import numpy as np
import pytest

import astgrad
from astgrad import d, runtime
from astgrad.caching import forward_derivative
from astgrad.rules import registry
from fd import assert_close, numerical_grad, numerical_jvp, random_args
from programs import CASES, float_positions, is_float_arg
from tree_checks import nodes_held_twice

RTOL, ATOL = 1e-5, 1e-6
CASE_IDS = [name for name, _, _ in CASES]


def random_like(rng, x):
    """A random tangent/cotangent with the type and shape of ``x``."""
    if isinstance(x, float) or np.ndim(x) == 0 and not isinstance(x, np.ndarray):
        return float(rng.standard_normal())
    return rng.standard_normal(np.shape(x))


def random_tangents(rng, args):
    return tuple(random_like(rng, x) if is_float_arg(x) else None for x in args)


def basis(x):
    """Unit tangents for every element of ``x`` (floats for a float ``x``)."""
    if isinstance(x, float):
        yield 1.0
        return
    for k in range(np.size(x)):
        e = np.zeros(np.size(x))
        e[k] = 1.0
        yield e.reshape(np.shape(x))


def fd_jacobian(fn, args, position):
    """out.shape + x.shape Jacobian by central differences (one numerical_jvp per
    input element)."""
    x = args[position]
    columns = []
    for e in basis(x):
        tangents = tuple(e if i == position else None for i in range(len(args)))
        columns.append(np.asarray(numerical_jvp(fn, args, tangents)))
    out_shape = np.shape(fn(*args))
    return np.stack(columns, axis=-1).reshape(out_shape + np.shape(x))


def vdot(a, b):
    return float(np.sum(np.asarray(a) * np.asarray(b)))


# ---------------------------------------------------------------------------
# Every program of the corpus: forward vs finite differences vs reverse
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, fn, args", CASES, ids=CASE_IDS)
def test_jvp_matches_finite_differences(name, fn, args):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    tangents = random_tangents(rng, args)
    out, out_tangent = astgrad.jvp(fn, args, tangents)
    assert_close(out, fn(*args), 1e-12, 1e-12, msg="jvp's primal output")
    assert_close(out_tangent, numerical_jvp(fn, args, tangents), RTOL, ATOL)


@pytest.mark.parametrize("name, fn, args", CASES, ids=CASE_IDS)
def test_jvp_agrees_with_vjp(name, fn, args):
    """<c, J t> computed forward equals <J^T c, t> computed backward."""
    rng = np.random.default_rng(7 + zlib.crc32(name.encode()))
    tangents = random_tangents(rng, args)
    out, out_tangent = astgrad.jvp(fn, args, tangents)
    cotangent = random_like(rng, out) if np.ndim(out) else 1.3
    out_reverse, pullback = astgrad.vjp(fn, *args)
    assert_close(out_reverse, out, 1e-12, 1e-12)
    grads = pullback(cotangent)
    backward = sum(vdot(g, t) for g, t in zip(grads, tangents) if t is not None)
    forward = vdot(cotangent, out_tangent)
    assert abs(forward - backward) <= 1e-9 * (1.0 + abs(forward)), (forward, backward)


@pytest.mark.parametrize("name, fn, args", CASES, ids=CASE_IDS)
def test_jacobian_forward_equals_reverse_equals_fd(name, fn, args):
    for position in float_positions(args):
        forward = astgrad.jacobian(fn, position, mode="forward")(*args)
        reverse = astgrad.jacobian(fn, position, mode="reverse")(*args)
        expected = fd_jacobian(fn, args, position)
        assert forward.shape == np.shape(fn(*args)) + np.shape(args[position])
        assert_close(forward, expected, RTOL, ATOL, msg=f"forward, argument {position}")
        assert_close(reverse, expected, RTOL, ATOL, msg=f"reverse, argument {position}")
        assert_close(forward, reverse, 1e-9, 1e-11, msg=f"forward vs reverse, argument {position}")


@pytest.mark.parametrize("name, fn, args", CASES, ids=CASE_IDS)
def test_forward_derivative_has_source(name, fn, args):
    compiled = forward_derivative(fn, float_positions(args))
    assert isinstance(compiled.source, str) and "def " in compiled.source
    # keyword-only tangent parameters, one per differentiated argument
    code = compiled.__code__
    assert code.co_kwonlyargcount == len(float_positions(args))


def test_jvp_on_straight_line_code_is_exact():
    x, y = 0.7, -1.3
    out, t = astgrad.jvp(lambda_free_poly, (x, y), (1.0, 0.0))
    assert out == lambda_free_poly(x, y)
    assert t == pytest.approx(3 * x * x * y + 2 * x, rel=1e-15)
    _, t = astgrad.jvp(lambda_free_poly, (x, y), (0.0, 1.0))
    assert t == pytest.approx(x ** 3 - 1.0, rel=1e-15)


def lambda_free_poly(x, y):
    return x * x * x * y + x * x - y


# ---------------------------------------------------------------------------
# jvp argument handling
# ---------------------------------------------------------------------------

def two_arrays(x, y):
    return np.sin(x) * y


def with_int(x, n):
    y = x * 1.0
    for i in range(n):
        y = y * x
    return y


def test_jvp_mismatched_lengths():
    x = np.ones(3)
    with pytest.raises(ValueError, match="primal"):
        astgrad.jvp(two_arrays, (x, x), (x,))
    with pytest.raises(ValueError, match="tangent"):
        astgrad.jvp(two_arrays, (x,), (x, x))


def test_jvp_wrong_tangent_shape_names_both_shapes():
    x, y = np.ones(3), np.ones(3)
    with pytest.raises(ValueError) as info:
        astgrad.jvp(two_arrays, (x, y), (np.ones(3), np.ones((2, 2))))
    message = str(info.value)
    assert "(2, 2)" in message and "(3,)" in message


def test_jvp_scalar_tangent_for_array_primal_is_refused():
    with pytest.raises(ValueError, match=r"\(3,\)"):
        astgrad.jvp(two_arrays, (np.ones(3), np.ones(3)), (1.0, np.ones(3)))


def test_jvp_requires_tuples():
    with pytest.raises(TypeError):
        astgrad.jvp(two_arrays, np.ones(3), np.ones(3))


@pytest.mark.parametrize("int_tangent", [None, 0, 0.0, np.zeros(())])
def test_jvp_int_argument_tangent_ignored(int_tangent):
    x = np.array([0.5, -0.7, 1.1])
    t = np.array([1.0, 2.0, -1.0])
    out, out_t = astgrad.jvp(with_int, (x, 3), (t, int_tangent))
    assert_close(out, x ** 4, 1e-12, 1e-12)
    assert_close(out_t, 4 * x ** 3 * t, 1e-12, 1e-12)


@pytest.mark.parametrize("int_tangent", [5, 1.0, "ignored", np.ones(7)])
def test_jvp_int_argument_nonzero_tangent_refused(int_tangent):
    # an int is a constant for jvp: a nonzero tangent for it would be silently dropped
    x = np.array([0.5, -0.7, 1.1])
    with pytest.raises(ValueError, match="tangent 1 .* pass None as its tangent"):
        astgrad.jvp(with_int, (x, 3), (np.ones(3), int_tangent))


def test_jvp_zero_tangent_gives_zero():
    x, y = random_args(3, (3,), (3,))
    _, t = astgrad.jvp(two_arrays, (x, y), (np.zeros(3), np.zeros(3)))
    assert_close(t, np.zeros(3), 0, 0)


def test_jvp_is_linear_in_the_tangent():
    x, y = random_args(4, (3,), (3,))
    t1, t2 = random_args(5, (3,), (3,))
    _, a = astgrad.jvp(two_arrays, (x, y), (t1, t2))
    _, b = astgrad.jvp(two_arrays, (x, y), (2.5 * t1, 2.5 * t2))
    _, c = astgrad.jvp(two_arrays, (x, y), (t1, np.zeros(3)))
    _, e = astgrad.jvp(two_arrays, (x, y), (np.zeros(3), t2))
    assert_close(b, 2.5 * a, 1e-12, 1e-12)
    assert_close(a, c + e, 1e-12, 1e-12)
    assert_close(c, np.cos(x) * y * t1, 1e-12, 1e-12)
    assert_close(e, np.sin(x) * t2, 1e-12, 1e-12)


# ---------------------------------------------------------------------------
# jacobian: shapes, modes, validation
# ---------------------------------------------------------------------------

def vec_to_vec(x):
    return np.tanh(x[:3] * x[1:]) * 2.0


def matrix_in(m):
    return np.sum(m * m, axis=0) + np.sin(m[0])


def scalar_out(m):
    return np.sum(np.exp(m * 0.5) * m)


def two_args_vec(a, b):
    return a * b + np.sin(a)


@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
def test_jacobian_vector_to_vector(mode):
    (x,) = random_args(6, (4,))
    jac = astgrad.jacobian(vec_to_vec, mode=mode)(x)
    assert jac.shape == (3, 4)
    assert_close(jac, fd_jacobian(vec_to_vec, (x,), 0), RTOL, ATOL)


@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
def test_jacobian_matrix_input(mode):
    (m,) = random_args(7, (2, 3))
    jac = astgrad.jacobian(matrix_in, mode=mode)(m)
    assert jac.shape == (3, 2, 3)
    assert_close(jac, fd_jacobian(matrix_in, (m,), 0), RTOL, ATOL)


@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
def test_jacobian_scalar_output(mode):
    (m,) = random_args(8, (2, 3))
    jac = astgrad.jacobian(scalar_out, mode=mode)(m)
    assert jac.shape == (2, 3)
    assert_close(jac, numerical_grad(scalar_out, (m,)), RTOL, ATOL)
    assert_close(jac, astgrad.grad(scalar_out)(m), 1e-12, 1e-12)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_jacobian_wrt_second_argument(mode):
    a, b = random_args(9, (3,), (3,))
    jac = astgrad.jacobian(two_args_vec, wrt=1, mode=mode)(a, b)
    assert jac.shape == (3, 3)
    assert_close(jac, np.diag(a), 1e-12, 1e-12)
    jac_name = astgrad.jacobian(two_args_vec, wrt="a", mode=mode)(a, b)
    assert_close(jac_name, np.diag(b + np.cos(a)), 1e-12, 1e-12)


def test_jacobian_scalar_input():
    jac = astgrad.jacobian(two_args_vec, wrt=0, mode="forward")(0.5, np.array([1.0, 2.0]))
    assert np.shape(jac) == (2,)
    assert_close(jac, np.array([1.0, 2.0]) + np.cos(0.5), 1e-12, 1e-12)


def named_outputs(x):
    return {"total": np.sum(np.sin(x)), "scaled": 2.0 * x}


def ragged_outputs(x):
    return np.sum(np.sin(x)), [2.0 * x]


@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
def test_jacobian_of_outputs_with_no_one_jacobian_says_what_to_do(mode):
    x = np.array([0.3, -0.4, 0.9])
    for f, kind in ((named_outputs, "a dict"), (ragged_outputs, "a tuple of arrays of different shapes")):
        with pytest.raises(TypeError, match=f"jacobian needs {f.__name__} to return a number or an array .*, not {kind}; "
                                            r"take the jacobian of a function returning one of its outputs"):
            astgrad.jacobian(f, mode=mode)(x)
    jac = astgrad.jacobian(lambda v: named_outputs(v)["scaled"], mode=mode)(x)
    assert_close(jac, 2.0 * np.eye(3), 1e-12, 1e-12)


@pytest.mark.parametrize("mode", ["Forward", "rev", "", None, "jvp"])
def test_jacobian_mode_validation(mode):
    with pytest.raises(ValueError, match="mode"):
        astgrad.jacobian(vec_to_vec, mode=mode)


# ---------------------------------------------------------------------------
# user tangent rules
# ---------------------------------------------------------------------------

def cube_tangent_target(x):
    return x ** 3


def uses_cube_tangent_target(x):
    return cube_tangent_target(x) * 2.0 + x


def test_user_tangent_rule_is_used():
    # cube_tangent_target is used by this test only, so the rule cannot leak.
    @astgrad.tangent(cube_tangent_target)
    def cube_tangent(y, x):
        d[y] = d[x] * 3 * x * x

    x = np.array([0.5, -1.5, 2.0])
    t = np.array([1.0, 0.5, -2.0])
    _, out_t = astgrad.jvp(uses_cube_tangent_target, (x,), (t,))
    assert_close(out_t, (6 * x * x + 1.0) * t, 1e-12, 1e-12)
    source = forward_derivative(uses_cube_tangent_target, (0,)).source
    assert "cube_tangent_target" in source


def test_tangent_template_must_assign_result():
    with pytest.raises(TypeError, match="tangent"):
        @astgrad.tangent(cube_tangent_target)
        def wrong(y, x):
            d[x] = d[y] * 3 * x * x


# ---------------------------------------------------------------------------
# The rule table is complete in both directions
# ---------------------------------------------------------------------------

def _builtin_rules(table):
    """Keys of the rules astgrad itself ships (tests may register user rules)."""
    return {key for key, template in table.items()
            if template.fn.__module__.startswith("astgrad.")}


def test_every_primitive_has_adjoint_and_tangent():
    adjoints, tangents = _builtin_rules(registry.ADJOINTS), _builtin_rules(registry.TANGENTS)
    assert adjoints, "the rule table is empty"
    no_tangent = sorted(registry.describe(k) for k in adjoints - tangents)
    no_adjoint = sorted(registry.describe(k) for k in tangents - adjoints)
    assert not no_tangent, f"primitives with an adjoint but no tangent rule: {no_tangent}"
    assert not no_adjoint, f"primitives with a tangent but no adjoint rule: {no_adjoint}"


def test_every_runtime_helper_is_in_the_vocabulary():
    """Generated code calls astgrad.runtime helpers; each must have both rules or be
    declared non-differentiable, or the generated code cannot be transformed again."""
    missing = []
    for name, obj in vars(runtime).items():
        if name.startswith("_") or not inspect.isfunction(obj) or obj.__module__ != runtime.__name__:
            continue
        key = registry.rule_key(obj)
        if key in registry.NON_DIFFERENTIABLE:
            continue
        if key not in registry.ADJOINTS or key not in registry.TANGENTS:
            missing.append(name)
    assert not missing, f"runtime helpers without adjoint+tangent rules: {sorted(missing)}"




def test_forward_code_holds_each_statement_once(monkeypatch):
    # forward mode writes the primal statements themselves, not copies, into the code the
    # optimize passes then change in place: no node may stand in two places of it
    from astgrad import caching
    from astgrad.modes import forward
    trees, transform = [], forward.ForwardMode.transform
    monkeypatch.setattr(forward.ForwardMode, "transform", lambda mode: trees.append(transform(mode)) or trees[-1])
    for name, fn, args in CASES:
        caching.generate_forward(fn, float_positions(args))
    assert len(trees) >= len(CASES)
    assert [twice for tree in trees for twice in nodes_held_twice(tree)] == []
