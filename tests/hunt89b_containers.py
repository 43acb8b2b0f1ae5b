"""The eighty-ninth hunt's programs on containers: subclasses of list, tuple and dict with
their own ``__iter__``, ``__getitem__``, ``__len__``, ``__missing__`` or ``__eq__`` (built in the
function, or global and read there, iterated by a loop, ``zip``, ``enumerate``, a comprehension,
unpacking, ``sum``, ``np.array``), ``collections.deque``, ``UserList``, ``UserDict``,
``OrderedDict``, ``defaultdict`` (a factory writing), ``ChainMap``, ``Counter`` and namedtuples.
Each program is ``f(x, w)`` of a float array ``x`` (4 or 6 items) and a float ``w``."""
import collections

import numpy as np


class HookIterList(list):
    def __iter__(self):
        return iter(list.__getitem__(self, slice(None, None, -1))[:1])


def ct_list_sub_iter(x, w):
    vs = HookIterList([x * w, x * 2.0])
    s = 0.0
    for v in vs:
        s = s + np.sum(v)
    return s


def ct_list_sub_iter_sum(x, w):
    vs = HookIterList([x * w, x * 2.0])
    return np.sum(sum(vs))


G_LIST = HookIterList([1.0, 2.0, 3.0])


def ct_global_list_sub(x, w):
    s = 0.0
    for c in G_LIST:
        s = s + np.sum(x * c * w)
    return s


class CountingGetitem(list):
    def __getitem__(self, i):
        return list.__getitem__(self, i) * 2.0


def ct_list_sub_getitem(x, w):
    vs = CountingGetitem([x * w, x])
    return np.sum(vs[0] + vs[1])


class LenList(list):
    def __len__(self):
        return 1


def ct_list_sub_len(x, w):
    vs = LenList([x * w, x])
    s = 0.0
    for i in range(len(vs)):
        s = s + np.sum(vs[i])
    return s


class WritingGetitem(list):
    def __init__(self, items, buf):
        super().__init__(items)
        self.buf = buf

    def __getitem__(self, i):
        self.buf[0] = self.buf[0] * 2.0
        return list.__getitem__(self, i)


def ct_list_sub_getitem_writes(x, w):
    buf = x * 1.0
    vs = WritingGetitem([x * w, x], buf)
    a = vs[0]
    return np.sum(a * buf)


class DoubleDict(dict):
    def __getitem__(self, k):
        return dict.__getitem__(self, k) * 2.0


def ct_dict_sub_getitem(x, w):
    d = DoubleDict(a=x * w, b=x)
    return np.sum(d["a"] * d["b"])


class MissingDict(dict):
    def __missing__(self, k):
        return 3.0


def ct_dict_sub_missing(x, w):
    d = MissingDict(a=x * w)
    return np.sum(d["a"] * d["b"])


def ct_deque(x, w):
    q = collections.deque([x * w, x], maxlen=2)
    q.append(x * x)
    return np.sum(q[0] * q[1])


def ct_deque_rotate(x, w):
    q = collections.deque([x * w, x, x * 3.0])
    q.rotate(1)
    return np.sum(q[0] * q[1])


def ct_userlist(x, w):
    u = collections.UserList([x * w, x])
    return np.sum(u[0] * u[1])


class MyUserList(collections.UserList):
    def __getitem__(self, i):
        return self.data[i] * 3.0


def ct_userlist_sub(x, w):
    u = MyUserList([x * w, x])
    return np.sum(u[0] * u[1])


def ct_userdict(x, w):
    u = collections.UserDict(a=x * w, b=x)
    return np.sum(u["a"] * u["b"])


class MyUserDict(collections.UserDict):
    def __getitem__(self, k):
        return self.data[k] * 3.0


def ct_userdict_sub(x, w):
    u = MyUserDict(a=x * w, b=x)
    return np.sum(u["a"] * u["b"])


def ct_ordereddict(x, w):
    d = collections.OrderedDict(a=x * w, b=x)
    d.move_to_end("a")
    k, v = d.popitem()
    return np.sum(v * d["b"])


def ct_defaultdict(x, w):
    d = collections.defaultdict(lambda: x * 2.0)
    d["a"] = d["a"] * w
    return np.sum(d["a"] + d["b"])


def ct_defaultdict_writing(x, w):
    buf = x * 1.0

    def factory():
        buf[0] = buf[0] * w
        return buf * 1.0
    d = collections.defaultdict(factory)
    v = d["a"]
    return np.sum(v * buf)


def ct_chainmap(x, w):
    m = collections.ChainMap({"a": x * w}, {"a": x, "b": x * x})
    return np.sum(m["a"] * m["b"])


def ct_counter(x, w):
    c = collections.Counter({"a": 2, "b": 3})
    return np.sum(x * w * c["a"] + x * c["b"] + c["z"])


def ct_namedtuple(x, w):
    P = collections.namedtuple("P", "a b")
    p = P(x * w, x)
    return np.sum(p.a * p[1])


class Accum(list):
    def append(self, v):
        list.append(self, v * 2.0)


def ct_list_sub_append(x, w):
    a = Accum()
    a.append(x * w)
    a.append(x)
    return np.sum(a[0] * a[1])


class EqList(list):
    def __eq__(self, other):
        return True

    __hash__ = None


def ct_list_sub_eq(x, w):
    a = EqList([1.0])
    if a == [2.0]:
        return np.sum(x * w)
    return np.sum(x)


class RevIter(list):
    def __iter__(self):
        return reversed(list(list.__iter__(self)))


def ct_list_sub_unpack(x, w):
    a, b = RevIter([x * w, x])
    return np.sum(a * 2.0 + b)


def ct_list_sub_comprehension(x, w):
    vs = RevIter([x * w, x * 3.0])
    out = [v * v for v in vs]
    return np.sum(out[0] - out[1])


def ct_list_sub_enumerate(x, w):
    vs = RevIter([x * w, x * 3.0])
    s = 0.0
    for i, v in enumerate(vs):
        s = s + np.sum(v) * (i + 1)
    return s


def ct_list_sub_zip(x, w):
    vs = RevIter([x * w, x * 3.0])
    s = 0.0
    for v, c in zip(vs, [1.0, 2.0]):
        s = s + np.sum(v) * c
    return s


def ct_list_sub_stack(x, w):
    vs = RevIter([x * w, x * 3.0])
    return np.sum(np.stack(vs)[0])


def ct_list_sub_array(x, w):
    vs = RevIter([x * w, x * 3.0])
    return np.sum(np.array(list(vs))[0])


def ct_tuple_sub_getitem(x, w):
    class T(tuple):
        def __getitem__(self, i):
            return tuple.__getitem__(self, 1 - i)
    t = T((x * w, x))
    return np.sum(t[0] * 2.0 + t[1])



class RevList(list):
    def __iter__(self):
        return reversed(list(list.__iter__(self)))


class HalfGet(list):
    def __getitem__(self, i):
        return list.__getitem__(self, i) * 0.5


class ShortLen(list):
    def __len__(self):
        return 1


G_REV = RevList([1.0, 2.0, 5.0])
G_HALF = HalfGet([1.0, 2.0, 5.0])
G_SHORT = ShortLen([1.0, 2.0, 5.0])


def gl_rev_enumerate(x, w):
    s = 0.0
    for i, c in enumerate(G_REV):
        s = s + np.sum(x * c) * (i + 1.0) * w
    return s


def gl_rev_zip(x, w):
    s = 0.0
    for c, d in zip(G_REV, [1.0, 2.0, 3.0]):
        s = s + np.sum(x * c) * d * w
    return s


def gl_rev_index_loop(x, w):
    s = 0.0
    for c in G_REV:
        s = s * 0.5 + np.sum(x * c) * w
    return s


def gl_rev_comprehension(x, w):
    vs = [x * c for c in G_REV]
    return np.sum(vs[0] * w)


def gl_rev_unpack(x, w):
    a, b, c = G_REV
    return np.sum(x * a + x * x * b) * w


def gl_half_index(x, w):
    return np.sum(x * G_HALF[0] + x * x * G_HALF[2]) * w


def gl_half_loop_index(x, w):
    s = 0.0
    for i in range(3):
        s = s + np.sum(x ** (i + 1)) * G_HALF[i]
    return s * w


def gl_short_range_len(x, w):
    s = 0.0
    for i in range(len(G_SHORT)):
        s = s + np.sum(x ** (i + 1)) * G_SHORT[i]
    return s * w


def gl_rev_sum(x, w):
    return np.sum(x) * sum(G_REV) * w


def gl_rev_array(x, w):
    return np.sum(x * np.array(G_REV)[0]) * w


def gl_half_array(x, w):
    c = np.asarray(G_HALF)
    return np.sum(x * c[0]) * w


class Holder:
    def __init__(self, cs):
        self.cs = cs


H_REV = Holder(RevList([1.0, 2.0, 5.0]))


def gl_attr_rev_loop(x, w):
    s = 0.0
    for c in H_REV.cs:
        s = s * 0.5 + np.sum(x * c) * w
    return s


def gl_local_rev_of_arrays(x, w):
    h = Holder(RevList([x * w, x * 3.0]))
    s = 0.0
    for v in h.cs:
        s = s * 0.5 + np.sum(v)
    return s


class ScaledDict(dict):
    def __getitem__(self, k):
        return dict.__getitem__(self, k) * 10.0


G_SD = ScaledDict(a=1.0, b=2.0)


def gl_dict_sub_index(x, w):
    return np.sum(x * G_SD["a"] + x * x * G_SD["b"]) * w


def gl_dict_sub_get(x, w):
    return np.sum(x * G_SD.get("a") + x * x * G_SD.get("b")) * w


def gl_dict_sub_items(x, w):
    s = 0.0
    for k, v in G_SD.items():
        s = s + np.sum(x * v)
    return s * w


def gl_dict_sub_values_loop(x, w):
    s = 0.0
    for k in G_SD:
        s = s + np.sum(x * G_SD[k])
    return s * w


class MissingD(dict):
    def __missing__(self, k):
        return 7.0


G_MD = MissingD(a=1.0)


def gl_dict_missing(x, w):
    return np.sum(x * G_MD["a"] + x * G_MD["zz"]) * w


G_DEQUE = collections.deque([1.0, 2.0, 3.0])


def gl_deque_loop(x, w):
    s = 0.0
    for c in G_DEQUE:
        s = s * 0.5 + np.sum(x * c)
    return s * w


def gl_deque_index(x, w):
    return np.sum(x * G_DEQUE[0] + x * x * G_DEQUE[-1]) * w


G_UL = collections.UserList([1.0, 2.0, 3.0])


def gl_userlist_loop(x, w):
    s = 0.0
    for c in G_UL:
        s = s * 0.5 + np.sum(x * c)
    return s * w


class MyUL(collections.UserList):
    def __iter__(self):
        return iter(self.data[::-1])


G_MYUL = MyUL([1.0, 2.0, 3.0])


def gl_my_userlist_loop(x, w):
    s = 0.0
    for c in G_MYUL:
        s = s * 0.5 + np.sum(x * c)
    return s * w


G_UD = collections.UserDict(a=1.0, b=2.0)


def gl_userdict(x, w):
    return np.sum(x * G_UD["a"] + x * x * G_UD["b"]) * w


G_CM = collections.ChainMap({"a": 3.0}, {"a": 1.0, "b": 2.0})


def gl_chainmap(x, w):
    return np.sum(x * G_CM["a"] + x * x * G_CM["b"]) * w


G_CNT = collections.Counter("aab")


def gl_counter(x, w):
    return np.sum(x * G_CNT["a"] + x * x * G_CNT["q"]) * w


G_OD = collections.OrderedDict(b=2.0, a=1.0)


def gl_ordereddict_loop(x, w):
    s = 0.0
    for k, v in G_OD.items():
        s = s * 0.5 + np.sum(x * v)
    return s * w


G_DD = collections.defaultdict(lambda: 4.0, a=1.0)


def gl_defaultdict(x, w):
    return np.sum(x * G_DD["a"] + x * x * G_DD["nope"]) * w


class HookTuple(tuple):
    def __iter__(self):
        return iter(tuple(reversed(tuple.__getitem__(self, slice(None)))))


G_HT = HookTuple((1.0, 2.0, 5.0))


def gl_tuple_sub_loop(x, w):
    s = 0.0
    for c in G_HT:
        s = s * 0.5 + np.sum(x * c)
    return s * w


def gl_tuple_sub_unpack(x, w):
    a, b, c = G_HT
    return np.sum(x * a + x * x * b) * w


class GetT(tuple):
    def __getitem__(self, i):
        return tuple.__getitem__(self, i) * 3.0


G_GT = GetT((1.0, 2.0))


def gl_tuple_sub_index(x, w):
    return np.sum(x * G_GT[0] + x * x * G_GT[1]) * w


CASES = [(k, v) for k, v in list(globals().items()) if k.startswith(("ct_", "gl_"))]
