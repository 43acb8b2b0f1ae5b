"""A method call on an object a helper of the user's returned, the helper of a shape
astgrad does not fold into the caller (a check that raises, a branch), where Python
writes into no array the function reads again: the array handed in is a new one (a
copy of an array of numbers, ``mk(buf.copy())``), or the method only rebinds the
object's attribute (``self.data = self.data + v``), which leaves the array handed in as
it was. Each is checked in every mode against central differences of what Python
computes, at two sizes. Their neighbours where Python does write into an array read
again (the copy read under its own name, a method writing before it rebinds, an
attribute rebound to a view of the array and then written into, a list's copy, which
shares its items) stay refused, naming the user's file, line and method; a method
called on the object a method of the user's returned (``b = a.spawn(); b.bump(...)``)
is refused at that write, not where ``b`` was made."""

import re

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad
from test_objects74 import check_every_mode, check_jvp_of_grad   # against central differences


class Acc:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c

    def spawn(self):
        return Acc(self.data)           # the same array

    def child(self):
        return Acc(self.data * 2.0)     # a new one


class Reb:
    def __init__(self, data):
        self.data = data

    def shift(self, v):
        """Only rebinds: the array it was handed keeps its values."""
        self.data = self.data + v

    def smooth(self, v):
        self.data = np.sin(self.data) * v

    def narrow(self):
        self.data = self.data[:2]       # a view of the array handed in

    def bump(self, k, c):
        self.data[k] *= c


class RebThenWrite:
    def __init__(self, data):
        self.data = data

    def shift(self, v):
        self.data = self.data + v
        self.data[0] *= v               # into the new array (Python leaves the one handed in)


class WriteThenReb:
    def __init__(self, data):
        self.data = data

    def shift(self, v):
        self.data[0] *= v               # into the array handed in
        self.data = self.data + v


class BranchyReb:
    def __init__(self, data):
        self.data = data

    def shift(self, v):
        if v > 1.0:
            self.data[0] *= v
        else:
            self.data = self.data + v


class Guarded:
    def __init__(self, data):
        self.data = data

    def __setattr__(self, name, value):
        if name == "data" and hasattr(self, "data"):
            self.__dict__["data"][...] = value      # the binding writes into the old array
        else:
            object.__setattr__(self, name, value)

    def shift(self, v):
        self.data = self.data + v


def mk_counted(b):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    o = Acc(b)
    return o


def mk_reb(b):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    return Reb(b)


def mk_reb_either(b, flag):
    if flag:
        return Reb(b)
    o = Reb(b * 1.0)
    return o


def mk_any(b):
    if b is None:
        raise ValueError("a value, please")
    return Acc(b)


def mk_write_then_reb(b):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    return WriteThenReb(b)


def mk_reb_then_write(b):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    return RebThenWrite(b)


def mk_branchy(b):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    return BranchyReb(b)


def mk_guarded(b):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    return Guarded(b)


# -- followed -------------------------------------------------------------------------------

def copy_handed(w):
    buf = np.sin(w)
    a = mk_counted(buf.copy())          # a new array: buf keeps its values
    a.bump(0, w[1])
    return np.sum(buf ** 2) * w[0]


def copy_named_first(w):
    buf = w * 1.5
    c = buf.copy()
    a = mk_counted(c)
    a.bump(1, w[0])
    return np.sum(np.cos(buf))


def copy_of_a_copy(w):
    buf = -(w * 0.5)
    a = mk_counted(buf.copy().copy())
    a.bump(0, w[2])
    return np.sum(buf * w)


def copies_handed_twice(w):
    buf = np.exp(w * 0.5)
    a = mk_counted(buf.copy())
    b = mk_counted(buf.copy())
    a.bump(0, w[1])
    b.bump(1, w[2])
    return np.sum(buf ** 3)


def copy_held_in_a_list(w):
    buf = np.sin(w)
    objs = [mk_counted(buf.copy())]
    objs[0].bump(0, w[1])
    return np.sum(buf * w)


def rebinding_method(w):
    buf = w * 2.0
    a = mk_reb(buf)
    a.shift(w[1])                       # a.data is a new array; buf as it was
    return np.sum(buf ** 2) * w[0]


def rebinding_by_a_ufunc(w):
    buf = np.cos(w)
    a = mk_reb(buf)
    a.smooth(w[2])
    return np.sum(buf * w)


def rebinding_twice(w):
    buf = w * 1.0
    a = mk_reb(buf)
    a.shift(w[0])
    a.shift(w[1])
    return np.sum(np.sin(buf))


def rebinding_of_a_branchy_helper(w):
    buf = w * 3.0
    a = mk_reb_either(buf, w[0] > 1.0)
    a.shift(w[1])
    return np.sum(buf ** 2)


def rebinding_on_the_argument(w):
    a = mk_reb(w)
    a.shift(w[0])
    return np.sum(w ** 3)


def rebinding_then_a_new_child(w):
    buf = np.sin(w)
    a = mk_counted(buf)
    b = a.child()                       # only builds: nothing written where it is made
    a2 = mk_reb(buf)
    a2.shift(w[1])
    return np.sum(buf ** 2) + 0.0 * len([b])


FOLLOWED = [copy_handed, copy_named_first, copy_of_a_copy, copies_handed_twice, copy_held_in_a_list,
            rebinding_method, rebinding_by_a_ufunc, rebinding_twice, rebinding_of_a_branchy_helper,
            rebinding_on_the_argument, rebinding_then_a_new_child]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 85 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_followed_jvp_of_grad(f):
    check_jvp_of_grad(f, 85)


def test_python_leaves_the_array_handed_in():
    # what makes them followable: Python's own run leaves buf (here w itself) unchanged
    w = np.array([0.5, 1.5, 2.0])
    a = mk_reb(w)
    a.shift(3.0)
    np.testing.assert_array_equal(w, [0.5, 1.5, 2.0])
    a = mk_counted(w.copy())
    a.bump(0, 3.0)
    np.testing.assert_array_equal(w, [0.5, 1.5, 2.0])


# -- refused: Python writes into an array the function reads again --------------------------

def copy_read_under_its_name(w):
    buf = w * 1.0
    c = buf.copy()
    a = mk_counted(c)
    a.bump(0, w[1])
    return np.sum(c ** 2)


def copy_read_through_an_alias(w):
    buf = w * 1.0
    c = buf.copy()
    d = c
    a = mk_counted(d)
    a.bump(0, w[1])
    return np.sum(c ** 2)


def copy_of_a_list(w):
    buf = w * 1.0
    xs = [buf, buf * 2.0]
    a = mk_any(xs.copy())               # a new list, the same arrays: bump writes into buf
    a.bump(0, w[1])
    return np.sum(buf ** 2)


def copy_of_the_argument(w):
    a = mk_counted(w.copy())            # (w may be any value with a copy method: a list's shares)
    a.bump(0, w[1])
    return np.sum(w ** 2)


class Odd:
    def __init__(self, data):
        self.data = data

    def __mul__(self, k):
        return self                     # its own operator: the product is the object

    def copy(self):
        return self.data                # and its copy the array it holds


def mk_odd(b):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    return Odd(b)


def copy_of_what_an_operator_of_yours_gave(w):
    buf = w * 1.0
    h = mk_odd(buf)
    t = h * 1.0
    a = mk_any(t.copy())                # buf itself
    a.bump(0, w[1])
    return np.sum(buf ** 2)


def same_copy_handed_twice(w):
    buf = w * 1.0
    c = buf.copy()
    a = mk_counted(c)
    b = mk_counted(c)
    a.bump(0, w[1])
    return np.sum(buf ** 2) + 0.0 * len([b])


def same_buffer_handed_twice(w):
    buf = w * 1.0
    a = mk_counted(buf)
    b = mk_counted(buf)
    b.bump(0, w[1])
    return np.sum(buf ** 2) + 0.0 * len([a])


def writes_then_rebinds(w):
    buf = w * 1.0
    a = mk_write_then_reb(buf)
    a.shift(w[1])
    return np.sum(buf ** 2)


def rebinds_then_writes(w):
    buf = w * 1.0
    a = mk_reb_then_write(buf)
    a.shift(w[1])
    return np.sum(buf ** 2)


def branchy_method(w):
    buf = w * 1.0
    a = mk_branchy(buf)
    a.shift(w[1])
    return np.sum(buf ** 2)


def rebound_to_a_view_then_written(w):
    buf = w * 1.0
    a = mk_reb(buf)
    a.narrow()
    a.bump(0, w[1])
    return np.sum(buf ** 2)


def binding_runs_code(w):
    buf = w * 1.0
    a = mk_guarded(buf)
    a.shift(w[1])
    return np.sum(buf ** 2)


def rebinding_held_in_a_list(w):
    buf = w * 1.0
    objs = [mk_reb(buf), 1]
    objs[0].bump(0, w[1])
    return np.sum(buf ** 2)


def written_through_a_spawned_object(w):
    buf = w * 1.0
    a = mk_counted(buf)
    b = a.spawn()
    b.bump(0, w[1])
    return np.sum(buf ** 2)


REFUSED = {     # f: the method the message names
    copy_read_under_its_name: "bump", copy_read_through_an_alias: "bump", copy_of_a_list: "bump",
    copy_of_the_argument: "bump", copy_of_what_an_operator_of_yours_gave: "bump", same_copy_handed_twice: "bump",
    same_buffer_handed_twice: "bump",
    writes_then_rebinds: "shift", rebinds_then_writes: "shift", branchy_method: "shift",
    rebound_to_a_view_then_written: "bump", binding_runs_code: "shift", rebinding_held_in_a_list: "bump",
    written_through_a_spawned_object: "bump"}


@pytest.mark.parametrize("f", list(REFUSED), ids=lambda f: f.__name__)
def test_refused_naming_the_users_line(f):
    method = REFUSED[f]
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(f)(np.array([0.5, 1.5, 2.0, 0.7]))
    message, error = str(caught.value), caught.value
    assert str(error.filename).endswith("test_helper_objects85.py"), message
    lines = [k for k, text in enumerate(open(__file__).read().splitlines(), 1)
             if k > f.__code__.co_firstlineno and f".{method}(" in text]
    assert error.lineno == lines[0], message        # the method's own line
    assert f".{method}()" in message
    assert re.search(r"\b(t|d)_\d|_saved", message) is None, message     # no name astgrad made up


# -- the object's array handed out by a method that only reads, then written into ----------

class Reads:
    def __init__(self, data):
        self.data = data

    def shift(self, v):
        self.data = self.data + v

    def view(self):
        return self.data

    def head(self):
        return self.data[:2]


def mk_reads(b):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    return Reads(b)


def written_through_what_a_method_returned(w):
    buf = w * 1.0
    a = mk_reads(buf)
    d = a.view()
    d[0] = w[1]
    return np.sum(buf ** 2)


def written_through_a_returned_view(w):
    buf = w * 1.0
    a = mk_reads(buf)
    a.shift(w[0])
    d = a.head()
    d *= w[1]
    return np.sum(buf ** 2)


def written_through_the_attribute(w):
    buf = w * 1.0
    a = mk_reads(buf)
    a.data[0] = w[1]
    a.shift(w[0])
    return np.sum(buf ** 2)


@pytest.mark.parametrize("f, line", [(written_through_what_a_method_returned, "d[0] = w[1]"),
                                     (written_through_a_returned_view, "d *= w[1]"),
                                     (written_through_the_attribute, "a.data[0] = w[1]")],
                         ids=["method_returned", "returned_view", "the_attribute"])
def test_a_write_through_what_the_object_holds_is_refused_at_the_write(f, line):
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(f)(np.array([0.5, 1.5, 2.0, 0.7]))
    message, error = str(caught.value), caught.value
    assert str(error.filename).endswith("test_helper_objects85.py") and line in message, message
    assert "share its memory" in message, message
    assert re.search(r"\b(t|d)_\d|_saved", message) is None, message


def test_python_writes_what_the_refused_read():
    # what the refusals are about, as Python runs them
    w = np.array([0.5, 1.5, 2.0])
    assert written_through_a_spawned_object(w.copy()) == pytest.approx(np.sum(w ** 2) + (1.5 ** 2 - 1) * 0.25)
    assert writes_then_rebinds(w.copy()) == pytest.approx(np.sum(w ** 2) + (1.5 ** 2 - 1) * 0.25)
    assert copy_of_a_list(w.copy()) == pytest.approx(1.5 ** 2 * np.sum(w ** 2))     # the whole of buf scaled
    assert copy_of_what_an_operator_of_yours_gave(w.copy()) == pytest.approx(np.sum(w ** 2) + (1.5 ** 2 - 1) * 0.25)


def test_refused_in_other_transforms():
    for transform in (astgrad.value_and_grad, astgrad.hessian):
        with pytest.raises(astgrad.TransformError, match=r"\.shift\(\)"):
            transform(writes_then_rebinds)(np.array([0.5, 1.5, 2.0]))
    with pytest.raises(astgrad.TransformError, match=r"\.bump\(\)"):
        astgrad.jvp(written_through_a_spawned_object, (np.array([0.5, 1.5, 2.0]),), (np.ones(3),))


# -- a method of an argument's object: its class is known, its methods followed as before -----

class Part:
    def __init__(self, data):
        self.data = data

    def scale(self, c):
        self.data = self.data * c


class Model:
    def __init__(self, W):
        self.W = W

    def part(self):
        return Part(self.W * 1.0)

    def loss(self, w):
        return np.sum(np.sin(self.W * w))


def part_of_an_argument(w, model):
    sub = model.part()
    sub.scale(w[0])
    return model.loss(w)


@pytest.mark.parametrize("n", [3, 5])
def test_a_part_an_argument_gives_is_followed_as_before(n):
    rng = np.random.default_rng(85 + n)
    w, W = rng.uniform(0.5, 1.5, n), rng.uniform(0.5, 1.5, n)
    expected = numerical_grad(lambda v: part_of_an_argument(v, Model(W.copy())), (w,))
    assert_close(astgrad.grad(part_of_an_argument)(w, Model(W.copy())), expected)
    value, both = astgrad.value_and_grad(part_of_an_argument)(w, Model(W.copy()))
    assert value == pytest.approx(part_of_an_argument(w, Model(W.copy())))
    assert_close(both, expected)


# -- what was read is read again ------------------------------------------------------------

class Redefined:
    def __init__(self, data):
        self.data = data

    def shift(self, v):
        self.data = self.data + v


def mk_redefined(b):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    return Redefined(b)


def through_a_redefined_method(w):
    buf = w * 1.0
    a = mk_redefined(buf)
    a.shift(w[1])
    return np.sum(buf ** 2)


def _shift_writing(self, v):
    self.data[0] *= v


def test_a_method_defined_again_is_read_again():
    w = np.array([0.5, 1.5, 2.0])
    assert_followed = astgrad.grad(through_a_redefined_method)(w)
    np.testing.assert_allclose(assert_followed, 2.0 * w)
    kept = Redefined.shift
    Redefined.shift = _shift_writing        # now it writes into buf: Python's gradient changes
    try:
        with pytest.raises(astgrad.TransformError, match=r"\.shift\(\)"):
            astgrad.grad(through_a_redefined_method)(w)
    finally:
        Redefined.shift = kept
