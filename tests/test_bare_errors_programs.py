"""Programs that once met a bare internal error or a Python semantic astgrad did not
follow: each is now followed (against central finite differences in grad, jvp and
hessian, tests/breadth_modes.py) or refused with the line and advice."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from test_iterator_classes import Seq


class MovedFirst(Seq):
    """An iterator class whose counter moves before the item is computed: an item that
    raises leaves the counter past it, the next call computing the one after it. (Seq
    computes the item before the counter moves: an item that raises is computed again.)"""
    def __next__(self):
        if self.i >= len(self.data):
            raise StopIteration
        self.i += 1
        return self.w / self.data[self.i - 1]


class MovedBetween(Seq):
    """What may raise computed both before and after the move."""
    def __next__(self):
        if self.i >= len(self.data):
            raise StopIteration
        u = self.w / self.data[self.i]
        self.i += 1
        return u / self.data[self.i - 1]


def next_after_a_raise(a, t):
    it = iter(MovedFirst([a, 0.0, t], t))
    s = next(it)
    for k in range(2):
        try:
            s = s + next(it)        # Python: t / 0.0 raises, then the counter is past it: t / t
        except (ZeroDivisionError, StopIteration):
            s = s * 2.0
    return s


def next_again_after_a_raise(a, t):
    it = iter(Seq([a, 0.0, t], t))
    s, tries = next(it), 0
    while tries < 2:
        tries += 1
        try:
            s = s + next(it)            # Python computes t / 0.0 again
        except ZeroDivisionError:
            s = s * (1.0 + tries)
    return s


def next_between(a, t):
    it = iter(MovedBetween([a, 0.0, t], t))
    s = next(it)
    try:
        s = s + next(it)
    except ZeroDivisionError:
        s = s * 2.0
    return s


def popped_through_a_name(a, t):
    d = {"a": [a], "b": [a, t, a * t]}
    xs = d["b"]                 # the very list d holds: the pop shortens d["b"]
    v = xs.pop()
    return v * t + sum(d["b"]) * a + d["a"][0]


def popped_through_a_name_in_a_loop(a, t):
    rows = [[a, t * t, a * t], [t]]
    xs = rows[0]
    s = 0.0
    for _ in range(2):
        v = xs.pop()
        s = s + v * rows[0][0]
    return s + sum(rows[0]) * t


class Sampler:
    def __init__(self, x):
        self.x = x
        self.rng = np.random.default_rng(0)
        self.n = 0

    def sample(self):
        z = self.rng.standard_normal()
        self.n = self.n + 1         # draws and writes self
        return self.x * z


def drawn_and_written(a, t):
    s = Sampler(a)
    return s.sample() * t + s.sample()


class Pair:
    """A plain class: astgrad.grad(g)(Pair(...)) raises TypeError in Python."""
    def __init__(self, a, b):
        self.a = a
        self.b = b


def product(p):
    return p.a * p.b + p.a ** 2


def nested_grad_of_a_plain_object(a, t):
    gp = astgrad.grad(product)(Pair(a, t))
    return gp.a * t + gp.b


class Doubling:
    """Its own __setitem__: the item stored is twice the value given."""
    def __init__(self, n):
        self.vals = [0.0] * n

    def __setitem__(self, i, v):
        self.vals[i] = v * 2.0


def written_in_a_nested_def(a, t, v):
    def put(i, x):
        v[i] = x
    put(0, a)
    put(1, t * a)
    return v.vals[0] * v.vals[1]


PROGRAMS = [(next_after_a_raise, (0.7, 1.3)), (next_again_after_a_raise, (0.7, 1.3)),
            (popped_through_a_name, (0.7, 1.3))]
FIRST_ORDER = [(popped_through_a_name_in_a_loop, (0.7, 1.3))]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f, args", PROGRAMS, ids=[f.__name__ for f, _ in PROGRAMS])
def test_followed_as_python_runs_them(f, args, mode):
    check(mode, f, args, (0, 1))


@pytest.mark.parametrize("f, args", FIRST_ORDER, ids=[f.__name__ for f, _ in FIRST_ORDER])
def test_followed_to_first_order_and_refused_twice_at_the_line(f, args):
    check("grad", f, args, (0, 1))
    check("jvp", f, args, (0, 1))
    with pytest.raises(astgrad.TransformError, match="this line cannot be differentiated twice") as caught:
        astgrad.hessian(f)(*args)
    assert "test_bare_errors_programs.py:" in str(caught.value) and "v = xs.pop()" in str(caught.value)


REFUSED = [
    (next_between, "next\\(\\) of a MovedBetween, whose __next__ computes what may raise both before and after it "
                   "moves its counter, where an except may catch it; compute the item before moving the counter"),
    (drawn_and_written, "a call of Sampler.sample, which draws random numbers from the generator self.rng \\(at "
                        ".*test_bare_errors_programs.py:\\d+\\) and also assigns attributes of self; .*Draw the "
                        "numbers in a method that assigns nothing"),
]


@pytest.mark.parametrize("mode", ["grad", "jvp"])
@pytest.mark.parametrize("f, match", REFUSED, ids=[f.__name__ for f, _ in REFUSED])
def test_refused_at_the_line(f, match, mode):
    f(0.7, 1.3)         # Python runs it
    transform = {"grad": lambda: astgrad.grad(f)(0.7, 1.3),
                 "jvp": lambda: astgrad.jvp(f, (0.7, 1.3), (1.0, 0.0))}[mode]
    with pytest.raises(astgrad.TransformError, match=match) as caught:
        transform()
    assert "test_bare_errors_programs.py:" in str(caught.value)
    check(mode, next_after_a_raise, (0.3, 0.4), (0, 1))       # the next transform works


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_a_nested_gradient_of_a_plain_object_raises_as_python_does(mode):
    with pytest.raises(TypeError, match="grad: argument 'p' is an object of the class Pair, which is not a dataclass"):
        nested_grad_of_a_plain_object(0.7, 1.3)         # Python
    run = {"grad": lambda: astgrad.grad(nested_grad_of_a_plain_object)(0.7, 1.3),
           "jvp": lambda: astgrad.jvp(nested_grad_of_a_plain_object, (0.7, 1.3), (1.0, 0.0)),
           "hessian": lambda: astgrad.hessian(nested_grad_of_a_plain_object)(0.7, 1.3)}[mode]
    with pytest.raises(TypeError, match="class Pair, which is not a dataclass.*Make Pair a @dataclasses.dataclass"):
        run()
    check("grad", next_after_a_raise, (0.3, 0.4), (0, 1))       # the next transform works


def test_an_item_write_into_an_object_with_its_own_setitem_stops_when_it_runs():
    assert written_in_a_nested_def(0.7, 1.3, Doubling(2)) == (2 * 0.7) * (2 * 1.3 * 0.7)    # Python
    with pytest.raises(TypeError, match="test_bare_errors_programs.py:\\d+: astgrad: this writes an item of a "
                                        "Doubling, whose __setitem__ is its own code.*Call a method of the object"):
        astgrad.grad(written_in_a_nested_def, wrt=(0, 1))(0.7, 1.3, Doubling(2))
    check("grad", next_after_a_raise, (0.3, 0.4), (0, 1))       # the next transform works
