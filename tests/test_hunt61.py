"""The sixty-first hunt: an adversary's programs where recent capabilities meet each
other and ordinary code (tests/hunt61_programs.py, about 170): ``out=`` targets that are
also inputs, views of them and their aliases; ``ufunc.at`` with views taken before and read
after, repeated, empty and boolean indices, 0-d targets; ``numpy.put``, ``numpy.place``
and ``numpy.putmask`` into arrays a list, a view or an alias also holds, with int and
float32 targets and bool masks; objects moved between lists then written; the same through
helpers, methods, closures and mutable defaults; in loops (first pass against later ones),
in branches decided by values, read after the loop; in grad, value_and_grad, vjp (ones and
a random cotangent), jvp, hessian, jvp of grad and jacobian, against central finite
differences and the plain call. It found, each with no error:

- a wrong gradient in reverse mode (grad, value_and_grad, vjp) wherever a loop's body
  binds an array and then changes it in place: ``for i in range(3): r = x * 1.0; r[i] =
  r[i] * w; total = total + np.sum(r * r)``, and the same through ``np.put``, ``r.put``,
  ``np.place``, ``np.putmask``, ``np.copyto``, ``out=`` (with ``where=`` too), ``ufunc.at``,
  ``.fill()``, ``.sort()``, a view or a closure. The reverse loop computed ``r = x * 1.0``
  again at the start of each iteration, instead of keeping it, and so read ``r`` without
  the write. A name the iteration changes in place is kept now;
- a wrong gradient in reverse mode where an alias (``b = a``) of an array written in a loop
  (``a[i] = ...``, ``np.put``, ``ufunc.at``, ``out=``) is read after the write in that
  loop: the alias, bound again after each write, was made a copy, and the reverse loop read
  the last iteration's copy in every iteration. Its binding is saved on a stack now, as
  each iteration's copy (followed to the second order too).

And one unclear error: ``np.multiply.at`` on a 0-d array raised NumPy's ValueError
("multiple indices are not supported for 0d arrays") from astgrad's own helper; it is
followed now.

Programs with a float32 or int target are compared with their derivative by hand: NumPy
rounds each write into float32, which central differences cannot see through."""

import os

import numpy as np
import pytest

import astgrad
import hunt61_programs as P
from breadth_modes import check
from fd import assert_close, numerical_grad

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")
FLOAT32_TARGETS = ("c08", "d01", "h41")

# the programs that were wrong (first bug: k.., h23; second: p10, q03-q05), and the mode that showed it
FOUND = {"k00": "grad", "k22": "vjp", "h23": "value_and_grad", "q05": "grad"}
FOUND_THOROUGH = ["k30", "k01", "k04", "k05", "k09", "k11", "k12", "k13", "k16", "k17", "k19", "k21", "k29",
                  "p10", "q03", "q04",
                  "r07", "r08", "r10", "s05", "s08", "s10"]
_BY_NAME = {c[0]: c for c in P.CASES}


def _params():
    for name, mode in FOUND.items():
        yield pytest.param(mode, name, id=f"{name}-{mode}")
    yield pytest.param("vjp", "p10", id="p10-vjp")


@pytest.mark.parametrize("mode, name", list(_params()))
def test_found_bug(mode, name):
    _, f, args, wrt = _BY_NAME[name]
    check(mode, f, args, wrt)


@pytest.mark.skipif(not THOROUGH, reason="every program in every mode: thorough runs")
@pytest.mark.parametrize("name", [c[0] for c in P.CASES if c[0] not in FLOAT32_TARGETS])
def test_program_right_or_refused_naming_its_line(name):
    _, f, args, wrt = _BY_NAME[name]
    for mode in MODES:
        try:
            check(mode, f, args, wrt)
        except (astgrad.TransformError, TypeError) as refusal:
            assert "hunt61_programs.py:" in str(refusal), refusal


@pytest.mark.skipif(not THOROUGH, reason="non-scalar outputs: thorough runs")
@pytest.mark.parametrize("name, f, args, wrt", P.VECTOR_CASES, ids=[c[0] for c in P.VECTOR_CASES])
def test_vector_output_by_jacobian(name, f, args, wrt):
    jac = astgrad.jacobian(f)(*args)
    want = np.array([numerical_grad(lambda *a: f(*[v.copy() for v in a])[k], args) for k in range(4)])
    assert_close(jac, want)


@pytest.mark.skipif(not THOROUGH, reason="the found bugs' twins, in every first-order mode: thorough runs")
@pytest.mark.parametrize("name", FOUND_THOROUGH)
def test_found_bug_twins(name):
    _, f, args, wrt = _BY_NAME[name]
    for mode in ("grad", "value_and_grad", "vjp", "jvp"):
        check(mode, f, args, wrt)


def test_an_alias_read_after_writes_in_a_loop_is_followed_to_the_second_order():
    # q05: b = a, then np.multiply(a, w, out=a) and a read of b in a while loop (p10:
    # a[i] = a[i] * w in a for loop): the alias, bound again after each write, was left an
    # alias (no stack kept its old value), which the second order refused; its binding is
    # saved now, so it may be a copy of its own iteration's numbers, which the hessian follows
    for name in ("q05", "p10"):
        _, f, args, wrt = _BY_NAME[name]
        check("hessian", f, args, wrt)


def _made_of_it_after_the_write(x, w):
    total = 0.0
    rows = []
    for i in range(3):
        r = x * (i + 1.0)
        r[i] = w * r[3]
        t = r * 3.0             # made of r as the write left it
        rows.append(r)
        total = total + np.sum(t * t)
    return total + np.sum(rows[0] * rows[2])


def test_a_temporary_changed_in_place_is_recomputed_where_no_reverse_step_reads_it_as_written():
    # h21, h22: r = x * (k + 1.0); np.put(r, [i], w * r[3]) (or np.multiply(r, w, out=r));
    # rows.append(r): the second order was refused while every temporary the iteration
    # changes in place was kept on a stack; no reverse step reads r as the write left it
    # (the append's reads d_rows[-1]), so r is computed again and the hessian follows
    for name in ("h21", "h22"):
        _, f, args, wrt = _BY_NAME[name]
        check("hessian", f, args, wrt)
    # t = r * 3.0 after the write: r is recomputed (mul's rule reads r only for its
    # shape), t is not (computed again from r, it would miss the write: a wrong gradient)
    check("grad", _made_of_it_after_the_write, (P.X4, P.W), (0, 1))


def test_ufunc_at_on_a_zero_d_array():
    # raised NumPy's ValueError from astgrad's at_places
    x, w = P.X4, P.W
    g = astgrad.grad(P.h38, wrt=(0, 1))(x, w)
    assert_close(g[0], numerical_grad(P.h38, (x, w), wrt=0))
    assert_close(g[1], x[0] * x[1])


def test_float32_targets_against_their_derivative_by_hand():
    x, w = P.X4, P.W
    # h41: a = x (float32), a[0] *= w twice: sum(a * x) = x0**2 w**2 + x1**2 + x2**2 + x3**2
    gx, gw = astgrad.grad(P.h41, wrt=(0, 1))(x, w)
    assert_close(gx, 2 * x * np.array([w * w, 1, 1, 1]), 1e-6, 1e-6)
    assert_close(gw, 2 * w * x[0] ** 2, 1e-6, 1e-6)
    # c08: a = [x0, x0 w, x1 w, x3] (float32): sum(a * x)
    gx, gw = astgrad.grad(P.c08, wrt=(0, 1))(x, w)
    assert_close(gx, [2 * x[0] + w * x[1], w * (x[0] + x[2]), w * x[1], 2 * x[3]], 1e-6, 1e-6)
    assert_close(gw, x[0] * x[1] + x[1] * x[2], 1e-6, 1e-6)
