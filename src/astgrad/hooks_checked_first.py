"""Refusing a truth test's or ``len()``'s hook before a user's function runs itself.

hessian checks that the function's value is a number, jacobian finds its size and a
transform of a gradient (``jvp(grad(f), ...)``) checks its output, each by calling the
function as it is first. Where the function (or a helper it reaches) tests the truth or
the length of a value whose class the code did not know (truth_checks.py), that call ran
the value's ``__bool__`` or ``__len__`` before the derivative's check refused it: a hook
writing into an array changed it, and the refusal came after. Here the function's value
code, which checks the value's class first, runs on copies of the arguments before, so
the refusal comes before anything changed (writes_checked_first.py runs it, counting
``bool`` and ``len`` harmless: their hooks are checked before them). ``float()``,
``int()``, ``range()``, ``sum()``, ``any()`` and ``all()`` run there as stand-ins that
answer on Python's and NumPy's own values and stop the run on any other, before a hook
of it could run (plain_builtins.py)."""

from . import caching
from .errors import TransformError
from .plain_builtins import STAND_INS, NotPlain
from .rebound_places import Snapshot, is_generated, written_places
from .writes_checked_first import _CALL, _DEPTH, _checking, _uses

# builtin -> what runs in its place: itself where the value code checks its hooks before it
_CHECKED_BUILTINS = {bool: bool, len: len, **STAND_INS}
_CHECKS = ("check_truth_hook(", "check_length_hook(")


def refuse_hooks_first(f, args, kwargs=None):
    """Run ``f``'s value code at ``args`` (copies) first where it, or value code astgrad
    made that it calls, checks a truth test's or ``len()``'s hook when it runs, and it
    changes nothing else; raise that check's refusal, if any."""
    value = caching.checked_value_code(f)
    if value is None or not _checks_hooks(value, 0):
        return
    code = _checking(value, 0, checked_builtins=_CHECKED_BUILTINS)
    if code is None:
        return
    places = written_places(code)       # globals and closure cells it rebinds: put back after
    before = Snapshot(places) if places else None
    try:
        code(*args, **(kwargs or {}))
    except TransformError:
        raise
    except NotPlain:
        pass        # a value a stand-in does not know: the function's own call goes on as it is
    except TypeError as error:
        if str(error).startswith("astgrad:"):
            raise
    except Exception:       # noqa: BLE001 - the function's own call raises it, as Python would
        pass
    finally:
        if before is not None:
            before.restore()


def _checks_hooks(value, depth):
    """Whether the value code ``value``, or value code astgrad made that it holds or names
    as a global (a helper's), checks such a hook when it runs."""
    source = getattr(value, "source", None)
    if not isinstance(source, str) or depth > _DEPTH:
        return False
    if any(check in source for check in _CHECKS):
        return True
    try:
        held = [cell.cell_contents for cell in value.__closure__ or ()]
    except ValueError:      # an empty cell
        return False
    named = [value.__globals__.get(name) for use, name, _ in _uses(source) if use == _CALL]
    return any(is_generated(callee) and callee is not value and _checks_hooks(callee, depth + 1)
               for callee in held + named)
