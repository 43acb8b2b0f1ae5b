"""Classes of the user's in the inheritance forms a user writes every day: the two-argument
``super(Cls, self).__init__(w)`` and ``super(Cls, self).energy(x)`` (also two levels of
it, and ``super(Mid, self).energy(x)`` skipping to a class further along the method
resolution order), a base named through its module (``class Scaled(test_objects80.Box)``),
a mixin holding only methods coming first (``class Doubled(Twice, Base)`` built alone,
``class MixedAcc(Bumps, Acc)`` in a list), an ``__init__`` appending its argument to the
object's own new list (``self.hist = []; self.hist.append(d)``) and one writing into the
array its base's stored (``super(Doubles, self).__init__(d); self.data[0] *= 2.0``), one
storing a new list made from its base's (``self.hist = self.hist + [d * 2.0]``), and objects
in a list whose class has a method naming an attribute it lacks (``self.energy(x)``,
``self.scale``: Python's AttributeError there, on the object as on one built again). Each
is checked in grad, value_and_grad, jvp, vjp, hessian and jvp of grad against central
differences of what Python computes, at two sizes (check_every_mode). Rebinding the name
``super(Cls, self)`` reads makes new code that follows what the name means then (in an
``__init__``, refused where it no longer names its class). The
neighbours astgrad does not follow are refused at the user's line in words saying what:
another receiver than ``self``, a skipping ``super`` in an ``__init__``, an ``__init__``
appending to the list its class holds, or to a list the caller handed it, and a subclass's
``__init__`` appending to the new list its base's built (not followed: said so, not that
it changes its argument)."""

import inspect

import numpy as np
import pytest

import astgrad
import test_objects80
import test_objects85b
from fd import assert_close, numerical_grad
from test_objects74 import check_every_mode, check_jvp_of_grad   # against central differences


class Base:
    def __init__(self, w):
        self.w = w

    def energy(self, x):
        return np.sum(np.sin(self.w * x))


class Explicit(Base):
    def __init__(self, w, s):
        super(Explicit, self).__init__(w)
        self.s = s

    def energy(self, x):
        return self.s * super(Explicit, self).energy(x) + np.sum(self.w ** 2)


class ExplicitTwice(Explicit):           # two levels of super(Cls, self)
    def __init__(self, w, s):
        super(ExplicitTwice, self).__init__(w * 2.0, s)

    def energy(self, x):
        return super(ExplicitTwice, self).energy(x) * np.sum(x)


class Mid(Base):
    def energy(self, x):
        return 2.0 * super().energy(x)


class Skip(Mid):
    def energy(self, x):
        return 3.0 * super(Mid, self).energy(x) + super(Skip, self).energy(x)    # Base's, then Mid's


class Scaled(test_objects80.Box):       # a base named through its module
    def __init__(self, v, k):
        super(Scaled, self).__init__(v)
        self.k = k

    def norm2(self):
        return self.k * np.sum(self.v ** 2)


class Twice:                            # a mixin: methods only, no __init__
    def doubled(self, x):
        return 2.0 * self.energy(x)


class Bumps:                            # a mixin for objects writing into their array
    def bump_twice(self, k, c):
        self.bump(k, c)
        self.bump(k, c)


class Doubled(Twice, Base):
    pass


class DoubledInit(Twice, Base):
    def __init__(self, w, s):
        super(DoubledInit, self).__init__(w * s)


class MixedAcc(Bumps, test_objects85b.Acc):
    def __init__(self, data):
        super(MixedAcc, self).__init__(data)


class Hist:
    def __init__(self, d):
        self.hist = []
        self.hist.append(d)

    def push(self, d):
        self.hist.append(d)

    def total(self):
        s = 0.0
        for h in self.hist:
            s = s + np.sum(h ** 2)
        return s


class Pair:
    def __init__(self, d):
        self.hist = [d]
        self.hist.append(np.sin(d))
        self.scale = 2.0


class Copies:
    def __init__(self, d):
        self.data = d.copy()


class Doubles(Copies):                  # writes into the array its base's __init__ stored
    def __init__(self, d):
        super(Doubles, self).__init__(d)
        self.data[0] *= 2.0
        self.data[1] += self.data[0]


class OwnSub(Hist):                     # extends the new list its base's __init__ built
    def __init__(self, d):
        super().__init__(d)
        self.hist = self.hist + [d * 2.0]


class Doubling(test_objects85b.Acc):    # a method naming what only a subclass would define
    def doubled(self, x):
        return 2.0 * self.energy(x)


class Scaling(test_objects85b.Acc):     # a method reading an attribute no object of it holds
    def scaled(self):
        return self.scale * self.data


def explicit_super(w):
    m = Explicit(np.cos(w), w[0])
    return m.energy(w)


def explicit_two_levels(w):
    m = ExplicitTwice(w, w[1])
    return m.energy(np.sin(w))


def skipping_a_level(w):
    return Skip(w * w).energy(w)


def dotted_base(w):
    b = Scaled(w * 2.0, w[2])
    b.scale(w[0])
    return b.norm2()


def mixin_first(w):
    m = Doubled(w)
    return m.doubled(np.cos(w))


def mixin_first_with_init(w):
    m = DoubledInit(w, w[0])
    return m.doubled(w) + m.energy(w)


def mixin_in_a_list(w):
    held = []
    for k in range(2):
        a = MixedAcc(w * (k + 1.0))
        held.append(a)
        a.bump(0, w[1])               # Acc's, found after the mixin along the order
    return np.sum(held[0].data) + np.sum(held[1].data * w)


def own_list(w):
    h = Hist(w * w)
    return h.total() + np.sum(h.hist[0] * w)


def own_list_pushed(w):
    h = Hist(np.sin(w))
    h.push(w * 3.0)
    return h.total() + np.sum(h.hist[1] * h.hist[0])


def own_list_in_a_loop(w):
    s = 0.0
    for k in range(3):
        h = Hist(w * (k + 1.0))
        s = s + h.total()
    return s


def own_list_of_two(w):
    p = Pair(w)
    return p.scale * np.sum(p.hist[0] * p.hist[1])


def base_list_extended(w):
    o = OwnSub(np.cos(w))
    return sum(np.sum(h ** 2 * w) for h in o.hist)


doubling_in_a_list = test_objects85b.built_in_a_list(Doubling)
scaling_in_a_list = test_objects85b.built_in_a_list(Scaling)


def base_stored_then_written(w):
    c = Doubles(np.sin(w))
    return np.sum(c.data ** 2 * w)


FOLLOWED = [explicit_super, explicit_two_levels, skipping_a_level, dotted_base, mixin_first,
            mixin_first_with_init, mixin_in_a_list, own_list, own_list_pushed, own_list_in_a_loop,
            own_list_of_two, base_list_extended, base_stored_then_written, doubling_in_a_list,
            scaling_in_a_list]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 86 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_jvp_of_grad_against_central_differences(f):
    check_jvp_of_grad(f, 86)


class Top:
    def energy(self, x):
        return np.sum(np.sin(x))


class Middle(Top):
    def energy(self, x):
        return 3.0 * super().energy(x)


class Named(Middle):
    def energy(self, x):
        return 2.0 * super(Named, self).energy(x)      # Named: looked up when the line runs


MADE = Named


def through_a_rebound_name(w):
    return MADE().energy(w * w)


def test_rebinding_the_name_super_reads_makes_new_code(monkeypatch):
    w = np.array([0.3, 0.7, 1.1])
    g = astgrad.grad(through_a_rebound_name)
    assert_close(g(w), numerical_grad(through_a_rebound_name, (w,)))
    before = through_a_rebound_name(w)
    monkeypatch.setattr(__import__(__name__), "Named", Middle)    # super(Middle, self): Top's energy now
    after = through_a_rebound_name(w)
    assert after == pytest.approx(before / 3.0)                   # what Python computes now
    value, gradient = astgrad.value_and_grad(through_a_rebound_name)(w)
    assert value == pytest.approx(after)
    assert_close(gradient, numerical_grad(through_a_rebound_name, (w,)))
    assert_close(g(w), gradient)


class Bottom:
    def __init__(self, w):
        self.w = w


class Above(Bottom):
    def __init__(self, w):
        super().__init__(w * 3.0)


class InitNamed(Above):
    def __init__(self, w):
        super(InitNamed, self).__init__(w * 2.0)     # InitNamed: looked up when the line runs


BUILT = InitNamed


def built_through_a_rebound_name(w):
    return np.sum(np.sin(BUILT(w).w))


def test_rebinding_the_name_an_init_super_reads_is_not_followed_stale(monkeypatch):
    w = np.array([0.3, 0.7, 1.1])
    g = astgrad.grad(built_through_a_rebound_name)
    assert_close(g(w), numerical_grad(built_through_a_rebound_name, (w,)))
    monkeypatch.setattr(__import__(__name__), "InitNamed", Above)   # super(Above, self): Bottom's, given 2w
    assert built_through_a_rebound_name(w) == pytest.approx(np.sum(np.sin(2.0 * w)))
    with pytest.raises(astgrad.TransformError) as refused:       # not the code made for 6w
        g(w)
    assert "super(InitNamed, self).__init__(w * 2.0)" in str(refused.value), str(refused.value)


class OtherReceiver(Base):
    def energy(self, x):
        other = self
        return super(OtherReceiver, other).energy(x)


class SkipInit(Mid):
    def __init__(self, w):
        super(Mid, self).__init__(w)


class ClassList:
    hist = []                           # shared by every instance

    def __init__(self, d):
        self.hist.append(d)


class Given:
    def __init__(self, lst, d):
        self.hist = lst
        self.hist.append(d)


class AppendsToBase(Hist):              # changes in place the new list Hist.__init__ built
    def __init__(self, d):
        super().__init__(d)
        self.hist.append(d * 2.0)


def another_receiver(w):
    return OtherReceiver(w).energy(w)


def skipping_in_init(w):
    return SkipInit(w).energy(w)


def class_held_list(w):
    h = ClassList(w * 1.0)
    s = np.sum(h.hist[-1] ** 2)
    ClassList.hist.clear()              # (Python changed the class's list: left as it was)
    return s


def caller_list(w):
    lst = []
    h = Given(lst, w * 1.0)
    return np.sum(lst[0] ** 2) + np.sum(h.hist[0])


def base_list_appended(w):
    o = AppendsToBase(w)
    return sum(np.sum(h ** 2) for h in o.hist)


REFUSED = {another_receiver: ("super(OtherReceiver, other): a super() given another receiver",
                             "return super(OtherReceiver, other).energy(x)"),
           skipping_in_init: ("SkipInit(...), whose SkipInit.__init__ has super(Mid, self).__init__(w)",
                              "return SkipInit(w).energy(w)"),
           class_held_list: ("changes the list its class holds (ClassList.hist), which every instance shares",
                             "h = ClassList(w * 1.0)"),
           caller_list: ("the call of Given.__init__ changes its argument 'lst' in place",
                         "h = Given(lst, w * 1.0)"),
           base_list_appended: ("AppendsToBase.__init__ changes self.hist in place (the method call .append() at "
                                f"{__file__}:{inspect.getsourcelines(AppendsToBase)[1] + 3}: "
                                "self.hist.append(d * 2.0)), the new list Hist.__init__ built",
                                "o = AppendsToBase(w)")}


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
def test_refused_in_the_users_words(f):
    """Refused at the user's line (the method's own for super() given another receiver),
    quoting it, in words saying what is not followed, with no name astgrad made up."""
    words, line = REFUSED[f]
    w = np.array([0.5, 1.5, 2.0])
    assert np.isfinite(f(w.copy()))         # Python runs it
    with pytest.raises(astgrad.TransformError) as refused:
        astgrad.grad(f)(w)
    message = str(refused.value)
    lines, _ = inspect.findsource(f)
    number = next(k + 1 for k, text in enumerate(lines) if text.strip() == line)
    assert f"test_objects86.py:{number}: " in message and line in message, message
    assert words in message, message
    assert "_init(" not in message and "__astgrad" not in message, message
