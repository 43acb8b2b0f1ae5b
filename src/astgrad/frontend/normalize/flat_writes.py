"""NumPy's writes into chosen elements of an array seen flat, lowered to the element
write each one is:

- ``numpy.put(y, ind, v, mode=...)`` and ``y.put(ind, v, mode=...)``;
- ``numpy.place(y, mask, vals)``;
- ``numpy.putmask(y, mask, values)``.

Each is::

    marks = put_marks("put", y, ind, v, mode)      # where each element's value comes from
    y[marks >= 0] = numpy.take(v, marks[marks >= 0])    # v seen flat

``runtime.put_marks`` runs NumPy's own function on an int array shaped like ``y``, so
which elements are written, which value each takes (``v`` cycled as NumPy cycles it; the
last of repeated indices winning), the modes and the errors are NumPy's. The write is
then followed as any element write: on a local array, on the copy of an argument the
generated code works on (arguments.py asks ``flat_written`` which name a call writes),
and on a view (``numpy.put(y[1:], ...)``, which view_outputs.py writes into a copy stored
back). Into anything that is not a name (``numpy.put(p.W, ...)``) it is refused, and so
is ``numpy.place`` given values sharing the memory of the array it writes into, which
NumPy places one by one, reading values it has already replaced (``check_place_values``).
``numpy.put`` and ``numpy.putmask`` copy such values first, as ``numpy.take`` does here."""

import gast
import numpy

from ... import runtime
from ...core import anno
from ...core import syntax as S
from ...core.anno import Key

# each function's kind (put_marks's name for it) and parameters, in order
_FUNCTIONS = {numpy.put: ("put", ("a", "ind", "v", "mode")), numpy.place: ("place", ("arr", "mask", "vals")),
              numpy.putmask: ("putmask", ("a", "mask", "values"))}
_METHOD_PARAMETERS = ("ind", "v", "mode")       # ndarray.put(indices, values, mode)


def is_flat_write(target):
    """Whether ``target`` (what a call resolves to) is one of the functions above."""
    return any(target is function for function in _FUNCTIONS)


def flat_written(call, resolve_call):
    """The name ``call`` (of the source) writes into as one of the writes above, or None."""
    if is_flat_write(resolve_call(call)):
        array = call.args[0] if call.args else None
        return array.id if isinstance(array, gast.Name) else None
    func = call.func
    if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) and _method_arguments(call):
        return func.value.id
    return None


def _method_arguments(call):
    """``{parameter: value}`` of ``y.put(ind, v, mode=...)`` as NumPy's method takes them,
    or None where ``call`` is not written so (left to the receiver's class)."""
    if call.func.attr != "put" or len(call.args) > 3:
        return None
    arguments = dict(zip(_METHOD_PARAMETERS, call.args))
    for keyword in call.keywords:
        if keyword.arg not in _METHOD_PARAMETERS or keyword.arg in arguments:
            return None
        arguments[keyword.arg] = keyword.value
    return arguments if {"ind", "v"} <= set(arguments) else None


class FlatWriteLowering:
    """Normalizer method for ``numpy.put``, ``y.put``, ``numpy.place`` and ``numpy.putmask``."""

    def flat_write(self, call, written):
        """``call`` (normalized from the source's call ``written``) as the element write it
        makes, where it is one of the forms above on a local name (an argument's is its
        copy by now). Whether it was one."""
        target = anno.get(call, Key.TARGET)
        if is_flat_write(target):
            kind, names = _FUNCTIONS[target]
            arguments = self._flat_write_arguments(kind, names, call, written)
            self._refuse_unnamed(written.args[0] if written.args else None, f"numpy.{kind} into", written)
            array, method = arguments.pop(names[0]), None
        elif anno.get(call, Key.METHOD) == "put" and isinstance(call.func, gast.Attribute) \
                and isinstance(call.func.value, gast.Name) and _method_arguments(call) is not None:
            kind, names, arguments = "put", ("a",) + _METHOD_PARAMETERS, _method_arguments(call)
            array, method = call.func.value, "put"
        else:
            return False
        if not self._owned(array.id):
            return False
        where, values = arguments[names[1]], arguments[names[2]]
        mode = arguments.get("mode", S.const("raise"))
        self._check_array_method(array.id, method, written)     # (y.put matched by name) before put_marks reads y
        if kind == "place":         # the array itself, where view_outputs.py wrote into a copy of its view
            written_into = getattr(self, "view_copies", {}).get(array.id, S.name(array.id))
            self.emit(S.expr_stmt(self.runtime_call(runtime.check_place_values, [
                values, S.copy(written_into), S.const(self.source.place(written))])))
        marks = self.fresh_assign(self.runtime_call(runtime.put_marks, [
            S.const(kind), S.name(array.id), where, values, mode]), "marks")
        chosen = self.fresh_assign(gast.Compare(left=S.name(marks), ops=[gast.GtE()], comparators=[S.const(0)]),
                                   "chosen")
        sources = self.fresh_assign(gast.Subscript(value=S.name(marks), slice=S.name(chosen), ctx=gast.Load()),
                                    "sources")
        picked = self.fresh_assign(self.runtime_call(numpy.take, [values, S.name(sources)]), "picked")   # a copy
        return self._element_write(array.id, None, S.name(chosen), S.name(picked), written)

    def _flat_write_arguments(self, kind, names, call, written):
        """``{parameter: value}`` of the call of ``numpy.<kind>``; refused where NumPy
        would not take them."""
        arguments = dict(zip(names, call.args))
        for keyword in call.keywords:
            arguments.setdefault(keyword.arg, keyword.value)
        if len(call.args) > len(names) or set(arguments) - set(names) or not set(names[:3]) <= set(arguments) \
                or len(arguments) != len(call.args) + len(call.keywords):
            raise self._refuse(f"numpy.{kind} with these arguments", written,
                               f"write numpy.{kind}({', '.join(names)}) as NumPy takes them")
        return arguments
