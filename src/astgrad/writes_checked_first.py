"""Refusing, before a user's function runs itself, a write its derivatives' code refuses.

vjp computes the value, hessian checks that it is a number and jacobian finds its size
by calling the function itself where its value code would not leave the objects it
reaches as the function does (it writes into copies of them). A write the derivatives
refuse (into an array of an object's class, ``s.arr[1] += v``, which every instance
shares) then changed that object before the refusal. The value code makes the
derivatives' checks before each write and writes only into copies: run first, on copies
of the arguments, it refuses before anything changed. It is run only where it calls
nothing that could change anything (a function of the user's run as it is, a method of
an object): else the function's effects would happen twice. Any other error it meets is
left for the function's own call to raise."""

import ast
import builtins
import dis
import inspect
import textwrap
import tokenize
import types
import weakref

import numpy

from . import caching
from .core.functions import underlying
from .errors import TransformError
from .rebound_places import is_generated

_LIBRARIES = ("numpy", "math", "astgrad")


def refuse_writes_first(f, args, kwargs=None):
    """Run ``f``'s value code at ``args`` (copies: it may write into them) where it checks
    such writes and changes nothing else; raise its refusal, if any."""
    if not _writes_held_items(f):
        return
    code = caching.write_checking_code(f)
    if code is None or not _changes_nothing(code):
        return
    try:
        code(*args, **(kwargs or {}))
    except TransformError:
        raise
    except (TypeError, ValueError) as error:
        if str(error).startswith("astgrad:"):
            raise
    except Exception:       # noqa: BLE001 - the function's own call raises it, as Python would
        pass


_WRITES = weakref.WeakKeyDictionary()     # function -> whether its lines write held items


def _writes_held_items(f):
    """Whether a line of ``f`` itself writes into an item something holds (``s.arr[1] +=
    v``, ``d[a][b] = v``, ``s.items.append(v)``): where its code checks the holder (its
    value code is made only there, for speed)."""
    fn = inspect.unwrap(underlying(f))
    if not isinstance(fn, types.FunctionType):
        return False
    known = _WRITES.get(fn)
    if known is None and not _may_write_items(fn.__code__):
        known = _WRITES[fn] = False         # (reading its source takes longer)
    if known is None:
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
        except (OSError, TypeError, SyntaxError, tokenize.TokenError):
            return False
        known = _WRITES[fn] = any(_writes_held(node, fn.__globals__) for node in ast.walk(tree))
    return known


_ITEM_STORES = frozenset(dis.opmap[name] for name in ("STORE_SUBSCR", "STORE_SLICE") if name in dis.opmap)
_CHANGING_METHODS = frozenset({"append", "extend", "insert", "update", "setdefault", "pop", "remove", "clear",
                               "sort", "reverse", "add", "discard", "fill", "resize", "put", "itemset"})


def _may_write_items(code):
    """Whether ``code`` (or a function or class body in it) stores an item or calls a
    method that may change its object, by its bytecode."""
    if _ITEM_STORES & set(code.co_code[::2]) or _CHANGING_METHODS & set(code.co_names):
        return True
    return any(_may_write_items(inner) for inner in code.co_consts if isinstance(inner, types.CodeType))


def _writes_held(node, names):
    targets = node.targets if isinstance(node, ast.Assign) else \
        [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
    if any(isinstance(t, ast.Subscript) and isinstance(t.value, (ast.Attribute, ast.Subscript)) for t in targets):
        return True
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, (ast.Attribute, ast.Subscript))):
        return False
    root = node.func.value
    while isinstance(root, (ast.Attribute, ast.Subscript)):
        root = root.value
    return not (isinstance(root, ast.Name) and isinstance(names.get(root.id), types.ModuleType))   # np.linalg.solve


def _changes_nothing(code):
    """Whether each call in the value code ``code`` calls a library function, astgrad's
    helpers or code astgrad made (which writes only into copies), or a class (only to
    build an object with ``instance``): no function of the user's run as it is, and no
    method of an object; nor one handed to a library function. The names are looked up
    at each call (a global may be rebound since), in the uses ``_calls_and_names`` read
    once from its source."""
    try:
        held = dict(zip(code.__code__.co_freevars, (cell.cell_contents for cell in code.__closure__ or ())))
    except ValueError:      # an empty cell
        return False
    for use, name in _calls_and_names(code):
        value = _lookup(name, held, code) if name is not None else None
        if use == _READ:        # a function handed on (np.apply_along_axis(f, ...))
            if callable(value) and not isinstance(value, type) and not _harmless(value):
                return False
        elif use == _METHOD:
            if not (isinstance(value, types.ModuleType) and value.__name__.split(".")[0] in _LIBRARIES):
                return False
        elif use == _OTHER or not _harmless(value):
            return False
    return True


_READ, _METHOD, _CALL, _OTHER = "read", "method", "call", "other"
_USES = weakref.WeakKeyDictionary()     # value code -> its uses (_calls_and_names)


def _calls_and_names(code):
    """The uses of names in the value code ``code`` that _changes_nothing looks up, in the
    order of its source, each once: (_READ, a name read), (_METHOD, ``m`` of ``m.f(...)``),
    (_CALL, ``f`` of ``f(...)``), (_OTHER, None: any other call, ``a.b.c(...)``,
    ``f(x)(y)``)."""
    found = _USES.get(code)
    if found is None:
        uses = {}
        for node in ast.walk(ast.parse(code.source)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                uses.setdefault((_READ, node.id))
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                uses.setdefault((_METHOD, func.value.id))
            else:
                uses.setdefault((_CALL, func.id) if isinstance(func, ast.Name) else (_OTHER, None))
        found = _USES[code] = tuple(uses)
    return found


def _lookup(name, held, code):
    if name in held:
        return held[name]
    return code.__globals__.get(name, getattr(builtins, name, None))


def _harmless(fn):
    if isinstance(fn, numpy.ufunc) or is_generated(fn):
        return True
    if isinstance(fn, type):
        return False        # its __init__ may be the user's, run as it is
    module = getattr(fn, "__module__", None) or ""
    return module.split(".")[0] in _LIBRARIES or fn in (len, isinstance, range, abs, min, max, float, int)
