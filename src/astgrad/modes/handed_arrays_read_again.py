"""The refusal of a method call on an object a call without a rule returned (a function or
class of the user's, or an item of what it returned) that was handed an array the function
reads again (``a = mk(buf); a.bump(0, c); np.sum(buf)``): the object may hold that very
array and its method write into it in place, which no flow of values shows.

common.py calls ``refuse_handed_array_changed`` for each such method call; this module reads
common.py's helpers of holding and order, so common.py imports it when first called."""

import gast

from .. import runtime_objects
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from ..rules import registry
from .common import handed_varied, holder_names, parameters, run_after, traced_back, written_on_the_line
from .holding import APPENDED, BOUND, Holding, passes_items_on


def refuse_handed_array_changed(source, fn, owner, stmt, varied):
    """Refuse the method call ``stmt`` on ``owner``, an object a call of a function of the
    user's returned (or an item of one) that was handed an array the function reads
    elsewhere (``_handed_array_read_again``), at the user's line."""
    found = _handed_array_read_again(fn, owner, stmt, varied)
    if found is None:
        return
    binding, handed, read = found
    method = anno.get(stmt.value, Key.METHOD)
    from .read_again_messages import handed_array_message
    name = handed if written_on_the_line(source, binding, handed) else None
    message = handed_array_message(source, method, binding, anno.get(binding.value, Key.TARGET), name, read)
    raise source.error(message, stmt, construct=f".{method}()")


def _handed_array_read_again(fn, owner, stmt, varied):
    """(the binding ``r = helper(..., buf, ...)``, ``buf``, the statement reading it again)
    where the receiver ``owner`` of the method call ``stmt`` is what a call of no rule
    returned (a function of the user's, whatever its body: ``def mk(b): o = Acc(b);
    return o``), or an item of it, and that call was handed ``buf`` (or a view, an item, a
    list of it), which the function reads (or a name ``buf`` was taken from), after
    ``stmt`` or before it (which the reverse sweep reads again after): the returned
    object may hold that very array, and its method may write into it in place
    (``self.data[k] *= c``), which no flow of values shows. Only where the array or the
    method's arguments depend on the inputs (``varied``); else None."""
    if fn is None or owner.id in parameters(fn):
        return None
    bindings = {}       # (every binding of a name: a = None; a = mk(buf))
    for node in walk.walk_statements(fn.body):
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name):
            bindings.setdefault(node.targets[0].id, []).append(node)
    if not any(_hands_to_no_rule(node.value) for nodes in bindings.values() for node in nodes):
        return None         # (the cheap first look: no call of no rule is handed anything)
    sources = Holding(tree=fn).sources({BOUND, APPENDED})
    local = set(bindings) | set(parameters(fn))
    given = handed_varied(stmt.value, varied) or any(
        isinstance(n, gast.Name) and n.id in varied for a in stmt.value.args + [k.value for k in stmt.value.keywords]
        for n in S.walk_nodes(a))
    # (a read before the method counts too: the reverse sweep reads it again after)
    after = run_after(fn.body, stmt)
    later = {id(other) for other in after}
    reads = after + [other for other in walk.walk_statements(fn.body) if other is not stmt and id(other) not in later]
    found = (binding for current, _ in traced_back(sources, owner.id, holder_names)
             for binding in bindings.get(current, ()))
    for binding in found:
        target = anno.get(binding.value, Key.TARGET)
        if not isinstance(binding.value, gast.Call) or passes_items_on(binding.value) \
                or target is not None and registry.primitive(target) is not None:
            continue        # (what a rule's call gives is known: an object built here is followed)
        call = binding.value
        for argument in call.args + [k.value for k in call.keywords]:
            for handed in holder_names(argument):
                # the array itself, and each name it was taken from (c = buf; v = buf[:2];
                # h = Holder(buf), whose attribute the helper may hand on)
                family = {name for name, _ in traced_back(sources, handed, _held_names)} & local
                if not (given or family & varied):
                    continue
                for other in reads:
                    if other is not binding and any(not S.loaded_names(node).isdisjoint(family)
                                                    for node in S.header_nodes(other)):
                        return binding, handed, other
    return None


def _hands_to_no_rule(value):
    """Whether ``value`` is a call of no rule handed an argument."""
    if not isinstance(value, gast.Call) or not (value.args or value.keywords):
        return False
    target = anno.get(value, Key.TARGET)
    return target is None or registry.primitive(target) is None


def _held_names(value):
    """``holder_names``, and for a call of no rule (a class or function of the user's,
    whose object may keep what it is given: ``Holder(buf)``) the names its arguments hand."""
    names = holder_names(value)
    target = anno.get(value, Key.TARGET) if isinstance(value, gast.Call) else None
    if isinstance(value, gast.Call) and (target is None or target is runtime_objects.instance
                                         or registry.primitive(target) is None):
        names = names + [name for a in value.args + [k.value for k in value.keywords] for name in holder_names(a)]
    return names
