"""The eighty-ninth hunt's programs on attributes and classes: a property setter writing
into an array, ``__set_name__`` descriptors, ``__getattr__``/``__getattribute__`` reading or
writing, ``__slots__``, a class attribute shadowed, a metaclass ``__call__``,
``__init_subclass__``, frozen dataclasses, ``field(default_factory=...)``, ``__post_init__``,
enums holding values, a ``NamedTuple`` with methods, ``abc`` abstract methods, context managers
writing on exit, class and static methods, a class counter. Each program is ``f(x, w)`` of a
float array ``x`` (4 or 6 items) and a float ``w``."""
import abc
import contextlib
import dataclasses
import enum
import typing

import numpy as np


class Box:
    def __init__(self, v):
        self._v = v

    @property
    def v(self):
        return self._v

    @v.setter
    def v(self, new):
        self._v[...] = new


def ds_property_setter_writes(x, w):
    b = Box(x * 1.0)
    b.v = x * w
    return np.sum(b.v * x)


def ds_property_setter_writes_caller(x, w):
    buf = x * 1.0
    b = Box(buf)
    b.v = buf * w
    return np.sum(buf * x)


class Named:
    def __set_name__(self, owner, name):
        self.name = "_" + name

    def __get__(self, obj, kind=None):
        return getattr(obj, self.name) * 2.0

    def __set__(self, obj, value):
        setattr(obj, self.name, value)


class WithNamed:
    v = Named()

    def __init__(self, v):
        self.v = v


def ds_set_name_descriptor(x, w):
    o = WithNamed(x * w)
    return np.sum(o.v * x)


class Lazy:
    def __init__(self, d):
        self.d = d

    def __getattr__(self, name):
        return self.d[name]


def ds_getattr_reads(x, w):
    o = Lazy({"a": x * w, "b": x})
    return np.sum(o.a * o.b)


class LazyWriting:
    def __init__(self, d):
        self.d = d

    def __getattr__(self, name):
        self.d[0] = self.d[0] * 2.0
        return self.d


def ds_getattr_writes(x, w):
    buf = x * w
    o = LazyWriting(buf)
    a = o.anything
    return np.sum(a * buf)


class Logged:
    def __init__(self, v):
        self.v = v

    def __getattribute__(self, name):
        value = object.__getattribute__(self, name)
        if name == "v":
            return value * 2.0
        return value


def ds_getattribute(x, w):
    o = Logged(x * w)
    return np.sum(o.v * x)


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self, a, b):
        self.a = a
        self.b = b

    def val(self):
        return np.sum(self.a * self.b)


def ds_slots(x, w):
    s = Slotted(x * w, x)
    s.a = s.a * 2.0
    return s.val()


class Shadow:
    k = 2.0

    def val(self, x):
        return x * self.k


SHADOW = Shadow()


def ds_class_attr_shadowed(x, w):
    return np.sum(SHADOW.val(x)) * w


class Meta(type):
    def __call__(cls, *args):
        obj = super().__call__(*args)
        obj.v = obj.v * 3.0
        return obj


class MetaMade(metaclass=Meta):
    def __init__(self, v):
        self.v = v


def ds_metaclass_call(x, w):
    o = MetaMade(x * w)
    return np.sum(o.v * x)


class Base:
    scale = 1.0

    def __init_subclass__(cls, scale=1.0, **kw):
        super().__init_subclass__(**kw)
        cls.scale = scale


class Doubled(Base, scale=2.0):
    def val(self, x):
        return x * self.scale


def ds_init_subclass(x, w):
    return np.sum(Doubled().val(x) * w)


@dataclasses.dataclass(frozen=True)
class Frozen:
    a: np.ndarray
    k: float = 2.0

    def val(self):
        return np.sum(self.a * self.k)


def ds_frozen_dataclass(x, w):
    f = Frozen(x * w)
    g = dataclasses.replace(f, k=3.0)
    return f.val() + g.val()


@dataclasses.dataclass
class WithFactory:
    a: np.ndarray
    hist: list = dataclasses.field(default_factory=list)

    def step(self, c):
        self.hist.append(self.a)
        self.a = self.a * c


def ds_dataclass_factory(x, w):
    m = WithFactory(x * 1.0)
    m.step(w)
    m.step(w)
    return np.sum(m.a) + np.sum(m.hist[0] * m.hist[1])


@dataclasses.dataclass
class PostInit:
    a: np.ndarray

    def __post_init__(self):
        self.a = self.a * 2.0


def ds_post_init(x, w):
    p = PostInit(x * w)
    return np.sum(p.a * x)


class Color(enum.Enum):
    RED = 1.0
    BLUE = 2.0


def ds_enum_value(x, w):
    return np.sum(x * Color.BLUE.value) * w


class Weights(enum.Enum):
    A = (1.0, 2.0)
    B = (3.0, 4.0)

    def scale(self, v):
        return v * self.value[0] + self.value[1]


def ds_enum_method(x, w):
    return np.sum(Weights.B.scale(x)) * w


class Pt(typing.NamedTuple):
    a: np.ndarray
    b: float

    def val(self):
        return np.sum(self.a) * self.b


def ds_namedtuple_method(x, w):
    p = Pt(x * x, w)
    q = p._replace(b=3.0)
    return p.val() + q.val()


class Shape(abc.ABC):
    @abc.abstractmethod
    def area(self, v):
        ...

    def twice(self, v):
        return self.area(v) * 2.0


class Sq(Shape):
    def area(self, v):
        return np.sum(v ** 2)


def ds_abc(x, w):
    return Sq().twice(x * w)


@contextlib.contextmanager
def scaled(buf, c):
    yield buf
    buf[0] = buf[0] * c


def ds_contextmanager_writes_on_exit(x, w):
    buf = x * 1.0
    with scaled(buf, w) as b:
        s = np.sum(b * x)
    return s + np.sum(buf * x)


class Ctx:
    def __init__(self, buf):
        self.buf = buf

    def __enter__(self):
        return self.buf

    def __exit__(self, *exc):
        self.buf *= 2.0
        return False


def ds_with_class_writes_on_exit(x, w):
    buf = x * w
    with Ctx(buf) as b:
        s = np.sum(b)
    return s + np.sum(buf * x)


class StaticHolder:
    @staticmethod
    def f(v):
        return v * 2.0

    @classmethod
    def g(cls, v):
        return cls.f(v) * 3.0


def ds_classmethod(x, w):
    return np.sum(StaticHolder.g(x)) * w


class Counter:
    n = 0

    def __init__(self, v):
        Counter.n += 1
        self.v = v * Counter.n


def ds_class_counter(x, w):
    Counter.n = 0
    a = Counter(x)
    b = Counter(x * w)
    return np.sum(a.v * b.v)


CASES = [(k, v) for k, v in list(globals().items()) if k.startswith("ds_")]
