"""The sixty-fourth hunt: an adversary's programs where recent capabilities meet each other
and ordinary code (tests/hunt64_programs.py, about 130): lists of objects of run-time
length moved (``bs[1:]``, ``reversed``, ``copy``, ``sorted``), zipped, enumerated and
comprehended, then written through methods, ``out=``, ``numpy.put`` and ``+=`` on
attributes, the same objects also held by a dict or a second list; methods that change
their object called through partials, bound methods stored on objects or in lists, in
comprehensions, on receivers whose class a branch decides; temporaries of a loop changed in
place by helpers, methods and closures, with ``break``, ``continue`` and early returns;
float32, int, 0-d, empty and one-item lists; in grad, value_and_grad, vjp, jvp, hessian and
jvp of grad against central finite differences and the plain call. It found, each with no
error:

- a wrong number in every mode where a method of the user's changing its object is called
  on an item of a dict (or of a second list) holding an object the function builds, the
  object then read under its own name: ``d = {"a": c}; d["a"].square(); np.sum(c.W)``,
  ``by_id = {i: c for i, c in enumerate(cells)}; by_id[0].step(w)``, also filled by
  ``d[k] = c``, ``dict(zip(...))``, ``d.setdefault``, ``d.update``, and the same through
  a set (``for o in {c}``), a list grown by ``+`` or ``+=`` (``held = held + [c]``) and
  ``next(iter(d.items()))``. The container carried no derivative of its own, so the call
  was left as it was, unseen; it is refused now, naming the line (a dict's values, what is
  stored into its items, a set's items and what such calls hand on are what it holds);
- a zero derivative with respect to ``w`` where a method or a helper writes ``w`` into an
  object through ``out=`` (``np.multiply(self.W, w, out=self.W)``) and the object depends
  on no other input differentiated (``grad(f, wrt=1)``; also in a loop over a list of
  such objects, and on an object wrapping a loop's temporary). Refused now, naming the line
  and the method's ``out=``, as a change of the object is where the object carries a
  derivative.

And one unclear error: ``for i in ...: r = x * 1.0; r[i] *= w; if r[i] > 1.0: return
np.sum(r * x)`` raised NumPy's IndexError from astgrad's own helper in reverse mode (a
turn that never read ``r`` left its derivative an unshaped zero); it is right now.

``e13`` keeps a float32 array, which central differences cannot see through; its
derivative is checked by hand."""

import os

import numpy as np
import pytest

import astgrad
import hunt64_programs as P
from breadth_modes import check
from fd import assert_close

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")
FLOAT32 = ("e13",)

# (program, the argument differentiated, the line refused, counted from the def)
REFUSED = [("k01", 0, 3), ("a07", 0, 3), ("a07", 1, 3), ("k04", 0, 4), ("k05", 0, 4), ("k05", 1, 4), ("k06", 0, 4),
           ("k02", 1, 2), ("k03", 1, 3), ("c09", 1, 5)]


@pytest.mark.parametrize("name, wrt, offset", REFUSED, ids=[f"{n}-wrt{w}" for n, w, _ in REFUSED])
def test_found_bug_refused_naming_its_line(name, wrt, offset):
    f = getattr(P, name)
    line = f.__code__.co_firstlineno + offset
    with pytest.raises(astgrad.TransformError, match=rf"hunt64_programs\.py:{line}: "):
        astgrad.grad(f, wrt=wrt)(P.X4, P.W)


def test_a_loop_turn_that_never_read_the_array_written():
    # c08 returns from its fourth turn: x = [0.7, -1.3, 0.4, 2.1], w = 0.8, r[3] = 1.68 > 1,
    # so f = sum(x * x) - x3**2 + w x3**2: df/dx = 2x with 2 w x3 last, df/dw = x3**2
    x, w = P.X4, P.W
    gx, gw = astgrad.grad(P.c08, wrt=(0, 1))(x, w)
    assert_close(gx, 2 * x * np.array([1.0, 1.0, 1.0, w]))
    assert_close(gw, x[3] ** 2)


@pytest.mark.skipif(not THOROUGH, reason="every program in every mode: thorough runs")
@pytest.mark.parametrize("name", [c[0] for c in P.CASES if c[0] not in FLOAT32])
def test_program_right_or_refused_naming_its_line(name):
    _, f, args, wrt = next(c for c in P.CASES if c[0] == name)
    for mode in MODES:
        try:
            check(mode, f, args, wrt)
        except (astgrad.TransformError, TypeError) as refusal:
            assert "hunt64_programs.py:" in str(refusal), refusal


@pytest.mark.skipif(not THOROUGH, reason="thorough runs")
def test_float32_columns_against_their_derivative_by_hand():
    # e13: the second layer's W = float32(2 x) * w, summed, plus sum(x * w): d/dx = 3 w, d/dw = 3 sum(x)
    gx, gw = astgrad.grad(P.e13, wrt=(0, 1))(P.X4, P.W)
    assert_close(gx, np.full(4, 3 * P.W), 1e-6, 1e-6)
    assert_close(gw, 3 * np.sum(P.X4), 1e-6, 1e-6)
