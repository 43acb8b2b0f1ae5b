"""NumPy's whole-array writes in place, lowered to the element write each one is:

- ``y.sort(axis=..., kind=..., stable=...)``: ``y[...] = numpy.sort(y, ...)``;
- ``y.fill(v)``: ``y[...] = v``; ``y[i].fill(v)`` (a slice, an index: NumPy's view of ``y``):
  ``y[i] = v``, after ``check_fill_view``, when the code runs, that ``y[i]`` is a view of
  ``y`` (a scalar's ``fill`` or a copy's, of an index array, would change nothing in ``y``);
- ``numpy.copyto(y, x)``: ``y[...] = x`` (broadcast as NumPy broadcasts it), and with
  ``where=m``: ``y[...] = numpy.where(m, x, y)``, ``y`` keeping its value where ``m`` is False;
  first, unless ``casting="unsafe"``, ``check_copy_cast`` raises where NumPy refuses the cast.
- ``numpy.nan_to_num(y, copy=False, ...)`` on an array the function made:
  ``y[...] = numpy.nan_to_num(y, ...)``, its value ``y`` (the array NumPy wrote and returns).

So each is followed as any write into an array is: through the names and views sharing
it, or refused where one would show the change unseen; on an argument, on the copy the
generated code works on (arguments.py asks ``written_array`` which name a call writes).
The methods are matched by name, so a check when the code runs that ``y`` is a NumPy
array comes first (``check_array_method``)."""

import gast
import numpy

from ... import runtime
from ...core import anno
from ...core import syntax as S
from ...core.anno import Key
from .flat_writes import flat_written
from .scopes import parameters

# ndarray.sort's options that only choose the algorithm or the axis (order= sorts records)
_SORT_OPTIONS = ("axis", "kind", "stable")
# numpy.copyto's castings that let a float array take a float array's values
_COPY_CASTINGS = ("same_kind", "unsafe")


def written_array(call, resolve_call):
    """The name the call ``call`` (of the source) writes into whole as one of the writes
    above, or None. ``resolve_call``: the normalizer's, telling ``numpy.copyto``."""
    func = call.func
    destination = _copyto_destination(call)
    if isinstance(destination, gast.Name) and resolve_call(call) is numpy.copyto:
        return destination.id
    if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) \
            and (_sort_form(call) or _fill_value(call) is not None):
        return func.value.id
    if isinstance(func, gast.Attribute) and _fill_value(call) is not None \
            and isinstance(func.value, gast.Subscript) and isinstance(func.value.value, gast.Name):
        return func.value.value.id      # y[2:].fill(v)
    return flat_written(call, resolve_call)        # numpy.put(y, ...), y.put(...), numpy.place, numpy.putmask


def _copyto_destination(call):
    """The array ``numpy.copyto(dst, ...)`` (``call``, if it is one) writes into: its
    first argument, or ``dst=``; None where it has neither."""
    return call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "dst"), None)


def _sort_form(call):
    """Whether ``call`` is ``y.sort()`` as NumPy's: its one positional argument, if any, a
    written axis (``y.sort(0)``); ``cell.sort(w)`` is left to wait for the receiver's class
    (a method of the user's named ``sort``)."""
    axis = call.args[0] if call.args else None
    written_axis = axis is None or isinstance(axis, gast.Constant) and type(axis.value) is int \
        or isinstance(axis, gast.UnaryOp) and isinstance(axis.operand, gast.Constant)
    return call.func.attr == "sort" and len(call.args) <= 1 and written_axis \
        and all(k.arg in _SORT_OPTIONS for k in call.keywords)


def is_sort_form(call):
    """``_sort_form`` for another stage (modes/common.py), which asks about a core-form call."""
    return isinstance(call.func, gast.Attribute) and _sort_form(call)


def _fill_value(call):
    """The value of ``y.fill(v)`` (which takes no keyword), or None."""
    return call.args[0] if call.func.attr == "fill" and len(call.args) == 1 and not call.keywords else None


class ArrayWriteLowering:
    """Normalizer method for ``y.sort()``, ``y.fill(v)`` and ``numpy.copyto(y, x)``."""

    def array_write(self, call, written):
        """``call`` (normalized from the source's call ``written``, a statement of its own
        or a value, ``done = y.fill(v)``) as the element write it makes, where it is one of
        the module's forms on a local name that no other lowering took (not a parameter,
        not a list the function made, not an object of a class of yours). Whether it was one."""
        func = call.func
        if anno.get(call, Key.TARGET) is numpy.copyto:
            destination = _copyto_destination(written)
            self._refuse_unnamed(destination, "numpy.copyto into", written)
            return self._owned(destination.id) and self._copyto(call, written, destination.id)
        if anno.get(call, Key.METHOD) is None or not isinstance(func, gast.Attribute):
            return False
        if _fill_value(call) is not None and isinstance(written.func.value, gast.Subscript):
            return self._fill_part(call, written)
        if _fill_value(call) is not None:
            self._refuse_unnamed(written.func.value, ".fill() on", written)
        if not (isinstance(func.value, gast.Name) and self._owned(func.value.id)):
            return False
        value = _fill_value(call)
        if value is not None:
            return self._whole_write(func.value.id, "fill", value, written)
        if not _sort_form(call):
            return False
        ordered = gast.Call(func=S.name(self.bind(numpy.sort)), args=[S.name(func.value.id)] + call.args,
                            keywords=call.keywords)
        return self._whole_write(func.value.id, "sort", ordered, written)

    def _fill_part(self, call, written):
        """``y[i].fill(v)`` (``call``, normalized from ``written``: ``t.fill(v)`` after
        ``t = y[i]``) as ``y[i] = v``, after a check when the code runs that ``y`` is an
        array and ``t`` a view of it; refused where ``y`` is not a local array name."""
        part = self._bound_subscript(call.func.value)
        if part is None or not self._owned(part.value.id):
            self._refuse_unnamed(written.func.value, ".fill() on", written)
        owner = part.value.id
        check = self.runtime_call(runtime.check_fill_view,
                                  [S.name(call.func.value.id), S.name(owner),
                                   S.const(gast.unparse(written.func.value).strip()),
                                   S.const(self.source.place(written))])
        self.statement(gast.copy_location(S.expr_stmt(check), written))
        return self._element_write(owner, None, S.copy(part.slice), _fill_value(call), written)

    def _bound_subscript(self, receiver):
        """The subscript ``y[i]`` of a name that the statements just emitted bind to
        ``receiver`` (a name; those after it compute the value filled in, binding no ``y``
        anew), or None."""
        if not isinstance(receiver, gast.Name):
            return None
        for at in range(len(self.out) - 1, -1, -1):
            bound = self.out[at]
            if isinstance(bound, gast.Assign) and len(bound.targets) == 1 \
                    and isinstance(bound.targets[0], gast.Name) and bound.targets[0].id == receiver.id:
                part = bound.value
                if not (isinstance(part, gast.Subscript) and isinstance(part.value, gast.Name)):
                    return None
                later = {n.id for stmt in self.out[at + 1:] for n in gast.walk(stmt)
                         if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
                return part if part.value.id not in later else None
        return None

    def nan_to_num_in_place(self, call, written):
        """``numpy.nan_to_num(y, copy=False, ...)`` (``call``, normalized from ``written``)
        on an array the function made, as the write it makes: ``y``, which it returns.
        None for any other call (one that copies, or writes into an argument: refused)."""
        if anno.get(call, Key.TARGET) is not numpy.nan_to_num:
            return None
        options = dict(zip(("x", "copy", "nan", "posinf", "neginf"), call.args))
        options.update((k.arg, k.value) for k in call.keywords)
        copy, array = options.pop("copy", None), options.pop("x", None)
        if not (isinstance(copy, gast.Constant) and copy.value is False and isinstance(array, gast.Name)
                and self._owned(array.id)):
            return None
        replaced = self.runtime_call(numpy.nan_to_num, [S.name(array.id)])
        replaced.keywords = [gast.keyword(arg=name, value=value) for name, value in options.items()]
        self._whole_write(array.id, None, S.name(self.fresh_assign(replaced, "t")), written)
        return S.name(array.id)

    def _copyto(self, call, written, owner):
        """``numpy.copyto(y, x, casting=..., where=m)``, its arguments read as NumPy reads them."""
        options = dict(zip(("dst", "src", "casting", "where"), call.args))
        options.update((k.arg, k.value) for k in call.keywords)
        casting = options.get("casting", S.const("same_kind"))
        if set(options) - {"dst", "src", "casting", "where"} or "src" not in options or len(call.args) > 4:
            raise self._refuse("numpy.copyto with these arguments", written,
                               "write numpy.copyto(y, x) or numpy.copyto(y, x, where=mask)")
        if not (isinstance(casting, gast.Constant) and casting.value in _COPY_CASTINGS):
            raise self._refuse("numpy.copyto with a casting other than 'same_kind' or 'unsafe'", written,
                               "leave casting= out, or write y[...] = x")
        value = options["src"]
        if casting.value != "unsafe":       # NumPy's error where it refuses the cast: y[...] = x would not
            check = self.runtime_call(runtime.check_copy_cast, [S.name(owner), value, casting])
            self.emit(gast.copy_location(S.expr_stmt(check), written))
        mask = options.get("where")
        if mask is not None and not (isinstance(mask, gast.Constant) and mask.value is True):
            value = self.fresh_assign(self.runtime_call(numpy.where, [mask, value, S.name(owner)]), "t")
            value = S.name(value)
        return self._whole_write(owner, None, value, written)

    def _refuse_unnamed(self, array, what, written):
        """Refused, naming what the user wrote, where ``array`` (the array written) is not
        a name (``numpy.copyto(p.W, x)``, ``xs[0].fill(0.0)``): nothing is followed there."""
        if isinstance(array, gast.Name):
            return
        shown = gast.unparse(array).strip() if array is not None else "nothing"
        raise self._refuse(f"{what} {shown}, which is not a name", written,
                           "astgrad follows it on a name (an array the function made or an argument); "
                           "write the new value with an assignment instead (p.W = x, y[:2] = x)")

    def _owned(self, name):
        """Whether ``name`` is a local name and not a parameter (whose array is the
        caller's: arguments.py renames one written into to its copy)."""
        return name in self.locals and name not in parameters(self.source.tree)

    def _whole_write(self, owner, method, value, written):
        """``check_array_method(owner, method, where)`` (for a method) and ``owner[...] =
        value`` as statements. True."""
        return self._element_write(owner, method, gast.Constant(value=Ellipsis, kind=None), value, written)

    def _element_write(self, owner, method, index, value, written):
        """``check_array_method(owner, method, where)`` (for a method) and ``owner[index] =
        value`` as statements (flat_writes.py too). True."""
        self._check_array_method(owner, method, written)
        write = S.assign(gast.Subscript(value=S.name(owner), slice=index, ctx=gast.Store()), value)
        self.statement(gast.copy_location(write, written))
        return True

    def _check_array_method(self, owner, method, written):
        """``check_array_method(owner, method, where)`` as a statement, for a method."""
        if method is not None:
            where = S.const(self.source.place(written))
            check = gast.Call(func=S.name(self.bind(runtime.check_array_method)),
                              args=[S.name(owner), S.const(method), where], keywords=[])
            self.statement(gast.copy_location(S.expr_stmt(check), written))
