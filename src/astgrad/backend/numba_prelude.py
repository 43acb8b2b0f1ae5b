"""The checks a derivative makes of its arguments when it starts, run in Python before
the numba-compiled code.

A function writing into its argument ``x`` checks, first thing, that no other argument
(nor a global or closure variable it reads) holds ``x`` (``arguments_apart``), and that
the items of a list argument it changes with ``op=`` are separate arrays
(``items_apart``). They look at which Python objects hold which: numba has no version
of them. They only read the arguments and globals, so they run as well before the
compiled body: ``lift`` takes them out of the code numba compiles and gives a Python
function with the derivative's parameters that runs them.
"""

import ast
import types

from .. import runtime

CHECKS = (runtime.arguments_apart, runtime.items_apart, runtime.number_array_argument)


def check_names(fn):
    """The names ``fn`` (generated code) calls the argument checks by."""
    values = dict(zip(fn.__code__.co_freevars, (cell.cell_contents for cell in fn.__closure__ or ())))
    return {name for name in fn.__code__.co_names + fn.__code__.co_freevars
            if any(values.get(name, fn.__globals__.get(name)) is check for check in CHECKS)}


def lift(lowered, fn, names):
    """The argument checks (calls of ``names`` in the function's own block, before
    anything binds the names they read) taken out of ``lowered`` (the function numba
    compiles), and a Python function with ``fn``'s parameters, globals and closure
    variables running them; None when there is none. A call of ``names`` left in
    ``lowered`` (a check it cannot lift) stays there, for the backend to refuse."""
    if not names:
        return None
    lowered.body = [stmt for stmt, check in zip(lowered.body, _checks(lowered, names)) if not check]
    original = ast.parse(fn.source).body[0]
    checks = [stmt for stmt, check in zip(original.body, _checks(original, names)) if check]
    if not checks:
        return None
    original.body = _global_copies(original) + checks      # the globals the checks read, read once as the code does
    original.decorator_list, original.returns = [], None
    original.name = "check_arguments"
    return _closure_like(fn, original)


def _checks(function, names):
    """For each statement of ``function``'s block: whether it is ``check(...)`` with
    ``check`` one of ``names``, reading only names no statement before it binds and
    that are parameters or names the function never binds (globals, closure variables)."""
    params = {a.arg for a in function.args.posonlyargs + function.args.args + function.args.kwonlyargs}
    copies = _bound(_global_copies(function))
    local = _bound(function.body) - copies
    found, before = [], set()
    for stmt in function.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        read = {node.id for node in ast.walk(stmt) if isinstance(node, ast.Name)}
        found.append(isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                     and call.func.id in names and not read & before
                     and all(name in params or name not in local for name in read))
        before |= _bound([stmt]) - copies
    return found


def _global_copies(function):
    """The statements ``K_1 = K`` first in ``function``'s block, which read a global once
    as the code starts (read_once.py): the checks may read the local they bind, which
    nothing binds again."""
    params = {a.arg for a in function.args.posonlyargs + function.args.args + function.args.kwonlyargs}
    stores = [node.id for node in ast.walk(function)
              if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)]
    copies = []
    for stmt in function.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Name) and stmt.value.id not in params
                and stmt.value.id not in stores and stores.count(stmt.targets[0].id) == 1):
            break
        copies.append(stmt)
    return copies


def _bound(statements):
    return {node.id for stmt in statements for node in ast.walk(stmt)
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)}


def _closure_like(fn, definition):
    """``definition`` compiled as a function with ``fn``'s globals, defaults and closure
    cells (the names it reads are looked up as ``fn``'s are, when it runs)."""
    free = fn.__code__.co_freevars
    outer = ast.parse(f"def scope({', '.join(free)}):\n    pass\n").body[0]
    outer.body = [definition, ast.Return(ast.Name(definition.name, ast.Load()))]
    module = ast.fix_missing_locations(ast.Module([outer], []))
    code = compile(module, f"<astgrad argument checks of {fn.__qualname__}>", "exec", dont_inherit=True)
    outer_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    inner = next(c for c in outer_code.co_consts if isinstance(c, types.CodeType))
    cells = dict(zip(free, fn.__closure__ or ()))
    checks = types.FunctionType(inner, fn.__globals__, definition.name, fn.__defaults__,
                                tuple(cells[name] for name in inner.co_freevars))
    checks.__kwdefaults__ = fn.__kwdefaults__
    return checks
