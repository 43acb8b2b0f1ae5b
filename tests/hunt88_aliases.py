"""The eighty-eighth hunt's programs on one array under two attribute names (``self.a = d;
self.b = d``) followed where no method the code runs rebinds either: the methods varied
(rebound on the class or the object, overridden by a subclass, a property, a classmethod
or staticmethod writing, ``__getattr__``, ``__slots__``, reached through ``getattr``, a
bound method kept in a list), a second alias (a view, ``np.asarray``, a list or dict
holding it), loops and dtypes. Each program is ``f(x, w)`` of a float array ``x`` (4 or 6
items) and a float ``w``."""
import numpy as np


class Pair:
    def __init__(self, d):
        self.a = d
        self.b = d

    def bump(self, v):
        self.a[0] = self.a[0] * v

    def total(self):
        return np.sum(self.b ** 2)


def ta_plain(x, w):
    p = Pair(x * 1.0)
    p.bump(w)
    return p.total() + np.sum(p.b * x)


class PairRebindSub(Pair):
    def total(self):
        self.b = self.b * 2.0
        return np.sum(self.b ** 2)


def ta_sub_total_rebinds(x, w):
    p = PairRebindSub(x * 1.0)
    p.bump(w)
    s = p.total()
    p.bump(w)
    return s + np.sum(p.b * x) + np.sum(p.a)


class PairWriterSub(Pair):
    def total(self):
        self.b[1] = self.b[1] * 3.0
        return np.sum(self.b ** 2)


def ta_sub_reader_writes(x, w):
    p = PairWriterSub(x * 1.0)
    p.bump(w)
    s = p.total()
    return s + np.sum(p.a * x)


class PairProp(Pair):
    @property
    def norm(self):
        self.a[2] = self.a[2] * 2.0
        return np.sum(self.b ** 2)


def ta_property_writes(x, w):
    p = PairProp(x * 1.0)
    p.bump(w)
    return p.norm + np.sum(p.b * x)


class PairPropRebind(Pair):
    @property
    def norm(self):
        self.a = self.a * 2.0
        return np.sum(self.a ** 2)


def ta_property_rebinds(x, w):
    p = PairPropRebind(x * 1.0)
    n = p.norm
    p.bump(w)
    return n + np.sum(p.b * x) + np.sum(p.a)


class PairClassMethod(Pair):
    @classmethod
    def scale_of(cls, obj, v):
        obj.a[1] = obj.a[1] * v
        return obj


def ta_classmethod_writes(x, w):
    p = PairClassMethod(x * 1.0)
    PairClassMethod.scale_of(p, w)
    return p.total() + np.sum(p.b * x)


def ta_classmethod_through_object(x, w):
    p = PairClassMethod(x * 1.0)
    p.scale_of(p, w)
    return p.total() + np.sum(p.b * x)


class PairStatic(Pair):
    @staticmethod
    def rebind(obj, v):
        obj.a = obj.a * v
        return obj

    def step(self, v):
        self.rebind(self, v)


def ta_staticmethod_rebinds(x, w):
    p = PairStatic(x * 1.0)
    p.step(w)
    p.bump(w)
    return np.sum(p.b * x) + np.sum(p.a ** 2)


class PairStaticCalled(Pair):
    @staticmethod
    def rebind(obj, v):
        obj.a = obj.a * v

    def step(self, v):
        PairStaticCalled.rebind(self, v)


def ta_staticmethod_named_by_class(x, w):
    p = PairStaticCalled(x * 1.0)
    p.step(w)
    p.bump(w)
    return np.sum(p.b * x) + np.sum(p.a ** 2)


class PairGetattr(Pair):
    def __getattr__(self, name):
        self.a = self.a * 2.0
        return 0.0


def ta_getattr_hook_rebinds(x, w):
    p = PairGetattr(x * 1.0)
    z = p.missing
    p.bump(w)
    return np.sum(p.b * x) + np.sum(p.a) + z


class PairGetattribute(Pair):
    def __getattribute__(self, name):
        if name == "b":
            object.__setattr__(self, "a", object.__getattribute__(self, "a") * 1.0)
        return object.__getattribute__(self, name)


def ta_getattribute_rebinds(x, w):
    p = PairGetattribute(x * 1.0)
    s = np.sum(p.b)
    p.bump(w)
    return np.sum(p.b * x) + s


class PairSlots:
    __slots__ = ("a", "b")

    def __init__(self, d):
        self.a = d
        self.b = d

    def bump(self, v):
        self.a[0] = self.a[0] * v

    def total(self):
        return np.sum(self.b ** 2)


def ta_slots(x, w):
    p = PairSlots(x * 1.0)
    p.bump(w)
    return p.total() + np.sum(p.b * x)


def ta_slots_loop(x, w):
    p = PairSlots(x * 1.0)
    for _ in range(3):
        p.bump(w)
    return p.total()


def ta_getattr_name(x, w):
    p = Pair(x * 1.0)
    getattr(p, "bump")(w)
    return p.total() + np.sum(p.b * x)


def ta_bound_in_list(x, w):
    p = Pair(x * 1.0)
    fs = [p.bump, p.bump]
    for g in fs:
        g(w)
    return p.total()


def ta_bound_method_name(x, w):
    p = Pair(x * 1.0)
    g = p.bump
    g(w)
    return np.sum(p.b * x)


def _rebinding_bump(self, v):
    self.a = self.a * v


class PairLater(Pair):
    pass


def ta_instance_rebound_method(x, w):
    p = PairLater(x * 1.0)
    p.bump(w)
    p.bump = lambda v: _rebinding_bump(p, v)
    p.bump(w)
    return np.sum(p.b * x) + np.sum(p.a)


def ta_view_of_a(x, w):
    d = x * 1.0
    p = Pair(d)
    v = p.a[1:]
    p.bump(w)
    v[0] = v[0] * w
    return np.sum(p.b * x)


def ta_asarray_of_b(x, w):
    p = Pair(x * 1.0)
    q = np.asarray(p.b)
    p.bump(w)
    return np.sum(q * x)


def ta_list_holds_twice(x, w):
    p = Pair(x * 1.0)
    xs = [p.a, p.b]
    p.bump(w)
    return np.sum(xs[0] * xs[1])


def ta_dict_holds(x, w):
    p = Pair(x * 1.0)
    m = {"k": p.b}
    p.bump(w)
    return np.sum(m["k"] * x)


def ta_write_through_b_read_a(x, w):
    p = Pair(x * 1.0)
    p.b[2] = w * 3.0
    return np.sum(p.a * x)


def ta_iadd_via_b(x, w):
    p = Pair(x * 1.0)
    p.b += w
    return np.sum(p.a * x)


def ta_imul_in_loop(x, w):
    p = Pair(x * 1.0)
    for _ in range(2):
        p.bump(w)
        p.b[1] *= w
    return p.total()


class PairThree:
    def __init__(self, d):
        self.a = d
        self.b = d
        self.c = self.b

    def bump(self, v):
        self.c[0] = self.c[0] * v


def ta_three_names(x, w):
    p = PairThree(x * 1.0)
    p.bump(w)
    return np.sum(p.a * x) + np.sum(p.b ** 2)


class PairFromSelf:
    def __init__(self, d):
        self.a = d
        self.b = self.a

    def bump(self, v):
        self.b[3] = self.b[3] * v


def ta_alias_from_self(x, w):
    p = PairFromSelf(x * 1.0)
    p.bump(w)
    return np.sum(p.a * x)


class PairHelperRebind(Pair):
    def grow(self, v):
        self._reset(v)

    def _reset(self, v):
        self.b = self.b + v


def ta_helper_rebinds(x, w):
    p = PairHelperRebind(x * 1.0)
    p.grow(w)
    p.bump(w)
    return np.sum(p.a * x) + np.sum(p.b)


class PairSuperRebind(Pair):
    def bump(self, v):
        super().bump(v)
        self.b = self.b * 1.0


def ta_super_then_rebind(x, w):
    p = PairSuperRebind(x * 1.0)
    p.bump(w)
    p.a[1] = p.a[1] * w
    return np.sum(p.b * x) + np.sum(p.a)


class PairSetattr(Pair):
    def part(self, v):
        setattr(self, "b", self.b * v)


def ta_setattr_in_method(x, w):
    p = PairSetattr(x * 1.0)
    p.part(w)
    p.bump(w)
    return np.sum(p.b * x) + np.sum(p.a)


class PairVars(Pair):
    def part(self, v):
        vars(self)["b"] = self.b * v


def ta_vars_in_method(x, w):
    p = PairVars(x * 1.0)
    p.part(w)
    p.bump(w)
    return np.sum(p.b * x) + np.sum(p.a)


class PairDict(Pair):
    def part(self, v):
        self.__dict__["b"] = self.b * v


def ta_dunder_dict_in_method(x, w):
    p = PairDict(x * 1.0)
    p.part(w)
    p.bump(w)
    return np.sum(p.b * x) + np.sum(p.a)


def ta_zero_d(x, w):
    p = Pair(np.array(x[0] * 1.0))
    p.a[...] = p.a * w
    return float(p.b) * x[1]


def ta_empty(x, w):
    p = Pair(x[:0] * 1.0)
    p.b += w
    return np.sum(p.a) + np.sum(x) * w


def ta_exception_half_way(x, w):
    p = Pair(x * 1.0)
    try:
        p.bump(w)
        raise ValueError("half")
    except ValueError:
        pass
    return np.sum(p.b * x)


class PairRaising(Pair):
    def bump(self, v):
        self.a[0] = self.a[0] * v
        if v > 0:
            raise KeyError("k")


def ta_method_raises(x, w):
    p = PairRaising(x * 1.0)
    try:
        p.bump(w)
    except KeyError:
        pass
    return np.sum(p.b * x)


def ta_read_through_other_name(x, w):
    p = Pair(x * 1.0)
    p.bump(w)
    return np.sum(p.b * x)


def ta_second_object_shares(x, w):
    d = x * 1.0
    p = Pair(d)
    q = Pair(p.b)
    q.bump(w)
    return np.sum(p.a * x)


def ta_returned_attr(x, w):
    p = Pair(x * 1.0)
    b = p.b
    p.bump(w)
    return np.sum(b * x)


def ta_mixed_ops(x, w):
    p = Pair(np.sin(x))
    p.bump(w)
    p.bump(x[0])
    return p.total() * w


CASES = [(name, f) for name, f in list(globals().items()) if name.startswith("ta_") and callable(f)]
