"""Refusals and crashes that named something the user never wrote, made to speak the
user's words at the user's line, or followed where that is simply right.

- A structured dtype astgrad did not see in the code's text (a global list of fields given
  by position, ``np.empty(2, FIELDS)``, a global ``np.dtype`` with fields, ``y.view(DT)``)
  gave an IndexError from the derivative's code; a record array (``np.rec.array``,
  ``np.rec.fromarrays``, ``np.recarray``) a refusal about a missing adjoint rule. Each is
  refused now at the line making it, saying to keep each field in an array of its own.
- ``out=None`` given explicitly to a NumPy function, by position (``np.std(x, 0, None, None,
  1)`` giving ``ddof``) or by keyword inside an expression, was refused as "an out that is not
  a name"; it is no output, and is followed now, checked against central differences.
- The second derivatives of a deque's hooks (tests/hunt89b_hooks.py) and of
  ``np.geomspace`` of a differentiated value are refused in words naming no generated name.

CI checks one mode per followed program (the modes in turn) and each refusal in grad, jvp
and jvp of the gradient; HYPOTHESIS_PROFILE=thorough checks every program in every mode."""

import numpy as np
import pytest

import astgrad
import hunt89b_hooks
import words89_programs as P
from breadth_modes import MODES, THOROUGH, check, ci_modes
from refusal_words import refused_in_words

X = np.array([0.7, -1.3, 0.4, 2.1])
SEED = np.linspace(-0.4, 0.9, 4)


def _runs(f, x):
    """Each mode run to its end, comparing nothing: for refusals."""
    return {"grad": lambda: astgrad.grad(f, wrt=(0, 1))(x.copy(), 0.8),
            "value_and_grad": lambda: astgrad.value_and_grad(f)(x.copy(), 0.8),
            "vjp": lambda: astgrad.vjp(f, x.copy(), 0.8)[1](1.0),
            "jvp": lambda: astgrad.jvp(f, (x.copy(), 0.8), (SEED, 0.7)),
            "hessian": lambda: astgrad.hessian(f)(x.copy(), 0.8),
            "jvp_of_grad": lambda: astgrad.jvp(astgrad.grad(f, wrt=(0, 1)), (x.copy(), 0.8), (SEED, 0.3))}


REFUSAL_MODES = tuple(_runs(None, X)) if THOROUGH else ("grad", "jvp", "jvp_of_grad")


def _refusal_params():
    for k, f in enumerate(P.STRUCTURED):
        for mode in REFUSAL_MODES if THOROUGH else (REFUSAL_MODES[k % len(REFUSAL_MODES)],):
            yield pytest.param(f, mode, id=f"{f.__name__}-{mode}")


@pytest.mark.parametrize("f, mode", list(_refusal_params()))
def test_a_structured_array_is_refused_at_its_line(f, mode):
    refused_in_words(f, _runs(f, X)[mode])


def _followed_params():
    for k, f in enumerate(P.OUT_NONE + [P.ow_cumsum_into_local]):
        for mode in MODES if THOROUGH else ci_modes(k):
            yield pytest.param(mode, f, id=f"{f.__name__}-{mode}")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("mode, f", list(_followed_params()))
def test_out_none_is_no_output(mode, f):
    check(mode, f, (X, 0.8), (0, 1))


def test_out_none_is_followed_in_reverse_and_forward():
    """Every program of the table in grad and jvp, whichever modes CI chose above."""
    for f in P.OUT_NONE:
        check("grad", f, (X, 0.8), (0, 1))
        check("jvp", f, (X, 0.8), (0, 1))


def test_a_methods_out_given_by_position_stays_refused_in_words():
    """``y.cumsum(0, None, None)``: what ``y`` is is not known where the call is read (an
    object of the user's may have a ``cumsum``), so its arguments are not renamed."""
    refused_in_words(P.ow_method_out_none_by_position,
                     _runs(P.ow_method_out_none_by_position, X)["grad"])


def geomspace_of_w(x, w):
    return np.sum(np.geomspace(1.0, 2.0 + w, 4)) * x[0]


SECOND_ORDER = [geomspace_of_w, hunt89b_hooks.hk_all_deque, hunt89b_hooks.hk_in_deque,
                hunt89b_hooks.hk_dict_fromkeys_deque]


@pytest.mark.parametrize("f", SECOND_ORDER, ids=[f.__name__ for f in SECOND_ORDER])
def test_a_second_order_refusal_names_no_generated_name(f):
    refused_in_words(f, _runs(f, X)["jvp_of_grad"])
    if f is not geomspace_of_w:
        refused_in_words(f, _runs(f, X)["hessian"])


def test_the_tables_are_whole():
    assert len(P.STRUCTURED) == 8 and len(P.OUT_NONE) == 10
    assert set(REFUSAL_MODES) <= set(_runs(None, X))
