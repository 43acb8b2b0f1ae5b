"""Where does the second order's generation time go, stage by stage, against the first order's?

For one synthetic function of ``generation_scaling.py`` (a shape and a size), generates
the gradient and the gradient of that gradient, side by side, several times (each run on
the function loaded afresh), and prints for each stage of the pipeline its CPU time in
each order (the best of the runs), their ratio, and with ``--calls`` the function calls it
makes, Python's and built-in ones (counted in one more run, under a profile hook: the
same on a busy machine, where times are not). The sizes
of the function, its first and its second derivative (lines of code, comments left out)
come first: the second order reads the first derivative, several times the function's
length, and writes a derivative several times longer again. With ``--removed``, it also
counts, in that run, the statements of each kind the transform wrote and each optimize
pass then removed (or made: dropping a needless ``unbroadcast`` leaves a copy), the
kind saying which stage wrote them (the saves' stacks and placeholders, shape records,
saved values, restores): what the transform writes only for the optimizer to remove. Run:

    PYTHONPATH=src python benchmarks/second_order_stages.py [--shape loopy] [--size 300]
        [--repeat 5] [--calls] [--removed]

A stage is a function of the engine, timed where the pipeline calls it; "other" is what
the generation spends outside the stages named (guards, namespaces, line tables). A
measurement to read, not a test; the stages are the engine's internals, named here.
"""

import argparse
import collections
import importlib
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import generation_scaling  # noqa: E402

# (label, module, attribute): the stages, in pipeline order, where they are looked up
STAGES = [
    ("parse", "pipeline", "parsed_to_change"),
    ("normalize", "frontend.normalize.normalizer", "Normalizer.run"),
    ("copy of the kept normalization", "prepared", "_copied"),
    ("transform: core form", "modes.reverse", "ReverseMode._core_form"),
    ("transform: analyses", "modes.reverse", "ReverseMode._analyze"),
    ("transform: save plan", "modes.reverse", "ReverseMode._plan_saves"),
    ("transform: forward sweep", "modes.reverse", "ForwardSweep.block"),
    ("transform: adjoint sweep", "modes.reverse", "AdjointSweep.block"),
    ("transform: shape-only saves", "modes.reverse", "save_shapes_only"),
    ("emit", "pipeline", "to_source"),
    ("compile", "pipeline", "compile_closure"),
]


class Stages:
    """The stage running now (the innermost), and what each stage took: CPU seconds, and
    the function calls counted while it was the innermost (``count_calls``)."""

    def __init__(self):
        self.active, self.seconds, self.calls = [], collections.Counter(), collections.Counter()

    def timed(self, label, function):
        """``function``, timing its outermost calls (the sweeps recurse into nested blocks)."""
        def stage(*args, **kwargs):
            if label in self.active:
                return function(*args, **kwargs)
            self.active.append(label)
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.process_time() - started
                self.active.pop()
        stage.__name__ = getattr(function, "__name__", label)
        return stage

    def count_calls(self, frame, event, arg):
        if event in ("call", "c_call"):
            self.calls[self.active[-1] if self.active else "other"] += 1


def statement_kind(stmt):
    """The kind of a generated statement, named by the stage that writes it."""
    from astgrad.core import anno
    from astgrad.core.anno import Key
    import gast
    if anno.get(stmt, Key.INIT_NONE, False):
        return "placeholder of a name saved before set (stack_inits)"
    if anno.get(stmt, Key.SAVE_ID) is not None:
        shape_of = any(isinstance(node, gast.Call) and getattr(node.func, "id", None) == "shape_of"
                       for node in gast.walk(stmt))
        return "shape record (save_shapes_only)" if shape_of else "saved value (forward sweep)"
    if anno.get(stmt, Key.RESTORE_ID) is not None:
        return "restore (adjoint sweep)"
    if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.List) and not stmt.value.elts:
        return "empty list: a stack (stack_inits)"
    if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Name):
        return "copy"
    return "other"


class Removals:
    """Statements of each kind in the transform's output and after each optimize pass:
    ``counts[order]`` is a list of (pass name, Counter of kinds), the first ``"transform"``
    (of the derivative's first optimization only: a callee's would come after it)."""

    def __init__(self, passes):
        self.order, self.counts, self.passes = None, {1: [], 2: []}, passes

    def counted(self, name, optimize_pass):
        def run(body, context):
            if self.order is None or len(self.counts[self.order]) > self.passes:
                return optimize_pass(body, context)
            counts = self.counts[self.order]
            if not counts:
                counts.append(("transform", self._kinds(body)))
            body = optimize_pass(body, context)
            counts.append((name, self._kinds(body)))
            return body
        run.__name__ = optimize_pass.__name__
        return run

    @staticmethod
    def _kinds(body):
        from astgrad.core import syntax as S
        return collections.Counter(statement_kind(stmt) for stmt in S.statements(body))


def removed_table(counts):
    """Print, for each order, the statements of each kind the transform wrote, those left
    at the end, and the passes that changed their number."""
    for order in (1, 2):
        if not counts[order]:
            continue
        written, left = counts[order][0][1], counts[order][-1][1]
        print(f"order {order}: statements the transform wrote, left after optimizing, and each pass's change")
        kinds = set().union(*(counted for _, counted in counts[order]))    # also those a pass made and one removed
        for kind in sorted(kinds, key=lambda kind: (left[kind] - written[kind], kind)):
            changes = [f"{name} {after[kind] - before[kind]:+d}" for (_, before), (name, after)
                       in zip(counts[order], counts[order][1:]) if after[kind] != before[kind]]
            print(f"  {kind:<52} {written[kind]:6d} -> {left[kind]:6d}  {', '.join(changes)}")


def install(stages, removals=None):
    """Time each of ``STAGES`` and each optimize pass (the engine's functions replaced);
    returns what puts the engine's own functions back."""
    replaced = []
    for label, module_name, path in STAGES:
        owner = importlib.import_module("astgrad." + module_name)
        *outer, name = path.split(".")
        for part in outer:
            owner = getattr(owner, part)
        original = owner.__dict__[name]
        replaced.append((owner, name, original))
        setattr(owner, name, stages.timed(label, original))
    from astgrad.backend import optimize
    passes = list(optimize.PASSES)
    names = ["optimize: " + p.__name__.strip("_").replace("_", " ") for p in passes]
    if removals is not None:
        passes_counted = [removals.counted(name[len("optimize: "):], p) for name, p in zip(names, passes)]
    else:
        passes_counted = passes
    optimize.PASSES[:] = [stages.timed(name, p) for name, p in zip(names, passes_counted)]

    def restore():
        for owner, name, original in replaced:
            setattr(owner, name, original)
        optimize.PASSES[:] = passes
    return restore


def code_lines(fn):
    import inspect
    return sum(1 for line in inspect.getsource(fn).splitlines() if line.strip() and not line.strip().startswith("#"))


def measure(shape, size, repeat, count_calls, removals=None):
    """{order: {stage: best seconds}}, {order: {stage: calls}} (empty without ``count_calls``)
    and the code lines of the function and its two derivatives. With ``removals`` (a
    ``Removals``), the first run counts the statements each optimize pass removes."""
    stages = Stages()
    restore = install(stages, removals)
    try:
        generation_scaling.warm_up()
        return _runs(stages, shape, size, repeat, count_calls, removals)
    finally:
        restore()


def _runs(stages, shape, size, repeat, count_calls, removals=None):
    """``measure``'s runs, with the stages installed."""
    from astgrad import caching
    best, calls, lines = {1: {}, 2: {}}, {1: {}, 2: {}}, None
    with tempfile.TemporaryDirectory() as directory:
        sys.path.insert(0, directory)
        for run in range(repeat):
            fn = generation_scaling.load(generation_scaling.ALL_SHAPES[shape](size), directory, f"_stages_{run}")
            derivatives = [fn]
            for order in (1, 2):
                counting = (count_calls or removals is not None) and run == 0
                stages.seconds.clear()
                stages.calls.clear()
                if removals is not None:
                    removals.order = order if counting else None
                if counting and count_calls:
                    sys.setprofile(stages.count_calls)
                started = time.process_time()
                derivatives.append(caching.generate_reverse(derivatives[-1], (0,), False))
                total = time.process_time() - started
                sys.setprofile(None)
                times = dict(stages.seconds, other=total - sum(stages.seconds.values()), total=total)
                if counting:       # (the profile hook slows the stages: this run's times are not kept)
                    if count_calls:
                        calls[order] = dict(stages.calls, total=sum(stages.calls.values()))
                    continue
                for label, seconds in times.items():
                    best[order][label] = min(best[order].get(label, seconds), seconds)
            lines = [code_lines(d) for d in derivatives]
        sys.path.remove(directory)
    return best, calls, lines


def table(best, calls, lines):
    print(f"code lines: function {lines[0]}, first derivative {lines[1]} ({lines[1] / lines[0]:.2f}x), "
          f"second derivative {lines[2]} ({lines[2] / lines[1]:.2f}x the first)")
    header = f"{'stage':<36} {'1st (ms)':>9} {'2nd (ms)':>9} {'2nd/1st':>8}"
    print(header + (f" {'1st calls':>10} {'2nd calls':>10} {'2nd/1st':>8}" if calls[1] else ""))
    labels = sorted(set(best[1]) | set(best[2]), key=lambda label: (label == "total", -best[2].get(label, 0.0)))
    for label in labels:
        first, second = best[1].get(label, 0.0), best[2].get(label, 0.0)
        if max(first, second) < 1e-4:
            continue        # a pass general code skips (those of code specialized to its arguments)
        row = f"{label:<36} {first * 1e3:9.1f} {second * 1e3:9.1f} {_ratio(second, first)}"
        if calls[1]:
            first_calls, second_calls = calls[1].get(label, 0), calls[2].get(label, 0)
            row += f" {first_calls:10d} {second_calls:10d} {_ratio(second_calls, first_calls)}"
        print(row)


def reparse_table(shape, size, repeat, second_total):
    """Print the parts of parsing the gradient's text again (the best of ``repeat`` runs of
    each, with the garbage collector paused, as generation runs), beside a copy of the tree
    it gives, each also as a share of ``second_total`` (the second order's generation, in
    seconds)."""
    import ast
    from astgrad import caching
    from astgrad.core import collector, generated_text
    from astgrad.core import syntax as S
    from astgrad.frontend import gast_convert, source

    with tempfile.TemporaryDirectory() as directory:
        fn = generation_scaling.load(generation_scaling.ALL_SHAPES[shape](size), directory, "_stages_reparse")
        gradient = caching.generate_reverse(fn, (0,), False)
    text = "".join(generated_text.text_lines(gradient.__code__))
    plain = ast.parse(text)
    tree = gast_convert.ast_to_gast(plain)
    parts = [("parse the first derivative (all of it)", lambda: source.parse_function(gradient)),
             ("  ast.parse of its text", lambda: ast.parse(text)),
             ("  conversion to gast", lambda: gast_convert.ast_to_gast(plain)),
             ("a copy of its gast tree", lambda: S.copy(tree))]
    print(f"{'the first derivative read again':<40} {'ms':>8} {'of 2nd':>7}")
    for label, work in parts:
        seconds = []
        for _ in range(repeat):
            with collector.paused():
                started = time.process_time()
                work()
                seconds.append(time.process_time() - started)
        print(f"{label:<40} {min(seconds) * 1e3:8.1f} {min(seconds) / second_total:7.1%}")


def _ratio(second, first):
    return f"{second / first:8.2f}" if first else f"{'-':>8}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", default="loopy", choices=sorted(generation_scaling.ALL_SHAPES))
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5, help="runs; each stage's best time is shown")
    parser.add_argument("--calls", action="store_true", help="count each stage's function calls too (one more run)")
    parser.add_argument("--reparse", action="store_true",
                        help="time the parts of parsing the first derivative again, and a copy of its tree")
    parser.add_argument("--removed", action="store_true",
                        help="count the statements of each kind each optimize pass removes (in that run)")
    args = parser.parse_args(argv)
    os.environ.setdefault("ASTGRAD_CACHE", "0")
    from astgrad.backend import optimize
    removals = Removals(len(optimize.PASSES)) if args.removed else None
    counting = args.calls or args.removed
    best, calls, lines = measure(args.shape, args.size, args.repeat + counting, args.calls, removals)
    table(best, calls, lines)
    if removals is not None:
        removed_table(removals.counts)
    if args.reparse:
        reparse_table(args.shape, args.size, args.repeat, best[2]["total"])
    return best, calls, lines


if __name__ == "__main__":
    main()
