"""The tape's bool and integer tensors, ``kthvalue`` and ``index_select``'s refusals, as
PyTorch 2.13.0 (CPU) does them: subtraction with a bool tensor is refused, functions that
give floats take integral tensors to the default floating dtype, mixed dtypes promote by
category (``int64 * float32`` is float32), ``kthvalue`` picks the k-th smallest with its
derivative at the index it names (checked against central differences). The expected
dtypes, values and errors below were observed with torch 2.13.0+cpu.
"""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad

MASK = "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."


@pytest.mark.parametrize("expression", ["1 - m", "m - 1", "m - 1.0", "1.0 - m", "m - i", "i - m", "f - m",
                                        "m - f", "True - f", "f - True", "-m", "m - m"])
def test_subtraction_with_a_bool_tensor_is_refused(expression):
    m, i, f = astgrad.tensor([True, False]), astgrad.tensor([1, 2]), astgrad.tensor([1.5, 2.0])
    words = {"-m": "Negation, the `-` operator, on a bool tensor is not supported. " + MASK,
             "m - m": "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                      "`logical_xor()` operator instead."}
    expected = words.get(expression, "Subtraction, the `-` operator, with a bool tensor is not supported. " + MASK)
    with pytest.raises(RuntimeError) as caught:
        eval(expression)
    assert str(caught.value) == expected


# expression: PyTorch's result dtype with the default dtype float64, and with float32
# (m bool, i int64, b int8, f float32 tensors; z a 0-d float32 tensor)
PROMOTIONS = {
    "m.exp()": ("float64", "float32"), "astgrad.log(m)": ("float64", "float32"), "m.sin()": ("float64", "float32"),
    "m.sqrt()": ("float64", "float32"), "astgrad.sigmoid(m)": ("float64", "float32"), "m.tanh()": ("float64", "float32"),
    "b.exp()": ("float64", "float32"), "i.sin()": ("float64", "float32"), "b.log1p()": ("float64", "float32"),
    "i.rsqrt()": ("float64", "float32"), "m.atan()": ("float64", "float32"), "b.exp2()": ("float64", "float32"),
    "m * 1.5": ("float64", "float32"), "b * 1.5": ("float64", "float32"), "i / i": ("float64", "float32"),
    "m / m": ("float64", "float32"), "b / 2": ("float64", "float32"), "m ** 0.5": ("float64", "float32"),
    "m * f": ("float32", "float32"), "i * f": ("float32", "float32"), "f / i": ("float32", "float32"),
    "i * z": ("float32", "float32"), "i ** f": ("float32", "float32"),
    "m + m": ("bool", "bool"), "m * m": ("bool", "bool"), "m + 1": ("int64", "int64"), "m ** 2": ("int64", "int64"),
    "b + m": ("int8", "int8"), "b * 2": ("int8", "int8"),
    "astgrad.atan2(m, m)": ("float64", "float32"), "astgrad.logsumexp(i, 0)": ("float64", "float32"),
    "astgrad.maximum(i, f)": ("float32", "float32"), "astgrad.where(m, i, f)": ("float32", "float32"),
    "astgrad.where(m, i, 1.5)": ("float64", "float32"), "astgrad.remainder(i, 1.5)": ("float64", "float32"),
    "astgrad.outer(i, f)": ("float32", "float32"), "i // f": ("float32", "float32"),
    "astgrad.clamp(i, min=0.5)": ("float64", "float32"), "i.clamp(max=2)": ("int64", "int64"),
}


@pytest.mark.parametrize("column", [0, 1])
def test_integral_tensors_promote_as_in_pytorch(column):
    previous = astgrad.get_default_dtype()
    astgrad.set_default_dtype((astgrad.float64, astgrad.float32)[column])
    try:
        m, i = astgrad.tensor([True, False, True]), astgrad.tensor([1, 2, 3])
        b, f = astgrad.tensor([1, 2, 3], dtype=astgrad.int8), astgrad.tensor([0.5, 2.0, 4.0], dtype=astgrad.float32)
        z = astgrad.tensor(2.0, dtype=astgrad.float32)
        with np.errstate(divide="ignore", invalid="ignore"):      # log(False), False / False
            names = {"astgrad": astgrad, "m": m, "i": i, "b": b, "f": f, "z": z}
            got = {expression: str(eval(expression, names).dtype) for expression in PROMOTIONS}
        assert got == {expression: "astgrad." + dtypes[column] for expression, dtypes in PROMOTIONS.items()}
        assert_close(m.exp().numpy(), np.exp([1.0, 0.0, 1.0]), rtol=1e-6)
        assert_close(astgrad.sigmoid(b).numpy(), 1 / (1 + np.exp(-np.array([1.0, 2.0, 3.0]))), rtol=1e-6)
    finally:
        astgrad.set_default_dtype(previous)


def test_an_integer_times_a_float32_tensor_differentiates_in_float32():
    f = astgrad.tensor([0.5, 2.0], dtype=astgrad.float32, requires_grad=True)
    y = f * astgrad.tensor([3, 4])
    (g,) = astgrad.autograd.grad(y.sum(), f)
    assert y.dtype == astgrad.float32 and g.dtype == astgrad.float32 and g.tolist() == [3.0, 4.0]


def test_kthvalue_values_and_indices():
    x = astgrad.tensor([[3.0, 1.0, 2.0, 1.0], [0.0, 5.0, 4.0, -1.0]], requires_grad=True)
    r = astgrad.kthvalue(x, 2)
    assert type(r).__name__ == "kthvalue" and type(r.values.grad_fn).__name__ == "KthvalueBackward0"
    assert r.values.tolist() == [1.0, 0.0] and r.indices.tolist() == [3, 0] and r.indices.dtype == astgrad.int64
    r = x.kthvalue(2, dim=0, keepdim=True)
    assert r.values.tolist() == [[3.0, 5.0, 4.0, 1.0]] and r.indices.tolist() == [[0, 1, 1, 0]]
    r = x.kthvalue(3, 1, True)
    assert r.values.tolist() == [[2.0], [4.0]] and r.indices.tolist() == [[2], [2]]
    r = astgrad.tensor(4.0).kthvalue(1)
    assert r.values.tolist() == 4.0 and r.indices.tolist() == 0
    r = astgrad.tensor([3, 1, 2]).kthvalue(2)
    assert (r.values.tolist(), r.values.dtype, r.indices.tolist()) == (2, astgrad.int64, 2)
    r = astgrad.tensor([float("nan"), 1.0, 2.0]).kthvalue(3)     # NaN is the largest
    assert np.isnan(r.values.item()) and r.indices.item() == 0
    assert astgrad.zeros(2, 0).kthvalue(1, dim=0).values.shape == (0,)


@pytest.mark.parametrize("k, dim, keepdim", [(1, -1, False), (3, 0, True), (2, 1, False)])
def test_kthvalue_derivative_against_central_differences(k, dim, keepdim):
    rng = np.random.default_rng(67 + k)
    a = rng.standard_normal((3, 4))
    w = rng.standard_normal(np.shape(np.take(a, 0, axis=dim)) if not keepdim else
                            np.shape(np.take(a, [0], axis=dim)))
    scalar = lambda v: float(np.sum(w * astgrad.tensor(v).kthvalue(k, dim, keepdim).values.numpy()))  # noqa: E731
    x = astgrad.tensor(a, requires_grad=True)
    (g,) = astgrad.autograd.grad((x.kthvalue(k, dim, keepdim).values * astgrad.tensor(w)).sum(), x)
    assert_close(g.numpy(), numerical_grad(scalar, (a,), wrt=0), rtol=1e-6, atol=1e-8)
    assert np.count_nonzero(g.numpy()) == w.size        # all to the one element picked, as PyTorch's


@pytest.mark.parametrize("call, error, words", [
    (lambda x, s: x.kthvalue(0), RuntimeError, "kthvalue(): selected number k out of range for dimension 1"),
    (lambda x, s: x.kthvalue(5), RuntimeError, "kthvalue(): selected number k out of range for dimension 1"),
    (lambda x, s: x.kthvalue(-1), RuntimeError, "kthvalue(): selected number k out of range for dimension 1"),
    (lambda x, s: x.kthvalue(3, 0), RuntimeError, "kthvalue(): selected number k out of range for dimension 0"),
    (lambda x, s: s.kthvalue(2), RuntimeError, "kthvalue(): selected number k out of range for dimension 0"),
    (lambda x, s: x.kthvalue(1, dim=2), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    (lambda x, s: x.kthvalue(1.5), TypeError, "kthvalue(): argument 'k' (position 1) must be int, not float"),
    (lambda x, s: astgrad.tensor([True]).kthvalue(1), NotImplementedError, "\"kthvalue_cpu\" not implemented for 'Bool'"),
    (lambda x, s: astgrad.zeros(0, 3).kthvalue(1, dim=0), IndexError,
     "kthvalue(): Expected reduction dim 0 to have non-zero size."),
])
def test_kthvalue_refusals(call, error, words):
    x, s = astgrad.tensor([[3.0, 1.0, 2.0, 1.0], [0.0, 5.0, 5.0, -1.0]]), astgrad.tensor(4.0)
    with pytest.raises(error) as caught:
        call(x, s)
    assert str(caught.value) == words


OUT_OF_RANGE = "index out of range in self"


@pytest.mark.parametrize("dim, index, error, words", [
    (0, [-1], IndexError, OUT_OF_RANGE), (0, [0, 2], IndexError, OUT_OF_RANGE), (2, [1, 7, 9], IndexError, OUT_OF_RANGE),
    (-1, [4], IndexError, OUT_OF_RANGE),
    (1, [0, -1, 5], RuntimeError, "INDICES element is out of DATA bounds, id=-1 axis_dim=3"),
    (-2, [3], RuntimeError, "INDICES element is out of DATA bounds, id=3 axis_dim=3"),
    (3, [0], IndexError, "Dimension out of range (expected to be in range of [-3, 2], but got 3)"),
    ("a", [0], TypeError, "index_select(): argument 'dim' (position 1) must be int, not str"),
    (0, 0, TypeError, "index_select(): argument 'index' (position 2) must be Tensor, not int"),
    (0, [[0]], IndexError, "index_select(): Index is supposed to be a vector"),
])
def test_index_select_refusals(dim, index, error, words):
    x = astgrad.arange(24.0).reshape(2, 3, 4)
    with pytest.raises(error) as caught:
        x.index_select(dim, astgrad.tensor(index) if isinstance(index, list) else index)
    assert str(caught.value) == words


def test_index_select_of_a_0d_tensor():
    s = astgrad.tensor(5.0, requires_grad=True)
    y = s.index_select(0, astgrad.tensor([0]))
    assert y.shape == () and astgrad.autograd.grad(y * 3, s)[0].item() == 3.0
    with pytest.raises(RuntimeError, match=r"Index to scalar can have only 1 value, got 2 value\(s\)"):
        s.index_select(0, astgrad.tensor([0, 0]))
    with pytest.raises(IndexError, match=OUT_OF_RANGE):
        s.index_select(0, astgrad.tensor([1]))
    with pytest.raises(TypeError, match="argument 'index' \\(position 2\\) must be Tensor, not list"):
        s.index_select(0, [0])
