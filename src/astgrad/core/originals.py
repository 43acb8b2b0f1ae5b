"""NumPy's functions as the rules mean them, whatever the user rebinds later.

A derivative rule's ``numpy.cos`` means NumPy's cos. The user may replace a module's
function (a notebook's ``np.cos = my_cos``) before or after a derivative is generated;
the user's own calls see the replacement (they are looked up when the code runs, as
in the function itself), the calls a rule introduced do not. ``original_attribute``
is a module's attribute as astgrad first read it (numpy and math: when astgrad was
imported); ``snapshot`` is a module object holding those attributes, which a rule's
module name is bound to in generated code, so ``numpy.cos(x)`` there reads as written
and costs what a module's attribute costs.
"""

import importlib
import math
import types

import numpy

from .missing import MISSING

_ORIGINALS = {}     # module name -> its attributes when astgrad first read it
_SNAPSHOTS = {}     # module name -> its Snapshot


def _attributes(module):
    attributes = _ORIGINALS.get(module.__name__)
    if attributes is None:
        attributes = _ORIGINALS[module.__name__] = dict(vars(module))
    return attributes


def original_attribute(owner, name):
    """``owner.name``; for a module, as it was when astgrad first read the module."""
    if not isinstance(owner, types.ModuleType):
        return getattr(owner, name, None)
    if isinstance(owner, Snapshot):
        return getattr(owner, name, None)
    found = _attributes(owner).get(name, MISSING)
    return getattr(owner, name, None) if found is MISSING else found


class Snapshot(types.ModuleType):
    """A module as astgrad first read it: same name, its attributes then; an attribute
    it did not have then (a submodule loaded lazily) is read from the module itself."""

    def __getattr__(self, name):
        return getattr(self.__dict__["__astgrad_live__"], name)

    def __reduce__(self):
        return _snapshot_named, (self.__name__,)


def _snapshot_named(name):
    """The ``Snapshot`` of the module ``name`` (what a pickled one becomes)."""
    return snapshot(importlib.import_module(name))


def snapshot(module):
    """The ``Snapshot`` of ``module`` (the same object each time)."""
    found = _SNAPSHOTS.get(module.__name__)
    if found is None or found.__dict__["__astgrad_live__"] is not module:
        found = Snapshot(module.__name__)
        found.__dict__.update(_attributes(module))
        found.__dict__["__astgrad_live__"] = module
        _SNAPSHOTS[module.__name__] = found
    return found


def live_module(obj):
    """The module a ``Snapshot`` stands for; anything else unchanged."""
    return obj.__dict__["__astgrad_live__"] if isinstance(obj, Snapshot) else obj


original_attribute(numpy, "sin"), original_attribute(math, "sin")     # read them now
