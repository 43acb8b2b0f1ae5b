"""Methods of argument objects that exported code would call as they are.

``astgrad.export`` writes the general code, made before any argument is seen. A method
called on an argument (``v = acc.drop()``) whose value carries no derivative is kept
there as a call, unlooked at: which method runs depends on the class of the object the
caller passes, and it may change that object (``self.items.pop()``), which a derivative
never does (the transforms in process look at the method of the class they are given,
and refuse it). So export refuses such a call, as it refuses one it needs the class for.

``arg.get(...)`` is read as a dict's (``has_key(arg, key, where)``, then ``arg[key]``):
an exported module checks the object is a mapping when it runs. Where the key is a
differentiated argument, no dict can be meant (an array is no dict key, and a lookup
carries no derivative to its key): it is an object's own ``get`` (a weights parser's
``parser.get(W, layer)``), refused at export as the other methods of arguments.
"""

import ast
import inspect
import linecache

import numpy

from . import runtime
from .core.generated_text import origin
from .errors import TransformError, function_value_unknown

# methods of the values an exported derivative may be given besides objects of the user's
_VALUE_METHODS = frozenset(dir(numpy.ndarray)) | frozenset(dir(list)) | frozenset(dir(dict)) \
    | frozenset(dir(tuple)) | frozenset(dir(str)) | frozenset(dir(float)) | frozenset(dir(complex))


def refuse_methods_of_arguments(fn, compiled):
    """Raise a FunctionValueUnknown at the user's line where ``compiled`` (the generated
    code of ``fn``'s derivative) calls a method, of no array, list, dict or number, on one
    of ``fn``'s arguments as it was given."""
    params = set(inspect.signature(fn).parameters)
    tree = ast.parse(compiled.source)
    rebound = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) and node.func.value.id in params - rebound \
                and node.func.attr not in _VALUE_METHODS:
            raise function_value_unknown(_refusal(compiled, node, f"{node.func.value.id}.{node.func.attr}()"))


def refuse_differentiated_keys(fn, compiled, wrt_names):
    """Raise a FunctionValueUnknown at the user's line where ``compiled`` reads
    ``arg.get(x, ...)`` of an argument ``arg`` as a dict's with ``x`` one of the
    differentiated arguments ``wrt_names``: that is a method of ``arg``'s class."""
    params = set(inspect.signature(fn).parameters)
    tree = ast.parse(compiled.source)
    rebound = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    cells = dict(zip(compiled.__code__.co_freevars, compiled.__closure__ or ()))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 3 \
                and _bound(compiled, cells, node.func.id) is runtime.has_key \
                and all(isinstance(arg, ast.Name) for arg in node.args[:2]) \
                and node.args[0].id in params - rebound and node.args[1].id in wrt_names:
            owner, key = node.args[0].id, node.args[1].id
            raise function_value_unknown(_refusal(
                compiled, node, f"{owner}.get({key}, ...)",
                f"the call {owner}.get({key}, ...) keyed by {key}, an argument differentiated: no dict's get "
                f"(an array is no dict key, and a lookup carries no derivative to its key), but a method of "
                f"the class of the object {owner} is, which decides what it computes"))


def _bound(compiled, cells, name):
    """What ``name`` holds in the generated code: a closure cell (the helpers it calls), else a global."""
    try:
        return cells[name].cell_contents if name in cells else compiled.__globals__.get(name)
    except ValueError:      # an empty cell
        return None


def _refusal(compiled, node, call, reason=None):
    found = origin(compiled.__code__.co_filename, node.lineno + compiled.__code__.co_firstlineno - 1)
    filename, line = found if found is not None else (compiled.__code__.co_filename, node.lineno)
    reason = reason or f"the method call {call} on an argument, whose class decides what it computes and changes"
    return TransformError(reason, filename, line, linecache.getline(filename, line).rstrip(), call)
