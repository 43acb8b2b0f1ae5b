"""The eighty-sixth hunt's programs on helpers building objects and returning them (plain
and checking factories, tuple factories, defaults, keywords), with aliases of the arrays
handed to them (``np.asarray``, views, list and dict items), writes before and after,
branches, loops and exceptions raised half-way. CASES, REFUSED and ``reset()`` as in
hunt86_containers.py."""
import numpy as np

K = 2.0
OUT = []


def reset():
    OUT.clear()


class Acc:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c

    def total(self):
        return np.sum(self.data)

    def norm(self):
        n = np.sqrt(np.sum(self.data ** 2))
        return n


class P:
    def __init__(self, v):
        self.v = v

    def norm(self):
        return np.sqrt(np.sum(self.v ** 2))

    def dot(self, o):
        return np.sum(self.v * o.v)


def make(w, k):
    return Acc(w * (k + 1.0))


def wrap(b):
    return Acc(b)


def make_checked(b):
    if b.ndim != 1:
        raise ValueError("1-D")
    return P(b)


def make_global(b):
    return P(b * K)


def make_pair(b):
    return P(b * 2.0), P(np.sin(b))


def make_pair_shared(b):
    return P(b), P(b)


def make_default(b, s=1.5):
    return P(b * s)


def make_mut_default(b, extra=np.ones(1)):
    return P(b + extra)


def make_kw(b, *, s):
    return P(b * s)


def make_bound(b):
    o = P(b)
    return o


def make_logged(b):
    OUT.append(b)
    return P(b)


def fa_bump_made(x, w):
    a = make(x, w)
    a.bump(0, w)
    return np.sum(a.data ** 2)


def fa_wrap_alias_read(x, w):
    y = x * 1.0
    a = wrap(y)
    a.bump(0, w)
    return np.sum(y ** 2)


def fa_wrap_asarray(x, w):
    y = x * 1.0
    a = wrap(np.asarray(y))
    a.bump(0, w)
    return np.sum(y ** 2)


def fa_wrap_view_read_after(x, w):
    y = x * 1.0
    a = wrap(y[:])
    a.bump(1, w)
    return np.sum(y ** 2)


def fa_wrap_reshape(x, w):
    y = x * 1.0
    a = wrap(y.reshape(-1))
    a.bump(1, w)
    return np.sum(y ** 2)


def fa_wrap_list_item(x, w):
    ys = [x * 1.0]
    a = wrap(ys[0])
    a.bump(1, w)
    return np.sum(ys[0] ** 2)


def fa_wrap_dict_item(x, w):
    d = {"y": x * 1.0}
    a = wrap(d["y"])
    a.bump(1, w)
    return np.sum(d["y"] ** 2)


def fa_wrap_written_before(x, w):
    y = x * 1.0
    y[0] = w
    a = wrap(y)
    a.bump(1, w)
    return np.sum(a.data ** 2)


def fa_wrap_written_after(x, w):
    y = x * 1.0
    a = wrap(y)
    y[2] = w
    return np.sum(a.data ** 2)


def fa_wrap_written_after_bump(x, w):
    y = x * 1.0
    a = wrap(y)
    a.bump(0, w)
    y[2] = w
    return np.sum(a.data ** 2)


def fa_checked_norm(x, w):
    p = make_checked(x * w)
    return p.norm()


def fa_checked_dot(x, w):
    p = make_checked(x * w)
    q = make_checked(np.cos(x))
    return p.dot(q)


def fa_global(x, w):
    p = make_global(x * w)
    return p.norm()


def fa_pair(x, w):
    a, b = make_pair(x * w)
    return a.norm() + b.norm()


def fa_pair_tuple(x, w):
    pr = make_pair(x * w)
    return pr[0].dot(pr[1])


def fa_pair_shared(x, w):
    a, b = make_pair_shared(x * w)
    return a.dot(b)


def fa_pair_shared_written(x, w):
    y = x * w
    a, b = make_pair_shared(y)
    y[0] = 0.3
    return a.dot(b)


def fa_default(x, w):
    p = make_default(x)
    return p.norm() * w


def fa_mut_default(x, w):
    p = make_mut_default(x * w)
    return p.norm()


def fa_kw(x, w):
    p = make_kw(x, s=w)
    return p.norm()


def fa_bound(x, w):
    p = make_bound(x * w)
    return p.norm()


def fa_bound_written_after(x, w):
    y = x * w
    p = make_bound(y)
    y[1] = 0.0
    return p.norm()


def fa_logged(x, w):
    p = make_logged(x * w)
    return p.norm() + np.sum(OUT[-1])


def fa_in_loop(x, w):
    s = 0.0
    for i in range(3):
        p = make_checked(x * (w + i))
        s = s + p.norm()
    return s


def fa_in_loop_bump(x, w):
    s = 0.0
    for i in range(2):
        a = make(x, w)
        a.bump(i, w)
        s = s + np.sum(a.data ** 2)
    return s


def fa_list_of_made(x, w):
    objs = [make(x, w), make(np.sin(x), w)]
    objs[0].bump(0, w)
    return np.sum(objs[0].data * objs[1].data)


def fa_rebound_name(x, w):
    a = make(x, w)
    a = make(a.data, w)
    a.bump(0, w)
    return np.sum(a.data ** 2)


def fa_data_of_other(x, w):
    a = make(x, w)
    b = wrap(a.data)
    b.bump(0, w)
    return np.sum(a.data ** 2)


def fa_branch(x, w):
    if x[0] > 0:
        a = make(x, w)
    else:
        a = wrap(x * 1.0)
    a.bump(0, w)
    return np.sum(a.data ** 2)


def fa_exception_half(x, w):
    a = make(x, w)
    try:
        a.bump(0, w)
        raise ValueError("half")
    except ValueError:
        pass
    return np.sum(a.data ** 2)


def fa_exception_check(x, w):
    try:
        p = make_checked(x.reshape(2, -1))
    except ValueError:
        p = make_checked(x * w)
    return p.norm()


def fa_method_value_kept(x, w):
    a = make(x, w)
    f = a.bump
    f(0, w)
    return np.sum(a.data ** 2)


def fa_attr_alias_read(x, w):
    a = make(x, w)
    d = a.data
    a.bump(0, w)
    return np.sum(d ** 2)


def fa_reading_method_then_bump(x, w):
    a = make(x, w)
    t = a.total()
    a.bump(0, w)
    return t * np.sum(a.data)


def fa_two_bumps_same_index(x, w):
    a = make(x, w)
    a.bump(0, w)
    a.bump(0, w)
    return np.sum(a.data ** 2)


def fa_bump_with_data(x, w):
    a = make(x, w)
    a.bump(1, a.data[0])
    return np.sum(a.data ** 2)


def fa_conditional_made(x, w):
    a = make(x, w) if w > 0 else wrap(x)
    a.bump(0, w)
    return np.sum(a.data ** 2)


def fa_norm_twice(x, w):
    p = make_bound(x * w)
    q = p
    q.v = q.v * 2.0
    return p.norm()


def fa_attribute_set_after(x, w):
    p = make_checked(x * 1.0)
    p.v = p.v * w
    return p.norm()


def fa_attr_inplace_after(x, w):
    y = x * 1.0
    p = make_checked(y)
    p.v[0] = w
    return p.norm() + np.sum(y)


def fa_attr_iadd_after(x, w):
    y = x * 1.0
    p = make_checked(y)
    p.v += w
    return p.norm() + np.sum(y)


CASES = [(name, f) for name, f in list(globals().items())
         if callable(f) and not isinstance(f, type) and name.startswith(("fa_",))]
