"""A ``class`` statement in the body of the differentiated function:

    def loss(x, w):
        @dataclasses.dataclass
        class Affine:
            A: np.ndarray
            c: float

            def __call__(self, v):
                return self.A @ v + self.c

        f = Affine(np.eye(3) * w, 0.5)
        return np.sum(f(x))

The class is made when the code is generated, from its own lines (so its methods have
source astgrad reads, and errors name their lines), in the function's module, and the
name is bound to it as an import inside the function is: its instances are then objects
of a known class (built_objects.py, or a dataclass built as a record). Python makes a
new class at each call; that differs only in the class's identity, which the code may
not depend on. It has the names Python gives it (``f.<locals>.Affine``).

Only a class statement at the top level of the body, whose name is bound nowhere else,
reading no local variable of the function (its methods read globals, as a module-level
class's do), is made so; any other is refused with the reason.

A method may read its own class or another class of the body, made before or after its
own (``A.make`` building a ``B`` defined after ``A``): as in Python, it reads the name
when it runs, from a cell the class's methods share, set once that class is made. Python
raises NameError where such a method runs before that class statement; astgrad refuses
a use of ``A`` before it that may run one (local_class_order.py)."""

import ast
import keyword
import types
import weakref

import gast

from ...core import syntax as S
from .local_class_order import check_class_order

_made = weakref.WeakKeyDictionary()         # function -> {line: the class made for that statement}
_NAMED = (types.FunctionType, staticmethod, classmethod)
_cells = weakref.WeakKeyDictionary()        # class made -> {name of a class its methods read: its cell}


def bind_local_classes(normalizer, tree):
    """Make each class statement of ``tree``'s body and bind its name (see above); the
    names the body's imports bind (``from typing import NamedTuple``) are seen by its
    bases and decorators."""
    imports = [stmt for stmt in tree.body if isinstance(stmt, (gast.Import, gast.ImportFrom))]
    if imports:
        normalizer.bind_imports(gast.Module(body=imports, type_ignores=[]))
    class_names = {stmt.name for stmt in tree.body if isinstance(stmt, gast.ClassDef)}
    if class_names:
        check_class_order(normalizer, tree.body, _reads_by_time)
    made = []
    for index, stmt in enumerate(tree.body):
        if not isinstance(stmt, gast.ClassDef):
            continue
        normalizer.line = getattr(stmt, "lineno", normalizer.line)
        _check(normalizer, stmt)
        cls = _made_class(normalizer, stmt, class_names)
        made.append(cls)
        normalizer.source.scopes[stmt.name] = cls
        normalizer.bindings[stmt.name] = cls
        normalizer.locals.discard(stmt.name)
        tree.body[index] = gast.copy_location(gast.Pass(), stmt)
    for cls in made:        # the classes a method reads, made after its own
        for name, cell in _cells.get(cls, {}).items():
            cell.cell_contents = normalizer.bindings[name]


def _check(normalizer, stmt):
    name = stmt.name
    if normalizer.bound_count.get(name, 0) > 1 or name in normalizer.source.scopes:
        raise normalizer._refuse("a class definition whose name is bound to other values too", stmt,
                                 "give the class a name of its own, or define it at module level")
    outer = sorted(_free_names(stmt) & normalizer.locals)
    if outer:
        raise normalizer._refuse(f"a class definition reading the local variable '{outer[0]}'", stmt,
                                 "define the class at module level, and pass the value to it")


def _free_names(stmt):
    """The names the class statement reads from the scope around it: its decorators',
    bases' and class body's, and each method's own free names."""
    when_made, in_methods = _reads_by_time(stmt)
    return when_made | in_methods


def _reads_by_time(stmt):
    """(the names the class statement reads from the scope around it when it runs: its
    decorators', bases' and class body's, its methods' decorators and defaults; the
    names each method reads from there, when it runs or, for its decorators and
    defaults, when it is made)."""
    when_made, in_methods = set(), set()
    scopes = [([d for d in stmt.decorator_list] + list(stmt.bases) + [k.value for k in stmt.keywords], set())]
    body_stores = set()
    for item in stmt.body:
        if isinstance(item, (gast.FunctionDef, gast.AsyncFunctionDef)):
            scopes.append((item.decorator_list + item.args.defaults + [d for d in item.args.kw_defaults if d], set()))
            scopes.append(([item], None))
        else:
            scopes.append(([item], body_stores))
            body_stores |= {n.id for n in S.walk_nodes(item) if isinstance(n, gast.Name)
                            and isinstance(n.ctx, gast.Store)}
    for nodes, own in scopes:
        names = [n for node in nodes for n in S.walk_nodes(node) if isinstance(n, gast.Name)]
        bound = own if own is not None else {n.id for n in names if not isinstance(n.ctx, gast.Load)}
        (when_made if own is not None else in_methods).update(
            n.id for n in names if isinstance(n.ctx, gast.Load) and n.id not in bound)
    return when_made, in_methods


def _made_class(normalizer, stmt, class_names):
    source = normalizer.source
    fn = source.fn
    line = source.file_line(stmt)
    table = _made.setdefault(fn, {}) if _weak(fn) else {}
    if line in table:
        return table[line]
    scope = {name: normalizer.bindings[name] for name in _free_names(stmt) if name in normalizer.bindings}
    shared = sorted(_reads_by_time(stmt)[1] & class_names)
    plain = gast.gast_to_ast(gast.Module(body=[S.copy(stmt)], type_ignores=[]))
    if shared:
        plain.body = [_in_a_function(plain.body[0], sorted(scope), shared, getattr(fn, "__name__", "f"))]
    ast.increment_lineno(plain, source.first_line - 1)
    ast.fix_missing_locations(plain)
    try:
        exec(compile(plain, source.filename, "exec", dont_inherit=True), source.globals, scope)     # noqa: S102
        if shared:
            scope[stmt.name], reads = scope.pop(plain.body[0].name)(**scope)
            _cells[scope[stmt.name]] = dict(zip(reads.__code__.co_freevars, reads.__closure__))
    except Exception as exc:     # noqa: BLE001 - the user's class body failed: said so, at its line
        raise normalizer._refuse(f"a class definition that fails when it is made ({type(exc).__name__}: {exc})",
                                 stmt, "define the class at module level") from None
    _name_as_python(scope[stmt.name], getattr(fn, "__qualname__", stmt.name))
    table[line] = scope[stmt.name]
    return table[line]


def _name_as_python(cls, function_name):
    """Give ``cls`` and its methods the qualified names Python gives a class of the body
    of ``function_name`` (``f.<locals>.A``, ``f.<locals>.A.make``), however it was made."""
    old, cls.__qualname__ = cls.__qualname__, f"{function_name}.<locals>.{cls.__name__}"
    for value in vars(cls).values():
        parts = [value, getattr(value, "__func__", None)]      # a staticmethod has a name too
        if isinstance(value, property):
            parts += [value.fget, value.fset, value.fdel]
        for part in parts:
            name = getattr(part, "__qualname__", None) if isinstance(part, _NAMED) else None
            if isinstance(name, str) and name.startswith(old + "."):
                part.__qualname__ = cls.__qualname__ + name[len(old):]


def _in_a_function(class_node, params, shared, name):
    """The class statement inside ``def name(params)``, which returns the class and a
    function reading the classes ``shared`` (so the cells the methods read them from can
    be set); those not among ``params`` it binds after the return, never run: that makes
    them its own names, as they are the differentiated function's, empty until set."""
    if not name.isidentifier() or keyword.iskeyword(name) or name in {*params, *shared, class_node.name}:
        name = "local_classes"
    later = [n for n in shared if n not in params and n != class_node.name]
    text = f"def {name}({', '.join(params)}):\n    return {class_node.name}, lambda: ({', '.join(shared)},)\n"
    if later:
        text += f"    {' = '.join(later)} = None\n"
    wrapper = ast.parse(text).body[0]
    for node in ast.walk(wrapper):
        ast.copy_location(node, class_node)
    wrapper.body.insert(0, class_node)
    return wrapper


def _weak(fn):
    try:
        weakref.ref(fn)
    except TypeError:
        return False
    return True
