"""Methods and classes read inside expressions and through lambdas: a method that rebinds
its attribute to a new array, writes into it and returns it (``self.d = self.d * 1.0;
self.d[0] += x; return self.d``) read inside an expression (``np.sum(p.step(x))``,
``p.step(x) * w``, ``s = s + np.sum(p.step(w[k]))`` in a loop), which is the call bound
to a name of its own first, as Python evaluates it; ``super(Cls, s)`` in a lambda called
with the method's ``self`` (``(lambda s: super(M, s).val(x))(self)``, also bound to a
name first, or a local def) and in a lambda stored as a method; a mixin's method calling a writing
method on the objects a list of its subclass holds, also one ending in ``return self``
(chainable) called as a statement of its own. Each is checked against central
differences of what Python computes (grad, value_and_grad, vjp with a random cotangent,
jvp, hessian and the jvp of the gradient) at two sizes, the caller's array left as
Python's call leaves it; CI runs one mode per program, every mode on at least three
programs, and HYPOTHESIS_PROFILE=thorough runs them all.

The neighbours not followed are refused at the user's line in words naming what the
user wrote (never a name astgrad made up): ``super(Cls, s)`` where ``s`` is another
object than the method's ``self``; a list of copies (``[v.copy() for v in xs]``) handed
to a helper writing into its items; a subclass ``__init__`` appending to the new list its
base's ``__init__`` built; a child object handed its parent's own array, then written."""

import inspect
import os
import re

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")


class Returning:
    def __init__(self, d):
        self.d = d

    def step(self, x):
        self.d = self.d * 1.0           # a new array: the caller's keeps its values
        self.d[0] += x
        return self.d                   # the very array self.d holds now


class Base:
    def val(self, x):
        return x * 2.0

    def energy(self, x):
        return np.sum(np.sin(x) * x)


class ThroughALambda(Base):
    def val(self, x):
        f = lambda s: super(ThroughALambda, s).val(x) * x      # noqa: E731
        return f(self) + x


class CalledAtOnce(Base):
    def val(self, x):
        return (lambda s: super(CalledAtOnce, s).val(x))(self) ** 2 + x


class ThroughALocalDef(Base):
    def val(self, x):
        def via(s):
            return super(ThroughALocalDef, s).val(x) + x * x
        return via(self) * 2.0


class StoredLambda(Base):
    pass


StoredLambda.scaled = lambda s, x: super(StoredLambda, s).val(x) * 3.0


class Acc:
    def __init__(self, d):
        self.d = d

    def bump(self, c):
        self.d[0] += c * self.d[-1]


class StepsAll:
    """A mixin: its subclasses hold self.items."""

    def step_all(self, c):
        for it in self.items:
            it.bump(c)


class Net(StepsAll):
    def __init__(self, a, b):
        self.items = [Acc(a), Acc(b)]

    def loss(self):
        return sum(np.sum(it.d ** 2) for it in self.items)


class ChainableSteps:
    """A mixin whose step returns self, to chain (its value unread here)."""

    def step_all(self, c):
        for it in self.items:
            it.bump(c)
        return self


class ChainedNet(ChainableSteps):
    def __init__(self, a, b):
        self.items = [Acc(a), Acc(b)]

    def loss(self):
        return sum(np.sum(it.d ** 2) for it in self.items)


# -- followed -------------------------------------------------------------------------------

def returned_summed(w):
    p = Returning(w)
    return np.sum(p.step(w[1]))


def returned_times_the_argument(w):
    p = Returning(w)
    return np.sum(w * p.step(w[1])) + np.sum(p.d ** 2)      # w keeps its values


def returned_then_multiplied(w):
    p = Returning(w * 2.0)
    s = np.sum(np.cos(p.step(w[0]) * w))
    return s * np.sum(p.d)


def returned_in_a_loop(w):
    p = Returning(np.sin(w))
    s = 0.0
    for k in range(2):
        s = s + np.sum(p.step(w[k]) ** 2)       # each turn rebinds p.d and writes into it
    return s + w[0] * np.sum(p.d)


def returned_added_in_place(w):
    p = Returning(w)
    s = np.sum(w ** 2)
    s += np.sum(np.tanh(p.step(w[2])))
    return s


def returned_into_a_numpy_call(w):
    p = Returning(np.cos(w))
    return np.dot(w, p.step(w[0])) * w[2]


def returned_subtracted_in_place(w):
    p = Returning(w * w)
    s = np.sum(w) * 2.0
    s -= np.sum(p.step(w[1]) ** 3)
    return s


def returned_twice_read_beside_its_attribute(w):
    p = Returning(np.sin(w))
    t = np.sum(p.step(w[0]))
    return t + np.sum(p.step(w[1]) * p.d)        # p.d read after the call: the array it returned


def super_through_a_local_def(w):
    m = ThroughALocalDef()
    return np.sum(np.tanh(m.val(w)))


def super_through_a_lambda(w):
    m = ThroughALambda()
    return np.sum(m.val(w) * w)


def super_in_a_lambda_called_at_once(w):
    m = CalledAtOnce()
    return np.sum(np.sin(m.val(w)))


def super_in_a_stored_lambda(w):
    m = StoredLambda()
    return np.sum(m.scaled(w) * w)


def mixin_writes_the_items(w):
    n = Net(w * 1.0, np.sin(w))
    n.step_all(w[0])
    return n.loss()


def mixin_writes_the_items_read_after(w):
    n = Net(np.cos(w), w * 2.0)
    n.step_all(w[1])
    n.step_all(w[0])
    return np.sum(n.items[0].d * n.items[1].d)


def mixin_step_returning_self(w):
    n = ChainedNet(w * 1.0, np.sin(w))
    n.step_all(w[0])                    # its value, n itself, unread
    return n.loss()


def mixin_step_returning_self_twice(w):
    n = ChainedNet(np.cos(w), w * 3.0)
    n.step_all(w[1])
    n.step_all(w[2])
    return n.loss() * w[0]


def mixin_step_returning_self_in_a_loop(w):
    n = ChainedNet(w * 1.0, np.sin(w))
    for k in range(2):
        n.step_all(w[k])
    return n.loss()


def the_same_loop_in_the_function(w):
    xs = [Acc(w * 1.0), Acc(w * 3.0)]
    for x in xs:
        x.bump(w[1])                    # what a mixin's refusal below advises: followed
    return np.sum(xs[0].d * xs[1].d)


FOLLOWED = [returned_summed, returned_times_the_argument, returned_then_multiplied, returned_in_a_loop,
            returned_added_in_place, super_through_a_lambda, super_in_a_lambda_called_at_once,
            super_in_a_stored_lambda, mixin_writes_the_items, mixin_writes_the_items_read_after,
            mixin_step_returning_self, mixin_step_returning_self_twice, the_same_loop_in_the_function,
            returned_into_a_numpy_call, returned_subtracted_in_place, super_through_a_local_def,
            mixin_step_returning_self_in_a_loop, returned_twice_read_beside_its_attribute]


def _python_value(f, w):
    return f(w.copy())


def check_mode(mode, f, n, seed):
    """``mode`` of ``f`` at a random ``w`` of size ``n`` against central differences of
    what Python computes on a copy (of astgrad's own gradient for the second order, which
    the first-order modes check); the caller's array left as it was."""
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.5, 1.5, n)
    kept = w.copy()
    plain = lambda v: _python_value(f, v)       # noqa: E731
    if mode == "grad":
        assert_close(astgrad.grad(f)(w), numerical_grad(plain, (w.copy(),)))
    elif mode == "value_and_grad":
        value, gradient = astgrad.value_and_grad(f)(w)
        assert value == pytest.approx(plain(w))
        assert_close(gradient, numerical_grad(plain, (w.copy(),)))
    elif mode == "vjp":
        cotangent = rng.normal()
        value, pullback = astgrad.vjp(f, w)
        assert value == pytest.approx(plain(w))
        assert_close(pullback(cotangent)[0], cotangent * numerical_grad(plain, (w.copy(),)))
    elif mode == "jvp":
        t = rng.normal(size=n)
        value, tangent = astgrad.jvp(f, (w,), (t,))
        assert value == pytest.approx(plain(w))
        assert_close(tangent, numerical_jvp(plain, (w.copy(),), (t,)))
    elif mode == "hessian":
        g = astgrad.grad(f)
        assert_close(astgrad.hessian(f)(w), numerical_hessian(g, (w.copy(),)), 1e-4, 1e-5)
    else:                                       # the jvp of the gradient
        g, t = astgrad.grad(f), rng.normal(size=n)
        _, tangent = astgrad.jvp(g, (w,), (t,))
        assert_close(tangent, numerical_jvp(g, (w.copy(),), (t,)), 1e-4, 1e-5)
    np.testing.assert_array_equal(w, kept)          # the caller's array as it was


def _ci_modes(k):
    """One mode per program in CI, in turn (each mode on at least three programs)."""
    return (MODES[k % len(MODES)],)


def _selected():
    for k, f in enumerate(FOLLOWED):
        for mode in MODES if THOROUGH else _ci_modes(k):
            for n in (3, 5):
                yield pytest.param(mode, f, n, id=f"{f.__name__}-{mode}-{n}")


@pytest.mark.parametrize("mode, f, n", list(_selected()))
def test_followed(mode, f, n):
    check_mode(mode, f, n, 87 + n)


def test_every_mode_runs_in_ci():
    for mode in MODES:
        assert sum(1 for k in range(len(FOLLOWED)) if mode in _ci_modes(k)) >= 3, mode


def test_the_caller_keeps_its_array_as_python_does():
    for f in FOLLOWED:
        w = np.array([0.5, 1.5, 2.0])
        expected = f(w)
        np.testing.assert_array_equal(w, [0.5, 1.5, 2.0])     # each write is into an array made in the call
        value, _ = astgrad.value_and_grad(f)(w)
        assert value == pytest.approx(expected)
        np.testing.assert_array_equal(w, [0.5, 1.5, 2.0])


def test_the_returned_array_is_the_attribute_in_python_too():
    p = Returning(np.array([0.5, 1.5, 2.0]))
    assert p.step(1.0) is p.d


# -- refused at the user's line, never a wrong gradient ------------------------------------------

class ReturningAndBumping(Returning):
    def bump(self, c):
        self.d[1] += c


def returned_summed_then_bumped(w):
    p = ReturningAndBumping(w * 1.0)
    s = np.sum(p.step(w[1]) * w)        # as e = p.step(w[1]); s = np.sum(e * w), which is refused too
    p.bump(w[0])
    return s + np.sum(p.d ** 2)


class OtherReceiver(Base):
    def val(self, x, other):
        return (lambda s: super(OtherReceiver, s).val(x))(other) + x


def super_of_another_object(w):
    m, o = OtherReceiver(), OtherReceiver()
    return np.sum(m.val(w, o))


def bump_items(vs, c):
    for v in vs:
        v[0] += c


def copies_handed_to_a_writing_helper(w):
    xs = [w * 1.0, np.sin(w)]
    ys = [v.copy() for v in xs]
    bump_items(ys, w[1])
    return np.sum(ys[0] * ys[1]) + np.sum(xs[0])


class Hist:
    def __init__(self, d):
        self.hist = []
        self.hist.append(d)


class HistTwice(Hist):
    def __init__(self, d):
        super().__init__(d)
        self.hist.append(d * 2.0)


def base_list_appended_to(w):
    o = HistTwice(np.cos(w))
    return sum(np.sum(h ** 2 * w) for h in o.hist)


class Child:
    def __init__(self, d):
        self.d = d

    def bump(self, c):
        self.d[0] += c


class Parent:
    def __init__(self, d):
        self.data = d
        self.child = Child(self.data)       # the parent's own array


def child_sharing_the_parents_array(w):
    p = Parent(w * 1.0)
    p.child.bump(w[1])                  # Python: p.data shows the write too
    return np.sum(p.data ** 2) + np.sum(p.child.d * w)


class Sharing:
    def __init__(self, d):
        self.d = d

    def bump(self, c):
        self.d[0] += c

    def child(self):
        return Sharing(self.d)          # the parent's own array


def child_returned_sharing_the_array(w):
    a = Sharing(w * 1.0)
    b = a.child()
    b.bump(w[1])                        # Python: a.d shows the write too
    return np.sum(a.d ** 2) + np.sum(b.d * w)


def _line_of(fn, start):
    """The line in its file of the first line of ``fn`` starting with ``start``."""
    lines, first = inspect.getsourcelines(fn)
    return first + next(k for k, line in enumerate(lines) if line.strip().startswith(start))


class BumpsWhatItIsHanded:
    """A mixin whose method calls a writing method on the objects it is handed."""

    def bump_each(self, xs, c):
        for x in xs:
            x.bump(c)


class User(BumpsWhatItIsHanded):
    def __init__(self, k):
        self.k = k


def mixin_bumps_the_objects_it_is_handed(w):
    u = User(2.0)
    xs = [Acc(w * 1.0), Acc(w * 3.0)]
    u.bump_each(xs, w[1])
    return np.sum(xs[0].d * xs[1].d)


REFUSED = [(returned_summed_then_bumped, ["ReturningAndBumping.bump", "self.d[1] += c"]),
           (super_of_another_object, ["super(OtherReceiver, s)", "'self'"]),
           (copies_handed_to_a_writing_helper, ["bump_items", "'ys'"]),
           (base_list_appended_to, ["HistTwice.__init__", "self.hist.append(d * 2.0)", "Hist.__init__"]),
           (mixin_bumps_the_objects_it_is_handed, ["on u (BumpsWhatItIsHanded.bump_each)", "as xs",
                                                   "x.bump(c)", "for x in xs: x.bump(c)"]),
           (child_sharing_the_parents_array, ["Child.bump", "p.data", f":{_line_of(Parent.__init__, 'self.child =')} (self.child = Child(self.data))",
                                              "Child(self.data.copy())"]),
           (child_returned_sharing_the_array, ["Sharing.bump", "a.d", f":{_line_of(Sharing.child, 'return')} (return Sharing(self.d))",
                                               "Sharing(self.d.copy()), whose writes are then followed"])]


@pytest.mark.parametrize("f, words", REFUSED, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("transform", [astgrad.grad, astgrad.hessian])
def test_refused_at_the_users_line(f, words, transform):
    with pytest.raises(astgrad.TransformError) as caught:
        transform(f)(np.array([0.5, 1.5, 2.0]))
    message, error = str(caught.value), caught.value
    assert error.lineno is not None and __file__.endswith(str(error.filename).split("/")[-1])
    for said in words:
        assert said in message
    assert re.search(r"\b(t|d|s)_\d|_saved", message) is None          # no name astgrad made up
