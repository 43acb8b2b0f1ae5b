"""The tape front end against PyTorch eager, one CPU thread, after the first step.

    PYTHONPATH=src python benchmarks/tape.py            # about half a minute
    PYTHONPATH=src python benchmarks/tape.py --quick    # a few seconds

Two workloads, written the same way for both libraries (only the module differs):

- a training step of a 2-layer MLP (10 inputs, 64 hidden units with tanh, 1 output,
  batch 32): forward pass, ``loss.backward()``, an SGD update under ``no_grad`` and
  ``grad = None``;
- a loop of 100 scalar operations on a 0-d tensor (multiply, add, sin in turn),
  then ``backward()``.

Both use float64 (astgrad's default; PyTorch is set to it too). Every figure is the
median CPU time (time.process_time) of one step over rounds in which the two libraries take turns; the
gradients are checked against each other before timing. PyTorch is optional: without
it only astgrad's times are printed.
"""

import os
import sys

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import astgrad  # noqa: E402

try:
    import torch
except ImportError:         # optional peer
    torch = None


def mlp_parameters(lib, seed=0):
    rng = np.random.default_rng(seed)
    shapes = [(10, 64), (64,), (64, 1), (1,)]
    return [lib.tensor(rng.standard_normal(s) * 0.3, requires_grad=True) for s in shapes]


def mlp_data(lib, seed=1):
    rng = np.random.default_rng(seed)
    return lib.tensor(rng.standard_normal((32, 10))), lib.tensor(rng.standard_normal((32, 1)))


def mlp_step(lib, params, X, Y, lr=0.01):
    W1, b1, W2, b2 = params
    h = (X @ W1 + b1).tanh()
    diff = h @ W2 + b2 - Y
    loss = (diff * diff).mean()
    loss.backward()
    with lib.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad = None
    return loss


def scalar_loop(lib, x):
    y = x
    for i in range(100):
        k = i % 3
        if k == 0:
            y = y * 1.001
        elif k == 1:
            y = y + x
        else:
            y = y.sin()
    y.backward()
    g = x.grad
    x.grad = None
    return g


def _workloads(lib):
    params = mlp_parameters(lib)
    X, Y = mlp_data(lib)
    x = lib.tensor(0.5, requires_grad=True)
    return {"MLP training step (64 hidden, batch 32)": lambda: mlp_step(lib, params, X, Y),
            "loop of 100 scalar ops + backward": lambda: scalar_loop(lib, x)}


def _check():
    """The two libraries compute the same loss trajectory and scalar gradient."""
    a, t = _workloads(astgrad), _workloads(torch)
    for name in a:
        for _ in range(3):
            ra, rt = a[name](), t[name]()
            if not np.allclose(float(ra.detach().numpy()), float(rt.detach().numpy()), rtol=1e-9):
                raise SystemExit(f"{name}: astgrad {ra} but PyTorch {rt}")


def _time(fn, inner):
    start = time.process_time()
    for _ in range(inner):
        fn()
    return (time.process_time() - start) / inner


def measure(rounds, inner):
    systems = {"astgrad tape": _workloads(astgrad)}
    if torch is not None:
        systems["PyTorch eager"] = _workloads(torch)
    times = {}
    for name in systems["astgrad tape"]:
        samples = {s: [] for s in systems}
        for fns in systems.values():
            for _ in range(2):      # not timed: the first two steps generate code (the adjoint, its backward)
                fns[name]()
        for r in range(rounds):
            order = list(systems) if r % 2 == 0 else list(reversed(systems))
            for s in order:
                samples[s].append(_time(systems[s][name], inner))
        times[name] = {s: statistics.median(v) for s, v in samples.items()}
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few rounds (a smoke run)")
    args = parser.parse_args(argv)
    if torch is not None:
        torch.set_num_threads(1)
        torch.set_default_dtype(torch.float64)
        _check()
    times = measure(*((3, 5) if args.quick else (15, 40)))
    for name, by_system in times.items():
        row = "  ".join(f"{s}: {t * 1e6:8.1f} us" for s, t in by_system.items())
        ratio = ""
        if "PyTorch eager" in by_system:
            ratio = f"  (astgrad / PyTorch = {by_system['astgrad tape'] / by_system['PyTorch eager']:.2f})"
        print(f"{name:42s} {row}{ratio}")
    return times


if __name__ == "__main__":
    main()
