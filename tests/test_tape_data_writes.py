"""A leaf that requires grad, changed through ``.data`` after a graph used it
(``x.data.mul_(...)``, ``x.data[i] = v``, ``x.data = new``): the graph keeps the values it
computed from the old value and the leaf's version does not move, as in PyTorch (compared
side by side where torch is installed). Where PyTorch's backward would mix the new value
(saved by a node that used the leaf itself) with old values computed from it, the tape
raises a clear RuntimeError instead of giving another result. Also: ``astgrad.grad``
called with ``astgrad.tensor`` arguments says what to do."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad

START = [1.0, 2.0, 3.0]


def _times_ten(x):
    x.data.mul_(10.0)


def _rows_set(x):
    x.data[1:] = 7.0


def _replaced(lib):
    def replace(x):
        x.data = lib.tensor([5.0, 6.0, 7.0], dtype=lib.float64)
    return replace


def _subtracted(x):
    x.data -= 0.5


def _square_of_double(lib, x):
    return ((x * 2.0) ** 2).sum()


def _exp_of_double(lib, x):
    return lib.exp(x * 2.0).sum()


def _tanh_of_sum(lib, x):
    return lib.tanh(x + 1.0).sum() * 3.0


def _square_sum(lib, x):
    return (x * x).sum()        # the product saved x itself: PyTorch reads its new value


def _sin_sum(lib, x):
    return lib.sin(x).sum()


def _product_of_sums(lib, x):
    return lib.exp(x * 2.0).sum() * x.sum()     # the product saves the sums, not x


WRITES = {"mul_": lambda lib: _times_ten, "setitem": lambda lib: _rows_set,
          "assign": _replaced, "isub": lambda lib: _subtracted}
GRAPHS = {"square_of_double": _square_of_double, "exp_of_double": _exp_of_double,
          "tanh_of_sum": _tanh_of_sum, "product_of_sums": _product_of_sums,
          "square_sum": _square_sum, "sin_sum": _sin_sum}
NEW_VALUE = {"square_sum", "sin_sum"}


def _gradient_after_write(lib, graph, write):
    x = lib.tensor(START, dtype=lib.float64, requires_grad=True)
    z = graph(lib, x)
    write(lib)(x)
    (gradient,) = lib.autograd.grad(z, x)
    return np.array(gradient.detach().numpy()), x._version, np.array(x.detach().numpy())


def _numpy_graph(graph):
    """The graph as a function of a NumPy array (the value it was recorded at)."""
    def f(v):
        return float(np.asarray(graph(np, v)))
    return f


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("graph", sorted(GRAPHS))
def test_the_graph_keeps_the_values_computed_before_the_write(graph, write):
    gradient, version, value = _gradient_after_write(astgrad, GRAPHS[graph], WRITES[write])
    # a node that saved the leaf itself reads its new value, the others the old one
    at = value if graph in NEW_VALUE else np.array(START)
    expected = numerical_grad(_numpy_graph(GRAPHS[graph]), at)
    assert_close(gradient, expected)
    assert version == 0                     # PyTorch's version does not count .data writes
    assert not np.allclose(value, START)    # and the leaf has its new value


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("graph", sorted(GRAPHS))
def test_same_as_torch(graph, write):
    torch = pytest.importorskip("torch")
    ours = _gradient_after_write(astgrad, GRAPHS[graph], WRITES[write])
    theirs = _gradient_after_write(torch, GRAPHS[graph], WRITES[write])
    assert_close(ours[0], theirs[0])
    assert ours[1] == theirs[1]
    assert_close(ours[2], theirs[2])


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("graph", [lambda x: (x * x).exp().sum(), lambda x: (x.sin() ** 2).sum(),
                                   lambda x: ((x * x + 1.0) * x.sum()).sum()])
def test_a_mix_of_new_and_old_values_raises(graph, write):
    # PyTorch's backward would read the new value where a node saved the leaf, and the
    # old one in what was computed from it (the output of x * x, saved by exp, ...)
    x = astgrad.tensor(START, requires_grad=True)
    z = graph(x)
    WRITES[write](astgrad)(x)
    with pytest.raises(RuntimeError, match=r"changed through \.data after the graph used it.*would mix.*record the computation again"):
        astgrad.autograd.grad(z, x)


def test_a_graph_recorded_after_the_write_uses_the_new_value():
    x = astgrad.tensor(START, requires_grad=True)
    z_old = (x * 2.0).exp().sum()
    x.data.mul_(10.0)
    z_new = (x * x).sum()
    assert_close(np.array(astgrad.autograd.grad(z_new, x)[0].numpy()), 20.0 * np.array(START))
    assert_close(np.array(astgrad.autograd.grad(z_old, x)[0].numpy()), 2.0 * np.exp(2.0 * np.array(START)))


def test_two_writes_after_use_raise_rather_than_use_the_middle_value():
    x = astgrad.tensor(START, requires_grad=True)
    z = (x * 2.0).exp().sum()
    x.data.mul_(10.0)
    x.data.mul_(10.0)
    with pytest.raises(RuntimeError, match=r"more than once.*record the computation again"):
        astgrad.autograd.grad(z, x)


def test_an_optimizer_loop_through_data_descends():
    # the common use: a fresh graph each step, the step written through .data
    x = astgrad.tensor(START, requires_grad=True)
    for _ in range(50):
        loss = ((x - 0.5) ** 2).sum()
        (g,) = astgrad.autograd.grad(loss, x)
        x.data -= 0.1 * g
    assert_close(np.array(x.detach().numpy()), np.full(3, 0.5), rtol=1e-4, atol=1e-4)
    assert x._version == 0


def test_an_in_place_update_under_no_grad_still_raises_where_pytorch_does():
    x = astgrad.tensor(START, requires_grad=True)
    z = (x * x).sum()
    x.data.mul_(2.0)
    with astgrad.no_grad():
        x.add_(1.0)
    assert x._version == 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        astgrad.autograd.grad(z, x)


# -- astgrad.grad called with tensors ----------------------------------------------------

def sum_of_squares(x):
    return np.sum(x * x)


@pytest.mark.parametrize("requires_grad", [False, True])
def test_grad_of_a_function_called_with_tensors_says_what_to_do(requires_grad):
    with pytest.raises(TypeError, match=r"returned an astgrad\.tensor.*pass arrays.*astgrad\.autograd\.grad"):
        astgrad.grad(sum_of_squares)(astgrad.tensor(START, requires_grad=requires_grad))


def test_grad_of_the_same_function_with_the_tensors_array():
    t = astgrad.tensor(START)
    assert_close(astgrad.grad(sum_of_squares)(t.detach().numpy()), 2.0 * np.array(START))


def test_create_graph_over_an_old_value_says_to_record_again():
    x = astgrad.tensor(START, requires_grad=True)
    z = (x * 2.0).exp().sum()
    x.data.mul_(10.0)
    with pytest.raises(RuntimeError, match=r"create_graph=True cannot follow.*changed through \.data"):
        astgrad.autograd.grad(z, x, create_graph=True)


def test_a_tensor_with_history_written_through_data_is_refused_when_differentiated():
    """y.data[0] = 5.0 on y = x * 2: the replay would compute y's old values, PyTorch's
    nodes read the new ones; the gradient raises, and the advised update under no_grad
    gives PyTorch's gradient (d/dx of sum(y * y) with y = [5, 4]: 2 * 2 * y = [20, 16])."""
    x = astgrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.data[0] = 5.0
    assert y.tolist() == [5.0, 4.0]
    with pytest.raises(RuntimeError, match=r"cannot differentiate through a tensor that has a grad_fn "
                                           r"\(MulBackward0\) and was changed through \.data.*no_grad"):
        astgrad.autograd.grad((y * y).sum(), x)
    x = astgrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with astgrad.no_grad():
        y[0] = 5.0
    (g,) = astgrad.autograd.grad((y * y).sum(), x)
    assert g.tolist() == [20.0, 16.0]
