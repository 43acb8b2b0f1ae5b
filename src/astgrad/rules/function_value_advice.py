"""What to write instead, where a call astgrad has no rule for carries a function value
it does not follow: ``functools.partial`` of a method of a differentiated value or binding
one stored on an object the function builds, ``map`` of an array's method, and building an object
of the user's class whose ``__init__`` stores a function value (``self.f =
functools.partial(Cls.scale, self)``) or calls a base class's ``__init__`` by its name
(``Base.__init__(self, data)``, where ``super().__init__(data)`` is followed), and
``getattr`` by a name known only when the code runs. Said in place of "register a rule",
which is no help for these."""

import ast
import functools
import inspect
import textwrap

PARTIAL_ADVICE = (
    "astgrad follows functools.partial(f, ...) of a function (yours, NumPy's) bound to a name and called, or "
    "handed to map, and one an object holds (an argument's, or one the function builds, binding values that "
    "carry no derivative); it does not follow a partial of a method of a differentiated value "
    "(functools.partial(a.dot)) nor one binding a differentiated value stored on an object the function builds "
    "(h.f = functools.partial(g, k=w)): call the function where the partial would be called (g(z, k=w), "
    "a.dot(z)), or bind a lambda to a name and call it (f = lambda z: a.dot(z))")
MAP_ADVICE = (
    "astgrad follows map(f, xs) of a function (a lambda, a def of yours, a NumPy function, a "
    "functools.partial of one) or of a method of an object of your class; it does not follow map of a "
    "method of a differentiated value (map(a.__mul__, xs)): write the calls out, [a * v for v in xs], or "
    "map a lambda, map(lambda v: a * v, xs)")

GETATTR_ADVICE = (
    "astgrad follows getattr(obj, 'W') with the name written as a string, and reads no attribute by a name "
    "known only when the code runs (a loop variable, a computed string): write the attributes out "
    "(np.sum(m.a) + np.sum(m.b)), or loop over the attributes themselves (for v in (m.a, m.b): ...)")


def held_function_advice(cls):
    """For a class of the user's whose ``__init__`` stores a function value in ``self``
    (a ``functools.partial``, a lambda, a method taken from the class): what to write
    instead, naming the attribute; else None."""
    tree = _init_tree(cls)
    if tree is None:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _function_value(node.value, cls):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                        and target.value.id == "self":
                    return (f"{cls.__name__}.__init__ stores a function value in self.{target.attr} "
                            f"({ast.unparse(node.value)}), which astgrad does not follow when the object is built "
                            "in the differentiated code: store the values it needs (self.k = k) and call the "
                            "method where the function value would be called (h.scale(z))")
    return None


def base_init_advice(cls):
    """For a class of the user's an ``__init__`` along whose method resolution order calls a
    base class's by name (``Base.__init__(self, data)``) where astgrad does not read it as
    ``super().__init__(data)``: not its first statement, or running another ``__init__``
    than ``super()`` reaches for an object of ``cls``; else None."""
    for klass in cls.__mro__[:-1]:
        tree = _init_tree(klass)
        if tree is None:
            continue
        for node in ast.walk(tree):
            func = node.func if isinstance(node, ast.Call) else None
            if isinstance(func, ast.Attribute) and func.attr == "__init__" and isinstance(func.value, ast.Name) \
                    and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == "self":
                return _named_base_words(cls, klass, tree, node)
    return None


def _named_base_words(cls, klass, tree, node):
    text = ast.unparse(node)
    rest = ", ".join([ast.unparse(a) for a in node.args[1:]] + [ast.unparse(k) for k in node.keywords])
    said = f"{klass.__name__}.__init__ calls {text}, which astgrad does not follow when the object is built in the " \
           f"differentiated code"
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.FunctionDef) else []
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    first = bool(body) and isinstance(body[0], ast.Expr) and body[0].value is node
    reached = next((k for k in cls.__mro__[cls.__mro__.index(klass) + 1:] if "__init__" in vars(k)), object)
    if first and getattr(_named(klass, node.func.value.id), "__init__", None) is reached.__init__:
        return None         # read as super().__init__(...): refused for another reason
    if first:
        return (f"{said}: for an object of {cls.__name__} it runs another __init__ than super().__init__"
                f"({rest}) would there ({reached.__name__}'s, next along {cls.__name__}'s method resolution "
                f"order), and astgrad follows a call of a base class's __init__ by its name only where the two "
                f"run the same; call super().__init__(...) in each class, as cooperative classes do, which is followed")
    return (f"{said}: write super().__init__({rest}) as its first statement (the same call where "
            f"{node.func.value.id} is the class super() reaches), which is followed")


def _named(klass, name):
    """What ``name`` means to ``klass.__init__`` now (a closure variable or a global), or None."""
    try:
        found = inspect.getclosurevars(vars(klass)["__init__"])
    except (TypeError, ValueError):
        return None
    return found.nonlocals.get(name, found.globals.get(name))


def _function_value(value, cls):
    if isinstance(value, ast.Lambda):
        return True
    if isinstance(value, ast.Call):
        func = value.func
        return isinstance(func, ast.Name) and func.id == "partial" \
            or isinstance(func, ast.Attribute) and func.attr == "partial"
    return isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) \
        and value.value.id in ("self", cls.__name__) and callable(getattr(cls, value.attr, None))


def advice_by_callee():
    """{callee: what to write instead} for NO_RULE_ADVICE."""
    return {functools.partial: PARTIAL_ADVICE, map: MAP_ADVICE, getattr: GETATTR_ADVICE}


def _init_tree(cls):
    """The parsed source of the ``__init__`` ``cls`` defines, or None."""
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(cls.__dict__.get("__init__"))))
    except (TypeError, OSError, SyntaxError):
        return None
