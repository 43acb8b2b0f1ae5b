"""The tape's backward from recorded forward values (tape/reuse.py,
backend/given_values.py): from the second gradient of a program on, the recorded
values are given to a specialized adjoint instead of being computed again. It must
give what the full adjoint gives (checked against finite differences and against the
first, full, gradient), and fall back to the full adjoint wherever a recorded value may
have changed since it was recorded.
"""

import importlib.util
import json
import os
import pathlib
import sys

import numpy as np
import pytest

import astgrad
from astgrad.backend.given_values import with_given_values
from astgrad.tape import program, reuse
from fd import assert_close, numerical_grad

T = astgrad.tensor
grad = astgrad.autograd.grad
HERE = pathlib.Path(__file__).parent / "torch_reference"


def _latest_backward():
    return program._last.entry.backward


PROGRAMS = {
    "mlp": lambda x, w, b: ((np.tanh(x @ w + b) ** 2).mean()),
    "relu_mlp": lambda x, w, b: (x @ w + b).relu().sum() * 0.5,
    "broadcast": lambda x, w, b: ((x @ w * b - w[0]) ** 2).sum(),
    "index_and_reduce": lambda x, w, b: (x[1:] @ w).max() + np.exp(b).sum(),
    "shared_value": lambda x, w, b: ((x @ w) * (x @ w) + (x @ w) * b).mean(),
}


def _arrays(seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((4, 3)), rng.standard_normal((3, 5)), rng.standard_normal(5)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_later_gradients_match_finite_differences(name):
    f = PROGRAMS[name]
    for step in range(4):           # the first runs the full adjoint, the later ones reuse
        arrays = _arrays(step)
        ts = [T(a, requires_grad=True) for a in arrays]
        grads = grad(f(*ts), ts)
        plain = lambda *a: f(*[T(v) for v in a]).detach().numpy()    # noqa: E731
        for i, g in enumerate(grads):
            assert_close(g.numpy(), numerical_grad(plain, arrays, wrt=i))
    assert isinstance(_latest_backward(), reuse.Backward)


def test_a_training_loop_reuses_and_agrees_with_the_full_adjoint():
    rng = np.random.default_rng(3)
    X, Y = T(rng.standard_normal((8, 3))), T(rng.standard_normal((8, 1)))
    params = [T(rng.standard_normal(s) * 0.3, requires_grad=True) for s in [(3, 6), (6,), (6, 1), (1,)]]
    for _ in range(4):
        W1, b1, W2, b2 = params
        loss = (((X @ W1 + b1).tanh() @ W2 + b2 - Y) ** 2).mean()
        full = grad(loss, params, retain_graph=True)    # computed anew by the full adjoint below
        loss.backward()
        entry = program._last.entry
        again = program.run_derivative(entry.adjoint, *[np.array(p.tolist()) for p in params], X.numpy(), Y.numpy(),
                                       **{entry.seed_name: 1.0})
        for p, f, a in zip(params, full, again):
            assert_close(p.grad.numpy(), a)
            assert_close(f.numpy(), a)
        with astgrad.no_grad():
            for p in params:
                p -= 0.1 * p.grad
                p.grad = None
    assert isinstance(entry.backward, reuse.Backward)
    code = [line for line in entry.backward.function.source.splitlines() if not line.strip().startswith("#")]
    assert not [line for line in code if "tanh" in line]       # the forward is not computed again
    assert astgrad.autograd.last_adjoint_source() == entry.backward.function.source


def _twice(f):
    """f() twice: the first gradient of a program is the full adjoint's, the second reuses."""
    return f(), f()


def test_an_intermediate_updated_in_place_after_recording():
    def run():
        x = T([0.5, -1.0, 2.0], requires_grad=True)
        y = x * 3.0
        z = y + 1.0
        y.add_(1.0)             # after z used it (z keeps its value)
        return grad((z * z).sum() + (y * y).sum(), x)[0].numpy()
    first, second = _twice(run)
    x = np.array([0.5, -1.0, 2.0])
    assert_close(second, 2 * 6.0 * (3.0 * x + 1.0))
    assert_close(first, second)


def test_a_leaf_sharing_memory_changed_before_the_gradient():
    def run():
        data = np.array([1.0, 2.0, 3.0])
        x = astgrad.from_numpy(data).requires_grad_()
        y = x * x
        data[:] = [4.0, 5.0, 6.0]           # the recording replays with the values now
        return grad((y * y).sum(), x)[0].numpy()
    first, second = _twice(run)
    assert_close(first, 4.0 * np.array([4.0, 5.0, 6.0]) ** 3)
    assert_close(second, first)


def test_an_intermediate_written_through_numpy_before_the_gradient():
    def run():
        x = T([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2.0
        z = (y * y).sum()
        y.detach().numpy()[:] = 0.0         # the replay computes y again from x
        return grad(z, x)[0].numpy()
    first, second = _twice(run)
    assert_close(first, 8.0 * np.array([1.0, 2.0, 3.0]))
    assert_close(second, first)


def test_an_intermediate_written_through_data_before_the_gradient():
    def run():
        x = T([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2.0
        z = (y * y).sum()
        y.data.numpy()[:] = 0.0             # not seen by the version counter, as in PyTorch
        return grad(z, x)[0].numpy()
    first, second = _twice(run)
    assert_close(first, 8.0 * np.array([1.0, 2.0, 3.0]))      # the replay computes y again
    assert_close(second, first)


def test_nan_in_the_backward_falls_back_to_the_zero_safe_adjoint():
    def run():
        x = T([0.0, 4.0], requires_grad=True)
        y = np.sqrt(x) * x
        return grad((y * np.array([0.0, 1.0])).sum(), x)[0].numpy()
    first, second = _twice(run)
    assert np.isfinite(first).all()
    assert_close(second, first)


def test_given_values_refuses_names_the_code_writes_into():
    def f(a, b):
        t1 = a * b
        t2 = t1
        t2 += 1.0
        t3 = a + b
        t4 = a - b
        return t2, t3 * 2.0, t4
    f.source = ("def f(a, b):\n    t1 = a * b\n    t2 = t1\n    t2 += 1.0\n    t3 = a + b\n"
                "    t4 = a - b\n    return t2, t3 * 2.0, t4\n")
    copy, taken = with_given_values(f, ["t1", "t2", "t3", "t4"])
    assert taken == ["t3"]         # t1 is aliased and written through, t4 is returned as it is
    assert copy(1.0, 2.0, 10.0) == (3.0, 20.0, -1.0)
    assert "t3 = " not in copy.source
    assert with_given_values(f, ["t1", "t4"]) is None


def _golden_programs():
    sys.path.insert(0, str(HERE))
    from semantics_programs import PROGRAMS as semantics   # noqa: E402
    return semantics


def test_golden_programs_give_the_same_when_run_again():
    """Every side-by-side program run a second time (its gradients now reuse the
    recorded values) still gives what PyTorch gave."""
    from test_tape_semantics_golden import DELIBERATE, GOLDEN, NEEDS_SCIPY, make, same
    from semantics_runner import run
    semantics = _golden_programs()
    # (the rows of functions astgrad takes from SciPy run where it is installed)
    names = sorted(set(semantics) - (NEEDS_SCIPY if importlib.util.find_spec("scipy") is None else set()))
    for name in names:
        run(name, astgrad, make)
    for name in names:
        assert same(DELIBERATE.get(name, GOLDEN[name]), run(name, astgrad, make)), name


def test_torch_programs_compare_the_same_when_run_again():
    """The other side-by-side suite, run twice: every third program (all of them with
    HYPOTHESIS_PROFILE=thorough), to keep the suite's time down."""
    import torch_compare
    import torch_programs
    golden = json.loads((HERE / "golden.json").read_text())["programs"]
    step = 1 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 3
    chosen = sorted(torch_programs.PROGRAMS.items())[::step]
    first = {name: torch_compare.differences(golden[name], torch_compare.run(fn, astgrad)) for name, fn in chosen}
    for name, fn in chosen:
        assert torch_compare.differences(golden[name], torch_compare.run(fn, astgrad)) == first[name], name


def test_a_constant_written_through_numpy_before_the_gradient():
    def run():
        c = T([1.0, 2.0, 3.0])
        x = T([1.0, 1.0, 1.0], requires_grad=True)
        y = x * c
        z = (y * y).sum()
        c.numpy()[:] = [2.0, 2.0, 2.0]      # the replay reads c now, in the forward and the adjoint
        return grad(z, x)[0].numpy()
    first, second = _twice(run)
    assert_close(first, np.full(3, 8.0))
    assert_close(second, first)


def test_a_numpy_array_written_in_place_before_the_gradient():
    # a plain NumPy array in an operation is recorded as it was: writes into it later
    # change neither gradient (no mix of recorded values and its new contents)
    def run():
        a = np.array([1.0, 2.0, 3.0])
        x = T([0.5, -0.25, 1.0], requires_grad=True)
        z = (astgrad.tanh(x * a) * a).sum()
        a[:] = [2.0, 0.5, -1.0]             # after the forward pass: z was computed with [1, 2, 3]
        return grad(z, x)[0].numpy()
    first, second = _twice(run)
    x, a = np.array([0.5, -0.25, 1.0]), np.array([1.0, 2.0, 3.0])
    assert_close(first, a * a * (1.0 - np.tanh(x * a) ** 2))
    assert_close(second, first)


def test_a_numpy_index_array_written_in_place_before_the_gradient():
    def run():
        index = np.array([0, 2, 2])
        x = T([0.5, -0.25, 1.0], requires_grad=True)
        z = (x[index] ** 2).sum()
        index[:] = 1                        # after the forward pass: z was computed with [0, 2, 2]
        return grad(z, x)[0].numpy()
    first, second = _twice(run)
    assert_close(first, np.array([1.0, 0.0, 4.0]))
    assert_close(second, first)
