"""Programs exported by test_export86.py: objects built by helpers (alone, aliased, in a
tuple, after checks), shallow copies of lists and dicts, copies of lists of objects,
values a class holds, an object registering itself built from constants, a view of an
object's array kept across its method; the refused neighbours of some; and ``.get()``
called on an object of the user's or a mapping whose own ``get`` is not a dict's."""

import collections.abc

import numpy as np

A = 0.8
REG = []


class P:
    def __init__(self, d):
        self.d = d

    def norm(self):
        return np.sqrt(np.sum(self.d ** 2))

    def loss(self, x):
        return np.sum((self.d - x) ** 2)

    @property
    def energy(self):
        return np.sum(self.d ** 2)

    def doubled(self):
        return P(self.d * 2.0)


def make(x):
    return P(x * 2.0)


def make_pair(x):
    return P(x * 2.0), P(np.sin(x))


def make_checked(x, k=3.0):
    if x.ndim != 1:
        raise ValueError("a vector, please")
    return P(x * k)


# -- objects built by helpers, tuple factories --------------------------------------------

def helper_object(x):
    p = make(x)
    return p.norm() + p.loss(x * 0.5) + p.energy


def helper_new_object(x):
    p = make(x)
    q = p.doubled()
    return q.energy * p.norm()


def tuple_unpacked(x):
    a, b = make_pair(x)
    return a.loss(x) * b.energy


def tuple_bound(x):
    pair = make_pair(x)
    return pair[0].norm() + pair[1].energy


def checking_helper(x):
    p = make_checked(np.sin(x) * 2.0)
    return p.energy


def helper_object_aliased(x):
    a = make(x)
    b = a
    return b.norm() * a.energy


# -- shallow copies, list copies ------------------------------------------------------------

def _store_new(items):
    items[0] = items[0] * A


def new_item_stored(x):
    xs = [x * 1.0, x + 1.0]
    q = xs.copy()
    _store_new(q)
    return np.sum(q[0] * xs[0])


def new_item_stored_into_list_call(x):
    xs = [x * 1.0, x + 1.0]
    q = list(xs)
    _store_new(q)
    return np.sum(q[0] * xs[0] + q[1])


def dict_copy_written_here(x):
    d = {"a": x * 1.0, "b": x + 1.0}
    c = dict(d)
    c["a"] *= A
    return np.sum(c["a"] * d["a"])


class Layer:
    def __init__(self, W):
        self.W = W

    def up(self, w):
        self.W = self.W + w


def list_copy_of_objects(x):
    layers = [Layer(s * np.ones(x.shape[0])) for s in (1.0, -2.0)]
    copy = layers[:]
    copy[-1].up(x)
    layers[1].up(x)
    return np.sum(layers[0].W * layers[1].W ** 2)


def list_call_of_objects(x):
    layers = [Layer(k * np.ones(x.shape[0])) for k in range(2)]
    others = list(layers)
    for layer in others:
        layer.up(x)
    return np.sum(layers[0].W * layers[1].W)


# -- class-held values -----------------------------------------------------------------------

class Bound:
    arr = np.zeros(3)           # shadowed: __init__ binds the object's own

    def __init__(self, x):
        self.arr = x * 0.5


def class_array_shadowed(x):
    s = Bound(x)
    s.arr += np.sum(x) * 0.3
    return np.sum(np.sin(s.arr) * x)


class Scale:
    k = 1.0


def class_float(x):
    w = np.sum(x) * 0.3
    s = Scale()
    s.k += w
    s.k *= w
    return np.sum(x ** 2) * s.k


class Pair:
    t = (1.0,)


def class_tuple(x):
    s = Pair()
    s.t += (np.sum(np.cos(x)),)
    return np.sum(np.sin(x)) * s.t[0] * s.t[1] ** 2


# -- registering constructors, given constants --------------------------------------------------

class Logged:
    def __init__(self, d):
        self.data = d
        REG.append(self)        # registers itself in a global list

    def scale(self, c):
        return self.data * c


def constant_registered(x):
    Logged(np.linspace(1.0, 2.0, x.shape[0]))
    return np.sum(REG[-1].data * x ** 2)


# -- a view of an object's array kept across its method -----------------------------------------

class Chain:
    def __init__(self, n):
        self.h = np.zeros(n)

    def feed(self, x, w):
        for i in range(len(self.h)):
            self.h[i] += x[i] + w * self.h[i - 1]


def view_kept_by_the_caller(x):
    c = Chain(x.shape[0])
    c.feed(x, 0.5)
    tail = c.h[1:]
    c.feed(x * x, 0.5)
    return np.sum(tail * tail)


# -- .get() of objects ------------------------------------------------------------------------

class WeightsParser:
    """Hands out the halves of a parameter vector by name."""

    def __init__(self):
        self.rows = {"a": 0, "b": 1}

    def get(self, vect, name):
        return np.reshape(vect, (2, -1))[self.rows[name]]


class Scaled(dict):
    def get(self, key, default=None):
        return 3.0 * self[key] if key in self else default


class Doubled(dict):
    def __getitem__(self, key):
        return 2.0 * dict.__getitem__(self, key)


class Table(collections.abc.Mapping):
    def __init__(self, d):
        self.d = d

    def __getitem__(self, key):
        return self.d[key]

    def __iter__(self):
        return iter(self.d)

    def __len__(self):
        return len(self.d)


def parsed(x, parser):
    a = parser.get(x, "a")
    b = parser.get(x, "b")
    return np.sum(a * np.sin(b))


def looked_up(x, table):
    return np.sum(x * table.get("a", 1.0)) + np.sum(x * x * table.get("b", 0.5))


def items_summed(x, table):
    s = 0.0
    for key, v in table.items():
        s = s + np.sum(np.sin(x) * v)
    return s


# -- refused in process: refused at export too --------------------------------------------------

def _bump(items):
    items[0] *= A


def copy_written_by_helper(x):
    xs = [x * 1.0, x + 1.0]
    q = xs.copy()
    _bump(q)
    return np.sum(q[0] * xs[0])


def registered_input(x):
    Logged(x * 2.0)
    return np.sum(REG[-1].data * x)


class Held:
    arr = np.ones(3)


def class_array_written(x):
    s = Held()
    s.arr += x
    return np.sum(s.arr * x)


def copy_popped(x):
    layers = [Layer(np.ones(x.shape[0])), Layer(2.0 * np.ones(x.shape[0]))]
    copy = layers.copy()
    copy.append(Layer(x))
    copy[0].up(x)
    return np.sum(layers[0].W ** 2)


PARSER = WeightsParser()


def parsed_by_global(x):
    a = PARSER.get(x, "a")
    b = PARSER.get(x, "b")
    return np.sum(a * np.sin(b))


def looked_up_in_each(x, tables):
    s = 0.0
    for table in tables:
        s = s + np.sum(x * table.get("a", 1.0))
    return s
