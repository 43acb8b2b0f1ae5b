"""How many random generated programs the numba backend compiles, and why it refuses
the rest: draws programs with the random-program generators of the test suite
(tests/specialized_programs.py, tests/test_programs_hypothesis.py), asks
``astgrad.grad(f, backend="numba")`` for each, checks the gradient against the Python
backend's and counts the refusals (BackendError) by their ``construct``.

    PYTHONPATH=src python benchmarks/numba_coverage.py --count 60 [--show CONSTRUCT]

Bounded: ``--count`` programs per generator (each compile takes about a second).
"""

import argparse
import re
import collections
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))

import astgrad  # noqa: E402
from astgrad.backend.numba_backend import BackendError  # noqa: E402
from program_files import load, run_instrumented  # noqa: E402


def _specialized_cases(count, seed):
    import specialized_programs as sp
    rng = np.random.default_rng(seed)

    def draw(options, label):
        options = list(options)
        return options[rng.integers(len(options))]
    for _ in range(count):
        shapes = [draw(sp.SHAPES, "shape") for _ in range(2)]
        kinds = [draw(["float", "float", "int", "f8", "f4"] if s == () else ["f8", "f8", "f4"], "kind")
                 for s in shapes]
        args = (sp.make_argument(rng, shapes[0], kinds[0]), sp.make_argument(rng, shapes[1], kinds[1]),
                int(rng.integers(0, 4)))
        loop = bool(rng.integers(2))
        program = sp.draw_program(draw, shapes, int(rng.integers(1, 5)), loop=loop,
                                  straight=not loop and bool(rng.integers(2)))
        yield sp.render(program, program.plain), sp.render(program, program.instrumented), args


class _Data:
    """Stands in for hypothesis's ``data``: draws from sampled_from/integers/booleans."""

    def __init__(self, rng):
        self.rng = rng

    def draw(self, strategy, label=None):
        text = repr(strategy)
        if text.startswith("booleans"):
            return bool(self.rng.integers(2))
        if text.startswith("integers"):
            low, high = (int(v) for v in re.findall(r"-?\d+", text))
            return int(self.rng.integers(low, high + 1))
        options = list(strategy.wrapped_strategy.elements if hasattr(strategy, "wrapped_strategy")
                       else strategy.elements)
        return options[self.rng.integers(len(options))]


def _hypothesis_cases(count, seed):
    import test_programs_hypothesis as hp
    rng = np.random.default_rng(seed)
    data = _Data(rng)
    for index in range(count):
        program = hp.Program()
        hp.draw_straight(data, program, 1)
        for _ in range(int(rng.integers(0, 4))):
            hp.draw_block(data, program, 1, 0, allow_new=True)
        shapes = hp.SHAPES[rng.integers(len(hp.SHAPES))]
        yield (hp.render(program, "prog", program.plain), hp.render(program, "prog", program.instrumented),
               hp.make_inputs(index, shapes))


def _cause(construct):
    """A refusal's construct with numba's addresses and variable names left out."""
    text = re.sub(r" at 0x[0-9a-f]+", "", str(construct))
    text = re.sub(r"for '[^']*', defined at .*", "", text)
    return re.sub(r"found for signature.*", "", text)


def _outcome(source, args):
    fn = load(source)
    wrt = (0, 1)
    try:
        expected = astgrad.grad(fn, wrt)(*args)
    except astgrad.TransformError:
        return "astgrad refuses", None
    except Exception as error:                      # noqa: BLE001
        return f"python backend error {type(error).__name__}", None
    start = time.process_time()
    try:
        got = astgrad.grad(fn, wrt, backend="numba")(*args)
    except BackendError as error:
        return f"refused: {_cause(error.construct)}", str(error)
    except Exception as error:                      # noqa: BLE001
        return f"crash: {type(error).__name__}", f"{error}"[:300]
    seconds = time.process_time() - start
    for a, b in zip(got, expected):
        if not np.allclose(np.asarray(a, float), np.asarray(b, float), rtol=1e-4, atol=1e-5) \
                or np.shape(a) != np.shape(b):
            return "WRONG", f"{got} vs {expected}"
    return "compiled", seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", default=None, help="print the programs whose outcome contains this")
    parser.add_argument("--only", choices=("specialized", "hypothesis"), default=None)
    options = parser.parse_args()
    warnings.simplefilter("ignore")
    np.seterr(all="ignore")
    generators = {"specialized": _specialized_cases, "hypothesis": _hypothesis_cases}
    for name, cases in generators.items():
        if options.only and name != options.only:
            continue
        table, compile_times = collections.Counter(), []
        for source, instrumented, args in cases(options.count, options.seed):
            stats = run_instrumented(instrumented, args)
            if not (stats["magnitude"] < 50.0 and stats["margin"] > 1e-2):
                table["skipped (values too large or on a branch boundary)"] += 1
                continue
            outcome, detail = _outcome(source, args)
            table[outcome.split(" (")[0][:90]] += 1
            if outcome == "compiled":
                compile_times.append(detail)
            done = sum(table.values())
            if done % 10 == 0:
                print(f"{name}: {done} programs: {dict(table.most_common())}", flush=True)
            if options.show and options.show in outcome:
                print(f"--- {outcome}\n{source}args={args!r}\n{detail}\n", flush=True)
        print(f"\n{name} programs ({options.count}):")
        for outcome, number in table.most_common():
            print(f"  {number:4d}  {outcome}")
        if compile_times:
            print(f"  first call (compile) median {np.median(compile_times):.2f} s CPU")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
