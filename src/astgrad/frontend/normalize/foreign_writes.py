"""A helper rebinding what the differentiated code reads through a module or an object:
``global act; act = np.exp`` in a function of another module ``H`` (or ``H.act = ...``),
``BOX.fn = np.exp`` on a global object, where the code reads ``H.act(x)`` or ``BOX.fn(x)``.

The code is generated for what such a path means when the call starts (which rule,
which callee), while Python reads the new value after the helper ran: the derivative
would be that of the old function. Refused at generation, naming the read and the
helper; so is such a read of a value (``CFG.k`` a number), which reverse code reads again
in its adjoint, after the helper ran. (A helper rebinding a global of the differentiated
function's own module with a global statement is inlined instead: outer_writes.py.)
"""

import dis
import functools
import types

import gast

from ...core import syntax as S
from ...core.missing import MISSING
from ...core.ops import is_user_function
from ..changing_getters import changing_getter
from .changing_properties import refuse_reads_before_changing_properties
from .outer_writes import _codes, _code_names, _filled, _library, _own_outer_writes

_STORE_ATTR = dis.opmap["STORE_ATTR"]
_STORE_DEREF = dis.opmap["STORE_DEREF"]
_ADVICE = ("astgrad generates the code for what {path} means when the call starts, and would differentiate "
           "that where Python reads what {helper} stored. Rebind {path} outside the function you "
           "differentiate, or pass the functions in as arguments")


def refuse_foreign_rebinds(normalizer, tree, nodes=None):
    """Refuse the first read in ``tree`` of ``M.name`` or ``obj.name`` (``M`` a module,
    ``obj`` a global object or class, each reached by a path of names), or of a closure
    variable, which a helper the function reaches rebinds: holding a function, or a value
    the adjoint would read again after the helper ran; also an attribute read before a
    property whose getter changes it (changing_properties.py). ``nodes``: ``tree``'s
    nodes in the order ``syntax.walk_nodes`` gives, if at hand."""
    nodes = S.all_nodes(tree) if nodes is None else nodes
    refuse_reads_before_changing_properties(normalizer, tree, nodes)
    fn = normalizer.source.fn
    written = _written_by_helpers(fn)
    if not written:
        return
    _refuse_cell_rebinds(normalizer, tree, fn, written)
    for node in nodes:
        parts = S.dotted_path(node.value) if isinstance(node, gast.Attribute) else None
        if not parts or parts[0] in normalizer.locals:
            continue
        owner = normalizer.source.resolve_path(parts, depend=False)
        helper = None if owner is MISSING else _written_at(written, owner, node.attr)
        # (a getter changing its object is not run here: it runs where the code reads it)
        function = changing_getter(owner, node.attr) is None and callable(getattr(owner, node.attr, None))
        if helper is not None and (function or _call_after(normalizer, tree, node)):
            _refuse_read(normalizer, node, ".".join(parts + [node.attr]), helper, function)


def _call_after(normalizer, tree, read):
    """Whether ``tree`` calls, on the line of ``read`` or after it (or anywhere in a loop
    around it), something that may be a helper of the user's (not a library function): a
    value read only after every such call is read by the adjoint as the value read it."""
    line = getattr(read, "lineno", 0)
    for loop in S.walk_nodes(tree):     # in a loop, the next round's calls come after the read
        if isinstance(loop, (gast.For, gast.While)) and any(n is read for n in S.walk_nodes(loop)):
            line = min(line, getattr(loop, "lineno", line))
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Call) and getattr(node, "lineno", 0) >= line:
            path = S.dotted_path(node.func)
            called = MISSING if not path or path[0] in normalizer.locals \
                else normalizer.source.resolve_path(path, depend=False)
            if called is MISSING or is_user_function(called) or isinstance(called, type):
                return True
    return False


def _refuse_read(normalizer, node, path, helper, function):
    """The refusal of the read ``node`` of ``path``, which ``helper`` rebinds: the code
    was generated for the function it held (``function``), or the adjoint would read the
    value again after the helper ran, where the value read it before."""
    normalizer.line = getattr(node, "lineno", normalizer.line)
    advice = _ADVICE.format(path=path, helper=helper.__qualname__) if function else (
        f"the derivative would read {path} again after {helper.__qualname__} ran, where the value read it "
        f"before; pass {path} in as an argument")
    raise normalizer._refuse(f"a read of {path} that the helper {helper.__qualname__} rebinds", node, advice)


def refuse_value_rebinds(normalizer, tree):
    """Refuse the first read in ``tree`` of a global value of the function's own module
    that a function the code reaches (also a method of a class it reads) may rebind by a
    route outer_writes.py does not follow (run before it makes the reads local names)."""
    fn = normalizer.source.fn
    module = fn.__globals__
    written = _own_module_writes(fn, module)
    for node in S.walk_nodes(tree) if written else ():
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and node.id in written \
                and node.id not in normalizer.locals and node.id in module \
                and not isinstance(module[node.id], (types.ModuleType, types.FunctionType, type)) \
                and _call_after(normalizer, tree, node):
            helper = _named_first(tree, written[node.id]).__qualname__
            normalizer.line = getattr(node, "lineno", normalizer.line)
            raise normalizer._refuse(
                f"a read of the global {node.id} that {helper} may rebind (through the module, "
                "by its name as text, or a global statement in a method)", node,
                f"the derivative would read {node.id} again after {helper} ran, where the value read it "
                f"before; pass {node.id} in as an argument, or rebind it in a function of this module "
                f"with a global statement")


def _own_module_writes(fn, module):
    """{global name of ``module``: a helper} for the globals the functions ``fn`` reaches
    (through the classes it reads too) may rebind by a route other than a global statement
    in a function (which outer_writes.py follows): ``M.name = v`` with ``M`` this module,
    ``<expression>.name = v`` (``sys.modules[__name__].name``), a method's ``global name``,
    a name written by its text (``globals()``, ``vars``, ``setattr``, ``__dict__``)."""
    written = {}
    for helper in _reached(fn, classes=True)[1:]:
        if helper.__globals__ is not module:
            pass
        elif helper.__qualname__ != helper.__name__ and "<locals>" not in helper.__qualname__:     # a method
            for name in _own_outer_writes(helper) & set(helper.__code__.co_names):
                written.setdefault(name, []).append(helper)
        for root, attr in _attribute_stores(helper.__code__):
            owner = helper.__globals__.get(root)
            if isinstance(owner, types.ModuleType) and vars(owner) is module:
                written.setdefault(attr, []).append(helper)
        for attr in _computed_attribute_stores(helper.__code__) | _alias_attribute_stores(helper.__code__):
            written.setdefault(attr, []).append(helper)
        if _BY_NAME & _code_names(helper.__code__):      # globals()["K"] = v, setattr(m, "K", v)
            for text in _string_constants(helper.__code__):
                written.setdefault(text, []).append(helper)
    return written


def _named_first(tree, helpers):
    """The one of ``helpers`` (each may rebind the global) whose name the function's code
    mentions (``Bumper.bump(B, x)`` names bump, not another method of Bumper), else the first."""
    mentioned = {n.attr for n in S.walk_nodes(tree) if isinstance(n, gast.Attribute)} \
        | {n.id for n in S.walk_nodes(tree) if isinstance(n, gast.Name)}
    return next((h for h in helpers if h.__name__ in mentioned), helpers[0])


_BY_NAME = frozenset({"globals", "vars", "setattr", "__dict__", "__setattr__"})


def _string_constants(code):
    """The strings among ``code``'s constants (and in its tuples of them: keyword names)."""
    for inner in [code] + [c for c in code.co_consts if isinstance(c, types.CodeType)]:
        for const in inner.co_consts:
            yield from (const,) if isinstance(const, str) else \
                (c for c in const if isinstance(c, str)) if isinstance(const, tuple) else ()


_COMPUTED = ("CALL", "PRECALL", "BINARY_SUBSCR", "BINARY_OP")


@functools.lru_cache(maxsize=4096)
def _computed_attribute_stores(code):
    """The attributes ``code`` stores on what a call or a subscript gives
    (``sys.modules[__name__].K = v``, ``importlib.import_module(m).K = v``)."""
    found = set()
    for inner in [code] + [c for c in code.co_consts if isinstance(c, types.CodeType)]:
        if _STORE_ATTR not in inner.co_code[0::2]:
            continue
        previous = None
        for ins in dis.get_instructions(inner):
            if ins.opname == "STORE_ATTR" and previous is not None and previous.opname.startswith(_COMPUTED):
                found.add(ins.argval)
            previous = ins
    return frozenset(found)


def _refuse_cell_rebinds(normalizer, tree, fn, written):
    """Refuse the first read of a closure variable of ``fn`` that a helper sharing its cell
    rebinds (``nonlocal act; act = np.tanh`` in a sibling closure; a number too)."""
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    for node in S.walk_nodes(tree):
        if not (isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and node.id in cells) \
                or node.id in normalizer.locals or not _filled(cells[node.id]):
            continue
        helper = written.get((id(cells[node.id]), None))
        function = callable(cells[node.id].cell_contents)
        if helper is not None and (function or _call_after(normalizer, tree, node)):
            _refuse_read(normalizer, node, node.id, helper, function)


def _identity(owner):
    """What a write and a read of ``owner.name`` share: a module's globals dict, an object."""
    return id(vars(owner)) if isinstance(owner, types.ModuleType) else id(owner)


def _written_by_helpers(fn):
    """{(identity of the owner, name): the helper} for the globals of other modules and
    the attributes of global objects that the functions ``fn`` reaches rebind."""
    written = {}
    for helper in _reached(fn)[1:]:
        if helper.__globals__ is not fn.__globals__:
            for name in _own_outer_writes(helper) & set(helper.__code__.co_names):
                written.setdefault((id(helper.__globals__), name), helper)
        for name in _cell_stores(helper.__code__):       # nonlocal name; name = ...
            cell = helper.__closure__[helper.__code__.co_freevars.index(name)]
            written.setdefault((id(cell), None), helper)
        for root, attr in _attribute_stores(helper.__code__):
            owner = helper.__globals__.get(root, MISSING)
            if owner is not MISSING:
                written.setdefault((_identity(owner), attr), helper)
        # on an object a local name holds (m = sys.modules[...]; import mod as m; m.K = v):
        # any module's or object's attribute of that name
        for attr in _alias_attribute_stores(helper.__code__) | _computed_attribute_stores(helper.__code__):
            written.setdefault((None, attr), helper)
        if {"setattr", "__setattr__"} & _code_names(helper.__code__):   # a name known when it runs
            written.setdefault((None, None), helper)
    return written


def _written_at(written, owner, attr):
    """The helper that may rebind ``owner.attr``: one storing on that very owner, or on
    an object it does not name (a local alias, setattr), where ``owner`` is the user's."""
    helper = written.get((_identity(owner), attr))
    if helper is not None or _library(getattr(owner, "__name__", None) if isinstance(owner, types.ModuleType)
                                       else type(owner).__module__):
        return helper
    return written.get((None, attr)) or written.get((None, None))


@functools.lru_cache(maxsize=4096)
def _attribute_stores(code):
    """(global name, attribute) for each ``NAME.attr = ...`` of a global ``NAME`` in ``code``."""
    found = set()
    for inner in [code] + [c for c in code.co_consts if isinstance(c, types.CodeType)]:
        if _STORE_ATTR not in inner.co_code[0::2]:
            continue        # most code stores no attribute (known without decoding it)
        previous = None
        for ins in dis.get_instructions(inner):
            if ins.opname == "STORE_ATTR" and previous is not None and previous.opname == "LOAD_GLOBAL":
                found.add((previous.argval, ins.argval))
            previous = ins
    return frozenset(found)


@functools.lru_cache(maxsize=4096)
def _alias_attribute_stores(code):
    """The attributes ``code`` (or code nested in it) stores on what a local name that is
    not a parameter holds (``m = sys.modules[__name__]; m.K = v``, ``import mod as m``)."""
    found = set()
    for inner in _codes(code):
        if _STORE_ATTR not in inner.co_code[0::2]:
            continue
        params = set(inner.co_varnames[:inner.co_argcount + inner.co_kwonlyargcount])
        previous = None
        for ins in dis.get_instructions(inner):
            if ins.opname == "STORE_ATTR" and previous is not None and previous.opname.startswith("LOAD_FAST"):
                name = previous.argval[-1] if isinstance(previous.argval, tuple) else previous.argval
                if name not in params:
                    found.add(ins.argval)
            previous = ins
    return frozenset(found)


@functools.lru_cache(maxsize=4096)
def _cell_stores(code):
    """The closure variables of ``code`` it rebinds (``nonlocal name; name = ...``)."""
    if not code.co_freevars or _STORE_DEREF not in code.co_code[0::2]:
        return frozenset()
    return frozenset(ins.argval for ins in dis.get_instructions(code)
                     if ins.opname == "STORE_DEREF" and ins.argval in code.co_freevars)


def _reached(fn, classes=False):
    """``fn`` and the user functions it reaches through its globals, its closure cells and
    the attributes it reads of the modules and objects they hold (``H.set_exp()``); with
    ``classes``, also the functions of the classes they read (methods, properties)."""
    if _library(getattr(fn, "__module__", None)):
        return [fn]
    seen, stack = {}, [fn]
    while stack:
        function = stack.pop()
        # (not into Python's standard library, NumPy or SciPy, nor out of it: through
        # copy.copy's copyreg.dispatch_table it reached every reducer any imported package
        # registered, thousands of SymPy's and mpmath's functions, whose names as text were
        # taken as rebinding the user's globals)
        if not isinstance(function, types.FunctionType) or id(function) in seen or not (
                function is fn or is_user_function(function)) or _library(function.__module__):
            continue
        seen[id(function)] = function
        names = _code_names(function.__code__)
        stack.extend(c.cell_contents for c in function.__closure__ or () if _filled(c))
        for name in names:
            value = function.__globals__.get(name)
            if isinstance(value, types.ModuleType):
                stack.extend(vars(value).get(attr) for attr in names)
            elif isinstance(value, types.FunctionType):
                stack.append(value)
            elif classes and isinstance(value, type):
                stack.extend(_class_functions(value))
            elif classes and type(value) in (list, tuple, dict):       # HOOKS[0](), D["h"]()
                stack.extend(value.values() if type(value) is dict else value)
    return list(seen.values())


def _class_functions(cls):
    """The functions a class of the user's defines (also as properties, static and class methods)."""
    for klass in cls.__mro__[:-1]:
        for value in vars(klass).values():
            if isinstance(value, property):
                yield from (value.fget, value.fset, value.fdel)
            else:
                yield getattr(value, "__func__", value)
