"""The cost of the run-time checks of the hooks a read runs of a value whose class is
known only when the code runs (``x[i]``, ``len(xs)``, ``w < c``, ``f"{w}"`` on a
parameter: hooked_items.check_value_hooks) where the values are plain (an array, a list,
a float): a loop of 1,000 turns making each read, its gradient called once generated.
For each source directory given (``--src A B``: before and after a change) a process of
its own times the gradient's call, the runs of the directories taken in turn so that load
on the machine weighs on each alike; printed: the least of the runs (a loaded machine's
steadier figure) and the median, per call of the gradient.

    python benchmarks/value_hooks.py [--runs 7] [--src DIR ...]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

PROGRAM = r'''
import json, sys, time
import numpy as np
import astgrad

def loop(x, w, xs):
    s = 0.0
    for i in range(1000):
        if w < 1.0:
            s = s + x[i % 3] * w * len(xs)
    return s

g = astgrad.grad(loop)
x = np.array([0.7, -1.3, 0.4])
g(x, 0.8, [1.0, 2.0])
times = []
for _ in range(int(sys.argv[1])):
    start = time.perf_counter()
    g(x, 0.8, [1.0, 2.0])
    times.append(time.perf_counter() - start)
print(json.dumps(min(times)))
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--src", nargs="+", default=[os.path.join(HERE, "..", "src")])
    options = parser.parse_args()
    found = {src: [] for src in options.src}
    with tempfile.TemporaryDirectory() as temporary:
        program = os.path.join(temporary, "loop.py")      # (astgrad reads a function's source file)
        with open(program, "w") as file:
            file.write(PROGRAM)
        for _ in range(options.runs):
            for src in options.src:
                env = dict(os.environ, PYTHONPATH=os.path.abspath(src), ASTGRAD_CACHE="0")
                out = subprocess.run([sys.executable, program, "20"], env=env, check=True,
                                     capture_output=True, text=True).stdout
                found[src].append(json.loads(out))
    print(f"{'source':<40} {'least (ms)':>11} {'median (ms)':>12}")
    for src, times in found.items():
        print(f"{src[-40:]:<40} {1e3 * min(times):>11.3f} {1e3 * statistics.median(times):>12.3f}")


if __name__ == "__main__":
    main()
