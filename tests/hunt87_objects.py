"""The eighty-seventh hunt's programs on objects: an object of the user's held by another
(in an attribute, a dict or tuple attribute, under two names) whose operators, item
reads, calls, ``len``, ``in``, iteration, truth or ``+=`` run the user's code writing into
the array handed in; one array under two attribute names written through one and read
through the other; properties with setters; ``super(Cls, self)`` skipping a class.
Each program is ``f(x, w)`` of a float array ``x`` (4 or 6 items) and a float ``w``."""
import numpy as np


class Inner:
    def __init__(self, d):
        self.d = d

    def _bump(self):
        self.d[0] = self.d[0] * 3.0

    def __mul__(self, v):
        self._bump()
        return self.d * v

    def __rmul__(self, v):
        self._bump()
        return self.d * v

    def __neg__(self):
        self._bump()
        return -self.d

    def __matmul__(self, v):
        self._bump()
        return self.d @ v

    def __lt__(self, v):
        self._bump()
        return self.d < v

    def __abs__(self):
        self._bump()
        return np.abs(self.d)

    def __iter__(self):
        self._bump()
        return iter(list(self.d))

    def __bool__(self):
        self._bump()
        return True

    def __contains__(self, v):
        self._bump()
        return False

    def __len__(self):
        self._bump()
        return len(self.d)

    def __call__(self, v):
        self._bump()
        return self.d * v

    def __getitem__(self, k):
        self._bump()
        return self.d[k]

    def __iadd__(self, v):
        self.d[1] = self.d[1] + v
        return self


class Pure:
    def __init__(self, d):
        self.d = d

    def __mul__(self, v):
        return self.d * v

    def __rmul__(self, v):
        return self.d * v

    def __neg__(self):
        return -self.d

    def __getitem__(self, k):
        return self.d[k]

    def __call__(self, v):
        return self.d * v

    def __len__(self):
        return len(self.d)

    def __iter__(self):
        return iter(list(self.d))


class Holder:
    def __init__(self, inner):
        self.inner = inner

    def rmul(self, v):
        return np.sum(v * self.inner)

    def mul(self, v):
        return np.sum(self.inner * v)

    def neg(self, v):
        return np.sum(-self.inner) * v

    def matmul(self, v):
        return (self.inner @ self.inner.d) * v

    def lt(self, v):
        return np.sum(np.where(self.inner < 0.5, self.inner.d, 0.0)) * v

    def absolute(self, v):
        return np.sum(abs(self.inner)) * v

    def iterate(self, v):
        s = 0.0
        for e in self.inner:
            s = s + e * v
        return s

    def truth(self, v):
        return np.sum(self.inner.d) * v if self.inner else 0.0

    def contains(self, v):
        return v * 2.0 if 3.0 in self.inner else np.sum(self.inner.d) * v

    def length(self, v):
        return np.sum(self.inner.d) * v * len(self.inner)

    def call(self, v):
        return np.sum(self.inner(v))

    def item(self, v):
        return self.inner[1] * v

    def iadd(self, v):
        self.inner += v
        return np.sum(self.inner.d) * v

    def sum_of_list(self, v):
        return sum(self.inner) * v

    def star(self, v):
        return np.sum(np.array([*self.inner])) * v


class DictHolder:
    def __init__(self, inner):
        self.parts = {"k": inner}

    def mul(self, v):
        return np.sum(self.parts["k"] * v)

    def item(self, v):
        return self.parts["k"][1] * v


class TupleHolder:
    def __init__(self, inner):
        self.parts = (inner, 1.0)

    def mul(self, v):
        return np.sum(self.parts[0] * v)

    def call(self, v):
        return np.sum(self.parts[0](v))


class TwoNames:
    def __init__(self, inner):
        self.a = inner
        self.b = inner

    def mul(self, v):
        return np.sum(self.b * v) + np.sum(self.a.d)


def _run(cls, inner_cls, method):
    def program(x, w):
        buf = x * 1.0
        h = cls(inner_cls(buf))
        r = getattr(h, method)(w)
        return r + np.sum(buf * x)
    program.__name__ = program.__qualname__ = f"ho_{cls.__name__}_{inner_cls.__name__}_{method}"
    return program


def ho_rmul(x, w):
    buf = x * 1.0
    h = Holder(Inner(buf))
    r = h.rmul(w)
    return r + np.sum(buf * x)


def ho_mul(x, w):
    buf = x * 1.0
    h = Holder(Inner(buf))
    r = h.mul(w)
    return r + np.sum(buf * x)


def ho_neg(x, w):
    buf = x * 1.0
    h = Holder(Inner(buf))
    r = h.neg(w)
    return r + np.sum(buf * x)


def ho_matmul(x, w):
    buf = x * 1.0
    h = Holder(Inner(buf))
    r = h.matmul(w)
    return r + np.sum(buf * x)


def ho_lt(x, w):
    buf = x * 1.0
    h = Holder(Inner(buf))
    r = h.lt(w)
    return r + np.sum(buf * x)


def ho_abs(x, w):
    buf = x * 1.0 + 3.0
    h = Holder(Inner(buf))
    r = h.absolute(w)
    return r + np.sum(buf * x)


def ho_iterate(x, w):
    buf = x * 1.0
    h = Holder(Inner(buf))
    r = h.iterate(w)
    return r + np.sum(buf * x)


def ho_truth(x, w):
    buf = x * 1.0
    h = Holder(Inner(buf))
    r = h.truth(w)
    return r + np.sum(buf * x)


def ho_contains(x, w):
    buf = x * 1.0
    h = Holder(Inner(buf))
    r = h.contains(w)
    return r + np.sum(buf * x)


def ho_length(x, w):
    buf = x * 1.0
    h = Holder(Inner(buf))
    r = h.length(w)
    return r + np.sum(buf * x)


def ho_call(x, w):
    buf = x * 1.0
    h = Holder(Inner(buf))
    r = h.call(w)
    return r + np.sum(buf * x)


def ho_item(x, w):
    buf = x * 1.0
    h = Holder(Inner(buf))
    r = h.item(w)
    return r + np.sum(buf * x)


def ho_iadd(x, w):
    buf = x * 1.0
    h = Holder(Inner(buf))
    r = h.iadd(w)
    return r + np.sum(buf * x)


def ho_sum_of(x, w):
    buf = x * 1.0
    h = Holder(Inner(buf))
    r = h.sum_of_list(w)
    return r + np.sum(buf * x)


def ho_star(x, w):
    buf = x * 1.0
    h = Holder(Inner(buf))
    r = h.star(w)
    return r + np.sum(buf * x)


def ho_dict_mul(x, w):
    buf = x * 1.0
    h = DictHolder(Inner(buf))
    r = h.mul(w)
    return r + np.sum(buf * x)


def ho_dict_item(x, w):
    buf = x * 1.0
    h = DictHolder(Inner(buf))
    r = h.item(w)
    return r + np.sum(buf * x)


def ho_tuple_mul(x, w):
    buf = x * 1.0
    h = TupleHolder(Inner(buf))
    r = h.mul(w)
    return r + np.sum(buf * x)


def ho_tuple_call(x, w):
    buf = x * 1.0
    h = TupleHolder(Inner(buf))
    r = h.call(w)
    return r + np.sum(buf * x)


def ho_two_names(x, w):
    buf = x * 1.0
    h = TwoNames(Inner(buf))
    r = h.mul(w)
    return r + np.sum(buf * x)


def ho_pure_rmul(x, w):
    buf = x * 1.0
    h = Holder(Pure(buf))
    return h.rmul(w) + np.sum(buf * x)


def ho_pure_neg(x, w):
    buf = x * 1.0
    h = Holder(Pure(buf))
    return h.neg(w) + np.sum(buf * x)


def ho_pure_call(x, w):
    buf = x * 1.0
    h = Holder(Pure(buf))
    return h.call(w) + np.sum(buf * x)


def ho_pure_item(x, w):
    buf = x * 1.0
    h = Holder(Pure(buf))
    return h.item(w) + np.sum(buf * x)


def ho_pure_iterate(x, w):
    buf = x * 1.0
    h = Holder(Pure(buf))
    return h.iterate(w) + np.sum(buf * x)


def ho_pure_length(x, w):
    buf = x * 1.0
    h = Holder(Pure(buf))
    return h.length(w) + np.sum(buf * x)


def ho_direct_rmul(x, w):
    buf = x * 1.0
    i = Inner(buf)
    r = np.sum(w * i)
    return r + np.sum(buf * x)


def ho_direct_iter(x, w):
    buf = x * 1.0
    i = Inner(buf)
    s = 0.0
    for e in i:
        s = s + e * w
    return s + np.sum(buf * x)


def ho_direct_len(x, w):
    buf = x * 1.0
    i = Inner(buf)
    return len(i) * w + np.sum(buf * x)


def ho_direct_truth(x, w):
    buf = x * 1.0
    i = Inner(buf)
    s = w if i else 0.0
    return s + np.sum(buf * x)


def ho_direct_in(x, w):
    buf = x * 1.0
    i = Inner(buf)
    s = w if 2.0 in i else 0.0
    return s + np.sum(buf * x)


# --- one array under two attribute names ---
class Pair:
    def __init__(self, d):
        self.a = d
        self.b = d

    def bump(self, v):
        self.a[0] = self.a[0] * v

    def scale(self, v):
        self.a *= v

    def total(self):
        return np.sum(self.b ** 2)


class PairView:
    def __init__(self, d):
        self.a = d
        self.b = d[1:]

    def bump(self, v):
        self.a[1] = self.a[1] * v

    def total(self):
        return np.sum(self.b ** 2)


def tn_bump_read_other(x, w):
    p = Pair(x * 1.0)
    p.bump(w)
    return p.total() + np.sum(p.b * x)


def tn_scale_read_other(x, w):
    p = Pair(x * 1.0)
    p.scale(w)
    return p.total()


def tn_view_bump(x, w):
    p = PairView(x * 1.0)
    p.bump(w)
    return p.total()


def tn_outside_write(x, w):
    p = Pair(x * 1.0)
    p.a[2] = w * x[0]
    return np.sum(p.b * x)


def tn_outside_iadd(x, w):
    p = Pair(x * 1.0)
    p.a += w
    return np.sum(p.b * x)


def tn_asarray_alias(x, w):
    d = x * 1.0
    p = Pair(np.asarray(d))
    p.bump(w)
    return np.sum(d * x)


def tn_list_twice(x, w):
    d = x * 1.0
    xs = [d, d]
    p = Pair(xs[0])
    p.bump(w)
    return np.sum(xs[1] * x)


def tn_dict_value(x, w):
    d = x * 1.0
    m = {"k": d}
    p = Pair(m["k"])
    p.scale(w)
    return np.sum(m["k"] * x)


def tn_setattr_alias(x, w):
    p = Pair(x * 1.0)
    setattr(p, "c", p.a)
    p.c[0] = w
    return np.sum(p.b * x)


def tn_reassign_then_write(x, w):
    p = Pair(x * 1.0)
    p.a = p.a * 1.0
    p.bump(w)
    return np.sum(p.b * x) + np.sum(p.a)


def tn_two_objects(x, w):
    d = x * 1.0
    p = Pair(d)
    q = Pair(d)
    p.bump(w)
    return q.total()


def tn_in_loop(x, w):
    p = Pair(x * 1.0)
    for _ in range(2):
        p.bump(w)
    return p.total()


# --- properties with setters ---
class Box:
    def __init__(self, d):
        self._d = d

    @property
    def d(self):
        return self._d

    @d.setter
    def d(self, v):
        self._d[:] = v          # writes into the array it holds


class BoxRebind:
    def __init__(self, d):
        self._d = d

    @property
    def d(self):
        return self._d

    @d.setter
    def d(self, v):
        self._d = v * 1.0


def pr_setter_writes(x, w):
    buf = x * 1.0
    b = Box(buf)
    b.d = x * w
    return np.sum(buf * x)


def pr_setter_rebinds(x, w):
    buf = x * 1.0
    b = BoxRebind(buf)
    b.d = x * w
    return np.sum(buf * x) + np.sum(b.d * x)


def pr_setter_writes_read_through(x, w):
    b = Box(x * 1.0)
    b.d = b.d * w
    return np.sum(b.d * x)


def pr_setter_iadd(x, w):
    buf = x * 1.0
    b = Box(buf)
    b.d += w
    return np.sum(buf * x)


# --- super(Cls, self) ---
class Base:
    def __init__(self, d):
        self.d = d

    def value(self, v):
        return np.sum(self.d * v)


class Mid(Base):
    def value(self, v):
        return 2.0 * super().value(v)


class Leaf(Mid):
    def value(self, v):
        return super(Mid, self).value(v) + 10.0 * np.sum(self.d)


class LeafMid(Mid):
    def value(self, v):
        return super(LeafMid, self).value(v) + np.sum(self.d ** 2)


class LeafWrite(Mid):
    def value(self, v):
        self.d[0] = self.d[0] * v
        return super(Mid, self).value(v)


def su_skip(x, w):
    return Leaf(x * 1.0).value(w)


def su_named(x, w):
    return LeafMid(x * 1.0).value(w)


def su_write_then_skip(x, w):
    buf = x * 1.0
    r = LeafWrite(buf).value(w)
    return r + np.sum(buf * x)


class InitSkip(Mid):
    def __init__(self, d):
        super(Mid, self).__init__(d * 2.0)


def su_init_skip(x, w):
    return InitSkip(x).value(w)


class Mixin:
    def value(self, v):
        return 3.0 * super().value(v)


class Mixed(Mixin, Mid):
    pass


def su_mixin(x, w):
    return Mixed(x * 1.0).value(w)


class MixedNamed(Mixin, Mid):
    def value(self, v):
        return super(Mixin, self).value(v) - np.sum(self.d)


def su_mixin_named_skip(x, w):
    return MixedNamed(x * 1.0).value(w)


def su_outside_method(x, w):
    obj = Leaf(x * 1.0)
    return super(Leaf, obj).value(w) + super(Mid, obj).value(w)


class PairPlain:
    def __init__(self, d):
        self.a = d
        self.b = d

    def total(self):
        return np.sum(self.b ** 2)


def tn_plain_outside_iadd(x, w):
    p = PairPlain(x * 1.0)
    p.a += w
    return p.total() + np.sum(p.b * x)


def tn_plain_outside_imul_in_loop(x, w):
    p = PairPlain(x * 1.0)
    for _ in range(2):
        p.a *= w
    return p.total()


def tn_plain_read_only(x, w):
    p = PairPlain(x * w)
    return p.total() + np.sum(p.a * x)


class Sized:
    def __init__(self, d):
        self.d = d

    def __len__(self):
        return len(self.d)


def writing_len(self):
    self.d[0] = self.d[0] * 3.0
    return len(self.d)


def sized_len(x, w):
    buf = x * 1.0
    b = Sized(buf)
    return len(b) * w + np.sum(buf * x)


class Shown:
    def __init__(self, d):
        self.d = d

    def _bump(self):
        self.d[0] = self.d[0] * 3.0

    def __bool__(self):
        self._bump()
        return True

    def __str__(self):
        self._bump()
        return "shown"

    def __format__(self, spec):
        self._bump()
        return "shown"


class Quiet:
    def __init__(self, d):
        self.d = d

    def __bool__(self):
        return True

    def __str__(self):
        return "quiet"


def ho_assert(x, w):
    buf = x * 1.0
    v = Shown(buf)
    assert v
    return np.sum(buf * x) * w


def ho_while(x, w):
    buf = x * 1.0
    v = Shown(buf)
    k = 0
    while v and k < 1:
        k += 1
    return np.sum(buf * x) * w


def ho_comprehension_if(x, w):
    buf = x * 1.0
    v = Shown(buf)
    s = sum([w for _ in range(2) if v])
    return np.sum(buf * x) * s


def ho_str(x, w):
    buf = x * 1.0
    v = Shown(buf)
    s = str(v)
    return np.sum(buf * x) * w + len(s)


def ho_fstring(x, w):
    buf = x * 1.0
    v = Shown(buf)
    s = f"{v}"
    return np.sum(buf * x) * w + len(s)


def ho_fstring_conversion(x, w):
    buf = x * 1.0
    v = Shown(buf)
    s = f"{v!s}"
    return np.sum(buf * x) * w + len(s)


def ho_quiet_truth(x, w):
    buf = x * 1.0
    v = Quiet(buf)
    s = w if v else 0.0
    assert v
    return np.sum(buf * x) * s + len(str(v))


def ho_quiet_not(x, w):
    buf = x * 1.0
    v = Quiet(buf)
    return np.sum(buf * x) * (0.0 if not v else w)


CASES = [(name, f) for name, f in list(globals().items())
         if name.startswith(("ho_", "tn_", "pr_", "su_")) and callable(f)]
