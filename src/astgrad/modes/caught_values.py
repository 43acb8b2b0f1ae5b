"""``except E as e`` where the exception caught cannot carry a derivative.

The normalizer binds ``e`` to ``caught_value(error, where)`` (frontend/normalize/trying.py),
which refuses, when the code runs, an exception carrying a float: astgrad does not follow
derivatives through ``raise`` and ``except``, and such a float may depend on the inputs.
Where nothing the try body reads depends on the differentiated inputs, neither does what it
raises (made of what the body reads, or by a callee from it): the handler may read its
floats, and ``e`` is the exception itself.
"""

import gast

from .. import runtime
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key


def release_caught_values(body, varied):
    """Bind ``e = error`` instead of ``e = caught_value(error, where)`` in ``body`` where
    the try that recorded ``error`` reads none of the ``varied`` names (those depending on
    the differentiated inputs), in its body nor in what it catches."""
    released = set()
    for stmt in walk.walk_statements(body):
        if isinstance(stmt, gast.If) and anno.get(stmt, Key.CATCHES, False):
            record = stmt.orelse[0] if len(stmt.orelse) == 1 else None
            read = S.loaded_names(stmt.test) | S.loaded_names(gast.Module(body=stmt.body, type_ignores=[]))
            if isinstance(record, gast.Assign) and isinstance(record.targets[0], gast.Name) \
                    and not read & varied:
                released.add(record.targets[0].id)
    if not released:
        return
    for stmt in walk.walk_statements(body):
        value = stmt.value if isinstance(stmt, gast.Assign) else None
        if isinstance(value, gast.Call) and anno.get(value, Key.TARGET) is runtime.caught_value \
                and isinstance(value.args[0], gast.Name) and value.args[0].id in released:
            stmt.value = S.name(value.args[0].id)
