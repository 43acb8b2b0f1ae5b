"""Methods and callable objects handed around as function values, and methods handed
function values:

- ``self.apply(lambda z: z * w, x)``, ``layer.forward(h, activation=lambda z: z)``: a
  method astgrad follows (on ``self``, on an object of a known layout, on a global
  instance), called with a function value, is inlined where it is called, as a
  module-level helper given one is (inlining.py): the function is then followed where
  the method calls it, its closure reading the caller's variables. The receiver is bound
  to a name of its own, standing for the receiver's layout (objects.py), so the
  method's calls on ``self`` are followed inside too.
- ``map(NET, xs)``, ``map(self.layer, xs)``, ``map(obj.f, xs)``: a global callable
  object, or a method or callable attribute of an object whose class is known, as the
  function ``map`` calls: ``[NET(x) for x in xs]``. The path is read at each call, as
  ``map`` reads it once: nothing in the comprehension rebinds a name, and astgrad
  follows only plain attributes there (a property is not followed as a function).
- ``MLP(layers)(x)``: an object built in the code and called at once, called through a
  name standing for its layout.
- ``g = h.features; g(x)``, ``fs = [m.a, m.b]``: a method (or any attribute) of a local
  object or an argument taken as a value, where the object's name is bound once, at the
  top level of the body, before it (or is an argument never rebound) and no attribute of
  that name is assigned in the function: every call of it is ``h.features(x)``, the call
  Python makes (the object the value holds is the one ``h`` names there), followed as
  such a method call is. Elsewhere (``h`` rebound: the value keeps the first object) it
  stays a function value astgrad does not know, refused where it is called.
- ``for net in (NET, NET2): total += net(x)``: a literal of global callable objects (and
  functions), unrolled one step per item by function_loops.py, each step calling the
  object by its global name (guarded, as ``NET(x)`` is).
"""

import inspect

import gast

from ...core import methods as M
from ...core import syntax as S
from ...core.functions import LAYOUT_ROOT
from ...core.ops import is_user_function
from .. import object_layouts as L
from ...library_code import users_code
from ..function_args import specialize as specialize_for_values
from .closures import Functions, Global
from .inlining import _function_defaults
from .scopes import top_level_binding


class MethodValueLowering:
    """Normalizer methods for methods and callable objects as function values."""

    def method_of_local(self, node):
        """Whether ``node`` is ``h.attr``, a method of the class of the object ``h`` names,
        that every later call may read again for the value it gives now: ``h`` bound
        once at the top level of the body before the statement holding ``node`` (or an
        argument never rebound), and ``attr`` assigned nowhere in the function."""
        if self.inlining or not (isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name)) \
                or node.attr in self.assigned_attributes():
            return False
        owner, tree = node.value.id, self.source.tree
        if owner in self.functions or self.is_receiver(owner):
            return False
        layout = self.layout(node.value)        # an argument's once the transform is called with it
        if layout is None or layout[0] != L.OBJECT or not inspect.isfunction(M.static_attribute(layout[1], node.attr)):
            return False        # a method of the object's class, not an attribute holding data
        bound = top_level_binding(tree, owner)
        where = next((k for k, stmt in enumerate(tree.body)
                      if any(n is node for n in S.walk_nodes(stmt))), None)
        return bound is not None and where is not None and where > bound

    def method_given_functions(self, function, leading, node):
        """The call of the method ``function`` (specialized for its receiver, see
        core/methods.py) inlined, when one of its arguments is a function value; else
        None (the method is called as it is)."""
        spec = M.receiver_of(function)
        exprs = list(node.args) + [kw.value for kw in node.keywords]
        if spec is None or getattr(function, "__astgrad_writes_self__", False) \
                or any(isinstance(a, gast.Starred) for a in node.args) or any(kw.arg is None for kw in node.keywords) \
                or not any(self.looks_like_function(a) for a in exprs):
            return None
        kind, cls = spec
        leading = list(leading)
        if kind == M.INSTANCE and leading and isinstance(leading[0], gast.Name):
            layout = M.receiver_layout(function) or self.layout(leading[0]) or (L.OBJECT, cls, (), ())
            me = self.fresh_assign(leading[0], "self")
            self.bound_count[me] = 1
            self.named_layouts()[me] = layout
            leading[0] = S.name(me)
        call = gast.Call(func=node.func, args=leading + list(node.args), keywords=list(node.keywords))
        return self.inline(self.module_function(function, call), call)

    def method_function_defaults(self, function, leading, node):
        """The method ``function`` made for the functions its defaults hold where the call
        leaves them (``def forward(self, h, *, activation=np.tanh)``), and knowing which of
        its parameters may hold objects of a class defining operators that the code does
        not know (``calc.halve(d)``, ``d`` a dict of them), as a module-level
        helper is (inlining.py); ``function`` itself where there are none."""
        if M.receiver_of(function) is None:
            return function
        call = gast.Call(func=node.func, args=list(leading) + list(node.args), keywords=list(node.keywords))
        given = {**_function_defaults(function, call), **self.operand_objects_given(function, call, len(leading))}
        if not given:
            return function
        made = specialize_for_values(function, given)
        made.__astgrad_receiver__ = function.__astgrad_receiver__
        made.__astgrad_receiver_layout__ = M.receiver_layout(function)
        return made

    def operand_objects_given(self, method, call, leading):
        """{parameter: Holding} for the parameters of ``method`` (a method followed with its
        receiver) past the ``leading`` ones where ``call`` hands a value that may be or hold
        an object of a class the code does not know (``calc.halve(d)``, ``d`` a dict of
        objects of a class defining operators or comparisons): one its body compares, or
        runs an operator on or calls through where that value is not proven plain. The
        method is made knowing they may hold such objects, as a helper is (objects.py,
        ``objects_given``), so its operators find their method, and its comparisons are
        checked, when the code runs."""
        called, compared = L.called_parameters(method), L.compared_parameters(method)
        if not users_code(method) or not called | compared \
                or any(isinstance(a, gast.Starred) for a in call.args) or any(kw.arg is None for kw in call.keywords):
            return {}
        try:
            bound = inspect.signature(method).bind(*call.args, **{kw.arg: kw.value for kw in call.keywords})
        except (TypeError, ValueError):
            return {}
        params = list(bound.signature.parameters)
        skipped = set(params[:leading])
        held = {params[0]: L.Holding()} if leading and self.receiver_built_with_objects(call.func) else {}
        return held | {param: L.Holding() for param, expr in bound.arguments.items() if param not in skipped
                and isinstance(expr, gast.AST) and self.layout(expr) is None     # an object of a class it knows
                and (param in compared and self.may_be_unknown_object(expr)
                     or param in called and self.may_be_operand_object(expr))}

    def receiver_built_with_objects(self, func):
        """Whether ``func`` (``Pair(d["s"], y).halved``, or ``p.halved`` where each binding
        of ``p`` builds one) calls a method of an object built in the code with a value
        that may be an object of a class defining operators that the code does not know:
        its method is made knowing its receiver may hold one, so ``self.x // 2.0`` there
        finds its method when the code runs."""
        owner = func.value if isinstance(func, gast.Attribute) else None
        if owner is None or not self.meets_operators():
            return False
        self.proven_plain(owner)        # proven_plain.py: the bindings of the function's names
        built = [owner] if isinstance(owner, gast.Call) else self._values_of.get(owner.id, []) \
            if isinstance(owner, gast.Name) else []
        return any(isinstance(value, gast.Call) and isinstance(self.resolve_call(value), type) and any(
            self.layout(a) is None and self.may_be_operating_object(a) for a in value.args + [k.value for k in value.keywords])
            for value in built)

    def aliased_method_call(self, node, path):
        """``m.loss(x)`` where ``m`` is bound to a global callable object by a loop over
        them (``for m in (NET, NET2)``): the call through the global's name; else None."""
        value = self.functions.get(path[0])
        if len(path) < 2 or not isinstance(value, Global) or not callable_instance(value.obj):
            return None
        func = S.copy(value.func)
        for attr in path[1:]:
            func = gast.Attribute(value=func, attr=attr, ctx=gast.Load())
        return self.expr(gast.Call(func=func, args=node.args, keywords=node.keywords))

    def built_object_call(self, node):
        """``MLP(layers)(x)``: the object built (of a class astgrad follows) bound to a
        name of its own, which stands for its layout, and called through it; else None."""
        tree = self.static_layout(node.func, L._DEPTH)          # built_objects.py
        if tree is None or tree[0] != L.OBJECT:
            return None
        name = self.namer.fresh("built")
        self.bound_count[name] = 1
        self.locals.add(name)
        self.statement(gast.Assign(targets=[S.name(name, store=True)], value=node.func, type_comment=None))
        return self.expr(gast.Call(func=S.name(name), args=node.args, keywords=node.keywords))

    def map_of_callable(self, node):
        """``map(NET, xs)``, ``map(self.layer, xs)``: the list comprehension calling the
        object or method for each item; None for any other call."""
        if len(node.args) < 2 or node.keywords or not self.followed_callable(node.args[0]):
            return None
        items, target, iterable = self.items_of(node.args[1:])         # iterators.py
        call = gast.Call(func=S.copy(node.args[0]), args=[S.name(v) for v in items], keywords=[])
        return self.comprehension_of(call, target, iterable)

    def followed_callable(self, node):
        """Whether ``node`` is an expression astgrad follows a call of as a method or
        callable object: a method of ``self`` or of an object of a known layout
        (``self.forward``, ``self.layers[0].forward``), such an object (``self.layer``,
        ``layer``), or a global callable object."""
        if not isinstance(node, (gast.Name, gast.Attribute, gast.Subscript)):
            return False
        for part in ([node.value] if isinstance(node, gast.Attribute) else []) + [node]:
            found = self.layout(part)
            if found is not None and found[0] == L.OBJECT:
                return True
        path = S.dotted_path(node)
        if path is not None and len(path) > 1 and self.is_receiver(path[0]):
            return True
        return self.callable_global(node)

    def callable_global(self, node):
        """Whether ``node`` names a global instance of a user class with a ``__call__``
        astgrad follows (``NET``)."""
        path = S.dotted_path(node)
        if path is None or path[0] in self.locals:
            return False
        return callable_instance(self.source.resolve_path(path, depend=False))

    def item_layout(self, node):
        """The layout of ``layers[-1]`` or ``layers[:-1]`` (a constant index or slice) of
        a list or tuple of a known layout, or of ``layers[i]`` where all its items have
        one layout; else None."""
        owner = self.layout(node.value)
        if owner is not None and owner[0] == L.KEYED:      # params["layer"] of a dict argument
            key = node.slice.value if isinstance(node.slice, gast.Constant) else None
            return L.keyed_item(owner, key) if type(key) in (str, int) else None
        if owner is None or owner[0] != L.ITEMS:
            return None
        index = _constant_index(node.slice)
        if index is None:       # any one item: the layout they all have, if they do
            return None if isinstance(node.slice, (gast.Slice, gast.Tuple)) else L.item(owner)
        if isinstance(index, int):
            return L.item(owner, index)
        items = owner[2][index]
        return (L.ITEMS, owner[1], items) if items else None

    def global_object_layout(self, node):
        """The layout of the global object ``node`` names, handed to a helper that calls
        it (``apply(POLY, x)``): what the name means, the object's class and its layout
        are dependencies of the code, checked at each call; else None."""
        path = S.dotted_path(node)
        if path is None or path[0] in self.locals or path[0] in self.functions:
            return None
        obj = self.source.resolve_path(path, depend=False)
        tree = L.layout_of(obj)
        if tree is None or tree[0] != L.OBJECT:
            return None
        self.source.resolve_path(path)
        self.source.dependencies.append(((M.CLASS_ROOT, "__class__"), (obj, type(obj))))
        self.source.dependencies.append(((LAYOUT_ROOT, type(obj).__name__), (obj, tree)))
        self.free[path[0]] = self.source.resolve(path[0])
        return tree

    def global_items_layout(self, node):
        """The layout of a global or closure list or tuple of objects the name ``node``
        reads (``for layer in layer_specs: layer.forward_pass(h)``), or an attribute of a
        global object reads (``for layer in NET.layers``): what the path means and the
        list's layout (its length, its items' classes) are dependencies of the code,
        checked at each call; else None."""
        path = S.dotted_path(node)
        if path is None or path[0] in self.locals or path[0] in self.functions:
            return None
        known, key = self.__dict__.setdefault("_global_items_layouts", {}), ".".join(path)
        if key in known:
            return known[key]
        obj = self.source.resolve_path(path, depend=False)
        tree = L.global_layout(obj)
        if tree is None or tree[0] != L.ITEMS:
            known[key] = None       # (asked of every name a loop or a call reads: most are no such list)
            return None
        self.source.resolve_path(path)
        self.source.dependencies.append(((LAYOUT_ROOT, key), (obj, tree)))
        self.free[path[0]] = self.source.resolve(path[0])
        known[key] = tree       # looked up once, its dependencies added once
        return tree

    def looped_functions(self, node):
        """The function values a loop over ``node`` walks: a literal of functions, or of
        global callable objects and functions; None for anything else."""
        if self.looks_like_function(node):
            return self.function_value(node)
        if isinstance(node, (gast.List, gast.Tuple)) and node.elts \
                and any(self.callable_global(e) for e in node.elts) \
                and all(self.callable_global(e) or self.looks_like_function(e) for e in node.elts):
            return Functions(None, [self.function_value(e) for e in node.elts])
        return None


def _constant_index(node):
    """The int or slice (of int constants or None) ``node`` is, written with constants;
    else None."""
    if isinstance(node, gast.Slice):
        parts = [None if part is None else _constant_index(part) for part in (node.lower, node.upper, node.step)]
        given = [part for part in (node.lower, node.upper, node.step) if part is not None]
        if any(not isinstance(_constant_index(part), int) for part in given) or parts[2] == 0:
            return None
        return slice(*parts)
    negative = isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub)
    value = node.operand if negative else node
    if isinstance(value, gast.Constant) and type(value.value) is int:
        return -value.value if negative else value.value
    return None


def callable_instance(obj):
    """An instance of a user's class whose ``__call__`` is a function of its own."""
    call = getattr(type(obj), "__call__", None)
    return not isinstance(obj, type) and inspect.isfunction(call) and is_user_function(call)
