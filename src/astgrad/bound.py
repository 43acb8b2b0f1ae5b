"""Bound methods and callable objects as functions to differentiate, and ``wrt`` paths
into attributes (``wrt="self.W"``, ``wrt="params.W"``).

``grad(model.loss)`` differentiates the method's function with ``model`` as its first
argument: a ``BoundMethod`` stands for it. Its function is specialized for the class of
``model`` (core/methods.py), so ``self.forward(x)`` and ``self.scale`` (a property) are
followed into the class's own code. As for any bound method in Python, the function is
the one ``model.loss`` named when ``grad`` was called; what it calls and reads is looked
up when the code runs (``self.W``) or guarded (``self.forward``).

A ``wrt`` item is a parameter index, a parameter name, or a parameter name followed by
attribute names: ``"self.W"`` is the gradient with respect to the value of ``self.W``,
through every read of it, in this method and in the methods it calls.
"""

import functools
import inspect
import numbers
import types

from .core import methods as M
from .core.partials import as_function as partial_function, calling, flatten as flatten_partial
from .core.functions import StandIn, public_parameter_names, underlying
from .frontend.object_layouts import called_parameters, layout_of
from .frontend.varargs import has_varargs
from .runtime_objects import attribute_tangent


class BoundMethod(StandIn):
    """A bound method (or an object's ``__call__``) as a function to differentiate: the
    method's function, specialized for the receiver's class, called with the receiver
    first (``leading_arguments``)."""

    def __init__(self, method):
        fn = M.user_function(method.__func__)
        receiver = method.__self__
        if fn is not None and has_varargs(fn):
            _refuse_bound_varargs(fn, receiver)
        kind, cls = (M.CLASS, receiver) if isinstance(receiver, type) else (M.INSTANCE, type(receiver))
        self.method = method
        # what the receiver's attributes hold, where the method calls through them
        # (self.layer.apply(x)): frontend/object_layouts.py; checked at each call
        layout = layout_of(receiver) if kind == M.INSTANCE and fn is not None \
            and fn.__code__.co_varnames[:1] and fn.__code__.co_varnames[0] in called_parameters(fn) else None
        self.function = M.for_receiver(fn, kind, cls, layout)
        self.leading_arguments = (receiver,)
        self.__astgrad_function__ = lambda: self.function
        self.__name__ = fn.__name__
        self.__qualname__ = fn.__qualname__
        self.__doc__ = fn.__doc__

    def public_signature(self):
        return inspect.signature(self.method)

    def __call__(self, *args, **kwargs):
        return self.method(*args, **kwargs)

    def __repr__(self):
        return f"<astgrad method {self.__qualname__} of {self.leading_arguments[0]!r}>"


class PartialFunction(StandIn):
    """A ``functools.partial`` as a function to differentiate: the plain function calling
    it (core/partials.py), asked for at each call, since the partial's keywords dict can
    be changed in place (``p.keywords["k"] = 3.0``, a key added or deleted): its
    derivatives' guards check those keywords, so it is asked again when they fail."""
    __astgrad_guarded__ = True

    def __init__(self, p):
        self.partial = p
        made = partial_function(p)
        self.__name__, self.__qualname__, self.__doc__ = made.__name__, made.__qualname__, made.__doc__

    def __astgrad_function__(self):
        return partial_function(self.partial)

    def public_signature(self):
        return inspect.signature(partial_function(self.partial))

    def __call__(self, *args, **kwargs):
        return self.partial(*args, **kwargs)

    def __repr__(self):
        return f"<astgrad function standing for {self.partial!r}>"

    @property
    def called(self):
        """The function the partial calls (through any partials it wraps)."""
        return flatten_partial(self.partial)[0]

    def arguments_refused(self, signature, args, kwargs):
        """Python's own message for a call of the partial's function with ``args`` and
        ``kwargs``, which do not fit ``signature`` (the partial's parameters, or its
        derivative's): what calling the partial says (``h() missing 1 required
        keyword-only argument: 'k'``), from a function with those parameters that does
        nothing. None if they fit it."""
        func = self.called
        name = getattr(func, "__qualname__", None) or getattr(func, "__name__", None) or "function"
        empty = inspect.Parameter.empty
        parameters = [p.replace(annotation=empty, default=empty if p.default is empty else None)
                      for p in signature.parameters.values()]
        scope = {}
        exec(f"def stand_in{signature.replace(parameters=parameters, return_annotation=empty)}:\n    pass\n", scope)
        stand_in = scope["stand_in"]
        stand_in.__qualname__ = name
        try:
            stand_in(*args, **kwargs)
        except TypeError as exc:
            return str(exc)
        return None


def _refuse_bound_varargs(fn, receiver):
    """A method taking ``*args`` or ``**kwargs`` is differentiated as a plain function (one
    made for each call's arguments), not bound to its object: say how to write that."""
    owner = receiver.__name__ if isinstance(receiver, type) else type(receiver).__name__
    function = f"{owner}.{fn.__name__}" + (".__func__" if isinstance(receiver, type) else "")
    first = "the class" if isinstance(receiver, type) else "the object"
    raise TypeError(f"astgrad differentiates {fn.__qualname__}, which takes *args or **kwargs, as a plain "
                    f"function, not bound to {first}: transform {function} and pass {first} first, "
                    f"astgrad.grad({function}, wrt=1)({'cls' if isinstance(receiver, type) else 'obj'}, x, ...) "
                    f"(wrt counts {first} as argument 0)")


def as_function(f):
    """``f`` as the transforms take it: a bound method of a Python function, or an object
    whose class defines ``__call__`` in Python, becomes a BoundMethod; anything else is
    returned as it is. A ``functools.partial`` becomes a PartialFunction, differentiated
    like the function it stands for (one taking ``*args`` stays that plain function)."""
    if isinstance(f, functools.partial):
        made = partial_function(f)
        return made if has_varargs(made) else PartialFunction(f)
    transform = getattr(f, "__astgrad_transform__", None) if inspect.isfunction(f) else None
    if transform is not None:
        raise TypeError(f"astgrad.{transform} was given as the function to differentiate; transforms take "
                        "your function (astgrad.grad(f), astgrad.jvp(f, (x,), (v,))), and a derivative of a "
                        "derivative is a transform of a transform of your function: "
                        "astgrad.grad(astgrad.grad(f)), astgrad.hessian(f)")
    result = getattr(type(f), "__astgrad_result__", None)
    if result is not None:
        raise TypeError(f"astgrad cannot transform {result}; transform the function itself: "
                        "astgrad.hessian(f) or astgrad.jacobian(astgrad.grad(f)) for second "
                        "derivatives, astgrad.jvp(astgrad.grad(f), (x,), (v,)) for a Hessian-vector product, "
                        "astgrad.jacobian(astgrad.jacobian(f)) or astgrad.jacobian(astgrad.hessian(f)) for third "
                        "derivatives (jacobian takes what jacobian and hessian return, no other transform does)")
    library = library_function(f)
    if library is not None:
        return library
    if isinstance(f, types.MethodType) and M.user_function(f.__func__) is not None:
        return BoundMethod(f)
    if isinstance(f, (StandIn, type)) or inspect.isroutine(f) or not callable(f):
        return f
    call = getattr(type(f), "__call__", None)
    if call is not None and (inspect.isfunction(call) or hasattr(call, "__astgrad_function__")):
        return BoundMethod(types.MethodType(call, f))
    return f


def library_function(f):
    """A NumPy, ``math`` or builtin function with a derivative rule, given to a transform
    directly (``grad(numpy.sqrt)``), as a Python function calling it with its required
    arguments (a ufunc's inputs); None for anything else."""
    import numpy
    from .core.ops import is_user_function
    from .rules import registry
    from .rules.optional import load_imported
    if is_user_function(f) or isinstance(f, type):
        return None
    load_imported()     # SciPy's rules (scipy.special.expit) register once a transform looks for them
    key = registry.rule_key(f)
    if key not in registry.ADJOINTS and key not in registry.TANGENTS:
        return None
    if isinstance(f, numpy.ufunc):
        names = ["x"] if f.nin == 1 else [f"x{i + 1}" for i in range(f.nin)]
        return calling(f, names)
    if f is numpy.where:        # where(condition) alone is nonzero (indices, no derivative): the selecting form
        return calling(f, ["condition", "x", "y"])
    try:
        parameters = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return None
    names = [p.name for p in parameters if p.default is p.empty
             and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return calling(f, names) if names and all(n.isidentifier() for n in names) else None


def library_advice(fn):
    """What to add to an error about the arguments of the function ``library_function``
    made to call a NumPy, ``math`` or SciPy function given directly: it takes that
    function's required arguments only. Empty for any other function."""
    called = getattr(fn, "__astgrad_calls__", None)
    if called is None:
        return ""
    taken = list(inspect.signature(fn).parameters)
    params = ", ".join(taken)
    module = getattr(called, "__module__", None) or type(called).__module__
    label = fn.__qualname__ if module in (None, "builtins") else f"{module}.{fn.__qualname__}"
    import numpy
    if not _takes_more(called, taken):      # Python's words say it all, but for where's optional x and y
        selecting = called is numpy.where    # (where(condition) alone is nonzero, with no derivative)
        return f"; a transform of {label} given directly takes its selecting form's arguments ({params})" \
            if selecting else ""
    return (f"; a transform of {label} given directly takes its required arguments ({params}) only: "
            f"for its other arguments, transform a function that calls it with them, such as "
            f"lambda {params}: {label}({params}, ...)")


def _takes_more(called, taken):
    """Whether ``called`` takes arguments besides those named ``taken`` (a ufunc's ``out=``;
    ``numpy.where`` takes no more than its selecting form's ``condition, x, y``)."""
    import numpy
    if called is numpy.where:           # (no signature before NumPy 2.1)
        return False
    try:
        parameters = inspect.signature(called).parameters.values()
    except (TypeError, ValueError):     # a ufunc: no signature, and out=, where=, dtype=
        return True
    return any((p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)) and p.name not in taken
               for p in parameters)


def check_receiver(receiver, f=None):
    """Refuse a receiver holding, in its own ``__dict__``, a function that hides a method of
    its class: ``self.<name>`` then runs the instance's function, while the code was
    generated for the class's method. Refuse one whose attributes no longer hold objects of
    the classes the code of ``f`` (a transform of a method) was made for."""
    own = getattr(receiver, "__dict__", None)
    if not own or isinstance(receiver, type):
        return
    for name, value in own.items():
        if callable(value) and M.resolve(M.INSTANCE, type(receiver), name) is not None:
            raise TypeError(f"astgrad: {type(receiver).__name__}.{name} is hidden by an attribute of the "
                            f"instance ({value!r}), which astgrad does not follow; define it as a method "
                            "of a subclass, or delete the instance attribute")
    made = _receiver_layout(f)
    if made is not None and layout_of(receiver) != made:
        name = getattr(f, "__name__", "method")
        raise TypeError(f"astgrad: the transform of {type(receiver).__name__}.{name} was made for the "
                        "classes of the objects its receiver's attributes held then, and an attribute now "
                        "holds an object of another class (or no longer holds one); make the transform "
                        "again (astgrad.grad(obj.method)), or pass the object as an argument of a "
                        "function, whose transform follows the classes it is given at each call")


def _receiver_layout(f):
    """The receiver layout the specialization at the bottom of ``f`` was made for."""
    while f is not None and not inspect.isfunction(f):
        f = getattr(f, "function", None)
    return M.receiver_layout(f) if f is not None else None


def leading_arguments(f):
    """The arguments the generated code takes before ``f``'s public ones (a method's
    receiver), for ``f`` or a transform of it."""
    return getattr(f, "leading_arguments", ())


def user_code(f):
    """The user's function at the bottom of ``f`` (a transform of a transform of it),
    found without generating any code: the parameter names and the name it has."""
    while isinstance(f, StandIn) and getattr(f, "function", None) is not None:
        f = f.function
    return underlying(f)


def wrt_items(f, wrt):
    """(items, single): for each ``wrt`` item, (position, path): the position of the
    parameter among the generated code's parameters (the receiver first), and the
    attribute names to follow from it (empty for the parameter itself)."""
    fn = user_code(f)
    if not inspect.isfunction(fn):
        raise TypeError(f"astgrad can only differentiate Python functions; got {f!r}. "
                        "Wrap it in a def that calls it.")
    leading = leading_arguments(f)
    names = public_parameter_names(f)
    all_names = list(fn.__code__.co_varnames[:len(leading)]) + names
    single = not isinstance(wrt, (tuple, list))
    items = [wrt] if single else list(wrt)
    if not items:
        raise ValueError("wrt must name at least one argument")
    resolved = [_item(f, fn, leading, names, all_names, item) for item in items]
    if len(set(resolved)) != len(resolved):
        raise ValueError(f"wrt={wrt!r} names the same value twice")
    return tuple(resolved), single


def _item(f, fn, leading, names, all_names, item):
    if isinstance(item, numbers.Integral) and not isinstance(item, bool):
        position = int(item)
        if not -len(names) <= position < len(names):
            raise ValueError(f"wrt={item}: {fn.__qualname__} has {len(names)} parameter(s) "
                             f"{names}, so wrt must be in range({len(names)}){library_advice(fn)}")
        return position % len(names) + len(leading), ()
    if not isinstance(item, str):
        raise TypeError(f"wrt must be an int, a parameter name (or 'name.attribute') or a tuple "
                        f"of them; got {item!r}")
    root, path = _split_path(item)
    if root not in all_names or (root not in names and not path):
        receiver = f" or '{all_names[0]}.<attribute>'" if leading else ""
        raise ValueError(f"wrt={item!r}: {fn.__qualname__} has no parameter named {root!r}; "
                         f"wrt names one of its parameters {names}{receiver}")
    position = all_names.index(root)
    if position < len(leading):
        check_path(leading[position], root, path, item)
    return position, tuple(path)


class Key(str):
    """A step of a ``wrt`` path into a dict, ``params['W']`` (a plain ``str`` step is an
    attribute, ``params.W``): the runtime reads either as ``part``."""
    __slots__ = ()


def _split_path(item):
    """(parameter name, steps) of a ``wrt`` item: ``"self.W"``, ``"params['W']"``,
    ``'params["layer"].W'``; an item that is not such a path is one name, no steps."""
    if "[" not in item:
        root, *path = item.split(".")
        return root, path
    import ast
    try:
        node = ast.parse(item.strip(), mode="eval").body
    except SyntaxError:
        return item, []
    steps = []
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute):
            steps.append(node.attr)
        elif isinstance(node.slice, ast.Constant) and type(node.slice.value) is str:
            steps.append(Key(node.slice.value))
        elif isinstance(node.slice, (ast.Constant, ast.UnaryOp)):      # self.layers[0], xs[-1]
            whole = ast.unparse(node.value)
            raise ValueError(f"wrt={item!r}: a path names attributes and dict keys, not an item of a list, "
                             f"a tuple or an array ([{ast.unparse(node.slice)}]); differentiate with respect to "
                             f"the whole of it, wrt={whole!r}, and take the item of its gradient (a list, tuple "
                             f"or array of the same length)")
        else:
            raise ValueError(f"wrt={item!r}: a path into a dict names its key as a string in quotes, "
                             f"such as wrt=\"params['W']\"; an item of a list, a tuple or an array (or a "
                             f"dict's key that is not a string) is not named by a path: differentiate with "
                             f"respect to the whole argument and take the item of its gradient")
        node = node.value
    return (node.id, steps[::-1]) if isinstance(node, ast.Name) else (item, [])


def path_text(root, path):
    """How a ``wrt`` path is written: ``params['W']``, ``self.W``."""
    return root + "".join(f"[{step!r}]" if isinstance(step, Key) else f".{step}" for step in path)


def part(value, step):
    """The value a ``wrt`` path step leads to: an item of a dict, an attribute otherwise."""
    return value[step] if type(value) is dict else getattr(value, step)


def check_path(value, root, path, item):
    """A ValueError when ``value`` has no attribute (or dict key) along ``path``."""
    for depth, step in enumerate(path):
        where = path_text(root, path[:depth])
        if type(value) is dict:
            if not isinstance(step, Key):
                raise ValueError(f"wrt={item!r}: {where} is a dict; name its key in brackets, "
                                 f"wrt={path_text(root, path[:depth] + [Key(step)])!r}")
            if step not in value:
                raise ValueError(f"wrt={item!r}: {where} (dict) has no key {step!r}; its keys are "
                                 f"{list(value)}")
        elif isinstance(step, Key):
            raise ValueError(f"wrt={item!r}: {where} ({type(value).__name__} object) is not a dict; "
                             "a path names an attribute of an object with a dot"
                             f"{_attribute_hint(value, root, path, depth)}")
        elif not step.isidentifier():
            raise ValueError(f"wrt={item!r}: {step!r} is not an attribute name")
        elif not hasattr(value, step):
            raise ValueError(f"wrt={item!r}: {where} ({type(value).__name__} object) has no "
                             f"attribute {step!r}")
        value = part(value, step)
    return value


def _attribute_hint(value, root, path, depth):
    """``, wrt='p.W'`` for ``p['W']`` where ``p`` has an attribute ``W``."""
    step = str(path[depth])
    if not (step.isidentifier() and hasattr(value, step)):
        return ""
    return f", wrt={path_text(root, path[:depth] + [step] + path[depth + 1:])!r}"


def follow(g, x, path, item):
    """The derivative of the value at ``path`` inside ``x``, given the derivative ``g``
    of ``x``; returns (derivative, value)."""
    check_path(x, _split_path(item)[0], list(path), item)
    for step in path:
        g = attribute_tangent(g, x, step)
        x = part(x, step)
    return g, x


# the second derivatives across two arguments, which no single call of hessian or hvp gives
_MIXED_BLOCKS = {
    "hessian": "; the block of the second derivatives in arguments i and j is "
               "astgrad.jacobian(astgrad.grad(f, wrt=i), wrt=j)",
    "hvp": "; the product of the block of the second derivatives in arguments i and j with v (shaped as "
           "argument j) is the tangent astgrad.jvp(astgrad.grad(f, wrt=i), args, tangents) gives, with v at "
           "position j of tangents and zeros elsewhere",
}


class WrtTarget:
    """One ``wrt`` item of a transform that differentiates with respect to one value
    (jacobian, hvp, hessian): where that value is among the generated code's arguments,
    and how a derivative of it is put into, or read out of, a derivative of its parameter."""

    def __init__(self, f, wrt, transform):
        items, single = wrt_items(f, wrt)
        if not single:
            raise ValueError(f"{transform} takes one argument index (wrt=int or name); call it once per "
                             f"argument{_MIXED_BLOCKS.get(transform, '')}")
        ((self.position, self.path),) = items
        self.function = f
        self.leading = leading_arguments(f)
        # the receiver's name from the user's code: f's own may wait for function values
        self.names = list(user_code(f).__code__.co_varnames[:len(self.leading)]) + public_parameter_names(f)
        self.label = path_text(self.names[self.position], list(self.path))

    def arguments(self, bound):
        """The generated code's positional arguments: the receiver, then ``bound``'s."""
        for receiver in self.leading:
            check_receiver(receiver, self.function)
        return tuple(self.leading) + tuple(bound.args)

    def root(self, bound):
        if self.position < len(self.leading):
            return self.leading[self.position]
        return bound.arguments[self.names[self.position]]

    def value(self, bound):
        """The value differentiated with respect to."""
        return check_path(self.root(bound), self.names[self.position], list(self.path), self.label)

    def seed(self, bound, v):
        """``v``, a derivative of the value, as a derivative of its parameter."""
        from .runtime_objects import attribute_adjoint
        owners = [self.root(bound)]
        for step in self.path[:-1]:
            owners.append(part(owners[-1], step))
        for attr, owner in reversed(list(zip(self.path, owners))):
            v = attribute_adjoint(v, owner, attr)
        return v

    def select(self, bound, g):
        """The value's part of ``g``, a derivative of its parameter."""
        return follow(g, self.root(bound), self.path, self.label)[0] if self.path else g
