"""Objects and values in lists the function builds: ``max(xs)`` after a write into
``xs`` (one of its items, not the list, so the write changes no value it holds), the
cases on items of a list of objects that are followed, and what stays refused. Followed
programs are checked against central finite differences in value_and_grad, grad, jvp and
hessian (tests/breadth_modes.py); refusals by their message, and the next transform working."""

import numpy as np
import pytest

from breadth_modes import check
from test_leftovers_round49 import X3


# -- max or min of a list after a write into it: an item, not the list --------------------------------

def replaced_then_max(x, w):
    xs = [w, np.sum(x) * 0.1, 3.0 * w]       # holds the argument w itself
    xs[0] = w * np.sum(x ** 2)
    m = max(xs)
    return m * w + xs[1]


def replaced_then_min_with_default(x, w):
    xs = [np.sum(x) * w, w * w]
    xs[1] = np.cos(w)
    m = min(xs, default=0.0)
    return m * np.sum(x)


FOLLOWED = [replaced_then_max, replaced_then_min_with_default]


@pytest.mark.parametrize("mode", ["value_and_grad", "grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", FOLLOWED, ids=[f.__name__ for f in FOLLOWED])
def test_followed(f, mode):
    check(mode, f, (X3, 0.7), (0, 1))
