"""The refusal of a write into the array a call gives, with no name:
``np.einsum("ii->i", m)[:] *= w``, ``m.diagonal()[0] = v``. Some such calls give a view
of their argument (einsum's diagonal is a writeable one), so the write changes ``m``,
which astgrad does not follow through the call: the words name the array and the call,
and say what to write instead.
"""

import ast
import re
import types

# the calls giving (a view of) a diagonal: the advice writes into it by index
_DIAGONALS = ("einsum", "diagonal", "diag")


def call_result_refusal(source, stmt, action, target, text):
    """The TransformError for ``target`` (the user's ``call(...)[k]``, an ast node, on the
    line ``text``), or None where ``target`` is no such write."""
    if not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Call)):
        return None
    call = target.value
    shown = ast.get_source_segment(text, call) or ast.unparse(call)
    arrays = [a for a in call.args if isinstance(a, ast.Name)]
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if isinstance(receiver, ast.Name) and not isinstance(
            getattr(getattr(source, "fn", None), "__globals__", {}).get(receiver.id), types.ModuleType):
        arrays.insert(0, receiver)       # m.diagonal(): a method of m (not np.einsum: a module's function)
    array = arrays[0].id if arrays else None
    function = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    operator = re.search(r"\]\s*(\*\*|//|>>|<<|[-+*/@%&|^])=", text)
    if array is not None and function in _DIAGONALS:
        updated = f"{array}[idx] {operator[1]}= ..." if operator else f"{array}[idx] = ..."
        advice = (f"write into {array}'s diagonal by index (idx = numpy.diag_indices({array}.shape[0]); {updated}), "
                  f"or numpy.fill_diagonal({array}, values) for new values")
    elif array is not None:
        advice = (f"write into {array} itself through an index ({array}[...] = ...), or bind the result to a "
                  f"name and build the new array from it")
    else:
        advice = "bind the array to a name and write into it through an index, or build a new value"
    whom = f" of {array}" if array is not None else ""
    return source.error(
        f"{action} {shown}, the array this call gives (for some calls a view{whom}, so the write would "
        f"change {array or 'its argument'} too), with no name: astgrad does not follow writes through a call's "
        f"result. Instead, {advice}", stmt, construct="in-place write")
