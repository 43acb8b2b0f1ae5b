"""Run in a subprocess by test_export.py: import an exported module where astgrad cannot
be imported (a stub stands in for it, with nothing in it, so a user module's own
``import astgrad`` works and any use of it fails), call its derivative, write the result.

    python export_child.py DIRECTORY MODULE FUNCTION IN.pickle OUT.pickle
"""

import dataclasses
import importlib.abc
import pickle
import sys
import types


class _NoAstgrad(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "astgrad" or name.startswith("astgrad."):
            raise ImportError(f"astgrad is not importable here ({name})")
        return None


def _stub():
    stub = types.ModuleType("astgrad")

    def __getattr__(name):
        raise RuntimeError(f"the exported module used astgrad.{name}")
    stub.__getattr__ = __getattr__
    return stub


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
    for name in [n for n in sys.modules if n == "astgrad" or n.startswith("astgrad.")]:
        del sys.modules[name]
    sys.meta_path.insert(0, _NoAstgrad())
    sys.modules["astgrad"] = _stub()
    sys.path.insert(0, directory)
    module = importlib.import_module(module_name)
    with open(given, "rb") as handle:
        args, kwargs = pickle.load(handle)
    out = getattr(module, function)(*args, **kwargs)
    loaded = sorted(n for n in sys.modules if n.startswith("astgrad."))
    with open(result, "wb") as handle:
        pickle.dump((plain(out), loaded), handle)


if __name__ == "__main__":
    main(*sys.argv[1:])
