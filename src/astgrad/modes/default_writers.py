"""Helpers called as such (not inlined) that change a default of their own in place and
read it (``def tally(v, acc=[]): acc.append(v); return v * len(acc)``).

Python makes that default once, when the def runs, and keeps it from call to call: each
call sees what the calls before it put in. A call leaving the parameter out cannot be
differentiated so: the derivative of ``y = tally(x)`` runs ``tally`` again after the
forward sweep's call changed the default (reverse mode), or on a copy of it that the next
call does not see (forward mode), and so differentiates another call than the one that
gave ``y``. Such a call is refused at its line. A helper that only appends to such a
default (a log it never reads) gives the same value on any list, and is followed.
"""

import ast
import collections
import inspect
import types

import gast
import numpy

from ..core import syntax as S
from ..core.functions import underlying
from ..errors import TransformError
from ..rebound_places import is_generated

# the methods a helper may call on a default it never reads otherwise (a log)
_ONLY_ADDING = frozenset({"append", "extend", "insert", "appendleft", "extendleft", "add", "update"})
_CHANGEABLE = (list, dict, set, bytearray, collections.deque, numpy.ndarray)


def refuse_default_writer(mode, stmt, op):
    """Refuse the call ``stmt`` of a helper (``op``), whose derivative the mode calls,
    leaving out a parameter whose default (a list, dict, set or array) the helper changes
    in place (its derivative writes into a copy of it, as into any argument it changes)
    and reads. Whether the call leaves out such a default the helper only adds to (a
    log): its derivative leaves that default as it was, so the helper itself must run
    for Python's change to it (the forward sweep's call in reverse mode)."""
    helper = underlying(op.key)
    # generated code (a derivative differentiated again) writes into copies of its own
    if type(helper) is not types.FunctionType or is_generated(helper) \
            or any(isinstance(a, ast.Starred) for a in op.args):
        return False
    left_out = list(_left_out(helper, len(op.args), op.kwargs))
    copied = _copied(helper, mode.callees) if left_out else ()
    for name in left_out:
        if name in copied and _read(helper, name):
            raise mode.source.error(_message(helper.__qualname__, name, helper.__code__), stmt,
                                    construct=f"call to {helper.__qualname__}")
    return any(name in copied for name in left_out)


def called_for_its_log(mode, stmt, derivative):
    """``y = helper(a)`` then ``y_1, d_y = jvp_helper(a, d_a=d_a)`` for a call leaving out
    a default the helper only adds to (``def logged(v, log=HISTORY)``): the helper's own
    call changes that default, once, as Python's does (its derivative, writing into a
    copy, gives the tangent), as reverse mode's forward sweep calls it."""
    value = derivative.targets[0].elts[0]
    value.id = mode.namer.fresh(value.id)
    return [S.copy(stmt), derivative]


def _copied(helper, callees):
    """The parameters of ``helper`` its derivative writes into copies of: those its
    normalization copies as arguments written into (``acc_1 = copy_argument(acc)``,
    frontend/normalize/arguments.py), read from the normalized code its derivative was
    generated from."""
    from ..analysis.sharing import argument_copies
    _, tree = callees.read(helper)
    args = tree.args
    return set(argument_copies(tree.body, [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]).values())


def _left_out(helper, given, keywords):
    """The parameters of ``helper`` with a changeable default that a call with ``given``
    positional arguments and ``keywords`` leaves to that default."""
    for position, parameter in enumerate(inspect.signature(helper).parameters.values()):
        positional = parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
        if isinstance(parameter.default, _CHANGEABLE) and parameter.name not in keywords \
                and not (positional and position < given):
            yield parameter.name


def _read(helper, name):
    """Whether ``helper``'s body uses its parameter ``name`` other than as the receiver of a
    statement only adding to it (``name.append(v)``, a log it never reads); True where its
    source cannot be read (a refusal then is safer than a guess)."""
    from ..frontend.source import parsed_for_reading
    try:
        tree = parsed_for_reading(helper).tree
    except (TransformError, TypeError):
        return True
    adding = {id(s.value.func.value) for s in gast.walk(tree) if _adds_to(s, name)}
    return any(isinstance(n, gast.Name) and n.id == name and id(n) not in adding and isinstance(n.ctx, gast.Load)
               for n in gast.walk(tree))


def _adds_to(statement, name):
    """Whether ``statement`` is ``name.append(...)`` (or another method only adding) alone."""
    return isinstance(statement, gast.Expr) and isinstance(statement.value, gast.Call) \
        and isinstance(statement.value.func, gast.Attribute) and statement.value.func.attr in _ONLY_ADDING \
        and isinstance(statement.value.func.value, gast.Name) and statement.value.func.value.id == name


def _message(helper, name, code):
    return (f"the call of {helper} leaves {name!r} out, it is the default list, made once when the def ran: "
            f"Python keeps that list from call to call, so each call sees what the calls before it put in, "
            f"and {helper} changes it in place and reads it ({code.co_filename}:{code.co_firstlineno}); "
            f"astgrad's derivative of this call would run {helper} again on that default (or on a copy of it), "
            f"which is another call than the one that gave this line its value. Write {name}=None in the def "
            f"and 'if {name} is None: {name} = []' at the start of its body, or make the list in the function "
            f"differentiated and pass it ({helper}(..., {name}))")
