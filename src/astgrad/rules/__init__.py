"""The rule table. astgrad's own rules register when the table is first read
(``loading.py``; the modules are listed in ``builtin.py``), not with ``import astgrad``.

The package is also callable: ``astgrad.rules(pattern=None)`` lists the public functions
that have rules (see ``listing.py``).
"""

import sys
import types

from . import registry  # noqa: F401


class _RuleTable(types.ModuleType):
    """This package, callable as ``astgrad.rules(pattern=None)``."""

    def __call__(self, pattern=None):
        from .listing import rules
        return rules(pattern)


sys.modules[__name__].__class__ = _RuleTable
