"""The seventy-fourth hunt (b): an adversary's pass over the function transforms' API,
used the way JAX and PyTorch users use theirs, and misused. Tried (about 250 calls):
``wrt`` in every form (ints, negative, out of range, duplicates by position and by name,
names, keyword-only and positional-only parameters, ``*args``/``**kwargs`` entries, bools,
floats, NumPy ints, lists, nested tuples, attribute paths and dict keys that do not exist),
``argnums=``/``has_aux=`` (not offered then; tests/test_aux_outputs.py checks them now), compositions (jacobian, vjp,
jvp of ``grad`` and ``value_and_grad``, ``grad`` of ``value_and_grad``'s value, hessian of a
closure and of a callable object, ``grad(grad(f, wrt=1), wrt=0)``), a pullback called twice
and with cotangents of every wrong kind, tangents of the wrong shape, dtype and structure,
pytrees in and out (tuples, lists, dicts, namedtuples, dataclasses, nested, empty, None and
int leaves), outputs of every scalar kind, int/bool/complex/float16/float32/longdouble
arguments, extra, missing and keyword arguments, a gradient called from threads, a
function, helper or global rebound between calls, ``@differentiable`` twice, and ``grad``
of builtins, NumPy functions, lambdas, partials and methods.

Wrong with no error (fixed): an argument astgrad does not take apart got a gradient of
None, read as zero, though the output depends on it (a set, a deque, an ``array.array``, a
memoryview, a range, a dict's view, a mappingproxy, an iterator); and an iterator argument
was used up by the first of two runs, so the derivative of another argument came out 0:
``vjp`` (the pullback runs the code again), ``jacobian`` and ``hessian`` (once per column),
and ``hvp`` of a function returning a one-element array (run again with a seed of its
shape; ``grad`` and ``value_and_grad`` take it in their one run now); likewise a deque or a queue argument a run takes an item
from (``.popleft()``, ``.get()``): the next run took the next item (globals holding one are
put back; arguments were not). Each is refused now, saying what to pass.

Errors that said too little (fixed): an error raised while a derivative's generated code
runs (an index out of range, a shape mismatch in the user's ``W @ x``) showed the generated
line and none of the user's: the traceback has a frame at the user's line below it (the
line the operation was written on, where two lines were merged); ``grad(np.where)`` was
refused naming a line of astgrad's own (it takes ``condition, x, y`` now); ``vjp``/``jvp``
of a function with keyword-only parameters did not say how to reach them; ``wrt`` naming
``*args``/``**kwargs`` or a keyword not passed listed astgrad's internal names
(``args_0``); ``wrt='p[0]'`` spoke of dicts only; a float subclass was told to become a
dataclass; ``grad(astgrad.grad)`` was differentiated as astgrad's own code. This file keeps
a lean table of them, with finite-difference checks where a program is now followed."""

import sys
import traceback

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad


def _users_lines(error, path):
    return [(frame.lineno, frame.name, (frame.line or "").strip())
            for frame in traceback.extract_tb(error.__traceback__) if frame.filename == path]


def _index_past_the_end(x):
    y = x * 2.0
    return y[5]


def _mismatched_product(x, W):
    h = W @ x
    return np.sum(np.tanh(h))


def _line_of(fn, text):
    import inspect
    lines, first = inspect.getsourcelines(fn)
    return first + next(i for i, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("call", [
    lambda: astgrad.grad(_index_past_the_end)(np.ones(3)),
    lambda: astgrad.jvp(_index_past_the_end, (np.ones(3),), (np.ones(3),)),
    lambda: astgrad.vjp(astgrad.grad(_index_past_the_end), np.ones(3)),
], ids=["grad", "jvp", "vjp_of_grad"])
def test_an_error_in_generated_code_names_the_users_line(call):
    with pytest.raises(IndexError) as raised:
        call()
    assert (_line_of(_index_past_the_end, "return y[5]"), "_index_past_the_end", "return y[5]") \
        in _users_lines(raised.value, __file__)
    frames = traceback.extract_tb(raised.value.__traceback__)
    assert frames[-1].filename == __file__ and frames[-2].filename.startswith("<astgrad "), frames


@pytest.mark.skipif(sys.version_info < (3, 11), reason="the operation's line is read off 3.11's positions")
def test_a_merged_operation_is_named_at_the_line_it_was_written_on():
    with pytest.raises(ValueError, match="matmul") as raised:
        astgrad.grad(_mismatched_product)(np.ones(3), np.ones((2, 4)))
    assert _users_lines(raised.value, __file__)[-1] == \
        (_line_of(_mismatched_product, "h = W @ x"), "_mismatched_product", "h = W @ x")


def _raises_in_helper(x):
    return _helper_that_raises(x) * x


def _helper_that_raises(x):
    raise KeyError("from the user's helper")


def test_an_error_in_the_users_helper_gets_no_extra_frame():
    with pytest.raises(KeyError) as raised:
        astgrad.grad(_raises_in_helper)(1.0)
    lines = _users_lines(raised.value, __file__)
    assert [name for _, name, _ in lines][-2:] == ["_raises_in_helper", "_helper_that_raises"], lines


# -- np.where given directly: the selecting form, checked in every mode ---------------------

_RNG = np.random.default_rng(74)
_CONDITION = np.array([True, False, True, False])
_X, _Y = _RNG.standard_normal(4), _RNG.standard_normal(4)


def test_where_given_directly_is_the_selecting_form_in_every_mode():
    args = (_CONDITION, _X, _Y)
    seed = _RNG.standard_normal(4)
    out, pullback = astgrad.vjp(np.where, *args)
    assert_close(out, np.where(*args))
    cotangents = pullback(seed)
    assert cotangents[0] is None
    assert_close(cotangents[1:], numerical_grad(np.where, args, wrt=(1, 2), seed=seed))
    dx, dy = _RNG.standard_normal(4), _RNG.standard_normal(4)
    _, tangent = astgrad.jvp(np.where, args, (None, dx, dy))
    assert_close(tangent, np.where(_CONDITION, dx, dy))
    assert_close(astgrad.jacobian(np.where, wrt=2)(*args), np.diag(~_CONDITION * 1.0))
    assert astgrad.grad(np.where, wrt=1)(True, 0.5, 0.2) == 1.0
    with pytest.raises(TypeError, match=r"missing a required argument: 'x'.*numpy\.where"):
        astgrad.grad(np.where)(True)


# -- collections astgrad does not take apart, and iterators: refused, never None ------------

import array
import collections
import types


def _total(p, w):
    return sum(p) * w


_UNFOLLOWED = {
    "set": lambda: {2.0, 3.0}, "deque": lambda: collections.deque([2.0, 3.0]),
    "array.array": lambda: array.array("d", [2.0, 3.0]), "memoryview": lambda: memoryview(np.array([2.0, 3.0])),
    "range": lambda: range(2, 4), "dict_values": lambda: {"a": 2.0, "b": 3.0}.values(),
    "iterator": lambda: iter([2.0, 3.0]), "generator": lambda: (a for a in [2.0, 3.0]),
}


@pytest.mark.parametrize("kind", sorted(_UNFOLLOWED))
def test_a_collection_not_taken_apart_is_refused_where_differentiated(kind):
    with pytest.raises(TypeError, match=r"grad: argument 'p' is .*(list\(|numpy\.asarray)"):
        astgrad.grad(_total, wrt=(0, 1))(_UNFOLLOWED[kind](), 2.0)
    with pytest.raises(TypeError, match=r"grad: argument 'q' \(at q\[0\]\)"):
        astgrad.grad(lambda q, w: _total(q[0], w))([_UNFOLLOWED[kind]()], 2.0)
    with pytest.raises(TypeError, match=r"hvp: argument 'p' is "):
        astgrad.hvp(_total)(_UNFOLLOWED[kind](), 2.0, _UNFOLLOWED[kind]())
    assert astgrad.grad(_total, wrt=1)(_UNFOLLOWED[kind](), 2.0) == 5.0      # held constant: fine


def test_a_mapping_proxy_is_refused_where_differentiated_and_read_as_a_constant():
    proxy = types.MappingProxyType({"a": 2.0})
    with pytest.raises(TypeError, match=r"mappingproxy holding numbers.*dict\(p\)"):
        astgrad.grad(lambda p, w: p["a"] * w, wrt=(0, 1))(proxy, 3.0)
    assert astgrad.grad(lambda p, w: p["a"] * w, wrt=1)(proxy, 3.0) == 2.0


def test_vjp_holds_ints_constant_in_a_range_and_refuses_floats_in_a_set():
    assert astgrad.vjp(_total, range(3), 2.0)[1](1.0) == (None, 3.0)
    with pytest.raises(TypeError, match="vjp: argument 'p' is a set holding numbers"):
        astgrad.vjp(_total, {2.0, 3.0}, 2.0)


def _total_squared(p, w):
    return sum(p) * w ** 2


@pytest.mark.parametrize("transform, message", [
    (lambda p: astgrad.vjp(_total_squared, p, 2.0), r"vjp: argument 'p' is an iterator .* running the function again"),
    (lambda p: astgrad.jacobian(_total_squared, wrt=1)(p, 2.0), r"runs the function more than once .* is an iterator"),
    (lambda p: astgrad.hessian(_total_squared, wrt=1)(p, 2.0), r"runs the function more than once .* is an iterator"),
    (lambda p: astgrad.hessian(lambda q, w: _total_squared(q[0], w), wrt=1)([p], 2.0),
     r"argument 'q' \(at q\[0\]\) is an iterator"),
], ids=["vjp", "jacobian", "hessian", "hessian_in_a_list"])
def test_an_iterator_argument_of_a_transform_running_f_twice_is_refused(transform, message):
    # the second run found it used up: the derivative of w was 0 with no error
    with pytest.raises(TypeError, match=message):
        transform(iter([1.0, 2.0]))


def _first_taken(items, w):
    return items.popleft() * w ** 2 if isinstance(items, collections.deque) else items.get_nowait() * w ** 2


def _queue_of(*items):
    import queue
    made = queue.Queue()
    for item in items:
        made.put(item)
    return made


@pytest.mark.parametrize("make", [lambda: _queue_of(2.0, 5.0)], ids=["queue"])
@pytest.mark.parametrize("transform", [
    lambda items: astgrad.vjp(_first_taken, items, 3.0),
    lambda items: astgrad.jacobian(_first_taken, wrt=1)(items, 3.0),
    lambda items: astgrad.hessian(_first_taken, wrt=1)(items, 3.0),
], ids=["vjp", "jacobian", "hessian"])
def test_a_collection_a_run_changes_is_refused_by_a_transform_running_f_twice(transform, make):
    # the second run took the next item (5, not 2): the derivative of another function, no error
    with pytest.raises(TypeError, match=r"runs the function more than once .* neither copies nor puts back"):
        transform(make())
    assert astgrad.grad(_first_taken, wrt=1)(make(), 3.0) == 2 * 2 * 3.0      # run once: fine


# -- a set, deque, bytearray or array.array: each run of f is given a fresh copy -------------

def _reads(s, w):
    return (2.0 in s) * np.sin(w) * w + len(s) * w ** 2


def _one_element_read(s, w):
    return np.array([_reads(s, w)])


def _numerical_second(f, w, h=1e-4):
    return (f(w + h) - 2 * f(w) + f(w - h)) / h ** 2


@pytest.mark.parametrize("make", [lambda: {2.0, 3.0}, lambda: collections.deque([2.0, 3.0], maxlen=4)],
                         ids=["set", "deque"])
def test_a_collection_only_read_is_a_constant_of_every_transform_running_f_twice(make):
    w = _RNG.uniform(0.5, 1.5)
    first = numerical_grad(lambda w: _reads(make(), w), (w,))
    assert_close(astgrad.jacobian(_reads, wrt=1)(make(), w), first)
    assert_close(astgrad.hessian(_reads, wrt=1)(make(), w), _numerical_second(lambda w: _reads(make(), w), w),
                 rtol=1e-5, atol=1e-5)
    assert_close(astgrad.grad(_one_element_read, wrt=1)(make(), w), first)
    ints = collections.deque([2, 3]) if isinstance(make(), collections.deque) else {2, 3}    # vjp holds ints
    out, pullback = astgrad.vjp(_reads, ints, w)
    cotangent = _RNG.standard_normal()
    assert_close(out, _reads(ints, w))
    assert pullback(cotangent)[0] is None and pullback(cotangent)[0] is None
    assert_close(pullback(cotangent)[1], cotangent * numerical_grad(lambda w: _reads(ints, w), (w,)))
    assert_close(pullback(cotangent)[1], cotangent * first)     # called again: the same


def _taken(items, w):
    return items.pop() * w ** 3 + len(items) * np.sin(w)


def _taken_first(items, w):
    first = items.popleft()
    return first * w ** 3 + len(items) * np.sin(w)


@pytest.mark.parametrize("make", [lambda: {2.0}, lambda: collections.deque([2.0, 5.0, 1.0], maxlen=3)],
                         ids=["set", "deque"])
def test_each_run_of_a_function_taking_items_out_sees_the_collection_as_handed(make):
    # before, each column's run took the next item: a derivative of another function
    w = _RNG.uniform(0.5, 1.5)
    handed = make()
    _taken = _taken_first if isinstance(handed, collections.deque) else globals()["_taken"]
    assert_close(astgrad.jacobian(_taken, wrt=1)(handed, w), numerical_grad(lambda w: _taken(make(), w), (w,)))
    assert handed == make()             # the caller's collection is left as it was
    # (a set's pop is put back with add: its hessian is followed as a deque's is)
    assert_close(astgrad.hessian(_taken, wrt=1)(handed, w),
                 _numerical_second(lambda w: _taken(make(), w), w), rtol=1e-5, atol=1e-5)
    assert handed == make() and getattr(handed, "maxlen", 3) == 3
    assert_close(astgrad.grad(lambda d, w: np.array([_taken(d, w)]), wrt=1)(handed, w),
                 numerical_grad(lambda w: _taken(make(), w), (w,)))
    assert handed == make()


def _popped_squared(s, w):
    first = s.pop()
    return first * w ** 2 + s.pop() * np.cos(w) + len(s) * np.sin(w)


@pytest.mark.parametrize("make", [lambda: {2.0, 3.5, 0.5}, lambda: collections.deque([1.5, 2.0, 0.5], maxlen=3),
                                  lambda: [1.5, 2.0, 0.5]], ids=["set", "deque", "list"])
def test_an_argument_popped_from_gets_its_item_back_in_its_own_way_in_every_mode(make):
    # the reverse sweep put a set's item back with append: an AttributeError from generated code;
    # hessian and hvp refused a set or a deque (the second derivative saw an append to an argument)
    w = _RNG.uniform(0.5, 1.5)
    handed = make()
    first = numerical_grad(lambda w: _popped_squared(make(), w), (w,))
    second = _numerical_second(lambda w: _popped_squared(make(), w), w)
    assert_close(astgrad.grad(_popped_squared, wrt=1)(handed, w), first)
    value, slope = astgrad.value_and_grad(_popped_squared, wrt=1)(handed, w)
    assert_close(value, _popped_squared(make(), w)) and assert_close(slope, first)
    cotangent = _RNG.standard_normal()
    ints = type(handed)(int(v) for v in handed)      # vjp holds ints constant (floats: refused)
    out, pullback = astgrad.vjp(_popped_squared, ints, w)
    ints_first = numerical_grad(lambda w: _popped_squared(type(ints)(ints), w), (w,))
    assert_close(out, _popped_squared(type(ints)(ints), w))
    assert_close(pullback(cotangent)[1], cotangent * ints_first)
    assert_close(pullback(cotangent)[1], cotangent * ints_first)      # called again: the same
    assert ints == type(ints)(int(v) for v in make())
    # (jvp pops from a list argument as f does; a set or deque is given a fresh copy)
    given, still = (make(), [0.0] * len(handed)) if isinstance(handed, list) else (handed, None)
    assert_close(astgrad.jvp(_popped_squared, (given, w), (still, 0.5))[1], 0.5 * first)
    assert_close(astgrad.hessian(_popped_squared, wrt=1)(handed, w), second, rtol=1e-5, atol=1e-5)
    assert_close(astgrad.hvp(_popped_squared, wrt=1)(handed, w, 0.5), 0.5 * second, rtol=1e-5, atol=1e-5)
    assert_close(astgrad.grad(astgrad.grad(_popped_squared, wrt=1), wrt=1)(handed, w), second,
                 rtol=1e-5, atol=1e-5)
    assert handed == make() and type(handed) is type(make())        # the caller's is left as it was


def _first_of_held(p, w):
    d = p["d"][0]
    return d.popleft() * w ** 3 + len(d) * w + p["a"][0] * w


def test_collections_inside_a_list_or_dict_of_an_argument_are_copied_for_each_run():
    w = _RNG.uniform(0.5, 1.5)

    def make():
        return {"d": [collections.deque([2.0, 5.0])], "a": array.array("d", [0.5])}
    handed = make()
    assert_close(astgrad.hessian(_first_of_held, wrt=1)(handed, w),
                 _numerical_second(lambda w: _first_of_held(make(), w), w), rtol=1e-5, atol=1e-5)
    assert handed["d"][0] == collections.deque([2.0, 5.0])
    assert_close(astgrad.hvp(_one_element_read, wrt=1)({2.0}, w, 1.0),
                 _numerical_second(lambda w: _reads({2.0}, w), w), rtol=1e-5, atol=1e-5)


def test_transforms_running_f_once_take_an_iterator_as_a_constant():
    w = 2.0
    assert astgrad.grad(_total_squared, wrt=1)(iter([1.0, 2.0]), w) == 3.0 * 2 * w
    assert astgrad.jvp(_total_squared, (iter([1.0, 2.0]), w), (None, 1.0)) == (3.0 * w ** 2, 3.0 * 2 * w)
    assert astgrad.hvp(_total_squared, wrt=1)(iter([1.0, 2.0]), w, 1.0) == 6.0


def _one_element(p, w):
    return np.array([sum(p)]) * w ** 2


@pytest.mark.parametrize("transform, expected", [
    (lambda p: astgrad.grad(_one_element, wrt=1)(p, 2.0), 3.0 * 2 * 2.0),
    (lambda p: astgrad.value_and_grad(_one_element, wrt=1)(p, 2.0), (np.array([3.0 * 2.0 ** 2]), 3.0 * 2 * 2.0)),
], ids=["grad", "value_and_grad"])
def test_an_iterator_with_a_one_element_output_is_read_once(transform, expected):
    # grad takes a one-element output as the number it holds in its one run of f
    assert_close(transform(iter([1.0, 2.0])), expected)
    assert_close(transform([1.0, 2.0]), expected)
    assert_close(numerical_grad(lambda w: _one_element([1.0, 2.0], w)[0], (2.0,)), 3.0 * 2 * 2.0)


def test_an_iterator_with_a_one_element_output_is_refused_by_hvp():
    # hvp's product is run again with a seed of the output's shape: that run would find the
    # iterator used up (0.0 with no error)
    transform = lambda p: astgrad.hvp(_one_element, wrt=1)(p, 2.0, 1.0)      # noqa: E731
    with pytest.raises(TypeError, match=r"runs the function more than once \(again, with a seed .* \.item\(\)"):
        transform(iter([1.0, 2.0]))
    assert_close(transform([1.0, 2.0]), 3.0 * 2)


# -- vjp and jvp give primals by position: a keyword-only parameter is reached by a lambda ---

def _keyword_only(x, *, k):
    return np.sum(x * k)


@pytest.mark.parametrize("call", [
    lambda x: astgrad.vjp(_keyword_only, x, 2.0), lambda x: astgrad.vjp(_keyword_only, x),
    lambda x: astgrad.jvp(_keyword_only, (x, 2.0), (x, 1.0)), lambda x: astgrad.jvp(_keyword_only, (x,), (x,)),
], ids=["vjp_extra", "vjp_missing", "jvp_extra", "jvp_missing"])
def test_a_keyword_only_parameter_for_vjp_and_jvp_says_how_to_reach_it(call):
    with pytest.raises(TypeError, match=r"_keyword_only\(\) .*; (vjp|jvp) gives _keyword_only its primals by "
                                        r"position, and k is keyword-only: .*lambda x, k: _keyword_only\(x, k=k\)"):
        call(np.ones(2))


def test_the_advised_lambda_gives_the_derivative_of_the_keyword_only_parameter():
    x, k = _RNG.standard_normal(3), 0.7
    _, pullback = astgrad.vjp(lambda x, k: _keyword_only(x, k=k), x, k)
    assert_close(pullback(1.0), numerical_grad(lambda x, k: _keyword_only(x, k=k), (x, k), wrt=(0, 1)))


# -- wrt for a function gathering its arguments: errors in the user's names ------------------

def _gathering(x, *rest, **options):
    return x * sum(rest) * options.get("scale", 1.0)


@pytest.mark.parametrize("wrt, message", [
    ("rest", r"wrt='rest' names _gathering's \*rest, .* by its position in the call \(wrt=0, wrt=1"),
    ("options", r"wrt='options' names _gathering's \*\*options, .* by its keyword \('scale'\)"),
    ("offset", r"no parameter named 'offset', and this call passes no keyword 'offset'; .* \['x'\], a keyword "
               r"the call passes \['scale'\]"),
])
def test_wrt_naming_what_args_or_kwargs_gathers_is_answered_in_the_users_names(wrt, message):
    with pytest.raises(ValueError, match=message):
        astgrad.grad(_gathering, wrt=wrt)(2.0, 3.0, 4.0, scale=0.5)
    assert astgrad.grad(_gathering, wrt=(1, "scale"))(2.0, 3.0, 4.0, scale=0.5) == (1.0, 14.0)


def test_a_wrt_path_to_a_list_item_says_to_take_the_item_of_the_gradient():
    with pytest.raises(ValueError, match=r"wrt='p\[0\]': .* an item of a list, a tuple or an array .* take the item "
                                         r"of its gradient"):
        astgrad.grad(lambda p: p[0] * p[1], wrt="p[0]")
    assert astgrad.grad(lambda p: p[0] * p[1])([2.0, 3.0])[0] == 3.0


class _Measured(float):
    """A float of the user's own (it may carry attributes)."""


@pytest.mark.parametrize("call", [
    lambda x: astgrad.grad(lambda v: v * v)(x), lambda x: astgrad.vjp(lambda v: v * v, x),
    lambda x: astgrad.hessian(lambda v: v * v)(x), lambda x: astgrad.jvp(lambda v: v * v, (x,), (1.0,)),
], ids=["grad", "vjp", "hessian", "jvp"])
def test_a_float_subclass_is_refused_saying_to_pass_a_float(call):
    with pytest.raises(TypeError, match=r"is a _Measured, a subclass of float of your own; .* Pass float\("):
        call(_Measured(2.0))
    assert call(2.0) is not None


@pytest.mark.parametrize("call", [
    lambda: astgrad.grad(astgrad.grad), lambda: astgrad.vjp(astgrad.jvp, 1.0),
    lambda: astgrad.hessian(astgrad.hvp), lambda: astgrad.grad(astgrad.differentiable),
], ids=["grad", "vjp", "hessian", "differentiable"])
def test_a_transform_given_as_the_function_to_differentiate_says_what_to_pass(call):
    # it was differentiated as astgrad's own code (a refusal naming astgrad's file), or taken
    with pytest.raises(TypeError, match=r"astgrad\.\w+ was given as the function to differentiate; .*"
                                        r"astgrad\.grad\(astgrad\.grad\(f\)\)"):
        call()


def _keyed_pop(d, w):
    return d.pop("a") * w ** 2 + d["b"] * w


def _keyed_pop_rewritten(d, w):         # the advice of the refusal below
    v = d["a"]
    d = {k: u for k, u in d.items() if k != "a"}
    return v * w ** 2 + d["b"] * w


def test_a_pop_by_key_from_a_dict_argument_advises_a_new_dict_which_is_followed():
    # the advice spoke of a list, slicing with the key: list(d[:"a"]) + d["a" + 1:]
    with pytest.raises(astgrad.TransformError, match=r"build the rest as a new dict instead, .*\(v = d\[\"a\"\]; "
                                                     r"d = \{k: u for k, u in d\.items\(\) if k != \"a\"\}\)"):
        astgrad.grad(_keyed_pop, wrt=1)({"a": 2.0, "b": 5.0}, 0.8)
    w = _RNG.uniform(0.5, 1.5)
    make = lambda: {"a": 2.0, "b": 5.0}       # noqa: E731
    assert_close(astgrad.grad(_keyed_pop_rewritten, wrt=1)(make(), w),
                 numerical_grad(lambda w: _keyed_pop(make(), w), (w,)))
    assert_close(astgrad.hessian(_keyed_pop_rewritten, wrt=1)(make(), w),
                 _numerical_second(lambda w: _keyed_pop(make(), w), w), rtol=1e-5, atol=1e-5)


def _popped_from_a_list(xs, w):
    return xs.pop() * w + len(xs) * w ** 2


def test_forward_mode_gives_each_run_its_own_copy_of_a_list_argument():
    # each forward column popped from the caller's list: a jacobian of [[3, 0], [0, 2]] for
    # [[3, 0], [0, 3]] (the second column saw a shorter list), and jvp emptied the caller's list
    w = np.array([0.7, 1.3])
    handed = [1.5, 2.0, 3.0]
    h = 1e-6
    fresh = lambda w: _popped_from_a_list([1.5, 2.0, 3.0], w)      # noqa: E731
    truth = np.stack([(fresh(w + h * e) - fresh(w - h * e)) / (2 * h) for e in np.eye(2)], axis=-1)
    for mode in ("forward", "reverse"):
        assert_close(astgrad.jacobian(_popped_from_a_list, wrt=1, mode=mode)(handed, w), truth)
        assert handed == [1.5, 2.0, 3.0]
    out, tangent = astgrad.jvp(_popped_from_a_list, (handed, w), ([0.0, 0.0, 0.0], np.ones(2)))
    assert_close(out, _popped_from_a_list([1.5, 2.0, 3.0], w))
    assert_close(tangent, truth @ np.ones(2))
    assert handed == [1.5, 2.0, 3.0]
