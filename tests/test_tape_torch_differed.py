"""The tape front end against PyTorch on programs where it once differed
(tests/tape_differed_programs.py): each gives what PyTorch 2.13 gave, as recorded in
tests/torch_reference/differed_golden.json by tests/torch_reference/record.py, but where
astgrad differs on purpose (docs/tape.md, "Differences from PyTorch"); there its
gradients are checked against finite differences."""

import json
import pathlib

import numpy as np
import pytest

import astgrad
import tape_differed_programs
import torch_compare
from fd import numerical_grad

GOLDEN = json.loads((pathlib.Path(__file__).parent / "torch_reference" / "differed_golden.json").read_text())

# PyTorch gives every item written to a repeated index (``y[[0, 0]] = v``) a gradient,
# though only the last one is kept; astgrad differentiates what is computed.
DELIBERATE = {"setitem_repeated_index_tracked_value": "repeated index: only the written item has a gradient"}


def _differences(name):
    expected = GOLDEN["programs"][name]
    return torch_compare.differences(expected, torch_compare.run(tape_differed_programs.PROGRAMS[name], astgrad))


def test_every_program_is_recorded():
    assert sorted(GOLDEN["programs"]) == sorted(tape_differed_programs.PROGRAMS)


@pytest.mark.parametrize("name", sorted(set(tape_differed_programs.PROGRAMS) - set(DELIBERATE)))
def test_same_as_pytorch(name):
    found = _differences(name)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name", sorted(DELIBERATE))
def test_deliberate_differences_still_differ(name):
    assert _differences(name), f"{name} now behaves as PyTorch; remove it from DELIBERATE"


def _written_last(x):
    """The NumPy function of setitem_repeated_index_tracked_value: y[[0, 0, 2]] = x[1:4] ** 2."""
    y = x * 1.0
    y[[0, 0, 2]] = x[1:4] ** 2
    return np.sum(y * y * np.array([1.0, 2.0, 3.0, 4.0]))


def test_repeated_index_gradients_match_finite_differences():
    result = torch_compare.run(tape_differed_programs.PROGRAMS["setitem_repeated_index_tracked_value"], astgrad)
    x = np.array([0.3, -1.1, 0.8, 2.2])

    def tape_gradient_sum(point):
        xt = astgrad.tensor(point, requires_grad=True)
        y = xt * 1.0
        y[[0, 0, 2]] = xt[1:4] ** 2
        (g,) = astgrad.autograd.grad((y * y * astgrad.tensor([1.0, 2.0, 3.0, 4.0])).sum(), xt)
        return float(g.sum())

    got = result["result"]
    np.testing.assert_allclose(got["y"]["values"], [0.64, -1.1, 4.84, 2.2], rtol=1e-12)
    np.testing.assert_allclose(got["g"]["values"], numerical_grad(_written_last, (x,)), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(got["h"]["values"], numerical_grad(tape_gradient_sum, (x,)), rtol=1e-6, atol=1e-8)


def test_golden_file_is_pytorchs():
    stale = torch_compare.stale_programs(GOLDEN, tape_differed_programs.PROGRAMS)
    assert not stale, f"re-record differed_golden.json (tests/torch_reference/record.py differed): {stale}"
