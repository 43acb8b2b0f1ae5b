"""The twenty-fourth acceptance hunt: what it found, as permanent tests. What an operator
or unary minus on an object gives (``V(x) ** 2.0``, ``d["a"] - 2.0``, ``-V(x)``) may be
another object of the class: an operator on it (``d[0] // 1.0``) was taken for an
operator on a number, whose floor division has a zero derivative (the gradient was 0
where Python's is 1.8, with no error); so were an object of a known class read back
from a dict display (``d = {0: t}``), what ``abs``, a comparison method and ``append``
put in a container, ``update`` and ``setdefault`` too. And an object of a class defining operators
stored as an item of a list or dict (``d["a"] = V(x)``) stopped reverse mode at the store,
named as an operator the class defines: its derivative passes whole now."""

import numpy as np
import pytest

from breadth_modes import check

X3 = np.array([0.3, 0.7, 1.1])


class V:
    def __init__(self, v):
        self.v = v

    def __pow__(self, k):
        return V(self.v ** k)

    def __sub__(self, k):
        return V(self.v - k)

    def __neg__(self):
        return V(-2.0 * self.v)

    def __mul__(self, o):
        return V(self.v * (o.v if isinstance(o, V) else o))

    def __floordiv__(self, k):
        return V(3.0 * self.v)          # not a floor: the class's own code

    def __mod__(self, k):
        return V(5.0 * self.v)

    def __truediv__(self, k):
        return V(self.v / k)

    def __abs__(self):
        return V(4.0 * self.v)

    def __lt__(self, o):
        return V(self.v - o.v)          # a soft comparison giving an object


class W(V):
    def __rmul__(self, o):               # Python runs it first for V * W
        return W(5.0 * self.v * (o.v if isinstance(o, V) else o))


def items_of(x):
    return {"a": V(x[0]), "b": W(x[1])}


def power_stored(x):
    d = {}
    d[0] = V(x[0]) ** 2.0
    return (d[0] // 1.0).v * x[1]        # the gradient in x[0] was 0 for Python's 1.26


def power_stored_in_a_loop(x):
    d = {}
    for i in range(3):
        d[i] = V(x[i]) ** 2.0
    return d[0].v * d[1].v + (d[2] // 1.0).v


def difference_stored(x):
    d = {}
    d[0] = V(x[0]) - 2.0
    return (d[0] // 1.0).v * x[2]


def negation_stored(x):
    d = {}
    d[0] = -V(x[0])
    return (d[0] % 1.0).v + x[1] * (d[0] // 1.0).v


def power_of_a_helpers_item(x):
    d = items_of(x)
    t = d["a"] ** 2.0
    return (t // 1.0).v * x[2]


def negation_of_a_helpers_item(x):
    d = items_of(x)
    t = -d["a"]
    return (t // 1.0).v


def objects_stored_in_a_list(x):
    pair = [None, None]
    pair[0] = V(x[0])
    pair[1] = W(x[1])
    return (pair[0] * pair[1]).v * x[2]          # W.__rmul__ runs


def object_stored_unused(x):
    d = {}
    d["a"] = V(x[0])
    d["b"] = W(x[1] * 2.0)                       # stored, never operated on
    return d["a"].v * x[2]


def named_object_in_a_dict_display(x):
    t = V(x[0])
    d = {0: t}
    return (d[0] // 1.0).v * x[1]        # the gradient in x[0] was 0 for Python's 2.1


def absolute_value_stored(x):
    d = {}
    d[0] = abs(V(x[0]))
    return (d[0] // 1.0).v


def comparison_stored(x):
    d = {}
    d[0] = V(x[0]) < V(x[1])
    return (d[0] // 1.0).v


def power_appended(x):
    pairs = []
    pairs.append(V(x[0]) ** 2.0)
    return (pairs[0] % 1.0).v * x[2]


def quotient_in_a_dict_display(x):
    t = V(x[0])
    d = {"a": t / 2.0}
    return (d["a"] // 1.0).v              # was 0 for Python's 1.5


def object_put_by_update(x):
    t = V(x[0])
    d = {}
    d.update({"a": t})
    return (d["a"] // 1.0).v * x[1]


def object_put_by_setdefault(x):
    t = V(x[0])
    d = {}
    d.setdefault("a", t)
    return (d["a"] % 1.0).v


def object_put_by_a_dict_keyword(x):
    t = V(x[0])
    d = dict(a=t)                       # the gradient was 0 where Python's is 3.0 (no error)
    return (d["a"] // 1.0).v * x[1]


PROGRAMS = [quotient_in_a_dict_display, object_put_by_update, object_put_by_setdefault, object_put_by_a_dict_keyword,
            named_object_in_a_dict_display, absolute_value_stored, comparison_stored, power_appended,
            power_stored, power_stored_in_a_loop, difference_stored, negation_stored,
            power_of_a_helpers_item, negation_of_a_helpers_item, objects_stored_in_a_list,
            object_stored_unused]


@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_an_operator_on_what_an_objects_operator_gave(f, mode):
    check(mode, f, (X3,), (0,))


def test_the_floor_division_of_the_class_is_followed_not_a_number_s():
    import astgrad
    assert np.isclose(astgrad.grad(power_stored)(X3)[0], 6.0 * X3[0] * X3[1])     # 1.26, not 0
