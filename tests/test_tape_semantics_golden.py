"""The tape front end against PyTorch: the programs of
tests/torch_reference/semantics_programs.py run under astgrad and must give what
PyTorch 2.13 gave (tests/torch_reference/semantics_golden.json, recorded by
record_semantics.py): the same values, gradients and requires_grad flags, and the
same exception type and message ("torch." reads "astgrad." here, "torch::" "astgrad::")."""

import json
import math
import pathlib
import sys

import numpy
import pytest

import astgrad

HERE = pathlib.Path(__file__).parent / "torch_reference"
sys.path.insert(0, str(HERE))

from semantics_programs import PROGRAMS         # noqa: E402
from semantics_runner import run                # noqa: E402

GOLDEN = json.loads((HERE / "semantics_golden.json").read_text())["programs"]


def make(data, rg=False):
    return astgrad.tensor(data, requires_grad=rg, dtype=numpy.float64)


def same(expected, got):
    """Whether two encoded results agree (numbers to 1e-12 relative)."""
    if isinstance(expected, dict) and isinstance(got, dict):
        return expected.keys() == got.keys() and all(same(expected[k], got[k]) for k in expected)
    if isinstance(expected, list) and isinstance(got, list):
        return len(expected) == len(got) and all(same(e, g) for e, g in zip(expected, got))
    if isinstance(expected, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        return math.isclose(expected, got, rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(expected, str) and isinstance(got, str):
        return expected.replace("torch.", "astgrad.").replace("torch::", "astgrad::") == got
    return type(expected) is type(got) and expected == got


# programs where astgrad differs on purpose (docs/tape.md, "Differences from PyTorch"),
# with what astgrad gives instead
DELIBERATE = {}


def _named(name, node):
    """A recorded in-place table row, its node named ``node`` (the rest as PyTorch's)."""
    row = GOLDEN[name]["value"]
    return {"value": row[:2] + [node] + row[3:]}


# derivatives PyTorch leaves out (its node is NotImplemented): heaviside's in `values`,
# floor_divide's zero (the out-of-place twins are in the "Derivatives PyTorch leaves out" row)
DELIBERATE["inplace_table_heaviside_"] = _named("inplace_table_heaviside_", "<HeavisideBackward0>")
DELIBERATE["inplace_table_floor_divide_"] = _named("inplace_table_floor_divide_", "<DivBackward2>")


def test_every_program_is_recorded():
    assert sorted(GOLDEN) == sorted(PROGRAMS)
    assert len(PROGRAMS) >= 80


# the in-place table's rows of functions astgrad takes from SciPy
NEEDS_SCIPY = {"inplace_table_erf_", "inplace_table_erfc_", "inplace_table_xlogy_"}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_behaves_as_pytorch(name):
    if name in NEEDS_SCIPY:
        pytest.importorskip("scipy")
    got = run(name, astgrad, make)
    expected = DELIBERATE.get(name, GOLDEN[name])
    assert same(expected, got), f"\nexpected: {expected}\nastgrad: {got}"


def test_deliberate_differences_do_differ_from_pytorch():
    for name, ours in DELIBERATE.items():
        assert not same(GOLDEN[name], ours), name
