"""The eighty-eighth hunt's programs on objects a method or classmethod of the user's
builds holding another object (``ByItem(Inner(b))``), followed where the held class's
methods write nothing: the class built named otherwise (a local name, a dict, a
conditional, ``type(...)``, a default argument), its methods writing through a helper, a
NumPy method, ``out=``, a view, a module global, a subclass, a class attribute that is a
lambda. Each program is ``f(x, w)`` of a float array ``x`` (4 or 6 items) and a float ``w``."""
import functools

import numpy as np


class Inner:
    def __init__(self, d):
        self.d = d

    def __getitem__(self, k):
        return self.d[k] * 2.0

    def __mul__(self, v):
        return self.d * v

    def __len__(self):
        return 3


class WritingInner(Inner):
    def __getitem__(self, k):
        self.d[0] = self.d[0] * 3.0
        return self.d[k]

    def __mul__(self, v):
        self.d[1] = self.d[1] * 3.0
        return self.d * v


class ByItem:
    def __init__(self, inner):
        self.inner = inner

    def total(self, v):
        self.s = self.inner[1] * v


class ByOperator:
    def __init__(self, inner):
        self.inner = inner

    def total(self, v):
        self.s = np.sum(self.inner * v)


WRITERS = {"w": WritingInner, "p": Inner}


class Maker:
    def __init__(self, d):
        self.d = d

    def by_item(self):
        return ByItem(Inner(self.d))

    def by_local_name(self):
        k = WritingInner
        return ByItem(k(self.d))

    def by_dict(self):
        return ByItem(WRITERS["w"](self.d))

    def by_type_of(self, proto):
        return ByItem(type(proto)(self.d))

    def by_default(self, k=WritingInner):
        return ByItem(k(self.d))

    def by_getattr(self):
        return ByItem(getattr(__import__(__name__), "WritingInner")(self.d))

    def by_partial(self):
        return ByItem(functools.partial(WritingInner)(self.d))

    def by_conditional(self, flag):
        return ByItem((WritingInner if flag else Inner)(self.d))

    def by_attribute_class(self):
        return ByItem(self.kind(self.d))

    def by_operator_local(self):
        k = WritingInner
        return ByOperator(k(self.d))

    def by_lambda(self):
        make = lambda b: WritingInner(b)      # noqa: E731
        return ByItem(make(self.d))


class MakerKind(Maker):
    kind = WritingInner


class Factory:
    @classmethod
    def by_item(cls, b):
        return ByItem(Inner(b))

    @classmethod
    def by_cls_attribute(cls, b):
        return ByItem(cls.inner_class(b))

    @staticmethod
    def by_static(b):
        k = WritingInner
        return ByItem(k(b))


class FactoryWriting(Factory):
    inner_class = WritingInner


def hd_plain(x, w):
    buf = x * 1.0
    m = Maker(buf)
    a = m.by_item()
    a.total(w)
    return np.sum(buf * x) * a.s


def hd_local_name(x, w):
    buf = x * 1.0
    m = Maker(buf)
    a = m.by_local_name()
    a.total(w)
    return np.sum(buf * x) + a.s


def hd_local_name_operator(x, w):
    buf = x * 1.0
    m = Maker(buf)
    a = m.by_operator_local()
    a.total(w)
    return np.sum(buf * x) + a.s


def hd_dict(x, w):
    buf = x * 1.0
    m = Maker(buf)
    a = m.by_dict()
    a.total(w)
    return np.sum(buf * x) + a.s


def hd_type_of(x, w):
    buf = x * 1.0
    m = Maker(buf)
    a = m.by_type_of(WritingInner(None))
    a.total(w)
    return np.sum(buf * x) + a.s


def hd_default(x, w):
    buf = x * 1.0
    m = Maker(buf)
    a = m.by_default()
    a.total(w)
    return np.sum(buf * x) + a.s


def hd_getattr(x, w):
    buf = x * 1.0
    m = Maker(buf)
    a = m.by_getattr()
    a.total(w)
    return np.sum(buf * x) + a.s


def hd_partial(x, w):
    buf = x * 1.0
    m = Maker(buf)
    a = m.by_partial()
    a.total(w)
    return np.sum(buf * x) + a.s


def hd_conditional(x, w):
    buf = x * 1.0
    m = Maker(buf)
    a = m.by_conditional(True)
    a.total(w)
    return np.sum(buf * x) + a.s


def hd_class_attribute(x, w):
    buf = x * 1.0
    m = MakerKind(buf)
    a = m.by_attribute_class()
    a.total(w)
    return np.sum(buf * x) + a.s


def hd_lambda(x, w):
    buf = x * 1.0
    m = Maker(buf)
    a = m.by_lambda()
    a.total(w)
    return np.sum(buf * x) + a.s


def hd_cls_attribute(x, w):
    buf = x * 1.0
    a = FactoryWriting.by_cls_attribute(buf)
    a.total(w)
    return np.sum(buf * x) + a.s


def hd_static_local(x, w):
    buf = x * 1.0
    a = Factory.by_static(buf)
    a.total(w)
    return np.sum(buf * x) + a.s


def hd_classmethod_plain(x, w):
    buf = x * 1.0
    a = Factory.by_item(buf)
    a.total(w)
    return np.sum(buf * x) * a.s


def _scale_first(d):
    d[0] = d[0] * 3.0


class HelperInner(Inner):
    def __getitem__(self, k):
        _scale_first(self.d)
        return self.d[k]


class NumpyMethodInner(Inner):
    def __getitem__(self, k):
        r = self.d.sort()
        return self.d[k]


class OutInner(Inner):
    def __mul__(self, v):
        r = np.multiply(self.d, v, out=self.d)
        return r


class CopytoInner(Inner):
    def __getitem__(self, k):
        r = np.copyto(self.d, self.d * 2.0)
        return self.d[k]


class ViewInner(Inner):
    def __getitem__(self, k):
        v = self.d[:]
        v[0] = 5.0
        return self.d[k]


class FillInner(Inner):
    def __getitem__(self, k):
        r = self.d.fill(1.0)
        return self.d[k]


class DunderInner(Inner):
    def __getitem__(self, k):
        r = self.d.__setitem__(0, 4.0)
        return self.d[k]


class ImulInner(Inner):
    def __mul__(self, v):
        r = self.d.__imul__(v)
        return r


class LambdaInner(Inner):
    __getitem__ = lambda self, k: (self.d.__setitem__(0, 4.0), self.d[k])[1]     # noqa: E731


class PutInner(Inner):
    def __getitem__(self, k):
        r = np.put(self.d, [0], [4.0])
        return self.d[k]


class AddAtInner(Inner):
    def __getitem__(self, k):
        r = np.add.at(self.d, [0], 4.0)
        return self.d[k]


class SubInner(Inner):
    pass


SubInner.__getitem__ = WritingInner.__getitem__


class GetitemHelper(Inner):
    def __getitem__(self, k):
        return self._read(k)

    def _read(self, k):
        self.d[0] = self.d[0] * 3.0
        return self.d[k]


class Kinds:
    def __init__(self, d):
        self.d = d

    def helper(self):
        return ByItem(HelperInner(self.d))

    def numpy_method(self):
        return ByItem(NumpyMethodInner(self.d))

    def out(self):
        return ByOperator(OutInner(self.d))

    def copyto(self):
        return ByItem(CopytoInner(self.d))

    def view(self):
        return ByItem(ViewInner(self.d))

    def fill(self):
        return ByItem(FillInner(self.d))

    def dunder(self):
        return ByItem(DunderInner(self.d))

    def imul(self):
        return ByOperator(ImulInner(self.d))

    def lam(self):
        return ByItem(LambdaInner(self.d))

    def put(self):
        return ByItem(PutInner(self.d))

    def add_at(self):
        return ByItem(AddAtInner(self.d))

    def sub(self):
        return ByItem(SubInner(self.d))

    def through_helper(self):
        return ByItem(GetitemHelper(self.d))


def _kind_program(kind):
    def program(x, w):
        buf = x * 1.0
        a = getattr(Kinds(buf), kind)()
        a.total(w)
        return np.sum(buf * x) + np.sum(a.s)
    program.__name__ = "hk_" + kind
    return program


def hk_helper(x, w):
    buf = x * 1.0
    m = Kinds(buf)
    a = m.helper()
    a.total(w)
    return np.sum(buf * x) + np.sum(a.s)


def hk_numpy_method(x, w):
    buf = x * 1.0
    m = Kinds(buf)
    a = m.numpy_method()
    a.total(w)
    return np.sum(buf * x) + np.sum(a.s)


def hk_out(x, w):
    buf = x * 1.0
    m = Kinds(buf)
    a = m.out()
    a.total(w)
    return np.sum(buf * x) + np.sum(a.s)


def hk_copyto(x, w):
    buf = x * 1.0
    m = Kinds(buf)
    a = m.copyto()
    a.total(w)
    return np.sum(buf * x) + np.sum(a.s)


def hk_view(x, w):
    buf = x * 1.0
    m = Kinds(buf)
    a = m.view()
    a.total(w)
    return np.sum(buf * x) + np.sum(a.s)


def hk_fill(x, w):
    buf = x * 1.0
    m = Kinds(buf)
    a = m.fill()
    a.total(w)
    return np.sum(buf * x) + np.sum(a.s)


def hk_dunder(x, w):
    buf = x * 1.0
    m = Kinds(buf)
    a = m.dunder()
    a.total(w)
    return np.sum(buf * x) + np.sum(a.s)


def hk_imul(x, w):
    buf = x * 1.0
    m = Kinds(buf)
    a = m.imul()
    a.total(w)
    return np.sum(buf * x) + np.sum(a.s)


def hk_lambda(x, w):
    buf = x * 1.0
    m = Kinds(buf)
    a = m.lam()
    a.total(w)
    return np.sum(buf * x) + np.sum(a.s)


def hk_put(x, w):
    buf = x * 1.0
    m = Kinds(buf)
    a = m.put()
    a.total(w)
    return np.sum(buf * x) + np.sum(a.s)


def hk_add_at(x, w):
    buf = x * 1.0
    m = Kinds(buf)
    a = m.add_at()
    a.total(w)
    return np.sum(buf * x) + np.sum(a.s)


def hk_sub_assigned(x, w):
    buf = x * 1.0
    m = Kinds(buf)
    a = m.sub()
    a.total(w)
    return np.sum(buf * x) + np.sum(a.s)


def hk_through_helper(x, w):
    buf = x * 1.0
    m = Kinds(buf)
    a = m.through_helper()
    a.total(w)
    return np.sum(buf * x) + np.sum(a.s)


def hk_loop(x, w):
    buf = x * 1.0
    m = Maker(buf)
    a = m.by_item()
    for _ in range(3):
        a.total(w)
    return np.sum(buf * x) * a.s


def hk_loop_writing(x, w):
    buf = x * 1.0
    m = Maker(buf)
    a = m.by_local_name()
    for _ in range(2):
        a.total(w)
    return np.sum(buf * x) + a.s


CASES = [(name, f) for name, f in list(globals().items()) if name.startswith(("hd_", "hk_")) and callable(f)]
