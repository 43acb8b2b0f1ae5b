"""What two checks around objects cost on a 300-statement function, before and after a change.

- property reads: generating the gradient of a function whose statements read
  attributes (``a1 = a0.T * 0.5 + a0.real * y``) of names bound once, which astgrad asks
  whether they hold an object another one holds (``i = self.inner; i.scaled``): CPU time
  of ``grad(f)`` and its first call.
- a held-item write: vjp, jacobian and hessian of generation_scaling.py's straight-line
  function with one write into an item an object holds (``s.arr[1] += np.sum(y)``), where
  the value code runs first to refuse such a write before anything changed
  (writes_checked_first.py): the time per call with that check and with it replaced by
  nothing, and the check's share.

Each source directory given runs in a process of its own (``--src A B``: two checkouts'
``src``, before and after); times are the least of ``--runs`` runs (CPU time), which on
a loaded machine is the steadier figure. A measurement to read, not a test.

    python benchmarks/object_checks.py [--src DIR ...] [--runs 5]
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

CHILD = r'''
import importlib.util, json, os, sys, tempfile, time
runs = int(sys.argv[1])
sys.path.insert(1, sys.argv[2])
import numpy as np
import astgrad
from astgrad import api
from astgrad import writes_checked_first as W
import generation_scaling as G

folder = tempfile.mkdtemp()


def module(name, text):
    path = os.path.join(folder, name + ".py")
    with open(path, "w") as out:
        out.write(text)
    spec = importlib.util.spec_from_file_location(name, path)
    made = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(made)
    return made


def property_reads(n):
    lines = ["import numpy as np", "def f(x, y):", "    a0 = x * y"]
    lines += [f"    a{i} = a{i - 1}.T * 0.5 + a{max(i - 2, 0)}.real * y" for i in range(1, n - 1)]
    return "\n".join(lines + [f"    return np.sum(a{n - 2})"]) + "\n"


def held_write(n):
    body = G.straight_line(n).splitlines()
    head = ["import numpy as np", "class Own:", "    arr = np.zeros(3)", "    def __init__(self, x):",
            "        self.arr = x[:3] * 0.5"]
    return "\n".join(head + [body[0], "    s = Own(x)", "    s.arr[1] += np.sum(y)"] + body[1:-1]
                     + [body[-1] + " + np.sum(np.sin(s.arr) * x[:3])"]) + "\n"


x, y = np.linspace(0.1, 0.9, 3), np.linspace(-0.3, 0.4, 3)
found = {}
best = None
for k in range(runs):
    f = module(f"reads{k}", property_reads(300)).f
    started = time.process_time()
    astgrad.grad(f)(x, y)
    spent = time.process_time() - started
    best = spent if best is None else min(best, spent)
found["property reads: grad's first call (s)"] = best
f = module("held", held_write(300)).f
checked = W.refuse_writes_first
calls = {"vjp": lambda: astgrad.vjp(f, x, y)[1](1.0), "jacobian": lambda: astgrad.jacobian(f)(x, y),
         "hessian": lambda: astgrad.hessian(f)(x, y)}
for mode, call in calls.items():
    call()      # generated once
    least = {}
    for _ in range(runs):
        for on in (True, False):
            api.refuse_writes_first = checked if on else (lambda *args, **kwargs: None)
            repeat = 3 if mode == "hessian" else 20
            started = time.process_time()
            for _ in range(repeat):
                call()
            spent = (time.process_time() - started) / repeat
            least[on] = min(least.get(on, spent), spent)
    api.refuse_writes_first = checked
    found[f"held-item write: {mode} per call, checked (ms)"] = least[True] * 1e3
    found[f"held-item write: {mode} check's share (%)"] = (least[True] / least[False] - 1) * 100
print(json.dumps(found))
'''


def measure(src, runs):
    environment = dict(os.environ, ASTGRAD_CACHE="0")
    if src is not None:
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [src, environment.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-c", CHILD, str(runs), HERE], env=environment, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", nargs="+", default=[None], help="source directories to compare")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results = [measure(src, args.runs) for src in args.src]
    names = [src or "(this checkout)" for src in args.src]
    width = max(len(row) for row in results[0])
    print(f"{'':{width}}  " + "  ".join(f"{name[-24:]:>24}" for name in names))
    for row in results[0]:
        print(f"{row:{width}}  " + "  ".join(f"{result[row]:>24.2f}" for result in results))


if __name__ == "__main__":
    main()
