"""Does any function of the engine do more than linear work on longer code?

Generates the same shape of synthetic function (``generation_scaling.py``) at two
sizes, to the order asked (the gradient, the gradient of the gradient, or forward mode
over the gradient as ``hessian`` makes it), and counts, for that order's generation
only, the calls of each Python function: a count does not depend on how busy the
machine is, as a time does. A function called more than the sizes' ratio times as often
at the larger size (a walk repeated per loop, a fixed point taking more rounds) is
listed first, with how much of the larger run's calls it accounts for. Run:

    PYTHONPATH=src python benchmarks/call_scaling.py [--shape loopy] [--sizes 300,1000]
        [--order second|hessian|first] [--top 15]

What counts do not show: work inside one call that grows with its argument (a builtin
walking a long list, an integer bit mask over all the names) and the cost of reaching
more memory; ``second_order_stages.py`` times each stage. A measurement to read, not a
test.
"""

import argparse
import collections
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import generation_scaling  # noqa: E402


def calls_of(fn, order):
    """Counter of (file, first line, name) -> calls, for generating ``fn``'s derivative
    of ``order`` (for the second orders, the gradient is generated first, uncounted)."""
    from astgrad import caching
    counts = collections.Counter()

    def count(frame, event, arg):
        if event == "call":
            code = frame.f_code
            counts[(code.co_filename, code.co_firstlineno, code.co_name)] += 1

    if order != "first":
        fn = caching.generate_reverse(fn, (0,), False)
    sys.setprofile(count)
    try:
        if order == "hessian":
            caching.generate_forward(fn, (0,))
        else:
            caching.generate_reverse(fn, (0,), False)
    finally:
        sys.setprofile(None)
    return counts


def measure(shape, sizes, order, directory):
    """{size: Counter of calls}, {size: the function's statements}, each size's function
    loaded afresh."""
    counts, statements = {}, {}
    for size in sizes:
        fn = generation_scaling.load(generation_scaling.ALL_SHAPES[shape](size), directory,
                                     f"_scaling_{shape}_{size}_{order}")
        statements[size] = generation_scaling.statements(fn)
        counts[size] = calls_of(fn, order)
    return counts, statements


def rows(small, large, ratio):
    """(calls beyond ``ratio`` times the smaller run's, small count, large count, key),
    most beyond first."""
    found = [(large[key] - ratio * small.get(key, 0), small.get(key, 0), large[key], key) for key in large]
    return sorted(found, key=lambda row: -row[0])


def label(key):
    """``module:line name`` of a counted function (its path under the package, if there)."""
    filename, line, name = key
    parts = filename.replace(os.sep, "/").split("/astgrad/")
    return f"{parts[-1] if len(parts) > 1 else os.path.basename(filename)}:{line} {name}"


def table(shape, sizes, order, counts, statements, top):
    """Print the table; returns (the statements' ratio, the calls' ratio)."""
    small_size, large_size = sizes
    small, large = counts[small_size], counts[large_size]
    ratio = statements[large_size] / statements[small_size]
    total_small, total_large = sum(small.values()), sum(large.values())
    print(f"{shape}, {order} order: {statements[small_size]} -> {statements[large_size]} statements "
          f"({ratio:.2f}x); calls {total_small:,} -> {total_large:,} ({total_large / total_small:.2f}x)")
    print(f"{'beyond':>9} {'share':>6} {'calls':>9} {'calls':>9} {'ratio':>6}  function")
    for beyond, before, after, key in rows(small, large, ratio)[:top]:
        grown = f"{after / before:6.2f}" if before else f"{'new':>6}"
        print(f"{beyond:9.0f} {beyond / total_large:6.1%} {before:9d} {after:9d} {grown}  {label(key)}")
    return ratio, total_large / total_small


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", default="loopy", choices=sorted(generation_scaling.ALL_SHAPES))
    parser.add_argument("--sizes", default="300,1000", help="two sizes, the smaller first")
    parser.add_argument("--order", default="second", choices=("first", "second", "hessian"),
                        help="second: the gradient of the gradient; hessian: forward mode over the gradient")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    if len(sizes) != 2 or sizes[0] >= sizes[1]:
        parser.error("--sizes takes two sizes, the smaller first (e.g. 300,1000)")
    os.environ.setdefault("ASTGRAD_CACHE", "0")
    # rule templates are parsed on first use, once per process and mode: not counted
    generation_scaling.warm_up("forward" if args.order == "hessian" else "reverse")
    with tempfile.TemporaryDirectory() as directory:
        sys.path.insert(0, directory)
        try:
            counts, statements = measure(args.shape, sizes, args.order, directory)
            return table(args.shape, sizes, args.order, counts, statements, args.top)
        finally:
            sys.path.remove(directory)


if __name__ == "__main__":
    main()
