"""Where a new process's first gradient spends its time, step by step, without the disk cache.

For the 300-statement functions of generation_scaling.py, each new process imports
astgrad, takes ``astgrad.grad(f)`` and calls it once ("cold"); then it does the same
for an equal function loaded afresh from its own module ("warm": the engine loaded, the
rule templates it uses parsed, the caches of a first generation filled). Printed: the
CPU time of each step, cold and warm, the least of the runs (each step's own time,
without the steps inside it):

    import astgrad      ``import astgrad`` after NumPy (cold only)
    engine import       the generation engine, loaded when code is first generated
    rule table          astgrad's own rules, registered when the rule table is first read
    parse               reading and parsing the function's source
    normalize           the core form (what ``pipeline.prepare`` does besides parsing)
    keep a copy         the copy of the normalized tree the next generation starts from
    rule templates      templates parsed (or declared rules built) on first use
    transform           the reverse transform (the rest of what ``grad(f)`` checks)
    output proof        whether the function returns a real number (first call)
    optimize            the optimize passes, for the arguments' kinds
    emit / compile      the text, and compiling it
    helpers' value code for a function calling helpers ("calling", as in second_process.py):
                        the forward code of each helper's value that the caller's code
                        calls (modes/value_calls.py): its forward transform and optimize
                        passes (its parse, normalization, emit and compile are in theirs)
    the rest            caches, guards, ``grad`` itself, and the first run of the code

The steps are found by wrapping the engine's functions in the child process, so the
sum is the CPU time of ``grad(f)`` and the first call (plus the wrappers' own, a few
microseconds each). Where the cold and warm columns differ is what a process pays once. With ``--passes``
each optimize pass is a step of its own, listed under "optimize" (which then holds the
rest of it): the first call's code is specialized to its arguments, so these are the
passes for specialized code, which cost more than those for the general code.

    python benchmarks/first_call_phases.py [--statements 300] [--runs 5] [--shapes straight,branchy,loopy,calling]
        [--src DIR] [--passes]
"""

import argparse
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

CHILD = r'''
import functools, importlib.util, json, os, sys, time
import numpy as np
spent, stack = {}, ["import astgrad"]
PASS_STEP = "  "                # an optimize pass's step: its name, indented under "optimize"
last = [time.process_time()]


def switch(label):
    """Charge the CPU time since the last switch to the innermost step, then enter ``label``."""
    now = time.process_time()
    spent[stack[-1]] = spent.get(stack[-1], 0.0) + now - last[0]
    last[0] = now
    return label


def step(label, function):
    @functools.wraps(function)
    def timed(*args, **kwargs):
        stack.append(switch(label))
        try:
            return function(*args, **kwargs)
        finally:
            switch(None)
            stack.pop()
    return timed


import astgrad
from astgrad import caching
switch(None)
imported = spent.pop("import astgrad")
stack[-1] = "the rest"
load_engine = caching._pipeline


def engine():
    """The engine, its functions wrapped once it is loaded."""
    loaded = bool(caching._engine)
    pipeline = step("engine import", load_engine)()
    if not loaded:
        from astgrad import prepared, specialize
        from astgrad.modes.reverse import ReverseMode
        from astgrad.rules import template
        pipeline.parsed_to_change = step("parse", pipeline.parsed_to_change)
        pipeline._prepare = step("normalize", pipeline._prepare)
        prepared._copied = step("keep a copy", prepared._copied)
        template._parse = step("rule templates", template._parse)
        ReverseMode.transform = step("transform", ReverseMode.transform)
        specialize._proven = step("output proof", specialize._proven)
        ReverseMode.finish = step("optimize", ReverseMode.finish)
        pipeline.to_source = step("emit", pipeline.to_source)
        pipeline.compile_closure = step("compile", pipeline.compile_closure)
        generate, value_code = pipeline.generate, step("helpers' value code", pipeline.generate)
        # forward code made while differentiating a caller: a helper's value code
        # (modes/value_calls.py), its forward transform and optimize passes in this step
        pipeline.generate = lambda fn, key, callees: (value_code if key[0] == "forward" else generate)(fn, key, callees)
        if os.environ.get("PHASES_PASSES"):     # each optimize pass a step of its own (--passes)
            from astgrad.backend import optimize
            optimize.PASSES[:] = [step(PASS_STEP + each.__name__.lstrip("_"), each) for each in optimize.PASSES]
    return pipeline


caching._pipeline = engine
try:                # astgrad's own rules, registered when the rule table is first read
    from astgrad.rules import loading
    loading.load_rules = step("rule table", loading.load_rules)
except ImportError:     # registered with import astgrad
    pass
x, y = np.linspace(0.1, 0.9, 5), np.linspace(-0.5, 0.5, 5)
found = {}
for run in ("cold", "warm"):
    spec = importlib.util.spec_from_file_location(f"target_{run}", os.path.join(sys.argv[1], "target.py"))
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)      # as an import leaves it
    spec.loader.exec_module(module)
    switch(None)
    spent.clear()
    gradient = astgrad.grad(module.f)
    with np.errstate(all="ignore"):     # the synthetic functions overflow; the values do not matter
        gradient(x, y)
    switch(None)
    found[run] = dict(spent)
found["cold"]["import astgrad"] = imported
print(json.dumps(found))
'''

STEPS = ("import astgrad", "engine import", "rule table", "parse", "normalize", "keep a copy", "rule templates", "transform",
         "output proof", "optimize", "emit", "compile", "helpers' value code", "the rest")
PASS_STEP = "  "        # as the child names an optimize pass's step


def rows(runs):
    """The steps to print, in order: with ``--passes``, the optimize passes the runs timed
    (in the order of the pipeline's list) after "optimize", which then holds the rest of it."""
    passes = [name for name in runs[0]["warm"] if name.startswith(PASS_STEP)]
    at = STEPS.index("optimize") + 1
    return STEPS[:at] + tuple(passes) + STEPS[at:]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--shapes", default="straight,branchy,loopy")
    parser.add_argument("--src", help="the source directory of the astgrad to measure (default: the one Python finds)")
    parser.add_argument("--passes", action="store_true",
                        help="time each optimize pass as a step of its own (the code generated is specialized "
                             "to the arguments' kinds, so the passes for specialized code run)")
    args = parser.parse_args(argv)
    if args.passes:
        os.environ["PHASES_PASSES"] = "1"       # read by the child processes
    sys.path.insert(0, HERE)
    from generation_scaling import SHAPES
    from second_process import calling, run
    shapes = dict(SHAPES, calling=calling)
    for shape in args.shapes.split(","):
        with tempfile.TemporaryDirectory() as directory:
            with open(os.path.join(directory, "target.py"), "w") as handle:
                handle.write("import numpy as np\n\n\n" + shapes[shape](args.statements))
            cache = os.path.join(directory, "cache")
            runs = [run(directory, cache, enabled=False, child=CHILD, src=args.src) for _ in range(args.runs)]
        print(f"\n{shape} ({args.statements} statements), CPU ms, least of {args.runs} processes")
        print(f"{'step':<28} {'cold':>8} {'warm':>8}")
        totals = {"cold": 0.0, "warm": 0.0}
        for name in rows(runs):
            least = {kind: min(r[kind].get(name, 0.0) for r in runs) * 1e3 for kind in totals}
            if name != "import astgrad":
                for kind in totals:
                    totals[kind] += least[kind]
            print(f"{name:<28} {least['cold']:8.1f} {least['warm']:8.1f}")
        print(f"{'total':<28} {totals['cold']:8.1f} {totals['warm']:8.1f}   (import astgrad left out)", flush=True)


if __name__ == "__main__":
    main()
