"""Rules for optional libraries (SciPy), registered once the program has imported them.

astgrad never imports an optional library itself: ``import astgrad`` stays fast and works
without SciPy. The frontend calls ``load_imported()`` whenever it resolves a name, so the
rules of ``scipy.special`` and ``scipy.stats`` are registered before the first function that
calls them is differentiated (the library is imported by then, since the name resolved).
"""

import importlib
import sys
import threading

# (library module that must be imported, rule module that registers its rules)
_OPTIONAL = (("scipy.special", "astgrad.rules.scipy_special"),
             ("scipy.stats", "astgrad.rules.scipy_stats"))

_pending = list(_OPTIONAL)
_loading = threading.Lock()

# the rule table's version while only astgrad's own modules have registered rules (the
# disk cache keeps generated code only then: a user's rule is not part of its key)
_trusted = {"version": None}


def trust_rules():
    """astgrad's own rules are registered (called once ``import astgrad`` is done)."""
    from . import registry
    _trusted["version"] = registry.VERSION[0]


def trusted_version(version):
    """``version`` if only astgrad's own modules registered the rules it counts, else None."""
    return version if version == _trusted["version"] else None


def load_imported():
    """Register the rules of every optional library now in ``sys.modules``; cheap when
    there is nothing (left) to register."""
    modules = sys.modules
    for library, _ in _pending:     # (a loop, not any(): this runs at every name resolved)
        if library in modules:
            break
    else:
        return
    from . import registry
    with _loading:
        for entry in list(_pending):
            library, rules = entry
            if library in sys.modules:
                before = registry.VERSION[0]
                importlib.import_module(rules)
                _pending.remove(entry)
                if before == _trusted["version"]:
                    _trusted["version"] = registry.VERSION[0]
