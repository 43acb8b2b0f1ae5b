"""The tape's reductions at positions, as PyTorch has them: ``scatter_reduce`` (sum,
prod, mean, amax, amin; with and without the tensor's own value), ``scatter`` with
``reduce="add"``/``"multiply"``, ``masked_scatter``, their in-place forms, and
``index_put``'s dtype check. Gradients against finite differences (first and second
order), PyTorch's rules for ties and zeros, and against torch where it is installed."""

import itertools

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad

T = astgrad.tensor
INDEX = np.array([[0, 1, 0, 1], [2, 2, 0, 0]])      # repeated positions, and one left alone
WEIGHTS = np.arange(1.0, 7.0).reshape(2, 3)


def _reduced(reduce, include_self, lib=astgrad):
    def f(own, src):
        out = own.scatter_reduce(1, lib.tensor(INDEX), src, reduce, include_self=include_self)
        return (out * lib.tensor(WEIGHTS)).sum()
    return f


def _on_arrays(f):
    return lambda *arrays: float(f(*[T(a) for a in arrays]).detach().numpy())


@pytest.mark.parametrize("reduce, include_self", itertools.product(["sum", "prod", "mean", "amax", "amin"],
                                                                   [True, False]))
def test_scatter_reduce_matches_finite_differences(reduce, include_self):
    rng = np.random.default_rng(3)
    own, src = rng.normal(size=(2, 3)), rng.normal(size=(2, 4))
    src[1, 3] = 0.0 if reduce == "prod" else src[1, 3]      # a zero in a product: the others' product
    f = _reduced(reduce, include_self)
    tensors = [T(own, requires_grad=True), T(src, requires_grad=True)]
    reduced = tensors[0].scatter_reduce(1, T(INDEX), tensors[1], reduce, include_self=include_self)
    assert reduced.grad_fn.name() == "ScatterReduceBackward0"
    grads = astgrad.autograd.grad(f(*tensors), tensors)
    for position, gradient in enumerate(grads):
        assert_close(gradient.numpy(), numerical_grad(_on_arrays(f), (own, src), wrt=position))


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax"])
def test_scatter_reduce_second_order(reduce):
    rng = np.random.default_rng(5)
    own, src = rng.normal(size=(2, 3)), rng.normal(size=(2, 4))
    f = _reduced(reduce, True)

    def squared_gradient(own, src):
        tensors = [T(own, requires_grad=True), T(src, requires_grad=True)]
        g_own, g_src = astgrad.autograd.grad(f(*tensors) ** 2, tensors, create_graph=True)
        return (g_own * g_own).sum() + (g_src * g_src).sum(), tensors

    total, tensors = squared_gradient(own, src)
    second = astgrad.autograd.grad(total, tensors)
    for position, gradient in enumerate(second):
        expected = numerical_grad(lambda *a: float(squared_gradient(*a)[0].detach().numpy()), (own, src),
                                  wrt=position)
        assert_close(gradient.numpy(), expected, rtol=1e-4, atol=1e-5)


def _grads(reduce, include_self, own, src, index):
    own, src = T(own, requires_grad=True), T(src, requires_grad=True)
    out = own.scatter_reduce(0, T(index), src, reduce, include_self=include_self)
    return out.detach().numpy(), *(g.numpy() for g in astgrad.autograd.grad(out.sum(), (own, src)))


def test_ties_share_the_gradient_and_a_product_with_zeros_is_the_others_product():
    index = np.array([0, 0, 0])
    out, g_own, g_src = _grads("amax", True, [1.0], [1.0, 0.5, 1.0], index)
    assert out.tolist() == [1.0] and g_own.tolist() == [1 / 3] and g_src.tolist() == [1 / 3, 0.0, 1 / 3]
    # the tensor's own value takes no part, yet PyTorch counts it among the ties (its share is lost)
    out, g_own, g_src = _grads("amin", False, [1.0], [1.0, 2.0, 1.0], index)
    assert out.tolist() == [1.0] and g_own.tolist() == [0.0] and g_src.tolist() == [1 / 3, 0.0, 1 / 3]
    out, g_own, g_src = _grads("prod", True, [2.0], [0.0, 3.0, 4.0], index)
    assert out.tolist() == [0.0] and g_own.tolist() == [0.0] and g_src.tolist() == [24.0, 0.0, 0.0]
    out, g_own, g_src = _grads("prod", True, [2.0], [0.0, 3.0, 0.0], index)
    assert g_own.tolist() == [0.0] and g_src.tolist() == [0.0, 0.0, 0.0]


def test_scatter_with_reduce_masked_scatter_and_in_place_forms():
    own = T([1.0, 2.0, 3.0], requires_grad=True)
    src = T([2.0, 3.0, 4.0], requires_grad=True)
    added = own.scatter(0, T([0, 0, 2]), src, reduce="add")
    assert added.tolist() == [6.0, 2.0, 7.0] and added.grad_fn.name() == "ScatterReduceBackward0"
    assert own.scatter(0, T([0, 0, 2]), value=2.0, reduce="multiply").tolist() == [4.0, 2.0, 6.0]
    b = own * 1.0
    b.scatter_reduce_(0, T([0, 0, 2]), src, "prod")
    assert b.tolist() == [6.0, 2.0, 12.0] and b.grad_fn.name() == "ScatterReduceBackward0"
    mask = T([[True, False, True], [False, True, False]])
    source = np.array([[7.0, 8.0], [9.0, 10.0]])

    def scattered(a, s):
        c = a * 1.0
        c.masked_scatter_(mask, s)
        return (c * T(WEIGHTS) * c).sum()

    a = np.arange(6.0).reshape(2, 3)
    tensors = [T(a, requires_grad=True), T(source, requires_grad=True)]
    assert T(a).masked_scatter(mask, T(source)).tolist() == [[7.0, 1.0, 8.0], [3.0, 9.0, 5.0]]
    assert T(a, requires_grad=True).masked_scatter(mask, T(source)).grad_fn.name() == "MaskedScatterBackward0"
    for position, gradient in enumerate(astgrad.autograd.grad(scattered(*tensors), tensors)):
        assert_close(gradient.numpy(), numerical_grad(_on_arrays(scattered), (a, source), wrt=position))


@pytest.mark.parametrize("call, message", [
    (lambda: T([1.0]).scatter(0, T([0]), T([1.0]), reduce="sum"), "reduce argument must be either add or multiply."),
    (lambda: T([1.0]).scatter_reduce(0, T([0]), T([1.0]), "max"),
     "reduce argument must be either sum, prod, mean, amax or amin, got max"),
    (lambda: T([1.0]).scatter_reduce(0, T([0]), T([1.0], dtype=astgrad.float32), "sum"),
     "scatter(): Expected self.dtype to be equal to src.dtype"),
    (lambda: T([1.0]).scatter_reduce(0, T([3]), T([1.0]), "sum"), "index 3 is out of bounds for dimension 0 with size 1"),
    (lambda: T([0.0, 0.0]).masked_scatter(T([True, True]), T([5.0])),
     "Number of elements of source < number of ones in mask"),
    (lambda: T([0.0]).masked_scatter(T([1]), T([5.0])),
     "masked_scatter_ only supports boolean masks, but got mask with dtype Long"),
    (lambda: T([0.0]).masked_scatter(T([True]), T([5.0], dtype=astgrad.float32)),
     "masked_scatter: expected self and source to have same dtypes but gotDouble and Float"),
    (lambda: T([0.0], dtype=astgrad.float32).index_put_((T([0]),), T([1.0])),
     "Index put requires the source and destination dtypes match, got Float for the destination and Double for "
     "the source."),
    (lambda: T([0.0], dtype=astgrad.float32).index_put((T([0]),), T([1.0]), accumulate=True), "Index put requires"),
    (lambda: T([0.0], dtype=astgrad.float32).__setitem__([0], T([1.0])), "Index put requires"),
], ids=["scatter-reduce", "scatter_reduce-reduce", "dtype", "bounds", "few", "int-mask", "masked-dtype",
        "index_put_", "index_put", "setitem"])
def test_bad_input_gets_pytorchs_error(call, message):
    with pytest.raises(RuntimeError) as caught:
        call()
    assert str(caught.value).startswith(message)


def test_a_basic_index_still_casts():
    t = T([0.0, 0.0], dtype=astgrad.float32)
    t[0:1] = T([1.5])                   # a slice copies with a cast, as PyTorch's does
    assert t.tolist() == [1.5, 0.0] and t.dtype == astgrad.float32


def test_values_and_gradients_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    cases = [(rng.normal(size=(2, 3)), rng.normal(size=(2, 4))),
             (np.array([[1.0, 0.0, 2.0], [3.0, 3.0, 0.0]]), np.array([[0.0, 2.0, 3.0, 2.0], [3.0, 0.0, 0.0, 3.0]]))]
    for (own, src), reduce, include_self in itertools.product(cases, ["sum", "prod", "mean", "amax", "amin"],
                                                              [True, False]):
        results = []
        for lib in (astgrad, torch):
            tensors = [lib.tensor(own, requires_grad=True), lib.tensor(src, requires_grad=True)]
            out = tensors[0].scatter_reduce(1, lib.tensor(INDEX), tensors[1], reduce, include_self=include_self)
            grads = lib.autograd.grad((out * lib.tensor(WEIGHTS)).sum(), tensors)
            results.append([out.detach().numpy(), *(g.numpy() for g in grads)])
        for ours, theirs in zip(*results):
            assert_close(ours, theirs, msg=f"{reduce} include_self={include_self}")
