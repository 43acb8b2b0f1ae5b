"""The text of exported code: what a function's source reads (global names, attributes,
every identifier), unread calls written alone, the source with a module's globals read on the module (``SCALE``
becomes ``mymod.SCALE``), defaults written as the values the function holds, a def renamed
with a docstring, and the source of a function
astgrad made by rewriting a user's function. See exporting.py."""

import ast
import io
import tokenize
import types

from .core.functions import pinned_globals


def variant_source(fn):
    """The source of a function astgrad made by rewriting a user's function (a helper
    appending to a list it is given as one returning it, a call shape of ``*args``, ...)."""
    import gast
    from .frontend.source import parse_function
    running = getattr(fn, "__astgrad_running__", None)
    if running is not None:         # a twin running the user's function (frontend/threaded.py)
        return _running_source(running, gast)
    tree = parse_function(fn).tree
    # its docstring, after what the rewriting put first: the export writes one of its own
    tree.body = [stmt for stmt in tree.body if not (isinstance(stmt, gast.Expr) and isinstance(
        stmt.value, gast.Constant) and isinstance(stmt.value.value, str))] or [gast.Pass()]
    tree.body = _unread_bindings_dropped(tree.body, gast) or [gast.Pass()]
    return ast.unparse(gast.gast_to_ast(gast.Module(body=[tree], type_ignores=[]))) + "\n"


_RUNNING_LOCALS = {"__astgrad_list__": "items", "__astgrad_table__": "table", "__astgrad_value__": "value"}


def _running_source(tree, gast):
    """The text of a twin that runs the user's function on its items (a list of them, a
    copy of the memo table): its own names read as words; the call of the function stays
    ``__astgrad_original__``, which the export binds under the function's name."""
    from .core import syntax as S
    tree = S.copy(tree)
    taken = {node.id for node in gast.walk(tree) if isinstance(node, gast.Name)}
    chosen = {}
    for local, word in _RUNNING_LOCALS.items():
        name = word
        while name in taken:
            name += "_"
        chosen[local] = name
    for node in gast.walk(tree):
        if isinstance(node, gast.Name) and node.id in chosen:
            node.id = chosen[node.id]
    return ast.unparse(gast.gast_to_ast(gast.Module(body=[tree], type_ignores=[]))) + "\n"


_PURE_READS = ("Name", "Constant", "List", "Tuple", "Dict", "Subscript", "Load")


def _unread_bindings_dropped(body, gast):
    """``body`` without its leading ``param = f_fn`` statements (the function value a
    parameter is given, bound by the rewriting) that nothing in it reads: a derivative
    that calls the function's own derivative instead (``numpy.cos`` for ``f = numpy.sin``)
    leaves the binding unread, which a linter reports. Such a statement only reads names."""
    read = {node.id for stmt in body for node in gast.walk(stmt)
            if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Store)}
    kept, leading = [], True
    for stmt in body:
        leading = leading and isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
            and isinstance(stmt.targets[0], gast.Name) \
            and all(type(node).__name__ in _PURE_READS for node in gast.walk(stmt.value))
        if not (leading and stmt.targets[0].id not in read):
            kept.append(stmt)
    return kept


def global_names(compiled, source):
    """The global names the code reads (attribute names excluded)."""
    tree = ast.parse(source)
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    names = set()
    if tree.body and isinstance(tree.body[0], ast.FunctionDef):     # defaults: read where it is defined
        args = tree.body[0].args
        names = {n.id for d in args.defaults + [d for d in args.kw_defaults if d is not None]
                 for n in ast.walk(d) if isinstance(n, ast.Name)}
    names |= set(pinned_globals(compiled))     # globals the code holds as cells
    stack = [compiled.__code__]
    while stack:
        code = stack.pop()
        names |= set(code.co_names) - set(code.co_varnames) - set(code.co_cellvars) - set(code.co_freevars)
        stack.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return names & loaded


def local_names(source):
    """The names the def ``source`` binds in its own body (its parameters too)."""
    tree = ast.parse(source).body[0]
    stored = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    return stored | {a.arg for a in ast.walk(tree.args) if isinstance(a, ast.arg)}


def names_in(source):
    """Every identifier in ``source`` (names, attributes, parameters, keywords)."""
    return {tok.string for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.NAME}


def prefixed(source, prefixes):
    """``source`` with each read of a global ``name`` in ``prefixes`` written
    ``prefix.name`` (not an attribute ``x.name``, nor a keyword argument ``f(name=...)``)."""
    return _global_reads_replaced(source, prefixes, lambda name: f"{prefixes[name]}.{name}")


def renamed(source, names):
    """``source`` with each read of a global ``name`` in ``names`` written ``names[name]``."""
    return _global_reads_replaced(source, names, names.get)


def _global_reads_replaced(source, names, replacement):
    lines = source.splitlines(True)
    tokens = [tok for tok in tokenize.generate_tokens(io.StringIO(source).readline)
              if tok.type not in (tokenize.NL, tokenize.COMMENT)]
    edits = []
    for i, tok in enumerate(tokens):
        if tok.type != tokenize.NAME or tok.string not in names:
            continue
        after = tokens[i + 1].string if i + 1 < len(tokens) else ""
        if (i and tokens[i - 1].string == ".") or (after == "=" and _in_call(tokens, i)):
            continue
        edits.append((tok.start, tok.string))
    for (row, col), name in sorted(edits, reverse=True):
        line = lines[row - 1]
        lines[row - 1] = f"{line[:col]}{replacement(name)}{line[col + len(name):]}"
    return "".join(lines)


def _in_call(tokens, i):
    """Whether the name at ``tokens[i]`` is inside brackets (a keyword argument)."""
    depth = 0
    for tok in reversed(tokens[:i]):
        if tok.string in ")]}":
            depth -= 1
        elif tok.string in "([{":
            depth += 1
            if depth > 0:
                return True
        elif tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            return False
    return False


def unread_calls_alone(source):
    """``source`` (one def) with each ``name = call(...)`` whose name the function never
    reads written as the call alone: a call the derivative keeps for what it may do (a user
    function not known to be free of effects), not for its value."""
    tree = ast.parse(source)
    read = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store)}
    read |= {name for node in ast.walk(tree) if isinstance(node, (ast.Global, ast.Nonlocal)) for name in node.names}
    unread = [node for node in ast.walk(tree) if isinstance(node, ast.Assign) and len(node.targets) == 1
              and isinstance(node.targets[0], ast.Name) and node.targets[0].id not in read
              and isinstance(node.value, ast.Call) and node.lineno == node.value.lineno]
    if not unread:
        return source
    lines = source.splitlines(True)
    for node in unread:
        line = lines[node.lineno - 1]       # ast columns count UTF-8 bytes
        encoded = line.encode()
        lines[node.lineno - 1] = (encoded[:node.col_offset] + encoded[node.value.col_offset:]).decode()
    return "".join(lines)


def attributes_read(source):
    """{name: the attributes read on it} for ``name.attribute`` in ``source``."""
    read = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            read.setdefault(node.value.id, set()).add(node.attr)
    return read


def returns_wrapped(source, before, after):
    """The def ``source`` returning ``before + value + after`` where it returns ``value``
    (a tuple display is put in parentheses first); returns of defs nested in it are left
    alone."""
    tree = ast.parse(source)
    outer = tree.body[0]
    nested = {id(node) for inner in ast.walk(outer) if inner is not outer
              and isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
              for node in ast.walk(inner)}
    values = [node.value for node in ast.walk(outer)
              if isinstance(node, ast.Return) and node.value is not None and id(node) not in nested]
    lines = [line.encode() for line in source.splitlines(keepends=True)]     # offsets count bytes
    # from the last to the first, so that the positions of those before stay right
    for value in sorted(values, key=lambda v: (v.lineno, v.col_offset), reverse=True):
        first, last = lines[value.lineno - 1], lines[value.end_lineno - 1]
        bare = isinstance(value, ast.Tuple) and first[value.col_offset:value.col_offset + 1] != b"("
        opening, closing = (before + "(", ")" + after) if bare else (before, after)
        lines[value.end_lineno - 1] = last[:value.end_col_offset] + closing.encode() + last[value.end_col_offset:]
        first = lines[value.lineno - 1]
        lines[value.lineno - 1] = first[:value.col_offset] + opening.encode() + first[value.col_offset:]
    return b"".join(lines).decode()


def with_docstring(source, name, description, prologue=()):
    """The def's text, named ``name``, with ``description`` as its docstring and the
    statements ``prologue`` first in its body."""
    first, _, rest = source.partition("\n")
    head, sep, tail = first.partition("(")
    first = f"def {name}{sep}{tail}" if head.startswith("def ") else first
    indent = " " * 4
    doc = description.replace("\n", "\n" + indent).replace(indent + "\n", "\n")
    end = f"\n{indent}" if "\n" in description else ""
    lines = "".join(f"{indent}{line}\n" for line in prologue)
    return f'{first}\n{indent}"""{doc}{end}"""\n{lines}{rest}'


def defaults_as_held(source, fn):
    """``source`` (the def of ``fn``) with each default that is not a literal written as
    the value ``fn`` holds, where that value is a literal: a default is evaluated once,
    where the user's function was defined (``s=SCALE`` is what SCALE held then, and the
    exported module has no ``SCALE`` of its own). Also the parameters whose default names a global
    that no longer holds it (``s=W0`` of an array ``W0`` is read on its module, as other
    globals are, while ``W0`` holds it; an expression, ``np.ones(3)``, is evaluated again)."""
    definition = ast.parse(source).body[0]
    args = definition.args
    positional = [arg.arg for arg in args.posonlyargs + args.args]
    held = dict(zip(positional[len(positional) - len(fn.__defaults__ or ()):], fn.__defaults__ or ()))
    held.update(fn.__kwdefaults__ or {})
    pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
    pairs += [(arg.arg, node) for arg, node in zip(args.kwonlyargs, args.kw_defaults) if node is not None]
    edits, unheld = [], []
    for name, node in pairs:
        if name not in held or _literal(node):
            continue
        if _written(held[name]) is not None:
            edits.append((node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, _written(held[name])))
        elif isinstance(node, ast.Name) and fn.__globals__.get(node.id, unheld) is not held[name]:
            unheld.append(name)
    lines = [line.encode() for line in source.splitlines(True)]
    for row, col, end_row, end_col, text in sorted(edits, reverse=True):     # offsets are in bytes
        lines[row - 1:end_row] = [lines[row - 1][:col] + text.encode() + lines[end_row - 1][end_col:]]
    return b"".join(lines).decode(), unheld


def _literal(node):
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _written(value):
    """``value`` as Python text that reads back as an equal value of its type, or None."""
    if type(value) not in (bool, int, float, complex, str, bytes, type(None), tuple):
        return None
    return exact_text(value)


def exact_text(value):
    """``repr(value)`` where it reads back (a literal) as an equal value of its type, else None."""
    text = repr(value)
    try:
        back = ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return text if type(back) is type(value) and back == value else None
