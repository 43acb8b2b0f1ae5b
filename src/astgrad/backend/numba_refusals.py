"""What the numba backend cannot compile, said in terms of the user's code.

Two ways to find it. Before numba runs, ``unsupported_calls`` looks through the code
numba would compile for functions numba has no implementation of at all (a NumPy or
SciPy function outside its subset, a Python function that is not compiled). After,
``typing_refusal`` reads numba's typing error: the function it could not call with
these argument types (``np.sum`` with a tuple axis, ``math.sin`` of an array), or the
variable that would have two types (a float before a loop and an array in it, float32
and float64). Either way ``locate`` finds the user's line: the line of the user's
function calling the function by name, or else the line whose derivative the generated
code computes there (the ``# line N: ...`` comments of ``.source``), and the refusal is
a ``BackendError`` (``numba_backend`` makes it from ``refusal``'s result) with that
file, line and construct.
"""

import ast
import linecache
import re

_LINE_COMMENT = re.compile(r"^\s*# line (\d+): ")
_ASTGRAD_FILE = "<astgrad numba "
_AUTO = "use backend='auto' to run it as Python"
# names numba_lower gives calls -> the NumPy function the user wrote
_STAND_INS = {"sum_over": "sum", "mean_over": "mean", "matmul": "matmul"}


def unsupported_calls(fn_node, scope):
    """[(dotted name, last name)] of the calls in ``fn_node`` (lowered code) of a global
    function numba has no implementation of, in order, each once."""
    from numba.core.registry import cpu_target
    cpu_target.target_context.refresh()     # loads numba's NumPy implementations, once
    context = cpu_target.typing_context
    context.refresh()           # and the typing of those registered since numba last compiled
    local = {a.arg for a in fn_node.args.args} | {
        n.id for n in ast.walk(fn_node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    found = []
    for node in ast.walk(fn_node):
        if not isinstance(node, ast.Call):
            continue
        dotted, value = _global_value(node.func, scope, local)
        if dotted is None or dotted in (d for d, _ in found) or not callable(value):
            continue
        try:
            context.resolve_value_type(value)
        except Exception:       # noqa: BLE001 - numba: no typing for this value
            found.append((dotted, dotted.rsplit(".", 1)[-1]))
    return found


def _global_value(node, scope, local):
    """(dotted text, value) of ``a.b.c`` rooted at a global name of ``scope``; (None, None)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id in local or node.id not in scope:
        return None, None
    value = scope[node.id]
    for part in reversed(parts):
        value = getattr(value, part, None)
    return ".".join([node.id, *reversed(parts)]), value


def typing_refusal(message):
    """(what numba could not do, a name to look for in the code) from a typing error."""
    message = re.sub(r"\x1b\[[0-9;]*m", "", message)
    unify = re.search(r"Cannot unify (.+?) and (.+?) for '([A-Za-z_]\w*)(?:\.\d+)?'", message)
    if unify:
        first, second, name = unify.groups()
        shown = f"`{name}`" if not re.fullmatch(r"t(_\d+)?|d_\w+|\w+_stack", name) else "a value"
        return (f"{shown} is {first} in one place and {second} in another, and numba gives "
                f"every variable one type", name, "a value changing type")
    functions = [name for name in re.findall(r"Function\(<(?:built-in )?function (\w+)", message)
                 + re.findall(r"Untyped global name '(\w+)'", message)
                 + re.findall(r"Unknown attribute '(\w+)'", message) if not name.startswith("fused_")]
    if functions:
        name = _STAND_INS.get(functions[-1], functions[-1])       # the innermost call
        calls = [(_STAND_INS.get(f, f), a) for f, a in re.findall(r">>> (\w+)\((.*)\)", message)]
        arguments = next((f"({_readable(a)})" for f, a in reversed(calls) if f == name), "")
        return f"{name}{arguments}", name, name
    first = next((line.strip() for line in message.splitlines() if line.strip()
                  and not line.strip().startswith(("Failed in", "During"))), message.strip())
    return first, None, first


def _readable(types_text):
    """numba's argument types with its literal markers left out: ``Literal[int](0)`` -> ``0``."""
    return re.sub(r"Literal\[\w+\]\(([^()]*)\)", r"\1", types_text)


def generated_line(message, filename):
    """The line of the generated code (compiled as ``filename``) numba's ``message`` is about."""
    name = re.escape(filename)
    match = re.search(rf'{name}", line (\d+)', message) or re.search(rf"{name} \((\d+)\)", message)
    return int(match.group(1)) if match else None


def _commented_line(generated, line):
    """The user's line whose derivative line ``line`` of ``generated`` is part of."""
    for text in reversed(generated.splitlines()[:line]):
        match = _LINE_COMMENT.match(text)
        if match:
            return int(match.group(1)), text.split(": ", 1)[1]
    return None


def locate(generated, where, name, line=None):
    """(filename, lineno, line) of the user's code that ``name`` (a function called, or a
    variable of the generated code ``generated``) at ``line`` of it comes from; Nones
    where unknown."""
    filename, first = where if where else (None, None)
    commented = _commented_line(generated, line) if line else None
    if commented:
        text = linecache.getline(filename, commented[0]).strip() if filename else ""
        return filename, commented[0], text or commented[1]
    numbers = [int(m.group(1)) for m in map(_LINE_COMMENT.match, generated.splitlines()) if m]
    if name and filename and first:
        last = max(numbers, default=first)
        for lineno in range(first, last + 1):
            text = linecache.getline(filename, lineno)
            if re.search(rf"\b{re.escape(name)}\s*\(", text) or re.search(rf"^\s*{re.escape(name)}\s*=", text):
                return filename, lineno, text.strip()
    current = None
    for text in generated.splitlines():
        match = _LINE_COMMENT.match(text)
        if match:
            current = (int(match.group(1)), text.split(": ", 1)[1])
        elif current and name and re.search(rf"\b{re.escape(name)}\b", text):
            line = linecache.getline(filename, current[0]).strip() if filename else ""
            return filename, current[0], line or current[1]
    return filename, None, None


def dotted_name(line, name):
    """``np.linalg.slogdet`` for ``name`` 'slogdet' as ``line`` writes the call, else ``name``."""
    match = re.search(rf"([A-Za-z_][\w.]*\.)?{re.escape(name)}\s*\(", line or "")
    return (match.group(1) or "") + name if match else name


def refusal(what, generated, where, name, construct, label, helper=False, line=None):
    """The arguments of the BackendError for ``what`` (see the module docstring);
    ``line``: where in the generated code, if known."""
    filename, lineno, line = locate(generated, where, name, line)
    if helper:
        reason = (f"the derivative of {label} calls astgrad's helper {name!r}, which the numba "
                  f"backend has no version of; {_AUTO}")
    else:
        if line and name and what.startswith(name):
            what = dotted_name(line, name) + what[len(name):]
            construct = dotted_name(line, name) if construct == name else construct
        if construct == "a value changing type":
            reason = f"{what}: the numba backend cannot compile the derivative of {label}; {_AUTO}"
        else:
            reason = f"{what} is not supported by the numba backend (in the derivative of {label}); {_AUTO}"
    return dict(message=reason, filename=filename, lineno=lineno, line=line, construct=construct)
