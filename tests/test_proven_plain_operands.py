"""Operators in a function that can meet objects of a class defining operators: an operand
is dispatched to the method Python runs unless astgrad proves it a number, an array or a
container of them (proven_plain.py). Each program here reaches an object by a route the
engine once did not follow, so its operator was taken for a number's (``d["s"] // 2.0``
of a V gave the zero derivative of a floor division, with no error): a copy of a dict,
``update`` with keywords, an append through an alias or a row of a nested list, a chain
of helpers handing a dict back, a helper filling a list, a helper given the dict, an attribute of an object built
in the code, an argument holding objects of a class defining operators but no comparison
(in a dict, a list, a dict attribute read by ``get``). Against central finite differences in
grad, jvp and hessian."""

import copy
import functools

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from test_hunt24_programs import V, X3


class Scaled:
    """Operators only (no comparison), written by the user."""
    def __init__(self, v):
        self.v = v

    def __mul__(self, k):
        return Scaled(self.v * k)

    def __floordiv__(self, k):
        return Scaled(3.0 * self.v)         # not a floor: the class's own code


def copied_dict(x):
    d = {"s": V(x[0])}
    e = copy.copy(d)
    return (e["s"] // 2.0).v * x[1]


def updated_by_keyword(x):
    d = {}
    d.update(s=V(x[0]))
    return (d["s"] // 2.0).v * x[1]


def appended_through_an_alias(x):
    xs = []
    ys = xs
    ys.append(V(x[0]))
    return (xs[0] // 2.0).v * x[1]


def appended_to_a_row(x):
    m = [[]]
    row = m[0]
    row.append(V(x[0]))
    return (m[0][0] // 2.0).v * x[1]


def handed_back(d):
    return d


def item_of_what_is_handed_back(d):
    return handed_back(d)["s"]


def through_a_chain_of_helpers(x):
    d = {"s": V(x[0])}
    return (item_of_what_is_handed_back(d) // 2.0).v * x[1]


def fill(xs, v):
    xs.append(v)


def filled_by_a_helper(x):
    xs = []
    fill(xs, V(x[0]))
    return (xs[0] // 2.0).v * x[1]


def halve(d):
    return (d["s"] // 2.0).v


def handed_to_a_helper(x):
    d = {"s": V(x[0])}
    return halve(d) * x[1]          # halve is made knowing d may hold such objects


def first_of_the_values(x):
    d = {"s": V(x[0])}
    return (list(d.values())[0] // 2.0).v * x[1]


def through_reduce(x):
    d = functools.reduce(lambda acc, k: acc, [1, 2], {"s": V(x[0])})
    return (d["s"] % 1.0).v * x[2]


def sorted_by_a_key(x):
    vs = sorted([V(x[0]), V(x[1])], key=lambda o: o.v)
    return (vs[0] // 1.0).v * x[2]


def comprehension_of_items(x):
    d = {"a": V(x[0])}
    vs = [d[k] for k in d]
    return (vs[0] // 2.0).v * x[1]


def numbers_beside_objects(x):
    q, r = divmod(7.0, 2.0)                 # proven numbers: their operators stay as written
    k = len(x) * 2.0 + np.sum(x) * q
    w = np.tanh((V(x[0]) // 1.0).v)
    return w * k + r


class Box:
    def __init__(self, a, b):
        self.a = a
        self.b = b


def held_by_a_built_object(x):
    d = {"s": V(x[0])}
    p = Box(d["s"], x[1])
    return (p.a // 2.0).v * p.b


class Holder:
    def __init__(self, v):
        self.d = {"a": Scaled(v)}


def got_from_an_arguments_dict(x, holder):
    return ((holder.d.get("a") * x[0]) // 2.0).v * x[1]


def held_in_a_dict_argument(x, d):
    return ((d["s"] * x[0]) // 2.0).v * x[1]


def held_in_a_list_argument(x, items):
    return ((items[0] * x[0]) // 2.0).v


PROGRAMS = [copied_dict, updated_by_keyword, appended_through_an_alias, appended_to_a_row, through_a_chain_of_helpers,
            filled_by_a_helper, held_by_a_built_object, handed_to_a_helper, first_of_the_values, through_reduce, sorted_by_a_key,
            comprehension_of_items, numbers_beside_objects]


@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_an_operand_not_proven_plain_finds_its_method(f, mode):
    check(mode, f, (X3,), (0,))


@pytest.mark.parametrize("f, held", [(held_in_a_dict_argument, {"s": Scaled(1.5)}),
                                     (held_in_a_list_argument, [Scaled(1.5), 2.0]),
                                     (got_from_an_arguments_dict, Holder(1.5))], ids=["dict", "list", "attribute"])
@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_an_argument_holding_objects_of_a_class_defining_operators(f, held, mode):
    check(mode, f, (X3, held), (0,))        # the gradient in x[0] was 0 for Python's 4.5


def test_the_floor_division_of_the_class_is_followed_through_a_copy():
    assert np.isclose(astgrad.grad(copied_dict)(X3)[0], 3.0 * X3[1])       # was 0, with no error


def test_operators_on_proven_numbers_keep_their_form():
    # what len, divmod and NumPy give are numbers; V(x[0]) // 1.0 runs the method of a class the code knows
    assert "object_operator" not in astgrad.grad(numbers_beside_objects).source_for(X3)


def test_a_route_astgrad_cannot_follow_is_refused_at_its_line_and_the_next_call_works():
    def made_from_keys(x):
        d = dict.fromkeys(["s"], V(x[0]))
        return (d["s"] // 2.0).v * x[1]
    with pytest.raises(astgrad.TransformError, match=r"test_proven_plain_operands\.py:\d+: .*dict\.fromkeys"):
        astgrad.grad(made_from_keys)(X3)
    check("grad", copied_dict, (X3,), (0,))


class Soft:
    """A comparison giving a number (a soft step), written by the user."""
    def __init__(self, v):
        self.v = v

    def __lt__(self, o):
        return 3.0 * self.v - o


class Calc:
    def halve(self, d):
        return (d["s"] // 2.0).v

    def step(self, d):
        return d["s"] < 0.5


def handed_to_a_method(x):
    d = {"s": V(x[0])}
    return Calc().halve(d) * x[1]       # halve is made knowing d may hold such objects


def compared_in_a_method(x):
    d = {"s": Soft(x[0])}
    return Calc().step(d) * x[1]        # step is made knowing d may hold such objects


def attribute_of_an_operator_result(x):
    return np.tanh((V(x[0]) // 1.0).v) * x[1]       # V's // of numbers: its attribute is plain


@pytest.mark.parametrize("f", [handed_to_a_method, compared_in_a_method, attribute_of_an_operator_result],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_a_method_given_objects_finds_their_methods(f, mode):
    check(mode, f, (X3,), (0,))         # the gradient in x[0] was 0 for the first two


def test_an_attribute_of_an_operator_result_of_numbers_keeps_its_operators():
    assert "object_operator" not in astgrad.grad(attribute_of_an_operator_result).source_for(X3)


class Ufunc:
    """NumPy runs its __array_ufunc__ for np.multiply(u, 2.0)."""
    def __init__(self, v):
        self.v = v

    def __mul__(self, k):
        return Ufunc(self.v * k)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return Ufunc(5.0 * self.v)


def array_of_objects(x):
    arr = np.array([V(x[0]), V(x[1])], dtype=object)
    return (arr[0] // 2.0).v * x[2]


def ufunc_of_an_object(x):
    d = {"s": Ufunc(x[0])}
    return np.multiply(d["s"], 2.0).v * x[1]


@pytest.mark.parametrize("f, says", [(array_of_objects, r"dtype=object"), (ufunc_of_an_object, r"on an object of a "
                                                                           r"class that defines them")],
                         ids=["array of objects", "ufunc"])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_numpy_given_objects_is_refused_at_the_line_and_the_next_call_works(f, says, mode):
    # NumPy gives back objects there (an array of them, what __array_ufunc__ builds):
    # their operators were taken for a number's (a zero derivative, with no error)
    run = (lambda: astgrad.grad(f)(X3)) if mode == "grad" else (lambda: astgrad.jvp(f, (X3,), (np.ones(3),)))
    with pytest.raises(TypeError, match=r"test_proven_plain_operands\.py:\d+: .*" + says):
        run()
    check(mode, handed_to_a_method, (X3,), (0,))


class Pair:
    """Methods made for their receiver's layout, built in the code with an object in x."""
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, o):
        return Pair(self.x // 2.0, self.y + o.y)

    def halved(self):
        return (self.x // 2.0).v * self.y

    def scaled(self, o):
        return (self.x * o.y).v


def receiver_built_with_an_item(x):
    d = {"s": V(x[0])}
    return Pair(d["s"], x[1]).halved()


def named_receiver_built_with_an_item(x):
    d = {"s": V(x[0])}
    p = Pair(d["s"], x[1])
    return p.scaled(p) * x[2]


def operator_of_a_receiver_built_with_an_item(x):
    d = {"s": V(x[0])}
    r = Pair(d["s"], x[1]) + Pair(V(x[1]), x[2])
    return r.x.v * r.y


@pytest.mark.parametrize("f", [receiver_built_with_an_item, named_receiver_built_with_an_item,
                               operator_of_a_receiver_built_with_an_item], ids=lambda f: f.__name__)
@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_a_receiver_built_with_an_object_finds_its_methods(f, mode):
    check(mode, f, (X3,), (0,))         # self.x // 2.0 was a number's floor division: a zero derivative
