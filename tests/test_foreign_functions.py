"""Functions defined in another module (or as closures) inlined where they are called:
a factory of another module whose lambda closes over a differentiated value, a helper of
another module handed a local function, a closure made by a factory elsewhere, autograd's
flatten_func (a lambda with *args). Their free names are read from their own module when
the code runs. Checked against central finite differences in reverse and forward mode
and to second order, with rebinding and redefinition between calls."""

import numpy as np
import pytest

import astgrad
import foreign_helpers as H
from fd import assert_close, numerical_grad
from two_argument_checks import check_first_order, check_second_order


def local_step_for(a):
    return lambda x: 0.5 * (x + a / x)


def factory_of_another_module(x, w):
    step = H.step_for(w)
    return np.sum(step(step(x)))


def factory_called_at_once(x, w):
    return np.sum(H.step_for(w)(x) * x)


def helper_handed_a_module_factory(x, w):
    return np.sum(H.fixed_point(local_step_for, w + 1.0, x + 1.0))


def helper_handed_a_lambda(x, w):
    return H.scaled(lambda v: v * w, x)


def helper_calling_its_own_global(x, w):
    SCALE = 10.0 * w                    # a local of the same name as the helper's global
    return H.uses_inner(lambda v: v * SCALE, x)


def closure_made_elsewhere(x, w):
    return np.sum(H.closure_factory(w)(x))


def flatten_func_with_args(x, w):
    loss = H.flatten_func(weighted, 3.0)
    return loss(x, w)


def a_value_and_a_function(x, w):
    vec, unpack = H.pack(x * w)
    first = H.pack(x)[0]
    return np.sum(unpack(vec * w) ** 2) + np.sum(first * w)


def weighted(v, c):
    return np.sum(v ** 2) * c


CASES = [factory_of_another_module, factory_called_at_once, helper_handed_a_module_factory,
         helper_handed_a_lambda, helper_calling_its_own_global, closure_made_elsewhere,
         flatten_func_with_args, a_value_and_a_function]


@pytest.mark.parametrize("shape", [(), (3,)], ids=str)
@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_reverse_and_forward_match_finite_differences(f, shape):
    rng = np.random.default_rng(3)
    x = 0.3 + 0.5 * rng.random(shape) if shape else 0.45
    args = (x, 0.8)
    tangents = (rng.standard_normal(shape) if shape else 0.3, -0.7)
    check_first_order(f, args, tangents)


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_second_order(f):
    check_second_order(f)


def test_the_helpers_globals_are_read_when_the_code_runs(monkeypatch):
    gradient = astgrad.grad(factory_of_another_module)
    before = gradient(0.45, 0.8)
    monkeypatch.setattr(H, "SCALE", 5.0)
    assert_close(gradient(0.45, 0.8), numerical_grad(factory_of_another_module, (0.45, 0.8)))
    assert not np.allclose(before, gradient(0.45, 0.8))


def test_a_redefined_helper_is_followed(monkeypatch):
    gradient = astgrad.grad(helper_calling_its_own_global)
    assert_close(gradient(0.45, 0.8), numerical_grad(helper_calling_its_own_global, (0.45, 0.8)))
    monkeypatch.setattr(H, "inner", np.tanh)
    assert_close(gradient(0.45, 0.8), numerical_grad(helper_calling_its_own_global, (0.45, 0.8)))
    monkeypatch.setattr(H, "step_for", lambda a: lambda x: x * a)
    assert_close(astgrad.grad(factory_called_at_once)(0.45, 0.8), 2 * 0.45 * 0.8)


def test_generated_code_names_the_helpers_module():
    text = astgrad.grad(helper_handed_a_lambda, wrt=1).source
    assert "foreign_helpers.SCALE" in text


def test_the_names_of_a_closure_answer_a_probe_for_a_missing_dunder_as_an_object_does():
    # inspect.unwrap, functools.wraps and hasattr probe for __wrapped__: AttributeError, not NameError
    from astgrad.frontend.normalize.foreign import ForeignScope
    scope = ForeignScope(local_step_for(2.0))
    assert not hasattr(scope, "__wrapped__")
    assert getattr(scope, "__qualname__", None) is None
    assert scope.a == 2.0 and scope.__name__ == "<lambda>_scope"
    with pytest.raises(NameError, match="name 'b' is not defined"):
        scope.b
