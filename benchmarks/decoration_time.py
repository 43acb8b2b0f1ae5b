"""How long does @astgrad.differentiable take on a 30-line NumPy function?

Target (issue 2): under 50 ms. Run:  python benchmarks/decoration_time.py
This is a measurement to read, not a test; timings depend on the machine.
"""

import os

os.environ.setdefault("ASTGRAD_CACHE", "0")     # measure generation, not loading from the disk cache

import inspect
import statistics
import time

import numpy as np

import astgrad
import astgrad.api
import astgrad.caching

TARGET_MS = 50.0
RUNS = 20


def thirty_lines(x, W, b, y):
    h = x @ W + b
    a = np.tanh(h)
    s = np.sin(a) * np.cos(h)
    e = np.exp(-a * a)
    q = s + 2.0 * e
    r = q / (1.0 + a ** 2)
    m = np.maximum(r, 0.0)
    l = np.log1p(m * m)
    u = l - np.mean(l, axis=1, keepdims=True)
    v = u * u
    w = np.sqrt(v + 1e-3)
    z = w @ W.T
    z = z + x
    z = z * 0.5
    c = np.clip(z, -3.0, 3.0)
    k = np.sum(c, axis=0)
    k = k / x.shape[0]
    p = np.exp(k)
    p = p / np.sum(p)
    g = np.dot(p, b[: p.shape[0]])
    t = np.abs(c - y)
    t = t ** 1.5
    n = np.mean(t)
    d = np.square(a).sum()
    f = np.reshape(a, (-1,))
    f = np.sum(f * f)
    o = g + n
    o = o + 0.1 * d
    o = o - 0.01 * f
    return np.sum(o * o)


def clear_cache():
    """Forget every generated derivative (the cache is internal and has moved before)."""
    for module in (astgrad.caching, astgrad.api):
        cache = getattr(module, "_cache", None)
        if cache is not None:
            cache.clear()


def timings_ms(fn):
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times)


def main():
    source_lines, _ = inspect.getsourcelines(thirty_lines)
    body_lines = len(source_lines) - 1
    # Sanity: the function runs and its gradient is finite.
    rng = np.random.default_rng(0)
    args = (rng.normal(size=(8, 4)), rng.normal(size=(4, 4)), rng.normal(size=4), rng.normal(size=(8, 4)))
    assert np.all(np.isfinite(astgrad.grad(thirty_lines)(*args)))

    def decorate():                          # the decorator, with astgrad's cache emptied each time
        clear_cache()
        astgrad.differentiable(thirty_lines)

    def generate():                          # the pipeline alone: parse .. compile
        astgrad.caching.generate_reverse(thirty_lines, (0,), True)

    rows = [("@astgrad.differentiable", *timings_ms(decorate)),
            ("generate_reverse(fn, (0,), True)", *timings_ms(generate))]
    print(f"{'what':34} {'lines':>5} {'median ms':>10} {'min ms':>8} {'target ms':>10}  result")
    for what, median, fastest in rows:
        verdict = "pass" if median < TARGET_MS else "MISS"
        print(f"{what:34} {body_lines:5d} {median:10.1f} {fastest:8.1f} {TARGET_MS:10.0f}  {verdict}")
    print(f"(median and min of {RUNS} runs; a busy machine inflates the median)")


if __name__ == "__main__":
    main()
