"""Running generated test programs: from a file astgrad can read the source of
(``load``; ``load_module`` for a module's text written where the test says, an exported
one; ``import_file`` for one written already), and once instrumented, to reject
programs that overflow or sit on a branch boundary (``run_instrumented``). Shared by the
random-program and export tests."""

import importlib.util
import itertools
import os

import numpy as np

import scratch_dirs

_counter = itertools.count()
_tmpdir = scratch_dirs.make("programs_")     # not left in the temp directory, even by a killed run


def load(source, name="prog"):
    """Write ``source`` to a fresh .py file (astgrad reads source with inspect), import
    it and return ``name`` from it."""
    module_name = f"astgrad_program_{os.getpid()}_{next(_counter)}"
    path = os.path.join(_tmpdir, module_name + ".py")
    with open(path, "w") as handle:
        handle.write(source)
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def load_module(text, path):
    """Write ``text`` to ``path`` (a ``pathlib.Path``) and import it from there, as the
    module named by the file's stem."""
    path.write_text(text)
    return import_file(path)


def import_file(path):
    """Import the module written at ``path`` (a ``pathlib.Path``; by export's ``-o`` or
    ``path=``, say) as the module named by the file's stem."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_SHARED = {}


def load_shared(source, name="prog"):
    """``load``, once per (source, name) in a test process: cases of one test that differ
    only in their arguments share the function, and so its generated derivatives."""
    if (source, name) not in _SHARED:
        _SHARED[source, name] = load(source, name)
    return _SHARED[source, name]


def run_instrumented(source, args, name="prog"):
    """(largest |intermediate|, smallest |branch margin|) of the instrumented program,
    run on copies of the array arguments."""
    stats = {"magnitude": 0.0, "margin": np.inf}

    def _chk(value):
        stats["magnitude"] = max(stats["magnitude"], float(np.max(np.abs(value))))
        return value

    def _cond(value):
        stats["margin"] = min(stats["margin"], abs(float(value)))
        return value

    namespace = {"_chk": _chk, "_cond": _cond}
    with np.errstate(all="ignore"):
        exec(compile(source, "<instrumented>", "exec"), namespace)
        try:
            value = namespace[name](*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
        except OverflowError:   # Python's float ** raises where NumPy's gives inf: as large
            value = np.inf
    if not np.all(np.isfinite(value)):
        stats["magnitude"] = np.inf
    return stats
