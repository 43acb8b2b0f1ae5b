"""The rule table: one record (:class:`Primitive`) per primitive, keyed by the object.

A record holds everything the engine knows about a function: its adjoint (reverse)
and tangent (forward) templates, whether its result is a new object or may share
memory with its arguments, whether it writes into an argument, whether its result
depends on shapes alone, and which ``numpy.ndarray`` methods are the same primitive.
No other module keeps lists of function names; they ask this table.

Rules are declared in one of three ways:

* ``elementwise(numpy.sin, lambda y, x: numpy.cos(x))`` and ``linear(...)``
  (``declare.py``): the templates are generated from the derivative;
* templates written by hand, for everything else::

    @adjoint(numpy.sin)
    def sin(y, x):
        d[x] = d[y] * numpy.cos(x)

    @tangent(numpy.sin)
    def sin(y, x):
        d[y] = d[x] * numpy.cos(x)

* ``non_differentiable(len, ...)`` for functions whose result carries no derivative,
  and ``declare(fn, result=FRESH, ...)`` for facts about functions without a rule.

``d[v]`` is the derivative of ``v``. In an adjoint template ``d[x] = e`` *adds* ``e``
to the adjoint of the input ``x``; in a tangent template ``d[y] = e`` adds the term
``e`` to the tangent of the result, and each such term mentions exactly one input
tangent. Statements about inputs that are not being differentiated are dropped, so
one template serves every combination of active arguments. Templates are parsed
once and spliced into generated code by ``astgrad.modes.templates``.
"""

import builtins
import collections
import copy
import importlib
import itertools
import operator
import threading
import types
import typing

import numpy

from ..core.functions import module_of
from ..errors import TransformError
from .descriptor_stores import descriptor_store_advice
from .function_value_advice import advice_by_callee, base_init_advice, held_function_advice
from .loading import AFTER_REGISTERING, load_rules, unread
from .rule_reads import CHANGES, VERSION, NameTable, Table, changed, method_name_key
from .template import Template, derivative_ref, derivative_target
from .ufunc_method_advice import reduction_advice


class _Derivatives:
    """``d[x]`` inside rule templates; meaningless (and an error) anywhere else."""

    def __getitem__(self, item):
        raise RuntimeError("astgrad.d[...] only has a meaning inside a rule template "
                           "registered with @astgrad.adjoint or @astgrad.tangent")

    __setitem__ = __getitem__

    def __repr__(self):
        return "astgrad.d"


d = _Derivatives()

# What a call's result is, memory-wise.
FRESH = "fresh"             # always a new object (or a number), sharing nothing with the arguments
VIEW = "view"               # may be a view of (share memory with) an argument
MAY_SHARE = "may share"     # nothing is known: it may return or keep its arguments
COPIES = "copies"           # new unless told not to copy (copy=False or copy=None)


class Primitive:
    """One primitive: its derivative rules and the facts the engine needs about it.

    ``mutates`` is the position of the argument the call writes into (0 is the
    receiver of a method), or None. ``shape_arguments`` are the positions of arguments
    the call reads only for their shape (``x`` in ``unbroadcast(g, x)``), and
    ``dtype_parameters`` the parameters its rules read only for their dtype.
    ``methods`` are ``numpy.ndarray`` methods that are this same primitive (their
    calls ``v.sum(...)`` bind to the templates with the receiver first).
    (A plain class: made as a dataclass, it took a fortieth of ``import astgrad``.)
    """

    def __init__(self, function, adjoint=None, tangent=None, differentiable=True, kind="facts",
                 result=MAY_SHARE, mutates=None, shape_only=False, shape_arguments=(),
                 dtype_parameters=frozenset(), methods=(), derivative=(), literal_check=None):
        self.function = function
        self.adjoint = adjoint              # a Template, or None
        self.tangent = tangent
        self.differentiable = differentiable
        self.kind = kind                    # "elementwise", "linear", "templates", "non-differentiable", "facts"
        self.result = result
        self.mutates = mutates
        self.shape_only = shape_only        # the result depends only on the arguments' shapes and types
        self.shape_arguments = shape_arguments
        self.dtype_parameters = dtype_parameters
        self.methods = methods
        self.derivative = derivative        # for declared rules: the declaration's lambdas, for reading
        # called with the call's arguments written as literals (and the defaults), by parameter
        # name, when a rule is used: NotImplementedError for values its rules refuse makes the
        # refusal a TransformError naming the line, where the rule would refuse them at run time
        self.literal_check = literal_check

    def replace(self, **changes):
        """A copy whose fields ``changes`` names hold other values."""
        made = copy.copy(self)
        vars(made).update(changes)
        return made

    def __repr__(self):
        return "Primitive(" + ", ".join(f"{name}={value!r}" for name, value in vars(self).items()) + ")"

    @property
    def name(self):
        return describe(self.function)

    @property
    def module(self):
        owner = method_owner(self.function)
        return f"{owner.__module__}.{owner.__name__}" if owner is not None else \
            (module_of(self.function) or "builtins")

    @property
    def modes(self):
        """The modes it has a rule for: ("reverse", "forward"), () without a derivative."""
        return tuple(mode for mode, t in (("reverse", self.adjoint), ("forward", self.tangent))
                     if t is not None)

    @property
    def has_rules(self):
        return not self.differentiable or self.adjoint is not None or self.tangent is not None


_FIELDS = frozenset(vars(Primitive(None)))     # what ``register`` may set

# Each lookup in these is noted while code is generated: the code depends on the entries
# it looked up, found or not (rule_reads.py). The first read registers astgrad's own rules (loading.py).
PRIMITIVES = unread(Table)      # key -> Primitive (a method that is the same primitive maps to its record)
# Indexes the engine reads, kept in step with PRIMITIVES by every registration:
ADJOINTS = unread(Table)
TANGENTS = unread(Table)
NON_DIFFERENTIABLE = unread(Table)  # key -> the object, for functions whose result carries no derivative
ARRAY_METHODS = unread(NameTable)   # name -> key of the numpy.ndarray method or attribute with rules
NAMED_METHODS = unread(NameTable)   # name -> {method objects with a record (any class: list.append too)}
METHOD_NAMES = ARRAY_METHODS    # the name older code used

# VERSION (rule_reads.py) is bumped by every registration, and each entry's count of
# changes by those that change it: cached code that read a changed entry is stale
_changing = threading.RLock()    # one registration at a time; lookups are single dict reads


def rule_key(obj):
    """Rules are looked up by object, not by name; unhashable objects by identity."""
    try:
        hash(obj)
        return obj
    except TypeError:
        return ("id", id(obj))


def method_owner(obj):
    """The class whose method or attribute ``obj`` is (numpy.ndarray for numpy.ndarray.sum
    and numpy.ndarray.T), or None for plain functions.

    ``inspect.ismethoddescriptor`` is not the test: NumPy 2's array-function dispatchers
    (numpy.clip, numpy.stack, ...) pass it, yet no class owns them.
    """
    owner = getattr(obj, "__objclass__", None)
    name = getattr(obj, "__name__", None)
    if isinstance(owner, type) and name is not None and owner.__dict__.get(name) is obj:
        return owner
    return None


# -- registration -------------------------------------------------------------------------

def _own_record(primitive):
    """The record of ``primitive`` itself, made if new. A method that was the same
    primitive as a function gets a record of its own (with the same facts) once rules
    are registered for it directly."""
    key = rule_key(primitive)
    record = dict.get(PRIMITIVES, key)      # (a registration's own reads are no generation's)
    if record is None:
        record = Primitive(primitive)
    elif record.function is not primitive and rule_key(record.function) != key:
        # (equal, not identical: bound methods are made anew)
        shared = record
        shared.methods = tuple(m for m in shared.methods if m is not primitive)
        record = shared.replace(function=primitive, adjoint=None, tangent=None, methods=(),
                                kind="facts", differentiable=True, derivative=())
        changed(rule_key(shared.function))      # its list of methods changed
    PRIMITIVES[key] = record
    return record


def _index(record):
    """Bring the engine's indexes up to date with ``record`` (``_indexing``, but while
    astgrad's own rules register: then ``_note_loaded``).

    Its reads are the dict's own (``_pop``, ``_setdefault``): the callers have loaded the
    table already, and astgrad's own rules index some 1,500 entries while it loads, each
    read of an unread index otherwise passing through its first-read check (loading.py)."""
    adjoint, tangent, differentiable = record.adjoint, record.tangent, record.differentiable
    for obj in (record.function, *record.methods):
        key = rule_key(obj)
        CHANGES[key] = CHANGES.get(key, 0) + 1      # (rule_reads.changed, inline: thousands at import)
        PRIMITIVES[key] = record
        if adjoint is None:
            _pop(ADJOINTS, key, None)
        else:
            ADJOINTS[key] = adjoint
        if tangent is None:
            _pop(TANGENTS, key, None)
        else:
            TANGENTS[key] = tangent
        if differentiable:
            _pop(NON_DIFFERENTIABLE, key, None)
        else:
            NON_DIFFERENTIABLE[key] = obj
        if getattr(obj, "__objclass__", None) is not None and method_owner(obj) is not None:
            changed(method_name_key(obj.__name__))
            _setdefault(NAMED_METHODS, obj.__name__, set()).add(obj)
            if method_owner(obj) is numpy.ndarray and record.has_rules:
                ARRAY_METHODS[obj.__name__] = key
    VERSION[0] += 1     # after the change: code generated meanwhile is seen as stale


# While astgrad's own rules register (no other thread registers meanwhile: ``load_rules``
# waits), each registration's indexing is noted, and the indexes besides PRIMITIVES are
# built at once after the last (``_index_loaded``): the entries every registration would have left
_journal = []       # the objects each registration indexed, once per registration
_method_journal = []    # (record, its objects, whether it had rules) of registrations indexing a method


def _note_loaded(record):
    """``_index`` while astgrad's own rules register: PRIMITIVES now (registrations read
    it), the rest noted for ``_index_loaded``."""
    function, methods = record.function, record.methods
    try:
        PRIMITIVES[function] = record           # (rule_key, inline)
    except TypeError:
        PRIMITIVES[rule_key(function)] = record
    _journal.append(function)
    if methods:
        _journal.extend(methods)
        for method in methods:
            PRIMITIVES[rule_key(method)] = record
    if methods or getattr(function, "__objclass__", None) is not None:
        _method_journal.append((record, (function, *methods), record.has_rules))


def _index_loaded():
    """Build the indexes besides PRIMITIVES from the registrations ``_note_loaded`` noted,
    as ``_index`` at each would have left them: each key's entries are its last
    registration's record's (which PRIMITIVES holds), its count of changes one per
    registration, and the indexes of methods grow as they did registration by registration."""
    global _journal, _indexing
    journal, _journal, _indexing = _journal, None, _index
    if journal is None:
        return
    try:
        counts = collections.Counter(journal)
    except TypeError:       # an unhashable object, keyed by identity
        counts = collections.Counter(map(rule_key, journal))
    counts.update(CHANGES)      # (the changes noted meanwhile: a method given a record of its own)
    CHANGES.clear()
    CHANGES.update(counts)
    for record, objects, has_rules in _method_journal:
        for obj in objects:
            if getattr(obj, "__objclass__", None) is not None and method_owner(obj) is not None:
                changed(method_name_key(obj.__name__))
                _setdefault(NAMED_METHODS, obj.__name__, set()).add(obj)
                if method_owner(obj) is numpy.ndarray and has_rules:
                    ARRAY_METHODS[obj.__name__] = rule_key(obj)
    _method_journal.clear()
    keys, records = list(PRIMITIVES), list(dict.values(PRIMITIVES))
    for index, field in ((ADJOINTS, "adjoint"), (TANGENTS, "tangent")):     # (the loops in C: 950 records)
        templates = list(map(operator.attrgetter(field), records))
        index.update(zip(itertools.compress(keys, templates), filter(None, templates)))
    NON_DIFFERENTIABLE.update({key: next(obj for obj in (record.function, *record.methods) if rule_key(obj) == key)
                               for key, record in zip(keys, records) if not record.differentiable})


_indexing = _note_loaded    # how a registration is indexed: ``_index`` once astgrad's own rules are


_pop, _setdefault = dict.pop, dict.setdefault
AFTER_REGISTERING.append(_index_loaded)


def register(primitive, *, methods=(), **fields):
    """Set fields of ``primitive``'s record (templates, facts) and ``methods`` that are
    the same primitive; returns the record."""
    load_rules()        # astgrad's own first: a later registration replaces theirs
    if not _FIELDS.issuperset(fields):      # refused before a record is made: nothing changes
        raise TypeError(f"a Primitive has no field {min(set(fields) - _FIELDS)!r}")
    with _changing:
        key = rule_key(primitive)
        record = dict.get(PRIMITIVES, key)
        if record is None and "function" not in fields:     # a new record made with its fields
            record = PRIMITIVES[key] = Primitive(primitive, **fields)
        else:
            if record is None or "adjoint" in fields or "tangent" in fields:
                record = _own_record(primitive)
            # (else facts of a method that is a function's primitive are that record's)
            for name, value in fields.items():
                setattr(record, name, value)
        for method in methods:
            if method_owner(method) is None:
                raise TypeError(f"{method!r} is not a method: list ndarray methods as numpy.ndarray.X")
            if method not in record.methods:
                record.methods = record.methods + (method,)
        _indexing(record)
    return record


def count_declaration():
    """Count a declaration made by name, whose functions get their facts later
    (``rules/optional.declare_when_imported``), in the version now."""
    with _changing:
        VERSION[0] += 1


def declare_counted(*primitives, **facts):
    """``declare`` for facts already counted in the version (``count_declaration``):
    the version stays. No code made before can call these functions: their module was
    not imported then."""
    load_rules()
    with _changing:
        version = VERSION[0]
        declare(*primitives, **facts)
        VERSION[0] = version


def import_counted(module):
    """Import the rule module ``module``, whose registrations are counted in the version
    already (``count_declaration``): the version stays, as for ``declare_counted``. Such
    a module registers only functions without a record (``unregistered``)."""
    load_rules()
    with _changing:
        version = VERSION[0]
        importlib.import_module(module)
        VERSION[0] = version


def unregistered(*primitives):
    """Whether none of ``primitives`` has a record: a rule module registered once its
    library is imported leaves a rule the program registered first as it is (registered
    later, the program's own would replace astgrad's, as it does for any other function)."""
    load_rules()
    return all(dict.get(PRIMITIVES, rule_key(primitive)) is None for primitive in primitives)


def declare(*primitives, **facts):
    """Facts about functions, with or without derivative rules: ``result`` (FRESH,
    VIEW, MAY_SHARE, COPIES), ``mutates`` (argument position), ``shape_only``,
    ``shape_arguments``, ``dtype_parameters``, ``methods``. Returns the last one."""
    for primitive in primitives:
        register(primitive, **facts)
    return primitives[-1] if primitives else None


def _register_template(kind, primitive):
    def decorate(fn):
        template = Template(fn, kind, primitive)
        if not (getattr(fn, "__module__", None) or "").startswith("astgrad."):
            template.parse()    # a user's rule: a malformed template raises here, registering nothing
        load_rules()
        with _changing:
            record = _own_record(primitive)
            setattr(record, kind, template)
            record.differentiable = True
            if record.kind in ("facts", "non-differentiable"):
                record.kind = "templates"
            _indexing(record)
        return fn
    return decorate


_F = typing.TypeVar("_F", bound=typing.Callable[..., typing.Any])


def adjoint(primitive: typing.Callable[..., typing.Any]) -> typing.Callable[[_F], _F]:
    """Register the decorated template as the reverse-mode rule of ``primitive``."""
    return _register_template("adjoint", primitive)


def tangent(primitive: typing.Callable[..., typing.Any]) -> typing.Callable[[_F], _F]:
    """Register the decorated template as the forward-mode rule of ``primitive``."""
    return _register_template("tangent", primitive)


def non_differentiable(*primitives):
    """Declare that the results of these functions carry no derivative (e.g. ``len``).

    Their calls run unchanged in generated code; nothing flows back through them.
    Returns the last primitive, so it also works as a decorator.
    """
    for primitive in primitives:
        register(primitive, adjoint=None, tangent=None, differentiable=False, kind="non-differentiable")
    return primitives[-1] if primitives else None


def unsupported(derivative, reason):
    """Inside a rule template, ``d[x] = unsupported(d[y], "why")`` (adjoint) or
    ``d[y] = unsupported(d[x], "why")`` (tangent) refuses to differentiate through the
    argument x: generating code that needs that derivative raises TransformError with
    the reason. The statement is dropped, as any other, where x carries no derivative."""
    raise RuntimeError("astgrad.rules.registry.unsupported only has a meaning inside a rule template")


# -- lookups --------------------------------------------------------------------------------

def primitive(obj):
    """The record of ``obj``, or None."""
    return PRIMITIVES.get(rule_key(obj))


def is_non_differentiable(obj):
    return rule_key(obj) in NON_DIFFERENTIABLE


def lookup(table, obj):
    return table.get(rule_key(obj))


def method_key(method_name):
    """The registered ``numpy.ndarray`` method or attribute for ``value.method_name``, or
    None. A method call's receiver is known only when the code runs, so the engine
    finds the rule by the name and checks the receiver is an array then."""
    return ARRAY_METHODS.get(method_name)


def methods_named(name):
    """The records of the methods called ``name`` (of any class: list.append,
    numpy.ndarray.fill): what ``v.name(...)`` may be, when ``v``'s type is unknown."""
    return [PRIMITIVES[rule_key(m)] for m in NAMED_METHODS.get(name, ())]


def describe(obj):
    module = module_of(obj) or ""
    qual = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or repr(obj)
    if isinstance(obj, tuple):
        return repr(obj)
    return f"{module}.{qual}" if module and module != "builtins" else qual


def user_name(obj):
    """The name to show a user for ``obj``: its public name (``scipy.linalg.expm``) where it
    has one, else where it is defined (``scipy.linalg._matfuncs.expm``)."""
    return public_name(obj) or describe(obj)


# The namespaces whose functions astgrad.rules() lists and errors suggest, in order of
# preference for an object found in several (numpy.matmul before numpy.linalg.matmul)
_PUBLIC_MODULES = ("builtins", "math", "operator", "numpy", "numpy.linalg", "numpy.fft",
                   "numpy.polynomial.polynomial", "numpy.lib.stride_tricks",
                   "scipy.special", "scipy.stats", "scipy.linalg")
_public_index = {}          # tuple of the imported public modules -> {id(obj): (obj, name)}


def _public_names():
    import sys
    present = tuple(m for m in _PUBLIC_MODULES if m in sys.modules)
    index = _public_index.get(present)
    if index is None:
        index = {}
        for module in present:
            prefix = "" if module == "builtins" else module + "."
            for attr, value in sorted(vars(sys.modules[module]).items()):
                if not attr.startswith("_") and not isinstance(value, type(sys)):
                    index.setdefault(id(value), (value, []))[1].append(prefix + attr)
        _public_index.clear()
        _public_index[present] = index
    return index


def public_name(obj):
    """The name a user writes for ``obj`` (``numpy.linalg.svd``, ``numpy.ndarray.sum``,
    ``len``, ``list.append``, ``operator.add``, ``scipy.stats.norm.logpdf``), or None
    for what is not a public builtin, math, operator, NumPy or SciPy function."""
    names = public_names(obj)
    return names[0] if names else None


def public_names(obj):
    """Every public name of ``obj``, the preferred first (``numpy.abs``, ``numpy.absolute``)."""
    index = _public_names()
    owner = method_owner(obj)
    bound_to = getattr(obj, "__self__", None)
    if owner is None and bound_to is not None and type(bound_to).__name__ != "module":
        owner = bound_to                    # scipy.stats.norm.logpdf: a method of an instance
    if owner is not None:
        found = index.get(id(owner))
        return [f"{name}.{obj.__name__}" for name in found[1]] if found and found[0] is owner else []
    found = index.get(id(obj))
    return list(found[1]) if found and found[0] is obj else []


def supported_names():
    """{public name: record} of every public function with a derivative rule."""
    names = {}
    for record in list(PRIMITIVES.values()):
        if record.adjoint is None and record.tangent is None:
            continue
        for obj in (record.function,) + tuple(record.methods):
            for name in public_names(obj):
                names[name] = record
    return names


def closest_supported(obj, mode):
    """The public function with a rule in ``mode`` that a user of ``obj`` may have meant:
    the closest name within its own module (numpy.linalg.eigvalsh for numpy.linalg.eigvals),
    else a function of the same name in another (numpy.linalg.det for scipy.linalg.det);
    None if there is none. A name only alike in another module is another function
    (scipy.linalg.sinm is no sine, scipy.special.expn no exp2), and a function of math
    takes one Python float: it is offered only for a function of math. A method of a
    ufunc (numpy.multiply.outer, numpy.add.reduceat) has none: the other methods and the
    namesakes elsewhere (numpy.linalg.outer) compute something else."""
    import difflib
    if isinstance(getattr(obj, "__self__", None), numpy.ufunc):
        return None
    name = public_name(obj) or describe(obj)
    table = "adjoint" if mode == "adjoint" else "tangent"
    names = sorted(n for n, r in supported_names().items() if getattr(r, table) is not None and n != name)
    module, _, short = name.rpartition(".")
    # only the functions' own names are compared: a shared "numpy." would make
    # numpy.split look close to numpy.polyfit
    # and a test (numpy.isin, numpy.isreal) is only like another test, not numpy.sin
    # or numpy.real, which a user of the test cannot have meant
    by_short_name = {}
    for candidate in names:
        candidate_module, _, candidate_short = candidate.rpartition(".")
        if candidate_module == module and _is_test(candidate_short) == _is_test(short):
            by_short_name.setdefault(candidate_short, candidate)
    close = difflib.get_close_matches(short, list(by_short_name), n=1, cutoff=0.8)
    if close:
        return by_short_name[close[0]]
    namesakes = [n for n in names if n.rpartition(".")[2] == short and (module == "math" or not n.startswith("math."))]
    return namesakes[0] if namesakes else None


def _is_test(name):
    """Whether a function's name says it answers a yes/no question (isin, isclose, ...)."""
    return name.startswith("is")


TRANSFORMS_INSIDE = ("inside differentiated code use astgrad.grad, value_and_grad or jvp instead (a Hessian-vector "
                     "product: def dh(a): return astgrad.grad(h)(a), then astgrad.jvp(dh, (x,), (v,))[1]; a column "
                     "of a Jacobian: astgrad.jvp(h, (x,), (e,))[1]), or call it outside")


GROUPBY_ADVICE = (
    "astgrad does not follow itertools.groupby over values that carry a derivative (its groups are "
    "lazy views of one shared iterator): group the keys, which carry none, and take each run of values "
    "by position: labels = [key(v) for v in xs]; start = 0; for k, run in itertools.groupby(labels): "
    "n = len(list(run)); group = xs[start:start + n]; start = start + n")
STARMAP_ADVICE = (
    "astgrad follows itertools.starmap(f, pairs) as [f(a, b) for a, b in pairs] where f takes a fixed "
    "number of positional arguments (a lambda, a def of yours, an operator or NumPy function), and for a "
    "function with defaults or *args only over tuples written out in the call, starmap(f, [(a,), (b, c)]), "
    "over a list of them bound once and only read, or over zip(xs, ys): write the calls out instead, [f(a, b) for a, b in pairs] with the arguments "
    "each tuple holds")
ITERTOOLS_ADVICE = {itertools.groupby: GROUPBY_ADVICE, itertools.starmap: STARMAP_ADVICE}
# What to write instead of a call of a function that has no rule on purpose, by object
# (the rule modules of optional libraries add theirs: scipy.linalg.eig)
NO_RULE_ADVICE = dict(advice_by_callee())


def _no_rule_advice(obj):
    """What to write instead of ``obj`` (ITERTOOLS_ADVICE, NO_RULE_ADVICE), or None."""
    if isinstance(obj, type) and descriptor_store_advice(obj):
        return descriptor_store_advice(obj)     # (before the others: it says why the object is not built)
    if isinstance(obj, type) and "__init__" in obj.__dict__:
        return held_function_advice(obj) or base_init_advice(obj)
    if isinstance(obj, type) and any("__init__" in vars(klass) for klass in obj.__mro__[1:-1]):
        return base_init_advice(obj)        # a base class's __init__ calling another's by name
    try:
        return ITERTOOLS_ADVICE.get(obj) or NO_RULE_ADVICE.get(obj) or reduction_advice(
            obj, lambda method: rule_key(method) in ADJOINTS)
    except TypeError:       # unhashable
        return None


def suggestion(obj, mode):
    """``"; did you mean numpy.linalg.eigvalsh?"`` after "no adjoint rule for X", or ``";"``;
    for one of astgrad's own transforms (vjp, jacobian, hessian, hvp, what they return),
    what to use inside differentiated code instead."""
    if obj is not None and is_astgrad_transform(obj):
        return f"; {TRANSFORMS_INSIDE};"
    if obj is builtins.iter:
        return ("; astgrad follows an iterator made by iter(e) where next(it) alone advances it "
                "(it = iter(e); a = next(it)), or where it is iterated at once (for v in iter(e), "
                "sum(iter(e))); else iterate over e itself, or keep a position in a name (e[k]);")
    if obj is collections.OrderedDict:
        return ("; astgrad follows dict(...) and dict displays, which keep the order items are stored in "
                "too: write dict(a=x) or {'a': x} in its place (an OrderedDict bound once to a name used only as "
                "a dict is, d[k], d[k] = v, d.items(), d.get(k), d.pop(k), d.update(...), k in d, len(d), a loop "
                "over it, is followed as that dict; one moved, d.move_to_end(k), popped at an end, d.popitem(), "
                "compared, held in a container, handed on or returned is not);")
    if isinstance(obj, type) and _post_init_dataclass(obj):
        return (f"; {obj.__name__} is a dataclass with a __post_init__, whose code astgrad does not follow "
                "when the object is built in the differentiated code (it follows a dataclass whose __init__ only "
                "stores the fields): compute what __post_init__ stores in a property or method reading the "
                "fields (@property def y(self): return self.x * self.scale);")
    closest = closest_supported(obj, mode) if obj is not None else None
    return f"; did you mean {closest}?" if closest else ";"


def _post_init_dataclass(cls):
    import dataclasses
    return dataclasses.is_dataclass(cls) and callable(getattr(cls, "__post_init__", None))


def is_astgrad_transform(obj):
    """Whether ``obj`` is one of astgrad's user-facing transforms, or an object one made."""
    module = obj.__module__ if isinstance(obj, types.FunctionType) else type(obj).__module__
    return module == "astgrad.api"


def no_rule_text(what, obj, which):
    """The refusal of a call of ``obj`` (named ``what``) that has no ``which`` rule
    ("adjoint" or "tangent") and no record."""
    if _no_rule_advice(obj):
        return f"no {which} rule for {what}: {_no_rule_advice(obj)}"
    return (f"no {which} rule for {what}{suggestion(obj, which)} astgrad cannot differentiate through it. "
            f"Register one with @astgrad.{which}, or wrap the value in astgrad.stop_gradient(...)")


def missing_rule_error(source, node, obj, mode):
    which = "adjoint" if mode == "adjoint" else "tangent"
    if _no_rule_advice(obj):        # what to write instead says more than "register a rule"
        return source.error(f"no {which} rule for {user_name(obj)}: {_no_rule_advice(obj)}", node,
                            construct=describe(obj))
    return source.error(
        f"no {which} rule for {user_name(obj)}{suggestion(obj, which)} astgrad cannot differentiate through it. "
        f"Register one with @astgrad.{which}({getattr(obj, '__name__', 'fn')}), or wrap the "
        f"value in astgrad.stop_gradient(...) if no derivative should flow",
        node, construct=describe(obj))



__all__ = ["d", "adjoint", "tangent", "non_differentiable", "declare", "unsupported", "Primitive",
           "Template", "TransformError", "FRESH", "VIEW", "MAY_SHARE", "COPIES",
           "derivative_target", "derivative_ref"]
