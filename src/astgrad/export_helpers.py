"""The source of astgrad's runtime helpers an exported module needs, and nothing more.

Generated code calls a few helpers of astgrad's own (``unbroadcast``, ``unreduce``,
...). An exported module holds their definitions, so it runs where only NumPy is
installed: for each helper needed, the top-level statement of its module that defines
it (a ``def``, a ``class``, an assignment, an import), then, transitively, the
statements defining the module-level names those statements read. A relative import
of another astgrad module (``from .special_functions import polygamma``) is followed into that
module. Statements come out in their modules' order, the modules a module imports from
first, so each name is defined before a statement at module level reads it.
"""

import ast
import builtins
import importlib
import importlib.util
import inspect


class HelperSource:
    """Collects the statements defining the helpers asked for (``add``) and writes them
    out (``imports``, ``definitions``)."""

    def __init__(self):
        self._modules = {}          # module name -> {defined name: (index, statement)}
        self._lines = {}            # module name -> its source lines
        self._chosen = {}           # module name -> {index: statement}
        self._order = []            # module names, the ones imported from first
        self.names = {}             # defined name -> module name
        self._imported = {}         # name bound by a plain import -> the module it names

    def add(self, module_name, name):
        """Include what defines ``name`` in module ``module_name`` (and what that needs)."""
        pending = [(module_name, name)]
        while pending:
            module_name, name = pending.pop()
            table = self._table(module_name)
            if name not in table:
                if hasattr(builtins, name):
                    continue
                raise LookupError(f"{module_name}.{name} is not defined at module level")
            index, stmt = table[name]
            chosen = self._chosen.setdefault(module_name, {})
            if index in chosen and self.names.get(name) == module_name:
                continue
            if isinstance(stmt, ast.ImportFrom) and stmt.level:
                target = importlib.util.resolve_name("." * stmt.level + (stmt.module or ""),
                                                     module_name.rpartition(".")[0])
                original = next(a.name for a in stmt.names if (a.asname or a.name) == name)
                pending.append((target, original))
                self._before(target, module_name)
                # claimed where it is defined: a helper runtime.py re-exports is one helper
                if original != name:    # one line per alias the statement binds (a as _a, b as _b)
                    self._claim(name, module_name)
                    alias, held = f"{name} = {original}", chosen.get(index)
                    if not isinstance(held, str):
                        chosen[index] = alias
                    elif alias not in held.splitlines():
                        chosen[index] = f"{held}\n{alias}"
                continue
            if self._already_imported(stmt):
                continue
            chosen[index] = stmt
            for defined in _defined(stmt):
                self._claim(defined, module_name)
            pending.extend((module_name, read) for read in _reads(stmt) if read in table)

    def _already_imported(self, stmt):
        """Whether ``stmt`` is a plain ``import numpy`` (or ``import numpy as np``) that an
        earlier helper module's same import already wrote: the same module, the same name."""
        if not isinstance(stmt, ast.Import):
            return False
        for alias in stmt.names:
            bound = alias.asname or alias.name
            if self._imported.get(bound) != alias.name:
                for other in stmt.names:
                    self._imported.setdefault(other.asname or other.name, other.name)
                return False
        return True

    def _claim(self, name, module_name):
        owner = self.names.setdefault(name, module_name)
        if owner != module_name:
            raise LookupError(f"two helpers named {name!r} ({owner} and {module_name})")

    def _before(self, first, then):
        for module_name in (first, then):
            if module_name not in self._order:
                self._order.append(module_name)
        if self._order.index(first) > self._order.index(then):
            self._order.remove(first)
            self._order.insert(self._order.index(then), first)

    def _table(self, module_name):
        table = self._modules.get(module_name)
        if table is None:
            self._lines[module_name], table = _parsed(module_name)
            self._modules[module_name] = table
            if module_name not in self._order:
                self._order.append(module_name)
        return table

    def statements(self):
        """The text of the chosen statements as written in their modules, imports apart:
        (import lines, other statements)."""
        imports, others = [], []
        for module_name in self._order:
            lines = self._lines.get(module_name, [])
            for _, stmt in sorted(self._chosen.get(module_name, {}).items()):
                if isinstance(stmt, str):
                    others.append(stmt)
                elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                    imports.append(ast.unparse(stmt))
                else:
                    first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
                    others.append("\n".join(lines[first - 1:stmt.end_lineno]))
        return imports, others


_PARSED = {}        # module name -> (its source, its lines, its table), see _parsed


def _parsed(module_name):
    """The lines of module ``module_name``'s source and its table: each name its top-level
    statements bind -> (the index of the first binding it, that statement). Parsed once
    while the source is the same: every export reads the same few helper modules, and
    parsing them again took a fifth of exporting. The statements are only read."""
    text = inspect.getsource(importlib.import_module(module_name))
    known = _PARSED.get(module_name)
    if known is None or known[0] != text:
        table = {}
        for index, stmt in enumerate(ast.parse(text).body):
            for defined in _defined(stmt):
                table.setdefault(defined, (index, stmt))
        known = _PARSED[module_name] = (text, text.splitlines(), table)
    return known[1], known[2]


def _defined(stmt):
    """The module-level names a top-level statement binds."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return [(a.asname or a.name).partition(".")[0] for a in stmt.names if a.name != "*"]
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return []


def _reads(stmt):
    """Every name a statement (its nested functions included) reads, once each, in the
    order the walk meets them: a set's order would change with the process's string
    hashing, and the exported module's text with it."""
    return list(dict.fromkeys(n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)))


def is_helper_name(name):
    """Whether ``name`` is that of a helper of astgrad's runtime an exported module may
    define (``zeros_like``, ``scale``): another object the code reads under that name
    (NumPy's ``zeros_like``, a closure variable ``scale``) is given another name there."""
    from . import runtime
    helper = getattr(runtime, name, None)
    return (inspect.isfunction(helper) or inspect.isclass(helper)) \
        and (helper.__module__ or "").partition(".")[0] == "astgrad"
