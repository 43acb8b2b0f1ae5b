"""Refusing, before a user's function runs itself, a write its derivatives' code refuses.

vjp computes the value, hessian checks that it is a number and jacobian finds its size
by calling the function itself where its value code would not leave the objects it
reaches as the function does (it writes into copies of them). A write the derivatives
refuse (into an array of an object's class, ``s.arr[1] += v``, which every instance
shares) then changed that object before the refusal. The value code makes the
derivatives' checks before each write and writes only into copies: run first, on copies
of the arguments, it refuses before anything changed. It is run only where it calls
nothing that could change anything (a function of the user's run as it is, a method of
an object): else the function's effects would happen twice. Any other error it meets is
left for the function's own call to raise.

Where the write is in a callee (``lambda v: g(v)``, a partial, a helper, a method: each
calls ``g`` as it is, for its effects), the value code runs with each callee of the
user's it holds replaced by the callee's own value code, checked the same way, so the
refusal again comes before anything changed (reached_writes.py finds such callees)."""

import ast
import builtins
import dis
import functools
import inspect
import textwrap
import tokenize
import types
import weakref

import numpy

from . import caching
from .bound import user_code
from .core.functions import underlying
from .errors import TransformError
from .rebound_places import Snapshot, is_generated, written_places
from .reached_writes import reaches, user_function

_LIBRARIES = ("numpy", "math", "astgrad")


def refuse_writes_first(f, args, kwargs=None, *, own_lines=True):
    """Run ``f``'s value code at ``args`` (copies: it may write into them) where it checks
    such writes and changes nothing else; raise its refusal, if any. ``own_lines=False``:
    only where the writes are in its callees (its value code, run by the caller, checks
    its own lines before each write)."""
    lists = []      # lists of globals its code appends to before its checks (LOG.append(1)): put back after
    if _writes_held_items(f):
        if not own_lines:
            return
        code = caching.write_checking_code(f)
        if code is None or not _changes_nothing(code, lists=lists):
            return
    else:
        fn = inspect.unwrap(underlying(f))
        if not isinstance(fn, types.FunctionType) or not reaches(fn, _writes_held_items):
            return
        code = _checking(caching.checked_value_code(f), 0)
        if code is None:
            return
    places = written_places(code)       # globals and closure cells it rebinds (store_global): put back after
    before = Snapshot(places) if places else None
    items = [(changed, list(changed)) for changed in lists]
    try:
        code(*args, **(kwargs or {}))
    except TransformError:
        raise
    except (TypeError, ValueError) as error:
        if str(error).startswith("astgrad:"):
            raise
    except Exception:       # noqa: BLE001 - the function's own call raises it, as Python would
        pass
    finally:
        if before is not None:
            before.restore()
        for changed, held in items:
            changed[:] = held


def changes_lists_first(f):
    """Whether ``f`` writes into an item an object holds and its code appends to a list a
    global or closure cell holds (``LOG.append(1)``), which may come before the check of
    that write: its checking code then runs first (``refuse_writes_first``), the list put
    back after it, so that a refusal leaves the list as it was."""
    if not _writes_held_items(f):
        return False
    code = caching.write_checking_code(f)
    lists = []
    return code is not None and _changes_nothing(code, lists=lists) and bool(lists)


def reaches_held_writes(fn):
    """Whether the plain function ``fn`` or a function of the user's it reaches by its
    names writes into an item something holds."""
    return reaches(fn, _writes_held_items)


def callee_writes_held_items(fn):
    """Whether a function of the user's that the plain function ``fn`` reaches by its
    names, and not ``fn`` itself, writes into an item something holds."""
    return not _writes_held_items(fn) and reaches(fn, _writes_held_items)


_WRITES = weakref.WeakKeyDictionary()     # function -> whether its lines write held items


def _writes_held_items(f):
    """Whether a line of ``f`` itself writes into an item something holds (``s.arr[1] +=
    v``, ``d[a][b] = v``, ``s.items.append(v)``): where its code checks the holder (its
    value code is made only there, for speed); for a gradient, the user's function it is of."""
    fn = inspect.unwrap(user_code(f))
    if not isinstance(fn, types.FunctionType):
        return False
    known = _WRITES.get(fn)
    if known is None and not _may_write_items(fn.__code__):
        known = _WRITES[fn] = False         # (reading its source takes longer)
    if known is None:
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
        except (OSError, TypeError, SyntaxError, tokenize.TokenError):
            return False
        known = _WRITES[fn] = any(_writes_held(node, fn.__globals__) for node in ast.walk(tree))
    return known


_ITEM_STORES = frozenset(dis.opmap[name] for name in ("STORE_SUBSCR", "STORE_SLICE") if name in dis.opmap)
_CHANGING_METHODS = frozenset({"append", "extend", "insert", "update", "setdefault", "pop", "remove", "clear",
                               "sort", "reverse", "add", "discard", "fill", "resize", "put", "itemset"})


def _may_write_items(code):
    """Whether ``code`` (or a function or class body in it) stores an item or calls a
    method that may change its object, by its bytecode."""
    if _ITEM_STORES & set(code.co_code[::2]) or _CHANGING_METHODS & set(code.co_names):
        return True
    return any(_may_write_items(inner) for inner in code.co_consts if isinstance(inner, types.CodeType))


def _writes_held(node, names):
    targets = node.targets if isinstance(node, ast.Assign) else \
        [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
    if any(isinstance(t, ast.Subscript) and isinstance(t.value, (ast.Attribute, ast.Subscript)) for t in targets):
        return True
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, (ast.Attribute, ast.Subscript))):
        return False
    root = node.func.value
    while isinstance(root, (ast.Attribute, ast.Subscript)):
        root = root.value
    return not (isinstance(root, ast.Name) and isinstance(names.get(root.id), types.ModuleType))   # np.linalg.solve


def _checking(value, depth, made=None, checked_builtins=()):
    """The value code ``value`` with each function of the user's its closure holds replaced
    by that function's value code, itself made so: a function that changes nothing outside
    copies, so long as each call in it is harmless (``_changes_nothing``); else None.
    ``made``: {id of a callee: (the callee, its replacement)}, so that one callee reached by
    two names is replaced by one function, and ``g is helpers.g`` stays as it was.
    ``checked_builtins``: {builtin: what runs in its place}, builtins counted as harmless,
    the hooks they run checked before them when the code runs (``len(v)``, in its own
    place) or by their stand-in (``float(v)``: plain_builtins.py, hooks_checked_first.py)."""
    if value is None or depth > _DEPTH or not isinstance(getattr(value, "source", None), str) \
            or not isinstance(value, types.FunctionType):   # (a gradient called in the code: its own code checks)
        return None
    try:
        held = dict(zip(value.__code__.co_freevars, (cell.cell_contents for cell in value.__closure__ or ())))
    except ValueError:      # an empty cell
        return None
    made = {} if made is None else made
    checked, replaced = _stand_ins(value, held, checked_builtins), set()
    stood_in = set(checked)
    named = _named_attributes(value.source)
    space = value.__globals__
    # modules of the user's the code reads as globals (helpers.g), replaced in a copy of them
    modules = {name: space[name] for name in named if name not in held and name not in value.__code__.co_varnames
               and isinstance(space.get(name), types.ModuleType) and not _library(space[name])}
    for name, content in {**modules, **held}.items():
        if isinstance(content, types.ModuleType) and not _library(content):
            # a module of the user's: its functions named here (helpers.g(x), g is helpers.g) are replaced
            functions = {attribute: getattr(content, attribute, None) for attribute in named.get(name, ())}
            inner = {attribute: _replacement(fn, depth, made, checked_builtins=checked_builtins)
                     for attribute, fn in functions.items() if user_function(fn) is not None}
            if None in inner.values():
                return None
            checked[name] = _CheckedModule(content, inner)
            replaced |= {f"{name}.{attribute}" for attribute in inner}
            continue
        fn = user_function(content)
        generated = is_generated(content) and isinstance(getattr(content, "source", None), str)
        if fn is not None and not is_generated(content) or generated:
            # it computes as the derivatives' code does, into copies: it refuses what they refuse
            # (a callee's value code astgrad made is checked so too: it may call the user's as they are)
            inner = _replacement(content, depth, made, made_here=generated, checked_builtins=checked_builtins)
            if inner is None:
                return None
            checked[name] = inner
            replaced.add(name)
    if replaced & _read_as_values(value.source, frozenset(replaced)) \
            or not _changes_nothing(value, {**modules, **held, **checked}, replaced,
                                  checked_builtins=checked_builtins):
        return None     # (a callee handed on, or compared with what is not replaced, would not be itself)
    cells = tuple(types.CellType(checked[name]) if name in checked else cell
                  for name, cell in zip(value.__code__.co_freevars, value.__closure__ or ()))
    in_space = {name: checked[name] for name in (*modules, *stood_in) if name in checked and name not in held}
    if in_space:
        space = {**space, **in_space}
    function = types.FunctionType(value.__code__, space, value.__name__, value.__defaults__, cells)
    function.__kwdefaults__ = value.__kwdefaults__
    return function


def _stand_ins(value, held, checked_builtins):
    """{name: stand-in} for each builtin of ``checked_builtins`` with a stand-in other than
    itself that the value code ``value`` calls by ``name`` (a cell's or a global's) and
    reads as nothing else (``isinstance(v, float)`` keeps ``float``)."""
    others = [(known, stand_in) for known, stand_in in dict(checked_builtins).items() if stand_in is not known]
    if not others:
        return {}
    read = _read_as_values(value.source)
    found = {}
    for use, name, _ in _uses(value.source):
        if use != _CALL or name in read or name in value.__code__.co_varnames:
            continue
        content = _lookup(name, held, value)
        stand_in = next((stand_in for known, stand_in in others if content is known), None)
        if stand_in is not None:
            found[name] = stand_in
    return found


_DEPTH = 12     # callees replaced this deep (a deeper chain runs as it is: not checked first)


def _replacement(callee, depth, made, made_here=False, checked_builtins=()):
    """The checking value code of the user's ``callee`` (see ``_checking``), one per callee;
    ``made_here``: ``callee`` is value code astgrad made, checked itself."""
    known = made.get(id(callee))
    if known is None and not made_here and takes_varargs(callee):
        known = made[id(callee)] = (callee, _ByCallShape(callee, depth, made, checked_builtins))
    if known is None:
        value = callee if made_here else _value_code(callee)
        known = made[id(callee)] = (callee, _checking(value, depth + 1, made, checked_builtins))
    return known[1]


def _value_code(callee):
    """``callee``'s value code, or None: also for a method astgrad takes no value code of
    (a bound method of a class of the standard library's, ``jobs.qsize``), run as it is."""
    try:
        return caching.checked_value_code(callee)
    except TypeError:       # (caching says what it differentiates: nothing to check first then)
        return None


def takes_varargs(callee):
    """Whether ``callee`` is a plain function of the user's with ``*args`` or ``**kwargs``:
    its value code is made per call shape (frontend/varargs.py)."""
    return isinstance(callee, types.FunctionType) and user_function(callee) is callee \
        and bool(callee.__code__.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS))


class NotChecked(Exception):
    """A check run met a call it cannot run checked: it stops there, before the call."""


class _ByCallShape:
    """A function of the user's with ``*args`` as a check run calls it: at each call, the
    checking code of its version for that call's shape (the one its derivatives are made
    from); a shape with none stops the run (``NotChecked``) before anything ran."""

    def __init__(self, fn, depth, made, checked_builtins):
        self._fn, self._depth, self._made, self._builtins = fn, depth, made, checked_builtins
        self._codes = {}

    def __call__(self, *args, **kwargs):
        specialize_for_call = _varargs().specialize_for_call
        version, keywords = specialize_for_call(self._fn, args, kwargs)
        code = self._codes.get(version)
        if code is None:
            code = self._codes[version] = _checking(caching.checked_value_code(version), self._depth + 1,
                                                    self._made, self._builtins) or False
        if code is False or written_places(code):       # (globals it rebinds would not be put back)
            raise NotChecked(self._fn.__qualname__)
        return code(*args, **keywords)


def _varargs():
    from .frontend import varargs        # (with the first function of the user's taking *args checked)
    return varargs


class _CheckedModule:
    """A module of the user's as checking code sees it: the functions it calls replaced by
    their checking code, anything else read from the module."""

    def __init__(self, module, functions):
        self.__dict__.update(functions)
        self._module = module

    def __getattr__(self, name):
        return getattr(self._module, name)


def _named_attributes(source):
    """{name: the attributes read of it} for each ``name.attribute`` in ``source``
    (``name.attribute(...)``, ``g is name.attribute``)."""
    named = {}
    for node in _nodes(source):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and isinstance(node.ctx, ast.Load):
            named.setdefault(node.value.id, set()).add(node.attr)
    return named


@functools.lru_cache(maxsize=256)
def _read_as_values(source, replaced=frozenset()):
    """The names (and ``name.attribute``) ``source`` reads other than to call them or to
    compare them by identity with names of ``replaced`` alone (``g is helpers.g``: each
    side replaced by the one checking code of the same callee, the answer is as it was)."""
    nodes = _nodes(source)
    called = {id(node.func) for node in nodes if isinstance(node, ast.Call)}
    compared = set()
    for node in nodes:
        if isinstance(node, ast.Compare) and all(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
            operands = [node.left, *node.comparators]
            if all(_dotted(operand) in replaced for operand in operands):
                compared |= {id(operand) for operand in operands}
    read = set()
    for node in nodes:
        if id(node) in called or id(node) in compared:
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            read.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            read.add(f"{node.value.id}.{node.attr}")
    return read


def _dotted(node):
    """``name`` or ``name.attribute`` for such a node, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


@functools.lru_cache(maxsize=256)
def _nodes(source):
    """The nodes of the parsed ``source``, in ``ast.walk``'s order: read once per value
    code's text (parsing it again at each call of vjp, hessian or jacobian cost more than
    the check; the nodes are only read)."""
    return tuple(ast.walk(ast.parse(source)))


def _library(module):
    return module.__name__.split(".")[0] in _LIBRARIES


def _changes_nothing(code, held=None, checked=frozenset(), lists=None, checked_builtins=()):
    """Whether each call in the value code ``code`` calls a library function, astgrad's
    helpers or code astgrad made (which writes only into copies), a class (only to build
    an object with ``instance``) or a callee named in ``checked`` (replaced by its checked
    value code): no function of the user's run as it is, and no method of an object; nor
    one handed to a library function. ``held``: its closure's values, where given.
    ``lists``, where given, collects the plain lists of globals and closure cells the code
    appends to or pops from (``LOG.append(1)``, which runs no code of the user's), for the
    caller to put back, instead of answering False for them."""
    if held is None:
        try:
            held = dict(zip(code.__code__.co_freevars, (cell.cell_contents for cell in code.__closure__ or ())))
        except ValueError:      # an empty cell
            return False
    local = set(code.__code__.co_varnames)      # (a local is not the global of its name)
    for use, name, attribute in _uses(code.source):
        if use == _READ:
            if name in checked or name in local:
                continue
            value = _lookup(name, held, code)       # a function handed on (np.apply_along_axis(f, ...))
            if callable(value) and not isinstance(value, type) and not _harmless(value, checked_builtins):
                return False
        elif use == _METHOD:
            owner = _lookup(name, held, code)
            if lists is not None and name not in local and type(owner) is list and attribute in _LIST_CHANGES:
                lists.append(owner)
                continue
            if name in local and attribute in _LIST_CHANGES and name in _fresh_lists(code.source):
                continue        # (items = [] ... items.append(v): the code's own list, as sorted() is lowered)
            if not (isinstance(owner, types.ModuleType) and _library(owner) or f"{name}.{attribute}" in checked):
                return False
        elif use == _OTHER or not _harmless(_lookup(name, held, code), checked_builtins):
            return False
    return True


_READ, _METHOD, _CALL, _OTHER = "read", "method", "call", "other"
# methods of a plain list that change only the list, running no code of the user's
_LIST_CHANGES = frozenset({"append", "insert", "pop", "clear"})


@functools.lru_cache(maxsize=256)
def _uses(source):
    """The uses of names in ``source`` that ``_changes_nothing`` looks up, in the order of
    its walk, each once: (_READ, a name read, None), (_METHOD, ``m``, ``f`` of ``m.f(...)``),
    (_CALL, ``f`` of ``f(...)``, None), (_OTHER, None, None: any other call, ``a.b.c(...)``,
    ``f(x)(y)``). Read once per value code's text: the names are looked up at each call."""
    uses = {}
    for node in _nodes(source):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            uses.setdefault((_READ, node.id, None))
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            uses.setdefault((_METHOD, func.value.id, func.attr))
        else:
            uses.setdefault((_CALL, func.id, None) if isinstance(func, ast.Name) else (_OTHER, None, None))
    return tuple(uses)


@functools.lru_cache(maxsize=256)
def _fresh_lists(source):
    """The names ``source`` binds only to a new list (``items = []``, each time it binds them)."""
    bound = {}
    for node in _nodes(source):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.List):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, set()).add(id(target))
    stores = {}
    for node in _nodes(source):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            stores.setdefault(node.id, set()).add(id(node))
    return frozenset(name for name, targets in bound.items() if stores.get(name) == targets)


def _lookup(name, held, code):
    if name in held:
        return held[name]
    return code.__globals__.get(name, getattr(builtins, name, None))


def _harmless(fn, checked_builtins=()):
    if isinstance(fn, numpy.ufunc) or any(fn is known for known in checked_builtins):
        return True
    if is_generated(fn):
        return True         # (the globals and cells it rebinds are put back after the check run)
    if isinstance(fn, type):
        return False        # its __init__ may be the user's, run as it is
    module = getattr(fn, "__module__", None) or ""
    return module.split(".")[0] in _LIBRARIES or fn in (len, isinstance, range, abs, min, max, float, int)
