"""An adversary's hunt on the caches kept between calls: the walk of what a function
reaches (reach_probes.py), the branches of nested ifs made once (branch_memo.py), and
what vjp's pullback keeps of the arrays f read (read_places.Reads.keep_contents).

The pullback runs f's derivative when it is called, reading the names f read then. An
array reached under a place (in a tuple, a nested list, a dict too long to have its
items put back, an object's attributes, an array of objects, an array of a structured
dtype, a list a bound method's object or a closure's dict holds) written into or
rebound between vjp and the pullback gave the gradient at
another point with no error; each is now refused, while what is put back (a global,
an item of a short dict, an attribute read) still is."""

import types

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

rng = np.random.default_rng(5353)


def _weights():
    return np.array([1.0, 2.0, 3.0])


IN_TUPLE = (_weights(),)
IN_NESTED_LIST = [[_weights()]]
IN_LONG_DICT = {f"k{i}": _weights() for i in range(40)}
OF_OBJECTS = np.array([1.0, 2.0, 3.0], dtype=object)
STRUCTURED = np.zeros(3, dtype=[("w", "f8")])
STRUCTURED["w"] = [1.0, 2.0, 3.0]
DEEP = types.SimpleNamespace(inner=types.SimpleNamespace(w=_weights()))


class Config:
    pass


IN_LIST_OF_OBJECTS = [Config()]
IN_LIST_OF_OBJECTS[0].w = _weights()
SHORT_DICT = {"w": _weights()}


def in_tuple(x):
    return np.sum(np.sin(x) * IN_TUPLE[0])


def in_nested_list(x):
    return np.sum(np.sin(x) * IN_NESTED_LIST[0][0])


def in_long_dict(x):
    return np.sum(np.sin(x) * IN_LONG_DICT["k39"])


def of_objects(x):
    return np.sum(np.sin(x) * np.asarray(OF_OBJECTS, dtype=float))


def structured(x):
    return np.sum(np.sin(x) * STRUCTURED["w"])


def deep(x):
    return np.sum(np.sin(x) * DEEP.inner.w)


def in_list_of_objects(x):
    return np.sum(np.sin(x) * IN_LIST_OF_OBJECTS[0].w)


def short_dict(x):
    return np.sum(np.sin(x) * SHORT_DICT["w"])


class Model:
    def __init__(self):
        self.layers = [_weights()]

    def loss(self, x):
        return np.sum(np.sin(x) * self.layers[0])


MODEL = Model()


def _with_table():
    table = {"w": [_weights()]}

    def in_a_closure_table(x):
        return np.sum(np.sin(x) * table["w"][0])
    return in_a_closure_table, table


IN_A_CLOSURE_TABLE, CLOSURE_TABLE = _with_table()


CHANGED = {     # f, the change between vjp and the pullback, what the message says
    "array in a tuple written into": (in_tuple, lambda: IN_TUPLE[0].__imul__(2.0), "global IN_TUPLE .* written into"),
    "array in a nested list written into": (in_nested_list, lambda: IN_NESTED_LIST[0][0].__imul__(2.0),
                                            r"IN_NESTED_LIST\[0\] .* written into"),
    "array in a long dict written into": (in_long_dict, lambda: IN_LONG_DICT["k39"].__imul__(2.0),
                                          "global IN_LONG_DICT .* written into"),
    "array in a long dict rebound": (in_long_dict, lambda: IN_LONG_DICT.__setitem__("k39", _weights() * 2),
                                     "global IN_LONG_DICT .* had an object under it rebound"),
    "array of objects, an element rebound": (of_objects, lambda: OF_OBJECTS.__setitem__(0, 9.0),
                                             "global OF_OBJECTS .* had an object under it rebound"),
    "structured array written into": (structured, lambda: STRUCTURED.__setitem__("w", [9.0, 2.0, 3.0]),
                                      "global STRUCTURED .* written into"),
    "array two attributes down written into": (deep, lambda: DEEP.inner.w.__imul__(2.0),
                                               r"DEEP.inner .* written into"),
    "array two attributes down rebound": (deep, lambda: setattr(DEEP.inner, "w", _weights() * 2),
                                          r"DEEP.inner .* had an object under it rebound"),
    "array of an object in a list written into": (in_list_of_objects, lambda: IN_LIST_OF_OBJECTS[0].w.__imul__(2.0),
                                                  r"IN_LIST_OF_OBJECTS\[0\] .* written into"),
    "array in a list a method's object holds written into": (MODEL.loss, lambda: MODEL.layers[0].__imul__(2.0),
                                                             "the attribute layers of Model's object .* written into"),
    "array in a closure's dict of lists written into": (IN_A_CLOSURE_TABLE, lambda: CLOSURE_TABLE["w"][0].__imul__(2.0),
                                                        "the closure variable table of .* written into"),
}


def _reset():
    global IN_TUPLE, OF_OBJECTS
    IN_TUPLE = (_weights(),)
    IN_NESTED_LIST[0][0] = _weights()
    IN_LONG_DICT["k39"] = _weights()
    OF_OBJECTS = np.array([1.0, 2.0, 3.0], dtype=object)
    STRUCTURED["w"] = [1.0, 2.0, 3.0]
    DEEP.inner.w = _weights()
    IN_LIST_OF_OBJECTS[0].w = _weights()
    SHORT_DICT["w"] = _weights()
    MODEL.layers[0] = _weights()
    CLOSURE_TABLE["w"][0] = _weights()


@pytest.mark.parametrize("case", list(CHANGED))
def test_the_pullback_refuses_an_array_under_a_place_changed_since_vjp(case):
    f, change, message = CHANGED[case]
    _reset()
    x = rng.normal(size=3)
    try:
        out, pullback = astgrad.vjp(f, x)
        change()
        with pytest.raises(ValueError, match=message + " after vjp was called.*call vjp again after the change"):
            pullback(1.0)
        _reset()
        out, pullback = astgrad.vjp(f, x)       # the next vjp works, at the point it is called at
        assert_close(pullback(1.0)[0], numerical_grad(f, (x,)))
        assert_close(out, f(x))
    finally:
        _reset()


PUT_BACK = {    # rebound between vjp and the pullback: the pullback reads what vjp found
    "an item of a short dict": (short_dict, lambda: SHORT_DICT.__setitem__("w", _weights() * 5)),
    "an object of a short list": (in_list_of_objects, lambda: IN_LIST_OF_OBJECTS.__setitem__(0, Config())),
    "the attribute a path starts with": (deep, lambda: setattr(DEEP, "inner", None)),
}


@pytest.mark.parametrize("case", list(PUT_BACK))
def test_the_pullback_puts_back_a_place_rebound_since_vjp(case):
    f, change = PUT_BACK[case]
    _reset()
    saved = (IN_LIST_OF_OBJECTS[0], DEEP.inner)
    x = rng.normal(size=3)
    try:
        expected = numerical_grad(f, (x,))
        out, pullback = astgrad.vjp(f, x)
        change()
        assert_close(pullback(1.0)[0], expected)
    finally:
        IN_LIST_OF_OBJECTS[0], DEEP.inner = saved
        _reset()


class Counter:
    def __init__(self):
        self.n = 0


COUNTER = Counter()


def _next_count(self):
    self.n += 1
    return float(self.n)


def steps_if_iterator(x):
    k = next(COUNTER) if hasattr(COUNTER, "__next__") else 1.0
    return np.sum(x ** 3) * k


def test_a_class_made_an_iterator_after_the_walk_is_refused():
    """hessian checks, with the walk it keeps, that f reads no iterator (it runs f once
    per column). ``__next__`` set on the class of an object the walk found makes the
    object one: the kept walk gave a Hessian from a counter advanced at every run
    (columns 2, 4, 6 times the true ones) with no error."""
    x = rng.normal(size=3)
    COUNTER.n = 0
    assert_close(astgrad.hessian(steps_if_iterator)(x), np.diag(6.0 * x))      # the walk kept
    Counter.__next__ = _next_count
    try:
        with pytest.raises(astgrad.TransformError, match=r"test_hunt_caches.py:\d+: .*reads the iterator COUNTER"):
            astgrad.hessian(steps_if_iterator)(x)
        assert COUNTER.n == 0       # refused before anything ran
    finally:
        del Counter.__next__
    assert_close(astgrad.hessian(steps_if_iterator)(x), np.diag(6.0 * x))      # the walk done again


# Nested ifs whose branches branch_memo.py makes once and saves.py plans: each checked
# against central differences in reverse, forward and second order.


def continue_and_break_in_nested_ifs_in_a_loop(v):
    a, b, c = v[0], v[1], v[2]
    s = a
    for i in range(4):
        if s > 0.3:
            if b > 0:
                s = s * 0.5 + b
                continue
            s = s - c
        else:
            if c > 0:
                s = s + a * c
                break
            s = s * 1.5
    return s


def returns_in_nested_ifs(v):
    a, b, c = v[0], v[1], v[2]
    if a > 0:
        if b > 0:
            return a * b * c
        y = a + b
    else:
        if b > 0:
            return a * a
        y = c * c
    return y * a


def try_inside_an_if(v):
    a, b, c = v[0], v[1], v[2]
    y = a * b
    if a > 0:
        try:
            if b > 0:
                y = y * c
            else:
                y = y + c * c
        finally:
            y = y * a
    return y


def while_true_with_continue_in_a_nested_if(v):
    a, b, c = v[0], v[1], v[2]
    s = 0.0
    i = 0
    while True:
        if i >= 3:
            break
        if v[i] > 0:
            if a > 0:
                s = s + v[i] * a
            else:
                i = i + 1
                continue
        s = s * b
        i = i + 1
    return s + c


def a_parameter_rebound_in_both_branches(v):
    a, b, c = v[0], v[1], v[2]
    if a > 0:
        if b > 0:
            a = a * b
        c = c * a
    else:
        if b > 0:
            a = a * b
        c = c * a
    return a * c


def a_name_deleted_in_a_loop_after_an_if(v):
    a, b, c = v[0], v[1], v[2]
    out = a
    for i in range(3):
        tmp = v[i] * out
        if tmp > 0:
            out = tmp
        del tmp
    return out * b


def while_with_continue_and_break_after_nested_ifs(v):
    a, b, c = v[0], v[1], v[2]
    h = a
    i = 0
    while i < 3:
        if v[i] > 0:
            h = h * v[i]
            i = i + 1
            continue
        if h > 0:
            h = h + c
            break
        h = h * b
        i = i + 1
    return h


def a_name_assigned_in_one_branch_read_after_the_if(v):
    a, b, c = v[0], v[1], v[2]
    p = a
    for i in range(3):
        if i == 1:
            if b > 0:
                p = p * b
                q = p
            else:
                q = c
            p = p + q * q
        else:
            p = p * 0.7
    return p


NESTED = [continue_and_break_in_nested_ifs_in_a_loop, returns_in_nested_ifs, try_inside_an_if,
          while_true_with_continue_in_a_nested_if, a_parameter_rebound_in_both_branches,
          a_name_deleted_in_a_loop_after_an_if, while_with_continue_and_break_after_nested_ifs,
          a_name_assigned_in_one_branch_read_after_the_if]


@pytest.mark.parametrize("f", NESTED, ids=lambda f: f.__name__)
def test_nested_ifs_match_finite_differences(f):
    for _ in range(3):      # points taking different branches
        v, t = rng.normal(size=3) * 1.3, rng.normal(size=3)
        assert_close(astgrad.grad(f)(v), numerical_grad(f, (v,)))
        assert_close(astgrad.jvp(f, (v,), (t,))[1], numerical_jvp(f, (v,), (t,)))
        fd_gradient = lambda w: numerical_grad(f, (w,), eps=1e-4)      # noqa: E731
        assert_close(astgrad.hessian(f)(v), numerical_hessian(fd_gradient, (v,), eps=1e-4), rtol=1e-4, atol=1e-4)


CALLS = 0


def sine(x):
    return np.sin(x)


def counting_sine(x):
    global CALLS
    CALLS += 1
    return np.sin(x) * CALLS


HELPER = sine


def via_helper(x):
    return HELPER(x)


def summed_via_helper(x):
    return np.sum(via_helper(x))


TRANSFORMS = {      # run after the walk was kept, and the helper rebound: (run, derivative)
    "jacobian": (lambda x: astgrad.jacobian(via_helper)(x), lambda x: np.diag(np.cos(x))),
    "hvp": (lambda x: astgrad.hvp(summed_via_helper)(x, np.ones(3)), lambda x: -np.sin(x)),
    "hessian": (lambda x: astgrad.hessian(summed_via_helper)(x), lambda x: np.diag(-np.sin(x))),
}


@pytest.mark.parametrize("transform", list(TRANSFORMS))
def test_a_helper_rebound_after_the_walk_has_its_global_put_back(transform):
    """The global rebound (deleted, then bound again) to a helper with ``global CALLS;
    CALLS += 1``: each run starts from CALLS as the first found it, and the transform
    leaves CALLS as one call of f does."""
    global CALLS, HELPER
    run, derivative = TRANSFORMS[transform]
    x = rng.normal(size=3)
    run(x)                  # the walk kept, reaching sine
    del HELPER
    HELPER = counting_sine
    try:
        CALLS = 0
        assert_close(run(x), derivative(x))
        assert CALLS == 1
    finally:
        HELPER, CALLS = sine, 0
