"""Everyday Python an outside user writes around array code, as an adversary would: closures
and ``nonlocal`` (a cell rebound between two calls of the closure, closures made in a loop),
``global`` statements, default arguments (a default array written in place), ``*args``,
``**kwargs`` and keyword-only arguments, comprehensions with conditions, ``while`` loops with
``break``/``continue``/``else``, ``try``/``except``/``finally``, early returns inside loops,
recursion, generators and ``sum`` of a generator, dataclasses and properties, static and
class methods, ``functools.partial`` and lambdas passed around, augmented assignment on
tuples, lists and attributes, chained comparisons, ``min``/``max``/``sorted`` with keys,
``math`` functions mixed with NumPy, float32, int, bool and complex values, 0-d and
0-length arrays; then lazy iterators and late reads, scopes and shared objects, exceptions around
refused lines, caches, decorators, inheritance, slots, named tuples and global objects. Each program is ``f(x, w)`` of a float array ``x`` and a float ``w``;
CASES lists those astgrad follows, REFUSED those it refuses (the line's offset in the
function, what the refusal says)."""

import collections
import dataclasses
import functools
import math
import typing

import numpy as np


# ---- closures and nonlocal ---------------------------------------------------------------

def closure_cell_rebound_between_calls(x, w):
    k = w
    def scale(v):
        return v * k
    a = scale(x)
    k = 2.0
    b = scale(x)
    return np.sum(a * b)


def closure_cell_rebound_to_array(x, w):
    k = 1.0
    def shift(v):
        return np.sin(v + k)
    a = shift(x)
    k = x * w
    return np.sum(a * shift(x))


def nonlocal_accumulator(x, w):
    acc = 0.0
    def add(v):
        nonlocal acc
        acc = acc + np.sum(v)
    add(x * w)
    add(np.sin(x))
    add(x ** 2 * w)
    return acc


def nonlocal_array_rebound(x, w):
    y = x * 1.0
    def step():
        nonlocal y
        y = np.tanh(y * w)
    step()
    step()
    return np.sum(y)


def nonlocal_read_after_two_closures(x, w):
    total = w
    def mul(v):
        nonlocal total
        total = total * np.sum(v)
    def get():
        return total
    mul(x)
    first = get()
    mul(np.cos(x))
    return first + get()


def closures_in_loop_late_binding(x, w):
    fs = []
    for i in range(3):
        fs.append(lambda v: v * i)
    return np.sum(sum(f(x) for f in fs) * w)


def closures_in_loop_default_binding(x, w):
    fs = []
    for i in range(3):
        fs.append(lambda v, i=i: v ** (i + 1))
    return np.sum(sum(f(x) for f in fs) * w)


def closures_in_loop_capture_w(x, w):
    fs = [lambda v, c=c: v * c * w for c in (1.0, 2.0, 3.0)]
    return sum(np.sum(np.sin(f(x))) for f in fs)


def closure_def_in_loop(x, w):
    out = 0.0
    for c in (0.5, 1.5):
        def g(v):
            return np.exp(-v * c) * w
        out = out + np.sum(g(x))
    return out


def _make_scaler(s):
    def scaler(v):
        return v * s
    return scaler


def closure_factory_call(x, w):
    by_w = _make_scaler(w)
    by_2 = _make_scaler(2.0)
    return np.sum(by_w(x) * by_2(x))


def closure_factory_with_array(x, w):
    by_x = _make_scaler(x)
    return np.sum(by_x(w) ** 2)


def _make_counter():
    n = 0
    def bump(v):
        nonlocal n
        n += 1
        return v * n
    return bump


def closure_counter_made_here(x, w):
    bump = _make_counter()
    a = bump(x * w)
    b = bump(x)
    return np.sum(a * b)


def closure_capture_list_mutated(x, w):
    items = [x]
    def total():
        return sum(np.sum(v) for v in items)
    first = total()
    items.append(x * w)
    return first * total()


def nested_closure_two_levels(x, w):
    def outer(a):
        def inner(b):
            return a * b + w
        return inner
    return np.sum(outer(x)(np.cos(x)) ** 2)


def closure_reads_later_binding(x, w):
    def f(v):
        return v * later
    later = w * 3.0
    return np.sum(f(x) ** 2)


# ---- global statements --------------------------------------------------------------------

SCALE = 1.5
COUNT = 0


def global_read(x, w):
    return np.sum(x * SCALE * w)


def global_counter_not_data(x, w):
    global COUNT
    COUNT += 1
    return np.sum(x * w) * 2.0


# ---- default arguments --------------------------------------------------------------------

def _scaled(v, s=2.0):
    return v * s


def default_arg_used_and_given(x, w):
    return np.sum(_scaled(x) * _scaled(x, w))


def _shifted(v, s=None):
    if s is None:
        s = np.zeros_like(v)
    return v + s


def default_none_array(x, w):
    return np.sum(_shifted(x) * _shifted(x, x * w))


def _into_default(v, buf=np.zeros(1)):
    buf[0] = np.sum(v)
    return buf[0] * v


def default_array_written_in_place(x, w):
    return np.sum(_into_default(x * w) ** 2)


def _log_default(v, log=[]):
    log.append(1)
    return v * 2.0


def mutable_default_list_not_data(x, w):
    return np.sum(_log_default(x) * w)


def _pow_kw(v, p=2, c=1.0):
    return c * v ** p


def default_keywords_mixed(x, w):
    return np.sum(_pow_kw(x, c=w) + _pow_kw(x, 3))


# ---- *args, **kwargs, keyword-only ----------------------------------------------------------

def _total(*vs):
    return sum(np.sum(v) for v in vs)


def star_args_sum(x, w):
    return _total(x, x * w, np.sin(x))


def _weighted(*vs, weight=1.0):
    out = 0.0
    for v in vs:
        out = out + np.sum(v ** 2) * weight
    return out


def star_args_with_keyword(x, w):
    return _weighted(x, np.cos(x), weight=w)


def _kw_only(v, *, scale, shift=0.0):
    return v * scale + shift


def keyword_only(x, w):
    return np.sum(_kw_only(x, scale=w, shift=w ** 2) ** 2)


def _with_opts(v, **opts):
    return v * opts["a"] + opts.get("b", 1.0)


def star_kwargs(x, w):
    return np.sum(_with_opts(x, a=w, b=2.0) ** 2) + np.sum(_with_opts(x, a=1.0))


def splat_tuple_call(x, w):
    args = (x, w)
    return np.sum(_scaled(*args) ** 2)


def splat_dict_call(x, w):
    opts = {"scale": w, "shift": 0.5}
    return np.sum(np.tanh(_kw_only(x, **opts)))


def star_args_unpacked_list(x, w):
    parts = [x, x * w, x ** 2]
    return _total(*parts)


def _first_rest(first, *rest):
    return first * sum(rest)


def star_rest(x, w):
    return np.sum(_first_rest(x, w, x, 1.0))


def star_assign_unpack(x, w):
    a, *b = x * w
    return a * np.sum(np.array(b) ** 2)


def star_assign_middle(x, w):
    first, *mid, last = np.sin(x) * w
    return first * last + sum(mid)


# ---- comprehensions with conditions -----------------------------------------------------------

def list_comp_condition_on_data(x, w):
    return sum([v * w for v in x if v > 0])


def list_comp_condition_on_index(x, w):
    return sum([x[i] * w ** i for i in range(len(x)) if i % 2 == 0])


def dict_comp_condition(x, w):
    d = {i: x[i] * w for i in range(len(x)) if x[i] < 1.0}
    return sum(v ** 2 for v in d.values())


def dict_comp_items(x, w):
    d = {"a": x, "b": x * w}
    e = {k: np.sin(v) for k, v in d.items() if k != "c"}
    return np.sum(e["a"] * e["b"])


def nested_list_comp(x, w):
    rows = [[a * b for b in x] for a in x[:2]]
    return np.sum(np.array(rows) * w)


def comp_with_ternary(x, w):
    return sum([v * w if v > 0 else v ** 2 for v in x])


def comp_with_walrus(x, w):
    return sum([y for v in x if (y := v * w) > -0.5])


def comp_over_zip(x, w):
    return sum(a * b * w for a, b in zip(x, x[::-1]))


def comp_over_enumerate(x, w):
    return sum(i * v * w for i, v in enumerate(x))


def comp_two_fors_condition(x, w):
    return sum(a * b for a in x for b in x if a < b) * w


def set_comp_of_ints(x, w):
    ks = {int(v > 0) for v in x}
    return np.sum(x * w) * len(ks)


def comp_condition_uses_w(x, w):
    return sum(v ** 2 for v in x if v < w)


# ---- while loops ------------------------------------------------------------------------------

def while_break(x, w):
    y = x * w
    i = 0
    while True:
        y = np.sin(y) + x
        i += 1
        if i >= 3:
            break
    return np.sum(y)


def while_continue(x, w):
    total = 0.0
    i = 0
    while i < len(x):
        i += 1
        if i % 2 == 0:
            continue
        total = total + x[i - 1] * w
    return total


def while_else(x, w):
    y = x * 1.0
    n = 0
    while n < 3:
        y = y * w + 0.1
        n += 1
    else:
        y = y ** 2
    return np.sum(y)


def while_else_skipped_by_break(x, w):
    y = x * 1.0
    n = 0
    while n < 5:
        y = y * w
        n += 1
        if n == 2:
            break
    else:
        y = y * 100.0
    return np.sum(y)


def while_condition_on_data(x, w):
    s = w
    while s < 3.0:
        s = s * 1.7
    return np.sum(x * s)


def while_norm_loop(x, w):
    y = x * w
    while np.linalg.norm(y) > 0.5:
        y = y * 0.5
    return np.sum(y ** 2)


def while_with_index_write(x, w):
    y = np.zeros_like(x)
    i = 0
    while i < len(x):
        y[i] = x[i] * w ** i
        i += 1
    return np.sum(y ** 2)


# ---- try / except / finally ----------------------------------------------------------------

def try_except_raised(x, w):
    y = x * w
    try:
        raise ValueError("no")
    except ValueError:
        y = y + 1.0
    return np.sum(y ** 2)


def try_finally(x, w):
    try:
        y = x * w
    finally:
        y = y * 2.0
    return np.sum(np.sin(y))


def try_except_else(x, w):
    try:
        y = np.tanh(x * w)
    except ZeroDivisionError:
        y = x
    else:
        y = y * 3.0
    return np.sum(y)


def try_except_index_error(x, w):
    try:
        v = x[10]
    except IndexError:
        v = x[0] * w
    return v * np.sum(x)


def try_except_key_error(x, w):
    d = {"a": x}
    try:
        v = d["b"]
    except KeyError:
        v = x * w
    return np.sum(v ** 2)


def try_finally_return(x, w):
    y = x * w
    try:
        return np.sum(y ** 2)
    finally:
        y = None


def try_linalg_error(x, w):
    m = np.zeros((2, 2))
    try:
        np.linalg.inv(m)
        s = 1.0
    except np.linalg.LinAlgError:
        s = w
    return np.sum(x * s)


# ---- early returns inside loops --------------------------------------------------------------

def early_return_in_for(x, w):
    y = x * w
    for i in range(len(y)):
        if y[i] < -0.5:
            return np.sum(y[:i] ** 2) + y[i]
    return np.sum(y)


def early_return_in_while(x, w):
    s = 0.0
    i = 0
    while i < len(x):
        s = s + x[i] * w
        if s > 1.0:
            return s * 2.0
        i += 1
    return s


def early_return_nested_loops(x, w):
    for a in range(2):
        for b in range(len(x)):
            if x[b] * w > 1.0:
                return np.sum(x[b:] * w) + a
    return np.sum(x)


def return_in_loop_else(x, w):
    for v in x:
        if v > 5.0:
            return v
    else:
        return np.sum(x * w)


# ---- recursion -----------------------------------------------------------------------------

def _power(v, n):
    if n == 0:
        return np.ones_like(v)
    return v * _power(v, n - 1)


def recursion_power(x, w):
    return np.sum(_power(x, 3) * w)


def _horner(cs, v):
    if not cs:
        return 0.0
    return cs[0] + v * _horner(cs[1:], v)


def recursion_horner(x, w):
    return np.sum(_horner([1.0, w, 0.5], x))


def _fib_like(v, n):
    if n <= 1:
        return v
    return _fib_like(v, n - 1) + 0.5 * _fib_like(v, n - 2)


def recursion_two_branches(x, w):
    return np.sum(np.sin(_fib_like(x * w, 4)))


def _depth_on_data(v, s):
    if s > 3.0:
        return v
    return _depth_on_data(v * 1.1, s * 2.0)


def recursion_depth_on_data(x, w):
    return np.sum(_depth_on_data(x, w) ** 2)


# ---- generators -----------------------------------------------------------------------------

def sum_genexpr(x, w):
    return sum(np.sin(v * w) for v in x)


def sum_genexpr_start(x, w):
    return sum((v ** 2 for v in x), w)


def _squares(v):
    for e in v:
        yield e ** 2


def generator_function(x, w):
    return sum(_squares(x * w))


def _pairs(v):
    yield v
    yield v * 2.0


def generator_list(x, w):
    a, b = list(_pairs(x * w))
    return np.sum(a * b)


def _chain(v):
    yield from _squares(v)
    yield np.sum(v)


def generator_yield_from(x, w):
    return sum(_chain(x)) * w


def generator_next(x, w):
    g = _squares(x)
    first = next(g)
    second = next(g)
    return first * second * w


def genexpr_in_max(x, w):
    return max(v * w for v in x)


def genexpr_to_array(x, w):
    return np.sum(np.fromiter((v * w for v in x), dtype=float) ** 2)


def any_all_on_data(x, w):
    y = x * w
    if any(v > 1.0 for v in y):
        return np.sum(y)
    return np.sum(y ** 2)


# ---- dataclasses, properties, static and class methods ----------------------------------------

@dataclasses.dataclass
class Lin:
    a: float
    b: float = 0.5

    def __call__(self, v):
        return self.a * v + self.b

    @property
    def slope(self):
        return self.a * 2.0


def dataclass_call(x, w):
    m = Lin(w)
    return np.sum(m(x) ** 2)


def dataclass_property(x, w):
    m = Lin(w, b=1.0)
    return np.sum(x * m.slope + m.b)


def dataclass_field_updated(x, w):
    m = Lin(1.0)
    m.a = w
    m.b += w
    return np.sum(m(x) ** 2)


def dataclass_replace(x, w):
    m = Lin(w)
    n = dataclasses.replace(m, b=w * 2)
    return np.sum(n(x) * m(x))


class Poly:
    def __init__(self, c):
        self._c = c

    @property
    def c(self):
        return self._c

    @c.setter
    def c(self, value):
        self._c = value * 1.0

    @staticmethod
    def sq(v):
        return v * v

    @classmethod
    def with_two(cls, v):
        return cls(v * 2.0)

    def eval(self, v):
        return self.sq(v) * self.c


def property_setter(x, w):
    p = Poly(1.0)
    p.c = w
    return np.sum(p.eval(x))


def staticmethod_call(x, w):
    return np.sum(Poly.sq(x) * w)


def classmethod_constructor(x, w):
    p = Poly.with_two(w)
    return np.sum(p.eval(x))


def instance_staticmethod(x, w):
    p = Poly(w)
    return np.sum(p.sq(np.sin(x)) * p.c)


@dataclasses.dataclass
class Pair:
    u: np.ndarray
    v: np.ndarray

    @property
    def dot(self):
        return np.sum(self.u * self.v)


def dataclass_arrays_property(x, w):
    p = Pair(x * w, np.cos(x))
    return p.dot ** 2


def dataclass_array_field_aug(x, w):
    p = Pair(x * 1.0, x)
    p.u += w
    p.u *= x
    return p.dot


# ---- functools.partial and lambdas passed around ---------------------------------------------

def _apply(fn, v):
    return fn(v)


def partial_of_helper(x, w):
    f = functools.partial(_scaled, s=w)
    return np.sum(f(x) ** 2)


def partial_positional(x, w):
    f = functools.partial(_first_rest, x)
    return np.sum(f(w, 2.0))


def lambda_passed(x, w):
    return np.sum(_apply(lambda v: np.sin(v) * w, x))


def lambda_list_applied(x, w):
    fs = [np.sin, np.cos, lambda v: v * w]
    return sum(np.sum(f(x)) for f in fs)


def map_lambda(x, w):
    return sum(map(lambda v: v * w, x))


def map_two_iterables(x, w):
    return sum(map(lambda a, b: a * b, x, x * w))


def lambda_default_captures_w(x, w):
    f = lambda v, c=w: v * c     # noqa: E731
    return np.sum(f(x) ** 2)


def partial_of_lambda(x, w):
    f = functools.partial(lambda a, b: a * np.exp(b), b=w)
    return np.sum(f(x))


def reduce_lambda(x, w):
    return functools.reduce(lambda a, b: a * w + b, x)


def dict_of_functions(x, w):
    ops = {"s": np.sin, "t": lambda v: np.tanh(v * w)}
    return np.sum(ops["s"](x) + ops["t"](x))


# ---- augmented assignment on tuples, lists, attributes ------------------------------------------

def aug_tuple_concat(x, w):
    t = (x,)
    t += (x * w,)
    return np.sum(t[0] * t[1])


def aug_list_item(x, w):
    lst = [x * 1.0, w]
    lst[0] += w
    lst[1] *= 2.0
    return np.sum(lst[0] * lst[1])


def aug_list_extend(x, w):
    lst = [x]
    lst += [x * w]
    lst *= 2
    return np.sum(sum(lst))


class Box:
    pass


def aug_attribute(x, w):
    b = Box()
    b.v = x * 1.0
    b.v += w
    b.v *= x
    return np.sum(b.v)


def aug_attribute_scalar(x, w):
    b = Box()
    b.s = 1.0
    for v in x:
        b.s *= (1.0 + v * w * 0.1)
    return b.s


def aug_dict_item(x, w):
    d = {"k": x * 1.0}
    d["k"] -= w
    d["k"] /= 2.0
    return np.sum(d["k"] ** 2)


def aug_nested_item(x, w):
    d = {"a": [x * 1.0]}
    d["a"][0] *= w
    return np.sum(d["a"][0] ** 2)


def aug_tuple_unpack_swap(x, w):
    a, b = x * w, x
    a, b = b, a + b
    return np.sum(a * b)


def aug_power_floor_div(x, w):
    y = x * w
    y **= 2
    n = 7
    n //= 2
    return np.sum(y) * n


# ---- chained comparisons -----------------------------------------------------------------------

def chained_compare_scalar(x, w):
    if 0.0 < w < 1.0:
        return np.sum(x * w)
    return np.sum(x ** 2 * w)


def chained_compare_elementwise(x, w):
    s = 0.0
    for v in x:
        if -1.0 < v < 1.0:
            s = s + v * w
    return s


def chained_compare_in_where(x, w):
    return np.sum(np.where((x > -1.0) & (x < 1.0), x * w, x ** 2))


def chained_compare_three(x, w):
    return np.sum(x * w) if x[0] < x[2] < x[3] else np.sum(x)


# ---- min / max / sorted with keys on arrays ------------------------------------------------------

def max_with_key_abs(x, w):
    return max(x * w, key=abs)


def min_of_two_arrays_by_sum(x, w):
    a, b = x * w, np.sin(x)
    return np.sum(min(a, b, key=np.sum) ** 2)


def sorted_values(x, w):
    s = sorted(x * w)
    return s[0] * 2.0 + s[-1]


def sorted_with_key(x, w):
    s = sorted(x, key=lambda v: -v)
    return s[0] * w + s[1]


def sorted_arrays_by_key(x, w):
    arrs = [x * w, x ** 2, np.cos(x)]
    arrs = sorted(arrs, key=lambda a: a[0])
    return np.sum(arrs[0] * arrs[-1])


def max_of_scalars(x, w):
    return max(x[0] * w, x[2], w) + min(np.sum(x), w)


def min_builtin_array(x, w):
    return min(x * w) + max(x)


def max_default(x, w):
    return max((v for v in x * w if v > 10.0), default=w * 2.0)


def sorted_reverse_index(x, w):
    order = sorted(range(len(x)), key=lambda i: x[i], reverse=True)
    return sum(x[i] * w ** k for k, i in enumerate(order))


# ---- math mixed with NumPy ------------------------------------------------------------------------

def math_sin_of_w(x, w):
    return np.sum(x * math.sin(w))


def math_exp_of_element(x, w):
    return math.exp(x[0] * w) + np.sum(x)


def math_sqrt_hypot(x, w):
    return math.sqrt(w) * math.hypot(x[0], x[1])


def math_log_pow(x, w):
    return math.log(w) * np.sum(x) + math.pow(x[2], 2) * w


def math_fsum(x, w):
    return math.fsum(x * w) + math.fsum([w, w])


def math_atan2(x, w):
    return math.atan2(x[0], w) * np.sum(x)


def math_tanh_erf(x, w):
    return math.tanh(w) * math.erf(x[0]) + np.sum(x)


def math_floor_is_constant(x, w):
    return math.floor(w * 3.0) * np.sum(x ** 2)


def math_prod(x, w):
    return math.prod(x * w)


def math_copysign_fabs(x, w):
    return math.fabs(x[1]) * w + math.copysign(w, x[1]) * x[0]


def math_pi_e(x, w):
    return np.sum(x * math.pi * w) + math.e


def math_log1p_expm1(x, w):
    return math.log1p(w) * x[0] + math.expm1(x[3] * 0.1)


def math_degrees(x, w):
    return math.cos(math.radians(w * 30.0)) * np.sum(x)


# ---- float32, int, bool, complex values ----------------------------------------------------------

def int_array_mixed(x, w):
    n = np.arange(len(x))
    return np.sum(x * n * w)


def bool_mask_multiply(x, w):
    m = x > 0
    return np.sum(x * m * w)


def bool_sum_count(x, w):
    return np.sum(x > 0) * w * np.sum(x)


def complex_abs(x, w):
    z = x + 1j * w
    return np.sum(np.abs(z) ** 2)


def complex_real_imag(x, w):
    z = (x + 1j * w) ** 2
    return np.sum(z.real + z.imag)


def int_power_python(x, w):
    k = int(3)
    return np.sum(x ** k) * float(w)


def float_of_element(x, w):
    return float(x[0]) * w + np.sum(x)


def bool_true_divide(x, w):
    return np.sum(x * True) * w


def int_times_array(x, w):
    return np.sum(3 * x * w) + len(x)


# ---- 0-d and 0-length arrays -------------------------------------------------------------------

def zero_d_array_of_w(x, w):
    a = np.array(w)
    return np.sum(x * a ** 2)


def zero_d_sum_then_index(x, w):
    s = np.sum(x * w)
    return s[()] * 2.0 + s.item()


def zero_length_slice(x, w):
    e = x[:0] * w
    return np.sum(e) + np.sum(x * w)


def zero_length_concat(x, w):
    return np.sum(np.concatenate([x[:0], x * w, x[len(x):]]) ** 2)


def empty_loop(x, w):
    s = np.sum(x) * w
    for v in x[:0]:
        s = s + v
    return s


def zero_d_reshape(x, w):
    a = np.reshape(x[0] * w, ())
    return a * np.sum(x)


def empty_sum_genexpr(x, w):
    return sum(v for v in x if v > 100.0) + np.sum(x * w)


# ---- more mixed everyday shapes ---------------------------------------------------------------

def enumerate_list_append(x, w):
    out = []
    for i, v in enumerate(x):
        out.append(v * w ** i)
    return np.sum(np.array(out) ** 2)


def zip_strict_pairs(x, w):
    s = 0.0
    for a, b in zip(x[:-1], x[1:]):
        s = s + (b - a) ** 2 * w
    return s


def reversed_loop(x, w):
    s = 0.0
    for v in reversed(x):
        s = s * w + v
    return s


def list_pop_insert(x, w):
    lst = [x[0], x[1] * w, x[2]]
    last = lst.pop()
    lst.insert(0, last * w)
    return sum(v ** 2 for v in lst)


def tuple_return_helper(x, w):
    def both(v):
        return np.sum(v), np.sum(v ** 2)
    a, b = both(x * w)
    return a * b


def conditional_expression_on_w(x, w):
    y = x * w if w > 0.5 else x
    return np.sum(y ** 2)


def isinstance_branch(x, w):
    v = w if isinstance(w, float) else 1.0
    return np.sum(x * v)


def string_keys_loop(x, w):
    params = {"a": w, "b": 2.0}
    s = 0.0
    for name in ("a", "b"):
        s = s + np.sum(x * params[name])
    return s


def slice_object(x, w):
    sl = slice(1, None, 2)
    return np.sum(x[sl] * w)


def list_index_method(x, w):
    names = ["p", "q"]
    vals = [x * w, x]
    return np.sum(vals[names.index("q")] * vals[0])


def walrus_in_if(x, w):
    if (s := np.sum(x * w)) > 0:
        return s ** 2
    return s


def assert_on_data(x, w):
    y = x * w
    assert y.shape == x.shape
    return np.sum(y ** 2)


def del_name(x, w):
    y = x * w
    z = y ** 2
    del y
    return np.sum(z)


def nested_function_default_w(x, w):
    def g(v, s=w):
        return v * s
    return np.sum(g(x) + g(x, 1.0))


def method_on_list_of_arrays(x, w):
    lst = [x, x * w]
    lst.reverse()
    return np.sum(lst[0] ** 2)


def copy_list_then_mutate(x, w):
    a = [x, x * w]
    b = list(a)
    b[0] = b[0] * 3.0
    return np.sum(a[0] * b[0])


def global_helper_call(x, w):
    return np.sum(_HELPERS["sq"](x) * w)


_HELPERS = {"sq": lambda v: v ** 2}



# ---- lazy evaluation, aliasing and late reads (the adversary's second pass) -------------------

def genexpr_reads_name_when_iterated(x, w):
    k = 1.0
    g = (v * k for v in x)
    k = w
    return sum(g)


def map_reads_name_when_iterated(x, w):
    k = 1.0
    m = map(lambda v: v * k, x)
    k = w * 2.0
    return sum(m)


def genexpr_over_array_written_after(x, w):
    y = x * 1.0
    g = (v ** 2 for v in y)
    y[0] = w
    return sum(g)


def zip_over_array_written_after(x, w):
    y = x * 1.0
    z = zip(y, x)
    y[1] = w * 3.0
    return sum(a * b for a, b in z)


def _lazy_squares(v, k):
    for e in v:
        yield e * k


def generator_reads_array_written_between_nexts(x, w):
    y = x * 1.0
    g = _lazy_squares(y, w)
    a = next(g)
    y[1] = w * 5.0
    b = next(g)
    return a * b


def closure_reads_array_written_after(x, w):
    y = x * 1.0
    def total():
        return np.sum(y ** 2)
    y[0] = w
    return total()


def closure_writes_outer_array(x, w):
    y = x * 1.0
    def bump():
        y[0] += w
    bump()
    bump()
    return np.sum(y ** 2)


def nonlocal_aug_array(x, w):
    y = x * 1.0
    def bump():
        nonlocal y
        y += w
    z = y
    bump()
    return np.sum(z * y)


def _finally_writes(v, w):
    y = v * w
    try:
        return y
    finally:
        y[0] = 0.0


def finally_writes_returned_array(x, w):
    return np.sum(_finally_writes(x, w) ** 2)


def _finally_rebinds(v, w):
    y = v * w
    try:
        return y
    finally:
        y = y * 100.0


def finally_rebinds_after_return(x, w):
    return np.sum(_finally_rebinds(x, w) ** 2)


def finally_writes_returned_array_inline(x, w):
    y = x * w
    for _ in range(1):
        try:
            break
        finally:
            y[1] = w
    return np.sum(y ** 2)


def list_repeat_aliases(x, w):
    lst = [x * 1.0] * 2
    lst[0] += w
    return np.sum(lst[1] ** 2)


def double_assign_alias(x, w):
    a = b = x * 1.0
    a += w
    return np.sum(b ** 2)


def tuple_item_written(x, w):
    y = x * 1.0
    t = (y, y * 2.0)
    t[0][1] = w
    return np.sum(y * t[1])


def default_array_read_only(x, w):
    return np.sum(_read_default(x, w))


def _read_default(v, w, c=np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])):
    return v * c[:len(v)] * w


def global_statement_rebinds_array(x, w):
    global LAST
    LAST = x * w
    return np.sum(_reads_last() ** 2)


LAST = None


def _reads_last():
    return LAST * 2.0


def global_rebound_then_helper_reads(x, w):
    global SCALE2
    SCALE2 = w
    return np.sum(_scale2(x))


SCALE2 = 1.0


def _scale2(v):
    return v * SCALE2


def int_of_data_is_constant(x, w):
    return int(w * 3.0) * np.sum(x) + w


def round_abs_pow_builtins(x, w):
    return round(w, 1) * np.sum(x) + abs(w - 2.0) * x[0] + pow(w, 3) * x[1]


def modulo_and_divmod(x, w):
    q, r = divmod(w * 3.0, 1.0)
    return np.sum(x * r) + (w % 0.5) * x[0] + q


def builtin_sum_of_arrays(x, w):
    return np.sum(sum([x, x * w, np.sin(x)]))


def builtin_sum_array(x, w):
    return sum(x * w) ** 2


def tolist_elements(x, w):
    vals = (x * w).tolist()
    return sum(v ** 2 for v in vals)


def list_of_array(x, w):
    vals = list(x * w)
    return vals[0] * vals[-1]


def array_from_scalars(x, w):
    a = np.array([w, 2.0 * w, x[0]])
    return np.sum(a ** 2) * np.sum(x)


def array_from_arrays(x, w):
    a = np.array([x, x * w])
    return np.sum(a[1] * a[0])


def dict_get_default(x, w):
    d = {"a": x}
    return np.sum(d.get("a") * d.get("b", w))


def dict_setdefault(x, w):
    d = {}
    d.setdefault("k", x * w)
    d.setdefault("k", x)
    return np.sum(d["k"] ** 2)


def zip_star_transpose(x, w):
    rows = [x[:2] * w, x[2:4]]
    cols = list(zip(*rows))
    return sum(a * b for a, b in cols)


def exception_on_data_caught(x, w):
    def check(v):
        if v > 0.5:
            raise ValueError("too big")
        return v
    try:
        s = check(w)
    except ValueError:
        s = w * 2.0
    return np.sum(x * s)


def for_else_break_on_data(x, w):
    y = x * w
    for v in y:
        if v > 1.5:
            s = v
            break
    else:
        s = 0.0
    return s + np.sum(y)


def while_continue_skips_write(x, w):
    y = x * 1.0
    i = -1
    while i < len(y) - 1:
        i += 1
        if y[i] < 0:
            continue
        y[i] *= w
    return np.sum(y ** 2)


class Holder:
    k = 2.0

    def scaled(self, v):
        return v * self.k


def class_attribute_read(x, w):
    h = Holder()
    return np.sum(h.scaled(x) * w)


def instance_shadows_class_attribute(x, w):
    h = Holder()
    h.k = w
    return np.sum(h.scaled(x) ** 2)


class Vec:
    def __init__(self, a):
        self.a = a

    def __add__(self, other):
        return Vec(self.a + other.a)

    def __mul__(self, s):
        return Vec(self.a * s)

    def __getitem__(self, i):
        return self.a[i]

    def __len__(self):
        return len(self.a)


def operator_methods(x, w):
    v = Vec(x) + Vec(np.sin(x)) * w
    return np.sum(v.a ** 2) + v[0]


def partial_of_partial(x, w):
    f = functools.partial(_kw_only, scale=w)
    g = functools.partial(f, shift=1.0)
    return np.sum(g(x) ** 2) + np.sum(g(x, shift=w))


def lambda_returning_lambda(x, w):
    adder = lambda a: lambda b: a * b + w      # noqa: E731
    return np.sum(adder(x)(np.cos(x)))


def immediately_called_lambda(x, w):
    return np.sum((lambda v: v * w)(x) ** 2)


@dataclasses.dataclass
class Derived:
    a: np.ndarray
    s: float
    b: np.ndarray = dataclasses.field(default=None)

    def __post_init__(self):
        self.b = self.a * self.s


def dataclass_post_init(x, w):
    d = Derived(x, w)
    return np.sum(d.b ** 2)


@dataclasses.dataclass(frozen=True)
class Frozen:
    a: float

    def times(self, v):
        return v * self.a


def frozen_dataclass(x, w):
    return np.sum(Frozen(w).times(x) ** 2)


def recursion_over_list(x, w):
    def total(items):
        if not items:
            return 0.0
        return items[0] * w + total(items[1:])
    return total(list(x))


def recursion_writes_shared_array(x, w):
    y = x * 1.0
    def fill(i):
        if i == len(y):
            return
        y[i] = y[i] * w + (y[i - 1] if i else 0.0)
        fill(i + 1)
    fill(0)
    return np.sum(y ** 2)


def nested_try_reraise(x, w):
    y = x * w
    try:
        try:
            raise KeyError("k")
        except KeyError:
            y = y ** 2
            raise
    except KeyError:
        y = y + w
    return np.sum(y)


def early_return_from_with(x, w):
    with np.errstate(divide="ignore"):
        y = x * w
        if y[0] > 0:
            return np.sum(y ** 2)
    return np.sum(y)


def sorted_tuples_by_value(x, w):
    pairs = sorted(zip(x * w, range(len(x))))
    return pairs[0][0] * pairs[-1][0]


def max_with_key_index(x, w):
    i = max(range(len(x)), key=lambda j: x[j] * w)
    return x[i] * w


def min_max_of_arrays_elementwise(x, w):
    return np.sum(np.maximum(x * w, np.sin(x))) + np.sum(np.minimum(x, w))


def chained_compare_array_any(x, w):
    m = (0.0 < x) & (x < 1.0)
    return np.sum(x[m] * w) + np.sum(x)


def chained_compare_mixed_types(x, w):
    return np.sum(x) * w if 0 < len(x) <= 4 < 10 else np.sum(x ** 2) * w


def math_on_zero_d(x, w):
    z = np.sum(x * w)
    return math.sin(z) + math.exp(z * 0.1)


def float32_scalar_mixed(x, w):
    return np.sum(x * np.float32(2.0)) * w


def int_array_index_arith(x, w):
    idx = np.arange(len(x)) % 2
    return np.sum(x[idx] * w)


def bool_arithmetic(x, w):
    flag = w > 0.5
    return np.sum(x * (flag + 1) * w)


def zero_d_aug_assign(x, w):
    a = np.array(0.0)
    for v in x:
        a += v * w
    return a * 2.0


def zero_d_setitem(x, w):
    a = np.zeros(())
    a[()] = w
    return np.sum(x * a)


def zero_length_loop_write(x, w):
    y = x * w
    for i in range(0):
        y[i] = 0.0
    return np.sum(y ** 2)


def zero_length_reduce_max_initial(x, w):
    return np.max(x[:0], initial=w) * np.sum(x)


# ---- scopes, late binding and shared objects (the adversary's third pass) -------------------

def closure_cell_changes_in_loop(x, w):
    k = 0.0
    def f(v):
        return v * k
    s = 0.0
    for _ in range(3):
        k = k + w
        s = s + np.sum(f(x))
    return s


def closures_over_loop_elements_late(x, w):
    fs = []
    for v in x:
        fs.append(lambda: v * w)
    return sum(f() for f in fs)


def comprehension_does_not_leak(x, w):
    v = w
    ys = [v * 2.0 for v in x]
    return v * np.sum(np.array(ys) ** 2)


def walrus_in_comprehension_leaks(x, w):
    ys = [(last := v * w) for v in x]
    return last * np.sum(ys)


def loop_variable_after_loop(x, w):
    for v in x:
        pass
    return v * w + np.sum(x)


def loop_variable_kept_over_empty_loop(x, w):
    v = w
    for v in x[:0]:
        pass
    return v * np.sum(x)


def attribute_alias_written_in_place(x, w):
    arr = x * 1.0
    b = Box()
    b.v = arr
    b.v += w
    return np.sum(arr ** 2)


def attribute_rebound_not_alias(x, w):
    arr = x * 1.0
    b = Box()
    b.v = arr
    b.v = b.v + w
    return np.sum(arr ** 2) + np.sum(b.v)


def two_names_one_object(x, w):
    b = Box()
    c = b
    b.v = x * w
    return np.sum(c.v ** 2)


def partial_captures_array_written_after(x, w):
    y = x * 1.0
    f = functools.partial(np.multiply, y)
    y[0] = w
    return np.sum(f(x))


def lambda_default_array_written_after(x, w):
    y = x * 1.0
    f = lambda v, c=y: v * c     # noqa: E731
    y[1] = w
    return np.sum(f(x))


def nested_default_is_view(x, w):
    y = x * 1.0
    def g(v, c=y[:2]):
        return np.sum(v[:2] * c)
    y[0] = w
    return g(x)


def star_args_tuple_item_written(x, w):
    def h(*vs):
        vs[0][0] = w
        return np.sum(vs[0] * vs[1])
    y = x * 1.0
    return h(y, x) + np.sum(y)


def kwargs_dict_item_rebound(x, w):
    def h(**opts):
        opts["a"] = opts["a"] * 2.0
        return opts["a"]
    return np.sum(h(a=x * w) * x)


def sorted_copy_then_written(x, w):
    s = sorted(x * w)
    s[0] = s[0] * 3.0
    return sum(v ** 2 for v in s)


def array_sort_in_place(x, w):
    y = x * w
    y.sort()
    return y[0] * y[-1] + y[1]


def max_with_key_negative(x, w):
    return max(x * w, key=lambda v: -v) * 2.0


def shadowed_builtin_sum(x, w):
    sum = np.sum
    return sum(x * w) ** 2


def global_function_shadowed_locally(x, w):
    _scaled = np.sin
    return np.sum(_scaled(x) * w)


def exception_leaves_partial_write(x, w):
    y = x * 1.0
    try:
        y[0] = w
        y[1] = y[0] * 2.0
        raise RuntimeError("stop")
    except RuntimeError:
        pass
    return np.sum(y ** 2)


def zero_division_caught(x, w):
    try:
        r = 1.0 / (w - w)
    except ZeroDivisionError:
        r = w * 3.0
    return np.sum(x * r)


def recursion_with_memo(x, w):
    memo = {}
    def f(n):
        if n in memo:
            return memo[n]
        r = w if n < 2 else f(n - 1) * 0.5 + f(n - 2)
        memo[n] = r
        return r
    return np.sum(x * f(5))


def dataclass_asdict_copy(x, w):
    m = Lin(w, b=0.3)
    d = dataclasses.asdict(m)
    return np.sum(x * d["a"] + d["b"])


def copy_module_deepcopy(x, w):
    import copy
    a = [x * w, [x]]
    b = copy.deepcopy(a)
    b[0][0] = 0.0
    return np.sum(a[0] ** 2) + np.sum(b[0])


def property_after_in_place_write(x, w):
    p = Pair(x * 1.0, np.cos(x))
    first = p.dot
    p.u[0] = w
    return first * p.dot


def class_attribute_written_through_instance_class(x, w):
    h = Holder()
    old = Holder.k
    type(h).k = 3.0
    r = np.sum(h.scaled(x) * w)
    Holder.k = old
    return r


def keyword_only_default_global(x, w):
    return np.sum(_kw_default_global(x, w=w))


def _kw_default_global(v, *, w, s=SCALE):
    return v * w * s


def chained_compare_with_call(x, w):
    def mid():
        return np.sum(x) * w
    return mid() * 2.0 if -10.0 < mid() < 10.0 else 0.0


def sum_genexpr_nested_conditions(x, w):
    return sum(a * b * w for a in x if a > -1.0 for b in x if b < a)


def generator_return_value(x, w):
    def gen(v):
        yield v * w
        return 0
    return np.sum(sum(gen(x)))


def lambda_in_dict_comp(x, w):
    fs = {k: (lambda v, k=k: v * k * w) for k in (1.0, 2.0)}
    return np.sum(fs[1.0](x) * fs[2.0](x))


def int_w_cast_in_range(x, w):
    n = int(w * 5 + 0.5)
    return sum(x[i % len(x)] * w for i in range(n))


def bool_index_list(x, w):
    vals = [x, x * w]
    return np.sum(vals[bool(w > 0.5)] ** 2)


def complex_abs_of_real(x, w):
    return np.sum(np.abs(x * w)) + abs(w)


def math_sum_over_array_elements(x, w):
    return math.fsum(v * w for v in x) + math.sqrt(sum(v * v for v in x))


def float32_round_trip_of_w(x, w):
    return np.sum(x * float(np.float64(w)))


def zero_d_array_in_math(x, w):
    a = np.array(w)
    return math.sin(a) * np.sum(x) + float(a) ** 2


def zero_length_comprehension(x, w):
    return np.sum(np.array([v * w for v in x[:0]])) + np.sum(x * w)


def zero_length_stack(x, w):
    parts = [x * w for _ in range(0)]
    extra = np.sum(np.concatenate(parts)) if parts else 0.0
    return extra + np.sum(x) * w


class Shared:
    log = []
    weights = np.zeros(3)

    @property
    def fresh(self):
        return [1.0]


def class_level_list_appended(x, w):
    # raised a bare StopIteration: the list is the class's, which the object does not hold itself
    s = Shared()
    s.log.append(1)
    return np.sum(x * w)


def class_level_array_written(x, w):
    s = Shared()
    s.weights[0] = w
    return np.sum(x[:3] * s.weights)


def property_list_appended(x, w):
    s = Shared()
    s.fresh.append(w)
    return np.sum(x * w) + len(s.fresh)


# ---- exceptions, caches, decorators, classes and global objects (the fourth pass) ----------------

def swallow_runtime_refusal(x, w):
    lst = [x * 1.0, w]
    try:
        lst[0] += w
    except TypeError:
        lst[0] = lst[0] * 100.0
    return np.sum(lst[0] ** 2)

def swallow_broad(x, w):
    lst = [x * 1.0, w]
    try:
        lst[0] += w
    except Exception:
        return np.sum(x) * 0.0
    return np.sum(lst[0] ** 2)

def _memo(v, cache={}):
    if "k" not in cache:
        cache["k"] = v * 2.0
    return cache["k"]

def memo_default_dict(x, w):
    return np.sum(_memo(x * w) ** 2)

@functools.lru_cache(maxsize=None)
def _cached(s):
    return s * 3.0

def lru_cached_helper(x, w):
    return np.sum(x * _cached(w))

def _twice(fn):
    @functools.wraps(fn)
    def wrapper(*a, **k):
        return fn(*a, **k) * 2.0
    return wrapper

@_twice
def _dec(v, s):
    return v * s

def decorated_helper(x, w):
    return np.sum(_dec(x, w) ** 2)

def _inner(v, s, *, p=2.0):
    return v ** p * s

def _forward(*a, **k):
    return _inner(*a, **k)

def forwarding_args(x, w):
    return np.sum(_forward(x, w, p=3.0))

def _is_even(n, v):
    return v if n == 0 else _is_odd(n - 1, v * 1.5)

def _is_odd(n, v):
    return v * 0.5 if n == 0 else _is_even(n - 1, np.sin(v))

def mutual_recursion(x, w):
    return np.sum(_is_even(3, x * w))

def sum_start_array(x, w):
    return np.sum(sum((x * k for k in (1.0, w)), np.zeros_like(x)) ** 2)

def try_except_index_in_loop(x, w):
    s = 0.0
    for i in range(6):
        try:
            s = s + x[i] * w ** i
        except IndexError:
            break
    return s


def stop_iteration_protocol(x, w):
    it = iter(x * w)
    s = 0.0
    while True:
        try:
            v = next(it)
        except StopIteration:
            break
        s = s + v ** 2
    return s

def next_with_default(x, w):
    it = iter([])
    return np.sum(x * next(it, w))

def star_expr_in_call_and_list(x, w):
    parts = [*x[:2] * w, *x[2:]]
    return sum(p ** 2 for p in parts)

def dict_unpack_merge(x, w):
    a = {"p": x * w}
    b = {**a, "q": x}
    c = a | {"p": x}
    return np.sum(b["p"] * b["q"]) + np.sum(c["p"])

def nonlocal_in_loop_closure(x, w):
    s = 0.0
    def add(v):
        nonlocal s
        s += v
    for v in x:
        if v > 0:
            add(v * w)
    return s

def closure_over_loop_var_called_in_loop(x, w):
    s = 0.0
    for i in range(len(x)):
        f = lambda: x[i] * w
        s = s + f() ** 2
    return s

def exception_object_carries_value(x, w):
    try:
        raise ValueError(np.sum(x * w))
    except ValueError as e:
        v = e.args[0]
    return v * 2.0

def assert_raises_caught(x, w):
    try:
        assert w > 5.0, "small"
        s = w
    except AssertionError:
        s = w * 2.0
    return np.sum(x * s)

def finally_overrides_return(x, w):
    def h(v):
        try:
            return np.sum(v)
        finally:
            return np.sum(v ** 2)   # noqa: B012
    return h(x * w)


class Base:
    def __init__(self, s):
        self.s = s
    def f(self, v):
        return v * self.s
    def g(self, v):
        return self.f(v) + 1.0

class Child(Base):
    def f(self, v):
        return super().f(v) ** 2

def dispatch_via_inheritance(x, w):
    return np.sum(Child(w).g(x)) + np.sum(Base(w).g(x))

class Slotted:
    __slots__ = ("a", "b")
    def __init__(self, a, b):
        self.a = a
        self.b = b

def slots_object(x, w):
    o = Slotted(x * w, x)
    o.b = o.b * 2.0
    return np.sum(o.a * o.b)

class Dyn:
    def __init__(self, s):
        self._s = s
    def __getattr__(self, name):
        if name == "double":
            return self._s * 2.0
        raise AttributeError(name)

def getattr_dynamic(x, w):
    return np.sum(x * Dyn(w).double)

P2 = collections.namedtuple("P2", "a b")

def namedtuple_replace(x, w):
    p = P2(x * w, 1.0)
    q = p._replace(b=w)
    return np.sum(q.a * q.b) + np.sum(p.a)

class NT(typing.NamedTuple):
    a: np.ndarray
    b: float = 2.0

def typed_namedtuple(x, w):
    n = NT(x * w)
    a, b = n
    return np.sum(a ** 2) * b + n[1]

def getattr_setattr_strings(x, w):
    o = Base(1.0)
    setattr(o, "s", w)
    return np.sum(o.f(x) * getattr(o, "s"))

def instance_method_replaced(x, w):
    o = Base(w)
    o.f = lambda v: np.sin(v) * w
    return np.sum(o.g(x))

def vars_of_object(x, w):
    o = Base(w)
    return np.sum(x * vars(o)["s"]) + np.sum(x * o.__dict__["s"])

MODEL = Base(2.0)
GLOBAL_ARR = np.ones(6)

def global_object_attribute_rebound(x, w):
    MODEL.s = w
    return np.sum(MODEL.f(x))

def global_array_written(x, w):
    GLOBAL_ARR[0] = w
    return np.sum(x * GLOBAL_ARR[:len(x)])

def isinstance_dispatch(x, w):
    o = Child(w) if w > 0.5 else Base(w)
    if isinstance(o, Child):
        return np.sum(o.f(x))
    return 0.0

def class_attr_rebound_inside(x, w):
    old = Base.g
    Base.g = lambda self, v: v * 3.0
    r = np.sum(Base(w).g(x))
    Base.g = old
    return r

class Acc:
    def __init__(self):
        self.items = []
    def add(self, v):
        self.items.append(v)
        return self
    def total(self):
        return sum(np.sum(v) for v in self.items)

def method_chaining(x, w):
    return Acc().add(x * w).add(np.sin(x)).total()

class Counter2:
    def __init__(self):
        self.n = 0
    def __call__(self, v):
        self.n += 1
        return v * self.n

def callable_object_state(x, w):
    c = Counter2()
    return np.sum(c(x) * c(x * w))

def staticmethod_in_instance_dict(x, w):
    class K:
        scale = staticmethod(lambda v: v * 2.0)
    return np.sum(K.scale(x) * w) + np.sum(K().scale(x))



# ---- parameters rebound around closures, defaults and generators (the fifth pass) ------------

def closure_reads_rebound_parameter(x, w):
    def g(v):
        return v * w
    w = w * 2.0
    return np.sum(g(x) ** 2)

def nonlocal_rebinds_parameter(x, w):
    def inc():
        nonlocal w
        w = w * w + 1.0
    inc()
    inc()
    return np.sum(x * w)

def default_takes_parameter_before_rebind(x, w):
    def g(v, s=w):
        return v * s
    w = w * 3.0
    return np.sum(g(x) * w)

def lambdas_in_comprehension_late(x, w):
    fs = [lambda: v * w for v in x]
    return sum(f() for f in fs)

def genexpr_reads_rebound_parameter(x, w):
    g = (v * w for v in x)
    w = w ** 2
    return sum(g)

def genexpr_reads_rebound_array_param(x, w):
    g = (np.sum(x * k) for k in (1.0, 2.0))
    x = x ** 2
    return sum(g) * w

def sorted_key_closure_reads_w(x, w):
    s = sorted(x, key=lambda v: (v - w) ** 2)
    return s[0] * w + s[-1]

def max_of_floats_from_w(x, w):
    return max(w * 2.0, 1.0) * np.sum(x) + min(w, 0.1) * x[0]

def chained_compare_zero_d(x, w):
    a = np.sum(x) * w
    return a ** 2 if 0.0 < a < 5.0 else a

def parameter_written_then_closure(x, w):
    x = x * 1.0
    def g():
        return np.sum(x ** 2)
    before = g()
    x[0] = w
    return before + g()

def closure_reads_x_after_aug(x, w):
    def g():
        return np.sum(np.sin(x))
    a = g()
    x = x + w
    return a * g()

def loop_rebinds_closure_cell_array(x, w):
    acc = x * 0.0
    def add(v):
        return acc + v
    for i in range(3):
        acc = add(x * w ** i)
    return np.sum(acc ** 2)

def keyword_args_reordered(x, w):
    def h(a, b, c=1.0):
        return a * 2.0 + b * 3.0 + c
    return np.sum(h(b=x, c=w, a=x * w) ** 2)

def star_args_of_parameter_tuple(x, w):
    def h(*vs):
        return sum(np.sum(v ** 2) for v in vs)
    t = (x, x * w)
    t = t + (w,)
    return h(*t)

def kwargs_forwarded_twice(x, w):
    def inner(v, **kw):
        return v * kw["s"] + kw.get("t", 0.0)
    def outer(v, **kw):
        kw["t"] = kw["s"] * 2.0
        return inner(v, **kw)
    return np.sum(outer(x, s=w) ** 2)


def _programs():
    return {n: f for n, f in globals().items() if callable(f) and not n.startswith("_")
            and getattr(f, "__module__", None) == __name__ and n[0].islower()}


# program -> (the function holding the refused line, the line's offset from its def, words of
# the refusal, the error)
REFUSED = {
    "default_array_written_in_place": ("_into_default", 1, r"assignment into an element of 'buf' while another name may share", "TransformError"),
    "generator_yield_from": ("_squares", 2, r"astgrad cannot differentiate yield \(a generator\)", "TransformError"),
    "generator_return_value": ("generator_return_value", 2, r"astgrad cannot differentiate yield \(a generator\)", "TransformError"),
    "property_setter": ("property_setter", 2, r"astgrad cannot differentiate assignment to an attribute through a property setter",
                        "TransformError"),
    # each refused when the code runs, naming the line: the array held by the list may be held elsewhere
    "aug_list_item": ("aug_list_item", 2, r"op= \(\+= and the like\) on an ndarray held by a list", "TypeError"),
    "aug_nested_item": ("aug_nested_item", 2, r"op= \(\+= and the like\) on an ndarray held by a list", "TypeError"),
    "list_repeat_aliases": ("list_repeat_aliases", 2, r"op= \(\+= and the like\) on an ndarray held by a list", "TypeError"),
    "complex_abs": ("complex_abs", 1, r"astgrad cannot differentiate complex numbers \(the complex literal 1j\)", "TransformError"),
    "complex_real_imag": ("complex_real_imag", 1, r"astgrad cannot differentiate complex numbers", "TransformError"),
    "map_reads_name_when_iterated": ("map_reads_name_when_iterated", 2, r"astgrad cannot differentiate the iterator held in 'm' "
                                     r"here: k is rebound before its items are read", "TransformError"),
    "zip_over_array_written_after": ("zip_over_array_written_after", 2, r"astgrad cannot differentiate the iterator held in 'z' "
                                     r"here: .*a write into y", "TransformError"),
    "generator_reads_array_written_between_nexts": ("generator_reads_array_written_between_nexts", 4,
                                                    r"assignment into an element of 'y' while another name may share",
                                                    "TransformError"),
    "finally_writes_returned_array_inline": ("finally_writes_returned_array_inline", 3,
                                             r"astgrad cannot differentiate break or continue inside try/finally", "TransformError"),
    "tuple_item_written": ("tuple_item_written", 3, r"assignment into an element of 't' while another name may share",
                           "TransformError"),
    "global_statement_rebinds_array": ("global_statement_rebinds_array", 3, r"astgrad cannot differentiate the global 'LAST', "
                                       r"which the function rebinds and the helper _reads_last reads", "TransformError"),
    "global_rebound_then_helper_reads": ("global_rebound_then_helper_reads", 3, r"astgrad cannot differentiate the global "
                                         r"'SCALE2', which the function rebinds and the helper _scale2 reads", "TransformError"),
    "dataclass_post_init": ("dataclass_post_init", 1, r"no adjoint rule for hunt85b_programs\.Derived; Derived is a dataclass "
                            r"with a __post_init__", "TransformError"),
    "recursion_writes_shared_array": ("recursion_writes_shared_array", 7, r"the call of fill changes an argument it is given "
                                      r"in place", "TransformError"),
    "recursion_with_memo": ("recursion_with_memo", 8, r"the call of f changes an argument it is given in place .*memo\[n\] = r",
                            "TransformError"),
    "closures_over_loop_elements_late": ("closures_over_loop_elements_late", 3, r"astgrad cannot differentiate the local "
                                         r"function lambda appended to a list", "TransformError"),
    "attribute_alias_written_in_place": ("attribute_alias_written_in_place", 4, r"augmented assignment \(\+= and the like\) on "
                                         r"an item of 'b' while that item may share its memory with 'arr'", "TransformError"),
    "nested_default_is_view": ("nested_default_is_view", 4, r"assignment into an element of 'y' while another name may share",
                               "TransformError"),
    # named 'vs_1' (the copy astgrad made of the parameter of the local function it inlines) before
    "star_args_tuple_item_written": ("star_args_tuple_item_written", 2, r"assignment into an element of an item of 'vs' while "
                                     r"that item may share its memory with 'y'", "TransformError"),
    # each raised a bare StopIteration: the written value is an attribute of the class, not of the object
    "class_level_list_appended": ("class_level_list_appended", 3, r"this writes into a list, dict or array the Shared "
                                  r"object does not hold itself \(an attribute of its class", "TypeError"),
    "class_level_array_written": ("class_level_array_written", 2, r"this writes into a list, dict or array the Shared "
                                  r"object does not hold itself", "TypeError"),
    # the refusal is not caught by the user's except TypeError / except Exception around the line
    "swallow_runtime_refusal": ("swallow_runtime_refusal", 3, r"op= \(\+= and the like\) on an ndarray held by a list",
                                "TypeError"),
    "swallow_broad": ("swallow_broad", 3, r"op= \(\+= and the like\) on an ndarray held by a list", "TypeError"),
    "memo_default_dict": ("_memo", 2, r"assignment into an element of 'cache' while another name may", "TransformError"),
    "exception_object_carries_value": ("exception_object_carries_value", 3, r"the exception caught here carries a float "
                                       r"value", "TypeError"),
    "finally_overrides_return": ("finally_overrides_return", 5, r"astgrad cannot differentiate return in a finally body",
                                 "TransformError"),
    "getattr_dynamic": ("getattr_dynamic", 1, r"no adjoint rule for hunt85b_programs\.Dyn", "TransformError"),
    "getattr_setattr_strings": ("getattr_setattr_strings", 2, r"calling setattr changes 'o' in place", "TransformError"),
    "instance_method_replaced": ("instance_method_replaced", 2, r"astgrad cannot differentiate assignment to an attribute; "
                                 r".*to store a function or a bound method on an object", "TransformError"),
    "vars_of_object": ("vars_of_object", 2, r"no adjoint rule for vars", "TransformError"),
    "global_object_attribute_rebound": ("global_object_attribute_rebound", 1, r"astgrad cannot differentiate assignment to "
                                        r"an attribute", "TransformError"),
    "global_array_written": ("global_array_written", 1, r"assignment into an element of 'GLOBAL_ARR' while another name",
                             "TransformError"),
    "isinstance_dispatch": ("isinstance_dispatch", 3, r"no adjoint rule for \.f\(\)", "TransformError"),
    "class_attr_rebound_inside": ("class_attr_rebound_inside", 2, r"astgrad cannot differentiate a change of Base\.g, an "
                                  r"attribute of the class Base", "TransformError"),
    "kwargs_forwarded_twice": ("kwargs_forwarded_twice", 5, r"astgrad cannot differentiate \*\*kwargs unpacking in a call "
                               r"of inner", "TransformError"),
    "lambdas_in_comprehension_late": ("lambdas_in_comprehension_late", 1, r"astgrad cannot differentiate the local function "
                                      r"lambda made by a list comprehension", "TransformError"),
    "star_args_of_parameter_tuple": ("star_args_of_parameter_tuple", 5, r"astgrad cannot differentiate \*args unpacking in a "
                                     r"call", "TransformError"),
    "dataclass_asdict_copy": ("dataclass_asdict_copy", 2, r"astgrad cannot differentiate the call of dataclasses\.asdict",
                              "TransformError"),
    "class_attribute_written_through_instance_class": ("class_attribute_written_through_instance_class", 3,
                                                       r"astgrad cannot differentiate assignment to an attribute",
                                                       "TransformError"),
}
CASES = [(n, f) for n, f in _programs().items() if n not in REFUSED]
