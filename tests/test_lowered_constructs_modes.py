"""The constructs of test_lowered_constructs.py in forward mode and to second order (the
Hessian) against finite differences, checked as there.

Moved from test_lowered_constructs.py, which runs on every Python and checks each
construct in reverse mode, so each is read from the tree of that Python's parse and
lowered there. Forward mode and the Hessian are the engine's transforms of the same
lowered statements, on gast's trees, the same on every Python, so CI runs them on the
default Python alone (.ci/campaigns.txt).
"""

import pytest

from breadth_modes import check
from test_lowered_constructs import LOWERED, W, X3


@pytest.mark.parametrize("mode", ["jvp", "hessian"])
@pytest.mark.parametrize("f", LOWERED, ids=[f.__name__ for f in LOWERED])
def test_constructs_the_normalizer_writes_against_finite_differences(f, mode):
    check(mode, f, (X3, W), (0, 1))
