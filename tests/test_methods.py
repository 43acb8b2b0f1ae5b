"""Methods, attributes, dataclasses, namedtuples and callable objects, checked against
central finite differences in float64: reverse mode, forward mode and second order.

Adversarial cases: an attribute rebound between calls, two instances, inheritance and
super(), a method redefined on the class, a property computing from a differentiated
attribute, a method hidden by an instance attribute, a wrt naming a missing attribute,
and attribute assignment (refused)."""

import collections
import dataclasses

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian

RNG = np.random.default_rng(11)


def numerical(f, x):
    """The gradient of scalar f at array x."""
    return numerical_grad(f, (np.asarray(x, dtype=np.float64),))


# -- a small model class ------------------------------------------------------------------

class Layer:
    """Parameters held on the object; methods calling methods; static, class and property."""
    gain = 1.5

    def __init__(self, W, b):
        self.W = W
        self.b = b

    @staticmethod
    def activation(z):
        return np.tanh(z)

    @classmethod
    def scaled(cls, z):
        return cls.gain * z

    @property
    def W2(self):
        return self.W * self.W

    def forward(self, x):
        return self.activation(self.W @ x + self.b)

    def loss(self, x):
        y = self.scaled(self.forward(x))
        return np.sum(y ** 2) + 0.1 * np.sum(self.W2)

    def __call__(self, x):
        return self.loss(x) * 2.0


class Deeper(Layer):
    """Inheritance: an override calling the parent's method through super()."""

    def forward(self, x):
        return super().forward(x) * np.cos(self.b[0]) + np.sin(self.W @ x)


def make(cls=Layer, shape=(3, 4)):
    return cls(RNG.normal(size=shape), RNG.normal(size=shape[0]))


def loss_with(cls, W, b, x):
    return cls(W, b).loss(x)


@pytest.mark.parametrize("cls", [Layer, Deeper])
def test_bound_method_gradient_wrt_its_argument(cls):
    model = make(cls)
    x = RNG.normal(size=4)
    assert_close(astgrad.grad(model.loss)(x), numerical(model.loss, x))
    value, g = astgrad.value_and_grad(model.loss)(x)
    assert value == pytest.approx(model.loss(x))
    assert_close(g, numerical(model.loss, x))


@pytest.mark.parametrize("cls", [Layer, Deeper])
def test_gradient_wrt_attributes_follows_every_read(cls):
    """self.W is read in forward (through super() for Deeper) and in the property W2."""
    model = make(cls)
    x = RNG.normal(size=4)
    gW, gb, gx = astgrad.grad(model.loss, wrt=("self.W", "self.b", "x"))(x)
    assert_close(gW, numerical(lambda W: loss_with(cls, W, model.b, x), model.W))
    assert_close(gb, numerical(lambda b: loss_with(cls, model.W, b, x), model.b))
    assert_close(gx, numerical(model.loss, x))
    single = astgrad.grad(model.loss, wrt="self.W")(x)
    assert_close(single, gW)


@pytest.mark.parametrize("cls", [Layer, Deeper])
def test_forward_mode_and_vjp_of_a_method(cls):
    model = make(cls)
    x, v = RNG.normal(size=4), RNG.normal(size=4)
    out, tangent = astgrad.jvp(model.loss, (x,), (v,))
    assert out == pytest.approx(model.loss(x))
    assert tangent == pytest.approx(float(numerical(model.loss, x) @ v), rel=1e-6)
    out, pullback = astgrad.vjp(model.forward, x)
    cotangent = RNG.normal(size=3)
    (g,) = pullback(cotangent)
    assert_close(g, numerical_grad(model.forward, (x,), seed=cotangent))


@pytest.mark.parametrize("cls", [Layer, Deeper])
def test_second_order_of_a_method(cls):
    model = make(cls)
    x = RNG.normal(size=4)
    H = astgrad.hessian(model.loss)(x)
    assert_close(H, numerical_hessian(astgrad.grad(model.loss), (x,)), rtol=1e-4, atol=1e-5)
    v = RNG.normal(size=4)
    _, hv = astgrad.jvp(astgrad.grad(model.loss), (x,), (v,))
    assert_close(hv, H @ v, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("cls", [Layer, Deeper])
def test_hessian_vector_product_wrt_an_attribute(cls):
    model = make(cls)
    x, V = RNG.normal(size=4), RNG.normal(size=model.W.shape)
    hv = astgrad.hvp(model.loss, wrt="self.W")(x, V)

    def gradient_at(W):
        return astgrad.grad(cls(W, model.b).loss, wrt="self.W")(x)
    h = 1e-5
    expected = (gradient_at(model.W + h * V) - gradient_at(model.W - h * V)) / (2 * h)
    assert_close(hv, expected, rtol=1e-5, atol=1e-6)
    Hb = astgrad.hessian(model.loss, wrt="self.b")(x)
    assert_close(Hb, numerical_hessian(lambda b: astgrad.grad(cls(model.W, b).loss, wrt="self.b")(x),
                                       (model.b,)), rtol=1e-4, atol=1e-5)


def test_callable_object_and_calls_inside_code():
    model = make()
    x = RNG.normal(size=4)
    assert_close(astgrad.grad(model)(x), numerical(model, x))
    assert_close(astgrad.grad(model, wrt="self.b")(x),
                 numerical(lambda b: Layer(model.W, b)(x), model.b))

    def uses(x):
        return GLOBAL_MODEL(x) + GLOBAL_MODEL.loss(x * 2.0)
    globals()["GLOBAL_MODEL"] = model
    assert_close(astgrad.grad(uses)(x), numerical(uses, x))
    _, t = astgrad.jvp(uses, (x,), (np.ones(4),))
    assert t == pytest.approx(float(np.sum(numerical(uses, x))), rel=1e-6)


def test_static_and_class_methods_through_the_class():
    def f(x):
        return np.sum(Layer.scaled(Layer.activation(x)))
    x = RNG.normal(size=5)
    assert_close(astgrad.grad(f)(x), numerical(f, x))
    assert_close(astgrad.hessian(f)(x), numerical_hessian(astgrad.grad(f), (x,)), rtol=1e-4, atol=1e-5)


# -- adversarial ---------------------------------------------------------------------------

def test_attribute_rebound_between_calls_is_read_when_the_code_runs():
    model = make()
    x = RNG.normal(size=4)
    g = astgrad.grad(model.loss)
    g(x)
    model.W = RNG.normal(size=model.W.shape)
    assert_close(g(x), numerical(model.loss, x))
    gW = astgrad.grad(model.loss, wrt="self.W")
    model.b = RNG.normal(size=3)
    assert_close(gW(x), numerical(lambda W: Layer(W, model.b).loss(x), model.W))


def test_two_instances_do_not_share_parameters():
    a, b = make(), make()
    x = RNG.normal(size=4)
    ga, gb = astgrad.grad(a.loss, wrt="self.W"), astgrad.grad(b.loss, wrt="self.W")
    assert_close(ga(x), numerical(lambda W: Layer(W, a.b).loss(x), a.W))
    assert_close(gb(x), numerical(lambda W: Layer(W, b.b).loss(x), b.W))
    assert not np.allclose(ga(x), gb(x))


def test_a_method_redefined_on_the_class_regenerates_its_callers():
    class Model:
        def __init__(self):
            self.W = RNG.normal(size=(2, 3))

        def forward(self, x):
            return np.sin(self.W @ x)

        def loss(self, x):
            return np.sum(self.forward(x) ** 2)

    model = Model()
    x = RNG.normal(size=3)
    g = astgrad.grad(model.loss)
    assert_close(g(x), numerical(model.loss, x))

    def forward(self, x):
        return np.exp(self.W @ x)
    Model.forward = forward
    assert_close(g(x), numerical(model.loss, x))


def test_a_method_hidden_by_an_instance_attribute_is_refused():
    model = make()
    g = astgrad.grad(model.loss)
    model.forward = lambda x: x
    with pytest.raises(TypeError, match="hidden by an attribute of the instance"):
        g(RNG.normal(size=4))


def test_property_computing_from_a_differentiated_attribute():
    class Circle:
        def __init__(self, r):
            self.r = r

        @property
        def area(self):
            return np.pi * self.r ** 2

        def cost(self, scale):
            return self.area * scale

    c = Circle(1.3)
    assert astgrad.grad(c.cost, wrt="self.r")(2.0) == pytest.approx(2 * np.pi * 1.3 * 2.0)
    assert astgrad.grad(c.cost)(2.0) == pytest.approx(np.pi * 1.3 ** 2)


def test_property_of_an_argument_of_unknown_class_is_refused_not_wrong():
    @dataclasses.dataclass
    class Params:
        w: float

        @property
        def w2(self):
            return self.w * self.w

    def f(p):
        return p.w2
    with pytest.raises(TypeError, match="w2 is a property"):
        astgrad.grad(f)(Params(2.0))

    def g(p):
        return p.w2 * 3.0       # an operand of *: p's class is known, and the property followed
    assert astgrad.grad(g)(Params(2.0)).w == pytest.approx(12.0)
    assert astgrad.jvp(g, (Params(2.0),), (Params(1.0),))[1] == pytest.approx(12.0)


def test_wrt_naming_a_missing_attribute_or_parameter():
    model = make()
    with pytest.raises(ValueError, match="has no attribute 'Q'"):
        astgrad.grad(model.loss, wrt="self.Q")
    with pytest.raises(ValueError, match="no parameter named 'W'"):
        astgrad.grad(model.loss, wrt="W")
    with pytest.raises(ValueError, match="names the same value twice"):
        astgrad.grad(model.loss, wrt=("self.W", "self.W"))


def dict_loss(params, x):
    return np.sum(np.tanh(params["layer"]["W"] @ x + params["b"]) ** 2)


DICT_PARAMS = {"layer": {"W": np.array([[0.5, -0.2], [0.3, 0.8]])}, "b": np.array([0.1, -0.1])}
DICT_X = np.array([1.0, 2.0])


def _loss_of_b(b):
    return dict_loss({"layer": DICT_PARAMS["layer"], "b": b}, DICT_X)


def test_wrt_paths_into_dict_arguments_name_keys_in_brackets():
    expected_W = numerical_grad(lambda W: dict_loss({"layer": {"W": W}, "b": DICT_PARAMS["b"]}, DICT_X),
                                (DICT_PARAMS["layer"]["W"],))
    assert_close(astgrad.grad(dict_loss, wrt="params['layer']['W']")(DICT_PARAMS, DICT_X), expected_W)
    g_b, g_x = astgrad.grad(dict_loss, wrt=('params["b"]', "x"))(DICT_PARAMS, DICT_X)
    assert_close(g_b, numerical_grad(_loss_of_b, (DICT_PARAMS["b"],)))
    assert_close(astgrad.hessian(dict_loss, wrt="params['b']")(DICT_PARAMS, DICT_X),
                 numerical_hessian(astgrad.grad(_loss_of_b), (DICT_PARAMS["b"],)), rtol=1e-4, atol=1e-6)


def test_wrt_paths_into_dicts_say_what_is_wrong():
    with pytest.raises(ValueError, match=r"params \(dict\) has no key 'Q'; its keys are \['layer', 'b'\]"):
        astgrad.grad(dict_loss, wrt="params['Q']")(DICT_PARAMS, DICT_X)
    with pytest.raises(ValueError, match=r"params is a dict; name its key in brackets, wrt=\"params\['b'\]\""):
        astgrad.grad(dict_loss, wrt="params.b")(DICT_PARAMS, DICT_X)
    with pytest.raises(ValueError, match=r"x \(ndarray object\) is not a dict"):
        astgrad.grad(dict_loss, wrt="x['b']")(DICT_PARAMS, DICT_X)


def test_attribute_assignment_in_a_method_is_refused():
    class Bad:
        def __init__(self):
            self.W = np.ones(3)

        def loss(self, x):
            self.W = self.W * 2.0
            return np.sum(self.W * x)
    with pytest.raises(astgrad.TransformError, match="assignment to an attribute"):
        astgrad.grad(Bad().loss)(np.ones(3))


def test_differentiable_decorated_method():
    class Model:
        def __init__(self):
            self.w = 3.0

        @astgrad.differentiable
        def loss(self, x):
            return self.w * x ** 2

    m = Model()
    assert m.loss(2.0) == 12.0
    assert astgrad.grad(m.loss)(2.0) == pytest.approx(12.0)
    assert astgrad.grad(m.loss, wrt="self.w")(2.0) == pytest.approx(4.0)


# -- dataclasses, namedtuples, nested structures -------------------------------------------

@dataclasses.dataclass
class Params:
    W: np.ndarray
    b: np.ndarray
    steps: int = 2
    name: str = "mlp"


Pair = collections.namedtuple("Pair", "W b")


def mlp(params, x):
    h = x
    for _ in range(params.steps):
        h = np.tanh(params.W @ h + params.b)
    return np.sum(h ** 2)


def test_dataclass_gradient_is_the_same_dataclass():
    p = Params(RNG.normal(size=(3, 3)) * 0.5, RNG.normal(size=3))
    x = RNG.normal(size=3)
    g = astgrad.grad(mlp)(p, x)
    assert type(g) is Params and g.steps == 0.0 and g.name is None   # an int gets a zero, as for arguments
    assert_close(g.W, numerical(lambda W: mlp(Params(W, p.b), x), p.W))
    assert_close(g.b, numerical(lambda b: mlp(Params(p.W, b), x), p.b))
    gW = astgrad.grad(mlp, wrt="params.W")(p, x)
    assert_close(gW, g.W)
    # forward mode: a tangent is an instance of the same dataclass
    t = Params(RNG.normal(size=(3, 3)), RNG.normal(size=3), None, None)
    _, tangent = astgrad.jvp(mlp, (p, x), (t, np.zeros(3)))
    assert tangent == pytest.approx(float(np.sum(g.W * t.W) + np.sum(g.b * t.b)), rel=1e-6)
    (pulled, _) = astgrad.vjp(mlp, p, x)[1](1.0)
    assert type(pulled) is Params
    assert_close(pulled.W, g.W)


def test_dataclass_second_order():
    p = Params(RNG.normal(size=(3, 3)) * 0.5, RNG.normal(size=3))
    x = RNG.normal(size=3)
    V = RNG.normal(size=(3, 3))
    hv = astgrad.hvp(mlp, wrt="params.W")(p, x, V)
    h = 1e-5
    grad_W = astgrad.grad(mlp, wrt="params.W")
    expected = (grad_W(Params(p.W + h * V, p.b), x) - grad_W(Params(p.W - h * V, p.b), x)) / (2 * h)
    assert_close(hv, expected, rtol=1e-5, atol=1e-6)
    Hx = astgrad.hessian(mlp, wrt="x")(p, x)
    assert_close(Hx, numerical_hessian(lambda x: astgrad.grad(mlp, wrt="x")(p, x), (x,)),
                 rtol=1e-4, atol=1e-5)


def test_namedtuple_read_by_field_and_by_index():
    def f(pair, x):
        return np.sum(np.sin(pair.W @ x) * pair[1]) + np.sum(pair.W ** 2)
    pair = Pair(RNG.normal(size=(2, 3)), RNG.normal(size=2))
    x = RNG.normal(size=3)
    g = astgrad.grad(f)(pair, x)
    assert type(g) is Pair
    assert_close(g.W, numerical(lambda W: f(Pair(W, pair.b), x), pair.W))
    assert_close(g.b, numerical(lambda b: f(Pair(pair.W, b), x), pair.b))
    _, t = astgrad.jvp(f, (pair, x), (Pair(np.ones((2, 3)), np.zeros(2)), np.zeros(3)))
    assert t == pytest.approx(float(np.sum(g.W)), rel=1e-6)


def test_nested_structures_as_parameters_and_results():
    def f(tree, x):
        layer = tree["layers"][1]
        return (np.sum(tree["layers"][0].W @ x) * layer.b[0] + tree["scale"][0] * np.sum(layer.W)
                + tree["pair"].b[1] ** 2)
    tree = {"layers": [Params(RNG.normal(size=(2, 3)), RNG.normal(size=2)),
                       Params(RNG.normal(size=(2, 3)), RNG.normal(size=2))],
            "scale": (1.5, 2), "pair": Pair(RNG.normal(size=2), RNG.normal(size=2))}
    x = RNG.normal(size=3)
    g = astgrad.grad(f)(tree, x)
    assert type(g) is dict and type(g["layers"]) is list and type(g["scale"]) is tuple
    assert type(g["layers"][0]) is Params and type(g["pair"]) is Pair
    assert_close(g["layers"][0].W, np.outer(np.ones(2), x) * tree["layers"][1].b[0])
    assert_close(g["layers"][1].b, [np.sum(tree["layers"][0].W @ x), 0.0])
    assert g["scale"][0] == pytest.approx(np.sum(tree["layers"][1].W))
    assert_close(g["pair"].b, [0.0, 2 * tree["pair"].b[1]])

    def out(x):
        return {"a": [x * 2.0, (np.sin(x), x ** 3)], "b": Pair(x, x ** 2)}
    value, pullback = astgrad.vjp(out, x)
    (gx,) = pullback({"a": [np.ones(3), (np.ones(3), np.ones(3))], "b": Pair(np.ones(3), np.ones(3))})
    assert_close(gx, 2.0 + np.cos(x) + 3 * x ** 2 + 1.0 + 2 * x)
    _, tangent = astgrad.jvp(out, (x,), (np.ones(3),))
    assert type(tangent) is dict and type(tangent["a"]) is list and type(tangent["a"][1]) is tuple
    assert type(tangent["b"]) is Pair
    assert_close(tangent["b"].b, 2 * x)


def test_the_generated_method_code_reads_like_the_method():
    model = make()
    text = astgrad.grad(model.loss, wrt="self.W").plain.source
    assert "grad_forward(self, x" in text and "W2(self)" in text


def test_dataclass_built_inside_the_code():
    def step(params, x):
        moved = Params(W=params.W * 2.0, b=np.sin(params.b))
        return np.sum(moved.W @ x + moved.b) * moved.steps
    p = Params(RNG.normal(size=(2, 3)), RNG.normal(size=2))
    x = RNG.normal(size=3)
    g = astgrad.grad(step)(p, x)
    assert_close(g.W, numerical(lambda W: step(Params(W, p.b), x), p.W))
    assert_close(g.b, numerical(lambda b: step(Params(p.W, b), x), p.b))
    _, t = astgrad.jvp(step, (p, x), (Params(np.zeros((2, 3)), np.ones(2), None, None), np.zeros(3)))
    assert t == pytest.approx(float(np.sum(g.b)), rel=1e-6)

    def build(x):
        return Params(W=x * 3.0, b=x ** 2)
    (gx,) = astgrad.vjp(build, x)[1](Params(np.ones(3), np.ones(3), None, None))
    assert_close(gx, 3.0 + 2 * x)


# -- a list of layers a global or a closure holds, looped over ------------------------------

class Squash:
    def __init__(self, s):
        self.s = s

    def forward(self, x):
        return np.tanh(x * self.s)


class Square(Squash):
    def forward(self, x):
        return x ** 2 * self.s


LAYERS = [Squash(0.5), Square(2.0)]


def through_global_layers(x):
    for layer in LAYERS:
        x = layer.forward(x)
    return np.sum(x)


def make_network(layer_specs):
    def loss(x):                    # autograd's convnet.py: the factory's closure holds the layers
        for layer in layer_specs:
            x = layer.forward(x)
        return np.sum(x)
    return loss


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", [through_global_layers, make_network((Square(1.5), Squash(0.7), Square(0.5)))],
                         ids=["global", "closure"])
def test_a_loop_over_a_list_of_layers_a_global_or_closure_holds(mode, f):
    """Was refused (no rule for .forward()): the list's classes were known only for a
    list given as an argument."""
    from breadth_modes import check
    check(mode, f, (np.array([0.3, -0.2, 0.8]),), (0,))


def test_a_global_list_of_layers_changed_between_calls_makes_new_code():
    x = np.array([0.3, -0.2, 0.8])
    d = astgrad.grad(through_global_layers)
    d(x)
    LAYERS.append(Square(0.5))              # one more layer, and then one of another class
    try:
        assert_close(d(x), numerical_grad(through_global_layers, (x,)), 1e-6, 1e-7)
        LAYERS[0] = Square(1.5)
        assert_close(d(x), numerical_grad(through_global_layers, (x,)), 1e-6, 1e-7)
    finally:
        LAYERS[:] = [Squash(0.5), Square(2.0)]
    assert_close(d(x), numerical_grad(through_global_layers, (x,)), 1e-6, 1e-7)
