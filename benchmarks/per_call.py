"""What one call of each transform costs once its code is made: grad, value_and_grad,
vjp and its pullback, jvp, hvp and jacobian of a 10-element function calling a helper
that reads a global (the checks of what the function reaches run on every call).

Run:  PYTHONPATH=src python benchmarks/per_call.py [--calls 300] [--repeat 5]

CPU microseconds per call (the process's CPU time, so that other processes sharing the
machine count less), best of ``--repeat`` batches of ``--calls`` calls. To compare two
trees, run this script with PYTHONPATH set to each in turn, alternating, and read the
best of each. The numbers depend on the machine and its load.
"""

import argparse
import time
import timeit

import numpy as np

import astgrad

SCALE = 2.0


def helper(x):
    return SCALE * np.sin(x)


def f(x):
    return np.sum(helper(x) * x)


def transforms(x, v):
    """(name, a call of the transform) for each transform measured."""
    gradient, both = astgrad.grad(f), astgrad.value_and_grad(f)
    product, jacobian = astgrad.hvp(f), astgrad.jacobian(f)

    def vjp_and_pullback():
        _, pullback = astgrad.vjp(f, x)
        return pullback(1.0)

    return [("grad", lambda: gradient(x)), ("value_and_grad", lambda: both(x)),
            ("vjp + pullback", vjp_and_pullback), ("jvp", lambda: astgrad.jvp(f, (x,), (v,))),
            ("hvp", lambda: product(x, v)), ("jacobian", lambda: jacobian(x))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    rng = np.random.default_rng(0)
    x, v = rng.standard_normal(10), rng.standard_normal(10)
    print(f"{'transform':<16} {'us per call':>11}")
    for name, call in transforms(x, v):
        call()      # the code is made here, not timed
        best = min(timeit.repeat(call, number=options.calls, repeat=options.repeat, timer=time.process_time))
        best /= options.calls
        print(f"{name:<16} {best * 1e6:>11.1f}")


if __name__ == "__main__":
    main()
