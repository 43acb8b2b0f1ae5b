"""More of the examples' functions exported and run in a fresh virtual environment holding
only NumPy, checked as test_export.py checks the others (test_export.ENGINE_CASES names
them).

Moved from test_export.py, which runs on every Python and keeps an export of each kind
(reverse and forward mode, orders 1 to 3, a tuple wrt, arguments holding lists, dicts and
objects, a method's class, the module's own bindings), so each way unparsing and loading
the module differ between Pythons. These take the same kinds of export through more
programs, whose subject is the engine's derivative of them (on gast's trees, the same on
every Python), so CI runs them on the default Python alone (.ci/campaigns.txt).
"""

import pytest

from test_export import ENGINE_CASES, _case_id, _cases, bare_python, check_exported_example  # noqa: F401 - a fixture


@pytest.mark.parametrize("case", [case for case in _cases() if _case_id(case) in ENGINE_CASES], ids=_case_id)
def test_exported_example_runs_without_astgrad(case, tmp_path, bare_python):  # noqa: F811 - the fixture
    check_exported_example(case, tmp_path, bare_python)


def test_every_moved_case_is_an_example_case():
    assert ENGINE_CASES <= {_case_id(case) for case in _cases()}
