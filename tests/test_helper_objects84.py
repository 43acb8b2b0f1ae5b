"""A method call on an object a function of the user's returned (``a = mk(buf)``, the
helper of any shape: several statements, a branch, a list or dict in between, a lambda,
a functools.partial), where the object may hold an array the call was handed and the
method writes into it in place (``self.data[k] *= c``), and the function reads that
array again: in Python the read sees the write, which no flow of values shows. Refused
when the function is differentiated, naming the user's line and the method. A helper
whose object holds no array the function reads again (a copy handed, the array read no
more, nothing depending on the inputs) runs as it is, checked in every mode against
central differences of what Python computes, at two sizes."""

import functools
import re

import numpy as np
import pytest

import astgrad
from test_objects74 import check_every_mode, check_jvp_of_grad   # against central differences


class Acc:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c

    def bump_view(self, k, c):
        head = self.data[:2]
        head[k] *= c

    def total(self):
        return np.sum(self.data)


def mk(b):
    o = Acc(b)
    return o


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
    a = mk(buf)
    a.bump(0, w[1])
    return np.sum(buf)


def argument_itself(w):
    a = mk(w)
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
    a = mk(buf)
    a.bump_view(1, w[0])
    return np.sum(buf * w)


def by_a_constant(w):
    buf = w * 1.0
    a = mk(buf)
    a.bump(0, 3.0)
    return np.sum(buf * w)


def read_before_and_after(w):
    buf = w * 1.0
    s = np.sum(buf ** 2)
    a = mk(buf)
    a.bump(0, w[1])
    return s + np.sum(buf)


def a_view_handed(w):
    buf = w * 1.0
    a = mk(buf[1:])
    a.bump(0, w[0])
    return np.sum(buf)


def an_alias_read(w):
    buf = w * 1.0
    other = buf
    a = mk(other)
    a.bump(0, w[1])
    return np.sum(buf)


def read_before_only(w):
    buf = np.sin(w)
    s = np.sum(buf ** 2)            # its adjoint reads buf after the write
    a = mk(buf)
    a.bump(0, w[1])
    return s


def nothing_varied(w):
    buf = np.ones(3)
    a = mk(buf)
    a.bump(0, 2.0)
    return np.sum(w * w) * buf[0]



def copy_handed_by_the_caller(w):
    buf = w * 1.0
    a = mk(buf.copy())
    a.bump(0, w[1])
    return np.sum(buf ** 2)


REFUSED = [multi_statement, argument_itself, one_of_two, through_a_list_and_dict, built_in_a_loop, by_a_lambda,
           by_a_partial, through_a_view, by_a_constant, read_before_and_after, a_view_handed, an_alias_read,
           read_before_only, copy_handed_by_the_caller]


def _python(f, w):
    return f(np.array(w, dtype=float))


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
def test_refused_where_python_writes_the_array(f):
    w = np.array([0.5, 1.5, 2.0, 0.7])
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(f)(w)
    message, error = str(caught.value), caught.value
    assert error.lineno is not None and __file__.endswith(str(error.filename).split("/")[-1])
    method = "bump_view" if f is through_a_view else "bump"
    assert "a." + method + "(" in message                            # the user's line
    assert f".{method}()" in message or f"Acc.{method} changes" in message     # the construct
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
    a = mk(np.sin(w))
    a.bump(0, w[1])
    return s


FOLLOWED = [array_read_no_more, nothing_varied]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 84 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_followed_jvp_of_grad(f):
    check_jvp_of_grad(f, 84)
