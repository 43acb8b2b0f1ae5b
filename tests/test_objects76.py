"""Objects holding the array handed in (``self.data = data``) whose methods write into it
in place, in the forms last round refused: the store by keyword (``Acc(data=x * 1.0)``,
``super().__init__(data=data)``), an item handed to a method by keyword (``a.bump(0,
c=w[1])``), the object bound in both branches of an ``if`` (and of a conditional
expression, and an ``elif`` chain), the array of a loop's last turn read after the loop,
one array handed to a new object at each turn, and ``Base.__init__(self, data)`` first in
a subclass's ``__init__``. Each followed form is checked in grad, value_and_grad, jvp, vjp
(a random cotangent) and hessian against central differences on random inputs of two
sizes, the caller's array unchanged; the neighbours not followed (a base's ``__init__`` called by name that is not the one
``super()`` reaches, or not first) are refused in words saying what to write, and a base class
rebound after the code is made makes it again. A loop left by ``break`` (its array read
after it, or one array handed at each turn), a view of the array handed at each turn kept
before the loop or in the turn, the last object's method called after the loop, and
two arrays the function also reads handed in the branches of an ``if``, refused before,
are checked against central differences, and so is a method of the turn before's object
called before the turn builds its own (both holding one array); a loop of no turns raises
Python's ``UnboundLocalError`` in Python's words."""

import re

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad
from test_objects74 import check_every_mode     # grad, jvp, vjp and hessian against central differences


class Acc:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c


class KeywordSuper(Acc):
    def __init__(self, data):
        super().__init__(data=data)


class Scaled(KeywordSuper):
    def __init__(self, data, scale):
        super().__init__(data=data)
        self.scale = scale

    def stretch(self, k):
        self.data[k] = self.data[k] * self.scale


class NamedBase(Acc):
    def __init__(self, data):
        """A docstring first."""
        Acc.__init__(self, data)            # the base class called by its name: super().__init__(data)


class NamedTwice(NamedBase):
    def __init__(self, scale, data):
        NamedBase.__init__(self, data=data)     # two classes down, by keyword
        self.scale = scale

    def stretch(self, k):
        self.data[k] = self.data[k] * self.scale


class Dense:
    def __init__(self, W):
        self.W = W

    def __call__(self, h):
        return np.tanh(self.W * h)


class Scaled2(Dense):
    def __init__(self, W, s):
        Dense.__init__(self, W * s)
        self.s = s


def base_init_by_name(w):
    a = NamedBase(w * 1.0)
    a.bump(0, w[1])
    a.bump(2, w[0])
    return np.sum(a.data ** 2)


def base_init_by_name_twice(w):
    buf = np.sin(w)
    a = NamedTwice(w[2], buf)
    a.stretch(1)
    a.bump(0, w[1])
    return np.sum(buf * w)                  # buf shows both writes, as in Python


def argument_through_base_init_by_name(w):
    a = NamedBase(w)
    a.bump(1, w[0] * 2.0)
    return np.sum(w ** 3) + np.sum(a.data)  # w shows the write, as in Python


def layer_built_by_name(w):
    layer = Scaled2(w, w[0])
    return np.sum(layer(w) * layer.s)


def stored_by_keyword(w):
    a = Acc(data=w * 1.0)
    a.bump(0, w[1])
    return np.sum(a.data ** 2)


def own_array_stored_by_keyword(w):
    buf = np.sin(w)
    a = Acc(data=buf)
    a.bump(1, w[0])
    return np.sum(buf * w)                  # buf shows the write, as in Python


def keyword_super(w):
    a = KeywordSuper(w * 1.0)
    a.bump(0, w[1])
    a.bump(2, w[0])
    return np.sum(a.data ** 2)


def keyword_super_name_read_again(w):
    buf = np.cos(w)
    a = Scaled(buf, w[2])
    a.stretch(1)
    a.bump(0, w[1])
    return np.sum(buf * w)                  # buf shows both writes


def argument_through_keyword_super(w):
    a = KeywordSuper(w)
    a.bump(1, w[0] * 2.0)
    return np.sum(w ** 3) + np.sum(a.data)  # w shows the write, as in Python


def item_by_keyword(w):
    a = Acc(w * 1.0)
    a.bump(0, c=w[1])
    return np.sum(a.data ** 2)


def item_of_the_argument_by_keyword(w):
    n = len(w)
    a = Acc(w)
    a.bump(n - 1, c=w[0])                   # the number read before the call, as in Python
    return np.sum(np.sin(w))


def item_of_the_attribute_by_keyword(w):
    a = Acc(w * 1.0)
    a.bump(2, c=a.data[0])
    a.bump(0, c=a.data[2])                  # reads the written item, as Python does
    return np.sum(a.data ** 2)


def bound_in_both_branches_first(w):
    if np.sum(w) > 0.0:                     # taken: w is positive
        a = Acc(w * 1.0)
    else:
        a = Acc(w * 2.0)
    a.bump(0, w[1])
    return np.sum(a.data ** 2)


def bound_in_both_branches_second(w):
    if w[0] > 2.0:                          # not taken
        a = Acc(np.sin(w))
    else:
        a = Acc(np.cos(w) * w)
    a.bump(1, w[0])
    a.bump(0, a.data[1])
    return np.sum(a.data * w)


def bound_in_an_elif_chain(w):
    if w[0] > 2.0:
        a = KeywordSuper(w * 3.0)
    elif w[1] > 0.0:                        # taken
        a = KeywordSuper(np.sin(w) * w)
    else:
        a = KeywordSuper(w * 2.0)
    a.bump(2, w[1])
    return np.sum(a.data ** 3)


def conditional_expression_first(w):
    a = Acc(w * 1.0) if w[0] > 0.0 else Acc(w * 2.0)
    a.bump(0, w[1])
    return np.sum(a.data ** 2)


def conditional_expression_second(w):
    a = Acc(w * 1.0) if w[0] > 2.0 else Acc(np.exp(w))
    a.bump(1, w[2])
    return np.sum(a.data * w)


def loops_array_read_after_it(w):
    for k in range(2):
        buf = np.sin(w) * (k + 1.0)
        a = Acc(buf)
        a.bump(k, w[2])
    return np.sum(buf) + buf[0] * w[1]      # the last turn's array, written into


def last_object_written_after_its_loop(w):
    for k in range(2):
        buf = np.sin(w) * (k + 1.0)
        a = Acc(buf)
        a.bump(k, w[2])
    a.bump(2, w[0])                         # writes into the last turn's buf, as in Python
    return np.sum(buf * w)


def while_loops_array_read_after_it(w):
    k = 0
    while k < len(w) - 1:
        buf = w * (k + 2.0)
        a = KeywordSuper(buf)
        a.bump(k + 1, w[k])
        k = k + 1
    return np.sum(buf ** 2)


def own_array_handed_in_a_loop(w):
    buf = w * 1.0
    s = 0.0
    for k in range(2):
        s = s + np.sum(buf * w)             # the array the turn before wrote into
        a = Acc(buf)                        # one array for every object, as in Python
        a.bump(k, w[0])
        s = s + np.sum(a.data) + buf[k] * w[1]
    return s + np.sum(buf ** 2)


def argument_handed_in_a_loop(w):
    s = 0.0
    for k in range(len(w) - 1):
        a = NamedBase(w)
        a.bump(k + 1, w[k])                 # reads w[k], written the turn before
        s = s + a.data[k] * w[k]
    return s + np.sum(w ** 2)               # w shows every turn's write, as in Python


def loop_left_by_break(w):
    for k in range(3):
        buf = np.sin(w) * (k + 1.0)
        if k == 1:
            break                           # buf is this turn's array, a the turn before's
        a = Acc(buf)
        a.bump(k, w[2])
    return np.sum(buf) + np.sum(a.data)


def view_kept_before_the_loop(w):
    buf = w * 1.0
    head = buf[:2]                          # shows every turn's writes in Python
    for k in range(2):
        a = Acc(buf)
        a.bump(k, w[0])
    return np.sum(head)


def view_kept_in_the_turn(w):
    buf = w * 1.0
    s = 0.0
    for k in range(2):
        head = buf[:2]                      # shows this turn's write in Python
        a = Acc(buf)
        a.bump(0, w[1])
        s = s + np.sum(head)
    return s


def handed_in_a_loop_left_by_break(w):
    buf = w * 1.0
    for k in range(3):
        a = Acc(buf)
        a.bump(k, w[0])
        if k == 1:
            break
    return np.sum(buf)


def last_object_written_after_the_loop(w):
    buf = w * 1.0
    for k in range(2):
        a = Acc(buf)
        a.bump(k, w[0])
    a.bump(2, w[1])                         # writes into buf in Python
    return np.sum(buf)


def arrays_kept_handed_in_the_branches(w):
    buf = w * 1.0
    other = np.cos(w)
    if w[0] > 0.0:
        a = Acc(buf)
    else:
        a = Acc(other)
    a.bump(0, w[1])
    return np.sum(a.data) + np.sum(buf)     # buf shows the write in Python


FOLLOWED = [own_array_handed_in_a_loop, argument_handed_in_a_loop, base_init_by_name, base_init_by_name_twice, argument_through_base_init_by_name, layer_built_by_name,
            stored_by_keyword, own_array_stored_by_keyword, keyword_super, keyword_super_name_read_again,
            argument_through_keyword_super, item_by_keyword, item_of_the_argument_by_keyword,
            item_of_the_attribute_by_keyword, bound_in_both_branches_first, bound_in_both_branches_second,
            bound_in_an_elif_chain, conditional_expression_first, conditional_expression_second,
            loops_array_read_after_it, last_object_written_after_its_loop, while_loops_array_read_after_it,
            loop_left_by_break, view_kept_before_the_loop, view_kept_in_the_turn, handed_in_a_loop_left_by_break,
            last_object_written_after_the_loop, arrays_kept_handed_in_the_branches]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 76 + n)


def loop_of_no_turns(w):
    for k in range(len(w) - 3):
        buf = np.sin(w) * (k + 1.0)
        a = Acc(buf)
        a.bump(k, w[2])
    return np.sum(buf)


def test_loop_of_no_turns_raises_as_python_does():
    with pytest.raises(UnboundLocalError) as python:
        loop_of_no_turns(np.ones(3))
    words = "^" + re.escape(str(python.value)) + "$"       # names buf, as Python does, not the object
    for run in (astgrad.grad(loop_of_no_turns), astgrad.value_and_grad(loop_of_no_turns), astgrad.hessian(loop_of_no_turns),
                lambda w: astgrad.jvp(loop_of_no_turns, (w,), (w,)), lambda w: astgrad.vjp(loop_of_no_turns, w)):
        with pytest.raises(UnboundLocalError, match=words):
            run(np.ones(3))
    assert_close(astgrad.grad(loop_of_no_turns)(np.full(4, 0.5)),
                 numerical_grad(lambda v: loop_of_no_turns(v.copy()), (np.full(4, 0.5),)))


def turn_befores_object_written(w):
    buf = w * 1.0
    for k in range(2):
        if k > 0:
            a.bump(2, w[1])                 # writes into buf in Python: the next object holds it
        a = Acc(buf)
        a.bump(k, w[0])
    return np.sum(buf)


@pytest.mark.parametrize("n", [3, 5])
def test_turn_befores_object_written_followed_in_every_mode(n):
    check_every_mode(turn_befores_object_written, n, 76 + n)      # refused before


class Left(Acc):
    def __init__(self, data):
        Acc.__init__(self, data)


class Right(Acc):
    def __init__(self, data):
        super().__init__(data * 2.0)


class Both(Left, Right):
    """For an object of Both, Left's Acc.__init__ skips Right's, which super() would run."""


class Late(Acc):
    def __init__(self, data):
        self.k = 2.0
        Acc.__init__(self, data)            # not the first statement


def base_skipped_by_the_named_call(w):
    a = Both(w * 1.0)
    a.bump(0, w[1])
    return np.sum(a.data)


def named_call_not_first(w):
    a = Late(w * 1.0)
    a.bump(0, w[1])
    return np.sum(a.data)


NAMED_REFUSALS = {
    base_skipped_by_the_named_call: r"no adjoint rule for \S*Both: Left\.__init__ calls Acc\.__init__\(self, data\), .*"
                                    r"for an object of Both it runs another __init__ than super\(\)\.__init__\(data\) "
                                    r"would there \(Right's, .*call super\(\)\.__init__\(\.\.\.\) in each class",
    named_call_not_first: r"no adjoint rule for \S*Late: Late\.__init__ calls Acc\.__init__\(self, data\), .*"
                          r"write super\(\)\.__init__\(data\) as its first statement",
}


@pytest.mark.parametrize("f", list(NAMED_REFUSALS), ids=lambda f: f.__name__)
def test_named_base_init_refused_in_words(f):
    assert f(np.array([0.5, 1.5, 2.0])) > 0.0       # Python runs it
    with pytest.raises(astgrad.TransformError, match=NAMED_REFUSALS[f]):
        astgrad.grad(f)(np.array([0.5, 1.5, 2.0]))


def test_base_rebound_after_the_code_is_made():
    class Base:
        def __init__(self, data):
            self.data = data

        def bump(self, k, c):
            self.data[k] *= c

    class Named(Base):
        def __init__(self, data):
            Base.__init__(self, data)

    class Other:
        def __init__(self, data):
            self.data = data * 3.0

    def f(w):
        a = Named(w * 1.0)
        a.bump(0, w[1])
        return np.sum(a.data)

    w = np.array([0.5, 1.5, 2.0])
    assert astgrad.value_and_grad(f)(w)[0] == pytest.approx(f(w.copy()))
    init = Named.__init__
    init.__closure__[init.__code__.co_freevars.index("Base")].cell_contents = Other     # Python now runs Other's
    with pytest.raises(astgrad.TransformError, match=r"Named\.__init__ calls Base\.__init__\(self, data\)"):
        astgrad.value_and_grad(f)(w)        # the code made for Base's is not run again


def list_handed_in_a_loop(buf, w):
    s = 0.0
    for k in range(2):
        a = Acc(buf)
        a.bump(k, w)
        s = s + a.data[0] + a.data[1]
    return s


def test_a_list_handed_in_a_loop_is_refused_in_words():
    # an array argument is followed (the copy each object is handed is +buf); a list has no
    # unary plus, and Python's objects would share the list itself: checked before the loop
    line = list_handed_in_a_loop.__code__.co_firstlineno + 3
    x = np.array([1.0, 2.0, 3.0])
    expected = numerical_grad(lambda w: list_handed_in_a_loop(x.copy(), w), (0.5,))
    assert_close(astgrad.grad(list_handed_in_a_loop, wrt=1)(x, 0.5), expected)
    with pytest.raises(TypeError, match=rf"test_objects76\.py:{line}: this stores into an element of the argument "
                                        r"'buf', .*'buf' is a list, .*Pass an array of numbers"):
        astgrad.grad(list_handed_in_a_loop, wrt=1)([1.0, 2.0, 3.0], 0.5)
