"""Objects holding arrays handed in, written into by their methods: ``__init__`` storing
the array as it is (``self.data = data``) where the function hands it an array made in
the call, a new array of its own (read again after the write, which Python's name shows)
or an argument (which a gradient call leaves alone); ``self.data = np.array(data)`` (a
new array, as ``data.copy()`` and ``np.copy(data)``); ``for i, t in
enumerate(layers[1:])`` over a list of objects; ``acc.total[0] = w`` into the array an
object the function builds holds. Each followed form is checked in grad, jvp, vjp (a
random cotangent) and hessian against central differences on random inputs of several
shapes, the caller's array unchanged; the neighbours not followed (the array read
before, held by a second object or a global, ``np.asarray(data)``, the object built in a
loop) are refused in words saying what to write."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


class Acc:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c


class Copied:
    def __init__(self, data):
        self.data = np.array(data)

    def bump(self, k, c):
        self.data[k] = self.data[k] * c


class CopiedByMethod:
    def __init__(self, data):
        self.data = data.copy()

    def bump(self, k, c):
        self.data[k] += c * self.data[k - 1]


class Viewed:
    def __init__(self, data):
        self.data = np.asarray(data)       # may be data itself

    def bump(self, k, c):
        self.data[k] *= c


class Accumulator:
    def __init__(self, n):
        self.total = np.zeros(n)


class Layer:
    def __init__(self, W):
        self.W = W

    def __call__(self, h):
        return np.tanh(self.W * h)


HELD = []


def made_in_the_call(w):
    a = Acc(w * 1.0)
    a.bump(0, w[1])
    a.bump(2, w[0])
    return np.sum(a.data ** 2)


def own_array_read_again(w):
    buf = np.sin(w)
    a = Acc(buf)
    a.bump(1, w[0])
    return np.sum(buf * w) + a.data[1]      # buf shows the write, as in Python


def own_array_returned_after(w):
    buf = w * w
    a = Acc(buf)
    a.bump(0, w[2])
    return np.sum(np.cos(buf))


def argument_handed(w):
    a = Acc(w)
    a.bump(1, w[0] * 2.0)
    return np.sum(w ** 3) + np.sum(a.data)  # w shows the write too


def copied_by_np_array(w):
    a = Copied(w)
    a.bump(0, w[2])
    return np.sum(a.data * w)               # w keeps its values


def copied_by_a_method(w):
    a = CopiedByMethod(w)
    a.bump(1, w[0])
    return np.sum(a.data ** 2) + np.sum(w)


def enumerated_slice(w):
    layers = [Layer(w), Layer(w * 2.0), Layer(w * 3.0)]
    h = w
    for i, t in enumerate(layers[1:]):
        h = t(h) * (i + 1.0)
    return np.sum(h)


def written_into_an_object_array(w):
    acc = Accumulator(len(w))
    acc.total[0] = w[1]
    acc.total[1:] = w[1:] * w[0]
    return np.sum(acc.total * w)


FOLLOWED = [made_in_the_call, own_array_read_again, own_array_returned_after, argument_handed,
            copied_by_np_array, copied_by_a_method, enumerated_slice, written_into_an_object_array]


def _python_value(f, w):
    return f(w.copy())


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    rng = np.random.default_rng(74 + n)
    w = rng.uniform(0.5, 1.5, n)
    kept = w.copy()
    g = astgrad.grad(f)
    assert_close(g(w), numerical_grad(lambda v: _python_value(f, v), (w,)))
    value, tangent_out = astgrad.jvp(f, (w,), (t := rng.normal(size=n),))
    assert value == pytest.approx(_python_value(f, w))
    assert_close(tangent_out, numerical_jvp(lambda v: _python_value(f, v), (w,), (t,)))
    cotangent = rng.normal()
    value, pullback = astgrad.vjp(f, w)
    assert value == pytest.approx(_python_value(f, w))
    assert_close(pullback(cotangent)[0], cotangent * numerical_grad(lambda v: _python_value(f, v), (w,)))
    assert_close(astgrad.hessian(f)(w), numerical_hessian(g, (w,)), 1e-4, 1e-5)
    np.testing.assert_array_equal(w, kept)          # the caller's array as it was


def test_argument_written_as_python_writes_it():
    w = np.array([0.5, 1.5, 2.0])
    seen = w.copy()
    argument_handed(seen)                            # Python writes into the caller's array
    assert seen[1] == pytest.approx(1.5 * 1.0)
    value, _ = astgrad.value_and_grad(argument_handed)(w)
    assert value == pytest.approx(argument_handed(w.copy()))
    np.testing.assert_array_equal(w, [0.5, 1.5, 2.0])


def read_before_built(w):
    buf = w * 1.0
    head = buf[:2]                  # a view, which shows the write in Python
    a = Acc(buf)
    a.bump(0, w[1])
    return np.sum(head) + np.sum(a.data)


def held_by_a_second_object(w):
    buf = w * 1.0
    a = Acc(buf)
    b = Acc(buf)
    a.bump(0, w[1])
    return np.sum(b.data)


def held_by_a_global(w):
    buf = w * 1.0
    a = Acc(buf)
    HELD.append(buf)
    a.bump(0, w[1])
    return np.sum(a.data)


def viewed_by_asarray(w):
    a = Viewed(w * 1.0)
    a.bump(0, w[1])
    return np.sum(a.data)


def built_in_a_loop(w):
    buf = w * 1.0
    s = 0.0
    for k in range(2):
        a = Acc(buf)
        a.bump(k, w[0])
        s = s + np.sum(buf)
    return s


REFUSED = [read_before_built, held_by_a_second_object, held_by_a_global, viewed_by_asarray, built_in_a_loop]


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
def test_refused_in_words(f):
    words = (r"the call of \w+\.bump changes the object it is called on in place .*self\.data\[k\] \*= c.*"
             r"store a copy of it there \(self\.data = data\.copy\(\) or np\.array\(data\)")
    with pytest.raises(astgrad.TransformError, match=words):
        astgrad.grad(f)(np.array([0.5, 1.5, 2.0]))
    assert HELD == []


GLOBAL_ARRAY = np.array([0.5, 1.5, 2.0])


def global_handed(w):
    a = Acc(GLOBAL_ARRAY)
    a.bump(0, w[1])
    return np.sum(a.data) + np.sum(GLOBAL_ARRAY)


def test_global_handed_refused():
    with pytest.raises(astgrad.TransformError, match=r"store a copy of it there \(self\.data = data\.copy\(\)"):
        astgrad.grad(global_handed)(np.array([0.5, 1.5, 2.0]))
    np.testing.assert_array_equal(GLOBAL_ARRAY, [0.5, 1.5, 2.0])
