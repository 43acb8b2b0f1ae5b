"""Methods of the user's classes named like a list's or dict's (``pop``, ``update``,
``append``), on an object given as an argument or made by a classmethod factory, taken as
a value or called: astgrad decides by the object's class, not by the method's name, so
they are followed (checked against central differences in grad and jvp), while the same
code on a list or dict is refused as before.

- ``cell.pop(w)`` on an argument waited for the argument's class only where the line's
  text read ``cell.pop(``: written over two lines it was refused as a write into a list;
- ``ops = [acc.update]`` on an argument, and ``fs = (obj.append, obj.pop)`` on an object
  ``Acc.create(v)`` returns, were refused by the method's name (the class was not known
  where the method was taken)."""

import numpy as np
import pytest

import astgrad
from fd import assert_close


class Acc:
    def __init__(self, v):
        self.v = v
        self.total = 0.5

    @classmethod
    def create(cls, v):
        return cls(v)

    def pop(self, w):               # named like a list's, changes nothing
        return self.v * w

    def update(self, w):            # named like a dict's, stores on the object
        self.total = np.sin(self.v * w)
        return self.total

    def append(self, w):            # named like a list's, stores on the object
        self.total = self.total + self.v * w * w


def pops_over_lines(w, acc):
    v = (acc
         .pop(w))
    return v * w


def holds_update(w, acc):
    ops = [acc.update]
    ops[0](w)
    return acc.total * w


def holds_a_made_objects_methods(w):
    obj = Acc.create(1.5)
    fs = (obj.append, obj.pop)
    fs[0](w)
    return fs[1](w) * obj.total


def _central(f, w, *rest, h=1e-6):
    # (each evaluation on an object of its own: the methods store on it)
    return (f(w + h, *[Acc(a.v) for a in rest]) - f(w - h, *[Acc(a.v) for a in rest])) / (2 * h)


@pytest.mark.parametrize("f, rest", [(pops_over_lines, (Acc(1.5),)), (holds_update, (Acc(-0.8),)),
                                     (holds_a_made_objects_methods, ())],
                         ids=["pop over two lines", "update held", "factory object's methods held"])
def test_a_users_method_named_like_a_containers_is_followed(f, rest):
    # refused before: the first as a write into a list, the others naming the method taken
    want = _central(f, 0.7, *rest)
    assert_close(astgrad.grad(f)(0.7, *[Acc(a.v) for a in rest]), want)
    value, tangent = astgrad.jvp(f, (0.7, *[Acc(a.v) for a in rest]), (1.0, *[None for _ in rest]))
    assert_close(value, f(0.7, *[Acc(a.v) for a in rest]), 1e-12, 1e-12)
    assert_close(tangent, want)


def pops_a_list_over_lines(w, xs):
    v = (xs
         .pop(0))
    return v * w + xs[0]


def holds_a_lists_append(w, xs):
    ops = [xs.append]
    ops[0](w)
    return xs[-1] * w


def holds_a_dicts_update(w, d):
    ops = [d.update]
    ops[0]({"a": w})
    return d["a"] * w


@pytest.mark.parametrize("f, given, says", [
    (pops_a_list_over_lines, [1.0, 2.0], r"pop from 'xs' while another name may share"),
    (holds_a_lists_append, [1.0], r"the method xs\.append taken as a value \(held in a list\)"),
    (holds_a_dicts_update, {"a": 1.0}, r"the method d\.update taken as a value \(held in a list\)")],
    ids=["list pop", "list append held", "dict update held"])
def test_the_same_code_on_a_list_or_dict_is_still_refused(f, given, says):
    with pytest.raises(astgrad.TransformError, match=says):
        astgrad.grad(f)(0.5, given)
    assert given in ([1.0, 2.0], [1.0], {"a": 1.0})     # the caller's value as it was
