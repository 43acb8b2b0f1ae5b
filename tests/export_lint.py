"""A linter for exported modules (test_export.py): the module must compile, and pyflakes
must find nothing in it; where pyflakes is not installed, a check of the three things it
would find in generated code (``fallback_problems``): imports never used, names read but
defined nowhere (not a builtin, not bound anywhere in the module), and local names
assigned but never read."""

import ast
import builtins


def lint_problems(text, filename="exported.py"):
    """The problems found in ``text`` (a module's source), one message each."""
    tree = ast.parse(text, filename)
    compile(tree, filename, "exec")             # a syntax error raises here or above
    try:
        from pyflakes.checker import Checker
    except ImportError:
        return fallback_problems(tree)
    # pyflakes finds what the fallback finds, and more (it follows scopes): on the tree
    # parsed above, not parsing it again (exported modules are long, and linted on every Python)
    messages = sorted(Checker(tree, filename=filename).messages, key=lambda message: message.lineno)
    return [f"line {message.lineno}: {message.message % message.message_args}" for message in messages]


def fallback_problems(tree):
    """What ``lint_problems`` finds in ``tree`` (a parsed module) without pyflakes."""
    return _unused_and_undefined(tree) + _unread_locals(tree)


def _unused_and_undefined(tree):
    imported, bound, loaded = {}, set(dir(builtins)) | {"__name__", "__file__", "__doc__"}, set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                name = (alias.asname or alias.name).partition(".")[0]
                imported[name] = node.lineno
                bound.add(name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
    problems = [f"line {line}: {name!r} imported but unused" for name, line in imported.items()
                if name not in loaded]
    problems += [f"undefined name {name!r}" for name in sorted(loaded - bound)]
    return problems


def _unread_locals(tree):
    """``name = value`` in a function whose name the function never reads (as pyflakes
    says it: tuple targets and names declared global or nonlocal are left alone)."""
    problems = []
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        read, assigned = set(), []
        for node in ast.walk(function):     # once: exported modules are long, and linted often
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
                read.add(node.id)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                read.update(node.names)
            elif isinstance(node, ast.Assign):
                assigned += [(node.lineno, target.id) for target in node.targets if isinstance(target, ast.Name)]
        problems += [f"line {line}: local variable {name!r} is assigned to but never used"
                     for line, name in assigned if name not in read]
    return problems
