"""The hunt through Python breadth (tests/hunt74a_programs.py), as an adversary hunting for
a gradient wrong with no error: closures (late binding in loops, defaults evaluated once,
a name rebound after the def, nonlocal two levels out), calls (a partial of a partial with
a keyword overridden, **kwargs filling a positional, keyword-only and positional-only
parameters, zip(*xs), map over two iterables, sorted with a tuple key, recursion over an
array's items), objects (class attributes shadowed by instance attributes, properties
computed from differentiated attributes, classmethods called through an instance,
dataclasses.replace, namedtuple._replace, frozen dataclasses, __call__), containers (dict
methods, walrus in comprehensions and while, starred assignment, list + and *), statements
(for/while-else, match with guards, captures, mapping and class patterns, try/finally,
np.errstate, global reads) and writes (into arguments, ``y = x; y *= x`` on floats and
arrays); then nested pytrees (dataclasses in lists in dicts, namedtuples in tuples) as
the argument differentiated and as the result, their gradients checked for structure and
plain types; then objects again (``super().__call__`` and ``super().prop``, operators and
``__getitem__`` on a class of the user's, ``self.__class__.c``, ``default_factory``, a
namedtuple subclass's method, classmethod constructors chained) and defaults made once
(a mutable default kept from call to call), closures over arrays written after the lambda
is made and names rebound in a branch. 120 programs, each in grad, value_and_grad, vjp,
jvp, hessian, jvp and jacobian of grad against central differences.

What the hunt found:

- a wrong number: ``super().norm`` of a base class's property, read in a subclass's
  property or method (``return super().norm * 2.0``), gave its value with a derivative of
  zero, with no error. Its getter is followed now, to second order (``o_super_property``,
  ``o_inherited_property``); a base's property whose getter astgrad cannot read is refused
  naming the line;

and refusals no user expects, followed now:

- ``q = functools.partial(Model.loss, m)`` of an object the function built (``m =
  Model(A * w)``) was refused inside the method ("no adjoint rule for .forward()"): the
  partial held a copy of ``m`` in a name whose class the code did not know. A name bound
  once to an object of a known class is held as itself now;

- a recursive helper reading its array argument by index and handing it on
  (``return x[n - 1] * w + rec(x, w, n - 1)``) was refused as keeping a memo table
  ("both hands the table on to a call and reads it"), though nothing stores into it;
- a property read on an object a call builds (``Model.scaled(A, w).norm``), and on the
  object a classmethod called through a local instance builds (``m.scaled(A, w)``), was
  refused when the code ran ("a property, computed when it is read");
- ``inner(*xs)`` of a local def or lambda was refused ("*args unpacking in a call; pass the
  arguments one by one") for anything but a display: a tuple bound to a name, a generator
  expression, an array's rows. Unpacked now into as many names as the parameters it fills,
  as it is for a module-level function (``a_star_unpack_generator``);
- ``wrt="self.layers[0].W"`` was refused as a dict key written without quotes; it now
  says a path names attributes and dict keys and to differentiate with respect to the
  whole list.

Left refused, each naming its line with advice that works (REFUSED in the programs): local
functions appended to a list in a loop whose body holds the def, lambdas made by a
comprehension over a tuple of differentiated values, lambdas stored into a dict in a loop,
a method rebound on an instance, a property setter, a dataclass with ``__post_init__``
built in the code, a helper's mutable default changed in place (a list appended to, a
dict written), ``continue`` inside try/finally, and a write into a
row of ``[[0.0] * 2] * 2``. This file
checks the programs in every mode with HYPOTHESIS_PROFILE=thorough; CI runs a dozen, each in
one mode, two pytrees and two refusals."""

import copy
import dataclasses
import functools
import inspect
import os
import re

import numpy as np
import pytest

import astgrad
import hunt74a_programs as P
from breadth_modes import check
from fd import assert_close

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad", "jacobian_of_grad")
# the programs CI runs (its time budget), each in one mode; thorough runs take every program in every mode
CI_MODE = {
    "a_recursion_sum": "hessian", "o_call_dunder_and_staticmethod_via_instance": "grad",
    "k_late_binding_lambdas": "vjp", "k_nonlocal_two_levels": "jvp", "a_partial_of_partial": "value_and_grad",
    "a_kwargs_collide": "jvp_of_grad", "o_method_class_attr_shadowed": "hessian", "o_frozen_dataclass_property": "vjp",
    "c_walrus_comprehension": "grad", "s_match_mapping_and_class": "jvp", "w_alias_array": "hessian",
    "w_into_argument_alias": "jacobian_of_grad", "o_super_property": "jvp", "o_inherited_property": "grad",
    "a_partial_of_unbound_method": "vjp", "a_star_unpack_generator": "hessian",
}
CI_TREES = ("o_pytree_wrt", "c_result_structure")
CI_REFUSED = ("k_closure_loop_accumulate", "o_method_rebound_on_instance", "k_default_evaluated_once",
              "o_property_setter")


def _params():
    for name, f, args, wrt in P.CASES:
        for mode in MODES if THOROUGH else (CI_MODE[name],) if name in CI_MODE else ():
            yield pytest.param(mode, f, args, wrt, id=f"{name}-{mode}")


def test_every_program_named_in_ci_is_one():
    assert set(CI_MODE) <= {name for name, *_ in P.CASES}
    assert set(CI_TREES) <= set(P.TREES) and set(CI_REFUSED) <= set(P.REFUSED)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("mode, f, args, wrt", list(_params()))
def test_program_in_mode(mode, f, args, wrt):
    check(mode, f, args, wrt)


# ---- pytrees: the argument differentiated, or the result, a structure of arrays and floats
def _leaves(tree):
    """The float leaves of ``tree`` in order (dicts, lists, tuples, namedtuples, dataclasses)."""
    if isinstance(tree, dict):
        return [leaf for v in tree.values() for leaf in _leaves(v)]
    if isinstance(tree, (list, tuple)):
        return [leaf for v in tree for leaf in _leaves(v)]
    if dataclasses.is_dataclass(tree):
        return [leaf for f in dataclasses.fields(tree) for leaf in _leaves(getattr(tree, f.name))]
    return [tree]


def _rebuilt(tree, leaves):
    """``tree`` with its leaves taken in order from the iterator ``leaves``."""
    if isinstance(tree, dict):
        return {k: _rebuilt(v, leaves) for k, v in tree.items()}
    if isinstance(tree, tuple) and hasattr(tree, "_fields"):
        return type(tree)(*[_rebuilt(v, leaves) for v in tree])
    if isinstance(tree, (list, tuple)):
        return type(tree)(_rebuilt(v, leaves) for v in tree)
    if dataclasses.is_dataclass(tree):
        return dataclasses.replace(tree, **{f.name: _rebuilt(getattr(tree, f.name), leaves)
                                            for f in dataclasses.fields(tree)})
    return next(leaves)


def _flat(tree):
    return np.concatenate([np.ravel(leaf) for leaf in _leaves(tree)])


def _unflat(like, vector):
    out, offset = [], 0
    for leaf in _leaves(like):
        size = np.size(leaf)
        chunk = vector[offset:offset + size]
        out.append(chunk.reshape(np.shape(leaf)).copy() if isinstance(leaf, np.ndarray) else float(chunk[0]))
        offset += size
    return _rebuilt(like, iter(out))


def _assert_same_structure(got, like, path="gradient"):
    """``got`` has ``like``'s structure and plain types: dict for dict, list for list, the
    dataclass or namedtuple for one, ndarray of the same shape for an array, float for a float."""
    if isinstance(like, float):
        assert type(got) is float or (isinstance(got, np.floating) and np.ndim(got) == 0), (path, type(got))
        return
    assert type(got) is type(like), (path, type(got), type(like))
    if isinstance(like, np.ndarray):
        assert got.shape == like.shape, (path, got.shape, like.shape)
    elif isinstance(like, dict):
        assert list(got) == list(like), (path, list(got))
        for k in like:
            _assert_same_structure(got[k], like[k], f"{path}[{k!r}]")
    elif isinstance(like, (list, tuple)):
        assert len(got) == len(like), path
        for k, (g, v) in enumerate(zip(got, like)):
            _assert_same_structure(g, v, f"{path}[{k}]")
    elif dataclasses.is_dataclass(like):
        for f in dataclasses.fields(like):
            _assert_same_structure(getattr(got, f.name), getattr(like, f.name), f"{path}.{f.name}")


def _numerical_jvp(f, args, tangents, eps=1e-6):
    """Central differences of ``f`` (any structure of results) along ``tangents``."""
    def at(sign):
        moved = [_unflat(a, _flat(a) + sign * eps * _flat(t)) for a, t in zip(args, tangents)]
        return _flat(f(*moved))
    return (at(1.0) - at(-1.0)) / (2 * eps)


def _random_like(tree, rng):
    return _unflat(tree, rng.standard_normal(_flat(tree).size))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", [n for n in P.TREES if THOROUGH or n in CI_TREES])
def test_a_pytree_argument_or_result_in_every_first_order_mode(name):
    program, args = getattr(P, name), getattr(P, name).ARGS
    before = copy.deepcopy(args)
    f = lambda *a: program(*copy.deepcopy(a))       # noqa: E731 - a program may write into its arguments
    rng = np.random.default_rng(74)
    tangents = tuple(_random_like(a, rng) for a in args)
    value, d = astgrad.jvp(program, args, tangents)
    assert_close(_flat(d), _numerical_jvp(f, args, tangents))
    _assert_same_structure(d, f(*args), "jvp")
    cotangent = _random_like(f(*args), rng)
    out, pullback = astgrad.vjp(program, *args)
    grads = pullback(cotangent)
    for i, (g, a) in enumerate(zip(grads, args)):
        _assert_same_structure(g, a, f"vjp[{i}]")
    # <cotangent, J t> = <J^T cotangent, t>: the pullback against the differences above
    pulled = sum(np.dot(_flat(g), _flat(t)) for g, t in zip(grads, tangents))
    assert_close(pulled, np.dot(_flat(cotangent), _numerical_jvp(f, args, tangents)))
    if np.ndim(out) == 0 and isinstance(out, (float, np.floating)):
        g = astgrad.grad(program)(*args)
        _assert_same_structure(g, args[0], "grad")
        value, g2 = astgrad.value_and_grad(program, wrt=(0, 1))(*args)
        assert_close(value, f(*args), 1e-12, 1e-12)
        for k in range(_flat(args[0]).size):         # each entry of the gradient against its difference
            unit = np.zeros(_flat(args[0]).size)
            unit[k] = 1.0
            step = (_unflat(args[0], unit), 0.0)
            assert_close(_flat(g)[k], _numerical_jvp(f, args, step)[0])
        assert_close(_flat(g2[0]), _flat(g), 1e-12, 1e-12)
    assert_close(_flat(args), _flat(before), 0.0, 0.0)      # no transform changed the caller's values


@pytest.mark.parametrize("name", [n for n in P.REFUSED if THOROUGH or n in CI_REFUSED])
def test_a_refused_program_names_its_line_and_what_to_do(name):
    f = getattr(P, name)
    offset, error, words = P.REFUSED[name]
    line = f.__code__.co_firstlineno + offset
    with pytest.raises(getattr(astgrad, error), match=rf"hunt74a_programs\.py:{line}: .*{words}"):
        astgrad.grad(f, wrt=1)(*(getattr(f, "ARGS", None) or (P.default_argument(f), 0.8)))


def test_a_path_through_a_list_item_is_refused_saying_to_take_the_whole_list():
    holder = P.Holder([P.Layer(P.A33, P.V4[:3]), P.Layer(P.A33.T, P.V4[1:])], 0.7)
    with pytest.raises(ValueError, match=r"wrt='self\.layers\[0\]\.W': a path names attributes and dict keys, "
                                         r"not an item of a list, a tuple or an array \(\[0\]\); .* wrt='self\.layers'"):
        astgrad.grad(holder.loss, wrt="self.layers[0].W")(P.V4[:3])
    whole = astgrad.grad(holder.loss, wrt="self.layers")(P.V4[:3])     # the advice, followed
    assert type(whole) is list and type(whole[0]) is P.Layer
    tangent = np.linspace(-1.0, 1.0, 9).reshape(3, 3)
    def moved(s):
        return P.Holder([P.Layer(P.A33 + s * tangent, P.V4[:3]), holder.layers[1]], 0.7).loss(P.V4[:3])
    assert_close(np.sum(whole[0].W * tangent), (moved(1e-6) - moved(-1e-6)) / 2e-6)


# ---- refusals in the user's words, each with advice that works (the advice run below)
def _partial_of_a_built_object(A, w):
    q = functools.partial(P.Model.loss, P.Model(A * w))
    return q(A[1])


def _partial_of_an_object_built_first(A, w):           # the advice of the refusal above
    m = P.Model(A * w)
    q = functools.partial(P.Model.loss, m)
    return q(A[1])


def _lambdas_written_out(x, w):                         # k_default_evaluated_once's advice
    fs = [lambda z, s=w: z * s, lambda z, s=w ** 2: z * s]
    return sum(np.sum(f(x)) for f in fs)


def _setter_stores_written_out(x, w):                   # o_property_setter's advice
    s = P.Setter(x)
    s._v = s.v * w * 0.5
    return np.sum(s.v ** 2)


class _Pair:
    def __init__(self, a, b):
        self.a = a
        self.b = b


def _getattr_by_loop_variable(x, w):
    m = _Pair(x * w, x ** 2)
    total = 0.0
    for name in ("a", "b"):
        total = total + np.sum(getattr(m, name))
    return total


def _attributes_looped_over(x, w):                      # the advice of the refusal above
    m = _Pair(x * w, x ** 2)
    total = 0.0
    for v in (m.a, m.b):
        total = total + np.sum(v)
    return total


def _line_of(fn, text):
    lines, first = inspect.getsourcelines(fn)
    return first + next(k for k, line in enumerate(lines) if text in line)


def test_a_partial_of_an_object_built_in_its_call_says_to_build_it_first():
    line = _line_of(_partial_of_a_built_object, "functools.partial")
    with pytest.raises(astgrad.TransformError, match=rf"At .*test_hunt74a\.py:{line} the partial binds an object "
                                                     r"built inside its call .* m = P\.Model\(A \* w\); "
                                                     r"functools\.partial\(P\.Model\.loss, m\)"):
        astgrad.grad(_partial_of_a_built_object, wrt=1)(P.A33, 0.8)
    check("grad", _partial_of_an_object_built_first, (P.A33, 0.8), (0, 1))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("advice", [_lambdas_written_out, _setter_stores_written_out, _attributes_looped_over],
                         ids=lambda f: f.__name__)
def test_the_advice_of_a_refusal_is_followed(advice):
    check("hessian", advice, (P.V5, 0.8), (0, 1))


def test_getattr_by_a_name_known_when_the_code_runs_says_to_write_the_attributes_out():
    line = _line_of(_getattr_by_loop_variable, "getattr(")
    with pytest.raises(astgrad.TransformError, match=rf"test_hunt74a\.py:{line}: no adjoint rule for getattr: .*write "
                                                     r"the attributes out .*for v in \(m\.a, m\.b\)"):
        astgrad.grad(_getattr_by_loop_variable, wrt=1)(P.V5, 0.8)


def _spread_into_a_local(x, w, count):
    def inner(a, b):
        return a * b
    scale = lambda a: a * w          # noqa: E731
    xs = (x, w, w)[:count]
    return np.sum(inner(*xs)) + np.sum(scale(*xs[:1]))


@pytest.mark.parametrize("count", [3, 1, 0])
def test_a_spread_of_the_wrong_count_into_a_local_def_raises_pythons_type_error(count):
    with pytest.raises(TypeError) as python:
        _spread_into_a_local(P.V5, 0.8, count)
    with pytest.raises(TypeError, match=re.escape(str(python.value))):
        astgrad.grad(_spread_into_a_local, wrt=1)(P.V5, 0.8, count)
    assert_close(astgrad.grad(_spread_into_a_local, wrt=1)(P.V5, 0.8, 2),
                 np.sum(P.V5) + np.sum(P.V5))       # the right count: followed (d/dw of x*w, and of x*w)
