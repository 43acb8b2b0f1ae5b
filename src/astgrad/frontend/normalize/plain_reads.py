"""A proof that no object of a user's class can reach a function: the normalizer then
skips its checks for operators, comparisons and conversions on such objects
(operator_methods.py, comparison_methods.py, protocol_methods.py), which plain NumPy
code pays at every operator otherwise.

The argument. Those checks change a program only through ``_object_class``, which is
not None only for an expression whose layout is an object (object_layouts.py), or for
the receiver of a method made for its class; and through refusals naming a user's class
that a call in the code builds (``p, q = Vec(a, b), c``). Every such layout comes from
a value: an instance of a class astgrad looks into, held by a name, an attribute, an
item or a default, or built by calling a user's class or function (which may return
one). The values a function can reach are those of the names its code (and the code
nested in it) reads, its closure cells and its defaults, the attributes its code names
of those values, and its parameters. So where:

- the function carries nothing astgrad made it for (no ``__astgrad_*`` attribute: no
  layouts of object arguments, no receiver, not code astgrad specialized), so its
  parameters stand for no layout; a derivative astgrad compiled here (a first
  derivative, differentiated again) carries only what ``caching`` marks every
  derivative with (its text, its generation time, the names of its closure variables
  and pinned globals for export), none of which gives a layout either;
- its code neither imports nor defines a class (whose values no name lookup shows),
  and names none of ``getattr``, ``globals``, ``vars``, ``eval``, ``exec``,
  ``__import__``, ``import_module``, ``__dict__`` (which reach values by a string);
- every global, builtin, closure and default value it can name is plain: a number, a
  string, None, an array of numbers, a NumPy scalar, dtype or ufunc, a builtin or a
  library function, a library's class (each of these types itself, not a subclass of
  the user's, which may define operators), a list, tuple, set or dict (short) of
  plain values, or a module whose attributes the code names are plain in turn;

no expression of the function has an object's layout, and no call of it builds an
object of a user's class: the skipped checks would each have found nothing and left
the program as it was. Anything else (a user's function, which could return an object;
any other instance) leaves the proof unmade and the checks run as before.
tests/test_plain_reads.py normalizes a table of programs both ways and compares."""

import builtins
import dis
import types

import numpy

from ...core import generated_text
from ...core.ops import is_user_function
from .. import object_layouts as L
from ..source import _closure_values

_BY_STRING = frozenset({"getattr", "globals", "vars", "eval", "exec", "__import__", "import_module", "__dict__",
                        "locals", "__builtins__"})
_UNFOLLOWED_OPS = frozenset(dis.opmap[name] for name in ("IMPORT_NAME", "LOAD_BUILD_CLASS") if name in dis.opmap)
_SCALARS = frozenset({type(None), bool, int, float, complex, str, bytes, range, slice, type(Ellipsis)})
_NUMPY_VALUES = (numpy.generic, numpy.dtype, numpy.ufunc, numpy.ndarray)
_DISPATCHER = type(numpy.sum)           # NumPy's functions (a Python function on older NumPy)
_CONTAINER_LIMIT = 32
# what caching._instantiate sets on every derivative it compiles: names and text, no layout
_DERIVATIVE_MARKS = frozenset({"source", "__astgrad_generated__", "__astgrad_seconds__", "__astgrad_user_freevars__",
                               "__astgrad_pinned_globals__"})
_DEPTH = 4                              # module.submodule.attribute: how deep names are followed


def reaches_no_user_objects(fn):
    """Whether the argument above proves that no object of a user's class, and no
    user's function or class, can reach ``fn`` (read now, once per normalization)."""
    if not isinstance(fn, types.FunctionType) or any(key.startswith("__astgrad") for key in vars(fn)) and not (
            set(vars(fn)) <= _DERIVATIVE_MARKS and generated_text.is_derivative(fn.__code__)):
        return False
    codes, names = _codes(fn.__code__), set()
    for code in codes:
        if _UNFOLLOWED_OPS.intersection(code.co_code[::2]):     # wordcode: an opcode every other byte
            return False
        names.update(code.co_names)
    if names & _BY_STRING:
        return False
    scope, builtin = fn.__globals__, fn.__globals__.get("__builtins__", builtins)
    builtin = builtin if isinstance(builtin, dict) else vars(builtin)
    values = [scope[n] if n in scope else builtin[n] for n in names if n in scope or n in builtin]
    values += list(_closure_values(fn).values())
    values += list(fn.__defaults__ or ()) + list((fn.__kwdefaults__ or {}).values())
    return all(_plain(value, names, _DEPTH) for value in values)


def _codes(code):
    """``code`` and the code objects nested in it (local functions, lambdas, comprehensions)."""
    found, todo = [], [code]
    while todo:
        code = todo.pop()
        found.append(code)
        todo.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return found


def _plain(value, names, depth):
    """Whether ``value`` is plain (see the module docstring), its attributes named by
    ``names`` followed to ``depth`` where it is a module."""
    if type(value) in _SCALARS:         # exactly: a subclass of the user's may define operators
        return True
    if isinstance(value, _NUMPY_VALUES):
        return not _users_type(type(value)) and not (isinstance(value, numpy.ndarray) and value.dtype.kind == "O")
    if isinstance(value, types.BuiltinFunctionType):     # len, math.sin; not a bound method of an object
        return isinstance(getattr(value, "__self__", None), (types.ModuleType, type(None)))
    if isinstance(value, types.FunctionType) or type(value) is _DISPATCHER:
        return not is_user_function(value) and not is_user_function(getattr(value, "__wrapped__", None))
    if isinstance(value, type):
        return not L._looked_into(value) and not _users_type(value)
    if type(value) in (list, tuple, set, frozenset):
        return depth > 0 and len(value) <= _CONTAINER_LIMIT and all(_plain(v, names, depth - 1) for v in value)
    if type(value) is dict:
        return depth > 0 and len(value) <= _CONTAINER_LIMIT and all(
            _plain(k, names, depth - 1) and _plain(v, names, depth - 1) for k, v in value.items())
    if type(value) is types.ModuleType:
        return depth > 0 and _plain_module(value, names, depth)
    return False


def _plain_module(module, names, depth):
    """Whether the attributes of ``module`` that ``names`` name are plain. A name the
    module serves by its ``__getattr__`` (no value in its namespace) is a library's own
    only in a library's module."""
    own = vars(module)
    library = _library(module.__name__)
    for name in names:
        if name in own:
            if not _plain(own[name], names, depth - 1):
                return False
        elif "__getattr__" in own and not library:
            return False
    return True


def _library(module_name):
    top = (module_name or "").split(".")[0]
    return top in L._LIBRARIES or top in L._STANDARD_LIBRARY


def _users_type(cls):
    """A class of the user's own (not a library's or Python's), though astgrad does not
    look into its instances (a subclass of ``type``, a user's function type)."""
    return not _library(getattr(cls, "__module__", ""))
