"""A name switched back and forth between calls of one gradient: a global activation, a
helper's global, a method put back on its class. Each program is given a gradient once,
then the name is switched between two (or three) meanings and the gradient called after
each switch; printed per program: the code finished in all (pipeline.back runs: each a
derivative made), and the CPU time per switch after the first round (every meaning seen
once), least of the runs. Code made for a meaning seen before is found in the cache while
that meaning holds, so after the first round a switch costs a guard check, not a
generation.

With ``--src DIR ...`` each program runs in a new process per source directory given
(two checkouts' ``src``: before and after a change), one after the other run by run, so
that load on the machine weighs on each alike.

    python benchmarks/rebound_back.py [--switches 12] [--runs 3] [--src DIR ...]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

CHILD = r'''
import json, sys, time
import numpy as np
import astgrad
from astgrad import pipeline

made = [0]
back = pipeline.back
def counted(*args, **kwargs):
    made[0] += 1
    return back(*args, **kwargs)
pipeline.back = counted

ACT = np.sin
def through_a_global(x, w):
    return np.sum(ACT(x * w) * x)
def set_global(k):
    global ACT
    ACT = (np.sin, np.tanh, np.cos)[k]

SCALE = np.sin
def scaled(v):
    return SCALE(v) + 0.5 * v
def through_a_helper(x, w):
    return np.sum(scaled(x * w) * x)
def set_helper(k):
    global SCALE
    SCALE = (np.sin, np.tanh, np.cos)[k]

class Layer:
    def apply(self, v):
        return np.sin(v)
def apply_tanh(self, v):
    return np.tanh(v)
METHODS = (Layer.apply, apply_tanh)
LAYER = Layer()
def through_a_method(x, w):
    return np.sum(LAYER.apply(x * w) * x)
def set_method(k):
    Layer.apply = METHODS[k % 2]

program, meanings, switches = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
f, switch = {"global": (through_a_global, set_global), "helper global": (through_a_helper, set_helper),
             "method": (through_a_method, set_method)}[program]
g = astgrad.grad(f, wrt=0)
x = np.linspace(-1.0, 1.0, 8)
for k in range(meanings):           # every meaning once
    switch(k)
    g(x, 0.8)
start = time.process_time()
for i in range(switches):
    switch(i % meanings)
    g(x, 0.8)
print(json.dumps({"made": made[0], "ms": (time.process_time() - start) / switches * 1e3}))
'''

PROGRAMS = (("global", 3), ("helper global", 3), ("method", 2))


def run(child, src, program, meanings, switches):
    env = dict(os.environ, ASTGRAD_CACHE="0")
    if src is not None:
        env["PYTHONPATH"] = os.path.abspath(src)
    out = subprocess.run([sys.executable, child, program, str(meanings), str(switches)], env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--switches", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--src", nargs="+", default=[None])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        child = os.path.join(directory, "switching.py")     # astgrad reads the functions' source
        with open(child, "w", encoding="utf-8") as handle:
            handle.write(CHILD)
        _table(child, args)


def _table(child, args):
    print(f"{'program':<15} {'meanings':>8} {'source':<28} {'code made':>9} {'ms per switch':>13}")
    for program, meanings in PROGRAMS:
        results = {src: [] for src in args.src}
        for _ in range(args.runs):
            for src in args.src:
                results[src].append(run(child, src, program, meanings, args.switches))
        for src, runs in results.items():
            print(f"{program:<15} {meanings:>8} {str(src or 'installed')[-28:]:<28} {runs[0]['made']:>9} "
                  f"{min(r['ms'] for r in runs):>13.2f}")


if __name__ == "__main__":
    main()
