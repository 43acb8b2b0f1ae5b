"""Objects holding arrays handed in, written into by their methods: ``__init__`` storing
the array as it is (``self.data = data``) where the function hands it an array made in
the call, a new array of its own (read again after the write, which Python's name shows)
or an argument (which a gradient call leaves alone); ``self.data = np.array(data)`` (a
new array, as ``data.copy()`` and ``np.copy(data)``); ``for i, t in
enumerate(layers[1:])`` over a list of objects; ``acc.total[0] = w`` into the array an
object the function builds holds. Each followed form is checked in grad, jvp, vjp (a
random cotangent) and hessian against central differences on random inputs of several
shapes, the caller's array unchanged; the neighbours not followed (the array read
before by a lambda, held by a second object or a global, ``np.asarray(data)``) are refused in words
saying what to write; one array handed to the object built at each turn of a loop, and a
view of the array kept before the object is built, refused before, are checked against
central differences."""

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


def own_array_read_in_a_loop(w):
    buf = w * 1.0
    a = Acc(buf)
    s = 0.0
    for k in range(len(w)):
        a.bump(k, w[k - 1])
        s = s + buf[k] * buf[k - 1]         # each read shows the writes before it
    return s


def argument_read_at_once_before(w):
    n = len(w)
    s = np.sum(w) * w.shape[0] + np.sum(w * 2.0)    # read at once: nothing keeps the array
    a = Acc(w)
    a.bump(n - 1, w[0] + 1.0)
    return s + np.sum(np.sin(w))                     # w shows the write


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


class Dense:
    def __init__(self, W):
        self.W = W

    def apply(self, x):
        return np.tanh(self.W * x)

    def step(self, g):
        self.W = self.W - 0.1 * g


def enumerated_column_slice(w):
    layers = [Dense(w * (i + 1.0)) for i in range(len(w))]     # its length known when the code runs
    y = w
    for i, t in enumerate(layers[1:]):
        t.step(y)
        y = t.apply(y) * (i + 1.0)
    return np.sum(y) + np.sum(layers[1].W) + np.sum(layers[0].W)


def enumerated_every_other_from_the_end(w):
    layers = [Dense(w * (i + 1.0)) for i in range(len(w))]
    y = w
    for i, t in enumerate(layers[::-2], 1):     # layers[-1], layers[-3], ...
        t.step(y)
        y = t.apply(y) * i
    return np.sum(y) + np.sum(layers[-1].W) + np.sum(layers[1].W)


def zipped_column_slice(w):
    layers = [Dense(w * (i + 1.0)) for i in range(len(w))]
    scales = [0.5, 2.0]
    y = w
    for t, c in zip(layers[1:], scales):
        t.step(y * c)
        y = t.apply(y)
    return np.sum(y) + np.sum(layers[2].W)


def written_into_an_object_array(w):
    acc = Accumulator(len(w))
    acc.total[0] = w[1]
    acc.total[1:] = w[1:] * w[0]
    return np.sum(acc.total * w)


FOLLOWED = [made_in_the_call, own_array_read_again, own_array_returned_after, own_array_read_in_a_loop,
            argument_read_at_once_before, argument_handed, copied_by_np_array, copied_by_a_method, enumerated_slice, enumerated_column_slice,
            enumerated_every_other_from_the_end, zipped_column_slice, written_into_an_object_array]


def _python_value(f, w):
    return f(w.copy())


def check_every_mode(f, n, seed):
    """grad, value_and_grad, jvp, vjp (a random cotangent) and hessian of ``f`` at a random
    ``w`` of size ``n`` against central differences of what Python computes on a copy; the
    caller's array left as it was."""
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.5, 1.5, n)
    kept = w.copy()
    g = astgrad.grad(f)
    gradient = numerical_grad(lambda v: _python_value(f, v), (w,))
    assert_close(g(w), gradient)
    value, both = astgrad.value_and_grad(f)(w)
    assert value == pytest.approx(_python_value(f, w))
    assert_close(both, gradient)
    value, tangent_out = astgrad.jvp(f, (w,), (t := rng.normal(size=n),))
    assert value == pytest.approx(_python_value(f, w))
    assert_close(tangent_out, numerical_jvp(lambda v: _python_value(f, v), (w,), (t,)))
    cotangent = rng.normal()
    value, pullback = astgrad.vjp(f, w)
    assert value == pytest.approx(_python_value(f, w))
    assert_close(pullback(cotangent)[0], cotangent * numerical_grad(lambda v: _python_value(f, v), (w,)))
    assert_close(astgrad.hessian(f)(w), numerical_hessian(g, (w,)), 1e-4, 1e-5)
    np.testing.assert_array_equal(w, kept)          # the caller's array as it was


def check_jvp_of_grad(f, seed):
    """The jvp of ``grad(f)`` at a random ``w`` of size 4, along a random tangent, against
    central differences of that gradient."""
    rng = np.random.default_rng(seed)
    w, t = rng.uniform(0.5, 1.5, 4), rng.normal(size=4)
    g = astgrad.grad(f)
    _, tangent = astgrad.jvp(g, (w,), (t,))
    assert_close(tangent, numerical_jvp(g, (w.copy(),), (t,)), 1e-4, 1e-5)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 74 + n)


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


def reset(o):
    o.data = np.zeros(3)            # a new array: buf keeps the old one


def rebound_by_a_helper(w):
    buf = w * 1.0
    a = Acc(buf)
    a.bump(0, w[1])
    reset(a)
    a.bump(1, w[2])
    return np.sum(buf ** 2) + np.sum(a.data)


def read_by_a_lambda_before(w):
    buf = w * 1.0
    total = lambda: np.sum(buf)     # reads buf when called, after the write
    a = Acc(buf)
    a.bump(0, w[1])
    return total() + np.sum(a.data)


def built_in_a_loop(w):
    buf = w * 1.0
    s = 0.0
    for k in range(2):
        a = Acc(buf)
        a.bump(k, w[0])
        s = s + np.sum(buf)
    return s


REFUSED = [read_by_a_lambda_before, held_by_a_second_object, held_by_a_global, viewed_by_asarray, rebound_by_a_helper]


@pytest.mark.parametrize("n", [3, 5])
def test_view_kept_before_built_followed_in_every_mode(n):
    check_every_mode(read_before_built, n, 74 + n)      # was refused: head shows the write, as in Python


@pytest.mark.parametrize("n", [3, 5])
def test_one_array_handed_in_a_loop_followed_in_every_mode(n):
    check_every_mode(built_in_a_loop, n, 74 + n)        # was refused: buf shows every turn's writes


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


class Regrown:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c

    def grow(self):
        self.data = self.data * 2.0     # a new array: the name handed in keeps the old one


def rebound_by_a_method(w):
    buf = w * 1.0
    a = Regrown(buf)
    a.bump(0, w[1])
    a.grow()
    a.bump(1, w[2])
    return np.sum(buf) + np.sum(a.data)


def test_rebound_by_a_method_refused():
    with pytest.raises(astgrad.TransformError, match=r"the call of Regrown\.bump changes the object .*"
                                                     r"store a copy of it there"):
        astgrad.grad(rebound_by_a_method)(np.array([0.5, 1.5, 2.0]))


class ListTotal:
    def __init__(self, n):
        self.total = [0.0] * n


class ObjectTotal:
    def __init__(self, n):
        self.total = np.zeros(n, dtype=object)


def stored_into_a_list_attribute(w):
    acc = ListTotal(3)
    acc.total[0] = w
    return acc.total[0] * 2.0


def stored_into_an_object_array(w):
    acc = ObjectTotal(3)
    acc.total[0] = w
    return np.sum(acc.total[0] * 2.0)


@pytest.mark.parametrize("f", [stored_into_a_list_attribute, stored_into_an_object_array], ids=lambda f: f.__name__)
def test_store_of_a_name_into_an_attribute_not_proven_numbers_refused(f):
    words = r"acc\.total\[0\] = w.*Store a value made here \(acc\.total\[0\] = w \* 1\.0\)"
    with pytest.raises(astgrad.TransformError, match=words):
        astgrad.grad(f)(0.7)


def stored_as_a_number(x, w):
    acc = Accumulator(3)
    acc.total[0] = w
    acc.total[2] = x[1]
    return np.sum(acc.total * x) * w


def test_store_of_a_number_argument():
    x, w = np.array([0.5, 1.5, 2.0]), 0.7
    gx, gw = astgrad.grad(stored_as_a_number, (0, 1))(x, w)
    assert_close(gx, numerical_grad(stored_as_a_number, (x, w), wrt=0))
    assert_close(gw, numerical_grad(stored_as_a_number, (x, w), wrt=1))
    assert_close(np.reshape(astgrad.hessian(stored_as_a_number, 1)(x, w), (1, 1)),
                 numerical_hessian(astgrad.grad(stored_as_a_number, 1), (x, w), wrt=1), 1e-4, 1e-5)
    value, tangent = astgrad.jvp(stored_as_a_number, (x, w), (np.ones(3), 0.5))
    assert value == pytest.approx(stored_as_a_number(x, w))
    assert_close(tangent, numerical_jvp(stored_as_a_number, (x, w), (np.ones(3), 0.5)))


def own_array_returned(w):
    buf = w * 1.0
    a = Acc(buf)
    a.bump(0, w[1])
    return buf                      # the array the method wrote into


def test_own_array_returned_as_python_returns_it():
    rng = np.random.default_rng(7)
    w, t = rng.uniform(0.5, 1.5, 4), rng.normal(size=4)
    value, tangent = astgrad.jvp(own_array_returned, (w,), (t,))
    assert_close(value, own_array_returned(w.copy()))
    assert_close(tangent, numerical_jvp(own_array_returned, (w,), (t,)))
    cotangent = rng.normal(size=4)
    _, pullback = astgrad.vjp(own_array_returned, w)
    jac = np.stack([numerical_jvp(own_array_returned, (w,), (e,)) for e in np.eye(4)], axis=1)
    assert_close(pullback(cotangent)[0], cotangent @ jac)
