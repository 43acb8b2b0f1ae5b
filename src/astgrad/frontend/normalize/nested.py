"""Nested astgrad transforms: ``astgrad.grad(g)(x)``, ``astgrad.value_and_grad(g)(x)``
and ``astgrad.jvp(g, (x,), (v,))`` inside differentiated code become calls of ``g``'s
generated derivative, which is ordinary code to differentiate again (so grad of a jvp,
or of a grad, just works).

``g`` may be a module-level function, a closure variable holding a function, or a local
def or lambda of the function being normalized. A local one reads the enclosing
function's variables: it is differentiated as its lifted twin, a function taking those
variables as extra parameters after its own (``lambda z: z * w`` as ``def g(z, w)``),
called with their values at the call, as a closure reads them; so the derivative with
respect to ``w`` flows through the generated gradient too. ``value_and_grad`` is the
call of ``g`` itself (inlined or called as any callee) and the gradient's call.
"""

import inspect
import types
import weakref

import gast

from ... import runtime, runtime_objects
from ...core import anno
from ...core import syntax as S
from ...core.anno import Key
from ...core.functions import StandIn, is_transform_object, made_per_call_shape, underlying
from ...errors import RecursiveCall, TransformError
from ...rules.registry import TRANSFORMS_INSIDE, is_astgrad_transform
from ..source import parsed_for_reading
from ..varargs import compile_variant
from .callee_writes import refuse_transform_of_rebinding
from .closures import BoundMethod, Global, Local, Made, _known_object
from .refusals import _Line
from .scopes import declared, local_names
from ...core.first_use import imported_when_called

# modules only some functions need, loaded with the first call of these (core/first_use.py)
normalize_wrt = imported_when_called("astgrad.core.wrt", "normalize_wrt")

_lifted = weakref.WeakKeyDictionary()       # enclosing function -> {tree texts: lifted functions}
_receiving = weakref.WeakKeyDictionary()    # a transform of a bound method -> its Receiving

# what to write instead of JAX's keywords on a gradient taken inside differentiated code
_INNER = {"argnums": "write wrt= for the positions (astgrad.grad(g, wrt=1))",
          "has_aux": "take the gradient of the value alone (astgrad.grad(lambda x: g(x)[0])) and compute "
                     "the aux by calling g, or give has_aux=True to the outer transform"}


class NestedTransformLowering:
    """Normalizer methods for astgrad's transforms called inside differentiated code."""

    def nested_transform(self, node, outer, target):
        """The lowered call for a nested transform ``node``, or None for any other call
        (``outer`` and ``target`` as ``calls.transform_called`` found them)."""
        if target not in (self.callees.grad, self.callees.jvp, getattr(self.callees, "value_and_grad", None)) \
                and inspect.isfunction(target) and is_astgrad_transform(target):
            made = _other_transform(self, outer if outer is not None else node)
            if made is None:
                return None
            return self.expr(made if outer is None else gast.Call(func=made, args=node.args, keywords=node.keywords))
        if target is self.callees.jvp and outer is None and len(node.args) == 3 and not node.keywords:
            return self.nested_jvp(node)
        with_value = target is getattr(self.callees, "value_and_grad", None)
        if (target is self.callees.grad or with_value) and outer is not None and outer.args:
            return self.nested_gradient(node, outer, with_value)
        if (target is self.callees.grad or with_value) and outer is None and not self.is_made_gradient(node) \
                and node.args and isinstance(node.args[0], gast.Name) and node.args[0].id in self.functions:
            raise self._refuse(f"astgrad.{target.__name__} of a function value with a wrt that is not a "
                               "constant (or with other arguments than the function and wrt)", node,
                               "give wrt as a number or a name written in the code (for k in range(2): "
                               "write the steps out)")
        if (target is self.callees.grad or with_value) and outer is None and self.is_made_gradient(node) \
                and not isinstance(self.function_value(node.args[0]), Global):
            raise self._refuse(f"the gradient {self.made_gradient(node).label} of a local function used as a "
                               "value (returned, or passed to a function astgrad does not inline)", node,
                               "call it in the code, bind it to a name, or pass it to a helper defined in "
                               "this module")
        return None

    def transform_object_call(self, node, transform):
        """(call, function, target) for ``g(x)``, ``g`` a gradient made outside
        (``g = astgrad.grad(f)``), whose generated code the transforms differentiate
        again. Called with functions known now (``g(np.sin, x)``), it is the gradient
        made for them, as calling it makes; a transform of a bound method takes the
        receiver first (Receiving)."""
        call = gast.Call(func=node.func, args=list(node.args), keywords=list(node.keywords))
        if made_per_call_shape(transform):      # made for the call's shape (shaped.py)
            made, names = transform.for_call([None] * len(call.args), {kw.arg: None for kw in call.keywords})
            if not is_transform_object(made):       # a jacobian, ...: an ordinary call
                return node, S.copy(node.func), transform
            transform = made
            call.keywords = [gast.keyword(arg=new, value=kw.value) for new, kw in zip(names, call.keywords)]
            call.func = S.name(self.bind_value(transform, "gradient"))
        given = self.given_functions(transform, call)
        if given:
            from ...function_values import specialized
            made = specialized(transform, given)
            transform = transform if made is None else made
            call = self.passing_functions(call)
        receiving = _receiving_for(transform)
        if receiving is None:
            if given:
                call.func = S.name(self.bind_value(transform, "gradient"))
            return call, S.copy(call.func), transform
        receivers = [S.name(self.bind_value(r, r.__name__ if isinstance(r, type) else type(r).__name__.lower()))
                     for r in transform.leading_arguments]
        func = S.name(self.bind_value(receiving, "gradient"))
        return gast.Call(func=func, args=receivers + call.args, keywords=call.keywords), S.copy(func), receiving

    def as_returned(self, call, target):
        """The call of a gradient made outside, its result read as a call returns it: a
        gradient with respect to a dataclass or namedtuple whose fields the code reads."""
        derivative = getattr(target, "transform", target)
        items = getattr(derivative, "items", None)
        if items is None or derivative.with_value or not derivative.single or len(items) != 1 or items[0][1]:
            return call
        position = items[0][0]
        from ...bound import user_code
        if position >= len(call.args) or not _reads_fields(user_code(derivative), position):
            return call
        return self.runtime_call(runtime_objects.record_gradient,
                                 [S.name(self.fresh_assign(call, "t")), call.args[position]])

    def given_functions(self, transform, call):
        """{parameter: function} for the arguments of ``call`` that are functions known now."""
        exprs = call.args + [kw.value for kw in call.keywords]
        if not any(self.looks_like_function(e) for e in exprs):
            return {}
        from ...core.functions import public_signature
        try:
            bound = public_signature(transform).bind(*call.args, **{kw.arg: kw.value for kw in call.keywords})
        except TypeError as exc:
            raise self._refuse(f"a call of {transform.__name__} with these arguments ({exc})", call) from None
        given = {}
        for param, expr in bound.arguments.items():
            if isinstance(expr, gast.AST) and self.looks_like_function(expr):
                given[param] = _known_object(self.function_value(expr))
                if given[param] is None:
                    raise self._refuse(f"passing a local function to {transform.__name__}, a gradient "
                                       "made outside", call, "pass a module-level function, or take the "
                                       "gradient inside: astgrad.grad(f)(fn, x) with fn a local def or lambda")
        return given

    def nested_jvp(self, node):
        fn, primals, tangents = node.args
        if not (isinstance(primals, gast.Tuple) and isinstance(tangents, gast.Tuple)
                and len(primals.elts) == len(tangents.elts)):
            raise self._refuse("astgrad.jvp with primals/tangents that are not tuple literals", node,
                               "write jvp(f, (x, y), (dx, dy)) with the tuples spelled out")
        method = self.receiver_method(fn)           # self.f in a method (made.py)
        callee, extra = (method[0], []) if method is not None else self.nested_callee(fn, node)
        positions = tuple(range(len(primals.elts)))
        leading = []
        if method is not None:
            positions, leading = _after_self(positions, len(method[1])), method[1]
        elif inspect.ismethod(callee) and not extra and isinstance(fn, gast.Attribute):
            # jvp(obj.method, ...): the method's function, with obj as its first argument
            callee, positions, leading = _method_function(callee), _after_self(positions), [self.atom(fn.value)]
        compiled = self.nested_derivative("forward", callee, positions, node)
        code = compiled.__code__
        # the tangent parameters come last, after the callee's own keyword-only ones
        names = code.co_varnames[code.co_argcount + code.co_kwonlyargcount - len(positions):
                                 code.co_argcount + code.co_kwonlyargcount]
        given, pushed = [self.atom(e) for e in primals.elts], [self.atom(t) for t in tangents.elts]
        for i, (primal, tangent) in enumerate(zip(given, pushed)):     # a clear error, not NumPy's
            if not (isinstance(primal, gast.Constant) and isinstance(tangent, gast.Constant)):
                self.emit(S.expr_stmt(self.runtime_call(runtime.check_jvp_tangent, [
                    S.copy(tangent), S.copy(primal), S.const(i), S.const(self.where())])))
        call = S.call(S.name(self.bind(compiled)), leading + given + extra,
                      {name: tangent for name, tangent in zip(names, pushed)})
        return _annotated(call, compiled)

    def nested_gradient(self, node, outer, with_value):
        """``grad(g, wrt)(args)`` (``value_and_grad`` too), ``wrt`` a constant."""
        if any(isinstance(a, gast.Starred) for a in node.args) or any(kw.arg is None for kw in node.keywords):
            spread = self.spread_arguments(node)        # grad(g)(*args): the arguments one by one
            node = spread if isinstance(spread, gast.Call) else node
        wrt = outer.args[1] if len(outer.args) > 1 else S.const(0)
        for kw in outer.keywords:
            if kw.arg != "wrt":
                raise self._refuse(f"astgrad.grad(..., {kw.arg}=...) inside differentiated code", node, _INNER.get(kw.arg))
            wrt = kw.value
        if isinstance(wrt, gast.Name) and wrt.id in self.constants:
            wrt = self.constants[wrt.id]        # an inlined helper's parameter bound to a literal
        try:
            wrt_value = ast_literal(wrt)
        except ValueError:
            raise self._refuse("astgrad.grad with a wrt that is not a constant", node) from None
        method = self.receiver_method(outer.args[0])        # self.f in a method (made.py)
        callee, extra = (method[0], []) if method is not None else self.nested_callee(outer.args[0], node)
        args = self.positional_atoms(callee, len(extra), node, len(method[1]) if method is not None else 0)
        given = list(args)                      # the value's call: without a receiver put first
        if method is not None:
            wrt_value, args = _after_self(wrt_value, len(method[1])), method[1] + args
        elif inspect.ismethod(callee) and not extra and isinstance(outer.args[0], gast.Attribute):
            # grad(obj.method)(x): the method's function, with obj as its first argument
            if any(isinstance(w, str) and "." in w for w in _items(wrt_value)):
                return self.made_gradient_call(callee, wrt_value, with_value, args, node)
            callee, wrt_value = _method_function(callee), _after_self(wrt_value)
            args = [self.atom(outer.args[0].value)] + args
        if extra:
            _check_lifted_call(self, callee, len(extra), len(args), wrt_value, node)
        try:
            indices, single = normalize_wrt(callee, wrt_value)
        except TypeError:       # a bound method, a callable object
            return self.made_gradient_call(callee, wrt_value, with_value, args, node)
        except ValueError as exc:       # wrt=5 for a function of two parameters
            if any(isinstance(w, str) and ("." in w or "[" in w) for w in _items(wrt_value)):
                # wrt="p.a": a path into an argument, which the gradient made outside follows
                if extra:
                    raise self._refuse(f"astgrad.grad with wrt={wrt_value!r}, a path into an argument, of a local "
                                       f"function reading variables of the enclosing function", node,
                                       "define the function at module level, or give the attribute as an argument "
                                       "of its own (def g(a, p): ...; astgrad.grad(g)(p.a, p))") from None
                return self.made_gradient_call(callee, wrt_value, with_value, args, node)
            raise self._refuse(f"astgrad.grad with {exc}", node, "give wrt the position or the name of a "
                               "parameter the function has") from None
        compiled = self.nested_derivative("gradient", callee, indices, node)   # checks the output
        self._check_plain_arguments(callee, indices, args, with_value)
        gradient = _annotated(S.call(S.name(self.bind(compiled)), args + extra), compiled)
        if single and indices[0] < len(args) and _reads_fields(callee, indices[0]):
            # a dataclass's gradient, its fields read as g.W: every field, zero where none
            gradient = self.runtime_call(runtime_objects.record_gradient,
                                         [S.name(self.fresh_assign(gradient, "t")), args[indices[0]]])
        if len(indices) == 1 and not single:    # grad(f, wrt=(0,)) returns a 1-tuple
            gradient = gast.Tuple(elts=[S.name(self.fresh_assign(gradient, "t"))], ctx=gast.Load())
        if not with_value:
            return gradient
        value = self.atom(gast.Call(func=S.copy(outer.args[0]), args=[S.copy(a) for a in given], keywords=[]),
                          hint="value")
        return gast.Tuple(elts=[value, self.atom(gradient, hint="gradient")], ctx=gast.Load())

    def _check_plain_arguments(self, callee, indices, args, with_value):
        """Before the gradient's call, the check that no differentiated argument is an
        object of a plain class holding floats: Python's call of the gradient raises
        TypeError there (its gradient would be None), and so does the derivative."""
        names = list(inspect.signature(callee).parameters)
        for index in indices:
            if index < len(args) and not isinstance(args[index], gast.Constant):
                label = names[index] if index < len(names) else f"#{index}"
                self.emit(S.expr_stmt(self.runtime_call(runtime.check_plain_argument, [
                    S.copy(args[index]), S.const(label), S.const("value_and_grad" if with_value else "grad"),
                    S.const(self.where())])))

    def made_gradient_call(self, callee, wrt_value, with_value, args, node):
        """``grad(obj.method, wrt="self.W")(x)``, ``grad(obj)(x)``: the call of that gradient,
        made now for the object the code names (a global, so a dependency), lowered as a
        gradient made outside (``transform_object_call``)."""
        make = self.callees.value_and_grad if with_value else self.callees.grad
        try:
            transform = make(callee, wrt=wrt_value)
        except (TypeError, ValueError) as exc:
            raise self._refuse(f"a nested astgrad transform of {callee!r} ({exc})", node) from None
        func = S.name(self.bind_value(transform, "gradient"))
        call, func, target = self.transform_object_call(gast.Call(func=func, args=args, keywords=[]), transform)
        lowered = gast.Call(func=func, args=[self.atom(a) for a in call.args], keywords=[])
        anno.set(lowered, Key.TARGET, target)
        anno.set(lowered, Key.METHOD, None)
        return self.as_returned(lowered, target)

    def nested_callee(self, node, where):
        """(the function to differentiate, the extra arguments its call takes): a local
        function as its lifted twin with the variables it reads, anything else as the
        function a global or closure name holds."""
        local, name = None, "lambda_"
        if isinstance(node, gast.Lambda):
            local = self.function_value(node)
        elif isinstance(node, gast.Name) and isinstance(self.functions.get(node.id), Local):
            local, name = self.functions[node.id], node.id
        made = self.functions.get(node.id) if isinstance(node, gast.Name) else None
        if isinstance(made, Made) and isinstance(made.function, Global):
            return self.made_object(made, where).obj, []        # d = grad(q) ... grad(d)(x)
        if isinstance(node, gast.Name) and self.made_gradient_named(node.id):
            raise self._refuse(f"a transform of the gradient {node.id} made in the code", where,
                               "transform a def that makes the gradient itself, e.g. "
                               "def dh(a): return astgrad.grad(h)(a), with h a module-level function")
        if isinstance(node, gast.Name) and isinstance(self.functions.get(node.id), BoundMethod):
            node = self.functions[node.id].func         # f = h.loss: refused as grad(h.loss) is
        elif isinstance(node, gast.Name) and isinstance(self.functions.get(node.id), Global):
            return self.functions[node.id].obj, []      # a parameter of an inlined helper
        if isinstance(node, gast.Name) and node.id in self.bindings:
            return self.bindings[node.id], []           # a function a gradient was made of (made.py)
        if local is None:
            return self.resolve_function(node, where), []
        lifted, names = self.lifted(local, where, name)
        return lifted, [self.atom(S.name(name)) for name in names]

    def lifted(self, local, where, name):
        fn = local.node
        if local.defaults or local.kw_defaults or fn.args.vararg or fn.args.kwarg \
                or declared(fn, gast.Nonlocal) or declared(fn, gast.Global) or local.origin is not None:
            raise self._refuse("a nested astgrad transform of a local function with default values, "
                               "*args, **kwargs or nonlocal (or one of another function)", where,
                               "pass every value as an argument, or define the function at module level")
        own = local_names(fn)
        read = {n.id for n in gast.walk(fn) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}
        # the enclosing function's variables, and the values its closure holds (a closure
        # made again holds other cells, while code generated once is shared by all of them)
        closure = {n for n, value in self.source.closure.items() if not _fixed(value)}
        names = sorted(n for n in read - own if n in self.locals and n not in self.bindings or n in closure)
        for n in sorted(read - own - set(names)):
            if n in self.source.closure:
                self.source.resolve_path([n])       # another closure's function: code made again
        made = [n for n in names if self.made_gradient_named(n)]
        if made:
            raise self._refuse(f"a nested astgrad transform of a local function that calls the gradient {made[0]} "
                               "made in the code", where, f"make the gradient inside the function, as "
                               f"astgrad.grad(h)(a) for the h that {made[0]} is the gradient of")
        functions = [n for n in names if n in self.functions]
        if functions:
            raise self._refuse(f"a nested astgrad transform of a local function that calls the local "
                               f"function {functions[0]}", where,
                               "define the functions it calls at module level, or pass them in")
        tree = S.copy(fn)
        tree.name = name
        tree.args.args = list(tree.args.args) + [
            gast.Name(id=n, ctx=gast.Param(), annotation=None, type_comment=None) for n in names]
        return _lift(self.source.fn, tree), names

    def transform_made_now(self, node, where):
        """``astgrad.grad(g)`` as the function a nested transform differentiates
        (``astgrad.grad(astgrad.grad(g))(x)``): the gradient made now, whose generated
        code is differentiated again; None for any other call."""
        return _transform_of_known_function(self, node, where)

    def nested_derivative(self, mode, callee, positions, node):
        refuse_transform_of_rebinding(self, callee, node)      # callee_writes.py
        try:
            # the zero-safe twin: no run_derivative checks a result computed in here
            return self.callees.derive(callee, mode, positions, zero_safe=True)
        except RecursiveCall:
            raise self.source.error(f"recursive call to {callee.__qualname__}: astgrad cannot "
                                    "differentiate recursion; rewrite it as a loop",
                                    node if getattr(node, "lineno", None) else _Line(self.line),
                                    construct="recursion") from None

    def resolve_function(self, node, where):
        from ...core.missing import MISSING
        made = self.transform_made_now(node, where) if isinstance(node, gast.Call) else None
        if made is not None:
            return made
        path = S.dotted_path(node)
        obj = self.source.resolve_path(path) if path and path[0] not in self.locals else MISSING
        if obj is MISSING or not callable(obj):
            raise self._refuse("a nested astgrad transform of a function that is not a global name, "
                               "a closure variable or a local function", where,
                               "pass a module-level function, a local def or a lambda by name")
        return obj


def _transform_of_known_function(normalizer, node, where):
    """``astgrad.grad(g)`` or ``astgrad.grad(g, wrt)`` (a constant ``wrt``) of a function known
    now (not a local one): the gradient, made now; else None."""
    if normalizer.resolve_call(node) is not normalizer.callees.grad or not 1 <= len(node.args) <= 2 \
            or any(kw.arg != "wrt" for kw in node.keywords):
        return None
    wrt = node.args[1] if len(node.args) > 1 else next((kw.value for kw in node.keywords), S.const(0))
    try:
        wrt_value = ast_literal(wrt)
    except ValueError:
        return None
    callee, extra = normalizer.nested_callee(node.args[0], where)
    if extra:
        raise normalizer._refuse("a transform of astgrad.grad(g) with g a local function reading the "
                                 "enclosing function's variables", where,
                                 "pass those values to g as arguments, or define g at module level")
    return normalizer.callees.grad(callee, wrt=wrt_value)


def _fixed(value):
    """A closure variable holding a function, class or module: the lifted function reads
    it from the closure, and the code depends on which one it is (a guard)."""
    return callable(value) or inspect.ismodule(value)


class Receiving(StandIn):
    """A transform of a bound method (``g = astgrad.grad(model.loss)``) as a call in
    differentiated code: its generated code takes the receiver first, so the call passes
    it (``g(model, x)``); running, it calls ``g`` with the arguments after the receiver."""

    def __init__(self, transform):
        self.transform = transform
        self.count = len(transform.leading_arguments)
        self.__name__ = transform.__name__
        self.__qualname__ = transform.__qualname__
        self.__astgrad_function__ = transform.__astgrad_function__

    def public_signature(self):
        return inspect.signature(underlying(self))

    def __call__(self, *args, **kwargs):
        return self.transform(*args[self.count:], **kwargs)


def _receiving_for(transform):
    """The Receiving of a transform with leading arguments (one per transform), or None."""
    if not getattr(transform, "leading_arguments", ()):
        return None
    made = _receiving.get(transform)
    if made is None:
        made = _receiving[transform] = Receiving(transform)
    return made


def _lift(enclosing, tree, recursive=False):
    """The lifted function for ``tree`` (a def of ``enclosing``'s body with the variables it
    reads as extra parameters), one per enclosing function and text, so its derivatives
    are cached. A ``recursive`` one calls itself by its own name, a closure cell holding it."""
    return _lift_together(enclosing, [tree], recursive)[0]


def _lift_together(enclosing, trees, recursive=True):
    """The lifted functions for ``trees`` (defs of ``enclosing``'s body calling each other
    by their names, closure cells holding them, when ``recursive``), made once per
    enclosing function and texts."""
    made = _lifted.setdefault(enclosing, {})
    key = tuple(gast.dump(tree) for tree in trees)
    if key not in made:
        cells = {tree.name: types.CellType() for tree in trees} if recursive else None
        functions = [_lifted_one(enclosing, tree, cells) for tree in trees]
        for tree, lifted in zip(trees, functions):
            if recursive:
                cells[tree.name].cell_contents = lifted
        made[key] = functions
    return made[key]


def _lifted_one(enclosing, tree, cells):
    for node in gast.walk(tree):        # normalizing moved some lines: keep the starts only
        if getattr(node, "lineno", None) is not None:
            node.end_lineno = node.lineno
            node.end_col_offset = (getattr(node, "col_offset", None) or 0) + 1
    template = S.copy(tree)
    lifted = compile_variant(enclosing, tree, lambda _tree: S.copy(template), cells=cells, defaults=None)
    lifted.__name__ = template.name
    lifted.__qualname__ = f"{enclosing.__qualname__}.<locals>.{template.name}"
    lifted.__kwdefaults__ = None
    lifted.__astgrad_lifted__ = True    # its code's lines are not its file's: no getsource
    return lifted


def _reads_fields(callee, index):
    """Whether ``callee`` may take a dataclass as its argument ``index``: it reads an
    attribute of that parameter, or hands it on to a function or method of the user's."""
    function = getattr(callee, "__func__", callee)       # a method's: its receiver the first parameter
    # a lambda is not looked into: record_gradient, when it runs, sees whether the argument is one
    if getattr(callee, "__astgrad_lifted__", False) or not inspect.isfunction(function) \
            or function.__code__.co_name == "<lambda>":
        return True
    try:
        fn = parsed_for_reading(function).tree
    except (TransformError, TypeError):
        return True
    params = fn.args.posonlyargs + fn.args.args
    if index >= len(params):
        return True
    name = params[index].id
    for node in gast.walk(fn):
        if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and node.value.id == name:
            return True
        if isinstance(node, gast.Call) and _user_call(node, params) \
                and any(isinstance(a, gast.Name) and a.id == name
                        for a in node.args + [k.value for k in node.keywords]):
            return True
    return False


def _user_call(call, params):
    """A call of a plain name (a function) or of a method of a parameter (self.helper)."""
    func = call.func
    return isinstance(func, gast.Name) or (isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name)
                                           and any(func.value.id == p.id for p in params))


def _annotated(call, compiled):
    anno.set(call, Key.TARGET, compiled)
    anno.set(call, Key.METHOD, None)
    return call


def _method_function(method):
    """A bound method's function, specialized for its receiver's class (so that
    ``self.other(x)`` is followed into the class's code), taking the receiver first."""
    from ...core import methods
    receiver = method.__self__
    kind, cls = (methods.CLASS, receiver) if isinstance(receiver, type) else \
        (methods.INSTANCE, type(receiver))
    return methods.for_receiver(methods.user_function(method.__func__), kind, cls)


def _after_self(wrt, leading=1):
    """``wrt`` of a bound method, for its function (``self`` first: ``leading`` arguments)."""
    if isinstance(wrt, (tuple, list)):
        return type(wrt)(_after_self(w, leading) for w in wrt)
    return wrt + leading if isinstance(wrt, int) and not isinstance(wrt, bool) and wrt >= 0 else wrt


def _items(wrt):
    return list(wrt) if isinstance(wrt, (tuple, list)) else [wrt]


def _other_transform(normalizer, call):
    """``astgrad.jacobian(fun)`` (hessian, hvp, vjp) of a function value an inlined helper
    was given (``def jacobian(fun): return astgrad.jacobian(fun)``), as the call of it
    naming a module-level function as it was given (which the modes refuse to
    differentiate through, clearly), or None when it names no such value; a local
    function is refused here."""
    args, changed = [], False
    for arg in call.args:
        value = normalizer.functions.get(arg.id) if isinstance(arg, gast.Name) else None
        if isinstance(value, Global):
            arg, changed = S.copy(value.func), True
        elif value is not None:
            raise normalizer._refuse(f"astgrad.{normalizer.transform_target(call).__name__} of a local function "
                                     "inside differentiated code", call, TRANSFORMS_INSIDE)
        args.append(arg)
    return gast.Call(func=call.func, args=args, keywords=call.keywords) if changed else None


def _check_lifted_call(normalizer, lifted, extra, given, wrt, node):
    """A call of the gradient of a local function (differentiated as its lifted twin,
    taking ``extra`` variables after its own parameters) gives one argument per own
    parameter, and ``wrt`` names one of them, not one of the variables after them
    (``grad(lambda a, b: a * b * w, 2)`` is Python's error, not the derivative in ``w``)."""
    names = list(inspect.signature(lifted).parameters)[:-extra]
    if given != len(names):
        raise normalizer._refuse(f"a call of a gradient of a local function with {given} argument(s) "
                                 f"(the function takes {len(names)})", node, "pass one argument per parameter")
    for item in _items(wrt):
        if isinstance(item, int) and not isinstance(item, bool) and item < 0:
            raise normalizer._refuse("astgrad.grad of a local function with a negative wrt", node,
                                     "name the argument by its position from the start, or by name")
        if isinstance(item, int) and not isinstance(item, bool) and item >= len(names) \
                or isinstance(item, str) and item.partition(".")[0] not in names:
            raise normalizer._refuse(f"astgrad.grad with wrt={item!r} of a local function of {len(names)} "
                                     f"parameter(s) {names}", node,
                                     "give wrt the position or the name of one of its parameters")


def ast_literal(node):
    """The Python value of a constant (or tuple of constants) expression node."""
    if isinstance(node, gast.Constant):
        return node.value
    if isinstance(node, gast.Tuple):
        return tuple(ast_literal(e) for e in node.elts)
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub) and isinstance(node.operand, gast.Constant):
        return -node.operand.value
    raise ValueError("not a constant")

