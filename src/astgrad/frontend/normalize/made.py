"""Gradients made inside differentiated code as function values: ``astgrad.grad(g, wrt)``
and ``astgrad.value_and_grad(g, wrt)`` of a function known now (a module-level
function, a local def or lambda), bound to a name, stored in a list or dict, handed to a
helper, returned from one (``def make(g): return astgrad.grad(g)``), looped over.

Such a value is followed like a local function (closures.py): each call of it is the
nested transform of what it was made of (nested.py), ``astgrad.grad(g, wrt)(x)``. The
function is the one ``g`` named where the gradient was made; a local one reads the
enclosing variables when the gradient is called, as its closure does.
"""

import functools
import inspect
import types

import gast

from ...core import syntax as S
from ...core.missing import MISSING
from ...core.ops import is_user_function
from ...errors import TransformError
from ...rules.registry import is_astgrad_transform
from ..source import parsed_for_reading
from .closures import BoundMethod, Global, Local, Made
from .foreign import lookup


class MadeGradientLowering:
    """Normalizer methods for gradients made in the code as values."""

    def transform_target(self, call, depend=True):
        """The object a call's function is: a name this stage bound, or a global path."""
        func = call.func if isinstance(call, gast.Call) else None
        if isinstance(func, gast.Name) and func.id in self.bindings:
            return self.bindings[func.id]
        path = S.dotted_path(func) if func is not None else None
        if path is None or path[0] in self.locals:
            return None
        return self.source.resolve_path(path, depend=depend)

    def unpartialed(self, node):
        """``functools.partial(astgrad.grad, wrt=1)(g)`` as the call it makes,
        ``astgrad.grad(g, wrt=1)``; any other node as it is."""
        func = node.func if isinstance(node, gast.Call) else None
        if not (isinstance(func, gast.Call) and func.args and isinstance(func.func, (gast.Name, gast.Attribute))
                and not any(isinstance(a, gast.Starred) for a in func.args + node.args)
                and self.transform_target(func, depend=False) is functools.partial):
            return node
        return gast.Call(func=func.args[0], args=func.args[1:] + node.args,
                         keywords=func.keywords + node.keywords)

    def is_made_gradient(self, node):
        """Whether ``node`` is ``astgrad.grad(g[, wrt])`` (or value_and_grad) of a function
        known now, ``wrt`` a constant: a value, when not called at once."""
        node = self.unpartialed(node)
        if not (isinstance(node, gast.Call) and 1 <= len(node.args) + len(node.keywords) <= 2 and node.args
                and all(kw.arg == "wrt" for kw in node.keywords) and self.callees is not None):
            return False
        transforms = (self.callees.grad, getattr(self.callees, "value_and_grad", None))
        if self.transform_target(node, depend=False) not in transforms:
            return False
        from .nested import ast_literal
        wrt = self.made_wrt(node)
        try:
            wrt is None or ast_literal(wrt)
        except ValueError:
            return False
        fn = node.args[0]
        if self.method_of_local(fn) or isinstance(fn, gast.Name) and isinstance(self.functions.get(fn.id), BoundMethod):
            return False        # grad(h.loss) of a local object: refused as a nested transform (nested.py)
        return not (isinstance(fn, gast.Call) and self.is_made_gradient(fn)) and self.looks_like_function(fn)

    def made_gradient(self, node):
        """The Made value of ``node`` (is_made_gradient): the function read now."""
        node = self.unpartialed(node)
        function = self.function_value(node.args[0])
        if isinstance(function, Made) and isinstance(function.function, Global):
            function = self.made_object(function, node)     # grad(grad(q)), grad a helper making it
        if not isinstance(function, (Local, Global)):
            raise self._refuse("astgrad.grad of a list or dict of functions", node)
        wrt = self.made_wrt(node)
        transform = self.transform_target(node)
        name = function.label if isinstance(function, Local) else ".".join(S.dotted_path(function.func) or ["g"])
        return Made(transform, function, S.copy(wrt) if wrt is not None else None,
                    f"astgrad.{transform.__name__}({name})")

    def made_object(self, made, node):
        """The gradient ``made`` of a module-level function, made now, as a Global: what a
        transform of it differentiates (``astgrad.grad(d)`` for ``d = astgrad.grad(q)``)."""
        from .nested import ast_literal
        try:
            wrt = {} if made.wrt is None else {"wrt": ast_literal(made.wrt)}
            obj = made.transform(made.function.obj, **wrt)
        except (TypeError, ValueError) as exc:
            raise self._refuse(f"{made.label} ({exc})", node) from None
        return Global(obj, S.name(self.bind_value(obj, "gradient")))

    def made_wrt(self, node):
        """The ``wrt`` of ``astgrad.grad(g, wrt)``: None, a literal, or the literal an inlined
        helper's parameter holds (``def make(g, argnum=0): return astgrad.grad(g, wrt=argnum)``)."""
        wrt = node.args[1] if len(node.args) > 1 else node.keywords[0].value if node.keywords else None
        if isinstance(wrt, gast.Name) and wrt.id in self.constants:
            return self.constants[wrt.id]
        return wrt

    def made_by_helper(self, node):
        """The gradient a call of a helper making one returns (``grad(h)`` for the shim's
        ``def grad(fun, argnum=0): return astgrad.grad(fun, wrt=argnum)``): the helper
        inlined here, where the call is evaluated."""
        value = self.atom(node, hint="gradient")
        function = self.functions.get(value.id) if isinstance(value, gast.Name) else None
        if function is None:
            raise self._refuse("a call of a helper that makes a gradient, returning something else here", node,
                               "return the gradient on every path of the helper")
        return function

    def makes_gradient_call(self, node):
        """Whether ``node`` calls a user function that makes a gradient (makes_transform)."""
        path = S.dotted_path(node.func) if isinstance(node, gast.Call) else None
        if path is None or path[0] in self.locals:
            return False
        callee = self.source.resolve_path(path, depend=False)
        return is_user_function(callee) and makes_transform(callee)

    def call_made_gradient(self, made, node):
        """The lowered call of a Made value: the nested transform ``transform(g, wrt)(args)``."""
        if isinstance(made.function, Local):
            if made.name is None:
                made.name = self.namer.fresh(made.function.node.name)
            self.functions[made.name] = made.function
            self.locals.add(made.name)
            fn = S.name(made.name)
        else:
            fn = S.name(self.bind_value(made.function.obj, "function"))
        outer = gast.Call(func=S.name(self.bind_value(made.transform, "transform")),
                          args=[fn] + ([S.copy(made.wrt)] if made.wrt is not None else []), keywords=[])
        return self.expr(gast.Call(func=outer, args=list(node.args), keywords=list(node.keywords)))

    def made_gradient_named(self, name):
        """Whether ``name`` holds a gradient made in the code (a Made, or a name bound once
        to ``astgrad.grad(g)`` and only called)."""
        from .call_forms import MadeTransform
        return isinstance(self.functions.get(name), Made) or isinstance(self.partials.get(name), MadeTransform)

    def positional_atoms(self, callee, extra, node, leading=0):
        """The arguments of ``node``, a call of ``callee``'s gradient (the last ``extra``
        parameters of ``callee`` are a lifted function's own, the first ``leading`` its
        receiver's), as atoms in the order of ``callee``'s parameters: keyword arguments
        put in their places, evaluated in the order they are written."""
        args = [self.atom(a) for a in node.args]
        if not node.keywords:
            return args
        if any(kw.arg is None for kw in node.keywords):
            raise self._refuse("**kwargs unpacking in a call of a gradient", node,
                               "pass the keyword arguments one by one")
        keywords = {kw.arg: self.atom(kw.value) for kw in node.keywords}
        try:
            params = list(inspect.signature(callee).parameters.values())
        except (TypeError, ValueError):
            params = []
        positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        for param in params[leading + len(args):len(params) - extra]:
            if param.name not in keywords or param.kind not in positional:
                break
            args.append(keywords.pop(param.name))
        if keywords:
            raise self._refuse(f"a call of a gradient with the keyword argument '{next(iter(keywords))}' "
                               "astgrad cannot put in its place", node,
                               "pass the arguments by position, in the order of the function's parameters")
        return args

    def hold_function(self, node, hint):
        """A fresh name holding the function value ``node`` is (followed where it is called)."""
        name = self.namer.fresh(hint)
        self.functions[name] = self.function_value(node)
        self.locals.add(name)
        return name

    def receiver_method(self, node):
        """(function, leading atoms) for ``self.method`` named in a method specialized for
        its receiver's class (a transform of it takes the receiver first), else None."""
        receiver = self.receiver()
        if receiver is None or not (isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name)
                                    and node.value.id == receiver[0]):
            return None
        return self.receiver_function(receiver, node.attr)

    def only_called(self, name):
        """Whether ``name`` is bound once in the function and only called, directly or as
        an item (``d(x)``, ``fs[0](x)``, ``for d in fs``), or handed to a helper of this
        module (inlined where it is given a function): then the gradients it holds need not
        be made when the code runs."""
        tree = self.source.tree
        called = set()
        for node in S.walk_nodes(tree):
            if isinstance(node, gast.Call):
                called.add(id(node.func.value) if isinstance(node.func, gast.Subscript) else id(node.func))
                if self.inlined_helper(node):
                    called.update(id(a) for a in node.args + [kw.value for kw in node.keywords])
            elif isinstance(node, gast.For):
                called.add(id(node.iter))
        names = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and n.id == name]
        return sum(isinstance(n.ctx, gast.Store) for n in names) == 1 and all(
            isinstance(n.ctx, gast.Store) or id(n) in called for n in names)

    def inlined_helper(self, call):
        """Whether ``call`` calls a function of this module, which is inlined where it is
        handed a function value."""
        path = S.dotted_path(call.func)
        if path is None or path[0] in self.locals:
            return False
        callee = self.source.resolve_path(path, depend=False)
        return is_user_function(callee) and hasattr(callee, "__code__") and self.same_module(callee)


def makes_transform(callee):
    """Whether ``callee`` (a helper from another module, or a closure) returns a gradient
    it makes with one of astgrad's transforms (``def grad(fun, argnum=0): return
    astgrad.grad(fun, wrt=argnum)``, through functools.partial, or a lambda calling it),
    read off its source with its names as its own scope binds them: such a helper is
    inlined where it is handed a function, so the gradient is followed where it is called."""
    code = getattr(callee, "__code__", None)
    if code is None:
        return False
    cells = dict(zip(code.co_freevars, callee.__closure__ or ()))

    def resolved(node):
        path = S.dotted_path(node)
        obj = lookup(callee.__globals__, cells, path[0]) if path else MISSING
        for part in (path or [])[1:]:
            obj = getattr(obj, part, MISSING)
        return obj

    def transform_call(node):
        if isinstance(node, gast.Lambda):
            return any(transform_call(n) for n in S.walk_nodes(node.body))
        if not isinstance(node, gast.Call):
            return False
        obj = resolved(node.func.func if isinstance(node.func, gast.Call) else node.func)
        if obj is functools.partial and isinstance(node.func, gast.Call) and node.func.args:
            obj = resolved(node.func.args[0])
        return isinstance(obj, types.FunctionType) and is_astgrad_transform(obj)
    try:
        tree = parsed_for_reading(callee).tree
    except (TransformError, TypeError, OSError):
        return False
    return any(isinstance(stmt, gast.Return) and stmt.value is not None and transform_call(stmt.value)
               for stmt in tree.body)
