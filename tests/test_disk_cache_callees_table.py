"""The rest of test_disk_cache_callees.py's table of edits: a callee's default value, a
global it reads or only its spacing edited between processes, with the callers
calls_middle (a callee of a callee), grad_inside (astgrad.grad inside) and the Hessian
(forward mode over a gradient), checked as there.

Moved from test_disk_cache_callees.py, which runs on every Python and keeps each edit
with calls_helper and each of these callers with the body edited, so each way the disk
cache's entries and keys are written, read and found stale on that Python. These combine
the same edits and callers: what they add is which callees the engine records for a
caller's entry (from gast's trees, the same on every Python), so CI runs them on the
default Python alone (.ci/campaigns.txt).
"""

import pytest

import astgrad_source
from test_disk_cache_callees import ENGINE_EDITS, Processes, check_an_edited_callee_makes_the_caller_stale


@pytest.fixture(scope="module")
def processes(tmp_path_factory):
    return Processes(tmp_path_factory.mktemp("callees"), astgrad_source.path())


@pytest.mark.parametrize("edit, scenario", ENGINE_EDITS)
def test_an_edited_callee_makes_the_caller_stale(processes, scenario, edit):
    check_an_edited_callee_makes_the_caller_stale(processes, scenario, edit)
