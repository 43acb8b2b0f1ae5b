"""Run by test_export.py in a fresh virtual environment holding NumPy (and SciPy) only:
import an exported module, call its derivative, write the result (and its type's name).

    python export_child.py DIRECTORY MODULE FUNCTION IN.pickle OUT.pickle

astgrad is not installed there (checked first). An example's own ``import astgrad``
line (when the exported module imports the example for a function or global it reads,
or the arguments are instances of its classes) is given an empty stand-in: importing
it works, using anything from it raises. The result records who imported it.
"""

import dataclasses
import importlib.abc
import importlib.machinery
import importlib.util
import pickle
import sys
import types


class _StandIn(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Provides the empty ``astgrad`` module, remembering which module imported it."""

    def __init__(self):
        self.importers = []

    def find_spec(self, name, path=None, target=None):
        if name == "astgrad":
            return importlib.machinery.ModuleSpec(name, self)
        return None

    def create_module(self, spec):
        frame = sys._getframe(1)
        while frame is not None and frame.f_globals.get("__name__", "").startswith(("importlib", "_frozen")):
            frame = frame.f_back
        self.importers.append(frame.f_globals.get("__name__") if frame is not None else None)
        stub = types.ModuleType("astgrad")

        def __getattr__(name):
            if name.startswith("__"):
                raise AttributeError(name)
            raise RuntimeError(f"astgrad.{name} was used, where astgrad is not installed")
        stub.__getattr__ = __getattr__
        return stub

    def exec_module(self, module):
        pass


def plain(value):
    """The result as built-in containers and arrays (the exported classes stay here)."""
    import numpy
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return numpy.asarray(value)


def main(directory, module_name, function, given, result):
    if importlib.util.find_spec("astgrad") is not None:
        raise SystemExit(f"astgrad is importable here: {importlib.util.find_spec('astgrad').origin}")
    stand_in = _StandIn()
    sys.meta_path.insert(0, stand_in)
    sys.path.insert(0, directory)
    module = importlib.import_module(module_name)
    with open(given, "rb") as handle:
        args, kwargs = pickle.load(handle)
    out = getattr(module, function)(*args, **kwargs)
    loaded = sorted(n for n in sys.modules if n.startswith("astgrad."))
    with open(result, "wb") as handle:
        pickle.dump((plain(out), loaded, stand_in.importers, type(out).__name__), handle)


if __name__ == "__main__":
    main(*sys.argv[1:])
