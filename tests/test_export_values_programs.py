"""The larger tree_map programs of test_export_values.py exported at order 2: b09 (a
tree_map of a lambda over a dict of lists) in reverse mode and b16 (a dict given new keys
in a loop, then a tree_map of a lambda over it) in both modes, checked as there.

Moved from test_export_values.py, which runs on every Python: it keeps one export of
each construct (a dict given new keys, a helper handed np.sin, a tree_map of a lambda)
in each mode, and so each path where unparsing and loading the module differ between
Pythons. These add larger programs through the same paths, whose subject is the engine's
derivative of them (on gast's trees, the same on every Python), so CI runs them on the
default Python alone (.ci/campaigns.txt).
"""

import pytest

from hunt6_programs import b09, b16
from test_export_values import check_tree_map_export


@pytest.mark.parametrize("fn, mode", [(b09, "reverse"), (b16, "reverse"), (b16, "forward")],
                         ids=lambda v: getattr(v, "__name__", v))
def test_tree_map_programs_export_at_order_two(fn, mode, tmp_path):
    check_tree_map_export(fn, mode, tmp_path)
