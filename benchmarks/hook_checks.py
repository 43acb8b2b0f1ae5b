"""The cost of the run-time checks of the hooks Python runs on a value whose class is
known only when the code runs, where the values are plain: a loop of 1,000 turns, its
gradient called once generated, for each of three reads:

- items: a builtin running the items' hooks (``any(vs)``, ``sorted(vs)``, ``v in vs``
  with ``vs`` a list in a name: hooked_items.check_item_hooks, check_membership_hooks)
  on plain floats;
- truth: a truth test (``if flag:``, ``not flag``, ``flag or ...`` on a parameter:
  check_truth_hook) on a plain bool;
- value: a read running the value's hooks (``x[i]``, ``len(xs)``, ``w < c`` on a
  parameter: check_value_hooks) on an array, a list and a float.

For each source directory given (``--src A B``: before and after a change) a process of
its own times the gradient's call, the runs of the directories taken in turn so that load
on the machine weighs on each alike; printed: the least of the runs (a loaded machine's
steadier figure) and the median, per call of the gradient.

    python benchmarks/hook_checks.py [--runs 7] [--src DIR ...]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

LOOPS = {
    "items": ('''
def loop(x, w):
    vs = [0.5, 1.0, 2.0]
    s = 0.0
    for i in range(1000):
        if any(vs):
            s = s + x[0] * w
        if 1.0 in vs:
            s = s + x[1] * w * len(sorted(vs))
    return s
''', "(x, 0.8)"),
    "truth": ('''
def loop(x, w, flag):
    s = 0.0
    for i in range(1000):
        if flag:
            s = s + x[0] * w
        if not flag or w > 0.0:
            s = s + x[1] * w
    return s
''', "(x, 0.8, True)"),
    "value": ('''
def loop(x, w, xs):
    s = 0.0
    for i in range(1000):
        if w < 1.0:
            s = s + x[i % 3] * w * len(xs)
    return s
''', "(x, 0.8, [1.0, 2.0])"),
}

TIMING = r'''
import json, sys, time
import numpy as np
import astgrad
{loop}
g = astgrad.grad(loop)
x = np.array([0.7, -1.3, 0.4])
args = {args}
g(*args)
times = []
for _ in range(int(sys.argv[1])):
    start = time.perf_counter()
    g(*args)
    times.append(time.perf_counter() - start)
print(json.dumps(min(times)))
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--src", nargs="+", default=[os.path.join(HERE, "..", "src")])
    options = parser.parse_args()
    found = {(kind, src): [] for kind in LOOPS for src in options.src}
    with tempfile.TemporaryDirectory() as temporary:
        for kind, (loop, args) in LOOPS.items():
            program = os.path.join(temporary, f"{kind}_loop.py")      # (astgrad reads a function's source file)
            with open(program, "w") as file:
                file.write(TIMING.format(loop=loop, args=args))
            for _ in range(options.runs):
                for src in options.src:
                    env = dict(os.environ, PYTHONPATH=os.path.abspath(src), ASTGRAD_CACHE="0")
                    out = subprocess.run([sys.executable, program, "20"], env=env, check=True,
                                         capture_output=True, text=True).stdout
                    found[kind, src].append(json.loads(out))
    print(f"{'read':<6} {'source':<40} {'least (ms)':>11} {'median (ms)':>12}")
    for (kind, src), times in found.items():
        print(f"{kind:<6} {src[-40:]:<40} {1e3 * min(times):>11.3f} {1e3 * statistics.median(times):>12.3f}")


if __name__ == "__main__":
    main()
