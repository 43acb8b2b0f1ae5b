"""The eighty-ninth hunt's programs on data descriptors an ``__init__`` stores through: a
property with a setter, a ``__set_name__`` descriptor with ``__get__`` and ``__set__``, one
validating (clipping) what it stores, one with ``__set__`` alone, the object handed to a
helper; beside them, descriptors with ``__get__`` alone, read or shadowed. Each program is
``f(x, w)`` of a float array ``x`` (4 or 6 items) and a float ``w``."""
import numpy as np


class PropInit:
    def __init__(self, v):
        self.v = v

    @property
    def v(self):
        return self._v * 2.0

    @v.setter
    def v(self, new):
        self._v = new


def dd_property_setter_in_init(x, w):
    o = PropInit(x * w)
    return np.sum(o.v * x)


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


def dd_descriptor_in_init(x, w):
    o = WithNamed(x * w)
    return np.sum(o.v * x)


def dd_descriptor_assigned(x, w):
    o = WithNamed(x)
    o.v = x * w
    return np.sum(o.v * x)


class GetOnly:
    def __get__(self, obj, kind=None):
        return 3.0


class WithGetOnly:
    k = GetOnly()

    def __init__(self, v):
        self.v = v


def dd_nondata_descriptor(x, w):
    o = WithGetOnly(x * w)
    return np.sum(o.v * x * o.k)


class Shadowing:
    k = GetOnly()

    def __init__(self, v):
        self.k = v


def dd_nondata_shadowed(x, w):
    o = Shadowing(x * w)
    return np.sum(o.k * x)


class Validated:
    def __set_name__(self, owner, name):
        self.name = "_" + name

    def __get__(self, obj, kind=None):
        return getattr(obj, self.name)

    def __set__(self, obj, value):
        setattr(obj, self.name, np.clip(value, -1.0, 1.0))


class Clipped:
    v = Validated()

    def __init__(self, v):
        self.v = v


def dd_validating_descriptor(x, w):
    o = Clipped(x * w)
    return np.sum(o.v * x)


def dd_descriptor_argument(x, w):
    o = WithNamed(x)
    return np.sum(read_v(o) * w)


def read_v(o):
    return o.v


class SetOnlyDesc:
    def __set__(self, obj, value):
        obj.__dict__["v"] = value * 2.0


class WithSetOnly:
    v = SetOnlyDesc()

    def __init__(self, v):
        self.v = v


def dd_set_only_descriptor(x, w):
    o = WithSetOnly(x * w)
    return np.sum(o.v * x)


CASES = [(k, v) for k, v in list(globals().items()) if k.startswith("dd_")]
