"""Silent wrong results an adversary finds, each pinned by the program that showed it.

- ``numpy.power`` of a negative Python float to a fractional power is NaN in NumPy; its
  derivative was taken with Python's ``**``, which is complex there, so the gradient
  failed with a bare ``TypeError`` from astgrad's output check.
- A module function replaced by the user (``np.sin = np.cos``, a notebook's ``np.cos =
  my_cos``): the derivative rules' own calls (``numpy.sin`` in the rule of cos) read the
  replaced attribute, so the gradient of ``np.sin(x)`` patched to cos came out ``-cos``.
- A write into an argument that a global, a closure variable, a global object's
  attribute or another argument's attribute also holds (``f(G)`` with ``x *= 2`` and
  ``G`` read): the derivative works on a copy, so the value and the gradient were those
  of the unaliased program. Now refused, as ``f(a, a)`` is.
- Every elementwise NumPy function gives the same derivative for a Python float, a 0-d
  array and in forward mode, at 0, -0, +-1, +-0.5, +-inf and NaN.
- Random programs (the generator of test_programs_hypothesis.py) called with their
  arguments as float32, NumPy scalars, 0-d, reversed, strided, Fortran-ordered and
  read-only arrays give the gradient of the float64 call, in the argument's dtype.
"""

import functools
import importlib.util
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp
from program_files import load, run_instrumented
from test_programs_hypothesis import (MAX_MAGNITUDE, Program, draw_block, draw_straight,
                                      make_inputs, render)


# -- numpy.power of a negative Python float -------------------------------------------

def root(x):
    return np.power(x, 0.5)


def root_of_a_float_element(x):
    v = float(x[0])
    return np.power(v, 2.5) + x[1]


def square_by_power(x):
    return np.sum(np.power(x, 2))


def test_numpy_power_of_a_negative_python_float_is_nan_as_in_numpy():
    with np.errstate(invalid="ignore"):
        assert np.isnan(root(-4.0))
        value, gradient = astgrad.value_and_grad(root)(-4.0)
        assert np.isnan(value) and np.isnan(gradient)
        _, tangent = astgrad.jvp(root, (-4.0,), (1.0,))
        assert np.isnan(tangent)
        assert np.isnan(astgrad.grad(astgrad.grad(root))(-4.0))
        x = np.array([-4.0, 1.5])
        assert_close(astgrad.grad(root_of_a_float_element)(x), np.array([np.nan, 1.0]))
        assert np.isnan(astgrad.hessian(root_of_a_float_element)(x)[0, 0])


@pytest.mark.parametrize("x", [0.3, 2.0, 4.5])
def test_numpy_power_of_a_python_float_matches_finite_differences(x):
    assert_close(astgrad.grad(root)(x), numerical_grad(root, (x,)))
    assert_close(astgrad.jvp(root, (x,), (1.0,))[1], numerical_jvp(root, (x,), (1.0,)))
    assert_close(astgrad.grad(astgrad.grad(root))(x), -0.25 * x ** -1.5)


def test_numpy_power_to_two_reads_as_a_product():
    gradient = astgrad.grad(square_by_power)
    assert "np.power(x, 1)" not in gradient.source and "2 * x" in gradient.source
    x = np.array([0.5, -1.5, 2.0])
    assert_close(gradient(x), 2 * x)
    assert_close(astgrad.hessian(square_by_power)(x), 2 * np.eye(3))


# -- a NumPy function replaced by the user --------------------------------------------

def sum_of_sines(x):
    return np.sum(np.sin(x))


X = np.array([0.1, 0.7, -1.3])
SIN, COS = np.sin, np.cos


def fake_cos(x):
    return np.zeros_like(x)


def test_a_numpy_function_replaced_before_the_transform(monkeypatch):
    monkeypatch.setattr(np, "sin", COS)         # sum_of_sines now computes sum(cos(x))
    assert_close(sum_of_sines(X), np.sum(COS(X)))
    assert_close(astgrad.grad(sum_of_sines)(X), -SIN(X))
    assert_close(astgrad.jvp(sum_of_sines, (X,), (np.ones(3),))[1], -np.sum(SIN(X)))
    assert_close(astgrad.hessian(sum_of_sines)(X), np.diag(-COS(X)))


def test_a_numpy_function_only_a_rule_calls_replaced_before_the_transform(monkeypatch):
    monkeypatch.setattr(np, "cos", fake_cos)    # the rule of sin calls numpy.cos
    astgrad.clear_cache()
    assert_close(astgrad.grad(sum_of_sines)(X), COS(X))
    assert_close(astgrad.jvp(sum_of_sines, (X,), (np.ones(3),))[1], np.sum(COS(X)))


def test_a_numpy_function_only_a_rule_calls_replaced_after_the_transform(monkeypatch):
    astgrad.clear_cache()
    gradient = astgrad.grad(sum_of_sines)
    gradient(X)
    monkeypatch.setattr(np, "cos", fake_cos)
    assert_close(gradient(X), COS(X))


def test_a_numpy_function_only_rules_call_replaced_after_the_transform_in_every_mode(monkeypatch):
    astgrad.clear_cache()
    second = astgrad.grad(astgrad.grad(sum_of_sines))   # its rules call numpy.cos and numpy.sin
    forward = functools.partial(astgrad.jvp, sum_of_sines)     # its code generated once, kept
    second(0.7), forward((X,), (np.ones(3),))
    monkeypatch.setattr(np, "cos", fake_cos)
    assert_close(second(0.7), -SIN(0.7))
    assert_close(forward((X,), (np.ones(3),))[1], np.sum(COS(X)))
    assert_close(astgrad.hessian(sum_of_sines)(X), np.diag(-SIN(X)))


def test_the_users_own_numpy_function_replaced_after_the_transform_is_seen(monkeypatch):
    astgrad.clear_cache()
    gradient = astgrad.value_and_grad(sum_of_sines)
    gradient(X)
    monkeypatch.setattr(np, "sin", COS)         # the user's np.sin is looked up when it runs
    value, slope = gradient(X)
    assert_close(value, np.sum(COS(X)))
    assert_close(slope, -SIN(X))                # and differentiated as what it now is
    assert "t = np.sin(x)" in astgrad.grad(sum_of_sines).source


def test_an_exported_derivative_imports_only_numpy_and_keeps_its_values(tmp_path):
    text = astgrad.export(sum_of_sines)
    imports = {line for line in text.splitlines() if line.startswith(("import ", "from "))}
    assert imports <= {"import copy", "import dataclasses", "import functools", "import math", "import numbers",
                       "import numpy", "import numpy as np"}, \
        imports         # the standard library's: the fallback on the zero-safe twin; a dataclass gradient
    namespace = {}
    exec(compile(text, "<exported>", "exec"), namespace)
    assert_close(namespace["grad_sum_of_sines"](X), astgrad.grad(sum_of_sines)(X))
    assert_close(namespace["grad_sum_of_sines"](X), COS(X))


# -- vjp's pullback given more than one cotangent --------------------------------------

def pair(x):
    return x * 2.0, np.sin(x)


def test_a_pullback_given_two_cotangents_says_to_pass_one_tuple():
    x = np.array([0.3, 0.4])
    _, pullback = astgrad.vjp(pair, x)
    with pytest.raises(TypeError, match=r"pullback_pair takes one cotangent.* 2 were given.*one tuple"):
        pullback(np.ones(2), np.ones(2))
    assert_close(pullback((np.ones(2), np.ones(2)))[0], 2.0 + np.cos(x))


def cubes(x):
    return np.sum(x ** 3)


def test_hvp_called_without_v_says_v_comes_last():
    x = np.array([1.0, 2.0])
    with pytest.raises(TypeError, match=r"missing a required argument: 'x'; hvp of cubes takes its "
                                        r"arguments followed by v"):
        astgrad.hvp(cubes)(x)
    assert_close(astgrad.hvp(cubes)(x, np.ones(2)), 6 * x)


RESULTS = [("what astgrad.jacobian returns", lambda: astgrad.jacobian(cubes)),
           ("what astgrad.hessian returns", lambda: astgrad.hessian(cubes)),
           ("what astgrad.hvp returns", lambda: astgrad.hvp(cubes)),
           ("vjp's pullback", lambda: astgrad.vjp(cubes, np.ones(2))[1])]


@pytest.mark.parametrize("what, make", RESULTS, ids=[what for what, _ in RESULTS])
@pytest.mark.parametrize("transform", [astgrad.grad, astgrad.jacobian, astgrad.hessian, astgrad.hvp,
                                       astgrad.value_and_grad])
def test_a_transform_of_what_jacobian_hessian_hvp_or_vjp_returns_says_what_to_do(what, make, transform):
    if transform is astgrad.jacobian and what in ("what astgrad.jacobian returns", "what astgrad.hessian returns"):
        # followed now (third derivatives): checked against finite differences of the inner result
        inner, x = make(), np.array([0.3, -0.7])
        columns = [(inner(x + e) - inner(x - e)) / 2e-6 for e in np.eye(2) * 1e-6]
        assert_close(transform(inner)(x), np.stack(columns, axis=-1))
        return
    with pytest.raises(TypeError, match=f"astgrad cannot transform {what}; transform the function itself"):
        transform(make())


# -- an argument written into that a global, a closure or an attribute also holds ------

G = np.array([1.0, 2.0, 3.0])


class Config:
    def __init__(self, w):
        self.w = w


CONFIG = Config(G)


def doubles_and_reads_global(x):
    x *= 2.0
    return np.sum(x * G)


def writes_and_reads_global(x):
    x[0] = 5.0
    return np.sum(x * G)


def weighted_by_global(x):
    return np.sum(x * G)


def doubles_and_calls_a_reader(x):
    x *= 2.0
    return weighted_by_global(x)


def doubles_and_reads_a_global_object(x):
    x *= 2.0
    return np.sum(x * CONFIG.w)


def writes_and_reads_an_attribute(x, box):
    x[1] = 5.0
    return np.sum(x * box.w)


def closure_doubling(w):
    def doubles_and_reads_closure(x):
        x *= 2.0
        return np.sum(x * w)
    return doubles_and_reads_closure


ALIASED = [doubles_and_reads_global, writes_and_reads_global, doubles_and_calls_a_reader,
           doubles_and_reads_a_global_object]


@pytest.fixture
def shared_global(monkeypatch):
    """G (and CONFIG.w) a fresh array; the test passes it as the argument."""
    fresh = np.array([1.0, 2.0, 3.0])
    monkeypatch.setattr(CONFIG, "w", fresh)
    monkeypatch.setitem(globals(), "G", fresh)
    return fresh


def _transforms(f, x):
    yield lambda: astgrad.grad(f)(x)
    yield lambda: astgrad.value_and_grad(f)(x)
    yield lambda: astgrad.jvp(f, (x,), (np.ones(3),))
    yield lambda: astgrad.vjp(f, x)[1](1.0)
    yield lambda: astgrad.hessian(f)(x)


@pytest.mark.parametrize("f", ALIASED, ids=[f.__name__ for f in ALIASED])
def test_a_write_into_an_argument_a_global_holds_is_refused(f, shared_global):
    for view in (shared_global, shared_global[::-1], shared_global[:2]):
        for transform in _transforms(f, view) if view.shape == (3,) else [lambda: astgrad.grad(f)(view)]:
            kept = shared_global.copy()
            with pytest.raises(TypeError, match=r"test_trust_adversary\.py:\d+: the function writes into "
                                                r"its argument 'x'.* global or closure variable"):
                transform()
            assert np.array_equal(shared_global, kept)      # refused before anything ran


@pytest.mark.parametrize("f", ALIASED, ids=[f.__name__ for f in ALIASED])
def test_a_write_into_an_argument_apart_from_the_globals(f, shared_global):
    x = np.array([0.4, -1.2, 2.5])
    value, gradient = astgrad.value_and_grad(f)(x.copy())
    assert_close(value, f(x.copy()))
    assert_close(gradient, numerical_grad(lambda a: f(a.copy()), (x,)))
    assert_close(astgrad.jvp(f, (x.copy(),), (np.ones(3),))[1],
                 numerical_jvp(lambda a: f(a.copy()), (x,), (np.ones(3),)))


def test_a_write_into_an_argument_another_argument_holds_as_an_attribute():
    a = np.array([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="the function writes into its argument 'x'"):
        astgrad.value_and_grad(writes_and_reads_an_attribute)(a, Config(a))
    value, gradient = astgrad.value_and_grad(writes_and_reads_an_attribute)(a, Config(a.copy()))
    assert_close(value, 20.0)
    assert_close(gradient, np.array([1.0, 0.0, 3.0]))


def test_a_write_into_an_argument_a_closure_holds():
    a = np.array([1.0, 2.0, 3.0])
    f = closure_doubling(a)
    with pytest.raises(TypeError, match="global or closure variable"):
        astgrad.grad(f)(a)
    assert_close(astgrad.value_and_grad(f)(a.copy()), (28.0, 2 * a))


def test_objects_that_refer_to_themselves_are_walked_once():
    a = np.array([1.0, 2.0, 3.0])
    box = Config(np.ones(3))
    box.others = [box, {"again": box, "array": a}]      # a cycle, and the argument inside it
    with pytest.raises(TypeError, match="the function writes into its argument 'x'"):
        astgrad.grad(writes_and_reads_an_attribute)(a, box)
    box.others[1]["array"] = a.copy()
    assert_close(astgrad.grad(writes_and_reads_an_attribute)(a, box), np.array([1.0, 0.0, 1.0]))


# -- Python floats, 0-d arrays and forward mode agree at special points ----------------

SPECIAL = [0.0, -0.0, -1.0, -0.5, np.inf, -np.inf, np.nan]


def _elementwise_programs(tmp_path):
    """One module: for each elementwise NumPy rule f, ``f(x)`` and ``f(x, 0.5)``."""
    names = sorted(r.name.split(".")[1] for r in astgrad.rules()
                   if r.kind == "elementwise" and r.name.startswith("numpy.") and r.name.count(".") == 1)
    lines = ["import numpy"]
    for name in names:
        lines += [f"def unary_{name}(x):", f"    return numpy.{name}(x)",
                  f"def binary_{name}(x):", f"    return numpy.{name}(x, 0.5)"]
    path = tmp_path / "elementwise_programs.py"
    path.write_text("\n".join(lines) + "\n")
    spec = importlib.util.spec_from_file_location("elementwise_programs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [getattr(module, f"{kind}_{name}") for name in names for kind in ("unary", "binary")]


def _same(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def _outcome(call):
    try:
        return "value", call()
    except Exception as error:        # noqa: BLE001 (the kind of failure is compared)
        return "error", type(error).__name__


def test_python_floats_zero_d_arrays_and_forward_mode_agree_at_special_points(tmp_path):
    checked = 0
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for f in _elementwise_programs(tmp_path):
            for x in SPECIAL:
                try:
                    y = f(x)
                except Exception:       # noqa: BLE001 (NumPy refuses it: nothing to compare)
                    continue
                if np.asarray(y).dtype.kind != "f":
                    continue
                kind, by_array = _outcome(lambda: astgrad.grad(f)(np.array(x)))
                if kind == "error":
                    continue            # not differentiable (rint, sign, ...): refused alike below
                by_float = _outcome(lambda: astgrad.grad(f)(x))
                by_tangent = _outcome(lambda: astgrad.jvp(f, (x,), (1.0,))[1])
                where = f"{f.__name__} at {x!r}: {by_array!r} {by_float!r} {by_tangent!r}"
                assert by_float[0] == "value" and _same(by_float[1], by_array), where
                assert by_tangent[0] == "value" and _same(by_tangent[1], by_array), where
                checked += 1
    assert checked > 300


# -- random programs called with arguments of every kind ------------------------------

def _as_kind(a, kind):
    if np.ndim(a) == 0:
        return {"float32": np.float32(a), "numpy scalar": np.float64(a), "0-d": np.array(a),
                "0-d float32": np.array(a, np.float32)}.get(kind, a)
    if kind == "float32":
        return a.astype(np.float32)
    if kind == "reversed":
        return np.ascontiguousarray(a[..., ::-1])[..., ::-1]
    if kind == "fortran":
        return np.asfortranarray(a)
    if kind == "read-only":
        b = a.copy()
        b.flags.writeable = False
        return b
    if kind == "strided":
        wide = np.zeros(a.shape[:-1] + (2 * a.shape[-1],))
        wide[..., ::2] = a
        return wide[..., ::2]
    return a


KINDS = ["float32", "numpy scalar", "0-d", "0-d float32", "reversed", "fortran", "read-only", "strided"]
SHAPES = [((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (3,)), ((), (3,))]


@settings(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=st.data(), n_blocks=st.integers(1, 3), seed=st.integers(0, 2 ** 16),
       shapes=st.sampled_from(SHAPES), kinds=st.tuples(st.sampled_from(KINDS), st.sampled_from(KINDS)))
def test_random_programs_with_arguments_of_every_kind(data, n_blocks, seed, shapes, kinds):
    program = Program()
    draw_straight(data, program, 1)
    for _ in range(n_blocks):
        draw_block(data, program, 1, 0, allow_new=True)
    args = make_inputs(seed, shapes)
    stats = run_instrumented(render(program, "prog", program.instrumented), args, "prog")
    assume(stats["magnitude"] < MAX_MAGNITUDE and stats["margin"] > 0.05)
    plain = render(program, "prog", program.plain)
    fn = load(plain, "prog")
    expected = astgrad.grad(fn, (0, 1))(*args)
    given_args = tuple(_as_kind(a, kind) for a, kind in zip(args, kinds))
    note(f"program:\n{plain}\nargs={given_args!r}")
    single = any(np.asarray(a).dtype == np.float32 for a in given_args)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        actual = astgrad.grad(fn, (0, 1))(*given_args)
    for gradient, reference, arg in zip(actual, expected, given_args):
        assert np.shape(gradient) == np.shape(arg)
        if isinstance(arg, (np.ndarray, np.generic)):
            assert np.asarray(gradient).dtype == arg.dtype
        tolerance = 2e-3 if single else 1e-12
        assert_close(np.asarray(gradient, np.float64), reference, tolerance, tolerance)


# -- a global instance whose method the function calls: its class and its own attributes --

class Layer:
    def __init__(self, s, w):
        self.s, self.w = s, w

    def act(self, x):
        return np.tanh(self.s * x)

    def loss(self, x):
        return np.sum(self.act(x) * self.w)

    def __call__(self, x):
        return self.loss(x) * 2.0


class SteepLayer(Layer):
    def act(self, x):
        return x * 7.0


LAYER = Layer(2.0, np.array([1.0, 2.0]))


def through_a_global_instance(x):
    return LAYER.loss(x)


def through_the_class(x):
    return Layer.loss(LAYER, x)


def calling_a_global_instance(x):
    return LAYER(x)


THROUGH_INSTANCES = [through_a_global_instance, through_the_class, calling_a_global_instance]


@pytest.fixture
def layer(monkeypatch):
    fresh = Layer(2.0, np.array([1.0, 2.0]))
    monkeypatch.setitem(globals(), "LAYER", fresh)
    return fresh


def _matches_finite_differences(gradient, f, x):
    assert_close(gradient(x), numerical_grad(f, (x,)))


@pytest.mark.parametrize("f", THROUGH_INSTANCES, ids=[f.__name__ for f in THROUGH_INSTANCES])
def test_a_method_hidden_by_an_attribute_of_the_global_instance_is_refused(f, layer):
    x = np.array([0.3, -0.2])
    gradient = astgrad.grad(f)
    _matches_finite_differences(gradient, f, x)
    layer.act = lambda v: v ** 3                # self.act(x) now runs this
    with pytest.raises(astgrad.TransformError, match=r"Layer\.act hidden by an attribute of the instance"):
        gradient(x)
    del layer.act
    _matches_finite_differences(gradient, f, x)


@pytest.mark.parametrize("f", THROUGH_INSTANCES, ids=[f.__name__ for f in THROUGH_INSTANCES])
def test_a_global_instance_given_another_class_is_followed(f, layer):
    x = np.array([0.3, -0.2])
    gradient = astgrad.grad(f)
    _matches_finite_differences(gradient, f, x)
    layer.__class__ = SteepLayer                # self.act(x) is now 7 x
    _matches_finite_differences(gradient, f, x)
    assert_close(astgrad.jvp(f, (x,), (np.ones(2),))[1], numerical_jvp(f, (x,), (np.ones(2),)))


def loss_of_a_given_layer(x, given):
    return given.loss(x)


def test_a_method_hidden_by_an_attribute_of_an_argument_object_is_followed():
    # The function the attribute holds joins the object's layout, so self.act(x) is
    # differentiated as the lambda Python calls, never as the hidden method.
    x = np.array([0.3, -0.2])
    given = Layer(2.0, np.array([1.0, 2.0]))
    gradient = astgrad.grad(loss_of_a_given_layer)
    assert_close(gradient(x, given), numerical_grad(lambda a: loss_of_a_given_layer(a, given), (x,)))
    given.act = lambda v: v ** 3
    assert_close(gradient(x, given), numerical_grad(lambda a: loss_of_a_given_layer(a, given), (x,)))
    assert_close(astgrad.hessian(loss_of_a_given_layer)(x, given), np.diag(6.0 * x * given.w))
    del given.act
    assert_close(gradient(x, given), numerical_grad(lambda a: loss_of_a_given_layer(a, given), (x,)))
    given.__class__ = SteepLayer
    assert_close(gradient(x, given), numerical_grad(lambda a: loss_of_a_given_layer(a, given), (x,)))


# -- a partial of a NumPy function given to a transform ---------------------------------

def test_a_partial_of_a_ufunc_is_differentiated_in_its_remaining_input():
    power_of_two = functools.partial(np.power, 2.0)          # 2 ** x: out= is not an input
    assert_close(astgrad.grad(power_of_two)(3.0), 8.0 * np.log(2.0))
    assert_close(astgrad.jvp(functools.partial(np.hypot, 3.0), (4.0,), (1.0,)), (5.0, 0.8))
    assert_close(astgrad.grad(functools.partial(np.arctan2, 1.0))(2.0), -0.2)


def test_a_partial_of_a_numpy_function_passes_its_bound_keywords_on():
    column_sums = functools.partial(np.sum, axis=0)
    m = np.arange(6.0).reshape(2, 3)
    assert_close(astgrad.jacobian(column_sums)(m), np.stack([np.eye(3)] * 2, axis=1))
    with pytest.raises(ValueError, match="use astgrad.vjp"):
        astgrad.grad(column_sums)(m)


# -- the tape: a leaf changed through .data after the graph was recorded ---------------

def test_a_leaf_changed_through_data_after_recording_keeps_what_the_nodes_saw():
    x = astgrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2.0
    z = (y * y).sum()
    x.data.mul_(10.0)
    (gradient,) = astgrad.autograd.grad(z, x)
    assert_close(np.asarray(gradient.detach().numpy()), np.array([8.0, 16.0, 24.0]))
