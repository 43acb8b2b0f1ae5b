"""How long does generating a derivative take, against the length of the function?

Synthetic functions of 10 to 1,000 statements in three shapes (straight-line,
branchy, loopy; and on request ``--shapes nested``, ifs nested as deep as a sixth of
the statements) are written to a temporary module and differentiated; the table gives
the generation time of the first-order gradient (reverse mode), of the second order
(the gradient of the gradient; with ``--hessian``, forward mode over the gradient, the
code ``hessian`` and ``hvp`` make), and the time per source statement. Run:

    PYTHONPATH=src python benchmarks/generation_scaling.py [--sizes 10,100,300,1000]
        [--plot docs/generation_scaling.png] [--no-second | --second-max 300] [--hessian] [--repeat 8]
        [--first-call [--general]]

With ``--first-call`` it measures what a user waits for instead: ``astgrad.grad(f)``
(which checks the function) and the gradient's first call (which generates the code
specialized to the arguments, two float64 vectors), each in CPU time. With ``--general``
too, it also times, on a copy of the function, what a first call running the general
code would cost (making it after ``grad(f)``) and what specializing then costs (the
gradient's call after it, which transforms the function again): the trade of making
the specialized code on a later call instead of the first.

A measurement to read, not a test; timings depend on the machine.
"""

import argparse
import importlib.util
import os
import sys
import tempfile
import time

_UNARY = ("np.sin", "np.cos", "np.tanh", "np.exp")


def straight_line(n):
    """``n`` statements, each one operation on earlier values."""
    lines = ["def f(x, y):", "    a0 = x * y"]
    for i in range(1, n - 1):
        fn = _UNARY[i % len(_UNARY)]
        if i % 3 == 0:
            lines.append(f"    a{i} = {fn}(a{i - 1}) * 0.5")
        elif i % 3 == 1:
            lines.append(f"    a{i} = a{i - 1} + x * {(i % 7) * 0.1:.1f}")
        else:
            lines.append(f"    a{i} = a{i - 1} * y - a{max(i - 3, 0)} * 0.5")
    lines.append(f"    return np.sum(a{n - 2})")
    return "\n".join(lines) + "\n"


def branchy(n):
    """About ``n`` statements, an ``if``/``else`` every five."""
    lines = ["def f(x, y):", "    a = x * y"]
    count, i = 1, 0
    while count < n - 1:
        fn = _UNARY[i % len(_UNARY)]
        lines += [f"    if np.sum(a) > {i % 5 - 2}.0:",
                  f"        a = {fn}(a) * y",
                  "    else:",
                  "        a = a * 0.5 + x",
                  f"    b{i} = a * x"]
        lines.append(f"    a = a + b{i} * 0.1")
        count += 5
        i += 1
    lines.append("    return np.sum(a)")
    return "\n".join(lines) + "\n"


def loopy(n):
    """About ``n`` statements, in loops of four statements each."""
    lines = ["def f(x, y):", "    a = x * y"]
    count, i = 1, 0
    while count < n - 1:
        fn = _UNARY[i % len(_UNARY)]
        lines += [f"    for k{i} in range(3):",
                  f"        t = {fn}(a) * y",
                  "        a = a * 0.5 + t * 0.25",
                  f"    a = a + x * {(i % 5) * 0.1:.1f}"]
        count += 4
        i += 1
    lines.append("    return np.sum(a)")
    return "\n".join(lines) + "\n"


def nested(n):
    """About ``n`` statements in ifs nested ``n // 6`` deep: at each level a product, an
    ``if``/``else``, and in its ``else`` a sum and an ``if`` holding the next level."""
    lines = ["def f(x, y):", "    a = x * 1.0"]
    indent = "    "
    for i in range(max(1, n // 6)):
        fn = _UNARY[i % len(_UNARY)]
        lines += [f"{indent}a = a * x",
                  f"{indent}if np.sum(y) > {i}.0:",
                  f"{indent}    a = {fn}(a)",
                  f"{indent}else:",
                  f"{indent}    a = np.cos(a)",
                  f"{indent}    a = a + {i}.0",
                  f"{indent}    if np.sum(y) > {i + 100}.0:"]
        indent += "        "
    lines += [f"{indent}a = a * 2.0", "    return np.sum(a)"]
    return "\n".join(lines) + "\n"


SHAPES = {"straight": straight_line, "branchy": branchy, "loopy": loopy}
ALL_SHAPES = {**SHAPES, "nested": nested}      # nested on request: 100 levels of indentation at most


def load(source, directory, name):
    path = os.path.join(directory, name + ".py")
    with open(path, "w") as handle:
        handle.write("import numpy as np\n\n\n" + source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module.f


def statements(fn):
    import ast
    import inspect
    return sum(isinstance(node, ast.stmt) for node in ast.walk(ast.parse(inspect.getsource(fn)))) - 1


def measure(fn, second):
    """(first-order seconds, second-order seconds or None), generation only, CPU time of this
    process. ``second``: false for the first order only; ``"forward"`` for forward mode over
    the gradient (the code ``hessian`` and ``hvp`` make), else the gradient of the gradient."""
    from astgrad import caching
    started = time.process_time()
    gradient = caching.generate_reverse(fn, (0,), False)
    first = time.process_time() - started
    if not second:
        return first, None
    started = time.process_time()
    if second == "forward":
        caching.generate_forward(gradient, (0,))
    else:
        caching.generate_reverse(gradient, (0,), False)
    return first, time.process_time() - started


def best_of(runs, source, directory, name, second):
    """``measure`` ``runs`` times, the two orders side by side in each run, each run on a
    function loaded afresh (the parse and normalization of a function are kept for its
    next generation): (the best first-order seconds, the best second-order seconds or None)."""
    times = [measure(load(source, directory, f"{name}_{run}"), second) for run in range(runs)]
    return min(first for first, _ in times), (min(s for _, s in times) if second else None)


def measure_first_call(fn):
    """(seconds in ``astgrad.grad(fn)``, seconds in its first call), CPU time."""
    import numpy as np
    import astgrad
    x, y = np.linspace(0.1, 0.9, 5), np.linspace(-0.5, 0.5, 5)
    started = time.process_time()
    gradient = astgrad.grad(fn)
    created = time.process_time()
    with np.errstate(all="ignore"):     # the synthetic functions overflow; the values do not matter
        gradient(x, y)
    return created - started, time.process_time() - created


def measure_general_first(fn):
    """(seconds making the general code after ``astgrad.grad(fn)``, seconds in the call
    after it, which makes the code specialized to the arguments), CPU time."""
    import numpy as np
    import astgrad
    x, y = np.linspace(0.1, 0.9, 5), np.linspace(-0.5, 0.5, 5)
    gradient = astgrad.grad(fn)
    started = time.process_time()
    gradient._workhorse         # the general code (with the value the call checks), as f is bound now
    general = time.process_time()
    with np.errstate(all="ignore"):
        gradient(x, y)
    return general - started, time.process_time() - general


def first_call_table(shapes, sizes, directory, general=False):
    extra = f" {'general (ms)':>13} {'then spec. (ms)':>16}" if general else ""
    print(f"{'shape':<9} {'stmts':>6} {'grad() (ms)':>12} {'1st call (ms)':>14} {'total (ms)':>11}{extra}")
    for shape in shapes:
        for n in sizes:
            fn = load(ALL_SHAPES[shape](n), directory, f"_first_{shape}_{n}")
            made, called = measure_first_call(fn)
            extra = ""
            if general:
                first, later = measure_general_first(load(ALL_SHAPES[shape](n), directory, f"_general_{shape}_{n}"))
                extra = f" {first * 1e3:13.1f} {later * 1e3:16.1f}"
            print(f"{shape:<9} {statements(fn):>6} {made * 1e3:12.1f} {called * 1e3:14.1f} "
                  f"{(made + called) * 1e3:11.1f}{extra}", flush=True)


def warm_up(second="reverse"):
    """Differentiate one small function of each shape first, to the second order as
    ``measure`` is asked to: the rule templates are parsed on first use, once per process
    and mode, which is not the cost of a function's length."""
    with tempfile.TemporaryDirectory() as directory:
        sys.path.insert(0, directory)
        for shape, make in ALL_SHAPES.items():
            measure(load(make(12), directory, f"_gen_warm_{shape}"), second)
        sys.path.remove(directory)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,30,100,300,1000")
    parser.add_argument("--shapes", default=",".join(SHAPES),
                        help=f"of {','.join(ALL_SHAPES)} (nested: up to about 290 statements, 48 levels of ifs"
                             " 96 deep, near the 100 levels of indentation Python allows)")
    parser.add_argument("--no-second", action="store_true", help="first order only")
    parser.add_argument("--second-max", type=int, help="second order only up to this size")
    parser.add_argument("--hessian", action="store_true",
                        help="second order as hessian and hvp make it: forward mode over the gradient")
    parser.add_argument("--repeat", type=int, default=1,
                        help="generate each function this many times; the table gives the best time of each order")
    parser.add_argument("--plot", help="write a plot (needs matplotlib)")
    parser.add_argument("--first-call", action="store_true", help="time grad(f) and the first call instead")
    parser.add_argument("--general", action="store_true",
                        help="with --first-call: also time making the general code first, then the specialized")
    args = parser.parse_args(argv)
    os.environ.setdefault("ASTGRAD_CACHE", "0")
    importlib.import_module("astgrad")     # imported before timing
    sizes = [int(s) for s in args.sizes.split(",")]
    warm_up("forward") if args.hessian else warm_up()
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        sys.path.insert(0, directory)
        if args.first_call:
            first_call_table(args.shapes.split(","), sizes, directory, args.general)
            return rows
        if args.hessian:
            print("2nd: forward mode over the gradient (as hessian and hvp make it)")
        print(f"{'shape':<9} {'stmts':>6} {'1st (ms)':>10} {'ms/stmt':>8} {'2nd (ms)':>10} {'2nd/1st':>8}")
        for shape in args.shapes.split(","):
            for n in sizes:
                source = ALL_SHAPES[shape](n)
                count = statements(load(source, directory, f"_gen_{shape}_{n}"))
                second_too = not args.no_second and (args.second_max is None or n <= args.second_max) \
                    and ("forward" if args.hessian else "reverse")
                first, second = best_of(args.repeat, source, directory, f"_gen_{shape}_{n}", second_too)
                rows.append((shape, count, first, second))
                ratio = f"{second / first:8.2f}" if second else f"{'-':>8}"
                second_ms = f"{second * 1e3:10.1f}" if second else f"{'-':>10}"
                print(f"{shape:<9} {count:>6} {first * 1e3:10.1f} {first * 1e3 / count:8.3f} {second_ms} {ratio}",
                      flush=True)
    if args.plot:
        plot(rows, args.plot)
    return rows


def plot(rows, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot")
        return
    figure, axis = plt.subplots(figsize=(6, 4))
    for shape in ALL_SHAPES:
        points = [(count, first, second) for s, count, first, second in rows if s == shape]
        if not points:
            continue
        axis.plot([p[0] for p in points], [p[1] * 1e3 for p in points], "o-", label=f"{shape}, first order")
        seconds = [p for p in points if p[2]]
        if seconds:
            axis.plot([p[0] for p in seconds], [p[2] * 1e3 for p in seconds], "s--", label=f"{shape}, second order")
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("statements in the function")
    axis.set_ylabel("generation time (ms)")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    print(f"plot written to {path}")


if __name__ == "__main__":
    main()
