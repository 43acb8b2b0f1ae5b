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

import ast
import operator
import types
import weakref

from . import caching
from .errors import TransformError
from .plain_builtins import STAND_INS, NotPlain
from .reached_writes import user_function
from .rebound_places import Snapshot, is_generated, written_places
from .writes_checked_first import _CALL, _DEPTH, NotChecked, _checking, _nodes, _uses, _varargs, takes_varargs

# builtin -> what runs in its place: itself where the value code checks its hooks before it
_CHECKED_BUILTINS = {bool: bool, len: len, **STAND_INS}
# the run-time checks of hooks (truth_hooks.py, value_hooks.py, hooked_items.py)
_CHECKS = ("check_truth_hook(", "check_length_hook(", "check_value_hooks(", "check_item_hooks(",
           "check_membership_hooks(")


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
    except (NotPlain, NotChecked):
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
    as a global (a helper's), or the value code of a function of the user's it calls as it
    is (``lambda x: loss(x, b)``), checks such a hook when it runs."""
    return _asked(value, depth)[0]


def _asked(value, depth):
    """(whether ``value`` checks such a hook, whether that answer stands while ``value``
    reaches the same callees: none of them reaches a function of the user's, whose
    value code may be made anew)."""
    source = getattr(value, "source", None)
    if not isinstance(source, str) or depth > _DEPTH:
        return False, True
    if any(check in source for check in _CHECKS):
        return True, True
    if not isinstance(value, types.FunctionType):
        return False, False     # (a gradient called in the code, astgrad.grad(h): its own code checks what it runs)
    try:
        held = list(zip(value.__code__.co_freevars, (cell.cell_contents for cell in value.__closure__ or ())))
    except ValueError:      # an empty cell
        return False, False
    named = [(name, value.__globals__.get(name)) for use, name, _ in _uses(source) if use == _CALL]
    callees = tuple(callee for _, callee in held + named)
    known = _ANSWERS.get(value)
    if known is not None and len(known[0]) == len(callees) and all(map(operator.is_, known[0], callees)):
        return known[1], True
    stands = not any(user_function(callee) is not None for callee in callees)
    for name, callee in held + named:
        for code in _value_codes_of(callee, name, source) if callee is not value else ():
            checks, fixed = _asked(code, depth + 1)
            if checks:
                return True, False
            stands = stands and fixed
    if stands:
        _ANSWERS[value] = (callees, False)
    return False, stands


# value code -> (the callees it holds and names, False): it checks no hook, an answer that
# stands while it reaches the same callees, none of them reaching a function of the user's
_ANSWERS = weakref.WeakKeyDictionary()


def _value_codes_of(callee, name, source):
    """The value codes a check run runs in ``callee``'s place (called by ``name`` in
    ``source``): itself where astgrad made it, a user's function's own value code, or for
    one taking ``*args``, that of its version for each shape of call ``source`` makes."""
    if is_generated(callee):
        return [callee]
    fn = user_function(callee)      # (a bound method's or a partial's function: its lines are what is asked)
    if fn is None:
        return []
    if not takes_varargs(fn):
        return [caching.checked_value_code(fn)]
    varargs = _varargs()
    return [caching.checked_value_code(varargs.specialize(fn, *varargs.call_shape(fn, *shape)))
            for shape in _call_shapes(name, source)]


def _call_shapes(name, source):
    """(positional count, keyword names) of each call ``name(...)`` in ``source`` that
    hands on no ``*items`` or ``**mapping``."""
    return {(len(node.args), tuple(keyword.arg for keyword in node.keywords)) for node in _nodes(source)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
            and not any(isinstance(arg, ast.Starred) for arg in node.args)
            and all(keyword.arg is not None for keyword in node.keywords)}
