"""Guards: what a generated derivative depends on, and the check that it still holds.

Where generation depended on what a name meant (``np.sin`` chose a rule, ``helper`` chose
a callee whose derivative is called), that meaning is recorded as a guard
``(mapping, key, expected)``: a dict, a closure cell or an attribute read like a dict.
A cached derivative is used only while every guard reads what it read at generation
time (an identity check per guard), transitively through the callees.
"""

import builtins
import functools
import types

from .core.functions import ITEMS_ROOT, LAYOUT_ROOT, items_snapshot, same_items
from .core.methods import CLASS_ROOT
from .core.ops import is_user_function
from .core.missing import MISSING
from .frontend.object_layouts import global_layout
from .frontend.source import ScopeRoot
from .rules.rule_reads import VERSION

class _CellView:
    """A closure cell read like a dict, for guards."""
    __slots__ = ("cell",)

    def __init__(self, cell):
        self.cell = cell

    def __getitem__(self, name):
        try:
            return self.cell.cell_contents
        except ValueError:          # emptied (del) since
            raise KeyError(name) from None

    def __contains__(self, name):
        try:
            self.cell.cell_contents
        except ValueError:
            return False
        return True


# a method bound to an object is a new object on every access (``d.items``, ``obj.run``,
# ``x.__add__``); two of them are equal when they bind the same object to the same function
_BOUND_METHODS = (types.MethodType, types.BuiltinMethodType, types.MethodWrapperType)


class AttributeView:
    """An attribute of an object that is not a module, read like a dict, for guards.
    A bound method is a new object on every access, so it is compared with ``==``."""
    __slots__ = ("obj", "expected")

    def __init__(self, obj, expected):
        self.obj = obj
        self.expected = expected

    def __getitem__(self, attr):
        try:
            value = getattr(self.obj, attr)
        except Exception:
            raise KeyError(attr) from None
        if value is not self.expected and isinstance(value, _BOUND_METHODS) and value == self.expected:
            return self.expected
        return value

    def __contains__(self, attr):
        try:
            self[attr]
        except KeyError:
            return False
        return True


class ItemsView:
    """The items of a global list, tuple or dict of functions read like a dict, for guards:
    the snapshot taken when code was generated while each item is the same object."""
    __slots__ = ("obj", "expected")

    def __init__(self, obj, expected):
        self.obj = obj
        self.expected = expected

    def __getitem__(self, _key):
        return self.expected if same_items(self.obj, self.expected) else None

    def __contains__(self, _key):
        return True


class LayoutView:
    """A global instance's layout (frontend/object_layouts.py: the classes of the objects
    its attributes hold, the functions they hold) read like a dict, for guards."""
    __slots__ = ("obj", "expected")

    def __init__(self, obj, expected):
        self.obj = obj
        self.expected = expected

    def __getitem__(self, _key):
        return self.expected if global_layout(self.obj) == self.expected else None

    def __contains__(self, _key):
        return True


def guards_for(dependencies, fn):
    """The checks ``(mapping, key, expected)`` that hold while every name path in
    ``dependencies`` means, for ``fn``, the objects it meant when code was generated."""
    scope = fn.__globals__
    builtin_scope = scope.get("__builtins__", builtins)
    builtin_dict = builtin_scope if isinstance(builtin_scope, dict) else vars(builtin_scope)
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    guards = {}
    for parts, chain in dependencies:
        root = parts[0]
        if root is CLASS_ROOT:      # a method found on a receiver's class (core/methods.py)
            owner, expected = chain
            guards[id(owner), parts[1]] = (AttributeView(owner, expected), parts[1], expected)
            continue
        if root is ITEMS_ROOT or root is LAYOUT_ROOT:   # a global's items (function_literals.py) or layout
            owner, expected = chain
            view = ItemsView(owner, expected) if root is ITEMS_ROOT else LayoutView(owner, expected)
            guards[id(owner), root] = (view, root, expected)
            continue
        if isinstance(root, ScopeRoot):     # astgrad's own name for another function's scope
            pass
        elif root in cells:
            guards[id(cells[root]), root, id(chain[0])] = (_CellView(cells[root]), root, chain[0])
        elif root in scope or chain[0] is MISSING:
            guards[id(scope), root, id(chain[0])] = (scope, root, chain[0])
        else:                       # a builtin, as long as no global hides it
            guards[id(scope), root, id(MISSING)] = (scope, root, MISSING)
            guards[id(builtin_dict), root, id(chain[0])] = (builtin_dict, root, chain[0])
        for position in range(1, len(chain)):
            owner, attr, expected = chain[position - 1], parts[position], chain[position]
            if isinstance(owner, types.ModuleType) and attr in vars(owner):
                guards[id(vars(owner)), attr, id(expected)] = (vars(owner), attr, expected)
            else:
                guards[id(owner), attr] = (AttributeView(owner, expected), attr, expected)
    return list(guards.values())


def function_guards(dependencies):
    """Checks that each user function the code depends on (a callee, inlined or called:
    the last object of a name path in ``dependencies``, or the function a method bound
    there calls) keeps the code and defaults it
    has now, when the code is generated: replaced in place (``helper.__code__ = ...``,
    as IPython's autoreload does), it is another function, as ``fn``'s own code and
    defaults are checked by ``holds``. Kept with the generated code (as its callees'
    guards are), since code generated once is reused for equal functions later."""
    guards = {}
    for _, chain in dependencies:
        obj = _transformed(chain[-1]) if chain else None
        if isinstance(obj, types.MethodType):      # ``obj.method``: the function it binds
            obj = obj.__func__
        while isinstance(obj, functools.partial):  # the code holds its function, arguments and keywords
            guards.update(_partial_guards(obj, obj.func, obj.args, obj.keywords, items_snapshot(obj.keywords)))
            obj = obj.func
        if isinstance(obj, types.FunctionType) and (id(obj), "__code__") not in guards \
                and is_user_function(obj):       # (a function met again is guarded already)
            for attr in ("__code__", "__defaults__", "__kwdefaults__"):
                expected = getattr(obj, attr)
                guards[id(obj), attr] = (AttributeView(obj, expected), attr, expected)
            for guard in keyword_default_guards(obj):
                guards[id(guard[0]), guard[1]] = guard
    return tuple(guards.values())


def _transformed(obj):
    """What an astgrad object the code calls stands for: the function a gradient (or a
    gradient of one) differentiates, the partial or the decorated function behind it; its
    code is the gradient's, which follows that function where Python would. Anything
    else as it is."""
    while getattr(obj, "__astgrad_function__", None) is not None:
        inner = getattr(obj, "function", None)
        if inner is None:
            inner = getattr(obj, "partial", None) or getattr(obj, "__wrapped__", None)
        if inner is None or inner is obj:
            break
        obj = inner
    return obj


def keyword_default_guards(fn):
    """Checks that each keyword-only default of ``fn`` is the object it is now. The
    generated code holds those values, and ``__kwdefaults__`` is a dict that can be
    changed in place (``helper.__kwdefaults__["p"] = 3.0``), which the identity of the
    dict itself does not show."""
    keyword = fn.__kwdefaults__
    return tuple((keyword, key, value) for key, value in keyword.items()) if keyword else ()


def partial_state_guards(fn):
    """For a function standing for a partial (core/partials.py): the ``_partial_guards``
    of the partial and of each partial it wraps, as they were when ``fn`` was made."""
    guards = {}
    for held in getattr(fn, "__astgrad_partial_state__", ()):
        guards.update(_partial_guards(*held))
    return tuple(guards.values())


def _partial_guards(partial, func, args, keywords, items):
    """{key: guard} checking that ``partial`` (or a weak proxy of it) calls ``func`` with
    ``args`` and the dict ``keywords`` (``__setstate__``, which unpickling calls, replaces
    all three), and that the dict holds ``items`` (it can be changed in place:
    ``P.keywords["k"] = 3.0``)."""
    return {(id(partial), name): (AttributeView(partial, value), name, value)
            for name, value in (("func", func), ("args", args), ("keywords", keywords))} | {
        (id(keywords), ITEMS_ROOT): (ItemsView(keywords, items), ITEMS_ROOT, items)}


def merged(*groups):
    """The guards of ``groups`` once each. Two expecting different objects under one name
    are both kept, so the code never holds: the code and a callee's were made on either
    side of another thread's rebinding of the name (each reads it once: frontend/source.py),
    and no later call should run that pair."""
    out = {}
    for group in groups:
        for guard in group:
            mapping = guard[0]
            if isinstance(mapping, (AttributeView, ItemsView, LayoutView)):     # compared as they say
                out.setdefault((id(mapping.obj), guard[1]), guard)
                continue
            identity = id(mapping.cell) if isinstance(mapping, _CellView) else id(mapping)
            out.setdefault((identity, guard[1], id(guard[2])), guard)
    return tuple(out.values())


class Entry:
    """A compiled derivative of one function object, and what it was generated under.

    ``holds(fn)`` says whether the names the code depends on still mean what they
    meant: identity checks only, no user code runs. It is a small function made for
    the entry's guards (one ``mapping[key] is expected`` each), because it runs on
    every call of a gradient and a loop over the guards costs twice as much."""
    __slots__ = ("compiled", "guards", "rules", "holds", "generated")

    def __init__(self, compiled, guards, fn, rules, generated=None):
        self.compiled = compiled
        self.guards = guards
        self.rules = rules          # the entries of the rule table it was made from (a RulesRead)
        self.holds = _checker(fn, rules, guards)
        self.generated = generated      # the pipeline's Generated it runs (for the disk cache)


_checker_factories = {}     # number of guards -> a function making a checker for that many


def contradiction(guards):
    """Where two of ``guards`` expect different objects at one place (described: ``ACT, a
    global of module m``), or None: code made while that name was read meaning two
    objects, whose guards never hold."""
    expected_at = {}
    for mapping, key, expected in guards:
        if expected_at.setdefault((id(mapping), key), expected) is not expected:
            return _place(mapping, key)
    return None


def _place(mapping, key):
    if isinstance(mapping, dict) and isinstance(mapping.get("__name__"), str):
        return f"{key}, a global of module {mapping['__name__']}"
    if isinstance(mapping, _CellView):
        return f"{key}, a variable of an enclosing function"
    if isinstance(mapping, AttributeView):
        return f"the attribute {key} of a {type(mapping.obj).__name__}"
    return str(key)


def _checker(fn, rules, guards):
    """``holds(fn)``: ``fn`` has the same code and defaults, the entries of the rule table
    read are unchanged (``rules``, a RulesRead: one comparison while the table's version
    is the one they last held for), and every guard ``(mapping, key, expected)`` still
    reads ``expected`` (for ``expected`` MISSING: ``key`` is still absent)."""
    guards = tuple(guards) + keyword_default_guards(fn) + partial_state_guards(fn)
    shape = tuple(expected is MISSING for _, _, expected in guards)
    make = _checker_factories.get(shape)
    if make is None:
        tests = ["fn.__code__ is code", "fn.__defaults__ is defaults",
                 "fn.__kwdefaults__ is kwdefaults",
                 "(table_version[0] == rules.version or rules.holds())"]
        params = ["code", "defaults", "kwdefaults", "rules", "table_version"]
        for i, absent in enumerate(shape):
            params += [f"m{i}", f"k{i}", f"e{i}"]
            tests.append(f"k{i} not in m{i}" if absent else f"m{i}[k{i}] is e{i}")
        text = (f"def make({', '.join(params)}):\n"
                f"    def holds(fn):\n"
                f"        try:\n"
                f"            return {' and '.join(tests)}\n"
                f"        except KeyError:\n"
                f"            return False\n"
                f"    return holds\n")
        scope = {}
        exec(compile(text, "<astgrad guard check>", "exec"), scope)
        make = _checker_factories[shape] = scope["make"]
    flat = [part for guard in guards for part in guard]
    return make(fn.__code__, fn.__defaults__, fn.__kwdefaults__, rules, VERSION, *flat)
