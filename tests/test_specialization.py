"""Gradients specialized to their arguments' kinds: each version agrees with the general
code and with finite differences, is used only for its own kind of arguments, and the
number of versions is bounded."""

import math

import numpy as np
import pytest

import astgrad
from astgrad import argument_kinds, specialize
from astgrad.caching import reverse_derivative
from fd import assert_close, numerical_grad, numerical_jvp
from programs import elementwise as corpus_elementwise, rnn_loss


def elementwise(x):
    return np.sum(np.sin(x) ** 2 * np.exp(-x))


def broadcasting(x, b):
    y = np.tanh(x * b + b)
    return np.sum(y * y) + np.sum(x) * 0.5


def scalar_loop(x):
    s = 0.0
    for i in range(20):
        s = s + math.sin(x * i) * x / (1 + i)
    return s


def mlp(W1, b1, W2, X):
    h = np.tanh(X @ W1 + b1)
    diff = h @ W2 - 1.0
    return np.mean(diff ** 2)


def mixed(x, y):
    z = x * y + x
    w = z - y
    return np.sum(w * z / (1.0 + y * y))


rng = np.random.default_rng(7)

CASES = [
    (elementwise, (2.0,)),
    (elementwise, (np.array(0.7),)),
    (elementwise, (rng.normal(size=5),)),
    (elementwise, (rng.normal(size=(3, 1)),)),
    (broadcasting, (rng.normal(size=(3, 4)), rng.normal(size=4))),
    (broadcasting, (rng.normal(size=(3, 4)), rng.normal(size=(3, 1)))),
    (broadcasting, (rng.normal(size=(1, 4)), rng.normal(size=(3, 1)))),
    (broadcasting, (rng.normal(size=4), 1.5)),
    (broadcasting, (0.3, rng.normal(size=(2, 3)))),
    (broadcasting, (rng.normal(size=(1, 1)), rng.normal(size=(2, 3)))),
    (scalar_loop, (0.8,)),
    (scalar_loop, (np.array(0.8),)),
    (rnn_loss, (rng.normal(size=(4, 3)) * 0.5, rng.normal(size=(4, 4)) * 0.5, rng.normal(size=(5, 3)))),
    (rnn_loss, (rng.normal(size=(1, 3)) * 0.5, rng.normal(size=(1, 1)) * 0.5, rng.normal(size=(5, 3)))),
    (mlp, (rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2)), rng.normal(size=(6, 3)))),
    (mlp, (rng.normal(size=(3, 1)), rng.normal(size=1), rng.normal(size=(1, 1)), rng.normal(size=(6, 3)))),
    (mixed, (rng.normal(size=(2, 3)), rng.normal(size=3))),
    (mixed, (rng.normal(size=3), rng.normal(size=(2, 1)))),
    (mixed, (2.0, rng.normal(size=(2, 1)))),
]


def _ids(case):
    fn, args = case
    return fn.__name__ + "-" + "-".join(str(argument_kinds.kind_of(a)) for a in args)


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_specialized_matches_general_code_and_finite_differences(case):
    fn, args = case
    wrt = tuple(range(len(args)))
    g = astgrad.grad(fn, wrt)
    got = g(*args)
    general = reverse_derivative(fn, wrt, False)(*args)
    general = general if isinstance(general, tuple) else (general,)
    for position, x in enumerate(args):
        expected = numerical_grad(fn, tuple(args), wrt=position)
        assert np.shape(got[position]) == np.shape(x)
        assert_close(got[position], expected, rtol=1e-5, atol=1e-6)
        assert_close(got[position], np.broadcast_to(general[position], np.shape(x)), rtol=1e-12, atol=1e-12)
    # the code that ran was made for these kinds
    assert argument_kinds.signature(args) in g._versions.signatures()


def test_float32_keeps_its_dtype_and_matches_float64():
    x = rng.normal(size=(3, 4)).astype(np.float32)
    b = rng.normal(size=4).astype(np.float32)
    g = astgrad.grad(broadcasting, (0, 1))
    gx, gb = g(x, b)
    assert gx.dtype == np.float32 and gb.dtype == np.float32
    ex, eb = g(x.astype(np.float64), b.astype(np.float64))
    assert_close(gx, ex, rtol=1e-4, atol=1e-5)
    assert_close(gb, eb, rtol=1e-4, atol=1e-5)
    assert len(g._versions.signatures()) == 2


def test_a_version_is_never_used_for_other_kinds():
    g = astgrad.grad(broadcasting, (0, 1))
    first = g(rng.normal(size=(3, 4)), rng.normal(size=4))
    assert first[0].shape == (3, 4)
    # same ndim, but now b has a dimension of length 1: broadcasting sums over it
    x, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 1))
    gx, gb = g(x, b)
    assert gb.shape == (3, 1)
    assert_close(gb, numerical_grad(broadcasting, (x, b), wrt=1))
    assert len(g._versions.signatures()) == 2


def test_specialized_code_is_shorter_for_python_floats():
    g = astgrad.grad(scalar_loop)
    general = g.source
    g(0.5)
    special = g.source
    assert "unbroadcast" in general and "shape_of" in general
    assert "unbroadcast" not in special and "shape_of" not in special and "_stack" not in special
    assert g.source_for(np.ones(3)) != special


def test_specialized_code_frees_temporaries():
    g = astgrad.grad(elementwise)
    g(np.linspace(0.0, 1.0, 10))
    assert "del " in g.source and "del " not in g.plain.source


def test_the_number_of_versions_is_bounded(monkeypatch):
    monkeypatch.setattr(specialize, "MAX_VERSIONS", 2)
    g = astgrad.grad(elementwise)
    for shape in [(), (2,), (2, 3), (2, 3, 4), (1,)]:
        x = rng.normal(size=shape)
        assert_close(g(x), numerical_grad(elementwise, (x,)))
    assert len(g._versions.signatures()) == 2
    # beyond the bound, the general code runs and .source shows it
    assert g.source_for(rng.normal(size=(1,))) == g.plain.source


def test_argument_kinds_are_plain_values():
    kinds = argument_kinds.signature([1.0, 2, np.zeros((3, 1)), np.float32(1.0), np.zeros((), np.float32), [1.0]])
    assert kinds == ("float", "int", "<f8[n,1]", None, "<f4[]", "list")
    assert eval(repr(kinds)) == kinds and hash(kinds) == hash(tuple(kinds))
    assert argument_kinds.layout("<f8[n,1]") == (False, True)
    assert argument_kinds.is_scalar("<f4[]") and argument_kinds.is_scalar("float")


SCALE = 2.0


def scaled(x):
    return np.sum(x * x) * SCALE


def test_rebinding_a_global_is_noticed_by_specialized_code():
    global SCALE
    g = astgrad.grad(scaled)
    x = rng.normal(size=3)
    assert_close(g(x), 4.0 * x)
    try:
        SCALE = 3.0
        assert_close(g(x), 6.0 * x)
    finally:
        SCALE = 2.0


def powers(x, n):
    y = x ** n + n * x
    z = -y * y
    return np.sum(z * np.exp(-x)) / n


def test_buffers_reused_are_the_gradients_own_never_the_arguments():
    x = rng.normal(size=(4, 3))
    before = x.copy()
    g = astgrad.grad(elementwise)
    first = g(x)
    second = g(x)
    assert np.array_equal(x, before)                    # the arguments are never written
    assert np.array_equal(first, second) and first is not second
    assert "*=" in g.source                            # the version computes into dead temporaries


def chain(x, y):
    a = x * y
    b = np.sin(a) * 0.5 + x * 0.1
    c = b * y - a * 0.5
    d = np.tanh(c) * 0.5
    return np.sum(d * d)


def _count_shape_classes(monkeypatch):
    from astgrad.analysis import shapes
    made, find = [], shapes.ShapeClasses.__init__

    def counted(self, *args, **kwargs):
        made.append(self)
        find(self, *args, **kwargs)
    monkeypatch.setattr(shapes.ShapeClasses, "__init__", counted)
    return made


@pytest.mark.parametrize("shapes", [((5,), (5,)), ((3, 4), (3, 4)), ((3, 4), (4,))])
def test_buffer_reuse_asks_the_shape_classes_the_first_pass_found(monkeypatch, shapes):
    """Buffer reuse asks the shape classes found before the passes between (which keep what
    each name holds): for straight-line code they are found once, not again on the rewritten
    body, and the buffers reused give the gradient of finite differences in every mode."""
    made = _count_shape_classes(monkeypatch)
    x, y = rng.normal(size=shapes[0]), rng.normal(size=shapes[1])
    gradient = astgrad.grad(chain, (0, 1))
    got = gradient(x, y)
    assert len(made) == 1 and "*=" in gradient.source_for(x, y)
    expected = numerical_grad(chain, (x, y), wrt=(0, 1))
    assert_close(got, expected)
    value, again = astgrad.value_and_grad(chain, (0, 1))(x, y)
    assert_close(value, chain(x, y), rtol=1e-13, atol=1e-13)
    assert_close(again, expected)
    cotangent = rng.normal()
    assert_close(astgrad.vjp(chain, x, y)[1](cotangent), tuple(cotangent * e for e in expected))
    tx, ty = rng.normal(size=shapes[0]), rng.normal(size=shapes[1])
    assert_close(astgrad.jvp(chain, (x, y), (tx, ty))[1], numerical_jvp(chain, (x, y), (tx, ty)))
    step = rng.normal(size=shapes[0])          # the Hessian in x along a direction: of the gradient
    assert_close(astgrad.hvp(chain, 0)(x, y, step),
                 numerical_jvp(lambda u: astgrad.grad(chain)(u, y), (x,), (step,)), rtol=1e-5, atol=1e-6)


def test_a_buffer_only_the_first_shape_classes_prove_is_reused():
    """``z = np.log(1.0 + x * x) + ...``: once inlining wrote ``x * x`` into its read, the
    classes of the rewritten body no longer know the class of ``1.0 + x * x`` (for them a
    product of the parameter may repeat a list), nor so of the log; those found before the
    passes do: z computes into the log's buffer."""
    x = rng.normal(size=6)
    gradient = astgrad.grad(corpus_elementwise)
    assert_close(gradient(x), numerical_grad(corpus_elementwise, (x,)))
    assert "z += " in gradient.source_for(x)


def test_int_arguments_and_their_own_versions():
    x = rng.normal(size=5)
    g = astgrad.grad(powers)
    for n in (2, 3):
        assert_close(g(x, n), numerical_grad(powers, (x, n), wrt=0))
    assert_close(g(1.5, 2), numerical_grad(powers, (1.5, 2), wrt=0))
    assert set(g._versions.signatures()) == {("<f8[n]", "int"), ("float", "int")}


def test_the_quick_call_path_answers_like_a_call_by_keyword():
    """Arguments that are all Python numbers or real arrays skip binding and the checks
    of functions, lists and complex values: the result is the one a call by keyword
    (the slow path) gives, with the same dtypes, and what must still fail fails."""
    rng = np.random.default_rng(3)
    x, b = rng.normal(size=(3, 4)), rng.normal(size=4)
    g = astgrad.grad(broadcasting, (0, 1))
    for args in [(x, b), (x.astype(np.float32), b.astype(np.float32)), (x, 0.5), (2.0, b)]:
        quick, slow = g(*args), g(x=args[0], b=args[1])
        for q, s, a in zip(quick, slow, args):
            assert type(q) is type(s) and np.shape(q) == np.shape(a)
            assert np.asarray(q).dtype == np.asarray(s).dtype
            np.testing.assert_array_equal(q, s)
    assert_close(g(x, b)[0], numerical_grad(lambda v: broadcasting(v, b), x))
    with pytest.raises(TypeError, match="complex"):
        g(x + 1j, b)
    with pytest.raises(ValueError, match="scalar"):
        astgrad.grad(lambda v: v * 2.0)(x)


def accumulates_a_buffer_into_a_name_it_reads(x0, x1):
    v1 = x1 + x1
    v3 = v1 ** 2
    v4 = x1 + v3
    return np.sum(v4) + np.sum(np.sin(x0))


def test_a_reused_buffer_never_overwrites_a_name_the_update_still_reads():
    """``d_x1 = d_x1 + d_v1 + d_v1`` with d_v1 dead: computing into d_v1's memory must
    not rebind d_x1 before the update reads its old value (found by hypothesis)."""
    x0, x1 = np.array([0.41, -0.69, -1.38]), np.array([-1.45, 0.94, 1.24])
    gradient = astgrad.grad(accumulates_a_buffer_into_a_name_it_reads, wrt=(0, 1))
    for _ in range(2):                          # the general code, then the specialized version
        got = gradient(x0, x1)
        assert_close(got[1], 1.0 + 8.0 * x1)
        assert_close(got, numerical_grad(accumulates_a_buffer_into_a_name_it_reads, (x0, x1), wrt=(0, 1)))


def mean_in_a_while_loop(x0, x1, n):
    v0 = x1 * 1.0
    i = 0
    while np.sum(v0) < 0.0 and i < n:
        i = i + 1
        v2 = x0 * 0.5 + x1
        v0 = v0 * 0.5 + np.mean(v2)
    return np.sum(v0)


def test_the_size_of_a_value_restored_as_its_shape():
    """The specialized code divides by ``v2.size`` for the mean's adjoint, where the loop's
    reverse sweep restores v2 as its shape alone (ShapeInfo had no size: AttributeError;
    found by random programs)."""
    args = (np.array(-1.15), np.array([-1.03, 0.89, -1.44]), 3)
    gradient = astgrad.grad(mean_in_a_while_loop, (0, 1))
    assert ".size" in gradient.source_for(*args)
    assert_close(gradient(*args), numerical_grad(mean_in_a_while_loop, args, wrt=(0, 1)))


MASK = np.array([True, False, True, True])


def mean_under_a_mask_and_kept_dims(x):
    return np.mean(x ** 2, where=MASK) + np.mean(x * 3.0, keepdims=True)[0]


def test_the_count_of_a_mean_is_a_size_only_without_a_mask():
    # keepdims=True counts every element (x.size); where= counts the mask's elements
    x = np.array([0.3, -0.5, 0.9, 1.2])
    gradient = astgrad.grad(mean_under_a_mask_and_kept_dims)
    got = gradient(x)
    assert_close(got, numerical_grad(mean_under_a_mask_and_kept_dims, x))
    code = gradient.source_for(x)
    assert "x.size" in code and "repeat_count(t, None, False, MASK_1)" in code     # MASK_1 = MASK, read once
