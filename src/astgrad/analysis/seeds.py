"""Which random generators in a function's normalized code draw the same numbers in
every run of the function: those it makes from a fixed seed.

A seed is fixed where it is an int written in the code: a literal, a module constant, or
a parameter the caller gives such an int (``def noise(n, seed): rng =
numpy.random.default_rng(seed)`` called as ``noise(3, 0)``). An object the function
builds holds such a generator where its ``__init__``, run as its twin returning the
attributes it stores (``attrs = Sampler_init(0); q = instance(Sampler, attrs)``), stores
one made so: ``t = q.rs; eps = t.randn(3)`` draws the same numbers each run (the method
``sample`` drawing them was inlined, frontend/normalize/held_generators.py, or this is
its gradient's code, transformed again).
"""

import collections
import inspect
import sys

import gast

from .. import runtime_objects
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from ..errors import TransformError


def is_generator_maker(target):
    """Whether ``target`` makes a random generator from a seed."""
    return is_numpy_random(target, "default_rng") or is_numpy_random(target, "RandomState")


def is_numpy_random(target, name):
    """Whether ``target`` is ``numpy.random``'s ``name``: never before the program has
    imported ``numpy.random`` (nothing can call or hold its functions before), which is
    not touched then: touching it imports it (and hashlib, about 10 ms), which neither
    ``import astgrad`` nor generating code for a program that draws no numbers should pay."""
    random = sys.modules.get("numpy.random")
    found = None if random is None else getattr(random, name, None)     # (None while it is still loading)
    return found is not None and target is found


def seed_argument(call):
    """The node ``call`` (of a generator's maker) gives as its seed, where it gives one
    argument, positional or ``seed=``; else None."""
    given = call.args + [kw.value for kw in call.keywords if kw.arg == "seed"]
    if len(given) != 1 or len(call.keywords) > 1 or isinstance(given[0], gast.Starred):
        return None
    return given[0]


def is_int_literal(node):
    return isinstance(node, gast.Constant) and type(node.value) is int


def seeds(call, fixed=frozenset()):
    """Whether ``call`` makes a new random generator from a fixed seed: an int written in
    the code (``numpy.random.default_rng(0)``, ``RandomState(0)``), or a name in ``fixed``
    (a parameter the caller gives such an int, a local bound once to one). Its draws are
    the same numbers in every run (a seed of None, or none, draws one from the system)."""
    if not is_generator_maker(anno.get(call, Key.TARGET)):
        return False
    given = seed_argument(call)
    return is_int_literal(given) or isinstance(given, gast.Name) and given.id in fixed


def seeded_generators(tree, fixed=frozenset(), constants=frozenset(), bound=None, literals=None):
    """The names bound once, to a generator made from a fixed seed (``seeds``): an int
    literal, a local name bound once to one, one of the parameters ``fixed`` (the
    caller gives it an int written in the code) the code never binds again, or one of the
    module constants ``constants`` (``constant_seeds``). ``bound``: ``bindings(tree)``,
    and ``literals``: ``fixed_locals(tree, bound)``, where the caller found them already."""
    bound = bindings(tree) if bound is None else bound
    literals = fixed_locals(tree, bound) if literals is None else literals
    fixed = {name for name in fixed if bound.get(name) == 1} | literals | set(constants)
    return {stmt.targets[0].id for stmt in walk.walk_statements(tree.body)
            if _single_name_assign(stmt) and bound.get(stmt.targets[0].id) == 1
            and isinstance(stmt.value, gast.Call) and seeds(stmt.value, fixed)}


def bindings(tree):
    """{name: how many times ``tree`` binds it} (parameters included)."""
    return collections.Counter(node.id for node in S.operand_nodes(tree)
                               if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Param)))


def fixed_parameters(call, target, fixed_name):
    """The parameters of ``target`` to which ``call`` gives an int written in the code: a
    literal, a name ``fixed_name`` says holds one (``int_names``), or the int default the
    call leaves in place."""
    try:
        given = inspect.signature(target).bind(*call.args, **{kw.arg: kw.value for kw in call.keywords})
    except (TypeError, ValueError):     # *args, **kwargs in the call: not known
        return frozenset()
    given.apply_defaults()
    return frozenset(name for name, value in given.arguments.items()
                     if type(value) is int or is_int_literal(value)
                     or isinstance(value, gast.Name) and fixed_name(value.id))


def int_names(tree, source, bound, literals=None, copies=None):
    """A test of a name read in ``tree`` (whose bindings ``bound`` counts): whether it
    holds an int written in the code, a local bound once to a literal or a module constant,
    or a local bound once to such a constant (``SEED_1 = SEED``: generated code reads a
    global it uses twice once, as it starts: backend/read_once.py). ``literals`` and
    ``copies``: ``fixed_locals`` and ``int_copies`` of ``tree``, where the caller found them."""
    literals = fixed_locals(tree, bound) if literals is None else literals
    literals = literals | (int_copies(tree, source, bound, literals) if copies is None else copies)
    return lambda name: name in literals or name not in bound and type(source.resolve(name)) is int


def int_copies(tree, source, bound, literals=None):
    """The names bound once to another name that holds an int written in the code, a
    module constant or a local bound once to a literal, directly or through such copies
    (``SEED_1 = SEED``: generated code reads a global it uses twice once, as it starts,
    backend/read_once.py; ``seed_1 = SEED_1``: an inlined helper's parameter).
    ``literals``: ``fixed_locals(tree, bound)``, where the caller found them already."""
    copies = {stmt.targets[0].id: stmt.value.id for stmt in walk.walk_statements(tree.body)
              if _single_name_assign(stmt) and bound.get(stmt.targets[0].id) == 1 and isinstance(stmt.value, gast.Name)}
    if not copies:
        return set()
    literals = fixed_locals(tree, bound) if literals is None else literals
    found = set()
    for name in copies:
        origin, steps = copies[name], 0
        while origin in copies and steps < len(copies):
            origin, steps = copies[origin], steps + 1
        if origin in literals or origin not in bound and type(source.resolve(origin)) is int:
            found.add(name)
    return found


def constant_seeds(tree, source, bound):
    """The module constants holding an int that ``tree`` (whose bindings ``bound`` counts)
    gives a generator's maker as its seed (``SEED = 0`` at the top of the module,
    ``numpy.random.default_rng(SEED)``): the same seed in every run the module leaves it."""
    if not any(is_generator_maker(anno.get(node, Key.TARGET)) for node in S.call_nodes(tree)):
        return frozenset()      # most code makes no generator: its calls, without listing every node
    return frozenset(
        given.id for node in S.operand_nodes(tree) if isinstance(node, gast.Call)
        and is_generator_maker(anno.get(node, Key.TARGET)) for given in [seed_argument(node)]
        if isinstance(given, gast.Name) and given.id not in bound and type(source.resolve(given.id)) is int)


def fixed_locals(tree, bound):
    """The names bound once, to an int literal (``seed_1 = 0``: a parameter of a function
    inlined, given 0), and the counters of loops over a range of such ints
    (``for k in range(3)``: every run counts the same ints, so a generator seeded by ``k``
    draws the same numbers in each)."""
    literals = {stmt.targets[0].id for stmt in walk.walk_statements(tree.body)
                if _single_name_assign(stmt) and bound.get(stmt.targets[0].id) == 1 and is_int_literal(stmt.value)}
    # (a gradient's code counts such a loop again backwards: for k in reversed(range(3)),
    # or steps = range(3); steps_1 = steps[::-1]; for k in steps_1)
    ranges = _fixed_ranges(tree, bound, literals)
    counted = collections.Counter(stmt.target.id for stmt in walk.walk_statements(tree.body)
                                  if isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Name)
                                  and _range_of_fixed_ints(stmt.iter, literals, ranges))
    return literals | {name for name, count in counted.items() if bound.get(name) == count}


def _fixed_ranges(tree, bound, literals):
    """The names bound once to a range of fixed ints (``_range_of_fixed_ints``)."""
    assigns = [stmt for stmt in walk.walk_statements(tree.body)
               if _single_name_assign(stmt) and bound.get(stmt.targets[0].id) == 1]
    ranges, grown = set(), True
    while grown:
        found = {stmt.targets[0].id for stmt in assigns if _range_of_fixed_ints(stmt.value, literals, ranges)}
        grown, ranges = found != ranges, found
    return ranges


def _range_of_fixed_ints(node, literals, ranges):
    """Whether ``node`` is ``range(...)`` of int literals and names among ``literals``, a
    name among ``ranges`` (bound to such a range), ``reversed`` of one, or a slice of one
    by constants (``steps[::-1]``)."""
    if isinstance(node, gast.Name):
        return node.id in ranges
    if isinstance(node, gast.Subscript):
        return isinstance(node.slice, gast.Slice) and _range_of_fixed_ints(node.value, literals, ranges) and all(
            part is None or isinstance(part, gast.Constant) and type(part.value) is int
            or isinstance(part, gast.UnaryOp) and is_int_literal(part.operand)
            for part in (node.slice.lower, node.slice.upper, node.slice.step))
    if not isinstance(node, gast.Call) or node.keywords:
        return False
    target = anno.get(node, Key.TARGET)
    if target is reversed:
        return len(node.args) == 1 and _range_of_fixed_ints(node.args[0], literals, ranges)
    return target is range and 1 <= len(node.args) <= 3 and all(
        is_int_literal(a) or isinstance(a, gast.Name) and a.id in literals for a in node.args)


def held_seeded_generators(tree, source, read, seeded, bound=None, fixed_name=None):
    """The names bound once to ``o.attr`` (``t = self_1.rs``), ``o`` an object the code
    builds (through names bound once to it) whose ``__init__`` stores in ``attr`` a
    generator made from a fixed seed, there or here (one of ``seeded``, the names bound
    to such a generator), which the code stores nowhere else. ``bound``: ``bindings(tree)``,
    and ``fixed_name``: ``int_names(tree, source, bound)``, where the caller has them."""
    bound = bindings(tree) if bound is None else bound
    values = {stmt.targets[0].id: stmt.value for stmt in walk.walk_statements(tree.body)
              if _single_name_assign(stmt) and bound.get(stmt.targets[0].id) == 1}
    fixed_name = int_names(tree, source, bound) if fixed_name is None else fixed_name
    objects = {}
    for name in values:
        _, value = _followed(name, values)         # self_1 = self; self = q
        held = _held_by_instance(value, values, (tree, read, fixed_name), seeded)
        if held:
            objects[name] = held
    if not objects:
        return set()
    nodes = list(S.walk_nodes(tree))
    stored = {node.attr for node in nodes if isinstance(node, gast.Attribute) and not isinstance(node.ctx, gast.Load)}
    stored |= {arg.value for node in nodes if isinstance(node, gast.Call)      # with_attribute(q, 'rs', v)
               for arg in node.args if isinstance(arg, gast.Constant)}
    return {name for name, value in values.items() if isinstance(value, gast.Attribute)
            and isinstance(value.value, gast.Name) and value.attr in objects.get(value.value.id, ())
            and value.attr not in stored}


def _held_by_instance(value, values, context, seeded):
    """The attributes holding a generator made from a fixed seed, of the object
    ``instance(C, attrs)`` (``value``) where ``attrs`` is bound to a call of C's
    ``__init__`` twin, which makes the generator or is given one of ``seeded``; else an
    empty set. ``context``: (the code's tree, ``Callees.read``, its ``int_names`` test)."""
    tree, read, fixed_name = context
    if not (isinstance(value, gast.Call) and anno.get(value, Key.TARGET) is runtime_objects.instance
            and len(value.args) == 2 and isinstance(value.args[1], gast.Name)):
        return set()
    names, made = _followed(value.args[1].id, values)
    if isinstance(made, gast.Dict):         # {'rng': t, 'scale': 0.5}: a plain __init__, or its twin inlined
        known = all(isinstance(k, gast.Constant) for k in made.keys)
        return _unique_seeded(_display_stores(made, names, tree), seeded) if known else set()
    twin = anno.get(made, Key.TARGET) if isinstance(made, gast.Call) else None
    if not hasattr(twin, "__astgrad_reads_class__"):     # not an __init__'s twin (instances.py)
        return set()
    try:
        given = inspect.signature(twin).bind(*made.args, **{kw.arg: kw.value for kw in made.keywords}).arguments
        _, twin_tree = read(twin)
    except (TypeError, ValueError, TransformError):
        return set()
    twin_bound = bindings(twin_tree)
    made_there = seeded_generators(twin_tree, fixed_parameters(made, twin, fixed_name))
    handed = {p for p, arg in given.items() if isinstance(arg, gast.Name) and arg.id in seeded
              and twin_bound.get(p) == 1}
    return _unique_seeded(_key_stores(twin_tree, None), made_there | handed)


def _followed(name, values):
    """(the names ``name`` is a copy of, itself first; the value the last is bound to)."""
    names = [name]
    while isinstance(values.get(names[-1]), gast.Name) and len(names) < 64:
        names.append(values[names[-1]].id)
    return names, values.get(names[-1])


def _display_stores(display, names, tree):
    """(key, value) for each key of the dict ``display`` and each store
    ``d['k'] = v`` into it (under one of ``names``) in ``tree``'s statements."""
    return [(k.value, v) for k, v in zip(display.keys, display.values)] + _key_stores(tree, set(names))


def _key_stores(tree, names):
    """(key, value) for each ``d['k'] = v`` at the top of ``tree`` (``d`` one of
    ``names``, or any name for None)."""
    return [(stmt.targets[0].slice.value, stmt.value) for stmt in tree.body
            if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Subscript)
            and isinstance(stmt.targets[0].slice, gast.Constant)
            and (names is None or isinstance(stmt.targets[0].value, gast.Name) and stmt.targets[0].value.id in names)]


def _unique_seeded(stores, seeded):
    """The keys stored once in ``stores``, with a name of ``seeded``."""
    keys = [key for key, _ in stores]
    return {key for key, stored in stores if keys.count(key) == 1
            and isinstance(stored, gast.Name) and stored.id in seeded}


def _single_name_assign(stmt):
    return isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
