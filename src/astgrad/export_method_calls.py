"""Methods of argument objects that exported code would call as they are.

``astgrad.export`` writes the general code, made before any argument is seen. A method
called on an argument (``v = acc.drop()``) whose value carries no derivative is kept
there as a call, unlooked at: which method runs depends on the class of the object the
caller passes, and it may change that object (``self.items.pop()``), which a derivative
never does (the transforms in process look at the method of the class they are given,
and refuse it). So export refuses such a call, as it refuses one it needs the class for.
"""

import ast
import inspect
import linecache

import numpy

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


def _refusal(compiled, node, call):
    found = origin(compiled.__code__.co_filename, node.lineno + compiled.__code__.co_firstlineno - 1)
    filename, line = found if found is not None else (compiled.__code__.co_filename, node.lineno)
    return TransformError(f"the method call {call} on an argument, whose class decides what it computes and "
                          "changes", filename, line, linecache.getline(filename, line).rstrip(), call)
