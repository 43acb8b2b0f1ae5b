"""Rules and dispatch: every derivative here is checked against central finite
differences (float64, random inputs), reverse mode against forward mode, and second
order where it is defined; refusals must name this file and the offending line.

Lines that must be named carry a marker comment ``# ERR:<name>``; the expected line
number is found by searching this file, so editing it cannot make a test check the
wrong line.
"""

import inspect
import os
import re

import numpy as np
import pytest

import astgrad
from astgrad.rules import registry
from fd import assert_close, numerical_grad, numerical_jvp
from rule_harness import check_derivatives

RNG = np.random.default_rng(20261201)
THIS_FILE = os.path.abspath(__file__)
THIS_NAME = os.path.basename(THIS_FILE)


def normal(*shape):
    return float(RNG.standard_normal()) if not shape else RNG.standard_normal(shape)


def distinct(*shape):
    """Values at least 0.1 apart, so no finite-difference step makes two of them equal."""
    n = int(np.prod(shape)) if shape else 1
    values = RNG.permutation(n) * 0.3 + RNG.uniform(-0.05, 0.05, n) - n * 0.15
    return values.reshape(shape)


def marked_line(name):
    with open(THIS_FILE) as handle:
        lines = handle.read().splitlines()
    pattern = re.compile(r"#\s*ERR:" + re.escape(name) + r"\b")
    found = [i + 1 for i, line in enumerate(lines) if pattern.search(line)]
    assert len(found) == 1, f"marker ERR:{name} must occur once"
    return found[0]


def assert_refused(fn, name, *fragments, wrt=0, mode="grad", args=None):
    """``fn`` is refused when its code is generated, naming the marked line."""
    with pytest.raises(astgrad.TransformError) as info:
        if mode == "grad":
            astgrad.grad(fn, wrt)(*args)
        else:
            astgrad.jvp(fn, args, tuple(np.ones_like(np.asarray(a, dtype=float)) if i == wrt else None
                                        for i, a in enumerate(args)))
    err = info.value
    assert os.path.basename(err.filename) == THIS_NAME
    assert err.lineno == marked_line(name), str(err)
    for fragment in fragments:
        assert fragment in str(err), str(err)
    return err


def check(f, *args, wrt=None):
    """Reverse and forward mode against finite differences."""
    check_derivatives(f, args, wrt, rng=RNG)


def check_second(f, x, *rest):
    """The Hessian (forward over reverse) against finite differences of the generated
    gradient, and reverse over reverse for one direction."""
    gradient = astgrad.grad(f)
    v = RNG.standard_normal(np.shape(x)) if np.ndim(x) else float(RNG.standard_normal())
    zeros = tuple(np.zeros_like(r) if np.ndim(r) else 0.0 for r in rest)
    _, hvp = astgrad.jvp(gradient, (x,) + rest, (v,) + zeros)
    expected = numerical_jvp(lambda y: gradient(y, *rest), (x,), (v,))
    assert_close(hvp, expected, rtol=1e-4, atol=1e-5, msg=f"Hessian-vector product of {f.__name__}")


# ---------------------------------------------------------------------------------
# 1. methods are NumPy's only when the receiver is a NumPy array
# ---------------------------------------------------------------------------------

class Model:
    """A user object whose method names collide with ndarray's."""

    def __init__(self, w):
        self.w = w

    def sum(self, x):
        return np.sum(self.w * x)

    def mean(self, x):
        return np.sum(self.w * x * x)

    def prod(self, x):
        return np.sum(self.w * np.sin(x))

    def dot(self, x):
        return np.sum(self.w * np.sin(x))

    def argmax(self, x):
        return np.sum(self.w * x)

    @property
    def T(self):
        return self.w


MODEL = Model(np.array([1.0, 2.0, 3.0]))


class SlottedModel:
    """As Model, without a ``__dict__``: astgrad does not look into such an object's class
    when it is given one, so ``m.sum(x)`` is left to NumPy's array method rule."""
    __slots__ = ("w",)

    def __init__(self, w):
        self.w = w

    sum, mean, prod, dot, argmax = Model.sum, Model.mean, Model.prod, Model.dot, Model.argmax


SLOTTED = SlottedModel(MODEL.w)


def method_sum_of_argument(x, m):
    return m.sum(x)  # ERR:user_sum


def method_mean_of_argument(x, m):
    y = x * 2.0
    return m.mean(y) + 1.0  # ERR:user_mean


def method_prod_keyword(x, m):
    return m.prod(axis=x)  # ERR:user_prod


def method_of_global_object(x):
    return MODEL.sum(x)


def method_argmax_of_argument(x, m):
    return m.argmax(x) * 1.0  # ERR:user_argmax


@pytest.mark.parametrize("mode", ["grad", "jvp"])
@pytest.mark.parametrize("fn, marker, method", [
    (method_sum_of_argument, "user_sum", ".sum()"),
    (method_mean_of_argument, "user_mean", ".mean()"),
    (method_prod_keyword, "user_prod", ".prod()"),
    (method_argmax_of_argument, "user_argmax", ".argmax()"),
])
def test_user_method_taking_a_differentiated_argument_is_refused(fn, marker, method, mode):
    """obj.sum(x) used to get ndarray.sum's rule with x bound to `axis`: gradient 0."""
    assert_refused(fn, marker, method, "NumPy array method", "'", mode=mode, args=(normal(3), SLOTTED))


@pytest.mark.parametrize("fn", [method_sum_of_argument, method_mean_of_argument, method_argmax_of_argument])
def test_user_method_of_an_object_argument_runs_its_own_code(fn):
    """m.sum(x) on a Model given as an argument is Model.sum, followed into its code for
    the class the call passes (not ndarray.sum's rule)."""
    check_with_object(fn, normal(3), MODEL)


def check_with_object(fn, x, obj):
    """``grad`` and ``jvp`` of ``fn(x, obj)`` in ``x`` against finite differences."""
    expected = numerical_grad(lambda v: fn(v, obj), (x,))
    assert_close(astgrad.grad(fn)(x, obj), expected)
    direction = normal(np.size(x))
    assert_close(astgrad.jvp(fn, (x, obj), (direction, None))[1], np.dot(expected, direction))


def test_method_of_a_global_user_object_runs_its_own_code():
    """MODEL.sum(x) is Model.sum, followed into its code (not ndarray.sum's rule)."""
    x = normal(3)
    assert_close(astgrad.grad(method_of_global_object)(x), MODEL.w)
    _, tangent = astgrad.jvp(method_of_global_object, (x,), (np.ones(3),))
    assert tangent == pytest.approx(float(np.sum(MODEL.w)))


def method_dot_of_argument(x, m):
    return m.dot(x)


def method_T_of_argument(x, m):
    return np.sum(m.T * x)


@pytest.mark.parametrize("fn", [method_dot_of_argument])
def test_user_method_the_rule_would_differentiate_stops_at_run_time(fn):
    """obj.dot(x): ndarray.dot's rule sends a derivative to x, but obj is no array;
    the receiver's type is only known when the code runs, which checks it."""
    x = normal(3)
    with pytest.raises(TypeError, match=rf"{THIS_NAME}:\d+: \.dot\(\) was differentiated as the NumPy"):
        astgrad.grad(fn)(x, SLOTTED)
    with pytest.raises(TypeError, match=r"called on a SlottedModel object"):
        astgrad.jvp(fn, (x, SLOTTED), (np.ones(3), None))
    check_with_object(fn, x, MODEL)     # an object astgrad looks into: its class's own dot


def test_the_same_code_checks_the_receiver_on_every_call():
    """Generated once for arrays, called again with a user object: not silently wrong."""
    w = normal(3)
    check(method_dot_of_argument, normal(3), w, wrt=0)
    gradient = astgrad.grad(method_dot_of_argument)
    with pytest.raises(TypeError, match="SlottedModel"):
        gradient(normal(3), SLOTTED)
    x = normal(3)
    assert_close(gradient(x, MODEL), MODEL.w * np.cos(x))      # Model.dot, made for the Model given


def dot_in_a_branch(x, m, flag):
    s = np.sum(x)
    if flag:
        s = s + m.dot(x)
    return s


def dot_in_a_loop_and_at_top(x, m):
    s = m.dot(x)
    for i in range(2):
        s = s + m.dot(x) * np.sum(x)
    return s + np.sum(m.dot(x))


def methods_of_one_parameter(x):
    return x.sum() + x.mean() * x.max() + x.T.dot(x)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_receiver_checks_run_on_every_path(mode):
    """One check per receiver is kept only where it runs unconditionally."""
    w = normal(3)
    for fn, args in [(dot_in_a_branch, (normal(3), SLOTTED, True)), (dot_in_a_loop_and_at_top, (normal(3), SLOTTED))]:
        with pytest.raises(TypeError, match="called on a SlottedModel object"):
            if mode == "grad":
                astgrad.grad(fn)(*args)
            else:
                astgrad.jvp(fn, args, (np.ones(3),) + (None,) * (len(args) - 1))
    check(dot_in_a_branch, normal(3), w, True, wrt=0)
    check(dot_in_a_loop_and_at_top, normal(3), w, wrt=0)
    assert astgrad.grad(dot_in_a_branch)(np.ones(3), MODEL, False) is not None


def test_one_check_for_a_parameter_used_by_several_methods():
    check(methods_of_one_parameter, normal(4))
    assert astgrad.grad(methods_of_one_parameter).source.count("check_array_method(x,") == 1


def test_attribute_of_user_object_is_not_transposed():
    """m.T of a user object is whatever its property returns (here a constant)."""
    x = normal(3)
    assert_close(astgrad.grad(method_T_of_argument)(x, MODEL), MODEL.w)


def array_methods(x, w, lo):
    a = x.reshape(2, 3)
    b = a.T.dot(w)
    c = a.clip(lo, 0.5).sum(axis=1)
    return b.sum() + c.mean() + x.prod() * a.max() + x.cumsum().var() + a.std(axis=0).sum()


def test_array_methods_on_arrays_still_work():
    check(array_methods, distinct(6), normal(2), normal(3) * 0.1 - 0.2)
    check_second(array_methods, distinct(6), normal(2), normal(3) * 0.1 - 0.2)


W = np.array([[1.0, -2.0, 0.5], [0.3, 0.7, -1.1]])


def method_of_global_array(x):
    return np.sum(np.sin(W.dot(x))) + W.sum() * x[0] + np.sum(W.T.dot(W.dot(x)))


def test_method_of_a_global_array_has_its_rule():
    check(method_of_global_array, normal(3))
    check_second(method_of_global_array, normal(3))


def numpy_scalar_receiver(x):
    s = np.float64(x) * 2.0
    return s.sum() * s + s.max()


def test_numpy_scalar_receiver():
    check(numpy_scalar_receiver, normal())
    check_second(numpy_scalar_receiver, normal())


def python_float_receiver(x):
    return x.sum()


def test_python_float_receiver_raises_what_the_function_raises():
    with pytest.raises(AttributeError, match="sum"):
        python_float_receiver(0.5)
    with pytest.raises(AttributeError, match="sum"):
        astgrad.grad(python_float_receiver)(0.5)


def list_copy(x, y):
    xs = [x, y * 2.0]
    ys = xs.copy()
    return ys[0] * ys[1] + xs[0] * 3.0


def test_list_copy_still_works():
    check(list_copy, normal(), normal())
    check(list_copy, normal(3), normal(3))


class Counter:
    def __init__(self):
        self.calls = 0

    def tick(self, value):
        self.calls += 1
        return value


def unused_method_result(x, counter):
    unused = counter.tick(1)
    return x * x


def test_unused_result_of_unknown_method_still_runs():
    counter = Counter()
    astgrad.grad(unused_method_result)(0.5, counter)
    assert counter.calls == 1


def test_every_method_name_is_a_real_ndarray_member():
    """Method rules are keyed by the ndarray member itself, under its own name."""
    assert registry.METHOD_NAMES
    for name, key in registry.METHOD_NAMES.items():
        assert getattr(np.ndarray, name) is key, name
        assert registry.method_owner(key) is np.ndarray


def _numpy_home(obj):
    for module in (np, np.linalg, np.fft, np.polynomial.polynomial, np.lib.stride_tricks):
        if getattr(module, getattr(obj, "__name__", ""), None) is obj:
            return module
    return None


def test_every_numpy_function_entry_is_the_object_its_name_says():
    """No NumPy function (np.clip, np.stack, ... are method descriptors to inspect in
    NumPy 2) is registered as a method, and each keyed function is the NumPy object
    of its name."""
    method_keys = set(registry.METHOD_NAMES.values())
    for table in (registry.ADJOINTS, registry.TANGENTS, registry.NON_DIFFERENTIABLE):
        for key in table:
            module = getattr(key, "__module__", None) or ""
            if registry.method_owner(key) is not None:
                assert registry.method_owner(key) is np.ndarray
                continue
            assert key not in method_keys
            if module.startswith("numpy") and not isinstance(key, type):
                assert _numpy_home(key) is not None, registry.describe(key)
    for fn in (np.clip, np.stack, np.linalg.inv, np.unique, np.amax, np.concatenate):
        assert registry.method_owner(fn) is None


# ---------------------------------------------------------------------------------
# 2. numpy.unique: the values are differentiable
# ---------------------------------------------------------------------------------

WEIGHTS = np.linspace(-1.0, 2.0, 12)


def unique_values(x):
    u = np.unique(x)
    return np.sum(np.sin(u) * WEIGHTS[:u.shape[0]])


def unique_rows(x):
    u = np.unique(x, axis=0)
    return np.sum(u ** 3 * WEIGHTS[:u.shape[1]])


def unique_with_outputs(x):
    u, first, inverse, counts = np.unique(x, return_index=True, return_inverse=True, return_counts=True)
    return np.sum(u ** 2 * counts) + np.sum(np.cos(u[inverse])) + np.sum(first * u)


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 2, 3)])
def test_unique_values(shape):
    x = distinct(*shape)
    check(unique_values, x)
    check(unique_with_outputs, x)
    check_second(unique_values, x)


def test_unique_rows():
    x = distinct(4, 3)
    check(unique_rows, x)
    check_second(unique_rows, x)


def test_unique_gives_a_repeated_value_to_its_first_occurrence():
    x = np.array([2.0, -1.0, 2.0, 0.5, -1.0])
    g = astgrad.grad(unique_with_outputs)(x)
    u, counts = np.unique(x, return_counts=True)
    per_value = 2 * u * counts - np.sin(u) * counts + np.unique(x, return_index=True)[1]
    expected = np.zeros(5)
    expected[[1, 3, 0]] = per_value          # first -1.0, first 0.5, first 2.0
    assert_close(g, expected)
    _, tangent = astgrad.jvp(unique_with_outputs, (x,), (np.arange(5.0),))
    assert_close(tangent, float(per_value @ np.array([1.0, 3.0, 0.0])))


# ---------------------------------------------------------------------------------
# 3. numpy.matmul is no elementwise function
# ---------------------------------------------------------------------------------

def matmul_then_elementwise(a, b):
    c = np.matmul(a, b)
    return np.sum(np.sin(c) * c + c * 2.0) + np.sum(a * 0.5)


def matmul_square(a):
    c = np.matmul(a, a)
    return np.sum(c * a)


def matmul_operator(a, b):
    c = a @ b
    return np.sum(c * c) + np.sum(b)


@pytest.mark.parametrize("a_shape, b_shape", [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)), ((3,), (5, 3, 4)), ((5, 1, 2, 3), (4, 3, 2)), ((2, 3), (5, 3, 1)),
])
def test_matmul_shapes(a_shape, b_shape):
    a, b = normal(*a_shape), normal(*b_shape)
    check(matmul_then_elementwise, a, b)
    check(matmul_operator, a, b)
    check_second(matmul_then_elementwise, a, b)


@pytest.mark.parametrize("shape", [(3,), (3, 3), (2, 3, 3)])
def test_matmul_of_an_array_with_itself(shape):
    """The result's shape is not its operand's: np.matmul(a, a) of a vector is a number."""
    a = normal(*shape)
    check(matmul_square, a)
    check_second(matmul_square, a)


# ---------------------------------------------------------------------------------
# 4. numpy.einsum's interleaved (sublist) form
# ---------------------------------------------------------------------------------

def einsum_interleaved(a, b):
    return np.sum(np.sin(np.einsum(a, [0, 1], b, [1, 2], [0, 2])))


def einsum_interleaved_implicit(a, b):
    return np.sum(np.einsum(a, [0, 1], b, [1, 2]) ** 2)


def einsum_interleaved_ellipsis(a, v):
    return np.sum(np.cos(np.einsum(a, [Ellipsis, 0, 1], v, [1], [Ellipsis, 0])))


def einsum_interleaved_one_operand(a):
    return np.sum(np.einsum(a, [0, 0]) * np.einsum(a, [0, 1], [1]) ** 2)


def test_einsum_interleaved():
    check(einsum_interleaved, normal(2, 3), normal(3, 4))
    check(einsum_interleaved_implicit, normal(2, 3), normal(3, 4))
    check(einsum_interleaved_ellipsis, normal(5, 2, 3), normal(3))
    check(einsum_interleaved_one_operand, normal(3, 3))
    check_second(einsum_interleaved, normal(2, 3), normal(3, 4))
    check_second(einsum_interleaved_one_operand, normal(3, 3))


def test_einsum_interleaved_agrees_with_the_string_form():
    a, b = normal(2, 3), normal(3, 4)
    strings = astgrad.grad(lambda_free_string_form, (0, 1))(a, b)
    interleaved = astgrad.grad(einsum_interleaved, (0, 1))(a, b)
    assert_close(interleaved, strings, rtol=1e-12, atol=1e-12)


def lambda_free_string_form(a, b):
    return np.sum(np.sin(np.einsum("ij,jk->ik", a, b)))


# ---------------------------------------------------------------------------------
# 5. numpy.r_ and numpy.c_
# ---------------------------------------------------------------------------------

def r_with_items(a, b, s):
    y = np.r_[a, 0:2, s, b * 2.0, 1.5]
    return np.sum(np.sin(y) * np.arange(1.0, y.shape[0] + 1.0))


def r_of_matrices(a, b):
    y = np.r_[a, b]
    return np.sum(y ** 3)


def c_with_columns(a, b):
    y = np.c_[a, b * a, np.ones(3)]
    return np.sum(np.tanh(y) * np.arange(y.size).reshape(y.shape))


def r_with_directive(a, b):
    y = np.r_["0,2", a, b]
    return np.sum(y * y * np.array([[1.0], [3.0]]))


def test_r_and_c():
    check(r_with_items, normal(3), normal(2), normal())
    check(r_of_matrices, normal(2, 3), normal(1, 3))
    check(c_with_columns, normal(3), normal(3))
    check(r_with_directive, normal(3), normal(3))
    check_second(r_with_items, normal(3), normal(2), normal())
    check_second(c_with_columns, normal(3), normal(3))


# ---------------------------------------------------------------------------------
# 6. dtype=: an integer result is piecewise constant
# ---------------------------------------------------------------------------------

def sum_as_integer(x):
    return np.sum(x * x, dtype=int) * 1.0 + np.sum(np.sin(x))


def reductions_in_float_dtypes(x):
    return np.sum(x, dtype=np.float64) + np.mean(x * x, dtype="float64") + np.cumsum(x, dtype=float)[-1]


def sum_in_float32(x):
    return np.sum(x * x, dtype=np.float32)


def integer_dtypes(x):
    return (np.mean(x, dtype=np.int64) + np.prod(x, dtype=bool) + np.trace(x, dtype=int)
            + np.cumsum(x, dtype=np.int32).sum()) * 1.0 + np.sum(x)


def linspace_as_integers(a):
    return np.sum(np.linspace(0.0, a, 5, dtype=int)) * 1.0 + a


def sum_with_a_dtype_variable(x, kind):
    return np.sum(x * x, dtype=kind)


def mean_in_the_dtype_of_x(x):
    return np.mean(np.sin(x), dtype=x.dtype) + np.cumsum(x, dtype=x.dtype)[-1]


def test_integer_dtype_has_zero_derivative():
    x = normal(3, 3) * 3.0 + 0.37         # no element near an integer boundary step
    check(sum_as_integer, x)
    assert_close(astgrad.grad(sum_as_integer)(x), np.cos(x))
    check(integer_dtypes, x)
    assert_close(astgrad.grad(integer_dtypes)(x), np.ones((3, 3)))
    assert_close(astgrad.grad(linspace_as_integers)(2.3), 1.0)
    check(linspace_as_integers, 2.3)


def test_float_dtype_keeps_the_derivative():
    check(reductions_in_float_dtypes, normal(4))
    x = normal(4)
    assert_close(astgrad.grad(sum_in_float32)(x), 2.0 * x, rtol=1e-6)


def test_dtype_that_is_a_variable_is_checked_when_the_code_runs():
    check(sum_with_a_dtype_variable, normal(3), float, wrt=0)
    check(mean_in_the_dtype_of_x, normal(4))
    with pytest.raises(TypeError, match=rf"{THIS_NAME}:\d+: sum\(\.\.\., dtype=int64\) computes an integer"):
        astgrad.grad(sum_with_a_dtype_variable)(normal(3), np.int64)
    with pytest.raises(TypeError, match="integer"):
        astgrad.jvp(sum_with_a_dtype_variable, (normal(3), int), (np.ones(3), None))


# ---------------------------------------------------------------------------------
# 7. builtin max and min over a list, several arguments, key=, default=
# ---------------------------------------------------------------------------------

def max_of_list(a, b, c):
    return max([a, b * 2.0, c]) + min((a, c)) * 3.0


def max_of_arguments(a, b, c):
    return max(a, b, c) * min(a * a, b, c)


def max_with_key(a, b, c):
    return max([a, b, c], key=abs) + min(a, b, c, key=abs) * 2.0


def min_with_default(a, b):
    empty = []
    return min(empty, default=a * b) + max([b], default=a)


def max_of_a_list_built_in_a_loop(x):
    values = []
    for i in range(3):
        values.append(np.sin(x[i]) * (i + 1.0))
    return max(values) - min(values)


def max_of_an_array(x):
    return max(x) * min(x)


@pytest.mark.parametrize("fn", [max_of_list, max_of_arguments, max_with_key, min_with_default])
def test_builtin_max_min(fn):
    args = (0.3, -0.7, 1.1)[:len(inspect.signature(fn).parameters)]
    check(fn, *args)
    check(fn, *(-a for a in args))


def test_builtin_max_min_of_lists_and_arrays():
    check(max_of_a_list_built_in_a_loop, distinct(3))
    check(max_of_an_array, distinct(4))
    check_second(max_of_an_array, distinct(4))


def test_builtin_max_key_gives_the_returned_item_the_derivative():
    """max(..., key=abs) returns c = -2.0 and min(..., key=abs) returns a = 0.5: only
    the returned items get a derivative."""
    assert_close(astgrad.grad(max_with_key, (0, 1, 2))(0.5, 1.0, -2.0), (2.0, 0.0, 1.0))


def max_three(a, b, c):
    return max(a, b, c) + max([a, b, c]) * 10.0


def test_builtin_max_splits_ties():
    assert_close(astgrad.grad(max_three, (0, 1, 2))(1.0, 1.0, 0.0), (5.5, 5.5, 0.0))
    assert_close(astgrad.jvp(max_three, (1.0, 1.0, 0.0), (1.0, 3.0, 7.0))[1], 22.0)


# ---------------------------------------------------------------------------------
# 8. keyword arguments a rule does not handle are refused, not ignored
# ---------------------------------------------------------------------------------

MASK = np.array([True, False, True])


def prod_where(x):
    return np.prod(x, where=MASK)  # ERR:prod_where


def max_where(x):
    return np.max(x, where=MASK, initial=0.0)  # ERR:max_where


def var_where(x):
    return x.var(where=MASK)  # ERR:var_where


def matmul_axes(a):
    return np.sum(np.matmul(a, a, axes=[(0, 1), (0, 1), (0, 1)]))  # ERR:matmul_axes


def linspace_retstep(a):
    samples, step = np.linspace(0.0, a, 5, retstep=True)  # ERR:linspace_retstep
    return np.sum(samples) + step


def linspace_retstep_positional(a):
    return np.linspace(0.0, a, 5, True, True)[1]  # ERR:linspace_retstep_positional


@pytest.mark.parametrize("mode", ["grad", "jvp"])
@pytest.mark.parametrize("fn, marker, keyword", [
    (linspace_retstep, "linspace_retstep", "retstep"),
    (linspace_retstep_positional, "linspace_retstep_positional", "positional"),
    (prod_where, "prod_where", "where"), (max_where, "max_where", "where"), (var_where, "var_where", "where"),
    (matmul_axes, "matmul_axes", "axes"),
])
def test_unhandled_keyword_is_refused(fn, marker, keyword, mode):
    x = normal(3, 3) if fn is matmul_axes else normal() if "linspace" in marker else normal(3)
    assert_refused(fn, marker, keyword, mode=mode, args=(x,))


# ---------------------------------------------------------------------------------
# 9. numpy.heaviside: its second argument is the value at 0
# ---------------------------------------------------------------------------------

STEPS = np.array([0, 1, -2, 0])


def heaviside_at_zero(h):
    return np.sum(np.heaviside(STEPS, h) * np.array([1.0, 2.0, 3.0, 4.0]))


def test_heaviside_value_at_zero():
    check(heaviside_at_zero, normal(4))
    assert_close(astgrad.grad(heaviside_at_zero)(normal(4)), np.array([1.0, 0.0, 0.0, 4.0]))


# ---------------------------------------------------------------------------------
# 10. numpy.einsum: subscripts that are not literals carry no derivative at any order;
#     zero-length axes give empty results and gradients
# ---------------------------------------------------------------------------------

def einsum_given_subscripts(sub, a, b):
    return np.einsum(sub, a, b) ** 2


def einsum_given_subscripts_tangent(sub, a, b, va, vb):
    return astgrad.jvp(einsum_given_subscripts, (sub, a, b), (None, va, vb))[1]


def einsum_local_subscripts(a, b):
    sub = "...ij,...jk->...ik"
    return np.sin(np.einsum(sub, a, b))


def einsum_local_subscripts_tangent(a, b, va, vb):
    return astgrad.jvp(einsum_local_subscripts, (a, b), (va, vb))[1]


def einsum_given_sublists(a, la, b, lb, lo):
    return np.einsum(a, la, b, lb, lo) ** 2


def einsum_given_sublists_tangent(a, la, b, lb, lo, va, vb):
    return astgrad.jvp(einsum_given_sublists, (a, la, b, lb, lo), (va, None, vb, None, None))[1]


def einsum_sum_of_squares(sub, a, b):
    return np.sum(np.einsum(sub, a, b) ** 2)


def check_forward_over_forward(tangent_fn, args, floats):
    """``tangent_fn`` (a function calling jvp) differentiated in forward mode (jvp of
    jvp) and in reverse mode (vjp of jvp), both against finite differences; the
    arguments not in ``floats`` (subscripts, index lists) get no tangent."""
    directions = tuple(RNG.standard_normal(np.shape(a)) if i in floats else None
                       for i, a in enumerate(args))
    _, got = astgrad.jvp(tangent_fn, args, directions)
    assert_close(got, numerical_jvp(tangent_fn, args, directions), rtol=1e-5, atol=1e-6,
                 msg=f"jvp of {tangent_fn.__name__}")
    out, pullback = astgrad.vjp(tangent_fn, *args)
    cotangent = RNG.standard_normal(np.shape(out))
    grads = pullback(cotangent)
    for i, a in enumerate(args):
        if i in floats:
            expected = numerical_grad(tangent_fn, args, wrt=i, seed=cotangent)
            assert_close(grads[i], expected, rtol=1e-5, atol=1e-6, msg=f"vjp of {tangent_fn.__name__}: {i}")
        else:
            assert grads[i] is None


@pytest.mark.parametrize("sub, a_shape, b_shape", [
    ("ij,jk->ik", (2, 3), (3, 4)), ("...ij,...jk->...ik", (2, 2, 3), (3, 4)),
    ("ijk,lji->lki", (3, 4, 4), (4, 4, 3)), ("k,nk->", (5,), (4, 5)), ("j...k,lj...->lk...", (2, 3), (2, 2, 3)),
])
def test_einsum_with_subscripts_given_as_an_argument(sub, a_shape, b_shape):
    a, b = normal(*a_shape), normal(*b_shape)
    check(einsum_given_subscripts, sub, a, b)
    args = (sub, a, b, normal(*a_shape), normal(*b_shape))
    check_forward_over_forward(einsum_given_subscripts_tangent, args, floats={1, 2, 3, 4})
    # forward over reverse and reverse over reverse
    hvp = astgrad.hvp(einsum_sum_of_squares, wrt=1)
    v = normal(*a_shape)
    expected = numerical_jvp(lambda x: astgrad.grad(einsum_sum_of_squares, wrt=1)(sub, x, b), (a,), (v,))
    assert_close(hvp(sub, a, b, v), expected, rtol=1e-5, atol=1e-6)
    second = astgrad.grad(lambda_free_hvp_norm, wrt=1)(sub, a, b, v)
    assert_close(second, numerical_grad(lambda_free_hvp_norm, (sub, a, b, v), wrt=1), rtol=1e-5, atol=1e-6)


def lambda_free_hvp_norm(sub, a, b, v):
    g = astgrad.grad(einsum_sum_of_squares, wrt=1)(sub, a, b)
    return np.sum(g * v)


def test_einsum_with_subscripts_in_a_variable():
    a, b, va, vb = normal(2, 2, 3), normal(3, 4), normal(2, 2, 3), normal(3, 4)
    check(einsum_local_subscripts, a, b)
    check_forward_over_forward(einsum_local_subscripts_tangent, (a, b, va, vb), floats={0, 1, 2, 3})


@pytest.mark.parametrize("labels", [
    ([0, 1], [1, 2], [0, 2]), ((0, 1), (1, 2), (0, 2)), ([Ellipsis, 0, 1], [1, 2], [Ellipsis, 0, 2]),
])
def test_einsum_with_sublists_given_as_arguments(labels):
    la, lb, lo = labels
    a_shape = (2, 2, 3) if Ellipsis in la else (2, 3)
    a, b, va, vb = normal(*a_shape), normal(3, 4), normal(*a_shape), normal(3, 4)
    check(einsum_given_sublists, a, la, b, lb, lo, wrt=(0, 2))
    check_forward_over_forward(einsum_given_sublists_tangent, (a, la, b, lb, lo, va, vb),
                               floats={0, 2, 5, 6})


def test_einsum_third_order_forward_with_subscripts_given_as_an_argument():
    """jvp of jvp of jvp: the subscripts stay data at every order."""
    sub, a, b = "ij,jk->ik", normal(2, 3), normal(3, 4)

    def second(x):
        return astgrad.jvp(first, (x,), (np.ones((2, 3)),))[1]

    def first(x):
        return astgrad.jvp(einsum_given_subscripts, (sub, x, b), (None, np.ones((2, 3)), np.zeros((3, 4))))[1]

    # einsum(a, b) ** 2 along a constant direction u: the third derivative is 0, the
    # second is 2 * (u b) ** 2
    u = np.ones((2, 3))
    assert_close(second(a), 2 * (u @ b) ** 2, rtol=1e-12, atol=1e-12)
    assert_close(astgrad.jvp(second, (a,), (u,))[1], np.zeros((2, 4)), atol=1e-12)


@pytest.mark.parametrize("sub, a_shape, b_shape, out_shape", [
    ("...ij,...jk->...ik", (0, 2, 3), (0, 3, 4), (0, 2, 4)),
    ("...ij,...jk->...ik", (1, 2, 3), (0, 3, 4), (0, 2, 4)),
    ("...ij,...jk->...ik", (0, 2, 3), (1, 3, 4), (0, 2, 4)),
    ("ij,jk->ik", (2, 0), (0, 3), (2, 3)),
    ("ij,jk->ik", (0, 3), (3, 4), (0, 4)),
])
def test_einsum_with_zero_length_axes(sub, a_shape, b_shape, out_shape):
    """Empty results and gradients of the right shapes; a contraction over an empty axis
    is zero, and so is the gradient of an operand broadcast against an empty axis."""
    a, b = normal(*a_shape), normal(*b_shape)
    out, pullback = astgrad.vjp(einsum_given_subscripts, sub, a, b)
    assert out.shape == out_shape
    cotangent = normal(*out_shape)
    _, ga, gb = pullback(cotangent)
    assert ga.shape == a_shape and gb.shape == b_shape
    assert_close(ga, numerical_grad(einsum_given_subscripts, (sub, a, b), wrt=1, seed=cotangent))
    assert_close(gb, numerical_grad(einsum_given_subscripts, (sub, a, b), wrt=2, seed=cotangent))
    value, tangent = astgrad.jvp(einsum_given_subscripts, (sub, a, b), (None, normal(*a_shape), normal(*b_shape)))
    assert value.shape == tangent.shape == out_shape
    hessian = astgrad.hessian(einsum_sum_of_squares, wrt=1)(sub, a, b)
    assert hessian.shape == a_shape + a_shape
    assert_close(hessian, astgrad.jacobian(astgrad.grad(einsum_sum_of_squares, wrt=1), wrt=1)(sub, a, b))
