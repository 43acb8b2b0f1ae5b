"""Calls that change what they are given or the objects they are called on, checked at
generation time: a user callee or a library function changing an argument in place, a
method called for its effect on an outside object, an entered context manager, a deque
or a dict astgrad does not follow, a receiver of no known class. Each is refused naming
the user's line and what to write instead, or let through where astgrad follows it.
"""

import ast
import collections
import functools
import inspect
import linecache
import os
import re
import types

import gast
import numpy

from .. import runtime
from ..core import anno
from ..core import syntax as S
from ..core import generated_text
from ..core import walk
from ..core.anno import Key
from ..core import ops
from ..core.functions import underlying
from ..errors import TransformError, function_value_unknown
from ..rebound_places import is_generated, replayed_functions
from ..rules import registry
from .holding import BOUND, APPENDED, DIRECT, EVERY_HOLDING, Holding, passes_items_on
from .base_built_changes import base_built_change_message
from .handed_item_methods import handed_item_call, handed_item_message, receiver_words, refuse_handed_item_change
from .shared_children import shared_child_message
from ..analysis.mutation import (is_immutable_values_method, is_mutating_method, may_change_its_object,
    mutates_arguments, ufunc_method_out)
from ..core.first_use import imported_when_called
from .user_names import (  # noqa: F401  (moved; their callers import them from here)
    parameters, _names_in_line)
from .callee_change_messages import (  # noqa: F401  (moved; their callers import them from here)
    _in_standard_library, _standard_library_directory, _library_change_message, _callee_change_message,
    _copy_of_argument_message, _derivative_called, _derivative_change_message, _partial_change_message,
    _ON_THE_OBJECT, _called_through_its_class, _method_through_class_message, _object_method_advice,
    _callee_change, _is_parameter, _method_change_message, _element_write_advice)

# modules only some functions need, loaded with the first call of these (core/first_use.py)
user_expression = imported_when_called("astgrad.core.user_expressions", "user_expression")
held_method_call_error = imported_when_called("astgrad.modes.held_methods", "held_method_call_error")
changes_what_it_is_given = imported_when_called("astgrad.analysis.source_writes", "changes_what_it_is_given")
refuse_handed_array_changed = imported_when_called("astgrad.modes.handed_arrays_read_again",
                                                   "refuse_handed_array_changed")


def _from_parameter(fn, name, items=False):
    """Whether ``name`` in the core tree ``fn`` is taken from one of its parameters
    (``g = fs[0]``, ``for k, g in enumerate(fs)``, through copies and lists it is
    appended to). With ``items``, whether it is an item or an attribute (however deep)
    of a parameter or of a name ``fn`` never binds, a global or a closure variable
    (``t = G[0]``; ``tup_1 = b`` then ``t = tup_1[0]``, a helper inlined), not the
    parameter itself under another name (``ax_1 = ax``)."""
    params = parameters(fn)
    sources = Holding(tree=fn).sources()

    def read_from(value):
        if items and isinstance(value, gast.Call) and not passes_items_on(value):
            return ()       # fig, ax = plt.subplots(): what a call builds, not an item of its arguments
        return [sub.id for sub in S.operand_nodes(value) if isinstance(sub, gast.Name) and isinstance(sub.ctx, gast.Load)]
    for current, stepped in traced_back(sources, name, read_from):
        if not items and current in params or items and stepped and (current in params or current not in sources):
            return True
    return False


def traced_back(sources, name, read_from):
    """(name, stepped) for ``name`` and each name its value comes from, however far back
    through ``sources`` (``Holding.sources``), ``read_from(value)`` giving the names a
    bound value reads; stepped: whether the way there read out of what a name holds (an
    item, an attribute, a display), not only copied it."""
    seen, todo = set(), [(name, False)]
    while todo:
        current, stepped = todo.pop()
        if (current, stepped) in seen:
            continue
        seen.add((current, stepped))
        yield current, stepped
        for value in sources.get(current, ()):
            inner = stepped or not isinstance(value, gast.Name)
            todo.extend((found, inner) for found in read_from(value))


def awaiting_receivers_class(error, fn, call):
    """``error``, a refusal of ``call``, as a FunctionValueUnknown where ``call`` is a
    method call on a parameter of the core tree ``fn`` or an item or attribute read out of
    one (``_held_by_parameter``): a method named like a list's, dict's or set's
    (``layer.update(w)``, ``layer.append(w)``) may be the user's own, which the code made for
    the object's class follows (argument_objects.py); on a real container the refusal is
    raised then. A method named like an array's (``x.sort()``, ``r.fill(v)``) is refused as
    it is, as ``unknown_call_error`` refuses it, and so is one on a value the function
    computes (``y = x * 1.0``), which is no object of the user's."""
    func = call.func if isinstance(call, gast.Call) else None
    receiver = func.value if isinstance(func, gast.Attribute) else None
    if fn is not None and isinstance(receiver, gast.Name) and (
            not hasattr(numpy.ndarray, func.attr) or func.attr == "sort" and not _numpy_sort_form(call)
            or func.attr == "put" and len(call.args) < 2) \
            and _held_by_parameter(fn, receiver.id):        # (an array's put takes indices and values)
        return function_value_unknown(error)
    return error


def _numpy_sort_form(call):
    """Whether ``call`` is written as NumPy's ``y.sort(axis, kind=...)`` (array_writes.py):
    ``cell.sort(w)`` may be a method of the user's named ``sort``."""
    from ..frontend.normalize.array_writes import is_sort_form
    return is_sort_form(call)


def _held_by_parameter(fn, name):
    """Whether ``name`` in the core tree ``fn`` is one of its parameters or is read out of
    one by items and attributes only (``t = net.cells``, ``for cell in t``, ``c = t[1]``),
    never through a value computed on the way (``y = x * 1.0``, ``r = y[1]``)."""
    params = parameters(fn)

    def read_from(value):
        while isinstance(value, (gast.Subscript, gast.Attribute)):
            value = value.value
        if isinstance(value, gast.Call) and passes_items_on(value):       # enumerate(t), t.values()
            return [a.id for a in value.args + [value.func] if isinstance(a, gast.Name)] + \
                [a.value.id for a in [value.func] if isinstance(a, gast.Attribute) and isinstance(a.value, gast.Name)]
        return [value.id] if isinstance(value, gast.Name) else []
    sources = Holding(tree=fn).sources({BOUND})
    return any(current in params for current, _ in traced_back(sources, name, read_from))


def _waits_for_receivers_class(check):
    """``check`` (of a statement ``stmt`` in the core tree ``fn``) whose refusal of a method
    call waits for the receiver's class where it is known only then (``awaiting_receivers_class``)."""
    @functools.wraps(check)
    def checked(source, stmt, active, held=frozenset(), fn=None, varied=None):
        try:
            return check(source, stmt, active, held, fn, varied)
        except TransformError as error:
            raise awaiting_receivers_class(error, fn, stmt.value) from None
    return checked


def _refuse_callees_changing_arguments(source, calls, fn=None):
    """A call of a user function that changes an argument in place: the derivative would
    not see the change, so it is refused, naming the callee's line. A change of memory
    from outside (a global's object) matters only where a differentiated value goes in
    (a memo table of constants is fine): the call is marked, and ``check_outside_changes``
    refuses it once the modes know what is differentiated."""
    from ..analysis.sharing import OUTSIDE
    bound = None
    for stmt, callee, changed, where, receiver in calls:
        bound = _bound_names(source.tree) if bound is None else bound
        if changed == OUTSIDE or _in_standard_library(where.filename) and changed not in bound \
                and (changed in source.globals or changed in source.closure):
            # (Q.put(1.0) on a global's queue.Queue: the object is from outside, as a helper's global is)
            anno.set(stmt, Key.CHANGES_OUTSIDE, (callee, where))
            continue
        if _in_standard_library(where.filename):      # statistics.pvariance: not the user's code to change
            message = _library_change_message(callee, where)
        elif receiver is not None:
            message = shared_child_message(source, stmt, callee, receiver, where) \
                or _method_change_message(callee, receiver, where, _is_parameter(source, changed))
        elif changed in source.partial_arguments and not _names_in_line(source, stmt, changed):
            # p = functools.partial(Scaler.step, s); p(w): the line names neither the callee nor s
            message = _partial_change_message(source, stmt, callee, changed, where)
        else:
            named = _names_in_line(source, stmt, changed)
            written = None if named else user_expression(source, stmt, changed)
            # a name astgrad made for a value the line writes out (fib(4, x, {})): not the user's
            argument = f"its argument {written or repr(changed)}" if written or named else "an argument it is given"
            if _named_on_its_line(where.through, where):     # what it writes into is another name, which may share it
                argument = f"'{where.through}', which may hold or share {argument},"
            derivative, held = _derivative_called(stmt), written or (changed if named else None)
            if where.copied is not None and where.through is None:     # z = x[x > 0]; z[0] = w in the callee
                message = _copy_of_argument_message(callee, argument, where)
            elif derivative is not None:
                message = _derivative_change_message(callee, derivative, argument, where)
            elif held is not None and _called_through_its_class(stmt, changed):      # Scaler.step(s, w)
                message = _method_through_class_message(source, stmt, callee, held, argument, where)
            else:
                message = base_built_change_message(anno.get(stmt.value, Key.TARGET), where) \
                    or _callee_change_message(callee, argument, where)
        error = source.error(message, stmt, construct=f"in-place change in {callee}")
        raise function_value_unknown(error) if _attribute_of_a_parameter(fn, changed) else error


def _named_on_its_line(through, where):
    """Whether ``through``, the name the callee writes into, is one the user wrote in the
    callee's file (``memo`` of ``memo[n] = r``), not one astgrad made for part of a line
    (``o.d`` of ``o.d[0] += 1.0``, whose words then name the argument alone)."""
    if through is None:
        return False
    word = re.compile(rf"(?<![\w.]){re.escape(str(through))}\b")
    lines = linecache.getlines(where.filename) if where.filename else []
    return not lines or any(word.search(line) for line in lines)


def _attribute_of_a_parameter(fn, name):
    """Whether ``name`` in the core tree ``fn`` is bound only to an attribute of one of its
    parameters (``t = m.layer`` for ``bump(m.layer, w)``): the code made for the argument's
    class may follow a helper storing into it (handed_objects.py), on a copy."""
    values = Holding(tree=fn).sources().get(name, ()) if fn is not None else ()
    return bool(values) and all(isinstance(v, gast.Attribute) and isinstance(v.value, gast.Name)
                                and v.value.id in parameters(fn) for v in values)


def _bound_names(tree):
    """The names the function ``tree`` binds (its parameters among them): its locals."""
    return {node.id for node in S.walk_nodes(tree)
            if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Param, gast.Del))}


def check_outside_changes(source, stmt, varied):
    """Refuse a call of a user function that changes memory from outside (an object a
    global holds: ``HISTORY.append(a)``) when a value depending on the inputs (``varied``)
    goes into it: what it stores there may be read back (``HISTORY[-1]``), by the function
    or a helper, where the derivative cannot follow."""
    marked = anno.get(stmt, Key.CHANGES_OUTSIDE)
    call = getattr(stmt, "value", None)
    if marked is None or not isinstance(call, gast.Call):
        return
    arguments = call.args + [keyword.value for keyword in call.keywords]
    if any(isinstance(a, gast.Name) and a.id in varied for a in arguments):
        callee, where = marked
        written = _global_attribute_written(where.text)
        if written is not None:
            raise source.error(
                f"the call of {callee} changes {written} ({where.filename}:{where.line}: {where.text.strip()}), "
                "an attribute of a class or object a global holds: Python changes it for every later call, "
                "and astgrad, whose derivative runs the code again, cannot follow that. Count or record "
                "outside the differentiated function (around the call of the function astgrad "
                "differentiates), or keep the value in a local variable", stmt,
                construct=f"in-place change in {callee}")
        if _gives_no_values(where.text):       # (count() in a helper h(x): no value of h goes there)
            target = anno.get(call, Key.TARGET)
            if replayed_functions(target):      # a gradient made outside: its second run starts
                return                          # from what the first read (replayed_calls.py)
            raise source.error(_derivative_changes_outside(callee, where, is_generated(target)), stmt,
                               construct=f"in-place change in {callee}")
        raise source.error(
            f"the call of {callee} stores a value that depends on the inputs in memory the function did "
            f"not create (a global's object: {where.what} at {where.filename}:{where.line}: "
            f"{(where.text or '').strip()}), where it may be read back where the derivative cannot follow "
            f"it. Keep the value in a local name (a helper returns it, assigned where the helper is "
            f"called), or store it outside the differentiated function", stmt,
            construct=f"in-place change in {callee}")


def _gives_no_values(text):
    """Whether the line ``text`` changing a global's object stores constants only
    (``BOX[0] = 3.0``) or calls a helper with no values (``mark()``): nothing of the
    function's values goes into that memory."""
    try:
        stmt = ast.parse((text or "").strip()).body[0]
    except (SyntaxError, IndexError):
        return False
    if isinstance(stmt, (ast.Assign, ast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        given = [stmt.value] + [target.slice for target in targets if isinstance(target, ast.Subscript)]
    elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        given = stmt.value.args + [keyword.value for keyword in stmt.value.keywords]
    else:
        return False
    return not any(isinstance(node, ast.Name) for value in given for node in ast.walk(value))


def _derivative_changes_outside(callee, where, generated):
    """The refusal of a call of a helper or of a gradient made outside (``g =
    astgrad.grad(f)``) handed values of the function, whose code changes a global's object
    with none of them (_gives_no_values): the derivative of the call runs that code again.
    (A gradient made outside changing only what astgrad puts back is followed.)"""
    advice = ("; or keep what it changes in a list, a dict, an array, a types.SimpleNamespace, or a class of "
              "yours or an object of one, which astgrad puts back around the second run of a gradient made "
              "outside") if generated else ""
    return (f"the call of {callee} runs code that changes memory the function did not create (a global's "
            f"object: {where.what} at {where.filename}:{where.line}: {(where.text or '').strip()}), and the "
            f"derivative of this call would run that code a second time, changing it again from what the "
            f"first run left, which astgrad does not put back. Change the global's object outside the "
            f"differentiated functions (before or after the call of the function astgrad differentiates), "
            f"so that the code the gradient is made of does not change it{advice}")


def _global_attribute_written(text):
    """``Model.calls`` for the line ``Model.calls += 1`` (or ``= ...``): an attribute of
    a name, not of a call or an item; else None."""
    try:
        stmt = ast.parse((text or "").strip()).body[0]
    except (SyntaxError, IndexError):
        return None
    target = stmt.target if isinstance(stmt, ast.AugAssign) else \
        stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
    if isinstance(target, ast.Attribute) and isinstance(target.value, (ast.Name, ast.Attribute)):
        return ast.unparse(target)
    return None


def check_outside_methods(source, stmt, varied):
    """Refuse a method call changing an object a global or closure variable holds
    (``LOG.extend([v])``, ``D.update(k=v)``, ``D.setdefault(k, v)``: generation resolved
    it to that object's bound method) where a value depending on the inputs (``varied``)
    goes in: what it stores may be read back where the derivative cannot follow. A memo
    table of constants is fine; ``append`` is checked with the writes into shared memory."""
    call = getattr(stmt, "value", None)
    target = anno.get(call, Key.TARGET) if isinstance(call, gast.Call) else None
    owner = getattr(target, "__self__", None)
    if not isinstance(owner, (list, dict, set, numpy.ndarray)) or not isinstance(call.func, gast.Attribute):
        return
    method = getattr(target, "__name__", None)
    if method == "append" or method != call.func.attr or not is_mutating_method(method):
        return
    arguments = call.args + [keyword.value for keyword in call.keywords]
    if any(isinstance(node, gast.Name) and node.id in varied for a in arguments for node in S.operand_nodes(a)):
        holder = S.dotted_path(call.func.value)
        name = ".".join(holder) if holder else "an object from outside the function"
        raise source.error(
            f"the method call .{method}() stores a value that depends on the inputs in '{name}', "
            "an object the function did not make (a global's or a closure's): what it stores may be "
            "read back where the derivative cannot follow it. Keep the value in a local name, or "
            "store it outside the differentiated function", stmt, construct=f".{method}()")


def _is_runtime(obj):
    return getattr(runtime, getattr(obj, "__name__", ""), None) is obj


def _only_checks(call, method, target):
    """A library call whose value is unused and which changes nothing: it can only
    raise. Gradient code keeps such calls where the function raises (``np.linalg.det(a)``
    on a matrix that is not square), and derivatives of that code keep them too."""
    if method is not None:
        records = registry.methods_named(method)
        return bool(records) and all(record.mutates is None for record in records)
    if target is None or _is_runtime(target):
        return False
    try:
        record = registry.primitive(target)
    except TypeError:           # an unhashable callable is none of them
        return False
    return record is not None and record.mutates is None


# q.put(v) of a queue astgrad does not follow (frontend/normalize/deques.py says which it does)
_QUEUE_ADVICE = ("astgrad follows a queue.Queue the function makes only where it is used by q.put(v), q.get() "
                 "(also inside an expression Python evaluates once, y = q.get() * w, where the statement names q "
                 "nowhere else), q.qsize(), q.empty() and q.full(), with a maxsize written as an int (get() under "
                 "and/or, a conditional expression or a comprehension, a timeout or block=False are not "
                 "followed): write it so, or use a list (xs.append(v), v = xs.pop(0))")


# y.sort() on an argument (or an array whose owner astgrad cannot tell): the caller's array would change
_SORT_ADVICE = ("sort a copy instead ({name} = numpy.sort({name})), or sort an array the function made "
                "(y = x * 2.0; y.sort())")


# numpy.add.accumulate(x, out=o) and the like, out= not followed: the value assigned is
_OUT_ADVICE = ("assign the value without out= instead ({name} = {what}(...), or {name}[...] = {what}(...) "
               "into an array the function made)")


def _changed_by(call, method):
    """(what ``call``, changing an argument in place, changes; its ``out=`` or None): the
    array ``out=`` names (``out=o``, ``out=(o,)``, a ufunc method's out given by position), else the receiver of the method
    ``method`` or the first argument."""
    out = next((keyword.value for keyword in call.keywords if keyword.arg == "out"), None)
    if out is None and ufunc_method_out(call) is not None:       # numpy.add.reduce(a, 0, None, o)
        out = call.args[ufunc_method_out(call)]
    if isinstance(out, gast.Tuple) and len(out.elts) == 1:
        out = out.elts[0]
    if out is not None:
        return out, out
    return (call.func.value if method is not None else call.args[0] if call.args else None), None


def written_on_the_line(source, stmt, name):
    """Whether ``name`` is written on the user's line of ``stmt`` (not a name astgrad made
    for a part of it, as ``t`` for ``y[1:]`` in ``y[1:].sort()``)."""
    text = source.line_text(stmt)
    return text is None or re.search(rf"(?<![\w.]){re.escape(name)}\b", text) is not None


def _refuse_change_through_partial(source, stmt, what, changed):
    """Refuse ``stmt``, a call of a functools.partial ``p = partial(numpy.put, a)`` changing
    the argument ``changed`` it holds, in the user's words (the line names neither)."""
    partial = source.partial_arguments.get(changed.id) if isinstance(changed, gast.Name) else None
    if partial is not None:
        raise source.error(
            f"calling {what} through the functools.partial {partial} changes '{changed.id}', the argument "
            f"{partial} holds, in place, which astgrad does not follow through a partial; call {what} on "
            f"'{changed.id}' itself on this line ({what}({changed.id}, ...)), or build the new value and "
            "assign it instead", stmt, construct=what)


@_waits_for_receivers_class
def check_effect_call(source, stmt, active, held=frozenset(), fn=None, varied=None):
    """A call made for its effect (its value unused) on a differentiated value: only
    ``xs.append(v)`` is understood; anything else could change a value unseen, but for a
    call whose rules say it changes nothing (``x.reshape(2, 2)``, ``numpy.dot(a, b)``:
    only raising where its arguments do not fit, as the check dead-code elimination keeps
    of a primal statement does, backend/dead_code.py). ``held``: names of what a
    differentiated value holds (``Holding.read_out_of``), which a function of the user's changes
    as much (``bump(bs[0])`` where bump assigns ``b.v``). A method of no known rule called
    on an object taken from a parameter of the core tree ``fn`` (``box.scale(w)``) waits for
    the object's class: the code made for it follows the method (argument_objects.py).
    ``varied``: the names that depend on the inputs differentiated (``active`` where not
    given), which such a method may store in the object, though by the flow of values the
    result does not depend on them."""
    call = stmt.value
    method = anno.get(call, Key.METHOD)
    target = anno.get(call, Key.TARGET)
    if mutates_arguments(call) and method != "append" and (target is None or not _is_runtime(target)):
        what = f".{method}()" if method is not None else registry.user_name(target)    # numpy.add.accumulate
        changed, out = _changed_by(call, method)
        named = isinstance(changed, gast.Name) and written_on_the_line(source, stmt, changed.id)
        if not named:
            _refuse_change_through_partial(source, stmt, what, changed)
        whose = f"'{changed.id}'" if named else "a value this line computes" \
            if isinstance(changed, gast.Name) else "its argument"
        queue_put = method == "put_nowait" or method == "put" and len(call.args) < 2     # (an array's: a.put(ind, v))
        advice = _QUEUE_ADVICE if queue_put else \
            _SORT_ADVICE.format(name=changed.id) if method == "sort" and named else \
            _OUT_ADVICE.format(name=changed.id, what=what) if out is not None and named else \
            "build the new value and assign it instead (y[...] = value, on an array the function created)"
        raise source.error(f"calling {what} changes {whose} in place, which astgrad cannot follow; {advice}",
                           stmt, construct=what)
    check_entered_manager(source, stmt, active if varied is None else varied)
    held_method = held_method_call_error(source, stmt, fn, active if varied is None else varied)
    if held_method is not None:
        raise held_method
    if _only_checks(call, method, target):
        return
    if method is not None:
        return _check_effect_method(source, stmt, active, held, fn, active if varied is None else varied)
    arguments = call.args + [keyword.value for keyword in call.keywords]
    if held and target is not None and ops.is_user_function(target) and changes_what_it_is_given(target):
        active = active | held
    if varied is not None and target is not None and ops.is_user_function(target) \
            and any(isinstance(a, gast.Name) and a.id in varied for a in arguments):
        _refuse_held_object_change(source, stmt, target)
        refuse_handed_item_change(source, stmt, target, fn)     # for o in objs: o.scale(v), in the callee
    if target is None and varied is not None:       # f = helper(a); f(w): what f changes is unseen
        active, arguments = active | varied, arguments + [call.func]
    if any(isinstance(a, gast.Name) and a.id in active for a in arguments):
        target = anno.get(call, Key.TARGET)
        reported = getattr(target, "__func__", target)      # log.debug: the method of a global logger
        if target is None or not registry.is_non_differentiable(reported):
            what = registry.describe(target) if target is not None else "a function value"
            raise _method_for_effect_error(source, stmt, target) or source.error(
                f"calling {what} for its effect on a differentiated value (e.g. through out=): "
                "astgrad cannot see what it changes; use its return value instead",
                stmt, construct=what)


# methods that change their object and return a value the derivative follows (v = xs.pop())
_VALUE_RETURNING_CHANGES = frozenset({"pop", "popitem", "setdefault"})


def check_used_effect_call(source, stmt, active, held=frozenset(), fn=None, varied=None):
    """``r = call``, ``call`` changing an argument in place (``numpy.put(y, i, w)``,
    ``d.update(e)``) with its value used (bound, or a part of an expression, a condition,
    a comprehension or a return, which the core form binds to a name): checked as the
    statement ``call`` alone is, whatever the name's activity, so the change is followed
    or refused, never missed. ``xs.append(v)`` is followed only as a statement of its own.
    A method a string has too (``head, _, rest = s.partition(",")``) is checked only on a
    value depending on the inputs (``y.partition(k)``), which no string is."""
    call = stmt.value
    method = anno.get(call, Key.METHOD) if isinstance(call, gast.Call) else None
    if not isinstance(call, gast.Call) or not mutates_arguments(call) or method in _VALUE_RETURNING_CHANGES \
            or ops.is_user_function(anno.get(call, Key.TARGET)):      # (its own out=: its writes are read apart)
        return
    if method is not None and is_immutable_values_method(method) and not (
            isinstance(call.func.value, gast.Name) and call.func.value.id in (active if varied is None else varied)):
        return
    if method == "append":
        raise source.error("the value of .append() (None) used: astgrad follows xs.append(v) as a statement of "
                           "its own; write it so, and use None where its value was used", stmt,
                           construct=".append()")
    check_effect_call(source, gast.copy_location(gast.Expr(value=call), stmt), active, held, fn, varied)


def check_unused_method_value(source, stmt, active, held=frozenset(), fn=None, varied=None):
    """``t = obj.m(w)`` whose value carries no derivative (``t`` only compared, as in ``if
    obj.m(w) < 1.0:``, or unused) is still a call made for its effect as far as derivatives
    go: a method of the user's may store ``w`` in ``obj``, read back later (``obj.v``), so it
    is checked as the statement ``obj.m(w)`` is. Methods with rules are checked by theirs, and
    a method of a string or a number (``k.startswith("m")``) changes nothing. So is ``t =
    fns[0](w)``, a function value of no known callee: refused."""
    call = stmt.value
    method = anno.get(call, Key.METHOD) if isinstance(call, gast.Call) else None
    if isinstance(call, gast.Call) and method is None and anno.get(call, Key.TARGET) is None \
            and any(isinstance(a, gast.Name) and a.id in active for a in call.args + [k.value for k in call.keywords]):
        # r = fns[0](w), fns = [a.up, b.up]: a function value of no known callee may store w unseen
        # (one an argument gives waits for the argument: the code made for it follows the method)
        error = source.error("calling a function value astgrad does not know (an item of a list of bound methods, "
                             "say) on a differentiated value: it cannot see what the call changes, though its value "
                             "carries no derivative; call the function by name, or the method on its object "
                             "(a.up(w))", stmt, construct="a function value")
        raise function_value_unknown(error) if fn is not None and isinstance(call.func, gast.Name) \
            and _from_parameter(fn, call.func.id) else error
    if method is None or not may_change_its_object(method) or not isinstance(call.func.value, gast.Name):
        return
    # what goes unseen is a store into an object from outside or into an argument's item:
    # a differentiated object of the user's, or one a differentiated list holds (self_1 =
    # first, first = objs[0], in obj.value() < other.value()), is followed where its class
    # is known (its methods written in), and its method's value here is only compared
    receiver = call.func.value.id
    # (but for an object a class call builds here that the code runs as it is, its
    # methods not written in: b = Box(...) for a Box with __getattr__, then r = b.up(w))
    # (nor for an object a call of a function of the user's returned, a = make(x): its class
    # is not known here, so its methods run as they are, unseen, as a statement's would)
    returned = _returned_by_a_function(fn, receiver)
    others = active - {receiver} if receiver in active and not _built_unfollowed(fn, receiver) \
        and not returned else active
    _check_effect_method(source, stmt, others, held if returned else held - {receiver}, fn,
                         active if varied is None else varied,
                         made_by=_making_call(fn, receiver) if returned else None)


def _built_unfollowed(fn, name):
    """Whether ``name`` of the core tree ``fn`` is bound by a call of a class of the
    user's that the code makes as it is (``b = Box(...)``, a class whose instances astgrad
    does not follow): its methods run as they are, unseen."""
    from ..frontend.object_layouts import looked_into
    return fn is not None and any(
        isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == name
        and isinstance(stmt.value, gast.Call) and isinstance(anno.get(stmt.value, Key.TARGET), type)
        and looked_into(anno.get(stmt.value, Key.TARGET)) for stmt in S.statements(fn.body))


def _returned_by_a_function(fn, name):
    """Whether ``name`` of the core tree ``fn`` may hold what a call of a function of the
    user's returned (``a = make(x)``, ``a, k = make2(x)``, ``objs = mk(x); a = objs[0]``,
    ``b = a``; a function astgrad did not write into the function): an object of a class
    not known here, whose methods are not written in."""
    if fn is None:
        return False
    assigns = [stmt for stmt in walk.walk_statements(fn.body) if isinstance(stmt, gast.Assign)]
    returned = set()
    while True:
        more = {target for stmt in assigns if _from_a_call_or(stmt.value, returned)
                for stored in stmt.targets for target in S.stored_names(stored)} - returned
        if not more:
            return name in returned
        returned |= more


def _making_call(fn, name):
    """(the call of a function of the user's whose result ``name`` of ``fn`` may hold
    (``_returned_by_a_function``), the first one found, and its statement); else None."""
    assigns = [stmt for stmt in walk.walk_statements(fn.body) if isinstance(stmt, gast.Assign)]
    made = {}
    while True:
        more = {}
        for stmt in assigns:
            found = _call_or_named(stmt.value, made)
            if found is not None:
                found = (found, stmt) if isinstance(found, gast.Call) else found
                more.update({target: found for stored in stmt.targets for target in S.stored_names(stored)
                             if target not in made})
        if not more:
            return made.get(name)
        made.update(more)


def _call_or_named(value, made):
    """The call of ``_from_a_call_or``'s kind ``value`` is (or (call, statement), the one
    a name of ``made`` holds), or None."""
    while isinstance(value, (gast.Subscript, gast.Attribute)):
        value = value.value
    if isinstance(value, gast.Name):
        return made.get(value.id)
    if isinstance(value, (gast.Tuple, gast.List)):
        return next((c for c in (_call_or_named(e, made) for e in value.elts) if c is not None), None)
    return value if _from_a_call_or(value, ()) else None


def _from_a_call_or(value, names):
    """Whether ``value`` is a call of a function of the user's (not a class), or a name of
    ``names``, an item or attribute of one, or a tuple holding one."""
    while isinstance(value, (gast.Subscript, gast.Attribute)):
        value = value.value
    if isinstance(value, gast.Name):
        return value.id in names
    if isinstance(value, (gast.Tuple, gast.List)):
        return any(_from_a_call_or(e, names) for e in value.elts)
    target = anno.get(value, Key.TARGET) if isinstance(value, gast.Call) else None
    return target is not None and not isinstance(target, type) and ops.is_user_function(target)


def _refuse_held_object_change(source, stmt, target):
    """Refuse ``model.run(w)`` made for its effect, ``w`` depending on the inputs, where
    ``run`` calls a method of an object its arguments hold (``self.layer.scale(w)``),
    which may store ``w`` there, unseen by the derivative (source_writes)."""
    from ..analysis.source_writes import held_object_method_call
    found = held_object_method_call(target)
    if found is None:
        return
    line, text = found
    callee = getattr(target, "__qualname__", registry.describe(target))
    raise source.error(
        f"the call of {callee}, made for its effect with a value depending on the inputs, calls a method of "
        f"an object its arguments hold ({inspect.getsourcefile(target)}:{line}: {text}), which may change that "
        f"object in a way astgrad does not follow. astgrad follows such a method called in the function "
        f"differentiated on an item of a list or dict an argument holds (for layer in model.layers: "
        f"layer.scale(w)): call it there, or have {callee} return the new value", stmt, construct=f"{callee}()")


def _method_for_effect_error(source, stmt, target):
    """The refusal of ``obj.scale(w)`` made for its effect, ``scale`` a method of a class of
    the user's that changes its object otherwise than by assigning ``self.attr`` in its
    own body (through a helper, ``setattr``, ``object.__setattr__``), which is what
    astgrad follows; None for a call of anything else."""
    parts = getattr(target, "__qualname__", "").split(".")
    call = stmt.value
    if not (ops.is_user_function(target) and len(parts) >= 2 and parts[-2] != "<locals>" and call.args
            and isinstance(call.args[0], gast.Name)):
        return None
    found = handed_item_call(target)        # for x in xs: x.bump(c), on the objects it is handed
    if found is not None:
        message = handed_item_message(".".join(parts[-2:]), parts[-1], receiver_words(source, stmt), target, found)
        return source.error(message, stmt, construct=f".{parts[-1]}()")
    return source.error(
        f"the method call .{parts[-1]}() of a {parts[-2]} on {call.args[0].id}, made for its effect with a "
        "differentiated value, may change the object in a way astgrad does not follow (through another function, "
        "setattr or object.__setattr__); astgrad follows a method assigning self.attr = ... in its own body (on "
        "an object the function builds or an argument gives): assign the attributes there, or have the method "
        "return a new object", stmt, construct=f".{parts[-1]}()")


def _check_effect_method(source, stmt, active, held, fn, varied, made_by=None):
    """check_effect_call for a method call: refused where it may change a differentiated
    value, its receiver, unseen by the derivative. A method of no known rule called on an
    object taken from a parameter of the core tree ``fn`` (``box.scale(w)``) waits for the
    object's class (a FunctionValueUnknown): the code made for it follows the method
    (argument_objects.py)."""
    call = stmt.value
    method, owner = anno.get(call, Key.METHOD), call.func.value
    # held: an item read out of a differentiated list (t = bs[0]; t.scale(w)) is the
    # object the list holds, which the method may change unseen
    # an item or attribute of an argument (t = d["a"]; t.scale(w)), which carries no
    # derivative when the result reads the argument again rather than t: the method
    # given a differentiated value may store it where the derivative does not look (a
    # varied one: params["a"].scale(w) then params["a"].v leaves w itself inactive)
    # an object from outside given a varied value (a helper's parameter bound to a global,
    # obj.step(w)): read back through the global's own name, which no flow of values links
    if isinstance(owner, gast.Name) and owner.id not in active and owner.id not in held \
            and (method != "append" or call.keywords or len(call.args) != 1) \
            and (is_mutating_method(method) or not registry.methods_named(method)):
        _refuse_item_of_a_call_changed(source, fn, owner, stmt, varied)
        refuse_handed_array_changed(source, fn, owner, stmt, varied)
    if isinstance(owner, gast.Name) \
            and (owner.id in active or owner.id in held or _item_of_argument(fn, owner, call, varied)
                 or _given_varied(call, varied) and _outside_object(source, fn, owner.id) is not None) \
            and (method != "append" or call.keywords or len(call.args) != 1) \
            and (is_mutating_method(method) or not registry.methods_named(method)):
        outside = _outside_object(source, fn, owner.id)
        if outside is not None:
            raise source.error(
                f"the method call .{method}() changes {outside}, an object the function reads from outside "
                "rather than takes as an argument: astgrad follows the changes of an object only where the "
                "function differentiated takes it as an argument (and works on a copy, leaving the caller's "
                "object as it was); pass it as one (grad(f)(x, obj), jvp(f, (x, obj), (dx, None))), build it "
                "in the function from the values it holds, or have the method return a new object",
                stmt, construct=f".{method}()")
        error = _unknown_class_error(source, stmt, method, owner.id, made_by) if made_by is not None \
            else source.error(
                f"the method call .{method}() changes a differentiated value in place, which "
                "astgrad cannot differentiate; build a new value instead (append is supported)",
                stmt, construct=f".{method}()")
        known = is_mutating_method(method) or registry.methods_named(method)
        raise function_value_unknown(error) if fn is not None and not known \
            and _from_parameter(fn, owner.id) else error


def _unknown_class_error(source, stmt, method, name, made_by):
    """The refusal of ``name.method()`` whose value is only tested, ``name`` holding what
    the call of ``made_by`` (call, statement) of a function of the user's returned: astgrad
    does not see the object's class there, so it cannot tell whether the method changes it."""
    call, made_at = made_by
    callee = getattr(anno.get(call, Key.TARGET), "__name__", None) or "the function"
    line = source.file_line(made_at)
    at = f" (line {line})" if line is not None else ""
    return source.error(
        f"{name} holds what {callee}(){at} returned, an object whose class astgrad does not see there, so it "
        f"cannot tell whether .{method}() changes it, though its value is only tested; build the object in the "
        f"function ({name} = Cls(...)), or have {callee} only build it (its checks first, then return Cls(...), "
        f"in this module), whose methods astgrad then follows", stmt, construct=f".{method}()")


def _refuse_item_of_a_call_changed(source, fn, owner, stmt, varied):
    """Refuse the method call ``stmt`` on ``owner``, an item of what a call returned that
    the function reads again (``_item_of_a_call_read_again``), at the user's line."""
    root = _item_of_a_call_read_again(fn, owner, stmt, varied)
    if root is None:
        return
    method = anno.get(stmt.value, Key.METHOD)
    target = anno.get(root.value, Key.TARGET)
    from .read_again_messages import read_again_message
    message = read_again_message(source, method, root, target, ops.is_user_function(target))
    raise source.error(message, stmt, construct=f".{method}()")


def check_entered_manager(source, stmt, varied):
    """Refuse ``stmt`` where it enters a with statement's context manager made from
    ``varied`` names (``with scaled(G, w[0]):``), at the user's with line."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if isinstance(call, gast.Call) and anno.get(call, Key.TARGET) is runtime.enter_context \
            and _given_varied(call, varied):
        raise source.error(
            "a with statement whose context manager is made from values that depend on the inputs: its "
            "__enter__ and __exit__ run as they are, and neither what they do with those values (store them in "
            "an object the body reads) nor the value the statement binds by 'as' carries their derivative; make "
            "the manager from constants, and bind such a value to a name before the with statement and use the "
            "name", stmt, construct="with")


def check_entered_managers(source, body, varied):
    """``check_entered_manager`` for each statement of ``body``, nested ones included:
    forward mode asks before it follows the calls that make the managers (contextlib's
    manager would be refused in the standard library, not at the user's line)."""
    for stmt in S.statements(body):
        check_entered_manager(source, stmt, varied)


def _given_varied(call, varied):
    """Whether an argument of ``call`` is (or holds) a name in ``varied``."""
    arguments = call.args + [keyword.value for keyword in call.keywords]
    return any(isinstance(node, gast.Name) and node.id in varied for a in arguments for node in S.operand_nodes(a))


def _outside_object(source, fn, name):
    """How to name the object of the user's class that ``name`` of the core tree ``fn``
    holds where it is a closure variable or a global of the function (``lambda v: f(v,
    box)``, ``f`` inlined binds ``box_1 = box``, a helper inlined in it ``b_2 = box_1``):
    "the closure variable box"; else None."""
    if fn is None:
        return None
    for _ in range(16):
        bindings = [stmt for stmt in S.statements(fn.body) if isinstance(stmt, gast.Assign)
                    and any(isinstance(t, gast.Name) and t.id == name for t in stmt.targets)]
        if len(bindings) != 1 or not isinstance(bindings[0].value, gast.Name):
            break
        name = bindings[0].value.id
    if bindings or name in parameters(fn):
        return None     # (an argument named as a global is the argument: it hides the global)
    whose = "closure variable" if name in source.closure else "global" if name in source.globals else None
    held = source.closure.get(name, source.globals.get(name))
    if whose is None or type(held).__module__ in ("builtins", "numpy") or not hasattr(held, "__dict__") \
            or isinstance(held, (types.ModuleType, type)) or callable(held):
        return None
    return f"the {whose} {name}"


def _item_of_argument(fn, owner, call, varied):
    """Whether the method ``call`` on the name ``owner`` of the core tree ``fn``, bound to
    an item or attribute of a parameter (not a parameter itself), is given a value that
    depends on the inputs differentiated (``varied``): ``t = tup[0]; t.scale(w)`` makes
    the result depend on ``w`` through ``tup[0].v``, which no flow of values shows."""
    if fn is None or owner.id in parameters(fn):
        return False
    return handed_varied(call, varied) and _from_parameter(fn, owner.id, items=True)


def handed_varied(call, varied):
    """Whether ``call`` is handed a name of ``varied`` itself as an argument (not only
    something computed from one: ``rs.randn(*w.shape)``)."""
    return any(isinstance(a, gast.Name) and a.id in varied for a in call.args + [k.value for k in call.keywords])


def _item_of_a_call_read_again(fn, owner, stmt, varied):
    """The statement binding the result of a call (``objs = mk()``) that the receiver
    ``owner`` of the method call ``stmt``, given a value depending on the inputs, is an
    item or attribute of (``t = objs[0]; t.step(w)``), where the function reads that
    result again otherwise than by taking items out of it or calling their methods for
    their effect (``objs[0].a`` after): the method may store ``w`` in the object, and no
    flow of values links it to that read, so the derivative would miss it. None where
    that is not so (``fig, ax = subplots(); ax.plot(w)``, ``ax`` read no more)."""
    call = stmt.value
    if fn is None or not handed_varied(call, varied) or owner.id in parameters(fn):
        return None
    root = _call_result_holding(fn, owner.id)
    # (direct bindings only: an item of the result put into a dict or set is followed there)
    held_directly = Holding(walk.walk_statements(fn.body))
    return root if root is not None and _read_again(
        held_directly, {DIRECT}, fn.body, root.targets[0].id, stmt, root) else None


def _read_again(holding, kinds, body, name, stmt, binding=None):
    """Whether ``body`` reads what ``name`` holds after ``stmt`` (or in a later turn of a
    loop holding it) otherwise than by binding a name to an item of it or calling a method
    of one for its effect: an item's own read (``t = objs[0]; a = t.a``) counts where its
    value is then used (``np.sum(a)``). ``binding``: the statement binding ``name``, not a
    read; ``holding``: the holding relation of ``body``, read by its edges of ``kinds``."""
    held = holding.read_out_of({name}, kinds) | {name}
    for other in run_after(body, stmt):
        if other is binding or _takes_out_or_calls_for_effect(other, held, holding.bindings(other, kinds)):
            continue
        if any(not S.loaded_names(node).isdisjoint(held) for node in S.header_nodes(other)):
            return True
    return False


def check_unknown_receivers(transform, body, varied):
    """Before each method call of no rule (one astgrad did not follow: the receiver's class
    was not known) given a value of ``varied``, on an object read out of a list, dict or
    object the function builds that the function reads again after the call (``held =
    d["a"]; held[0].up(w)``, then ``d["a"][0].W``), a call of
    ``runtime.check_receiver_class``: where the object turns out to be of the user's own
    class, the method may store the value in it, where no flow of values shows it, so the
    call is refused when it runs (unknown_receivers.py); a library's object passes."""
    params, holding, checks = set(parameters(transform.fn)), None, {}
    for stmt in walk.walk_statements(body):
        call = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
        method = anno.get(call, Key.METHOD) if isinstance(call, gast.Call) else None
        if method is None or not isinstance(call.func.value, gast.Name) or call.func.value.id in params \
                or is_mutating_method(method) or registry.methods_named(method) or not handed_varied(call, varied):
            continue
        # (computed once, at the first such call: the checks go in after the walk)
        holding = holding or Holding(walk.walk_statements(body), gast.Module(body=body, type_ignores=[]))
        sources = holding.sources()
        holders = {current for current, stepped in traced_back(sources, call.func.value.id, holder_names)
                   if stepped and current in sources and current not in params}
        if any(_read_again(holding, EVERY_HOLDING, body, holder, stmt) for holder in holders):
            where = transform.source.place(stmt)
            check = transform.helper_call("check_receiver_class", [S.copy(call.func.value), S.const(method),
                                                                   S.const(where)])
            checks[id(stmt)] = gast.copy_location(gast.Expr(value=check), stmt)
    if checks:
        _put_checks_before(body, checks)


def run_after(body, stmt):
    """The statements of ``body`` (nested ones included) that may run after ``stmt``: those
    after it in source order, or, where it is inside a loop, those of the outermost loop
    holding it too (a later turn)."""
    statements = list(walk.walk_statements(body))
    for loop in statements:
        if isinstance(loop, (gast.For, gast.While)) and any(inner is stmt for inner in walk.walk_statements([loop])):
            start = next(i for i, other in enumerate(statements) if other is loop)
            return [other for other in statements[start:] if other is not stmt]
    after = next(i for i, other in enumerate(statements) if other is stmt) + 1
    return statements[after:]


def _call_result_holding(fn, name):
    """The assignment ``r = call(...)`` (``call`` building what it returns, not handing
    on its arguments' items) whose result ``name`` of the core tree ``fn`` is an item or
    attribute of, however deep (through copies of names and list or tuple displays, not a
    dict or list stored into: ``Holding.sources``), or None."""
    sources, bindings = Holding(tree=fn).sources({BOUND, APPENDED}), {}
    for node in walk.walk_statements(fn.body):
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name):
            bindings.setdefault(node.targets[0].id, node)
    for current, stepped in traced_back(sources, name, holder_names):
        binding = bindings.get(current)
        if stepped and binding is not None and isinstance(binding.value, gast.Call) \
                and not passes_items_on(binding.value):
            return binding
    return None


def holder_names(value):
    """The names whose objects ``value`` reads out of or hands on (``objs`` in ``objs[i]``,
    ``m.layer``, ``[a, b]``, ``list(objs)``, ``d.values()``), not its indices (``i``)."""
    if isinstance(value, gast.Name):
        return [value.id]
    if isinstance(value, (gast.Subscript, gast.Attribute, gast.Starred)):
        return holder_names(value.value)
    if isinstance(value, (gast.List, gast.Tuple, gast.Set)):
        return [name for item in value.elts for name in holder_names(item)]
    if isinstance(value, gast.Dict):
        return [name for item in value.values for name in holder_names(item)]
    if isinstance(value, gast.Call) and passes_items_on(value):       # not what a call builds
        handed = value.args + ([value.func.value] if anno.get(value, Key.METHOD) is not None else [])
        return [name for item in handed for name in holder_names(item)]
    return []


def _takes_out_or_calls_for_effect(stmt, held, bindings):
    """Whether ``stmt`` only binds a name of ``held`` to what another holds (``t =
    objs[0]``, ``a = t.a``; ``bindings``: its holding edges) or calls a method of one for
    its effect (``t.step(w)``)."""
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
            and isinstance(stmt.value.func, gast.Attribute) and isinstance(stmt.value.func.value, gast.Name):
        return stmt.value.func.value.id in held
    return any(target in held for target, _ in bindings)


def check_deques(source, body, active):
    """A ``collections.deque`` holding differentiated values that the normalizer left as
    it is (frontend/normalize/deques.py lowers one changed only by its own methods) is
    refused: derivatives follow lists, tuples and dicts. Refused where the deque's own name carries a derivative or
    an assignment carrying one reads it (``d = {"q": deque()}``)."""
    deques = {}
    for stmt in walk.walk_statements(body):
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
            continue
        name = stmt.targets[0].id
        if isinstance(stmt.value, gast.Call) and anno.get(stmt.value, Key.TARGET) is collections.deque:
            deques[name] = stmt
        read = [deques[n] for n in S.names_in(stmt.value) if n in deques] if deques else []
        if name in active and (name in deques or read):
            raise _deque_refusal(source, deques.get(name) or read[0], "holds a differentiated value")


def _deque_refusal(source, made, what):
    """The error for the deque ``made`` makes, which ``what`` (and so is not followed)."""
    return source.error(
        f"a collections.deque {what} here, which astgrad follows only in a name the function "
        "binds once to deque(...) (maxlen a number written there), changed by its append, "
        "appendleft, extend, pop, popleft and clear in statements of their own, and read by sum, "
        "len, indexing or a loop; use it that way, or use a list instead (xs.append(v), "
        "xs.pop(), xs[-1], xs = xs[1:] for popleft)", made, construct="collections.deque")


def _deque_made(body, name):
    """The statement binding ``name`` to a new collections.deque, or None."""
    for stmt in walk.walk_statements(body):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == name \
                and isinstance(stmt.value, gast.Call) and anno.get(stmt.value, Key.TARGET) is collections.deque:
            return stmt
    return None


_DICT_MAKERS = (dict, collections.OrderedDict, collections.defaultdict)


def check_dict_keys(transform, body, varied):
    """Before each statement giving a dict a key that depends on the inputs (``{k: v}``,
    ``d[k] = v`` with ``k`` in ``varied``), a call of ``runtime.plain_keys``, which
    refuses a float key: derivatives follow a dict's values, never its keys, so a float
    key read back (``list(d)``, ``max(d)``) would silently carry none. (A name is varied
    by what it was computed from: ``k`` of ``for k, v in (("a", w),)`` is a string.)"""
    dicts = set()
    checks = {}
    for stmt in walk.walk_statements(body):
        if not isinstance(stmt, gast.Assign):
            continue
        target, value = stmt.targets[0], stmt.value
        keys = []
        if isinstance(target, gast.Name) and isinstance(value, gast.Dict):
            dicts.add(target.id)
            keys = [k for k in value.keys if k is not None]
        elif isinstance(target, gast.Name) and isinstance(value, gast.Call) \
                and anno.get(value, Key.TARGET, None) in _DICT_MAKERS:
            dicts.add(target.id)
        elif isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name) and target.value.id in dicts:
            keys = [target.slice]
        keys = [k.id for k in keys if isinstance(k, gast.Name) and k.id in varied]
        if keys:
            where = transform.source.place(stmt)
            call = transform.helper_call("plain_keys", [S.name(k) for k in keys] + [S.const(where)])
            checks[id(stmt)] = gast.copy_location(gast.Expr(value=call), stmt)
    if checks:
        _put_checks_before(body, checks)


def _put_checks_before(block, checks):
    """Insert ``checks[id(stmt)]`` before each such statement of ``block``, nested ones too."""
    block[:] = [made for stmt in block for made in ([checks[id(stmt)]] if id(stmt) in checks else []) + [stmt]]
    for stmt in block:
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(stmt, field, None), list):
                _put_checks_before(getattr(stmt, field), checks)
        for handler in getattr(stmt, "handlers", ()):
            _put_checks_before(handler.body, checks)
