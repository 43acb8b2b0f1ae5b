"""The sixth acceptance hunt as a permanent differential test: the programs of
tests/hunt6_programs.py (writes into global state, generators consumed by builtins,
iter/next, random generators made in the function, hasattr, fill_diagonal, zip over
objects, method values, tree_map, dicts of lists made in loops, and the rules for pow,
item, where=, trapezoid, interp, convolve, ufunc reductions, divmod, cov, corrcoef,
bincount, complex sign, det and slogdet), each against central finite differences in one
mode of astgrad in turn (``ci_modes``). Writes of values depending on the inputs into
global state are refused by design, naming the line; strict xfails for what Python runs
well and astgrad still refuses. Then what the hunt found, each checked on its own: a
``del`` of a global list's slice and a global's ``extend``/``insert``/``update``/
``setdefault`` in the function (test_trust_global_state.py), and grad of a function
calling grad of a function that builds a dict of lists in a loop (here)."""

import numpy as np
import pytest

import astgrad
from breadth_modes import SECOND, check, ci_modes
from fd import assert_close, numerical_grad
from hunt6_programs import CASES, X3

# Programs Python runs well that astgrad refuses (strict: one that starts working moves out)
REFUSED = {
    "e18 ": "a generator defined in the function",
    "b04 ": "a list of bound methods of objects built in the list display",
    "b05 ": "a method value handed to a local helper that calls it",
    "b08 ": "recursion through tree_map handed a bound method",
    "b14 ": "tree_map handed a method value held in a name",
}
# refused in some modes only: a memo table of constants filled by a helper, where a
# gradient of the program is called inside a differentiated function (the helper is
# taken to store values depending on the inputs)
REFUSED_IN = {"g14 ": (("grad_inside_def", "grad_inside_lambda"), "a helper filling a memo table of constants, "
                       "called by a gradient that a differentiated function calls")}
# refused when the derivative runs, with astgrad's TypeError: in every mode, or at second order
AT_CALL = {"r29 ": SECOND}
# writes of values depending on the inputs into global state, and a complex literal: refused
BY_DESIGN = ("g01 ", "g02 ", "g03 ", "g04 ", "g05 ", "g06 ", "g07 ", "g08 ", "g09 ", "g10 ", "g11 ",
             "g12 ", "g15 ", "g16 ", "g18 ", "g19 ", "g20 ", "r30 ")


def _mark(name, mode):
    reason = next((why for prefix, why in REFUSED.items() if name.startswith(prefix)), None)
    if reason is None:
        reason = next((why for prefix, (modes, why) in REFUSED_IN.items()
                       if name.startswith(prefix) and mode in modes), None)
    if reason is not None:
        return pytest.mark.xfail(raises=astgrad.TransformError, strict=True, reason=reason)
    for prefix, modes in AT_CALL.items():
        if name.startswith(prefix) and (modes is None or mode in modes):
            return pytest.mark.xfail(raises=TypeError, strict=True, reason="refused when it runs")
    return ()


def _program_params():
    for k, (name, f, args, wrt) in enumerate(CASES):
        if name.startswith(BY_DESIGN):
            continue
        for mode in ci_modes(k):
            yield pytest.param(mode, f, args, wrt, id=f"{name.split()[0]}-{mode}", marks=_mark(name, mode))


@pytest.mark.parametrize("mode, f, args, wrt", list(_program_params()))
def test_program_in_mode(mode, f, args, wrt):
    check(mode, f, args, wrt)


REFUSED_BY_DESIGN = [(name, f, args) for name, f, args, _ in CASES if name.startswith(BY_DESIGN)]


@pytest.mark.parametrize("name, f, args", REFUSED_BY_DESIGN, ids=[n.split()[0] for n, *_ in REFUSED_BY_DESIGN])
def test_a_write_into_global_state_is_refused_naming_its_line(name, f, args):
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(f, wrt=(0, 1))(*args)
    assert "hunt6_programs.py:" in str(info.value)
    with pytest.raises(astgrad.TransformError):
        astgrad.jvp(f, args, (np.ones_like(args[0]), 1.0))


def test_every_refusal_names_one_program():
    for prefix in list(REFUSED) + list(REFUSED_IN) + list(AT_CALL) + list(BY_DESIGN):
        assert sum(1 for name, *_ in CASES if name.startswith(prefix)) == 1, prefix


def test_the_hunt_has_a_hundred_programs():
    assert len(CASES) >= 100


# -- what the hunt found, each on its own ------------------------------------------------

def lists_in_a_dict(x, w):
    d = {"a": [], "b": []}
    for i in range(2):
        d["a"].append(x[i] * w)
        d["b"].append(x[i] + w)
    return sum(d["a"]) * sum(d["b"])


def one_list_in_a_dict(x, w):
    d = {"b": []}
    for i in range(3):
        d["b"].append(x[i] * w)
    return np.sum(np.array(d["b"]) ** 2) * sum(d["b"])


@pytest.mark.parametrize("f", [lists_in_a_dict, one_list_in_a_dict], ids=lambda f: f.__name__)
def test_grad_of_a_function_calling_grad_of_lists_in_a_dict(f):
    """The first derivative puts each list back into the dict at a string key
    (restore_item); the second one now reads that as the write it is, and redoes it
    (it read the emptied list: ValueError 'cannot add derivatives of sequences')."""
    inner = astgrad.grad(f)
    v = np.array([0.5, -1.0, 2.0])
    outer = lambda x, w: np.sum(inner(x, w) * v)      # noqa: E731
    expected = numerical_grad(lambda x: outer(x, 0.8), (X3.copy(),), 0)
    assert_close(astgrad.grad(outer)(X3.copy(), 0.8), expected, rtol=1e-5, atol=1e-6)
    assert_close(astgrad.hvp(f, wrt=0)(X3.copy(), 0.8, v), expected, rtol=1e-5, atol=1e-6)
