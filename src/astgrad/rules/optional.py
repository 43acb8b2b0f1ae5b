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


def load_imported():
    """Register the rules of every optional library now in ``sys.modules``; cheap when
    there is nothing (left) to register."""
    if not _pending or not any(library in sys.modules for library, _ in _pending):
        return
    with _loading:
        for entry in list(_pending):
            library, rules = entry
            if library in sys.modules:
                importlib.import_module(rules)
                _pending.remove(entry)
