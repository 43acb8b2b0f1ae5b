"""A helper of the user's that checks its input and then only builds an object
(``if x.ndim != 1: raise ValueError(...)``, ``assert ...``, then ``return P(x * 2.0)``),
called to bind a name whose methods the function calls: the object is followed as one the
function builds, its methods (which only read it) differentiated, the checks run where
Python runs them, with the same exception and message. Each followed form is checked in
every mode against central differences of what Python computes, at two sizes. Its
neighbours astgrad does not fold (a check after a statement, a helper of another module
returning a name (one returning the construction is followed, kept as a call),
a global the function shadows, a method writing into the array handed in) are followed
elsewhere or refused, naming the user's line, never a wrong gradient."""

import numpy as np
import pytest

import astgrad
from checking_factories85_other import make_q, make_q_named
from test_objects74 import check_every_mode, check_jvp_of_grad   # against central differences

LIMIT = 10


class P:
    def __init__(self, d):
        self.d = d

    def norm(self):
        return np.sqrt(np.sum(self.d ** 2))

    def dot(self, v):
        return np.sum(self.d * v)


class W:
    def __init__(self, d):
        self.d = d

    def norm(self):
        return np.sqrt(np.sum(self.d ** 2))

    def scale(self, c):
        self.d *= c                     # into the array handed in


def mk(x):
    if x.ndim != 1:
        raise ValueError("a vector, please")
    return P(x * 2.0)


def mk_asserting(x, k=2.0):
    """Reads a global in its check."""
    assert x.shape[0] <= LIMIT, "too long"
    o = P(x * k)
    return o


def mk_late(x):
    y = x * 2.0
    if x.ndim != 1:                     # a check after a statement: not folded
        raise ValueError("a vector, please")
    return P(y)


def mk_w(x):
    if x.ndim != 1:
        raise ValueError("a vector, please")
    return W(x)


# -- followed -------------------------------------------------------------------------------

def used(w):
    p = mk(w)
    return p.norm() * w[0]


def compared(w):
    p = mk(w)
    if p.norm() > 1.0:
        return np.sum(p.d * w)
    return np.sum(w)


def compared_false(w):
    p = mk(w)
    if p.norm() > 100.0:
        return np.sum(p.d * w)
    return np.sum(w ** 2)


def asserting(w):
    p = mk_asserting(w, 3.0)
    return p.dot(w) + p.norm()


def called_twice(w):
    p = mk(w)
    q = mk_asserting(w)
    return p.norm() * q.dot(w)


def in_a_loop(w):
    s = 0.0
    for k in range(3):
        p = mk(w)
        s = s + p.norm() * w[k % 2]
    return s


def in_a_branch(w):
    if w[0] > 0.0:
        p = mk(w)
        return p.norm() ** 2
    return np.sum(w)


def expressions_handed(w):
    p = mk(np.sin(w) * 2.0)             # bound to a name of its own, then checked, then built
    q = mk_asserting(w[:2] + 1.0, k=w[0] * 3.0)
    return p.norm() * q.dot(w[:2])


def failing_on_an_expression(w):
    p = mk(np.outer(w, w))
    return p.norm()


def foreign_compared(w):
    p = make_q(w)                       # kept as a call, its object given its class
    if p.norm() > 1.0:
        return np.sum(p.d * w)
    return np.sum(w)


def foreign_used(w):
    p = make_q(w)
    return p.norm()


FOLLOWED = [used, compared, compared_false, asserting, called_twice, in_a_loop, in_a_branch, expressions_handed,
            foreign_compared, foreign_used]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 85 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_followed_jvp_of_grad(f):
    check_jvp_of_grad(f, 85)


# -- the checks run as Python runs them -------------------------------------------------------

def _modes(f, x):
    return [lambda: astgrad.grad(f)(x), lambda: astgrad.value_and_grad(f)(x),
            lambda: astgrad.jvp(f, (x,), (np.ones_like(x),)), lambda: astgrad.vjp(f, x)[1](1.0)]


def test_a_failing_check_raises_what_python_raises():
    for f, x in ((used, np.ones((2, 2))), (compared, np.ones((2, 2))), (failing_on_an_expression, np.ones(3))):
        with pytest.raises(ValueError, match="a vector, please"):
            f(x)
        for run in _modes(f, x):
            with pytest.raises(ValueError, match="a vector, please"):
                run()
    for run in _modes(asserting, np.ones(LIMIT + 2)):
        with pytest.raises(AssertionError, match="too long"):
            run()


def test_a_check_reads_the_global_when_the_code_runs(monkeypatch):
    w = np.array([0.5, 1.5, 2.0])
    before = astgrad.grad(asserting)(w)
    monkeypatch.setattr(__import__(__name__), "LIMIT", 2)
    with pytest.raises(AssertionError, match="too long"):
        astgrad.grad(asserting)(w)
    monkeypatch.setattr(__import__(__name__), "LIMIT", 10)
    np.testing.assert_allclose(astgrad.grad(asserting)(w), before)


# -- not folded: followed elsewhere, or refused in words ---------------------------------------

def checked_late_compared(w):
    p = mk_late(w)
    if p.norm() > 1.0:
        return np.sum(w * 2.0)
    return np.sum(w)


def test_a_check_after_a_statement_is_not_folded_and_not_wrong():
    w = np.array([0.5, 1.5, 2.0])
    # its object's method value is only tested: followed by what returned objects allow
    check_every_mode(checked_late_compared, 3, 7)
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(lambda v: mk_late(v).norm())(w)
    assert caught.value.lineno is not None


def shadowed_global(w):
    LIMIT = 1                           # the helper's LIMIT is the module's, not this one
    p = mk_asserting(w)
    return p.norm() * LIMIT


def foreign_named_compared(w):
    p = make_q_named(w)                 # another module's helper returning a name: its class unseen
    if p.norm() > 1.0:
        return np.sum(p.d * w)
    return np.sum(w)


def foreign_named_used(w):
    p = make_q_named(w)
    return p.norm()


def writes_the_array_handed_in(w):
    buf = w * 1.0
    p = mk_w(buf)
    p.scale(w[0])
    return np.sum(buf) * p.norm()


@pytest.mark.parametrize("f, line", [(shadowed_global, "return p.norm() * LIMIT"), (foreign_named_used, "return p.norm()"),
                                     (foreign_named_compared, "if p.norm() > 1.0:"),
                                     (writes_the_array_handed_in, "p.scale(w[0])")],
                         ids=lambda v: getattr(v, "__name__", "line"))
def test_not_folded_is_refused_at_the_users_line(f, line):
    w = np.array([0.5, 1.5, 2.0])
    for run in _modes(f, w):
        with pytest.raises(astgrad.TransformError) as caught:
            run()
        assert caught.value.filename.endswith("test_checking_factories85.py")
        assert caught.value.line.strip() == line


def test_a_tested_value_on_an_unknown_class_is_refused_in_its_own_words():
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(foreign_named_compared)(np.array([0.5, 1.5, 2.0]))
    message = str(caught.value)
    assert "changes a differentiated value in place" not in message
    assert "make_q_named() (line" in message and "cannot tell whether .norm() changes it" in message
