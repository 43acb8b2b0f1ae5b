"""JAX's ``has_aux`` through ``astgrad.export``, and the refusal of a function returning a
pair exported without it.

With ``has_aux=True`` export writes the derivative of the function's value, as the
transforms in process do (aux_outputs.py): the code of a wrapper inlining the function,
which hands the second item it returns to ``keep_aux`` and differentiates the first. The
exported module holds ``keep_aux`` and ``hands_back_aux`` (copied from aux_outputs.py,
as the other helpers are), and the exported derivative is decorated with
``hands_back_aux``: its call returns ``(derivative, aux)`` (a jvp's ``(value, tangent,
aux)``), as ``astgrad.grad(f, has_aux=True)`` (``jvp``) returns it.

Without ``has_aux``, a gradient's seed read as a container (``d_loss[0]``) means the
function returns a tuple, list or dict, whose gradient the exported module would fail to
compute at its first call: export refuses it at the line of that ``return``.
"""

import ast
import inspect
import linecache
import os

from .aux_outputs import hands_back_aux, value_function
from .core.functions import underlying
from .core.generated_text import origin


def differentiated(f, has_aux):
    """The function export differentiates: ``f``'s value alone with ``has_aux``."""
    return value_function(f) if has_aux else f


def returned(mode, order):
    """What the exported derivative of a has_aux function returns, in words."""
    if mode == "forward":
        return "(value, tangent, aux)" if order == 1 else "((gradient, its tangent), aux)"
    return "(gradient, aux)" if order == 1 else "(derivative, aux)"


def described(description, fn, mode, order):
    """``description`` (the exported derivative's docstring) saying what it returns."""
    first, _, rest = description.partition("\n\n")
    transform = "jvp" if mode == "forward" and order == 1 else "grad"
    return (f"{first}\n\n{fn.__name__} returns (value, aux): this differentiates its value and returns "
            f"{returned(mode, order)},\nthe aux as {fn.__name__} computed it, as astgrad.{transform}(..., "
            f"has_aux=True) does.\n\n{rest}")


def bind_decorator(module, caller):
    """The module-level name of ``hands_back_aux`` in ``module`` (an exporting._Module),
    bound before the exported derivative is added (``decorate`` then puts it on the def)."""
    name = module.free_name("hands_back_aux")
    module.bind(name, hands_back_aux, caller)
    return name


def decorate(module, decorator, name, mode, order):
    """Put ``@decorator(spread=...)`` on the def of the exported derivative ``name``, the
    last function ``module`` holds (add_with_twin adds it last)."""
    last = module.functions[-1]
    assert f"def {name}(" in last.partition('"""')[0], "the exported derivative is the last function"
    spread = mode == "forward" and order == 1
    module.functions[-1] = f"@{decorator}(spread={spread})\n{last}"


def refuse_container_output(fn, compiled, mode, order):
    """Raise ValueError (an ExportError by the caller) where ``compiled``, the generated
    code of ``fn``'s gradient (of the first order), reads the output's seed as a container: ``fn`` returns a tuple, list
    or dict, which a gradient (reverse mode, or forward mode over one) does not take.
    A jvp (forward mode, order 1) takes any output."""
    if mode == "forward" and order == 1:
        return
    own = set(inspect.signature(fn).parameters)
    signature = inspect.signature(compiled)
    seeds = {p.name for p in signature.parameters.values()      # d_f=1.0; a jvp's tangents have no default
             if p.kind is p.KEYWORD_ONLY and p.default is not p.empty and p.name not in own}
    found = _seed_read_as_container(compiled, seeds, set())
    if found is not None:
        raise ValueError(_container_words(fn, found))


def _seed_read_as_container(compiled, seeds, seen):
    """The user's (file, line) where generated code ``compiled`` (or the derivative of a
    callee it hands a seed to: ``grad_helper(x, d_helper=d_f)``) reads one of ``seeds``
    as a container; the code's own place where that line is not known; None if none does."""
    if id(compiled) in seen or not hasattr(compiled, "source"):
        return None
    seen.add(id(compiled))
    code = compiled.__code__
    cells = dict(zip(code.co_freevars, compiled.__closure__ or ()))
    for node in ast.walk(ast.parse(compiled.source)):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in seeds:
            line = node.lineno + code.co_firstlineno - 1
            return origin(code.co_filename, line) or (code.co_filename, line)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in cells:
            handed = {k.arg for k in node.keywords if isinstance(k.value, ast.Name) and k.value.id in seeds}
            if handed:
                found = _seed_read_as_container(_cell_function(cells[node.func.id]), handed, seen)
                if found is not None:
                    return found
    return None


def _cell_function(cell):
    """The generated code a closure cell of generated code holds (a callee's derivative), or None."""
    try:
        value = cell.cell_contents
    except ValueError:
        return None
    from .caching import Deferred
    if isinstance(value, Deferred):     # a callee's derivative made when first called
        value = underlying(value)
    return value if getattr(value, "__astgrad_generated__", False) else None


def _container_words(fn, found):
    name = fn.__name__
    filename, number = found
    text = linecache.getline(filename, number).strip()
    line = f" ({os.path.basename(filename)}, line {number}: {text})" if text else ""
    what = _returned_display(text) or "a tuple, list or dict"
    return (f"grad requires {name} to return a scalar, but it returns {what}{line}. If {name} returns "
            f"(value, aux), the value to differentiate and anything else to hand back, export it with "
            f"has_aux=True (python -m astgrad export ... --has-aux): the exported function then returns "
            f"(gradient, aux), as astgrad.grad(..., has_aux=True) does; for a non-scalar output, export "
            f"its jvp (mode='forward') or use astgrad.vjp in process")


def _returned_display(text):
    """"a tuple" (list, dict) where ``text`` is a ``return`` of such a display, else None."""
    try:
        statement = ast.parse(text).body[0]
    except (SyntaxError, IndexError):
        return None
    value = getattr(statement, "value", None) if isinstance(statement, ast.Return) else None
    kinds = {ast.Tuple: "a tuple", ast.List: "a list", ast.Dict: "a dict"}
    kind = kinds.get(type(value))
    if kind is not None and isinstance(value, (ast.Tuple, ast.List)):
        kind += f" of {len(value.elts)} items"
    return kind
