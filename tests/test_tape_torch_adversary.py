"""The tape front end against PyTorch on programs an outsider would write, where it once
silently differed (tests/tape_adversary_programs.py): each gives what PyTorch 2.13 gave,
as recorded in tests/torch_reference/adversary_golden.json by
tests/torch_reference/record.py; the gradient over reductions along ``dim=()`` is
checked against finite differences too."""

import json
import warnings
import pathlib

import numpy as np
import pytest

import astgrad
import tape_adversary_programs
import torch_compare
from fd import numerical_grad

GOLDEN = json.loads((pathlib.Path(__file__).parent / "torch_reference" / "adversary_golden.json").read_text())


def test_every_program_is_recorded():
    assert sorted(GOLDEN["programs"]) == sorted(tape_adversary_programs.PROGRAMS)


@pytest.mark.parametrize("name", sorted(tape_adversary_programs.PROGRAMS))
def test_same_as_pytorch(name):
    try:
        found = torch_compare.differences(GOLDEN["programs"][name],
                                          torch_compare.run(tape_adversary_programs.PROGRAMS[name], astgrad))
    finally:
        astgrad.set_grad_enabled(True)      # a program that left recording off must not spoil the next
    assert not found, "\n".join(found)


def _all_reduced(x):
    """The NumPy function of reductions_along_no_dims's gradient: each of sum, mean, amax,
    amin and norm over all elements, 4 times (dim () and [], keepdim or not)."""
    return 4 * (np.sum(x) + np.mean(x) + np.max(x) + np.min(x) + np.sqrt(np.sum(x * x)))


def test_reductions_along_no_dims_match_finite_differences():
    result = torch_compare.run(tape_adversary_programs.PROGRAMS["reductions_along_no_dims"], astgrad)
    x = np.array(tape_adversary_programs.A)
    np.testing.assert_allclose(result["result"]["g"]["values"], numerical_grad(_all_reduced, (x,)),
                               rtol=1e-6, atol=1e-8)


def test_golden_file_is_pytorchs():
    stale = torch_compare.stale_programs(GOLDEN, tape_adversary_programs.PROGRAMS)
    assert not stale, f"re-record adversary_golden.json (tests/torch_reference/record.py adversary): {stale}"


def test_out_of_another_shape_warns_as_pytorch_where_it_had_elements():
    x = astgrad.tensor([1.0, 2.0])
    with pytest.warns(UserWarning, match=r"^An output with one or more elements was resized since it had shape "
                                         r"\[3\], which does not match the required output shape \[2\]"):
        astgrad.exp(x, out=astgrad.zeros(3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # an empty out= is resized without a word, as in PyTorch
        astgrad.cat([x, x], out=astgrad.zeros(0))


def test_out_of_another_shape_sharing_memory_is_refused():
    # PyTorch resizes a view's storage in place; astgrad refuses rather than write past it
    base = astgrad.zeros(2, 3)
    with pytest.raises(RuntimeError, match=r"exp\(\): out= has shape \[3\] and the result \[2\]; astgrad resizes .*"
                                           r"this one is a view of another tensor"):
        astgrad.exp(astgrad.tensor([1.0, 2.0]), out=base[0])
    assert base.tolist() == [[0.0] * 3] * 2
