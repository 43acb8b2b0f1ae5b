"""Helpers that change their arguments in place, or are called only for what they do
(drawing), in code written the everyday way: a fluid simulation whose step helpers
build new arrays that a projection then changes in place, started from two views of
one parameter vector; a plotting helper called on an axis object. Each is checked
against finite differences in reverse mode, forward mode and to second order, with
adversarial variants (a helper redefined to return a view, an object that keeps what
it is given and hands it back)."""

import types

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp


def shift(f, vx, vy):
    return np.roll(f, 1, axis=0) * 0.5 + vx * vy        # a new array


def shift_view(f, vx, vy):
    return f[:]                                        # a view of its argument


def project_pair(vx, vy):
    p = np.zeros(vx.shape)
    for _ in range(2):
        p = (p + np.roll(vx, 1) - np.roll(vy, -1)) / 4.0
    vx -= 0.5 * np.roll(p, -1)          # changes the caller's array, as NumPy does
    vy *= 1.0 + p
    return vx, vy


def simulate(vx, vy, steps):
    for _ in range(steps):
        vx_new = shift(vx, vx, vy)
        vy_new = shift(vy, vy, vx)
        vx, vy = project_pair(vx_new, vy_new)
    return vx * vy


def objective(params, steps):
    vx = np.reshape(params[:4], (2, 2))      # two views of one argument
    vy = np.reshape(params[4:], (2, 2))
    return np.sum(simulate(vx, vy, steps) ** 2)


def on_a_copy(f):
    return lambda params, *rest: f(params.copy(), *rest)


@pytest.mark.parametrize("steps", [0, 1, 3])
def test_helpers_writing_into_new_arrays_started_from_views_of_an_argument(steps):
    params = np.random.default_rng(steps).normal(size=8) * 0.5
    kept = params.copy()
    direction = np.linspace(-0.6, 0.9, 8)
    reference = on_a_copy(objective)
    gradient = astgrad.grad(objective)
    assert_close(gradient(params, steps), numerical_grad(reference, (params, steps)))
    assert_close(astgrad.jvp(objective, (params, steps), (direction, 0))[1],
                 numerical_jvp(reference, (params, steps), (direction, None)))
    assert_close(astgrad.hvp(objective)(params, steps, direction),
                 numerical_jvp(lambda p: gradient(p, steps), (params,), (direction,)), rtol=1e-4, atol=1e-6)
    assert np.array_equal(params, kept)


def test_a_helper_redefined_to_return_a_view_is_refused_not_followed_wrongly():
    scope = {"np": np, "__name__": __name__, "shift": shift, "project_pair": project_pair}
    sim = types.FunctionType(simulate.__code__, scope, "simulate")
    scope["simulate"] = sim
    f = types.FunctionType(objective.__code__, scope, "objective")
    params = np.random.default_rng(7).normal(size=8) * 0.5
    gradient = astgrad.grad(f)
    assert_close(gradient(params, 2), numerical_grad(on_a_copy(f), (params, 2)))
    # now project_pair writes through views of params while the other view is still used
    scope["shift"] = shift_view
    with pytest.raises(astgrad.TransformError, match="may share its memory"):
        gradient(params, 2)
    with pytest.raises(astgrad.TransformError, match="may share its memory"):
        astgrad.jvp(f, (params, 2), (np.ones(8), 0))


class Axis:
    """Stands for a plotting axis: records what it is shown, and gives nothing back."""

    def __init__(self):
        self.shown = 0

    def imshow(self, image):
        self.shown += 1

    def set_title(self, text):
        pass


def draw(ax, image, step):
    ax.imshow(image)
    ax.set_title(f"step {step}")


def smoke_loss(x, ax=None):
    smoke = np.sin(x)
    for step in range(2):
        if ax:
            draw(ax, smoke, step)
        smoke = smoke * np.cos(smoke) + x
    if ax:
        ax.imshow(smoke)
    return np.sum(smoke ** 2)


@pytest.mark.parametrize("with_axis", [False, True])
def test_a_plotting_helper_called_for_its_effect(with_axis):
    x = np.array([0.3, -0.5, 0.8])
    ax = Axis() if with_axis else None
    reference = numerical_grad(lambda v: smoke_loss(v), (x,))
    assert_close(astgrad.grad(smoke_loss)(x, ax), reference)
    direction = np.array([0.2, 0.7, -0.4])
    assert_close(astgrad.jvp(smoke_loss, (x, ax), (direction, None))[1], np.dot(reference, direction))
    gradient = astgrad.grad(smoke_loss)
    assert_close(astgrad.hessian(smoke_loss)(x, ax),
                 np.stack([numerical_grad(lambda v: gradient(v, None)[i], (x,)) for i in range(3)]),
                 rtol=1e-4, atol=1e-6)
    if with_axis:
        assert ax.shown > 0


class Keeper:
    """Keeps what it is given and hands it back: what it holds reaches the result."""

    def __init__(self):
        self.value = None

    def keep(self, value):
        self.value = value

    def kept(self):
        return self.value


def through_an_object(x, box):
    y = np.sin(x)
    box.keep(y)
    return np.sum(box.kept() * 2.0)


def test_an_object_that_hands_back_what_it_was_given_is_followed_on_a_copy_in_both_modes():
    # keep stores self.value: followed on a copy of the argument's object (argument_objects.py)
    x = np.array([0.3, 0.5])
    keeper = Keeper()
    reference = numerical_grad(lambda v: through_an_object(v, Keeper()), (x,))
    assert_close(astgrad.grad(through_an_object)(x, keeper), reference)
    direction = np.array([0.2, -0.7])
    assert_close(astgrad.jvp(through_an_object, (x, keeper), (direction, None))[1], np.dot(reference, direction))
    assert keeper.value is None         # the caller's object is left as it was


def scaled(v, k):
    return v * k + np.sin(v)


def calls_scaled_twice(x):
    return np.sum(scaled(x, 2.0) * scaled(x * 0.5, 3.0))


def test_a_helper_is_read_once_whatever_its_callers_ask_of_it(monkeypatch):
    """Normalizing a function asks several questions of each helper it calls (does it
    write outside, change its arguments, call its parameters, hand a list on): they
    share one reading of the helper's source (besides the parse normalizing it)."""
    import astgrad.pipeline     # noqa: F401 - the engine first: it parses the function itself
    from astgrad.frontend import source
    read, parse = [], source.parse_function
    monkeypatch.setattr(source, "parse_function", lambda fn: read.append(fn) or parse(fn))
    x = np.linspace(0.1, 0.9, 4)
    assert_close(astgrad.grad(calls_scaled_twice)(x), numerical_grad(calls_scaled_twice, (x,)))
    assert read.count(scaled) == 1


def shifted(v, k):
    return v * k + np.cos(v)


def calls_shifted_twice(x):
    return np.sum(shifted(x, 2.0) * shifted(x * 0.5, 3.0))


def test_the_parse_normalizing_a_helper_serves_the_questions_about_it(monkeypatch):
    """A helper prepared while its caller is normalized is parsed once: the caller's
    questions about it read a copy of the parse its normalization starts from (or that
    normalization starts from a copy of theirs), and the gradient is unchanged."""
    import astgrad.pipeline     # noqa: F401 - the engine loaded before the count starts
    from astgrad.frontend import source
    parsed, parse = [], source.parse_function
    monkeypatch.setattr(source, "parse_function", lambda fn: parsed.append(fn) or parse(fn))
    x = np.linspace(0.1, 0.9, 4)
    v = np.linspace(-1.0, 1.0, 4)
    assert_close(astgrad.grad(calls_shifted_twice)(x), numerical_grad(calls_shifted_twice, (x,)))
    assert parsed.count(shifted) == 1 and parsed.count(calls_shifted_twice) == 1
    assert_close(astgrad.jvp(calls_shifted_twice, (x,), (v,))[1],
                 np.dot(numerical_grad(calls_shifted_twice, (x,)), v))
