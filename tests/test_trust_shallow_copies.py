"""A helper's (or a method's) shallow copy shares the items of what it copies: ``m.copy()``,
``copy.copy(m)``, ``{k: v.copy() for k, v in m.items()}`` of lists or dicts make new
containers holding the very arrays ``m`` holds, so an in-place write into an item read out
of the copy changes ``m`` too. Such a write is followed as Python does it or refused at the
line when the code is generated, never a wrong value; a copy whose own items are new, or a
write that replaces an item of the copy, is followed in every mode.

A pop from a list a local dict or list holds (``v = d[k].pop()``) shortens the very list
the container holds, which later reads of ``d[k]`` see: followed in every mode, or refused
with a clear message, never an internal error."""

import copy
import inspect

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp

A = 0.8
X = np.array([0.3, -0.7, 0.5])


class Holder:
    def __init__(self, x):
        self.m = {"b": [x]}

    def copied(self):
        return {k: v.copy() for k, v in self.m.items()}


def copies_of_values(m):
    return {k: v.copy() for k, v in m.items()}


def copies_of_rows(xss):
    return [r.copy() for r in xss]


def copies_of_nested_rows(m):
    return {k: [r.copy() for r in v] for k, v in m.items()}


def passed_on(m):
    return copies_of_values(m)


def shallow(xs):
    return xs.copy()


def shallow_by_module(xs):
    return copy.copy(xs)


# each writes into an array that the original container holds too, then reads the original
def method_copy_on_self(x):
    r = Holder(x * A)
    c = r.copied()
    v = c["b"][0]
    v *= A  # written
    return np.sum(r.m["b"][0] * x)


def helper_copy_of_values(x):
    m = {"b": [x * A]}
    c = copies_of_values(m)
    v = c["b"][0]
    v *= A  # written
    return np.sum(m["b"][0] * x)


def helper_copy_of_rows(x):
    m = [[x * A]]
    c = copies_of_rows(m)
    v = c[0][0]
    v *= A  # written
    return np.sum(m[0][0] * x)


def nested_helpers(x):
    m = {"b": [x * A]}
    v = passed_on(m)["b"][0]
    v *= A  # written
    return np.sum(m["b"][0] * x)


def copies_two_deep(x):
    m = {"b": [[x * A]]}
    c = copies_of_nested_rows(m)
    v = c["b"][0][0]
    v *= A  # written
    return np.sum(m["b"][0][0] * x)


def element_written(x):
    m = {"b": [x * A]}
    c = copies_of_values(m)
    v = c["b"][0]
    v[0] = A * v[1]  # written
    return np.sum(m["b"][0] * x)


def added_in_place(x):
    r = Holder(x * A)
    c = r.copied()
    v = c["b"][0]
    v += x  # written
    return np.sum(r.m["b"][0] * x)


def shared_list_appended(x):
    m = {"b": [x * A]}
    c = shallow(m)
    c["b"].append(x * A)  # written
    return np.sum(m["b"][-1] * x) + len(m["b"])


def shared_item_of_module_copy(x):
    m = {"b": [x * A]}
    c = shallow_by_module(m)
    c["b"][0] *= A  # written
    return np.sum(m["b"][0] * x)


REFUSED = [method_copy_on_self, helper_copy_of_values, helper_copy_of_rows, nested_helpers,
           copies_two_deep, element_written, added_in_place, shared_list_appended,
           shared_item_of_module_copy]


def item_of_copy_scaled(m):
    c = m.copy()
    c[0] *= A
    return c


def items_of_copies_scaled(m):
    c = {k: v.copy() for k, v in m.items()}
    v = c["b"][0]
    v *= A
    return c


def item_of_copy_scaled_at_depth(m, n):
    if n == 0:
        c = m.copy()
        c[0] *= A
        return c
    return item_of_copy_scaled_at_depth(m, n - 1)


def recursive_helper_writing_into_its_copy(x):
    m = [x * A]
    item_of_copy_scaled_at_depth(m, 2)  # written
    return np.sum(m[0] * x)


def helper_writing_into_its_copy(x):
    m = [x * A]
    item_of_copy_scaled(m)  # written
    return np.sum(m[0] * x)


def helper_writing_into_its_copies(x):
    m = {"b": [x * A]}
    items_of_copies_scaled(m)  # written
    return np.sum(m["b"][0] * x)


# a helper writing into an item of its own copy of a list or dict it is given writes into the argument's item
REFUSED += [helper_writing_into_its_copy, helper_writing_into_its_copies, recursive_helper_writing_into_its_copy]


def copy_of_a_dict_argument(d):
    c = d.copy()
    v = c["a"]
    v *= A  # written
    return np.sum(d["a"] * d["b"])


def helper_copy_of_a_dict_argument(d):
    c = shallow(d)
    v = c["a"]
    v *= A  # written
    return np.sum(d["a"] * d["b"])


@pytest.mark.parametrize("f", [copy_of_a_dict_argument, helper_copy_of_a_dict_argument],
                         ids=lambda f: f.__name__)
def test_write_into_an_item_of_a_copy_of_a_dict_argument_is_refused(f):
    d = {"a": X[:2].copy(), "b": X[1:].copy()}
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(f)(d)
    assert f"{__file__}:{_line_written(f)}:" in str(info.value), str(info.value)
    assert_close(d["a"], X[:2])         # the caller's dict is left as it was


# the copy's own list is new (appending to it, replacing its item), or the items are new arrays
def copy_appended(x):
    m = {"b": [x * A]}
    c = copies_of_values(m)
    c["b"].append(x)
    return np.sum(m["b"][-1] * x) + len(m["b"])


def copy_item_replaced(x):
    m = {"b": [x * A]}
    c = copies_of_values(m)
    c["b"][0] = c["b"][0] * A
    return np.sum(m["b"][0] * x + c["b"][0])


def copy_read_only(x):
    m = {"b": [x * A]}
    c = copies_of_values(m)
    v = c["b"][0] * A
    return np.sum(v * x + m["b"][0])


def array_copied_by_helper(x):
    y = shallow(x * 1.0)
    y *= A
    return np.sum(y * x)


def array_copy_written_by_helper(x):
    y = item_of_copy_scaled(x * 1.0)
    return np.sum(y * x)


def row_of_array_copy(x):
    y = shallow(x * 1.0)
    row = y[0:2]
    row *= A
    return np.sum(y * x)


def stacked_copy(x):
    m = [x * A, x]
    c = np.array(m)
    v = c[0]
    v *= A
    return np.sum(m[0] * x + c[0])


FOLLOWED = [copy_appended, copy_item_replaced, copy_read_only, array_copied_by_helper,
            array_copy_written_by_helper, row_of_array_copy, stacked_copy]


def _line_written(f):
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if "# written" in line)


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
def test_write_into_an_item_shared_through_a_copy_is_refused_at_its_line(f):
    where = f"{__file__}:{_line_written(f)}:"
    for make in (lambda: astgrad.grad(f), lambda: astgrad.jvp(f, (X.copy(),), (np.ones(3),))):
        with pytest.raises(astgrad.TransformError) as info:
            make()
        assert where in str(info.value), str(info.value)
        # the advice: write into a copy, or store a new value (a refusal of an item write)
        assert "copy" in str(info.value) or "store a new value instead" in str(info.value), str(info.value)
    # nothing is left half-done: a program that is followed still is
    assert_close(astgrad.grad(copy_read_only)(X.copy()), numerical_grad(copy_read_only, (X.copy(),)))


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_copies_whose_writes_stay_apart_are_followed(f):
    value, gradient = astgrad.value_and_grad(f)(X.copy())
    assert_close(value, f(X.copy()), rtol=1e-12, atol=1e-12)
    assert_close(gradient, numerical_grad(f, (X.copy(),)))
    t = np.array([0.2, 0.5, -0.4])
    _, tangent = astgrad.jvp(f, (X.copy(),), (t,))
    assert_close(tangent, numerical_jvp(f, (X.copy(),), (t,)))
    hessian = astgrad.hessian(f)(X.copy())
    numeric = np.array([numerical_grad(lambda y: astgrad.grad(f)(y)[k], (X.copy(),), eps=1e-5)
                        for k in range(3)])
    assert_close(hessian, numeric, rtol=1e-4, atol=1e-5)


def popped_from_a_dict_item(x):
    d = {"b": [x, x * A, x * x]}
    v = d["b"].pop()
    return np.sum(v * x) + np.sum(d["b"][1]) + len(d["b"])


def popped_from_a_row(x):
    m = [[x, x * A, x * x]]
    v = m[0].pop()
    return np.sum(v * x) + np.sum(m[0][1])


def popped_in_a_loop(x):
    d = {"b": [x, x * A, x * x]}
    s = 0.0
    for _ in range(2):
        s = s + np.sum(d["b"].pop() * x)
    return s + np.sum(d["b"][0])


def popped_from_a_tuple_item(x):
    t = ([x, x * A, x * x],)
    v = t[0].pop()
    return np.sum(v * x) + np.sum(t[0][1])


@pytest.mark.parametrize("f", [popped_from_a_dict_item, popped_from_a_row, popped_in_a_loop],
                         ids=lambda v: getattr(v, "__name__", ""))
def test_a_pop_from_a_list_a_container_holds_is_followed(f):
    value, gradient = astgrad.value_and_grad(f)(X.copy())
    assert_close(value, f(X.copy()), rtol=1e-12, atol=1e-12)
    assert_close(gradient, numerical_grad(f, (X.copy(),)))
    t = np.array([0.2, 0.5, -0.4])
    assert_close(astgrad.jvp(f, (X.copy(),), (t,))[1], numerical_jvp(f, (X.copy(),), (t,)))
    numeric = np.array([numerical_grad(lambda y: astgrad.grad(f)(y)[k], (X.copy(),), eps=1e-5)
                        for k in range(3)])
    assert_close(astgrad.hessian(f)(X.copy()), numeric, rtol=1e-4, atol=1e-5)


def test_a_pop_from_a_list_a_tuple_holds_is_refused_when_it_runs():
    with pytest.raises(TypeError, match=r"astgrad: .*:\d+: this writes into an item of a tuple"):
        astgrad.grad(popped_from_a_tuple_item)(X.copy())
    assert_close(astgrad.grad(popped_from_a_row)(X.copy()), numerical_grad(popped_from_a_row, (X.copy(),)))
