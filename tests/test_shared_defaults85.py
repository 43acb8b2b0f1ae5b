"""A default argument holding one array every call shares, written into through an object.

Python makes ``def __init__(self, arr=Z)``'s default once, when the def runs: ``P()`` binds
``self.arr`` to ``Z`` itself, and ``s.arr += w`` writes into ``Z`` (two calls give 1.4, then
2.8). astgrad followed the object's attribute as if it were new and left ``Z`` at zero, a
wrong value on the second call with no error. That is refused now, at the line of the
``op=``, in words saying a parameter's default is shared by every call and to make a new
array in the function. Followed, against central differences in every mode, with ``Z``
after each call as Python leaves it: ``arr.copy()`` of the default, a number default, a
default of None replaced by ``np.zeros(3)``, a new array handed to the constructor. And a
class given an array attribute only after the derivative was made gets new code (refused)."""

import inspect
import re

import numpy as np
import pytest

import astgrad
from breadth_modes import check

MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")
SHAPES = (np.array([0.7, -1.3, 0.4]), np.array([0.7, -1.3, 0.4, 2.1, -0.6, 1.1]))
Z = np.zeros(3)
LOG = []


@pytest.fixture(autouse=True)
def _fresh_defaults():
    """Each test starts from Z at zero and LOG empty, as a failing one may leave them changed."""
    yield
    Z[:] = 0.0
    LOG.clear()


# ---- followed: the object's array is new at each call ---------------------------------------

class Copied:
    def __init__(self, arr=Z):
        self.arr = arr.copy()


def default_copied(x, w):
    s = Copied()
    s.arr += w
    return np.sum(x ** 2) * np.sum(np.sin(s.arr))


class Scaled:
    def __init__(self, c=2.0):
        self.c = c


def number_default(x, w):
    s = Scaled()
    s.c += w
    s.c *= w
    return np.sum(np.cos(x)) * s.c


class Fresh:
    def __init__(self, arr=None):
        self.arr = arr if arr is not None else np.zeros(3)


def none_default_made_new(x, w):
    s = Fresh()
    s.arr += w
    return np.sum(x ** 2) * np.sum(s.arr * s.arr)


class Given:
    def __init__(self, arr=Z):
        self.arr = arr


def new_array_handed(x, w):
    s = Given(x * 0.5)
    s.arr += w
    return np.sum(np.exp(s.arr) * x)


FOLLOWED = [default_copied, number_default, none_default_made_new, new_array_handed]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("x", SHAPES, ids=["3", "6"])
@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_followed_against_central_differences(f, x, mode):
    f(x.copy(), 0.8)
    assert np.array_equal(Z, np.zeros(3))       # Python leaves Z as it was
    check(mode, f, (x, 0.8), (0, 1))
    assert np.array_equal(Z, np.zeros(3))       # so does astgrad


def test_followed_value_as_python_over_two_calls():
    x = SHAPES[0]
    gradient = astgrad.value_and_grad(default_copied, wrt=(0, 1))
    assert gradient(x, 0.8)[0] == gradient(x, 0.8)[0] == default_copied(x, 0.8)


# ---- refused: op= writes into the one array the default holds --------------------------------

def default_array(x, w):
    s = Given()
    s.arr += w
    return np.sum(x[:3] * s.arr)


def default_array_in_a_name(x, w):
    s = Given()
    t = s.arr
    t += w
    return np.sum(x[:3] * t)


class OrGlobal:
    def __init__(self, arr=None):
        self.arr = arr if arr is not None else Z


def none_default_global(x, w):
    s = OrGlobal()
    s.arr += w
    return np.sum(x[:3] * s.arr)


def accumulate(v, buf=Z):
    buf += v
    return buf


def helper_default(x, w):
    return np.sum(x[:3] * accumulate(w))


class Logged:
    def __init__(self, log=LOG):
        self.log = log


def default_list(x, w):
    s = Logged()
    s.log.append(w)
    return np.sum(x) * len(s.log)


def _line(f, text):
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if text in line)


DEFAULT_WORDS = (r"op= \(\+= and the like\) on an ndarray the function did not create \(.*a parameter's default, "
                 r"made once when the def ran and shared by every call.*\).*a default of None, then np\.zeros\(n\)")
REFUSED = [
    (default_array, default_array, "s.arr += w", TypeError, DEFAULT_WORDS),
    (default_array_in_a_name, default_array_in_a_name, "t += w", TypeError, DEFAULT_WORDS),
    (none_default_global, none_default_global, "s.arr += w", TypeError, r"op= \(\+= and the like\) on an ndarray "
     r"the function did not create \(a global's"),
    (helper_default, accumulate, "buf += v", TypeError, r"op= \(\+= and the like\) on an ndarray the function did "
     r"not create"),
    (default_list, default_list, "s.log.append(w)", astgrad.TransformError, r"append to the list, dict or array this "
     r"line writes into \(an item of a container or an attribute: s\.log\) while another name may share its memory"),
]


@pytest.mark.parametrize("mode", ["grad", "value_and_grad", "vjp", "jvp", "hessian"])
@pytest.mark.parametrize("f, at, text, error, words", REFUSED, ids=lambda v: getattr(v, "__name__", None))
def test_refused_at_the_line_in_words(f, at, text, error, words, mode):
    x = SHAPES[0]
    run = {"grad": lambda: astgrad.grad(f, wrt=(0, 1))(x, 0.8),
           "value_and_grad": lambda: astgrad.value_and_grad(f, wrt=(0, 1))(x, 0.8),
           "vjp": lambda: astgrad.vjp(f, x, 0.8),
           "jvp": lambda: astgrad.jvp(f, (x, 0.8), (x, 1.0)),
           "hessian": lambda: astgrad.hessian(f)(x, 0.8)}[mode]
    with pytest.raises(error, match=rf"test_shared_defaults85\.py:{_line(at, text)}: .*{words}") as caught:
        run()
    assert not re.search(r"\b(t_\d+|d_[a-z]\w*|_saved|attrs)\b", str(caught.value))      # no generated name
    # nothing written before the refusal, in every mode (hessian runs its first column, which
    # makes the check, before it calls f itself)
    assert np.array_equal(Z, np.zeros(3))
    assert LOG == []


def test_python_writes_into_the_default():
    """What the refusal protects: Python's two calls give two values and change Z."""
    x = SHAPES[0]
    first, second = default_array(x, 0.5), default_array(x, 0.5)
    assert second == 2 * first != 0 and np.array_equal(Z, np.full(3, 1.0))
    Z[:] = 0.0


def test_class_given_an_array_after_the_derivative_was_made():
    class Later:
        pass

    def f(x, w):
        s = Later()
        s.arr += w
        return np.sum(x * s.arr)
    x = SHAPES[0]
    gradient = astgrad.grad(f, wrt=(0, 1))
    with pytest.raises(AttributeError, match="'Later' object has no attribute 'arr'"):
        gradient(x, 0.8)            # as Python
    Later.arr = np.zeros(3)         # now s.arr += w writes into the class's array
    with pytest.raises(astgrad.TransformError, match=rf"test_shared_defaults85\.py:{_line(f, 's.arr += w')}: .*writes "
                       r"in place into the ndarray its class holds \(Later\.arr\), which every instance shares"):
        gradient(x, 0.8)
    assert np.array_equal(Later.arr, np.zeros(3))
