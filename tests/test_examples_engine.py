"""The examples of test_examples.ENGINE_EXAMPLES run to completion and print what
test_examples.EXPECTED says, each in a new process, as test_examples.py runs the others.

Moved from test_examples.py, which runs on every Python: these examples' subject is the
engine's derivatives of their programs (training loops, classes holding layers,
recursions, the tape), computed on gast's trees the same on every Python; what differs
between Pythons in running a script (getting a function's source, printing generated code,
tracebacks, forking processes, drawing pictures) the examples kept there cover on every
Python. So CI runs these on the default Python alone (.ci/campaigns.txt).
"""

import pytest

from test_examples import ENGINE_EXAMPLES, EXAMPLES, check_example_runs


def test_every_moved_example_exists():
    assert ENGINE_EXAMPLES <= {path.name for path in EXAMPLES}


@pytest.mark.parametrize("path", [path for path in EXAMPLES if path.name in ENGINE_EXAMPLES], ids=lambda path: path.name)
def test_example_runs(path, tmp_path):
    check_example_runs(path, tmp_path)
