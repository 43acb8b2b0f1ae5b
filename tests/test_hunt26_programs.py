"""The twenty-sixth acceptance hunt: what it found, as permanent tests.

A method changing its object, called on an item of a list of objects the code does not
split into names (``bs = [Box(a)] * 2; bs[0].scale(w)``, an item rebound, an item handed
to a helper), ran unseen by the derivative: a zero derivative through the change, no
error. A helper rebinding a global value of the function's own module by a route the code
does not write out (``mymod.K = v``, ``sys.modules[__name__].K = v``, ``globals()["K"] = v``,
``global K`` in a method, a helper held in a list), or a class's attribute or a closure
variable (``Config.k = v``, ``nonlocal k``), left the adjoint reading the new value where
the value used the old one; ``globals()["K"] = v`` in the code was undone by the
derivative. A function rebinding a global (``global K; K = K + 1``) called through a
function value ran twice, the second run from the state the first left. All are refused
now, at the line, and the next call works. vjp's pullback and the columns of jacobian and
hessian of such a function (which run its code again) now start from the globals as they
were before the first run."""

import numpy as np
import pytest

import astgrad
import hunt26_programs as P
from fd import numerical_grad

X3 = np.array([0.3, 0.7, 1.1])
HERE = "hunt26_programs.py:"

REFUSED = [
    (P.repeated_item, "the method call .scale() changes a differentiated value in place"),
    (P.rebound_item, "the method call .scale() changes a differentiated value in place"),
    (P.item_to_helper, "the method call .scale() changes a differentiated value in place"),
    (P.through_module, "a read of the global K that set_through_module may rebind"),
    (P.through_sys_modules, "a read of the global K that set_through_sys_modules may rebind"),
    (P.through_a_method, "a read of the global K that Bumper.bump may rebind"),
    (P.through_a_hook, "a read of the global K that set_through_module may rebind"),
    (P.through_globals_in_a_helper, "a read of the global K that set_through_globals may rebind"),
    (P.through_the_dict, "a read of the global K that set_through_the_dict may rebind (through the module, by its"),
    (P.module_untouched, "a read of the global K that set_through_module may rebind"),
    (P.class_attribute, "a read of Config.k that the helper set_config rebinds; the derivative would read"),
    (P.closure_value, "a read of k that the helper make_closure.<locals>.bump_k rebinds"),
    (P.object_attribute_in_a_loop, "a read of COUNTER.k that the helper grow_counter rebinds"),
    (P.globals_written, "globals() (the module's variables as a dict); read a global by its name"),
    (P.bumping_by_value, "the call of bumping, which rebinds the global 'K'"),    # callee_writes.py
]


@pytest.mark.parametrize("f, message", REFUSED, ids=[f.__name__ for f, _ in REFUSED])
def test_refused_at_the_line(f, message):
    P.reset()
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(f)(X3.copy())
    text = str(caught.value)
    assert HERE in text and message in text
    assert P.K == 2.0 and P.Config.k == 2.0 and P.COUNTER.k == 2.0    # nothing ran: the module's state as it was
    assert np.allclose(astgrad.grad(P.split_items)(X3), numerical_grad(P.split_items, (X3,), wrt=0))


def _fd_from_start(f):
    def run(x):
        P.reset()
        return f(x)
    return numerical_grad(run, (X3,), wrt=0)


def test_a_rebinding_function_in_grad_and_jvp():
    """What is followed still is: grad and jvp of a function whose helper rebinds the
    global with a global statement, each run once, leaving the state Python leaves."""
    expected = _fd_from_start(P.bumping)
    P.reset()
    assert np.allclose(astgrad.grad(P.bumping)(X3), expected) and P.K == 3.0
    v = np.array([1.0, -0.5, 0.25])
    P.reset()
    value, tangent = astgrad.jvp(P.bumping, (X3,), (v,))
    assert P.K == 3.0
    P.reset()
    assert np.isclose(value, P.bumping(X3)) and np.isclose(tangent, expected @ v)


def test_vjp_of_a_rebinding_function_pulls_back_the_run_it_made():
    """vjp runs the function for its value, and its pullback runs the code again: from the
    globals as they were before vjp's run (the gradient was that of a run starting at
    K = 3, [6.87, 6.29, 5.36] for Python's [4.91, 4.53, 3.91], and K ended at 4)."""
    expected = _fd_from_start(P.bumping)
    P.reset()
    value, pullback = astgrad.vjp(P.bumping, X3)
    assert P.K == 3.0
    for _ in range(2):          # each call pulls back the same run
        (gradient,) = pullback(1.0)
        assert np.allclose(gradient, expected) and P.K == 3.0
    P.reset()
    assert np.isclose(value, P.bumping(X3))


def test_hessian_of_a_rebinding_function_runs_each_column_from_the_start():
    """hessian runs the function (checking its value) and its code once per column: each
    run from the globals as they were before the first (the first column was that of a
    run starting at K = 3, -0.887 for Python's -0.591), ending as one run leaves them."""
    grad = astgrad.grad(P.bumping)

    def gradient_from_start(z, i):
        P.reset()
        return grad(z)[i]
    expected = np.array([numerical_grad(lambda z, i=i: gradient_from_start(z, i), (X3,), wrt=0)
                         for i in range(3)])
    P.reset()
    assert np.allclose(astgrad.hessian(P.bumping)(X3), expected, rtol=1e-4, atol=1e-5)
    assert P.K == 3.0


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_of_a_rebinding_function_runs_each_column_from_the_start(mode):
    def from_start(z, i):
        P.reset()
        return P.bumping_vector(z)[i]
    expected = np.array([numerical_grad(lambda z, i=i: from_start(z, i), (X3,), wrt=0) for i in range(3)])
    P.reset()
    assert np.allclose(astgrad.jacobian(P.bumping_vector, mode=mode)(X3), expected)     # was 6.87 for 4.91
    assert P.K == 3.0


def test_items_split_into_names_are_followed():
    expected = numerical_grad(P.split_items, (X3,), wrt=0)
    assert np.allclose(astgrad.grad(P.split_items)(X3), expected)
    v = np.array([1.0, -0.5, 0.25])
    assert np.isclose(astgrad.jvp(P.split_items, (X3,), (v,))[1], expected @ v)
    hessian = astgrad.hessian(P.split_items)(X3)
    grad = astgrad.grad(P.split_items)
    columns = [numerical_grad(lambda z, i=i: grad(z)[i], (X3,), wrt=0) for i in range(3)]
    assert np.allclose(hessian, np.array(columns), rtol=1e-4, atol=1e-5)
