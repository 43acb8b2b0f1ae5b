"""NumPy's functions as the rules mean them, whatever the user rebinds later.

A derivative rule's ``numpy.cos`` means NumPy's cos. The user may replace a module's
function (a notebook's ``np.cos = my_cos``) before or after a derivative is generated;
the user's own calls see the replacement (they are looked up when the code runs, as
in the function itself), the calls a rule introduced do not. ``original_attribute``
is a module's attribute as astgrad first read it (numpy, its public submodules and
math: when astgrad was imported); ``snapshot`` is a module object holding those
attributes, which a rule's module name is bound to in generated code, so
``numpy.cos(x)`` there reads as written and costs what a module's attribute costs.
"""

import functools
import importlib
import math
import threading
import types

import numpy

from .missing import MISSING

_ORIGINALS = {}     # module name -> its attributes when astgrad first read it
_SNAPSHOTS = {}     # module name -> its Snapshot


_LOCK = threading.RLock()     # one snapshot per module, whichever thread asks first


def _attributes(module):
    attributes = _ORIGINALS.get(module.__name__)
    if attributes is None:
        with _LOCK:
            attributes = _ORIGINALS.setdefault(module.__name__, dict(vars(module)))
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
    it did not have then (a submodule loaded lazily) is read from the module itself, by
    the ``__getattr__`` in its dict (as a module's own, PEP 562: a method of the class
    would make every attribute read three times slower)."""

    def __reduce__(self):
        return _snapshot_named, (self.__name__,)


def _snapshot_named(name):
    """The ``Snapshot`` of the module ``name`` (what a pickled one becomes)."""
    return snapshot(importlib.import_module(name))


def snapshot(module):
    """The ``Snapshot`` of ``module`` (the same object each time); its submodules
    (``numpy.linalg``) are their snapshots, so ``numpy.linalg.inv`` is read as it was too."""
    if isinstance(module, Snapshot):
        return module
    found = _SNAPSHOTS.get(module.__name__)
    if found is not None and found.__dict__["__astgrad_live__"] is module:
        return found
    with _LOCK:
        found = _SNAPSHOTS.get(module.__name__)
        if found is None or found.__dict__["__astgrad_live__"] is not module:
            found = _SNAPSHOTS[module.__name__] = _new_snapshot(module)
        return found


def _new_snapshot(module):
    found = Snapshot(module.__name__)
    inside = module.__name__ + "."
    found.__dict__.update({name: snapshot(value) if _is_submodule(value, inside + name) else value
                           for name, value in _attributes(module).items()})
    found.__dict__["__astgrad_live__"] = module
    found.__dict__["__getattr__"] = functools.partial(getattr, module)
    return found


def _is_submodule(value, name):
    """Whether ``value`` is the public submodule ``name`` (``numpy.linalg``)."""
    return isinstance(value, types.ModuleType) and not isinstance(value, Snapshot) \
        and value.__name__ == name and not name.rpartition(".")[2].startswith("_")


def plain_copy(module):
    """A plain module object holding ``module``'s attributes as astgrad first read them
    (and those it gained since), its public submodules copied so too: for a compiler
    that reads a module's functions when it compiles (numba), which a ``Snapshot``'s
    class would confuse."""
    inside = module.__name__ + "."
    copy = types.ModuleType(module.__name__)
    copy.__dict__.update(vars(module))
    copy.__dict__.update({name: plain_copy(value) if _is_submodule(value, inside + name) else value
                          for name, value in _attributes(module).items()})
    return copy


def replaced(module):
    """Whether a public attribute of ``module`` is no longer what astgrad first read."""
    live = vars(module)
    return any(live.get(name, MISSING) is not value for name, value in _attributes(module).items()
               if not name.startswith("_"))


def live_module(obj):
    """The module a ``Snapshot`` stands for; anything else unchanged."""
    return obj.__dict__["__astgrad_live__"] if isinstance(obj, Snapshot) else obj


for _module in (numpy, math):       # read them now (numpy.linalg and numpy.fft with numpy)
    snapshot(_module)
