"""The tape's functions and methods called with arguments of the wrong kind
(tests/tape_argument_programs.py): each call raises what PyTorch 2.13 raised, as recorded
in tests/torch_reference/arguments_golden.json by tests/torch_reference/record.py. Where
PyTorch's TypeError lists its overloads instead of naming an argument, astgrad's (which
names it) need only be a TypeError too.
"""

import json
import pathlib

import numpy as np
import pytest

import astgrad
import tape_argument_programs
import torch_compare

GOLDEN = json.loads((pathlib.Path(__file__).parent / "torch_reference" / "arguments_golden.json").read_text())

# PyTorch's polygamma(1, x) at the poles -1, -2, ... is a large finite number (6.6e32 in
# float64, 1.3e15 in float32: its rounding); astgrad's is the limit, inf, as SciPy's
# (docs/tape.md).
DELIBERATE = {"polygamma_1_at_the_poles": "inf, the limit, at the poles"}


def _differences(name):
    expected = GOLDEN["programs"][name]
    actual = torch_compare.run(tape_argument_programs.PROGRAMS[name], astgrad)
    actual = tape_argument_programs.as_pytorch_names(expected, actual)
    return torch_compare.differences(expected, actual)


def test_every_program_is_recorded():
    assert sorted(GOLDEN["programs"]) == sorted(tape_argument_programs.PROGRAMS)


@pytest.mark.parametrize("name", sorted(set(tape_argument_programs.PROGRAMS) - set(DELIBERATE)))
def test_same_as_pytorch(name):
    found = _differences(name)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name", sorted(DELIBERATE))
def test_deliberate_differences_still_differ(name):
    assert _differences(name), f"{name} now behaves as PyTorch; remove it from DELIBERATE"


def test_polygamma_at_the_poles_is_the_limit():
    """Order 1 at -1, -2: inf from both sides, as SciPy's (the values next to the pole grow)."""
    x = astgrad.tensor([-1.0, -2.0], dtype=astgrad.float64)
    assert np.all(np.isinf(astgrad.polygamma(1, x).numpy()))
    near = astgrad.polygamma(1, astgrad.tensor([-1.0 + 1e-4, -1.0 - 1e-4, -2.0 + 1e-4], dtype=astgrad.float64))
    assert np.all(near.numpy() > 1e7)


def test_golden_file_is_pytorchs():
    stale = torch_compare.stale_programs(GOLDEN, tape_argument_programs.PROGRAMS)
    assert not stale, f"re-record arguments_golden.json (tests/torch_reference/record.py arguments): {stale}"


@pytest.mark.parametrize("indices", [[], ()], ids=["list", "tuple"])
def test_index_put_without_an_index_says_what_to_do(indices):
    """PyTorch fails inside (``sym_strides() called on an undefined Tensor``) and NumPy would
    write every element: astgrad refuses and names the way to write them all."""
    x = astgrad.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=astgrad.float64)
    for call in (lambda: x.index_put_(indices, astgrad.tensor(9.0, dtype=astgrad.float64)),
                 lambda: x.index_put(indices, astgrad.tensor(9.0, dtype=astgrad.float64), accumulate=True)):
        with pytest.raises(RuntimeError, match=r"index_put_?\(\): indices is empty: give at least one index tensor "
                                               r"\(to write every element, use x\[\.\.\.\] = values"):
            call()
    assert x.tolist() == [[1.0, 2.0], [3.0, 4.0]]
