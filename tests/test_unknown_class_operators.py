"""Operators and comparisons on objects whose class astgrad may not know where the code
compares them. Where the objects are arguments (each, a list of them, a dataclass
holding them, given through ``wrt=``) or a helper's parameters, the class is known when
the code is made, and the methods are followed, against central finite differences in
grad, jvp and second order. Where it is not (objects a helper kept as a call returns,
items of a dict, a list mixing objects and numbers), a comparison whose method gives a
number, or an arithmetic operator, finds the method Python ran when the code runs (it
was read as a constant, a zero derivative, with no error, or failed inside astgrad)."""

import dataclasses
import operator

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from fd import assert_close, numerical_grad


class Soft:
    """Comparisons giving numbers that carry a derivative."""
    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        return np.tanh(other.v - self.v)

    def __eq__(self, other):
        return (self.v - other.v) ** 2

    def __add__(self, other):
        return Soft(self.v + other.v)

    def __rmul__(self, k):
        return Soft(k * self.v)

    def __sub__(self, other):
        return (self.v - other.v) ** 2


@dataclasses.dataclass(eq=False)
class Pt:
    v: float

    def __lt__(self, other):
        return np.tanh(other.v - self.v)

    def __add__(self, other):
        return Pt(self.v * other.v)


@dataclasses.dataclass
class Pair:
    a: Pt
    b: Pt


class Rank:
    """A comparison giving a bool, as most do: read as Python reads it."""
    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        return bool(self.v < other.v)


def less(a, b):
    return a < b


def close(a, b):
    return a == b


def combine(p, q):
    return (p + 2.0 * q).v


def helper_compares(a, t):
    return less(Soft(a * t), Soft(np.sin(a))) + close(Soft(a), Soft(t)) * a


def helper_operates(a, t):
    return combine(Soft(a), Soft(t * t)) * less(Soft(t), Soft(a))


def made(x):
    return [Soft(x), Soft(3.0)]


def ranked(x):
    return [Rank(x), Rank(3.0)]


def from_a_helper(x, t):
    a, b = made(x * t)
    return a < b


def equal_items(x, t):
    s = made(x)
    return s[0] == s[1]


def passed_on(x, t):
    s = made(x)
    return less(s[0], s[1]) * t


def operator_on_items(x, t):
    s = made(x)
    return s[0] - s[1]


def ranked_branch(x, t):
    s = ranked(x)
    if s[0] < s[1]:
        return x * x * t
    return np.sin(x)


def numbers_from_a_helper(x, t):
    y = np.sin(helper_operates(x, t))
    return y * t if y > 0.2 else y * x


def in_a_comprehension(x, t):
    s = made(x) + made(t)
    return sum([a < b for a, b in zip(s, s[1:])])


def operator_function(x, t):
    s = made(x)
    return operator.lt(s[0], s[1])


def operator_function_followed(a, t):
    return operator.lt(Pt(a), Pt(t * a)) + a * operator.ge(a, 0.5)


class Scored:
    def __init__(self, x):
        self.points = {"p": Pt(x), "q": Pt(2.0)}

    def score(self, t):
        return (self.points["p"] < self.points["q"]) * t


def dict_items(d):
    return d["p"] < d["q"]


def dict_to_a_helper(d):
    return less(d["p"], d["q"])


def mixed_items(objs):
    return objs[0] < objs[1]


def in_a_lambda(x, t):
    order = lambda a, b: a < b      # noqa: E731
    s = made(x)
    return order(s[0], s[1]) * t


@dataclasses.dataclass
class Named:
    points: dict


def held_in_a_dict(n):
    return n.points["p"] < n.points["q"]


def pair_order(p):
    return (p.a < p.b) * (p.a + p.b).v


def list_order(objs):
    return (objs[0] < objs[1]) + (objs[1] + objs[0]).v


def argument_order(a, b):
    return a < b


def item_bound_first(objs):
    first = objs[0]
    return (first < objs[1]) * first.v


def unpacked(objs):
    a, *rest = objs
    return a < rest[0]


def held_in_an_item(ns):
    n = ns[0]
    return n.points["p"] < n.points["q"]


# the helper's parameters were not followed: less() and close() were read as constants
FOLLOWED = [helper_compares, helper_operates, ranked_branch, numbers_from_a_helper, operator_function_followed]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", FOLLOWED, ids=[f.__name__ for f in FOLLOWED])
def test_objects_a_helper_is_given_are_followed(f, mode):
    check(mode, f, (0.7, 1.3), (0, 1))


def _pair(x, w):
    return Pair(Pt(x), Pt(w))


ARGUMENTS = [(pair_order, _pair, lambda p: (p.a.v, p.b.v)),
             (list_order, lambda x, w: [Pt(x), Pt(w)], lambda objs: (objs[0].v, objs[1].v)),
             (item_bound_first, lambda x, w: [Pt(x), Pt(w)], lambda objs: (objs[0].v, objs[1].v)),
             (argument_order, lambda x, w: (Pt(x), Pt(w)), lambda g: (g[0].v, g[1].v))]


@pytest.mark.parametrize("f, build, parts", ARGUMENTS, ids=[f.__name__ for f, _, _ in ARGUMENTS])
def test_objects_given_as_arguments_are_followed(f, build, parts):
    # they were read as constants: a derivative of zero
    x, w = 0.7, 1.3
    plain = lambda x, w: f(*_args(build(x, w)))     # noqa: E731
    expected = [numerical_grad(plain, (x, w), wrt=i) for i in (0, 1)]
    wrt = tuple(range(len(_args(build(x, w)))))
    got = astgrad.grad(f, wrt=wrt[0] if len(wrt) == 1 else wrt)(*_args(build(x, w)))
    assert_close(parts(got), expected)
    tangent = astgrad.jvp(f, _args(build(x, w)), _args(build(1.0, 0.5)))[1]
    assert_close(tangent, expected[0] + 0.5 * expected[1])
    if f is pair_order:         # second order: the jvp of the gradient
        second = astgrad.jvp(astgrad.grad(f), (build(x, w),), (build(1.0, 0.0),))[1]
        first = lambda x: astgrad.grad(f)(build(x, w)).a.v        # noqa: E731
        assert_close(second.a.v, numerical_grad(first, (x,)), 1e-4, 1e-5)


def _args(built):
    return built if isinstance(built, tuple) else (built,)


class Plain:
    """No comparison of its own: Python runs the other operand's reflected method."""
    def __init__(self, v):
        self.v = v


class Near:
    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        return np.tanh(other.v - self.v)

    def __gt__(self, other):
        return np.tanh(self.v - other.v) ** 3

    def __eq__(self, other):
        return (self.v - other.v) ** 2


class Nearer(Near):
    """A subclass, whose reflected method (inherited) Python tries first."""


class Picky:
    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        if not isinstance(other, Picky):
            return NotImplemented       # gives way to the other operand's __gt__
        return np.sin(other.v * self.v)


def kinds(x, t):
    return [Plain(x), Near(t), Nearer(x * t), Picky(t), Picky(x)]


def reflected_compare(x, t):
    s = kinds(x, t)
    return (s[0] < s[1]) + (s[0] == s[1]) * t      # Near.__gt__ and Near.__eq__, reflected


def subclass_first(x, t):
    s = kinds(x, t)
    return s[1] < s[2]                  # Nearer's __gt__ (Near's), not Near.__lt__


def comparison_gives_way(x, t):
    s = kinds(x, t)
    return (s[3] < s[1]) * (s[3] < s[4])      # Near.__gt__, then Picky.__lt__


def identity_branch(x, t):
    s = kinds(x, t)
    if s[0] == s[0] and s[0] != s[3]:         # no __eq__: Python's identity, a branch choice
        return (s[2] > s[1]) * x
    return np.sin(x)


def bool_weight(x, t):
    r = ranked(x * t)                   # bools, used as numbers: no derivative through them
    return (r[0] < r[1]) * x * t + (r[0] == r[0]) * r[0].v + (r[1] > r[0]) * np.sin(r[0].v)


# each was read as a constant: a zero derivative, with no error, or refused when it ran
COMPARED = [from_a_helper, equal_items, passed_on, in_a_lambda, operator_function,
            reflected_compare, subclass_first, comparison_gives_way, identity_branch, bool_weight]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", COMPARED, ids=[f.__name__ for f in COMPARED])
def test_a_comparison_of_objects_of_an_unknown_class_is_followed_when_it_runs(f, mode):
    check(mode, f, (0.7, 1.3), (0, 1))


HELD = [(dict_items, lambda x, w: {"p": Pt(x), "q": Pt(w)}, lambda g: (g["p"].v, g["q"].v)),
        (dict_to_a_helper, lambda x, w: {"p": Pt(x), "q": Pt(w)}, lambda g: (g["p"].v, g["q"].v)),
        (mixed_items, lambda x, w: [Pt(x), Pt(w), 2.0], lambda g: (g[0].v, g[1].v)),
        (unpacked, lambda x, w: [Pt(x), Pt(w)], lambda g: (g[0].v, g[1].v)),
        (held_in_a_dict, lambda x, w: Named({"p": Pt(x), "q": Pt(w)}), lambda g: (g.points["p"].v, g.points["q"].v)),
        (held_in_an_item, lambda x, w: [Named({"p": Pt(x), "q": Pt(w)})],
         lambda g: (g[0].points["p"].v, g[0].points["q"].v))]


@pytest.mark.parametrize("f, build, parts", HELD, ids=[f.__name__ for f, _, _ in HELD])
def test_a_comparison_of_objects_held_in_an_argument_is_followed(f, build, parts):
    x, w = 0.7, 1.3
    expected = [numerical_grad(lambda x, w: f(build(x, w)), (x, w), wrt=i) for i in (0, 1)]
    assert_close(parts(astgrad.grad(f)(build(x, w))), expected)
    assert_close(astgrad.jvp(f, (build(x, w),), (build(1.0, 0.5),))[1], expected[0] + 0.5 * expected[1])


def test_a_comparison_in_a_method_is_followed_when_it_runs():
    scored = Scored(0.7)
    got = astgrad.grad(scored.score, wrt="self.points")(1.3)
    step = 1e-6
    nudged = [Scored(0.7 + sign * step).score(1.3) for sign in (1, -1)]
    assert_close(got["p"].v, (nudged[0] - nudged[1]) / (2 * step))


def first_of(x):
    return made(x)[0]


def compared_calls(x, t):
    return first_of(x) < first_of(t)        # what a call gives: checked to be a bool when it runs


def compared_bound_calls(x, t):
    a = first_of(x)
    b = first_of(t)
    return a < b                        # bound to names: followed when it runs


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_a_comparison_of_what_calls_give_bound_to_names_is_followed(mode):
    check(mode, compared_bound_calls, (0.7, 1.3), (0, 1))


def test_a_comparison_of_what_calls_give_still_stops_when_it_runs():
    message = r"test_unknown_class_operators\.py:\d+: < runs Soft\.__lt__, whose class astgrad did not know .* " \
        r"call the method through its class \(Soft\.__lt__\(a, b\)\)"
    with pytest.raises(TypeError, match=message):
        astgrad.grad(compared_calls)(0.7, 1.3)
    with pytest.raises(TypeError, match=message):
        astgrad.jvp(compared_calls, (0.7, 1.3), (1.0, 0.0))
    check("grad", from_a_helper, (0.7, 1.3), (0, 1))      # the next call works


class Vec:
    """Arithmetic with code of its own, for objects whose class is known only when the code runs."""
    def __init__(self, a):
        self.a = a

    def __add__(self, other):
        return Vec(self.a + 2.0 * other.a)

    def __sub__(self, other):
        return Vec(self.a * other.a - other.a)

    def __mul__(self, k):
        if not isinstance(k, float):
            return NotImplemented       # gives way to the other operand's __rmul__
        return Vec(self.a * k)

    def __rmul__(self, k):
        return Vec(np.sin(self.a) * k)

    def __truediv__(self, k):
        return Vec(self.a / (k * k))

    def __matmul__(self, other):
        return np.dot(self.a, other.a) * 3.0

    def __neg__(self):
        return Vec(self.a * self.a)

    def __abs__(self):
        return np.sqrt(self.a * self.a + 1.0)

    def __float__(self):
        return float(np.sum(np.cos(self.a)))


class Scaled(Vec):
    """A subclass with a reflected method of its own, which Python runs first."""
    def __radd__(self, other):
        return Vec(other.a * self.a)

    def __rmul__(self, k):
        return Vec(self.a * k * k)


class Weight:
    """Takes a Vec from the right, where the Vec's __mul__ gives way."""
    def __init__(self, w):
        self.w = w

    def __rmul__(self, v):
        return Vec(v.a * np.cos(self.w))


def make_vec(a):
    return Vec(a)


def on_items(x, t):
    d = {"p": Vec(x), "q": Vec(np.tanh(t))}
    return np.sum((d["p"] + d["q"]).a) + np.sum((d["q"] - d["p"]).a)


def reflected_number(x, t):
    d = {"p": Vec(x * t)}
    return np.sum((2.0 * d["p"]).a + (d["p"] / t).a)


def gives_way(x, t):
    d = {"p": Vec(x), "q": Weight(t)}
    return np.sum((d["p"] * d["q"]).a) + np.sum((d["p"] * 2.0).a * t)     # the second: Vec.__mul__ itself


def subclass_first(x, t):
    d = {"p": Vec(x), "s": Scaled(t)}
    return np.sum((d["p"] + d["s"]).a) + np.sum((3.0 * d["s"]).a)


def unary(x, t):
    d = {"p": Vec(x * t)}
    return np.sum((-d["p"]).a) + np.sum(abs(d["p"])) + float(d["p"]) * float(d["p"])


def from_a_helper_kept(x, t):
    v = make_vec(x) + make_vec(t)
    return np.sum(v.a) * t


def mixed_list(x, t):
    objs = [Vec(x), t, Vec(np.exp(t))]
    return np.sum((objs[0] - objs[2]).a) + objs[0] @ objs[2] + np.sum((objs[1] * objs[2]).a)


def unpacked_both(x, t):
    p, q = Vec(x), Vec(t)       # neither class is known where the code adds them (test_class_operators.py refused it)
    return np.sum((p + q).a)


class Number:
    """Converts itself, and defines no operator."""
    def __init__(self, v):
        self.v = v

    def __float__(self):
        return float(np.sum(self.v ** 2))


def float_of_unpacked(x, t):
    n, k = Number(x * t), 2.0       # n's class is not known where float(n) is generated (it was refused as it ran)
    return np.sum(x) * float(n) * k


class Poly:
    """**, % and // with code of their own (// of two objects is a product here)."""
    def __init__(self, a):
        self.a = a

    def __pow__(self, k):
        return Poly(self.a ** k)

    def __rpow__(self, k):
        return Poly(k ** np.sin(self.a))

    def __mod__(self, m):
        return Poly(np.tanh(self.a) * m)

    def __floordiv__(self, other):
        return Poly(self.a * other.a * 0.5)

    def __rfloordiv__(self, k):
        return Poly(self.a / k)


def powers(x, t):
    d = {"p": Poly(x), "q": Poly(t)}
    return np.sum((d["p"] ** 3.0).a) + np.sum((2.0 ** d["q"]).a) + np.sum((d["p"] % t).a) \
        + np.sum((d["p"] // d["q"]).a) + np.sum((3.0 // d["q"]).a)


def powers_of_numbers_too(x, t):
    objs = [Poly(x), t]     # objs[1] is a number: the ordinary rules of **, % and //
    return np.sum((objs[0] ** 2.0).a) + objs[1] ** 3.0 + np.sum(x % 1.0) * objs[1] + (objs[1] // 0.5) * t


def beside_known(x, t):
    d = {"p": Vec(x)}
    w = Vec(np.tanh(t))
    return np.sum((d["p"] + Vec(t)).a) + np.sum((w - d["p"]).a) + np.sum((2.0 * w + d["p"]).a)


def gives_way_beside_known(x, t):
    d = {"k": t, "w": Weight(x)}
    w = Vec(np.tanh(t))
    return np.sum((w * d["k"]).a) + np.sum((w * d["w"]).a)     # Vec.__mul__ may give way to Weight.__rmul__


@dataclasses.dataclass
class Holder:
    v: Vec


def held_beside_unknown(x, t):
    h = Holder(Vec(x))
    d = {"q": Vec(t)}
    return np.sum((h.v + d["q"]).a) + np.sum((Vec(t) - d["q"]).a)     # Vec's own methods, d["q"] checked


def unpacked_beside_known(x, t):
    p, q = Vec(x), t        # p's class is not known where + is generated (it was refused)
    return np.sum((p + Vec(q)).a)


ARRAY_ARGS = (np.array([0.3, -0.8, 1.1]), np.array([0.5, 0.9, -0.4]))
DISPATCHED = [(operator_on_items, (0.7, 1.3)), (on_items, ARRAY_ARGS), (reflected_number, ARRAY_ARGS),
              (gives_way, ARRAY_ARGS), (subclass_first, ARRAY_ARGS), (unary, ARRAY_ARGS),
              (from_a_helper_kept, (0.7, 1.3)), (mixed_list, (0.7, 1.3)), (unpacked_both, ARRAY_ARGS),
              (float_of_unpacked, ARRAY_ARGS), (powers, ARRAY_ARGS), (powers_of_numbers_too, (ARRAY_ARGS[0], 1.3)),
              (beside_known, ARRAY_ARGS), (gives_way_beside_known, (0.7, 1.3)), (unpacked_beside_known, (0.7, 1.3)),
              (held_beside_unknown, (0.7, 1.3))]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f, args", DISPATCHED, ids=[f.__name__ for f, _ in DISPATCHED])
def test_an_operator_on_objects_of_a_class_known_when_the_code_runs_is_followed(f, args, mode):
    # it stopped (TypeError: astgrad differentiates arithmetic operators ... not on an object of the class Soft);
    # its second order was refused at the line
    check(mode, f, args, (0, 1))


@pytest.mark.parametrize("f", [from_a_helper_kept, mixed_list, gives_way], ids=lambda f: f.__name__)
def test_the_gradient_of_the_gradient_through_such_an_operator_is_followed(f):
    # reverse over reverse: the method's generated derivative is differentiated again, seed included
    args = (0.7, 1.3) if f is not gives_way else ARRAY_ARGS
    first = lambda x, t: np.sum(astgrad.grad(f, wrt=0)(x, t))     # noqa: E731
    assert_close(astgrad.grad(first, wrt=1)(*args), numerical_grad(first, args, wrt=1), 1e-4, 1e-5)


def test_a_third_derivative_or_a_derivative_of_a_jvp_through_such_an_operator_is_refused_at_the_line():
    line = r"test_unknown_class_operators\.py:\d+: this line cannot be differentiated twice: .* an operator on a " \
        r"value whose class astgrad did not know .* call the method through its class \(Vec\.__add__\(v, w\)\)"
    tangent = lambda x, t: astgrad.jvp(from_a_helper_kept, (x, t), (1.0, 0.0))[1]      # noqa: E731
    with pytest.raises(astgrad.TransformError, match=line):
        astgrad.grad(tangent)(0.7, 1.3)
    with pytest.raises(astgrad.TransformError, match=line + r", or differentiate twice at most"):
        astgrad.grad(astgrad.grad(astgrad.grad(from_a_helper_kept)))(0.7, 1.3)
    check("hessian", from_a_helper_kept, (0.7, 1.3), (0, 1))       # the next call works


class Layer:
    """A callable object computing an array."""
    def __init__(self, w):
        self.w = w

    def __call__(self, x):
        return np.tanh(self.w * x)


def act(x):
    return np.tanh(0.5 * x)


def called_argument(layer, x, t):
    v = make_vec(t)
    return np.sum(layer(x) * x) + np.sum(v.a) * t


@pytest.mark.parametrize("layer", [Layer(0.5), act], ids=["callable_object", "function"])
def test_what_a_callable_passed_in_computes_keeps_its_operators(layer):
    # layer(x) * x was dispatched when the code ran, and its second order refused: the code is made for
    # the callable given, whose code builds no object of a class defining operators
    # (np.sum(v.a) * t finds its method when the code runs: v.a may hold a Vec, whose np.sum is that Vec)
    grad = astgrad.grad(called_argument, wrt=(1, 2))
    source = grad.for_functions({"layer": layer}).source_for(layer, 0.7, 1.3)
    assert "(layer_fn, x)\n    t_2 = t_1 * x\n" in source or "t_1 = layer_fn(x)\n    t_2 = t_1 * x\n" in source \
        or "t_1 = value_act(x)\n    t_2 = t_1 * x\n" in source       # a function: its value code
    plain = lambda x, t: called_argument(layer, x, t)       # noqa: E731
    expected = [numerical_grad(plain, (0.7, 1.3), wrt=i) for i in (0, 1)]
    assert_close(grad(layer, 0.7, 1.3), expected)
    assert_close(astgrad.jvp(called_argument, (layer, 0.7, 1.3), (None, 1.0, 0.5))[1], expected[0] + 0.5 * expected[1])
    first = lambda x: astgrad.grad(called_argument, wrt=1)(layer, x, 1.3)       # noqa: E731
    assert_close(astgrad.hessian(called_argument, wrt=1)(layer, 0.7, 1.3), numerical_grad(first, (0.7,)), 1e-4, 1e-5)


def subclass_on_the_right(x, t):
    d = {"s": Scaled(t), "v": Vec(t)}
    w = Vec(np.tanh(x))
    return np.sum((w + d["v"]).a) + np.sum((w + d["s"]).a)      # runs Scaled.__radd__, not Vec.__add__


def test_a_subclass_on_the_right_of_an_object_of_a_known_class_stops_when_it_runs():
    # Vec.__add__ was followed where Python runs Scaled.__radd__: a wrong gradient with no error
    for transform in (astgrad.grad, astgrad.hessian):
        with pytest.raises(TypeError, match=r"astgrad: .*test_unknown_class_operators\.py:\d+: \+ of a Vec and a "
                           r"Scaled runs Scaled\.__radd__, a subclass's reflected method, which Python runs first; "
                           r".* or call the method you mean by its name \(b\.__radd__\(a\)\)"):
            transform(subclass_on_the_right)(0.7, 1.3)
    check("grad", beside_known, ARRAY_ARGS, (0, 1))      # the next call works


def test_an_arrays_operator_on_such_an_object_stops_when_its_derivative_runs():
    # ndarray * Vec runs the array's operator on the object (an array of objects), not Vec's
    from astgrad.object_operators import operator_adjoint
    with pytest.raises(TypeError, match=r"astgrad: f\.py:9: \* of a ndarray and a Vec runs the operator of the "
                                        r"ndarray on an object of your class"):
        operator_adjoint(1.0, "*", np.ones(3), Vec(np.ones(3)), "f.py:9", 1)


def test_plain_numpy_code_keeps_its_operators():
    assert "operator_adjoint" not in astgrad.grad(branch_on_a_helper).source_for(0.7, 1.3)


def smooth(v):
    return np.tanh(v) * 2.0


def branch_on_a_helper(x, t):
    y = smooth(x * t)
    return y * t if y > 0.2 else y * x


def test_numbers_a_helper_computes_are_compared_as_they_are():
    # each return of smooth() computes a number: the comparison is Python's own in the generated code
    check("grad", branch_on_a_helper, (0.7, 1.3), (0, 1))
    assert "operator_adjoint" not in astgrad.grad(branch_on_a_helper).source_for(0.7, 1.3)
    assert "operator_adjoint(d_compared, '<'" in astgrad.grad(from_a_helper).source_for(0.7, 1.3)


def test_a_comparison_no_derivative_flows_through_runs_as_python_runs_it():
    # the objects compared depend on no differentiated input: their comparison is a constant
    scored = Scored(0.7)
    assert astgrad.grad(scored.score)(1.3) == pytest.approx(np.tanh(1.3))
    assert astgrad.jvp(scored.score, (1.3,), (1.0,))[1] == pytest.approx(np.tanh(1.3))
    assert astgrad.grad(lambda t: from_a_helper(0.7, 1.0) * t)(1.3) == pytest.approx(np.tanh(3.0 - 0.7))


def weighted_by_a_comparison(x, t):
    a, b = made(t)
    return (a < b) * x


def test_a_second_derivative_through_such_a_comparison_is_followed():
    first = astgrad.grad(weighted_by_a_comparison, wrt=0)
    assert first(0.7, 1.3) == pytest.approx(np.tanh(3.0 - 1.3))     # t is held constant: it runs
    expected = numerical_grad(first, (0.7, 1.3), wrt=1)
    assert_close(astgrad.jvp(first, (0.7, 1.3), (0.0, 1.0))[1], expected, 1e-4, 1e-5)   # forward over reverse
    assert_close(astgrad.grad(first, wrt=1)(0.7, 1.3), expected, 1e-4, 1e-5)            # reverse over reverse


def test_a_third_derivative_through_such_a_comparison_is_refused_at_the_line():
    line = r"test_unknown_class_operators\.py:\d+: this line cannot be differentiated twice: .* an operator on a " \
        r"value whose class astgrad did not know"
    tangent = lambda x, t: astgrad.jvp(weighted_by_a_comparison, (x, t), (0.0, 1.0))[1]      # noqa: E731
    with pytest.raises(astgrad.TransformError, match=line):
        astgrad.grad(tangent, wrt=1)(0.7, 1.3)
    with pytest.raises(astgrad.TransformError, match=line + r".*, or differentiate twice at most"):
        astgrad.grad(astgrad.grad(astgrad.grad(weighted_by_a_comparison, wrt=1), wrt=1))(0.7, 1.3)
    check("hessian", weighted_by_a_comparison, (0.7, 1.3), (0, 1))       # the next call works


def lists_bound_first(x, t):
    xs = list(made(x))
    ys = list(made(t))
    s = xs + ys
    return sum([a < b for a, b in zip(s, s[1:])])


def test_lists_joined_where_their_kind_is_known_only_when_the_code_runs_stop_at_the_users_line():
    # the derivative of + on numbers and arrays failed inside astgrad's own object_operators.py
    for transform in (astgrad.grad(in_a_comprehension, wrt=(0, 1)),
                      lambda x, t: astgrad.jvp(in_a_comprehension, (x, t), (1.0, 0.0))):
        with pytest.raises(TypeError, match=r"astgrad: \S*test_unknown_class_operators\.py:\d+: \+ of a list and a "
                                            r"list joins or repeats them.*xs = list\(make\(x\)\)"):
            transform(0.7, 1.3)
    check("grad", lists_bound_first, (0.7, 1.3), (0, 1))     # what the message advises is followed
