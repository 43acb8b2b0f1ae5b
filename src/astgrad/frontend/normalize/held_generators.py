"""Methods drawing random numbers from a generator their object holds: ``eps =
self.rs.randn(*mean.shape)`` in ``def sample(self, mean, std)``, the object's ``__init__``
storing ``self.rs = numpy.random.RandomState(0)`` (or a generator it is given).

A method called as a function has a derivative that runs it again in the reverse sweep,
where its draws would take the generator's next numbers, not those the call used. Such
a call is inlined instead: its numbers are drawn once, where Python draws them, from the
object's own generator, which advances from one call to the next as it does in Python.

The derivative is the same in every run only when the draws are: when the object is
built in the function differentiated and its generator made there from a seed written
in the code (analysis/purity.py takes the same facts for a generator the function makes
itself). Otherwise every mode refuses the call: its value, and so the derivative's,
would change from one run to the next.
"""

import gast
import numpy

from ...core import methods as M
from ...core import syntax as S
from ...core.missing import MISSING
from ..source import parse_function
from .. import object_layouts as L
from .held_functions import attribute_stores
from .instances import init_of

_MAKERS = (numpy.random.RandomState, numpy.random.default_rng)

# The methods of NumPy's generators that draw numbers (not the names as short and general
# as a method of the user's may be: f, power, bytes; nor those reading or setting the state).
_DRAWS = frozenset(name for kind in (numpy.random.RandomState, numpy.random.Generator) for name in dir(kind)
                   if not name.startswith("_")) - {"f", "power", "bytes", "seed", "get_state", "set_state",
                                                   "bit_generator", "spawn"}


class HeldGeneratorLowering:
    """Normalizer methods for calls of a method drawing from ``self.<generator>``."""

    def constructions(self):
        """{name: the call building the object it is bound to} for the names bound once,
        to an object of a class built in the code (``s = Sampler(0.1)``)."""
        return self.__dict__.setdefault("_constructions", {})

    def method_drawing_held_numbers(self, function, leading, node):
        """The call ``node`` of ``function`` (a method specialized for its receiver, the
        first of ``leading``) inlined, where the method draws from a generator its object
        holds, made from a seed written in the code; a refusal where it is not; else None."""
        spec = M.receiver_of(function)
        if spec is None or spec[0] != M.INSTANCE or not leading:
            return None
        receiver = leading[0]
        layout = M.receiver_layout(function) or (self.layout(receiver) if isinstance(receiver, gast.Name) else None)
        draws = {attr: line for attr, line in held_draws(function).items()
                 if L.attribute(layout, attr) is None}     # not an object of the user's, whose methods these are
        if not draws:
            return None
        built = self.constructions().get(receiver.id) if isinstance(receiver, gast.Name) else None
        for attr, line in draws.items():
            if built is None or not self.fixed_generator(spec[1], attr, built):
                raise self._refuse(
                    f"a call of {function.__qualname__}, which draws random numbers from the "
                    f"generator self.{attr} (at {line}) that is not made from a seed written in "
                    "the code", node,
                    "its numbers, and so the derivative, would change from one run to the next. "
                    "Build the object in the differentiated function with a generator made there "
                    f"from a fixed seed (self.{attr} = numpy.random.default_rng(0) in __init__, or "
                    "given numpy.random.default_rng(0) when the object is built), or draw the "
                    "numbers outside and pass them in")
        leading = list(leading)
        if isinstance(receiver, gast.Name):     # the inlined method's self: a name standing for the layout
            me = self.fresh_assign(receiver, "self")
            self.bound_count[me] = 1
            self.named_layouts()[me] = layout or (L.OBJECT, spec[1], (), ())
            leading[0] = S.name(me)
        call = gast.Call(func=node.func, args=leading + list(node.args), keywords=list(node.keywords))
        return self.inline(self.module_function(function, call), call)

    def fixed_generator(self, cls, attr, built):
        """Whether every object of ``cls`` built by the call ``built`` (in this function)
        holds in ``attr`` a generator made from a seed written in the code, stored once,
        by ``__init__``, and by no other method of the class."""
        init = init_of(cls)
        if init is None or _stored_elsewhere(cls, attr, init):
            return False
        source = parse_function(init)
        tree = source.tree
        params = [p.id for p in tree.args.posonlyargs + tree.args.args]
        stores = [value for target, value in attribute_stores(tree, params[0]) if target.attr == attr]
        if len(stores) != 1 or _stores(tree, attr) != 1:
            return False
        value = stores[0]
        if _seeded_call(value, source):
            return True
        if not isinstance(value, gast.Name) or value.id not in params[1:] or value.id in S.stored_names(tree):
            return False
        given = _argument_for(built, params, value.id)
        return given is not None and _seeded_call(given, self.source)


def held_draws(function):
    """{attribute: 'file:line'} for each ``self.<attribute>.<method>(...)`` in
    ``function``'s own code whose method is a generator's draw (``self.rs.randn(n)``)."""
    try:
        source = parse_function(function)
    except Exception:       # noqa: BLE001 - a method astgrad cannot read is refused where it is called
        return {}
    params = source.tree.args.posonlyargs + source.tree.args.args
    if not params:
        return {}
    me = params[0].id
    found = {}
    for node in S.walk_nodes(source.tree):
        func = node.func if isinstance(node, gast.Call) else None
        if isinstance(func, gast.Attribute) and func.attr in _DRAWS \
                and isinstance(func.value, gast.Attribute) and isinstance(func.value.value, gast.Name) \
                and func.value.value.id == me:
            found.setdefault(func.value.attr, f"{source.filename}:{source.file_line(node)}")
    return found


def _seeded_call(node, source):
    """Whether ``node`` makes a generator from an int written in the code
    (``numpy.random.default_rng(0)``, ``RandomState(seed=0)``)."""
    from ...analysis.purity import _fixed_seed
    path = S.dotted_path(node.func) if isinstance(node, gast.Call) else None
    maker = source.resolve_path(path, depend=False) if path else MISSING
    return any(maker is m for m in _MAKERS) and _fixed_seed(node)


def _argument_for(call, params, name):
    """The argument expression the call ``call`` gives the parameter ``name`` (of an
    ``__init__`` with parameters ``params``, ``self`` first), or None."""
    index = params.index(name) - 1
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    if any(isinstance(a, gast.Starred) for a in call.args) or index >= len(call.args):
        return None
    return call.args[index]


def _stores(tree, attr):
    """How many stores (or deletions) into an attribute named ``attr`` the function ``tree`` has."""
    return sum(1 for node in S.walk_nodes(tree) if isinstance(node, gast.Attribute) and node.attr == attr
               and isinstance(node.ctx, (gast.Store, gast.Del)))


def _stored_elsewhere(cls, attr, init):
    """Whether a function of ``cls`` (or its bases) other than ``init`` stores ``attr``
    into an attribute (of ``self`` or of anything: not told apart here)."""
    for klass in cls.__mro__[:-1]:
        for value in vars(klass).values():
            fn = getattr(value, "__func__", value)
            if callable(fn) and hasattr(fn, "__code__") and fn is not init:
                try:
                    tree = parse_function(fn).tree
                except Exception:       # noqa: BLE001 - unreadable: assume it may
                    return True
                if _stores(tree, attr):
                    return True
    return False
