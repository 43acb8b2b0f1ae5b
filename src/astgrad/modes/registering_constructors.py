"""A class of the user's built by a call the generated code keeps (``a = Logged(w * 1.0)``)
whose ``__init__`` stores the new object, or a value it is handed, in memory from outside
(``REG.append(self)``, ``TABLE[k] = self``, ``Logged.all.append(self)``, an argument's list).

Python leaves the object there, and the function may read it back (``REG[-1].data``); the
derivative cannot follow that read, which it would take for a constant: a wrong gradient with
no error. Where a value depending on the inputs goes into the call, the call is refused at
its line, naming the line of ``__init__`` that stores it."""

import ast
import inspect
import textwrap
import tokenize
import types

import gast

from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from ..core.ops import is_user_function

# methods changing a container in place, which keep what they are handed
_STORING = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "appendleft", "extendleft",
                      "put", "put_nowait", "__setitem__"})


def check_registering_constructor(source, stmt, varied):
    """Refuse ``stmt`` where it builds an object of a user class handed a value depending
    on the inputs (``varied``) and the class's ``__init__`` (or a method of the object it
    calls) stores the object or what it is handed outside the object."""
    call = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
    if not isinstance(call, gast.Call):
        return
    target = anno.get(call, Key.TARGET)
    helper = inspect.isfunction(target) and is_user_function(target)     # (not a gradient astgrad made)
    if not isinstance(target, type) and not helper:
        return
    given = list(call.args) + [keyword.value for keyword in call.keywords]
    if not any(isinstance(node, gast.Name) and node.id in varied for value in given for node in gast.walk(value)):
        return
    # a helper building such an object (make(b): return Logged(b)) runs its __init__ too, even
    # where what it returns carries no derivative and the helper is not differentiated
    found = _built_by(target, set()) if helper else _constructed(target, set())
    if found is not None:
        method, line, text = found
        building = f"the call of {target.__qualname__}" if helper else f"building {target.__qualname__}"
        raise source.error(
            f"{building} runs {method}, which stores the new object or a value it is given in "
            f"memory from outside the object ({line}: {text}), where the function may read it back "
            f"(a global's list or dict, a class attribute, an argument's container): the derivative cannot follow "
            f"a value read back from there. Keep the object in a local name and use it from there, or register it "
            f"outside the differentiated function", stmt, construct=f"call of {target.__qualname__}")


def _built_by(function, seen):
    """What building an object of a user class in the helper ``function`` (or in a helper
    it calls by name) stores outside: its own stores into its parameters' containers are
    the caller's business (argument appends), not looked at here."""
    function = _made_from(function)
    if function in seen or not inspect.isfunction(function):
        return None
    seen.add(function)
    if not _names_a_builder(function):
        return None
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError, tokenize.TokenError):
        return None
    own = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    own |= {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    for call in ast.walk(tree):
        callee = function.__globals__.get(call.func.id) \
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) else None
        given = call.args + [keyword.value for keyword in call.keywords] if callee is not None else []
        if not any(isinstance(n, ast.Name) and n.id in own for value in given for n in ast.walk(value)):
            continue                # built of constants: what it stores holds no value of the call
        if isinstance(callee, type):
            found = _constructed(callee, seen)
        elif is_user_function(callee):
            found = _built_by(callee, seen)
        else:
            continue
        if found is not None:
            return found
    return None


def _names_a_builder(function):
    """Whether a name the code of ``function`` uses is a global bound to a class or a user
    function, the calls ``_built_by`` follows (another object it calls by name has no
    source it reads: a gradient astgrad made, say). Where none is, it calls none, and its source
    need not be read: in a new process, reading (tokenizing) and parsing a long helper's
    source again was most of the time this check took. A name of the source outside its
    code (a decorator, a default, an annotation) is not run when the helper is called."""
    scope = function.__globals__
    return any(isinstance(value, type) or isinstance(value, types.FunctionType) and is_user_function(value)
               for value in map(scope.get, _code_names(function.__code__)))


def _code_names(code):
    """Every name ``code`` and the code nested in it use: globals, locals and cells."""
    names = set(code.co_names) | set(code.co_varnames) | set(code.co_cellvars) | set(code.co_freevars)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _code_names(constant)
    return names


def _made_from(function):
    """The function of the user's whose source says what ``function`` runs: a function
    astgrad made from one (``*args`` made for one call shape, varargs.py; a closure's
    twin) has no source of its own, and its code's first line points into the user's
    file at a line that is not its definition."""
    made = getattr(function, "__astgrad_specializes__", None)
    return made[0] if made else function


def _constructed(cls, seen):
    """What building an object of ``cls`` stores outside: ``__new__``, ``__init__`` and a
    dataclass's ``__post_init__`` all run at the call."""
    return next(filter(None, (_stored_outside(cls, name, seen) for name in ("__new__", "__init__", "__post_init__"))),
                None)


def _stored_outside(cls, name, seen):
    """(method, 'file:line', text) of the first statement of ``cls.name`` (or of a method
    it calls on ``self``, or a function it calls by name handing it a value of its own)
    storing a local value in memory from outside; else None."""
    method = getattr(cls, name, None)
    return _stored_by(method, cls, seen) if is_user_function(method) else None


def _stored_by(function, cls, seen):
    """What ``_stored_outside`` finds in ``function``: a method of ``cls`` (its first
    parameter the object), or a helper (``cls`` None) whose parameters are all from outside."""
    function = _made_from(function)
    if function in seen or not inspect.isfunction(function):
        return None
    seen.add(function)
    try:
        lines, first = inspect.getsourcelines(function)
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except (OSError, TypeError, SyntaxError, tokenize.TokenError):
        return None
    node = tree.body[0] if tree.body else None
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or cls is not None and not node.args.args:
        return None
    receiver = node.args.args[0].arg if cls is not None else None
    parameters = {a.arg for a in node.args.args + node.args.kwonlyargs + node.args.posonlyargs}
    parameters |= {a.arg for a in (node.args.vararg, node.args.kwarg) if a is not None}
    local = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    made = local - parameters - _declared(node)      # what the method builds itself
    own = made | parameters
    aliases = _aliases(node, receiver, own)
    made -= aliases
    for part in ast.walk(node):
        if _storing(part, receiver, made, own, aliases):
            line = first + part.lineno - 1
            return function.__qualname__, f"{function.__code__.co_filename}:{line}", ast.unparse(part).splitlines()[0]
        inner = _called(part, function, cls, receiver, own, seen) if isinstance(part, ast.Call) else None
        if inner is not None:
            return inner
    return None


def _called(call, function, cls, receiver, own, seen):
    """What a method called on ``self`` (``self.register()``) or a user function called by
    name with a value of the caller's own (``register(self)``) stores outside."""
    if cls is not None and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) \
            and call.func.value.id == receiver:
        return _stored_outside(cls, call.func.attr, seen)
    base = _base_called(call, function, cls, receiver)
    if base is not None:                    # super().__init__(data), Base.__init__(self, data)
        return _stored_outside(base, call.func.attr, seen)
    if isinstance(call.func, ast.Name) and call.func.id not in own:
        callee = function.__globals__.get(call.func.id)
        given = call.args + [keyword.value for keyword in call.keywords]
        if not any(isinstance(n, ast.Name) and n.id in own for value in given for n in ast.walk(value)):
            return None
        if isinstance(callee, type):
            return _constructed(callee, seen)       # a helper building Logged(b)
        if inspect.isfunction(callee) and is_user_function(callee):
            return _stored_by(callee, None, seen)
    return None


def _base_called(call, function, cls, receiver):
    """The class whose method ``call`` runs on the object through a base: the next class
    of ``cls``'s MRO defining it for ``super().name(...)``, ``Base`` for
    ``Base.name(self, ...)``; else None."""
    if cls is None or not isinstance(call.func, ast.Attribute):
        return None
    on, name = call.func.value, call.func.attr
    if isinstance(on, ast.Call) and isinstance(on.func, ast.Name) and on.func.id == "super":
        return next((base for base in cls.__mro__[1:] if name in vars(base)), None)
    if isinstance(on, ast.Name) and call.args and isinstance(call.args[0], ast.Name) \
            and call.args[0].id == receiver:
        base = function.__globals__.get(on.id)
        return base if isinstance(base, type) and issubclass(cls, base) else None
    return None


def _aliases(function, receiver, own):
    """The local names and attributes of the object (``"self.log"``) ``function`` binds to
    memory from outside (``reg = REG``, ``self.log = Logged.all``): a store into them is
    a store there."""
    found = set()
    for node in ast.walk(function):
        if isinstance(node, (ast.For, ast.With)):       # for reg in (REG,): / with lock as reg:
            bound = [node.target] if isinstance(node, ast.For) else [i.optional_vars for i in node.items]
            found |= {n.id for target in bound if target is not None for n in ast.walk(target)
                      if isinstance(n, ast.Name)}
        if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Name, ast.Attribute, ast.Subscript)) \
                and _root(node.value) not in own:       # (add = REG.append: a call of add stores there)
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.add(target.id)
                elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                        and target.value.id == receiver:
                    found.add(f"{receiver}.{target.attr}")
    return found


def _on_an_alias(into, receiver, aliases):
    """Whether the chain ``into`` starts from an attribute of the object bound to memory
    from outside (``self.log`` of ``self.log.append``)."""
    while isinstance(into, (ast.Attribute, ast.Subscript)):
        if isinstance(into, ast.Attribute) and isinstance(into.value, ast.Name) and into.value.id == receiver:
            return f"{receiver}.{into.attr}" in aliases
        into = into.value
    return False


def _storing(node, receiver, made, own, aliases=frozenset()):
    """Whether ``node`` stores a value naming the method's own names (``own``) into
    something whose root is neither the object (``receiver``) nor a local the method
    ``made`` (a global, a closure's or class's object, an argument's container)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _STORING:
        into, values = node.func.value, node.args + [keyword.value for keyword in node.keywords]
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in aliases:
        return any(isinstance(n, ast.Name) and n.id in own for value in node.args for n in ast.walk(value))
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr" \
            and len(node.args) == 3:        # setattr(CONFIG, "last", self)
        into, values = node.args[0], node.args[2:]
        root = _root(into)
        if root == receiver and not _through_class(into) or root in made:
            return False
        return any(isinstance(n, ast.Name) and n.id in own for value in values for n in ast.walk(value))
    elif isinstance(node, (ast.Assign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        values = [node.value]
        if any(isinstance(t, ast.Name) and t.id not in own for t in targets):     # global LAST; LAST = self
            return any(isinstance(n, ast.Name) and n.id in own for value in values for n in ast.walk(value))
        into = next((t for t in targets if isinstance(t, (ast.Subscript, ast.Attribute))), None)
        if into is None:
            return False
        into = into.value
    else:
        return False
    root = _root(into)
    if root is not None and (root == receiver and not _through_class(into)
                             and not _on_an_alias(into, receiver, aliases) or root in made):
        return False
    return any(isinstance(n, ast.Name) and n.id in own for value in values for n in ast.walk(value))


def _root(node):
    """The name an attribute or item chain starts from (``Logged`` of ``Logged.all``); None
    where it starts from anything else (``type(self).all``, ``registry().items``), which
    may be memory from outside the object."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _through_class(node):
    """Whether an attribute chain on the object reaches its class (``self.__class__.all``),
    which every instance shares."""
    return any(isinstance(n, ast.Attribute) and n.attr == "__class__" for n in ast.walk(node))


def _declared(function):
    """The names ``function`` declares global or nonlocal."""
    return {name for n in ast.walk(function) if isinstance(n, (ast.Global, ast.Nonlocal)) for name in n.names}
