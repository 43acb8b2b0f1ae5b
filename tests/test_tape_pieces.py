"""The tape's PyTorch methods that take pieces of a tensor or order it (select, narrow,
unbind, diagonal, contiguous, movedim, unflatten, view_as, sort, topk, msort, argsort),
and chains of the methods PyTorch code uses most (scatter, flip, roll, masked_fill, repeat,
expand, indexing with tensors, index_select, where; std, var, logsumexp, prod, cumsum,
norm, softmax): values as PyTorch defines them, first derivatives against central finite differences and
second derivatives (through create_graph=True) against finite differences of the first;
their refusals of bad input; and what asking a tensor for a method it lacks says.
"""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp

RNG = np.random.default_rng(59)
X = RNG.standard_normal((3, 4, 5))

# the method on a tensor, the same values computed by NumPy on an array
_PIECES = [
    (lambda x: x.select(1, -2), lambda a: a[:, -2]),
    (lambda x: x.narrow(2, -4, 3), lambda a: a[:, :, 1:4]),
    (lambda x: astgrad.stack([p * (k + 1) for k, p in enumerate(x.unbind(2))]),
     lambda a: np.stack([a[:, :, k] * (k + 1) for k in range(5)])),
    (lambda x: x.diagonal(1, -1, 0), lambda a: np.diagonal(a, 1, 2, 0)),
    (lambda x: astgrad.diagonal(astgrad.narrow(astgrad.select(x, 0, 1), 1, 1, 3)), lambda a: np.diagonal(a[1][:, 1:4])),
    (lambda x: x.transpose(0, 2).contiguous().view(-1), lambda a: a.transpose(2, 1, 0).ravel()),
    (lambda x: x.movedim((0, 2), (2, 0)), lambda a: np.moveaxis(a, (0, 2), (2, 0))),
    (lambda x: x.unflatten(2, (-1, 1)).view_as(x), lambda a: a),
]
_ORDER = [
    (lambda x: x.sort(dim=1, descending=True).values, lambda a: -np.sort(-a, axis=1)),
    (lambda x: astgrad.topk(x, 2, dim=0, largest=False)[0], lambda a: np.sort(a, axis=0)[:2]),
    (lambda x: x.msort(), lambda a: np.sort(a, axis=0)),
]


def _joined(table):
    """One program of all the rows of ``table``: their results, flattened and joined."""
    return (lambda x: astgrad.cat([method(x).reshape(-1) for method, _ in table]),
            lambda a: np.concatenate([np.ravel(reference(a)) for _, reference in table]))


PIECES = {"pieces": _joined(_PIECES), "order": _joined(_ORDER)}

# the methods PyTorch code reaches for most, chained: one program for each family
MASK, KEEP = X > 0.5, RNG.standard_normal((2, 2, 8, 3)) > 0
PERM = np.argsort(RNG.standard_normal(X.shape), axis=0)


def _scattered(a):
    out = np.zeros(X.shape)
    np.put_along_axis(out, PERM, a, 0)
    return out


def _lse(a, axis):
    return np.log(np.sum(np.exp(a), axis=axis))


PIECES["layout_chain"] = (
    lambda x: (astgrad.zeros(3, 4, 5).scatter(0, astgrad.tensor(PERM), x).flip(0).roll(1, 2)
               .masked_fill(astgrad.tensor(MASK), 0.5).repeat(1, 2, 1).expand(2, 3, 8, 5)
               [:, astgrad.tensor([2, 0])].index_select(3, astgrad.tensor([1, 3, 3]))
               .where(astgrad.tensor(KEEP), -1.0)),
    lambda a: np.where(KEEP, np.broadcast_to(np.tile(np.where(MASK, 0.5, np.roll(np.flip(_scattered(a), 0), 1, 2)),
                                                     (1, 2, 1)), (2, 3, 8, 5))[:, [2, 0]][..., [1, 3, 3]], -1.0))
PIECES["reduction_chain"] = (
    lambda x: astgrad.stack([x.std(dim=1, unbiased=False), x.var(1), x.logsumexp(1), x.prod(1),
                             x.cumsum(dim=1)[:, -1], x.norm(dim=1), x.softmax(1)[:, 0], x.T.sum(1).T]),
    lambda a: np.stack([np.std(a, 1), np.var(a, 1, ddof=1), _lse(a, 1), np.prod(a, 1), np.sum(a, 1),
                        np.linalg.norm(a, axis=1), np.exp(a[:, 0] - _lse(a, 1)), np.sum(a, 1)]))

# PyTorch's module functions that are no tensor method: broadcast_to, std_mean, var_mean
PIECES["module_functions"] = (
    lambda x: astgrad.cat([p.reshape(-1) for p in (*astgrad.std_mean(x, 1, correction=0),
                                                   *astgrad.var_mean(x, (0, 2), keepdim=True),
                                                   astgrad.broadcast_to(x[:, :1], (2, 3, -1, 5)))]),
    lambda a: np.concatenate([np.ravel(p) for p in (np.std(a, 1), np.mean(a, 1),
                                                    np.var(a, (0, 2), ddof=1, keepdims=True),
                                                    np.mean(a, (0, 2), keepdims=True),
                                                    np.broadcast_to(a[:, :1], (2, 3, 1, 5)))]))


def _loss(f, x, w):
    return (astgrad.sin(f(x)) * w).sum()


def _gradient(f, a, w):
    x = astgrad.tensor(a, requires_grad=True)
    return astgrad.autograd.grad(_loss(f, x, w), x)[0].numpy()


@pytest.mark.parametrize("name", sorted(PIECES))
def test_piece_values_and_derivatives_to_second_order(name):
    method, reference = PIECES[name]
    x = astgrad.tensor(X, requires_grad=True)
    assert_close(method(x).detach().numpy(), reference(X), 1e-13, 1e-13)
    w = RNG.standard_normal(reference(X).shape)
    (g,) = astgrad.autograd.grad(_loss(method, x, w), x, create_graph=True)
    expected = numerical_grad(lambda a: float(np.sum(np.sin(reference(a)) * w)), (X,))
    assert_close(g.detach().numpy(), expected, 1e-6, 1e-7)
    v = RNG.standard_normal(X.shape)
    (hv,) = astgrad.autograd.grad((g * astgrad.tensor(v)).sum(), x)
    assert_close(hv.numpy(), numerical_jvp(lambda a: _gradient(method, a, w), (X,), (v,)), 1e-5, 1e-6)


def test_pieces_are_views_as_in_pytorch():
    x = astgrad.tensor(X, requires_grad=True)
    y = x * 1.0
    y.select(0, 1).narrow(0, 0, 2).diagonal().mul_(3.0)     # written through into y
    expected = X.copy()
    for k in range(2):
        expected[1, k, k] *= 3.0
    assert_close(y.detach().numpy(), expected, 0, 0)
    (g,) = astgrad.autograd.grad(y.sum(), x)
    assert_close(g.numpy(), expected / X, 1e-12, 1e-12)
    assert x.contiguous() is x and x.is_contiguous()
    with pytest.raises(RuntimeError, match="Output 1 of Unbind is a view and is being modified inplace"):
        y.unbind(1)[1].add_(1.0)


def test_sort_keeps_ties_in_order_and_gives_indices():
    x = astgrad.tensor([[2.0, 1.0, 2.0, np.nan, 0.5]], requires_grad=True)
    values, indices = x.sort(descending=True)
    assert indices.tolist() == [[3, 0, 2, 1, 4]] and not indices.requires_grad
    assert np.array_equal(values.detach().numpy(), [[np.nan, 2.0, 2.0, 1.0, 0.5]], equal_nan=True)
    assert x.argsort(dim=1).tolist() == [[4, 1, 0, 2, 3]]
    assert x.topk(2).indices.tolist() == [[3, 0]]
    (g,) = astgrad.autograd.grad((values[:, 1:] * astgrad.tensor([[1.0, 2.0, 3.0, 4.0]])).sum(), x)
    assert g.tolist() == [[1.0, 3.0, 2.0, 0.0, 4.0]]


@pytest.mark.parametrize("call, error, message", [
    (lambda x: x.select(2, 5), IndexError, r"select\(\): index 5 out of range for tensor of size \[3, 4, 5\] "
                                           r"at dimension 2"),
    (lambda x: x.select(3, 0), IndexError, r"Dimension out of range \(expected to be in range of \[-3, 2\]"),
    (lambda x: x.narrow(1, 2, 3), RuntimeError, r"start \(2\) \+ length \(3\) exceeds dimension size \(4\)"),
    (lambda x: x.narrow(1, -5, 1), IndexError, r"start out of range \(expected to be in range of \[-4, 4\]"),
    (lambda x: x.sum().narrow(0, 0, 1), RuntimeError, r"narrow\(\) cannot be applied to a 0-dim tensor"),
    (lambda x: x.diagonal(0, 1, -2), RuntimeError, r"diagonal dimensions cannot be identical 1, -2"),
    (lambda x: x[0, 0].diagonal(), IndexError, r"Dimension out of range"),
    (lambda x: x.topk(6), RuntimeError, r"selected index k out of range"),
    (lambda x: x.movedim(0, (1, 2)), RuntimeError, r"movedim: Invalid source or destination dims"),
    (lambda x: x.unflatten(1, (3, 2)), RuntimeError, r"unflatten: Provided sizes \[3, 2\] don't multiply up"),
    (lambda x: x[0].detach_(), RuntimeError, r"Can't detach views in-place"),
    # methods that were there before, whose bad input NumPy or Python reported from inside astgrad
    (lambda x: x.squeeze(5), IndexError, r"Dimension out of range \(expected to be in range of \[-3, 2\], but got 5\)"),
    (lambda x: x.chunk(2, dim=-4), IndexError, r"Dimension out of range .* but got -4\)"),
    (lambda x: x.argmax(3), IndexError, r"Dimension out of range .* but got 3\)"),
    (lambda x: x.type_as(X), TypeError, r"type_as\(\): argument 'other' \(position 1\) must be Tensor, not ndarray"),
    (lambda x: x[astgrad.tensor([0.0])], IndexError, r"tensors used as indices must be long, int, byte or bool"),
    (lambda x: x.max("a"), TypeError, r"max\(\): argument 'dim' must be int or tuple of ints, not str"),
    (lambda x: x.sum((0, 1.5)), TypeError, r"sum\(\): argument 'dim' must be int or tuple of ints, not float"),
    (lambda x: x.clamp(min="a"), TypeError, r"clamp\(\): argument 'min' must be Number or Tensor, not str"),
    (lambda x: (x * 1).clamp_(0, [1]), TypeError, r"clamp_\(\): argument 'max' must be Number or Tensor, not list"),
    (lambda x: astgrad.std_mean(X), TypeError, r"std_mean\(\): argument 'input' \(position 1\) must be Tensor"),
])
def test_bad_arguments_raise_pytorchs_errors(call, error, message):
    with pytest.raises(error, match=message):
        call(astgrad.tensor(X, requires_grad=True))


def test_std_and_var_take_pytorchs_unbiased_as_first_argument():
    x = astgrad.tensor(X)
    assert_close(x.std(False).item(), np.std(X), 1e-14, 0)
    assert_close(x.var(True).item(), np.var(X, ddof=1), 1e-14, 0)
    spread, mean = astgrad.var_mean(x, False)
    assert_close([spread.item(), mean.item()], [np.var(X), np.mean(X)], 1e-14, 1e-15)
    x.requires_grad_()
    assert [t.grad_fn.name() for t in astgrad.std_mean(x, 1)] == ["StdMeanBackward0"] * 2


def _truncated(w, h0, cut, create_graph=False):
    """d loss / d w of a recurrence h = tanh(h * w + x) whose h ``cut(t, h)`` detaches
    after every second step (PyTorch's truncated backpropagation through time)."""
    h, loss = astgrad.tensor(h0), 0.0
    for t, x in enumerate(X[0]):
        h = (h * w + astgrad.tensor(x)).tanh()
        loss = loss + (h * astgrad.tensor(X[1, 1])).sum()   # h * h would save h: PyTorch refuses
        if t % 2 == 1:
            h = cut(t, h)
    return astgrad.autograd.grad(loss, w, create_graph=create_graph)[0]


def _truncated_numpy(w, h0, frozen):
    """The same loss in NumPy, the detached h being the constants ``frozen`` (none: uncut)."""
    h, loss = h0, 0.0
    for t, x in enumerate(X[0]):
        h = np.tanh(h * w + x)
        loss = loss + np.sum(h * X[1, 1])
        h = frozen.get(t, h)
    return loss


def test_detach_in_place_keeps_earlier_paths_to_second_order():
    w0, h0 = X[1, 0], X[2, 0]
    frozen = {}
    h = h0
    for t, x in enumerate(X[0]):
        h = np.tanh(h * w0 + x)
        if t % 2 == 1:
            frozen[t] = h
    w = astgrad.tensor(w0, requires_grad=True)
    g = _truncated(w, h0, lambda t, h: h.detach_(), create_graph=True)
    expected = numerical_grad(lambda a: _truncated_numpy(a, h0, frozen), (w0,))
    assert_close(g.detach().numpy(), expected, 1e-6, 1e-7)
    assert not np.allclose(expected, numerical_grad(lambda a: _truncated_numpy(a, h0, {}), (w0,)), atol=1e-3)
    # second order: against finite differences of the gradient with the detached h as constants
    v = RNG.standard_normal(w0.shape)
    (hv,) = astgrad.autograd.grad((g * astgrad.tensor(v)).sum(), w)
    constants = lambda a: _truncated(astgrad.tensor(a, requires_grad=True), h0,
                                     lambda t, h: astgrad.tensor(frozen[t])).numpy()
    assert_close(hv.numpy(), numerical_jvp(constants, (w0,), (v,)), 1e-5, 1e-6)


def test_detach_in_place_refuses_where_pytorch_does_and_retains_gradients():
    x = astgrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    z = (y * y).sum()       # y saved by its own product, as PyTorch's MulBackward0 saves it
    y.detach_()
    with pytest.raises(RuntimeError, match=r"Trying to use a saved tensor that has been detached in-place"):
        astgrad.autograd.grad(z, x)
    y = x.exp()
    z = (y * 3.0).sum()     # exp saved its output: PyTorch keeps that one
    y.detach_()
    assert_close(astgrad.autograd.grad(z, x)[0].numpy(), 3.0 * np.exp([1.0, 2.0]), 1e-15, 0)
    y = x * 2.0
    view = y[:1]            # made before: it keeps its history, and its base is a leaf now
    y.detach_()
    with pytest.raises(RuntimeError, match=r"^a view of a leaf Variable that requires grad is being used in an "
                                           r"in-place operation\.$"):
        view.mul_(3.0)
    assert_close(astgrad.autograd.grad((view * 5.0).sum(), x)[0].numpy(), [10.0, 0.0], 0, 0)
    y = x * x
    y.retain_grad()
    z = (y * 3.0).sum()
    y.detach_()             # it keeps retaining the gradient through the graph recorded before
    (z + (y * x).sum()).backward()
    assert y.retains_grad and y.grad.tolist() == [3.0, 3.0] and x.grad.tolist() == [7.0, 16.0]


def test_detach_in_place_numpy_force_and_new_tensors():
    x = astgrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    z = (y * 3.0).sum() + x.sum()
    # y becomes a leaf in place, and z's path through it to x stays, as PyTorch's graph keeps it
    assert y.detach_() is y and y.is_leaf and not y.requires_grad and y.grad_fn is None and y._version == 0
    assert astgrad.autograd.grad(z, x)[0].tolist() == [7.0, 13.0]
    assert z.grad_fn.next_functions[0][0].next_functions[0][0].name() == "MulBackward0"
    with pytest.raises(RuntimeError, match="One of the differentiated Tensors does not require grad"):
        astgrad.autograd.grad(z, y)
    assert x.numpy(force=True).tolist() == [1.0, 2.0]
    assert x.detach_() is x and not x.requires_grad and x.is_leaf and x.tolist() == [1.0, 2.0]
    h = astgrad.tensor([0.5], dtype=astgrad.float32)
    made = [h.new_zeros(2, 3), h.new_ones((2,)), h.new_full((2,), 3.0), h.new_tensor([1, 2]), h.new_empty(1)]
    assert [m.dtype for m in made] == [astgrad.float32] * 5 and not any(m.requires_grad for m in made)
    assert [m.shape for m in made] == [(2, 3), (2,), (2,), (2,), (1,)]
    assert made[0].sum().item() == 0 and made[1].tolist() == [1.0, 1.0] and made[2].tolist() == [3.0, 3.0]
    assert made[3].tolist() == [1.0, 2.0] and h.cpu() is h
    leaf = h.new_zeros(2, dtype=astgrad.float64, requires_grad=True)
    assert leaf.is_leaf and leaf.requires_grad and leaf.dtype == astgrad.float64
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        h.new_ones(2, dtype=astgrad.int64, requires_grad=True)


@pytest.mark.parametrize("name, advice", [
    ("tril_", r"t = t\.tril\(\.\.\.\)"),
    ("nansum", r"numpy\.nansum\(t\) is recorded"),
    ("cuda", r"NumPy arrays on the CPU"),
    ("frobnicate", r"t\.detach\(\)\.numpy\(\)"),
])
def test_a_missing_method_is_named_with_what_to_use_instead(name, advice):
    x = astgrad.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(AttributeError, match=rf"'Tensor' object has no attribute '{name}': astgrad's tape "
                                             rf"has no method or attribute {name} .*docs/tape\.md.*{advice}"):
        getattr(x, name)
    assert not hasattr(x, "_private")


@pytest.mark.parametrize("name, advice", [
    ("nn", r"no neural-network modules; write the layers as functions of tensors"),
    ("optim", r"no optimizers; update the parameters under astgrad\.no_grad\(\)"),
    ("cuda", r"NumPy arrays on the CPU"),
])
def test_a_missing_torch_module_is_named_with_what_to_use_instead(name, advice):
    with pytest.raises(AttributeError, match=rf"module 'astgrad' has no attribute '{name}' \(PyTorch's "
                                             rf"torch\.{name}\): .*{advice}"):
        getattr(astgrad, name)
    assert not hasattr(astgrad, name) and hasattr(astgrad, "std_mean")
    with pytest.raises(AttributeError, match=r"^module 'astgrad' has no attribute 'frobnicate'$"):
        astgrad.frobnicate
