"""How long does ``import astgrad`` take on top of ``import numpy``?

Each row is the median wall time of N fresh interpreters (``python -c "import ..."``),
run alternately so that load on the machine affects both the same way. Run:

    python benchmarks/import_time.py [--runs N]

Target: astgrad adds under 50 ms. This is a measurement to read, not a test; timings
depend on the machine. ``python -X importtime -c "import astgrad"`` shows where the
time goes.
"""

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET_MS = 50.0
STATEMENTS = (("numpy alone", "import numpy"), ("numpy + astgrad", "import numpy, astgrad"))


def one_run(statement, env):
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], env=env, check=True)
    return (time.perf_counter() - start) * 1000.0


def measure(runs, pycache):
    """{label: [ms per run]}, the statements interleaved run by run.

    Bytecode is cached (in ``pycache``, outside the source tree) as in an installed
    package, even where PYTHONDONTWRITEBYTECODE is set: otherwise the rows would time
    compiling astgrad's source, which users pay once.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    times = {label: [] for label, _ in STATEMENTS}
    for statement in [s for _, s in STATEMENTS]:
        one_run(statement, env)             # warm the file cache and .pyc files
    for _ in range(runs):
        for label, statement in STATEMENTS:
            times[label].append(one_run(statement, env))
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="interpreters per row (default: 21)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="astgrad-pycache-") as pycache:
        times = measure(args.runs, pycache)
    medians = {label: statistics.median(ms) for label, ms in times.items()}
    print(f"import time, median of {args.runs} fresh interpreters ({sys.version.split()[0]})")
    print(f"{'':<18}{'median ms':>10}{'min ms':>10}")
    for label, ms in times.items():
        print(f"{label:<18}{medians[label]:>10.1f}{min(ms):>10.1f}")
    added = medians["numpy + astgrad"] - medians["numpy alone"]
    print(f"{'astgrad adds':<18}{added:>10.1f}    (target: under {TARGET_MS:.0f} ms)")


if __name__ == "__main__":
    main()
