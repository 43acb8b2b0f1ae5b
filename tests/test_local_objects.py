"""Objects the differentiated code builds itself: instances of module-level classes
(``Dense(W, b)``, a list of layers, a classmethod or method returning a new object),
``types.SimpleNamespace``, attribute writes on such objects (``p.W = p.W * 2``) and
methods that store attributes of ``self`` (an RNN cell stepping its state). Every mode
against central finite differences (tests/breadth_modes.py), on random inputs of
several shapes; and the writes astgrad cannot follow refused, never answered wrongly."""

import collections
import functools
import dataclasses
import types
from collections import defaultdict

import numpy as np
import pytest

import astgrad
from breadth_modes import MODES, cases_in_modes, check


class Dense:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def __call__(self, h):
        return np.tanh(self.W @ h + self.b)


class MLP:
    def __init__(self, layers, scale=1.0):
        self.layers = list(layers)
        self.scale = scale

    def __call__(self, x):
        h = x
        for layer in self.layers:
            h = layer(h)
        return h * self.scale

    def loss(self, x):
        return np.sum(self(x) ** 2)


class Quad:
    def __init__(self, A):
        self.A = A

    def value(self, v):
        return np.sum((self.A @ v) ** 2)


class Polynomial:
    def __init__(self, coeffs):
        self.coeffs = coeffs

    def __call__(self, z):
        return sum(c * z ** k for k, c in enumerate(self.coeffs))

    def derivative(self):
        return Polynomial([k * c for k, c in enumerate(self.coeffs)][1:])


class Scaled:
    def __init__(self, W, temp=1.0):
        self.W = W
        self.temp = temp

    @classmethod
    def make(cls, s, n):
        return cls(np.eye(n) * s, temp=1.5)

    @property
    def scaled(self):
        return self.W / self.temp

    def apply(self, x):
        return np.sum(np.sin(self.scaled @ x))


class Cell:
    """An RNN cell keeping its state on itself."""

    def __init__(self, W, U):
        self.W = W
        self.U = U
        self.h = np.zeros(W.shape[0])
        self.steps = 0

    def step(self, x):
        self.h = np.tanh(self.W @ self.h + self.U @ x)
        self.steps = self.steps + 1
        return self.h


def mlp(x, w):
    A = np.linspace(-0.5, 0.7, x.size * x.size).reshape(x.size, x.size)
    net = MLP([Dense(A * w, np.zeros(x.size)), Dense(A.T, np.ones(x.size) * w)], scale=w)
    return net.loss(x)


def layers_loop(x, w):
    layers = [Dense(np.eye(x.size) * w, x), Dense(np.eye(x.size), np.sin(x))]
    h = x
    for layer in layers:
        h = layer(h)
    return np.sum(h ** 2)


def built_and_called(x, w):
    return Quad(np.outer(x, x) * w).value(x + w)


def method_returning_an_object(x, w):
    p = Polynomial([1.0, w, 0.5, w * w])
    dp = p.derivative()
    return np.sum(p(x) + dp(x) ** 2)


def classmethod_property(x, w):
    model = Scaled.make(w, x.size)
    return model.apply(x) + model.apply(x * 2)


def attribute_writes(x, w):
    p = Dense(np.eye(x.size) * w, x * 1.5)
    p.W = p.W * 2 + np.outer(x, x)
    p.b = p.b + w
    if w > 0:
        p.b = p.b * x
    return np.sum(p(x))


def namespace(x, w):
    s = types.SimpleNamespace(scale=w)
    s.h = np.tanh(x * s.scale)
    for _ in range(3):
        s.h = s.h * s.h + x
    return np.sum(s.h)


@dataclasses.dataclass
class Params:
    W: np.ndarray
    b: float


def dataclass_updated(x, w):
    p = Params(W=np.outer(x, x), b=w)
    p.W = p.W * p.b
    p.b = p.b ** 2
    return np.sum(p.W) + p.b


def rnn_cell(x, w):
    n = x.size
    cell = Cell(np.eye(n) * w, np.outer(x, x) * 0.3)
    out = 0.0
    for t in range(3):
        out = out + np.sum(cell.step(x * (t + 1)))
    return out * cell.steps + np.sum(cell.h)


def grouped_sums(x, w):
    acc = defaultdict(float)
    for i in range(x.size):
        acc[i % 2] += x[i] * w
    return acc[0] * acc[1] + acc[7] + len(acc)


def grouped_arrays(x, w):
    acc = collections.defaultdict(lambda: np.zeros(2))
    for i in range(x.size - 1):
        acc[(i + 1) % 2] = acc[(i + 1) % 2] + x[i:i + 2] * w
    total = 0.0
    for k, v in acc.items():
        total = total + (k + 1) * np.sum(np.sin(v))
    return total


@dataclasses.dataclass
class Momentum:
    lr: float = 0.1
    m: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(3))
    history: list = dataclasses.field(default_factory=list)


def default_factory(x, w):
    opt = Momentum(lr=w)
    theta = x[:3]
    for _ in range(3):
        opt.m = 0.9 * opt.m + np.sin(theta)
        theta = theta - opt.lr * opt.m
    return np.sum(theta ** 2) + len(opt.history)


def class_in_the_body(x, w):
    @dataclasses.dataclass
    class Affine:
        A: np.ndarray
        c: float

        def __call__(self, v):
            return self.A @ v + self.c

    aff = Affine(np.outer(x, x) * w, 0.5)
    return np.sum(np.sin(aff(x)))


def layer_class_in_the_body(x, w):
    class Layer:
        def __init__(self, W):
            self.W = W

        def __call__(self, h):
            return np.tanh(self.W * h)

    layers = [Layer(w), Layer(x)]
    h = x
    for layer in layers:
        h = layer(h)
    return np.sum(h)


POLY = Polynomial([1.0, 0.5, -0.3, 0.2])


def global_object_method_returning_an_object(x, w):
    d = POLY.derivative()
    return np.sum(POLY(x * w)) + np.sum(d(x) * w)


PROGRAMS = [mlp, layers_loop, built_and_called, method_returning_an_object, classmethod_property,
            attribute_writes, namespace, dataclass_updated, rnn_cell, grouped_sums, grouped_arrays, class_in_the_body, layer_class_in_the_body,
            global_object_method_returning_an_object]


@pytest.mark.parametrize("f, mode", list(cases_in_modes(PROGRAMS)))     # every mode at thorough
@pytest.mark.parametrize("n, seed", [(3, 0), (2, 1)])
def test_every_mode_against_finite_differences(f, mode, n, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-0.8, 0.8, n)
    w = float(rng.uniform(0.4, 0.9))
    check(mode, f, (x, w), (0, 1), seed=seed)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("seed", [0, 1])
def test_dataclass_default_factory(mode, seed):
    rng = np.random.default_rng(seed)
    check(mode, default_factory, (rng.uniform(-0.8, 0.8, 3), float(rng.uniform(0.4, 0.9))), (0, 1), seed=seed)


def kept_default_dict(x, w):
    acc = defaultdict(float)
    acc[0] += w
    return _sum_two(acc) * x[0]


def _sum_two(d):
    return d[0] + d[1]


@pytest.mark.parametrize("mode", ("grad", "jvp", "hessian"))
def test_a_defaultdict_handed_on_is_left_as_it_is(mode):
    """A defaultdict given to a helper stays one (the helper reads a missing key, which
    stores 0.0 there): the values are Python's, and so is the derivative."""
    x = np.array([0.5, 0.2])
    assert kept_default_dict(x, 2.0) == 1.0
    check(mode, kept_default_dict, (x, 2.0), (0, 1))


def test_gradient_keeps_the_structure_of_the_arguments():
    def loss(params, x):
        net = MLP([Dense(params["W"], params["b"])])
        return net.loss(x)
    params = {"W": np.eye(3) * 0.5, "b": np.ones(3) * 0.1}
    g = astgrad.grad(loss)(params, np.array([0.3, -0.2, 0.5]))
    assert isinstance(g, dict) and set(g) == {"W", "b"} and g["W"].shape == (3, 3)
    eps = 1e-6
    e = np.zeros(3)
    e[1] = eps
    up = loss({"W": params["W"], "b": params["b"] + e}, np.array([0.3, -0.2, 0.5]))
    down = loss({"W": params["W"], "b": params["b"] - e}, np.array([0.3, -0.2, 0.5]))
    assert np.isclose(g["b"][1], (up - down) / (2 * eps), rtol=1e-6, atol=1e-9)


# -- what is refused ---------------------------------------------------------------------


def aliased(x, w):
    p = Dense(np.eye(x.size), x)
    if x[0] > 0.0:
        q = p               # an alias in a branch (q = p at the top is p itself: test_self_chains.py)
    else:
        q = Dense(np.eye(x.size), w * x)
    q.W = q.W * w
    return np.sum(p(x))


def escaped(x, w):
    p = Dense(np.eye(x.size), x)
    held = [p]
    p.W = p.W * w
    return np.sum(held[0](x))


def argument_object(x, layer):
    layer.W = layer.W * 2
    return np.sum(layer(x))


@pytest.mark.parametrize("f", [aliased, escaped], ids=lambda f: f.__name__)
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_object_also_named_otherwise_is_refused(f, mode):
    x = np.array([0.3, -0.4, 0.9])
    with pytest.raises(astgrad.TransformError, match="assignment to an attribute"):
        if mode == "grad":
            astgrad.grad(f, wrt=(0, 1))(x, 0.7)
        else:
            astgrad.jvp(f, (x, 0.7), (np.ones(3), 1.0))


def test_an_object_from_outside_keeps_the_old_refusal():
    with pytest.raises(astgrad.TransformError, match="cannot differentiate assignment to an attribute; assign to a "
                                                     "local name or an array element instead"):
        astgrad.grad(argument_object)(np.array([0.3, -0.4]), Dense(np.eye(2), np.zeros(2)))


def test_a_method_redefined_between_calls_is_followed_again():
    class Layer:
        def __init__(self, W):
            self.W = W

        def apply(self, x):
            return np.sum(self.W * x)

    globals()["_Layer"] = Layer
    try:
        def f(x, w):
            return _Layer(w).apply(x)     # noqa: F821 - a global bound above
        x = np.array([0.5, -1.0])
        assert np.allclose(astgrad.grad(f, wrt=1)(x, 2.0), np.sum(x))
        Layer.apply = lambda self, x: np.sum(self.W ** 2 * x)
        assert np.allclose(astgrad.grad(f, wrt=1)(x, 2.0), 2 * 2.0 * np.sum(x))
    finally:
        del globals()["_Layer"]


def test_the_object_given_to_a_method_is_not_changed_by_the_derivative():
    def f(W, x):
        cell = Cell(W, np.eye(2))
        first = cell.step(x)
        second = cell.step(x)
        return np.sum(first * second)
    W, x = np.array([[0.3, -0.1], [0.2, 0.4]]), np.array([0.5, -0.7])
    g = astgrad.grad(f)(W, x)
    eps = 1e-6
    fd = np.zeros_like(W)
    for i in range(2):
        for j in range(2):
            E = np.zeros_like(W)
            E[i, j] = eps
            fd[i, j] = (f(W + E, x) - f(W - E, x)) / (2 * eps)
    assert np.allclose(g, fd, rtol=1e-6, atol=1e-8)


def reads_a_local(x, w):
    class Layer:
        def __call__(self, h):
            return h * w
    return np.sum(Layer()(x))


def names_itself(x, w):
    class Poly:
        def __init__(self, c):
            self.c = c

        def scaled(self, s):
            return Poly(self.c * s)
    return np.sum(Poly(x).scaled(w).c)


def class_body_naming_itself(x, w):
    class Poly:
        unit = Poly                         # NameError in Python: the class is not made yet

        def __init__(self, c):
            self.c = c
    return np.sum(Poly(x).c * w)


def class_in_a_branch(x, w):
    if w > 0:
        class Layer:
            def __call__(self, h):
                return h
    return np.sum(x * w)


@pytest.mark.parametrize("f, message", [
    (reads_a_local, "a class definition reading the local variable 'w'"),
    (class_body_naming_itself, r"test_local_objects.py:\d+: astgrad cannot differentiate a class definition that "
                               r"fails when it is made \(NameError: name 'Poly' is not defined\)"),
    (class_in_a_branch, "a class definition; ")])
def test_class_statements_refused_with_the_reason(f, message):
    with pytest.raises(astgrad.TransformError, match=message):
        astgrad.grad(f, wrt=(0, 1))(np.array([0.3, -0.4]), 0.7)
    check("grad", names_itself, (np.array([0.3, -0.4]), 0.7), (0, 1))     # the next one works


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_a_class_naming_itself_in_a_method_is_followed(mode):
    """As in Python, the method finds the class when it runs (it was refused: a class
    definition naming itself)."""
    check(mode, names_itself, (np.array([0.3, -0.4]), 0.7), (0, 1))


def namedtuple_base_imported_in_the_function(x, w):
    from typing import NamedTuple

    class Theta(NamedTuple):
        mu: np.ndarray
        tau: float

    th = Theta(mu=x, tau=w)
    return np.sum((x - th.mu * 0.5) ** 2) * th.tau


def dataclass_decorator_imported_in_the_function(x, w):
    import dataclasses as dc

    @dc.dataclass
    class Scaled:
        a: np.ndarray
        b: float

        def energy(self):
            return np.sum(self.a ** 2) * self.b

    return Scaled(x, w).energy()


IMPORTED_IN_THE_FUNCTION = [namedtuple_base_imported_in_the_function, dataclass_decorator_imported_in_the_function]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", IMPORTED_IN_THE_FUNCTION, ids=lambda f: f.__name__)
def test_class_statement_whose_base_or_decorator_the_function_imports(f, mode):
    """The class is made with the names the function's imports bind (it was refused:
    a class definition that fails when it is made, NameError)."""
    check(mode, f, (np.array([0.3, -0.4]), 0.7), (0, 1))


class Counting:
    def __init__(self, W):
        self.W = W
        self.calls = 0

    def __call__(self, h):
        self.calls = self.calls + 1
        return np.tanh(self.W * h)


def state_of_objects_in_a_list(x, w):
    layers = [Counting(w), Counting(x)]
    h = x
    for layer in layers:
        h = layer(h)
    return np.sum(h) * layers[0].calls


def test_a_method_storing_state_on_an_object_in_a_list_is_refused():
    """The objects went into a list: their changes are not followed, so refused."""
    with pytest.raises(astgrad.TransformError):
        astgrad.grad(state_of_objects_in_a_list, wrt=(0, 1))(np.array([0.3, -0.4]), 0.7)


class Registered:
    def __init__(self, W):
        self.W = W
        _keep(self)


def _keep(obj):
    return obj


@dataclasses.dataclass(frozen=True)
class Frozen:
    a: float


class WithSetter:
    def __init__(self, a):
        self._a = a

    @property
    def a(self):
        return self._a

    @a.setter
    def a(self, v):
        self._a = v


def init_hands_self_on(x, w):
    return np.sum(Registered(x * w).W)


def frozen_written(x, w):
    p = Frozen(w)
    p.a = p.a * 2
    return p.a * np.sum(x)


def property_written(x, w):
    p = WithSetter(w)
    p.a = w * 2
    return p._a * np.sum(x)


class Logging:
    def __init__(self):
        self.items = []

    def add(self, v):
        self.items.append(v)


def logged_with_a_second_name(x, w):
    log = Logging()
    seen = log.items                # a second name for the list: it shows the appends too
    for k in range(2):
        log.add(x[k] * w)
    return sum(v ** 2 for v in seen)


@pytest.mark.parametrize("f, message", [
    (init_hands_self_on, "no adjoint rule for test_local_objects.Registered"),
    (frozen_written, "assignment to an attribute"),
    (property_written, "assignment to an attribute"),
    # named as written, not as astgrad's copy Logging_add, with advice that fits a method
    (logged_with_a_second_name, r"the call of Logging\.add changes the object it is called on in place \(the method "
                         r"call \.append\(\) at .*test_local_objects\.py:\d+: self\.items\.append\(v\)\).* "
                         r"In Logging\.add, store a new value in the attribute instead .*\(self\.items = self\.items \+ \[v\]")])
def test_objects_astgrad_does_not_follow_are_refused(f, message):
    with pytest.raises(astgrad.TransformError, match=message):
        astgrad.grad(f, wrt=(0, 1))(np.array([0.3, -0.4]), 0.7)


class Augmenting:
    def __init__(self, W):
        self.W = W
        self.h = np.zeros(W.shape[0])

    def step(self, x):
        self.h += self.W @ x
        return self.h


def augmented_state(x, w):
    cell = Augmenting(np.eye(x.size) * w)
    cell.step(x)
    return np.sum(cell.step(x))


def test_a_method_augmenting_an_attribute_of_self_is_refused():
    """``self.h += v`` writes into the array the object held before the call (Python's
    in-place add): not a new state, so refused with the way out."""
    with pytest.raises(astgrad.TransformError, match=r"augmented assignment to an attribute of self in "
                                                     r"Augmenting.step.*write self.a = self.a \+ v there"):
        astgrad.grad(augmented_state, wrt=(0, 1))(np.array([0.3, -0.4]), 0.7)


class Tally:
    """A counter: ``self.count`` only ever holds a number (``= 0`` and ``+= 1``)."""

    def __init__(self):
        self.count = 0
        self.total = 0.0

    def bump(self, v):
        self.count += 1
        self.total = self.total + v
        return self.count


def counted_steps(x, w):
    tally = Tally()
    for v in x:
        tally.bump(v * w)
    return tally.total * tally.count + np.sum(x * x) * w


def counter_set_by_the_caller(x, w):
    tally = Tally()
    tally.count = x * w                 # now an array: += would change it in place
    tally.bump(w)
    return np.sum(tally.count)


class Scaling:
    def __init__(self):
        self.count = 1

    def bump(self):
        self.count *= 2                 # not a += or -= of a number: stays refused
        return self.count


def scaled_counter(x, w):
    s = Scaling()
    s.bump()
    return np.sum(x) * w * s.count


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("n, seed", [(3, 0), (2, 1)])
def test_a_counter_attribute_augmented_by_a_method_is_followed(mode, n, seed):
    """``self.count += 1`` on an attribute that only holds numbers binds a new number, as
    Python does, so the method is followed as a new state."""
    rng = np.random.default_rng(seed)
    check(mode, counted_steps, (rng.uniform(-0.8, 0.8, n), float(rng.uniform(0.4, 0.9))), (0, 1), seed=seed)


@pytest.mark.parametrize("f", [counter_set_by_the_caller, scaled_counter], ids=lambda f: f.__name__)
def test_a_counter_that_may_hold_an_array_is_still_refused(f):
    with pytest.raises(astgrad.TransformError, match=r"augmented assignment to an attribute of self"):
        astgrad.grad(f, wrt=(0, 1))(np.array([0.3, -0.4]), 0.7)


class Appending:
    def __init__(self, layers):
        self.layers = list(layers)
        self.layers.append(Dense(np.eye(2) * 2.0, np.zeros(2)))

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class Growing:
    def __init__(self, layers):
        self.layers = layers

    def add(self, layer):
        self.layers.append(layer)

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def init_appends_a_layer(x, w):
    return np.sum(Appending([Dense(np.eye(2) * w, x)])(x))


def method_appends_a_layer(x, w):
    net = Growing([Dense(np.eye(2) * w, x)])
    net.add(Dense(np.eye(2) * 3.0, x))
    return np.sum(net(x))


@pytest.mark.parametrize("f", [init_appends_a_layer, method_appends_a_layer], ids=lambda f: f.__name__)
def test_a_list_of_layers_changed_in_place_is_not_taken_for_what_it_was(f):
    """The layers a loop runs are those the list holds when it runs: a list changed by
    __init__ or by a method is refused, never run with the layers it had before."""
    with pytest.raises(astgrad.TransformError):
        astgrad.grad(f, wrt=(0, 1))(np.array([0.3, -0.4]), 0.7)


# -- **d into a helper with **kwargs -----------------------------------------------------


def _inner_kw(x, a=1.0, b=2.0, power=1):
    return a * np.sin(x) ** power + b


def _middle_kw(x, **kwargs):
    kwargs.setdefault("b", 0.5)
    return _inner_kw(x, **kwargs)


def _outer_kw(x, scale, **kwargs):
    return scale * _middle_kw(x, **kwargs)


def kwargs_dict_built_then_spread(x, w):
    opts = dict(a=w)
    opts["b"] = np.sum(x)
    more = {**opts, "power": 2}
    first = np.sum(_outer_kw(x, 1.0, **more)) + np.sum(_middle_kw(x, **opts))
    opts["power"] = 3
    return first + np.sum(_middle_kw(x * w, **opts))


def kwargs_key_stored_in_a_branch(x, w):
    opts = {"a": w}
    if w > 0:
        opts["b"] = w
    return np.sum(_middle_kw(x, **opts))


@pytest.mark.parametrize("mode", MODES)
def test_a_dict_with_keys_known_from_the_code_spread_into_kwargs(mode):
    rng = np.random.default_rng(3)
    check(mode, kwargs_dict_built_then_spread, (rng.uniform(-0.8, 0.8, 3), 0.7), (0, 1))


def test_a_dict_whose_keys_depend_on_a_branch_keeps_the_old_refusal():
    with pytest.raises(astgrad.TransformError, match="kwargs unpacking of a value that is not a dict display"):
        astgrad.grad(kwargs_key_stored_in_a_branch, wrt=(0, 1))(np.array([0.3, -0.4]), 0.7)


# -- a helper decorated with functools.lru_cache -------------------------------------

@functools.lru_cache(maxsize=None)
def _cached_square(v):
    return v * v


@functools.cache
def _cached_poly(v, power=2):
    return v ** power + np.sin(v)


@functools.lru_cache(maxsize=None)
def _cached_noisy(v):
    return v * np.random.rand()


_CALLS = 0


@functools.lru_cache(maxsize=None)
def _cached_counting(v):
    global _CALLS
    _CALLS = _CALLS + 1
    return v * _CALLS


def cached_helpers_on_floats(x, w):
    return _cached_square(x * w) + _cached_square(w) + _cached_poly(x, power=3)


def cached_helper_drawing_random_numbers(x, w):
    return _cached_noisy(x * w)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("seed", [0, 1])
def test_a_pure_lru_cached_helper_is_followed_through_its_wrapped_function(mode, seed):
    rng = np.random.default_rng(seed)
    x, w = rng.uniform(-1.2, 1.2, 2)
    check(mode, cached_helpers_on_floats, (float(x), float(w)), (0, 1), seed=seed)


def test_a_cached_helper_whose_result_changes_from_call_to_call_is_refused():
    with pytest.raises(astgrad.TransformError, match=r"cached helper _cached_noisy.*numpy.random.rand"):
        astgrad.grad(cached_helper_drawing_random_numbers, wrt=(0, 1))(0.3, 0.8)


def test_a_cached_helper_writing_a_global_is_refused():
    def f(x, w):
        return _cached_counting(x * w) + _cached_counting(x * w)
    with pytest.raises(astgrad.TransformError, match=r"cached helper _cached_counting, which writes a global"):
        astgrad.grad(f, wrt=(0, 1))(0.3, 0.8)


_CACHE_SCALE = 2.0


@functools.lru_cache(maxsize=None)
def _cached_scaled(v):
    return v * _CACHE_SCALE


def test_a_cached_helper_reading_a_global_value_is_refused():
    """The cache keeps what the helper computed with the global's value then: after
    ``_CACHE_SCALE`` is rebound, ``f`` still returns the old products, which the wrapped
    function's derivative would not describe."""
    def f(x, w):
        return _cached_scaled(x * w)
    with pytest.raises(astgrad.TransformError, match=r"cached helper _cached_scaled, which reads the global "
                                                     r"'_CACHE_SCALE'"):
        astgrad.grad(f, wrt=(0, 1))(0.3, 0.8)


# -- namedtuple._make ------------------------------------------------------------------

_MadeCfg = collections.namedtuple("_MadeCfg", ["lr", "steps", "decay"], defaults=[3, 0.9])


class _OwnMake(collections.namedtuple("_OwnMakeBase", ["a", "b"])):
    @classmethod
    def _make(cls, items):
        return cls(items[1], items[0])


def namedtuple_made_from_a_list(x, w):
    c = _MadeCfg._make([w, 2, x[0]])
    return c.lr * c.decay * c.steps + np.sum(x * c.lr)


def namedtuple_made_from_a_name(x, w):
    items = (x * w, 2, np.sin(w))
    c = _MadeCfg._make(items)
    return np.sum(c.lr * c.decay) * c.steps


def namedtuple_made_from_too_few_items(x, w):
    c = _MadeCfg._make([w, 2])
    return c.lr


def namedtuple_made_by_its_own_make(x, w):
    c = _OwnMake._make([x[0] * w, w])
    return c.a * 2.0 + c.b


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", [namedtuple_made_from_a_list, namedtuple_made_from_a_name])
@pytest.mark.parametrize("shape", [(3,), (5,)])
def test_namedtuple_make_builds_the_tuple_as_its_class_call(mode, f, shape):
    rng = np.random.default_rng(len(shape) + shape[0])
    check(mode, f, (rng.uniform(-1, 1, shape), float(rng.uniform(0.3, 1.2))), (0, 1))


def test_namedtuple_make_with_the_wrong_count_is_refused():
    with pytest.raises(astgrad.TransformError, match=r"_MadeCfg._make of 2 items for 3 fields"):
        astgrad.grad(namedtuple_made_from_too_few_items, wrt=(0, 1))(np.array([0.3, -0.4]), 0.7)


def test_a_class_with_its_own_make_is_not_taken_for_namedtuples():
    # its _make swaps the items: read as Cfg(*items) the gradient would be silently wrong.
    # A classmethod calling cls(...) is not followed yet: refused, naming the call.
    with pytest.raises(astgrad.TransformError, match=r"argument 'cls'"):
        astgrad.grad(namedtuple_made_by_its_own_make, wrt=(0, 1))(np.array([0.3, -0.4]), 0.7)


# -- **params of a dict comprehension over constant keys ----------------------------

_DENSITY_KEYS = ("kind", "loc", "scale")


def _log_density(kind, z, **params):
    if kind == "normal":
        return -0.5 * ((z - params["loc"]) / params["scale"]) ** 2 - np.log(params["scale"])
    return np.log(params["rate"]) - params["rate"] * z


def kwargs_of_a_comprehension_over_a_global_tuple(x, w):
    spec = {"kind": "normal", "loc": w, "scale": 1.0 + w * w}
    params = {k: spec[k] for k in _DENSITY_KEYS if k != "kind" and k not in ("rate",)}
    return np.sum(_log_density(spec["kind"], x, **params))


def kwargs_of_a_comprehension_over_a_display(x, w):
    params = {k: np.exp(w) + len(k) for k in ["rate", "rate"]}
    return np.sum(_log_density("exponential", x * x, **params))


def kwargs_of_a_comprehension_filtered_by_values(x, w):
    spec = {"loc": w, "scale": 1.0 + w * w, "rate": -1.0}
    params = {k: spec[k] for k in ("loc", "scale", "rate") if spec[k] != -1.0}
    return np.sum(_log_density("normal", x, **params))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", [kwargs_of_a_comprehension_over_a_global_tuple,
                               kwargs_of_a_comprehension_over_a_display])
@pytest.mark.parametrize("shape", [(3,), (2, 2)])
def test_a_dict_comprehension_over_constant_keys_is_spread_into_kwargs(mode, f, shape):
    rng = np.random.default_rng(shape[0] + len(shape))
    check(mode, f, (rng.uniform(-0.8, 0.8, shape), float(rng.uniform(0.3, 1.1))), (0, 1))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_a_dict_comprehension_whose_keys_depend_on_values_is_given_whole_to_kwargs(mode):
    # keys known only when the code runs: the helper's **kwargs gets the dict itself
    check(mode, kwargs_of_a_comprehension_filtered_by_values, (np.array([0.3, -0.4]), 0.7), (0, 1))


# -- methods of a dataclass the code builds --------------------------------------------

@dataclasses.dataclass
class _Affine:
    W: np.ndarray
    b: float

    def apply(self, x):
        return self.W * x + self.b

    def scaled(self, s):
        return _Affine(self.W * s, self.b * s)


@dataclasses.dataclass
class _Doubled:
    W: np.ndarray
    b: float

    def __post_init__(self):
        self.b = self.b * 2.0

    def apply(self, x):
        return self.W * x + self.b


def dataclass_built_then_applied(x, w):
    p = _Affine(np.cos(x) * w, w * w)
    return np.sum(np.tanh(p.apply(x)))


def dataclass_method_returning_a_new_one(x, w):
    p = _Affine(x * w, w).scaled(w)
    return np.sum(p.scaled(2.0).apply(x))


def dataclass_with_post_init_applied(x, w):
    return np.sum(_Doubled(x * w, w).apply(x))


def dataclasses_built_in_a_comprehension(x, w):
    ps = [_Affine(W=x * k, b=w + k) for k in range(1, 4)]
    return sum(np.sum(p.apply(p.W) ** 2) for p in ps)


def dataclasses_with_post_init_built_in_a_comprehension(x, w):
    ps = [_Doubled(x * k, w) for k in range(1, 3)]
    return sum(np.sum(p.apply(x)) for p in ps)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", [dataclass_built_then_applied, dataclass_method_returning_a_new_one,
                               dataclasses_built_in_a_comprehension])
@pytest.mark.parametrize("shape", [(3,), (2, 3)])
def test_methods_of_a_dataclass_built_in_the_code_are_followed(mode, f, shape):
    rng = np.random.default_rng(shape[-1] + len(shape))
    check(mode, f, (rng.uniform(-1, 1, shape), float(rng.uniform(0.3, 1.2))), (0, 1))


@pytest.mark.parametrize("f", [dataclass_with_post_init_applied, dataclasses_with_post_init_built_in_a_comprehension])
def test_a_dataclass_whose_post_init_changes_a_field_is_refused_not_taken_as_a_record(f):
    # read as a record of its arguments, b would miss the doubling: refused instead
    with pytest.raises(astgrad.TransformError, match="_Doubled|apply"):
        astgrad.grad(f, wrt=(0, 1))(np.array([0.3, -0.4]), 0.7)


# -- functions an object built in the code holds in its attributes ---------------------------------

class Activated:
    def __init__(self, W, b, act=None):
        self.W = W
        self.b = b
        self.act = act if act is not None else (lambda z: z)

    def __call__(self, h):
        return self.act(self.W @ h + self.b)


def _square(z):
    return z * z


ACT = np.tanh


def _mats(n):
    return np.eye(n) * 0.6 + 0.1 * np.arange(n * n).reshape(n, n) / n ** 2


def layers_holding_functions(x, w):
    n = x.shape[0]
    net = MLP([Activated(_mats(n) * w, np.zeros(n), np.tanh), Activated(_mats(n).T, np.ones(n) * w),
               Activated(_mats(n), np.full(n, 0.1), act=_square)])
    return np.sum(net(x) ** 2)


def held_function_read_off_the_object(x, w):
    layer = Activated(_mats(x.shape[0]), x * w, np.sin)
    return np.sum(layer.act(x) * w) + np.sum(layer(x))


def layer_holding_a_global(x, w):
    layer = Activated(_mats(x.shape[0]) * w, np.zeros(x.shape[0]), ACT)
    return np.sum(layer(x))


class Packed:
    def __init__(self, W, act, scale):
        self.W, self.act, self.scale = W, act, scale       # one statement storing three

    def __call__(self, h):
        return self.act(self.W @ h) * self.scale


def layer_storing_its_function_by_tuple_assignment(x, w):
    layer = Packed(_mats(x.shape[0]) * w, np.tanh, w)
    return np.sum(layer(x) ** 2)


HELD_CASES = [layers_holding_functions, held_function_read_off_the_object, layer_holding_a_global,
              layer_storing_its_function_by_tuple_assignment]


@pytest.mark.parametrize("f, mode", [(f, m) for k, f in enumerate(HELD_CASES)
                                     for m in ("grad", "jvp", ("hessian", "jvp_of_grad", "hvp", "hessian")[k])])
@pytest.mark.parametrize("shape", [(3,), (4,)])
def test_functions_held_by_objects_built_in_the_code(f, mode, shape):
    check(mode, f, (np.linspace(-0.7, 0.9, shape[0]), 0.8), (0, 1))


def _expected(f, x, w):
    from fd import numerical_grad
    return numerical_grad(f, (x, w), wrt=0), numerical_grad(f, (x, w), wrt=1)


def test_a_function_held_by_a_built_object_follows_python_after_grad_is_made():
    from fd import assert_close
    global ACT
    d = astgrad.grad(layer_holding_a_global, wrt=(0, 1))
    x = np.array([0.3, -0.4, 0.9])
    assert_close(d(x, 0.8), _expected(layer_holding_a_global, x, 0.8))
    init, call = Activated.__init__, Activated.__call__
    try:
        ACT = np.sin                        # the global the call passes, rebound
        assert_close(d(x, 0.8), _expected(layer_holding_a_global, x, 0.8))

        def doubled(self, W, b, act=None):  # another default lambda
            self.W = W
            self.b = b
            self.act = act if act is not None else (lambda z: 2.0 * z)
        Activated.__init__ = doubled
        ACT = None
        assert_close(d(x, 0.8), _expected(layer_holding_a_global, x, 0.8))

        def squared(self, h):               # the method redefined on the class
            return self.act(self.W @ h + self.b) ** 2
        Activated.__call__ = squared
        assert_close(d(x, 0.8), _expected(layer_holding_a_global, x, 0.8))
    finally:
        ACT, Activated.__init__, Activated.__call__ = np.tanh, init, call
    assert_close(d(x, 0.8), _expected(layer_holding_a_global, x, 0.8))


class Closing:
    def __init__(self, W, scale):
        self.W = W
        self.act = lambda z: np.tanh(z) * scale        # reads a variable of __init__

    def __call__(self, h):
        return self.act(self.W @ h)


def layer_whose_lambda_reads_init(x, w):
    layer = Closing(_mats(x.shape[0]), w)
    return np.sum(layer(x))


def test_a_lambda_closing_over_init_is_still_refused_not_answered_wrongly():
    with pytest.raises(astgrad.TransformError, match=r"test_local_objects.py:\d+.*act"):
        astgrad.grad(layer_whose_lambda_reads_init, wrt=(0, 1))(np.array([0.3, -0.4, 0.9]), 0.8)


def layers_from_a_comprehension(x, w):
    n = x.shape[0]
    mats = [_mats(n), _mats(n).T]
    biases = [np.full(n, 0.1), np.full(n, -0.2)]
    layers = [Activated(W * w, b, np.tanh if i == 0 else None) for i, (W, b) in enumerate(zip(mats, biases))]
    net = MLP(layers)
    return np.sum(net(x) ** 2)


def layers_from_a_range(x, w):
    layers = [Activated(_mats(x.shape[0]) * (k + w), x * 0.1, ACT if k > 0 else _square) for k in range(3)]
    return MLP(layers).loss(x)


@pytest.mark.parametrize("f, mode", [(layers_from_a_comprehension, "grad"), (layers_from_a_comprehension, "hessian"),
                                     (layers_from_a_range, "jvp"), (layers_from_a_range, "jvp_of_grad")])
@pytest.mark.parametrize("shape", [(3,), (5,)])
def test_objects_built_by_a_comprehension_over_known_items(f, mode, shape):
    check(mode, f, (np.linspace(-0.7, 0.9, shape[0]), 0.8), (0, 1))


def test_objects_built_by_a_comprehension_follow_a_rebound_global():
    from fd import assert_close
    global ACT
    d = astgrad.grad(layers_from_a_range, wrt=(0, 1))
    x = np.array([0.3, -0.4, 0.9])
    assert_close(d(x, 0.8), _expected(layers_from_a_range, x, 0.8))
    try:
        ACT = np.sin
        assert_close(d(x, 0.8), _expected(layers_from_a_range, x, 0.8))
    finally:
        ACT = np.tanh
    assert_close(d(x, 0.8), _expected(layers_from_a_range, x, 0.8))


def layers_over_an_argument(x, ws):
    layers = [Activated(_mats(x.shape[0]) * w, x * 0.1, np.tanh if w > 0 else None) for w in ws]
    return MLP(layers).loss(x)


def test_objects_built_over_items_known_only_when_the_code_runs_are_refused():
    # the functions the layers hold depend on values: refused, never answered with a guess
    with pytest.raises(astgrad.TransformError, match=r"test_local_objects.py:\d+"):
        astgrad.grad(layers_over_an_argument)(np.array([0.3, -0.4, 0.9]), [0.5, -0.5])


class Tanh:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def __call__(self, h):
        return np.tanh(h @ self.W + self.b)


def layers_over_argument_weights(W1, W2, x):
    """The weights reach the layers through the comprehension's iterable (zip of a
    display holding the arguments), not through its item expression."""
    layers = [Tanh(W, b) for i, (W, b) in enumerate(zip([W1, W2], [0.1, -0.2]))]
    h = x
    for layer in layers:
        h = layer(h)
    return np.sum(h ** 2)


def layers_over_argument_weights_holding_functions(W1, W2, x):
    layers = [Activated(W, b, np.tanh if i == 0 else None) for i, (W, b) in enumerate(zip([W1, W2], [0.1, -0.2]))]
    return np.sum(MLP(layers)(x) ** 2)


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_objects_built_over_argument_weights_carry_their_derivative(mode):
    # was a zero gradient: the items of the comprehension's iterable were read from a
    # comprehension left unlowered, which carried no derivative
    W1, W2 = _mats(3) * 0.5, _mats(3).T * 0.4
    check(mode, layers_over_argument_weights, (W1, W2, np.linspace(-0.5, 0.7, 3)), (0, 1, 2))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_objects_over_argument_weights_holding_functions(mode):
    # was refused: the layers' functions (np.tanh, and the identity lambda of __init__
    # for the layer given None) are followed through MLP(layers)(x), built and called at once
    W1, W2 = _mats(3) * 0.5, _mats(3).T * 0.4
    check(mode, layers_over_argument_weights_holding_functions, (W1, W2, np.linspace(-0.5, 0.7, 3)), (0, 1, 2))


# -- a global object through a local alias; layers holding None -------------------------------

class Features:
    def __init__(self, W):
        self.W = W

    def features(self, v):
        return np.tanh(self.W @ v)


NETWORK = Features(_mats(3) * 0.7)


def features_through_an_alias(x, w):
    h = NETWORK
    return np.sum(h.features(x * w) ** 2)


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_a_global_object_through_a_local_alias(mode):
    check(mode, features_through_an_alias, (np.array([0.3, -0.4, 0.9]), 0.8), (0, 1))


class OtherFeatures:
    def __init__(self, W):
        self.W = W

    def features(self, v):
        return np.sin(self.W @ v) * 2.0


def test_a_global_object_through_an_alias_followed_as_it_is_now():
    global NETWORK
    from fd import assert_close
    x = np.array([0.3, -0.4, 0.9])
    d = astgrad.grad(features_through_an_alias, wrt=(0, 1))
    saved = NETWORK
    try:
        assert_close(d(x, 0.8), _expected(features_through_an_alias, x, 0.8))
        NETWORK.W = _mats(3).T * 0.3                # its attribute changed: read when the code runs
        assert_close(d(x, 0.8), _expected(features_through_an_alias, x, 0.8))
        NETWORK = OtherFeatures(_mats(3) * 0.5)     # rebound to an object of another class
        assert_close(d(x, 0.8), _expected(features_through_an_alias, x, 0.8))
        NETWORK.features = lambda v: v * 3.0        # an instance attribute hiding the method
        assert_close(d(x, 0.8), _expected(features_through_an_alias, x, 0.8))
    finally:
        NETWORK = saved
        NETWORK.W = _mats(3) * 0.7


class MaybeActivated:
    def __init__(self, W, b, act):
        self.W = W
        self.b = b
        self.act = act

    def __call__(self, v):
        h = self.W @ v + self.b
        if self.act is not None:
            h = self.act(h)
        return h


def layers_holding_none(x, w):
    b1, b2 = np.full(3, 0.1) * w, np.full(3, -0.2)
    layers = [MaybeActivated(W, b, np.tanh if i == 0 else None)
              for i, (W, b) in enumerate(zip([_mats(3) * w, _mats(3).T], [b1, b2]))]
    h = x
    for layer in layers:
        h = layer(h)
    return np.sum(h ** 2)


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_layers_built_over_argument_weights_some_holding_none(mode):
    check(mode, layers_holding_none, (np.array([0.3, -0.4, 0.9]), 0.8), (0, 1))


class ClosingF:
    def __init__(self, W, scale):
        self.f = lambda z: scale * np.tanh(W @ z)


def method_lambda_reading_init(x, w):
    m = ClosingF(_mats(3) * w, w)
    return np.sum(m.f(x))


def test_a_lambda_of_init_reading_its_variables_is_refused_with_what_to_write():
    with pytest.raises(astgrad.TransformError, match=r"test_local_objects.py:\d+.*ClosingF\.f.*\(W, scale\).*"
                                                     r"store them as attributes"):
        astgrad.grad(method_lambda_reading_init, wrt=(0, 1))(np.array([0.3, -0.4, 0.9]), 0.8)


L_TANH = MaybeActivated(_mats(3) * 0.6, np.full(3, 0.1), np.tanh)
L_NONE = MaybeActivated(_mats(3).T * 0.5, np.full(3, -0.2), None)


def global_layers_some_holding_none(x, w):
    return np.sum(L_NONE(L_TANH(x * w)) ** 2)


def a_layer_given(x, layer, w):
    return np.sum(layer(x * w) ** 2)


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_global_layers_some_holding_none(mode):
    check(mode, global_layers_some_holding_none, (np.array([0.3, -0.4, 0.9]), 0.8), (0, 1))


def test_a_layer_holding_none_given_and_then_a_function():
    from fd import assert_close, numerical_grad
    x = np.array([0.3, -0.4, 0.9])
    d = astgrad.grad(a_layer_given, wrt=(0, 2))
    for layer in (L_NONE, L_TANH, L_NONE):      # another layout, other code; back again
        want = [numerical_grad(lambda a, c: a_layer_given(a, layer, c), (x, 0.8), wrt=i) for i in (0, 1)]
        assert_close(d(x, layer, 0.8), want)
    g = astgrad.grad(global_layers_some_holding_none, wrt=1)
    for act in (None, np.sin, None):            # the global's attribute changed after grad: followed
        L_NONE.act = act
        try:
            assert_close(g(x, 0.8), numerical_grad(global_layers_some_holding_none, (x, 0.8), wrt=1))
        finally:
            L_NONE.act = None


class Weighted:
    def __init__(self, w):
        self.w = w


def object_among_plain_names(x):
    p = Weighted(x * 2.0)
    stack = []
    for _ in range(3):
        t = np.sin(x) * p.w
        stack.append(t)
        x = x + t
    return np.sum(x) + np.sum(stack.pop())


def test_attribute_writes_are_looked_up_for_objects_only(monkeypatch):
    """Which attribute writes of an object the code follows is asked of the names that
    hold objects alone: a derivative has a name for each value, and asking of each one
    (a walk of the function's top level) made normalizing it quadratic in its length."""
    from astgrad.frontend.normalize.held_functions import HeldFunctionLowering
    asked, followed = [], HeldFunctionLowering.followed_attributes
    monkeypatch.setattr(HeldFunctionLowering, "followed_attributes",
                        lambda self, name: asked.append(name) or followed(self, name))
    check("grad", object_among_plain_names, (np.array([0.3, -0.2]),), (0,))
    assert set(asked) == {"p"}
