"""NumPy calls that map a user's function over an array, written out as the loops they
are, so astgrad follows the function as it follows any call of it (a lambda, a local
def, a module function):

- ``numpy.apply_along_axis(fn, axis, a, *args, **kwargs)``: ``fn`` on each 1-d slice of
  ``a`` along ``axis`` (the axis moved last, the other axes flattened into rows, in
  NumPy's order), the results stacked (each broadcast to the first one's shape) and put where
  the axis was (a scalar result drops it), as NumPy defines it;
- ``numpy.vectorize(fn, otypes=...)(x, y, ...)`` (written so, or through a name bound
  once to ``numpy.vectorize(...)``, or a module-level ``numpy.vectorize`` object such as
  a function decorated with it): ``fn`` on each element of the arguments broadcast
  together, the results an array of their broadcast shape with the dtype of ``otypes``
  or of the first result.

Other forms (``excluded=``, ``signature=``, a vectorize object passed around) are left to
the refusals of numpy.vectorize.
"""

import builtins
import inspect

import gast
import numpy

from ... import mapped, runtime
from ...core import syntax as S
from ...core.missing import MISSING

# the keywords of numpy.vectorize this module follows (doc and cache change no value)
_VECTORIZE_KEYWORDS = frozenset({"otypes", "doc", "cache"})


class NumpyMapLowering:
    """Normalizer methods for numpy.apply_along_axis and numpy.vectorize (calls.py asks)."""

    def mapped_call(self, node):
        """The call lowered if it is one of this module's forms, else None."""
        if isinstance(node.func, gast.Name) and self.bindings.get(node.func.id) is mapped.vectorize_call:
            return self._vectorized(node.args[0], node.args[1:], node.keywords, node)
        target = self.resolve_call(node)
        if target is numpy.apply_along_axis:
            return self._along_axis(node)
        if target is numpy.frompyfunc:
            raise self._refuse("numpy.frompyfunc", node, "its function's results are Python objects in an "
                               "array of dtype object, which astgrad does not differentiate; use "
                               "np.vectorize(fn) (which astgrad follows element by element) or NumPy's functions")
        if isinstance(target, numpy.vectorize) and not _plain_vectorize(target):
            raise self._refuse("a numpy.vectorize function with excluded= or signature=", node,
                               "astgrad follows np.vectorize(f, otypes=...) of a function of numbers; call f "
                               "in a comprehension (np.array([f(v, w) for v in x])) instead")
        if isinstance(target, numpy.vectorize):
            fn = S.name(self.bind_value(target.pyfunc, "function"))
            otypes = [] if target.otypes is None else [gast.keyword(arg="otypes", value=S.const(target.otypes))]
            return self._vectorized(fn, node.args, otypes + node.keywords, node)
        return None

    def _along_axis(self, node):
        bound = self._bound_arguments(numpy.apply_along_axis, node)
        fn = self._mapped_function(bound["func1d"])
        axis = self.atom(bound["axis"], hint="axis")
        array = self.atom(self._numpy(numpy.asarray, [bound["arr"]]), hint="a")
        extra = [self.atom(arg) for arg in bound.get("args", ())]
        keywords = [gast.keyword(arg=k, value=self.atom(v)) for k, v in bound.get("kwargs", {}).items()]
        shape = gast.Attribute(value=S.copy(array), attr="shape", ctx=gast.Load())
        rows_shape = self.atom(self._numpy(mapped.along_axis_rows, [shape, S.copy(axis)]), hint="rows_shape")
        moved = self._numpy(numpy.moveaxis, [S.copy(array), S.copy(axis), S.const(-1)])
        rows = self.atom(self._numpy(numpy.reshape, [moved, rows_shape]), hint="rows")
        row = self.namer.fresh("row")
        results = self.atom(_comprehension(
            gast.Call(func=fn, args=[S.name(row)] + extra, keywords=keywords), S.name(row, store=True), rows),
            hint="results")
        dtype = self.atom(self._numpy(mapped.first_dtype, [S.copy(results)]), hint="dtype")
        stacked = self.atom(gast.Call(func=S.name(bind_unshadowed(self, numpy.asarray)), args=[
            self._numpy(runtime.stack_fitted, [results])], keywords=[gast.keyword(arg="dtype", value=dtype)]), hint="stacked")
        layout = self.atom(self._numpy(mapped.along_axis_layout, [S.copy(shape), S.copy(axis), gast.Attribute(
            value=S.copy(stacked), attr="shape", ctx=gast.Load())]), hint="layout")
        placed = self._numpy(numpy.reshape, [S.copy(stacked), _item(layout, 0)])
        return self.expr(self._numpy(numpy.moveaxis, [placed, _item(layout, 1), _item(layout, 2)]))

    def _vectorized(self, fn_node, arg_nodes, keyword_nodes, node):
        if any(isinstance(a, gast.Starred) for a in arg_nodes) or any(
                kw.arg != "otypes" for kw in keyword_nodes if kw.arg not in ("doc", "cache")):
            raise self._refuse("a call of numpy.vectorize's function with *args or keyword arguments", node,
                               "pass its arguments one by one, in order")
        fn = self._mapped_function(fn_node)
        otypes = [kw.value for kw in keyword_nodes if kw.arg == "otypes"]
        otypes = self.atom(otypes[0], hint="otypes") if otypes else S.const(None)
        arrays = [self.atom(self._numpy(numpy.asarray, [arg]), hint="v") for arg in arg_nodes]
        if not arrays:
            raise self._refuse("numpy.vectorize's function called without arguments", node,
                               "call the function itself")
        shape = self.atom(self._numpy(numpy.broadcast_shapes, [
            gast.Attribute(value=S.copy(a), attr="shape", ctx=gast.Load()) for a in arrays]), hint="shape")
        flats = [self.atom(self._numpy(numpy.ravel, [self._numpy(numpy.broadcast_to, [S.copy(a), S.copy(shape)])]),
                           hint="flat") for a in arrays]
        items = [self.namer.fresh("item") for _ in flats]
        if len(flats) == 1:
            target, source = S.name(items[0], store=True), flats[0]
        else:
            target = gast.Tuple(elts=[S.name(i, store=True) for i in items], ctx=gast.Store())
            source = gast.Call(func=self._builtin_zip(node), args=flats, keywords=[])
        results = self.atom(_comprehension(
            gast.Call(func=fn, args=[S.name(i) for i in items], keywords=[]), target, source), hint="results")
        dtype = self.atom(self._numpy(mapped.vectorized_dtype, [S.copy(results), otypes]), hint="dtype")
        made = gast.Call(func=S.name(bind_unshadowed(self, numpy.asarray)), args=[S.copy(results)],
                         keywords=[gast.keyword(arg="dtype", value=S.copy(dtype))])
        return self.expr(self._numpy(numpy.reshape, [made, S.copy(shape)]))

    def _builtin_zip(self, node):
        """The name ``zip``, which the normalizer follows where it means the builtin."""
        if "zip" in self.locals or self.source.resolve_path(("zip",), depend=False) is not builtins.zip:
            raise self._refuse("numpy.vectorize's function of several arguments where zip is not the builtin",
                               node, "leave the name zip to the builtin")
        return S.name("zip")

    def _bound_arguments(self, function, node):
        keywords = {kw.arg: kw.value for kw in node.keywords}
        try:
            if None in keywords or any(isinstance(a, gast.Starred) for a in node.args):
                raise TypeError("pass its arguments one by one, without * or **")
            return inspect.signature(function).bind(*node.args, **keywords).arguments
        except TypeError as error:
            raise self._refuse(f"numpy.{function.__name__} with these arguments", node, str(error)) from None

    def _mapped_function(self, node):
        """An expression to call the mapped function by: a name or a module path as it is
        written (read where it is called, as the function is), anything else (a lambda:
        a local function) as an atom."""
        return S.copy(node) if S.dotted_path(node) is not None else self.atom(node, hint="fn")

    def _numpy(self, function, args):
        """A call of ``function`` (a NumPy function or a helper of mapped.py) the normalizer
        lowers as any call of it."""
        return gast.Call(func=S.name(bind_unshadowed(self, function)), args=args, keywords=[])


def bind_unshadowed(normalizer, function):
    """A name bound to ``function`` for the code this stage writes, which no global of
    the user's module has (the lowerings that follow read a call's name as the module
    reads it: a class ``stack`` of the user's would be taken for numpy.stack's name)."""
    def free(name):
        meaning = normalizer.source.resolve_path((name,), depend=False)
        return meaning is MISSING or meaning is function
    for name, bound in normalizer.bindings.items():
        if bound is function and free(name):
            return name
    name = normalizer.namer.fresh(function.__name__)
    while not free(name):
        name = normalizer.namer.fresh(function.__name__)
    normalizer.bindings[name] = function
    normalizer.locals.discard(name)
    return name


def _plain_vectorize(obj):
    """Whether the vectorize object ``obj`` maps one function over elements (no
    ``excluded`` arguments, no ``signature``), as ``_vectorized`` follows it."""
    return not obj.excluded and obj.signature is None


def _comprehension(element, target, source):
    return gast.ListComp(elt=element, generators=[
        gast.comprehension(target=target, iter=source, ifs=[], is_async=0)])


def _item(atom, index):
    return gast.Subscript(value=S.copy(atom), slice=S.const(index), ctx=gast.Load())


def rewrite_vectorize(normalizer, tree):
    """Put ``mapped.vectorize_call(fn, x, y, otypes=...)`` in place of each call of a
    ``numpy.vectorize(fn, ...)`` written where it is called, or bound once to a name that
    is only called (``vf = np.vectorize(fn)``, then ``vf(x)``; the name is bound to ``fn``
    instead), which ``mapped_call`` lowers; whether it rewrote any. Other uses are left to
    the refusal of numpy.vectorize (complex_values.py)."""
    marker = None
    bound = _bound_vectorizers(normalizer, tree)
    for node in list(S.walk_nodes(tree)):
        if not isinstance(node, gast.Call):
            continue
        made = node.func if _is_vectorize(normalizer, node.func) else None
        if made is None and isinstance(node.func, gast.Name) and node.func.id in bound:
            made = bound[node.func.id]
            fn = S.name(node.func.id)
        elif made is not None:
            fn = made.args[0]
        else:
            continue
        marker = marker or bind_unshadowed(normalizer, mapped.vectorize_call)
        options = [kw for kw in made.keywords if kw.arg == "otypes"]
        node.func, node.args = S.name(marker), [fn] + node.args
        node.keywords = [gast.keyword(arg=kw.arg, value=S.copy(kw.value)) for kw in options] + node.keywords
    return marker is not None


def _bound_vectorizers(normalizer, tree):
    """{name: the numpy.vectorize(...) call bound to it} for the names bound once to one
    and only called, with ``otypes`` a constant; each binding becomes ``name = fn``."""
    found = {}
    for stmt in S.walk_nodes(tree):
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
                and _is_vectorize(normalizer, stmt.value) and normalizer.bound_count[stmt.targets[0].id] == 1 \
                and all(_is_constant(normalizer, kw.value) for kw in stmt.value.keywords if kw.arg == "otypes"):
            found[stmt.targets[0].id] = stmt
    if not found:
        return {}
    called = {id(node.func) for node in S.walk_nodes(tree) if isinstance(node, gast.Call)}
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and node.id in found \
                and id(node) not in called:
            del found[node.id]
    made = {}
    for name, stmt in found.items():
        made[name], stmt.value = stmt.value, stmt.value.args[0]
    return made


def _is_vectorize(normalizer, node):
    """Whether ``node`` is ``numpy.vectorize(fn)`` with only keywords this module follows."""
    if not (isinstance(node, gast.Call) and len(node.args) == 1 and not isinstance(node.args[0], gast.Starred)
            and all(kw.arg in _VECTORIZE_KEYWORDS for kw in node.keywords)):
        return False
    path = S.dotted_path(node.func)
    return path is not None and path[0] not in normalizer.locals \
        and normalizer.source.resolve_path(path, depend=False) is numpy.vectorize


def _is_constant(normalizer, node):
    """Whether ``node`` is a constant, a display of them, or a module path (``float``)."""
    if isinstance(node, (gast.List, gast.Tuple)):
        return all(_is_constant(normalizer, e) for e in node.elts)
    path = S.dotted_path(node)
    return isinstance(node, gast.Constant) or path is not None and path[0] not in normalizer.locals
