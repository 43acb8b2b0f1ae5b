"""Methods drawing random numbers from a generator their object holds: ``eps =
self.rs.randn(*mean.shape)`` in ``def sample(self, mean, std)``, the object's ``__init__``
storing ``self.rs = numpy.random.RandomState(0)`` (or a generator it is given).

A method called as a function has a derivative that runs it again in the reverse sweep,
where its draws would take the generator's next numbers, not those the call used. Such
a call is inlined instead: its numbers are drawn once, where Python draws them, from the
object's own generator, which advances from one call to the next as it does in Python.

The derivative is the same in every run only when the draws are: when the object is
built in the function differentiated (bound to a name, or not: ``Sampler(0).sample(x)``)
and its generator made there from a seed written in the code, in ``__init__`` or given to
it where the object is built (``Sampler(seed=0)``, a module constant, an int default);
analysis/seeds.py takes the same facts for the code generated from it, differentiated
again. Otherwise every mode refuses the call: its value, and so the derivative's, would
change from one run to the next.
"""

import functools
import inspect
import types

import gast
import numpy

from ...analysis.seeds import is_generator_maker, is_int_literal, seed_argument
from ...core import methods as M
from ...core import syntax as S
from ...core.missing import MISSING
from ..source import parsed_for_reading
from .. import object_layouts as L
from .held_functions import attribute_stores
from .instances import init_of


@functools.cache
def _draws():
    """The methods of NumPy's generators that draw numbers (not the names as short and
    general as a method of the user's may be: f, power, bytes; nor those reading or
    setting the state). Read when first asked: touching ``numpy.random`` imports it (and
    hashlib, through ``secrets``), which loading the generation engine need not."""
    return frozenset(name for kind in (numpy.random.RandomState, numpy.random.Generator) for name in dir(kind)
                     if not name.startswith("_")) - {"f", "power", "bytes", "seed", "get_state", "set_state",
                                                     "bit_generator", "spawn"}


class HeldGeneratorLowering:
    """Normalizer methods for calls of a method drawing from ``self.<generator>``."""

    def constructions(self):
        """{name: the call building the object it is bound to} for the names bound once,
        to an object of a class built in the code (``s = Sampler(0.1)``)."""
        return self.__dict__.setdefault("_constructions", {})

    def note_construction(self, name, value, layout):
        """Keep ``value`` as the call building the object ``name`` is bound to (of the
        layout ``layout``), where it calls the object's class by a name that means it."""
        path = S.dotted_path(value.func) if isinstance(value, gast.Call) else None
        if path and layout[0] == L.OBJECT and path[0] not in self.locals \
                and self.source.resolve_path(path, depend=False) is layout[1]:
            self.constructions()[name] = value

    def method_drawing_held_numbers(self, function, leading, node):
        """The call ``node`` of ``function`` (a method specialized for its receiver, the
        first of ``leading``) inlined, where the method draws from a generator its object
        holds, made from a seed written in the code; a refusal where it is not; else None."""
        spec = M.receiver_of(function)
        if spec is None or spec[0] != M.INSTANCE or not leading:
            return None
        draws = held_draws(function, spec[1])
        if not draws:
            return None
        receiver = leading[0]
        layout = M.receiver_layout(function) or (self.layout(receiver) if isinstance(receiver, gast.Name) else None)
        draws = {attr: line for attr, line in draws.items()
                 if L.attribute(layout, attr) is None}     # not an object of the user's, whose methods these are
        if not draws:
            return None
        if getattr(function, "__astgrad_writes_self__", False):     # a state twin (built_objects.py)
            attr, line = next(iter(draws.items()))
            raise self._refuse(
                f"a call of {spec[1].__name__}.{_method_name(node)}, which draws random numbers from the generator "
                f"self.{attr} (at {line}) and also assigns attributes of self", node,
                "astgrad follows a method drawing from a generator it holds, and one assigning attributes of self, "
                "but not both at once. Draw the numbers in a method that assigns nothing (z = s.draw()) and update "
                "the object in another, or draw them outside and pass them in")
        built = self.constructions().get(receiver.id) if isinstance(receiver, gast.Name) else None
        made = node.func.value if isinstance(node.func, gast.Attribute) else None
        if built is None and isinstance(made, gast.Call) and self.built_class_of(made) is spec[1]:
            built = made        # Sampler(0).sample(x): the object built for this call alone
        for attr, line in draws.items():
            if built is None or not self.fixed_generator(spec[1], attr, built):
                raise self._refuse(
                    f"a call of {function.__qualname__}, which draws random numbers from the "
                    f"generator self.{attr} (at {line}) that is not made from a seed written in "
                    "the code", node,
                    "its numbers, and so the derivative, would change from one run to the next. "
                    "Build the object in the differentiated function with a generator made there "
                    f"from a fixed seed (self.{attr} = numpy.random.default_rng(seed) in __init__, the "
                    f"object built as {spec[1].__name__}(0) or with a module constant; or given "
                    "numpy.random.default_rng(0) when the object is built), or draw the numbers "
                    "outside and pass them in")
        leading = list(leading)
        if isinstance(receiver, gast.Name):     # the inlined method's self: a name standing for the layout
            me = self.fresh_assign(receiver, "self")
            self.bound_count[me] = 1
            self.named_layouts()[me] = layout or (L.OBJECT, spec[1], (), ())
            self.constructions()[me] = built        # (its own calls of methods drawing, followed again)
            leading[0] = S.name(me)
        call = gast.Call(func=node.func, args=leading + list(node.args), keywords=list(node.keywords))
        return self.inline(self.module_function(function, call), call)

    def fixed_generator(self, cls, attr, built):
        """Whether every object of ``cls`` built by the call ``built`` (in this function)
        holds in ``attr`` a generator made from a seed written in the code, stored once,
        by ``__init__``, and by no other method of the class."""
        init = init_of(cls)
        if init is None or _stored_elsewhere(cls, attr, init) or _stores(self.source.tree, attr):
            return False        # (the function itself may store or seed the object's generator again)
        source = parsed_for_reading(init)
        tree = source.tree
        params = [p.id for p in tree.args.posonlyargs + tree.args.args]
        stores = [value for target, value in attribute_stores(tree, params[0]) if target.attr == attr]
        if len(stores) != 1 or _stores(tree, attr) != 1:
            return False
        value = stores[0]
        seed = _maker_seed(value, source)
        if is_int_literal(seed):
            return True
        if seed is not None:            # numpy.random.RandomState(seed), seed given to __init__
            return _is_parameter(seed, tree) and self.fixed_seed(_given(built, init, seed.id))
        if not _is_parameter(value, tree):
            return False
        given = _given(built, init, value.id)
        if isinstance(given, gast.Name):        # rng = numpy.random.default_rng(0); Sampler(rng)
            given = _bound_once(self.source.tree, given.id)
        return isinstance(given, gast.Call) and is_int_literal(_maker_seed(given, self.source))

    def fixed_seed(self, given):
        """Whether ``given`` (an argument of the call building the object, or the default
        its ``__init__`` holds) is an int written in the code: a literal, a local name bound
        once to one, or a module constant (a dependency of the code: rebinding it to
        another value makes new code)."""
        if type(given) is int:
            return True             # a default, computed once when the class was made
        if isinstance(given, gast.Name) and given.id in self.locals:
            given = _bound_once(self.source.tree, given.id)
        elif isinstance(given, gast.Name):
            given = self.source.resolve_path([given.id])
            return type(given) is int
        return is_int_literal(given)


def held_draws(function, cls, depth=4):
    """{attribute: 'file:line'} for each ``self.<attribute>.<method>(...)`` whose method
    is a generator's draw (``self.rs.randn(n)``), in ``function``'s own code (a method of
    ``cls``) or in a method of ``cls`` it calls on ``self`` (``self.sample(m, s)``)."""
    code = getattr(function, "__code__", None)
    if code is None or depth <= 0:
        return {}
    draws = _draws()
    inner = {name: M.static_attribute(cls, name) for name in code.co_names if name not in draws}
    inner = {name: fn for name, fn in inner.items() if isinstance(fn, types.FunctionType) and fn is not function}
    if draws.isdisjoint(code.co_names) and not inner:
        return {}       # the common case, told without reading the source
    try:
        source = parsed_for_reading(function)
        tree = source.tree
    except Exception:       # noqa: BLE001 - a method astgrad cannot read is refused where it is called
        return {}
    params = tree.args.posonlyargs + tree.args.args
    if not params:
        return {}
    me = params[0].id
    found = {}
    for node in S.walk_nodes(tree):
        func = node.func if isinstance(node, gast.Call) else None
        if not isinstance(func, gast.Attribute):
            continue
        if func.attr in draws and isinstance(func.value, gast.Attribute) \
                and isinstance(func.value.value, gast.Name) and func.value.value.id == me:
            found.setdefault(func.value.attr, f"{source.filename}:{source.file_line(node)}")
        elif func.attr in inner and isinstance(func.value, gast.Name) and func.value.id == me:
            for attr, line in held_draws(inner[func.attr], cls, depth - 1).items():
                found.setdefault(attr, line)
    return found


def _maker_seed(node, source):
    """The seed ``node`` gives, where it makes a generator from one argument
    (``numpy.random.default_rng(0)``, ``RandomState(seed=seed)``); else None."""
    path = S.dotted_path(node.func) if isinstance(node, gast.Call) else None
    maker = source.resolve_path(path, depend=False) if path else MISSING
    return seed_argument(node) if is_generator_maker(maker) else None


def _is_parameter(node, tree):
    """Whether ``node`` names a parameter of ``tree`` (an ``__init__``) other than self,
    which its code never binds again."""
    params = [p.id for p in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs]
    return isinstance(node, gast.Name) and node.id in params[1:] and node.id not in S.stored_names(tree)


def _bound_once(tree, name):
    """The value the name ``name`` is bound to in the function ``tree``, where it is bound
    once, by an assignment of its own; else None."""
    from .scopes import binding_counts
    if binding_counts([tree]).get(name) != 1:
        return None
    return next((stmt.value for stmt in S.walk_nodes(tree) if isinstance(stmt, gast.Assign)
                 and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == name),
                None)


def _given(call, init, name):
    """What the call ``call`` gives the parameter ``name`` of ``init`` (the class's
    ``__init__``): the argument expression, or the default ``init`` holds where the call
    gives none; None where that is not known (``*args``, ``**kwargs``)."""
    if any(isinstance(a, gast.Starred) for a in call.args) or any(kw.arg is None for kw in call.keywords):
        return None
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    parameter = inspect.signature(init).parameters[name]
    positional = list(inspect.signature(init).parameters).index(name) - 1
    if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD) and positional < len(call.args):
        return call.args[positional]
    return None if parameter.default is parameter.empty else parameter.default


def _stores(tree, attr):
    """How many stores (or deletions) into an attribute named ``attr`` the code ``tree``
    has, counting a generator's seed or state set again there (``self.rs.seed()``)."""
    return sum(1 for node in S.walk_nodes(tree) if isinstance(node, gast.Attribute) and node.attr == attr
               and isinstance(node.ctx, (gast.Store, gast.Del))
               or isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)
               and node.func.attr in ("seed", "set_state") and isinstance(node.func.value, gast.Attribute)
               and node.func.value.attr == attr)


def _stored_elsewhere(cls, attr, init):
    """Whether a function of ``cls`` (or its bases) other than ``init`` stores ``attr``
    into an attribute (of ``self`` or of anything: not told apart here)."""
    for klass in cls.__mro__[:-1]:
        values = list(vars(klass).values())
        values += [part for v in values if isinstance(v, property) for part in (v.fget, v.fset, v.fdel)]
        for value in values:
            fn = getattr(value, "__func__", value)
            if callable(fn) and hasattr(fn, "__code__") and fn is not init:
                try:
                    tree = parsed_for_reading(fn).tree
                except Exception:       # noqa: BLE001 - unreadable: assume it may
                    return True
                if _stores(tree, attr):
                    return True
    return False


def _method_name(node):
    """The name of the method the call ``node`` calls (``s.sample(x)``: sample)."""
    return node.func.attr if isinstance(node.func, gast.Attribute) else "method"
