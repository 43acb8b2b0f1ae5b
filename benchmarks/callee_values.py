"""A callee's value in reverse mode: what a call costs, and what another thread can mix.

Run:  PYTHONPATH=src python benchmarks/callee_values.py [--runs 300]

1. Call overhead: small functions calling a helper of the user's, differentiated with
   value_and_grad; the CPU time of one call (median of rounds, batches of calls) and of
   the first call (which generates the code, the helper's value code included).
2. Stress: one thread keeps rebinding a global ACT (sin -> tanh -> sin: rebound, then
   bound back) while two threads call value_and_grad of a function whose helper reads
   ACT, and vjp of a function reading ACT itself; each result is checked to be the value
   and derivative of one function (all sin, or all tanh). Mixed results are counted.
This prints tables to read, not a test; the numbers depend on the machine and its load.
"""

import os

os.environ.setdefault("ASTGRAD_CACHE", "0")     # measure generation, not loading from the disk cache

import argparse
import concurrent.futures
import statistics
import sys
import threading
import time

import numpy as np

import astgrad

ACT = np.sin
K = 2.0


def scaled(x):
    return ACT(x) * K


def outer(x):
    return np.sum(scaled(x))


def square(v):
    return v * v


def one_helper(x):
    return np.sum(square(x))


def two_helpers(x):
    return np.sum(square(np.tanh(x))) + np.sum(square(x) * 0.5)


def act_loss(x):
    return np.sum(ACT(x)) * K


def _set_act(act):
    global ACT
    ACT = act


PROGRAMS = [("helper reading a global", outer, np.array([0.3, 0.7])),
            ("one helper, scalar", one_helper, 0.4),
            ("one helper, array", one_helper, np.linspace(0.1, 0.9, 8)),
            ("two helpers, array", two_helpers, np.linspace(0.1, 0.9, 8))]


def per_call(run, rounds=15, batch=300):
    times = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(batch):
            run()
        times.append((time.process_time() - started) / batch)
    return statistics.median(times)


def overhead_table():
    print(f"{'program':<26} {'first call ms':>14} {'per call us':>12}")
    for label, fn, x in PROGRAMS:
        astgrad.clear_cache()
        run = astgrad.value_and_grad(fn)
        started = time.process_time()
        run(x)
        first = time.process_time() - started
        print(f"{label:<26} {first * 1e3:>14.1f} {per_call(lambda: run(x)) * 1e6:>12.1f}")


def _allowed(x):
    out = {}
    for act in (np.sin, np.tanh):
        _set_act(act)
        out[act.__name__] = (astgrad.value_and_grad(outer)(x), astgrad.vjp(act_loss, x))
    _set_act(np.sin)
    return [(vg, (p[0], p[1](1.0)[0])) for vg, p in out.values()]


def _one_of(got, choices):
    return any(np.isclose(got[0], v) and np.allclose(got[1], g) for v, g in choices)


def stress(runs):
    x = np.array([0.3, 0.7])
    allowed = _allowed(x)
    stop, counts = [], {"value_and_grad": [0, 0, 0], "vjp": [0, 0, 0]}

    def check(name, compute, choices):
        counts[name][0] += 1
        try:
            got = compute()
        except astgrad.TransformError:      # rebound at every one of its runs: refused
            counts[name][2] += 1
            return
        counts[name][1] += not _one_of(got, choices)

    def rebinder():
        while not stop:
            _set_act(np.tanh)
            time.sleep(0)           # the other threads may run while ACT is tanh
            _set_act(np.sin)        # then bound back: a check before and after the call may see sin
            time.sleep(0)

    def caller():
        for _ in range(runs):
            check("value_and_grad", lambda: astgrad.value_and_grad(outer)(x), [vg for vg, _ in allowed])
            check("vjp", lambda: (lambda out, pullback: (out, pullback(1.0)[0]))(*astgrad.vjp(act_loss, x)),
                  [p for _, p in allowed])

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)         # switch threads often, so that the rebinding lands anywhere
    rebinding = threading.Thread(target=rebinder)
    rebinding.start()
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as callers:
            for done in [callers.submit(caller) for _ in range(2)]:
                done.result()
    finally:
        stop.append(True)
        rebinding.join()
        sys.setswitchinterval(interval)
        _set_act(np.sin)
    print(f"\n{'transform':<16} {'calls':>8} {'mixed':>6} {'refused':>8}   (ACT rebound and bound back by another thread)")
    for name, (total, mixed, refused) in counts.items():
        print(f"{name:<16} {total:>8} {mixed:>6} {refused:>8}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="calls of each transform per caller thread")
    options = parser.parse_args()
    overhead_table()
    stress(options.runs)


if __name__ == "__main__":
    main()
