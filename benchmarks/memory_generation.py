"""Memory kept after generating derivatives of many distinct functions.

Run:  python benchmarks/memory_generation.py [--functions 1000] [--order 2]

A long-running process (a notebook, a program generator) differentiates many different
functions. This writes a module of N small distinct functions (a loop, a branch, NumPy
calls), imports it, and calls ``astgrad.grad`` of each once (with ``--order 2``, also
``astgrad.hessian``: forward mode over the generated gradient). At checkpoints it
prints the memory the process still holds after a garbage collection: what tracemalloc sees above the starting point, the
resident set size, how many functions the cache holds derivatives for, and how many
generated sources ``linecache`` holds. At the end the module is dropped: everything
generated for its functions should be freed, except the shared cache of recently
generated code, whose size is bounded.
This prints a table to read, not a test; the numbers depend on the machine.
"""

import os

os.environ.setdefault("ASTGRAD_CACHE", "0")     # measure generation, not loading from the disk cache

import argparse
import gc
import importlib.util
import linecache
import resource
import sys
import tempfile
import tracemalloc

import numpy as np

import astgrad
from astgrad import caching

TEMPLATE = '''
def f{i}(x, w):
    h = np.tanh(x * w + {a})
    s = 0.0
    for k in range(3):
        if k > {b}:
            s = s + np.sum(np.sin(h) * k) / {c}
        else:
            s = s - np.sum(h * h) * {a}
    return s + np.sum(np.exp(-h * h))
'''


def write_module(folder, count):
    path = os.path.join(folder, "many_functions.py")
    with open(path, "w") as out:
        out.write("import numpy as np\n")
        for i in range(count):
            out.write(TEMPLATE.format(i=i, a=0.5 + i, b=i % 3, c=float(i + 1)))
    spec = importlib.util.spec_from_file_location("many_functions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def resident_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def generated_sources():
    return sum(1 for name in list(linecache.cache) if str(name).startswith("<astgrad"))


def row(label, done, base):
    gc.collect()
    traced = (tracemalloc.get_traced_memory()[0] - base) / 2**20
    per = f"{traced * 1024 / done:10.1f}" if done else f"{'':>10}"
    print(f"{label:>10} {traced:12.1f} {per} {resident_mb():8.1f} {len(list(caching._cache)):8d} "
          f"{generated_sources():10d} {len(caching._by_source):10d}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--order", type=int, choices=(1, 2), default=1)
    options = parser.parse_args()
    x, w = np.linspace(0.1, 1.0, 4), np.full(4, 0.3)
    astgrad.grad(lambda v: np.sum(np.sin(v)))(x)    # warm up: rules loaded, imports done
    with tempfile.TemporaryDirectory() as folder:
        module = write_module(folder, options.functions)
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        print(f"memory kept after differentiating {options.functions} distinct functions "
              f"(order {options.order}), after gc.collect()")
        print(f"{'functions':>10} {'traced MB':>12} {'KB/function':>10} {'RSS MB':>8} {'cached':>8} "
              f"{'linecache':>10} {'by source':>10}")
        checkpoints = {1, 10, 100} | {options.functions * k // 4 for k in range(1, 5)}
        for i in range(options.functions):
            f = getattr(module, f"f{i}")
            gradient = astgrad.grad(f)
            gradient(x, w)
            if options.order == 2:
                astgrad.hessian(f)(x, w)
            del f, gradient
            if i + 1 in checkpoints:
                row(i + 1, i + 1, base)
        sys.modules.pop("many_functions", None)
        del module
        row("dropped", 0, base)


if __name__ == "__main__":
    main()
