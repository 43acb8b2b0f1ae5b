"""The eighty-fifth hunt (tests/hunt85_programs.py): programs an outside user would write
mixing the newer forms (objects a helper of the module builds and returns, changed in
place by their methods, also inside expressions; writes through numpy.ascontiguousarray,
numpy.asfortranarray, numpy.require and order="A" reshapes; rows read before in-place
writes; lists popped) with aliasing, rebinding, branches on data, kinks, loops of 0, 1
and 3 turns, one-element and empty arrays, int, float32 and complex values. Each
followed program is checked in grad, value_and_grad, vjp, jvp, hessian and jvp of grad
against central differences at two shapes; each refused one (REFUSED, and ONCE at the
second order) is refused in words naming the user's line, with no name astgrad made up.

What the hunt found:

- an array NumPy makes of a number and the function writes into (``z =
  np.ascontiguousarray(x[0] * w); z[0] += 1.0``; also ``np.asfortranarray``,
  ``np.reshape``, ``np.ravel`` of a number) was followed to the first order, but its
  hessian and jvp of grad stopped with "a slice taken of this float64 before the write is
  read after it", naming a slice the user never took: the check of whether the array
  shares the number's memory (runtime.shows_write) knew arrays and lists only. An array
  made of a number is a new array of its own: followed now to the second order.

CI runs each program in one mode at one shape (the modes in turn); with
HYPOTHESIS_PROFILE=thorough every program runs in every mode at both shapes."""

import inspect
import os
import re

import numpy as np
import pytest

import astgrad
import hunt85_programs as P
from astgrad import runtime
from breadth_modes import check
from fd import assert_close, numerical_grad, numerical_hessian

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")
SECOND = ("hessian", "jvp_of_grad")
X4 = np.array([0.7, -1.3, 0.4, 2.1])
X6 = np.array([0.7, -1.3, 0.4, 2.1, -0.6, 1.1])
SHAPES = (X4, X6)
GENERATED = re.compile(r"\b(t_\d+|d_\w+|\w*_saved\w*|\w+_own|\w+_kept|cond)\b")


def _params():
    for k, (name, f) in enumerate(P.CASES):
        for s, x in enumerate(SHAPES):
            for m, mode in enumerate(MODES):
                if THOROUGH or (m == k % len(MODES) and s == (k // len(MODES)) % 2):
                    yield pytest.param(name, mode, f, x, id=f"{name}-{x.size}-{mode}")


def test_the_tables_name_programs_of_the_module():
    names = {name for name, _ in P.CASES}
    assert len(names) == len(P.CASES) >= 150
    assert P.REFUSED <= names and P.ONCE <= names and not P.REFUSED & P.ONCE


def _refused_at_the_users_line(f, run):
    """``run()`` raises a TransformError naming a line of ``f`` in the programs' file
    (quoting it, where astgrad refuses before the code runs), with no name astgrad made up."""
    lines, first = inspect.getsourcelines(f)
    with pytest.raises(astgrad.TransformError) as caught:
        run()
    message = str(caught.value)
    place = re.search(r"hunt85_programs\.py:(\d+):", message)
    assert place, message
    assert first <= int(place.group(1)) < first + len(lines), message
    if caught.value.line is not None:       # (None: stopped when the code ran, the place in the words)
        with open(P.__file__) as source:
            assert caught.value.line.strip() == source.read().splitlines()[int(place.group(1)) - 1].strip()
    assert not GENERATED.search(message.split("\n")[0]), message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name, mode, f, x", list(_params()))
def test_program_in_mode(name, mode, f, x):
    if name in P.REFUSED or name in P.ONCE and mode in SECOND:
        _refused_at_the_users_line(f, lambda: check(mode, f, (x, 0.8), (0, 1)))
    else:
        check(mode, f, (x, 0.8), (0, 1))


NUMBER_ARRAYS = [P.contiguous_of_a_number, P.contiguous_of_a_python_float, P.fortran_of_a_number_written,
                 P.reshape_of_a_number_written, P.ravel_of_a_number_written,
                 P.reshape_order_a_of_a_number_written]


@pytest.mark.parametrize("mode", SECOND)
@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
@pytest.mark.parametrize("f", NUMBER_ARRAYS, ids=lambda f: f.__name__)
def test_an_array_made_of_a_number_and_written_is_followed_twice(f, x, mode):
    check(mode, f, (x, 0.8), (0, 1))


def test_an_array_made_of_a_number_shares_nothing_with_it():
    for number in (0.5, np.float64(0.5), 3, np.int32(3), 1.0 + 2.0j):
        assert runtime.shows_write(np.ascontiguousarray(number), number, "f.py:1") is False
    y = np.arange(6.0)
    assert runtime.shows_write(y.reshape(2, 3), y, "f.py:1")
    with pytest.raises(TypeError, match="f.py:1: a slice taken of this list"):
        runtime.shows_write([1.0, 2.0], [1.0, 2.0, 3.0], "f.py:1")


def _made_elsewhere(w, k):
    return P.Acc(np.sin(w) * k)


@pytest.mark.parametrize("x", SHAPES, ids=lambda x: str(x.size))
def test_a_helper_building_the_object_rebound_between_two_calls_is_read_when_it_runs(x, monkeypatch):
    """The helper's body is folded into the caller, so a rebinding of the helper's global
    name between two calls of one gradient must reach the second call: followed where the
    new helper is one of the module's own, refused in words where it is not (a function of
    another module, which is not folded), never the old helper's derivative."""
    gradient = astgrad.grad(P.made_then_bumped, wrt=(0, 1))
    hessian = astgrad.hessian(P.made_then_bumped)
    for helper in (P.make, P.make_by_sines, P.make):
        monkeypatch.setattr(P, "make", helper)
        gx, gw = gradient(x.copy(), 0.8)
        assert_close(gx, numerical_grad(P.made_then_bumped, (x.copy(), 0.8), wrt=0))
        assert_close(gw, numerical_grad(P.made_then_bumped, (x.copy(), 0.8), wrt=1))
        first = astgrad.grad(P.made_then_bumped)
        assert_close(hessian(x.copy(), 0.8), numerical_hessian(first, (x.copy(), 0.8)), 1e-4, 1e-5)
    monkeypatch.setattr(P, "make", _made_elsewhere)
    _refused_at_the_users_line(P.made_then_bumped, lambda: gradient(x.copy(), 0.8))


@pytest.mark.parametrize("k", [1.5, -0.25])
def test_a_global_a_folded_helper_reads_is_read_when_it_runs(k, monkeypatch):
    gradient = astgrad.grad(P.factory_reading_a_global)
    monkeypatch.setattr(P, "K85", k)
    assert_close(gradient(X4.copy(), 0.8), numerical_grad(P.factory_reading_a_global, (X4.copy(), 0.8)))
