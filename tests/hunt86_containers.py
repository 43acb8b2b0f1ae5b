"""The eighty-sixth hunt's programs on shallow copies of lists and dicts handed to helpers
that write their items (``list(xs)``, ``xs[:]``, ``[*xs]``, ``{**d}``, ``d.copy()``,
``copy.copy``), ``op=`` and item writes on arrays a class holds (``s.arr += w``), an
``__init__`` default array written through the object, and ``__init__`` registering the
new object outside it (``REG.insert``, ``type(self).all.append(self)``, a base's
``__init__``). Each program is ``f(x, w)`` of a float array ``x`` (4 or 6 items) and a
float ``w``; CASES lists them, REFUSED those astgrad refuses in words; ``reset()`` puts
back the module state a program may change (a class's array, a registry)."""
import copy
import numpy as np


def bump_items(items, w):
    items[0] *= w


def bump_key(items, w):
    items["a"] *= w


def bump_nested(items, w):
    items[0][1] *= w


def set_row(items, w):
    items[0][:] = items[0] * w


def out_multiply(items, w):
    np.multiply(items[0], w, out=items[0])


def bump_via_local(items, w):
    t = items[0]
    t *= w


def bump_all(items, w):
    for it in items:
        it *= w


def bump_values(items, w):
    for v in items.values():
        v *= w


def hc_list_call(x, w):
    y = x * 1.0
    xs = [y, x * 2.0]
    c = list(xs)
    bump_items(c, w)
    return np.sum(y ** 2) + np.sum(xs[0] * x)


def hc_slice_copy(x, w):
    y = x * 1.0
    xs = [y, x * 2.0]
    c = xs[:]
    bump_items(c, w)
    return np.sum(y ** 2)


def hc_star_copy(x, w):
    y = x * 1.0
    xs = [y, x * 2.0]
    c = [*xs]
    bump_items(c, w)
    return np.sum(y ** 2)


def hc_method_copy(x, w):
    y = x * 1.0
    xs = [y, x * 2.0]
    c = xs.copy()
    bump_items(c, w)
    return np.sum(y ** 2)


def hc_copy_module(x, w):
    y = x * 1.0
    xs = [y, x * 2.0]
    c = copy.copy(xs)
    bump_items(c, w)
    return np.sum(y ** 2)


def hc_dict_method_copy(x, w):
    y = x * 1.0
    d = {"a": y, "b": x}
    c = d.copy()
    bump_key(c, w)
    return np.sum(y ** 2) + np.sum(d["a"])


def hc_dict_unpack(x, w):
    y = x * 1.0
    d = {"a": y, "b": x}
    c = {**d}
    bump_key(c, w)
    return np.sum(y ** 2)


def hc_dict_of_items(x, w):
    y = x * 1.0
    d = {"a": y, "b": x}
    c = dict(d.items())
    bump_key(c, w)
    return np.sum(y ** 2)


def hc_dict_call(x, w):
    y = x * 1.0
    d = {"a": y, "b": x}
    c = dict(d)
    bump_key(c, w)
    return np.sum(d["a"] ** 2)


def hc_nested_write(x, w):
    y = x * 1.0
    xs = [y, x * 2.0]
    c = list(xs)
    bump_nested(c, w)
    return np.sum(y ** 2)


def hc_set_row(x, w):
    y = x * 1.0
    xs = [y, x * 2.0]
    c = list(xs)
    set_row(c, w)
    return np.sum(y ** 2)


def hc_out_multiply(x, w):
    y = x * 1.0
    xs = [y, x * 2.0]
    c = list(xs)
    out_multiply(c, w)
    return np.sum(y ** 2)


def hc_via_local(x, w):
    y = x * 1.0
    xs = [y, x * 2.0]
    c = list(xs)
    bump_via_local(c, w)
    return np.sum(y ** 2)


def hc_bump_all(x, w):
    y = x * 1.0
    xs = [y, x * 2.0]
    c = list(xs)
    bump_all(c, w)
    return np.sum(y ** 2) + np.sum(xs[1])


def hc_bump_values(x, w):
    y = x * 1.0
    d = {"a": y, "b": x * 3.0}
    c = dict(d)
    bump_values(c, w)
    return np.sum(y ** 2) + np.sum(d["b"])


def hc_direct_pass(x, w):
    y = x * 1.0
    xs = [y, x * 2.0]
    bump_items(xs, w)
    return np.sum(y ** 2) + np.sum(xs[0])


def hc_display_view(x, w):
    y = x * 1.0
    c = [y[1:], x]
    bump_items(c, w)
    return np.sum(y ** 2)


def hc_asarray_alias(x, w):
    y = x * 1.0
    c = [np.asarray(y), x]
    bump_items(c, w)
    return np.sum(y ** 2)


def hc_twice_in_list(x, w):
    y = x * 1.0
    c = [y, y]
    bump_all(c, w)
    return np.sum(y ** 2)


def hc_loop_copies(x, w):
    y = x * 1.0
    xs = [y, x * 2.0]
    for _ in range(2):
        c = list(xs)
        bump_items(c, w)
    return np.sum(y ** 2)


def hc_copy_then_rebind(x, w):
    y = x * 1.0
    xs = [y, x * 2.0]
    c = list(xs)
    c[0] = c[0] * 1.0
    bump_items(c, w)
    return np.sum(y ** 2) + np.sum(c[0])


def hc_comprehension_copy_items(x, w):
    # followed: each item of c is a new copy the helper alone writes into; y keeps its values
    y = x * 1.0
    xs = [y, x * 2.0]
    c = [v.copy() for v in xs]
    bump_items(c, w)
    return np.sum(y ** 2) + np.sum(c[0])


def hc_tuple_copy(x, w):
    y = x * 1.0
    xs = (y, x * 2.0)
    c = list(xs)
    bump_items(c, w)
    return np.sum(y ** 2)


def hc_deepcopy(x, w):
    y = x * 1.0
    xs = [y, x * 2.0]
    c = copy.deepcopy(xs)
    bump_items(c, w)
    return np.sum(y ** 2) + np.sum(c[0])


def hc_keyword_arg(x, w):
    y = x * 1.0
    xs = [y, x * 2.0]
    c = list(xs)
    bump_items(w=w, items=c)
    return np.sum(y ** 2)


def hc_helper_of_helper(x, w):
    y = x * 1.0
    xs = [y, x * 2.0]
    c = list(xs)
    forward_to_bump(c, w)
    return np.sum(y ** 2)


def forward_to_bump(items, w):
    bump_items(items, w)


def hc_lambda_helper(x, w):
    y = x * 1.0
    xs = [y, x * 2.0]
    c = list(xs)
    f = bump_items
    f(c, w)
    return np.sum(y ** 2)


# -- class-held arrays --------------------------------------------------------------------

class S:
    arr = np.zeros(3)

    def __init__(self, k):
        self.k = k


class SBase:
    arr = np.zeros(3)


class SChild(SBase):
    def __init__(self, k):
        self.k = k


class SMaybe:
    arr = np.zeros(3)

    def __init__(self, k, own):
        if own:
            self.arr = np.ones(3)
        self.k = k


class SList:
    items = []

    def __init__(self, k):
        self.k = k


def reset():
    S.arr = np.zeros(3)
    SBase.arr = np.zeros(3)
    SMaybe.arr = np.zeros(3)
    SList.items = []
    REG.clear()
    DEF_Z[:] = 0.0


def ch_iadd(x, w):
    s = S(1.0)
    s.arr += x[:3] * w
    return np.sum(s.arr ** 2) + np.sum(S.arr)


def ch_inherited_iadd(x, w):
    s = SChild(1.0)
    s.arr += x[:3] * w
    return np.sum(s.arr ** 2)


def ch_maybe_own(x, w):
    s = SMaybe(1.0, x[0] > 0)
    s.arr *= w
    s.arr += x[:3]
    return np.sum(s.arr ** 2)


def ch_item_write(x, w):
    s = S(1.0)
    s.arr[0] = x[0] * w
    return np.sum(s.arr ** 2) + x[1]


def ch_item_op(x, w):
    s = S(1.0)
    s.arr[1] += x[0] * w
    return np.sum(s.arr ** 2) + x[1]


def ch_slice_assign(x, w):
    s = S(1.0)
    s.arr[:] = x[:3] * w
    return np.sum(S.arr ** 2)


def ch_list_iadd(x, w):
    s = SList(1.0)
    s.items += [x * w]
    return np.sum(s.items[0] ** 2)


def ch_two_objects(x, w):
    a = S(1.0)
    b = S(2.0)
    a.arr += x[:3] * w
    return np.sum(b.arr * x[:3])


def ch_type_attr(x, w):
    s = S(1.0)
    type(s).arr += x[:3]
    return np.sum(s.arr * w)


def ch_out_write(x, w):
    s = S(1.0)
    np.add(s.arr, x[:3] * w, out=s.arr)
    return np.sum(s.arr ** 2)


def ch_method_iadd(x, w):
    s = SM(1.0)
    s.push(x[:3] * w)
    return np.sum(s.arr ** 2)


class SM:
    arr = np.zeros(3)

    def __init__(self, k):
        self.k = k

    def push(self, v):
        self.arr += v


# -- __init__ default arrays -------------------------------------------------------------

DEF_Z = np.zeros(4)


class D:
    def __init__(self, arr=DEF_Z):
        self.arr = arr

    def put(self, k, v):
        self.arr[k] = v

    def add(self, v):
        self.arr += v


def df_item_store(x, w):
    d = D()
    d.put(0, x[0] * w)
    return np.sum(d.arr ** 2) + x[1]


def df_iadd(x, w):
    d = D()
    d.add(x[:4] * w)
    return np.sum(d.arr ** 2)


def df_direct_item(x, w):
    d = D()
    d.arr[1] = x[1] * w
    return np.sum(d.arr * x[:4])


def df_slice_op(x, w):
    d = D()
    d.arr[:2] += x[:2] * w
    return np.sum(d.arr ** 2)


def df_given(x, w):
    d = D(x * 1.0)
    d.add(x * w)
    return np.sum(d.arr ** 2)


def df_two_objects(x, w):
    a = D()
    b = D()
    a.put(0, x[0] * w)
    return np.sum(b.arr * x[:4])


# -- registering constructors --------------------------------------------------------------

REG = []


class R1:
    def __init__(self, data):
        self.data = data
        REG.insert(0, self)


class R2:
    def __init__(self, data):
        self.data = data
        REG.extend([self])


class R3:
    def __init__(self, data):
        self.data = data
        REG.extend([data])


class R4:
    all = []

    def __init__(self, data):
        self.data = data
        type(self).all.append(self)


class R5:
    def __init__(self, data):
        self.data = data
        self.register()

    def register(self):
        REG.append(self.data)


class R6Base:
    def __init__(self, data):
        self.data = data
        REG.append(self)


class R6(R6Base):
    def __init__(self, data):
        super().__init__(data)


class R7:
    def __init__(self, data):
        self.data = data
        REG[len(REG):] = [self]


class R8:
    def __init__(self, data):
        self.data = data
        REG.append((0, self))


def rg_insert(x, w):
    a = R1(x * w)
    return np.sum(REG[0].data ** 2)


def rg_extend(x, w):
    a = R2(x * w)
    return np.sum(REG[-1].data ** 2) + np.sum(a.data)


def rg_extend_value(x, w):
    a = R3(x * w)
    return np.sum(REG[-1] ** 2) + np.sum(a.data)


def rg_type_all(x, w):
    a = R4(x * w)
    return np.sum(R4.all[-1].data ** 2)


def rg_method(x, w):
    a = R5(x * w)
    return np.sum(REG[-1] ** 2)


def rg_super(x, w):
    a = R6(x * w)
    return np.sum(REG[-1].data ** 2)


def rg_slice_assign(x, w):
    a = R7(x * w)
    return np.sum(REG[-1].data ** 2)


def rg_tuple(x, w):
    a = R8(x * w)
    return np.sum(REG[-1][1].data ** 2)


CASES = [(name, f) for name, f in list(globals().items())
         if callable(f) and not isinstance(f, type) and name.startswith(("hc_", "ch_", "df_", "rg_"))]
