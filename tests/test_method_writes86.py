"""Whether a method of a class of the user's changes anything in place
(frontend/normalize/method_writes.py), asked in its two cases: bindings of names alone
(``binds_attributes=False``, for a helper that checks its input before it builds the
object, factory_calls.py) and bindings of its object's attributes too (for an object a
helper built and returned, handed an array the function reads again,
modes/handed_arrays_read_again.py). The answers are pinned on small classes; then a few
programs of each caller are checked against central differences of what Python
computes, or refused naming the user's line."""

import functools

import numpy as np
import pytest
from numpy import sin  # noqa: F401 - the global Calling.handed_function's parameter shadows

import astgrad
from astgrad.frontend.normalize.method_writes import writes_nothing
from astgrad.modes.returned_objects import Reads
from test_objects74 import check_every_mode, check_jvp_of_grad   # against central differences


def _identity(fn):
    return fn


def _wrapped(fn):
    @functools.wraps(fn)
    def inner(*args):
        return fn(*args)
    return inner


class Reading:
    def __init__(self, d):
        self.d = d

    def norm(self):
        """A docstring."""
        s = np.sum(self.d ** 2)
        t = np.sqrt(s)
        ...
        return t

    def dot(self, v):
        return np.sum(self.d * v)

    def nothing(self):
        pass

    def a_rule_with_a_keyword(self):
        return np.sum(self.d, axis=0)

    def of_a_module(self):
        return np.sum(self.d) * np.pi


class Rebinding:
    def __init__(self, d):
        self.d = d

    def shift(self, v):
        self.d = self.d + v

    def op_assign(self, v):
        self.d += v                     # NumPy adds into the array in place

    def item_store(self, v):
        self.d[0] = v

    def deleted(self):
        del self.d

    def nested_attribute(self, v):
        self.d.real = v

    def self_bound_again(self, other):
        self = other                    # its attributes are then another object's
        self.d = 1.0


class Calling:
    def __init__(self, d):
        self.d = d

    def at(self, v):
        np.add.at(self.d, [0], v)

    def out_keyword(self):
        return np.sin(self.d, out=self.d)

    def out_by_position(self, v):
        return np.multiply(self.d, v, self.d)

    def reduction_out_by_position(self):
        return np.cumsum(self.d, 0, None, self.d)

    def spread_keywords(self, opts):
        return np.sum(self.d, **opts)

    def spread_arguments(self, pair):
        return np.add(*pair)

    def array_method(self):
        return self.d.sum()

    def own_method(self):
        return self.dot(self.d)

    def handed_function(self, sin):
        return sin(self.d)              # the parameter, not numpy's sin of the module

    def users_function(self):
        return _identity(self.d)        # no rule: its body is not read here

    def branch(self, v):
        if v > 0.0:
            return np.sum(self.d)
        return v

    def loop(self):
        s = 0.0
        for x in self.d:
            s = s + x
        return s

    def lambda_made(self):
        f = lambda z: z * 2.0           # noqa: E731
        return f(self.d)

    def comprehension(self):
        return np.sum([x for x in self.d])

    def walrus(self):
        return np.sum((s := self.d))

    def generator(self):
        yield np.sum(self.d)

    @staticmethod
    def static(v):
        return np.sin(v)

    @classmethod
    def of_class(cls, v):
        return np.sin(v)



class NoSelf:
    def no_self():                      # noqa: N805 - never callable on an object
        return 1.0


class Decorated:
    def __init__(self, d):
        self.d = d

    @_identity
    def decorated(self):                # the class holds this function itself
        return np.sum(self.d)


class Wrapped:
    def __init__(self, d):
        self.d = d

    @_wrapped
    def wrapped(self):
        return np.sum(self.d)


class Binds:
    def __init__(self, d):
        self.d = d * 2.0


class Writes:
    def __init__(self, d):
        d[0] = 0.0
        self.d = d


class Builds:
    def __init__(self, d):
        self.d = d

    def plain(self):
        return Binds(self.d)

    def writing(self):
        return Writes(self.d)


class Deep0:
    def __init__(self, d):
        self.d = d


class Deep1:
    def __init__(self, d):
        self.inner = Deep0(d)


class Deep2:
    def __init__(self, d):
        self.inner = Deep1(d)


class Deep3:
    def __init__(self, d):
        self.inner = Deep2(d)


class Deep4:
    def __init__(self, d):
        self.inner = Deep3(d)


class Deeper:
    def __init__(self, d):
        self.d = d

    def four(self):
        return Deep3(self.d)            # __init__s four deep: followed

    def five(self):
        return Deep4(self.d)            # five deep: not


class WithProperty:
    def __init__(self, d):
        self.d = d
        self.n = 0

    @property
    def twice(self):
        return self.d * 2.0

    @property
    def counted(self):
        self.n = self.n + 1             # the getter changes its object
        return self.d

    def reads_twice(self):
        return np.sum(self.twice)

    def reads_counted(self):
        return np.sum(self.counted)

    def method_as_value(self):
        f = self.reads_twice
        return f


class Held:
    def __init__(self, d):
        self.d = d

    @property
    def bumped(self):
        self.d[0] = self.d[0] * 3.0     # the getter writes into the array it was handed
        return self.d


class Holding:
    def __init__(self, d):
        self.inner = Held(d)

    def through_what_it_holds(self, v):
        return np.sum(self.inner.bumped) * v

    def of_a_parameter(self, v):
        return np.sum(v.bumped)

    def of_what_it_holds(self, v):
        return np.sum(self.inner.d) * v


class Hooked:
    def __init__(self, d):
        self.d = d

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)

    def norm(self):
        return np.sum(self.d)


class HookedBase:
    def __getattr__(self, name):
        return 0.0


class HookedChild(HookedBase):
    def norm(self):
        return np.sum(self.d)


class Child(Reading):
    pass


class WritingBase:
    def scale(self, c):
        self.d *= c


class WritingChild(WritingBase):
    def __init__(self, d):
        self.d = d


class Shadowed:
    def __init__(self, d, f):
        self.d = d
        self.norm = f                   # a.norm() calls this function, not the method

    def norm(self):
        return np.sum(self.d)


def _closure_class():
    k = 2.0

    class Closing:
        def __init__(self, d):
            self.d = d

        def scaled(self):
            return np.sum(self.d * k)
    return Closing


Closing = _closure_class()

_made = {}
exec("def unread(self):\n    return self.d\n", {}, _made)      # no file to read its source from


class Unread:
    def __init__(self, d):
        self.d = d

    unread = _made["unread"]


# (class, method, answer binding names alone, answer binding attributes too)
ANSWERS = [
    (Reading, "norm", True, True),
    (Reading, "dot", True, True),
    (Reading, "nothing", True, True),
    (Reading, "a_rule_with_a_keyword", True, True),
    (Reading, "of_a_module", True, True),
    (Reading, "__init__", False, True),
    (Child, "norm", True, True),
    (Rebinding, "shift", False, True),
    (Rebinding, "op_assign", False, False),
    (Rebinding, "item_store", False, False),
    (Rebinding, "deleted", False, False),
    (Rebinding, "nested_attribute", False, False),
    (Rebinding, "self_bound_again", False, False),
    (Calling, "at", False, False),
    (Calling, "out_keyword", False, False),
    (Calling, "out_by_position", False, False),
    (Calling, "reduction_out_by_position", False, False),
    (Calling, "spread_keywords", False, False),
    (Calling, "spread_arguments", False, False),
    (Calling, "array_method", False, False),
    (Calling, "own_method", False, False),
    (Calling, "handed_function", False, False),
    (Calling, "users_function", False, False),
    (Calling, "branch", False, False),
    (Calling, "loop", False, False),
    (Calling, "lambda_made", False, False),
    (Calling, "comprehension", False, False),
    (Calling, "walrus", False, False),
    (Calling, "generator", False, False),
    (NoSelf, "no_self", False, False),
    (Calling, "static", False, False),
    (Calling, "of_class", False, False),
    (Decorated, "decorated", True, True),     # (the decorator handed back the very function)
    (Wrapped, "wrapped", False, False),
    (Calling, "missing", False, False),
    (Builds, "plain", False, True),
    (Builds, "writing", False, False),
    (Deeper, "four", False, True),
    (Deeper, "five", False, False),
    (WithProperty, "reads_twice", False, False),
    (WithProperty, "reads_counted", False, False),
    (WithProperty, "method_as_value", False, False),
    (Holding, "through_what_it_holds", False, False),
    (Holding, "of_a_parameter", False, False),
    (Holding, "of_what_it_holds", False, False),
    (Hooked, "norm", False, False),
    (HookedChild, "norm", False, False),
    (WritingChild, "scale", False, False),
    (Shadowed, "norm", False, False),
    (Closing, "scaled", False, False),
    (Unread, "unread", False, False),
]


@pytest.mark.parametrize("cls, name, names_only, attributes", ANSWERS,
                         ids=[f"{cls.__name__}.{name}" for cls, name, _, _ in ANSWERS])
def test_the_answer(cls, name, names_only, attributes):
    assert writes_nothing(cls, name, binds_attributes=False) is names_only
    assert writes_nothing(cls, name) is attributes
    assert writes_nothing(cls, name, Reads(globals())) is attributes    # noting changes no answer


def test_what_an_answer_read_is_noted():
    noted = Reads(globals())
    assert writes_nothing(Builds, "plain", noted)
    assert ("np", "sum") not in noted.paths and ("Binds",) in noted.paths
    assert (Builds, "plain") in noted.methods and (Builds, "d") in noted.methods
    assert (Binds, "__init__") in noted.methods
    noted = Reads(globals())
    assert writes_nothing(Reading, "norm", noted)
    assert {("np", "sum"), ("np", "sqrt")} <= set(noted.paths)


def test_a_function_of_another_module_is_not_read_where_notes_are_taken():
    assert writes_nothing(Reading, "norm")
    assert not writes_nothing(Reading, "norm", Reads({}))


# -- a helper checking its input before it builds the object (factory_calls.py) --------------

class P:
    def __init__(self, d):
        self.d = d

    def norm(self):
        """Reads only."""
        s = np.sum(self.d ** 2)
        return np.sqrt(s)

    def dot(self, v):
        return np.sum(self.d * v)


class Q:
    def __init__(self, d):
        self.d = d

    def into(self, v):
        return np.sum(np.multiply(self.d, v, self.d))     # into the array handed in, by position


def mk_p(x):
    if x.ndim != 1:
        raise ValueError("a vector, please")
    return P(x * 2.0)


def mk_q(x):
    if x.ndim != 1:
        raise ValueError("a vector, please")
    return Q(x)


def checked_and_read(w):
    p = mk_p(np.sin(w))
    return p.norm() * p.dot(w)


def checked_and_compared(w):
    p = mk_p(w)
    if p.norm() > 1.0:
        return p.dot(w ** 2)
    return np.sum(w)


def checked_and_written(w):
    buf = w * 1.0
    q = mk_q(buf)
    return q.into(w[0]) * np.sum(buf)


def test_a_checking_helper_whose_method_writes_is_refused_at_the_users_line():
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(checked_and_written)(np.array([0.5, 1.5, 2.0]))
    assert caught.value.filename.endswith("test_method_writes86.py")
    assert caught.value.line.strip() == "return q.into(w[0]) * np.sum(buf)"
    assert "Q.into changes the object it is called on in place" in str(caught.value)
    assert "np.multiply(self.d, v, self.d)" in str(caught.value)


# -- a method on an object a helper returned, handed an array read again ---------------------

class Acc:
    def __init__(self, data):
        self.data = data

    def shift(self, v):
        """Only rebinds: the array it was handed keeps its values."""
        s = np.sin(self.data)
        self.data = s * v
        ...

    def rebuilt(self, v):
        self.inner = Binds(self.data * v)   # a new object of a class whose __init__ only binds

    def through_a_property(self, v):
        self.data = self.view * v

    @property
    def view(self):
        self.data[0] = 0.0                  # into the array handed in
        return self.data


class ByPosition:
    def __init__(self, data):
        self.data = data

    def shift(self, v):
        np.multiply(self.data, v, self.data)    # a ufunc's out given by position: into the array handed in


def mk_acc(b):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    return Acc(b)


def rebinds(w):
    buf = w * 2.0
    a = mk_acc(buf)
    a.shift(w[1])
    return np.sum(buf ** 2) * np.sum(a.data)


def rebuilds(w):
    buf = np.cos(w)
    a = mk_acc(buf)
    a.rebuilt(w[0])
    return np.sum(buf * w) + np.sum(a.inner.d)


def through_a_property(w):
    buf = w * 1.5
    a = mk_acc(buf)
    a.through_a_property(w[2])
    return np.sum(buf * w)


def mk_by_position(b):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    return ByPosition(b)


def out_by_position_returned(w):
    buf = w * 1.0
    a = mk_by_position(buf)
    a.shift(w[0])
    return np.sum(buf * w)


def out_by_position_built(w):
    buf = w * 1.0
    a = ByPosition(buf)
    a.shift(w[0])
    return np.sum(buf * w)


# (a checking helper folded, its object's methods only reading; a returned object's method rebinding)
FOLLOWED = [checked_and_read, checked_and_compared, rebinds, rebuilds]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 86 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_followed_jvp_of_grad(f):
    check_jvp_of_grad(f, 86)


def test_a_returned_object_read_through_a_writing_property_is_refused_at_the_users_line():
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(through_a_property)(np.array([0.5, 1.5, 2.0]))
    assert caught.value.filename.endswith("test_method_writes86.py")
    assert caught.value.line.strip() == "a.through_a_property(w[2])"
    assert "Acc.through_a_property changes the object" in str(caught.value)
    assert "the call of Acc.view" in str(caught.value)


@pytest.mark.parametrize("f", [out_by_position_returned, out_by_position_built], ids=lambda f: f.__name__)
def test_a_method_writing_through_out_given_by_position_is_refused_at_the_users_line(f):
    w = np.array([0.5, 1.5, 2.0])
    for run in (lambda: astgrad.grad(f)(w), lambda: astgrad.jvp(f, (w,), (np.ones(3),))):
        with pytest.raises(astgrad.TransformError) as caught:
            run()
        assert caught.value.filename.endswith("test_method_writes86.py")
        assert caught.value.line.strip() == "a.shift(w[0])"
        assert "ByPosition.shift changes the object it is called on in place" in str(caught.value)
        assert "np.multiply(self.data, v, self.data)" in str(caught.value)
