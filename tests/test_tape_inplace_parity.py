"""In-place updates on the tape against PyTorch: the version counter shared by a tensor
and its views, the tensors a backward pass saved (also constants), updates under
``no_grad`` and through ``detach()``/``.data``, overlapping memory, and NumPy calls that
write into a tensor (``out=``, ``numpy.add.at``, ``numpy.copyto``). Gradients are also
checked against central finite differences."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad

DATA = np.random.default_rng(3).uniform(0.5, 1.5, (2, 3))


def _outcome(t, program):
    """What ``program(t)`` gave: arrays (rounded) or the error's type and message."""
    try:
        return [np.round(np.array(v.detach().numpy() if hasattr(v, "detach") else v, dtype=float), 12)
                for v in program(t)]
    except RuntimeError as error:
        return ("RuntimeError", str(error).replace("torch.", "astgrad.").replace("torch::", "astgrad::"))


def _same_as_torch(program):
    torch = pytest.importorskip("torch")
    ours = _outcome(astgrad, program)
    theirs = _outcome(torch, program)
    if isinstance(theirs, tuple) or isinstance(ours, tuple):
        assert ours == theirs
    else:
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    return ours


def _leaf(t, data=DATA):
    return t.tensor(data, requires_grad=True, dtype=t.float64)


def test_an_element_saved_then_another_row_written_is_refused():
    def program(t):
        W = _leaf(t)
        x = W * 1.0
        y = x[0, 0] * x[0, 0]
        x[1] += 1.0
        return t.autograd.grad(y, W)
    error = _same_as_torch(program)
    assert "which is output 0 of AsStrided, is at version 2; expected version 0" in error[1]


def test_a_view_not_saved_keeps_working_after_its_family_changed():
    def program(t):
        W = _leaf(t)
        x = W * 2.0
        v = x[0]
        y = (v + 1.0).sum() + (x[1] * x[1]).sum()
        x[0] = 5.0
        grads = t.autograd.grad(y, W)
        return grads + (t.autograd.grad((v * v).sum(), W)[0], v, x)
    _same_as_torch(program)


def test_a_view_made_before_an_optimizer_step_is_differentiated():
    def program(t):
        W = _leaf(t)
        v = W[1]
        with t.no_grad():
            W.mul_(0.5)
        g = t.autograd.grad((v * v).sum(), W)[0]
        return g, v, type(v.grad_fn).__name__ == "AsStridedBackward0"
    _same_as_torch(program)


@pytest.mark.parametrize("op", ["mul", "div", "matmul", "add"])
def test_a_constant_saved_then_changed_is_refused_as_in_pytorch(op):
    def program(t):
        W = _leaf(t)
        c = t.tensor(DATA.T.copy() if op == "matmul" else DATA + 1.0, dtype=t.float64)
        y = {"mul": lambda: W * c, "div": lambda: W / c, "matmul": lambda: W @ c,
             "add": lambda: W + c}[op]()
        c.add_(1.0)
        return t.autograd.grad(y.sum(), W)
    _same_as_torch(program)


def test_an_update_through_detach_is_seen_by_views_and_the_base():
    def program(t):
        base = t.tensor(np.zeros((2, 3)), dtype=t.float64)
        row = base[0]
        element = row[1]
        row.detach().add_(1.0)
        base.detach()[1].mul_(3.0)
        base.data[:, 2] = 7.0
        return base, row, element, row._version, base._version
    _same_as_torch(program)


def test_a_non_leaf_updated_under_no_grad_keeps_its_history():
    def program(t, W):
        h = W.sin() * 2.0
        with t.no_grad():
            h[0] += 1.0
            h.mul_(1.5)
        h.detach().add_(0.25)
        return (h.exp() * W).sum(), h
    torch = pytest.importorskip("torch")
    results = []
    for lib in (astgrad, torch):
        W = _leaf(lib)
        loss, h = program(lib, W)
        results.append((lib.autograd.grad(loss, W)[0].numpy(), h.detach().numpy()))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    # PyTorch's meaning: the update adds a constant to h; with that constant fixed, the
    # gradient is the derivative of exp(2 sin(W) + shift) * W
    shift = results[0][1] - 2.0 * np.sin(DATA)
    expected = numerical_grad(lambda w: np.sum(np.exp(2.0 * np.sin(w) + shift) * w), (DATA,), wrt=0)
    assert_close(results[0][0], expected, rtol=1e-6, atol=1e-7)


def test_only_nodes_on_a_path_to_the_inputs_are_checked():
    def program(t):
        W, V = _leaf(t), _leaf(t, DATA + 1.0)
        y = W.exp()
        z = (y.sin() + V * V).sum()
        y.mul_(2.0)
        return t.autograd.grad(z, V)
    _same_as_torch(program)


def test_the_first_refusal_met_by_the_backward_is_raised():
    def program(t):
        W = _leaf(t)
        y = W.exp()
        s = y.sin()
        y.add_(W)
        return t.autograd.grad((s * y).sum(), W)
    assert "output 0 of Add," in _same_as_torch(program)[1]


@pytest.mark.parametrize("update", ["add_", "copy_T", "shifted", "setitem_rows", "same", "mul_row"])
def test_overlapping_memory_is_refused_as_in_pytorch(update):
    def program(t):
        x = t.tensor(np.arange(9.0).reshape(3, 3), dtype=t.float64)
        {"add_": lambda: x.add_(x[0]), "copy_T": lambda: x.copy_(x.T),
         "shifted": lambda: x.view(-1)[1:].copy_(x.view(-1)[:-1]),
         "setitem_rows": lambda: x.__setitem__(0, x[2]), "same": lambda: x.mul_(x.view(3, 3)),
         "mul_row": lambda: x[1:].mul_(x[:1])}[update]()
        return (x,)
    _same_as_torch(program)


def _numpy_writes(t, W):
    h = W * 1.0
    v = h[1]
    np.multiply(h, W, out=h)                     # h *= W
    np.sin(W[0], out=v)                          # into a view: h sees it
    np.add.at(h, ([0, 0, 1], [2, 2, 0]), W[1, 1])
    np.copyto(h, W * 3.0, where=np.array([True, False, True]))
    return h, v, (h * h).sum()


def _torch_writes(t, W):
    h = W * 1.0
    v = h[1]
    h.mul_(W)
    v.copy_(W[0].sin())
    h.index_put_((t.tensor([0, 0, 1]), t.tensor([2, 2, 0])), W[1, 1], accumulate=True)
    h.copy_(t.where(t.tensor([True, False, True]), W * 3.0, h))
    return h, v, (h * h).sum()


def test_numpy_writes_into_a_tensor_are_its_in_place_updates():
    torch = pytest.importorskip("torch")
    results = []
    for lib, program in ((astgrad, _numpy_writes), (torch, _torch_writes)):
        W = _leaf(lib)
        h, v, loss = program(lib, W)
        results.append([h.detach().numpy(), v.detach().numpy(), lib.autograd.grad(loss, W)[0].numpy()])
    for what, a, b in zip(("values", "view", "gradient"), *results):
        assert_close(a, b, rtol=1e-12, atol=1e-12, msg=what)

    def loss(w):
        with astgrad.no_grad():
            return float(_numpy_writes(astgrad, astgrad.tensor(w))[2].item())
    assert_close(results[0][2], numerical_grad(loss, (DATA,), wrt=0), rtol=1e-6, atol=1e-7)


def test_numpy_writes_follow_the_in_place_rules():
    W = _leaf(astgrad)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        np.add(W, 1.0, out=W)
    with pytest.raises(RuntimeError, match="would drop its derivative"):
        np.sin(W, out=np.zeros_like(DATA))
    with astgrad.no_grad():
        np.subtract(W, 0.5, out=W)              # an optimizer step
    assert W.is_leaf and W._version == 1
    np.testing.assert_allclose(W.detach().numpy(), DATA - 0.5)
    counts = astgrad.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        np.add(counts, 0.5, out=counts)
    np.add.at(counts, [0, 0], 1)
    assert counts.tolist() == [3, 2, 3] and counts._version == 1


def test_a_leaf_changed_after_use_keeps_its_old_value_for_the_graph():
    def program(t):
        W = _leaf(t)
        y = W * 2.0
        z = (y * y).sum() + (W + 1.0).sum()     # the leaf is not saved, y is
        with t.no_grad():
            W.mul_(3.0)                         # an optimizer step
        later = (W * W).sum()
        first = t.autograd.grad(z, W, retain_graph=True)[0]
        both = t.autograd.grad(z + later, W, retain_graph=True)[0]
        W.grad = None
        (z + later).backward(retain_graph=True)
        return first, both, W.grad
    first, both, accumulated = _same_as_torch(program)
    np.testing.assert_allclose(first, 8.0 * DATA + 1.0, rtol=1e-12)
    np.testing.assert_allclose(both, 8.0 * DATA + 1.0 + 6.0 * DATA, rtol=1e-12)

    def saved(t):
        W = _leaf(t)
        z = (W * W).sum()
        with t.no_grad():
            W.sub_(0.5)
        return t.autograd.grad(z, W)
    _same_as_torch(saved)


def test_view_and_reshape_of_a_transposed_tensor_are_as_in_pytorch():
    def program(t):
        x = t.tensor(np.arange(6.0).reshape(2, 3), dtype=t.float64)
        r = x.T.reshape(-1)                     # a copy: the update does not reach x
        r.add_(100.0)
        v = x.unsqueeze(0).view(6)              # a view: it does
        v[5] = 9.0
        return x, r, v

    def refused(t):
        x = t.tensor(np.arange(6.0).reshape(2, 3), dtype=t.float64)
        return (x.T.view(-1),)
    _same_as_torch(program)
    assert "view size is not compatible" in _same_as_torch(refused)[1]
