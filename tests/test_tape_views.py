"""In-place updates of views on the tape follow PyTorch: they write through into the
tensor viewed (``v = x[0]; v += 1`` changes ``x``), and an update of a tensor shows in
its views. Each program runs on astgrad and on PyTorch (values of the tensors and the
gradient) and is checked against central finite differences."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad


def basic_index(t, W):
    h = W * 1.0
    v = h[0]
    v += 1.0
    v *= W[1]
    return h, v, (h * h).sum()


def element(t, W):
    h = W * 1.0
    e = h[1, 2]
    e += W[0, 0]
    e *= 3.0
    row = h[0]
    first = row[0]
    first.mul_(W[1, 1])
    return h, e, (h * h).sum() + e


def slice_and_methods(t, W):
    h = W * 2.0
    h[1:].mul_(W[0])
    h[:, 1].sub_(0.5)
    h[0].div_(3.0)
    return h, h[0], (h.sin() * h).sum()


def transpose(t, W):
    h = W.sin()
    hT = h.T
    hT -= W.T * 0.5
    hT[0] /= 2.0
    return h, hT, (h ** 2).sum()


def reshape_view(t, W):
    h = W + 0.0
    flat = h.reshape(6)
    flat[2:4] *= W.reshape(6)[0]
    v = h.view(3, 2)
    v.add_(W.reshape(3, 2).tanh())
    return h, flat, (h * W).sum()


def view_of_a_view(t, W):
    h = W * 1.5
    row = h[1]
    piece = row[1:]
    piece += W[1, 0] * W[0, 1:]
    piece.clamp_(max=3.0)
    return h, row, (h.cos() + h * h).sum()


def in_a_loop(t, W):
    h = W * 1.0
    for i in range(h.shape[0]):
        r = h[i]
        r *= 1.0 + 0.1 * i
        h[i] += h[i - 1] * 0.5          # Python writes the view back: h[i] = ...
    return h, h[-1], (h ** 3).sum()


def base_update_seen_by_view(t, W):
    h = W * 1.0
    col = h[:, 0]
    h.mul_(W)                          # the view sees the base's new value
    h[0, 0] = 7.0
    return h, col, (col * col).sum() + (h * h).sum()


def a_view_saved_then_written(t, W):
    h = W + 0.0
    flat = h.reshape(6)
    flat[2:4] *= flat[0]                # mul saved flat[0], a view of h, which changes
    return h, flat, (h * W).sum()


def elements_saved_then_base_written(t, W):
    h = W * 1.0
    y = h[0, 0] * h[0, 1]
    h[1] += 1.0                         # other elements: PyTorch's views share one version
    return h, y, y


PROGRAMS = [basic_index, element, slice_and_methods, transpose, reshape_view, view_of_a_view, in_a_loop,
            base_update_seen_by_view]
REFUSED = [a_view_saved_then_written, elements_saved_then_base_written]


def _run(t, program, data):
    W = t.tensor(data, requires_grad=True)
    h, v, loss = program(t, W)
    (g,) = t.autograd.grad(loss, W)
    return [x.detach().numpy().copy() for x in (h, v, loss, g)]


def _data(shape=(2, 3)):
    return np.random.default_rng(7).uniform(0.2, 1.0, shape)


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_view_updates_match_pytorch(program):
    torch = pytest.importorskip("torch")
    data = _data()
    ours = _run(astgrad, program, data)
    theirs = _run(torch, program, data)
    for what, a, b in zip(("base", "view", "loss", "gradient"), ours, theirs):
        assert_close(a, b, rtol=1e-12, atol=1e-12, msg=f"{program.__name__}: {what} vs PyTorch")


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_view_update_gradients_match_finite_differences(program):
    data = _data()
    ours = _run(astgrad, program, data)

    def loss(w):
        with astgrad.no_grad():
            return float(program(astgrad, astgrad.tensor(w))[2].item())
    assert_close(ours[3], numerical_grad(loss, (data,), wrt=0), rtol=1e-5, atol=1e-6,
                 msg=f"{program.__name__}: gradient vs finite differences")


def test_an_element_of_a_vector_is_a_view():
    x = astgrad.tensor(np.zeros(3))
    v = x[0]
    v += 1.0
    v -= 3.0
    x[1] /= 2.0
    np.testing.assert_array_equal(x.numpy(), [-2.0, 0.0, 0.0])
    x[0] = 5.0                          # the view shows the update of x
    assert v.item() == 5.0


@pytest.mark.parametrize("program", REFUSED, ids=lambda p: p.__name__)
def test_a_saved_view_changed_in_place_is_refused_as_in_pytorch(program):
    """A tensor and its views share one version counter, as in PyTorch, so a backward
    pass that saved a view raises PyTorch's error (same message, same versions) after an
    update of any part of the tensor it views, also of another row."""
    torch = pytest.importorskip("torch")
    messages = []
    for t in (astgrad, torch):
        with pytest.raises(RuntimeError, match="modified by an inplace operation") as caught:
            _run(t, program, _data())
        messages.append(str(caught.value).replace("torch.", "astgrad."))
    assert messages[0] == messages[1], messages


def test_python_updates_the_view_then_writes_it_back():
    """``x[i] += e`` is ``v = x[i]; v += e; x[i] = v``: the write-through and the write
    back give the value once."""
    x = astgrad.tensor(np.zeros(4))
    for i in range(4):
        x[i] += i + 1.0
        x[1:3] *= 2.0
    np.testing.assert_array_equal(x.numpy(), [1.0, 16.0, 12.0, 4.0])


def test_a_view_of_a_leaf_that_requires_grad_is_refused_as_in_pytorch():
    W = astgrad.tensor(np.ones(3), requires_grad=True)
    for update in (lambda v: v.__iadd__(1.0), lambda v: v.mul_(2.0), lambda v: v.__setitem__(0, 1.0)):
        v = W[1:]
        with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
            update(v)
    np.testing.assert_array_equal(W.detach().numpy(), np.ones(3))
    with astgrad.no_grad():
        v = W[1:]
        v -= 0.5                        # an optimizer step: allowed, and seen by W
    np.testing.assert_array_equal(W.detach().numpy(), [1.0, 0.5, 0.5])


def test_versions_of_base_and_view_both_bump():
    x = astgrad.tensor(np.zeros(3))
    v = x[:2]
    before = (x._version, v._version)
    v += 1.0
    assert x._version > before[0] and v._version > before[1]
    np.testing.assert_array_equal(x.numpy(), [1.0, 1.0, 0.0])


def test_a_view_of_a_view_whose_middle_is_gone_still_writes_through():
    """The view keeps the tensor it views (as PyTorch's do), so ``x.T[0]`` and
    ``x.reshape(6)[2:4]`` write into ``x`` also when nothing records (no node holds
    the temporary in between)."""
    x = astgrad.tensor(np.arange(6.0).reshape(2, 3))
    x.T[0].zero_()
    x.reshape(6)[4:] += 10.0
    with astgrad.no_grad():
        x.view(3, 2)[0] *= -1.0
    np.testing.assert_array_equal(x.numpy(), [[-0.0, -1.0, 2.0], [0.0, 14.0, 15.0]])
    (x * 2.0)[0].add_(1.0)              # a view of a temporary: nothing else sees it
    np.testing.assert_array_equal(x.numpy(), [[-0.0, -1.0, 2.0], [0.0, 14.0, 15.0]])


def test_a_view_whose_elements_repeat_is_refused_as_in_pytorch():
    x = astgrad.tensor(np.zeros(3))
    v = x.reshape(1, 3).expand(2, 3)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        v.add_(1.0)


def test_second_order_through_view_updates_matches_pytorch():
    torch = pytest.importorskip("torch")

    def program(t, W):
        h = W * W
        v = h[0]
        v *= W[1]
        c = h.T[1]
        c += W[0, 1] ** 3
        return (h.sin() * h).sum()
    data = _data()
    results = []
    for t in (astgrad, torch):
        W = t.tensor(data, requires_grad=True)
        (g,) = t.autograd.grad(program(t, W), W, create_graph=True)
        (H,) = t.autograd.grad((g * g).sum(), W)
        results.append([g.detach().numpy().copy(), H.detach().numpy().copy()])
    for what, a, b in zip(("gradient", "grad of |gradient|^2"), *results):
        assert_close(a, b, rtol=1e-12, atol=1e-12, msg=f"{what} vs PyTorch")


LAYOUTS = {"flatten": lambda x: x.flatten(), "unsqueeze": lambda x: x.unsqueeze(0),
           "permute": lambda x: x.permute(1, 0), "squeeze": lambda x: x.unsqueeze(0).squeeze(0),
           "t": lambda x: x.t(), "mT": lambda x: x.mT, "view_then_index": lambda x: x.view(3, 2)[1:]}


@pytest.mark.parametrize("name", LAYOUTS)
def test_updates_of_layout_views_match_pytorch(name):
    torch = pytest.importorskip("torch")
    results = []
    for t in (astgrad, torch):
        W = t.tensor(_data(), requires_grad=True)
        h = W * 1.0
        v = LAYOUTS[name](h)
        v *= -2.0
        v.add_(1.0)
        (g,) = t.autograd.grad((h * h.cos()).sum(), W)
        results.append([h.detach().numpy().copy(), v.detach().numpy().copy(), g.numpy().copy()])
    for what, a, b in zip(("base", "view", "gradient"), *results):
        assert_close(a, b, rtol=1e-12, atol=1e-12, msg=f"{name}: {what} vs PyTorch")


@pytest.mark.parametrize("split", [lambda x: x.chunk(3, 1)[1], lambda x: x.split(1, 0)[1],
                                   lambda x: x.split([1, 2], 1)[0]], ids=["chunk", "split", "sizes"])
def test_a_piece_of_split_is_refused_as_in_pytorch_while_recording(split):
    torch = pytest.importorskip("torch")
    messages = []
    for t in (astgrad, torch):
        W = t.tensor(_data(), requires_grad=True)
        with pytest.raises(RuntimeError, match="function that returns multiple views") as caught:
            split(W * 1.0).mul_(2.0)
        messages.append(str(caught.value))
        x = t.tensor(_data())
        with t.no_grad():
            split(x).mul_(-1.0)         # allowed without a recording, and seen by x
        messages.append(x.numpy().round(12).tolist())
    assert messages[:2] == messages[2:], messages
