"""The sixty-sixth hunt: small models and solvers as an outsider writes them for real work
(tests/hunt66_programs.py), hunting for a gradient wrong with no error. About 370 programs
and argument kinds were tried (180 of them on the tape too, and 14 across processes
sharing the disk cache, their modules edited in between): a two-layer network with softmax
cross-entropy and an L2 penalty, logistic regression with ``np.logaddexp``, GRU and LSTM
cells over Python lists, a Gaussian mixture with a hand-written stable logsumexp, Kalman
steps, heat steps with ``np.roll`` and slices, interpolation by ``np.searchsorted`` and
``np.take``, Verlet, SGD, momentum and Adam loops, soft k-means, Gauss-Seidel, LU and
tridiagonal solvers; written with ``+=``, ``-=``, ``*=`` on slices and on views (reshape,
``.T``, ``[::2]``, ``[None]``, rows, views in loops and branches), ``np.clip``,
``np.maximum(x, 0)``, ``np.abs`` at 0, ``np.where`` guarding a division or a log,
``np.linalg.norm`` at 0 and of every ``ord``, a product through a zero, reductions with
``axis=``/``keepdims=``/``where=``, ``np.einsum`` (repeated operands, ellipses),
broadcasting over length-1 axes, float32, int, 0-d, ``np.float64``, Fortran-ordered,
strided and read-only arguments; globals, dict items, list items, class attributes,
closure cells, defaults and helpers rebound between calls, a global rebound by a helper
during the call; one gradient called with arguments of ten shapes in turn; in grad,
value_and_grad, vjp (with a random cotangent), jvp, jacobian, hessian, jvp and jacobian of
grad, and the tape; each against central finite differences and the plain call.

Every one was right, or refused with an error naming its file and line (where NumPy or
Python raises, as ``f(x)`` does, astgrad raises the same error): no gradient was wrong
with no error, and no error came bare from astgrad's internals. It found one refusal no
user expects: a copy made by a list or a comparison as the index (``z = y[[0, 2]]``,
``z = y[y > 0]``, ``m = y > 0; z = y[m]``, ``z = B[:, [0, 2]]``), then written
(``z[0] = w``, ``z *= w``), was taken for a view of ``y``: refused when the code ran
("this writes into a copy of the array it was read from"), or for a mask at once, with a
message about "an item of a container or an attribute" the line does not have. NumPy
makes a new array there, which the write changes alone; it is followed now (b...), where
``y`` is an array of numbers (an argument is checked to be one when the code runs), to
second order.

This file keeps a sample: twenty programs (CI runs twelve of them in one mode each;
thorough runs, every one in every mode, and a tape program to second order), a
vector-valued solver in vjp with a random cotangent and in jacobian, two rebindings
between calls of one gradient, and two refusals that name their line."""

import os

import numpy as np
import pytest

import astgrad
import hunt66_programs as P
from breadth_modes import check
from fd import assert_close, numerical_grad

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad", "jacobian_of_grad")
# the programs CI runs (its time budget), each in one mode; thorough runs take every program in every mode
CI_MODE = {
    "a_logreg": "jvp", "a_interp_search": "value_and_grad", "a_view_add": "grad", "a_prod_zero": "hessian",
    "a_global_changed_inside": "grad", "a_closure_rebound": "vjp", "a_thomas": "value_and_grad",
    "b_mask_copy": "grad", "b_list_copy": "hessian", "b_argument_mask": "jvp", "b_columns": "vjp",
    "b_argument_list": "jvp_of_grad",
}


def _params():
    for name, f, args, wrt in P.CASES:
        for mode in MODES if THOROUGH else (CI_MODE[name],) if name in CI_MODE else ():
            yield pytest.param(mode, f, args, wrt, id=f"{name}-{mode}")


def test_every_program_named_in_ci_is_one():
    assert set(CI_MODE) <= {name for name, *_ in P.CASES}


@pytest.mark.parametrize("mode, f, args, wrt", list(_params()))
def test_program_in_mode(mode, f, args, wrt):
    check(mode, f, args, wrt)


def _heat_state(u, k):
    u = u.copy()
    for _ in range(3):
        u[1:-1] += k * (u[:-2] - 2 * u[1:-1] + u[2:])
    return u


def test_vector_valued_solver_in_vjp_with_a_random_cotangent_and_in_jacobian():
    u, k = P.V5.copy(), 0.3
    c = np.random.default_rng(7).standard_normal(5)
    value, pullback = astgrad.vjp(_heat_state, u, k)
    assert_close(value, _heat_state(u, k), 1e-12, 1e-12)
    du, dk = pullback(c)
    contracted = lambda a, b: np.sum(_heat_state(a, b) * c)      # noqa: E731
    assert_close(du, numerical_grad(contracted, (u, k), wrt=0))
    assert_close(dk, numerical_grad(contracted, (u, k), wrt=1))
    jac = astgrad.jacobian(_heat_state, wrt=0)(u, k)
    rows = [numerical_grad(lambda a, b, j=j: _heat_state(a, b)[j], (u, k), wrt=0) for j in range(5)]
    assert_close(jac, np.stack(rows))
    assert np.array_equal(u, P.V5), "a transform changed the caller's array"


@pytest.mark.parametrize("name, rebind", [
    ("g_config", lambda: P.CFG.update(alpha=0.9, steps=3)),
    ("g_helper", lambda: setattr(P, "act", lambda z: z ** 3)),
])
def test_a_gradient_made_once_follows_what_a_global_names_at_each_call(name, rebind, monkeypatch):
    monkeypatch.setattr(P, "CFG", dict(P.CFG))
    monkeypatch.setattr(P, "act", P.act)
    f = getattr(P, name)
    gradient = astgrad.grad(f, wrt=(0, 1))
    for _ in range(2):
        gx, gw = gradient(P.V4, 0.8)
        assert_close(gx, numerical_grad(f, (P.V4, 0.8), wrt=0))
        assert_close(gw, numerical_grad(f, (P.V4, 0.8), wrt=1))
        rebind()


@pytest.mark.skipif(not THOROUGH, reason="thorough runs")
def test_tape_writes_into_a_slice_and_a_view_to_second_order():
    def loss(a, s):
        b = a * 1.0
        b[:, 0] *= s
        v = b[1:]
        v.mul_(2.0)
        return (b ** 2).sum()

    def plain_grad(a, s):
        ta, ts = astgrad.tensor(a, requires_grad=True), astgrad.tensor(s, requires_grad=True)
        return astgrad.autograd.grad(loss(ta, ts), (ta, ts))

    a = astgrad.tensor(P.A33, requires_grad=True)
    s = astgrad.tensor(1.3, requires_grad=True)
    ga, gs = astgrad.autograd.grad(loss(a, s), (a, s), create_graph=True)
    value = lambda m, t: float(loss(astgrad.tensor(m), astgrad.tensor(t)).item())     # noqa: E731
    assert_close(ga.detach().numpy(), numerical_grad(value, (P.A33, 1.3), wrt=0))
    assert_close(float(gs.item()), numerical_grad(value, (P.A33, 1.3), wrt=1))
    (hs,) = astgrad.autograd.grad(gs, (s,))
    assert_close(float(hs.item()), numerical_grad(lambda m, t: float(plain_grad(m, t)[1].item()), (P.A33, 1.3), wrt=1),
                 1e-4, 1e-5)


def test_an_argument_read_by_a_list_index_must_hold_numbers():
    # an array of objects gives its items themselves, not copies: numbers, which no write
    # changes, are followed (against finite differences); an array held there is refused
    # when the code runs
    held = np.array(P.V4.tolist(), dtype=object)
    plain = lambda w: P.b_argument_list(P.V4.copy(), w)       # noqa: E731
    assert_close(astgrad.grad(P.b_argument_list, wrt=1)(held, 0.8), numerical_grad(plain, (0.8,)))
    gradient = astgrad.grad(P.b_argument_list, wrt=1)
    assert_close(astgrad.hessian(P.b_argument_list, wrt=1)(held, 0.8),
                 numerical_grad(lambda w: gradient(held, w), (0.8,)), 1e-5, 1e-6)
    assert held.tolist() == P.V4.tolist(), "a transform changed the caller's array"
    line = P.b_argument_list.__code__.co_firstlineno + 1
    arrays = np.empty(4, dtype=object)
    arrays[:] = [np.array([v]) for v in P.V4]
    with pytest.raises(TypeError, match=rf"hunt66_programs\.py:{line}: this reads the argument 'x' by a list"):
        astgrad.grad(P.b_argument_list, wrt=1)(arrays, 0.8)


def test_an_update_through_a_zipped_loop_name_is_refused_naming_its_line():
    line = P.k_zip_update.__code__.co_firstlineno + 4
    with pytest.raises(astgrad.TransformError, match=rf"hunt66_programs\.py:{line}: augmented assignment"):
        astgrad.grad(P.k_zip_update, wrt=(0, 1))(P.A33, 0.8)
