"""Objects of the user's classes followed where they only read (tests/objects89b_programs.py):
items sorted by a ``__lt__`` that reads the other item's attributes (with
``functools.total_ordering`` or without), an object of a class whose base defines
``__init_subclass__``, ``TABLE.get(key, default)`` on a global dict of numbers and arrays
with a default depending on x, a module's function reached through a tuple or dict display
holding the module, a subclass of dict with nothing of its own built in the function. Each is checked against central differences in every mode
(CI: one mode per program and shape, in turn; all of them with HYPOTHESIS_PROFILE=thorough).
The writing twin of each (a ``__lt__`` writing into the other item, a property of the other
item that writes, also reached through tuples compared item by item, a method writing into its argument, a write into the array a global dict
hands back, a module's function keeping a value in a global list, a dict subclass whose ``__getitem__``
writes, a write into the caller's array a dict subclass holds) is refused in words naming the user's line, the caller's arrays and the global
dict as they were."""

import numpy as np
import pytest

import astgrad
import objects89b_programs as P
from breadth_modes import MODES, THOROUGH, check, ci_modes
from refusal_words import refused_in_words

SHAPES = (np.array([0.7, -1.3, 0.4, 2.1]), np.array([0.7, -1.3, 0.4, 2.1, -0.6, 1.1]))

FOLLOWED = [P.sorted_by_a_reading_lt, P.sorted_total_ordering, P.built_under_init_subclass,
            P.global_get_default, P.global_get_present, P.module_in_a_tuple, P.module_in_a_dict,
            P.dict_subclass_built, P.dict_subclass_looped]

WRITING = [P.sorted_by_a_writing_lt, P.sorted_by_a_writing_property, P.sorted_pairs_reaching_a_writing_property,
           P.init_subclass_writing, P.global_get_written, P.module_in_a_tuple_writing,
           P.dict_subclass_writing, P.dict_subclass_item_written]


def _selected():
    k = 0
    for f in FOLLOWED:
        for x in SHAPES:
            for mode in (MODES if THOROUGH else ci_modes(k)):
                yield pytest.param(mode, f, x, id=f"{f.__name__}-{x.size}-{mode}")
            k += 1


@pytest.mark.parametrize("mode, f, x", list(_selected()))
def test_followed_against_central_differences(mode, f, x):
    check(mode, f, (x.copy(), 0.8), (0, 1), seed=89 + x.size)


def _run(transform, f, x):
    if transform == "grad":
        return astgrad.grad(f)(x, 0.8)
    if transform == "jvp":
        return astgrad.jvp(f, (x, 0.8), (np.ones_like(x), 0.0))
    return astgrad.hessian(f)(x, 0.8)


@pytest.mark.parametrize("transform", ("grad", "jvp", "hessian"))
@pytest.mark.parametrize("f", WRITING, ids=lambda f: f.__name__)
def test_the_writing_twin_is_refused_in_words_leaving_state_as_it_was(f, transform):
    x, table = SHAPES[0].copy(), P.ARRAYS["b"].copy()
    refused_in_words(f, lambda: _run(transform, f, x))
    np.testing.assert_array_equal(x, SHAPES[0])
    np.testing.assert_array_equal(P.ARRAYS["b"], table)
    assert P.LOG == []

