"""The eighty-sixth hunt's programs on views of an object's own array kept across calls of
a method writing that array (slices, reversed, elements, rows and columns of a 2-D array,
a class's array, a subclass rebinding it, branches and loops around the calls). CASES,
REFUSED and ``reset()`` as in hunt86_containers.py."""
import numpy as np

K0 = 1


class Chain:
    def __init__(self, n):
        self.h = np.zeros(n)

    def feed(self, x, w):
        for i in range(len(self.h)):
            self.h[i] += x[i] + w * self.h[i - 1]

    def feed_one(self, x, w):
        self.h[0] += x[0] * w

    def scale(self, w):
        for i in range(len(self.h)):
            self.h[i] *= w



class ChainF(Chain):
    def fresh(self):
        self.h = np.zeros(len(self.h))


class Grid:
    def __init__(self, n):
        self.g = np.zeros((2, n // 2))

    def feed(self, x, w):
        for i in range(self.g.shape[1]):
            self.g[0, i] += x[i] * w
            self.g[1, i] += x[i] + w


class ClassHeld:
    h = np.zeros(6)

    def __init__(self, n):
        self.n = n

    def feed(self, x, w):
        for i in range(self.n):
            self.h[i] += x[i] * w


class Sub(Chain):
    def feed(self, x, w):
        self.h = self.h + x[:4] * w


def reset():
    ClassHeld.h = np.zeros(6)


def kc_tail(x, w):
    c = Chain(4)
    c.feed(x, w)
    tail = c.h[1:]
    c.feed(x, w)
    return np.sum(tail * tail)


def kc_reversed(x, w):
    c = Chain(4)
    c.feed(x, w)
    r = c.h[::-1]
    c.feed(x, w)
    return np.sum(r[:2] * x[:2])


def kc_element(x, w):
    c = Chain(4)
    c.feed(x, w)
    e = c.h[1]
    c.feed(x, w)
    return e * np.sum(c.h)


def kc_none_index(x, w):
    c = Chain(4)
    c.feed(x, w)
    v = c.h[None]
    c.feed(x, w)
    return np.sum(v ** 2)


def kc_ellipsis(x, w):
    c = Chain(4)
    c.feed(x, w)
    v = c.h[...]
    c.feed(x, w)
    return np.sum(v ** 2)


def kc_global_start(x, w):
    c = Chain(4)
    c.feed(x, w)
    v = c.h[K0:]
    c.feed(x, w)
    return np.sum(v ** 2)


def kc_read_twice(x, w):
    c = Chain(4)
    c.feed(x, w)
    v = c.h[:2]
    s = np.sum(v)
    c.feed_one(x, w)
    return s * np.sum(v ** 2)


def kc_read_in_loop(x, w):
    c = Chain(4)
    v = c.h[:2]
    s = 0.0
    for i in range(3):
        c.feed_one(x, w)
        s = s + np.sum(v ** 2)
    return s


def kc_grid_row(x, w):
    c = Grid(4)
    c.feed(x, w)
    r = c.g[0]
    c.feed(x, w)
    return np.sum(r ** 2)


def kc_grid_column(x, w):
    c = Grid(4)
    c.feed(x, w)
    r = c.g[:, 0]
    c.feed(x, w)
    return np.sum(r ** 2)


def kc_grid_element(x, w):
    c = Grid(4)
    c.feed(x, w)
    r = c.g[0, 1]
    c.feed(x, w)
    return r ** 2 + np.sum(c.g)


def kc_grid_transpose(x, w):
    c = Grid(4)
    c.feed(x, w)
    r = c.g.T
    c.feed(x, w)
    return np.sum(r[0] ** 2)


def kc_fresh_between(x, w):
    c = ChainF(4)
    c.feed(x, w)
    v = c.h[1:]
    c.fresh()
    c.feed(x, w)
    return np.sum(v ** 2)


def kc_alias_object(x, w):
    c = Chain(4)
    c.feed(x, w)
    v = c.h[1:]
    d = c
    d.feed(x, w)
    return np.sum(v ** 2)


def kc_view_to_method(x, w):
    c = Chain(4)
    c.feed(x, w)
    v = c.h[1:]
    c.feed(np.concatenate([v, v]), w)
    return np.sum(v ** 2)


def kc_scale_between(x, w):
    c = Chain(4)
    c.feed(x, w)
    v = c.h[1:3]
    c.scale(w)
    return np.sum(v ** 2)


def kc_class_held(x, w):
    c = ClassHeld(4)
    c.feed(x, w)
    v = c.h[1:]
    c.feed(x, w)
    return np.sum(v ** 2)


def kc_subclass_rebinds(x, w):
    c = Sub(4)
    c.feed(x, w)
    v = c.h[1:]
    c.feed(x, w)
    return np.sum(v ** 2) + np.sum(c.h)


def kc_two_objects(x, w):
    c = Chain(4)
    d = Chain(4)
    c.feed(x, w)
    d.feed(x * 2.0, w)
    v = c.h[1:]
    d.feed(x, w)
    c.feed(x, w)
    return np.sum(v ** 2) + np.sum(d.h)


def kc_branch_feed(x, w):
    c = Chain(4)
    c.feed(x, w)
    v = c.h[1:]
    if x[0] > 0.5:
        c.feed(x, w)
    return np.sum(v ** 2)


def kc_copy_kept(x, w):
    c = Chain(4)
    c.feed(x, w)
    v = c.h[1:].copy()
    c.feed(x, w)
    return np.sum(v ** 2) + np.sum(c.h)


def kc_asarray(x, w):
    c = Chain(4)
    c.feed(x, w)
    v = np.asarray(c.h)
    c.feed(x, w)
    return np.sum(v ** 2)


def kc_whole(x, w):
    c = Chain(4)
    c.feed(x, w)
    v = c.h
    c.feed(x, w)
    return np.sum(v ** 2)


def kc_len_read(x, w):
    c = Chain(4)
    c.feed(x, w)
    v = c.h[1:]
    c.feed(x, w)
    return np.sum(v ** 2) * len(v)


def kc_kink(x, w):
    c = Chain(4)
    c.feed(x, w)
    v = c.h[1:]
    c.feed(x, w)
    return np.sum(np.maximum(v, 0.3))


CASES = [(name, f) for name, f in list(globals().items())
         if callable(f) and not isinstance(f, type) and name.startswith(("kc_",))]
