"""Inlining a function defined elsewhere: in another module, or as a closure.

A helper from another module (``fixed_point(step_for, a, x0)``, ``flatten_func(f, x)``)
or a closure (a function a factory made) is inlined like a helper of this module, but
its free names belong to its own scope: its module's globals and its closure cells.
Each one is written as an attribute of a *scope* bound in the generated code (the
module itself, or a ``ForeignScope`` reading the closure cells and then the globals),
so ``SCALE`` in ``othermod`` becomes ``othermod.SCALE`` and is read when the code runs,
as the helper reads it. Builtins, and modules the differentiated function's own scope
names the same way (``np``), keep their names.
"""

import builtins
import sys
import types

import gast

from ...core.missing import MISSING
from ...core.ops import is_user_function
from ...errors import TransformError
from ..source import parsed_for_reading
from .scopes import binding_counts, local_names, parameters
from ...core import syntax as S


class ForeignLowering:
    """Normalizer methods for helpers inlined from elsewhere: another module's names,
    and helpers inlined because their result changes from call to call."""

    def foreign_names(self, callee, tree):
        """Write ``callee``'s free names as attributes of its scope (foreign.py), bound in
        the generated code; a builtin, or a module this function's scope names the same
        way, keeps its name."""
        scope = scope_of(callee)
        name = self.bind_value(scope, "scope")
        self.source.scopes[name] = scope

        def keep(free, value):
            if free in self.locals or value is MISSING:
                return False
            ours = self.source.resolve(free)
            return ours is value and (isinstance(value, types.ModuleType) or free not in callee.__globals__
                                      and free not in callee.__code__.co_freevars)
        rewrite_free_names(tree, callee, name, keep)

    def draws_random_numbers(self, callee, node):
        """Whether a helper's result changes from call to call (it draws random numbers,
        or calls a method of an object whose class astgrad does not know), called as
        ``node`` (whose ints written in the code may seed its generators): such a helper
        is inlined, so its numbers are drawn once, where the differentiated function
        draws them, and never again by a derivative (analysis/purity.py). Not a helper
        that calls itself (recursion stays a call), nor one that changes its arguments or
        a global (``CACHE[n] = rng.normal(...)``: as a call it runs as it is)."""
        from ...analysis.purity import first_impure_call
        from ...analysis.seeds import fixed_parameters
        from ...analysis.sharing import callee_effects
        if self.callees is None or any(current.origin is callee for current in self.inlining):
            return False
        fixed = fixed_parameters(node, callee, lambda name: name not in self.locals
                                 and type(self.source.resolve(name)) is int)
        try:
            return not _calls_itself(callee) and first_impure_call(callee, self.callees.read, fixed) is not None \
                and not callee_effects(callee, self.callees.prepare, self.callees.read).mutated \
                and not _writes_outside(callee)
        except (TransformError, TypeError, OSError):
            return False


    def changes_its_arguments(self, callee):
        """Whether a helper changes an argument in place (``vx -= e``, ``a[0] = v``) and
        nothing outside: such a helper is inlined, so the change happens where the
        caller's names see it, as NumPy's aliasing has it (the caller's array changes),
        and the caller's own checks follow it. Not a helper that calls itself (recursion
        stays a call, and is refused at the call), nor one already being inlined."""
        from ...analysis.mutation import ChangeKind
        from ...analysis.sharing import OUTSIDE, callee_effects
        if self.callees is None or any(current.origin is callee for current in self.inlining):
            return False
        try:
            mutated = callee_effects(callee, self.callees.prepare, self.callees.read).mutated
            if not mutated:
                return False        # the common case, decided without reading the source again
            # writes, op= and a list's pop/extend/insert (a helper that only appends is a
            # collector, collectors.py; changes inside further calls stay calls)
            writes = {ChangeKind.ELEMENT.value, ChangeKind.AUGMENTED.value} | {
                f"the method call .{method}()" for method in _LIST_CHANGES}
            appends_only = all(w.what == "the method call .append()" for w in mutated.values()) \
                and not _appends_to_items(callee)
            return bool(mutated) and OUTSIDE not in mutated and not appends_only \
                and all(w.what in writes for w in mutated.values()) \
                and _direct_writes_only(callee) and not _calls_itself(callee) and not _writes_outside(callee)
        except (TransformError, TypeError, OSError):
            return False


class ForeignScope:
    """The free names of a closure (or of a function whose globals are not a module's),
    read when the code runs: its closure cells first, then its globals, then builtins."""

    def __init__(self, fn):
        self.__name__ = fn.__name__ + "_scope"
        self._astgrad_globals = fn.__globals__
        self._astgrad_cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))

    def __getattr__(self, name):
        if name.startswith("__astgrad"):    # astgrad's own probes (getattr(obj, "__astgrad_x__", None))
            raise AttributeError(name)
        value = lookup(self._astgrad_globals, self._astgrad_cells, name)
        if value is MISSING and name.startswith("__") and name.endswith("__"):
            # a probe of the object (getattr(scope, "__wrapped__", None), hasattr): as for any object
            raise AttributeError(f"{self.__name__!r} has no attribute {name!r}")
        if value is MISSING:
            raise NameError(f"name '{name}' is not defined (in {self.__name__[:-6]})")
        return value

    def __repr__(self):
        return f"<the names of {self.__name__[:-6]}>"


def lookup(scope, cells, name):
    """What ``name`` means to a function with globals ``scope`` and cells ``cells`` now."""
    cell = cells.get(name)
    if cell is not None:
        try:
            return cell.cell_contents
        except ValueError:
            return MISSING
    if name in scope:
        return scope[name]
    builtin_scope = scope.get("__builtins__", builtins)
    if isinstance(builtin_scope, dict):
        return builtin_scope.get(name, MISSING)
    return getattr(builtin_scope, name, MISSING)


def scope_of(fn):
    """The object whose attributes are ``fn``'s free names: its module when ``fn`` is not
    a closure and its globals are that module's, else a ForeignScope."""
    module = sys.modules.get(getattr(fn, "__module__", None) or "")
    if not fn.__code__.co_freevars and isinstance(module, types.ModuleType) \
            and vars(module) is fn.__globals__:
        return module
    return ForeignScope(fn)


def rewrite_free_names(tree, fn, scope_name, keep):
    """Write each free name of ``tree`` (``fn``'s def) as ``scope_name.name``, except the
    names ``keep(name, value)`` accepts as they are (the value: what it means to ``fn``)."""
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))

    def replace(name):
        if keep(name, lookup(fn.__globals__, cells, name)):
            return None
        return gast.Attribute(value=gast.Name(id=scope_name, ctx=gast.Load(), annotation=None,
                                              type_comment=None), attr=name, ctx=gast.Load())
    _FreeNames(replace).function(tree, frozenset())
    return tree


class _FreeNames(gast.NodeTransformer):
    """Replaces the loads of names no enclosing function of the tree binds."""

    def __init__(self, replace):
        self.replace = replace
        self.bound = frozenset()

    def visit_Name(self, node):
        if isinstance(node.ctx, gast.Load) and node.id not in self.bound:
            new = self.replace(node.id)
            if new is not None:
                return gast.copy_location(new, node)
        return node

    def visit_FunctionDef(self, node):
        self.function(node, self.bound)
        return node

    def visit_Lambda(self, node):
        self.function(node, self.bound)
        return node

    def function(self, fn, bound):
        args = fn.args                      # defaults: evaluated in the enclosing scope
        args.defaults = [self.visit(d) for d in args.defaults]
        args.kw_defaults = [None if d is None else self.visit(d) for d in args.kw_defaults]
        saved = self.bound
        self.bound = bound | local_names(fn) | set(parameters(fn))
        body = fn.body if isinstance(fn.body, list) else [fn.body]
        new = [self.visit(stmt) for stmt in body]
        if isinstance(fn.body, list):
            fn.body = new
        else:
            fn.body = new[0]
        self.bound = saved


def _calls_itself(callee):
    """Whether ``callee``'s code calls a global of its own name that is ``callee``
    (direct recursion), read off its source."""
    name = callee.__name__
    if callee.__globals__.get(name) is not callee or name not in _names_used(callee.__code__):
        return False
    tree = parsed_for_reading(callee).tree
    return any(isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and n.func.id == name
               for n in S.walk_nodes(tree))


def _names_used(code):
    """The global names ``code`` reads, and those its comprehensions read (before Python
    3.12 a comprehension is a code object of its own)."""
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _names_used(const)
    return names


_LIST_CHANGES = ("append", "pop", "extend", "insert")
_NEW_ARRAYS = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like", "array"}


def _direct_writes_only(callee):
    """Whether every in-place write of ``callee`` (``a[i] = v``, ``a op= v``, ``a[i] op= v``)
    goes into a parameter by its own name, or into an item of one (``state["m"][k] = v``:
    inlined, the caller writes into the item and stores it back, dicts.py, and its own
    checks refuse an item another name holds), or into an array, list or dict the helper
    made itself (bound only to operators, displays, NumPy constructors, and reads of a
    parameter by a list or a comparison, ``z = a[a > 0]``, which NumPy copies), or through a
    name bound once to a view of a parameter (``t = a[1:]; t[0] = v``, ``t = a.T``), which
    the caller follows as its own writes through views (views.py); a write through a name
    bound otherwise to a part of an argument (``row = a[i] if c else b``) stays a call."""
    return None not in _written_bases(callee)


def writes_elements_of_arguments(normalizer, callee):
    """Whether ``callee`` is a helper the normalizer inlines for the changes it makes to
    its arguments (``changes_its_arguments``), each a write of elements (``a[i] = v``,
    ``a op= v``, through a view of a parameter too), no list method: after its call, the
    caller's views of the arrays it hands it are read again (views.py)."""
    from ...analysis.mutation import ChangeKind
    from ...analysis.sharing import callee_effects
    if not (is_user_function(callee) and hasattr(callee, "__code__") and normalizer.changes_its_arguments(callee)):
        return False
    elements = {ChangeKind.ELEMENT.value, ChangeKind.AUGMENTED.value}
    effects = callee_effects(callee, normalizer.callees.prepare, normalizer.callees.read)
    return all(w.what in elements for w in effects.mutated.values())


def writes_through_parameter_views(callee):
    """Whether ``callee`` writes through a name it binds to a view of a parameter
    (``t = a[1:]; t[0] = v``): inlined, its writes through views are rewritten as the
    function's own are (views.py)."""
    return "view" in _written_bases(callee)


def _written_bases(callee):
    """What each in-place write of ``callee`` writes into: "parameter", "made" (an array,
    list or dict the helper made), "view" (a name bound once to a view of a parameter), or
    None (anything else), as a list (see ``_direct_writes_only``)."""
    tree = parsed_for_reading(callee).tree
    params = set(parameters(tree))
    counts = binding_counts([tree])
    bindings = {}
    for node in gast.walk(tree):
        if isinstance(node, gast.Assign):
            for target in node.targets:
                for name in (n.id for n in gast.walk(target) if isinstance(n, gast.Name)
                             and isinstance(n.ctx, gast.Store)):
                    bindings.setdefault(name, []).append(node.value if isinstance(target, gast.Name) else None)

    def advanced_index(index):
        # a list or a comparison, or a name bound only to one (m = a > 0): NumPy's advanced indexing
        parts = index.elts if isinstance(index, gast.Tuple) else [index]
        return S.certainly_advanced_index(index) or any(
            isinstance(p, gast.Name) and p.id not in params and bindings.get(p.id)
            and all(v is not None and S.certainly_advanced_index(v) for v in bindings[p.id]) for p in parts)

    def made_here(name):
        # a.copy(), a NumPy constructor, an operator, or a read of a parameter by an advanced index
        # (z = a[a > 0]: the new array NumPy makes; inlined, the caller's checks decide what a holds)
        return name not in params and bool(bindings.get(name)) and all(
            isinstance(v, (gast.BinOp, gast.UnaryOp, gast.Dict, gast.List)) or isinstance(v, gast.Call) and isinstance(
                v.func, gast.Attribute) and v.func.attr in _NEW_ARRAYS | {"copy"}
            or isinstance(v, gast.Subscript) and isinstance(v.value, gast.Name) and v.value.id in params
            and advanced_index(v.slice) for v in bindings[name])

    def view_of_parameter(name):
        # t = a[1:] (or a.T), t bound once, a parameter a never rebound; an index of ints
        # alone (row = a[0]) is no sure view: of a list it is the item, whose write the
        # caller's array never shows
        values = bindings.get(name)
        if name in params or values is None or len(values) != 1 or counts[name] != 1:
            return False
        value = values[0]
        viewed = value.value if isinstance(value, gast.Subscript) and _sliced_index(value.slice) \
            or isinstance(value, gast.Attribute) and value.attr == "T" else None
        return isinstance(viewed, gast.Name) and viewed.id in params and not counts[viewed.id]

    kinds = []
    for node in gast.walk(tree):
        target = node.target if isinstance(node, gast.AugAssign) else None
        if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store):
            target = node
        if target is None or isinstance(target, gast.Name) and isinstance(node, gast.AugAssign):
            continue
        base = target.value if isinstance(target, gast.Subscript) else None
        if isinstance(node, gast.Subscript) and isinstance(base, gast.Subscript):
            base = base.value       # d[a][b] = v into an item: written and stored back (dicts.py)
        name = base.id if isinstance(base, gast.Name) else None
        kinds.append(None if name is None else "parameter" if name in params else "made" if made_here(name)
                     else "view" if view_of_parameter(name) else None)
    return kinds


def _sliced_index(index):
    """Whether ``index`` is basic indexing with a slice or ``...`` in it (``a[1:]``,
    ``a[0, :]``): a view of an array, and of a list a new list, never one of its items."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    basic = all(isinstance(p, gast.Slice) or isinstance(p, gast.Constant) and (
        p.value is None or p.value is Ellipsis or type(p.value) is int) for p in parts)
    return basic and any(isinstance(p, gast.Slice) or isinstance(p, gast.Constant) and p.value is Ellipsis
                         for p in parts)


def _appends_to_items(callee):
    """Whether ``callee`` appends to a list an argument holds (``acc[k].append(v)``): not
    a collector, which appends to the list it is given; inlined, the caller's code
    appends to the item and stores it back (item_appends.py)."""
    tree = parsed_for_reading(callee).tree
    params = set(parameters(tree))
    return any(isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr == "append"
               and isinstance(node.func.value, gast.Subscript) and isinstance(node.func.value.value, gast.Name)
               and node.func.value.value.id in params for node in gast.walk(tree))


def _writes_outside(callee):
    """Whether ``callee``'s code stores into, or calls a changing method of, a name it
    does not bind itself (a global or closure variable: ``CACHE[n] = ...``, ``LOG.append(v)``)."""
    from ...analysis.mutation import is_mutating_method
    tree = parsed_for_reading(callee).tree
    own = local_names(tree) | set(parameters(tree))
    for node in S.walk_nodes(tree):
        root = None
        if isinstance(node, (gast.Subscript, gast.Attribute)) and isinstance(node.ctx, (gast.Store, gast.Del)):
            root = node.value
        elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
                and is_mutating_method(node.func.attr):      # CACHE.append(v), not rng.normal()
            root = node.func.value
        while isinstance(root, (gast.Subscript, gast.Attribute)):
            root = root.value
        if isinstance(root, gast.Name) and root.id not in own and not _is_module_name(callee, root.id):
            return True
    return False


def _is_module_name(callee, name):
    return isinstance(lookup(callee.__globals__, dict(zip(callee.__code__.co_freevars, callee.__closure__ or ())),
                             name), types.ModuleType)
