"""Methods of objects given as arguments (``layer.apply(x)``, ``layer(x)``,
``self.layer.apply(x)``, a list of layers), followed for the classes passed at each
call; and ``op=`` on the arrays of a list or dict the function fills with new arrays.
Each against central finite differences, in reverse and forward mode and to second order."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


class Linear:
    def __init__(self, W):
        self.W = W

    def __call__(self, x):
        return self.W @ x

    def apply(self, x):
        return np.tanh(self.W @ x)


class Wave:
    """Another class with the same method names, computing something else."""

    def __init__(self, s):
        self.s = s

    def __call__(self, x):
        return self.s * np.sin(x)

    def apply(self, x):
        return np.cos(self.s * x) + self.scale() * x

    def scale(self):
        return 0.5 * self.s


class Model:
    def __init__(self, layer, layers):
        self.layer, self.layers = layer, layers

    def forward(self, x):
        h = self.layer.apply(x)
        for layer in self.layers:
            h = layer(h)
        return h

    def loss(self, x):
        return np.sum(self.forward(x) ** 2)


def apply_loss(x, layer):
    return np.sum(layer.apply(x) ** 2)


def call_loss(x, layer):
    return np.sum(np.sin(layer(x)) * x)


def stack_loss(x, layers):
    for layer in layers:
        x = layer(x)
    return np.sum(x ** 2)


def model_loss(x, model):
    return model.loss(x) + np.sum(model.layer.apply(x))


def _weights(n, seed):
    return np.random.RandomState(seed).randn(n, n) / n


def _cases(n):
    W, V = _weights(n, 1), _weights(n, 2)
    return [
        (apply_loss, Linear(W)),
        (apply_loss, Wave(0.7)),
        (call_loss, Linear(W)),
        (call_loss, Wave(1.3)),
        (stack_loss, [Linear(W), Linear(V)]),
        (stack_loss, (Linear(W), Wave(0.4), Linear(V))),
        (model_loss, Model(Linear(W), [Linear(V), Wave(0.9)])),
        (model_loss, Model(Wave(0.2), [Wave(1.1)])),
    ]


def _check_all_modes(f, obj, x):
    expected = numerical_grad(lambda v: f(v, obj), (x,))
    assert_close(astgrad.grad(f)(x, obj), expected)
    direction = np.linspace(-1.0, 1.0, x.size)
    assert_close(astgrad.jvp(f, (x, obj), (direction, None))[1], np.dot(expected, direction))
    gradient = astgrad.grad(f)
    assert_close(astgrad.hessian(f)(x, obj), numerical_hessian(lambda v: gradient(v, obj), (x,)),
                 rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("n", [2, 4])
@pytest.mark.parametrize("case", range(8))
def test_a_method_of_an_object_argument_in_every_mode(n, case):
    f, obj = _cases(n)[case]
    x = np.random.RandomState(n + case).randn(n)
    _check_all_modes(f, obj, x)


def test_one_gradient_follows_the_class_of_each_call():
    """The code is made for the class passed, and made again for another: never stale."""
    gradient = astgrad.grad(apply_loss)
    x = np.array([0.3, -0.8, 0.5])
    for layer in (Linear(_weights(3, 3)), Wave(0.6), Linear(_weights(3, 4)), Wave(1.7)):
        assert_close(gradient(x, layer), numerical_grad(lambda v: apply_loss(v, layer), (x,)))


def test_a_bound_method_reading_the_layers_its_attributes_hold():
    W, V = _weights(3, 5), _weights(3, 6)
    model = Model(Linear(W), [Linear(V), Wave(0.8)])
    x = np.array([0.2, 0.9, -0.4])
    expected = numerical_grad(model.loss, (x,))
    assert_close(astgrad.grad(model.loss)(x), expected)
    direction = np.array([1.0, -0.5, 0.25])
    assert_close(astgrad.jvp(model.loss, (x,), (direction,))[1], np.dot(expected, direction))
    gradient = astgrad.grad(model.loss)
    assert_close(astgrad.hessian(model.loss)(x), numerical_hessian(gradient, (x,)), rtol=1e-4, atol=1e-6)


def test_with_respect_to_the_arrays_of_an_object_argument():
    W, V = _weights(3, 7), _weights(3, 8)
    x = np.array([0.5, -0.3, 0.7])
    model = Model(Linear(W), [Linear(V), Wave(0.5)])

    def loss_of_W(w):
        return model_loss(x, Model(Linear(w), model.layers))
    assert_close(astgrad.grad(model_loss, wrt="model.layer.W")(x, model), numerical_grad(loss_of_W, (W,)))
    assert_close(astgrad.grad(model.loss, wrt="self.layer.W")(x),
                 numerical_grad(lambda w: Model(Linear(w), model.layers).loss(x), (W,)))
    assert_close(astgrad.grad(apply_loss, wrt="layer.W")(x, Linear(W)),
                 numerical_grad(lambda w: apply_loss(x, Linear(w)), (W,)))


def test_a_bound_method_whose_layer_changes_class_is_refused_clearly():
    model = Model(Linear(_weights(3, 9)), [Wave(0.5)])
    gradient = astgrad.grad(model.loss)
    x = np.array([0.1, 0.2, 0.3])
    assert_close(gradient(x), numerical_grad(model.loss, (x,)))
    model.layer = Wave(0.3)
    with pytest.raises(TypeError, match="an attribute now holds an object of another class"):
        gradient(x)
    assert_close(astgrad.grad(model.loss)(x), numerical_grad(model.loss, (x,)))


def test_redefining_a_method_of_the_class_is_noticed():
    class Layer:
        def __init__(self, s):
            self.s = s

        def apply(self, x):
            return self.s * x

    def loss(x, layer):
        return np.sum(layer.apply(x) ** 2)
    x = np.array([0.4, -1.2])
    gradient = astgrad.grad(loss)
    assert_close(gradient(x, Layer(2.0)), 8.0 * x)
    Layer.apply = lambda self, x: self.s * np.sin(x)
    assert_close(gradient(x, Layer(2.0)), numerical_grad(lambda v: loss(v, Layer(2.0)), (x,)))


class Slotted:
    __slots__ = ("W",)

    def __init__(self, W):
        self.W = W

    def apply(self, x):
        return self.W @ x


def test_an_object_astgrad_does_not_look_into_is_refused_when_called():
    gradient = astgrad.grad(apply_loss)
    with pytest.raises(astgrad.TransformError, match=r"no adjoint rule for \.apply\(\).*on an object given "
                                                     r"as an argument"):
        gradient(np.ones(2), Slotted(np.eye(2)))


class Mass:
    def __init__(self, pos, m):
        self.pos = pos
        self.m = m

    def kinetic(self, v):
        return 0.5 * self.m * np.dot(v, v)


def appended_then_called(x, w):
    ps = []
    for k in range(1, 4):
        ps.append(Mass(x * k, w + k))
    return sum(p.kinetic(p.pos) for p in ps)


def appended_then_read_before_the_generator(x, w):
    ps = []
    for k in range(1, 4):
        ps.append(Mass(x * k, w + k))
    return np.sum(ps[0].pos) + sum(p.kinetic(p.pos) for p in ps)


def appended_then_called_through_the_class(x, w):      # the rewrite the refusal advises
    ps = []
    for k in range(1, 4):
        ps.append(Mass(x * k, w + k))
    return sum(Mass.kinetic(p, p.pos) for p in ps)


@pytest.mark.parametrize("mode", ["grad", "jvp", "vjp", "hessian"])
def test_a_method_of_objects_appended_to_a_list_is_followed(mode):
    # a generator expression sum takes at once is run as the loop Python runs (the list is
    # held per attribute), where nothing else in its statement reads the objects ...
    if mode == "grad":
        check("grad", appended_then_called, (np.array([0.3, -0.5]), 0.7), (0, 1))
    # ... and where an item's attribute is read before it in the statement (ps[0].pos)
    check(mode, appended_then_read_before_the_generator, (np.array([0.3, -0.5]), 0.7), (0, 1))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_the_method_called_through_its_class_is_followed(mode):
    check(mode, appended_then_called_through_the_class, (np.array([0.3, -0.5, 0.8]), 0.7), (0, 1))


class Counter:
    def __init__(self, W):
        self.W, self.calls = W, 0

    def apply(self, x):
        self.calls += 1
        return self.W @ x


def test_a_method_assigning_attributes_is_not_followed():
    """Its result reaches the value, so the call is refused as before, naming the method."""
    with pytest.raises(astgrad.TransformError, match=r"\.apply\(\)"):
        astgrad.grad(apply_loss)(np.ones(2), Counter(np.eye(2)))


# -- op= on the arrays of a list or dict the function fills with new arrays ----------------

def list_of_new_arrays(x):
    xs = [x * 2.0, x + 1.0]
    xs[0] *= 2.0
    xs[1] += xs[0] * x
    return np.sum(xs[0] * xs[1])


def dict_of_a_copy(x, W):
    d = {"w": W.copy(), "b": np.sin(x)}
    d["w"] += np.outer(x, x)
    d["b"] *= x
    return np.sum(np.tanh(d["w"] @ x) * d["b"])


def comprehension_of_zeros(x):
    xs = [np.zeros(x.shape) for _ in range(3)]
    for i in range(3):
        xs[i] += x * (i + 1.0)
        xs[i] *= x
    return np.sum(np.stack(xs) ** 2) + len(xs)


@pytest.mark.parametrize("n", [1, 3, 5])
@pytest.mark.parametrize("f", [list_of_new_arrays, dict_of_a_copy, comprehension_of_zeros])
def test_op_assign_on_an_item_nothing_else_holds(f, n):
    rs = np.random.RandomState(n)
    x = rs.randn(n)
    rest = (rs.randn(n, n),) if f is dict_of_a_copy else ()
    expected = numerical_grad(lambda v: f(v, *rest), (x,))
    assert_close(astgrad.grad(f)(x, *rest), expected)
    direction = rs.randn(n)
    tangents = (direction,) + tuple(np.zeros_like(r) for r in rest)
    assert_close(astgrad.jvp(f, (x,) + rest, tangents)[1], numerical_jvp(f, (x,) + rest, tangents))
    gradient = astgrad.grad(f)
    assert_close(astgrad.hessian(f)(x, *rest), numerical_hessian(lambda v: gradient(v, *rest), (x,)),
                 rtol=1e-4, atol=1e-6)


def same_array_twice(x):
    t = x * 1.0
    xs = [t, t]
    xs[0] *= 2.0
    return np.sum(xs[1])


def repeated_list(x):
    xs = [np.zeros(2)] * 3
    xs[0] += x
    return np.sum(xs[2])


def the_argument_itself(x):
    xs = [x]
    xs[0] *= 2.0
    return np.sum(xs[0])


def item_read_into_a_name(x):
    xs = [x * 1.0]
    a = xs[0]
    xs[0] += 1.0
    return np.sum(a * x)


def item_of_a_copied_list(x):
    m = {"b": [x * 2.0]}
    c = {k: list(v) for k, v in m.items()}    # new lists holding m's arrays
    c["b"][0] *= 2.0
    return np.sum(m["b"][0] * x)


def item_of_a_copied_row(x):
    rows = [[x * 2.0]]
    c = [list(r) for r in rows]
    c[0][0] += x
    return np.sum(rows[0][0] * x)


@pytest.mark.parametrize("f", [same_array_twice, repeated_list, the_argument_itself, item_read_into_a_name,
                               item_of_a_copied_list, item_of_a_copied_row])
def test_op_assign_on_an_item_another_name_may_hold_is_refused(f):
    with pytest.raises(TypeError, match="held by a list changes that object in place"):
        astgrad.grad(f)(np.array([0.5, -0.5]))


def name_of_an_item_of_a_copied_list(x):
    m = {"b": [x * 2.0]}
    c = {"b": list(m["b"])}                 # a new list holding m's array
    v = c["b"][0]
    v *= 2.0
    return np.sum(m["b"][0] * x)            # Python: v is m["b"][0], written in place


def name_of_an_item_of_a_copied_row(x):
    rows = [[x * 2.0]]
    c = [list(r) for r in rows]
    v = c[0][0]
    v += x
    return np.sum(rows[0][0] * x)


@pytest.mark.parametrize("f", [name_of_an_item_of_a_copied_list, name_of_an_item_of_a_copied_row])
def test_op_assign_on_a_name_for_an_item_a_copied_list_holds_is_refused(f):
    with pytest.raises(astgrad.TransformError, match=r"test_unknown_methods\.py:\d+: augmented assignment \(\+= and "
                                                     r"the like\) on 'v' while another name may share its memory"):
        astgrad.grad(f)(np.array([0.5, -0.5]))


# -- objects handed on to helpers --------------------------------------------------------

def doubled(layer, x):
    return layer.apply(x) * 2.0


def through_a_helper(x, layer):
    return np.sum(doubled(layer, x) ** 2)


def run_layers(layers, x):
    for layer in layers:
        x = layer(x)
    return x


def layers_through_a_helper(x, layers):
    return np.sum(run_layers(layers, x) ** 2)


@pytest.mark.parametrize("f, make", [
    (through_a_helper, lambda W: Linear(W)),
    (through_a_helper, lambda W: Wave(0.8)),
    (layers_through_a_helper, lambda W: [Linear(W), Linear(W.T)]),
    (layers_through_a_helper, lambda W: [Wave(0.3), Linear(W), Wave(1.2)]),
])
def test_an_object_handed_to_a_helper(f, make):
    x = np.array([0.6, -0.2, 0.9])
    _check_all_modes(f, make(_weights(3, 11)), x)


class Swapper:
    def __init__(self, inner):
        self.inner = inner

    def swap(self):
        self.inner = Wave(0.1)


def swaps_then_calls(x, holder):
    holder.swap()
    return np.sum(holder.inner.apply(x))


def test_a_method_that_may_change_which_class_is_followed_is_refused():
    """holder.swap() rebinds holder.inner: the code made for the class inner held when the
    gradient was called would run another class's object."""
    with pytest.raises(astgrad.TransformError, match=r"Swapper\.swap, which assigns the attribute 'inner'"):
        astgrad.grad(swaps_then_calls)(np.ones(2), Swapper(Linear(np.eye(2))))


def item_made_by_a_ufunc_writing_into_an_argument(x):
    y = x * 1.0
    xs = [np.add(x, 1.0, y)]        # the ufunc returns y itself
    xs[0] *= 2.0
    return np.sum(y * x)


def test_a_ufunc_returning_its_output_argument_is_no_new_item():
    with pytest.raises(TypeError, match="held by a list changes that object in place"):
        astgrad.grad(item_made_by_a_ufunc_writing_into_an_argument)(np.array([0.5, -0.5]))


def test_second_order_with_respect_to_an_array_a_layer_holds():
    W, V = _weights(3, 12), _weights(3, 13)
    x = np.array([0.5, -0.3, 0.7])
    model = Model(Linear(W), [Linear(V), Wave(0.5)])
    gradient = astgrad.grad(model_loss, wrt="model.layer.W")

    def gradient_at(w):
        return gradient(x, Model(Linear(w), model.layers))
    expected = np.stack([numerical_grad(lambda w: gradient_at(w)[i, j], (W,)) for i in range(3) for j in range(3)])
    hessian = astgrad.hessian(model_loss, wrt="model.layer.W")(x, model)
    assert_close(hessian.reshape(9, 9), expected.reshape(9, 9), rtol=1e-4, atol=1e-6)
