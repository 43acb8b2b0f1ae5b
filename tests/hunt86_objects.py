"""The eighty-sixth hunt's programs on objects: ``__init__`` registering the object through
a global name, ``self.__class__``, a base named or a local or attribute alias of a global
list; views of an object's array kept across a method writing it; list copies
(``q = xs.copy()``) with writes through their items; rows read before writes into their
array. CASES, REFUSED and ``reset()`` as in hunt86_containers.py."""
import numpy as np

REG = []
LAST = None
TABLE = {}


def reset():
    global LAST
    REG.clear()
    TABLE.clear()
    LAST = None


class G1:
    def __init__(self, data):
        global LAST
        self.data = data
        LAST = self


class G2:
    all = []

    def __init__(self, data):
        self.data = data
        self.__class__.all.append(self)


class G3Base:
    def __init__(self, data):
        self.data = data
        TABLE["last"] = self


class G3(G3Base):
    def __init__(self, data):
        G3Base.__init__(self, data)


def registry():
    return REG


class G4:
    def __init__(self, data):
        self.data = data
        registry().append(self)


class G5:
    def __init__(self, data, into):
        self.data = data
        into.append(self)


class G6:
    def __init__(self, data):
        self.data = data
        self.log = REG
        self.log.append(data)


class G7:
    def __init__(self, data):
        self.data = data
        reg = REG
        reg.append(self)


def rg_global_name(x, w):
    G1(x * w)
    return np.sum(LAST.data ** 2)


def rg_dunder_class(x, w):
    G2(x * w)
    return np.sum(G2.all[-1].data ** 2)


def rg_base_named(x, w):
    G3(x * w)
    return np.sum(TABLE["last"].data ** 2)


def rg_registry_call(x, w):
    G4(x * w)
    return np.sum(REG[-1].data ** 2)


def rg_into_local(x, w):
    mine = []
    G5(x * w, mine)
    return np.sum(mine[-1].data ** 2)


def rg_into_global(x, w):
    G5(x * w, REG)
    return np.sum(REG[-1].data ** 2)


def rg_alias_on_self(x, w):
    G6(x * w)
    return np.sum(REG[-1] ** 2)


def rg_local_alias(x, w):
    G7(x * w)
    return np.sum(REG[-1].data ** 2)


def rg_constant_then_scaled(x, w):
    a = G1(np.ones(3))
    a.data = a.data * w
    return np.sum(LAST.data ** 2) + np.sum(x)


# -- kept attribute views -----------------------------------------------------------------

class Acc:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c

    def scale(self, c):
        self.data *= c

    def rebind(self, c):
        self.data = self.data * c


class Mat:
    def __init__(self, m):
        self.m = m

    def bump(self, i, c):
        self.m[i, 0] *= c


def kv_head(x, w):
    a = Acc(x * 1.0)
    head = a.data[:2]
    a.bump(0, w)
    return np.sum(head ** 2) + np.sum(a.data)


def kv_whole(x, w):
    a = Acc(x * 1.0)
    whole = a.data
    a.bump(0, w)
    return np.sum(whole ** 2)


def kv_transpose(x, w):
    a = Acc(x * 1.0)
    t = a.data.T
    a.bump(0, w)
    return np.sum(t ** 2)


def kv_reshape(x, w):
    a = Acc(x * 1.0)
    t = a.data.reshape(2, -1)
    a.bump(0, w)
    return np.sum(t[0] ** 2)


def kv_asarray(x, w):
    a = Acc(x * 1.0)
    t = np.asarray(a.data)
    a.bump(0, w)
    return np.sum(t ** 2)


def kv_strided(x, w):
    a = Acc(x * 1.0)
    t = a.data[::2]
    a.bump(0, w)
    return np.sum(t ** 2)


def kv_ellipsis(x, w):
    a = Acc(x * 1.0)
    t = a.data[...]
    a.bump(0, w)
    return np.sum(t ** 2)


def kv_element(x, w):
    a = Acc(x * 1.0)
    t = a.data[0]
    a.bump(0, w)
    return t ** 2 + np.sum(a.data)


def kv_negative(x, w):
    a = Acc(x * 1.0)
    t = a.data[-2:]
    a.bump(-1, w)
    return np.sum(t ** 2)


def kv_row_of_matrix(x, w):
    a = Mat(x.reshape(2, -1) * 1.0)
    r = a.m[0]
    a.bump(0, w)
    return np.sum(r ** 2)


def kv_column(x, w):
    a = Mat(x.reshape(2, -1) * 1.0)
    c = a.m[:, 0]
    a.bump(1, w)
    return np.sum(c ** 2)


def kv_twice(x, w):
    a = Acc(x * 1.0)
    head = a.data[:2]
    a.bump(0, w)
    a.bump(1, w)
    return np.sum(head ** 2)


def kv_read_between(x, w):
    a = Acc(x * 1.0)
    head = a.data[:2]
    s = np.sum(head)
    a.bump(0, w)
    return s * np.sum(head ** 2)


def kv_rebinding_method(x, w):
    a = Acc(x * 1.0)
    head = a.data[:2]
    a.rebind(w)
    a.bump(0, w)
    return np.sum(head ** 2) + np.sum(a.data)


def kv_scale_whole(x, w):
    a = Acc(x * 1.0)
    head = a.data[1:3]
    a.scale(w)
    return np.sum(head ** 2)


def kv_in_loop(x, w):
    a = Acc(x * 1.0)
    head = a.data[:2]
    s = 0.0
    for i in range(3):
        a.bump(i, w)
        s = s + np.sum(head ** 2)
    return s


def kv_in_list(x, w):
    a = Acc(x * 1.0)
    views = [a.data[:2]]
    a.bump(0, w)
    return np.sum(views[0] ** 2)


def kv_in_dict(x, w):
    a = Acc(x * 1.0)
    d = {"h": a.data[:2]}
    a.bump(0, w)
    return np.sum(d["h"] ** 2)


def kv_two_objects_one_array(x, w):
    y = x * 1.0
    a = Acc(y)
    b = Acc(y[1:])
    a.bump(1, w)
    return np.sum(b.data ** 2)


def kv_view_then_direct_write(x, w):
    a = Acc(x * 1.0)
    head = a.data[:2]
    a.data[0] = w * 3.0
    return np.sum(head ** 2)


def kv_view_written(x, w):
    a = Acc(x * 1.0)
    head = a.data[:2]
    head[0] = w
    return np.sum(a.data ** 2)


def kv_view_iadd(x, w):
    a = Acc(x * 1.0)
    head = a.data[:2]
    head += w
    a.bump(2, w)
    return np.sum(a.data ** 2)


def kv_index_name(x, w):
    a = Acc(x * 1.0)
    k = 1
    head = a.data[k:]
    a.bump(1, w)
    return np.sum(head ** 2)


def kv_branch(x, w):
    a = Acc(x * 1.0)
    head = a.data[:2]
    if x[0] > 0:
        a.bump(0, w)
    return np.sum(head ** 2)


def kv_copy(x, w):
    a = Acc(x * 1.0)
    head = a.data[:2].copy()
    a.bump(0, w)
    return np.sum(head ** 2) + np.sum(a.data)


# -- list copies -------------------------------------------------------------------------

def lc_pop(x, w):
    xs = [x * 1.0, x * w, np.sin(x)]
    q = xs.copy()
    s = 0.0
    while q:
        v = q.pop()
        s = s + np.sum(v ** 2)
    return s + np.sum(xs[0])


def lc_nested_write(x, w):
    xs = [x * 1.0, x * 2.0]
    q = xs.copy()
    q[0][1] *= w
    return np.sum(xs[0] ** 2)


def lc_nested_assign(x, w):
    xs = [x * 1.0, x * 2.0]
    q = xs.copy()
    q[0][1] = w
    return np.sum(xs[0] ** 2)


def lc_slice_write(x, w):
    xs = [x * 1.0, x * 2.0]
    q = xs.copy()
    q[0][:] = x * w
    return np.sum(xs[0] ** 2)


def lc_item_local(x, w):
    xs = [x * 1.0, x * 2.0]
    q = xs.copy()
    v = q[0]
    v *= w
    return np.sum(xs[0] ** 2)


def lc_append_then_pop(x, w):
    xs = [x * 1.0]
    q = xs.copy()
    q.append(x * w)
    return np.sum(q.pop() ** 2) + len(xs)


def lc_copy_of_copy(x, w):
    xs = [x * 1.0, x * 2.0]
    q = xs.copy()
    r = q.copy()
    r[0] = r[0] * w
    return np.sum(xs[0] ** 2) + np.sum(r[0])


def lc_list_rebound(x, w):
    xs = [x * 1.0, x * 2.0]
    xs = list(xs)
    q = xs.copy()
    q[1] = q[1] * w
    return np.sum(q[1] ** 2) + np.sum(xs[1])


def lc_out_write(x, w):
    xs = [x * 1.0, x * 2.0]
    q = xs.copy()
    np.multiply(q[0], w, out=q[0])
    return np.sum(xs[0] ** 2)


def lc_loop_copy(x, w):
    xs = [x * 1.0, x * 2.0]
    for i in range(2):
        q = xs.copy()
        q[i] = q[i] * w
        xs = q
    return np.sum(xs[0] ** 2) + np.sum(xs[1])


def lc_sort(x, w):
    xs = [x[0] * 1.0, x[1] * w, x[2]]
    q = xs.copy()
    q.sort()
    return q[0] * 2.0 + q[2] ** 2


def lc_reverse(x, w):
    xs = [x * 1.0, x * w]
    q = xs.copy()
    q.reverse()
    return np.sum(q[0] ** 2)


def lc_scalar_items(x, w):
    xs = [x[0] * 1.0, x[1] * w]
    q = xs.copy()
    q[0] *= w
    return q[0] * xs[0] + q[1]


# -- row refreshes --------------------------------------------------------------------------

def rr_row_then_write(x, w):
    y = x.reshape(2, -1) * 1.0
    v = y[0]
    y[0, 1] = w
    return np.sum(v ** 2)


def rr_row_negative(x, w):
    y = x.reshape(2, -1) * 1.0
    v = y[-1]
    y[1] *= w
    return np.sum(v ** 2)


def rr_row_name_index(x, w):
    y = x.reshape(2, -1) * 1.0
    i = 1
    v = y[i]
    y[i, 0] = w
    return np.sum(v ** 2)


def rr_row_index_rebound(x, w):
    y = x.reshape(2, -1) * 1.0
    i = 0
    v = y[i]
    i = 1
    y[i] *= w
    return np.sum(v ** 2)


def rr_row_index_rebound_same(x, w):
    y = x.reshape(2, -1) * 1.0
    i = 0
    v = y[i]
    i = 1
    y[0] *= w
    return np.sum(v ** 2) + i


def rr_row_in_loop(x, w):
    y = x.reshape(2, -1) * 1.0
    s = 0.0
    for i in range(2):
        v = y[i]
        y[1 - i] *= w
        s = s + np.sum(v ** 2)
    return s


def rr_row_loop_index(x, w):
    y = x.reshape(2, -1) * 1.0
    s = 0.0
    i = 0
    v = y[i]
    for i in range(2):
        y[i] *= w
        s = s + np.sum(v ** 2)
    return s


def rr_row_slice_none(x, w):
    y = x.reshape(2, -1) * 1.0
    v = y[0][None]
    y[0] *= w
    return np.sum(v ** 2)


def rr_row_tuple_index(x, w):
    y = x.reshape(2, -1) * 1.0
    v = y[0, :]
    y[0] *= w
    return np.sum(v ** 2)


def rr_row_of_row(x, w):
    y = x.reshape(2, 1, -1) * 1.0
    v = y[0][0]
    y[0] *= w
    return np.sum(v ** 2)


def rr_row_kept_in_list(x, w):
    y = x.reshape(2, -1) * 1.0
    vs = [y[0], y[1]]
    y[0] *= w
    return np.sum(vs[0] ** 2)


def rr_row_via_take(x, w):
    y = x.reshape(2, -1) * 1.0
    v = np.take(y, 0, axis=0)
    y[0] *= w
    return np.sum(v ** 2)


def rr_row_rebound_before_read(x, w):
    y = x.reshape(2, -1) * 1.0
    v = y[0]
    y[0] *= w
    v = v * 1.0
    y[0] *= w
    return np.sum(v ** 2)


def rr_row_y_rebound(x, w):
    y = x.reshape(2, -1) * 1.0
    v = y[0]
    y = y * 2.0
    y[0] *= w
    return np.sum(v ** 2) + np.sum(y)


def rr_row_kink(x, w):
    y = x.reshape(2, -1) * 1.0
    v = y[0]
    y[0] = np.maximum(y[0], w - 0.55)
    return np.sum(v ** 2)



class G8:
    def __init__(self, data):
        self.data = data
        self.log = REG
        self.log.append(self)


class G9:
    def __init__(self, data):
        self.data = data
        self.log = []
        self.log.append(self)


def rg_attr_alias(x, w):
    G8(x * w)
    return np.sum(REG[-1].data ** 2)


def rg_own_list(x, w):
    a = G9(x * w)
    return np.sum(a.log[-1].data ** 2)


CASES = [(name, f) for name, f in list(globals().items())
         if callable(f) and not isinstance(f, type) and name.startswith(("rg_", "kv_", "lc_", "rr_"))]
