"""The package's shape: no import cycles between its modules, and every module says its job.

Imports are read from the source with ``ast``, function-local ones included (a hidden
``from ..pipeline import x`` inside a function is still a dependency), with relative
imports resolved. ``from . import x`` counts as importing the module ``x`` when it is one.
A package's ``__init__`` is not a dependency of its own submodules (it imports them).
"""

import ast
import pathlib

import astgrad

PACKAGE = pathlib.Path(astgrad.__file__).parent



def _modules():
    """Module name -> (path, is_package) for every module of astgrad."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ("astgrad",) + path.relative_to(PACKAGE).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


def _imported(module, is_package, node):
    """The module names an import statement in ``module`` may refer to."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level > 1:
        base = base[:len(base) - (node.level - 1)]
    stem = ".".join(base + [node.module]) if node.level and node.module else (
        ".".join(base) if node.level else node.module)
    return [stem] + [f"{stem}.{alias.name}" for alias in node.names]


def import_graph():
    modules = _modules()
    graph = {}
    for module, (path, is_package) in modules.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                deps.update(name for name in _imported(module, is_package, node)
                            if name in modules and name != module)
        graph[module] = {dep for dep in deps
                         if not (modules[dep][1] and module.startswith(dep + "."))}
    return graph


def strongly_connected(graph):
    """The groups of modules that import each other, directly or through others (Tarjan)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def a_cycle(graph, group):
    """One cycle through the modules of ``group``, as a list that starts and ends alike."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:            # breadth first, inside the group, back to the start
        following = []
        for v in frontier:
            for w in sorted(graph[v] & group):
                if w == start:
                    return paths[v] + [start]
                if w not in paths:
                    paths[w] = paths[v] + [w]
                    following.append(w)
        frontier = following
    raise AssertionError(f"no cycle through {start}")


def test_the_import_graph_has_no_cycle():
    graph = import_graph()
    cycles = [a_cycle(graph, group) for group in strongly_connected(graph)]
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_the_check_finds_a_cycle_hidden_in_a_function():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    (group,) = strongly_connected(graph)
    assert group == {"a", "b", "c"}
    assert a_cycle(graph, group) == ["a", "b", "c", "a"]
    tree = ast.parse("def f():\n    from ..pipeline import prepare\n    from . import reverse\n")
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert _imported("astgrad.modes.common", False, imports[0]) == [
        "astgrad.pipeline", "astgrad.pipeline.prepare"]
    assert _imported("astgrad.modes.common", False, imports[1]) == [
        "astgrad.modes", "astgrad.modes.reverse"]


def test_every_module_has_a_docstring():
    missing = [module for module, (path, _) in _modules().items()
               if not ast.get_docstring(ast.parse(path.read_text(), str(path)))]
    assert not missing, f"modules without a docstring: {missing}"


def test_the_contributor_guide_names_every_module():
    """docs/contributing.md's module table is the map of the engine: a module added
    outside rules/ and tape/ (which the guide describes as wholes) must appear in it."""
    guide = (pathlib.Path(__file__).parent.parent / "docs" / "contributing.md").read_text()
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in ("rules", "tape") or path.name == "__init__.py":
            continue
        if f"`{path.name}`" not in guide:
            missing.append(str(relative))
    assert not missing, f"modules docs/contributing.md does not name: {missing}"
