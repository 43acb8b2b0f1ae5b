"""NumPy's functions as the rules mean them, whatever the user rebinds later.

A derivative rule's ``numpy.cos`` means NumPy's cos. The user may replace a module's
function (a notebook's ``np.cos = my_cos``) before or after a derivative is generated;
the user's own calls see the replacement (they are looked up when the code runs, as
in the function itself), the calls astgrad writes do not. ``original_attribute`` is a
module's attribute as astgrad first read it (numpy, its public submodules and math: when
astgrad was imported); ``snapshot`` is a module object holding those attributes, which
the module's name in astgrad's calls is bound to in generated code, so ``numpy.cos(x)``
there reads as written and costs what a module's attribute costs (a snapshot is a plain
module object without a ``__getattr__``: Python reads attributes of exactly such a
module fastest, of a subclass or one with a ``__getattr__`` half as fast).
"""

import math
import threading
import types

import numpy
import numpy.fft            # loaded when first asked for: loaded now, to be in the snapshot
import numpy.linalg

from .missing import MISSING

_ORIGINALS = {}     # module name -> its attributes when astgrad first read it
_SNAPSHOTS = {}     # module name -> its snapshot
_LIVE = "__astgrad_live__"      # the key of a snapshot's own module in its dict
_LOCK = threading.RLock()       # one snapshot per module, whichever thread asks first


def _attributes(module):
    attributes = _ORIGINALS.get(module.__name__)
    if attributes is None:
        with _LOCK:
            attributes = _ORIGINALS.setdefault(module.__name__, dict(vars(module)))
    return attributes


def original_attribute(owner, name):
    """``owner.name``; for a module, as it was when astgrad first read the module."""
    if not isinstance(owner, types.ModuleType) or is_snapshot(owner):
        return getattr(owner, name, None)
    found = _attributes(owner).get(name, MISSING)
    return getattr(owner, name, None) if found is MISSING else found


def is_snapshot(obj):
    """Whether ``obj`` is a module's snapshot."""
    return type(obj) is types.ModuleType and _LIVE in obj.__dict__


def live_module(obj):
    """The module a snapshot stands for; anything else unchanged."""
    return obj.__dict__[_LIVE] if is_snapshot(obj) else obj


def snapshot(module):
    """The snapshot of ``module`` (the same object each time): a module of the same
    name holding its attributes as astgrad first read them, its public submodules
    (``numpy.linalg``) as their snapshots."""
    if is_snapshot(module):
        return module
    found = _SNAPSHOTS.get(module.__name__)
    if found is not None and found.__dict__[_LIVE] is module:
        return found
    with _LOCK:
        found = _SNAPSHOTS.get(module.__name__)
        if found is None or found.__dict__[_LIVE] is not module:
            found = types.ModuleType(module.__name__)
            found.__dict__.update(original_attributes(module))
            found.__dict__[_LIVE] = module
            _SNAPSHOTS[module.__name__] = found
        return found


def original_attributes(module):
    """``module``'s attributes as astgrad first read them, its public submodules as
    their snapshots."""
    inside = module.__name__ + "."
    return {name: snapshot(value) if _is_submodule(value, inside + name) else value
            for name, value in _attributes(module).items()}


def _is_submodule(value, name):
    """Whether ``value`` is the public submodule ``name`` (``numpy.linalg``)."""
    return isinstance(value, types.ModuleType) and value.__name__ == name \
        and not name.rpartition(".")[2].startswith("_")


def replaced(module):
    """Whether a public attribute of ``module`` is no longer what astgrad first read."""
    live = vars(module)
    return any(live.get(name, MISSING) is not value for name, value in _attributes(module).items()
               if not name.startswith("_"))


for _module in (numpy, math):       # read them now (numpy.linalg and numpy.fft with numpy)
    snapshot(_module)
