"""The eighty-fifth hunt (tests/hunt85_programs.py, tests/hunt85_elsewhere.py): programs an outside user would write
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
- a wrong gradient: an object a helper of another module returns (``a = make(x, 0.0)``,
  its class not known where the function calls its methods), whose method changes it in
  place, called where its value carries no derivative (``if a.bumped(0, w) > -100.0:``,
  ``c = a.bumped(0, w) > 0``, ``int(...)``, ``bool(...)``, ``assert``, ``isinstance``,
  ``len``, ``np.shape``, a conditional expression's test): the call ran as it is and the
  derivative missed its write into ``a.data`` (d/dx0 of sum((0.8 x)^2) came out 1.12 for
  0.896). The check of such a call took its object for one whose methods are written in,
  as they are for an object of a known class; refused now at the user's line, as the same
  call made as a statement of its own is; also where the object is unpacked from what the
  helper returns, taken out of a list it returns, bound to a second name, or handed to a
  helper calling the method.

CI runs each program in one mode at one shape (the modes in turn); with
HYPOTHESIS_PROFILE=thorough every program runs in every mode at both shapes."""

import inspect
import os
import re

import numpy as np
import pytest

import astgrad
import hunt85_elsewhere as E
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


ALL = [(P, name, f) for name, f in P.CASES] + [(E, name, f) for name, f in E.CASES]


def _params():
    for k, (module, name, f) in enumerate(ALL):
        for s, x in enumerate(SHAPES):
            for m, mode in enumerate(MODES):
                if THOROUGH or (m == k % len(MODES) and s == (k // len(MODES)) % 2):
                    yield pytest.param(module, name, mode, f, x, id=f"{name}-{x.size}-{mode}")


@pytest.mark.parametrize("module", [P, E], ids=lambda m: m.__name__)
def test_the_tables_name_programs_of_the_module(module):
    names = {name for name, _ in module.CASES}
    assert len(names) == len(module.CASES) >= 15
    assert module.REFUSED <= names and module.ONCE <= names and not module.REFUSED & module.ONCE
    assert len(ALL) >= 200


def _refused_at_the_users_line(f, run, helpers=()):
    """``run()`` raises a TransformError naming a line of ``f`` in the programs' file
    (or of one of ``helpers`` it calls), quoting it where astgrad refuses before the code
    runs, with no name astgrad made up."""
    with pytest.raises(astgrad.TransformError) as caught:
        run()
    message = str(caught.value)
    file = inspect.getsourcefile(f)
    place = re.search(re.escape(os.path.basename(file)) + r":(\d+):", message)
    assert place, message
    spans = [(first, first + len(lines)) for lines, first in map(inspect.getsourcelines, [f, *helpers])]
    assert any(first <= int(place.group(1)) < end for first, end in spans), message
    if caught.value.line is not None:       # (None: stopped when the code ran, the place in the words)
        with open(file) as source:
            assert caught.value.line.strip() == source.read().splitlines()[int(place.group(1)) - 1].strip()
    assert not GENERATED.search(message.split("\n")[0]), message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("module, name, mode, f, x", list(_params()))
def test_program_in_mode(module, name, mode, f, x):
    if name in module.REFUSED or name in module.ONCE and mode in SECOND:
        _refused_at_the_users_line(f, lambda: check(mode, f, (x, 0.8), (0, 1)),
                                   getattr(module, "HELPERS", {}).get(name, ()))
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


UNSEEN_CALLS = [E.bumped_in_an_if, E.bumped_compared_and_bound, E.bumped_in_bool, E.bumped_in_int,
                E.bumped_in_a_conditional_expression, E.bumped_in_an_assert, E.bumped_in_isinstance,
                E.bumped_in_len, E.bumped_in_shape, E.bumped_through_the_module, E.bumped_unpacked,
                E.bumped_item_of_a_list, E.bumped_under_another_name, E.bumped_in_a_comprehension,
                E.bumped_in_an_index, E.bumped_in_a_loop]


@pytest.mark.parametrize("f", UNSEEN_CALLS, ids=lambda f: f.__name__)
def test_a_method_changing_an_object_of_an_unknown_class_whose_value_carries_no_derivative_is_refused(f):
    """Python's value is what the call's write makes it: the gradient read the value before
    (a wrong gradient, no error); refused in every mode, as the call made for its effect is
    (bumped_in_a_helper too, at the helper's line: CASES)."""
    x = X4.copy()
    for run in (lambda: astgrad.grad(f)(x, 0.8), lambda: astgrad.jvp(f, (x, 0.8), (np.ones(4), 0.0)),
                lambda: astgrad.vjp(f, x, 0.8), lambda: astgrad.hessian(f)(x, 0.8)):
        _refused_at_the_users_line(f, run)
        # (the words say astgrad cannot tell: the class of what make() returned is not seen there)
        with pytest.raises(astgrad.TransformError, match=r"holds what make\w*\(\) \(line \d+\) returned, an object "
                                                          r"whose class astgrad does not see there, so it cannot "
                                                          r"tell whether \.bumped\(\) changes it"):
            run()


@pytest.mark.parametrize("f", [P.compare_item, P.call_in_a_conditional_expression], ids=lambda f: f.__name__)
def test_the_same_calls_on_an_object_of_a_known_class_are_followed(f):
    for mode in MODES:
        check(mode, f, (X4, 0.8), (0, 1))


def test_a_helper_default_changed_between_two_calls_is_read_when_it_runs(monkeypatch):
    gradient = astgrad.grad(E.defaults_changed, wrt=(0, 1))
    for k in (2.0, 3.5):
        monkeypatch.setattr(E.make_default_here, "__defaults__", (k,))
        gx, gw = gradient(X6.copy(), 0.8)
        assert_close(gx, numerical_grad(E.defaults_changed, (X6.copy(), 0.8), wrt=0))
        assert_close(gw, numerical_grad(E.defaults_changed, (X6.copy(), 0.8), wrt=1))
