"""logging's functions and a Logger's methods report values and return None: like print,
they run in the generated code as written (``log.debug("loss %s", y)``), and nothing flows
back through them.

Imported once the program has imported ``logging`` (astgrad does not import it): see
``optional.register_when_imported``.
"""

import logging

from .registry import FRESH, declare, non_differentiable, unregistered

_LEVELS = ("debug", "info", "warning", "error", "critical", "exception", "log")
_REPORTS = [report for report in (*(getattr(logging, level) for level in _LEVELS),
                                  *(getattr(logging.Logger, level) for level in _LEVELS))
            if unregistered(report)]        # (see registry.unregistered)
non_differentiable(*_REPORTS)
declare(*_REPORTS, result=FRESH)
