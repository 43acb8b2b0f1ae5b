"""Does generation depend on the process's string hashing (PYTHONHASHSEED)? Run the same
generations in fresh processes under several hash seeds and list what differs.

    python benchmarks/hash_seeds.py [--seeds 0,1,2,3,4,5] [--src src] [ITEM ...]

An ITEM is ``examples`` (each examples/ script run as a program, plot_derivatives.py left out
as it writes into docs/, then each of its functions differentiated in reverse and forward mode
and exported at order 1 and 2), ``workloads`` (benchmarks/workloads.py's functions the same way,
and their transforms called on their arguments: specialized, Hessian-vector products, grad of
grad) or ``module:NAME`` (a module of tests/, its functions in reverse and forward mode); the
default is ``examples workloads``. Each process records, in order, every derivative generated
(its text, the names its code depended on, the callees' guards and derivatives), every refusal's
words and every exported module. The table lists, for each seed after the first, how many
records differ from the first seed's, and the first few of them. Needs the disk cache off (it
sets ``ASTGRAD_CACHE=0``), as code loaded from it is not generated again.
"""

import argparse
import contextlib
import difflib
import importlib
import inspect
import io
import json
import os
import re
import runpy
import subprocess
import sys
import tempfile
import types

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_ADDRESS = re.compile(r" at 0x[0-9a-f]+|#\d+>|0x[0-9a-f]{6,}")     # addresses, generated files' numbers


def _described(value):
    """``value`` as text another process writes the same (no addresses)."""
    if isinstance(value, (str, int, float, bool, type(None))):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_described(item) for item in value) + ")"
    if isinstance(value, dict):
        return "dict:" + str(value.get("__name__", len(value)))
    name = getattr(value, "__qualname__", None)
    if isinstance(name, str):
        return f"{getattr(value, '__module__', '?')}.{name}"
    return type(value).__name__


class _Recorder:
    """What this process generates, refuses and exports, in order."""

    def __init__(self):
        from astgrad import caching
        self.records = []
        generate, checked = caching._generate, caching._from_checked

        def recorded_generate(fn, key):
            try:
                made = generate(fn, key)
            except Exception as error:
                self.records.append({"refused": _described(fn), "key": _described(key),
                                     "words": _ADDRESS.sub("", str(error))})
                raise
            self._generated(fn, key, made)
            return made

        def recorded_checked(fn, key):
            made = checked(fn, key)
            if made is not None:
                self._generated(fn, key, made)
            return made
        caching._generate, caching._from_checked = recorded_generate, recorded_checked

    def _generated(self, fn, key, made):
        self.records.append({
            "function": _described(fn), "key": _described(key), "text": _ADDRESS.sub("", made.text),
            "dependencies": [_described(path) + " = " + _described(objects) for path, objects in made.dependencies],
            "callee guards": [_described(guard) for guard in made.callee_guards or ()],
            "callees": [_described(d.function) + " " + d.mode + _described(d.wrt) for d in made.derived or ()]})

    def attempt(self, label, run):
        try:
            made = run()
        except Exception as error:
            self.records.append({"refused": label, "words": _ADDRESS.sub("", f"{type(error).__name__}: {error}")})
        else:
            if isinstance(made, str):
                self.records.append({"made": label, "text": _ADDRESS.sub("", made)})


def _functions(module):
    for name, value in vars(module).items():
        if inspect.isfunction(value) and value.__module__ == module.__name__ and not name.startswith("__"):
            if inspect.signature(value).parameters:
                yield name, value


def _each_function(recorder, module, label, export=True):
    import astgrad
    from astgrad import caching
    for name, f in _functions(module):
        where = f"{label}.{name}"
        recorder.attempt(where + " reverse", lambda: caching._generate(f, ("reverse", (0,), False)).text)
        recorder.attempt(where + " forward", lambda: caching._generate(f, ("forward", (0,))).text)
        if export:
            recorder.attempt(where + " export", lambda: astgrad.export(f))
            recorder.attempt(where + " export order 2", lambda: astgrad.export(f, order=2))
            recorder.attempt(where + " export forward order 2", lambda: astgrad.export(f, mode="forward", order=2))


def _examples(recorder, images):
    for file in sorted(os.listdir(os.path.join(ROOT, "examples"))):
        if not file.endswith(".py") or file == "plot_derivatives.py":
            continue
        path = os.path.join(ROOT, "examples", file)
        sys.argv = [path] + (["--out", images, "--steps", "20"] if file == "training_curve.py" else [])
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                names = runpy.run_path(path, run_name="__main__")
            except BaseException as error:     # (a script ending in SystemExit too)
                recorder.records.append({"example failed": file, "words": _ADDRESS.sub("", str(error))})
                continue
        module = types.ModuleType("__main__")
        module.__dict__.update(names)
        module.__name__ = "__main__"
        _each_function(recorder, module, file)


def _workloads(recorder):
    import numpy as np

    import astgrad
    import workloads as W
    _each_function(recorder, W, "workloads")
    given = W.make_inputs()
    mlp = tuple(a[:8] if a.ndim == 2 and a.shape[0] == W.MLP_N else a for a in given["mlp"])
    runs = {
        "scalar": lambda: (astgrad.grad(W.scalar_loop)(0.7), astgrad.grad(astgrad.grad(W.scalar_loop))(0.7),
                           astgrad.hessian(W.scalar_loop)(0.7), astgrad.jvp(W.scalar_loop, (0.7,), (1.0,))),
        "mlp": lambda: (astgrad.grad(W.mlp_loss, wrt=(0, 1, 2, 3))(*mlp),
                        astgrad.hvp(W.mlp_loss)(*mlp, np.ones_like(mlp[0]))),
        "logreg": lambda: (astgrad.grad(W.logreg_loss)(*given["logreg"]), astgrad.hessian(W.logreg_loss)(*given["logreg"])),
        "rnn": lambda: (astgrad.grad(W.rnn_loss, wrt=(0, 1))(*given["rnn"]),
                        astgrad.hvp(W.rnn_loss)(*given["rnn"], np.ones_like(given["rnn"][0]))),
        "elementwise": lambda: astgrad.grad(W.elementwise)(np.linspace(-1.0, 1.0, 7)),
    }
    for name, run in runs.items():
        recorder.attempt("workloads " + name, lambda: run() and None)


def record(out, items):
    """In this process: run ``items`` and write the records to ``out`` (JSON lines)."""
    sys.path[:0] = [os.path.join(ROOT, "tests"), os.path.join(ROOT, "benchmarks"), os.path.join(ROOT, "examples")]
    os.environ.setdefault("MPLBACKEND", "Agg")
    recorder = _Recorder()
    with tempfile.TemporaryDirectory() as images:
        for item in items:
            if item == "examples":
                _examples(recorder, images)
            elif item == "workloads":
                _workloads(recorder)
            elif item.startswith("module:"):
                module = importlib.import_module(item.partition(":")[2])
                _each_function(recorder, module, module.__name__, export=False)
            else:
                raise SystemExit(f"unknown item {item!r}: examples, workloads or module:NAME")
    with open(out, "w") as handle:
        for entry in recorder.records:
            handle.write(json.dumps(entry) + "\n")


def _differences(first, other, shown):
    """How many records differ, and the first ``shown`` as short diffs."""
    lines, count = [], abs(len(first) - len(other))
    for mine, theirs in zip(first, other):
        if mine == theirs:
            continue
        count += 1
        if len(lines) < shown * 8:
            name = mine.get("function") or mine.get("refused") or mine.get("made") or "?"
            lines.append(f"  {name} {mine.get('key', '')}")
            for field in mine:
                a, b = mine[field], theirs.get(field)
                if a != b:
                    a, b = (a if isinstance(a, list) else str(a).splitlines()), (b if isinstance(b, list) else str(b).splitlines())
                    lines += [f"    {field}: {line[:150]}" for line in list(difflib.unified_diff(a, b, lineterm="", n=0))[2:8]]
    return count, lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2,3,4,5")
    parser.add_argument("--src", default=os.path.join(ROOT, "src"))
    parser.add_argument("--record", help=argparse.SUPPRESS)     # (the child's side)
    parser.add_argument("items", nargs="*")
    args = parser.parse_args()
    items = args.items or ["examples", "workloads"]
    if args.record:
        return record(args.record, items)
    seeds = args.seeds.split(",")
    runs = {}
    with tempfile.TemporaryDirectory() as directory:
        for seed in seeds:
            out = os.path.join(directory, f"{seed}.jsonl")
            env = dict(os.environ, PYTHONHASHSEED=seed, ASTGRAD_CACHE="0", PYTHONPATH=os.path.abspath(args.src))
            subprocess.run([sys.executable, os.path.abspath(__file__), "--record", out, *items], env=env, check=True)
            with open(out) as handle:
                runs[seed] = [json.loads(line) for line in handle]
    first = seeds[0]
    print(f"{'seed':>6}  {'records':>8}  {'differing from seed ' + first:>26}")
    for seed in seeds:
        count, lines = _differences(runs[first], runs[seed], shown=3)
        print(f"{seed:>6}  {len(runs[seed]):>8}  {count:>26}")
        for line in lines:
            print(line)


if __name__ == "__main__":
    main()
