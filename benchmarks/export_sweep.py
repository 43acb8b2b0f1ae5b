"""Export every program of the test tables (tests/outsider_programs.py,
tests/hunt27_programs.py) in reverse and forward mode, orders 1 and 2, run each exported
module and compare its values with astgrad's in process: the public transforms for order 1
(grad, jvp) and hvp for order 2 (the jvp of the gradient; a gradient of order 2 is the
Hessian times ones). Prints a line per difference and the counts.

    PYTHONPATH=src python benchmarks/export_sweep.py [TABLE ...]

The exported modules run in this process (test_export.py runs a sample of them where
astgrad is not installed)."""

import importlib
import importlib.util
import inspect
import os
import sys
import tempfile
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))

import astgrad  # noqa: E402
from astgrad.exporting import ExportError, _derivative  # noqa: E402


def _load(path):
    spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tangent(x):
    rng = np.random.default_rng(3)
    return rng.normal(size=np.shape(x)).astype(np.asarray(x).dtype) if np.ndim(x) else 0.7


def _close(a, b):
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and len(a) == len(b) \
            and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b) and all(_close(a[k], b[k]) for k in a)
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True)


def _expected(f, args, wrt, mode, order):
    if mode == "reverse" and order == 1:
        return astgrad.grad(f, wrt)(*args)
    if mode == "forward" and order == 1:
        tangents = tuple(_tangent(a) if i == wrt else None for i, a in enumerate(args))
        return astgrad.jvp(f, args, tangents)
    hv = astgrad.hvp(f, wrt)(*args, np.ones_like(args[wrt], dtype=float) if mode == "reverse"
                             else _tangent(args[wrt]))
    if mode == "reverse":
        return hv
    return astgrad.grad(f, wrt)(*args), hv


def _exported_call(module, f, mode, order, args, wrt):
    # the module defines the derivative under its generated def's name (grad_lambda__1 for
    # a lambda calling a gradient of another lambda, whose own is grad_lambda_)
    exported = getattr(module, _derivative(f, wrt, mode, order).__code__.co_name)
    if mode == "reverse":
        return exported(*args)
    tangent = [p.name for p in inspect.signature(exported).parameters.values()
               if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    return exported(*args, **{tangent[0]: _tangent(args[wrt])})


def sweep(cases, folder, counts):
    for label, f, args, wrts in cases:
        for mode in ("reverse", "forward"):
            for order in (1, 2):
                wrt = wrts[0]
                if not isinstance(args[wrt], (float, np.ndarray)) or np.asarray(args[wrt]).dtype.kind != "f":
                    continue
                try:
                    expected = _expected(f, args, wrt, mode, order)
                except Exception:       # noqa: BLE001 - refused in process: not compared
                    counts["refused in process"] += 1
                    continue
                path = os.path.join(folder, f"e{counts['exported'] + counts['refused by export']}.py")
                try:
                    astgrad.export(f, wrt, mode=mode, order=order, path=path)
                except (ExportError, astgrad.TransformError) as error:     # a line export needs the arguments for
                    counts["refused by export"] += 1
                    print(f"REFUSED {label} {mode} {order}: {str(error)[:160]}")
                    continue
                counts["exported"] += 1
                try:
                    got = _exported_call(_load(path), f, mode, order, args, wrt)
                except Exception as error:      # noqa: BLE001 - reported
                    counts["failed"] += 1
                    print(f"FAILED {label} {mode} {order}: {type(error).__name__}: {str(error)[:200]}")
                    continue
                counts["compared"] += 1
                if not _close(got, expected):
                    counts["differ"] += 1
                    print(f"DIFFERS {label} {mode} {order}: {got!r} vs {expected!r}"[:400])


def main(tables):
    counts = dict.fromkeys(("exported", "compared", "differ", "failed", "refused by export", "refused in process"), 0)
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as folder:
        sys.path.insert(0, folder)
        for table in tables:
            sweep(importlib.import_module(table).CASES, folder, counts)
    print(counts)


if __name__ == "__main__":
    main(sys.argv[1:] or ["outsider_programs", "hunt27_programs"])
