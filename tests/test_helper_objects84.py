"""A method call on an object a function of the user's returned (``a = mk(buf)``), where
the object may hold an array the call was handed and the method writes into it in place
(``self.data[k] *= c``), and the function (or its derivative) reads that array again: in
Python the read sees the write, which no flow of values shows. A helper whose body is
straight-line bindings ending in the construction it returns (``o = Acc(b); return o``,
``c = b.copy(); o = Acc(c); return o``) is followed as that construction, and so is a
lambda; a helper of any other shape (a branch, a loop, a list or dict in between, a
functools.partial, another module's) is refused when the function is differentiated,
naming the user's line and the method. Followed forms, and the neighbours needing no
refusal (the array read no more, nothing depending on the inputs), are checked in every
mode against central differences of what Python computes, at two sizes."""

import functools
import re

import numpy as np
import pytest

import astgrad
from helper_objects84_other import make_kept
from test_objects84 import made_by_a_helper_of_two_statements     # v = w * k; return Acc(v)
from test_objects74 import check_every_mode, check_jvp_of_grad   # against central differences


class Acc:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c


class SelfAcc:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c
        return self


class Holder:
    def __init__(self, data):
        self.data = data


class ViewAcc:
    def __init__(self, data):
        self.data = data

    def bump_view(self, k, c):
        head = self.data[:2]
        head[k] *= c


def mk(b):
    o = Acc(b)
    return o


def mk_copied(b):
    c = b.copy()
    o = Acc(c)
    return o


def mk_scaled(b, k):
    t = b * k
    return Acc(t)


def mk_counted(b):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    o = Acc(b)
    return o


def mk_view(b):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    o = ViewAcc(b)
    return o


def mk_self(b):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    return SelfAcc(b)


def mk_held(h):
    if h.data.ndim != 1:
        raise ValueError("a vector, please")
    o = Acc(h.data)
    return o


def mk_twice(b):
    return mk_counted(b)


def mk_either(b, flag):
    if flag:
        return Acc(b)
    return Acc(b * 1.0)


def mk_listed(b):
    kept = [b]
    objs = {"a": Acc(kept[0])}
    return objs["a"]


def mk_looped(b):
    o = None
    for _ in range(2):
        o = Acc(b)
    return o


mk_lambda = lambda b: Acc(b)          # noqa: E731
mk_partial = functools.partial(mk_either, flag=True)


# -- refused -------------------------------------------------------------------------------

def multi_statement(w):
    buf = w * 1.0
    a = mk_counted(buf)
    a.bump(0, w[1])
    return np.sum(buf)


def argument_itself(w):
    a = mk_counted(w)
    a.bump(0, w[1])
    return np.sum(w)


def one_of_two(w):
    buf = w * 1.0
    a = mk_either(buf, w[0] > 0.0)
    a.bump(1, w[2])
    return np.sum(buf ** 2)


def through_a_list_and_dict(w):
    buf = np.sin(w)
    a = mk_listed(buf)
    a.bump(0, w[1])
    return np.sum(buf)


def built_in_a_loop(w):
    buf = w * 2.0
    a = mk_looped(buf)
    a.bump(0, w[1])
    return np.sum(buf)


def by_a_lambda(w):
    buf = w * 1.0
    a = mk_lambda(buf)
    a.bump(0, w[1])
    return np.sum(buf)


def by_a_partial(w):
    buf = w * 1.0
    a = mk_partial(buf)
    a.bump(0, w[1])
    return np.sum(buf)


def through_a_view(w):
    buf = w * 1.0
    a = mk_view(buf)
    a.bump_view(1, w[0])
    return np.sum(buf * w)


def by_a_constant(w):
    buf = w * 1.0
    a = mk_counted(buf)
    a.bump(0, 3.0)
    return np.sum(buf * w)


def read_before_and_after(w):
    buf = w * 1.0
    s = np.sum(buf ** 2)
    a = mk_counted(buf)
    a.bump(0, w[1])
    return s + np.sum(buf)


def a_view_handed(w):
    buf = w * 1.0
    a = mk_counted(buf[1:])
    a.bump(0, w[0])
    return np.sum(buf)


def an_alias_read(w):
    buf = w * 1.0
    other = buf
    a = mk_counted(other)
    a.bump(0, w[1])
    return np.sum(buf)


def read_before_only(w):
    buf = np.sin(w)
    s = np.sum(buf ** 2)            # its adjoint reads buf after the write
    a = mk_counted(buf)
    a.bump(0, w[1])
    return s


def nothing_varied(w):
    buf = np.ones(3)
    a = mk_counted(buf)
    a.bump(0, 2.0)
    return np.sum(w * w) * buf[0]



def from_another_module(w):
    buf = w * 1.0
    a = make_kept(buf)
    a.bump(0, w[1])
    return np.sum(buf)


def method_returning_self(w):
    buf = w * 1.0
    a = mk_self(buf)
    a = a.bump(0, w[1])
    return np.sum(buf)


def through_a_holder(w):
    buf = w * 1.0
    h = Holder(buf)
    a = mk_held(h)
    a.bump(0, w[1])
    return np.sum(buf)


def two_helpers_deep(w):
    buf = w * 1.0
    a = mk_twice(buf)
    a.bump(0, w[1])
    return np.sum(buf)


def in_a_tuple(w):
    buf = w * 1.0
    pair = (mk_counted(buf), 1)
    pair[0].bump(0, w[1])
    return np.sum(buf)


def in_a_loop(w):
    s = 0.0
    for k in range(2):
        buf = w * (k + 1.0)
        a = mk_counted(buf)
        a.bump(0, w[1])
        s = s + np.sum(buf)
    return s


def name_bound_before(w):
    buf = w * 1.0
    a = None
    a = mk_counted(buf)
    a.bump(0, w[1])
    return np.sum(buf)


REFUSED = [name_bound_before, method_returning_self, through_a_holder, two_helpers_deep, in_a_tuple, in_a_loop,
           from_another_module, multi_statement, argument_itself, one_of_two, through_a_list_and_dict, built_in_a_loop,
           by_a_partial, through_a_view, by_a_constant, read_before_and_after, a_view_handed, an_alias_read,
           read_before_only]


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
def test_refused_where_python_writes_the_array(f):
    w = np.array([0.5, 1.5, 2.0, 0.7])
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(f)(w)
    message, error = str(caught.value), caught.value
    assert error.lineno is not None and __file__.endswith(str(error.filename).split("/")[-1])
    method = "bump_view" if f is through_a_view else "bump"
    assert f".{method}()" in message and "." + method + "(" in message     # the construct and the user's line
    assert re.search(r"\b(t|d)_\d|_saved", message) is None           # no name astgrad made up


@pytest.mark.parametrize("f", [multi_statement, by_a_constant], ids=lambda f: f.__name__)
@pytest.mark.parametrize("transform", [astgrad.value_and_grad, astgrad.hessian])
def test_refused_in_other_transforms(f, transform):
    with pytest.raises(astgrad.TransformError, match=r"\.bump\(\)"):
        transform(f)(np.array([0.5, 1.5, 2.0]))


def test_refused_in_jvp():
    with pytest.raises(astgrad.TransformError, match=r"\.bump\(\)"):
        astgrad.jvp(multi_statement, (np.array([0.5, 1.5, 2.0]),), (np.ones(3),))


def test_python_writes_the_array():
    # what the refusals are about: Python's gradient differs from the one with the write unseen
    w = np.array([0.5, 1.5, 2.0])
    assert multi_statement(w.copy()) == pytest.approx(0.5 * 1.5 + 1.5 + 2.0)


# -- followed: the object holds no array the function reads again --------------------------

def array_read_no_more(w):
    s = np.sum(w ** 2)
    a = mk_counted(np.sin(w))
    a.bump(0, w[1])
    return s


def reproduced(w):
    buf = w * 1.0
    a = mk(buf)                     # followed as a = Acc(buf)
    a.bump(0, w[1])
    return np.sum(buf)


def argument_handed(w):
    a = mk(w)
    a.bump(1, w[0])
    return np.sum(w * w)


def copied_in_the_helper(w):
    buf = np.sin(w)
    a = mk_copied(buf)              # no alias: buf keeps its values
    a.bump(0, w[1])
    return np.sum(buf ** 2) + np.sum(a.data)


def scaled_in_the_helper(w):
    a = mk_scaled(w, 2.0)
    a.bump(1, w[2])
    return np.sum(a.data * w)


def copy_handed_by_the_caller(w):
    buf = w * 1.0
    a = mk_counted(buf.copy())      # a new array of numbers: none of buf's
    a.bump(0, w[1])
    return np.sum(buf ** 2)


FOLLOWED = [reproduced, by_a_lambda, made_by_a_helper_of_two_statements, argument_handed, copied_in_the_helper,
            scaled_in_the_helper, array_read_no_more, nothing_varied, copy_handed_by_the_caller]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 84 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_followed_jvp_of_grad(f):
    check_jvp_of_grad(f, 84)


# -- a method of such an object held in a name, then called ---------------------------------

def bound_method_held(w):
    buf = w * 1.0
    up = mk_counted(buf).bump
    up(0, w[1])
    return np.sum(buf)


def bound_method_of_a_plain_helper(w):
    buf = w * 1.0
    up = mk(buf).bump
    up(0, w[1])
    return np.sum(buf)


@pytest.mark.parametrize("f", [bound_method_held, bound_method_of_a_plain_helper], ids=lambda f: f.__name__)
def test_a_held_method_of_a_returned_object_is_refused_naming_the_users_expression(f):
    # the message named the name astgrad made for mk_counted(buf): "the method t.bump ... change 't'"
    from test_objects80 import check_refused_in_the_users_words
    check_refused_in_the_users_words(f, "test_helper_objects84.py")
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(f)(np.array([0.5, 1.5, 2.0, 0.7]))
    message, first = str(caught.value), f.__code__.co_firstlineno
    helper = "mk_counted" if f is bound_method_held else "mk"
    assert f"test_helper_objects84.py:{first + 3}: calling 'up', which holds the method {helper}(buf).bump " \
           f"(taken at line {first + 2})" in message, message
    assert f"v = {helper}(buf); v.bump(...)" in message, message
    assert re.search(r"\bt(_\d+)?\.bump|'t(_\d+)?'", message) is None, message     # no name astgrad made up
