"""An outsider's hunt on the objects an argument gives: methods assigning attributes of
``self`` called on them, directly, in loops, through the method of another object and
through a property. Each followed form is checked against central finite differences in
grad, jvp and hessian, with the caller's objects left as they were; each form that gave
a wrong gradient with no error is refused, by its message (file, line, advice), with the
caller's objects left as they were and the next call working."""

import copy

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


class Box:
    def __init__(self, v):
        self.v = v

    def scale(self, w):
        self.v = np.sin(self.v * w) + w


class Counted(Box):
    def __init__(self, v):
        self.v = v
        self.n = 0

    def scale(self, w):
        self.n += 1
        self.v = np.sin(self.v * w) + w * self.n


class Summed(Box):
    def scaled_sum(self, w):
        self.v = np.sin(self.v * w) + w
        return np.sum(self.v) * w


class Model:
    def __init__(self, layers):
        self.layers = layers

    def run(self, w):
        for layer in self.layers:
            layer.scale(w)
        return np.sum(self.layers[0].v * self.layers[1].v) * w

    def run_first(self, w):
        self.layers[0].scale(w)
        return np.sum(self.layers[0].v * self.layers[1].v) * w

    def doubled(self, w):
        return self.run(w) * 2.0

    def step(self, w):
        for layer in self.layers:
            layer.scale(w)

    def loss(self, w):
        self.step(w)
        return np.sum(self.layers[0].v * self.layers[1].v)

    def head(self):
        return self.layers[0]

    @property
    def first(self):
        return self.layers[0]


def _a():
    return np.array([0.3, -0.4])


def _b():
    return np.array([1.1, 0.5])


def _two():
    return [Box(_a()), Box(_b())]


def _model():
    return Model(_two())


# -- followed: checked against finite differences ---------------------------------------

def scaled_twice_in_each_turn(w, bs):
    for b in bs:
        b.scale(w)
        b.scale(b.v[0])
    return np.sum(bs[0].v * bs[1].v)


def each_scaled_by_the_other(w, bs):
    bs[0].scale(bs[1].v * w)
    bs[1].scale(bs[0].v)
    return np.sum(bs[0].v + bs[1].v ** 2)


def read_then_scaled_in_a_loop(w, bs):
    acc = 0.0
    for b in bs:
        acc = acc + np.sum(b.v)
        b.scale(w * acc)
    return acc * np.sum(bs[1].v)


def scaled_in_a_branch(w, bs):
    if w > 0.5:
        bs[0].scale(w)
    else:
        bs[1].scale(w)
    return np.sum(bs[0].v * bs[1].v)


def loop_in_a_loop(w, bs):
    for _ in range(2):
        for b in bs:
            b.scale(w)
    return np.sum(bs[0].v * bs[1].v)


def counted_then_scaled_again(w, bs):
    for b in bs:
        b.scale(w)
    bs[0].scale(w)
    return np.sum(bs[0].v * bs[1].v)


def method_storing_self_returns(w, box):
    return box.scaled_sum(w)


def loop_over_the_model_layers(w, model):
    for layer in model.layers:
        layer.scale(w)
    return np.sum(model.layers[0].v * model.layers[1].v) * w


def calls_a_method_looping_over_its_layers(w, model):
    return model.run(w)


def calls_a_method_scaling_one_layer(w, model):
    return model.run_first(w)


def calls_it_twice(w, model):
    r = model.run(w)
    return r + model.run(w)


FOLLOWED = {
    "scaled twice in each turn": (scaled_twice_in_each_turn, _two),
    "each scaled by the other": (each_scaled_by_the_other, _two),
    "read then scaled in a loop": (read_then_scaled_in_a_loop, _two),
    "scaled in a branch": (scaled_in_a_branch, _two),
    "loop in a loop": (loop_in_a_loop, _two),
    "a counter and a state": (counted_then_scaled_again, lambda: [Counted(_a()), Counted(_b())]),
    "a method storing self.v returning a value": (method_storing_self_returns, lambda: Summed(_a())),
    "the loop the refusal advises": (loop_over_the_model_layers, _model),
    # a method of the argument's object calling such methods on what it holds: written in the function
    "a method looping over self.layers": (calls_a_method_looping_over_its_layers, _model),
    "a method looping over a tuple of layers": (calls_a_method_looping_over_its_layers, lambda: Model(tuple(_two()))),
    "a method scaling self.layers[0]": (calls_a_method_scaling_one_layer, _model),
    # the second call inside an expression, taken out of it first: r is the value the first call gave
    "that method called twice": (calls_it_twice, _model),
}


def _state(value):
    """What the caller's objects hold (arrays copied)."""
    if isinstance(value, (list, tuple)):
        return [_state(item) for item in value]
    if hasattr(value, "__dict__"):
        return {name: _state(item) for name, item in vars(value).items()}
    return np.copy(value)


def _made(make):
    """New objects from ``make``, and what they hold now."""
    objects = make()
    return objects, _state(objects)


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("name", sorted(FOLLOWED))
def test_followed_against_finite_differences(name, mode):
    f, make = FOLLOWED[name]
    objects, before = _made(make)
    w = float(np.random.default_rng(len(name) + len(mode)).uniform(0.4, 0.9))
    plain = lambda v: f(v, make())      # noqa: E731
    gradient = astgrad.grad(f)
    got, want, tolerances = {
        "grad": lambda: (gradient(w, objects), numerical_grad(plain, (w,)), ()),
        "jvp": lambda: (astgrad.jvp(f, (w, objects), (1.0, None)), (plain(w), numerical_jvp(plain, (w,), (1.0,))), ()),
        "hessian": lambda: (astgrad.hessian(f)(w, objects),
                            np.reshape(numerical_hessian(lambda v: gradient(v, make()), (w,)), ()), (1e-4, 1e-5)),
    }[mode]()
    assert_close(got, want, *tolerances)
    assert_close(_state(objects), before)       # the caller's objects are left as they were


# -- refused: each gave a wrong gradient with no error -----------------------------------

def scaled_through_a_property(w, model):
    model.first.scale(w)
    return np.sum(model.layers[0].v)


def scaled_through_a_method_returning_a_layer(w, model):
    model.head().scale(w)
    return np.sum(model.layers[0].v)


_HELD = (r"the call of Model\.{method} changes an object held by the object it is called on in place "
         r"\(a method assigning attributes of self\.layers\[0\] at .*test_hunt_objects\.py:\d+: .*\), which "
         r"astgrad cannot follow\. .*call it there \(for layer in model\.layers: layer\.scale\(w\)\), or "
         r"differentiate Model\.{method} itself \(grad\(obj\.{method}\)\)")
_IN_PLACE = r"the method call \.scale\(\) changes a differentiated value in place"

REFUSED = {
    # the object a property or a method gives was scaled as a plain call: a gradient of 0
    "a property giving a layer": (scaled_through_a_property, _model, 1, _IN_PLACE),
    "a method giving a layer": (scaled_through_a_method_returning_a_layer, _model, 1, _IN_PLACE),
}


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_at_the_line(name, mode):
    f, make, offset, message = REFUSED[name]
    objects, before = _made(make)
    line = f.__code__.co_firstlineno + offset
    run = {"grad": lambda: astgrad.grad(f)(0.7, objects),
           "jvp": lambda: astgrad.jvp(f, (0.7, objects), (1.0, None)),
           "hessian": lambda: astgrad.hessian(f)(0.7, objects)}[mode]
    with pytest.raises(astgrad.TransformError, match=rf"test_hunt_objects\.py:{line}: {message}"):
        run()
    assert_close(_state(objects), before)
    assert_close(astgrad.grad(np.sin)(0.7), np.cos(0.7))        # the next call works


def test_the_method_itself_is_followed_as_the_refusal_advises():
    model = _model()
    before = _state(model)
    plain = lambda v: _model().run(v)       # noqa: E731
    assert_close(astgrad.grad(model.run)(0.7), numerical_grad(plain, (0.7,)))
    assert_close(_state(model), before)
    assert_close(copy.deepcopy(model).run(0.7), plain(0.7))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("method, callee", [("doubled", "run"), ("loss", "step")])
def test_a_method_differentiated_calling_such_a_method_of_self_is_refused(method, callee, mode):
    # grad(model.doubled) ran model.run twice (a wrong gradient), grad(model.loss) gave 0;
    # both changed the caller's layers
    model, before = _made(_model)
    bound = getattr(model, method)
    line = getattr(Model, method).__code__.co_firstlineno + 1
    run = {"grad": lambda: astgrad.grad(bound)(0.7), "jvp": lambda: astgrad.jvp(bound, (0.7,), (1.0,)),
           "hessian": lambda: astgrad.hessian(bound)(0.7)}[mode]
    with pytest.raises(astgrad.TransformError, match=rf"test_hunt_objects\.py:{line}: {_HELD.format(method=callee)}"):
        run()
    assert_close(_state(model), before)

class AnswersEveryName(Box):
    def __getattr__(self, name):        # (its .shape and .dtype too)
        return 1.5


def read_with_a_default(w, obj):
    return np.sum(obj.v * w) * obj.missing


def test_an_object_answering_every_name_is_read_in_jvp_as_in_grad():
    obj = AnswersEveryName(_a())        # jvp took it for an array (numpy.zeros(1.5): a bare TypeError)
    w = 0.6
    plain = lambda v: read_with_a_default(v, obj)      # noqa: E731
    assert_close(astgrad.jvp(read_with_a_default, (w, obj), (1.0, None)), (plain(w), numerical_jvp(plain, (w,), (1.0,))))
    assert_close(astgrad.grad(read_with_a_default)(w, obj), numerical_grad(plain, (w,)))



class ReadsTheGlobal(Box):
    def scale(self, w):
        self.v = np.sin(self.v * w) + np.sum(SHARED.v)

    @property
    def total(self):
        return np.sum(self.v) + np.sum(SHARED.v)


SHARED = Box(_a())


def scaled_one_after_the_other(w, bs):
    bs[0].scale(w)
    bs[1].scale(w)      # ReadsTheGlobal.scale reads SHARED.v, which Python shows changed if bs[0] is SHARED
    return np.sum(bs[0].v * bs[1].v)


def scaled_then_a_property_read(w, bs):
    bs[0].scale(w)
    return bs[1].total * w      # the property reads SHARED.v too


@pytest.mark.parametrize("f", [scaled_one_after_the_other, scaled_then_a_property_read])
def test_an_object_a_global_holds_that_another_object_s_code_reads_raises_at_the_call(f):
    line = f.__code__.co_firstlineno + 1        # (a wrong value and gradient with no error before)
    with pytest.raises(TypeError, match=rf"test_hunt_objects\.py:{line}: the object the argument bs\[0\] gives is "
                                        r"also reached otherwise here .* Hand the function the object only once"):
        astgrad.grad(f)(0.7, [SHARED, ReadsTheGlobal(_b())])
    assert_close(SHARED.v, _a())
    make = lambda: [Box(_a()), ReadsTheGlobal(_b())]      # noqa: E731
    assert_close(astgrad.grad(f)(0.7, make()), numerical_grad(lambda v: f(v, make()), (0.7,)))


def _made_with_a_closure():
    """A function, and a class whose method, read an object a closure variable holds."""
    held = Box(_a())

    class ReadsTheClosure(Box):
        def scale(self, w):
            self.v = np.sin(self.v * w) + np.sum(held.v)

    def both_scaled(w, bs):
        bs[0].scale(w)
        bs[1].scale(w)
        return np.sum(bs[0].v * bs[1].v)

    def scaled_then_read(w, bs):
        bs[0].scale(w)
        return np.sum(bs[0].v * held.v)

    return held, ReadsTheClosure, both_scaled, scaled_then_read


@pytest.mark.parametrize("which", [2, 3])
def test_an_object_a_closure_variable_holds_raises_at_the_call(which):
    held, cls, *functions = _made_with_a_closure()
    f = functions[which - 2]        # (a wrong value and gradient with no error before)
    with pytest.raises(TypeError, match=r"test_hunt_objects\.py:\d+: the object the argument bs\[0\] gives is also "
                                        r"reached otherwise here"):
        astgrad.grad(f)(0.7, [held, cls(_b())])
    assert_close(held.v, _a())

    def plain(v):
        _, cls_, *fs = _made_with_a_closure()
        return fs[which - 2](v, [Box(_a()), cls_(_b())])
    assert_close(astgrad.grad(f)(0.7, [Box(_a()), cls(_b())]), numerical_grad(plain, (0.7,)))
