"""Gradients from thread pools and long-running loops: throughput and memory.

Run:  python benchmarks/concurrency.py [--steps 100000]

1. Throughput: a pool of 1, 2, 4 and 8 threads computes the same number of gradient
   calls over a mix of functions (the first calls, which generate code, included);
   every result is checked against a single-threaded reference.
2. Memory: a loop differentiates a fresh closure on every step; the resident memory
   is printed as the loop goes on.
This prints a table to read, not a test; the numbers depend on the machine.
"""

import os

os.environ.setdefault("ASTGRAD_CACHE", "0")     # measure generation, not loading from the disk cache

import argparse
import concurrent.futures
import gc
import resource
import time

import numpy as np

import astgrad
from astgrad import caching


def softplus_loss(w, x):
    return np.sum(np.log1p(np.exp(x @ w)))


def tanh_layer(w, x):
    h = np.tanh(x @ w)
    return np.sum(h * h)


def scalar_poly(w, x):
    s = 0.0
    for i in range(10):
        s = s + np.sum(w * x[i]) ** 2 / (1.0 + i)
    return s


FUNCTIONS = [softplus_loss, tanh_layer, scalar_poly]


def make_inputs(count, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=4), rng.normal(size=(10, 4))) for _ in range(count)]


def throughput(threads, calls, inputs, reference):
    caching._cache.clear()         # so the first calls generate code again
    caching._by_source.clear()
    jobs = [(FUNCTIONS[k % len(FUNCTIONS)], inputs[k % len(inputs)]) for k in range(calls)]

    def run(job):
        f, (w, x) = job
        return astgrad.grad(f)(w, x)

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(run, jobs))
    seconds = time.perf_counter() - started
    for (f, (w, x)), result in zip(jobs, results):
        np.testing.assert_allclose(result, reference[f.__name__, id(w)], rtol=1e-12)
    return calls / seconds


def resident_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def make_closure(scale):
    def loss(x):
        return np.sum(np.sin(x) * scale)
    return loss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--steps", type=int, default=20000)
    options = parser.parse_args()

    inputs = make_inputs(16)
    reference = {(f.__name__, id(w)): astgrad.grad(f)(w, x) for f in FUNCTIONS for w, x in inputs}
    print(f"gradient calls per second ({options.calls} calls over {len(FUNCTIONS)} functions, "
          "first calls included, every result checked)")
    print(f"{'threads':>8} {'calls/s':>10}")
    for threads in (1, 2, 4, 8):
        print(f"{threads:>8} {throughput(threads, options.calls, inputs, reference):>10.0f}")

    print(f"\nresident memory while differentiating a fresh closure on every step")
    print(f"{'step':>8} {'MB':>8} {'cached functions':>17}")
    x = np.array([0.1, 0.2, 0.3])
    checkpoints = {0, 1000} | {options.steps * k // 5 for k in range(1, 6)}
    for step in range(options.steps + 1):
        astgrad.grad(make_closure(step * 1e-3))(x)
        if step in checkpoints:
            gc.collect()
            print(f"{step:>8} {resident_mb():>8.1f} {len(caching._cache):>17}")


if __name__ == "__main__":
    main()
