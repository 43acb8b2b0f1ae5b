"""Generated reverse-mode code that is given some forward values instead of computing them.

A caller that already holds the values the forward sweep computes (the tape front end
keeps what each recorded operation returned) can skip recomputing them:
``with_given_values(compiled, names)`` is a copy of generated function ``compiled``
without its statements ``name = ...`` for ``names``, which become positional parameters
after the original ones::

    def grad_tape(x0, x1, c0, *, d_t3=1.0):        def grad_tape(x0, x1, c0, t2, *, d_t3=1.0):
        t2 = numpy.tanh(c0 @ x0 + x1)                  d_t2 = d_t3 * t2
        d_t2 = d_t3 * t2                    ->         ...
        ...

Only a name assigned exactly once, by a statement of the function's body, is left
out, and only if the code cannot write into its memory: not one it updates with ``+=``,
writes elements of, or aliases (``a = name``, which a later ``a += ...`` could write
through); code with an ``out=`` argument anywhere is not changed at all.
"""

import ast
import types

from .emit import compile_closure

__all__ = ["with_given_values"]


def with_given_values(compiled, names):
    """``(copy, taken)``: a copy of ``compiled`` (generated code with a ``source``) that
    takes the values of ``taken`` (those of ``names`` it can safely be given, in order)
    as parameters after its own, instead of computing them; None if there are none."""
    source = getattr(compiled, "source", None)
    if source is None:
        return None
    definition = ast.parse(source).body[0]
    if not isinstance(definition, ast.FunctionDef) or definition.args.defaults or definition.args.vararg:
        return None
    safe = _safe_names(definition, set(names))
    taken = [name for name in names if name in safe]
    if not taken:
        return None
    text = _without(source, definition, safe, taken)
    free = compiled.__code__.co_freevars
    code = compile_closure(text, definition.name, set(free), f"backward of {definition.name}")
    cells = dict(zip(free, compiled.__closure__ or ()))
    copy = types.FunctionType(code, compiled.__globals__, definition.name, None,
                              tuple(cells[name] for name in code.co_freevars) or None)
    copy.__kwdefaults__ = compiled.__kwdefaults__
    copy.source = text
    return copy, taken


def _without(source, definition, names, parameters):
    """``source`` without the statements assigning ``names``, and with ``parameters``
    added to the def: line by line where the def is its first line (generated code's
    comments stay), else unparsed."""
    kept = [stmt for stmt in definition.body if _assigned_name(stmt) not in names]
    dropped = [stmt for stmt in definition.body if _assigned_name(stmt) in names]
    definition.args.args += [ast.arg(arg=name) for name in parameters]
    lines = source.splitlines(keepends=True)
    if definition.lineno != 1 or definition.body[0].lineno < 2 or not lines[0].rstrip().endswith(":"):
        definition.body = kept
        return ast.unparse(ast.fix_missing_locations(definition)) + "\n"
    header = ast.FunctionDef(name=definition.name, args=definition.args, body=[ast.Pass()],
                             decorator_list=[], returns=None, type_comment=None, type_params=[])
    gone = {line for stmt in dropped for line in range(stmt.lineno - 1, stmt.end_lineno)}
    body = [line for k, line in enumerate(lines) if k and k not in gone]
    return ast.unparse(ast.fix_missing_locations(header)).splitlines()[0] + "\n" + "".join(body)


def _assigned_name(stmt):
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    return None


def _safe_names(definition, names):
    """Those of ``names`` that one statement of the body assigns, that nothing else
    stores, and whose memory no write can reach (no ``+=``, element write or alias)."""
    top = {_assigned_name(stmt) for stmt in definition.body} & names
    stores = dict.fromkeys(top, 0)
    unsafe = {a.arg for a in ast.walk(definition.args) if isinstance(a, ast.arg)}
    if any(isinstance(node, ast.keyword) and node.arg == "out" for node in ast.walk(definition)):
        return set()
    for node in ast.walk(definition):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in stores:
            stores[node.id] += 1
        elif isinstance(node, ast.AugAssign):
            unsafe.add(_root(node.target))
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.Return)):
            unsafe.update(_bare_names(node.value))     # aliases a later += could write through
            if not isinstance(node, ast.Return):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                unsafe.update(_root(t) for t in targets if not isinstance(t, ast.Name))
    return {name for name, count in stores.items() if count == 1 and name not in unsafe}


def _bare_names(value):
    """The names ``value`` hands on as they are (``a``, ``(a, b)``), not computed from."""
    if isinstance(value, ast.Name):
        return [value.id]
    if isinstance(value, (ast.Tuple, ast.List)):
        return [name for item in value.elts for name in _bare_names(item)]
    return []


def _root(target):
    while isinstance(target, (ast.Subscript, ast.Attribute, ast.Starred)):
        target = target.value
    return target.id if isinstance(target, ast.Name) else None
