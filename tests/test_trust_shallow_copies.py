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
import re

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


# A helper writing into an item of its copy of the function's own list, dict or tuple
# parameter (or of an attribute): whether the copy holds the caller's arrays (a list's
# does, an array's is new memory) shows only when it runs, so the call is stopped there.
def scale_first(xs, a):
    c = xs.copy()
    c[0] *= a  # written
    return c


def scale_first_of_list(xs, a):
    c = list(xs)
    c[0] *= a  # written
    return c


def scale_first_by_module(xs, a):
    c = copy.copy(xs)
    c[0] *= a
    return c


def scale_key(d, a):
    c = d.copy()
    c["k"] *= a  # written
    return c


def scale_first_passed_on(xs, a):
    return scale_first(xs, a)


class Rows:
    def __init__(self, xs):
        self.xs = xs

    def scaled(self, a):
        c = self.xs.copy()
        c[0] *= a  # written
        return c


def list_parameter(xs):
    c = scale_first(xs, A)  # called
    return np.sum(c[0] * xs[1]) + np.sum(xs[0] * xs[1])


def list_parameter_by_list(xs):
    c = scale_first_of_list(xs, A)  # called
    return np.sum(c[0] * xs[1]) + np.sum(xs[0] * xs[1])


def list_parameter_by_module(xs):
    c = scale_first_by_module(xs, A)  # called
    return np.sum(c[0] * xs[1]) + np.sum(xs[0] * xs[1])


def list_parameter_nested(xs):
    ys = xs
    c = scale_first_passed_on(ys, A)  # called
    return np.sum(c[0] * xs[1]) + np.sum(xs[0] * xs[1])


def dict_parameter(d):
    c = scale_key(d, A)  # called
    return np.sum(c["k"] * d["j"]) + np.sum(d["k"] * d["j"])


def tuple_parameter(t):
    c = scale_first_of_list(t, A)  # called
    return np.sum(c[0] * t[1]) + np.sum(t[0] * t[1])


def list_parameter_in_loop(xs):
    s = 0.0
    for _ in range(2):
        c = scale_first(xs, A)  # called
        s = s + np.sum(c[0] * xs[1])
    return s + np.sum(xs[0] * xs[1])


def list_parameter_copied_here(xs):
    c = xs.copy()
    c[0] *= A  # written
    return np.sum(c[0] * xs[1]) + np.sum(xs[0] * xs[1])


def list_parameter_held_by_self(xs):
    c = Rows(xs).scaled(A)
    return np.sum(c[0] * xs[1]) + np.sum(xs[0] * xs[1])


def list_built_here_copied(x):
    xs = [x * 1.0, x + 1.0]
    c = xs.copy()
    c[0] *= A  # written
    return np.sum(c[0] * xs[1]) + np.sum(xs[0] * xs[1])


def _stopped_lines(f):
    """The lines the run may stop at: the call (marked ``# called``) or the write."""
    lines, first = inspect.getsourcelines(f)
    called = [f"{__file__}:{first + k}:" for k, line in enumerate(lines) if "# called" in line or "# written" in line]
    return called + [f"{__file__}:{_line_written(g)}:" for g in (Rows.scaled, scale_first_of_list)]


def _containers(f):
    if f is list_built_here_copied:
        return X.copy(), np.ones(3)
    if f is dict_parameter:
        return {"k": X * 1.0, "j": X + 1.0}, {"k": np.ones(3), "j": np.ones(3)}
    if f is tuple_parameter:
        return (X * 1.0, X + 1.0), (np.ones(3), np.ones(3))
    return [X * 1.0, X + 1.0], [np.ones(3), np.ones(3)]


@pytest.mark.parametrize("f", [list_parameter, list_parameter_by_list, list_parameter_by_module,
                               list_parameter_nested, dict_parameter, tuple_parameter, list_parameter_in_loop,
                               list_parameter_copied_here, list_parameter_held_by_self, list_built_here_copied],
                         ids=lambda f: f.__name__)
def test_write_into_an_item_of_a_copy_of_a_container_parameter_is_stopped_at_its_line(f):
    for run in (lambda args, _: astgrad.grad(f)(args), lambda args, t: astgrad.jvp(f, (args,), (t,))):
        args, tangents = _containers(f)
        with pytest.raises(TypeError, match=r"shallow copy|held by a list") as info:
            run(args, tangents)
        assert any(line in str(info.value) for line in _stopped_lines(f)), str(info.value)
        assert re.search(r"[Ss]tore (a new value|it there alone)", str(info.value)), str(info.value)
        # the helpers these call ran (as Python runs them) before their own check stopped them
        if f not in (list_parameter_held_by_self, list_parameter_by_list, tuple_parameter, list_built_here_copied):
            assert_close(list(args.values()) if isinstance(args, dict) else list(args), [X, X + 1.0])
    # nothing is left half-done: the same helper on an array is followed
    assert_close(astgrad.grad(array_parameter)(X.copy()), numerical_grad(array_parameter, (X.copy(),)))


def list_built_here_held_by_self(x):
    xs = [x * 1.0, x + 1.0]
    c = Rows(xs).scaled(A)
    return np.sum(c[0] * x) + np.sum(xs[0] * xs[1])


def test_write_into_an_item_of_a_copy_of_a_list_an_object_holds_is_stopped_to_second_order():
    # the hessian-vector product checks the object handed to Rows.scaled (and to its
    # derivative, given the object's own derivative only to read) and stops at the write
    with pytest.raises(TypeError, match="shallow copy of a list") as info:
        astgrad.hvp(list_built_here_held_by_self)(X.copy(), X.copy())
    assert f"{__file__}:{_line_written(Rows.scaled)}:" in str(info.value), str(info.value)


def array_parameter(x):
    c = scale_first(x, A)
    return np.sum(c * x) + np.sum(x * x)


def array_parameter_nested(x):
    c = scale_first_passed_on(x * 1.0, A)
    return np.sum(c * x)


def array_held_by_self(x):
    return np.sum(Rows(x * 1.0).scaled(A) * x)


def first_of_either_scaled(xs, ys, a, first):
    chosen = xs if first else ys
    c = chosen.copy()
    c[0] *= a
    return c


def array_of_either_held(x):
    # the copy may be of either parameter: a call checks both arguments
    return np.sum(first_of_either_scaled(x * 1.0, x + 1.0, A, True) * x)


def array_copied_here(x):
    c = x.copy()
    c[0] *= A
    return np.sum(c * x)


@pytest.mark.parametrize("f", [array_parameter, array_parameter_nested, array_held_by_self, array_of_either_held,
                               array_copied_here],
                         ids=lambda f: f.__name__)
def test_write_into_an_item_of_a_copy_of_an_array_parameter_is_followed(f):
    test_copies_whose_writes_stay_apart_are_followed(f)


def item_of_list_copy_replaced(xs):
    c = xs.copy()
    c[0] = c[0] * A
    return np.sum(c[0] * xs[1]) + np.sum(xs[0] * xs[1])


def test_an_item_of_a_list_parameter_copy_replaced_is_followed():
    def on_first(x):
        return item_of_list_copy_replaced([x, X + 1.0])
    value, gradient = astgrad.value_and_grad(item_of_list_copy_replaced)([X.copy(), X + 1.0])
    assert_close(value, on_first(X.copy()), rtol=1e-12, atol=1e-12)
    assert_close(gradient[0], numerical_grad(on_first, (X.copy(),)))
    t = np.array([0.2, 0.5, -0.4])
    _, tangent = astgrad.jvp(item_of_list_copy_replaced, ([X.copy(), X + 1.0],), ([t, np.zeros(3)],))
    assert_close(tangent, numerical_jvp(on_first, (X.copy(),), (t,)))


def numbers_copied(xs):
    c = scale_first(xs, A)
    d = xs.copy()
    d[1] *= A
    return c[0] * xs[1] + xs[0] * d[1]


def test_a_copy_of_a_list_of_numbers_written_is_followed():
    # op= on a number rebinds the copy's item: the caller's list is left alone, as in Python
    xs = [0.3, 0.5]
    value, gradient = astgrad.value_and_grad(numbers_copied)(list(xs))
    assert_close(value, numbers_copied(list(xs)), rtol=1e-12, atol=1e-12)
    numeric = numerical_grad(lambda v: numbers_copied(list(v)), (np.array(xs),))
    assert_close(np.array(gradient), numeric)
    _, tangent = astgrad.jvp(numbers_copied, (list(xs),), ([0.2, -0.4],))
    assert_close(tangent, numerical_jvp(lambda v: numbers_copied(list(v)), (np.array(xs),), (np.array([0.2, -0.4]),)))
