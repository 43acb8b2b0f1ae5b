"""The numba backend's rows and the checkpointing measurement for benchmarks/run.py.

``numba_systems(key, inputs)`` gives the ``astgrad numba`` system (``astgrad.grad(f,
backend="numba")``) for the workloads with a numba row; numba compiles at the first
call, which run.py's correctness check makes before anything is timed.
``checkpoint_lines(quick)`` measures a long RNN's gradient with and without
``checkpoint="sqrt"``: CPU time and tracemalloc peak. Run on its own,
``PYTHONPATH=src python benchmarks/backends.py [T ...]`` prints that measurement for
sequences of T steps (default 10,000).
"""

import importlib.util
import time
import tracemalloc

import numpy as np

import astgrad
import workloads as W

AST_NUMBA = "astgrad numba"
NUMBA_WORKLOADS = {"scalar": (W.scalar_loop, 0), "rnn": (W.rnn_loss, (0, 1)), "elementwise": (W.elementwise, 0),
                   "logreg": (W.logreg_loss, 0)}


def numba_available():
    return importlib.util.find_spec("numba") is not None


def numba_systems(key, inputs):
    """{AST_NUMBA: call} for workload ``key`` (empty without numba or a numba row)."""
    if key not in NUMBA_WORKLOADS or not numba_available():
        return {}
    fn, wrt = NUMBA_WORKLOADS[key]
    g = astgrad.grad(fn, wrt, backend="numba")
    return {AST_NUMBA: lambda: g(*inputs)}


def _peak(fn):
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak


def _median_seconds(fn, runs):
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return sorted(times)[len(times) // 2]


def checkpoint_lines(quick, steps=None):
    """Lines for run.py: the RNN workload over a long sequence (``steps``, by default
    10,000 or 500 for ``quick``), plain and checkpointed."""
    steps = steps or (500 if quick else 10_000)
    runs = 1 if quick else 5
    rng = np.random.default_rng(5)
    args = (rng.normal(scale=0.3, size=(W.RNN_H, W.RNN_IN)), rng.normal(scale=0.3, size=(W.RNN_H, W.RNN_H)),
            rng.normal(size=(steps, W.RNN_IN)))
    plain = astgrad.grad(W.rnn_loss, (0, 1))
    lines = [f"checkpointing (RNN workload, T={steps}, H={W.RNN_H}; CPU time median of {runs}, "
             "tracemalloc peak of one call)",
             f"  {'system':28}{'time':>10}{'x plain':>9}{'peak memory':>14}{'x plain':>9}"]
    expected = plain(*args)
    base_time = _median_seconds(lambda: plain(*args), runs)
    base_peak = _peak(lambda: plain(*args))
    lines.append(f"  {'grad(f)':28}{base_time * 1e3:>8.1f}ms{1.0:>9.2f}{base_peak / 2**20:>11.2f}MiB{1.0:>9.2f}")
    for every in ("sqrt", 10):
        g = astgrad.grad(W.rnn_loss, (0, 1), checkpoint=every)
        ok = all(np.allclose(a, b, rtol=1e-10) for a, b in zip(g(*args), expected))
        seconds = _median_seconds(lambda: g(*args), runs)
        peak = _peak(lambda: g(*args))
        lines.append(f"  {f'grad(f, checkpoint={every!r})':28}{seconds * 1e3:>8.1f}ms{seconds / base_time:>9.2f}"
                     f"{peak / 2**20:>11.2f}MiB{peak / base_peak:>9.2f}  {'✓' if ok else '✗ WRONG'}")
    return lines


if __name__ == "__main__":
    import sys
    for count in sys.argv[1:] or ["10000"]:
        print("\n".join(checkpoint_lines(False, int(count))))
