"""What the eighty-sixth hunt left open (tests/trust86b_programs.py).

- A try whose body binds a name to a shape-changing value (``b = x.reshape(2, -1)``,
  ``np.stack``, ...) and raises before using it, where the try is in a loop or the binding
  in a branch of the body: the gradient stopped with NumPy's "cannot reshape array of size
  1" (the name's derivative was a plain 0.0 where the binding's adjoint ran). Followed
  now: each program in grad, value_and_grad, vjp, jvp, hessian and jvp of grad against
  central differences at two shapes and two weights (one raising on every path).
- A write into an item of an array the object's class holds (``s.arr[1] += w``): every
  mode refused it, but vjp, hessian and jacobian ran the function first, which changed
  the class's array. Refused now before anything changed, in every mode; an object
  holding its own array is still followed."""

import numpy as np
import pytest

import astgrad
import trust86b_programs as programs
from breadth_modes import check

MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")
X4 = np.array([0.7, -1.3, 0.4, 2.1])
X6 = np.array([0.7, -1.3, 0.4, 2.1, -0.6, 1.1])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("x", (X4, X6), ids=("4", "6"))
@pytest.mark.parametrize("name, f", programs.CASES, ids=[name for name, _ in programs.CASES])
def test_try_binding_a_shaped_value_then_raising(name, f, x, mode):
    for w in (0.8, 0.3):
        check(mode, f, (x, w), (0, 1))


def _runs(f, x):
    seed = np.linspace(-0.4, 0.9, x.size)
    return {"grad": lambda: astgrad.grad(f, wrt=(0, 1))(x.copy(), 0.8),
            "value_and_grad": lambda: astgrad.value_and_grad(f)(x.copy(), 0.8),
            "vjp": lambda: astgrad.vjp(f, x.copy(), 0.8)[1](1.0),
            "jvp": lambda: astgrad.jvp(f, (x.copy(), 0.8), (seed, 0.7)),
            "hessian": lambda: astgrad.hessian(f)(x.copy(), 0.8),
            "jvp_of_grad": lambda: astgrad.jvp(astgrad.grad(f), (x.copy(), 0.8), (seed, 0.0)),
            "jacobian": lambda: astgrad.jacobian(f)(x.copy(), 0.8)}


@pytest.mark.parametrize("mode", [*MODES, "jacobian"])
def test_a_write_into_a_class_held_array_is_refused_before_it_changes(mode):
    programs.reset()
    with pytest.raises(TypeError, match=r"trust86b_programs\.py:\d+: this writes into a list, dict or array "
                                        r"the Held object does not hold itself"):
        _runs(programs.class_item_write, X4)[mode]()
    assert np.array_equal(programs.Held.arr, np.zeros(3)), f"{mode} changed Held.arr"
    assert programs.class_item_write(X4.copy(), 0.8) == pytest.approx(0.8 * np.sum(X4))  # Python's own


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("x", (X4, X6), ids=("4", "6"))
def test_a_write_into_an_objects_own_array_is_followed(x, mode):
    check(mode, programs.own_item_write, (x, 0.8), (0, 1))
