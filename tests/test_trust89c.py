"""Comparisons astgrad does not see being made (tests/trust89c_programs.py): inside the
lambda ``functools.reduce`` or ``itertools.accumulate`` runs over a list, and of tuples or
lists holding objects (``(a,) < (b,)``, ``[a] == [b]``, ``(1, a) < (1, b)``), and of the items
themselves by ``max``, ``min`` and ``sorted`` given ``key=lambda n: n``. Objects whose
comparison methods write into the array they hold ran those methods unseen: a wrong
gradient with no error. Now refused in words at the user's line before the method runs,
the caller's arrays as they were. Methods that only read (the other object's attributes
too) are followed, right against central differences, heapq and sorted of pairs whose
first items tie among them (with writing methods those two are wrong still, and two more: LEFT). CI runs
one mode per program in turn; HYPOTHESIS_PROFILE=thorough runs every mode."""

import os

import numpy as np
import pytest

import astgrad
import trust89c_programs as P
from breadth_modes import check
from refusal_words import refused_in_words

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
X4 = np.array([0.7, -1.3, 0.4, 2.1])
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")

# a writing comparison method, refused before it runs
REFUSED = ("reduce_max", "accumulate_max", "tuple_lt", "list_eq",
           "tuple_tie_lt", "max_key_itself", "min_key_itself", "sorted_key_itself", "filter_greater", "max_of_tuples")
# methods that only read (reading the other object's attributes, o.k), followed
FOLLOWED = ("reduce_max", "reduce_min_initial", "accumulate_max", "map_compared", "tuple_lt", "list_eq",
            "tuple_tie_lt", "max_key_itself", "min_key_itself", "sorted_key_itself", "heapq_pairs_tied",
            "sorted_pairs_tied")
# refused for any class, by an earlier check (a lambda filter() runs reading a local, max() of tuples)
REFUSED_ANYWAY = ("filter_greater", "max_of_tuples")
# wrong still with a writing method, no error (not checked): heapq.heappush of (1, n) and sorted()
# of a comprehension of (1, n) pairs, whose tied first items compare the objects; reduce over a
# slice with an initial value, and map's lambda comparing each item with another object (two
# objects compared directly, as object_operator runs them)
LEFT = ("heapq_pairs_tied", "sorted_pairs_tied", "reduce_min_initial", "map_compared")


def _runs(f):
    seed = np.linspace(-0.4, 0.9, X4.size)
    return {"grad": lambda: astgrad.grad(f, wrt=(0, 1))(X4.copy(), 0.8),
            "value_and_grad": lambda: astgrad.value_and_grad(f)(X4.copy(), 0.8),
            "vjp": lambda: astgrad.vjp(f, X4.copy(), 0.8)[1](1.0),
            "jvp": lambda: astgrad.jvp(f, (X4.copy(), 0.8), (seed, 0.7)),
            "hessian": lambda: astgrad.hessian(f)(X4.copy(), 0.8),
            "jvp_of_grad": lambda: astgrad.jvp(astgrad.grad(f), (X4.copy(), 0.8), (seed, 0.0))}


def _ci(names):
    return [(name, mode) for k, name in enumerate(names) for m, mode in enumerate(MODES)
            if THOROUGH or m == k % len(MODES)]


def test_the_tables_name_programs_of_the_module():
    names = {p.__name__ for p in P.PROGRAMS}
    assert set(REFUSED) | set(FOLLOWED) | set(LEFT) <= names and not set(LEFT) & set(REFUSED) and set(REFUSED) - set(FOLLOWED) == set(REFUSED_ANYWAY)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name, mode", _ci(REFUSED))
def test_a_writing_comparison_is_refused_in_words(name, mode):
    program = getattr(P, name)
    f = P.made_for(program, P.Writing)
    refused_in_words(program, _runs(f)[mode])


@pytest.mark.parametrize("name", [n for n in REFUSED if n not in REFUSED_ANYWAY])
def test_the_refusal_names_the_line_and_the_method(name):
    program = getattr(P, name)
    with pytest.raises((astgrad.TransformError, TypeError)) as caught:
        astgrad.grad(P.made_for(program, P.Writing), wrt=(0, 1))(X4.copy(), 0.8)
    text = str(caught.value)
    assert "trust89c_programs.py:" in text and "Writing.__" in text and "may change something in place" in text, text


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name, mode", _ci(FOLLOWED))
def test_comparisons_that_only_read_are_followed(name, mode):
    check(mode, P.made_for(getattr(P, name), P.Reading), (X4, 0.8), (0, 1))
