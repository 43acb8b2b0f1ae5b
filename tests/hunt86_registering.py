"""The eighty-sixth hunt's programs on building objects whose ``__init__`` (or ``__new__``,
a dataclass's ``__post_init__``, a static or class method it calls, a helper building
them) stores the object in memory from outside it, where the function reads it back.
CASES, REFUSED and ``reset()`` as in hunt86_containers.py."""
import dataclasses
import types

import numpy as np

REG = []
CONF = types.SimpleNamespace(last=None)


def reset():
    REG.clear()
    CONF.last = None
    C3.all.clear()


class C1:
    def __init__(self, data):
        self.data = data
        self._reg(self)

    @staticmethod
    def _reg(o):
        REG.append(o)


class C2:
    all = []

    def __init__(self, data):
        self.data = data
        self.enroll()

    @classmethod
    def enroll_cls(cls, o):
        cls.all.append(o)

    def enroll(self):
        C2.all.append(self)


class C3:
    all = []

    def __init__(self, data):
        self.data = data
        type(self).add(self)

    @classmethod
    def add(cls, o):
        cls.all.append(o)


@dataclasses.dataclass
class C4:
    data: np.ndarray

    def __post_init__(self):
        REG.append(self)


class C5:
    def __new__(cls, data):
        o = super().__new__(cls)
        REG.append(o)
        return o

    def __init__(self, data):
        self.data = data


class C6:
    def __init__(self, data):
        self.data = data
        setattr(CONF, "last", self)


class C7:
    def __init__(self, data):
        self.data = data
        for r in (REG,):
            r.append(self)


class C8:
    def __init__(self, data):
        self.data = data
        CONF.last = self


class C9:
    def __init__(self, data):
        self.data = data
        add = REG.append
        add(self)


class C10:
    def __init__(self, data):
        self.data = data
        self.add_to(REG)

    def add_to(self, reg):
        reg.append(self)


def make9(b):
    return C9(b)


def rc_staticmethod(x, w):
    C1(x * w)
    return np.sum(REG[-1].data ** 2)


def rc_classmethod_type(x, w):
    C3(x * w)
    return np.sum(C3.all[-1].data ** 2)


def rc_post_init(x, w):
    C4(x * w)
    return np.sum(REG[-1].data ** 2)


def rc_new(x, w):
    C5(x * w)
    return np.sum(REG[-1].data ** 2)


def rc_setattr(x, w):
    C6(x * w)
    return np.sum(CONF.last.data ** 2)


def rc_for_alias(x, w):
    C7(x * w)
    return np.sum(REG[-1].data ** 2)


def rc_namespace_attr(x, w):
    C8(x * w)
    return np.sum(CONF.last.data ** 2)


def rc_bound_method_alias(x, w):
    C9(x * w)
    return np.sum(REG[-1].data ** 2)


def rc_through_factory(x, w):
    make9(x * w)
    return np.sum(REG[-1].data ** 2)


def rc_method_with_arg(x, w):
    C10(x * w)
    return np.sum(REG[-1].data ** 2)


def rc_enroll(x, w):
    C2(x * w)
    return np.sum(C2.all[-1].data ** 2)



class C11:
    def __init__(self, data):
        self.data = data
        REG.append(self)


def make11(b):
    return C11(b)


def make11_bound(b):
    o = C11(b * 1.0)
    return o


def make11_two(b):
    o = C11(b * 1.0)
    return o, 1.0


def rc_plain_through_factory(x, w):
    make11(x * w)
    return np.sum(REG[-1].data ** 2)


def rc_plain_through_factory_bound(x, w):
    a = make11(x * w)
    return np.sum(REG[-1].data ** 2) + np.sum(a.data)


def rc_factory_bound_name(x, w):
    a = make11_bound(x * w)
    return np.sum(REG[-1].data ** 2) + np.sum(a.data)


def rc_factory_two(x, w):
    a, k = make11_two(x * w)
    return np.sum(REG[-1].data ** 2) * k


def rc_bound_through_factory9(x, w):
    a = make9(x * w)
    return np.sum(REG[-1].data ** 2)


def make11_of_constants():
    return C11(np.ones(3))


class Kept:
    def __init__(self, data):
        self.data = data


def add_to(items, v):
    items.append(Kept(v))


def rc_built_of_constants_by_a_helper(x, w):
    make11_of_constants()
    return np.sum(REG[-1].data) * w + np.sum(x ** 2)


def rc_appended_to_the_callers_list(x, w):
    mine = []
    add_to(mine, x * w)
    return np.sum(mine[0].data ** 2)


def make_kept(b):
    return Kept(b)


MAKE = make_kept        # rebound between two calls of one gradient (test_hunt86)


def rc_factory_named_by_a_global(x, w):
    h = MAKE(x * w)
    return np.sum(h.data ** 2)


def make11_star(*a):
    return C11(*a)


def rc_through_star_factory(x, w):
    """A helper taking ``*args`` builds the registering object: astgrad's copy of it made
    for the call's shape has no source of its own (the check read the wrong lines)."""
    make11_star(x * w)
    return np.sum(REG[-1].data ** 2)


CASES = [(name, f) for name, f in list(globals().items())
         if callable(f) and not isinstance(f, type) and name.startswith(("rc_",))]
