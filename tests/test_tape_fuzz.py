"""Random programs on the tape and on PyTorch, side by side (tests/tape_fuzz.py makes
and runs them): tensor operations, views, in-place updates (also under ``no_grad``, and
through ``detach()``), new leaves, repeated gradients, ``create_graph=True`` and second
derivatives, ``backward()`` into ``.grad`` of leaves and retained tensors (in place or a new
tensor). Both must make tensors of the same shapes and flags, hold the same values,
give the same gradients, and raise the same error (type and message) at the same step.

More examples run with HYPOTHESIS_PROFILE=thorough. The differences left on purpose
(docs/tape.md, "Differences from PyTorch") are skipped: a leaf that requires grad,
changed in place twice after a graph used it (or once, for ``create_graph=True``), makes a
gradient through that graph raise; a recorded write through ``detach()`` into a view or
into a tensor with history is refused.
"""

import contextlib

import numpy as np
import pytest
from hypothesis import example, given, strategies as st

import astgrad
from tape_fuzz import N_KINDS, run_program

torch = pytest.importorskip("torch")

STEPS = st.lists(st.tuples(st.integers(0, N_KINDS - 1), st.integers(0, 7), st.integers(0, 7),
                           st.integers(0, 7)), min_size=1, max_size=10)


@contextlib.contextmanager
def _float64_torch():
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def _leaf_changed_after_use(error):
    """astgrad's error for a leaf changed in place after a graph used it, whose old value
    is no longer kept (a leaf has no producer in the message), where PyTorch computes
    unless it saved the leaf."""
    return (error is not None and "modified by an inplace operation" in error[1]
            and "which is output" not in error[1])


def _compare(ours, theirs):
    (log_a, error_a), (log_b, error_b) = ours, theirs
    assert error_a == error_b
    assert [entry[0] for entry in log_a] == [entry[0] for entry in log_b]
    for (what, a), (_, b) in zip(log_a, log_b):
        if what == "accumulated":
            assert [same for _, same in a] == [same for _, same in b], what
            a, b = [v for v, _ in a if v is not None], [v for v, _ in b if v is not None]
        if what in ("grad", "grad2", "again", "pool", "accumulated"):
            assert len(a) == len(b)
            for x, y in zip(a, b):
                np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-9, err_msg=what)
        else:
            assert a == b, what


def _refused_alias_write(error):
    """astgrad's refusal of a recorded write through ``detach()`` or ``.data`` into a
    view or a tensor with history, which PyTorch's shared memory shows and the tape
    could not."""
    return error is not None and error[1].startswith("astgrad's tape cannot record this update")


def _check(steps):
    ours = run_program(astgrad, steps)
    with _float64_torch():
        theirs = run_program(torch, steps)
    if _leaf_changed_after_use(ours[1]) and theirs[1] is None:
        return
    if _refused_alias_write(ours[1]):
        return
    _compare(ours, theirs)


@given(STEPS)
# a view saved, then another row of the tensor it views written: PyTorch's views share
# one version counter, so the backward pass refuses
@example([(1, 0, 0, 3), (13, 3, 0, 6), (0, 4, 0, 0), (16, 3, 0, 11)])
# an update under no_grad of a non-leaf that is then used: gradients flow through its old node
@example([(7, 2, 0, 3), (19, 3, 6, 0), (1, 3, 3, 1)])
# t.mul_(t): the second operand is saved, then changed by the update itself
@example([(4, 0, 2, 0), (17, 3, 3, 3), (16, 3, 3, 1)])
# the view of a view of a leaf's detach(), an element with its own array, then the leaf
# doubled under no_grad: the element is made again
@example([(0, 0, 0, 0), (10, 0, 0, 5), (10, 4, 0, 0), (10, 5, 0, 0), (18, 0, 0, 0)])
# zero_() under no_grad of a tensor a later node saved: the error names the old grad_fn
@example([(0, 0, 0, 0), (0, 3, 0, 0), (18, 3, 0, 4)])
# a constant used (x + c), then changed through its detach(), then used again: the first
# gradient computes x + c with the value it had
@example([(8, 4, 2, 6), (8, 4, 2, 6), (21, 2, 1, 7), (8, 4, 2, 6), (4, 7, 6, 2), (9, 6, 5, 0),
          (8, 6, 7, 2)])
# a retained non-leaf: backward twice (retain_grad called again), then with create_graph
@example([(0, 0, 0, 0), (24, 3, 0, 0), (24, 3, 0, 1), (25, 0, 0, 1)])
def test_random_programs_match_pytorch(steps):
    _check(steps)
