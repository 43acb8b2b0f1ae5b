"""Rules for optional libraries (SciPy), registered once the program has imported them.

astgrad never imports an optional library itself: ``import astgrad`` stays fast and works
without SciPy. The frontend calls ``load_imported()`` whenever it resolves a name, so the
rules of ``scipy.special``, ``scipy.stats`` and ``scipy.linalg`` are registered before the
first function that calls them is differentiated (the library is imported by then, since
the name resolved).

Facts about functions of a module astgrad does not import itself (``numpy.random``, several
milliseconds) are declared by name with ``declare_when_imported``: they count in the rule
table's version when declared, and are attached to the functions, without changing the
version, once the module is imported. So the version (part of the disk cache's key) is
the same whether or not the program imported the module. astgrad's own rule modules for
such modules (``numpy.polynomial``, ``logging``: importing them with astgrad was a sixth of
``import astgrad``) are registered the same way, by ``register_when_imported``.

The disk cache keys code by the core table's version (``trusted_version``: the optional
libraries' registrations not counted; astgrad's own rules, registered when the table is
first read, are not counted either: the key holds the source files they are written in)
and, only for code that depends on an optional library, by the rules registered for those
libraries too (``loaded_rules``): code that calls no SciPy function is the same whether or
not the process imported SciPy.
"""

import contextlib
import importlib
import sys
import threading

from .loading import AFTER_LOADING, load_rules

# (library module that must be imported, rule module that registers its rules)
_OPTIONAL = (("scipy.special", "astgrad.rules.scipy_special"),
             ("scipy.stats", "astgrad.rules.scipy_stats"),
             ("scipy.linalg", "astgrad.rules.scipy_linalg"))

PACKAGES = frozenset(library.split(".")[0] for library, _ in _OPTIONAL)      # {"scipy"}
_pending = list(_OPTIONAL)      # and (module, (names, facts)) from declare_when_imported
_loading = threading.Lock()

# the rule table's version while only astgrad's own modules have registered rules (the
# disk cache keeps generated code only then: a user's rule is not part of its key)
_trusted = {"version": None}
# [library, registrations its rule module made] for each optional library whose rules are registered
_loaded = []
# registrations of astgrad's own modules loaded after ``import astgrad`` (the tape front end)
_own_later = [0]


def trust_rules():
    """astgrad's own rules are registered (called once ``import astgrad`` is done)."""
    from . import registry
    _trusted["version"] = registry.VERSION[0]


def trusted_version(version):
    """The core rule table's version (without the optional libraries' registrations, see
    ``loaded_rules``) if only astgrad's own modules registered the rules ``version``
    counts, else None."""
    if version != _trusted["version"]:
        return None
    return version - sum(count for _, count in _loaded) - _own_later[0]


@contextlib.contextmanager
def own_rules():
    """Around the import of one of astgrad's own modules that registers rules when first
    used rather than with ``import astgrad`` (the tape front end): its rules are astgrad's
    own, so the disk cache stays on, and they leave the version the cache's key holds
    as it was (they are fixed by astgrad's source, which the key holds too, and code
    reaching the module's functions imports it, and so its rules, to be loaded)."""
    from . import registry
    before = registry.VERSION[0]
    try:
        yield
    finally:
        if before == _trusted["version"]:
            _own_later[0] += registry.VERSION[0] - before
            _trusted["version"] = registry.VERSION[0]


def loaded_rules():
    """[library, its version, registrations] of each optional library whose rules are
    registered (those of every one the program imported are registered first)."""
    load_imported()
    return [[library, getattr(sys.modules.get(library.split(".")[0]), "__version__", None), count]
            for library, count in _loaded]


def declare_when_imported(module, names, **facts):
    """Facts (as ``registry.declare``) about the functions ``module.name`` for each of
    ``names``, attached once ``module`` is imported; astgrad does not import it."""
    from . import registry
    with _loading:
        registry.count_declaration()    # counted now: attaching them later changes nothing
        _pending.append((module, (tuple(names), facts)))


def load_imported():
    """Register the rules of every optional library now in ``sys.modules``; cheap when
    there is nothing (left) to register."""
    modules = sys.modules
    for library, _ in _pending:     # (a loop, not any(): this runs at every name resolved)
        if library in modules:
            break
    else:
        return
    load_rules()        # astgrad's own rules first (which may add to _pending): a library's come after them
    with _loading:
        for entry in list(_pending):
            if entry[0] in sys.modules:
                _register(*entry)
                _pending.remove(entry)


def register_when_imported(module, rules):
    """Import astgrad's own rule module ``rules`` (registering its rules) once ``module``
    is imported; astgrad does not import it. Counted in the version now, as the facts of
    ``declare_when_imported`` are: no code made before can call the module's functions."""
    from . import registry
    with _loading:
        registry.count_declaration()
        _pending.append((module, _OwnRules(rules)))
        OWN_LATER.append(module)


class _OwnRules(str):
    """The name of one of astgrad's own rule modules, registered as counted already."""


OWN_LATER = []      # the modules whose rules register_when_imported registers once imported


def _register(library, rules):
    from . import registry
    if isinstance(rules, _OwnRules):
        registry.import_counted(rules)
        return
    if not isinstance(rules, str):      # facts declared by name
        names, facts = rules
        found = sys.modules[library]
        registry.declare_counted(*[getattr(found, n) for n in names if hasattr(found, n)], **facts)
        return
    before = registry.VERSION[0]
    importlib.import_module(rules)
    _loaded.append([library, registry.VERSION[0] - before])
    if before == _trusted["version"]:
        _trusted["version"] = registry.VERSION[0]


AFTER_LOADING.append(load_imported)
