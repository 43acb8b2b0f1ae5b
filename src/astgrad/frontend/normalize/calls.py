"""Calls: what a call's function refers to (a global path, a method, a helper this
stage bound), calls that write into an argument (``out=``, ``ufunc.at``), which become
ordinary in-place assignments, and NumPy functions differentiated as their Python form
(library_forms.py; nested astgrad transforms are in nested.py)."""

import builtins
import inspect
import warnings

import gast
import numpy

from ... import runtime
from ...analysis.mutation import is_ufunc_at, positional_out, positional_parameters
from ...core.first_use import imported_when_called
from ...core import anno
from ...core import syntax as S
from ...core.anno import Key
from ...core.missing import MISSING
from ...core.functions import is_transform_object
from ...core.ops import is_user_function
from ...errors import unresolved
from ...rules.registry import is_astgrad_transform
from ...user_warnings import warn
from ..varargs import call_shape, has_varargs, specialize
from .call_chain import lowered_call
from .cached_calls import hashed_arguments, is_cached_helper, uncached
from .gradient_calls import per_axis_gradient
from .unknown_class_hooks import CONVERTED, check_hooks_when_run
from .hooked_reads import FORMATTING, LENGTH, REPRESENTATION, STRING, TRUTH, refuse_writing_call, refuse_writing_hook
from .truth_checks import check_length_when_run, check_truth_when_run
from .refusals import _Line
from .view_outputs import refuse_outside_output
from .null_outputs import without_null_out

# modules only some functions need, loaded with the first call of these (core/first_use.py)
object_holders = imported_when_called(__package__ + ".source_bindings", "object_holders")
ufunc_at_loop = imported_when_called(__package__ + ".ufunc_at_loops", "ufunc_at_loop")
# helpers keeping state in a list or dict they are given (handed_state.py, with ..threaded and ..memo_tables)
lowered_threaded_call = imported_when_called(__package__ + ".handed_state", "lowered_threaded_call")
lowered_table_call = imported_when_called(__package__ + ".handed_state", "lowered_table_call")
fold_display_receiver = imported_when_called(__package__ + ".display_receivers", "fold_display_receiver")


class CallLowering:
    """Normalizer methods for calls."""

    def resolve_call(self, node):
        """The object a call's function refers to, if it is a free (global) name path.
        The passes over a call each ask (about ten times a call): the source resolves
        each path once per generation (``source.resolve_path``'s memo)."""
        if not isinstance(node, gast.Call):
            return None
        path = S.dotted_path(node.func)
        if path is None or path[0] in self.locals:
            return None
        obj = self.source.resolve_path(path)
        return None if obj is MISSING else obj

    def threaded_call(self, node):
        return lowered_threaded_call(self, node)

    def table_call(self, node):
        return lowered_table_call(self, node)

    def lowered_call(self, node):
        """The call lowered by the first of the constructs it may be, or None."""
        return lowered_call(self, node)        # call_chain.py

    def expr_Call(self, node):
        if isinstance(node.func, gast.Attribute) and isinstance(node.func.value, gast.Subscript) \
                and isinstance(node.func.value.value, (gast.Tuple, gast.List, gast.Dict)):
            node = fold_display_receiver(node)      # (module,)[0].helper(x): display_receivers.py
        self.refuse_current_exception(node)         # trying.py
        refuse_writing_call(self, node)       # hash(v), any([v]): hooked_reads.py
        called = transform_called(self, node)
        if called is not None:
            nested = self.nested_transform(node, *called)       # nested.py, loaded by the first
            if nested is not None:
                return nested
        partial = self.partial_call(node)
        if partial is not None:
            return self.expr_Call(partial)
        lowered = self.lowered_call(node)
        if lowered is not None:
            return lowered
        method = self.method_call(node)
        if method is not None:
            return method
        lowered = self.container_call(node)
        if lowered is not None:
            return lowered
        if any(isinstance(arg, gast.Starred) for arg in node.args) or any(kw.arg is None for kw in node.keywords):
            node = self.spread_arguments(node)
            if not isinstance(node, gast.Call):
                return node                     # zip(*xs), lowered
            lowered = self.container_call(node)
            if lowered is not None:
                return lowered
        node, new_func, result_target, method = self._callee(node)
        node = without_null_out(node, result_target)       # numpy.std(x, 0, None, None, 1): null_outputs.py
        self._refuse_writing_hooks(node, method, result_target)
        rewritten = _rewritten_call(node, result_target) or per_axis_gradient(self, node, result_target)
        if rewritten is not None:
            return self.expr(rewritten)
        node.args = self.ufunc_operands(node.args, result_target)
        args = [a if isinstance(a, gast.Starred) else self.atom(a) for a in node.args]     # *shape
        if args and _hashable(result_target) in CONVERTED:     # float(b) running B.__float__: unknown_class_hooks.py
            check_hooks_when_run(self, node.args[0], args[0], CONVERTED[result_target], node)
        if result_target is builtins.bool and len(args) == 1 and not node.keywords:
            check_truth_when_run(self, node.args[0], args[0], node, "bool()")     # of a class not known: truth_checks.py
        elif result_target is builtins.len and len(args) == 1 and not node.keywords:
            check_length_when_run(self, node.args[0], args[0], node)     # of a class not known: truth_checks.py
        keywords = [gast.keyword(arg=kw.arg, value=self.atom(kw.value)) for kw in node.keywords]
        call = gast.Call(func=new_func, args=args, keywords=keywords)
        anno.set(call, Key.TARGET, result_target)
        anno.set(call, Key.METHOD, method)
        if is_transform_object(result_target):
            return self.as_returned(call, result_target)       # nested.py
        return self.writing_call(call, node, result_target)

    def _callee(self, node):
        """``(node, func, target, method)``: the call ``node`` (as a global callee's lowering
        may rewrite it), the function expression the lowered call calls, the object it
        calls where known and the method's name where it calls one."""
        func = node.func
        path = S.dotted_path(func)
        if isinstance(func, gast.Name) and func.id in self.bindings:
            return node, S.copy(func), self.bindings[func.id], None     # a helper this stage bound (patterns.py)
        if path is not None and path[0] not in self.locals:
            node, new_func, result_target = self.global_callee(node, path)
            return node, new_func, result_target, None
        if isinstance(func, gast.Attribute):
            owner = self.atom(func.value, hint="t")
            self.check_list_method(func, owner)
            return node, gast.Attribute(value=owner, attr=func.attr, ctx=gast.Load()), None, func.attr
        if isinstance(func, gast.Name):
            return node, S.name(func.id), None, None
        return node, self.atom(func, hint="fn"), None, None

    def _refuse_writing_hooks(self, node, method, result_target):
        """Refuse the call ``node`` where it runs a hook of an object of the user's that may
        write: ``"{}".format(v)`` its ``__format__``, ``len(v)``, ``str(v)``, ``print(v)``."""
        func = node.func
        if method == "format" and isinstance(func.value, gast.Constant) and isinstance(func.value.value, str):
            for arg in node.args + [kw.value for kw in node.keywords]:     # "{}".format(v) runs v's __format__
                refuse_writing_hook(self, arg, FORMATTING[-1], node, "str.format()")
        if result_target in _HOOKED:        # len(v), str(v), print(v) on an object: its own code runs
            for arg in node.args[:None if result_target is builtins.print else 1]:
                refuse_writing_hook(self, arg, _HOOKED[result_target], node, f"{result_target.__name__}()")

    def check_list_method(self, func, owner):
        """Before ``log.append(v)`` (``func``, ``owner`` the atom ``log`` reads), which is
        differentiated as a list's method, a run-time check that ``log``'s class has no
        ``append`` of its own, where ``log`` may hold an object whose class is not known."""
        if func.attr in _LIST_METHODS and not self.inlining and self.layout(func.value) is None \
                and self._may_hold_an_object(func.value):
            self.emit(S.expr_stmt(self.runtime_call(runtime.check_container_method, [
                S.copy(owner), S.const(func.attr), S.const(self.where())])))

    def _may_hold_an_object(self, node):
        """Whether ``node`` is a name that may hold an object of a user class
        (source_bindings.py: found once per function)."""
        return isinstance(node, gast.Name) and node.id in object_holders(self)

    def writing_call(self, call, node, target):
        """``call`` itself, or the in-place assignment of a call that writes into an argument."""
        if target is not None and is_ufunc_at(target):
            return self.ufunc_at(call, node)
        if target is not None and _is_put_along_axis(target):
            return self.put_along_axis(call, node)
        if target is not None and _is_fill_diagonal(target):
            return self.fill_diagonal(node)
        if _method_out_position(call, node) is not None:
            method = anno.get(call, Key.METHOD)
            raise self._refuse(f"the array method .{method}(...) given its out by position", node,
                               f"give it by keyword: .{method}(..., out=y), or use the return value")
        if _writes_to_out(node, target):
            return self.write_to_out(call, node)
        replaced = self.nan_to_num_in_place(call, node)       # array_writes.py
        if replaced is not None:
            return replaced
        if anno.get(call, Key.METHOD) == "sort" and self.list_sort(call) or self.array_write(call, node) \
                or self.flat_write(call, node):
            return S.const(None)    # r = xs.sort(), y.fill(v), numpy.copyto(y, x), numpy.put(y, i, v): list_sort.py,
            #                         array_writes.py, flat_writes.py
        return call

    # -- calls that write into an argument --------------------------------------------

    def write_to_out(self, call, node):
        """``f(a, b, out=y)`` computes ``f(a, b)`` and stores it into ``y``, which it
        returns: ``t = f(a, b); y[...] = t`` (then ``y`` is the value), so the write is
        an ordinary in-place assignment that both modes differentiate."""
        target = anno.get(call, Key.TARGET)
        position = _out_position(node, target)
        if isinstance(target, numpy.ufunc) and len(node.args) > target.nin:
            out_node = node.args[target.nin]            # ufuncs take out positionally too
            call.args = call.args[:target.nin]
            extra = len(node.args) - target.nin
        elif position is not None:                      # np.cumsum(a, 0, None, y): what follows by keyword
            out_node = node.args[position]
            names = positional_parameters(target)[position + 1:]
            call.keywords = call.keywords + [gast.keyword(arg=name, value=value)
                                             for name, value in zip(names, call.args[position + 1:])]
            call.args = call.args[:position]
            extra = 1
        else:
            out_node = next(kw.value for kw in node.keywords if kw.arg == "out")
            extra = 1
        if isinstance(out_node, gast.Tuple) and len(out_node.elts) == 1:
            out_node = out_node.elts[0]
        label = getattr(target, "__name__", None) or anno.get(call, Key.METHOD) or "the function"
        mask = next((kw.value for kw in call.keywords if kw.arg == "where"), None)
        if mask is not None and not isinstance(target, numpy.ufunc):
            # a reduction's where= leaves elements out of it: not a mask over out
            raise self._refuse(f"{label}(..., out=y, where=mask)", node,
                               f"use the return value instead: y = {label}(..., where=mask)")
        if extra == 1 and not isinstance(out_node, gast.Name):
            refuse_outside_output(self, out_node, label, node)      # out=p.buf, p an argument: view_outputs.py
        if extra != 1 or not isinstance(out_node, gast.Name):
            raise self._refuse(f"{label}(..., out=...) with several outputs or an out "
                               "that is not a name", node,
                               f"use the return value instead: y = {label}(...) (a ufunc's out= a view of "
                               f"an array, out=y[0], is followed where the call is a statement of its own, "
                               f"the value of an assignment to a name or returned)")
        call.keywords = [kw for kw in call.keywords if kw.arg not in ("out", "where")]
        value = self.fresh_assign(call, "t")
        if mask is not None:
            # a ufunc's where= keeps out's old value where the mask is False: numpy.where
            # says so, with its derivative (each element's from one side alone)
            kept = self.runtime_call(numpy.where, [S.copy(mask), S.name(value), S.name(out_node.id)])
            value = self.fresh_assign(kept, "t")
        self.emit(S.assign(gast.Subscript(value=S.name(out_node.id), slice=S.const(Ellipsis),
                                          ctx=gast.Store()), S.name(value)))
        return S.name(out_node.id)

    def ufunc_at(self, call, node):
        """``numpy.add.at(y, index, v)`` adds ``v`` at ``y[index]``, repeated indices
        adding up: ``y[...] = y + unindex(broadcast_like(v, y[index]), y, index)``
        (``-`` for ``numpy.subtract.at``), rounded as NumPy rounds into ``y``'s dtype
        (``runtime.added_at``). Another two-operand ufunc's ``at`` is the loop NumPy runs
        (ufunc_at_loops.py), and so is a one-operand ufunc's, ``numpy.negative.at(y, index)``."""
        ufunc = anno.get(call, Key.TARGET).__self__
        if ufunc.nin not in (1, 2) or ufunc.nout != 1 or len(call.args) != ufunc.nin + 1 or call.keywords:
            raise self._refuse(f"numpy.{ufunc.__name__}.at with these arguments", node,
                               "astgrad differentiates a two-operand ufunc's at with its three arguments, "
                               "numpy.multiply.at(y, index, v), and a one-operand ufunc's with two, "
                               "numpy.negative.at(y, index); write the update so or build a new array")
        array, index = call.args[:2]
        if not isinstance(array, gast.Name):
            raise self._refuse(f"numpy.{ufunc.__name__}.at on a value that is not a name", node)
        if ufunc not in (numpy.add, numpy.subtract):
            return ufunc_at_loop(self, ufunc, call, node)
        values = call.args[2]
        selected = self.fresh_assign(gast.Subscript(value=S.name(array.id), slice=S.copy(index),
                                                    ctx=gast.Load()), "t")
        spread = self.fresh_assign(self.runtime_call(runtime.broadcast_like, [values, S.name(selected)]), "t")
        added = self.fresh_assign(self.runtime_call(runtime.unindex, [S.name(spread), S.name(array.id),
                                                                      S.copy(index)]), "t")
        op = gast.Add() if ufunc is numpy.add else gast.Sub()
        summed = self.fresh_assign(gast.BinOp(left=S.name(array.id), op=op, right=S.name(added)), "t")
        total = self.fresh_assign(self.runtime_call(runtime.added_at, [
            S.name(summed), S.name(array.id), S.copy(index), S.name(spread), S.const(ufunc is numpy.subtract)]), "t")
        self.emit(S.assign(gast.Subscript(value=S.name(array.id), slice=S.const(Ellipsis),
                                          ctx=gast.Store()), S.name(total)))
        return S.const(None)        # ufunc.at returns None, as r = numpy.add.at(y, i, v) binds

    def put_along_axis(self, call, node):
        """``numpy.put_along_axis(arr, indices, values, axis)`` is NumPy's own
        ``arr[index] = values`` with the index ``along_axis_index(arr, indices, axis)``:
        an element write, differentiated (or refused on an argument) like any other."""
        try:
            bound = inspect.signature(numpy.put_along_axis).bind(
                *call.args, **{kw.arg: kw.value for kw in call.keywords})
        except TypeError as error:
            raise self._refuse("numpy.put_along_axis with these arguments", node, str(error))
        arr = bound.arguments["arr"]
        if not isinstance(arr, gast.Name):
            raise self._refuse("numpy.put_along_axis on a value that is not a name", node)
        axis = bound.arguments.get("axis", S.const(None))
        index = self.fresh_assign(self.runtime_call(
            runtime.along_axis_index, [bound.arguments["indices"], S.name(arr.id), axis]), "index")
        self.emit(S.assign(gast.Subscript(value=S.name(arr.id), slice=S.name(index), ctx=gast.Store()),
                           bound.arguments["values"]))
        return S.const(None)

    def global_callee(self, node, path):
        """(the call, its function, what it refers to) for a call of a global name path;
        a function of the user's with ``*args``/``**kwargs`` is made for the call's shape."""
        obj = self.source.resolve_path(path)
        if obj is MISSING:
            raise unresolved(self.source.error(
                f"'{'.'.join(path)}' is not defined (yet); astgrad resolves names when it "
                "generates code", _Line(self.line), construct="an undefined name"))
        self.free[path[0]] = self.source.resolve(path[0])
        if is_cached_helper(obj):                               # @functools.lru_cache
            obj = uncached(self, obj, node)
            node = hashed_arguments(self, node)
            node = gast.Call(func=S.name(self.bind_value(obj, "function")), args=node.args,
                             keywords=node.keywords)
        if _single_dispatch(obj):
            raise self._refuse(
                f"a call of {path[-1]}, a functools.singledispatch function", node,
                "it picks the function it runs by the class of its first argument when the code runs, which "
                "astgrad does not follow; give the implementation for that class a name of its own and call "
                f"that (@{path[-1]}.register(np.ndarray) def {path[-1]}_array(v): ..., then {path[-1]}_array(x))")
        if has_varargs(obj) and is_user_function(obj):
            return self.specialized_call(node, obj)
        if is_transform_object(obj):
            return self.transform_object_call(node, obj)        # nested.py
        if obj is warnings.warn:        # shown at the user's line, not the generated code's (user_warnings.py)
            return node, S.name(self.bind(warn)), warn
        return node, S.copy(node.func), obj

    def specialized_call(self, node, fn):
        """A call of a function of the user's with ``*args``/``**kwargs`` as a call of
        that function made for this call's shape (frontend/varargs.py)."""
        node, spec = shaped_call(node, fn)
        return node, S.name(self.bind_value(spec, "function")), spec

    def runtime_call(self, helper, args):
        call = S.call(S.name(self.bind(helper)), args)
        anno.set(call, Key.TARGET, helper)
        anno.set(call, Key.METHOD, None)
        return call

    def ufunc_operands(self, args, target):
        """A list or tuple written as an operand of a ufunc (``np.sqrt([w, x])``, or of
        ``np.multiply.outer([w, 1.0], x)``) as the array the ufunc makes of it, so its
        derivative computes with an array too."""
        if isinstance(target, numpy.ufunc):
            operands = target.nin
        elif isinstance(getattr(target, "__self__", None), numpy.ufunc) and target.__name__ == "outer":
            operands = 2
        else:
            return args
        return [gast.Call(func=S.name(self.bind(numpy.asarray)), args=[arg], keywords=[])
                if position < operands and isinstance(arg, (gast.List, gast.Tuple)) else arg
                for position, arg in enumerate(args)]

    def bind(self, obj):
        for name, bound in self.bindings.items():
            if bound is obj:
                return name
        name = self.namer.fresh(obj.__name__)
        self.bindings[name] = obj
        self.locals.discard(name)
        return name


# builtins whose call on an object runs the object's own code (hooked_reads.py)
_HOOKED = {builtins.len: LENGTH, builtins.bool: TRUTH, builtins.str: STRING, builtins.repr: REPRESENTATION,
           builtins.ascii: REPRESENTATION,
           builtins.format: FORMATTING[-1], builtins.print: STRING}

_LIST_METHODS = frozenset({"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse"})


def transform_called(normalizer, node):
    """``(outer, target)`` for a call that may be a nested transform (nested.py): ``target``
    one of astgrad's transforms, ``outer`` the call ``functools.partial(astgrad.grad, ...)(g)``
    makes (or None); None for any other call, so that code calling none loads no nested.py."""
    outer = normalizer.unpartialed(node.func) if isinstance(node.func, gast.Call) else None
    target = normalizer.transform_target(outer if outer is not None else node)
    if target is None:
        return None
    callees = normalizer.callees
    if target in (callees.grad, callees.jvp, getattr(callees, "value_and_grad", None)) \
            or inspect.isfunction(target) and is_astgrad_transform(target):
        return outer, target
    return None


def _is_put_along_axis(target):
    return target is numpy.put_along_axis


def _is_fill_diagonal(target):
    return target is numpy.fill_diagonal


def _writes_to_out(node, target):
    """Whether a NumPy call (or method) stores its result into an argument: ``out=``,
    or an output given positionally (``numpy.multiply(a, b, y)``, ``numpy.cumsum(a, 0, None, y)``)."""
    if isinstance(target, numpy.ufunc) and len(node.args) > target.nin:
        return True
    library = target is None or isinstance(target, numpy.ufunc) \
        or (getattr(target, "__module__", None) or "").startswith("numpy")
    return library and (any(kw.arg == "out" for kw in node.keywords)     # a user's out= is theirs
                        or _out_position(node, target) is not None)


def _method_out_position(call, node):
    """The position of the ``out`` an array's method is given by position (``y.cumsum(0,
    None, y)``, as ``numpy.cumsum`` takes it after the array), or None."""
    method = anno.get(call, Key.METHOD)
    function = getattr(numpy, method, None) if method and hasattr(numpy.ndarray, method) else None
    if function is None or isinstance(function, numpy.ufunc) or any(isinstance(a, gast.Starred) for a in node.args):
        return None
    positional = positional_parameters(function)[1:]
    return positional.index("out") if "out" in positional[:len(node.args)] else None


def _out_position(node, target):
    """The position of a NumPy function's ``out`` given by position (``numpy.cumsum(a, 0,
    None, y)``; a ufunc's aside), or None."""
    if target is None or isinstance(target, numpy.ufunc) or any(isinstance(a, gast.Starred) for a in node.args) \
            or not (getattr(target, "__module__", None) or "").startswith("numpy"):
        return None
    return positional_out(target, len(node.args))


def _rewritten_call(node, target):
    """The expression to lower instead of call ``node`` (a multi_dot chain), or None;
    ``sum(generator)`` gets a list comprehension in place."""
    if target is builtins.sum and node.args and isinstance(node.args[0], gast.GeneratorExp):
        node.args[0] = gast.ListComp(elt=node.args[0].elt, generators=node.args[0].generators)
    return _multi_dot_chain(node, target)


def _multi_dot_chain(node, target):
    """``numpy.linalg.multi_dot([a, b, c])`` as ``a @ b @ c`` (the same product, 1-d ends
    included; multi_dot only picks the cheapest order), so it is differentiated as
    matmuls; None for any other call, or a list that is not written out."""
    if target is not numpy.linalg.multi_dot or len(node.args) != 1 or node.keywords:
        return None
    items = node.args[0]
    if not isinstance(items, (gast.List, gast.Tuple)) or len(items.elts) < 2 or any(
            isinstance(e, gast.Starred) for e in items.elts):
        return None
    chain = items.elts[0]
    for item in items.elts[1:]:
        chain = gast.BinOp(left=chain, op=gast.MatMult(), right=item)
        gast.copy_location(chain, node)
    return chain


def shaped_call(node, fn):
    """(the call ``node`` with its keywords named as the function made for its shape
    takes them, that function) for ``fn``, a function with ``*args``/``**kwargs``."""
    spec = specialize(fn, *call_shape(fn, len(node.args), [kw.arg for kw in node.keywords]))
    names = spec.__astgrad_keyword_names__
    keywords = [gast.keyword(arg=names.get(kw.arg, kw.arg), value=kw.value) for kw in node.keywords]
    return gast.Call(func=node.func, args=node.args, keywords=keywords), spec


def _hashable(target):
    """``target``, or None where it cannot be a key (an unhashable object called)."""
    try:
        hash(target)
    except TypeError:
        return None
    return target


def _single_dispatch(obj):
    """Whether ``obj`` is a function ``functools.singledispatch`` made (its wrapper looks
    the implementation up by the argument's class: ``obj.dispatch``, ``obj.registry``)."""
    return callable(getattr(obj, "dispatch", None)) and hasattr(obj, "registry") \
        and getattr(obj, "__wrapped__", None) is not None
