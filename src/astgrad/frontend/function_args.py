"""Functions made for the function values they are given.

``def apply(f, x): return f(x)`` cannot be differentiated before ``f`` is known. When
it is called with a function (``apply(np.sin, x)``), or with a list, tuple or dict of
functions, ``specialize(fn, given)`` makes ``apply`` for those values: the same
parameters, and a body that starts by binding each such parameter to the value it was
given, held in a closure cell of the made function::

    def apply(f, x):
        f = f_fn                # f_fn is numpy.sin, in a cell
        return f(x)

so the engine follows ``f`` as it follows any function a closure holds: the call of
``f`` becomes a call of ``numpy.sin`` (or of the derivative of the user's function it
is). The made function is kept for the values it was made for (at most ``KEPT`` per
function, the most recent): a Python function given again with the same code, globals,
closure cells and defaults reuses it, since it computes the same thing; any other value
(a NumPy function, a builtin) is recognised by identity. A different function gives a
different made function, so nothing stale is ever used. Function values carry no
derivative: their gradient is None.
"""

import functools
import inspect
import threading
import types
import weakref
from collections import OrderedDict

import gast
import numpy

from ..core import syntax as S
from ..core.functions import function_identity
from .array_named_reads import array_named_reads, holds_unlaid_objects, refusal
from .object_layouts import (Holding, LaidHolding, Layout, called_parameters, found_in_source, holds_comparing_objects,
                             holds_objects_inside, keyed_layout, layout_of)
from .varargs import compile_variant

KEPT = 32
_made = weakref.WeakKeyDictionary()     # fn -> OrderedDict(key -> made function)
_lock = threading.Lock()


def is_numpy_dispatcher(obj):
    """``np.sum``, ``np.linalg.norm``: NumPy's wrappers of its Python functions; ``np.dot``,
    ``np.concatenate``: of its functions written in C."""
    implementation = getattr(obj, "_implementation", None)
    return callable(obj) and (inspect.isfunction(implementation) or inspect.isbuiltin(implementation)) \
        and (getattr(obj, "__module__", None) or "").split(".")[0] == "numpy"


def is_function_value(value):
    """A function astgrad can follow when it is given one: a Python function, a NumPy
    ufunc or function (``np.dot``), a builtin, a ``functools.partial`` or an astgrad transform."""
    if isinstance(value, (float, int, numpy.ndarray, str, type)) or value is None:
        return False
    return (inspect.isfunction(value) or inspect.isbuiltin(value) or isinstance(value, numpy.ufunc)
            or is_numpy_dispatcher(value)
            or isinstance(value, functools.partial)
            or getattr(value, "__astgrad_function__", None) is not None)


class Mixed:
    """A list, tuple or dict argument holding functions and other values (``[np.sin, 2.0]``):
    the made function binds it to a display of the functions it holds and of its other
    items read from the argument when the code runs (``__astgrad_mixed__``)."""
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def mixed_functions(value):
    """Whether ``value`` is a list, tuple or dict (string or integer keys) holding at least
    one function value and other values that hold none."""
    if type(value) in (list, tuple):
        items = list(value)
    elif type(value) is dict and all(isinstance(k, (str, int)) for k in value):
        items = list(value.values())
    else:
        return False
    kinds = [is_function_value(item) for item in items]
    return any(kinds) and not all(kinds) and not any(
        function_valued(item) or mixed_functions(item) for item, kind in zip(items, kinds) if not kind)


def function_valued(value):
    """Whether ``value`` is a function value, or a non-empty list, tuple or dict holding
    only function values (a namedtuple is data, not a container of functions)."""
    if type(value) in (list, tuple):
        return bool(value) and all(is_function_value(item) for item in value)
    if type(value) is dict:
        return bool(value) and all(isinstance(k, (str, int)) and is_function_value(v)
                                   for k, v in value.items())
    return is_function_value(value)


class Sequence:
    """The kind of a list or tuple argument that the function concatenates or repeats
    (``xs + ys``, ``xs * 2``): the made function says so (``__astgrad_sequences__``), so
    the engine knows, when it generates code, that ``+`` and ``*`` join lists there."""
    __slots__ = ("kind",)

    def __init__(self, kind):
        self.kind = kind

    def __eq__(self, other):
        return isinstance(other, Sequence) and other.kind is self.kind

    def __hash__(self):
        return hash(self.kind)


def given_functions(names, values, fn=None):
    """{parameter name: value} for the values that are functions (or containers of them),
    and, for ``fn``'s parameters it adds or multiplies, a Sequence for a list or tuple;
    empty (quickly) for the usual numbers and arrays."""
    given = {}
    joined = called = read = None
    for name, value in zip(names, values):
        kind = type(value)
        if kind is float or kind is numpy.ndarray or kind is int:
            continue
        if function_valued(value):
            given[name] = value
            continue
        if fn is not None and mixed_functions(value):
            given[name] = Mixed(value)
            continue
        called = called if called is not None or fn is None else called_parameters(fn)
        read = read if read is not None or fn is None else array_named_reads(fn)
        tree = layout_of(value) if called and name in called or read and name in read else None
        if tree is None and kind is dict and called and name in called \
                and not holds_comparing_objects(value, operating=True):
            tree = keyed_layout(value)      # params["layer"].apply(x): a dict of objects by key
        if tree is None and read and name in read and holds_unlaid_objects(value):
            raise refusal(fn, name, value)      # t.size of a namedtuple in a dict: array_named_reads.py
        if tree is not None:                # an object the body calls methods of: object_layouts.py
            given[name] = (LaidHolding if holds_objects_inside(value) else Layout)(tree)
        elif called and name in called and holds_comparing_objects(value, operating=True):
            given[name] = Holding()         # compared or operated on where no layout says its class: object_layouts.py
        elif (kind is list or kind is tuple) and fn is not None:
            joined = joined if joined is not None else sequence_parameters(fn)
            if name in joined:
                given[name] = Sequence(kind)
    return given


_joined = weakref.WeakKeyDictionary()
_operands = weakref.WeakKeyDictionary()
_JOINING = (gast.Add, gast.Mult)
# with a list or a tuple operand, these are NumPy's elementwise arithmetic or Python's TypeError
_LIST_FREE = (gast.Sub, gast.Div, gast.FloorDiv, gast.Pow)


def joined_parameters(fn):
    """The parameters of ``fn`` that its body uses directly as an operand of ``+`` or
    ``*`` (``xs + ys``, ``xs * 2``, ``xs += ys``): if one is a list, that joins lists."""
    return found_in_source(fn, _joined, functools.partial(_operands_in, ops=_JOINING))


def sequence_parameters(fn):
    """The parameters of ``fn`` that its body uses directly as an operand of ``+``, ``*``,
    ``-``, ``/``, ``//`` or ``**``: if one is a list or a tuple, the normalizer must know
    it to write what Python and NumPy do (join, repeat, or elementwise arithmetic)."""
    return found_in_source(fn, _operands, functools.partial(_operands_in, ops=_JOINING + _LIST_FREE))


def _operands_in(tree, ops):
    params = {a.id for a in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs}
    operands = set()
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.BinOp) and isinstance(node.op, ops):
            operands.update(side.id for side in (node.left, node.right) if isinstance(side, gast.Name))
        elif isinstance(node, gast.AugAssign) and isinstance(node.op, ops):
            operands.update(side.id for side in (node.target, node.value) if isinstance(side, gast.Name))
    return frozenset(operands & params)


def identity(value):
    """What the made function depends on in ``value``: for a Python function its code,
    globals, closure cells and defaults (two lambdas made by the same line in the same
    scope compute the same thing), for anything else the object itself."""
    if isinstance(value, Sequence):
        return ("sequence", value.kind)
    if isinstance(value, (Holding, LaidHolding)):
        return ("holding", getattr(value, "tree", None))
    if isinstance(value, Layout):
        return ("layout", value.tree)
    if isinstance(value, Mixed):        # the other items are read when the code runs
        items = value.value.items() if type(value.value) is dict else enumerate(value.value)
        return ("mixed", type(value.value), tuple((k, identity(v) if is_function_value(v) else None)
                                                  for k, v in items))
    if type(value) in (list, tuple):
        return (type(value), tuple(identity(item) for item in value))
    if type(value) is dict:
        return (dict, tuple((key, identity(item)) for key, item in value.items()))
    if inspect.isfunction(value):
        return function_identity(value)
    return ("object", id(value))


def specialize(fn, given):
    """``fn`` made for ``given`` ({parameter name: function value or container of them});
    see the module docstring. The made function holds the values, so the ids in its key
    stay valid while it is kept."""
    key = tuple((name, identity(value)) for name, value in sorted(given.items()))
    if getattr(fn, "__astgrad_given__", None) == key:
        return fn                               # already made for these values
    with _lock:
        made = _made.setdefault(fn, OrderedDict())
        spec = made.get(key)
        if spec is not None:
            made.move_to_end(key)
            return spec
    spec = _make(fn, given)
    with _lock:
        made = _made.setdefault(fn, OrderedDict())
        spec = made.setdefault(key, spec)
        while len(made) > KEPT:
            made.popitem(last=False)
    return spec


def _make(fn, given):
    from .source import parse_function
    tree = S.copy(parse_function(fn).tree)
    taken = S.names_in(tree) | set(fn.__globals__) | set(fn.__code__.co_freevars)
    cells = {}

    def cell_for(base, value):
        name = base
        while name in taken:
            name += "_"
        taken.add(name)
        cells[name] = types.CellType(value)
        return S.name(name)
    bindings = []
    for param, value in given.items():
        if not isinstance(value, (Sequence, Layout, Holding)):  # known to the normalizer (__astgrad_sequences__, ...)
            bindings.extend(_held(param, value, cell_for))

    def rewrite(tree):
        line = getattr(tree, "lineno", 1)
        tree.body = [S.assign(param, S.copy(held), line=line) for param, held in bindings] + tree.body
        return tree
    made = compile_variant(fn, rewrite(tree), rewrite, cells)
    made.__astgrad_sequences__ = frozenset(p for p, v in given.items() if isinstance(v, Sequence))
    made.__astgrad_layouts__ = {p: v.tree for p, v in given.items() if isinstance(v, Layout)}
    made.__astgrad_mixed__ = frozenset(p for p, v in given.items() if isinstance(v, Mixed))
    made.__astgrad_holding__ = frozenset(p for p, v in given.items() if isinstance(v, (Holding, LaidHolding)))
    made.__astgrad_given__ = tuple((name, identity(value)) for name, value in sorted(given.items()))
    return made


def _held(param, value, cell_for):
    """The statements ``(name, expression)`` binding ``param`` to the function value (or
    container of them) it is given, each function held in a cell (``cell_for``)."""
    if isinstance(value, Mixed):        # its other items read from the argument
        return [(param, _mixed_display(param, value.value, cell_for))]
    if type(value) is dict:
        return [(param, gast.Dict(keys=[S.const(k) for k in value],
                                  values=[cell_for(f"{param}_{k}" if str(k).isidentifier() else f"{param}_fn", v)
                                          for k, v in value.items()]))]
    if type(value) in (list, tuple):
        items = [cell_for(f"{param}_{i}", v) for i, v in enumerate(value)]
        return [(param, (gast.List if type(value) is list else gast.Tuple)(elts=items, ctx=gast.Load()))]
    return [(param, cell_for(f"{param}_fn", value))]


def _mixed_display(param, value, cell_for):
    """The display binding ``param`` (a Mixed argument): its functions held in cells, its
    other items read from the argument (``[param_0, param[1]]``)."""
    def item(key, v):
        if is_function_value(v):
            return cell_for(f"{param}_{key}" if str(key).isidentifier() or isinstance(key, int) else f"{param}_fn", v)
        return gast.Subscript(value=S.name(param), slice=S.const(key), ctx=gast.Load())
    if type(value) is dict:
        return gast.Dict(keys=[S.const(k) for k in value], values=[item(k, v) for k, v in value.items()])
    items = [item(i, v) for i, v in enumerate(value)]
    return (gast.List if type(value) is list else gast.Tuple)(elts=items, ctx=gast.Load())
