"""The tape front end against PyTorch: each program of tests/torch_programs.py gives what
PyTorch 2.13 gave (values, gradients, dtypes, or the exception type and message), as
recorded in tests/torch_reference/golden.json by tests/torch_reference/record.py.

Where torch is installed, the golden file is also checked against torch itself, so a
program changed without re-recording fails.
"""

import json
import pathlib

import pytest

import astgrad
import torch_compare
import torch_programs

GOLDEN = json.loads((pathlib.Path(__file__).parent / "torch_reference" / "golden.json").read_text())

# Differences that belong to work on the tape's gradient semantics, not to these functions
# (none at present; an entry names the program and the difference).
PENDING = {}

# Differences listed in docs/tape.md as deliberate: the default floating dtype is float64
# (NumPy's), so an integer tensor's exp is float64 where PyTorch's is float32.
DELIBERATE = {
    "exp_of_int": "default dtype float64",
}


def test_every_program_is_recorded():
    assert sorted(GOLDEN["programs"]) == sorted(torch_programs.PROGRAMS)
    assert len(GOLDEN["programs"]) >= 150


@pytest.mark.parametrize("name", sorted(torch_programs.PROGRAMS))
def test_same_as_pytorch(name):
    expected = GOLDEN["programs"][name]
    found = torch_compare.differences(expected, torch_compare.run(torch_programs.PROGRAMS[name], astgrad))
    if name in DELIBERATE:
        assert found, f"{name} now behaves as PyTorch; remove it from DELIBERATE"
        return
    if name in PENDING:
        assert found, f"{name} now behaves as PyTorch; remove it from PENDING"
        pytest.xfail(PENDING[name])
    assert not found, "\n".join(found)


def test_golden_file_is_pytorchs():
    stale = torch_compare.stale_programs(GOLDEN, torch_programs.PROGRAMS)
    assert not stale, f"re-record golden.json (tests/torch_reference/record.py): {stale}"
