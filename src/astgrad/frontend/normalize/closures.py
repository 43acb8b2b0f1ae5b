"""Local functions: defs and lambdas inside the differentiated function, closures over
its variables, ``nonlocal``, and functions handed around as values (to a helper, in a
list or a dict, bound to another name, returned by a local factory).

A local function is inlined where it is called: its parameters and locals get fresh
names, its free names stay as they are, so they read the enclosing function's variables
when the call runs, as a Python closure does (late binding: a rebound variable is seen
with its new value, a lambda made in a loop sees the loop variable as it is at the
call). Default values are evaluated where the function is defined, as Python does. The
derivative then flows through the inlined code like through any other code, to the
enclosing function's differentiated variables too, in both modes and to any order.

A module-level helper called with a function value (``apply(lambda v: v * w, x)``) is
inlined the same way. A function value is followed only where its meaning is known when
the code is generated; anything else (a local function returned from the differentiated
function, stored into a list that is changed later, or handed to a library function) is
refused with a TransformError naming the line.
"""

import inspect

import gast
import numpy

from ... import runtime_objects
from ...core import syntax as S
from ...core.missing import MISSING
from ...core.ops import is_user_function
from ...errors import function_value_unknown
from ...rules.registry import ITERTOOLS_ADVICE
from ..function_args import Mixed, is_numpy_dispatcher, specialize as specialize_for_values
from ..object_layouts import root
from .jumps import _has_early_return
from .scopes import as_def, binding_counts, declared, local_names, own_nodes, parameters, rename_locals


class Local:
    """A function defined in the code being normalized: its def (a lambda as a def), the
    name it is known by in messages, and its defaults as evaluated where it was defined."""
    __slots__ = ("label", "node", "defaults", "kw_defaults", "origin")

    def __init__(self, label, node, defaults, kw_defaults, origin=None):
        self.label, self.node, self.defaults, self.kw_defaults = label, node, defaults, kw_defaults
        self.origin = origin        # the module-level function it was parsed from, if one


class Global:
    """A function astgrad resolved now, and the expression that names it."""
    __slots__ = ("obj", "func")

    def __init__(self, obj, func):
        self.obj, self.func = obj, func


class BoundMethod(Global):
    """``h.features`` of a local object or an argument, taken as a function value (see
    ``method_of_local`` in method_values.py): its calls are calls of ``h.features``; no object is known now."""

    def __init__(self, func):
        super().__init__(None, func)


class Made:
    """A gradient made in the code (made.py): ``transform`` (astgrad.grad or value_and_grad) of the
    function value ``function`` (a Local or Global), with ``wrt`` (a constant node or None)."""
    __slots__ = ("transform", "function", "wrt", "label", "name")

    def __init__(self, transform, function, wrt, label):
        self.transform, self.function, self.wrt, self.label = transform, function, wrt, label
        self.name = None        # the name a local function is called by, once called


class Data:
    """A value that is not a function, among the items of a Functions (``return vec,
    unflatten``): the atom it was read into when the tuple was made."""
    __slots__ = ("atom",)

    def __init__(self, atom):
        self.atom = atom


class Functions:
    """A list, tuple or dict literal of function values: ``keys`` (None for a sequence).
    A tuple a local factory returns may hold other values too (Data items), as may an
    argument of ``f`` (``argument``: its type, list, tuple or dict; the parameter keeps
    the argument as its value when the code runs)."""
    __slots__ = ("keys", "values", "argument")

    def __init__(self, keys, values, argument=None):
        self.keys, self.values, self.argument = keys, values, argument

    def items(self):
        keys = self.keys if self.keys is not None else range(len(self.values))
        return list(zip(keys, self.values))


def is_function_object(obj):
    """A function value astgrad can call by name: a Python or built-in function, a ufunc,
    a NumPy function dispatching on its arguments (``np.sum``)."""
    return (inspect.isfunction(obj) or inspect.isbuiltin(obj) or isinstance(obj, numpy.ufunc)
            or is_numpy_dispatcher(obj)
            or getattr(obj, "__astgrad_function__", None) is not None) and not isinstance(obj, type)


def _instance_method(obj):
    """A method of an instance of a user's class (``MODEL.forward``): named by its path,
    a call of it is followed as ``MODEL.forward(x)`` is."""
    return inspect.ismethod(obj) and not isinstance(obj.__self__, type) and is_user_function(obj.__func__)


def functions_container(obj):
    """Whether ``obj`` is a list, tuple or dict (with string or integer keys) holding only
    function values."""
    if type(obj) is dict:
        return bool(obj) and all(type(k) in (str, int) for k in obj) and all(map(is_function_object, obj.values()))
    return type(obj) in (list, tuple) and bool(obj) and all(map(is_function_object, obj))


# expressions never a function value: not a name, attribute, item, call, display or
# conditional expression, so ``looks_like_function`` finds none of its forms in them
_NEVER_FUNCTIONS = frozenset({gast.BinOp, gast.UnaryOp, gast.BoolOp, gast.Compare, gast.Constant})


class ClosureLowering:
    """Normalizer methods for local functions and function values (see the module doc)."""

    # -- definitions ------------------------------------------------------------------

    def stmt_FunctionDef(self, stmt):
        if stmt.decorator_list:
            raise self._refuse("a decorated nested function", stmt,
                               "apply the decorator's effect inside the function, or define it at module level")
        self.define_local(stmt.name, stmt, stmt.name)

    def stmt_Nonlocal(self, stmt):
        if not self.inlining:       # the differentiated function's own: a closure cell outside
            raise self._refuse("a nonlocal statement", stmt)

    def expr_Lambda(self, node):
        """A lambda anywhere else than where it is called or bound: a local function
        whose uses the final check (check_function_values) follows."""
        return S.name(self.define_local(self.namer.fresh("lambda"), node, "lambda"))

    def define_local(self, name, node, label):
        fn = as_def(node)
        if self._may_mention("strict="):
            from .strict_zips import rewrite_strict_zips
            rewrite_strict_zips(self, fn)
        defaults = [self.captured(d) for d in fn.args.defaults]
        keyword = {a.id: self.captured(d) for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults)
                   if d is not None}
        self.bind_function(name, Local(label, fn, defaults, keyword), node)
        return name

    def captured(self, node):
        """A default value, evaluated where the function is defined (into a name of its
        own, so a later rebinding of what it reads does not change it)."""
        if self.looks_like_function(node):
            return self.function_value(node)
        atom = self.atom(node, hint="default")
        return S.name(self.fresh_assign(atom, "default")) if isinstance(atom, gast.Name) else atom

    def bind_function(self, name, value, node):
        if self.bound_count[name] > 1 and name in self.inlined_results:
            raise self._refuse("a function returning a local function from one return and something else "
                               "(another function, a value) from another", node,
                               "return one function that chooses when it is called (lambda z: z * k if k > 1.0 "
                               "else z + k), or call each function where it is chosen")
        if self.bound_count[name] > 1:
            raise self._refuse(f"the name '{name}' bound to a local function and to other values", node,
                               "give each local function a name of its own, bound once")
        self.functions[name] = value
        self.locals.add(name)

    # -- function values --------------------------------------------------------------

    def looks_like_function(self, node):
        """Whether ``node`` is a function value known now (without evaluating anything)."""
        if node.__class__ in _NEVER_FUNCTIONS:
            return False        # (the tests below all fail for these: asked of most assignments)
        if isinstance(node, gast.Lambda):
            return True
        if isinstance(node, gast.Name) and node.id in self.functions:
            return True
        if isinstance(node, (gast.List, gast.Tuple)):
            return bool(node.elts) and all(self.looks_like_function(e) for e in node.elts)
        if isinstance(node, gast.Dict):
            return bool(node.values) and None not in node.keys and all(
                isinstance(k, gast.Constant) for k in node.keys) and all(
                self.looks_like_function(v) for v in node.values)
        if isinstance(node, gast.Subscript):
            return self.container_item(node) is not None or self.is_factory_display_item(node)
        if isinstance(node, gast.Call) and self.function_got(node) is not None:
            return True         # ops.get(k, ops["id"]): function_literals.py
        if isinstance(node, gast.Call):
            return self.is_made_gradient(node) or self.makes_gradient_call(node) or self.is_partial_value(node)  # made.py, call_forms.py
        if isinstance(node, gast.IfExp):
            return self.looks_like_function(node.body) and self.looks_like_function(node.orelse)
        if self.method_of_local(node):
            return True         # g = h.features, h a local object or an argument: method_values.py
        path = S.dotted_path(node)
        if path is None or path[0] in self.locals:
            return False
        obj = self.source.resolve_path(path, depend=False)
        return is_function_object(obj) or functions_container(obj) or len(path) > 1 and _instance_method(obj)

    def function_value(self, node):
        """The Local, Global or Functions that ``node`` (looks_like_function) is."""
        if isinstance(node, gast.Lambda):
            return self.functions[self.define_local(self.namer.fresh("lambda"), node, "lambda")]
        if isinstance(node, gast.Name) and node.id in self.functions:
            return self.functions[node.id]
        if isinstance(node, (gast.List, gast.Tuple)):
            return Functions(None, [self.function_value(e) for e in node.elts])
        if isinstance(node, gast.Dict):
            return Functions([k.value for k in node.keys], [self.function_value(v) for v in node.values])
        if isinstance(node, gast.Subscript):
            return self.container_item(self.named_factory_display(node) or node)     # function_literals.py
        if isinstance(node, gast.Call) and self.function_got(node) is not None:
            return self.function_value(self.function_got(node))
        if isinstance(node, gast.Call) and self.is_partial_value(node):
            return self.partial_value(node)         # call_forms.py
        if isinstance(node, gast.IfExp):
            return self.chosen_function(node)       # call_forms.py
        if isinstance(node, gast.Call):
            return self.made_gradient(node) if self.is_made_gradient(node) else self.made_by_helper(node)
        if self.method_of_local(node):
            return BoundMethod(S.copy(node))
        path = S.dotted_path(node)
        obj = self.source.resolve_path(path)
        self.free[path[0]] = self.source.resolve(path[0])
        if functions_container(obj):
            return self.global_functions(path, obj, node)
        return Global(obj, S.copy(node))

    def container_item(self, node):
        """``fs[0]``, ``ops["sin"]``, ``ops[k]`` (k a key of an unrolled loop) of a literal
        of functions (also of a display, ``{"tanh": np.tanh, ...}["tanh"]``, read with a key
        known now); None if not one."""
        container = self.functions_literal(node.value)
        display = container is None and isinstance(node.value, (gast.List, gast.Tuple, gast.Dict))
        if container is None and not display:
            return None
        key = self.key_known_now(node.slice)
        if key is MISSING:
            return None
        if display:
            if not self.looks_like_function(node.value):
                return None
            container = self.function_value(node.value)
        try:
            item = dict(container.items())[key] if container.keys is not None else container.values[key]
        except (KeyError, IndexError, TypeError):
            return None
        return None if isinstance(item, Data) else item

    def key_known_now(self, index):
        """The key ``index`` reads when it is known now (a constant, a key of an unrolled
        loop, a constant item of a dict display); MISSING otherwise."""
        if isinstance(index, gast.Name) and index.id in self.constant_names:
            return self.constant_names[index.id]
        if isinstance(index, gast.Constant):
            return index.value
        if self.constant_item(index) is not None:      # ops[config["act"]], config a dict display
            return self.constant_item(index).value
        if isinstance(index, gast.UnaryOp) and isinstance(index.op, gast.USub) \
                and isinstance(index.operand, gast.Constant):
            return -index.operand.value
        return MISSING

    def data_item(self, base, index):
        """The atom of a Data item ``base[index]`` (``vec`` of ``vec, unflatten = flatten(x)``),
        or None."""
        if not (isinstance(base, gast.Name) and isinstance(self.functions.get(base.id), Functions)
                and isinstance(index, gast.Constant)):
            return None
        container = self.functions[base.id]
        try:
            item = dict(container.items())[index.value] if container.keys is not None \
                else container.values[index.value]
        except (KeyError, IndexError, TypeError):
            return None
        return S.copy(item.atom) if isinstance(item, Data) else None

    def bind_name(self, target, value):
        """``target = value`` for a name; a function value binds the name statically."""
        if not self.inlining and target in getattr(self.source.fn, "__astgrad_mixed__", ()) \
                and self.bind_mixed_argument(target, value):
            return
        if self.bind_display_of_functions(target, value) or self.bind_factory_results(target, value):
            return
        if self.partial_for_objects(target, value):        # h = Holder(p, w): held_functions.py
            self.emit(S.assign(target, self.expr(value, hint=target)))
            return
        if self.looks_like_function(value) and not (
                isinstance(value, (gast.List, gast.Dict)) and self.changed_in_place(target)):
            function = self.function_value(value)
            if not _has_value(function) or _holds_made(function) and self.only_called(target):
                self.bind_function(target, function, value)     # no value needed when the code runs
                return
            if self.bound_count[target] <= 1:
                self.functions[target] = function
                self.locals.add(target)
            if isinstance(function, Global) and isinstance(value, gast.Subscript):
                value = S.copy(function.func)       # g = fs[0]: the function itself, not the literal
        else:
            self.functions.pop(target, None)
        lowered = self.expr(value, hint=target)
        if isinstance(lowered, gast.Name) and isinstance(self.functions.get(lowered.id), (Local, Functions, Made)):
            self.bind_function(target, self.functions[lowered.id], value)   # h = make(x)
            return
        self.emit(S.assign(target, lowered))

    def mixed_tuple(self, value, own, dicts=False):
        """``return vec, unflatten``: a tuple of values and local functions (with ``dicts``,
        a dict display with constant keys too), as a name bound to a Functions whose values
        are read now (Data items); None otherwise."""
        if dicts and isinstance(value, gast.Dict) and value.keys \
                and all(isinstance(k, gast.Constant) for k in value.keys):
            elts, keys = value.values, [k.value for k in value.keys]
        elif isinstance(value, (gast.Tuple, gast.List)) and value.elts \
                and not any(isinstance(e, gast.Starred) for e in value.elts):
            elts, keys = value.elts, None
        else:
            return None
        kinds = [self.looks_like_function(e) for e in elts]
        nested = [not kind and self.holds_functions(e) for e, kind in zip(elts, kinds)]
        if all(kinds) or not any(kinds) and not any(nested):
            return None
        items = []
        for elt, is_function, inner in zip(elts, kinds, nested):
            if is_function:
                items.append(self.function_value(elt))
                continue
            if inner:       # ("scale", lambda v: v * w) in a list of such pairs
                items.append(self.functions[self.mixed_tuple(elt, own).id])
                continue
            atom = self.atom(elt, hint="result")
            if isinstance(atom, gast.Name):
                atom = S.name(self.fresh_assign(atom, "result"))     # read now, not when used
            items.append(Data(atom))
        name = self.namer.fresh("function")
        self.functions[name] = Functions(keys, items)
        return S.name(name)

    # -- helpers that cannot be inlined, handed functions known now -------------------------

    def same_module(self, callee):
        """Whether a module-level helper can be inlined here: defined in this function's
        module and file, and not a closure."""
        return callee.__globals__ is self.source.globals and not callee.__code__.co_freevars \
            and callee.__code__.co_filename == self.source.filename

    def recursive_call(self, callee, node):
        """A module-level helper inlined with function values that calls itself (with
        functions known now): the call, lowered, of the helper made for them, whose
        derivative calls its own derivative as any recursion does; None otherwise."""
        try:
            bound = inspect.signature(callee).bind(*node.args, **{kw.arg: kw.value for kw in node.keywords})
        except TypeError:
            return None
        given = {param: _known_object(self.function_value(expr)) for param, expr in bound.arguments.items()
                 if isinstance(expr, gast.AST) and self.looks_like_function(expr)}
        if not given or any(value is None for value in given.values()):
            return None
        call = self.passing_functions(node)
        call.func = S.name(self.bind_value(specialize_for_values(callee, given), "function"))
        return self.expr(call)

    def passing_functions(self, node):
        """``node`` with each argument that is a function known now written as the
        expression naming it (an inlined parameter bound to one has no value of its own)."""
        def written(expr):
            if not (isinstance(expr, gast.AST) and self.looks_like_function(expr)):
                return expr
            return _naming(self.function_value(expr), expr)
        return gast.Call(func=node.func, args=[written(a) for a in node.args],
                         keywords=[gast.keyword(arg=kw.arg, value=written(kw.value)) for kw in node.keywords])

    def call_made_for_values(self, callee, node):
        """A helper from another module (or a closure) called with functions known now
        (``fixed_point(step, x)``, ``step`` a module-level function or a NumPy one): a call
        of the helper made for them (frontend/function_args.py), whose derivative is
        generated like any callee's. A local function (whose closure may hold
        differentiated values) is refused: the helper cannot be inlined here."""
        try:
            bound = inspect.signature(callee).bind(*node.args, **{kw.arg: kw.value for kw in node.keywords})
        except TypeError:
            return self.inline(self.module_function(callee, node), node)     # refused there
        given = {}
        for param, expr in bound.arguments.items():
            if isinstance(expr, gast.AST) and self.looks_like_function(expr):
                given[param] = _known_object(self.function_value(expr))
        if any(value is None for value in given.values()):
            return self.inline(self.module_function(callee, node), node)     # refused there
        written = self.passing_functions(node)
        node.args, node.keywords = written.args, written.keywords
        node.func = S.name(self.bind_value(specialize_for_values(callee, given), "function"))
        return None

    # -- the final check ----------------------------------------------------------------------

    def check_function_values(self, body):
        """A local function (or a literal holding one) must not be left as a value in the
        normalized code: it is followed only where it is called."""
        hidden = {name for name, value in self.functions.items() if not _has_value(value)}
        if not hidden:
            return
        for stmt in S.statements(body):
            for part in S.header_nodes(stmt):
                for node in S.walk_nodes(part):
                    if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and node.id in hidden:
                        raise self.value_escapes(stmt, self.functions[node.id])

    def value_escapes(self, stmt, value):
        call = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
        built = _class_called(self.source, self.locals, call) if isinstance(call, gast.Call) else None
        how, advice = _how_it_escapes(stmt, built)
        made_by = _comprehension_making_functions(self.source.tree, stmt)
        if made_by is not None and how.startswith("appended to a list"):
            how, advice = _made_by_a_comprehension(made_by)
        callee = self.resolve_call(call) if isinstance(call, gast.Call) else None
        helper = self.bindings.get(call.func.id) if isinstance(call, gast.Call) and isinstance(call.func, gast.Name) \
            else None       # (a helper this stage bound: with_attribute, an attribute store)
        if helper is runtime_objects.with_attribute and isinstance(call.args[1], gast.Constant):
            how, advice = _stored_on_an_object(call.args[0], call.args[1].value)
        if callee in ITERTOOLS_ADVICE:          # groupby(xs, key=lambda ...), starmap(f, ...)
            how, advice = f"passed to itertools.{callee.__name__}", ITERTOOLS_ADVICE[callee]
        where = "" if advice.startswith("astgrad") else "astgrad follows a local function where it is called: "
        error = self.source.error(f"astgrad cannot differentiate {_value_label(value)} {how}; {where}{advice}",
                                  stmt, construct="a local function as a value")
        if isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) \
                and root(call.func) in parameters(self.source.tree):
            return function_value_unknown(error)    # model.apply(lambda ...): followed once model's class is known
        return error


def _how_it_escapes(stmt, built):
    """(how a local function escapes at ``stmt``, the advice), for the refusal; ``built``:
    the class whose constructor ``stmt`` calls, or None."""
    advice = ("call it here, pass it to a helper defined in this module, to map or to sorted(key=...), "
              "or define it at module level")
    if isinstance(stmt, gast.Return):
        return "returned", advice
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
            and isinstance(stmt.value.func, gast.Attribute) and stmt.value.func.attr == "append":
        return "appended to a list astgrad does not follow", (
            "append it right after fs = [] (append statements, or a loop over constants whose body "
            "is the one append), build the list as a display, or " + advice)
    if built is not None:
        return (f"handed to {built.__name__}(), to keep in the object it builds",
                "astgrad follows a function an object the code builds holds where the call names a "
                "module-level function (np.tanh, a def at module level), or a lambda the constructor "
                "keeps as it is (self.act = act) whose variables keep the values they had when it was made "
                "(parameters never rebound, variables assigned once at the top level before it); else "
                "define the function at module level and pass the values it reads to the object")
    if isinstance(stmt, (gast.Assign, gast.Expr)) and isinstance(stmt.value, gast.Call):
        return "passed to a function astgrad does not inline", advice
    return "stored or used as a value", advice


_COMPREHENSIONS = {gast.ListComp: "a list comprehension", gast.SetComp: "a set comprehension",
                   gast.DictComp: "a dict comprehension", gast.GeneratorExp: "a generator expression"}


def _comprehension_making_functions(tree, stmt):
    """The comprehension written at ``stmt``'s line whose items are lambdas (``[lambda z,
    s=s: z * s for s in (w, w ** 2)]``, lowered to a loop appending them), or None."""
    line = getattr(stmt, "lineno", None)
    for node in S.walk_nodes(tree):
        if type(node) in _COMPREHENSIONS and getattr(node, "lineno", None) == line:
            items = [node.key, node.value] if isinstance(node, gast.DictComp) else [node.elt]
            if any(isinstance(part, gast.Lambda) for item in items for part in S.walk_nodes(item)):
                return node
    return None


def _made_by_a_comprehension(node):
    """(how, advice) for lambdas a comprehension makes, one for each value of its loop."""
    return (f"made by {_COMPREHENSIONS[type(node)]} (one lambda for each value of its loop), which astgrad "
            "follows for values, not for functions kept to be called later",
            "astgrad follows functions a display holds: write one lambda per item, each taking its value as a "
            "default (fs = [lambda z, s=a: z * s, lambda z, s=b: z * s] for a loop over (a, b)), or compute the "
            "values in the comprehension itself, where the lambdas would be called ([x * s for s in (a, b)])")


def _stored_on_an_object(owner, attr):
    """(how, advice) for a local function stored on an object the function builds
    (``h.f = lambda z: ...``, lowered to ``with_attribute(h, 'f', fn)``)."""
    held = f"{owner.id}.{attr}" if isinstance(owner, gast.Name) else f".{attr}"
    return (f"stored in the attribute {held} of an object the function builds",
            f"call the function where {held} would be called, with the values it reads, or define it at "
            "module level and pass those values to the object (or to its method) as arguments")


def _class_called(source, local_names, call):
    """The user class ``call`` builds an object of (``Layer(...)``), or None."""
    path = S.dotted_path(call.func)
    if path is None or path[0] in local_names:
        return None
    obj = source.resolve_path(path, depend=False)
    return obj if inspect.isclass(obj) and is_user_function(getattr(obj, "__init__", None)) else None


def _naming(value, expr):
    """An expression for a function value known now (a Global, or a literal of them)."""
    if isinstance(value, Global):
        return S.copy(value.func)
    if isinstance(value, Functions) and value.argument is not None:
        return expr                     # the argument itself
    if isinstance(value, Functions):
        items = [_naming(v, expr) for v in value.values]
        if value.keys is not None:
            return gast.Dict(keys=[S.const(k) for k in value.keys], values=items)
        return gast.List(elts=items, ctx=gast.Load())
    return expr


def _has_value(function):
    """Whether the function value ``function`` also exists when the code runs (a global
    function, a gradient made of one, a literal of those), so that a name bound to it may
    be used otherwise than called; a local function is only followed where it is called."""
    if isinstance(function, Made):
        return isinstance(function.function, Global)
    if isinstance(function, Functions):
        return function.argument is not None or all(_has_value(v) for v in function.values)
    return isinstance(function, Global)


def _holds_made(function):
    """Whether ``function`` is a gradient made in the code, or a literal holding one."""
    return isinstance(function, Made) or isinstance(function, Functions) and any(map(_holds_made, function.values))


def _value_label(value):
    if isinstance(value, Local):
        return f"the local function {value.label}"
    return f"the gradient {value.label}" if isinstance(value, Made) else "a list or dict of local functions"


def _known_object(value):
    """The object (or list, tuple or dict of objects) a function value known now is; None
    for a local function, which only inlining follows."""
    if isinstance(value, Global):
        return value.obj
    if isinstance(value, Functions) and value.argument is not None:     # its other items read when the code runs
        items = [None if isinstance(v, Data) else _known_object(v) for v in value.values]
        return Mixed(dict(zip(value.keys, items)) if value.keys is not None else value.argument(items))
    if isinstance(value, Functions):
        items = [_known_object(v) for v in value.values]
        if any(item is None for item in items):
            return None
        return dict(zip(value.keys, items)) if value.keys is not None else items
    return None
