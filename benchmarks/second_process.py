"""A second process's first gradient, from the disk cache: for the 300-statement functions
of generation_scaling.py (straight-line, branchy, loopy, and "calling": a function calling
three branchy functions of a third of the size each), one process fills an empty cache
directory, then new processes each take ``astgrad.grad(f)`` and call it once; printed:
what they generated (nothing, when the cache serves them; "reverse zero-safe" where the
plain gradient had a NaN, so its zero-safe twin was generated too, see zero_safe.py) and
the time of grad() plus the first call, CPU and wall clock (loading the generation
engine included where the process generates code), the CPU time of grad() alone (the
check; the rest of the CPU time is the first call), and the CPU time of ``import
astgrad`` after NumPy (median of the runs). With
``--no-cache`` the new processes run without the disk cache (``ASTGRAD_CACHE=0``): what
a process pays when it generates the code itself. The processes load the bytecode of
the modules they import (compiled once, in the temporary directory, before the first
process), as an installed package does, so a module astgrad imports on first use
costs what loading it costs; ``--no-bytecode`` compiles every module from its source
in every process instead. ``--best`` prints the least of the runs instead of the median
(on a loaded machine the least is the steadier of the two). With ``--other-kinds`` the
later processes call the gradient with matrices where the first called it with vectors,
each with its own copy of the cache the first one filled: the check is on disk, the
code for the new kinds is generated.

With ``--src DIR ...`` the processes run the astgrad of each source directory given (two
checkouts' ``src``: before and after a change), one after the other run by run, so that
load on the machine weighs on each alike; each gets its own cache and bytecode directories.

    python benchmarks/second_process.py [--statements 300] [--runs 5] [--no-cache] [--no-bytecode] [--best]
        [--other-kinds] [--src DIR ...]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

CHILD = r'''
import json, sys, time
import numpy as np
started = time.process_time()
import astgrad
imported = time.process_time() - started
from astgrad import caching
generated = []
# the generation engine, which astgrad loads when it first generates code: counted from then on
engine = getattr(caching, "_pipeline", lambda: __import__("astgrad.pipeline").pipeline)


def counting():
    pipeline = engine()
    if not hasattr(pipeline.back, "counted"):
        back = pipeline.back
        pipeline.back = lambda made, key: (generated.append(key[0] + (" zero-safe" if key[-1] == "zero-safe" else "")),
                                           back(made, key))[1]
        pipeline.back.counted = True
    return pipeline


if hasattr(caching, "_pipeline"):
    caching._pipeline = counting
else:                           # a version of astgrad that loads the engine with astgrad
    counting()
sys.path.insert(0, sys.argv[1])
import second_process_target as target
x, y = np.linspace(0.1, 0.9, 5), np.linspace(-0.5, 0.5, 5)
if sys.argv[2] == "matrices":
    x, y = np.outer(np.ones(2), x), np.outer(np.ones(2), y)
wall, cpu = time.perf_counter(), time.process_time()
gradient = astgrad.grad(target.f)
checked = time.process_time() - cpu
with np.errstate(all="ignore"):         # the synthetic functions overflow; the values do not matter
    gradient(x, y)
print(json.dumps({"generated": generated, "cpu": time.process_time() - cpu, "grad": checked,
                  "wall": time.perf_counter() - wall, "import": imported}))
'''


def run(directory, cache, enabled=True, bytecode=True, kinds="vectors", child=CHILD, src=None):
    environment = dict(os.environ, ASTGRAD_CACHE="1" if enabled else "0", ASTGRAD_CACHE_DIR=cache)
    if src is not None:
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [src, environment.get("PYTHONPATH")]))
    if bytecode:    # as an installed package has: the modules compiled once (as at install), then loaded
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        environment["PYTHONPYCACHEPREFIX"] = os.path.join(directory, "bytecode")
        if not os.path.isdir(environment["PYTHONPYCACHEPREFIX"]):
            # the engine and the rule table (which registers when first read)
            subprocess.run([sys.executable, "-c", "import astgrad.pipeline; astgrad.rules.registry.primitive(len)"],
                           env=environment, check=True)
    done = subprocess.run([sys.executable, "-c", child, directory, kinds], env=environment, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def _copied(cache, number):
    """A copy of the cache directory as the first process left it (so that each later
    process finds only what the first one stored)."""
    copy = f"{cache}-{number}"
    shutil.copytree(cache, copy)
    return copy


def calling(n):
    """``f`` calling three functions of about ``n / 3`` statements each."""
    from generation_scaling import branchy
    parts = [branchy(n // 3).replace("def f(", f"def part{i}(") for i in range(3)]
    return "\n\n".join(parts) + "\n\ndef f(x, y):\n    return part0(x, y) + part1(x * 0.5, y) + part2(x, y * 0.5)\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-cache", action="store_true", help="later processes without the disk cache")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="every process compiles the modules it imports from source (PYTHONDONTWRITEBYTECODE)")
    parser.add_argument("--best", action="store_true", help="the least of the runs instead of the median")
    parser.add_argument("--other-kinds", action="store_true",
                        help="later processes call the gradient with matrices, not the first one's vectors")
    parser.add_argument("--src", nargs="+", default=[None],
                        help="the source directories of the astgrads to compare (default: the one Python finds)")
    args = parser.parse_args(argv)
    statistic = min if args.best else statistics.median
    sys.path.insert(0, HERE)
    from generation_scaling import SHAPES
    label = 13 if len(args.src) > 1 else 9
    for number, src in enumerate(args.src if len(args.src) > 1 else ()):
        print(f"[{number}] {src}")
    print(f"{'shape':<{label}} {'first process (ms)':>19} {'later: generated':>25} {'CPU (ms)':>9} {'grad() (ms)':>12} "
          f"{'wall (ms)':>10} {'import (ms)':>12}")
    for shape, make in dict(SHAPES, calling=calling).items():
        with tempfile.TemporaryDirectory() as top:
            for number, src in enumerate(args.src):
                directory = os.path.join(top, str(number))
                os.makedirs(directory)
                with open(os.path.join(directory, "second_process_target.py"), "w") as handle:
                    handle.write("import numpy as np\n\n\n" + make(args.statements))
            directories = [os.path.join(top, str(number)) for number in range(len(args.src))]
            first = [run(d, os.path.join(d, "cache"), bytecode=not args.no_bytecode, src=src)
                     for d, src in zip(directories, args.src)]
            later = [[] for _ in args.src]
            for run_number in range(args.runs):
                for results, directory, src in zip(later, directories, args.src):
                    cache = os.path.join(directory, "cache")
                    results.append(run(directory, _copied(cache, run_number) if args.other_kinds else cache,
                                       not args.no_cache, not args.no_bytecode,
                                       "matrices" if args.other_kinds else "vectors", src=src))
            for number, (made, results) in enumerate(zip(first, later)):
                _row(f"{shape} [{number}]" if len(args.src) > 1 else shape, made, results, statistic, label)


def _row(label, first, later, statistic, width):
    generated = "+".join(sorted({kind for result in later for kind in result["generated"]})) or "nothing"
    print(f"{label:<{width}} {first['cpu'] * 1e3:19.0f} {generated:>25} "
          f"{statistic(r['cpu'] for r in later) * 1e3:9.1f} "
          f"{statistic(r['grad'] for r in later) * 1e3:12.1f} "
          f"{statistic(r['wall'] for r in later) * 1e3:10.1f} "
          f"{statistic(r['import'] for r in later) * 1e3:12.1f}", flush=True)


if __name__ == "__main__":
    main()
