"""The API boundary: transforms take exactly f's arguments, refuse outputs and
tangents they cannot differentiate, and return gradients shaped like the arguments;
the tape's tensor methods compute what their PyTorch namesakes compute.

Values are checked against central finite differences (tests/fd.py); tape gradients
also against the function transforms.
"""

import cmath
import collections
import inspect
import math

import numpy as np
import pytest

import astgrad
from astgrad.core.functions import seed_parameter
from fd import assert_close, numerical_grad, numerical_jvp

RTOL, ATOL = 1e-5, 1e-6


# -- functions under test (module level: astgrad reads their source) --------------------

def sq(x):
    return x * x


def two(x, y):
    return np.sum(x * np.sin(y))


def with_default(x, y=2.0):
    return x * y + np.sin(x)


def with_defaults(x, a=np.array([1.0, -2.0, 0.5]), b=3.0):
    return np.sum(np.sin(x) * a) * b


def keyword_only(x, a=np.ones(3), *, k=2.0):
    return np.sum(x * a) * k ** 2


def vector_keyword_only(x, *, k=np.array([1.0, 2.0])):
    return np.sin(x) * np.sum(k * k)


def returns_none(x):
    y = x * 2.0
    return None


def returns_string(x):
    return "abc"


def returns_bool(x):
    return x > 0.0


def returns_complex(x):
    return x * 1j


def returns_tuple_with_none(x):
    return (x * 2.0, None)


def vector_out(x):
    return np.sin(x) * 2.0


def pair_out(x):
    return (np.sin(x), x * x)


def dict_arg(d):
    return d["a"] * np.sum(d["b"] ** 2)


def dict_arg_vector(d):
    return np.sin(d["a"]) * d["b"]


def list_arg(xs):
    return xs[0] * np.sum(xs[1] * xs[1]) + np.sum(np.cos(xs[2]))


def nested_arg(p):
    return p[0]["w"] * np.sum(p[1][0] * p[1][1])


def list_with_count(xs):
    return xs[0] * xs[1]


def int_power(x, n):
    return x ** n


def float_of_int(n):
    return n * n * 0.5


def int_array_fn(a):
    return np.sum(a * a * 1.5)


Pair = collections.namedtuple("Pair", ["left", "right"])


def pair_arg(p):
    return np.sum(p[0] * p[1])


@astgrad.differentiable
def decorated(x, y=1.5):
    return x * x * y


# -- 1. the transforms take exactly f's arguments ----------------------------------------

def _every_transform():
    """(label, call with args) for every transform of the one-argument ``sq``."""
    return [
        ("grad", lambda *a, **k: astgrad.grad(sq)(*a, **k)),
        ("value_and_grad", lambda *a, **k: astgrad.value_and_grad(sq)(*a, **k)),
        ("grad of grad", lambda *a, **k: astgrad.grad(astgrad.grad(sq))(*a, **k)),
        ("grad^3", lambda *a, **k: astgrad.grad(astgrad.grad(astgrad.grad(sq)))(*a, **k)),
        ("vjp", lambda *a, **k: astgrad.vjp(sq, *a, **k)),
        ("jvp", lambda *a, **k: astgrad.jvp(sq, a, (1.0,) * len(a), **k)),
        ("jacobian", lambda *a, **k: astgrad.jacobian(sq)(*a, **k)),
        ("hessian", lambda *a, **k: astgrad.hessian(sq)(*a, **k)),
        ("hvp", lambda *a, **k: astgrad.hvp(sq)(*a, 1.0, **k)),
        ("jvp of grad", lambda *a, **k: astgrad.jvp(astgrad.grad(sq), a, (1.0,) * len(a), **k)),
        ("vjp of grad", lambda *a, **k: astgrad.vjp(astgrad.grad(sq), *a, **k)),
        ("decorated", lambda *a, **k: astgrad.grad(astgrad.grad(decorated))(*a, **k)),
    ]


@pytest.mark.parametrize("label, call", _every_transform(), ids=[t[0] for t in _every_transform()])
def test_an_extra_positional_argument_is_a_type_error(label, call):
    extra = (1.0, 2.0, 3.0) if label == "decorated" else (1.0, 2.0)
    with pytest.raises(TypeError, match="too many positional arguments"):
        call(*extra)


@pytest.mark.parametrize("label, call", _every_transform(), ids=[t[0] for t in _every_transform()])
def test_a_missing_argument_is_a_type_error(label, call):
    if label in ("jvp", "jvp of grad"):
        with pytest.raises(TypeError, match="missing a required argument: 'x'"):
            call()
        return
    with pytest.raises(TypeError, match=r"\(\) missing a required argument: 'x'|takes its arguments"):
        call()


@pytest.mark.parametrize("label", ["grad", "value_and_grad", "grad of grad", "jacobian", "hessian", "hvp"])
def test_an_unknown_keyword_is_a_type_error(label):
    call = dict(_every_transform())[label]
    with pytest.raises(TypeError, match="sq\\(\\) got an unexpected keyword argument 'z'"):
        call(1.0, z=2.0)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_the_output_seed_is_not_an_argument_of_the_public_object(depth):
    g = sq
    for _ in range(depth):
        g = astgrad.grad(g)
    assert inspect.signature(g) == inspect.signature(sq)
    seed = seed_parameter(g.plain)
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        g(1.5, **{seed: 2.0})
    with pytest.raises(ValueError, match="no parameter named"):
        astgrad.grad(g, wrt=seed)
    with pytest.raises(ValueError, match="must be in range"):
        astgrad.grad(g, wrt=1)


@pytest.mark.parametrize("fn", [sq, with_default, keyword_only, decorated])
def test_the_generated_seed_is_keyword_only(fn):
    plain = astgrad.grad(fn).plain
    seed = inspect.signature(plain).parameters[seed_parameter(plain)]
    assert seed.kind is inspect.Parameter.KEYWORD_ONLY and seed.default == 1.0
    args = (1.3,) if fn is not keyword_only else (np.array([1.0, 2.0, 3.0]),)
    positional = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind is p.POSITIONAL_OR_KEYWORD]
    with pytest.raises(TypeError):
        plain(*args, *([0.5] * (len(positional) - len(args))), 2.0)   # one beyond f's positionals


def test_the_seed_by_keyword_scales_the_plain_gradient():
    plain = astgrad.grad(with_default).plain
    x = 0.7
    expected = numerical_grad(with_default, (x,), 0)
    assert plain(x, **{seed_parameter(plain): 3.0}) == pytest.approx(3.0 * expected, rel=RTOL)


def test_defaults_and_keywords_bind_like_python():
    x = 0.4
    g = astgrad.grad(with_default, (0, 1))
    for args, kwargs, y in [((x,), {}, 2.0), ((x, 5.0), {}, 5.0), ((x,), {"y": -1.0}, -1.0),
                            ((), {"x": x, "y": 0.5}, 0.5)]:
        gx, gy = g(*args, **kwargs)
        assert_close((gx, gy), numerical_grad(with_default, (x, y), (0, 1)), RTOL, ATOL)
    with pytest.raises(TypeError, match="multiple values for argument 'x'"):
        g(x, x=1.0)


# -- 2. outputs that are not real numbers ---------------------------------------------------

@pytest.mark.parametrize("fn, what", [(returns_none, "None"), (returns_string, "str"),
                                      (returns_bool, "bool")])
def test_grad_refuses_an_output_that_is_not_a_real_scalar(fn, what):
    for transform in (astgrad.grad, astgrad.value_and_grad):
        with pytest.raises(TypeError, match=f"grad requires {fn.__name__} to return a real scalar.*{what}"):
            transform(fn)(1.5)
    with pytest.raises(TypeError, match="real scalar"):
        astgrad.hessian(fn)(1.5)


def test_a_complex_output_is_refused_where_it_is_made():
    # hessian makes its code before it runs f (a refused program leaves the state untouched)
    for transform in (astgrad.grad, astgrad.value_and_grad, astgrad.hessian):
        with pytest.raises(astgrad.TransformError, match=r"test_trust_api.py:\d+: .*complex literal 1j"):
            transform(returns_complex)(1.5)


@pytest.mark.parametrize("fn", [vector_out, pair_out])
def test_grad_refuses_a_non_scalar_output_and_points_to_vjp(fn):
    with pytest.raises(ValueError, match="use astgrad.vjp"):
        astgrad.grad(fn)(np.array([0.5, 1.0]))


@pytest.mark.parametrize("fn, where", [(returns_none, "None"), (returns_string, "str")])
def test_vjp_refuses_an_output_that_is_not_numbers(fn, where):
    with pytest.raises(TypeError, match=f"vjp needs {fn.__name__} to return a number.*{where}"):
        astgrad.vjp(fn, 1.5)


def test_vjp_of_an_output_with_a_none_leaf_gives_it_a_none_cotangent():
    # followed now (None is an empty subtree, as in JAX's pytrees): checked by finite differences
    out, pullback = astgrad.vjp(returns_tuple_with_none, 1.5)
    assert out == (3.0, None)
    assert_close(pullback((0.7, None)), (numerical_grad(lambda x: returns_tuple_with_none(x)[0], (1.5,), seed=0.7),))


def zero_d_output(x):
    return np.sum(x * x, keepdims=False).reshape(())


def float32_output(x):
    return np.float32(2.0) * x


def int_output(x):
    return len(x)


def test_real_scalar_outputs_of_every_kind_are_accepted():
    x = np.array([1.5, -0.5])
    assert_close(astgrad.grad(zero_d_output)(x), 2 * x, RTOL, ATOL)
    assert astgrad.grad(float32_output)(np.float32(1.5)) == pytest.approx(2.0)
    assert astgrad.grad(sq)(np.array(1.5)) == pytest.approx(3.0)
    assert_close(astgrad.grad(int_output)(x), np.zeros(2), 0, 0)     # an int output: constant


# -- 3. vjp with defaulted parameters -------------------------------------------------------

@pytest.mark.parametrize("ct", [1.0, -2.5, 0.0])
def test_vjp_cotangent_is_the_seed_not_a_defaulted_argument(ct):
    x = 0.8
    out, pullback = astgrad.vjp(with_default, x)
    assert out == pytest.approx(with_default(x))
    (gx,) = pullback(ct)
    assert gx == pytest.approx(numerical_grad(with_default, (x,), 0, seed=ct), rel=RTOL, abs=ATOL)


def test_vjp_with_several_defaults_and_an_array_argument():
    x = np.array([0.3, -1.2, 2.0])
    out, pullback = astgrad.vjp(with_defaults, x)
    (gx,) = pullback(1.7)
    assert_close(gx, numerical_grad(with_defaults, (x,), 0, seed=1.7), RTOL, ATOL)
    out, pullback = astgrad.vjp(with_defaults, x, np.array([2.0, 0.0, 1.0]))
    gx, ga = pullback(-1.0)
    expected = numerical_grad(with_defaults, (x, np.array([2.0, 0.0, 1.0])), (0, 1), seed=-1.0)
    assert_close((gx, ga), expected, RTOL, ATOL)


def test_vjp_with_keyword_only_parameters_keeps_their_defaults():
    x = np.array([0.5, 1.5, -1.0])
    _, pullback = astgrad.vjp(keyword_only, x)
    (gx,) = pullback(2.0)
    assert_close(gx, numerical_grad(keyword_only, (x,), 0, seed=2.0), RTOL, ATOL)


# -- 4. keyword-only parameters -----------------------------------------------------------------

def _keyword_only_of_k(x, k):
    return keyword_only(x, k=k)


def _vector_keyword_only_of_k(x, k):
    return vector_keyword_only(x, k=k)


@pytest.mark.parametrize("k", [2.0, -0.5])
def test_grad_wrt_a_keyword_only_parameter_after_an_array_default(k):
    x = np.array([0.5, 1.5, -1.0])
    g = astgrad.grad(keyword_only, wrt="k")(x, k=k)
    assert isinstance(g, float)
    assert g == pytest.approx(numerical_grad(_keyword_only_of_k, (x, k), 1), rel=RTOL)
    g = astgrad.grad(keyword_only, wrt="k")(x)                  # k from its default
    assert g == pytest.approx(numerical_grad(_keyword_only_of_k, (x, 2.0), 1), rel=RTOL)


def test_grad_wrt_an_array_keyword_only_parameter_has_its_shape():
    x, k = 0.7, np.array([1.0, -2.0])
    g = astgrad.grad(lambda_free_sum_keyword, wrt="k")(x, k=k)
    assert g.shape == (2,)
    assert_close(g, numerical_grad(_sum_keyword_of_k, (x, k), 1), RTOL, ATOL)


def lambda_free_sum_keyword(x, *, k=np.zeros(2)):
    return np.sum(np.sin(x * k))


def _sum_keyword_of_k(x, k):
    return lambda_free_sum_keyword(x, k=k)


@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
def test_jacobian_with_keyword_only_parameters(mode):
    x, k = np.array([0.3, -0.4]), np.array([1.5, 0.5])
    jac_k = astgrad.jacobian(vector_keyword_only, wrt="k", mode=mode)(x, k=k)
    expected = np.stack([numerical_jvp(_vector_keyword_only_of_k, (x, k), (None, e))
                         for e in np.eye(2)], axis=-1)
    assert_close(jac_k, expected, RTOL, ATOL)
    jac_x = astgrad.jacobian(vector_keyword_only, mode=mode)(x, k=k)
    expected = np.stack([numerical_jvp(_vector_keyword_only_of_k, (x, k), (e, None))
                         for e in np.eye(2)], axis=-1)
    assert_close(jac_x, expected, RTOL, ATOL)


def test_hessian_and_hvp_with_keyword_only_parameters():
    x = np.array([0.5, 1.5, -1.0])
    assert astgrad.hessian(keyword_only, wrt="k")(x, k=3.0) == pytest.approx(2.0 * np.sum(x))
    h = astgrad.hessian(keyword_only)(x, k=3.0)
    assert_close(h, np.zeros((3, 3)), 0, 0)            # linear in x
    x2, k2 = 0.4, np.array([1.0, 2.0])
    h = astgrad.hessian(lambda_free_sum_keyword, wrt="k")(x2, k=k2)
    expected = np.diag(-np.sin(x2 * k2) * x2 * x2)
    assert_close(h, expected, RTOL, ATOL)
    v = np.array([1.0, -1.0])
    assert_close(astgrad.hvp(lambda_free_sum_keyword, wrt="k")(x2, v, k=k2), expected @ v, RTOL, ATOL)


# -- 5. containers ---------------------------------------------------------------------------

def _dict_as_args(a, b):
    return dict_arg({"a": a, "b": b})


def _list_as_args(a, b, c):
    return list_arg([a, b, c])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_jvp_with_a_dict_tangent(seed):
    rng = np.random.default_rng(seed)
    d = {"a": float(rng.normal()), "b": rng.normal(size=3)}
    t = {"a": float(rng.normal()), "b": rng.normal(size=3)}
    out, tangent = astgrad.jvp(dict_arg, (d,), (t,))
    assert out == pytest.approx(dict_arg(d))
    expected = numerical_jvp(_dict_as_args, (d["a"], d["b"]), (t["a"], t["b"]))
    assert tangent == pytest.approx(expected, rel=RTOL, abs=ATOL)


def test_jvp_with_a_list_of_differently_shaped_arrays():
    xs = [0.7, np.array([1.0, -2.0, 0.5]), np.array([[0.1, 0.2], [0.3, 0.4]])]
    ts = [1.0, np.array([0.5, 0.5, -1.0]), np.array([[1.0, 0.0], [0.0, -1.0]])]
    _, tangent = astgrad.jvp(list_arg, (xs,), (ts,))
    assert tangent == pytest.approx(numerical_jvp(_list_as_args, tuple(xs), tuple(ts)), rel=RTOL, abs=ATOL)
    _, tangent = astgrad.jvp(list_arg, (tuple(xs),), (tuple(ts),))
    assert tangent == pytest.approx(numerical_jvp(_list_as_args, tuple(xs), tuple(ts)), rel=RTOL, abs=ATOL)


def test_grad_of_a_list_and_a_tuple_come_back_as_list_and_tuple():
    xs = [0.7, np.array([1.0, -2.0, 0.5]), np.array([[0.1, 0.2], [0.3, 0.4]], dtype=np.float32)]
    g = astgrad.grad(list_arg)(xs)
    assert type(g) is list and len(g) == 3
    assert type(g[0]) is float
    assert g[1].shape == (3,) and g[1].dtype == np.float64
    assert g[2].shape == (2, 2) and g[2].dtype == np.float32
    expected = numerical_grad(_list_as_args, tuple(x.astype(np.float64) if isinstance(x, np.ndarray) else x
                                                   for x in xs), (0, 1, 2))
    assert_close(tuple(g), expected, 1e-4, 1e-5)
    g = astgrad.grad(list_arg)(tuple(xs))
    assert type(g) is tuple and len(g) == 3


def test_vjp_of_a_dict_argument_returns_a_dict():
    d = {"a": 1.5, "b": np.array([0.2, -0.3])}
    out, pullback = astgrad.vjp(dict_arg_vector, d)
    ct = np.array([1.0, -2.0])
    (g,) = pullback(ct)
    assert type(g) is dict and set(g) == {"a", "b"}
    assert type(g["a"]) is float and g["b"].shape == (2,)
    expected = numerical_grad(lambda a, b: dict_arg_vector({"a": a, "b": b}), (d["a"], d["b"]), (0, 1), seed=ct)
    assert_close((g["a"], g["b"]), expected, RTOL, ATOL)


def test_nested_containers_and_namedtuples_keep_their_structure():
    p = ({"w": 0.5}, [np.array([1.0, 2.0]), np.array([3.0, -1.0])])
    g = astgrad.grad(nested_arg)(p)
    assert type(g) is tuple and type(g[0]) is dict and type(g[1]) is list
    assert g[0]["w"] == pytest.approx(np.sum(p[1][0] * p[1][1]))
    assert_close(g[1][0], 0.5 * p[1][1], RTOL, ATOL)
    assert_close(g[1][1], 0.5 * p[1][0], RTOL, ATOL)
    q = Pair(np.array([1.0, 2.0]), np.array([0.5, 0.25]))
    g = astgrad.grad(pair_arg)(q)
    assert type(g) is Pair
    assert_close(g.left, q.right, RTOL, ATOL)
    assert_close(g.right, q.left, RTOL, ATOL)


def test_hvp_with_a_list_argument_and_hessian_refuses_a_ragged_one():
    xs = [0.7, np.array([1.0, -2.0, 0.5]), np.array([[0.1, 0.2], [0.3, 0.4]])]
    v = [1.0, np.array([0.0, 1.0, 0.0]), np.zeros((2, 2))]
    hv = astgrad.hvp(list_arg)(xs, v)
    assert type(hv) is list
    # H v for this v: d/dx0 (x0 * 2 x1) . e1 and d/dx1 (2 x0 x1) in the directions given
    assert hv[0] == pytest.approx(2 * xs[1][1])
    assert_close(hv[1], np.array([0.0, 2 * xs[0], 0.0]) + 2 * xs[1] * 1.0, RTOL, ATOL)
    assert_close(hv[2], np.zeros((2, 2)), 0, 0)
    with pytest.raises(TypeError, match="hessian needs argument 'xs' to be a number or an array.*hvp"):
        astgrad.hessian(list_arg)(xs)
    with pytest.raises(TypeError, match="jacobian needs argument 'd'"):
        astgrad.jacobian(dict_arg)({"a": 1.0, "b": np.ones(2)})


def test_hessian_of_a_list_of_numbers_is_a_matrix():
    xs = [0.5, 2.0]
    h = astgrad.hessian(list_with_count)(xs)
    assert_close(h, np.array([[0.0, 1.0], [1.0, 0.0]]), 0, 0)


# -- 6. tangents, cotangents and integers --------------------------------------------------------

@pytest.mark.parametrize("tangent, message", [
    ({"a": 1.0}, r"tangent 0 is a dict with keys \['a'\], but primal 0 is a dict with keys \['a', 'b'\]"),
    ({"a": 1.0, "b": np.ones(2)}, r"tangent 0\['b'\] is of shape \(2,\), but primal 0\['b'\] is of shape \(3,\)"),
    ([1.0, np.ones(3)], r"tangent 0 is a list of length 2, but primal 0 is a dict"),
    ({"a": 1.0, "b": None, "c": 2.0}, r"tangent 0 is a dict with keys \['a', 'b', 'c'\], but primal 0"),
])
def test_jvp_tangent_of_the_wrong_structure_or_shape(tangent, message):
    d = {"a": 1.0, "b": np.ones(3)}
    with pytest.raises(ValueError, match=message):
        astgrad.jvp(dict_arg, (d,), (tangent,))


@pytest.mark.parametrize("tangents, message", [
    ((np.ones((2, 1)), np.ones(3)), r"tangent 0 is of shape \(2, 1\), but primal 0 is of shape \(2,\)"),
    ((np.ones(2), [1.0, 2.0]), r"tangent 1 is a list of length 2, but primal 1 is of shape \(3,\)"),
    ((np.ones(2), "text"), r"tangent 1 is a value of type str"),
])
def test_jvp_tangent_mismatch_names_the_argument_and_shapes(tangents, message):
    with pytest.raises(ValueError, match=message):
        astgrad.jvp(two_shapes, (np.ones(2), np.ones(3)), tangents)


def two_shapes(x, y):
    return np.sum(x) * np.sum(y)


@pytest.mark.parametrize("cotangent, message", [
    (np.ones(3), r"the cotangent is of shape \(3,\), but pair_out's output is a tuple of length 2"),
    ((np.ones(2),), r"the cotangent is a tuple of length 1, but pair_out's output is a tuple of length 2"),
    ((np.ones(2), np.ones(3)), r"the cotangent\[1\] is of shape \(3,\), but pair_out's output\[1\] is of shape \(2,\)"),
    ((np.ones(2), None), r"the cotangent\[1\] is None"),
])
def test_vjp_cotangent_mismatch(cotangent, message):
    _, pullback = astgrad.vjp(pair_out, np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match=message):
        pullback(cotangent)


def test_vjp_of_a_tuple_output_with_a_list_cotangent():
    x = np.array([0.5, 1.0])
    ct = [np.array([1.0, 2.0]), np.array([-1.0, 0.5])]
    _, pullback = astgrad.vjp(pair_out, x)
    (g,) = pullback(ct)
    assert_close(g, numerical_grad(pair_out, (x,), 0, seed=tuple(ct)), RTOL, ATOL)


def test_hvp_v_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"hvp: v is of shape \(2,\), but argument 0 is of shape \(3,\)"):
        astgrad.hvp(with_defaults)(np.ones(3), np.ones(2))


@pytest.mark.parametrize("n", [2, 3, 5])
def test_grad_wrt_a_python_int_treats_it_as_a_real_number(n):
    g = astgrad.grad(float_of_int)(n)
    assert type(g) is float
    assert g == pytest.approx(numerical_grad(float_of_int, (float(n),), 0), rel=RTOL)


def test_grad_wrt_an_int_array_gives_a_float64_gradient():
    a = np.array([1, -2, 3])
    g = astgrad.grad(int_array_fn)(a)
    assert g.dtype == np.float64 and g.shape == (3,)
    assert_close(g, numerical_grad(int_array_fn, (a.astype(np.float64),), 0), RTOL, ATOL)
    assert_close(astgrad.hessian(int_array_fn)(a), 3.0 * np.eye(3), RTOL, ATOL)


def test_vjp_and_jvp_treat_ints_as_constants():
    x = 1.3
    out, pullback = astgrad.vjp(int_power, x, 3)
    gx, gn = pullback(1.0)
    assert gn is None
    assert gx == pytest.approx(numerical_grad(int_power, (x, 3), 0), rel=RTOL)
    _, t = astgrad.jvp(int_power, (x, 3), (1.0, None))
    assert t == pytest.approx(gx, rel=RTOL)
    with pytest.raises(ValueError, match="tangent 1 is 1.0, but primal 1 is a value of type int"):
        astgrad.jvp(int_power, (x, 3), (1.0, 1.0))
    g = astgrad.grad(list_with_count)([2.5, 4])     # grad names the list: its int is differentiated
    assert g == [4.0, 2.5] and type(g[1]) is float
    _, pullback = astgrad.vjp(list_with_count, [2.5, 4])
    assert pullback(1.0) == ([4.0, None],)


# -- 7. the tape: values leave the graph only explicitly --------------------------------------------

T = astgrad.tensor
tape_grad = astgrad.autograd.grad


@pytest.mark.parametrize("leave", [float, math.sin, math.exp, np.float64, np.asarray, complex, cmath.sin],
                         ids=["float", "math.sin", "math.exp", "np.float64", "np.asarray", "complex", "cmath.sin"])
@pytest.mark.parametrize("shape", [(), (1,)])
def test_implicit_conversions_of_a_tensor_that_requires_grad_raise(leave, shape):
    x = T(np.full(shape, 0.5), requires_grad=True)
    with pytest.raises(RuntimeError, match="would silently drop its derivative"):
        leave(x)
    with pytest.raises(RuntimeError, match="would silently drop its derivative"):
        leave(x * 2.0)              # a recorded result requires grad too
    if shape == ():                 # NumPy converts only 0-d arrays to numbers
        with astgrad.no_grad():
            leave(x)                # no derivative is being recorded: just the number
        leave(x.detach())
        leave(T(np.full(shape, 0.5)))


def test_item_and_int_give_plain_numbers():
    x = T(2.5, requires_grad=True)
    assert x.item() == 2.5 and type(x.item()) is float
    assert int(x) == 2


def test_math_sin_alternatives_are_recorded_and_agree_with_the_transforms():
    x = T(0.5, requires_grad=True)
    (g,) = tape_grad(np.sin(x) * x, x)
    assert g.item() == pytest.approx(astgrad.grad(_sin_times)(0.5), rel=1e-12)
    (g,) = tape_grad(x.sin() * x, x)
    assert g.item() == pytest.approx(numerical_grad(_sin_times, (0.5,), 0), rel=RTOL)


def _sin_times(x):
    return np.sin(x) * x


# -- 8. the tape: PyTorch's method signatures ------------------------------------------------------

A = np.arange(1.0, 7.0).reshape(2, 3) / 4.0
B = np.arange(1.0, 25.0).reshape(2, 3, 4) / 10.0


def _tape_values_and_grad(method, array, weights):
    """method on a tensor: (values, gradient of sum(weights * values))."""
    x = T(array, requires_grad=True)
    out = method(x)
    (g,) = tape_grad((out * T(weights)).sum(), x)
    return out.detach().numpy(), g.detach().numpy()


def _check_method(method, reference, array):
    """Values against NumPy's ``reference``, the tape's gradient against finite differences."""
    rng = np.random.default_rng(1)
    expected = reference(array)
    weights = rng.normal(size=np.shape(expected))
    values, g = _tape_values_and_grad(method, array, weights)
    assert values.shape == np.shape(expected)
    assert_close(values, expected, 1e-12, 1e-12)
    assert_close(g, numerical_grad(lambda a: np.sum(reference(a) * weights), (array,), 0), RTOL, ATOL)
    return g


METHODS = {
    "transpose(0, 1) 2-D": (lambda x: x.transpose(0, 1), lambda a: a.T, A),
    "transpose(0, 2) 3-D": (lambda x: x.transpose(0, 2), lambda a: np.swapaxes(a, 0, 2), B),
    "transpose(-1, 1) 3-D": (lambda x: x.transpose(-1, 1), lambda a: np.swapaxes(a, -1, 1), B),
    "permute(2, 0, 1)": (lambda x: x.permute(2, 0, 1), lambda a: np.transpose(a, (2, 0, 1)), B),
    "permute((1, 0, 2))": (lambda x: x.permute((1, 0, 2)), lambda a: np.transpose(a, (1, 0, 2)), B),
    "t()": (lambda x: x.t(), lambda a: a.T, A),
    "T": (lambda x: x.T, lambda a: a.T, A),
    "sum(1, True)": (lambda x: x.sum(1, True), lambda a: np.sum(a, axis=1, keepdims=True), B),
    "sum(dim=(0, 2))": (lambda x: x.sum(dim=(0, 2)), lambda a: np.sum(a, axis=(0, 2)), B),
    "sum(axis=0, keepdims=True)": (lambda x: x.sum(axis=0, keepdims=True), lambda a: np.sum(a, 0, keepdims=True), A),
    "mean(-1, keepdim=True)": (lambda x: x.mean(-1, keepdim=True), lambda a: np.mean(a, -1, keepdims=True), B),
    "prod(0)": (lambda x: x.prod(0), lambda a: np.prod(a, 0), A),
    "max()": (lambda x: x.max(), np.max, A),
    "max(dim=1).values": (lambda x: x.max(dim=1).values, lambda a: np.max(a, 1), B),
    "min(0, True)[0]": (lambda x: x.min(0, True)[0], lambda a: np.min(a, 0, keepdims=True), B),
    "std()": (lambda x: x.std(), lambda a: np.std(a, ddof=1), A),
    "std(1)": (lambda x: x.std(1), lambda a: np.std(a, 1, ddof=1), B),
    "std(unbiased=False)": (lambda x: x.std(unbiased=False), np.std, A),
    "var(0, keepdim=True)": (lambda x: x.var(0, keepdim=True), lambda a: np.var(a, 0, ddof=1, keepdims=True), B),
    "var(correction=0)": (lambda x: x.var(correction=0), np.var, A),
    "reshape(3, 2)": (lambda x: x.reshape(3, 2), lambda a: a.reshape(3, 2), A),
    "view(-1)": (lambda x: x.view(-1), lambda a: a.reshape(-1), B),
    "squeeze(0) size 1": (lambda x: x.reshape(1, 2, 3).squeeze(0), lambda a: a, A),
    "squeeze(1) size 3": (lambda x: x.squeeze(1), lambda a: a, A),
    "unsqueeze(1)": (lambda x: x.unsqueeze(1), lambda a: a[:, None], A),
    "unsqueeze(-1)": (lambda x: x.unsqueeze(-1), lambda a: a[..., None], A),
    "expand(4, 2, 3)": (lambda x: x.expand(4, 2, 3), lambda a: np.broadcast_to(a, (4, 2, 3)), A),
    "expand(-1, 3) of a column": (lambda x: x[:, :1].expand(-1, 3), lambda a: np.broadcast_to(a[:, :1], (2, 3)), A),
    "repeat(2, 3)": (lambda x: x.repeat(2, 3), lambda a: np.tile(a, (2, 3)), A),
    "repeat(2, 1, 1)": (lambda x: x.repeat(2, 1, 1), lambda a: np.tile(a, (2, 1, 1)), A),
    "flatten()": (lambda x: x.flatten(), lambda a: a.reshape(-1), B),
    "flatten(1)": (lambda x: x.flatten(1), lambda a: a.reshape(2, 12), B),
    "flatten(0, 1)": (lambda x: x.flatten(0, 1), lambda a: a.reshape(6, 4), B),
    "cumsum(1)": (lambda x: x.cumsum(1), lambda a: np.cumsum(a, 1), A),
    "max(other)": (lambda x: x.max(T(np.full((2, 3), 0.8))), lambda a: np.maximum(a, 0.8), A),
}


@pytest.mark.parametrize("name", list(METHODS))
def test_tensor_methods_compute_what_pytorch_computes(name):
    method, reference, array = METHODS[name]
    _check_method(method, reference, array)


def test_transpose_gradient_matches_the_function_transform():
    w = np.array([[1.0, -1.0], [2.0, 0.5], [0.0, 3.0]])
    x = T(A, requires_grad=True)
    (g,) = tape_grad((x.transpose(0, 1) * T(w)).sum(), x)
    assert_close(g.detach().numpy(), astgrad.grad(_transposed_weighted)(A, w), 1e-12, 1e-12)


def _transposed_weighted(a, w):
    return np.sum(np.swapaxes(a, 0, 1) * w)


def test_max_and_min_with_dim_return_values_and_indices():
    x = T(B, requires_grad=True)
    values, indices = x.max(1)
    assert_close(values.detach().numpy(), np.max(B, 1), 0, 0)
    assert indices.detach().numpy().tolist() == np.argmax(B, 1).tolist() and not indices.requires_grad
    result = x.min(dim=2, keepdim=True)
    assert result.indices.shape == (2, 3, 1) and result.values.shape == (2, 3, 1)
    assert x.argmax(1, keepdim=True).shape == (2, 1, 4)


@pytest.mark.parametrize("call, message", [
    (lambda x: x.transpose(), "transpose\\(dim0, dim1\\) swaps two dimensions"),
    (lambda x: x.transpose((1, 0)), "transpose\\(dim0, dim1\\) swaps two dimensions"),
    (lambda x: x.transpose(2, 0, 1), "transpose\\(dim0, dim1\\) swaps two dimensions"),
    (lambda x: x.permute(0, 0, 1), "duplicate dims are not allowed"),
    (lambda x: x.sum(0, np.float32), "keepdim must be a bool"),
    (lambda x: x.mean(1, "yes"), "keepdim must be a bool"),
    (lambda x: x.sum(0, axis=1), "both dim and axis"),
    (lambda x: x.std(unbiased=True, correction=0), "only one of unbiased, correction and ddof"),
    (lambda x: x.t(), "t\\(\\) expects a tensor with <= 2 dimensions"),
])
def test_numpy_style_calls_that_pytorch_reads_differently_are_refused(call, message):
    x = T(B, requires_grad=True)
    with pytest.raises((TypeError, ValueError, RuntimeError), match=message):
        call(x)


def test_size_and_dim():
    x = T(B)
    assert x.size() == (2, 3, 4) and x.size(1) == 3 and x.size(-1) == 4 and x.dim() == 3


def test_std_defaults_to_unbiased_like_pytorch():
    x = T(A, requires_grad=True)
    assert x.std().item() == pytest.approx(np.std(A, ddof=1))
    assert x.var().item() == pytest.approx(np.var(A, ddof=1))
    assert x.var(ddof=0).item() == pytest.approx(np.var(A))


@astgrad.differentiable
def uses_numpy_methods(x):
    return x.std() * x.transpose().sum(axis=0).max() + x.max(0).sum() + x.var(0).mean()


def test_generated_code_run_on_tensors_keeps_numpy_method_meanings():
    # with create_graph=True the generated gradient of a @differentiable function runs on
    # tensors; it was written for arrays, so there x.std() divides by n and x.max(0) is values
    x = T(A, requires_grad=True)
    y = uses_numpy_methods(x)
    assert y.item() == pytest.approx(uses_numpy_methods(A), rel=1e-12)
    (g,) = tape_grad(y, x, create_graph=True)
    assert_close(g.detach().numpy(), astgrad.grad(uses_numpy_methods)(A), 1e-12, 1e-12)
    assert_close(g.detach().numpy(), numerical_grad(uses_numpy_methods, (A,), 0), RTOL, ATOL)
    (h,) = tape_grad(g.sum(), x)
    assert_close(h.detach().numpy(), astgrad.hessian(uses_numpy_methods)(A).sum(axis=(0, 1)), 1e-9, 1e-9)
    assert x.transpose(0, 1).shape == (3, 2) and x.std().item() == pytest.approx(np.std(A, ddof=1))


@astgrad.differentiable
def summed_in_a_loop(w):
    s = 0.0
    for i in range(3):
        s += np.sum(np.tanh(w * i) ** 2)
    return s


def loop_sum_times_square(w):
    return summed_in_a_loop(w) * np.sum(w ** 2)


@pytest.mark.parametrize("w0", [np.array([0.3, -0.5, 0.8]), np.array(0.4), 0.4])
def test_generated_code_adding_into_an_adjoint_runs_on_tensors(w0):
    # the gradient of a loop adds to its parameter's adjoint in place (d_w += e); run on
    # tensors (create_graph=True) the sum must be recorded, not written into the array
    x = T(w0, requires_grad=True)
    (g,) = tape_grad(loop_sum_times_square(x), x, create_graph=True)
    as_array = np.array(w0, dtype=float)
    assert_close(g.detach().numpy(), numerical_grad(loop_sum_times_square, (as_array,), 0), RTOL, ATOL)
    (h,) = tape_grad(g.sum(), x)
    hessian = np.reshape(astgrad.hessian(loop_sum_times_square)(as_array), (as_array.size,) * 2)
    assert_close(h.detach().numpy(), hessian.sum(axis=0).reshape(as_array.shape), 1e-9, 1e-9)
    assert_close(h.detach().numpy(), numerical_grad(lambda v: np.sum(astgrad.grad(loop_sum_times_square)(v)),
                                           (as_array,), 0), RTOL, ATOL)


@astgrad.differentiable
def scaled_by_dict_items(w):
    d = {"a": w[0], "n": 3, "name": "tag", "b": w[1:]}
    d["a"] = d["a"] * np.sum(d["b"]) * d["n"]
    return d["a"] ** 2


@astgrad.differentiable
def scaled_by_list_items(w):
    xs = [w[0], "tag", 3, w[1:]]
    xs[0] = xs[0] * np.sum(xs[3]) * xs[2]
    return xs[0] ** 2


@pytest.mark.parametrize("f", [scaled_by_dict_items, scaled_by_list_items])
def test_generated_code_with_container_derivatives_runs_on_tensors(f):
    # a dict's derivative (AdjointDict) is recorded item by item, as a list's is; items
    # that are not numbers (a name, a tag) have no derivative (None) and stay None
    w0 = np.array([0.3, -0.5, 0.8])
    x = T(w0, requires_grad=True)
    (g,) = tape_grad(f(x) * np.sum(x ** 2), x, create_graph=True)
    assert_close(g.detach().numpy(), numerical_grad(lambda v: f(v) * np.sum(v ** 2), (w0,), 0), RTOL, ATOL)
    (h,) = tape_grad(g.sum(), x)

    def first(v):
        xv = T(v, requires_grad=True)
        return np.sum(tape_grad(f(xv) * np.sum(xv ** 2), xv)[0].detach().numpy())
    assert_close(h.detach().numpy(), numerical_grad(first, (w0,), 0), 1e-4, 1e-5)


@astgrad.differentiable
def filled_by_element_writes(w):
    y = np.zeros(3)
    for k in range(3):
        y[k] += w[k] * y[k] + w[k]
    return np.sum(y * y)


def test_create_graph_through_element_writes_is_refused_clearly():
    # the gradient stores tensors into a NumPy array, which cannot hold them: a clear
    # RuntimeError instead of NumPy's "setting an array element with a sequence"
    w0 = np.array([0.5, 0.3, 0.2])
    x = T(w0, requires_grad=True)
    (g,) = tape_grad(filled_by_element_writes(x), x)          # first order works
    assert_close(g.detach().numpy(), numerical_grad(filled_by_element_writes, (w0,), 0), RTOL, ATOL)
    with pytest.raises(RuntimeError, match="create_graph=True cannot follow this gradient: its generated "
                                           "code writes elements of a NumPy array"):
        tape_grad(filled_by_element_writes(x), x, create_graph=True)


def test_jvp_int_inside_a_container_is_a_constant():
    xs = [2.5, 4]
    _, t = astgrad.jvp(list_with_count, (xs,), ([1.0, None],))
    assert t == pytest.approx(4.0)
    _, t = astgrad.jvp(list_with_count, (xs,), ([1.0, 0],))
    assert t == pytest.approx(4.0)
    with pytest.raises(ValueError, match=r"tangent 0\[1\] is 2.0, but primal 0\[1\] is a value of type int"):
        astgrad.jvp(list_with_count, (xs,), ([1.0, 2.0],))


# -- 9. a tuple wrt: what the gradient returns is what its transforms differentiate ----------------

def surface(x, y):
    return np.sum(np.sin(x) * y ** 2 + x ** 3 * y)


def scalar_surface(x, y):
    return np.sin(x) * y ** 2 + x ** 3 * y


SURFACE_AS_ONE_TUPLE = astgrad.grad(surface, wrt=(0,))


def gradient_in_a_one_tuple(x, y):
    """Plain code returning what grad(surface, wrt=(0,)) returns."""
    return (astgrad.grad(surface, wrt=0)(x, y),)


def tangent_of_the_one_tuple_gradient(x, y, vx, vy):
    return astgrad.jvp(SURFACE_AS_ONE_TUPLE, (x, y), (vx, vy))[1][0]


def uses_a_nested_one_tuple_gradient(x, y):
    g = astgrad.grad(surface, wrt=(0,))(x, y)
    return np.sum(g[0] ** 2)


def uses_a_nested_gradient(x, y):
    g = astgrad.grad(surface, wrt=0)(x, y)
    return np.sum(g ** 2)


WRTS = [0, (0,), (0, 1), "x", ("x",), ("y", "x"), (1,)]


def _structure(value):
    if isinstance(value, tuple):
        return tuple(_structure(v) for v in value)
    return np.shape(value)


@pytest.mark.parametrize("wrt", WRTS)
def test_forward_and_reverse_mode_of_a_gradient_follow_its_output(wrt):
    """jvp and vjp of grad(f, wrt) see the gradient's output as it is returned: a
    tuple for a tuple wrt (also of one element), a bare gradient otherwise."""
    x, y = np.array([0.3, -0.8, 1.1]), np.array([0.9, 0.4, -1.3])
    args = (x, y)
    gradient = astgrad.grad(surface, wrt=wrt)
    g = gradient(x, y)
    assert isinstance(g, tuple) == isinstance(wrt, tuple)
    directions = (RNG_API.standard_normal(3), RNG_API.standard_normal(3))
    out, tangent = astgrad.jvp(gradient, args, directions)
    assert _structure(out) == _structure(g) == _structure(tangent)
    assert_close(out, g, 1e-12, 1e-12)
    assert_close(tangent, numerical_jvp(gradient, args, directions), RTOL, ATOL)
    cotangent = tuple(RNG_API.standard_normal(3) for _ in g) if isinstance(g, tuple) \
        else RNG_API.standard_normal(3)
    out, pullback = astgrad.vjp(gradient, x, y)
    assert _structure(out) == _structure(g)
    assert_close(pullback(cotangent), numerical_grad(gradient, args, wrt=(0, 1), seed=cotangent), RTOL, ATOL)


@pytest.mark.parametrize("wrt", WRTS)
def test_second_and_third_order_of_a_scalar_gradient(wrt):
    """grad of a gradient needs a scalar: with a tuple wrt the gradient returns a tuple,
    which grad refuses as for any function returning a tuple (as JAX's argnums=(0,)
    does); its jvp and vjp go on to any order."""
    x, y = 0.7, -0.4
    gradient = astgrad.grad(scalar_surface, wrt=wrt)
    if isinstance(wrt, tuple):
        with pytest.raises(ValueError, match="scalar"):
            astgrad.grad(gradient)(x, y)
        with pytest.raises(ValueError, match="scalar"):
            astgrad.hessian(gradient)(x, y)
        with pytest.raises(ValueError, match="scalar"):
            astgrad.hvp(gradient)(x, y, 1.0)
        with pytest.raises(ValueError, match="wrt"):
            astgrad.hessian(scalar_surface, wrt=wrt)
    else:
        assert_close(astgrad.grad(gradient, wrt=(0, 1))(x, y),
                     numerical_grad(gradient, (x, y), wrt=(0, 1)), RTOL, ATOL)
        third = astgrad.grad(astgrad.grad(gradient))
        assert_close(third(x, y), numerical_grad(astgrad.grad(gradient), (x, y)), 1e-5, 1e-5)
    # third order: reverse mode over forward mode over the gradient, whatever its output is

    def tangent_along(x, y):
        return astgrad.jvp(gradient, (x, y), (1.0, 0.5))[1]
    tangent = tangent_along(x, y)
    assert _structure(tangent) == _structure(gradient(x, y))
    cotangent = tuple(0.3 * (i + 1) for i in range(len(tangent))) if isinstance(tangent, tuple) else 0.3
    _, pullback = astgrad.vjp(tangent_along, x, y)
    assert_close(pullback(cotangent), numerical_grad(tangent_along, (x, y), wrt=(0, 1), seed=cotangent),
                 1e-5, 1e-5)


def test_jacobian_of_a_one_tuple_gradient_is_that_of_code_returning_a_one_tuple():
    x, y = np.array([0.3, -0.8, 1.1]), np.array([0.9, 0.4, -1.3])
    for mode in ("forward", "reverse"):
        got = astgrad.jacobian(SURFACE_AS_ONE_TUPLE, mode=mode)(x, y)
        expected = astgrad.jacobian(gradient_in_a_one_tuple, mode=mode)(x, y)
        assert got.shape == expected.shape == (1, 3, 3)
        assert_close(got, expected, 1e-12, 1e-12)
        assert_close(got[0], astgrad.hessian(surface)(x, y), 1e-12, 1e-12)


def test_third_order_through_a_one_tuple_gradient():
    """vjp and jvp of code that takes the jvp of grad(f, wrt=(0,))."""
    args = (np.array([0.3, -0.8, 1.1]), np.array([0.9, 0.4, -1.3]),
            np.array([1.0, 0.5, -0.2]), np.array([0.1, 0.2, 0.3]))
    cotangent = RNG_API.standard_normal(3)
    _, pullback = astgrad.vjp(tangent_of_the_one_tuple_gradient, *args)
    expected = numerical_grad(tangent_of_the_one_tuple_gradient, args, wrt=(0, 1, 2, 3), seed=cotangent)
    assert_close(pullback(cotangent), expected, 1e-5, 1e-5)
    directions = tuple(RNG_API.standard_normal(3) for _ in args)
    assert_close(astgrad.jvp(tangent_of_the_one_tuple_gradient, args, directions)[1],
                 numerical_jvp(tangent_of_the_one_tuple_gradient, args, directions), 1e-5, 1e-5)


def test_a_nested_one_tuple_gradient_is_a_one_tuple():
    """astgrad.grad(f, wrt=(0,))(x) inside differentiated code is a 1-tuple there too (its
    [0] used to be the gradient's first element: a wrong gradient)."""
    x, y = np.array([0.3, -0.8, 1.1]), np.array([0.9, 0.4, -1.3])
    assert uses_a_nested_one_tuple_gradient(x, y) == uses_a_nested_gradient(x, y)
    for f in (uses_a_nested_one_tuple_gradient, uses_a_nested_gradient):
        expected = numerical_grad(f, (x, y), wrt=(0, 1))
        assert_close(astgrad.grad(f, wrt=(0, 1))(x, y), expected, 1e-5, 1e-5)
        direction = (np.ones(3), np.zeros(3))
        assert_close(astgrad.jvp(f, (x, y), direction)[1], numerical_jvp(f, (x, y), direction), 1e-5, 1e-5)


@pytest.mark.parametrize("wrt", [0, (0,), (0, 1)])
def test_transforms_of_value_and_grad_differentiate_the_value_too(wrt):
    """value_and_grad returns (value, gradient): jvp and vjp of it differentiate both."""
    x, y = np.array([0.3, -0.8, 1.1]), np.array([0.9, 0.4, -1.3])
    both = astgrad.value_and_grad(surface, wrt=wrt)
    value, g = both(x, y)
    directions = (np.array([1.0, 0.5, -0.2]), np.array([0.1, 0.2, 0.3]))
    out, tangent = astgrad.jvp(both, (x, y), directions)
    assert _structure(out) == _structure(tangent) == _structure((value, g))
    assert_close(out, (value, g), 1e-12, 1e-12)
    assert_close(tangent, numerical_jvp(both, (x, y), directions), RTOL, ATOL)
    cotangent = (0.7, tuple(np.ones(3) for _ in g) if isinstance(g, tuple) else np.ones(3))
    _, pullback = astgrad.vjp(both, x, y)
    assert_close(pullback(cotangent), numerical_grad(both, (x, y), wrt=(0, 1), seed=cotangent), RTOL, ATOL)
    with pytest.raises(ValueError, match="scalar"):
        astgrad.grad(both)(x, y)


RNG_API = np.random.default_rng(20261202)


# -- 10. a container of integers takes None as its tangent -------------------------------------------

def split_by_indices(x, cuts):
    return np.sum(x[list(cuts)] ** 2) * np.sum(x[cuts[0]:cuts[1]])


def weighted_by_table(x, table):
    return x * table["n"] + x ** 2 * table["m"][1]


def test_jvp_takes_none_for_an_item_of_a_container_as_its_zero_tangent():
    """None for an item of a list, tuple or dict primal (a float, an array, a nested
    container) is a zero tangent there, as the explicit zeros are."""
    xs = [0.7, np.array([0.3, -1.2]), np.array([0.5, 0.1, -0.4])]
    v = np.array([1.0, -0.5])
    expected = numerical_jvp(lambda b: list_arg([xs[0], b, xs[2]]), (xs[1],), (v,))
    for container in (list, tuple):
        value, tangent = astgrad.jvp(list_arg, (container(xs),), (container([None, v, None]),))
        assert value == pytest.approx(list_arg(xs))
        assert_close(tangent, expected, RTOL, ATOL)
    d = {"a": 1.5, "b": np.array([0.2, -0.7, 0.9])}
    w = np.array([0.3, 1.0, -2.0])
    assert_close(astgrad.jvp(dict_arg, (d,), ({"a": None, "b": w},))[1],
                 numerical_jvp(lambda b: dict_arg({"a": d["a"], "b": b}), (d["b"],), (w,)), RTOL, ATOL)
    assert astgrad.jvp(dict_arg, (d,), ({"a": 1.0, "b": None},))[1] == pytest.approx(np.sum(d["b"] ** 2))
    p = [{"w": 0.4}, [np.array([1.0, 2.0]), np.array([-0.5, 0.25])]]
    t = np.array([0.1, -0.3])
    assert astgrad.jvp(nested_arg, (p,), ([None, [t, None]],))[1] == pytest.approx(0.4 * np.sum(t * p[1][1]))
    assert astgrad.jvp(nested_arg, (p,), ([{"w": 1.0}, None],))[1] == pytest.approx(np.sum(p[1][0] * p[1][1]))


def test_jvp_takes_none_for_a_container_with_no_float():
    x, v = np.array([0.3, -0.8, 1.1, 0.4]), np.array([1.0, 0.5, -0.2, 0.1])
    expected = numerical_jvp(split_by_indices, (x, [1, 3]), (v, None))
    for cuts in ([1, 3], (1, 3)):
        assert_close(astgrad.jvp(split_by_indices, (x, cuts), (v, None))[1], expected, RTOL, ATOL)
        assert_close(astgrad.jvp(split_by_indices, (x, cuts), (v, (None, None)))[1], expected, RTOL, ATOL)
        assert astgrad.vjp(split_by_indices, x, cuts)[1](1.0)[1] is None
    table = {"n": 3, "m": [1, 2]}
    assert astgrad.jvp(weighted_by_table, (0.5, table), (1.0, None))[1] == pytest.approx(3 + 2 * 0.5 * 2)
    # a container holding a float has a derivative: None is not its tangent
    with pytest.raises(ValueError, match=r"tangent 1 is None, but primal 1 is a dict"):
        astgrad.jvp(weighted_by_table, (0.5, {"n": 3.0, "m": [1, 2]}), (1.0, None))
