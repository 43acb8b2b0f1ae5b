"""The tape front end against PyTorch on small random programs mixing in-place updates,
views, ``detach()``, ``.data``, ``requires_grad_()``, ``retain_grad()``, ``no_grad()``
blocks, dtype promotion and broadcasting (tests/tape_mixed_programs.py, each written from
its seed): each gives what PyTorch 2.13 gave, as recorded in
tests/torch_reference/mixed_golden.json by tests/torch_reference/record.py (values,
dtypes, ``grad_fn`` names, versions, ``is_leaf``, ``requires_grad``, gradients and the
errors of the steps that raise)."""

import json
import pathlib

import pytest

import astgrad
import tape_mixed_programs
import torch_compare

GOLDEN = json.loads((pathlib.Path(__file__).parent / "torch_reference" / "mixed_golden.json").read_text())

# programs where astgrad differs from PyTorch (docs/tape.md, "Differences from PyTorch"):
# what differs, and words astgrad's result holds there (None: no refusal)
KNOWN = {
    # a view made before its base's requires_grad_() requires grad in PyTorch (its
    # requires_grad reads the base's); astgrad's view keeps the flag it was made with
    "mixed_008": ("a view of a tensor made to require grad after the view was taken", None),
    # clamp_ through .data of a tensor with a grad_fn: refused when differentiated
    "mixed_055": ("a tensor with a grad_fn written through .data", "astgrad's tape cannot differentiate through"),
}

def test_every_program_is_recorded():
    assert sorted(GOLDEN["programs"]) == sorted(tape_mixed_programs.PROGRAMS)


def _differences(name):
    try:
        actual = torch_compare.run(tape_mixed_programs.PROGRAMS[name], astgrad)
    finally:
        astgrad.set_grad_enabled(True)
    return actual, torch_compare.differences(GOLDEN["programs"][name], actual,
                                             single=tape_mixed_programs.through_float32(name))


@pytest.mark.parametrize("name", [n for n in sorted(tape_mixed_programs.PROGRAMS) if n not in KNOWN])
def test_same_as_pytorch(name):
    _, found = _differences(name)
    assert not found, f"{name}:\n" + tape_mixed_programs.SOURCES[name] + "\n" + "\n".join(found)


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_known_differences_do_differ(name):
    actual, found = _differences(name)
    assert found, f"{name} now gives what PyTorch gives: take it out of KNOWN"
    words = KNOWN[name][1]
    assert words is None or words in json.dumps(actual), found
